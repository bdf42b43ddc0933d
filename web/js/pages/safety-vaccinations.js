// safety-vaccinations.js - 疫苗接种 (#/safety/vaccinations?period=YYYY-MM):
// per school staff and pupils (3-17) eligible / vaccinated with rates (red
// below 99%), the county row in the table foot, and the edit dialog (PUT
// /api/safety/vaccinations, an upsert). Selectors: see safety.js.

import { get, request } from '../api.js';
import {
  h, listView, pageHead, field, input, formError, fieldError, submitting, values, modal, toast,
} from '../ui.js';
import { schoolPicker } from './schools.js';
import { num, rateCell, safetyAccess } from './safety.js';

const qp = (o) => { const u = new URLSearchParams(); for (const [k, v] of Object.entries(o)) if (v !== '' && v !== undefined && v !== null) u.append(k, v); const s = u.toString(); return s ? '?' + s : ''; };

function thisMonth() { const d = new Date(); return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0'); }

export async function render(ctx) {
  const acc = await safetyAccess(ctx.user);
  let period = /^\d{4}-\d{2}$/.test(ctx.query.period || '') ? ctx.query.period : '';
  if (!period) {
    // the latest period with data: what the server answers without one
    try {
      const r = await get('/api/safety/vaccinations', { per_page: 1 });
      period = (r.county && r.county.period) || (r.items && r.items[0] && r.items[0].period) || r.period || '';
    } catch (e) { period = ''; }
    if (!period) period = thisMonth();
    history.replaceState(null, '', '#/safety/vaccinations' + qp(Object.assign({}, ctx.query, { period })));
  }
  const periodIn = h('input', { type: 'month', value: period, 'data-testid': 'vacc-period', id: 'vacc-period', name: 'period' });
  periodIn.addEventListener('change', () => {
    if (/^\d{4}-\d{2}$/.test(periodIn.value)) location.hash = '#/safety/vaccinations' + qp({ period: periodIn.value });
  });

  const columns = [
    { key: 'school_name', label: '学校', cls: 'col-name', render: (r) => h('a', { href: '#/schools/' + r.school_id }, r.school_name || ('#' + r.school_id)) },
    { key: 'staff_eligible', label: '教职工应接种', cls: 'num', render: (r) => num(r.staff_eligible) },
    { key: 'staff_vaccinated', label: '教职工已接种', cls: 'num', render: (r) => num(r.staff_vaccinated) },
    { key: 'staff_rate', label: '教职工接种率', cls: 'num rate-col', render: (r) => rateCell(r.staff_rate) },
    { key: 'pupils_eligible', label: '学生应接种（3-17岁）', cls: 'num', render: (r) => num(r.pupils_eligible) },
    { key: 'pupils_vaccinated', label: '学生已接种', cls: 'num', render: (r) => num(r.pupils_vaccinated) },
    { key: 'pupils_rate', label: '学生接种率', cls: 'num rate-col', render: (r) => rateCell(r.pupils_rate) },
  ];
  if (acc.write) {
    columns.push({ key: 'ops', label: '操作', cls: 'ops', render: (r) => h('button.btn.btn-sm', { type: 'button', 'data-testid': 'vacc-edit', onclick: () => editDialog(ctx, acc, period, r, list) }, '编辑') });
  }
  let list = null;
  list = listView({
    route: '/safety/vaccinations', query: ctx.query, endpoint: '/api/safety/vaccinations', filters: [], columns,
    fixed: { period },
    exportName: '疫苗接种' + period + '.xlsx', caption: '疫苗接种',
    onData: (data) => {
      if (!list) return;
      const table = list.el.querySelector('table.data');
      const trs = [...table.querySelectorAll('tbody tr:not(.msg-row)')];
      (data.items || []).forEach((row, i) => { if (trs[i]) trs[i].setAttribute('data-school-id', row.school_id); });
      for (const td of table.querySelectorAll('td.rate-col')) {
        const low = td.querySelector('.rate.low');
        td.classList.toggle('low', !!low);
      }
      let foot = table.querySelector('tfoot');
      if (foot) foot.remove();
      const c = data.county;
      if (!c) return;
      foot = h('tfoot', null, h('tr.county-row', { 'data-testid': 'county-row' },
        h('td', null, '合计' + (ctx.user && ctx.user.role !== 'school' && ctx.user.scope_name ? '（' + ctx.user.scope_name.replace(/(教体局|教育局|教育体育局)$/, '') + '）' : '')),
        h('td.num', null, num(c.staff_eligible)), h('td.num', null, num(c.staff_vaccinated)), h('td', { class: 'num rate-col' }, rateCell(c.staff_rate)),
        h('td.num', null, num(c.pupils_eligible)), h('td.num', null, num(c.pupils_vaccinated)), h('td', { class: 'num rate-col' }, rateCell(c.pupils_rate)),
        acc.write ? h('td') : null));
      table.appendChild(foot);
    },
  });
  const flt = list.el.querySelector('form.filters');
  if (flt) flt.hidden = true;   // the period picker above is the only filter
  return h('div', null,
    pageHead('疫苗接种', acc.write ? h('button.btn.btn-primary', { type: 'button', 'data-testid': 'vacc-new', onclick: () => editDialog(ctx, acc, period, null, list) }, '录入') : null,
      h('button.btn', { type: 'button', onclick: () => window.print() }, '打印')),
    h('div.period-picker', null, h('label', { for: periodIn.id }, '统计期 '), periodIn,
      h('span.hint', null, '接种率低于 99% 的以红色标出')),
    h('p.print-only', null, '统计期：' + period),
    list.el);
}

function editDialog(ctx, acc, period, row, list) {
  const r = row || {};
  let schoolBox;
  if (row) {
    schoolBox = h('div.field.field-wide', null, h('label', null, '学校'),
      h('input', { type: 'hidden', name: 'school_id', value: String(r.school_id) }),
      h('div.fixed-value', null, r.school_name || ''), h('span.field-error', { role: 'alert', 'data-for': 'school_id' }));
  } else if (acc.school) {
    schoolBox = h('div.field.field-wide', null, h('label', null, '学校'),
      h('input', { type: 'hidden', name: 'school_id', value: String(ctx.user.school_id || '') }),
      h('div.fixed-value', null, ctx.user.school_name || ''), h('span.field-error', { role: 'alert', 'data-for': 'school_id' }));
  } else {
    const picker = schoolPicker('school_id', { status: '在办' });
    schoolBox = h('div.field.field-wide', null, h('label', { for: picker.input.id }, '学校', h('span.req', null, ' *')), picker.el,
      h('span.field-error', { role: 'alert', 'data-for': 'school_id' }));
  }
  const n = (name) => input(name, r[name], { type: 'number', min: 0, step: 1, required: true });
  const form = h('form.form-grid', { novalidate: true, 'aria-label': '疫苗接种' },
    formError(),
    schoolBox,
    field('统计期', input('period', r.period || period, { type: 'month', required: true }), { required: true }),
    h('div.field'),
    field('教职工应接种', n('staff_eligible'), { required: true }),
    field('教职工已接种', n('staff_vaccinated'), { required: true }),
    field('学生应接种（3-17岁）', n('pupils_eligible'), { required: true }),
    field('学生已接种', n('pupils_vaccinated'), { required: true }),
    h('div.form-actions.field-wide', null,
      h('button.btn.btn-primary', { type: 'submit', 'data-testid': 'save' }, '保存'),
      h('button.btn', { type: 'button', 'data-testid': 'cancel', onclick: () => m.close() }, '取消')));
  const m = modal(row ? '编辑接种数据：' + (r.school_name || '') : '录入接种数据', form, { wide: true });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = values(form);
    if (!v.school_id) { fieldError(form, 'school_id', '请选择学校'); return; }
    if (!/^\d{4}-\d{2}$/.test(v.period || '')) { fieldError(form, 'period', '请选择统计期'); return; }
    const labels = { staff_eligible: '教职工应接种人数', staff_vaccinated: '教职工已接种人数', pupils_eligible: '学生应接种人数', pupils_vaccinated: '学生已接种人数' };
    for (const [k, label] of Object.entries(labels)) {
      if (!/^\d+$/.test(v[k] || '')) { fieldError(form, k, '请填写' + label + '（非负整数）'); return; }
    }
    if (Number(v.staff_vaccinated) > Number(v.staff_eligible)) { fieldError(form, 'staff_vaccinated', '教职工已接种人数不能大于应接种人数'); return; }
    if (Number(v.pupils_vaccinated) > Number(v.pupils_eligible)) { fieldError(form, 'pupils_vaccinated', '学生已接种人数不能大于应接种人数'); return; }
    const body = { school_id: Number(v.school_id), period: v.period };
    for (const k of Object.keys(labels)) body[k] = Number(v[k]);
    submitting(form, async () => {
      await request('PUT', '/api/safety/vaccinations', body);
      m.close();
      toast('已保存');
      if (v.period !== period) location.hash = '#/safety/vaccinations' + qp({ period: v.period });
      else list.reload();
    });
  });
}
