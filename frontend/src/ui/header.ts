// The header: product name, the district shown, the live counters and how
// many areas the district holds.

import type { LayersDoc } from '../api';
import { el } from './dom';

/** Layers counted in the header, with their Chinese names. */
const counted: [layer: string, label: string][] = [
  ['street', '街道'],
  ['community', '社区'],
  ['compound', '小区'],
  ['grid_general', '网格'],
  ['grid_micro', '微网格'],
  ['grid_dedicated', '专属网格'],
];

/** Renders the header for the district in doc, with the live counters. */
export function header(doc: LayersDoc, live: HTMLElement): HTMLElement {
  const counts = new Map(doc.layers.map((l) => [l.layer, l.count]));
  const stats = counted
    .filter(([layer]) => counts.has(layer))
    .map(([layer, label]) =>
      el(
        'div',
        'stat',
        el('span', 'stat-value', (counts.get(layer) ?? 0).toLocaleString('zh-CN')),
        el('span', 'stat-label', label),
      ),
    );
  return el(
    'header',
    'header',
    el(
      'div',
      'brand',
      el('span', 'brand-mark', ''),
      el('span', 'brand-name', '网格脉搏'),
      el('span', 'brand-latin', 'Gridpulse'),
    ),
    el('div', 'district-name', doc.name),
    live,
    el('div', 'stats', ...stats),
  );
}

/** Renders the header's place when the district could not be loaded. */
export function loadError(message: string): HTMLElement {
  return el('div', 'load-error', el('strong', '', '无法加载辖区数据 · Cannot load the district'), el('p', '', message));
}
