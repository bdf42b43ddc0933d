// ui.js - the UI toolkit: h() element builder (all text goes in as text
// nodes, never as HTML), toast, modal dialogs, form helpers that show the
// server's error beside the field, and listView: a server-paged table with
// filters, sortable headers, paging, xlsx export and the state kept in the
// URL hash query.
//
// Selectors for browser tests (stable; please keep them):
//   login page        #username  #password  #login-btn  (error: .form-error)
//   change password   #old_password  #new_password  #confirm_password  #password-btn
//   layout            #menu (left menu, links a[data-route="/schools"] ...)  #logout-btn  #user-name
//   any list          form.filters  (inputs name="<query param>"), [data-testid="search"] (查询),
//                     [data-testid="reset"] (重置)
//                     table.data tbody tr[data-id="<id>"]  (rows; click opens the detail)
//                     th[data-sort="<field>"] button (sort toggle, aria-sort on th)
//                     [data-testid="export"] (a.btn, href = same list URL + format=xlsx)
//                     .pager: [data-testid="prev"] [data-testid="next"] [data-testid="per-page"]
//                     [data-testid="total"] (text "共 N 条")  [data-testid="page-info"]
//   school list       #school-q (search box)  [data-testid="new-school"]
//   school form       #/schools/new, #/schools/<id>/edit; picker for a school: [data-testid="picker-<field>"]
//                     (type, then click .pick[data-id]), hidden input name="<field>"
//   school detail     [data-testid="edit"] [data-testid="merge"] [data-testid="status"]
//                     [data-testid="audit-link"]  dl.detail dd[data-field="<api field>"]
//                     ol.timeline li (events)
//   any form          input/select name="<api field name>", .field-error right after it,
//                     [data-testid="save"] (submit), [data-testid="cancel"], .form-error (general)
//   dialogs           dialog.modal[open], its form buttons as above
//   users page        #user-q (search), [data-testid="new-user"], row buttons [data-testid="edit-user"]
//                     [data-testid="reset-password"] [data-testid="unlock"]
//   audit page        filters name=entity|entity_id|user|action|from|to; row toggle button [data-testid="expand"], tr.detail-row .diff
//   toast             #toasts .toast

import { qs, get, download } from './api.js';

// ---- elements ---------------------------------------------------------

const PROPS = new Set(['value', 'checked', 'selected', 'disabled', 'readOnly', 'required', 'multiple']);

// h('tag.cls', {attr: value, onclick: fn, ...}, child, [children], 'text')
export function h(tag, attrs, ...children) {
  let cls = null;
  const dot = tag.indexOf('.');
  if (dot > 0) { cls = tag.slice(dot + 1).split('.').join(' '); tag = tag.slice(0, dot); }
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  const late = [];
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = cls ? cls + ' ' + v : v;
      else if (PROPS.has(k)) late.push([k, v]);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  for (const [k, v] of late) el[k] = v;   // after children: a select's options exist now
  return el;
}

export function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }

// Only for the rare place that builds HTML text: escape every value.
export function esc(s) {
  return String(s === undefined || s === null ? '' : s)
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export function dash(v) { return v === undefined || v === null || v === '' ? '—' : String(v); }

// ---- toast ------------------------------------------------------------

export function toast(message, kind) {
  let box = document.getElementById('toasts');
  if (!box) { box = h('div', { id: 'toasts', role: 'status', 'aria-live': 'polite' }); document.body.appendChild(box); }
  const t = h('div', { class: 'toast toast-' + (kind || 'ok') }, message);
  box.appendChild(t);
  setTimeout(() => t.remove(), kind === 'error' ? 6000 : 3500);
}

// ---- modal ------------------------------------------------------------

// modal(title, body) -> {el, body, close}. Esc or the × closes it.
export function modal(title, body, opts) {
  const o = opts || {};
  const d = h('dialog', { class: 'modal' + (o.wide ? ' modal-wide' : ''), 'aria-label': title });
  const close = () => { if (d.open) d.close(); d.remove(); };
  d.addEventListener('close', () => d.remove());
  append(d, [
    h('div.modal-head', null, h('h2', null, title),
      h('button.icon-btn', { type: 'button', 'aria-label': '关闭', onclick: close }, '×')),
    h('div.modal-body', null, body),
  ]);
  document.body.appendChild(d);
  d.showModal();
  return { el: d, close };
}

// confirmBox(message, okLabel) -> Promise<boolean>
export function confirmBox(message, okLabel) {
  return new Promise((resolve) => {
    let done = false;
    const finish = (v) => { if (!done) { done = true; resolve(v); m.close(); } };
    const body = h('div', null, h('p.confirm-text', null, message),
      h('div.form-actions', null,
        h('button.btn.btn-primary', { type: 'button', 'data-testid': 'confirm', onclick: () => finish(true) }, okLabel || '确定'),
        h('button.btn', { type: 'button', 'data-testid': 'cancel', onclick: () => finish(false) }, '取消')));
    const m = modal('请确认', body);
    m.el.addEventListener('close', () => { if (!done) { done = true; resolve(false); } });
  });
}

// ---- forms ------------------------------------------------------------

let idSeq = 0;

// input('name', value, {type, ...attrs})
export function input(name, value, attrs) {
  const a = Object.assign({ type: 'text', name, id: 'f-' + name + '-' + (++idSeq) }, attrs || {});
  a.value = value === undefined || value === null ? '' : String(value);
  return h('input', a);
}

// options: ['a', 'b'] or [{value, label}]; empty: label of a leading '' option
export function select(name, options, value, attrs, empty) {
  const a = Object.assign({ name, id: 'f-' + name + '-' + (++idSeq) }, attrs || {});
  const el = h('select', a);
  setOptions(el, options, value, empty);
  return el;
}

export function setOptions(el, options, value, empty) {
  clear(el);
  if (empty !== undefined && empty !== null) el.appendChild(h('option', { value: '' }, empty));
  let found = false;
  const want = value === undefined || value === null ? '' : String(value);
  for (const opt of options || []) {
    const v = typeof opt === 'object' ? String(opt.value) : String(opt);
    const l = typeof opt === 'object' ? opt.label : opt;
    if (v === want) found = true;
    el.appendChild(h('option', { value: v }, l));
  }
  if (want !== '' && !found) el.appendChild(h('option', { value: want }, want));  // keep an unknown value
  el.value = want;
}

export function textarea(name, value, attrs) {
  const a = Object.assign({ name, id: 'f-' + name + '-' + (++idSeq), rows: 3 }, attrs || {});
  const el = h('textarea', a);
  el.value = value === undefined || value === null ? '' : String(value);
  return el;
}

// field('标签', control, {hint, required, wide}) -> div.field with <label for>,
// the control, its .field-error (right after the control) and a hint.
export function field(label, control, opts) {
  const o = opts || {};
  const id = control.id || ('f-' + (++idSeq));
  control.id = id;
  return h('div', { class: 'field' + (o.wide ? ' field-wide' : '') },
    h('label', { for: id }, label, o.required ? h('span.req', { 'aria-hidden': 'true' }, ' *') : null),
    control,
    h('span.field-error', { role: 'alert', 'data-for': control.getAttribute('name') || '' }),
    o.hint ? h('span.hint', null, o.hint) : null);
}

export function formError() { return h('div.form-error', { role: 'alert' }); }

export function clearErrors(form) {
  for (const e of form.querySelectorAll('.field-error')) e.textContent = '';
  for (const e of form.querySelectorAll('.invalid')) { e.classList.remove('invalid'); e.removeAttribute('aria-invalid'); }
  for (const e of form.querySelectorAll('.form-error')) e.textContent = '';
}

// showError(form, err): the server's message beside the field it names, or
// at the top of the form. What the user typed stays in the controls.
export function showError(form, err) {
  clearErrors(form);
  const msg = err && err.message ? err.message : String(err);
  const name = err && err.field;
  const ctl = name ? form.querySelector('[name="' + CSS.escape(name) + '"]') : null;
  const slot = name ? form.querySelector('.field-error[data-for="' + CSS.escape(name) + '"]') : null;
  if (slot) {
    slot.textContent = msg;
    if (ctl) {
      ctl.classList.add('invalid');
      ctl.setAttribute('aria-invalid', 'true');
      if (ctl.type !== 'hidden') ctl.focus();
    }
    return;
  }
  const top = form.querySelector('.form-error');
  if (top) top.textContent = msg; else toast(msg, 'error');
}

// Typing into a field clears its error (the picker raises 'change' on its hidden input).
function clearOne(ev) {
  const t = ev.target;
  if (!t || !t.name || !t.closest) return;
  const form = t.closest('form');
  if (!form) return;
  t.classList.remove('invalid');
  t.removeAttribute('aria-invalid');
  const slot = form.querySelector('.field-error[data-for="' + CSS.escape(t.name) + '"]');
  if (slot) slot.textContent = '';
}
document.addEventListener('input', clearOne);
document.addEventListener('change', clearOne);

// fieldError(form, name, message): a client-side check, shown like the server's.
export function fieldError(form, name, message) { showError(form, { field: name, message }); }

// values(form) -> {name: trimmed string} for every named control
export function values(form) {
  const out = {};
  for (const el of form.querySelectorAll('[name]')) {
    if (el.disabled) continue;
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else out[el.name] = typeof el.value === 'string' ? el.value.trim() : el.value;
  }
  return out;
}

// submitting(form, fn): disable the save button while fn runs; errors go to showError.
export async function submitting(form, fn) {
  const btn = form.querySelector('[type="submit"]');
  if (btn) btn.disabled = true;
  clearErrors(form);
  try {
    return await fn();
  } catch (err) {
    showError(form, err);
    return undefined;
  } finally {
    if (btn) btn.disabled = false;
  }
}

// ---- list view ------------------------------------------------------------

const PER_PAGE = [20, 50, 100];

// listView({
//   route: '/schools', query: {...from hash}, endpoint: '/api/schools',
//   filters: [{name, label, type: 'search'|'text'|'select'|'date', options, load: async () => options,
//              suggest: [datalist options], id, placeholder}],
//   fixed: {entity_id: 12}  (query params kept but not shown as filters),
//   columns: [{key, label, sort: 'field'|undefined, render: row => Node|string, cls}],
//   defaultSort: 'code', rowHref: row => '#/...', expand: row => Node,
//   toolbar: [nodes], exportName: 'schools.xlsx', caption: '学校列表'
// }) -> {el, reload}
export function listView(o) {
  const filterNames = o.filters.map((f) => f.name);
  const q = o.query || {};
  const state = { page: 1, per_page: 20, sort: o.defaultSort || '' };
  for (const n of filterNames) state[n] = q[n] || '';
  for (const n of Object.keys(o.fixed || {})) state[n] = q[n] || o.fixed[n] || '';
  if (q.page && /^\d+$/.test(q.page)) state.page = Math.max(1, parseInt(q.page, 10));
  if (q.per_page && PER_PAGE.includes(parseInt(q.per_page, 10))) state.per_page = parseInt(q.per_page, 10);
  if (q.sort) state.sort = q.sort;

  const filterParams = () => {
    const p = {};
    for (const n of filterNames.concat(Object.keys(o.fixed || {}))) if (state[n] !== '') p[n] = state[n];
    return p;
  };
  const hashParams = () => {
    const p = filterParams();
    if (state.page !== 1) p.page = state.page;
    if (state.per_page !== 20) p.per_page = state.per_page;
    if (state.sort && state.sort !== (o.defaultSort || '')) p.sort = state.sort;
    return p;
  };
  const apiParams = () => Object.assign(filterParams(), { page: state.page, per_page: state.per_page, sort: state.sort || undefined });
  const exportUrl = () => o.endpoint + qs(Object.assign(filterParams(), { sort: state.sort || undefined, format: 'xlsx' }));

  // filters
  const controls = {};
  const form = h('form.filters', { role: 'search', 'aria-label': (o.caption || '列表') + '筛选' });
  let timer = null;
  for (const f of o.filters) {
    let ctl;
    const attrs = { name: f.name, id: f.id || ('flt-' + f.name + '-' + (++idSeq)), placeholder: f.placeholder };
    if (f.type === 'select') {
      ctl = h('select', attrs);
      setOptions(ctl, f.options || [], state[f.name], '全部');
      ctl.addEventListener('change', () => apply());
      if (f.load) {
        f.load().then((opts) => { setOptions(ctl, opts, state[f.name], '全部'); summarize(); }).catch(() => { /* keep the list usable */ });
      }
    } else {
      attrs.type = f.type === 'date' ? 'date' : (f.type === 'search' ? 'search' : 'text');
      if (f.suggest) attrs.list = attrs.id + '-list';
      ctl = h('input', attrs);
      ctl.value = state[f.name];
      if (f.suggest) {
        form.appendChild(h('datalist', { id: attrs.list }, f.suggest.map((x) =>
          (typeof x === 'object' ? h('option', { value: x.value }, x.label) : h('option', { value: x })))));
      }
      if (f.type === 'date') ctl.addEventListener('change', () => apply());
      else {
        if (f.type === 'search') {
          ctl.addEventListener('input', () => {
            clearTimeout(timer);
            timer = setTimeout(() => apply(), 350);
          });
        }
        ctl.addEventListener('change', () => apply());
      }
    }
    controls[f.name] = ctl;
    form.appendChild(h('div', { class: 'filter' + (f.type === 'search' ? ' filter-search' : '') },
      h('label', { for: ctl.id }, f.label), ctl));
  }
  form.appendChild(h('div.filter.filter-buttons', null,
    h('button.btn.btn-primary', { type: 'submit', 'data-testid': 'search' }, '查询'),
    h('button.btn', { type: 'button', 'data-testid': 'reset', onclick: reset }, '重置')));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); apply(); });

  const exportBtn = h('a.btn', { 'data-testid': 'export', href: exportUrl(), download: o.exportName || 'export.xlsx', title: '按当前筛选条件导出全部记录' }, '导出 Excel');
  exportBtn.addEventListener('click', async (ev) => {
    ev.preventDefault();
    exportBtn.classList.add('busy');
    try { await download(exportBtn.getAttribute('href'), o.exportName); } catch (err) { toast(err.message, 'error'); } finally { exportBtn.classList.remove('busy'); }
  });

  const totalEl = h('span.total', { 'data-testid': 'total' }, '');
  const printed = h('div.print-only.filter-summary');   // the filters, on paper
  const summarize = () => {
    const parts = [];
    for (const f of o.filters) {
      const v = state[f.name];
      if (!v) continue;
      const ctl = controls[f.name];
      const shown = ctl && ctl.tagName === 'SELECT' && ctl.selectedIndex >= 0 ? ctl.options[ctl.selectedIndex].text : v;
      parts.push(f.label + '：' + shown);
    }
    printed.textContent = parts.length ? '筛选条件　' + parts.join('　') : '';
  };
  const toolbar = h('div.toolbar', null, h('div.toolbar-left', null, totalEl), h('div.toolbar-right', null, o.toolbar || [], exportBtn));

  // table
  const thead = h('thead');
  const tbody = h('tbody');
  const table = h('table.data', null, o.caption ? h('caption.sr-only', null, o.caption) : null, thead, tbody);
  const ncols = o.columns.length + (o.expand ? 1 : 0);

  function renderHead() {
    clear(thead);
    const tr = h('tr');
    if (o.expand) tr.appendChild(h('th.col-toggle', { scope: 'col' }, h('span.sr-only', null, '展开')));
    for (const c of o.columns) {
      const th = h('th', { scope: 'col', class: c.cls || null });
      if (c.sort) {
        const cur = state.sort === c.sort ? 'ascending' : state.sort === '-' + c.sort ? 'descending' : 'none';
        th.setAttribute('data-sort', c.sort);
        th.setAttribute('aria-sort', cur);
        th.appendChild(h('button.sort', { type: 'button', title: '按' + c.label + '排序', onclick: () => sortBy(c.sort) },
          c.label, h('span.sort-mark', { 'aria-hidden': 'true' }, cur === 'ascending' ? '▲' : cur === 'descending' ? '▼' : '↕')));
      } else th.textContent = c.label;
      tr.appendChild(th);
    }
    thead.appendChild(tr);
  }

  function message(text, cls) {
    clear(tbody);
    tbody.appendChild(h('tr', { class: 'msg-row' }, h('td', { colspan: ncols, class: cls || 'empty' }, text)));
  }

  function renderRows(items) {
    clear(tbody);
    if (!items.length) { message('暂无数据'); return; }
    for (const row of items) {
      const tr = h('tr', { 'data-id': row.id });
      if (o.rowHref) {
        tr.classList.add('clickable');
        tr.addEventListener('click', (ev) => {
          if (ev.target.closest('a,button,input,select,label')) return;
          location.hash = o.rowHref(row);
        });
      }
      let detail = null;
      if (o.expand) {
        const btn = h('button.icon-btn.expand', { type: 'button', 'data-testid': 'expand', 'aria-expanded': 'false', 'aria-label': '展开详情' }, '▸');
        btn.addEventListener('click', () => {
          if (detail) { detail.remove(); detail = null; btn.setAttribute('aria-expanded', 'false'); btn.textContent = '▸'; return; }
          detail = h('tr.detail-row', null, h('td', { colspan: ncols }, o.expand(row)));
          tr.after(detail);
          btn.setAttribute('aria-expanded', 'true');
          btn.textContent = '▾';
        });
        tr.appendChild(h('td.col-toggle', null, btn));
      }
      for (const c of o.columns) {
        const v = c.render ? c.render(row) : dash(row[c.key]);
        tr.appendChild(h('td', { class: c.cls || null }, v));
      }
      tbody.appendChild(tr);
    }
  }

  // pager
  const prev = h('button.btn.btn-sm', { type: 'button', 'data-testid': 'prev', onclick: () => go(state.page - 1) }, '上一页');
  const next = h('button.btn.btn-sm', { type: 'button', 'data-testid': 'next', onclick: () => go(state.page + 1) }, '下一页');
  const info = h('span.page-info', { 'data-testid': 'page-info' });
  const perSel = select('per_page', PER_PAGE.map((n) => ({ value: n, label: n + ' 条/页' })), state.per_page, { 'data-testid': 'per-page', 'aria-label': '每页条数' });
  perSel.addEventListener('change', () => { state.per_page = parseInt(perSel.value, 10); state.page = 1; sync(true); load(); });
  const jump = h('input', { type: 'number', min: 1, class: 'page-jump', 'aria-label': '跳转到页', 'data-testid': 'jump' });
  jump.addEventListener('change', () => { const n = parseInt(jump.value, 10); jump.value = ''; if (n > 0) go(n); });
  const pager = h('div.pager', null, perSel, prev, info, next, h('label.jump', null, '跳至 ', jump, ' 页'));
  let pages = 1;

  function renderPager(total) {
    pages = Math.max(1, Math.ceil(total / state.per_page));
    totalEl.textContent = '共 ' + total + ' 条';
    info.textContent = '第 ' + state.page + ' / ' + pages + ' 页';
    prev.disabled = state.page <= 1;
    next.disabled = state.page >= pages;
    jump.max = String(pages);
  }

  // state changes
  function sync(push) {
    const hash = '#' + o.route + qs(hashParams());
    if (location.hash !== hash) {
      if (push) history.pushState(null, '', hash); else history.replaceState(null, '', hash);
    }
    exportBtn.setAttribute('href', exportUrl());
    summarize();
  }
  function apply() {
    clearTimeout(timer);
    let changed = false;
    for (const n of filterNames) {
      const v = (controls[n].value || '').trim();
      if (state[n] !== v) { state[n] = v; changed = true; }
    }
    if (!changed) return;
    state.page = 1;
    sync(true);
    load();
  }
  function reset() {
    for (const n of filterNames) { controls[n].value = ''; }
    apply();
  }
  function sortBy(key) {
    state.sort = state.sort === key ? '-' + key : key;
    state.page = 1;
    sync(true);
    renderHead();
    load();
  }
  function go(p) {
    if (p < 1 || p > pages || p === state.page) return;
    state.page = p;
    sync(true);
    load();
  }

  let seq = 0;
  async function load() {
    const my = ++seq;
    table.classList.add('loading');
    if (!tbody.firstChild) message('加载中…');
    try {
      const data = await get(o.endpoint, apiParams());
      if (my !== seq) return;
      const total = data.total || 0;
      if (!(data.items || []).length && total > 0 && state.page > 1) {   // past the end (e.g. an old link)
        state.page = Math.max(1, Math.ceil(total / state.per_page));
        sync(false);
        load();
        return;
      }
      renderRows(data.items || []);
      renderPager(data.total || 0);
      summarize();   // select labels may have loaded since
      if (o.onData) o.onData(data);
    } catch (err) {
      if (my !== seq) return;
      message(err.message || '加载失败', 'error');
      renderPager(0);
    } finally {
      if (my === seq) table.classList.remove('loading');
    }
  }

  renderHead();
  sync(false);
  load();
  const el = h('div.list-view', null, form, printed, toolbar, h('div.table-wrap', null, table), pager);
  return { el, reload: load };
}

// ---- small pieces ---------------------------------------------------------

export function pageHead(title, ...actions) {
  return h('div.page-head', null, h('h1', null, title), h('div.page-actions', null, actions));
}

export function badge(text, kind) { return h('span', { class: 'badge badge-' + (kind || 'muted') }, text); }

export function statusBadge(s) {
  return badge(s || '—', s === '在办' ? 'ok' : s === '撤并' ? 'warn' : s === '停办' ? 'danger' : 'muted');
}

export function loading() { return h('div.loading-box', null, '加载中…'); }

export function errorBox(err) {
  return h('div.error-box', { role: 'alert' }, (err && err.message) || '加载失败');
}
