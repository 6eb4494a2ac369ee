// What a page shows is chosen by its address, so that a link can be put on
// a wall screen or a tablet and always open the same dashboard:
//
//   /?mode=wall                       the command centre's wall screen
//   /?mode=tablet&area=510116001      a street leader's tablet, one street
//   /?mode=dispatcher&lang=en         a dispatcher's desk, in English
//
// Without a mode the page opens in the one that suits the signed-in
// user's role, and an area can only narrow the user's own (routeFor).
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

/** Whether code names a street or community, which a page can be scoped to. */
export function isScopeCode(code: string): boolean {
  return scopeCode.test(code);
}

/** A route as the address asks for it, before the user is known. */
export interface AskedRoute extends Route {
  /** Values that were malformed, as name=value. */
  ignored: string[];
  /** Whether the address named a valid mode; if not, the user's role picks one. */
  modeAsked: boolean;
}

/**
 * Reads the route from a query string. Unknown or malformed values fall
 * back to the defaults (dispatcher, Chinese, the whole district) and are
 * reported in `ignored`, so the page can say why a link did not do what
 * it asked.
 */
export function parseRoute(search: string): AskedRoute {
  const q = new URLSearchParams(search);
  const ignored: string[] = [];
  const mode = q.get('mode') ?? undefined;
  const lang = q.get('lang') ?? 'zh';
  const area = q.get('area') ?? undefined;
  const route: AskedRoute = { mode: 'dispatcher', lang: 'zh', ignored, modeAsked: false };
  if (mode !== undefined && (modes as readonly string[]).includes(mode)) {
    route.mode = mode as Mode;
    route.modeAsked = true;
  } else if (mode !== undefined) ignored.push(`mode=${mode}`);
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

/** The mode that suits each role: the wall for the command centre, a tablet for street and community, the desk for dispatchers. */
const roleModes: Record<string, Mode> = { command: 'wall', street: 'tablet', community: 'tablet', dispatcher: 'dispatcher' };

/**
 * The route a signed-in user (role and area code) gets for what the
 * address asks: the mode asked for, or the one that suits the role; the
 * area asked for when it lies inside the user's own, else the user's own
 * street or community (a district user's is the whole district, no
 * scope). Codes are hierarchical, so "inside" is a prefix test. The server
 * cuts every answer to the user's area anyway: this keeps the page from
 * asking for more than it may see.
 */
export function routeFor(asked: AskedRoute, user: { role: string; area: string }): Route & { ignored: string[] } {
  const ignored = [...asked.ignored];
  const mode = asked.modeAsked ? asked.mode : (roleModes[user.role] ?? 'dispatcher');
  let area: string | undefined;
  if (asked.area?.startsWith(user.area)) area = asked.area;
  else {
    if (asked.area) ignored.push(`area=${asked.area}`);
    if (isScopeCode(user.area)) area = user.area;
  }
  const route: Route & { ignored: string[] } = { mode, lang: asked.lang, ignored };
  if (area) route.area = area;
  return route;
}

/** The query string search with the language set to lang, the rest as it is. */
export function withLang(search: string, lang: Lang): string {
  const q = new URLSearchParams(search);
  if (lang === 'zh') q.delete('lang');
  else q.set('lang', lang);
  const s = q.toString();
  return s ? `?${s}` : '/';
}
