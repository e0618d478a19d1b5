package node

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// AddrFile is the name of the file, in a node's directory, where a running
// node writes the address it listens on, once it accepts requests.
const AddrFile = "addr"

// Config is a node's command line.
type Config struct {
	// Role is "tm" or "rm".
	Role string
	// ID is a resource manager's number, from 0.
	ID int
	// Dir is the node's directory: its log and its AddrFile.
	Dir string
	// Listen is the address to listen on; default 127.0.0.1:0, any free
	// port, which the node writes to its AddrFile.
	Listen string
	// Peers are the base URLs of the other nodes: for the transaction
	// manager, one per resource manager, in order; for a resource manager,
	// the transaction manager's.
	Peers []string
	// Bugs are the planted bugs to run with.
	Bugs Bugs
}

// Args returns the command line that ParseArgs reads back into c.
func (c Config) Args() []string {
	args := []string{"-role", c.Role, "-id", strconv.Itoa(c.ID), "-dir", c.Dir, "-peers", strings.Join(c.Peers, ",")}
	if c.Listen != "" {
		args = append(args, "-listen", c.Listen)
	}
	if b := c.Bugs.String(); b != "" {
		args = append(args, "-bugs", b)
	}
	return args
}

// ParseArgs parses a node's command line.
func ParseArgs(args []string) (Config, error) {
	var c Config
	var peers, bugs string
	fs := flag.NewFlagSet("node", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.Role, "role", "", "tm or rm")
	fs.IntVar(&c.ID, "id", 0, "the resource manager's number")
	fs.StringVar(&c.Dir, "dir", "", "the node's directory")
	fs.StringVar(&c.Listen, "listen", "127.0.0.1:0", "the address to listen on")
	fs.StringVar(&peers, "peers", "", "comma-separated base URLs of the other nodes")
	fs.StringVar(&bugs, "bugs", "", "comma-separated planted bugs")
	if err := fs.Parse(args); err != nil {
		return Config{}, fmt.Errorf("node: %w", err)
	}
	var err error
	if c.Bugs, err = ParseBugs(bugs); err != nil {
		return Config{}, err
	}
	if peers != "" {
		c.Peers = strings.Split(peers, ",")
	}
	switch {
	case fs.NArg() > 0:
		return Config{}, fmt.Errorf("node: unexpected arguments %q", fs.Args())
	case c.Role != "tm" && c.Role != "rm":
		return Config{}, fmt.Errorf("node: -role %q, want tm or rm", c.Role)
	case c.Dir == "":
		return Config{}, errors.New("node: missing -dir")
	case c.Role == "rm" && len(c.Peers) != 1:
		return Config{}, fmt.Errorf("node: an rm has one peer, the tm; got %d", len(c.Peers))
	case c.Role == "tm" && len(c.Peers) == 0:
		return Config{}, errors.New("node: the tm needs the rms as -peers")
	case c.ID < 0:
		return Config{}, fmt.Errorf("node: -id %d", c.ID)
	}
	return c, nil
}

// Run runs the node of c until ctx is done: it recovers from its log,
// listens, writes its address to its AddrFile and serves.
func Run(ctx context.Context, c Config) error {
	var h http.Handler
	var closeLog func() error
	switch c.Role {
	case "tm":
		tm, err := NewTM(c.Dir, c.Peers, c.Bugs)
		if err != nil {
			return err
		}
		h, closeLog = tm.Handler(), tm.Close
	case "rm":
		rm, err := NewRM(c.ID, c.Dir, c.Peers[0], c.Bugs)
		if err != nil {
			return err
		}
		h, closeLog = rm.Handler(), rm.Close
	default:
		return fmt.Errorf("node: role %q", c.Role)
	}
	defer closeLog()
	listen := c.Listen
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	if err := writeAddr(c.Dir, ln.Addr().String()); err != nil {
		srv.Close()
		return err
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// writeAddr writes addr to dir's AddrFile, atomically.
func writeAddr(dir, addr string) error {
	tmp := filepath.Join(dir, AddrFile+".tmp")
	if err := os.WriteFile(tmp, []byte(addr+"\n"), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, AddrFile))
}

// ReadAddr returns the address the node whose directory is dir wrote to
// its AddrFile.
func ReadAddr(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, AddrFile))
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// Main runs a node with the command line args and returns its exit code;
// errors go to stderr. A node runs until it is killed.
func Main(args []string, stderr io.Writer) int {
	c, err := ParseArgs(args)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if err := Run(context.Background(), c); err != nil {
		fmt.Fprintf(stderr, "node %s: %v\n", c.Role, err)
		return 1
	}
	return 0
}
