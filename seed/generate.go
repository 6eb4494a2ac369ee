package seed

import (
	"context"
	"fmt"
	"runtime"
	"sync"
)

// Progress hears how generation goes: for each stage in turn, a call with
// done = 0, some calls as work is done, and one with done = total. It may
// be nil.
type Progress func(stage string, done, total int)

// The stages Generate reports, in order.
const (
	StageStreets     = "streets"
	StageCommunities = "communities"
	StageCompounds   = "compounds"
	StageBuildings   = "buildings"
	StageGrids       = "general grids"
	StageMicroGrids  = "micro grids"
	StageFacilities  = "facilities"
)

// generator holds one run of Generate.
type generator struct {
	cfg       Config
	frame     frame
	districts []*districtGen
}

// Generate builds the district (or city) cfg describes. It returns an
// error for a config that cannot make one, when a part does not fit, or
// when ctx ends.
func Generate(ctx context.Context, cfg Config, progress Progress) (*District, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("seed config: %w", err)
	}
	if progress == nil {
		progress = func(string, int, int) {}
	}
	g := &generator{cfg: cfg, frame: newFrame(cfg.Center)}
	nd := len(cfg.Districts)

	run := func(stage string, total int, work func(t *tracker) error) error {
		t := &tracker{ctx: ctx, progress: progress, stage: stage, total: total}
		progress(stage, 0, total)
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := work(t); err != nil {
			return err
		}
		if t.done != total {
			// A stage's total is known up front; a mismatch is a bug here.
			return fmt.Errorf("stage %s did %d of %d steps", stage, t.done, total)
		}
		return nil
	}
	// Districts share nothing once laid out, so a city's districts go
	// through each stage in parallel; each draws from its own random
	// streams, so the result does not depend on the schedule.
	forDistricts := func(each func(d *districtGen, t *tracker) error) func(t *tracker) error {
		return func(t *tracker) error {
			errs := make([]error, len(g.districts))
			next := make(chan int)
			var wg sync.WaitGroup
			for w := 0; w < min(runtime.GOMAXPROCS(0), len(g.districts)); w++ {
				wg.Go(func() {
					for i := range next {
						errs[i] = each(g.districts[i], t)
					}
				})
			}
			for i := range g.districts {
				next <- i
			}
			close(next)
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					return err
				}
			}
			return nil
		}
	}

	if err := g.layoutDistricts(); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	steps := []struct {
		stage string
		total int
		work  func(t *tracker) error
	}{
		{StageStreets, nd, forDistricts(func(d *districtGen, t *tracker) error {
			if err := g.layoutStreets(d); err != nil {
				return err
			}
			return t.step()
		})},
		{StageCommunities, nd * cfg.Communities, forDistricts(func(d *districtGen, t *tracker) error {
			return g.layoutCommunities(d, t)
		})},
		{StageCompounds, nd * cfg.Communities, forDistricts(func(d *districtGen, t *tracker) error {
			types, kinds, err := g.planCompounds(d)
			if err != nil {
				return err
			}
			for i, c := range d.communities() {
				if err := g.layoutCompounds(d, c, types[i], kinds[i]); err != nil {
					return err
				}
				if err := t.step(); err != nil {
					return err
				}
			}
			return nil
		})},
		{StageBuildings, nd * cfg.Compounds, forDistricts(func(d *districtGen, t *tracker) error {
			for _, k := range d.compounds() {
				if err := g.layoutBuildings(k); err != nil {
					return err
				}
				if err := t.step(); err != nil {
					return err
				}
			}
			return nil
		})},
		{StageGrids, nd * cfg.GeneralGrids, forDistricts(func(d *districtGen, t *tracker) error {
			counts, err := g.planGeneralGrids(d)
			if err != nil {
				return err
			}
			for i, c := range d.communities() {
				if err := g.layoutGeneralGrids(c, counts[i]); err != nil {
					return err
				}
				if err := t.steps(counts[i]); err != nil {
					return err
				}
			}
			return nil
		})},
		{StageMicroGrids, nd * cfg.MicroGrids, forDistricts(func(d *districtGen, t *tracker) error {
			counts, err := g.planMicroGrids(d)
			if err != nil {
				return err
			}
			i := 0
			for _, c := range d.communities() {
				for _, gr := range c.grids {
					if err := g.layoutMicroGrids(c, gr, counts[i]); err != nil {
						return err
					}
					if err := t.steps(counts[i]); err != nil {
						return err
					}
					i++
				}
			}
			return nil
		})},
		{StageFacilities, nd, forDistricts(func(d *districtGen, t *tracker) error {
			g.assignCompanies(d)
			if err := g.fitElevators(d); err != nil {
				return err
			}
			g.placeControlRooms(d)
			g.collectFacilities(d)
			return t.step()
		})},
	}
	for _, s := range steps {
		if err := run(s.stage, s.total, s.work); err != nil {
			return nil, fmt.Errorf("seed %s: %w", s.stage, err)
		}
	}
	return g.assemble(), nil
}

// tracker counts a stage's steps, reports them now and then, and stops the
// work when the context ends. It is safe for concurrent use.
type tracker struct {
	mu       sync.Mutex
	ctx      context.Context
	progress Progress
	stage    string
	done     int
	total    int
	reported int
}

func (t *tracker) step() error { return t.steps(1) }

func (t *tracker) steps(n int) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.done += n
	// About two hundred reports a stage are plenty for a progress bar.
	if t.done == t.total || t.done-t.reported >= max(1, t.total/200) {
		t.progress(t.stage, t.done, t.total)
		t.reported = t.done
	}
	return t.ctx.Err()
}
