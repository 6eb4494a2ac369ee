// Smooth movement of patrol workers: a new reported position is reached
// over one flush interval, from wherever the worker is drawn now, instead
// of in a jump.

import type { Position } from '../live/protocol';

interface Track {
  from: Position;
  to: Position;
  start: number;
}

/** Beyond this (in degrees, about 1 km) a move is a jump, not a walk. */
const jumpDegrees = 0.01;

/** Tracks where each worker is drawn, given where it was reported. */
export class Glide {
  private readonly tracks = new Map<string, Track>();
  /** How long a glide takes, in ms: the server's flush interval as seen here. */
  duration: number;
  private lastBatch: number | undefined;

  constructor(durationMs = 1000) {
    this.duration = durationMs;
  }

  /**
   * Notes that a patrol batch arrived at `now`, so glides last as long as
   * the interval between batches (the server flushes once a second by
   * default; a slow link makes it longer).
   */
  batch(now: number): void {
    if (this.lastBatch !== undefined) {
      const gap = Math.min(2000, Math.max(250, now - this.lastBatch));
      this.duration = 0.7 * this.duration + 0.3 * gap;
    }
    this.lastBatch = now;
  }

  /**
   * Takes the reported positions. A worker whose position changed glides
   * there from where it is drawn at `now`; a new one, one that jumped far,
   * or all of them when `snap` is set, are placed at once, and so is one
   * whose move is under minDegrees (less than a pixel at the map's zoom:
   * nothing to see, nothing to redraw). Workers not in reported are
   * forgotten.
   */
  update(reported: Iterable<[string, Position]>, now: number, snap: boolean, minDegrees = 0): void {
    const seen = new Set<string>();
    for (const [id, to] of reported) {
      seen.add(id);
      const t = this.tracks.get(id);
      if (!t || snap) {
        this.tracks.set(id, { from: to, to, start: now });
        continue;
      }
      if (t.to[0] === to[0] && t.to[1] === to[1]) continue;
      const from = this.at(t, now);
      const move = Math.max(Math.abs(to[0] - from[0]), Math.abs(to[1] - from[1]));
      const place = move > jumpDegrees || move < minDegrees;
      this.tracks.set(id, { from: place ? to : from, to, start: now });
    }
    for (const id of this.tracks.keys()) if (!seen.has(id)) this.tracks.delete(id);
  }

  /** Where the worker is drawn at `now`, or undefined for an unknown one. */
  position(id: string, now: number): Position | undefined {
    const t = this.tracks.get(id);
    return t && this.at(t, now);
  }

  /** Whether any worker is still on its way at `now`. */
  moving(now: number): boolean {
    for (const t of this.tracks.values()) {
      if (now - t.start < this.duration && (t.from[0] !== t.to[0] || t.from[1] !== t.to[1])) return true;
    }
    return false;
  }

  private at(t: Track, now: number): Position {
    const f = Math.min(1, Math.max(0, (now - t.start) / this.duration));
    if (f === 1) return t.to;
    return [t.from[0] + (t.to[0] - t.from[0]) * f, t.from[1] + (t.to[1] - t.from[1]) * f];
  }
}
