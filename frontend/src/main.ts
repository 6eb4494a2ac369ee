// Entry point of the Gridpulse page: loads the district's layer list,
// draws the map and the panels around it, and follows the district live.

import type { Map as MapLibreMap } from 'maplibre-gl';
import { fetchCatalogue, fetchLayers } from './api';
import { LiveClient, type ConnectionState } from './live/client';
import { Names } from './live/names';
import type { LiveStore } from './live/store';
import { LiveLayers } from './map/live-layers';
import { createMap } from './map/map';
import { counters } from './ui/counters';
import { header, loadError } from './ui/header';
import { legend } from './ui/legend';
import { ticker } from './ui/ticker';
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
      map: MapLibreMap;
      live: {
        state(): LiveSummary;
        readonly connection: ConnectionState;
        client: LiveClient;
        store: LiveStore;
      };
    };
  }
}

/** The page's one subscription: every live layer over the whole district. */
const districtSub = 'district';

async function start(): Promise<void> {
  const app = document.getElementById('app');
  if (!app) throw new Error('page has no #app element');
  const mapContainer = document.createElement('div');
  mapContainer.id = 'map';
  app.append(mapContainer);

  let doc;
  try {
    doc = await fetchLayers();
  } catch (err) {
    app.append(loadError(err instanceof Error ? err.message : String(err)));
    throw err;
  }
  document.title = `网格脉搏 · ${doc.name}`;

  const client = new LiveClient();
  // The district's box: with no box or area the server would send all it
  // holds, which for a city is every district.
  const store = client.subscribe(districtSub, { layers: ['orders', 'alarms', 'patrols'], bbox: doc.bounds });
  client.start();
  const names = new Names();
  fetchCatalogue()
    .then((c) => names.load(c))
    .catch((err) => console.warn('gridpulse: catalogue not loaded, showing codes:', err));

  app.append(header(doc, counters(store, client)), legend(), ticker(store, names));

  const map = createMap(mapContainer, doc);
  window.__gridpulse = {
    map,
    live: {
      state: () => ({
        orders: store.orders.size,
        alarms: store.alarms.size,
        workers: store.workers.size,
        lastSeq: store.last,
      }),
      get connection() {
        return client.connection;
      },
      client,
      store,
    },
  };
  // Tests and wall-screen health checks wait for this mark. The live
  // layers join after it: the area tiles come first, and a map that never
  // stops moving would never be idle.
  map.once('idle', () => {
    document.body.dataset.mapIdle = '1';
    new LiveLayers(map, store);
    document.body.dataset.liveLayers = '1';
  });
}

start().catch((err) => console.error('gridpulse:', err));
