// The dashboard for a signed-in user: loads the district, subscribes to it
// live and hands everything to the mode's page (wall, tablet or
// dispatcher).

import type { Map as MapLibreMap } from 'maplibre-gl';
import { fetchArea, fetchCatalogue, fetchConfig, fetchLayers, fetchMe, SignedOut, type AreaDoc, type ConfigDoc, type MeDoc } from './api';
import { bearer } from './auth/session';
import { t } from './i18n/i18n';
import { LiveClient, protocolsWith, type ConnectionState } from './live/client';
import { Names } from './live/names';
import type { LiveStore } from './live/store';
import { startMapWorker } from './map/map';
import type { HeatLayer } from './map/heat';
import type { LiveLayers } from './map/live-layers';
import { dispatcher } from './modes/dispatcher';
import { tablet } from './modes/tablet';
import type { Tour } from './modes/tour';
import { wall } from './modes/wall';
import type { CellDrawer } from './panels/cell-drawer';
import type { Route } from './route';
import { loadError } from './ui/header';
import { ViewState } from './view';

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
      /** Whom the page's token speaks for. */
      me: MeDoc;
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

/** Builds the dashboard for route in app. */
export async function startDashboard(app: HTMLElement, route: Route): Promise<void> {
  document.body.dataset.mode = route.mode;
  app.className = `mode-${route.mode}`;
  // While the district is asked for below.
  startMapWorker();

  let layers, config: ConfigDoc, scope: AreaDoc | undefined, me: MeDoc;
  try {
    [me, layers, config, scope] = await Promise.all([
      // Checks the kept token before anything is drawn: a refused one goes back to the login page.
      fetchMe(),
      fetchLayers(),
      // Without the settings the page still works, offline, without a basemap.
      fetchConfig().catch((err: unknown): ConfigDoc => {
        console.warn('gridpulse: settings not loaded, no basemap:', err);
        return { basemap: null };
      }),
      route.area ? fetchArea(route.area) : undefined,
    ]);
  } catch (err) {
    if (err instanceof SignedOut) return;
    app.append(loadError(err instanceof Error ? err.message : String(err)));
    throw err;
  }
  document.title = `${t('brand')} · ${scope?.name ?? layers.name}`;

  const client = new LiveClient({
    protocols: () => protocolsWith(bearer()),
    // A refused token shows as a socket that never opens; the REST API
    // says whether that was it, and a 401 there signs the page out.
    onRefused: () => void fetchMe().catch(() => {}),
  });
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
  const d = { route, me, layers, config, scope, names, client, store, view, app };
  const page = route.mode === 'wall' ? wall(d) : route.mode === 'tablet' ? tablet(d) : dispatcher(d);
  // The handles are there as soon as the map is; the drawer and the tour
  // join as the panels load.
  window.__gridpulse = {
    route,
    me,
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
