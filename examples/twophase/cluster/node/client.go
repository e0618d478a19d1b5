package node

import (
	"context"
	"net/http"
)

// A Client calls the control endpoints of one node, directly (not through
// the test's proxies). Errors are a [*StatusError] when the node answered
// something other than 200 OK (see [IsRefused]), or the transport's error
// when it could not be reached.
type Client struct {
	base string
	hc   *http.Client
}

// NewClient returns a client of the node at base, such as
// "http://127.0.0.1:4242"; hc nil means a client like [NewHTTPClient]'s
// without a timeout of its own: the context of each call bounds it, as a
// control request waits for the messages the node sends, each of which
// may take up to SendTimeout.
func NewClient(base string, hc *http.Client) *Client {
	if hc == nil {
		hc = newControlHTTPClient()
	}
	return &Client{base: base, hc: hc}
}

// Base returns the node's base URL.
func (c *Client) Base() string { return c.base }

func (c *Client) post(ctx context.Context, path string, out any) error {
	return call(ctx, c.hc, http.MethodPost, c.base+path, nil, out)
}

// RMStatus returns a resource manager's state.
func (c *Client) RMStatus(ctx context.Context) (RMStatus, error) {
	var st RMStatus
	err := call(ctx, c.hc, http.MethodGet, c.base+"/status", nil, &st)
	return st, err
}

// TMStatus returns the transaction manager's state.
func (c *Client) TMStatus(ctx context.Context) (TMStatus, error) {
	var st TMStatus
	err := call(ctx, c.hc, http.MethodGet, c.base+"/status", nil, &st)
	return st, err
}

// Prepare tells a resource manager to prepare and vote. It returns whether
// the transaction manager replied to the vote.
func (c *Client) Prepare(ctx context.Context) (bool, error) {
	var r PrepareReply
	err := c.post(ctx, "/prepare", &r)
	return r.Acked, err
}

// ResendPrepared tells a prepared resource manager to send its vote again.
// It returns whether the transaction manager replied.
func (c *Client) ResendPrepared(ctx context.Context) (bool, error) {
	var r PrepareReply
	err := c.post(ctx, "/resend", &r)
	return r.Acked, err
}

// AbortRM tells a working resource manager to abort on its own.
func (c *Client) AbortRM(ctx context.Context) error { return c.post(ctx, "/abort", nil) }

// Commit tells the transaction manager to decide commit. It returns how
// many resource managers acknowledged the decision.
func (c *Client) Commit(ctx context.Context) (int, error) {
	var r DecideReply
	err := c.post(ctx, "/commit", &r)
	return r.Acked, err
}

// Abort tells the transaction manager to decide abort. It returns how many
// resource managers acknowledged the decision.
func (c *Client) Abort(ctx context.Context) (int, error) {
	var r DecideReply
	err := c.post(ctx, "/abort", &r)
	return r.Acked, err
}

// ResendDecision tells the transaction manager to send its decision again
// to the resource managers that did not acknowledge it. It returns how many
// did now.
func (c *Client) ResendDecision(ctx context.Context) (int, error) {
	var r DecideReply
	err := c.post(ctx, "/resend", &r)
	return r.Acked, err
}

// Reset empties a node's log and its memory: a fresh transaction.
func (c *Client) Reset(ctx context.Context) error { return c.post(ctx, "/reset", nil) }
