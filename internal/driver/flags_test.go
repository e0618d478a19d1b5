package driver

import (
	"flag"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mbtgo/mbt/explorer"
)

func TestParseBytes(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		bad  bool
	}{
		{in: "0", want: 0},
		{in: "1000000", want: 1000000},
		{in: "512MB", want: 512 << 20},
		{in: "512mb", want: 512 << 20},
		{in: "2GB", want: 2 << 30},
		{in: "2GiB", want: 2 << 30},
		{in: "1.5G", want: 3 << 29},
		{in: "64 KiB", want: 64 << 10},
		{in: "10B", want: 10},
		{in: "1TB", want: 1 << 40},
		{in: "", bad: true},
		{in: "MB", bad: true},
		{in: "lots", bad: true},
		{in: "5XB", bad: true},
		{in: "-1GB", bad: true},
		{in: "1e30", bad: true},
	}
	for _, tt := range tests {
		got, err := ParseBytes(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("ParseBytes(%q) = %d, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

// The mbt command parses the flags and passes f.Args() to the driver, which
// must parse them back to the same Flags.
func TestFlags_ArgsRoundTrip(t *testing.T) {
	in := []string{"-model", "Model", "-set", "RM=4", "-set", "Name=a b", "-strategy", "random",
		"-workers", "3", "-max-states", "10", "-max-depth", "7", "-max-time", "1m", "-max-memory", "2GB",
		"-seed", "42", "-walks", "9", "-purity", "-no-deadlock", "-json", "-progress", "0"}
	parse := func(args []string) Flags {
		t.Helper()
		var f Flags
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		f.Define(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatalf("parse %q: %v", args, err)
		}
		return f
	}
	f := parse(in)
	want := Flags{Model: "Model", Set: []string{"RM=4", "Name=a b"}, Strategy: "random", Workers: 3, MaxStates: 10,
		MaxDepth: 7, MaxTime: time.Minute, MaxMemory: 2 << 30, Seed: 42, Walks: 9, Purity: true, NoDeadlock: true,
		JSON: true, Progress: 0, ProgressSet: true}
	if !reflect.DeepEqual(f, want) {
		t.Fatalf("parsed %+v\nwant   %+v", f, want)
	}
	if back := parse(f.Args()); !reflect.DeepEqual(back, f) {
		t.Errorf("parse(Args()) = %+v\nwant %+v", back, f)
	}
	if def := parse(nil); len(def.Args()) != 0 {
		t.Errorf("Args() of the defaults = %q, want none", def.Args())
	}
}

func TestFlags_Options(t *testing.T) {
	f := Flags{Strategy: "dfs", MaxDepth: 5, Purity: true}
	opts, err := f.Options()
	if err != nil {
		t.Fatal(err)
	}
	if opts.Strategy != explorer.DFS || opts.MaxDepth != 5 || !opts.CheckPurity {
		t.Errorf("Options() = %+v", opts)
	}
	for _, bad := range []*Flags{{Strategy: "wide"}, {Strategy: "bfs", Workers: -1}, {Strategy: "bfs", Set: []string{"x"}}} {
		if _, err := bad.Options(); err == nil {
			t.Errorf("%+v: Options() succeeded, want an error", bad)
		}
	}
	_, err = (&Flags{Strategy: "wide"}).Options()
	if err == nil || !strings.Contains(err.Error(), `-strategy: unknown strategy "wide"`) {
		t.Errorf("error = %v", err)
	}
}
