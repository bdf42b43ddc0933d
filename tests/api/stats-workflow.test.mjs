// stats-workflow.test.mjs - the 基表 record's life (issue 3): a school
// administrator loads the form (pre-filled from last year), saves a draft,
// is refused a submission with a blocking error (400 validation_failed with
// the problem naming the field), fixes it and submits; 基础教育股 (jijiao)
// returns it (a comment is required), the school fixes and resubmits,
// jijiao approves; the record is locked (409 locked) and the school cannot
// reopen it (403); the 系统管理员 reopens it with a reason, audited. A 局领导
// reads but may not write; another school's administrator gets 404.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { assertError, ok } from '../lib/client.mjs';
import {
  getRecord, getSchema, schemaFields, sumRule, breakSum, fixSum, saveClean, pickEditableSchool,
  statsAuditSince, lastAuditId, deepGet, recordList, enc,
} from '../lib/stats.mjs';

const S = serverSuite();
const RECORD_KEYS = ['school', 'year', 'status', 'values', 'explanations', 'review_comment', 'previous', 'problems', 'schema'];
const STATUSES = ['未填报', '草稿', '已提交', '已退回', '已通过'];

function sameValues(actual, expected, what) {
  for (const [k, v] of Object.entries(expected)) {
    if (v === null || v === undefined) continue;
    assert.equal(Number.isFinite(Number(v)) ? Number(actual[k]) : actual[k], Number.isFinite(Number(v)) ? Number(v) : v,
      `${what}: ${k} is ${JSON.stringify(actual[k])}, expected ${JSON.stringify(v)}`);
  }
}

S.test('fill, draft, refused submit, submit, return with comment, resubmit, approve, locked, reopen audited', async () => {
  const admin = await S.login('admin');
  const { year, row, user } = await pickEditableSchool(admin);
  const sid = row.school_id;
  const school = await S.login(user);
  assert.equal(school.user.school_id, sid, `${user} is the admin of school ${sid}`);
  const jijiao = await S.login('jijiao');
  const leader = await S.login('leader');

  // ---- the form: pre-filled from last year when there is no record yet
  const rec0 = await getRecord(school, sid, year);
  for (const k of RECORD_KEYS) assert.ok(k in rec0, `record lacks ${k}: ${Object.keys(rec0)}`);
  assert.equal(Number(rec0.year), year);
  assert.ok(['未填报', '草稿'].includes(rec0.status), `editable status: ${rec0.status}`);
  assert.equal(rec0.school.id ?? rec0.school.school_id, sid);
  assert.ok(rec0.schema && Array.isArray(rec0.schema.sections) && rec0.schema.sections.length > 0, 'the form comes with the record');
  const prevYear = await getRecord(admin, sid, year - 1).catch(() => null);
  if (rec0.status === '未填报' && prevYear && prevYear.status !== '未填报') {
    const filled = Object.entries(prevYear.values).filter(([, v]) => v !== null);
    assert.ok(filled.length > 0, 'last year has values');
    for (const [k, v] of filled) assert.deepEqual(rec0.values[k], v, `pre-filled ${k} from ${year - 1}`);
    assert.deepEqual(rec0.previous, prevYear.values, 'previous holds last year\'s values');
  }

  const type = row.type || rec0.school.type;
  const schema = await getSchema(school, year, type);
  assert.ok(Array.isArray(schema.rules) && schema.rules.length > 0, 'the schema carries its rules');
  for (const r of schema.rules) {
    for (const k of ['rule', 'severity', 'field', 'args', 'message', 'explainable']) assert.ok(k in r, `rule lacks ${k}: ${JSON.stringify(r)}`);
    assert.ok(/[\u4e00-\u9fff]/.test(r.message), `rule message in Chinese: ${r.message}`);
  }
  const fields = schemaFields(schema);
  const intField = fields.find((f) => f.kind === 'int' && !f.computed);
  assert.ok(intField, 'an integer field');
  const sr = sumRule(schema);

  // ---- a value of the wrong kind: 400 naming the field, nothing saved
  for (const bad of ['abc', -3, 2.5]) {
    const res = await school.put(`/api/stats/records/${sid}/${year}`, { values: { [intField.key]: bad } });
    const e = assertError(res, 400, { field: intField.key });
    assert.ok(e.message.includes(intField.label) || /非负整数|整数/.test(e.message), `message names the field: ${e.message}`);
  }
  assert.ok(['未填报', '草稿'].includes((await getRecord(school, sid, year)).status), 'a refused PUT saves nothing');

  // ---- a draft with a broken total: saved (200) with the problem
  const good = (await saveClean(school, sid, year, rec0.values, rec0.explanations || {}));
  const broken = breakSum(good.values, sr, 7);
  let res = await school.put(`/api/stats/records/${sid}/${year}`, { values: broken, explanations: good.explanations });
  let body = ok(res);
  const pr = (body.problems || []).find((p) => p.field === sr.total && p.severity === 'error');
  assert.ok(pr, `the draft answer names ${sr.total}: ${JSON.stringify(body.problems)}`);
  assert.ok(/[\u4e00-\u9fff]/.test(pr.message), `problem in Chinese: ${pr.message}`);
  let rec = await getRecord(school, sid, year);
  assert.equal(rec.status, '草稿', 'saved as 草稿');
  sameValues(rec.values, broken, 'draft saved');
  assert.ok(rec.problems.some((p) => p.field === sr.total && p.severity === 'error'), 'the record lists the problem');

  // ---- submit with a blocking error: 400 validation_failed, problems beside error
  res = await school.post(`/api/stats/records/${sid}/${year}/submit`);
  assertError(res, 400, { code: 'validation_failed' });
  assert.ok(Array.isArray(res.json.problems), `problems beside error: ${res.text}`);
  const blocking = res.json.problems.filter((p) => p.severity === 'error' && !p.explained);
  assert.deepEqual(blocking.map((p) => p.field), [sr.total], `exactly the broken total blocks: ${res.text}`);
  assert.equal((await getRecord(school, sid, year)).status, '草稿', 'still 草稿');

  // ---- fix, submit
  const fixed = fixSum(broken, sr);
  ok(await school.put(`/api/stats/records/${sid}/${year}`, { values: fixed, explanations: good.explanations }));
  body = ok(await school.post(`/api/stats/records/${sid}/${year}/submit`));
  rec = await getRecord(school, sid, year);
  assert.equal(rec.status, '已提交');
  // the school may no longer edit a submitted record
  assertError(await school.put(`/api/stats/records/${sid}/${year}`, { values: { [intField.key]: 1 } }), 409, { code: 'submitted' });
  // the school cannot review its own record
  assertError(await school.post(`/api/stats/records/${sid}/${year}/approve`), 403);

  // ---- jijiao returns it: a comment is required
  assertError(await jijiao.post(`/api/stats/records/${sid}/${year}/return`, {}), 400, { field: 'comment' });
  assertError(await jijiao.post(`/api/stats/records/${sid}/${year}/return`, { comment: '   ' }), 400, { field: 'comment' });
  assert.equal((await getRecord(jijiao, sid, year)).status, '已提交', 'a refused return changes nothing');
  const comment = `${sr.total} 与上年差异较大，请核实`;
  ok(await jijiao.post(`/api/stats/records/${sid}/${year}/return`, { comment }));
  rec = await getRecord(school, sid, year);
  assert.equal(rec.status, '已退回');
  assert.equal(rec.review_comment, comment, 'the school sees the comment');
  // approve from 已退回 is not a valid move
  assertError(await jijiao.post(`/api/stats/records/${sid}/${year}/approve`), 409, { code: 'invalid_transition' });

  // ---- the school fixes and resubmits
  const changed = { ...fixed, [intField.key]: Number(fixed[intField.key] ?? 0) };
  ok(await school.put(`/api/stats/records/${sid}/${year}`, { values: changed, explanations: good.explanations }));
  ok(await school.post(`/api/stats/records/${sid}/${year}/submit`));
  assert.equal((await getRecord(school, sid, year)).status, '已提交');

  // ---- the leader reads, may not write
  const lr = await getRecord(leader, sid, year);
  assert.equal(lr.status, '已提交');
  assertError(await leader.put(`/api/stats/records/${sid}/${year}`, { values: { [intField.key]: 1 } }), 403);
  assertError(await leader.post(`/api/stats/records/${sid}/${year}/approve`), 403);
  assertError(await leader.post(`/api/stats/records/${sid}/${year}/return`, { comment: '领导退回' }), 403);

  // ---- jijiao approves: locked
  ok(await jijiao.post(`/api/stats/records/${sid}/${year}/approve`));
  rec = await getRecord(school, sid, year);
  assert.equal(rec.status, '已通过');
  sameValues(rec.values, changed, 'approved values');
  const locked = { values: { [intField.key]: Number(changed[intField.key] ?? 0) + 1 } };
  assertError(await school.put(`/api/stats/records/${sid}/${year}`, locked), 409, { code: 'locked' });
  assertError(await jijiao.put(`/api/stats/records/${sid}/${year}`, locked), 409, { code: 'locked' });
  assertError(await admin.put(`/api/stats/records/${sid}/${year}`, locked), 409, { code: 'locked' });
  assertError(await school.post(`/api/stats/records/${sid}/${year}/submit`), 409);
  assertError(await jijiao.post(`/api/stats/records/${sid}/${year}/approve`), 409, { code: 'invalid_transition' });
  sameValues((await getRecord(admin, sid, year)).values, changed, 'a locked record keeps its values');

  // ---- the school cannot reopen; reopen needs a reason
  assertError(await school.post(`/api/stats/records/${sid}/${year}/reopen`, { reason: '数据有误' }), 403);
  assertError(await admin.post(`/api/stats/records/${sid}/${year}/reopen`, {}), 400, { field: 'reason' });
  assert.equal((await getRecord(admin, sid, year)).status, '已通过', 'refused reopens change nothing');

  // ---- admin reopens with a reason: one audit row, before 已通过 / after 已退回 with the reason
  const before = await lastAuditId(admin);
  const reason = `复核发现${intField.label}填报有误`;
  ok(await admin.post(`/api/stats/records/${sid}/${year}/reopen`, { reason }));
  const rows = await statsAuditSince(admin, before);
  assert.equal(rows.length, 1, `one audit row for the reopen: ${JSON.stringify(rows)}`);
  const a = rows[0];
  assert.equal(a.username, 'admin');
  assert.equal(deepGet(a.before, 'status'), '已通过', `audit before: ${JSON.stringify(a.before)}`);
  assert.equal(deepGet(a.after, 'status'), '已退回', `audit after: ${JSON.stringify(a.after)}`);
  assert.ok(JSON.stringify(a).includes(reason), `the reason is in the audit row: ${JSON.stringify(a)}`);
  rec = await getRecord(school, sid, year);
  assert.equal(rec.status, '已退回', 'reopened to 已退回');
  // and the school can edit again
  ok(await school.put(`/api/stats/records/${sid}/${year}`, { values: changed, explanations: good.explanations }));

  // the whole life is in the audit log of the record
  const all = await statsAuditSince(admin, 0);
  const mine = all.filter((r) => deepGet(r.after, 'school_id') === sid || deepGet(r.before, 'school_id') === sid);
  const users = new Set(mine.map((r) => r.username));
  for (const u of [user, 'jijiao', 'admin']) assert.ok(users.has(u), `audit rows by ${u}: ${[...users]}`);
});

S.test('scope: another school\'s administrator gets 404; the records list of a school holds only itself', async () => {
  const admin = await S.login('admin');
  const a = await pickEditableSchool(admin);
  const b = await pickEditableSchool(admin, { exclude: [a.row.school_id] });
  const other = await S.login(b.user);
  assertError(await other.get(`/api/stats/records/${a.row.school_id}/${a.year}`), 404);
  assertError(await other.put(`/api/stats/records/${a.row.school_id}/${a.year}`, { values: {} }), 404);
  assertError(await other.post(`/api/stats/records/${a.row.school_id}/${a.year}/submit`), 404);
  const list = await recordList(other, a.year);
  assert.ok(list.every((r) => r.school_id === b.row.school_id), `a school sees only itself: ${list.map((r) => r.school_id)}`);
  // a leader reads the whole county, with a status per school
  const leader = await S.login('leader');
  const all = await recordList(leader, a.year);
  assert.ok(all.length > 10, `county list: ${all.length}`);
  for (const r of all) assert.ok(STATUSES.includes(r.status), `status ${r.status}`);
  const f = await recordList(leader, a.year, `status=${enc('已通过')}`);
  assert.ok(f.every((r) => r.status === '已通过'), 'status filter');
});
