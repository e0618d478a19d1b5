package queue

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/mbtgo/mbt/driver"
	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/model"
)

// defaults returns the Config that mbt explore builds from the default
// struct tags.
func defaults(t *testing.T) Config {
	t.Helper()
	c, err := driver.Defaults[Config]()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// NewAdapter configures its broker, and the generated tests build their
// model, from DefaultConfig: it must be what mbt gen builds from the tags.
func TestDefaultConfig(t *testing.T) {
	if got, want := DefaultConfig(), defaults(t); got != want {
		t.Fatalf("DefaultConfig() = %+v, the default tags say %+v", got, want)
	}
}

func TestModel_Counts(t *testing.T) {
	tests := []struct {
		name        string
		cfg         Config
		distinct    int64
		transitions int64
		depth       int
		reason      string
	}{
		{"one of each", Config{Producers: 1, Messages: 1, Consumers: 1, Lease: 1}, 5, 16, 3,
			"by hand: nothing published; ready; in flight; ready again after a delivery; acked. " +
				"Tick and RestartBroker are enabled in all 5 states (10), Publish in 1, Deliver in 2, " +
				"and Ack, CrashConsumer and LoseAck while the message is in flight (3); acked is 3 steps away"},
		{"lease 1", Config{Producers: 1, Messages: 2, Consumers: 2, Lease: 1}, 25, 126, 6,
			"pinned from the explorer"},
		{"defaults", Config{Producers: 1, Messages: 2, Consumers: 2, Lease: 2}, 43, 242, 7,
			"the instance of the generated tests; a two-tick lease adds in-flight states with 2 ticks left"},
		{"two producers", Config{Producers: 2, Messages: 2, Consumers: 2, Lease: 2}, 1607, 10596, 13,
			"every interleaving of two producers' messages; too many transitions for a generated tour, " +
				"so the guarantees are checked here by exploration"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("test %q: missing reason or duplicate name", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			m, err := Model(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			res, err := explorer.Explore(t.Context(), m, explorer.Options{CheckPurity: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != explorer.Complete {
				t.Fatalf("status %v, violations %v; want complete", res.Status, res.Violations)
			}
			if res.Stats.Distinct != tt.distinct || res.Stats.Transitions != tt.transitions || res.Stats.MaxDepth != tt.depth {
				t.Errorf("%d distinct, %d transitions, depth %d; want %d, %d, %d (%s)",
					res.Stats.Distinct, res.Stats.Transitions, res.Stats.MaxDepth, tt.distinct, tt.transitions, tt.depth, tt.reason)
			}
			if n := res.Coverage.NeverEnabled(); len(n) != 0 {
				t.Errorf("never enabled: %v", n)
			}
			if u := res.Coverage.UnusedValues(); len(u) != 0 {
				t.Errorf("argument values never used: %v", u)
			}
		})
	}
}

// Producer p1's message k: ready and never delivered, ready after a
// delivery, in flight, or acked.
func ready(k int) Message { return Message{ID: fmt.Sprintf("p1.%d", k), Seq: k} }

func redeliverable(k int) Message { m := ready(k); m.Delivered = true; return m }

func inFlight(k int, c string, ticks int) Message {
	m := redeliverable(k)
	m.Consumer, m.Ticks = c, ticks
	return m
}

func acked(k int) Message { m := redeliverable(k); m.Acked = true; return m }

// Each invariant rejects the state that a broken broker would reach, so
// that exploring the model clean means something.
func TestModel_InvariantsCatch(t *testing.T) {
	m, err := Model(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	inv := map[string]func(*State) bool{}
	for _, i := range m.Invariants {
		inv[i.Name] = i.Check
	}
	good := State{Published: []int{2}, Log: []Message{acked(1), inFlight(2, "c1", 1)}}
	tests := []struct {
		name   string
		inv    string
		state  State
		reason string
	}{
		{"lost", "NoLostMessage",
			State{Published: []int{2}, Log: []Message{ready(2)}},
			"p1 published 2 messages and the log has one: what dropinflight does on a restart"},
		{"duplicated", "NoLostMessage",
			State{Published: []int{2}, Log: []Message{ready(1), ready(1)}},
			"the log holds p1.1 twice and misses p1.2"},
		{"acked and leased", "NoLostMessage",
			State{Published: []int{1}, Log: []Message{{ID: "p1.1", Seq: 1, Delivered: true, Acked: true, Consumer: "c1", Ticks: 1}}},
			"an acked message under a lease could be delivered again"},
		{"lease never runs out", "NoLostMessage",
			State{Published: []int{1}, Log: []Message{{ID: "p1.1", Seq: 1, Delivered: true, Consumer: "c1"}}},
			"a lease with no ticks left would keep the message from every consumer"},
		{"out of order", "ProducerOrder",
			State{Published: []int{2}, Log: []Message{ready(1), inFlight(2, "c1", 1)}},
			"p1.2 was delivered while p1.1 never was: what lifo does"},
		{"two leases", "OneLeasePerConsumer",
			State{Published: []int{2}, Log: []Message{inFlight(1, "c1", 1), inFlight(2, "c1", 1)}},
			"c1 holds two messages at once"},
	}
	for name, check := range inv {
		if !check(&good) {
			t.Errorf("invariant %s rejects a good state %+v", name, good)
		}
	}
	for _, tt := range tests {
		check, ok := inv[tt.inv]
		if !ok {
			t.Fatalf("%s: the model has no invariant %s", tt.name, tt.inv)
		}
		if check(&tt.state) {
			t.Errorf("%s: invariant %s holds in %+v, want false: %s", tt.name, tt.inv, tt.state, tt.reason)
		}
	}
}

// NoDeliveryAfterAck rejects a Deliver that hands out an acked message.
func TestModel_NoDeliveryAfterAck(t *testing.T) {
	m, err := Model(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Properties) != 1 || m.Properties[0].Name != "NoDeliveryAfterAck" {
		t.Fatalf("properties %v, want NoDeliveryAfterAck", m.Properties)
	}
	check := m.Properties[0].Check
	st := func(msgs ...Message) *State {
		return &State{Published: []int{len(msgs)}, Log: msgs}
	}
	deliver := model.Step{Action: "Deliver", Args: []any{"c1"}}
	tests := []struct {
		name       string
		prev, next *State
		step       model.Step
		want       bool
		reason     string
	}{
		{"first delivery", st(ready(1)), st(inFlight(1, "c1", 1)), deliver, true,
			"a ready message may be delivered"},
		{"redelivery", st(redeliverable(1)), st(inFlight(1, "c1", 1)), deliver, true,
			"at least once: an unacked message may be delivered again"},
		{"after ack", st(acked(1)), st(inFlight(1, "c1", 1)), deliver, false,
			"what forgetack does after a restart"},
		{"not a delivery", st(acked(1)), st(acked(1)), model.Step{Action: "Tick"}, true,
			"only Deliver delivers"},
	}
	for _, tt := range tests {
		if got := check(tt.prev, tt.step, tt.next); got != tt.want {
			t.Errorf("%s: %v: NoDeliveryAfterAck = %v, want %v (%s)", tt.name, tt.step, got, tt.want, tt.reason)
		}
	}
}

// A walk through the model: the outputs and views the broker must match.
func TestModel_Walk(t *testing.T) {
	m, err := Model(Config{Producers: 2, Messages: 2, Consumers: 2, Lease: 2})
	if err != nil {
		t.Fatal(err)
	}
	mm := m.Erase()
	s := mm.InitStates()[0]
	step := func(action string, args ...any) any {
		t.Helper()
		st := model.Step{Action: action, Args: args}
		ok, err := mm.Enabled(s, st)
		if err != nil || !ok {
			t.Fatalf("%v: enabled %v, %v; want enabled", st, ok, err)
		}
		next, out, err := mm.Apply(s, st)
		if err != nil {
			t.Fatal(err)
		}
		if bad := mm.Check(next); len(bad) > 0 {
			t.Fatalf("%v violates %v", st, bad)
		}
		s = next
		return out.Output
	}
	refused := func(action string, args ...any) {
		t.Helper()
		if ok, err := mm.Enabled(s, model.Step{Action: action, Args: args}); ok || err != nil {
			t.Fatalf("%s%v: enabled %v, %v; want refused", action, args, ok, err)
		}
	}
	tests := []struct {
		action string
		args   []any
		want   any // the output, or "refused"
		reason string
	}{
		{"Deliver", []any{"c1"}, "refused", "nothing published"},
		{"Publish", []any{"p2"}, "p2.1", "IDs count each producer's messages"},
		{"Publish", []any{"p1"}, "p1.1", ""},
		{"Publish", []any{"p2"}, "p2.2", ""},
		{"Publish", []any{"p2"}, "refused", "p2 has published Messages messages"},
		{"Deliver", []any{"c1"}, Delivery{ID: "p2.1"}, "the oldest in publish order, whichever the producer"},
		{"Deliver", []any{"c1"}, "refused", "one lease per consumer"},
		{"Ack", []any{"c2", "p2.1"}, "refused", "c2 does not hold the lease"},
		{"Deliver", []any{"c2"}, Delivery{ID: "p1.1"}, ""},
		{"Tick", nil, nil, "both leases have one tick left"},
		{"LoseAck", []any{"c1"}, nil, "c1's ack of p2.1 never reaches the broker: nothing changes"},
		{"Ack", []any{"c2", "p1.1"}, nil, "c2 still holds p1.1"},
		{"LoseAck", []any{"c2"}, "refused", "c2 holds nothing to ack"},
		{"Tick", nil, nil, "p2.1's lease runs out"},
		{"Ack", []any{"c1", "p2.1"}, "refused", "too late"},
		{"Deliver", []any{"c2"}, Delivery{ID: "p2.1", Redelivered: true}, "at least once: the lost ack means a redelivery"},
		{"CrashConsumer", []any{"c2"}, nil, "c2 dies holding p2.1: its connection closes"},
		{"CrashConsumer", []any{"c2"}, "refused", "c2 holds no lease any more"},
		{"Deliver", []any{"c1"}, Delivery{ID: "p2.1", Redelivered: true}, "p2.1 was ready at once"},
		{"RestartBroker", nil, nil, "the lease is lost, the ack of p1.1 is not"},
		{"Deliver", []any{"c1"}, Delivery{ID: "p2.1", Redelivered: true}, "p1.1 stays acked"},
		{"Ack", []any{"c1", "p2.1"}, nil, ""},
		{"Deliver", []any{"c1"}, Delivery{ID: "p2.2"}, ""},
	}
	for _, tt := range tests {
		if tt.want == "refused" {
			refused(tt.action, tt.args...)
			continue
		}
		if got := step(tt.action, tt.args...); !reflect.DeepEqual(got, tt.want) {
			t.Fatalf("%s%v returns %#v, want %#v (%s)", tt.action, tt.args, got, tt.want, tt.reason)
		}
	}
	want := View{Messages: []MessageView{
		{ID: "p2.1", Status: Acked, Delivered: true},
		{ID: "p1.1", Status: Acked, Delivered: true},
		{ID: "p2.2", Status: InFlight, Delivered: true, Consumer: "c1", Expires: 2},
	}}
	if got := mm.View(s); !reflect.DeepEqual(got, want) {
		t.Errorf("view %+v, want %+v", got, want)
	}
}

func TestModel_BadConfig(t *testing.T) {
	ok := DefaultConfig()
	with := func(f func(*Config)) Config { c := ok; f(&c); return c }
	tests := []struct {
		cfg  Config
		want string
	}{
		{with(func(c *Config) { c.Producers = 0 }), "queue: Producers is 0, want 1 to 9"},
		{with(func(c *Config) { c.Messages = 10 }), "queue: Messages is 10, want 1 to 9"},
		{with(func(c *Config) { c.Consumers = 0 }), "queue: Consumers is 0, want 1 to 9"},
		{with(func(c *Config) { c.Lease = 0 }), "queue: Lease is 0, want at least 1"},
	}
	for _, tt := range tests {
		_, err := Model(tt.cfg)
		if got := fmt.Sprint(err); got != tt.want {
			t.Errorf("Model(%+v) error = %q, want %q", tt.cfg, got, tt.want)
		}
	}
}

// The values outside each parameter's domain are what the brokers must
// refuse (criterion invalid of mbt gen): names the model leaves out but
// the broker serves, such as a third producer, are not among them.
func TestModel_Outside(t *testing.T) {
	m, err := Model(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		action string
		want   [][]any // per parameter
		reason string
	}{
		{"Publish", [][]any{{""}}, "the broker serves any producer by the name it gives, but not the empty name"},
		{"Deliver", [][]any{{""}}, "the broker serves any consumer by the name it gives, but not the empty name"},
		{"Ack", [][]any{{"", "unknown"}, {"", "unknown"}}, "a consumer without a lease, a message never published"},
		{"CrashConsumer", [][]any{{"", "unknown"}}, "a consumer without a lease has no connection to close"},
		{"LoseAck", [][]any{{"", "unknown"}}, "a consumer without a lease has no ack to lose"},
		{"Tick", nil, "no parameters"},
		{"RestartBroker", nil, "no parameters"},
	}
	if len(tests) != len(m.Actions) {
		t.Errorf("%d actions tested, the model has %d", len(tests), len(m.Actions))
	}
	for _, tt := range tests {
		a := m.Action(tt.action)
		if a == nil {
			t.Errorf("the model has no action %s", tt.action)
			continue
		}
		var got [][]any
		for _, p := range a.Params {
			got = append(got, p.Invalid)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: outside its domains %v, want %v (%s)", tt.action, got, tt.want, tt.reason)
		}
	}
}
