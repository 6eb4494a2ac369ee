package analytics_test

import (
	"context"
	"testing"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/analyticstest"
	"github.com/gridpulse/gridpulse/analytics/schema"
)

type tableRow struct {
	Name   string `ch:"name"`
	Engine string `ch:"engine"`
}

// Open applies every migration once; reopening the same store applies
// nothing and finds the same version and tables.
func TestOpenMigratesOnceAndReopens(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		ctx := context.Background()
		all, err := schema.Migrations()
		if err != nil {
			t.Fatal(err)
		}
		latest := all[len(all)-1].Version

		s, err := analytics.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if s.SchemaVersion() != latest {
			t.Errorf("schema version %d, want %d", s.SchemaVersion(), latest)
		}
		if err := s.Check(ctx); err != nil {
			t.Fatal(err)
		}
		var tables []tableRow
		if err := s.Engine().Select(ctx, &tables, "SELECT name, engine FROM system.tables WHERE database = currentDatabase() ORDER BY name"); err != nil {
			t.Fatal(err)
		}
		t.Logf("tables: %v", tables)
		s.Close()

		s = analyticstest.Open(t, cfg)
		if s.SchemaVersion() != latest {
			t.Errorf("after reopening: schema version %d, want %d", s.SchemaVersion(), latest)
		}
		var rows []struct {
			Version uint32 `ch:"version"`
			N       uint64 `ch:"n"`
		}
		if err := s.Engine().Select(ctx, &rows, "SELECT version, count() AS n FROM schema_migrations FINAL GROUP BY version ORDER BY version"); err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(all) {
			t.Fatalf("schema_migrations has %d versions, want %d: %v", len(rows), len(all), rows)
		}
		for i, r := range rows {
			if int(r.Version) != all[i].Version || r.N != 1 {
				t.Errorf("schema_migrations row %d = %+v, want version %d once", i, r, all[i].Version)
			}
		}
	})
}
