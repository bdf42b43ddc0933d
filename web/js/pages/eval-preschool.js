// eval-preschool.js - 学前教育普及普惠 (#/eval/preschool?year=, from GET
// /api/eval/preschool): the indicators with the national and Henan
// thresholds and the bureau's own targets, the towns (population aged 3-5,
// children, 毛入园率, places) and the kindergartens (nature, 普惠, children
// per teacher, classes against the size limits). Selectors: top of eval.js.

import { get } from '../api.js';
import { h, pageHead, badge } from '../ui.js';
import { clientTable, evalTabs, exportButton, fmt, fmtValue, latestYear, pct, printButton, qp, verdictBadge, withOrg, yearOf, yearSelect } from './eval-common.js';

const CMP = { '>=': '≥', '<=': '≤', '>': '>', '<': '<' };

function standardsCell(list, unit) {
  if (!(list || []).length) return '—';
  return h('ul.eval-std', null, list.map((s) => h('li', null,
    h('span.eval-level', null, s.level), ' ', (CMP[s.comparison] || s.comparison || '') + ' ' + fmtValue(s.threshold, unit),
    s.year_from ? h('span.muted', null, '（' + s.year_from + '年起）') : null, ' ', verdictBadge(s.pass))));
}

export async function render(ctx) {
  const asked = yearOf(ctx.query);
  const d = await get('/api/eval/preschool', withOrg({ year: asked || undefined }));
  const year = d.year || asked;
  const last = await latestYear();
  const inds = d.indicators || [];
  const missing = d.missing_population || [];

  const table = h('table.data.compact', { 'data-testid': 'kg-indicators' },
    h('thead', null, h('tr', null, ['指标', '县域值', '计算', '国家/省标准', '本局目标', '结论'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, inds.map((x) => h('tr', { 'data-indicator': x.key },
      h('td', null, x.name || x.key),
      h('td.num', { 'data-col': 'value' }, fmtValue(x.value, x.unit) + (x.unit && x.unit !== '%' && x.value !== null && x.value !== undefined ? ' ' + x.unit : '')),
      h('td.muted', null, x.numerator !== undefined && x.denominator !== undefined ? fmt(x.numerator) + ' / ' + fmt(x.denominator) : '—'),
      h('td', null, standardsCell(x.standards, x.unit)),
      h('td', null, standardsCell(x.targets, x.unit)),
      h('td', { 'data-col': 'pass' }, x.pass !== null && x.pass !== undefined ? verdictBadge(x.pass) : x.value === null || x.value === undefined ? badge('待补人口数', 'warn') : badge('仅对照本局目标', 'muted'))))));

  const towns = clientTable({
    testid: 'kg-towns', caption: '各街道/乡镇',
    columns: [
      { key: 'town', label: '街道/乡镇' },
      { key: 'population', label: '3-5周岁人口', num: true, render: (t) => (t.population === null || t.population === undefined ? badge('未填', 'warn') : fmt(t.population, 0)) },
      { key: 'children', label: '在园幼儿', num: true, render: (t) => fmt(t.children, 0) },
      { key: 'gross_enrollment', label: '毛入园率', num: true, render: (t) => pct(t.gross_enrollment) },
      { key: 'public_children', label: '公办园幼儿', num: true, render: (t) => fmt(t.public_children, 0) },
      { key: 'inclusive_children', label: '普惠园幼儿', num: true, render: (t) => fmt(t.inclusive_children, 0) },
      { key: 'places', label: '学位', num: true, render: (t) => fmt(t.places, 0) },
      { key: 'public_places', label: '公办学位', num: true, render: (t) => fmt(t.public_places, 0) },
    ],
    rows: d.towns || [],
    rowAttrs: (t) => ({ 'data-town-id': t.town_id }),
  });

  const kgs = d.kindergartens || [];
  const kgTable = clientTable({
    testid: 'kg-list', caption: '幼儿园',
    columns: [
      { key: 'name', label: '幼儿园', render: (k) => h('a', { href: '#/eval/school/' + k.school_id + qp({ year }) }, k.name) },
      { key: 'nature', label: '办园性质' },
      { key: 'inclusive', label: '普惠', sortValue: (k) => (k.inclusive ? 1 : 0), render: (k) => (k.inclusive ? '是' : '否') },
      { key: 'children', label: '在园幼儿', num: true, render: (k) => fmt(k.children, 0) },
      { key: 'places', label: '学位', num: true, render: (k) => fmt(k.places, 0) },
      { key: 'teachers', label: '专任教师', num: true, render: (k) => fmt(k.teachers, 0) },
      { key: 'children_per_teacher', label: '生师比', num: true, render: (k) => h('span', { class: Number(k.children_per_teacher) > 15 ? 'eval-bad' : null }, fmt(k.children_per_teacher, 1)) },
      { key: 'classes', label: '班额（平均/上限）', nosort: true, render: (k) => ((k.classes || []).length ? (k.classes || []).map((c) =>
        h('span', { class: 'eval-class' + (c.ok ? '' : ' eval-bad') }, c.label + ' ' + fmt(c.average, 1) + '/' + fmt(c.limit, 0))) : '—') },
      { key: 'oversize', label: '规模', sortValue: (k) => (k.oversize ? 1 : 0), render: (k) => (k.oversize ? badge('超规模', 'danger') : '—') },
    ],
    filters: [
      { name: 'q', label: '搜索', options: 'search', placeholder: '幼儿园名称', match: (k, v) => String(k.name || '').includes(v) },
      { name: 'nature', label: '办园性质', options: Array.from(new Set(kgs.map((k) => k.nature).filter(Boolean))), match: (k, v) => k.nature === v },
      { name: 'inclusive', label: '普惠', options: [{ value: '1', label: '是' }, { value: '0', label: '否' }], match: (k, v) => (k.inclusive ? '1' : '0') === v },
    ],
    rows: kgs,
    rowAttrs: (k) => ({ 'data-school-id': k.school_id }),
  });

  return h('div.eval-page', null,
    pageHead('学前教育普及普惠', yearSelect(year, last || year, (y) => { location.hash = '#/eval/preschool' + qp({ year: y }); }), exportButton(year), printButton()),
    evalTabs('/eval/preschool', year),
    h('p.print-only', null, year + '学年'),
    h('section.card', null,
      h('div.title-line', null, h('h2', null, year + '学年 县域学前教育普及普惠'), verdictBadge(d.pass, 'kg-verdict')),
      missing.length ? h('p.notice', { 'data-testid': 'kg-missing' }, '以下街道/乡镇尚未填报 3-5 周岁人口，毛入园率暂不能计算：' + missing.join('、') + '。',
        h('a.noprint', { href: '#/eval/standards' + qp({ year }) }, ' 去填报 →')) : null,
      h('div.table-wrap.auto', null, table),
      h('p.note', null, '结论按国家和省级标准判断；本局目标仅作对照。')),
    h('section.card', null, h('h2', null, '各街道/乡镇'), towns.el),
    h('section.card', null, h('h2', null, '幼儿园（' + kgs.length + ' 所）'), kgTable.el));
}
