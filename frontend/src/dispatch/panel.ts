// The dispatcher's actions in the cell drawer: the cell's open orders
// (live, from GET /api/v1/orders?area=), and for the order picked, where
// it is routed and the actions its state allows — dispatch to a suggested
// worker or a department, escalate, return, close with the resident's
// rating, and the steps in between. Every action sends the order's seq as
// last seen, so a double click or two dispatchers take one step; a step
// the server refuses (409) is shown with the states that may follow.

import './dispatch.css';
import { currentLang, fmt } from '../i18n/i18n';
import type { Names } from '../live/names';
import type { LiveStore } from '../live/store';
import type { CellDrawer } from '../panels/cell-drawer';
import { el } from '../ui/dom';
import { act, fetchOrder, fetchQueue, fetchSuggestions, Refused, type ActionBody, type OrderInfo, type QueuedOrder, type Routing } from './api';
import { m, type DispatchKey } from './messages';

/** How many open orders the queue lists, and workers the dispatch form offers. */
const queueLimit = 30;
const suggestionCount = 5;
/** Where the name a user acts under is kept between visits, per user. */
const actorKey = (user: string) => `gridpulse.dispatcher.${user}`;
/** Live changes of listed orders are gathered this long before reloading. */
const refreshDelay = 600;

/**
 * Fills the drawer's actions area for whichever cell it opens, picks the
 * orders clicked in the drawer's own list, and reloads when the live
 * stream moves a listed order.
 */
export function mountDispatch(drawer: CellDrawer, names: Names, store: LiveStore, user: string): DispatchPanel {
  const panel = new DispatchPanel(drawer.actions, names, user);
  new MutationObserver(() => panel.show(drawer.actions.dataset.cellCode)).observe(drawer.actions, {
    attributes: true,
    attributeFilter: ['data-cell-code'],
  });
  panel.show(drawer.actions.dataset.cellCode);
  drawer.root.addEventListener('click', (e) => {
    const li = (e.target as Element).closest<HTMLElement>('.drawer-order[data-order]');
    if (li?.dataset.order) void panel.pick(li.dataset.order);
  });
  store.listen({ activity: (a) => a.layer === 'orders' && panel.changed(a.key) });
  return panel;
}

/** The actions area of one drawer. */
export class DispatchPanel {
  private cell: string | undefined;
  private selected: string | undefined;
  private info: OrderInfo | undefined;
  private listed = new Set<string>();
  /** Aborted when the drawer moves to another cell or closes. */
  private cellAbort = new AbortController();
  /** Counts loads of the queue: only the latest one's answer is shown. */
  private queueLoads = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly queueBox = el('div', 'dispatch-queue');
  private readonly detail = el('div', 'dispatch-detail');
  private readonly status = el('p', 'dispatch-status');
  private readonly actor = el('input', 'dispatch-actor');

  constructor(
    private readonly root: HTMLElement,
    private readonly names: Names,
    private readonly user: string,
  ) {
    this.status.setAttribute('role', 'status');
    // The signed-in user acts, under their own name unless they gave the
    // desk's (several dispatchers may share one account).
    this.actor.value = localStorage.getItem(actorKey(user)) || user;
    this.actor.setAttribute('aria-label', m('actor'));
    this.actor.addEventListener('change', () => localStorage.setItem(actorKey(user), this.actor.value.trim()));
  }

  /** Shows the open orders of cell, or nothing when the drawer closed. */
  show(cell: string | undefined): void {
    if (cell === this.cell) return;
    this.cell = cell;
    this.selected = undefined;
    this.info = undefined;
    this.cellAbort.abort();
    this.cellAbort = new AbortController();
    clearTimeout(this.refreshTimer);
    if (!cell) {
      this.root.replaceChildren();
      return;
    }
    this.status.textContent = '';
    delete this.status.dataset.outcome;
    this.detail.replaceChildren(el('p', 'panel-note', m('pick')));
    delete this.detail.dataset.order;
    this.root.replaceChildren(
      el(
        'section',
        'drawer-section dispatch',
        el('h3', '', m('title'), el('label', 'dispatch-actor-label', m('actor'), this.actor)),
        el('h4', 'dispatch-subtitle', m('queue')),
        this.queueBox,
        this.detail,
        this.status,
      ),
    );
    void this.loadQueue();
  }

  /** Picks an order: loads it with the actions allowed on it. */
  async pick(id: string): Promise<void> {
    this.selected = id;
    for (const li of this.queueBox.querySelectorAll<HTMLElement>('.dispatch-order')) li.setAttribute('aria-selected', String(li.dataset.order === id));
    this.detail.dataset.order = id;
    this.detail.replaceChildren(el('p', 'panel-note', m('loading')));
    await this.loadOrder(id, true);
  }

  /**
   * Loads the picked order and draws it. Unless redraw is set, an order
   * that has not moved since it was drawn (a live change already shown)
   * stays as it is on screen, with a form half filled in.
   */
  private async loadOrder(id: string, redraw: boolean): Promise<void> {
    try {
      const info = await fetchOrder(id, this.cellAbort.signal);
      if (this.selected !== id) return;
      const same = this.info?.order.order_id === id && this.info.order.seq === info.order.seq;
      this.info = info;
      if (redraw || !same) this.drawDetail();
    } catch (err) {
      if (this.selected !== id) return;
      this.detail.replaceChildren(el('p', 'panel-note', m('failed', { why: why(err) })));
    }
  }

  /** Reloads soon when the live stream moved an order shown here. */
  changed(id: string): void {
    if (!this.cell || (!this.listed.has(id) && id !== this.selected)) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.reload(), refreshDelay);
  }

  private async reload(): Promise<void> {
    await this.loadQueue();
    if (this.selected) await this.loadOrder(this.selected, false);
  }

  private async loadQueue(): Promise<void> {
    const cell = this.cell;
    if (!cell) return;
    const load = ++this.queueLoads;
    const signal = this.cellAbort.signal;
    if (!this.queueBox.firstChild) this.queueBox.append(el('p', 'panel-note', m('loading')));
    let queue: { total: number; orders: QueuedOrder[] };
    try {
      queue = await fetchQueue(cell, queueLimit, signal);
    } catch (err) {
      if (!signal.aborted && load === this.queueLoads) this.queueBox.replaceChildren(el('p', 'panel-note', m('failed', { why: why(err) })));
      return;
    }
    if (signal.aborted || cell !== this.cell || load !== this.queueLoads) return;
    this.listed = new Set(queue.orders.map((o) => o.order_id));
    if (queue.orders.length === 0) {
      this.queueBox.replaceChildren(el('p', 'panel-note', m('queueEmpty')));
      return;
    }
    const list = el('ul', 'drawer-list dispatch-list', ...queue.orders.map((o) => this.queueItem(o)));
    this.queueBox.replaceChildren(list);
    if (queue.total > queue.orders.length) this.queueBox.append(el('p', 'panel-note', m('queueMore', { n: fmt.int(queue.total - queue.orders.length) })));
  }

  private queueItem(o: QueuedOrder): HTMLElement {
    const button = el(
      'button',
      `dispatch-order${o.overdue ? ' dispatch-overdue' : ''}`,
      el('span', 'drawer-order-state', this.names.name('states', o.state)),
      el('span', 'drawer-order-title', o.title || this.names.name('categories', o.category)),
      el('span', 'drawer-order-time', o.deadline ? m('deadline', { time: fmt.dateTime(new Date(o.deadline)) }) : ''),
    );
    button.type = 'button';
    button.dataset.order = o.order_id;
    button.setAttribute('aria-selected', String(o.order_id === this.selected));
    if (o.routing.flagged) button.append(el('span', 'dispatch-flag', m('flagged')));
    button.addEventListener('click', () => void this.pick(o.order_id));
    return el('li', '', button);
  }

  private drawDetail(): void {
    const info = this.info;
    if (!info) return;
    const o = info.order;
    this.detail.dataset.order = o.order_id;
    this.detail.dataset.state = o.state;
    const facts = [
      el('span', 'drawer-order-state', this.names.name('states', o.state)),
      el('span', '', routingText(info.routing)),
      el('span', '', o.assignee ? m('assignee', { who: o.assignee }) : m('unassigned')),
    ];
    if (o.deadline) facts.push(el('span', o.overdue ? 'dispatch-late' : '', `${m('deadline', { time: fmt.dateTime(new Date(o.deadline)) })}${o.overdue ? ` · ${m('overdue')}` : ''}`));
    if (o.escalations > 0) facts.push(el('span', '', m('escalations', { n: o.escalations })));
    if (info.routing.flagged) facts.push(el('span', 'dispatch-flag', m('flagged')));
    const buttons = info.actions.map((a) => {
      const b = el('button', `dispatch-button dispatch-${a}`, m(`action.${a}` as DispatchKey));
      b.type = 'button';
      b.dataset.action = a;
      b.addEventListener('click', () => void this.start(a));
      return b;
    });
    this.detail.replaceChildren(
      el('p', 'dispatch-title', o.title || this.names.name('categories', o.category), el('span', 'dispatch-id', o.order_id)),
      el('div', 'dispatch-facts', ...facts),
      buttons.length ? el('div', 'dispatch-buttons', ...buttons) : el('p', 'panel-note', m('none')),
      el('div', 'dispatch-form'),
    );
  }

  /** Begins an action: dispatch and close ask first, the rest go at once. */
  private async start(action: string): Promise<void> {
    if (action === 'dispatch') return this.dispatchForm();
    if (action === 'close') return this.closeForm();
    await this.run(action, {});
  }

  private async dispatchForm(): Promise<void> {
    const info = this.info;
    const form = this.detail.querySelector<HTMLElement>('.dispatch-form');
    if (!info || !form) return;
    form.replaceChildren(el('p', 'panel-note', m('loading')));
    let sug;
    try {
      sug = await fetchSuggestions(info.order.order_id, suggestionCount, this.cellAbort.signal);
    } catch (err) {
      form.replaceChildren(el('p', 'panel-note', m('failed', { why: why(err) })));
      return;
    }
    const choice = (value: string, checked: boolean, ...label: (Node | string)[]) => {
      const input = el('input', '');
      input.type = 'radio';
      input.name = 'assignee';
      input.value = value;
      input.checked = checked;
      return el('label', 'dispatch-choice', input, ...label);
    };
    const workers = sug.workers.length
      ? sug.workers.map((w, i) =>
          choice(
            w.worker_id,
            i === 0,
            el('span', 'dispatch-choice-name', w.name || w.worker_id),
            el('span', 'dispatch-choice-note', m('distance', { d: fmt.distance(w.meters), load: w.load })),
            w.same_grid ? el('span', 'dispatch-tag', m('sameGrid')) : w.same_community ? el('span', 'dispatch-tag', m('sameCommunity')) : '',
          ),
        )
      : [el('p', 'panel-note', m('noWorkers'))];
    const departments = sug.departments.map((d, i) => choice(`dept:${d.code}`, sug.workers.length === 0 && i === 0, el('span', 'dispatch-choice-name', this.deptName(d))));
    const confirm = el('button', 'dispatch-button dispatch-confirm', m('confirmDispatch'));
    confirm.type = 'button';
    confirm.addEventListener('click', () => {
      const picked = form.querySelector<HTMLInputElement>('input[name="assignee"]:checked');
      if (picked) void this.run('dispatch', { assignee: picked.value });
    });
    form.replaceChildren(
      el('h4', 'dispatch-subtitle', m('suggested')),
      ...workers,
      departments.length ? el('h4', 'dispatch-subtitle', m('departments')) : '',
      ...departments,
      el('div', 'dispatch-buttons', confirm, this.cancelButton(form)),
    );
  }

  private closeForm(): void {
    const form = this.detail.querySelector<HTMLElement>('.dispatch-form');
    if (!form) return;
    const select = el('select', 'dispatch-satisfaction');
    select.append(new Option(m('unrated'), '0'), ...[5, 4, 3, 2, 1].map((n) => new Option('★'.repeat(n), String(n))));
    select.setAttribute('aria-label', m('satisfaction'));
    const confirm = el('button', 'dispatch-button dispatch-confirm', m('confirmClose'));
    confirm.type = 'button';
    confirm.addEventListener('click', () => {
      const n = Number(select.value);
      void this.run('close', n > 0 ? { satisfaction: n } : {});
    });
    form.replaceChildren(el('label', 'dispatch-choice', m('satisfaction'), select), el('div', 'dispatch-buttons', confirm, this.cancelButton(form)));
  }

  private cancelButton(form: HTMLElement): HTMLElement {
    const b = el('button', 'dispatch-button dispatch-cancel', m('cancel'));
    b.type = 'button';
    b.addEventListener('click', () => form.replaceChildren());
    return b;
  }

  /** Takes the action on the picked order and shows what came of it. */
  private async run(action: string, extra: Omit<ActionBody, 'actor'>): Promise<void> {
    const info = this.info;
    if (!info) return;
    const id = info.order.order_id;
    for (const b of this.detail.querySelectorAll('button')) b.disabled = true;
    const name = m(`action.${action}` as DispatchKey);
    try {
      const res = await act(id, action, { actor: this.actor.value.trim() || this.user, ...extra }, info.order.seq);
      this.say('done', res.applied ? m('done', { action: name, from: this.names.name('states', res.from), to: this.names.name('states', res.to) }) : m('pending'));
    } catch (err) {
      this.say('refused', m('refused', { action: name, why: err instanceof Refused ? err.message : why(err) }));
    }
    await this.loadQueue();
    if (this.selected === id) await this.loadOrder(id, true);
  }

  private say(outcome: 'done' | 'refused', text: string): void {
    this.status.dataset.outcome = outcome;
    this.status.textContent = text;
  }

  private deptName(d: { zh: string; en: string }): string {
    return currentLang() === 'en' ? d.en : d.zh;
  }
}

/** The level, unit and mediation tier of a routing, for one line. */
function routingText(r: Routing): string {
  const level = m(`level.${r.level}` as DispatchKey);
  const text = m('level', { level, unit: r.unit_name || r.unit });
  return r.mediation ? `${text} · ${m(`mediation.${r.mediation}` as DispatchKey)}` : text;
}

function why(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
