// Package server is a small HTTP/JSON reservation service: clients reserve
// items from a fixed stock and cancel reservations. The service names each
// reservation itself, with a random UUID (version 4), as real services do.
//
// Endpoints (JSON; errors as {"error": "..."}):
//
//	POST   /reservations       {"item":"apple"} -> 201 {"id":"<uuid>","item":"apple"}
//	                                               404 unknown item, 409 out of stock
//	GET    /reservations/{id}                   -> 200 {"id":"<uuid>","item":"apple"}, 404
//	DELETE /reservations/{id}                   -> 204, 404 unknown reservation
//	GET    /reservations                        -> 200 [{"id":...,"item":...}, ...] in the order made
//	GET    /stock                               -> 200 {"apple":1,"pear":0}
//
// The service has no endpoint for tests: a test that needs a clean service
// cancels every reservation, or starts a new one. Planted bugs (see [Bug]),
// off by default, let the project show that its generated tests catch
// each.
package server

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// Bug is a planted defect, off unless switched on.
type Bug string

// The planted defects.
const (
	// Oversell reserves an item that is out of stock.
	Oversell Bug = "oversell"
	// CancelTwice lets a cancelled reservation be cancelled again, which
	// puts the item back in stock a second time.
	CancelTwice Bug = "canceltwice"
	// ReuseID gives a new reservation the id of the last one cancelled.
	ReuseID Bug = "reuseid"
	// NoRestock does not put a cancelled reservation's item back in stock.
	NoRestock Bug = "norestock"
	// AnyItem reserves an item the service does not have, from nothing.
	AnyItem Bug = "anyitem"
)

// AllBugs lists every planted defect.
var AllBugs = []Bug{Oversell, CancelTwice, ReuseID, NoRestock, AnyItem}

// ParseBugs parses a comma-separated list of bug names.
func ParseBugs(list string) (map[Bug]bool, error) {
	out := map[Bug]bool{}
	for _, name := range strings.Split(list, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		if !slices.Contains(AllBugs, Bug(name)) {
			return nil, fmt.Errorf("server: unknown bug %q (want oversell, canceltwice, reuseid, norestock or anyitem)", name)
		}
		out[Bug(name)] = true
	}
	return out, nil
}

// Reservation is one reservation.
type Reservation struct {
	ID   string `json:"id"`
	Item string `json:"item"`
}

// Server is the reservation service; it is an http.Handler.
type Server struct {
	mu        sync.Mutex
	stock     map[string]int
	held      []Reservation // in the order made
	cancelled map[string]Reservation
	lastFreed string
	bugs      map[Bug]bool
	mux       *http.ServeMux
}

// New returns a service with the given stock of each item.
func New(stock map[string]int, bugs map[Bug]bool) *Server {
	s := &Server{stock: maps.Clone(stock), cancelled: map[string]Reservation{}, bugs: bugs, mux: http.NewServeMux()}
	s.mux.HandleFunc("POST /reservations", s.handleReserve)
	s.mux.HandleFunc("GET /reservations/{id}", s.handleGet)
	s.mux.HandleFunc("DELETE /reservations/{id}", s.handleCancel)
	s.mux.HandleFunc("GET /reservations", s.handleList)
	s.mux.HandleFunc("GET /stock", s.handleStock)
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Errors the service refuses requests with.
var (
	ErrUnknownItem = errors.New("no such item")
	ErrOutOfStock  = errors.New("out of stock")
	ErrUnknownID   = errors.New("no such reservation")
)

// newID returns a random version-4 UUID.
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Reserve reserves one unit of item.
func (s *Server) Reserve(item string) (Reservation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.stock[item]
	switch {
	case !ok && !s.bugs[AnyItem]:
		return Reservation{}, ErrUnknownItem
	case n <= 0 && ok && !s.bugs[Oversell]:
		return Reservation{}, ErrOutOfStock
	}
	id := newID()
	if s.bugs[ReuseID] && s.lastFreed != "" {
		id = s.lastFreed
	}
	if ok {
		s.stock[item]--
	}
	r := Reservation{ID: id, Item: item}
	s.held = append(s.held, r)
	return r, nil
}

// Get returns the reservation id.
func (s *Server) Get(id string) (Reservation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.held {
		if r.ID == id {
			return r, nil
		}
	}
	return Reservation{}, ErrUnknownID
}

// Cancel cancels the reservation id and puts its item back in stock.
func (s *Server) Cancel(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.held, func(r Reservation) bool { return r.ID == id })
	if i < 0 {
		if r, ok := s.cancelled[id]; ok && s.bugs[CancelTwice] {
			s.stock[r.Item]++
			return nil
		}
		return ErrUnknownID
	}
	r := s.held[i]
	s.held = slices.Delete(s.held, i, i+1)
	s.cancelled[id] = r
	s.lastFreed = id
	if _, ok := s.stock[r.Item]; ok && !s.bugs[NoRestock] {
		s.stock[r.Item]++
	}
	return nil
}

// List returns the reservations in the order they were made.
func (s *Server) List() []Reservation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.held)
}

// Stock returns the stock of every item.
func (s *Server) Stock() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.stock)
}

func (s *Server) handleReserve(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Item string `json:"item"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		reply(w, http.StatusBadRequest, map[string]string{"error": "bad request: " + err.Error()})
		return
	}
	res, err := s.Reserve(req.Item)
	switch {
	case errors.Is(err, ErrUnknownItem):
		reply(w, http.StatusNotFound, map[string]string{"error": err.Error()})
	case err != nil:
		reply(w, http.StatusConflict, map[string]string{"error": err.Error()})
	default:
		reply(w, http.StatusCreated, res)
	}
}

func (s *Server) handleGet(w http.ResponseWriter, r *http.Request) {
	res, err := s.Get(r.PathValue("id"))
	if err != nil {
		reply(w, http.StatusNotFound, map[string]string{"error": err.Error()})
		return
	}
	reply(w, http.StatusOK, res)
}

func (s *Server) handleCancel(w http.ResponseWriter, r *http.Request) {
	if err := s.Cancel(r.PathValue("id")); err != nil {
		reply(w, http.StatusNotFound, map[string]string{"error": err.Error()})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	reply(w, http.StatusOK, s.List())
}

func (s *Server) handleStock(w http.ResponseWriter, r *http.Request) {
	reply(w, http.StatusOK, s.Stock())
}

func reply(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
