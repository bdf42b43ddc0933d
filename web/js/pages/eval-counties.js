// eval-counties.js - 评估 module: 各县（市、区）对比, the first card of
// 县域评估总览 (eval.js) when its org is above a county (a city, a province).
// The national evaluations are by county, so such a bureau compares its
// counties (GET /api/eval/counties): a sortable, filterable, exportable table
// with each county's verdict, schools passing, the 7 差异系数 (failing ones
// red) and the 学前 figures, and a chart of each county's share of passing
// schools beside its largest CV against the threshold. Every county links to
// its own scorecard (#/eval?org=<county id>). Selectors: top of eval.js.

import { get } from '../api.js';
import { h } from '../ui.js';
import { drawCharts } from '../charts.js';
import {
  INDICATOR_KEYS, INDICATOR_NAME, STAGE_LABEL, clientTable, fmt, fmtCv, pct, qp, verdictBadge, whenShown, withOrg,
} from './eval-common.js';

const CV_SHORT = {
  qualified_teachers: '学历', key_teachers: '骨干', pe_art_teachers: '体艺', teaching_area: '用房',
  sports_area: '场馆', equipment_value: '设备', multimedia_rooms: '多媒体',
};

const share = (r) => (r.schools_total ? r.schools_passing / r.schools_total : null);
const worstCv = (r) => {
  const v = INDICATOR_KEYS.map((k) => r.cv[k]).filter((x) => x !== null && x !== undefined);
  return v.length ? Math.max(...v) : null;
};
const passOrder = (pass) => (pass === true ? 1 : pass === false ? 0 : -1);

// The share of passing schools (bars, red when the county fails) and the
// largest CV (points) against the CV threshold, per county.
function chartOption(items) {
  const threshold = items.map((x) => x.cv_threshold).find((x) => x !== null && x !== undefined);
  const names = items.map((x) => x.name);
  return {
    grid: { left: 56, right: 56, top: 48, bottom: items.length > 15 ? 72 : 48 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: items.length > 8 ? 40 : 0 } },
    yAxis: [
      { type: 'value', name: '达标学校占比', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      { type: 'value', name: '最大差异系数', min: 0, max: (v) => Math.ceil(Math.max(v.max, Number(threshold) || 0) * 12) / 10 },
    ],
    dataZoom: items.length > 15 ? [{ type: 'slider', bottom: 8, startValue: 0, endValue: 14 }] : undefined,
    series: [
      {
        name: '资源配置达标学校占比', type: 'bar', yAxisIndex: 0,
        data: items.map((x) => ({
          value: share(x) === null ? null : Number((share(x) * 100).toFixed(1)),
          itemStyle: { color: x.pass ? '#43a66a' : '#d9534f' },
        })),
      },
      {
        name: '最大差异系数', type: 'line', yAxisIndex: 1, symbolSize: 8, lineStyle: { width: 0 }, itemStyle: { color: '#1d5fbf' },
        data: items.map((x) => (worstCv(x) === null ? null : Number(worstCv(x).toFixed(4)))),
        markLine: threshold === undefined ? undefined : {
          symbol: 'none', silent: true, lineStyle: { color: '#c8362f', type: 'dashed', width: 2 },
          label: { formatter: '差异系数标准 ' + threshold, position: 'insideEndTop' }, data: [{ yAxis: Number(threshold) }],
        },
      },
    ],
    animation: false,
  };
}

function countiesTable(items, year, stage) {
  const cities = [...new Set(items.map((x) => x.city).filter(Boolean))];
  const cvCol = (k) => ({
    key: 'cv_' + k, label: CV_SHORT[k], num: true, sortValue: (r) => r.cv[k],
    render: (r) => h('span', { class: r.cv_pass[k] ? null : 'eval-bad', title: INDICATOR_NAME[k] }, fmtCv(r.cv[k])),
  });
  return clientTable({
    testid: 'eval-counties',
    caption: '各县（市、区）对比',
    rows: items,
    defaultSort: { key: 'name', dir: 1 },
    rowAttrs: (r) => ({ 'data-org-id': r.org_id }),
    filters: [
      { name: 'q', label: '县（市、区）', options: 'search', placeholder: '名称', match: (r, v) => String(r.name).includes(v) },
      cities.length > 1 ? { name: 'city', label: '所属市', options: cities.map((c) => ({ value: c, label: c })), match: (r, v) => r.city === v } : null,
      { name: 'pass', label: '结论', options: [{ value: '1', label: '达标' }, { value: '0', label: '未达标' }], match: (r, v) => (r.pass ? '1' : '0') === v },
    ].filter(Boolean),
    columns: [
      { key: 'name', label: '县（市、区）', render: (r) => h('a', { href: '#/eval' + qp({ year, stage, org: r.org_id }), 'data-testid': 'county-link' }, r.name) },
      { key: 'city', label: '所属市', cls: 'nowrap' },
      { key: 'pass', label: '优质均衡', sortValue: (r) => passOrder(r.pass), render: (r) => verdictBadge(r.pass) },
      { key: 'passing', label: '达标学校', num: true, sortValue: share,
        render: (r) => h('span', { class: r.schools_passing < r.schools_total ? 'eval-bad' : null }, fmt(r.schools_passing) + ' / ' + fmt(r.schools_total)) },
      ...INDICATOR_KEYS.map(cvCol),
      { key: 'failing_indicators', label: '差异系数未达标', num: true,
        render: (r) => h('span', { class: r.failing_indicators ? 'eval-bad' : null }, String(r.failing_indicators)) },
      { key: 'gross_enrollment', label: '毛入园率', num: true, sortValue: (r) => r.preschool.gross_enrollment, render: (r) => pct(r.preschool.gross_enrollment) },
      { key: 'inclusive_coverage', label: '普惠覆盖率', num: true, sortValue: (r) => r.preschool.inclusive_coverage, render: (r) => pct(r.preschool.inclusive_coverage) },
      { key: 'public_enrollment_share', label: '公办在园占比', num: true, sortValue: (r) => r.preschool.public_enrollment_share, render: (r) => pct(r.preschool.public_enrollment_share) },
      { key: 'preschool_pass', label: '普及普惠', sortValue: (r) => passOrder(r.preschool.pass), render: (r) => verdictBadge(r.preschool.pass) },
    ],
    exportHref: '/api/eval/counties' + qp({ year, stage, format: 'xlsx' }),
    exportName: year + '学年' + STAGE_LABEL[stage] + '各县对比.xlsx',
    empty: '没有符合条件的县（市、区）',
  });
}

// The card of the current org in year (null: the latest) and stage, or null
// when the org is a county or below (no counties to compare) or the
// comparison cannot be read.
export async function countiesCard(ctx, asked, stage) {
  const d = await get('/api/eval/counties', withOrg({ year: asked || undefined, stage }), { quiet: true }).catch(() => null);
  const items = (d && d.items) || [];
  if (!items.length || (items.length === 1 && items[0].org_id === d.org.id)) return null;
  const year = d.year;
  const passing = items.filter((x) => x.pass).length;
  const chart = h('div.chart', { id: 'eval-counties-chart', role: 'img', 'aria-label': '各县资源配置达标学校占比与最大差异系数' });
  whenShown(chart, () => drawCharts(ctx, [[chart, chartOption(items)]]));
  return h('section.card', { 'data-testid': 'eval-counties-card' },
    h('div.card-head', null, h('h2', null, '各县（市、区）对比（' + STAGE_LABEL[stage] + '）'),
      h('span.note', { 'data-testid': 'eval-counties-summary' }, items.length + ' 个县（市、区），' + passing + ' 个达到优质均衡；义务教育优质均衡与学前普及普惠均以县为单位评估，点击县名查看该县评估。')),
    chart,
    countiesTable(items, year, stage).el);
}
