// Bad configuration ends with one line on stderr and a non-zero exit; the
// commands and their --help.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, startServer, buildDir, sanitizerReports } from '../lib/server.mjs';

const web = path.join(buildDir, 'web');

async function failsWithOneLine(args, pattern, env = {}) {
  const r = await runCli(args, { env });
  assert.notEqual(r.code, 0, `exit code of nq57 ${args.join(' ')}`);
  assert.equal(r.signal, null, 'not killed by a signal');
  assert.deepEqual(sanitizerReports(r.stderr), []);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got:\n${r.stderr}`);
  assert.match(lines[0], /^nq57: error: /);
  assert.match(lines[0], pattern);
  return lines[0];
}

function tmp() { return mkdtempSync(path.join(tmpdir(), 'nq57-cfg-')); }

test('an unknown database URL scheme', async () => {
  const d = tmp();
  await failsWithOneLine(['serve', '--db', 'mysql://x/y', '--data-dir', d, '--web-dir', web], /scheme 'mysql' is not supported/);
  await failsWithOneLine(['migrate', '--db', 'nq57.db'], /not supported/);
  rmSync(d, { recursive: true });
});

test('an unreachable PostgreSQL server', async () => {
  const d = tmp();
  const line = await failsWithOneLine(['serve', '--db', 'postgresql://nq57:secret-pw@127.0.0.1:1/nq57', '--data-dir', d, '--web-dir', web, '--listen', '127.0.0.1:0'], /PostgreSQL/);
  assert.doesNotMatch(line, /secret-pw/, 'no password in messages');
  rmSync(d, { recursive: true });
});

test('a port already in use', async () => {
  const srv = await startServer();
  const d = tmp();
  try {
    await failsWithOneLine(['serve', '--db', `sqlite:${d}/x.db`, '--data-dir', d, '--web-dir', web, '--listen', `127.0.0.1:${srv.port}`], new RegExp(`127\\.0\\.0\\.1:${srv.port} is already in use`));
  } finally {
    await srv.stop();
    rmSync(d, { recursive: true });
  }
});

test('a data directory that cannot be written', async () => {
  const d = tmp();
  writeFileSync(path.join(d, 'afile'), 'x');
  await failsWithOneLine(['serve', '--db', `sqlite:${d}/x.db`, '--data-dir', path.join(d, 'afile', 'data'), '--web-dir', web], /data directory .* cannot be created/);
  rmSync(d, { recursive: true });
});

test('bad listen addresses, sizes, thread counts and options', async () => {
  const d = tmp();
  const base = ['serve', '--db', `sqlite:${d}/x.db`, '--data-dir', d, '--web-dir', web];
  await failsWithOneLine([...base, '--listen', '127.0.0.1'], /HOST:PORT/);
  await failsWithOneLine([...base, '--listen', '127.0.0.1:70000'], /port/);
  await failsWithOneLine([...base, '--listen', 'example.org:80'], /numeric IP/);
  await failsWithOneLine([...base, '--max-body', '-5'], /size/);
  await failsWithOneLine([...base, '--threads', 'many'], /threads/);
  await failsWithOneLine([...base, '--frobnicate', '1'], /unknown option --frobnicate/);
  await failsWithOneLine([...base, '--web-dir', d], /no index\.html/);
  await failsWithOneLine(['serve', '--data-dir', d, '--web-dir', web, '--db', `sqlite:${d}/x.db`], /NQ57_THREADS/, { NQ57_THREADS: '0' });
  await failsWithOneLine(['serve', '--data-dir', d, '--web-dir', web, '--db', `sqlite:${d}/x.db`, '--log', 'loud'], /log level/);
  rmSync(d, { recursive: true });
});

test('configuration comes from the environment too', async () => {
  const d = tmp();
  const r = await runCli(['serve', '--web-dir', web, '--data-dir', d], { env: { NQ57_DB: 'oracle://x' } });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /scheme 'oracle'/);
  rmSync(d, { recursive: true });
});

test('every command has --help, and unknown commands are refused', async () => {
  for (const cmd of ['serve', 'migrate', 'schema', 'version']) {
    const r = await runCli([cmd, '--help']);
    assert.equal(r.code, 0, cmd);
    assert.match(r.stdout, new RegExp(`^usage: nq57 ${cmd}`), cmd);
  }
  const all = await runCli(['--help']);
  assert.equal(all.code, 0);
  for (const cmd of ['serve', 'migrate', 'schema', 'version']) assert.match(all.stdout, new RegExp(`\\n  ${cmd} `));
  const bad = await runCli(['frobnicate']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown command 'frobnicate'/);
  const v = await runCli(['version']);
  assert.match(v.stdout, /^nq57 \d+\.\d+\.\d+\n$/);
});
