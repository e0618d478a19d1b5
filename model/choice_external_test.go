package model_test

import (
	"testing"

	"github.com/mbtgo/mbt/model"
	"pgregory.net/rapid"
)

func choiceAction() *model.Action[int] {
	return &model.Action[int]{Name: "Move", Params: []model.Param{
		{Name: "from", Values: []any{"a", "b", "c"}, Invalid: []any{"", "unknown"}},
		{Name: "amt", Values: []any{1, 2}, Invalid: []any{0, 3}},
		{Name: "tags", Values: []any{[]string{"x"}, []string{"x", "y"}}},
	}, Choices: 12}
}

func TestAction_Choice(t *testing.T) {
	a := choiceAction()
	tests := []struct {
		name        string
		args        []any
		wantChoice  int
		wantOutside int
		reason      string
	}{
		{"first", []any{"a", 1, []string{"x"}}, 0, -1, "the first value of every parameter is choice 0"},
		{"last", []any{"c", 2, []string{"x", "y"}}, 11, -1, "the last values make the last choice"},
		{"slice", []any{"b", 1, []string{"x", "y"}}, 5, -1, "uncomparable values compare by content"},
		{"invalid", []any{"a", 0, []string{"x"}}, -1, 1, "a value outside the domain is named by its position"},
		{"type", []any{"a", int64(1), []string{"x"}}, -1, 1, "a value of another type is not the parameter's"},
		{"count", []any{"a", 1}, -1, 2, "too few arguments"},
	}
	for _, tt := range tests {
		c, out := a.Choice(tt.args)
		if c != tt.wantChoice || out != tt.wantOutside {
			t.Errorf("%s: Choice(%v) = %d, %d; want %d, %d (%s)", tt.name, tt.args, c, out, tt.wantChoice, tt.wantOutside, tt.reason)
		}
	}
	if !a.Params[1].IsInvalid(3) || a.Params[1].IsInvalid(2) || a.Params[2].IsInvalid([]string{"x"}) {
		t.Errorf("IsInvalid does not tell the values just outside a domain from the rest")
	}
}

// TestAction_ChoiceInvertsArgs: Choice is the inverse of Args for every
// choice.
func TestAction_ChoiceInvertsArgs(t *testing.T) {
	a := choiceAction()
	rapid.Check(t, func(t *rapid.T) {
		c := rapid.IntRange(0, a.Choices-1).Draw(t, "choice")
		got, out := a.Choice(a.Args(c))
		if got != c || out != -1 {
			t.Fatalf("Choice(Args(%d)) = %d, %d", c, got, out)
		}
	})
}
