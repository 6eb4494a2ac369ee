// The current hot spots: the communities (or, on a page scoped to one
// community, the grids) with the most overdue work orders and serious
// alarms right now, from the live store, named and given their weather
// from the weather map. The wall tours them; a tablet lists them.

import type { HeatResult } from './map/heat';
import type { LiveStore } from './live/store';

/** One hot spot. */
export interface HotSpot {
  code: string;
  name: string;
  level: 'community' | 'grid';
  open: number;
  overdue: number;
  /** Active major and critical alarms. */
  alarms: number;
  /** The weather level's name, zh and en, when the weather map has it. */
  weather?: { zh: string; en: string };
  score: number;
}

const serious = new Set(['major', 'critical']);

/**
 * The hot spots of store at level, worst first, at most limit. A place is
 * hot when it has an overdue order or a serious alarm; open orders and the
 * weather only order the hot ones.
 */
export function hotSpots(store: LiveStore, heat: HeatResult[], level: 'community' | 'grid', limit = 5): HotSpot[] {
  const spots = new Map<string, HotSpot>();
  const spot = (code: string | undefined): HotSpot | undefined => {
    if (!code) return undefined;
    let s = spots.get(code);
    if (!s) {
      s = { code, name: code, level, open: 0, overdue: 0, alarms: 0, score: 0 };
      spots.set(code, s);
    }
    return s;
  };
  for (const o of store.orders.values()) {
    const s = spot(o.area[level]);
    if (!s) continue;
    s.open++;
    if (o.overdue) s.overdue++;
  }
  for (const a of store.alarms.values()) {
    if (!serious.has(a.severity)) continue;
    const s = spot(a.area[level]);
    if (s) s.alarms++;
  }
  const cells = new Map<string, { name: string; weather?: string; weather_en?: string; rank: number }>();
  for (const r of heat) {
    if (r.level !== level || !('doc' in r)) continue;
    const ranks = new Map(r.doc.thresholds.map((t, i) => [t.weather, i]));
    for (const c of r.doc.cells) cells.set(c.code, { ...c, rank: c.weather ? (ranks.get(c.weather) ?? 0) : 0 });
  }
  const out: HotSpot[] = [];
  for (const s of spots.values()) {
    if (s.overdue === 0 && s.alarms === 0) continue;
    const cell = cells.get(s.code);
    if (cell) {
      s.name = cell.name;
      if (cell.weather) s.weather = { zh: cell.weather, en: cell.weather_en ?? cell.weather };
    }
    s.score = 3 * s.overdue + 6 * s.alarms + 0.2 * s.open + (cell?.rank ?? 0);
    out.push(s);
  }
  out.sort((a, b) => b.score - a.score || a.code.localeCompare(b.code));
  return out.slice(0, limit);
}
