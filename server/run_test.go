package server

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"
)

func TestRunServesUntilCancelled(t *testing.T) {
	s, err := New(Config{Addr: "127.0.0.1:0"}, Deps{Frontend: testFrontend, Logger: slog.New(slog.DiscardHandler), Open: true})
	if err != nil {
		t.Fatal(err)
	}
	a := testAreas(t)
	if err := s.SetAreas(a); err != nil {
		t.Fatal(err)
	}
	startPipeline(t, s, a, pipelineParts{})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	addrCtx, stop := context.WithTimeout(ctx, 10*time.Second)
	defer stop()
	addr, err := s.Addr(addrCtx)
	if err != nil {
		t.Fatalf("Run did not listen: %v", err)
	}
	base := "http://" + addr
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
	first, err := New(Config{Addr: "127.0.0.1:0"}, Deps{Logger: slog.New(slog.DiscardHandler), Open: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go first.Run(ctx)
	addr, err := first.Addr(ctx)
	if err != nil {
		t.Fatal(err)
	}

	second, err := New(Config{Addr: addr}, Deps{Logger: slog.New(slog.DiscardHandler), Open: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := second.Run(ctx); err == nil {
		t.Error("Run on a busy address returned nil")
	}
}
