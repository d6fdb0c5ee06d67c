// Starts the built nq57 binary on a free port with a temporary database and
// data directory, and stops it by the PID it was started with.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const buildDir = process.env.NQ57_BUILD_DIR || path.join(root, 'build');
export const binary = path.join(buildDir, 'nq57');

export const onPostgres = /^postgres(ql)?:/.test(process.env.NQ57_TEST_DB || '');
let dbCounter = 0;

function psql(url, sql) {
  const r = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql ${sql}: ${r.stderr || r.error}`);
  return r.stdout.trim();
}

// A fresh empty database for one server: a new PostgreSQL database when
// NQ57_TEST_DB is a postgresql:// URL (the suite's PostgreSQL pass), else a
// SQLite file in dir. Returns { url, drop() }.
export function freshDatabase(dir) {
  if (!onPostgres) return { url: `sqlite:${path.join(dir, 'nq57.db')}`, drop() {} };
  const admin = process.env.NQ57_TEST_DB;
  const name = `nq57_t${process.pid}_${++dbCounter}`;
  psql(admin, `CREATE DATABASE ${name}`);
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop() { psql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); },
  };
}

// A fresh copy of a database seeded once (see demo.mjs): the SQLite file
// copied into dir, or a new PostgreSQL database made from the template
// database named in url. Returns { url, drop() } like freshDatabase.
export function databaseFrom(url, dir) {
  if (!onPostgres) {
    const from = url.replace(/^sqlite:/, ''), to = path.join(dir, 'nq57.db');
    copyFileSync(from, to);
    if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`);
    return { url: `sqlite:${to}`, drop() {} };
  }
  const admin = process.env.NQ57_TEST_DB;
  const template = new URL(url).pathname.slice(1);
  const name = `nq57_t${process.pid}_${++dbCounter}`;
  // Two copies of one template at the same moment may be refused
  // ("being accessed by other users"): try again shortly.
  for (let attempt = 0; ; attempt++) {
    try {
      psql(admin, `CREATE DATABASE ${name} TEMPLATE ${template}`);
      break;
    } catch (e) {
      if (attempt >= 20) throw e;
      spawnSync('sleep', ['0.2']);
    }
  }
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop() { psql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); },
  };
}

// Sanitizer reports in a process's output: any of them fails the test.
export function sanitizerReports(log) {
  return log.split('\n').filter((l) => /AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:/.test(l));
}

// Runs `nq57 args...` to completion; resolves { code, stdout, stderr }.
export function runCli(args, { env = {}, timeoutMs = 30000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env: { ...process.env, ...env } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`nq57 ${args.join(' ')} timed out`)); }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
  });
}

// Starts `nq57 serve` and waits for its "listening on" line.
// Returns { url, port, pid, dir, db, logs(), stop(signal) }. A request
// waits up to 10 s (not 100 ms) for a bulk change being loaded in the
// background, so a test reads what it just imported even on a busy
// machine; tests/api/rollup_reload.test.mjs sets it back.
export async function startServer({ args = [], env = {}, db, keepDir = false } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'nq57-test-'));
  const fresh = db ? { url: db, drop() {} } : freshDatabase(dir);
  const dbUrl = fresh.url;
  const child = spawn(binary, ['serve', '--listen', '127.0.0.1:0', '--db', dbUrl,
    '--data-dir', path.join(dir, 'data'), '--web-dir', path.join(buildDir, 'web'), ...args],
  { env: { ...process.env, NQ57_LOG: 'info', NQ57_PWHASH: 'fast', NQ57_RELOAD_WAIT_MS: '10000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 20000);
    const check = () => {
      const m = log.match(/listening on (http:\/\/[0-9.]+:\d+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    child.stderr.on('data', check);
    child.stdout.on('data', check);
    exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`server exited (${code ?? signal}):\n${log}`)); });
  });
  let stopped = null;
  return {
    url,
    port: Number(new URL(url).port),
    pid: child.pid,
    dir,
    db: dbUrl,
    logs: () => log,
    exited,
    async stop(signal = 'SIGTERM') {
      if (!stopped) {
        if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, signal);
        stopped = await exited;
        fresh.drop();
        if (!keepDir) rmSync(dir, { recursive: true, force: true });
        const reports = sanitizerReports(log);
        if (reports.length) throw new Error(`sanitizer reports from the server:\n${log}`);
      }
      return stopped;
    },
  };
}

// Runs SQL directly on a test database (as an intruder or an operator
// would): sqlite3 for sqlite: URLs, psql for postgresql:// ones. Returns
// the output, rows as lines with '|' between columns.
export function dbExec(dbUrl, sql) {
  const r = dbUrl.startsWith('sqlite:')
    ? spawnSync('sqlite3', ['-bail', dbUrl.slice('sqlite:'.length), sql], { encoding: 'utf8' })
    : spawnSync('psql', [dbUrl, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${sql}: ${r.stderr || r.error}`);
  return r.stdout.trim();
}
