// A panel around the map: a title, a body and a note that says why the
// body is empty (loading, unavailable, nothing in the window) rather than
// leaving a blank box.

import { t } from '../i18n/i18n';
import { el } from '../ui/dom';

/** Where a panel's data stands. */
export type PanelState = 'loading' | 'ready' | 'empty' | 'failed';

/** A panel's parts. */
export class Panel {
  readonly root: HTMLElement;
  readonly body: HTMLElement;
  private readonly note: HTMLElement;
  private readonly subtitle: HTMLElement;

  constructor(kind: string, title: string) {
    this.subtitle = el('span', 'panel-subtitle');
    this.body = el('div', 'panel-body');
    this.note = el('p', 'panel-note', t('panel.loading'));
    this.root = el('section', `panel panel-${kind}`, el('h2', 'panel-title', title, this.subtitle), this.body, this.note);
    this.root.dataset.state = 'loading';
  }

  /** Sets the text after the title, such as the window shown. */
  setSubtitle(s: string): void {
    this.subtitle.textContent = s;
  }

  /** Sets the state; the note says why there is nothing to show. */
  setState(s: PanelState, why = ''): void {
    this.root.dataset.state = s;
    this.note.hidden = s === 'ready';
    if (s === 'loading') this.note.textContent = t('panel.loading');
    if (s === 'empty') this.note.textContent = why || t('panel.noData');
    if (s === 'failed') this.note.textContent = t('panel.failed', { why });
  }
}
