package fault

import (
	"fmt"
	"io"
	"net"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// dropWait is how long a call waits for a reply that Drop never lets
// through. Drop is certain, so this only bounds the test's time.
const dropWait = 300 * time.Millisecond

// wait is how long a call waits for an answer that must come.
const wait = 10 * time.Second

func TestProxy_Modes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		dir  Direction
		mode Mode
		// open sets the mode on an open connection, after one "inc" in Pass.
		open bool
		// want is the outcome of "inc" through the proxy.
		want string
		// wantCount is the target's count afterwards, asked directly.
		wantCount string
		// wantDialed is how many connections the target accepted.
		wantDialed int
		wantCuts   int
		reason     string
	}{
		{name: "pass to", dir: ToTarget, mode: Pass, want: "reply 1", wantCount: "1", wantDialed: 1,
			reason: "Pass forwards the request"},
		{name: "pass from", dir: FromTarget, mode: Pass, want: "reply 1", wantCount: "1", wantDialed: 1,
			reason: "Pass forwards the reply"},
		{name: "drop to", dir: ToTarget, mode: Drop, want: "timeout", wantCount: "0", wantDialed: 0,
			reason: "Drop ToTarget accepts and swallows the request, and does not even dial the target"},
		{name: "drop from", dir: FromTarget, mode: Drop, want: "timeout", wantCount: "1", wantDialed: 1,
			reason: "Drop FromTarget lets the request through and swallows the reply"},
		{name: "cut to", dir: ToTarget, mode: Cut, want: "reset", wantCount: "0", wantDialed: 0, wantCuts: 1,
			reason: "Cut ToTarget resets a new connection at once, without dialing the target"},
		{name: "cut from", dir: FromTarget, mode: Cut, want: "reset", wantCount: "1", wantDialed: 1, wantCuts: 1,
			reason: "Cut FromTarget lets the request through and resets the client when the reply comes: the target counted it"},
		{name: "open pass to", dir: ToTarget, mode: Pass, open: true, want: "reply 2", wantCount: "2", wantDialed: 1,
			reason: "an open connection keeps working in Pass"},
		{name: "open pass from", dir: FromTarget, mode: Pass, open: true, want: "reply 2", wantCount: "2", wantDialed: 1,
			reason: "an open connection keeps working in Pass"},
		{name: "open drop to", dir: ToTarget, mode: Drop, open: true, want: "timeout", wantCount: "1", wantDialed: 1,
			reason: "Drop applies to an open connection from its next bytes: the second request is lost"},
		{name: "open drop from", dir: FromTarget, mode: Drop, open: true, want: "timeout", wantCount: "2", wantDialed: 1,
			reason: "Drop FromTarget on an open connection loses the second reply, not the request"},
		{name: "open cut to", dir: ToTarget, mode: Cut, open: true, want: "reset", wantCount: "1", wantDialed: 1, wantCuts: 1,
			reason: "Cut ToTarget on an open connection resets it on the next request, which the target never sees"},
		{name: "open cut from", dir: FromTarget, mode: Cut, open: true, want: "reset", wantCount: "2", wantDialed: 1, wantCuts: 1,
			reason: "Cut FromTarget on an open connection resets it when the second reply comes back"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		checkTable(t, tt.name, tt.reason, seen)
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			p := NewProxyT(t, srv.addr)
			var c *client
			if tt.open {
				c = dial(t, p.Addr())
				if got, err := c.call("inc", wait); err != nil || got != "1" {
					t.Fatalf("first inc in Pass = %q, %v; want 1", got, err)
				}
				p.Set(tt.dir, tt.mode)
			} else {
				p.Set(tt.dir, tt.mode)
				// With Cut ToTarget, the reset may come before the dial returns.
				nc, err := net.DialTimeout("tcp", p.Addr(), wait)
				if err != nil {
					if got := outcome("", err); got != tt.want {
						t.Fatalf("dial: %s; want %s (%s)", got, tt.want, tt.reason)
					}
				} else {
					t.Cleanup(func() { nc.Close() })
				}
				c = &client{c: nc, r: newReader(nc)}
			}
			if m := p.Mode(tt.dir); m != tt.mode {
				t.Fatalf("Mode(%v) = %v after Set(%v, %v)", tt.dir, m, tt.dir, tt.mode)
			}
			d := wait
			if tt.want == "timeout" {
				d = dropWait
			}
			if c.c != nil {
				if got := outcome(c.call("inc", d)); got != tt.want {
					t.Fatalf("inc through the proxy: %s; want %s (%s)", got, tt.want, tt.reason)
				}
			}
			if tt.mode == Drop {
				// Count only once the proxy has discarded the bytes.
				eventually(t, "dropped", func() bool { return p.Stats().Dropped[tt.dir] > 0 })
			}
			if got := count(t, srv.addr); got != tt.wantCount {
				t.Errorf("target's count = %s, want %s (%s)", got, tt.wantCount, tt.reason)
			}
			// The count connection is the server's last.
			if got := srv.accepted() - 1; got != tt.wantDialed {
				t.Errorf("target accepted %d connections from the proxy, want %d (%s)", got, tt.wantDialed, tt.reason)
			}
			st := p.Stats()
			if st.Conns != 1 || st.Cuts != tt.wantCuts {
				t.Errorf("Stats = %+v, want 1 connection and %d cuts", st, tt.wantCuts)
			}
		})
	}
}

func TestProxy_Stats(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	p := NewProxyT(t, srv.addr)
	c := dial(t, p.Addr())
	for range 3 {
		if _, err := c.call("echo hello", wait); err != nil {
			t.Fatal(err)
		}
	}
	p.Set(FromTarget, Drop)
	if got := outcome(c.call("echo bye", dropWait)); got != "timeout" {
		t.Fatalf("call with FromTarget dropped: %s", got)
	}
	eventually(t, "dropped", func() bool { return p.Stats().Dropped[FromTarget] > 0 })
	want := Stats{Conns: 1, Forwarded: [2]int64{3*11 + 9, 3 * 6}, Dropped: [2]int64{0, 4}}
	if got := p.Stats(); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
}

func TestProxy_Delay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		to, from time.Duration
		reason   string
	}{
		{"to", 200 * time.Millisecond, 0, "requests are held"},
		{"from", 0, 200 * time.Millisecond, "replies are held"},
		{"both", 150 * time.Millisecond, 150 * time.Millisecond, "a round trip is held once each way"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		checkTable(t, tt.name, tt.reason, seen)
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			p := NewProxyT(t, srv.addr)
			p.Delay(ToTarget, tt.to)
			p.Delay(FromTarget, tt.from)
			c := dial(t, p.Addr())
			start := time.Now()
			if got, err := c.call("echo x", wait); err != nil || got != "x" {
				t.Fatalf("call = %q, %v", got, err)
			}
			// A lower bound only: the machine may be slow, never fast.
			if el := time.Since(start); el < tt.to+tt.from {
				t.Errorf("round trip took %v, want at least %v (%s)", el, tt.to+tt.from, tt.reason)
			}
		})
	}
}

func TestProxy_DelayKeepsOrder(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	p := NewProxyT(t, srv.addr)
	p.Delay(ToTarget, 30*time.Millisecond)
	p.Delay(FromTarget, 10*time.Millisecond)
	c := dial(t, p.Addr())
	c.c.SetDeadline(time.Now().Add(wait))
	const n = 50
	go func() {
		// Separate writes, so that they are separate chunks, each delayed.
		for i := range n {
			if _, err := fmt.Fprintf(c.c, "echo %d\n", i); err != nil {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	for i := range n {
		line, err := c.r.ReadString('\n')
		if err != nil {
			t.Fatalf("reply %d: %v", i, err)
		}
		if want := strconv.Itoa(i) + "\n"; line != want {
			t.Fatalf("reply %d = %q, want %q: a delay must keep the order", i, line, want)
		}
	}
}

// A chunk held by a delay is like a packet in flight: the mode at the time
// it is due decides its fate.
func TestProxy_DelayThenDrop(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	p := NewProxyT(t, srv.addr)
	p.Delay(ToTarget, time.Second)
	c := dial(t, p.Addr())
	if _, err := fmt.Fprintln(c.c, "inc"); err != nil {
		t.Fatal(err)
	}
	p.Set(ToTarget, Drop)
	eventually(t, "dropped", func() bool { return p.Stats().Dropped[ToTarget] == 4 })
	if got := count(t, srv.addr); got != "0" {
		t.Errorf("target's count = %s, want 0: the delayed request must be dropped", got)
	}
}

func TestProxy_Heal(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	p := NewProxyT(t, srv.addr)
	p.Set(ToTarget, Drop)
	p.Set(FromTarget, Cut)
	p.Delay(ToTarget, time.Hour)
	p.Delay(FromTarget, time.Hour)
	p.Heal()
	for dir := range 2 {
		if m := p.Mode(Direction(dir)); m != Pass {
			t.Errorf("Mode(%v) = %v after Heal, want Pass", Direction(dir), m)
		}
		if d := p.delay[dir].Load(); d != 0 {
			t.Errorf("delay %v = %v after Heal, want 0", Direction(dir), time.Duration(d))
		}
	}
	if got, err := dial(t, p.Addr()).call("echo ok", wait); err != nil || got != "ok" {
		t.Errorf("call after Heal = %q, %v", got, err)
	}
}

// A connection accepted in Drop is dialed when traffic passes again.
func TestProxy_DropThenPass(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	p := NewProxyT(t, srv.addr)
	p.Set(ToTarget, Drop)
	c := dial(t, p.Addr())
	if got := outcome(c.call("echo lost", dropWait)); got != "timeout" {
		t.Fatalf("call in Drop: %s", got)
	}
	eventually(t, "dropped", func() bool { return p.Stats().Dropped[ToTarget] > 0 })
	if n := srv.accepted(); n != 0 {
		t.Fatalf("target accepted %d connections in Drop, want 0", n)
	}
	p.Set(ToTarget, Pass)
	if got, err := c.call("echo found", wait); err != nil || got != "found" {
		t.Fatalf("call after Pass = %q, %v; want found", got, err)
	}
}

func TestProxy_ResetConns(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	p := NewProxyT(t, srv.addr)
	var cs []*client
	for range 3 {
		c := dial(t, p.Addr())
		if _, err := c.call("inc", wait); err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	if n := p.ResetConns(); n != 3 {
		t.Errorf("ResetConns() = %d, want 3", n)
	}
	for i, c := range cs {
		if got := outcome(c.call("inc", wait)); got != "reset" {
			t.Errorf("connection %d after ResetConns: %s, want reset", i, got)
		}
	}
	if got := count(t, srv.addr); got != "3" {
		t.Errorf("target's count = %s, want 3: requests after the reset must not arrive", got)
	}
	if st := p.Stats(); st.Cuts != 3 {
		t.Errorf("Stats().Cuts = %d, want 3", st.Cuts)
	}
	if n := p.ResetConns(); n != 0 {
		t.Errorf("second ResetConns() = %d, want 0", n)
	}
	if got, err := dial(t, p.Addr()).call("inc", wait); err != nil || got != "4" {
		t.Errorf("new connection after ResetConns: %q, %v; want 4", got, err)
	}
}

func TestProxy_SetTarget(t *testing.T) {
	t.Parallel()
	a, b := newServer(t), newServer(t)
	p := NewProxyT(t, a.addr)
	old := dial(t, p.Addr())
	if _, err := old.call("inc", wait); err != nil {
		t.Fatal(err)
	}
	p.SetTarget(b.addr)
	if p.Target() != b.addr {
		t.Errorf("Target() = %s, want %s", p.Target(), b.addr)
	}
	if _, err := dial(t, p.Addr()).call("inc", wait); err != nil {
		t.Fatal(err)
	}
	if _, err := old.call("inc", wait); err != nil {
		t.Fatal(err)
	}
	if ca, cb := count(t, a.addr), count(t, b.addr); ca != "2" || cb != "1" {
		t.Errorf("counts a=%s b=%s, want 2 and 1: open connections keep their target, new ones go to the new", ca, cb)
	}
}

func TestProxy_TargetDown(t *testing.T) {
	t.Parallel()
	p := NewProxyT(t, downAddr(t))
	if got := try(p.Addr(), "inc", wait); got != "reset" {
		t.Errorf("call to a node that is down: %s, want reset", got)
	}
	if st := p.Stats(); st.Refused != 1 || st.Cuts != 0 {
		t.Errorf("Stats() = %+v, want 1 refused, no cuts", st)
	}
}

func TestProxy_HalfClose(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	p := NewProxyT(t, srv.addr)
	c := dial(t, p.Addr())
	c.c.SetDeadline(time.Now().Add(wait))
	if _, err := io.WriteString(c.c, "echo a\necho b\n"); err != nil {
		t.Fatal(err)
	}
	c.c.(*net.TCPConn).CloseWrite()
	b, err := io.ReadAll(c.r)
	if err != nil || string(b) != "a\nb\n" {
		t.Errorf("read to the end after a half-close: %q, %v; want both replies and EOF", b, err)
	}
	eventually(t, "closed", func() bool { return len(p.snapshot()) == 0 })
}

// Close tears everything down and returns, whatever state the connections
// are in, and leaves no goroutine and no listening port behind.
func TestProxy_Close(t *testing.T) {
	srv := newServer(t)
	base := runtime.NumGoroutine()
	p, err := NewProxy(srv.addr)
	if err != nil {
		t.Fatal(err)
	}
	idle := dial(t, p.Addr())
	if _, err := idle.call("inc", wait); err != nil {
		t.Fatal(err)
	}
	// held's request reaches the target, and its reply is held an hour.
	// The test waits for the request to pass before it drops the next:
	// whenever the proxy reads it, it is forwarded.
	p.Delay(FromTarget, time.Hour)
	held := dial(t, p.Addr())
	fmt.Fprintln(held.c, "inc")
	eventually(t, "forwarded", func() bool { return p.Stats().Forwarded[ToTarget] == 2*4 })
	p.Set(ToTarget, Drop)
	hole := dial(t, p.Addr())
	fmt.Fprintln(hole.c, "inc")
	eventually(t, "dropped", func() bool { return p.Stats().Dropped[ToTarget] > 0 })
	eventually(t, "3 connections", func() bool { return len(p.snapshot()) == 3 })
	id := listenerID(t, p.Addr())

	if err := p.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close() = %v, want nil", err)
	}
	for name, c := range map[string]*client{"idle": idle, "held": held, "hole": hole} {
		c.c.SetReadDeadline(time.Now().Add(wait))
		if _, err := c.r.ReadByte(); err == nil {
			t.Errorf("%s connection: read after Close: %v, want an error", name, err)
		}
	}
	notListening(t, p.Addr(), id, "the proxy, after Close,")
	if n := len(p.snapshot()); n != 0 {
		t.Errorf("%d connections left after Close", n)
	}
	// The server's handlers for the proxy's connections end when the proxy
	// closes them; the test's clients have no goroutines.
	eventually(t, "back to the goroutines before NewProxy", func() bool { return runtime.NumGoroutine() <= base })
}

func TestString(t *testing.T) {
	for v, want := range map[fmt.Stringer]string{
		ToTarget: "ToTarget", FromTarget: "FromTarget", Direction(7): "Direction(7)",
		Pass: "Pass", Drop: "Drop", Cut: "Cut", Mode(-1): "Mode(-1)",
	} {
		if got := v.String(); got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
	}
}

func TestProxy_SetPanicsOnInvalid(t *testing.T) {
	p := NewProxyT(t, "127.0.0.1:1")
	for _, f := range []func(){
		func() { p.Set(Direction(2), Drop) },
		func() { p.Set(ToTarget, Mode(9)) },
		func() { p.Delay(Direction(-1), time.Second) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic on an invalid Direction or Mode")
				}
			}()
			f()
		}()
	}
}

func BenchmarkProxy_Pass(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	var got atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		n, _ := io.Copy(io.Discard, c)
		got.Store(n)
	}()
	p, err := NewProxy(ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 32<<10)
	b.SetBytes(int64(len(buf)))
	b.ResetTimer()
	for range b.N {
		if _, err := c.Write(buf); err != nil {
			b.Fatal(err)
		}
	}
	c.(*net.TCPConn).CloseWrite()
	<-done // every byte has gone through
	b.StopTimer()
	c.Close()
	if want := int64(b.N) * int64(len(buf)); got.Load() != want {
		b.Fatalf("target got %d bytes, want %d", got.Load(), want)
	}
}
