// password.js - change my password (forced at first login, or from the top
// bar): old, new and confirm; the policy is checked again by the server.

import { post } from '../api.js';
import { h, formError, fieldError, submitting, toast } from '../ui.js';

const POLICY = '至少 8 位，含大写字母、小写字母、数字、符号中的至少三类';

function classes(p) {
  return [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(p)).length;
}

function pw(id, label, auto, hint) {
  const input = h('input', { id, name: id, type: 'password', autocomplete: auto, required: true });
  return h('div.field', null, h('label', { for: id }, label), input,
    h('span.field-error', { 'data-for': id, role: 'alert' }), hint ? h('span.hint', null, hint) : null);
}

export function render(ctx) {
  const forced = ctx.user && ctx.user.must_change_password;
  const form = h('form.narrow-form', { novalidate: true, 'aria-label': '修改密码' },
    forced ? h('p.notice', null, '首次登录或密码已被重置，请先修改密码。') : null,
    formError(),
    pw('old_password', '原密码', 'current-password'),
    pw('new_password', '新密码', 'new-password', POLICY),
    pw('confirm_password', '确认新密码', 'new-password'),
    h('div.form-actions', null,
      h('button.btn.btn-primary', { type: 'submit', id: 'password-btn', 'data-testid': 'save' }, '确认修改'),
      forced ? h('button.btn', { type: 'button', 'data-testid': 'logout', onclick: logout }, '退出登录')
        : h('a.btn', { href: '#/', 'data-testid': 'cancel' }, '取消')));

  async function logout() {
    try { await post('/api/logout'); } catch (e) { /* gone already */ }
    location.reload();
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const o = form.elements.old_password.value;
    const n = form.elements.new_password.value;
    const c = form.elements.confirm_password.value;
    if (!o) { fieldError(form, 'old_password', '请输入原密码'); return; }
    if (n.length < 8 || classes(n) < 3) { fieldError(form, 'new_password', '新密码不符合要求：' + POLICY); return; }
    if (n === o) { fieldError(form, 'new_password', '新密码不能与原密码相同'); return; }
    if (n !== c) { fieldError(form, 'confirm_password', '两次输入的新密码不一致'); return; }
    submitting(form, async () => {
      await post('/api/me/password', { old_password: o, new_password: n });
      toast('密码已修改');
      try { await ctx.refreshUser(); } catch (e) { /* route() will ask for login */ }
      ctx.go('#/');
    });
  });

  const card = h('div.card.narrow', null, h('h1', null, '修改密码'), form);
  return forced ? h('div.login-page', null, h('div.login-card.wide', null, card)) : card;
}
