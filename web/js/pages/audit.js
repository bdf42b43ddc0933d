// audit.js - 审计日志 (系统管理员, 审计员): filters entity, entity_id, user,
// action, from, to; newest first; each row expands to its before/after diff.

import { h, listView, pageHead, dash } from '../ui.js';
import { ENTITIES, ACTIONS, labelOf, SCHOOL_LABELS } from '../enums.js';

const USER_LABELS = { username: '用户名', name: '姓名', role: '角色', dept_id: '股室', scope_org_id: '管辖范围',
  school_id: '学校', phone: '手机号', active: '启用', must_change: '须改密', locked_until: '锁定至' };

function fmt(v) {
  if (v === undefined) return '（无）';
  if (v === null || v === '') return '（空）';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function keyLabel(entity, k) {
  const map = entity === 'school' ? SCHOOL_LABELS : entity === 'user' ? USER_LABELS : {};
  return map[k] ? map[k] + '（' + k + '）' : k;
}

// The changed keys of a before/after pair: old -> new. A create shows every
// new value, a delete every old one.
export function diff(row) {
  const b = row.before && typeof row.before === 'object' ? row.before : null;
  const a = row.after && typeof row.after === 'object' ? row.after : null;
  if (!b && !a) return h('p.empty', null, '此记录没有数据变更');
  const keys = [];
  for (const k of Object.keys(b || {}).concat(Object.keys(a || {}))) if (!keys.includes(k)) keys.push(k);
  const changed = keys.filter((k) => !b || !a || JSON.stringify(b[k]) !== JSON.stringify(a[k]));
  const rows = changed.map((k) => h('tr', null,
    h('th', { scope: 'row' }, keyLabel(row.entity, k)),
    h('td.old', null, b ? fmt(b[k]) : '—'),
    h('td.arrow', { 'aria-hidden': 'true' }, '→'),
    h('td.new', null, a ? fmt(a[k]) : '—')));
  return h('div.diff', null,
    h('p.diff-title', null, !b ? '新增，字段值：' : !a ? '删除前的字段值：' : '变更字段（' + changed.length + ' 项）：'),
    changed.length
      ? h('table.diff-table', null, h('thead', null, h('tr', null, h('th', null, '字段'), h('th', null, '原值'), h('th', null, ''), h('th', null, '新值'))), h('tbody', null, rows))
      : h('p.empty', null, '字段值没有变化'));
}

export function render(ctx) {
  const entityLink = (r) => {
    if (r.entity_id === null || r.entity_id === undefined) return '—';
    if (r.entity === 'school') return h('a', { href: '#/schools/' + r.entity_id }, String(r.entity_id));
    return String(r.entity_id);
  };
  const columns = [
    { key: 'at', label: '时间', cls: 'nowrap' },
    { key: 'username', label: '用户' },
    { key: 'ip', label: 'IP 地址', cls: 'mono' },
    { key: 'action', label: '操作', render: (r) => labelOf(ACTIONS, r.action) },
    { key: 'entity', label: '对象', render: (r) => labelOf(ENTITIES, r.entity) },
    { key: 'entity_id', label: '对象编号', render: entityLink },
    { key: 'changes', label: '变更摘要', cls: 'summary', render: summary },
  ];
  const filters = [
    { name: 'entity', label: '对象', type: 'select', options: ENTITIES },
    { name: 'entity_id', label: '对象编号', type: 'text', placeholder: '如 12' },
    { name: 'user', label: '用户', type: 'text', placeholder: '用户名' },
    { name: 'action', label: '操作', type: 'select', options: ACTIONS },
    { name: 'from', label: '起始日期', type: 'date' },
    { name: 'to', label: '截止日期', type: 'date' },
  ];
  const list = listView({
    route: '/audit', query: ctx.query, endpoint: '/api/audit', filters, columns,
    expand: diff, exportName: '审计日志.xlsx', caption: '审计日志',
  });
  return h('div', null, pageHead('审计日志'), list.el);
}

function summary(r) {
  const b = r.before && typeof r.before === 'object' ? r.before : null;
  const a = r.after && typeof r.after === 'object' ? r.after : null;
  if (!b && !a) return '—';
  if (!b) return '新增';
  if (!a) return '删除';
  const keys = Object.keys(Object.assign({}, b, a)).filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
  if (!keys.length) return '无变化';
  return dash(keys.slice(0, 4).join('、') + (keys.length > 4 ? ' 等 ' + keys.length + ' 项' : ''));
}
