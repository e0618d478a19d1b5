package node

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "x.log")
	l, recs, err := OpenLog(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 0 {
		t.Fatalf("new log has records %q", recs)
	}
	for _, r := range []string{"prepared", "committed"} {
		if err := l.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	for _, bad := range []string{"", "a\nb"} {
		if err := l.Append(bad); err == nil {
			t.Errorf("Append(%q) succeeded, want an error: a record is one non-empty line", bad)
		}
	}
	l.Close()
	// A crash in the middle of an Append leaves a partial line.
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("abor")
	f.Close()
	if recs, err := ReadLog(path); err != nil || !slices.Equal(recs, []string{"prepared", "committed"}) {
		t.Fatalf("ReadLog with a partial last line = %q, %v; want the two complete records", recs, err)
	}
	l, recs, err = OpenLog(path)
	if err != nil || !slices.Equal(recs, []string{"prepared", "committed"}) {
		t.Fatalf("OpenLog with a partial last line = %q, %v", recs, err)
	}
	if err := l.Append("aborted"); err != nil {
		t.Fatal(err)
	}
	if recs, _ := ReadLog(path); !slices.Equal(recs, []string{"prepared", "committed", "aborted"}) {
		t.Fatalf("after reopening and appending: %q; the partial line must be cut first", recs)
	}
	if err := l.Truncate(); err != nil {
		t.Fatal(err)
	}
	if recs, _ := ReadLog(path); len(recs) != 0 {
		t.Fatalf("after Truncate: %q", recs)
	}
	l.Close()
	if recs, err := ReadLog(filepath.Join(t.TempDir(), "none")); err != nil || recs != nil {
		t.Fatalf("ReadLog of a missing file = %q, %v; want an empty log", recs, err)
	}
}

func TestRecover(t *testing.T) {
	rmTests := []struct {
		recs   []string
		want   RMStatus
		ok     bool
		reason string
	}{
		{nil, RMStatus{State: Working}, true, "an empty log is a working rm"},
		{[]string{Prepared}, RMStatus{State: Prepared}, true, "a logged vote survives"},
		{[]string{Prepared, Committed}, RMStatus{State: Committed, Applied: 1}, true, "one commit applied"},
		{[]string{Prepared, Committed, Committed}, RMStatus{State: Committed, Applied: 2}, true, "a double commit shows as applied twice"},
		{[]string{Aborted}, RMStatus{State: Aborted}, true, "an rm that aborted on its own"},
		{[]string{"bogus"}, RMStatus{}, false, "an unknown record is an error, not a state"},
	}
	for _, tt := range rmTests {
		got, err := RecoverRM(tt.recs)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("RecoverRM(%q) = %+v, %v; want %+v, ok=%v (%s)", tt.recs, got, err, tt.want, tt.ok, tt.reason)
		}
	}
	tmTests := []struct {
		recs   []string
		want   string
		ok     bool
		reason string
	}{
		{nil, "", true, "no decision yet"},
		{[]string{Commit}, Commit, true, "a logged commit"},
		{[]string{Abort}, Abort, true, "a logged abort"},
		{[]string{Commit, Abort}, "", false, "the tm decides once"},
		{[]string{"maybe"}, "", false, "an unknown record"},
	}
	for _, tt := range tmTests {
		got, err := RecoverTM(tt.recs)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("RecoverTM(%q) = %q, %v; want %q, ok=%v (%s)", tt.recs, got, err, tt.want, tt.ok, tt.reason)
		}
	}
}

func TestParseBugs(t *testing.T) {
	tests := []struct {
		in     string
		want   Bugs
		ok     bool
		reason string
	}{
		{"", Bugs{}, true, "no bugs by default"},
		{"earlycommit", Bugs{EarlyCommit: true}, true, "one bug"},
		{"allbutone,earlycommit", Bugs{EarlyCommit: true, AllButOne: true}, true, "two bugs of the transaction manager"},
		{" forgetprepared, doublecommit ,", Bugs{ForgetPrepared: true, DoubleCommit: true}, true, "spaces and empty names are ignored"},
		{"overdraft", Bugs{}, false, "another example's bug is unknown here"},
	}
	for _, tt := range tests {
		got, err := ParseBugs(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseBugs(%q) = %+v, %v; want %+v, ok=%v (%s)", tt.in, got, err, tt.want, tt.ok, tt.reason)
		}
		if tt.ok {
			if back, _ := ParseBugs(got.String()); back != got {
				t.Errorf("ParseBugs(%q).String() = %q does not parse back", tt.in, got.String())
			}
		}
	}
}

func TestParseArgs(t *testing.T) {
	c := Config{Role: "tm", Dir: "/d", Listen: "127.0.0.1:0", Peers: []string{"http://a", "http://b"}, Bugs: Bugs{EarlyCommit: true}}
	got, err := ParseArgs(c.Args())
	if err != nil || got.Role != c.Role || got.Dir != c.Dir || !slices.Equal(got.Peers, c.Peers) || got.Bugs != c.Bugs || got.Listen != c.Listen {
		t.Fatalf("ParseArgs(Args()) = %+v, %v; want %+v", got, err, c)
	}
	bad := []struct {
		args   []string
		reason string
	}{
		{[]string{"-role", "db", "-dir", "/d", "-peers", "x"}, "unknown role"},
		{[]string{"-role", "rm", "-peers", "x"}, "no directory"},
		{[]string{"-role", "rm", "-dir", "/d", "-peers", "x,y"}, "an rm has one peer"},
		{[]string{"-role", "tm", "-dir", "/d"}, "the tm needs its rms"},
		{[]string{"-role", "rm", "-dir", "/d", "-peers", "x", "-bugs", "nope"}, "unknown bug"},
		{[]string{"-role", "rm", "-dir", "/d", "-peers", "x", "extra"}, "stray argument"},
	}
	for _, tt := range bad {
		if _, err := ParseArgs(tt.args); err == nil {
			t.Errorf("ParseArgs(%q) succeeded, want an error: %s", tt.args, tt.reason)
		}
	}
}

// cluster is a transaction manager and resource managers in this process,
// wired directly to each other. Node 0 is the transaction manager, node
// i+1 resource manager i. A node that is down closes every connection.
type cluster struct {
	t    *testing.T
	bugs Bugs
	dirs []string
	h    []*swap
	c    []*Client
	urls []string
	tm   *TM
	rms  []*RM
}

// swap is a handler that can be replaced, or be nil: down.
type swap struct {
	mu sync.Mutex
	h  http.Handler
}

func (s *swap) set(h http.Handler) { s.mu.Lock(); s.h = h; s.mu.Unlock() }

func (s *swap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	h := s.h
	s.mu.Unlock()
	if h == nil {
		panic(http.ErrAbortHandler) // the connection is closed without an answer
	}
	h.ServeHTTP(w, r)
}

func newCluster(t *testing.T, n int, bugs Bugs) *cluster {
	cl := &cluster{t: t, bugs: bugs, rms: make([]*RM, n)}
	for range n + 1 {
		cl.dirs = append(cl.dirs, t.TempDir())
		h := &swap{}
		srv := httptest.NewUnstartedServer(h)
		srv.Config.ErrorLog = log.New(io.Discard, "", 0)
		srv.Start()
		t.Cleanup(srv.Close)
		cl.h = append(cl.h, h)
		cl.urls = append(cl.urls, srv.URL)
		cl.c = append(cl.c, NewClient(srv.URL, nil))
	}
	for i := range n + 1 {
		cl.start(i)
	}
	t.Cleanup(func() {
		for i := range n + 1 {
			cl.crash(i)
		}
	})
	return cl
}

// start starts node i from its log.
func (cl *cluster) start(i int) {
	cl.t.Helper()
	if i == 0 {
		tm, err := NewTM(cl.dirs[0], cl.urls[1:], cl.bugs)
		if err != nil {
			cl.t.Fatal(err)
		}
		cl.tm = tm
		cl.h[0].set(tm.Handler())
		return
	}
	rm, err := NewRM(i-1, cl.dirs[i], cl.urls[0], cl.bugs)
	if err != nil {
		cl.t.Fatal(err)
	}
	cl.rms[i-1] = rm
	cl.h[i].set(rm.Handler())
}

// crash takes node i down; its memory is lost, its log stays.
func (cl *cluster) crash(i int) {
	cl.h[i].set(nil)
	if i == 0 && cl.tm != nil {
		cl.tm.Close()
		cl.tm = nil
	} else if i > 0 && cl.rms[i-1] != nil {
		cl.rms[i-1].Close()
		cl.rms[i-1] = nil
	}
}

func (cl *cluster) rmStatus(rm int) RMStatus {
	cl.t.Helper()
	st, err := cl.c[rm+1].RMStatus(cl.t.Context())
	if err != nil {
		cl.t.Fatal(err)
	}
	return st
}

func (cl *cluster) tmStatus() TMStatus {
	cl.t.Helper()
	st, err := cl.c[0].TMStatus(cl.t.Context())
	if err != nil {
		cl.t.Fatal(err)
	}
	return st
}

// must returns the value of a call that must succeed: must(t)(f()) fails
// the test on an error.
func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestProtocol(t *testing.T) {
	ctx := context.Background()
	t.Run("commit", func(t *testing.T) {
		cl := newCluster(t, 2, Bugs{})
		if n, err := cl.c[0].Commit(ctx); !IsRefused(err) {
			t.Fatalf("Commit with no votes = %d, %v; want refused", n, err)
		}
		for rm := range 2 {
			if acked := must[bool](t)(cl.c[rm+1].Prepare(ctx)); !acked {
				t.Fatalf("rm%d's Prepared was not acknowledged", rm)
			}
		}
		if _, err := cl.c[1].Prepare(ctx); !IsRefused(err) {
			t.Fatalf("a second Prepare = %v; want refused", err)
		}
		if got := cl.tmStatus(); !slices.Equal(got.Prepared, []bool{true, true}) {
			t.Fatalf("tm status %+v, want both votes", got)
		}
		if n := must[int](t)(cl.c[0].Commit(ctx)); n != 2 {
			t.Fatalf("Commit acknowledged by %d rms, want 2", n)
		}
		for rm := range 2 {
			if got := cl.rmStatus(rm); got != (RMStatus{State: Committed, Applied: 1}) {
				t.Errorf("rm%d: %+v, want committed once", rm, got)
			}
		}
		if got := cl.tmStatus(); got.Decision != Commit || !slices.Equal(got.Acked, []bool{true, true}) || slices.Contains(got.Prepared, true) {
			t.Fatalf("tm status %+v, want commit acknowledged by both, votes forgotten", got)
		}
		if _, err := cl.c[0].ResendDecision(ctx); !IsRefused(err) {
			t.Fatalf("ResendDecision with every ack = %v; want refused", err)
		}
		if _, err := cl.c[0].Abort(ctx); !IsRefused(err) {
			t.Fatalf("Abort after Commit = %v; want refused", err)
		}
	})

	t.Run("abort reaches a working and a prepared rm", func(t *testing.T) {
		cl := newCluster(t, 2, Bugs{})
		must[bool](t)(cl.c[1].Prepare(ctx))
		if n := must[int](t)(cl.c[0].Abort(ctx)); n != 2 {
			t.Fatalf("Abort acknowledged by %d, want 2", n)
		}
		for rm := range 2 {
			if got := cl.rmStatus(rm).State; got != Aborted {
				t.Errorf("rm%d is %s, want aborted", rm, got)
			}
		}
		if err := cl.c[1].AbortRM(ctx); !IsRefused(err) {
			t.Fatalf("an aborted rm aborting on its own = %v; want refused", err)
		}
	})

	t.Run("a crashed rm misses the decision and gets it on resend", func(t *testing.T) {
		cl := newCluster(t, 2, Bugs{})
		must[bool](t)(cl.c[1].Prepare(ctx))
		must[bool](t)(cl.c[2].Prepare(ctx))
		cl.crash(2)
		if n := must[int](t)(cl.c[0].Commit(ctx)); n != 1 {
			t.Fatalf("Commit acknowledged by %d, want 1 (rm1 is down)", n)
		}
		if st := must[RMStatus](t)(ReadRMStatus(cl.dirs[2])); st.State != Prepared {
			t.Fatalf("down rm1's log says %+v, want prepared", st)
		}
		cl.start(2)
		if st := cl.rmStatus(1); st.State != Prepared {
			t.Fatalf("restarted rm1 is %+v, want prepared (from its log)", st)
		}
		if n := must[int](t)(cl.c[0].ResendDecision(ctx)); n != 1 {
			t.Fatalf("ResendDecision acknowledged by %d, want 1", n)
		}
		if st := cl.rmStatus(1); st != (RMStatus{State: Committed, Applied: 1}) {
			t.Fatalf("rm1 after resend: %+v", st)
		}
	})

	t.Run("a restarted tm keeps its decision and loses its votes and acks", func(t *testing.T) {
		cl := newCluster(t, 2, Bugs{})
		must[bool](t)(cl.c[1].Prepare(ctx))
		cl.crash(0)
		if acked := must[bool](t)(cl.c[2].Prepare(ctx)); acked {
			t.Fatal("rm1's Prepared acknowledged by a tm that is down")
		}
		cl.start(0)
		if got := cl.tmStatus(); slices.Contains(got.Prepared, true) {
			t.Fatalf("restarted tm remembers votes %v", got.Prepared)
		}
		if _, err := cl.c[0].Commit(ctx); !IsRefused(err) {
			t.Fatalf("Commit without votes after a restart = %v; want refused", err)
		}
		must[bool](t)(cl.c[1].ResendPrepared(ctx))
		must[bool](t)(cl.c[2].ResendPrepared(ctx))
		must[int](t)(cl.c[0].Commit(ctx))
		cl.crash(0)
		if d := must[string](t)(ReadTMDecision(cl.dirs[0])); d != Commit {
			t.Fatalf("down tm's log says %q, want commit", d)
		}
		cl.start(0)
		if got := cl.tmStatus(); got.Decision != Commit || slices.Contains(got.Acked, true) {
			t.Fatalf("restarted tm: %+v, want commit with no acks", got)
		}
		if n := must[int](t)(cl.c[0].ResendDecision(ctx)); n != 2 {
			t.Fatalf("duplicate commits acknowledged by %d, want 2", n)
		}
		for rm := range 2 {
			if got := cl.rmStatus(rm); got.Applied != 1 {
				t.Errorf("rm%d applied the duplicated commit: %+v", rm, got)
			}
		}
	})
}

func TestBugs(t *testing.T) {
	ctx := context.Background()
	t.Run("earlycommit", func(t *testing.T) {
		cl := newCluster(t, 2, Bugs{EarlyCommit: true})
		must[bool](t)(cl.c[1].Prepare(ctx))
		if n, err := cl.c[0].Commit(ctx); err != nil || n != 1 {
			t.Fatalf("Commit with one vote = %d, %v; the bug commits, and working rm1 refuses", n, err)
		}
	})
	t.Run("allbutone", func(t *testing.T) {
		cl := newCluster(t, 3, Bugs{AllButOne: true})
		must[bool](t)(cl.c[1].Prepare(ctx))
		if n, err := cl.c[0].Commit(ctx); !IsRefused(err) {
			t.Fatalf("Commit with two of three votes missing = %d, %v; want refused, the bug lets one be missing", n, err)
		}
		must[bool](t)(cl.c[2].Prepare(ctx))
		if n, err := cl.c[0].Commit(ctx); err != nil || n != 2 {
			t.Fatalf("Commit with rm2's vote missing = %d, %v; the bug commits, and working rm2 refuses", n, err)
		}
	})
	t.Run("forgetprepared", func(t *testing.T) {
		cl := newCluster(t, 1, Bugs{ForgetPrepared: true})
		must[bool](t)(cl.c[1].Prepare(ctx))
		if st := cl.rmStatus(0); st.State != Prepared {
			t.Fatalf("rm0 is %s before the crash, want prepared (in memory)", st.State)
		}
		cl.crash(1)
		cl.start(1)
		if st := cl.rmStatus(0); st.State != Working {
			t.Fatalf("rm0 is %s after the crash; the bug forgets its vote", st.State)
		}
	})
	t.Run("doublecommit", func(t *testing.T) {
		cl := newCluster(t, 1, Bugs{DoubleCommit: true})
		must[bool](t)(cl.c[1].Prepare(ctx))
		must[int](t)(cl.c[0].Commit(ctx))
		cl.crash(0)
		cl.start(0)
		must[int](t)(cl.c[0].ResendDecision(ctx))
		if st := cl.rmStatus(0); st.Applied != 2 {
			t.Fatalf("rm0 %+v; the bug applies the duplicate", st)
		}
	})
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Config{Role: "rm", Dir: dir, Peers: []string{"http://127.0.0.1:1"}}) }()
	var addr string
	for range 500 {
		if a, err := ReadAddr(dir); err == nil {
			addr = a
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if addr == "" {
		cancel()
		t.Fatalf("no address file: %v", <-done)
	}
	c := NewClient("http://"+addr, nil)
	if st := must[RMStatus](t)(c.RMStatus(ctx)); st.State != Working {
		t.Fatalf("status %+v", st)
	}
	if acked := must[bool](t)(c.Prepare(ctx)); acked {
		t.Fatal("Prepared acknowledged with no tm")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if st := must[RMStatus](t)(ReadRMStatus(dir)); st.State != Prepared {
		t.Fatalf("log after Run: %+v", st)
	}
	if code := Main([]string{"-role", "x"}, io.Discard); code != 2 {
		t.Fatalf("Main with a bad role = %d, want 2", code)
	}
}

// TestSendTimeout checks that a message that times out fails the control
// request with Timeout, while a lost one (its connection refused) is only
// not acknowledged: a slow machine must not look like a lost message.
func TestSendTimeout(t *testing.T) {
	if testing.Short() {
		t.Skipf("waits SendTimeout (%v)", SendTimeout)
	}
	release := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hung.Close()
	defer close(release)
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close() // its address refuses connections
	for _, tt := range []struct {
		tm      string
		timeout bool
	}{
		{gone.URL, false},
		{hung.URL, true},
	} {
		rm, err := NewRM(0, t.TempDir(), tt.tm, Bugs{})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(rm.Handler())
		acked, err := NewClient(srv.URL, nil).Prepare(context.Background())
		srv.Close()
		rm.Close()
		var se *StatusError
		switch {
		case !tt.timeout && (err != nil || acked):
			t.Errorf("Prepare with the tm down = %v, %v; want false, nil (the vote is lost)", acked, err)
		case tt.timeout && !(errors.As(err, &se) && se.Code == Timeout):
			t.Errorf("Prepare with a hung tm = %v, %v; want a %d answer", acked, err, Timeout)
		case tt.timeout && IsRefused(err):
			t.Errorf("Prepare with a hung tm: %v is a refusal", err)
		}
	}
}
