package fault

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Direction of traffic on a proxied link.
type Direction int

const (
	// ToTarget is the bytes the connecting side (the client) sends to the
	// target: requests.
	ToTarget Direction = iota
	// FromTarget is the bytes the target sends back: responses.
	FromTarget
)

// String returns "ToTarget" or "FromTarget".
func (d Direction) String() string {
	switch d {
	case ToTarget:
		return "ToTarget"
	case FromTarget:
		return "FromTarget"
	}
	return fmt.Sprintf("Direction(%d)", int(d))
}

// check panics on a Direction that is neither ToTarget nor FromTarget.
func (d Direction) check() {
	if d != ToTarget && d != FromTarget {
		panic(fmt.Sprintf("fault: invalid %v: use fault.ToTarget or fault.FromTarget", d))
	}
}

// Mode says what a [Proxy] does with the traffic of one direction. The mode
// is read for every chunk of bytes when the chunk is due to be forwarded,
// that is after the direction's delay (see [Proxy.Delay]), so a change
// applies to open connections from their next chunk, including chunks that
// are being delayed: like packets in flight, they are lost when a partition
// starts.
//
// The end of a stream (a half-close, FIN) travels like a chunk: it is passed
// on in Pass, lost in Drop, and resets the connection in Cut.
type Mode int

const (
	// Pass forwards the bytes, after the direction's delay if any.
	Pass Mode = iota
	// Drop discards the bytes silently and keeps the connection open: a
	// black hole. The sender learns of it only by its own timeout.
	//
	// In ToTarget, a connection accepted while the mode is Drop is accepted
	// and read, but the target is not dialed: the target never sees it. If
	// the mode becomes Pass later, the proxy dials the target when the next
	// chunk is forwarded. In FromTarget, the target's replies are read and
	// discarded: the target has done the work, the client never hears of it.
	Drop
	// Cut discards the bytes and resets the connection at once: a TCP RST
	// to the client and a close to the target. The sender gets an error
	// right away.
	//
	// In ToTarget, a connection accepted while the mode is Cut is reset
	// without dialing the target; on an open connection, the next bytes
	// from the client are discarded and the connection is reset, so the
	// target never sees them. In FromTarget, the request still reaches the
	// target, and when the first bytes of its response reach the proxy,
	// they are discarded and the client's connection is reset: the target
	// has processed the request and the client gets an error. This makes
	// "the request arrived but the reply was lost" deterministic.
	//
	// Cut does not touch idle connections: they are reset when they next
	// carry bytes in that direction. Use [Proxy.ResetConns] to reset them
	// all now.
	Cut
)

// String returns "Pass", "Drop" or "Cut".
func (m Mode) String() string {
	switch m {
	case Pass:
		return "Pass"
	case Drop:
		return "Drop"
	case Cut:
		return "Cut"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Stats are a Proxy's counters since NewProxy.
type Stats struct {
	Conns     int      // connections accepted
	Forwarded [2]int64 // bytes forwarded, by Direction
	Dropped   [2]int64 // bytes discarded (by Drop or Cut), by Direction
	Cuts      int      // connections reset by Cut or ResetConns
	// Refused counts connections the proxy reset because it could not
	// dial the target (the node is down).
	Refused int
}

const (
	chunkSize    = 32 << 10
	queueLen     = 16
	dialTimeout  = 5 * time.Second
	closeTimeout = 10 * time.Second
)

var chunkPool = sync.Pool{New: func() any { b := make([]byte, chunkSize); return &b }}

// A Proxy is a TCP proxy for one link that a test controls. It listens on
// a loopback port and forwards every connection it accepts to its target,
// applying each direction's [Mode] and delay to every chunk of bytes.
//
// Each connection has, per direction, a goroutine that reads chunks and
// one that forwards them in order, so a delay holds bytes without
// reordering them and a slow reader slows its sender (TCP backpressure).
//
// A Proxy is safe for concurrent use. [Proxy.Close] stops it and waits for
// all its goroutines.
type Proxy struct {
	ln    net.Listener
	mode  [2]atomic.Int32
	delay [2]atomic.Int64
	fwd   [2]atomic.Int64
	drop  [2]atomic.Int64
	wg    sync.WaitGroup

	mu       sync.Mutex
	target   string
	conns    map[*pconn]struct{}
	closed   bool
	accepted int
	cuts     int
	refused  int
}

// NewProxy listens on 127.0.0.1:0 and forwards each accepted connection to
// target, a host:port. All directions start in Pass with no delay.
func NewProxy(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fault: proxy to %s: %w", target, err)
	}
	p := &Proxy{ln: ln, target: target, conns: make(map[*pconn]struct{})}
	p.wg.Go(p.accept)
	return p, nil
}

// Addr is the host:port clients dial instead of the target.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Target is the address new connections are forwarded to.
func (p *Proxy) Target() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.target
}

// SetTarget makes new connections go to addr, for a node restarted on
// another port. Open connections keep their target; a connection accepted
// in Drop mode and not yet dialed dials addr.
func (p *Proxy) SetTarget(addr string) {
	p.mu.Lock()
	p.target = addr
	p.mu.Unlock()
}

// Set sets the mode of direction dir. It applies to open connections too,
// from their next chunk of bytes; see [Mode].
func (p *Proxy) Set(dir Direction, m Mode) {
	dir.check()
	if m != Pass && m != Drop && m != Cut {
		panic(fmt.Sprintf("fault: Proxy.Set: invalid %v", m))
	}
	p.mode[dir].Store(int32(m))
}

// Mode returns the mode of direction dir.
func (p *Proxy) Mode(dir Direction) Mode {
	dir.check()
	return Mode(p.mode[dir].Load())
}

// Delay holds each chunk of bytes in direction dir for d after the proxy
// reads it, before it is forwarded (or dropped, by the mode at that time).
// Order is kept: a chunk never overtakes an earlier one. The delay of a
// chunk is fixed when the chunk is read; d <= 0 means no delay.
func (p *Proxy) Delay(dir Direction, d time.Duration) {
	dir.check()
	p.delay[dir].Store(int64(max(d, 0)))
}

// Heal sets both directions to Pass with no delay.
func (p *Proxy) Heal() {
	for dir := range 2 {
		p.mode[dir].Store(int32(Pass))
		p.delay[dir].Store(0)
	}
}

// ResetConns resets every open connection, both sides, with a TCP RST
// (SetLinger(0) then Close), and returns how many it reset. New
// connections are not affected.
func (p *Proxy) ResetConns() int {
	n := 0
	for _, c := range p.snapshot() {
		if c.close(true, true) {
			n++
		}
	}
	p.mu.Lock()
	p.cuts += n
	p.mu.Unlock()
	return n
}

// Stats returns the proxy's counters since NewProxy.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	s := Stats{Conns: p.accepted, Cuts: p.cuts, Refused: p.refused}
	p.mu.Unlock()
	for dir := range 2 {
		s.Forwarded[dir] = p.fwd[dir].Load()
		s.Dropped[dir] = p.drop[dir].Load()
	}
	return s
}

// Close stops listening, closes every connection and waits for all the
// proxy's goroutines to exit (at most 10 s; it then returns an error).
// Closing a closed Proxy returns nil.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	p.mu.Unlock()
	err := p.ln.Close()
	for _, c := range p.snapshot() {
		c.close(false, false)
	}
	if !waitTimeout(&p.wg, closeTimeout) {
		return fmt.Errorf("fault: close proxy %s: goroutines still running after %v", p.Addr(), closeTimeout)
	}
	if err != nil {
		return fmt.Errorf("fault: close proxy %s: %w", p.Addr(), err)
	}
	return nil
}

// waitTimeout waits for wg, at most d, and reports whether it finished.
func waitTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

func (p *Proxy) snapshot() []*pconn {
	p.mu.Lock()
	defer p.mu.Unlock()
	cs := make([]*pconn, 0, len(p.conns))
	for c := range p.conns {
		cs = append(cs, c)
	}
	return cs
}

func (p *Proxy) accept() {
	backoff := 5 * time.Millisecond
	for {
		nc, err := p.ln.Accept()
		if err != nil {
			p.mu.Lock()
			closed := p.closed
			p.mu.Unlock()
			if closed || errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors and the like: wait and retry.
			time.Sleep(backoff)
			backoff = min(2*backoff, time.Second)
			continue
		}
		backoff = 5 * time.Millisecond
		p.handle(nc.(*net.TCPConn))
	}
}

// handle registers an accepted connection and starts its goroutines.
func (p *Proxy) handle(client *net.TCPConn) {
	ctx, cancel := context.WithCancel(context.Background())
	c := &pconn{p: p, client: client, ctx: ctx, cancel: cancel}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		cancel()
		client.Close()
		return
	}
	p.accepted++
	p.conns[c] = struct{}{}
	m := p.Mode(ToTarget)
	if m == Cut {
		p.cuts++
	}
	p.mu.Unlock()
	switch m {
	case Cut:
		c.close(true, false)
		return
	case Pass:
		c.dialNow = true
	}
	c.queue[ToTarget] = make(chan chunk, queueLen)
	p.wg.Go(func() { c.read(ToTarget, client) })
	p.wg.Go(c.forwardToTarget)
}

// chunk is a piece of a stream on its way through the proxy.
type chunk struct {
	buf *[]byte // from chunkPool; nil at the end of the stream
	n   int
	due time.Time
}

// pconn is one proxied connection.
type pconn struct {
	p       *Proxy
	client  *net.TCPConn
	ctx     context.Context // done when the connection is closed
	cancel  context.CancelFunc
	queue   [2]chan chunk
	dialNow bool
	once    sync.Once

	mu     sync.Mutex
	target *net.TCPConn // nil until dialed
	ended  [2]bool      // direction finished cleanly (end of stream handled)
	closed bool
}

// read reads chunks from src and queues them for direction dir.
func (c *pconn) read(dir Direction, src *net.TCPConn) {
	for {
		buf := chunkPool.Get().(*[]byte)
		n, err := src.Read(*buf)
		if n > 0 {
			ch := chunk{buf: buf, n: n, due: time.Now().Add(time.Duration(c.p.delay[dir].Load()))}
			select {
			case c.queue[dir] <- ch:
			case <-c.ctx.Done():
				chunkPool.Put(buf)
				return
			}
		} else {
			chunkPool.Put(buf)
		}
		if err != nil {
			if c.ctx.Err() != nil {
				return
			}
			if !errors.Is(err, io.EOF) {
				// The peer reset or failed: pass the failure on.
				c.close(true, true)
				return
			}
			select {
			case c.queue[dir] <- chunk{due: time.Now().Add(time.Duration(c.p.delay[dir].Load()))}:
			case <-c.ctx.Done():
			}
			return
		}
	}
}

// forwardToTarget forwards the client's chunks to the target, dialing it
// first, or when the first chunk is forwarded if the connection was
// accepted in Drop mode.
func (c *pconn) forwardToTarget() {
	if c.dialNow && !c.dial() {
		return
	}
	c.forward(ToTarget)
}

// dial dials the target and starts the FromTarget goroutines. On failure
// it resets the client's connection and returns false.
func (c *pconn) dial() bool {
	p := c.p
	d := net.Dialer{Timeout: dialTimeout}
	nc, err := d.DialContext(c.ctx, "tcp", p.Target())
	if err != nil {
		if c.ctx.Err() == nil {
			p.mu.Lock()
			p.refused++
			p.mu.Unlock()
			c.close(true, false)
		}
		return false
	}
	t := nc.(*net.TCPConn)
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		t.Close()
		return false
	}
	c.target = t
	c.queue[FromTarget] = make(chan chunk, queueLen)
	c.mu.Unlock()
	p.wg.Go(func() { c.read(FromTarget, t) })
	p.wg.Go(func() { c.forward(FromTarget) })
	return true
}

// forward takes the chunks of direction dir in order, waits until each is
// due, and applies the direction's mode at that time.
func (c *pconn) forward(dir Direction) {
	p := c.p
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		var ch chunk
		select {
		case ch = <-c.queue[dir]:
		case <-c.ctx.Done():
			return
		}
		if wait := time.Until(ch.due); wait > 0 {
			if timer == nil {
				timer = time.NewTimer(wait)
			} else {
				timer.Reset(wait)
			}
			select {
			case <-timer.C:
			case <-c.ctx.Done():
				ch.free()
				return
			}
		}
		switch Mode(p.mode[dir].Load()) {
		case Pass:
			if ch.buf == nil {
				c.endOfStream(dir, true)
				return
			}
			dst := c.client
			if dir == ToTarget {
				c.mu.Lock()
				dst = c.target
				c.mu.Unlock()
				if dst == nil {
					if !c.dial() {
						ch.free()
						return
					}
					c.mu.Lock()
					dst = c.target
					c.mu.Unlock()
				}
			}
			n, err := dst.Write((*ch.buf)[:ch.n])
			p.fwd[dir].Add(int64(n))
			ch.free()
			if err != nil {
				c.close(true, true)
				return
			}
		case Drop:
			if ch.buf == nil {
				c.endOfStream(dir, false)
				return
			}
			p.drop[dir].Add(int64(ch.n))
			ch.free()
		case Cut:
			p.drop[dir].Add(int64(ch.n))
			ch.free()
			p.mu.Lock()
			p.cuts++
			p.mu.Unlock()
			c.close(true, false)
			return
		}
	}
}

func (ch chunk) free() {
	if ch.buf != nil {
		chunkPool.Put(ch.buf)
	}
}

// endOfStream handles the end of direction dir: pass says whether to pass
// the half-close on. When both directions have ended (or the target was
// never dialed), the connection is closed.
func (c *pconn) endOfStream(dir Direction, pass bool) {
	c.mu.Lock()
	c.ended[dir] = true
	t := c.target
	all := c.ended[ToTarget] && (c.ended[FromTarget] || t == nil)
	c.mu.Unlock()
	if all {
		c.close(false, false)
		return
	}
	if pass {
		if dir == ToTarget {
			t.CloseWrite()
		} else {
			c.client.CloseWrite()
		}
	}
}

// close closes both sides of the connection, with an RST to the client
// and to the target as asked, and reports whether this call closed it.
func (c *pconn) close(rstClient, rstTarget bool) bool {
	did := false
	c.once.Do(func() {
		did = true
		c.cancel()
		if rstClient {
			c.client.SetLinger(0)
		}
		c.client.Close()
		c.mu.Lock()
		t := c.target
		c.closed = true
		c.mu.Unlock()
		if t != nil {
			if rstTarget {
				t.SetLinger(0)
			}
			t.Close()
		}
		c.p.mu.Lock()
		delete(c.p.conns, c)
		c.p.mu.Unlock()
	})
	return did
}
