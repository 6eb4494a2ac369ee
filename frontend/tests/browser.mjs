// Launching Debian's Chromium (driven by playwright-core) for the browser
// tests, and opening a page that records what went wrong on it.
import { chromium } from 'playwright-core';
import { storageWith } from './session.mjs';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumArgs = [
  '--no-sandbox',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/** Launches headless Chromium with software WebGL. */
export function launchBrowser() {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
}

/**
 * Opens a page (1920x1080 unless viewport says otherwise) that collects
 * console errors, page errors, failed requests and requests to any host
 * but base. With a session (a login answer, tests/session.mjs) the page
 * opens signed in; without one it opens on the login page.
 */
export async function openPage(browser, base, viewport = { width: 1920, height: 1080 }, session = undefined) {
  const { hasTouch = false, ...size } = viewport;
  const page = await browser.newPage({ viewport: size, hasTouch, storageState: session ? storageWith(base, session) : undefined });
  const problems = { consoleErrors: [], foreignRequests: [], failedRequests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') problems.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => problems.consoleErrors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(base) && !url.startsWith('blob:') && !url.startsWith('data:')) problems.foreignRequests.push(url);
  });
  page.on('requestfailed', (r) => problems.failedRequests.push(`${r.url()} ${r.failure()?.errorText}`));
  return { page, problems };
}
