package queue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/examples/queue/broker"
)

// needPython returns the python3 that runs the Python broker, or skips the
// test without one (fails, with $MBT_REQUIRE_PYTHON set).
func needPython(t *testing.T) string {
	t.Helper()
	py, err := pythonPath()
	if err != nil {
		if os.Getenv(RequirePythonEnv) != "" {
			t.Fatalf("python3 is not on the PATH and %s is set: %v", RequirePythonEnv, err)
		}
		t.Skipf("skipping the Python broker: python3 is not on the PATH (%v)", err)
	}
	return py
}

// sessions are runs of a broker on one data directory, each a new process
// after the last one's: a restart. Each line is a request.
var sessions = [][]string{
	{
		`{"id":1,"op":"hello","protocol":1,"model":"Queue","actions":[{"name":"Publish","params":["p"]}]}`,
		`{"id":2,"op":"reset"}`,
		`{"id":3,"op":"step","action":"Deliver","args":["c1"]}`,
		`{"id":4,"op":"step","action":"Publish","args":["p1"]}`,
		`{"id":5,"op":"step","action":"Publish","args":["p2"]}`,
		`{"id":6,"op":"step","action":"Publish","args":["p1"]}`,
		`{"id":7,"op":"step","action":"Publish","args":["p1"]}`,
		`{"id":8,"op":"step","action":"Deliver","args":["c1"]}`,
		`{"id":9,"op":"step","action":"Deliver","args":["c1"]}`,
		`{"id":10,"op":"step","action":"Ack","args":["c2","p1.1"]}`,
		`{"id":11,"op":"step","action":"Ack","args":["c1","p9.9"]}`,
		`{"id":12,"op":"step","action":"Deliver","args":["c2"]}`,
		`{"id":13,"op":"view"}`,
		`{"id":14,"op":"invariants"}`,
		`{"id":15,"op":"step","action":"Tick","args":[]}`,
		`{"id":16,"op":"step","action":"Ack","args":["c1","p1.1"]}`,
		`{"id":17,"op":"step","action":"Tick","args":[]}`,
		`{"id":18,"op":"view"}`,
		`{"id":19,"op":"step","action":"Ack","args":["c2","p2.1"]}`,
		`{"id":20,"op":"step","action":"Deliver","args":["c1"]}`,
		`{"id":21,"op":"step","action":"CrashConsumer","args":["c1"]}`,
		`{"id":22,"op":"step","action":"Deliver","args":["c2"]}`,
		`{"id":23,"op":"view"}`,
		`{"id":24,"op":"invariants"}`,
		`{"id":25,"op":"step","action":"Ack","args":["c2"]}`,
		`{"id":26,"op":"step","action":"Publish","args":[7]}`,
		`{"id":27,"op":"step","action":"Jump","args":[]}`,
		`{"id":28,"op":"jump"}`,
		`{"id":29,"op":"step","action":"CrashConsumer","args":["c1"]}`,
	},
	{
		`{"id":1,"op":"hello","protocol":1,"model":"Queue"}`,
		`{"id":2,"op":"view"}`,
		`{"id":3,"op":"invariants"}`,
		`{"id":4,"op":"step","action":"Publish","args":["p2"]}`,
		`{"id":5,"op":"step","action":"Deliver","args":["c1"]}`,
		`{"id":6,"op":"step","action":"Ack","args":["c1","p2.1"]}`,
		`{"id":7,"op":"step","action":"Deliver","args":["c1"]}`,
		`{"id":8,"op":"view"}`,
	},
	{
		`{"id":1,"op":"hello","protocol":1}`,
		`{"id":2,"op":"view"}`,
		`{"id":3,"op":"invariants"}`,
		`{"id":4,"op":"step","action":"Deliver","args":["c2"]}`,
		`{"id":5,"op":"view"}`,
		`{"id":6,"op":"step","action":"Tick","args":[]}`,
		`{"id":7,"op":"step","action":"Tick","args":[]}`,
		`{"id":8,"op":"step","action":"Ack","args":["c2","p1.2"]}`,
		`{"id":9,"op":"view"}`,
		`{"id":10,"op":"reset"}`,
		`{"id":11,"op":"view"}`,
		`{"id":12,"op":"hello","protocol":2}`,
		`{"id":13,"op":"hello","protocol":1,"model":"Bank"}`,
	},
}

// The Python broker answers every request as the Go broker does, byte for
// byte but for its name, with each set of planted bugs, across restarts
// on the same data directory.
func TestPythonBrokerMatchesGo(t *testing.T) {
	py := needPython(t)
	for _, bugs := range append([]string{""}, broker.BugNames...) {
		name := bugs
		if name == "" {
			name = "clean"
		}
		t.Run(name, func(t *testing.T) {
			goDir, pyDir := t.TempDir(), t.TempDir()
			args := []string{"-lease", "2", "-quota", "2", "-bugs", bugs}
			for i, s := range sessions {
				in := strings.Join(s, "\n") + "\n"
				var goOut, goErr bytes.Buffer
				if code := broker.Main(append(args, goDir), strings.NewReader(in), &goOut, &goErr); code != 0 {
					t.Fatalf("session %d: the Go broker exited %d: %s", i+1, code, goErr.String())
				}
				cmd := exec.Command(py, append([]string{"-S", pythonBroker()}, append(args, pyDir)...)...)
				cmd.Stdin = strings.NewReader(in)
				var pyOut, pyErr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &pyOut, &pyErr
				if err := cmd.Run(); err != nil {
					t.Fatalf("session %d: the Python broker: %v\n%s", i+1, err, pyErr.String())
				}
				goLines, pyLines := lines(goOut.String()), lines(pyOut.String())
				if len(goLines) != len(s) || len(pyLines) != len(s) {
					t.Fatalf("session %d: %d requests, %d Go responses, %d Python responses\nGo:\n%s\nPython:\n%s",
						i+1, len(s), len(goLines), len(pyLines), goOut.String(), pyOut.String())
				}
				for j := range s {
					g, p := decode(t, goLines[j]), decode(t, pyLines[j])
					if g["name"] == "goqueue" && p["name"] == "pyqueue" {
						delete(g, "name")
						delete(p, "name")
					}
					if !reflect.DeepEqual(g, p) {
						t.Errorf("session %d, request %s\n  Go:     %s\n  Python: %s", i+1, s[j], goLines[j], pyLines[j])
					}
				}
				if pyErr.Len() > 0 {
					t.Errorf("session %d: the Python broker wrote to stderr: %s", i+1, pyErr.String())
				}
			}
			for _, f := range []string{goDir, pyDir} {
				if _, err := os.Stat(f + "/" + broker.FileName + ".tmp"); err == nil {
					t.Errorf("%s: a temporary file is left", f)
				}
			}
		})
	}
}

func lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func decode(t *testing.T, line string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatalf("response %s: %v", line, err)
	}
	return m
}

// Both brokers write the same durable file for the same requests, so a
// data directory can move from one to the other.
func TestPythonBrokerSameFile(t *testing.T) {
	py := needPython(t)
	goDir, pyDir := t.TempDir(), t.TempDir()
	in := strings.Join(sessions[0], "\n") + "\n"
	if code := broker.Main([]string{goDir}, strings.NewReader(in), &bytes.Buffer{}, &bytes.Buffer{}); code != 0 {
		t.Fatalf("the Go broker exited %d", code)
	}
	cmd := exec.Command(py, "-S", pythonBroker(), pyDir)
	cmd.Stdin = strings.NewReader(in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the Python broker: %v\n%s", err, out)
	}
	var files [2]any
	for i, dir := range []string{goDir, pyDir} {
		data, err := os.ReadFile(dir + "/" + broker.FileName)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &files[i]); err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
	}
	if !reflect.DeepEqual(files[0], files[1]) {
		t.Errorf("the files differ:\nGo:     %v\nPython: %v", files[0], files[1])
	}
	if fmt.Sprint(files[0]) == "map[messages:[] published:map[]]" {
		t.Error("the script leaves the broker empty; the comparison says nothing")
	}
}

// The Python broker takes the Go broker's flags and fails as it does.
func TestPythonBrokerUsage(t *testing.T) {
	py := needPython(t)
	tests := []struct {
		args   []string
		in     string
		code   int
		stderr string
	}{
		{nil, "", 2, "usage: broker.py"},
		{[]string{"-lease"}, "", 2, "flag needs an argument: -lease"},
		{[]string{"-lease", "x", "DIR"}, "", 2, `invalid value "x" for flag -lease`},
		{[]string{"-speed", "1", "DIR"}, "", 2, "flag provided but not defined: -speed"},
		{[]string{"-bugs", "fifo", "DIR"}, "", 2, `unknown bug "fifo"`},
		{[]string{"-lease", "0", "DIR"}, "", 1, "lease is 0 ticks"},
		{[]string{"DIR", "extra"}, "", 2, "usage: broker.py"},
		{[]string{"--lease=3", "-quota=1", "DIR"}, `{"id":1,"op":"hello","protocol":1}` + "\n", 0, ""},
		{[]string{"DIR"}, "not json\n", 1, "is not JSON"},
		{[]string{"DIR"}, "[1]\n", 1, "not a JSON object"},
	}
	for _, tt := range tests {
		args := []string{"-S", pythonBroker()}
		for _, a := range tt.args {
			if a == "DIR" {
				a = t.TempDir()
			}
			args = append(args, a)
		}
		cmd := exec.Command(py, args...)
		cmd.Stdin = strings.NewReader(tt.in)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := errors.AsType[*exec.ExitError](err); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tt.code || !strings.Contains(stderr.String(), tt.stderr) {
			t.Errorf("broker.py %q: exit %d, stderr %q; want %d, %q", tt.args, code, stderr.String(), tt.code, tt.stderr)
		}
	}
}
