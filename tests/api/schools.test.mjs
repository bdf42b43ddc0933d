// schools.test.mjs - the school registry: paging, filters, sorting, create,
// validation, PATCH with its audit row, merge (撤并), xlsx export.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { assertError, ok, allPages } from '../lib/client.mjs';
import { assertXlsxReply, tableAfterHeader } from '../lib/xlsx.mjs';

const S = serverSuite();
const ITEM_KEYS = ['id', 'org_id', 'code', 'name', 'short_name', 'type', 'nature', 'area', 'town_id', 'town',
  'address', 'head', 'phone', 'founded_year', 'status', 'closed_on', 'merged_into', 'group_id', 'group_name',
  'group_kind', 'updated_at'];

let all = null; // every school, as admin sees them
async function everySchool(c) {
  if (!all) all = await allPages(c, '/api/schools');
  return all;
}
const enc = encodeURIComponent;
const bytes = (s) => Buffer.from(s ?? '', 'utf8');

S.test('list: paging shape, defaults and bad paging', async () => {
  const c = await S.login('admin');
  const first = ok(await c.get('/api/schools'));
  assert.deepEqual(Object.keys(first).sort(), ['items', 'page', 'per_page', 'total']);
  assert.equal(first.page, 1);
  assert.equal(first.per_page, 20);
  assert.equal(first.items.length, 20);
  assert.ok(first.total >= 330 && first.total <= 400, `about 360 schools, got ${first.total}`);
  for (const k of ITEM_KEYS) assert.ok(k in first.items[0], `school item lacks ${k}: ${JSON.stringify(first.items[0])}`);

  const p2 = ok(await c.get('/api/schools?page=2&per_page=7'));
  assert.equal(p2.page, 2);
  assert.equal(p2.per_page, 7);
  assert.equal(p2.items.length, 7);
  const p1 = ok(await c.get('/api/schools?page=1&per_page=7'));
  const ids1 = new Set(p1.items.map((s) => s.id));
  assert.ok(p2.items.every((s) => !ids1.has(s.id)), 'pages overlap');
  assert.deepEqual(p2.items.map((s) => s.id), first.items.slice(7, 14).map((s) => s.id), 'page 2 of 7 = items 8..14 of the default order');

  const lastPage = Math.ceil(first.total / 200);
  const last = ok(await c.get(`/api/schools?per_page=200&page=${lastPage}`));
  assert.equal(last.items.length, first.total - 200 * (lastPage - 1));
  const beyond = ok(await c.get(`/api/schools?per_page=200&page=${lastPage + 1}`));
  assert.equal(beyond.items.length, 0);
  assert.equal(beyond.total, first.total);

  assertError(await c.get('/api/schools?per_page=0'), 400, { field: 'per_page' });
  assertError(await c.get('/api/schools?per_page=201'), 400, { field: 'per_page' });
  assertError(await c.get('/api/schools?per_page=-5'), 400, { field: 'per_page' });
  assertError(await c.get('/api/schools?page=abc'), 400, { field: 'page' });
  assertError(await c.get('/api/schools?page=0'), 400, { field: 'page' });
  assertError(await c.get('/api/schools?page=1x'), 400, { field: 'page' });
  assert.equal(ok(await c.get('/api/schools?per_page=200')).items.length, 200);
});

S.test('demo county: the named schools, 4 街道 + 12 乡镇, 4 merged in 2021', async () => {
  const c = await S.login('admin');
  const schools = await everySchool(c);
  const names = new Set(schools.map((s) => s.name));
  for (const n of ['长葛市第一高级中学', '长葛市第二高级中学', '长葛市实验中学', '长葛市第三实验高级中学', '长葛市陈寔路学校']) {
    assert.ok(names.has(n), `demo school ${n} missing`);
  }
  const codes = schools.map((s) => s.code);
  assert.equal(new Set(codes).size, codes.length, 'codes unique');
  assert.ok(codes.every((x) => /^\d{10}$/.test(x)), 'codes are 10 digits');
  const merged = schools.filter((s) => s.status === '撤并');
  assert.equal(merged.length, 4, '4 schools 撤并');
  for (const m of merged) {
    assert.match(String(m.closed_on), /^2021-\d{2}-\d{2}$/, `merged in 2021: ${m.closed_on}`);
    assert.ok(m.merged_into, 'merged_into set');
  }
  const towns = ok(await c.get('/api/orgs?level=town')).items;
  assert.equal(towns.length, 16);
  const streets = towns.filter((t) => t.kind === '街道').map((t) => t.name).join(',');
  for (const s of ['建设路', '长兴路', '长社路', '金桥路']) assert.ok(streets.includes(s), `街道 ${s} missing: ${streets}`);
  assert.equal(towns.filter((t) => t.kind === '乡镇').length, 12);
});

// For each filter: every item matches, and the total equals an independent count.
S.test('filters type/nature/area/town/status/q return only matching items, totals agree', async () => {
  const c = await S.login('admin');
  const schools = await everySchool(c);
  const towns = ok(await c.get('/api/orgs?level=town')).items;
  const town = towns.find((t) => schools.some((s) => s.town_id === t.id));
  const cases = [
    ['type=小学', (s) => s.type === '小学'],
    ['type=幼儿园', (s) => s.type === '幼儿园'],
    ['type=高级中学', (s) => s.type === '高级中学'],
    ['nature=民办', (s) => s.nature === '民办'],
    ['nature=普惠性民办', (s) => s.nature === '普惠性民办'],
    ['area=乡村', (s) => s.area === '乡村'],
    ['area=城区', (s) => s.area === '城区'],
    [`town=${town.id}`, (s) => s.town_id === town.id],
    ['status=撤并', (s) => s.status === '撤并'],
    ['status=在办', (s) => s.status === '在办'],
    ['q=实验', (s) => [s.name, s.short_name, s.code].some((v) => (v ?? '').includes('实验'))],
    ['q=高级中学', (s) => [s.name, s.short_name, s.code].some((v) => (v ?? '').includes('高级中学'))],
    ['type=小学&area=乡村', (s) => s.type === '小学' && s.area === '乡村'],
    [`type=幼儿园&nature=公办&town=${town.id}`, (s) => s.type === '幼儿园' && s.nature === '公办' && s.town_id === town.id],
  ];
  for (const [query, pred] of cases) {
    const q = query.split('&').map((kv) => { const [k, v] = kv.split('='); return `${k}=${enc(v)}`; }).join('&');
    const expected = schools.filter(pred);
    const got = await allPages(c, `/api/schools?${q}`);
    for (const s of got) assert.ok(pred(s), `${query}: item does not match: ${JSON.stringify(s)}`);
    assert.equal(got.length, expected.length, `${query}: total ${got.length}, independent count ${expected.length}`);
    assert.deepEqual(new Set(got.map((s) => s.id)), new Set(expected.map((s) => s.id)), `${query}: different set`);
  }
  // q by code: a full code finds exactly that school
  const one = schools[17];
  const byCode = ok(await c.get(`/api/schools?q=${one.code}`));
  assert.ok(byCode.items.some((s) => s.id === one.id), 'q matches the code');
  // the filters that matter are not trivially empty
  assert.ok(schools.filter((s) => s.type === '小学' && s.area === '乡村').length > 20);
  assert.ok(schools.filter((s) => s.nature === '普惠性民办').length > 0, 'demo has 普惠性民办 kindergartens');
  assert.ok(schools.filter((s) => s.nature === '普惠性民办').every((s) => s.type === '幼儿园'));
  // no match and bad enumerations
  assert.equal(ok(await c.get(`/api/schools?q=${enc('不存在的学校名称xyz')}`)).total, 0);
  const badType = await c.get(`/api/schools?type=${enc('大学')}`);
  assert.ok(badType.status === 400 ? badType.json.error.field === 'type' : badType.json.total === 0, `unknown type: ${badType.text}`);
});

S.test('sort=name ascending and sort=-code descending', async () => {
  const c = await S.login('admin');
  const byName = await allPages(c, '/api/schools?sort=name');
  for (let i = 1; i < byName.length; i++) {
    assert.ok(Buffer.compare(bytes(byName[i - 1].name), bytes(byName[i].name)) <= 0,
      `sort=name: ${byName[i - 1].name} before ${byName[i].name}`);
  }
  const byCodeDesc = await allPages(c, '/api/schools?sort=-code');
  for (let i = 1; i < byCodeDesc.length; i++) {
    assert.ok(byCodeDesc[i - 1].code > byCodeDesc[i].code, `sort=-code: ${byCodeDesc[i - 1].code} before ${byCodeDesc[i].code}`);
  }
  const byDefault = ok(await c.get('/api/schools?per_page=50')).items;
  for (let i = 1; i < byDefault.length; i++) assert.ok(byDefault[i - 1].code < byDefault[i].code, 'default sort is code');
  const sortedType = ok(await c.get('/api/schools?per_page=200&sort=-type')).items;
  for (let i = 1; i < sortedType.length; i++) {
    assert.ok(Buffer.compare(bytes(sortedType[i - 1].type), bytes(sortedType[i].type)) >= 0, 'sort=-type');
  }
  assertError(await c.get('/api/schools?sort=password'), 400, { field: 'sort' });
});

const usedCodes = new Set();
function freeCode(schools) {
  const used = usedCodes;
  for (const s of schools) used.add(s.code);
  const prefix = schools[0].code.slice(0, 6);
  for (let n = 9999; n > 0; n--) {
    const code = prefix + String(n).padStart(4, '0');
    if (!used.has(code)) { used.add(code); return code; }
  }
  throw new Error('no free code');
}

S.test('create: 201 then GET; duplicate code 409; validation names the field', async () => {
  const c = await S.login('admin');
  const schools = await everySchool(c);
  const town = ok(await c.get('/api/orgs?level=town')).items[0];
  const code = freeCode(schools);
  const body = { code, name: '长葛市测试新建小学', short_name: '测试小学', type: '小学', nature: '公办', area: '乡村',
    town_id: town.id, address: '测试路1号', head: '张三', phone: '13912345678', founded_year: 2024 };
  const created = ok(await c.post('/api/schools', body), 201);
  const s = created.school ?? created;
  assert.ok(Number.isInteger(s.id));
  const got = ok(await c.get(`/api/schools/${s.id}`));
  for (const [k, v] of Object.entries(body)) assert.equal(got[k], v, `created school ${k}`);
  assert.equal(got.status, '在办');
  assert.equal(got.town, town.name);
  assert.ok(Array.isArray(got.events) && got.events.length >= 1, 'a 创建 event');
  assert.equal(ok(await c.get(`/api/schools?q=${code}`)).total, 1);

  assertError(await c.post('/api/schools', { ...body, name: '重复代码学校' }), 409, { code: 'conflict', field: 'code' });
  const fresh = () => ({ ...body, code: freeCode(schools), name: '校验测试学校' });
  assertError(await c.post('/api/schools', { ...fresh(), code: '12345' }), 400, { field: 'code' });
  assertError(await c.post('/api/schools', { ...fresh(), code: '12345678ab' }), 400, { field: 'code' });
  assertError(await c.post('/api/schools', { ...fresh(), code: 4110000000 }), 400, { field: 'code' });
  assertError(await c.post('/api/schools', { ...fresh(), type: '大学' }), 400, { field: 'type' });
  assertError(await c.post('/api/schools', { ...fresh(), type: '小学', nature: '普惠性民办' }), 400, { field: 'nature' });
  assertError(await c.post('/api/schools', { ...fresh(), area: '郊区' }), 400, { field: 'area' });
  assertError(await c.post('/api/schools', { ...fresh(), town_id: 999999 }), 400, { field: 'town_id' });
  const noName = fresh(); delete noName.name;
  assertError(await c.post('/api/schools', noName), 400, { field: 'name' });
  assertError(await c.post('/api/schools', { ...fresh(), name: '   ' }), 400, { field: 'name' });
  // 普惠性民办 is fine for a 幼儿园
  ok(await c.post('/api/schools', { ...fresh(), name: '测试普惠幼儿园', type: '幼儿园', nature: '普惠性民办' }), 201);
  // nothing else was created by the rejected calls
  assert.equal(ok(await c.get(`/api/schools?q=${enc('校验测试学校')}`)).total, 0);
  all = null;
});

S.test('PATCH: 200 with the school, an audit row with before and after', async () => {
  const c = await S.login('jijiao');
  const admin = await S.login('admin');
  const s = ok(await c.get('/api/schools?type=' + enc('初中') + '&status=' + enc('在办'))).items[0];
  const newAddress = `长葛市审计路${Date.now() % 1000}号`;
  const res = ok(await c.patch(`/api/schools/${s.id}`, { address: newAddress, head: '李四' }));
  assert.equal((res.school ?? res).address, newAddress);
  const got = ok(await c.get(`/api/schools/${s.id}`));
  assert.equal(got.address, newAddress);
  assert.equal(got.head, '李四');
  assert.equal(got.name, s.name, 'other fields unchanged');
  assert.equal(got.code, s.code);
  const audit = ok(await admin.get(`/api/audit?entity=school&entity_id=${s.id}`)).items;
  const row = audit.find((a) => a.action === 'update' && a.after && a.after.address === newAddress);
  assert.ok(row, `no update audit row with the new address: ${JSON.stringify(audit)}`);
  assert.equal(row.username, 'jijiao');
  assert.equal(row.entity, 'school');
  assert.equal(row.entity_id, s.id);
  assert.ok(row.before && typeof row.before === 'object', 'before is an object');
  assert.equal(row.before.address, s.address, 'before holds the old address');
  assert.equal(row.after.head, '李四');

  assertError(await c.patch(`/api/schools/${s.id}`, { type: '大学' }), 400, { field: 'type' });
  // status changes only through merge/status, never through PATCH
  const st = await c.patch(`/api/schools/${s.id}`, { status: '停办' });
  if (st.status !== 200) assertError(st, 400, { field: 'status' });
  assert.equal(ok(await c.get(`/api/schools/${s.id}`)).status, '在办', 'PATCH must not change status');
  assertError(await c.patch(`/api/schools/${s.id}`, { phone: 'abc' }), 400, { field: 'phone' });
  assertError(await c.patch('/api/schools/99999999', { address: 'x' }), 404, { code: 'not_found' });
  assertError(await c.get('/api/schools/99999999'), 404, { code: 'not_found' });
  const abc = await c.get('/api/schools/abc');
  assert.ok([400, 404].includes(abc.status), `/api/schools/abc: ${abc.status}`);
  assert.equal(ok(await c.get(`/api/schools/${s.id}`)).address, newAddress, 'rejected patches changed nothing');
  all = null;
});

S.test('merge (撤并): status, merged_into, events on both schools, audit row', async () => {
  const c = await S.login('admin');
  const list = ok(await c.get(`/api/schools?type=${enc('教学点')}&status=${enc('在办')}&per_page=2`)).items;
  const [from, into] = list.length === 2 ? list : ok(await c.get(`/api/schools?type=${enc('小学')}&status=${enc('在办')}&per_page=2`)).items;
  const res = await c.post(`/api/schools/${from.id}/merge`, { into_id: into.id, date: '2026-03-01', note: '测试撤并' });
  ok(res);
  const a = ok(await c.get(`/api/schools/${from.id}`));
  assert.equal(a.status, '撤并');
  assert.equal(a.closed_on, '2026-03-01');
  assert.equal(a.merged_into, into.id);
  assert.equal(a.merged_into_name, into.name);
  const b = ok(await c.get(`/api/schools/${into.id}`));
  assert.equal(b.status, '在办');
  const evA = JSON.stringify(a.events);
  const evB = JSON.stringify(b.events);
  assert.ok(evA.includes('撤并') && evA.includes('2026-03-01'), `event on the merged school: ${evA}`);
  assert.ok(b.events.some((e) => JSON.stringify(e).includes('2026-03-01')), `event on the receiving school: ${evB}`);
  const audit = ok(await c.get(`/api/audit?entity=school&entity_id=${from.id}`)).items;
  const row = audit.find((r) => r.action === 'merge');
  assert.ok(row, `merge audit row: ${JSON.stringify(audit)}`);
  assert.equal(row.before.status, '在办');
  assert.equal(row.after.status, '撤并');
  // the merged school is counted as such
  assert.equal(ok(await c.get(`/api/schools?status=${enc('撤并')}`)).total, 5);
  // bad merges
  assertError(await c.post(`/api/schools/${into.id}/merge`, { into_id: into.id, date: '2026-03-01' }), 400, { field: 'into_id' });
  const ghost = await c.post(`/api/schools/${into.id}/merge`, { into_id: 99999999, date: '2026-03-01' });
  assert.ok([400, 404].includes(ghost.status), `merge into a missing school: ${ghost.status}`);
  const third = ok(await c.get(`/api/schools?type=${enc('小学')}&status=${enc('在办')}&per_page=3`)).items.find((x) => x.id !== into.id && x.id !== from.id);
  assertError(await c.post(`/api/schools/${into.id}/merge`, { into_id: third.id, date: '2026-13-45' }), 400, { field: 'date' });
  assertError(await c.post(`/api/schools/${into.id}/merge`, { into_id: from.id, date: '2026-03-01' }), 400, { field: 'into_id' });
  assertError(await c.post(`/api/schools/${into.id}/merge`, { date: '2026-03-01' }), 400, { field: 'into_id' });
  assert.equal(ok(await c.get(`/api/schools/${into.id}`)).status, '在办');
  all = null;
});

S.test('export: format=xlsx gives the whole filtered list', async () => {
  const c = await S.login('leader');
  const filter = `type=${enc('小学')}&area=${enc('乡村')}`;
  const page = ok(await c.get(`/api/schools?${filter}&per_page=5`));
  assert.ok(page.total > 5, 'more rows than one page');
  const res = await c.get(`/api/schools?${filter}&per_page=5&format=xlsx`);
  assert.ok(/attachment/i.test(String(res.headers['content-disposition'])), `download: ${res.headers['content-disposition']}`);
  const x = assertXlsxReply(res);
  assert.ok(x.sharedXml.includes('学校标识码') || x.rows.some((r) => r.includes('学校标识码')), 'header 学校标识码');
  assert.ok(x.sharedXml.includes(page.items[0].name) || x.rows.some((r) => r.includes(page.items[0].name)), 'a school name in the sheet');
  const { header, data } = tableAfterHeader(x.rows, '学校标识码');
  assert.equal(data.length, page.total, 'row count = filtered total (not one page)');
  const codeCol = header.indexOf('学校标识码');
  const all1 = await allPages(c, `/api/schools?${filter}`);
  assert.deepEqual(new Set(data.map((r) => r[codeCol])), new Set(all1.map((s) => s.code)), 'the same schools');
  const nameCol = header.indexOf('学校名称') >= 0 ? header.indexOf('学校名称') : header.findIndex((h) => h.includes('名称'));
  assert.ok(nameCol >= 0, `a name column: ${header}`);
  assert.ok(data.some((r) => r[nameCol] === page.items[0].name));
  // an unfiltered export has every school
  const full = tableAfterHeader(assertXlsxReply(await c.get('/api/schools?format=xlsx')).rows, '学校标识码');
  assert.equal(full.data.length, ok(await c.get('/api/schools')).total);
});
