// eval-school.js - a school's own 评估 card (#/eval/school/<id>?year=, from
// GET /api/eval/school/{id}): per stage part its pupils and share, each of the
// 7 indicators against its threshold with a bar, the verdict and the gaps;
// its 政府保障 items; its kindergarten figures when it has one. A 学校管理员
// reads only its own. Selectors: top of eval.js.

import { get } from '../api.js';
import { h, pageHead, dash } from '../ui.js';
import {
  INDICATOR_KEYS, INDICATOR_NAME, INDICATOR_UNIT, STAGE_LABEL, evalTabs, fmt, latestYear, pct, qp, valueBar,
  verdictBadge, yearOf, yearSelect,
} from './eval-common.js';

function partCard(part, year, schoolId, mayPlan) {
  const values = part.values || {};
  const thresholds = part.thresholds || {};
  const gaps = part.gaps || [];
  const rows = INDICATOR_KEYS.filter((k) => values[k] !== undefined || thresholds[k] !== undefined).map((k) => {
    const v = values[k];
    const t = thresholds[k];
    const ok = Number(v) >= Number(t);
    return h('tr', { 'data-indicator': k },
      h('td', null, INDICATOR_NAME[k], h('span.muted', null, '（' + INDICATOR_UNIT[k] + '）')),
      h('td.num', { 'data-col': 'value', class: ok ? null : 'eval-bad' }, fmt(v)),
      h('td.num', { 'data-col': 'threshold' }, fmt(t)),
      h('td.eval-bar-cell', null, valueBar(v, t)),
      h('td', { 'data-col': 'met' }, verdictBadge(ok)));
  });
  return h('section.card.eval-part', { 'data-stage': part.stage },
    h('div.card-head', null,
      h('h2', null, (STAGE_LABEL[part.stage] || part.stage) + '部分'),
      h('div.title-line', null,
        h('span.muted', null, '在校生 ' + fmt(part.pupils, 0) + ' 人' + (part.share !== undefined && Number(part.share) !== 1 ? '，共用资源分摊比例 ' + pct(part.share) : '')),
        h('span.muted', null, '达标 ' + fmt(part.met) + ' 项'),
        verdictBadge(part.pass, 'part-verdict'))),
    h('div.table-wrap.auto', null, h('table.data.compact', null,
      h('thead', null, h('tr', null, ['指标', '本校', '标准', '', '结论'].map((t, i) => h('th', { scope: 'col', class: i === 1 || i === 2 ? 'num' : null }, t)))),
      h('tbody', null, rows))),
    gaps.length ? h('div.eval-gaps-box', null, h('h3', null, '与标准的差距'),
      h('ul', { 'data-testid': 'gaps' }, gaps.map((g) => h('li', { 'data-indicator': g.indicator }, g.text || (fmt(g.shortfall) + ' ' + (g.unit || '')))))) : null,
    mayPlan && !part.pass ? h('p.noprint', null, h('a.btn.btn-primary', {
      href: '#/eval/what-if' + qp({ year, stage: part.stage, school: schoolId }), 'data-testid': 'to-whatif',
    }, '模拟补足差距')) : null);
}

export async function render(ctx, id) {
  const asked = yearOf(ctx.query);
  const d = await get('/api/eval/school/' + id, { year: asked || undefined });
  const school = d.school || {};
  const year = d.year || asked;
  const isSchool = ctx.user && ctx.user.role === 'school';
  const last = isSchool ? year : await latestYear();
  const parts = d.parts || [];
  const guarantee = d.guarantee || [];
  const kg = d.kindergarten;
  return h('div.eval-page', null,
    pageHead('学校评估卡片', yearSelect(year, last || year, (y) => { location.hash = '#/eval/school/' + id + qp({ year: y }); }),
      isSchool ? null : h('a.btn', { href: '#/eval' + qp({ year }) }, '返回总览'),
      h('button.btn', { type: 'button', onclick: () => window.print() }, '打印')),
    isSchool ? null : evalTabs('/eval', year),
    h('section.card', null,
      h('div.title-line', null, h('h2', { 'data-testid': 'school-name' }, school.name || ('#' + id)), h('span.muted', null, year + '学年')),
      h('dl.detail.two-col', null,
        h('div.dl-row', null, h('dt', null, '办学类型'), h('dd', null, dash(school.type))),
        h('div.dl-row', null, h('dt', null, '街道/乡镇'), h('dd', null, dash(school.town))),
        h('div.dl-row', null, h('dt', null, '城乡分类'), h('dd', null, dash(school.area))),
        h('div.dl-row', null, h('dt', null, '学校标识码'), h('dd.mono', null, dash(school.code))))),
    parts.length ? parts.map((p) => partCard(p, year, id, !isSchool)) : h('p.empty', null, '本学年没有参评的义务教育学段'),
    guarantee.length ? h('section.card', { 'data-testid': 'school-guarantee' }, h('h2', null, '政府保障项目'),
      h('ul.eval-failing', null, guarantee.map((g) => h('li', { 'data-key': g.key },
        h('strong', null, g.name || g.key), ' ', verdictBadge(g.pass), ' ',
        (g.failing || []).map((f) => f.text).filter(Boolean).join('；') || g.text || '')))) : null,
    kg ? h('section.card', { 'data-testid': 'school-kg' }, h('h2', null, '学前教育'),
      h('dl.detail.two-col', null,
        h('div.dl-row', null, h('dt', null, '在园幼儿'), h('dd', null, fmt(kg.children, 0))),
        h('div.dl-row', null, h('dt', null, '核定学位'), h('dd', null, fmt(kg.places, 0))),
        h('div.dl-row', null, h('dt', null, '专任教师'), h('dd', null, fmt(kg.teachers, 0))),
        h('div.dl-row', null, h('dt', null, '幼儿与专任教师比'), h('dd', null, fmt(kg.children_per_teacher, 1))))) : null);
}
