// The sign-in routes of the server (/api/v1/login…). They are called
// without a token, or with the one being renewed, and their refusals are
// the login page's to show: they never sign the page out by themselves.

import type { Role, Session } from './session';

/** A demo account as GET /api/v1/login/demo lists it. */
export interface DemoAccount {
  user: string;
  password: string;
  role: Role;
  area: string;
  /** The area's name, when the server has its areas loaded. */
  area_name?: string;
}

/** What GET /api/v1/login/demo answers. */
export interface DemoDoc {
  demo: boolean;
  users: DemoAccount[];
}

/** A refusal of the sign-in routes, with the server's message and the field at fault. */
export class LoginFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
    /** Seconds to wait before trying again (429). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

async function answer<T>(res: Response): Promise<T> {
  if (res.ok) return (await res.json()) as T;
  let message = res.statusText;
  let field: string | undefined;
  try {
    const body = (await res.json()) as { error: { message: string; field?: string } };
    message = body.error.message;
    field = body.error.field;
  } catch {
    // not the server's JSON error: keep the status text
  }
  const retry = Number(res.headers.get('Retry-After'));
  throw new LoginFailure(res.status, message, field, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}

/**
 * A session from a sign-in answer, with its expiry by this screen's clock:
 * the token lasts as long from the answer's Date as the server says, even
 * where the screen's clock is set wrong (a wall screen's may well be).
 */
async function sessionAnswer(res: Response): Promise<Session> {
  const s = await answer<Session>(res);
  const serverNow = Date.parse(res.headers.get('Date') ?? '');
  const left = Date.parse(s.expires) - (Number.isNaN(serverNow) ? Date.now() : serverNow);
  return { ...s, validUntil: Date.now() + left };
}

/** Signs in with a user name and password. */
export async function signIn(user: string, password: string): Promise<Session> {
  const res = await fetch('/api/v1/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ user, password }),
  });
  return sessionAnswer(res);
}

/** Trades a valid token for a fresh one. */
export async function renewToken(token: string): Promise<Session> {
  const res = await fetch('/api/v1/login/renew', {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
  });
  return sessionAnswer(res);
}

/** Whether the server is a demo, and its accounts (with their passwords) if so. */
export async function fetchDemoAccounts(): Promise<DemoDoc> {
  return answer<DemoDoc>(await fetch('/api/v1/login/demo', { headers: { Accept: 'application/json' } }));
}
