package loadtest

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/pprof/profile"
)

// Samples are the generator's by label, the Go runtime's when they run its
// background workers, and the server's otherwise: by label, by the
// embedded NATS server's own labels, or native code.
func TestSplitProfile(t *testing.T) {
	fn := func(id uint64, name string) *profile.Location {
		return &profile.Location{ID: id, Line: []profile.Line{{Function: &profile.Function{ID: id, Name: name}}}}
	}
	handler := fn(1, "github.com/gridpulse/gridpulse/stream/ingest.(*Ingest).Submit")
	natsLoop := fn(2, "github.com/nats-io/nats-server/v2/server.(*stream).internalLoop")
	gc := fn(3, "runtime.gcBgMarkWorker")
	client := fn(4, "github.com/gridpulse/gridpulse/stream/loadtest.(*client).run")
	native := fn(5, "runtime._ExternalCode")
	sample := func(ns int64, loc *profile.Location, labels map[string][]string) *profile.Sample {
		return &profile.Sample{Value: []int64{ns / 1e7, ns}, Location: []*profile.Location{loc}, Label: labels}
	}
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		PeriodType: &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:     1e7,
		Sample: []*profile.Sample{
			sample(40e6, handler, map[string][]string{labelKey: {sideServer}}),
			sample(20e6, natsLoop, map[string][]string{"stream": {"EVENTS"}}),
			sample(10e6, natsLoop, nil),
			sample(20e6, client, map[string][]string{labelKey: {sideGenerator}}),
			sample(10e6, gc, nil),
			sample(5e6, native, nil),
		},
		Location: []*profile.Location{handler, natsLoop, gc, client, native},
		Function: []*profile.Function{handler.Line[0].Function, natsLoop.Line[0].Function, gc.Line[0].Function, client.Line[0].Function, native.Line[0].Function},
	}
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := splitProfile(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := cpuSplit{server: 75 * time.Millisecond, generator: 20 * time.Millisecond, unattributed: 10 * time.Millisecond}
	if got != want {
		t.Errorf("split %+v, want %+v", got, want)
	}
	if _, err := splitProfile([]byte("not a profile")); err == nil {
		t.Error("a broken profile was read")
	}
}
