// The signed-in user's session: the bearer token the server issued at
// sign-in, whom it speaks for and until when. It is kept in localStorage,
// so a wall screen signed in once comes back by itself after a reload or a
// restart of its browser, for as long as the token is valid; the page
// renews the token well before then. A token found expired is dropped.

import { renewToken, LoginFailure } from './login';

/** What a user does; it picks the mode the page opens in. */
export type Role = 'command' | 'street' | 'community' | 'dispatcher';

/** Whom a token speaks for. */
export interface User {
  name: string;
  role: Role;
  /** The area the user may see: the district, a street or a community code. */
  area: string;
}

/** What POST /api/v1/login and /api/v1/login/renew answer. */
export interface Session {
  token: string;
  /** When the token stops being valid, RFC 3339, by the server's clock. */
  expires: string;
  user: User;
  /**
   * The same moment by this screen's clock (epoch ms), which may be set
   * otherwise than the server's; counted from the answer's Date header.
   */
  validUntil?: number;
}

/** When s stops being valid, by this screen's clock. */
function until(s: Session): number {
  return s.validUntil ?? Date.parse(s.expires);
}

/** Why the page went back to the login page. */
export type SignOutReason = 'signedOut' | 'expired';

const storageKey = 'gridpulse.session';
/** Kept for the login page across the reload that leads there. */
const reasonKey = 'gridpulse.signedOut';
/** Renewal waits at least this long, so a very short token cannot spin. */
const minRenewDelayMs = 5_000;
/** After a failed renewal (offline, server restarting) try again this soon. */
const retryRenewMs = 30_000;
/** setTimeout's longest delay. */
const maxDelayMs = 2 ** 31 - 1;

function valid(s: unknown): s is Session {
  const v = s as Session | null;
  return (
    typeof v?.token === 'string' &&
    typeof v.expires === 'string' &&
    until(v) > Date.now() &&
    typeof v.user?.name === 'string' &&
    typeof v.user.role === 'string' &&
    typeof v.user.area === 'string'
  );
}

function read(): Session | undefined {
  const raw = localStorage.getItem(storageKey);
  if (raw === null) return undefined;
  try {
    const s: unknown = JSON.parse(raw);
    if (valid(s)) return s;
  } catch {
    // not ours, or cut short: dropped below
  }
  localStorage.removeItem(storageKey);
  return undefined;
}

/** The session; read from storage at first use, not when the module loads. */
let current: Session | undefined;
let loaded = false;
let leaving = false;
let renewTimer: ReturnType<typeof setTimeout> | undefined;

/** The session, if the user is signed in and the token has not expired. */
export function session(): Session | undefined {
  if (!loaded) {
    current = read();
    loaded = true;
  }
  if (current && until(current) <= Date.now()) current = undefined;
  return current;
}

/** The bearer token of the session, if any. */
export function bearer(): string | undefined {
  return session()?.token;
}

/** Keeps a session the server has just issued. */
export function keep(s: Session): void {
  current = s;
  loaded = true;
  localStorage.setItem(storageKey, JSON.stringify(s));
}

/**
 * Forgets the session and goes back to the login page: after an expired or
 * refused token on the same address, so the same user signs in again and
 * is back where they were; after signing out on next, which leaves the
 * mode to the next user's role.
 */
export function signOut(reason: SignOutReason, next?: string): void {
  if (leaving) return;
  leaving = true;
  clearTimeout(renewTimer);
  current = undefined;
  localStorage.removeItem(storageKey);
  sessionStorage.setItem(reasonKey, reason);
  if (next === undefined || next === location.pathname + location.search) location.reload();
  else location.assign(next);
}

/** Why the page was signed out last, once: the login page says it. */
export function takeSignOutReason(): SignOutReason | undefined {
  const r = sessionStorage.getItem(reasonKey);
  sessionStorage.removeItem(reasonKey);
  return r === 'signedOut' || r === 'expired' ? r : undefined;
}

/**
 * Renews the token when half its time is left, and again with each new
 * one, so a page left open (a wall screen) never meets an expired token.
 * A renewal the server refuses signs the page out; one that cannot reach
 * the server is tried again while the token lasts.
 */
export function keepRenewed(): void {
  const schedule = (delay: number) => {
    clearTimeout(renewTimer);
    renewTimer = setTimeout(() => void renew(), Math.min(maxDelayMs, delay));
  };
  const renew = async () => {
    const s = session();
    if (!s) {
      signOut('expired');
      return;
    }
    try {
      const fresh = await renewToken(s.token);
      keep(fresh);
      schedule(Math.max(minRenewDelayMs, (until(fresh) - Date.now()) / 2));
    } catch (err) {
      if (err instanceof LoginFailure && err.status === 401) signOut('expired');
      else schedule(retryRenewMs);
    }
  };
  const s = session();
  if (s) schedule(Math.max(minRenewDelayMs, (until(s) - Date.now()) / 2));
}

/**
 * Follows the session in the page's other tabs: a renewed token is taken
 * over, signing out or in as someone else there reloads this one.
 */
export function followOtherTabs(): void {
  addEventListener('storage', (e) => {
    if (e.key !== storageKey && e.key !== null) return;
    const next = read();
    if (next && next.user.name === session()?.user.name) {
      current = next;
      return;
    }
    if (!leaving) {
      leaving = true;
      location.reload();
    }
  });
}
