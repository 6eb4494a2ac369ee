package server

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
)

// addrHandler is a slog handler that hands over the address Run logs when
// it starts listening.
type addrHandler struct {
	slog.Handler
	addr chan string
}

func (h addrHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h addrHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == "listening" {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "addr" {
				h.addr <- a.Value.String()
				return false
			}
			return true
		})
	}
	return nil
}

func TestRunServesUntilCancelled(t *testing.T) {
	addr := make(chan string, 1)
	logger := slog.New(addrHandler{Handler: slog.DiscardHandler, addr: addr})
	s, err := New(Config{Addr: "127.0.0.1:0"}, Deps{Frontend: testFrontend, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetAreas(testAreas(t)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()

	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("Run returned before listening: %v", err)
	}
	res, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("/readyz = %d", res.StatusCode)
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run after cancel: %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("the server still answers after Run returned")
	}
}

func TestRunReportsABusyAddress(t *testing.T) {
	first, err := New(Config{Addr: "127.0.0.1:0"}, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	first.log = slog.New(addrHandler{Handler: slog.DiscardHandler, addr: addr})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go first.Run(ctx)

	second, err := New(Config{Addr: <-addr}, Deps{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := second.Run(ctx); err == nil {
		t.Error("Run on a busy address returned nil")
	}
}
