// The header: product name, the place shown, the wall clock, the live
// counters and connection state, and the mode's own controls.

import type { LayersDoc } from '../api';
import { fmt, t } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { el } from './dom';

/** Layers counted in the header. */
const counted: string[] = ['street', 'community', 'compound', 'grid_general', 'grid_micro', 'grid_dedicated'];

/** What a mode puts in its header. */
export interface HeaderParts {
  /** The district's or the scope's name. */
  place: string;
  /** Counters and connection state. */
  live: HTMLElement[];
  /** The district's area counts; omitted on small screens. */
  layers?: LayersDoc;
  /** Show a ticking clock (the wall). */
  clock?: boolean;
  /** Controls at the end: language switch, scope picker. */
  controls?: HTMLElement[];
}

/** Renders a header. */
export function header(p: HeaderParts): HTMLElement {
  const parts: HTMLElement[] = [
    el('div', 'brand', el('span', 'brand-mark', ''), el('span', 'brand-name', t('brand')), el('span', 'brand-latin', 'Gridpulse')),
    el('div', 'place-name', p.place),
  ];
  if (p.clock) parts.push(clock());
  parts.push(...p.live);
  if (p.layers) parts.push(layerStats(p.layers));
  if (p.controls?.length) parts.push(el('div', 'header-controls', ...p.controls));
  return el('header', 'header', ...parts);
}

function layerStats(doc: LayersDoc): HTMLElement {
  const counts = new Map(doc.layers.map((l) => [l.layer, l.count]));
  const stats = counted
    .filter((layer) => counts.has(layer))
    .map((layer) =>
      el('div', 'stat', el('span', 'stat-value', fmt.int(counts.get(layer) ?? 0)), el('span', 'stat-label', t(`layer.${layer}` as MessageKey))),
    );
  return el('div', 'stats', ...stats);
}

/** The date and time in the district, updated every second. */
function clock(): HTMLElement {
  const e = el('time', 'clock');
  const tick = () => {
    e.textContent = fmt.clock(new Date());
  };
  tick();
  setInterval(tick, 1000);
  return e;
}

/** Renders the page's place when the district could not be loaded. */
export function loadError(message: string): HTMLElement {
  return el('div', 'load-error', el('strong', '', t('load.error')), el('p', '', message));
}
