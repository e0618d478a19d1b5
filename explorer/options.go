package explorer

import (
	"fmt"
	"time"
)

// Strategy is the order in which the explorer visits states.
type Strategy int

const (
	// BFS explores breadth-first: every counterexample it reports is a
	// shortest one. It is the default.
	BFS Strategy = iota
	// DFS explores depth-first, bounded by Options.MaxDepth when set. It uses
	// one worker.
	DFS
	// Random runs seeded random walks from the initial states, for state
	// spaces too big to finish. Options.Walks and Options.MaxDepth bound it.
	Random
)

var strategyNames = [...]string{BFS: "bfs", DFS: "dfs", Random: "random"}

func (s Strategy) String() string {
	if int(s) < len(strategyNames) {
		return strategyNames[s]
	}
	return fmt.Sprintf("Strategy(%d)", int(s))
}

// ParseStrategy returns the strategy named "bfs", "dfs" or "random".
func ParseStrategy(name string) (Strategy, error) {
	for i, n := range strategyNames {
		if n == name {
			return Strategy(i), nil
		}
	}
	return 0, fmt.Errorf("unknown strategy %q (want bfs, dfs or random)", name)
}

// Options configure an exploration. The zero value explores breadth-first
// with all cores and no limits.
type Options struct {
	_ struct{} // forbid positional literals

	// Strategy is the exploration order; BFS by default.
	Strategy Strategy

	// Workers is the number of goroutines that expand states; 0 means
	// runtime.GOMAXPROCS(0). DFS always uses one.
	Workers int

	// MaxStates stops the exploration once this many distinct states are
	// known (0: no limit).
	MaxStates int64

	// MaxDepth bounds the number of steps from an initial state (0: no
	// limit). For Random it is the length of each walk (default 100).
	MaxDepth int

	// MaxTime stops the exploration after this long (0: no limit).
	MaxTime time.Duration

	// MaxMemory stops the exploration when the memory the whole process
	// holds exceeds this many bytes (0: no limit). The measure is the one
	// Stats.PeakMemory reports: the resident set size on Linux, elsewhere
	// the memory the Go runtime holds from the operating system. It counts
	// everything in the process, not only the explorer's tables, and is
	// sampled every 50 ms, so a fast-growing exploration may pass the limit
	// by what it allocates in that time.
	MaxMemory int64

	// Seed seeds the random walks of the Random strategy.
	Seed int64

	// Walks is the number of random walks (default 1000).
	Walks int

	// CheckPurity re-fingerprints each state after its guards and effects
	// ran and reports the action that changed it. It costs about one
	// fingerprint per transition.
	CheckPurity bool

	// NoDeadlock turns off the report of states without an enabled action.
	NoDeadlock bool

	// Progress, if not nil, is called every ProgressInterval from a
	// goroutine of the explorer (never concurrently with itself), and once
	// more at the end.
	Progress func(Progress)

	// ProgressInterval is the time between Progress calls (default 1s).
	ProgressInterval time.Duration
}

// Progress is a snapshot of a running exploration.
type Progress struct {
	Distinct     int64         `json:"distinct"`
	Transitions  int64         `json:"transitions"`
	Depth        int           `json:"depth"`
	Queue        int64         `json:"queue"`
	Elapsed      time.Duration `json:"elapsed"`
	StatesPerSec float64       `json:"states_per_sec"`
	// Memory is the memory the process held at the last sample, measured
	// as for Options.MaxMemory.
	Memory int64 `json:"memory_bytes"`
	Done   bool  `json:"done"`
}
