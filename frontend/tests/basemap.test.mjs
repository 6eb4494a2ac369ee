// The optional basemap: served with --basemap, the page draws a raster
// layer under the areas from that URL (here a tile server on loopback
// that answers every tile with one PNG); without it the page asks
// nothing of any other host (the other browser tests check that).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { launchBrowser, openPage } from './browser.mjs';
import { copyDataDir, tinyDataDir } from './seeded.mjs';
import { startServer } from './serve.mjs';
import { signIn } from './session.mjs';

// A 1×1 grey PNG.
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg==', 'base64');

let tiles;
const asked = [];
/** Authorization headers the basemap's server was sent: there must be none. */
const credentials = [];
let server;
let browser;

before(async () => {
  tiles = createServer((req, res) => {
    asked.push(req.url);
    if (req.headers.authorization) credentials.push(req.headers.authorization);
    res.writeHead(200, { 'Content-Type': 'image/png', 'Access-Control-Allow-Origin': '*' });
    res.end(png);
  });
  tiles.listen(0, '127.0.0.1');
  await once(tiles, 'listening');
  const basemap = `http://127.0.0.1:${tiles.address().port}/wmts/{TileMatrix}/{TileRow}/{TileCol}.png`;
  server = await startServer(copyDataDir(tinyDataDir()), { args: ['--basemap', basemap] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (server) await server.stop();
  tiles?.close();
});

test('a configured basemap is drawn under the areas from its own server, which never sees the token', async () => {
  const config = await (await fetch(`${server.base}/api/v1/config`)).json();
  assert.match(config.basemap.tiles, /\/wmts\/\{z\}\/\{y\}\/\{x\}\.png$/);
  const { page, problems } = await openPage(browser, server.base, undefined, await signIn(server.base));
  await page.goto(server.base, { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.mapIdle === '1', null, { timeout: 120_000 });
  const layers = await page.evaluate(() => window.__gridpulse.map.getStyle().layers.map((l) => l.id));
  assert.equal(layers[1], 'basemap', `layers ${layers.slice(0, 4)}`);
  assert.ok(asked.length > 0, 'no basemap tile was asked for');
  assert.ok(asked.every((u) => /^\/wmts\/\d+\/\d+\/\d+\.png$/.test(u)), `asked ${asked.slice(0, 3)}`);
  assert.deepEqual(credentials, [], 'the basemap was sent the token');
  // The only other host the page talked to is the basemap's.
  const tileHost = `http://127.0.0.1:${tiles.address().port}/`;
  assert.deepEqual(problems.foreignRequests.filter((u) => !u.startsWith(tileHost)), []);
  assert.deepEqual(problems.failedRequests, []);
  assert.deepEqual(problems.consoleErrors, []);
  await page.close();
});

test('serve refuses a basemap URL it cannot use, naming the flag', async () => {
  await assert.rejects(startServer(copyDataDir(tinyDataDir()), { args: ['--basemap', 'https://tiles.example.org/tile.png'], timeoutMs: 30_000 }), /--basemap/);
});
