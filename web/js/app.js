// app.js - start-up, session, router and layout.
//
// Routes are hash routes (#/schools?q=实验&page=2). A page module exports
// render(ctx) returning a Node (or a Promise of one); ctx = {user, params,
// query, path, onLeave(fn), refreshUser()}. To add a module: one line in
// MENU and one or more lines in ROUTES.

import * as api from './api.js';
import { h, clear, toast, loading, errorBox } from './ui.js';
import * as loginPage from './pages/login.js';
import * as passwordPage from './pages/password.js';
import * as homePage from './pages/home.js';
import * as schoolsPage from './pages/schools.js';
import * as schoolPage from './pages/school.js';
import * as usersPage from './pages/users.js';
import * as auditPage from './pages/audit.js';
import * as safetyPage from './pages/safety.js';
import * as hazardsPage from './pages/safety-hazards.js';
import * as inspectionsPage from './pages/safety-inspections.js';
import * as activitiesPage from './pages/safety-activities.js';
import * as vaccinationsPage from './pages/safety-vaccinations.js';
import * as ledgerPage from './pages/safety-ledger.js';
import * as statsPage from './pages/stats.js';
import * as statsRoundsPage from './pages/stats-rounds.js';
import * as statsImportPage from './pages/stats-import.js';
import * as statsQueryPage from './pages/stats-query.js';
import * as evalPage from './pages/eval.js';
import * as planPage from './pages/plan.js';
import * as planDeptPage from './pages/plan-dept.js';
import * as planItemPage from './pages/plan-item.js';
import * as planReportPage from './pages/plan-report.js';

const ALL = null;   // every role
const PLAN = ['admin', 'leader', 'dept', 'auditor'];   // 目标: the county's bureau, not schools

// The left menu. Later modules are one line each, e.g.
//   { route: '/stats', label: '基表', icon: '表', roles: ALL },
export const MENU = [
  { route: '/', label: '首页', icon: '⌂', roles: ALL },
  { route: '/schools', label: '学校', icon: '校', roles: ALL },
  { label: '安全', icon: '安', children: [
    { route: '/safety', label: '安全看板', roles: ALL },
    { route: '/safety/hazards', label: '隐患台账', roles: ALL },
    { route: '/safety/inspections', label: '排查', roles: ALL },
    { route: '/safety/activities', label: '安全活动', roles: ALL },
    { route: '/safety/vaccinations', label: '疫苗接种', roles: ALL },
  ] },
  { label: '基表', icon: '表', children: [
    { route: '/stats', label: '填报', roles: ALL },
    { route: '/stats/rounds', label: '填报任务', roles: ['admin', 'dept', 'leader'] },
    { route: '/stats/import', label: '数据导入', roles: ['admin', 'dept', 'school'] },
    { route: '/stats/records', label: '数据查询', roles: ALL },
  ] },
  { label: '目标', icon: '标', children: [{ route: '/plan', label: '年度目标', roles: PLAN }, { route: '/plan/dept', label: '股室目标', roles: PLAN }] },
  { label: '评估', icon: '评', children: [['/eval', '县域评估总览'], ['/eval/what-if', '模拟测算'], ['/eval/preschool', '学前普及普惠'], ['/eval/class-size', '班额与规模'], ['/eval/standards', '标准与目标']].map(([route, label]) => ({ route, label, roles: ['admin', 'leader', 'dept', 'auditor'] })) },
  { label: '系统', icon: '⚙', children: [
    { route: '/users', label: '用户管理', roles: ['admin'] },
    { route: '/audit', label: '审计日志', roles: ['admin', 'auditor'] },
  ] },
];

// [pattern, page module, roles, menu route to highlight]
const ROUTES = [
  [/^\/$/, homePage, ALL, '/'],
  [/^\/schools$/, schoolsPage, ALL, '/schools'],
  [/^\/schools\/new$/, schoolPage, ['admin', 'dept'], '/schools'],
  [/^\/schools\/(\d+)$/, schoolPage, ALL, '/schools'],
  [/^\/schools\/(\d+)\/edit$/, schoolPage, ALL, '/schools'],
  [/^\/safety$/, safetyPage, ALL, '/safety'],
  [/^\/safety\/hazards$/, hazardsPage, ALL, '/safety/hazards'],
  [/^\/safety\/hazards\/new$/, hazardsPage, ['admin', 'dept', 'school'], '/safety/hazards'],
  [/^\/safety\/hazards\/(\d+)$/, hazardsPage, ALL, '/safety/hazards'],
  [/^\/safety\/hazards\/(\d+)\/notice$/, hazardsPage, ALL, '/safety/hazards'],
  [/^\/safety\/inspections$/, inspectionsPage, ALL, '/safety/inspections'],
  [/^\/safety\/inspections\/new$/, inspectionsPage, ['admin', 'dept', 'school'], '/safety/inspections'],
  [/^\/safety\/inspections\/(\d+)$/, inspectionsPage, ALL, '/safety/inspections'],
  [/^\/safety\/coverage$/, inspectionsPage, ALL, '/safety/inspections'],
  [/^\/safety\/activities$/, activitiesPage, ALL, '/safety/activities'],
  [/^\/safety\/vaccinations$/, vaccinationsPage, ALL, '/safety/vaccinations'],
  [/^\/safety\/ledger$/, ledgerPage, ALL, '/safety/hazards'],
  [/^\/stats$/, statsPage, ALL, '/stats'],
  [/^\/stats\/(\d+)\/(\d{4})$/, statsPage, ALL, '/stats'],
  [/^\/stats\/(\d+)\/(\d{4})\/print$/, statsPage, ALL, '/stats'],
  [/^\/stats\/rounds$/, statsRoundsPage, ['admin', 'dept', 'leader'], '/stats/rounds'],
  [/^\/stats\/rounds\/(\d+)$/, statsRoundsPage, ['admin', 'dept', 'leader'], '/stats/rounds'],
  [/^\/stats\/import$/, statsImportPage, ['admin', 'dept', 'school'], '/stats/import'],
  [/^\/stats\/records$/, statsQueryPage, ALL, '/stats/records'],
  [/^\/plan$/, planPage, PLAN, '/plan'],
  [/^\/plan\/dept$/, planDeptPage, PLAN, '/plan/dept'],
  [/^\/plan\/items\/(\d+)$/, planItemPage, PLAN, '/plan'],
  [/^\/plan\/items\/(\d+)\/report$/, planReportPage, ['admin', 'dept'], '/plan'],
  [/^\/eval$/, evalPage, ['admin', 'leader', 'dept', 'auditor'], '/eval'],
  [/^\/eval\/what-if$/, evalPage, ['admin', 'leader', 'dept', 'auditor'], '/eval/what-if'],
  [/^\/eval\/preschool$/, evalPage, ['admin', 'leader', 'dept', 'auditor'], '/eval/preschool'],
  [/^\/eval\/class-size$/, evalPage, ['admin', 'leader', 'dept', 'auditor'], '/eval/class-size'],
  [/^\/eval\/standards$/, evalPage, ['admin', 'leader', 'dept', 'auditor'], '/eval/standards'],
  [/^\/eval\/indicator\/[a-z_]+$/, evalPage, ['admin', 'leader', 'dept', 'auditor'], '/eval'],
  [/^\/eval\/school\/\d+$/, evalPage, ALL, '/eval'],
  [/^\/users$/, usersPage, ['admin'], '/users'],
  [/^\/audit$/, auditPage, ['admin', 'auditor'], '/audit'],
];

const app = document.getElementById('app');
let user = null;
let leaveFns = [];
let shell = null;   // {main, menu, userName} while the layout is shown

function allowed(roles) { return !roles || (user && roles.includes(user.role)); }

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const qi = raw.indexOf('?');
  const path = qi >= 0 ? raw.slice(0, qi) : raw;
  const query = {};
  if (qi >= 0) for (const [k, v] of new URLSearchParams(raw.slice(qi + 1))) query[k] = v;
  return { path: path || '/', query };
}

function leave() {
  for (const fn of leaveFns) { try { fn(); } catch (e) { /* ignore */ } }
  leaveFns = [];
  for (const d of document.querySelectorAll('dialog.modal')) d.remove();   // a dialog belongs to the page it was opened on
}

// ---- layout -----------------------------------------------------------

// "长葛市教体局工作平台" when the user's scope is a county, city or province;
// just "教体局工作平台" for a town or a school scope.
function title() {
  const scope = user && user.scope_name ? user.scope_name.replace(/(教体局|教育局|教育体育局)$/, '') : '';
  return (/[省市县区旗州盟]$/.test(scope) ? scope : '') + '教体局工作平台';
}

function buildMenu() {
  const nav = h('nav.menu', { id: 'menu', 'aria-label': '主菜单' });
  const ul = h('ul');
  for (const item of MENU) {
    if (item.children) {
      const kids = item.children.filter((c) => allowed(c.roles));
      if (!kids.length) continue;
      ul.appendChild(h('li.menu-group', null,
        h('div.menu-group-label', null, h('span.menu-icon', { 'aria-hidden': 'true' }, item.icon || ''), item.label),
        h('ul', null, kids.map((c) => h('li', null, h('a', { href: '#' + c.route, 'data-route': c.route }, c.label))))));
    } else if (allowed(item.roles)) {
      ul.appendChild(h('li', null, h('a', { href: '#' + item.route, 'data-route': item.route },
        h('span.menu-icon', { 'aria-hidden': 'true' }, item.icon || ''), item.label)));
    }
  }
  nav.appendChild(ul);
  return nav;
}

function buildShell() {
  const main = h('main.main', { id: 'main', tabindex: '-1' });
  const menu = buildMenu();
  const top = h('header.topbar', null,
    h('a.brand', { href: '#/' }, h('img', { src: '/favicon.svg', alt: '', width: 24, height: 24 }), h('span', { id: 'app-title' }, title())),
    h('div.topbar-user', null,
      h('span.user-name', { id: 'user-name' }, user.name || user.username),
      h('span.user-role', null, user.role_label || ''),
      h('a.top-link', { href: '#/password', 'data-testid': 'change-password' }, '修改密码'),
      h('button.top-link', { type: 'button', id: 'logout-btn', onclick: logout }, '退出')));
  clear(app);
  app.appendChild(h('div.layout', null, top, h('div.body', null, menu, main)));
  document.title = title();
  shell = { main, menu };
}

function highlight(route) {
  if (!shell) return;
  for (const a of shell.menu.querySelectorAll('a[data-route]')) {
    const on = a.getAttribute('data-route') === route;
    a.classList.toggle('active', on);
    if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

// ---- pages ------------------------------------------------------------

async function show(root, mod, ctx) {
  const box = h('div.page');
  clear(root);
  root.appendChild(box);
  box.appendChild(loading());
  try {
    const node = await mod.render(ctx);
    clear(box);
    if (node) box.appendChild(node);
  } catch (err) {
    clear(box);
    box.appendChild(errorBox(err));
  }
}

function bare(mod, ctx) {
  shell = null;
  clear(app);
  const root = h('div.bare');
  app.appendChild(root);
  return show(root, mod, ctx);
}

function ctxFor(path, params, query) {
  return {
    user, path, params, query,
    onLeave: (fn) => leaveFns.push(fn),
    refreshUser,
    setUser: (u, csrf) => { user = u; if (csrf) api.setCsrf(csrf); shell = null; },
    go,
  };
}

async function route() {
  leave();
  const { path, query } = parseHash();
  if (!user) {
    if (path !== '/login') { sessionStorage.setItem('after_login', location.hash); history.replaceState(null, '', '#/login'); }
    return bare(loginPage, ctxFor('/login', [], query));
  }
  if (path === '/login') { history.replaceState(null, '', '#/'); return route(); }
  if (path === '/password' || user.must_change_password) {
    if (path !== '/password') history.replaceState(null, '', '#/password');
    if (user.must_change_password) return bare(passwordPage, ctxFor('/password', [], query));
  }
  if (!shell) buildShell();
  window.scrollTo(0, 0);
  if (path === '/password') { highlight(''); return show(shell.main, passwordPage, ctxFor(path, [], query)); }
  for (const [re, mod, roles, menuRoute] of ROUTES) {
    const m = re.exec(path);
    if (!m) continue;
    highlight(menuRoute);
    if (!allowed(roles)) { clear(shell.main); shell.main.appendChild(errorBox({ message: '无权限访问此页面' })); return undefined; }
    return show(shell.main, mod, ctxFor(path, m.slice(1), query));
  }
  highlight('');
  clear(shell.main);
  shell.main.appendChild(h('div.page', null, errorBox({ message: '页面不存在' }), h('p', null, h('a', { href: '#/' }, '返回首页'))));
  return undefined;
}

// go('#/x'): navigate, and render even when the hash is already that.
function go(hash) {
  if (location.hash === hash || (hash === '#/' && location.hash === '')) route();
  else location.hash = hash;
}

async function refreshUser() {
  const me = await api.get('/api/me', null, { quiet: true });
  user = me.user;
  api.setCsrf(me.csrf);
  shell = null;
  return user;
}

async function logout() {
  try { await api.post('/api/logout'); } catch (e) { /* the session may be gone already */ }
  user = null;
  api.setCsrf(null);
  shell = null;
  sessionStorage.removeItem('after_login');
  location.hash = '#/login';
  if (parseHash().path === '/login') route();
}

// ---- start ------------------------------------------------------------

api.on('unauthorized', () => {
  if (!user) return;
  user = null;
  shell = null;
  api.setCsrf(null);
  toast('未登录或会话已过期，请重新登录', 'error');
  route();
});
api.on('password', () => {
  if (user) user.must_change_password = true;
  route();
});

window.addEventListener('hashchange', route);

(async function start() {
  try {
    await refreshUser();
  } catch (err) {
    user = null;
    if (err.status && err.status !== 401 && err.status !== 403) toast(err.message, 'error');
  }
  route();
}());
