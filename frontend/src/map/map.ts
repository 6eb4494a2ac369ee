// Creating the MapLibre map for the district.

import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// After a Vite build MapLibre cannot find its worker by itself.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { LayersDoc } from '../api';
import { buildStyle } from './style';

maplibregl.setWorkerUrl(workerUrl);

/** Local fonts for every label; the style has no glyphs URL. */
export const labelFonts = "'Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif";

/** Padding around the district when the map fits it, in CSS pixels. */
const fitPadding = { top: 96, bottom: 40, left: 40, right: 300 };

/** Creates the map in container, fitted to the district the server holds. */
export function createMap(container: HTMLElement, doc: LayersDoc): maplibregl.Map {
  const [w, s, e, n] = doc.bounds;
  const map = new maplibregl.Map({
    container,
    style: buildStyle(doc),
    bounds: [w, s, e, n],
    fitBoundsOptions: { padding: fitPadding },
    maxZoom: 20,
    // The view is kept in the address (#zoom/lat/lon), so a view can be
    // shared or reloaded; without one the map fits the district.
    hash: true,
    localIdeographFontFamily: labelFonts,
    attributionControl: false,
    // A wall screen has no one to rotate it.
    dragRotate: false,
    pitchWithRotate: false,
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  return map;
}
