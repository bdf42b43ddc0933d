// schools.test.mjs (browser) - headless chromium against a real server:
// log in through the form, find a school by name, edit it, see the change
// and its audit entry, export the list and open the xlsx; a validation error
// shown beside its field with the typed values kept; a leader's 首页 chart.
// No console errors, no CSP violations, no uncaught exceptions.
//
// Selectors are the ones promised at the top of web/js/ui.js.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serverSuite } from '../lib/server.mjs';
import { browserSuite } from '../lib/browser.mjs';
import { login as apiLogin, ok } from '../lib/client.mjs';
import { readXlsx, tableAfterHeader } from '../lib/xlsx.mjs';

const S = serverSuite();
const SCHOOL = '长葛市实验中学';
const ROOT = path.resolve(import.meta.dirname, '../..');
const B = browserSuite(S);

async function findAndOpen(page, name) {
  await page.locator('#menu a[data-route="/schools"]').click();
  await page.locator('table.data tbody tr[data-id]').first().waitFor();
  await page.locator('#school-q').fill(name);
  await page.locator('#school-q').press('Enter');
  const row = page.locator('table.data tbody tr[data-id]', { hasText: name });
  await row.first().waitFor();
  // every row shown matches the search
  await page.waitForFunction((n) => {
    const rows = [...document.querySelectorAll('table.data tbody tr[data-id]')];
    return rows.length > 0 && rows.every((r) => r.textContent.includes(n));
  }, name);
  const id = await row.first().getAttribute('data-id');
  await row.first().locator('a', { hasText: name }).first().click();
  await page.waitForURL(new RegExp(`#/schools/${id}$`));
  await page.locator('dd[data-field="name"]', { hasText: name }).waitFor();
  return Number(id);
}

S.test('admin: log in, find a school, edit, see the change and its audit entry, export', async () => {
  const { context, page, check } = await B.openPage({ downloads: true });
  try {
    await B.login(page, 'admin');
    const id = await findAndOpen(page, SCHOOL);
    const api = await apiLogin(S.base, 'admin');
    const before = ok(await api.get(`/api/schools/${id}`));
    assert.equal(before.name, SCHOOL);

    const newAddress = `长葛市浏览器测试路${Date.now() % 10000}号`;
    await page.locator('[data-testid="edit"]').click();
    const addr = page.locator('form input[name="address"]');
    await addr.waitFor();
    assert.equal(await addr.inputValue(), before.address ?? '', 'the form shows the current address');
    await addr.fill(newAddress);
    await page.locator('[data-testid="save"]').click();
    await page.waitForURL(new RegExp(`#/schools/${id}$`));
    await page.locator('dd[data-field="address"]', { hasText: newAddress }).waitFor();
    assert.equal(ok(await api.get(`/api/schools/${id}`)).address, newAddress, 'saved on the server');

    // the audit log, reached from the detail page
    await page.locator('[data-testid="audit-link"]').click();
    await page.waitForURL(/#\/audit\?/);
    const rows = page.locator('table.data tbody tr[data-id]');
    await rows.first().waitFor();
    const first = rows.first();
    const text = await first.textContent();
    assert.ok(text.includes('admin'), `newest audit row is by admin: ${text}`);
    await first.locator('[data-testid="expand"]').click();
    const diff = page.locator('tr.detail-row .diff').first();
    await diff.waitFor();
    const diffText = await diff.textContent();
    assert.ok(diffText.includes(newAddress), `the audit entry shows the new value: ${diffText}`);
    if (before.address) assert.ok(diffText.includes(before.address), 'and the old value');

    // export the filtered list
    await page.goto(`${S.base}/#/schools?q=${encodeURIComponent('实验')}`);
    await page.locator('table.data tbody tr[data-id]', { hasText: SCHOOL }).first().waitFor();
    const shown = await page.locator('table.data tbody tr[data-id]').count();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="export"]').click(),
    ]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    const file = await download.path();
    const x = readXlsx(fs.readFileSync(file));
    const { header, data } = tableAfterHeader(x.rows, '学校标识码');
    const nameCol = header.findIndex((h) => h.includes('名称'));
    assert.ok(nameCol >= 0, `name column in ${header}`);
    const row = data.find((r) => r[nameCol] === SCHOOL);
    assert.ok(row, `${SCHOOL} in the export`);
    const total = ok(await api.get(`/api/schools?q=${encodeURIComponent('实验')}`)).total;
    assert.equal(data.length, total, 'export has the filtered list');
    assert.ok(data.length >= shown);
    const addrCol = header.findIndex((h) => h.includes('地址'));
    if (addrCol >= 0) assert.equal(row[addrCol], newAddress, 'the export has the new address');
    await check();
  } finally {
    await context.close();
  }
});

S.test('validation error shown beside the field, typed values kept', async () => {
  const { context, page, check } = await B.openPage({ allow: [/Failed to load resource: the server responded with a status of 400/] });
  try {
    await B.login(page, 'jijiao');
    const id = await findAndOpen(page, '长葛市第二高级中学');
    await page.locator('[data-testid="edit"]').click();
    const phone = page.locator('form input[name="phone"]');
    await phone.waitFor();
    const typedAddress = '保留我输入的地址88号';
    await page.locator('form input[name="address"]').fill(typedAddress);
    await phone.fill('abc');
    await page.locator('[data-testid="save"]').click();
    const err = page.locator('.field-error[data-for="phone"]');
    await page.waitForFunction(() => {
      const e = document.querySelector('.field-error[data-for="phone"]');
      return e && e.textContent.trim().length > 0;
    });
    const msg = (await err.textContent()).trim();
    assert.match(msg, /[\u4e00-\u9fff]/, `a Chinese message: ${msg}`);
    // beside the field: in the same .field box as the input
    const sameBox = await page.evaluate(() => {
      const input = document.querySelector('form input[name="phone"]');
      const e = document.querySelector('.field-error[data-for="phone"]');
      return !!input && !!e && input.closest('.field') === e.closest('.field');
    });
    assert.ok(sameBox, 'the error sits beside the phone input');
    assert.equal(await phone.inputValue(), 'abc', 'typed phone kept');
    assert.equal(await page.locator('form input[name="address"]').inputValue(), typedAddress, 'typed address kept');
    assert.match(page.url(), new RegExp(`#/schools/${id}/edit$`), 'still on the form');
    const api = await apiLogin(S.base, 'admin');
    assert.notEqual(ok(await api.get(`/api/schools/${id}`)).address, typedAddress, 'nothing saved');
    // the other fields carry no error
    const others = await page.locator('.field-error:not([data-for="phone"])').allTextContents();
    assert.ok(others.every((t) => t.trim() === ''), `only the phone has an error: ${others}`);
    await check();
  } finally {
    await context.close();
  }
});

S.test('leader: 首页 with the figures and a rendered chart', async () => {
  const { context, page, check } = await B.openPage();
  try {
    await B.login(page, 'leader');
    await page.waitForURL(/#\/?$|\/$/);
    const api = await apiLogin(S.base, 'leader');
    const d = ok(await api.get('/api/dashboard'));
    const stat = page.locator('[data-testid="stat-schools"]');
    await stat.waitFor();
    assert.ok((await stat.textContent()).includes(String(d.schools)), 'the school count is on 首页');
    // echarts draws into a canvas or an svg inside the chart box
    await page.waitForFunction(() => {
      const box = document.querySelector('#chart-type');
      if (!box) return false;
      const canvas = box.querySelector('canvas');
      if (canvas && canvas.width > 50 && canvas.height > 50) return true;
      const svg = box.querySelector('svg');
      return !!svg && svg.querySelectorAll('path, rect').length > 5 && svg.getBoundingClientRect().width > 50;
    });
    const chartText = await page.locator('#chart-type').textContent();
    const hasCanvas = await page.locator('#chart-type canvas').count();
    if (!hasCanvas) assert.ok(chartText.includes('小学'), `the type chart names 小学: ${chartText.slice(0, 200)}`);
    await page.locator('#chart-area svg, #chart-area canvas').first().waitFor();
    // a leader's menu has no 系统 pages
    assert.equal(await page.locator('#menu a[data-route="/users"]').count(), 0);
    assert.equal(await page.locator('#menu a[data-route="/audit"]').count(), 0);
    if (process.env.SAVE_SCREENSHOT === '1') {
      await page.waitForTimeout(500);
      const out = path.join(ROOT, 'docs', 'screenshot.png');
      fs.mkdirSync(path.dirname(out), { recursive: true });
      await page.screenshot({ path: out, fullPage: false });
    }
    await check();
  } finally {
    await context.close();
  }
});
