// Unit tests of the live client's pure parts: the store applying the
// protocol's messages (snapshots, deltas and their sequence gaps, resyncs,
// resumes, patrol batches), frame parsing, worker gliding and the ticker's
// wording. Messages are written as docs/live-protocol.md shows them.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { importSources } from './bundle.mjs';

let live;
before(async () => {
  live = await importSources('live/store.ts', 'live/protocol.ts', 'live/names.ts', 'map/glide.ts', 'ui/ticker.ts');
});

const area = { street: '510116001', community: '510116001001', grid: '510116001001001' };

function order(id, seq, extra = {}) {
  return {
    order_id: id, state: 'received', channel: 'hotline_12345', category: 'safety.fire_lane', priority: 'normal',
    title: '小区消防通道被占用', location: [103.92, 30.57], area, opened: '2026-05-12T08:14:03.120Z',
    updated: '2026-05-12T08:14:03.120Z', deadline: '2026-05-14T08:14:03.120Z', overdue: false, escalations: 0, seq, ...extra,
  };
}

function alarm(id, seq, extra = {}) {
  return {
    alarm_id: id, device_id: 'SMK-3301', device_type: 'smoke', kind: 'smoke', severity: 'critical', status: 'raised',
    raised: '2026-05-12T08:15:41.007Z', updated: '2026-05-12T08:15:41.007Z', location: [103.93, 30.575], area, seq, ...extra,
  };
}

function worker(id, location, extra = {}) {
  return {
    worker_id: id, role: 'grid_worker', on_duty: true, heading: 90, speed: 1.2, location, area,
    updated: '2026-05-12T08:16:00.500Z', status: 'active', ...extra,
  };
}

const snapshot = {
  op: 'snapshot', sub: 's1', seq: 2,
  orders: [order('WO1', 1)],
  alarms: [alarm('AL-88', 2)],
  patrols: [worker('GW-1', [103.92, 30.57]), worker('GW-2', [103.93, 30.58])],
};

/** A store that has applied msgs, with what it told its listener. */
function storeAfter(msgs) {
  const store = new live.LiveStore();
  const changes = [];
  const activity = [];
  store.listen({ changed: (c) => changes.push(c), activity: (a) => activity.push(a) });
  const outcomes = msgs.map((m) => store.apply(m));
  return { store, changes, activity, outcomes };
}

describe('LiveStore', () => {
  const cases = [
    {
      name: 'a snapshot fills every layer and sets the sequence',
      msgs: [snapshot],
      want: { orders: ['WO1'], alarms: ['AL-88'], workers: ['GW-1', 'GW-2'], last: 2, awaiting: false, outcomes: ['applied'] },
    },
    {
      name: 'deltas before any snapshot are dropped',
      msgs: [{ op: 'delta', sub: 's1', seq: 3, prev: 2, layer: 'orders', key: 'WO2', data: order('WO2', 3) }],
      want: { orders: [], alarms: [], workers: [], last: undefined, awaiting: true, outcomes: ['ignored'] },
    },
    {
      name: 'a delta following the last sequence is applied',
      msgs: [snapshot, { op: 'delta', sub: 's1', seq: 3, prev: 2, layer: 'orders', key: 'WO2', removed: false, data: order('WO2', 3) }],
      want: { orders: ['WO1', 'WO2'], alarms: ['AL-88'], workers: ['GW-1', 'GW-2'], last: 3, awaiting: false, outcomes: ['applied', 'applied'] },
    },
    {
      name: 'a removal drops the alarm',
      msgs: [snapshot, { op: 'delta', sub: 's1', seq: 4, prev: 2, layer: 'alarms', key: 'AL-88', removed: true }],
      want: { orders: ['WO1'], alarms: [], workers: ['GW-1', 'GW-2'], last: 4, awaiting: false, outcomes: ['applied', 'applied'] },
    },
    {
      name: 'a delta whose prev is not the last sequence is a gap and is not applied',
      msgs: [snapshot, { op: 'delta', sub: 's1', seq: 9, prev: 7, layer: 'orders', key: 'WO2', data: order('WO2', 9) }],
      want: { orders: ['WO1'], alarms: ['AL-88'], workers: ['GW-1', 'GW-2'], last: 2, awaiting: false, outcomes: ['applied', 'gap'] },
    },
    {
      name: 'a clock-made delta (no seq) is applied without moving the sequence',
      msgs: [snapshot, { op: 'delta', sub: 's1', layer: 'orders', key: 'WO1', removed: false, data: order('WO1', 1, { overdue: true }) }],
      want: { orders: ['WO1'], alarms: ['AL-88'], workers: ['GW-1', 'GW-2'], last: 2, awaiting: false, outcomes: ['applied', 'applied'], overdue: 1 },
    },
    {
      name: 'after a resync deltas wait for the fresh snapshot, which replaces everything',
      msgs: [
        snapshot,
        { op: 'resync', sub: 's1', reason: 'slow_consumer' },
        { op: 'delta', sub: 's1', seq: 3, prev: 2, layer: 'orders', key: 'WO2', data: order('WO2', 3) },
        { op: 'snapshot', sub: 's1', seq: 40, orders: [order('WO5', 40)], alarms: [], patrols: [] },
      ],
      want: { orders: ['WO5'], alarms: [], workers: [], last: 40, awaiting: false, outcomes: ['applied', 'applied', 'ignored', 'applied'] },
    },
    {
      name: 'resumed continues from the resume point',
      msgs: [
        snapshot,
        { op: 'resync', sub: 's1', reason: 'slow_consumer' },
        { op: 'resumed', sub: 's1', seq: 2 },
        { op: 'delta', sub: 's1', seq: 5, prev: 2, layer: 'orders', key: 'WO1', removed: true },
      ],
      want: { orders: [], alarms: ['AL-88'], workers: ['GW-1', 'GW-2'], last: 5, awaiting: false, outcomes: ['applied', 'applied', 'applied', 'applied'] },
    },
    {
      name: 'a patrol batch drops the gone before adding the moved',
      msgs: [snapshot, { op: 'patrols', sub: 's1', at: '2026-05-12T08:16:01.000Z', workers: [worker('GW-3', [103.91, 30.56])], gone: ['GW-1'] }],
      want: { orders: ['WO1'], alarms: ['AL-88'], workers: ['GW-2', 'GW-3'], last: 2, awaiting: false, outcomes: ['applied', 'applied'] },
    },
    {
      name: 'a full patrol batch replaces every worker',
      msgs: [snapshot, { op: 'patrols', sub: 's1', at: '2026-05-12T08:16:01.000Z', full: true, workers: [worker('GW-9', [103.91, 30.56])] }],
      want: { orders: ['WO1'], alarms: ['AL-88'], workers: ['GW-9'], last: 2, awaiting: false, outcomes: ['applied', 'applied'] },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const { store, outcomes } = storeAfter(c.msgs);
      assert.deepEqual([...store.orders.keys()].sort(), c.want.orders);
      assert.deepEqual([...store.alarms.keys()].sort(), c.want.alarms);
      assert.deepEqual([...store.workers.keys()].sort(), c.want.workers);
      assert.equal(store.last, c.want.last);
      assert.equal(store.awaiting, c.want.awaiting);
      assert.deepEqual(outcomes, c.want.outcomes);
      if (c.want.overdue !== undefined) assert.equal(store.counts().overdue, c.want.overdue);
    });
  }

  test('expecting an answer drops deltas until it comes', () => {
    const { store } = storeAfter([snapshot]);
    store.expectAnswer();
    assert.equal(store.apply({ op: 'delta', sub: 's1', seq: 3, prev: 2, layer: 'orders', key: 'WO1', removed: true }), 'ignored');
    assert.ok(store.orders.has('WO1'));
  });

  test('listeners hear layer changes and order and alarm activity with what was held before', () => {
    const { changes, activity } = storeAfter([
      snapshot,
      { op: 'delta', sub: 's1', seq: 3, prev: 2, layer: 'orders', key: 'WO1', data: order('WO1', 3, { state: 'dispatched' }) },
      { op: 'patrols', sub: 's1', at: '2026-05-12T08:16:01.000Z', workers: [] },
    ]);
    assert.deepEqual(changes, [
      { layer: 'orders', reset: true },
      { layer: 'alarms', reset: true },
      { layer: 'patrols', reset: true },
      { layer: 'orders', reset: false },
      { layer: 'patrols', reset: false },
    ]);
    assert.equal(activity.length, 1);
    assert.equal(activity[0].before.state, 'received');
    assert.equal(activity[0].view.state, 'dispatched');
  });

  test('counts: open, overdue, alarms, and workers on duty that are not off-line', () => {
    const { store } = storeAfter([
      {
        op: 'snapshot', sub: 's1', seq: 9,
        orders: [order('A', 1, { overdue: true }), order('B', 2), order('C', 3, { overdue: true })],
        alarms: [alarm('X', 4)],
        patrols: [
          worker('W1', [103.9, 30.5]),
          worker('W2', [103.9, 30.5], { status: 'stale' }),
          worker('W3', [103.9, 30.5], { status: 'offline' }),
          worker('W4', [103.9, 30.5], { on_duty: false }),
        ],
      },
    ]);
    assert.deepEqual(store.counts(), { open_orders: 3, overdue: 2, active_alarms: 1, workers_on_duty: 2 });
  });
});

describe('parseFrame', () => {
  test('splits packed messages and skips a bad line', () => {
    const bad = [];
    const msgs = live.parseFrame('{"op":"pong"}\n{"op":"resumed","sub":"s1","seq":4}\nnot json\n[1]\n', (line) => bad.push(line));
    assert.deepEqual(msgs.map((m) => m.op), ['pong', 'resumed']);
    assert.deepEqual(bad, ['not json', '[1]']);
  });
});

describe('Glide', () => {
  test('a new worker is placed at once', () => {
    const g = new live.Glide(1000);
    g.update([['W', [103.9, 30.5]]], 0, false);
    assert.deepEqual(g.position('W', 0), [103.9, 30.5]);
    assert.equal(g.moving(0), false);
  });

  test('a moved worker glides from where it is drawn to where it was reported', () => {
    const g = new live.Glide(1000);
    g.update([['W', [103.9, 30.5]]], 0, false);
    g.update([['W', [103.902, 30.502]]], 100, false);
    const half = g.position('W', 600);
    assert.ok(Math.abs(half[0] - 103.901) < 1e-9 && Math.abs(half[1] - 30.501) < 1e-9, `half-way ${half}`);
    assert.equal(g.moving(600), true);
    assert.deepEqual(g.position('W', 1100), [103.902, 30.502]);
    assert.equal(g.moving(1100), false);
    // A new report mid-way starts from the drawn point, not the old report.
    g.update([['W', [103.904, 30.504]]], 1100, false);
    g.update([['W', [103.906, 30.506]]], 1600, false);
    const p = g.position('W', 1600);
    assert.ok(Math.abs(p[0] - 103.903) < 1e-9, `restarted from ${p}`);
  });

  test('far jumps, snaps and forgotten workers', () => {
    const g = new live.Glide(1000);
    g.update([['W', [103.9, 30.5]], ['V', [103.9, 30.5]]], 0, false);
    g.update([['W', [104.0, 30.5]], ['V', [103.901, 30.5]]], 10, false);
    assert.deepEqual(g.position('W', 10), [104.0, 30.5], 'a jump of 10 km is not walked');
    g.update([['V', [103.95, 30.5]]], 20, true);
    assert.deepEqual(g.position('V', 20), [103.95, 30.5], 'snap places at once');
    assert.equal(g.position('W', 20), undefined, 'a worker no longer reported is forgotten');
    g.update([['V', [103.9501, 30.5]]], 30, false, 0.001);
    assert.deepEqual(g.position('V', 30), [103.9501, 30.5], 'a move under a pixel is placed at once');
    assert.equal(g.moving(30), false);
  });

  test('the glide lasts about as long as the interval between batches', () => {
    const g = new live.Glide(1000);
    for (let t = 0; t <= 20_000; t += 500) g.batch(t);
    assert.ok(Math.abs(g.duration - 500) < 5, `duration ${g.duration}`);
  });
});

describe('ticker wording', () => {
  test('order and alarm changes in Chinese from the catalogue', () => {
    const names = new live.Names();
    names.load({
      states: [{ code: 'dispatched', zh: '派遣', en: 'dispatched' }, { code: 'closed', zh: '结案', en: 'closed' }],
      categories: [], channels: [], priorities: [], classes: [], roles: [], device_types: [],
      alarm_kinds: [{ code: 'smoke', zh: '烟雾报警', en: 'smoke' }],
      severities: [{ code: 'critical', zh: '紧急', en: 'critical' }],
      alarm_actions: [{ code: 'raise', zh: '报警', en: 'raise' }, { code: 'clear', zh: '解除', en: 'clear' }],
    });
    const cases = [
      [{ layer: 'orders', key: 'WO1', view: order('WO1', 3, { state: 'dispatched' }), before: order('WO1', 1) }, '派遣', '小区消防通道被占用'],
      [{ layer: 'orders', key: 'WO1', before: order('WO1', 1) }, '结案', '小区消防通道被占用'],
      [{ layer: 'orders', key: 'WO1', view: order('WO1', 1, { overdue: true }), before: order('WO1', 1) }, '超期', '小区消防通道被占用'],
      [{ layer: 'alarms', key: 'AL-88', view: alarm('AL-88', 2) }, '报警', '烟雾报警 · 紧急'],
      [{ layer: 'alarms', key: 'AL-88', before: alarm('AL-88', 2) }, '解除', '烟雾报警 · 紧急'],
    ];
    for (const [activity, verb, what] of cases) {
      const line = live.describe(activity, names);
      assert.equal(line.verb, verb);
      assert.equal(line.what, what);
    }
  });
});
