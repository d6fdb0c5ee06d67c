// PostgreSQL only: a worker whose connection the server dropped (as after a
// restart) reconnects and answers, instead of failing until nq57 restarts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, onPostgres } from '../lib/server.mjs';

const skip = onPostgres ? false : 'needs PostgreSQL; runs in the PostgreSQL pass';

function terminateConnections(dbUrl) {
  const name = new URL(dbUrl).pathname.slice(1);
  const sql = `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`;
  const r = spawnSync('psql', [process.env.NQ57_TEST_DB, '-qAtc', sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

test('a worker reconnects after its PostgreSQL connection is dropped', { skip }, async () => {
  const srv = await startServer({ args: ['--threads', '1'] });
  try {
    const deep = async () => {
      const res = await fetch(`${srv.url}/api/v1/health?db=1`);
      return { status: res.status, body: await res.json() };
    };
    assert.equal((await deep()).status, 200);
    assert.ok(terminateConnections(srv.db) >= 1, 'the worker had a connection to drop');
    const again = await deep();
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.ok(again.body.schema_version >= 1);
    assert.match(srv.logs(), /GET \/api\/v1\/health 200/);
  } finally {
    await srv.stop();
  }
});
