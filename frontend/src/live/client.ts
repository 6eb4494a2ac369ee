// The WebSocket client of the live protocol (docs/live-protocol.md): one
// connection to /ws on the page's own server, its subscriptions each fed
// into a LiveStore, sequence gaps healed by resubscribing with resume, and
// a lost connection reopened by itself with backoff, resuming from the
// last sequence applied.

import { parseFrame, type ClientMessage, type ServerMessage, type Selection } from './protocol';
import { LiveStore } from './store';

/**
 * Where the connection stands: connecting the first time, live once every
 * subscription has its snapshot (or resumed answer), reconnecting after
 * it was lost until it is live again.
 */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting';

/** Tuning of the client; every field has a default. */
export interface ClientOptions {
  /** WebSocket URL; default /ws on the page's host, wss on an https page. */
  url?: string;
  /** First reconnect delay; doubled on each failed try up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often the client sends {"op":"ping"} to check the connection. */
  pingIntervalMs?: number;
  /** How long after a ping without any message the connection counts as dead. */
  pongTimeoutMs?: number;
  /**
   * The subprotocols to offer, asked anew for every connection: the
   * protocol's own and the signed-in user's token (a browser cannot set
   * headers on a WebSocket). Default: none.
   */
  protocols?: () => string[];
  /**
   * Called when a connection closes without having opened: the server may
   * have refused the token, which a page cannot tell from a server that is
   * down, so it asks the REST API.
   */
  onRefused?: () => void;
}

/** A server error message, kept for display and debugging. */
export interface ClientError {
  at: Date;
  code: string;
  sub?: string;
  field?: string;
  message: string;
}

interface Subscription {
  selection: Selection;
  store: LiveStore;
}

const defaults = {
  minBackoffMs: 500,
  maxBackoffMs: 15_000,
  // Under the server's 60 s silence limit, and quick enough that a wall
  // screen notices a dead link within half a minute.
  pingIntervalMs: 20_000,
  pongTimeoutMs: 10_000,
};

/** The live protocol's WebSocket subprotocol; the server answers with it. */
export const liveProtocol = 'gridpulse.v1';
/** The prefix of the subprotocol that carries the token. */
const bearerPrefix = 'gridpulse.bearer.';

/** The subprotocols to offer: the live protocol's, and the token's when signed in. */
export function protocolsWith(token: string | undefined): string[] {
  return token ? [liveProtocol, bearerPrefix + token] : [liveProtocol];
}

/** The default /ws URL of the page's own server. */
export function defaultURL(): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws`;
}

/** A live connection and its subscriptions. */
export class LiveClient {
  private readonly url: string;
  private readonly opts: typeof defaults;
  private readonly protocols: () => string[];
  private readonly onRefused: () => void;
  private readonly subs = new Map<string, Subscription>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private ws: WebSocket | undefined;
  private state: ConnectionState = 'connecting';
  private attempts = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  /** Server errors, newest last, at most 20. */
  readonly errors: ClientError[] = [];
  /** How many connections were opened, for tests and the console. */
  opened = 0;

  constructor(opts: ClientOptions = {}) {
    this.url = opts.url ?? defaultURL();
    this.opts = {
      minBackoffMs: opts.minBackoffMs ?? defaults.minBackoffMs,
      maxBackoffMs: opts.maxBackoffMs ?? defaults.maxBackoffMs,
      pingIntervalMs: opts.pingIntervalMs ?? defaults.pingIntervalMs,
      pongTimeoutMs: opts.pongTimeoutMs ?? defaults.pongTimeoutMs,
    };
    this.protocols = opts.protocols ?? (() => []);
    this.onRefused = opts.onRefused ?? (() => {});
  }

  /** The connection's state now. */
  get connection(): ConnectionState {
    return this.state;
  }

  /** The subprotocol the server chose for the open connection ('' when none is open). */
  get protocol(): string {
    return this.ws?.readyState === WebSocket.OPEN ? this.ws.protocol : '';
  }

  /** Calls fn with every new connection state; returns the function that stops it. */
  onConnection(fn: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  /**
   * Adds a subscription and returns the store it fills. It is sent now if
   * the connection is open, otherwise once it opens.
   */
  subscribe(id: string, selection: Selection): LiveStore {
    if (this.subs.has(id)) throw new Error(`live: subscription ${id} exists`);
    const sub = { selection, store: new LiveStore() };
    this.subs.set(id, sub);
    if (this.ws?.readyState === WebSocket.OPEN) this.sendSubscribe(id, sub);
    return sub.store;
  }

  /** Opens the connection; it is kept open until stop. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  /** Closes the connection for good. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.drop(1000);
  }

  private open(): void {
    const ws = new WebSocket(this.url, this.protocols());
    this.ws = ws;
    this.opened++;
    let wasOpen = false;
    ws.onopen = () => {
      wasOpen = true;
      for (const [id, sub] of this.subs) this.sendSubscribe(id, sub);
      this.startHeartbeat();
    };
    ws.onmessage = (ev: MessageEvent) => {
      // Anything heard proves the link is alive.
      clearTimeout(this.pongTimer);
      if (typeof ev.data !== 'string') return;
      for (const m of parseFrame(ev.data, (line, err) => console.warn('live: unreadable message', line.slice(0, 200), err))) {
        this.handle(m);
      }
    };
    // The close event follows an error; reconnecting starts there.
    ws.onerror = () => {};
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.lost();
      if (!wasOpen) this.onRefused();
    };
  }

  private handle(m: ServerMessage): void {
    if (m.op === 'error') {
      this.errors.push({ at: new Date(), code: m.code, sub: m.sub, field: m.field, message: m.message });
      if (this.errors.length > 20) this.errors.shift();
      console.warn(`live: server error ${m.code}${m.field ? ` (${m.field})` : ''}: ${m.message}`);
      return;
    }
    if (m.op === 'pong' || m.op === 'unsubscribed') return;
    const sub = this.subs.get(m.sub);
    if (!sub) return;
    if (sub.store.apply(m) === 'gap') {
      // Something was missed: ask again from the last sequence applied.
      this.sendSubscribe(m.sub, sub);
      return;
    }
    if (m.op === 'snapshot' || m.op === 'resumed') this.checkLive();
  }

  /** Live once no subscription is still waiting for its answer. */
  private checkLive(): void {
    for (const sub of this.subs.values()) if (sub.store.awaiting) return;
    this.attempts = 0;
    this.setState('live');
  }

  private sendSubscribe(id: string, sub: Subscription): void {
    const m: Extract<ClientMessage, { op: 'subscribe' }> = { op: 'subscribe', id, ...sub.selection };
    if (sub.store.last !== undefined) m.resume = sub.store.last;
    sub.store.expectAnswer();
    this.send(m);
  }

  private send(m: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(m));
  }

  private startHeartbeat(): void {
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      this.send({ op: 'ping' });
      clearTimeout(this.pongTimer);
      this.pongTimer = setTimeout(() => {
        console.warn(`live: no answer to a ping in ${this.opts.pongTimeoutMs} ms, reconnecting`);
        this.drop(4000);
        this.lost();
      }, this.opts.pongTimeoutMs);
    }, this.opts.pingIntervalMs);
  }

  /** Forgets the current socket, closing it if still open. */
  private drop(code: number): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    const ws = this.ws;
    this.ws = undefined;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code);
  }

  /** The connection is gone: try again after a growing, jittered delay. */
  private lost(): void {
    this.drop(1000);
    if (this.stopped) return;
    if (this.state === 'live') this.setState('reconnecting');
    const ceiling = Math.min(this.opts.maxBackoffMs, this.opts.minBackoffMs * 2 ** this.attempts);
    this.attempts++;
    // Jitter keeps a room of wall screens from reconnecting in lockstep.
    const delay = ceiling * (0.5 + Math.random() / 2);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.open(), delay);
  }

  private setState(s: ConnectionState): void {
    if (this.state === s) return;
    this.state = s;
    for (const fn of this.stateListeners) fn(s);
  }
}
