// client.mjs - a tiny HTTP client for the API tests: raw node:http (no
// automatic decompression, every header visible), a cookie jar and the CSRF
// token of the session.
//
//   const c = new Client(base);            // not logged in
//   const s = await login(base, 'admin', 'Demo@2021');   // asserts 200
//   const r = await s.get('/api/schools?per_page=5');    // {status, headers, buffer, text, json}
//   await s.post('/api/logout');            // sends X-CSRF-Token automatically
import http from 'node:http';
import assert from 'node:assert/strict';

export const DEMO_PASSWORD = 'Demo@2021';

// One request. body: object (sent as JSON), string or Buffer. Resolves with
// {status, headers, buffer, text, json} (json is null when the body is not JSON).
export function request(base, method, path, { headers = {}, body } = {}) {
  const url = new URL(path, base);
  let data = null;
  const h = { ...headers };
  if (body !== undefined && body !== null) {
    if (Buffer.isBuffer(body)) data = body;
    else if (typeof body === 'string') data = Buffer.from(body);
    else {
      data = Buffer.from(JSON.stringify(body));
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
    }
    h['Content-Length'] = String(data.length);
  } else if (method !== 'GET' && method !== 'HEAD') {
    h['Content-Length'] = '0';
  }
  return new Promise((resolve, reject) => {
    const rq = http.request(
      { hostname: url.hostname, port: url.port, path: url.pathname + url.search, method, headers: h, agent: false },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const buffer = Buffer.concat(chunks);
          const text = buffer.toString('utf8');
          let json = null;
          const ct = String(res.headers['content-type'] || '');
          if (ct.includes('json') || /^\s*[{[]/.test(text)) {
            try { json = JSON.parse(text); } catch { json = null; }
          }
          resolve({ status: res.statusCode, headers: res.headers, buffer, text, json });
        });
      },
    );
    rq.setTimeout(120000, () => rq.destroy(new Error(`timeout: ${method} ${path}`)));
    rq.on('error', reject);
    if (data) rq.write(data);
    rq.end();
  });
}

// A client with a cookie jar and the session's CSRF token.
export class Client {
  constructor(base) {
    this.base = base;
    this.cookies = new Map();
    this.csrf = null;
    this.user = null;
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  remember(res) {
    let sc = res.headers['set-cookie'] || [];
    if (!Array.isArray(sc)) sc = [sc];
    for (const line of sc) {
      const first = line.split(';')[0];
      const eq = first.indexOf('=');
      if (eq < 0) continue;
      const name = first.slice(0, eq).trim();
      const value = first.slice(eq + 1).trim();
      const expired = /max-age=0\b/i.test(line) || /expires=thu, 01 jan 1970/i.test(line);
      if (value === '' || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async req(method, path, body, { headers = {}, csrf = true } = {}) {
    const h = { ...headers };
    if (this.cookies.size) h.Cookie = this.cookieHeader();
    if (csrf && method !== 'GET' && method !== 'HEAD' && this.csrf && !('X-CSRF-Token' in h)) h['X-CSRF-Token'] = this.csrf;
    const res = await request(this.base, method, path, { headers: h, body });
    this.remember(res);
    return res;
  }

  get(path, opts) { return this.req('GET', path, undefined, opts); }
  post(path, body, opts) { return this.req('POST', path, body, opts); }
  put(path, body, opts) { return this.req('PUT', path, body, opts); }
  patch(path, body, opts) { return this.req('PATCH', path, body, opts); }
  del(path, opts) { return this.req('DELETE', path, undefined, opts); }

  // POST /api/login; keeps the cookie and csrf when it succeeds. Returns the response.
  async login(username, password = DEMO_PASSWORD) {
    const res = await this.req('POST', '/api/login', { username, password }, { csrf: false });
    if (res.status === 200 && res.json) {
      this.csrf = res.json.csrf;
      this.user = res.json.user;
    }
    return res;
  }
}

// Log in and assert it worked; returns the Client.
export async function login(base, username, password = DEMO_PASSWORD) {
  const c = new Client(base);
  const res = await c.login(username, password);
  assert.equal(res.status, 200, `login ${username}: ${res.status} ${res.text}`);
  assert.ok(c.csrf, `login ${username}: no csrf token in ${res.text}`);
  return c;
}

// Assert the error shape {"error":{"code","message","field"}} with the given
// status, and optionally code and field. Returns the error object.
export function assertError(res, status, { code, field } = {}) {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
  assert.ok(res.json && typeof res.json.error === 'object' && res.json.error, `error body expected: ${res.text}`);
  const e = res.json.error;
  assert.equal(typeof e.code, 'string', `error.code: ${res.text}`);
  assert.equal(typeof e.message, 'string', `error.message: ${res.text}`);
  assert.ok(/[\u4e00-\u9fff]/.test(e.message), `error message should be Chinese: ${e.message}`);
  assert.ok('field' in e, `error.field must be present (name or null): ${res.text}`);
  if (code !== undefined) assert.equal(e.code, code, `error code: ${res.text}`);
  if (field !== undefined) assert.equal(e.field, field, `error field: ${res.text}`);
  return e;
}

// Assert a 200 (or given status) and return the JSON body.
export function ok(res, status = 200) {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text.slice(0, 500)}`);
  return res.json;
}

// Every item of a paged list (per_page 200), following pages.
export async function allPages(c, path) {
  const sep = path.includes('?') ? '&' : '?';
  const items = [];
  let total = null;
  for (let page = 1; page < 10000; page++) {
    const body = ok(await c.get(`${path}${sep}per_page=200&page=${page}`));
    total = body.total;
    items.push(...body.items);
    if (body.items.length === 0 || items.length >= total) break;
  }
  assert.equal(items.length, total, `${path}: collected ${items.length} items, total says ${total}`);
  return items;
}

// Today's date in China Standard Time, YYYY-MM-DD (offset in days).
export function cstDate(offsetDays = 0) {
  return new Date(Date.now() + 8 * 3600e3 + offsetDays * 86400e3).toISOString().slice(0, 10);
}
