package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/engine"
	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/auth"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/seed"
	"github.com/gridpulse/gridpulse/stream/bus"
	"github.com/gridpulse/gridpulse/stream/ingest"
)

// How the crash tests run a server and speak to it, in one place: the
// serve arguments, the integrator key events are posted with and the user
// the answers are read as.
const crashUser = "demo-command"

func serveArgs(addr, dataDir string) []string {
	return []string{"serve", "--demo", "--addr", addr, "--data", dataDir}
}

// ingestRequest posts a batch of events as the demo integrator.
func ingestRequest(ctx context.Context, base string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/events", body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+auth.DemoKey)
	return req, nil
}

// userGet reads path as the demo command centre into dest (JSON, or the
// raw body into a *[]byte) and returns the status; it signs in on first
// use.
func (p *serverProcess) userGet(t *testing.T, path string, dest any) int {
	t.Helper()
	if p.token == "" {
		body, _ := json.Marshal(map[string]string{"user": crashUser, "password": auth.DemoPassword})
		res, err := http.Post(p.base+"/api/v1/login", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var ans struct {
			Token string `json:"token"`
		}
		err = json.NewDecoder(res.Body).Decode(&ans)
		res.Body.Close()
		if err != nil || ans.Token == "" {
			t.Fatalf("signing in as %s: %s, %v", crashUser, res.Status, err)
		}
		p.token = ans.Token
	}
	req, err := http.NewRequest(http.MethodGet, p.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || dest == nil {
		return res.StatusCode
	}
	if raw, ok := dest.(*[]byte); ok {
		*raw, err = io.ReadAll(res.Body)
	} else {
		err = json.NewDecoder(res.Body).Decode(dest)
	}
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return res.StatusCode
}

// serverProcess is a gridpulse serve child process on a loopback port.
type serverProcess struct {
	cmd   *exec.Cmd
	base  string
	logs  *bytes.Buffer
	token string
}

func startServer(t *testing.T, dataDir, addr string) *serverProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childArgsEnv+"="+strings.Join(serveArgs(addr, dataDir), "\n"))
	logs := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serverProcess{cmd: cmd, base: "http://" + addr, logs: logs}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
	})
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		res, err := http.Get(p.base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server not ready in 2 minutes; its log:\n%s", logs)
	return nil
}

// stop ends the server with SIGTERM and checks that it stopped cleanly.
func (p *serverProcess) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("server did not stop cleanly: %v\n%s", err, p.logs)
	}
}

// freeAddr is a loopback address with a port nothing listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// crashItem is one event of a crash batch, with what the checks need.
type crashItem struct {
	id     string
	typ    event.Type
	thing  string // the order's or alarm's id
	worker string // a patrol's worker
	minute int64  // a patrol's Unix minute
}

// crashPost is one batch: its body and its events.
type crashPost struct {
	body  []byte
	items []crashItem
}

// TestKillNineLosesNothingAcknowledged posts events from eight concurrent
// senders to a real server process and kills it with SIGKILL while several
// posts are in flight, one of them held half-sent. It restarts the server on the same data directory,
// posts again every batch that got no answer (as a sender must: same ids),
// and checks that every acknowledged event is in the stream exactly once,
// that the rebuilt live state holds every acknowledged work order and
// alarm, and that once the analytics writer has caught up ClickHouse holds
// every acknowledged event once, its rollups counting each once.
func TestKillNineLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills server processes")
	}
	if !engine.Embedded {
		t.Skip("built without the embedded ClickHouse the server runs")
	}
	dataDir := t.TempDir()
	d, err := seed.Generate(context.Background(), seed.Tiny(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.WriteDir(filepath.Join(dataDir, "areas")); err != nil {
		t.Fatal(err)
	}
	var points []orb.Point
	for _, c := range d.Areas.Layer(area.Compound) {
		p, _ := planar.CentroidArea(c.Geometry)
		points = append(points, p)
	}

	addr := freeAddr(t)
	first := startServer(t, dataDir, addr)

	var (
		mu         sync.Mutex
		acked      = map[string]crashItem{} // events stored and acknowledged
		unanswered []crashPost              // posts cut off by the kill (or refused), to post again
		inFlight   atomic.Int64
		killed     atomic.Bool
		cutOff     atomic.Int64 // posts in flight when the server died
	)
	record := func(post crashPost, resp *ingest.Response) (retry bool) {
		mu.Lock()
		defer mu.Unlock()
		for _, r := range resp.Results {
			switch {
			// A patrol position answered without a stream sequence was
			// sent live only, by design, not stored.
			case (r.Status == ingest.Accepted || r.Status == ingest.Duplicate) && r.Seq > 0:
				acked[r.ID] = post.items[r.Index]
			case r.Status == ingest.Failed:
				retry = true
			case r.Status == ingest.Rejected:
				t.Errorf("event %s rejected: %v", r.ID, r.Error)
			}
		}
		return retry
	}
	var senders sync.WaitGroup
	for s := range 8 {
		senders.Go(func() {
			client := &http.Client{Timeout: 30 * time.Second}
			for n := 0; n < 10000 && !killed.Load(); n++ {
				post := crashBatch(s, n, points)
				inFlight.Add(1)
				resp, status, err := postBatch(client, first.base, post.body)
				inFlight.Add(-1)
				if err != nil || status != http.StatusOK {
					if killed.Load() {
						cutOff.Add(1)
					}
					mu.Lock()
					unanswered = append(unanswered, post)
					mu.Unlock()
					continue
				}
				if record(post, resp) {
					mu.Lock()
					unanswered = append(unanswered, post)
					mu.Unlock()
				}
			}
		})
	}
	// Kill the server once it has acknowledged a good many events and at
	// a moment when at least half the senders are waiting for an answer.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 2000 && inFlight.Load() >= 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("never had 2,000 events acknowledged and 4 posts in flight (%d acknowledged); server log:\n%s", n, first.logs)
		}
		time.Sleep(time.Millisecond)
	}
	// The senders' posts in flight may all be answered in the moment the
	// kill takes; one post held half-sent across it is cut off whatever
	// the timing, and is posted again like the others.
	held := crashBatch(98, 0, points)
	heldErr := holdPost(t, first.base, held.body)
	killed.Store(true)
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.cmd.Wait()
	senders.Wait()
	if err := <-heldErr; !errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("the post held across the kill: %v", err)
	}
	unanswered = append(unanswered, held)
	mu.Lock()
	t.Logf("killed the server after %d acknowledged events, %d of the senders' posts and the held one cut off in flight", len(acked), cutOff.Load())
	mu.Unlock()

	second := startServer(t, dataDir, addr)
	// Every post that got no answer is sent again with the same ids: each
	// event is either stored now or answered as the duplicate it is.
	for _, post := range unanswered {
		resp, status, err := postBatch(http.DefaultClient, second.base, post.body)
		if err != nil || status != http.StatusOK {
			t.Fatalf("posting again after the restart: %d %v", status, err)
		}
		if record(post, resp) {
			t.Fatalf("posting again after the restart: %+v", resp)
		}
	}
	// A last order and patrol position: when the writer has written them,
	// it has written everything before them.
	marker := crashBatch(99, 0, points)
	resp, status, err := postBatch(http.DefaultClient, second.base, marker.body)
	if err != nil || status != http.StatusOK {
		t.Fatalf("posting the marker: %d %v", status, err)
	}
	record(marker, resp)
	var markEvents, markPatrols uint64
	for _, r := range resp.Results {
		switch r.Stream {
		case bus.EventsStream:
			markEvents = max(markEvents, r.Seq)
		case bus.PatrolStream:
			markPatrols = max(markPatrols, r.Seq)
		}
	}

	orders, alarms := 0, 0
	for _, it := range acked {
		switch it.typ {
		case event.TypeOrder:
			orders++
			if status := second.userGet(t, "/api/v1/orders/"+it.thing, nil); status != http.StatusOK {
				t.Errorf("acknowledged order %s: GET answered %d after the restart", it.thing, status)
			}
		case event.TypeAlarm:
			alarms++
		}
	}
	var counts struct {
		OpenOrders   int `json:"open_orders"`
		ActiveAlarms int `json:"active_alarms"`
	}
	second.userGet(t, "/api/v1/live/counts", &counts)
	// Every order posted was newly received and every alarm raised, none
	// closed or cleared; every one stored is acknowledged by now.
	if counts.OpenOrders != orders || counts.ActiveAlarms != alarms {
		t.Errorf("restarted live state: %d open orders, %d active alarms; %d and %d acknowledged", counts.OpenOrders, counts.ActiveAlarms, orders, alarms)
	}
	waitWritten(t, second, map[string]uint64{bus.EventsStream: markEvents, bus.PatrolStream: markPatrols})
	second.stop(t)

	checkStream(t, storedIDs(t, filepath.Join(dataDir, "nats")), acked)
	checkClickHouse(t, dataDir, acked, orders, alarms)
	if !t.Failed() {
		t.Logf("after the restart: %d posts sent again; %d events acknowledged (%d work orders, %d alarms), each in the stream, the live state and ClickHouse",
			len(unanswered), len(acked), orders, alarms)
	}
}

// holdPost sends a post's headers and half its body on a connection of
// its own and stops there: the server has the request and cannot answer
// it. The channel gets what the connection does next: an answer (an
// error saying so) or its end.
func holdPost(t *testing.T, base string, body []byte) <-chan error {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	head := fmt.Sprintf("POST /api/v1/events HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"+
		"Authorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", conn.RemoteAddr(), auth.DemoKey, len(body))
	if _, err := io.WriteString(conn, head+string(body[:len(body)/2])); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		n, err := conn.Read(make([]byte, 1))
		if n > 0 {
			err = errors.New("the server answered a post it had only half of")
		}
		done <- err
	}()
	return done
}

// postBatch posts a batch and decodes ingest's answer.
func postBatch(client *http.Client, base string, body []byte) (*ingest.Response, int, error) {
	req, err := ingestRequest(context.Background(), base, bytes.NewReader(body))
	if err != nil {
		return nil, 0, err
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer res.Body.Close()
	var resp ingest.Response
	if err := json.NewDecoder(res.Body).Decode(&resp); err != nil {
		return nil, res.StatusCode, err
	}
	return &resp, res.StatusCode, nil
}

// waitWritten waits until the server's analytics writer has written each
// stream up to the given sequence, as its metrics say.
func waitWritten(t *testing.T, p *serverProcess, upTo map[string]uint64) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var text []byte
		if status := p.userGet(t, "/metrics", &text); status != http.StatusOK {
			t.Fatalf("/metrics: %d", status)
		}
		behind := ""
		for stream, seq := range upTo {
			var written uint64
			line := fmt.Sprintf("gridpulse_analytics_written_seq{stream=%q} ", stream)
			for l := range strings.Lines(string(text)) {
				if v, ok := strings.CutPrefix(l, line); ok {
					var f float64
					fmt.Sscan(v, &f)
					written = uint64(f)
				}
			}
			if written < seq {
				behind += fmt.Sprintf(" %s at %d of %d", stream, written, seq)
			}
		}
		if behind == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the analytics writer never caught up:%s", behind)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkStream checks that the streams hold every acknowledged event once,
// and nothing else: every post cut off has been posted again and answered.
func checkStream(t *testing.T, stored map[string]int, acked map[string]crashItem) {
	t.Helper()
	missing := 0
	for id := range acked {
		if stored[id] == 0 {
			missing++
			if missing <= 5 {
				t.Errorf("acknowledged event %s is not in the stream", id)
			}
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged events lost", missing, len(acked))
	}
	for id, n := range stored {
		if n > 1 {
			t.Errorf("event %s is in the stream %d times", id, n)
		}
		if _, ok := acked[id]; !ok {
			t.Errorf("event %s is in the stream but was never acknowledged", id)
		}
	}
}

// checkClickHouse opens the stopped server's ClickHouse and checks that
// it holds every acknowledged order and alarm event once, a sample for
// every acknowledged stored patrol position, and rollups that count each
// order and alarm once.
func checkClickHouse(t *testing.T, dataDir string, acked map[string]crashItem, orders, alarms int) {
	t.Helper()
	ctx := context.Background()
	store, err := analytics.Open(ctx, analytics.DefaultConfig(dataDir))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	eng := store.Engine()
	var rows []struct {
		ID string `ch:"id"`
		N  uint64 `ch:"n"`
	}
	if err := eng.Select(ctx, &rows, "SELECT id, count() AS n FROM events GROUP BY id"); err != nil {
		t.Fatal(err)
	}
	inCH := map[string]uint64{}
	for _, r := range rows {
		inCH[r.ID] = r.N
	}

	var samples []struct {
		Worker string    `ch:"worker_id"`
		Minute time.Time `ch:"minute"`
	}
	if err := eng.Select(ctx, &samples, "SELECT worker_id, minute FROM patrol_samples FINAL"); err != nil {
		t.Fatal(err)
	}
	sampled := map[string]bool{}
	for _, s := range samples {
		sampled[fmt.Sprint(s.Worker, s.Minute.Unix()/60)] = true
	}
	missing := 0
	for id, it := range acked {
		switch {
		case it.typ == event.TypePatrol && !sampled[fmt.Sprint(it.worker, it.minute)]:
			missing++
			t.Errorf("acknowledged patrol position %s: no sample of %s in minute %d", id, it.worker, it.minute)
		case it.typ != event.TypePatrol && inCH[id] != 1:
			missing++
			t.Errorf("acknowledged event %s is in ClickHouse %d times", id, inCH[id])
		}
		if missing > 10 {
			t.Fatal("and more")
		}
	}
	var rollup []struct {
		Opened uint64 `ch:"opened"`
		Raised uint64 `ch:"raised"`
	}
	if err := eng.Select(ctx, &rollup, `SELECT (SELECT sum(opened) FROM orders_hourly) AS opened,
		(SELECT sum(raised) FROM alarms_hourly) AS raised`); err != nil {
		t.Fatal(err)
	}
	if r := rollup[0]; r.Opened != uint64(orders) || r.Raised != uint64(alarms) {
		t.Errorf("rollups count %d orders opened and %d alarms raised; %d and %d were acknowledged", r.Opened, r.Raised, orders, alarms)
	}
}

// crashBatch is sender s's n-th batch: a new work order, an alarm and
// three patrol positions, every id unique.
func crashBatch(s, n int, points []orb.Point) crashPost {
	now := time.Now().UTC()
	at := now.Format(time.RFC3339Nano)
	p := points[(s*7919+n)%len(points)]
	orderID, alarmID := fmt.Sprintf("WO-%d-%d", s, n), fmt.Sprintf("AL-%d-%d", s, n)
	post := crashPost{items: []crashItem{
		{id: fmt.Sprintf("o-%d-%d", s, n), typ: event.TypeOrder, thing: orderID},
		{id: fmt.Sprintf("a-%d-%d", s, n), typ: event.TypeAlarm, thing: alarmID},
	}}
	items := []string{
		fmt.Sprintf(`{"id":%q,"type":"order","time":%q,"location":[%v,%v],"order":{"order_id":%q,"state":"received","channel":"hotline_12345","category":"environment.noise"}}`,
			post.items[0].id, at, p[0], p[1], orderID),
		fmt.Sprintf(`{"id":%q,"type":"alarm","time":%q,"location":[%v,%v],"alarm":{"alarm_id":%q,"device_id":"SM-%d","device_type":"smoke","kind":"smoke","severity":"major","action":"raise"}}`,
			post.items[1].id, at, p[0], p[1], alarmID, s),
	}
	for w := range 3 {
		it := crashItem{id: fmt.Sprintf("p-%d-%d-%d", s, n, w), typ: event.TypePatrol,
			worker: fmt.Sprintf("GW-%d-%d", s, w), minute: now.Truncate(time.Millisecond).Unix() / 60}
		post.items = append(post.items, it)
		items = append(items, fmt.Sprintf(`{"id":%q,"type":"patrol","time":%q,"location":[%v,%v],"patrol":{"worker_id":%q,"role":"grid_worker","on_duty":true,"heading":90,"speed":1.2,"battery":80}}`,
			it.id, at, p[0], p[1], it.worker))
	}
	post.body = []byte("[" + strings.Join(items, ",") + "]")
	return post
}

// storedIDs reads both streams of the bus stored in dir and returns how
// many times each event id is in them.
func storedIDs(t *testing.T, dir string) map[string]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	b, err := bus.Open(ctx, bus.DefaultConfig(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ids := map[string]int{}
	for _, stream := range []string{bus.EventsStream, bus.PatrolStream} {
		last, err := b.LastSeq(ctx, stream)
		if err != nil {
			t.Fatal(err)
		}
		if last == 0 {
			continue
		}
		readCtx, stop := context.WithCancel(ctx)
		var mu sync.Mutex
		go b.Follow(readCtx, stream, bus.Start{}, func(m bus.Message) {
			mu.Lock()
			ids[m.Event.ID]++
			if m.Seq >= last {
				stop()
			}
			mu.Unlock()
		})
		<-readCtx.Done()
		if ctx.Err() != nil {
			t.Fatalf("reading %s timed out", stream)
		}
	}
	return ids
}
