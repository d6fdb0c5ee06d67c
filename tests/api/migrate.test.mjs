// Migrations: applied once, idempotent, and the same tables and columns on
// SQLite and PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, freshDatabase, onPostgres } from '../lib/server.mjs';

async function migrate(url) {
  const r = await runCli(['migrate', '--db', url]);
  assert.equal(r.code, 0, r.stderr);
  const m = r.stdout.match(/at schema version (\d+) of (\d+); (\d+) migrations? applied/);
  assert.ok(m, r.stdout);
  return { version: Number(m[1]), latest: Number(m[2]), applied: Number(m[3]) };
}

async function schema(url) {
  const r = await runCli(['schema', '--db', url]);
  assert.equal(r.code, 0, r.stderr);
  const tables = JSON.parse(r.stdout);
  for (const t of Object.keys(tables)) tables[t] = [...tables[t]].sort();
  return tables;
}

test('migrate applies every migration once, then nothing', async () => {
  const d = mkdtempSync(path.join(tmpdir(), 'nq57-mig-'));
  const db = freshDatabase(d);
  try {
    const first = await migrate(db.url);
    assert.ok(first.applied >= 1);
    assert.equal(first.version, first.latest);
    const second = await migrate(db.url);
    assert.equal(second.applied, 0);
    assert.equal(second.version, first.version);
    const status = await runCli(['migrate', '--db', db.url, '--status']);
    assert.match(status.stdout, new RegExp(`schema version ${first.version} of ${first.latest}; 0 migrations applied`));
    const tables = await schema(db.url);
    assert.deepEqual(tables.schema_version, ['applied_at', 'name', 'version']);
  } finally {
    db.drop();
    rmSync(d, { recursive: true, force: true });
  }
});

test('SQLite and PostgreSQL end with the same tables and columns', { skip: !onPostgres && 'needs PostgreSQL; runs in the PostgreSQL pass' }, async () => {
  const d = mkdtempSync(path.join(tmpdir(), 'nq57-mig-'));
  const pg = freshDatabase(d);
  const lite = `sqlite:${path.join(d, 'lite.db')}`;
  try {
    const a = await migrate(lite);
    const b = await migrate(pg.url);
    assert.equal(a.version, b.version, 'both dialects have the same number of migrations');
    const sl = await schema(lite);
    const pq = await schema(pg.url);
    assert.ok(Object.keys(sl).length >= 2);
    assert.deepEqual(Object.keys(sl).sort(), Object.keys(pq).sort(), 'tables');
    assert.deepEqual(sl, pq, 'columns');
  } finally {
    pg.drop();
    rmSync(d, { recursive: true, force: true });
  }
});
