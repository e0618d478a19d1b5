package twophase

import (
	"fmt"
	"slices"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/model"
)

// Config holds the constants of the model, set with mbt explore -set RM=4.
type Config struct {
	// RM is the number of resource managers, r1..rN as in TwoPhase.cfg; at
	// least 1.
	RM int `default:"3"`
	// Buggy makes the coordinator commit as soon as two RMs are prepared.
	Buggy bool
}

// RMState is the state of one resource manager.
type RMState string

// TMState is the state of the transaction manager.
type TMState string

// States of resource managers and of the transaction manager.
const (
	Working   RMState = "working"
	Prepared  RMState = "prepared"
	Committed RMState = "committed"
	Aborted   RMState = "aborted"

	TMInit      TMState = "init"
	TMCommitted TMState = "committed"
	TMAborted   TMState = "aborted"
)

// State mirrors the variables of TwoPhase.tla. Resource managers are
// numbered 0..N-1 (r1..rN in TLC's output).
type State struct {
	RMState    []RMState `tla:"rmState"`    // rmState[r]
	TMState    TMState   `tla:"tmState"`    // tmState
	TMPrepared []bool    `tla:"tmPrepared"` // r \in tmPrepared
	Msgs       Msgs      `tla:"msgs"`       // msgs
}

// Msgs is the set of messages sent: Prepared[r] for [type |-> "Prepared",
// rm |-> r], Commit and Abort for the coordinator's decisions.
type Msgs struct {
	Prepared      []bool
	Commit, Abort bool
}

// Model is Lamport's two-phase commit (TwoPhase.tla) with c.RM resource
// managers.
func Model(c Config) (*model.Model[State], error) {
	if c.RM < 1 {
		return nil, fmt.Errorf("twophase: RM is %d, want at least 1", c.RM)
	}
	rms := make([]int, c.RM)
	for i := range rms {
		rms[i] = i
	}
	m := dsl.New[State]("TwoPhase")
	m.Const("RM", c.RM).Const("Buggy", c.Buggy)
	m.Init(State{
		RMState:    slices.Repeat([]RMState{Working}, c.RM),
		TMState:    TMInit,
		TMPrepared: make([]bool, c.RM),
		Msgs:       Msgs{Prepared: make([]bool, c.RM)},
	})
	r := dsl.Values("r", rms...)

	dsl.Action1(m, "TMRcvPrepared", r,
		func(s State, r int) bool { return s.TMState == TMInit && s.Msgs.Prepared[r] },
		func(s *State, r int) { s.TMPrepared[r] = true })
	m.Action("TMCommit",
		func(s State) bool { return s.TMState == TMInit && canCommit(s, c.Buggy) },
		func(s *State) { s.TMState, s.Msgs.Commit = TMCommitted, true })
	m.Action("TMAbort",
		func(s State) bool { return s.TMState == TMInit },
		func(s *State) { s.TMState, s.Msgs.Abort = TMAborted, true })
	dsl.Action1(m, "RMPrepare", r,
		func(s State, r int) bool { return s.RMState[r] == Working },
		func(s *State, r int) { s.RMState[r], s.Msgs.Prepared[r] = Prepared, true })
	dsl.Action1(m, "RMChooseToAbort", r,
		func(s State, r int) bool { return s.RMState[r] == Working },
		func(s *State, r int) { s.RMState[r] = Aborted })
	dsl.Action1(m, "RMRcvCommitMsg", r,
		func(s State, r int) bool { return s.Msgs.Commit },
		func(s *State, r int) { s.RMState[r] = Committed })
	dsl.Action1(m, "RMRcvAbortMsg", r,
		func(s State, r int) bool { return s.Msgs.Abort },
		func(s *State, r int) { s.RMState[r] = Aborted })

	m.Invariant("Consistent", func(s State) bool {
		return !(slices.Contains(s.RMState, Aborted) && slices.Contains(s.RMState, Committed))
	})
	return m.Build()
}

// canCommit is CanCommit: all RMs prepared, or (Buggy) at least two.
func canCommit(s State, buggy bool) bool {
	n := 0
	for _, p := range s.TMPrepared {
		if p {
			n++
		}
	}
	if buggy {
		return n >= 2
	}
	return n == len(s.TMPrepared)
}

// RMName returns the TLC name of resource manager r: r1, r2, ...
func RMName(r int) string { return fmt.Sprintf("r%d", r+1) }
