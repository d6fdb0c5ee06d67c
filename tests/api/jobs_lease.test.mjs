// Background jobs with several servers on one database (issue 17, item
// 11): a job is claimed by one server, which holds a lease on it while it
// runs. A second server that starts meanwhile leaves the job alone; when
// the first is killed, the other takes the job once the lease lapsed and
// finishes it once; and many jobs queued through both servers each run
// exactly once. The lease is 3 s here (NQ57_JOB_LEASE) so that a lapse
// takes seconds, not a minute. Runs on SQLite (two servers on one file)
// and on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, dbExec, freshDatabase } from '../lib/server.mjs';
import { addUser, importUnits, signIn } from '../lib/auth.mjs';
import { DEF, TABLE, runIndex } from '../lib/index_runs.mjs';

const LEASE = 3;
// An analysis that takes several seconds even on an idle machine (150,000
// runs finished within the lease on one), so a server can be killed in it.
const LONG = { runs: 600000, seed: 11, spread: 0.3, normalisations: ['minmax', 'zscore', 'rank'], aggregations: ['arith', 'geom'], sensitivity: true };

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
let dir, fresh, run;
const servers = [];

async function serve() {
  const s = await startServer({ db: fresh.url, env: { NQ57_JOB_LEASE: String(LEASE) } });
  servers.push(s);
  return { srv: s, bcd: await signIn(s, 'bcd') };
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'nq57-lease-'));
  fresh = freshDatabase(dir);
  const first = await startServer({ db: fresh.url });
  await importUnits(first, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n');
  await addUser(first, 'bcd', { role: 'steering', unit: '01' });
  const bcd = await signIn(first, 'bcd');
  assert.equal((await bcd.post('/api/v1/indices', DEF)).status, 201);
  run = await runIndex(bcd, DEF.code, TABLE, { 'content-type': 'text/csv' });
  assert.equal(run.status, 'done', run.error);
  await first.stop();
});

after(async () => {
  for (const s of servers) await s.stop('SIGKILL').catch(() => {});
  fresh?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// status|attempts|lease_owner of analysis id, read from the database.
function row(id) {
  const [status, attempts, owner] = dbExec(fresh.url, `SELECT status, attempts, lease_owner FROM index_uncertainty WHERE id = ${id}`).split('|');
  return { status, attempts: Number(attempts), owner };
}
const ownedBy = (r, srv) => r.owner.includes(`:${srv.pid}:`);

async function analyse(client, spec) {
  const r = await client.post(`/api/v1/index-runs/${run.id}/uncertainty`, spec);
  assert.equal(r.status, 202, r.text);
  return r.json.id;
}

// The claims the servers logged, once at least `expected` of them arrived
// through the pipes (or after 3 s).
async function claimsLogged(list, pattern, expected) {
  const count = () => list.reduce((n, s) => n + s.logs().split('\n').filter((l) => pattern.test(l)).length, 0);
  for (let i = 0; i < 30 && count() < expected; i++) await sleep(100);
  await sleep(200);
  return count();
}

async function waitFor(what, check, timeoutMs) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got = await check();
    if (got) return got;
    assert.ok(Date.now() < until, `${what} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

test('a job is left to the server running it, then taken over once after that server is killed', async () => {
  const a = await serve();
  const id = await analyse(a.bcd, LONG);
  await waitFor('the job runs on the first server', () => row(id).status === 'running' && ownedBy(row(id), a.srv), 20000);
  // A second server starting now must not take the job its neighbour runs,
  // not at start and not later while the neighbour renews its lease.
  const b = await serve();
  await sleep((LEASE + 2) * 1000);
  let r = row(id);
  assert.equal(r.status, 'running', 'the first server is still at it');
  assert.ok(ownedBy(r, a.srv), `the job stays with the first server, not ${r.owner}`);
  assert.equal(r.attempts, 1, 'the job was started once');
  await a.srv.stop('SIGKILL');
  const killedAt = Date.now();
  await waitFor('the second server takes the job', () => ownedBy(row(id), b.srv), (LEASE + 10) * 1000);
  assert.ok(Date.now() - killedAt >= (LEASE - 1) * 1000, 'not before the lease lapsed');
  const job = await waitFor('the job finishes', async () => {
    const g = await b.bcd.get(`/api/v1/index-uncertainty/${id}`);
    return g.json.status === 'done' || g.json.status === 'failed' ? g.json : null;
  }, 120000);
  assert.equal(job.status, 'done', job.error);
  assert.equal(job.progress, 100);
  assert.ok(job.result && job.result.units.length === 6, 'the result is there');
  r = row(id);
  assert.equal(r.attempts, 2, 'run by the killed server, then once more by the other');
  assert.ok(ownedBy(r, b.srv));
  assert.equal(await claimsLogged([b.srv], new RegExp(`uncertainty analysis ${id}: claimed`), 1), 1, 'the second server ran it once');
  await b.srv.stop();
});

test('many jobs queued through two servers each run exactly once', async (t) => {
  const a = await serve();
  const b = await serve();
  const ids = [];
  for (let i = 0; i < 24; i++) ids.push(await analyse(i % 2 ? b.bcd : a.bcd, { runs: 50, seed: i }));
  await waitFor('every job finishes', () => {
    const left = dbExec(fresh.url, `SELECT COUNT(*) FROM index_uncertainty WHERE id >= ${ids[0]} AND status IN ('queued', 'running')`);
    return left === '0';
  }, 120000);
  const rows = dbExec(fresh.url, `SELECT id, status, attempts, lease_owner FROM index_uncertainty WHERE id >= ${ids[0]} ORDER BY id`)
    .split('\n').map((l) => l.split('|'));
  assert.deepEqual(rows.map((r) => Number(r[0])), ids);
  for (const [id, status, attempts] of rows) {
    assert.equal(status, 'done', `job ${id}`);
    assert.equal(Number(attempts), 1, `job ${id} ran once`);
  }
  // index runs go through the same leases
  const runs = [];
  for (let i = 0; i < 8; i++) {
    const r = await (i % 2 ? b.bcd : a.bcd).post(`/api/v1/indices/${DEF.code}/runs`, TABLE, { 'content-type': 'text/csv' });
    assert.equal(r.status, 202, r.text);
    runs.push(r.json.id);
    if (i % 2) await waitFor('the runs finish', () => dbExec(fresh.url, `SELECT COUNT(*) FROM index_run WHERE id IN (${runs}) AND status IN ('queued', 'running')`) === '0', 60000);
  }
  assert.equal(dbExec(fresh.url, `SELECT COUNT(*) FROM index_run WHERE id IN (${runs}) AND status = 'done' AND attempts = 1`), String(runs.length),
    'every index run ran once');
  const byA = rows.filter((r) => r[3].includes(`:${a.srv.pid}:`)).length;
  const byB = rows.filter((r) => r[3].includes(`:${b.srv.pid}:`)).length;
  assert.equal(byA + byB, ids.length, 'each job was run by one of the two servers');
  assert.equal(await claimsLogged([a.srv, b.srv], /uncertainty analysis \d+: claimed/, ids.length), ids.length, 'no job was claimed twice');
  t.diagnostic(`jobs run by the first server: ${byA}, by the second: ${byB}`);
  await a.srv.stop();
  await b.srv.stop();
});
