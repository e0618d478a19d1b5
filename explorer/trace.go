package explorer

import (
	"fmt"

	"github.com/mbtgo/mbt/model"
)

// step applies the step id to s and returns the successor and the step as
// a model.Step with its arguments and output.
func (r *run[S]) step(s *S, id int) (S, model.Step) {
	a, c := r.action(id)
	act := r.acts[a]
	st := model.Step{Action: act.Name, Args: act.Args(c)}
	if act.Output != nil {
		st.Output = act.Output(s, c)
	}
	next := r.codec.Clone(s)
	act.Effect(&next, c)
	return next, st
}

// replay rebuilds a trace from an initial state index and step ids by
// running the model's effects again.
func (r *run[S]) replay(init int, ids []int) (t model.Trace[S], err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("replaying the trace panicked at step %d: %v (is the model deterministic?)", len(t.Steps)+1, v)
		}
	}()
	s := r.codec.Clone(&r.m.Init[init])
	t.States = append(t.States, s)
	for _, id := range ids {
		next, st := r.step(&t.States[len(t.States)-1], id)
		t.States = append(t.States, next)
		t.Steps = append(t.Steps, st)
	}
	return t, nil
}

// reportPath turns f, found after the steps ids from initial state init,
// into a Violation and reports it.
func (r *run[S]) reportPath(init int, ids []int, f *found) {
	v := &Violation[S]{Kind: f.kind, Name: f.name, Message: f.msg}
	all := ids
	if f.id >= 0 && !f.attempted {
		all = append(append([]int(nil), ids...), f.id)
	}
	t, err := r.replay(init, all)
	if err != nil {
		v.Message += "\n" + err.Error()
	}
	v.Trace = t
	if f.attempted && f.id >= 0 {
		a, c := r.action(f.id)
		act := r.acts[a]
		v.Attempted = &model.Step{Action: act.Name, Args: act.Args(c)}
	}
	r.report(f.key, v)
}
