// safety.js - 安全 module: shared pieces (vocabularies, who may write, the
// category list, badges, period picker, photo upload) and the 安全看板 page
// (#/safety) from GET /api/safety/summary. The other pages are in
// safety-hazards.js, safety-inspections.js, safety-activities.js,
// safety-vaccinations.js and safety-ledger.js.
//
// Routes: #/safety (看板, ?from=&to=)   #/safety/hazards (隐患台账, filters in the query)
//   #/safety/hazards/new   #/safety/hazards/<id>   #/safety/hazards/<id>/notice (整改通知书)
//   #/safety/inspections   #/safety/inspections/new   #/safety/inspections/<id>   #/safety/coverage
//   #/safety/activities   #/safety/vaccinations (?period=YYYY-MM)   #/safety/ledger?school_id=&from=&to=
//
// Selectors for browser tests (also in /tmp/safety-selectors.txt); the list,
// form and dialog selectors of ui.js apply everywhere (table.data tbody
// tr[data-id], form.filters [name=...], [data-testid="save"], .field-error,
// .form-error, dialog.modal[open], [data-testid="export"], #toasts .toast).
//   menu              #menu a[data-route="/safety"|"/safety/hazards"|"/safety/inspections"|
//                     "/safety/activities"|"/safety/vaccinations"]
//   首页               [data-testid="safety-alerts"] (red box, only when there are overdue 重大
//                     hazards), its links a[data-hazard-id="<id>"]
//   看板               [data-testid="period-from"] [data-testid="period-to"] (date inputs)
//                     [data-testid="period-2021"] [data-testid="period-2022"] [data-testid="period-year"]
//                     .stat[data-testid="stat-found|stat-closed|stat-open|stat-overdue|stat-supervised|
//                     stat-rate|stat-median|stat-mean"] .stat-value
//                     #chart-month #chart-category #chart-status  table[data-testid="activities-by-kind"]
//                     [data-testid="vacc-staff-rate"] [data-testid="vacc-pupils-rate"]
//   隐患台账           filters name=status|grade|category|town|overdue|supervised|from|to|q (#hazard-q)
//                     school filter: [data-testid="picker-school_id"] then .pick[data-id]
//                     [data-testid="hazard-new"] (登记隐患)  tr.overdue (overdue rows)
//                     [data-testid="ledger-link"] (only when filtered by one school)
//   hazard form       #/safety/hazards/new: name=school_id (hidden; picker [data-testid="picker-school_id"],
//                     or fixed for a 学校管理员) category_id grade location description found_on
//                     found_by measures responsible funds deadline interim; [data-testid="save"]
//   hazard detail     [data-testid="hazard-status"] (badge text = status) [data-testid="supervised-badge"]
//                     [data-testid="overdue-badge"]  dl.detail dd[data-field="<api field>"]
//                     [data-testid="transition-整改中"|"transition-待验收"|"transition-已销号"|"transition-退回"]
//                     -> dialog.modal textarea[name="comment"] + [data-testid="save"] (退回: comment required)
//                     [data-testid="timeline"] > .step (one per step; .step-action .step-who .step-when
//                     .step-states .step-comment)
//                     [data-testid="photo-kind"] (select 整改前|整改后|其他) [data-testid="photo-input"]
//                     (input type=file; choosing a file uploads it) [data-testid="photo-error"] (server's
//                     415/413/409 message)  [data-testid="photos-整改前"] / [data-testid="photos-整改后"]
//                     / [data-testid="photos-其他"] each with img.thumb[data-photo-id]
//                     [data-testid="edit-plan"] (dialog with the plan fields, PATCH) [data-testid="print-notice"]
//   整改通知书         #/safety/hazards/<id>/notice: .print-doc[data-testid="notice"] h1 "隐患整改通知书"
//   排查               [data-testid="inspection-new"] [data-testid="coverage-link"]; form name=name|kind|on_date|
//                     note, school chooser [data-testid="picker-school"] .pick[data-id] and
//                     [data-testid="town-add"] (select a town) , chosen: .chip[data-school-id]; categories
//                     input[name="category_ids"][value=<id>] checkboxes
//                     detail: table[data-testid="inspection-schools"] tr[data-school-id] with
//                     [data-testid="finding"] (录入发现) -> dialog: textarea[name="result"],
//                     [data-testid="add-hazard"], blocks .finding-hazard with names hazards[i].<field>;
//                     [data-testid="checklist"] li
//   覆盖情况           #/safety/coverage: [data-testid="period-from|period-to"], [data-testid="coverage-inspected"]
//                     [data-testid="coverage-not-inspected"] table.data tr[data-school-id] (tr.not-inspected first)
//                     [data-testid="export"]
//   安全活动           filters name=kind|town|from|to, school picker as above; [data-testid="activity-new"] ->
//                     dialog with school_id kind title on_date participants quantity funds note;
//                     table[data-testid="activity-totals"] with [data-testid="totals-by"] (select kind|town|school)
//   疫苗接种           [data-testid="vacc-period"] (input type=month); rows tr[data-school-id=<school_id>], td.rate,
//                     td.rate.low (< 99%); tfoot tr.county-row; row button [data-testid="vacc-edit"];
//                     [data-testid="vacc-new"] -> dialog names school_id staff_eligible staff_vaccinated
//                     pupils_eligible pupils_vaccinated, [data-testid="save"] (PUT)
//   台账               #/safety/ledger?school_id=&from=&to=: .print-doc[data-testid="ledger"],
//                     [data-testid="print"]; from a school's page [data-testid="safety-ledger"]

import { get, upload, qs } from '../api.js';
import { moduleAccess } from '../access.js';
import { h, pageHead, badge, dash, toast } from '../ui.js';
import { drawCharts } from '../charts.js';

export const HAZARD_STATUSES = ['已登记', '整改中', '待验收', '已销号'];
export const GRADES = ['一般', '重大'];
export const INSPECTION_KINDS = ['日常', '专项', '节前', '汛期', '开学', '其他'];
export const ACTIVITY_KINDS = ['安全教育', '应急演练', '安防器材', '灭火器', '维修', '宣传版面'];
export const KIND_WITH_PARTICIPANTS = ['安全教育', '应急演练'];
export const KIND_WITH_QUANTITY = ['安防器材', '灭火器', '宣传版面'];
export const PHOTO_KINDS = ['整改前', '整改后', '其他'];

// The loop: the buttons a status offers, in order.
export const NEXT_STEPS = {
  已登记: [{ to: '整改中', label: '开始整改' }],
  整改中: [{ to: '待验收', label: '提交验收' }],
  待验收: [{ to: '已销号', label: '销号' }, { to: '退回', label: '退回' }],
  已销号: [],
};

// ---- dates --------------------------------------------------------------

const pad = (n) => String(n).padStart(2, '0');
export function today() {
  const d = new Date();
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
}
export function thisYear() { return new Date().getFullYear(); }
export function yearRange(y) { return { from: y + '-01-01', to: y + '-12-31' }; }
export function periodOf(query) {
  const def = yearRange(thisYear());
  const ok = (s) => /^\d{4}-\d{2}-\d{2}$/.test(s || '');
  return { from: ok(query.from) ? query.from : def.from, to: ok(query.to) ? query.to : def.to };
}
export function fmtTime(t) {
  if (t === undefined || t === null || t === '') return '';
  if (typeof t === 'string') return t;
  const d = new Date(Number(t) * 1000);
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
}

// ---- numbers --------------------------------------------------------------

export function pct(rate, digits) {
  if (rate === undefined || rate === null || rate === '' || Number.isNaN(Number(rate))) return '—';
  return (Number(rate) * 100).toFixed(digits === undefined ? 1 : digits) + '%';
}
export function money(v) {
  if (v === undefined || v === null || v === '') return '—';
  const n = Number(v);
  return Number.isNaN(n) ? String(v) : n.toLocaleString('zh-CN', { maximumFractionDigits: 2 });
}
export function num(v) { return v === undefined || v === null || v === '' ? '—' : String(v); }
// '' stays absent; numbers become numbers
export function toNum(v) { return v === '' || v === undefined || v === null ? undefined : Number(v); }

// ---- who may write --------------------------------------------------------------

// the menu's view of who may write (access.js); the server decides
export const safetyAccess = (user) => moduleAccess(user, 'safety');

// ---- categories ------------------------------------------------------------------

let catPromise = null;
export function categories() {
  if (!catPromise) {
    catPromise = get('/api/safety/categories').then((r) => r.items || []).catch((e) => { catPromise = null; throw e; });
  }
  return catPromise;
}
export function categoryOptions(activeOnly) {
  return categories().then((items) => items.filter((c) => !activeOnly || c.active === undefined || c.active === null || Number(c.active) === 1 || c.active === true)
    .map((c) => ({ value: c.id, label: c.name })));
}

// ---- badges ----------------------------------------------------------------------

export function hazardStatusBadge(s) {
  const kind = s === '已销号' ? 'ok' : s === '待验收' ? 'info' : s === '整改中' ? 'warn' : 'muted';
  return badge(s || '—', kind);
}
export function gradeBadge(g) { return badge(g || '—', g === '重大' ? 'danger' : 'muted'); }
export function overdueBadge(hz) {
  if (!hz || !hz.overdue) return null;
  return badge('逾期' + (hz.days_overdue ? ' ' + hz.days_overdue + ' 天' : ''), 'danger');
}
export function supervisedBadge(hz) { return hz && hz.supervised ? badge('挂牌督办', 'danger-outline') : null; }
export function rateCell(rate) {
  const low = rate !== undefined && rate !== null && rate !== '' && Number(rate) < 0.99;
  return h('span', { class: 'rate' + (low ? ' low' : '') }, pct(rate, 2));
}

// ---- period picker -----------------------------------------------------------------

// periodPicker({from, to}, onChange(from, to)) -> Node with two dates and the
// quick buttons 2021年, 2022年, 本年.
export function periodPicker(period, onChange) {
  const from = h('input', { type: 'date', name: 'from', value: period.from, 'data-testid': 'period-from', 'aria-label': '开始日期' });
  const to = h('input', { type: 'date', name: 'to', value: period.to, 'data-testid': 'period-to', 'aria-label': '结束日期' });
  const fire = () => { if (from.value && to.value) onChange(from.value, to.value); };
  from.addEventListener('change', fire);
  to.addEventListener('change', fire);
  const quick = (label, y, testid) => h('button.btn.btn-sm', {
    type: 'button', 'data-testid': testid,
    class: period.from === yearRange(y).from && period.to === yearRange(y).to ? 'active' : null,
    onclick: () => { const r = yearRange(y); onChange(r.from, r.to); },
  }, label);
  const y = thisYear();
  return h('div.period-picker.noprint', null,
    h('label', null, '统计期间 '), from, h('span', null, ' 至 '), to,
    quick('2021年', 2021, 'period-2021'), quick('2022年', 2022, 'period-2022'),
    quick('本年', y, 'period-year'));
}

// ---- photos ----------------------------------------------------------------------

// uploadPhoto(hazardId, file, kind) -> the photo object. The raw file is the
// body (Content-Type = the file's type); errors as ApiError (415, 413, 409...).
export function uploadPhoto(hazardId, file, kind) {
  return upload('/api/hazards/' + encodeURIComponent(hazardId) + '/photos' + qs({ kind, name: file.name || '' }), file);
}

// ---- charts ----------------------------------------------------------------------

const COLORS = ['#1d5fbf', '#f0a02c', '#43a66a', '#d9534f', '#8a6fd1', '#2bb3b3', '#9aa5b1', '#c98a4b', '#3b82d6', '#5ea1e8'];

function chartCard(title, id, wide) {
  const box = h('div.chart', { id, role: 'img', 'aria-label': title });
  return { card: h('section', { class: 'card chart-card' + (wide ? ' chart-wide' : '') }, h('h2', null, title), box), box };
}

function monthOption(items) {
  return {
    color: COLORS,
    grid: { left: 48, right: 24, top: 36, bottom: 36 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: items.map((d) => d.month) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: '发现', type: 'bar', data: items.map((d) => d.found || 0), barMaxWidth: 28 },
      { name: '销号', type: 'line', data: items.map((d) => d.closed || 0), smooth: false, symbolSize: 7 },
    ],
    animation: false,
  };
}

function categoryOption(items) {
  const rotate = items.length > 6 ? 30 : 0;
  return {
    color: COLORS,
    grid: { left: 48, right: 16, top: 36, bottom: rotate ? 80 : 36 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: items.map((d) => d.name), axisLabel: { interval: 0, rotate } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: '发现', type: 'bar', data: items.map((d) => d.found || 0), barMaxWidth: 26 },
      { name: '销号', type: 'bar', data: items.map((d) => d.closed || 0), barMaxWidth: 26 },
    ],
    animation: false,
  };
}

const STATUS_COLORS = { 已登记: '#9aa5b1', 整改中: '#f0a02c', 待验收: '#3b82d6', 已销号: '#43a66a' };

function pieOption(items) {
  return {
    tooltip: { trigger: 'item', formatter: '{b}：{c} 条（{d}%）' },
    legend: { bottom: 0 },
    series: [{ type: 'pie', radius: ['38%', '66%'], center: ['50%', '45%'],
      data: items.filter((d) => Number(d.value) > 0).map((d) => ({ name: d.name, value: d.value, itemStyle: { color: STATUS_COLORS[d.name] || '#8a6fd1' } })),
      label: { formatter: '{b}\n{c} 条' } }],
    animation: false,
  };
}


// ---- 安全看板 ----------------------------------------------------------------------

function stat(label, value, href, testid, warn) {
  const inner = [h('div.stat-value', null, value === undefined || value === null ? '—' : String(value)), h('div.stat-label', null, label)];
  const cls = 'stat' + (warn ? ' stat-warn' : '');
  return href ? h('a', { class: cls, href, 'data-testid': testid }, inner) : h('div', { class: cls, 'data-testid': testid }, inner);
}

const qp = (o) => { const u = new URLSearchParams(); for (const [k, v] of Object.entries(o)) if (v !== '' && v !== undefined && v !== null) u.append(k, v); const s = u.toString(); return s ? '?' + s : ''; };

export async function render(ctx) {
  const period = periodOf(ctx.query);
  const d = await get('/api/safety/summary', period);
  const hz = d.hazards || {};
  const act = d.activities || {};
  const vac = d.vaccination || {};
  const insp = d.inspections || {};
  const list = (extra) => '#/safety/hazards' + qp(Object.assign({}, extra));
  const inPeriod = { from: period.from, to: period.to };
  const mean = hz.mean_days_to_close !== undefined ? hz.mean_days_to_close : hz.avg_days_to_close;
  const fmtDays = (v) => (v === undefined || v === null ? '—' : (Math.round(Number(v) * 10) / 10) + ' 天');

  const picker = periodPicker(period, (from, to) => { location.hash = '#/safety' + qp({ from, to }); });
  const stats = h('div.stats', null,
    stat('发现隐患', hz.found, list(inPeriod), 'stat-found'),
    stat('已销号', hz.closed, list({ status: '已销号' }), 'stat-closed'),
    stat('未销号', hz.open, null, 'stat-open'),
    stat('逾期未整改', hz.overdue, list({ overdue: '1' }), 'stat-overdue', Number(hz.overdue) > 0),
    stat('挂牌督办未销号', hz.supervised_open, list({ supervised: '1' }), 'stat-supervised', Number(hz.supervised_open) > 0),
    stat('销号率', pct(hz.closure_rate), null, 'stat-rate'),
    stat('中位整改天数', fmtDays(hz.median_days_to_close), null, 'stat-median'),
    mean !== undefined ? stat('平均整改天数', fmtDays(mean), null, 'stat-mean') : null);

  const byMonth = chartCard('按月：发现与销号', 'chart-month', true);
  const byCat = chartCard('按类别', 'chart-category');
  const byStatus = chartCard('按状态（当前）', 'chart-status');

  const kinds = act.by_kind || [];
  const actTable = h('table.data.compact', { 'data-testid': 'activities-by-kind' },
    h('thead', null, h('tr', null, ['类型', '次数/批次', '参与人次', '数量', '经费（元）', '涉及学校'].map((t, i) => h('th', { class: i ? 'num' : null }, t)))),
    h('tbody', null, kinds.length ? kinds.map((k) => h('tr', null,
      h('td', null, h('a', { href: '#/safety/activities' + qp({ kind: k.kind, from: period.from, to: period.to }) }, k.kind)),
      h('td.num', null, num(k.count)), h('td.num', null, num(k.participants)), h('td.num', null, num(k.quantity)),
      h('td.num', null, money(k.funds)), h('td.num', null, num(k.schools))))
      : h('tr', null, h('td.empty', { colspan: 6 }, '本期间暂无安全活动记录'))));

  const byGrade = (hz.by_grade || []).map((g) => g.name + ' ' + (g.found || 0) + ' 条（销号 ' + (g.closed || 0) + '）').join('；');
  const page = h('div.safety-board', null,
    pageHead('安全看板', h('a.btn', { href: '#/safety/hazards', 'data-testid': 'to-hazards' }, '隐患台账'),
      h('button.btn', { type: 'button', onclick: () => window.print() }, '打印')),
    picker,
    h('p.print-only', null, '统计期间：' + period.from + ' 至 ' + period.to),
    stats,
    h('p.note', null, '发现、已销号按统计期间计；未销号、逾期、挂牌督办为截至今日全部辖区数据。',
      byGrade ? ' 按等级：' + byGrade + '。' : '',
      hz.schools !== undefined ? ' 涉及学校 ' + hz.schools + ' 所。' : ''),
    h('div.charts', null, byMonth.card, byCat.card, byStatus.card),
    h('div.grid-2', null,
      h('section.card', null, h('h2', null, '安全活动'), h('div.table-wrap.auto', null, actTable),
        act.repaired_schools !== undefined ? h('p.note', null, '维修涉及学校 ' + act.repaired_schools + ' 所') : null),
      h('section.card', null, h('h2', null, '排查与疫苗接种'),
        h('dl.detail', null,
          h('dt', null, '排查次数'), h('dd', { 'data-testid': 'inspections-count' }, num(insp.count)),
          h('dt', null, '已排查学校'), h('dd', null, num(insp.schools_inspected)),
          h('dt', null, '接种统计期'), h('dd', null, dash(vac.period)),
          h('dt', null, '教职工接种率'), h('dd', { 'data-testid': 'vacc-staff-rate' }, rateCell(vac.staff_rate),
            vac.staff_eligible !== undefined ? h('span.muted', null, '（' + num(vac.staff_vaccinated) + ' / ' + num(vac.staff_eligible) + '）') : null),
          h('dt', null, '学生接种率'), h('dd', { 'data-testid': 'vacc-pupils-rate' }, rateCell(vac.pupils_rate),
            vac.pupils_eligible !== undefined ? h('span.muted', null, '（' + num(vac.pupils_vaccinated) + ' / ' + num(vac.pupils_eligible) + '）') : null)),
        h('p', null, h('a', { href: '#/safety/vaccinations' + qp({ period: vac.period }) }, '疫苗接种明细 →'), '　',
          h('a', { href: '#/safety/coverage' + qp(inPeriod) }, '排查覆盖情况 →')))));

  drawCharts(ctx, [
    [byMonth.box, monthOption(hz.by_month || [])],
    [byCat.box, categoryOption(hz.by_category || [])],
    [byStatus.box, pieOption(hz.by_status || [])],
  ]);
  return page;
}

// errorText(err) for toasts
export function failed(err) { toast((err && err.message) || '操作失败', 'error'); }
