// The legend: what each colour and line on the map means.

import * as palette from '../map/palette';
import { el } from './dom';

function swatch(colour: string, kind: 'fill' | 'line' | 'dash' | 'dot' | 'ring' | 'triangle' | 'arrow' = 'fill'): HTMLElement {
  const s = el('span', `swatch swatch-${kind}`);
  s.style.setProperty('--swatch', colour);
  return s;
}

function row(s: HTMLElement, label: string): HTMLElement {
  return el('li', 'legend-row', s, el('span', 'legend-label', label));
}

function section(title: string, rows: HTMLElement[]): HTMLElement {
  return el('section', 'legend-section', el('h2', '', title), el('ul', '', ...rows));
}

/** Renders the legend panel. */
export function legend(): HTMLElement {
  return el(
    'aside',
    'legend',
    section('工单 Work orders', [
      ...palette.orderGroups.map((g) => row(swatch(g.colour, 'dot'), g.label)),
      row(swatch(palette.overdue, 'ring'), '超期 overdue'),
    ]),
    section(
      '报警 Alarms',
      palette.severities.map((s) => row(swatch(s.colour, 'triangle'), s.label)),
    ),
    section('巡查 Patrols', [
      row(swatch(palette.workers.active, 'arrow'), '在岗 on duty'),
      row(swatch(palette.workers.offDuty, 'arrow'), '非在岗 off duty'),
      row(swatch(palette.workers.stale, 'arrow'), '信号中断 stale'),
    ]),
    section(
      '小区 Compounds',
      palette.compoundTypes.map((t) => row(swatch(t.colour), t.label)),
    ),
    section(
      '专属网格 Dedicated grids',
      palette.dedicatedKinds.map((k) => row(swatch(k.colour), k.label)),
    ),
    section('边界 Boundaries', [
      row(swatch(palette.district.line, 'line'), '区 district'),
      row(swatch(palette.street.line, 'line'), '街道 street'),
      row(swatch(palette.community.line, 'line'), '社区 community'),
      row(swatch(palette.gridGeneral, 'line'), '网格 grid'),
      row(swatch(palette.gridMicro, 'dash'), '微网格 micro grid'),
    ]),
  );
}
