// schools.js - 学校 list: search, filters, sortable columns, paging, xlsx
// export; the state lives in the hash query (#/schools?q=实验&type=小学&page=2).

import { get } from '../api.js';
import { h, listView, pageHead, statusBadge, dash } from '../ui.js';
import { SCHOOL_TYPES, NATURES, AREAS, STATUSES } from '../enums.js';

// Town options for filters and forms, fetched once per page load.
let townsPromise = null;
export function towns() {
  if (!townsPromise) {
    townsPromise = get('/api/orgs', { level: 'town' })
      .then((r) => (r.items || []).map((o) => ({ value: o.id, label: o.name })))
      .catch((e) => { townsPromise = null; throw e; });
  }
  return townsPromise;
}

export function canWriteSchools(user) { return !!user && (user.role === 'admin' || user.role === 'dept'); }

export function render(ctx) {
  const columns = [
    { key: 'code', label: '学校标识码', sort: 'code', cls: 'mono' },
    { key: 'name', label: '学校名称', sort: 'name', cls: 'col-name',
      render: (r) => h('a', { href: '#/schools/' + r.id }, r.name) },
    { key: 'type', label: '办学类型', sort: 'type' },
    { key: 'nature', label: '办学性质', sort: 'nature' },
    { key: 'area', label: '城乡分类', sort: 'area' },
    { key: 'town', label: '街道/乡镇', sort: 'town' },
    { key: 'group_name', label: '教育集团', render: (r) => dash(r.group_name) },
    { key: 'founded_year', label: '建校年份', sort: 'founded_year', cls: 'num' },
    { key: 'status', label: '状态', sort: 'status', render: (r) => statusBadge(r.status) },
  ];
  const filters = [
    { name: 'q', label: '搜索', type: 'search', id: 'school-q', placeholder: '名称、简称或标识码' },
    { name: 'type', label: '办学类型', type: 'select', options: SCHOOL_TYPES },
    { name: 'nature', label: '办学性质', type: 'select', options: NATURES },
    { name: 'area', label: '城乡分类', type: 'select', options: AREAS },
    { name: 'town', label: '街道/乡镇', type: 'select', options: [], load: towns },
    { name: 'status', label: '状态', type: 'select', options: STATUSES },
  ];
  const newBtn = canWriteSchools(ctx.user)
    ? h('a.btn.btn-primary', { href: '#/schools/new', 'data-testid': 'new-school' }, '新增学校') : null;
  const list = listView({
    route: '/schools', query: ctx.query, endpoint: '/api/schools', filters, columns,
    fixed: ctx.query.group ? { group: ctx.query.group } : null,
    defaultSort: 'code', rowHref: (r) => '#/schools/' + r.id,
    exportName: '学校名单.xlsx', caption: '学校列表',
  });
  return h('div', null, pageHead('学校', newBtn), list.el);
}

// schoolPicker(name, {value, label, exclude, status}) -> a search box that
// fills a hidden input `name` with the chosen school's id. Returns
// {el, input (the search box, for <label for>), hidden}.
let pickerSeq = 0;
export function schoolPicker(name, opts) {
  const o = opts || {};
  const id = 'pick-' + name + '-' + (++pickerSeq);
  const hidden = h('input', { type: 'hidden', name, value: o.value || '' });
  const search = h('input', { type: 'search', id, placeholder: '输入学校名称或标识码搜索', autocomplete: 'off',
    'aria-autocomplete': 'list', 'data-testid': 'picker-' + name });
  const chosen = h('div.picked', { 'data-testid': 'picked-' + name }, o.label ? '已选：' + o.label : '');
  const results = h('ul.pick-results', { role: 'listbox' });
  let timer = null;
  let seq = 0;
  const choose = (s) => {
    hidden.value = String(s.id);
    if (s.org_id) hidden.dataset.orgId = String(s.org_id);
    hidden.dispatchEvent(new Event('change', { bubbles: true }));
    chosen.textContent = '已选：' + s.name + '（' + s.code + '）';
    results.textContent = '';
    search.value = '';
  };
  const find = async () => {
    const q = search.value.trim();
    const my = ++seq;
    if (!q) { results.textContent = ''; return; }
    try {
      const r = await get('/api/schools', { q, status: o.status || '', per_page: 10 });
      if (my !== seq) return;
      results.textContent = '';
      const items = (r.items || []).filter((s) => String(s.id) !== String(o.exclude || ''));
      if (!items.length) results.appendChild(h('li.empty', null, '没有找到匹配的学校'));
      for (const s of items) {
        results.appendChild(h('li', null, h('button.pick', { type: 'button', role: 'option', 'data-id': s.id, onclick: () => choose(s) },
          s.name, h('span.muted', null, ' ' + s.code + ' · ' + (s.town || '') + ' · ' + s.type))));
      }
    } catch (e) {
      if (my === seq) { results.textContent = ''; results.appendChild(h('li.empty', null, e.message)); }
    }
  };
  search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(find, 300); });
  search.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); clearTimeout(timer); find(); } });
  const clearBtn = h('button.btn.btn-sm', { type: 'button', onclick: () => { hidden.value = ''; chosen.textContent = ''; } }, '清除');
  return { el: h('div.picker', null, hidden, h('div.picker-row', null, search, o.clearable ? clearBtn : null), chosen, results), input: search, hidden };
}
