// A street leader's tablet: one street or community (?area=CODE), touch
// first. Big buttons, a map that pans and pinches, and beside it today's
// hot spots, the open and overdue orders, and the trends. Tapping a cell,
// a hot spot or an order takes the map there; a cell or hot spot also
// opens its profile.

import { fetchArea } from '../api';
import { hotSpots } from '../hotspots';
import { t } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { el } from '../ui/dom';
import { connectionState, counters } from '../ui/counters';
import { controls } from '../ui/controls';
import { header } from '../ui/header';
import { orderList } from '../ui/order-list';
import { scopePicker } from '../ui/scope-picker';
import { weatherLegend } from '../ui/weather-legend';
import { selectCell } from '../map/overlays';
import { badge, type Dashboard, firstIdle, languageLink, type ModePage, openCellsOnClick, startMap } from './common';

type Tab = 'hotspots' | 'orders' | 'trends';
const tabs: Tab[] = ['hotspots', 'orders', 'trends'];

/** Builds the tablet page. */
export function tablet(d: Dashboard): ModePage {
  const mapBox = el('div', 'map-box');
  const mapEl = el('div', 'map');
  mapEl.id = 'map';
  mapBox.append(mapEl);
  const side = el('div', 'column column-right tablet-side');
  d.app.append(
    header({
      place: d.scope?.name ?? d.layers.name,
      live: [connectionState(d.client), counters(d.store)],
      controls: [scopePicker(d.route, d.me.user.area), languageLink(d.route), badge(d)],
    }),
    mapBox,
    side,
  );

  const lm = startMap(d, mapEl, { padding: { top: 32, bottom: 32, left: 32, right: 32 }, interactive: true });
  const legendBox = weatherLegend(d.view, (fn) => lm.heat.onResults(fn));
  const mapControls = el('div', 'map-controls', controls(d.view, d.names), legendBox);
  // The window and the weather legend matter only while the weather map is on.
  d.view.follow((v) => mapControls.classList.toggle('weather-on', v.weather));
  mapBox.append(mapControls);

  // Tabs: one list at a time, each a big target.
  const bodies = new Map<Tab, HTMLElement>(tabs.map((tab) => [tab, el('div', `tab-body tab-${tab}`)]));
  const buttons = tabs.map((tab) => {
    const b = el('button', 'tab', t(`tablet.tab.${tab}` as MessageKey));
    b.type = 'button';
    b.setAttribute('role', 'tab');
    b.dataset.tab = tab;
    b.addEventListener('click', () => select(tab));
    return b;
  });
  const select = (tab: Tab) => {
    for (const b of buttons) b.setAttribute('aria-selected', String(b.dataset.tab === tab));
    for (const [name, body] of bodies) body.hidden = name !== tab;
  };
  const tabList = el('div', 'tabs', ...buttons);
  tabList.setAttribute('role', 'tablist');
  side.append(tabList, ...bodies.values());
  select('hotspots');

  const page: ModePage = Object.assign(lm, { panels: Promise.resolve() });
  page.panels = (async () => {
    await firstIdle(lm.map);
    const p = await import('../panels');
    p.setChartTextSize(14);
    const drawer = new p.CellDrawer(d.names);
    side.append(drawer.root);
    openCellsOnClick(lm, drawer, d.scope?.code);

    const goTo = async (code: string, name: string) => {
      try {
        const a = await fetchArea(code);
        lm.map.fitBounds(a.bounds, { padding: 40, maxZoom: 16, duration: 800 });
      } catch (err) {
        console.warn('tablet: cannot place', code, err);
      }
      selectCell(lm.map, code);
      void drawer.open({ code, name });
    };
    const level = d.scope?.layer === 'community' ? 'grid' : 'community';
    const spots = p.hotSpotList((s) => void goTo(s.code, s.name));
    const refresh = () => spots.show(hotSpots(d.store, lm.heat.results, level, 8));
    lm.heat.onResults(refresh);
    d.store.listen({ changed: (c) => c.reset && refresh() });
    setInterval(refresh, 10_000);
    refresh();
    bodies.get('hotspots')?.append(spots.panel.root);

    bodies.get('orders')?.append(
      orderList(d.store, d.names, (o) => {
        drawer.close();
        lm.map.flyTo({ center: o.location, zoom: Math.max(lm.map.getZoom(), 16.5), duration: 800 });
      }),
    );

    const h = p.historyPanels(d.view, d.scope?.code, d.names);
    bodies.get('trends')?.append(h.trend.root, el('div', 'panel-pair', h.closure.root, h.category.root), h.response.root, h.rankings.root);
    page.drawer = drawer;
  })();
  return page;
}
