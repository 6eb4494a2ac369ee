// The header's live counters (open and overdue orders, active alarms,
// workers on duty) and the connection state.
//
// The numbers are counted from the live store rather than polled from
// /api/v1/live/counts: they are the very things the map draws, so map and
// numbers never disagree, they change in the frame the map does, and a
// room of wall screens adds no polling load. The store holds the page's
// subscription (the district, or a tablet's street), which is what the
// endpoint counts for the same area.

import { fmt, t } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import type { ConnectionState, LiveClient } from '../live/client';
import type { Counts, LiveStore } from '../live/store';
import { el } from './dom';

const shown: [key: keyof Counts, label: MessageKey, alert: boolean][] = [
  ['open_orders', 'counter.open', false],
  ['overdue', 'counter.overdue', true],
  ['active_alarms', 'counter.alarms', true],
  ['workers_on_duty', 'counter.onDuty', false],
];

/** Shows the state of client's connection: a dot and a word. */
export function connectionState(client: LiveClient): HTMLElement {
  const dot = el('span', 'connection-dot');
  const text = el('span', 'connection-label');
  const connection = el('div', 'connection', dot, text);
  const show = (s: ConnectionState) => {
    connection.dataset.state = s;
    text.textContent = t(`connection.${s}`);
  };
  show(client.connection);
  client.onConnection(show);
  return connection;
}

/** Renders the counters of store, redrawn at most once a frame. */
export function counters(store: LiveStore): HTMLElement {
  const values = new Map<keyof Counts, HTMLElement>();
  const cells = shown.map(([key, label, alert]) => {
    const value = el('span', 'counter-value', '–');
    values.set(key, value);
    const cell = el('div', `counter${alert ? ' counter-alert' : ''}`, value, el('span', 'counter-label', t(label)));
    cell.dataset.counter = key;
    return cell;
  });

  let raf = 0;
  const draw = () => {
    raf = 0;
    if (store.last === undefined) return;
    const c = store.counts();
    for (const [key, , alert] of shown) {
      const v = values.get(key);
      if (!v) continue;
      v.textContent = fmt.int(c[key]);
      if (alert) v.parentElement?.classList.toggle('counter-hot', c[key] > 0);
    }
  };
  store.listen({
    changed: () => {
      if (!raf) raf = requestAnimationFrame(draw);
    },
  });
  draw();
  return el('div', 'live-counters', ...cells);
}
