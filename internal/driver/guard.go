package driver

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/internal/memory"
	"github.com/mbtgo/mbt/internal/panicstack"
	"github.com/mbtgo/mbt/model"
)

// The limits of an exploration and an interrupt hold while the model
// function runs, not only once it has returned: a model whose constants
// make it huge (twophase with RM=100000000) may allocate for minutes before
// the explorer gets it. The driver cannot stop the user's code, so it stops
// waiting for it: it reports what stopped it and exits.

// guardTick is how often the guard samples the memory the process holds,
// as the explorer's monitor does.
const guardTick = 50 * time.Millisecond

// buildStop says why the driver stopped waiting for the model function.
type buildStop struct {
	reason  explorer.Reason // TimeLimit, MemoryLimit or Canceled
	elapsed time.Duration   // how long the model function had run
	peak    int64           // the most memory the process held meanwhile
	limit   string          // the limit that was reached, as the user gave it
}

// line is the one-line outcome of an exploration stopped while building
// the model.
func (s *buildStop) line() string {
	if s.limit != "" {
		return fmt.Sprintf("incomplete: %s while building the model (%s); no state explored", s.reason, s.limit)
	}
	return fmt.Sprintf("incomplete: %s while building the model; no state explored", s.reason)
}

// build runs fn, which calls the user's model function, in a goroutine of
// its own and waits for it to return while it watches ctx and, for mbt
// explore, the time and memory limits; it shows progress while it waits
// as the exploration would. It returns nil when fn returned, and records
// how long it ran in x.built. Otherwise it returns why it stopped waiting;
// fn is then still running.
func (x *exploration) build(ctx context.Context, fn func()) *buildStop {
	began := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	var maxTime time.Duration
	var maxMemory int64
	exploring := x.gen == nil && x.replay == nil
	if exploring {
		maxTime, maxMemory = x.opts.MaxTime, x.opts.MaxMemory
	}
	var deadline <-chan time.Time
	if maxTime > 0 {
		t := time.NewTimer(maxTime)
		defer t.Stop()
		deadline = t.C
	}
	tick := time.NewTicker(guardTick)
	defer tick.Stop()
	peak := memory.Resident()
	var p *progressLine
	var interval time.Duration
	if exploring {
		p, interval = x.progress()
	}
	lastProgress := began
	stop := func(reason explorer.Reason, limit string) *buildStop {
		select {
		case <-done:
			// fn returned in the meantime: the exploration takes over, and
			// its monitor sees the same limit or interrupt at once.
			return nil
		default:
		}
		if p != nil {
			p.clear()
		}
		return &buildStop{reason: reason, elapsed: time.Since(began), peak: max(peak, memory.Resident()), limit: limit}
	}
	for {
		select {
		case <-done:
			if p != nil {
				p.clear()
			}
			x.built = time.Since(began)
			return nil
		case <-ctx.Done():
			if s := stop(explorer.Canceled, ""); s != nil {
				return s
			}
		case <-deadline:
			if s := stop(explorer.TimeLimit, maxTime.String()); s != nil {
				return s
			}
		case now := <-tick.C:
			n := memory.Resident()
			peak = max(peak, n)
			if maxMemory > 0 && n > maxMemory {
				if s := stop(explorer.MemoryLimit, byteSize(maxMemory)); s != nil {
					return s
				}
			}
			if p != nil && now.Sub(lastProgress) >= interval {
				lastProgress = now
				p.show(fmt.Sprintf("building the model (%s): %s, memory %s", x.funcLabel(), now.Sub(began).Round(time.Second), byteSize(n)))
			}
		}
	}
}

// stopped reports an exploration that a limit or an interrupt stopped
// while the model function ran, and returns the exit code. For mbt
// explore that is an incomplete result, exit 0 as for any limit: no
// violation was found (nor looked for). mbt gen and mbt replay have no
// limits; an interrupt there is an error, as it is later.
func stopped[S any](s *buildStop, x *exploration) int {
	if x.gen != nil || x.replay != nil {
		fmt.Fprintf(x.stderr, "mbt: interrupted while building the model (%s had run for %s)\n", x.funcLabel(), duration(s.elapsed))
		return exitError
	}
	res := &explorer.Result[S]{
		Strategy: x.opts.Strategy.String(),
		Status:   explorer.Incomplete,
		Reason:   s.reason,
		Stats:    explorer.Stats{PeakMemory: s.peak, Workers: workers(x.opts)},
	}
	x.built, x.stopped = s.elapsed, true
	if x.flags.JSON {
		if err := writeJSON(x.stdout, res, x, &model.Model[S]{}); err != nil {
			fmt.Fprintf(x.stderr, "mbt: %v\n", err)
			return exitError
		}
		return exitOK
	}
	writeStopped(x.stdout, s, x)
	return exitOK
}

// writeStopped renders an exploration stopped while building the model.
func writeStopped(w io.Writer, s *buildStop, x *exploration) {
	writeHeader(w, "", x, workers(x.opts))
	fmt.Fprintf(w, "\n%s\n\n", s.line())
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  building the model\t%s; %s had not returned (the driver cannot interrupt it)\n", duration(s.elapsed), x.funcLabel())
	fmt.Fprintf(tw, "  memory\t%s held by the process at its peak\n", byteSize(s.peak))
	tw.Flush()
}

// progress returns the progress line of an exploration and its interval,
// or nil when there is none: every second, in place, when stderr is a
// terminal; every 5 seconds, a line each, when it is not (a file, a pipe,
// a CI log); none with -json; -progress sets the interval, 0 turns it off.
func (x *exploration) progress() (*progressLine, time.Duration) {
	interval, show := time.Second, !x.flags.JSON
	if !x.terminal {
		interval = 5 * time.Second
	}
	if x.flags.ProgressSet {
		interval, show = x.flags.Progress, x.flags.Progress > 0
	}
	if !show {
		return nil, 0
	}
	return &progressLine{w: x.stderr, inPlace: x.terminal}, interval
}

// stackFrames keeps the frames of the stack of a recovered panic (as
// runtime/debug.Stack prints it) between the panic and the driver's frames
// that call the model function (construct and the closures of Register's
// variants): the user's code, and the mbt code it called.
func stackFrames(stack string) string {
	return panicstack.Frames(stack, func(fn string) bool {
		return strings.HasPrefix(fn, "github.com/mbtgo/mbt/internal/driver.construct[") ||
			strings.HasPrefix(fn, "github.com/mbtgo/mbt/internal/driver.Register")
	})
}
