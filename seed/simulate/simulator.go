// Package simulate drives a seeded district through the ingest API as if
// it were live: residents' appeals becoming work orders that walk their
// whole life cycle, grid workers patrolling their grids in shifts, and
// sensors in the compounds raising, acknowledging and clearing alarms —
// at the district's real rates, or faster. With Config.Actions the steps
// of orders that happen now are taken through the server's dispatch
// actions instead, so they keep to its state machine and its scheduler
// escalates what runs late.
//
// Everything runs on a simulated clock from one agenda of timed events,
// each part drawing from its own seeded random stream, so the same seed
// and start time give the same events however the run is cut into steps.
package simulate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/event"
)

// Simulator is one simulated district sending its events to a server.
// Step and Run are called from one goroutine; Stats from any.
type Simulator struct {
	cfg     Config
	sch     schedule
	orders  *orders
	alarms  *alarms
	patrols *patrols
	post    *poster
	act     *actor // nil unless Config.Actions
	log     *slog.Logger
	c       counters
	buf     []*event.Event
	// now is the real clock; tests replace it.
	now func() time.Time
}

// New builds a simulator for the areas and facilities of a seeded (or
// imported) district. It needs general grids; compounds, buildings and
// facilities make it richer.
func New(cfg Config, areas *area.Set, facilities []*area.Facility) (*Simulator, error) {
	d, err := newDistrict(areas)
	if err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	cfg = cfg.withDefaults(time.Now(), len(d.grids), d.districts)
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("simulate config: %w", err)
	}
	s := &Simulator{cfg: cfg, log: cfg.Logger, now: time.Now}
	ids := newIDs(cfg.Seed, cfg.Start)
	s.alarms = newAlarms(&s.sch, ids, devices(d, facilities, cfg.Seed), cfg.Seed)
	s.orders = newOrders(d, &s.sch, ids, cfg.Seed, cfg.AppealsPerDay, s.alarms.ordersPerDay())
	s.alarms.orders = s.orders
	s.patrols = &patrols{sch: &s.sch, ids: ids, interval: [2]time.Duration{cfg.PatrolMin, cfg.PatrolMax},
		workers: cfg.Only.shard(roster(d, cfg.Workers, cfg.Seed))}
	s.post = &poster{
		client: cfg.Client, url: strings.TrimRight(cfg.BaseURL, "/") + EventsPath, header: withKey(cfg.Header, cfg.Key),
		maxBytes: cfg.MaxBatchBytes, retries: cfg.MaxRetries, base: cfg.RetryBase, maxWait: cfg.RetryMax,
		log: s.log, c: &s.c, sleep: sleepCtx,
	}
	if cfg.Actions {
		s.act = &actor{client: cfg.Client, base: strings.TrimRight(cfg.BaseURL, "/"), header: cfg.Header, token: cfg.ActionToken,
			retries: cfg.MaxRetries, backoff: s.post.backoff, log: s.log, c: &s.c, sleep: sleepCtx,
			sentTo: map[string]handover{}}
	}

	begin := cfg.Start.Add(-cfg.Warmup)
	if !cfg.Only.NoOrders {
		s.orders.start(begin)
		s.alarms.start(begin)
	}
	if !cfg.Only.NoPatrols {
		s.patrols.start(cfg.Start)
	}
	s.c.simTime.Store(begin.UnixNano())
	return s, nil
}

// shard keeps the workers of p's shard.
func (p Parts) shard(workers []*worker) []*worker {
	if p.WorkerShards <= 1 {
		return workers
	}
	var out []*worker
	for i, w := range workers {
		if i%p.WorkerShards == p.WorkerShard {
			out = append(out, w)
		}
	}
	return out
}

// Stats is what the simulator has sent so far.
func (s *Simulator) Stats() Stats { return s.c.snapshot() }

// Step advances the simulation to the simulated time to and posts every
// event that came due, in time order, in batches. It returns when all are
// answered, or with an error when a batch could not be delivered.
func (s *Simulator) Step(ctx context.Context, to time.Time) error {
	for {
		s.buf = s.sch.drain(to, s.cfg.MaxBatch, s.buf[:0])
		if len(s.buf) == 0 {
			break
		}
		if err := s.send(ctx, s.buf); err != nil {
			return err
		}
		if len(s.buf) < s.cfg.MaxBatch {
			break
		}
	}
	clear(s.buf) // let sent events go
	s.c.simTime.Store(to.UnixNano())
	s.c.onDuty.Store(int64(s.patrols.onDuty()))
	s.c.pending.Store(int64(s.sch.pending()))
	return nil
}

// send delivers events in time order: posted in batches, except, with
// Config.Actions, the order steps that happen now, which are taken through
// the server's dispatch actions between the batches before and after them.
func (s *Simulator) send(ctx context.Context, evs []*event.Event) error {
	if s.act == nil {
		return s.post.post(ctx, evs)
	}
	now := s.now()
	from := 0
	for i, e := range evs {
		if e.Order == nil || e.Order.State == event.Received || now.Sub(e.Time.Time) > s.cfg.ActionLag {
			continue
		}
		if err := s.post.post(ctx, evs[from:i]); err != nil {
			return err
		}
		if err := s.act.act(ctx, e); err != nil {
			return err
		}
		from = i + 1
	}
	return s.post.post(ctx, evs[from:])
}

// Run adopts the orders and alarms the server holds open (with
// Config.Actions), sends the warmup, then keeps the simulated clock
// running at Speed times real time (never ahead of it) and sends what
// comes due every Tick, until ctx ends (then it returns nil) or events
// cannot be delivered.
func (s *Simulator) Run(ctx context.Context) error {
	cfg := s.cfg
	s.log.Info("simulate: starting", "url", s.post.url, "start", cfg.Start.Format(time.RFC3339),
		"speed", cfg.Speed, "workers", len(s.patrols.workers), "appeals_per_day", cfg.AppealsPerDay,
		"alarms_per_day", fmt.Sprintf("%.0f", s.alarms.perDay()), "warmup", cfg.Warmup)
	if s.act != nil && !cfg.Only.NoOrders {
		s.adoptHeldOpen(ctx, cfg.Start.Add(-cfg.Warmup))
	}
	if cfg.Warmup > 0 {
		if err := s.Step(ctx, cfg.Start); err != nil {
			return stopped(ctx, err)
		}
		s.log.Info("simulate: warmup sent", "orders", s.c.sent[0].Load(), "alarms", s.c.sent[2].Load())
	}
	tick := time.NewTicker(cfg.Tick)
	defer tick.Stop()
	logTick := time.NewTicker(cfg.LogEvery)
	defer logTick.Stop()
	t0 := s.now()
	last := s.Stats()
	live := false
	for {
		wall := s.now()
		to := cfg.Start.Add(time.Duration(float64(wall.Sub(t0)) * cfg.Speed))
		if to.After(wall) {
			to = wall
			if !live && cfg.Speed > 1 {
				s.log.Info("simulate: caught up with real time; going on at real time")
			}
			live = true
		}
		if err := s.Step(ctx, to); err != nil {
			if err = stopped(ctx, err); err != nil {
				return err
			}
		}
		select {
		case <-ctx.Done():
			st := s.Stats()
			s.log.Info("simulate: stopped", "sim_time", st.SimTime.In(beijing).Format("2006-01-02 15:04:05"),
				"orders", st.Orders, "patrols", st.Patrols, "alarms", st.Alarms, "rejected", st.Rejected, "retries", st.Retries)
			return nil
		case <-logTick.C:
			last = s.logProgress(last)
		case <-tick.C:
		}
	}
}

// stopped turns an error caused by ctx ending into a clean stop.
func stopped(ctx context.Context, err error) error {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return nil
	}
	return err
}

// logProgress logs what was sent since prev and returns the new totals.
func (s *Simulator) logProgress(prev Stats) Stats {
	now := s.Stats()
	s.log.Info("simulate: progress",
		"sim_time", now.SimTime.In(beijing).Format("2006-01-02 15:04:05"),
		"orders", now.Orders-prev.Orders, "patrols", now.Patrols-prev.Patrols, "alarms", now.Alarms-prev.Alarms,
		"duplicates", now.Duplicates-prev.Duplicates, "rejected", now.Rejected-prev.Rejected,
		"retries", now.Retries-prev.Retries, "on_duty", now.OnDuty, "rejected_total", now.Rejected,
		"actions", now.Actions-prev.Actions, "refused", now.Refused-prev.Refused)
	return now
}

// Run loads the district from dataDir (areas and facilities in
// <dataDir>/areas, as the seed command writes them) and simulates it
// until ctx ends. The serve command calls it to drive its own listen
// address.
func Run(ctx context.Context, cfg Config, dataDir string) error {
	areas, facilities, err := Load(dataDir)
	if err != nil {
		return err
	}
	s, err := New(cfg, areas, facilities)
	if err != nil {
		return err
	}
	return s.Run(ctx)
}

// Load reads the areas and facilities of the district in dataDir. A
// missing facilities file means a district without sensor-fitted
// elevators.
func Load(dataDir string) (*area.Set, []*area.Facility, error) {
	return LoadAreas(filepath.Join(dataDir, "areas"))
}

// LoadAreas reads the areas and facilities in dir, as Load does in
// <dataDir>/areas.
func LoadAreas(dir string) (*area.Set, []*area.Facility, error) {
	areas, err := area.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("simulate: read areas (seed the district first): %w", err)
	}
	f, err := os.Open(filepath.Join(dir, area.FacilitiesFile))
	if errors.Is(err, fs.ErrNotExist) {
		return areas, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("simulate: %w", err)
	}
	defer f.Close()
	facilities, err := area.ReadFacilities(f)
	if err != nil {
		return nil, nil, fmt.Errorf("simulate: %w", err)
	}
	return areas, facilities, nil
}
