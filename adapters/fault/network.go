package fault

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// A Network is a set of named nodes and one [Proxy] per directed link
// from->to, where node from dials node to. Each node is configured to dial
// the proxy's [Proxy.Addr] instead of the other node's own address; the
// network then cuts, drops or delays traffic per link, and retargets the
// links into a node that restarted on another port.
//
// Partition, Isolate and Heal change the modes of existing links only; a
// link created later starts in Pass.
//
// A Network is safe for concurrent use.
type Network struct {
	mu     sync.Mutex
	links  map[link]*Proxy
	closed bool
}

type link struct{ from, to string }

// NewNetwork returns an empty network.
func NewNetwork() *Network {
	return &Network{links: make(map[link]*Proxy)}
}

// Link creates the proxy for the link from->to, forwarding to target (the
// address node to listens on). It is an error if the link exists.
func (n *Network) Link(from, to, target string) (*Proxy, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil, fmt.Errorf("fault: link %s->%s: network is closed", from, to)
	}
	l := link{from, to}
	if _, ok := n.links[l]; ok {
		return nil, fmt.Errorf("fault: link %s->%s exists", from, to)
	}
	p, err := NewProxy(target)
	if err != nil {
		return nil, fmt.Errorf("fault: link %s->%s: %w", from, to, err)
	}
	n.links[l] = p
	return p, nil
}

// Proxy returns the proxy of the link from->to, or nil if there is no
// such link.
func (n *Network) Proxy(from, to string) *Proxy {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.links[link{from, to}]
}

// Links returns every link as {from, to}, sorted.
func (n *Network) Links() [][2]string {
	n.mu.Lock()
	defer n.mu.Unlock()
	ls := make([][2]string, 0, len(n.links))
	for l := range n.links {
		ls = append(ls, [2]string{l.from, l.to})
	}
	slices.SortFunc(ls, func(a, b [2]string) int {
		return cmp.Or(strings.Compare(a[0], b[0]), strings.Compare(a[1], b[1]))
	})
	return ls
}

// Retarget calls [Proxy.SetTarget] on every link into node to: new
// connections to it go to addr.
func (n *Network) Retarget(to, addr string) {
	n.each(func(l link) bool { return l.to == to }, func(p *Proxy) { p.SetTarget(addr) })
}

// Partition sets mode m, in both directions, on every link between a node
// of a and a node of b, both ways (a->b and b->a). Links within a and
// within b are not changed.
func (n *Network) Partition(m Mode, a, b []string) {
	n.each(func(l link) bool {
		return slices.Contains(a, l.from) && slices.Contains(b, l.to) ||
			slices.Contains(b, l.from) && slices.Contains(a, l.to)
	}, func(p *Proxy) { p.Set(ToTarget, m); p.Set(FromTarget, m) })
}

// Isolate sets mode m, in both directions, on every link into or out of
// node.
func (n *Network) Isolate(m Mode, node string) {
	n.each(func(l link) bool { return l.from == node || l.to == node },
		func(p *Proxy) { p.Set(ToTarget, m); p.Set(FromTarget, m) })
}

// Heal sets every link back to Pass with no delay ([Proxy.Heal]).
func (n *Network) Heal() {
	n.each(func(link) bool { return true }, (*Proxy).Heal)
}

// Close closes every proxy ([Proxy.Close]); its error lists every proxy
// that failed to close.
// Closing a closed Network returns nil.
func (n *Network) Close() error {
	n.mu.Lock()
	n.closed = true
	ps := n.links
	n.links = make(map[link]*Proxy)
	n.mu.Unlock()
	var errs []string
	for _, p := range ps {
		if err := p.Close(); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		return fmt.Errorf("fault: close network: %s", strings.Join(errs, "; "))
	}
	return nil
}

func (n *Network) each(match func(link) bool, f func(*Proxy)) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for l, p := range n.links {
		if match(l) {
			f(p)
		}
	}
}
