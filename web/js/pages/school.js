// school.js - one school: detail card, 教育集团, history timeline; the edit
// and new forms (#/schools/12/edit, #/schools/new); 撤并 and 停办/恢复 dialogs.

import { get, post, patch } from '../api.js';
import {
  h, pageHead, statusBadge, dash, field, input, select, textarea, formError, fieldError,
  submitting, values, modal, toast, setOptions,
} from '../ui.js';
import { SCHOOL_TYPES, NATURES, AREAS, SCHOOL_FIELDS } from '../enums.js';
import { towns, canWriteSchools, schoolPicker } from './schools.js';

const SCHOOL_EDITABLE = ['short_name', 'address', 'head', 'phone'];   // what a 学校管理员 may change

export function render(ctx) {
  if (ctx.path === '/schools/new') return renderForm(ctx, null);
  const id = ctx.params[0];
  if (/\/edit$/.test(ctx.path)) return get('/api/schools/' + id).then((s) => renderForm(ctx, s));
  return get('/api/schools/' + id).then((s) => renderDetail(ctx, s));
}

function today() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate());
}

function ownSchool(user, s) { return user && user.role === 'school' && String(user.school_id) === String(s.id); }

// ---- detail -------------------------------------------------------------

function fieldValue(s, key) {
  if (key === 'status') return statusBadge(s.status);
  if (key === 'merged_into_name') {
    return s.merged_into ? h('a', { href: '#/schools/' + s.merged_into }, s.merged_into_name || ('#' + s.merged_into)) : '—';
  }
  if (key === 'group_name') {
    return s.group_name ? [s.group_name, s.group_kind ? h('span.muted', null, '（' + s.group_kind + '）') : null] : '—';
  }
  if (key === 'town') return dash(s.town);
  return dash(s[key]);
}

function groupCard(s) {
  const g = s.group && typeof s.group === 'object' ? s.group : null;
  if (!g && !s.group_name) return h('section.card', null, h('h2', null, '教育集团'), h('p.empty', null, '未加入教育集团'));
  const name = (g && g.name) || s.group_name;
  const kind = (g && g.kind) || s.group_kind;
  const rows = [
    ['集团名称', name], ['类型', kind],
    ['牵头学校', g && g.lead_school_id ? h('a', { href: '#/schools/' + g.lead_school_id }, g.lead_school_name || ('#' + g.lead_school_id)) : dash(g && g.lead_school_name)],
  ];
  let members = null;
  if (g && Array.isArray(g.members)) {
    rows.push(['成员学校数', String(g.members.length)]);
    members = h('ul.members', null, g.members.map((m) => (typeof m === 'object'
      ? h('li', null, m.id ? h('a', { href: '#/schools/' + m.id }, m.name || ('#' + m.id)) : dash(m.name))
      : h('li', null, String(m)))));
  } else if (g && g.members !== undefined && g.members !== null) {
    rows.push(['成员学校数', String(g.members)]);
  }
  const groupId = (g && g.id) || s.group_id;
  return h('section.card', null, h('h2', null, '教育集团'),
    h('dl.detail', null, rows.map(([k, v]) => [h('dt', null, k), h('dd', null, v || '—')])),
    members,
    groupId ? h('p', null, h('a', { href: '#/schools?group=' + groupId }, '查看集团全部成员学校 →')) : null);
}

function timeline(events) {
  if (!events || !events.length) return h('p.empty', null, '暂无历史记录');
  return h('ol.timeline', null, events.map((e) => {
    const related = e.related_school_id
      ? h('a', { href: '#/schools/' + e.related_school_id }, e.related_school_name || e.related_name || ('#' + e.related_school_id)) : null;
    const by = e.username || e.user_name || e.user || null;
    return h('li', null,
      h('div.tl-date', null, e.on_date || e.date || e.at || ''),
      h('div.tl-body', null,
        h('strong', null, e.event || e.kind || e.type || '变更'),
        related ? [' ', related] : null,
        e.note ? h('div.tl-note', null, e.note) : null,
        (by || (e.at && e.on_date)) ? h('div.tl-meta', null, [by ? '操作人：' + by : null, e.at && e.on_date ? '记录于 ' + e.at : null].filter(Boolean).join('　')) : null));
  }));
}

function renderDetail(ctx, s) {
  const u = ctx.user;
  const write = canWriteSchools(u);
  const canEdit = write || ownSchool(u, s);
  const auditor = u && (u.role === 'admin' || u.role === 'auditor');
  const actions = [
    canEdit ? h('a.btn.btn-primary', { href: '#/schools/' + s.id + '/edit', 'data-testid': 'edit' }, '编辑') : null,
    write && s.status === '在办' ? h('button.btn', { type: 'button', 'data-testid': 'merge', onclick: () => mergeDialog(ctx, s) }, '撤并') : null,
    write && s.status === '在办' ? h('button.btn', { type: 'button', 'data-testid': 'status', onclick: () => statusDialog(ctx, s, '停办') }, '停办') : null,
    write && s.status === '停办' ? h('button.btn', { type: 'button', 'data-testid': 'status', onclick: () => statusDialog(ctx, s, '在办') }, '恢复办学') : null,
    h('a.btn', { href: '#/safety/ledger?school_id=' + s.id, 'data-testid': 'safety-ledger' }, '安全台账'),
    h('a.btn', { href: '#/eval/school/' + s.id, 'data-testid': 'eval-card' }, '评估卡片'),
    h('button.btn', { type: 'button', 'data-testid': 'print', onclick: () => window.print() }, '打印'),
    h('a.btn', { href: '#/schools', 'data-testid': 'back' }, '返回列表'),
  ];
  const dl = h('dl.detail.two-col', null, SCHOOL_FIELDS.map(([key, label]) =>
    h('div.dl-row', null, h('dt', null, label), h('dd', { 'data-field': key }, fieldValue(s, key)))));
  return h('div', null,
    pageHead(s.name, actions),
    h('section.card', null, h('h2', null, '基本信息'), dl),
    h('div.grid-2', null,
      groupCard(s),
      h('section.card', null, h('h2', null, '历史沿革'), timeline(s.events),
        auditor ? h('p', null, h('a', { href: '#/audit?entity=school&entity_id=' + s.id, 'data-testid': 'audit-link' }, '查看审计记录 →')) : null)));
}

// ---- edit / new ------------------------------------------------------------

const toInt = (v) => (v === '' || v === undefined || v === null ? null : Number(v));

async function renderForm(ctx, s) {
  const isNew = !s;
  const u = ctx.user;
  const limited = !isNew && !canWriteSchools(u);   // a 学校管理员 editing their own school
  const cur = s || {};
  const dis = (name) => (limited && !SCHOOL_EDITABLE.includes(name) ? { disabled: true } : {});

  const townSel = select('town_id', [], cur.town_id, Object.assign({ required: true }, dis('town_id')), '请选择');
  if (cur.town_id) setOptions(townSel, [{ value: cur.town_id, label: cur.town || String(cur.town_id) }], cur.town_id, '请选择');
  const groupSel = select('group_id', [], cur.group_id, dis('group_id'), '无');
  if (cur.group_id) setOptions(groupSel, [{ value: cur.group_id, label: cur.group_name || String(cur.group_id) }], cur.group_id, '无');
  towns().then((opts) => setOptions(townSel, opts, townSel.value || cur.town_id, '请选择')).catch(() => {});
  get('/api/groups').then((r) => setOptions(groupSel,
    (r.items || []).map((g) => ({ value: g.id, label: g.name + (g.kind ? '（' + g.kind + '）' : '') })), groupSel.value || cur.group_id, '无'))
    .catch(() => {});

  const form = h('form.form-grid', { novalidate: true, 'aria-label': isNew ? '新增学校' : '编辑学校' },
    formError(),
    field('学校标识码', input('code', cur.code, Object.assign({ maxlength: 10, inputmode: 'numeric', pattern: '\\d{10}', required: true }, dis('code'))), { required: true, hint: '10 位数字' }),
    field('学校名称', input('name', cur.name, Object.assign({ maxlength: 100, required: true }, dis('name'))), { required: true }),
    field('简称', input('short_name', cur.short_name, { maxlength: 50 })),
    field('办学类型', select('type', SCHOOL_TYPES, cur.type, Object.assign({ required: true }, dis('type')), '请选择'), { required: true }),
    field('办学性质', select('nature', NATURES, cur.nature, Object.assign({ required: true }, dis('nature')), '请选择'), { required: true, hint: '普惠性民办仅适用于幼儿园' }),
    field('城乡分类', select('area', AREAS, cur.area, Object.assign({ required: true }, dis('area')), '请选择'), { required: true }),
    field('街道/乡镇', townSel, { required: true }),
    field('教育集团', groupSel),
    field('地址', input('address', cur.address, { maxlength: 200 }), { wide: true }),
    field('校长', input('head', cur.head, { maxlength: 50 })),
    field('联系电话', input('phone', cur.phone, { maxlength: 30, type: 'tel' })),
    field('建校年份', input('founded_year', cur.founded_year, Object.assign({ type: 'number', min: 1800, max: 2100, step: 1 }, dis('founded_year')))),
    h('div.form-actions.field-wide', null,
      h('button.btn.btn-primary', { type: 'submit', 'data-testid': 'save' }, '保存'),
      h('a.btn', { href: isNew ? '#/schools' : '#/schools/' + cur.id, 'data-testid': 'cancel' }, '取消')));

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = values(form);
    if (!limited) {
      if (!/^\d{10}$/.test(v.code || '')) { fieldError(form, 'code', '学校标识码应为 10 位数字'); return; }
      for (const [k, label] of [['name', '学校名称'], ['type', '办学类型'], ['nature', '办学性质'], ['area', '城乡分类'], ['town_id', '街道/乡镇']]) {
        if (!v[k]) { fieldError(form, k, '请填写' + label); return; }
      }
      if (v.founded_year && !/^\d{4}$/.test(v.founded_year)) { fieldError(form, 'founded_year', '建校年份应为四位数字'); return; }
    }
    const body = {};
    for (const [k, raw] of Object.entries(v)) {
      const val = k === 'town_id' || k === 'group_id' || k === 'founded_year' ? toInt(raw) : raw;
      if (isNew) {
        if (val !== '' && val !== null) body[k] = val;
      } else {
        const old = cur[k] === undefined || cur[k] === null ? (typeof val === 'number' || val === null ? null : '') : cur[k];
        if (String(old === null ? '' : old) !== String(val === null ? '' : val)) body[k] = val === '' ? null : val;
      }
    }
    submitting(form, async () => {
      if (!isNew && !Object.keys(body).length) { toast('没有修改'); location.hash = '#/schools/' + cur.id; return; }
      const res = isNew ? await post('/api/schools', body) : await patch('/api/schools/' + cur.id, body);
      const saved = res && res.school ? res.school : res;
      toast(isNew ? '学校已新增' : '已保存');
      location.hash = '#/schools/' + ((saved && saved.id) || cur.id || '');
    });
  });

  return h('div', null,
    pageHead(isNew ? '新增学校' : '编辑：' + cur.name),
    limited ? h('p.notice', null, '学校管理员只能修改简称、地址、校长和联系电话。') : null,
    h('section.card', null, form));
}

// ---- 撤并 / 停办 / 恢复 ----------------------------------------------------------

function mergeDialog(ctx, s) {
  const picker = schoolPicker('into_id', { exclude: s.id, status: '在办' });
  const form = h('form.form-stack', { novalidate: true },
    h('p', null, '将「' + s.name + '」撤并到另一所在办学校。撤并后本校状态为“撤并”，历史记录保留。'),
    formError(),
    h('div.field', null, h('label', { for: picker.input.id }, '并入学校', h('span.req', null, ' *')), picker.el,
      h('span.field-error', { 'data-for': 'into_id', role: 'alert' })),
    field('撤并日期', input('date', today(), { type: 'date', required: true }), { required: true }),
    field('说明', textarea('note', '', { maxlength: 500 })),
    h('div.form-actions', null,
      h('button.btn.btn-danger', { type: 'submit', 'data-testid': 'save' }, '确认撤并'),
      h('button.btn', { type: 'button', 'data-testid': 'cancel', onclick: () => m.close() }, '取消')));
  const m = modal('撤并学校', form);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = values(form);
    if (!v.into_id) { fieldError(form, 'into_id', '请选择并入的学校'); return; }
    if (!v.date) { fieldError(form, 'date', '请选择撤并日期'); return; }
    submitting(form, async () => {
      await post('/api/schools/' + s.id + '/merge', { into_id: Number(v.into_id), date: v.date, note: v.note });
      m.close();
      toast('已撤并');
      ctx.go('#/schools/' + s.id);
    });
  });
}

function statusDialog(ctx, s, to) {
  const verb = to === '停办' ? '停办' : '恢复办学';
  const form = h('form.form-stack', { novalidate: true },
    h('p', null, '「' + s.name + '」将' + (to === '停办' ? '停办' : '恢复为在办') + '。'),
    formError(),
    field('日期', input('date', today(), { type: 'date', required: true }), { required: true }),
    field('说明', textarea('note', '', { maxlength: 500 })),
    h('div.form-actions', null,
      h('button', { type: 'submit', class: 'btn ' + (to === '停办' ? 'btn-danger' : 'btn-primary'), 'data-testid': 'save' }, '确认' + verb),
      h('button.btn', { type: 'button', 'data-testid': 'cancel', onclick: () => m.close() }, '取消')));
  const m = modal(verb, form);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = values(form);
    if (!v.date) { fieldError(form, 'date', '请选择日期'); return; }
    submitting(form, async () => {
      await post('/api/schools/' + s.id + '/status', { status: to, date: v.date, note: v.note });
      m.close();
      toast('状态已更新');
      ctx.go('#/schools/' + s.id);
    });
  });
}
