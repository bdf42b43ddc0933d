// plan-ui.js - 目标 module: the pieces its pages share (docs/api-plan.md):
// status codes with their labels and colours, badges and progress bars,
// number formatting, who may write or report, choosing the plan to show,
// the targets table, an ECharts helper and the module's tabs.
//
// Pages: plan.js (年度目标, #/plan: the tree), plan-dept.js (股室目标,
// #/plan/dept: a department's items and reminders), plan-item.js (事项,
// #/plan/items/<id>), plan-report.js (填报进展, #/plan/items/<id>/report),
// plan-edit.js (dialogs editing items and targets, for plan writers).
//
// Selectors for browser tests:
//   menu        #menu a[data-route="/plan"], a[data-route="/plan/dept"]
//   tabs        [data-testid="tab-tree"] [data-testid="tab-dept"]
//   tree page   form.plan-filters: input[name="on"] (截至), select[name="dept"], select[name="status"],
//               [data-testid="search"], [data-testid="reset"];
//               [data-testid="plan-progress"] (overall), [data-testid="count-<status>"] .stat-value;
//               #plan-status-chart (ECharts, svg); [data-testid="export-xlsx"] [data-testid="export-docx"]
//               [data-testid="print"] [data-testid="new-item"] (writers)
//               .plan-node[data-item-id][data-status] (every node; leaves also .plan-leaf),
//               its .plan-title a (to the item), button[data-testid="toggle"] (sections, aria-expanded),
//               .plan-targets tr[data-target-id] (td.plan-current, .plan-live badge 实时)
//   item page   [data-testid="item-status"] (badge, data-status), [data-testid="item-trail"],
//               dl.detail dd[data-field="lead_dept|co_depts|leader|dates|weight|report_cycle|progress"],
//               .plan-targets tr[data-target-id], .plan-chart[data-target-id] (ECharts, svg),
//               [data-testid="report-new"] (填报进展), [data-testid="edit-item"] [data-testid="new-target"]
//               [data-testid="edit-target"] (writers); article.plan-report[data-report-id] (newest first)
//               with .plan-report-period, .plan-report-done, .plan-figures li[data-target-id],
//               ul.plan-evidence li[data-kind="text|link|file|record"] (file: a[data-evidence-id])
//   report form form.plan-report-form: name=period reported_on done problems next_steps state progress,
//               figures[<i>].value (one per reported target, data-target-id), evidence:
//               [data-testid="add-text"] [data-testid="add-link"] (rows .plan-ev-row with
//               name=evidence[<i>].title / evidence[<i>].body), [data-testid="add-file"] input type=file
//               (each chosen file is uploaded at once: .plan-ev-row[data-upload-id]), [data-testid="save"]
//   dept page   select[name="dept"], table[data-testid="dept-items"] tr[data-id],
//               table[data-testid="reminders"] tr[data-item-id]
//   首页        [data-testid="plan-card"]: [data-testid="plan-card-progress"], a[data-item-id] (items behind)

import { get } from '../api.js';
import { moduleAccess } from '../access.js';
import { h } from '../ui.js';

// ---- statuses ---------------------------------------------------------------

export const STATUSES = [
  { value: 'achieved', label: '已完成', color: '#2e8b57' },
  { value: 'on_track', label: '正常', color: '#1d5fbf' },
  { value: 'at_risk', label: '有风险', color: '#d99100' },
  { value: 'behind', label: '滞后', color: '#d9534f' },
  { value: 'overdue', label: '逾期', color: '#8b1a1a' },
  { value: 'no_data', label: '未报送', color: '#9aa5b1' },
];
// The states a department reports (plan_reports.state).
export const REPORT_STATES = STATUSES.slice(0, 4);
export const CYCLES = [
  { value: 'monthly', label: '按月' },
  { value: 'quarterly', label: '按季' },
  { value: 'none', label: '不报送' },
];

export function statusLabel(code) {
  const s = STATUSES.find((x) => x.value === code);
  return s ? s.label : (code || '—');
}
export function statusColor(code) {
  const s = STATUSES.find((x) => x.value === code);
  return s ? s.color : '#9aa5b1';
}
export function cycleLabel(code) {
  const c = CYCLES.find((x) => x.value === code);
  return c ? c.label : (code || '—');
}

// span.plan-status.plan-st-<code> with data-status
export function statusBadge(code, testid) {
  return h('span', { class: 'plan-status plan-st-' + (code || 'none'), 'data-status': code || '', 'data-testid': testid || null },
    statusLabel(code));
}

// ---- numbers ----------------------------------------------------------------

export function isNum(v) { return v !== undefined && v !== null && v !== '' && !Number.isNaN(Number(v)); }

export function fmtNum(v) {
  if (!isNum(v)) return '—';
  return Number(v).toLocaleString('zh-CN', { maximumFractionDigits: 2 });
}

export function fmtVal(v, unit) {
  if (!isNum(v)) return '—';
  return fmtNum(v) + (unit ? (unit === '%' ? '%' : ' ' + unit) : '');
}

// progress 0..1 -> "56%"
export function pctText(p) { return isNum(p) ? Math.round(Number(p) * 100) + '%' : '—'; }

// div.plan-bar: a bar coloured by status with the percentage beside it
export function progressBar(p, status, testid) {
  const w = isNum(p) ? Math.max(0, Math.min(1, Number(p))) * 100 : 0;
  return h('div', { class: 'plan-bar', 'data-testid': testid || null, title: '进度 ' + pctText(p), 'data-progress': isNum(p) ? String(p) : '' },
    h('span.plan-bar-track', null, h('span', { class: 'plan-bar-fill plan-fill-' + (status || 'none'), style: 'width:' + w.toFixed(1) + '%' })),
    h('span.plan-bar-text', null, pctText(p)));
}

// ---- dates ----------------------------------------------------------------------

const pad = (n) => String(n).padStart(2, '0');
export function today() {
  const d = new Date();
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
}
export const isDate = (s) => /^\d{4}-\d{2}-\d{2}$/.test(s || '');

// asOf: "2021学年" or {"year", "label"}
export function asOfText(a) {
  if (a === undefined || a === null || a === '') return '';
  if (typeof a === 'object') return a.label || (a.year ? String(a.year) : '');
  return String(a);
}

// ---- who ----------------------------------------------------------------------------

// {write: a writer of the plan (admin, 督导室 in the demo), ...}
export const planAccess = (user) => moduleAccess(user, 'plan');

// The form is offered to a plan writer or a user of the item's lead
// department; the server decides.
export function canReport(user, item, acc) {
  if (acc && acc.write) return true;
  const lead = item && item.lead_dept;
  return !!(user && user.role === 'dept' && lead && String(lead.id) === String(user.dept_id));
}

// ---- the plan to show --------------------------------------------------------------

// plans() -> the plans in scope; pickPlan(plans, query) -> the one the
// query names (plan=<id>), else this year's, else the latest.
export async function plans() {
  const r = await get('/api/plans');
  return (r.items || []).slice().sort((a, b) => Number(b.year) - Number(a.year));
}
export function pickPlan(list, query) {
  if (!list.length) return null;
  if (query && query.plan) {
    const p = list.find((x) => String(x.id) === String(query.plan));
    if (p) return p;
  }
  const y = new Date().getFullYear();
  return list.find((x) => Number(x.year) === y) || list[0];
}

// Departments of the bureau (GET /api/departments), as select options.
let deptPromise = null;
export function deptOptions() {
  if (!deptPromise) {
    deptPromise = get('/api/departments').then((r) => (r.items || []).map((d) => ({ value: String(d.id), label: d.name })))
      .catch((e) => { deptPromise = null; throw e; });
  }
  return deptPromise;
}

// ---- tree helpers ----------------------------------------------------------------------

// Every node of the tree, depth first, with its depth.
export function flatten(items, depth, out) {
  const list = out || [];
  for (const it of items || []) {
    list.push({ item: it, depth: depth || 0 });
    flatten(it.children, (depth || 0) + 1, list);
  }
  return list;
}

export function isLive(t) { return String(t.source || '').startsWith('live'); }
export function metricOf(t) { return t.metric || (isLive(t) ? String(t.source).slice(5) : ''); }

export function deptName(d) { return d ? (typeof d === 'object' ? d.name : String(d)) : ''; }

// ---- targets table ----------------------------------------------------------------------

// table.plan-targets: 指标 基线 保底 力争 当前 进度 状态 (+ a cell of buttons)
export function targetsTable(targets, extra) {
  if (!targets || !targets.length) return null;
  return h('table.data.compact.plan-targets', null,
    h('thead', null, h('tr', null, ['指标', '基线', '保底', '力争', '当前', '进度', '状态'].map((l) => h('th', { scope: 'col' }, l)),
      extra ? h('th.noprint', { scope: 'col' }, '') : null)),
    h('tbody', null, targets.map((t) => h('tr', { 'data-target-id': t.id, 'data-status': t.status || '' },
      h('td', null, t.name, t.direction === 'lower' ? h('span.muted', { title: '越低越好' }, ' ↓') : null),
      h('td.num', null, fmtVal(t.baseline, t.unit), t.baseline_year ? h('span.muted.plan-small', null, '（' + t.baseline_year + '）') : null),
      h('td.num', null, fmtVal(t.floor, t.unit)),
      h('td.num', null, fmtVal(t.stretch, t.unit)),
      h('td.num.plan-current', null, fmtVal(t.current, t.unit),
        isLive(t) ? [' ', h('span.badge.plan-live', { title: '由系统数据实时计算' }, '实时')] : null,
        asOfText(t.as_of) ? h('div.muted.plan-small', null, '截至 ' + asOfText(t.as_of)) : null,
        t.stretch_achieved ? h('div.plan-small.plan-stretch', null, '已达力争') : null),
      h('td', null, progressBar(t.progress, t.status)),
      h('td', null, statusBadge(t.status)),
      extra ? h('td.ops.noprint', null, extra(t)) : null))));
}

// ---- charts (drawn with ../charts.js) ---------------------------------------------

// Counts by status as a pie (zero slices left out).
export function countsPie(counts) {
  return {
    tooltip: { trigger: 'item', formatter: '{b}：{c} 项（{d}%）' },
    legend: { bottom: 0 },
    series: [{ type: 'pie', radius: ['38%', '66%'], center: ['50%', '45%'],
      data: STATUSES.filter((s) => Number((counts || {})[s.value]) > 0)
        .map((s) => ({ name: s.label, value: Number(counts[s.value]), itemStyle: { color: s.color } })),
      label: { formatter: '{b}\n{c} 项' } }],
    animation: false,
  };
}

// ---- tabs ---------------------------------------------------------------------------

export function tabs(active, query) {
  const q = new URLSearchParams();
  if (query && query.plan) q.set('plan', query.plan);
  if (query && query.on) q.set('on', query.on);
  const s = q.toString() ? '?' + q.toString() : '';
  return h('nav.plan-tabs.noprint', { 'aria-label': '目标' },
    h('a', { href: '#/plan' + s, class: active === 'tree' ? 'active' : null, 'aria-current': active === 'tree' ? 'page' : null, 'data-testid': 'tab-tree' }, '年度目标'),
    h('a', { href: '#/plan/dept' + s, class: active === 'dept' ? 'active' : null, 'aria-current': active === 'dept' ? 'page' : null, 'data-testid': 'tab-dept' }, '股室目标'));
}

// A plan's title with its year in front unless the title names it already.
export function planTitle(p) {
  const title = p.title || '年度目标';
  return p.year && !title.includes(String(p.year)) ? p.year + '年 ' + title : title;
}
