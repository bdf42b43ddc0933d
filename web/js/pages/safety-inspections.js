// safety-inspections.js - 排查: the list (#/safety/inspections), a new
// inspection (#/safety/inspections/new: schools chosen by town or search,
// checklist categories), the detail (#/safety/inspections/<id>) with the
// schools covered, the checklist and 录入发现 (result + hazards in one
// submit), and 覆盖情况 (#/safety/coverage). Selectors: see safety.js.

import { get, post, download, qs } from '../api.js';
import {
  h, clear, listView, pageHead, dash, field, input, select, textarea, formError, fieldError,
  submitting, values, modal, toast, setOptions, errorBox, badge,
} from '../ui.js';
import { towns, schoolPicker } from './schools.js';
import { INSPECTION_KINDS, GRADES, today, periodOf, periodPicker, safetyAccess, categories, categoryOptions } from './safety.js';
import { hazardBody } from './safety-hazards.js';

export function render(ctx) {
  const p = ctx.path;
  if (p === '/safety/inspections') return renderList(ctx);
  if (p === '/safety/inspections/new') return renderNew(ctx);
  if (p === '/safety/coverage') return renderCoverage(ctx);
  return get('/api/inspections/' + ctx.params[0]).then((x) => renderDetail(ctx, x));
}

const qp = (o) => { const u = new URLSearchParams(); for (const [k, v] of Object.entries(o)) if (v !== '' && v !== undefined && v !== null) u.append(k, v); const s = u.toString(); return s ? '?' + s : ''; };

// ---- list -----------------------------------------------------------------------------

async function renderList(ctx) {
  const acc = await safetyAccess(ctx.user);
  const columns = [
    { key: 'on_date', label: '排查日期', sort: 'on_date', cls: 'nowrap' },
    { key: 'name', label: '名称', cls: 'col-name', render: (r) => h('a', { href: '#/safety/inspections/' + r.id }, r.name || ('#' + r.id)) },
    { key: 'kind', label: '类型' },
    { key: 'org_name', label: '组织单位' },
    { key: 'schools', label: '覆盖学校', cls: 'num' },
    { key: 'done', label: '已完成', cls: 'num' },
    { key: 'hazards', label: '发现隐患', cls: 'num' },
  ];
  const filters = [
    { name: 'kind', label: '类型', type: 'select', options: INSPECTION_KINDS },
    { name: 'from', label: '日期从', type: 'date' },
    { name: 'to', label: '至', type: 'date' },
  ];
  const list = listView({
    route: '/safety/inspections', query: ctx.query, endpoint: '/api/inspections', filters, columns,
    rowHref: (r) => '#/safety/inspections/' + r.id, exportName: '安全排查.xlsx', caption: '安全排查',
  });
  return h('div', null,
    pageHead('安全排查',
      h('a.btn', { href: '#/safety/coverage', 'data-testid': 'coverage-link' }, '覆盖情况'),
      acc.write ? h('a.btn.btn-primary', { href: '#/safety/inspections/new', 'data-testid': 'inspection-new' }, '新建排查') : null),
    list.el);
}

// ---- new ----------------------------------------------------------------------------------

// all active schools of a town, page by page
async function schoolsOfTown(townId) {
  const out = [];
  for (let page = 1; page < 200; page += 1) {
    const r = await get('/api/schools', { town: townId, status: '在办', page, per_page: 100 });
    out.push(...(r.items || []));
    if (!(r.items || []).length || out.length >= (r.total || 0)) break;
  }
  return out;
}

async function renderNew(ctx) {
  const acc = await safetyAccess(ctx.user);
  if (!acc.write) return errorBox({ message: '无权限新建排查' });
  const chosen = new Map();   // id -> {id, name, code, town}
  const chips = h('div.chips', { 'data-testid': 'chosen-schools' });
  const count = h('span.muted', null, '');
  const drawChips = () => {
    clear(chips);
    for (const s of chosen.values()) {
      chips.appendChild(h('span.chip', { 'data-school-id': s.id }, s.name,
        acc.school ? null : h('button.chip-x', { type: 'button', 'aria-label': '移除' + s.name, onclick: () => { chosen.delete(String(s.id)); drawChips(); } }, '×')));
    }
    count.textContent = '已选 ' + chosen.size + ' 所';
    const slot = form.querySelector('.field-error[data-for="school_ids"]');
    if (slot && chosen.size) slot.textContent = '';
  };
  const add = (s) => { chosen.set(String(s.id), { id: s.id, name: s.name, code: s.code, town: s.town }); };

  let schoolBox;
  if (acc.school) {
    add({ id: ctx.user.school_id, name: ctx.user.school_name || '本校' });
    schoolBox = h('div.field.field-wide', null, h('label', null, '覆盖学校'), chips, h('span.field-error', { role: 'alert', 'data-for': 'school_ids' }));
  } else {
    const picker = schoolPicker('pick_school', { status: '在办' });
    picker.input.setAttribute('data-testid', 'picker-school');
    picker.hidden.removeAttribute('name');   // not a form value
    picker.hidden.addEventListener('change', () => {
      const id = picker.hidden.value;
      if (!id) return;
      const label = (picker.el.querySelector('.picked') || {}).textContent || '';
      const m = /^已选：(.*)（(\d+)）$/.exec(label);
      add({ id, name: m ? m[1] : '#' + id, code: m ? m[2] : '' });
      drawChips();
    });
    const townSel = select('add_town', [], '', { 'data-testid': 'town-add', 'aria-label': '按街道/乡镇添加' }, '按街道/乡镇添加全部学校…');
    townSel.removeAttribute('name');
    towns().then((opts) => setOptions(townSel, opts, '', '按街道/乡镇添加全部学校…')).catch(() => {});
    townSel.addEventListener('change', async () => {
      const t = townSel.value;
      if (!t) return;
      townSel.disabled = true;
      try {
        const list = await schoolsOfTown(t);
        for (const s of list) add(s);
        drawChips();
        toast('已添加 ' + list.length + ' 所学校');
      } catch (e) { toast(e.message, 'error'); } finally { townSel.disabled = false; townSel.value = ''; }
    });
    const clearAll = h('button.btn.btn-sm', { type: 'button', 'data-testid': 'clear-schools', onclick: () => { chosen.clear(); drawChips(); } }, '清空');
    schoolBox = h('div.field.field-wide', null,
      h('label', { for: picker.input.id }, '覆盖学校', h('span.req', { 'aria-hidden': 'true' }, ' *')),
      h('div.school-chooser', null, h('div.chooser-row', null, townSel, h('span.muted', null, '或搜索单个学校：')), picker.el),
      h('div.chooser-row', null, count, clearAll), chips,
      h('span.field-error', { role: 'alert', 'data-for': 'school_ids' }));
  }
  const catBox = h('div.checks', { 'data-testid': 'categories' });
  categories().then((items) => {
    for (const c of items) {
      if (c.active === 0 || c.active === false) continue;
      catBox.appendChild(h('label.check-inline', null, h('input', { type: 'checkbox', name: 'category_ids', value: c.id }), c.name));
    }
  }).catch(() => {});
  const form = h('form.form-grid', { novalidate: true, 'aria-label': '新建排查' },
    formError(),
    field('名称', input('name', '', { maxlength: 100, required: true, placeholder: '如：2022年春季开学安全大排查' }), { required: true }),
    field('类型', select('kind', INSPECTION_KINDS, '日常', { required: true }), { required: true }),
    field('排查日期', input('on_date', today(), { type: 'date', required: true }), { required: true }),
    schoolBox,
    h('div.field.field-wide', null, h('label', null, '检查项目（按类别生成检查表）'), catBox, h('span.field-error', { role: 'alert', 'data-for': 'category_ids' })),
    field('备注', textarea('note', '', { maxlength: 1000, rows: 2 }), { wide: true }),
    h('div.form-actions.field-wide', null,
      h('button.btn.btn-primary', { type: 'submit', 'data-testid': 'save' }, '保存'),
      h('a.btn', { href: '#/safety/inspections', 'data-testid': 'cancel' }, '取消')));
  drawChips();
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = values(form);
    if (!v.name) { fieldError(form, 'name', '请填写名称'); return; }
    if (!v.on_date) { fieldError(form, 'on_date', '请填写排查日期'); return; }
    if (!chosen.size) { form.querySelector('.field-error[data-for="school_ids"]').textContent = '请选择至少一所学校'; return; }
    const body = {
      name: v.name, kind: v.kind, on_date: v.on_date, note: v.note || '',
      school_ids: [...chosen.keys()].map(Number),
      category_ids: [...form.querySelectorAll('input[name="category_ids"]:checked')].map((c) => Number(c.value)),
    };
    submitting(form, async () => {
      const res = await post('/api/inspections', body);
      const x = res && res.inspection ? res.inspection : res;
      toast('排查已创建');
      location.hash = '#/safety/inspections/' + x.id;
    });
  });
  return h('div', null, pageHead('新建排查'), h('section.card', null, form));
}

// ---- detail ---------------------------------------------------------------------------------

async function renderDetail(ctx, x) {
  const acc = await safetyAccess(ctx.user);
  const schools = x.schools || [];
  const rows = schools.map((s) => h('tr', { 'data-school-id': s.school_id },
    h('td', null, h('a', { href: '#/schools/' + s.school_id }, s.name || s.school_name || ('#' + s.school_id))),
    h('td', null, s.done ? badge('已排查', 'ok') : badge('未排查', 'warn')),
    h('td.summary-wrap', null, dash(s.result)),
    h('td.num', null, s.hazards ? h('a', { href: '#/safety/hazards' + qp({ school_id: s.school_id }) }, String(s.hazards)) : '0'),
    h('td.ops', null, acc.write ? h('button.btn.btn-sm', { type: 'button', 'data-testid': 'finding', onclick: () => findingDialog(ctx, x, s) }, s.done ? '补录发现' : '录入发现') : null)));
  const done = schools.filter((s) => s.done).length;
  const checklist = x.checklist || [];
  const byCat = new Map();
  for (const it of checklist) {
    const k = it.category || '检查项目';
    if (!byCat.has(k)) byCat.set(k, []);
    byCat.get(k).push(it);
  }
  return h('div', null,
    pageHead(x.name || '排查', h('button.btn', { type: 'button', onclick: () => window.print() }, '打印'),
      h('a.btn', { href: '#/safety/inspections', 'data-testid': 'back' }, '返回列表')),
    h('section.card', null, h('dl.detail.two-col', null,
      [['类型', x.kind], ['排查日期', x.on_date], ['组织单位', x.org_name], ['覆盖学校', schools.length + ' 所（已排查 ' + done + ' 所）'],
        ['发现隐患', x.hazards !== undefined ? String(x.hazards) : String(schools.reduce((n, s) => n + (Number(s.hazards) || 0), 0))], ['备注', x.note]]
        .map(([k, v]) => h('div.dl-row', null, h('dt', null, k), h('dd', null, dash(v)))))),
    h('div.grid-2.grid-wide-left', null,
      h('section.card', null, h('h2', null, '覆盖学校'),
        h('div.table-wrap.auto', null, h('table.data', { 'data-testid': 'inspection-schools' },
          h('thead', null, h('tr', null, h('th', null, '学校'), h('th', null, '状态'), h('th', null, '排查结果'), h('th.num', null, '隐患'), h('th', null, ''))),
          h('tbody', null, rows.length ? rows : h('tr', null, h('td.empty', { colspan: 5 }, '未选择学校')))))),
      h('section.card', null, h('h2', null, '检查表'),
        checklist.length ? h('div', { 'data-testid': 'checklist' }, [...byCat.entries()].map(([cat, items]) =>
          h('div.checklist-group', null, h('h3', null, cat), h('ol.checklist', null, items.map((it) => h('li', null, h('span.box', { 'aria-hidden': 'true' }, '□'), it.text))))))
          : h('p.empty', { 'data-testid': 'checklist' }, '未选择检查类别'))));
}

function findingHazardBlock(i, cats, onDate, onRemove) {
  const n = (f) => 'hazards[' + i + '].' + f;
  const block = h('fieldset.finding-hazard', { 'data-index': i },
    h('legend', null, '隐患 ' + (i + 1), h('button.btn.btn-sm', { type: 'button', onclick: () => onRemove(block) }, '移除')),
    h('div.form-grid', null,
      field('类别', select(n('category_id'), cats, '', { required: true }, '请选择'), { required: true }),
      field('等级', select(n('grade'), GRADES, '一般'), { required: true }),
      field('位置', input(n('location'), '', { maxlength: 200 })),
      field('隐患描述', textarea(n('description'), '', { maxlength: 2000, rows: 2 }), { required: true, wide: true }),
      field('发现日期', input(n('found_on'), onDate || today(), { type: 'date' })),
      field('整改时限', input(n('deadline'), '', { type: 'date' })),
      field('责任人', input(n('responsible'), '', { maxlength: 50 })),
      field('整改措施', textarea(n('measures'), '', { maxlength: 2000, rows: 2 }), { wide: true })));
  return block;
}

async function findingDialog(ctx, x, s) {
  let cats = [];
  try { cats = await categoryOptions(true); } catch (e) { cats = []; }
  const blocks = h('div.finding-hazards');
  let seq = 0;
  const remove = (b) => { b.remove(); };
  const addBlock = () => { blocks.appendChild(findingHazardBlock(seq, cats, x.on_date, remove)); seq += 1; };
  const form = h('form.form-stack', { novalidate: true, 'aria-label': '录入发现' },
    h('p', null, '学校：' + (s.name || s.school_name || '') + '。提交后该校标记为已排查，填写的隐患一并登记。'),
    formError(),
    field('排查结果', textarea('result', s.result || '', { maxlength: 2000, rows: 3, placeholder: '如：未发现隐患 / 发现 2 处隐患，已现场督促整改' }), { required: true }),
    blocks,
    h('div', null, h('button.btn', { type: 'button', 'data-testid': 'add-hazard', onclick: addBlock }, '＋ 添加隐患')),
    h('div.form-actions', null,
      h('button.btn.btn-primary', { type: 'submit', 'data-testid': 'save' }, '提交'),
      h('button.btn', { type: 'button', 'data-testid': 'cancel', onclick: () => m.close() }, '取消')));
  const m = modal('录入发现：' + (s.name || s.school_name || ''), form, { wide: true });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = values(form);
    if (!v.result) { fieldError(form, 'result', '请填写排查结果'); return; }
    const hazards = [];
    for (const b of blocks.querySelectorAll('.finding-hazard')) {
      const i = b.getAttribute('data-index');
      const one = { school_id: s.school_id, inspection_id: x.id };
      for (const el of b.querySelectorAll('[name]')) {
        const f = el.name.replace('hazards[' + i + '].', '');
        one[f] = el.value.trim();
      }
      if (!one.category_id) { fieldError(form, 'hazards[' + i + '].category_id', '请选择类别'); return; }
      if (!one.description) { fieldError(form, 'hazards[' + i + '].description', '请填写隐患描述'); return; }
      hazards.push(hazardBody(one));
    }
    submitting(form, async () => {
      const res = await post('/api/inspections/' + x.id + '/findings', { school_id: Number(s.school_id), result: v.result, hazards });
      m.close();
      const n = (res && res.hazard_ids ? res.hazard_ids.length : hazards.length);
      toast('已录入' + (n ? '，登记隐患 ' + n + ' 条' : ''));
      ctx.go(location.hash);
    });
  });
}

// ---- coverage ---------------------------------------------------------------------------------

function csvCell(v) { const s = v === undefined || v === null ? '' : String(v); return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; }

async function renderCoverage(ctx) {
  const period = periodOf(ctx.query);
  const d = await get('/api/safety/coverage', period);
  const list = (d.schools || []).slice().sort((a, b) => {
    const ia = Number(a.inspections) > 0 ? 1 : 0;
    const ib = Number(b.inspections) > 0 ? 1 : 0;
    if (ia !== ib) return ia - ib;
    return String(a.town || '').localeCompare(String(b.town || ''), 'zh-CN') || String(a.name || '').localeCompare(String(b.name || ''), 'zh-CN');
  });
  const exportBtn = h('a.btn', { 'data-testid': 'export', href: '/api/safety/coverage' + qs(Object.assign({ format: 'xlsx' }, period)), download: '排查覆盖情况.xlsx' }, '导出 Excel');
  exportBtn.addEventListener('click', async (ev) => {
    ev.preventDefault();
    try {
      await download(exportBtn.getAttribute('href'), '排查覆盖情况.xlsx');
    } catch (err) {
      // no xlsx on the server for this view: a CSV of what is shown
      const lines = [['学校', '街道/乡镇', '排查次数', '最近排查日期', '状态'].join(',')].concat(list.map((s) =>
        [s.name, s.town, s.inspections, s.last_on, Number(s.inspections) > 0 ? '已排查' : '未排查'].map(csvCell).join(',')));
      const blob = new Blob(['\ufeff' + lines.join('\r\n')], { type: 'text/csv;charset=utf-8' });
      const a = h('a', { href: URL.createObjectURL(blob), download: '排查覆盖情况.csv' });
      document.body.appendChild(a); a.click(); a.remove();
    }
  });
  const rows = list.map((s) => {
    const not = !(Number(s.inspections) > 0);
    return h('tr', { class: not ? 'not-inspected' : null, 'data-school-id': s.school_id },
      h('td', null, h('a', { href: '#/schools/' + s.school_id }, s.name || ('#' + s.school_id))),
      h('td', null, dash(s.town)),
      h('td.num', null, String(s.inspections || 0)),
      h('td', null, dash(s.last_on)),
      h('td', null, not ? badge('未排查', 'danger') : badge('已排查', 'ok')));
  });
  return h('div', null,
    pageHead('排查覆盖情况', h('button.btn', { type: 'button', onclick: () => window.print() }, '打印'),
      h('a.btn', { href: '#/safety/inspections' }, '排查列表')),
    periodPicker(period, (from, to) => { location.hash = '#/safety/coverage' + qp({ from, to }); }),
    h('p.print-only', null, '统计期间：' + period.from + ' 至 ' + period.to),
    h('div.stats', null,
      h('div.stat', { 'data-testid': 'coverage-inspected' }, h('div.stat-value', null, String(d.inspected ?? '—')), h('div.stat-label', null, '已排查学校')),
      h('div', { class: 'stat' + (Number(d.not_inspected) > 0 ? ' stat-warn' : ''), 'data-testid': 'coverage-not-inspected' }, h('div.stat-value', null, String(d.not_inspected ?? '—')), h('div.stat-label', null, '未排查学校'))),
    h('div.toolbar', null, h('div.toolbar-left', null, h('span.total', { 'data-testid': 'total' }, '共 ' + list.length + ' 所')), h('div.toolbar-right', null, exportBtn)),
    h('div.table-wrap', null, h('table.data', null, h('caption.sr-only', null, '排查覆盖情况'),
      h('thead', null, h('tr', null, h('th', null, '学校'), h('th', null, '街道/乡镇'), h('th.num', null, '排查次数'), h('th', null, '最近排查'), h('th', null, '状态'))),
      h('tbody', null, rows.length ? rows : h('tr', null, h('td.empty', { colspan: 5 }, '暂无数据'))))));
}
