// auth.test.mjs - login, wrong credentials, lockout, CSRF, logout, forced
// password change and the audit rows of all that.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { Client, request, assertError, ok, allPages, DEMO_PASSWORD } from '../lib/client.mjs';

const S = serverSuite();

const USER_KEYS = ['id', 'username', 'name', 'role', 'role_label', 'dept_id', 'dept_name', 'scope_org_id',
  'scope_name', 'school_id', 'school_name', 'must_change_password', 'active', 'locked', 'last_login_at'];

S.test('login: cookie HttpOnly + SameSite=Strict, csrf in the body, user shape', async () => {
  const c = new Client(S.base);
  const res = await c.login('admin', DEMO_PASSWORD);
  assert.equal(res.status, 200, res.text);
  let sc = res.headers['set-cookie'];
  assert.ok(sc, 'Set-Cookie missing');
  sc = Array.isArray(sc) ? sc : [sc];
  const cookie = sc.find((l) => l.startsWith('edu_session='));
  assert.ok(cookie, `edu_session cookie missing: ${sc}`);
  assert.match(cookie, /;\s*HttpOnly/i);
  assert.match(cookie, /;\s*SameSite=Strict/i);
  assert.match(cookie, /;\s*Path=\//i);
  assert.ok(cookie.split(';')[0].length > 'edu_session='.length + 20, 'session token looks too short');
  assert.equal(typeof res.json.csrf, 'string');
  assert.ok(res.json.csrf.length >= 16, 'csrf token too short');
  assert.ok(!cookie.includes(res.json.csrf), 'csrf token must differ from the session token');
  const u = res.json.user;
  for (const k of USER_KEYS) assert.ok(k in u, `user.${k} missing: ${JSON.stringify(u)}`);
  assert.equal(u.username, 'admin');
  assert.equal(u.role, 'admin');
  assert.equal(u.role_label, '系统管理员');
  assert.equal(u.must_change_password, false);
  assert.equal(u.locked, false);
  assert.ok(!('password_hash' in u) && !JSON.stringify(res.json).includes('$argon2'), 'no hash in the user object');
  const me = ok(await c.get('/api/me'));
  assert.equal(me.user.username, 'admin');
  assert.equal(me.csrf, res.json.csrf);
});

S.test('wrong password and unknown user: 401 bad_credentials with the same message', async () => {
  const wrong = await request(S.base, 'POST', '/api/login', { body: { username: 'leader', password: 'Wrong@2021' } });
  const e1 = assertError(wrong, 401, { code: 'bad_credentials' });
  assert.ok(!/edu_session=[^;]/.test(String(wrong.headers['set-cookie'] || '')), 'no session cookie on a failed login');
  const unknown = await request(S.base, 'POST', '/api/login', { body: { username: 'nosuchuser', password: 'Wrong@2021' } });
  const e2 = assertError(unknown, 401, { code: 'bad_credentials' });
  assert.equal(e1.message, e2.message, 'unknown user and wrong password must read the same');
  // the failure does not spoil a later right login
  assert.equal((await new Client(S.base).login('leader')).status, 200);
});

S.test('missing field -> 400 naming the field', async () => {
  assertError(await request(S.base, 'POST', '/api/login', { body: { username: 'admin' } }), 400, { field: 'password' });
  assertError(await request(S.base, 'POST', '/api/login', { body: { password: DEMO_PASSWORD } }), 400, { field: 'username' });
  assertError(await request(S.base, 'POST', '/api/login', { body: { username: 'admin', password: 12345 } }), 400, { field: 'password' });
});

S.test('lockout: 5 wrong passwords, then 423 even with the right one', async () => {
  const admin = await S.login('admin');
  const school = ok(await admin.get('/api/schools?per_page=1&page=3')).items[0];
  const username = `s${school.code}`;
  assert.equal((await new Client(S.base).login(username)).status, 200, `${username} can log in before`);
  for (let i = 1; i <= 5; i++) {
    const res = await request(S.base, 'POST', '/api/login', { body: { username, password: `Wrong@${i}xx` } });
    if (i < 5) assertError(res, 401, { code: 'bad_credentials' });
    else assert.ok([401, 423].includes(res.status), `5th failure: ${res.status}`);
  }
  const locked = await request(S.base, 'POST', '/api/login', { body: { username, password: DEMO_PASSWORD } });
  const e = assertError(locked, 423, { code: 'locked' });
  assert.match(e.message, /分钟/);
  assert.ok(!String(locked.headers['set-cookie'] || '').match(/edu_session=[^;]/), 'no session while locked');
  // other accounts are not affected
  assert.equal((await new Client(S.base).login('leader')).status, 200);
  const users = ok(await admin.get(`/api/users?q=${username}`)).items;
  const u = users.find((x) => x.username === username);
  assert.ok(u, 'locked user listed');
  assert.equal(u.locked, true);
});

S.test('CSRF: POST/PATCH without or with a wrong X-CSRF-Token -> 403 csrf', async () => {
  const c = await S.login('jijiao');
  const school = ok(await c.get('/api/schools?per_page=1')).items[0];
  assertError(await c.post('/api/logout', undefined, { csrf: false }), 403, { code: 'csrf' });
  assertError(await c.post('/api/logout', undefined, { headers: { 'X-CSRF-Token': 'x'.repeat(64) } }), 403, { code: 'csrf' });
  assertError(await c.patch(`/api/schools/${school.id}`, { address: '不应写入' }, { csrf: false }), 403, { code: 'csrf' });
  assertError(await c.patch(`/api/schools/${school.id}`, { address: '不应写入' }, { headers: { 'X-CSRF-Token': c.csrf.slice(0, -1) + (c.csrf.endsWith('0') ? '1' : '0') } }), 403, { code: 'csrf' });
  // another session's token is not this session's token
  const other = await S.login('jijiao');
  assert.notEqual(other.csrf, c.csrf);
  assertError(await c.patch(`/api/schools/${school.id}`, { address: '不应写入' }, { headers: { 'X-CSRF-Token': other.csrf } }), 403, { code: 'csrf' });
  const after = ok(await c.get(`/api/schools/${school.id}`));
  assert.notEqual(after.address, '不应写入', 'a rejected write must not happen');
  // the session survived the rejected calls
  assert.equal((await c.get('/api/me')).status, 200);
});

S.test('logout deletes the session', async () => {
  const c = await S.login('leader');
  const replay = new Client(S.base);
  replay.cookies = new Map(c.cookies);
  assert.equal((await replay.get('/api/me')).status, 200);
  assert.deepEqual(ok(await c.post('/api/logout')), { ok: true });
  assertError(await c.get('/api/me'), 401, { code: 'unauthorized' });
  // the old cookie is dead on the server, not only in the jar
  assertError(await replay.get('/api/me'), 401, { code: 'unauthorized' });
  assertError(await replay.get('/api/schools'), 401, { code: 'unauthorized' });
});

S.test('forced password change at first login, policy, audit rows without secrets', async () => {
  const admin = await S.login('admin');
  const username = `forced${Date.now() % 100000}`;
  const initial = 'Init@Pass123';
  const good = 'Strong#Pass2026';
  const created = await admin.post('/api/users', {
    username, name: '测试用户', role: 'leader', password: initial,
    dept_id: null, scope_org_id: admin.user.scope_org_id, school_id: null, phone: '13800001111',
  });
  const nu = ok(created, 201);
  assert.equal((nu.user ?? nu).must_change_password, true, `created user must change password: ${created.text}`);

  const c = new Client(S.base);
  const lr = await c.login(username, initial);
  assert.equal(lr.status, 200, lr.text);
  assert.equal(lr.json.user.must_change_password, true);
  assertError(await c.get('/api/schools'), 403, { code: 'password_change_required' });
  assertError(await c.get('/api/dashboard'), 403, { code: 'password_change_required' });
  assert.equal((await c.get('/api/me')).status, 200, '/api/me stays allowed');

  assertError(await c.post('/api/me/password', { old_password: 'Wrong@Pass1', new_password: good }), 400, { field: 'old_password' });
  for (const weak of ['abc', 'abcdefgh', 'abcdefg1', 'Abcdefgh', 'Ab1!']) {
    assertError(await c.post('/api/me/password', { old_password: initial, new_password: weak }), 400, { field: 'new_password' });
  }
  assertError(await c.post('/api/me/password', { old_password: initial }), 400, { field: 'new_password' });
  ok(await c.post('/api/me/password', { old_password: initial, new_password: good }));

  // the session either survives the change or must be renewed; never 403 any more
  const sameSession = await c.get('/api/schools?per_page=1');
  assert.ok([200, 401].includes(sameSession.status), `after the change: ${sameSession.status} ${sameSession.text}`);
  assert.equal((await new Client(S.base).login(username, initial)).status, 401, 'the old password no longer works');
  const c2 = new Client(S.base);
  const lr2 = await c2.login(username, good);
  assert.equal(lr2.status, 200, lr2.text);
  assert.equal(lr2.json.user.must_change_password, false);
  const list = ok(await c2.get('/api/schools?per_page=1'));
  assert.ok(list.total > 300, 'a county leader sees the county');
  ok(await c2.post('/api/logout'));

  const rows = await allPages(admin, `/api/audit?user=${username}`);
  const actions = new Set(rows.map((r) => r.action));
  for (const a of ['login', 'logout', 'password']) assert.ok(actions.has(a), `audit action ${a} missing for ${username}: ${[...actions]}`);
  for (const r of rows) {
    assert.equal(r.username, username);
    assert.match(r.at, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.ok(r.ip, 'audit row records the address');
  }
  const everything = JSON.stringify(await allPages(admin, '/api/audit'));
  for (const secret of [initial, good, 'Wrong@Pass1', DEMO_PASSWORD, '$argon2']) {
    assert.ok(!everything.includes(secret), `audit log contains a secret: ${secret}`);
  }
  for (const key of ['password', 'password_hash', 'new_password', 'old_password']) {
    assert.ok(!everything.includes(`"${key}":"`), `audit log has a ${key} value`);
  }
});
