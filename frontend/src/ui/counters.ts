// The header's live counters (open and overdue orders, active alarms,
// workers on duty) and the connection dot.
//
// The numbers are counted from the live store rather than polled from
// /api/v1/live/counts: they are the very things the map draws, so map and
// numbers never disagree, they change in the frame the map does, and a
// room of wall screens adds no polling load. The store holds the whole
// district's subscription, which is what the endpoint counts too.

import type { ConnectionState, LiveClient } from '../live/client';
import type { Counts, LiveStore } from '../live/store';
import { el } from './dom';

const shown: [key: keyof Counts, label: string, alert: boolean][] = [
  ['open_orders', '在办工单', false],
  ['overdue', '超期', true],
  ['active_alarms', '报警', true],
  ['workers_on_duty', '在岗人员', false],
];

const connectionLabel: Record<ConnectionState, string> = {
  connecting: '连接中',
  live: '实时',
  reconnecting: '重连中',
};

/** Renders the counters of store and the state of client's connection. */
export function counters(store: LiveStore, client: LiveClient): HTMLElement {
  const values = new Map<keyof Counts, HTMLElement>();
  const cells = shown.map(([key, label, alert]) => {
    const value = el('span', 'counter-value', '–');
    values.set(key, value);
    return el('div', `counter${alert ? ' counter-alert' : ''}`, value, el('span', 'counter-label', label));
  });

  const dot = el('span', 'connection-dot');
  const text = el('span', 'connection-label');
  const connection = el('div', 'connection', dot, text);
  const showConnection = (s: ConnectionState) => {
    connection.dataset.state = s;
    text.textContent = connectionLabel[s];
  };
  showConnection(client.connection);
  client.onConnection(showConnection);

  let raf = 0;
  const draw = () => {
    raf = 0;
    const c = store.counts();
    for (const [key, , alert] of shown) {
      const v = values.get(key);
      if (!v) continue;
      v.textContent = c[key].toLocaleString('zh-CN');
      if (alert) v.parentElement?.classList.toggle('counter-hot', c[key] > 0);
    }
  };
  store.listen({
    changed: () => {
      if (!raf) raf = requestAnimationFrame(draw);
    },
  });
  return el('div', 'live-counters', connection, ...cells);
}
