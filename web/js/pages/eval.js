// eval.js - 评估 module: the router of #/eval/... and the 县域评估总览
// (#/eval?year=&stage=): the verdict of 义务教育优质均衡 with its failing
// items, the 7 indicators (county mean, threshold, 差异系数 against its
// threshold, schools meeting), the trend of the CVs over the years with
// records, the 政府保障 items, the schools not evaluated. Shared pieces are in
// eval-common.js; the other pages:
//   #/eval/indicator/<key>?year=&stage=   eval-balanced.js (distribution, per-school table)
//   #/eval/school/<id>?year=               eval-school.js   (a school's card)
//   #/eval/what-if?year=&stage=&school=&scenario=   eval-whatif.js (模拟测算, 方案)
//   #/eval/preschool?year=                 eval-preschool.js
//   #/eval/class-size?year=                eval-size.js
//   #/eval/standards?year=                 eval-standards.js (标准与目标, 3-5周岁人口)
// Every route takes org=<org unit id> (default: the caller's scope), kept in
// every link, export and request of the module (eval-common.js qp/withOrg).
// Above a county (a city, a province) the 总览 opens with 各县（市、区）对比
// (eval-counties.js), each county linking to its own 总览 (org=<county>).
//
// Selectors for browser tests (the list/dialog/form selectors of ui.js apply):
//   menu        #menu a[data-route="/eval"|"/eval/what-if"|"/eval/preschool"|"/eval/class-size"|"/eval/standards"]
//   any page    [data-testid="eval-year"] (select 学年) [data-testid="eval-stage"] (select primary|junior)
//               [data-testid="eval-export"] (导出评估报表) nav.eval-tabs a
//   总览         [data-testid="eval-verdict"] (badge 达标|未达标) [data-testid="eval-passing"] ("96 / 140")
//               ul[data-testid="eval-failures"] li[data-item="<item>"]
//               table[data-testid="eval-indicators"] tr[data-indicator="<key>"] td[data-col=threshold|mean|
//               range|cv|cv_threshold|cv_pass|meeting] ; a[data-testid="drill-<key>"]
//               #eval-trend (chart)  [data-testid="eval-guarantee"] .eval-guarantee-item[data-key="<key>"]
//               [data-testid="eval-excluded"] [data-testid="eval-org"] (the org's name)
//   各县对比      (above a county) [data-testid="eval-counties-card"] #eval-counties-chart
//               table[data-testid="eval-counties"] tr[data-org-id] td[data-col=name|city|pass|passing|cv_<key>|
//               failing_indicators|gross_enrollment|inclusive_coverage|public_enrollment_share|preschool_pass]
//               a[data-testid="county-link"]; [data-testid="export"] (format=xlsx)
//   指标         [data-testid="indicator-cv"] (.stat-value = the CV, 4 decimals) [data-testid="indicator-cv-pass"]
//               [data-testid="indicator-meeting"] #eval-dist (chart)  table[data-testid="shortfalls"] tr[data-school-id]
//               table[data-testid="eval-schools"] tr[data-school-id] td[data-col="pass"|"met"|"value"|"gaps"],
//               filters name=q|town|area|pass|meets; [data-testid="export"] (format=xlsx)
//   学校卡片      [data-testid="school-name"] .eval-part[data-stage] [data-testid="part-verdict"]
//               tr[data-indicator] td[data-col="value"|"threshold"|"met"] ul[data-testid="gaps"] li
//               a[data-testid="to-whatif"]
//   模拟测算      [data-testid="whatif-school"] (select) [data-testid="whatif-fill-gaps"] [data-testid="whatif-add"]
//               [data-testid="whatif-move"]; rows tr.eval-change (inputs name="changes[i].field|add|set|
//               move_pupils|from_school_id|to_school_id", [data-testid="change-remove"])
//               [data-testid="whatif-run"]; result [data-testid="whatif-result"]:
//               [data-testid="whatif-verdict"] .before/.after badges, [data-testid="whatif-passing"] .before/.after
//               table[data-testid="whatif-cv"] tr[data-indicator] td.before td.after (tr.moved when changed)
//               table[data-testid="whatif-schools"] tr[data-school-id] td.before td.after (badges) td.met
//               [data-testid="whatif-save"] -> dialog input[name="name"] [data-testid="save"]
//               table[data-testid="scenarios"] tr[data-scenario-id] [data-testid="scenario-open"|"scenario-delete"]
//   学前         table[data-testid="kg-indicators"] tr[data-indicator] ; [data-testid="kg-towns"] [data-testid="kg-list"]
//               [data-testid="kg-missing"] (towns without population)
//   班额         table[data-testid="size-stages"] tr[data-stage] ; #eval-area (chart) [data-testid="size-crowding"]
//               [data-testid="over-capacity"] [data-testid="over-size"] [data-testid="size-towns"]
//   标准与目标    table[data-testid="standards"] tr[data-standard-id] [data-level]; [data-testid="standard-new"]
//               -> dialog names indicator|stage|name|threshold|comparison|year_from|year_to|unit|source|note;
//               row buttons [data-testid="standard-edit"|"standard-delete"] (本局 rows, writers)
//               table[data-testid="population"] tr[data-town-id] input[name="population"|"source"]
//               [data-testid="population-save"] (writers; others see text)

import { h, pageHead } from '../ui.js';
import { drawCharts } from '../charts.js';
import {
  FIRST_YEAR, INDICATOR_KEYS, INDICATOR_SHORT, STAGE_LABEL, balanced, evalTabs, exportButton, printButton, whenShown,
  fmt, fmtCv, qp, setScopeOrg, stageOf, stageSelect, verdictBadge, yearOf, yearSelect,
} from './eval-common.js';
import { countiesCard } from './eval-counties.js';
import * as indicatorPage from './eval-balanced.js';
import { niceMax } from './eval-balanced.js';
import * as schoolPage from './eval-school.js';
import * as whatifPage from './eval-whatif.js';
import * as preschoolPage from './eval-preschool.js';
import * as sizePage from './eval-size.js';
import * as standardsPage from './eval-standards.js';

export function render(ctx) {
  const p = ctx.path;
  setScopeOrg(ctx.query);
  let m = /^\/eval\/indicator\/([a-z_]+)$/.exec(p);
  if (m) return indicatorPage.render(ctx, m[1]);
  m = /^\/eval\/school\/(\d+)$/.exec(p);
  if (m) return schoolPage.render(ctx, Number(m[1]));
  if (p === '/eval/what-if') return whatifPage.render(ctx);
  if (p === '/eval/preschool') return preschoolPage.render(ctx);
  if (p === '/eval/class-size') return sizePage.render(ctx);
  if (p === '/eval/standards') return standardsPage.render(ctx);
  return renderScorecard(ctx);
}

const COLORS = ['#1d5fbf', '#f0a02c', '#43a66a', '#d9534f', '#8a6fd1', '#2bb3b3', '#c98a4b'];

// The CVs of each indicator over the years, with the threshold as a line.
function trendOption(points, cvThreshold) {
  const years = points.map((d) => String(d.year));
  const series = INDICATOR_KEYS.map((k, i) => ({
    name: INDICATOR_SHORT[k], type: 'line', symbolSize: 7,
    data: points.map((d) => {
      const ind = (d.indicators || []).find((x) => x.key === k);
      return ind && ind.cv !== null && ind.cv !== undefined ? Number(Number(ind.cv).toFixed(4)) : null;
    }),
    markLine: i === 0 && cvThreshold !== undefined && cvThreshold !== null ? {
      symbol: 'none', silent: true, lineStyle: { color: '#c8362f', type: 'dashed', width: 2 },
      label: { formatter: '标准 ' + cvThreshold, position: 'insideEndTop' }, data: [{ yAxis: Number(cvThreshold) }],
    } : undefined,
  }));
  return {
    color: COLORS,
    grid: { left: 52, right: 24, top: 64, bottom: 32 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: years },
    yAxis: { type: 'value', name: '差异系数', min: 0, max: (v) => niceMax(Math.max(v.max, Number(cvThreshold) || 0)) },
    series,
    animation: false,
  };
}

function guaranteeCard(d, year) {
  const items = d.guarantee || [];
  return h('section.card', { 'data-testid': 'eval-guarantee' }, h('h2', null, '政府保障（可由基表判断的项目）'),
    items.length ? items.map((g) => {
      const failing = g.failing || [];
      return h('div.eval-guarantee-item', { 'data-key': g.key },
        h('div.title-line', null, h('strong', null, g.name || g.key),
          g.threshold !== undefined && g.threshold !== null ? h('span.muted', null, '标准 ' + fmt(g.threshold)) : null,
          verdictBadge(g.pass), failing.length ? h('span.muted', null, '未达标 ' + failing.length + ' 所') : null),
        failing.length ? h('ul.eval-failing', null, failing.slice(0, 8).map((f) => h('li', null,
          h('a', { href: '#/eval/school/' + f.school_id + qp({ year }) }, f.name || ('#' + f.school_id)), '：', f.text || fmt(f.value))),
        failing.length > 8 ? h('li.muted', null, '等 ' + failing.length + ' 所（详见导出的评估报表）') : null) : null);
    }) : h('p.empty', null, '暂无数据'));
}

async function renderScorecard(ctx) {
  const stage = stageOf(ctx.query);
  const asked = yearOf(ctx.query);
  const countiesPromise = countiesCard(ctx, asked, stage);
  const latest = await balanced(null, stage, 0);
  const d = asked && asked !== latest.year ? await balanced(asked, stage, 0) : latest;
  const year = d.year || asked;
  const counties = await countiesPromise;
  const go = (q) => { location.hash = '#/eval' + qp(Object.assign({ year, stage }, q)); };

  const inds = d.indicators || [];
  const total = d.schools_total !== undefined ? d.schools_total : (d.schools || []).length;
  const cvThreshold = inds.length ? inds[0].cv_threshold : null;
  const failures = d.failures || [];

  const verdict = h('section.card.eval-verdict', null,
    h('div.eval-verdict-main', null,
      h('div', null, h('div.muted', null, d.org && d.org.name ? h('span', { 'data-testid': 'eval-org' }, d.org.name + ' ') : null,
        year + '学年 ' + STAGE_LABEL[stage] + ' 义务教育优质均衡'),
        h('div.eval-verdict-badge', null, verdictBadge(d.pass, 'eval-verdict'))),
      h('div.stat', null, h('div.stat-value', { 'data-testid': 'eval-passing' }, fmt(d.schools_passing) + ' / ' + fmt(total)), h('div.stat-label', null, '资源配置达标学校')),
      h('div.stat', null, h('div.stat-value', null, String(inds.filter((x) => x.cv_pass).length) + ' / ' + inds.length), h('div.stat-label', null, '差异系数达标指标'))),
    failures.length ? h('div', null, h('h2', null, '未达标项目'),
      h('ul.eval-failures', { 'data-testid': 'eval-failures' }, failures.map((f) => {
        const k = /^cv:(.+)$/.exec(f.item || '');
        return h('li', { 'data-item': f.item }, k ? h('a', { href: '#/eval/indicator/' + k[1] + qp({ year, stage }) }, f.text) : f.text);
      })))
      : h('p.eval-ok', null, '各项均达到国家标准。'));

  const table = h('table.data.compact', { 'data-testid': 'eval-indicators' },
    h('thead', null, h('tr', null, ['指标', '标准值', '县域均值', '最小 – 最大', '差异系数', '差异系数标准', '差异系数结论', '达标学校', ''].map((t, i) =>
      h('th', { scope: 'col', class: i > 0 && i < 8 ? 'num' : null }, t)))),
    h('tbody', null, inds.map((x) => h('tr', { 'data-indicator': x.key },
      h('td', null, h('a', { href: '#/eval/indicator/' + x.key + qp({ year, stage }) }, x.name || INDICATOR_SHORT[x.key]), x.unit ? h('span.muted', null, '（' + x.unit + '）') : null),
      h('td.num', { 'data-col': 'threshold' }, fmt(x.threshold)),
      h('td.num', { 'data-col': 'mean' }, fmt(x.mean)),
      h('td.num', { 'data-col': 'range' }, fmt(x.min) + ' – ' + fmt(x.max)),
      h('td.num', { 'data-col': 'cv', class: x.cv_pass ? null : 'eval-bad' }, fmtCv(x.cv)),
      h('td.num', { 'data-col': 'cv_threshold' }, '≤ ' + fmt(x.cv_threshold)),
      h('td.num', { 'data-col': 'cv_pass' }, verdictBadge(x.cv_pass)),
      h('td.num', { 'data-col': 'meeting', class: Number(x.schools_meeting) < total ? 'eval-bad' : null }, fmt(x.schools_meeting) + ' / ' + fmt(total)),
      h('td', null, h('a.btn.btn-sm', { href: '#/eval/indicator/' + x.key + qp({ year, stage }), 'data-testid': 'drill-' + x.key }, '学校分布'))))));

  const trendBox = h('div.chart', { id: 'eval-trend', role: 'img', 'aria-label': '各指标差异系数变化' });
  const trendNote = h('p.note', null, '加载各学年数据…');
  const excluded = d.excluded || [];
  const page = h('div.eval-page', null,
    pageHead('县域义务教育优质均衡评估',
      yearSelect(year, latest.year, (y) => go({ year: y })), stageSelect(stage, (s) => go({ stage: s })),
      exportButton(year), printButton()),
    evalTabs('/eval', year),
    h('p.print-only', null, year + '学年 · ' + STAGE_LABEL[stage]),
    counties,
    counties ? h('p.note', { 'data-testid': 'eval-merged-note' }, '以下为' + (d.org && d.org.name ? d.org.name : '') + '全部学校合并计算的结果，仅供参考；督导评估以县为单位，见上表。') : null,
    verdict,
    h('section.card', null, h('div.card-head', null, h('h2', null, '资源配置 7 项指标'),
      h('span.note', null, '差异系数按在校生数加权；学校达标：至少 6 项达到标准，其余项不低于标准的 85%。')),
    h('div.table-wrap.auto', null, table)),
    h('section.card.chart-card', null, h('h2', null, '差异系数变化（' + STAGE_LABEL[stage] + '）'), trendBox, trendNote),
    guaranteeCard(d, year),
    excluded.length ? h('section.card', { 'data-testid': 'eval-excluded' }, h('h2', null, '不参评学校（' + excluded.length + ' 所）'),
      h('ul.eval-failing', null, excluded.map((x) => h('li', null, (x.name || '#' + x.school_id) + '（' + (x.type || '') + '，在校生 ' + fmt(x.pupils) + ' 人）：' + (x.reason || ''))))) : null,
    h('section.card.noprint', null, h('h2', null, '其他评估'),
      h('p', null, h('a', { href: '#/eval/preschool' + qp({ year }) }, '学前教育普及普惠 →'), '　',
        h('a', { href: '#/eval/class-size' + qp({ year }) }, '班额与学校规模 →'), '　',
        h('a', { href: '#/eval/what-if' + qp({ year, stage }) }, '模拟测算（补充教师、面积、设备后的结果）→'), '　',
        h('a', { href: '#/eval/standards' + qp({ year }) }, '标准与目标 →'))));

  // the trend: every year with records up to the latest
  const years = [];
  for (let y = FIRST_YEAR; y <= latest.year; y++) years.push(y);
  Promise.all(years.map((y) => (y === d.year ? Promise.resolve(d) : y === latest.year ? Promise.resolve(latest)
    : balanced(y, stage, 0).catch(() => null)))).then((all) => {
    const points = all.filter((x) => x && Number(x.schools_total) > 0 && (x.indicators || []).length);
    trendNote.textContent = points.length ? '红色虚线为差异系数标准（' + STAGE_LABEL[stage] + ' ≤ ' + fmt(cvThreshold) + '）；低于虚线为达标。' : '暂无可比较的学年数据';
    if (points.length) whenShown(trendBox, () => drawCharts(ctx, [[trendBox, trendOption(points, cvThreshold)]]));
  });
  return page;
}
