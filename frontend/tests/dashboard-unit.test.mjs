// Unit tests of the dashboard's pure parts: reading the address, the
// wall's scale, the hot spots from a live store, the red list and the
// short company names.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { importSources } from './bundle.mjs';

let m;
before(async () => {
  m = await importSources('route.ts', 'hotspots.ts', 'live/store.ts', 'panels/history.ts', 'panels/rankings-panel.ts', 'modes/wall.ts');
});

describe('parseRoute', () => {
  const cases = [
    ['', { mode: 'dispatcher', lang: 'zh', ignored: [], modeAsked: false }],
    ['?mode=wall', { mode: 'wall', lang: 'zh', ignored: [], modeAsked: true }],
    ['?mode=tablet&area=510116001&lang=en', { mode: 'tablet', lang: 'en', area: '510116001', ignored: [], modeAsked: true }],
    ['?mode=tablet&area=510116001003', { mode: 'tablet', lang: 'zh', area: '510116001003', ignored: [], modeAsked: true }],
    ['?mode=kiosk&lang=fr&area=51011', { mode: 'dispatcher', lang: 'zh', ignored: ['mode=kiosk', 'lang=fr', 'area=51011'], modeAsked: false }],
    ['?area=510116001001001', { mode: 'dispatcher', lang: 'zh', ignored: ['area=510116001001001'], modeAsked: false }],
  ];
  for (const [search, want] of cases) {
    test(search || '(empty)', () => assert.deepEqual(m.parseRoute(search), want));
  }

  test('routeSearch leaves defaults out and round-trips', () => {
    assert.equal(m.routeSearch({ mode: 'wall', lang: 'zh' }), '?mode=wall');
    const r = { mode: 'tablet', lang: 'en', area: '510116001' };
    const { ignored, modeAsked, ...back } = m.parseRoute(m.routeSearch(r));
    assert.deepEqual(back, r);
    assert.deepEqual(ignored, []);
    assert.equal(modeAsked, true);
  });

  test('withLang changes the language only', () => {
    assert.equal(m.withLang('?mode=wall', 'en'), '?mode=wall&lang=en');
    assert.equal(m.withLang('?mode=wall&lang=en', 'zh'), '?mode=wall');
    assert.equal(m.withLang('?lang=en', 'zh'), '/');
    assert.equal(m.withLang('', 'en'), '?lang=en');
  });
});

describe('routeFor: the mode suits the role unless asked, the area only narrows', () => {
  const district = '510116';
  const street = '510116001';
  const community = '510116001002';
  const cases = [
    ['command, no mode asked: the wall, the whole district', '', { role: 'command', area: district }, { mode: 'wall', lang: 'zh', ignored: [] }],
    ['dispatcher: the desk', '?lang=en', { role: 'dispatcher', area: district }, { mode: 'dispatcher', lang: 'en', ignored: [] }],
    ['street: the tablet, its street', '', { role: 'street', area: street }, { mode: 'tablet', lang: 'zh', area: street, ignored: [] }],
    ['community: the tablet, its community', '', { role: 'community', area: community }, { mode: 'tablet', lang: 'zh', area: community, ignored: [] }],
    ['the mode asked for wins over the role', '?mode=dispatcher', { role: 'street', area: street }, { mode: 'dispatcher', lang: 'zh', area: street, ignored: [] }],
    ['a district user may narrow to a street', '?mode=tablet&area=510116002', { role: 'command', area: district }, { mode: 'tablet', lang: 'zh', area: '510116002', ignored: [] }],
    ['a street user may narrow to one of its communities', `?area=${street}003`, { role: 'street', area: street }, { mode: 'tablet', lang: 'zh', area: `${street}003`, ignored: [] }],
    ['a street user may not widen to another street', '?mode=tablet&area=510116002', { role: 'street', area: street }, { mode: 'tablet', lang: 'zh', area: street, ignored: ['area=510116002'] }],
    ['a community user may not widen to its street', `?area=${street}`, { role: 'community', area: community }, { mode: 'tablet', lang: 'zh', area: community, ignored: [`area=${street}`] }],
    ['a district user may not go to another district', '?area=510117001', { role: 'dispatcher', area: district }, { mode: 'dispatcher', lang: 'zh', ignored: ['area=510117001'] }],
    ['malformed values stay reported', '?mode=kiosk', { role: 'command', area: district }, { mode: 'wall', lang: 'zh', ignored: ['mode=kiosk'] }],
  ];
  for (const [name, search, user, want] of cases) {
    test(name, () => assert.deepEqual(m.routeFor(m.parseRoute(search), user), want));
  }
});

describe('wallScale', () => {
  for (const [w, h, want] of [
    [1920, 1080, 1],
    [3840, 2160, 2],
    [1280, 800, 1],
    [3840, 1080, 1],
    [2560, 1600, 2560 / 1920],
  ]) {
    test(`${w}x${h}`, () => assert.equal(m.wallScale(w, h), want));
  }
});

describe('hotSpots', () => {
  const area = (community, grid) => ({ street: community.slice(0, 9), community, grid });
  const order = (id, community, overdue) => ({ order_id: id, state: 'received', location: [0, 0], area: area(community, `${community}001`), opened: '', updated: '', overdue, escalations: 0, seq: 1 });
  const alarm = (id, community, severity) => ({ alarm_id: id, device_id: 'd', device_type: 'smoke', kind: 'smoke', severity, status: 'raised', raised: '', updated: '', location: [0, 0], area: area(community, `${community}001`), seq: 2 });
  let store;
  before(() => {
    store = new m.LiveStore();
    store.apply({
      op: 'snapshot', sub: 's', seq: 2,
      orders: [order('a', '510116001001', true), order('b', '510116001001', false), order('c', '510116001002', false), order('d', '510116001003', true), order('e', '510116001003', true)],
      alarms: [alarm('x', '510116001002', 'critical'), alarm('y', '510116001004', 'minor')],
      patrols: [],
    });
  });
  const heat = [{ level: 'community', doc: { thresholds: [{ weather: '晴', weather_en: 'sunny' }, { weather: '中雨', weather_en: 'moderate rain' }], cells: [{ code: '510116001003', name: '新湾社区', weather: '中雨', weather_en: 'moderate rain' }] } }];

  test('only places with an overdue order or a serious alarm, worst first, named from the weather map', () => {
    const spots = m.hotSpots(store, heat, 'community');
    assert.deepEqual(spots.map((s) => [s.code, s.name, s.overdue, s.open, s.alarms]), [
      ['510116001003', '新湾社区', 2, 2, 0],
      ['510116001002', '510116001002', 0, 1, 1],
      ['510116001001', '510116001001', 1, 2, 0],
    ]);
    assert.deepEqual(spots[0].weather, { zh: '中雨', en: 'moderate rain' });
  });

  test('at grid level and limited', () => {
    assert.deepEqual(m.hotSpots(store, [], 'grid', 1).map((s) => s.code), ['510116001003001']);
  });
});

describe('redList', () => {
  const e = (code, opened, satisfaction) => ({ rank: 0, code, name: code, compounds: 1, households: 100, opened, closed: opened, orders_per_100_households: 1, closure_rate: 1, satisfaction, repeat_complaints: 0 });
  test('the most satisfied of the busier half, ranks renumbered', () => {
    const got = m.redList([e('lucky', 1, 5), e('a', 40, 4.6), e('b', 30, 4.8), e('c', 2, 4.9), e('unrated', 50, null), e('d', 25, 4.8)], 3);
    assert.deepEqual(got.map((x) => [x.rank, x.code]), [[1, 'b'], [2, 'd'], [3, 'a']]);
  });
  test('nothing rated, nothing listed', () => assert.deepEqual(m.redList([e('x', 3, null)], 5), []));
});

describe('shortName', () => {
  for (const [name, want] of [
    ['四川紫苑物业管理有限公司', '四川紫苑'],
    ['融墅物业服务集团有限公司', '融墅'],
    ['成都居府物业服务股份有限公司', '成都居府'],
    ['华澜物业有限责任公司', '华澜'],
    ['有限公司', '有限公司'],
  ]) {
    test(name, () => assert.equal(m.shortName(name), want));
  }
});
