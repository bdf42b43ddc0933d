// home.js - 首页: headline figures and charts from GET /api/dashboard
// (schools by 办学类型, by 城乡分类, by the units below the user's scope: 街道/乡镇
// for a county, counties for a city, cities for a province). Charts use the SVG renderer
// so they print sharply, and follow the size of their box.

import { get } from '../api.js';
import { h, pageHead } from '../ui.js';
import { drawCharts } from '../charts.js';
import { safetyAccess } from './safety.js';
import { statsSummary } from './stats.js';
import { STATUSES, statusBadge, progressBar, deptName, planTitle } from './plan-ui.js';

const BLUE = ['#1d5fbf', '#3b82d6', '#5ea1e8', '#f0a02c', '#43a66a', '#8a6fd1', '#d9534f', '#2bb3b3', '#9aa5b1', '#c98a4b'];

function stat(label, value, href, testid) {
  const inner = [h('div.stat-value', null, String(value === undefined || value === null ? '—' : value)), h('div.stat-label', null, label)];
  return href ? h('a.stat', { href, 'data-testid': testid }, inner) : h('div.stat', { 'data-testid': testid }, inner);
}

function chartCard(title, id, wide) {
  const box = h('div.chart', { id, role: 'img', 'aria-label': title });
  return { card: h('section', { class: 'card chart-card' + (wide ? ' chart-wide' : '') }, h('h2', null, title), box), box };
}

function barOption(items) {
  // crowded or long category names are turned so that they do not overlap
  const chars = items.reduce((n, d) => n + String(d.name).length, 0);
  const rotate = items.length > 6 && chars > items.length * 3 ? 35 : 0;
  return {
    color: BLUE,
    grid: { left: 48, right: 16, top: 24, bottom: rotate ? 90 : 40 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: items.map((d) => d.name), axisLabel: { interval: 0, rotate: rotate || 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', data: items.map((d) => d.value), barMaxWidth: 36, label: { show: true, position: 'top' } }],
    animation: false,
  };
}

function pieOption(items) {
  return {
    color: BLUE,
    tooltip: { trigger: 'item', formatter: '{b}：{c} 所（{d}%）' },
    legend: { bottom: 0 },
    series: [{ type: 'pie', radius: ['38%', '66%'], center: ['50%', '45%'], data: items,
      label: { formatter: '{b}\n{c} 所' } }],
    animation: false,
  };
}

// The red box of overdue 重大 hazards (GET /api/safety/alerts) for leaders,
// admins and the safety department; null when there are none.
async function safetyAlerts(user) {
  const role = user && user.role;
  if (role !== 'leader' && role !== 'admin' && !(role === 'dept' && (await safetyAccess(user)).bureau)) return null;
  const r = await get('/api/safety/alerts');
  const items = r.overdue_major || [];
  if (!items.length) return null;
  return h('section.alert-box', { role: 'alert', 'data-testid': 'safety-alerts' },
    h('h2', null, '逾期未整改的重大隐患（' + items.length + ' 条）'),
    h('ul', null, items.map((x) => h('li', null,
      h('a', { href: '#/safety/hazards/' + x.id, 'data-hazard-id': x.id },
        (x.school_name || '') + ' · ' + (x.category || '') + ' · ' + (x.description || '')),
      h('span.alert-meta', null, '整改时限 ' + (x.deadline || '—') + (x.days_overdue ? '，逾期 ' + x.days_overdue + ' 天' : ''))))),
    h('p', null, h('a', { href: '#/safety/hazards?overdue=1&grade=' + encodeURIComponent('重大') }, '在隐患台账中查看 →')));
}

// The 目标 card: the plan's overall progress and status, the counts by
// status and the items behind or overdue (GET /api/dashboard "plan").
function planCard(p) {
  if (!p) return null;
  const q = (extra) => '#/plan?' + new URLSearchParams(Object.assign({ plan: p.plan_id }, extra)).toString();
  const behind = p.behind || [];
  return h('section.card.plan-card', { 'data-testid': 'plan-card' },
    h('h2', null, h('a', { href: q({}) }, planTitle(p)), ' ', statusBadge(p.status),
      h('span.muted.plan-small', null, p.on ? '　截至 ' + p.on : '')),
    progressBar(p.progress, p.status, 'plan-card-progress'),
    h('div.plan-card-counts', null, STATUSES.map((s) => h('a', { class: 'plan-count plan-st-' + s.value, href: q({ status: s.value }), 'data-testid': 'plan-card-' + s.value },
      s.label + ' ' + ((p.counts || {})[s.value] || 0)))),
    behind.length ? h('ul.plan-card-list', null, behind.map((x) => h('li', null, statusBadge(x.status), ' ',
      h('a', { href: '#/plan/items/' + x.id, 'data-item-id': x.id }, x.title),
      h('span.muted', null, x.lead_dept ? ' · ' + deptName(x.lead_dept) : '')))) : h('p.muted', null, '没有滞后或逾期的事项'));
}

export async function render(ctx) {
  const [d, alerts, statsBlock] = await Promise.all([get('/api/dashboard'), safetyAlerts(ctx.user).catch(() => null),
    statsSummary(ctx).catch(() => null)]);
  const units = d.by_unit || [];
  const unitLabel = { city: '市', county: '县（市、区）', town: '街道/乡镇' }[units.length ? units[0].level : 'town'] || '下级单位';
  const stats = h('div.stats', null,
    stat('学校总数', d.schools, '#/schools', 'stat-schools'),
    stat('在办', d.active, '#/schools?status=' + encodeURIComponent('在办'), 'stat-active'),
    stat('撤并', d.merged, '#/schools?status=' + encodeURIComponent('撤并'), 'stat-merged'),
    d.closed ? stat('停办', d.closed, '#/schools?status=' + encodeURIComponent('停办'), 'stat-closed') : null,
    stat('街道/乡镇', d.towns, null, 'stat-towns'),
    stat('教育集团', d.groups, null, 'stat-groups'));

  const byType = chartCard('在办学校：按办学类型', 'chart-type');
  const byArea = chartCard('在办学校：按城乡分类', 'chart-area');
  const byTown = chartCard('在办学校：按' + unitLabel, 'chart-town', true);
  const page = h('div', null,
    pageHead('首页'),
    alerts,
    stats,
    statsBlock,
    planCard(d.plan),
    h('div.charts', null, byType.card, byArea.card, byTown.card),
    h('p.note', null, '统计范围：' + ((ctx.user && ctx.user.scope_name) || '本辖区') + '，不含撤并、停办学校。'));

  drawCharts(ctx, [[byType.box, barOption(d.by_type || [])], [byArea.box, pieOption(d.by_area || [])],
    [byTown.box, barOption(units)]]);
  return page;
}
