// stats-rounds.test.mjs - 填报任务 (issue 3): 基础教育股 opens a round (a
// school administrator and a 局领导 may not); the progress page's counts per
// town equal the counts of its per-school list and of the records list of
// the round; a school that submits moves from not_submitted to submitted;
// the late list (format=xlsx) is empty the day before the deadline and holds
// exactly the schools not submitted or returned the day after. The server's
// clock is fixed with EDUBUREAU_NOW, so the days are exact.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { assertError, ok } from '../lib/client.mjs';
import { assertXlsxReply, tableAfterHeader } from '../lib/xlsx.mjs';
import { recordList, getRecord, saveClean, enc } from '../lib/stats.mjs';

// 2022-09-25 12:00 in UTC+8
const NOW = Date.UTC(2022, 8, 25, 4, 0, 0) / 1000;
const TODAY = '2022-09-25';
const YESTERDAY = '2022-09-24';
const TOMORROW = '2022-09-26';
const S = serverSuite({ env: { EDUBUREAU_NOW: String(NOW) } });
const YEAR = 2022;
const TYPES = ['小学', '初中'];
const COUNT_KEYS = ['not_submitted', 'submitted', 'returned', 'approved'];
const STATUS_KEY = { 未填报: 'not_submitted', 草稿: 'not_submitted', 已提交: 'submitted', 已退回: 'returned', 已通过: 'approved' };

let roundId = null;

async function progress(c, id, query = '') {
  return ok(await c.get(`/api/stats/rounds/${id}/progress${query ? `?${query}` : ''}`));
}

// Counts per town (by name) from a list of schools with status.
function countByTown(schools) {
  const m = new Map();
  for (const s of schools) {
    if (!m.has(s.town)) m.set(s.town, { schools: 0, not_submitted: 0, submitted: 0, returned: 0, approved: 0 });
    const t = m.get(s.town);
    t.schools += 1;
    const k = STATUS_KEY[s.status];
    assert.ok(k, `known status ${s.status}`);
    t[k] += 1;
  }
  return m;
}

function assertTownsMatch(p, what) {
  const expect = countByTown(p.schools);
  const got = new Map(p.towns.filter((t) => t.schools > 0).map((t) => [t.town, t]));
  assert.deepEqual([...got.keys()].sort(), [...expect.keys()].sort(), `${what}: towns`);
  for (const [town, e] of expect) {
    const g = got.get(town);
    for (const k of ['schools', ...COUNT_KEYS]) assert.equal(g[k], e[k], `${what}: ${town} ${k}`);
    assert.equal(COUNT_KEYS.reduce((a, k) => a + g[k], 0), g.schools, `${what}: ${town} counts add up`);
  }
}

S.test('opening a round: jijiao and admin may, a school administrator and a leader may not; it is listed', async () => {
  const jijiao = await S.login('jijiao');
  const leader = await S.login('leader');
  const admin = await S.login('admin');
  const school = (await recordList(admin, 2021)).find((r) => r.status !== '未填报') || (await recordList(admin, 2021))[0];
  const sadmin = await S.login(`s${school.code}`);
  const body = { name: `${YEAR}学年小学初中基表`, year: YEAR, school_types: TYPES, deadline: TOMORROW, note: '测试任务' };

  assertError(await sadmin.post('/api/stats/rounds', body), 403);
  assertError(await leader.post('/api/stats/rounds', body), 403);
  assertError(await jijiao.post('/api/stats/rounds', { ...body, name: '' }), 400, { field: 'name' });
  assertError(await jijiao.post('/api/stats/rounds', { ...body, deadline: '2022-02-30' }), 400, { field: 'deadline' });
  assertError(await jijiao.post('/api/stats/rounds', { ...body, school_types: [] }), 400, { field: 'school_types' });

  const created = ok(await jijiao.post('/api/stats/rounds', body), 201);
  roundId = created.id;
  assert.ok(Number.isInteger(roundId) && roundId > 0, `round id: ${JSON.stringify(created)}`);
  // a second 进行中 round of the same year covering 小学 is a conflict
  assertError(await jijiao.post('/api/stats/rounds', { ...body, school_types: ['小学'] }), 409, { field: 'school_types' });

  const list = ok(await leader.get(`/api/stats/rounds?year=${YEAR}`)).items;
  const r = list.find((x) => x.id === roundId);
  assert.ok(r, `listed: ${JSON.stringify(list)}`);
  assert.equal(r.name, body.name);
  assert.equal(Number(r.year), YEAR);
  assert.deepEqual([...r.school_types].sort(), [...TYPES].sort());
  assert.equal(r.deadline, TOMORROW);
  assert.equal(r.status, '进行中');
  // nothing filed yet for 2022: every school is not submitted
  assert.ok(r.schools > 0, `schools in the round: ${r.schools}`);
  assert.equal(r.not_submitted, r.schools);
  assert.equal(r.submitted + r.approved + r.returned, 0);
  // the count of schools equals the active schools of those types in the county
  let active = 0;
  for (const t of TYPES) active += ok(await admin.get(`/api/schools?type=${enc(t)}&status=${enc('在办')}&per_page=1`)).total;
  assert.equal(r.schools, active, 'one school per active school of the types');
});

S.test('progress per town equals the per-school list and the records list; submitting moves a school', async () => {
  assert.ok(roundId, 'round created by the previous test');
  const jijiao = await S.login('jijiao');
  let p = await progress(jijiao, roundId);
  assert.equal(p.round.id, roundId);
  assert.ok(p.schools.length > 0);
  for (const s of p.schools) {
    assert.ok(TYPES.includes(s.type), `type ${s.type} in the round`);
    assert.equal(s.late, false, `not late before the deadline: ${JSON.stringify(s)}`);
  }
  assertTownsMatch(p, 'initial');

  // two schools submit, one is returned
  const pick = p.schools.slice(0, 3);
  for (const s of pick) {
    const c = await S.login(`s${s.code}`);
    const rec = await getRecord(c, s.school_id, YEAR);
    await saveClean(c, s.school_id, YEAR, rec.values, rec.explanations || {});
    ok(await c.post(`/api/stats/records/${s.school_id}/${YEAR}/submit`));
  }
  ok(await jijiao.post(`/api/stats/records/${pick[2].school_id}/${YEAR}/return`, { comment: '请补充随迁子女数' }));

  p = await progress(jijiao, roundId);
  const st = new Map(p.schools.map((s) => [s.school_id, s.status]));
  assert.equal(st.get(pick[0].school_id), '已提交');
  assert.equal(st.get(pick[1].school_id), '已提交');
  assert.equal(st.get(pick[2].school_id), '已退回');
  assert.ok(p.schools.find((s) => s.school_id === pick[0].school_id).submitted_at, 'submitted_at set');
  assertTownsMatch(p, 'after submissions');
  const total = (k) => p.towns.reduce((a, t) => a + t[k], 0);
  assert.equal(total('submitted'), 2);
  assert.equal(total('returned'), 1);

  // the round's list counts agree
  const r = ok(await jijiao.get(`/api/stats/rounds?year=${YEAR}`)).items.find((x) => x.id === roundId);
  assert.equal(r.submitted, 2);
  assert.equal(r.returned, 1);
  assert.equal(r.schools, p.schools.length);
  assert.equal(r.not_submitted, p.schools.length - 3);

  // the records list of the round shows the same statuses
  const recs = await recordList(jijiao, YEAR, `round=${roundId}`);
  assert.equal(recs.length, p.schools.length, 'records list of the round has every school');
  for (const x of recs) assert.equal(x.status, st.get(x.school_id), `records list status of ${x.school_name}`);

  // filter by town
  const town = p.towns.find((t) => t.schools > 0);
  const pt = await progress(jijiao, roundId, `town=${town.town_id}`);
  assert.equal(pt.schools.length, town.schools, 'town filter');
  assert.ok(pt.schools.every((s) => s.town === town.town));
});

S.test('the late list: empty the day before the deadline; exactly the not submitted and returned schools after it', async () => {
  assert.ok(roundId, 'round created by the first test');
  const jijiao = await S.login('jijiao');
  // deadline tomorrow: nobody is late
  let p = await progress(jijiao, roundId);
  assert.ok(p.schools.every((s) => s.late === false));
  let x = assertXlsxReply(await jijiao.get(`/api/stats/rounds/${roundId}/progress?format=xlsx`));
  let t = tableAfterHeader(x.rows, '学校标识码');
  assert.equal(t.data.length, 0, `no late school before the deadline: ${JSON.stringify(t.data.slice(0, 3))}`);

  // deadline today: still not late (the deadline day has not passed)
  ok(await jijiao.patch(`/api/stats/rounds/${roundId}`, { deadline: TODAY }));
  p = await progress(jijiao, roundId);
  assert.ok(p.schools.every((s) => s.late === false), 'the deadline day itself is not late');

  // deadline yesterday: late = not submitted or returned
  ok(await jijiao.patch(`/api/stats/rounds/${roundId}`, { deadline: YESTERDAY }));
  p = await progress(jijiao, roundId);
  assert.equal(p.round.deadline, YESTERDAY);
  const late = p.schools.filter((s) => ['未填报', '草稿', '已退回'].includes(s.status));
  for (const s of p.schools) assert.equal(s.late, late.includes(s), `late of ${s.school_name} (${s.status})`);
  assert.ok(late.length > 0 && late.length < p.schools.length, `some late, not all: ${late.length}/${p.schools.length}`);
  x = assertXlsxReply(await jijiao.get(`/api/stats/rounds/${roundId}/progress?format=xlsx`));
  t = tableAfterHeader(x.rows, '学校标识码');
  const ci = t.header.indexOf('学校标识码');
  assert.deepEqual(t.data.map((r) => r[ci]).sort(), late.map((s) => s.code).sort(), 'the xlsx lists exactly the late schools');
  const ni = t.header.findIndex((h) => /学校名称/.test(h));
  assert.ok(ni >= 0, `学校名称 column: ${t.header}`);
  assert.ok(t.header.every((h) => h === '' || /[\u4e00-\u9fff]/.test(h)), `Chinese column titles: ${t.header}`);

  // the school cannot move the deadline; closing the round
  const s = await S.login(`s${p.schools[0].code}`);
  assertError(await s.patch(`/api/stats/rounds/${roundId}`, { deadline: TOMORROW }), 403);
  assertError(await jijiao.patch(`/api/stats/rounds/${roundId}`, { status: '暂停' }), 400, { field: 'status' });
  ok(await jijiao.patch(`/api/stats/rounds/${roundId}`, { status: '已结束' }));
  const r = ok(await jijiao.get(`/api/stats/rounds?year=${YEAR}`)).items.find((y) => y.id === roundId);
  assert.equal(r.status, '已结束');
  assertError(await jijiao.get('/api/stats/rounds/999999/progress'), 404);
});
