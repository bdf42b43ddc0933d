// server.mjs - start a real edubureau server for one test file.
//
// A free port, a fresh database in a new temp directory, and
//   $EDUBUREAU_BIN demo --db DIR/t.db --port PORT --seed 2021 --quiet
// (demo creates 长葛市 with its users, then serves). startServer waits for
// GET /api/health. stop() sends SIGTERM, waits for the exit and asserts exit
// code 0: under ASan a leak or any sanitizer report makes it non-zero, and the
// error then carries the server's stderr.
//
// Usage in a test file:
//   const S = serverSuite();          // registers before/after hooks
//   S.test('name', async () => { const c = await S.login('admin'); ... });
// S.test appends the tail of the server's stderr to any failure.
// serverSuite({ env: { EDUBUREAU_NOW: '1632000000' } }) adds variables to the
// server's environment (EDUBUREAU_NOW fixes the server's clock, see clock.h).
// serverSuite({ prepare: async ({ bin, db, env }) => ... }) runs before the
// server starts, e.g. `edubureau generate --counties 3 --stats --db <db>` and
// `edubureau user add ...` (demo then serves the database it finds there).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { before, after, test as nodeTest } from 'node:test';
import { request, login, Client } from './client.mjs';

const START_TIMEOUT_MS = Number(process.env.EDUBUREAU_START_TIMEOUT_MS || 300000);
const STOP_TIMEOUT_MS = 60000;

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function binary() {
  const bin = process.env.EDUBUREAU_BIN || path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../../build/edubureau-san');
  if (!fs.existsSync(bin)) throw new Error(`server binary not found: ${bin} (set EDUBUREAU_BIN or run make build/edubureau-san)`);
  return bin;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function startServer({ seed = 2021, extraArgs = [], env: extraEnv = {}, prepare = null } = {}) {
  const bin = binary();
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edubureau-test-'));
  const db = path.join(dir, 't.db');
  const args = ['demo', '--db', db, '--port', String(port), '--seed', String(seed), '--quiet', ...extraArgs];
  const env = { ...process.env, ...extraEnv };
  if (!env.ASAN_OPTIONS) env.ASAN_OPTIONS = 'detect_leaks=1:abort_on_error=0';
  if (!env.UBSAN_OPTIONS) env.UBSAN_OPTIONS = 'print_stacktrace=1';
  if (prepare) await prepare({ bin, db, dir, env });
  const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d) => { stderr += d.toString(); });
  child.stdout.on('data', (d) => { stdout += d.toString(); });
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => { exited = { code, signal }; resolve(exited); });
  });
  const base = `http://127.0.0.1:${port}`;
  const cmd = `${bin} ${args.join(' ')}`;

  const srv = {
    base, db, dir, port, child, cmd,
    get stderr() { return stderr; },
    get stdout() { return stdout; },
    get exited() { return exited; },
    stderrTail(n = 6000) {
      const s = stderr.length > n ? '...' + stderr.slice(-n) : stderr;
      const state = exited ? `server exited: code ${exited.code} signal ${exited.signal}` : 'server still running';
      return `--- ${state}; command: ${cmd}\n--- server stderr:\n${s || '(empty)'}`;
    },
    login: (username, password) => login(base, username, password),
    client: () => new Client(base),
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const t = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, STOP_TIMEOUT_MS);
        await exitPromise;
        clearTimeout(t);
      }
      fs.rmSync(dir, { recursive: true, force: true });
      if (exited.code !== 0) {
        throw new Error(`server did not shut down cleanly on SIGTERM (exit code ${exited.code}, signal ${exited.signal}); `
          + `a sanitizer report (ASan leak / UBSan) or a crash makes it non-zero.\n${srv.stderrTail(20000)}`);
      }
    },
  };

  const t0 = Date.now();
  for (;;) {
    if (exited) throw new Error(`server exited before it was ready.\n${srv.stderrTail()}\n--- stdout:\n${stdout.slice(-3000)}`);
    try {
      const res = await request(base, 'GET', '/api/health');
      if (res.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() - t0 > START_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error(`server not ready after ${START_TIMEOUT_MS} ms.\n${srv.stderrTail()}`);
    }
    await sleep(100);
  }
  return srv;
}

// Register before/after hooks that run one server for the whole file.
export function serverSuite(opts = {}) {
  const S = {
    srv: null,
    get base() { return S.srv.base; },
    login: (u, p) => S.srv.login(u, p),
    client: () => S.srv.client(),
    test(name, fn, options = {}) {
      return nodeTest(name, options, async (t) => {
        if (!S.srv) throw new Error('server did not start (see the before hook)');
        try {
          await fn(t);
        } catch (e) {
          const tail = '\n' + S.srv.stderrTail();
          if (e && typeof e === 'object') {
            try { e.message += tail; } catch { /* read-only */ }
          }
          throw e;
        }
      });
    },
  };
  before(async () => { S.srv = await startServer(opts); }, { timeout: START_TIMEOUT_MS + 10000 });
  after(async () => { if (S.srv) await S.srv.stop(); }, { timeout: STOP_TIMEOUT_MS + 10000 });
  return S;
}
