// browser.mjs - headless chromium for the browser tests (tests/browser/).
//
// Usage in a test file, after `const S = serverSuite();`:
//   const B = browserSuite(S);        // registers before/after: launch, close
//   const { context, page, check } = await B.openPage({ allow: [/.../] });
//   await B.login(page, 'admin');     // through the login form
//   ...; await check(); await context.close();
//
// openPage gives a fresh context and page that records console errors, page
// errors and CSP violations; check() asserts there were none. allow: regexps
// of console errors a test expects (e.g. the 400 of a rejected form shows as
// "Failed to load resource"); a 401 is always allowed. downloads: true lets
// the page download files.
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { DEMO_PASSWORD } from './client.mjs';

const CHROMIUM_ARGS = ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

async function openPage(browser, { allow = [], downloads = false } = {}) {
  const options = { locale: 'zh-CN', viewport: { width: 1366, height: 900 } };
  if (downloads) options.acceptDownloads = true;
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  const problems = [];
  const allowed = [/Failed to load resource: the server responded with a status of 401/, ...allow];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (/Content Security Policy|Refused to/i.test(text)) problems.push(`CSP: ${text}`);
    else if (!allowed.some((re) => re.test(text))) problems.push(`console error: ${text}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const check = async () => {
    const csp = await page.evaluate(() => window.__csp || []).catch(() => []);
    for (const v of csp) problems.push(`CSP violation: ${v}`);
    assert.deepEqual(problems, [], 'no console errors, page errors or CSP violations');
  };
  return { context, page, problems, check };
}

// Log in through the form at S.base as username (demo password) and wait for the menu.
async function uiLogin(base, page, username) {
  await page.goto(base + '/');
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(DEMO_PASSWORD);
  await page.locator('#login-btn').click();
  await page.locator('#menu').waitFor();
  await page.locator('#logout-btn').waitFor();
}

// Go to url, or reload when the page is already there (a fresh fetch).
export async function gotoFresh(page, url) {
  if (page.url() === url) await page.reload();
  else await page.goto(url);
}

// Wait until the element matching selector shows exactly text (trimmed).
export async function textShown(page, selector, text) {
  await page.waitForFunction(([sel, t]) => {
    const el = document.querySelector(sel);
    return el && el.textContent.trim() === t;
  }, [selector, text]);
}

export function browserSuite(S) {
  let browser = null;
  before(async () => {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  after(async () => { if (browser) await browser.close(); });
  return {
    openPage: (opts) => openPage(browser, opts),
    login: (page, username) => uiLogin(S.base, page, username),
  };
}
