// safety.mjs - helpers for the 安全 (issue 5) tests: generated image bytes
// (no binary fixtures in the repository), demo schools with their admins,
// categories, creating hazards and stepping them through the loop.
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { ok, allPages, cstDate } from './client.mjs';

const enc = encodeURIComponent;

// CRC-32 (IEEE) for PNG chunks.
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

// A valid RGB PNG of w x h pixels; seed varies the colours so that two
// images differ (the store deduplicates by content hash).
export function makePng(w = 8, h = 8, seed = 1) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    const row = y * (w * 3 + 1);
    raw[row] = 0; // filter none
    for (let x = 0; x < w; x++) {
      raw[row + 1 + x * 3] = (x * 31 + seed * 17) & 0xff;
      raw[row + 2 + x * 3] = (y * 47 + seed * 5) & 0xff;
      raw[row + 3 + x * 3] = (seed * 97) & 0xff;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Two active demo schools (different ids, both with a school admin login
// s<code>), plus the category list. Cached per base URL.
const cache = new Map();
export async function safetyFixtures(S, { skip = 0 } = {}) {
  const key = `${S.base}#${skip}`;
  if (cache.has(key)) return cache.get(key);
  const admin = await S.login('admin');
  const schools = (await allPages(admin, '/api/schools?status=' + enc('在办'))).filter((s) => s.status === '在办');
  assert.ok(schools.length > 10, `active demo schools: ${schools.length}`);
  const a = schools[5 + skip * 2];
  const b = schools[6 + skip * 2];
  const cats = ok(await admin.get('/api/safety/categories')).items;
  assert.ok(cats.length >= 11, `seeded categories: ${JSON.stringify(cats)}`);
  const cat = (name) => {
    const c = cats.find((x) => x.name === name);
    assert.ok(c, `category ${name} in ${cats.map((x) => x.name)}`);
    return c.id;
  };
  const f = { admin, schools, a, b, cats, cat, userA: `s${a.code}`, userB: `s${b.code}` };
  cache.set(key, f);
  return f;
}

// A hazard body with the plan filled in; override any field.
export function hazardBody(school, categoryId, over = {}) {
  return {
    school_id: school.id,
    category_id: categoryId,
    grade: '一般',
    description: `测试隐患：教学楼二楼消防通道堆放杂物 ${Math.random().toString(36).slice(2, 8)}`,
    location: '教学楼二楼',
    found_on: cstDate(-3),
    found_by: '张三',
    measures: '清理杂物，设置禁止堆放标志',
    responsible: '李四',
    funds: 500,
    deadline: cstDate(20),
    interim: '设置警戒线',
    ...over,
  };
}

// POST /api/hazards and return the created hazard (asserts 201).
export async function createHazard(c, body) {
  const res = await c.post('/api/hazards', body);
  const h = ok(res, 201);
  assert.ok(Number.isInteger(h.id) && h.id > 0, `created hazard has an id: ${res.text}`);
  return h;
}

export function transition(c, id, to, comment) {
  const body = { to };
  if (comment !== undefined) body.comment = comment;
  return c.post(`/api/hazards/${id}/transition`, body);
}

// Upload image bytes as a photo of hazard id.
export function uploadPhoto(c, id, bytes, { kind = '整改后', name = 'x.jpg' } = {}) {
  return c.post(`/api/hazards/${id}/photos?kind=${enc(kind)}&name=${enc(name)}`, bytes,
    { headers: { 'Content-Type': 'application/octet-stream' } });
}

// Step fields, tolerant of the two natural spellings.
export const stepTo = (s) => s.to_status ?? s.to;
export const stepFrom = (s) => s.from_status ?? s.from ?? null;
export const stepUser = (s) => s.username ?? s.user ?? s.who;

// Audit rows of one hazard (entity "hazard"), oldest first, as admin.
export async function hazardAudit(admin, id) {
  const rows = await allPages(admin, `/api/audit?entity=hazard&entity_id=${id}`);
  return rows.filter((r) => r.entity === 'hazard' && r.entity_id === id).reverse();
}

// Every hazard in the caller's scope (optionally filtered), following pages.
export function allHazards(c, query = '') {
  return allPages(c, `/api/hazards${query ? `?${query}` : ''}`);
}
