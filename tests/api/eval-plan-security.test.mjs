// eval-plan-security.test.mjs - the security review of 评估 and 目标 on a
// province of 3 counties (tests/lib/counties.mjs) with an administrator of a
// second county (x2admin, 模拟县001) besides the demo county 长葛市:
//
//   - numbers at the edge of JSON: a what-if `set`/`add` of 1e308 (its sums
//     and squares went to infinity, the indicator vanished from the answer),
//     a standard's threshold of 1e308, -0; refused with the field named;
//   - a saved scenario whose change carries megabytes is refused before it is
//     stored and audited;
//   - every id of the other county's plan, item, target, report evidence,
//     standard, scenario and town answers 404 (or 400/403 for an org or a
//     town parameter), read or write, and its school or upload cannot be
//     cited as evidence; the same the other way round.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { serverSuite } from '../lib/server.mjs';
import { ok, assertError, login } from '../lib/client.mjs';
import { prepareCounties, loginFirst } from '../lib/counties.mjs';

const OTHER_ADMIN = 'x2admin';
const OTHER_COUNTY = '模拟县001';

const S = serverSuite({
  prepare: async (o) => {
    await prepareCounties(o);
    const run = (...args) => execFileSync(o.bin, [...args, '--db', o.db], { env: o.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const m = new RegExp(`^\\s*(\\d+) ${OTHER_COUNTY} `, 'm').exec(run('org', 'list'));
    assert.ok(m, `${OTHER_COUNTY} in org list`);
    // the initial password loginFirst expects (counties.mjs)
    run('user', 'add', OTHER_ADMIN, '--role', 'admin', '--name', '县二管理员', '--scope', m[1], '--password', 'Init@Pass2026');
  },
});

const YEAR = 2021;

// A primary school of the caller's county with a record of YEAR.
async function aSchool(c) {
  const d = ok(await c.get(`/api/eval/balanced?stage=primary&year=${YEAR}`));
  const s = d.schools.find((x) => Number(x.share) === 1);
  assert.ok(s, 'a single-stage primary school');
  return s;
}

// assertError with the answer cut short in the message (a 200 here is a whole evaluation).
function refused(res, field, code = 'invalid') {
  assert.equal(res.status, 400, `expected 400 on ${field}, got ${res.status}: ${res.text.slice(0, 300)}`);
  return assertError(res, 400, { code, field });
}

async function auditCount(entity) {
  const a = await login(S.base, 'audit');
  return ok(await a.get(`/api/audit?entity=${entity}&per_page=1`)).total;
}

S.test('what-if: a value or result beyond 1e12 (1e308) is refused, -0 and 1e12 still compute', async () => {
  const duda = await login(S.base, 'duda');
  const s = await aSchool(duda);
  const change = (x) => ({ school_id: s.school_id, field: 'teaching_area', ...x });
  const whatIf = (changes) => duda.post('/api/eval/what-if', { year: YEAR, stage: 'primary', changes });
  refused(await whatIf([change({ set: 1e308 })]), 'changes[0].set');
  refused(await whatIf([change({ add: 1e308 })]), 'changes[0].add');
  refused(await whatIf([change({ add: -1e308 })]), 'changes[0].add');
  refused(await whatIf([change({ set: 1e12 }), change({ add: 1e12 })]), 'changes[1].add');

  const big = ok(await whatIf([change({ set: 1e12 })]));
  const ind = big.indicators.find((x) => x.key === 'teaching_area');
  assert.ok(ind, 'the indicator stays in the answer');
  for (const k of ['cv', 'mean', 'max', 'values_total']) assert.ok(Number.isFinite(ind[k]), `${k} finite: ${ind[k]}`);
  assert.equal(ind.max, big.schools.find((x) => x.school_id === s.school_id).values.teaching_area);

  // -0 as the JSON text says it (JSON.stringify writes 0)
  const body = `{"year":${YEAR},"stage":"primary","changes":[{"school_id":${s.school_id},"field":"teaching_area","set":-0}]}`;
  const zero = ok(await duda.post('/api/eval/what-if', body, { headers: { 'Content-Type': 'application/json' } }));
  assert.equal(zero.schools.find((x) => x.school_id === s.school_id).values.teaching_area, 0);
});

S.test('a standard threshold of 1e308 is refused on create and change; the row stays as it was', async () => {
  const duda = await login(S.base, 'duda');
  const std = { indicator: 'teaching_area', stage: 'primary', name: '本局生均教学用房', threshold: 1e308, comparison: '>=', year_from: YEAR };
  refused(await duda.post('/api/eval/standards', std), 'threshold');
  refused(await duda.post('/api/eval/standards', { ...std, threshold: -1e13 }), 'threshold');
  const made = ok(await duda.post('/api/eval/standards', { ...std, threshold: 5 }), 201);
  refused(await duda.patch(`/api/eval/standards/${made.id}`, { threshold: 1e308 }), 'threshold');
  const rows = ok(await duda.get(`/api/eval/standards?year=${YEAR}`)).items;
  assert.equal(rows.find((x) => x.id === made.id).threshold, 5);
  ok(await duda.del(`/api/eval/standards/${made.id}`), 204);
});

S.test('a scenario whose change carries megabytes is refused before it is stored or audited', async () => {
  const duda = await login(S.base, 'duda');
  const s = await aSchool(duda);
  const change = { school_id: s.school_id, field: 'teaching_area', add: 1 };
  const before = ok(await duda.get('/api/eval/scenarios')).items.length;
  const audits = await auditCount('eval_scenario');
  const res = await duda.post('/api/eval/scenarios', { name: '大包', year: YEAR, stage: 'primary', changes: [{ ...change, note: 'x'.repeat(200000) }] });
  refused(res, 'changes');
  assert.equal(ok(await duda.get('/api/eval/scenarios')).items.length, before, 'nothing stored');
  assert.equal(await auditCount('eval_scenario'), audits, 'nothing audited');
  // 200 ordinary changes still fit
  const saved = ok(await duda.post('/api/eval/scenarios', { name: '二百项', year: YEAR, stage: 'primary', changes: Array(200).fill(change) }), 201);
  assert.equal(saved.changes.length, 200);
  ok(await duda.del(`/api/eval/scenarios/${saved.id}`), 204);
});

S.test("another county's plan, items, targets, evidence, standards, scenarios and towns are out of reach", async () => {
  const x2 = await loginFirst(S.base, OTHER_ADMIN);
  const admin = await login(S.base, 'admin');
  const duda = await login(S.base, 'duda');
  const x2School = await aSchool(x2);
  const x2County = x2.user.scope_org_id;
  const x2Town = ok(await x2.get(`/api/eval/population?year=${YEAR}`)).items[0].town_id;

  // the other county's records, made by its administrator
  const plan = ok(await x2.post('/api/plans', { year: YEAR, title: '县二工作目标' }), 201);
  const item = ok(await x2.post(`/api/plans/${plan.id}/items`, { title: '县二事项' }), 201);
  const target = ok(await x2.post(`/api/items/${item.id}/targets`, { name: '县二指标', floor: 10, source: 'reported' }), 201);
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
  const upload = ok(await x2.post('/api/plan-uploads?name=x2.png', png, { headers: { 'Content-Type': 'application/octet-stream' } }), 201);
  const report = ok(await x2.post(`/api/items/${item.id}/reports`, {
    period: `${YEAR}-03`, done: '县二进展', state: 'on_track',
    figures: [{ target_id: target.id, value: 3 }], evidence: [{ kind: 'file', upload_id: upload.id }],
  }), 201);
  const evidenceId = report.evidence[0].id;
  ok(await x2.get(`/api/plan-evidence/${evidenceId}/file`));
  const standard = ok(await x2.post('/api/eval/standards', { indicator: 'teaching_area', stage: 'primary', name: '县二目标', threshold: 5, comparison: '>=', year_from: YEAR }), 201);
  const scenario = ok(await x2.post('/api/eval/scenarios', { name: '县二方案', year: YEAR, stage: 'primary', changes: [{ school_id: x2School.school_id, field: 'teaching_area', add: 1 }] }), 201);

  for (const [who, c] of [['admin', admin], ['duda', duda]]) {
    const nf = async (res, what) => { assert.equal(res.status, 404, `${who} ${what}: ${res.status} ${res.text}`); assertError(res, 404, { code: 'not_found' }); };
    await nf(await c.get(`/api/plans/${plan.id}`), 'plan');
    await nf(await c.get(`/api/plans/${plan.id}/tree`), 'tree');
    await nf(await c.get(`/api/plans/${plan.id}/reminders`), 'reminders');
    await nf(await c.get(`/api/plans/${plan.id}/export?format=docx`), 'export');
    await nf(await c.patch(`/api/plans/${plan.id}`, { title: '改' }), 'plan patch');
    await nf(await c.post(`/api/plans/${plan.id}/items`, { title: '加' }), 'item create');
    await nf(await c.get(`/api/items/${item.id}`), 'item');
    await nf(await c.patch(`/api/items/${item.id}`, { title: '改' }), 'item patch');
    await nf(await c.del(`/api/items/${item.id}`), 'item delete');
    await nf(await c.post(`/api/items/${item.id}/targets`, { name: '加', floor: 1, source: 'reported' }), 'target create');
    await nf(await c.post(`/api/items/${item.id}/reports`, { period: `${YEAR}-04`, done: '冒报', state: 'on_track' }), 'report');
    await nf(await c.patch(`/api/targets/${target.id}`, { name: '改' }), 'target patch');
    await nf(await c.del(`/api/targets/${target.id}`), 'target delete');
    await nf(await c.get(`/api/plan-evidence/${evidenceId}/file`), 'evidence file');
    await nf(await c.patch(`/api/eval/standards/${standard.id}`, { threshold: 1 }), 'standard patch');
    await nf(await c.del(`/api/eval/standards/${standard.id}`), 'standard delete');
    await nf(await c.get(`/api/eval/scenarios/${scenario.id}`), 'scenario');
    await nf(await c.del(`/api/eval/scenarios/${scenario.id}`), 'scenario delete');
    assert.ok(!ok(await c.get('/api/plans')).items.some((p) => p.id === plan.id), `${who}: plan list`);
    assertError(await c.get(`/api/eval/scenarios?org=${x2County}`), 403, { field: 'org' });
    assertError(await c.get(`/api/eval/balanced?org=${x2County}`), 403, { field: 'org' });
    assertError(await c.get(`/api/metrics?org=${x2County}`), 400, { field: 'org' });
    assertError(await c.post('/api/plans', { year: YEAR + 1, county_org_id: x2County, title: '越权' }), 400, { field: 'county_org_id' });
    assertError(await c.put(`/api/eval/population/${x2Town}/${YEAR}`, { population: 1 }), 400, { field: 'town_id' });
    assertError(await c.get(`/api/eval/school/${x2School.school_id}`), 403);
    assertError(await c.post('/api/eval/what-if', { year: YEAR, stage: 'primary', changes: [{ school_id: x2School.school_id, field: 'teaching_area', add: 1 }] }), 400, { field: 'changes[0].school_id' });
  }

  // nothing of the other county changed
  const after = ok(await x2.get(`/api/items/${item.id}`));
  assert.equal(after.title, '县二事项');
  assert.equal(after.reports.length, 1);
  assert.equal(ok(await x2.get(`/api/eval/scenarios/${scenario.id}`)).name, '县二方案');

  // 长葛市's item cannot cite the other county's school or upload; nor the other way round
  const cgPlan = ok(await duda.get('/api/plans')).items[0];
  const cgItem = ok(await duda.post(`/api/plans/${cgPlan.id}/items`, { title: '证据测试' }), 201);
  const rep = (evidence) => ({ period: `${cgPlan.year}-03`, done: '进展', state: 'on_track', evidence });
  assertError(await duda.post(`/api/items/${cgItem.id}/reports`, rep([{ kind: 'record', record_type: 'school', record_id: x2School.school_id }])), 400, { field: 'evidence[0].record_id' });
  assertError(await duda.post(`/api/items/${cgItem.id}/reports`, rep([{ kind: 'file', upload_id: upload.id }])), 400, { field: 'evidence[0].upload_id' });
  for (const id of [cgPlan.id]) assertError(await x2.get(`/api/plans/${id}`), 404, { code: 'not_found' });
  assertError(await x2.get(`/api/items/${cgItem.id}`), 404, { code: 'not_found' });
  ok(await duda.del(`/api/items/${cgItem.id}`), 204);
});
