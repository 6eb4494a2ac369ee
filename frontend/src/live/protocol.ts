// The messages of the live WebSocket protocol (/ws), as docs/live-protocol.md
// describes them: what the page sends, what the server answers, and the
// views of work orders, alarms and patrol workers they carry.

/** [lon, lat] in WGS-84. */
export type Position = [number, number];

/** The codes of the areas holding a thing's location. */
export interface AreaChain {
  street: string;
  community: string;
  compound?: string;
  building?: string;
  grid?: string;
  micro_grid?: string;
  dedicated_grid?: string;
}

/** An open work order (工单). */
export interface OrderView {
  order_id: string;
  state: string;
  channel?: string;
  category?: string;
  priority?: string;
  title?: string;
  location: Position;
  area: AreaChain;
  opened: string;
  updated: string;
  deadline?: string;
  overdue: boolean;
  escalations: number;
  assignee?: string;
  /** Sequence of the event the view reflects. */
  seq: number;
}

/** An active sensor alarm. */
export interface AlarmView {
  alarm_id: string;
  device_id: string;
  device_type: string;
  kind: string;
  severity: string;
  status: 'raised' | 'acknowledged' | 'cleared';
  message?: string;
  raised: string;
  updated: string;
  location: Position;
  area: AreaChain;
  seq: number;
}

/** How recently a worker reported. */
export type WorkerStatus = 'active' | 'stale' | 'offline';

/** A patrol worker's latest position. */
export interface WorkerView {
  worker_id: string;
  name?: string;
  role: string;
  on_duty: boolean;
  /** Degrees clockwise from north. */
  heading: number;
  /** Metres per second. */
  speed: number;
  battery?: number;
  home_grid?: string;
  location: Position;
  area: AreaChain;
  updated: string;
  status: WorkerStatus;
}

/** The layers a subscription can ask for. */
export type LiveLayer = 'orders' | 'alarms' | 'patrols';

/** Narrowing of each layer; an empty or missing list means any. */
export interface Filters {
  states?: string[];
  categories?: string[];
  priorities?: string[];
  overdue?: boolean;
  severities?: string[];
  kinds?: string[];
  on_duty?: boolean;
  roles?: string[];
}

/** What a subscription selects: its layers, and optionally a box, an area and filters. */
export interface Selection {
  layers: LiveLayer[];
  /** [minLon, minLat, maxLon, maxLat]. */
  bbox?: [number, number, number, number];
  area?: string;
  filters?: Filters;
}

/** Client → server. */
export type ClientMessage =
  | ({ op: 'subscribe'; id: string; resume?: number } & Selection)
  | { op: 'unsubscribe'; id: string }
  | { op: 'ping' };

export interface SnapshotMessage {
  op: 'snapshot';
  sub: string;
  seq: number;
  orders?: OrderView[];
  alarms?: AlarmView[];
  patrols?: WorkerView[];
}

export type DeltaMessage = {
  op: 'delta';
  sub: string;
  /** Absent on a change made by the clock (an order became overdue). */
  seq?: number;
  prev?: number;
  key: string;
} & (
  | { layer: 'orders'; removed: true; data?: undefined }
  | { layer: 'orders'; removed?: false; data: OrderView }
  | { layer: 'alarms'; removed: true; data?: undefined }
  | { layer: 'alarms'; removed?: false; data: AlarmView }
);

export interface PatrolsMessage {
  op: 'patrols';
  sub: string;
  at: string;
  workers: WorkerView[];
  gone?: string[];
  /** After a resume: workers replaces everything held. */
  full?: boolean;
}

export interface ResyncMessage {
  op: 'resync';
  sub: string;
  reason: string;
}

export interface ResumedMessage {
  op: 'resumed';
  sub: string;
  seq: number;
}

export interface ErrorMessage {
  op: 'error';
  sub?: string;
  code: string;
  field?: string;
  message: string;
}

/** Server → client. */
export type ServerMessage =
  | SnapshotMessage
  | DeltaMessage
  | PatrolsMessage
  | ResyncMessage
  | ResumedMessage
  | ErrorMessage
  | { op: 'pong' }
  | { op: 'unsubscribed'; sub: string };

/**
 * Splits one server frame into its messages: the server packs queued
 * messages into one frame, one per line. A line that is not a JSON object
 * with an op is reported to onBad and skipped, so one bad line does not
 * lose the rest of the frame.
 */
export function parseFrame(frame: string, onBad: (line: string, err: unknown) => void): ServerMessage[] {
  const out: ServerMessage[] = [];
  for (const line of frame.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const m: unknown = JSON.parse(line);
      if (typeof m !== 'object' || m === null || typeof (m as { op?: unknown }).op !== 'string') {
        throw new Error('not a message object');
      }
      out.push(m as ServerMessage);
    } catch (err) {
      onBad(line, err);
    }
  }
  return out;
}
