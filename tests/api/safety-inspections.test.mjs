// safety-inspections.test.mjs - 排查: an inspection covering two schools;
// findings become hazards of that inspection in one transaction (all or
// nothing); coverage shows who was and was not inspected in a period;
// checklists; categories; activities and vaccination writes.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { assertError, ok, allPages, cstDate } from '../lib/client.mjs';
import { safetyFixtures } from '../lib/safety.mjs';

const S = serverSuite();
const enc = encodeURIComponent;
const truthy = (v) => v === true || v === 1;

function lastDay(month) {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

// A month (YYYY-MM) up to the current one with no inspections at all, found
// by asking the list; the inspection goes on its first day (never in the future).
async function emptyMonth(c) {
  const today = cstDate(0);
  let y = Number(today.slice(0, 4));
  let m = Number(today.slice(5, 7));
  for (let i = 0; i < 24; i++) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    const r = ok(await c.get(`/api/inspections?from=${month}-01&to=${lastDay(month)}&per_page=1`));
    if (r.total === 0) return month;
    m -= 1;
    if (m === 0) { m = 12; y -= 1; }
  }
  assert.fail('no month without inspections in the last two years');
}

S.test('inspection of two schools: findings create hazards of the inspection; coverage lists the other school as not inspected', async () => {
  const f = await safetyFixtures(S);
  const anquan = await S.login('anquan');
  const month = await emptyMonth(anquan);
  const from = `${month}-01`;
  const to = lastDay(month);
  const onDate = from;

  const ins = ok(await anquan.post('/api/inspections', {
    name: '测试专项排查', kind: '专项', on_date: onDate, school_ids: [f.a.id, f.b.id],
    category_ids: [f.cat('消防'), f.cat('校舍')], note: '测试',
  }), 201);
  assert.ok(Number.isInteger(ins.id), `inspection id: ${JSON.stringify(ins)}`);

  let d = ok(await anquan.get(`/api/inspections/${ins.id}`));
  assert.equal(d.schools.length, 2);
  assert.deepEqual(d.schools.map((s) => s.school_id).sort((x, y) => x - y), [f.a.id, f.b.id].sort((x, y) => x - y));
  assert.ok(d.schools.every((s) => !truthy(s.done)), 'nobody done yet');
  assert.ok(Array.isArray(d.checklist) && d.checklist.length >= 5, `checklist of 消防 and 校舍: ${JSON.stringify(d.checklist)}`);
  const ckText = JSON.stringify(d.checklist);
  assert.ok(ckText.includes('灭火器') && ckText.includes('围墙'), 'checklist items of both categories');
  assert.ok(!ckText.includes('食堂'), 'no items of other categories');

  const hazardsOf = async (sid) => ok(await anquan.get(`/api/hazards?school_id=${sid}&per_page=1`)).total;
  const bBefore = await hazardsOf(f.b.id);

  // a findings post with one invalid hazard creates nothing
  const bad = await anquan.post(`/api/inspections/${ins.id}/findings`, {
    school_id: f.b.id, result: '发现问题',
    hazards: [
      { category_id: f.cat('消防'), grade: '一般', description: '灭火器过期', found_on: onDate },
      { category_id: f.cat('校舍'), grade: '特大', description: '墙体开裂', found_on: onDate },
    ],
  });
  const e = assertError(bad, 400);
  assert.ok(/hazards\[1\]/.test(String(e.field)) || String(e.field).endsWith('grade'), `names hazards[1].grade: ${JSON.stringify(e)}`);
  assert.equal(await hazardsOf(f.b.id), bBefore, 'the valid first hazard was not created either');
  d = ok(await anquan.get(`/api/inspections/${ins.id}`));
  assert.ok(!truthy(d.schools.find((s) => s.school_id === f.b.id).done), 'school B still not done');

  // findings for school A with two hazards
  const aBefore = await hazardsOf(f.a.id);
  const res = ok(await anquan.post(`/api/inspections/${ins.id}/findings`, {
    school_id: f.a.id, result: '发现隐患2处',
    hazards: [
      { category_id: f.cat('消防'), grade: '一般', description: '排查发现：灭火器压力不足', location: '一楼走廊', found_on: onDate,
        measures: '更换', responsible: '赵一', deadline: to },
      { category_id: f.cat('校舍'), grade: '重大', description: '排查发现：围墙倾斜', location: '东侧围墙', found_on: onDate },
    ],
  }), 201);
  assert.equal(res.hazard_ids.length, 2);
  assert.equal(await hazardsOf(f.a.id), aBefore + 2);
  for (const hid of res.hazard_ids) {
    const h = ok(await anquan.get(`/api/hazards/${hid}`));
    assert.equal(h.inspection_id, ins.id, 'the hazard names its inspection');
    assert.equal(h.school_id, f.a.id);
    assert.equal(h.status, '已登记');
    assert.equal(h.steps.length, 1, 'a 登记 step');
  }
  const grades = await Promise.all(res.hazard_ids.map(async (hid) => ok(await anquan.get(`/api/hazards/${hid}`)).grade));
  assert.deepEqual(grades.sort(), ['一般', '重大'].sort());

  d = ok(await anquan.get(`/api/inspections/${ins.id}`));
  const sa = d.schools.find((s) => s.school_id === f.a.id);
  const sb = d.schools.find((s) => s.school_id === f.b.id);
  assert.ok(truthy(sa.done), 'school A marked done');
  assert.equal(sa.result, '发现隐患2处');
  assert.equal(sa.hazards, 2);
  assert.ok(!truthy(sb.done));

  const list = ok(await anquan.get(`/api/inspections?from=${from}&to=${to}`));
  assert.equal(list.total, 1);
  const li = list.items[0];
  assert.equal(li.id, ins.id);
  assert.equal(li.schools, 2);
  assert.equal(li.done, 1);
  assert.equal(li.hazards, 2);
  assert.equal(li.kind, '专项');

  // coverage for the month: A inspected, B (covered but not done) not, and every other school not
  const cov = ok(await anquan.get(`/api/safety/coverage?from=${from}&to=${to}`));
  const ca = cov.schools.find((s) => s.school_id === f.a.id);
  const cb = cov.schools.find((s) => s.school_id === f.b.id);
  assert.ok(ca && cb, 'both schools listed');
  assert.ok(ca.inspections >= 1);
  assert.equal(ca.last_on, onDate);
  assert.equal(cb.inspections, 0, 'the other school is not inspected');
  assert.equal(cov.inspected, 1);
  assert.equal(cov.not_inspected, cov.schools.length - 1);
  const active = (await allPages(f.admin, '/api/schools')).filter((s) => s.status === '在办' || (s.closed_on && s.closed_on >= from)).length;
  assert.equal(cov.schools.length, active, 'coverage lists every school in scope that existed in the period');
  // the findings' hazards are found in the month
  const hazardsA = await allPages(anquan, `/api/hazards?school_id=${f.a.id}&from=${from}&to=${to}`);
  assert.ok(res.hazard_ids.every((id) => hazardsA.some((h) => h.id === id)), 'found_on in the month');
});

S.test('a school admin may only inspect its own school; bad inspections are refused', async () => {
  const f = await safetyFixtures(S);
  const school = await S.login(f.userA);
  const onDate = cstDate(-1);
  const both = await school.post('/api/inspections', { name: '自查', kind: '日常', on_date: onDate, school_ids: [f.a.id, f.b.id] });
  assert.ok([403, 404].includes(both.status), `a school covering another school: ${both.status} ${both.text}`);
  const own = ok(await school.post('/api/inspections', { name: '自查', kind: '日常', on_date: onDate, school_ids: [f.a.id] }), 201);
  const mine = ok(await school.get(`/api/inspections/${own.id}`));
  assert.deepEqual(mine.schools.map((s) => s.school_id), [f.a.id]);
  const other = await S.login(f.userB);
  assertError(await other.get(`/api/inspections/${own.id}`), 404);
  assertError(await other.post(`/api/inspections/${own.id}/findings`, { school_id: f.a.id, result: 'x', hazards: [] }), 404);
  const anquan = await S.login('anquan');
  assertError(await anquan.post('/api/inspections', { name: 'x', kind: '随便', on_date: onDate, school_ids: [f.a.id] }), 400, { field: 'kind' });
  assertError(await anquan.post('/api/inspections', { name: 'x', kind: '日常', on_date: '2021-02-30', school_ids: [f.a.id] }), 400, { field: 'on_date' });
  assertError(await anquan.post('/api/inspections', { kind: '日常', on_date: onDate, school_ids: [f.a.id] }), 400, { field: 'name' });
  // findings for a school the inspection does not cover
  const ins = ok(await anquan.post('/api/inspections', { name: '节前排查', kind: '节前', on_date: onDate, school_ids: [f.a.id] }), 201);
  const r = await anquan.post(`/api/inspections/${ins.id}/findings`, { school_id: f.b.id, result: 'x', hazards: [] });
  assert.ok([400, 404, 409].includes(r.status), `findings for an uncovered school: ${r.status} ${r.text}`);
  const leader = await S.login('leader');
  assertError(await leader.post('/api/inspections', { name: 'x', kind: '日常', on_date: onDate, school_ids: [f.a.id] }), 403, { code: 'forbidden' });
});

S.test('categories: 安全稳定股 adds one (409 on a duplicate), a school may not', async () => {
  const anquan = await S.login('anquan');
  const name = `测试类别${Date.now() % 100000}`;
  const c = ok(await anquan.post('/api/safety/categories', { name }), 201);
  assert.equal(c.name, name);
  assertError(await anquan.post('/api/safety/categories', { name }), 409);
  assertError(await anquan.post('/api/safety/categories', { name: '消防' }), 409);
  const p = ok(await anquan.patch(`/api/safety/categories/${c.id}`, { active: false }));
  assert.ok(p.active === false || p.active === 0);
  const f = await safetyFixtures(S);
  const school = await S.login(f.userA);
  assertError(await school.post('/api/safety/categories', { name: `${name}2` }), 403, { code: 'forbidden' });
  const ck = ok(await anquan.get(`/api/safety/checklists?category_id=${f.cat('消防')}`)).items;
  assert.ok(ck.length >= 3 && ck.every((i) => i.category === '消防'));
});

S.test('activities and vaccination: required fields per kind, vaccinated ≤ eligible, totals move', async () => {
  const f = await safetyFixtures(S);
  const school = await S.login(f.userA);
  const day = cstDate(-2);
  const q = `from=${day}&to=${day}&school_id=${f.a.id}`;
  const before = (await allPages(school, `/api/safety/activities?${q}`)).length;
  assertError(await school.post('/api/safety/activities', { school_id: f.a.id, kind: '应急演练', title: '消防疏散演练', on_date: day }), 400, { field: 'participants' });
  assertError(await school.post('/api/safety/activities', { school_id: f.a.id, kind: '灭火器', title: '灭火器充装', on_date: day }), 400, { field: 'quantity' });
  assertError(await school.post('/api/safety/activities', { school_id: f.a.id, kind: '维修', title: '修围墙', on_date: day, funds: -5 }), 400, { field: 'funds' });
  assertError(await school.post('/api/safety/activities', { school_id: f.a.id, kind: '聚餐', title: 'x', on_date: day }), 400, { field: 'kind' });
  ok(await school.post('/api/safety/activities', { school_id: f.a.id, kind: '应急演练', title: '消防疏散演练', on_date: day, participants: 640 }), 201);
  ok(await school.post('/api/safety/activities', { school_id: f.a.id, kind: '灭火器', title: '灭火器充装', on_date: day, quantity: 24, funds: 1200 }), 201);
  const after = await allPages(school, `/api/safety/activities?${q}`);
  assert.equal(after.length, before + 2);
  const other = await school.post('/api/safety/activities', { school_id: f.b.id, kind: '应急演练', title: 'x', on_date: day, participants: 1 });
  assert.ok([403, 404].includes(other.status), `activity for another school: ${other.status}`);

  const period = cstDate(0).slice(0, 7);
  assertError(await school.put('/api/safety/vaccinations', { school_id: f.a.id, period, staff_eligible: 50, staff_vaccinated: 51, pupils_eligible: 800, pupils_vaccinated: 790 }), 400, { field: 'staff_vaccinated' });
  assertError(await school.put('/api/safety/vaccinations', { school_id: f.a.id, period, staff_eligible: 50, staff_vaccinated: 50, pupils_eligible: 800, pupils_vaccinated: 801 }), 400, { field: 'pupils_vaccinated' });
  ok(await school.put('/api/safety/vaccinations', { school_id: f.a.id, period, staff_eligible: 50, staff_vaccinated: 49, pupils_eligible: 800, pupils_vaccinated: 792 }));
  ok(await school.put('/api/safety/vaccinations', { school_id: f.a.id, period, staff_eligible: 50, staff_vaccinated: 50, pupils_eligible: 800, pupils_vaccinated: 796 }));
  const v = ok(await school.get(`/api/safety/vaccinations?period=${period}`));
  const row = v.items.find((r) => r.school_id === f.a.id);
  assert.ok(row, 'the upserted row');
  assert.equal(row.pupils_vaccinated, 796, 'upsert replaced the first value');
  assert.equal(v.items.filter((r) => r.school_id === f.a.id).length, 1, 'one row per school and period');
  assert.ok(Math.abs(row.pupils_rate - 0.995) < 0.0005, `pupils_rate ${row.pupils_rate}`);
});
