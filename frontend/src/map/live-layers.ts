// The live layers of the map: work orders, sensor alarms and patrol
// workers, drawn from a LiveStore through GeoJSON sources above the area
// layers. However fast messages come, each source gets at most one setData
// per animation frame; workers glide between reported positions and new
// alarms pulse for a while.

import type {
  ExpressionSpecification,
  FilterSpecification,
  GeoJSONSource,
  LayerSpecification,
  Map as MapLibreMap,
} from 'maplibre-gl';
import type { Feature, FeatureCollection, Point as PointGeometry } from 'geojson';
import type { LiveLayer } from '../live/protocol';
import type { Names } from '../live/names';
import type { LiveStore } from '../live/store';
import { Glide } from './glide';
import { alarmIcon, workerIcon } from './icons';
import * as palette from './palette';

/** Ids of the live sources and style layers, for tests and later panels. */
export const liveIds = {
  ordersSource: 'live-orders',
  alarmsSource: 'live-alarms',
  workersSource: 'live-workers',
  orders: 'live-orders',
  orderLabels: 'live-order-labels',
  alarmPulse: 'live-alarm-pulse',
  alarms: 'live-alarms',
  workers: 'live-workers',
} as const;

/** How long a new alarm pulses, and one pulse's period, in ms. */
const pulseMs = 10_000;
const pulsePeriodMs = 1_500;
/** Gliding workers are redrawn at most this often: 30 frames a second is smooth for a walk. */
const glideFrameMs = 33;

const workerImage = 'live-worker';
const alarmImage = 'live-alarm';

/** Life-cycle state → colour group, from the palette. */
const groupOf = new Map<string, string>(palette.orderGroups.flatMap((g) => g.states.map((s) => [s, g.value] as [string, string])));

type Point = Feature<PointGeometry>;

function featureCollection(features: Point[]): FeatureCollection<PointGeometry> {
  return { type: 'FeatureCollection', features };
}

function point(coordinates: [number, number], properties: Record<string, unknown>): Point {
  return { type: 'Feature', geometry: { type: 'Point', coordinates }, properties };
}

function matchColour(
  property: string,
  entries: readonly [{ value: string; colour: string }, ...{ value: string; colour: string }[]],
): ExpressionSpecification {
  const [first, ...rest] = entries;
  return ['match', ['get', property], first.value, first.colour, ...rest.flatMap((e) => [e.value, e.colour]), palette.unknown];
}

/** Zoom → value, linear; sizes are tuned for a 1920×1080 wall at the whole-district zoom (about 10.7). */
function byZoom(...stops: number[]): ExpressionSpecification {
  return ['interpolate', ['linear'], ['zoom'], ...stops] as ExpressionSpecification;
}

/**
 * The live style layers: workers, then orders over them, under the place
 * names, so the names stay legible over a thousand dots; alarms go over
 * everything.
 */
function styleLayers(): { underLabels: LayerSpecification[]; onTop: LayerSpecification[] } {
  const severityColour = matchColour('severity', palette.severities);
  const underLabels: LayerSpecification[] = [
    {
      id: liveIds.workers,
      type: 'symbol',
      source: liveIds.workersSource,
      layout: {
        'icon-image': workerImage,
        // Small at the district view, where a daytime shift of 1,500
        // would otherwise bury the orders.
        'icon-size': byZoom(9, 0.24, 11, 0.32, 14, 0.55, 17, 0.95),
        'icon-rotate': ['get', 'heading'],
        'icon-rotation-alignment': 'map',
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
      },
      paint: {
        'icon-color': [
          'case',
          ['==', ['get', 'status'], 'stale'],
          palette.workers.stale,
          ['!', ['get', 'on_duty']],
          palette.workers.offDuty,
          palette.workers.active,
        ],
        'icon-halo-color': palette.liveHalo,
        'icon-halo-width': 1,
        'icon-opacity': byZoom(10, 0.8, 14, 1),
      },
    },
    {
      id: liveIds.orders,
      type: 'circle',
      source: liveIds.ordersSource,
      layout: { 'circle-sort-key': ['get', 'rank'] },
      paint: {
        'circle-color': matchColour('group', palette.orderGroups),
        // Overdue and escalated orders are drawn a size larger.
        'circle-radius': [
          'interpolate',
          ['linear'],
          ['zoom'],
          9,
          ['case', ['>', ['get', 'rank'], 0], 3, 2],
          11,
          ['case', ['>', ['get', 'rank'], 0], 4.5, 3.2],
          14,
          ['case', ['>', ['get', 'rank'], 0], 7, 5.5],
          17,
          ['case', ['>', ['get', 'rank'], 0], 10, 8],
        ],
        'circle-stroke-color': ['case', ['get', 'overdue'], palette.overdue, palette.liveHalo],
        // Zoom must be the outermost expression, so the case goes inside.
        'circle-stroke-width': [
          'interpolate',
          ['linear'],
          ['zoom'],
          9,
          ['case', ['get', 'overdue'], 1.6, 0.4],
          11,
          ['case', ['get', 'overdue'], 2.2, 0.6],
          16,
          ['case', ['get', 'overdue'], 3.5, 1],
        ],
        'circle-opacity': 0.95,
      },
    },
    {
      // Close in, each order says what it is about.
      id: liveIds.orderLabels,
      type: 'symbol',
      source: liveIds.ordersSource,
      minzoom: 15.5,
      layout: {
        'text-field': ['get', 'label'],
        'text-size': 13,
        'text-offset': [0, 1.1],
        'text-anchor': 'top',
        'text-optional': true,
      },
      paint: { 'text-color': '#e2e8f0', 'text-halo-color': palette.liveHalo, 'text-halo-width': 1.5 },
    },
  ];
  const onTop: LayerSpecification[] = [
    {
      id: liveIds.alarmPulse,
      type: 'circle',
      source: liveIds.alarmsSource,
      filter: ['==', ['get', 'fresh'], true],
      paint: {
        'circle-color': severityColour,
        'circle-opacity': 0,
        'circle-stroke-color': severityColour,
        'circle-stroke-width': 2.5,
        'circle-radius': 10,
      },
    },
    {
      id: liveIds.alarms,
      type: 'symbol',
      source: liveIds.alarmsSource,
      layout: {
        'icon-image': alarmImage,
        'icon-size': byZoom(9, 0.7, 11, 0.85, 14, 1, 17, 1.25),
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
        // Worst on top.
        'symbol-sort-key': ['match', ['get', 'severity'], 'critical', 3, 'major', 2, 'minor', 1, 0],
        'symbol-z-order': 'source',
      },
      paint: {
        'icon-color': severityColour,
        'icon-halo-color': palette.liveHalo,
        'icon-halo-width': 1.2,
        'icon-opacity': ['case', ['==', ['get', 'status'], 'acknowledged'], 0.7, 1],
      },
    },
  ];
  return { underLabels, onTop };
}

/** Draws one store on one map; create it once the map has loaded its style. */
export class LiveLayers {
  private readonly dirty = new Set<LiveLayer>(['orders', 'alarms', 'patrols']);
  private readonly glide = new Glide();
  /** Alarms that arrived while watching, with when: they pulse. */
  private readonly fresh = new Map<string, number>();
  private freshChanged = false;
  private snap = true;
  private gliding = false;
  private workersDrawn = 0;
  private raf = 0;

  constructor(
    private readonly map: MapLibreMap,
    private readonly store: LiveStore,
    private readonly names?: Names,
  ) {
    map.addImage(workerImage, workerIcon(), { sdf: true, pixelRatio: 2 });
    map.addImage(alarmImage, alarmIcon(), { sdf: true, pixelRatio: 2 });
    for (const id of [liveIds.ordersSource, liveIds.alarmsSource, liveIds.workersSource]) {
      // promoteId: features keep their order, alarm or worker id.
      map.addSource(id, { type: 'geojson', data: featureCollection([]), promoteId: 'id' });
    }
    const { underLabels, onTop } = styleLayers();
    // The area style's only symbol layers are its labels.
    const firstLabel = map.getStyle().layers.find((l) => l.type === 'symbol')?.id;
    for (const layer of underLabels) map.addLayer(layer, firstLabel);
    for (const layer of onTop) map.addLayer(layer);
    store.listen({
      changed: (c) => {
        this.dirty.add(c.layer);
        if (c.layer === 'patrols') {
          this.glide.batch(performance.now());
          if (c.reset) this.snap = true;
        }
        this.schedule();
      },
      activity: (a) => {
        if (a.layer !== 'alarms') return;
        if (a.view && !a.before) {
          this.fresh.set(a.key, performance.now());
          this.freshChanged = true;
        }
      },
    });
    names?.onLoad(() => {
      this.dirty.add('orders');
      this.schedule();
    });
    this.schedule();
  }

  /**
   * Shows only orders of category (a class such as "safety" or an item
   * such as "safety.fire_lane"); empty shows all.
   */
  setCategory(category: string): void {
    const filter: FilterSpecification | null = category
      ? ['any', ['==', ['get', 'class'], category], ['==', ['get', 'category'], category]]
      : null;
    for (const id of [liveIds.orders, liveIds.orderLabels]) this.map.setFilter(id, filter);
  }

  private schedule(): void {
    if (!this.raf) this.raf = requestAnimationFrame((now) => this.frame(now));
  }

  private frame(now: number): void {
    this.raf = 0;
    for (const [id, since] of this.fresh) {
      if (now - since > pulseMs || !this.store.alarms.has(id)) {
        this.fresh.delete(id);
        this.freshChanged = true;
      }
    }
    if (this.dirty.has('orders')) this.setData(liveIds.ordersSource, this.orderFeatures());
    if (this.dirty.has('alarms') || this.freshChanged) this.setData(liveIds.alarmsSource, this.alarmFeatures());
    const patrols = this.dirty.has('patrols');
    if (patrols) {
      this.glide.update(this.reportedPositions(), now, this.snap, this.pixelDegrees());
      this.snap = false;
    }
    const moving = this.glide.moving(now);
    // Gliding is redrawn at most every glideFrameMs; one more frame after
    // the last glide ends puts everyone on the spot.
    if (patrols || (moving && now - this.workersDrawn >= glideFrameMs) || (!moving && this.gliding)) {
      this.setData(liveIds.workersSource, this.workerFeatures(now));
      this.workersDrawn = now;
    }
    this.gliding = moving;
    if (this.fresh.size > 0) this.pulse(now);
    this.dirty.clear();
    this.freshChanged = false;
    if (moving || this.fresh.size > 0) this.schedule();
  }

  /** The width of a pixel in degrees of longitude at the map's zoom (512-pixel tiles). */
  private pixelDegrees(): number {
    return 360 / (512 * 2 ** this.map.getZoom());
  }

  private setData(source: string, data: FeatureCollection): void {
    void this.map.getSource<GeoJSONSource>(source)?.setData(data);
  }

  private *reportedPositions(): Iterable<[string, [number, number]]> {
    for (const [id, w] of this.store.workers) if (w.status !== 'offline') yield [id, w.location];
  }

  private orderFeatures(): FeatureCollection<PointGeometry> {
    const out: Point[] = [];
    for (const o of this.store.orders.values()) {
      const group = groupOf.get(o.state) ?? 'other';
      const rank = (o.overdue ? 2 : 0) + (group === 'escalated' ? 1 : 0);
      const category = o.category ?? '';
      out.push(
        point(o.location, {
          id: o.order_id,
          state: o.state,
          group,
          overdue: o.overdue,
          priority: o.priority ?? '',
          rank,
          category,
          class: category.split('.')[0],
          label: this.names?.name('categories', category) ?? category,
        }),
      );
    }
    return featureCollection(out);
  }

  private alarmFeatures(): FeatureCollection<PointGeometry> {
    const out: Point[] = [];
    for (const a of this.store.alarms.values()) {
      out.push(
        point(a.location, {
          id: a.alarm_id,
          kind: a.kind,
          severity: a.severity,
          status: a.status,
          fresh: this.fresh.has(a.alarm_id),
        }),
      );
    }
    return featureCollection(out);
  }

  private workerFeatures(now: number): FeatureCollection<PointGeometry> {
    const out: Point[] = [];
    // Off-line workers are not drawn: where they were is no longer news.
    for (const w of this.store.workers.values()) {
      if (w.status === 'offline') continue;
      const at = this.glide.position(w.worker_id, now) ?? w.location;
      out.push(point(at, { id: w.worker_id, role: w.role, status: w.status, on_duty: w.on_duty, heading: w.heading }));
    }
    return featureCollection(out);
  }

  /** One step of the pulse ring around new alarms: it grows and fades. */
  private pulse(now: number): void {
    const phase = (now % pulsePeriodMs) / pulsePeriodMs;
    this.map.setPaintProperty(liveIds.alarmPulse, 'circle-radius', byZoom(9, 6 + 16 * phase, 14, 10 + 22 * phase, 17, 14 + 28 * phase));
    this.map.setPaintProperty(liveIds.alarmPulse, 'circle-stroke-opacity', 1 - phase);
  }
}
