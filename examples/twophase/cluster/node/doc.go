// Package node is the real system that package cluster's model describes:
// the transaction manager and the resource managers of two-phase commit,
// each an HTTP server with a durable log, meant to run as its own process
// ([Main], [Run]).
//
// Nodes never act on their own: no timers, no retries. Each protocol
// message is sent because a test told a node to act through its control
// endpoints ([Client]), which it calls directly; the messages between
// nodes go to the peers' base URLs of [Config], which a test points at
// fault-injecting proxies. Every message takes a fresh connection
// ([NewHTTPClient]) and has a timeout, [SendTimeout]; a message that
// times out fails the control request ([Timeout]) rather than counting as
// lost.
//
// The protocol: a resource manager ([RM]) told to prepare logs "prepared"
// (fsync) and sends Prepared to the transaction manager; told to resend, it
// sends it again. The transaction manager ([TM]) told to commit, which it
// may only do once every resource manager's Prepared arrived, or to abort,
// logs its decision and sends it to every resource manager, which logs
// "committed" or "aborted" and acknowledges; told to resend, it sends the
// decision again to those that did not acknowledge it. Duplicates are
// acknowledged and change nothing. A restarted node recovers its state from
// its log ([RecoverRM], [RecoverTM]); the transaction manager's received
// votes and acknowledgements are in memory only and lost.
//
// [Bugs] plants bugs for a test suite to catch: EarlyCommit, AllButOne,
// ForgetPrepared, DoubleCommit.
package node
