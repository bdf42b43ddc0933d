// eval-balanced.test.mjs - GET /api/eval/balanced (义务教育优质均衡), the
// what-if, the saved scenarios and the xlsx exports of 评估.
//
// The verdicts and 差异系数 are checked against a second implementation
// written here from the raw 基表 records (GET /api/stats/records/{id}/{year}
// of every school with a record) and the thresholds of GET
// /api/eval/standards: the stage split of combined schools by the standard's
// pupil weights, the exclusions (特殊教育学校, 教学点 under 50 pupils), the
// 7 values per part, the enrollment-weighted CV and the 6-of-7 / 85% rule.
// Then a statistics value is changed through the records API and the
// evaluation must move as this implementation predicts; a what-if must
// answer the changed data without saving anything.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { ok } from '../lib/client.mjs';
import { recordList, getRecord, saveClean, readWorkbook } from '../lib/stats.mjs';
import { assertXlsxReply } from '../lib/xlsx.mjs';

const S = serverSuite();
const YEAR = 2021;
const KEYS = ['qualified_teachers', 'key_teachers', 'pe_art_teachers', 'teaching_area', 'sports_area',
  'equipment_value', 'multimedia_rooms'];
// 督导评估: pupil weights that split a combined school's shared resources (standards.md §1.2).
const WEIGHTS = {
  九年一贯制学校: { primary: 1, junior: 1.1 },
  十二年一贯制学校: { primary: 1, junior: 1.1, senior: 1.32 },
  完全中学: { junior: 1, senior: 1.2 },
};

// ------------------------------------------------------------ the records

// Every record of year in the caller's scope: {school_id -> {school, values, status}}.
async function loadRecords(c, year) {
  const rows = (await recordList(c, year)).filter((r) => r.status !== '未填报');
  const out = new Map();
  for (let i = 0; i < rows.length; i += 8) {
    const batch = await Promise.all(rows.slice(i, i + 8).map((r) => getRecord(c, r.school_id, year)));
    for (const rec of batch) out.set(rec.school.id, { school: rec.school, values: rec.values, status: rec.status });
  }
  return out;
}

// The national thresholds of year from the standards API: {stage: {indicator: threshold}}.
async function thresholds(c, year) {
  const items = ok(await c.get(`/api/eval/standards?year=${year}`)).items;
  const t = { primary: {}, junior: {} };
  for (const s of items) {
    if (s.level === '国家' && t[s.stage]) t[s.stage][s.indicator] = s.threshold;
  }
  for (const stage of ['primary', 'junior']) {
    for (const k of [...KEYS, 'cv', 'indicators_met', 'remaining_ratio']) {
      assert.equal(typeof t[stage][k], 'number', `national ${k} of ${stage} in /api/eval/standards`);
    }
  }
  return t;
}

// ------------------------------------------------- the second implementation

const num = (v) => {
  const x = Number(v);
  return v === null || v === undefined || v === '' || !Number.isFinite(x) ? 0 : x;
};

// The parts of stage: [{school_id, P, share, values, met, pass}] and the excluded ids.
function evaluate(records, stage, t) {
  const th = t[stage];
  const excludeBelow = t.primary.exclude_point_pupils ?? 50;
  const parts = [];
  const excluded = [];
  for (const [id, rec] of records) {
    const v = rec.values;
    const n = (k) => num(v[k]);
    const P = n(`${stage}_pupils`);
    if (!(P > 0)) continue;
    const type = rec.school.type;
    if (type === '特殊教育学校' || (type === '教学点' && P < excludeBelow)) {
      excluded.push(id);
      continue;
    }
    let share = 1;
    const w = WEIGHTS[type];
    if (w) {
      let sum = 0;
      for (const s of ['primary', 'junior', 'senior']) if (w[s] && n(`${s}_pupils`) > 0) sum += w[s] * n(`${s}_pupils`);
      share = (w[stage] * P) / sum;
    }
    const qualified = n('teachers_postgrad') + n('teachers_bachelor') + (stage === 'primary' ? n('teachers_college') : 0);
    const values = {
      qualified_teachers: (100 * share * qualified) / P,
      key_teachers: (100 * share * n('teachers_key')) / P,
      pe_art_teachers: (100 * share * (n('teachers_pe') + n('teachers_music') + n('teachers_art'))) / P,
      teaching_area: (share * n('teaching_area')) / P,
      sports_area: (share * (n('sports_ground_area') + n('gym_area'))) / P,
      equipment_value: (share * n('equipment_value')) / P,
      multimedia_rooms: (100 * share * n('multimedia_rooms')) / P,
    };
    let met = 0;
    let rest = true;
    for (const k of KEYS) {
      if (values[k] >= th[k]) met += 1;
      else if (values[k] < th.remaining_ratio * th[k]) rest = false;
    }
    parts.push({ school_id: id, P, share, values, met, pass: met >= th.indicators_met && rest });
  }
  const cv = {};
  const P = parts.reduce((a, p) => a + p.P, 0);
  for (const k of KEYS) {
    const mean = parts.reduce((a, p) => a + p.P * p.values[k], 0) / P;
    const sd = Math.sqrt(parts.reduce((a, p) => a + (p.P / P) * (p.values[k] - mean) ** 2, 0));
    cv[k] = sd / mean;
  }
  return { parts, excluded, cv, passing: parts.filter((p) => p.pass).length };
}

const close = (a, b, what, rel = 1e-3, abs = 0.006) => {
  assert.equal(typeof a, 'number', `${what}: a number, got ${a}`);
  assert.ok(Math.abs(a - b) <= Math.max(abs, Math.abs(b) * rel), `${what}: ${a} vs expected ${b}`);
};

// The answer of /api/eval/balanced equals the second implementation.
function assertBalanced(body, expected, t, stage, what) {
  assert.equal(body.stage, stage, `${what}: stage`);
  assert.equal(body.year, YEAR, `${what}: year`);
  const ids = body.schools.map((s) => s.school_id).sort((a, b) => a - b);
  assert.deepEqual(ids, expected.parts.map((p) => p.school_id).sort((a, b) => a - b), `${what}: the evaluated schools`);
  assert.deepEqual(body.excluded.map((x) => x.school_id).sort((a, b) => a - b), [...expected.excluded].sort((a, b) => a - b),
    `${what}: the excluded schools`);
  for (const x of body.excluded) assert.ok(x.reason, `${what}: a reason for excluding ${x.name}`);
  const byId = new Map(expected.parts.map((p) => [p.school_id, p]));
  for (const s of body.schools) {
    const e = byId.get(s.school_id);
    assert.equal(s.pupils, e.P, `${what} ${s.name}: pupils`);
    close(s.share, e.share, `${what} ${s.name}: share`);
    for (const k of KEYS) close(s.values[k], e.values[k], `${what} ${s.name}: ${k}`);
    assert.equal(s.met, e.met, `${what} ${s.name}: indicators met`);
    assert.equal(s.pass, e.pass, `${what} ${s.name}: verdict`);
    assert.equal(s.gaps.length, KEYS.length - e.met, `${what} ${s.name}: one gap per unmet indicator`);
  }
  assert.deepEqual(body.indicators.map((i) => i.key), KEYS, `${what}: the 7 indicators in order`);
  for (const ind of body.indicators) {
    close(ind.cv, expected.cv[ind.key], `${what}: cv of ${ind.key}`, 1e-3, 6e-4);
    assert.equal(ind.cv_threshold, t[stage].cv, `${what}: cv threshold`);
    assert.equal(ind.cv_pass, expected.cv[ind.key] <= t[stage].cv, `${what}: cv verdict of ${ind.key}`);
    assert.equal(ind.schools_meeting, expected.parts.filter((p) => p.values[ind.key] >= t[stage][ind.key]).length,
      `${what}: schools meeting ${ind.key}`);
  }
  assert.equal(body.schools_total, expected.parts.length, `${what}: schools_total`);
  assert.equal(body.schools_passing, expected.passing, `${what}: schools_passing`);
  if (expected.passing < expected.parts.length) assert.equal(body.pass, false, `${what}: not every school passes`);
}

// ------------------------------------------------------------------ tests

let T = null;        // thresholds
let records = null;  // the records of YEAR

S.test('balanced: 小学 and 初中 verdicts and CVs equal an independent computation from the records', async () => {
  const admin = await S.login('admin');
  T = await thresholds(admin, YEAR);
  records = await loadRecords(admin, YEAR);
  assert.ok(records.size > 100, `the demo has records of ${YEAR}: ${records.size}`);
  for (const stage of ['primary', 'junior']) {
    const body = ok(await admin.get(`/api/eval/balanced?year=${YEAR}&stage=${stage}`));
    const expected = evaluate(records, stage, T);
    assert.ok(expected.parts.length > 5, `${stage}: parts to evaluate`);
    assertBalanced(body, expected, T, stage, `balanced ${stage}`);
    // combined schools are split: some part has a share below 1
    if (stage === 'junior') assert.ok(body.schools.some((s) => s.share < 1), 'a combined school is split');
  }
  // the default year is the latest with records, the default stage 小学
  const dflt = ok(await admin.get('/api/eval/balanced'));
  assert.equal(dflt.stage, 'primary');
  assert.equal(dflt.year, YEAR);
});

S.test('balanced: detail=0 leaves out the per-school rows and keeps every other figure', async () => {
  const leader = await S.login('leader');
  for (const stage of ['primary', 'junior']) {
    const full = ok(await leader.get(`/api/eval/balanced?year=${YEAR}&stage=${stage}`));
    assert.deepEqual(ok(await leader.get(`/api/eval/balanced?year=${YEAR}&stage=${stage}&detail=1`)), full,
      `${stage}: detail=1 is the default`);
    const light = ok(await leader.get(`/api/eval/balanced?year=${YEAR}&stage=${stage}&detail=0`));
    assert.equal('schools' in light, false, `${stage}: no per-school rows`);
    const { schools, ...rest } = full;
    assert.ok(schools.length > 5, `${stage}: the full answer has its rows`);
    assert.deepEqual(light, rest, `${stage}: every county figure, count and verdict unchanged`);
    assert.equal(light.schools_total, schools.length);
    assert.equal(light.schools_passing, schools.filter((s) => s.pass).length);
  }
});

S.test('balanced: a statistics value changed through the records API moves values, verdict and CV as predicted', async () => {
  const admin = await S.login('admin');
  const stage = 'primary';
  const before = evaluate(records, stage, T);
  const th = T[stage];
  // a single-stage 小学 part that passes: break its 教学仪器设备值 far below 85%
  const target = before.parts.find((p) => p.pass && records.get(p.school_id).school.type === '小学');
  assert.ok(target, 'a passing 小学 in the demo');
  const id = target.school_id;
  const rec = records.get(id);
  if (rec.status === '已通过') {
    ok(await admin.post(`/api/stats/records/${id}/${YEAR}/reopen`, { reason: '评估测试：修改仪器设备值' }));
  } else if (rec.status === '已提交') {
    ok(await admin.post(`/api/stats/records/${id}/${YEAR}/return`, { comment: '评估测试：修改仪器设备值' }));
  }
  const values = { ...rec.values, equipment_value: Math.floor(0.5 * th.equipment_value * target.P) };
  const saved = await saveClean(admin, id, YEAR, values);
  const changed = new Map(records);
  changed.set(id, { ...rec, values: { ...rec.values, ...saved.values } });
  const after = evaluate(changed, stage, T);
  const predicted = after.parts.find((p) => p.school_id === id);
  assert.equal(predicted.pass, false, 'the second implementation predicts a failing school');
  assert.notEqual(after.cv.equipment_value, before.cv.equipment_value);

  const body = ok(await admin.get(`/api/eval/balanced?year=${YEAR}&stage=${stage}`));
  assertBalanced(body, after, T, stage, 'after the change');
  const school = body.schools.find((s) => s.school_id === id);
  assert.equal(school.pass, false);
  const gap = school.gaps.find((g) => g.indicator === 'equipment_value');
  assert.ok(gap && gap.shortfall > 0, `a gap in equipment: ${JSON.stringify(school.gaps)}`);
  records = changed;
});

S.test('what-if: changed verdicts and CVs without saving anything', async () => {
  const duda = await S.login('duda');
  const stage = 'primary';
  const saved = ok(await duda.get(`/api/eval/balanced?year=${YEAR}&stage=${stage}`));
  const current = evaluate(records, stage, T);
  // add PE/art teachers to a school short of them, move pupils between two others
  const short = current.parts.find((p) => p.values.pe_art_teachers < T[stage].pe_art_teachers) || current.parts[0];
  const [a, b] = current.parts.filter((p) => p.school_id !== short.school_id && records.get(p.school_id).school.type === '小学');
  const changes = [
    { school_id: short.school_id, field: 'teachers_pe', add: 3 },
    { school_id: a.school_id, field: 'teaching_area', set: 9000 },
    { move_pupils: 20, from_school_id: a.school_id, to_school_id: b.school_id },
  ];
  const res = ok(await duda.post('/api/eval/what-if', { year: YEAR, stage, changes }));
  const changed = new Map(records);
  const edit = (id, f) => {
    const r = changed.get(id);
    changed.set(id, { ...r, values: f({ ...r.values }) });
  };
  edit(short.school_id, (v) => ({ ...v, teachers_pe: num(v.teachers_pe) + 3 }));
  edit(a.school_id, (v) => ({ ...v, teaching_area: 9000, primary_pupils: num(v.primary_pupils) - 20 }));
  edit(b.school_id, (v) => ({ ...v, primary_pupils: num(v.primary_pupils) + 20 }));
  const expected = evaluate(changed, stage, T);
  assertBalanced(res, expected, T, stage, 'what-if');
  assert.deepEqual([...res.changed_schools].sort((x, y) => x - y),
    [short.school_id, a.school_id, b.school_id].sort((x, y) => x - y));
  assert.equal(res.before.schools_passing, current.passing, 'before: schools passing now');
  for (const k of KEYS) close(res.before.cv[k], current.cv[k], `before: cv of ${k}`, 1e-3, 6e-4);
  close(res.schools.find((s) => s.school_id === short.school_id).values.pe_art_teachers,
    expected.parts.find((p) => p.school_id === short.school_id).values.pe_art_teachers, 'the changed school');
  // nothing was saved
  const again = ok(await duda.get(`/api/eval/balanced?year=${YEAR}&stage=${stage}`));
  assert.deepEqual(again, saved, 'balanced unchanged after a what-if');
  const rec = ok(await duda.get(`/api/stats/records/${short.school_id}/${YEAR}`));
  assert.equal(num(rec.values.teachers_pe), num(records.get(short.school_id).values.teachers_pe));
});

S.test('what-if and balanced: every bad input is refused with a Chinese message naming the field', async () => {
  const admin = await S.login('admin');
  const anyId = [...records.keys()].find((id) => num(records.get(id).values.primary_pupils) > 0);
  const err = (res, status, field) => {
    assert.equal(res.status, status, `${status} ${field}: ${res.status} ${res.text}`);
    assert.equal(res.json.error.field, field);
    assert.match(res.json.error.message, /[\u4e00-\u9fa5]/, 'a Chinese message');
  };
  err(await admin.get('/api/eval/balanced?year=abc'), 400, 'year');
  err(await admin.get('/api/eval/balanced?year=1999'), 400, 'year');
  err(await admin.get('/api/eval/balanced?stage=senior'), 400, 'stage');
  err(await admin.get('/api/eval/balanced?format=pdf'), 400, 'format');
  err(await admin.get('/api/eval/balanced?detail=2'), 400, 'detail');
  err(await admin.get('/api/eval/balanced?detail=no'), 400, 'detail');
  err(await admin.get('/api/eval/balanced?org=x'), 400, 'org');
  err(await admin.get('/api/eval/balanced?org=999999'), 400, 'org');
  err(await admin.get('/api/eval/balanced?org=1'), 403, 'org'); // the province, above 长葛市
  const w = (body) => admin.post('/api/eval/what-if', body);
  err(await w({ year: YEAR, stage: 'primary' }), 400, 'changes');
  err(await w({ year: YEAR, changes: {} }), 400, 'changes');
  err(await w({ year: 'x', changes: [] }), 400, 'year');
  err(await w({ year: YEAR, stage: 'kg', changes: [] }), 400, 'stage');
  err(await w({ year: YEAR, org: 'x', changes: [] }), 400, 'org');
  err(await w({ year: YEAR, changes: [{ school_id: anyId, field: 'no_such_field', add: 1 }] }), 400, 'changes[0].field');
  const neg = await w({ year: YEAR, changes: [{ school_id: anyId, field: 'teachers_pe', add: -100000 }] });
  assert.equal(neg.status, 400, neg.text);
  assert.match(neg.json.error.field, /^changes\[0\]/);
  const bad = await admin.req('POST', '/api/eval/what-if', '[1]', { headers: { 'Content-Type': 'application/json' } });
  assert.equal(bad.status, 400);
  // a 学校管理员 has no county evaluation
  const someSchool = records.values().next().value.school;
  const school = await S.login(`s${someSchool.code}`);
  assert.equal((await school.post('/api/eval/what-if', { year: YEAR, changes: [] })).status, 403);
});

S.test('scenarios: save, list, open with a fresh result, delete; audited; writers only', async () => {
  const duda = await S.login('duda');
  const admin = await S.login('admin');
  const stage = 'junior';
  const part = evaluate(records, stage, T).parts[0];
  const changes = [{ school_id: part.school_id, field: 'multimedia_rooms', add: 2 }];
  const current = ok(await duda.get(`/api/eval/balanced?year=${YEAR}&stage=${stage}`));
  const created = ok(await duda.post('/api/eval/scenarios', { name: '  增加多媒体教室  ', year: YEAR, stage, changes }), 201);
  assert.equal(created.name, '增加多媒体教室');
  assert.equal(created.stage, stage);
  assert.equal(created.year, YEAR);
  assert.deepEqual(created.changes, changes);
  assert.equal(created.created_by_name, '孙红梅');
  const whatIf = ok(await duda.post('/api/eval/what-if', { year: YEAR, stage, changes }));
  assert.equal(created.summary.schools_passing, whatIf.schools_passing);
  assert.deepEqual(created.summary.cv, Object.fromEntries(whatIf.indicators.map((i) => [i.key, i.cv])));

  const list = ok(await admin.get(`/api/eval/scenarios?year=${YEAR}`)).items;
  assert.ok(list.some((s) => s.id === created.id && s.name === created.name));
  assert.equal(ok(await admin.get('/api/eval/scenarios?year=2019')).items.length, 0);
  const opened = ok(await admin.get(`/api/eval/scenarios/${created.id}`));
  assert.deepEqual(opened.result.schools, whatIf.schools, 'the result is the what-if on today\'s data');
  assert.equal(opened.result.before.schools_passing, current.schools_passing);
  // saving changed nothing
  assert.deepEqual(ok(await duda.get(`/api/eval/balanced?year=${YEAR}&stage=${stage}`)), current);

  // who may write
  const leader = await S.login('leader');
  assert.equal(ok(await leader.get(`/api/eval/scenarios/${created.id}`)).id, created.id, 'a leader reads');
  assert.equal((await leader.post('/api/eval/scenarios', { name: 'x', year: YEAR, stage, changes })).status, 403);
  const auditor = await S.login('audit');
  assert.equal((await auditor.post('/api/eval/scenarios', { name: 'x', year: YEAR, stage, changes })).status, 403);
  assert.equal((await auditor.del(`/api/eval/scenarios/${created.id}`)).status, 403);
  const jijiao = await S.login('jijiao');
  assert.equal((await jijiao.del(`/api/eval/scenarios/${created.id}`)).status, 403);
  // bad input
  const e1 = await duda.post('/api/eval/scenarios', { year: YEAR, stage, changes });
  assert.equal(e1.status, 400);
  assert.equal(e1.json.error.field, 'name');
  const e2 = await duda.post('/api/eval/scenarios', { name: 'x'.repeat(61), year: YEAR, stage, changes });
  assert.equal(e2.json.error.field, 'name');
  const e3 = await duda.post('/api/eval/scenarios', { name: '空', year: YEAR, stage, changes: [] });
  assert.equal(e3.json.error.field, 'changes');
  const e4 = await duda.post('/api/eval/scenarios', { name: '错', year: YEAR, stage, changes: [{ school_id: part.school_id, field: 'nope', add: 1 }] });
  assert.equal(e4.json.error.field, 'changes[0].field');
  const e5 = await duda.post('/api/eval/scenarios', { name: 7, year: YEAR, stage, changes });
  assert.equal(e5.json.error.field, 'name');
  assert.equal((await duda.get('/api/eval/scenarios?year=abc')).json.error.field, 'year');
  assert.equal((await duda.get('/api/eval/scenarios?org=abc')).json.error.field, 'org');
  assert.equal((await duda.get('/api/eval/scenarios/999999')).status, 404);
  assert.equal((await duda.get('/api/eval/scenarios/abc')).status, 404);

  assert.equal((await duda.del(`/api/eval/scenarios/${created.id}`)).status, 204);
  assert.equal((await duda.get(`/api/eval/scenarios/${created.id}`)).status, 404);
  assert.equal((await duda.del(`/api/eval/scenarios/${created.id}`)).status, 404);
  const audit = ok(await admin.get(`/api/audit?entity=eval_scenario&entity_id=${created.id}`)).items;
  const create = audit.find((x) => x.action === 'create');
  const del = audit.find((x) => x.action === 'delete');
  assert.ok(create && del, `create and delete audited: ${JSON.stringify(audit.map((x) => x.action))}`);
  assert.equal(create.username, 'duda');
  assert.equal(create.before, null);
  assert.equal(create.after.name, '增加多媒体教室');
  assert.equal(del.before.id, created.id);
  assert.equal(del.after, null);
});

S.test('exports: the per-school table of a stage and the workbook of the inspection forms', async () => {
  const leader = await S.login('leader');
  const body = ok(await leader.get(`/api/eval/balanced?year=${YEAR}&stage=junior`));
  const x = assertXlsxReply(await leader.get(`/api/eval/balanced?year=${YEAR}&stage=junior&format=xlsx`));
  const header = x.rows[0];
  assert.ok(header.includes('学校名称') && header.includes('达标项数') && header.includes('是否达标'), header.join(','));
  assert.equal(x.rows.length - 1, body.schools.length, 'one row per school part');
  const light = assertXlsxReply(await leader.get(`/api/eval/balanced?year=${YEAR}&stage=junior&format=xlsx&detail=0`));
  assert.deepEqual(light.rows, x.rows, 'the table is the per-school rows, whatever detail says');
  const nameCol = header.indexOf('学校名称');
  const metCol = header.indexOf('达标项数');
  for (const s of body.schools) {
    const row = x.rows.find((r) => r[nameCol] === s.name);
    assert.ok(row, `${s.name} in the table`);
    assert.equal(Number(row[metCol]), s.met);
  }
  const res = await leader.get(`/api/eval/export?year=${YEAR}`);
  assert.equal(res.status, 200, res.text.slice(0, 300));
  const wb = readWorkbook(res.buffer);
  assert.deepEqual(wb.sheets.map((s) => s.name),
    ['小学资源配置', '初中资源配置', '差异系数', '政府保障', '学前普及普惠', '班额与规模', '不参评学校']);
  const junior = wb.sheets[1].rows.filter((r) => r.length);
  assert.equal(junior.length - 1, body.schools.length);
  const cv = wb.sheets[2].rows.filter((r) => r.length);
  assert.equal(cv.length - 1, 14, 'the 7 CVs of both stages');
  const excluded = wb.sheets[6].rows.filter((r) => r.length);
  const primary = ok(await leader.get(`/api/eval/balanced?year=${YEAR}&stage=primary`));
  assert.equal(excluded.length - 1, primary.excluded.length + body.excluded.length);
  assert.equal((await leader.get('/api/eval/export?year=x')).status, 400);
  const school = await S.login(`s${records.values().next().value.school.code}`);
  assert.equal((await school.get(`/api/eval/export?year=${YEAR}`)).status, 403);
  assert.equal((await school.get(`/api/eval/balanced?year=${YEAR}`)).status, 403);
});
