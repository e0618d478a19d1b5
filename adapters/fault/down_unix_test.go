//go:build unix

package fault

import (
	"net"
	"strconv"
	"syscall"
	"testing"
)

// downAddr returns a loopback address where nothing listens, and nothing
// can until the test ends: a socket is bound to it without listening, so
// a connection to it is refused, and the port cannot be taken by another
// test or process (as a port that was listened on and closed can).
func downAddr(t testing.TB) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(sa.(*syscall.SockaddrInet4).Port))
}
