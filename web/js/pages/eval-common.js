// eval-common.js - 评估 module: the pieces its pages share (stages, the 7
// indicators, number formats, verdict badges, the year/stage pickers, the
// sub-navigation, a client-side table with filters/sorting/paging for the
// answers that arrive whole, the 导出评估报表 button). The pages: eval.js
// (总览 and the router of #/eval/...), eval-balanced.js (an indicator),
// eval-school.js (a school's card), eval-whatif.js (模拟测算 and scenarios),
// eval-preschool.js, eval-size.js, eval-standards.js. Selectors: top of eval.js.

import { get, download } from '../api.js';
import { moduleAccess } from '../access.js';
import { h, clear, badge, toast, setOptions } from '../ui.js';

export const FIRST_YEAR = 2019;
export const STAGES = [{ value: 'primary', label: '小学' }, { value: 'junior', label: '初中' }];
export const STAGE_LABEL = { primary: '小学', junior: '初中', senior: '高中', kg: '学前', combined: '一贯制', county: '县域' };

export const INDICATOR_KEYS = ['qualified_teachers', 'key_teachers', 'pe_art_teachers', 'teaching_area',
  'sports_area', 'equipment_value', 'multimedia_rooms'];
export const INDICATOR_SHORT = {
  qualified_teachers: '高于规定学历教师', key_teachers: '县级以上骨干教师', pe_art_teachers: '体育艺术专任教师',
  teaching_area: '生均教学及辅助用房', sports_area: '生均体育运动场馆', equipment_value: '生均教学仪器设备值',
  multimedia_rooms: '网络多媒体教室',
};

export const INDICATOR_NAME = {
  qualified_teachers: '每百名学生拥有高于规定学历教师数', key_teachers: '每百名学生拥有县级以上骨干教师数',
  pe_art_teachers: '每百名学生拥有体育、艺术（音乐、美术）专任教师数', teaching_area: '生均教学及辅助用房面积',
  sports_area: '生均体育运动场馆面积', equipment_value: '生均教学仪器设备值', multimedia_rooms: '每百名学生拥有网络多媒体教室数',
};
export const INDICATOR_UNIT = {
  qualified_teachers: '人', key_teachers: '人', pe_art_teachers: '人', teaching_area: 'm²', sports_area: 'm²',
  equipment_value: '元', multimedia_rooms: '间',
};

// What a planner adds to close the gap of an indicator: the 基表 field and its unit.
export const GAP_FIELD = {
  qualified_teachers: 'teachers_bachelor', key_teachers: 'teachers_key', pe_art_teachers: 'teachers_pe',
  teaching_area: 'teaching_area', sports_area: 'sports_ground_area', equipment_value: 'equipment_value',
  multimedia_rooms: 'multimedia_rooms',
};
export const WHATIF_FIELDS = [
  { value: 'teachers_pe', label: '体育专任教师（人）', step: 1 },
  { value: 'teachers_music', label: '音乐专任教师（人）', step: 1 },
  { value: 'teachers_art', label: '美术专任教师（人）', step: 1 },
  { value: 'teachers_key', label: '县级以上骨干教师（人）', step: 1 },
  { value: 'teachers_postgrad', label: '研究生学历专任教师（人）', step: 1 },
  { value: 'teachers_bachelor', label: '本科学历专任教师（人）', step: 1 },
  { value: 'teachers_college', label: '专科学历专任教师（人）', step: 1 },
  { value: 'teaching_area', label: '教学及辅助用房面积（m²）', step: 0.1 },
  { value: 'sports_ground_area', label: '体育运动场地面积（m²）', step: 0.1 },
  { value: 'gym_area', label: '体育馆面积（m²）', step: 0.1 },
  { value: 'equipment_value', label: '教学仪器设备值（元）', step: 1 },
  { value: 'multimedia_rooms', label: '网络多媒体教室（间）', step: 1 },
  { value: 'music_rooms', label: '音乐专用教室（间）', step: 1 },
  { value: 'art_rooms', label: '美术专用教室（间）', step: 1 },
];
export const FIELD_LABEL = Object.fromEntries(WHATIF_FIELDS.map((f) => [f.value, f.label]));

export const evalAccess = (user) => moduleAccess(user, 'eval');

// ---- numbers ------------------------------------------------------------------

const isNum = (v) => v !== undefined && v !== null && v !== '' && !Number.isNaN(Number(v));
export function fmt(v, digits) {
  if (!isNum(v)) return '—';
  return Number(v).toLocaleString('zh-CN', { maximumFractionDigits: digits === undefined ? 2 : digits });
}
export const fmtCv = (v) => (isNum(v) ? Number(v).toFixed(4) : '—');
export function pct(v, digits) { return isNum(v) ? (Number(v) * 100).toFixed(digits === undefined ? 1 : digits) + '%' : '—'; }
// a threshold or value of an indicator: shares (no unit, ≤ 1) as percentages
export function fmtValue(v, unit) { return unit && unit !== '%' ? fmt(v) : pct(v); }

export function verdictBadge(pass, testid) {
  const b = pass === null || pass === undefined ? badge('—', 'muted') : badge(pass ? '达标' : '未达标', pass ? 'ok' : 'danger');
  if (testid) b.setAttribute('data-testid', testid);
  return b;
}

// The org unit the pages are about (#/eval...?org=<id>; null: the caller's
// scope), set by eval.js from each route's query. qp and withOrg carry it
// into every link, export and API call of the module unless o names its own org.
let scopeOrg = null;
export function setScopeOrg(query) { scopeOrg = /^\d+$/.test((query && query.org) || '') ? query.org : null; }
export const currentOrg = () => scopeOrg;
export const withOrg = (o) => Object.assign(scopeOrg ? { org: scopeOrg } : {}, o || {});

export const qp = (o) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(withOrg(o))) if (v !== '' && v !== undefined && v !== null) u.append(k, v);
  const s = u.toString();
  return s ? '?' + s : '';
};

export function yearOf(query) { return /^\d{4}$/.test(query.year || '') ? Number(query.year) : null; }
export function stageOf(query) { return query.stage === 'junior' ? 'junior' : 'primary'; }

// ---- pickers and navigation ------------------------------------------------------

// yearSelect(year, last, onChange): 学年 FIRST_YEAR..last (newest first)
export function yearSelect(year, last, onChange) {
  const opts = [];
  for (let y = Math.max(Number(last) || 0, Number(year) || 0); y >= FIRST_YEAR; y--) opts.push({ value: String(y), label: y + '学年' });
  const el = h('select', { 'data-testid': 'eval-year', 'aria-label': '学年', name: 'year' });
  setOptions(el, opts, year ? String(year) : '');
  el.addEventListener('change', () => onChange(Number(el.value)));
  return el;
}

export function stageSelect(stage, onChange) {
  const el = h('select', { 'data-testid': 'eval-stage', 'aria-label': '学段', name: 'stage' });
  setOptions(el, STAGES, stage);
  el.addEventListener('change', () => onChange(el.value));
  return el;
}

const TABS = [
  ['/eval', '县域评估总览'], ['/eval/what-if', '模拟测算'], ['/eval/preschool', '学前普及普惠'],
  ['/eval/class-size', '班额与规模'], ['/eval/standards', '标准与目标'],
];
export function evalTabs(current, year) {
  return h('nav.eval-tabs.noprint', { 'aria-label': '评估' }, TABS.map(([route, label]) =>
    h('a', { href: '#' + route + qp({ year }), class: route === current ? 'active' : null, 'aria-current': route === current ? 'page' : null }, label)));
}

export function exportButton(year) {
  const btn = h('button.btn', { type: 'button', 'data-testid': 'eval-export', title: '按督导评估表格式导出全部评估结果' }, '导出评估报表');
  btn.addEventListener('click', async () => {
    btn.classList.add('busy');
    try { await download('/api/eval/export' + qp({ year }), (year || '') + '学年县域评估.xlsx'); } catch (e) { toast(e.message, 'error'); } finally { btn.classList.remove('busy'); }
  });
  return btn;
}

export function printButton() { return h('button.btn', { type: 'button', onclick: () => window.print() }, '打印'); }

// balanced(year, stage, detail): GET /api/eval/balanced of the current org
// (year may be null: the latest; detail 0: without the per-school rows)
let latestPromise = null;
let latestOrg = null;
export function balanced(year, stage, detail) {
  const p = get('/api/eval/balanced', withOrg({ year: year || undefined, stage, detail }));
  if (latestOrg !== scopeOrg) { latestPromise = null; latestOrg = scopeOrg; }
  if (!year && !latestPromise) latestPromise = p.then((d) => d.year).catch(() => { latestPromise = null; return null; });
  return p;
}
// latestYear(): the latest school year with records in scope (asked once per page load)
export function latestYear() {
  if (!latestPromise || latestOrg !== scopeOrg) balanced(null, 'primary', 0).catch(() => null);
  return latestPromise;
}

// whenShown(el, fn): fn once el is in the document (a chart needs its box's
// size); given up after a few seconds (the user has left).
export function whenShown(el, fn, tries) {
  const n = tries === undefined ? 50 : tries;
  if (el.isConnected) fn();
  else if (n > 0) setTimeout(() => whenShown(el, fn, n - 1), 100);
}

// ---- a client-side table -------------------------------------------------------------

const PER_PAGE = [20, 50, 100];

// clientTable({testid, columns: [{key, label, num, cls, render, sortValue}], rows,
//   filters: [{name, label, options: [{value,label}] | 'search', match: (row, v) => bool}],
//   rowAttrs, empty, exportHref, exportName, defaultSort: {key, dir}})
// -> {el, setRows(rows)}: filters, sortable headers (th[data-sort] button), paging
// (.pager [data-testid=prev|next|total|page-info]) and the xlsx export of the server.
export function clientTable(o) {
  let rows = o.rows || [];
  let key = o.defaultSort ? o.defaultSort.key : null;
  let dir = o.defaultSort ? o.defaultSort.dir : 1;
  let page = 1;
  let perPage = 20;
  const state = {};
  const controls = {};
  const form = h('form.filters', { role: 'search', 'aria-label': (o.caption || '列表') + '筛选' });
  for (const f of o.filters || []) {
    state[f.name] = '';
    const id = 'eflt-' + (o.testid || 't') + '-' + f.name;
    let ctl;
    if (f.options === 'search') {
      ctl = h('input', { type: 'search', name: f.name, id, placeholder: f.placeholder || '' });
      ctl.addEventListener('input', () => { state[f.name] = ctl.value.trim(); page = 1; body(); });
    } else {
      ctl = h('select', { name: f.name, id });
      setOptions(ctl, f.options, '', '全部');
      ctl.addEventListener('change', () => { state[f.name] = ctl.value; page = 1; body(); });
    }
    controls[f.name] = ctl;
    form.appendChild(h('div', { class: 'filter' + (f.options === 'search' ? ' filter-search' : '') }, h('label', { for: id }, f.label), ctl));
  }
  form.addEventListener('submit', (ev) => ev.preventDefault());
  if ((o.filters || []).length) {
    form.appendChild(h('div.filter.filter-buttons', null, h('button.btn', { type: 'button', 'data-testid': 'reset', onclick: () => {
      for (const n of Object.keys(controls)) { controls[n].value = ''; state[n] = ''; }
      page = 1; body();
    } }, '重置')));
  }

  const thead = h('thead');
  const tbody = h('tbody');
  const table = h('table.data.compact', { 'data-testid': o.testid || null }, o.caption ? h('caption.sr-only', null, o.caption) : null, thead, tbody);
  const val = (r, c) => (c.sortValue ? c.sortValue(r) : r[c.key]);
  const cmp = (c) => (a, b) => {
    const x = val(a, c);
    const y = val(b, c);
    if (isNum(x) && isNum(y) && typeof x !== 'boolean') return (Number(x) - Number(y)) * dir;
    return String(x === undefined || x === null ? '' : x).localeCompare(String(y === undefined || y === null ? '' : y), 'zh-CN') * dir;
  };
  function head() {
    clear(thead);
    thead.appendChild(h('tr', null, o.columns.map((c) => {
      const cur = key === c.key ? (dir > 0 ? 'ascending' : 'descending') : 'none';
      if (c.nosort) return h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label);
      return h('th', { scope: 'col', class: c.num ? 'num' : null, 'data-sort': c.key, 'aria-sort': cur },
        h('button.sort', { type: 'button', title: '按' + c.label + '排序', onclick: () => { dir = key === c.key ? -dir : 1; key = c.key; page = 1; head(); body(); } },
          c.label, h('span.sort-mark', { 'aria-hidden': 'true' }, cur === 'ascending' ? '▲' : cur === 'descending' ? '▼' : '↕')));
    })));
  }
  const totalEl = h('span.total', { 'data-testid': 'total' });
  const info = h('span.page-info', { 'data-testid': 'page-info' });
  const prev = h('button.btn.btn-sm', { type: 'button', 'data-testid': 'prev', onclick: () => { page--; body(); } }, '上一页');
  const next = h('button.btn.btn-sm', { type: 'button', 'data-testid': 'next', onclick: () => { page++; body(); } }, '下一页');
  const perSel = h('select', { 'data-testid': 'per-page', 'aria-label': '每页条数' });
  setOptions(perSel, PER_PAGE.map((n) => ({ value: n, label: n + ' 条/页' })), perPage);
  perSel.addEventListener('change', () => { perPage = Number(perSel.value); page = 1; body(); });

  function filtered() {
    let out = rows;
    for (const f of o.filters || []) {
      const v = state[f.name];
      if (v !== '') out = out.filter((r) => f.match(r, v));
    }
    if (key) {
      const c = o.columns.find((x) => x.key === key);
      if (c) out = out.slice().sort(cmp(c));
    }
    return out;
  }
  function body() {
    const all = filtered();
    const pages = Math.max(1, Math.ceil(all.length / perPage));
    page = Math.min(Math.max(1, page), pages);
    clear(tbody);
    const shown = all.slice((page - 1) * perPage, page * perPage);
    if (!shown.length) tbody.appendChild(h('tr', null, h('td.empty', { colspan: o.columns.length }, o.empty || '暂无数据')));
    for (const r of shown) {
      tbody.appendChild(h('tr', o.rowAttrs ? o.rowAttrs(r) : null, o.columns.map((c) =>
        h('td', { class: c.num ? 'num' : (c.cls || null), 'data-col': c.key }, c.render ? c.render(r) : (isNum(r[c.key]) || r[c.key] ? String(r[c.key]) : '—')))));
    }
    totalEl.textContent = '共 ' + all.length + ' 条';
    info.textContent = '第 ' + page + ' / ' + pages + ' 页';
    prev.disabled = page <= 1;
    next.disabled = page >= pages;
  }
  let exportBtn = null;
  if (o.exportHref) {
    exportBtn = h('button.btn', { type: 'button', 'data-testid': 'export', title: '导出全部学校（不受筛选影响）' }, '导出 Excel');
    exportBtn.addEventListener('click', async () => {
      exportBtn.classList.add('busy');
      try { await download(o.exportHref, o.exportName); } catch (e) { toast(e.message, 'error'); } finally { exportBtn.classList.remove('busy'); }
    });
  }
  head();
  body();
  const el = h('div.list-view', null, (o.filters || []).length ? form : null,
    h('div.toolbar', null, h('div.toolbar-left', null, totalEl), h('div.toolbar-right', null, o.toolbar || [], exportBtn)),
    h('div.table-wrap', null, table),
    h('div.pager', null, perSel, prev, info, next));
  return { el, setRows: (r) => { rows = r || []; body(); } };
}

// A bar from 0 to max with a mark at the threshold (the school card).
export function valueBar(value, threshold) {
  const v = Math.max(0, Number(value) || 0);
  const t = Number(threshold) || 0;
  const max = Math.max(v, t) * 1.15 || 1;
  const ok = v >= t;
  return h('div.eval-bar', { role: 'img', 'aria-label': '数值 ' + fmt(v) + '，标准 ' + fmt(t) },
    h('span', { class: 'eval-bar-fill' + (ok ? ' ok' : ' low'), style: 'width:' + (v / max * 100).toFixed(1) + '%' }),
    h('span.eval-bar-mark', { style: 'left:' + (t / max * 100).toFixed(1) + '%' }));
}
