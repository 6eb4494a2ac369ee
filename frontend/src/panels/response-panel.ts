// 响应与办结时长: how long appeals received in the window waited for their
// first dispatch, and how long they took to close, median and 90th
// percentile, in hours.

import type { TrendsDoc } from '../api';
import { fmt, t } from '../i18n/i18n';
import { chartColours, makeChart, text, type ChartOption } from './charts';
import type { Loaded } from './history';
import { Panel } from './panel';

/** Renders the response-time panel; feed it with update. */
export function responsePanel(): { panel: Panel; update(r: Loaded<TrendsDoc>): void } {
  const panel = new Panel('response', t('panel.response'));
  const chart = makeChart(panel.body);
  const update = (r: Loaded<TrendsDoc>) => {
    if ('error' in r) return panel.setState('failed', r.error);
    const { response_hours: resp, closing_hours: close } = r.doc;
    if (resp.orders === 0 && close.orders === 0) return panel.setState('empty');
    panel.setState('ready');
    chart.resize();
    const rows = [t('panel.response.response'), t('panel.response.closing')];
    const bar = (name: string, values: (number | null)[], colour: string) => ({
      type: 'bar' as const,
      name,
      data: values.map((v) => v ?? '-'),
      barMaxWidth: 16,
      itemStyle: { color: colour, borderRadius: [0, 3, 3, 0] },
      label: { show: true, position: 'right' as const, ...text(0, chartColours.text), formatter: (p: { value: unknown }) => fmt.hours(Number(p.value)) },
    });
    const option: ChartOption = {
      animation: false,
      grid: { left: 4, right: 70, top: 30, bottom: 0, containLabel: true },
      legend: { top: 0, right: 0, textStyle: text(0, chartColours.text), itemWidth: 14, itemHeight: 8 },
      tooltip: { trigger: 'axis', valueFormatter: (v) => fmt.hours(Number(v)) },
      xAxis: { type: 'log', logBase: 10, min: 0.1, show: false },
      yAxis: { type: 'category', data: rows, inverse: true, axisLabel: text(0, chartColours.text), axisLine: { show: false }, axisTick: { show: false } },
      series: [
        bar(t('panel.response.median'), [resp.median, close.median], chartColours.opened),
        bar(t('panel.response.p90'), [resp.p90, close.p90], chartColours.warn),
      ],
    };
    chart.setOption(option, true);
  };
  return { panel, update };
}
