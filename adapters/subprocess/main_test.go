package subprocess_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/mbtgo/mbt/adapters/subprocess"
	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/model"
)

// childEnv selects what the test binary does when it runs as the program
// under test: "wallet" serves a correct wallet, other values serve a
// wallet with a bug or a protocol fault (see child).
const childEnv = "MBT_SUBPROCESS_TEST_CHILD"

func TestMain(m *testing.M) {
	if mode, ok := os.LookupEnv(childEnv); ok {
		os.Exit(child(mode))
	}
	os.Exit(m.Run())
}

// self is the command that runs the test binary as a program in mode.
// Unless opts sets them, the start and the exit are bounded generously:
// the test binary, built with -race, takes a fraction of a second to start
// or exit on an idle machine, and on a loaded one, seconds. Tests that
// wait a timeout out set it.
func self(mode string, opts subprocess.Options) (subprocess.Options, string) {
	// A binary built with -race sleeps 1 s at exit (GORACE
	// atexit_sleep_ms) unless told otherwise.
	opts.Env = append(opts.Env, childEnv+"="+mode, "GORACE=atexit_sleep_ms=0")
	if opts.StartTimeout == 0 {
		opts.StartTimeout = time.Minute
	}
	if opts.StopTimeout == 0 {
		opts.StopTimeout = 30 * time.Second
	}
	return opts, os.Args[0]
}

// newChild starts the test binary as a program in mode, closed when the
// test ends.
func newChild(t *testing.T, mode string, opts subprocess.Options) *subprocess.Adapter {
	t.Helper()
	opts, cmd := self(mode, opts)
	return subprocess.New(t, opts, cmd)
}

// detach puts a command in a process group of its own, where the system
// has them (escape_unix_test.go).
var detach func(*exec.Cmd)

// Wallet is the model's state and view: a wallet of 0 to 3 coins.
type Wallet struct {
	Balance int `json:"balance"`
}

// walletModel is the model that the Go wallet below and the Python wallet
// of docs/subprocess-protocol.md implement. name is the model's name.
func walletModel(t testing.TB, name string) *model.Model[Wallet] {
	m := dsl.New[Wallet](name)
	m.Init(Wallet{})
	// Amounts 1 and 2 keep the model small; the wallets take any positive
	// amount, so only 0 and below are values they must refuse.
	amt := dsl.Range("amt", 1, 2).Outside(0, -1)
	dsl.Action1(m, "Deposit", amt,
		func(s Wallet, amt int) bool { return s.Balance+amt <= 3 },
		func(s *Wallet, amt int) { s.Balance += amt })
	dsl.Action1(m, "Withdraw", amt,
		func(s Wallet, amt int) bool { return amt <= s.Balance },
		func(s *Wallet, amt int) { s.Balance -= amt }).
		Returns(func(s Wallet, amt int) any { return s.Balance - amt })
	m.View(func(s Wallet) any { return s })
	out, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// goWallet is the Go implementation of the wallet, served with
// subprocess.Serve by the child modes.
type goWallet struct {
	mode    string
	balance int
	// file, when set, keeps the balance on disk and counts the hellos in
	// file+".hellos": the program recovers its balance when restarted.
	file string
	// armed makes the writer below garble the next response.
	armed bool
}

func (w *goWallet) Hello(model string) error {
	fmt.Fprintf(os.Stderr, "hello from pid %d, model %q\n", os.Getpid(), model)
	switch {
	case w.mode == "refuse":
		return errors.New("I implement Bank, not " + model)
	case w.mode == "hello-hang":
		time.Sleep(time.Hour)
	case model != "" && model != "Wallet":
		return fmt.Errorf("I implement Wallet, not %s", model)
	}
	if w.file != "" {
		f, err := os.OpenFile(w.file+".hellos", os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := fmt.Fprintln(f, os.Getpid()); err != nil {
			return err
		}
		if b, err := os.ReadFile(w.file); err == nil {
			w.balance, _ = strconv.Atoi(string(b))
		}
	}
	return nil
}

func (w *goWallet) Actions() []string {
	if w.mode == "no-action" {
		return []string{"Deposit", "Withdrew"}
	}
	return []string{"Deposit", "Withdraw"}
}

func (w *goWallet) Invariants() error {
	if w.balance < 0 || w.balance > 3 {
		return fmt.Errorf("balance %d is outside 0..3", w.balance)
	}
	return nil
}

func (w *goWallet) Reset() error {
	w.balance = 0
	return w.save()
}

func (w *goWallet) save() error {
	if w.file == "" {
		return nil
	}
	return os.WriteFile(w.file, []byte(strconv.Itoa(w.balance)), 0o644)
}

func (w *goWallet) Step(action string, args []json.RawMessage) (any, error) {
	var amt int
	if len(args) != 1 {
		return nil, fmt.Errorf("%s takes 1 argument, got %d", action, len(args))
	}
	if err := json.Unmarshal(args[0], &amt); err != nil {
		return nil, err
	}
	if amt < 1 {
		return nil, fmt.Errorf("amount %d must be positive", amt)
	}
	switch action {
	case "Deposit":
		if w.balance+amt > 3 {
			return nil, fmt.Errorf("cannot hold %d coins", w.balance+amt)
		}
		w.balance += amt
		return nil, w.save()
	case "Withdraw":
		w.fault()
		floor := 0
		if w.mode == "overdraw" {
			floor = -1
		}
		if w.balance-amt < floor {
			return nil, errors.New("insufficient funds")
		}
		w.balance -= amt
		return w.balance, w.save()
	}
	return nil, fmt.Errorf("no action %s", action)
}

// fault misbehaves during Withdraw in the modes that do.
func (w *goWallet) fault() {
	switch w.mode {
	case "garbage":
		fmt.Println("Withdrawing 1 coin")
	case "exit":
		fmt.Fprintln(os.Stderr, "panic: the vault is on fire")
		os.Exit(2)
	case "hang":
		fmt.Fprintln(os.Stderr, "hanging in Withdraw")
		time.Sleep(time.Hour)
	case "close-stdout":
		os.Stdout.Close()
		time.Sleep(time.Hour)
	case "escape":
		// A child in a group of its own holds stdout and stderr after
		// the program exits: out of mbt's reach.
		cmd := exec.Command("sleep", "3600")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if detach != nil {
			detach(cmd)
		}
		if err := cmd.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		fmt.Fprintf(os.Stderr, "escaped pid %d\n", cmd.Process.Pid)
		os.Exit(3)
	case "orphan":
		// A child that holds stdout and stderr open after the program
		// exits: it dies with the process group.
		cmd := exec.Command("sleep", "3600")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(3)
	case "wrong-id", "missing-ok", "bad-output", "no-output":
		w.armed = true
	}
}

func (w *goWallet) View() (any, error) {
	switch w.mode {
	case "unknown-field":
		return map[string]any{"balance": w.balance, "coins": []int{}}, nil
	case "view-refused":
		return nil, errors.New("the view is on vacation")
	}
	return Wallet{Balance: w.balance}, nil
}

// garbler rewrites the responses of the modes that break the wire format.
type garbler struct {
	w   *goWallet
	out io.Writer
}

func (g *garbler) Write(line []byte) (int, error) {
	var resp map[string]any
	if err := json.Unmarshal(line, &resp); err != nil {
		return 0, err
	}
	_, hello := resp["protocol"]
	switch {
	case hello && g.w.mode == "protocol2":
		resp["protocol"] = 2
	case hello && g.w.mode == "no-protocol":
		delete(resp, "protocol")
	case g.w.armed:
		g.w.armed = false
		switch g.w.mode {
		case "wrong-id":
			resp["id"] = resp["id"].(float64) + 1
		case "missing-ok":
			delete(resp, "ok")
		case "bad-output":
			resp["output"] = "one"
		case "no-output":
			delete(resp, "output")
		}
	}
	b, err := json.Marshal(resp)
	if err != nil {
		return 0, err
	}
	if _, err := g.out.Write(append(b, '\n')); err != nil {
		return 0, err
	}
	return len(line), nil
}

// child is the test binary's main as the program under test.
func child(mode string) int {
	w := &goWallet{mode: mode, file: os.Getenv("WALLET_FILE")}
	var out io.Writer = bufio.NewWriter(os.Stdout) // Serve flushes it
	switch mode {
	case "wrong-id", "missing-ok", "bad-output", "no-output", "protocol2", "no-protocol":
		out = &garbler{w: w, out: os.Stdout}
	}
	err := subprocess.Serve(os.Stdin, out, "gowallet", w)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if mode == "linger" {
		// Ignores the end of its input.
		time.Sleep(time.Hour)
	}
	return 0
}
