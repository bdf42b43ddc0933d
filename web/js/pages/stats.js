// stats.js - 基表 module: shared pieces (statuses, who may write, years, a
// request that keeps the server's "problems", CSV download, the 首页 block)
// and the 填报 pages: #/stats (a 学校管理员: their own school's form for the
// open round's year; the bureau: the records to fill and review) and the form
// #/stats/<school_id>/<year> rendered from the schema, with live totals, last
// year's values, the server's problems beside the fields, 保存草稿 / 提交 /
// 退回 / 通过 / 重新打开, and the print view #/stats/<school_id>/<year>/print.
// The other pages: stats-rounds.js (填报任务), stats-import.js (数据导入),
// stats-query.js (数据查询).
//
// Selectors for browser tests (also in /tmp/stats-selectors.txt); the list,
// dialog and toast selectors of ui.js apply (table.data tbody tr, form.filters
// [name=...], [data-testid="export"], dialog.modal[open], #toasts .toast).
//   menu          #menu a[data-route="/stats"|"/stats/rounds"|"/stats/import"|"/stats/records"]
//   form          #/stats/<school_id>/<year>: form.stats-form; inputs name="<field key>"
//                 (int/real: input type=number; bool: select 是/否 values 1/0; enum: select);
//                 computed totals are readonly inputs (class "computed") updated as typed;
//                 .stats-field[data-field="<key>"] wraps each field; .prev (上年值);
//                 .stats-field.big-change (> 30% from last year);
//                 problems beside a field: .field-error (errors) / .field-warning (warnings);
//                 explanation box textarea[name="explain:<key>"] (shown for warnings,
//                 explainable errors, and kept explanations);
//                 [data-testid="problem-summary"] (all problems, links to the fields);
//                 [data-testid="record-status"] (badge text = status);
//                 [data-testid="review-comment"] (退回意见);
//                 [data-testid="stats-save"] 保存草稿  [data-testid="stats-submit"] 提交
//                 [data-testid="stats-return"] 退回 -> dialog textarea[name="comment"] + [data-testid="save"]
//                 [data-testid="stats-approve"] 通过 -> confirm [data-testid="confirm"]
//                 [data-testid="stats-reopen"] 重新打开 -> dialog textarea[name="reason"] + [data-testid="save"]
//                 [data-testid="stats-print"] (print view #/stats/<id>/<year>/print, .print-doc)
//                 [data-testid="stats-year"] (select: another year)
//                 read-only form: form.stats-form.readonly, inputs disabled
//   填报 (bureau)  #/stats: list of records, rows tr[data-school-id] link to the form; [data-testid="to-review"] (已提交 only)
//   填报任务        #/stats/rounds: [data-testid="round-year"] (select), [data-testid="round-new"] ->
//                 dialog name|year|school_types (checkboxes)|deadline|note, [data-testid="save"];
//                 table.data tr[data-round-id] with .progress bars; a[data-testid="round-link"]
//                 #/stats/rounds/<id>: [data-testid="round-towns"] (table, tr[data-town-id]),
//                 [data-testid="round-schools"] (table, tr[data-school-id], tr.late for late ones),
//                 filters select[name="town"] select[name="status"], [data-testid="export-late"],
//                 [data-testid="template"], [data-testid="round-edit"] (deadline/status dialog)
//   数据导入        #/stats/import: select[name="year"] ([data-testid="import-year"]),
//                 input[type=file][data-testid="import-file"] (choosing a file uploads it),
//                 [data-testid="import-status"], table[data-testid="problems"] (工作表 行 列 值 原因;
//                 th button.sort), [data-testid="problems-csv"], table[data-testid="preview"]
//                 (tr.school-head per school, tr.change rows), [data-testid="import-apply"] 确认导入,
//                 [data-testid="import-progress"]
//   数据查询        #/stats/records?year=: [data-testid="query-year"] (select), filters
//                 name=q|type|town|status, [data-testid="export"] (list xlsx),
//                 [data-testid="export-all"] (导出全部字段, GET /api/stats/export)
//   首页           [data-testid="stats-summary"] table: tr[data-stage="小学"] td[data-col="pupils"],
//                 .change.up / .change.down arrows; #chart-stats-pupils

import { get, request } from '../api.js';
import { moduleAccess } from '../access.js';
import { h, badge, toast, modal, textarea, field, formError, confirmBox, clear } from '../ui.js';
import { drawCharts } from '../charts.js';

export const RECORD_STATUSES = ['未填报', '草稿', '已提交', '已退回', '已通过'];
export const STAGES = ['学前', '小学', '初中', '高中', '中职'];
export const FIRST_YEAR = 2019;

// ---- small helpers ---------------------------------------------------------------

const pad = (n) => String(n).padStart(2, '0');

// The school year of today's date: from 1 September on, this calendar year.
export function schoolYear() {
  const d = new Date();
  return d.getMonth() >= 8 ? d.getFullYear() : d.getFullYear() - 1;
}
export function yearOptions(extra) {
  const last = Math.max(schoolYear() + 1, Number(extra) || 0);
  const out = [];
  for (let y = last; y >= FIRST_YEAR; y--) out.push({ value: String(y), label: y + '学年' });
  return out;
}
export function fmtTime(t) {
  if (t === undefined || t === null || t === '') return '—';
  if (typeof t === 'string' && !/^\d+$/.test(t)) return t;
  const d = new Date(Number(t) * 1000);
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
}
export function fmtNum(v) {
  if (v === undefined || v === null || v === '') return '—';
  const n = Number(v);
  return Number.isNaN(n) ? String(v) : n.toLocaleString('zh-CN', { maximumFractionDigits: 2 });
}
export const qp = (o) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(o || {})) if (v !== '' && v !== undefined && v !== null) u.append(k, v);
  const s = u.toString();
  return s ? '?' + s : '';
};
export function hashQuery() {
  const raw = location.hash.replace(/^#/, '');
  const qi = raw.indexOf('?');
  const out = {};
  if (qi >= 0) for (const [k, v] of new URLSearchParams(raw.slice(qi + 1))) out[k] = v;
  return out;
}

export function recordStatusBadge(s, testid) {
  const kind = s === '已通过' ? 'ok' : s === '已提交' ? 'info' : s === '已退回' ? 'danger' : s === '草稿' ? 'warn' : 'muted';
  const b = badge(s || '未填报', kind);
  if (testid) b.setAttribute('data-testid', testid);
  return b;
}

export function failed(err) { toast((err && err.message) || '操作失败', 'error'); }

// ---- who may write --------------------------------------------------------------

// the menu's view of who may write (access.js); the server decides
export const statsAccess = (user) => moduleAccess(user, 'stats');

// The open round (进行中, latest year), else the latest round, or null.
export async function openRound() {
  try {
    const r = await get('/api/stats/rounds');
    const all = (r.items || []).slice();
    all.sort((a, b) => (Number(b.year) - Number(a.year)) || (Number(b.id) - Number(a.id)));
    return all.find((x) => x.status !== '已结束') || all[0] || null;
  } catch (e) {
    return null;
  }
}

// ---- requests ---------------------------------------------------------------------

// call(method, path, body, raw) -> parsed JSON through the one wrapper (api.js);
// errors are ApiError with .problems when the server lists them. raw: body is
// a File/Blob sent as it is (imports).
export function call(method, path, body, raw) {
  return request(method, path, body, raw ? { raw: true } : undefined);
}

// ---- CSV download (client side) -----------------------------------------------------------

function csvCell(v) {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}
export function downloadCsv(name, header, rows) {
  const text = '\ufeff' + [header].concat(rows).map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
  const href = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = h('a', { href, download: name, style: 'display:none' });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 30000);
}

// sortableTable({columns: [{key, label, num, render}], rows, testid, rowAttrs}) -> table.data
// sorted in the browser by a click on a header.
export function sortableTable(o) {
  let key = null;
  let dir = 1;
  const thead = h('thead');
  const tbody = h('tbody');
  const table = h('table.data.compact', { 'data-testid': o.testid || null }, thead, tbody);
  const cmp = (a, b) => {
    const x = a[key];
    const y = b[key];
    const nx = Number(x);
    const ny = Number(y);
    if (x !== '' && y !== '' && x !== null && y !== null && !Number.isNaN(nx) && !Number.isNaN(ny)) return (nx - ny) * dir;
    return String(x === undefined || x === null ? '' : x).localeCompare(String(y === undefined || y === null ? '' : y), 'zh-CN') * dir;
  };
  function head() {
    clear(thead);
    thead.appendChild(h('tr', null, o.columns.map((c) => {
      const cur = key === c.key ? (dir > 0 ? 'ascending' : 'descending') : 'none';
      return h('th', { scope: 'col', class: c.num ? 'num' : null, 'data-sort': c.key, 'aria-sort': cur },
        h('button.sort', { type: 'button', title: '按' + c.label + '排序', onclick: () => { dir = key === c.key ? -dir : 1; key = c.key; head(); body(); } },
          c.label, h('span.sort-mark', { 'aria-hidden': 'true' }, cur === 'ascending' ? '▲' : cur === 'descending' ? '▼' : '↕')));
    })));
  }
  function body() {
    clear(tbody);
    const rows = key ? o.rows.slice().sort(cmp) : o.rows;
    if (!rows.length) {
      tbody.appendChild(h('tr', null, h('td.empty', { colspan: o.columns.length }, o.empty || '暂无数据')));
      return;
    }
    for (const r of rows) {
      tbody.appendChild(h('tr', o.rowAttrs ? o.rowAttrs(r) : null, o.columns.map((c) =>
        h('td', { class: c.num ? 'num' : (c.cls || null) }, c.render ? c.render(r) : (r[c.key] === undefined || r[c.key] === null || r[c.key] === '' ? '—' : String(r[c.key]))))));
    }
  }
  head();
  body();
  return table;
}

// ---- pages -----------------------------------------------------------------------------

export async function render(ctx) {
  const acc = await statsAccess(ctx.user);
  if (ctx.path === '/stats') {
    if (acc.school) {
      const round = await openRound();
      const year = (round && round.year) || (ctx.query.year ? Number(ctx.query.year) : schoolYear());
      history.replaceState(null, '', '#/stats/' + ctx.user.school_id + '/' + year);
      return renderForm(ctx, acc, ctx.user.school_id, year);
    }
    const { renderRecords } = await import('./stats-query.js');
    return renderRecords(ctx, acc, { review: true });
  }
  const [sid, year] = ctx.params;
  if (/\/print$/.test(ctx.path)) return renderPrint(ctx, sid, year);
  return renderForm(ctx, acc, sid, year);
}

// ---- the form ------------------------------------------------------------------------

function fieldsOf(schema) {
  const out = [];
  for (const s of (schema && schema.sections) || []) {
    for (const g of s.groups || []) for (const f of g.fields || []) out.push(Object.assign({ section: s.key, group: g.name }, f));
  }
  return out;
}

function parts(formula) {
  return String(formula || '').split('+').map((x) => x.trim()).filter(Boolean);
}

function shownValue(f, v) {
  if (v === undefined || v === null || v === '') return '';
  if (f.kind === 'bool') return v === true || v === 1 || v === '1' || v === '是' ? '是' : '否';
  return f.kind === 'enum' ? String(v) : fmtNum(v);
}

function boolValue(v) {
  if (v === undefined || v === null || v === '') return '';
  return v === true || v === 1 || v === '1' || v === '是' || v === 'true' ? '1' : '0';
}

function unitOf(f) { return f.unit ? f.unit : ''; }

function labelWithUnit(f) { return f.label + (f.unit ? '（' + f.unit + '）' : ''); }

function ruleExplainable(rules, p) {
  if (p.explainable !== undefined) return !!p.explainable;
  if (p.severity === 'warning') return true;
  return (rules || []).some((r) => r.field === p.field && (r.rule === p.rule || r.id === p.rule) && r.explainable);
}

async function renderForm(ctx, acc, sid, year) {
  const rec = await get('/api/stats/records/' + encodeURIComponent(sid) + '/' + encodeURIComponent(year));
  let rules = (rec.schema && rec.schema.rules) || null;
  if (!rules && rec.schema && (rec.schema.school_type || (rec.school && rec.school.type))) {
    rules = await get('/api/stats/schema', { year, type: rec.schema.school_type || rec.school.type })
      .then((s) => s.rules || []).catch(() => []);
  }
  const school = rec.school || {};
  const fields = fieldsOf(rec.schema);
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const previous = rec.previous || {};
  let status = rec.status || '未填报';
  const explanations = Object.assign({}, rec.explanations || {});

  const canEdit = () => acc.write && status !== '已通过' && !(acc.school && status === '已提交');
  const readonly = !canEdit();

  // controls by key, and the totals that depend on each key
  const ctl = new Map();
  const dependents = new Map();
  for (const f of fields) {
    for (const p of parts(f.computed)) {
      if (!dependents.has(p)) dependents.set(p, []);
      dependents.get(p).push(f.key);
    }
  }

  function control(f) {
    const v = rec.values ? rec.values[f.key] : undefined;
    const base = { name: f.key, id: 'sf-' + f.key, 'aria-describedby': 'sm-' + f.key, disabled: readonly || null };
    let el;
    if (f.kind === 'bool') {
      el = h('select', base, h('option', { value: '' }, '—'), h('option', { value: '1' }, '是'), h('option', { value: '0' }, '否'));
      el.value = boolValue(v);
    } else if (f.kind === 'enum') {
      el = h('select', base, h('option', { value: '' }, '请选择'), (f.options || []).map((o) => h('option', { value: o }, o)));
      if (v !== undefined && v !== null && v !== '' && !(f.options || []).includes(String(v))) el.appendChild(h('option', { value: String(v) }, String(v)));
      el.value = v === undefined || v === null ? '' : String(v);
    } else {
      const a = Object.assign(base, { type: 'number', inputmode: f.kind === 'int' ? 'numeric' : 'decimal', step: f.kind === 'int' ? '1' : 'any' });
      if (f.min !== undefined && f.min !== null) a.min = f.min;
      if (f.max !== undefined && f.max !== null) a.max = f.max;
      if (f.computed) { a.readOnly = true; a.tabindex = '-1'; a.title = '自动合计：' + parts(f.computed).map((k) => (byKey.get(k) || { label: k }).label).join(' + '); }
      el = h('input', a);
      el.value = v === undefined || v === null ? '' : String(v);
      if (f.computed) el.classList.add('computed');
    }
    ctl.set(f.key, el);
    return el;
  }

  function numOf(key) {
    const el = ctl.get(key);
    if (!el || el.value === '') return null;
    const n = Number(el.value);
    return Number.isNaN(n) ? null : n;
  }

  function recompute(key, seen) {
    for (const total of dependents.get(key) || []) {
      const f = byKey.get(total);
      const el = ctl.get(total);
      if (!f || !el) continue;
      let sum = 0;
      let any = false;
      for (const p of parts(f.computed)) { const n = numOf(p); if (n !== null) { sum += n; any = true; } }
      const val = any ? String(Math.round(sum * 100) / 100) : '';
      if (el.value !== val) { el.value = val; changeMark(total); }
      if (!seen.has(total)) { seen.add(total); recompute(total, seen); }
    }
  }

  function changeMark(key) {
    const f = byKey.get(key);
    const box = form.querySelector('.stats-field[data-field="' + CSS.escape(key) + '"]');
    if (!f || !box || f.kind === 'bool' || f.kind === 'enum') return;
    const cur = numOf(key);
    const prev = previous[key] === undefined || previous[key] === null || previous[key] === '' ? null : Number(previous[key]);
    const big = cur !== null && prev !== null && !Number.isNaN(prev) && (prev === 0 ? cur !== 0 : Math.abs(cur - prev) / Math.abs(prev) > 0.3);
    box.classList.toggle('big-change', big);
    const tag = box.querySelector('.change-tag');
    if (tag) {
      tag.textContent = big ? (prev === 0 ? '较上年新增' : '较上年' + (cur >= prev ? '增' : '减') + Math.round(Math.abs(cur - prev) / Math.abs(prev) * 100) + '%') : '';
    }
  }

  function fieldBox(f) {
    const el = control(f);
    const prev = previous[f.key];
    const hasPrev = prev !== undefined && prev !== null && prev !== '';
    const explain = h('textarea', { name: 'explain:' + f.key, rows: 2, maxlength: 500, placeholder: '请说明原因（如：新校区投用、撤并生源转入）', 'aria-label': f.label + '：说明', disabled: readonly || null });
    explain.value = explanations[f.key] || '';
    const explainBox = h('div.explain', { hidden: !explanations[f.key] }, explain);
    return h('div.stats-field', { 'data-field': f.key, class: f.computed ? 'is-computed' : null },
      h('label', { for: el.id }, f.label, f.computed ? h('span.muted', null, '（合计）') : null),
      h('div.input-unit', null, el, unitOf(f) ? h('span.unit', null, unitOf(f)) : null),
      h('div.field-meta', { id: 'sm-' + f.key },
        hasPrev ? h('span.prev', { title: '上年（' + (Number(year) - 1) + '学年）填报值' }, '上年：' + shownValue(f, prev)) : null,
        h('span.change-tag')),
      h('span.field-error', { role: 'alert', 'data-for': f.key }),
      h('span.field-warning', { 'data-for': f.key }),
      explainBox);
  }

  // sections as stacked cards with a jump bar
  const sections = (rec.schema && rec.schema.sections) || [];
  const nav = h('nav.section-nav.noprint', { 'aria-label': '栏目' }, sections.map((s) =>
    h('a', { href: '#', 'data-section': s.key, onclick: (ev) => { ev.preventDefault(); const c = document.getElementById('sec-' + s.key); if (c) c.scrollIntoView({ behavior: 'smooth', block: 'start' }); } }, s.label)));
  const summary = h('div.problem-summary', { 'data-testid': 'problem-summary', hidden: true });
  const err = formError();
  const form = h('form', { class: 'stats-form' + (readonly ? ' readonly' : ''), novalidate: true, 'aria-label': '基表填报' },
    err, summary,
    sections.map((s) => h('section.card.stats-section', { id: 'sec-' + s.key, 'data-section': s.key },
      h('h2', null, s.label),
      (s.groups || []).map((g) => h('fieldset.stats-group', null,
        h('legend', null, g.name),
        h('div.stats-grid', null, (g.fields || []).map((f) => fieldBox(Object.assign({ section: s.key, group: g.name }, f)))))))));
  if (!sections.length) form.appendChild(h('p.empty', null, '该办学类型本学年没有需要填报的表单'));

  form.addEventListener('input', (ev) => {
    const name = ev.target && ev.target.name;
    if (!name || name.startsWith('explain:')) return;
    changeMark(name);
    recompute(name, new Set([name]));
  });
  form.addEventListener('submit', (ev) => { ev.preventDefault(); });
  for (const f of fields) changeMark(f.key);

  // problems beside the fields
  function clearProblems() {
    for (const e of form.querySelectorAll('.field-error, .field-warning')) e.textContent = '';
    for (const e of form.querySelectorAll('.stats-field.has-error, .stats-field.has-warning')) e.classList.remove('has-error', 'has-warning');
    for (const e of form.querySelectorAll('.invalid')) { e.classList.remove('invalid'); e.removeAttribute('aria-invalid'); }
    for (const e of form.querySelectorAll('.explain')) {
      const t = e.querySelector('textarea');
      e.hidden = !(t && t.value.trim());
    }
    err.textContent = '';
    clear(summary);
    summary.hidden = true;
  }

  function showProblems(problems) {
    clearProblems();
    const list = problems || [];
    if (!list.length) return;
    const items = [];
    let nErr = 0;
    let nWarn = 0;
    for (const p of list) {
      const isErr = p.severity !== 'warning';
      if (isErr) nErr++; else nWarn++;
      const box = p.field ? form.querySelector('.stats-field[data-field="' + CSS.escape(p.field) + '"]') : null;
      if (box) {
        const slot = box.querySelector(isErr ? '.field-error' : '.field-warning');
        slot.textContent = (slot.textContent ? slot.textContent + '；' : '') + (p.message || '') + (p.explained ? '（已说明）' : '');
        box.classList.add(isErr ? 'has-error' : 'has-warning');
        const c = ctl.get(p.field);
        if (c && isErr) { c.classList.add('invalid'); c.setAttribute('aria-invalid', 'true'); }
        if (ruleExplainable(rules, p)) box.querySelector('.explain').hidden = false;
      }
      const label = p.label || (byKey.get(p.field) || {}).label || '';
      items.push(h('li', { class: isErr ? 'p-error' : 'p-warning' },
        box ? h('a', { href: '#', onclick: (ev) => { ev.preventDefault(); box.scrollIntoView({ block: 'center' }); const c = ctl.get(p.field); if (c && !c.disabled) c.focus(); } }, label || p.field)
          : (label ? h('strong', null, label) : null),
        (label || box ? '：' : ''), p.message || '', p.explained ? '（已说明）' : ''));
    }
    append2(summary, h('p', null, '校验发现 ', h('strong.t-error', null, nErr + ' 个错误'), '，', h('strong.t-warning', null, nWarn + ' 个提示'),
      '。错误须修正后方可提交；提示须填写说明（可解释的错误填写说明后转为提示）。'), h('ul', null, items));
    summary.hidden = false;
  }

  function append2(el, ...kids) { for (const k of kids) el.appendChild(k); }

  // what the user typed -> {values, explanations}
  function collect() {
    const vals = {};
    for (const f of fields) {
      const el = ctl.get(f.key);
      if (!el) continue;
      const raw = el.value.trim();
      if (raw === '') { vals[f.key] = null; continue; }
      if (f.kind === 'int' || f.kind === 'real') {
        const n = Number(raw);
        vals[f.key] = Number.isNaN(n) ? raw : n;
      } else if (f.kind === 'bool') vals[f.key] = raw === '1' ? 1 : 0;
      else vals[f.key] = raw;
    }
    const ex = {};
    for (const t of form.querySelectorAll('textarea[name^="explain:"]')) {
      const k = t.name.slice('explain:'.length);
      const v = t.value.trim();
      if (v || explanations[k]) ex[k] = v;
    }
    return { values: vals, explanations: ex };
  }

  // client-side check of the kinds, so the message sits beside the field
  function checkKinds() {
    for (const f of fields) {
      const el = ctl.get(f.key);
      if (!el || f.computed || (f.kind !== 'int' && f.kind !== 'real')) continue;
      if (el.validity && el.validity.badInput) return { field: f.key, message: f.label + ' 应为数字' };
      const raw = el.value.trim();
      if (raw === '') continue;
      const n = Number(raw);
      if (f.kind === 'int' && (!Number.isInteger(n) || n < 0)) return { field: f.key, message: f.label + ' 应为非负整数' };
      if (f.kind === 'real' && n < 0 && (f.min === undefined || f.min === null || Number(f.min) >= 0)) return { field: f.key, message: f.label + ' 不能为负数' };
    }
    return null;
  }

  function fieldMessage(e) {
    clearProblems();
    const box = e.field ? form.querySelector('.stats-field[data-field="' + CSS.escape(e.field) + '"]') : null;
    if (box) {
      box.querySelector('.field-error').textContent = e.message;
      box.classList.add('has-error');
      const c = ctl.get(e.field);
      if (c) { c.classList.add('invalid'); c.setAttribute('aria-invalid', 'true'); box.scrollIntoView({ block: 'center' }); if (!c.disabled) c.focus(); }
    } else {
      err.textContent = e.message;
      err.scrollIntoView({ block: 'center' });
    }
  }

  const base = '/api/stats/records/' + encodeURIComponent(sid) + '/' + encodeURIComponent(year);
  const reload = () => ctx.go('#/stats/' + sid + '/' + year);
  let busy = false;
  async function act(btn, fn) {
    if (busy) return;
    busy = true;
    for (const b of page.querySelectorAll('.stats-actions button')) b.disabled = true;
    btn.classList.add('busy');
    try { await fn(); } finally {
      busy = false;
      btn.classList.remove('busy');
      for (const b of page.querySelectorAll('.stats-actions button')) b.disabled = false;
    }
  }

  async function save(quiet) {
    const bad = checkKinds();
    if (bad) { fieldMessage(bad); return null; }
    const body = collect();
    try {
      const res = await call('PUT', base, body);
      Object.assign(explanations, body.explanations);
      if (res && res.status) setStatus(res.status);
      else if (status === '未填报') setStatus('草稿');
      showProblems((res && res.problems) || []);
      if (!quiet) toast('草稿已保存' + (res && res.problems && res.problems.length ? '（有 ' + res.problems.length + ' 个校验问题）' : ''));
      return res || {};
    } catch (e) {
      if (e.problems) showProblems(e.problems);
      else if (e.field) fieldMessage(e);
      else { err.textContent = e.message; failed(e); }
      return null;
    }
  }

  async function submit() {
    const saved = await save(true);
    if (!saved) return;
    try {
      await call('POST', base + '/submit', {});
      toast('已提交，等待审核');
      reload();
    } catch (e) {
      if (e.problems) {
        showProblems(e.problems);
        summary.scrollIntoView({ block: 'start' });
        toast(e.message || '校验未通过，不能提交', 'error');
      } else if (e.field) fieldMessage(e);
      else { err.textContent = e.message; failed(e); }
    }
  }

  function reasonDialog(title, name, label, okLabel, path, done) {
    const ta = textarea(name, '', { rows: 4, maxlength: 1000, required: true });
    const ferr = formError();
    const f = h('form.form-stack', { novalidate: true }, ferr, field(label, ta, { required: true }),
      h('div.form-actions', null,
        h('button.btn.btn-primary', { type: 'submit', 'data-testid': 'save' }, okLabel),
        h('button.btn', { type: 'button', 'data-testid': 'cancel', onclick: () => m.close() }, '取消')));
    const m = modal(title, f);
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const v = ta.value.trim();
      const slot = f.querySelector('.field-error');
      if (!v) { slot.textContent = '请填写' + label; ta.classList.add('invalid'); ta.focus(); return; }
      const btn = f.querySelector('[type="submit"]');
      btn.disabled = true;
      try {
        await call('POST', base + path, { [name]: v });
        m.close();
        toast(done);
        reload();
      } catch (e) {
        if (e.field === name) slot.textContent = e.message; else ferr.textContent = e.message;
      } finally { btn.disabled = false; }
    });
    ta.focus();
  }

  // header and actions
  const statusHolder = h('span.status-holder');
  function setStatus(s) {
    status = s;
    clear(statusHolder);
    statusHolder.appendChild(recordStatusBadge(s, 'record-status'));
  }
  setStatus(status);

  const yearSel = h('select', { 'data-testid': 'stats-year', 'aria-label': '学年' }, yearOptions(year).map((o) => h('option', { value: o.value }, o.label)));
  yearSel.value = String(year);
  yearSel.addEventListener('change', () => { location.hash = '#/stats/' + sid + '/' + yearSel.value; });

  const bureau = acc.bureau;
  const btn = (testid, label, cls, fn) => {
    const b = h('button', { type: 'button', class: 'btn' + (cls ? ' ' + cls : ''), 'data-testid': testid });
    b.textContent = label;
    b.addEventListener('click', () => act(b, fn));
    return b;
  };
  const actions = h('div.stats-actions.noprint', null,
    !readonly ? btn('stats-save', '保存草稿', '', () => save(false)) : null,
    !readonly && status !== '已提交' ? btn('stats-submit', '提交', 'btn-primary', submit) : null,
    bureau && status === '已提交' ? btn('stats-return', '退回', 'btn-danger', async () => reasonDialog('退回', 'comment', '退回意见', '退回', '/return', '已退回，学校修改后可再提交')) : null,
    bureau && status === '已提交' ? btn('stats-approve', '通过', 'btn-primary', async () => {
      if (!(await confirmBox('通过后数据将锁定，学校不能再修改。确定通过 ' + (school.name || '') + ' 的 ' + year + ' 学年基表吗？', '通过'))) return;
      try { await call('POST', base + '/approve', {}); toast('已通过'); reload(); } catch (e) { failed(e); }
    }) : null,
    bureau && status === '已通过' ? btn('stats-reopen', '重新打开', '', async () => reasonDialog('重新打开', 'reason', '重新打开原因', '重新打开', '/reopen', '已重新打开（状态：已退回）')) : null,
    h('a.btn', { href: '#/stats/' + sid + '/' + year + '/print', 'data-testid': 'stats-print' }, '打印'));

  const notes = [];
  if (status === '已退回' && rec.review_comment) {
    notes.push(h('div.notice.notice-danger', { 'data-testid': 'review-comment' }, h('strong', null, '退回意见：'), rec.review_comment));
  } else if (rec.review_comment) {
    notes.push(h('div.notice', { 'data-testid': 'review-comment' }, h('strong', null, '审核意见：'), rec.review_comment));
  }
  if (status === '已通过') notes.push(h('p.notice', null, '本表已审核通过并锁定。' + (bureau ? '如需修改，请先“重新打开”。' : '如需修改，请联系教体局。')));
  else if (acc.school && status === '已提交') notes.push(h('p.notice', null, '本表已提交，等待教体局审核；审核退回后可再修改。'));
  else if (!acc.write) notes.push(h('p.notice', null, '只读：您没有填报基表的权限。'));
  if (rec.status === '未填报' && Object.keys(rec.values || {}).length) notes.push(h('p.note', null, '表中数值已按上年数据预填，请逐项核对后保存。'));

  const page = h('div.stats-page', null,
    h('div.page-head', null,
      h('div.title-line', null, h('h1', null, (school.name || '学校') + ' · ' + year + '学年基表'), statusHolder),
      h('div.page-actions', null, yearSel, bureau ? h('a.btn', { href: '#/stats/records?year=' + year }, '返回列表') : null)),
    h('p.muted.stats-sub', null, [school.code ? '学校标识码 ' + school.code : null, school.type || (rec.schema && rec.schema.school_type),
      school.town, school.area].filter(Boolean).join(' · '),
    rec.submitted_at ? '　提交时间 ' + fmtTime(rec.submitted_at) : null, rec.reviewed_at ? '　审核时间 ' + fmtTime(rec.reviewed_at) : null),
    notes, nav, form, h('div.stats-actions-bar', null, actions));
  showProblems(rec.problems || []);
  return page;
}

// ---- print view -------------------------------------------------------------------------

async function renderPrint(ctx, sid, year) {
  const rec = await get('/api/stats/records/' + encodeURIComponent(sid) + '/' + encodeURIComponent(year));
  const school = rec.school || {};
  const values = rec.values || {};
  const previous = rec.previous || {};
  const ex = rec.explanations || {};
  const sections = (rec.schema && rec.schema.sections) || [];
  return h('div', null,
    h('div.page-head.noprint', null, h('h1', null, '打印预览'),
      h('div.page-actions', null,
        h('button.btn.btn-primary', { type: 'button', 'data-testid': 'print', onclick: () => window.print() }, '打印'),
        h('a.btn', { href: '#/stats/' + sid + '/' + year }, '返回填报'))),
    h('div.print-doc.stats-print', { 'data-testid': 'stats-print-doc' },
      h('h1.doc-title', null, year + '学年学校基表'),
      h('p.doc-sub', null, (school.name || '') + (school.code ? '（' + school.code + '）' : '') + '　状态：' + (rec.status || '未填报')),
      sections.map((s) => [
        h('h2', null, s.label),
        h('table.doc-table.doc-grid', null,
          h('thead', null, h('tr', null, h('th', null, '分组'), h('th', null, '指标'), h('th', null, '本年'), h('th', null, '上年'), h('th', null, '说明'))),
          h('tbody', null, (s.groups || []).map((g) => (g.fields || []).map((f, i) => h('tr', null,
            i === 0 ? h('td', { rowspan: (g.fields || []).length }, g.name) : null,
            h('td', null, labelWithUnit(f)),
            h('td.num', null, shownValue(f, values[f.key]) || '—'),
            h('td.num', null, shownValue(f, previous[f.key]) || '—'),
            h('td', null, ex[f.key] || ''))))))]),
      h('div.doc-signs', null,
        h('div.sign', null, '填表人：', h('span.sign-line')),
        h('div.sign', null, '学校负责人：', h('span.sign-line')),
        h('div.sign', null, '填报日期：', h('span.sign-line')))));
}

// ---- 首页 block -----------------------------------------------------------------------------

function change(v) {
  if (v === undefined || v === null || v === '' || Number.isNaN(Number(v))) return null;
  const n = Number(v);
  const pctText = (Math.abs(n) * 100).toFixed(1) + '%';
  if (n > 0) return h('span.change.up', { title: '较上年增长 ' + pctText }, '↑' + pctText);
  if (n < 0) return h('span.change.down', { title: '较上年减少 ' + pctText }, '↓' + pctText);
  return h('span.change.flat', { title: '与上年持平' }, '→0%');
}

// statsSummary(ctx) -> Promise<Node|null>: schools, classes, pupils and staff
// by stage from GET /api/stats/summary (the latest year with approved records),
// with year-on-year change, and a bar chart of pupils by stage.
export async function statsSummary(ctx) {
  let d;
  try { d = await get('/api/stats/summary'); } catch (e) { return null; }
  const stages = ((d && d.stages) || []).filter((s) => Number(s.schools) > 0);
  if (!d || !d.year || !stages.length) return null;
  const cols = [['schools', '学校（所）'], ['classes', '班级（个）'], ['pupils', '在校生（人）'], ['staff', '教职工（人）'], ['teachers', '专任教师（人）']];
  const total = { stage: '合计' };
  for (const [k] of cols) total[k] = stages.reduce((n, s) => n + (Number(s[k]) || 0), 0);
  const row = (s, isTotal) => h('tr', { 'data-stage': s.stage, class: isTotal ? 'total-row' : null },
    h('th', { scope: 'row' }, s.stage),
    cols.map(([k]) => h('td.num', { 'data-col': k }, fmtNum(s[k]), isTotal ? null : change(s[k + '_change']))));
  const table = h('table.data.compact.stats-summary', { 'data-testid': 'stats-summary' },
    h('thead', null, h('tr', null, h('th', null, '学段'), cols.map(([, l]) => h('th.num', null, l)))),
    h('tbody', null, stages.map((s) => row(s, false))),
    h('tfoot', null, row(total, true)));
  const box = h('div.chart.chart-small', { id: 'chart-stats-pupils', role: 'img', 'aria-label': '在校生：按学段' });
  const card = h('section.card.stats-home', null,
    h('div.card-head', null, h('h2', null, d.year + '学年基表（已审核数据）'),
      h('a', { href: '#/stats/records?year=' + d.year }, '基表数据查询 →')),
    h('div.stats-home-grid', null, h('div.table-wrap.auto', null, table), box),
    h('p.note', null, d.previous_year ? '箭头为在校生较 ' + d.previous_year + ' 学年的变化（按两年均已审核的学校同口径比较）。' : '暂无上年数据可比较。'));
  drawCharts(ctx, [[box, {
    color: ['#1d5fbf'],
    grid: { left: 56, right: 16, top: 24, bottom: 32 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: stages.map((s) => s.stage) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ name: '在校生', type: 'bar', data: stages.map((s) => Number(s.pupils) || 0), barMaxWidth: 40, label: { show: true, position: 'top' } }],
    animation: false,
  }]]);
  return card;
}
