package reservations

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/mbtgo/mbt/examples/reservations/server"
	"github.com/mbtgo/mbt/model"
)

// BugsEnv names the environment variable that switches planted bugs on in
// the services NewAdapter starts: MBT_RESERVATIONS_BUGS=reuseid go test
// ./examples/reservations.
const BugsEnv = "MBT_RESERVATIONS_BUGS"

// Adapter drives a reservation service over HTTP. The service names
// reservations with UUIDs; the adapter hands them to the runner as they
// are (as model.Ref values), and the runner maps them to the model's
// references r1, r2, ...
type Adapter struct {
	base string
	hc   *http.Client
	bugs string
}

// NewAdapter starts a reservation service with the default Config's
// stock on a loopback port, with the bugs named in $MBT_RESERVATIONS_BUGS,
// and stops it when the test ends.
func NewAdapter(t testing.TB) *Adapter {
	t.Helper()
	bugs, err := server.ParseBugs(os.Getenv(BugsEnv))
	if err != nil {
		t.Fatalf("%s: %v", BugsEnv, err)
	}
	srv := &http.Server{
		Handler:           server.New(map[string]int{"apple": 2, "pear": 1}, bugs),
		ReadHeaderTimeout: 5 * time.Second,
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen on loopback: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	})
	hc := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}
	t.Cleanup(hc.CloseIdleConnections)
	return &Adapter{base: "http://" + ln.Addr().String(), hc: hc, bugs: os.Getenv(BugsEnv)}
}

// RerunEnv returns the setting of $MBT_RESERVATIONS_BUGS that the command
// printed to rerun a failed test must repeat.
func (a *Adapter) RerunEnv() []string {
	if a.bugs != "" {
		return []string{BugsEnv + "=" + a.bugs}
	}
	return nil
}

// refused is an answer of the service that refuses a request.
type refused struct {
	status int
	msg    string
}

func (e *refused) Error() string { return fmt.Sprintf("%s (HTTP %d)", e.msg, e.status) }

// call sends a request and decodes a 2xx answer into out; any other
// status is a refusal.
func (a *Adapter) call(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return err
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&e)
		return &refused{resp.StatusCode, e.Error}
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// Reset cancels every reservation: the service has no reset of its own,
// and needs none.
func (a *Adapter) Reset(ctx context.Context) error {
	var list []server.Reservation
	if err := a.call(ctx, "GET", "/reservations", nil, &list); err != nil {
		return err
	}
	for _, r := range list {
		if err := a.call(ctx, "DELETE", "/reservations/"+url.PathEscape(r.ID), nil, nil); err != nil {
			return fmt.Errorf("cancel %s: %w", r.ID, err)
		}
	}
	return nil
}

// View returns the service's reservations, keyed by its own ids, and its
// stock.
func (a *Adapter) View(ctx context.Context) (View, error) {
	var list []server.Reservation
	v := View{Held: map[model.Ref]string{}}
	if err := a.call(ctx, "GET", "/reservations", nil, &list); err != nil {
		return v, err
	}
	for _, r := range list {
		v.Held[model.Ref(r.ID)] = r.Item
	}
	return v, a.call(ctx, "GET", "/stock", nil, &v.Stock)
}

// Reserve performs Reserve(item) and returns the service's id of the new
// reservation.
func (a *Adapter) Reserve(ctx context.Context, item string) (model.Ref, error) {
	var r server.Reservation
	if err := a.call(ctx, "POST", "/reservations", map[string]string{"item": item}, &r); err != nil {
		return "", err
	}
	if r.ID == "" {
		return "", errors.New("the service answered without an id")
	}
	return model.Ref(r.ID), nil
}

// Get performs Get(id): id is the service's own name for the reservation.
func (a *Adapter) Get(ctx context.Context, id model.Ref) (string, error) {
	var r server.Reservation
	err := a.call(ctx, "GET", "/reservations/"+url.PathEscape(string(id)), nil, &r)
	return r.Item, err
}

// Cancel performs Cancel(id).
func (a *Adapter) Cancel(ctx context.Context, id model.Ref) error {
	return a.call(ctx, "DELETE", "/reservations/"+url.PathEscape(string(id)), nil, nil)
}
