// eval-plan-security.test.mjs (browser) - data shown by 评估 stays text.
//
// ECharts renders a tooltip formatter's string as HTML, so a school named
// `<img src=x onerror=...>` would run in the 指标 page's distribution chart
// (eval-balanced.js) unless the formatter escapes it. The school is renamed
// through the API, its bar's tooltip is shown through the chart's own API
// (showTip), and the tooltip must read the name as typed, with no element
// made from it, nothing run and no CSP violation.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { browserSuite } from '../lib/browser.mjs';
import { login as apiLogin, ok } from '../lib/client.mjs';

const S = serverSuite();
const B = browserSuite(S);
const KEY = 'teaching_area';

S.test('a school name with HTML shows as text in the indicator tooltip', async () => {
  const admin = await apiLogin(S.base, 'admin');
  const d = ok(await admin.get('/api/eval/balanced?stage=primary'));
  const school = d.schools.find((x) => Number(x.share) === 1 && x.values[KEY] !== null && x.values[KEY] !== undefined);
  assert.ok(school, 'a primary school with the indicator');
  const evil = '<img src=x onerror=window.__xss=1>测试小学';
  ok(await admin.patch(`/api/schools/${school.school_id}`, { name: evil }));
  assert.ok(ok(await admin.get('/api/eval/balanced?stage=primary')).schools.some((x) => x.name === evil), 'the evaluation shows the new name');

  const { context, page: p, check } = await B.openPage();
  try {
    await B.login(p, 'admin');
    await p.goto(`${S.base}/#/eval/indicator/${KEY}?year=${d.year}&stage=primary`);
    await p.locator('#eval-dist svg').first().waitFor();
    const shown = await p.evaluate((name) => {
      const box = document.getElementById('eval-dist');
      const chart = window.echarts.getInstanceByDom(box);
      const i = chart.getOption().xAxis[0].data.indexOf(name);
      if (i < 0) return { error: 'the school is not on the chart' };
      chart.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: i });
      return { index: i };
    }, evil);
    assert.ok(!shown.error, shown.error);
    await p.waitForFunction((name) => document.getElementById('eval-dist').innerText.includes(name.slice(-4)), evil);
    const tip = await p.evaluate(() => {
      const box = document.getElementById('eval-dist');
      return { text: box.innerText, imgs: box.querySelectorAll('img').length, xss: window.__xss === 1 };
    });
    assert.ok(tip.text.includes(evil), `the tooltip reads the name as typed: ${tip.text}`);
    assert.equal(tip.imgs, 0, 'no element made from the name');
    assert.equal(tip.xss, false, 'nothing ran');
    await check();
  } finally {
    await context.close();
  }
});
