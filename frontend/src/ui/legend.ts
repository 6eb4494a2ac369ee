// The legend: what each colour, line and symbol on the map means.

import { t } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import * as palette from '../map/palette';
import { el } from './dom';

type SwatchKind = 'fill' | 'line' | 'dash' | 'dot' | 'ring' | 'triangle' | 'arrow';

/** A small sample of a colour in the shape it is drawn in. */
export function swatch(colour: string, kind: SwatchKind = 'fill'): HTMLElement {
  const s = el('span', `swatch swatch-${kind}`);
  s.style.setProperty('--swatch', colour);
  return s;
}

function row(s: HTMLElement, label: string): HTMLElement {
  return el('li', 'legend-row', s, el('span', 'legend-label', label));
}

function section(title: string, rows: HTMLElement[]): HTMLElement {
  return el('section', 'legend-section', el('h3', '', title), el('ul', '', ...rows));
}

/** Which parts a legend shows: the live layers only, or the areas too. */
export interface LegendParts {
  areas: boolean;
}

/** Renders the legend. */
export function legend(parts: LegendParts = { areas: true }): HTMLElement {
  const sections = [
    section(t('legend.orders'), [
      ...palette.orderGroups.map((g) => row(swatch(g.colour, 'dot'), t(`legend.${g.value}` as MessageKey))),
      row(swatch(palette.overdue, 'ring'), t('legend.overdue')),
    ]),
    section(
      t('legend.alarms'),
      palette.severities.map((s) => row(swatch(s.colour, 'triangle'), t(`severity.${s.value}` as MessageKey))),
    ),
    section(t('legend.patrols'), [
      row(swatch(palette.workers.active, 'arrow'), t('legend.onDuty')),
      row(swatch(palette.workers.offDuty, 'arrow'), t('legend.offDuty')),
      row(swatch(palette.workers.stale, 'arrow'), t('legend.stale')),
    ]),
  ];
  if (parts.areas) {
    sections.push(
      section(
        t('legend.compounds'),
        palette.compoundTypes.map((c) => row(swatch(c.colour), t(`compound.${c.value}` as MessageKey))),
      ),
      section(
        t('legend.dedicated'),
        palette.dedicatedKinds.map((k) => row(swatch(k.colour), t(`dedicated.${k.value}` as MessageKey))),
      ),
      section(t('legend.boundaries'), [
        row(swatch(palette.district.line, 'line'), t('layer.district')),
        row(swatch(palette.street.line, 'line'), t('layer.street')),
        row(swatch(palette.community.line, 'line'), t('layer.community')),
        row(swatch(palette.gridGeneral, 'line'), t('layer.grid_general')),
        row(swatch(palette.gridMicro, 'dash'), t('layer.grid_micro')),
      ]),
    );
  }
  return el('aside', 'panel legend', ...sections);
}
