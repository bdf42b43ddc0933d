// plan-export.test.mjs - the plan with progress as xlsx and the 督查通报 as
// .docx say what the tree says: every target and item in the workbook with
// its status, the lagging leaves with their latest problems; the bulletin
// with the date, the counts, every item at risk, behind or overdue, and the
// reports due. Readers only: a school administrator gets 403.
import assert from 'node:assert/strict';
import { unzipSync, zipSync, strFromU8 } from 'fflate';
import { serverSuite } from '../lib/server.mjs';
import { ok, assertError } from '../lib/client.mjs';
import { readXlsx } from '../lib/xlsx.mjs';

const S = serverSuite();
const LABEL = { achieved: '已完成', on_track: '正常', at_risk: '有风险', behind: '滞后', overdue: '逾期', no_data: '未报送' };
const LAGGING = new Set(['at_risk', 'behind', 'overdue']);

function walk(items, fn) {
  for (const it of items) { fn(it); walk(it.children || [], fn); }
}

// The named sheet of an xlsx as rows of strings.
function sheetRows(buffer, name) {
  const { files } = readXlsx(buffer);
  const book = strFromU8(files['xl/workbook.xml']);
  const names = [...book.matchAll(/<sheet [^>]*name="([^"]+)"/g)].map((m) => m[1]);
  const idx = names.indexOf(name);
  assert.ok(idx >= 0, `sheet ${name} in ${names.join(',')}`);
  const single = Object.fromEntries(Object.entries(files).filter(([f]) => !/^xl\/worksheets\/sheet\d+\.xml$/.test(f)));
  single['xl/worksheets/sheet1.xml'] = files[`xl/worksheets/sheet${idx + 1}.xml`];
  // readXlsx reads the first sheet: hand it a zip holding only this one.
  return readXlsx(Buffer.from(zipSync(single))).rows;
}

// The visible text of word/document.xml, paragraph by paragraph.
function docxParagraphs(buffer) {
  assert.equal(buffer.subarray(0, 2).toString('latin1'), 'PK');
  const files = unzipSync(new Uint8Array(buffer));
  for (const part of ['[Content_Types].xml', 'word/document.xml', 'word/styles.xml', '_rels/.rels']) assert.ok(files[part], part);
  const xml = strFromU8(files['word/document.xml']);
  const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return [...xml.matchAll(/<w:p>([\s\S]*?)<\/w:p>/g)]
    .map((m) => [...m[1].matchAll(/<w:t[^>]*>([\s\S]*?)<\/w:t>/g)].map((t) => unescape(t[1])).join(''));
}

S.test('the workbook lists every target and item of the tree with its status', async () => {
  const leader = await S.login('leader');
  const plan = ok(await leader.get('/api/plans?year=2022')).items[0];
  const tree = ok(await leader.get(`/api/plans/${plan.id}/tree`));
  const res = await leader.get(`/api/plans/${plan.id}/export?format=xlsx`);
  assert.equal(res.status, 200);
  const rows = sheetRows(res.buffer, '目标任务');
  const header = rows[0];
  const col = (name) => header.indexOf(name);
  assert.ok(col('事项') >= 0 && col('目标') >= 0 && col('状态') >= 0 && col('当前') >= 0);
  const expected = [];
  walk(tree.items, (it) => {
    if (!it.targets.length) expected.push([it.title, '', LABEL[it.status]]);
    for (const t of it.targets) expected.push([it.title, t.name, LABEL[t.status]]);
  });
  const got = rows.slice(1).map((r) => [r[col('事项')], r[col('目标')], r[col('状态')]]);
  assert.deepEqual(got, expected);

  const lagging = sheetRows(res.buffer, '滞后事项');
  const leaves = [];
  walk(tree.items, (it) => { if (!it.children.length && LAGGING.has(it.status)) leaves.push(it.title); });
  assert.ok(leaves.length > 0, 'the demo plan has lagging items on its status date');
  assert.deepEqual(lagging.slice(1).map((r) => r[lagging[0].indexOf('事项')]), leaves);
});

S.test('the 督查通报 states the date, the counts, every lagging item and the reports due', async () => {
  const leader = await S.login('leader');
  const plan = ok(await leader.get('/api/plans?year=2022')).items[0];
  const on = '2022-06-30';
  const tree = ok(await leader.get(`/api/plans/${plan.id}/tree?on=${on}`));
  const due = ok(await leader.get(`/api/plans/${plan.id}/reminders?on=${on}`)).items;
  const res = await leader.get(`/api/plans/${plan.id}/export?format=docx&on=${on}`);
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-type']), /wordprocessingml/);
  assert.match(String(res.headers['content-disposition']), /\.docx/);
  const paras = docxParagraphs(res.buffer);
  const text = paras.join('\n');
  assert.ok(paras[0].includes(tree.plan.title) && paras[0].includes('督查通报'), paras[0]);
  assert.ok(text.includes('截至2022年6月30日'));
  const c = tree.plan.counts;
  assert.ok(text.includes(`已完成${c.achieved}项，正常推进${c.on_track}项，有风险${c.at_risk}项，滞后${c.behind}项，逾期${c.overdue}项`),
    'the counts sentence matches the tree');
  assert.ok(text.includes(`总体进度${Math.round(tree.plan.progress * 100)}%`));
  walk(tree.items, (it) => {
    if (!it.children.length && LAGGING.has(it.status)) assert.ok(paras.includes(it.title), `lagging item listed: ${it.title}`);
  });
  for (const r of due) assert.ok(paras.includes(r.title), `report due listed: ${r.title}`);
});

S.test('exports check the date and the caller', async () => {
  const leader = await S.login('leader');
  const plan = ok(await leader.get('/api/plans?year=2022')).items[0];
  assertError(await leader.get(`/api/plans/${plan.id}/export?format=docx&on=2022-13-01`), 400, { field: 'on' });
  assertError(await leader.get(`/api/plans/${plan.id}/export?format=pdf`), 400, { field: 'format' });
  assertError(await leader.get('/api/plans/999999/export?format=xlsx'), 404);
  const school = await S.login('s4110820082');
  assertError(await school.get(`/api/plans/${plan.id}/export?format=xlsx`), 403);
});
