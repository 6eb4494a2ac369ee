// Client for the dispatching routes: the open orders of a cell, one order
// with the actions allowed on it, the workers and departments to send,
// and the actions themselves (POST /api/v1/orders/{id}/{action}).

import { apiFetch, ApiFailure, type ApiError } from '../api';
import type { OrderView } from '../live/protocol';

/** Where an order is handled now (see docs/dispatch.md). */
export interface Routing {
  level: 'community' | 'street' | 'district';
  unit: string;
  unit_name?: string;
  major: boolean;
  mediation?: 'building' | 'compound' | 'joint';
  flagged: boolean;
}

/** An open order in a queue, with its routing. */
export interface QueuedOrder extends OrderView {
  routing: Routing;
}

/** One order with what may be done to it. */
export interface OrderInfo {
  order: OrderView;
  routing: Routing;
  next: string[];
  actions: string[];
  period: string;
}

/** A worker suggested for an order. */
export interface Suggestion {
  worker_id: string;
  name?: string;
  role: string;
  meters: number;
  load: number;
  same_grid: boolean;
  same_community: boolean;
}

/** A department a street can summon. */
export interface Department {
  code: string;
  zh: string;
  en: string;
}

/** Whom an order could go to. */
export interface Suggestions {
  workers: Suggestion[];
  departments: Department[];
}

/** What an action sends besides the order's seq. */
export interface ActionBody {
  actor: string;
  assignee?: string;
  satisfaction?: number;
}

/** A step taken. */
export interface StepResult {
  from: string;
  to: string;
  order: OrderView;
  applied: boolean;
}

/** An action the server refused because of the order's state (409). */
export class Refused extends Error {
  constructor(
    message: string,
    readonly state: string,
    readonly allowed: string[],
  ) {
    super(message);
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await apiFetch(path, { ...init, headers: { Accept: 'application/json', ...(init?.body ? { 'Content-Type': 'application/json' } : {}) } });
  if (res.ok) return (await res.json()) as T;
  let body: (ApiError & { state?: string; allowed?: string[] }) | undefined;
  try {
    body = (await res.json()) as ApiError & { state?: string; allowed?: string[] };
  } catch {
    // not our JSON error
  }
  const detail = body?.error.message ?? res.statusText;
  if (res.status === 409 && body) throw new Refused(detail, body.state ?? '', body.allowed ?? []);
  throw new ApiFailure(path, res.status, detail);
}

const orderPath = (id: string) => `/api/v1/orders/${encodeURIComponent(id)}`;

/** The open orders in an area, earliest deadline first. */
export function fetchQueue(area: string, limit: number, signal?: AbortSignal): Promise<{ total: number; orders: QueuedOrder[] }> {
  return call(`/api/v1/orders?area=${encodeURIComponent(area)}&limit=${limit}`, { signal });
}

/** One order with its routing and the actions allowed on it. */
export function fetchOrder(id: string, signal?: AbortSignal): Promise<OrderInfo> {
  return call(orderPath(id), { signal });
}

/** The workers best placed to take an order, and the departments for it. */
export function fetchSuggestions(id: string, k: number, signal?: AbortSignal): Promise<Suggestions> {
  return call(`${orderPath(id)}/suggestions?k=${k}`, { signal });
}

/** Takes an action on the order as last seen at seq. */
export function act(id: string, action: string, body: ActionBody, seq: number): Promise<StepResult> {
  return call(`${orderPath(id)}/${action}`, { method: 'POST', body: JSON.stringify({ ...body, seq }) });
}
