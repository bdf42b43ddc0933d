// plan.js - 年度目标 (#/plan?plan=&on=&dept=&status=): the year's work plan
// as a tree (GET /api/plans/{id}/tree): sections collapsible, every node
// with its status colour, progress bar, lead department, due date and last
// report, targets with 基线/保底/力争/当前 (live figures marked 实时); the
// counts by status with a pie; filters 截至 (on), 股室 and 状态; exports
// 导出Excel and 督查通报; 新增事项 for plan writers. Selectors: plan-ui.js.

import { get, post, download, qs } from '../api.js';
import { h, pageHead, select, input, textarea, field, formError, submitting, values, modal, toast, setOptions, errorBox } from '../ui.js';
import {
  STATUSES, statusBadge, statusLabel, progressBar, fmtNum, isDate, planAccess, plans, pickPlan,
  deptOptions, deptName, targetsTable, countsPie, tabs, planTitle,
} from './plan-ui.js';
import { drawCharts } from '../charts.js';
import { itemDialog } from './plan-edit.js';

export async function render(ctx) {
  const [list, acc] = await Promise.all([plans(), planAccess(ctx.user)]);
  const plan = pickPlan(list, ctx.query);
  if (!plan) return noPlan(ctx, acc);
  const q = ctx.query;
  const on = isDate(q.on) ? q.on : '';
  const tree = await get('/api/plans/' + plan.id + '/tree', { on, dept: q.dept, status: q.status });
  const head = tree.plan || {};
  const date = head.on || on;
  const filtered = !!(q.dept || q.status);

  const exportBtn = (format, label, name) => h('button.btn', {
    type: 'button', 'data-testid': 'export-' + format,
    onclick: async (ev) => {
      const b = ev.currentTarget;
      b.classList.add('busy');
      try { await download('/api/plans/' + plan.id + '/export' + qs({ format, on: date }), name); } catch (err) { toast(err.message, 'error'); } finally { b.classList.remove('busy'); }
    },
  }, label);
  const actions = [
    acc.write ? h('button.btn.btn-primary', { type: 'button', 'data-testid': 'new-item', onclick: () => itemDialog(ctx, plan, tree.items, null, null) }, '新增事项') : null,
    exportBtn('xlsx', '导出Excel', plan.year + '年度目标.xlsx'),
    exportBtn('docx', '督查通报', plan.year + '督查通报.docx'),
    h('button.btn', { type: 'button', 'data-testid': 'print', onclick: () => window.print() }, '打印'),
  ];

  // the filters, on paper
  const printed = h('p.print-only.filter-summary');
  const summarize = (deptLabel) => {
    const parts = [q.dept ? '牵头股室：' + (deptLabel || q.dept) : '', q.status ? '状态：' + statusLabel(q.status) : ''].filter(Boolean);
    printed.textContent = parts.length ? '筛选条件　' + parts.join('　') : '';
  };
  summarize();
  if (q.dept) deptOptions().then((opts) => { const d = opts.find((o) => o.value === String(q.dept)); summarize(d && d.label); }).catch(() => {});
  const chart = h('div.chart.plan-pie', { id: 'plan-status-chart', role: 'img', 'aria-label': '事项状态分布' });
  const counts = head.counts || {};
  const link = (extra) => '#/plan' + qs(Object.assign({ plan: q.plan, on: q.on, dept: q.dept }, extra));
  const summary = h('section.card.plan-summary', null,
    h('div.plan-summary-main', null,
      h('h2', null, '总体进度', h('span.muted.plan-small', null, '　截至 ' + (date || '—'))),
      h('div.plan-overall', null, progressBar(head.progress, head.status, 'plan-progress'), statusBadge(head.status, 'plan-status')),
      h('div.stats.plan-counts', null, STATUSES.map((s) => h('a', {
        class: 'stat plan-stat plan-stat-' + s.value + (q.status === s.value ? ' active' : ''),
        href: link({ status: q.status === s.value ? undefined : s.value }), 'data-testid': 'count-' + s.value,
      }, h('div.stat-value', null, fmtNum(counts[s.value] || 0)), h('div.stat-label', null, s.label))))),
    chart);

  const page = h('div.plan-page', null,
    pageHead(planTitle(plan), actions),
    tabs('tree', q),
    filterForm(ctx, list, plan, date),
    summary,
    printed,
    h('section.card.plan-tree-card', null,
      h('div.plan-tree-head', null, h('h2', null, filtered ? '筛选结果' : '目标任务'),
        h('div.noprint', null,
          h('button.btn.btn-sm', { type: 'button', 'data-testid': 'expand-all', onclick: () => toggleAll(page, true) }, '全部展开'), ' ',
          h('button.btn.btn-sm', { type: 'button', 'data-testid': 'collapse-all', onclick: () => toggleAll(page, false) }, '全部收起'))),
      (tree.items || []).length ? h('div.plan-tree', null, tree.items.map((it) => node(it, 0)))
        : h('p.empty', { 'data-testid': 'tree-empty' }, filtered ? '没有符合条件的事项' : '暂无事项')));
  drawCharts(ctx, [[chart, countsPie(counts)]]);
  return page;
}

// ---- filters -----------------------------------------------------------------

function filterForm(ctx, list, plan, date) {
  const q = ctx.query;
  const planSel = list.length > 1 ? select('plan', list.map((p) => ({ value: String(p.id), label: planTitle(p) })), String(plan.id)) : null;
  const onIn = input('on', date, { type: 'date', min: plan.year + '-01-01', max: plan.year + '-12-31' });
  const deptSel = select('dept', q.dept ? [q.dept] : [], q.dept || '', null, '全部');
  deptOptions().then((opts) => setOptions(deptSel, opts, q.dept || '', '全部')).catch(() => {});
  const statusSel = select('status', STATUSES.map((s) => ({ value: s.value, label: s.label })), q.status || '', null, '全部');
  const form = h('form.filters.plan-filters', { role: 'search', 'aria-label': '目标筛选' },
    planSel ? filter('年度', planSel) : null,
    filter('截至', onIn),
    filter('牵头股室', deptSel),
    filter('状态', statusSel),
    h('div.filter.filter-buttons', null,
      h('button.btn.btn-primary', { type: 'submit', 'data-testid': 'search' }, '查询'),
      h('button.btn', { type: 'button', 'data-testid': 'reset', onclick: () => ctx.go('#/plan' + qs({ plan: q.plan })) }, '重置')));
  const apply = () => {
    const v = values(form);
    const plan2 = v.plan || q.plan;
    // another year: its own status date
    const on = planSel && v.plan !== String(plan.id) ? '' : (v.on && v.on !== (q.on || date) ? v.on : q.on);
    ctx.go('#/plan' + qs({ plan: plan2, on, dept: v.dept, status: v.status }));
  };
  form.addEventListener('submit', (ev) => { ev.preventDefault(); apply(); });
  for (const el of [planSel, deptSel, statusSel, onIn]) if (el) el.addEventListener('change', apply);
  return form;
}

function filter(label, ctl) { return h('div.filter', null, h('label', { for: ctl.id }, label), ctl); }

// ---- the tree --------------------------------------------------------------------

let nodeSeq = 0;

function countsLine(counts) {
  if (!counts) return null;
  const parts = STATUSES.filter((s) => Number(counts[s.value]) > 0);
  if (!parts.length) return null;
  return h('span.plan-counts-line', null, parts.map((s) => h('span', { class: 'plan-count plan-st-' + s.value, title: s.label }, s.label + ' ' + counts[s.value])));
}

function node(it, depth) {
  const kids = it.children || [];
  const section = kids.length > 0;
  const boxId = 'plan-kids-' + (++nodeSeq);
  const childBox = section ? h('div.plan-children', { id: boxId }, kids.map((k) => node(k, depth + 1))) : null;
  const toggle = section
    ? h('button.icon-btn.plan-toggle.noprint', { type: 'button', 'data-testid': 'toggle', 'aria-expanded': 'true', 'aria-controls': boxId, 'aria-label': '收起/展开 ' + it.title }, '▾')
    : h('span.plan-toggle-space', { 'aria-hidden': 'true' });
  if (toggle.tagName === 'BUTTON') toggle.addEventListener('click', () => setOpen(toggle, childBox, toggle.getAttribute('aria-expanded') !== 'true'));
  const last = it.last_report;
  const row = h('div.plan-row', null,
    toggle,
    h('span.plan-title', null, it.code ? h('span.plan-code', null, it.code) : null,
      h('a', { href: '#/plan/items/' + it.id }, it.title)),
    h('span.plan-cell-status', null, statusBadge(it.status)),
    h('span.plan-cell-bar', null, progressBar(it.progress, it.status)),
    h('span.plan-cell-dept', { title: '牵头股室' }, deptName(it.lead_dept) || '—'),
    h('span.plan-cell-due', { title: '完成时限' }, it.due_date || ''),
    h('span.plan-cell-last', { title: '最近报送' }, last ? (last.period + (last.state ? ' · ' + statusLabel(last.state) : '')) : (section ? '' : '未报送')));
  return h('div', {
    class: 'plan-node plan-depth-' + Math.min(depth, 4) + (section ? ' plan-section' : ' plan-leaf'),
    'data-item-id': it.id, 'data-status': it.status || '',
  },
  row,
  section ? h('div.plan-node-meta', null, countsLine(it.counts)) : null,
  (it.targets || []).length ? h('div.plan-node-targets', null, targetsTable(it.targets)) : null,
  childBox);
}

function setOpen(btn, box, open) {
  btn.setAttribute('aria-expanded', open ? 'true' : 'false');
  btn.textContent = open ? '▾' : '▸';
  box.classList.toggle('plan-collapsed', !open);
}

function toggleAll(page, open) {
  for (const btn of page.querySelectorAll('button[data-testid="toggle"]')) {
    setOpen(btn, document.getElementById(btn.getAttribute('aria-controls')), open);
  }
}

// ---- no plan yet --------------------------------------------------------------------

function noPlan(ctx, acc) {
  const y = new Date().getFullYear();
  const newBtn = acc.write ? h('button.btn.btn-primary', { type: 'button', 'data-testid': 'new-plan', onclick: () => planDialog(ctx, y) }, '新建年度目标') : null;
  return h('div', null, pageHead('年度目标', newBtn), tabs('tree', {}), errorBox({ message: '暂无年度目标' + (acc.write ? '，请新建' : '') }));
}

function planDialog(ctx, year) {
  const form = h('form.form-grid', { novalidate: true, 'aria-label': '新建年度目标' },
    formError(),
    field('年度', input('year', year, { type: 'number', min: 2000, max: 2100 }), { required: true }),
    field('名称', input('title', year + '年教育工作目标', { maxlength: 100 }), { required: true }),
    field('通报日期', input('status_on', '', { type: 'date' }), { hint: '留空：按当天计算状态' }),
    field('说明', textarea('description', '', { maxlength: 2000 }), { wide: true }),
    h('div.form-actions.field-wide', null,
      h('button.btn.btn-primary', { type: 'submit', 'data-testid': 'save' }, '保存'),
      h('button.btn', { type: 'button', 'data-testid': 'cancel', onclick: () => m.close() }, '取消')));
  const m = modal('新建年度目标', form, { wide: true });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = values(form);
    submitting(form, async () => {
      const r = await post('/api/plans', { year: Number(v.year), title: v.title, description: v.description || null, status_on: v.status_on || null });
      m.close();
      toast('年度目标已建立');
      ctx.go('#/plan' + qs({ plan: (r.plan || r).id }));
    });
  });
}
