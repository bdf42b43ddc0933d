// safety-activities.js - 安全活动 (#/safety/activities): the list with
// filters (kind, school, town, period) and export, the add dialog with the
// fields each kind needs, and totals by kind / town / school for the period.
// Selectors: see safety.js.

import { get, post } from '../api.js';
import {
  h, clear, listView, pageHead, dash, field, input, select, textarea, formError, fieldError,
  submitting, values, modal, toast, setOptions,
} from '../ui.js';
import { towns, schoolPicker } from './schools.js';
import { schoolFilter } from './safety-hazards.js';
import { ACTIVITY_KINDS, KIND_WITH_PARTICIPANTS, KIND_WITH_QUANTITY, today, money, num, safetyAccess, periodOf } from './safety.js';

const qp = (o) => { const u = new URLSearchParams(); for (const [k, v] of Object.entries(o)) if (v !== '' && v !== undefined && v !== null) u.append(k, v); const s = u.toString(); return s ? '?' + s : ''; };

export async function render(ctx) {
  const acc = await safetyAccess(ctx.user);
  const columns = [
    { key: 'on_date', label: '日期', cls: 'nowrap' },
    { key: 'school_name', label: '学校', cls: 'col-name', render: (r) => h('a', { href: '#/schools/' + r.school_id }, r.school_name || ('#' + r.school_id)) },
    { key: 'town', label: '街道/乡镇' },
    { key: 'kind', label: '类型' },
    { key: 'title', label: '名称/内容', cls: 'summary', render: (r) => h('span', { title: r.title || '' }, dash(r.title)) },
    { key: 'participants', label: '参与人次', cls: 'num', render: (r) => num(r.participants) },
    { key: 'quantity', label: '数量', cls: 'num', render: (r) => num(r.quantity) },
    { key: 'funds', label: '经费（元）', cls: 'num', render: (r) => money(r.funds) },
    { key: 'note', label: '备注', cls: 'summary', render: (r) => dash(r.note) },
  ];
  const filters = [
    { name: 'kind', label: '类型', type: 'select', options: ACTIVITY_KINDS },
    { name: 'town', label: '街道/乡镇', type: 'select', options: [], load: towns },
    { name: 'from', label: '日期从', type: 'date' },
    { name: 'to', label: '至', type: 'date' },
  ];
  if (acc.school) filters.splice(1, 1);
  const totals = totalsCard(ctx);
  const list = listView({
    route: '/safety/activities', query: ctx.query, endpoint: '/api/safety/activities', filters, columns,
    fixed: { school_id: ctx.query.school_id || '' },
    exportName: '安全活动.xlsx', caption: '安全活动',
    onData: () => totals.reload(),
  });
  return h('div', null,
    pageHead('安全活动', acc.write ? h('button.btn.btn-primary', { type: 'button', 'data-testid': 'activity-new', onclick: () => addDialog(ctx, acc, list) }, '登记活动') : null),
    acc.school ? null : schoolFilter(ctx, '/safety/activities', '按学校筛选'),
    list.el,
    totals.el);
}

// Totals for the period of the list's date filters (default: this year).
function totalsCard(ctx) {
  const bySel = select('by', [{ value: 'kind', label: '按类型' }, { value: 'town', label: '按街道/乡镇' }, { value: 'school', label: '按学校' }], 'kind', { 'data-testid': 'totals-by', 'aria-label': '汇总方式' });
  const title = h('span.muted');
  const body = h('div.table-wrap.auto');
  let seq = 0;
  async function reload() {
    const my = ++seq;
    const q = new URLSearchParams(location.hash.split('?')[1] || '');
    const period = periodOf({ from: q.get('from') || '', to: q.get('to') || '' });
    if (q.get('from') && !q.get('to')) period.to = '9999-12-31';
    if (q.get('to') && !q.get('from')) period.from = '0000-01-01';
    title.textContent = '（' + (q.get('from') || q.get('to') ? (q.get('from') || '…') + ' 至 ' + (q.get('to') || '…') : '本年') + '）';
    try {
      const r = await get('/api/safety/activities/totals', { from: period.from, to: period.to, by: bySel.value });
      if (my !== seq) return;
      const items = r.items || [];
      const byKind = bySel.value === 'kind';
      const sum = (f) => items.reduce((n, it) => n + (Number(it[f]) || 0), 0);
      clear(body);
      body.appendChild(h('table.data.compact', { 'data-testid': 'activity-totals' },
        h('thead', null, h('tr', null, h('th', null, byKind ? '类型' : bySel.value === 'town' ? '街道/乡镇' : '学校'),
          byKind ? null : h('th', null, '类型'),
          ['次数', '参与人次', '数量', '经费（元）', '涉及学校'].map((t) => h('th.num', null, t)))),
        h('tbody', null, items.length ? items.map((it) => h('tr', null,
          h('td', null, dash(it.name || it.key || it.kind)), byKind ? null : h('td', null, dash(it.kind)),
          h('td.num', null, num(it.count)), h('td.num', null, num(it.participants)), h('td.num', null, num(it.quantity)),
          h('td.num', null, money(it.funds)), h('td.num', null, num(it.schools))))
          : h('tr', null, h('td.empty', { colspan: byKind ? 6 : 7 }, '暂无数据'))),
        items.length && byKind ? h('tfoot', null, h('tr.county-row', null, h('td', null, '合计'),
          h('td.num', null, String(sum('count'))), h('td.num', null, String(sum('participants'))), h('td.num', null, String(sum('quantity'))),
          h('td.num', null, money(sum('funds'))), h('td.num', null, ''))) : null));
    } catch (e) {
      if (my !== seq) return;
      clear(body);
      body.appendChild(h('p.error-box', null, e.message || '加载失败'));
    }
  }
  bySel.addEventListener('change', reload);
  const el = h('section.card.totals-card', null, h('div.card-head', null, h('h2', null, '汇总', title), bySel), body);
  return { el, reload };
}

function addDialog(ctx, acc, list) {
  let schoolBox;
  if (acc.school) {
    schoolBox = h('div.field', null, h('label', null, '学校'),
      h('input', { type: 'hidden', name: 'school_id', value: String(ctx.user.school_id || '') }),
      h('div.fixed-value', { 'data-testid': 'fixed-school' }, ctx.user.school_name || ''),
      h('span.field-error', { role: 'alert', 'data-for': 'school_id' }));
  } else {
    const picker = schoolPicker('school_id', { status: '在办', value: ctx.query.school_id || '' });
    schoolBox = h('div.field.field-wide', null, h('label', { for: picker.input.id }, '学校', h('span.req', { 'aria-hidden': 'true' }, ' *')), picker.el,
      h('span.field-error', { role: 'alert', 'data-for': 'school_id' }));
  }
  const kindSel = select('kind', ACTIVITY_KINDS, ctx.query.kind || '安全教育', { required: true });
  const partField = field('参与人次', input('participants', '', { type: 'number', min: 0, step: 1 }), { required: true });
  const qtyField = field('数量', input('quantity', '', { type: 'number', min: 0, step: 1 }), { required: true, hint: '件 / 具 / 块' });
  const titleLabel = h('span', null, '名称');
  const showKind = () => {
    const k = kindSel.value;
    partField.hidden = !KIND_WITH_PARTICIPANTS.includes(k);
    qtyField.hidden = !KIND_WITH_QUANTITY.includes(k);
    for (const f of [partField, qtyField]) { const c = f.querySelector('input'); c.disabled = f.hidden; }
    titleLabel.textContent = k === '维修' ? '维修内容' : k === '安防器材' ? '器材名称' : k === '灭火器' ? '内容（购置/充装）' : '名称';
  };
  kindSel.addEventListener('change', showKind);
  const titleIn = input('title', '', { maxlength: 200, required: true });
  const titleField = field('', titleIn, { required: true });
  const lab = titleField.querySelector('label');
  lab.insertBefore(titleLabel, lab.firstChild);
  const form = h('form.form-grid', { novalidate: true, 'aria-label': '登记安全活动' },
    formError(),
    schoolBox,
    field('类型', kindSel, { required: true }),
    titleField,
    field('日期', input('on_date', today(), { type: 'date', required: true }), { required: true }),
    partField, qtyField,
    field('经费（元）', input('funds', '', { type: 'number', min: 0, step: '0.01' })),
    field('备注', textarea('note', '', { maxlength: 1000, rows: 2 }), { wide: true }),
    h('div.form-actions.field-wide', null,
      h('button.btn.btn-primary', { type: 'submit', 'data-testid': 'save' }, '保存'),
      h('button.btn', { type: 'button', 'data-testid': 'cancel', onclick: () => m.close() }, '取消')));
  showKind();
  const m = modal('登记安全活动', form, { wide: true });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = values(form);
    if (!v.school_id) { fieldError(form, 'school_id', '请选择学校'); return; }
    if (!v.title) { fieldError(form, 'title', '请填写' + titleLabel.textContent); return; }
    if (!v.on_date) { fieldError(form, 'on_date', '请填写日期'); return; }
    if (v.funds !== undefined && v.funds !== '' && Number(v.funds) < 0) { fieldError(form, 'funds', '经费不能为负数'); return; }
    const body = {};
    for (const [k, raw] of Object.entries(v)) {
      if (raw === '' || raw === undefined) continue;
      body[k] = ['school_id', 'participants', 'quantity', 'funds'].includes(k) ? Number(raw) : raw;
    }
    submitting(form, async () => {
      await post('/api/safety/activities', body);
      m.close();
      toast('已登记');
      list.reload();
    });
  });
}

export { qp };
