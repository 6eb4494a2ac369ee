// 类别构成: the window's new appeals by class (物业服务, 环境秩序 …), as
// a ring.

import type { TrendsDoc } from '../api';
import { fmt, t } from '../i18n/i18n';
import type { Names } from '../live/names';
import { chartColours, makeChart, text, type ChartOption } from './charts';
import type { Loaded } from './history';
import { Panel } from './panel';

/** Renders the category panel; feed it with update. */
export function categoryPanel(names: Names): { panel: Panel; update(r: Loaded<TrendsDoc>): void } {
  const panel = new Panel('category', t('panel.category'));
  const chart = makeChart(panel.body);
  let last: Loaded<TrendsDoc> | undefined;
  const update = (r: Loaded<TrendsDoc>) => {
    last = r;
    if ('error' in r) return panel.setState('failed', r.error);
    const byClass = new Map<string, number>();
    for (const c of r.doc.by_category) {
      const cls = c.code.split('.')[0];
      byClass.set(cls, (byClass.get(cls) ?? 0) + c.opened);
    }
    const data = [...byClass]
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([cls, n]) => ({ name: names.name('classes', cls), value: n }));
    if (data.length === 0) return panel.setState('empty');
    panel.setState('ready');
    const total = data.reduce((s, d) => s + d.value, 0);
    const option: ChartOption = {
      animation: false,
      color: chartColours.series,
      tooltip: { trigger: 'item', valueFormatter: (v) => fmt.int(Number(v)) },
      legend: {
        orient: 'vertical',
        right: 0,
        top: 'middle',
        itemWidth: 10,
        itemHeight: 10,
        itemGap: 8,
        textStyle: text(0, chartColours.text),
        formatter: (name: string) => {
          const d = data.find((x) => x.name === name);
          return d ? `${name}  ${fmt.pct(d.value / total)}` : name;
        },
      },
      series: [
        {
          type: 'pie',
          radius: ['48%', '78%'],
          center: ['26%', '50%'],
          avoidLabelOverlap: true,
          label: { show: true, position: 'center', formatter: () => fmt.int(total), ...text(2, chartColours.text), fontWeight: 'bold' },
          labelLine: { show: false },
          itemStyle: { borderColor: '#0a1326', borderWidth: 2 },
          data,
        },
      ],
    };
    chart.setOption(option, true);
  };
  names.onLoad(() => last && update(last));
  return { panel, update };
}
