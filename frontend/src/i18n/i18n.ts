// The page's language and its formats: t() for the page's own strings,
// and number, percentage, time and distance formats from Intl for the
// chosen locale. Times are shown in the district's own time zone, whatever
// the screen's clock is set to.

import type { Lang } from '../route';
import { en, zh, type MessageKey } from './messages';

/** The district's time zone (China Standard Time). */
export const districtTimeZone = 'Asia/Shanghai';

const locales: Record<Lang, string> = { zh: 'zh-CN', en: 'en-GB' };

let lang: Lang = 'zh';
let formats = makeFormats(lang);

/** Sets the page's language; call once, before anything is drawn. */
export function setLang(l: Lang): void {
  lang = l;
  formats = makeFormats(l);
  document.documentElement.lang = locales[l];
}

/** The page's language. */
export function currentLang(): Lang {
  return lang;
}

/** The page's BCP 47 locale. */
export function locale(): string {
  return locales[lang];
}

/** The message key in the page's language, with {name} placeholders filled. */
export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  const text: string = (lang === 'en' ? en : zh)[key];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

function makeFormats(l: Lang) {
  const loc = locales[l];
  return {
    int: new Intl.NumberFormat(loc, { maximumFractionDigits: 0 }),
    one: new Intl.NumberFormat(loc, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    pct: new Intl.NumberFormat(loc, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    time: new Intl.DateTimeFormat(loc, { timeZone: districtTimeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }),
    clock: new Intl.DateTimeFormat(loc, {
      timeZone: districtTimeZone,
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }),
    dateTime: new Intl.DateTimeFormat(loc, { timeZone: districtTimeZone, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    day: new Intl.DateTimeFormat(loc, { timeZone: districtTimeZone, month: 'numeric', day: 'numeric' }),
    hour: new Intl.DateTimeFormat(loc, { timeZone: districtTimeZone, day: 'numeric', hour: '2-digit', hourCycle: 'h23' }),
  };
}

/** Number and date formats of the page's locale. */
export const fmt = {
  /** A whole number with the locale's grouping: 3,093. */
  int: (n: number): string => formats.int.format(n),
  /** One decimal: 4.4. */
  one: (n: number): string => formats.one.format(n),
  /** A ratio as a percentage with one decimal: 0.953 → 95.3%. */
  pct: (r: number): string => formats.pct.format(r),
  /** Time of day, to the second. */
  time: (d: Date): string => formats.time.format(d),
  /** The wall clock: date, weekday and time. */
  clock: (d: Date): string => formats.clock.format(d),
  /** Day and time to the minute. */
  dateTime: (d: Date): string => formats.dateTime.format(d),
  /** Month and day. */
  day: (d: Date): string => formats.day.format(d),
  /** Day of month and hour. */
  hour: (d: Date): string => formats.hour.format(d),
  /** A distance: metres below a kilometre, then kilometres with one decimal. */
  distance: (m: number): string =>
    m < 1000 ? t('unit.meters', { n: formats.int.format(Math.round(m / 10) * 10) }) : t('unit.km', { n: formats.one.format(m / 1000) }),
  /** Hours with one decimal. */
  hours: (h: number): string => t('unit.hours', { n: formats.one.format(h) }),
};
