// eval-counties.test.mjs (browser) - 县域评估总览 above a county, on a province
// of 3 counties (tests/lib/counties.mjs): a province user sees 各县（市、区）对比
// (each county's verdict, schools passing and CVs as GET /api/eval/counties
// says, a chart), sorts it, opens one county and lands on that county's own
// scorecard (its figures as GET /api/eval/balanced?org=<county> says, no
// comparison any more), and the other 评估 pages keep the county (links and
// requests carry org). A city user sees its two counties. No console errors.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { browserSuite, textShown } from '../lib/browser.mjs';
import { prepareCounties, loginFirst, PROVINCE_USER, CITY_USER, CITY_NAME } from '../lib/counties.mjs';

const S = serverSuite({ prepare: prepareCounties });
const B = browserSuite(S);

const cv4 = (v) => Number(v).toFixed(4);
const n = (v) => Number(v).toLocaleString('zh-CN');
const verdict = (pass) => (pass ? '达标' : '未达标');

async function json(client, path) {
  const r = await client.get(path);
  assert.equal(r.status, 200, `${path}: ${r.text}`);
  return r.json;
}

// The rows of the counties table as shown: [{id, name, passing, cv, pass}].
async function shownRows(p) {
  return p.locator('table[data-testid="eval-counties"] tbody tr[data-org-id]').evaluateAll((rows) => rows.map((tr) => {
    const cell = (c) => tr.querySelector(`td[data-col="${c}"]`).textContent.trim();
    return { id: Number(tr.dataset.orgId), name: cell('name'), passing: cell('passing'), cv: cell('cv_pe_art_teachers'), pass: cell('pass') };
  }));
}

S.test('a province user compares the counties and opens one county\'s scorecard', async () => {
  const api = await loginFirst(S.base, PROVINCE_USER);
  const d = await json(api, '/api/eval/counties?stage=primary');
  assert.equal(d.items.length, 3);
  const { context, page: p, check } = await B.openPage();
  try {
    await B.login(p, PROVINCE_USER);
    await p.locator('#menu a[data-route="/eval"]').click();
    await p.locator('table[data-testid="eval-counties"] tbody tr[data-org-id]').first().waitFor();
    await p.locator('#eval-counties-chart svg').waitFor();
    await textShown(p, '[data-testid="eval-org"]', d.org.name);

    // every county as the API says, by name
    const rows = await shownRows(p);
    assert.deepEqual(rows.map((r) => r.id), d.items.map((x) => x.org_id), 'sorted by name as the API');
    for (const [i, x] of d.items.entries()) {
      assert.equal(rows[i].name, x.name);
      assert.equal(rows[i].passing, `${n(x.schools_passing)} / ${n(x.schools_total)}`);
      assert.equal(rows[i].cv, cv4(x.cv.pe_art_teachers));
      assert.equal(rows[i].pass, verdict(x.pass));
      const cell = p.locator(`tr[data-org-id="${x.org_id}"] td[data-col="passing"] span`);
      assert.equal(await cell.evaluate((el) => el.classList.contains('eval-bad')), x.schools_passing < x.schools_total, 'short of passing in red');
    }
    // sorted by the share of passing schools, lowest first
    await p.locator('table[data-testid="eval-counties"] th[data-sort="passing"] button').click();
    const byShare = [...d.items].sort((a, b) => a.schools_passing / a.schools_total - b.schools_passing / b.schools_total);
    assert.deepEqual((await shownRows(p)).map((r) => r.id), byShare.map((x) => x.org_id));

    // open one county: its own scorecard
    const county = d.items.find((x) => x.city === CITY_NAME);
    const own = await json(api, `/api/eval/balanced?org=${county.org_id}&year=${d.year}&stage=primary&detail=0`);
    await p.locator(`tr[data-org-id="${county.org_id}"] a[data-testid="county-link"]`).click();
    await textShown(p, '[data-testid="eval-org"]', county.name);
    assert.match(p.url(), new RegExp(`[?&]org=${county.org_id}(&|$)`));
    await textShown(p, '[data-testid="eval-passing"]', `${n(own.schools_passing)} / ${n(own.schools_total)}`);
    await textShown(p, '[data-testid="eval-verdict"]', verdict(own.pass));
    for (const x of own.indicators) {
      const row = p.locator(`table[data-testid="eval-indicators"] tr[data-indicator="${x.key}"]`);
      assert.equal((await row.locator('td[data-col="cv"]').textContent()).trim(), cv4(x.cv), `${x.key} CV of the county`);
    }
    assert.equal(await p.locator('[data-testid="eval-counties-card"]').count(), 0, 'a county has no comparison');
    // the county stays chosen: tabs and drills carry it, the pages ask for it
    for (const href of await p.locator('nav.eval-tabs a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
      assert.match(href, new RegExp(`[?&]org=${county.org_id}(&|$)`), href);
    }
    assert.match(await p.locator('[data-testid="drill-pe_art_teachers"]').getAttribute('href'), new RegExp(`org=${county.org_id}`));
    const asked = p.waitForResponse((r) => r.url().includes('/api/eval/preschool'));
    await p.locator('nav.eval-tabs a', { hasText: '学前普及普惠' }).click();
    const resp = await asked;
    assert.equal(resp.status(), 200);
    assert.equal(new URL(resp.url()).searchParams.get('org'), String(county.org_id));
    await p.locator('table[data-testid="kg-indicators"]').waitFor();
    await check();
  } finally {
    await context.close();
  }
});

S.test('a city user sees its own counties', async () => {
  const api = await loginFirst(S.base, CITY_USER);
  const d = await json(api, '/api/eval/counties?stage=junior');
  assert.equal(d.items.length, 2);
  assert.ok(d.items.every((x) => x.city === CITY_NAME));
  const { context, page: p, check } = await B.openPage();
  try {
    await B.login(p, CITY_USER);
    await p.goto(S.base + '/#/eval?stage=junior');
    await p.locator('table[data-testid="eval-counties"] tbody tr[data-org-id]').first().waitFor();
    const rows = await shownRows(p);
    assert.deepEqual(rows.map((r) => r.id), d.items.map((x) => x.org_id));
    assert.deepEqual(rows.map((r) => r.cv), d.items.map((x) => cv4(x.cv.pe_art_teachers)));
    await check();
  } finally {
    await context.close();
  }
});
