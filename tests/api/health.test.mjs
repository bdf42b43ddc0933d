// health.test.mjs - health check, security headers, static assets (content
// type, ETag, 304, gzip), 404/405/413 and bad JSON.
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { serverSuite } from '../lib/server.mjs';
import { request, assertError } from '../lib/client.mjs';

const S = serverSuite();

function assertSecurityHeaders(res, what) {
  const csp = res.headers['content-security-policy'];
  assert.ok(csp, `${what}: Content-Security-Policy missing`);
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim()).filter(Boolean)
    .map((d) => { const [k, ...v] = d.split(/\s+/); return [k.toLowerCase(), v.join(' ')]; }));
  const script = directives['script-src'] ?? directives['default-src'];
  assert.ok(script !== undefined, `${what}: CSP has neither script-src nor default-src: ${csp}`);
  assert.ok(!script.includes("'unsafe-inline'"), `${what}: script-src allows 'unsafe-inline': ${csp}`);
  assert.ok(!script.includes("'unsafe-eval'"), `${what}: script-src allows 'unsafe-eval': ${csp}`);
  assert.equal(directives['frame-ancestors'], "'none'", `${what}: frame-ancestors 'none' expected: ${csp}`);
  assert.equal(String(res.headers['x-content-type-options']).toLowerCase(), 'nosniff', `${what}: X-Content-Type-Options`);
  assert.ok(res.headers['referrer-policy'], `${what}: Referrer-Policy missing`);
}

S.test('GET /api/health answers 200 {"status":"ok"} without login', async () => {
  const res = await request(S.base, 'GET', '/api/health');
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-type']), /application\/json/);
  assert.deepEqual(res.json, { status: 'ok' });
  assertSecurityHeaders(res, '/api/health');
});

S.test('security headers on API errors, index.html and a 404 page', async () => {
  assertSecurityHeaders(await request(S.base, 'GET', '/api/schools'), '/api/schools (401)');
  const index = await request(S.base, 'GET', '/');
  assert.equal(index.status, 200);
  assertSecurityHeaders(index, '/');
  const missing = await request(S.base, 'GET', '/no/such/file.js');
  assert.equal(missing.status, 404);
  assertSecurityHeaders(missing, '404');
  const apiMissing = await request(S.base, 'GET', '/api/xxx');
  assertSecurityHeaders(apiMissing, '/api/xxx');
});

S.test('"/" serves the UI as text/html', async () => {
  const res = await request(S.base, 'GET', '/');
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-type']), /^text\/html/);
  assert.match(res.text, /<html/i);
  // the CSP forbids inline script, so the page must not carry any
  assert.doesNotMatch(res.text, /<script(?![^>]*\bsrc=)[^>]*>\s*\S/i, 'index.html must not contain inline scripts');
});

S.test('static asset: JavaScript content type, ETag, 304 on If-None-Match', async () => {
  const res = await request(S.base, 'GET', '/vendor/echarts.min.js');
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-type']), /^(text|application)\/javascript/);
  assert.ok(res.buffer.length > 100000, `echarts.min.js is large, got ${res.buffer.length} bytes`);
  assert.ok(res.buffer.toString('utf8').includes('echarts'));
  const etag = res.headers.etag;
  assert.ok(etag, 'ETag missing');
  assert.match(etag, /^(W\/)?".+"$/, 'ETag must be quoted');
  const again = await request(S.base, 'GET', '/vendor/echarts.min.js', { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.buffer.length, 0, '304 has no body');
  const other = await request(S.base, 'GET', '/vendor/echarts.min.js', { headers: { 'If-None-Match': '"not-the-etag"' } });
  assert.equal(other.status, 200);
  assert.equal(other.buffer.length, res.buffer.length);
});

S.test('gzip when the client accepts it, same bytes after gunzip', async () => {
  const plain = await request(S.base, 'GET', '/vendor/echarts.min.js');
  assert.equal(plain.status, 200);
  assert.notEqual(plain.headers['content-encoding'], 'gzip', 'no gzip without Accept-Encoding');
  const gz = await request(S.base, 'GET', '/vendor/echarts.min.js', { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
  assert.equal(gz.status, 200);
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.match(String(gz.headers.vary || ''), /accept-encoding/i, 'Vary: Accept-Encoding expected');
  assert.ok(gz.buffer.length < plain.buffer.length / 2, `gzip body ${gz.buffer.length} vs ${plain.buffer.length}`);
  assert.ok(zlib.gunzipSync(gz.buffer).equals(plain.buffer), 'gunzipped body differs from the plain body');
});

S.test('unknown /api path -> 404 JSON error', async () => {
  const c = await S.login('admin');
  assertError(await request(S.base, 'GET', '/api/xxx'), 404, { code: 'not_found' });
  assertError(await c.get('/api/xxx'), 404, { code: 'not_found' });
});

S.test('wrong method -> 405', async () => {
  const res = await request(S.base, 'DELETE', '/api/health');
  assertError(res, 405, { code: 'method_not_allowed' });
  const c = await S.login('admin');
  assertError(await c.put('/api/login', { username: 'x', password: 'y' }), 405, { code: 'method_not_allowed' });
  assertError(await c.del('/api/schools'), 405, { code: 'method_not_allowed' });
});

// Send a body larger than the limit; the server may answer before reading it
// all and close, so a write error after the reply is not a failure.
function bigPost(base, path, size) {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    let done = false;
    const rq = http.request({
      hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent: false,
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(size) },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        done = true;
        const text = Buffer.concat(chunks).toString();
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, text, json, buffer: Buffer.concat(chunks) });
      });
      res.on('error', (e) => { if (!done) reject(e); });
    });
    rq.on('error', (e) => { if (!done) setTimeout(() => { if (!done) reject(e); }, 2000); });
    const chunk = Buffer.alloc(1 << 20, 0x20);
    chunk[0] = 0x7b; // '{' then spaces: a JSON body that never ends in time
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const n = Math.min(chunk.length, size - sent);
        sent += n;
        if (!rq.write(n === chunk.length ? chunk : chunk.subarray(0, n))) { rq.once('drain', pump); return; }
      }
      rq.end();
    };
    pump();
  });
}

S.test('body over the limit (11 MB) -> 413 JSON error', async () => {
  const res = await bigPost(S.base, '/api/login', 11 * 1024 * 1024);
  assertError(res, 413, { code: 'too_large' });
  // the server is still fine afterwards
  assert.equal((await request(S.base, 'GET', '/api/health')).status, 200);
});

S.test('bad JSON -> 400 bad_json', async () => {
  assertError(await request(S.base, 'POST', '/api/login', { body: '{"username": "admin", ', headers: { 'Content-Type': 'application/json' } }), 400, { code: 'bad_json' });
  const c = await S.login('admin');
  const list = (await c.get('/api/schools?per_page=1')).json;
  assert.ok(list.items.length === 1);
  assertError(await c.patch(`/api/schools/${list.items[0].id}`, '{not json', { headers: { 'Content-Type': 'application/json' } }), 400, { code: 'bad_json' });
  assertError(await c.patch(`/api/schools/${list.items[0].id}`, '[1,2]', { headers: { 'Content-Type': 'application/json' } }), 400);
});
