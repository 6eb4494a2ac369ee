// The map page follows the district live: headless Chromium opens the page
// served by `gridpulse serve` on a copy of the tiny preset, the test posts
// work orders, an alarm and two patrol workers' positions to the ingest
// API, and checks that the page holds them, draws them on the live layers,
// moves a worker when it reports a new position, counts them in the header
// and survives a server restart by reconnecting on its own.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, openPage } from './browser.mjs';
import { copyDataDir, repoRoot, tinyDataDir } from './seeded.mjs';
import { startServer } from './serve.mjs';
import { bearer, ingestHeaders, signIn } from './session.mjs';

const screenshot = path.join(repoRoot, 'build', 'screenshots', 'live-1080p.png');
/** Every wait is bounded; software WebGL is slow, so generously. */
const waitLimit = { timeout: 60_000, polling: 250 };

let dataDir;
let server;
let session;
let browser;
let page;
let problems;
let spots;

/** Points inside the tiny district: the middles of its compounds. */
function compoundCentres(dir) {
  const fc = JSON.parse(readFileSync(path.join(dir, 'areas', 'compound.geojson'), 'utf8'));
  return fc.features.map((f) => {
    const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
    const corners = ring.slice(0, -1);
    const sum = corners.reduce(([x, y], [lon, lat]) => [x + lon, y + lat], [0, 0]);
    return [sum[0] / corners.length, sum[1] / corners.length];
  });
}

const runId = Date.now().toString(36);
let nextId = 0;

function event(type, location, payload) {
  return { id: `live-test-${runId}-${++nextId}`, type, time: new Date().toISOString(), location, [type]: payload };
}

function orderEvent(orderId, state, location, extra = {}) {
  return event('order', location, {
    order_id: orderId,
    state,
    channel: 'hotline_12345',
    category: 'environment.garbage',
    priority: 'normal',
    title: `测试工单 ${orderId}`,
    deadline: new Date(Date.now() + 48 * 3600_000).toISOString(),
    ...extra,
  });
}

function patrolEvent(workerId, location, heading) {
  return event('patrol', location, { worker_id: workerId, role: 'grid_worker', on_duty: true, heading, speed: 1.2 });
}

/** Posts events to the ingest API and checks every one was accepted. */
async function post(events) {
  const res = await fetch(`${server.base}/api/v1/events`, {
    method: 'POST',
    headers: ingestHeaders,
    body: JSON.stringify(events),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.accepted, events.length, JSON.stringify(body));
}

/** The page's live summary. */
function liveState() {
  return page.evaluate(() => ({ ...window.__gridpulse.live.state(), connection: window.__gridpulse.live.connection }));
}

/** Distinct features a live layer has drawn, by id: their properties and position. */
function rendered(layerId) {
  return page.evaluate((id) => {
    const byId = {};
    for (const f of window.__gridpulse.map.queryRenderedFeatures({ layers: [id] })) {
      byId[String(f.id)] = { ...f.properties, at: f.geometry.coordinates };
    }
    return byId;
  }, layerId);
}

/** Waits until the layer has drawn every id in ids. */
async function waitDrawn(layerId, ids) {
  await page.waitForFunction(
    ([layer, want]) => {
      const got = new Set(window.__gridpulse.map.queryRenderedFeatures({ layers: [layer] }).map((f) => String(f.id)));
      return want.every((id) => got.has(id));
    },
    [layerId, ids],
    waitLimit,
  );
}

const orders = { fresh: `WO-${runId}-1`, working: `WO-${runId}-2`, late: `WO-${runId}-3` };
const alarmId = `AL-${runId}-1`;
const workers = [`GW-${runId}-A`, `GW-${runId}-B`];

before(async () => {
  dataDir = copyDataDir(tinyDataDir());
  spots = compoundCentres(dataDir);
  server = await startServer(dataDir);
  session = await signIn(server.base);
  browser = await launchBrowser();
  ({ page, problems } = await openPage(browser, server.base, undefined, session));
  await page.goto(server.base, { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.liveLayers === '1', null, waitLimit);
  await page.waitForFunction(() => window.__gridpulse.live.connection === 'live', null, waitLimit);
});

after(async () => {
  await browser?.close();
  if (server) await server.stop();
});

test('posted orders, an alarm and patrols reach the page and are drawn', async () => {
  await post([
    orderEvent(orders.fresh, 'received', spots[0]),
    orderEvent(orders.working, 'received', spots[1]),
    orderEvent(orders.late, 'received', spots[2], { deadline: new Date(Date.now() - 3600_000).toISOString() }),
    event('alarm', spots[3], {
      alarm_id: alarmId,
      device_id: `SMK-${runId}`,
      device_type: 'smoke',
      kind: 'smoke',
      severity: 'critical',
      action: 'raise',
    }),
    patrolEvent(workers[0], spots[4], 90),
    patrolEvent(workers[1], spots[5], 180),
  ]);
  await post([orderEvent(orders.working, 'dispatched', spots[1], { assignee: workers[0] })]);

  await page.waitForFunction(
    () => {
      const s = window.__gridpulse.live.state();
      return s.orders === 3 && s.alarms === 1 && s.workers === 2;
    },
    null,
    waitLimit,
  );
  await waitDrawn('live-orders', Object.values(orders));
  await waitDrawn('live-alarms', [alarmId]);
  await waitDrawn('live-workers', workers);

  // Wait for the dispatch to be drawn too: it follows the first batch.
  await page.waitForFunction(
    (id) => window.__gridpulse.map.queryRenderedFeatures({ layers: ['live-orders'] }).some((f) => f.id === id && f.properties.state === 'dispatched'),
    orders.working,
    waitLimit,
  );
  const drawn = await rendered('live-orders');
  assert.equal(drawn[orders.fresh].group, 'new');
  assert.equal(drawn[orders.working].group, 'working');
  // Past its deadline an order is overdue until the dispatch scheduler
  // escalates it a level up (with a new deadline): drawn marked either way.
  assert.ok(drawn[orders.late].overdue || drawn[orders.late].group === 'escalated', `the order past its deadline is drawn ${JSON.stringify(drawn[orders.late])}`);
  assert.ok(drawn[orders.late].rank > 0, 'the order past its deadline is not drawn larger');
  assert.equal(drawn[orders.fresh].overdue, false);
  const alarm = (await rendered('live-alarms'))[alarmId];
  assert.equal(alarm.severity, 'critical');
  assert.equal(alarm.fresh, true, 'a new alarm pulses');

  const style = await page.evaluate(() => window.__gridpulse.map.getStyle());
  assert.equal(style.glyphs, undefined, 'the style must not fetch glyphs');
  const ids = style.layers.map((l) => l.id);
  const lastArea = Math.max(...ids.map((id, i) => (/-(fill|line)$/.test(id) ? i : -1)));
  for (const id of ['live-orders', 'live-workers', 'live-alarm-pulse', 'live-alarms']) {
    assert.ok(ids.indexOf(id) > lastArea, `${id} is not above the area layers: ${ids}`);
  }

  const state = await liveState();
  assert.equal(state.connection, 'live');
  assert.ok(state.lastSeq >= 5, `last sequence ${state.lastSeq}`);
});

test('a worker glides to its newly reported position', async () => {
  const before = (await rendered('live-workers'))[workers[0]].at;
  const target = [spots[4][0] + 0.0015, spots[4][1] + 0.0008];
  await post([patrolEvent(workers[0], target, 60)]);
  await page.waitForFunction(
    ([id, [lon, lat]]) => {
      const f = window.__gridpulse.map.queryRenderedFeatures({ layers: ['live-workers'] }).find((g) => g.id === id);
      if (!f) return false;
      const [x, y] = f.geometry.coordinates;
      return Math.abs(x - lon) < 5e-5 && Math.abs(y - lat) < 5e-5;
    },
    [workers[0], target],
    waitLimit,
  );
  const after = (await rendered('live-workers'))[workers[0]];
  assert.notDeepEqual(after.at, before, 'the worker did not move');
  assert.equal(after.heading, 60);
  // The other worker stays where it was.
  const other = (await rendered('live-workers'))[workers[1]].at;
  assert.ok(Math.abs(other[0] - spots[5][0]) < 5e-5 && Math.abs(other[1] - spots[5][1]) < 5e-5, `worker B at ${other}`);
});

test('the header counts what the server counts, and the ticker tells what happened', async () => {
  // The late order counts as overdue until the scheduler escalates it:
  // the page must show what the server counts at the same moment.
  const deadline = Date.now() + waitLimit.timeout;
  let want;
  let shown;
  for (;;) {
    want = await (await fetch(`${server.base}/api/v1/live/counts`, { headers: bearer(session) })).json();
    shown = await page.evaluate(() => [...document.querySelectorAll('.counter-value')].map((e) => e.textContent).join(' '));
    if (shown === [want.open_orders, want.overdue, want.active_alarms, want.workers_on_duty].join(' ')) break;
    assert.ok(Date.now() < deadline, `the page shows ${shown}, the server counts ${JSON.stringify(want)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.deepEqual({ open: want.open_orders, alarms: want.active_alarms, onDuty: want.workers_on_duty }, { open: 3, alarms: 1, onDuty: 2 });
  assert.ok(want.overdue <= 1, `overdue ${want.overdue}`);
  assert.equal(await page.getAttribute('.connection', 'data-state'), 'live');
  const ticker = await page.locator('.ticker-line').allTextContents();
  assert.ok(ticker.length >= 3 && ticker.length <= 6, `ticker lines: ${ticker}`);
  assert.ok(ticker.some((l) => l.includes('报警') && l.includes('烟雾报警')), `no alarm line in ${ticker}`);
  assert.ok(ticker.some((l) => l.includes('派遣') && l.includes(orders.working)), `no dispatch line in ${ticker}`);
});

test('the page looks right and logs no errors', async () => {
  mkdirSync(path.dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot });
  assert.deepEqual(problems.foreignRequests, [], 'requests left the server');
  assert.deepEqual(problems.failedRequests, [], 'requests failed');
  assert.deepEqual(problems.consoleErrors, [], 'console errors');
  assert.deepEqual(await page.evaluate(() => window.__gridpulse.live.client.errors), [], 'the server answered errors');
});

test('after a server restart the page reconnects and shows the same orders', async () => {
  await page.evaluate(() => {
    window.__connectionStates = [];
    window.__gridpulse.live.client.onConnection((s) => window.__connectionStates.push(s));
  });
  const opened = await page.evaluate(() => window.__gridpulse.live.client.opened);
  const ordersBefore = Object.keys(await rendered('live-orders')).sort();

  const addr = new URL(server.base).host;
  assert.equal(await server.stop(), 0, 'serve did not stop cleanly');
  server = undefined;
  await page.waitForFunction(() => window.__gridpulse.live.connection === 'reconnecting', null, waitLimit);
  server = await startServer(dataDir, { addr });

  await page.waitForFunction(() => window.__gridpulse.live.connection === 'live', null, waitLimit);
  assert.ok((await page.evaluate(() => window.__gridpulse.live.client.opened)) > opened, 'no new connection was opened');
  assert.deepEqual(await page.evaluate(() => window.__connectionStates), ['reconnecting', 'live']);
  const s = await liveState();
  assert.deepEqual({ orders: s.orders, alarms: s.alarms, workers: s.workers }, { orders: 3, alarms: 1, workers: 2 });

  // The new connection is live: an order posted now is drawn too.
  const after = `WO-${runId}-4`;
  await post([orderEvent(after, 'received', spots[6])]);
  await waitDrawn('live-orders', [...ordersBefore, after]);
  assert.deepEqual(Object.keys(await rendered('live-orders')).sort(), [...ordersBefore, after].sort());

  // While the server was down and starting the browser may log its failed
  // attempts to connect, and the page's questions to /api/v1/me whether
  // the token was refused (no answer, or 503 while starting); nothing else
  // may go wrong.
  const others = problems.consoleErrors.filter(
    (e) =>
      !/WebSocket connection to 'ws:\/\/[^']+\/ws' failed/.test(e) &&
      !/Failed to load resource: (net::ERR_CONNECTION_REFUSED|the server responded with a status of 503)/.test(e),
  );
  assert.deepEqual(others, [], 'console errors');
  assert.deepEqual(await page.evaluate(() => window.__gridpulse.live.client.errors), [], 'the server answered errors');
});
