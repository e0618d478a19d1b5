package reservations_test

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/examples/reservations"
	"github.com/mbtgo/mbt/examples/reservations/server"
)

// TestPlantedBugs runs the generated suite (the TestReservations_ tests)
// against the clean service and against each planted bug, by running this
// test binary again with $MBT_RESERVATIONS_BUGS set, and random walks
// (TestRandomWalks) the same way. The clean service must pass both; every
// bug must fail both.
func TestPlantedBugs(t *testing.T) {
	if os.Getenv(reservations.BugsEnv) != "" {
		t.Skip("running inside TestPlantedBugs")
	}
	tests := []struct {
		bug    string
		reason string
	}{
		{"", "the clean service agrees with the model"},
		{"oversell", "a Reserve of an item out of stock must be refused (conditions: only \"in stock\" is false)"},
		{"canceltwice", "cancelling a cancelled reservation must be refused (boundaries: right after Cancel)"},
		{"reuseid", "a new reservation gets the id of a cancelled one: the runner sees one id for two references"},
		{"norestock", "Cancel must put the item back: the view's stock"},
		{"anyitem", `Reserve("unknown"): an item outside the domain (invalid)`},
	}
	for _, b := range server.AllBugs {
		if !slices.ContainsFunc(tests, func(tt struct{ bug, reason string }) bool { return tt.bug == string(b) }) {
			t.Errorf("planted bug %s has no case here", b)
		}
	}
	for _, tt := range tests {
		for _, run := range []string{"^TestReservations_", "^TestRandomWalks$"} {
			name := tt.bug
			if name == "" {
				name = "clean"
			}
			t.Run(name+"/"+strings.Trim(run, "^$"), func(t *testing.T) {
				t.Parallel()
				cmd := exec.Command(os.Args[0], "-test.run", run, "-test.count", "1", "-mbt.nofailfile")
				cmd.Env = append(os.Environ(), reservations.BugsEnv+"="+tt.bug)
				out, err := cmd.CombinedOutput()
				switch {
				case tt.bug == "" && err != nil:
					t.Fatalf("the clean service fails: %v\n%s", err, out)
				case tt.bug != "" && err == nil:
					t.Fatalf("bug %s (%s) was not caught:\n%s", tt.bug, tt.reason, out)
				case tt.bug != "" && !strings.Contains(string(out), "rerun: "+reservations.BugsEnv+"="+tt.bug+" go test -run '^Test"):
					t.Errorf("bug %s: the failure lacks the rerun command:\n%s", tt.bug, out)
				}
			})
		}
	}
}
