package adapters_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/model"
)

// TestArgumentCount_Messages: a step with the wrong number of arguments is
// refused with a message that counts in English ("takes 1 argument", not
// "takes 1 arguments").
func TestArgumentCount_Messages(t *testing.T) {
	m := accountModel(t)
	b, err := adapters.Bind(m.Erase(), &wallet{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := adapters.NewRunner(m, &wallet{}, adapters.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, bindErr := b.Do(ctx, model.Step{Action: "Deposit"})
	var runErr string
	if f := r.Exec(ctx, []model.Step{{Action: "Deposit"}}); f != nil {
		runErr = f.Error()
	}
	tests := []struct {
		name, got, want, reason string
	}{
		{"bind", errString(bindErr), "adapters: Deposit takes 1 argument, got 0", "Binding.Do counts the parameters"},
		{"runner", runErr, "action Deposit takes 1 argument, got 0", "the runner counts them before it runs the step"},
	}
	for _, tt := range tests {
		if !strings.Contains(tt.got, tt.want) {
			t.Errorf("%s: error %q, want it to contain %q (%s)", tt.name, tt.got, tt.want, tt.reason)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
