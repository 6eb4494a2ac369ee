// 类别构成: the window's new appeals by class (物业服务, 环境秩序 …), as
// a ring.

import type { TrendsDoc } from '../api';
import { fmt, t } from '../i18n/i18n';
import type { Names } from '../live/names';
import { chartColours, makeChart, text, type ChartOption } from './charts';
import type { Loaded } from './history';
import { Panel } from './panel';

/** About how wide text is at size px: CJK a full em, Latin a little over half. */
function textWidth(s: string, size: number): number {
  let w = 0;
  for (const ch of s) w += /[\u2e80-\uffff]/.test(ch) ? size : size * 0.56;
  return w;
}

/** name, cut with an ellipsis to about px wide. */
export function fit(name: string, px: number, size: number): string {
  if (textWidth(name, size) <= px) return name;
  let out = '';
  for (const ch of name) {
    if (textWidth(`${out}${ch}…`, size) > px) break;
    out += ch;
  }
  return `${out.trimEnd()}…`;
}

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
    chart.resize();
    const total = data.reduce((s, d) => s + d.value, 0);
    // The legend's half of the panel, less its swatches.
    const size = text(0).fontSize;
    const room = panel.body.clientWidth / 2 - 24;
    const option: ChartOption = {
      animation: false,
      color: chartColours.series,
      tooltip: { trigger: 'item', valueFormatter: (v) => fmt.int(Number(v)) },
      // The ring on the left half, the legend on the right half, long
      // (English) names cut to fit rather than run into the ring.
      legend: {
        orient: 'vertical',
        left: '50%',
        top: 'middle',
        itemWidth: 10,
        itemHeight: 10,
        itemGap: 8,
        textStyle: text(0, chartColours.text),
        formatter: (name: string) => {
          const d = data.find((x) => x.name === name);
          if (!d) return name;
          const pct = fmt.pct(d.value / total);
          return `${fit(name, room - textWidth(pct, size) - size, size)}  ${pct}`;
        },
      },
      series: [
        {
          type: 'pie',
          radius: ['48%', '78%'],
          center: ['25%', '50%'],
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
