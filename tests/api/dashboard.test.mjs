// dashboard.test.mjs - the 首页 figures equal counts computed independently
// from GET /api/schools totals, for a county user and a school admin.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { ok, allPages } from '../lib/client.mjs';

const S = serverSuite();
const enc = encodeURIComponent;
const TYPES = ['幼儿园', '小学', '初中', '九年一贯制学校', '十二年一贯制学校', '完全中学', '高级中学', '中等职业学校', '特殊教育学校', '教学点'];
const AREAS = ['城区', '镇区', '乡村'];
const NATURES = ['公办', '民办', '普惠性民办'];
const ACTIVE = `status=${enc('在办')}`;

function asMap(list, what) {
  assert.ok(Array.isArray(list), `${what} is an array`);
  const m = new Map();
  for (const e of list) {
    assert.equal(typeof e.name, 'string', `${what} entry name`);
    assert.ok(Number.isInteger(e.value) && e.value >= 0, `${what} entry value: ${JSON.stringify(e)}`);
    assert.ok(!m.has(e.name), `${what}: ${e.name} twice`);
    m.set(e.name, e.value);
  }
  return m;
}

async function total(c, query) {
  return ok(await c.get(`/api/schools?per_page=1&${query}`)).total;
}

S.test('dashboard figures equal the school list totals', async () => {
  const c = await S.login('leader');
  const d = ok(await c.get('/api/dashboard'));
  for (const k of ['schools', 'active', 'merged', 'closed', 'towns', 'groups']) {
    assert.ok(Number.isInteger(d[k]), `${k} is an integer: ${JSON.stringify(d)}`);
  }
  assert.equal(d.schools, await total(c, ''), 'schools = all schools in scope');
  assert.equal(d.active, await total(c, ACTIVE));
  assert.equal(d.merged, await total(c, `status=${enc('撤并')}`));
  assert.equal(d.closed, await total(c, `status=${enc('停办')}`));
  assert.equal(d.merged, 4, 'the demo merged 4 schools');
  assert.equal(d.schools, d.active + d.merged + d.closed);
  assert.equal(d.towns, ok(await c.get('/api/orgs?level=town')).items.length);
  assert.equal(d.towns, 16);
  assert.equal(d.groups, ok(await c.get('/api/groups')).items.length);
  assert.ok(d.groups >= 2, 'a few 教育集团');

  const byType = asMap(d.by_type, 'by_type');
  let sum = 0;
  for (const t of TYPES) {
    const n = await total(c, `type=${enc(t)}&${ACTIVE}`);
    assert.equal(byType.get(t) ?? 0, n, `by_type ${t}`);
    sum += n;
  }
  for (const name of byType.keys()) assert.ok(TYPES.includes(name), `unknown type ${name}`);
  assert.equal(sum, d.active, 'by_type sums to the active schools');

  const byArea = asMap(d.by_area, 'by_area');
  for (const a of AREAS) assert.equal(byArea.get(a) ?? 0, await total(c, `area=${enc(a)}&${ACTIVE}`), `by_area ${a}`);
  assert.equal([...byArea.values()].reduce((x, y) => x + y, 0), d.active);

  const byNature = asMap(d.by_nature, 'by_nature');
  for (const n of NATURES) assert.equal(byNature.get(n) ?? 0, await total(c, `nature=${enc(n)}&${ACTIVE}`), `by_nature ${n}`);

  const byTown = asMap(d.by_unit, 'by_unit');
  assert.ok(d.by_unit.every((u) => u.level === 'town'), 'below a county come its 街道/乡镇');
  const towns = ok(await c.get('/api/orgs?level=town')).items;
  let townSum = 0;
  for (const t of towns) {
    const n = await total(c, `town=${t.id}&${ACTIVE}`);
    assert.equal(byTown.get(t.name) ?? 0, n, `by_unit ${t.name}`);
    townSum += n;
  }
  assert.equal(townSum, d.active);
  // the main figures are the same for every county-wide role
  const admin = await S.login('admin');
  assert.deepEqual(ok(await admin.get('/api/dashboard')), d);
});

S.test('dashboard follows writes and the scope', async () => {
  const admin = await S.login('admin');
  const before = ok(await admin.get('/api/dashboard'));
  const [a, b] = ok(await admin.get(`/api/schools?${ACTIVE}&type=${enc('教学点')}&per_page=2`)).items;
  ok(await admin.post(`/api/schools/${a.id}/merge`, { into_id: b.id, date: '2026-02-01', note: '看板测试' }));
  const after = ok(await admin.get('/api/dashboard'));
  assert.equal(after.active, before.active - 1);
  assert.equal(after.merged, before.merged + 1);
  assert.equal(asMap(after.by_type).get('教学点'), asMap(before.by_type).get('教学点') - 1);

  const mine = (await allPages(admin, `/api/schools?${ACTIVE}&type=${enc('小学')}`))[0];
  const s = await S.login(`s${mine.code}`);
  const d = ok(await s.get('/api/dashboard'));
  assert.equal(d.schools, 1);
  assert.equal(d.active, 1);
  assert.equal(asMap(d.by_type).get('小学'), 1);
  assert.equal([...asMap(d.by_type).values()].reduce((x, y) => x + y, 0), 1);
});
