// plan.test.mjs (browser) - 目标 in headless chromium, against the demo's
// 2022 plan. A leader opens 年度目标, filters 滞后 and sees exactly the
// behind items of the API's tree (status=behind), with the counts the API
// gives, and downloads 导出Excel and 督查通报; opens an item and sees a chart per target (ECharts, SVG) and its
// reports newest first with their evidence. 基础教育股 (jijiao) finds its
// own items and reminders on 股室目标 (an item 督导室 adds through the API
// is due a report), files a monthly report on an item it
// leads with a figure, a text, a link and a PDF attachment (a 400 first:
// the server's message beside the field, what was typed kept), and the
// report with its attachment shows on the item page and through the API.
// Expected values come from API responses. No console errors, no CSP
// violations, no uncaught exceptions.
//
// Selectors are the ones promised at the top of web/js/pages/plan-ui.js.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { serverSuite } from '../lib/server.mjs';
import { browserSuite } from '../lib/browser.mjs';
import { login as apiLogin, ok } from '../lib/client.mjs';

const S = serverSuite();
const B = browserSuite(S);

// Every node of a tree, depth first.
function nodes(items, out = []) {
  for (const it of items || []) { out.push(it); nodes(it.children, out); }
  return out;
}
const leaves = (items) => nodes(items).filter((it) => !(it.children || []).length);
const ids = (list) => list.map((x) => String(x.id)).sort();

async function thePlan(api) {
  const list = ok(await api.get('/api/plans')).items;
  assert.ok(list.length >= 1, 'the demo has a plan');
  // the page shows this year's plan, else the latest
  const y = new Date().getFullYear();
  return list.find((p) => Number(p.year) === y) || list.slice().sort((a, b) => b.year - a.year)[0];
}

// The page's leaves (ids and statuses) once the tree has drawn.
async function shownLeaves(page) {
  await page.locator('.plan-tree, [data-testid="tree-empty"]').first().waitFor();
  return page.$$eval('.plan-node.plan-leaf', (els) => els.map((e) => ({ id: e.getAttribute('data-item-id'), status: e.getAttribute('data-status') })));
}

S.test('a leader filters 滞后, sees the behind items of the API, opens an item with its chart and evidence', async () => {
  const api = await apiLogin(S.base, 'leader');
  const plan = await thePlan(api);
  const full = ok(await api.get(`/api/plans/${plan.id}/tree`));
  const behindTree = ok(await api.get(`/api/plans/${plan.id}/tree?status=behind`));
  const behind = leaves(behindTree.items);
  assert.ok(behind.length > 0, 'the demo plan has items behind on its status date');
  assert.ok(behind.every((it) => it.status === 'behind'), 'the API keeps only behind leaves');

  const { context, page, check } = await B.openPage({ downloads: true });
  try {
    await B.login(page, 'leader');
    await page.locator('#menu a[data-route="/plan"]').click();
    await page.waitForURL(/#\/plan/);
    // unfiltered: every leaf of the plan, the plan's counts and progress
    const all = await shownLeaves(page);
    assert.deepEqual(all.map((x) => x.id).sort(), ids(leaves(full.items)), 'the tree shows every leaf of the plan');
    for (const [code, n] of Object.entries(full.plan.counts)) {
      assert.equal(await page.locator(`[data-testid="count-${code}"] .stat-value`).innerText(), String(n), `count ${code}`);
    }
    assert.equal(await page.locator('[data-testid="plan-progress"] .plan-bar-text').innerText(), `${Math.round(full.plan.progress * 100)}%`);
    assert.equal(await page.locator('input[name="on"]').inputValue(), full.plan.on, '截至 shows the status date');
    await page.locator('#plan-status-chart svg').first().waitFor();
    // the exports download as Office files (zip)
    for (const [format, ext] of [['xlsx', '.xlsx'], ['docx', '.docx']]) {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-testid="export-${format}"]`).click()]);
      assert.ok(dl.suggestedFilename().endsWith(ext), `${format}: ${dl.suggestedFilename()}`);
      const bytes = await fs.readFile(await dl.path());
      assert.equal(bytes.subarray(0, 2).toString(), 'PK', `${format} is a zip`);
    }

    // 滞后
    await page.locator('form.plan-filters select[name="status"]').selectOption('behind');
    await page.waitForURL(/status=behind/);
    await page.waitForFunction((n) => document.querySelectorAll('.plan-node.plan-leaf').length === n
      && [...document.querySelectorAll('.plan-node.plan-leaf')].every((e) => e.getAttribute('data-status') === 'behind'), behind.length);
    const shown = await shownLeaves(page);
    assert.deepEqual(shown.map((x) => x.id).sort(), ids(behind), 'exactly the behind items of the API');
    assert.ok(shown.every((x) => x.status === 'behind'));
    // a section collapses and opens again
    const toggle = page.locator('button[data-testid="toggle"]').first();
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');

    // the item to open: a behind one with targets, else any with targets; with evidence if possible
    const candidates = leaves(full.items).filter((it) => (it.targets || []).length);
    assert.ok(candidates.length > 0, 'the demo plan has items with targets');
    let chosen = null;
    const behindIds = new Set(ids(behind));
    for (const it of candidates.sort((a, b) => Number(behindIds.has(String(b.id))) - Number(behindIds.has(String(a.id))))) {
      const d = ok(await api.get(`/api/items/${it.id}`));
      if (!chosen) chosen = d;
      if ((d.reports || []).some((r) => (r.evidence || []).length)) { chosen = d; break; }
    }
    if (behindIds.has(String(chosen.id))) {
      await page.locator(`.plan-node[data-item-id="${chosen.id}"] > .plan-row .plan-title a`).click();
    } else {
      await page.goto(`${S.base}/#/plan/items/${chosen.id}`);
    }
    await page.waitForURL(new RegExp(`#/plan/items/${chosen.id}$`));
    await page.locator('[data-testid="item-status"]').waitFor();
    assert.equal(await page.locator('[data-testid="item-status"]').getAttribute('data-status'), chosen.status);
    // a chart per target, drawn by ECharts as SVG
    for (const t of chosen.targets) {
      await page.locator(`.plan-chart[data-target-id="${t.id}"] svg`).first().waitFor();
      const row = page.locator(`.plan-targets tr[data-target-id="${t.id}"]`);
      assert.equal(await row.getAttribute('data-status'), t.status);
      assert.equal(await row.locator('.plan-live').count(), String(t.source).startsWith('live') ? 1 : 0, `实时 on live targets only (${t.name})`);
    }
    // the reports, newest first as the API gives them, with their evidence
    const reportIds = await page.$$eval('article.plan-report', (els) => els.map((e) => e.getAttribute('data-report-id')));
    assert.deepEqual(reportIds, chosen.reports.map((r) => String(r.id)), 'the reports in the API\'s order');
    for (const r of chosen.reports) {
      const art = page.locator(`article.plan-report[data-report-id="${r.id}"]`);
      assert.equal(await art.locator('.plan-report-period').innerText(), r.period);
      for (const kind of ['text', 'link', 'file', 'record']) {
        const n = (r.evidence || []).filter((e) => e.kind === kind).length;
        assert.equal(await art.locator(`ul.plan-evidence li[data-kind="${kind}"]`).count(), n, `report ${r.id}: ${kind} evidence`);
      }
      for (const a of await art.locator('li[data-kind="link"] a').all()) {
        assert.equal(await a.getAttribute('target'), '_blank');
        assert.match(await a.getAttribute('rel'), /noopener/);
      }
    }
    await check();
  } finally {
    await context.close();
  }
});

S.test('基础教育股 sees its items and reminders, files a monthly report with a PDF, and it shows on the item page', async () => {
  const api = await apiLogin(S.base, 'jijiao');
  const deptId = api.user.dept_id;
  assert.ok(deptId, 'jijiao belongs to a department');
  const plan = await thePlan(api);
  // 督导室 adds an item led by 基础教育股 with no report yet: a reminder
  const duda = await apiLogin(S.base, 'duda');
  const fresh = ok(await duda.post(`/api/plans/${plan.id}/items`, {
    title: '浏览器测试：新增未报送事项', lead_dept_id: deptId, report_cycle: 'monthly', start_date: `${plan.year}-01-01`,
  }), 201);
  const tree = ok(await api.get(`/api/plans/${plan.id}/tree?dept=${deptId}`));
  const led = nodes(tree.items).filter((it) => it.lead_dept && it.lead_dept.id === deptId);
  const mine = led.filter((it) => !(it.children || []).length && it.report_cycle === 'monthly');
  assert.ok(mine.length > 0, 'jijiao leads a monthly item');
  const withFigure = mine.find((it) => (it.targets || []).some((t) => !String(t.source).startsWith('live')));
  const item = withFigure || mine[0];
  const reminders = ok(await api.get(`/api/plans/${plan.id}/reminders`)).items;
  const deptName = led[0].lead_dept.name;
  const myReminders = reminders.filter((r) => (r.lead_dept && typeof r.lead_dept === 'object' ? r.lead_dept.id === deptId : r.lead_dept === deptName));
  assert.ok(myReminders.some((r) => r.item_id === fresh.id), 'the new item is due a report');
  const before = ok(await api.get(`/api/items/${item.id}`));

  const { context, page, check } = await B.openPage({ allow: [/status of 400/] });
  try {
    await B.login(page, 'jijiao');
    await page.locator('#menu a[data-route="/plan/dept"]').click();
    await page.waitForURL(/#\/plan\/dept/);
    await page.locator('table[data-testid="dept-items"]').waitFor();
    assert.equal(await page.locator('select[name="dept"]').inputValue(), String(deptId), 'a 股室 user sees its own department');
    const rows = await page.$$eval('table[data-testid="dept-items"] tbody tr[data-id]', (els) => els.map((e) => e.getAttribute('data-id')));
    assert.deepEqual(rows.sort(), ids(led), 'the items the department leads');
    const shownReminders = await page.$$eval('table[data-testid="reminders"] tbody tr[data-item-id]', (els) => els.map((e) => e.getAttribute('data-item-id')));
    assert.deepEqual(shownReminders.sort(), myReminders.map((r) => String(r.item_id)).sort(), 'its reminders');

    // the report form from the item's row
    await page.locator(`table[data-testid="dept-items"] tr[data-id="${item.id}"] [data-testid="report-link"]`).click();
    await page.waitForURL(new RegExp(`#/plan/items/${item.id}/report`));
    const form = page.locator('form.plan-report-form');
    await form.waitFor();
    const period = await form.locator('[name="period"]').inputValue();
    assert.match(period, new RegExp(`^${plan.year}-\\d{2}$`), 'a monthly period of the plan\'s year by default');
    const done = `浏览器测试：完成情况 ${Date.now() % 100000}`;
    await form.locator('[name="done"]').fill(done);
    await form.locator('[name="problems"]').fill('部分乡镇进度偏慢');
    await form.locator('[name="next_steps"]').fill('下月完成督导检查');
    await form.locator('[name="state"]').selectOption('at_risk');
    await form.locator('[name="progress"]').fill('150');   // out of range: the server refuses it
    let figure = null;
    if (withFigure) {
      const t = item.targets.find((x) => !String(x.source).startsWith('live'));
      const base = Number(t.baseline ?? 0);
      figure = { target_id: t.id, value: Math.round((base + (Number(t.floor) - base) / 2) * 100) / 100 };
      await form.locator(`input[data-target-id="${t.id}"]`).fill(String(figure.value));
    }
    await page.locator('[data-testid="add-text"]').click();
    await form.locator('[name="evidence[0].title"]').fill('督导记录');
    await form.locator('[name="evidence[0].body"]').fill('9月对3个乡镇进行了督导');
    await page.locator('[data-testid="add-link"]').click();
    await form.locator('[name="evidence[1].title"]').fill('工作简报');
    await form.locator('[name="evidence[1].body"]').fill('https://example.org/brief');
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
    await page.locator('[data-testid="add-file"]').setInputFiles({ name: '进展佐证.pdf', mimeType: 'application/pdf', buffer: pdf });
    await form.locator('.plan-ev-row[data-upload-id]').waitFor();

    // a 400: the message beside the field, everything typed kept
    await form.locator('[data-testid="save"]').click();
    await page.waitForFunction(() => [...document.querySelectorAll('form.plan-report-form .field-error, form.plan-report-form .form-error')]
      .some((e) => e.textContent.trim().length > 0));
    assert.ok((await form.locator('.field-error[data-for="progress"]').innerText()).trim().length > 0, 'the error is beside 自评进度');
    assert.equal(await form.locator('[name="done"]').inputValue(), done, 'what was typed stays');
    assert.equal(await form.locator('.plan-ev-row[data-upload-id]').count(), 1, 'the attachment stays');
    assert.equal(ok(await api.get(`/api/items/${item.id}`)).reports.length, before.reports.length, 'nothing was filed');

    await form.locator('[name="progress"]').fill('55');
    await form.locator('[data-testid="save"]').click();
    await page.waitForURL(new RegExp(`#/plan/items/${item.id}$`));
    await page.locator('[data-testid="item-status"]').waitFor();

    // the server has it, with its evidence and the file's bytes
    const after = ok(await api.get(`/api/items/${item.id}`));
    assert.equal(after.reports.length, before.reports.length + 1);
    const mineR = after.reports.find((r) => r.done === done);
    assert.ok(mineR, 'the new report');
    assert.equal(mineR.period, period);
    assert.equal(mineR.state, 'at_risk');
    assert.equal(Number(mineR.progress), 55);
    if (figure) assert.ok(mineR.figures.some((f) => f.target_id === figure.target_id && Number(f.value) === figure.value), 'the figure');
    const byKind = (k) => mineR.evidence.filter((e) => e.kind === k);
    assert.equal(byKind('text').length, 1);
    assert.equal(byKind('link').length, 1);
    assert.equal(byKind('file').length, 1);
    const file = byKind('file')[0];
    const served = await api.get(`/api/plan-evidence/${file.id}/file`);
    assert.equal(served.status, 200);
    assert.ok(served.buffer.equals(pdf), 'the attachment\'s bytes are served back');

    // and the page shows it
    const art = page.locator(`article.plan-report[data-report-id="${mineR.id}"]`);
    await art.waitFor();
    assert.equal((await art.locator('.plan-report-done').innerText()).trim(), done);
    const fileLink = art.locator('li[data-kind="file"] a[data-evidence-id]');
    assert.equal(await fileLink.getAttribute('data-evidence-id'), String(file.id));
    assert.match(await fileLink.innerText(), /进展佐证\.pdf/);
    const link = art.locator('li[data-kind="link"] a');
    assert.equal(await link.getAttribute('href'), 'https://example.org/brief');
    assert.match(await link.getAttribute('rel'), /noopener/);
    const order = await page.$$eval('article.plan-report', (els) => els.map((e) => e.getAttribute('data-report-id')));
    assert.deepEqual(order, after.reports.map((r) => String(r.id)), 'newest first, as the API');
    // the file downloads with the session
    const fetched = await page.evaluate(async (href) => { const r = await fetch(href); return [r.status, (await r.text()).slice(0, 5)]; }, await fileLink.getAttribute('href'));
    assert.deepEqual(fetched, [200, '%PDF-']);
    await check();
  } finally {
    await context.close();
  }
});
