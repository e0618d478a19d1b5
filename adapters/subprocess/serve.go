package subprocess

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Handler is the implementation side of protocol 1, for programs written
// in Go: [Serve] calls it for each request. Its methods run one at a time.
//
// A Handler may also have these methods, which Serve finds by type
// assertion:
//
//	Invariants() error       // hello declares "invariants": true; an error is a violation
//	Actions() []string       // hello declares the actions it implements
//	Hello(model string) error // an error refuses the session (an unknown model, say)
type Handler interface {
	// Reset brings the implementation back to the model's initial state.
	Reset() error
	// Step performs action with args, each the JSON encoding of the
	// model's Go value (decode them with json.Unmarshal). It returns the
	// action's output, which Serve encodes with encoding/json (nil for
	// none), or an error when the implementation refuses the step; a
	// refused step must change nothing.
	Step(action string, args []json.RawMessage) (output any, err error)
	// View returns the state as the model's View sees it, which Serve
	// encodes with encoding/json.
	View() (any, error)
}

// Serve answers the requests read from in, one JSON object a line, with
// responses written to out, one a line, until EOF on in, when it returns
// nil. name is the program's name in hello. A program's main is:
//
//	if err := subprocess.Serve(os.Stdin, os.Stdout, "goqueue", &broker{}); err != nil {
//		log.Fatal(err)
//	}
//
// Serve returns an error when in has a line that is not a request, when an
// output or a view cannot be encoded, or when writing to out fails; mbt
// then reports the program's exit and the last lines of its stderr. If out
// has a Flush() error method, as a *bufio.Writer has, Serve calls it after
// each response.
func Serve(in io.Reader, out io.Writer, name string, h Handler) error {
	br := bufio.NewReaderSize(in, 64<<10)
	for {
		line, rerr := br.ReadBytes('\n')
		if rerr != nil && rerr != io.EOF {
			return fmt.Errorf("subprocess: serve: read a request: %w", rerr)
		}
		if len(bytes.TrimSpace(line)) > 0 {
			var req Request
			if err := json.Unmarshal(line, &req); err != nil {
				return fmt.Errorf("subprocess: serve: the request %s is not JSON: %w", preview(line), err)
			}
			resp, err := handle(req, name, h)
			if err != nil {
				return fmt.Errorf("subprocess: serve: request %d (%s): %w", req.ID, req.Op, err)
			}
			b, err := json.Marshal(resp)
			if err != nil {
				return fmt.Errorf("subprocess: serve: request %d (%s): encode the response: %w", req.ID, req.Op, err)
			}
			if _, err := out.Write(append(b, '\n')); err != nil {
				return fmt.Errorf("subprocess: serve: write a response: %w", err)
			}
			if f, ok := out.(interface{ Flush() error }); ok {
				if err := f.Flush(); err != nil {
					return fmt.Errorf("subprocess: serve: write a response: %w", err)
				}
			}
		}
		if rerr == io.EOF {
			return nil
		}
	}
}

// handle answers one request. An error stops Serve.
func handle(req Request, name string, h Handler) (Response, error) {
	resp := Response{ID: req.ID, OK: true}
	refuse := func(err error) (Response, error) {
		resp.OK, resp.Error = false, err.Error()
		if resp.Error == "" {
			resp.Error = "refused"
		}
		return resp, nil
	}
	switch req.Op {
	case opHello:
		resp.Name, resp.Protocol = name, Protocol
		if req.Protocol != Protocol {
			return refuse(fmt.Errorf("this program speaks protocol %d, mbt sent protocol %d", Protocol, req.Protocol))
		}
		if hh, ok := h.(interface{ Hello(model string) error }); ok {
			if err := hh.Hello(req.Model); err != nil {
				return refuse(err)
			}
		}
		if ah, ok := h.(interface{ Actions() []string }); ok {
			resp.Actions = ah.Actions()
		}
		_, resp.Invariants = h.(interface{ Invariants() error })
	case opReset:
		if err := h.Reset(); err != nil {
			return refuse(err)
		}
	case opStep:
		out, err := h.Step(req.Action, req.Args)
		if err != nil {
			return refuse(err)
		}
		if out != nil {
			b, err := json.Marshal(out)
			if err != nil {
				return resp, fmt.Errorf("encode the output of %s: %w", req.Action, err)
			}
			resp.Output = b
		}
	case opView:
		v, err := h.View()
		if err != nil {
			return refuse(err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return resp, fmt.Errorf("encode the view: %w", err)
		}
		resp.View = b
	case opInvariants:
		ih, ok := h.(interface{ Invariants() error })
		if !ok {
			return refuse(errors.New("this program has no invariants"))
		}
		if err := ih.Invariants(); err != nil {
			return refuse(err)
		}
	default:
		return refuse(fmt.Errorf("unknown op %q", req.Op))
	}
	return resp, nil
}
