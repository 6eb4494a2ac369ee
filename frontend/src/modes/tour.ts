// The wall's tour: with nobody at the controls, the map shows the whole
// district, then flies to each current hot spot in turn, then back. A
// caption over the map says where it is and why.

import type { Map as MapLibreMap } from 'maplibre-gl';
import { fetchArea } from '../api';
import type { HotSpot } from '../hotspots';
import { currentLang, t } from '../i18n/i18n';
import { selectCell } from '../map/overlays';
import { el } from '../ui/dom';

/** How long the tour stays on the whole district and on each hot spot, in ms. */
export interface TourTiming {
  overviewMs: number;
  spotMs: number;
}

export const defaultTiming: TourTiming = { overviewMs: 20_000, spotMs: 12_000 };

/** Flies a map round the hot spots. */
export class Tour {
  readonly caption: HTMLElement;
  private spots: HotSpot[] = [];
  /** The hot spot shown, or -1 for the whole district. */
  index = -1;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<(spots: HotSpot[], active?: HotSpot) => void>();

  constructor(
    private readonly map: MapLibreMap,
    private readonly overview: [number, number, number, number],
    private readonly padding: number,
    private readonly find: () => HotSpot[],
    private readonly timing: TourTiming = defaultTiming,
  ) {
    this.caption = el('div', 'tour-caption');
    this.showCaption();
  }

  /** Calls fn with the hot spots and the one shown at every step. */
  onStep(fn: (spots: HotSpot[], active?: HotSpot) => void): void {
    this.listeners.add(fn);
  }

  /** Starts touring from the whole district. */
  start(): void {
    this.schedule(this.timing.overviewMs);
  }

  /** Moves on to the next stop now: the next hot spot, or back to the district. */
  async step(): Promise<void> {
    clearTimeout(this.timer);
    if (this.index < 0) {
      this.spots = this.find();
      this.index = this.spots.length > 0 ? 0 : -1;
    } else {
      this.index++;
      if (this.index >= this.spots.length) this.index = -1;
    }
    const spot = this.spots[this.index];
    this.showCaption();
    // The stop is outlined, so a glance finds it among its neighbours.
    selectCell(this.map, spot?.code);
    if (spot) {
      try {
        const area = await fetchArea(spot.code);
        this.map.fitBounds(area.bounds, { padding: this.padding, maxZoom: 15, duration: 2500 });
      } catch (err) {
        console.warn('tour: cannot place hot spot', spot.code, err);
      }
      this.schedule(this.timing.spotMs);
    } else {
      this.spots = this.find();
      this.showCaption();
      this.map.fitBounds(this.overview, { padding: this.padding, duration: 2500 });
      this.schedule(this.timing.overviewMs);
    }
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.step(), ms);
  }

  private showCaption(): void {
    const spot = this.spots[this.index];
    this.caption.dataset.stop = spot ? spot.code : 'overview';
    if (!spot) {
      this.caption.replaceChildren(el('span', 'tour-where', t('hotspots.overview')));
    } else {
      const facts = [t('hotspots.overdue', { n: spot.overdue }), t('hotspots.open', { n: spot.open })];
      if (spot.alarms > 0) facts.push(t('hotspots.alarms', { n: spot.alarms }));
      const weather = spot.weather ? (currentLang() === 'en' ? spot.weather.en : spot.weather.zh) : '';
      this.caption.replaceChildren(
        el('span', 'tour-step', t('hotspots.of', { n: this.index + 1, total: this.spots.length })),
        el('span', 'tour-where', spot.name),
        el('span', 'tour-facts', facts.join(' · ')),
        weather ? el('span', 'tour-weather', weather) : '',
      );
    }
    for (const fn of this.listeners) fn(this.spots, spot);
  }
}
