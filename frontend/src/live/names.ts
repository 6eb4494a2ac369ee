// Names of the codes live messages and history carry (states, categories,
// alarm kinds…), from the server's catalogue, in the page's language. Until
// the catalogue has loaded, or for a code it lacks, a code stands for
// itself.

import type { CatalogueDoc, Term } from '../api';
import { currentLang } from '../i18n/i18n';

/** Looks up the name of a code in one of the catalogues. */
export class Names {
  private readonly byCatalogue = new Map<keyof CatalogueDoc, Map<string, Term>>();
  private readonly loaded = new Set<() => void>();

  /** Takes the catalogues the server answered and tells those waiting for them. */
  load(doc: CatalogueDoc): void {
    for (const [name, terms] of Object.entries(doc) as [keyof CatalogueDoc, Term[]][]) {
      this.byCatalogue.set(name, new Map(terms.map((t) => [t.code, t])));
    }
    for (const fn of this.loaded) fn();
  }

  /** Calls fn whenever names are loaded, so text written with codes can be redone. */
  onLoad(fn: () => void): void {
    this.loaded.add(fn);
  }

  /** Whether the catalogue has loaded. */
  get ready(): boolean {
    return this.byCatalogue.size > 0;
  }

  /** The codes of one catalogue, in the server's order. */
  codes(catalogue: keyof CatalogueDoc): string[] {
    return [...(this.byCatalogue.get(catalogue)?.keys() ?? [])];
  }

  /** The name of code in catalogue in the page's language, or the code itself. */
  name(catalogue: keyof CatalogueDoc, code: string | undefined): string {
    if (!code) return '';
    const term = this.byCatalogue.get(catalogue)?.get(code);
    if (!term) return code;
    return currentLang() === 'en' ? term.en : term.zh;
  }
}
