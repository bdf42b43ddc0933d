// safety-summary.test.mjs - GET /api/safety/summary for 2021 on the demo
// county equals counts of the records themselves, computed here from the
// list endpoints (hazards, activities, vaccinations, inspections, coverage),
// and reproduces the seed's figures (879 hazards at 350+ schools, 300+
// education events, 800+ drills, 3,000+ equipment pieces, 7,000+
// extinguishers, 38 schools repaired, vaccination 99%+). Read-only: this file
// writes nothing, so the demo data is as generated.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { ok, allPages, cstDate, assertError } from '../lib/client.mjs';
import { assertXlsxReply } from '../lib/xlsx.mjs';

const S = serverSuite();
const FROM = '2021-01-01';
const TO = '2021-12-31';
const PERIOD = `from=${FROM}&to=${TO}`;
const enc = encodeURIComponent;
const inYear = (d) => typeof d === 'string' && d >= FROM && d <= TO;
const near = (a, b, eps = 0.0015) => Math.abs(Number(a) - Number(b)) <= eps;
const money = (a, b) => Math.abs(Number(a) - Number(b)) < 0.01;

let cache = null;
async function records() {
  if (cache) return cache;
  const c = await S.login('anquan');
  const hazards = await allPages(c, '/api/hazards');
  const found = await allPages(c, `/api/hazards?${PERIOD}`);
  const acts = await allPages(c, `/api/safety/activities?${PERIOD}`);
  const summary = ok(await c.get(`/api/safety/summary?${PERIOD}`));
  cache = { c, hazards, found, acts, summary };
  return cache;
}

function tally(list, keyFn) {
  const m = new Map();
  for (const x of list) m.set(keyFn(x), (m.get(keyFn(x)) ?? 0) + 1);
  return m;
}

S.test('hazards: found, closed, schools, open, overdue, by grade / category / month equal the records', async () => {
  const { hazards, found, summary } = await records();
  const s = summary.hazards;
  assert.equal(summary.from, FROM);
  assert.equal(summary.to, TO);

  // the list's from/to filter is found_on, and agrees with filtering the whole list here
  assert.ok(found.every((h) => inYear(h.found_on)), 'from/to filters found_on');
  assert.equal(found.length, hazards.filter((h) => inYear(h.found_on)).length, 'from/to list = independent filter');
  assert.equal(found.length, 879, 'the seed: 879 hazards found in 2021');
  assert.equal(s.found, found.length, 'summary.found');

  const closed = hazards.filter((h) => inYear(h.closed_on));
  assert.ok(closed.every((h) => h.status === '已销号'), 'closed_on only on 已销号 hazards');
  assert.equal(s.closed, closed.length, 'summary.closed = hazards with closed_on in 2021');
  assert.ok(closed.length >= 800, `most of 2021 was cleared: ${closed.length}`);

  const schools = new Set(found.map((h) => h.school_id));
  assert.ok(schools.size >= 350, `hazards at 350+ schools: ${schools.size}`);
  assert.equal(s.schools, schools.size, 'summary.schools = distinct schools with hazards found');

  const today = cstDate(0);
  const open = hazards.filter((h) => h.status !== '已销号');
  const overdue = open.filter((h) => h.deadline && h.deadline < today);
  assert.ok(open.length > 0, 'the demo leaves open hazards (2022) so the loop has work');
  assert.ok(overdue.length > 0, 'and overdue ones');
  assert.equal(s.open, open.length, 'summary.open (as of today, whole scope)');
  assert.equal(s.overdue, overdue.length, 'summary.overdue (as of today, whole scope)');
  assert.equal(s.overdue, hazards.filter((h) => h.overdue).length, 'the overdue flags');
  assert.equal(s.supervised_open, open.filter((h) => h.supervised === true || h.supervised === 1).length, 'summary.supervised_open');
  assert.ok(hazards.every((h) => (h.grade === '重大') === (h.supervised === true || h.supervised === 1)), '重大 ⇔ 挂牌督办');

  // closure rate: a fraction; of the hazards found in the period, those closed by now
  // (safety_summary.c); found-and-closed in the period or closed / found are accepted too
  const closedByNow = found.filter((h) => h.status === '已销号').length / found.length;
  const closedOfFound = found.filter((h) => inYear(h.closed_on)).length / found.length;
  const closedOverFound = closed.length / found.length;
  assert.ok(s.closure_rate >= 0 && s.closure_rate <= 1, `closure_rate is a fraction: ${s.closure_rate}`);
  assert.ok([closedByNow, closedOfFound, closedOverFound].some((x) => near(s.closure_rate, x)),
    `closure_rate ${s.closure_rate} vs ${closedByNow.toFixed(4)} / ${closedOfFound.toFixed(4)} / ${closedOverFound.toFixed(4)}`);

  // median days to close over the hazards closed in the period
  const days = closed.map((h) => (Date.parse(h.closed_on) - Date.parse(h.found_on)) / 86400e3).sort((a, b) => a - b);
  assert.ok(days.every((d) => d >= 0), 'closed on or after found');
  const lo = days[Math.floor((days.length - 1) / 2)];
  const hi = days[Math.ceil((days.length - 1) / 2)];
  assert.ok(Number(s.median_days_to_close) >= lo - 0.5 && Number(s.median_days_to_close) <= hi + 0.5,
    `median_days_to_close ${s.median_days_to_close}, records say ${lo}..${hi}`);

  // by grade and category: found in the period, closed in the period
  const check = (rows, keyFn, label) => {
    assert.ok(Array.isArray(rows), `${label} is a list`);
    const f = tally(found, keyFn);
    const c = tally(closed, keyFn);
    for (const r of rows) {
      assert.equal(r.found, f.get(r.name) ?? 0, `${label} ${r.name} found`);
      assert.equal(r.closed, c.get(r.name) ?? 0, `${label} ${r.name} closed`);
    }
    for (const [k, n] of f) if (n > 0) assert.ok(rows.some((r) => r.name === k), `${label} lacks ${k}`);
    assert.equal(rows.reduce((a, r) => a + r.found, 0), found.length, `${label} sums to found`);
  };
  check(s.by_grade, (h) => h.grade, 'by_grade');
  check(s.by_category, (h) => h.category, 'by_category');
  assert.ok(s.by_grade.find((r) => r.name === '重大')?.found > 0, 'some 重大 in 2021');
  assert.ok(s.by_category.length >= 5, 'several categories');

  // by status: of the hazards found in the period (or, failing that, the whole scope)
  const st = new Map(s.by_status.map((r) => [r.name, r.value]));
  const stFound = tally(found, (h) => h.status);
  const stAll = tally(hazards, (h) => h.status);
  const same = (m) => [...new Set([...m.keys(), ...st.keys()])].every((k) => (m.get(k) ?? 0) === (st.get(k) ?? 0));
  assert.ok(same(stFound) || same(stAll), `by_status ${JSON.stringify(s.by_status)} vs found ${JSON.stringify([...stFound])}`);

  // by month: 12 months of 2021, found by found_on, closed by closed_on
  const months = s.by_month.map((m) => m.month);
  assert.equal(months.length, 12, `12 months: ${months}`);
  assert.ok(months.every((m) => /^2021-\d{2}$/.test(m)), `months in the period: ${months}`);
  const fm = tally(found, (h) => h.found_on.slice(0, 7));
  const cm = tally(closed, (h) => h.closed_on.slice(0, 7));
  for (const m of s.by_month) {
    assert.equal(m.found, fm.get(m.month) ?? 0, `by_month ${m.month} found`);
    assert.equal(m.closed, cm.get(m.month) ?? 0, `by_month ${m.month} closed`);
  }
  assert.equal(s.by_month.reduce((a, m) => a + m.found, 0), found.length, 'by_month sums to found');
  assert.equal(s.by_month.reduce((a, m) => a + m.closed, 0), closed.length, 'by_month sums to closed');
});

S.test('activities: by kind and repaired schools equal the records; the seed figures', async () => {
  const { c, acts, summary } = await records();
  assert.ok(acts.every((a) => inYear(a.on_date)), 'activities from/to filters on_date');
  const by = new Map();
  for (const a of acts) {
    const k = by.get(a.kind) ?? { count: 0, participants: 0, quantity: 0, funds: 0, schools: new Set() };
    k.count++;
    k.participants += a.participants ?? 0;
    k.quantity += a.quantity ?? 0;
    k.funds += Number(a.funds ?? 0);
    k.schools.add(a.school_id);
    by.set(a.kind, k);
  }
  const get = (kind) => by.get(kind) ?? { count: 0, participants: 0, quantity: 0, funds: 0, schools: new Set() };
  assert.ok(get('安全教育').count >= 300, `300+ safety-education events: ${get('安全教育').count}`);
  assert.ok(get('应急演练').count >= 800, `800+ drills: ${get('应急演练').count}`);
  assert.ok(get('安防器材').quantity >= 3000, `3,000+ pieces of equipment: ${get('安防器材').quantity}`);
  assert.ok(get('灭火器').quantity >= 7000, `7,000+ extinguishers: ${get('灭火器').quantity}`);
  assert.equal(get('维修').schools.size, 38, '38 schools repaired');

  const rows = summary.activities.by_kind;
  for (const [kind, k] of by) {
    const r = rows.find((x) => x.kind === kind);
    assert.ok(r, `summary.activities.by_kind lacks ${kind}`);
    assert.equal(r.count, k.count, `${kind} count`);
    assert.equal(r.participants ?? 0, k.participants, `${kind} participants`);
    assert.equal(r.quantity ?? 0, k.quantity, `${kind} quantity`);
    assert.ok(money(r.funds ?? 0, k.funds), `${kind} funds ${r.funds} vs ${k.funds}`);
    assert.equal(r.schools, k.schools.size, `${kind} schools`);
  }
  for (const r of rows) if (r.count > 0) assert.ok(by.has(r.kind), `by_kind ${r.kind} not in the records`);
  assert.equal(summary.activities.repaired_schools, 38);

  // the totals endpoint agrees
  const totals = ok(await c.get(`/api/safety/activities/totals?${PERIOD}&by=kind`)).items;
  for (const [kind, k] of by) {
    const t = totals.find((x) => x.kind === kind || x.key === kind || x.name === kind);
    assert.ok(t, `totals by kind lacks ${kind}: ${JSON.stringify(totals)}`);
    assert.equal(t.count, k.count, `totals ${kind} count`);
    assert.equal(t.quantity ?? 0, k.quantity, `totals ${kind} quantity`);
    assert.equal(t.participants ?? 0, k.participants, `totals ${kind} participants`);
    assert.equal(t.schools, k.schools.size, `totals ${kind} schools`);
  }
  // by town: counts add up to all the records
  const towns = ok(await c.get(`/api/safety/activities/totals?${PERIOD}&by=town`)).items;
  assert.equal(towns.reduce((a, t) => a + t.count, 0), acts.length, 'by town sums to every activity');
  // one kind filter
  const drills = await allPages(c, `/api/safety/activities?${PERIOD}&kind=${enc('应急演练')}`);
  assert.equal(drills.length, get('应急演练').count);
  assert.ok(drills.every((a) => a.kind === '应急演练'));
});

S.test('vaccination: the summary period equals the per-school records and the county row, 99%+', async () => {
  const { c, summary } = await records();
  const v = summary.vaccination;
  assert.match(String(v.period), /^2021/, `a 2021 period: ${v.period}`);
  const page = ok(await c.get(`/api/safety/vaccinations?period=${enc(v.period)}&per_page=1`));
  const rows = await allPages(c, `/api/safety/vaccinations?period=${enc(v.period)}`);
  assert.ok(rows.length >= 300, `a row per school: ${rows.length}`);
  assert.ok(rows.every((r) => r.period === v.period));
  const sum = (k) => rows.reduce((a, r) => a + r[k], 0);
  for (const k of ['staff_eligible', 'staff_vaccinated', 'pupils_eligible', 'pupils_vaccinated']) {
    assert.equal(v[k], sum(k), `summary.vaccination.${k}`);
    assert.equal(page.county[k], sum(k), `county.${k}`);
  }
  for (const r of rows) {
    assert.ok(r.staff_vaccinated <= r.staff_eligible && r.pupils_vaccinated <= r.pupils_eligible, `vaccinated ≤ eligible at ${r.school_name}`);
    if (r.pupils_eligible > 0) assert.ok(near(r.pupils_rate, r.pupils_vaccinated / r.pupils_eligible), `pupils_rate of ${r.school_name}`);
  }
  assert.ok(near(v.staff_rate, sum('staff_vaccinated') / sum('staff_eligible')), `staff_rate ${v.staff_rate}`);
  assert.ok(near(v.pupils_rate, sum('pupils_vaccinated') / sum('pupils_eligible')), `pupils_rate ${v.pupils_rate}`);
  assert.ok(v.staff_rate >= 0.99, `staff vaccination 99%+: ${v.staff_rate}`);
  assert.ok(v.pupils_rate >= 0.99, `pupils vaccination 99%+: ${v.pupils_rate}`);
  assert.ok(v.pupils_rate < 1 || v.staff_rate < 1, 'rates are computed, not a constant 1');
});

S.test('inspections: the count and schools inspected equal the list and the coverage', async () => {
  const { c, summary } = await records();
  const list = await allPages(c, `/api/inspections?${PERIOD}`);
  assert.ok(list.every((i) => inYear(i.on_date)), 'inspections from/to filters on_date');
  assert.equal(summary.inspections.count, list.length, 'summary.inspections.count');
  const cov = ok(await c.get(`/api/safety/coverage?${PERIOD}`));
  const inspected = cov.schools.filter((s) => s.inspections > 0);
  assert.equal(cov.inspected, inspected.length, 'coverage.inspected = schools with inspections');
  assert.equal(cov.not_inspected, cov.schools.length - inspected.length);
  for (const s of inspected) assert.ok(inYear(s.last_on), `last_on in the period: ${s.last_on}`);
  // independently: the schools marked done in the 2021 inspections' details, among the schools
  // that existed in the period (coverage lists those 在办 or closed on or after its first day:
  // the demo county's 4 schools merged in 2021 count)
  assert.ok(list.length > 0 && list.length <= 400, `2021 inspections: ${list.length}`);
  const admin = await S.login('admin');
  const everySchool = await allPages(admin, '/api/schools');
  const active = new Set(everySchool.filter((s) => s.status === '在办' || (s.closed_on && s.closed_on >= FROM)).map((s) => s.id));
  assert.equal(cov.schools.length, active.size, 'coverage lists the schools that existed in the period');
  const done = new Map();
  const doneAll = new Set();
  for (const i of list) {
    const d = ok(await c.get(`/api/inspections/${i.id}`));
    assert.equal(d.schools.length, i.schools, `inspection ${i.id}: schools`);
    assert.equal(d.schools.filter((s) => s.done === true || s.done === 1).length, i.done, `inspection ${i.id}: done`);
    for (const s of d.schools) {
      if (s.done === true || s.done === 1) doneAll.add(s.school_id);
      if ((s.done === true || s.done === 1) && active.has(s.school_id)) {
        done.set(s.school_id, (done.get(s.school_id) ?? 0) + 1);
      }
    }
  }
  assert.equal(cov.inspected, done.size, 'coverage.inspected = schools done in the details');
  // the summary counts the schools done in the period (all of them, or those the coverage lists)
  const si = summary.inspections.schools_inspected;
  assert.ok(si === doneAll.size || si === done.size,
    `summary.inspections.schools_inspected ${si}: all schools done ${doneAll.size}, active ${done.size}`);
  assert.ok(doneAll.size >= 350, `the seed: 350+ schools inspected in 2021: ${doneAll.size}`);
  for (const s of cov.schools) assert.equal(s.inspections, done.get(s.school_id) ?? 0, `inspections of ${s.name}`);
  assert.ok(cov.inspected >= 340, `nearly every school inspected in 2021: ${cov.inspected} of ${cov.schools.length}`);
});

S.test('scope: the leader sees the county figures; a school only its own; bad periods are refused', async () => {
  const { found, summary } = await records();
  const leader = await S.login('leader');
  const ls = ok(await leader.get(`/api/safety/summary?${PERIOD}`));
  assert.deepEqual(ls.hazards, summary.hazards, 'leader = 安全稳定股 over the county');
  // the school with the most 2021 hazards
  const counts = tally(found, (h) => h.school_id);
  const admin = await S.login('admin');
  let school = null;
  let sid = 0;
  let n = 0;
  for (const [id, count] of [...counts].sort((a, b) => b[1] - a[1])) {
    const sch = ok(await admin.get(`/api/schools/${id}`));
    if (sch.status === '在办') { school = sch; sid = id; n = count; break; }
  }
  assert.ok(school, 'an active school with 2021 hazards');
  const sc = await S.login(`s${school.code}`);
  const mine = ok(await sc.get(`/api/safety/summary?${PERIOD}`));
  assert.equal(mine.hazards.found, n, 'the school sees its own count');
  assert.equal(mine.hazards.schools, 1);
  const own = await allPages(sc, `/api/hazards?${PERIOD}`);
  assert.equal(own.length, n);
  assert.ok(own.every((h) => h.school_id === sid));
  // bad dates
  assertError(await leader.get('/api/safety/summary?from=2021-13-01&to=2021-12-31'), 400, { field: 'from' });
  assertError(await leader.get('/api/safety/summary?from=2021-01-01&to=20211231'), 400, { field: 'to' });
});

S.test('xlsx export of the hazard list: Chinese headers, the filtered row count', async () => {
  const { c, found } = await records();
  const q = `${PERIOD}&grade=${enc('重大')}`;
  const expected = found.filter((h) => h.grade === '重大');
  assert.ok(expected.length > 0);
  const x = assertXlsxReply(await c.get(`/api/hazards?${q}&format=xlsx`));
  const hi = x.rows.findIndex((r) => r.some((v) => v.includes('状态')) && r.some((v) => v.includes('学校')));
  assert.ok(hi >= 0, `a header row with 学校 and 状态: ${JSON.stringify(x.rows.slice(0, 3))}`);
  const header = x.rows[hi];
  for (const h of header.filter(Boolean)) assert.match(h, /[\u4e00-\u9fff]/, `Chinese column title: ${h}`);
  for (const want of ['等级', '隐患', '类别']) assert.ok(header.some((h) => h.includes(want)), `a column with ${want}: ${header}`);
  const data = x.rows.slice(hi + 1).filter((r) => r.some((v) => v !== ''));
  assert.equal(data.length, expected.length, 'the filtered row count (not one page)');
  const gcol = header.findIndex((h) => h.includes('等级'));
  assert.ok(data.every((r) => r[gcol] === '重大'), 'only 重大 rows');
  const scol = header.findIndex((h) => h.includes('学校') && !h.includes('码'));
  const names = new Set(expected.map((h) => h.school_name));
  assert.ok(data.every((r) => names.has(r[scol])), 'school names of the filtered hazards');
});
