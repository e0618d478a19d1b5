package driver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mbtgo/mbt/internal/memory"
	"github.com/mbtgo/mbt/model"
)

// backstop bounds the wait of a model function that waits for the end of
// its test, in case the driver waits for it (the bug these tests catch).
const backstop = 20 * time.Second

// stuck returns a model function that does not return until the test ends
// (or, as a backstop, for 20 seconds), after it has called work; it then
// returns the counter model. Without the guard, a run with a limit would
// wait for it and then explore.
func stuck(t *testing.T, work func(), started chan<- struct{}) func(counterConfig) (*model.Model[counterState], error) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	return func(c counterConfig) (*model.Model[counterState], error) {
		if work != nil {
			work()
		}
		if started != nil {
			close(started)
		}
		select {
		case <-release:
		case <-time.After(backstop):
		}
		return counter(c)
	}
}

// TestRun_limitsWhileBuilding checks that -max-time, -max-memory and an
// interrupt stop the driver while the model function runs: it reports an
// incomplete result at once and exits 0.
func TestRun_limitsWhileBuilding(t *testing.T) {
	// grab takes up to 512 MiB, written so that it is resident, and holds
	// it until the test ends; the memory limit is 64 MiB above what the
	// process holds now.
	quit := make(chan struct{})
	t.Cleanup(func() { close(quit) })
	grab := func() {
		var hog [][]byte
		for range 512 {
			select {
			case <-quit:
				return
			default:
			}
			b := make([]byte, 1<<20)
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
			hog = append(hog, b)
		}
		select {
		case <-quit:
		case <-time.After(backstop):
		}
		runtime.KeepAlive(hog)
	}
	runtime.GC()
	memLimit := memory.Resident() + 64<<20
	tests := []struct {
		name   string
		args   []string
		work   func()
		cancel bool // cancel the context once the model function runs
		want   string
		reason string
	}{
		{
			name: "time", args: []string{"-max-time=300ms"},
			want:   "incomplete: time limit reached while building the model (300ms); no state explored",
			reason: "-max-time counts from the call of the model function",
		},
		{
			name: "memory", args: []string{fmt.Sprintf("-max-memory=%d", memLimit)}, work: grab,
			want:   fmt.Sprintf("incomplete: memory limit reached while building the model (%s); no state explored", byteSize(memLimit)),
			reason: "-max-memory is checked while the model function allocates",
		},
		{
			name: "interrupt", cancel: true,
			want:   "incomplete: canceled while building the model; no state explored",
			reason: "an interrupt stops the wait for the model function",
		},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("test %q: missing reason or duplicate name", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			started := make(chan struct{})
			go func() {
				<-started
				if tt.cancel {
					cancel()
				}
			}()
			var stdout, stderr bytes.Buffer
			began := time.Now()
			code := run(ctx, append(tt.args, "-progress=0"), &stdout, &stderr, false,
				[]Entry{Register("Stuck", stuck(t, tt.work, started))})
			if code != exitOK {
				t.Errorf("exit code %d, want %d (a limit is not a failure)", code, exitOK)
			}
			if !strings.Contains(stdout.String(), "\n"+tt.want+"\n") {
				t.Errorf("stdout lacks %q:\n%s\nstderr:\n%s", tt.want, &stdout, &stderr)
			}
			for _, s := range []string{"exploring driver.stuck.func2 (Max=3 Buggy=false): bfs", "building the model", "held by the process at its peak"} {
				if !strings.Contains(stdout.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, &stdout)
				}
			}
			if el := time.Since(began); el > 30*time.Second {
				t.Errorf("run took %v: it waited for the model function", el)
			}
		})
	}
}

// TestRun_limitsWhileBuilding_json checks -json's result for a driver
// stopped while the model function ran.
func TestRun_limitsWhileBuilding_json(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-json", "-max-time=200ms", "-set=Max=5"}, &stdout, &stderr, false,
		[]Entry{Register("Stuck", stuck(t, nil, nil))})
	if code != exitOK {
		t.Fatalf("exit code %d, want %d; stderr:\n%s", code, exitOK, &stderr)
	}
	var got struct {
		Function  string         `json:"function"`
		Status    string         `json:"status"`
		Reason    string         `json:"reason"`
		Stopped   bool           `json:"stopped_building"`
		Built     time.Duration  `json:"build_ns"`
		Constants map[string]any `json:"constants"`
		Stats     struct {
			Distinct   int64 `json:"distinct"`
			PeakMemory int64 `json:"peak_memory_bytes"`
		} `json:"stats"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, &stdout)
	}
	if got.Function != "Stuck" || got.Status != "incomplete" || got.Reason != "time limit reached" || !got.Stopped ||
		got.Built < 200*time.Millisecond || got.Stats.Distinct != 0 || got.Stats.PeakMemory <= 0 || got.Constants["Max"] != 5.0 {
		t.Errorf("got %+v\n%s", got, &stdout)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr is not empty:\n%s", &stderr)
	}
}

// TestRun_interruptWhileBuilding_replay checks that an interrupt stops
// mbt replay's wait for the model function: exit 3, as an interrupt later
// in a replay.
func TestRun_interruptWhileBuilding_replay(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	go func() {
		<-started
		cancel()
	}()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"-driver.command=replay", "-driver.trace=" + t.TempDir() + "/none.itf.json"}, &stdout, &stderr, false,
		[]Entry{Register("Stuck", stuck(t, nil, started))})
	if code != exitError || !strings.Contains(stderr.String(), "mbt: interrupted while building the model (driver.stuck.func2 had run for ") {
		t.Errorf("exit code %d, want %d; stdout:\n%s\nstderr:\n%s", code, exitError, &stdout, &stderr)
	}
}

// TestRun_buildTime checks that the time the model function took is shown
// and counts against -max-time.
func TestRun_buildTime(t *testing.T) {
	slow := func(c counterConfig) (*model.Model[counterState], error) {
		time.Sleep(200 * time.Millisecond)
		return counter(c)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-max-time=1h", "-progress=0"}, &stdout, &stderr, false, []Entry{Register("Slow", slow)})
	if code != exitOK {
		t.Fatalf("exit code %d; stderr:\n%s", code, &stderr)
	}
	if !strings.Contains(stdout.String(), "building the model)") || !strings.Contains(stdout.String(), "no violation: 4 distinct states, complete") {
		t.Errorf("stdout:\n%s", &stdout)
	}
}

// TestExploration_progress checks when and how progress is shown.
func TestExploration_progress(t *testing.T) {
	tests := []struct {
		name     string
		terminal bool
		flags    Flags
		want     time.Duration // 0: no progress
		inPlace  bool
		reason   string
	}{
		{name: "terminal", terminal: true, want: time.Second, inPlace: true,
			reason: "a terminal gets a line rewritten every second"},
		{name: "not a terminal", want: 5 * time.Second,
			reason: "a file or a CI log gets a line every 5 seconds, so that a long run shows it is alive"},
		{name: "json", flags: Flags{JSON: true},
			reason: "-json alone shows no progress"},
		{name: "json on a terminal", terminal: true, flags: Flags{JSON: true},
			reason: "-json alone shows no progress, even on a terminal"},
		{name: "json with -progress", flags: Flags{JSON: true, Progress: time.Second, ProgressSet: true}, want: time.Second,
			reason: "-progress asks for it with -json too"},
		{name: "progress 0", flags: Flags{Progress: 0, ProgressSet: true},
			reason: "-progress 0 turns it off"},
		{name: "progress 0 on a terminal", terminal: true, flags: Flags{Progress: 0, ProgressSet: true},
			reason: "-progress 0 turns it off on a terminal too"},
		{name: "interval", terminal: true, flags: Flags{Progress: 100 * time.Millisecond, ProgressSet: true}, want: 100 * time.Millisecond, inPlace: true,
			reason: "-progress sets the interval"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("test %q: missing reason or duplicate name", tt.name)
		}
		seen[tt.name] = true
		x := &exploration{terminal: tt.terminal, flags: tt.flags}
		p, interval := x.progress()
		switch {
		case tt.want == 0 && p != nil:
			t.Errorf("%s: progress every %v, want none (%s)", tt.name, interval, tt.reason)
		case tt.want != 0 && p == nil:
			t.Errorf("%s: no progress, want it every %v (%s)", tt.name, tt.want, tt.reason)
		case p != nil && (interval != tt.want || p.inPlace != tt.inPlace):
			t.Errorf("%s: progress every %v, in place %v; want %v, %v (%s)", tt.name, interval, p.inPlace, tt.want, tt.inPlace, tt.reason)
		}
	}
}
