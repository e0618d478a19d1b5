package fault

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as the implementation under test: with
// FAULT_CHILD set, TestMain runs one of the child programs below instead of
// the tests.
func TestMain(m *testing.M) {
	if mode := os.Getenv("FAULT_CHILD"); mode != "" {
		os.Exit(child(mode, os.Getenv("FAULT_DIR")))
	}
	os.Exit(m.Run())
}

// child runs a child program and returns its exit code:
//
//	echo    a counter server (see serve) in dir, which writes its address
//	        to dir/addr and its pid to dir/pid
//	parent  echo, after starting an echo child of its own in dir/sub, in
//	        the same process group, whose pid goes to dir/subpid
//	exit    prints to stdout and stderr and exits with status 3
//
// With FAULT_IGNORE_TERM=1, the child ignores SIGTERM.
func child(mode, dir string) int {
	if os.Getenv("FAULT_IGNORE_TERM") == "1" {
		signal.Ignore(syscall.SIGTERM)
	}
	switch mode {
	case "exit":
		fmt.Println("starting")
		fmt.Fprintln(os.Stderr, "boom: bad config")
		return 3
	case "parent":
		sub := filepath.Join(dir, "sub")
		if err := os.MkdirAll(sub, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "FAULT_CHILD=echo", "FAULT_DIR="+sub)
		if err := cmd.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if err := writeFile(filepath.Join(dir, "subpid"), strconv.Itoa(cmd.Process.Pid)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fallthrough
	case "echo":
		if err := writeFile(filepath.Join(dir, "pid"), strconv.Itoa(os.Getpid())); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		// Come back on the same port after a restart if it is free.
		addr := "127.0.0.1:0"
		if b, err := os.ReadFile(filepath.Join(dir, "addr")); err == nil {
			addr = string(b)
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			ln, err = net.Listen("tcp", "127.0.0.1:0")
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		log, err := openLog(filepath.Join(dir, "log"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		// Print first: once the address file is there, so is the line, in
		// the pipe to the parent; it reaches Output() later, copied by
		// another goroutine. After a restart, the address file of the
		// first run is there already, and its port accepts before this.
		fmt.Printf("listening on %s with count %d\n", ln.Addr(), log.get())
		if err := writeFile(filepath.Join(dir, "addr"), ln.Addr().String()); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		serve(ln, log, nil)
		return 0
	}
	fmt.Fprintf(os.Stderr, "unknown FAULT_CHILD %q\n", mode)
	return 2
}

// writeFile writes a file atomically, so a reader never sees it half
// written.
func writeFile(path, s string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(s), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// counterLog is durable state: a counter kept as lines in a file, so it
// survives a crash.
type counterLog struct {
	mu sync.Mutex
	f  *os.File
	n  int
}

func openLog(path string) (*counterLog, error) {
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	return &counterLog{f: f, n: strings.Count(string(b), "\n")}, nil
}

func (l *counterLog) inc() (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.f.WriteString("inc\n"); err != nil {
		return 0, err
	}
	l.n++
	return l.n, nil
}

func (l *counterLog) get() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// serve serves a line protocol on ln until it is closed: "inc" appends to
// the log and answers the new count, "get" answers the count, "echo X"
// answers X. Each accepted connection is passed to track, if not nil.
func serve(ln net.Listener, log *counterLog, track func(net.Conn) bool) {
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		if track != nil && !track(c) {
			c.Close()
			continue
		}
		wg.Go(func() {
			defer c.Close()
			r := bufio.NewReader(c)
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					return
				}
				cmd, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
				var reply string
				switch cmd {
				case "inc":
					n, err := log.inc()
					if err != nil {
						return
					}
					reply = strconv.Itoa(n)
				case "get":
					reply = strconv.Itoa(log.get())
				case "echo":
					reply = arg
				default:
					reply = "unknown command " + strconv.Quote(cmd)
				}
				if _, err := fmt.Fprintln(c, reply); err != nil {
					return
				}
			}
		})
	}
}

// server is a counter server in the test process, on a real loopback
// socket.
type server struct {
	addr string
	log  *counterLog

	mu    sync.Mutex
	conns []net.Conn
}

// accepted is how many connections the server accepted.
func (s *server) accepted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// newServer starts a counter server that is stopped, with all its
// connections, when the test ends.
func newServer(t testing.TB) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	log, err := openLog(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	s := &server{addr: ln.Addr().String(), log: log}
	closed := false
	done := make(chan struct{})
	go func() {
		defer close(done)
		serve(ln, log, func(c net.Conn) bool {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.conns = append(s.conns, c)
			return !closed
		})
	}()
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		closed = true
		for _, c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		<-done
		log.f.Close()
	})
	return s
}

// client is a connection to a counter server, with a deadline on every
// call.
type client struct {
	c net.Conn
	r *bufio.Reader
}

func dial(t testing.TB, addr string) *client {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &client{c: c, r: bufio.NewReader(c)}
}

// call sends a request and reads the answer, waiting at most d.
func (c *client) call(req string, d time.Duration) (string, error) {
	c.c.SetDeadline(time.Now().Add(d))
	if _, err := fmt.Fprintln(c.c, req); err != nil {
		return "", err
	}
	line, err := c.r.ReadString('\n')
	return strings.TrimSuffix(line, "\n"), err
}

// outcome classifies the result of a call: "reply X", "timeout", "reset",
// or another error.
func outcome(reply string, err error) string {
	var ne net.Error
	switch {
	case err == nil:
		return "reply " + reply
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "reset"
	}
	return err.Error()
}

// count asks a counter server directly (not through a proxy) for its count.
func count(t testing.TB, addr string) string {
	t.Helper()
	c := dial(t, addr)
	defer c.c.Close()
	got, err := c.call("get", 10*time.Second)
	if err != nil {
		t.Fatalf("get from %s: %v", addr, err)
	}
	return got
}

// notListening checks that the socket that listened on addr, identified
// by id (from listenerID, before it was closed), no longer does. Another
// socket may have taken the port since: loopback ports are reused, by
// this test binary's other tests or by any process on the machine. And
// the closed socket may listen a moment longer: a child that another test
// is starting holds a copy of every descriptor until it execs. Where
// listenerID cannot tell (id is ""), a connection must be refused. what
// names the socket's owner for the message.
func notListening(t testing.TB, addr, id, what string) {
	t.Helper()
	if id != "" {
		eventually(t, what+" not listening on "+addr, func() bool { return listenerID(t, addr) != id })
		return
	}
	eventually(t, what+" not listening on "+addr, func() bool {
		c, err := net.DialTimeout("tcp", addr, wait)
		if err != nil {
			return true
		}
		c.Close()
		return false
	})
}

// eventually polls cond every 5 ms until it holds or 10 s pass.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("still not %s after 10s", what)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// checkTable rejects a table row without a reason or with a duplicate
// name.
func checkTable(t *testing.T, name, reason string, seen map[string]bool) {
	t.Helper()
	if reason == "" || seen[name] {
		t.Fatalf("case %q: missing reason or duplicate name", name)
	}
	seen[name] = true
}

func newReader(c net.Conn) *bufio.Reader { return bufio.NewReader(c) }
