package twophase

import (
	"fmt"
	"strings"

	"github.com/mbtgo/mbt/tlaimport"
)

// DecodeTLA decodes msgs, the set of messages of TwoPhase.tla, as TLC
// prints it ([type |-> "Prepared", rm |-> r1], [type |-> "Commit"],
// [type |-> "Abort"]) or as Quint's twoPhaseCommit.qnt writes it (the
// variants MsgPrepared("rm1"), MsgCommit, MsgAbort); a sequence, as TLC's
// -dumpTrace json writes the set, is read as the set. Resource managers
// are numbered by tlaimport's numbering rule: r1 is 0. Prepared keeps its
// length, so decode into a copy of the initial state to get one entry per
// resource manager.
func (m *Msgs) DecodeTLA(v tlaimport.Value) error {
	if v.Kind != tlaimport.Set && v.Kind != tlaimport.Seq {
		return fmt.Errorf("want a set of messages, got %s", v.Kind)
	}
	prepared := make([]bool, len(m.Prepared))
	var commit, abort bool
	for _, msg := range v.Elems {
		kind, rm, err := message(msg)
		if err != nil {
			return fmt.Errorf("message %v: %w", msg, err)
		}
		switch kind {
		case "Prepared":
			var r int
			if err := tlaimport.Decode(rm, &r); err != nil {
				return fmt.Errorf("message %v: resource manager: %w", msg, err)
			}
			for len(prepared) <= r {
				prepared = append(prepared, false)
			}
			prepared[r] = true
		case "Commit":
			commit = true
		case "Abort":
			abort = true
		default:
			return fmt.Errorf("message %v: unknown type %q; want Prepared, Commit or Abort", msg, kind)
		}
	}
	m.Prepared, m.Commit, m.Abort = prepared, commit, abort
	return nil
}

// message returns the type of a message and its resource manager, from a
// TLC record or a Quint variant.
func message(msg tlaimport.Value) (kind string, rm tlaimport.Value, err error) {
	if msg.Kind != tlaimport.Record {
		return "", rm, fmt.Errorf("want a record, got %s", msg.Kind)
	}
	if typ, ok := msg.Field("type"); ok && typ.Kind == tlaimport.String {
		rm, _ = msg.Field("rm")
		if typ.Str == "Prepared" && rm.Kind != tlaimport.ModelValue && rm.Kind != tlaimport.String {
			return "", rm, fmt.Errorf("a Prepared message needs an rm field naming a resource manager")
		}
		return typ.Str, rm, nil
	}
	if tag, ok := msg.Field("tag"); ok && tag.Kind == tlaimport.String {
		rm, _ = msg.Field("value")
		switch tag.Str {
		case "MsgPrepared":
			return "Prepared", rm, nil
		case "MsgCommit":
			return "Commit", rm, nil
		case "MsgAbort":
			return "Abort", rm, nil
		}
		return tag.Str, rm, nil
	}
	return "", rm, fmt.Errorf("want a record with a type field or a variant")
}

// EncodeTLA encodes the messages as TwoPhase.tla's msgs: a set of records
// [type |-> "Prepared", rm |-> r1], [type |-> "Commit"] and
// [type |-> "Abort"], resource managers as model values r1, r2, ...
func (m Msgs) EncodeTLA() (tlaimport.Value, error) {
	var msgs []tlaimport.Value
	for r, p := range m.Prepared {
		if p {
			msgs = append(msgs, tlaimport.RecordValue(
				tlaimport.Field{Name: "type", Value: tlaimport.StringValue("Prepared")},
				tlaimport.Field{Name: "rm", Value: tlaimport.ModelValueOf(RMName(r))}))
		}
	}
	if m.Commit {
		msgs = append(msgs, tlaimport.RecordValue(tlaimport.Field{Name: "type", Value: tlaimport.StringValue("Commit")}))
	}
	if m.Abort {
		msgs = append(msgs, tlaimport.RecordValue(tlaimport.Field{Name: "type", Value: tlaimport.StringValue("Abort")}))
	}
	return tlaimport.SetValue(msgs...), nil
}

// DecodeTLA decodes a resource manager's state from the string TLC prints
// ("working") or from the variant Quint's twoPhaseCommit.qnt writes
// (Working).
func (s *RMState) DecodeTLA(v tlaimport.Value) error {
	name, err := stateName(v)
	if err != nil {
		return err
	}
	for _, st := range []RMState{Working, Prepared, Committed, Aborted} {
		if name == string(st) {
			*s = st
			return nil
		}
	}
	return fmt.Errorf("unknown resource manager state %q; want working, prepared, committed or aborted", name)
}

// DecodeTLA decodes the transaction manager's state from the string TLC
// prints ("init") or from the variant Quint writes (TMInit).
func (s *TMState) DecodeTLA(v tlaimport.Value) error {
	name, err := stateName(v)
	if err != nil {
		return err
	}
	name = strings.TrimPrefix(name, "tm")
	for _, st := range []TMState{TMInit, TMCommitted, TMAborted} {
		if name == string(st) {
			*s = st
			return nil
		}
	}
	return fmt.Errorf("unknown transaction manager state %q; want init, committed or aborted", name)
}

// stateName returns the lower-case name of a state written as a string, a
// model value or a variant without payload.
func stateName(v tlaimport.Value) (string, error) {
	switch v.Kind {
	case tlaimport.String, tlaimport.ModelValue:
		return strings.ToLower(v.Str), nil
	case tlaimport.Record:
		if tag, ok := v.Field("tag"); ok && tag.Kind == tlaimport.String {
			return strings.ToLower(tag.Str), nil
		}
	}
	return "", fmt.Errorf("want a string or a variant, got %s %v", v.Kind, v)
}
