// plan-crud.test.mjs - 目标 (issue 6): the structure of a plan — the plan,
// its items and targets — created, changed and deleted by a writer of
// "plan" (督导室 duda, admin), each write with its audit row (before and
// after); every validation error names its field in Chinese; leaders,
// auditors and 股室 read but may not write; a 学校管理员 may not even read
// (403). The tests make their own plans (2023, 2024) beside whatever demo
// plan exists.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { assertError, ok } from '../lib/client.mjs';

const S = serverSuite();
const YEAR = 2023;

const users = new Map();
async function as(name) {
  if (!users.has(name)) users.set(name, await S.login(name));
  return users.get(name);
}

// The demo's departments by name ({id, name}).
async function departments() {
  const admin = await as('admin');
  const list = ok(await admin.get('/api/departments')).items;
  const by = (name) => {
    const d = list.find((x) => x.name === name);
    assert.ok(d, `department ${name} in ${list.map((x) => x.name)}`);
    return d;
  };
  return { list, by };
}

// A school administrator's login name (s<学校标识码>).
async function schoolUser() {
  const admin = await as('admin');
  const s = ok(await admin.get('/api/schools?per_page=5')).items.find((x) => x.code);
  assert.ok(s, 'a demo school with a code');
  return `s${s.code}`;
}

// The newest audit row of entity id (as the auditor sees it).
async function auditRow(entity, id, action) {
  const a = await as('audit');
  const rows = ok(await a.get(`/api/audit?entity=${entity}&entity_id=${id}${action ? `&action=${action}` : ''}&per_page=5`)).items;
  assert.ok(rows.length > 0, `an audit row for ${entity} ${id} ${action || ''}`);
  return rows[0];
}

let fixture = null;
async function plan() {
  if (fixture) return fixture;
  const duda = await as('duda');
  const p = ok(await duda.post('/api/plans', { year: YEAR, title: '  2023年教育工作要点 ', description: '测试规划' }), 201);
  const other = ok(await duda.post('/api/plans', { year: YEAR + 1, title: '2024年教育工作要点' }), 201);
  fixture = { p, other };
  return fixture;
}

S.test('a writer of plan creates a plan (trimmed, audited); one per county and year', async () => {
  const { p } = await plan();
  assert.equal(p.year, YEAR);
  assert.equal(p.title, '2023年教育工作要点');
  assert.ok(p.id > 0);
  const row = await auditRow('plan', p.id, 'create');
  assert.equal(row.username, 'duda');
  assert.equal(row.before, null);
  assert.equal(row.after.title, '2023年教育工作要点');
  assert.equal(row.after.year, YEAR);

  const duda = await as('duda');
  assertError(await duda.post('/api/plans', { year: YEAR, title: '重复' }), 409, { field: 'year' });
  // the list of the year holds exactly it
  const listed = ok(await duda.get(`/api/plans?year=${YEAR}`)).items;
  assert.deepEqual(listed.map((x) => x.id), [p.id]);
  const got = ok(await duda.get(`/api/plans/${p.id}`));
  assert.equal(got.title, p.title);
});

S.test('plan validation: year, title, status_on, county', async () => {
  const duda = await as('duda');
  assertError(await duda.post('/api/plans', { title: '无年度' }), 400, { code: 'missing', field: 'year' });
  assertError(await duda.post('/api/plans', { year: 1999, title: 'x' }), 400, { field: 'year' });
  assertError(await duda.post('/api/plans', { year: '二〇二五', title: 'x' }), 400, { field: 'year' });
  assertError(await duda.post('/api/plans', { year: 2025 }), 400, { code: 'missing', field: 'title' });
  assertError(await duda.post('/api/plans', { year: 2025, title: '   ' }), 400, { code: 'missing', field: 'title' });
  assertError(await duda.post('/api/plans', { year: 2025, title: 'x'.repeat(101) }), 400, { field: 'title' });
  assertError(await duda.post('/api/plans', { year: 2025, title: 'x', status_on: '2025/06/30' }), 400, { field: 'status_on' });
  assertError(await duda.post('/api/plans', { year: 2025, title: 'x', status_on: '2024-12-31' }), 400, { field: 'status_on' });
  assertError(await duda.post('/api/plans', { year: 2025, title: 'x', county_org_id: 999999 }), 400, { field: 'county_org_id' });
  assertError(await duda.post('/api/plans', [1, 2]), 400);
  // nothing of 2025 was created
  assert.equal(ok(await duda.get('/api/plans?year=2025')).items.length, 0);
  assertError(await duda.get('/api/plans?year=abc'), 400, { field: 'year' });
});

S.test('PATCH a plan: title and status_on, audited before/after; the year stays', async () => {
  const { p } = await plan();
  const duda = await as('duda');
  const changed = ok(await duda.patch(`/api/plans/${p.id}`, { title: '2023年工作谋划', status_on: '2023-09-30' }));
  assert.equal(changed.title, '2023年工作谋划');
  assert.equal(changed.status_on, '2023-09-30');
  const row = await auditRow('plan', p.id, 'update');
  assert.equal(row.before.title, '2023年教育工作要点');
  assert.equal(row.after.title, '2023年工作谋划');
  assert.equal(row.after.status_on, '2023-09-30');
  assertError(await duda.patch(`/api/plans/${p.id}`, { year: 2030 }), 400, { field: 'year' });
  assertError(await duda.patch(`/api/plans/${p.id}`, { status_on: '2022-01-01' }), 400, { field: 'status_on' });
  assertError(await duda.patch(`/api/plans/${p.id}`, { title: null }), 400, { field: 'title' });
  assertError(await duda.patch('/api/plans/99999999', { title: 'x' }), 404);
  assertError(await duda.patch('/api/plans/abc', { title: 'x' }), 404);
});

S.test('roles: leader, auditor and every 股室 read; only the writer of plan writes; a school admin gets 403', async () => {
  const { p } = await plan();
  for (const u of ['leader', 'audit', 'jijiao', 'anquan', 'admin', 'duda']) {
    const c = await as(u);
    const items = ok(await c.get('/api/plans')).items;
    assert.ok(items.some((x) => x.id === p.id), `${u} lists the plan`);
    ok(await c.get(`/api/plans/${p.id}`));
  }
  for (const u of ['leader', 'audit', 'jijiao']) {
    const c = await as(u);
    assertError(await c.post('/api/plans', { year: 2026, title: 'x' }), 403);
    assertError(await c.patch(`/api/plans/${p.id}`, { title: 'x' }), 403);
    assertError(await c.post(`/api/plans/${p.id}/items`, { title: 'x' }), 403);
  }
  const school = await as(await schoolUser());
  assertError(await school.get('/api/plans'), 403);
  assertError(await school.get(`/api/plans/${p.id}`), 403);
  assertError(await school.get(`/api/plans/${p.id}/tree`), 403);
  assertError(await school.get('/api/metrics'), 403);
  assertError(await school.post('/api/plans', { year: 2026, title: 'x' }), 403);
  assertError(await school.post(`/api/plans/${p.id}/items`, { title: 'x' }), 403);
  // admin may write too
  const admin = await as('admin');
  const item = ok(await admin.post(`/api/plans/${p.id}/items`, { title: '管理员建的事项' }), 201);
  ok(await admin.del(`/api/items/${item.id}`), 204);
});

S.test('items: create with departments and dates, patch (audited), move, and every validation error', async () => {
  const { p, other } = await plan();
  const { by } = await departments();
  const jj = by('基础教育股'), aq = by('安全稳定股'), js = by('教研室');
  const duda = await as('duda');
  const section = ok(await duda.post(`/api/plans/${p.id}/items`, { code: '（一）', title: '深化五项改革', sort: 1 }), 201);
  assert.equal(section.parent_id, null);
  assert.equal(section.report_cycle, 'monthly');
  assert.equal(section.weight, 1);
  const item = ok(await duda.post(`/api/plans/${p.id}/items`, {
    parent_id: String(section.id), code: '1', title: '学前教育普惠扩容', lead_dept_id: jj.id,
    co_dept_ids: [aq.id, js.id], leader: '李局长', start_date: '2023-02-01', due_date: '2023-11-30',
    weight: 2.5, report_cycle: 'quarterly',
  }), 201);
  assert.equal(item.parent_id, section.id);
  assert.equal(item.lead_dept_id, jj.id);
  assert.deepEqual([...item.co_dept_ids].sort((a, b) => a - b), [aq.id, js.id].sort((a, b) => a - b));
  assert.equal(item.weight, 2.5);
  assert.equal(item.report_cycle, 'quarterly');
  const created = await auditRow('plan_item', item.id, 'create');
  assert.equal(created.after.title, '学前教育普惠扩容');

  const base = { title: '事项' };
  const bad = [
    [{}, 'title'],
    [{ title: '' }, 'title'],
    [{ ...base, start_date: '2023-2-1' }, 'start_date'],
    [{ ...base, due_date: '2023-02-30' }, 'due_date'],
    [{ ...base, start_date: '2023-06-01', due_date: '2023-05-31' }, 'due_date'],
    [{ ...base, weight: -1 }, 'weight'],
    [{ ...base, weight: '很多' }, 'weight'],
    [{ ...base, report_cycle: 'weekly' }, 'report_cycle'],
    [{ ...base, lead_dept_id: 99999999 }, 'lead_dept_id'],
    [{ ...base, lead_dept_id: -3 }, 'lead_dept_id'],
    [{ ...base, co_dept_ids: [99999999] }, 'co_dept_ids'],
    [{ ...base, co_dept_ids: [aq.id, aq.id] }, 'co_dept_ids'],
    [{ ...base, co_dept_ids: 'x' }, 'co_dept_ids'],
    [{ ...base, parent_id: 99999999 }, 'parent_id'],
    [{ ...base, sort: -1 }, 'sort'],
    [{ ...base, code: 'x'.repeat(21) }, 'code'],
    [{ ...base, leader: 'x'.repeat(31) }, 'leader'],
  ];
  for (const [body, field] of bad)
    assertError(await duda.post(`/api/plans/${p.id}/items`, body), 400, { field });
  // a parent of another plan
  const foreign = ok(await duda.post(`/api/plans/${other.id}/items`, { title: '别的规划的事项' }), 201);
  assertError(await duda.post(`/api/plans/${p.id}/items`, { ...base, parent_id: foreign.id }), 400, { field: 'parent_id' });
  assertError(await duda.post('/api/plans/99999999/items', base), 404);

  // PATCH: change the title and the co-operating departments; audited before/after
  const patched = ok(await duda.patch(`/api/items/${item.id}`, { title: '学前教育普惠扩容提质', co_dept_ids: [js.id] }));
  assert.equal(patched.title, '学前教育普惠扩容提质');
  assert.deepEqual(patched.co_dept_ids, [js.id]);
  assert.equal(patched.due_date, '2023-11-30', 'untouched fields stay');
  const updated = await auditRow('plan_item', item.id, 'update');
  assert.equal(updated.before.title, '学前教育普惠扩容');
  assert.equal(updated.after.title, '学前教育普惠扩容提质');
  assert.equal(updated.before.co_dept_ids.length, 2);
  assert.deepEqual(updated.after.co_dept_ids, [js.id]);
  // no cycles: a section under its own child, an item under itself
  assertError(await duda.patch(`/api/items/${section.id}`, { parent_id: item.id }), 400, { field: 'parent_id' });
  assertError(await duda.patch(`/api/items/${item.id}`, { parent_id: item.id }), 400, { field: 'parent_id' });
  assertError(await duda.patch(`/api/items/${item.id}`, { parent_id: foreign.id }), 400, { field: 'parent_id' });
  assertError(await duda.patch(`/api/items/${item.id}`, { due_date: '2023-01-15' }), 400, { field: 'due_date' });
  assertError(await duda.patch(`/api/items/${item.id}`, { plan_id: other.id }), 400, { field: 'plan_id' });
  // moving to the top level is allowed
  const top = ok(await duda.patch(`/api/items/${item.id}`, { parent_id: null }));
  assert.equal(top.parent_id, null);
  ok(await duda.patch(`/api/items/${item.id}`, { parent_id: section.id }));
  // others may not
  for (const u of ['leader', 'audit', 'jijiao']) {
    const c = await as(u);
    assertError(await c.patch(`/api/items/${item.id}`, { title: 'x' }), 403);
    assertError(await c.del(`/api/items/${item.id}`), 403);
    assertError(await c.post(`/api/items/${item.id}/targets`, { name: 'x', floor: 1, source: 'reported' }), 403);
  }
  assertError(await duda.patch('/api/items/99999999', { title: 'x' }), 404);

  // the tree shows the item under its section (once the read side is in)
  const tree = ok(await duda.get(`/api/plans/${p.id}/tree`));
  const sec = tree.items.find((x) => x.id === section.id);
  assert.ok(sec && sec.children.some((x) => x.id === item.id), 'item under its section in the tree');
  // deleting: the section has a child (409); the foreign leaf goes (204, audited)
  assertError(await duda.del(`/api/items/${section.id}`), 409);
  ok(await duda.del(`/api/items/${foreign.id}`), 204);
  const gone = await auditRow('plan_item', foreign.id, 'delete');
  assert.equal(gone.before.title, '别的规划的事项');
  assert.equal(gone.after, null);
  assertError(await duda.patch(`/api/items/${foreign.id}`, { title: 'x' }), 404);
  assertError(await duda.del(`/api/items/${foreign.id}`), 404);
});

S.test('targets: reported and live, validation (metric 未知指标), patch, delete; an item with targets is not deleted', async () => {
  const { p } = await plan();
  const duda = await as('duda');
  const item = ok(await duda.post(`/api/plans/${p.id}/items`, { title: '公办学位', due_date: '2023-12-31' }), 201);
  const t = ok(await duda.post(`/api/items/${item.id}/targets`, {
    name: '公办幼儿园学位占比', unit: '%', baseline: '18.7', baseline_year: 2021, floor: 25, stretch: 30,
    source: 'reported', metric: 'ignored',
  }), 201);
  assert.equal(t.item_id, item.id);
  assert.equal(t.baseline, 18.7);
  assert.equal(t.floor, 25);
  assert.equal(t.direction, 'higher');
  assert.equal(t.metric, null, 'a reported target has no metric');
  const created = await auditRow('plan_target', t.id, 'create');
  assert.equal(created.after.name, '公办幼儿园学位占比');

  const metrics = ok(await duda.get(`/api/metrics?year=${YEAR}`)).items;
  assert.ok(Array.isArray(metrics));
  assert.ok(metrics.length > 0, 'the metric registry lists figures');
  for (const key of [metrics[0].key, 'stats_total:kg_children']) {
    const live = ok(await duda.post(`/api/items/${item.id}/targets`, { name: '系统指标', floor: 1, source: 'live', metric: key }), 201);
    assert.equal(live.source, 'live');
    assert.equal(live.metric, key);
  }
  const base = { name: '指标', floor: 10, source: 'reported' };
  const bad = [
    [{ floor: 1, source: 'reported' }, 'name', 'missing'],
    [{ name: '指标', source: 'reported' }, 'floor', 'missing'],
    [{ ...base, floor: 'abc' }, 'floor', 'invalid'],
    [{ ...base, baseline: '十' }, 'baseline', 'invalid'],
    [{ ...base, baseline_year: 1800 }, 'baseline_year', 'invalid'],
    [{ ...base, baseline_year: YEAR + 1 }, 'baseline_year', 'invalid'],
    [{ ...base, stretch: 5 }, 'stretch', 'invalid'],
    [{ ...base, direction: 'lower', stretch: 12 }, 'stretch', 'invalid'],
    [{ ...base, direction: 'up' }, 'direction', 'invalid'],
    [{ ...base, source: 'manual' }, 'source', 'invalid'],
    [{ name: '指标', floor: 1 }, 'source', 'missing'],
    [{ ...base, source: 'live' }, 'metric', 'missing'],
    [{ ...base, source: 'live', metric: 'no_such_metric' }, 'metric', 'invalid'],
    [{ ...base, due_date: '2023-13-01' }, 'due_date', 'invalid'],
    [{ ...base, unit: 'x'.repeat(21) }, 'unit', 'invalid'],
  ];
  for (const [body, field, code] of bad) {
    const e = assertError(await duda.post(`/api/items/${item.id}/targets`, body), 400, { field, code });
    if (field === 'metric' && code === 'invalid') assert.match(e.message, /未知指标/);
  }
  assertError(await duda.post('/api/items/99999999/targets', base), 404);

  // a lower-is-better target with its stretch below the floor is fine
  const lower = ok(await duda.post(`/api/items/${item.id}/targets`, { ...base, name: '大班额', direction: 'lower', floor: 10, stretch: 5 }), 201);
  assert.equal(lower.direction, 'lower');

  const patched = ok(await duda.patch(`/api/targets/${t.id}`, { floor: 26, stretch: null }));
  assert.equal(patched.floor, 26);
  assert.equal(patched.stretch, null);
  assert.equal(patched.baseline, 18.7, 'untouched fields stay');
  const updated = await auditRow('plan_target', t.id, 'update');
  assert.equal(updated.before.floor, 25);
  assert.equal(updated.after.floor, 26);
  assertError(await duda.patch(`/api/targets/${t.id}`, { source: 'live', metric: 'no_such_metric' }), 400, { field: 'metric' });
  assertError(await duda.patch(`/api/targets/${t.id}`, { floor: null }), 400, { field: 'floor' });
  assertError(await duda.patch('/api/targets/99999999', { floor: 1 }), 404);
  assertError(await (await as('leader')).patch(`/api/targets/${t.id}`, { floor: 1 }), 403);
  assertError(await (await as('jijiao')).del(`/api/targets/${t.id}`), 403);

  // the item holds targets: 409; without them it goes
  assertError(await duda.del(`/api/items/${item.id}`), 409);
  ok(await duda.del(`/api/targets/${lower.id}`), 204);
  const gone = await auditRow('plan_target', lower.id, 'delete');
  assert.equal(gone.before.name, '大班额');
  assertError(await duda.del(`/api/targets/${lower.id}`), 404);
});

S.test('unknown ids and methods answer 404/405 with the error shape', async () => {
  const leader = await as('leader');
  assertError(await leader.get('/api/plans/99999999'), 404);
  assertError(await leader.get('/api/plans/99999999/tree'), 404);
  assertError(await leader.get('/api/items/99999999'), 404);
  assertError(await leader.get('/api/plans/x/tree'), 404);
  const { p } = await plan();
  assertError(await leader.get(`/api/plans/${p.id}/tree?on=2023-9-1`), 400, { field: 'on' });
  assertError(await leader.get(`/api/plans/${p.id}/tree?status=late`), 400, { field: 'status' });
  assertError(await leader.get(`/api/plans/${p.id}/tree?dept=x`), 400, { field: 'dept' });
  assertError(await leader.get(`/api/plans/${p.id}/export?format=pdf`), 400, { field: 'format' });
  assertError(await leader.get('/api/metrics?year=1'), 400, { field: 'year' });
  assertError(await leader.get('/api/metrics?org=99999999'), 400, { field: 'org' });
});
