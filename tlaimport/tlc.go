package tlaimport

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mbtgo/mbt/internal/suggest"
)

// Limits on what ReadTLC accepts.
const (
	// maxTLCLine is the longest line, in bytes.
	maxTLCLine = 16 << 20
	// maxTLCErrors is how many errors ReadTLC reports before it stops.
	maxTLCErrors = 10
)

// ReadTLC reads the error traces in TLC's text output: what tlc2.TLC
// prints on standard output, plain or with -tool (the @!@!@STARTMSG
// code:class @!@!@ ... @!@!@ENDMSG code @!@!@ framing), with or without
// -difftrace, from model checking or simulation. Everything else TLC
// prints is skipped, so output without an error trace gives no traces and
// no error.
//
// Each trace starts at a state header, "State 1: <Initial predicate>"
// (in -tool mode "1: <Initial predicate>"), or directly after "Invariant
// X is violated by the initial state:". Later headers name the action,
// "State 3: <RMPrepare(r2) line 41, col 17 to line 44, col 52 of module
// TwoPhase>", which gives [Action] Name RMPrepare, Args [r2] and the
// Location. Older TLC versions print no arguments, or the word Action
// where the name would be, which gives an Action with only a Location;
// headers without a label give no Action, and the initial state has none. States are conjunctions "/\ var = value", or
// "var = value" when the spec has one variable; values may span lines.
// The Vars of a trace are the variables of its first state, in TLC's
// order. A state that lists only some of them (-difftrace) takes the
// others from the state before, so every State has every variable.
//
// "Back to state K" ends a lasso: Loop is K-1, the index of state K. (TLC
// versions before 2020 print state K a second time before that line; the
// copy is dropped.) "State N: Stuttering" sets Stuttering. Violation is
// the text of TLC's error messages before the trace, such as "Invariant
// NotSolved is violated." or "Temporal property Live was violated.",
// lines joined by newlines. TLC run with -continue prints several traces;
// each becomes a Trace. Every State and Value has its Pos.
//
// Errors are positioned *[Error]s (at most 10), gathered into one error
// (see the package doc), or a read error from r. Lines longer than 16 MiB
// are refused.
func ReadTLC(filename string, r io.Reader) ([]*Trace, error) {
	t := &tlcReader{file: filename}
	br := bufio.NewReaderSize(r, 64<<10)
	var long []byte
	for n := 1; ; n++ {
		chunk, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			if len(long)+len(chunk) > maxTLCLine {
				t.errorf(Pos{File: filename, Line: n, Col: 1}, "line is longer than %d MiB", maxTLCLine>>20)
				break
			}
			long = append(long, chunk...)
			n--
			continue
		}
		line := chunk
		if long != nil {
			line = append(long, chunk...)
			long = nil
		}
		if len(line) > maxTLCLine+2 { // the line end does not count
			t.errorf(Pos{File: filename, Line: n, Col: 1}, "line is longer than %d MiB", maxTLCLine>>20)
			break
		}
		if len(line) > 0 {
			s := strings.TrimSuffix(strings.TrimSuffix(string(line), "\n"), "\r")
			t.line(n, s)
		}
		if len(t.errs) >= maxTLCErrors {
			break
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", filename, err)
		}
	}
	t.endBlock()
	t.closeTrace()
	if err := t.errs.err(); err != nil {
		return nil, err
	}
	return t.traces, nil
}

// tlcReader is ReadTLC's state machine. It sees one line at a time. In
// -tool mode the framing lines tell what the lines between them are; in
// plain mode the "Error: " and "State N:" prefixes do.
type tlcReader struct {
	file   string
	errs   errorList
	traces []*Trace

	cur   *Trace // the trace receiving states, or nil
	ended bool   // cur ended with Back to state or Stuttering

	violation  []string // error text for the next trace
	inError    bool     // the last line belonged to an error message
	headerless bool     // an error message said a state follows without a header

	st *tlcState // the state being read, or nil

	msgs []toolMsg // open -tool messages, innermost last

	// last remembers each variable's most recent value text and what it
	// parsed to: in a trace most variables keep their value from one state
	// to the next, and moving a parsed value is much cheaper than parsing.
	last map[string]parsedText
}

// parsedText is a value's text, where it started, and the parsed value.
type parsedText struct {
	text  string
	start Pos
	val   Value
}

// toolMsg is an open -tool message.
type toolMsg struct {
	code, class int
	lines       int // content lines seen
}

// Message classes of -tool mode (tlc2.output.MP).
const (
	classError = 1
	classState = 4
)

// codeBackToState is EC.TLC_BACK_TO_STATE.
const codeBackToState = 2122

// tlcState collects the lines of one state.
type tlcState struct {
	num    int
	pos    Pos
	action *Action
	vars   []tlcVar
	skip   bool // the header was wrong; swallow the body
}

// tlcVar is one "var = value" of a state, its value possibly over several
// lines.
type tlcVar struct {
	name    string
	namePos Pos
	valPos  Pos
	text    strings.Builder
	tooLong bool
}

func (t *tlcReader) errorf(pos Pos, format string, args ...any) {
	if pos.File == "" {
		pos.File = t.file
	}
	t.addErr(errorf(pos, format, args...))
}

func (t *tlcReader) addErr(err error) {
	if len(t.errs) >= maxTLCErrors {
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Pos: Pos{File: t.file, Line: 1, Col: 1}, Msg: err.Error()}
	}
	t.errs = append(t.errs, e)
}

func (t *tlcReader) pos(line int, s string, byteOff int) Pos {
	return Pos{File: t.file, Line: line, Col: utf8.RuneCountInString(s[:byteOff]) + 1}
}

const toolDelim = "@!@!@"

// line handles line number n.
func (t *tlcReader) line(n int, s string) {
	if i := strings.Index(s, toolDelim); i >= 0 {
		if code, class, ok := parseStartMsg(s[i:]); ok {
			if i > 0 { // output that did not end its line
				t.content(n, s[:i])
			}
			t.endBlock()
			t.msgs = append(t.msgs, toolMsg{code: code, class: class})
			return
		}
		if code, ok := parseEndMsg(s[i:]); ok {
			if i > 0 {
				t.content(n, s[:i])
			}
			t.endBlock()
			t.inError = false
			for j := len(t.msgs) - 1; j >= 0; j-- {
				if t.msgs[j].code == code {
					t.msgs = t.msgs[:j]
					break
				}
			}
			return
		}
	}
	t.content(n, s)
}

// parseStartMsg parses "@!@!@STARTMSG 2217:4 @!@!@".
func parseStartMsg(s string) (code, class int, ok bool) {
	rest, ok := strings.CutPrefix(s, toolDelim+"STARTMSG ")
	if !ok {
		return 0, 0, false
	}
	rest, ok = strings.CutSuffix(strings.TrimRight(rest, " \t"), " "+toolDelim)
	if !ok {
		return 0, 0, false
	}
	a, b, ok := strings.Cut(rest, ":")
	if !ok {
		return 0, 0, false
	}
	code, err1 := strconv.Atoi(a)
	class, err2 := strconv.Atoi(b)
	return code, class, err1 == nil && err2 == nil
}

// parseEndMsg parses "@!@!@ENDMSG 2217 @!@!@".
func parseEndMsg(s string) (code int, ok bool) {
	rest, ok := strings.CutPrefix(s, toolDelim+"ENDMSG ")
	if !ok {
		return 0, false
	}
	rest, ok = strings.CutSuffix(strings.TrimRight(rest, " \t"), " "+toolDelim)
	if !ok {
		return 0, false
	}
	code, err := strconv.Atoi(rest)
	return code, err == nil
}

// content handles a line that is not -tool framing.
func (t *tlcReader) content(n int, s string) {
	if len(t.msgs) == 0 {
		t.plain(n, s)
		return
	}
	m := &t.msgs[len(t.msgs)-1]
	m.lines++
	switch m.class {
	case classError:
		if m.lines == 1 {
			t.errorMessage(n, s)
			return
		}
		t.plain(n, s) // continuation, or a state after "... by the initial state:"
	case classState:
		if m.lines == 1 {
			t.toolHeader(n, s, m.code)
			return
		}
		switch {
		case strings.TrimSpace(s) == "":
			t.endBlock()
		case t.st != nil:
			t.body(n, s)
		}
	}
	// Other messages (progress, statistics, warnings) carry no trace.
}

var backToStateRE = regexp.MustCompile(`^(?:(?:(?i:state) +)?([0-9]+): *)?Back to state(?: +([0-9]+))? *(?:: *(.*?))?\.?$`)

// isBackToState reports whether s is a "Back to state" line.
func isBackToState(s string) bool {
	return strings.Contains(s, "Back to state") && backToStateRE.MatchString(s)
}

// cutNumber parses the "N:" that starts s: the digits of N, and the
// offset after the colon.
func cutNumber(s string) (digits string, end int, ok bool) {
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	if i == 0 || i == len(s) || s[i] != ':' {
		return "", 0, false
	}
	return s[:i], i + 1, true
}

// cutStateHeader parses the "State N:" that starts s (TLC's oldest
// versions write STATE).
func cutStateHeader(s string) (digits string, numOff, end int, ok bool) {
	if len(s) < 8 || !strings.EqualFold(s[:5], "state") || s[5] != ' ' {
		return "", 0, 0, false
	}
	numOff = 6
	for numOff < len(s) && s[numOff] == ' ' {
		numOff++
	}
	digits, n, ok := cutNumber(s[numOff:])
	return digits, numOff, numOff + n, ok
}

// plain handles a line of plain output, or a continuation line of a -tool
// error message.
func (t *tlcReader) plain(n int, s string) {
	trimmed := strings.TrimRight(s, " \t")
	if t.st != nil {
		if trimmed == "" {
			t.endBlock()
			return
		}
		if !startsBlock(trimmed) {
			t.body(n, s)
			return
		}
		t.endBlock()
	}
	switch {
	case trimmed == "":
		t.inError = false
	case strings.HasPrefix(trimmed, "Error: "):
		t.errorMessage(n, trimmed[len("Error: "):])
	case isBackToState(trimmed):
		t.backToState(n, trimmed, 0)
	case isStateHeader(trimmed):
		digits, numOff, end, _ := cutStateHeader(trimmed)
		num, err := strconv.Atoi(digits)
		if err != nil {
			t.errorf(t.pos(n, s, numOff), "state number %s is out of range", clip(digits))
			t.st = &tlcState{skip: true}
			return
		}
		t.header(n, trimmed, num, end)
	case t.headerless && isVarLine(trimmed):
		t.headerless = false
		t.startState(len(t.stateList())+1, Pos{File: t.file, Line: n, Col: 1}, nil)
		t.body(n, s)
	case t.inError:
		t.violation = append(t.violation, trimmed)
	case trimmed == "--End Error.":
	default: // error text not followed by a trace
		t.violation = nil
		t.headerless = false
	}
}

// startsBlock reports whether a line of plain output ends the state before
// it: an error message or another state header.
func startsBlock(s string) bool {
	return strings.HasPrefix(s, "Error: ") || isStateHeader(s) || strings.HasPrefix(s, "Back to state")
}

func isStateHeader(s string) bool {
	_, _, _, ok := cutStateHeader(s)
	return ok
}

// isVarLine reports whether s starts a state's variables.
func isVarLine(s string) bool {
	if strings.HasPrefix(s, `/\ `) {
		return true
	}
	name, _, ok := strings.Cut(s, " = ")
	return ok && validVarName(name)
}

func validVarName(s string) bool {
	letter := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
			letter = true
		case c == '_', '0' <= c && c <= '9':
		default:
			return false
		}
	}
	return letter
}

// TLC's messages that introduce a trace rather than say what is wrong.
var traceIntros = []string{
	"The behavior up to this point is:",
	"The following behavior constitutes a counter-example:",
	"The error state is:",
}

// errorMessage handles the first line of one of TLC's error messages,
// without "Error: ".
func (t *tlcReader) errorMessage(n int, text string) {
	t.endBlock()
	if t.cur != nil {
		t.closeTrace()
	}
	t.inError = true
	text = strings.TrimRight(text, " \t")
	for _, intro := range traceIntros {
		if text == intro {
			t.inError = false
			t.headerless = intro == "The error state is:"
			return
		}
	}
	// "Invariant Inv is violated by the initial state:" and the like say
	// what is wrong, and the state follows without a header.
	if strings.HasSuffix(text, " by the initial state:") || strings.HasSuffix(text, "by the initial predicate:") {
		t.violation = append(t.violation, strings.TrimSuffix(text, ":")+".")
		t.inError = false
		t.headerless = true
		return
	}
	t.violation = append(t.violation, text)
}

// toolHeader handles the first line of a -tool state message: "3: <...>",
// "10: Stuttering" or "10: Back to state: <...>".
func (t *tlcReader) toolHeader(n int, s string, code int) {
	s = strings.TrimRight(s, " \t")
	if code == codeBackToState || isBackToState(s) {
		t.backToState(n, s, code)
		return
	}
	digits, end, ok := cutNumber(s)
	if !ok {
		t.errorf(t.pos(n, s, 0), `expected a state header "N: <action>", got %q`, clip(s))
		t.st = &tlcState{skip: true}
		return
	}
	num, err := strconv.Atoi(digits)
	if err != nil {
		t.errorf(t.pos(n, s, 0), "state number %s is out of range", clip(digits))
		t.st = &tlcState{skip: true}
		return
	}
	t.header(n, s, num, end)
}

// stateList returns the states of the current trace.
func (t *tlcReader) stateList() []State {
	if t.cur == nil || t.ended {
		return nil
	}
	return t.cur.States
}

// header handles a state header: line s of number n, state num, the label
// starting after byte off.
func (t *tlcReader) header(n int, s string, num, off int) {
	rest := strings.TrimLeft(s[off:], " ")
	restOff := len(s) - len(rest)
	pos := Pos{File: t.file, Line: n, Col: 1}
	switch {
	case rest == "Stuttering":
		if t.cur == nil || t.ended || num != len(t.cur.States)+1 {
			t.errorf(pos, "state %d: Stuttering must follow state %d of a trace", num, num-1)
			return
		}
		t.cur.Stuttering = true
		t.ended = true
		return
	case rest == "":
		t.startState(num, pos, nil)
		return
	case !strings.HasPrefix(rest, "<") || !strings.HasSuffix(rest, ">"):
		t.errorf(t.pos(n, s, restOff), "expected <action>, Stuttering or Back to state after %q, got %q", strings.TrimSpace(s[:off]), clip(rest))
		t.st = &tlcState{skip: true}
		return
	}
	var action *Action
	label := rest[1 : len(rest)-1]
	if label != "Initial predicate" && num != 1 {
		a, err := t.parseLabel(n, s, restOff+1, label)
		if err != nil {
			t.addErr(err)
			t.st = &tlcState{skip: true}
			return
		}
		action = a
	}
	t.startState(num, pos, action)
}

var locationRE = regexp.MustCompile(`(?:^| )(line [0-9]+, col [0-9]+ to line [0-9]+, col [0-9]+ of module \S+)$`)

// parseLabel parses an action label, the text between < and > that starts
// at byte off of line s: "RMPrepare(r2) line 41, col 17 to line 44, col
// 52 of module TwoPhase", "Next line 5, ...", or just "Next".
func (t *tlcReader) parseLabel(n int, s string, off int, label string) (*Action, error) {
	a := &Action{}
	name := label
	if m := locationRE.FindStringSubmatchIndex(label); m != nil {
		a.Location = label[m[2]:]
		name = strings.TrimRight(label[:m[0]], " ")
	}
	if open := strings.IndexByte(name, '('); open >= 0 {
		if !strings.HasSuffix(name, ")") {
			return nil, errorf(t.pos(n, s, off+len(name)), `expected ")" after the arguments of %s`, name[:open])
		}
		args, err := parseArgs(t.pos(n, s, off+open+1), name[open+1:len(name)-1])
		if err != nil {
			return nil, err
		}
		a.Args = args
		name = name[:open]
	}
	if name == "" || strings.ContainsAny(name, " \t") {
		return nil, errorf(t.pos(n, s, off), "expected an action name, got %q", clip(label))
	}
	if name == "Action" && a.Args == nil && a.Location != "" {
		// TLC before 2019 wrote the word Action, not the action's name.
		name = ""
	}
	a.Name = name
	return a, nil
}

// startState begins state num, whose header is at pos.
func (t *tlcReader) startState(num int, pos Pos, action *Action) {
	t.endBlock()
	t.inError, t.headerless = false, false
	if t.cur == nil || t.ended || num == 1 && len(t.cur.States) > 0 {
		if num != 1 {
			t.errorf(pos, "state %d does not follow a state %d", num, num-1)
			t.st = &tlcState{skip: true}
			return
		}
		t.closeTrace()
		t.cur = &Trace{Format: "tlc", File: t.file, Loop: -1, Violation: strings.Join(t.violation, "\n")}
		t.violation = nil
		t.traces = append(t.traces, t.cur)
	}
	if want := len(t.cur.States) + 1; num != want {
		t.errorf(pos, "state %d follows state %d; want state %d", num, want-1, want)
		t.st = &tlcState{skip: true}
		return
	}
	t.st = &tlcState{num: num, pos: pos, action: action}
}

// backToState handles "Back to state K[: <action>]", or in -tool mode
// "K: Back to state[: <action>]".
func (t *tlcReader) backToState(n int, s string, code int) {
	t.endBlock()
	m := backToStateRE.FindStringSubmatch(s)
	pos := Pos{File: t.file, Line: n, Col: 1}
	if m == nil {
		t.errorf(pos, `expected "N: Back to state", got %q`, clip(s))
		return
	}
	k := m[2]
	if k == "" {
		k = m[1]
	}
	target, err := strconv.Atoi(k)
	if k == "" || err != nil {
		t.errorf(pos, "Back to state: missing or invalid state number in %q", clip(s))
		return
	}
	if t.cur == nil || t.ended {
		t.errorf(pos, "Back to state %d outside a trace", target)
		return
	}
	states := t.cur.States
	if target < 1 || target > len(states) {
		t.errorf(pos, "Back to state %d, but the trace has states 1 to %d", target, len(states))
		return
	}
	// Older TLC versions (before 2020) print the state the lasso returns
	// to once more before this line. That copy follows a different state:
	// TLC prints no stuttering steps inside a behavior.
	if last := len(states) - 1; last > target-1 && sameState(states[last], states[target-1]) && !sameState(states[last], states[last-1]) {
		t.cur.States = states[:last]
	}
	t.cur.Loop = target - 1
	t.ended = true
}

func sameState(a, b State) bool {
	if len(a.Vars) != len(b.Vars) {
		return false
	}
	for k, v := range a.Vars {
		w, ok := b.Vars[k]
		if !ok || !Equal(v, w) {
			return false
		}
	}
	return true
}

// body handles a line of a state's variables.
func (t *tlcReader) body(n int, s string) {
	st := t.st
	if st.skip {
		return
	}
	lead := len(s) - len(strings.TrimLeft(s, " \t"))
	trimmed := s[lead:]
	conj := strings.HasPrefix(trimmed, `/\ `) || strings.TrimRight(trimmed, " \t") == `/\`
	if !conj && len(st.vars) > 0 {
		v := &st.vars[len(st.vars)-1]
		if v.tooLong {
			return
		}
		if v.text.Len()+1+len(s) > maxValueLen {
			t.errorf(v.valPos, "value of %s is longer than %d MiB", v.name, maxValueLen>>20)
			v.tooLong = true
			return
		}
		v.text.WriteByte('\n')
		v.text.WriteString(s)
		return
	}
	start := lead
	if conj {
		start += 2
		for start < len(s) && s[start] == ' ' {
			start++
		}
	}
	rest := s[start:]
	eq := strings.Index(rest, " =")
	if eq < 0 || !(eq+2 == len(rest) || rest[eq+2] == ' ') {
		want := `"/\ variable = value"`
		if len(st.vars) == 0 && !conj {
			want = `"/\ variable = value" or "variable = value"`
		}
		t.errorf(t.pos(n, s, start), "state %d: expected %s, got %q", st.num, want, clip(trimmed))
		st.skip = true
		return
	}
	name := strings.TrimSpace(rest[:eq])
	if !validVarName(name) {
		t.errorf(t.pos(n, s, start), "state %d: expected a variable name, got %q", st.num, clip(name))
		st.skip = true
		return
	}
	vstart := start + eq + 2
	if vstart < len(s) {
		vstart++ // the space after =
	}
	st.vars = append(st.vars, tlcVar{name: name, namePos: t.pos(n, s, start), valPos: t.pos(n, s, vstart)})
	st.vars[len(st.vars)-1].text.WriteString(s[vstart:])
}

// endBlock ends the state being read, if any: it parses the values and
// adds the state to the trace.
func (t *tlcReader) endBlock() {
	st := t.st
	if st == nil {
		return
	}
	t.st = nil
	if st.skip {
		return
	}
	tr := t.cur
	first := len(tr.States) == 0
	vals := make(map[string]Value, len(tr.Vars)+len(st.vars))
	if !first {
		for k, v := range tr.States[len(tr.States)-1].Vars {
			vals[k] = v
		}
	}
	seen := make(map[string]Pos, len(st.vars))
	ok := true
	for i := range st.vars {
		v := &st.vars[i]
		if p, dup := seen[v.name]; dup {
			t.errorf(v.namePos, "state %d: variable %s appears twice (first at line %d)", st.num, v.name, p.Line)
			ok = false
			continue
		}
		seen[v.name] = v.namePos
		if first {
			tr.Vars = append(tr.Vars, v.name)
		} else if _, known := vals[v.name]; !known {
			msg := fmt.Sprintf("state %d: unknown variable %s; state 1 has %s", st.num, v.name, strings.Join(tr.Vars, ", "))
			if s := suggest.Closest(v.name, tr.Vars); s != "" {
				msg = fmt.Sprintf("state %d: unknown variable %s (did you mean %s?)", st.num, v.name, s)
			}
			t.errorf(v.namePos, "%s", msg)
			ok = false
			continue
		}
		if v.tooLong {
			ok = false
			continue
		}
		val, err := t.parse(v.name, v.valPos, v.text.String())
		if err != nil {
			t.addErr(err)
			ok = false
			continue
		}
		vals[v.name] = val
	}
	if !ok && first {
		// Keep the state so that later states are checked against the
		// variables it names.
		for _, v := range st.vars {
			if _, has := vals[v.name]; !has {
				vals[v.name] = Value{}
			}
		}
	}
	tr.States = append(tr.States, State{Vars: vals, Action: st.action, Pos: st.pos})
}

// parse parses the value text of variable name, which starts at start.
func (t *tlcReader) parse(name string, start Pos, text string) (Value, error) {
	if p, ok := t.last[name]; ok && p.text == text {
		return moved(p.val, p.start, start), nil
	}
	v, err := parseValueAt(start, text)
	if err != nil {
		return Value{}, err
	}
	if t.last == nil {
		t.last = make(map[string]parsedText)
	}
	t.last[name] = parsedText{text, start, v}
	return v, nil
}

// moved returns a copy of v, parsed from text that started at from, as if
// the same text had started at to: values on the first line move by lines
// and columns, values on later lines by lines only.
func moved(v Value, from, to Pos) Value {
	if v.Pos.Line == from.Line {
		v.Pos.Col += to.Col - from.Col
	}
	v.Pos.Line += to.Line - from.Line
	switch v.Kind {
	case Set, Seq, Tuple:
		es := make([]Value, len(v.Elems))
		for i, e := range v.Elems {
			es[i] = moved(e, from, to)
		}
		v.Elems = es
	case Record:
		fs := make([]Field, len(v.Fields))
		for i, f := range v.Fields {
			fs[i] = Field{f.Name, moved(f.Value, from, to)}
		}
		v.Fields = fs
	case Func:
		ps := make([]Pair, len(v.Pairs))
		for i, p := range v.Pairs {
			ps[i] = Pair{moved(p.Key, from, to), moved(p.Value, from, to)}
		}
		v.Pairs = ps
	}
	return v
}

// closeTrace ends the current trace.
func (t *tlcReader) closeTrace() {
	t.endBlock()
	t.cur = nil
	t.ended = false
}

// clip shortens s for an error message.
func clip(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
