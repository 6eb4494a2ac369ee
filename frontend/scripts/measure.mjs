// Measures the dashboard's budgets against a running server, in Debian's
// Chromium: the built bundle's size, the time from navigation to the map's
// first idle, and the frame rate with the whole district drawn and 2,000
// patrol workers moving (fed into the page's live store once a second, as
// the server's coalesced patrol batches come).
//
//   node scripts/measure.mjs http://127.0.0.1:18085 [runs]
//
// Headless Chromium draws WebGL in software (SwiftShader), so frame rates
// here are a floor: a wall screen's GPU does far better. The pages open
// signed in as the demo server's command centre (serve --demo), as a wall
// screen does after its first sign-in.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchBrowser } from '../tests/browser.mjs';
import { signIn, storageWith } from '../tests/session.mjs';

const base = process.argv[2] ?? 'http://127.0.0.1:8080';
const runs = Number(process.argv[3] ?? 5);
/** How long a new window is left to build the browser's own UI. */
const settleMs = 3000;
const dist = path.resolve(import.meta.dirname, '..', 'dist', 'assets');

function bundle() {
  const rows = readdirSync(dist).map((f) => {
    const data = readFileSync(path.join(dist, f));
    return { file: f, kib: statSync(path.join(dist, f)).size / 1024, gzipKib: gzipSync(data).length / 1024 };
  });
  return rows.sort((a, b) => b.kib - a.kib);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function firstIdle(browser, url, viewport) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    // A new context each time: a cold cache, as a screen switched on.
    const ctx = await browser.newContext({ viewport, storageState: signedIn });
    const page = await ctx.newPage();
    // Headless Chromium builds its own omnibox UI (a WebUI page of some 400
    // chrome:// modules, 1.5-2.5 s of CPU) in every new window; on two
    // cores that would be measured as the dashboard's. A screen's browser
    // is open before it is pointed at the dashboard, so the window settles
    // first and the dashboard then loads into it with a cold cache.
    await page.goto('about:blank');
    await page.waitForTimeout(settleMs);
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.dataset.mapIdle === '1', null, { timeout: 120_000 });
    times.push(await page.evaluate(() => performance.getEntriesByName('gridpulse:map-idle')[0].startTime));
    await ctx.close();
  }
  return times;
}

async function frameRate(browser, url, viewport, workers, seconds) {
  const ctx = await browser.newContext({ viewport, storageState: signedIn });
  const page = await ctx.newPage();
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.liveLayers === '1' && window.__gridpulse, null, { timeout: 120_000 });
  const result = await page.evaluate(
    ([n, secs]) =>
      new Promise((resolve) => {
        const g = window.__gridpulse;
        const [w, s, e, nn] = g.map.getBounds().toArray().flat();
        const store = g.live.store;
        // 2,000 workers walking in straight lines across the view.
        const walkers = Array.from({ length: n }, (_, i) => ({
          id: `MEASURE-${i}`,
          lon: w + Math.random() * (e - w),
          lat: s + Math.random() * (nn - s),
          dLon: (Math.random() - 0.5) * 0.0004,
          dLat: (Math.random() - 0.5) * 0.0004,
        }));
        const batch = () => {
          const now = new Date().toISOString();
          store.apply({
            op: 'patrols',
            sub: 'main',
            at: now,
            workers: walkers.map((k) => {
              k.lon += k.dLon;
              k.lat += k.dLat;
              return {
                worker_id: k.id, role: 'grid_worker', on_duty: true, heading: 45, speed: 1.2,
                location: [k.lon, k.lat], area: { street: '', community: '' }, updated: now, status: 'active',
              };
            }),
          });
        };
        batch();
        const timer = setInterval(batch, 1000);
        // Let the first batch land, then count frames.
        setTimeout(() => {
          let frames = 0;
          let worst = 0;
          let last = performance.now();
          const start = last;
          const tick = (t) => {
            frames++;
            worst = Math.max(worst, t - last);
            last = t;
            if (t - start < secs * 1000) requestAnimationFrame(tick);
            else {
              clearInterval(timer);
              resolve({ fps: (frames * 1000) / (t - start), worstFrameMs: worst, drawn: g.live.store.workers.size });
            }
          };
          requestAnimationFrame(tick);
        }, 1500);
      }),
    [workers, seconds],
  );
  await ctx.close();
  return result;
}

const signedIn = storageWith(base, await signIn(base, 'demo-command'));
const browser = await launchBrowser();
try {
  console.log('bundle (dist/assets):');
  for (const r of bundle()) console.log(`  ${r.file.padEnd(44)} ${r.kib.toFixed(0).padStart(6)} KiB  gzip ${r.gzipKib.toFixed(0).padStart(5)} KiB`);
  for (const [mode, viewport] of [
    ['dispatcher', { width: 1920, height: 1080 }],
    ['wall', { width: 1920, height: 1080 }],
  ]) {
    const times = await firstIdle(browser, `${base}/?mode=${mode}`, viewport);
    console.log(`first idle, ${mode} ${viewport.width}x${viewport.height}, ${runs} cold loads: median ${median(times).toFixed(0)} ms, range ${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)} ms`);
  }
  for (const mode of ['dispatcher', 'wall']) {
    const r = await frameRate(browser, `${base}/?mode=${mode}`, { width: 1920, height: 1080 }, 2000, 10);
    console.log(`frame rate, ${mode} 1920x1080, whole district, ${r.drawn} workers moving: ${r.fps.toFixed(1)} fps, worst frame ${r.worstFrameMs.toFixed(0)} ms`);
  }
} finally {
  await browser.close();
}
