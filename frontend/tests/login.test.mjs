// Signing in, in headless Chromium against `gridpulse serve --demo` on a
// copy of the tiny preset: the login page lists the demo accounts and one
// click opens the mode that suits the role, scoped to the user's area; a
// wrong password shows the server's message; the address may narrow the
// area but never widen it; the token goes with tiles and the WebSocket,
// is renewed before it expires, and a token the server refuses (forged,
// or signed with a key the server no longer has) returns the page to the
// login page. Screenshots go to build/screenshots/login-*.png.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, openPage } from './browser.mjs';
import { copyDataDir, repoRoot, tinyDataDir } from './seeded.mjs';
import { startServer } from './serve.mjs';
import { bearer, sessionKey, signIn } from './session.mjs';

const shots = path.join(repoRoot, 'build', 'screenshots');
const waitLimit = { timeout: 90_000, polling: 250 };

let dataDir;
let server;
let browser;
let demo;
let streets;
let communities;

function features(layer) {
  return JSON.parse(readFileSync(path.join(dataDir, 'areas', `${layer}.geojson`), 'utf8')).features.map((f) => f.properties);
}

before(async () => {
  dataDir = copyDataDir(tinyDataDir());
  server = await startServer(dataDir);
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
  demo = await (await fetch(`${server.base}/api/v1/login/demo`)).json();
  streets = features('street');
  communities = features('community');
});

after(async () => {
  await browser?.close();
  if (server) await server.stop();
});

/** Waits until the dashboard is drawn and live. */
async function dashboardReady(page) {
  await page.waitForFunction(() => document.body.dataset.ready === '1' && window.__gridpulse?.live.connection === 'live', null, waitLimit);
}

/** Waits until every history panel has its answer, so leaving the page cuts nothing short. */
async function panelsSettled(page) {
  await page.waitForFunction(() => [...document.querySelectorAll('.panel[data-state]')].every((p) => p.dataset.state !== 'loading'), null, waitLimit);
}

/** Waits until the page shows the login page. */
async function loginShown(page) {
  await page.waitForFunction(() => document.body.dataset.mode === 'login' && document.querySelector('.login-card'), null, waitLimit);
}

function stored(page) {
  return page.evaluate((k) => JSON.parse(localStorage.getItem(k) ?? 'null'), sessionKey);
}

/** Fails on requests off the server, failed requests and console errors but those expected (the test's own doing). */
function noProblems(problems, expected) {
  assert.deepEqual(problems.foreignRequests, [], 'requests left the server');
  assert.deepEqual(problems.failedRequests, [], 'requests failed');
  assert.deepEqual(problems.consoleErrors.filter((e) => !expected?.test(e)), [], 'console errors');
}

/** The browser's own line for an answer the test made the server refuse. */
const refused = /status of 401 \(Unauthorized\)/;

test('the login page lists the demo accounts, and demo-street opens the tablet on its street with the token on every request', async () => {
  const { page, problems } = await openPage(browser, server.base);
  const tileAuth = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/tiles/')) tileAuth.push(r.headerValue('authorization'));
  });
  await page.goto(server.base, { waitUntil: 'load' });
  await loginShown(page);
  await page.waitForSelector('.demo-account', waitLimit);
  assert.equal(demo.demo, true);
  assert.deepEqual(
    await page.locator('.demo-account').evaluateAll((bs) => bs.map((b) => b.dataset.user)),
    demo.users.filter((u) => u.password).map((u) => u.user),
  );
  const panel = await page.textContent('.login-demo');
  assert.match(panel, /演示环境/);
  assert.match(await page.textContent('.demo-account[data-user="demo-street"]'), /街道负责人.*demo-street.*密码：demo/s);
  await page.screenshot({ path: path.join(shots, 'login-1080p.png') });

  await page.click('.demo-account[data-user="demo-street"]');
  await dashboardReady(page);
  const street = demo.users.find((u) => u.user === 'demo-street').area;
  assert.equal(new URL(page.url()).search, `?mode=tablet&area=${street}`);
  assert.equal(await page.textContent('.place-name'), streets.find((s) => s.code === street).name);
  const session = await stored(page);
  assert.deepEqual(session.user, { name: 'demo-street', role: 'street', area: street });
  assert.equal(await page.getAttribute('.user-badge', 'data-user'), 'demo-street');
  await page.waitForFunction((name) => document.querySelector('.user-area')?.textContent === name, streets.find((s) => s.code === street).name, waitLimit);

  // The live connection was let in with the token and speaks the live protocol.
  assert.equal(await page.evaluate(() => window.__gridpulse.live.client.protocol), 'gridpulse.v1');
  // Tiles went with the token too (MapLibre fetches them in its worker).
  const auth = await Promise.all(tileAuth);
  assert.ok(auth.length > 0, 'no tile was requested');
  assert.deepEqual([...new Set(auth)], [`Bearer ${session.token}`]);
  // The counters are the street's, as the server counts them for this user.
  const want = await (await fetch(`${server.base}/api/v1/live/counts?area=${street}`, { headers: bearer(session) })).json();
  await page.waitForFunction(
    (w) => document.querySelector('[data-counter="open_orders"] .counter-value')?.textContent === w.toLocaleString('zh-CN'),
    want.open_orders,
    waitLimit,
  );
  noProblems(problems);
  await page.close();
});

test('the login page fits a tablet, in English too: every demo account on screen and touch-sized', async () => {
  for (const [url, title, tag, shot] of [
    ['/', '登录', '演示环境', 'login-tablet.png'],
    ['/?lang=en', 'Sign in', 'DEMO', 'login-tablet-en.png'],
  ]) {
    const { page, problems } = await openPage(browser, server.base, { width: 1024, height: 768, hasTouch: true });
    await page.goto(`${server.base}${url}`, { waitUntil: 'load' });
    await page.waitForSelector('.demo-account', waitLimit);
    assert.equal(await page.textContent('.login-title'), title);
    assert.equal(await page.textContent('.demo-tag'), tag);
    const faults = await page.evaluate(() =>
      [...document.querySelectorAll('.demo-account, .login-input, .login-submit, .lang-switch')]
        .map((e) => ({ what: e.dataset.user ?? e.className, r: e.getBoundingClientRect() }))
        .filter(({ r }) => r.height < 44 || r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth)
        .map(({ what, r }) => `${what} ${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}x${Math.round(r.height)}`),
    );
    assert.deepEqual(faults, [], 'targets off screen or under 44 px');
    await page.screenshot({ path: path.join(shots, shot) });
    noProblems(problems);
    await page.close();
  }
});

test("a wrong password keeps the login page and shows the server's message", async () => {
  const res = await fetch(`${server.base}/api/v1/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: 'no-such-user', password: 'wrong' }),
  });
  assert.equal(res.status, 401);
  const { error } = await res.json();
  assert.equal(error.field, 'password');

  const { page, problems } = await openPage(browser, server.base);
  await page.goto(server.base, { waitUntil: 'load' });
  await loginShown(page);
  await page.fill('input[name="user"]', 'demo-street');
  await page.fill('input[name="password"]', 'not-the-password');
  await page.click('.login-submit');
  await page.waitForSelector('.login-message[data-kind="error"]', waitLimit);
  const message = await page.textContent('.login-message');
  assert.ok(message.includes(error.message), `"${message}" does not hold the server's "${error.message}"`);
  assert.match(message, /用户名或密码错误/);
  assert.equal(await page.getAttribute('input[name="password"]', 'aria-invalid'), 'true');
  assert.equal(await stored(page), null, 'a session was kept');
  assert.equal(await page.evaluate(() => document.body.dataset.mode), 'login');
  noProblems(problems, refused);
  await page.close();
});

test('the address may narrow the area but never widen it, and a watcher gets no dispatch actions', async () => {
  const session = await signIn(server.base, 'demo-street');
  const street = session.user.area;
  const other = streets.find((s) => s.code !== street);
  assert.ok(other, 'the tiny preset has one street only');
  const { page, problems } = await openPage(browser, server.base, { width: 1280, height: 800 }, session);
  await page.goto(`${server.base}/?mode=tablet&area=${other.code}`, { waitUntil: 'load' });
  await dashboardReady(page);
  assert.equal(await page.evaluate(() => window.__gridpulse.route.area), street);
  assert.equal(new URL(page.url()).searchParams.get('area'), street);
  await panelsSettled(page);

  const inside = communities.find((c) => c.code.startsWith(street));
  await page.goto(`${server.base}/?mode=tablet&area=${inside.code}`, { waitUntil: 'load' });
  await dashboardReady(page);
  assert.equal(await page.evaluate(() => window.__gridpulse.route.area), inside.code);
  assert.equal(await page.textContent('.place-name'), inside.name);
  await panelsSettled(page);

  // The mode asked for wins over the role's; the street leader watches
  // the desk but may not act, so the dispatch actions never load.
  const chunks = [];
  page.on('request', (r) => r.url().includes('/assets/') && chunks.push(new URL(r.url()).pathname));
  await page.goto(`${server.base}/?mode=dispatcher`, { waitUntil: 'load' });
  await dashboardReady(page);
  assert.equal(await page.evaluate(() => document.body.dataset.mode), 'dispatcher');
  assert.equal(await page.evaluate(() => window.__gridpulse.me.can_act), false);
  await page.evaluate((c) => window.__gridpulse.drawer.open({ code: c.code, name: c.name }), inside);
  await page.waitForFunction(() => document.querySelector('.drawer')?.dataset.state === 'ready', null, waitLimit);
  assert.deepEqual(chunks.filter((p) => /\/dispatch-[^/]*\.js$/.test(p)), [], 'the dispatch actions were loaded');
  assert.equal(await page.locator('#cell-actions .dispatch').count(), 0);
  noProblems(problems);
  await page.close();
});

test('the WebSocket lets in a token offered as a subprotocol, and nothing without one', async () => {
  const session = await signIn(server.base, 'demo-command');
  const { page, problems } = await openPage(browser, server.base);
  await page.goto(server.base, { waitUntil: 'load' });
  const opened = await page.evaluate(async (token) => {
    const attempt = (protocols) =>
      new Promise((resolve) => {
        const ws = new WebSocket(`ws://${location.host}/ws`, protocols);
        ws.onopen = () => {
          resolve({ open: true, protocol: ws.protocol });
          ws.close();
        };
        ws.onclose = () => resolve({ open: false });
      });
    return [await attempt(['gridpulse.v1']), await attempt(['gridpulse.v1', `gridpulse.bearer.${token}`])];
  }, session.token);
  assert.deepEqual(opened, [{ open: false }, { open: true, protocol: 'gridpulse.v1' }]);
  noProblems(problems, /WebSocket connection to 'ws:\/\/[^']+\/ws' failed/);
  await page.close();
});

test('the token is renewed before it expires', async () => {
  const session = await signIn(server.base, 'demo-dispatcher');
  // The page believes the token expires in 12 s, so it renews at half that.
  const soon = { ...session, expires: new Date(Date.now() + 12_000).toISOString() };
  const { page, problems } = await openPage(browser, server.base, undefined, soon);
  const renewal = page.waitForRequest((r) => r.url().endsWith('/api/v1/login/renew'), waitLimit);
  await page.goto(`${server.base}/?mode=dispatcher`, { waitUntil: 'load' });
  const req = await renewal;
  assert.equal(await req.headerValue('authorization'), `Bearer ${session.token}`);
  await page.waitForFunction((k) => Date.parse(JSON.parse(localStorage.getItem(k)).expires) > Date.now() + 3600_000, sessionKey, waitLimit);
  const renewed = await stored(page);
  assert.deepEqual(renewed.user, session.user);
  await dashboardReady(page);
  noProblems(problems);
  await page.close();
});

test("a screen whose clock is a day ahead stays signed in, through a reload", async () => {
  const { page, problems } = await openPage(browser, server.base, { width: 1280, height: 800 });
  // Date runs a day ahead; timers run as they do.
  await page.clock.setSystemTime(Date.now() + 24 * 3600_000);
  await page.goto(server.base, { waitUntil: 'load' });
  await page.waitForSelector('.demo-account', waitLimit);
  await page.click('.demo-account[data-user="demo-dispatcher"]');
  await dashboardReady(page);
  await panelsSettled(page);
  await page.reload({ waitUntil: 'load' });
  await dashboardReady(page);
  assert.equal(await page.evaluate(() => document.body.dataset.mode), 'dispatcher');
  await panelsSettled(page);
  noProblems(problems);
  await page.close();
});

test('a token the server refuses on load returns to the login page, which says so', async () => {
  const a = await signIn(server.base, 'demo-command');
  const b = await signIn(server.base, 'demo-community');
  // A's claims with B's signature: well formed, not expired, and forged.
  const forged = { ...a, token: `${a.token.split('.').slice(0, 2).join('.')}.${b.token.split('.')[2]}` };
  const { page, problems } = await openPage(browser, server.base, undefined, forged);
  await page.goto(`${server.base}/?mode=wall`, { waitUntil: 'load' });
  await loginShown(page);
  assert.match(await page.textContent('.login-message'), /登录已过期或失效/);
  assert.equal(await stored(page), null, 'the refused session was kept');
  // Signing in again comes back to the page the address names.
  assert.equal(new URL(page.url()).search, '?mode=wall');
  await page.click('.demo-account[data-user="demo-command"]');
  await dashboardReady(page);
  assert.equal(await page.evaluate(() => document.body.dataset.mode), 'wall');
  // Going back to the login page cuts the page's other first requests short.
  noProblems({ ...problems, failedRequests: problems.failedRequests.filter((r) => !r.endsWith('net::ERR_ABORTED')) }, refused);
  await page.close();
});

test('signing out forgets the token and returns to the login page; the command centre then opens the wall', async () => {
  const session = await signIn(server.base, 'demo-dispatcher');
  const { page, problems } = await openPage(browser, server.base, undefined, session);
  await page.goto(`${server.base}/?mode=dispatcher&lang=en`, { waitUntil: 'load' });
  await dashboardReady(page);
  assert.match(await page.textContent('.user-badge'), /demo-dispatcher.*Dispatcher/s);
  await page.click('.sign-out');
  await loginShown(page);
  assert.equal(await stored(page), null);
  assert.equal(new URL(page.url()).search, '?lang=en');
  assert.equal(await page.textContent('.login-message'), 'You have signed out');
  await page.click('.demo-account[data-user="demo-command"]');
  await dashboardReady(page);
  assert.equal(new URL(page.url()).search, '?mode=wall&lang=en');
  noProblems(problems);
  await page.close();
});

// Last: it restarts the server with a new signing key.
test('a token refused mid-session (the server signs with a new key) returns the page to the login page', async () => {
  const session = await signIn(server.base, 'demo-community');
  const { page, problems } = await openPage(browser, server.base, { width: 1280, height: 800 }, session);
  await page.goto(server.base, { waitUntil: 'load' });
  await dashboardReady(page);
  assert.equal(new URL(page.url()).search, `?mode=tablet&area=${session.user.area}`);

  const addr = new URL(server.base).host;
  assert.equal(await server.stop(), 0, 'serve did not stop cleanly');
  server = undefined;
  rmSync(path.join(dataDir, 'auth.key'));
  server = await startServer(dataDir, { addr });
  // The live connection's reconnect is refused; the page asks the API,
  // which refuses the token too.
  await loginShown(page);
  assert.match(await page.textContent('.login-message'), /登录已过期或失效/);
  assert.equal(await stored(page), null);
  await page.click('.demo-account[data-user="demo-community"]');
  await dashboardReady(page);
  assert.equal(await page.evaluate(() => window.__gridpulse.route.area), session.user.area);
  // While the server was away and starting the browser logged its failed
  // connections and the refusals.
  noProblems(
    { ...problems, failedRequests: problems.failedRequests.filter((r) => !/net::(ERR_CONNECTION_REFUSED|ERR_ABORTED)$/.test(r)) },
    /status of (401|503)|WebSocket connection to 'ws:\/\/[^']+\/ws' failed|ERR_CONNECTION_REFUSED/,
  );
  await page.close();
});
