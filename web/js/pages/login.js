// login.js - the login page: username and password; 401 and 423 shown with
// the server's message; after login, the forced password change or the page
// the user first asked for.

import { post } from '../api.js';
import { h, formError, showError, fieldError, submitting } from '../ui.js';

export function render(ctx) {
  const username = h('input', { id: 'username', name: 'username', type: 'text', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form.login-form', { novalidate: true, 'aria-label': '登录' },
    h('h1', null, '教体局工作平台'),
    h('p.login-sub', null, '请使用您的账号登录'),
    formError(),
    h('div.field', null, h('label', { for: 'username' }, '用户名'), username,
      h('span.field-error', { 'data-for': 'username', role: 'alert' })),
    h('div.field', null, h('label', { for: 'password' }, '密码'), password,
      h('span.field-error', { 'data-for': 'password', role: 'alert' })),
    h('button.btn.btn-primary.btn-block', { type: 'submit', id: 'login-btn', 'data-testid': 'save' }, '登 录'));

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const u = username.value.trim();
    const p = password.value;
    if (!u) { fieldError(form, 'username', '请输入用户名'); return; }
    if (!p) { fieldError(form, 'password', '请输入密码'); return; }
    submitting(form, async () => {
      try {
        const res = await post('/api/login', { username: u, password: p }, { quiet: true });
        ctx.setUser(res.user, res.csrf);
        const after = sessionStorage.getItem('after_login');
        sessionStorage.removeItem('after_login');
        if (res.user && res.user.must_change_password) ctx.go('#/password');
        else ctx.go(after && after !== '#/login' && after !== '#/password' ? after : '#/');
      } catch (err) {
        // 401 bad credentials and 423 locked: the message at the top, password cleared
        if (err.status === 401 || err.status === 423 || !err.field) {
          showError(form, { message: err.message });
          password.value = '';
          password.focus();
        } else {
          throw err;
        }
      }
    });
  });
  return h('div.login-page', null,
    h('div.login-card', null, form),
    h('p.login-foot', null, '建议使用 Chrome、Edge 或 Firefox 浏览器'));
}
