// stats-summary.test.mjs - GET /api/stats/summary (首页 figures): every
// figure equals the sum computed here from the records API (the approved
// records of the year in scope, their values, and each type's sections from
// the schema); a combined school counts in each of its stages, its staff and
// teachers shared among them by pupils. Approved records of 2022 (a year
// with none) are made here for a 小学, an 初中, a 九年一贯制学校 and a 幼儿园,
// so the figures are not empty whatever the demo holds.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { ok } from '../lib/client.mjs';
import { recordList, getRecord, getSchema, schemaFields, saveClean, enc } from '../lib/stats.mjs';

const S = serverSuite();
const YEAR = 2022;
const STAGES = [
  { stage: '学前', section: 'kg', classes: 'kg_classes', pupils: 'kg_children' },
  { stage: '小学', section: 'primary', classes: 'primary_classes', pupils: 'primary_pupils' },
  { stage: '初中', section: 'junior', classes: 'junior_classes', pupils: 'junior_pupils' },
  { stage: '高中', section: 'senior', classes: 'senior_classes', pupils: 'senior_pupils' },
  { stage: '中职', section: 'vocational', classes: 'vocational_classes', pupils: 'vocational_pupils' },
];

// Values that pass every rule of the form (k varies the sizes).
function validValues(fields, k) {
  const keys = new Set(fields.map((f) => f.key));
  const v = {};
  const stage = (p, grades) => {
    if (!keys.has(`${p}_classes`)) return;
    let c = 0; let n = 0;
    for (const g of grades) {
      v[`${p}_classes_${g}`] = 2 + (k % 2); c += v[`${p}_classes_${g}`];
      v[`${p}_pupils_${g}`] = 70 + 3 * k; n += v[`${p}_pupils_${g}`];
    }
    Object.assign(v, {
      [`${p}_classes`]: c, [`${p}_pupils`]: n, [`${p}_classes_56_65`]: 0, [`${p}_classes_66plus`]: 0,
      [`${p}_girls`]: Math.floor(n * 0.45), [`${p}_entrants`]: 70 + 3 * k, [`${p}_graduates`]: 60 + k,
      [`${p}_boarders`]: 0, [`${p}_migrant`]: 5, [`${p}_left_behind`]: 3 + k, [`${p}_disabled`]: 1,
    });
  };
  stage('primary', ['g1', 'g2', 'g3', 'g4', 'g5', 'g6']);
  stage('junior', ['g7', 'g8', 'g9']);
  stage('senior', ['g10', 'g11', 'g12']);
  stage('vocational', ['y1', 'y2', 'y3']);
  if (keys.has('kg_classes')) {
    Object.assign(v, { kg_classes_small: 2, kg_classes_middle: 2, kg_classes_large: 2 + (k % 2), kg_classes_mixed: 0,
      kg_children_small: 50, kg_children_middle: 55, kg_children_large: 60 + k, kg_children_mixed: 0,
      kg_girls: 70, kg_entrants: 50, kg_inclusive: 1, kg_carers: 4 });
    v.kg_classes = v.kg_classes_small + v.kg_classes_middle + v.kg_classes_large;
    v.kg_children = v.kg_children_small + v.kg_children_middle + v.kg_children_large;
  }
  Object.assign(v, {
    staff_total: 61 + k, teachers_total: 50, teachers_key: 5, teachers_chinese: 10, teachers_math: 10,
    teachers_english: 5, teachers_pe: 3, teachers_music: 2, teachers_art: 2, teachers_science: 3, teachers_it: 1,
    teachers_other: 4, teachers_postgrad: 5, teachers_bachelor: 30, teachers_college: 10, teachers_highschool: 5,
    building_area: 5000.5, teaching_area: 3000, gym_area: 500, sports_ground_area: 8000, equipment_value: 120000,
    multimedia_rooms: 12, books: 20000, computers: 80, music_rooms: 1, art_rooms: 1, capacity: 600,
    has_canteen: 1, lunch_mode: '自办食堂', after_school_pupils: 300, after_school_staff: 20,
  });
  for (const key of Object.keys(v)) if (!keys.has(key)) delete v[key];
  return v;
}

const sectionsOf = new Map();
async function sections(c, year, type) {
  const key = `${year}|${type}`;
  if (!sectionsOf.has(key)) sectionsOf.set(key, (await getSchema(c, year, type)).sections.map((s) => s.key));
  return sectionsOf.get(key);
}

// The summary of year computed from the records API, as caller c.
// The schools with an approved record of year.
async function approvedSet(c, year) {
  return new Set((await recordList(c, year, `status=${enc('已通过')}`)).map((r) => r.school_id));
}

// This year's sums, and both years' sums over the schools approved in both (the change compares those).
async function years(c, year) {
  const now = await computed(c, year);
  const sameNow = await computed(c, year, await approvedSet(c, year - 1));
  const before = await computed(c, year - 1, await approvedSet(c, year));
  return { now, sameNow, before };
}

async function computed(c, year, alsoIn = null) {
  let rows = await recordList(c, year, `status=${enc('已通过')}`);
  if (alsoIn) rows = rows.filter((r) => alsoIn.has(r.school_id));
  const sums = Object.fromEntries(STAGES.map((s) => [s.stage, { schools: 0, classes: 0, pupils: 0, staff: 0, teachers: 0 }]));
  const num = (x) => (x === null || x === undefined || x === '' ? NaN : Number(x));
  let listStaff = 0;
  for (const r of rows) {
    assert.equal(r.status, '已通过');
    const rec = await getRecord(c, r.school_id, year);
    const secs = await sections(c, year, rec.school.type ?? r.type);
    const has = STAGES.filter((s) => secs.includes(s.section));
    const pupils = has.map((s) => (Number.isNaN(num(rec.values[s.pupils])) ? 0 : num(rec.values[s.pupils])));
    const all = pupils.reduce((a, b) => a + b, 0);
    const staff = num(rec.values.staff_total);
    const teachers = num(rec.values.teachers_total);
    listStaff += Number(r.staff ?? 0);
    has.forEach((s, i) => {
      const share = all > 0 ? pupils[i] / all : 1 / has.length;
      const t = sums[s.stage];
      const cl = num(rec.values[s.classes]);
      t.schools += 1;
      t.classes += Number.isNaN(cl) ? 0 : cl;
      t.pupils += pupils[i];
      t.staff += Number.isNaN(staff) ? 0 : staff * share;
      t.teachers += Number.isNaN(teachers) ? 0 : teachers * share;
    });
  }
  return { sums, records: rows.length, listStaff };
}

function assertSummary(summary, { now, sameNow, before }, what) {
  assert.deepEqual(summary.stages.map((s) => s.stage), STAGES.map((s) => s.stage), `${what}: stages in order`);
  for (const s of summary.stages) {
    const e = now.sums[s.stage];
    assert.equal(s.schools, e.schools, `${what} ${s.stage} schools`);
    assert.equal(s.classes, Math.round(e.classes), `${what} ${s.stage} classes`);
    assert.equal(s.pupils, Math.round(e.pupils), `${what} ${s.stage} pupils`);
    assert.ok(Math.abs(s.staff - e.staff) <= 0.5 + 1e-6, `${what} ${s.stage} staff ${s.staff} vs ${e.staff}`);
    assert.ok(Math.abs(s.teachers - e.teachers) <= 0.5 + 1e-6, `${what} ${s.stage} teachers ${s.teachers} vs ${e.teachers}`);
    const b = before.sums[s.stage];
    if (b.pupils > 0) {
      assert.equal(typeof s.pupils_change, 'number', `${what} ${s.stage} pupils_change`);
      const same = sameNow.sums[s.stage];
      assert.ok(Math.abs(s.pupils_change - (same.pupils - b.pupils) / b.pupils) < 1e-4, `${what} ${s.stage} change ${s.pupils_change}`);
    } else {
      assert.equal(s.pupils_change, null, `${what} ${s.stage}: no change without last year's pupils`);
    }
  }
  const staffTotal = summary.stages.reduce((a, s) => a + s.staff, 0);
  assert.ok(Math.abs(staffTotal - now.listStaff) <= STAGES.length, `${what}: staff of the stages ${staffTotal} ≈ staff of the records list ${now.listStaff}`);
}

S.test('summary of a year with records approved here equals the sums of the records API', async () => {
  const admin = await S.login('admin');
  const jijiao = await S.login('jijiao');
  const leader = await S.login('leader');
  const made = [];
  let k = 0;
  for (const type of ['小学', '初中', '九年一贯制学校', '幼儿园']) {
    const schools = (await recordList(admin, YEAR, `type=${enc(type)}`)).filter((r) => r.status === '未填报');
    let list = schools;
    if (!list.length) {
      list = ok(await admin.get(`/api/schools?type=${enc(type)}&status=${enc('在办')}&per_page=5`)).items
        .map((s) => ({ school_id: s.id, code: s.code, type: s.type }));
    }
    if (!list.length) continue;
    for (const s of list.slice(0, 2)) {
      const fields = schemaFields(await getSchema(jijiao, YEAR, type));
      const values = validValues(fields, k++);
      const saved = await saveClean(jijiao, s.school_id, YEAR, values);
      ok(await jijiao.post(`/api/stats/records/${s.school_id}/${YEAR}/submit`));
      ok(await jijiao.post(`/api/stats/records/${s.school_id}/${YEAR}/approve`));
      made.push({ ...s, type, values: saved.values });
    }
  }
  assert.ok(made.length >= 6, `approved records made: ${made.length}`);
  assert.ok(made.some((m) => m.type === '九年一贯制学校'), 'a combined school among them');
  // one more submitted but not approved: not counted
  const extra = (await recordList(admin, YEAR, `type=${enc('小学')}`)).find((r) => r.status === '未填报');
  if (extra) {
    await saveClean(jijiao, extra.school_id, YEAR, validValues(schemaFields(await getSchema(jijiao, YEAR, '小学')), 9));
    ok(await jijiao.post(`/api/stats/records/${extra.school_id}/${YEAR}/submit`));
  }

  for (const c of [admin, leader, jijiao]) {
    const y = await years(c, YEAR);
    assert.ok(y.now.records >= made.length);
    const s = ok(await c.get(`/api/stats/summary?year=${YEAR}`));
    assert.equal(s.year, YEAR);
    assert.equal(s.previous_year, YEAR - 1);
    assertSummary(s, y, `${c.user.username} ${YEAR}`);
    // the default year is the latest with approved records: this one
    const d = ok(await c.get('/api/stats/summary'));
    assert.equal(d.year, YEAR, 'default year');
    assert.deepEqual(d.stages, s.stages);
  }
  // the made records alone, by hand: the combined school counts in 小学 and 初中
  const s = ok(await leader.get(`/api/stats/summary?year=${YEAR}`));
  const by = Object.fromEntries(s.stages.map((x) => [x.stage, x]));
  const mine = (t) => made.filter((m) => m.type === t).length;
  assert.ok(by['小学'].schools >= mine('小学') + mine('九年一贯制学校'));
  assert.ok(by['初中'].schools >= mine('初中') + mine('九年一贯制学校'));
  assert.ok(by['学前'].schools >= mine('幼儿园'));

  // a school administrator's summary covers their own school only
  const m = made.find((x) => x.type === '小学');
  const sa = await S.login(`s${m.code}`);
  const own = ok(await sa.get(`/api/stats/summary?year=${YEAR}`));
  const p = Object.fromEntries(own.stages.map((x) => [x.stage, x]));
  assert.equal(p['小学'].schools, 1);
  assert.equal(p['小学'].pupils, m.values.primary_pupils);
  assert.equal(p['小学'].classes, m.values.primary_classes);
  assert.equal(p['小学'].staff, m.values.staff_total);
  assert.equal(p['初中'].schools, 0);
});

S.test('summary of every year with approved records equals the records API (demo data)', async () => {
  const leader = await S.login('leader');
  for (const year of [2019, 2020, 2021]) {
    const y = await years(leader, year);
    const s = ok(await leader.get(`/api/stats/summary?year=${year}`));
    assert.equal(s.year, year);
    assertSummary(s, y, `leader ${year}`);
  }
});
