// What every mode shares: the page's context, the map with its weather and
// live layers, clicking a cell open, and the language switch.

import type { Map as MapLibreMap } from 'maplibre-gl';
import { fetchArea, type AreaDoc, type ConfigDoc, type LayersDoc, type MeDoc } from '../api';
import { userBadge } from '../auth/user-badge';
import { t } from '../i18n/i18n';
import type { LiveClient } from '../live/client';
import type { Names } from '../live/names';
import type { LiveStore } from '../live/store';
import { cellLayerIds, HeatLayer } from '../map/heat';
import { LiveLayers } from '../map/live-layers';
import { createMap, type MapOptions } from '../map/map';
import { selectCell } from '../map/overlays';
import type { CellDrawer } from '../panels/cell-drawer';
import type { Tour } from './tour';
import { routeSearch, type Route } from '../route';
import { el } from '../ui/dom';
import type { ViewState } from '../view';

/** Everything a mode builds its page from. */
export interface Dashboard {
  route: Route;
  /** The signed-in user, and whether they may act on orders. */
  me: MeDoc;
  layers: LayersDoc;
  config: ConfigDoc;
  /** The street or community the page is scoped to. */
  scope?: AreaDoc;
  names: Names;
  client: LiveClient;
  store: LiveStore;
  view: ViewState;
  app: HTMLElement;
}

/** The map of a mode and its layers. */
export interface LiveMap {
  map: MapLibreMap;
  heat: HeatLayer;
  /** Set once the map is first idle. */
  live?: LiveLayers;
}

/**
 * A mode's page: its map at once, the rest as it comes. panels settles
 * once the panels (and with them the drawer) are there.
 */
export interface ModePage extends LiveMap {
  drawer?: CellDrawer;
  tour?: Tour;
  panels: Promise<void>;
}

/** How often the weather map is reloaded, as history grows. */
const heatRefreshMs = 5 * 60_000;

/**
 * Creates the map in container and joins the weather map and the live
 * layers to it: the weather map as soon as the style is loaded, the live
 * layers at the first idle, so the areas are drawn first and a map that
 * never stops moving still reaches idle once. The body's data-map-idle
 * and data-live-layers marks are what tests and health checks wait for.
 */
export function startMap(d: Dashboard, container: HTMLElement, opts: Omit<MapOptions, 'bounds' | 'basemap' | 'scope'>): LiveMap {
  const map = createMap(container, d.layers, {
    ...opts,
    bounds: d.scope?.bounds ?? d.layers.bounds,
    basemap: d.config.basemap?.tiles,
    scope: d.scope ? { code: d.scope.code, layer: d.scope.layer } : undefined,
  });
  const lm: LiveMap = { map, heat: new HeatLayer(map, d.scope?.code) };
  map.once('style.load', () => {
    // Under the weather colours the compounds step back, or the two
    // fills mix into colours that mean nothing.
    const compoundOpacity = map.getLayer('compound-fill') && map.getPaintProperty('compound-fill', 'fill-opacity');
    d.view.follow((v) => {
      void lm.heat.show({ window: v.window, category: v.category, shown: v.weather });
      lm.live?.setCategory(v.category);
      if (compoundOpacity !== undefined) map.setPaintProperty('compound-fill', 'fill-opacity', v.weather ? 0.12 : compoundOpacity);
    });
    setInterval(() => void lm.heat.reload(), heatRefreshMs);
  });
  map.once('idle', () => {
    // The first-idle budget is measured from navigation to this mark.
    performance.mark('gridpulse:map-idle');
    document.body.dataset.mapIdle = '1';
    lm.live = new LiveLayers(map, d.store, d.names);
    lm.live.setCategory(d.view.value.category);
    document.body.dataset.liveLayers = '1';
  });
  return lm;
}

/**
 * Opens drawer on the cell under a click or tap (a community, or a
 * general grid once zoomed in) and outlines it; a click beside every
 * cell closes it. On a scoped page cells outside the scope do not open.
 */
export function openCellsOnClick(lm: LiveMap, drawer: CellDrawer, scope?: string): void {
  const { map } = lm;
  const layers = () => cellLayerIds.filter((id) => map.getLayer(id));
  map.on('click', (e) => {
    const hit = map.queryRenderedFeatures(e.point, { layers: layers() }).find((f) => {
      const code = String(f.id ?? f.properties.code);
      return !scope || code.startsWith(scope) || scope.startsWith(code);
    });
    if (!hit) {
      drawer.close();
      return;
    }
    const code = String(hit.id ?? hit.properties.code);
    selectCell(map, code);
    void drawer.open({ code, name: String(hit.properties.name ?? code) });
  });
  drawer.onClose(() => selectCell(map, undefined));
  for (const id of cellLayerIds) {
    map.on('mouseenter', id, () => (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', id, () => (map.getCanvas().style.cursor = ''));
  }
}

/**
 * Resolves at the map's first idle. The panels wait for it: ECharts'
 * loading and first drawing would otherwise compete with the map's tiles
 * for the main thread, and the map is what a screen must show first.
 */
export function firstIdle(map: MapLibreMap): Promise<void> {
  if (document.body.dataset.mapIdle === '1') return Promise.resolve();
  return new Promise((resolve) => map.once('idle', () => resolve()));
}

/** A link to the same page in the other language. */
export function languageLink(route: Route): HTMLElement {
  const other = route.lang === 'zh' ? 'en' : 'zh';
  const a = el('a', 'lang-switch', t('lang.switch'));
  a.href = routeSearch({ ...route, lang: other }) + location.hash;
  a.title = t('lang.switchTitle');
  a.lang = other === 'en' ? 'en' : 'zh-CN';
  return a;
}

/** Links to the three modes, the current one marked. */
export function modeLinks(route: Route): HTMLElement {
  const links = (['wall', 'tablet', 'dispatcher'] as const).map((m) => {
    const a = el('a', 'mode-link', t(`mode.${m}`));
    a.href = routeSearch({ ...route, mode: m });
    if (m === route.mode) a.setAttribute('aria-current', 'page');
    return a;
  });
  return el('nav', 'mode-links', ...links);
}

/** The signed-in user's badge, with the name of their area. */
export function badge(d: Dashboard): HTMLElement {
  const { user } = d.me;
  const name = user.area === d.scope?.code ? Promise.resolve(d.scope.name) : fetchArea(user.area).then((a) => a.name);
  return userBadge(user, name);
}
