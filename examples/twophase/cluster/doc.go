// Package cluster is two-phase commit as a real distributed system, tested
// with faults: the model of a transaction manager and resource managers
// that crash and restart over links that lose messages, and the adapter
// that drives the real thing, each node its own process, through the tests
// mbt gen writes from the model.
//
// # Architecture
//
// Each node is an HTTP server in a process of its own on loopback (package
// [github.com/mbtgo/mbt/examples/twophase/cluster/node]), with a durable
// append-only log (fsync on every record): a resource manager logs
// "prepared", "committed" or "aborted", the transaction manager its
// decision. A restarted node recovers from its log; the transaction
// manager's votes and acknowledgements are in memory only and lost in a
// crash. Nodes talk to each other over HTTP through one TCP proxy per
// directed link (package adapters/fault), and never act on their own: no
// timers, no retries. The test tells a node to act through its control
// endpoints, which it calls directly: Prepare(rm) makes rm log its vote and
// send Prepared to the transaction manager; Commit and Abort make the
// transaction manager log its decision and send it to every resource
// manager; RMResend and TMResend send again what was not acknowledged.
// Every message takes a new connection, so a proxy's mode applies to the
// next message exactly, and every step is deterministic.
//
// # Faults
//
// The model's fault actions, each counted against [Config].MaxFaults and
// injected one at a time:
//
//   - LoseRequests(link): the link's proxy resets every new connection, so
//     the message never arrives (fault.Cut on fault.ToTarget);
//   - LoseReplies(link): the message arrives and is processed, and the
//     reply is lost (fault.Cut on fault.FromTarget), so the sender does not
//     know and sends it again: a duplicate;
//   - CrashRM(rm) and CrashTM: SIGKILL; the log survives, memory does not;
//     RestartRM(rm) and RestartTM start the node again, and Heal makes every
//     link deliver again (these are free).
//
// # Checks
//
// After every observed step the runner compares the model's [View] with
// what the [Adapter] reads back (each node's status endpoint, or its log
// file when it is down; read twice, as reading must change nothing) and
// calls the adapter's Invariants, which checks atomicity on the real nodes
// ([CheckAtomicity]): no resource manager committed while another aborted,
// none went against the transaction manager's decision, none applied the
// transaction twice.
//
// Steps whose guard is false in the model are tried as negative steps,
// which the nodes (or, for their own rules, the harness) must refuse,
// changing nothing. The guards of the protocol's steps are named
// conditions (dsl's Requires): Commit requires "tm up", "undecided" and,
// for each resource manager, "rm0's vote counted", "rm1's vote counted",
// and so on, and mbt gen tries each as the only false one, so a
// transaction manager that commits with a single vote missing is caught.
// Resource managers and links the cluster does not have (rm -1 and 2,
// links rm2->tm, tm->tm and "") are tried too, and the adapter refuses
// them. Negative steps are tried after a prefix that the runner does not
// observe, so that reading the view cannot hide what those steps did.
//
// The model itself has the invariants TCConsistent, DecisionAgrees and
// VotesArePrepared, and explores clean:
//
//	go run github.com/mbtgo/mbt/cmd/mbt explore ./examples/twophase/cluster
//	go run github.com/mbtgo/mbt/cmd/mbt explore ./examples/twophase/cluster -set MaxFaults=2
//
// # Planted bugs
//
// $MBT_TWOPHASE_BUGS (see [BugsEnv]) switches on bugs in the nodes, as a
// comma-separated list: earlycommit (the transaction manager commits
// without checking the votes), allbutone (the transaction manager commits
// when all but one resource manager voted), forgetprepared (a resource
// manager does not log its vote, so a crash makes it forget it),
// doublecommit (a resource manager applies a duplicated Commit again). The
// generated suite catches each; TestPlantedBugs checks that it does.
// earlycommit and allbutone are caught by the tests of the criterion
// conditions, a Commit where one vote is the only thing missing: a suite
// of the criteria transitions and boundaries alone misses both, as it
// tries Commit only where the transaction manager is down or has decided.
//
// # Running
//
// The generated tests, cluster_mbt_test.go, start the nodes by running the
// test binary again, which its TestMain turns into a node ([NodeMain]). A
// cluster outlives its test when the test passes: the next test takes it
// and Reset empties its logs, as starting three processes costs more than
// the steps of a typical test. The cluster of a failed test is stopped at
// once; TestMain stops the others ([StopNodes]).
//
//	go generate ./examples/twophase/cluster    # after changing the model
//	go test ./examples/twophase/cluster
//	MBT_TWOPHASE_BUGS=allbutone go test -run '^TestCluster_' ./examples/twophase/cluster
//
// Besides the generated tests, TestPlantedBugs runs them against each
// planted bug, TestDeterminism runs them three times and compares the
// results, and TestNoNodesLeft checks that no node process outlives a
// failed test or a killed test binary.
package cluster
