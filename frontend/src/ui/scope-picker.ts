// The tablet's choice of area: the whole district, a street, or a
// community of the street in view, as far as they lie inside the signed-in
// user's own area. Each is a link to the tablet page for that area, so the
// choice is kept in the address and can be bookmarked.

import { fetchLabels, type Label } from '../api';
import { t } from '../i18n/i18n';
import { isScopeCode, routeSearch, type Route } from '../route';
import { el } from './dom';

/** A button that opens the list of areas inside userArea to scope the tablet to. */
export function scopePicker(route: Route, userArea: string): HTMLElement {
  const button = el('button', 'scope-button', t('tablet.choose'));
  button.type = 'button';
  const sheet = el('div', 'scope-sheet');
  sheet.hidden = true;
  const close = () => (sheet.hidden = true);
  sheet.addEventListener('click', (e) => e.target === sheet && close());

  const link = (code: string | undefined, name: string, current: boolean) => {
    const a = el('a', 'scope-option', name);
    a.href = routeSearch({ ...route, area: code });
    if (current) a.setAttribute('aria-current', 'page');
    return a;
  };

  button.addEventListener('click', async () => {
    sheet.hidden = false;
    if (sheet.childElementCount > 0) return;
    let labels: Label[];
    try {
      labels = (await fetchLabels()).filter((l) => l.code.startsWith(userArea));
    } catch (err) {
      sheet.append(el('p', 'panel-note', t('panel.failed', { why: err instanceof Error ? err.message : String(err) })));
      return;
    }
    const streets = labels.filter((l) => l.layer === 'street');
    const street = route.area?.slice(0, 9);
    const communities = street ? labels.filter((l) => l.layer === 'community' && l.code.startsWith(street)) : [];
    // Only a user of the whole district may go back to it.
    const whole = isScopeCode(userArea) ? [] : [link(undefined, t('tablet.whole'), !route.area)];
    const card = el(
      'div',
      'scope-card',
      el('h2', 'panel-title', t('tablet.choose')),
      el('div', 'scope-options', ...whole, ...streets.map((s) => link(s.code, s.name, s.code === route.area))),
    );
    if (communities.length > 0) {
      card.append(el('div', 'scope-options scope-communities', ...communities.map((c) => link(c.code, c.name, c.code === route.area))));
    }
    sheet.append(card);
  });
  return el('div', 'scope-picker', button, sheet);
}
