// The map style: a vector source on the server's tiles, a GeoJSON source of
// label points, and over a plain background the area layers of layers.ts,
// the weather map's fills, the selection and scope outlines. No glyphs or
// sprites: labels come from local fonts. A raster basemap is drawn under
// it all only when the server is configured with one (serve --basemap);
// otherwise the page needs no network but the server's own.

import type { LayerSpecification, StyleSpecification } from 'maplibre-gl';
import { absoluteURL, labelsPath, type LayersDoc } from '../api';
import { heatStyleLayers } from './heat';
import { labelSourceId, mapLayers, sourceId, type ZoomRange } from './layers';
import { scopeLayers, selectionLayers } from './overlays';
import * as palette from './palette';

/** What the style holds beyond the district's own layers. */
export interface StyleOptions {
  /** XYZ template of a raster basemap, or undefined for none. */
  basemap?: string;
  /** The street or community the page is scoped to, and its tile layer. */
  scope?: { code: string; layer: string };
}

const basemapSourceId = 'basemap';

/** Builds the style for the tile layers and zoom ranges the server publishes. */
export function buildStyle(doc: LayersDoc, opts: StyleOptions = {}): StyleSpecification {
  const ranges = new Map<string, ZoomRange>(doc.layers.map((l) => [l.layer, { minzoom: l.minzoom, maxzoom: l.maxzoom }]));
  const areaLayers = mapLayers(ranges);
  if (opts.basemap) {
    // The district's fill would hide the basemap: let it through.
    const fill = areaLayers.find((l) => l.id === 'district-fill');
    if (fill?.type === 'fill') fill.paint = { ...fill.paint, 'fill-opacity': 0.35 };
  }
  // Weather over the district's fill, under the compounds and boundaries.
  const afterFill = areaLayers.findIndex((l) => l.id === 'district-fill') + 1;
  areaLayers.splice(afterFill, 0, ...heatStyleLayers(ranges));
  // Outlines go under the labels, which are the style's only symbols.
  const firstLabel = areaLayers.findIndex((l) => l.type === 'symbol');
  const overlays = [...(opts.scope ? scopeLayers(opts.scope.code, opts.scope.layer, ranges) : []), ...selectionLayers(ranges)];
  areaLayers.splice(firstLabel < 0 ? areaLayers.length : firstLabel, 0, ...overlays);

  const layers: LayerSpecification[] = [{ id: 'background', type: 'background', paint: { 'background-color': palette.background } }];
  const style: StyleSpecification = {
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
        // Feature ids are the area codes, so live data and the weather
        // map join to cells by code.
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
    layers,
  };
  if (opts.basemap) {
    style.sources[basemapSourceId] = { type: 'raster', tiles: [opts.basemap], tileSize: 256, maxzoom: 18 };
    layers.push({ id: basemapSourceId, type: 'raster', source: basemapSourceId, paint: { 'raster-opacity': 0.55, 'raster-saturation': -0.6 } });
  }
  layers.push(...areaLayers);
  return style;
}
