package simulate

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"time"
)

// ids names orders, alarms and events. Ingest keeps the first event of
// each id and drops repeats, so ids must differ between runs: each carries
// a tag drawn from the seed and the start time. The same seed and start
// give the same ids, which is what makes a run repeatable.
type ids struct {
	run string
}

func newIDs(seed uint64, start time.Time) *ids {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%d", seed, start.UnixNano())
	tag := strconv.FormatUint(h.Sum64(), 36)
	if len(tag) > 6 {
		tag = tag[:6]
	}
	return &ids{run: tag}
}

// order is the n-th order of the run, received at t: WO, the Beijing date,
// the run tag and a sequence, e.g. WO20261121-k3x9q2-000123.
func (x *ids) order(t time.Time, n int) string {
	return fmt.Sprintf("WO%s-%s-%06d", t.In(beijing).Format("20060102"), x.run, n)
}

// alarm is the n-th alarm of the run, raised at t.
func (x *ids) alarm(t time.Time, n int) string {
	return fmt.Sprintf("AL%s-%s-%06d", t.In(beijing).Format("20060102"), x.run, n)
}

// patrol is the n-th report of worker w in this run.
func (x *ids) patrol(worker string, n int) string {
	return worker + "-" + x.run + "-" + strconv.Itoa(n)
}
