// Chinese names of the codes live messages carry (states, categories,
// alarm kinds…), from the server's catalogue. Until the catalogue has
// loaded, or for a code it lacks, a code stands for itself.

import type { CatalogueDoc } from '../api';

/** Looks up the Chinese name of a code in one of the catalogues. */
export class Names {
  private readonly byCatalogue = new Map<keyof CatalogueDoc, Map<string, string>>();
  private readonly loaded = new Set<() => void>();

  /** Takes the catalogues the server answered and tells those waiting for them. */
  load(doc: CatalogueDoc): void {
    for (const [name, terms] of Object.entries(doc) as [keyof CatalogueDoc, CatalogueDoc[keyof CatalogueDoc]][]) {
      this.byCatalogue.set(name, new Map(terms.map((t) => [t.code, t.zh])));
    }
    for (const fn of this.loaded) fn();
  }

  /** Calls fn whenever names are loaded, so text written with codes can be redone. */
  onLoad(fn: () => void): void {
    this.loaded.add(fn);
  }

  /** The Chinese name of code in catalogue, or the code itself. */
  zh(catalogue: keyof CatalogueDoc, code: string | undefined): string {
    if (!code) return '';
    return this.byCatalogue.get(catalogue)?.get(code) ?? code;
  }
}
