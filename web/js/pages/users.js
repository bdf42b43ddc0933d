// users.js - 用户管理 (系统管理员): paged list with q and role filters and
// export; create, edit, reset password and unlock in dialogs.

import { get, post, patch } from '../api.js';
import {
  h, listView, pageHead, badge, dash, field, input, select, formError, fieldError, submitting,
  values, modal, toast, confirmBox, setOptions,
} from '../ui.js';
import { ROLES } from '../enums.js';
import { schoolPicker } from './schools.js';

const POLICY = '至少 8 位，含大写字母、小写字母、数字、符号中的至少三类';
const classes = (p) => [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(p)).length;
const LEVELS = { province: '省', city: '市', county: '县（区）', town: '街道/乡镇', school: '学校' };

let depts = null;
let orgs = null;
function loadDepts() {
  if (!depts) depts = get('/api/departments').then((r) => (r.items || []).map((d) => ({ value: d.id, label: d.name }))).catch((e) => { depts = null; throw e; });
  return depts;
}
function loadOrgs() {
  if (!orgs) {
    orgs = get('/api/orgs').then((r) => (r.items || [])
      .filter((o) => o.level !== 'school')
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      .map((o) => {
        const depth = Math.max(0, (o.path || '').split('/').filter(Boolean).length - 1);
        return { value: o.id, label: '\u3000'.repeat(depth) + o.name + '（' + (LEVELS[o.level] || o.level) + '）' };
      })).catch((e) => { orgs = null; throw e; });
  }
  return orgs;
}

function statusOf(u) {
  const out = [];
  out.push(u.active === false || u.active === 0 ? badge('停用', 'danger') : badge('启用', 'ok'));
  if (u.locked) out.push(' ', badge('已锁定', 'warn'));
  if (u.must_change_password) out.push(' ', badge('待改密', 'muted'));
  return out;
}

export function render(ctx) {
  let list = null;
  const reload = () => list && list.reload();
  const columns = [
    { key: 'username', label: '用户名', cls: 'mono nowrap' },
    { key: 'name', label: '姓名' },
    { key: 'role_label', label: '角色', cls: 'nowrap', render: (u) => u.role_label || u.role },
    { key: 'dept_name', label: '股室' },
    { key: 'scope_name', label: '管辖范围' },
    { key: 'school_name', label: '学校' },
    { key: 'active', label: '状态', cls: 'nowrap', render: statusOf },
    { key: 'last_login_at', label: '最后登录', cls: 'nowrap' },
    { key: 'ops', label: '操作', cls: 'ops noprint', render: (u) => [
      h('button.btn.btn-sm', { type: 'button', 'data-testid': 'edit-user', onclick: () => userDialog(u, reload) }, '编辑'),
      h('button.btn.btn-sm', { type: 'button', 'data-testid': 'reset-password', onclick: () => resetDialog(u, reload) }, '重置密码'),
      u.locked ? h('button.btn.btn-sm', { type: 'button', 'data-testid': 'unlock', onclick: () => unlock(u, reload) }, '解锁') : null,
    ] },
  ];
  const filters = [
    { name: 'q', label: '搜索', type: 'search', id: 'user-q', placeholder: '用户名或姓名' },
    { name: 'role', label: '角色', type: 'select', options: ROLES },
  ];
  list = listView({
    route: '/users', query: ctx.query, endpoint: '/api/users', filters, columns,
    exportName: '用户列表.xlsx', caption: '用户列表',
  });
  return h('div', null,
    pageHead('用户管理', h('button.btn.btn-primary', { type: 'button', 'data-testid': 'new-user', onclick: () => userDialog(null, reload) }, '新增用户')),
    list.el);
}

async function unlock(u, reload) {
  if (!(await confirmBox('解除账号「' + u.username + '」的登录锁定？', '解锁'))) return;
  try {
    await post('/api/users/' + u.id + '/unlock');
    toast('已解锁');
    reload();
  } catch (err) { toast(err.message, 'error'); }
}

function resetDialog(u, reload) {
  const form = h('form.form-stack', { novalidate: true },
    h('p', null, '为「' + u.name + '（' + u.username + '）」设置新密码。该用户下次登录时须修改密码。'),
    formError(),
    field('新密码', input('password', '', { type: 'password', autocomplete: 'new-password', required: true }), { required: true, hint: POLICY }),
    field('确认新密码', input('confirm', '', { type: 'password', autocomplete: 'new-password', required: true }), { required: true }),
    h('div.form-actions', null,
      h('button.btn.btn-primary', { type: 'submit', 'data-testid': 'save' }, '重置密码'),
      h('button.btn', { type: 'button', 'data-testid': 'cancel', onclick: () => m.close() }, '取消')));
  const m = modal('重置密码', form);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = form.elements.password.value;
    if (p.length < 8 || classes(p) < 3) { fieldError(form, 'password', '密码不符合要求：' + POLICY); return; }
    if (p !== form.elements.confirm.value) { fieldError(form, 'confirm', '两次输入的密码不一致'); return; }
    submitting(form, async () => {
      await post('/api/users/' + u.id + '/password', { password: p });
      m.close();
      toast('密码已重置');
      reload();
    });
  });
}

// userDialog(null) creates, userDialog(user) edits.
function userDialog(u, reload) {
  const isNew = !u;
  const cur = u || { role: 'dept', active: true };
  const role = select('role', ROLES, cur.role, { required: true });
  const dept = select('dept_id', [], cur.dept_id, null, '请选择');
  if (cur.dept_id) setOptions(dept, [{ value: cur.dept_id, label: cur.dept_name || String(cur.dept_id) }], cur.dept_id, '请选择');
  const scope = select('scope_org_id', [], cur.scope_org_id, null, '请选择');
  if (cur.scope_org_id) setOptions(scope, [{ value: cur.scope_org_id, label: cur.scope_name || String(cur.scope_org_id) }], cur.scope_org_id, '请选择');
  loadDepts().then((o) => setOptions(dept, o, dept.value || cur.dept_id, '请选择')).catch(() => {});
  loadOrgs().then((o) => setOptions(scope, o, scope.value || cur.scope_org_id, '请选择')).catch(() => {});
  const picker = schoolPicker('school_id', { value: cur.school_id || '', label: cur.school_name || '' });

  const deptField = field('股室', dept, { hint: '股室人员须选择所属股室' });
  const scopeField = field('管辖范围', scope, { hint: '该用户可见的组织范围' });
  const schoolField = h('div.field', null, h('label', { for: picker.input.id }, '所属学校', h('span.req', null, ' *')), picker.el,
    h('span.field-error', { 'data-for': 'school_id', role: 'alert' }));

  const form = h('form.form-grid', { novalidate: true, 'aria-label': isNew ? '新增用户' : '编辑用户' },
    formError(),
    field('用户名', input('username', cur.username, { required: true, maxlength: 64, autocomplete: 'off', disabled: !isNew }), { required: true }),
    field('姓名', input('name', cur.name, { required: true, maxlength: 50 }), { required: true }),
    field('角色', role, { required: true }),
    field('手机号', input('phone', cur.phone, { type: 'tel', maxlength: 30 })),
    deptField, scopeField, schoolField,
    isNew ? field('初始密码', input('password', '', { type: 'password', autocomplete: 'new-password', required: true }), { required: true, hint: POLICY + '；首次登录须修改' }) : null,
    isNew ? null : h('div.field', null, h('label.check', null, h('input', { type: 'checkbox', name: 'active', checked: cur.active !== false && cur.active !== 0 }), ' 启用账号')),
    h('div.form-actions.field-wide', null,
      h('button.btn.btn-primary', { type: 'submit', 'data-testid': 'save' }, '保存'),
      h('button.btn', { type: 'button', 'data-testid': 'cancel', onclick: () => m.close() }, '取消')));

  const byRole = () => {
    const r = role.value;
    const show = (el, on) => {
      el.hidden = !on;
      for (const c of el.querySelectorAll('[name]')) c.disabled = !on;
    };
    show(deptField, r === 'dept');
    show(schoolField, r === 'school');
    show(scopeField, r !== 'school');
  };
  role.addEventListener('change', byRole);
  byRole();
  const m = modal(isNew ? '新增用户' : '编辑用户：' + cur.username, form, { wide: true });

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = values(form);
    if (isNew && !v.username) { fieldError(form, 'username', '请填写用户名'); return; }
    if (!v.name) { fieldError(form, 'name', '请填写姓名'); return; }
    if (v.role === 'dept' && !v.dept_id) { fieldError(form, 'dept_id', '请选择股室'); return; }
    if (v.role === 'school' && !v.school_id) { fieldError(form, 'school_id', '请选择学校'); return; }
    if (v.role !== 'school' && !v.scope_org_id) { fieldError(form, 'scope_org_id', '请选择管辖范围'); return; }
    if (isNew && (v.password.length < 8 || classes(v.password) < 3)) { fieldError(form, 'password', '密码不符合要求：' + POLICY); return; }
    const num = (x) => (x === '' || x === undefined ? null : Number(x));
    const body = { name: v.name, role: v.role, phone: v.phone || null,
      dept_id: v.role === 'dept' ? num(v.dept_id) : null,
      school_id: v.role === 'school' ? num(v.school_id) : null,
      scope_org_id: v.role !== 'school' ? num(v.scope_org_id) : (picker.hidden.dataset.orgId ? Number(picker.hidden.dataset.orgId) : undefined) };
    if (body.scope_org_id === undefined) delete body.scope_org_id;
    if (isNew) { body.username = v.username; body.password = v.password; } else body.active = !!v.active;
    submitting(form, async () => {
      if (isNew) await post('/api/users', body); else await patch('/api/users/' + cur.id, body);
      m.close();
      toast(isNew ? '用户已创建' : '已保存');
      reload();
    });
  });
}
