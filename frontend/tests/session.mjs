// Signing the browser tests in. The servers they start are demo servers
// (serve --demo): every demo user's password is "demo", and events are
// posted with the demo integrator key. A page opens signed in when its
// browser context starts with the session in localStorage, where the page
// keeps it.
import assert from 'node:assert/strict';

/** The demo server's integrator key, for POST /api/v1/events. */
export const ingestKey = 'gridpulse-demo-key';

/** Where the page keeps its session. */
export const sessionKey = 'gridpulse.session';

/**
 * Signs user in on the server at base and returns the login answer
 * ({token, expires, user}). The server allows a user only a few sign-ins
 * a minute: sign in once per test file and keep the answer.
 */
export async function signIn(base, user = 'demo-dispatcher', password = 'demo') {
  const res = await fetch(`${base}/api/v1/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user, password }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, `sign in as ${user}: ${JSON.stringify(body)}`);
  return body;
}

/** Headers that carry session's token. */
export function bearer(session) {
  return { Authorization: `Bearer ${session.token}` };
}

/** Headers that post events with the demo integrator key. */
export const ingestHeaders = { 'Content-Type': 'application/json', Authorization: `Bearer ${ingestKey}` };

/** A browser context's storage state that opens pages of base signed in as session. */
export function storageWith(base, session) {
  return { cookies: [], origins: [{ origin: base, localStorage: [{ name: sessionKey, value: JSON.stringify(session) }] }] };
}
