// xlsx.mjs - read the first sheet of an xlsx (as written by libxlsxwriter)
// into rows of strings, with fflate. Handles shared strings and inline
// strings, so the tests do not depend on the writer's string mode.
import assert from 'node:assert/strict';
import { unzipSync, strFromU8 } from 'fflate';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function unescapeXml(s) {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&amp;/g, '&');
}

function texts(xml) {
  let out = '';
  for (const m of xml.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)) out += unescapeXml(m[1]);
  return out;
}

function colIndex(ref) {
  const letters = ref.replace(/\d+$/, '');
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

// Parse an xlsx buffer: {files, sharedStrings: [..], rows: [[..]], sharedXml}
export function readXlsx(buffer) {
  assert.equal(buffer.subarray(0, 2).toString('latin1'), 'PK', 'xlsx must start with PK (zip)');
  const files = unzipSync(new Uint8Array(buffer));
  const sharedXml = files['xl/sharedStrings.xml'] ? strFromU8(files['xl/sharedStrings.xml']) : '';
  const shared = [];
  for (const m of sharedXml.matchAll(/<si>([\s\S]*?)<\/si>/g)) shared.push(texts(m[1]));
  const sheetName = Object.keys(files).filter((f) => /^xl\/worksheets\/sheet\d+\.xml$/.test(f)).sort()[0];
  assert.ok(sheetName, `no worksheet in xlsx: ${Object.keys(files).join(', ')}`);
  const sheet = strFromU8(files[sheetName]);
  const rows = [];
  for (const rm of sheet.matchAll(/<row\b[^>]*?(?:\/>|>([\s\S]*?)<\/row>)/g)) {
    const row = [];
    const body = rm[1] || '';
    for (const cm of body.matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const attrs = cm[1];
      const inner = cm[2] || '';
      const ref = (attrs.match(/\br="([A-Z]+\d+)"/) || [])[1];
      const type = (attrs.match(/\bt="(\w+)"/) || [])[1];
      let value = '';
      if (type === 's') value = shared[Number((inner.match(/<v>([\s\S]*?)<\/v>/) || [])[1])] ?? '';
      else if (type === 'inlineStr') value = texts(inner);
      else value = unescapeXml((inner.match(/<v>([\s\S]*?)<\/v>/) || [])[1] ?? '');
      const idx = ref ? colIndex(ref) : row.length;
      row[idx] = value;
    }
    for (let i = 0; i < row.length; i++) if (row[i] === undefined) row[i] = '';
    rows.push(row);
  }
  return { files, sharedStrings: shared, sharedXml, rows, sheetName };
}

// Assert an xlsx download reply and parse it.
export function assertXlsxReply(res) {
  assert.equal(res.status, 200, `xlsx export: ${res.status} ${res.text.slice(0, 300)}`);
  assert.ok(String(res.headers['content-type']).startsWith(XLSX_TYPE), `xlsx content type: ${res.headers['content-type']}`);
  return readXlsx(res.buffer);
}

// The index of the header row (the first row containing `header`) and the data rows after it.
export function tableAfterHeader(rows, header) {
  const h = rows.findIndex((r) => r.includes(header));
  assert.ok(h >= 0, `header ${header} not found in the sheet; first rows: ${JSON.stringify(rows.slice(0, 3))}`);
  const data = rows.slice(h + 1).filter((r) => r.some((v) => v !== ''));
  return { header: rows[h], data };
}
