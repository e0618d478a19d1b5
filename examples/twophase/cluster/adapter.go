package cluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/adapters/fault"
	"github.com/mbtgo/mbt/examples/twophase/cluster/node"
)

// Environment variables of the adapter and its node processes.
const (
	// NodeEnv is set, to the node's name, in the environment of the node
	// processes NewAdapter starts by running the current binary again: its
	// TestMain must then run the node ([NodeMain]) instead of the tests.
	NodeEnv = "MBT_TWOPHASE_NODE"
	// BugsEnv switches planted bugs on in the nodes NewAdapter starts, as a
	// comma-separated list (see node.ParseBugs):
	// MBT_TWOPHASE_BUGS=doublecommit go test ./examples/twophase/cluster.
	BugsEnv = "MBT_TWOPHASE_BUGS"
	// PidsEnv names a file to which NewAdapter appends the pid of every
	// node process it starts, one per line, so that a test can check that
	// none is left running.
	PidsEnv = "MBT_TWOPHASE_PIDS"
)

// NodeMain runs a node process with the command line args, as NewAdapter
// starts it, and returns its exit code. A TestMain calls it when NodeEnv is
// set, and StopNodes after the tests:
//
//	func TestMain(m *testing.M) {
//		if os.Getenv(cluster.NodeEnv) != "" {
//			os.Exit(cluster.NodeMain(os.Args[1:]))
//		}
//		code := m.Run()
//		if err := cluster.StopNodes(); err != nil {
//			fmt.Fprintln(os.Stderr, err)
//			code = max(code, 1)
//		}
//		os.Exit(code)
//	}
func NodeMain(args []string) int { return node.Main(args, os.Stderr) }

// Adapter drives a real cluster: a transaction manager and
// DefaultConfig().RM resource managers, each a process of its own on
// loopback, talking to each other through the fault-injecting proxies of a
// fault.Network, one per link. It implements the adapter contract of
// package adapters for the Cluster model, with an Invariants method that
// checks atomicity on the real nodes.
//
// The adapter refuses the steps whose preconditions are its own: acting on
// a node that is down, restarting one that is up, a fault while another is
// active or beyond Config.MaxFaults, and a resource manager or a link the
// cluster does not have (the values just outside the model's domains,
// which the generated tests try). The nodes refuse the rest.
type Adapter struct {
	*nodes
	cfg    Config
	faults int
	// last is what View read, until the next step: nodes never act on
	// their own, so Invariants, which the runner calls right after View,
	// checks the same state without reading it again.
	last *View
}

// nodes are the processes of one cluster and the network between them.
type nodes struct {
	bugs node.Bugs
	dir  string // the nodes' directories are in it
	net  *fault.Network
	tm   *member
	rms  []*member
}

// member is one node process.
type member struct {
	name string
	dir  string
	proc *fault.Process

	mu sync.Mutex
	c  *node.Client // of the current run
}

func (m *member) client() *node.Client {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.c
}

func (n *nodes) members() []*member { return append([]*member{n.tm}, n.rms...) }

// pool holds the clusters of the tests that passed, for the next tests to
// reuse: starting one costs about a quarter of a second, and a generated
// suite has hundreds of tests, each of which Reset brings back to a fresh
// transaction in a few milliseconds.
var pool struct {
	mu   sync.Mutex
	free []*nodes
	all  map[*nodes]bool
}

// NewAdapter returns an adapter of a cluster with DefaultConfig's resource
// managers and the bugs named in $MBT_TWOPHASE_BUGS. The nodes are the
// running binary started again with NodeEnv set, so that binary's TestMain
// must call NodeMain, and StopNodes once the tests are done.
//
// Clusters are reused: when the test ends, its cluster goes back to a pool
// for the next test if the test passed, and is stopped, processes and
// proxies, if it failed (after logging the nodes' output), so that the next
// test starts afresh. StopNodes stops the pool.
func NewAdapter(t *testing.T) *Adapter {
	t.Helper()
	bugs, err := node.ParseBugs(os.Getenv(BugsEnv))
	if err != nil {
		t.Fatalf("%s: %v", BugsEnv, err)
	}
	cfg := DefaultConfig()
	n := take(bugs)
	if n == nil {
		if n, err = startNodes(t.Context(), cfg.RM, bugs); err != nil {
			t.Fatalf("cluster: %v", err)
		}
	}
	t.Cleanup(func() {
		if !t.Failed() {
			put(n)
			return
		}
		for _, m := range n.members() {
			if out := output(m.proc); out != "" {
				t.Logf("output of %s:\n%s", m.name, out)
			}
		}
		if err := n.stop(); err != nil {
			t.Errorf("cluster: %v", err)
		}
	})
	return &Adapter{nodes: n, cfg: cfg}
}

// output returns a process's output without the lines that mark restarts.
func output(p *fault.Process) string {
	var lines []string
	for l := range strings.Lines(p.Output()) {
		if !strings.HasPrefix(l, "--- fault: ") {
			lines = append(lines, l)
		}
	}
	return strings.TrimSpace(strings.Join(lines, ""))
}

// take returns a pooled cluster with bugs, or nil.
func take(bugs node.Bugs) *nodes {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	for i, n := range pool.free {
		if n.bugs == bugs {
			pool.free = slices.Delete(pool.free, i, i+1)
			return n
		}
	}
	return nil
}

// put returns n to the pool.
func put(n *nodes) {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	pool.free = append(pool.free, n)
}

// StopNodes stops the processes and proxies of every cluster that
// NewAdapter started and that still runs. Call it from TestMain once the
// tests are done; on Linux, the kernel also kills the node processes when
// the test binary dies.
func StopNodes() error {
	pool.mu.Lock()
	all := pool.all
	pool.all, pool.free = nil, nil
	pool.mu.Unlock()
	var errs []error
	for n := range all {
		errs = append(errs, n.stop())
	}
	return errors.Join(errs...)
}

// startNodes starts a cluster of rms resource managers and a transaction
// manager, each in a directory of its own under a new temporary directory,
// with their network.
func startNodes(ctx context.Context, rms int, bugs node.Bugs) (*nodes, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "mbt-twophase-")
	if err != nil {
		return nil, err
	}
	n := &nodes{bugs: bugs, dir: dir, net: fault.NewNetwork()}
	pool.mu.Lock()
	if pool.all == nil {
		pool.all = map[*nodes]bool{}
	}
	pool.all[n] = true
	pool.mu.Unlock()
	// The links first, so that each node knows its peers' proxies; they
	// point at the nodes once these listen.
	for rm := range rms {
		for _, l := range [][2]string{{RMName(rm), TMName}, {TMName, RMName(rm)}} {
			if _, err := n.net.Link(l[0], l[1], ""); err != nil {
				return nil, errors.Join(err, n.stop())
			}
		}
	}
	url := func(from, to string) string { return "http://" + n.net.Proxy(from, to).Addr() }
	cfgs := []node.Config{{Role: "tm", Bugs: bugs}}
	for rm := range rms {
		cfgs[0].Peers = append(cfgs[0].Peers, url(TMName, RMName(rm)))
		cfgs = append(cfgs, node.Config{Role: "rm", ID: rm, Peers: []string{url(RMName(rm), TMName)}, Bugs: bugs})
	}
	ms := make([]*member, len(cfgs))
	errs := make([]error, len(cfgs))
	var wg sync.WaitGroup
	for i, c := range cfgs {
		m := &member{name: TMName, dir: filepath.Join(dir, TMName)}
		if c.Role == "rm" {
			m.name = RMName(c.ID)
			m.dir = filepath.Join(dir, m.name)
		}
		c.Dir = m.dir
		ms[i] = m
		wg.Go(func() {
			if errs[i] = os.MkdirAll(m.dir, 0o755); errs[i] != nil {
				return
			}
			m.proc, errs[i] = fault.Start(ctx, fault.Spec{
				Name:  m.name,
				Path:  exe,
				Args:  c.Args(),
				Env:   []string{NodeEnv + "=" + m.name},
				Ready: m.ready,
				// A node is ready in some 50 ms; the bound is for a
				// loaded machine starting many race-detector binaries at
				// once. A restart's is the step's timeout too.
				ReadyTimeout: 30 * time.Second,
			})
		})
	}
	wg.Wait()
	n.tm, n.rms = ms[0], ms[1:]
	if err := errors.Join(errs...); err != nil {
		return nil, errors.Join(err, n.stop())
	}
	for _, m := range ms {
		if err := n.started(m); err != nil {
			return nil, errors.Join(err, n.stop())
		}
	}
	return n, nil
}

// stop stops n's processes and closes its network, and forgets n.
func (n *nodes) stop() error {
	pool.mu.Lock()
	delete(pool.all, n)
	pool.mu.Unlock()
	var errs []error
	for _, m := range n.members() {
		if m != nil && m.proc != nil {
			if err := m.proc.Stop(); err != nil && !errors.Is(err, fault.ErrExited) {
				errs = append(errs, err)
			}
		}
	}
	errs = append(errs, n.net.Close())
	if n.dir != "" {
		errs = append(errs, os.RemoveAll(n.dir))
	}
	return errors.Join(errs...)
}

// ready is the Ready function of a node's process: it succeeds once the
// node wrote its address and answers there. It polls every millisecond for
// up to 100 ms itself, as a node is ready some 10 to 50 ms after it
// starts and fault.Start polls Ready with growing pauses; fault.Start
// calls it again after that, once it checked that the process still runs.
// The 100 ms bound the polling, not a request to the node, which ctx
// bounds (fault.Start's ReadyTimeout and the step's timeout): on a loaded
// machine, a node's first answer can take longer than that.
func (m *member) ready(ctx context.Context) error {
	deadline := time.Now().Add(100 * time.Millisecond)
	for {
		err := m.ready1(ctx)
		if err == nil || !time.Now().Before(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Millisecond):
		}
	}
}

// ready1 checks once whether the node is ready.
func (m *member) ready1(ctx context.Context) error {
	addr, err := node.ReadAddr(m.dir)
	if err != nil {
		return err
	}
	c := node.NewClient("http://"+addr, nil)
	if m.name == TMName {
		_, err = c.TMStatus(ctx)
	} else {
		_, err = c.RMStatus(ctx)
	}
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.c = c
	m.mu.Unlock()
	return nil
}

// started points the links into m at its current address and records its
// pid in $MBT_TWOPHASE_PIDS.
func (n *nodes) started(m *member) error {
	n.net.Retarget(m.name, strings.TrimPrefix(m.client().Base(), "http://"))
	path := os.Getenv(PidsEnv)
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err == nil {
		_, err = fmt.Fprintf(f, "%d\n", m.proc.Pid())
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		return fmt.Errorf("%s: %w", PidsEnv, err)
	}
	return nil
}

// broken wraps an error reaching a node that runs: not a refusal.
func broken(m *member, err error) error {
	return fmt.Errorf("%w: %s: %v", adapters.ErrBroken, m.name, err)
}

// refusal returns err as the node's refusal when it is one, and as a
// broken connection otherwise.
func refusal(m *member, err error) error {
	if err == nil || node.IsRefused(err) {
		return err
	}
	return broken(m, err)
}

// up returns an error when m is down: the adapter refuses to act on it.
func up(m *member) error {
	if !m.proc.Running() {
		return fmt.Errorf("%s is down", m.name)
	}
	return nil
}

func (a *Adapter) rm(rm int) (*member, error) {
	if rm < 0 || rm >= len(a.rms) {
		return nil, fmt.Errorf("no resource manager %d", rm)
	}
	return a.rms[rm], nil
}

// upRM returns resource manager rm, or an error when there is none or its
// process is down.
func (a *Adapter) upRM(rm int) (*member, error) {
	m, err := a.rm(rm)
	if err != nil {
		return nil, err
	}
	return m, up(m)
}

// RerunEnv returns the setting of $MBT_TWOPHASE_BUGS that the command
// printed to rerun a failed test must repeat.
func (a *Adapter) RerunEnv() []string {
	if b := a.bugs.String(); b != "" {
		return []string{BugsEnv + "=" + b}
	}
	return nil
}

// Reset brings the cluster back to a fresh transaction: every link healed,
// every node up with an empty log, no faults injected.
func (a *Adapter) Reset(ctx context.Context) error {
	a.last = nil
	a.net.Heal()
	a.faults = 0
	for _, m := range a.members() {
		if !m.proc.Running() {
			if err := a.restart(ctx, m); err != nil {
				return err
			}
		}
		if err := m.client().Reset(ctx); err != nil {
			return broken(m, err)
		}
	}
	return nil
}

// View reads each node's state: from its status endpoint when it runs,
// from its log when it is down.
func (a *Adapter) View(ctx context.Context) (View, error) {
	v, err := a.read(ctx)
	if err == nil {
		a.last = &v
	}
	return v, err
}

// read reads each node's state.
func (a *Adapter) read(ctx context.Context) (View, error) {
	var v View
	n := len(a.rms)
	v.TM = TMView{Prepared: make([]bool, n), Acked: make([]bool, n)}
	if a.tm.proc.Running() {
		st, err := a.tm.client().TMStatus(ctx)
		if err != nil {
			return View{}, broken(a.tm, err)
		}
		v.TM = TMView{Up: true, Decision: Decision(st.Decision), Prepared: st.Prepared, Acked: st.Acked}
	} else {
		d, err := node.ReadTMDecision(a.tm.dir)
		if err != nil {
			return View{}, fmt.Errorf("%s's log: %w", a.tm.name, err)
		}
		v.TM.Decision = Decision(d)
	}
	for _, m := range a.rms {
		var st node.RMStatus
		var err error
		running := m.proc.Running()
		if running {
			if st, err = m.client().RMStatus(ctx); err != nil {
				return View{}, broken(m, err)
			}
		} else if st, err = node.ReadRMStatus(m.dir); err != nil {
			return View{}, fmt.Errorf("%s's log: %w", m.name, err)
		}
		v.RMs = append(v.RMs, RMView{Up: running, State: RMState(st.State), Applied: st.Applied})
	}
	return v, nil
}

// Invariants checks, on the real nodes (their status, or their logs when
// they are down), that no resource manager committed while another
// aborted, that the resource managers follow the transaction manager's
// decision, and that none applied the transaction twice: [CheckAtomicity].
func (a *Adapter) Invariants(ctx context.Context) error {
	if a.last != nil {
		return CheckAtomicity(*a.last)
	}
	v, err := a.read(ctx)
	if err != nil {
		return err
	}
	return CheckAtomicity(v)
}

// CheckAtomicity returns an error describing every way the cluster seen in
// v breaks two-phase commit's guarantees: a resource manager committed
// while another aborted, one that committed or aborted against the
// transaction manager's decision, one that applied the transaction more
// than once.
func CheckAtomicity(v View) error {
	var errs []error
	var committed, aborted []string
	for rm, r := range v.RMs {
		switch r.State {
		case Committed:
			committed = append(committed, RMName(rm))
			if v.TM.Decision != Commit {
				errs = append(errs, fmt.Errorf("%s committed, the tm decided %q", RMName(rm), v.TM.Decision))
			}
		case Aborted:
			aborted = append(aborted, RMName(rm))
			if v.TM.Decision == Commit {
				errs = append(errs, fmt.Errorf("%s aborted, the tm decided commit", RMName(rm)))
			}
		}
		if r.Applied > 1 {
			errs = append(errs, fmt.Errorf("%s applied the transaction %d times", RMName(rm), r.Applied))
		}
	}
	if len(committed) > 0 && len(aborted) > 0 {
		errs = slices.Insert(errs, 0, fmt.Errorf("atomicity: %s committed while %s aborted",
			strings.Join(committed, ", "), strings.Join(aborted, ", ")))
	}
	return errors.Join(errs...)
}

// Prepare tells resource manager rm to prepare: it logs its vote and sends
// it; the result is whether the transaction manager replied.
func (a *Adapter) Prepare(ctx context.Context, rm int) (bool, error) {
	a.last = nil
	m, err := a.upRM(rm)
	if err != nil {
		return false, err
	}
	acked, err := m.client().Prepare(ctx)
	return acked, refusal(m, err)
}

// RMResend tells resource manager rm to send its vote again.
func (a *Adapter) RMResend(ctx context.Context, rm int) (bool, error) {
	a.last = nil
	m, err := a.upRM(rm)
	if err != nil {
		return false, err
	}
	acked, err := m.client().ResendPrepared(ctx)
	return acked, refusal(m, err)
}

// RMAbort tells resource manager rm to abort on its own.
func (a *Adapter) RMAbort(ctx context.Context, rm int) error {
	a.last = nil
	m, err := a.upRM(rm)
	if err != nil {
		return err
	}
	return refusal(m, m.client().AbortRM(ctx))
}

// Commit tells the transaction manager to commit; the result is how many
// resource managers acknowledged.
func (a *Adapter) Commit(ctx context.Context) (int, error) {
	a.last = nil
	return a.decide(ctx, (*node.Client).Commit)
}

// Abort tells the transaction manager to abort; the result is how many
// resource managers acknowledged.
func (a *Adapter) Abort(ctx context.Context) (int, error) {
	a.last = nil
	return a.decide(ctx, (*node.Client).Abort)
}

// TMResend tells the transaction manager to send its decision again to
// the resource managers that did not acknowledge it.
func (a *Adapter) TMResend(ctx context.Context) (int, error) {
	a.last = nil
	return a.decide(ctx, (*node.Client).ResendDecision)
}

func (a *Adapter) decide(ctx context.Context, f func(*node.Client, context.Context) (int, error)) (int, error) {
	if err := up(a.tm); err != nil {
		return 0, err
	}
	n, err := f(a.tm.client(), ctx)
	return n, refusal(a.tm, err)
}

// canFault returns an error when the harness refuses another fault: the
// model injects one at a time, at most Config.MaxFaults.
func (a *Adapter) canFault() error {
	if a.faults >= a.cfg.MaxFaults {
		return fmt.Errorf("the harness injected its %d faults already", a.cfg.MaxFaults)
	}
	for _, m := range a.members() {
		if !m.proc.Running() {
			return fmt.Errorf("a fault is active: %s is down", m.name)
		}
	}
	if l := a.faultyLink(); l != "" {
		return fmt.Errorf("a fault is active: link %s", l)
	}
	return nil
}

// faultyLink returns the name of a link that loses something, or "".
func (a *Adapter) faultyLink() string {
	for _, l := range Links(len(a.rms)) {
		p := a.proxy(l)
		if p.Mode(fault.ToTarget) != fault.Pass || p.Mode(fault.FromTarget) != fault.Pass {
			return l
		}
	}
	return ""
}

// proxy returns the proxy of a link named as in Links; nil for a bad name.
func (a *Adapter) proxy(link string) *fault.Proxy {
	from, to, ok := strings.Cut(link, "->")
	if !ok {
		return nil
	}
	return a.net.Proxy(from, to)
}

func (a *Adapter) crash(m *member) error {
	if err := up(m); err != nil {
		return err
	}
	if err := a.canFault(); err != nil {
		return err
	}
	if err := m.proc.Crash(); err != nil {
		return fmt.Errorf("%w: %v", adapters.ErrBroken, err)
	}
	// The links into m lead nowhere until it restarts: its port is free,
	// and a process of another test may listen on it by now (another
	// cluster's node, which would take m's messages).
	a.net.Retarget(m.name, "")
	a.faults++
	return nil
}

func (a *Adapter) restart(ctx context.Context, m *member) error {
	if m.proc.Running() {
		return fmt.Errorf("%s is up", m.name)
	}
	if err := os.Remove(filepath.Join(m.dir, node.AddrFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := m.proc.Restart(ctx); err != nil {
		return fmt.Errorf("%w: %v", adapters.ErrBroken, err)
	}
	return a.started(m)
}

// CrashRM kills resource manager rm's process (SIGKILL): its log stays.
func (a *Adapter) CrashRM(_ context.Context, rm int) error {
	a.last = nil
	m, err := a.rm(rm)
	if err != nil {
		return err
	}
	return a.crash(m)
}

// RestartRM starts resource manager rm again; it recovers from its log.
func (a *Adapter) RestartRM(ctx context.Context, rm int) error {
	a.last = nil
	m, err := a.rm(rm)
	if err != nil {
		return err
	}
	return a.restart(ctx, m)
}

// CrashTM kills the transaction manager's process (SIGKILL): its log
// stays, the votes and acknowledgements it had in memory are lost.
func (a *Adapter) CrashTM(context.Context) error {
	a.last = nil
	return a.crash(a.tm)
}

// RestartTM starts the transaction manager again; it recovers its decision
// from its log.
func (a *Adapter) RestartTM(ctx context.Context) error {
	a.last = nil
	return a.restart(ctx, a.tm)
}

// LoseRequests makes link lose every message sent on it, until Heal: its
// proxy resets each new connection (fault.Cut on fault.ToTarget).
func (a *Adapter) LoseRequests(_ context.Context, link string) error {
	a.last = nil
	return a.cut(link, fault.ToTarget)
}

// LoseReplies makes link deliver every message and lose its reply, until
// Heal: its proxy resets the connection when the answer comes back
// (fault.Cut on fault.FromTarget), so the sender sends again, a duplicate.
func (a *Adapter) LoseReplies(_ context.Context, link string) error {
	a.last = nil
	return a.cut(link, fault.FromTarget)
}

func (a *Adapter) cut(link string, dir fault.Direction) error {
	p := a.proxy(link)
	if p == nil {
		return fmt.Errorf("no link %q", link)
	}
	if err := a.canFault(); err != nil {
		return err
	}
	p.Set(dir, fault.Cut)
	a.faults++
	return nil
}

// Heal makes every link deliver messages and replies again.
func (a *Adapter) Heal(context.Context) error {
	a.last = nil
	if a.faultyLink() == "" {
		return errors.New("no link to heal")
	}
	a.net.Heal()
	return nil
}
