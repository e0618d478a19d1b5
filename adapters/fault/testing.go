package fault

import (
	"context"
	"errors"

	"github.com/mbtgo/mbt/adapters"
)

// StartT is [Start] for tests: it fails the test with t.Fatalf (the
// message includes the process's output) and registers a cleanup that
// stops the process ([Process.Stop]) when the test ends, passed or
// failed. A process that exited on its own by then is not reported; a
// process that cannot be reaped is. If t also has Context()
// context.Context, as *testing.T has, StartT waits for readiness under
// that context.
func StartT(t adapters.TB, spec Spec) *Process {
	t.Helper()
	ctx := context.Background()
	if c, ok := t.(interface{ Context() context.Context }); ok {
		ctx = c.Context()
	}
	p, err := Start(ctx, spec)
	if err != nil {
		t.Fatalf("%v", err)
		return nil
	}
	t.Cleanup(func() {
		if err := p.Stop(); err != nil && !errors.Is(err, ErrExited) {
			t.Fatalf("%v", err)
		}
	})
	return p
}

// NewProxyT is [NewProxy] for tests: it fails the test with t.Fatalf and
// registers a cleanup that closes the proxy.
func NewProxyT(t adapters.TB, target string) *Proxy {
	t.Helper()
	p, err := NewProxy(target)
	if err != nil {
		t.Fatalf("%v", err)
		return nil
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Fatalf("%v", err)
		}
	})
	return p
}

// NewNetworkT is [NewNetwork] for tests: it registers a cleanup that
// closes the network and every proxy in it.
func NewNetworkT(t adapters.TB) *Network {
	t.Helper()
	n := NewNetwork()
	t.Cleanup(func() {
		if err := n.Close(); err != nil {
			t.Fatalf("%v", err)
		}
	})
	return n
}
