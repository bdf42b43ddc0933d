// eval-counties.test.mjs - GET /api/eval/counties: the counties of a city or
// a province side by side, on a province of 3 counties (tests/lib/counties.mjs:
// 许昌市 > 长葛市, 模拟市01 > 模拟县001 and 模拟县002).
//
// Each county's row must be that county's own evaluation: the figures of
// GET /api/eval/balanced?org=<county> and /api/eval/preschool?org=<county>;
// the counties are those of GET /api/orgs?level=county in the caller's scope;
// the parts add up to the province's own count. Then who may read which
// scope, the xlsx export and every error the endpoint answers.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { ok, assertError, login, Client } from '../lib/client.mjs';
import { assertXlsxReply, tableAfterHeader } from '../lib/xlsx.mjs';
import { prepareCounties, loginFirst, COUNTIES, PROVINCE_USER, CITY_USER, CITY_NAME } from '../lib/counties.mjs';

const S = serverSuite({ prepare: prepareCounties });
const YEAR = 2021;
const KEYS = ['qualified_teachers', 'key_teachers', 'pe_art_teachers', 'teaching_area', 'sports_area',
  'equipment_value', 'multimedia_rooms'];
const KG_KEYS = ['gross_enrollment', 'inclusive_coverage', 'public_enrollment_share'];

const counties = (c, q = '') => c.get(`/api/eval/counties${q}`);

// The row of county (an /api/orgs item) as its own evaluations say.
async function expectedRow(c, county, cities, stage, year) {
  const b = ok(await c.get(`/api/eval/balanced?org=${county.id}&year=${year}&stage=${stage}&detail=0`));
  const p = ok(await c.get(`/api/eval/preschool?org=${county.id}&year=${year}&detail=0`));
  const cv = {};
  const cvPass = {};
  for (const x of b.indicators) { cv[x.key] = x.cv; cvPass[x.key] = x.cv_pass; }
  assert.deepEqual(Object.keys(cv).sort(), [...KEYS].sort(), 'the 7 indicators');
  const kg = (key) => p.indicators.find((x) => x.key === key).value;
  return {
    org_id: county.id, name: county.name, city: cities.get(county.parent_id) ?? null,
    schools_total: b.schools_total, schools_passing: b.schools_passing, pass: b.pass,
    cv, cv_pass: cvPass, cv_threshold: b.indicators[0].cv_threshold,
    failing_indicators: b.indicators.filter((x) => !x.cv_pass).length,
    preschool: { ...Object.fromEntries(KG_KEYS.map((k) => [k, kg(k)])), pass: p.pass },
  };
}

let province = null; // the province user's client
let units = null; // {counties, cities: Map id -> name, provinceId, cityId}

S.test('a province user sees every county, each as its own evaluation', async () => {
  province = await loginFirst(S.base, PROVINCE_USER);
  const all = ok(await province.get('/api/orgs?level=county&per_page=200')).items;
  const cityRows = ok(await province.get('/api/orgs?level=city&per_page=200')).items;
  assert.equal(all.length, COUNTIES, 'the generated counties');
  const cities = new Map(cityRows.map((x) => [x.id, x.name]));
  const provinceId = province.user.scope_org_id;
  units = { counties: all, cities, provinceId, cityId: cityRows.find((x) => x.name === CITY_NAME).id };

  for (const stage of ['primary', 'junior']) {
    const d = ok(await counties(province, `?year=${YEAR}&stage=${stage}`));
    assert.equal(d.year, YEAR);
    assert.equal(d.stage, stage);
    assert.equal(d.org.id, provinceId);
    const names = d.items.map((x) => x.name);
    assert.deepEqual(names, [...names].sort(), 'sorted by name');
    assert.deepEqual([...d.items.map((x) => x.org_id)].sort((a, b) => a - b), all.map((x) => x.id).sort((a, b) => a - b));
    for (const item of d.items) {
      const want = await expectedRow(province, all.find((x) => x.id === item.org_id), cities, stage, YEAR);
      assert.deepEqual(item, want, `${item.name} ${stage}: the county's own evaluation`);
      assert.ok(item.schools_total > 0, `${item.name} has ${stage} parts`);
    }
    // the counties' parts are the province's parts, each once
    const whole = ok(await province.get(`/api/eval/balanced?year=${YEAR}&stage=${stage}&detail=0`));
    assert.equal(d.items.reduce((s, x) => s + x.schools_total, 0), whole.schools_total);
    assert.equal(d.items.reduce((s, x) => s + x.schools_passing, 0), whole.schools_passing);
  }
  // the demo county has its population, the generated ones have none: 毛入园率 unknown there
  const d = ok(await counties(province, `?year=${YEAR}`));
  assert.equal(d.stage, 'primary', 'stage defaults to primary');
  const demo = d.items.find((x) => x.name === '长葛市');
  assert.equal(typeof demo.preschool.gross_enrollment, 'number');
  assert.equal(demo.city, '许昌市');
  assert.ok(d.items.filter((x) => x !== demo).every((x) => x.preschool.gross_enrollment === null && x.city === CITY_NAME));
  // without year: the latest with records in scope
  assert.equal(ok(await counties(province)).year, YEAR);
});

S.test('a city sees its counties, a county its one county; outside the scope 403', async () => {
  assert.ok(units, 'the first test ran');
  const city = await loginFirst(S.base, CITY_USER);
  const d = ok(await counties(city, `?year=${YEAR}&stage=junior`));
  assert.equal(d.org.id, units.cityId);
  const mine = units.counties.filter((x) => x.parent_id === units.cityId);
  assert.equal(mine.length, COUNTIES - 1);
  assert.deepEqual(d.items.map((x) => x.org_id).sort((a, b) => a - b), mine.map((x) => x.id).sort((a, b) => a - b));
  for (const item of d.items) {
    assert.deepEqual(item, await expectedRow(city, mine.find((x) => x.id === item.org_id), units.cities, 'junior', YEAR));
  }
  // the province user asking for the city gets the same rows
  assert.deepEqual(ok(await counties(province, `?year=${YEAR}&stage=junior&org=${units.cityId}`)).items, d.items);

  const demoCounty = units.counties.find((x) => x.name === '长葛市');
  assertError(await counties(city, `?org=${demoCounty.id}`), 403, { field: 'org' });
  assertError(await counties(city, `?org=${units.provinceId}`), 403, { field: 'org' });

  const admin = await login(S.base, 'admin'); // 长葛市's administrator
  const one = ok(await counties(admin, `?year=${YEAR}`));
  assert.deepEqual(one.items.map((x) => x.name), ['长葛市']);
  assert.deepEqual(one.items[0], await expectedRow(admin, demoCounty, units.cities, 'primary', YEAR));
  assertError(await counties(admin, `?org=${units.provinceId}`), 403, { field: 'org' });
  // below a county there is no county to compare
  const town = ok(await admin.get('/api/orgs?level=town')).items[0];
  const none = ok(await counties(admin, `?org=${town.id}&year=${YEAR}`));
  assert.deepEqual(none.items, []);
  assert.equal(none.org.id, town.id);

  // a 学校管理员 reads only its own school's card
  const school = ok(await admin.get('/api/schools?per_page=1')).items[0];
  const sc = await login(S.base, `s${school.code}`);
  assertError(await counties(sc), 403);
  assertError(await counties(sc, `?org=${demoCounty.id}`), 403);
  // nobody logged in
  assert.equal((await counties(new Client(S.base))).status, 401);
});

S.test('bad parameters are refused with the field named', async () => {
  assert.ok(province, 'the first test ran');
  assertError(await counties(province, '?stage=senior'), 400, { field: 'stage' });
  assertError(await counties(province, '?org=abc'), 400, { field: 'org' });
  assertError(await counties(province, '?org=999999'), 400, { field: 'org' });
  assertError(await counties(province, '?year=abc'), 400, { field: 'year' });
  assertError(await counties(province, '?year=1999'), 400, { field: 'year' });
  assertError(await counties(province, '?format=pdf'), 400, { field: 'format' });
});

S.test('format=xlsx exports the counties table', async () => {
  assert.ok(province, 'the first test ran');
  const d = ok(await counties(province, `?year=${YEAR}&stage=junior`));
  const x = assertXlsxReply(await counties(province, `?year=${YEAR}&stage=junior&format=xlsx`));
  const { header, data } = tableAfterHeader(x.rows, '县（市、区）');
  assert.equal(data.length, d.items.length);
  const col = (title) => {
    const i = header.indexOf(title);
    assert.ok(i >= 0, `column ${title} in ${header}`);
    return i;
  };
  d.items.forEach((item, i) => {
    const row = data[i];
    assert.equal(row[col('县（市、区）')], item.name);
    assert.equal(row[col('所属市')], item.city);
    assert.equal(Number(row[col('参评学校')]), item.schools_total);
    assert.equal(Number(row[col('资源配置达标学校')]), item.schools_passing);
    assert.equal(row[col('优质均衡结论')], item.pass ? '达标' : '未达标');
    assert.equal(Number(row[col('差异系数：体育艺术教师')]), item.cv.pe_art_teachers);
    assert.equal(Number(row[col('差异系数未达标指标数')]), item.failing_indicators);
  });
});
