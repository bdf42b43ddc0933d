// plan-status.test.mjs - 目标 status over simulated time (docs/api-plan.md,
// Status): a plan built through the API, its reported target read on fixed
// dates with ?on= (no data, on track, at risk, behind, overdue the day after
// its due date and not on it, achieved), the roll-up by weight against a
// computation here, a live target following the records it is computed from
// (a kindergarten's nature and capacity), the filters, the reminders, the
// demo plan's mix of statuses, 首页's plan, the errors of the read routes, and
// on a second server with a fixed clock the default date (status_on, else
// today clamped to the plan's year).
import assert from 'node:assert/strict';
import { serverSuite, startServer } from '../lib/server.mjs';
import { ok, assertError, allPages, login } from '../lib/client.mjs';

const S = serverSuite();
const enc = encodeURIComponent;

// ---- the arithmetic, as the doc states it -----------------------------------

const MARGINS = { atRisk: 10, behind: 25 };  // settings plan_*_margin_pct (defaults)
const dayNo = (d) => Date.parse(`${d}T00:00:00Z`) / 86400e3;

function elapsed(start, due, on) {
  const s = dayNo(start), d = dayNo(due), o = dayNo(on);
  if (d <= s) return 1;
  return Math.min(1, Math.max(0, (o - s) / (d - s)));
}

function progress(baseline, floor, current, lower) {
  if (current === null || current === undefined) return null;
  let p;
  if (baseline === null || baseline === undefined) {
    if (lower) return current <= floor ? 1 : 0;
    p = current / floor;
  } else if (floor === baseline) {
    return (lower ? current <= floor : current >= floor) ? 1 : 0;
  } else {
    p = (current - baseline) / (floor - baseline);
  }
  return Math.max(0, p);
}

function targetStatus(t, current, start, on) {
  const lower = t.direction === 'lower';
  if (current !== null && (lower ? current <= t.floor : current >= t.floor)) return 'achieved';
  if (on > t.due_date) return 'overdue';
  if (current === null) return 'no_data';
  const p = progress(t.baseline, t.floor, current, lower), e = elapsed(start, t.due_date, on);
  if (p >= e - MARGINS.atRisk / 100 - 1e-9) return 'on_track';
  if (p >= e - MARGINS.behind / 100 - 1e-9) return 'at_risk';
  return 'behind';
}

const cap = (p) => (p === null ? null : Math.min(1, Math.max(0, p)));

// Σ w p / Σ w over the children with a progress.
function rollup(children) {
  let sum = 0, weight = 0;
  for (const c of children) {
    if (c.progress === null || c.progress === undefined) continue;
    sum += c.weight * c.progress;
    weight += c.weight;
  }
  return weight > 0 ? sum / weight : null;
}

function near(a, b, what, eps = 2e-4) {
  assert.ok(typeof a === 'number' && Math.abs(a - b) <= eps, `${what}: ${a} != ${b}`);
}

// Every node of a tree, depth first.
function flatten(items, out = []) {
  for (const it of items || []) {
    out.push(it);
    flatten(it.children, out);
  }
  return out;
}

function findItem(tree, id) {
  const it = flatten(tree.items).find((x) => x.id === id);
  assert.ok(it, `item ${id} in the tree`);
  return it;
}

// ---- fixtures made through the API -----------------------------------------------

async function deptIds(c) {
  const depts = ok(await c.get('/api/departments')).items;
  const id = (name) => {
    const d = depts.find((x) => x.name === name);
    assert.ok(d, `department ${name}`);
    return d.id;
  };
  return { jichu: id('基础教育股'), anquan: id('安全稳定股') };
}

async function createItem(c, planId, body) {
  return ok(await c.post(`/api/plans/${planId}/items`, body), 201).id;
}

async function createTarget(c, itemId, body) {
  return ok(await c.post(`/api/items/${itemId}/targets`, body), 201).id;
}

async function report(c, itemId, body) {
  return ok(await c.post(`/api/items/${itemId}/reports`, { done: '按计划推进', ...body }), 201);
}

async function tree(c, planId, query = '') {
  return ok(await c.get(`/api/plans/${planId}/tree${query ? `?${query}` : ''}`));
}

// The 2023 plan the tests share:
//   A 深化改革 (基础教育股, weight 2)
//     L1 公办学位 (weight 3): T1 reported 20 -> 30, due 15 October
//     L2 课后服务 (weight 1): no target, reports a state
//   B 平安校园 (安全稳定股, weight 1)
//     L3 普惠学前 (weight 1): T3 live kg_public_place_share
const F = {};
async function fixture(admin) {
  if (F.plan) return F;
  const d = await deptIds(admin);
  const plan = ok(await admin.post('/api/plans', { year: 2023, title: '2023年教育工作要点' }), 201);
  F.plan = plan.id;
  F.depts = d;
  F.a = await createItem(admin, F.plan, { code: '（一）', title: '深化改革', lead_dept_id: d.jichu, weight: 2, sort: 1 });
  F.b = await createItem(admin, F.plan, { code: '（二）', title: '平安校园', lead_dept_id: d.anquan, weight: 1, sort: 2 });
  F.l1 = await createItem(admin, F.plan, { parent_id: F.a, code: '1', title: '公办学位', lead_dept_id: d.jichu, weight: 3, sort: 1 });
  F.l2 = await createItem(admin, F.plan, { parent_id: F.a, code: '2', title: '课后服务', lead_dept_id: d.jichu, weight: 1, sort: 2 });
  F.l3 = await createItem(admin, F.plan, { parent_id: F.b, code: '1', title: '普惠学前', lead_dept_id: d.anquan, weight: 1, sort: 1 });
  F.t1 = { name: '公办学位占比', unit: '%', baseline: 20, baseline_year: 2022, floor: 30, direction: 'higher', due_date: '2023-10-15', source: 'reported' };
  F.t1.id = await createTarget(admin, F.l1, F.t1);
  return F;
}

// ---- tests ------------------------------------------------------------------------

S.test('a reported target moves through every status over the year', async () => {
  const admin = await S.login('admin');
  const f = await fixture(admin);
  await report(admin, f.l1, { period: '2023-03', reported_on: '2023-03-31', state: 'on_track', progress: 50,
    figures: [{ target_id: f.t1.id, value: 25 }] });
  await report(admin, f.l1, { period: '2023-10', reported_on: '2023-10-20', state: 'achieved', progress: 100,
    figures: [{ target_id: f.t1.id, value: 31 }] });
  const figures = [{ on: '2023-03-31', value: 25 }, { on: '2023-10-20', value: 31 }];

  const seen = new Set();
  for (const on of ['2023-03-01', '2023-04-01', '2023-07-02', '2023-09-30', '2023-10-15', '2023-10-16', '2023-10-21']) {
    const t = await tree(admin, f.plan, `on=${on}`);
    assert.equal(t.plan.on, on);
    const item = findItem(t, f.l1), target = item.targets.find((x) => x.id === f.t1.id);
    // the latest figure dated on or before the day
    const known = figures.filter((x) => x.on <= on).at(-1);
    const current = known ? known.value : null;
    assert.equal(target.current, current, `current on ${on}`);
    assert.equal(target.as_of, known ? known.on : null);
    const want = targetStatus(f.t1, current, '2023-01-01', on);
    assert.equal(target.status, want, `T1 on ${on}`);
    assert.equal(item.status, want, `L1 (one target) on ${on}`);
    const p = progress(f.t1.baseline, f.t1.floor, current, false);
    if (p === null) assert.equal(target.progress, null);
    else near(target.progress, cap(p), `T1 progress on ${on}`);
    seen.add(want);
  }
  // the dates were chosen to pass through all six
  assert.deepEqual([...seen].sort(), ['achieved', 'at_risk', 'behind', 'no_data', 'on_track', 'overdue']);
  // on the due day it is not yet overdue, the day after it is
  assert.notEqual(findItem(await tree(admin, f.plan, 'on=2023-10-15'), f.l1).status, 'overdue');
  assert.equal(findItem(await tree(admin, f.plan, 'on=2023-10-16'), f.l1).status, 'overdue');
});

S.test('sections and the plan roll up by weight', async () => {
  const admin = await S.login('admin');
  const f = await fixture(admin);
  await report(admin, f.l2, { period: '2023-06', reported_on: '2023-06-30', state: 'at_risk', progress: 40 });
  const on = '2023-07-02';
  const t = await tree(admin, f.plan, `on=${on}`);
  const l1 = findItem(t, f.l1), l2 = findItem(t, f.l2), l3 = findItem(t, f.l3);
  const a = findItem(t, f.a), b = findItem(t, f.b);

  // an item without targets: its report's state and progress ÷ 100
  assert.equal(l2.status, 'at_risk');
  near(l2.progress, 40 / 100, 'L2 progress');
  assert.equal(l2.last_report.period, '2023-06');
  // L1 from its target (25 of 20 -> 30 known on 2 July)
  near(l1.progress, cap(progress(20, 30, 25, false)), 'L1 progress');
  const pa = rollup([{ weight: 3, progress: l1.progress }, { weight: 1, progress: l2.progress }]);
  near(a.progress, pa, 'section A = (3 L1 + 1 L2) / 4');
  assert.equal(a.weight, 2);
  const pb = rollup([{ weight: 1, progress: l3.progress }]);
  if (pb === null) assert.equal(b.progress, null);
  else near(b.progress, pb, 'section B');
  const plan = rollup([{ weight: 2, progress: a.progress }, { weight: 1, progress: b.progress }]);
  near(t.plan.progress, plan, 'plan = (2 A + 1 B) / 3');
  // the section's status from its progress against the year's time
  const e = elapsed('2023-01-01', '2023-12-31', on);
  const want = pa >= e - 0.10 - 1e-9 ? 'on_track' : pa >= e - 0.25 - 1e-9 ? 'at_risk' : 'behind';
  assert.equal(a.status, want);
  // counts: the leaves' statuses below
  assert.equal(a.counts[l1.status] + (l1.status === l2.status ? 0 : a.counts[l2.status]), 2);
  const leaves = flatten(t.items).filter((x) => x.children.length === 0);
  for (const s of ['achieved', 'on_track', 'at_risk', 'behind', 'overdue', 'no_data']) {
    assert.equal(t.plan.counts[s], leaves.filter((x) => x.status === s).length, `plan counts ${s}`);
  }
});

// The expected kg_public_place_share of a school year: 100 x the capacity
// of the 公办 kindergartens with a record of the year ÷ that of all of them.
async function expectedPublicPlaceShare(c, year) {
  const rows = (await allPages(c, `/api/stats/records?year=${year}&type=${enc('幼儿园')}`))
    .filter((r) => r.status !== '未填报');
  let all = 0, pub = 0;
  const kgs = [];
  for (const r of rows) {
    const rec = ok(await c.get(`/api/stats/records/${r.school_id}/${year}`));
    const school = ok(await c.get(`/api/schools/${r.school_id}`));
    const capacity = Number(rec.values.capacity || 0);
    all += capacity;
    if (school.nature === '公办') pub += capacity;
    kgs.push({ id: r.school_id, nature: school.nature, status: rec.status, capacity });
  }
  assert.ok(all > 0, 'kindergarten places in the records');
  return { share: (100 * pub) / all, kgs };
}

S.test('a live target follows the records it is computed from', async () => {
  const admin = await S.login('admin');
  const f = await fixture(admin);
  const on = '2023-06-30';
  let t = await tree(admin, f.plan, `on=${on}`);
  // bind T3 with the current value as its baseline and 10 points more as its floor
  const metrics = ok(await admin.get('/api/metrics?year=2023')).items;
  const m = metrics.find((x) => x.key === 'kg_public_place_share');
  assert.ok(m && typeof m.value === 'number', `kg_public_place_share in /api/metrics: ${JSON.stringify(m)}`);
  const year = Number(String(m.as_of?.label ?? m.as_of).match(/\d{4}/)[0]);
  const before = await expectedPublicPlaceShare(admin, year);
  near(m.value, before.share, 'the registry value', 1e-6);
  const t3 = { name: '公办幼儿园学位占比', unit: '%', baseline: Math.round(before.share * 10) / 10, floor: Math.round(before.share * 10) / 10 + 10,
    direction: 'higher', source: 'live', metric: 'kg_public_place_share' };
  t3.id = await createTarget(admin, f.l3, t3);
  t = await tree(admin, f.plan, `on=${on}`);
  let target = findItem(t, f.l3).targets.find((x) => x.id === t3.id);
  assert.equal(target.source, 'live:kg_public_place_share');
  near(target.current, before.share, 'current = the share of the records', 1e-6);
  assert.match(target.as_of, new RegExp(String(year)));

  // a 民办 kindergarten with places becomes 公办
  const kg = before.kgs.find((k) => k.nature !== '公办' && k.capacity > 0);
  assert.ok(kg, 'a non-public kindergarten with places');
  ok(await admin.patch(`/api/schools/${kg.id}`, { nature: '公办' }));
  const after = await expectedPublicPlaceShare(admin, year);
  assert.ok(after.share > before.share);
  t = await tree(admin, f.plan, `on=${on}`);
  target = findItem(t, f.l3).targets.find((x) => x.id === t3.id);
  near(target.current, after.share, 'current after the nature changed', 1e-6);
  near(target.progress, cap(progress(t3.baseline, t3.floor, after.share, false)), 'progress after', 2e-4);
  assert.equal(target.status, targetStatus({ ...t3, due_date: '2023-12-31' }, after.share, '2023-01-01', on));

  // a public kindergarten's capacity changes in its (not yet approved) record
  const pubKg = after.kgs.find((k) => k.nature === '公办' && k.status !== '已通过');
  assert.ok(pubKg, 'a public kindergarten whose record is not yet approved');
  ok(await admin.put(`/api/stats/records/${pubKg.id}/${year}`, { values: { capacity: pubKg.capacity + 300 } }));
  const third = await expectedPublicPlaceShare(admin, year);
  assert.ok(third.share > after.share);
  t = await tree(admin, f.plan, `on=${on}`);
  target = findItem(t, f.l3).targets.find((x) => x.id === t3.id);
  near(target.current, third.share, 'current after the capacity changed', 1e-6);
  // the item page: the baseline at the end of the plan's start, the value now
  const item = ok(await admin.get(`/api/items/${f.l3}?on=${on}`));
  const series = item.series.find((s) => s.target_id === t3.id);
  assert.equal(series.points.at(-1).kind, 'current');
  assert.equal(series.points.at(-1).date, on);
  near(series.points.at(-1).value, target.current, 'the series ends at the current value', 1e-9);
});

S.test('filters keep the matching items with their ancestors', async () => {
  const admin = await S.login('admin');
  const f = await fixture(admin);
  const t = await tree(admin, f.plan, `on=2023-07-02&dept=${f.depts.anquan}`);
  const ids = flatten(t.items).map((x) => x.id).sort((x, y) => x - y);
  assert.deepEqual(ids, [f.b, f.l3].sort((x, y) => x - y));
  const full = await tree(admin, f.plan, 'on=2023-07-02');
  const status = findItem(full, f.l1).status;
  const byStatus = await tree(admin, f.plan, `on=2023-07-02&status=${status}`);
  for (const leaf of flatten(byStatus.items).filter((x) => x.children.length === 0)) assert.equal(leaf.status, status);
  assert.ok(flatten(byStatus.items).some((x) => x.id === f.a), 'the section stays as an ancestor');
  assert.deepEqual(byStatus.plan, full.plan, 'the plan figures are those of the whole plan');
});

S.test('reminders list the leaves owing last month\'s report', async () => {
  const admin = await S.login('admin');
  const f = await fixture(admin);
  // 10 August: July was due on 5 August
  const r = ok(await admin.get(`/api/plans/${f.plan}/reminders?on=2023-08-10`));
  const t = await tree(admin, f.plan, 'on=2023-08-10');
  const owing = flatten(t.items).filter((x) => x.children.length === 0 && x.status !== 'achieved');
  const got = r.items.map((x) => x.item_id).sort((x, y) => x - y);
  assert.deepEqual(got, owing.map((x) => x.id).sort((x, y) => x - y));
  for (const x of r.items) {
    assert.equal(x.due_period, '2023-07');
    assert.equal(x.overdue_days, dayNo('2023-08-10') - dayNo('2023-08-05'));
  }
  // a July report takes L2 off the list
  await report(admin, f.l2, { period: '2023-07', reported_on: '2023-08-02', state: 'on_track', progress: 60 });
  const r2 = ok(await admin.get(`/api/plans/${f.plan}/reminders?on=2023-08-10`));
  assert.ok(!r2.items.some((x) => x.item_id === f.l2));
  assert.equal(r2.items.length, r.items.length - 1);
});

S.test('the demo plan shows a mix of statuses on its status date', async () => {
  const leader = await S.login('leader');
  const plans = ok(await leader.get('/api/plans?year=2022')).items;
  assert.equal(plans.length, 1);
  const demo = plans[0];
  assert.equal(demo.status_on, '2022-09-30');
  const t = await tree(leader, demo.id);
  assert.equal(t.plan.on, '2022-09-30');
  const leaves = flatten(t.items).filter((x) => x.children.length === 0);
  const counts = {};
  for (const l of leaves) counts[l.status] = (counts[l.status] || 0) + 1;
  for (const s of Object.keys(t.plan.counts)) assert.equal(t.plan.counts[s], counts[s] || 0, `counts ${s}`);
  assert.ok(counts.on_track > 0, `some on track: ${JSON.stringify(counts)}`);
  assert.ok((counts.behind || 0) + (counts.at_risk || 0) > 0, `some behind or at risk: ${JSON.stringify(counts)}`);
  // every section's progress is the weighted mean of its children's
  for (const s of flatten(t.items).filter((x) => x.children.length > 0)) {
    const p = rollup(s.children);
    if (p === null) assert.equal(s.progress, null);
    else near(s.progress, p, `section ${s.title}`, 3e-4);
  }
});

S.test('首页 shows the plan of this year, else the latest, at its default date', async () => {
  const leader = await S.login('leader');
  await fixture(await S.login('admin'));  // a 2023 plan besides the demo's 2022
  const plans = ok(await leader.get('/api/plans')).items;
  const year = Number(new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 4));
  const pick = plans.find((p) => p.year === year) || plans.reduce((x, y) => (y.year > x.year ? y : x));
  const t = await tree(leader, pick.id);
  const d = ok(await leader.get('/api/dashboard'));
  assert.ok(d.plan, '首页 has the plan');
  assert.equal(d.plan.plan_id, pick.id);
  assert.equal(d.plan.on, t.plan.on);
  assert.deepEqual(d.plan.counts, t.plan.counts);
  assert.equal(d.plan.progress, t.plan.progress);
  assert.equal(d.plan.status, t.plan.status);
  // the items behind: overdue ones first, then behind, at most 10
  const leaves = flatten(t.items).filter((x) => x.children.length === 0);
  const late = [...leaves.filter((x) => x.status === 'overdue'), ...leaves.filter((x) => x.status === 'behind')];
  assert.deepEqual(d.plan.behind.map((x) => x.id), late.slice(0, 10).map((x) => x.id));
  for (const x of d.plan.behind) assert.equal(x.lead_dept.id, findItem(t, x.id).lead_dept.id);
});

S.test('read errors: unknown plan or item, bad date, bad filter, a school admin', async () => {
  const leader = await S.login('leader');
  const f = await fixture(await S.login('admin'));
  assertError(await leader.get('/api/plans/99999/tree'), 404, { code: 'not_found' });
  assertError(await leader.get('/api/items/99999'), 404, { code: 'not_found' });
  assertError(await leader.get('/api/plans/99999/reminders'), 404, { code: 'not_found' });
  assertError(await leader.get(`/api/plans/${f.plan}/tree?on=2023-02-30`), 400, { field: 'on' });
  assertError(await leader.get(`/api/plans/${f.plan}/reminders?on=soon`), 400, { field: 'on' });
  assertError(await leader.get(`/api/items/${f.l1}?on=20230101`), 400, { field: 'on' });
  assertError(await leader.get(`/api/plans/${f.plan}/tree?status=late`), 400, { field: 'status' });
  assertError(await leader.get(`/api/plans/${f.plan}/tree?dept=x`), 400, { field: 'dept' });

  const kgs = await allPages(leader, `/api/schools?type=${enc('幼儿园')}`);
  const school = await login(S.base, `s${kgs[0].code}`);
  assertError(await school.get(`/api/plans/${f.plan}/tree`), 403);
  assertError(await school.get(`/api/items/${f.l1}`), 403);
  const d = ok(await school.get('/api/dashboard'));
  assert.equal(d.plan, null, 'a 学校管理员 sees no plan on 首页');
});

S.test('the default date: status_on, else today within the plan year', async () => {
  // 2022-05-10 12:00 in UTC+8
  const srv = await startServer({ env: { EDUBUREAU_NOW: String(Date.parse('2022-05-10T04:00:00Z') / 1000) } });
  try {
    const admin = await srv.login('admin');
    const demo = ok(await admin.get('/api/plans?year=2022')).items[0];
    assert.equal(ok(await admin.get(`/api/plans/${demo.id}/tree`)).plan.on, '2022-09-30');
    ok(await admin.patch(`/api/plans/${demo.id}`, { status_on: null }));
    const t = ok(await admin.get(`/api/plans/${demo.id}/tree`));
    assert.equal(t.plan.on, '2022-05-10');
    assert.equal(ok(await admin.get(`/api/plans/${demo.id}`)).on, '2022-05-10');
    // the same as asking for that day, and 首页 agrees
    const explicit = ok(await admin.get(`/api/plans/${demo.id}/tree?on=2022-05-10`));
    assert.deepEqual(t.plan, explicit.plan);
    const d = ok(await admin.get('/api/dashboard'));
    assert.equal(d.plan.on, '2022-05-10');
    assert.deepEqual(d.plan.counts, t.plan.counts);
    // a plan of the next year starts on its 1 January
    const next = ok(await admin.post('/api/plans', { year: 2023, title: '2023年计划' }), 201);
    assert.equal(ok(await admin.get(`/api/plans/${next.id}/tree`)).plan.on, '2023-01-01');
    // and of the year before ends on its 31 December
    const prev = ok(await admin.post('/api/plans', { year: 2021, title: '2021年计划' }), 201);
    assert.equal(ok(await admin.get(`/api/plans/${prev.id}/tree`)).plan.on, '2021-12-31');
  } finally {
    await srv.stop();
  }
});
