// eval-others.test.mjs - 评估 beside 优质均衡: 学前普及普惠 with the
// population the bureau enters, 班额 and school sizes, a school's own card,
// the standards and the bureau's own targets, and who may do what.
//
// Figures are computed here from the 基表 records (GET
// /api/stats/records/{id}/{year}) and the population entered through PUT
// /api/eval/population; thresholds come from GET /api/eval/standards.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { ok } from '../lib/client.mjs';
import { recordList, getRecord } from '../lib/stats.mjs';

const S = serverSuite();
const YEAR = 2021;

const num = (v) => {
  const x = Number(v);
  return v === null || v === undefined || v === '' || !Number.isFinite(x) ? 0 : x;
};

// Every record of year in scope: [{school, values, status}].
async function loadRecords(c, year) {
  const rows = (await recordList(c, year)).filter((r) => r.status !== '未填报');
  const out = [];
  for (let i = 0; i < rows.length; i += 8) {
    const batch = await Promise.all(rows.slice(i, i + 8).map((r) => getRecord(c, r.school_id, year)));
    for (const rec of batch) out.push({ school: rec.school, values: rec.values, status: rec.status });
  }
  return out;
}

// A 400 naming field with a Chinese message.
function bad(res, field, status = 400) {
  assert.equal(res.status, status, `${field}: ${res.status} ${res.text}`);
  assert.equal(res.json.error.field, field, res.text);
  assert.match(res.json.error.message, /[\u4e00-\u9fa5]/, 'a Chinese message');
}

let records = null;
let towns = null;

S.test('population: every town in scope, PUT checked, audited, writers only', async () => {
  const admin = await S.login('admin');
  const duda = await S.login('duda');
  records = await loadRecords(admin, YEAR);
  towns = ok(await admin.get('/api/orgs?level=town')).items;
  const list = ok(await duda.get(`/api/eval/population?year=${YEAR}`)).items;
  assert.deepEqual(list.map((x) => x.town_id).sort((a, b) => a - b), towns.map((t) => t.id).sort((a, b) => a - b));
  assert.ok(list.every((x) => x.year === YEAR));

  bad(await duda.get('/api/eval/population?year=abc'), 'year');
  bad(await duda.get('/api/eval/population?org=1'), 'org', 403);
  const town = towns[0];
  const put = (c, body, id = town.id, year = YEAR) => c.put(`/api/eval/population/${id}/${year}`, body);
  bad(await put(duda, { population: -1 }), 'population');
  bad(await put(duda, { population: 12.5 }), 'population');
  bad(await put(duda, { population: '650' }), 'population');
  bad(await put(duda, {}), 'population');
  bad(await put(duda, { population: 650, source: 'x'.repeat(101) }), 'source');
  bad(await put(duda, { population: 650, source: 5 }), 'source');
  bad(await put(duda, { population: 650 }, 999999), 'town_id');
  bad(await put(duda, { population: 650 }, 3), 'town_id'); // the county is no town
  bad(await put(duda, { population: 650 }, 'abc'), 'town_id');
  bad(await put(duda, { population: 650 }, town.id, 'abc'), 'year');
  assert.equal((await duda.req('PUT', `/api/eval/population/${town.id}/${YEAR}`, '[1]',
    { headers: { 'Content-Type': 'application/json' } })).status, 400);
  for (const who of ['jijiao', 'leader', 'audit']) {
    const c = await S.login(who);
    assert.equal((await put(c, { population: 650 })).status, 403, `${who} may not enter population`);
  }
  const school = await S.login(`s${records[0].school.code}`);
  assert.equal((await put(school, { population: 650 })).status, 403);
  assert.equal((await school.get(`/api/eval/population?year=${YEAR}`)).status, 403);

  const before = list.find((x) => x.town_id === town.id);
  const saved = ok(await put(duda, { population: 777, source: '  卫健出生登记推算  ' }));
  assert.equal(saved.population, 777);
  assert.equal(saved.town_id, town.id);
  assert.equal(saved.source, '卫健出生登记推算');
  assert.equal(ok(await duda.get(`/api/eval/population?year=${YEAR}`)).items.find((x) => x.town_id === town.id).population, 777);
  const audit = ok(await admin.get(`/api/audit?entity=eval_population&action=${before.population === null ? 'create' : 'update'}`)).items;
  const row = audit.find((x) => x.after && x.after.town_id === town.id && x.after.population === 777);
  assert.ok(row, `the PUT is audited: ${JSON.stringify(audit.slice(0, 2))}`);
  assert.equal(row.username, 'duda');
  assert.equal(row.before ? row.before.population : null, before.population);
  // a year with no population yet is a create
  ok(await put(duda, { population: 600 }, town.id, 2022));
  const created = ok(await admin.get('/api/audit?entity=eval_population&action=create')).items;
  assert.ok(created.some((x) => x.after && x.after.year === 2022 && x.before === null));
});

S.test('preschool: indicators equal an independent computation with the population entered here', async () => {
  const duda = await S.login('duda');
  // a population for every town, so the 毛入园率 is ours
  const population = new Map(towns.map((t, i) => [t.id, 900 + 113 * i]));
  for (const [id, p] of population) ok(await duda.put(`/api/eval/population/${id}/${YEAR}`, { population: p }));
  const standards = ok(await duda.get(`/api/eval/standards?year=${YEAR}`)).items;
  const limit = (band) => standards.find((s) => s.indicator === `kg_class_${band}` && s.level === '国家').threshold;

  const kgs = records.filter((r) => r.school.type === '幼儿园');
  assert.ok(kgs.length > 20, 'kindergartens in the demo');
  let children = 0; let pub = 0; let incl = 0; let places = 0; let pubPlaces = 0; let teachers = 0; let okClasses = 0; let classes = 0;
  const byTown = new Map();
  for (const k of kgs) {
    const v = k.values;
    const c = num(v.kg_children);
    const isPublic = k.school.nature === '公办';
    const isIncl = isPublic || k.school.nature === '普惠性民办' || num(v.kg_inclusive) >= 1;
    children += c;
    places += num(v.capacity);
    teachers += num(v.teachers_total);
    if (isPublic) { pub += c; pubPlaces += num(v.capacity); }
    if (isIncl) incl += c;
    byTown.set(k.school.town_id, (byTown.get(k.school.town_id) || 0) + c);
    for (const band of ['small', 'middle', 'large', 'mixed']) {
      const n = num(v[`kg_classes_${band}`]);
      if (n <= 0) continue;
      classes += n;
      if (num(v[`kg_children_${band}`]) / n <= limit(band)) okClasses += n;
    }
  }
  const pop = [...population.values()].reduce((a, b) => a + b, 0);
  const body = ok(await duda.get(`/api/eval/preschool?year=${YEAR}`));
  assert.deepEqual(body.missing_population, []);
  const ind = Object.fromEntries(body.indicators.map((i) => [i.key, i]));
  const expect = {
    gross_enrollment: [children, pop],
    inclusive_coverage: [incl, children],
    public_enrollment_share: [pub, children],
    public_place_share: [pubPlaces, places],
    teacher_child_ratio: [children, teachers],
    class_size_compliance: [okClasses, classes],
  };
  for (const [key, [n, d]] of Object.entries(expect)) {
    const i = ind[key];
    assert.ok(i, `indicator ${key}`);
    assert.equal(i.numerator, n, `${key} numerator`);
    assert.equal(i.denominator, d, `${key} denominator`);
    assert.ok(Math.abs(i.value - n / d) <= 0.006 * Math.max(1, n / d), `${key}: ${i.value} vs ${n / d}`);
    for (const s of i.standards) {
      const pass = s.comparison === '<=' ? n / d <= s.threshold : n / d >= s.threshold;
      assert.equal(s.pass, pass, `${key} against ${s.level} ${s.threshold}`);
    }
  }
  const judged = body.indicators.filter((i) => i.standards.length);
  assert.equal(body.pass, judged.every((i) => i.standards.every((s) => s.pass)));
  for (const t of body.towns) {
    assert.equal(t.population, population.get(t.town_id), `${t.town} population`);
    assert.equal(t.children, byTown.get(t.town_id) || 0, `${t.town} children`);
  }
  // a year without population: no 毛入园率, every town listed as missing
  const next = ok(await duda.get('/api/eval/preschool?year=2023'));
  assert.equal(next.missing_population.length, towns.length);
  assert.equal(next.indicators.find((i) => i.key === 'gross_enrollment').value, null);
  // without detail: no kindergartens, every other figure the same
  const light = ok(await duda.get(`/api/eval/preschool?year=${YEAR}&detail=0`));
  assert.equal('kindergartens' in light, false, 'no per-kindergarten rows');
  const { kindergartens, ...rest } = body;
  assert.equal(kindergartens.length, kgs.length, 'the full answer lists every kindergarten');
  assert.deepEqual(light, rest);
  assert.deepEqual(ok(await duda.get(`/api/eval/preschool?year=${YEAR}&detail=1`)), body);
  bad(await duda.get('/api/eval/preschool?detail=x'), 'detail');
  bad(await duda.get('/api/eval/preschool?year=abc'), 'year');
  bad(await duda.get('/api/eval/preschool?org=999999'), 'org');
});

S.test('class-size: classes, pupils and large classes per stage equal counts from the records', async () => {
  const leader = await S.login('leader');
  const body = ok(await leader.get(`/api/eval/class-size?year=${YEAR}`));
  const standards = ok(await leader.get(`/api/eval/standards?year=${YEAR}`)).items;
  const th = (indicator, stage) => (standards.find((s) => s.indicator === indicator && s.stage === stage && s.level === '国家') || {}).threshold;
  assert.deepEqual(body.stages.map((s) => s.stage), ['primary', 'junior', 'senior']);
  for (const st of body.stages) {
    const p = st.stage;
    let classes = 0; let pupils = 0; let large = 0; let huge = 0;
    for (const r of records) {
      classes += num(r.values[`${p}_classes`]);
      pupils += num(r.values[`${p}_pupils`]);
      large += num(r.values[`${p}_classes_56_65`]);
      huge += num(r.values[`${p}_classes_66plus`]);
    }
    assert.ok(classes > 0, `${p}: classes in the demo`);
    assert.equal(st.classes, classes, `${p} classes`);
    assert.equal(st.pupils, pupils, `${p} pupils`);
    assert.equal(st.large, large, `${p} 56-65`);
    assert.equal(st.huge, huge, `${p} 66+`);
    assert.ok(Math.abs(st.average - pupils / classes) < 0.051, `${p} average ${st.average}`);
    if (p !== 'senior') {
      const pass = large / classes <= th('large_class_share', p) && huge / classes <= th('huge_class_share', p);
      assert.equal(st.pass, pass, `${p} verdict`);
    }
  }
  // single-stage 小学 and 初中 over 2000 pupils are over size
  const limit = th('school_size_max', 'primary');
  const over = records.filter((r) => (r.school.type === '小学' && num(r.values.primary_pupils) > limit)
    || (r.school.type === '初中' && num(r.values.junior_pupils) > th('school_size_max', 'junior')));
  const listed = body.over_size.filter((x) => x.type === '小学' || x.type === '初中').map((x) => x.school_id);
  assert.deepEqual(listed.sort((a, b) => a - b), over.map((r) => r.school.id).sort((a, b) => a - b));
  // over capacity: pupils of every stage above 核定学位
  for (const x of body.over_capacity) {
    const r = records.find((y) => y.school.id === x.school_id);
    assert.ok(x.pupils > num(r.values.capacity), `${x.name} over capacity`);
  }
  bad(await leader.get('/api/eval/class-size?year=x'), 'year');
  bad(await leader.get('/api/eval/class-size?org=1'), 'org', 403);
});

S.test('school card: a 学校管理员 reads its own card only; the county reads any', async () => {
  const admin = await S.login('admin');
  const primary = ok(await admin.get(`/api/eval/balanced?year=${YEAR}&stage=primary`));
  const entry = primary.schools.find((s) => s.type === '小学');
  const other = primary.schools.find((s) => s.school_id !== entry.school_id);
  const school = await S.login(`s${entry.code}`);
  const card = ok(await school.get(`/api/eval/school/${entry.school_id}?year=${YEAR}`));
  assert.equal(card.year, YEAR);
  const part = card.parts.find((p) => p.stage === 'primary');
  assert.ok(part, 'the 小学 part');
  assert.equal(part.pupils, entry.pupils);
  assert.equal(part.met, entry.met);
  assert.equal(part.pass, entry.pass);
  for (const [k, v] of Object.entries(entry.values)) assert.ok(Math.abs(part.values[k] - v) < 1e-6 + Math.abs(v) * 1e-6, `card ${k}`);
  assert.equal(ok(await school.get(`/api/eval/school/${entry.school_id}`)).year, YEAR, 'default year: the latest record');
  assert.equal((await school.get(`/api/eval/school/${other.school_id}?year=${YEAR}`)).status, 403);
  for (const path of ['balanced', 'preschool', 'class-size', 'standards', 'scenarios', 'export', 'population']) {
    assert.equal((await school.get(`/api/eval/${path}?year=${YEAR}`)).status, 403, `school admin: ${path}`);
  }
  const leader = await S.login('leader');
  assert.equal(ok(await leader.get(`/api/eval/school/${other.school_id}?year=${YEAR}`)).school.id ?? other.school_id, other.school_id);
  const jijiao = await S.login('jijiao');
  ok(await jijiao.get(`/api/eval/balanced?year=${YEAR}&stage=junior`));
  assert.equal((await admin.get('/api/eval/school/999999')).status, 404);
  assert.equal((await admin.get('/api/eval/school/abc')).status, 404);
  bad(await admin.get(`/api/eval/school/${entry.school_id}?year=abc`), 'year');
  // a school without a record of the year
  const list = await recordList(admin, YEAR);
  const missing = list.find((r) => r.status === '未填报');
  if (missing) assert.equal((await admin.get(`/api/eval/school/${missing.school_id}?year=${YEAR}`)).status, 404);
});

S.test('standards: the bureau adds, edits and deletes its own targets; national rows refuse; audited', async () => {
  const duda = await S.login('duda');
  const admin = await S.login('admin');
  const list = ok(await duda.get(`/api/eval/standards?year=${YEAR}`)).items;
  const national = list.find((s) => s.level === '国家' && s.indicator === 'pe_art_teachers');
  assert.equal(national.editable, false);
  const target = { indicator: 'inclusive_coverage', stage: 'kg', name: '普惠性幼儿园覆盖率', threshold: 0.7, comparison: '>=', year_from: YEAR, note: '测试目标' };
  const post = (c, body) => c.post('/api/eval/standards', body);
  bad(await post(duda, { ...target, threshold: 'abc' }), 'threshold');
  bad(await post(duda, { ...target, comparison: '=>' }), 'comparison');
  bad(await post(duda, { ...target, stage: 'college' }), 'stage');
  bad(await post(duda, { ...target, name: '' }), 'name');
  bad(await post(duda, { ...target, indicator: undefined }), 'indicator');
  bad(await post(duda, { ...target, year_from: 'x' }), 'year_from');
  bad(await post(duda, { ...target, year_to: YEAR - 1 }), 'year_to');
  bad(await post(duda, { ...target, unit: 'x'.repeat(11) }), 'unit');
  for (const who of ['jijiao', 'leader', 'audit']) {
    assert.equal((await post(await S.login(who), target)).status, 403, `${who} may not add a target`);
  }
  const created = ok(await post(duda, target), 201);
  assert.equal(created.level, '本局');
  assert.equal(created.county_org_id, 3);
  assert.equal(created.threshold, 0.7);
  assert.ok(created.source, 'a source by default');
  const mine = ok(await duda.get(`/api/eval/standards?year=${YEAR}`)).items.find((s) => s.id === created.id);
  assert.equal(mine.editable, true);
  // the target is shown beside the preschool indicator, judged against its value
  const pre = ok(await duda.get(`/api/eval/preschool?year=${YEAR}`));
  const incl = pre.indicators.find((i) => i.key === 'inclusive_coverage');
  const shown = incl.targets.find((t) => t.threshold === 0.7);
  assert.ok(shown, `the target beside the indicator: ${JSON.stringify(incl.targets)}`);
  assert.equal(shown.pass, incl.value >= 0.7);

  const patched = ok(await duda.patch(`/api/eval/standards/${created.id}`, { threshold: 0.75 }));
  assert.equal(patched.threshold, 0.75);
  bad(await duda.patch(`/api/eval/standards/${created.id}`, { comparison: '==' }), 'comparison');
  bad(await duda.patch(`/api/eval/standards/${created.id}`, { year_to: 2001 }), 'year_to');
  const refused = await duda.patch(`/api/eval/standards/${national.id}`, { threshold: 0.1 });
  assert.equal(refused.status, 403);
  assert.equal(refused.json.error.message, '国家和省级标准不可修改');
  assert.equal((await admin.del(`/api/eval/standards/${national.id}`)).status, 403);
  assert.equal((await (await S.login('jijiao')).patch(`/api/eval/standards/${created.id}`, { threshold: 0.1 })).status, 403);
  assert.equal((await duda.patch('/api/eval/standards/999999', { threshold: 0.1 })).status, 404);
  assert.equal(ok(await duda.get(`/api/eval/standards?year=${YEAR}`)).items.find((s) => s.id === national.id).threshold,
    national.threshold, 'the national row is unchanged');

  assert.equal((await (await S.login('jijiao')).del(`/api/eval/standards/${created.id}`)).status, 403);
  assert.equal((await (await S.login('audit')).patch(`/api/eval/standards/${created.id}`, { threshold: 0.1 })).status, 403);
  assert.equal((await duda.del(`/api/eval/standards/${created.id}`)).status, 204);
  assert.equal((await duda.del(`/api/eval/standards/${created.id}`)).status, 404);
  const audit = ok(await admin.get(`/api/audit?entity=eval_standard&entity_id=${created.id}`)).items;
  assert.deepEqual(audit.map((x) => x.action).sort(), ['create', 'delete', 'update']);
  const upd = audit.find((x) => x.action === 'update');
  assert.equal(upd.before.threshold, 0.7);
  assert.equal(upd.after.threshold, 0.75);
  bad(await duda.get('/api/eval/standards?year=abc'), 'year');
});
