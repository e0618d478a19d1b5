package explorer

import (
	"fmt"

	"github.com/mbtgo/mbt/model"
)

// Coverage says how often each action and each argument value fired, and
// how often guards were false, over the explored part of the state space.
type Coverage struct {
	Actions []ActionCoverage `json:"actions"`
}

// ActionCoverage is the coverage of one action.
type ActionCoverage struct {
	Name string `json:"name"`
	// Fired counts the transitions the action produced: guard evaluations
	// that were true.
	Fired int64 `json:"fired"`
	// GuardFalse counts guard evaluations that were false.
	GuardFalse int64 `json:"guard_false"`
	// Params has, for each parameter, how often each value fired.
	Params []ParamCoverage `json:"params,omitempty"`
}

// ParamCoverage is the coverage of one parameter's domain.
type ParamCoverage struct {
	Name   string          `json:"name"`
	Values []ValueCoverage `json:"values"`
}

// ValueCoverage counts the transitions that used one argument value.
type ValueCoverage struct {
	Value any   `json:"value"`
	Fired int64 `json:"fired"`
}

// NeverEnabled returns the actions whose guard was never true.
func (c Coverage) NeverEnabled() []string {
	var out []string
	for _, a := range c.Actions {
		if a.Fired == 0 {
			out = append(out, a.Name)
		}
	}
	return out
}

// GuardNeverFalse returns the actions whose guard was evaluated but never
// false: either they are always enabled, or a case the model meant to
// refuse never came up.
func (c Coverage) GuardNeverFalse() []string {
	var out []string
	for _, a := range c.Actions {
		if a.Fired > 0 && a.GuardFalse == 0 {
			out = append(out, a.Name)
		}
	}
	return out
}

// UnusedValues returns, per action, the "param=value" pairs that never fired
// although the action did.
func (c Coverage) UnusedValues() map[string][]string {
	out := map[string][]string{}
	for _, a := range c.Actions {
		if a.Fired == 0 {
			continue
		}
		for _, p := range a.Params {
			for _, v := range p.Values {
				if v.Fired == 0 {
					out[a.Name] = append(out[a.Name], fmt.Sprintf("%s=%#v", p.Name, v.Value))
				}
			}
		}
	}
	return out
}

// coverage builds the Coverage from per-choice fire counts and per-action
// guard-false counts.
func coverage[S any](acts []*model.Action[S], offsets []int, fired []int64, guardFalse []int64) Coverage {
	cov := Coverage{Actions: make([]ActionCoverage, len(acts))}
	for ai, a := range acts {
		ac := ActionCoverage{Name: a.Name, GuardFalse: guardFalse[ai]}
		for c := range a.Choices {
			ac.Fired += fired[offsets[ai]+c]
		}
		// Per parameter value: decode each choice in mixed radix.
		ac.Params = make([]ParamCoverage, len(a.Params))
		for pi, p := range a.Params {
			pc := ParamCoverage{Name: p.Name, Values: make([]ValueCoverage, len(p.Values))}
			for vi, v := range p.Values {
				pc.Values[vi].Value = v
			}
			ac.Params[pi] = pc
		}
		for c := range a.Choices {
			n := fired[offsets[ai]+c]
			if n == 0 {
				continue
			}
			rest := c
			for pi := len(a.Params) - 1; pi >= 0; pi-- {
				k := len(a.Params[pi].Values)
				ac.Params[pi].Values[rest%k].Fired += n
				rest /= k
			}
		}
		cov.Actions[ai] = ac
	}
	return cov
}
