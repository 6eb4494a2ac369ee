package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/seed/history"
	"github.com/gridpulse/gridpulse/seed/simulate"
)

// maxHistory is the longest --history: patrol samples are kept 400 days.
const maxHistory = 400 * 24 * time.Hour

// parseSpan reads a --history length: whole days as "365d", or a Go
// duration such as "72h". Empty is none.
func parseSpan(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, errors.New("want whole days such as 365d, or a duration such as 72h")
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, errors.New("want whole days such as 365d, or a duration such as 72h")
		}
	}
	if d < time.Hour || d > maxHistory {
		return 0, fmt.Errorf("want from 1h to %dd", maxHistory/(24*time.Hour))
	}
	return d, nil
}

// writeHistory simulates r.history of the district in r.out, ending now
// (or where the live data in ClickHouse begins), and writes it into
// ClickHouse, with a progress bar on a terminal and a summary on out.
func (r seedRun) writeHistory(ctx context.Context, out, stderr io.Writer) error {
	areas, facilities, err := simulate.LoadAreas(r.out)
	if err != nil {
		return err
	}
	chCfg := analytics.DefaultConfig(r.data)
	chCfg.DSN = r.clickhouse
	store, err := analytics.Open(ctx, chCfg)
	if err != nil {
		if chCfg.DSN == "" {
			return fmt.Errorf("history: open the embedded ClickHouse in %s (one process per data directory: stop `gridpulse serve --data %s` while the history is written): %w",
				chCfg.Dir, r.data, err)
		}
		return fmt.Errorf("history: %w", err)
	}
	defer func() {
		if err := store.Close(); err != nil {
			slog.Error("history: close ClickHouse", "err", err)
		}
	}()
	from, to, err := history.Plan(ctx, store, r.history, time.Now())
	if err != nil {
		return err
	}
	where := "embedded ClickHouse in " + chCfg.Dir
	if chCfg.DSN != "" {
		where = "ClickHouse server " + redactDSN(chCfg.DSN)
	}
	slog.Info("history: writing", "from", from.Format(time.RFC3339), "to", to.Format(time.RFC3339), "into", where)

	p := newHistoryProgress(stderr, to.Sub(from))
	sum, err := history.Write(ctx, store, areas, facilities, history.Config{
		From: from, To: to, Seed: r.cfg.Seed, Progress: p.report,
	})
	p.finish()
	if err != nil {
		if errors.Is(err, history.ErrExists) {
			return fmt.Errorf("%w; nothing written", err)
		}
		return fmt.Errorf("%w (%d rows were written: to write the history again, start from an empty ClickHouse)", err, sum.Written)
	}
	historySummary(out, sum, where, r.cfg.Seed)
	return nil
}

// redactDSN hides a DSN's password.
func redactDSN(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	userinfo := dsn[scheme+3 : at]
	if user, _, ok := strings.Cut(userinfo, ":"); ok {
		return dsn[:scheme+3] + user + ":***" + dsn[at:]
	}
	return dsn
}

// historySummary prints what the history holds and how fast it went in.
func historySummary(w io.Writer, s history.Summary, where string, seed uint64) {
	fmt.Fprintf(w, "history %s – %s (seed %d) written into %s in %s\n",
		s.From.Format(time.RFC3339), s.To.Format(time.RFC3339), seed, where, s.Took.Round(time.Second))
	fmt.Fprintf(w, "  %-16s %12d  (%d events)\n", "work orders", s.Orders, s.OrderEvents)
	fmt.Fprintf(w, "  %-16s %12d  (%d events)\n", "alarms", s.Alarms, s.AlarmEvents)
	fmt.Fprintf(w, "  %-16s %12d  (one per worker on duty every %.0f–%.0f minutes)\n", "patrol samples", s.PatrolSamples,
		history.DefaultPatrolMin.Minutes(), history.DefaultPatrolMax.Minutes())
	fmt.Fprintf(w, "  %-16s %12d  (%.0f rows/s)\n", "rows", s.Written, s.RowsPerSecond())
	if s.Outside > 0 {
		fmt.Fprintf(w, "  %-16s %12d  (outside every street, left out)\n", "events", s.Outside)
	}
}

// historyProgress shows the simulated days done as a bar on a terminal,
// and otherwise logs a line every ten seconds.
type historyProgress struct {
	w       io.Writer
	bar     *progressbar.ProgressBar
	lastLog time.Time
}

func newHistoryProgress(w io.Writer, span time.Duration) *historyProgress {
	p := &historyProgress{w: w, lastLog: time.Now()}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions(int(span/time.Hour),
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("history (hours)"),
			progressbar.OptionSetWidth(30),
			progressbar.OptionShowCount(),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
		)
	}
	return p
}

func (p *historyProgress) report(s history.Summary) {
	if p.bar != nil {
		_ = p.bar.Set(int(s.SimTime.Sub(s.From) / time.Hour)) // drawing to a terminal; nothing to do if it fails
		return
	}
	if time.Since(p.lastLog) >= 10*time.Second {
		p.lastLog = time.Now()
		slog.Info("history: progress", "sim_time", s.SimTime.Format(time.RFC3339),
			"done", fmt.Sprintf("%.1f%%", 100*float64(s.SimTime.Sub(s.From))/float64(s.To.Sub(s.From))),
			"orders", s.Orders, "alarms", s.Alarms, "patrol_samples", s.PatrolSamples, "rows_written", s.Written,
			"rows_per_s", int(s.RowsPerSecond()))
	}
}

func (p *historyProgress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
