package cluster

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/model"
)

// Config holds the constants of the model, set with mbt explore -set RM=3.
type Config struct {
	// RM is the number of resource managers, numbered 0..RM-1.
	RM int `default:"2"`
	// MaxFaults bounds the faults of one behavior: a crash of a node and a
	// link that starts losing messages or replies count one each. Faults
	// come one at a time: one is injected only while every node runs and
	// every link delivers.
	MaxFaults int `default:"1"`
}

// DefaultConfig returns the constants NewAdapter runs the cluster with and
// the generated tests are made with: the defaults of Config's tags.
func DefaultConfig() Config { return Config{RM: 2, MaxFaults: 1} }

// RMState is the durable state of a resource manager.
type RMState string

// Decision is the durable state of the transaction manager: its decision,
// or none yet.
type Decision string

// Fault is what a link between two nodes does to the messages on it.
type Fault string

// States of resource managers, decisions of the transaction manager, and
// link faults.
const (
	Working   RMState = "working"
	Prepared  RMState = "prepared"
	Committed RMState = "committed"
	Aborted   RMState = "aborted"

	Undecided Decision = ""
	Commit    Decision = "commit"
	Abort     Decision = "abort"

	// Pass delivers messages and their replies.
	Pass Fault = ""
	// LoseRequest loses every message sent on the link: it never arrives.
	LoseRequest Fault = "lose-request"
	// LoseReply delivers every message and loses its reply, so the sender
	// does not know it arrived and sends it again: a duplicate.
	LoseReply Fault = "lose-reply"
)

// State is the whole cluster: the nodes' durable and volatile state and the
// links between them.
type State struct {
	// RM is the durable state of each resource manager, in its log.
	RM []RMState
	// RMUp says which resource managers run; a crashed one is down until
	// restarted.
	RMUp []bool
	// TM is the transaction manager's decision, in its log.
	TM Decision
	// TMUp says whether the transaction manager runs.
	TMUp bool
	// TMPrepared is the transaction manager's volatile set of resource
	// managers it got Prepared from; a crash loses it.
	TMPrepared []bool
	// TMAcked is the transaction manager's volatile set of resource
	// managers that acknowledged its decision; a crash loses it.
	TMAcked []bool
	// ToTM and FromTM are the faults of the links rm->tm and tm->rm of each
	// resource manager.
	ToTM, FromTM []Fault
	// Faults counts the faults injected so far, at most Config.MaxFaults.
	// Restarting a node and healing the links are free.
	Faults int
}

// View is what the adapter reads back from the real cluster: each node's
// state, from its status endpoint when it runs and from its log file when
// it is down.
type View struct {
	TM  TMView
	RMs []RMView
}

// TMView is the transaction manager as the adapter sees it. A down
// transaction manager has only its log: no prepared or acknowledged
// resource managers.
type TMView struct {
	Up       bool
	Decision Decision
	Prepared []bool
	Acked    []bool
}

// RMView is a resource manager as the adapter sees it. Applied counts the
// commits it applied: 1 once committed, never more.
type RMView struct {
	Up      bool
	State   RMState
	Applied int
}

// TMName is the transaction manager's name, as the adapter's fault.Network
// and the link names know it.
const TMName = "tm"

// RMName returns the name of resource manager rm: rm0, rm1, ...
func RMName(rm int) string { return fmt.Sprintf("rm%d", rm) }

// Links returns the names of the links of a cluster with n resource
// managers, as the fault actions take them: "rm0->tm", "tm->rm0", ...
func Links(n int) []string {
	var out []string
	for rm := range n {
		out = append(out, RMName(rm)+"->"+TMName, TMName+"->"+RMName(rm))
	}
	return out
}

// ParseLink splits a link name of [Links] into its resource manager and
// direction: toTM is true for rmN->tm, false for tm->rmN.
func ParseLink(link string) (rm int, toTM bool, err error) {
	from, to, _ := strings.Cut(link, "->")
	name := from
	if toTM = to == TMName; !toTM {
		name = to
	}
	if _, err := fmt.Sscanf(name, "rm%d", &rm); err == nil && rm >= 0 && (toTM || from == TMName) &&
		RMName(rm) == name {
		return rm, toTM, nil
	}
	return 0, false, fmt.Errorf("cluster: bad link %q, want rmN->tm or tm->rmN", link)
}

// link returns the fault of the link named link.
func (s *State) link(link string) *Fault {
	rm, toTM, err := ParseLink(link)
	if err != nil {
		panic(err)
	}
	if toTM {
		return &s.ToTM[rm]
	}
	return &s.FromTM[rm]
}

// healthy says whether no link loses anything.
func (s State) healthy() bool {
	return !slices.ContainsFunc(s.ToTM, func(f Fault) bool { return f != Pass }) &&
		!slices.ContainsFunc(s.FromTM, func(f Fault) bool { return f != Pass })
}

// sendPrepared is rm's Prepared message to the transaction manager. It
// returns whether rm got the reply.
func (s *State) sendPrepared(rm int) bool {
	f := s.ToTM[rm]
	if !s.TMUp || f == LoseRequest {
		return false
	}
	if s.TM == Undecided {
		s.TMPrepared[rm] = true
	}
	return f != LoseReply
}

// sendDecision is the transaction manager's decision to rm. It returns
// whether the transaction manager got rm's acknowledgement.
func (s *State) sendDecision(rm int) bool {
	f := s.FromTM[rm]
	if !s.RMUp[rm] || f == LoseRequest {
		return false
	}
	switch {
	case s.TM == Commit && (s.RM[rm] == Prepared || s.RM[rm] == Committed):
		s.RM[rm] = Committed
	case s.TM == Abort && s.RM[rm] != Committed:
		s.RM[rm] = Aborted
	default:
		return false // the resource manager refuses a decision it cannot follow
	}
	if f == LoseReply {
		return false
	}
	s.TMAcked[rm] = true
	return true
}

// decide sends the transaction manager's decision to every resource manager
// that has not acknowledged it, in order, and returns how many did now.
func (s *State) decide() int {
	clear(s.TMPrepared) // a decided transaction manager has no use for votes
	n := 0
	for rm := range s.RM {
		if !s.TMAcked[rm] && s.sendDecision(rm) {
			n++
		}
	}
	return n
}

// Model is two-phase commit run by a transaction manager and c.RM resource
// managers that crash and restart, over links that lose messages or their
// replies, with at most c.MaxFaults faults.
//
// Protocol steps: Prepare(rm) makes rm log "prepared" and send Prepared to
// the transaction manager; RMResend(rm) sends it again; RMAbort(rm) is a
// working resource manager aborting on its own. Commit and Abort make the
// transaction manager log its decision and send it to every resource
// manager; TMResend sends it again to those that did not acknowledge it.
// Prepare and RMResend return whether the resource manager got a reply;
// Commit, Abort and TMResend return how many resource managers acknowledged.
//
// Faults: CrashRM(rm), RestartRM(rm), CrashTM, RestartTM; LoseRequests(link)
// and LoseReplies(link) make a link lose every message or every reply until
// Heal.
func Model(c Config) (*model.Model[State], error) {
	switch {
	case c.RM < 1 || c.RM > 9:
		return nil, fmt.Errorf("cluster: RM is %d, want 1 to 9", c.RM)
	case c.MaxFaults < 0:
		return nil, fmt.Errorf("cluster: MaxFaults is %d, want at least 0", c.MaxFaults)
	}
	m := dsl.New[State]("Cluster")
	m.Const("RM", c.RM).Const("MaxFaults", c.MaxFaults)
	init := State{
		RM:         slices.Repeat([]RMState{Working}, c.RM),
		RMUp:       slices.Repeat([]bool{true}, c.RM),
		TMUp:       true,
		TMPrepared: make([]bool, c.RM),
		TMAcked:    make([]bool, c.RM),
		ToTM:       make([]Fault, c.RM),
		FromTM:     make([]Fault, c.RM),
	}
	m.Init(init)
	rms := make([]int, c.RM)
	for i := range rms {
		rms[i] = i
	}
	// The values just outside the domains, which mbt gen tries (criterion
	// invalid) and the adapter must refuse without changing anything: for
	// rm, the derived -1 and c.RM, resource managers the cluster does not
	// have; for link, names that look like links but are none of the
	// cluster's: one to a resource manager it does not have, one the
	// protocol does not have, and no name at all. (The derived "" and
	// "unknown" would only test the parsing of a name.)
	rm := dsl.Values("rm", rms...)
	link := dsl.Values("link", Links(c.RM)...).
		Outside(RMName(c.RM)+"->"+TMName, TMName+"->"+TMName, "")
	// The fault actions' guards are the harness's rules, which the adapter
	// checks, not the nodes: one fault at a time, at most c.MaxFaults.
	// They stay one unnamed guard: with the default one fault, "no fault
	// active" is never false alone (no fault is active before the first),
	// and the boundaries criterion already tries each fault action where
	// the budget is spent, right after the restart or Heal that undid the
	// one fault.
	budget := func(s State) bool {
		return s.Faults < c.MaxFaults && s.TMUp && !slices.Contains(s.RMUp, false) && s.healthy()
	}

	// The guards of the protocol's steps are written as named conditions
	// (Requires), one for each thing a node (or, for "up", the harness)
	// must check, so that mbt gen tries each as the only false one: a
	// node that checks only part of a guard is caught.
	rmUp := func(s State, rm int) bool { return s.RMUp[rm] }
	rmIs := func(st RMState) func(State, int) bool {
		return func(s State, rm int) bool { return s.RM[rm] == st }
	}
	tmUp := func(s State) bool { return s.TMUp }
	undecided := func(s State) bool { return s.TM == Undecided }

	// Resource managers.
	prepare := func(s *State, rm int) bool { s.RM[rm] = Prepared; return s.sendPrepared(rm) }
	dsl.Action1(m, "Prepare", rm, nil, effect1(prepare)).
		Requires("rm up", rmUp).
		Requires("rm working", rmIs(Working)).
		Returns(output1(prepare))
	dsl.Action1(m, "RMResend", rm, nil, effect1((*State).sendPrepared)).
		Requires("rm up", rmUp).
		Requires("rm prepared", rmIs(Prepared)).
		Returns(output1((*State).sendPrepared))
	dsl.Action1(m, "RMAbort", rm, nil, func(s *State, rm int) { s.RM[rm] = Aborted }).
		Requires("rm up", rmUp).
		Requires("rm working", rmIs(Working))

	// The transaction manager. Commit needs every resource manager's vote,
	// one condition each: a transaction manager that commits with one vote
	// missing is caught where that vote is the only thing missing. "tm up"
	// and "undecided" are never the only false ones (a crash and a
	// decision clear the votes), which mbt gen's report says; they are
	// named all the same, as parts of the guard that are checked (by the
	// adapter and by the transaction manager).
	commit := func(s *State) int { s.TM = Commit; return s.decide() }
	commitDef := m.Action("Commit", nil, effect0(commit)).
		Requires("tm up", tmUp).
		Requires("undecided", undecided)
	for i := range c.RM {
		commitDef.Requires(RMName(i)+"'s vote counted", func(s State) bool { return s.TMPrepared[i] })
	}
	commitDef.Returns(output0(commit))
	abort := func(s *State) int { s.TM = Abort; return s.decide() }
	m.Action("Abort", nil, effect0(abort)).
		Requires("tm up", tmUp).
		Requires("undecided", undecided).
		Returns(output0(abort))
	m.Action("TMResend", nil, effect0((*State).decide)).
		Requires("tm up", tmUp).
		Requires("decided", func(s State) bool { return s.TM != Undecided }).
		Requires("an rm has not acknowledged", func(s State) bool { return slices.Contains(s.TMAcked, false) }).
		Returns(output0((*State).decide))

	// Crashes and restarts.
	dsl.Action1(m, "CrashRM", rm,
		func(s State, rm int) bool { return s.RMUp[rm] && budget(s) },
		func(s *State, rm int) { s.RMUp[rm] = false; s.Faults++ })
	dsl.Action1(m, "RestartRM", rm,
		func(s State, rm int) bool { return !s.RMUp[rm] },
		func(s *State, rm int) { s.RMUp[rm] = true })
	m.Action("CrashTM",
		func(s State) bool { return s.TMUp && budget(s) },
		func(s *State) {
			s.TMUp = false
			s.Faults++
			clear(s.TMPrepared)
			clear(s.TMAcked)
		})
	m.Action("RestartTM",
		func(s State) bool { return !s.TMUp },
		func(s *State) { s.TMUp = true })

	// The network.
	dsl.Action1(m, "LoseRequests", link,
		func(s State, l string) bool { return *s.link(l) == Pass && budget(s) },
		func(s *State, l string) { *s.link(l) = LoseRequest; s.Faults++ })
	dsl.Action1(m, "LoseReplies", link,
		func(s State, l string) bool { return *s.link(l) == Pass && budget(s) },
		func(s *State, l string) { *s.link(l) = LoseReply; s.Faults++ })
	m.Action("Heal",
		func(s State) bool { return !s.healthy() },
		func(s *State) { clear(s.ToTM); clear(s.FromTM) })

	// Atomicity, as in TwoPhase.tla: no resource manager committed while
	// another aborted.
	m.Invariant("TCConsistent", func(s State) bool {
		return !(slices.Contains(s.RM, Committed) && slices.Contains(s.RM, Aborted))
	})
	// The resource managers follow the transaction manager: one commits
	// only once it decided commit, none aborts then, and one that
	// acknowledged the decision applied it.
	m.Invariant("DecisionAgrees", func(s State) bool {
		for rm, st := range s.RM {
			switch {
			case st == Committed && s.TM != Commit,
				st == Aborted && s.TM == Commit,
				s.TMAcked[rm] && !(s.TM == Commit && st == Committed || s.TM == Abort && st == Aborted):
				return false
			}
		}
		return true
	})
	// A vote the transaction manager counts is a prepared resource
	// manager's: it cannot have aborted or forgotten it.
	m.Invariant("VotesArePrepared", func(s State) bool {
		for rm, p := range s.TMPrepared {
			if p && s.RM[rm] != Prepared {
				return false
			}
		}
		return true
	})
	m.Terminal(State.finished)
	m.View(func(s State) any { return s.View() })
	return m.Build()
}

// finished says whether the transaction is over: the transaction manager
// decided and every resource manager acknowledged the decision.
func (s State) finished() bool { return s.TM != Undecided && !slices.Contains(s.TMAcked, false) }

// clone returns a deep copy of s, for outputs computed by running an effect
// on a copy.
func (s State) clone() State {
	s.RM, s.RMUp = slices.Clone(s.RM), slices.Clone(s.RMUp)
	s.TMPrepared, s.TMAcked = slices.Clone(s.TMPrepared), slices.Clone(s.TMAcked)
	s.ToTM, s.FromTM = slices.Clone(s.ToTM), slices.Clone(s.FromTM)
	return s
}

// effect0 and effect1 make an effect of a step that computes its output,
// which they drop; output0 and output1 make the output function of the
// step, which runs it on a copy of the state.
func effect0[R any](step func(*State) R) func(*State) { return func(s *State) { step(s) } }

func effect1[R any](step func(*State, int) R) func(*State, int) {
	return func(s *State, rm int) { step(s, rm) }
}

func output0[R any](step func(*State) R) func(State) any {
	return func(s State) any { c := s.clone(); return step(&c) }
}

func output1[R any](step func(*State, int) R) func(State, int) any {
	return func(s State, rm int) any { c := s.clone(); return step(&c, rm) }
}

// View returns what the adapter reads back from a cluster in state s.
func (s State) View() View {
	v := View{TM: TMView{Up: s.TMUp, Decision: s.TM, Prepared: slices.Clone(s.TMPrepared), Acked: slices.Clone(s.TMAcked)}}
	for rm, st := range s.RM {
		applied := 0
		if st == Committed {
			applied = 1
		}
		v.RMs = append(v.RMs, RMView{Up: s.RMUp[rm], State: st, Applied: applied})
	}
	return v
}
