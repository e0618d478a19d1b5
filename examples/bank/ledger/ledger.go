package ledger

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Bug is a planted defect: a mutant of the ledger that a good test suite
// must catch. Each is off unless switched on.
type Bug string

// The planted defects.
const (
	// Overdraft lets a withdrawal take one more than the balance.
	Overdraft Bug = "overdraft"
	// SelfTransfer accepts a transfer to the same account and credits it
	// twice.
	SelfTransfer Bug = "selftransfer"
	// ExactBalance refuses a withdrawal of exactly the balance.
	ExactBalance Bug = "exactbalance"
	// LostUpdate makes transfers read balances, release the lock, and
	// write them back later: two transfers that touch the same account at
	// the same time lose one of the updates.
	LostUpdate Bug = "lostupdate"
	// ZeroDeposit accepts a deposit of 0.
	ZeroDeposit Bug = "zerodeposit"
	// NewAccount lets a deposit to an unknown account open it.
	NewAccount Bug = "newaccount"
	// ResetKeeps makes reset leave the balances as they are.
	ResetKeeps Bug = "resetkeeps"
	// ResetFirst makes reset empty the first account only.
	ResetFirst Bug = "resetfirst"
	// NegativeWithdraw accepts a withdrawal of a negative amount, which
	// adds money.
	NegativeWithdraw Bug = "negativewithdraw"
	// ZeroTransfer accepts a transfer of 0.
	ZeroTransfer Bug = "zerotransfer"
	// TransferUnknown lets a transfer to an unknown account debit the
	// source; the money goes nowhere.
	TransferUnknown Bug = "transferunknown"
	// OverLimit lets a deposit take a balance one above the limit.
	OverLimit Bug = "overlimit"
	// FullRefused refuses a deposit that takes a balance exactly to the
	// limit.
	FullRefused Bug = "fullrefused"
	// TransferOverLimit does not check the destination's limit on a
	// transfer.
	TransferOverLimit Bug = "transferoverlimit"
	// TransferShort lets a transfer take one more than the source's
	// balance.
	TransferShort Bug = "transfershort"
	// DepositReply answers a deposit with the balance before it.
	DepositReply Bug = "depositreply"
	// WithdrawReply answers a withdrawal with the amount instead of the
	// new balance.
	WithdrawReply Bug = "withdrawreply"
	// RefusedDebits makes a transfer refused for the destination's limit
	// debit the source anyway.
	RefusedDebits Bug = "refuseddebits"
	// StaleBalances makes GET /balances show the balances as they were
	// before the last withdrawal.
	StaleBalances Bug = "stalebalances"
	// SecondWithdrawFails refuses a withdrawal from the account that the
	// previous withdrawal was from.
	SecondWithdrawFails Bug = "secondwithdraw"
)

// AllBugs lists every planted defect.
var AllBugs = []Bug{
	Overdraft, SelfTransfer, ExactBalance, LostUpdate, ZeroDeposit, NewAccount, ResetKeeps, ResetFirst,
	NegativeWithdraw, ZeroTransfer, TransferUnknown, OverLimit, FullRefused, TransferOverLimit, TransferShort,
	DepositReply, WithdrawReply, RefusedDebits, StaleBalances, SecondWithdrawFails,
}

// Bugs is a set of planted defects.
type Bugs map[Bug]bool

// ParseBugs parses a comma-separated list of bug names (see [AllBugs]).
func ParseBugs(list string) (Bugs, error) {
	b := Bugs{}
	for _, name := range splitComma(list) {
		if !slices.Contains(AllBugs, Bug(name)) {
			names := make([]string, len(AllBugs))
			for i, x := range AllBugs {
				names[i] = string(x)
			}
			return nil, fmt.Errorf("ledger: unknown bug %q (want one of %s)", name, strings.Join(names, ", "))
		}
		b[Bug(name)] = true
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
	// for the planted bugs: the balances before the last withdrawal, and
	// the account of the last withdrawal
	before       map[string]int
	lastWithdraw string
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

// Reset sets every balance back to 0, as POST /reset does.
func (s *Server) Reset() { s.reset() }

func (s *Server) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.before, s.lastWithdraw = nil, ""
	switch {
	case s.bug(ResetKeeps) && len(s.balances) > 0:
		return
	case s.bug(ResetFirst) && len(s.balances) > 0 && len(s.opts.Accounts) > 0:
		s.balances[s.opts.Accounts[0]] = 0
		return
	}
	clear(s.balances)
	for _, a := range s.opts.Accounts {
		s.balances[a] = 0
	}
}

// bug reports whether the planted defect b is on.
func (s *Server) bug(b Bug) bool { return s.opts.Bugs[b] }

func (s *Server) known(acct string) bool {
	if s.bug(NewAccount) {
		if _, ok := s.balances[acct]; ok {
			return true
		}
	}
	return slices.Contains(s.opts.Accounts, acct)
}

// Deposit adds amount to acct and returns the new balance.
func (s *Server) Deposit(acct string, amount int) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	limit := s.opts.Max
	if s.bug(OverLimit) {
		limit++
	}
	switch {
	case !s.known(acct) && !s.bug(NewAccount):
		return 0, ErrUnknownAccount
	case amount < 0, amount == 0 && !s.bug(ZeroDeposit):
		return 0, ErrBadAmount
	case s.balances[acct]+amount > limit:
		return 0, ErrOverLimit
	case s.bug(FullRefused) && s.balances[acct]+amount == s.opts.Max:
		return 0, ErrOverLimit
	}
	old := s.balances[acct]
	s.balances[acct] += amount
	if s.bug(DepositReply) {
		return old, nil
	}
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
	case amount == 0, amount < 0 && !s.bug(NegativeWithdraw):
		return 0, ErrBadAmount
	case s.bug(ExactBalance) && amount == bal:
		return 0, ErrInsufficient
	case s.bug(Overdraft) && bal+1 < amount, !s.bug(Overdraft) && bal < amount:
		return 0, ErrInsufficient
	case s.bug(SecondWithdrawFails) && s.lastWithdraw == acct:
		return 0, ErrInsufficient
	}
	s.before = maps.Clone(s.balances)
	s.lastWithdraw = acct
	s.balances[acct] -= amount
	if s.bug(WithdrawReply) {
		return amount, nil
	}
	return s.balances[acct], nil
}

// Transfer moves amount from one account to another.
func (s *Server) Transfer(from, to string, amount int) error {
	s.mu.Lock()
	short := 0
	if s.bug(TransferShort) {
		short = 1
	}
	switch {
	case !s.known(from) || (!s.known(to) && !s.bug(TransferUnknown)):
		s.mu.Unlock()
		return ErrUnknownAccount
	case amount < 0, amount == 0 && !s.bug(ZeroTransfer):
		s.mu.Unlock()
		return ErrBadAmount
	case from == to && !s.bug(SelfTransfer):
		s.mu.Unlock()
		return ErrSameAccount
	case s.balances[from]+short < amount:
		s.mu.Unlock()
		return ErrInsufficient
	case from != to && s.balances[to]+amount > s.opts.Max && !s.bug(TransferOverLimit):
		if s.bug(RefusedDebits) {
			s.balances[from] -= amount
		}
		s.mu.Unlock()
		return ErrOverLimit
	}
	if !s.known(to) { // only with the TransferUnknown bug
		s.balances[from] -= amount
		s.mu.Unlock()
		return nil
	}
	if from == to { // only with the SelfTransfer bug
		s.balances[to] += 2 * amount
		s.balances[from] -= amount
		s.mu.Unlock()
		return nil
	}
	if !s.bug(LostUpdate) {
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
	if s.bug(StaleBalances) && s.before != nil {
		return maps.Clone(s.before)
	}
	return maps.Clone(s.balances)
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
