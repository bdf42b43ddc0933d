// cli.test.mjs - `edubureau eval` and `edubureau plan export|status` (src/cli/eval_cmd.c,
// plan_cmd.c) run on the database a demo server serves, and compared with what that server's
// API answers for the same year and date: every printed figure of the evaluation (means,
// thresholds, 差异系数, schools meeting and passing, failing items, preschool indicators, the
// class-size stages), the printed 差异系数 against the workbook the command writes, the files
// written (the same zip parts as GET /api/eval/export and /api/plans/{id}/export), the plan's
// lagging items against the workbook's 滞后事项 sheet and the reports due against the
// reminders. Then every error path: exit code 2 with a Chinese message naming the option, 1
// for a store or file error; and a database with two counties, where --org is required.
// Every run of the sanitizer binary must exit as expected with nothing on stderr (a leak or a
// UBSan report would show there and change the exit code).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync, zipSync, strFromU8 } from 'fflate';
import { serverSuite } from '../lib/server.mjs';
import { ok } from '../lib/client.mjs';
import { readXlsx } from '../lib/xlsx.mjs';

const S = serverSuite();
const YEAR = 2021;
const PLAN_YEAR = 2022;
const STATUS_LABEL = { achieved: '已完成', on_track: '正常', at_risk: '有风险', behind: '滞后', overdue: '逾期', no_data: '未报送' };
const LAGGING = new Set(['at_risk', 'behind', 'overdue']);

// Run the binary on the suite's database: {status, stdout, stderr}.
function run(...args) {
  const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1' };
  const res = spawnSync(process.env.EDUBUREAU_BIN || path.resolve('build/edubureau-san'), [...args, '--db', S.srv.db],
    { env, encoding: 'utf8', timeout: 120000 });
  assert.equal(res.error, undefined, `spawn: ${res.error}`);
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

// A run that must succeed quietly.
function runOk(...args) {
  const res = run(...args);
  assert.equal(res.status, 0, `edubureau ${args.join(' ')} exited ${res.status}:\n${res.stderr}`);
  assert.equal(res.stderr, '', `nothing on stderr for ${args.join(' ')}`);
  return res.stdout;
}

const tmp = (name) => path.join(S.srv.dir, name);

// The sections of eval's output by their "== title ==" line (title without the verdict).
function sections(stdout) {
  const out = {};
  let cur = null;
  for (const line of stdout.split('\n')) {
    const m = line.match(/^== (.+?)(?:：(达标|未达标|无法判定))? ==$/);
    if (m) { cur = m[1]; out[cur] = { verdict: m[2] ?? null, lines: [] }; } else if (cur) out[cur].lines.push(line);
  }
  return out;
}

const verdict = (pass) => (pass === true ? '达标' : pass === false ? '未达标' : '无法判定');
const pct = (v) => `${Number((v * 100).toFixed(2))}%`;

// The named sheet of an xlsx as rows of strings (readXlsx reads the first sheet).
function sheetRows(buffer, name) {
  const { files } = readXlsx(buffer);
  const names = [...strFromU8(files['xl/workbook.xml']).matchAll(/<sheet [^>]*name="([^"]+)"/g)].map((m) => m[1]);
  const idx = names.indexOf(name);
  assert.ok(idx >= 0, `sheet ${name} in ${names.join(',')}`);
  const single = Object.fromEntries(Object.entries(files).filter(([f]) => !/^xl\/worksheets\/sheet\d+\.xml$/.test(f)));
  single['xl/worksheets/sheet1.xml'] = files[`xl/worksheets/sheet${idx + 1}.xml`];
  return readXlsx(Buffer.from(zipSync(single))).rows;
}

// Two zip files hold the same parts with the same bytes (docProps/core.xml carries the time
// of writing).
function assertSameParts(fileBuf, apiBuf, what) {
  const a = unzipSync(new Uint8Array(fileBuf));
  const b = unzipSync(new Uint8Array(apiBuf));
  assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), `${what}: the same parts`);
  for (const part of Object.keys(a)) {
    if (part === 'docProps/core.xml') continue;
    assert.ok(Buffer.from(a[part]).equals(Buffer.from(b[part])), `${what}: part ${part} as the API writes it`);
  }
}

S.test('eval prints the figures and verdicts of the API and writes the export workbook', async () => {
  const leader = await S.login('leader');
  const book = tmp('eval.xlsx');
  const stdout = runOk('eval', '--year', String(YEAR), '--out', book);
  assert.match(stdout, new RegExp(`^长葛市 ${YEAR}学年 评估结果`));
  const sec = sections(stdout);
  const printedCv = [];
  for (const [stage, label] of [['primary', '小学'], ['junior', '初中']]) {
    const b = ok(await leader.get(`/api/eval/balanced?year=${YEAR}&stage=${stage}&detail=0`));
    const s = sec[`义务教育优质均衡（${label}）`];
    assert.ok(s, `section of ${label}`);
    assert.equal(s.verdict, verdict(b.pass));
    assert.ok(s.lines.includes(`参评学校 ${b.schools_total} 所，资源配置达标 ${b.schools_passing} 所；不参评 ${b.excluded.length} 所`),
      `${label} counts: ${s.lines[0]}`);
    assert.equal(b.indicators.length, 7);
    for (const ind of b.indicators) {
      const line = s.lines.find((l) => l.startsWith(`  ${ind.name}：`));
      assert.ok(line, `${label} ${ind.name} printed`);
      const m = line.match(/均值 (\S+) (\S*)，标准值 (\S+)，达标学校 (\d+) 所；差异系数 (\S+)（标准 ≤ (\S+)，(\S+)）$/);
      assert.ok(m, line);
      assert.equal(Number(m[1]), ind.mean, `${ind.name} mean`);
      assert.equal(m[2], ind.unit);
      assert.equal(Number(m[3]), ind.threshold, `${ind.name} threshold`);
      assert.equal(Number(m[4]), ind.schools_meeting, `${ind.name} schools meeting`);
      assert.equal(Number(m[5]), ind.cv, `${ind.name} cv`);
      assert.equal(Number(m[6]), ind.cv_threshold, `${ind.name} cv threshold`);
      assert.equal(m[7], verdict(ind.cv_pass));
      printedCv.push([label, ind.name, Number(m[5]), Number(m[6])]);
    }
    for (const g of b.guarantee) {
      const n = g.failing.length;
      assert.ok(s.lines.includes(`  ${g.name}：标准 ${g.threshold}，${verdict(g.pass)}${n ? `（${n} 所学校未达要求）` : ''}`), `${label} ${g.name}`);
    }
    const failing = s.lines.filter((l) => l.startsWith('  · ')).map((l) => l.slice(4));
    assert.deepEqual(failing, b.failures.map((f) => f.text), `${label} failing items`);
    assert.ok(b.failures.length > 0, 'the demo county fails some items');
  }

  const pre = ok(await leader.get(`/api/eval/preschool?year=${YEAR}&detail=0`));
  const ps = sec['学前教育普及普惠'];
  assert.equal(ps.verdict, verdict(pre.pass));
  for (const ind of pre.indicators) {
    const value = ind.unit === '%' ? pct(ind.value) : `${ind.value} ${ind.unit}`;
    const line = ps.lines.find((l) => l.startsWith(`  ${ind.name} ${value}（${ind.numerator} ÷ ${ind.denominator}）：`));
    assert.ok(line, `preschool ${ind.name} ${value} in\n${ps.lines.join('\n')}`);
    const std = ind.standards.filter((x) => x.level !== '本局');
    if (std.length) assert.ok(line.endsWith(` → ${verdict(ind.pass)}`), line);
    else assert.ok(line.endsWith('仅本局目标，不计入结论'), line);
    for (const x of std) assert.ok(line.includes(`${x.level} ${x.comparison === '<=' ? '≤' : '≥'} `), `${x.level} of ${line}`);
    assert.equal((line.match(/本局目标 [≥≤]/g) || []).length, ind.targets.length, line);
  }

  const size = ok(await leader.get(`/api/eval/class-size?year=${YEAR}`));
  const cs = sec['班额与学校规模'];
  for (const st of size.stages) {
    const line = cs.lines.find((l) => l.startsWith(`  ${st.label}：`));
    assert.ok(line, `class size ${st.label}`);
    assert.ok(line.startsWith(`  ${st.label}：${st.classes} 个班，${st.pupils} 人，平均班额 ${st.average} 人；`), line);
    assert.ok(line.endsWith(` → ${verdict(st.pass)}`), line);
  }
  assert.ok(cs.lines.includes(size.crowding.text));
  assert.ok(cs.lines.some((l) => l.startsWith(`超过规模上限的学校（${size.over_size.length} 所）`)));

  // the workbook: the API's parts, and the 差异系数 sheet holds the printed figures
  const file = fs.readFileSync(book);
  assert.match(stdout, new RegExp(`已导出评估工作簿到 ${book.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}（${file.length} 字节）`));
  const api = await leader.get(`/api/eval/export?year=${YEAR}`);
  assert.equal(api.status, 200);
  assertSameParts(file, api.buffer, 'eval workbook');
  const cvRows = sheetRows(file, '差异系数');
  const col = (name) => cvRows[0].indexOf(name);
  const inSheet = cvRows.slice(1).map((r) => [r[col('学段')], r[col('指标')], Number(r[col('差异系数')]), Number(r[col('差异系数标准')])]);
  assert.deepEqual(inSheet, printedCv);
});

S.test('eval --stage prints one part and --org takes a unit id or its exact name', async () => {
  const leader = await S.login('leader');
  const byName = runOk('eval', '--year', String(YEAR), '--stage', 'junior', '--org', '长葛市');
  const county = ok(await leader.get(`/api/eval/balanced?year=${YEAR}&stage=junior&detail=0`));
  assert.equal(runOk('eval', '--year', String(YEAR), '--stage', 'junior', '--org', String(county.org.id)), byName);
  assert.deepEqual(Object.keys(sections(byName)), ['义务教育优质均衡（初中）']);

  // a town: the evaluation of its schools only, as the API's org parameter gives it
  const town = ok(await leader.get(`/api/eval/preschool?year=${YEAR}&detail=0`)).towns.find((t) => t.town.endsWith('镇'));
  const api = ok(await leader.get(`/api/eval/balanced?year=${YEAR}&stage=primary&detail=0&org=${town.town_id}`));
  assert.ok(api.schools_total > 0, 'the town has primary schools');
  const out = runOk('eval', '--year', String(YEAR), '--stage', 'primary', '--org', town.town);
  assert.match(out, new RegExp(`^${town.town} ${YEAR}学年 评估结果`));
  assert.ok(out.includes(`参评学校 ${api.schools_total} 所，资源配置达标 ${api.schools_passing} 所`), out.slice(0, 400));
  const countyPrimary = ok(await leader.get(`/api/eval/balanced?year=${YEAR}&stage=primary&detail=0`));
  assert.ok(api.schools_total < countyPrimary.schools_total, 'the town is a part of the county');

  // without --year: the latest year with records; a year without records says so and runs
  assert.equal(runOk('eval', '--stage', 'class-size'), runOk('eval', '--stage', 'class-size', '--year', String(YEAR)));
  const empty = runOk('eval', '--stage', 'primary', '--year', '2030');
  assert.match(empty, /2030学年没有基表记录/);
  assert.match(empty, /参评学校 0 所/);
});

S.test('plan export writes the files the API exports, in the format asked or of the file name', async () => {
  const leader = await S.login('leader');
  const plan = ok(await leader.get(`/api/plans?year=${PLAN_YEAR}`)).items[0];
  for (const [format, on, args] of [
    ['xlsx', plan.status_on, ['--format', 'xlsx']],
    ['docx', '2022-06-30', ['--format', 'docx', '--on', '2022-06-30']],
    ['docx', '2022-11-20', ['--on', '2022-11-20']], // the format of the name
  ]) {
    const file = tmp(`plan-${on}.${format}`);
    const out = runOk('plan', 'export', '--year', String(PLAN_YEAR), '--out', file, ...args);
    const buf = fs.readFileSync(file);
    assert.equal(out, `已导出 ${PLAN_YEAR} 年度工作目标${format === 'docx' ? '督查通报' : '进度表'}（截至 ${on}）到 ${file}（${buf.length} 字节）\n`);
    const api = await leader.get(`/api/plans/${plan.id}/export?format=${format}&on=${on}`);
    assert.equal(api.status, 200);
    assertSameParts(buf, api.buffer, `${format} on ${on}`);
    const parts = Object.keys(unzipSync(new Uint8Array(buf)));
    for (const p of format === 'docx' ? ['word/document.xml', 'word/styles.xml', '[Content_Types].xml'] : ['xl/workbook.xml', 'xl/worksheets/sheet2.xml']) {
      assert.ok(parts.includes(p), `${format} has ${p}`);
    }
  }
});

S.test('plan status gives the progress, the counts, the lagging items and the reports due', async () => {
  const leader = await S.login('leader');
  const plan = ok(await leader.get(`/api/plans?year=${PLAN_YEAR}`)).items[0];
  for (const on of [null, '2022-06-30', '2022-11-20']) {
    const args = on ? ['--on', on] : [];
    const tree = ok(await leader.get(`/api/plans/${plan.id}/tree${on ? `?on=${on}` : ''}`));
    const due = ok(await leader.get(`/api/plans/${plan.id}/reminders${on ? `?on=${on}` : ''}`)).items;
    const lines = runOk('plan', 'status', '--year', String(PLAN_YEAR), ...args).trimEnd().split('\n');
    const p = tree.plan;
    assert.equal(lines[0], `${p.title}（${p.county}，截至 ${p.on}）`);
    assert.equal(lines[1], `总体进度 ${(p.progress * 100).toFixed(1)}%，状态：${STATUS_LABEL[p.status]}`);
    assert.equal(lines[2], `事项状态：${Object.entries(STATUS_LABEL).map(([k, l]) => `${l} ${p.counts[k]} 项`).join('，')}`);

    // the lagging items: the rows of the 滞后事项 sheet of the workbook of the same date
    const book = tmp(`status-${on}.xlsx`);
    runOk('plan', 'export', '--year', String(PLAN_YEAR), '--format', 'xlsx', '--out', book, ...args);
    const sheet = sheetRows(fs.readFileSync(book), '滞后事项');
    const c = (name) => sheet[0].indexOf(name);
    const expected = sheet.slice(1).map((r) => [r[c('状态')], r[c('事项')], r[c('牵头股室')]]);
    const lagging = lines.filter((l) => /^ {2}\[/.test(l)).map((l) => {
      const m = l.match(/^ {2}\[(.+?)\] (.+) — 牵头：(.+)，进度 (\S+)$/);
      assert.ok(m, l);
      return [m[1], m[2], m[3]];
    });
    assert.ok(expected.length > 0, 'the demo plan has lagging items');
    assert.deepEqual(lagging, expected, `lagging items on ${on}`);
    assert.equal(expected.length, p.counts.at_risk + p.counts.behind + p.counts.overdue);

    // the reports due
    const dueLines = lines.filter((l) => l.includes('，应报 '));
    assert.deepEqual(dueLines, due.map((r) => `  ${r.title} — 牵头：${r.lead_dept.name}，应报 ${r.due_period}（截止 ${r.due_date}`
      + `${r.overdue_days > 0 ? `，已逾期 ${r.overdue_days} 天` : ''}），最近报送 ${r.last_period ?? '（无）'}`));
    if (!due.length) assert.ok(lines.includes('应报未报的进度报告：无'));
  }
  const late = ok(await leader.get(`/api/plans/${plan.id}/reminders?on=2022-11-20`)).items;
  assert.ok(late.length > 0, 'reports are due in November');
});

S.test('bad arguments exit 2 with a Chinese message naming the option; store and file errors exit 1', () => {
  const year = ['--year', String(YEAR)];
  const py = ['--year', String(PLAN_YEAR)];
  const cases = [
    [['eval', '--colour', 'red'], /未知选项: --colour/],
    [['eval', '--year', '1999'], /选项 --year：年度应为 2000 到 2100 之间的整数（收到「1999」）/],
    [['eval', '--year', '二〇二一'], /选项 --year：/],
    [['eval', '--year', '--stage', 'junior'], /选项 --year 缺少值/],
    [['eval', ...year, '--stage', 'senior'], /选项 --stage：应为 primary/],
    [['eval', ...year, '--org', '不存在的县'], /选项 --org：找不到名为「不存在的县」的机构/],
    [['eval', ...year, '--org', '987654'], /选项 --org：机构编号 987654 不存在/],
    [['eval', ...year, 'extra'], /多余的参数: extra/],
    [['plan'], /请给出 plan 的子命令：export 或 status/],
    [['plan', 'publish', ...py], /未知的 plan 子命令: publish/],
    [['plan', 'status'], /选项 --year：请给出工作目标的年度/],
    [['plan', 'status', '--year', '2101'], /选项 --year：年度应为/],
    [['plan', 'status', '--year', '2019'], /选项 --year：长葛市 没有 2019 年度的工作目标/],
    [['plan', 'status', ...py, '--on', '2022-02-30'], /选项 --on：日期应为 YYYY-MM-DD（收到「2022-02-30」）/],
    [['plan', 'status', ...py, '--org', '不存在的县'], /选项 --org：找不到名为「不存在的县」的机构/],
    [['plan', 'status', ...py, '--format', 'xlsx'], /未知选项: --format/],
    [['plan', 'export', ...py, '--format', 'pdf', '--out', tmp('x.pdf')], /选项 --format：导出格式应为 xlsx 或 docx（收到「pdf」）/],
    [['plan', 'export', ...py, '--out', tmp('x.pdf')], /选项 --format：请给出导出格式/],
    [['plan', 'export', ...py, '--format', 'xlsx'], /选项 --out：请给出要写入的文件/],
  ];
  for (const [args, message] of cases) {
    const res = run(...args);
    assert.equal(res.status, 2, `${args.join(' ')}: exit ${res.status}\n${res.stderr}`);
    assert.match(res.stderr, message, args.join(' '));
    assert.doesNotMatch(res.stderr, /ERROR: AddressSanitizer|LeakSanitizer|runtime error/);
    assert.equal(res.stdout, '', `nothing on stdout: ${args.join(' ')}`);
    assert.equal(fs.existsSync(tmp('x.pdf')), false);
  }
  // a file that cannot be written, a database that cannot be opened: 1
  const noDir = tmp('no-such-dir/out.xlsx');
  for (const args of [['eval', ...year, '--stage', 'junior', '--out', noDir], ['plan', 'export', ...py, '--format', 'xlsx', '--out', noDir]]) {
    const res = run(...args);
    assert.equal(res.status, 1, `${args.join(' ')}: exit ${res.status}\n${res.stderr}`);
    assert.match(res.stderr, /无法写入 .*no-such-dir/);
  }
  const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0' };
  const res = spawnSync(process.env.EDUBUREAU_BIN || path.resolve('build/edubureau-san'),
    ['eval', '--db', tmp('no-such-dir/t.db')], { env, encoding: 'utf8' });
  assert.equal(res.status, 1, res.stderr);
  assert.match(res.stderr, /无法打开数据库/);
});

S.test('with two counties the scope must be named, and a name two units share needs the id', async () => {
  const leader = await S.login('leader');
  const added = runOk('org', 'add', '--level', 'county', '--name', '测试县', '--parent', '2');
  const countyId = added.match(/已添加单位 (\d+) 测试县/)[1];
  const town = ok(await leader.get(`/api/eval/preschool?year=${YEAR}&detail=0`)).towns[0];
  runOk('org', 'add', '--level', 'town', '--name', town.town, '--kind', '乡镇', '--parent', countyId);

  for (const args of [['eval', '--year', String(YEAR)], ['plan', 'status', '--year', String(PLAN_YEAR)]]) {
    const res = run(...args);
    assert.equal(res.status, 2, args.join(' '));
    assert.match(res.stderr, /数据库中有 2 个县（市、区），请用 --org 指定机构编号或名称/);
  }
  const shared = run('eval', '--year', String(YEAR), '--org', town.town);
  assert.equal(shared.status, 2);
  assert.match(shared.stderr, new RegExp(`选项 --org：有 2 个机构名为「${town.town}」，请改用机构编号`));
  assert.match(runOk('eval', '--year', String(YEAR), '--stage', 'junior', '--org', String(town.town_id)), new RegExp(`^${town.town} `));

  // named, each runs; the new county has no records and no plan
  assert.match(runOk('eval', '--year', String(YEAR), '--stage', 'junior', '--org', '长葛市'), /参评学校 [1-9]\d* 所/);
  assert.match(runOk('eval', '--year', String(YEAR), '--stage', 'junior', '--org', '测试县'), /测试县 2021学年没有基表记录[\s\S]*参评学校 0 所/);
  assert.match(runOk('plan', 'status', '--year', String(PLAN_YEAR), '--org', '长葛市'), /^2022年/);
  const none = run('plan', 'status', '--year', String(PLAN_YEAR), '--org', '测试县');
  assert.equal(none.status, 2);
  assert.match(none.stderr, /选项 --year：测试县 没有 2022 年度的工作目标/);
  // the province holds one plan of the year: that one; a town means its county's plan
  assert.match(runOk('plan', 'status', '--year', String(PLAN_YEAR), '--org', '河南省'), /（长葛市，截至/);
  assert.match(runOk('plan', 'status', '--year', String(PLAN_YEAR), '--org', String(town.town_id)), /（长葛市，截至/);
});
