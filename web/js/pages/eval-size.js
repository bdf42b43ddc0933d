// eval-size.js - 班额与学校规模 (#/eval/class-size?year=, from GET
// /api/eval/class-size): by stage (average class size, 大班额 and 超大班额
// shares against their thresholds), by 城乡分类 (城区 crowding against 乡村
// spare places, chart), by town, the schools over their capacity and those
// over the size limit. Selectors: top of eval.js.

import { get } from '../api.js';
import { h, pageHead, dash } from '../ui.js';
import { drawCharts } from '../charts.js';
import { STAGE_LABEL, clientTable, evalTabs, exportButton, fmt, latestYear, pct, printButton, qp, verdictBadge, whenShown, withOrg, yearOf, yearSelect } from './eval-common.js';

const AREAS = ['城区', '镇区', '乡村'];

function areaOption(byArea) {
  const stages = Array.from(new Set(byArea.map((x) => x.stage)));
  const areas = AREAS.filter((a) => byArea.some((x) => x.area === a)).concat(Array.from(new Set(byArea.map((x) => x.area))).filter((a) => !AREAS.includes(a)));
  const series = stages.map((s) => ({
    name: (STAGE_LABEL[s] || s) + '平均班额', type: 'bar', barMaxWidth: 28,
    data: areas.map((a) => { const r = byArea.find((x) => x.area === a && x.stage === s); return r ? Number(Number(r.average).toFixed(1)) : null; }),
    label: { show: true, position: 'top' },
  }));
  // occupancy of places over every stage of the area
  series.push({
    name: '学位使用率', type: 'line', yAxisIndex: 1, symbolSize: 8,
    data: areas.map((a) => {
      const rs = byArea.filter((x) => x.area === a);
      const pupils = rs.reduce((n, r) => n + Number(r.pupils || 0), 0);
      const cap = rs.reduce((n, r) => n + Number(r.capacity || 0), 0);
      return cap > 0 ? Number((pupils * 100 / cap).toFixed(1)) : null;
    }),
  });
  return {
    color: ['#1d5fbf', '#5ea1e8', '#8a6fd1', '#f0a02c'],
    grid: { left: 52, right: 56, top: 48, bottom: 32 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: areas },
    yAxis: [{ type: 'value', name: '人/班', min: 0 }, { type: 'value', name: '%', min: 0, splitLine: { show: false } }],
    series,
    animation: false,
  };
}

export async function render(ctx) {
  const asked = yearOf(ctx.query);
  const [d, last] = await Promise.all([get('/api/eval/class-size', withOrg({ year: asked || undefined })), latestYear()]);
  const year = d.year || asked;
  const stages = d.stages || [];
  const byArea = d.by_area || [];
  const crowding = d.crowding || {};

  const stageTable = h('table.data.compact', { 'data-testid': 'size-stages' },
    h('thead', null, h('tr', null, ['学段', '班级数', '在校生', '平均班额', '大班额（56-65人）', '占比 / 标准', '超大班额（66人及以上）', '占比 / 标准', '结论'].map((t, i) =>
      h('th', { scope: 'col', class: i > 0 && i < 8 ? 'num' : null }, t)))),
    h('tbody', null, stages.map((s) => h('tr', { 'data-stage': s.stage },
      h('td', null, s.label || STAGE_LABEL[s.stage] || s.stage),
      h('td.num', null, fmt(s.classes, 0)), h('td.num', null, fmt(s.pupils, 0)), h('td.num', null, fmt(s.average, 1)),
      h('td.num', null, fmt(s.large, 0)), h('td.num', { class: Number(s.large_share) > Number(s.large_threshold) ? 'eval-bad' : null }, pct(s.large_share, 2) + ' / ≤ ' + pct(s.large_threshold, 0)),
      h('td.num', null, fmt(s.huge, 0)), h('td.num', { class: Number(s.huge_share) > Number(s.huge_threshold) ? 'eval-bad' : null }, pct(s.huge_share, 2) + ' / ≤ ' + pct(s.huge_threshold, 0)),
      h('td', null, verdictBadge(s.pass))))));

  const areaTable = h('table.data.compact', { 'data-testid': 'size-areas' },
    h('thead', null, h('tr', null, ['城乡分类', '学段', '学校', '班级', '在校生', '平均班额', '大班额', '超大班额', '学位', '学位使用率'].map((t, i) => h('th', { scope: 'col', class: i > 1 ? 'num' : null }, t)))),
    h('tbody', null, byArea.map((r) => h('tr', { 'data-area': r.area, 'data-stage': r.stage },
      h('td', null, r.area), h('td', null, STAGE_LABEL[r.stage] || r.stage), h('td.num', null, fmt(r.schools, 0)), h('td.num', null, fmt(r.classes, 0)),
      h('td.num', null, fmt(r.pupils, 0)), h('td.num', null, fmt(r.average, 1)), h('td.num', null, fmt(r.large, 0)), h('td.num', null, fmt(r.huge, 0)),
      h('td.num', null, fmt(r.capacity, 0)), h('td.num', { class: Number(r.occupancy) > 1 ? 'eval-bad' : null }, pct(r.occupancy))))));

  const towns = clientTable({
    testid: 'size-towns', caption: '各街道/乡镇班额',
    columns: [
      { key: 'town', label: '街道/乡镇' },
      { key: 'stage', label: '学段', render: (t) => STAGE_LABEL[t.stage] || t.stage },
      { key: 'classes', label: '班级数', num: true, render: (t) => fmt(t.classes, 0) },
      { key: 'average', label: '平均班额', num: true, render: (t) => fmt(t.average, 1) },
      { key: 'large', label: '大班额', num: true, render: (t) => fmt(t.large, 0) },
      { key: 'huge', label: '超大班额', num: true, render: (t) => fmt(t.huge, 0) },
    ],
    filters: [{ name: 'stage', label: '学段', options: Array.from(new Set((d.by_town || []).map((t) => t.stage))).map((s) => ({ value: s, label: STAGE_LABEL[s] || s })), match: (t, v) => t.stage === v }],
    rows: d.by_town || [],
    defaultSort: { key: 'large', dir: -1 },
    rowAttrs: (t) => ({ 'data-town-id': t.town_id }),
  });
  const overCap = clientTable({
    testid: 'over-capacity', caption: '超出核定学位的学校',
    columns: [
      { key: 'name', label: '学校', render: (s) => h('a', { href: '#/eval/school/' + s.school_id + qp({ year }) }, s.name) },
      { key: 'area', label: '城乡分类', render: (s) => dash(s.area) },
      { key: 'pupils', label: '在校生', num: true, render: (s) => fmt(s.pupils, 0) },
      { key: 'capacity', label: '核定学位', num: true, render: (s) => fmt(s.capacity, 0) },
      { key: 'excess', label: '超出', num: true, render: (s) => fmt(s.excess, 0) },
      { key: 'occupancy', label: '学位使用率', num: true, render: (s) => pct(s.occupancy) },
    ],
    rows: d.over_capacity || [], defaultSort: { key: 'occupancy', dir: -1 }, empty: '没有超出核定学位的学校',
    rowAttrs: (s) => ({ 'data-school-id': s.school_id }),
  });
  const overSize = clientTable({
    testid: 'over-size', caption: '超规模学校',
    columns: [
      { key: 'name', label: '学校', render: (s) => h('a', { href: '#/eval/school/' + s.school_id + qp({ year }) }, s.name) },
      { key: 'type', label: '办学类型' },
      { key: 'pupils', label: '在校生', num: true, render: (s) => fmt(s.pupils, 0) },
      { key: 'limit', label: '规模上限', num: true, render: (s) => fmt(s.limit, 0) },
    ],
    rows: d.over_size || [], defaultSort: { key: 'pupils', dir: -1 }, empty: '没有超规模学校',
    rowAttrs: (s) => ({ 'data-school-id': s.school_id }),
  });

  const chartBox = h('div.chart', { id: 'eval-area', role: 'img', 'aria-label': '按城乡分类的平均班额与学位使用率' });
  const page = h('div.eval-page', null,
    pageHead('班额与学校规模', yearSelect(year, last || year, (y) => { location.hash = '#/eval/class-size' + qp({ year: y }); }), exportButton(year), printButton()),
    evalTabs('/eval/class-size', year),
    h('p.print-only', null, year + '学年'),
    h('section.card', null, h('h2', null, '按学段'), h('div.table-wrap.auto', null, stageTable)),
    h('section.card.chart-card', null, h('h2', null, '城区挤、乡村空：按城乡分类'),
      crowding.text ? h('p.eval-crowding', { 'data-testid': 'size-crowding' }, crowding.text) : null,
      chartBox, h('div.table-wrap.auto', null, areaTable)),
    h('div.grid-2', null,
      h('section.card', null, h('h2', null, '超出核定学位的学校'), overCap.el),
      h('section.card', null, h('h2', null, '超规模学校'), overSize.el)),
    h('section.card', null, h('h2', null, '各街道/乡镇'), towns.el));
  if (byArea.length) whenShown(chartBox, () => drawCharts(ctx, [[chartBox, areaOption(byArea)]]));
  return page;
}
