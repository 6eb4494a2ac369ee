// The 民情气象图 on the map: communities, then general grids, then micro
// grids as the map is zoomed in, filled by their weather level, from GET
// /api/v1/heatmap. Colours are feature states keyed by the tiles' area
// codes, so a new window or category recolours the cells without
// reloading a tile.
//
// The fill layers stay in the style when the weather map is hidden (at
// opacity 0): they are also what a click on a cell hits.

import type { ExpressionSpecification, LayerSpecification, Map as MapLibreMap } from 'maplibre-gl';
import { fetchHeatmap, type HeatLevel, type HeatmapDoc, type HistoryWindow } from '../api';
import { sourceId, type ZoomRange } from './layers';
import * as palette from './palette';

/** Below this zoom cells are communities, from it general grids. */
export const gridZoom = 12.5;

/** From this zoom cells are micro grids, each one grid worker's beat. */
export const microZoom = 15;

/**
 * The weather map's levels: the tile layer drawing each, and its zooms. A
 * lazy level (a whole district's micro grids are some 10,000 cells) is
 * only asked for once the map comes within a zoom level of it.
 */
export const heatLevels: { level: HeatLevel; sourceLayer: string; layerId: string; minzoom?: number; maxzoom?: number; lazy?: boolean }[] = [
  { level: 'community', sourceLayer: 'community', layerId: 'heat-community', maxzoom: gridZoom },
  { level: 'grid', sourceLayer: 'grid_general', layerId: 'heat-grid', minzoom: gridZoom, maxzoom: microZoom },
  { level: 'micro_grid', sourceLayer: 'grid_micro', layerId: 'heat-micro', minzoom: microZoom, lazy: true },
];

type HeatLevelSpec = (typeof heatLevels)[number];

/** How opaque the weather colours are when shown. */
const shownOpacity = 0.62;

/** The fill colour of a cell: its weather level's, or none. */
function weatherColour(): ExpressionSpecification {
  const stops = palette.weather.flatMap((c, i) => [i, c]);
  return ['match', ['coalesce', ['feature-state', 'weather'], -1], ...stops, 'rgba(0,0,0,0)'] as unknown as ExpressionSpecification;
}

/** The style layers of the weather map, for the tile layers the server publishes. */
export function heatStyleLayers(ranges: Map<string, ZoomRange>): LayerSpecification[] {
  return heatLevels
    .filter((h) => ranges.has(h.sourceLayer))
    .map((h) => {
      const z = ranges.get(h.sourceLayer) as ZoomRange;
      const layer: LayerSpecification = {
        id: h.layerId,
        type: 'fill',
        source: sourceId,
        'source-layer': h.sourceLayer,
        minzoom: Math.max(z.minzoom, h.minzoom ?? 0),
        paint: { 'fill-color': weatherColour(), 'fill-opacity': 0, 'fill-antialias': false },
      };
      if (h.maxzoom !== undefined) layer.maxzoom = h.maxzoom;
      return layer;
    });
}

/** The ids of the layers a click on a cell may hit, finest first. */
export const cellLayerIds = heatLevels.map((h) => h.layerId).reverse();

/** What the weather map shows. */
export interface HeatSelection {
  window: HistoryWindow;
  /** A class or item code; empty for every category. */
  category: string;
  shown: boolean;
}

/** The weather map of one level as last loaded, or why it is not there. */
export type HeatResult = { level: HeatLevel; doc: HeatmapDoc } | { level: HeatLevel; error: string };

/** Keeps the weather colours on the map in step with the selection. */
export class HeatLayer {
  private selection: HeatSelection | undefined;
  private abort: AbortController | undefined;
  private readonly listeners = new Set<(r: HeatResult[]) => void>();
  /** The last results, one per level loaded for the selection. */
  results: HeatResult[] = [];

  constructor(
    private readonly map: MapLibreMap,
    /** The street or community the page is scoped to, if any. */
    private readonly area?: string,
  ) {
    map.on('zoomend', () => void this.loadNearing());
  }

  /** Calls fn with every new set of results. */
  onResults(fn: (r: HeatResult[]) => void): void {
    this.listeners.add(fn);
  }

  /** Shows sel: reloads the cells when the window or category changed. */
  async show(sel: HeatSelection): Promise<void> {
    const before = this.selection;
    this.selection = sel;
    for (const h of heatLevels) {
      if (this.map.getLayer(h.layerId)) this.map.setPaintProperty(h.layerId, 'fill-opacity', sel.shown ? shownOpacity : 0);
    }
    if (before && before.window === sel.window && before.category === sel.category) await this.loadNearing();
    else await this.reload();
  }

  /** Loads the cells again for the current selection (history grows). */
  async reload(): Promise<void> {
    const sel = this.selection;
    if (!sel) return;
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    const levels = heatLevels.filter((h) => this.wanted(h));
    const results = await this.fetch(levels, sel, abort.signal);
    if (abort.signal.aborted) return;
    // A lazy level left out keeps no colours of an older selection.
    for (const h of heatLevels) if (!levels.includes(h)) this.map.removeFeatureState({ source: sourceId, sourceLayer: h.sourceLayer });
    this.paint(levels, results);
    this.results = results;
    for (const fn of this.listeners) fn(results);
  }

  /** Loads the lazy levels the map has come near and are not loaded yet. */
  private async loadNearing(): Promise<void> {
    const sel = this.selection;
    if (!sel) return;
    const missing = heatLevels.filter((h) => this.wanted(h) && !this.results.some((r) => r.level === h.level));
    if (missing.length === 0) return;
    const signal = this.abort?.signal;
    const results = await this.fetch(missing, sel, signal);
    // A newer selection's reload has taken over.
    if (signal?.aborted || this.selection !== sel || missing.some((h) => this.results.some((r) => r.level === h.level))) return;
    this.paint(missing, results);
    this.results = [...this.results, ...results];
    for (const fn of this.listeners) fn(this.results);
  }

  /**
   * Whether level h is loaded now: always, or for a lazy one once the
   * weather map is shown and the map nears the level's zoom.
   */
  private wanted(h: HeatLevelSpec): boolean {
    return !h.lazy || (this.selection?.shown === true && this.map.getZoom() >= (h.minzoom ?? 0) - 1);
  }

  private fetch(levels: HeatLevelSpec[], sel: HeatSelection, signal?: AbortSignal): Promise<HeatResult[]> {
    return Promise.all(
      levels.map(async (h): Promise<HeatResult> => {
        try {
          const doc = await fetchHeatmap({ level: h.level, window: sel.window, category: sel.category, area: this.area }, signal);
          return { level: h.level, doc };
        } catch (err) {
          return { level: h.level, error: err instanceof Error ? err.message : String(err) };
        }
      }),
    );
  }

  /** Sets each cell's weather level as a feature state of its tile feature. */
  private paint(levels: HeatLevelSpec[], results: HeatResult[]): void {
    for (const [i, h] of levels.entries()) {
      const r = results[i];
      this.map.removeFeatureState({ source: sourceId, sourceLayer: h.sourceLayer });
      if (!('doc' in r)) continue;
      const ranks = new Map(r.doc.thresholds.map((t, j) => [t.weather, j]));
      for (const c of r.doc.cells) {
        const w = c.weather === undefined ? undefined : ranks.get(c.weather);
        if (w === undefined) continue;
        this.map.setFeatureState({ source: sourceId, sourceLayer: h.sourceLayer, id: c.code }, { weather: w });
      }
    }
  }
}
