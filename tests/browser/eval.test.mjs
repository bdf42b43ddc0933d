// eval.test.mjs (browser) - the 评估 module in headless chromium (issue 4):
// an administrator opens 县域评估总览 from the menu and sees the verdict and
// the 7 indicators the API computes; drills into an indicator some schools
// fail, filters the per-school table to the failing ones, opens a failing
// school's card, goes to 模拟测算 with that school, adds the changes its gaps
// call for, runs the what-if and sees the school turn 达标 and the county CV
// of the indicator change; saves the changes as a scenario. A leader (reader
// of eval) runs what-ifs too but is offered no write control. Every expected
// figure comes from the API's answers. No console errors, no CSP violations.
//
// Selectors are the ones promised at the top of web/js/pages/eval.js.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { browserSuite, textShown } from '../lib/browser.mjs';
import { login as apiLogin } from '../lib/client.mjs';

const S = serverSuite();
const B = browserSuite(S);

const cv4 = (v) => Number(v).toFixed(4);
const verdict = (pass) => (pass ? '达标' : '未达标');

async function json(client, path) {
  const r = await client.get(path);
  assert.equal(r.status, 200, `${path}: ${r.text}`);
  return r.json;
}

// A failing single-stage school whose gaps are all about the 7 indicators,
// and the indicator of its first gap (an indicator some schools fail).
function pickFailing(d) {
  const s = d.schools.find((x) => !x.pass && Number(x.share) === 1 && x.gaps.length > 0);
  assert.ok(s, 'the demo has a failing single-stage school');
  const key = s.gaps[0].indicator;
  const ind = d.indicators.find((x) => x.key === key);
  assert.ok(Number(ind.schools_meeting) < d.schools_total, `${key}: some schools fail it`);
  return { school: s, ind };
}

S.test('an administrator drills from the scorecard to a failing school and makes it pass in a what-if', async () => {
  const admin = await apiLogin(S.base, 'admin');
  const d = await json(admin, '/api/eval/balanced?stage=primary');
  const { school, ind } = pickFailing(d);
  const year = d.year;
  const { context, page: p, check } = await B.openPage();
  try {
    await B.login(p, 'admin');
    await p.locator('#menu a[data-route="/eval"]').click();

    // ---- 总览: the verdict, the passing count and each indicator as the API says
    await p.locator('[data-testid="eval-verdict"]').waitFor();
    await textShown(p, '[data-testid="eval-verdict"]', verdict(d.pass));
    assert.equal(await p.locator('[data-testid="eval-year"]').inputValue(), String(year));
    assert.equal((await p.locator('[data-testid="eval-passing"]').textContent()).trim(),
      `${d.schools_passing.toLocaleString('zh-CN')} / ${d.schools_total.toLocaleString('zh-CN')}`);
    assert.equal(await p.locator('[data-testid="eval-failures"] li').count(), d.failures.length, 'every failing item listed');
    for (const x of d.indicators) {
      const row = p.locator(`table[data-testid="eval-indicators"] tr[data-indicator="${x.key}"]`);
      assert.equal((await row.locator('td[data-col="cv"]').textContent()).trim(), cv4(x.cv), `${x.key} CV`);
      assert.equal((await row.locator('td[data-col="cv_pass"]').textContent()).trim(), verdict(x.cv_pass));
    }
    await p.locator('#eval-trend svg').waitFor();

    // ---- drill into the indicator the school fails
    await p.locator(`[data-testid="drill-${ind.key}"]`).click();
    await p.locator('[data-testid="indicator-cv"] .stat-value').waitFor();
    assert.equal((await p.locator('[data-testid="indicator-cv"] .stat-value').textContent()).trim(), cv4(ind.cv));
    await p.locator('#eval-dist svg').waitFor();
    const short = d.schools.filter((s) => s.gaps.some((g) => g.indicator === ind.key));
    assert.equal(await p.locator('table[data-testid="shortfalls"] tbody tr[data-school-id]').count(), short.length, 'every school short of it ranked');
    // the per-school table: the failing ones, then this school by name
    const list = p.locator('.list-view').filter({ has: p.locator('table[data-testid="eval-schools"]') });
    await list.locator('form.filters select[name="pass"]').selectOption('0');
    await textShown(p, '.list-view [data-testid="total"]', `共 ${d.schools.filter((s) => !s.pass).length} 条`);
    await list.locator('form.filters input[name="q"]').fill(school.name);
    const row = p.locator(`table[data-testid="eval-schools"] tbody tr[data-school-id="${school.school_id}"]`);
    await row.waitFor();
    assert.equal((await row.locator('td[data-col="pass"]').textContent()).trim(), '未达标');
    assert.equal((await row.locator('td[data-col="met"]').textContent()).trim(), String(school.met));

    // ---- the school's card
    await row.locator('td[data-col="name"] a').click();
    const card = await json(admin, `/api/eval/school/${school.school_id}?year=${year}`);
    const part = card.parts.find((x) => x.stage === 'primary');
    await textShown(p, '[data-testid="school-name"]', card.school.name);
    const partBox = p.locator('.eval-part[data-stage="primary"]');
    assert.equal((await partBox.locator('[data-testid="part-verdict"]').textContent()).trim(), '未达标');
    assert.equal(await partBox.locator('[data-testid="gaps"] li').count(), part.gaps.length);
    for (const g of part.gaps) {
      assert.equal((await partBox.locator(`[data-testid="gaps"] li[data-indicator="${g.indicator}"]`).textContent()).trim(), g.text);
    }

    // ---- 模拟测算: close its gaps, run, see it pass and the CV move
    await partBox.locator('[data-testid="to-whatif"]').click();
    await p.locator('[data-testid="whatif-school"]').waitFor();
    assert.equal(await p.locator('[data-testid="whatif-school"]').inputValue(), String(school.school_id), 'the school is chosen');
    await p.locator('[data-testid="whatif-fill-gaps"]').click();
    assert.equal(await p.locator('tr.eval-change').count(), part.gaps.length, 'one change per gap');
    const answered = p.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/eval/what-if'));
    await p.locator('[data-testid="whatif-run"]').click();
    const resp = await answered;
    assert.equal(resp.status(), 200);
    const sent = JSON.parse(resp.request().postData());
    const r = await resp.json();
    // the server agrees on its own: the same changes, asked by the test
    const again = await admin.post('/api/eval/what-if', { year, stage: 'primary', changes: sent.changes });
    assert.equal(again.status, 200, again.text);
    const after = again.json.schools.find((s) => s.school_id === school.school_id);
    assert.equal(after.pass, true, 'the changes from its gaps make the school pass');
    assert.deepEqual(r.indicators.map((x) => x.cv), again.json.indicators.map((x) => x.cv));
    assert.deepEqual(r.before.cv[ind.key], ind.cv, 'before = the scorecard');

    const res = p.locator('[data-testid="whatif-result"]');
    await res.waitFor();
    const srow = res.locator(`table[data-testid="whatif-schools"] tr[data-school-id="${school.school_id}"]`);
    assert.equal((await srow.locator('td.before').textContent()).trim(), '未达标');
    assert.equal((await srow.locator('td.after').textContent()).trim(), '达标', 'the school now passes');
    const cvAfter = r.indicators.find((x) => x.key === ind.key).cv;
    assert.notEqual(cv4(cvAfter), cv4(ind.cv), 'the county CV of the indicator moves');
    const cvRow = res.locator(`table[data-testid="whatif-cv"] tr[data-indicator="${ind.key}"]`);
    assert.equal((await cvRow.locator('td.before').textContent()).trim(), cv4(ind.cv));
    assert.equal((await cvRow.locator('td.after').textContent()).trim(), cv4(cvAfter));
    assert.ok(await cvRow.evaluate((el) => el.classList.contains('moved')), 'the moved CV is highlighted');
    assert.equal((await res.locator('[data-testid="whatif-passing"] .after').textContent()).trim(), String(r.schools_passing));
    assert.equal(r.schools_passing, d.schools_passing + 1, 'one school more passes');

    // ---- save the changes as a scenario; it is listed
    const name = '补齐' + school.name;
    await p.locator('[data-testid="whatif-save"]').click();
    const dlg = p.locator('dialog.modal[open]');
    await dlg.locator('input[name="name"]').fill(name);
    await dlg.locator('[data-testid="save"]').click();
    await p.locator('table[data-testid="scenarios"] tr[data-scenario-id]').filter({ hasText: name }).waitFor();
    const saved = (await json(admin, `/api/eval/scenarios?year=${year}`)).items.find((x) => x.name === name);
    assert.ok(saved, 'the server has it');
    assert.deepEqual(saved.changes.length, sent.changes.length);
    assert.equal(saved.summary.schools_passing, r.schools_passing);

    // ---- open it again: its changes and today's result; then delete it
    const sRow = p.locator(`table[data-testid="scenarios"] tr[data-scenario-id="${saved.id}"]`);
    await sRow.locator('[data-testid="scenario-open"]').click();
    await p.waitForFunction((id) => location.hash.includes('scenario=' + id), saved.id);
    await p.locator('[data-testid="whatif-result"]').waitFor();
    assert.equal(await p.locator('tr.eval-change').count(), sent.changes.length, 'the saved changes are back in the editor');
    const opened = await json(admin, `/api/eval/scenarios/${saved.id}`);
    assert.equal((await p.locator('[data-testid="whatif-passing"] .after').textContent()).trim(), String(opened.result.schools_passing));
    await p.locator(`table[data-testid="scenarios"] tr[data-scenario-id="${saved.id}"] [data-testid="scenario-delete"]`).click();
    await p.locator('dialog.modal[open] [data-testid="confirm"]').click();
    await p.locator(`table[data-testid="scenarios"] tr[data-scenario-id="${saved.id}"]`).waitFor({ state: 'detached' });
    assert.equal((await admin.get(`/api/eval/scenarios/${saved.id}`)).status, 404, 'deleted on the server');
    await check();
  } finally {
    await context.close();
  }
});

S.test('a leader reads the evaluation and runs a what-if but is offered no write control', async () => {
  const leader = await apiLogin(S.base, 'leader');
  const d = await json(leader, '/api/eval/balanced?stage=junior');
  const { school } = pickFailing(d);
  const { context, page: p, check } = await B.openPage();
  try {
    await B.login(p, 'leader');
    await p.goto(`${S.base}/#/eval/what-if?year=${d.year}&stage=junior&school=${school.school_id}`);
    await p.locator('[data-testid="whatif-fill-gaps"]').click();
    const answered = p.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/eval/what-if'));
    await p.locator('[data-testid="whatif-run"]').click();
    const r = await (await answered).json();
    const after = r.schools.find((s) => s.school_id === school.school_id);
    await p.locator('[data-testid="whatif-result"]').waitFor();
    assert.equal((await p.locator(`table[data-testid="whatif-schools"] tr[data-school-id="${school.school_id}"] td.after`).textContent()).trim(), verdict(after.pass));
    assert.equal(await p.locator('[data-testid="whatif-save"]').count(), 0, 'no save for a reader');
    await p.goto(`${S.base}/#/eval/standards?year=${d.year}`);
    await p.locator('table[data-testid="standards"]').waitFor();
    assert.equal(await p.locator('[data-testid="standard-new"]').count(), 0, 'no new target for a reader');
    assert.equal(await p.locator('table[data-testid="population"] input').count(), 0, 'the population is read-only');
    const std = await json(leader, `/api/eval/standards?year=${d.year}`);
    assert.equal(await p.locator('table[data-testid="standards"] tr[data-standard-id]').count(), std.items.length);
    await check();
  } finally {
    await context.close();
  }
});

S.test('督导室 adds a 本局 target through the form (a wrong value is shown beside its field and kept) and enters a town population', async () => {
  const duda = await apiLogin(S.base, 'duda');
  const pops = await json(duda, '/api/eval/population?year=2021');
  const town = pops.items[0];
  const before = await json(duda, '/api/eval/standards?year=2022');
  // the refused tries answer 400 on purpose
  const { context, page: p, check } = await B.openPage({ allow: [/Failed to load resource: the server responded with a status of 400/] });
  try {
    await B.login(p, 'duda');
    await p.goto(`${S.base}/#/eval/standards?year=2022`);
    await p.locator('[data-testid="standard-new"]').click();
    const dlg = p.locator('dialog.modal[open]');
    await dlg.locator('input[name="indicator"]').fill('kg_teacher_certified');
    await dlg.locator('select[name="stage"]').selectOption('kg');
    await dlg.locator('input[name="name"]').fill('幼儿园教师持证率');
    await dlg.locator('input[name="threshold"]').fill('九成');
    await dlg.locator('input[name="year_from"]').fill('2022');
    await dlg.locator('input[name="source"]').fill('2022年工作要点');
    await dlg.locator('[data-testid="save"]').click();
    const err = dlg.locator('.field-error[data-for="threshold"]');
    await p.waitForFunction(() => (document.querySelector('dialog.modal[open] .field-error[data-for="threshold"]') || {}).textContent);
    const refused = await duda.post('/api/eval/standards', { indicator: 'kg_teacher_certified', stage: 'kg', name: '幼儿园教师持证率', threshold: '九成', comparison: '>=', year_from: 2022 });
    assert.equal(refused.status, 400);
    assert.equal((await err.textContent()).trim(), refused.json.error.message, 'the server\'s message beside the field');
    assert.equal(await dlg.locator('input[name="name"]').inputValue(), '幼儿园教师持证率', 'typed values kept');
    assert.equal(await dlg.locator('input[name="source"]').inputValue(), '2022年工作要点');
    await dlg.locator('input[name="threshold"]').fill('0.9');
    await dlg.locator('[data-testid="save"]').click();
    await p.locator('table[data-testid="standards"] tr[data-indicator="kg_teacher_certified"][data-level="本局"]').waitFor();
    const after = await json(duda, '/api/eval/standards?year=2022');
    assert.equal(after.items.length, before.items.length + 1);
    const row = after.items.find((x) => x.indicator === 'kg_teacher_certified');
    assert.equal(row.threshold, 0.9);
    assert.equal(row.level, '本局');

    // population: a negative number is refused beside the input, then a good one is saved
    await p.goto(`${S.base}/#/eval/standards?year=2021`);
    const tr = p.locator(`table[data-testid="population"] tr[data-town-id="${town.town_id}"]`);
    await tr.locator('input[name="population"]').fill('-3');
    await tr.locator('[data-testid="population-save"]').click();
    await tr.locator('input[name="population"].invalid').waitFor();
    assert.match((await tr.locator('.field-error').textContent()).trim(), /人口/);
    assert.equal(await tr.locator('input[name="population"]').inputValue(), '-3', 'kept');
    const next = Number(town.population || 0) + 17;
    await tr.locator('input[name="population"]').fill(String(next));
    const saved = p.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes('/api/eval/population/'));
    await tr.locator('[data-testid="population-save"]').click();
    assert.equal((await saved).status(), 200);
    const now = (await json(duda, '/api/eval/population?year=2021')).items.find((x) => x.town_id === town.town_id);
    assert.equal(now.population, next, 'the server has it');
    await check();
  } finally {
    await context.close();
  }
});

S.test('a school administrator opens its own card from its school page, and only its own', async () => {
  const me = await apiLogin(S.base, 's4110820082');
  const schoolId = me.user.school_id;
  const card = await json(me, `/api/eval/school/${schoolId}`);
  const { context, page: p, check } = await B.openPage({ allow: [/status of 403/] });
  try {
    await B.login(p, 's4110820082');
    await p.goto(`${S.base}/#/schools/${schoolId}`);
    await p.locator('[data-testid="eval-card"]').click();
    await textShown(p, '[data-testid="school-name"]', card.school.name);
    for (const part of card.parts) {
      const section = p.locator(`section.eval-part[data-stage="${part.stage}"]`);
      await textShown(p, `section.eval-part[data-stage="${part.stage}"] [data-testid="part-verdict"]`, verdict(part.pass));
      assert.equal(await section.locator('[data-testid="gaps"] li').count(), part.gaps.length);
      assert.equal(await section.locator('[data-testid="to-whatif"]').count(), 0, 'no what-if for a school');
    }
    assert.equal(await p.locator('#menu a[data-route="/eval"]').count(), 0, 'no county evaluation in the menu');
    // the county's evaluation and another school's card stay closed to it
    assert.equal((await me.get('/api/eval/balanced?stage=primary')).status, 403);
    const other = (await (await apiLogin(S.base, 'admin')).get('/api/eval/balanced?stage=primary')).json.schools
      .find((s) => s.school_id !== schoolId);
    assert.equal((await me.get(`/api/eval/school/${other.school_id}`)).status, 403);
    await check();
  } finally {
    await context.close();
  }
});
