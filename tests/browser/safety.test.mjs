// safety.test.mjs (browser) - the hazard loop in headless chromium: a school
// admin registers a hazard through the form and uploads a photo (a PNG made
// here), starts and submits the rectification; 安全稳定股 (anquan) returns
// it once with a reason (an empty reason is refused in the dialog); the
// school resubmits; anquan closes it. The timeline shows the registration
// and the 5 steps; the server agrees at every step. No console errors, no
// CSP violations, no uncaught exceptions.
//
// Selectors are the ones promised at the top of web/js/pages/safety.js.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { browserSuite, gotoFresh, textShown } from '../lib/browser.mjs';
import { login as apiLogin, ok, cstDate } from '../lib/client.mjs';
import { makePng, safetyFixtures, stepTo } from '../lib/safety.mjs';

const S = serverSuite();
const B = browserSuite(S);

// Open (or re-open, with a fresh fetch) the detail page of hazard id.
async function openHazard(page, id) {
  const url = `${S.base}/#/safety/hazards/${id}`;
  await gotoFresh(page, url);
  await page.locator('[data-testid="hazard-status"]').waitFor();
  await page.locator('[data-testid="timeline"]').waitFor();
}

const statusShown = (page, status) => textShown(page, '[data-testid="hazard-status"]', status);

// Click a transition button, write the comment in its dialog, confirm, and
// wait for the page and the server to show the new status.
async function step(page, api, id, to, comment, expected) {
  const btn = page.locator(`[data-testid="transition-${to}"]`);
  await btn.waitFor();
  await btn.click();
  const dialog = page.locator('dialog.modal[open]');
  await dialog.waitFor();
  if (comment !== undefined) await dialog.locator('textarea[name="comment"]').fill(comment);
  await dialog.locator('[data-testid="save"]').click();
  await dialog.waitFor({ state: 'detached' }).catch(() => dialog.waitFor({ state: 'hidden' }));
  await statusShown(page, expected);
  const h = ok(await api.get(`/api/hazards/${id}`));
  assert.equal(h.status, expected, `server status after ${to}`);
  return h;
}

S.test('school registers with a photo and rectifies; anquan returns once, then closes; the timeline shows every step', async () => {
  const f = await safetyFixtures(S);
  const schoolApi = await apiLogin(S.base, f.userA);
  const anquanApi = await apiLogin(S.base, 'anquan');
  const school = await B.openPage();
  const anquan = await B.openPage();
  const description = `浏览器测试：实验室危化品柜未上锁 ${Date.now() % 100000}`;
  const reason = '危化品柜仍缺双人双锁记录';
  try {
    // ---- the school registers the hazard through the form
    const p = school.page;
    await B.login(p, f.userA);
    await p.locator('#menu a[data-route="/safety/hazards"]').click();
    await p.waitForURL(/#\/safety\/hazards/);
    await p.locator('[data-testid="hazard-new"]').click();
    await p.waitForURL(/#\/safety\/hazards\/new/);
    const form = p.locator('form').filter({ has: p.locator('[name="description"]') });
    await form.locator('[name="category_id"]').selectOption({ label: '实验实训' });
    await form.locator('[name="grade"]').selectOption('一般');
    await form.locator('[name="location"]').fill('实验楼三楼化学实验室');
    await form.locator('[name="description"]').fill(description);
    await form.locator('[name="found_on"]').fill(cstDate(-1));
    await form.locator('[name="found_by"]').fill('王老师');
    await form.locator('[name="measures"]').fill('加装双锁，建立领用台账');
    await form.locator('[name="responsible"]').fill('李主任');
    await form.locator('[name="funds"]').fill('800');
    await form.locator('[name="deadline"]').fill(cstDate(14));
    await form.locator('[data-testid="save"]').click();
    await p.waitForURL(/#\/safety\/hazards\/\d+$/);
    const id = Number(p.url().match(/#\/safety\/hazards\/(\d+)$/)[1]);
    await statusShown(p, '已登记');
    await p.locator('dd[data-field="description"]', { hasText: description }).waitFor();
    const created = ok(await schoolApi.get(`/api/hazards/${id}`));
    assert.equal(created.description, description);
    assert.equal(created.school_id, f.a.id, 'registered for the admin\'s own school');
    assert.equal(created.category, '实验实训');
    assert.equal(created.deadline, cstDate(14));
    assert.equal(Number(created.funds), 800);

    // ---- a photo (整改前), uploaded from the detail page
    const png = makePng(40, 30, 3);
    await p.locator('[data-testid="photo-kind"]').selectOption('整改前');
    await p.locator('[data-testid="photo-input"]').setInputFiles({ name: '现场照片.png', mimeType: 'image/png', buffer: png });
    const thumb = p.locator('[data-testid="photos-整改前"] img.thumb[data-photo-id]');
    await thumb.first().waitFor();
    // the image really loads (served with the session, allowed by the CSP)
    await p.waitForFunction(() => {
      const img = document.querySelector('[data-testid="photos-整改前"] img.thumb[data-photo-id]');
      return img && img.complete && img.naturalWidth === 40 && img.naturalHeight === 30;
    });
    const photos = ok(await schoolApi.get(`/api/hazards/${id}`)).photos;
    assert.equal(photos.length, 1);
    assert.equal(photos[0].kind, '整改前');
    assert.equal(photos[0].mime, 'image/png');
    const served = await schoolApi.get(`/api/photos/${photos[0].id}`);
    assert.ok(served.buffer.equals(png), 'the uploaded bytes are served back');

    // ---- the school rectifies
    await step(p, schoolApi, id, '整改中', '已联系厂家加装双锁', '整改中');
    await step(p, schoolApi, id, '待验收', '双锁已装好', '待验收');
    assert.equal(await p.locator('[data-testid="transition-待验收"]').count(), 0, 'no second 提交验收 button');

    // ---- anquan returns it once: an empty reason is refused in the dialog
    const q = anquan.page;
    await B.login(q, 'anquan');
    await openHazard(q, id);
    await statusShown(q, '待验收');
    await q.locator('[data-testid="transition-退回"]').click();
    const dialog = q.locator('dialog.modal[open]');
    await dialog.waitFor();
    await dialog.locator('[data-testid="save"]').click();
    await q.waitForFunction(() => {
      const d = document.querySelector('dialog.modal[open]');
      const e = d && d.querySelector('.field-error, .form-error');
      return !!e && [...d.querySelectorAll('.field-error, .form-error')].some((x) => x.textContent.trim().length > 0);
    });
    assert.equal(ok(await anquanApi.get(`/api/hazards/${id}`)).status, '待验收', 'an empty reason changes nothing');
    await dialog.locator('textarea[name="comment"]').fill(reason);
    await dialog.locator('[data-testid="save"]').click();
    await dialog.waitFor({ state: 'detached' }).catch(() => dialog.waitFor({ state: 'hidden' }));
    await statusShown(q, '整改中');
    const returned = ok(await anquanApi.get(`/api/hazards/${id}`));
    assert.equal(returned.status, '整改中');
    assert.equal(returned.returned, 1);

    // ---- the school sees the reason and resubmits
    await openHazard(p, id);
    await statusShown(p, '整改中');
    await p.locator('[data-testid="timeline"] .step', { hasText: reason }).waitFor();
    await step(p, schoolApi, id, '待验收', '已补建双人双锁记录', '待验收');

    // ---- anquan closes it
    await openHazard(q, id);
    await step(q, anquanApi, id, '已销号', '复查合格，同意销号', '已销号');
    for (const to of ['整改中', '待验收', '已销号', '退回']) {
      assert.equal(await q.locator(`[data-testid="transition-${to}"]`).count(), 0, `no ${to} button on a closed hazard`);
    }

    // ---- the timeline: registration + 5 steps, in order, with who and why
    const steps = q.locator('[data-testid="timeline"] .step');
    await q.waitForFunction(() => document.querySelectorAll('[data-testid="timeline"] .step').length === 6);
    const texts = await steps.allTextContents();
    const expect = [
      ['已登记', null], ['整改中', '已联系厂家加装双锁'], ['待验收', '双锁已装好'],
      ['整改中', reason], ['待验收', '已补建双人双锁记录'], ['已销号', '复查合格，同意销号'],
    ];
    expect.forEach(([to, comment], i) => {
      assert.ok(texts[i].includes(to), `step ${i + 1} shows ${to}: ${texts[i]}`);
      if (comment) assert.ok(texts[i].includes(comment), `step ${i + 1} shows its comment: ${texts[i]}`);
    });
    assert.ok(texts[3].includes('退回'), `the 4th step is the return: ${texts[3]}`);
    const final = ok(await anquanApi.get(`/api/hazards/${id}`));
    assert.deepEqual(final.steps.map(stepTo), expect.map(([to]) => to), 'the server has the same steps');
    assert.equal(final.closed_on, cstDate(0));
    // the school's view of the closed hazard has the same timeline
    await openHazard(p, id);
    await statusShown(p, '已销号');
    assert.equal(await p.locator('[data-testid="timeline"] .step').count(), 6);

    await school.check();
    await anquan.check();
  } finally {
    await school.context.close();
    await anquan.context.close();
  }
});
