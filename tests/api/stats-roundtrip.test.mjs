// stats-roundtrip.test.mjs - export a year to xlsx and import it back:
// nothing changes; edit three cells of the real (libxlsxwriter) file: the
// preview lists exactly those three changes; apply: exactly those three
// values change (every value of the affected records compared) and the
// audit log shows each of them with its old and new value. A token is
// applied once and only by its owner.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { assertError, ok } from '../lib/client.mjs';
import {
  recordList, getRecord, readWorkbook, setCell, zipFiles, importFile, colName, statsAuditSince, lastAuditId,
  deepGet, enc, editableRecords,
} from '../lib/stats.mjs';

const S = serverSuite();
const YEAR = 2021;
// Fields without rules (no sum, no comparison, no change warning): editing one
// can only change that value.
const EDIT = [['books', '图书（册）'], ['computers', '计算机（台）'], ['multimedia_rooms', '网络多媒体教室数（间）']];

// Three 小学 records of YEAR that jijiao may change (草稿 / 已退回; approved ones
// reopened; drafts created for schools without a record).
async function editableSchools(admin, n = 3) {
  return editableRecords(admin, await S.login('jijiao'), YEAR, '小学', n);
}

const same = (a, b) => (a === null || a === undefined ? null : Number.isFinite(Number(a)) && a !== '' && typeof a !== 'boolean' ? Number(a) : a)
  === (b === null || b === undefined ? null : Number.isFinite(Number(b)) && b !== '' && typeof b !== 'boolean' ? Number(b) : b);

S.test('export a year, import it back: zero changes; the workbook is one sheet per type with Chinese headers', async () => {
  const jijiao = await S.login('jijiao');
  const res = await jijiao.get(`/api/stats/export?year=${YEAR}`);
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assert.match(String(res.headers['content-type']), /spreadsheetml/);
  const wb = readWorkbook(res.buffer);
  const list = await recordList(jijiao, YEAR);
  const types = [...new Set(list.map((r) => r.type))];
  assert.deepEqual(wb.sheets.map((s) => s.name).sort(), types.sort(), 'one sheet per 办学类型 of the records list');
  let rows = 0;
  for (const s of wb.sheets) {
    assert.equal(s.rows[0][0], '学校标识码');
    assert.equal(s.rows[0][1], '学校名称');
    assert.ok(s.rows[0].slice(2).every((h) => /[\u4e00-\u9fff]/.test(h)), `Chinese headers in ${s.name}`);
    rows += s.rows.slice(1).filter((r) => r.length && r[0]).length;
  }
  assert.equal(rows, list.length, 'one row per school of the records list');
  // the frozen header row
  assert.match(new TextDecoder().decode(wb.files[wb.sheets[0].path]), /<pane[^>]*ySplit="1"[^>]*state="frozen"/, 'frozen header');

  const before = await lastAuditId(await S.login('admin'));
  const imp = ok(await importFile(jijiao, YEAR, res.buffer, 'export.xlsx'));
  assert.deepEqual(imp.changes, [], `an export imports back unchanged: ${JSON.stringify(imp.changes.slice(0, 5))}`);
  assert.equal(imp.schools, list.length, 'every school row read');
  assert.equal(imp.unchanged, list.length, 'every school unchanged');
  assert.ok(typeof imp.token === 'string' && imp.token.length >= 16, `a token: ${imp.token}`);
  const ap = ok(await jijiao.post(`/api/stats/import/${imp.token}/apply`));
  assert.equal(ap.applied, 0);
  assert.deepEqual(await statsAuditSince(await S.login('admin'), before), [], 'applying nothing writes no audit row');
});

S.test('edit three cells of the export: the preview shows exactly them; apply changes exactly them, audited', async () => {
  const admin = await S.login('admin');
  const jijiao = await S.login('jijiao');
  const schools = await editableSchools(admin);
  const res = await jijiao.get(`/api/stats/export?year=${YEAR}&type=${enc('小学')}`);
  const wb = readWorkbook(res.buffer);
  assert.equal(wb.sheets.length, 1);
  const sh = wb.sheets[0];
  assert.equal(sh.name, '小学');
  const header = sh.rows[0];

  const beforeRecs = {};
  const edits = [];
  schools.forEach((s, i) => {
    const [key, title] = EDIT[i];
    const col = header.indexOf(title);
    assert.ok(col >= 0, `column ${title} in ${header.join('|')}`);
    const r = sh.rows.findIndex((row, j) => j > 0 && row[0] === s.code);
    assert.ok(r > 0, `row of ${s.code}`);
    edits.push({ school: s, key, title, ref: `${colName(col)}${r + 1}`, cell: sh.rows[r][col] });
  });
  for (const s of schools) beforeRecs[s.school_id] = await getRecord(admin, s.school_id, YEAR);
  for (const e of edits) {
    const old = beforeRecs[e.school.school_id].values[e.key];
    e.old = old;
    assert.ok(same(e.cell === '' ? null : e.cell, old), `the export shows the value of ${e.key}: ${e.cell} vs ${old}`);
    e.new = Number(old ?? 0) + 7 + edits.indexOf(e);
    setCell(wb.files, sh.path, e.ref, e.new);
  }
  const file = zipFiles(wb.files);
  const listBefore = await recordList(admin, YEAR);

  const imp = ok(await importFile(jijiao, YEAR, file, 'edited.xlsx'));
  assert.equal(imp.changes.length, 3, `exactly three changes: ${JSON.stringify(imp.changes)}`);
  for (const e of edits) {
    const c = imp.changes.find((x) => x.school_id === e.school.school_id);
    assert.ok(c, `a change of ${e.school.school_name}`);
    assert.equal(c.field, e.key);
    assert.equal(c.school_name, e.school.school_name);
    assert.equal(c.label, e.title.replace(/（.*）$/, ''), 'the label of the field');
    assert.ok(same(c.old, e.old), `old ${c.old} vs ${e.old}`);
    assert.ok(same(c.new, e.new), `new ${c.new} vs ${e.new}`);
  }
  assert.equal(imp.unchanged, imp.schools - 3);
  // a preview writes nothing
  for (const s of schools) assert.deepEqual((await getRecord(admin, s.school_id, YEAR)).values, beforeRecs[s.school_id].values, 'preview writes nothing');

  // another user's token is not theirs; an unknown token is 404
  assertError(await admin.post(`/api/stats/import/${imp.token}/apply`), 404);
  assertError(await jijiao.post('/api/stats/import/00000000000000000000000000000000/apply'), 404);

  const auditFrom = await lastAuditId(admin);
  const ap = ok(await jijiao.post(`/api/stats/import/${imp.token}/apply`));
  assert.equal(ap.applied, 3);
  // a token applies once
  assertError(await jijiao.post(`/api/stats/import/${imp.token}/apply`), 404);

  for (const e of edits) {
    const after = await getRecord(admin, e.school.school_id, YEAR);
    const before = beforeRecs[e.school.school_id];
    const keys = new Set([...Object.keys(before.values), ...Object.keys(after.values)]);
    for (const k of keys) {
      if (k === e.key) assert.ok(same(after.values[k], e.new), `${k} of ${e.school.school_name} is ${after.values[k]}, expected ${e.new}`);
      else assert.ok(same(after.values[k], before.values[k]), `${k} of ${e.school.school_name} unchanged: ${before.values[k]} -> ${after.values[k]}`);
    }
    assert.equal(after.status, before.status, 'the status is kept');
  }
  // nothing else in the year changed
  const listAfter = await recordList(admin, YEAR);
  assert.deepEqual(listAfter.map((r) => [r.school_id, r.status, r.classes, r.pupils, r.staff, r.teachers]),
    listBefore.map((r) => [r.school_id, r.status, r.classes, r.pupils, r.staff, r.teachers]), 'the records list is the same');

  // the audit log: one row per record, with the old and the new value
  const rows = await statsAuditSince(admin, auditFrom);
  assert.equal(rows.length, 3, `one audit row per record: ${JSON.stringify(rows)}`);
  for (const e of edits) {
    const row = rows.find((r) => same(deepGet(r.after, e.key), e.new));
    assert.ok(row, `an audit row shows ${e.key} -> ${e.new}: ${JSON.stringify(rows)}`);
    assert.ok(same(deepGet(row.before, e.key) ?? null, e.old ?? null), `before ${e.key}: ${JSON.stringify(row.before)}`);
    assert.equal(row.username, 'jijiao');
    for (const other of edits.filter((x) => x !== e)) assert.equal(deepGet(row.after, other.key), undefined, `only the changed field in the row of ${e.key}`);
  }
});

S.test('apply is refused (409) when a record has been approved since the preview, and nothing is written', async () => {
  const admin = await S.login('admin');
  const jijiao = await S.login('jijiao');
  const [s] = await editableSchools(admin, 1);
  // submit it so that it can be approved after the preview
  const res = await jijiao.get(`/api/stats/export?year=${YEAR}&type=${enc('小学')}`);
  const wb = readWorkbook(res.buffer);
  const sh = wb.sheets[0];
  const col = sh.rows[0].indexOf('图书（册）');
  const r = sh.rows.findIndex((row, j) => j > 0 && row[0] === s.code);
  const before = await getRecord(admin, s.school_id, YEAR);
  setCell(wb.files, sh.path, `${colName(col)}${r + 1}`, Number(before.values.books ?? 0) + 100);
  const imp = ok(await importFile(jijiao, YEAR, zipFiles(wb.files), 'late.xlsx'));
  assert.equal(imp.changes.length, 1);
  const sc = await S.login(`s${s.code}`);
  const rec = await getRecord(sc, s.school_id, YEAR);
  const explanations = { ...(rec.explanations || {}) };
  for (const p of rec.problems || []) if (p.severity === 'warning' && !p.explained) explanations[p.field] = '情况属实';
  ok(await sc.put(`/api/stats/records/${s.school_id}/${YEAR}`, { values: {}, explanations }));
  ok(await sc.post(`/api/stats/records/${s.school_id}/${YEAR}/submit`));
  ok(await jijiao.post(`/api/stats/records/${s.school_id}/${YEAR}/approve`));
  assertError(await jijiao.post(`/api/stats/import/${imp.token}/apply`), 409);
  const after = await getRecord(admin, s.school_id, YEAR);
  assert.equal(after.status, '已通过');
  assert.deepEqual(after.values, before.values, 'nothing written');
});
