// Client for the Gridpulse HTTP API (/api/v1). Every call goes to the
// server that served the page: the page is fully offline.

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

async function getJSON<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { signal, headers: { Accept: 'application/json' } });
  if (!res.ok) {
    let detail = res.statusText;
    try {
      detail = ((await res.json()) as ApiError).error.message;
    } catch {
      // not our JSON error: keep the status text
    }
    throw new Error(`${path}: ${res.status} ${detail}`);
  }
  return (await res.json()) as T;
}

/** Fetches the layer zoom ranges and the district bounds. */
export function fetchLayers(signal?: AbortSignal): Promise<LayersDoc> {
  return getJSON<LayersDoc>('/api/v1/layers', signal);
}

/** Path of the GeoJSON label points (one per street and community). */
export const labelsPath = '/api/v1/labels';

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
