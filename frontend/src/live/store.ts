// What one live subscription holds: its work orders, alarms and patrol
// workers keyed by id, and the last sequence number applied. The client
// feeds it the server's messages; the map, the counters and the ticker
// listen to it.

import type {
  AlarmView,
  DeltaMessage,
  LiveLayer,
  OrderView,
  PatrolsMessage,
  ServerMessage,
  SnapshotMessage,
  WorkerView,
} from './protocol';

/** A work order or alarm that changed, for the ticker and the alarm pulse. */
export type Activity =
  | { layer: 'orders'; key: string; view?: OrderView; before?: OrderView }
  | { layer: 'alarms'; key: string; view?: AlarmView; before?: AlarmView };

/** A change of one layer; reset when the whole layer was replaced (snapshot, full patrol batch). */
export interface Change {
  layer: LiveLayer;
  reset: boolean;
}

/** Notified of what the store applies. */
export interface StoreListener {
  changed?(c: Change): void;
  activity?(a: Activity): void;
}

/** The dashboard's headline numbers, as the live maps give them. */
export interface Counts {
  open_orders: number;
  overdue: number;
  active_alarms: number;
  /** On duty and not off-line, as the server counts them. */
  workers_on_duty: number;
}

/**
 * What applying a message did. A gap means a delta did not follow the last
 * sequence applied: the subscription must be renewed with resume set to
 * last.
 */
export type Outcome = 'applied' | 'ignored' | 'gap';

/** The state of one subscription. */
export class LiveStore {
  readonly orders = new Map<string, OrderView>();
  readonly alarms = new Map<string, AlarmView>();
  readonly workers = new Map<string, WorkerView>();
  /** The last sequence number applied; undefined before the first snapshot. */
  last: number | undefined;
  /**
   * True while a snapshot or a resumed answer is owed: deltas are then
   * dropped, as the answer covers them.
   */
  awaiting = true;

  private readonly listeners = new Set<StoreListener>();

  /** Registers a listener; returns the function that removes it. */
  listen(l: StoreListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Marks that the subscription was (re)sent and its answer is owed. */
  expectAnswer(): void {
    this.awaiting = true;
  }

  /** Applies one server message about this subscription. */
  apply(m: ServerMessage): Outcome {
    switch (m.op) {
      case 'snapshot':
        this.snapshot(m);
        return 'applied';
      case 'resumed':
        this.last = m.seq;
        this.awaiting = false;
        return 'applied';
      case 'resync':
        // A fresh snapshot follows; keep showing what we hold until then.
        this.awaiting = true;
        return 'applied';
      case 'delta':
        return this.delta(m);
      case 'patrols':
        this.patrols(m);
        return 'applied';
      default:
        return 'ignored';
    }
  }

  /** The headline numbers of what the store holds. */
  counts(): Counts {
    let overdue = 0;
    for (const o of this.orders.values()) if (o.overdue) overdue++;
    let onDuty = 0;
    for (const w of this.workers.values()) if (w.on_duty && w.status !== 'offline') onDuty++;
    return { open_orders: this.orders.size, overdue, active_alarms: this.alarms.size, workers_on_duty: onDuty };
  }

  private snapshot(m: SnapshotMessage): void {
    refill(this.orders, m.orders ?? [], (o) => o.order_id);
    refill(this.alarms, m.alarms ?? [], (a) => a.alarm_id);
    refill(this.workers, m.patrols ?? [], (w) => w.worker_id);
    this.last = m.seq;
    this.awaiting = false;
    for (const layer of ['orders', 'alarms', 'patrols'] as const) this.emit({ layer, reset: true });
  }

  private delta(m: DeltaMessage): Outcome {
    if (this.awaiting) return 'ignored';
    if (m.seq !== undefined) {
      if (m.prev !== this.last) return 'gap';
      this.last = m.seq;
    }
    // Narrowed per layer so each map gets its own view type.
    if (m.layer === 'orders') {
      const before = this.orders.get(m.key);
      if (m.removed) this.orders.delete(m.key);
      else this.orders.set(m.key, m.data);
      this.emitActivity({ layer: 'orders', key: m.key, view: m.removed ? undefined : m.data, before });
    } else {
      const before = this.alarms.get(m.key);
      if (m.removed) this.alarms.delete(m.key);
      else this.alarms.set(m.key, m.data);
      this.emitActivity({ layer: 'alarms', key: m.key, view: m.removed ? undefined : m.data, before });
    }
    this.emit({ layer: m.layer, reset: false });
    return 'applied';
  }

  private patrols(m: PatrolsMessage): void {
    if (m.full) this.workers.clear();
    for (const id of m.gone ?? []) this.workers.delete(id);
    for (const w of m.workers ?? []) this.workers.set(w.worker_id, w);
    this.emit({ layer: 'patrols', reset: m.full === true });
  }

  private emit(c: Change): void {
    for (const l of this.listeners) l.changed?.(c);
  }

  private emitActivity(a: Activity): void {
    for (const l of this.listeners) l.activity?.(a);
  }
}

function refill<T>(m: Map<string, T>, items: T[], key: (t: T) => string): void {
  m.clear();
  for (const t of items) m.set(key(t), t);
}
