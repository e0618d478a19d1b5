package node

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
)

// TMLogFile is the name of the transaction manager's log in its directory.
const TMLogFile = "tm.log"

// A TM is the transaction manager. Its decision is in its log, a "commit"
// or "abort" record; the votes it received and the acknowledgements of its
// decision are in memory only, and lost when it crashes. It acts only when
// told to through its control endpoints, and sends its decision to the
// resource managers at rmURLs.
//
// Control endpoints: GET /status ([TMStatus]); POST /commit (only when
// every resource manager voted) and POST /abort log the decision, then send
// it to every resource manager ([DecideReply]); POST /resend sends it again
// to those that did not acknowledge it; POST /reset empties the log. They
// answer 409 Conflict to a request its state does not allow. Protocol
// endpoint: POST /msg/prepared, a resource manager's vote.
type TM struct {
	rmURLs []string
	hc     *http.Client
	bugs   Bugs

	mu       sync.Mutex
	log      *Log
	decision string
	prepared []bool
	acked    []bool
}

// NewTM opens the transaction manager's log in dir and recovers its
// decision from it.
func NewTM(dir string, rmURLs []string, bugs Bugs) (*TM, error) {
	l, recs, err := OpenLog(filepath.Join(dir, TMLogFile))
	if err != nil {
		return nil, err
	}
	d, err := RecoverTM(recs)
	if err != nil {
		l.Close()
		return nil, err
	}
	n := len(rmURLs)
	return &TM{rmURLs: rmURLs, hc: NewHTTPClient(), bugs: bugs, log: l, decision: d,
		prepared: make([]bool, n), acked: make([]bool, n)}, nil
}

// RecoverTM returns the decision of a transaction manager whose log holds
// recs: "" when it has not decided.
func RecoverTM(recs []string) (string, error) {
	switch {
	case len(recs) == 0:
		return "", nil
	case len(recs) > 1:
		return "", fmt.Errorf("node: tm log has %d decisions, want at most 1", len(recs))
	case recs[0] != Commit && recs[0] != Abort:
		return "", fmt.Errorf("node: tm log record 1: unknown %q", recs[0])
	}
	return recs[0], nil
}

// ReadTMDecision reads the decision of the transaction manager whose
// directory is dir from its log; for a node that is down.
func ReadTMDecision(dir string) (string, error) {
	recs, err := ReadLog(filepath.Join(dir, TMLogFile))
	if err != nil {
		return "", err
	}
	return RecoverTM(recs)
}

// Close closes the log.
func (tm *TM) Close() error { return tm.log.Close() }

// Handler returns the transaction manager's HTTP handler.
func (tm *TM) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /status", tm.status)
	mux.HandleFunc("POST /commit", func(w http.ResponseWriter, r *http.Request) { tm.decide(w, r, Commit) })
	mux.HandleFunc("POST /abort", func(w http.ResponseWriter, r *http.Request) { tm.decide(w, r, Abort) })
	mux.HandleFunc("POST /resend", tm.resend)
	mux.HandleFunc("POST /reset", tm.reset)
	mux.HandleFunc("POST /msg/prepared", tm.prepared1)
	return mux
}

func (tm *TM) status(w http.ResponseWriter, _ *http.Request) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	writeJSON(w, TMStatus{Decision: tm.decision, Prepared: slices.Clone(tm.prepared), Acked: slices.Clone(tm.acked)})
}

// decide logs decision d, then sends it to every resource manager.
func (tm *TM) decide(w http.ResponseWriter, r *http.Request, d string) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	switch {
	case tm.decision != "":
		refuse(w, "tm decided %s already", tm.decision)
		return
	case d == Commit && tm.missingVotes() > 0 && !tm.bugs.EarlyCommit:
		refuse(w, "tm cannot commit: prepared %v", tm.prepared)
		return
	}
	if err := tm.log.Append(d); err != nil {
		fail(w, err)
		return
	}
	tm.decision = d
	clear(tm.prepared) // votes serve no purpose once decided
	tm.reply(w, r)
}

// missingVotes returns how many resource managers have not voted, less
// one with the planted bug AllButOne.
func (tm *TM) missingVotes() int {
	n := 0
	for _, p := range tm.prepared {
		if !p {
			n++
		}
	}
	if tm.bugs.AllButOne {
		n--
	}
	return n
}

// resend sends the decision again to the resource managers that did not
// acknowledge it.
func (tm *TM) resend(w http.ResponseWriter, r *http.Request) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	switch {
	case tm.decision == "":
		refuse(w, "tm has not decided")
		return
	case !slices.Contains(tm.acked, false):
		refuse(w, "every rm acknowledged %s", tm.decision)
		return
	}
	tm.reply(w, r)
}

// reply sends the decision and answers how many resource managers
// acknowledged it, or [Timeout] when a message timed out.
func (tm *TM) reply(w http.ResponseWriter, r *http.Request) {
	n, err := tm.send(r.Context())
	if err != nil {
		http.Error(w, fmt.Sprintf("tm: %v (%d acknowledged before)", err, n), Timeout)
		return
	}
	writeJSON(w, DecideReply{Acked: n})
}

// send sends the decision to each resource manager that has not
// acknowledged it, in order, and returns how many acknowledged it now. It
// stops at a message that timed out, with its error ([sendError]).
func (tm *TM) send(ctx context.Context) (int, error) {
	n := 0
	for i, url := range tm.rmURLs {
		if tm.acked[i] {
			continue
		}
		err := call(ctx, tm.hc, http.MethodPost, url+"/msg/decision", decisionMsg{Decision: tm.decision}, nil)
		if err == nil {
			tm.acked[i] = true
			n++
		} else if err := sendError(ctx, fmt.Sprintf("rm%d", i), err); err != nil {
			return n, err
		}
	}
	return n, nil
}

func (tm *TM) reset(w http.ResponseWriter, _ *http.Request) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	if err := tm.log.Truncate(); err != nil {
		fail(w, err)
		return
	}
	tm.decision = ""
	clear(tm.prepared)
	clear(tm.acked)
	writeJSON(w, struct{}{})
}

// prepared1 records a resource manager's vote. A vote that comes after
// the decision is acknowledged and ignored.
func (tm *TM) prepared1(w http.ResponseWriter, r *http.Request) {
	var msg preparedMsg
	if !readJSON(w, r, &msg) {
		return
	}
	tm.mu.Lock()
	defer tm.mu.Unlock()
	if msg.RM < 0 || msg.RM >= len(tm.prepared) {
		http.Error(w, fmt.Sprintf("bad rm %d", msg.RM), http.StatusBadRequest)
		return
	}
	if tm.decision == "" {
		tm.prepared[msg.RM] = true
	}
	writeJSON(w, struct{}{})
}
