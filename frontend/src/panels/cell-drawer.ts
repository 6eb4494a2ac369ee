// The drawer a click on a cell opens (dispatcher and tablet): the cell's
// 30-day profile from GET /api/v1/cells/{code} (new appeals, closure rate,
// satisfaction, open orders, alarms, its 30-day trend) and the on-duty
// workers nearest to it, live, from GET /api/v1/live/nearest.
//
// Its actions area is empty by design: dispatching and escalating come
// with the dispatch feature, which fills the element with the id
// `cell-actions` (its data-cell-code names the cell). Nothing here
// pretends to act before that exists.

import { fetchArea, fetchCell, fetchNearest, type CellDoc, type NearbyWorker } from '../api';
import { fmt, t } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import type { Names } from '../live/names';
import { el } from '../ui/dom';
import { chartColours, makeChart, text, type ChartOption } from './charts';

/** How many nearest workers and open orders the drawer lists. */
const nearestCount = 5;
const ordersShown = 8;

/** A cell the drawer can open. */
export interface CellRef {
  code: string;
  /** Shown while the profile loads. */
  name: string;
}

/** The drawer: one at a time, reused for every cell. */
export class CellDrawer {
  readonly root: HTMLElement;
  private readonly title = el('h2', 'drawer-title');
  private readonly subtitle = el('p', 'drawer-subtitle');
  private readonly content = el('div', 'drawer-content');
  /** The dispatch feature's place; see the file comment. */
  readonly actions: HTMLElement;
  private abort: AbortController | undefined;
  private readonly closeListeners = new Set<() => void>();
  private readonly trendBox = el('div', 'drawer-trend');
  private trendChart: ReturnType<typeof makeChart> | undefined;
  /** The open cell's code, or undefined when closed. */
  code: string | undefined;

  constructor(private readonly names: Names) {
    const close = el('button', 'drawer-close', '×');
    close.type = 'button';
    close.title = t('drawer.close');
    close.setAttribute('aria-label', t('drawer.close'));
    close.addEventListener('click', () => this.close());
    this.actions = el('div', 'drawer-actions');
    this.actions.id = 'cell-actions';
    this.root = el('aside', 'drawer', el('header', 'drawer-header', el('div', '', this.title, this.subtitle), close), this.content, this.actions);
    this.root.hidden = true;
    this.root.setAttribute('aria-live', 'polite');
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.code) this.close();
    });
  }

  /** Calls fn whenever the drawer closes. */
  onClose(fn: () => void): void {
    this.closeListeners.add(fn);
  }

  /** Opens the drawer on cell and loads its profile and nearest workers. */
  async open(cell: CellRef): Promise<void> {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.code = cell.code;
    this.root.hidden = false;
    this.root.dataset.state = 'loading';
    this.root.dataset.code = cell.code;
    this.actions.dataset.cellCode = cell.code;
    this.title.textContent = cell.name;
    this.subtitle.textContent = cell.code;
    this.content.replaceChildren(el('p', 'panel-note', t('drawer.loading', { name: cell.name })));

    const nearest = fetchArea(cell.code)
      .then((a) => fetchNearest(a.inside, nearestCount, abort.signal))
      .then(
        (r) => ({ workers: r.workers }),
        (err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }),
      );
    let doc: CellDoc;
    try {
      doc = await fetchCell(cell.code, abort.signal);
    } catch (err) {
      if (abort.signal.aborted) return;
      this.root.dataset.state = 'failed';
      this.content.replaceChildren(el('p', 'panel-note', t('drawer.failed', { why: err instanceof Error ? err.message : String(err) })));
      return;
    }
    if (abort.signal.aborted) return;
    this.title.textContent = doc.name;
    const level = t(`level.${doc.level}` as MessageKey);
    const households = doc.households === null ? '' : ` · ${t('drawer.households', { n: fmt.int(doc.households) })}`;
    this.subtitle.textContent = `${level} ${doc.code}${households}`;
    const workers = el('section', 'drawer-section drawer-workers', el('h3', '', t('drawer.workers')), el('p', 'panel-note', t('panel.loading')));
    this.content.replaceChildren(
      this.totals(doc),
      el('section', 'drawer-section', el('h3', '', t('drawer.trend')), this.trendBox),
      this.orders(doc),
      workers,
      this.alarms(doc),
    );
    this.root.dataset.state = 'ready';
    this.drawTrend(doc);
    const near = await nearest;
    if (abort.signal.aborted) return;
    workers.replaceChildren(el('h3', '', t('drawer.workers')), this.workers(near));
  }

  /** Closes the drawer. */
  close(): void {
    this.abort?.abort();
    this.code = undefined;
    this.root.hidden = true;
    delete this.root.dataset.code;
    delete this.actions.dataset.cellCode;
    for (const fn of this.closeListeners) fn();
  }

  private totals(doc: CellDoc): HTMLElement {
    const figure = (label: MessageKey, value: string) => el('div', 'drawer-figure', el('span', 'drawer-figure-value', value), el('span', 'drawer-figure-label', t(label)));
    const { totals } = doc;
    return el(
      'section',
      'drawer-section',
      el('h3', '', t('drawer.window')),
      el(
        'div',
        'drawer-figures',
        figure('drawer.opened', fmt.int(totals.opened)),
        figure('drawer.closureRate', totals.closure_rate === null ? '–' : fmt.pct(totals.closure_rate)),
        figure('drawer.satisfaction', totals.satisfaction === null ? '–' : fmt.one(totals.satisfaction)),
        figure('drawer.escalated', fmt.int(totals.escalated)),
      ),
      doc.patrol ? el('p', 'drawer-line', t('drawer.patrol', { fraction: fmt.pct(doc.patrol.covered_fraction) })) : '',
    );
  }

  private orders(doc: CellDoc): HTMLElement {
    const { open, overdue, orders } = doc.open_orders;
    const section = el('section', 'drawer-section drawer-orders', el('h3', '', t('drawer.openOrders'), el('span', 'drawer-summary', t('drawer.openOrders.summary', { open: fmt.int(open), overdue: fmt.int(overdue) }))));
    if (open === 0) {
      section.append(el('p', 'panel-note', t('drawer.openOrders.none')));
      return section;
    }
    const shown = [...orders].sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.opened_at.localeCompare(b.opened_at)).slice(0, ordersShown);
    section.append(
      el(
        'ul',
        'drawer-list',
        ...shown.map((o) => {
          const li = el(
            'li',
            `drawer-order${o.overdue ? ' drawer-order-overdue' : ''}`,
            el('span', 'drawer-order-state', this.names.name('states', o.state)),
            el('span', 'drawer-order-title', o.title || this.names.name('categories', o.category)),
            el('span', 'drawer-order-time', o.deadline ? t('drawer.deadline', { time: fmt.dateTime(new Date(o.deadline)) }) : fmt.dateTime(new Date(o.opened_at))),
          );
          li.dataset.order = o.order_id;
          return li;
        }),
      ),
    );
    if (open > shown.length) section.append(el('p', 'panel-note', t('drawer.openOrders.more', { n: fmt.int(open - shown.length) })));
    return section;
  }

  private alarms(doc: CellDoc): HTMLElement {
    const a = doc.alarms;
    const section = el('section', 'drawer-section', el('h3', '', t('drawer.alarms'), el('span', 'drawer-summary', t('drawer.alarms.summary', { active: fmt.int(a.active), raised: fmt.int(a.raised) }))));
    if (a.raised === 0 && a.active === 0) {
      section.append(el('p', 'panel-note', t('drawer.alarms.none')));
      return section;
    }
    section.append(el('div', 'chips', ...a.by_kind.map((k) => el('span', 'chip', `${this.names.name('alarm_kinds', k.kind)} ${fmt.int(k.raised)}`))));
    return section;
  }

  private workers(near: { workers: NearbyWorker[] } | { error: string }): HTMLElement {
    if ('error' in near) return el('p', 'panel-note', t('drawer.workers.failed', { why: near.error }));
    if (near.workers.length === 0) return el('p', 'panel-note', t('drawer.workers.none'));
    return el(
      'ol',
      'drawer-list',
      ...near.workers.map((n) => {
        const li = el(
          'li',
          'drawer-worker',
          el('span', 'drawer-worker-name', n.worker.name || n.worker.worker_id),
          el('span', 'drawer-worker-role', this.names.name('roles', n.worker.role)),
          el('span', 'drawer-worker-distance', fmt.distance(n.meters)),
        );
        li.dataset.worker = n.worker.worker_id;
        return li;
      }),
    );
  }

  private drawTrend(doc: CellDoc): void {
    this.trendChart ??= makeChart(this.trendBox);
    const chart = this.trendChart;
    const line = (name: string, key: 'opened' | 'closed', colour: string) => ({
      type: 'line' as const,
      name,
      data: doc.trend.map((p) => [Date.parse(p.t), p[key]]),
      showSymbol: false,
      lineStyle: { width: 2, color: colour },
      itemStyle: { color: colour },
    });
    const option: ChartOption = {
      animation: false,
      grid: { left: 4, right: 10, top: 26, bottom: 2, containLabel: true },
      legend: { top: 0, right: 0, textStyle: text(0, chartColours.text), itemWidth: 14, itemHeight: 8 },
      tooltip: { trigger: 'axis', valueFormatter: (v) => fmt.int(Number(v)) },
      xAxis: { type: 'time', axisLabel: { ...text(-1), formatter: (v: number) => fmt.day(new Date(v)), hideOverlap: true }, splitLine: { show: false } },
      yAxis: { type: 'value', minInterval: 1, axisLabel: text(-1), splitLine: { lineStyle: { color: chartColours.line } } },
      series: [line(t('panel.trend.opened'), 'opened', chartColours.opened), line(t('panel.trend.closed'), 'closed', chartColours.closed)],
    };
    chart.setOption(option, true);
  }
}
