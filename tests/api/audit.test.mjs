// audit.test.mjs - the audit log: filters entity/user/action/from/to, paging,
// bad dates, xlsx export, and that every write leaves a row.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { assertError, ok, allPages, cstDate } from '../lib/client.mjs';
import { assertXlsxReply, tableAfterHeader } from '../lib/xlsx.mjs';

const S = serverSuite();
const ROW_KEYS = ['id', 'at', 'username', 'ip', 'action', 'entity', 'entity_id', 'before', 'after'];

S.test('rows have the documented shape, newest first, and paging works', async () => {
  const jijiao = await S.login('jijiao');
  const s = ok(await jijiao.get('/api/schools?per_page=1')).items[0];
  ok(await jijiao.patch(`/api/schools/${s.id}`, { head: '王五' }));
  const c = await S.login('audit');
  const first = ok(await c.get('/api/audit'));
  assert.deepEqual(Object.keys(first).sort(), ['items', 'page', 'per_page', 'total']);
  assert.equal(first.page, 1);
  assert.equal(first.per_page, 20);
  assert.ok(first.total > 20, `some rows after the demo: ${first.total}`);
  for (const r of first.items) {
    for (const k of ROW_KEYS) assert.ok(k in r, `audit row lacks ${k}: ${JSON.stringify(r)}`);
    assert.match(r.at, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.ok(r.before === null || typeof r.before === 'object', 'before is an object or null');
    assert.ok(r.after === null || typeof r.after === 'object', 'after is an object or null');
  }
  // newest first: the auditor's own login is the first row
  assert.equal(first.items[0].username, 'audit');
  assert.equal(first.items[0].action, 'login');
  for (let i = 1; i < first.items.length; i++) {
    assert.ok(first.items[i - 1].at >= first.items[i].at, 'newest first');
    assert.ok(first.items[i - 1].id > first.items[i].id, 'ids descending');
  }
  const p1 = ok(await c.get('/api/audit?per_page=3&page=1'));
  const p2 = ok(await c.get('/api/audit?per_page=3&page=2'));
  assert.equal(p1.items.length, 3);
  assert.equal(p2.items.length, 3);
  assert.equal(p2.page, 2);
  assert.deepEqual([...p1.items, ...p2.items].map((r) => r.id), first.items.slice(0, 6).map((r) => r.id));
  assertError(await c.get('/api/audit?per_page=0'), 400, { field: 'per_page' });
  assertError(await c.get('/api/audit?page=x'), 400, { field: 'page' });
  const upd = first.items.find((r) => r.entity === 'school' && r.entity_id === s.id && r.action === 'update');
  assert.ok(upd, 'the update is in the newest rows');
  assert.equal(upd.username, 'jijiao');
  assert.equal(upd.after.head, '王五');
  assert.equal(upd.ip, '127.0.0.1');
});

S.test('filters entity / entity_id / user / action each return only matching rows', async () => {
  const jijiao = await S.login('jijiao');
  const s = ok(await jijiao.get('/api/schools?per_page=1&page=2')).items[0];
  ok(await jijiao.patch(`/api/schools/${s.id}`, { head: '赵六' }));
  const c = await S.login('admin');
  const everything = await allPages(c, '/api/audit');
  const cases = [
    ['entity=school', (r) => r.entity === 'school'],
    ['entity=user', (r) => r.entity === 'user'],
    ['user=jijiao', (r) => r.username === 'jijiao'],
    ['action=login', (r) => r.action === 'login'],
    ['entity=user&action=create', (r) => r.entity === 'user' && r.action === 'create'],
    ['entity=school&user=jijiao', (r) => r.entity === 'school' && r.username === 'jijiao'],
  ];
  for (const [query, pred] of cases) {
    const rows = await allPages(c, `/api/audit?${query}`);
    assert.ok(rows.length > 0, `${query}: no rows`);
    for (const r of rows) assert.ok(pred(r), `${query}: row does not match: ${JSON.stringify(r)}`);
    assert.equal(rows.length, everything.filter(pred).length, `${query}: total vs independent count`);
  }
  // the demo's users were created with audit rows
  const created = everything.filter((r) => r.entity === 'user' && r.action === 'create');
  const users = ok(await c.get('/api/users?per_page=1')).total;
  assert.ok(created.length >= users, `a create row per user: ${created.length} < ${users}`);
  const one = created[created.length - 1];
  const byId = ok(await c.get(`/api/audit?entity=user&entity_id=${one.entity_id}`)).items;
  assert.ok(byId.length >= 1 && byId.every((r) => r.entity === 'user' && r.entity_id === one.entity_id));
  assert.equal(ok(await c.get('/api/audit?user=nosuchuser')).total, 0);
});

S.test('from / to (dates, to inclusive); bad date -> 400 field from', async () => {
  const c = await S.login('admin');
  const today = cstDate(0);
  const total = ok(await c.get('/api/audit')).total;
  const todays = ok(await c.get(`/api/audit?from=${today}&to=${today}`));
  assert.equal(todays.total, total, 'every row was written today (to is inclusive)');
  for (const r of todays.items) assert.ok(r.at.startsWith(today), `row not from today: ${r.at}`);
  assert.equal(ok(await c.get(`/api/audit?from=${cstDate(1)}`)).total, 0, 'nothing from tomorrow');
  assert.equal(ok(await c.get(`/api/audit?to=${cstDate(-1)}`)).total, 0, 'nothing until yesterday');
  assert.equal(ok(await c.get(`/api/audit?from=${cstDate(-1)}`)).total, total);
  assert.equal(ok(await c.get(`/api/audit?from=2020-01-01&to=${cstDate(1)}&user=admin`)).total,
    ok(await c.get('/api/audit?user=admin')).total);
  for (const bad of ['2021-13-01', 'yesterday', '2021/01/01', '2021-02-30']) {
    assertError(await c.get(`/api/audit?from=${encodeURIComponent(bad)}`), 400, { field: 'from' });
  }
  assertError(await c.get('/api/audit?to=2021-1-1x'), 400, { field: 'to' });
});

S.test('xlsx export of the filtered log', async () => {
  const c = await S.login('audit');
  const filter = 'entity=user&action=create';
  const total = ok(await c.get(`/api/audit?${filter}`)).total;
  const x = assertXlsxReply(await c.get(`/api/audit?${filter}&format=xlsx`));
  const headerName = x.rows.find((r) => r.some((v) => /操作|动作/.test(v)));
  assert.ok(headerName, `a header row with 操作: ${JSON.stringify(x.rows.slice(0, 2))}`);
  const h = headerName.find((v) => /操作|动作/.test(v));
  const { data } = tableAfterHeader(x.rows, h);
  assert.equal(data.length, total, 'one row per audit row');
  const names = JSON.stringify(data);
  assert.ok(names.includes('jijiao') && names.includes('anquan'), 'the created users are in the export');
  assertError(await (await S.login('leader')).get(`/api/audit?${filter}&format=xlsx`), 403);
});
