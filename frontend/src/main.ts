// Entry point of the Gridpulse page: reads the mode, area and language
// from the address, signs the user in (the login page, unless a session is
// kept from before), and opens the dashboard in the mode the address asks
// for or the user's role suits, within the user's own area.

import { loginPage } from './auth/login-page';
import { followOtherTabs, keepRenewed, session, takeSignOutReason } from './auth/session';
import { setLang, t } from './i18n/i18n';
import { parseRoute, routeFor, routeSearch } from './route';
import { el } from './ui/dom';
// MapLibre's styles come first, so that the page's own override them; in
// the dashboard's lazily loaded chunk they would come last and win.
import 'maplibre-gl/dist/maplibre-gl.css';
import './style.css';

async function boot(): Promise<void> {
  const asked = parseRoute(location.search);
  setLang(asked.lang);
  const app = document.getElementById('app');
  if (!app) throw new Error('page has no #app element');
  // The dashboard's code (the map above all) loads while the user signs in.
  const dashboard = import('./dashboard');
  let s = session();
  if (!s) {
    document.body.dataset.mode = 'login';
    s = await loginPage(app, takeSignOutReason());
  }
  const route = routeFor(asked, s.user);
  if (route.ignored.length > 0) console.warn(t('route.ignored', { what: route.ignored.join(', ') }));
  // The address says what is shown, so a reload (a wall screen's) comes
  // back to the same page.
  history.replaceState(history.state, '', routeSearch(route) + location.hash);
  keepRenewed();
  followOtherTabs();
  await (await dashboard).startDashboard(app, route);
}

boot().catch((err) => {
  console.error('gridpulse:', err);
  document.getElementById('app')?.append(el('p', 'load-error', String(err instanceof Error ? err.message : err)));
});
