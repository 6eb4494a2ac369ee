// 诉求趋势: new and closed appeals over the window, by the hour or by the
// day.

import type { TrendsDoc } from '../api';
import { fmt, t } from '../i18n/i18n';
import { chartColours, makeChart, text, type ChartOption } from './charts';
import type { Loaded } from './history';
import { Panel } from './panel';

/** Renders the trend panel; feed it with update. */
export function trendPanel(): { panel: Panel; update(r: Loaded<TrendsDoc>): void } {
  const panel = new Panel('trend', t('panel.trend'));
  const chart = makeChart(panel.body);
  const update = (r: Loaded<TrendsDoc>) => {
    if ('error' in r) return panel.setState('failed', r.error);
    const doc = r.doc;
    if (doc.totals.opened === 0 && doc.totals.closed === 0) return panel.setState('empty');
    panel.setState('ready');
    chart.resize();
    const hourly = doc.interval === 'hour';
    const shortWindow = Date.parse(doc.window.to) - Date.parse(doc.window.from) <= 48 * 3600_000;
    const label = (v: number) => (hourly && shortWindow ? fmt.hour(new Date(v)) : fmt.day(new Date(v)));
    const series = (name: string, key: 'opened' | 'closed', colour: string) => ({
      type: 'line' as const,
      name,
      data: doc.series.map((p) => [Date.parse(p.t), p[key]]),
      showSymbol: !hourly,
      symbolSize: 5,
      smooth: 0.3,
      lineStyle: { width: 2, color: colour },
      itemStyle: { color: colour },
      areaStyle: key === 'opened' ? { color: 'rgba(56, 189, 248, 0.12)' } : undefined,
    });
    const option: ChartOption = {
      animation: false,
      grid: { left: 8, right: 14, top: 34, bottom: 4, containLabel: true },
      legend: { top: 0, right: 0, textStyle: text(0, chartColours.text), itemWidth: 14, itemHeight: 8 },
      tooltip: { trigger: 'axis', valueFormatter: (v) => fmt.int(Number(v)) },
      xAxis: {
        type: 'time',
        axisLabel: { ...text(-1), formatter: label, hideOverlap: true },
        axisLine: { lineStyle: { color: chartColours.line } },
        splitLine: { show: false },
      },
      yAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: { ...text(-1), formatter: (v: number) => fmt.int(v) },
        splitLine: { lineStyle: { color: chartColours.line } },
      },
      series: [series(t('panel.trend.opened'), 'opened', chartColours.opened), series(t('panel.trend.closed'), 'closed', chartColours.closed)],
    };
    chart.setOption(option, true);
  };
  return { panel, update };
}
