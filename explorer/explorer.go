package explorer

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mbtgo/mbt/internal/codec"
	"github.com/mbtgo/mbt/internal/memory"
	"github.com/mbtgo/mbt/model"
)

// ErrNoModel is returned when Explore is given a nil or unbuilt model.
var ErrNoModel = errors.New("explorer: model is nil or was not built")

// Explore walks the state space of m as opts say and returns what it found.
// Running out of a budget (states, depth, time, memory) or a canceled ctx
// ends the walk with a partial Result whose Status is Incomplete; the error
// is for options that make no sense and internal faults. Panics in the
// model's code are recovered and reported as violations.
func Explore[S any](ctx context.Context, m *model.Model[S], opts Options) (*Result[S], error) {
	if m == nil || len(m.Init) == 0 || len(m.Actions) == 0 {
		return nil, ErrNoModel
	}
	c, err := codec.For[S]()
	if err != nil {
		return nil, fmt.Errorf("explorer: model %s: %w", m.Name, err)
	}
	if opts.Workers < 0 || opts.MaxStates < 0 || opts.MaxDepth < 0 || opts.MaxTime < 0 || opts.MaxMemory < 0 || opts.Walks < 0 {
		return nil, fmt.Errorf("explorer: negative limit in options")
	}
	r := newRun(m, c, opts)
	r.start(ctx)
	switch opts.Strategy {
	case BFS:
		r.bfs()
	case DFS:
		r.workers = 1
		r.dfs()
	case Random:
		r.random()
	default:
		r.finish()
		return nil, fmt.Errorf("explorer: unknown strategy %v", opts.Strategy)
	}
	return r.finish(), nil
}

// run is the state of one exploration shared by its workers.
type run[S any] struct {
	m       *model.Model[S]
	codec   *codec.Codec[S]
	opts    Options
	acts    []*model.Action[S]
	offsets []int // offsets[a] is the global id of action a's choice 0
	ids     int   // number of global ids
	// idAct and idChoice map a global id to its action and choice.
	idAct    []int32
	idChoice []int32
	workers  int

	// set by the monitor or a worker to stop everyone: a Reason, or -1 for
	// a violation.
	stop atomic.Int32

	distinct    atomic.Int64
	transitions atomic.Int64
	pruned      atomic.Int64
	depth       atomic.Int64
	queue       atomic.Int64
	walks       atomic.Int64
	reserved    atomic.Int64 // distinct states promised, for MaxStates
	memory      atomic.Int64 // the process's memory at the last sample
	peakMemory  atomic.Int64 // the most of all samples

	began   time.Time
	elapsed time.Duration
	done    chan struct{}
	wg      sync.WaitGroup

	mu         sync.Mutex
	violations []*Violation[S]
	vorder     []int64 // order key of each violation, smallest wins
	reason     Reason
	tableBytes int64
	fired      []int64
	guardFalse []int64
}

const stopViolation = -1

func newRun[S any](m *model.Model[S], c *codec.Codec[S], opts Options) *run[S] {
	r := &run[S]{m: m, codec: c, opts: opts, acts: m.Actions}
	r.offsets = make([]int, len(r.acts))
	for i, a := range r.acts {
		r.offsets[i] = r.ids
		r.ids += a.Choices
		for c := range a.Choices {
			r.idAct = append(r.idAct, int32(i))
			r.idChoice = append(r.idChoice, int32(c))
		}
	}
	r.workers = opts.Workers
	if r.workers == 0 {
		r.workers = runtime.GOMAXPROCS(0)
	}
	r.fired = make([]int64, r.ids)
	r.guardFalse = make([]int64, len(r.acts))
	return r
}

// action returns the action index and choice of a global id.
func (r *run[S]) action(id int) (int, int) {
	return int(r.idAct[id]), int(r.idChoice[id])
}

// monitorTick is how often the monitor checks the limits and samples the
// process's memory.
const monitorTick = 50 * time.Millisecond

// sampleMemory measures the memory the process holds (package
// internal/memory) and records it as the current figure and, if it is the
// most so far, as the peak.
func (r *run[S]) sampleMemory() int64 {
	n := memory.Resident()
	r.memory.Store(n)
	for {
		p := r.peakMemory.Load()
		if n <= p || r.peakMemory.CompareAndSwap(p, n) {
			return n
		}
	}
}

// start launches the monitor: limits, cancellation, memory samples and
// progress.
func (r *run[S]) start(ctx context.Context) {
	r.began = time.Now()
	r.done = make(chan struct{})
	r.sampleMemory()
	interval := r.opts.ProgressInterval
	if interval <= 0 {
		interval = time.Second
	}
	tick := monitorTick
	if interval < tick {
		tick = interval
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		t := time.NewTicker(tick)
		defer t.Stop()
		lastProgress := time.Now()
		for {
			select {
			case <-r.done:
				return
			case <-ctx.Done():
				r.halt(Canceled)
				return
			case now := <-t.C:
				if r.opts.MaxTime > 0 && now.Sub(r.began) >= r.opts.MaxTime {
					r.halt(TimeLimit)
				}
				if n := r.sampleMemory(); r.opts.MaxMemory > 0 && n > r.opts.MaxMemory {
					r.halt(MemoryLimit)
				}
				if r.opts.Progress != nil && now.Sub(lastProgress) >= interval {
					lastProgress = now
					r.opts.Progress(r.progress(false))
				}
			}
		}
	}()
}

// halt asks every worker to stop for reason, unless something stopped them
// first.
func (r *run[S]) halt(reason Reason) {
	r.stop.CompareAndSwap(0, int32(reason))
}

func (r *run[S]) stopped() bool { return r.stop.Load() != 0 }

func (r *run[S]) progress(done bool) Progress {
	el := time.Since(r.began)
	if done {
		el = r.elapsed
	}
	p := Progress{
		Distinct:    r.distinct.Load(),
		Transitions: r.transitions.Load(),
		Depth:       int(r.depth.Load()),
		Queue:       r.queue.Load(),
		Elapsed:     el,
		Memory:      r.memory.Load(),
		Done:        done,
	}
	if el > 0 {
		p.StatesPerSec = float64(p.Distinct) / el.Seconds()
	}
	return p
}

// finish stops the monitor and assembles the result.
func (r *run[S]) finish() *Result[S] {
	r.elapsed = time.Since(r.began)
	close(r.done)
	r.wg.Wait()
	r.sampleMemory()
	res := &Result[S]{
		Model:    r.m.Name,
		Strategy: r.opts.Strategy.String(),
		Stats: Stats{
			Distinct:    r.distinct.Load(),
			Transitions: r.transitions.Load(),
			Pruned:      r.pruned.Load(),
			MaxDepth:    int(r.depth.Load()),
			Queue:       r.queue.Load(),
			Walks:       r.walks.Load(),
			Elapsed:     r.elapsed,
			TableBytes:  r.tableBytes,
			PeakMemory:  r.peakMemory.Load(),
			Workers:     r.workers,
		},
		Violations: r.violations,
		Coverage:   coverage(r.acts, r.offsets, r.fired, r.guardFalse),
	}
	if r.elapsed > 0 {
		res.Stats.StatesPerSec = float64(res.Stats.Distinct) / r.elapsed.Seconds()
	}
	switch {
	case len(r.violations) > 0:
		res.Status = Violated
	case r.reason != NoReason:
		res.Status, res.Reason = Incomplete, r.reason
	default:
		if s := r.stop.Load(); s > 0 {
			res.Status, res.Reason = Incomplete, Reason(s)
		}
	}
	if r.opts.Progress != nil {
		r.opts.Progress(r.progress(true))
	}
	return res
}

// report records a violation found at order key; the smallest key wins so
// that results do not depend on which worker got there first.
func (r *run[S]) report(key int64, v *Violation[S]) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stop.Store(stopViolation)
	if len(r.violations) == 0 || key < r.vorder[0] {
		r.violations = []*Violation[S]{v}
		r.vorder = []int64{key}
	}
}

// merge adds a worker's coverage counters.
func (r *run[S]) merge(w *worker[S]) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, n := range w.fired {
		r.fired[i] += n
	}
	for i, n := range w.guardFalse {
		r.guardFalse[i] += n
	}
}
