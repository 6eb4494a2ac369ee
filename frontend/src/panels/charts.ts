// Apache ECharts, imported piece by piece: the core, the four chart types
// and the components the panels use, and the canvas renderer. The whole
// library would triple the charts' share of the bundle.

import { BarChart, GaugeChart, LineChart, PieChart } from 'echarts/charts';
import type { BarSeriesOption, GaugeSeriesOption, LineSeriesOption, PieSeriesOption } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { currentLang } from '../i18n/i18n';

echarts.use([LineChart, PieChart, GaugeChart, BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** The options the panels may set. */
export type ChartOption = echarts.ComposeOption<
  | LineSeriesOption
  | PieSeriesOption
  | GaugeSeriesOption
  | BarSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
>;

/** Colours of the charts, from the map's dark theme. */
export const chartColours = {
  text: '#e6edf7',
  muted: '#8ea3c2',
  line: 'rgba(142, 163, 194, 0.22)',
  opened: '#38bdf8',
  closed: '#4ade80',
  good: '#22c55e',
  warn: '#f59e0b',
  bad: '#f43f5e',
  series: ['#38bdf8', '#4ade80', '#facc15', '#fb923c', '#c084fc', '#f472b6', '#94a3b8'],
};

/** The page's font for chart text, the same as the HTML's. */
export const chartFont = "'Noto Sans CJK SC','WenQuanYi Micro Hei','PingFang SC','Microsoft YaHei',sans-serif";

/** Canvas pixels per CSS pixel for new charts; a scaled wall layout sets more. */
let pixelRatio = window.devicePixelRatio || 1;

/** Sets the pixel ratio of charts made from now on. */
export function setChartPixelRatio(r: number): void {
  pixelRatio = r;
}

/** Creates a chart in el that follows el's size. */
export function makeChart(el: HTMLElement): echarts.ECharts {
  const chart = echarts.init(el, undefined, { renderer: 'canvas', devicePixelRatio: pixelRatio, locale: currentLang() === 'en' ? 'EN' : 'ZH' });
  new ResizeObserver(() => chart.resize()).observe(el);
  return chart;
}

/** The base size of chart text in CSS pixels; a wall sets it larger. */
let textPx = 12;

/** Sets the base size of chart text. */
export function setChartTextSize(px: number): void {
  textPx = px;
}

/** Text style of a chart, `step` sizes above the base (each step 1.25×). */
export function text(step = 0, colour = chartColours.muted) {
  return { color: colour, fontSize: Math.round(textPx * 1.25 ** step), fontFamily: chartFont };
}
