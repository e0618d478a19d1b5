package ledger

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Bugs are planted defects, each off unless set.
type Bugs struct {
	// Overdraft lets a withdrawal take one more than the balance.
	Overdraft bool
	// SelfTransfer accepts a transfer to the same account and credits it
	// twice.
	SelfTransfer bool
	// ExactBalance refuses a withdrawal of exactly the balance.
	ExactBalance bool
	// LostUpdate makes transfers read balances, release the lock, and
	// write them back later: two transfers that touch the same account at
	// the same time lose one of the updates.
	LostUpdate bool
}

// ParseBugs parses a comma-separated list of bug names: overdraft,
// selftransfer, exactbalance, lostupdate.
func ParseBugs(list string) (Bugs, error) {
	var b Bugs
	for _, name := range splitComma(list) {
		switch name {
		case "overdraft":
			b.Overdraft = true
		case "selftransfer":
			b.SelfTransfer = true
		case "exactbalance":
			b.ExactBalance = true
		case "lostupdate":
			b.LostUpdate = true
		default:
			return Bugs{}, fmt.Errorf("ledger: unknown bug %q (want overdraft, selftransfer, exactbalance or lostupdate)", name)
		}
	}
	return b, nil
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}

// Options configure a Server.
type Options struct {
	// Accounts are the account names; all start at 0.
	Accounts []string
	// Max is the largest balance an account may hold.
	Max int
	// Bugs are the planted defects to switch on.
	Bugs Bugs
}

// Server is the ledger. It is an http.Handler.
type Server struct {
	opts     Options
	mu       sync.Mutex
	balances map[string]int
	mux      *http.ServeMux
}

// Errors the ledger refuses operations with.
var (
	ErrUnknownAccount = errors.New("unknown account")
	ErrBadAmount      = errors.New("amount must be positive")
	ErrInsufficient   = errors.New("insufficient funds")
	ErrOverLimit      = errors.New("balance would exceed the limit")
	ErrSameAccount    = errors.New("cannot transfer to the same account")
)

// New returns a ledger with every account at 0.
func New(opts Options) *Server {
	s := &Server{opts: opts, balances: map[string]int{}, mux: http.NewServeMux()}
	s.reset()
	s.mux.HandleFunc("GET /balances", s.handleBalances)
	s.mux.HandleFunc("POST /deposit", s.handleDeposit)
	s.mux.HandleFunc("POST /withdraw", s.handleWithdraw)
	s.mux.HandleFunc("POST /transfer", s.handleTransfer)
	s.mux.HandleFunc("POST /reset", s.handleReset)
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.balances)
	for _, a := range s.opts.Accounts {
		s.balances[a] = 0
	}
}

func (s *Server) known(acct string) bool { return slices.Contains(s.opts.Accounts, acct) }

// Deposit adds amount to acct and returns the new balance.
func (s *Server) Deposit(acct string, amount int) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case !s.known(acct):
		return 0, ErrUnknownAccount
	case amount <= 0:
		return 0, ErrBadAmount
	case s.balances[acct]+amount > s.opts.Max:
		return 0, ErrOverLimit
	}
	s.balances[acct] += amount
	return s.balances[acct], nil
}

// Withdraw takes amount from acct and returns the new balance.
func (s *Server) Withdraw(acct string, amount int) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	bal := s.balances[acct]
	switch {
	case !s.known(acct):
		return 0, ErrUnknownAccount
	case amount <= 0:
		return 0, ErrBadAmount
	case s.opts.Bugs.ExactBalance && amount == bal:
		return 0, ErrInsufficient
	case s.opts.Bugs.Overdraft && bal+1 < amount, !s.opts.Bugs.Overdraft && bal < amount:
		return 0, ErrInsufficient
	}
	s.balances[acct] -= amount
	return s.balances[acct], nil
}

// Transfer moves amount from one account to another.
func (s *Server) Transfer(from, to string, amount int) error {
	s.mu.Lock()
	switch {
	case !s.known(from) || !s.known(to):
		s.mu.Unlock()
		return ErrUnknownAccount
	case amount <= 0:
		s.mu.Unlock()
		return ErrBadAmount
	case from == to && !s.opts.Bugs.SelfTransfer:
		s.mu.Unlock()
		return ErrSameAccount
	case s.balances[from] < amount:
		s.mu.Unlock()
		return ErrInsufficient
	case from != to && s.balances[to]+amount > s.opts.Max:
		s.mu.Unlock()
		return ErrOverLimit
	}
	if from == to { // only with the SelfTransfer bug
		s.balances[to] += 2 * amount
		s.balances[from] -= amount
		s.mu.Unlock()
		return nil
	}
	if !s.opts.Bugs.LostUpdate {
		s.balances[from] -= amount
		s.balances[to] += amount
		s.mu.Unlock()
		return nil
	}
	// The planted lost update: compute from a snapshot, write it back
	// later without checking that nobody changed the balances meanwhile.
	newFrom, newTo := s.balances[from]-amount, s.balances[to]+amount
	s.mu.Unlock()
	time.Sleep(20 * time.Millisecond)
	s.mu.Lock()
	s.balances[from], s.balances[to] = newFrom, newTo
	s.mu.Unlock()
	return nil
}

// Balances returns a copy of every balance.
func (s *Server) Balances() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.balances))
	for k, v := range s.balances {
		out[k] = v
	}
	return out
}

// Request is the JSON body of deposit, withdraw and transfer.
type Request struct {
	Account string `json:"account,omitempty"`
	From    string `json:"from,omitempty"`
	To      string `json:"to,omitempty"`
	Amount  int    `json:"amount"`
}

// BalanceReply is the answer to deposit and withdraw.
type BalanceReply struct {
	Balance int `json:"balance"`
}

// ErrorReply is the body of every error answer.
type ErrorReply struct {
	Error string `json:"error"`
}

func (s *Server) handleBalances(w http.ResponseWriter, r *http.Request) {
	reply(w, http.StatusOK, s.Balances())
}

func (s *Server) handleDeposit(w http.ResponseWriter, r *http.Request) {
	req, ok := decode(w, r)
	if !ok {
		return
	}
	bal, err := s.Deposit(req.Account, req.Amount)
	answer(w, BalanceReply{bal}, err)
}

func (s *Server) handleWithdraw(w http.ResponseWriter, r *http.Request) {
	req, ok := decode(w, r)
	if !ok {
		return
	}
	bal, err := s.Withdraw(req.Account, req.Amount)
	answer(w, BalanceReply{bal}, err)
}

func (s *Server) handleTransfer(w http.ResponseWriter, r *http.Request) {
	req, ok := decode(w, r)
	if !ok {
		return
	}
	answer(w, struct{}{}, s.Transfer(req.From, req.To, req.Amount))
}

func (s *Server) handleReset(w http.ResponseWriter, r *http.Request) {
	s.reset()
	reply(w, http.StatusOK, struct{}{})
}

func decode(w http.ResponseWriter, r *http.Request) (Request, bool) {
	var req Request
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		reply(w, http.StatusBadRequest, ErrorReply{"bad request: " + err.Error()})
		return req, false
	}
	return req, true
}

func answer(w http.ResponseWriter, ok any, err error) {
	if err != nil {
		reply(w, http.StatusConflict, ErrorReply{err.Error()})
		return
	}
	reply(w, http.StatusOK, ok)
}

func reply(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
