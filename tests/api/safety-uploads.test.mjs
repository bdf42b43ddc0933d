// safety-uploads.test.mjs - hazard photos: the type comes from the bytes
// (a PNG named .jpg is a PNG, a script named .jpg is refused), at most 10 MB,
// at most 20 per hazard; served only to users whose scope covers the school.
import assert from 'node:assert/strict';
import { serverSuite } from '../lib/server.mjs';
import { assertError, ok, Client } from '../lib/client.mjs';
import { safetyFixtures, hazardBody, createHazard, uploadPhoto, makePng } from '../lib/safety.mjs';

const S = serverSuite();
const PHOTO_KEYS = ['id', 'kind', 'name', 'mime', 'size', 'url'];

// A small JPEG-shaped byte string: SOI, a JFIF APP0 segment, EOI.
function jpegBytes() {
  return Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
    Buffer.from('JFIF\0', 'latin1'),
    Buffer.from([0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]),
    Buffer.from([0xff, 0xd9]),
  ]);
}

const photoUrl = (p) => (typeof p.url === 'string' && p.url.startsWith('/') ? p.url : `/api/photos/${p.id}`);

let shared = null;
async function fixture() {
  if (shared) return shared;
  const f = await safetyFixtures(S);
  const school = await S.login(f.userA);
  const h = await createHazard(school, hazardBody(f.a, f.cat('校舍')));
  shared = { f, school, h };
  return shared;
}

S.test('a PNG named x.jpg (sent as image/jpeg) is accepted and stored as image/png; served back byte for byte', async () => {
  const { f, school, h } = await fixture();
  const png = makePng(16, 12, 7);
  const res = await school.post(`/api/hazards/${h.id}/photos?kind=${encodeURIComponent('整改前')}&name=x.jpg`, png,
    { headers: { 'Content-Type': 'image/jpeg' } });
  const p = ok(res, 201);
  for (const k of PHOTO_KEYS) assert.ok(k in p, `photo lacks ${k}: ${res.text}`);
  assert.equal(p.mime, 'image/png', 'type from the bytes, not the name or header');
  assert.equal(p.size, png.length);
  assert.equal(p.kind, '整改前');
  assert.equal(p.name, 'x.jpg');

  const got = await school.get(photoUrl(p));
  assert.equal(got.status, 200, `owner GET photo: ${got.status} ${got.text.slice(0, 200)}`);
  assert.ok(String(got.headers['content-type']).startsWith('image/png'), `content type ${got.headers['content-type']}`);
  assert.ok(got.buffer.equals(png), 'the same bytes');
  // the bureau in scope may read it too
  for (const u of ['anquan', 'leader', 'admin']) {
    const c = await S.login(u);
    const r = await c.get(photoUrl(p));
    assert.equal(r.status, 200, `${u} GET photo: ${r.status}`);
    assert.ok(r.buffer.equals(png));
  }
  // the hazard detail lists it
  const d = ok(await school.get(`/api/hazards/${h.id}`));
  assert.ok(d.photos.some((x) => x.id === p.id && x.mime === 'image/png'), `photo in detail: ${JSON.stringify(d.photos)}`);

  // photos of school A are not served to school B, nor without a session
  const other = await S.login(f.userB);
  const r404 = await other.get(photoUrl(p));
  assertError(r404, 404);
  assert.ok(!r404.buffer.includes(png.subarray(8, 40)), 'no image bytes in the refusal');
  assertError(await new Client(S.base).get(photoUrl(p)), 401);
  assertError(await school.get('/api/photos/99999999'), 404);
  // school B can neither upload to nor list A's hazard
  assertError(await uploadPhoto(other, h.id, makePng(4, 4, 8)), 404);
  assertError(await other.get(`/api/hazards/${h.id}`), 404);
});

S.test('JPEG bytes are recognised as image/jpeg whatever the name', async () => {
  const { school, h } = await fixture();
  const jpg = jpegBytes();
  const p = ok(await uploadPhoto(school, h.id, jpg, { kind: '其他', name: 'photo.png' }), 201);
  assert.equal(p.mime, 'image/jpeg');
  const got = await school.get(photoUrl(p));
  assert.equal(got.status, 200);
  assert.ok(String(got.headers['content-type']).startsWith('image/jpeg'));
  assert.ok(got.buffer.equals(jpg));
});

S.test('a script named x.jpg, HTML, GIF and an empty body -> 415 unsupported_type; nothing stored', async () => {
  const { f, school, h } = await fixture();
  const before = ok(await school.get(`/api/hazards/${h.id}`)).photos.length;
  const bodies = [
    Buffer.from('#!/bin/sh\nrm -rf / --no-preserve-root\necho pwned\n'),
    Buffer.from('<html><script>alert(1)</script></html>'),
    Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'),
    makePng(4, 4, 9).subarray(1), // a PNG missing its first byte
  ];
  for (const body of bodies) {
    const e = assertError(await uploadPhoto(school, h.id, body, { name: 'x.jpg' }), 415, { code: 'unsupported_type' });
    assert.match(e.message, /JPEG|PNG/);
  }
  const empty = await school.post(`/api/hazards/${h.id}/photos?kind=${encodeURIComponent('整改前')}&name=x.jpg`, Buffer.alloc(0));
  assert.ok([400, 415].includes(empty.status), `empty body: ${empty.status} ${empty.text}`);
  // with an image Content-Type the script is still refused
  assertError(await school.post(`/api/hazards/${h.id}/photos?kind=${encodeURIComponent('整改前')}&name=x.jpg`, bodies[0],
    { headers: { 'Content-Type': 'image/jpeg' } }), 415, { code: 'unsupported_type' });
  assert.equal(ok(await school.get(`/api/hazards/${h.id}`)).photos.length, before, 'no photo rows added');
  // a bad kind
  assertError(await uploadPhoto(school, h.id, makePng(4, 4, 10), { kind: '随便' }), 400, { field: 'kind' });
  void f;
});

S.test('an 11 MB body -> 413; nothing stored', async () => {
  const { school, h } = await fixture();
  const before = ok(await school.get(`/api/hazards/${h.id}`)).photos.length;
  // a PNG signature followed by 11 MB, so only the size can refuse it
  const png = makePng(2, 2, 11);
  const big = Buffer.concat([png, Buffer.alloc(11 * 1024 * 1024 - png.length, 0x41)]);
  let res;
  try {
    res = await uploadPhoto(school, h.id, big, { name: 'big.png' });
  } catch (err) {
    assert.fail(`the server dropped the connection instead of answering 413: ${err.message}`);
  }
  const e = assertError(res, 413);
  assert.match(e.message, /10/, `the message names the limit: ${e.message}`);
  assert.equal(ok(await school.get(`/api/hazards/${h.id}`)).photos.length, before);
  // the server is fine afterwards
  assert.equal(ok(await uploadPhoto(school, h.id, makePng(3, 2, 12)), 201).mime, 'image/png');
});

S.test('at most 20 photos per hazard: the 21st -> 409', async () => {
  const { f, school } = await fixture();
  const h = await createHazard(school, hazardBody(f.a, f.cat('其他')));
  for (let i = 0; i < 20; i++) ok(await uploadPhoto(school, h.id, makePng(2, 2, 100 + i), { kind: '其他', name: `p${i}.png` }), 201);
  assertError(await uploadPhoto(school, h.id, makePng(2, 2, 200), { kind: '其他' }), 409);
  assert.equal(ok(await school.get(`/api/hazards/${h.id}`)).photos.length, 20);
});
