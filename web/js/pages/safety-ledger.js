// safety-ledger.js - 安全台账 (#/safety/ledger?school_id=&from=&to=): one
// school's hazards with every step, its safety activities and vaccination
// for a period, from GET /api/safety/ledger, as a printable document.
// Selectors: see safety.js.

import { get } from '../api.js';
import { h, pageHead, dash } from '../ui.js';
import { schoolPicker } from './schools.js';
import { periodOf, periodPicker, money, num, pct, fmtTime, today } from './safety.js';

const qp = (o) => { const u = new URLSearchParams(); for (const [k, v] of Object.entries(o)) if (v !== '' && v !== undefined && v !== null) u.append(k, v); const s = u.toString(); return s ? '?' + s : ''; };

function table(head, rows, empty) {
  return h('table.doc-table.doc-grid', null,
    h('thead', null, h('tr', null, head.map((t) => h('th', null, t)))),
    h('tbody', null, rows.length ? rows : h('tr', null, h('td', { colspan: head.length, class: 'empty' }, empty || '无'))));
}

function stepText(s) {
  const from = s.from_status || s.from || '';
  const to = s.to_status || s.to || '';
  return [s.on_date || fmtTime(s.at), s.action || '', from ? from + '→' + to : to, s.name || s.username || '', s.comment ? '（' + s.comment + '）' : '']
    .filter(Boolean).join(' ');
}

export async function render(ctx) {
  const period = periodOf(ctx.query);
  let schoolId = ctx.query.school_id || '';
  if (!schoolId && ctx.user && ctx.user.role === 'school') schoolId = String(ctx.user.school_id || '');
  const go = (q) => { location.hash = '#/safety/ledger' + qp(Object.assign({ school_id: schoolId, from: period.from, to: period.to }, q)); };
  const picker = schoolPicker('ledger_school', {});
  picker.hidden.addEventListener('change', () => { if (picker.hidden.value) go({ school_id: picker.hidden.value }); });
  const controls = h('div.noprint.ledger-controls', null,
    periodPicker(period, (from, to) => go({ from, to })),
    ctx.user && ctx.user.role === 'school' ? null
      : h('div.school-filter', null, h('label', { for: picker.input.id }, '选择学校'), picker.el));
  const head = pageHead('安全台账',
    schoolId ? h('button.btn.btn-primary', { type: 'button', 'data-testid': 'print', onclick: () => window.print() }, '打印') : null,
    schoolId ? h('a.btn', { href: '#/schools/' + schoolId }, '返回学校') : null,
    h('a.btn', { href: '#/safety/hazards' + qp({ school_id: schoolId }) }, '隐患台账'));
  if (!schoolId) return h('div', null, head, controls, h('p.empty', null, '请选择学校'));

  const d = await get('/api/safety/ledger', { school_id: schoolId, from: period.from, to: period.to });
  const s = d.school || {};
  const hazards = d.hazards || [];
  const acts = d.activities || [];
  const vacs = d.vaccinations || [];
  const closed = hazards.filter((x) => x.status === '已销号').length;

  const hazardRows = [];
  hazards.forEach((x, i) => {
    hazardRows.push(h('tr', { 'data-hazard-id': x.id },
      h('td', null, String(i + 1)), h('td.nowrap', null, dash(x.found_on)), h('td', null, dash(x.category)),
      h('td', null, (x.grade || '') + (x.supervised ? '（督办）' : '')),
      h('td', null, [x.location ? x.location + '：' : '', x.description || ''].join('')),
      h('td', null, dash(x.measures)), h('td', null, dash(x.responsible)), h('td.nowrap', null, dash(x.deadline)),
      h('td', null, (x.status || '') + (x.overdue ? '（逾期）' : '')), h('td.nowrap', null, dash(x.closed_on))));
    if ((x.steps || []).length) {
      hazardRows.push(h('tr.ledger-steps', null, h('td'), h('td', { colspan: 9 },
        h('ol.ledger-step-list', null, x.steps.map((st) => h('li', null, stepText(st)))))));
    }
  });
  const actRows = acts.map((a, i) => h('tr', null,
    h('td', null, String(i + 1)), h('td.nowrap', null, dash(a.on_date)), h('td', null, dash(a.kind)), h('td', null, dash(a.title)),
    h('td.num', null, num(a.participants)), h('td.num', null, num(a.quantity)), h('td.num', null, money(a.funds)), h('td', null, dash(a.note))));
  const rate = (a, b, r) => (r !== undefined && r !== null ? pct(r, 2) : (Number(a) ? pct(Number(b) / Number(a), 2) : '—'));
  const vacRows = vacs.map((v) => h('tr', null,
    h('td', null, dash(v.period)), h('td.num', null, num(v.staff_eligible)), h('td.num', null, num(v.staff_vaccinated)),
    h('td.num', null, rate(v.staff_eligible, v.staff_vaccinated, v.staff_rate)),
    h('td.num', null, num(v.pupils_eligible)), h('td.num', null, num(v.pupils_vaccinated)),
    h('td.num', null, rate(v.pupils_eligible, v.pupils_vaccinated, v.pupils_rate))));

  const doc = h('article.print-doc.ledger', { 'data-testid': 'ledger' },
    h('h1.doc-title', null, (s.name || '') + '安全工作台账'),
    h('p.doc-sub', null, '期间：' + period.from + ' 至 ' + period.to + '　　学校标识码：' + (s.code || '—') + '　　街道/乡镇：' + (s.town || '—')),
    h('h2', null, '一、隐患排查整改（共 ' + hazards.length + ' 条，已销号 ' + closed + ' 条）'),
    table(['序号', '发现日期', '类别', '等级', '隐患描述', '整改措施', '责任人', '整改时限', '状态', '销号日期'], hazardRows, '本期间无隐患记录'),
    h('h2', null, '二、安全活动（共 ' + acts.length + ' 项）'),
    table(['序号', '日期', '类型', '名称/内容', '参与人次', '数量', '经费（元）', '备注'], actRows, '本期间无安全活动记录'),
    h('h2', null, '三、疫苗接种'),
    table(['统计期', '教职工应接种', '教职工已接种', '教职工接种率', '学生应接种', '学生已接种', '学生接种率'], vacRows, '本期间无接种数据'),
    h('div.doc-signs', null,
      h('div.sign', null, '填表人：', h('span.sign-line')),
      h('div.sign', null, '校长（签字）：', h('span.sign-line')),
      h('div.sign', null, '打印日期：' + today())));
  return h('div', null, head, controls, doc);
}
