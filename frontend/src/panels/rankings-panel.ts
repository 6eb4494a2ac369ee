// 红黑榜: the property companies residents are most satisfied with (红榜)
// and those with the most appeals per 100 households they manage (黑榜).
// A list, not a chart: names are what a reader looks for.

import type { RankingEntry } from '../api';
import { fmt, t } from '../i18n/i18n';
import { el } from '../ui/dom';
import type { Loaded, Rankings } from './history';
import { Panel } from './panel';

/** A company's name without its legal form, which a list has no room for. */
export function shortName(name: string): string {
  return name.replace(/(物业(服务|管理)?)?(集团)?(股份)?有限(责任)?公司$/, '') || name;
}

function list(kind: 'red' | 'black', entries: RankingEntry[], value: (e: RankingEntry) => string): HTMLElement {
  return el(
    'ol',
    `ranking ranking-${kind}`,
    ...entries.map((e) =>
      {
        const name = el('span', 'ranking-name', shortName(e.name));
        name.title = e.name;
        return el('li', 'ranking-row', el('span', 'ranking-rank', String(e.rank)), name, el('span', 'ranking-value', value(e)));
      },
    ),
  );
}

/** Renders the 红黑榜; feed it with update. */
export function rankingsPanel(): { panel: Panel; update(r: Loaded<Rankings>): void } {
  const panel = new Panel('rankings', t('panel.rankings'));
  const update = (r: Loaded<Rankings>) => {
    if ('error' in r) return panel.setState('failed', r.error);
    const red = r.doc.red;
    const black = r.doc.black.filter((e) => e.orders_per_100_households !== null && e.opened > 0);
    if (red.length === 0 && black.length === 0) {
      panel.body.replaceChildren();
      return panel.setState('empty', t('panel.rankings.none'));
    }
    panel.setState('ready');
    panel.body.replaceChildren(
      el('h3', 'ranking-title ranking-title-red', t('panel.rankings.red')),
      list('red', red, (e) => t('panel.rankings.satisfaction', { value: fmt.one(e.satisfaction ?? 0) })),
      el('h3', 'ranking-title ranking-title-black', t('panel.rankings.black')),
      list('black', black, (e) => t('panel.rankings.perHundred', { value: fmt.one(e.orders_per_100_households ?? 0) })),
    );
  };
  return { panel, update };
}
