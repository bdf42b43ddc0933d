// stats-rounds.js - 填报任务: the rounds of a year with progress bars
// (#/stats/rounds?year=), 新建填报任务 (dialog), and one round's progress
// (#/stats/rounds/<id>?town=&status=): by town (counts) and by school (late
// ones marked), 导出逾期名单 (format=xlsx), 下载填报模板, 修改 (deadline, status).
// Selectors: top of stats.js.

import { get, download } from '../api.js';
import { h, pageHead, field, input, select, textarea, formError, modal, toast, dash, setOptions } from '../ui.js';
import { SCHOOL_TYPES } from '../enums.js';
import { towns } from './schools.js';
import { RECORD_STATUSES, recordStatusBadge, schoolYear, yearOptions, fmtTime, qp, statsAccess, call, sortableTable, failed } from './stats.js';

export function render(ctx) {
  if (ctx.path === '/stats/rounds') return renderList(ctx);
  return renderRound(ctx, ctx.params[0]);
}

function n(v) { return Number(v) || 0; }

// progress({schools, approved, submitted, returned, not_submitted}) -> a stacked bar
export function progressBar(p) {
  const total = n(p.schools) || (n(p.approved) + n(p.submitted) + n(p.returned) + n(p.not_submitted));
  const parts = [['approved', '已通过', n(p.approved)], ['submitted', '已提交', n(p.submitted)],
    ['returned', '已退回', n(p.returned)], ['not-submitted', '未提交', n(p.not_submitted)]];
  const title = parts.map(([, l, v]) => l + ' ' + v).join('，') + '（共 ' + total + ' 所）';
  return h('div.progress-wrap', null,
    h('div.progress', { role: 'img', 'aria-label': title, title },
      parts.map(([k, , v]) => (v > 0 && total > 0 ? h('span', { class: 'seg seg-' + k, style: 'width:' + (v * 100 / total).toFixed(2) + '%' }) : null))),
    h('div.progress-legend', null, parts.map(([k, l, v]) => h('span', { class: 'lg lg-' + k, 'data-count': k }, l + ' ' + v))));
}

async function renderList(ctx) {
  const acc = await statsAccess(ctx.user);
  const year = /^\d{4}$/.test(ctx.query.year || '') ? ctx.query.year : '';
  const yearSel = h('select', { 'data-testid': 'round-year', 'aria-label': '学年' },
    h('option', { value: '' }, '全部学年'), yearOptions().map((o) => h('option', { value: o.value }, o.label)));
  yearSel.value = year;
  yearSel.addEventListener('change', () => { location.hash = '#/stats/rounds' + qp({ year: yearSel.value }); });
  const r = await get('/api/stats/rounds', year ? { year } : null);
  const items = r.items || [];
  const today = new Date().toISOString().slice(0, 10);
  const table = h('table.data', { 'data-testid': 'rounds' },
    h('thead', null, h('tr', null, ['任务名称', '学年', '办学类型', '截止日期', '状态', '进度'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, items.length ? items.map((x) => h('tr', { 'data-round-id': x.id, 'data-id': x.id },
      h('td.col-name', null, h('a', { href: '#/stats/rounds/' + x.id, 'data-testid': 'round-link' }, x.name)),
      h('td', null, x.year + '学年'),
      h('td.summary-wrap', null, (x.school_types || []).join('、')),
      h('td.nowrap', null, x.deadline, x.status !== '已结束' && x.deadline && x.deadline < today ? h('span.badge.badge-danger', { style: 'margin-left:6px' }, '已过截止日') : null),
      h('td', null, h('span', { class: 'badge ' + (x.status === '已结束' ? 'badge-muted' : 'badge-info') }, x.status || '进行中')),
      h('td.progress-cell', null, progressBar(x)))) : h('tr', null, h('td.empty', { colspan: 6 }, '暂无填报任务'))));
  const newBtn = acc.bureau ? h('button.btn.btn-primary', { type: 'button', 'data-testid': 'round-new', onclick: () => roundDialog(ctx, null) }, '新建填报任务') : null;
  return h('div', null, pageHead('填报任务', yearSel, newBtn), h('div.table-wrap.auto', null, table));
}

function roundDialog(ctx, round) {
  const isNew = !round;
  const cur = round || { year: schoolYear(), school_types: SCHOOL_TYPES.slice(), name: schoolYear() + '学年教育事业统计基表填报' };
  const ferr = formError();
  const types = h('div.checks', { role: 'group', 'aria-label': '办学类型' }, SCHOOL_TYPES.map((t) => h('label.check-inline', null,
    h('input', { type: 'checkbox', name: 'school_types', value: t, checked: (cur.school_types || []).includes(t), disabled: !isNew || null }), t)));
  const typesField = h('div.field.field-wide', null, h('label', null, '办学类型', h('span.req', { 'aria-hidden': 'true' }, ' *'),
    isNew ? h('button.btn.btn-sm', { type: 'button', style: 'margin-left:8px', onclick: () => { const all = [...types.querySelectorAll('input')]; const on = !all.every((c) => c.checked); for (const c of all) c.checked = on; } }, '全选/全不选') : null),
  types, h('span.field-error', { role: 'alert', 'data-for': 'school_types' }));
  const yearSel = select('year', yearOptions(cur.year), String(cur.year), { disabled: !isNew || null });
  const statusSel = isNew ? null : select('status', ['进行中', '已结束'], cur.status || '进行中');
  const f = h('form.form-grid', { novalidate: true },
    ferr,
    field('任务名称', input('name', cur.name, { maxlength: 100, required: true }), { required: true, wide: true }),
    field('学年', yearSel, { required: true }),
    field('截止日期', input('deadline', cur.deadline || '', { type: 'date', required: true }), { required: true }),
    statusSel ? field('状态', statusSel) : null,
    typesField,
    isNew ? field('说明', textarea('note', '', { rows: 2, maxlength: 1000 }), { wide: true }) : null,
    h('div.form-actions.field-wide', null,
      h('button.btn.btn-primary', { type: 'submit', 'data-testid': 'save' }, isNew ? '创建' : '保存'),
      h('button.btn', { type: 'button', 'data-testid': 'cancel', onclick: () => m.close() }, '取消')));
  const m = modal(isNew ? '新建填报任务' : '修改填报任务', f, { wide: true });
  const showErr = (name, msg) => {
    const slot = f.querySelector('.field-error[data-for="' + CSS.escape(name) + '"]');
    const c = f.querySelector('[name="' + CSS.escape(name) + '"]');
    if (slot) { slot.textContent = msg; if (c) { c.classList.add('invalid'); c.focus(); } } else ferr.textContent = msg;
  };
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    for (const e of f.querySelectorAll('.field-error')) e.textContent = '';
    ferr.textContent = '';
    const name = f.querySelector('[name="name"]').value.trim();
    const deadline = f.querySelector('[name="deadline"]').value;
    const chosen = [...types.querySelectorAll('input:checked')].map((c) => c.value);
    if (!name) { showErr('name', '请填写任务名称'); return; }
    if (!deadline) { showErr('deadline', '请选择截止日期'); return; }
    if (isNew && !chosen.length) { showErr('school_types', '请至少选择一种办学类型'); return; }
    const btn = f.querySelector('[type="submit"]');
    btn.disabled = true;
    try {
      if (isNew) {
        const note = f.querySelector('[name="note"]').value.trim();
        const res = await call('POST', '/api/stats/rounds', { name, year: Number(yearSel.value), school_types: chosen, deadline, note: note || undefined });
        m.close();
        toast('填报任务已创建');
        const id = res && (res.id || (res.round && res.round.id));
        ctx.go(id ? '#/stats/rounds/' + id : '#/stats/rounds?year=' + yearSel.value);
      } else {
        await call('PATCH', '/api/stats/rounds/' + round.id, { name, deadline, status: statusSel.value });
        m.close();
        toast('已保存');
        ctx.go(location.hash);
      }
    } catch (e) {
      if (e.field) showErr(e.field, e.message); else ferr.textContent = e.message;
    } finally { btn.disabled = false; }
  });
}

async function renderRound(ctx, id) {
  const acc = await statsAccess(ctx.user);
  const town = ctx.query.town || '';
  const status = ctx.query.status || '';
  const d = await get('/api/stats/rounds/' + encodeURIComponent(id) + '/progress', { town, status });
  const round = d.round || {};
  const townsRows = d.towns || [];
  const schools = d.schools || [];
  const sum = (k) => townsRows.reduce((s, t) => s + n(t[k]), 0);
  const totals = { schools: sum('schools'), approved: sum('approved'), submitted: sum('submitted'), returned: sum('returned'), not_submitted: sum('not_submitted') };

  const go = (q) => { location.hash = '#/stats/rounds/' + id + qp(Object.assign({ town, status }, q)); };
  const townSel = h('select', { name: 'town', id: 'round-town' });
  setOptions(townSel, [], town, '全部');
  towns().then((opts) => setOptions(townSel, opts, town, '全部')).catch(() => {});
  townSel.addEventListener('change', () => go({ town: townSel.value }));
  const statusSel = h('select', { name: 'status', id: 'round-status' });
  setOptions(statusSel, RECORD_STATUSES, status, '全部');
  statusSel.addEventListener('change', () => go({ status: statusSel.value }));

  const dl = (btn, url, name) => async () => {
    btn.classList.add('busy');
    try { await download(url, name); } catch (e) { failed(e); } finally { btn.classList.remove('busy'); }
  };
  const lateBtn = h('button.btn', { type: 'button', 'data-testid': 'export-late' }, '导出逾期名单');
  lateBtn.addEventListener('click', dl(lateBtn, '/api/stats/rounds/' + id + '/progress' + qp({ town, status, format: 'xlsx' }), (round.name || '填报任务') + '逾期名单.xlsx'));
  const tplBtn = h('button.btn', { type: 'button', 'data-testid': 'template' }, '下载填报模板');
  tplBtn.addEventListener('click', dl(tplBtn, '/api/stats/rounds/' + id + '/template', (round.name || '基表') + '模板.xlsx'));
  const editBtn = acc.bureau ? h('button.btn', { type: 'button', 'data-testid': 'round-edit', onclick: () => roundDialog(ctx, round) }, '修改') : null;

  const townTable = sortableTable({
    testid: 'round-towns',
    columns: [
      { key: 'town', label: '街道/乡镇', render: (t) => h('a', { href: '#/stats/rounds/' + id + qp({ town: t.town_id, status }) }, t.town || '—') },
      { key: 'schools', label: '学校数', num: true },
      { key: 'not_submitted', label: '未提交', num: true },
      { key: 'submitted', label: '已提交', num: true },
      { key: 'returned', label: '已退回', num: true },
      { key: 'approved', label: '已通过', num: true },
      { key: 'rate', label: '通过率', num: true, render: (t) => (n(t.schools) ? (n(t.approved) * 100 / n(t.schools)).toFixed(1) + '%' : '—') },
    ],
    rows: townsRows.map((t) => Object.assign({ rate: n(t.schools) ? n(t.approved) / n(t.schools) : 0 }, t)),
    rowAttrs: (t) => ({ 'data-town-id': t.town_id }),
  });
  const schoolTable = sortableTable({
    testid: 'round-schools',
    columns: [
      { key: 'code', label: '学校标识码', cls: 'mono' },
      { key: 'school_name', label: '学校名称', render: (s) => h('a', { href: '#/stats/' + s.school_id + '/' + round.year }, s.school_name || ('#' + s.school_id)) },
      { key: 'town', label: '街道/乡镇' },
      { key: 'type', label: '办学类型' },
      { key: 'status', label: '状态', render: (s) => [recordStatusBadge(s.status), s.late ? [' ', h('span.badge.badge-danger', null, '逾期')] : null] },
      { key: 'submitted_at', label: '提交时间', render: (s) => fmtTime(s.submitted_at) },
    ],
    rows: schools,
    empty: '没有符合条件的学校',
    rowAttrs: (s) => ({ 'data-school-id': s.school_id, class: s.late ? 'late overdue' : null }),
  });
  const late = schools.filter((s) => s.late).length;
  return h('div', null,
    pageHead(round.name || '填报任务', editBtn, tplBtn, lateBtn, h('a.btn', { href: '#/stats/rounds?year=' + (round.year || '') }, '返回')),
    h('section.card', null,
      h('dl.detail.two-col', null,
        h('div.dl-row', null, h('dt', null, '学年'), h('dd', null, dash(round.year) + '学年')),
        h('div.dl-row', null, h('dt', null, '截止日期'), h('dd', { 'data-field': 'deadline' }, dash(round.deadline))),
        h('div.dl-row', null, h('dt', null, '办学类型'), h('dd', null, (round.school_types || []).join('、') || '—')),
        h('div.dl-row', null, h('dt', null, '状态'), h('dd', null, dash(round.status))),
        round.note ? h('div.dl-row.dl-wide', null, h('dt', null, '说明'), h('dd', null, round.note)) : null),
      h('div.round-total', null, progressBar(totals))),
    h('section.card', null, h('div.card-head', null, h('h2', null, '按街道/乡镇'), h('span.muted', null, town || status ? '（按当前筛选）' : '')),
      h('div.table-wrap.auto', null, townTable)),
    h('section.card', null,
      h('div.card-head', null, h('h2', null, '按学校'),
        h('div.inline-filters', null,
          h('label', { for: 'round-town' }, '街道/乡镇'), townSel,
          h('label', { for: 'round-status' }, '状态'), statusSel,
          town || status ? h('button.btn.btn-sm', { type: 'button', onclick: () => go({ town: '', status: '' }) }, '重置') : null)),
      h('p.note', null, '共 ' + schools.length + ' 所' + (late ? '，其中逾期 ' + late + ' 所（截止日期后仍未提交或被退回，红色标出）' : '') + '。'),
      h('div.table-wrap', null, schoolTable)));
}
