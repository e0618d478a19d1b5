package node

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
)

// RMLogFile is the name of a resource manager's log in its directory.
const RMLogFile = "rm.log"

// An RM is a resource manager. Its state is in its log: "prepared",
// "committed" and "aborted" records, in that order of life; a restarted RM
// recovers from it. It acts only when told to through its control
// endpoints, and sends its one message, Prepared, to the transaction
// manager at tmURL.
//
// Control endpoints: GET /status ([RMStatus]); POST /prepare (log
// "prepared", then send Prepared; [PrepareReply]), POST /resend (send
// Prepared again), POST /abort (abort on its own while working), POST
// /reset (empty the log). They answer 409 Conflict to a request its state
// does not allow. Protocol endpoint: POST /msg/decision, the transaction
// manager's decision.
type RM struct {
	id    int
	tmURL string
	hc    *http.Client
	bugs  Bugs

	mu      sync.Mutex
	log     *Log
	state   string
	applied int
}

// NewRM opens the resource manager id's log in dir and recovers its state
// from it.
func NewRM(id int, dir, tmURL string, bugs Bugs) (*RM, error) {
	l, recs, err := OpenLog(filepath.Join(dir, RMLogFile))
	if err != nil {
		return nil, err
	}
	st, err := RecoverRM(recs)
	if err != nil {
		l.Close()
		return nil, err
	}
	return &RM{id: id, tmURL: tmURL, hc: NewHTTPClient(), bugs: bugs, log: l, state: st.State, applied: st.Applied}, nil
}

// RecoverRM returns the state of a resource manager whose log holds recs.
func RecoverRM(recs []string) (RMStatus, error) {
	st := RMStatus{State: Working}
	for i, r := range recs {
		switch r {
		case Prepared, Aborted:
		case Committed:
			st.Applied++
		default:
			return RMStatus{}, fmt.Errorf("node: rm log record %d: unknown %q", i+1, r)
		}
		st.State = r
	}
	return st, nil
}

// ReadRMStatus reads the state of the resource manager whose directory is
// dir from its log, as it would recover it; for a node that is down.
func ReadRMStatus(dir string) (RMStatus, error) {
	recs, err := ReadLog(filepath.Join(dir, RMLogFile))
	if err != nil {
		return RMStatus{}, err
	}
	return RecoverRM(recs)
}

// Close closes the log.
func (rm *RM) Close() error { return rm.log.Close() }

// Handler returns the resource manager's HTTP handler.
func (rm *RM) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /status", rm.status)
	mux.HandleFunc("POST /prepare", rm.prepare)
	mux.HandleFunc("POST /resend", rm.resend)
	mux.HandleFunc("POST /abort", rm.abort)
	mux.HandleFunc("POST /reset", rm.reset)
	mux.HandleFunc("POST /msg/decision", rm.decision)
	return mux
}

func (rm *RM) status(w http.ResponseWriter, _ *http.Request) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	writeJSON(w, RMStatus{State: rm.state, Applied: rm.applied})
}

// prepare votes yes: log "prepared", then tell the transaction manager.
func (rm *RM) prepare(w http.ResponseWriter, r *http.Request) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if rm.state != Working {
		refuse(w, "rm%d is %s, not working", rm.id, rm.state)
		return
	}
	if !rm.bugs.ForgetPrepared {
		if err := rm.log.Append(Prepared); err != nil {
			fail(w, err)
			return
		}
	}
	rm.state = Prepared
	rm.reply(w, r)
}

// resend sends Prepared again, as a prepared resource manager that has
// not heard of a decision does.
func (rm *RM) resend(w http.ResponseWriter, r *http.Request) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if rm.state != Prepared {
		refuse(w, "rm%d is %s, not prepared", rm.id, rm.state)
		return
	}
	rm.reply(w, r)
}

// reply sends Prepared and answers whether the transaction manager
// replied, or [Timeout] when the message timed out.
func (rm *RM) reply(w http.ResponseWriter, r *http.Request) {
	acked, err := rm.sendPrepared(r.Context())
	if err != nil {
		http.Error(w, fmt.Sprintf("rm%d: %v", rm.id, err), Timeout)
		return
	}
	writeJSON(w, PrepareReply{Acked: acked})
}

// sendPrepared sends Prepared to the transaction manager and reports
// whether it answered; the error is that of a message that timed out
// ([sendError]).
func (rm *RM) sendPrepared(ctx context.Context) (bool, error) {
	err := call(ctx, rm.hc, http.MethodPost, rm.tmURL+"/msg/prepared", preparedMsg{RM: rm.id}, nil)
	return err == nil, sendError(ctx, "the tm", err)
}

// abort is the resource manager deciding on its own to abort, which it
// may only do before it votes.
func (rm *RM) abort(w http.ResponseWriter, _ *http.Request) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if rm.state != Working {
		refuse(w, "rm%d is %s, not working", rm.id, rm.state)
		return
	}
	if err := rm.log.Append(Aborted); err != nil {
		fail(w, err)
		return
	}
	rm.state = Aborted
	writeJSON(w, struct{}{})
}

func (rm *RM) reset(w http.ResponseWriter, _ *http.Request) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if err := rm.log.Truncate(); err != nil {
		fail(w, err)
		return
	}
	rm.state, rm.applied = Working, 0
	writeJSON(w, struct{}{})
}

// decision applies the transaction manager's decision. A duplicate of a
// decision already applied is acknowledged and changes nothing; a decision
// the resource manager cannot follow (a Commit it did not vote for, an
// Abort after it committed) is refused.
func (rm *RM) decision(w http.ResponseWriter, r *http.Request) {
	var msg decisionMsg
	if !readJSON(w, r, &msg) {
		return
	}
	rm.mu.Lock()
	defer rm.mu.Unlock()
	var rec string
	switch {
	case msg.Decision == Commit && rm.state == Prepared,
		msg.Decision == Commit && rm.state == Committed && rm.bugs.DoubleCommit:
		rec = Committed
	case msg.Decision == Commit && rm.state == Committed,
		msg.Decision == Abort && rm.state == Aborted:
	case msg.Decision == Abort && (rm.state == Working || rm.state == Prepared):
		rec = Aborted
	case msg.Decision == Commit || msg.Decision == Abort:
		refuse(w, "rm%d is %s: it cannot %s", rm.id, rm.state, msg.Decision)
		return
	default:
		http.Error(w, fmt.Sprintf("bad decision %q", msg.Decision), http.StatusBadRequest)
		return
	}
	if rec != "" {
		if err := rm.log.Append(rec); err != nil {
			fail(w, err)
			return
		}
		rm.state = rec
		if rec == Committed {
			rm.applied++
		}
	}
	writeJSON(w, struct{}{})
}
