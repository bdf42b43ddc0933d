// stats.mjs - helpers for the 基表 (issue 3) tests: the demo records of a
// year, the form and its rules, values that pass the rules, audit rows of
// the statistics records, and files made in the test (no binary fixtures in
// the repository): a whole workbook read sheet by sheet, a cell rewritten in
// a real (libxlsxwriter) export, hand-made xlsx from minimal XML parts, CSV
// text, a zip bomb.
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { unzipSync, zipSync, strFromU8, strToU8 } from 'fflate';
import { ok, allPages } from './client.mjs';

export const enc = encodeURIComponent;
export const EDITABLE = ['草稿', '已退回', '未填报'];

// ---------------------------------------------------------------- records

// Every row of GET /api/stats/records for year (plus query), as caller c.
export function recordList(c, year, query = '') {
  return allPages(c, `/api/stats/records?year=${year}${query ? `&${query}` : ''}`);
}

// GET /api/stats/records/{school}/{year} (asserts 200).
export async function getRecord(c, schoolId, year) {
  return ok(await c.get(`/api/stats/records/${schoolId}/${year}`));
}

// The form of a type in a year with its rules.
export async function getSchema(c, year, type) {
  return ok(await c.get(`/api/stats/schema?year=${year}&type=${enc(type)}`));
}

// The fields of a schema, flat, in form order.
export function schemaFields(schema) {
  const out = [];
  for (const sec of schema.sections || []) {
    for (const g of sec.groups || []) for (const f of g.fields || []) out.push({ ...f, section: sec.key });
  }
  return out;
}

// A blocking 'sum' rule (not explainable) whose total and parts are fields
// of the schema: {rule, total, parts}.
export function sumRule(schema) {
  const keys = new Set(schemaFields(schema).map((f) => f.key));
  const r = (schema.rules || []).find((x) => x.rule === 'sum' && x.severity === 'error' && !x.explainable
    && keys.has(x.field) && String(x.args).split('+').every((k) => keys.has(k.trim())));
  assert.ok(r, `a blocking sum rule in the schema: ${JSON.stringify(schema.rules)}`);
  return { rule: r, total: r.field, parts: String(r.args).split('+').map((k) => k.trim()) };
}

const num = (v) => (v === null || v === undefined || v === '' ? 0 : Number(v));

// values with the sum rule's total broken by +delta (the parts made non-zero).
export function breakSum(values, sr, delta = 1) {
  const v = { ...values };
  let sum = 0;
  for (const p of sr.parts) {
    if (!Number.isFinite(Number(v[p])) || v[p] === null) v[p] = 0;
    sum += num(v[p]);
  }
  if (sum === 0) { v[sr.parts[0]] = 10; sum = 10; }
  v[sr.total] = sum + delta;
  return v;
}

export function fixSum(values, sr) {
  const v = { ...values };
  v[sr.total] = sr.parts.reduce((a, p) => a + num(v[p]), 0);
  return v;
}

// Save values as a draft and explain every warning and every explainable
// error (class_size: 66+ pupils), until none is left unexplained; asserts no
// blocking error remains. Returns {values, explanations, problems} of the last PUT.
export async function saveClean(c, schoolId, year, values, explanations = {}) {
  const ex = { ...explanations };
  let body = null;
  for (let i = 0; i < 4; i++) {
    body = ok(await c.put(`/api/stats/records/${schoolId}/${year}`, { values, explanations: ex }));
    const open = (body.problems || []).filter((p) => !p.explained && !ex[p.field]);
    const todo = open.filter((p) => p.severity === 'warning' || p.rule === 'class_size');
    if (!todo.length) {
      const errors = (body.problems || []).filter((p) => p.severity === 'error' && !p.explained);
      assert.deepEqual(errors, [], `values of school ${schoolId} ${year} have blocking errors`);
      return { values, explanations: ex, problems: body.problems || [] };
    }
    for (const w of todo) ex[w.field] = `测试说明：${w.label || w.field}情况属实`;
  }
  assert.fail(`problems still unexplained: ${JSON.stringify(body.problems)}`);
}

// A school of `type` whose record of year is editable (草稿 / 未填报), with
// an active school admin s<code>; prefers 2021, else 2022 (no records).
// Returns {year, row (records list item), user}.
export async function pickEditableSchool(admin, { type = '小学', years = [2021, 2022], skip = 0, exclude = [] } = {}) {
  for (const year of years) {
    const rows = (await recordList(admin, year, `type=${enc(type)}`))
      .filter((r) => (r.status === '草稿' || r.status === '未填报') && !exclude.includes(r.school_id));
    if (rows.length > skip) return { year, row: rows[skip], user: `s${rows[skip].code}` };
  }
  // No round lists the type in those years: any active school of the type, last year.
  const year = years[years.length - 1];
  const schools = (await allPages(admin, `/api/schools?type=${enc(type)}&status=${enc('在办')}`))
    .filter((s) => !exclude.includes(s.id));
  assert.ok(schools.length > skip, `active ${type} schools: ${schools.length}`);
  const s = schools[skip];
  return { year, row: { school_id: s.id, code: s.code, school_name: s.name, type: s.type, status: '未填报' }, user: `s${s.code}` };
}

// ---------------------------------------------------------------- audit

// Audit rows of the statistics module (entity contains "stat"), newest
// first, with id > afterId. Reads the newest pages only.
export async function statsAuditSince(admin, afterId = 0) {
  const out = [];
  for (let page = 1; page < 200; page++) {
    const body = ok(await admin.get(`/api/audit?per_page=200&page=${page}`));
    let done = body.items.length === 0;
    for (const r of body.items) {
      if (r.id <= afterId) { done = true; break; }
      if (/stat/i.test(String(r.entity))) out.push(r);
    }
    if (done) break;
  }
  return out;
}

export async function lastAuditId(admin) {
  const body = ok(await admin.get('/api/audit?per_page=1'));
  return body.items.length ? body.items[0].id : 0;
}

// The value of key anywhere inside obj (depth first), or undefined.
export function deepGet(obj, key) {
  if (!obj || typeof obj !== 'object') return undefined;
  if (Object.prototype.hasOwnProperty.call(obj, key)) return obj[key];
  for (const v of Object.values(obj)) {
    const r = deepGet(v, key);
    if (r !== undefined) return r;
  }
  return undefined;
}

// ---------------------------------------------------------------- xlsx

function unescapeXml(s) {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&amp;/g, '&');
}
export function escapeXml(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
function texts(xml) {
  let out = '';
  for (const m of xml.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)) out += unescapeXml(m[1]);
  return out;
}
export function colIndex(ref) {
  const letters = ref.replace(/\d+$/, '');
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}
export function colName(i) {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

// Every sheet of an xlsx in workbook order: {files, sheets:[{name, path, rows}]}
// where rows[i] is Excel row i+1 (sparse rows are filled with []), cells as text.
export function readWorkbook(buffer) {
  assert.equal(Buffer.from(buffer).subarray(0, 2).toString('latin1'), 'PK', 'xlsx must start with PK');
  const files = unzipSync(new Uint8Array(buffer));
  const shared = [];
  if (files['xl/sharedStrings.xml']) {
    for (const m of strFromU8(files['xl/sharedStrings.xml']).matchAll(/<si>([\s\S]*?)<\/si>/g)) shared.push(texts(m[1]));
  }
  const wb = strFromU8(files['xl/workbook.xml']);
  const rels = strFromU8(files['xl/_rels/workbook.xml.rels']);
  const target = {};
  for (const m of rels.matchAll(/<Relationship\b([^>]*)\/?>/g)) {
    const id = (m[1].match(/\bId="([^"]+)"/) || [])[1];
    const t = (m[1].match(/\bTarget="([^"]+)"/) || [])[1];
    if (id && t) target[id] = t.startsWith('/') ? t.slice(1) : `xl/${t}`;
  }
  const sheets = [];
  for (const m of wb.matchAll(/<sheet\b([^>]*)\/?>/g)) {
    const name = unescapeXml((m[1].match(/\bname="([^"]*)"/) || [])[1] || '');
    const rid = (m[1].match(/\br:id="([^"]+)"/) || [])[1];
    const path = target[rid];
    const xml = strFromU8(files[path]);
    const rows = [];
    for (const rm of xml.matchAll(/<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g)) {
      const rnum = Number((rm[1].match(/\br="(\d+)"/) || [])[1] || rows.length + 1);
      const row = [];
      for (const cm of (rm[2] || '').matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
        const attrs = cm[1];
        const inner = cm[2] || '';
        const ref = (attrs.match(/\br="([A-Z]+\d+)"/) || [])[1];
        const type = (attrs.match(/\bt="(\w+)"/) || [])[1];
        const v = (inner.match(/<v>([\s\S]*?)<\/v>/) || [])[1];
        let value = '';
        if (type === 's') value = shared[Number(v)] ?? '';
        else if (type === 'inlineStr') value = texts(inner);
        else if (type === 'b') value = v === '1' ? '1' : '0';
        else value = unescapeXml(v ?? '');
        row[ref ? colIndex(ref) : row.length] = value;
      }
      for (let i = 0; i < row.length; i++) if (row[i] === undefined) row[i] = '';
      while (rows.length < rnum - 1) rows.push([]);
      rows[rnum - 1] = row;
    }
    sheets.push({ name, path, rows });
  }
  return { files, sheets };
}

// Set cell ref (e.g. "D5") of the sheet at path in unzipped files to a number
// (or, with {text:true}, an inline string); keeps the cell's style. Returns
// the files object (changed in place).
export function setCell(files, path, ref, value, { text = false } = {}) {
  let xml = strFromU8(files[path]);
  const rnum = Number(ref.replace(/^[A-Z]+/, ''));
  const col = colIndex(ref);
  const rowRe = new RegExp(`<row\\b[^>]*?\\br="${rnum}"[^>]*?(?:\\/>|>([\\s\\S]*?)<\\/row>)`);
  const rm = xml.match(rowRe);
  assert.ok(rm, `row ${rnum} in ${path}`);
  const cells = [...(rm[1] || '').matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)].map((m) => ({
    xml: m[0], ref: (m[1].match(/\br="([A-Z]+\d+)"/) || [])[1], s: (m[1].match(/\bs="(\d+)"/) || [])[1],
  }));
  const old = cells.find((c) => c.ref === ref);
  const s = old && old.s ? ` s="${old.s}"` : '';
  const cell = text
    ? `<c r="${ref}"${s} t="inlineStr"><is><t>${escapeXml(value)}</t></is></c>`
    : (value === null || value === '' ? `<c r="${ref}"${s}/>` : `<c r="${ref}"${s}><v>${value}</v></c>`);
  let body;
  if (old) body = cells.map((c) => (c === old ? cell : c.xml)).join('');
  else {
    const list = [...cells, { xml: cell, ref }].sort((a, b) => colIndex(a.ref) - colIndex(b.ref));
    body = list.map((c) => c.xml).join('');
  }
  const open = rm[0].match(/^<row\b[^>]*?(?=\/?>)/)[0].replace(/\bspans="[^"]*"/, '');
  xml = xml.replace(rm[0], `${open}>${body}</row>`);
  files[path] = strToU8(xml);
  return files;
}

export function zipFiles(files) {
  return Buffer.from(zipSync(files, { level: 6 }));
}

// A hand-made xlsx from minimal XML parts. sheets: [{name, rows}] where rows
// is an array of rows (null or [] = an empty row, left out of the XML) of
// cells: number -> numeric cell, string -> inline string (or a shared string
// with {shared:true}), null/undefined -> no cell. Extra: {files} to add or
// replace parts.
export function makeXlsx(sheets, { shared = false, files: extra = {} } = {}) {
  const sst = [];
  const sstIndex = new Map();
  const sheetXml = (rows) => {
    let out = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
      + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
    rows.forEach((row, i) => {
      if (!row || row.length === 0) return;
      out += `<row r="${i + 1}">`;
      row.forEach((v, j) => {
        if (v === null || v === undefined) return;
        const ref = `${colName(j)}${i + 1}`;
        if (typeof v === 'number') out += `<c r="${ref}"><v>${v}</v></c>`;
        else if (shared) {
          if (!sstIndex.has(v)) { sstIndex.set(v, sst.length); sst.push(v); }
          out += `<c r="${ref}" t="s"><v>${sstIndex.get(v)}</v></c>`;
        } else out += `<c r="${ref}" t="inlineStr"><is><t>${escapeXml(v)}</t></is></c>`;
      });
      out += '</row>';
    });
    return out + '</sheetData></worksheet>';
  };
  const files = {};
  sheets.forEach((s, i) => { files[`xl/worksheets/sheet${i + 1}.xml`] = strToU8(sheetXml(s.rows)); });
  const ct = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    + '<Default Extension="xml" ContentType="application/xml"/>'
    + '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    + sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('')
    + (shared ? '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' : '')
    + '</Types>';
  files['[Content_Types].xml'] = strToU8(ct);
  files['_rels/.rels'] = strToU8('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    + '</Relationships>');
  files['xl/workbook.xml'] = strToU8('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    + '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    + 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    + sheets.map((s, i) => `<sheet name="${escapeXml(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')
    + '</sheets></workbook>');
  files['xl/_rels/workbook.xml.rels'] = strToU8('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    + sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('')
    + (shared ? `<Relationship Id="rId${sheets.length + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>` : '')
    + '</Relationships>');
  if (shared) {
    files['xl/sharedStrings.xml'] = strToU8('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
      + `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${sst.length}" uniqueCount="${sst.length}">`
      + sst.map((t) => `<si><t>${escapeXml(t)}</t></si>`).join('') + '</sst>');
  }
  Object.assign(files, extra);
  return zipFiles(files);
}

// ---------------------------------------------------------------- CSV

export function csvText(rows, { eol = '\r\n' } = {}) {
  const cell = (v) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => (r || []).map(cell).join(',')).join(eol) + eol;
}

// ---------------------------------------------------------------- zip bomb

// A zip whose single entry `name` is `size` bytes of zeros, deflated. The
// headers declare the true size, or `declared` bytes (a bomb that lies).
// Built by streaming, so the zeros are never held in memory at once.
export function zipBomb(size = 300 * 1024 * 1024, { name = 'xl/worksheets/sheet1.xml', declared = size } = {}) {
  const chunk = Buffer.alloc(1024 * 1024);
  const deflate = zlib.createDeflateRaw({ level: 9 });
  const parts = [];
  let crc = 0;
  deflate.on('data', (d) => parts.push(d));
  return new Promise((resolve, reject) => {
    deflate.on('error', reject);
    deflate.on('end', () => {
      const data = Buffer.concat(parts);
      const fname = Buffer.from(name);
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(0, 6);
      local.writeUInt16LE(8, 8);
      local.writeUInt32LE(0, 10);
      local.writeUInt32LE(crc >>> 0, 14);
      local.writeUInt32LE(data.length, 18);
      local.writeUInt32LE(declared, 22);
      local.writeUInt16LE(fname.length, 26);
      local.writeUInt16LE(0, 28);
      const central = Buffer.alloc(46);
      central.writeUInt32LE(0x02014b50, 0);
      central.writeUInt16LE(20, 4);
      central.writeUInt16LE(20, 6);
      central.writeUInt16LE(0, 8);
      central.writeUInt16LE(8, 10);
      central.writeUInt32LE(0, 12);
      central.writeUInt32LE(crc >>> 0, 16);
      central.writeUInt32LE(data.length, 20);
      central.writeUInt32LE(declared, 24);
      central.writeUInt16LE(fname.length, 28);
      central.writeUInt32LE(0, 42);
      const cdOffset = local.length + fname.length + data.length;
      const cd = Buffer.concat([central, fname]);
      const end = Buffer.alloc(22);
      end.writeUInt32LE(0x06054b50, 0);
      end.writeUInt16LE(1, 8);
      end.writeUInt16LE(1, 10);
      end.writeUInt32LE(cd.length, 12);
      end.writeUInt32LE(cdOffset, 16);
      resolve(Buffer.concat([local, fname, data, cd, end]));
    });
    let left = size;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        const piece = n === chunk.length ? chunk : chunk.subarray(0, n);
        crc = zlib.crc32(piece, crc);
        left -= n;
        if (!deflate.write(piece)) { deflate.once('drain', pump); return; }
      }
      deflate.end();
    };
    pump();
  });
}

// ---------------------------------------------------------------- import

export function importFile(c, year, bytes, name = 'upload.xlsx') {
  return c.post(`/api/stats/import?year=${year}&name=${enc(name)}`, bytes,
    { headers: { 'Content-Type': 'application/octet-stream' } });
}

// Values of the given schools in year, {school_id: {status, values}}, plus the
// records list of the year, to compare before/after a refused import.
export async function snapshot(c, year, schoolIds) {
  const list = await recordList(c, year);
  const records = {};
  for (const id of schoolIds) {
    const r = await getRecord(c, id, year);
    records[id] = { status: r.status, values: r.values };
  }
  return { list, records };
}

// n records of `type` in year that a bureau user may change: 草稿 / 已退回
// ones first, then approved ones reopened by admin, then drafts created (as
// c, with a few values) for schools without a record. Returns list rows.
export async function editableRecords(admin, c, year, type = '小学', n = 3) {
  const rows = await recordList(admin, year, `type=${enc(type)}`);
  const out = rows.filter((r) => r.status === '草稿' || r.status === '已退回').slice(0, n);
  for (const r of rows) {
    if (out.length >= n) break;
    if (r.status !== '已通过') continue;
    ok(await admin.post(`/api/stats/records/${r.school_id}/${year}/reopen`, { reason: '导入测试：重新打开' }));
    out.push({ ...r, status: '已退回' });
  }
  for (const r of rows) {
    if (out.length >= n) break;
    if (r.status !== '未填报') continue;
    ok(await c.put(`/api/stats/records/${r.school_id}/${year}`, { values: { books: 1000 + out.length, computers: 20, multimedia_rooms: 6 } }));
    out.push({ ...r, status: '草稿' });
  }
  assert.equal(out.length, n, `editable ${type} records in ${year}: ${JSON.stringify(rows.map((r) => r.status))}`);
  return out;
}
