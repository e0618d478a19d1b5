package node

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// States of a resource manager and decisions of the transaction manager,
// as the nodes log and report them.
const (
	Working   = "working"
	Prepared  = "prepared"
	Committed = "committed"
	Aborted   = "aborted"

	Commit = "commit"
	Abort  = "abort"
)

// RMStatus is what GET /status of a resource manager returns.
type RMStatus struct {
	State   string `json:"state"`
	Applied int    `json:"applied"` // commits applied
}

// TMStatus is what GET /status of the transaction manager returns.
type TMStatus struct {
	Decision string `json:"decision"` // "", "commit" or "abort"
	Prepared []bool `json:"prepared"` // votes received, while undecided
	Acked    []bool `json:"acked"`    // acknowledgements of the decision
}

// PrepareReply is what POST /prepare and /resend of a resource manager
// return: whether the transaction manager replied to its Prepared message.
type PrepareReply struct {
	Acked bool `json:"acked"`
}

// DecideReply is what POST /commit, /abort and /resend of the transaction
// manager return: how many resource managers acknowledged the decision.
type DecideReply struct {
	Acked int `json:"acked"`
}

// preparedMsg is the message a resource manager sends the transaction
// manager: POST /msg/prepared.
type preparedMsg struct {
	RM int `json:"rm"`
}

// decisionMsg is the message the transaction manager sends a resource
// manager: POST /msg/decision.
type decisionMsg struct {
	Decision string `json:"decision"`
}

// SendTimeout bounds each message one node sends another. Nodes send no
// message on their own, so a lost message is only noticed by this timeout
// or, with the test's proxies, by a reset connection at once. The timeout
// is generous, for a loaded machine running race-detector binaries: a
// message is lost at once (a reset connection, a refused one) or not at
// all in the tests, and one that times out is reported as such ([Timeout])
// rather than counted as lost.
const SendTimeout = 4 * time.Second

// NewHTTPClient returns the client nodes use to send each other messages:
// one connection per request (no keep-alive, so that each message takes a
// fresh connection through its link's proxy and meets the proxy's current
// mode), no proxy from the environment, and SendTimeout.
func NewHTTPClient() *http.Client {
	c := newControlHTTPClient()
	c.Timeout = SendTimeout
	return c
}

// newControlHTTPClient returns the client of [NewClient]: as
// NewHTTPClient's, without a timeout of its own, as a control request
// includes the messages the node sends (each up to SendTimeout); the
// caller's context bounds it.
func newControlHTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil}}
}

// Timeout is the status with which a node answers a control request when
// a message it sent timed out, rather than being lost: neither answered
// nor refused within SendTimeout. Nothing in the tests loses a message
// that way, so it means a machine too slow (or a hung peer), not a
// protocol outcome to compare with the model.
const Timeout = http.StatusGatewayTimeout

// sendError classifies the error of sending a message: nil when the
// message was acknowledged or lost (the connection was refused or reset,
// or the peer refused it), an error when it timed out.
func sendError(ctx context.Context, to string, err error) error {
	if err == nil || ctx.Err() != nil {
		return nil
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("message to %s timed out (%v): too slow a machine, or a hung peer: %v", to, SendTimeout, err)
	}
	return nil
}

// StatusError is a node's answer other than 200 OK: 409 Conflict when it
// refuses a request its state does not allow.
type StatusError struct {
	Code int
	Msg  string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Code, http.StatusText(e.Code), e.Msg)
}

// IsRefused reports whether err is a node's refusal (409 Conflict), as
// opposed to a failure to reach it.
func IsRefused(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && se.Code == http.StatusConflict
}

// call sends a request with body in (JSON, or none when nil) to url and
// decodes the answer into out (when not nil).
func call(ctx context.Context, hc *http.Client, method, url string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return &StatusError{Code: resp.StatusCode, Msg: strings.TrimSpace(string(data))}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: bad answer %q: %v", method, url, data, err)
	}
	return nil
}

// writeJSON writes v as a 200 answer.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// refuse answers 409 Conflict with a message.
func refuse(w http.ResponseWriter, format string, args ...any) {
	http.Error(w, fmt.Sprintf(format, args...), http.StatusConflict)
}

// fail answers 500 with err, for a log that cannot be written.
func fail(w http.ResponseWriter, err error) {
	http.Error(w, err.Error(), http.StatusInternalServerError)
}

// readJSON decodes the request's body into v, or answers 400 and returns
// false.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(v); err != nil {
		http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}
