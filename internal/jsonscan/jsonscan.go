package jsonscan

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits of the scanner. Inputs beyond them are refused with an error
// rather than exhausting memory or the stack.
const (
	MaxSize  = 1 << 30 // bytes of input
	MaxDepth = 1000    // nesting of arrays and objects
)

// Error is the problem a [Scanner] stopped at.
type Error struct {
	// Line and Col are where the problem is, from 1; Col counts bytes.
	// Both are 0 for a problem with the whole input (it is too large).
	Line, Col int
	// Msg is the message, with the [Scanner.Prefix] of the time.
	Msg string
}

// Error renders the problem as line:col: message.
func (e *Error) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Col) + ": " + e.Msg
}

// Scanner reads one JSON input. [Scanner.Peek] and the methods that read
// a whole piece ([Scanner.Key], [Scanner.Expect], [Scanner.SkipValue],
// [Scanner.Names], [Scanner.Object], [Scanner.Array]) skip white space
// first; [Scanner.Str], [Scanner.Number] and [Scanner.Literal] read at the
// current offset, where Peek has found their first byte. Only the first
// problem is kept: callers check [Scanner.Err] after each piece they
// need.
type Scanner struct {
	// Prefix, if not nil, returns what to put before a problem's message,
	// such as "state 3: variable x: ". It is called when a problem is
	// recorded, so it may depend on what the caller is reading.
	Prefix func() string

	data      []byte
	src       string // string(data), for substrings
	off       int
	line      int
	lineStart int // offset of the first byte of the current line
	depth     int
	err       *Error
	buf       []byte // unescaping
}

// New returns a scanner of data. An input over [MaxSize] bytes is a
// problem right away.
func New(data []byte) *Scanner {
	s := &Scanner{data: data, src: string(data), line: 1}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF { // BOM
		s.off, s.lineStart = 3, 3
	}
	if len(data) > MaxSize {
		s.err = &Error{Msg: fmt.Sprintf("input is %d bytes; the limit is %d", len(data), MaxSize)}
	}
	return s
}

// Err returns the problem the scanner stopped at, or nil.
func (s *Scanner) Err() *Error { return s.err }

// Off returns the current offset in the input.
func (s *Scanner) Off() int { return s.off }

// Pos returns the line and column of off, which must be on the current
// line (at or after the start of what the last call read).
func (s *Scanner) Pos(off int) (line, col int) {
	return s.line, off - s.lineStart + 1
}

func (s *Scanner) prefix() string {
	if s.Prefix == nil {
		return ""
	}
	return s.Prefix()
}

// FailAt records a problem at off, which must be on the current line,
// unless there is one already.
func (s *Scanner) FailAt(off int, format string, args ...any) {
	if s.err == nil {
		line, col := s.Pos(off)
		s.err = &Error{Line: line, Col: col, Msg: s.prefix() + fmt.Sprintf(format, args...)}
	}
}

// FailPos records a problem at line and col, unless there is one already.
func (s *Scanner) FailPos(line, col int, format string, args ...any) {
	if s.err == nil {
		s.err = &Error{Line: line, Col: col, Msg: s.prefix() + fmt.Sprintf(format, args...)}
	}
}

// Found describes the input at the current offset for "expected X, found
// Y" messages: a quoted character, or "end of input".
func (s *Scanner) Found() string {
	if s.off >= len(s.data) {
		return "end of input"
	}
	r, _ := utf8.DecodeRune(s.data[s.off:])
	return strconv.QuoteRune(r)
}

func (s *Scanner) skipWS() {
	for s.off < len(s.data) {
		switch s.data[s.off] {
		case ' ', '\t', '\r':
			s.off++
		case '\n':
			s.off++
			s.line++
			s.lineStart = s.off
		default:
			return
		}
	}
}

// Peek skips white space and returns the next byte, or 0 at the end (see
// [Scanner.AtEnd]).
func (s *Scanner) Peek() byte {
	s.skipWS()
	if s.off >= len(s.data) {
		return 0
	}
	return s.data[s.off]
}

// AtEnd reports whether the whole input has been read.
func (s *Scanner) AtEnd() bool { return s.off >= len(s.data) }

// PeekOff skips white space and returns the offset of the next byte.
func (s *Scanner) PeekOff() int {
	s.skipWS()
	return s.off
}

// Consume moves past the byte [Scanner.Peek] returned, which must be
// punctuation such as '{' or ','.
func (s *Scanner) Consume() { s.off++ }

// Expect skips white space and consumes c, or records a problem saying
// that what was expected.
func (s *Scanner) Expect(c byte, what string) bool {
	if s.Peek() != c {
		s.FailAt(s.off, "expected %s, found %s", what, s.Found())
		return false
	}
	s.off++
	return true
}

// Enter counts one more level of nesting, before the caller reads the
// members of an array or object; it records a problem and returns false
// beyond [MaxDepth] levels.
func (s *Scanner) Enter() bool {
	s.depth++
	if s.depth > MaxDepth {
		s.FailAt(s.off, "values nested deeper than %d", MaxDepth)
		return false
	}
	return true
}

// Leave ends the level of nesting that [Scanner.Enter] began.
func (s *Scanner) Leave() { s.depth-- }

// Str reads a string at the current offset, which must be '"'.
func (s *Scanner) Str() (string, bool) {
	data := s.data
	start := s.off + 1
	i := start
	for i < len(data) {
		c := data[i]
		if c == '"' {
			s.off = i + 1
			return s.src[start:i], true
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			return s.strSlow(start, i)
		}
		i++
	}
	s.FailAt(s.off, "unterminated string")
	return "", false
}

// strSlow continues reading a string from i, where there is an escape,
// a control character or a non-ASCII byte. Invalid UTF-8 becomes U+FFFD,
// as in encoding/json.
func (s *Scanner) strSlow(start, i int) (string, bool) {
	data := s.data
	b := s.buf[:0]
	copied := false // b holds data[start:i] plus decoded escapes
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			s.off = i + 1
			if !copied {
				return s.src[start:i], true
			}
			s.buf = b
			return string(b), true
		case c < 0x20:
			s.FailAt(i, "invalid control character %s in string", strconv.QuoteRune(rune(c)))
			return "", false
		case c < 0x80 && c != '\\':
			if copied {
				b = append(b, c)
			}
			i++
		case c >= 0x80:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				if !copied {
					b, copied = append(b, data[start:i]...), true
				}
				b = utf8.AppendRune(b, utf8.RuneError)
			} else if copied {
				b = append(b, data[i:i+size]...)
			}
			i += size
		default: // backslash
			if !copied {
				b, copied = append(b, data[start:i]...), true
			}
			if i+1 >= len(data) {
				s.FailAt(s.off, "unterminated string")
				return "", false
			}
			e := data[i+1]
			switch e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := s.hex4(i + 2)
				if !ok {
					s.FailAt(i, "invalid escape \\u in string: want four hex digits")
					return "", false
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if r2, ok := s.hex4(i + 2); ok && i+1 < len(data) && data[i] == '\\' && data[i+1] == 'u' {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							i += 6
							b = utf8.AppendRune(b, dec)
							continue
						}
					}
					r = utf8.RuneError
				}
				b = utf8.AppendRune(b, r)
				continue
			default:
				s.FailAt(i, "invalid escape %s in string", strconv.Quote(string(data[i:i+2])))
				return "", false
			}
			i += 2
		}
	}
	s.FailAt(s.off, "unterminated string")
	return "", false
}

func (s *Scanner) hex4(i int) (rune, bool) {
	if i+4 > len(s.data) {
		return 0, false
	}
	var r rune
	for _, c := range s.data[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*16 + rune(c)
	}
	return r, true
}

// Key reads an object key and the colon after it.
func (s *Scanner) Key() (string, bool) {
	if s.Peek() != '"' {
		s.FailAt(s.off, "expected a string key, found %s", s.Found())
		return "", false
	}
	k, ok := s.Str()
	if !ok {
		return "", false
	}
	if s.Peek() != ':' {
		s.FailAt(s.off, "expected ':' after key %s, found %s", strconv.Quote(k), s.Found())
		return "", false
	}
	s.off++
	return k, true
}

// Literal consumes word (true, false, null) at the current offset, or
// records a problem.
func (s *Scanner) Literal(word string) bool {
	if strings.HasPrefix(s.src[s.off:], word) {
		s.off += len(word)
		return true
	}
	s.FailAt(s.off, "expected a value, found %s", s.Found())
	return false
}

// numberEnd returns the end of the JSON number starting at i, and
// whether it is an integer; ok is false if it is not a JSON number.
func (s *Scanner) numberEnd(i int) (end int, integer, ok bool) {
	data := s.data
	if i < len(data) && data[i] == '-' {
		i++
	}
	ds := i
	for i < len(data) && '0' <= data[i] && data[i] <= '9' {
		i++
	}
	if i == ds || (i-ds > 1 && data[ds] == '0') {
		return i, false, false
	}
	integer = true
	if i < len(data) && data[i] == '.' {
		integer = false
		i++
		fs := i
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
		if i == fs {
			return i, false, false
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		integer = false
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		es := i
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
		if i == es {
			return i, false, false
		}
	}
	return i, integer, true
}

// badNumber quotes the text of an invalid number for a message.
func (s *Scanner) badNumber(start, end int) string {
	if end == start || s.src[start:end] == "-" {
		end = min(end+1, len(s.src))
	}
	return strconv.Quote(s.src[start:end])
}

// Number reads a JSON number at the current offset, which must be '-' or
// a digit, and says whether it is an integer (no fraction, no exponent).
// A malformed number is a problem ("invalid number").
func (s *Scanner) Number() (text string, integer, ok bool) {
	start := s.off
	end, integer, ok := s.numberEnd(start)
	if !ok {
		s.FailAt(start, "invalid number %s", s.badNumber(start, end))
		return "", false, false
	}
	s.off = end
	return s.src[start:end], integer, true
}

// SkipValue checks and skips any JSON value and returns its text, a part
// of the input; nil after a problem.
func (s *Scanner) SkipValue() []byte {
	start := s.PeekOff()
	s.skipValue()
	if s.err != nil {
		return nil
	}
	return s.data[start:s.off]
}

func (s *Scanner) skipValue() {
	switch s.Peek() {
	case '"':
		s.Str()
	case '{', '[':
		open := s.Peek()
		closer, kind := byte('}'), "object"
		if open == '[' {
			closer, kind = ']', "array"
		}
		if !s.Enter() {
			return
		}
		s.off++
		if s.Peek() == closer {
			s.off++
			s.depth--
			return
		}
		for s.err == nil {
			if open == '{' {
				if _, ok := s.Key(); !ok {
					return
				}
			}
			s.skipValue()
			if s.err != nil {
				return
			}
			c := s.Peek()
			if c == closer {
				s.off++
				s.depth--
				return
			}
			if c != ',' {
				s.FailAt(s.off, "expected ',' or '%c' in %s, found %s", closer, kind, s.Found())
				return
			}
			s.off++
		}
	case 't':
		s.Literal("true")
	case 'f':
		s.Literal("false")
	case 'n':
		s.Literal("null")
	default:
		start := s.off
		end, _, ok := s.numberEnd(start)
		if !ok || start >= len(s.data) {
			if start < len(s.data) && (s.data[start] == '-' || '0' <= s.data[start] && s.data[start] <= '9') {
				s.FailAt(start, "invalid number %s", s.badNumber(start, end))
			} else {
				s.FailAt(start, "expected a value, found %s", s.Found())
			}
			return
		}
		s.off = end
	}
}

// Names reads an array of distinct strings, such as ITF's vars; what
// names the array in messages. An empty array gives an empty, non-nil
// slice.
func (s *Scanner) Names(what string) []string {
	if s.Peek() != '[' {
		s.FailAt(s.off, "%s: expected an array of strings, found %s", what, s.Found())
		return nil
	}
	s.off++
	var out []string
	if s.Peek() == ']' {
		s.off++
		return []string{}
	}
	for {
		if s.Peek() != '"' {
			s.FailAt(s.off, "%s: expected a string, found %s", what, s.Found())
			return nil
		}
		off := s.off
		str, ok := s.Str()
		if !ok {
			return nil
		}
		if slices.Contains(out, str) {
			s.FailAt(off, "%s: %s is listed twice", what, strconv.Quote(str))
			return nil
		}
		out = append(out, str)
		c := s.Peek()
		if c == ']' {
			s.off++
			return out
		}
		if c != ',' {
			s.FailAt(s.off, "expected ',' or ']' in %s, found %s", what, s.Found())
			return nil
		}
		s.off++
	}
}

// Object reads an object at the current offset, calling each with every
// key and the key's offset; each must read the key's value. what names
// the object in messages ("expected ',' or '}' in the state").
func (s *Scanner) Object(what string, each func(key string, keyOff int)) {
	if !s.Expect('{', "an object") || !s.Enter() {
		return
	}
	if s.Peek() == '}' {
		s.off++
		s.depth--
		return
	}
	for s.err == nil {
		keyOff := s.PeekOff()
		k, ok := s.Key()
		if !ok {
			return
		}
		each(k, keyOff)
		if s.err != nil {
			return
		}
		c := s.Peek()
		if c == '}' {
			s.off++
			s.depth--
			return
		}
		if c != ',' {
			s.FailAt(s.off, "expected ',' or '}' in %s, found %s", what, s.Found())
			return
		}
		s.off++
	}
}

// Array reads an array at the current offset, calling each to read every
// element. what names the array in messages.
func (s *Scanner) Array(what string, each func()) {
	if s.Peek() != '[' {
		s.FailAt(s.off, "%s: expected an array, found %s", what, s.Found())
		return
	}
	if !s.Enter() {
		return
	}
	s.off++
	if s.Peek() == ']' {
		s.off++
		s.depth--
		return
	}
	for s.err == nil {
		each()
		if s.err != nil {
			return
		}
		c := s.Peek()
		if c == ']' {
			s.off++
			s.depth--
			return
		}
		if c != ',' {
			s.FailAt(s.off, "expected ',' or ']' in %s, found %s", what, s.Found())
			return
		}
		s.off++
	}
}

// End checks that only white space follows the top-level value, what.
func (s *Scanner) End(what string) {
	if s.err != nil {
		return
	}
	if s.skipWS(); s.off < len(s.data) {
		s.FailAt(s.off, "unexpected %s after the %s", s.Found(), what)
	}
}
