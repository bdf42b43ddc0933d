// stats-data.mjs - files for bench/stats.sh, made from a real export of
// `edubureau export` (reads it with tests/lib/stats.mjs):
//
//   node bench/stats-data.mjs rows   FILE.xlsx                 data rows (all sheets)
//   node bench/stats-data.mjs tocsv  FILE.xlsx OUT.csv         the same rows as one CSV
//                                                              (union of the headers, padded)
//   node bench/stats-data.mjs edit   FILE.xlsx OUT.xlsx CODE   图书 of school CODE + 1
//   node bench/stats-data.mjs bigcsv FILE.xlsx OUT.csv N [TYPE]
//        N data rows of the TYPE sheet (default 小学), its schools repeated in
//        order as often as needed (the same school appears N / schools times)
//
// Prints one line of JSON with what it did.
import fs from 'node:fs';
import { readWorkbook, setCell, zipFiles, colName, csvText } from '../tests/lib/stats.mjs';

const [cmd, file, out, arg, arg2] = process.argv.slice(2);
const wb = readWorkbook(fs.readFileSync(file));
const dataRows = (s) => s.rows.slice(1).filter((r) => r && r.length && r[0]);

if (cmd === 'rows') {
  console.log(JSON.stringify({ rows: wb.sheets.reduce((a, s) => a + dataRows(s).length, 0), sheets: wb.sheets.map((s) => [s.name, dataRows(s).length]) }));
} else if (cmd === 'tocsv') {
  const header = [];
  for (const s of wb.sheets) for (const h of s.rows[0]) if (!header.includes(h)) header.push(h);
  const fd = fs.openSync(out, 'w');
  fs.writeSync(fd, csvText([header]));
  let n = 0;
  for (const s of wb.sheets) {
    const idx = s.rows[0].map((h) => header.indexOf(h));
    let chunk = [];
    for (const r of dataRows(s)) {
      const row = new Array(header.length).fill('');
      r.forEach((v, i) => { row[idx[i]] = v; });
      chunk.push(row);
      n++;
      if (chunk.length === 5000) { fs.writeSync(fd, csvText(chunk)); chunk = []; }
    }
    if (chunk.length) fs.writeSync(fd, csvText(chunk));
  }
  fs.closeSync(fd);
  console.log(JSON.stringify({ rows: n, columns: header.length }));
} else if (cmd === 'edit') {
  for (const s of wb.sheets) {
    const r = s.rows.findIndex((row, j) => j > 0 && row[0] === arg);
    if (r < 0) continue;
    const col = s.rows[0].findIndex((h) => /^图书/.test(h));
    const old = Number(s.rows[r][col] || 0);
    setCell(wb.files, s.path, `${colName(col)}${r + 1}`, old + 1);
    fs.writeFileSync(out, zipFiles(wb.files));
    console.log(JSON.stringify({ sheet: s.name, row: r + 1, column: s.rows[0][col], old, new: old + 1 }));
    process.exit(0);
  }
  console.error(`school ${arg} not found in ${file}`);
  process.exit(1);
} else if (cmd === 'bigcsv') {
  const n = Number(arg);
  const type = arg2 || '小学';
  const s = wb.sheets.find((x) => x.name === type);
  if (!s) { console.error(`no sheet ${type}`); process.exit(1); }
  const rows = dataRows(s).map((r) => { const x = r.slice(); while (x.length < s.rows[0].length) x.push(''); return x; });
  const lines = rows.map((r) => csvText([r]));
  const fd = fs.openSync(out, 'w');
  fs.writeSync(fd, csvText([s.rows[0]]));
  let buf = '';
  for (let i = 0; i < n; i++) {
    buf += lines[i % lines.length];
    if (buf.length > 4 * 1024 * 1024) { fs.writeSync(fd, buf); buf = ''; }
  }
  if (buf) fs.writeSync(fd, buf);
  fs.closeSync(fd);
  console.log(JSON.stringify({ rows: n, schools: rows.length, columns: s.rows[0].length, bytes: fs.statSync(out).size }));
} else {
  console.error('usage: stats-data.mjs rows|tocsv|edit|bigcsv FILE.xlsx ...');
  process.exit(2);
}
