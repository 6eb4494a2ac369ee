// 办结率: closed ÷ new appeals in the window, as a gauge against the
// district's daily target of 95.3 %. Closures of older appeals count too,
// so a window can close more than it received: the gauge then stops at
// its end and the figure says how far over.

import type { TrendsDoc } from '../api';
import { fmt, t } from '../i18n/i18n';
import { chartColours, makeChart, text, type ChartOption } from './charts';
import type { Loaded } from './history';
import { Panel } from './panel';

/** The district's daily closure-rate target (日办结率). */
export const closureTarget = 0.953;

/** Renders the closure-rate panel; feed it with update. */
export function closurePanel(): { panel: Panel; update(r: Loaded<TrendsDoc>): void } {
  const panel = new Panel('closure', t('panel.closure'));
  panel.setSubtitle(t('panel.closure.target', { target: fmt.pct(closureTarget) }));
  const chart = makeChart(panel.body);
  const update = (r: Loaded<TrendsDoc>) => {
    if ('error' in r) return panel.setState('failed', r.error);
    const rate = r.doc.totals.closure_rate;
    if (rate === null) return panel.setState('empty');
    panel.setState('ready');
    chart.resize();
    const colour = rate >= closureTarget ? chartColours.good : rate >= 0.85 ? chartColours.warn : chartColours.bad;
    const option: ChartOption = {
      animation: false,
      series: [
        {
          type: 'gauge',
          min: 0,
          max: 100,
          startAngle: 210,
          endAngle: -30,
          radius: '96%',
          center: ['50%', '58%'],
          progress: { show: true, width: 14, itemStyle: { color: colour } },
          axisLine: {
            lineStyle: {
              width: 14,
              color: [
                [0.85, 'rgba(244, 63, 94, 0.25)'],
                [closureTarget, 'rgba(245, 158, 11, 0.25)'],
                [1, 'rgba(34, 197, 94, 0.25)'],
              ],
            },
          },
          pointer: { show: false },
          axisTick: { show: false },
          splitLine: { show: false },
          axisLabel: { show: false },
          anchor: { show: false },
          title: { show: true, offsetCenter: [0, '42%'], ...text(0) },
          detail: {
            valueAnimation: false,
            offsetCenter: [0, '2%'],
            formatter: () => fmt.pct(rate),
            ...text(4, colour),
            fontWeight: 'bold',
          },
          data: [{ value: Math.min(100, rate * 100), name: `${fmt.int(r.doc.totals.closed)} / ${fmt.int(r.doc.totals.opened)}` }],
        },
      ],
    };
    chart.setOption(option, true);
  };
  return { panel, update };
}
