// Package jsonscan reads JSON a piece at a time, for mbt's readers of
// JSON trace files (package tlaimport's ITF and TLC -dumpTrace json
// readers), which build their values as they read instead of going
// through a generic JSON tree.
//
// A [Scanner] keeps the offset, line and column in its input. Its caller
// looks at the next byte ([Scanner.Peek]) and reads the piece that starts
// there: a string ([Scanner.Str]), an object key ([Scanner.Key]), a number
// ([Scanner.Number]), a literal ([Scanner.Literal]), a whole value it has
// no use for ([Scanner.SkipValue]), an array of names ([Scanner.Names]),
// or the members of an object or array through a callback
// ([Scanner.Object], [Scanner.Array]). Arrays and objects the caller reads
// itself count their nesting with [Scanner.Enter] and [Scanner.Leave].
//
// The scanner keeps the first problem it meets ([Scanner.Err]); what is
// read after it is meaningless, so callers check after each piece. An
// [Error] has the line and column (columns count bytes, from 1) and a
// message that says what was expected and what was found, such as
// "expected ',' or ']' in array, found '}'". [Scanner.Prefix] puts the
// caller's context in front ("state 3: variable x: "). Inputs over
// [MaxSize] bytes and values nested deeper than [MaxDepth] levels are
// refused.
//
// Strings are read as encoding/json reads them: invalid UTF-8 and lone
// surrogates become U+FFFD. A string without escapes is a substring of one
// copy of the input, so the strings read keep that copy alive. A leading
// byte order mark is skipped.
//
// It is not a public package because only tlaimport reads JSON this way;
// anything else in mbt uses encoding/json.
package jsonscan
