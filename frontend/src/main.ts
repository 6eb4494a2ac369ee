// Entry point of the Gridpulse page: loads the district's layer list,
// draws the map and the panels around it.

import type { Map as MapLibreMap } from 'maplibre-gl';
import { fetchLayers } from './api';
import { createMap } from './map/map';
import { header, loadError } from './ui/header';
import { legend } from './ui/legend';
import './style.css';

declare global {
  interface Window {
    /** Handles for browser tests and for debugging from the console. */
    __gridpulse?: { map: MapLibreMap };
  }
}

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
  app.append(header(doc), legend());

  const map = createMap(mapContainer, doc);
  window.__gridpulse = { map };
  // Tests and wall-screen health checks wait for this mark.
  map.once('idle', () => {
    document.body.dataset.mapIdle = '1';
  });
}

start().catch((err) => console.error('gridpulse:', err));
