// plan-report.js - 填报进展 (#/plan/items/<id>/report): a progress report on
// an item (POST /api/items/{id}/reports) by its lead department or a plan
// writer: period (default the month before), 报送日期, 完成情况, 存在问题,
// 下步打算, state, progress %, a figure for each reported target, and
// evidence: texts, links and files. Each chosen file is uploaded at once
// (POST /api/plan-uploads?name=, the raw bytes) and cited by its upload_id.
// On a 400 the server's message shows beside the field and everything
// typed (and uploaded) stays. Selectors: plan-ui.js.

import { get, upload, post, qs } from '../api.js';
import { h, pageHead, input, select, textarea, field, formError, submitting, values, fieldError, toast, errorBox } from '../ui.js';
import { REPORT_STATES, isDate, isLive, fmtVal, today, planAccess, canReport } from './plan-ui.js';

const pad = (n) => String(n).padStart(2, '0');

// The period that ended last before date ref ("YYYY-MM-DD"), kept within
// the plan's year: "YYYY-MM", or "YYYY-Qn" for a quarterly item.
export function previousPeriod(ref, cycle, year) {
  const y = Number(ref.slice(0, 4));
  const m = Number(ref.slice(5, 7));
  if (cycle === 'quarterly') {
    if (y !== year) return year + (y > year ? '-Q4' : '-Q1');
    const q = Math.floor((m - 1) / 3) + 1;
    return year + '-Q' + Math.max(1, q - 1);
  }
  if (y !== year) return year + (y > year ? '-12' : '-01');
  return year + '-' + pad(Math.max(1, m - 1));
}

export async function render(ctx) {
  const id = ctx.params[0];
  const on = isDate(ctx.query.on) ? ctx.query.on : '';
  const [item, acc] = await Promise.all([get('/api/items/' + id, { on }), planAccess(ctx.user)]);
  if (!canReport(ctx.user, item, acc)) return errorBox({ message: '只能填报本股室牵头的事项' });
  return form(ctx, item);
}

function form(ctx, item) {
  const year = Number((item.plan && item.plan.year) || String(item.on || item.due_date || today()).slice(0, 4));
  const now = today();
  // today within the plan's year; else the date statuses are computed at
  const ref = Number(now.slice(0, 4)) === year ? now : (item.on || year + '-12-31');
  const quarterly = item.report_cycle === 'quarterly';
  const period = quarterly
    ? select('period', [1, 2, 3, 4].map((q) => ({ value: year + '-Q' + q, label: year + '年第' + q + '季度' })), previousPeriod(ref, 'quarterly', year))
    : input('period', previousPeriod(ref, 'monthly', year), { type: 'month', min: year + '-01', max: year + '-12' });
  const last = item.last_report;
  const reported = (item.targets || []).filter((t) => !isLive(t));
  const live = (item.targets || []).filter(isLive);
  const figures = reported.map((t, i) => field(t.name + (t.unit ? '（' + t.unit + '）' : ''),
    input('figures[' + i + '].value', '', { type: 'number', step: 'any', 'data-target-id': t.id }),
    { hint: '保底 ' + fmtVal(t.floor, t.unit) + (t.stretch !== null && t.stretch !== undefined ? '，力争 ' + fmtVal(t.stretch, t.unit) : '') + '，当前 ' + fmtVal(t.current, t.unit) }));

  const evBox = h('div.plan-ev-rows', { 'data-testid': 'evidence' });
  const fileIn = h('input', { type: 'file', multiple: true, id: 'plan-file-' + item.id, class: 'file-input', 'data-testid': 'add-file',
    accept: '.pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx' });
  const upStatus = h('span.muted.upload-status', { 'data-testid': 'upload-status' });
  const upError = h('div.upload-error', { role: 'alert', 'data-testid': 'upload-error' });
  const addRow = (kind) => {
    const row = h('div.plan-ev-row', { 'data-kind': kind },
      h('span.plan-ev-kind', null, kind === 'link' ? '链接' : '说明'),
      input('ev-title', '', { maxlength: 200, placeholder: kind === 'link' ? '链接名称' : '标题', 'aria-label': '标题', 'data-role': 'title' }),
      kind === 'link' ? input('ev-body', '', { type: 'url', placeholder: 'https://…', 'aria-label': '网址', 'data-role': 'body' })
        : textarea('ev-body', '', { rows: 2, maxlength: 4000, placeholder: '说明内容', 'aria-label': '说明内容', 'data-role': 'body' }),
      h('button.btn.btn-sm', { type: 'button', onclick: () => { row.remove(); renumber(); } }, '移除'),
      h('span.field-error', { role: 'alert' }));
    evBox.appendChild(row);
    renumber();
    row.querySelector('[data-role="title"]').focus();
  };
  fileIn.addEventListener('change', async () => {
    const files = [...(fileIn.files || [])];
    if (!files.length) return;
    upError.textContent = '';
    fileIn.disabled = true;
    try {
      for (const f of files) {
        upStatus.textContent = '正在上传 ' + f.name + '…';
        try {
          const u = await upload('/api/plan-uploads' + qs({ name: f.name }), f);
          const up = u.upload || u;
          const row = h('div.plan-ev-row', { 'data-kind': 'file', 'data-upload-id': up.id },
            h('span.plan-ev-kind', null, '附件'),
            h('span.plan-ev-file', null, up.name || f.name),
            h('span.muted.plan-small', null, [up.type, up.size ? Math.max(1, Math.round(up.size / 1024)) + ' KB' : ''].filter(Boolean).join(' · ')),
            h('button.btn.btn-sm', { type: 'button', onclick: () => { row.remove(); renumber(); } }, '移除'),
            h('span.field-error', { role: 'alert' }));
          evBox.appendChild(row);
          renumber();
        } catch (e) {
          upError.textContent = f.name + '：' + (e.message || '上传失败');
          break;
        }
      }
    } finally {
      fileIn.disabled = false;
      fileIn.value = '';
      upStatus.textContent = '';
    }
  });
  // the rows' controls are named evidence[i].title / .body in order, as the
  // server names them in its errors
  function renumber() {
    [...evBox.querySelectorAll('.plan-ev-row')].forEach((row, i) => {
      for (const el of row.querySelectorAll('[data-role]')) el.name = 'evidence[' + i + '].' + el.getAttribute('data-role');
      const err = row.querySelector('.field-error');
      const first = row.querySelector('[data-role]');
      err.setAttribute('data-for', first ? first.name : 'evidence[' + i + ']');
    });
  }

  const stateSel = select('state', REPORT_STATES, (last && last.state) || 'on_track');
  const f = h('form.form-grid.plan-report-form', { novalidate: true, 'aria-label': '填报进展' },
    formError(),
    field('报送期', period, { required: true, hint: quarterly ? '按季报送' : '按月报送（默认上月）' }),
    field('报送日期', input('reported_on', ref, { type: 'date', min: year + '-01-01', max: year + '-12-31' }), { required: true }),
    field('自评状态', stateSel, { required: true }),
    field('完成情况', textarea('done', '', { rows: 4, maxlength: 4000 }), { required: true, wide: true }),
    field('存在问题', textarea('problems', '', { rows: 3, maxlength: 4000 }), { wide: true }),
    field('下步打算', textarea('next_steps', '', { rows: 3, maxlength: 4000 }), { wide: true }),
    field('自评进度（%）', input('progress', last && last.progress !== undefined ? last.progress : '', { type: 'number', min: 0, max: 100, step: 'any' })),
    figures.length ? h('h2.form-section.field-wide', null, '指标数据') : null,
    figures,
    live.length ? h('p.hint.field-wide', null, '系统实时指标（' + live.map((t) => t.name).join('、') + '）的当前值由系统自动记录。') : null,
    h('h2.form-section.field-wide', null, '佐证材料'),
    h('div.field-wide', null, evBox,
      h('div.plan-ev-add.noprint', null,
        h('button.btn.btn-sm', { type: 'button', 'data-testid': 'add-text', onclick: () => addRow('text') }, '＋ 文字说明'),
        h('button.btn.btn-sm', { type: 'button', 'data-testid': 'add-link', onclick: () => addRow('link') }, '＋ 链接'),
        h('label.btn.btn-sm', { for: fileIn.id }, '＋ 上传附件'), fileIn, upStatus,
        h('span.hint', null, 'PDF、图片、Word、Excel，每个不超过 10 MB')),
      upError,
      h('span.field-error', { role: 'alert', 'data-for': 'evidence' })),
    h('div.form-actions.field-wide', null,
      h('button.btn.btn-primary', { type: 'submit', 'data-testid': 'save' }, '提交报送'),
      h('a.btn', { href: '#/plan/items/' + item.id, 'data-testid': 'cancel' }, '取消')));

  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = values(f);
    if (!v.period) { fieldError(f, 'period', '请填写报送期'); return; }
    if (!v.done) { fieldError(f, 'done', '请填写完成情况'); return; }
    const body = {
      period: v.period, reported_on: v.reported_on || undefined, done: v.done, problems: v.problems || null,
      next_steps: v.next_steps || null, state: v.state, progress: v.progress === '' ? null : Number(v.progress),
      figures: [], evidence: [],
    };
    // figures: the typed ones, and which control each index came from
    const figureNames = [];
    reported.forEach((t, i) => {
      const raw = v['figures[' + i + '].value'];
      if (raw === '' || raw === undefined) return;
      figureNames.push('figures[' + i + '].value');
      body.figures.push({ target_id: t.id, value: Number(raw) });
    });
    [...evBox.querySelectorAll('.plan-ev-row')].forEach((row) => {
      const kind = row.getAttribute('data-kind');
      if (kind === 'file') { body.evidence.push({ kind: 'file', upload_id: Number(row.getAttribute('data-upload-id')) }); return; }
      const title = row.querySelector('[data-role="title"]').value.trim();
      const text = row.querySelector('[data-role="body"]').value.trim();
      body.evidence.push({ kind, title: title || (kind === 'link' ? text : '说明'), body: text });
    });
    submitting(f, async () => {
      try {
        await post('/api/items/' + item.id + '/reports', body);
      } catch (err) {
        // figures[k] of the body is the control figureNames[k]
        const m = err.field && /^figures\[(\d+)\](.*)$/.exec(err.field);
        if (m && figureNames[Number(m[1])]) err.field = figureNames[Number(m[1])];
        const e = err.field && /^evidence\[(\d+)\]/.exec(err.field);
        const row = e ? evBox.querySelectorAll('.plan-ev-row')[Number(e[1])] : null;
        if (row) row.querySelector('.field-error').setAttribute('data-for', err.field);
        throw err;
      }
      toast('进展已报送');
      ctx.go('#/plan/items/' + item.id);
    });
  });

  return h('div', null,
    pageHead('填报进展：' + (item.code ? item.code + ' ' : '') + item.title,
      h('a.btn', { href: '#/plan/items/' + item.id, 'data-testid': 'back' }, '返回事项')),
    h('section.card', null, f));
}
