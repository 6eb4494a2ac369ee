// The command centre's wall screen: the whole district (or a scope) at a
// glance, dark, large type, nothing to click. One layout is drawn at
// 1920×1080 and scaled to the screen, so a 3840×2160 wall shows the same
// picture with twice the pixels (the map and charts render at the full
// resolution) instead of type half as large. The map tours the current hot
// spots by itself.

import { hotSpots } from '../hotspots';
import { connectionState, counters } from '../ui/counters';
import { el } from '../ui/dom';
import { header } from '../ui/header';
import { legend } from '../ui/legend';
import { ticker } from '../ui/ticker';
import { weatherLegend } from '../ui/weather-legend';
import { badge, type Dashboard, firstIdle, type ModePage, startMap } from './common';
import { Tour } from './tour';

/** The size the wall layout is drawn at. */
export const wallDesign = { width: 1920, height: 1080 };

/**
 * How much the layout is scaled to fill a screen of width×height: never
 * below 1, so a smaller window shows the layout at its own size, and by
 * the tighter side, so the whole layout stays on the screen.
 */
export function wallScale(width: number, height: number): number {
  return Math.max(1, Math.min(width / wallDesign.width, height / wallDesign.height));
}

/** Sizes app to the screen at the layout's scale; returns the scale. */
function fitToScreen(app: HTMLElement): number {
  const k = wallScale(innerWidth, innerHeight);
  app.style.width = `${innerWidth / k}px`;
  app.style.height = `${innerHeight / k}px`;
  app.style.transform = k === 1 ? '' : `scale(${k})`;
  return k;
}

/** Builds the wall page. */
export function wall(d: Dashboard): ModePage {
  const k = fitToScreen(d.app);
  const pixelRatio = (window.devicePixelRatio || 1) * k;

  const mapBox = el('div', 'map-box');
  const mapEl = el('div', 'map');
  mapEl.id = 'map';
  const left = el('div', 'column column-left');
  const right = el('div', 'column column-right');
  mapBox.append(mapEl);
  d.app.append(
    header({
      place: d.scope?.name ?? d.layers.name,
      live: [connectionState(d.client), counters(d.store)],
      layers: d.layers,
      clock: true,
      controls: [badge(d)],
    }),
    left,
    mapBox,
    right,
  );

  const lm = startMap(d, mapEl, { padding: { top: 72, bottom: 40, left: 290, right: 230 }, pixelRatio, interactive: false });
  mapBox.append(weatherLegend(d.view, (fn) => lm.heat.onResults(fn)), legend({ areas: false }));
  // The layout may be scaled anew if the screen changes (a window moved
  // to another display); the canvases follow at the new resolution.
  addEventListener('resize', () => {
    const k2 = fitToScreen(d.app);
    lm.map.setPixelRatio((window.devicePixelRatio || 1) * k2);
    lm.map.resize();
  });

  const level = d.scope?.layer === 'community' ? 'grid' : 'community';
  const find = () => hotSpots(d.store, lm.heat.results, level);
  const tour = new Tour(lm.map, d.scope?.bounds ?? d.layers.bounds, 60, find);
  mapBox.append(tour.caption);

  void firstIdle(lm.map).then(() => tour.start());

  const page: ModePage = Object.assign(lm, { tour, panels: Promise.resolve() });
  page.panels = (async () => {
    await firstIdle(lm.map);
    const p = await import('../panels');
    p.setChartPixelRatio(pixelRatio);
    p.setChartTextSize(15);
    const h = p.historyPanels(d.view, d.scope?.code, d.names);
    const spots = p.hotSpotList();
    left.append(h.trend.root, h.category.root, el('div', 'panel-pair', h.closure.root, h.response.root));
    right.append(spots.panel.root, h.rankings.root, ticker(d.store, d.names, 6));

    tour.onStep((all, active) => spots.show(all, active?.code));
    // Until the tour first moves, keep the list current as data arrives.
    const refresh = () => {
      if (tour.index < 0) spots.show(find());
    };
    lm.heat.onResults(refresh);
    d.store.listen({ changed: (c) => c.reset && refresh() });
    setInterval(refresh, 10_000);
    refresh();
  })();
  return page;
}
