// The dispatcher takes work orders from report to closing in the cell
// drawer, in headless Chromium against `gridpulse serve` on a copy of the
// tiny preset: file, dispatch to the suggested on-duty worker, start,
// report, verify, close with the resident's rating; escalate and return
// another; a step from a stale view is refused with the states that may
// follow. The server's own records (the live order, its audit trail, the
// trend panel's closure and escalation counts) follow every click.
// Screenshots go to build/screenshots/dispatch-*.png.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, openPage } from './browser.mjs';
import { copyDataDir, repoRoot, tinyDataDir } from './seeded.mjs';
import { startServer } from './serve.mjs';
import { bearer, ingestHeaders, signIn } from './session.mjs';

const shots = path.join(repoRoot, 'build', 'screenshots');
const waitLimit = { timeout: 90_000, polling: 250 };
const runId = Date.now().toString(36);
const worker = `GW-${runId}`;
const first = `WO-${runId}-1`;
const second = `WO-${runId}-2`;

let dataDir;
let server;
let session;
let browser;
let community;
let inside;

/** Calls the API as the test's dispatcher; init.headers add to the token. */
async function api(p, init = {}) {
  const res = await fetch(`${server.base}${p}`, { ...init, headers: { ...bearer(session), ...init.headers } });
  const body = await res.json();
  return { status: res.status, body };
}

async function getJSON(p) {
  const { status, body } = await api(p);
  assert.equal(status, 200, `${p}: ${status} ${JSON.stringify(body)}`);
  return body;
}

async function post(events) {
  const { status, body } = await api('/api/v1/events', {
    method: 'POST',
    headers: ingestHeaders,
    body: JSON.stringify(events.map((e, i) => ({ id: `dispatch-test-${runId}-${i}`, time: new Date().toISOString(), ...e }))),
  });
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.accepted, events.length, JSON.stringify(body));
}

/** Polls fn until it returns a truthy value. */
async function eventually(what, fn) {
  const deadline = Date.now() + waitLimit.timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

before(async () => {
  dataDir = copyDataDir(tinyDataDir());
  community = JSON.parse(readFileSync(path.join(dataDir, 'areas', 'community.geojson'), 'utf8')).features[0].properties.code;
  server = await startServer(dataDir);
  session = await signIn(server.base);
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
  inside = (await getJSON(`/api/v1/areas/${community}`)).inside;
  const order = (id, title, priority) => ({
    type: 'order',
    location: inside,
    order: { order_id: id, state: 'received', channel: 'hotline_12345', category: 'environment.garbage', priority, title },
  });
  await post([
    order(first, '测试：垃圾清运不及时', 'normal'),
    order(second, '测试：楼道堆放垃圾', 'normal'),
    { type: 'patrol', location: [inside[0] + 0.0005, inside[1]], patrol: { worker_id: worker, name: '测试网格员', role: 'grid_worker', on_duty: true, heading: 0, speed: 1 } },
  ]);
  await eventually('the orders on the live map', async () => (await api(`/api/v1/orders/${second}`)).status === 200);
});

after(async () => {
  await browser?.close();
  if (server) await server.stop();
});

/** Opens the dispatcher's desk, clicks the community and waits for the dispatch panel to list order. */
async function openDrawer(order) {
  const { page, problems } = await openPage(browser, server.base, { width: 1920, height: 1080 }, session);
  await page.goto(`${server.base}/?mode=dispatcher`, { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.mapIdle === '1' && document.body.dataset.ready === '1', null, waitLimit);
  await page.evaluate(
    (c) =>
      new Promise((resolve) => {
        const map = window.__gridpulse.map;
        map.once('idle', resolve);
        map.jumpTo({ center: c, zoom: 11.5 });
      }),
    inside,
  );
  const point = await page.evaluate((c) => {
    const p = window.__gridpulse.map.project(c);
    const r = document.getElementById('map').getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, inside);
  await page.mouse.click(point.x, point.y);
  await page.waitForFunction((code) => document.querySelector('#cell-actions')?.dataset.cellCode === code, community, waitLimit);
  await page.waitForSelector(`.dispatch-order[data-order="${order}"]`, waitLimit);
  return { page, problems };
}

/** Clicks an action button of the picked order and waits for its new state. */
async function click(page, action, state) {
  await page.click(`.dispatch-detail [data-action="${action}"]`);
  if (action !== 'dispatch' && action !== 'close') await waitState(page, state);
}

function waitState(page, state) {
  return page.waitForFunction((s) => document.querySelector('.dispatch-detail')?.dataset.state === s, state, waitLimit);
}

/** Fails on requests off the server, failed requests and console errors; expected, when given, is an error the test caused. */
function noProblems(problems, expected) {
  assert.deepEqual(problems.foreignRequests, [], 'requests left the server');
  assert.deepEqual(problems.failedRequests, [], 'requests failed');
  assert.deepEqual(problems.consoleErrors.filter((e) => !expected?.test(e)), [], 'console errors');
}

test('dispatcher: an order from report to closing in the cell drawer', async () => {
  const { page, problems } = await openDrawer(first);
  await page.fill('.dispatch-actor', 'dispatcher:test');
  await page.dispatchEvent('.dispatch-actor', 'change');
  await page.click(`.dispatch-order[data-order="${first}"]`);
  await waitState(page, 'received');
  assert.match(await page.textContent('.dispatch-detail'), /社区/, 'a small matter is the community’s');

  await click(page, 'file', 'filed');
  // Dispatch offers the nearest on-duty worker first, and departments.
  await page.click('.dispatch-detail [data-action="dispatch"]');
  await page.waitForSelector(`input[name="assignee"][value="${worker}"]`, waitLimit);
  assert.equal(await page.isChecked(`input[name="assignee"][value="${worker}"]`), true, 'the suggested worker is not picked first');
  assert.ok(await page.locator('input[name="assignee"][value="dept:sanitation"]').count(), 'no department to summon');
  await page.screenshot({ path: path.join(shots, 'dispatch-suggestions-1080p.png') });
  await page.click('.dispatch-confirm');
  await waitState(page, 'dispatched');
  assert.equal((await getJSON(`/api/v1/orders/${first}`)).order.assignee, worker);

  await click(page, 'start', 'in_progress');
  await click(page, 'report', 'reported_done');
  await click(page, 'verify', 'verified');
  await page.click('.dispatch-detail [data-action="close"]');
  await page.selectOption('.dispatch-satisfaction', '5');
  await page.click('.dispatch-confirm');
  await waitState(page, 'closed');
  assert.equal(await page.getAttribute('.dispatch-status', 'data-outcome'), 'done');
  // Closed orders leave the queue.
  await page.waitForSelector(`.dispatch-order[data-order="${first}"]`, { state: 'detached', timeout: waitLimit.timeout });

  // The server recorded every step, by whom, from which state to which,
  // and the trend panels count the closure.
  const trail = await eventually('the audit trail', async () => {
    const r = await api(`/api/v1/orders/${first}/history`);
    return r.status === 200 && r.body.steps.length === 7 && r.body.steps;
  });
  assert.deepEqual(
    trail.map((s) => `${s.from ?? ''}>${s.to}`),
    ['>received', 'received>filed', 'filed>dispatched', 'dispatched>in_progress', 'in_progress>reported_done', 'reported_done>verified', 'verified>closed'],
  );
  assert.ok(trail.slice(1).every((s) => s.actor === 'dispatcher:test'), 'steps without the dispatcher as actor');
  assert.equal(trail[6].satisfaction, 5);
  const totals = await eventually('the closure in the trends', async () => {
    const t = (await getJSON('/api/v1/trends?window=24h')).totals;
    return t.closed >= 1 && t;
  });
  assert.equal(totals.satisfaction, 5);
  noProblems(problems);
  await page.close();
});

test('dispatcher: escalate and return, and a step from a stale view is refused', async () => {
  const { page, problems } = await openDrawer(second);
  await page.click(`.dispatch-order[data-order="${second}"]`);
  await waitState(page, 'received');
  await click(page, 'escalate', 'escalated');
  // Escalated once: the street's now.
  assert.match(await page.textContent('.dispatch-detail'), /街道/);
  assert.match(await page.textContent('.dispatch-detail'), /提级 1 次/);
  await page.click('.dispatch-detail [data-action="dispatch"]');
  await page.click('input[name="assignee"][value="dept:sanitation"]');
  await page.click('.dispatch-confirm');
  await waitState(page, 'dispatched');
  await click(page, 'return', 'returned');
  const order = (await getJSON(`/api/v1/orders/${second}`)).order;
  assert.equal(order.escalations, 1);

  // Someone else dispatches the order just as this page escalates it from
  // the returned order it shows: the page's step is refused, and it shows
  // the state the order is in now.
  await page.route('**/api/v1/orders/*/escalate', async (route) => {
    const other = await api(`/api/v1/orders/${second}/dispatch`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ actor: 'dispatcher:other', assignee: worker }),
    });
    assert.equal(other.status, 200, JSON.stringify(other.body));
    await route.continue();
  });
  await page.click('.dispatch-detail [data-action="escalate"]');
  await page.waitForFunction(() => document.querySelector('.dispatch-status')?.dataset.outcome === 'refused', null, waitLimit);
  assert.match(await page.textContent('.dispatch-status'), /moved on|seq/);
  await waitState(page, 'dispatched');
  await page.screenshot({ path: path.join(shots, 'dispatch-refused-1080p.png') });
  await eventually('the escalation in the trends', async () => (await getJSON('/api/v1/trends?window=24h')).totals.escalated >= 1);
  // The browser logs the refusal's 409 as a failed resource.
  noProblems(problems, /status of 409/);
  await page.close();
});
