// stats-import.js - 数据导入 (#/stats/import?year=): choose the year and a
// file (xlsx or CSV); the raw bytes go to POST /api/stats/import?year=&name=.
// A 400 import_failed shows every problem (工作表, 行, 列, 值, 原因; sortable,
// CSV download); a 200 shows the preview of the changes grouped by school and
// 确认导入 (POST /api/stats/import/{token}/apply). Selectors: top of stats.js.

import { h, pageHead, clear, toast } from '../ui.js';
import { yearOptions, schoolYear, qp, call, sortableTable, downloadCsv, openRound, fmtNum } from './stats.js';

const MAX_BYTES = 30 * 1024 * 1024;

export async function render(ctx) {
  let year = /^\d{4}$/.test(ctx.query.year || '') ? ctx.query.year : '';
  if (!year) { const r = await openRound(); year = String((r && r.year) || schoolYear()); }

  const yearSel = h('select', { name: 'year', id: 'import-year', 'data-testid': 'import-year' }, yearOptions(year).map((o) => h('option', { value: o.value }, o.label)));
  yearSel.value = year;
  yearSel.addEventListener('change', () => { history.replaceState(null, '', '#/stats/import' + qp({ year: yearSel.value })); reset(); });

  const fileInput = h('input', { type: 'file', id: 'import-file', class: 'file-input', accept: '.xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv', 'data-testid': 'import-file' });
  const status = h('div.import-status', { 'data-testid': 'import-status', role: 'status', 'aria-live': 'polite' });
  const result = h('div.import-result');

  function reset() { clear(status); clear(result); status.className = 'import-status'; fileInput.value = ''; }
  function setStatus(text, kind, busy) {
    clear(status);
    status.className = 'import-status' + (kind ? ' status-' + kind : '');
    if (busy) status.appendChild(h('span.spinner', { 'aria-hidden': 'true' }));
    status.appendChild(document.createTextNode(text));
  }

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files && fileInput.files[0];
    clear(result);
    if (!file) return;
    if (!/\.(xlsx|csv)$/i.test(file.name)) { setStatus('请选择 .xlsx 或 .csv 文件', 'error'); fileInput.value = ''; return; }
    if (file.size > MAX_BYTES) { setStatus('文件过大（' + (file.size / 1048576).toFixed(1) + ' MB），请拆分后再导入', 'error'); fileInput.value = ''; return; }
    const y = yearSel.value;
    setStatus('正在上传并校验 ' + file.name + ' …', null, true);
    yearSel.disabled = true;
    try {
      const res = await call('POST', '/api/stats/import' + qp({ year: y, name: file.name }), file, true);
      showPreview(file.name, y, res);
    } catch (e) {
      if (e.problems) showProblems(file.name, e);
      else setStatus(e.message || '导入失败', 'error');
    } finally {
      yearSel.disabled = false;
      fileInput.value = '';   // the same file may be chosen again after a fix
    }
  });

  function showProblems(name, e) {
    const rows = e.problems.map((p) => ({ sheet: p.sheet, row: p.row, column: p.column, value: p.value, reason: p.reason }));
    setStatus('文件未导入：' + name + ' 中发现 ' + rows.length + ' 个问题，数据库未作任何修改。请修改文件后重新选择。', 'error');
    clear(result);
    const table = sortableTable({
      testid: 'problems',
      columns: [
        { key: 'sheet', label: '工作表' },
        { key: 'row', label: '行', num: true },
        { key: 'column', label: '列' },
        { key: 'value', label: '值', cls: 'mono' },
        { key: 'reason', label: '原因' },
      ],
      rows,
    });
    const csvBtn = h('button.btn', { type: 'button', 'data-testid': 'problems-csv', onclick: () =>
      downloadCsv(name.replace(/\.[^.]+$/, '') + '-问题清单.csv', ['工作表', '行', '列', '值', '原因'], rows.map((r) => [r.sheet, r.row, r.column, r.value, r.reason])) }, '导出问题清单 (CSV)');
    result.appendChild(h('section.card', null,
      h('div.card-head', null, h('h2', null, '问题清单（' + rows.length + '）'), csvBtn),
      e.message && e.code !== 'import_failed' ? h('p.note', null, e.message) : null,
      h('div.table-wrap', null, table)));
  }

  function showPreview(name, y, res) {
    const changes = res.changes || [];
    clear(result);
    if (!changes.length) {
      setStatus(name + '：与系统中的数据完全一致，没有需要导入的变化' + (res.unchanged !== undefined ? '（' + res.unchanged + ' 所学校无变化）' : '') + '。', 'ok');
      return;
    }
    const groups = new Map();
    for (const c of changes) {
      const k = String(c.school_id);
      if (!groups.has(k)) groups.set(k, { name: c.school_name || ('#' + c.school_id), id: c.school_id, items: [] });
      groups.get(k).items.push(c);
    }
    setStatus('校验通过：' + name + ' 将修改 ' + groups.size + ' 所学校的 ' + changes.length + ' 项数据'
      + (res.unchanged ? '（另有 ' + res.unchanged + ' 所学校无变化）' : '') + '。请核对后点击“确认导入”。', 'ok');
    const show = (v) => (v === undefined || v === null || v === '' ? '（空）' : (typeof v === 'number' ? fmtNum(v) : String(v)));
    const tbody = h('tbody');
    for (const g of groups.values()) {
      tbody.appendChild(h('tr.school-head', { 'data-school-id': g.id },
        h('th', { colspan: 4, scope: 'rowgroup' }, h('a', { href: '#/stats/' + g.id + '/' + y }, g.name), h('span.muted', null, '　' + g.items.length + ' 项变化'))));
      for (const c of g.items) {
        tbody.appendChild(h('tr.change', { 'data-school-id': g.id, 'data-field': c.field },
          h('td', null, g.name),
          h('td', null, c.label || c.field),
          h('td.num.old', null, show(c.old)),
          h('td.num.new', null, show(c.new))));
      }
    }
    const table = h('table.data.compact.preview', { 'data-testid': 'preview' },
      h('thead', null, h('tr', null, h('th', null, '学校'), h('th', null, '字段'), h('th.num', null, '原值'), h('th.num', null, '新值'))), tbody);
    const progress = h('div.import-progress', { 'data-testid': 'import-progress', hidden: true },
      h('div.progress.indeterminate', null, h('span.seg.seg-approved')), h('span', null, '正在导入，请勿关闭页面…'));
    const applyBtn = h('button.btn.btn-primary', { type: 'button', 'data-testid': 'import-apply' }, '确认导入');
    const cancelBtn = h('button.btn', { type: 'button', 'data-testid': 'import-cancel', onclick: reset }, '放弃');
    applyBtn.addEventListener('click', async () => {
      applyBtn.disabled = true;
      cancelBtn.disabled = true;
      progress.hidden = false;
      try {
        const r = await call('POST', '/api/stats/import/' + encodeURIComponent(res.token) + '/apply', {});
        const n = r.applied !== undefined ? r.applied : changes.length;
        toast('导入成功：已写入 ' + n + ' 项数据');
        clear(result);
        setStatus('导入完成：' + name + ' 已写入 ' + n + ' 项数据（' + groups.size + ' 所学校）。', 'ok');
        result.appendChild(h('p', null, h('a', { href: '#/stats/records?year=' + y }, '在数据查询中查看 →')));
      } catch (e) {
        progress.hidden = true;
        cancelBtn.disabled = false;
        setStatus('导入失败：' + (e.message || '') + (e.status === 409 ? '（有学校的基表已审核通过，请重新打开后再导入）' : e.status === 404 ? '（预览已失效，请重新选择文件）' : ''), 'error');
        if (e.status !== 404 && e.status !== 409) applyBtn.disabled = false;
      }
    });
    result.appendChild(h('section.card', null,
      h('div.card-head', null, h('h2', null, '变更预览（' + groups.size + ' 所学校，' + changes.length + ' 项）'),
        h('div.page-actions', null, applyBtn, cancelBtn)),
      progress,
      h('div.table-wrap', null, table)));
  }

  const picker = h('section.card.import-card', null,
    h('div.import-row', null,
      h('div.filter', null, h('label', { for: 'import-year' }, '学年'), yearSel),
      h('div.filter', null, h('span.label', null, '文件'),
        h('label.btn.btn-primary', { for: 'import-file' }, '选择文件…'), fileInput)),
    h('p.note', null, '支持 Excel（.xlsx）和 CSV（UTF-8 或 GBK 编码）。第一列为学校标识码，按标识码匹配学校；表头为带单位的中文列名，可先在“填报任务”中下载模板。'
      + '文件中的每个单元格都会校验，有任何问题则整个文件不导入。'),
    status);
  return h('div', null, pageHead('基表数据导入', h('a.btn', { href: '#/stats/rounds' }, '下载模板（填报任务）')), picker, result);
}
