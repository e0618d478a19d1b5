package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// Client talks to a ledger at a base URL such as http://127.0.0.1:8080.
type Client struct {
	base string
	http *http.Client
}

// New returns a client of the ledger at base.
func New(base string, hc *http.Client) *Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{base: base, http: hc}
}

// Error is a refusal or failure reported by the ledger.
type Error struct {
	Status  int
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("ledger: %s (HTTP %d)", e.Message, e.Status) }

func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&e)
		return &Error{Status: resp.StatusCode, Message: e.Error}
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("ledger: %s %s: bad answer: %w", method, path, err)
	}
	return nil
}

type balance struct {
	Balance int `json:"balance"`
}

// Deposit adds amount to account and returns the new balance.
func (c *Client) Deposit(ctx context.Context, account string, amount int) (int, error) {
	var b balance
	err := c.do(ctx, http.MethodPost, "/deposit", map[string]any{"account": account, "amount": amount}, &b)
	return b.Balance, err
}

// Withdraw takes amount from account and returns the new balance.
func (c *Client) Withdraw(ctx context.Context, account string, amount int) (int, error) {
	var b balance
	err := c.do(ctx, http.MethodPost, "/withdraw", map[string]any{"account": account, "amount": amount}, &b)
	return b.Balance, err
}

// Transfer moves amount from one account to another.
func (c *Client) Transfer(ctx context.Context, from, to string, amount int) error {
	return c.do(ctx, http.MethodPost, "/transfer", map[string]any{"from": from, "to": to, "amount": amount}, nil)
}

// Balances returns every account's balance.
func (c *Client) Balances(ctx context.Context) (map[string]int, error) {
	var m map[string]int
	err := c.do(ctx, http.MethodGet, "/balances", nil, &m)
	return m, err
}

// Reset sets every balance to 0.
func (c *Client) Reset(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "/reset", nil, nil)
}
