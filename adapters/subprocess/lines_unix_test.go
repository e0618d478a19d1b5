//go:build unix

package subprocess_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mbtgo/mbt/adapters/subprocess"
	"github.com/mbtgo/mbt/model"
)

// shProgram starts a shell script as the program. Its requests are counted
// in $n, so it answers ids 1, 2, 3, …: a gap in mbt's ids shows as a wrong
// id. The default StopTimeout bounds its exit at the end of the test: a
// shorter one fails a test on a loaded machine.
func shProgram(t *testing.T, script string) *subprocess.Adapter {
	t.Helper()
	return subprocess.New(t, subprocess.Options{}, "sh", "-c",
		"n=0\nwhile IFS= read -r line; do\nn=$((n+1))\n"+script+"\ndone")
}

// TestAdapter_BlankLines checks that lines of white space on stdout,
// which the protocol says are ignored, are: "\r\n" and " \n" included.
func TestAdapter_BlankLines(t *testing.T) {
	t.Parallel()
	a := shProgram(t, `printf ' \r\n\t\n\r\n{"id":%d,"ok":true,"protocol":1}\r\n' "$n"`)
	if err := a.Reset(context.Background()); err != nil {
		t.Fatalf("Reset with blank lines before each answer: %v", err)
	}
}

// TestAdapter_UnendedLine checks that a program that answers without the
// newline, and so never ends its line, is told so when the wait times
// out, rather than only that it did not answer.
func TestAdapter_UnendedLine(t *testing.T) {
	t.Parallel()
	// With its answer to the hello, it begins its answer to the next
	// request and never ends it; then it says so on stderr. The test waits
	// for that before the request, so the deadline below only has to
	// pass, however slow the machine: it leaves the program nothing to do.
	a := shProgram(t, `if [ "$n" = 1 ]; then printf '{"id":1,"ok":true,"protocol":1}\n{"id":2,"ok":true}'; echo begun >&2; fi`)
	// The program declares no invariants: this sends only the hello.
	if err := a.Invariants(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := waitStderr(a, "begun"); !strings.Contains(s, "begun") {
		t.Fatalf("the program did not begin its answer: stderr %q", s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := a.Reset(ctx)
	want := `the program did not answer within`
	hint := `its standard output ends with "{\"id\":2,\"ok\":true}" without a newline`
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), hint) {
		t.Fatalf("Reset = %v\nwant %s … %s", err, want, hint)
	}
}

// TestAdapter_IDsWithoutGaps checks that a request not sent, because its
// context was done, does not use up an id: the protocol numbers requests
// 1, 2, 3, ….
func TestAdapter_IDsWithoutGaps(t *testing.T) {
	t.Parallel()
	a := shProgram(t, `printf '{"id":%d,"ok":true,"protocol":1}\n' "$n"`)
	ctx := context.Background()
	if err := a.Reset(ctx); err != nil { // ids 1 (hello) and 2
		t.Fatal(err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := a.Do(done, model.Step{Action: "Tick"}, nil); err == nil || !strings.Contains(err.Error(), "no time left") {
		t.Fatalf("Do with a done context = %v; want no time left", err)
	}
	if err := a.Reset(ctx); err != nil { // id 3
		t.Fatalf("Reset after a request that was not sent: %v", err)
	}
}

// TestAdapter_LongLine checks that a line longer than the bound fails the
// request, and that a long line within it is read whole.
func TestAdapter_LongLine(t *testing.T) {
	t.Parallel()
	a := shProgram(t, `case $n in
1) printf '{"id":1,"ok":true,"protocol":1,"pad":"'; head -c 1000000 /dev/zero | tr '\0' x; printf '"}\n';;
*) head -c 17000000 /dev/zero | tr '\0' x; echo;;
esac`)
	// No deadline: the program ends its line in the end, so the request
	// ends without one, and 17 MB through a pipe may take long on a
	// loaded machine.
	err := a.Reset(context.Background())
	want := "the program wrote a line longer than 16 MiB to standard output during reset; mbt killed it"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Reset = %v\nwant %s", err, want)
	}
}

// TestAdapter_CanceledWrite checks that a request the program does not
// read, on a context that is canceled but has no deadline, ends when the
// context is canceled.
func TestAdapter_CanceledWrite(t *testing.T) {
	t.Parallel()
	// It answers the hello and the reset, then reads one byte of the next
	// request, says so on stderr, and reads no more.
	a := shProgram(t, `printf '{"id":%d,"ok":true,"protocol":1}\n' "$n"; if [ "$n" -ge 2 ]; then dd bs=1 count=1 >/dev/null 2>&1; echo reading >&2; sleep 60; fi`)
	if err := a.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		// Far more than a pipe holds.
		_, err := a.Do(ctx, model.Step{Action: "Put", Args: []any{strings.Repeat("x", 256<<10)}}, nil)
		done <- err
	}()
	// Once the program has read a byte, the request is being written,
	// and the write cannot end: cancel it then, not after a while, which
	// on a loaded machine may come before Do has begun.
	if s := waitStderr(a, "reading"); !strings.Contains(s, "reading") {
		t.Fatalf("the program did not get the request: stderr %q", s)
	}
	cancel()
	select {
	case err := <-done:
		want := "the write of the request was canceled after"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("Do = %v; want %s", err, want)
		}
		if len(err.Error()) > 2000 {
			t.Errorf("the error quotes the whole argument: %d bytes", len(err.Error()))
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Do still writes 30 s after its context was canceled")
	}
}
