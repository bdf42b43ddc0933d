// counties.mjs - a province of several counties for the tests of the
// counties compared (GET /api/eval/counties, 县域评估总览 above a county).
//
// serverSuite({ prepare: prepareCounties }) makes, before the server starts,
//   edubureau generate --counties 3 --stats   河南省 > 许昌市 > 长葛市 (the demo
//       county with its users and 2019-2021 基表), 模拟市01 > 模拟县001,
//       模拟县002 (2021 基表, no users)
//   edubureau user add sheng --role admin --scope <河南省>   (a province user)
//   edubureau user add shi --role leader --scope <模拟市01>  (a city user)
// and the demo then serves that database. loginFirst(base, name) logs such a
// user in after its forced first-login password change (to the demo password).
import { execFileSync } from 'node:child_process';
import { Client, login, DEMO_PASSWORD } from './client.mjs';

export const COUNTIES = 3;
export const PROVINCE_USER = 'sheng';
export const CITY_USER = 'shi';
export const CITY_NAME = '模拟市01';
const INITIAL = 'Init@Pass2026';
const FINAL = DEMO_PASSWORD; // so the browser tests' form login works

// The id of the unit named name in `edubureau org list`.
function unitId(listing, name) {
  const m = new RegExp(`^\\s*(\\d+) ${name} `, 'm').exec(listing);
  if (!m) throw new Error(`${name} not found in org list:\n${listing.slice(0, 2000)}`);
  return m[1];
}

export async function prepareCounties({ bin, db, env }) {
  const run = (...args) => execFileSync(bin, [...args, '--db', db], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  run('generate', '--counties', String(COUNTIES), '--stats', '--quiet');
  const listing = run('org', 'list');
  run('user', 'add', PROVINCE_USER, '--role', 'admin', '--name', '省级评估', '--scope', unitId(listing, '河南省'), '--password', INITIAL);
  run('user', 'add', CITY_USER, '--role', 'leader', '--name', '市级评估', '--scope', unitId(listing, CITY_NAME), '--password', INITIAL);
}

// Log a user made by prepareCounties in, changing its password the first time.
const changed = new Set();
export async function loginFirst(base, username) {
  if (!changed.has(`${base} ${username}`)) {
    const c = new Client(base);
    const res = await c.login(username, INITIAL);
    if (res.status !== 200) throw new Error(`first login ${username}: ${res.status} ${res.text}`);
    const pw = await c.post('/api/me/password', { old_password: INITIAL, new_password: FINAL });
    if (pw.status !== 200) throw new Error(`password change ${username}: ${pw.status} ${pw.text}`);
    changed.add(`${base} ${username}`);
  }
  return login(base, username, FINAL);
}
