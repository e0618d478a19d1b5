package adapters

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/model"
)

// lease is the model of lazyLease: a lease of 0..2 ticks.
type lease struct{ L int }

// lazyLease lets ticks take effect only when someone looks (View): a bug
// that only unobserved steps show.
type lazyLease struct{ l, pending int }

func (x *lazyLease) Reset(context.Context) error { x.l, x.pending = 0, 0; return nil }
func (x *lazyLease) View(context.Context) (int, error) {
	x.l = max(x.l-x.pending, 0)
	x.pending = 0
	return x.l, nil
}
func (x *lazyLease) Grant(context.Context) error {
	if x.l != 0 {
		return errors.New("held")
	}
	x.l = 2
	return nil
}
func (x *lazyLease) Tick(context.Context) error {
	if x.l-x.pending <= 0 {
		return errors.New("nothing to tick")
	}
	x.pending++
	return nil
}
func (x *lazyLease) Renew(context.Context) error {
	if x.l == 0 {
		return errors.New("no lease")
	}
	x.l, x.pending = 2, 0
	return nil
}

// TestSavedWalkKeepsNoView: Check saves a failing walk so that "the
// next run replays it first". A walk that fails only because some steps
// went unobserved must still fail when replayed from the file.
func TestSavedWalkKeepsNoView(t *testing.T) {
	m := dsl.New[lease]("Lease").Init(lease{})
	m.Action("Grant", func(s lease) bool { return s.L == 0 }, func(s *lease) { s.L = 2 })
	m.Action("Tick", func(s lease) bool { return s.L > 0 }, func(s *lease) { s.L-- })
	m.Action("Renew", func(s lease) bool { return s.L > 0 }, func(s *lease) { s.L = 2 })
	m.View(func(s lease) any { return s.L })
	mod := m.MustBuild()
	c := &checker[lease]{t: t, m: mod, newImpl: func(testing.TB) any { return &lazyLease{} }}
	c.fill()
	c.opts.Seed = 1
	steps := []model.Step{
		{Action: "Grant", NoView: true}, {Action: "Tick", NoView: true}, {Action: "Tick", NoView: true},
		{Action: "Renew", Refused: true},
	}
	f, err := c.exec(steps)
	if err != nil || f == nil {
		t.Fatalf("the walk with unobserved steps: failure %v, error %v; want a failure", f, err)
	}
	t.Chdir(t.TempDir())
	path, err := c.save(steps)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := c.load(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range steps {
		if loaded[i].NoView != steps[i].NoView {
			t.Errorf("step %d %v: NoView %v saved, %v replayed", i+1, steps[i], steps[i].NoView, loaded[i].NoView)
		}
	}
	if g, err := c.exec(loaded); err != nil || g == nil {
		t.Errorf("the saved walk %s passes when replayed (failure %v, error %v); the walk Check reported failed at step %d", path, g, err, f.Index)
	}
}

// TestLoad_ArgumentCount: a saved walk whose step does not fit the model
// any more says so in English ("with 1 argument").
func TestLoad_ArgumentCount(t *testing.T) {
	m := dsl.New[lease]("Lease").Init(lease{})
	m.Action("Grant", func(s lease) bool { return s.L == 0 }, func(s *lease) { s.L = 2 })
	m.View(func(s lease) any { return s.L })
	c := &checker[lease]{t: t, m: m.MustBuild(), newImpl: func(testing.TB) any { return &lazyLease{} }}
	c.fill()
	path := filepath.Join(t.TempDir(), "walk.json")
	if err := os.WriteFile(path, []byte(`{"model": "Lease", "steps": [{"action": "Grant", "args": [1]}]}`), 0o666); err != nil {
		t.Fatal(err)
	}
	_, err := c.load(path)
	const want = "step 1: model Lease has no action Grant with 1 argument"
	if err == nil || err.Error() != want {
		t.Errorf("load: %v, want %s", err, want)
	}
}
