// The map style: a vector source on the server's tiles, a GeoJSON source of
// label points, and the layers of layers.ts over a plain background. No glyphs, sprites or basemap: the page
// must work with no network but the server's own.

import type { StyleSpecification } from 'maplibre-gl';
import { absoluteURL, labelsPath, type LayersDoc } from '../api';
import { labelSourceId, mapLayers, sourceId, type ZoomRange } from './layers';
import * as palette from './palette';

/** Builds the style for the tile layers and zoom ranges the server publishes. */
export function buildStyle(doc: LayersDoc): StyleSpecification {
  const ranges = new Map<string, ZoomRange>(
    doc.layers.map((l) => [l.layer, { minzoom: l.minzoom, maxzoom: l.maxzoom }]),
  );
  return {
    version: 8,
    name: 'gridpulse-dark',
    // No `glyphs` key on purpose: labels, CJK and Latin, are then drawn
    // from the local fonts named by the map's localIdeographFontFamily.
    sources: {
      [sourceId]: {
        type: 'vector',
        tiles: [absoluteURL(doc.tiles)],
        minzoom: doc.minzoom,
        maxzoom: doc.maxzoom,
        bounds: doc.bounds,
        // Feature ids are the area codes, so live data can join to cells.
        promoteId: 'code',
      },
      // One point per street and community, so a name is written once
      // rather than in every tile its area spans.
      [labelSourceId]: {
        type: 'geojson',
        data: absoluteURL(labelsPath),
        promoteId: 'code',
      },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': palette.background } },
      ...mapLayers(ranges),
    ],
  };
}
