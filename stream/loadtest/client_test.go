package loadtest

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// testRunner is a runner whose window covers the whole test.
func testRunner() *runner {
	r := &runner{prefix: "LTrun-", lat: newLatencies(), closed: newCloseTimes()}
	r.winEnd.Store(time.Now().Add(time.Hour).UnixNano())
	r.winStart.Store(time.Now().Add(-time.Hour).UnixNano())
	return r
}

// A client follows seq and prev the way the protocol's clients do: it
// counts gaps and repeats, tells resyncs, answers pongs, and measures
// this run's deltas by the stamp in the view or, for removals, by the
// recorded close time.
func TestClientTracksTheSequence(t *testing.T) {
	r := testRunner()
	c := newClient(r, 0, nil, layerOrders|layerAlarms|layerPatrols)
	sent := time.Now().Add(-20 * time.Millisecond)
	stamp := stampMarker + strconv.FormatInt(sent.UnixNano(), 10)
	r.closed.put("LTrun-A1", sent.UnixNano())
	frames := []string{
		`{"op":"snapshot","sub":"v","seq":10,"orders":[],"alarms":[],"patrols":[]}`,
		`{"op":"delta","sub":"v","seq":12,"prev":10,"layer":"orders","key":"LTrun-O1","removed":false,"data":{"title":"` + stamp + ` x"}}` + "\n" +
			`{"op":"delta","sub":"v","seq":13,"prev":12,"layer":"alarms","key":"LTrun-A1","removed":true}` + "\n" +
			`{"op":"delta","sub":"v","layer":"orders","key":"LTrun-O1","removed":false,"data":{"overdue":true}}`,
		// Another sender's order, then a gap (prev 14 was never seen) and
		// a repeat.
		`{"op":"delta","sub":"v","seq":14,"prev":13,"layer":"orders","key":"WO9","removed":false,"data":{"title":"t"}}` + "\n" +
			`{"op":"delta","sub":"v","seq":16,"prev":15,"layer":"orders","key":"LTrun-O2","removed":false,"data":{"title":"` + stamp + ` y"}}` + "\n" +
			`{"op":"delta","sub":"v","seq":16,"prev":16,"layer":"orders","key":"LTrun-O2","removed":false,"data":{}}`,
		`{"op":"patrols","sub":"v","at":"` + sent.UTC().Format("2006-01-02T15:04:05.000Z07:00") + `","workers":[{"worker_id":"W","updated":"` +
			sent.UTC().Format("2006-01-02T15:04:05.000Z07:00") + `"}],"gone":[]}`,
		`{"op":"pong"}`,
		`{"op":"resync","sub":"v","reason":"slow_consumer"}` + "\n" + `{"op":"snapshot","sub":"v","seq":20}`,
		`{"op":"error","code":"invalid_field","message":"bad"}` + "\n" + `not json`,
	}
	for _, f := range frames {
		c.recv = time.Now().UnixNano()
		c.frame([]byte(f))
	}
	c.lat.flush()

	cc := c.counts
	if !c.synced || c.startSeq != 10 || c.last != 20 || c.maxSeq.Load() != 16 {
		t.Errorf("synced %v start %d last %d max %d", c.synced, c.startSeq, c.last, c.maxSeq.Load())
	}
	if cc.gaps != 1 || cc.repeats != 1 || cc.resyncs != 1 || cc.errors != 1 || cc.unreadable != 1 || c.contiguous {
		t.Errorf("gaps %d repeats %d resyncs %d errors %d unreadable %d contiguous %v; want 1 1 1 1 1 false",
			cc.gaps, cc.repeats, cc.resyncs, cc.errors, cc.unreadable, c.contiguous)
	}
	if got := c.received(100); !slices.Equal(got, []uint64{12, 13, 16, 16}) {
		t.Errorf("received %v, want this run's seq'd deltas 12 13 16 16", got)
	}
	if got := c.received(13); !slices.Equal(got, []uint64{12, 13}) {
		t.Errorf("received up to 13: %v", got)
	}
	if cc.msgs[opDelta] != 6 || cc.msgs[opPatrols] != 1 || cc.msgs[opSnapshot] != 2 || cc.msgs[opPong] != 1 || cc.frames != int64(len(frames)) {
		t.Errorf("messages %v frames %d", cc.msgs, cc.frames)
	}
	select {
	case <-c.pong:
	default:
		t.Error("the pong was not passed on")
	}
	h := r.lat.merged()
	if n := h[seriesOrder].TotalCount(); n != 2 {
		t.Errorf("%d order latencies, want 2 (stamped views of this run)", n)
	}
	if n := h[seriesAlarm].TotalCount(); n != 1 {
		t.Errorf("%d alarm latencies, want 1 (the removal, by its close time)", n)
	}
	if n := h[seriesPatrol].TotalCount(); n != 1 || cc.workerViews != 1 || len(c.ticks) != 1 {
		t.Errorf("patrol latencies %d, views %d, ticks %d; want 1 each", n, cc.workerViews, len(c.ticks))
	}
	if min := h[seriesOrder].Min(); min < 19_000 {
		t.Errorf("order latency %d µs is less than the 20 ms since the stamp", min)
	}
	if !strings.Contains(cc.firstError, "invalid_field") {
		t.Errorf("first error %q", cc.firstError)
	}
}
