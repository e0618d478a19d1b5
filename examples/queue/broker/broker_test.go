package broker_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/examples/queue/broker"
)

// node is one broker process: a broker on a data directory with its clock.
// restart makes a new one on the same directory, as a kill -9 and a new
// process would: the file survives, the memory does not.
type node struct {
	t     *testing.T
	dir   string
	opts  broker.Options
	clock *broker.ManualClock
	b     *broker.Broker
	// noCheck turns off the call to Check after each op. Check, like
	// every operation but a tick, ends the leases that ran out, so it
	// would hide a bug that skips that.
	noCheck bool
}

func start(t *testing.T, bugs broker.Bugs) *node {
	n := &node{t: t, dir: t.TempDir(), opts: broker.Options{Lease: 2, Quota: 2, Bugs: bugs}}
	n.restart()
	return n
}

func (n *node) restart() {
	n.t.Helper()
	n.clock = &broker.ManualClock{}
	opts := n.opts
	opts.Dir, opts.Clock = n.dir, n.clock
	b, err := broker.Open(opts)
	if err != nil {
		n.t.Fatal(err)
	}
	n.b = b
}

// op is one operation of a script and what it must return: want is the
// output (a message ID, a Delivery, or nil), err the error it wraps, or
// nil.
type op struct {
	do     string // publish p, deliver c, ack c m, disconnect c, tick, restart
	want   any
	err    error
	reason string
}

func (n *node) run(ops []op) {
	n.t.Helper()
	for i, o := range ops {
		f := strings.Split(o.do, " ")
		var got any
		var err error
		switch f[0] {
		case "publish":
			got, err = n.b.Publish(f[1])
		case "deliver":
			var d broker.Delivery
			d, err = n.b.Deliver(f[1])
			if err == nil {
				got = d
			}
		case "ack":
			err = n.b.Ack(f[1], f[2])
		case "disconnect":
			err = n.b.Disconnect(f[1])
		case "tick":
			n.clock.Tick()
		case "restart":
			n.restart()
		default:
			n.t.Fatalf("op %d: unknown %q", i+1, o.do)
		}
		if o.err != nil {
			if !errors.Is(err, o.err) {
				n.t.Fatalf("op %d, %s: error %v, want %v (%s)", i+1, o.do, err, o.err, o.reason)
			}
			continue
		}
		if err != nil {
			n.t.Fatalf("op %d, %s: %v (%s)", i+1, o.do, err, o.reason)
		}
		if s, ok := got.(string); ok && s == "" {
			got = nil
		}
		if !reflect.DeepEqual(got, o.want) {
			n.t.Fatalf("op %d, %s: got %#v, want %#v (%s)", i+1, o.do, got, o.want, o.reason)
		}
		if n.noCheck {
			continue
		}
		if err := n.b.Check(); err != nil {
			n.t.Fatalf("op %d, %s: Check: %v", i+1, o.do, err)
		}
	}
}

func TestBroker(t *testing.T) {
	n := start(t, broker.Bugs{})
	n.run([]op{
		{"deliver c1", nil, broker.ErrEmpty, "nothing to deliver"},
		{"publish p1", "p1.1", nil, ""},
		{"publish p2", "p2.1", nil, ""},
		{"publish p1", "p1.2", nil, ""},
		{"publish p1", nil, broker.ErrQuota, "quota 2"},
		{"publish ", nil, broker.ErrNoProducer, "an empty name"},
		{"deliver c1", broker.Delivery{ID: "p1.1"}, nil, "oldest first"},
		{"deliver c1", nil, broker.ErrBusy, "one lease per consumer"},
		{"ack c2 p1.1", nil, broker.ErrNotInFlight, "c2 does not hold the lease"},
		{"ack c1 p9.9", nil, broker.ErrUnknown, ""},
		{"deliver c2", broker.Delivery{ID: "p2.1"}, nil, "next in publish order"},
		{"tick", nil, nil, "one tick left on both leases"},
		{"ack c1 p1.1", nil, nil, ""},
		{"ack c1 p1.1", nil, broker.ErrNotInFlight, "already acked"},
		{"tick", nil, nil, "p2.1's lease runs out"},
		{"ack c2 p2.1", nil, broker.ErrNotInFlight, "a late ack is refused"},
		{"deliver c1", broker.Delivery{ID: "p2.1", Redelivered: true}, nil, "p1.1 is acked; p2.1 comes back"},
		{"disconnect c1", nil, nil, "c1 crashes: its lease ends at once"},
		{"disconnect c1", nil, broker.ErrNoLease, "c1 holds no lease"},
		{"deliver c2", broker.Delivery{ID: "p2.1", Redelivered: true}, nil, ""},
		{"restart", nil, nil, "kill -9: c2's lease is lost"},
		{"publish p1", nil, broker.ErrQuota, "the published counts survive"},
		{"deliver c1", broker.Delivery{ID: "p2.1", Redelivered: true}, nil, "the ack of p1.1 survives"},
		{"ack c1 p2.1", nil, nil, ""},
		{"restart", nil, nil, ""},
		{"deliver c1", broker.Delivery{ID: "p1.2"}, nil, "never delivered before"},
	})
	want := []broker.Message{
		{ID: "p1.1", Status: broker.Acked, Delivered: true},
		{ID: "p2.1", Status: broker.Acked, Delivered: true},
		{ID: "p1.2", Status: broker.InFlight, Delivered: true, Consumer: "c1", Expires: 2},
	}
	if got := n.b.Messages(); !reflect.DeepEqual(got, want) {
		t.Errorf("messages %+v, want %+v", got, want)
	}
	if err := n.b.Reset(); err != nil {
		t.Fatal(err)
	}
	n.restart()
	if got := n.b.Messages(); len(got) != 0 {
		t.Errorf("after Reset and a restart: messages %+v, want none", got)
	}
}

// Each planted bug shows in the broker's own behaviour, and Check sees
// the ones that break a guarantee on the broker's state.
func TestBugs(t *testing.T) {
	tests := []struct {
		name   string
		bugs   broker.Bugs
		ops    []op
		check  string // what Check says at the end, "" for nothing
		reason string
	}{
		{"forgetack", broker.Bugs{ForgetAck: true}, []op{
			{"publish p1", "p1.1", nil, ""},
			{"deliver c1", broker.Delivery{ID: "p1.1"}, nil, ""},
			{"ack c1 p1.1", nil, nil, ""},
			{"restart", nil, nil, ""},
			{"deliver c1", broker.Delivery{ID: "p1.1", Redelivered: true}, nil, "the ack was not persisted"},
		}, "", "an acked message is delivered again after a restart; the state is consistent, only the model sees it"},
		{"dropinflight", broker.Bugs{DropInFlight: true}, []op{
			{"publish p1", "p1.1", nil, ""},
			{"deliver c1", broker.Delivery{ID: "p1.1"}, nil, ""},
			{"restart", nil, nil, ""},
			{"deliver c1", nil, broker.ErrEmpty, "p1.1 is gone"},
		}, "message p1.1 is lost", "a delivered, unacked message is lost in a restart"},
		{"lifo", broker.Bugs{LIFO: true}, []op{
			{"publish p1", "p1.1", nil, ""},
			{"publish p1", "p1.2", nil, ""},
			{"deliver c1", broker.Delivery{ID: "p1.2"}, nil, "the newest first"},
		}, "p1.2 was delivered before p1.1", "the producer's order is broken"},
		{"ackany", broker.Bugs{AckAny: true}, []op{
			{"publish p1", "p1.1", nil, ""},
			{"deliver c1", broker.Delivery{ID: "p1.1"}, nil, ""},
			{"ack c2 p1.1", nil, nil, "c2 does not hold the lease"},
		}, "", "an ack from a consumer without the lease is accepted; only the model sees it"},
		{"ackexpired", broker.Bugs{AckExpired: true}, []op{
			{"publish p1", "p1.1", nil, ""},
			{"deliver c1", broker.Delivery{ID: "p1.1"}, nil, ""},
			{"tick", nil, nil, ""},
			{"tick", nil, nil, "the lease has run out, and nothing has looked at it since"},
			{"ack c1 p1.1", nil, nil, "a late ack, which the broker must refuse"},
		}, "", "an ack after its lease ran out is accepted; only the model sees it"},
		{"ackexpired, looked at", broker.Bugs{AckExpired: true}, []op{
			{"publish p1", "p1.1", nil, ""},
			{"deliver c1", broker.Delivery{ID: "p1.1"}, nil, ""},
			{"tick", nil, nil, ""},
			{"tick", nil, nil, ""},
			{"deliver c2", broker.Delivery{ID: "p1.1", Redelivered: true}, nil, "Deliver ends the lease that ran out"},
			{"ack c1 p1.1", nil, broker.ErrNotInFlight, "so the bug hides: the late ack is refused"},
		}, "", "the bug shows only when nothing looks at the leases between the tick and the ack"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := start(t, tt.bugs)
			n.noCheck = true
			n.run(tt.ops)
			err := n.b.Check()
			switch {
			case tt.check == "" && err != nil:
				t.Errorf("Check() = %v, want nil (%s)", err, tt.reason)
			case tt.check != "" && (err == nil || !strings.Contains(err.Error(), tt.check)):
				t.Errorf("Check() = %v, want %q (%s)", err, tt.check, tt.reason)
			}
		})
	}
}

func TestParseBugs(t *testing.T) {
	tests := []struct {
		list string
		want broker.Bugs
		err  string
	}{
		{"", broker.Bugs{}, ""},
		{"lifo", broker.Bugs{LIFO: true}, ""},
		{"forgetack, dropinflight,ackany", broker.Bugs{ForgetAck: true, DropInFlight: true, AckAny: true}, ""},
		{"ackexpired", broker.Bugs{AckExpired: true}, ""},
		{"lifo,", broker.Bugs{LIFO: true}, ""},
		{"fifo", broker.Bugs{}, `broker: unknown bug "fifo" (want one of forgetack, dropinflight, lifo, ackany, ackexpired)`},
	}
	for _, tt := range tests {
		got, err := broker.ParseBugs(tt.list)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParseBugs(%q) error %v, want %q", tt.list, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseBugs(%q) = %+v, %v; want %+v", tt.list, got, err, tt.want)
		}
	}
}

// The durable file is JSON that both brokers read and write.
func TestDurableFile(t *testing.T) {
	n := start(t, broker.Bugs{})
	n.run([]op{
		{"publish p1", "p1.1", nil, ""},
		{"deliver c1", broker.Delivery{ID: "p1.1"}, nil, ""},
	})
	data, err := os.ReadFile(filepath.Join(n.dir, broker.FileName))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"published":{"p1":1},"messages":[{"id":"p1.1","producer":"p1","seq":1,"delivered":true,"acked":false}]}` + "\n"
	if string(data) != want {
		t.Errorf("file\n%s\nwant\n%s", data, want)
	}
	if err := os.WriteFile(filepath.Join(n.dir, broker.FileName), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := broker.Open(broker.Options{Dir: n.dir, Lease: 1}); err == nil {
		t.Error("Open of a corrupt file: no error")
	}
	if _, err := broker.Open(broker.Options{Dir: t.TempDir()}); err == nil {
		t.Error("Open with a lease of 0 ticks: no error")
	}
}

// Main speaks the subprocess protocol on its standard streams.
func TestServe_Protocol(t *testing.T) {
	in := strings.Join([]string{
		`{"id":1,"op":"hello","protocol":1,"model":"Queue"}`,
		`{"id":2,"op":"reset"}`,
		`{"id":3,"op":"step","action":"Publish","args":["p1"]}`,
		`{"id":4,"op":"step","action":"Deliver","args":["c1"]}`,
		`{"id":5,"op":"step","action":"Ack","args":["c2","p1.1"]}`,
		`{"id":6,"op":"step","action":"Tick","args":[]}`,
		`{"id":7,"op":"view"}`,
		`{"id":8,"op":"invariants"}`,
		`{"id":9,"op":"step","action":"CrashConsumer","args":["c1"]}`,
		`{"id":10,"op":"step","action":"Ack","args":["c1"]}`,
		`{"id":11,"op":"step","action":"Publish","args":[1]}`,
		`{"id":12,"op":"step","action":"Fly","args":[]}`,
		`{"id":13,"op":"view"}`,
	}, "\n") + "\n"
	var out, errb bytes.Buffer
	if code := broker.Main([]string{"-lease", "2", t.TempDir()}, strings.NewReader(in), &out, &errb); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errb.String())
	}
	want := []string{
		`{"id":1,"ok":true,"name":"goqueue","protocol":1,"actions":["Publish","Deliver","Ack","Tick","CrashConsumer"],"invariants":true}`,
		`{"id":2,"ok":true}`,
		`{"id":3,"ok":true,"output":"p1.1"}`,
		`{"id":4,"ok":true,"output":{"id":"p1.1","redelivered":false}}`,
		`{"id":5,"ok":false,"error":"the message is not in flight to this consumer: p1.1, c2"}`,
		`{"id":6,"ok":true}`,
		`{"id":7,"ok":true,"view":{"messages":[{"id":"p1.1","status":"inflight","delivered":true,"consumer":"c1","expires":1}]}}`,
		`{"id":8,"ok":true}`,
		`{"id":9,"ok":true}`,
		`{"id":10,"ok":false,"error":"Ack takes 2 arguments, got 1"}`,
		`{"id":11,"ok":false,"error":"Publish: argument 1 is not a string: 1"}`,
		`{"id":12,"ok":false,"error":"unknown action \"Fly\""}`,
		`{"id":13,"ok":true,"view":{"messages":[{"id":"p1.1","status":"ready","delivered":true}]}}`,
	}
	got := strings.Split(strings.TrimSpace(out.String()), "\n")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("responses:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, line := range got {
		if !json.Valid([]byte(line)) {
			t.Errorf("not JSON: %s", line)
		}
	}
}

func TestServe_Usage(t *testing.T) {
	tests := []struct {
		args   []string
		in     string
		code   int
		stderr string
	}{
		{nil, "", 2, "usage: goqueue"},
		{[]string{"-bugs", "fifo", "dir"}, "", 2, `unknown bug "fifo"`},
		{[]string{"-lease", "x", "dir"}, "", 2, "invalid value"},
		{[]string{"-lease", "0", "DIR"}, "", 1, "lease is 0 ticks"},
		{[]string{"DIR"}, "not json\n", 1, "is not JSON"},
		{[]string{"DIR"}, `{"id":1,"op":"hello","protocol":1,"model":"Bank"}` + "\n", 0, ""},
	}
	for _, tt := range tests {
		for i, a := range tt.args {
			if a == "DIR" {
				tt.args[i] = t.TempDir()
			}
		}
		var out, errb bytes.Buffer
		code := broker.Main(tt.args, strings.NewReader(tt.in), &out, &errb)
		if code != tt.code || !strings.Contains(errb.String(), tt.stderr) {
			t.Errorf("Main(%q) = %d, stderr %q; want %d, %q", tt.args, code, errb.String(), tt.code, tt.stderr)
		}
	}
}
