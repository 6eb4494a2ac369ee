// The live ticker: the last few work-order and alarm changes, newest on
// top, in the page's language. Redrawn at most once per animation frame.

import type { Names } from '../live/names';
import type { Activity, LiveStore } from '../live/store';
import { fmt, t } from '../i18n/i18n';
import * as palette from '../map/palette';
import { el } from './dom';

/** One line of the ticker. */
export interface TickerLine {
  /** When it happened (the view's updated time, or when a removal arrived). */
  at: Date;
  kind: 'order' | 'alarm';
  /** What happened: the state or alarm action's name. */
  verb: string;
  /** Which thing: the order's title or the alarm's kind. */
  what: string;
  /** Colour of the tag: the order's group or the alarm's severity. */
  colour: string;
}

const groupColour = new Map<string, string>(palette.orderGroups.flatMap((g) => g.states.map((s) => [s, g.colour] as [string, string])));
const severityColour = new Map<string, string>(palette.severities.map((s) => [s.value, s.colour]));

/** Describes one change for the ticker; arrived is when it reached the page. */
export function describe(a: Activity, names: Names, arrived = new Date()): TickerLine {
  if (a.layer === 'orders') {
    const o = a.view ?? a.before;
    const what = o?.title || names.name('categories', o?.category) || a.key;
    if (!a.view) {
      // With the whole district subscribed an order leaves only by closing.
      return { at: arrived, kind: 'order', verb: names.name('states', 'closed'), what, colour: palette.unknown };
    }
    const verb = a.view.overdue && a.before && !a.before.overdue ? t('ticker.overdue') : names.name('states', a.view.state);
    return { at: new Date(a.view.updated), kind: 'order', verb, what, colour: groupColour.get(a.view.state) ?? palette.unknown };
  }
  const v = a.view ?? a.before;
  const what = v ? `${names.name('alarm_kinds', v.kind)} · ${names.name('severities', v.severity)}` : a.key;
  const colour = (v && severityColour.get(v.severity)) ?? palette.unknown;
  if (!a.view) return { at: arrived, kind: 'alarm', verb: names.name('alarm_actions', 'clear'), what, colour };
  const action = a.view.status === 'acknowledged' ? 'acknowledge' : 'raise';
  return { at: new Date(a.view.updated), kind: 'alarm', verb: names.name('alarm_actions', action), what, colour };
}

function line(l: TickerLine): HTMLElement {
  const tag = el('span', `ticker-tag ticker-${l.kind}`, l.kind === 'order' ? t('ticker.order') : t('ticker.alarm'));
  const verb = el('span', 'ticker-verb', l.verb);
  verb.style.setProperty('--tag', l.colour);
  return el('li', 'ticker-line', el('time', 'ticker-time', fmt.time(l.at)), tag, verb, el('span', 'ticker-what', l.what));
}

/** Renders the ticker of store's order and alarm changes, keeping the last `size`. */
export function ticker(store: LiveStore, names: Names, size = 5): HTMLElement {
  const list = el('ol', 'ticker-list');
  const empty = el('p', 'panel-note', t('panel.ticker.empty'));
  const root = el('section', 'panel ticker', el('h2', 'panel-title', t('panel.ticker')), list, empty);
  // Described when drawn, so names that load late still reach every line.
  let entries: { a: Activity; arrived: Date }[] = [];
  let raf = 0;
  const draw = () => {
    if (raf) return;
    raf = requestAnimationFrame(() => {
      raf = 0;
      list.replaceChildren(...entries.map((e) => line(describe(e.a, names, e.arrived))));
      empty.hidden = entries.length > 0;
    });
  };
  store.listen({
    activity: (a) => {
      entries = [{ a, arrived: new Date() }, ...entries].slice(0, size);
      draw();
    },
    changed: (c) => {
      // A page that has just opened starts with the latest changes the
      // snapshot holds rather than an empty panel.
      if (c.reset && c.layer !== 'patrols' && entries.length === 0) {
        entries = latest(store, size).map((a) => ({ a, arrived: new Date() }));
        draw();
      }
    },
  });
  names.onLoad(draw);
  // Made after the snapshot arrived: start from it all the same.
  if (store.last !== undefined) {
    entries = latest(store, size).map((a) => ({ a, arrived: new Date() }));
    draw();
  }
  return root;
}

/** The size most recently updated orders and alarms the store holds, newest first. */
function latest(store: LiveStore, size: number): Activity[] {
  const all: [string, Activity][] = [
    ...[...store.orders.values()].map((o): [string, Activity] => [o.updated, { layer: 'orders', key: o.order_id, view: o }]),
    ...[...store.alarms.values()].map((a): [string, Activity] => [a.updated, { layer: 'alarms', key: a.alarm_id, view: a }]),
  ];
  // RFC 3339 times in UTC with milliseconds sort as strings.
  all.sort((x, y) => (x[0] < y[0] ? 1 : x[0] > y[0] ? -1 : 0));
  return all.slice(0, size).map(([, a]) => a);
}
