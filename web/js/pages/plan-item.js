// plan-item.js - 事项 (#/plan/items/<id>?on=): one item of the plan
// (GET /api/items/{id}): its trail, description, departments, leader,
// dates, weight, its targets each with a chart of the figure over time
// (baseline, report points, current; 保底 and 力争 as lines), and its
// progress reports newest first with their figures and evidence. 填报进展
// for users who may report (plan-report.js); editing for plan writers
// (plan-edit.js). Selectors: plan-ui.js.

import { get } from '../api.js';
import { h, dash, esc } from '../ui.js';
import {
  statusBadge, statusLabel, progressBar, fmtVal, isNum, isDate, planAccess, canReport, cycleLabel, deptName,
  targetsTable, isLive,
} from './plan-ui.js';
import { drawCharts } from '../charts.js';
import { itemDialog, targetDialog } from './plan-edit.js';
import { fmtTime } from './safety.js';

export async function render(ctx) {
  const id = ctx.params[0];
  const on = isDate(ctx.query.on) ? ctx.query.on : '';
  const [item, acc] = await Promise.all([get('/api/items/' + id, { on }), planAccess(ctx.user)]);
  return page(ctx, item, acc);
}

export function planIdOf(item) {
  return item.plan_id || (item.plan && item.plan.id) || '';
}

function trail(item) {
  const t = item.trail || [];
  const planId = planIdOf(item);
  const crumbs = [h('a', { href: '#/plan' + (planId ? '?plan=' + planId : '') }, (item.plan && item.plan.title) || '年度目标')];
  for (const x of t) {
    crumbs.push(' › ');
    if (x && typeof x === 'object') crumbs.push(x.id ? h('a', { href: '#/plan/items/' + x.id }, (x.code ? x.code + ' ' : '') + x.title) : (x.code ? x.code + ' ' : '') + (x.title || ''));
    else crumbs.push(String(x));
  }
  return h('nav.plan-trail', { 'aria-label': '位置', 'data-testid': 'item-trail' }, crumbs);
}

const ROWS = [
  ['lead_dept', '牵头股室'], ['co_depts', '协办股室'], ['leader', '分管领导'], ['dates', '起止日期'],
  ['weight', '权重'], ['report_cycle', '报送周期'], ['progress', '进度'], ['last_report', '最近报送'],
];

function rowValue(item, key) {
  switch (key) {
    case 'lead_dept': return dash(deptName(item.lead_dept));
    case 'co_depts': return dash((item.co_depts || []).map(deptName).join('、'));
    case 'dates': return (item.start_date || '年初') + ' 至 ' + (item.due_date || '年底');
    case 'weight': return isNum(item.weight) ? String(item.weight) : '1';
    case 'report_cycle': return cycleLabel(item.report_cycle);
    case 'progress': return progressBar(item.progress, item.status);
    case 'last_report': {
      const r = item.last_report;
      return r ? r.period + '（' + (r.reported_on || '') + '，' + statusLabel(r.state) + '）' : '未报送';
    }
    default: return dash(item[key]);
  }
}

function page(ctx, item, acc) {
  const mayReport = canReport(ctx.user, item, acc) && !(item.children || []).length;
  const year = (item.plan && item.plan.year) || String(item.due_date || item.on || '').slice(0, 4) || new Date().getFullYear();
  const onQ = isDate(ctx.query.on) ? '?on=' + ctx.query.on : '';
  const actions = [
    mayReport ? h('a.btn.btn-primary', { href: '#/plan/items/' + item.id + '/report' + onQ, 'data-testid': 'report-new' }, '填报进展') : null,
    acc.write ? h('button.btn', { type: 'button', 'data-testid': 'edit-item', onclick: () => editItem(ctx, item) }, '编辑事项') : null,
    acc.write ? h('button.btn', { type: 'button', 'data-testid': 'new-target', onclick: () => targetDialog(ctx, item, null, year) }, '新增指标') : null,
    acc.write ? h('button.btn', { type: 'button', 'data-testid': 'new-child', onclick: () => itemDialog(ctx, { id: planIdOf(item) }, [item], null, item.id) }, '新增子事项') : null,
    h('button.btn', { type: 'button', 'data-testid': 'print', onclick: () => window.print() }, '打印'),
  ];
  const title = h('div.title-line', null, h('h1', null, (item.code ? item.code + ' ' : '') + item.title),
    statusBadge(item.status, 'item-status'));
  const dl = h('dl.detail.two-col', null, ROWS.map(([key, label]) =>
    h('div.dl-row', null, h('dt', null, label), h('dd', { 'data-field': key }, rowValue(item, key)))));
  const targets = item.targets || [];
  const charts = [];
  const targetBlocks = targets.map((t) => {
    const box = h('div.chart.plan-chart', { 'data-target-id': t.id, role: 'img', 'aria-label': t.name + '变化' });
    const series = (item.series || []).find((s) => String(s.target_id) === String(t.id));
    charts.push([box, chartOption(t, series ? series.points || [] : [], year)]);
    return h('section.card.plan-chart-card', null, h('h3', null, t.name, isLive(t) ? h('span.badge.plan-live', null, '实时') : null), box);
  });
  const node = h('div.plan-item-page', null,
    trail(item),
    h('div.page-head', null, title, h('div.page-actions', null, actions)),
    item.on ? h('p.muted.plan-small', null, '状态计算日期：' + item.on) : null,
    h('section.card', null, h('h2', null, '事项信息'),
      item.description ? h('p.plan-desc', { 'data-field': 'description' }, item.description) : null, dl),
    (item.children || []).length ? h('section.card', null, h('h2', null, '下级事项'),
      h('ul.plan-kids', null, item.children.map((c) => h('li', null, h('a', { href: '#/plan/items/' + c.id }, (c.code ? c.code + ' ' : '') + c.title), ' ', statusBadge(c.status))))) : null,
    h('section.card', null, h('h2', null, '目标指标'),
      targets.length ? targetsTable(targets, acc.write ? (t) => h('button.btn.btn-sm', { type: 'button', 'data-testid': 'edit-target', onclick: () => targetDialog(ctx, item, t, year) }, '编辑') : null)
        : h('p.empty', null, '本事项没有量化指标，按报送的完成情况评价')),
    targetBlocks.length ? h('div.plan-charts', null, targetBlocks) : null,
    h('section.card', null, h('h2', null, '进展报送', h('span.muted.plan-small', null, '（' + (item.reports || []).length + ' 次）')),
      reportsList(item)));
  if (charts.length) drawCharts(ctx, charts);
  return node;
}

async function editItem(ctx, item) {
  const planId = planIdOf(item);
  let tree = null;
  if (planId) { try { tree = (await get('/api/plans/' + planId + '/tree')).items || null; } catch (e) { tree = null; } }
  itemDialog(ctx, { id: planId }, tree, item, null);
}

// ---- the chart of a target ---------------------------------------------------------

const KIND_LABELS = { baseline: '基线', report: '报送', current: '当前' };
const KIND_COLORS = { baseline: '#9aa5b1', report: '#1d5fbf', current: '#2e8b57' };

function chartOption(t, points, year) {
  const pts = points.filter((p) => isNum(p.value) && p.date);
  const dates = pts.map((p) => String(p.date)).sort();
  if (!dates.length) dates.push(year + '-01-01');
  const all = pts.map((p) => Number(p.value)).concat([t.floor, t.stretch, t.baseline].filter(isNum).map(Number));
  let lo = all.length ? Math.min(...all) : 0;
  let hi = all.length ? Math.max(...all) : 1;
  const pad = (hi - lo) * 0.15 || Math.abs(hi) * 0.1 || 1;
  lo -= pad; hi += pad;
  if (Math.min(...all) >= 0 && lo < 0) lo = 0;
  const lines = [];
  if (isNum(t.floor)) lines.push({ yAxis: Number(t.floor), name: '保底', lineStyle: { color: '#d99100', type: 'dashed' }, label: { formatter: '保底 ' + fmtVal(t.floor, t.unit), color: '#a86f00' } });
  if (isNum(t.stretch)) lines.push({ yAxis: Number(t.stretch), name: '力争', lineStyle: { color: '#2e8b57', type: 'dashed' }, label: { formatter: '力争 ' + fmtVal(t.stretch, t.unit), color: '#2e8b57' } });
  return {
    grid: { left: 56, right: 92, top: 24, bottom: 36 },
    tooltip: { trigger: 'item', formatter: (p) => esc(p.data.label + '　' + p.data.value[0]) + '<br>' + esc(fmtVal(p.data.value[1], t.unit)) },
    xAxis: { type: 'time', min: dates[0] < year + '-01-01' ? dates[0] : year + '-01-01', max: dates[dates.length - 1] > year + '-12-31' ? dates[dates.length - 1] : year + '-12-31', splitNumber: 6, axisLabel: { formatter: '{M}月', hideOverlap: true } },
    yAxis: { type: 'value', min: Number(lo.toFixed(2)), max: Number(hi.toFixed(2)), name: t.unit || '' },
    series: [{
      type: 'line', name: t.name, symbolSize: 8, lineStyle: { color: '#1d5fbf' },
      data: pts.map((p) => ({ value: [p.date, Number(p.value)], label: KIND_LABELS[p.kind] || '', itemStyle: { color: KIND_COLORS[p.kind] || '#1d5fbf' } })),
      markLine: lines.length ? { symbol: 'none', silent: true, data: lines, label: { position: 'end' } } : undefined,
    }],
    animation: false,
  };
}

// ---- reports --------------------------------------------------------------------------

function targetName(item, id) {
  const t = (item.targets || []).find((x) => String(x.id) === String(id));
  return t ? t : { name: '指标 #' + id, unit: '' };
}

function reportsList(item) {
  const reports = item.reports || [];
  if (!reports.length) return h('p.empty', { 'data-testid': 'no-reports' }, '暂无报送');
  return h('div.plan-reports', null, reports.map((r) => h('article.plan-report', { 'data-report-id': r.id },
    h('header.plan-report-head', null,
      h('strong.plan-report-period', null, r.period),
      statusBadge(r.state),
      isNum(r.progress) ? h('span.plan-report-progress', null, '自评进度 ' + Number(r.progress) + '%') : null,
      h('span.muted', null, '报送日期 ' + (r.reported_on || '—')),
      h('span.muted', null, [r.created_by_name, fmtTime(r.created_at)].filter(Boolean).join(' · '))),
    block('完成情况', r.done, 'plan-report-done'),
    block('存在问题', r.problems, 'plan-report-problems'),
    block('下步打算', r.next_steps, 'plan-report-next'),
    (r.figures || []).length ? h('div.plan-report-block', null, h('h4', null, '指标数据'),
      h('ul.plan-figures', null, r.figures.map((f) => {
        const t = targetName(item, f.target_id);
        return h('li', { 'data-target-id': f.target_id }, t.name + '：' + fmtVal(f.value, t.unit));
      }))) : null,
    (r.evidence || []).length ? h('div.plan-report-block', null, h('h4', null, '佐证材料'), evidenceList(r.evidence)) : null)));
}

function block(label, text, cls) {
  if (!text) return null;
  return h('div.plan-report-block', null, h('h4', null, label), h('p', { class: 'plan-text ' + cls }, text));
}

const RECORD_ROUTES = {
  school: (id) => '#/schools/' + id,
  hazard: (id) => '#/safety/hazards/' + id,
  inspection: (id) => '#/safety/inspections/' + id,
  stat_round: (id) => '#/stats/rounds/' + id,
};
const RECORD_LABELS = { school: '学校', hazard: '隐患', inspection: '排查', stat_record: '基表', stat_round: '填报任务' };

function size(n) {
  if (!isNum(n)) return '';
  const v = Number(n);
  return v >= 1048576 ? (v / 1048576).toFixed(1) + ' MB' : Math.max(1, Math.round(v / 1024)) + ' KB';
}

export function evidenceList(list) {
  return h('ul.plan-evidence', null, list.map((e) => {
    const title = e.title || e.file_name || '';
    switch (e.kind) {
      case 'link': {
        const url = String(e.body || e.url || '');
        const safe = /^https?:\/\//i.test(url);
        return h('li', { 'data-kind': 'link' }, h('span.plan-ev-kind', null, '链接'),
          safe ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, title || url) : (title || url),
          title && safe ? h('span.muted.plan-small', null, ' ' + url) : null);
      }
      case 'file':
        return h('li', { 'data-kind': 'file' }, h('span.plan-ev-kind', null, '附件'),
          h('a', { href: e.url || ('/api/plan-evidence/' + e.id + '/file'), download: e.file_name || title || '', 'data-evidence-id': e.id }, e.file_name || title || '附件'),
          h('span.muted.plan-small', null, ' ' + [e.file_type, size(e.file_size)].filter(Boolean).join(' · ')));
      case 'record': {
        const route = RECORD_ROUTES[e.record_type];
        const label = (RECORD_LABELS[e.record_type] || e.record_type || '记录') + ' #' + e.record_id;
        return h('li', { 'data-kind': 'record' }, h('span.plan-ev-kind', null, '记录'),
          route && e.record_id ? h('a', { href: route(e.record_id) }, title || label) : (title || label));
      }
      default:
        return h('li', { 'data-kind': 'text' }, h('span.plan-ev-kind', null, '说明'),
          title ? h('strong', null, title + '：') : null, h('span.plan-text', null, e.body || ''));
    }
  }));
}
