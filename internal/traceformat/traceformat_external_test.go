package traceformat_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/internal/traceformat"
	"github.com/mbtgo/mbt/tlaimport"
)

// The names are tlaimport's, and ReadFormat accepts each of them.
func TestNames(t *testing.T) {
	want := []string{tlaimport.FormatITF, tlaimport.FormatTLCJSON, tlaimport.FormatTLC}
	if got := traceformat.Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %v, want tlaimport's %v", got, want)
	}
	for _, name := range traceformat.Names() {
		if _, err := tlaimport.ReadFormat("x", []byte("x"), name); err != nil && strings.Contains(err.Error(), "unknown trace format") {
			t.Errorf("ReadFormat does not know %s: %v", name, err)
		}
	}
	if _, err := tlaimport.ReadFormat("x", nil, "tla"); err == nil {
		t.Error(`ReadFormat accepts the format "tla"`)
	}
}

func TestStateLabel(t *testing.T) {
	tests := []struct {
		format string
		i      int
		want   string
		reason string
	}{
		{traceformat.TLC, 3, "state 4", "TLC numbers states from 1"},
		{traceformat.TLCJSON, 0, "state 1", "so does its JSON"},
		{traceformat.ITF, 3, "state 3", "ITF's #meta index counts from 0"},
		{"", 2, "state 2", "a trace of no known format counts from 0, as mbt's own do"},
	}
	for _, tt := range tests {
		if got := traceformat.StateLabel(tt.format, tt.i); got != tt.want {
			t.Errorf("StateLabel(%q, %d) = %q, want %q (%s)", tt.format, tt.i, got, tt.want, tt.reason)
		}
	}
}
