package bank

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/mbtgo/mbt/examples/bank/client"
	"github.com/mbtgo/mbt/examples/bank/ledger"
)

// BugsEnv names the environment variable that switches planted bugs on in
// the ledger servers NewHTTPAdapter starts, as a comma-separated list (see
// ledger.ParseBugs): MBT_BANK_BUGS=overdraft go test ./examples/bank.
const BugsEnv = "MBT_BANK_BUGS"

// HTTPAdapter drives a real ledger server over HTTP on a loopback port. It
// implements the adapter contract of package adapters for the Bank model.
type HTTPAdapter struct {
	c    *client.Client
	bugs string
}

// RerunEnv returns the setting of $MBT_BANK_BUGS that the command printed
// to rerun a failed test must repeat.
func (a *HTTPAdapter) RerunEnv() []string {
	if a.bugs != "" {
		return []string{BugsEnv + "=" + a.bugs}
	}
	return nil
}

// NewHTTPAdapter starts a ledger server with the default Config's accounts
// and limit on a loopback port, with the bugs named in $MBT_BANK_BUGS, and
// stops it when the test ends.
func NewHTTPAdapter(t testing.TB) *HTTPAdapter {
	t.Helper()
	cfg := Config{Accounts: 2, Max: 3, MaxAmount: 2}
	bugs, err := ledger.ParseBugs(os.Getenv(BugsEnv))
	if err != nil {
		t.Fatalf("%s: %v", BugsEnv, err)
	}
	srv := &http.Server{
		Handler:           ledger.New(ledger.Options{Accounts: AccountNames(cfg.Accounts), Max: cfg.Max, Bugs: bugs}),
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
	return &HTTPAdapter{c: client.New("http://"+ln.Addr().String(), hc), bugs: os.Getenv(BugsEnv)}
}

// Reset sets every balance to 0.
func (a *HTTPAdapter) Reset(ctx context.Context) error { return a.c.Reset(ctx) }

// View returns the ledger's balances as a model state.
func (a *HTTPAdapter) View(ctx context.Context) (State, error) {
	b, err := a.c.Balances(ctx)
	return State{Balances: b}, err
}

// Deposit performs Deposit(acct, amt).
func (a *HTTPAdapter) Deposit(ctx context.Context, acct string, amt int) (int, error) {
	return a.c.Deposit(ctx, acct, amt)
}

// Withdraw performs Withdraw(acct, amt).
func (a *HTTPAdapter) Withdraw(ctx context.Context, acct string, amt int) (int, error) {
	return a.c.Withdraw(ctx, acct, amt)
}

// Transfer performs Transfer(from, to, amt).
func (a *HTTPAdapter) Transfer(ctx context.Context, from, to string, amt int) error {
	return a.c.Transfer(ctx, from, to, amt)
}

// ConcurrentTransfers performs ConcurrentTransfers(from, to): two clients
// send Transfer(from, to, 1) at the same time. It returns how many the
// ledger accepted, and an error when it accepted neither.
func (a *HTTPAdapter) ConcurrentTransfers(ctx context.Context, from, to string) (int, error) {
	errs := make(chan error, 2)
	for range 2 {
		go func() { errs <- a.c.Transfer(ctx, from, to, 1) }()
	}
	ok := 0
	var failed []error
	for range 2 {
		err := <-errs
		var refused *client.Error
		switch {
		case err == nil:
			ok++
		case errors.As(err, &refused) && refused.Status == http.StatusConflict:
		default:
			failed = append(failed, err)
		}
	}
	if ok == 0 && len(failed) == 0 {
		return 0, errors.New("the ledger refused both transfers")
	}
	return ok, errors.Join(failed...)
}
