// The dispatcher's desk: the whole district (or a scope) with every
// control at hand. Clicking a cell opens its profile in a drawer, with the
// on-duty workers nearest to it, and, for a user who may act on orders,
// the dispatcher's actions on the cell's open orders in the drawer's
// actions area.

import { el } from '../ui/dom';
import { connectionState, counters } from '../ui/counters';
import { controls } from '../ui/controls';
import { header } from '../ui/header';
import { legend } from '../ui/legend';
import { ticker } from '../ui/ticker';
import { weatherLegend } from '../ui/weather-legend';
import { badge, type Dashboard, firstIdle, languageLink, modeLinks, type ModePage, openCellsOnClick, startMap } from './common';

/** Builds the dispatcher's page. */
export function dispatcher(d: Dashboard): ModePage {
  const mapBox = el('div', 'map-box');
  const mapEl = el('div', 'map');
  mapEl.id = 'map';
  mapBox.append(mapEl);
  const left = el('div', 'column column-left');
  const right = el('div', 'column column-right');
  d.app.append(
    header({
      place: d.scope?.name ?? d.layers.name,
      live: [connectionState(d.client), counters(d.store)],
      layers: d.layers,
      controls: [modeLinks(d.route), languageLink(d.route), badge(d)],
    }),
    left,
    mapBox,
    right,
  );

  const lm = startMap(d, mapEl, { padding: { top: 24, bottom: 24, left: 24, right: 24 }, interactive: true });
  left.append(controls(d.view, d.names), weatherLegend(d.view, (fn) => lm.heat.onResults(fn)), legend());

  const page: ModePage = Object.assign(lm, { panels: Promise.resolve() });
  page.panels = (async () => {
    await firstIdle(lm.map);
    const p = await import('../panels');
    p.setChartTextSize(12);
    const h = p.historyPanels(d.view, d.scope?.code, d.names);
    right.append(
      h.trend.root,
      h.category.root,
      el('div', 'panel-pair', h.closure.root, h.response.root),
      h.rankings.root,
      ticker(d.store, d.names, 6),
    );
    const drawer = new p.CellDrawer(d.names);
    d.app.append(drawer.root);
    openCellsOnClick(lm, drawer, d.scope?.code);
    // Street and community users watch; the server would refuse their steps.
    if (d.me.can_act) void import('../dispatch').then((dispatch) => dispatch.mountDispatch(drawer, d.names, d.store, d.me.user.name));
    page.drawer = drawer;
  })();
  return page;
}
