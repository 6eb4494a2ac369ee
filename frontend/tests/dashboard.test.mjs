// The dashboard in its three modes, in headless Chromium against
// `gridpulse serve` on a copy of the tiny preset with a week of history:
// the weather map colours cells as the heatmap API says, clicking a cell
// opens its profile with the nearest on-duty worker, the wall (at 1080p
// and 4K) and the tablet lay out their panels without overlap in legible
// type, English switches every label, and nothing is loaded from outside.
// Screenshots go to build/screenshots/dashboard-*.png.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, openPage } from './browser.mjs';
import { copyDataDir, repoRoot, seedHistory, tinyDataDir } from './seeded.mjs';
import { startServer } from './serve.mjs';
import { bearer, ingestHeaders, signIn } from './session.mjs';

const shots = path.join(repoRoot, 'build', 'screenshots');
const waitLimit = { timeout: 90_000, polling: 250 };

let dataDir;
let server;
/** A dispatcher of the whole district: every page here opens signed in as one. */
let session;
let browser;
let streets;
let communities;
const runId = Date.now().toString(36);
let nextId = 0;

function features(layer) {
  return JSON.parse(readFileSync(path.join(dataDir, 'areas', `${layer}.geojson`), 'utf8')).features;
}

async function getJSON(p) {
  const res = await fetch(`${server.base}${p}`, { headers: bearer(session) });
  assert.equal(res.status, 200, `${p}: ${res.status}`);
  return res.json();
}

function event(type, location, payload) {
  return { id: `dash-test-${runId}-${++nextId}`, type, time: new Date().toISOString(), location, [type]: payload };
}

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

/** Opens url at a viewport and waits for the map's first idle and the panels. */
async function open(url, viewport) {
  const { page, problems } = await openPage(browser, server.base, viewport, session);
  await page.goto(`${server.base}${url}`, { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.mapIdle === '1' && document.body.dataset.ready === '1', null, waitLimit);
  await page.waitForFunction(() => window.__gridpulse.live.connection === 'live', null, waitLimit);
  return { page, problems };
}

/** Waits until every chart panel has left its loading state. */
async function panelsSettled(page) {
  await page.waitForFunction(() => [...document.querySelectorAll('.panel[data-state]')].every((p) => p.dataset.state !== 'loading'), null, waitLimit);
}

/** Boxes of the visible panels that overlap another, or leave the viewport. */
function layoutFaults(page) {
  return page.evaluate(() => {
    const boxes = [...document.querySelectorAll('.panel, .header, .tour-caption')]
      .filter((e) => e.offsetParent !== null && !e.closest('.drawer'))
      .map((e) => ({ name: e.className, r: e.getBoundingClientRect() }));
    const faults = [];
    // The wall neither scrolls nor hides: a panel must hold all it has.
    if (document.body.dataset.mode === 'wall') {
      for (const p of document.querySelectorAll('.panel')) {
        if (p.scrollHeight > p.clientHeight + 2) faults.push(`${p.className} clips its content`);
      }
    }
    for (const [i, a] of boxes.entries()) {
      if (a.r.left < -1 || a.r.top < -1 || a.r.right > innerWidth + 1 || a.r.bottom > innerHeight + 1) {
        // The dispatcher's and tablet's columns scroll; only the wall must fit.
        if (document.body.dataset.mode === 'wall') faults.push(`${a.name} leaves the screen`);
      }
      for (const b of boxes.slice(i + 1)) {
        if (b.name.includes('tour-caption') || a.name.includes('tour-caption')) continue;
        const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
        const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
        if (w > 1 && h > 1) faults.push(`${a.name} overlaps ${b.name}`);
      }
    }
    return faults;
  });
}

/** The smallest font size, in screen pixels, of visible text in the panels and header. */
function smallestText(page) {
  return page.evaluate(() => {
    const scale = document.getElementById('app').getBoundingClientRect().width / document.getElementById('app').offsetWidth;
    let min = Infinity;
    for (const e of document.querySelectorAll('.header *, .panel *')) {
      if (e.offsetParent === null || !e.childNodes.length || ![...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
      min = Math.min(min, parseFloat(getComputedStyle(e).fontSize) * scale);
    }
    return min;
  });
}

function noProblems(problems, page) {
  assert.deepEqual(problems.foreignRequests, [], 'requests left the server');
  assert.deepEqual(problems.failedRequests, [], 'requests failed');
  assert.deepEqual(problems.consoleErrors, [], 'console errors');
  return page.evaluate(() => window.__gridpulse.live.client.errors).then((errs) => assert.deepEqual(errs, [], 'the server answered errors'));
}

before(async () => {
  dataDir = copyDataDir(tinyDataDir());
  seedHistory(dataDir, '7d');
  streets = features('street');
  communities = features('community');
  server = await startServer(dataDir);
  session = await signIn(server.base);
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
  // Live things to show: an overdue order and a critical alarm in the
  // first community (a hot spot), and an on-duty worker inside it.
  const label = (await getJSON('/api/v1/labels')).features.find((f) => f.properties.code === communities[0].properties.code);
  const at = label.geometry.coordinates;
  await post([
    event('order', at, {
      order_id: `WO-${runId}-late`, state: 'received', channel: 'hotline_12345', category: 'safety.fire_lane', priority: 'high',
      title: '测试：消防通道占用', deadline: new Date(Date.now() - 3600_000).toISOString(),
    }),
    event('alarm', at, { alarm_id: `AL-${runId}`, device_id: `SMK-${runId}`, device_type: 'smoke', kind: 'smoke', severity: 'critical', action: 'raise' }),
    event('patrol', [at[0] + 0.0004, at[1]], { worker_id: `GW-${runId}`, role: 'grid_worker', on_duty: true, heading: 0, speed: 1 }),
  ]);
});

after(async () => {
  await browser?.close();
  if (server) await server.stop();
});

/** Moves the map and waits until it has drawn the new view. */
function jump(page, center, zoom) {
  return page.evaluate(
    ([c, z]) =>
      new Promise((resolve) => {
        const map = window.__gridpulse.map;
        map.once('idle', resolve);
        map.jumpTo({ center: c, zoom: z });
      }),
    [center, zoom],
  );
}

test('dispatcher: the weather map colours every cell the heatmap gives a level, communities, grids, then micro grids', async () => {
  const { page, problems } = await open('/?mode=dispatcher', { width: 1920, height: 1080 });
  await page.click('.weather-toggle');
  await page.waitForFunction(() => window.__gridpulse.heat.results.length > 0, null, waitLimit);
  assert.deepEqual(await page.evaluate(() => window.__gridpulse.heat.results.map((r) => r.level)), ['community', 'grid'], 'micro grids asked for at the district zoom');
  const layersDoc = await getJSON('/api/v1/layers');
  for (const [level, sourceLayer, layerId, zoom] of [
    ['community', 'community', 'heat-community', 11.5],
    ['grid', 'grid_general', 'heat-grid', 13.5],
    ['micro_grid', 'grid_micro', 'heat-micro', 15.5],
  ]) {
    await jump(page, layersDoc.center, zoom);
    // Micro grids are asked for only once the map comes near their zoom.
    await page.waitForFunction((l) => window.__gridpulse.heat.results.some((r) => r.level === l && 'doc' in r), level, waitLimit);
    const heat = await getJSON(`/api/v1/heatmap?level=${level}&window=7d`);
    const levels = new Map(heat.thresholds.map((t, i) => [t.weather, i]));
    const want = Object.fromEntries(heat.cells.filter((c) => c.weather).map((c) => [c.code, levels.get(c.weather)]));
    assert.ok(Object.keys(want).length > 0, `the history gave no ${level} a weather level`);
    const got = await page.evaluate(
      ([codes, sl]) => {
        const map = window.__gridpulse.map;
        return Object.fromEntries(codes.map((code) => [code, map.getFeatureState({ source: 'areas', sourceLayer: sl, id: code }).weather]));
      },
      [Object.keys(want), sourceLayer],
    );
    assert.deepEqual(got, want, `${level} colours`);
    // Shown, and drawn: the cells are on screen with a visible fill.
    assert.ok((await page.evaluate((id) => window.__gridpulse.map.getPaintProperty(id, 'fill-opacity'), layerId)) > 0);
    const drawn = await page.evaluate((id) => window.__gridpulse.map.queryRenderedFeatures({ layers: [id] }).filter((f) => f.state.weather !== undefined).length, layerId);
    assert.ok(drawn > 0, `no coloured ${level} on screen`);
  }
  assert.match(await page.textContent('.weather-legend'), /晴.*暴雨/s);
  await jump(page, layersDoc.center, 11.5);
  await panelsSettled(page);
  assert.deepEqual(await layoutFaults(page), []);
  await page.screenshot({ path: path.join(shots, 'dashboard-dispatcher-1080p.png') });
  await noProblems(problems, page);
  await page.close();
});

test('dispatcher: clicking a cell opens its profile, with the nearest on-duty worker and the dispatch actions', async () => {
  const { page, problems } = await open('/?mode=dispatcher', { width: 1920, height: 1080 });
  const code = communities[0].properties.code;
  const area = await getJSON(`/api/v1/areas/${code}`);
  // Below the grid zoom a click picks the community.
  await jump(page, area.inside, 11.5);
  const point = await page.evaluate((inside) => {
    const p = window.__gridpulse.map.project(inside);
    const r = document.getElementById('map').getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, area.inside);
  await page.mouse.click(point.x, point.y);
  await page.waitForFunction(() => document.querySelector('.drawer')?.dataset.state === 'ready', null, waitLimit);
  assert.equal(await page.getAttribute('.drawer', 'data-code'), code);
  assert.equal(await page.textContent('.drawer-title'), area.name);
  const profile = await getJSON(`/api/v1/cells/${code}`);
  const figures = await page.locator('.drawer-figure-value').allTextContents();
  assert.equal(figures[0], profile.totals.opened.toLocaleString('zh-CN'));
  assert.ok(await page.locator('.drawer-trend canvas').count(), 'no 30-day trend chart');
  await page.waitForSelector(`.drawer-worker[data-worker="GW-${runId}"]`, waitLimit);
  // The actions area holds the dispatch panel for the cell (tests/dispatch.test.mjs).
  assert.equal(await page.getAttribute('#cell-actions', 'data-cell-code'), code);
  await page.waitForSelector('#cell-actions .dispatch', waitLimit);
  assert.deepEqual(
    await page.evaluate(() => window.__gridpulse.map.getFilter('selected-community')),
    ['==', ['get', 'code'], code],
    'the cell is not outlined',
  );
  await page.screenshot({ path: path.join(shots, 'dashboard-drawer-1080p.png') });
  await page.keyboard.press('Escape');
  assert.equal(await page.isHidden('.drawer'), true);
  // Zoomed in to a grid worker's beat, the same spot opens its micro grid.
  await jump(page, area.inside, 16);
  await page.mouse.click(point.x, point.y);
  await page.waitForFunction(() => document.querySelector('.drawer')?.dataset.state === 'ready', null, waitLimit);
  const micro = await page.getAttribute('.drawer', 'data-code');
  assert.match(micro, new RegExp(`^${code}\\d{6}$`), 'not a micro grid of the community');
  assert.deepEqual(await page.evaluate(() => window.__gridpulse.map.getFilter('selected-micro_grid')), ['==', ['get', 'code'], micro]);
  await page.keyboard.press('Escape');
  await noProblems(problems, page);
  await page.close();
});

for (const [name, viewport] of [
  ['1080p', { width: 1920, height: 1080 }],
  ['4k', { width: 3840, height: 2160 }],
]) {
  test(`wall at ${name}: every panel on screen, none overlapping, large type, the tour visits the hot spot`, async () => {
    const { page, problems } = await open('/?mode=wall', viewport);
    await panelsSettled(page);
    assert.deepEqual(await layoutFaults(page), []);
    const scale = viewport.width / 1920;
    assert.ok((await smallestText(page)) >= 13 * scale, `text smaller than ${13 * scale}px`);
    assert.equal(await page.evaluate(() => window.__gridpulse.map.getPixelRatio()), scale);
    // The tour's first stop is the first hot spot listed.
    await page.waitForSelector('.hotspot', waitLimit);
    const first = await page.getAttribute('.hotspot', 'data-code');
    await page.evaluate(() => window.__gridpulse.tour.step());
    assert.equal(await page.getAttribute('.tour-caption', 'data-stop'), first);
    assert.equal(await page.getAttribute('.hotspot-active', 'data-code'), first);
    await page.waitForFunction(() => !window.__gridpulse.map.isMoving(), null, waitLimit);
    await page.screenshot({ path: path.join(shots, `dashboard-wall-${name}.png`) });
    await noProblems(problems, page);
    await page.close();
  });
}

test('tablet: scoped to one street, touch-sized targets, its own counts', async () => {
  const street = streets[0].properties.code;
  const { page, problems } = await open(`/?mode=tablet&area=${street}`, { width: 1280, height: 800, hasTouch: true });
  const want = await getJSON(`/api/v1/live/counts?area=${street}`);
  await page.waitForFunction(
    (w) => document.querySelector('[data-counter="open_orders"] .counter-value')?.textContent === w.toLocaleString('zh-CN'),
    want.open_orders,
    waitLimit,
  );
  assert.equal(await page.textContent('.place-name'), streets[0].properties.name);
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('.tab, .scope-button, .lang-switch, .sign-out, .segment, .hotspot-button, .drawer-close')]
      .filter((e) => e.offsetParent !== null)
      .map((e) => ({ what: e.className, h: e.getBoundingClientRect().height }))
      .filter((b) => b.h < 44),
  );
  assert.deepEqual(small, [], 'targets under 44 px');
  await page.tap('.tab[data-tab="orders"]');
  await page.waitForSelector('.order-button', waitLimit);
  await page.tap('.tab[data-tab="hotspots"]');
  await panelsSettled(page);
  assert.deepEqual(await layoutFaults(page), []);
  await page.screenshot({ path: path.join(shots, 'dashboard-tablet.png') });
  await noProblems(problems, page);
  await page.close();
});

test('English: labels, numbers and dates in English', async () => {
  const { page, problems } = await open('/?mode=dispatcher&lang=en', { width: 1920, height: 1080 });
  assert.equal(await page.getAttribute('html', 'lang'), 'en-GB');
  assert.deepEqual(await page.locator('.counter-label').allTextContents(), ['Open orders', 'Overdue', 'Alarms', 'On duty']);
  await panelsSettled(page);
  const title = await page.locator('.panel-title').allTextContents();
  assert.ok(title.some((x) => x.startsWith('Closure rate')), `panel titles ${title}`);
  assert.ok(!title.some((x) => /\p{Script=Han}/u.test(x)), `Chinese in English titles: ${title}`);
  assert.equal(await page.getAttribute('.lang-switch', 'href'), '?mode=dispatcher');
  await page.screenshot({ path: path.join(shots, 'dashboard-en-1080p.png') });
  await noProblems(problems, page);
  await page.close();
});

test('a burst of 1,000 new orders is drawn in full, and the counters follow', async () => {
  const { page, problems } = await open('/?mode=dispatcher', { width: 1920, height: 1080 });
  const compounds = features('compound').map((f) => {
    const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
    const [x, y] = ring.slice(0, -1).reduce(([a, b], [lon, lat]) => [a + lon, b + lat], [0, 0]);
    return [x / (ring.length - 1), y / (ring.length - 1)];
  });
  const ids = Array.from({ length: 1000 }, (_, i) => `WO-${runId}-burst-${i}`);
  await post(
    ids.map((id, i) =>
      event('order', compounds[i % compounds.length], {
        order_id: id, state: 'received', channel: 'qr_code', category: 'environment.garbage', priority: 'normal',
        title: `测试：批量 ${i}`, deadline: new Date(Date.now() + 48 * 3600_000).toISOString(),
      }),
    ),
  );
  await page.waitForFunction((want) => want.every((id) => window.__gridpulse.live.store.orders.has(id)), ids, waitLimit);
  await page.waitForFunction(
    (want) => {
      const drawn = new Set(window.__gridpulse.map.queryRenderedFeatures({ layers: ['live-orders'] }).map((f) => f.id));
      return want.every((id) => drawn.has(id));
    },
    ids,
    waitLimit,
  );
  const openOrders = (await getJSON('/api/v1/live/counts')).open_orders;
  await page.waitForFunction(
    (n) => document.querySelector('[data-counter="open_orders"] .counter-value')?.textContent === n.toLocaleString('zh-CN'),
    openOrders,
    waitLimit,
  );
  await noProblems(problems, page);
  await page.close();
});
