// Entry point of the Gridpulse dashboard: reads the mode, area and
// language from the address, loads the district, subscribes to it live and
// hands everything to the mode's page (wall, tablet or dispatcher).

import type { Map as MapLibreMap } from 'maplibre-gl';
import { fetchArea, fetchCatalogue, fetchConfig, fetchLayers, type AreaDoc, type ConfigDoc } from './api';
import { setLang, t } from './i18n/i18n';
import { LiveClient, type ConnectionState } from './live/client';
import { Names } from './live/names';
import type { LiveStore } from './live/store';
import type { HeatLayer } from './map/heat';
import type { LiveLayers } from './map/live-layers';
import { dispatcher } from './modes/dispatcher';
import { tablet } from './modes/tablet';
import type { Tour } from './modes/tour';
import { wall } from './modes/wall';
import type { CellDrawer } from './panels/cell-drawer';
import { parseRoute, type Route } from './route';
import { el } from './ui/dom';
import { loadError } from './ui/header';
import { ViewState } from './view';
import './style.css';

/** What the page holds live, in numbers: for tests and the console. */
export interface LiveSummary {
  orders: number;
  alarms: number;
  workers: number;
  lastSeq: number | undefined;
}

declare global {
  interface Window {
    /** Handles for browser tests and for debugging from the console. */
    __gridpulse?: {
      route: Route;
      map: MapLibreMap;
      heat: HeatLayer;
      view: ViewState;
      readonly liveLayers: LiveLayers | undefined;
      readonly drawer: CellDrawer | undefined;
      readonly tour: Tour | undefined;
      live: {
        state(): LiveSummary;
        readonly connection: ConnectionState;
        client: LiveClient;
        store: LiveStore;
      };
    };
  }
}

/** The page's one subscription: every live layer over the district or the scope. */
const mainSub = 'main';

async function start(): Promise<void> {
  const route = parseRoute(location.search);
  setLang(route.lang);
  document.body.dataset.mode = route.mode;
  const app = document.getElementById('app');
  if (!app) throw new Error('page has no #app element');
  app.className = `mode-${route.mode}`;
  if (route.ignored.length > 0) console.warn(t('route.ignored', { what: route.ignored.join(', ') }));

  let layers, config: ConfigDoc, scope: AreaDoc | undefined;
  try {
    [layers, config, scope] = await Promise.all([
      fetchLayers(),
      // Without the settings the page still works, offline, without a basemap.
      fetchConfig().catch((err: unknown): ConfigDoc => {
        console.warn('gridpulse: settings not loaded, no basemap:', err);
        return { basemap: null };
      }),
      route.area ? fetchArea(route.area) : undefined,
    ]);
  } catch (err) {
    app.append(loadError(err instanceof Error ? err.message : String(err)));
    throw err;
  }
  document.title = `${t('brand')} · ${scope?.name ?? layers.name}`;

  const client = new LiveClient();
  // With no box or area the server would send all it holds, which for a
  // city is every district: the district's box, or the scope's code.
  const store = client.subscribe(
    mainSub,
    scope ? { layers: ['orders', 'alarms', 'patrols'], area: scope.code } : { layers: ['orders', 'alarms', 'patrols'], bbox: layers.bounds },
  );
  client.start();
  const names = new Names();
  fetchCatalogue()
    .then((c) => names.load(c))
    .catch((err) => console.warn('gridpulse: catalogue not loaded, showing codes:', err));

  // The wall shows the weather map from the start; at a desk or on a
  // tablet the live orders come first and the weather is a tap away.
  const view = new ViewState({ window: '7d', category: '', weather: route.mode === 'wall' });
  const d = { route, layers, config, scope, names, client, store, view, app };
  const page = route.mode === 'wall' ? wall(d) : route.mode === 'tablet' ? tablet(d) : dispatcher(d);
  // The handles are there as soon as the map is; the drawer and the tour
  // join as the panels load.
  window.__gridpulse = {
    route,
    map: page.map,
    heat: page.heat,
    view,
    get liveLayers() {
      return page.live;
    },
    get drawer() {
      return page.drawer;
    },
    get tour() {
      return page.tour;
    },
    live: {
      state: () => ({ orders: store.orders.size, alarms: store.alarms.size, workers: store.workers.size, lastSeq: store.last }),
      get connection() {
        return client.connection;
      },
      client,
      store,
    },
  };
  await page.panels;
  document.body.dataset.ready = '1';
}

start().catch((err) => {
  console.error('gridpulse:', err);
  document.getElementById('app')?.append(el('p', 'load-error', String(err instanceof Error ? err.message : err)));
});
