// The 民情气象图's legend: the seven weather levels with their colours and
// bounds, from the thresholds the heatmap answers with, and what the map
// shows now (loading, unavailable, or how many appeals the window holds).

import type { Threshold } from '../api';
import { currentLang, fmt, t } from '../i18n/i18n';
import type { HeatResult } from '../map/heat';
import * as palette from '../map/palette';
import type { ViewState } from '../view';
import { el } from './dom';
import { swatch } from './legend';

function bounds(th: Threshold[], i: number): string {
  const lo = i === 0 ? 0 : th[i - 1].below_per_1000_households_per_week;
  const hi = th[i].below_per_1000_households_per_week;
  if (hi === null) return `≥ ${fmt.int(lo ?? 0)}`;
  if (i === 0) return `< ${fmt.int(hi)}`;
  return `${fmt.int(lo ?? 0)}–${fmt.int(hi)}`;
}

/** Renders the weather legend, following the heat layer's results and view. */
export function weatherLegend(view: ViewState, results: (fn: (r: HeatResult[]) => void) => void): HTMLElement {
  const list = el('ul', 'weather-scale');
  const note = el('p', 'panel-note', t('weather.loading'));
  const caption = el('p', 'weather-caption', t('weather.caption'));
  const root = el('section', 'panel weather-legend', el('h2', 'panel-title', t('weather.title')), caption, list, note);

  results((rs) => {
    const ok = rs.find((r) => 'doc' in r);
    const failed = rs.find((r) => 'error' in r);
    if (!ok || !('doc' in ok)) {
      note.textContent = t('weather.failed', { why: failed && 'error' in failed ? failed.error : '' });
      note.hidden = false;
      root.dataset.state = 'failed';
      return;
    }
    const th = ok.doc.thresholds;
    const en = currentLang() === 'en';
    list.replaceChildren(
      ...th.map((x, i) =>
        el(
          'li',
          'legend-row',
          swatch(palette.weather[i] ?? palette.unknown),
          el('span', 'legend-label', en ? x.weather_en : x.weather),
          el('span', 'legend-value', bounds(th, i)),
        ),
      ),
      el('li', 'legend-row', swatch('transparent'), el('span', 'legend-label', t('weather.none'))),
    );
    const total = ok.doc.cells.reduce((n, c) => n + c.count, 0);
    note.textContent = total === 0 ? t('weather.empty') : `${t('weather.count', { n: fmt.int(total) })} · ${t(`window.${view.value.window}`)}`;
    note.hidden = false;
    root.dataset.state = 'ready';
  });
  view.follow((v) => root.classList.toggle('weather-off', !v.weather));
  return root;
}
