// The list of current hot spots: the wall shows which one its tour is at;
// on a tablet each row is a big button that takes the map there.

import { currentLang, t } from '../i18n/i18n';
import type { HotSpot } from '../hotspots';
import { el } from '../ui/dom';
import { Panel } from './panel';

/** Renders the hot-spot list; onPick makes rows buttons. */
export function hotSpotList(onPick?: (s: HotSpot) => void): { panel: Panel; show(spots: HotSpot[], active?: string): void } {
  const panel = new Panel('hotspots', t('hotspots.title'));
  const show = (spots: HotSpot[], active?: string) => {
    if (spots.length === 0) {
      panel.body.replaceChildren();
      return panel.setState('empty', t('hotspots.none'));
    }
    panel.setState('ready');
    const en = currentLang() === 'en';
    panel.body.replaceChildren(
      el(
        'ol',
        'hotspots',
        ...spots.map((s, i) => {
          const facts = [t('hotspots.overdue', { n: s.overdue }), t('hotspots.open', { n: s.open })];
          if (s.alarms > 0) facts.push(t('hotspots.alarms', { n: s.alarms }));
          const inner = [
            el('span', 'hotspot-rank', String(i + 1)),
            el('span', 'hotspot-name', s.name),
            el('span', 'hotspot-facts', facts.join(' · ')),
            el('span', 'hotspot-weather', s.weather ? (en ? s.weather.en : s.weather.zh) : ''),
          ];
          let row: HTMLElement;
          if (onPick) {
            const b = el('button', 'hotspot-button', ...inner);
            b.type = 'button';
            b.addEventListener('click', () => onPick(s));
            row = el('li', 'hotspot', b);
          } else {
            row = el('li', 'hotspot', ...inner);
          }
          row.dataset.code = s.code;
          if (s.code === active) row.classList.add('hotspot-active');
          return row;
        }),
      ),
    );
  };
  return { panel, show };
}
