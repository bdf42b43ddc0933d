// stats-import.test.mjs - POST /api/stats/import with files made here:
// the real export (libxlsxwriter) with a cell rewritten in the sheet XML,
// hand-made xlsx (minimal XML parts, inline or shared strings): a text in a
// number cell, a wrong header, an extra sheet 说明, an empty row; CSV in
// UTF-8 with and without BOM and in GBK (iconv); a 21 MB file, a zip bomb
// (300 MB of zeros in one entry) and broken XML. Each gives its exact
// problem list or error, and a refused file changes nothing (the records
// list and every value of the schools named are compared before and after).
// Scope: a school administrator's file with another school's row is a
// problem for that row.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { serverSuite } from '../lib/server.mjs';
import { assertError, ok } from '../lib/client.mjs';
import {
  editableRecords, getRecord, readWorkbook, setCell, zipFiles, makeXlsx, csvText, zipBomb, importFile, snapshot,
  colName, enc,
} from '../lib/stats.mjs';

const S = serverSuite();
const YEAR = 2021;
const H = { code: '学校标识码', name: '学校名称', books: '图书（册）', computers: '计算机（台）', rooms: '网络多媒体教室数（间）' };

let F = null;
// Three editable 小学 records (草稿/已退回; approved ones are reopened) and the real export of 小学.
async function fixtures() {
  if (F) return F;
  const admin = await S.login('admin');
  const jijiao = await S.login('jijiao');
  const picked = await editableRecords(admin, jijiao, YEAR, '小学', 3);
  const exp = await jijiao.get(`/api/stats/export?year=${YEAR}&type=${enc('小学')}`);
  assert.equal(exp.status, 200);
  const recs = {};
  for (const p of picked) recs[p.school_id] = await getRecord(admin, p.school_id, YEAR);
  F = { admin, jijiao, schools: picked, recs, exportBuf: exp.buffer, ids: picked.map((p) => p.school_id) };
  return F;
}

const val = (f, i, key) => Number(f.recs[f.schools[i].school_id].values[key] ?? 0);

// Import, expect a refusal, and check that nothing changed.
async function refused(c, bytes, name, { status = 400, code = 'import_failed' } = {}) {
  const f = await fixtures();
  const before = await snapshot(f.admin, YEAR, f.ids);
  const res = await importFile(c, YEAR, bytes, name);
  const e = assertError(res, status, { code });
  const after = await snapshot(f.admin, YEAR, f.ids);
  assert.deepEqual(after, before, 'a refused file changes nothing');
  return { e, problems: res.json.problems, res };
}

// Compare problem lists exactly (sheet, row, column, value), the reason by pattern.
function assertProblems(actual, expected) {
  assert.ok(Array.isArray(actual), `problems: ${JSON.stringify(actual)}`);
  const show = JSON.stringify(actual, null, 1);
  assert.equal(actual.length, expected.length, `problem count: ${show}`);
  expected.forEach((x, i) => {
    const a = actual[i];
    for (const k of ['sheet', 'row', 'column', 'value']) {
      if (k in x) assert.deepEqual(a[k], x[k], `problem ${i} ${k}: ${show}`);
    }
    if (x.reason instanceof RegExp) assert.match(a.reason, x.reason, `problem ${i} reason: ${show}`);
    else if (x.reason !== undefined) assert.equal(a.reason, x.reason, `problem ${i} reason: ${show}`);
    assert.ok(/[\u4e00-\u9fff]/.test(a.reason), `reason in Chinese: ${a.reason}`);
  });
}

// The preview's changes as "code field old->new" strings, sorted.
function changeList(f, changes) {
  const code = new Map(f.schools.map((s) => [s.school_id, s.code]));
  return changes.map((c) => `${code.get(c.school_id) ?? c.school_id} ${c.field} ${Number(c.old ?? 0)}->${Number(c.new)}`).sort();
}

S.test('the real export with a text in a number cell: one problem with sheet, row, column, value', async () => {
  const f = await fixtures();
  const wb = readWorkbook(f.exportBuf);
  const sh = wb.sheets[0];
  const col = sh.rows[0].indexOf(H.books);
  const r = sh.rows.findIndex((row, j) => j > 0 && row[0] === f.schools[0].code);
  setCell(wb.files, sh.path, `${colName(col)}${r + 1}`, '一千二百', { text: true });
  const { problems } = await refused(f.jijiao, zipFiles(wb.files), 'text-in-number.xlsx');
  assertProblems(problems, [{ sheet: '小学', row: r + 1, column: H.books, value: '一千二百', reason: '应为非负整数' }]);

  // a negative number in the same cell, and a fraction in an integer column
  const wb2 = readWorkbook(f.exportBuf);
  setCell(wb2.files, sh.path, `${colName(col)}${r + 1}`, -5);
  const col2 = sh.rows[0].indexOf(H.computers);
  setCell(wb2.files, sh.path, `${colName(col2)}${r + 1}`, 2.5);
  const p2 = (await refused(f.jijiao, zipFiles(wb2.files), 'negative.xlsx')).problems;
  assertProblems(p2, [
    { sheet: '小学', row: r + 1, column: H.books, value: '-5', reason: '应为非负整数' },
    { sheet: '小学', row: r + 1, column: H.computers, value: '2.5', reason: '应为非负整数' },
  ]);
});

S.test('hand-made xlsx: inline and shared strings, an empty row, values change as previewed', async () => {
  const f = await fixtures();
  const [a, b] = f.schools;
  for (const shared of [false, true]) {
    const file = makeXlsx([{ name: '小学', rows: [
      [H.code, H.name, H.books, H.computers],
      [a.code, a.school_name, val(f, 0, 'books') + 11, null],
      [],
      [b.code, b.school_name, null, val(f, 1, 'computers') + 2],
    ] }], { shared });
    const imp = ok(await importFile(f.jijiao, YEAR, file, 'hand.xlsx'));
    assert.deepEqual(changeList(f, imp.changes), [
      `${a.code} books ${val(f, 0, 'books')}->${val(f, 0, 'books') + 11}`,
      `${b.code} computers ${val(f, 1, 'computers')}->${val(f, 1, 'computers') + 2}`,
    ].sort(), `shared=${shared}`);
    assert.equal(imp.schools, 2, 'the empty row is not a school');
    assert.equal(imp.unchanged, 0);
  }
  // the school code given as a number cell reads the same
  const num = makeXlsx([{ name: '小学', rows: [[H.code, H.books], [Number(a.code), val(f, 0, 'books') + 1]] }]);
  const imp = ok(await importFile(f.jijiao, YEAR, num, 'number-code.xlsx'));
  assert.deepEqual(changeList(f, imp.changes), [`${a.code} books ${val(f, 0, 'books')}->${val(f, 0, 'books') + 1}`]);
});

S.test('hand-made xlsx with problems: text in a number cell after an empty row, a wrong header, an unknown school', async () => {
  const f = await fixtures();
  const [a, b] = f.schools;
  // row 4 (after the empty row 3) holds a text in a number cell
  let file = makeXlsx([{ name: '小学', rows: [
    [H.code, H.name, H.books],
    [a.code, a.school_name, val(f, 0, 'books') + 1],
    [],
    [b.code, b.school_name, '很多'],
  ] }]);
  assertProblems((await refused(f.jijiao, file, 'text.xlsx')).problems,
    [{ sheet: '小学', row: 4, column: H.books, value: '很多', reason: '应为非负整数' }]);

  // a header that names no field
  file = makeXlsx([{ name: '小学', rows: [
    [H.code, H.name, '图书数量', H.computers],
    [a.code, a.school_name, 5, val(f, 0, 'computers') + 1],
  ] }]);
  assertProblems((await refused(f.jijiao, file, 'header.xlsx')).problems,
    [{ sheet: '小学', row: 1, column: '图书数量', value: '图书数量', reason: `未知的列：不是「小学」${YEAR} 学年基表的项目` }]);

  // an unknown school code
  file = makeXlsx([{ name: '小学', rows: [[H.code, H.books], ['4199999999', 3], [a.code, val(f, 0, 'books') + 1]] }]);
  assertProblems((await refused(f.jijiao, file, 'unknown.xlsx')).problems,
    [{ sheet: '小学', row: 2, column: H.code, value: '4199999999', reason: '没有这个学校标识码' }]);

  // no 学校标识码 column at all
  file = makeXlsx([{ name: '小学', rows: [[H.name, H.books], [a.school_name, 3]] }]);
  assertProblems((await refused(f.jijiao, file, 'nocode.xlsx')).problems,
    [{ sheet: '小学', row: 1, column: H.code, value: null, reason: '缺少「学校标识码」列（表头应在第一行）' }]);

  // the same school twice
  file = makeXlsx([{ name: '小学', rows: [[H.code, H.books], [a.code, val(f, 0, 'books') + 1], [a.code, val(f, 0, 'books') + 2]] }]);
  assertProblems((await refused(f.jijiao, file, 'twice.xlsx')).problems,
    [{ sheet: '小学', row: 3, column: H.code, value: a.code, reason: '同一学校重复：已在工作表「小学」第 2 行' }]);

  // a 小学 in a sheet of another type
  file = makeXlsx([{ name: '初中', rows: [[H.code, H.books], [a.code, 1]] }]);
  assertProblems((await refused(f.jijiao, file, 'wrong-sheet.xlsx')).problems,
    [{ sheet: '初中', row: 2, column: H.code, value: a.code, reason: '该学校的办学类型是「小学」，应填在「小学」工作表' }]);
});

S.test('an extra sheet 说明 is a problem (sheets are named by 办学类型), and nothing is written', async () => {
  const f = await fixtures();
  const [a] = f.schools;
  const file = makeXlsx([
    { name: '说明', rows: [['填表说明：请勿修改表头'], ['第二行说明']] },
    { name: '小学', rows: [[H.code, H.name, H.books], [a.code, a.school_name, val(f, 0, 'books') + 4]] },
  ]);
  assertProblems((await refused(f.jijiao, file, 'extra-sheet.xlsx')).problems, [{
    sheet: '说明', row: 1, column: null, value: null,
    reason: '工作表名不是办学类型：每个工作表应以办学类型命名（如「小学」）',
  }]);
  // an empty extra sheet (no rows) is not read at all
  const empty = makeXlsx([
    { name: '小学', rows: [[H.code, H.name, H.books], [a.code, a.school_name, val(f, 0, 'books') + 4]] },
    { name: 'Sheet2', rows: [] },
  ]);
  const imp = ok(await importFile(f.jijiao, YEAR, empty, 'empty-sheet.xlsx'));
  assert.deepEqual(changeList(f, imp.changes), [`${a.code} books ${val(f, 0, 'books')}->${val(f, 0, 'books') + 4}`]);
});

S.test('CSV in UTF-8 with BOM, without BOM, and in GBK (iconv): the same preview', async () => {
  const f = await fixtures();
  const [a, b] = f.schools;
  const rows = [
    [H.code, H.name, H.books, H.rooms],
    [a.code, a.school_name, val(f, 0, 'books') + 3, ''],
    [b.code, `${b.school_name}`, '', val(f, 1, 'multimedia_rooms') + 1],
  ];
  const text = csvText(rows);
  const utf8 = Buffer.from(text, 'utf8');
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]);
  const gbk = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: utf8 });
  assert.notDeepEqual(gbk, utf8, 'GBK bytes differ from UTF-8');
  assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(gbk), 'the GBK file is not valid UTF-8');
  const expected = [
    `${a.code} books ${val(f, 0, 'books')}->${val(f, 0, 'books') + 3}`,
    `${b.code} multimedia_rooms ${val(f, 1, 'multimedia_rooms')}->${val(f, 1, 'multimedia_rooms') + 1}`,
  ].sort();
  for (const [name, bytes] of [['utf8.csv', utf8], ['bom.csv', bom], ['gbk.csv', gbk], ['lf.csv', Buffer.from(csvText(rows, { eol: '\n' }))]]) {
    const imp = ok(await importFile(f.jijiao, YEAR, bytes, name));
    assert.deepEqual(changeList(f, imp.changes), expected, name);
    assert.equal(imp.schools, 2, name);
  }
  // a GBK file with a problem: the value comes back as UTF-8 text
  const bad = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: Buffer.from(csvText([[H.code, H.books], [a.code, '五十']])) });
  assertProblems((await refused(f.jijiao, bad, 'gbk-bad.csv')).problems,
    [{ sheet: 'CSV', row: 2, column: H.books, value: '五十', reason: '应为非负整数' }]);
});

S.test('a 21 MB file, a zip bomb and broken XML are refused with a clear error', async () => {
  const f = await fixtures();
  // 21 MB of CSV rows
  const line = `${f.schools[0].code},${f.schools[0].school_name},1\r\n`;
  const big = Buffer.from(csvText([[H.code, H.name, H.books]]) + line.repeat(Math.ceil((21 * 1024 * 1024) / Buffer.byteLength(line))));
  assert.ok(big.length > 21 * 1024 * 1024);
  const r1 = await importFile(f.jijiao, YEAR, big, 'big.csv');
  if (r1.status === 413) assertError(r1, 413, { code: 'too_large' });
  else {
    const e = assertError(r1, 400);
    assert.match(e.message + JSON.stringify(r1.json.problems || []), /过大|超过|MB/, `a clear size error: ${r1.text.slice(0, 300)}`);
  }
  assert.match(r1.json.error.message, /过大|超过|MB/);

  // zip bombs: 300 MB of zeros in one entry (beyond the 200 MB unzipped limit),
  // 100 MB (within it, but compressed over 1000:1), and one that declares 1 MB
  const fileError = (reason) => [{ sheet: null, row: null, column: null, value: null, reason }];
  const bomb = await zipBomb(300 * 1024 * 1024);
  assert.ok(bomb.length < 2 * 1024 * 1024, `the bomb is small: ${bomb.length}`);
  assertProblems((await refused(f.jijiao, bomb, 'bomb.xlsx')).problems, fileError('文件过大：解压后超过 200 MB'));
  assertProblems((await refused(f.jijiao, await zipBomb(100 * 1024 * 1024), 'bomb100.xlsx')).problems,
    fileError('压缩比异常，疑似压缩炸弹（xl/worksheets/sheet1.xml）'));
  const liar = await zipBomb(100 * 1024 * 1024, { declared: 1024 * 1024 });
  const pl = (await refused(f.jijiao, liar, 'liar.xlsx')).problems;
  assertProblems(pl, [{ sheet: null, row: null, column: null, value: null, reason: /压缩炸弹|已损坏|无法读取|不是有效的 xlsx/ }]);

  // broken XML in the real export's sheet: an unclosed <v> in row 3
  const wb = readWorkbook(f.exportBuf);
  const sh = wb.sheets[0];
  const xml = new TextDecoder().decode(wb.files[sh.path]);
  const cut = xml.indexOf('</row>', xml.indexOf('<row r="3"'));
  wb.files[sh.path] = new TextEncoder().encode(xml.slice(0, cut) + '<c r="ZZ3"><v>1</c></row>' + xml.slice(cut + 6));
  const px = (await refused(f.jijiao, zipFiles(wb.files), 'broken.xlsx')).problems;
  assertProblems(px, [{ sheet: null, row: null, column: null, value: null, reason: /^XML 格式错误（工作表「小学」第 3 行）：/ }]);

  // not a spreadsheet at all: zip magic and nothing else; an old .xls (OLE2)
  assertProblems((await refused(f.jijiao, Buffer.from('PK\x03\x04 not really a zip', 'latin1'), 'junk.xlsx')).problems,
    fileError('文件不是有效的 xlsx（zip）文件'));
  // an empty body is a missing file
  assertError(await importFile(f.jijiao, YEAR, Buffer.alloc(0), 'empty.csv'), 400, { field: 'file' });
});

S.test('scope: a school administrator imports their own row; another school\'s row is a problem for that row', async () => {
  const f = await fixtures();
  const [a, b] = f.schools;
  const sa = await S.login(`s${a.code}`);
  const own = csvText([[H.code, H.books], [a.code, val(f, 0, 'books') + 9]]);
  const imp = ok(await importFile(sa, YEAR, Buffer.from(own), 'own.csv'));
  assert.deepEqual(changeList(f, imp.changes), [`${a.code} books ${val(f, 0, 'books')}->${val(f, 0, 'books') + 9}`]);
  // the school's token is not jijiao's
  assertError(await f.jijiao.post(`/api/stats/import/${imp.token}/apply`), 404);

  const both = csvText([[H.code, H.books], [a.code, val(f, 0, 'books') + 9], [b.code, val(f, 1, 'books') + 9]]);
  assertProblems((await refused(sa, Buffer.from(both), 'both.csv')).problems,
    [{ sheet: 'CSV', row: 3, column: H.code, value: b.code, reason: '无权限：学校管理员只能导入本校的数据' }]);
  // a leader may not import at all
  const leader = await S.login('leader');
  assertError(await importFile(leader, YEAR, Buffer.from(own), 'own.csv'), 403);
});
