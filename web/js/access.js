// access.js - what the menu and buttons may offer a user for a module.
// The server decides every request; this only hides what would be refused.
// moduleAccess(user, module) -> Promise<{write, bureau, school}>: write = may
// enter records of the module; bureau = 系统管理员 or a 股室 whose modules
// include it (reviews, closing, rounds); school = a 学校管理员 (own school).

import { get } from './api.js';

let deptsPromise = null;
function departments() {
  if (!deptsPromise) {
    deptsPromise = get('/api/departments').then((r) => r.items || []).catch((e) => { deptsPromise = null; throw e; });
  }
  return deptsPromise;
}

function listed(modules, m) {
  if (Array.isArray(modules)) return modules.includes(m);
  return String(modules || '').split(/[\s,，|]+/).includes(m);
}

export async function moduleAccess(user, module) {
  const role = user && user.role;
  if (role === 'admin') return { write: true, bureau: true, school: false };
  if (role === 'school') return { write: true, bureau: false, school: true };
  if (role === 'dept') {
    try {
      const mine = (await departments()).find((d) => String(d.id) === String(user.dept_id));
      const has = !!mine && listed(mine.modules, module);
      return { write: has, bureau: has, school: false };
    } catch (e) {
      return { write: false, bureau: false, school: false };
    }
  }
  return { write: false, bureau: false, school: false };
}
