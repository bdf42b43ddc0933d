// stats-query.js - 数据查询 (#/stats/records?year=&type=&town=&status=&q=): the
// records of a year, one row per school in scope (status 未填报 when none),
// filtered, sorted, paged; 导出 Excel (the list, format=xlsx) and 导出全部字段
// (GET /api/stats/export with the same filters). The bureau's 填报 page (#/stats)
// is the same list with the review statuses first. Selectors: top of stats.js.

import { download } from '../api.js';
import { h, listView, pageHead, toast, dash } from '../ui.js';
import { SCHOOL_TYPES } from '../enums.js';
import { towns } from './schools.js';
import { RECORD_STATUSES, recordStatusBadge, schoolYear, yearOptions, fmtTime, fmtNum, qp, hashQuery, statsAccess, openRound } from './stats.js';

export async function render(ctx) {
  return renderRecords(ctx, await statsAccess(ctx.user), { review: false });
}

// renderRecords(ctx, acc, {review}) - review: the 填报 entry of the bureau.
export async function renderRecords(ctx, acc, opts) {
  const review = !!(opts && opts.review);
  const route = review ? '/stats' : '/stats/records';
  let year = /^\d{4}$/.test(ctx.query.year || '') ? Number(ctx.query.year) : null;
  if (!year) {
    const r = await openRound();
    year = (r && r.year) || schoolYear();
  }
  const yearSel = h('select', { 'data-testid': 'query-year', 'aria-label': '学年' }, yearOptions(year).map((o) => h('option', { value: o.value }, o.label)));
  yearSel.value = String(year);
  yearSel.addEventListener('change', () => {
    const q = Object.assign({}, ctx.query, { year: yearSel.value });
    delete q.page;
    location.hash = '#' + route + qp(q);
  });

  const formHref = (r) => '#/stats/' + r.school_id + '/' + (r.year || year);
  const columns = [
    { key: 'code', label: '学校标识码', sort: 'code', cls: 'mono' },
    { key: 'school_name', label: '学校名称', sort: 'school_name', cls: 'col-name', render: (r) => h('a', { href: formHref(r) }, r.school_name || ('#' + r.school_id)) },
    { key: 'type', label: '办学类型', sort: 'type' },
    { key: 'town', label: '街道/乡镇', sort: 'town', render: (r) => dash(r.town) },
    { key: 'area', label: '城乡分类', sort: 'area', render: (r) => dash(r.area) },
    { key: 'status', label: '状态', sort: 'status', render: (r) => recordStatusBadge(r.status) },
    { key: 'submitted_at', label: '提交时间', sort: 'submitted_at', cls: 'nowrap', render: (r) => fmtTime(r.submitted_at) },
    { key: 'reviewed_at', label: '审核时间', sort: 'reviewed_at', cls: 'nowrap', render: (r) => fmtTime(r.reviewed_at) },
    { key: 'classes', label: '班级数', cls: 'num', render: (r) => fmtNum(r.classes) },
    { key: 'pupils', label: '在校生数', cls: 'num', render: (r) => fmtNum(r.pupils) },
    { key: 'staff', label: '教职工数', cls: 'num', render: (r) => fmtNum(r.staff) },
    { key: 'teachers', label: '专任教师数', cls: 'num', render: (r) => fmtNum(r.teachers) },
  ];
  const filters = [
    { name: 'q', label: '搜索', type: 'search', id: 'stats-q', placeholder: '学校名称或标识码' },
    { name: 'type', label: '办学类型', type: 'select', options: SCHOOL_TYPES },
    { name: 'town', label: '街道/乡镇', type: 'select', options: [], load: towns },
    { name: 'status', label: '状态', type: 'select', options: RECORD_STATUSES },
  ];
  if (acc.school) filters.splice(1, 2);

  const exportAll = h('a.btn', { href: '#', 'data-testid': 'export-all', title: '按当前筛选条件导出每个学校的全部填报字段（每种办学类型一个工作表）' }, '导出全部字段');
  exportAll.addEventListener('click', async (ev) => {
    ev.preventDefault();
    const q = hashQuery();
    const url = '/api/stats/export' + qp({ year, type: q.type, town: q.town, status: q.status, round: q.round, q: q.q });
    exportAll.classList.add('busy');
    try { await download(url, year + '学年基表.xlsx'); } catch (e) { toast(e.message, 'error'); } finally { exportAll.classList.remove('busy'); }
  });

  let list = null;
  list = listView({
    route, query: ctx.query, endpoint: '/api/stats/records', filters, columns,
    fixed: Object.assign({ year: String(year) }, ctx.query.round ? { round: ctx.query.round } : {}),
    defaultSort: 'code',
    rowHref: formHref,
    toolbar: [exportAll],
    exportName: year + '学年基表汇总.xlsx', caption: year + '学年基表',
    onData: (data) => {
      if (!list) return;
      const items = data.items || [];
      const rows = list.el.querySelectorAll('table.data tbody tr');
      items.forEach((r, i) => {
        const tr = rows[i];
        if (!tr) return;
        tr.setAttribute('data-school-id', String(r.school_id));
        tr.setAttribute('data-id', String(r.school_id));
        tr.classList.toggle('row-returned', r.status === '已退回');
        tr.classList.toggle('row-submitted', r.status === '已提交');
      });
    },
  });

  const heads = review
    ? pageHead('基表填报与审核', yearSel,
      h('a.btn', { href: '#/stats' + qp({ year, status: '已提交' }), 'data-testid': 'to-review' }, '待审核'),
      h('a.btn', { href: '#/stats/rounds' }, '填报任务'), h('a.btn', { href: '#/stats/import' }, '数据导入'))
    : pageHead('基表数据查询', yearSel);
  return h('div', null, heads,
    review ? h('p.note', null, '点击学校进入其基表：“已提交”的可审核通过或退回，“已通过”的可重新打开。') : null,
    list.el);
}
