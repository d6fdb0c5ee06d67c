// The soak's short pass (bench/soak.sh, issue 17): 20 seconds of mixed
// reads and saves at 64 connections with the server killed (and, on
// PostgreSQL, the database restarted) half-way; no acknowledged save is
// lost and the audit chain verifies. The full soak is 10 minutes at 256
// connections on each database (docs/benchmarks.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDir, onPostgres } from '../lib/server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('a short soak with a server killed half-way loses no acknowledged write and keeps the audit chain', async (t) => {
  const env = { ...process.env, BUILD: buildDir, SOAK_SECONDS: '20', CONNECTIONS: '64', SOAK_DB: onPostgres ? 'postgresql' : 'sqlite' };
  const { code, out } = await new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(root, 'bench', 'soak.sh')], { env });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => { child.kill('SIGTERM'); reject(new Error(`the soak did not end:\n${out}`)); }, 180000);
    child.on('error', reject);
    child.on('close', (c) => { clearTimeout(timer); resolve({ code: c, out }); });
  });
  t.diagnostic(out.split('\n').filter((l) => /^(total|writes|audit|rss end)/.test(l)).join(' | '));
  assert.equal(code, 0, out);
  const acked = Number(/writes acknowledged: (\d+), lost: (\d+)/.exec(out)?.[1]);
  assert.ok(acked > 0, 'saves were acknowledged');
  assert.match(out, /writes acknowledged: \d+, lost: 0\n/);
  assert.match(out, /audit chain: verified/);
  assert.match(out, /fault: nq57 .* killed/);
  if (onPostgres) assert.match(out, /PostgreSQL restarts/);
});
