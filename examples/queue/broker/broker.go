package broker

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// FileName is the name of the broker's durable state file in its data
// directory.
const FileName = "queue.json"

// Clock is the broker's logical clock: a lease granted at Now() == t for L
// ticks expires when Now() reaches t+L. Time never comes from the wall
// clock, so runs are deterministic.
type Clock interface {
	Now() int
}

// ManualClock is a [Clock] that moves only when told to. Its zero value is
// at 0 and ready to use; it is safe for concurrent use.
type ManualClock struct {
	mu  sync.Mutex
	now int
}

// Now returns the current tick.
func (c *ManualClock) Now() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Tick advances the clock by one.
func (c *ManualClock) Tick() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now++
}

// Bugs are planted defects, each off unless set. The generated tests of
// package queue catch every one of them.
type Bugs struct {
	// ForgetAck does not persist acks: the durable file never records a
	// message as acked, so after a restart an acked message is delivered
	// again.
	ForgetAck bool
	// DropInFlight drops, when the broker starts, every message that was
	// delivered and not acked, instead of making it deliverable again: a
	// lost message.
	DropInFlight bool
	// LIFO delivers the newest ready message first instead of the oldest.
	LIFO bool
	// AckAny accepts an ack of an in-flight message from any consumer, not
	// only from the one holding its lease.
	AckAny bool
	// AckExpired does not end the leases that have run out before an ack,
	// as every other operation does (leases expire lazily, when the broker
	// next looks at them): an ack that arrives after its lease ran out is
	// accepted, unless something else looked first.
	AckExpired bool
}

// BugNames are the names ParseBugs accepts, in order.
var BugNames = []string{"forgetack", "dropinflight", "lifo", "ackany", "ackexpired"}

// ParseBugs parses a comma-separated list of bug names (see [BugNames]);
// the empty list is no bug.
func ParseBugs(list string) (Bugs, error) {
	var b Bugs
	for name := range strings.SplitSeq(list, ",") {
		switch strings.TrimSpace(name) {
		case "":
		case "forgetack":
			b.ForgetAck = true
		case "dropinflight":
			b.DropInFlight = true
		case "lifo":
			b.LIFO = true
		case "ackany":
			b.AckAny = true
		case "ackexpired":
			b.AckExpired = true
		default:
			return Bugs{}, fmt.Errorf("broker: unknown bug %q (want one of %s)", name, strings.Join(BugNames, ", "))
		}
	}
	return b, nil
}

// Options configure a [Broker].
type Options struct {
	// Dir is the data directory, which must exist; the broker keeps its
	// durable state in Dir/queue.json.
	Dir string
	// Lease is the number of ticks a delivery stays leased to its
	// consumer; it must be at least 1.
	Lease int
	// Quota is the number of messages a producer may publish; 0 is no
	// limit.
	Quota int
	// Clock is the logical clock leases expire by; nil is a new
	// [ManualClock] that nobody ticks.
	Clock Clock
	// Bugs are the planted defects to switch on.
	Bugs Bugs
}

// Status is the state of a message in the broker.
type Status string

// The statuses of a message.
const (
	Ready    Status = "ready"    // deliverable
	InFlight Status = "inflight" // leased to a consumer
	Acked    Status = "acked"    // done; never delivered again
)

// Message is what the broker shows of one message.
type Message struct {
	ID     string `json:"id"`
	Status Status `json:"status"`
	// Delivered: delivered at least once.
	Delivered bool `json:"delivered"`
	// Consumer holds the lease of an in-flight message.
	Consumer string `json:"consumer,omitempty"`
	// Expires is the number of ticks left on an in-flight message's lease.
	Expires int `json:"expires,omitempty"`
}

// Delivery is a message handed to a consumer.
type Delivery struct {
	ID string `json:"id"`
	// Redelivered: the message was delivered before.
	Redelivered bool `json:"redelivered"`
}

// Errors the broker refuses operations with. A refused operation changes
// nothing.
var (
	ErrQuota       = errors.New("the producer has published its quota of messages")
	ErrNoProducer  = errors.New("the producer name is empty")
	ErrNoConsumer  = errors.New("the consumer name is empty")
	ErrEmpty       = errors.New("no message is ready")
	ErrBusy        = errors.New("the consumer already holds a lease")
	ErrUnknown     = errors.New("no such message")
	ErrNotInFlight = errors.New("the message is not in flight to this consumer")
	ErrNoLease     = errors.New("the consumer holds no lease")
)

// record is a message as the durable file holds it.
type record struct {
	ID        string `json:"id"`
	Producer  string `json:"producer"`
	Seq       int    `json:"seq"`
	Delivered bool   `json:"delivered"`
	Acked     bool   `json:"acked"`
}

// durable is the content of the durable file. The Python broker writes the
// same format.
type durable struct {
	// Published counts each producer's published messages.
	Published map[string]int `json:"published"`
	// Messages are in publish order.
	Messages []record `json:"messages"`
}

// lease is a delivery not yet acked; leases live in memory only.
type lease struct {
	consumer string
	expires  int // the tick at which it runs out
}

// Broker is a message queue with at-least-once delivery. Every change to
// its messages is written to its durable file before the operation
// returns; leases are kept in memory only, so a restarted broker makes
// every unacked message deliverable again. It is safe for concurrent use.
type Broker struct {
	opts   Options
	path   string
	mu     sync.Mutex
	state  durable
	leases map[string]lease // by message ID
}

// Open starts a broker on opts.Dir, recovering the messages its durable
// file holds, if any.
func Open(opts Options) (*Broker, error) {
	if opts.Lease < 1 {
		return nil, fmt.Errorf("broker: lease is %d ticks, want at least 1", opts.Lease)
	}
	if opts.Clock == nil {
		opts.Clock = &ManualClock{}
	}
	b := &Broker{opts: opts, path: filepath.Join(opts.Dir, FileName), leases: map[string]lease{}}
	data, err := os.ReadFile(b.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		b.state = durable{Published: map[string]int{}}
		return b, b.save()
	case err != nil:
		return nil, fmt.Errorf("broker: %w", err)
	}
	if err := json.Unmarshal(data, &b.state); err != nil {
		return nil, fmt.Errorf("broker: %s: %w", b.path, err)
	}
	if b.state.Published == nil {
		b.state.Published = map[string]int{}
	}
	if opts.Bugs.DropInFlight {
		b.state.Messages = slices.DeleteFunc(b.state.Messages, func(r record) bool { return r.Delivered && !r.Acked })
	}
	return b, nil
}

// save writes the durable state through a temporary file and a rename, so
// that a crash leaves the old file or the new one. It does not fsync: the
// fault it survives is the process's crash, after which the kernel still
// has every byte written.
func (b *Broker) save() error {
	st := b.state
	if b.opts.Bugs.ForgetAck {
		st.Messages = slices.Clone(st.Messages)
		for i := range st.Messages {
			st.Messages[i].Acked = false
		}
	}
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("broker: encode the state: %w", err)
	}
	tmp := b.path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("broker: %w", err)
	}
	if err := os.Rename(tmp, b.path); err != nil {
		return fmt.Errorf("broker: %w", err)
	}
	return nil
}

// commit saves next as the durable state, and keeps it if that worked.
func (b *Broker) commit(next durable) error {
	old := b.state
	b.state = next
	if err := b.save(); err != nil {
		b.state = old
		return err
	}
	return nil
}

// clone returns a deep copy of the durable state.
func (b *Broker) clone() durable {
	return durable{Published: maps.Clone(b.state.Published), Messages: slices.Clone(b.state.Messages)}
}

// expire ends the leases whose time has come. Leases expire lazily: every
// operation that looks at them calls it first (Deliver, Ack, Disconnect,
// Messages and Check); a Tick only moves the clock.
func (b *Broker) expire() {
	now := b.opts.Clock.Now()
	for id, l := range b.leases {
		if now >= l.expires {
			delete(b.leases, id)
		}
	}
}

// Publish appends producer's next message and returns its ID, producer.N
// for its N-th message.
func (b *Broker) Publish(producer string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if producer == "" {
		return "", ErrNoProducer
	}
	n := b.state.Published[producer] + 1
	if b.opts.Quota > 0 && n > b.opts.Quota {
		return "", fmt.Errorf("%w (%d)", ErrQuota, b.opts.Quota)
	}
	next := b.clone()
	next.Published[producer] = n
	id := fmt.Sprintf("%s.%d", producer, n)
	next.Messages = append(next.Messages, record{ID: id, Producer: producer, Seq: n})
	if err := b.commit(next); err != nil {
		return "", err
	}
	return id, nil
}

// ready reports whether the message r is deliverable.
func (b *Broker) ready(r record) bool {
	_, leased := b.leases[r.ID]
	return !r.Acked && !leased
}

// Deliver leases the oldest ready message, in publish order, to consumer
// for the broker's lease, and returns it. A consumer holds one lease at a
// time.
func (b *Broker) Deliver(consumer string) (Delivery, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.expire()
	if consumer == "" {
		return Delivery{}, ErrNoConsumer
	}
	for _, l := range b.leases {
		if l.consumer == consumer {
			return Delivery{}, ErrBusy
		}
	}
	i := slices.IndexFunc(b.state.Messages, b.ready)
	if b.opts.Bugs.LIFO {
		for j := len(b.state.Messages) - 1; j >= 0; j-- {
			if b.ready(b.state.Messages[j]) {
				i = j
				break
			}
		}
	}
	if i < 0 {
		return Delivery{}, ErrEmpty
	}
	r := b.state.Messages[i]
	if !r.Delivered {
		next := b.clone()
		next.Messages[i].Delivered = true
		if err := b.commit(next); err != nil {
			return Delivery{}, err
		}
	}
	b.leases[r.ID] = lease{consumer: consumer, expires: b.opts.Clock.Now() + b.opts.Lease}
	return Delivery{ID: r.ID, Redelivered: r.Delivered}, nil
}

// Ack acknowledges message id on behalf of consumer, which must hold its
// lease. The message is never delivered again.
func (b *Broker) Ack(consumer, id string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.opts.Bugs.AckExpired {
		b.expire()
	}
	i := slices.IndexFunc(b.state.Messages, func(r record) bool { return r.ID == id })
	if i < 0 {
		return fmt.Errorf("%w: %q", ErrUnknown, id)
	}
	l, leased := b.leases[id]
	if !leased || l.consumer != consumer && !b.opts.Bugs.AckAny {
		return fmt.Errorf("%w: %s, %s", ErrNotInFlight, id, consumer)
	}
	next := b.clone()
	next.Messages[i].Acked = true
	if err := b.commit(next); err != nil {
		return err
	}
	delete(b.leases, id)
	return nil
}

// Disconnect is consumer's connection closing, as when the consumer
// crashes: the broker ends its lease at once, so that its message is
// ready again. (A consumer that hangs instead keeps its connection, and its
// lease runs out on its own.) The broker knows a consumer only while it
// holds a lease, and refuses the disconnection of any other.
func (b *Broker) Disconnect(consumer string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.expire()
	found := false
	for id, l := range b.leases {
		if l.consumer == consumer {
			delete(b.leases, id)
			found = true
		}
	}
	if !found {
		return fmt.Errorf("%w: %s", ErrNoLease, consumer)
	}
	return nil
}

// Reset empties the broker and its durable file.
func (b *Broker) Reset() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.commit(durable{Published: map[string]int{}}); err != nil {
		return err
	}
	clear(b.leases)
	return nil
}

// Messages returns every message in publish order.
func (b *Broker) Messages() []Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.expire()
	now := b.opts.Clock.Now()
	out := make([]Message, 0, len(b.state.Messages))
	for _, r := range b.state.Messages {
		m := Message{ID: r.ID, Status: Ready, Delivered: r.Delivered}
		if l, ok := b.leases[r.ID]; ok {
			m.Status, m.Consumer, m.Expires = InFlight, l.consumer, l.expires-now
		}
		if r.Acked {
			m.Status = Acked
		}
		out = append(out, m)
	}
	return out
}

// Check verifies the broker's guarantees on its own state and returns
// every violation:
//
//   - no message is lost: each producer's messages are all in the log,
//     numbered 1 to the count it published;
//   - no acked message is leased, so none can be delivered again;
//   - each producer's messages were first delivered in publish order: the
//     delivered ones come first;
//   - a consumer holds at most one lease, and no lease outlives the lease
//     time.
func (b *Broker) Check() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.expire()
	var errs []error
	seqs := map[string][]int{}
	delivered := map[string]int{} // producer -> seq of the last delivered message
	byID := map[string]record{}
	for _, r := range b.state.Messages {
		seqs[r.Producer] = append(seqs[r.Producer], r.Seq)
		byID[r.ID] = r
		if r.Delivered {
			if r.Seq != delivered[r.Producer]+1 {
				errs = append(errs, fmt.Errorf("%s was delivered before %s.%d", r.ID, r.Producer, delivered[r.Producer]+1))
			}
			delivered[r.Producer] = r.Seq
		}
	}
	for _, p := range slices.Sorted(maps.Keys(b.state.Published)) {
		for k := 1; k <= b.state.Published[p]; k++ {
			if !slices.Contains(seqs[p], k) {
				errs = append(errs, fmt.Errorf("message %s.%d is lost: %s published %d messages, the log has %d", p, k, p, b.state.Published[p], len(seqs[p])))
			}
		}
	}
	holders := map[string]string{}
	now := b.opts.Clock.Now()
	for _, id := range slices.Sorted(maps.Keys(b.leases)) {
		l := b.leases[id]
		r, ok := byID[id]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("a lease names %s, which is not in the log", id))
		case r.Acked:
			errs = append(errs, fmt.Errorf("%s is acked and leased to %s: it could be delivered again", id, l.consumer))
		}
		if other, ok := holders[l.consumer]; ok {
			errs = append(errs, fmt.Errorf("%s holds two leases, %s and %s", l.consumer, other, id))
		}
		holders[l.consumer] = id
		if l.expires-now > b.opts.Lease {
			errs = append(errs, fmt.Errorf("the lease of %s runs %d ticks, more than %d", id, l.expires-now, b.opts.Lease))
		}
	}
	return errors.Join(errs...)
}
