// The map's style layers, one small function per tile layer. Each vector
// tile layer is named after the area layer it carries (district, street,
// community, compound, building, grid_general, grid_micro, grid_dedicated).

import type {
  DataDrivenPropertyValueSpecification,
  ExpressionSpecification,
  LayerSpecification,
} from 'maplibre-gl';
import * as palette from './palette';

/** The id of the vector source of the area tiles. */
export const sourceId = 'areas';

/** The id of the GeoJSON source of label points, one per street and community. */
export const labelSourceId = 'labels';

/** Zoom range at which the tiles carry a layer. */
export interface ZoomRange {
  minzoom: number;
  maxzoom: number;
}

/** `match` expression colouring a feature by one of its properties. */
function colourBy(
  property: string,
  entries: readonly [{ value: string; colour: string }, ...{ value: string; colour: string }[]],
): ExpressionSpecification {
  const [first, ...rest] = entries;
  const more = rest.flatMap((e) => [e.value, e.colour]);
  return ['match', ['get', property], first.value, first.colour, ...more, palette.unknown];
}

// Labels are drawn from local fonts (the style has no glyphs URL), so
// text-font is left at its default.
const labelText: DataDrivenPropertyValueSpecification<string> = ['get', 'name'];

function districtFill(z: ZoomRange): LayerSpecification[] {
  return [
    {
      id: 'district-fill',
      type: 'fill',
      source: sourceId,
      'source-layer': 'district',
      minzoom: z.minzoom,
      paint: { 'fill-color': palette.district.fill, 'fill-opacity': 0.9 },
    },
  ];
}

// The outline goes above the streets, whose outer edges it shares.
function districtLine(z: ZoomRange): LayerSpecification[] {
  return [
    {
      id: 'district-line',
      type: 'line',
      source: sourceId,
      'source-layer': 'district',
      minzoom: z.minzoom,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': palette.district.line,
        'line-width': ['interpolate', ['linear'], ['zoom'], 9, 2, 14, 4],
        'line-blur': 0.5,
      },
    },
  ];
}

function compound(z: ZoomRange): LayerSpecification[] {
  const colour = colourBy('type', palette.compoundTypes);
  return [
    {
      id: 'compound-fill',
      type: 'fill',
      source: sourceId,
      'source-layer': 'compound',
      minzoom: z.minzoom,
      paint: {
        'fill-color': colour,
        // Muted enough that the live orders, alarms and workers drawn
        // over them stand out, bright enough to tell the types apart.
        'fill-opacity': ['interpolate', ['linear'], ['zoom'], 10, 0.5, 13, 0.4, 16, 0.28],
      },
    },
    {
      id: 'compound-line',
      type: 'line',
      source: sourceId,
      'source-layer': 'compound',
      minzoom: Math.max(z.minzoom, 13),
      paint: { 'line-color': colour, 'line-width': 1, 'line-opacity': 0.9 },
    },
  ];
}

function dedicated(z: ZoomRange): LayerSpecification[] {
  const colour = colourBy('kind', palette.dedicatedKinds);
  return [
    {
      id: 'grid-dedicated-fill',
      type: 'fill',
      source: sourceId,
      'source-layer': 'grid_dedicated',
      minzoom: z.minzoom,
      paint: { 'fill-color': colour, 'fill-opacity': 0.3 },
    },
    {
      id: 'grid-dedicated-line',
      type: 'line',
      source: sourceId,
      'source-layer': 'grid_dedicated',
      minzoom: z.minzoom,
      paint: { 'line-color': colour, 'line-width': 1.2 },
    },
  ];
}

function building(z: ZoomRange): LayerSpecification[] {
  return [
    {
      id: 'building-fill',
      type: 'fill',
      source: sourceId,
      'source-layer': 'building',
      minzoom: z.minzoom,
      paint: { 'fill-color': palette.building, 'fill-opacity': 0.45 },
    },
  ];
}

function gridLines(z: ZoomRange, layer: 'grid_general' | 'grid_micro'): LayerSpecification[] {
  const general = layer === 'grid_general';
  return [
    {
      id: general ? 'grid-general-line' : 'grid-micro-line',
      type: 'line',
      source: sourceId,
      'source-layer': layer,
      minzoom: z.minzoom,
      paint: {
        'line-color': general ? palette.gridGeneral : palette.gridMicro,
        'line-width': general ? 0.8 : 0.5,
        ...(general ? {} : { 'line-dasharray': [2, 2] }),
      },
    },
  ];
}

function community(z: ZoomRange): LayerSpecification[] {
  return [
    {
      id: 'community-line',
      type: 'line',
      source: sourceId,
      'source-layer': 'community',
      minzoom: z.minzoom,
      paint: {
        'line-color': palette.community.line,
        'line-width': ['interpolate', ['linear'], ['zoom'], 11, 0.8, 15, 1.6],
      },
    },
  ];
}

function street(z: ZoomRange): LayerSpecification[] {
  return [
    {
      id: 'street-line',
      type: 'line',
      source: sourceId,
      'source-layer': 'street',
      minzoom: z.minzoom,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': palette.street.line,
        'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1.2, 14, 2.5],
      },
    },
  ];
}

function communityLabels(z: ZoomRange): LayerSpecification[] {
  return [
    {
      id: 'community-label',
      type: 'symbol',
      source: labelSourceId,
      filter: ['==', ['get', 'layer'], 'community'],
      minzoom: Math.max(z.minzoom, 12.5),
      layout: {
        'text-field': labelText,
        'text-size': ['interpolate', ['linear'], ['zoom'], 12.5, 13, 16, 18],
        'text-max-width': 8,
      },
      paint: {
        'text-color': palette.community.label,
        'text-halo-color': palette.halo,
        'text-halo-width': 1.5,
      },
    },
  ];
}

function streetLabels(z: ZoomRange): LayerSpecification[] {
  return [
    {
      id: 'street-label',
      type: 'symbol',
      source: labelSourceId,
      filter: ['==', ['get', 'layer'], 'street'],
      minzoom: z.minzoom,
      // Communities take over the labelling once they are legible.
      maxzoom: 13.5,
      layout: {
        'text-field': labelText,
        'text-size': ['interpolate', ['linear'], ['zoom'], 9, 15, 13, 22],
        'text-letter-spacing': 0.1,
        'symbol-sort-key': 0,
      },
      paint: {
        'text-color': palette.street.label,
        'text-halo-color': palette.halo,
        'text-halo-width': 2,
      },
    },
  ];
}

/**
 * Every style layer, bottom to top, for the tile layers present in ranges.
 * A tile layer the server does not publish gets no style layers.
 */
export function mapLayers(ranges: Map<string, ZoomRange>): LayerSpecification[] {
  const build: [string, (z: ZoomRange) => LayerSpecification[]][] = [
    ['district', districtFill],
    ['compound', compound],
    ['grid_dedicated', dedicated],
    ['building', building],
    ['grid_micro', (z) => gridLines(z, 'grid_micro')],
    ['grid_general', (z) => gridLines(z, 'grid_general')],
    ['community', community],
    ['street', street],
    ['district', districtLine],
    ['community', communityLabels],
    ['street', streetLabels],
  ];
  return build.flatMap(([layer, make]) => {
    const z = ranges.get(layer);
    return z ? make(z) : [];
  });
}
