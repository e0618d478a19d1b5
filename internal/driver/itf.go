package driver

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/internal/text"
	"github.com/mbtgo/mbt/model"
	"github.com/mbtgo/mbt/tlaimport"
)

// writeCounterexample writes the trace of the first violation of res to
// the file of -itf as ITF JSON, with the actions as Quint's mbt mode
// writes them (mbt::actionTaken, mbt::nondetPicks), so that mbt replay,
// Quint and Apalache's tools can read it back. Without a violation it
// writes nothing. It returns the exit code of a failure, or exitOK.
func writeCounterexample[S any](m *model.Model[S], res *explorer.Result[S], x *exploration) int {
	msgs := x.stdout
	if x.flags.JSON {
		msgs = x.stderr // stdout holds one JSON object
	}
	if len(res.Violations) == 0 {
		fmt.Fprintf(msgs, "no violation: %s not written\n", x.flags.ITF)
		return exitOK
	}
	v := res.Violations[0]
	tr, err := tlaimport.EncodeTrace(m, v.Trace)
	if err != nil {
		fmt.Fprintf(x.stderr, "mbt: -itf %s: %v\n", x.flags.ITF, err)
		return exitError
	}
	desc := v.Kind.String()
	if v.Name != "" {
		desc += " " + v.Name
	}
	tr.Violation = desc
	source := x.pkg
	if source == "" {
		source = x.funcLabel()
	}
	meta, err := json.Marshal(struct {
		Format      string `json:"format"`
		FormatDesc  string `json:"format-description"`
		Source      string `json:"source"`
		Status      string `json:"status"`
		Description string `json:"description"`
	}{"ITF", "https://apalache-mc.org/docs/adr/015adr-trace.html", source, "violation",
		fmt.Sprintf("mbt explore: %s of model %s (%s%s)", desc, m.Name, x.funcLabel(), constLine(x.consts))})
	if err != nil {
		fmt.Fprintf(x.stderr, "mbt: -itf %s: %v\n", x.flags.ITF, err)
		return exitError
	}
	tr.Meta = meta
	var buf bytes.Buffer
	if err := tlaimport.WriteITF(&buf, tr); err != nil {
		fmt.Fprintf(x.stderr, "mbt: -itf %s: %v\n", x.flags.ITF, err)
		return exitError
	}
	if err := writeFileAtomic(x.flags.ITF, buf.Bytes()); err != nil {
		fmt.Fprintf(x.stderr, "mbt: -itf: %v\n", err)
		return exitError
	}
	fmt.Fprintf(msgs, "wrote the counterexample (%s, %d %s) to %s\n", desc, len(tr.States), text.Plural(len(tr.States), "state", "states"), x.flags.ITF)
	return exitOK
}
