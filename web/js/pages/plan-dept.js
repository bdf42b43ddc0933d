// plan-dept.js - 股室目标 (#/plan/dept?dept=&plan=&on=): one department's
// own view of the plan: the items it leads (GET /api/plans/{id}/tree?dept=)
// with their status, progress, due date and last report, a 填报 link on
// each, and its reminders (GET /api/plans/{id}/reminders: reports due and
// not filed). A 股室 user sees their own department by default.
// Selectors: plan-ui.js.

import { get, qs } from '../api.js';
import { h, pageHead, select, setOptions, errorBox } from '../ui.js';
import { sortableTable } from './stats.js';
import {
  STATUSES, statusBadge, statusLabel, progressBar, isDate, planAccess, canReport, plans, pickPlan, deptOptions,
  flatten, cycleLabel, tabs, fmtVal,
} from './plan-ui.js';

export async function render(ctx) {
  const q = ctx.query;
  const [list, acc, depts] = await Promise.all([plans(), planAccess(ctx.user), deptOptions().catch(() => [])]);
  const plan = pickPlan(list, q);
  if (!plan) return h('div', null, pageHead('股室目标'), tabs('dept', q), errorBox({ message: '暂无年度目标' }));
  const own = ctx.user && ctx.user.role === 'dept' && ctx.user.dept_id ? String(ctx.user.dept_id) : '';
  const dept = q.dept || own;
  const on = isDate(q.on) ? q.on : '';

  const deptSel = select('dept', depts, dept, { 'data-testid': 'dept-select' }, '请选择股室');
  if (!depts.length) deptOptions().then((opts) => setOptions(deptSel, opts, dept, '请选择股室')).catch(() => {});
  deptSel.addEventListener('change', () => ctx.go('#/plan/dept' + qs({ plan: q.plan, on: q.on, dept: deptSel.value })));
  const head = h('div.filters.plan-filters', null,
    h('div.filter', null, h('label', { for: deptSel.id }, '股室'), deptSel));
  const title = pageHead('股室目标', h('button.btn', { type: 'button', 'data-testid': 'print', onclick: () => window.print() }, '打印'));
  if (!dept) return h('div', null, title, tabs('dept', q), head, h('p.empty', null, '请选择股室'));

  const [tree, rem] = await Promise.all([
    get('/api/plans/' + plan.id + '/tree', { on, dept }),
    get('/api/plans/' + plan.id + '/reminders', { on }).catch((err) => ({ failed: err })),
  ]);
  const label = (depts.find((d) => d.value === String(dept)) || {}).label || '';
  const mine = flatten(tree.items).map((x) => x.item)
    .filter((it) => it.lead_dept && String(it.lead_dept.id) === String(dept));
  const counts = {};
  const isSection = (it) => (it.children || []).length > 0;
  for (const it of mine) if (!isSection(it)) counts[it.status] = (counts[it.status] || 0) + 1;
  const reminders = (rem.items || []).filter((r) => {
    const d = r.lead_dept;
    if (d && typeof d === 'object') return String(d.id) === String(dept);
    return !!label && String(d || '') === label;
  });
  const onQ = on ? '?on=' + on : '';

  const itemsTable = sortableTable({
    testid: 'dept-items',
    rows: mine.map((it) => Object.assign({}, it, { status_order: STATUSES.findIndex((s) => s.value === it.status), last_period: it.last_report ? it.last_report.period : '' })),
    rowAttrs: (it) => ({ 'data-id': it.id, 'data-status': it.status || '' }),
    empty: '本股室没有牵头的事项',
    columns: [
      { key: 'title', label: '事项', render: (it) => h('a', { href: '#/plan/items/' + it.id + onQ, class: isSection(it) ? 'plan-section-link' : null }, (it.code ? it.code + ' ' : '') + it.title) },
      { key: 'status_order', label: '状态', render: (it) => statusBadge(it.status) },
      { key: 'progress', label: '进度', render: (it) => progressBar(it.progress, it.status) },
      { key: 'targets', label: '指标', render: (it) => targetsLine(it.targets) },
      { key: 'due_date', label: '完成时限' },
      { key: 'last_period', label: '最近报送', render: (it) => (it.last_report ? it.last_report.period + ' · ' + statusLabel(it.last_report.state) : (isSection(it) ? '' : '未报送')) },
      { key: 'id', label: '', render: (it) => (canReport(ctx.user, it, acc) && !(it.children || []).length
        ? h('a.btn.btn-sm.noprint', { href: '#/plan/items/' + it.id + '/report' + onQ, 'data-testid': 'report-link' }, '填报') : '') },
    ],
  });
  const remTable = sortableTable({
    testid: 'reminders',
    rows: reminders,
    rowAttrs: (r) => ({ 'data-item-id': r.item_id, class: Number(r.overdue_days) > 0 ? 'overdue' : null }),
    empty: '没有待报送的事项',
    columns: [
      { key: 'title', label: '事项', render: (r) => h('a', { href: '#/plan/items/' + r.item_id + onQ }, r.title) },
      { key: 'cycle', label: '周期', render: (r) => cycleLabel(r.cycle) },
      { key: 'due_period', label: '应报期' },
      { key: 'last_period', label: '最近报送', render: (r) => r.last_period || '未报送' },
      { key: 'overdue_days', label: '逾期天数', num: true, render: (r) => (Number(r.overdue_days) > 0 ? h('span.plan-overdue-days', null, r.overdue_days + ' 天') : '未逾期') },
    ],
  });
  return h('div.plan-page', null,
    title,
    tabs('dept', q),
    head,
    h('p.print-only', null, '股室：' + label),
    h('div.stats.plan-counts', null, STATUSES.filter((s) => counts[s.value]).map((s) =>
      h('div', { class: 'stat plan-stat plan-stat-' + s.value, 'data-testid': 'dept-count-' + s.value },
        h('div.stat-value', null, String(counts[s.value])), h('div.stat-label', null, s.label)))),
    h('section.card', null, h('h2', null, '待报送提醒', h('span.muted.plan-small', null, '（截至 ' + ((tree.plan && tree.plan.on) || on || '—') + '）')),
      rem.failed ? errorBox(rem.failed) : remTable),
    h('section.card', null, h('h2', null, (label || '本股室') + '牵头的事项（' + mine.length + ' 项）'), itemsTable));
}

function targetsLine(targets) {
  if (!targets || !targets.length) return '—';
  return h('span.plan-small', null, targets.map((t, i) => [i ? '；' : '', t.name + ' ' + fmtVal(t.current, t.unit) + ' / ' + fmtVal(t.floor, t.unit)]));
}
