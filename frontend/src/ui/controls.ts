// The controls of what is shown: the weather map on or off, the history
// window and the category. Buttons rather than menus where the choice is
// short, so a finger finds them on a tablet.

import { historyWindows } from '../api';
import { t } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import type { Names } from '../live/names';
import type { ViewState } from '../view';
import { el } from './dom';

/** Renders the controls of view. */
export function controls(view: ViewState, names: Names): HTMLElement {
  const toggle = el('input', 'weather-toggle');
  toggle.type = 'checkbox';
  toggle.addEventListener('change', () => view.set({ weather: toggle.checked }));
  const toggleLabel = el('label', 'control-toggle', toggle, el('span', '', t('weather.show')));

  const windows = historyWindows.map((w) => {
    const b = el('button', 'segment', t(`window.${w}` as MessageKey));
    b.type = 'button';
    b.dataset.window = w;
    b.addEventListener('click', () => view.set({ window: w }));
    return b;
  });
  const windowGroup = el('div', 'segments', ...windows);
  windowGroup.setAttribute('role', 'group');
  windowGroup.setAttribute('aria-label', t('window.label'));

  const category = el('select', 'category-select');
  category.setAttribute('aria-label', t('category.label'));
  const fillCategories = () => {
    const options = [el('option', '', t('category.all'))];
    options[0].value = '';
    for (const code of names.codes('classes')) {
      const o = el('option', '', names.name('classes', code));
      o.value = code;
      options.push(o);
    }
    category.replaceChildren(...options);
    category.value = view.value.category;
  };
  fillCategories();
  names.onLoad(fillCategories);
  category.addEventListener('change', () => view.set({ category: category.value }));

  view.follow((v) => {
    toggle.checked = v.weather;
    for (const b of windows) b.setAttribute('aria-pressed', String(b.dataset.window === v.window));
    if (category.value !== v.category) category.value = v.category;
  });

  return el(
    'div',
    'controls',
    toggleLabel,
    el('div', 'control-row', el('span', 'control-label', t('window.label')), windowGroup),
    el('div', 'control-row', el('span', 'control-label', t('category.label')), category),
  );
}
