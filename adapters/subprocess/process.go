package subprocess

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// stderrSize is how much of the program's standard error is kept.
	stderrSize = 4 << 10
	// maxOutput bounds a response line, and the output waiting to be read.
	maxOutput = 16 << 20
	// killWait bounds the wait for a killed program to be reaped.
	killWait = 5 * time.Second
	// drainWait bounds the wait, after the program exited, for its
	// standard output and error to reach EOF (a child it left behind
	// outside its process group may hold them open).
	drainWait = time.Second
)

// proc is one run of the program.
type proc struct {
	cmd   *exec.Cmd
	stdin *os.File
	out   lineQueue
	tail  tail

	// exited is closed when the program has exited and been reaped; state
	// is set before.
	exited chan struct{}
	state  *os.ProcessState
	// drained is closed when, in addition, both readers have ended.
	drained chan struct{}

	// crashed is set by Crash, killed when mbt killed the program after a
	// protocol error, so messages can tell who ended it.
	crashed, killed atomic.Bool

	// Owned by the conversation (Adapter.reqMu):
	nextID int64
	hello  *Response // the answer to hello, nil before
}

// spawn starts the program with pipes for its standard streams and the
// goroutines that read them and reap it. log, when not nil, gets a copy of
// its standard error.
func spawn(command string, args []string, opts Options, log io.Writer) (p *proc, err error) {
	cmd := exec.Command(command, args...)
	cmd.Dir = opts.Dir
	cmd.Env = append(os.Environ(), opts.Env...)
	setProcAttr(cmd)
	var files []*os.File // to close on failure
	defer func() {
		if err != nil {
			for _, f := range files {
				f.Close()
			}
		}
	}()
	pipe := func() (r, w *os.File, err error) {
		r, w, err = os.Pipe()
		if err == nil {
			files = append(files, r, w)
		}
		return r, w, err
	}
	inR, inW, err := pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := pipe()
	if err != nil {
		return nil, err
	}
	errR, errW, err := pipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, errW
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	// The child has its own copies; ours would keep its stdout and
	// stderr from ever reaching EOF.
	inR.Close()
	outW.Close()
	errW.Close()

	p = &proc{
		cmd:     cmd,
		stdin:   inW,
		exited:  make(chan struct{}),
		drained: make(chan struct{}),
	}
	p.out.ready = make(chan struct{}, 1)
	readers := make(chan struct{}, 2)
	go func() {
		defer func() { readers <- struct{}{} }()
		p.out.read(outR)
	}()
	go func() {
		defer func() { readers <- struct{}{} }()
		p.tail.read(errR, log)
	}()
	go p.reap(outR, errR, readers)
	return p, nil
}

// reap waits for the program to exit, then for its output to drain.
func (p *proc) reap(outR, errR *os.File, readers chan struct{}) {
	_ = p.cmd.Wait() // the exit status is in ProcessState
	p.state = p.cmd.ProcessState
	// Whatever the program left running in its group goes with it.
	killGroup(p.cmd)
	close(p.exited)
	timer := time.NewTimer(drainWait)
	defer timer.Stop()
	for range 2 {
		select {
		case <-readers:
		case <-timer.C:
			// Something outside the group holds the pipes open: stop
			// reading them. Close interrupts a pending Read.
			outR.Close()
			errR.Close()
			<-readers
		}
	}
	p.stdin.Close()
	close(p.drained)
}

// isExited reports whether the program has exited, without waiting.
func (p *proc) isExited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

// kill kills the program's process group and waits, a bounded time, for
// it to be reaped.
func (p *proc) kill() error {
	if p.isExited() {
		return nil
	}
	killGroup(p.cmd)
	select {
	case <-p.exited:
		return nil
	case <-time.After(killWait):
		return fmt.Errorf("pid %d did not die within %v of SIGKILL", p.cmd.Process.Pid, killWait)
	}
}

// status describes how the program ended: "exit status 2",
// "signal: killed, sent by Crash". Call it after exited is closed.
func (p *proc) status() string {
	s := "no exit status"
	if p.state != nil {
		s = p.state.String()
	}
	switch {
	case p.crashed.Load():
		s += ", sent by Crash"
	case p.killed.Load():
		s += ", sent by mbt"
	}
	return s
}

// waitDrained waits, a bounded time, for the readers to end, so that
// everything the program wrote to stderr is in the tail.
func (p *proc) waitDrained() {
	select {
	case <-p.drained:
	case <-time.After(drainWait + time.Second):
	}
}

// lineQueue holds the lines of the program's standard output until the
// conversation takes them. The reader never blocks on the conversation, so
// it ends as soon as the output reaches EOF.
type lineQueue struct {
	mu    sync.Mutex
	lines [][]byte
	size  int
	err   error // why reading stopped (io.EOF at the end); nil while reading
	// partial is the start of a line the program has not ended yet (for
	// messages, at most previewSize bytes), and partialLen its length.
	partial    []byte
	partialLen int
	// ready gets a token whenever a line arrives or reading stops.
	ready chan struct{}
}

// previewSize bounds what a message quotes of a line.
const previewSize = 200

// read reads r line by line until EOF, an error, or too much output. Lines
// that are empty or only white space are skipped. A last line without its
// newline at EOF is a line too.
func (q *lineQueue) read(r *os.File) {
	defer r.Close()
	buf := make([]byte, 64<<10)
	var partial []byte
	for {
		n, err := r.Read(buf)
		data := buf[:n]
		var perr error // too much output: stop reading
		for len(data) > 0 && perr == nil {
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				partial = append(partial, data...)
				data = nil
			} else {
				line := append(partial, data[:i]...)
				partial, data = nil, data[i+1:]
				perr = q.push(line)
			}
			if len(partial) > maxOutput {
				perr = fmt.Errorf("the program wrote a line longer than %d MiB to standard output", maxOutput>>20)
			}
		}
		if perr != nil {
			err = perr
		}
		if err != nil {
			if errors.Is(err, os.ErrClosed) {
				err = io.EOF
			}
			// A line the program began and never ended stays there for
			// messages (see pending), even once it is queued at EOF: mbt
			// may have killed the program because it waited for the end.
			q.setPartial(partial)
			if errors.Is(err, io.EOF) && len(partial) > 0 {
				if perr := q.push(partial); perr != nil {
					err = perr
				}
			}
			q.mu.Lock()
			q.err = err
			q.mu.Unlock()
			q.signal()
			return
		}
		q.setPartial(partial)
	}
}

// push queues a line, unless it is blank, and fails when too much output
// waits.
func (q *lineQueue) push(line []byte) error {
	if len(bytes.TrimSpace(line)) == 0 {
		return nil
	}
	q.mu.Lock()
	q.lines = append(q.lines, line)
	q.size += len(line)
	over := q.size > maxOutput
	q.mu.Unlock()
	q.signal()
	if over {
		return fmt.Errorf("the program wrote more than %d MiB to standard output that nobody asked for", maxOutput>>20)
	}
	return nil
}

// setPartial records the line the program has begun and not ended.
func (q *lineQueue) setPartial(partial []byte) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.partialLen = len(partial)
	q.partial = append(q.partial[:0], partial[:min(len(partial), previewSize)]...)
}

// pending describes the line the program has begun without ending it, or
// returns "".
func (q *lineQueue) pending() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(bytes.TrimSpace(q.partial)) == 0 {
		return ""
	}
	if q.partialLen > len(q.partial) {
		return fmt.Sprintf("%q… (%d bytes)", q.partial, q.partialLen)
	}
	return fmt.Sprintf("%q", q.partial)
}

func (q *lineQueue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// next returns the next line, or the reason reading stopped when there
// are no more lines, or neither when the conversation has to wait.
func (q *lineQueue) next() (line []byte, err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.lines) > 0 {
		line = q.lines[0]
		q.lines[0] = nil
		q.lines = q.lines[1:]
		q.size -= len(line)
		return line, nil
	}
	return nil, q.err
}

// tail keeps the last stderrSize bytes the program wrote to stderr.
type tail struct {
	mu  sync.Mutex
	buf []byte
	cut bool // bytes were dropped from the front
}

// read copies r into the tail, and into log when not nil, until EOF.
func (t *tail) read(r *os.File, log io.Writer) {
	defer r.Close()
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			t.write(buf[:n])
			if log != nil {
				log.Write(buf[:n])
			}
		}
		if err != nil {
			return
		}
	}
}

func (t *tail) write(b []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - stderrSize; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
		t.cut = true
	}
}

// String returns the kept bytes.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// lines returns the last n complete lines, without empty ones at the end.
func (t *tail) lines(n int) []string {
	t.mu.Lock()
	s, cut := string(t.buf), t.cut
	t.mu.Unlock()
	s = strings.TrimRight(s, "\r\n\t ")
	if s == "" {
		return nil
	}
	ls := strings.Split(s, "\n")
	if cut && len(ls) > 1 {
		ls = ls[1:] // the first line lost its beginning
	}
	if len(ls) > n {
		ls = ls[len(ls)-n:]
	}
	for i, l := range ls {
		ls[i] = strings.TrimRight(l, "\r")
	}
	return ls
}

// syncWriter serializes writes to w: after a restart, the old program's
// stderr reader may still be draining while the new one starts.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}
