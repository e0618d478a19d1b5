package driver

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/model"
)

// explore explores m as x says and prints the result; it returns the exit
// code.
func explore[S any](ctx context.Context, m *model.Model[S], x *exploration) int {
	opts := x.opts
	if opts.MaxTime > 0 {
		// The clock started when the model function was called.
		opts.MaxTime = max(opts.MaxTime-x.built, time.Nanosecond)
	}
	p, interval := x.progress()
	if p != nil {
		opts.Progress = p.update
		opts.ProgressInterval = interval
	}
	if !x.flags.JSON {
		writeHeader(x.stdout, m.Name, x, workers(opts))
	}
	res, err := explorer.Explore(ctx, m, opts)
	if p != nil {
		p.clear()
	}
	if err != nil {
		fmt.Fprintf(x.stderr, "mbt: explore %s: %v\n", m.Name, err)
		return exitError
	}
	if x.flags.JSON {
		if err := writeJSON(x.stdout, res, x, m); err != nil {
			fmt.Fprintf(x.stderr, "mbt: %v\n", err)
			return exitError
		}
	} else {
		writeSummary(x.stdout, res, m, x)
	}
	if x.flags.ITF != "" {
		if code := writeCounterexample(m, res, x); code != exitOK {
			return code
		}
	}
	if res.Status == explorer.Violated {
		return exitViolation
	}
	return exitOK
}

// workers returns the number of workers opts will use.
func workers(opts explorer.Options) int {
	switch {
	case opts.Strategy == explorer.DFS:
		return 1
	case opts.Workers > 0:
		return opts.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// jsonResult is the -json output: the explorer's result with the model
// function and constants it was built with.
type jsonResult[S any] struct {
	Function  string         `json:"function"`
	Package   string         `json:"package"`
	Constants map[string]any `json:"constants"`
	// Built is how long the model function ran (a limit or an interrupt
	// may have stopped the driver while it did).
	Built time.Duration `json:"build_ns"`
	// Stopped is set when a limit or an interrupt stopped the driver while
	// the model function ran: no state was explored.
	Stopped bool `json:"stopped_building,omitempty"`
	*explorer.Result[S]
}

func writeJSON[S any](w io.Writer, res *explorer.Result[S], x *exploration, m *model.Model[S]) error {
	out := jsonResult[S]{Function: x.entry.name, Package: x.pkgPath(), Constants: constants(x.consts, m), Built: x.built, Stopped: x.stopped, Result: res}
	b, err := marshalJSONIndent(out)
	if err != nil {
		return fmt.Errorf("encode the result as JSON: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// constants merges the model's recorded constants with the config's
// fields; the config wins.
func constants[S any](consts []constant, m *model.Model[S]) map[string]any {
	out := map[string]any{}
	for k, v := range m.Consts {
		out[k] = v
	}
	for _, c := range consts {
		out[c.Name] = c.Value
	}
	return out
}

// progressLine prints progress reports: on a terminal one line rewritten in
// place, elsewhere one line per report.
type progressLine struct {
	mu      sync.Mutex
	w       io.Writer
	inPlace bool
	width   int // length of the line on screen
}

func (p *progressLine) update(pr explorer.Progress) {
	if pr.Done {
		return
	}
	p.show(fmt.Sprintf("%s, %s states/s, depth %d, queue %s, memory %s, %s",
		distinct(pr.Distinct), commas(int64(pr.StatesPerSec)), pr.Depth, commas(pr.Queue), byteSize(pr.Memory), pr.Elapsed.Round(time.Second)))
}

// show prints line.
func (p *progressLine) show(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.inPlace {
		fmt.Fprintln(p.w, line)
		return
	}
	pad := ""
	if n := p.width - len(line); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	fmt.Fprintf(p.w, "\r%s%s", line, pad)
	p.width = len(line)
}

// clear removes the progress line from the terminal.
func (p *progressLine) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.inPlace && p.width > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.width))
		p.width = 0
	}
}
