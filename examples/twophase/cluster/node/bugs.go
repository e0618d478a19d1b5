package node

import (
	"fmt"
	"strings"
)

// Bugs are the planted bugs a node can run with, all off by default.
type Bugs struct {
	// EarlyCommit makes the transaction manager commit when told to,
	// without checking that every resource manager is prepared.
	EarlyCommit bool
	// AllButOne makes the transaction manager commit when all but one
	// resource manager voted: it checks the votes, and lets one be
	// missing.
	AllButOne bool
	// ForgetPrepared makes a resource manager keep "prepared" in memory
	// only, without logging it: after a crash it has forgotten its vote.
	ForgetPrepared bool
	// DoubleCommit makes a committed resource manager apply a duplicated
	// Commit again, so it applies the transaction twice.
	DoubleCommit bool
}

// bugNames are the names of the bugs, as ParseBugs reads them.
var bugNames = []string{"earlycommit", "allbutone", "forgetprepared", "doublecommit"}

func (b *Bugs) field(name string) *bool {
	switch name {
	case "earlycommit":
		return &b.EarlyCommit
	case "allbutone":
		return &b.AllButOne
	case "forgetprepared":
		return &b.ForgetPrepared
	case "doublecommit":
		return &b.DoubleCommit
	}
	return nil
}

// ParseBugs parses a comma-separated list of bug names: earlycommit,
// allbutone, forgetprepared, doublecommit. Spaces and empty names are ignored.
func ParseBugs(list string) (Bugs, error) {
	var b Bugs
	for name := range strings.SplitSeq(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		f := b.field(name)
		if f == nil {
			return Bugs{}, fmt.Errorf("node: unknown bug %q (want %s)", name, strings.Join(bugNames, ", "))
		}
		*f = true
	}
	return b, nil
}

// String returns the bugs that are on, as ParseBugs reads them.
func (b Bugs) String() string {
	var on []string
	for _, n := range bugNames {
		if *b.field(n) {
			on = append(on, n)
		}
	}
	return strings.Join(on, ",")
}
