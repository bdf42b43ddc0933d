// safety-loop.test.mjs - the hazard loop 已登记 → 整改中 → 待验收 → 已销号
// by the right roles: a school closes its own 一般 hazard after one 退回 by
// 安全稳定股; a 重大 hazard (挂牌督办) needs a 整改后 photo and the bureau;
// a 局领导 reads but may not step it; a step row and an audit row per step.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { assertError, ok, cstDate } from '../lib/client.mjs';
import {
  safetyFixtures, hazardBody, createHazard, transition, uploadPhoto, makePng,
  stepTo, stepFrom, stepUser, hazardAudit,
} from '../lib/safety.mjs';

const S = serverSuite();
const HAZARD_KEYS = ['id', 'school_id', 'school_name', 'school_code', 'town', 'inspection_id', 'category_id',
  'category', 'grade', 'supervised', 'location', 'description', 'found_on', 'found_by', 'measures',
  'responsible', 'funds', 'deadline', 'interim', 'status', 'overdue', 'days_overdue', 'returned', 'closed_on',
  'created_at', 'updated_at'];

function assertSteps(h, expected) {
  assert.ok(Array.isArray(h.steps), `hazard has steps: ${JSON.stringify(h)}`);
  assert.equal(h.steps.length, expected.length,
    `steps ${JSON.stringify(h.steps.map((s) => [stepFrom(s), stepTo(s), stepUser(s)]))}`);
  expected.forEach(([from, to, user, comment], i) => {
    const s = h.steps[i];
    assert.equal(stepTo(s), to, `step ${i} to: ${JSON.stringify(s)}`);
    if (i > 0) assert.equal(stepFrom(s), from, `step ${i} from: ${JSON.stringify(s)}`);
    assert.equal(stepUser(s), user, `step ${i} by: ${JSON.stringify(s)}`);
    if (comment) assert.equal(s.comment, comment, `step ${i} comment`);
  });
  for (let i = 1; i < h.steps.length; i++) {
    const a = h.steps[i - 1].at ?? h.steps[i - 1].id;
    const b = h.steps[i].at ?? h.steps[i].id;
    assert.ok(a <= b, 'steps oldest first');
  }
}

S.test('一般 hazard: school registers, rectifies, 安全稳定股 returns once, school resubmits and closes it', async () => {
  const f = await safetyFixtures(S);
  const school = await S.login(f.userA);
  assert.equal(school.user.school_id, f.a.id);
  const anquan = await S.login('anquan');

  const body = hazardBody(f.a, f.cat('消防'));
  const h0 = await createHazard(school, body);
  for (const k of HAZARD_KEYS) assert.ok(k in h0, `hazard lacks ${k}: ${JSON.stringify(h0)}`);
  assert.equal(h0.status, '已登记');
  assert.equal(h0.school_id, f.a.id);
  assert.equal(h0.school_name, f.a.name);
  assert.equal(h0.school_code, f.a.code);
  assert.equal(h0.category, '消防');
  assert.equal(h0.grade, '一般');
  assert.ok(!h0.supervised, '一般 is not 挂牌督办');
  assert.equal(h0.description, body.description);
  assert.equal(h0.deadline, body.deadline);
  assert.equal(h0.found_on, body.found_on);
  assert.equal(Number(h0.funds), 500);
  assert.equal(h0.overdue, false);
  assert.equal(h0.returned, 0);
  assert.equal(h0.closed_on, null);
  const id = h0.id;

  // the school's own list has it; a leader can read it
  const mine = ok(await school.get(`/api/hazards?school_id=${f.a.id}&per_page=200`));
  assert.ok(mine.items.some((x) => x.id === id), 'in the school\'s list');
  assert.ok(mine.items.every((x) => x.school_id === f.a.id), 'a school sees only its own hazards');

  let h = ok(await transition(school, id, '整改中', '已安排清理'));
  assert.equal(h.status, '整改中');
  h = ok(await transition(school, id, '待验收', '已清理完毕'));
  assert.equal(h.status, '待验收');
  h = ok(await transition(anquan, id, '退回', '禁止堆放标志未设置'));
  assert.equal(h.status, '整改中', '退回 goes back to 整改中');
  assert.equal(h.returned, 1);
  h = ok(await transition(school, id, '待验收', '标志已设置'));
  assert.equal(h.status, '待验收');
  h = ok(await transition(school, id, '已销号', '验收合格'));
  assert.equal(h.status, '已销号', 'a school closes its own 一般 hazard');
  assert.equal(h.closed_on, cstDate(0), 'closed today (UTC+8)');
  assert.equal(h.overdue, false);

  const d = ok(await school.get(`/api/hazards/${id}`));
  assert.ok(Array.isArray(d.photos), 'detail has photos');
  assertSteps(d, [
    [null, '已登记', f.userA],
    ['已登记', '整改中', f.userA, '已安排清理'],
    ['整改中', '待验收', f.userA, '已清理完毕'],
    ['待验收', '整改中', 'anquan', '禁止堆放标志未设置'],
    ['整改中', '待验收', f.userA, '标志已设置'],
    ['待验收', '已销号', f.userA, '验收合格'],
  ]);
  const returned = d.steps[3];
  assert.ok(/退回/.test(returned.action ?? '') || stepTo(returned) === '整改中', 'the return step');

  // the closed hazard is in the 已销号 list and not in the open ones
  const closed = ok(await school.get(`/api/hazards?school_id=${f.a.id}&status=${encodeURIComponent('已销号')}&per_page=200`));
  assert.ok(closed.items.some((x) => x.id === id));
  assert.ok(closed.items.every((x) => x.status === '已销号'));

  // an audit row per write: the creation and each of the 5 transitions
  const audit = await hazardAudit(f.admin, id);
  assert.ok(audit.length >= 6, `audit rows for the hazard: ${JSON.stringify(audit.map((r) => [r.action, r.username]))}`);
  assert.equal(audit[0].username, f.userA, 'created by the school');
  const byUser = audit.map((r) => r.username);
  assert.equal(byUser.filter((u) => u === 'anquan').length, 1, `one row by anquan: ${byUser}`);
  assert.ok(byUser.filter((u) => u === f.userA).length >= 5, `rows by the school: ${byUser}`);
  const statuses = audit.map((r) => r.after && r.after.status).filter(Boolean);
  assert.deepEqual(statuses.slice(-5), ['整改中', '待验收', '整改中', '待验收', '已销号'], `after.status of the transitions: ${statuses}`);
  const last = audit[audit.length - 1];
  assert.equal(last.before && last.before.status, '待验收', 'before of the last row');
});

S.test('重大 hazard: 挂牌督办; the school cannot close it; anquan needs a 整改后 photo; the leader only reads', async () => {
  const f = await safetyFixtures(S);
  const school = await S.login(f.userA);
  const anquan = await S.login('anquan');
  const leader = await S.login('leader');
  const h0 = await createHazard(school, hazardBody(f.a, f.cat('校舍'), { grade: '重大', description: '重大测试隐患：围墙倾斜开裂' }));
  const id = h0.id;
  assert.equal(h0.grade, '重大');
  assert.ok(h0.supervised === true || h0.supervised === 1, `重大 is 挂牌督办 from registration: ${h0.supervised}`);

  // the leader reads, but may not take any step
  const lr = ok(await leader.get(`/api/hazards/${id}`));
  assert.equal(lr.id, id);
  for (const to of ['整改中', '待验收', '已销号', '退回']) {
    assertError(await transition(leader, id, to, '领导操作'), 403, { code: 'forbidden' });
  }
  assertError(await leader.post('/api/hazards', hazardBody(f.a, f.cat('校舍'))), 403, { code: 'forbidden' });
  assert.equal(ok(await leader.get(`/api/hazards/${id}`)).status, '已登记', 'leader changed nothing');

  ok(await transition(school, id, '整改中', '开始加固'));
  assertError(await transition(leader, id, '待验收', 'x'), 403, { code: 'forbidden' });
  ok(await transition(school, id, '待验收', '加固完成'));

  // closing without a 整改后 photo: 400 naming what is missing
  const noPhoto = assertError(await transition(anquan, id, '已销号', '验收'), 400);
  assert.match(noPhoto.message, /照片|整改后/, `message names the photo: ${noPhoto.message}`);
  assert.equal(ok(await anquan.get(`/api/hazards/${id}`)).status, '待验收', 'still 待验收');

  // a 整改前 photo does not count
  ok(await uploadPhoto(school, id, makePng(4, 4, 21), { kind: '整改前', name: 'before.png' }), 201);
  assertError(await transition(anquan, id, '已销号', '验收'), 400);

  const ph = ok(await uploadPhoto(school, id, makePng(6, 6, 22), { kind: '整改后', name: 'after.png' }), 201);
  assert.equal(ph.kind, '整改后');
  assert.equal(ph.mime, 'image/png');

  // the school may not close (nor return) its own 重大 hazard, even with the photo
  assertError(await transition(school, id, '已销号', '自行销号'), 403, { code: 'forbidden' });
  assertError(await transition(school, id, '退回', '自行退回'), 403, { code: 'forbidden' });
  assertError(await transition(leader, id, '已销号', 'x'), 403, { code: 'forbidden' });
  assert.equal(ok(await school.get(`/api/hazards/${id}`)).status, '待验收');

  const closed = ok(await transition(anquan, id, '已销号', '局安全股验收合格'));
  assert.equal(closed.status, '已销号');
  assert.equal(closed.closed_on, cstDate(0));

  const d = ok(await leader.get(`/api/hazards/${id}`));
  assert.equal(d.photos.length, 2);
  assert.deepEqual(d.photos.map((p) => p.kind).sort(), ['整改前', '整改后'].sort());
  assertSteps(d, [
    [null, '已登记', f.userA],
    ['已登记', '整改中', f.userA],
    ['整改中', '待验收', f.userA],
    ['待验收', '已销号', 'anquan', '局安全股验收合格'],
  ]);

  const audit = await hazardAudit(f.admin, id);
  assert.ok(audit.length >= 4, `create + 3 transitions audited: ${JSON.stringify(audit.map((r) => r.action))}`);
  assert.equal(audit[audit.length - 1].username, 'anquan');
  assert.equal(audit[audit.length - 1].after.status, '已销号');
  assert.ok(!audit.some((r) => r.username === 'leader'), 'nothing audited for the refused leader steps');

  // 挂牌督办 filter
  const sup = ok(await leader.get(`/api/hazards?supervised=1&school_id=${f.a.id}&per_page=200`));
  assert.ok(sup.items.some((x) => x.id === id));
  assert.ok(sup.items.every((x) => x.supervised === true || x.supervised === 1));
});

S.test('安全稳定股 and 系统管理员 register for any school in scope; other 股室 and the auditor only read', async () => {
  const f = await safetyFixtures(S);
  const anquan = await S.login('anquan');
  const h = await createHazard(anquan, hazardBody(f.b, f.cat('食品'), { grade: '重大' }));
  assert.equal(h.school_id, f.b.id);
  const jijiao = await S.login('jijiao');
  assert.equal(ok(await jijiao.get(`/api/hazards/${h.id}`)).id, h.id, '基础教育股 reads');
  assertError(await transition(jijiao, h.id, '整改中', 'x'), 403, { code: 'forbidden' });
  assertError(await jijiao.post('/api/hazards', hazardBody(f.b, f.cat('食品'))), 403, { code: 'forbidden' });
  const audit = await S.login('audit');
  assert.equal(ok(await audit.get(`/api/hazards/${h.id}`)).id, h.id, '审计员 reads');
  assertError(await transition(audit, h.id, '整改中', 'x'), 403, { code: 'forbidden' });
  // the whole loop by 系统管理员 for a 重大 hazard
  ok(await transition(f.admin, h.id, '整改中', 'x'));
  ok(await transition(f.admin, h.id, '待验收', 'x'));
  ok(await uploadPhoto(f.admin, h.id, makePng(5, 5, 31), { kind: '整改后', name: 'a.png' }), 201);
  assert.equal(ok(await transition(f.admin, h.id, '已销号', '验收合格')).status, '已销号');
  // a school may not register a hazard for another school
  const school = await S.login(f.userA);
  const desc = '别校代登记的隐患描述';
  const other = await school.post('/api/hazards', hazardBody(f.b, f.cat('食品'), { description: desc }));
  assert.ok([403, 404].includes(other.status), `school registers for another school: ${other.status} ${other.text}`);
  assert.equal(ok(await f.admin.get(`/api/hazards?q=${encodeURIComponent(desc)}`)).total, 0, 'nothing created');
});
