// eval-standards.js - 标准与目标 (#/eval/standards?year=): the standards in
// force (GET /api/eval/standards: 国家, 河南省 and the bureau's own 本局
// targets), a form for a new 本局 target (POST; PATCH and DELETE on the
// county's own rows), and the population aged 3-5 per town and year (GET
// /api/eval/population, PUT per town) that 学前三年毛入园率 needs. Write
// controls only for writers of eval; the server decides. Selectors: top of eval.js.

import { get, post, patch, put, request } from '../api.js';
import { h, pageHead, badge, dash, toast, modal, input, select, textarea, field, formError, submitting, confirmBox } from '../ui.js';
import { STAGE_LABEL, evalAccess, evalTabs, fmt, latestYear, pct, qp, withOrg, yearOf, yearSelect } from './eval-common.js';

const STAGE_OPTIONS = ['primary', 'junior', 'senior', 'kg', 'combined', 'county'].map((s) => ({ value: s, label: STAGE_LABEL[s] }));
const COMPARISONS = [{ value: '>=', label: '≥ 不低于' }, { value: '<=', label: '≤ 不高于' }, { value: '>', label: '> 高于' }, { value: '<', label: '< 低于' }];
const CMP_TEXT = { '>=': '≥', '<=': '≤', '>': '>', '<': '<' };

const numOrRaw = (v) => {
  const t = String(v === undefined || v === null ? '' : v).trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isNaN(n) ? t : n;
};

function levelBadge(level) { return badge(level, level === '本局' ? 'info' : level === '河南省' ? 'warn' : 'muted'); }

function thresholdText(s) {
  const t = fmt(s.threshold, 4);
  return (CMP_TEXT[s.comparison] || s.comparison || '') + ' ' + t + (s.unit && s.unit !== '%' ? ' ' + s.unit : (Number(s.threshold) > 0 && Number(s.threshold) < 1 ? '（' + pct(s.threshold) + '）' : ''));
}

// the dialog of a 本局 target: new (cur null) or an edit of the county's own row
function standardDialog(cur, items, year) {
  const isNew = !cur;
  const c = cur || { stage: 'kg', comparison: '>=', year_from: year };
  const known = new Map();
  for (const s of items) if (!known.has(s.indicator)) known.set(s.indicator, s);
  const ind = input('indicator', c.indicator, { list: 'eval-indicators-list', required: true, placeholder: '例如 public_place_share' });
  const name = input('name', c.name, { required: true, maxlength: 100 });
  const stage = select('stage', STAGE_OPTIONS, c.stage);
  const unit = input('unit', c.unit, { maxlength: 20 });
  ind.addEventListener('change', () => {
    const k = known.get(ind.value.trim());
    if (!k) return;
    if (!name.value.trim()) name.value = k.name || '';
    if (!unit.value.trim() && k.unit) unit.value = k.unit;
    stage.value = k.stage;
  });
  const form = h('form.form', { novalidate: true },
    formError(),
    h('datalist', { id: 'eval-indicators-list' }, Array.from(known.values()).map((s) => h('option', { value: s.indicator }, s.name))),
    h('div.form-grid', null,
      field('指标代码', ind, { required: true, hint: '与国家标准相同的代码，或本局自定义代码' }),
      field('学段', stage, { required: true }),
      field('指标名称', name, { required: true, wide: true }),
      field('标准值', input('threshold', c.threshold, { inputmode: 'decimal', required: true }), { required: true, hint: '比例填小数，如 25% 填 0.25' }),
      field('比较方式', select('comparison', COMPARISONS, c.comparison), { required: true }),
      field('单位', unit),
      field('起始年', input('year_from', c.year_from, { type: 'number', min: 2000, max: 2100, required: true }), { required: true }),
      field('截止年', input('year_to', c.year_to, { type: 'number', min: 2000, max: 2100 }), { hint: '空：长期有效' }),
      field('依据', input('source', c.source, { maxlength: 200 }), { wide: true, hint: '如：2022年工作要点' }),
      field('备注', textarea('note', c.note), { wide: true })),
    h('div.form-actions', null,
      h('button.btn.btn-primary', { type: 'submit', 'data-testid': 'save' }, '保存'),
      h('button.btn', { type: 'button', 'data-testid': 'cancel', onclick: () => m.close() }, '取消')));
  const m = modal(isNew ? '新增本局目标' : '修改本局目标', form, { wide: true });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = {};
    for (const el of form.querySelectorAll('[name]')) v[el.name] = el.value.trim();
    const body = {
      indicator: v.indicator, stage: v.stage, name: v.name, comparison: v.comparison,
      threshold: numOrRaw(v.threshold), year_from: numOrRaw(v.year_from), year_to: numOrRaw(v.year_to),
      unit: v.unit || undefined, source: v.source || undefined, note: v.note || undefined,
    };
    if (!isNew) {
      for (const k of ['unit', 'source', 'note']) if (body[k] === undefined) body[k] = null;
      if (body.year_to === undefined) body.year_to = null;
    }
    submitting(form, async () => {
      if (isNew) await post('/api/eval/standards', body); else await patch('/api/eval/standards/' + cur.id, body);
      m.close();
      toast(isNew ? '目标已添加' : '目标已修改');
      location.reload();
    });
  });
}

function populationTable(items, year, write) {
  const rows = items.map((t) => {
    const err = h('span.field-error', { role: 'alert' });
    if (!write) {
      return h('tr', { 'data-town-id': t.town_id },
        h('td', null, t.town), h('td.num', { 'data-col': 'population' }, t.population === null || t.population === undefined ? badge('未填', 'warn') : fmt(t.population, 0)),
        h('td', null, dash(t.source)), h('td.nowrap', null, fmtWhen(t.updated_at)));
    }
    const pop = h('input', { type: 'number', min: 0, step: 1, name: 'population', class: 'eval-amount', 'aria-label': t.town + ' 3-5周岁人口' });
    pop.value = t.population === null || t.population === undefined ? '' : String(t.population);
    const src = h('input', { type: 'text', name: 'source', maxlength: 100, 'aria-label': t.town + ' 数据来源', placeholder: '如：公安户籍人口' });
    src.value = t.source || '';
    const when = h('td.nowrap', null, fmtWhen(t.updated_at));
    const btn = h('button.btn.btn-sm', { type: 'button', 'data-testid': 'population-save' }, '保存');
    btn.addEventListener('click', async () => {
      err.textContent = '';
      pop.classList.remove('invalid');
      btn.disabled = true;
      try {
        const body = { population: numOrRaw(pop.value), source: src.value.trim() || undefined };
        if (body.population === undefined) body.population = null;
        const r = await put('/api/eval/population/' + t.town_id + '/' + year, body);
        when.textContent = fmtWhen((r && r.updated_at) || Math.floor(Date.now() / 1000));
        toast(t.town + ' 人口数已保存');
      } catch (e) {
        err.textContent = e.message;
        pop.classList.add('invalid');
        pop.setAttribute('aria-invalid', 'true');
        pop.focus();
      } finally { btn.disabled = false; }
    });
    pop.addEventListener('input', () => { err.textContent = ''; pop.classList.remove('invalid'); pop.removeAttribute('aria-invalid'); });
    return h('tr', { 'data-town-id': t.town_id },
      h('td', null, t.town), h('td', null, pop, err), h('td', null, src), when, h('td', null, btn));
  });
  return h('table.data.compact', { 'data-testid': 'population' },
    h('thead', null, h('tr', null, ['街道/乡镇', '3-5周岁人口', '数据来源', '更新时间'].concat(write ? [''] : []).map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', null, rows.length ? rows : h('tr', null, h('td.empty', { colspan: write ? 5 : 4 }, '暂无街道/乡镇'))));
}

function fmtWhen(t) {
  if (t === undefined || t === null || t === '' || Number(t) === 0) return '—';
  if (typeof t === 'string' && !/^\d+$/.test(t)) return t;
  const d = new Date(Number(t) * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + ' ' + p(d.getHours()) + ':' + p(d.getMinutes());
}

export async function render(ctx) {
  const asked = yearOf(ctx.query);
  const last = await latestYear();
  const year = asked || last || new Date().getFullYear();
  const [std, pop, acc] = await Promise.all([get('/api/eval/standards', withOrg({ year })), get('/api/eval/population', withOrg({ year })), evalAccess(ctx.user)]);
  const order = ['primary', 'junior', 'senior', 'combined', 'kg', 'county'];
  const items = (std.items || []).slice().sort((a, b) => (order.indexOf(a.stage) - order.indexOf(b.stage)) || String(a.indicator).localeCompare(String(b.indicator)) || String(a.level).localeCompare(String(b.level), 'zh-CN'));
  const write = !!acc.write;
  const bureau = items.filter((s) => s.level === '本局').length;

  const table = h('table.data.compact', { 'data-testid': 'standards' },
    h('thead', null, h('tr', null, ['学段', '指标', '代码', '标准', '级别', '适用年份', '依据', '备注'].concat(write ? [''] : []).map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', null, items.map((s) => {
      let actions = null;
      if (write && (s.editable !== undefined ? s.editable : s.level === '本局')) {
        const del = h('button.btn.btn-sm', { type: 'button', 'data-testid': 'standard-delete' }, '删除');
        del.addEventListener('click', async () => {
          if (!(await confirmBox('删除本局目标“' + s.name + '”？', '删除'))) return;
          try { await request('DELETE', '/api/eval/standards/' + s.id); toast('已删除'); location.reload(); } catch (e) { toast(e.message, 'error'); }
        });
        actions = [h('button.btn.btn-sm', { type: 'button', 'data-testid': 'standard-edit', onclick: () => standardDialog(s, items, year) }, '修改'), ' ', del];
      }
      return h('tr', { 'data-standard-id': s.id, 'data-level': s.level, 'data-indicator': s.indicator },
        h('td', null, STAGE_LABEL[s.stage] || s.stage), h('td', null, s.name), h('td.mono', null, s.indicator),
        h('td.nowrap', null, thresholdText(s)), h('td', null, levelBadge(s.level)),
        h('td.nowrap', null, s.year_from + (s.year_to ? '–' + s.year_to : ' 起')),
        h('td.eval-source', null, dash(s.source)), h('td', null, dash(s.note)),
        write ? h('td.nowrap', null, actions) : null);
    })));

  return h('div.eval-page', null,
    pageHead('标准与目标', yearSelect(year, Math.max(last || year, year), (y) => { location.hash = '#/eval/standards' + qp({ year: y }); }),
      write ? h('button.btn.btn-primary', { type: 'button', 'data-testid': 'standard-new', onclick: () => standardDialog(null, items, year) }, '新增本局目标') : null,
      h('button.btn', { type: 'button', onclick: () => window.print() }, '打印')),
    evalTabs('/eval/standards', year),
    h('section.card', null, h('h2', null, year + '学年执行的标准（' + items.length + ' 项，其中本局目标 ' + bureau + ' 项）'),
      h('p.note', null, '国家和省级标准不可修改；本局目标只适用于本县，不计入达标结论。'),
      h('div.table-wrap.auto', null, table)),
    h('section.card', null, h('h2', null, year + '年 3-5 周岁人口（计算学前三年毛入园率）'),
      write ? null : h('p.note', null, '由督导室或系统管理员填报。'),
      h('div.table-wrap.auto', null, populationTable(pop.items || [], year, write))));
}
