// plan-reports.test.mjs - 目标 (issue 6): progress reports on plan items.
// 基础教育股 (jijiao) reports on an item it leads, with a figure for the
// reported target, a PDF uploaded first, a link, a text and a school record;
// the live target's figure is stored from the metric registry; the item
// page shows the report and the file downloads byte for byte. jijiao may not
// report on an item led by another department (403), nor leaders, auditors
// or schools; the plan writer may. Uploads are typed from their bytes (415
// otherwise). Every refused report names its field and stores nothing.
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { serverSuite } from '../lib/server.mjs';
import { assertError, ok } from '../lib/client.mjs';

const S = serverSuite();
const YEAR = 2023;

const users = new Map();
async function as(name) {
  if (!users.has(name)) users.set(name, await S.login(name));
  return users.get(name);
}

const pdfBytes = (tag) => Buffer.from(`%PDF-1.4\n% 测试佐证 ${tag}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);

// A ZIP archive of stored (uncompressed) entries {name, data}.
function makeZip(entries) {
  const locals = [], centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const n = Buffer.from(name), crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16); central.writeUInt32LE(data.length, 20); central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28); central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

// An OLE2 compound file header followed by a directory entry named name (UTF-16LE).
function makeOle(name) {
  const head = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  return Buffer.concat([head, Buffer.alloc(504), Buffer.from(name, 'utf16le'), Buffer.alloc(64)]);
}

async function upload(c, bytes, name = 'x.bin') {
  return c.post(`/api/plan-uploads?name=${encodeURIComponent(name)}`, bytes, { headers: { 'Content-Type': 'application/octet-stream' } });
}

async function reportCount() {
  const a = await as('audit');
  return ok(await a.get(`/api/audit?entity=plan_report&per_page=1`)).total;
}

let fixture = null;
async function setup() {
  if (fixture) return fixture;
  const duda = await as('duda');
  const admin = await as('admin');
  const depts = ok(await admin.get('/api/departments')).items;
  const dept = (name) => depts.find((d) => d.name === name);
  const jj = dept('基础教育股'), aq = dept('安全稳定股');
  assert.ok(jj && aq, 'demo departments');
  const p = ok(await duda.post('/api/plans', { year: YEAR, title: '2023年测试规划' }), 201);
  const section = ok(await duda.post(`/api/plans/${p.id}/items`, { title: '（一）学前教育' }), 201);
  const mine = ok(await duda.post(`/api/plans/${p.id}/items`, { parent_id: section.id, title: '扩充公办学位', lead_dept_id: jj.id }), 201);
  const theirs = ok(await duda.post(`/api/plans/${p.id}/items`, { parent_id: section.id, title: '校园安全', lead_dept_id: aq.id }), 201);
  const reported = ok(await duda.post(`/api/items/${mine.id}/targets`, { name: '新增学位', unit: '个', baseline: 0, floor: 1200, source: 'reported' }), 201);
  const metrics = ok(await duda.get(`/api/metrics?year=${YEAR}&org=${p.county_org_id}`)).items;
  const metric = metrics.find((m) => m.key === 'kg_public_place_share');
  assert.ok(metric && typeof metric.value === 'number', `the registry computes kg_public_place_share: ${JSON.stringify(metric)}`);
  const live = ok(await duda.post(`/api/items/${mine.id}/targets`, { name: metric.name, unit: metric.unit, baseline: 18.7, floor: 25, source: 'live', metric: metric.key }), 201);
  const otherTarget = ok(await duda.post(`/api/items/${theirs.id}/targets`, { name: '演练次数', floor: 4, source: 'reported' }), 201);
  const schools = ok(await admin.get('/api/schools?per_page=3')).items;
  fixture = { p, section, mine, theirs, reported, live, metric, otherTarget, school: schools[0], schoolUser: `s${schools[0].code}`, jj, aq };
  return fixture;
}

S.test('jijiao reports on its item with a figure, a PDF, a link, a text and a record; the live figure is stored; the file downloads', async () => {
  const f = await setup();
  const jijiao = await as('jijiao');
  const pdf = pdfBytes('一');
  const up = ok(await upload(jijiao, pdf, '三月进展.pdf'), 201);
  assert.equal(up.type, 'application/pdf');
  assert.equal(up.size, pdf.length);
  assert.equal(up.name, '三月进展.pdf');

  const body = {
    period: '2023-03', reported_on: '2023-03-31', done: '  新建幼儿园 2 所 ', problems: '用地紧张', next_steps: '加快施工',
    state: 'on_track', progress: 40,
    figures: [{ target_id: f.reported.id, value: 360 }],
    evidence: [
      { kind: 'file', upload_id: up.id },
      { kind: 'link', title: '新闻报道', body: 'https://example.org/news/1' },
      { kind: 'text', title: '情况说明', body: '已完成立项' },
      { kind: 'record', record_type: 'school', record_id: f.school.id },
    ],
  };
  const r = ok(await jijiao.post(`/api/items/${f.mine.id}/reports`, body), 201);
  assert.equal(r.item_id, f.mine.id);
  assert.equal(r.period, '2023-03');
  assert.equal(r.reported_on, '2023-03-31');
  assert.equal(r.done, '新建幼儿园 2 所');
  assert.equal(r.state, 'on_track');
  assert.equal(r.progress, 40);
  assert.equal(r.created_by_name, jijiao.user.name);
  const fig = (id) => r.figures.find((x) => x.target_id === id);
  assert.equal(fig(f.reported.id).value, 360);
  // the live target's figure is the registry's value of the plan's county and year
  const now = ok(await jijiao.get(`/api/metrics?year=${YEAR}&org=${f.p.county_org_id}`)).items.find((m) => m.key === f.metric.key);
  assert.equal(typeof now.value, 'number');
  assert.ok(fig(f.live.id), `a figure for the live target: ${JSON.stringify(r.figures)}`);
  assert.equal(fig(f.live.id).value, now.value);
  assert.equal(r.figures.length, 2, 'the reported and the live figure');
  assert.equal(r.evidence.length, 4);
  const [file, link, text, record] = r.evidence;
  assert.equal(file.kind, 'file');
  assert.equal(file.file_name, '三月进展.pdf');
  assert.equal(file.title, '三月进展.pdf', 'a file is titled by its name');
  assert.equal(file.file_type, 'application/pdf');
  assert.equal(file.file_size, pdf.length);
  assert.equal(file.url, `/api/plan-evidence/${file.id}/file`);
  assert.equal(link.body, 'https://example.org/news/1');
  assert.equal(text.body, '已完成立项');
  assert.equal(record.record_type, 'school');
  assert.equal(record.record_id, f.school.id);
  assert.ok(record.title.includes(f.school.name), `record titled by the school: ${record.title}`);

  // audited with the report
  const audit = ok(await (await as('audit')).get(`/api/audit?entity=plan_report&entity_id=${r.id}`)).items;
  assert.equal(audit.length, 1);
  assert.equal(audit[0].username, 'jijiao');
  assert.equal(audit[0].after.period, '2023-03');
  assert.equal(audit[0].after.evidence.length, 4);

  // the file, byte for byte, for every reader of the plan
  for (const u of ['jijiao', 'leader', 'audit', 'anquan']) {
    const got = await (await as(u)).get(file.url);
    assert.equal(got.status, 200, `${u} download: ${got.status} ${got.text.slice(0, 200)}`);
    assert.ok(got.buffer.equals(pdf), 'the same bytes');
    assert.match(String(got.headers['content-type']), /application\/pdf/);
    assert.match(String(got.headers['content-disposition']), /attachment/);
    assert.match(String(got.headers['content-disposition']), new RegExp(encodeURIComponent('三月进展.pdf').replace(/[.]/g, '\\.')));
  }
  const school = await as(f.schoolUser);
  assertError(await school.get(file.url), 404);
  assertError(await jijiao.get('/api/plan-evidence/99999999/file'), 404);
  assertError(await jijiao.get(`/api/plan-evidence/${link.id}/file`), 404, {});

  // the item page shows it (once the read side is in)
  const page = ok(await jijiao.get(`/api/items/${f.mine.id}`));
  const shown = page.reports.find((x) => x.id === r.id);
  assert.ok(shown, `report on the item page: ${JSON.stringify(page.reports).slice(0, 300)}`);
  assert.equal(shown.period, '2023-03');
  assert.equal(shown.evidence.length, 4);
  assert.ok(shown.evidence.some((x) => x.kind === 'file' && x.file_name === '三月进展.pdf'));
  assert.deepEqual(shown.figures.map((x) => x.target_id).sort((a, b) => a - b), r.figures.map((x) => x.target_id).sort((a, b) => a - b));
  assertError(await school.get(`/api/items/${f.mine.id}`), 403);

  // an item with reports is not deleted, nor a target with figures
  const duda = await as('duda');
  assertError(await duda.del(`/api/targets/${f.reported.id}`), 409);
  assertError(await duda.del(`/api/targets/${f.live.id}`), 409);
  const bare = ok(await duda.post(`/api/plans/${f.p.id}/items`, { title: '无指标事项', lead_dept_id: f.jj.id }), 201);
  ok(await jijiao.post(`/api/items/${bare.id}/reports`, { period: '2023-Q1', done: '完成', state: 'achieved' }), 201);
  assertError(await duda.del(`/api/items/${bare.id}`), 409);
});

S.test('who reports: the lead department and the plan writer; others 403 只能填报本股室牵头的事项', async () => {
  const f = await setup();
  const body = { period: '2023-04', done: '按计划推进', state: 'on_track' };
  const e = assertError(await (await as('jijiao')).post(`/api/items/${f.theirs.id}/reports`, body), 403);
  assert.equal(e.message, '只能填报本股室牵头的事项');
  for (const u of ['leader', 'audit', 'renshi'])
    assertError(await (await as(u)).post(`/api/items/${f.mine.id}/reports`, body), 403);
  assertError(await (await as(f.schoolUser)).post(`/api/items/${f.mine.id}/reports`, body), 403);
  // the lead department of the other item, and the plan writer, may
  ok(await (await as('anquan')).post(`/api/items/${f.theirs.id}/reports`, { ...body, figures: [{ target_id: f.otherTarget.id, value: 1 }] }), 201);
  ok(await (await as('duda')).post(`/api/items/${f.theirs.id}/reports`, body), 201);
  ok(await (await as('admin')).post(`/api/items/${f.mine.id}/reports`, body), 201);
  assertError(await (await as('jijiao')).post('/api/items/99999999/reports', body), 404);
});

S.test('report validation names the field and stores nothing', async () => {
  const f = await setup();
  const jijiao = await as('jijiao');
  const duda = await as('duda');
  const dudaUpload = ok(await upload(duda, pdfBytes('督导'), 'd.pdf'), 201);
  const base = { period: '2023-05', done: '推进中', state: 'at_risk' };
  const cases = [
    [{ done: 'x', state: 'on_track' }, 'period'],
    [{ ...base, period: '2023-13' }, 'period'],
    [{ ...base, period: '2023-00' }, 'period'],
    [{ ...base, period: '2022-05' }, 'period'],
    [{ ...base, period: '2023-Q5' }, 'period'],
    [{ ...base, period: '2023/05' }, 'period'],
    [{ ...base, reported_on: '2023-5-31' }, 'reported_on'],
    [{ period: '2023-05', state: 'on_track' }, 'done'],
    [{ ...base, done: '   ' }, 'done'],
    [{ ...base, problems: 12 }, 'problems'],
    [{ period: '2023-05', done: 'x' }, 'state'],
    [{ ...base, state: 'overdue' }, 'state'],
    [{ ...base, progress: 101 }, 'progress'],
    [{ ...base, progress: -1 }, 'progress'],
    [{ ...base, progress: '50%' }, 'progress'],
    [{ ...base, figures: { target_id: f.reported.id, value: 1 } }, 'figures'],
    [{ ...base, figures: [{ target_id: f.otherTarget.id, value: 1 }] }, 'figures[0].target_id'],
    [{ ...base, figures: [{ target_id: 99999999, value: 1 }] }, 'figures[0].target_id'],
    [{ ...base, figures: [{ target_id: f.reported.id, value: 1 }, { target_id: f.reported.id, value: 2 }] }, 'figures[1].target_id'],
    [{ ...base, figures: [{ target_id: f.reported.id }] }, 'figures[0].value'],
    [{ ...base, figures: [{ target_id: f.reported.id, value: '很多' }] }, 'figures[0].value'],
    [{ ...base, evidence: 'x' }, 'evidence'],
    [{ ...base, evidence: [{ kind: 'video', body: 'x' }] }, 'evidence[0].kind'],
    [{ ...base, evidence: [{ kind: 'text' }] }, 'evidence[0].body'],
    [{ ...base, evidence: [{ kind: 'text', body: 'ok' }, { kind: 'link', body: 'ftp://example.org/a' }] }, 'evidence[1].body'],
    [{ ...base, evidence: [{ kind: 'link', body: 'javascript:alert(1)' }] }, 'evidence[0].body'],
    [{ ...base, evidence: [{ kind: 'link', body: 'https://exa mple.org' }] }, 'evidence[0].body'],
    [{ ...base, evidence: [{ kind: 'link' }] }, 'evidence[0].body'],
    [{ ...base, evidence: [{ kind: 'file' }] }, 'evidence[0].upload_id'],
    [{ ...base, evidence: [{ kind: 'file', upload_id: 99999999 }] }, 'evidence[0].upload_id'],
    [{ ...base, evidence: [{ kind: 'file', upload_id: dudaUpload.id }] }, 'evidence[0].upload_id'],
    [{ ...base, evidence: [{ kind: 'record', record_type: 'user', record_id: 1 }] }, 'evidence[0].record_type'],
    [{ ...base, evidence: [{ kind: 'record', record_id: 1 }] }, 'evidence[0].record_type'],
    [{ ...base, evidence: [{ kind: 'record', record_type: 'school' }] }, 'evidence[0].record_id'],
    [{ ...base, evidence: [{ kind: 'record', record_type: 'school', record_id: 99999999 }] }, 'evidence[0].record_id'],
    [{ ...base, evidence: [{ kind: 'record', record_type: 'hazard', record_id: 99999999 }] }, 'evidence[0].record_id'],
    [{ ...base, evidence: [{ kind: 'record', record_type: 'stat_record', record_id: 99999999 }] }, 'evidence[0].record_id'],
    [{ ...base, evidence: [{ kind: 'text', title: 'x'.repeat(201), body: 'b' }] }, 'evidence[0].title'],
  ];
  cases.push([{ ...base, figures: [{ target_id: f.live.id, value: 1 }] }, 'figures[0].target_id']);
  const before = await reportCount();
  for (const [body, field] of cases) {
    const e = assertError(await jijiao.post(`/api/items/${f.mine.id}/reports`, body), 400, { field });
    assert.ok(e.message.length > 0);
  }
  assert.equal(await reportCount(), before, 'no refused report was stored');
  // quarter periods, the default date and a hazard of the county as evidence are fine
  const hazard = ok(await (await as('admin')).get('/api/hazards?per_page=1')).items[0];
  assert.ok(hazard, 'a demo hazard');
  const q = ok(await jijiao.post(`/api/items/${f.mine.id}/reports`, {
    ...base, period: '2023-Q2', evidence: [{ kind: 'record', record_type: 'hazard', record_id: hazard.id }],
  }), 201);
  assert.equal(q.evidence[0].record_type, 'hazard');
  assert.equal(q.evidence[0].record_id, hazard.id);
  assert.ok(q.evidence[0].title.includes(hazard.school_name), `titled by the hazard's school: ${q.evidence[0].title}`);
  assert.equal(q.period, '2023-Q2');
  assert.match(q.reported_on, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(q.progress, null);
});

S.test('uploads: typed from the bytes (PDF, PNG, JPEG, XLSX, DOCX, DOC, XLS); 415 otherwise; empty 400; too large 413; readers 403', async () => {
  const jijiao = await as('jijiao');
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]);
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(32, 2), Buffer.from([0xff, 0xd9])]);
  const xlsx = (await (await as('admin')).get('/api/schools?format=xlsx')).buffer;
  const docx = makeZip([{ name: '[Content_Types].xml', data: Buffer.from('<Types/>') }, { name: 'word/document.xml', data: Buffer.from('<w:document/>') }]);
  const cases = [
    [pdfBytes('二'), 'a.pdf', 'application/pdf'],
    [png, 'photo.jpg', 'image/png'],
    [jpeg, 'photo.png', 'image/jpeg'],
    [xlsx, '学校.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    [docx, '通报.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    [makeOle('WordDocument'), '旧.doc', 'application/msword'],
    [makeOle('Workbook'), '旧.xls', 'application/vnd.ms-excel'],
  ];
  for (const [bytes, name, type] of cases) {
    const u = ok(await upload(jijiao, bytes, name), 201);
    assert.equal(u.type, type, `${name}: ${u.type}`);
    assert.equal(u.size, bytes.length);
    const row = ok(await (await as('audit')).get(`/api/audit?entity=plan_upload&entity_id=${u.id}`)).items;
    assert.equal(row.length, 1, `upload ${u.id} audited`);
  }
  const refused = [
    Buffer.from('just some text, not a document'),
    Buffer.from('<html><script>alert(1)</script></html>'),
    makeZip([{ name: 'readme.txt', data: Buffer.from('hello') }]),
    Buffer.from('PK\x03\x04 not really a zip at all............'),
    makeOle('SomethingElse'),
  ];
  for (const bytes of refused) {
    const e = assertError(await upload(jijiao, bytes, 'x.pdf'), 415);
    assert.match(e.message, /PDF/);
  }
  assertError(await upload(jijiao, Buffer.alloc(0), 'empty.pdf'), 400);
  assertError(await upload(jijiao, pdfBytes('名'), 'a"b.pdf'), 400, { field: 'name' });
  const big = Buffer.concat([pdfBytes('大'), Buffer.alloc(10 * 1024 * 1024 + 1)]);
  const r = await upload(jijiao, big, 'big.pdf');
  assert.equal(r.status, 413, `too large: ${r.status}`);
  for (const u of ['leader', 'audit']) assertError(await upload(await as(u), pdfBytes(u), 'a.pdf'), 403);
  const f = await setup();
  assertError(await upload(await as(f.schoolUser), pdfBytes('s'), 'a.pdf'), 403);
  // a name with folders keeps only the file name
  const named = ok(await upload(jijiao, pdfBytes('路径'), 'C:\\文件\\说明.pdf'), 201);
  assert.equal(named.name, '说明.pdf');
});
