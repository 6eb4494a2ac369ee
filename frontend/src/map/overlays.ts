// Outlines drawn over the areas: the cell whose profile is open, and on a
// scoped page (a tablet for one street) the scope itself with everything
// outside it dimmed.

import type { FilterSpecification, LayerSpecification, Map as MapLibreMap } from 'maplibre-gl';
import { heatLevels } from './heat';
import { sourceId, type ZoomRange } from './layers';
import * as palette from './palette';

/** Selection outline layer ids, one per cell level. */
const selectedIds = heatLevels.map((h) => ({ layerId: `selected-${h.level}`, sourceLayer: h.sourceLayer }));

const nothing: FilterSpecification = ['==', ['get', 'code'], ''];

/** The selection outlines, empty until a cell is selected. */
export function selectionLayers(ranges: Map<string, ZoomRange>): LayerSpecification[] {
  return selectedIds
    .filter((s) => ranges.has(s.sourceLayer))
    .map((s) => ({
      id: s.layerId,
      type: 'line',
      source: sourceId,
      'source-layer': s.sourceLayer,
      filter: nothing,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': palette.selected, 'line-width': 3.5 },
    }));
}

/** Outlines the cell with code (any level), or none when code is undefined. */
export function selectCell(map: MapLibreMap, code: string | undefined): void {
  for (const s of selectedIds) {
    if (map.getLayer(s.layerId)) map.setFilter(s.layerId, code ? ['==', ['get', 'code'], code] : nothing);
  }
}

/**
 * The scope's layers: the other areas of its layer dimmed, its own edge
 * drawn bold. layer is the scope's tile layer (street or community).
 */
export function scopeLayers(code: string, layer: string, ranges: Map<string, ZoomRange>): LayerSpecification[] {
  if (!ranges.has(layer)) return [];
  return [
    {
      id: 'scope-mask',
      type: 'fill',
      source: sourceId,
      'source-layer': layer,
      filter: ['!=', ['get', 'code'], code],
      paint: { 'fill-color': palette.background, 'fill-opacity': 0.8 },
    },
    {
      id: 'scope-line',
      type: 'line',
      source: sourceId,
      'source-layer': layer,
      filter: ['==', ['get', 'code'], code],
      layout: { 'line-join': 'round' },
      paint: { 'line-color': palette.scope, 'line-width': 4 },
    },
  ];
}
