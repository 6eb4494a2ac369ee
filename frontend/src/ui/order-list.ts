// The open work orders of a tablet's area, overdue first, then by their
// deadline: each row a button that takes the map to the order.

import { fmt, t } from '../i18n/i18n';
import type { Names } from '../live/names';
import type { OrderView } from '../live/protocol';
import type { LiveStore } from '../live/store';
import { el } from './dom';

/** At most this many rows: a street holds hundreds of orders, a finger reads the first few. */
const rowsShown = 60;
/** The list is redrawn at most this often, whatever the rate of changes. */
const redrawMs = 2000;

function byUrgency(a: OrderView, b: OrderView): number {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  return (a.deadline ?? a.opened).localeCompare(b.deadline ?? b.opened);
}

/** Renders the list of store's open orders; onPick is called with a tapped one. */
export function orderList(store: LiveStore, names: Names, onPick: (o: OrderView) => void): HTMLElement {
  const summary = el('p', 'order-summary');
  const list = el('ol', 'orders');
  const root = el('div', 'order-list', summary, list);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let drawn = 0;
  const draw = () => {
    timer = undefined;
    drawn = performance.now();
    const orders = [...store.orders.values()].sort(byUrgency);
    summary.textContent = orders.length === 0 ? t('tablet.orders.none') : t('tablet.orders.overdueFirst', { n: fmt.int(orders.length) });
    list.replaceChildren(
      ...orders.slice(0, rowsShown).map((o) => {
        const b = el(
          'button',
          `order-button${o.overdue ? ' order-overdue' : ''}`,
          el('span', 'order-state', o.overdue ? t('ticker.overdue') : names.name('states', o.state)),
          el('span', 'order-title', o.title || names.name('categories', o.category)),
          el('span', 'order-time', o.deadline ? t('drawer.deadline', { time: fmt.dateTime(new Date(o.deadline)) }) : ''),
        );
        b.type = 'button';
        b.addEventListener('click', () => onPick(o));
        const li = el('li', 'order', b);
        li.dataset.order = o.order_id;
        return li;
      }),
    );
  };
  const schedule = () => {
    if (timer) return;
    timer = setTimeout(draw, Math.max(0, redrawMs - (performance.now() - drawn)));
  };
  store.listen({ changed: (c) => c.layer === 'orders' && schedule() });
  names.onLoad(schedule);
  // The store may hold its snapshot already.
  schedule();
  return root;
}
