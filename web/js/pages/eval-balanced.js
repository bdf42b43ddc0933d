// eval-balanced.js - one indicator of 义务教育优质均衡 (#/eval/indicator/<key>?year=&stage=):
// its distribution over the schools (sorted bars, the threshold as a line),
// the 差异系数 against its threshold, the schools short of it ranked by the
// shortfall, and the per-school table of all 7 values (filter by town, area,
// verdict; sort; page; xlsx export of GET /api/eval/balanced?format=xlsx).
// Selectors: top of eval.js.

import { h, pageHead, dash, errorBox, esc } from '../ui.js';
import { drawCharts } from '../charts.js';
import {
  INDICATOR_KEYS, INDICATOR_SHORT, STAGE_LABEL, balanced, clientTable, evalTabs, fmt, fmtCv, qp, stageOf,
  latestYear, stageSelect, verdictBadge, whenShown, yearOf, yearSelect,
} from './eval-common.js';

// an axis maximum a little above v, so that a threshold line stays in view
export function niceMax(v) {
  if (!(v > 0)) return 1;
  const step = Math.pow(10, Math.floor(Math.log10(v * 1.1)) - 1);
  return Math.ceil((v * 1.1) / step) * step;
}

function distOption(rows, ind) {
  const sorted = rows.slice().sort((a, b) => Number(a.value) - Number(b.value));
  const t = Number(ind.threshold);
  return {
    grid: { left: 56, right: 24, top: 30, bottom: 30 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: (ps) => {
      const p = ps[0];
      // ECharts shows the string as HTML: the school name and unit are data
      return p ? esc(p.name + '：' + fmt(p.value) + (ind.unit ? ' ' + ind.unit : '')) : '';
    } },
    xAxis: { type: 'category', data: sorted.map((r) => r.name), axisLabel: { show: false }, axisTick: { show: false }, name: '学校（按数值升序）', nameLocation: 'middle', nameGap: 12 },
    yAxis: { type: 'value', name: ind.unit || '', max: (v) => niceMax(Math.max(v.max, t)) },
    series: [{
      type: 'bar', barMaxWidth: 14, barCategoryGap: '20%',
      data: sorted.map((r) => ({ value: Number(Number(r.value).toFixed(3)), itemStyle: { color: Number(r.value) >= t ? '#43a66a' : '#d9534f' } })),
      markLine: { symbol: 'none', silent: true, lineStyle: { color: '#1d5fbf', type: 'dashed', width: 2 },
        label: { formatter: '标准 ' + fmt(t), position: 'insideEndTop' }, data: [{ yAxis: t }] },
    }],
    animation: false,
  };
}

function stat(label, value, testid, extra, warn) {
  return h('div', { class: 'stat' + (warn ? ' stat-warn' : ''), 'data-testid': testid },
    h('div.stat-value', null, value), h('div.stat-label', null, label, extra ? [' ', extra] : null));
}

// The per-school table of a balanced answer (also used by the what-if page).
export function schoolsTable(d, opts) {
  const o = opts || {};
  const year = d.year;
  const stage = d.stage;
  const focus = o.indicator || null;
  const schools = d.schools || [];
  const uniq = (k) => Array.from(new Set(schools.map((s) => s[k]).filter(Boolean))).sort((a, b) => String(a).localeCompare(String(b), 'zh-CN'));
  const keys = focus ? [focus].concat(INDICATOR_KEYS.filter((k) => k !== focus)) : INDICATOR_KEYS;
  const thresholds = Object.fromEntries((d.indicators || []).map((x) => [x.key, Number(x.threshold)]));
  const columns = [
    { key: 'name', label: '学校', render: (s) => h('a', { href: '#/eval/school/' + s.school_id + qp({ year }) }, s.name || ('#' + s.school_id)) },
    { key: 'type', label: '办学类型' },
    { key: 'town', label: '街道/乡镇' },
    { key: 'area', label: '城乡' },
    { key: 'pupils', label: '在校生', num: true, render: (s) => fmt(s.pupils, 0) },
  ].concat(keys.map((k) => ({
    key: k === focus ? 'value' : 'v_' + k, label: INDICATOR_SHORT[k], num: true,
    sortValue: (s) => Number((s.values || {})[k]),
    render: (s) => {
      const v = (s.values || {})[k];
      return h('span', { class: Number(v) < thresholds[k] ? 'eval-bad' : null }, fmt(v));
    },
  }))).concat([
    { key: 'met', label: '达标项', num: true },
    { key: 'pass', label: '结论', sortValue: (s) => (s.pass ? 1 : 0), render: (s) => verdictBadge(s.pass) },
    { key: 'gaps', label: '差距', nosort: true, cls: 'eval-gaps', render: (s) => ((s.gaps || []).length ? (s.gaps || []).map((g) => g.text).join('；') : '—') },
  ]);
  const filters = [
    { name: 'q', label: '搜索', options: 'search', placeholder: '学校名称', match: (s, v) => String(s.name || '').includes(v) },
    { name: 'town', label: '街道/乡镇', options: uniq('town'), match: (s, v) => s.town === v },
    { name: 'area', label: '城乡分类', options: uniq('area'), match: (s, v) => s.area === v },
    { name: 'pass', label: '结论', options: [{ value: '1', label: '达标' }, { value: '0', label: '未达标' }], match: (s, v) => (s.pass ? '1' : '0') === v },
  ];
  if (focus) {
    filters.push({ name: 'meets', label: INDICATOR_SHORT[focus], options: [{ value: '1', label: '达到标准' }, { value: '0', label: '未达到' }],
      match: (s, v) => ((Number((s.values || {})[focus]) >= thresholds[focus]) ? '1' : '0') === v });
  }
  return clientTable({
    testid: 'eval-schools', caption: '学校资源配置', columns, filters,
    rows: schools,
    defaultSort: focus ? { key: 'value', dir: 1 } : null,
    rowAttrs: (s) => ({ 'data-school-id': s.school_id, 'data-id': s.school_id, class: s.pass ? null : 'eval-row-fail' }),
    exportHref: '/api/eval/balanced' + qp({ year, stage, format: 'xlsx' }),
    exportName: year + '学年' + STAGE_LABEL[stage] + '资源配置.xlsx',
    empty: '没有符合条件的学校',
  });
}

export async function render(ctx, key) {
  const stage = stageOf(ctx.query);
  const asked = yearOf(ctx.query);
  const d = await balanced(asked, stage);
  const year = d.year || asked;
  const ind = (d.indicators || []).find((x) => x.key === key);
  if (!ind) return h('div', null, errorBox({ message: '没有这个指标' }), h('a', { href: '#/eval' + qp({ year, stage }) }, '返回评估总览'));
  const go = (q) => { location.hash = '#/eval/indicator/' + key + qp(Object.assign({ year, stage }, q)); };
  const schools = d.schools || [];
  const total = d.schools_total !== undefined ? d.schools_total : schools.length;
  const rows = schools.map((s) => Object.assign({ value: (s.values || {})[key] }, s));
  const short = rows.filter((s) => (s.gaps || []).some((g) => g.indicator === key))
    .map((s) => Object.assign({ gap: (s.gaps || []).find((g) => g.indicator === key) }, s))
    .sort((a, b) => (Number(b.gap.shortfall) - Number(a.gap.shortfall)) || (Number(a.value) - Number(b.value)));

  const distBox = h('div.chart', { id: 'eval-dist', role: 'img', 'aria-label': ind.name + '：各校分布' });
  const shortTable = h('table.data.compact', { 'data-testid': 'shortfalls' },
    h('thead', null, h('tr', null, ['#', '学校', '街道/乡镇', '在校生', '数值', '差距', '学校结论'].map((t, i) => h('th', { scope: 'col', class: i === 3 || i === 4 ? 'num' : null }, t)))),
    h('tbody', null, short.length ? short.map((s, i) => h('tr', { 'data-school-id': s.school_id },
      h('td', null, String(i + 1)),
      h('td', null, h('a', { href: '#/eval/school/' + s.school_id + qp({ year }) }, s.name)),
      h('td', null, dash(s.town)), h('td.num', null, fmt(s.pupils, 0)), h('td.num.eval-bad', null, fmt(s.value)),
      h('td', null, s.gap.text || (fmt(s.gap.shortfall) + ' ' + (s.gap.unit || ''))),
      h('td', null, verdictBadge(s.pass)))) : h('tr', null, h('td.empty', { colspan: 7 }, '各校均达到此项标准'))));

  const page = h('div.eval-page', null,
    pageHead(ind.name, yearSelect(year, await latestYear(), (y) => go({ year: y })), stageSelect(stage, (s) => go({ stage: s })),
      h('a.btn', { href: '#/eval' + qp({ year, stage }) }, '返回总览'),
      h('button.btn', { type: 'button', onclick: () => window.print() }, '打印')),
    evalTabs('/eval', year),
    h('p.print-only', null, year + '学年 · ' + STAGE_LABEL[stage]),
    h('div.stats', null,
      stat('标准值' + (ind.unit ? '（' + ind.unit + '）' : ''), fmt(ind.threshold), 'indicator-threshold'),
      stat('县域均值', fmt(ind.mean), 'indicator-mean'),
      stat('差异系数（标准 ≤ ' + fmt(ind.cv_threshold) + '）', fmtCv(ind.cv), 'indicator-cv', h('span', { 'data-testid': 'indicator-cv-pass' }, verdictBadge(ind.cv_pass)), !ind.cv_pass),
      stat('达到标准的学校', fmt(ind.schools_meeting) + ' / ' + fmt(total), 'indicator-meeting', null, Number(ind.schools_meeting) < total)),
    h('section.card.chart-card', null, h('h2', null, '各校分布（红色为未达到标准）'), distBox),
    h('section.card', null, h('h2', null, '未达标学校（按差距从大到小，' + short.length + ' 所）'), h('div.table-wrap.eval-scroll', null, shortTable)),
    h('section.card', null, h('h2', null, '各校资源配置（' + STAGE_LABEL[stage] + '）'), schoolsTable(d, { indicator: key }).el));
  whenShown(distBox, () => drawCharts(ctx, [[distBox, distOption(rows, ind)]]));
  return page;
}
