// eval-whatif.js - 模拟测算 (#/eval/what-if?year=&stage=&school=&scenario=):
// choose schools (the failing ones first), add changes (hire teachers, add
// m², equipment, rooms: any 基表 field, add or set; move pupils between two
// schools), run POST /api/eval/what-if (nothing saved) and compare before ->
// after: the county verdict, the schools passing, each 差异系数, the verdict
// of the changed schools. A writer of eval saves the changes as a named
// scenario (POST /api/eval/scenarios); saved ones are listed and opened again
// (GET /api/eval/scenarios/{id}: recomputed on today's data). Selectors: top of eval.js.

import { get, post, request } from '../api.js';
import { h, append, pageHead, clear, toast, modal, input, field, formError, submitting, showError, clearErrors, confirmBox, setOptions } from '../ui.js';
import {
  FIELD_LABEL, GAP_FIELD, INDICATOR_SHORT, STAGE_LABEL, WHATIF_FIELDS, balanced, evalAccess, evalTabs, fmt, fmtCv,
  currentOrg, latestYear, qp, stageOf, stageSelect, verdictBadge, withOrg, yearOf, yearSelect,
} from './eval-common.js';

// The org of a what-if or scenario body: the current org as a number (none: the caller's scope).
const orgBody = () => (currentOrg() ? { org: Number(currentOrg()) } : {});

const AREA_FIELDS = new Set(['teaching_area', 'sports_ground_area', 'gym_area']);

// The changes that close a school part's gaps: the shortfall (in the part's
// share of shared resources) divided by the share, rounded up.
export function gapChanges(s) {
  const share = Number(s.share) > 0 ? Number(s.share) : 1;
  const out = [];
  for (const g of s.gaps || []) {
    const fieldName = GAP_FIELD[g.indicator];
    if (!fieldName || !(Number(g.shortfall) > 0)) continue;
    const need = Number(g.shortfall) / share;
    const add = AREA_FIELDS.has(fieldName) ? Math.ceil(need * 10 - 1e-9) / 10 : Math.ceil(need - 1e-9);
    out.push({ school_id: s.school_id, field: fieldName, mode: 'add', amount: String(add) });
  }
  return out;
}

const numOrRaw = (v) => {
  const t = String(v === undefined || v === null ? '' : v).trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isNaN(n) ? t : n;
};

// the editor's rows -> the API's changes
function toApi(rows) {
  return rows.map((r) => (r.move
    ? { move_pupils: numOrRaw(r.amount), from_school_id: Number(r.from) || null, to_school_id: Number(r.to) || null }
    : { school_id: r.school_id, field: r.field, [r.mode === 'set' ? 'set' : 'add']: numOrRaw(r.amount) }));
}
// the API's changes -> the editor's rows
function fromApi(changes) {
  return (changes || []).map((c) => (c.move_pupils !== undefined
    ? { move: true, amount: String(c.move_pupils), from: String(c.from_school_id || ''), to: String(c.to_school_id || '') }
    : { school_id: c.school_id, field: c.field, mode: c.set !== undefined ? 'set' : 'add', amount: String(c.set !== undefined ? c.set : c.add) }));
}

function schoolOptions(schools) {
  const failing = schools.filter((s) => !s.pass).sort((a, b) => (a.met - b.met) || String(a.name).localeCompare(String(b.name), 'zh-CN'));
  const passing = schools.filter((s) => s.pass).sort((a, b) => String(a.name).localeCompare(String(b.name), 'zh-CN'));
  const opt = (s) => h('option', { value: s.school_id }, s.name + '（达标 ' + s.met + ' 项' + (s.pass ? '' : '，未达标') + '）');
  return [
    failing.length ? h('optgroup', { label: '未达标学校（' + failing.length + ' 所）' }, failing.map(opt)) : null,
    passing.length ? h('optgroup', { label: '达标学校' }, passing.map(opt)) : null,
  ];
}

function beforeAfter(before, after, render) {
  return [h('td.before', null, render(before)), h('td.arrow', { 'aria-hidden': 'true' }, '→'), h('td.after', null, render(after))];
}

// The result: before -> after for the verdict, the CVs and the changed schools.
function resultView(d, r) {
  const b = r.before || { pass: d.pass, schools_passing: d.schools_passing, cv: {} };
  const beforeSchools = Object.fromEntries((d.schools || []).map((s) => [String(s.school_id), s]));
  const afterSchools = Object.fromEntries((r.schools || []).map((s) => [String(s.school_id), s]));
  const changed = new Set((r.changed_schools || []).map(String));
  for (const [id, s] of Object.entries(afterSchools)) if (beforeSchools[id] && !!beforeSchools[id].pass !== !!s.pass) changed.add(id);
  const cvRows = (r.indicators || []).map((x) => {
    const cb = b.cv ? b.cv[x.key] : undefined;
    const moved = cb !== undefined && cb !== null && x.cv !== null && Math.abs(Number(cb) - Number(x.cv)) > 1e-9;
    const delta = moved ? Number(x.cv) - Number(cb) : 0;
    return h('tr', { 'data-indicator': x.key, class: moved ? 'moved' : null },
      h('td', null, INDICATOR_SHORT[x.key] || x.name),
      ...beforeAfter(cb, x.cv, fmtCv),
      h('td.num.delta', { class: moved ? (delta < 0 ? 'eval-better' : 'eval-worse') : null }, moved ? (delta > 0 ? '+' : '') + delta.toFixed(4) : '—'),
      h('td.num', null, '≤ ' + fmt(x.cv_threshold)),
      h('td', null, verdictBadge(x.cv_pass)));
  });
  const schoolRows = Array.from(changed).map((id) => {
    const s0 = beforeSchools[id] || {};
    const s1 = afterSchools[id] || {};
    const moved = !!s0.pass !== !!s1.pass;
    return h('tr', { 'data-school-id': id, class: moved ? 'moved' : null },
      h('td', null, h('a', { href: '#/eval/school/' + id + qp({ year: d.year }) }, s1.name || s0.name || ('#' + id))),
      h('td.num.met', null, fmt(s0.met) + ' → ' + fmt(s1.met)),
      ...beforeAfter(s0.pass, s1.pass, (v) => verdictBadge(v)),
      h('td.eval-gaps', null, (s1.gaps || []).length ? s1.gaps.map((g) => g.text).join('；') : '—'));
  });
  const vMoved = !!b.pass !== !!r.pass;
  const pMoved = Number(b.schools_passing) !== Number(r.schools_passing);
  return h('section.card', { 'data-testid': 'whatif-result' },
    h('h2', null, '测算结果（未保存到基表）'),
    h('div.eval-compare', null,
      h('div', { class: 'eval-compare-item' + (vMoved ? ' moved' : ''), 'data-testid': 'whatif-verdict' },
        h('div.stat-label', null, '县域结论'), h('span.before', null, verdictBadge(b.pass)), ' → ', h('span.after', null, verdictBadge(r.pass))),
      h('div', { class: 'eval-compare-item' + (pMoved ? ' moved' : ''), 'data-testid': 'whatif-passing' },
        h('div.stat-label', null, '达标学校'), h('span.before', null, fmt(b.schools_passing)), ' → ', h('span.after', null, fmt(r.schools_passing)),
        h('span.muted', null, ' / ' + fmt(r.schools_total)))),
    h('h3', null, '差异系数'),
    h('div.table-wrap.auto', null, h('table.data.compact', { 'data-testid': 'whatif-cv' },
      h('thead', null, h('tr', null, ['指标', '调整前', '', '调整后', '变化', '标准', '结论'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, cvRows))),
    h('h3', null, '涉及学校'),
    h('div.table-wrap.auto', null, h('table.data.compact', { 'data-testid': 'whatif-schools' },
      h('thead', null, h('tr', null, ['学校', '达标项', '调整前', '', '调整后', '调整后仍有的差距'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, schoolRows.length ? schoolRows : h('tr', null, h('td.empty', { colspan: 6 }, '没有学校的结论发生变化'))))),
    (r.failures || []).length ? h('div', null, h('h3', null, '调整后仍未达标的项目'),
      h('ul.eval-failures', null, r.failures.map((f) => h('li', { 'data-item': f.item }, f.text)))) : h('p.eval-ok', null, '调整后各项均达到国家标准。'));
}

function scenariosCard(list, acc, year, current) {
  const table = h('table.data.compact', { 'data-testid': 'scenarios' },
    h('thead', null, h('tr', null, ['方案名称', '学段', '调整项', '保存时结论', '保存时达标学校', '创建人', '保存时间', ''].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, list.length ? list.map((s) => {
      const sum = s.summary || {};
      const del = acc.write ? h('button.btn.btn-sm', { type: 'button', 'data-testid': 'scenario-delete' }, '删除') : null;
      if (del) {
        del.addEventListener('click', async () => {
          if (!(await confirmBox('删除方案“' + s.name + '”？', '删除'))) return;
          try {
            await request('DELETE', '/api/eval/scenarios/' + s.id);
            toast('方案已删除');
            // the open scenario is gone: show the page without it
            if (String(s.id) === String(current)) location.hash = '#/eval/what-if' + qp({ year: s.year || year, stage: s.stage });
            else location.reload();
          } catch (e) { toast(e.message, 'error'); }
        });
      }
      return h('tr', { 'data-scenario-id': s.id },
        h('td', null, s.name), h('td', null, STAGE_LABEL[s.stage] || s.stage), h('td.num', null, String((s.changes || []).length)),
        h('td', null, verdictBadge(sum.pass)), h('td.num', null, fmt(sum.schools_passing)),
        h('td', null, s.created_by_name || '—'), h('td.nowrap', null, fmtWhen(s.created_at)),
        h('td.nowrap', null, h('a.btn.btn-sm', { href: '#/eval/what-if' + qp({ year: s.year || year, stage: s.stage, scenario: s.id }), 'data-testid': 'scenario-open' }, '打开'), ' ', del));
    }) : h('tr', null, h('td.empty', { colspan: 8 }, '尚无保存的方案'))));
  return h('section.card.noprint', null, h('h2', null, year + '学年已保存的方案'), h('div.table-wrap.auto', null, table));
}

function fmtWhen(t) {
  if (t === undefined || t === null || t === '') return '—';
  if (typeof t === 'string' && !/^\d+$/.test(t)) return t;
  const d = new Date(Number(t) * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + ' ' + p(d.getHours()) + ':' + p(d.getMinutes());
}

function saveDialog(year, stage, changes) {
  const name = input('name', '', { maxlength: 100, required: true });
  const form = h('form.form', { novalidate: true }, formError(), field('方案名称', name, { required: true, hint: '例如：城区小学补充体育教师 6 名' }),
    h('div.form-actions', null, h('button.btn.btn-primary', { type: 'submit', 'data-testid': 'save' }, '保存'),
      h('button.btn', { type: 'button', 'data-testid': 'cancel', onclick: () => m.close() }, '取消')));
  const m = modal('保存为方案', form);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitting(form, async () => {
      await post('/api/eval/scenarios', { name: name.value.trim(), year, stage, changes, ...orgBody() });
      m.close();
      toast('方案已保存');
      location.reload();
    });
  });
  name.focus();
}

export async function render(ctx) {
  const stage = stageOf(ctx.query);
  const asked = yearOf(ctx.query);
  const scenarioId = /^\d+$/.test(ctx.query.scenario || '') ? ctx.query.scenario : null;
  const [d, acc, scenario] = await Promise.all([balanced(asked, stage), evalAccess(ctx.user),
    scenarioId ? get('/api/eval/scenarios/' + scenarioId) : Promise.resolve(null)]);
  const year = d.year || asked;
  const [saved, last] = await Promise.all([get('/api/eval/scenarios', withOrg({ year })).then((x) => x.items || []).catch(() => []), latestYear()]);
  const schools = d.schools || [];
  const byId = Object.fromEntries(schools.map((s) => [String(s.school_id), s]));
  const go = (q) => { location.hash = '#/eval/what-if' + qp(Object.assign({ year, stage }, q)); };

  let rows = scenario ? fromApi(scenario.changes) : [];
  const form = h('form.eval-editor', { novalidate: true });
  const tbody = h('tbody');
  const resultBox = h('div');

  const schoolSel = h('select', { 'data-testid': 'whatif-school', id: 'whatif-school', 'aria-label': '学校' }, schoolOptions(schools));
  if (ctx.query.school && byId[ctx.query.school]) schoolSel.value = String(ctx.query.school);
  const gapsNote = h('p.note', { 'data-testid': 'whatif-gaps' });
  const showGaps = () => {
    const s = byId[schoolSel.value];
    gapsNote.textContent = s ? ((s.gaps || []).length ? '差距：' + s.gaps.map((g) => g.text).join('；') : '该校各项均达到标准。') : '';
  };
  schoolSel.addEventListener('change', showGaps);
  showGaps();

  const schoolName = (id) => (byId[String(id)] ? byId[String(id)].name : '#' + id);
  const err = (name) => h('span.field-error', { role: 'alert', 'data-for': name });
  const bind = (el, r, k) => { el.addEventListener('input', () => { r[k] = el.value; }); el.addEventListener('change', () => { r[k] = el.value; }); return el; };

  function paint() {
    clear(tbody);
    if (!rows.length) { tbody.appendChild(h('tr', null, h('td.empty', { colspan: 4 }, '尚未添加调整项：选择学校后点“按差距补齐”或“添加调整”'))); return; }
    rows.forEach((r, i) => {
      const p = 'changes[' + i + '].';
      const remove = h('button.btn.btn-sm', { type: 'button', 'data-testid': 'change-remove', 'aria-label': '删除此项', onclick: () => { rows.splice(i, 1); paint(); } }, '删除');
      if (r.move) {
        const from = h('select', { name: p + 'from_school_id', 'aria-label': '调出学校' });
        const to = h('select', { name: p + 'to_school_id', 'aria-label': '调入学校' });
        for (const sel of [from, to]) setOptions(sel, schools.map((s) => ({ value: s.school_id, label: s.name })), '', '选择学校');
        from.value = r.from || '';
        to.value = r.to || '';
        const amount = h('input', { type: 'number', min: 1, step: 1, name: p + 'move_pupils', 'aria-label': '调配学生数', class: 'eval-amount' });
        amount.value = r.amount || '';
        tbody.appendChild(h('tr.eval-change', { 'data-index': i },
          h('td', null, '调配学生'),
          h('td', null, h('span.muted', null, '从 '), bind(from, r, 'from'), err(p + 'from_school_id'), h('span.muted', null, ' 调到 '), bind(to, r, 'to'), err(p + 'to_school_id')),
          h('td', null, bind(amount, r, 'amount'), ' 人', err(p + 'move_pupils')),
          h('td', null, remove)));
        return;
      }
      const fieldSel = h('select', { name: p + 'field', 'aria-label': '调整项目' });
      setOptions(fieldSel, WHATIF_FIELDS, r.field);
      const mode = h('select', { 'aria-label': '方式', name: p + 'mode' });
      setOptions(mode, [{ value: 'add', label: '增加' }, { value: 'set', label: '设为' }], r.mode || 'add');
      const amount = h('input', { type: 'number', step: 'any', name: p + (r.mode === 'set' ? 'set' : 'add'), 'aria-label': '数量', class: 'eval-amount' });
      amount.value = r.amount || '';
      mode.addEventListener('change', () => { r.mode = mode.value; paint(); });
      tbody.appendChild(h('tr.eval-change', { 'data-index': i, 'data-school-id': r.school_id },
        h('td', null, h('a', { href: '#/eval/school/' + r.school_id + qp({ year }) }, schoolName(r.school_id))),
        h('td', null, bind(fieldSel, r, 'field'), err(p + 'field')),
        h('td', null, mode, ' ', bind(amount, r, 'amount'), err(p + (r.mode === 'set' ? 'set' : 'add'))),
        h('td', null, remove)));
    });
  }

  const put = (list) => {
    for (const c of list) {
      const same = rows.find((r) => !r.move && String(r.school_id) === String(c.school_id) && r.field === c.field && r.mode === c.mode);
      if (same) same.amount = c.amount; else rows.push(c);
    }
    paint();
  };
  const fillBtn = h('button.btn', { type: 'button', 'data-testid': 'whatif-fill-gaps', title: '按所选学校的差距添加教师、面积、设备等调整项' }, '按差距补齐');
  fillBtn.addEventListener('click', () => {
    const s = byId[schoolSel.value];
    if (!s) return;
    const list = gapChanges(s);
    if (!list.length) { toast('该校各项均达到标准，无需补齐'); return; }
    put(list);
  });
  const addBtn = h('button.btn', { type: 'button', 'data-testid': 'whatif-add' }, '添加调整');
  addBtn.addEventListener('click', () => {
    if (!byId[schoolSel.value]) return;
    rows.push({ school_id: Number(schoolSel.value), field: 'teachers_pe', mode: 'add', amount: '1' });
    paint();
  });
  const moveBtn = h('button.btn', { type: 'button', 'data-testid': 'whatif-move' }, '调配学生');
  moveBtn.addEventListener('click', () => { rows.push({ move: true, amount: '', from: schoolSel.value || '', to: '' }); paint(); });

  const runBtn = h('button.btn.btn-primary', { type: 'submit', 'data-testid': 'whatif-run' }, '测算');
  const saveBtn = acc.write ? h('button.btn', { type: 'button', 'data-testid': 'whatif-save' }, '保存为方案') : null;
  if (saveBtn) {
    saveBtn.addEventListener('click', () => {
      if (!rows.length) { toast('请先添加调整项', 'error'); return; }
      saveDialog(year, stage, toApi(rows));
    });
  }
  let seq = 0;
  async function run() {
    if (!rows.length) { showError(form, { message: '请先添加调整项' }); return; }
    const my = ++seq;
    await submitting(form, async () => {
      const r = await post('/api/eval/what-if', { year, stage, changes: toApi(rows), ...orgBody() });
      if (my !== seq) return;
      clear(resultBox);
      resultBox.appendChild(h('div.print-only', null, h('h2', null, '调整项'),
        h('ul', null, rows.map((c) => h('li', null, c.move
          ? '从 ' + schoolName(c.from) + ' 调配 ' + c.amount + ' 名学生到 ' + schoolName(c.to)
          : schoolName(c.school_id) + '：' + (FIELD_LABEL[c.field] || c.field) + (c.mode === 'set' ? ' 设为 ' : ' 增加 ') + c.amount)))));
      resultBox.appendChild(resultView(d, r));
    });
  }
  form.addEventListener('submit', (ev) => { ev.preventDefault(); run(); });
  form.addEventListener('change', () => clearErrors(form));

  append(form, [
    formError(),
    h('div.eval-picker', null, h('label', { for: 'whatif-school' }, '学校'), schoolSel, fillBtn, addBtn, moveBtn),
    gapsNote,
    h('div.table-wrap.auto', null, h('table.data.compact.eval-changes', null,
      h('thead', null, h('tr', null, ['学校', '项目', '数量', ''].map((t) => h('th', { scope: 'col' }, t)))), tbody)),
    h('div.form-actions', null, runBtn, saveBtn, h('button.btn', { type: 'button', onclick: () => { rows = []; paint(); clear(resultBox); } }, '清空')),
  ]);
  paint();
  if (scenario && scenario.result) resultBox.appendChild(resultView(d, scenario.result));

  return h('div.eval-page', null,
    pageHead(scenario ? '模拟测算：' + scenario.name : '模拟测算', yearSelect(year, last || year, (y) => go({ year: y })), stageSelect(stage, (s) => go({ stage: s })),
      h('button.btn', { type: 'button', onclick: () => window.print() }, '打印')),
    evalTabs('/eval/what-if', year),
    h('p.note', null, year + '学年' + STAGE_LABEL[stage] + '：在基表数据上试算补充教师、面积、设备或调配学生后的评估结果，不会修改基表。',
      scenario && scenario.summary ? ' 方案保存时：' + (scenario.summary.pass ? '达标' : '未达标') + '，达标学校 ' + fmt(scenario.summary.schools_passing) + ' 所；下方为按当前数据重新测算的结果。' : ''),
    h('section.card.noprint', null, h('h2', null, '调整项'), form),
    resultBox,
    scenariosCard(saved, acc, year, scenarioId));
}
