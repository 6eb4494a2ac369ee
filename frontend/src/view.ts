// What the person looking has chosen to see: the history window, the
// category and whether the weather map is shown. The weather map, the
// live orders and the history panels all follow it.

import type { HistoryWindow } from './api';

/** The choices. */
export interface View {
  window: HistoryWindow;
  /** A class ("safety") or item ("safety.fire_lane") code; empty for all. */
  category: string;
  /** Whether the 民情气象图 colours the cells. */
  weather: boolean;
}

/** The choices and who follows them. */
export class ViewState {
  private readonly listeners = new Set<(v: View, before: View) => void>();

  constructor(private current: View) {}

  get value(): View {
    return this.current;
  }

  /** Calls fn with every change, and once now. */
  follow(fn: (v: View, before: View) => void): void {
    this.listeners.add(fn);
    fn(this.current, this.current);
  }

  /** Changes some choices and tells the followers. */
  set(change: Partial<View>): void {
    const before = this.current;
    this.current = { ...before, ...change };
    for (const fn of this.listeners) fn(this.current, before);
  }
}
