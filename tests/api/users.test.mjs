// users.test.mjs - user management by 系统管理员: create (policy, duplicate),
// PATCH role, password reset (forces a change), unlock after a lockout.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { Client, assertError, ok, allPages } from '../lib/client.mjs';

const S = serverSuite();
let seq = 0;
const uname = (p) => `${p}${process.pid % 1000}${++seq}`;

async function findUser(admin, username) {
  const items = await allPages(admin, `/api/users?q=${encodeURIComponent(username)}`);
  const u = items.find((x) => x.username === username);
  assert.ok(u, `user ${username} not in the list`);
  return u;
}

async function newUser(admin, extra = {}) {
  const username = uname('u');
  const body = { username, name: '用户测试', role: 'leader', password: 'First@2026a', dept_id: null,
    scope_org_id: admin.user.scope_org_id, school_id: null, phone: '13600001111', ...extra };
  const res = await admin.post('/api/users', body);
  const u = ok(res, 201);
  return { username, password: body.password, id: (u.user ?? u).id, created: u.user ?? u };
}

S.test('list users: paging and filters', async () => {
  const admin = await S.login('admin');
  const p = ok(await admin.get('/api/users?per_page=10'));
  assert.deepEqual(Object.keys(p).sort(), ['items', 'page', 'per_page', 'total']);
  assert.equal(p.items.length, 10);
  for (const u of p.items) {
    assert.ok(!('password_hash' in u) && !('password' in u), 'no password in the user list');
    assert.equal(typeof u.role_label, 'string');
  }
  const auditors = await allPages(admin, '/api/users?role=auditor');
  assert.ok(auditors.length >= 1 && auditors.every((u) => u.role === 'auditor'));
  const schoolAdmins = ok(await admin.get('/api/users?role=school'));
  const schools = ok(await admin.get('/api/schools')).total;
  const active = ok(await admin.get(`/api/schools?status=${encodeURIComponent('在办')}`)).total;
  assert.ok(schoolAdmins.total >= active && schoolAdmins.total <= schools, `one 学校管理员 per school: ${schoolAdmins.total} for ${active}/${schools}`);
  const q = await allPages(admin, '/api/users?q=jijiao');
  assert.ok(q.some((u) => u.username === 'jijiao' && u.dept_name === '基础教育股'));
  assertError(await admin.get('/api/users?per_page=500'), 400, { field: 'per_page' });
  assert.ok(!JSON.stringify(await allPages(admin, '/api/users?role=admin')).includes('$argon2'));
});

S.test('create: 201, policy error names password, duplicate username 409', async () => {
  const admin = await S.login('admin');
  const u = await newUser(admin);
  assert.equal(u.created.username, u.username);
  assert.equal(u.created.role, 'leader');
  assert.equal(u.created.role_label, '局领导');
  assert.equal(u.created.must_change_password, true);
  const base = { name: '策略测试', role: 'leader', scope_org_id: admin.user.scope_org_id, dept_id: null, school_id: null, phone: null };
  for (const weak of ['short1A', 'alllowercase', 'alllower123', 'ALLUPPER123']) {
    assertError(await admin.post('/api/users', { ...base, username: uname('weak'), password: weak }), 400, { field: 'password' });
  }
  assertError(await admin.post('/api/users', { ...base, username: u.username, password: 'Other@2026b' }), 409, { code: 'conflict', field: 'username' });
  assertError(await admin.post('/api/users', { ...base, username: 'admin', password: 'Other@2026b' }), 409, { field: 'username' });
  assertError(await admin.post('/api/users', { ...base, username: uname('role'), role: 'superuser', password: 'Other@2026b' }), 400, { field: 'role' });
  assertError(await admin.post('/api/users', { ...base, username: uname('noname'), name: undefined, password: 'Other@2026b' }), 400, { field: 'name' });
  assertError(await admin.post('/api/users', { ...base, username: '', password: 'Other@2026b' }), 400, { field: 'username' });
  // a department user needs a department
  const depts = ok(await admin.get('/api/departments')).items;
  const jj = depts.find((d) => d.name === '基础教育股');
  const dept = await newUser(admin, { role: 'dept', dept_id: jj.id });
  assert.equal(dept.created.dept_name, '基础教育股');
  // the new user can log in and must change the password first
  const c = new Client(S.base);
  const lr = await c.login(u.username, u.password);
  assert.equal(lr.status, 200, lr.text);
  assert.equal(lr.json.user.must_change_password, true);
  // the write is audited
  const rows = ok(await admin.get(`/api/audit?entity=user&entity_id=${u.id}`)).items;
  const row = rows.find((r) => r.action === 'create');
  assert.ok(row, `create audit row: ${JSON.stringify(rows)}`);
  assert.equal(row.after.username, u.username);
  assert.ok(!JSON.stringify(rows).includes(u.password) && !JSON.stringify(rows).includes('$argon2'), 'no secrets in the audit row');
});

S.test('PATCH role and name; audited; takes effect', async () => {
  const admin = await S.login('admin');
  const u = await newUser(admin);
  const res = ok(await admin.patch(`/api/users/${u.id}`, { role: 'auditor', name: '改为审计员' }));
  assert.equal((res.user ?? res).role, 'auditor');
  const listed = await findUser(admin, u.username);
  assert.equal(listed.role, 'auditor');
  assert.equal(listed.role_label, '审计员');
  assert.equal(listed.name, '改为审计员');
  const rows = ok(await admin.get(`/api/audit?entity=user&entity_id=${u.id}`)).items;
  const row = rows.find((r) => r.action === 'update');
  assert.ok(row, 'update audit row');
  assert.equal(row.before.role, 'leader');
  assert.equal(row.after.role, 'auditor');
  assertError(await admin.patch(`/api/users/${u.id}`, { role: 'god' }), 400, { field: 'role' });
  assertError(await admin.patch('/api/users/99999999', { name: 'x' }), 404);
  // disabled users cannot log in
  ok(await admin.patch(`/api/users/${u.id}`, { active: false }));
  const d = await new Client(S.base).login(u.username, u.password);
  assert.ok([401, 403, 423].includes(d.status), `disabled login: ${d.status}`);
  assert.notEqual(d.status, 200);
});

S.test('password reset forces a change at the next login', async () => {
  const admin = await S.login('admin');
  const u = await newUser(admin);
  // first login + change, so must_change is cleared
  const c = new Client(S.base);
  assert.equal((await c.login(u.username, u.password)).status, 200);
  ok(await c.post('/api/me/password', { old_password: u.password, new_password: 'Second@2026c' }));
  assertError(await admin.post(`/api/users/${u.id}/password`, { password: 'weak' }), 400, { field: 'password' });
  ok(await admin.post(`/api/users/${u.id}/password`, { password: 'Reset@2026d' }));
  assert.equal((await new Client(S.base).login(u.username, 'Second@2026c')).status, 401, 'old password gone');
  const c2 = new Client(S.base);
  const lr = await c2.login(u.username, 'Reset@2026d');
  assert.equal(lr.status, 200, lr.text);
  assert.equal(lr.json.user.must_change_password, true);
  assertError(await c2.get('/api/schools'), 403, { code: 'password_change_required' });
  const rows = JSON.stringify(ok(await admin.get(`/api/audit?entity=user&entity_id=${u.id}`)).items);
  assert.ok(!rows.includes('Reset@2026d') && !rows.includes('Second@2026c'), 'no password in the audit log');
});

S.test('unlock after a lockout lets the right password in again', async () => {
  const admin = await S.login('admin');
  const schools = ok(await admin.get('/api/schools?per_page=1&page=5')).items;
  const username = `s${schools[0].code}`;
  for (let i = 0; i < 5; i++) await new Client(S.base).login(username, 'Bad@pass' + i);
  assertError(await new Client(S.base).login(username), 423, { code: 'locked' });
  const u = await findUser(admin, username);
  assert.equal(u.locked, true);
  const denied = await (await S.login('leader')).post(`/api/users/${u.id}/unlock`);
  assert.equal(denied.status, 403);
  ok(await admin.post(`/api/users/${u.id}/unlock`));
  assert.equal((await findUser(admin, username)).locked, false);
  const c = new Client(S.base);
  assert.equal((await c.login(username)).status, 200, 'logs in after unlock');
  const rows = ok(await admin.get(`/api/audit?entity=user&entity_id=${u.id}`)).items;
  assert.ok(rows.some((r) => r.action === 'unlock'), 'unlock audited');
});
