package broker

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/mbtgo/mbt/adapters/subprocess"
)

// Name is the Go broker's name in the hello of the subprocess protocol.
const Name = "goqueue"

// Server answers the requests of mbt's subprocess protocol for a
// [Broker]: it is a subprocess.Handler for the model Queue of package
// github.com/mbtgo/mbt/examples/queue.
type Server struct {
	b     *Broker
	clock *ManualClock
}

// NewServer returns a Server for b, whose clock must be clock: the action
// Tick ticks it.
func NewServer(b *Broker, clock *ManualClock) *Server { return &Server{b: b, clock: clock} }

// Actions returns the model actions the broker performs. The other two,
// RestartBroker and LoseAck, are the adapter's: it restarts the broker's
// process, and loses the ack on the way.
func (s *Server) Actions() []string {
	return []string{"Publish", "Deliver", "Ack", "Tick", "CrashConsumer"}
}

// Hello refuses a session for any model but Queue.
func (s *Server) Hello(model string) error {
	if model != "" && model != "Queue" {
		return fmt.Errorf("this is a message broker: it implements model Queue, not %s", model)
	}
	return nil
}

// Reset empties the broker.
func (s *Server) Reset() error { return s.b.Reset() }

// Step performs one action of the model.
func (s *Server) Step(action string, args []json.RawMessage) (any, error) {
	str := make([]string, len(args))
	for i, a := range args {
		if err := json.Unmarshal(a, &str[i]); err != nil {
			return nil, fmt.Errorf("%s: argument %d is not a string: %s", action, i+1, a)
		}
	}
	want := map[string]int{"Publish": 1, "Deliver": 1, "Ack": 2, "Tick": 0, "CrashConsumer": 1}
	n, ok := want[action]
	switch {
	case !ok:
		return nil, fmt.Errorf("unknown action %q", action)
	case len(args) != n:
		return nil, fmt.Errorf("%s takes %d arguments, got %d", action, n, len(args))
	}
	switch action {
	case "Publish":
		return s.b.Publish(str[0])
	case "Deliver":
		return s.b.Deliver(str[0])
	case "Ack":
		return nil, s.b.Ack(str[0], str[1])
	case "Tick":
		s.clock.Tick()
		return nil, nil
	default: // CrashConsumer: its connection closes
		return nil, s.b.Disconnect(str[0])
	}
}

// View returns the broker's messages as the model's View.
func (s *Server) View() (any, error) {
	return struct {
		Messages []Message `json:"messages"`
	}{s.b.Messages()}, nil
}

// Invariants checks the broker's guarantees on its state (see
// [Broker.Check]).
func (s *Server) Invariants() error { return s.b.Check() }

// Main runs the broker as a subprocess-protocol program, serving the
// requests on stdin until it closes, and returns the exit status. Its
// arguments are
//
//	[-lease N] [-quota N] [-bugs list] datadir
//
// the same as the Python broker's (pyqueue/broker.py). Package queue runs it
// by executing its own test binary again (see its TestMain).
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(Name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	lease := fs.Int("lease", 2, "ticks a delivery stays leased")
	quota := fs.Int("quota", 0, "messages each producer may publish (0: no limit)")
	bugList := fs.String("bugs", "", "comma-separated planted bugs: "+strings.Join(BugNames, ", "))
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "usage: %s [-lease N] [-quota N] [-bugs list] datadir\n", Name)
		return 2
	}
	bugs, err := ParseBugs(*bugList)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	clock := &ManualClock{}
	b, err := Open(Options{Dir: fs.Arg(0), Lease: *lease, Quota: *quota, Clock: clock, Bugs: bugs})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	out := bufio.NewWriter(stdout)
	if err := subprocess.Serve(stdin, out, Name, NewServer(b, clock)); err != nil && !errors.Is(err, io.EOF) {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
