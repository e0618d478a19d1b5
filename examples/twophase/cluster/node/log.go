package node

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// A Log is a durable append-only log of records, one line each, in a file.
// Append returns only once the record is on disk (fsync): a record that
// Append returned for survives a crash of the process. A crash in the middle
// of an Append leaves at most a partial last line, which reading ignores.
type Log struct {
	f *os.File
}

// OpenLog opens the log in file path, creating it and its directory if
// needed, and returns it with the records it holds.
func OpenLog(path string) (*Log, []string, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, nil, err
	}
	recs, size, err := readLog(path)
	if err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, nil, err
	}
	l := &Log{f: f}
	// Cut a partial last line, so that the next record starts a line.
	if err := l.truncate(size); err != nil {
		f.Close()
		return nil, nil, err
	}
	return l, recs, nil
}

// ReadLog returns the complete records of the log in file path; a file that
// does not exist is an empty log. It does not change the file, so it also
// reads the log of a node that is down.
func ReadLog(path string) ([]string, error) {
	recs, _, err := readLog(path)
	return recs, err
}

// readLog returns the complete records of the log in file path and their
// size in bytes.
func readLog(path string) ([]string, int64, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	data = data[:bytes.LastIndexByte(data, '\n')+1]
	var recs []string
	for line := range strings.Lines(string(data)) {
		recs = append(recs, strings.TrimSuffix(line, "\n"))
	}
	return recs, int64(len(data)), nil
}

// Append writes rec as the log's next record and syncs it to disk.
func (l *Log) Append(rec string) error {
	if rec == "" || strings.ContainsRune(rec, '\n') {
		return fmt.Errorf("node: bad log record %q", rec)
	}
	if _, err := l.f.WriteString(rec + "\n"); err != nil {
		return err
	}
	return l.f.Sync()
}

// Truncate empties the log, durably.
func (l *Log) Truncate() error { return l.truncate(0) }

func (l *Log) truncate(size int64) error {
	if err := l.f.Truncate(size); err != nil {
		return err
	}
	return l.f.Sync()
}

// Close closes the log's file.
func (l *Log) Close() error { return l.f.Close() }
