package main

import (
	"bytes"
	"context"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
)

// TestTrace_NoTrace: mbt trace refuses a file that holds no trace with
// exit 2 and the message of mbt replay and mbt gen -trace. Before, it
// printed nothing and exited 0.
func TestTrace_NoTrace(t *testing.T) {
	random := make([]byte, 4096)
	rand.New(rand.NewSource(1)).Read(random)
	tests := []struct {
		name   string
		data   []byte
		args   []string
		reason string
	}{
		{"empty", nil, nil, "an empty file: TLC's reader finds no trace"},
		{"random", random, nil, "random bytes that do not start with {, read as TLC's output with nothing in it"},
		{"random as tlc", random, []string{"-format", "tlc"}, "the format named, not detected"},
		{"text", []byte("Notes on the spec.\nState 1 is the start.\n"), nil, "plain text with no TLC message"},
	}
	seen := map[string]bool{}
	dir := t.TempDir()
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("test %q: missing reason or duplicate name", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			name := filepath.Join(dir, tt.name)
			if err := os.WriteFile(name, tt.data, 0o666); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			code := traceMain(context.Background(), append(tt.args, name), &stdout, &stderr)
			want := "mbt: " + name + " holds no trace\n"
			if code != exitUsage || stderr.String() != want || stdout.Len() > 0 {
				t.Errorf("mbt trace = %d, stdout %q, stderr %q; want %d, nothing, %q", code, &stdout, &stderr, exitUsage, want)
			}
		})
	}
}

// TestTrace_IndexPastEnd: -trace past the last trace of a file says how
// many it holds, in English ("holds 1 trace").
func TestTrace_IndexPastEnd(t *testing.T) {
	name := filepath.Join(t.TempDir(), "one.itf.json")
	if err := os.WriteFile(name, []byte(`{"vars": ["x"], "states": [{"x": 1}, {"x": 2}]}`), 0o666); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := traceMain(context.Background(), []string{"-trace", "2", name}, &stdout, &stderr)
	want := "mbt: -trace 2: " + name + " holds 1 trace\n"
	if code != exitUsage || stderr.String() != want || stdout.Len() > 0 {
		t.Errorf("mbt trace -trace 2 = %d, stdout %q, stderr %q; want %d, nothing, %q", code, &stdout, &stderr, exitUsage, want)
	}
}
