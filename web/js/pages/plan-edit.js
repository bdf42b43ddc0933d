// plan-edit.js - 目标 structure editing for plan writers (admin, 督导室):
// the dialogs that add, change and delete an item (POST /api/plans/{id}/items,
// PATCH/DELETE /api/items/{id}) and a target (POST /api/items/{id}/targets,
// PATCH/DELETE /api/targets/{id}); a live target binds to a metric of
// GET /api/metrics. The server checks every field; its error shows beside
// the field it names and what was typed stays.

import { get, post, patch, request } from '../api.js';
import { h, input, select, textarea, field, formError, submitting, values, modal, toast, setOptions, confirmBox } from '../ui.js';
import { CYCLES, flatten, deptOptions, fmtVal, isLive, metricOf, asOfText } from './plan-ui.js';

const num = (v) => (v === '' || v === undefined || v === null ? null : Number(v));
const str = (v) => (v === '' || v === undefined ? null : v);

function actions(m, onDelete, deleteLabel) {
  return h('div.form-actions.field-wide', null,
    h('button.btn.btn-primary', { type: 'submit', 'data-testid': 'save' }, '保存'),
    h('button.btn', { type: 'button', 'data-testid': 'cancel', onclick: () => m().close() }, '取消'),
    onDelete ? h('button.btn.btn-danger.plan-delete', { type: 'button', 'data-testid': 'delete', onclick: onDelete }, deleteLabel) : null);
}

// ---- items --------------------------------------------------------------------

// The ids of item and everything below it (not offered as its parent).
function below(items, id) {
  const out = new Set();
  const walk = (list, inside) => {
    for (const it of list || []) {
      const me = inside || String(it.id) === String(id);
      if (me) out.add(String(it.id));
      walk(it.children, me);
    }
  };
  walk(items, false);
  return out;
}

// itemDialog(ctx, plan, treeItems, item, parentId): item null adds one
// (under parentId); treeItems null: the parent is not offered.
export function itemDialog(ctx, plan, treeItems, item, parentId) {
  const it = item || {};
  const excluded = item ? below(treeItems, item.id) : new Set();
  const parents = treeItems ? flatten(treeItems).filter((x) => !excluded.has(String(x.item.id)))
    .map((x) => ({ value: String(x.item.id), label: '　'.repeat(x.depth) + (x.item.code ? x.item.code + ' ' : '') + x.item.title })) : null;
  const curParent = item ? (it.parent_id === null || it.parent_id === undefined ? '' : String(it.parent_id)) : (parentId ? String(parentId) : '');
  const leadSel = select('lead_dept_id', [], it.lead_dept ? String(it.lead_dept.id) : '', null, '（无）');
  const coIds = new Set((it.co_depts || []).map((d) => String(d.id)));
  const coBox = h('div.plan-checks', { 'data-testid': 'co-depts' });
  deptOptions().then((opts) => {
    setOptions(leadSel, opts, leadSel.value, '（无）');
    for (const o of opts) {
      coBox.appendChild(h('label.plan-check', null,
        h('input', { type: 'checkbox', 'data-dept-id': o.value, checked: coIds.has(o.value) }), o.label));
    }
  }).catch(() => {});
  const form = h('form.form-grid', { novalidate: true, 'aria-label': item ? '编辑事项' : '新增事项' },
    formError(),
    parents ? field('上级', select('parent_id', parents, curParent, null, '（顶层）'), { wide: true }) : null,
    field('编号', input('code', it.code, { maxlength: 20, placeholder: '如 （一）、1' })),
    field('名称', input('title', it.title, { maxlength: 200 }), { required: true }),
    field('排序', input('sort', it.sort, { type: 'number', step: 1 })),
    field('内容', textarea('description', it.description, { maxlength: 4000, rows: 3 }), { wide: true }),
    field('牵头股室', leadSel),
    field('分管领导', input('leader', it.leader, { maxlength: 50 })),
    field('报送周期', select('report_cycle', CYCLES, it.report_cycle || 'monthly')),
    field('开始日期', input('start_date', it.start_date, { type: 'date' })),
    field('完成时限', input('due_date', it.due_date, { type: 'date' })),
    field('权重', input('weight', it.weight === undefined ? 1 : it.weight, { type: 'number', min: 0, step: 'any' })),
    h('div.field.field-wide', null, h('span.plan-label', null, '协办股室'), coBox, h('span.field-error', { role: 'alert', 'data-for': 'co_dept_ids' })),
    actions(() => m, item ? () => removeItem(ctx, m, item) : null, '删除事项'));
  const m = modal(item ? '编辑事项' : '新增事项', form, { wide: true });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = values(form);
    const body = {
      code: str(v.code), title: v.title, description: str(v.description), lead_dept_id: num(v.lead_dept_id),
      co_dept_ids: [...coBox.querySelectorAll('input[data-dept-id]')].filter((c) => c.checked).map((c) => Number(c.getAttribute('data-dept-id'))),
      leader: str(v.leader), start_date: str(v.start_date), due_date: str(v.due_date), weight: num(v.weight),
      report_cycle: v.report_cycle, sort: num(v.sort),
    };
    if (parents) body.parent_id = num(v.parent_id);
    if (!item && body.sort === null) delete body.sort;
    if (body.weight === null) delete body.weight;
    submitting(form, async () => {
      const r = item ? await patch('/api/items/' + item.id, body) : await post('/api/plans/' + plan.id + '/items', body);
      m.close();
      toast(item ? '事项已保存' : '事项已新增');
      const saved = (r && (r.item || r)) || {};
      ctx.go(item ? location.hash : (saved.id ? '#/plan/items/' + saved.id : location.hash));
    });
  });
}

async function removeItem(ctx, m, item) {
  if (!(await confirmBox('删除事项「' + item.title + '」？有下级事项、指标或报送记录的事项不能删除。', '删除'))) return;
  try {
    await request('DELETE', '/api/items/' + item.id);
    m.close();
    toast('事项已删除');
    ctx.go('#/plan' + (item.plan_id ? '?plan=' + item.plan_id : ''));
  } catch (err) {
    toast(err.message, 'error');
  }
}

// ---- targets ------------------------------------------------------------------

let metricCache = {};
function metrics(year) {
  if (!metricCache[year]) {
    metricCache[year] = get('/api/metrics', { year }).then((r) => r.items || []).catch((e) => { delete metricCache[year]; throw e; });
  }
  return metricCache[year];
}

// targetDialog(ctx, item, target, year): target null adds one to item.
export function targetDialog(ctx, item, target, year) {
  const t = target || {};
  const live = target ? isLive(t) : false;
  const sourceSel = select('source', [{ value: 'reported', label: '股室报送' }, { value: 'live', label: '系统实时数据' }], live ? 'live' : 'reported');
  const metricSel = select('metric', [], target ? metricOf(t) : '', null, '请选择指标');
  const metricField = field('系统指标', metricSel, { wide: true, hint: '当前值由系统数据实时计算' });
  const nameIn = input('name', t.name, { maxlength: 100 });
  const unitIn = input('unit', t.unit, { maxlength: 20 });
  let list = [];
  metrics(year).then((items) => {
    list = items;
    setOptions(metricSel, items.map((x) => ({ value: x.key, label: x.name + (x.unit ? '（' + x.unit + '）' : '') + '　当前 ' + fmtVal(x.value, x.unit) + (asOfText(x.as_of) ? '，' + asOfText(x.as_of) : '') })),
      metricSel.value, '请选择指标');
  }).catch(() => {});
  metricSel.addEventListener('change', () => {
    const x = list.find((m) => m.key === metricSel.value);
    if (!x) return;
    if (!nameIn.value.trim()) nameIn.value = x.name;
    if (!unitIn.value.trim() && x.unit) unitIn.value = x.unit;
  });
  const showMetric = () => { metricField.hidden = sourceSel.value !== 'live'; metricSel.disabled = sourceSel.value !== 'live'; };
  sourceSel.addEventListener('change', showMetric);
  const form = h('form.form-grid', { novalidate: true, 'aria-label': target ? '编辑指标' : '新增指标' },
    formError(),
    field('指标名称', nameIn, { required: true }),
    field('单位', unitIn),
    field('数据来源', sourceSel),
    metricField,
    field('基线', input('baseline', t.baseline, { type: 'number', step: 'any' })),
    field('基线年度', input('baseline_year', t.baseline_year, { type: 'number', min: 2000, max: 2100 })),
    field('方向', select('direction', [{ value: 'higher', label: '越高越好' }, { value: 'lower', label: '越低越好' }], t.direction || 'higher')),
    field('保底', input('floor', t.floor, { type: 'number', step: 'any' }), { required: true }),
    field('力争', input('stretch', t.stretch, { type: 'number', step: 'any' })),
    field('完成时限', input('due_date', t.due_date, { type: 'date' }), { hint: '留空：同事项' }),
    actions(() => m, target ? () => removeTarget(ctx, m, target) : null, '删除指标'));
  showMetric();
  const m = modal(target ? '编辑指标' : '新增指标（' + item.title + '）', form, { wide: true });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = values(form);
    const body = {
      name: v.name, unit: str(v.unit), baseline: num(v.baseline), baseline_year: num(v.baseline_year), floor: num(v.floor),
      stretch: num(v.stretch), direction: v.direction, due_date: str(v.due_date), source: v.source,
    };
    if (v.source === 'live') body.metric = str(v.metric);
    submitting(form, async () => {
      if (target) await patch('/api/targets/' + target.id, body);
      else await post('/api/items/' + item.id + '/targets', body);
      m.close();
      toast(target ? '指标已保存' : '指标已新增');
      ctx.go(location.hash);
    });
  });
}

async function removeTarget(ctx, m, target) {
  if (!(await confirmBox('删除指标「' + target.name + '」？已有报送数据的指标不能删除。', '删除'))) return;
  try {
    await request('DELETE', '/api/targets/' + target.id);
    m.close();
    toast('指标已删除');
    ctx.go(location.hash);
  } catch (err) {
    toast(err.message, 'error');
  }
}
