// Client for the Gridpulse HTTP API (/api/v1). Every call goes to the
// server that served the page (the page is fully offline) and carries the
// signed-in user's token; a 401 sends the page back to the login page.

import { bearer, signOut, type User } from './auth/session';

/** One vector-tile layer and the zoom levels at which tiles carry it. */
export interface LayerInfo {
  layer: string;
  minzoom: number;
  maxzoom: number;
  count: number;
}

/** What /api/v1/layers answers: the tile layers and where the district lies. */
export interface LayersDoc {
  name: string;
  /** [west, south, east, north] in WGS-84. */
  bounds: [number, number, number, number];
  center: [number, number];
  minzoom: number;
  maxzoom: number;
  /** Tile URL template relative to the server root, e.g. /tiles/{z}/{x}/{y}.mvt. */
  tiles: string;
  layers: LayerInfo[];
}

/** The server's one error shape. */
export interface ApiError {
  error: { code: string; field?: string; message: string };
}

/** An API answer that was not 2xx, with the server's own message. */
export class ApiFailure extends Error {
  constructor(
    readonly path: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super(`${path}: ${status} ${detail}`);
  }
}

/** The token was refused: the page is on its way back to the login page. */
export class SignedOut extends ApiFailure {}

/**
 * fetch on the page's own server with the signed-in user's token. A 401
 * means the token is no longer good (expired, or the user was changed or
 * removed on the server): the page signs out to the login page, and the
 * call fails with SignedOut.
 */
export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = bearer();
  if (token) headers.set('Authorization', `Bearer ${token}`);
  const res = await fetch(path, { ...init, headers });
  if (res.status === 401) {
    signOut('expired');
    throw new SignedOut(path, res.status, res.statusText);
  }
  return res;
}

/**
 * Whether MapLibre should send the token with a request: only to the
 * page's own tiles and API, never to a basemap on another host.
 */
export function needsToken(url: string): boolean {
  const u = new URL(url, location.href);
  return u.origin === location.origin && (u.pathname.startsWith('/tiles/') || u.pathname.startsWith('/api/'));
}

async function getJSON<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await apiFetch(path, { signal, headers: { Accept: 'application/json' } });
  if (!res.ok) {
    let detail = res.statusText;
    try {
      detail = ((await res.json()) as ApiError).error.message;
    } catch {
      // not our JSON error: keep the status text
    }
    throw new ApiFailure(path, res.status, detail);
  }
  return (await res.json()) as T;
}

/** Fetches the layer zoom ranges and the district bounds. */
export function fetchLayers(signal?: AbortSignal): Promise<LayersDoc> {
  return getJSON<LayersDoc>('/api/v1/layers', signal);
}

/** Path of the GeoJSON label points (one per street and community). */
export const labelsPath = '/api/v1/labels';

/** A label point's properties. */
export interface Label {
  code: string;
  name: string;
  layer: 'street' | 'community';
}

/** Fetches the label points of the streets and communities. */
export async function fetchLabels(signal?: AbortSignal): Promise<Label[]> {
  const fc = await getJSON<{ features: { properties: Label }[] }>(labelsPath, signal);
  return fc.features.map((f) => f.properties);
}

/** What /api/v1/me answers: whom the token speaks for. */
export interface MeDoc {
  user: User;
  expires?: string;
  /** Whether the user may move work orders (command centre, dispatchers). */
  can_act: boolean;
}

/** Fetches whom the page's token speaks for; a refused token signs the page out. */
export function fetchMe(signal?: AbortSignal): Promise<MeDoc> {
  return getJSON<MeDoc>('/api/v1/me', signal);
}

/** Turns a server path (or tile template) into the absolute URL MapLibre's workers need. */
export function absoluteURL(path: string): string {
  // Not new URL(): it would percent-encode the {z}/{x}/{y} placeholders.
  return path.startsWith('/') ? `${location.origin}${path}` : path;
}

/** One code of a catalogue with its Chinese and English names. */
export interface Term {
  code: string;
  zh: string;
  en: string;
}

/** What /api/v1/catalogue answers: every code an event may carry, by catalogue. */
export type CatalogueDoc = Record<
  | 'states'
  | 'channels'
  | 'priorities'
  | 'categories'
  | 'classes'
  | 'roles'
  | 'device_types'
  | 'alarm_kinds'
  | 'severities'
  | 'alarm_actions',
  Term[]
>;

/** Fetches the catalogues of codes and their names. */
export function fetchCatalogue(signal?: AbortSignal): Promise<CatalogueDoc> {
  return getJSON<CatalogueDoc>('/api/v1/catalogue', signal);
}

/** path with the query parameters that are set. */
function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** What /api/v1/config answers: the page's settings. */
export interface ConfigDoc {
  /** A raster basemap under the areas, or null for none (fully offline). */
  basemap: { tiles: string } | null;
}

/** Fetches the page's settings. */
export function fetchConfig(signal?: AbortSignal): Promise<ConfigDoc> {
  return getJSON<ConfigDoc>('/api/v1/config', signal);
}

/** What /api/v1/areas/{code} answers: where one area lies. */
export interface AreaDoc {
  code: string;
  name: string;
  layer: string;
  parent?: string;
  bounds: [number, number, number, number];
  /** A point inside the area, away from its edges. */
  inside: [number, number];
}

const areaCache = new Map<string, Promise<AreaDoc>>();

/** Fetches one area's extent; answers are kept, as areas do not move. */
export function fetchArea(code: string): Promise<AreaDoc> {
  let p = areaCache.get(code);
  if (!p) {
    p = getJSON<AreaDoc>(`/api/v1/areas/${encodeURIComponent(code)}`);
    p.catch(() => areaCache.delete(code));
    areaCache.set(code, p);
  }
  return p;
}

/** The history windows the panels and the weather map offer. */
export type HistoryWindow = '24h' | '7d' | '30d' | '90d';
export const historyWindows: readonly HistoryWindow[] = ['24h', '7d', '30d', '90d'];

/** A window of time, RFC 3339. */
export interface Span {
  from: string;
  to: string;
}

/** One weather level and the weekly rate per 1,000 households it stays below (null: no bound). */
export interface Threshold {
  weather: string;
  weather_en: string;
  below_per_1000_households_per_week: number | null;
}

/** One cell of the weather map. */
export interface HeatCell {
  code: string;
  name: string;
  value: number;
  count: number;
  previous: number;
  change: number;
  households: number | null;
  per_1000_households: number | null;
  weather?: string;
  weather_en?: string;
}

/** What /api/v1/heatmap answers. */
export interface HeatmapDoc {
  level: string;
  window: Span;
  metric: string;
  total: number;
  truncated: boolean;
  cells: HeatCell[];
  thresholds: Threshold[];
}

/** The levels the weather map is drawn at. */
export type HeatLevel = 'street' | 'community' | 'grid' | 'micro_grid';

/** Fetches the weather map of one level. */
export function fetchHeatmap(
  p: { level: HeatLevel; window: HistoryWindow; category?: string; area?: string },
  signal?: AbortSignal,
): Promise<HeatmapDoc> {
  return getJSON<HeatmapDoc>(withQuery('/api/v1/heatmap', { ...p, limit: 20000 }), signal);
}

/** Counts of one bucket, category or channel of the trends. */
export interface TrendCounts {
  opened: number;
  closed: number;
  closed_late: number;
  escalated: number;
  returned: number;
  rated: number;
  closure_rate: number | null;
  satisfaction: number | null;
}

/** Durations in hours of the orders received in a window. */
export interface Hours {
  orders: number;
  median: number | null;
  p90: number | null;
}

/** What /api/v1/trends answers. */
export interface TrendsDoc {
  window: Span;
  interval: 'hour' | 'day';
  totals: TrendCounts;
  series: (TrendCounts & { t: string })[];
  by_category: (TrendCounts & { code: string; name: string; name_en: string })[];
  by_channel: (TrendCounts & { code: string; name: string; name_en: string })[];
  response_hours: Hours;
  closing_hours: Hours;
  open: number;
  overdue: number;
}

/** Fetches the trends of a window; 7 days come by the hour, longer ones by the day. */
export function fetchTrends(p: { window: HistoryWindow; category?: string; area?: string }, signal?: AbortSignal): Promise<TrendsDoc> {
  const interval = p.window === '24h' || p.window === '7d' ? 'hour' : 'day';
  return getJSON<TrendsDoc>(withQuery('/api/v1/trends', { ...p, interval }), signal);
}

/** One entry of the 红黑榜. */
export interface RankingEntry {
  rank: number;
  code: string;
  name: string;
  compounds: number;
  households: number | null;
  opened: number;
  closed: number;
  orders_per_100_households: number | null;
  closure_rate: number | null;
  satisfaction: number | null;
  repeat_complaints: number;
}

/** What /api/v1/rankings answers. */
export interface RankingsDoc {
  of: string;
  window: Span;
  sort: string;
  order: string;
  total: number;
  entries: RankingEntry[];
}

/** Fetches a ranking of compounds or property companies. */
export function fetchRankings(
  p: {
    of: 'compound' | 'property_company';
    window: HistoryWindow;
    sort: 'orders_per_100_households' | 'closure_rate' | 'satisfaction' | 'repeat_complaints';
    order: 'asc' | 'desc';
    area?: string;
    limit: number;
  },
  signal?: AbortSignal,
): Promise<RankingsDoc> {
  return getJSON<RankingsDoc>(withQuery('/api/v1/rankings', p), signal);
}

/** An open order as a cell's profile lists it. */
export interface CellOrder {
  order_id: string;
  title?: string;
  state: string;
  category?: string;
  priority?: string;
  opened_at: string;
  deadline?: string;
  overdue: boolean;
}

/** What /api/v1/cells/{code} answers: one cell over 30 days. */
export interface CellDoc {
  code: string;
  name: string;
  level: string;
  households: number | null;
  window: Span;
  totals: TrendCounts;
  trend: (TrendCounts & { t: string })[];
  open_orders: { open: number; overdue: number; orders: CellOrder[] };
  alarms: { raised: number; acknowledged: number; cleared: number; active: number; by_kind: { kind: string; name: string; raised: number }[] };
  patrol: { workers: number; covered_fraction: number; hours_covered: number; hours: number } | null;
  facilities: Record<string, number>;
}

/** Fetches one cell's profile. */
export function fetchCell(code: string, signal?: AbortSignal): Promise<CellDoc> {
  return getJSON<CellDoc>(`/api/v1/cells/${encodeURIComponent(code)}`, signal);
}

/** A worker found near a point, with the distance in metres. */
export interface NearbyWorker {
  worker: {
    worker_id: string;
    name?: string;
    role: string;
    on_duty: boolean;
    location: [number, number];
    status: string;
    updated: string;
    area: { community?: string; grid?: string };
  };
  meters: number;
}

/** Fetches the k on-duty workers nearest to a point. */
export function fetchNearest(at: [number, number], k: number, signal?: AbortSignal): Promise<{ at: string; workers: NearbyWorker[] }> {
  return getJSON(withQuery('/api/v1/live/nearest', { lon: at[0].toFixed(6), lat: at[1].toFixed(6), k }), signal);
}
