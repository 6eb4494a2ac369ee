// The history the panels show, from ClickHouse through the analytics API:
// the trends of the chosen window and category, and the 红黑榜. Loaded
// when the choice changes and again every minute, as history grows.

import { fetchRankings, fetchTrends, type RankingEntry, type TrendsDoc } from '../api';
import type { ViewState } from '../view';

/** A load's outcome: the answer, or why there is none. */
export type Loaded<T> = { doc: T } | { error: string };

/** The 红榜 and 黑榜. */
export interface Rankings {
  red: RankingEntry[];
  black: RankingEntry[];
}

/**
 * The red list from every rated company, best first: the most satisfied
 * among those with at least the median number of appeals, so the list
 * rewards a record, not luck with a handful of ratings.
 */
export function redList(entries: RankingEntry[], size: number): RankingEntry[] {
  const rated = entries.filter((e) => e.satisfaction !== null && e.opened > 0);
  const volumes = rated.map((e) => e.opened).sort((a, b) => a - b);
  const median = volumes[Math.floor(volumes.length / 2)] ?? 0;
  return rated
    .filter((e) => e.opened >= median)
    .sort((a, b) => (b.satisfaction ?? 0) - (a.satisfaction ?? 0) || b.opened - a.opened)
    .slice(0, size)
    .map((e, i) => ({ ...e, rank: i + 1 }));
}

const refreshMs = 60_000;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Loads trends and rankings for a view and tells the panels. */
export class History {
  private readonly trendListeners = new Set<(r: Loaded<TrendsDoc>) => void>();
  private readonly rankingListeners = new Set<(r: Loaded<Rankings>) => void>();
  private abort: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly view: ViewState,
    private readonly area: string | undefined,
    private readonly rankingSize = 5,
  ) {
    view.follow((v, before) => {
      if (v === before || v.window !== before.window || v.category !== before.category) void this.load();
    });
  }

  onTrends(fn: (r: Loaded<TrendsDoc>) => void): void {
    this.trendListeners.add(fn);
  }

  onRankings(fn: (r: Loaded<Rankings>) => void): void {
    this.rankingListeners.add(fn);
  }

  /** Loads everything now, then again after refreshMs. */
  async load(): Promise<void> {
    clearTimeout(this.timer);
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    const { window, category } = this.view.value;
    const area = this.area;
    const trends = fetchTrends({ window, category, area }, abort.signal).then(
      (doc): Loaded<TrendsDoc> => ({ doc }),
      (err): Loaded<TrendsDoc> => ({ error: message(err) }),
    );
    // 红榜: the most satisfied property companies; 黑榜: those with the
    // most appeals per 100 households they manage. Companies, not
    // compounds: a compound has too few appeals in a week to rank fairly.
    // The red list is read whole (a district has about 180 companies) so
    // that a perfect rating from one or two appeals does not top it.
    const base = { of: 'property_company', window, area } as const;
    const rankings = Promise.all([
      fetchRankings({ ...base, sort: 'satisfaction', order: 'desc', limit: 200 }, abort.signal),
      fetchRankings({ ...base, sort: 'orders_per_100_households', order: 'desc', limit: this.rankingSize }, abort.signal),
    ]).then(
      ([all, black]): Loaded<Rankings> => ({ doc: { red: redList(all.entries, this.rankingSize), black: black.entries } }),
      (err): Loaded<Rankings> => ({ error: message(err) }),
    );
    const [tr, rk] = await Promise.all([trends, rankings]);
    if (abort.signal.aborted) return;
    for (const fn of this.trendListeners) fn(tr);
    for (const fn of this.rankingListeners) fn(rk);
    this.timer = setTimeout(() => void this.load(), refreshMs);
  }
}
