//go:build !unix

package fault

import (
	"net"
	"testing"
)

// downAddr returns a loopback address where nothing listens: here, one
// that was listened on and closed, which another process may take.
func downAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
