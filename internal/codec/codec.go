// Package codec fingerprints and copies the states of a model: a canonical
// encoding and a deep copy per state type, built once by reflection and
// cached (or the type's own, through model.Keyer and model.Cloner), a
// 64-bit hash, and an arena that the explorer copies states into. It is
// the explorer's hot path; users reach it through model.Model's Clone and
// Fingerprint.
package codec

import (
	"fmt"
	"reflect"
	"sync"
	"unsafe"
)

// Keyer is model.Keyer: a state type's own canonical encoding.
type Keyer interface {
	AppendKey(dst []byte) []byte
}

// Cloner is model.Cloner: a state type's own deep copy.
type Cloner[S any] interface {
	Clone() S
}

// Codec fingerprints and copies values of type S. It is safe for concurrent
// use. Build one with [For]; it is cached per type.
type Codec[S any] struct {
	typ       reflect.Type
	enc       encFn
	key       func(dst []byte, s *S) []byte
	clone     cloneFn
	into      intoFn
	userClone func(s *S) S
}

// Type returns the state type.
func (c *Codec[S]) Type() reflect.Type { return c.typ }

var codecs sync.Map // reflect.Type -> any (*Codec[S])

// For returns the codec for S, building it on first use. It returns an
// error when S cannot be a state: it contains a func, a channel or an unsafe
// pointer that is not hidden behind a [Keyer] and a [Cloner].
func For[S any]() (*Codec[S], error) {
	t := reflect.TypeFor[S]()
	if c, ok := codecs.Load(t); ok {
		return c.(*Codec[S]), nil
	}
	c := &Codec[S]{typ: t}
	var zero S
	switch any(zero).(type) {
	case Keyer:
		c.key = func(dst []byte, s *S) []byte { return any(*s).(Keyer).AppendKey(dst) }
	default:
		if _, ok := any(&zero).(Keyer); ok {
			c.key = func(dst []byte, s *S) []byte { return any(s).(Keyer).AppendKey(dst) }
		}
	}
	if _, ok := any(zero).(Cloner[S]); ok {
		c.userClone = func(s *S) S { return any(*s).(Cloner[S]).Clone() }
	} else if _, ok := any(&zero).(Cloner[S]); ok {
		c.userClone = func(s *S) S { return any(s).(Cloner[S]).Clone() }
	}
	if c.key == nil {
		enc, err := encoderFor(t)
		if err != nil {
			return nil, fmt.Errorf("state type %v: %w", t, err)
		}
		c.enc = enc
	}
	if c.userClone == nil {
		cl, err := clonerFor(t)
		if err != nil {
			return nil, fmt.Errorf("state type %v: %w", t, err)
		}
		c.clone = cl
		c.into = buildInto(t, cl)
	}
	actual, _ := codecs.LoadOrStore(t, c)
	return actual.(*Codec[S]), nil
}

// Append appends the canonical encoding of *s to dst.
func (c *Codec[S]) Append(dst []byte, s *S) []byte {
	if c.key != nil {
		return c.key(dst, s)
	}
	return c.enc(dst, unsafe.Pointer(s))
}

// Fingerprint returns the fingerprint of *s. buf is scratch space; the
// possibly grown buffer is returned for reuse, so a loop allocates nothing:
//
//	fp, buf = codec.Fingerprint(buf, &s)
func (c *Codec[S]) Fingerprint(buf []byte, s *S) (uint64, []byte) {
	buf = c.Append(buf[:0], s)
	return Hash(buf), buf
}

// Clone returns a deep copy of *s that shares no mutable memory with it.
func (c *Codec[S]) Clone(s *S) S {
	if c.userClone != nil {
		return c.userClone(s)
	}
	d := *s
	if c.clone != nil {
		c.clone(unsafe.Pointer(&d), unsafe.Pointer(s))
	}
	return d
}

// Flat reports whether S holds no references (maps, slices, pointers,
// interfaces), so that assignment copies it completely.
func (c *Codec[S]) Flat() bool { return c.userClone == nil && c.clone == nil }
