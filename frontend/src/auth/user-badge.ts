// The signed-in user in the header: name, role and area, and signing out.

import { currentLang, t } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { withLang } from '../route';
import { el } from '../ui/dom';
import { signOut, type User } from './session';

/** The user's badge; areaName fills in the area's name once known (the code until then). */
export function userBadge(user: User, areaName: Promise<string>): HTMLElement {
  const area = el('span', 'user-area', user.area);
  void areaName.then((name) => (area.textContent = name)).catch(() => {});
  const out = el('button', 'sign-out', t('user.signOut'));
  out.type = 'button';
  out.title = t('user.signOutTitle');
  // The next user gets the mode of their own role: keep only the language.
  out.addEventListener('click', () => signOut('signedOut', withLang('', currentLang())));
  const who = el(
    'div',
    'user-who',
    el('span', 'user-name', user.name),
    el('span', 'user-role', t(`role.${user.role}` as MessageKey), el('span', 'user-where', ' · ', area)),
  );
  const badge = el('div', 'user-badge', who, out);
  badge.dataset.user = user.name;
  badge.dataset.role = user.role;
  return badge;
}
