package fault

import (
	"encoding/binary"
	"encoding/hex"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
)

// listenerID identifies the socket that listens on addr, an IPv4
// host:port, by its inode in /proc/net/tcp; it returns "" when none does.
// A test compares it before and after a close, to tell the socket it
// closed from another that took the port since: loopback ports are
// reused, by this test binary's other tests or by any process on the
// machine.
func listenerID(t testing.TB, addr string) string {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	ip := net.ParseIP(host).To4()
	b, err := os.ReadFile("/proc/net/tcp")
	if err != nil || ip == nil {
		t.Fatalf("listeners on %s: %v", addr, err)
	}
	for _, line := range strings.Split(string(b), "\n")[1:] {
		// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
		f := strings.Fields(line)
		if len(f) < 10 || f[3] != "0A" { // TCP_LISTEN
			continue
		}
		lhost, lport, ok := strings.Cut(f[1], ":")
		p, perr := strconv.ParseUint(lport, 16, 16)
		raw, herr := hex.DecodeString(lhost)
		if !ok || perr != nil || herr != nil || len(raw) != 4 || strconv.FormatUint(p, 10) != port {
			continue
		}
		// The address is a host-order number in hex.
		var l net.IP = binary.NativeEndian.AppendUint32(nil, binary.BigEndian.Uint32(raw))
		if l.Equal(ip) || l.Equal(net.IPv4zero) {
			return f[9]
		}
	}
	return ""
}

// TestListenerID checks the helper the tests of closed ports rely on: it
// finds a listening socket, and not once the socket is closed.
func TestListenerID(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	id := listenerID(t, addr)
	if id == "" {
		t.Fatalf("listenerID(%s) = \"\" for a listening socket", addr)
	}
	ln.Close()
	// A child that another test is starting may hold the socket until
	// it execs.
	eventually(t, "the closed socket gone", func() bool { return listenerID(t, addr) != id })
}
