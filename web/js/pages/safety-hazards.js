// safety-hazards.js - 隐患台账 (#/safety/hazards): the filtered list with
// overdue rows marked; 登记隐患 (#/safety/hazards/new); 隐患详情
// (#/safety/hazards/<id>) with the timeline, photos, upload, the loop's next
// steps and 编辑整改方案; the printable 隐患整改通知书 (#/safety/hazards/<id>/notice).
// Selectors: see the top of safety.js.

import { get, post, patch } from '../api.js';
import {
  h, clear, listView, pageHead, dash, field, input, select, textarea, formError, fieldError,
  submitting, values, modal, toast, setOptions, errorBox,
} from '../ui.js';
import { towns, schoolPicker } from './schools.js';
import {
  HAZARD_STATUSES, GRADES, NEXT_STEPS, PHOTO_KINDS, today, money, toNum, fmtTime,
  safetyAccess, categoryOptions, hazardStatusBadge, gradeBadge, overdueBadge, supervisedBadge, uploadPhoto,
} from './safety.js';

export function render(ctx) {
  const p = ctx.path;
  if (p === '/safety/hazards') return renderList(ctx);
  if (p === '/safety/hazards/new') return renderNew(ctx);
  const id = ctx.params[0];
  if (/\/notice$/.test(p)) return get('/api/hazards/' + id).then((hz) => renderNotice(ctx, hz));
  return get('/api/hazards/' + id).then((hz) => renderDetail(ctx, hz));
}

const qp = (o) => { const u = new URLSearchParams(); for (const [k, v] of Object.entries(o)) if (v !== '' && v !== undefined && v !== null) u.append(k, v); const s = u.toString(); return s ? '?' + s : ''; };

// ---- list ---------------------------------------------------------------------

// A school filter outside the listView: choosing or clearing a school
// changes the hash (the page renders again with school_id in the query).
export function schoolFilter(ctx, route, label) {
  const cur = ctx.query.school_id || '';
  const picker = schoolPicker('school_id', { value: cur });
  const apply = (v) => {
    const q = Object.assign({}, ctx.query);
    delete q.page;
    if (v) q.school_id = v; else delete q.school_id;
    location.hash = '#' + route + qp(q);
  };
  picker.hidden.addEventListener('change', () => apply(picker.hidden.value));
  const box = h('div.school-filter', null,
    h('label', { for: picker.input.id }, label || '学校'), picker.el,
    cur ? h('div.picked-row', null, h('span', { class: 'picked-name', 'data-testid': 'school-filter-name' }, '学校：#' + cur),
      h('button.btn.btn-sm', { type: 'button', 'data-testid': 'school-filter-clear', onclick: () => apply('') }, '清除学校')) : null);
  if (cur) {
    get('/api/schools/' + cur).then((s) => {
      const el = box.querySelector('.picked-name');
      if (el) el.textContent = '学校：' + s.name + '（' + s.code + '）';
    }).catch(() => {});
  }
  return box;
}

const yesOptions = [{ value: '1', label: '是' }];

async function renderList(ctx) {
  const acc = await safetyAccess(ctx.user);
  const schoolId = ctx.query.school_id || '';
  const columns = [
    { key: 'found_on', label: '发现日期', sort: 'found_on', cls: 'nowrap' },
    { key: 'school_name', label: '学校', sort: 'school', cls: 'col-name' },
    { key: 'town', label: '街道/乡镇' },
    { key: 'category', label: '类别' },
    { key: 'grade', label: '等级', sort: 'grade', render: (r) => [gradeBadge(r.grade), r.supervised ? [' ', supervisedBadge(r)] : null] },
    { key: 'description', label: '隐患描述', cls: 'summary',
      render: (r) => h('a', { href: '#/safety/hazards/' + r.id, title: r.description || '' }, r.description || ('#' + r.id)) },
    { key: 'responsible', label: '责任人', render: (r) => dash(r.responsible) },
    { key: 'deadline', label: '整改时限', sort: 'deadline', cls: 'nowrap',
      render: (r) => [dash(r.deadline), r.overdue ? [' ', overdueBadge(r)] : null] },
    { key: 'status', label: '状态', sort: 'status', render: (r) => hazardStatusBadge(r.status) },
  ];
  const filters = [
    { name: 'q', label: '搜索', type: 'search', id: 'hazard-q', placeholder: '描述或位置' },
    { name: 'status', label: '状态', type: 'select', options: HAZARD_STATUSES },
    { name: 'grade', label: '等级', type: 'select', options: GRADES },
    { name: 'category', label: '类别', type: 'select', options: [], load: () => categoryOptions(false) },
    { name: 'town', label: '街道/乡镇', type: 'select', options: [], load: towns },
    { name: 'overdue', label: '逾期', type: 'select', options: yesOptions },
    { name: 'supervised', label: '挂牌督办', type: 'select', options: yesOptions },
    { name: 'from', label: '发现日期从', type: 'date' },
    { name: 'to', label: '至', type: 'date' },
  ];
  if (acc.school) filters.splice(filters.findIndex((f) => f.name === 'town'), 1);
  const newBtn = acc.write ? h('a.btn.btn-primary', { href: '#/safety/hazards/new' + (schoolId && !acc.school ? qp({ school_id: schoolId }) : ''), 'data-testid': 'hazard-new' }, '登记隐患') : null;
  const ledgerSchool = acc.school ? String(ctx.user.school_id || '') : schoolId;
  const ledgerBtn = ledgerSchool
    ? h('a.btn', { href: '#/safety/ledger' + qp({ school_id: ledgerSchool, from: ctx.query.from, to: ctx.query.to }), 'data-testid': 'ledger-link' }, '安全台账') : null;
  let list = null;
  list = listView({
    route: '/safety/hazards', query: ctx.query, endpoint: '/api/hazards', filters, columns,
    fixed: { school_id: schoolId },
    defaultSort: '-found_on', rowHref: (r) => '#/safety/hazards/' + r.id,
    exportName: '隐患台账.xlsx', caption: '隐患台账',
    onData: (data) => {
      if (!list) return;
      const over = new Set((data.items || []).filter((r) => r.overdue).map((r) => String(r.id)));
      for (const tr of list.el.querySelectorAll('table.data tbody tr[data-id]')) {
        tr.classList.toggle('overdue', over.has(tr.getAttribute('data-id')));
      }
    },
  });
  return h('div', null,
    pageHead('隐患台账', ledgerBtn, newBtn),
    acc.school ? null : schoolFilter(ctx, '/safety/hazards', '按学校筛选'),
    list.el);
}

// ---- new ---------------------------------------------------------------------------

function schoolField(ctx, acc, presetId) {
  if (acc.school) {
    return h('div.field', null, h('label', null, '学校'),
      h('input', { type: 'hidden', name: 'school_id', value: String(ctx.user.school_id || '') }),
      h('div.fixed-value', { 'data-testid': 'fixed-school' }, ctx.user.school_name || ctx.user.scope_name || ''),
      h('span.field-error', { role: 'alert', 'data-for': 'school_id' }));
  }
  const picker = schoolPicker('school_id', { value: presetId || '', status: '在办' });
  if (presetId) {
    get('/api/schools/' + presetId).then((s) => { const p = picker.el.querySelector('.picked'); if (p) p.textContent = '已选：' + s.name + '（' + s.code + '）'; }).catch(() => {});
  }
  return h('div.field', null, h('label', { for: picker.input.id }, '学校', h('span.req', { 'aria-hidden': 'true' }, ' *')), picker.el,
    h('span.field-error', { role: 'alert', 'data-for': 'school_id' }));
}

export function planFields(cur) {
  const c = cur || {};
  return [
    field('整改措施', textarea('measures', c.measures, { maxlength: 2000, rows: 3 }), { wide: true }),
    field('责任人', input('responsible', c.responsible, { maxlength: 50 })),
    field('整改资金（元）', input('funds', c.funds, { type: 'number', min: 0, step: '0.01' })),
    field('整改时限', input('deadline', c.deadline, { type: 'date' })),
    field('临时安全措施（预案）', textarea('interim', c.interim, { maxlength: 2000, rows: 2 }), { wide: true }),
  ];
}

// hazardBody(v): the API body from form values (numbers as numbers, blanks left out)
export function hazardBody(v) {
  const body = {};
  for (const [k, raw] of Object.entries(v)) {
    if (raw === '' || raw === undefined || raw === null) continue;
    body[k] = ['school_id', 'category_id', 'inspection_id', 'funds'].includes(k) ? toNum(raw) : raw;
  }
  return body;
}

async function renderNew(ctx) {
  const acc = await safetyAccess(ctx.user);
  if (!acc.write) return errorBox({ message: '无权限登记隐患' });
  const catSel = select('category_id', [], '', { required: true }, '请选择');
  categoryOptions(true).then((opts) => setOptions(catSel, opts, catSel.value, '请选择')).catch(() => {});
  const form = h('form.form-grid', { novalidate: true, 'aria-label': '登记隐患' },
    formError(),
    h('h2.form-section.field-wide', null, '隐患信息'),
    schoolField(ctx, acc, ctx.query.school_id),
    field('类别', catSel, { required: true }),
    field('等级', select('grade', GRADES, '一般', { required: true }), { required: true, hint: '重大隐患自动挂牌督办，由安全稳定股验收销号' }),
    field('位置', input('location', '', { maxlength: 200 })),
    field('发现日期', input('found_on', today(), { type: 'date', required: true }), { required: true }),
    field('发现人', input('found_by', ctx.user.name || '', { maxlength: 50 })),
    field('隐患描述', textarea('description', '', { maxlength: 2000, rows: 3, required: true }), { required: true, wide: true }),
    h('h2.form-section.field-wide', null, '整改方案'),
    planFields(null),
    h('div.form-actions.field-wide', null,
      h('button.btn.btn-primary', { type: 'submit', 'data-testid': 'save' }, '登记'),
      h('a.btn', { href: '#/safety/hazards', 'data-testid': 'cancel' }, '取消')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = values(form);
    if (!v.school_id) { fieldError(form, 'school_id', '请选择学校'); return; }
    if (!v.category_id) { fieldError(form, 'category_id', '请选择类别'); return; }
    if (!v.description) { fieldError(form, 'description', '请填写隐患描述'); return; }
    if (!v.found_on) { fieldError(form, 'found_on', '请填写发现日期'); return; }
    submitting(form, async () => {
      const res = await post('/api/hazards', hazardBody(v));
      const hz = res && res.hazard ? res.hazard : res;
      toast('隐患已登记');
      location.hash = '#/safety/hazards/' + hz.id;
    });
  });
  return h('div', null, pageHead('登记隐患'), h('section.card', null, form));
}

// ---- detail ------------------------------------------------------------------------

const DETAIL_FIELDS = [
  ['school_name', '学校'], ['town', '街道/乡镇'], ['category', '类别'], ['grade', '等级'],
  ['location', '位置'], ['status', '状态'], ['found_on', '发现日期'], ['found_by', '发现人'],
  ['description', '隐患描述'],
  ['responsible', '责任人'], ['funds', '整改资金（元）'], ['deadline', '整改时限'], ['inspection_id', '来源排查'],
  ['measures', '整改措施'], ['interim', '临时安全措施'],
  ['returned', '退回次数'], ['closed_on', '销号日期'], ['created_at', '登记时间'], ['updated_at', '更新时间'],
];

function detailValue(hz, key) {
  switch (key) {
    case 'school_name': return h('a', { href: '#/schools/' + hz.school_id }, hz.school_name || ('#' + hz.school_id));
    case 'grade': return [gradeBadge(hz.grade), hz.supervised ? [' ', supervisedBadge(hz)] : null];
    case 'status': return hazardStatusBadge(hz.status);
    case 'deadline': return [dash(hz.deadline), hz.overdue ? [' ', overdueBadge(hz)] : null];
    case 'funds': return money(hz.funds);
    case 'inspection_id': return hz.inspection_id ? h('a', { href: '#/safety/inspections/' + hz.inspection_id }, '排查 #' + hz.inspection_id) : '—';
    case 'created_at': case 'updated_at': return dash(fmtTime(hz[key]));
    case 'returned': return String(hz.returned || 0);
    default: return dash(hz[key]);
  }
}

function stepAction(s) {
  if (s.action) return s.action;
  const to = s.to_status || s.to;
  if (!s.from_status && !s.from) return '登记';
  if (to === '整改中' && (s.from_status || s.from) === '待验收') return '退回';
  return { 整改中: '开始整改', 待验收: '提交验收', 已销号: '销号' }[to] || '变更';
}

function timeline(steps) {
  const box = h('ol.steps', { 'data-testid': 'timeline' });
  for (const s of steps || []) {
    const from = s.from_status || s.from || '';
    const to = s.to_status || s.to || '';
    const action = stepAction(s);
    box.appendChild(h('li', { class: 'step' + (action === '退回' ? ' step-returned' : ''), 'data-action': action },
      h('div.step-head', null,
        h('strong.step-action', null, action),
        h('span.step-states', null, from ? from + ' → ' + to : to),
        h('span.step-who', null, s.name || s.user_name || s.username || ''),
        h('span.step-when', null, fmtTime(s.at) || s.on_date || '')),
      s.comment ? h('div.step-comment', null, s.comment) : null));
  }
  if (!box.firstChild) return h('div', null, box, h('p.empty', null, '暂无记录'));
  return box;
}

function photoUrl(p) { return p.url || ('/api/photos/' + p.id); }

function openPhoto(p) {
  const url = photoUrl(p);
  modal(p.name || '照片', h('div.photo-full', null,
    h('img', { src: url, alt: p.name || p.kind || '照片' }),
    h('p', null, h('a', { href: url, target: '_blank', rel: 'noopener' }, '在新窗口打开原图'))), { wide: true });
}

function photoGroups(photos) {
  const groups = PHOTO_KINDS.map((k) => {
    const items = (photos || []).filter((p) => (p.kind || '其他') === k);
    if (k === '其他' && !items.length) return null;
    return h('div.photo-group', null, h('h3', null, k, h('span.muted', null, '（' + items.length + '）')),
      h('div.thumbs', { 'data-testid': 'photos-' + k },
        items.length ? items.map((p) => h('button.thumb-btn', { type: 'button', title: p.name || '', onclick: () => openPhoto(p) },
          h('img.thumb', { src: photoUrl(p), alt: (p.name || k), loading: 'lazy', 'data-photo-id': p.id })))
          : h('span.muted', null, '暂无照片')));
  });
  return groups;
}

function uploader(ctx, hz) {
  const kindSel = select('photo_kind', PHOTO_KINDS, hz.status === '已登记' ? '整改前' : '整改后', { 'data-testid': 'photo-kind', 'aria-label': '照片类型' });
  const fileIn = h('input', { type: 'file', accept: 'image/jpeg,image/png', 'data-testid': 'photo-input', id: 'photo-input-' + hz.id, class: 'file-input' });
  const err = h('div.upload-error', { role: 'alert', 'data-testid': 'photo-error' });
  const status = h('span.muted.upload-status');
  fileIn.addEventListener('change', async () => {
    const files = [...(fileIn.files || [])];
    if (!files.length) return;
    err.textContent = '';
    fileIn.disabled = true;
    let ok = 0;
    try {
      for (const f of files) {
        status.textContent = '正在上传 ' + f.name + '…';
        try {
          await uploadPhoto(hz.id, f, kindSel.value);
          ok += 1;
        } catch (e) {
          err.textContent = (f.name ? f.name + '：' : '') + (e.message || '上传失败');
          toast(e.message || '上传失败', 'error');
          break;
        }
      }
    } finally {
      fileIn.disabled = false;
      fileIn.value = '';
      status.textContent = '';
    }
    if (ok) {
      toast('已上传 ' + ok + ' 张照片');
      if (!err.textContent) ctx.go(location.hash);
      else refreshPhotos(hz.id);
    }
  });
  return h('div.uploader.noprint', null,
    h('label', { for: kindSel.id }, '照片类型'), kindSel,
    h('label.btn', { for: fileIn.id }, '上传照片'), fileIn, status,
    h('span.hint', null, '仅 JPEG、PNG，每张不超过 10 MB，每条隐患最多 20 张'), err);
}

async function refreshPhotos(id) {
  try {
    const hz = await get('/api/hazards/' + id);
    const box = document.querySelector('[data-testid="photos"]');
    if (box) { clear(box); box.append(...photoGroups(hz.photos).filter(Boolean)); }
  } catch (e) { /* the page shows the old photos */ }
}

function transitionDialog(ctx, hz, step) {
  const back = step.to === '退回';
  const form = h('form.form-stack', { novalidate: true },
    h('p', null, back ? '退回后隐患回到「整改中」，请写明退回原因。'
      : '「' + hz.status + '」→「' + step.to + '」' + (step.to === '已销号' && hz.grade === '重大' ? '（重大隐患须有整改后照片，并由安全稳定股销号）' : '')),
    formError(),
    field(back ? '退回原因' : '意见 / 说明', textarea('comment', '', { maxlength: 1000, rows: 3, required: back }), { required: back }),
    h('div.form-actions', null,
      h('button', { type: 'submit', class: 'btn ' + (back ? 'btn-danger' : 'btn-primary'), 'data-testid': 'save' }, '确认' + step.label),
      h('button.btn', { type: 'button', 'data-testid': 'cancel', onclick: () => m.close() }, '取消')));
  const m = modal(step.label, form);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = values(form);
    if (back && !v.comment) { fieldError(form, 'comment', '请填写退回原因'); return; }
    submitting(form, async () => {
      await post('/api/hazards/' + hz.id + '/transition', { to: step.to, comment: v.comment || '' });
      m.close();
      toast(step.label + '：已完成');
      ctx.go(location.hash);
    });
  });
}

function planDialog(ctx, hz) {
  const form = h('form.form-grid', { novalidate: true, 'aria-label': '编辑整改方案' },
    formError(),
    field('位置', input('location', hz.location, { maxlength: 200 })),
    field('隐患描述', textarea('description', hz.description, { maxlength: 2000, rows: 3 }), { wide: true }),
    planFields(hz),
    h('div.form-actions.field-wide', null,
      h('button.btn.btn-primary', { type: 'submit', 'data-testid': 'save' }, '保存'),
      h('button.btn', { type: 'button', 'data-testid': 'cancel', onclick: () => m.close() }, '取消')));
  const m = modal('编辑整改方案', form, { wide: true });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = values(form);
    if (!v.description) { fieldError(form, 'description', '请填写隐患描述'); return; }
    const body = {};
    for (const [k, raw] of Object.entries(v)) {
      const val = k === 'funds' ? (raw === '' ? null : Number(raw)) : raw;
      const old = hz[k] === undefined || hz[k] === null ? '' : hz[k];
      if (String(old) !== String(val === null ? '' : val)) body[k] = val === '' ? null : val;
    }
    submitting(form, async () => {
      if (!Object.keys(body).length) { m.close(); toast('没有修改'); return; }
      await patch('/api/hazards/' + hz.id, body);
      m.close();
      toast('整改方案已保存');
      ctx.go(location.hash);
    });
  });
}

async function renderDetail(ctx, hz) {
  const acc = await safetyAccess(ctx.user);
  const steps = acc.write ? (NEXT_STEPS[hz.status] || []) : [];
  const stepBtns = steps.map((s) => h('button', {
    type: 'button', class: 'btn ' + (s.to === '退回' ? 'btn-danger' : 'btn-primary'),
    'data-testid': 'transition-' + s.to, onclick: () => transitionDialog(ctx, hz, s),
  }, s.label));
  const actions = [
    stepBtns,
    acc.write && hz.status !== '已销号' ? h('button.btn', { type: 'button', 'data-testid': 'edit-plan', onclick: () => planDialog(ctx, hz) }, '编辑整改方案') : null,
    h('a.btn', { href: '#/safety/hazards/' + hz.id + '/notice', 'data-testid': 'print-notice' }, '打印整改通知书'),
    h('a.btn', { href: '#/safety/hazards', 'data-testid': 'back' }, '返回台账'),
  ];
  const title = h('div.title-line', null, h('h1', null, '隐患详情 #' + hz.id),
    h('span', { 'data-testid': 'hazard-status' }, hazardStatusBadge(hz.status)),
    hz.supervised ? h('span', { 'data-testid': 'supervised-badge' }, supervisedBadge(hz)) : null,
    hz.overdue ? h('span', { 'data-testid': 'overdue-badge' }, overdueBadge(hz)) : null);
  const dl = h('dl.detail.two-col', null, DETAIL_FIELDS.map(([key, label]) =>
    h('div', { class: 'dl-row' + (['description', 'measures', 'interim'].includes(key) ? ' dl-wide' : '') },
      h('dt', null, label), h('dd', { 'data-field': key }, detailValue(hz, key)))));
  const photosBox = h('div.photos', { 'data-testid': 'photos' }, photoGroups(hz.photos));
  return h('div.hazard-detail', null,
    h('div.page-head', null, title, h('div.page-actions', null, actions)),
    hz.overdue && hz.status !== '已销号' ? h('p.notice.notice-danger', null, '已超过整改时限 ' + (hz.days_overdue || '') + ' 天，请尽快整改。') : null,
    h('section.card', null, h('h2', null, '隐患与整改方案'), dl),
    h('div.grid-2', null,
      h('section.card', null, h('h2', null, '整改过程'), timeline(hz.steps)),
      h('section.card', null, h('h2', null, '现场照片'), photosBox, acc.write && hz.status !== '已销号' ? uploader(ctx, hz) : null)));
}

// ---- 隐患整改通知书 ------------------------------------------------------------------

function cnDate(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s || '');
  return m ? m[1] + '年' + Number(m[2]) + '月' + Number(m[3]) + '日' : '____年__月__日';
}

function renderNotice(ctx, hz) {
  const issuer = (ctx.user && ctx.user.role !== 'school' && ctx.user.scope_name) ? ctx.user.scope_name : '教体局';
  const row = (label, value) => h('tr', null, h('th', null, label), h('td', null, value === undefined || value === null || value === '' ? '　' : String(value)));
  const doc = h('article.print-doc', { 'data-testid': 'notice' },
    h('h1.doc-title', null, '隐患整改通知书'),
    h('p.doc-no', null, '编号：安隐〔' + String(hz.found_on || '').slice(0, 4) + '〕' + hz.id + ' 号'),
    h('p.doc-to', null, (hz.school_name || '') + '：'),
    h('p.doc-text', null, '　　经' + (hz.found_on ? cnDate(hz.found_on) : '') + '检查，你单位存在下列安全隐患' +
      (hz.supervised ? '（重大隐患，挂牌督办）' : '') + '。请高度重视，按整改方案落实整改措施和临时安全措施，于' +
      cnDate(hz.deadline) + '前完成整改，并将整改情况（含整改前后照片）报送验收。'),
    h('table.doc-table', null, h('tbody', null,
      row('学校', hz.school_name), row('街道/乡镇', hz.town), row('隐患类别', hz.category),
      row('隐患等级', (hz.grade || '') + (hz.supervised ? '（挂牌督办）' : '')), row('位置', hz.location),
      row('隐患描述', hz.description), row('发现日期', hz.found_on), row('发现人', hz.found_by),
      row('整改措施', hz.measures), row('责任人', hz.responsible),
      row('整改资金（元）', hz.funds === null || hz.funds === undefined ? '' : money(hz.funds)),
      row('整改时限', hz.deadline), row('临时安全措施', hz.interim))),
    h('div.doc-signs', null,
      h('div.sign', null, '检查人（签字）：', h('span.sign-line')),
      h('div.sign', null, '被检查单位负责人（签字）：', h('span.sign-line')),
      h('div.sign', null, '签收日期：', h('span.sign-line'))),
    h('div.doc-issuer', null, h('div', null, issuer + '（盖章）'), h('div', null, cnDate(today()))));
  return h('div', null,
    h('div.page-head.noprint', null, h('h1', null, '隐患整改通知书'), h('div.page-actions', null,
      h('button.btn.btn-primary', { type: 'button', 'data-testid': 'print', onclick: () => window.print() }, '打印'),
      h('a.btn', { href: '#/safety/hazards/' + hz.id, 'data-testid': 'back' }, '返回隐患详情'))),
    doc);
}
