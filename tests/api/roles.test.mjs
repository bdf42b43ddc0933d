// roles.test.mjs - role x endpoint matrix, scopes, phone masking, and 401
// for every endpoint without a session.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { request, assertError, ok, allPages } from '../lib/client.mjs';
import { assertXlsxReply } from '../lib/xlsx.mjs';

const S = serverSuite();
const enc = encodeURIComponent;
const MASKED = /^[\d-]{3}\*{4}\d{4}$/;

async function fixtures() {
  const admin = await S.login('admin');
  const list = ok(await admin.get(`/api/schools?status=${enc('在办')}&per_page=50`)).items;
  const withPhone = list.filter((s) => /^[\d-]{8,}$/.test(s.phone ?? ''));
  assert.ok(withPhone.length >= 2, 'demo schools have phone numbers');
  return { admin, own: withPhone[0], other: withPhone[1] };
}

S.test('without a session every endpoint answers 401', async () => {
  const { own } = await fixtures();
  const id = own.id;
  const calls = [
    ['GET', '/api/me'], ['POST', '/api/logout'], ['POST', '/api/me/password'],
    ['GET', '/api/orgs'], ['GET', '/api/orgs?level=town'], ['GET', '/api/departments'],
    ['GET', '/api/schools'], ['GET', '/api/schools?format=xlsx'], ['GET', `/api/schools/${id}`],
    ['POST', '/api/schools'], ['PATCH', `/api/schools/${id}`], ['POST', `/api/schools/${id}/merge`],
    ['POST', `/api/schools/${id}/status`], ['GET', '/api/groups'], ['POST', '/api/groups'],
    ['GET', '/api/dashboard'], ['GET', '/api/users'], ['POST', '/api/users'], ['PATCH', '/api/users/1'],
    ['POST', '/api/users/1/password'], ['POST', '/api/users/1/unlock'], ['GET', '/api/audit'],
    ['GET', '/api/audit?format=xlsx'],
  ];
  for (const [method, path] of calls) {
    const body = method === 'GET' ? undefined : { name: 'x', address: 'x', password: 'Xx@12345678' };
    for (const headers of [{}, { 'X-CSRF-Token': 'a'.repeat(64), Cookie: 'edu_session=' + 'b'.repeat(64) }]) {
      const res = await request(S.base, method, path, { body, headers });
      assertError(res, 401, { code: 'unauthorized' });
      assert.ok(!res.text.includes(own.name), `${method} ${path} leaks data`);
    }
  }
});

S.test('局领导 reads everything, writes nothing, no audit log, no users', async () => {
  const { own } = await fixtures();
  const c = await S.login('leader');
  assert.equal(c.user.role_label, '局领导');
  const list = ok(await c.get('/api/schools'));
  assert.ok(list.total > 300);
  const got = ok(await c.get(`/api/schools/${own.id}`));
  assert.equal(got.phone, own.phone, 'leader sees the full phone');
  ok(await c.get('/api/dashboard'));
  ok(await c.get('/api/orgs'));
  assertError(await c.patch(`/api/schools/${own.id}`, { address: '领导不能改' }), 403, { code: 'forbidden' });
  assertError(await c.post('/api/schools', { code: '4110820001', name: 'x', type: '小学', nature: '公办', area: '乡村', town_id: 1 }), 403, { code: 'forbidden' });
  assertError(await c.post(`/api/schools/${own.id}/merge`, { into_id: own.id + 1, date: '2026-01-01' }), 403, { code: 'forbidden' });
  assertError(await c.post(`/api/schools/${own.id}/status`, { status: '停办', date: '2026-01-01' }), 403, { code: 'forbidden' });
  assertError(await c.get('/api/audit'), 403, { code: 'forbidden' });
  assertError(await c.get('/api/audit?format=xlsx'), 403, { code: 'forbidden' });
  assertError(await c.get('/api/users'), 403, { code: 'forbidden' });
  assertError(await c.post('/api/users', { username: 'byleader', name: 'x', role: 'admin', password: 'Xx@12345678', scope_org_id: c.user.scope_org_id }), 403);
  assert.notEqual(ok(await c.get(`/api/schools/${own.id}`)).address, '领导不能改');
});

S.test('股室人员: write schools only when the department has the schools module', async () => {
  const { own } = await fixtures();
  const jijiao = await S.login('jijiao');
  const anquan = await S.login('anquan');
  const renshi = await S.login('renshi');
  const depts = ok(await jijiao.get('/api/departments')).items;
  const deptOf = (c) => depts.find((d) => d.id === c.user.dept_id);
  assert.equal(deptOf(jijiao).name, '基础教育股');
  assert.ok(String(deptOf(jijiao).modules).split(',').includes('schools'));
  assert.equal(deptOf(anquan).name, '安全稳定股');
  assert.ok(!String(deptOf(anquan).modules).split(',').includes('schools'));

  // all three read
  for (const c of [jijiao, anquan, renshi]) assert.ok(ok(await c.get('/api/schools')).total > 300);
  assertError(await anquan.patch(`/api/schools/${own.id}`, { address: '安全股不能改' }), 403, { code: 'forbidden' });
  assertError(await anquan.post(`/api/schools/${own.id}/merge`, { into_id: own.id + 1, date: '2026-01-01' }), 403);
  const renshiMay = String(deptOf(renshi).modules).split(',').includes('schools');
  const r = await renshi.patch(`/api/schools/${own.id}`, { head: '人事股改' });
  assert.equal(r.status, renshiMay ? 200 : 403, `renshi PATCH: ${r.text}`);
  const addr = `基础教育股改${Date.now() % 1000}`;
  const res = ok(await jijiao.patch(`/api/schools/${own.id}`, { address: addr }));
  assert.equal((res.school ?? res).address, addr);
  assert.equal(ok(await anquan.get(`/api/schools/${own.id}`)).address, addr);
  for (const c of [jijiao, anquan, renshi]) {
    assertError(await c.get('/api/audit'), 403, { code: 'forbidden' });
    assertError(await c.get('/api/users'), 403, { code: 'forbidden' });
    assertError(await c.post('/api/users', { username: 'bydept', name: 'x', role: 'admin', password: 'Xx@12345678', scope_org_id: c.user.scope_org_id }), 403);
  }
});

S.test('审计员: reads the audit log, writes nothing, no users, phones masked', async () => {
  const { admin, own, other } = await fixtures();
  const c = await S.login('audit');
  assert.equal(c.user.role_label, '审计员');
  const log = ok(await c.get('/api/audit'));
  assert.ok(log.total > 0);
  assertError(await c.patch(`/api/schools/${own.id}`, { address: '审计员不能改' }), 403, { code: 'forbidden' });
  assertError(await c.get('/api/users'), 403, { code: 'forbidden' });
  assertError(await c.post('/api/users', { username: 'byaudit', name: 'x', role: 'admin', password: 'Xx@12345678', scope_org_id: c.user.scope_org_id }), 403);
  const mine = ok(await c.get(`/api/schools/${own.id}`));
  assert.match(String(mine.phone), MASKED, `auditor sees a masked phone: ${mine.phone}`);
  assert.equal(mine.phone.slice(0, 3), own.phone.slice(0, 3));
  assert.equal(mine.phone.slice(-4), own.phone.slice(-4));
  const all = await allPages(c, '/api/schools');
  const fullPhones = (await allPages(admin, '/api/schools')).map((s) => s.phone).filter((p) => /^[\d-]{8,}$/.test(p ?? ''));
  assert.ok(fullPhones.length > 100, 'the demo schools have phones');
  const text = JSON.stringify(all);
  for (const p of fullPhones) assert.ok(!text.includes(p), `full phone ${p} visible to the auditor`);
  for (const s of all) if (s.phone) assert.ok(s.phone.includes('****'), `unmasked phone: ${s.phone}`);
  const x = assertXlsxReply(await c.get('/api/schools?format=xlsx'));
  const sheet = x.sharedXml + JSON.stringify(x.rows);
  assert.ok(!sheet.includes(other.phone), 'full phone in the auditor\'s export');
});

S.test('学校管理员: only the own school, only the limited fields', async () => {
  const { admin, own, other } = await fixtures();
  const c = await S.login(`s${own.code}`);
  assert.equal(c.user.role, 'school');
  assert.equal(c.user.school_id, own.id);
  const list = ok(await c.get('/api/schools'));
  assert.equal(list.total, 1);
  assert.equal(list.items.length, 1);
  assert.equal(list.items[0].id, own.id);
  assert.equal(list.items[0].phone, own.phone, 'own school: full phone');
  assert.equal(ok(await c.get(`/api/schools?q=${enc(other.name)}`)).total, 0);
  const x = assertXlsxReply(await c.get('/api/schools?format=xlsx'));
  assert.ok(!(x.sharedXml + JSON.stringify(x.rows)).includes(other.code), 'other school in the export');

  const g = await c.get(`/api/schools/${other.id}`);
  assert.ok([403, 404].includes(g.status), `GET other school: ${g.status}`);
  for (const v of [other.name, other.code, other.phone, other.address].filter(Boolean)) {
    assert.ok(!g.text.includes(v), `other school's data in the body: ${v}`);
  }
  const p = await c.patch(`/api/schools/${other.id}`, { phone: '13700000000' });
  assert.ok([403, 404].includes(p.status), `PATCH other school: ${p.status}`);
  assert.ok(!p.text.includes(other.name));
  assert.equal(ok(await admin.get(`/api/schools/${other.id}`)).phone, other.phone, 'other school unchanged');

  const mine = ok(await c.patch(`/api/schools/${own.id}`, { phone: '13711112222', address: '本校新地址1号' }));
  assert.equal((mine.school ?? mine).phone, '13711112222');
  const after = ok(await admin.get(`/api/schools/${own.id}`));
  assert.equal(after.phone, '13711112222');
  assert.equal(after.address, '本校新地址1号');
  for (const [field, value] of [['type', '初中'], ['name', '改名学校'], ['code', '4100000001'], ['nature', own.nature === '民办' ? '公办' : '民办'], ['area', own.area === '城区' ? '乡村' : '城区']]) {
    assertError(await c.patch(`/api/schools/${own.id}`, { [field]: value }), 403, { code: 'forbidden' });
  }
  const still = ok(await admin.get(`/api/schools/${own.id}`));
  assert.equal(still.type, own.type);
  assert.equal(still.name, own.name);
  assertError(await c.post('/api/schools', { code: '4110820001', name: 'x', type: '小学', nature: '公办', area: '乡村', town_id: own.town_id }), 403);
  assertError(await c.post(`/api/schools/${own.id}/merge`, { into_id: other.id, date: '2026-01-01' }), 403);
  assertError(await c.get('/api/audit'), 403, { code: 'forbidden' });
  assertError(await c.get('/api/users'), 403, { code: 'forbidden' });
  assertError(await c.post('/api/users', { username: 'byschool', name: 'x', role: 'admin', password: 'Xx@12345678', scope_org_id: c.user.scope_org_id }), 403);
  const dash = ok(await c.get('/api/dashboard'));
  assert.ok(dash.schools <= 1, `a school admin's dashboard covers one school: ${JSON.stringify(dash)}`);
});

S.test('only 系统管理员 manages users', async () => {
  const admin = await S.login('admin');
  const u = ok(await admin.get('/api/users?per_page=5'));
  assert.ok(u.total > 300, 'demo users incl. one per school');
  const created = await admin.post('/api/users', { username: `roletest${Date.now() % 10000}`, name: '角色测试', role: 'auditor', password: 'Xx@12345678', scope_org_id: admin.user.scope_org_id, dept_id: null, school_id: null, phone: null });
  assert.equal(created.status, 201, created.text);
});
