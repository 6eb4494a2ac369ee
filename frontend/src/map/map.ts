// Creating the MapLibre map for the district.

import * as maplibregl from 'maplibre-gl';
// After a Vite build MapLibre cannot find its worker by itself.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { needsToken, type LayersDoc } from '../api';
import { bearer } from '../auth/session';
import { buildStyle, type StyleOptions } from './style';

maplibregl.setWorkerUrl(workerUrl);

/**
 * Starts MapLibre's worker (fetching and compiling its script) so that it
 * is ready by the time the map is made, not started then.
 */
export function startMapWorker(): void {
  maplibregl.prewarm();
}

/** Local fonts for every label; the style has no glyphs URL. */
export const labelFonts = "'Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif";

/** How a mode wants its map. */
export interface MapOptions extends StyleOptions {
  /** What to fit at first: the district's bounds unless a scope's are given. */
  bounds: [number, number, number, number];
  /** Room left for the panels around the map, in CSS pixels. */
  padding: { top: number; bottom: number; left: number; right: number };
  /** Canvas pixels per CSS pixel; a scaled wall layout asks for more. */
  pixelRatio?: number;
  /** False for a wall screen: nobody pans it, and it keeps its view out of the address. */
  interactive: boolean;
}

/** Creates the map in container. */
export function createMap(container: HTMLElement, doc: LayersDoc, opts: MapOptions): maplibregl.Map {
  const map = new maplibregl.Map({
    container,
    style: buildStyle(doc, opts),
    bounds: opts.bounds,
    fitBoundsOptions: { padding: opts.padding },
    maxZoom: 19,
    // The view is kept in the address (#zoom/lat/lon), so a view can be
    // shared or reloaded; without one the map fits the district.
    hash: opts.interactive,
    interactive: opts.interactive,
    pixelRatio: opts.pixelRatio,
    localIdeographFontFamily: labelFonts,
    // Labels appear at once instead of fading in: every frame of a fade
    // is a whole redraw, and a wall's map is not settled until it ends.
    fadeDuration: 0,
    attributionControl: false,
    // Nobody needs to rotate a district map; touch rotation only gets in
    // the way of pinching.
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    // The server's tiles and labels want the signed-in user's token,
    // read at each request so a renewed one is used at once; a basemap on
    // another host never sees it.
    transformRequest: (url) => {
      const token = bearer();
      return token && needsToken(url) ? { url, headers: { Authorization: `Bearer ${token}` } } : undefined;
    },
  });
  if (opts.interactive) map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  return map;
}
