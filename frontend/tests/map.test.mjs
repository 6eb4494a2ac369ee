// The page draws the district: headless Chromium (Debian's, driven by
// playwright-core) opens the map served by `gridpulse serve` on the tiny
// preset at 1920x1080, waits for the first idle, and checks what MapLibre
// rendered.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, openPage } from './browser.mjs';
import { copyDataDir, repoRoot, tinyDataDir } from './seeded.mjs';
import { startServer } from './serve.mjs';
import { bearer, signIn } from './session.mjs';

const screenshot = path.join(repoRoot, 'build', 'screenshots', 'map-1080p.png');

let server;
let browser;
let page;
let layersDoc;
let consoleErrors;
let foreignRequests;
let failedRequests;
const tileStatuses = new Map();

before(async () => {
  server = await startServer(copyDataDir(tinyDataDir()));
  const session = await signIn(server.base);
  layersDoc = await (await fetch(`${server.base}/api/v1/layers`, { headers: bearer(session) })).json();
  browser = await launchBrowser();
  let problems;
  ({ page, problems } = await openPage(browser, server.base, undefined, session));
  ({ consoleErrors, foreignRequests, failedRequests } = problems);
  page.on('response', (r) => {
    if (r.url().includes('/tiles/')) tileStatuses.set(r.status(), (tileStatuses.get(r.status()) ?? 0) + 1);
  });
  await page.goto(server.base, { waitUntil: 'load' });
  // Software WebGL is slow: wait for the map's first idle, not a fixed time.
  await page.waitForFunction(() => document.body.dataset.mapIdle === '1', null, { timeout: 120_000 });
});

after(async () => {
  await browser?.close();
  if (server) {
    const code = await server.stop();
    // A clean stop on SIGTERM is part of what serve promises.
    assert.equal(code, 0, `gridpulse serve exited with ${code} on SIGTERM`);
  }
});

/** Distinct ids and a few properties of what a style layer has drawn. */
function rendered(layerId) {
  return page.evaluate((id) => {
    const map = window.__gridpulse.map;
    const byId = new Map();
    // Features cut at tile edges come once per tile: dedupe by id.
    for (const f of map.queryRenderedFeatures({ layers: [id] })) {
      byId.set(String(f.id), { code: f.properties.code, name: f.properties.name, type: f.properties.type, geometry: f.geometry.type });
    }
    return [...byId.entries()];
  }, layerId);
}

function count(layer) {
  return layersDoc.layers.find((l) => l.layer === layer)?.count ?? 0;
}

test('the map is fitted to the district', async () => {
  const view = await page.evaluate(() => {
    const map = window.__gridpulse.map;
    const b = map.getBounds();
    return { zoom: map.getZoom(), west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() };
  });
  const [w, s, e, n] = layersDoc.bounds;
  assert.ok(view.west <= w && view.south <= s && view.east >= e && view.north >= n, `view ${JSON.stringify(view)} does not hold the district ${layersDoc.bounds}`);
  // Fitted, not the whole world: the district fills a good part of the screen.
  assert.ok((e - w) / (view.east - view.west) > 0.3, `district is a speck in view ${JSON.stringify(view)}`);
});

test('every street and community is drawn once, with its code as id', async () => {
  for (const [layerId, layer] of [
    ['street-line', 'street'],
    ['community-line', 'community'],
  ]) {
    const features = await rendered(layerId);
    assert.equal(features.length, count(layer), `${layerId}: ${features.length} distinct features, the district has ${count(layer)}`);
    for (const [id, f] of features) {
      assert.equal(id, f.code, `${layerId}: feature id ${id} is not its code ${f.code}`);
      assert.ok(f.name, `${layerId}: ${id} has no name`);
      assert.match(f.geometry, /Polygon/);
    }
  }
});

test('compounds are drawn coloured by type', async () => {
  const compounds = await rendered('compound-fill');
  assert.ok(compounds.length > 0, 'no compound drawn');
  assert.ok(compounds.length <= count('compound'));
  const types = new Set(compounds.map(([, f]) => f.type));
  for (const t of types) assert.ok(['commercial', 'resettlement', 'old'].includes(t), `unknown compound type ${t}`);
});

test('street names are written from local fonts', async () => {
  const labels = await rendered('street-label');
  assert.ok(labels.length > 0, 'no street label placed');
  assert.ok(labels.every(([, f]) => /\p{Script=Han}/u.test(f.name)), 'street labels are not Chinese names');
});

test('the page loads nothing from outside and logs no errors', async () => {
  mkdirSync(path.dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot });
  assert.deepEqual(foreignRequests, [], 'requests left the server');
  assert.deepEqual(failedRequests, [], 'requests failed');
  assert.deepEqual(consoleErrors, [], 'console errors');
});

test('empty tiles (204) inside the district bounds are drawn as nothing, without errors', async () => {
  // A corner of the bounding box lies outside the district polygon, so
  // tiles there are empty.
  const [w, s] = layersDoc.bounds;
  const before204 = tileStatuses.get(204) ?? 0;
  await page.evaluate(
    ([lon, lat]) =>
      new Promise((resolve) => {
        const map = window.__gridpulse.map;
        map.once('idle', resolve);
        map.jumpTo({ center: [lon, lat], zoom: 17 });
      }),
    [w + 0.0005, s + 0.0005],
  );
  assert.ok((tileStatuses.get(204) ?? 0) > before204, `no empty tile was requested: ${JSON.stringify([...tileStatuses])}`);
  assert.deepEqual(failedRequests, [], 'requests failed');
  assert.deepEqual(consoleErrors, [], 'console errors');
});
