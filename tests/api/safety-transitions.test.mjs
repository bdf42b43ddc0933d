// safety-transitions.test.mjs - every step the loop does not allow is
// refused with the right status and changes nothing; creation validation;
// overdue computed against the deadline and today in UTC+8.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { assertError, ok, cstDate, allPages } from '../lib/client.mjs';
import { safetyFixtures, hazardBody, createHazard, transition, uploadPhoto, makePng } from '../lib/safety.mjs';

const S = serverSuite();
const enc = encodeURIComponent;

async function stepsOf(c, id) {
  return ok(await c.get(`/api/hazards/${id}`)).steps.length;
}

S.test('invalid transitions: 409 invalid_transition naming both states, 400, 404; nothing changes', async () => {
  const f = await safetyFixtures(S);
  const school = await S.login(f.userA);
  const otherSchool = await S.login(f.userB);
  const anquan = await S.login('anquan');
  const h = await createHazard(school, hazardBody(f.a, f.cat('消防')));
  const id = h.id;

  // 已登记 -> 已销号 directly
  for (const c of [school, anquan]) {
    const e = assertError(await transition(c, id, '已销号', '直接销号'), 409, { code: 'invalid_transition' });
    assert.ok(e.message.includes('已登记') && e.message.includes('已销号'), `message names both states: ${e.message}`);
  }
  // 已登记 -> 待验收 (skipping 整改中) and 退回 from 已登记
  assertError(await transition(school, id, '待验收', '跳过'), 409, { code: 'invalid_transition' });
  assertError(await transition(anquan, id, '退回', '退回'), 409, { code: 'invalid_transition' });
  // unknown target and missing target
  assertError(await transition(school, id, '已完成', 'x'), 400, { field: 'to' });
  assertError(await transition(school, id, '', 'x'), 400, { field: 'to' });
  assertError(await school.post(`/api/hazards/${id}/transition`, { comment: 'x' }), 400, { field: 'to' });
  assertError(await school.post(`/api/hazards/${id}/transition`, { to: 5 }), 400, { field: 'to' });
  // another school's admin: 404, not 403, and no data in the body
  for (const to of ['整改中', '已销号', '退回']) {
    const r = await transition(otherSchool, id, to, '别校操作');
    assertError(r, 404);
    assert.ok(!r.text.includes(h.description), 'no data of the other school');
  }
  const g = await otherSchool.get(`/api/hazards/${id}`);
  assertError(g, 404);
  assert.ok(!g.text.includes(h.description));
  // a hazard that does not exist
  assertError(await transition(anquan, 99999999, '整改中', 'x'), 404);
  assert.equal(await stepsOf(school, id), 1, 'only the registration step');
  assert.equal(ok(await school.get(`/api/hazards/${id}`)).status, '已登记');

  ok(await transition(school, id, '整改中', '开始'));
  // 退回 from 整改中; 整改中 -> 整改中; 整改中 -> 已销号
  assertError(await transition(anquan, id, '退回', '不合格'), 409, { code: 'invalid_transition' });
  assertError(await transition(school, id, '整改中', '再次'), 409, { code: 'invalid_transition' });
  const e2 = assertError(await transition(anquan, id, '已销号', 'x'), 409, { code: 'invalid_transition' });
  assert.ok(e2.message.includes('整改中'), e2.message);

  ok(await transition(school, id, '待验收', '完成'));
  // 退回 without a comment, with a blank comment
  assertError(await transition(anquan, id, '退回'), 400, { field: 'comment' });
  assertError(await transition(anquan, id, '退回', ''), 400, { field: 'comment' });
  assertError(await transition(anquan, id, '退回', '   '), 400, { field: 'comment' });
  // 待验收 -> 整改中 directly is only via 退回
  assertError(await transition(school, id, '整改中', 'x'), 409, { code: 'invalid_transition' });
  assert.equal(ok(await school.get(`/api/hazards/${id}`)).status, '待验收');
  assert.equal(await stepsOf(school, id), 3, 'refusals added no steps');

  ok(await transition(anquan, id, '已销号', '验收合格'));
  // a closed hazard: every transition 409, PATCH 409
  for (const to of ['整改中', '待验收', '已销号', '退回']) {
    assertError(await transition(anquan, id, to, '已销号后操作'), 409, { code: 'invalid_transition' });
  }
  assertError(await school.patch(`/api/hazards/${id}`, { measures: '已销号后修改' }), 409);
  const after = ok(await school.get(`/api/hazards/${id}`));
  assert.equal(after.status, '已销号');
  assert.notEqual(after.measures, '已销号后修改');
  assert.equal(after.steps.length, 4);
});

S.test('closing needs the plan (measures, responsible, deadline): 400 naming what is missing', async () => {
  const f = await safetyFixtures(S);
  const school = await S.login(f.userA);
  const h = await createHazard(school, hazardBody(f.a, f.cat('食品'), { measures: undefined, responsible: undefined, deadline: undefined }));
  ok(await transition(school, h.id, '整改中', 'x'));
  ok(await transition(school, h.id, '待验收', 'x'));
  const e = assertError(await transition(school, h.id, '已销号', '验收'), 400);
  assert.ok(['measures', 'responsible', 'deadline'].includes(e.field) || /措施|责任人|时限/.test(e.message),
    `names a missing plan field: ${JSON.stringify(e)}`);
  // PATCH the plan while open, then it closes
  const p = ok(await school.patch(`/api/hazards/${h.id}`, { measures: '更换过期食材', responsible: '王五', deadline: cstDate(5) }));
  assert.equal(p.measures, '更换过期食材');
  assert.equal(p.status, '待验收', 'PATCH does not change the status');
  // status and school_id are not editable
  const bad = await school.patch(`/api/hazards/${h.id}`, { status: '已销号' });
  assert.ok(bad.status === 400 || (bad.status === 200 && bad.json.status === '待验收'), `PATCH status: ${bad.status} ${bad.text}`);
  assert.equal(ok(await transition(school, h.id, '已销号', '验收')).status, '已销号');
});

S.test('create validation: 400 naming the field', async () => {
  const f = await safetyFixtures(S);
  const school = await S.login(f.userA);
  const base = hazardBody(f.a, f.cat('消防'));
  for (const k of ['school_id', 'category_id', 'grade', 'description', 'found_on']) {
    const b = { ...base };
    delete b[k];
    assertError(await school.post('/api/hazards', b), 400, { field: k });
  }
  assertError(await school.post('/api/hazards', { ...base, grade: '特大' }), 400, { field: 'grade' });
  assertError(await school.post('/api/hazards', { ...base, found_on: '2021-13-40' }), 400, { field: 'found_on' });
  assertError(await school.post('/api/hazards', { ...base, deadline: '明天' }), 400, { field: 'deadline' });
  assertError(await school.post('/api/hazards', { ...base, category_id: 987654 }), 400, { field: 'category_id' });
  assertError(await school.post('/api/hazards', { ...base, funds: -1 }), 400, { field: 'funds' });
  assertError(await school.post('/api/hazards', { ...base, description: '   ' }), 400, { field: 'description' });
  assert.equal(ok(await f.admin.get(`/api/hazards?q=${enc(base.description)}`)).total, 0, 'nothing created');
});

S.test('overdue: deadline yesterday (UTC+8) is overdue and counted; deadline today is not', async () => {
  const f = await safetyFixtures(S);
  const school = await S.login(f.userB);
  const anquan = await S.login('anquan');
  const sumBefore = ok(await anquan.get('/api/safety/summary?from=2021-01-01&to=2021-12-31')).hazards;
  const overdueBefore = ok(await anquan.get('/api/hazards?overdue=1&per_page=1')).total;

  const late = await createHazard(school, hazardBody(f.b, f.cat('水电气热'), {
    grade: '重大', found_on: cstDate(-30), deadline: cstDate(-1), description: '逾期测试：配电箱未上锁' }));
  const onTime = await createHazard(school, hazardBody(f.b, f.cat('水电气热'), {
    found_on: cstDate(-30), deadline: cstDate(0), description: '当日到期测试：燃气报警器失效' }));
  const noDeadline = await createHazard(school, hazardBody(f.b, f.cat('水电气热'), {
    found_on: cstDate(-30), deadline: undefined, description: '无时限测试' }));

  const l = ok(await school.get(`/api/hazards/${late.id}`));
  assert.equal(l.overdue, true, `deadline ${l.deadline} < today ${cstDate(0)}: overdue`);
  assert.equal(l.days_overdue, 1);
  const t = ok(await school.get(`/api/hazards/${onTime.id}`));
  assert.equal(t.overdue, false, `deadline today ${t.deadline} is not overdue`);
  assert.ok(!t.days_overdue, `days_overdue of a hazard due today: ${t.days_overdue}`);
  assert.equal(ok(await school.get(`/api/hazards/${noDeadline.id}`)).overdue, false);

  const list = await allPages(school, `/api/hazards?overdue=1&school_id=${f.b.id}`);
  assert.ok(list.some((x) => x.id === late.id), 'the late one is in ?overdue=1');
  assert.ok(!list.some((x) => x.id === onTime.id), 'the one due today is not');
  assert.ok(!list.some((x) => x.id === noDeadline.id), 'one without a deadline is not');
  const today = cstDate(0);
  for (const x of list) {
    assert.equal(x.overdue, true);
    assert.notEqual(x.status, '已销号');
    assert.ok(x.deadline && x.deadline < today, `overdue item with deadline ${x.deadline}`);
  }
  // the filter agrees with the flag over the whole scope
  const everything = await allPages(anquan, '/api/hazards');
  const flagged = everything.filter((x) => x.overdue);
  for (const x of everything) {
    const should = x.status !== '已销号' && !!x.deadline && x.deadline < today;
    assert.equal(x.overdue, should, `overdue flag of hazard ${x.id} (${x.status}, deadline ${x.deadline})`);
  }
  assert.equal(ok(await anquan.get('/api/hazards?overdue=1&per_page=1')).total, flagged.length);
  assert.equal(flagged.length, overdueBefore + 1, 'exactly one more overdue hazard');

  // the summary counts it (overdue is as of today over the whole scope)
  const sum = ok(await anquan.get('/api/safety/summary?from=2021-01-01&to=2021-12-31')).hazards;
  assert.equal(sum.overdue, sumBefore.overdue + 1, 'summary.overdue counts the late one, not the one due today');
  assert.equal(sum.overdue, flagged.length);
  assert.equal(sum.open, sumBefore.open + 3);
  assert.equal(sum.supervised_open, sumBefore.supervised_open + 1);

  // the 首页 alert lists overdue 重大 hazards
  const leader = await S.login('leader');
  const alerts = ok(await leader.get('/api/safety/alerts')).overdue_major;
  assert.ok(alerts.some((x) => x.id === late.id), 'the overdue 重大 hazard is on 首页');
  assert.ok(alerts.every((x) => x.grade === '重大' && x.overdue === true));
  assert.ok(!alerts.some((x) => x.id === onTime.id));

  // closing it removes it from the overdue count
  ok(await transition(school, late.id, '整改中', 'x'));
  ok(await transition(school, late.id, '待验收', 'x'));
  ok(await uploadPhoto(school, late.id, makePng(3, 3, 41)), 201);
  ok(await transition(anquan, late.id, '已销号', '验收'));
  assert.equal(ok(await school.get(`/api/hazards/${late.id}`)).overdue, false, 'a closed hazard is not overdue');
  assert.equal(ok(await anquan.get('/api/safety/summary?from=2021-01-01&to=2021-12-31')).hazards.overdue, sumBefore.overdue);
});
