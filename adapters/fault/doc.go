// Package fault provides fault-injection building blocks for adapters that
// drive real implementations: several processes talking over loopback TCP.
// A test controls the links between them with proxies (drop or delay the
// traffic of one direction, cut connections, partition nodes, heal) and
// the processes themselves (start, crash, stop, restart with their files
// kept).
//
// The package owns processes, sockets and their teardown. It knows nothing
// of models: an adapter maps model actions such as "crash rm1" or "lose
// the reply to tm" onto these calls, and the runner in package adapters
// drives it.
//
// # Links
//
// A [Proxy] listens on 127.0.0.1 and forwards every connection to its
// target. The node that dials is configured with the proxy's address
// instead of the target's. Each direction of traffic, [ToTarget] (the
// client's requests) and [FromTarget] (the target's responses), has a
// [Mode] and a delay:
//
//   - [Pass] forwards the bytes, after the delay.
//   - [Drop] discards them and keeps the connection open: a black hole that
//     the sender detects only by its own timeout. Dropping ToTarget keeps
//     new connections from reaching the target at all.
//   - [Cut] discards them and resets the connection at once. Cutting
//     FromTarget lets the request reach the target and resets the client
//     when the response comes back: the request was processed but the
//     reply was lost, deterministically.
//
// Modes and delays apply to open connections from their next chunk of
// bytes; delays keep the order of bytes. A [Network] names the nodes and
// holds one proxy per directed link, to partition sets of nodes, isolate
// one, heal all, and retarget the links into a node that came back on
// another port.
//
// What a client sees differs from a real network in one respect: its
// connect always succeeds, because the proxy's kernel accepts it. Under
// Drop ToTarget the client then times out reading instead of connecting;
// under Cut ToTarget it gets a reset, from the dial itself or from its
// first read or write.
//
// # Connections that stay open
//
// Modes apply to open connections from their next bytes, so clients that
// keep connections open (HTTP keep-alive, connection pools, gRPC) are
// affected on the connections they already have. Two things follow.
//
// Cut does not touch an idle connection: it is reset when it next carries
// bytes in the cut direction. Call [Proxy.ResetConns] (after
// [Network.Isolate], say) to reset every open connection at once, as a
// crashed peer would.
//
// Clients retry. Go's net/http, for one, resends an idempotent request
// (GET, HEAD, or one with an Idempotency-Key) on a new connection when a
// reused one fails before any response arrives, which is what Cut
// FromTarget does; the retry reaches the target again, and its reply is
// cut too. So a GET under Cut FromTarget may be processed twice. When a
// test counts requests, disable keep-alive in the client
// (http.Transport{DisableKeepAlives: true}) and its retries, or use a
// non-idempotent method, which net/http does not resend once written.
//
// # Processes
//
// [Start] runs a program in a process group of its own and waits until
// its Ready function succeeds ([ReadyTCP], [ReadyHTTP]). [Process.Crash]
// kills the group with SIGKILL: files survive, memory does not.
// [Process.Stop] asks with SIGTERM first. [Process.Restart] starts the
// same Spec again. [Process.Output] keeps the last 64 KiB of output across
// restarts, and every error from Start includes it.
//
// # Teardown
//
// Nothing outlives a test. Every wait has a timeout, so Close, Crash and
// Stop return even when the other side misbehaves. [Proxy.Close] closes
// the listener and every connection and waits for every goroutine of the
// proxy. The ...T helpers ([StartT], [NewProxyT], [NewNetworkT]) register
// that teardown with t.Cleanup, so it runs when a test passes or fails.
// When the test binary itself dies (a -test.timeout panic, go test's
// SIGQUIT, Ctrl-C, SIGKILL) cleanups do not run, but on Linux the kernel
// kills every process started by Start (Pdeathsig), and proxies and their
// sockets die with the binary. Children of those processes die with them
// only through Crash and Stop, which signal the whole process group: have
// wrapper scripts exec the server rather than fork it.
//
// # Index
//
// Links: [NewProxy], [Proxy], [Proxy.Set], [Proxy.Delay], [Proxy.Heal],
// [Proxy.ResetConns], [Direction], [Mode], [Stats]; [NewNetwork],
// [Network], [Network.Partition], [Network.Isolate], [Network.Retarget].
//
// Processes: [Start], [Spec], [Process], [Process.Crash], [Process.Stop],
// [Process.Restart], [ReadyTCP], [ReadyHTTP], [ErrExited].
//
// Tests (with an [adapters.TB]): [StartT], [NewProxyT], [NewNetworkT].
package fault
