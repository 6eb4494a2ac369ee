// What a page shows is chosen by its address, so that a link can be put on
// a wall screen or a tablet and always open the same dashboard:
//
//   /?mode=wall                       the command centre's wall screen
//   /?mode=tablet&area=510116001      a street leader's tablet, one street
//   /?mode=dispatcher&lang=en         a dispatcher's desk, in English
//
// The map's view is kept in the hash (#zoom/lat/lon), apart from this.

/** The three ways the dashboard is used. */
export type Mode = 'wall' | 'tablet' | 'dispatcher';

/** The page's languages: Chinese by default, English on request. */
export type Lang = 'zh' | 'en';

/** What the address asks for. */
export interface Route {
  mode: Mode;
  lang: Lang;
  /** A street or community code the page is scoped to; none for the whole district. */
  area?: string;
}

export const modes: readonly Mode[] = ['wall', 'tablet', 'dispatcher'];

/** A street (9 digits) or community (12 digits) code. */
const scopeCode = /^\d{9}(\d{3})?$/;

/**
 * Reads the route from a query string. Unknown or malformed values fall
 * back to the defaults (dispatcher, Chinese, the whole district) and are
 * reported in `ignored`, so the page can say why a link did not do what
 * it asked.
 */
export function parseRoute(search: string): Route & { ignored: string[] } {
  const q = new URLSearchParams(search);
  const ignored: string[] = [];
  const mode = q.get('mode') ?? 'dispatcher';
  const lang = q.get('lang') ?? 'zh';
  const area = q.get('area') ?? undefined;
  const route: Route & { ignored: string[] } = { mode: 'dispatcher', lang: 'zh', ignored };
  if ((modes as readonly string[]).includes(mode)) route.mode = mode as Mode;
  else ignored.push(`mode=${mode}`);
  if (lang === 'zh' || lang === 'en') route.lang = lang;
  else ignored.push(`lang=${lang}`);
  if (area !== undefined) {
    if (scopeCode.test(area)) route.area = area;
    else ignored.push(`area=${area}`);
  }
  return route;
}

/** The query string of a route, defaults left out, for links and switches. */
export function routeSearch(r: Route): string {
  const q = new URLSearchParams();
  q.set('mode', r.mode);
  if (r.area) q.set('area', r.area);
  if (r.lang !== 'zh') q.set('lang', r.lang);
  return `?${q}`;
}
