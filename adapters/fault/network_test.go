package fault

import (
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNetwork_PartitionIsolateHeal(t *testing.T) {
	t.Parallel()
	nodes := []string{"a", "b", "c"}
	n := NewNetworkT(t)
	for _, to := range nodes {
		srv := newServer(t)
		for _, from := range nodes {
			if from != to {
				if _, err := n.Link(from, to, srv.addr); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	steps := []struct {
		name string
		do   func()
		want map[string]Mode // links not named are in Pass
		// reason says why.
		reason string
	}{
		{"partition a from b c", func() { n.Partition(Drop, []string{"a"}, []string{"b", "c"}) },
			map[string]Mode{"a->b": Drop, "a->c": Drop, "b->a": Drop, "c->a": Drop},
			"a partition cuts both ways between the sides; b and c still talk"},
		{"heal", n.Heal, nil, "Heal brings every link back"},
		{"isolate c", func() { n.Isolate(Cut, "c") },
			map[string]Mode{"a->c": Cut, "b->c": Cut, "c->a": Cut, "c->b": Cut},
			"isolating a node cuts every link into and out of it"},
		{"partition a b on top", func() { n.Partition(Drop, []string{"a"}, []string{"b"}) },
			map[string]Mode{"a->b": Drop, "b->a": Drop, "a->c": Cut, "b->c": Cut, "c->a": Cut, "c->b": Cut},
			"a partition changes only the links between its sides"},
		{"heal all", n.Heal, nil, "Heal brings every link back, whatever the mode"},
	}
	seen := map[string]bool{}
	for _, st := range steps {
		checkTable(t, st.name, st.reason, seen)
		st.do()
		links := n.Links()
		got := make([]string, len(links))
		var wg sync.WaitGroup
		for i, fl := range links {
			l := fl[0] + "->" + fl[1]
			p := n.Proxy(fl[0], fl[1])
			want := st.want[l]
			for _, dir := range []Direction{ToTarget, FromTarget} {
				if m := p.Mode(dir); m != want {
					t.Errorf("%s: link %s: Mode(%v) = %v, want %v (%s)", st.name, l, dir, m, want, st.reason)
				}
			}
			wg.Go(func() { got[i] = probe(p.Addr(), want) })
		}
		wg.Wait()
		for i, fl := range links {
			l := fl[0] + "->" + fl[1]
			if want := wantOutcome(st.want[l]); got[i] != want {
				t.Errorf("%s: echo over link %s: %s, want %s (%s)", st.name, l, got[i], want, st.reason)
			}
		}
	}
}

// probe sends "echo x" over a new connection to addr, waiting as long as a
// link in mode m needs.
func probe(addr string, m Mode) string {
	d := wait
	if m == Drop {
		d = dropWait
	}
	return try(addr, "echo x", d)
}

// try sends req over a new connection to addr, waits at most d for the
// reply, and returns the outcome.
func try(addr, req string, d time.Duration) string {
	c, err := net.DialTimeout("tcp", addr, wait)
	if err != nil {
		return outcome("", err) // with Cut ToTarget, the reset may come before the dial returns
	}
	defer c.Close()
	cl := &client{c: c, r: newReader(c)}
	return outcome(cl.call(req, d))
}

func wantOutcome(m Mode) string {
	switch m {
	case Drop:
		return "timeout"
	case Cut:
		return "reset"
	}
	return "reply x"
}

func TestNetwork_Links(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	n := NewNetworkT(t)
	p, err := n.Link("a", "b", srv.addr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Link("a", "b", srv.addr); err == nil || !strings.Contains(err.Error(), "a->b exists") {
		t.Errorf("second Link(a, b) = %v, want an error saying the link exists", err)
	}
	if _, err := n.Link("b", "a", srv.addr); err != nil {
		t.Errorf("Link(b, a) = %v: b->a is another link", err)
	}
	if n.Proxy("a", "b") != p {
		t.Error("Proxy(a, b) is not the proxy Link returned")
	}
	if q := n.Proxy("a", "c"); q != nil {
		t.Errorf("Proxy(a, c) = %v, want nil", q)
	}
	if got, want := n.Links(), [][2]string{{"a", "b"}, {"b", "a"}}; !slices.Equal(got, want) {
		t.Errorf("Links() = %v, want %v", got, want)
	}
	other := newServer(t)
	n.Retarget("b", other.addr)
	if p.Target() != other.addr || n.Proxy("b", "a").Target() != srv.addr {
		t.Errorf("Retarget(b) must change exactly the links into b")
	}
	id := listenerID(t, p.Addr())
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	notListening(t, p.Addr(), id, "the proxy, after Network.Close,")
	if _, err := n.Link("c", "a", srv.addr); err == nil {
		t.Error("Link on a closed network succeeded")
	}
}

// The whole kit on a real process: a node crashes behind its link, comes
// back (perhaps on another port) with its file, and the link follows it.
func TestNetwork_CrashRestartRetarget(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	node := StartT(t, childSpec(t, "echo", dir))
	n := NewNetworkT(t)
	link, err := n.Link("client", "node", readFile(t, dir+"/addr"))
	if err != nil {
		t.Fatal(err)
	}
	if got := try(link.Addr(), "inc", wait); got != "reply 1" {
		t.Fatalf("inc over the link: %s", got)
	}
	if err := node.Crash(); err != nil {
		t.Fatal(err)
	}
	if got := try(link.Addr(), "inc", wait); got != "reset" {
		t.Errorf("inc over the link to a crashed node: %s, want reset", got)
	}
	if st := link.Stats(); st.Refused != 1 {
		t.Errorf("Stats().Refused = %d, want 1", st.Refused)
	}
	if err := node.Restart(t.Context()); err != nil {
		t.Fatal(err)
	}
	n.Retarget("node", readFile(t, dir+"/addr"))
	if got := try(link.Addr(), "inc", wait); got != "reply 2" {
		t.Errorf("inc over the link after Restart: %s, want reply 2 (the count is durable)", got)
	}
}
