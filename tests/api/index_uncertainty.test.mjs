// Uncertainty and sensitivity analyses of an index run, as background
// jobs: the steering office starts one on a run over an uploaded table and
// follows its progress until the rank intervals are there; the intervals
// hold the nominal rank's place, collapse onto it when nothing varies, and
// come out the same from the same seed. A bad spec is refused naming its
// field and nothing is queued; a viewer may read but not start one; a run
// whose stored input no longer computes makes a failed job with no result;
// a job under way when the server stops goes back to the queue. The
// command line gives the same analysis without a server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DEF, TABLE, runIndex } from '../lib/index_runs.mjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, dbExec, freshDatabase, runCli } from '../lib/server.mjs';
import { addUser, importUnits, signIn, client } from '../lib/auth.mjs';
import { readSheet } from '../lib/xlsx.mjs';


let srv, steering, viewer, run;
before(async () => {
  srv = await startServer();
  await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n00004,Phường Ba Đình,01,commune\n');
  await addUser(srv, 'bcd', { role: 'steering', unit: '01' });
  await addUser(srv, 'xem', { role: 'viewer', unit: '01' });
  steering = await signIn(srv, 'bcd');
  viewer = await signIn(srv, 'xem');
  assert.equal((await steering.post('/api/v1/indices', DEF)).status, 201);
  run = await runIndex(steering, DEF.code, TABLE, { 'content-type': 'text/csv' });
  assert.equal(run.status, 'done', run.error);
});
after(async () => { await srv?.stop(); });

// Starts an analysis of run id and waits until it is done or failed;
// returns the job with the progress seen along the way.
async function analyse(spec, id = run.id) {
  const r = await steering.post(`/api/v1/index-runs/${id}/uncertainty`, spec);
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.status, 'queued');
  assert.equal(r.json.run_id, id);
  const seen = [];
  const until = Date.now() + 60000;
  for (;;) {
    const g = await steering.get(`/api/v1/index-uncertainty/${r.json.id}`);
    assert.equal(g.status, 200, g.text);
    seen.push(g.json.progress);
    if (g.json.status === 'done' || g.json.status === 'failed') return { job: g.json, seen };
    assert.ok(Date.now() < until, `job ${r.json.id} still ${g.json.status} at ${g.json.progress} %`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

const jobCount = async () => (await steering.get(`/api/v1/index-runs/${run.id}/uncertainty`)).json.jobs.length;

test('an analysis runs in the background with progress and gives rank intervals around the nominal ranks', async () => {
  const spec = { seed: 7, runs: 400, spread: 0.3, normalisations: ['minmax', 'zscore'], aggregations: ['arithmetic', 'geometric'], sensitivity: true };
  const { job, seen } = await analyse(spec);
  assert.equal(job.status, 'done', job.error);
  assert.equal(job.progress, 100);
  assert.ok(job.finished_at);
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'progress only moves forward');
  assert.equal(job.code, DEF.code);
  assert.equal(job.version, run.version);
  assert.deepEqual(job.spec, { ...spec, imputations: [] });
  const res = job.result;
  assert.equal(res.aggregate, 'CS');
  assert.equal(res.runs, 400);
  assert.equal(res.samples, 800, 'with a sensitivity analysis the A and B samples count');
  const n = run.results.units.length;
  assert.equal(res.units.length, n);
  const nominal = Object.fromEntries(run.results.units.map((u) => [u.code, u.ranks.CS]));
  for (const u of res.units) {
    assert.equal(u.nominal, nominal[u.code], `${u.code}: the run's rank`);
    assert.ok(u.p05 >= 1 && u.p05 <= u.median && u.median <= u.p95 && u.p95 <= n, `${u.code}: ${u.p05} ${u.median} ${u.p95}`);
    assert.equal(typeof u.name, 'string');
  }
  assert.deepEqual(res.units.map((u) => u.nominal), [...res.units.map((u) => u.nominal)].sort((a, b) => a - b), 'by nominal rank');
  assert.ok(res.units.some((u) => u.p95 > u.p05), 'varying the assumptions moves some ranks');
  assert.ok(res.mean_shift > 0);
  assert.deepEqual(res.sensitivity.map((s) => s.factor), ['weights', 'normalisation', 'aggregation']);
  for (const s of res.sensitivity) {
    assert.ok(Number.isFinite(s.si) && Number.isFinite(s.sti), JSON.stringify(s));
    assert.ok(s.sti >= 0 && s.sti < 2 && s.si < 2, JSON.stringify(s));
  }
  // the table as a workbook
  const x = await steering.get(`/api/v1/index-uncertainty/${job.id}?format=xlsx`);
  assert.equal(x.status, 200);
  const sheet = readSheet(x.bytes);
  // a title, the filter and the moment, then the header after STT
  const rows = sheet.rows.slice(3).map((r) => r.slice(1));
  assert.deepEqual(rows[0], ['Mã', 'Tên', 'Hạng danh nghĩa', 'Hạng trung vị', 'Hạng phân vị 5 %', 'Hạng phân vị 95 %']);
  assert.equal(rows.length, n + 1);
  assert.equal(rows[1][0], res.units[0].code);
  // listed under its run, newest first, without the result
  const list = (await steering.get(`/api/v1/index-runs/${run.id}/uncertainty`)).json.jobs;
  assert.equal(list[0].id, job.id);
  assert.equal(list[0].result, undefined);
});

test('with no spread and nothing varied every interval collapses onto the nominal rank', async () => {
  const { job } = await analyse({ spread: 0, runs: 50 });
  assert.equal(job.status, 'done', job.error);
  assert.equal(job.result.sensitivity, null);
  assert.equal(job.result.mean_shift, 0);
  for (const u of job.result.units)
    assert.deepEqual([u.p05, u.median, u.p95], [u.nominal, u.nominal, u.nominal], u.code);
});

test('the same seed gives the same result; another seed draws other runs', async () => {
  const spec = { runs: 300, spread: 0.5, aggregations: ['arith', 'geom'] };
  const a = await analyse({ ...spec, seed: 42 }), b = await analyse({ ...spec, seed: 42 }), c = await analyse({ ...spec, seed: 43 });
  for (const r of [a, b, c]) assert.equal(r.job.status, 'done', r.job.error);
  assert.deepEqual(a.job.spec.aggregations, ['arithmetic', 'geometric'], 'names kept in full');
  assert.deepEqual(b.job.result, a.job.result);
  assert.equal(c.job.result.seed, 43);
  assert.deepEqual(c.job.result.units.map((u) => u.nominal), a.job.result.units.map((u) => u.nominal));
  assert.notDeepEqual(c.job.result.units.map((u) => u.mean), a.job.result.units.map((u) => u.mean));
});

test('a bad spec is refused naming its field, and nothing is queued', async () => {
  const before = await jobCount();
  const cases = [
    [{ runs: 0 }, /'runs'.*1 to 1000000/],
    [{ runs: 2000000 }, /'runs'/],
    [{ runs: 10.5 }, /'runs'/],
    [{ spread: 1.5 }, /'spread'.*0 to 1/],
    [{ spread: 'nhiều' }, /'spread'/],
    [{ seed: -1 }, /'seed'/],
    [{ normalisations: ['minmax', 'khong-co'] }, /'normalisations': 'khong-co' is not a method/],
    [{ normalisations: ['zscore', 'zscore'] }, /'normalisations': 'zscore' is given twice/],
    [{ aggregations: 'geometric' }, /'aggregations' must be a list/],
    [{ imputations: ['group_mean'] }, /'imputations': group_mean needs a group_column/],
    [{ sensitivity: true, spread: 0 }, /'sensitivity': nothing varies/],
    [{ sensitivity: 'yes' }, /'sensitivity'/],
    [{ run: 100 }, /'run' is not a field/],
  ];
  for (const [spec, message] of cases) {
    const r = await steering.post(`/api/v1/index-runs/${run.id}/uncertainty`, spec);
    assert.equal(r.status, 422, `${JSON.stringify(spec)}: ${r.text}`);
    assert.equal(r.json.error.code, 'invalid');
    assert.match(r.json.error.message, message, JSON.stringify(spec));
  }
  const malformed = await steering.post(`/api/v1/index-runs/${run.id}/uncertainty`, '{"runs": ', { 'content-type': 'application/json' });
  assert.equal(malformed.status, 400);
  assert.equal(await jobCount(), before);
});

test('a viewer reads analyses but cannot start one; unknown runs and analyses are 404', async () => {
  const { job } = await analyse({ runs: 20 });
  const v = await viewer.post(`/api/v1/index-runs/${run.id}/uncertainty`, { runs: 20 });
  assert.equal(v.status, 403, v.text);
  const got = await viewer.get(`/api/v1/index-uncertainty/${job.id}`);
  assert.equal(got.status, 200);
  assert.equal(got.json.result.units.length, run.results.units.length);
  assert.equal((await client(srv).get(`/api/v1/index-uncertainty/${job.id}`)).status, 401);
  assert.equal((await steering.post('/api/v1/index-runs/999999/uncertainty', { runs: 20 })).status, 404);
  assert.equal((await steering.get('/api/v1/index-runs/999999/uncertainty')).status, 404);
  assert.equal((await steering.get('/api/v1/index-uncertainty/999999')).status, 404);
});

test('a run whose input no longer computes gives a failed job with the reason and no result', async () => {
  const r = { json: await runIndex(steering, DEF.code, TABLE, { 'content-type': 'text/csv' }) };
  dbExec(srv.db, `UPDATE index_run SET input = 'unit_code,A,B\nX1,1,2\nX2,3,4\n' WHERE id = ${r.json.id}`);
  const { job } = await analyse({ runs: 20 }, r.json.id);
  assert.equal(job.status, 'failed');
  assert.match(job.error, /indicator 'C' is missing/);
  assert.equal(job.result, null);
  assert.ok(job.finished_at);
  const x = await steering.get(`/api/v1/index-uncertainty/${job.id}?format=xlsx`);
  assert.equal(x.status, 409);
});

test('nq57 index uncertainty prints the analysis, the same for the same options', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nq57-unc-cli-'));
  try {
    writeFileSync(path.join(dir, 'def.json'), JSON.stringify(DEF));
    writeFileSync(path.join(dir, 'data.csv'), TABLE);
    const args = ['index', 'uncertainty', path.join(dir, 'def.json'), path.join(dir, 'data.csv'), '--runs', '200', '--seed', '3',
      '--spread', '0.3', '--norms', 'minmax,zscore', '--aggs', 'arith,geom', '--sensitivity'];
    const a = await runCli(args), b = await runCli(args);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, b.stdout);
    const out = JSON.parse(a.stdout);
    assert.deepEqual(out.spec, { seed: 3, runs: 200, spread: 0.3, normalisations: ['minmax', 'zscore'], aggregations: ['arithmetic', 'geometric'],
      imputations: [], sensitivity: true });
    assert.deepEqual(out.units.map((u) => [u.code, u.nominal]), run.results.units.map((u) => [u.code, u.ranks.CS]));
    assert.deepEqual(out.sensitivity.map((x) => x.factor), ['weights', 'normalisation', 'aggregation']);
    const bad = await runCli([...args.slice(0, 4), '--spread', '3']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /'spread' must be a number from 0 to 1/);
    const notRun = await runCli(['index', 'run', path.join(dir, 'def.json'), path.join(dir, 'data.csv'), '--runs', '5']);
    assert.match(notRun.stderr, /--runs is an option of nq57 index uncertainty/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// On a server of its own: a unit, a steering officer signed in, the index
// and one run of it.
async function indexOn(own) {
  await importUnits(own, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n');
  await addUser(own, 'bcd', { role: 'steering', unit: '01' });
  const s = await signIn(own, 'bcd');
  assert.equal((await s.post('/api/v1/indices', DEF)).status, 201);
  const r = await runIndex(s, DEF.code, TABLE, { 'content-type': 'text/csv' });
  return { s, runId: r.id };
}

test('a job under way when the server stops goes back to the queue, with no result', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nq57-unc-stop-'));
  const fresh = freshDatabase(dir);
  const own = await startServer({ db: fresh.url });
  try {
    const { s, runId } = await indexOn(own);
    const j = await s.post(`/api/v1/index-runs/${runId}/uncertainty`, { runs: 300000, spread: 0.3, normalisations: ['minmax', 'zscore', 'rank'],
      aggregations: ['arith', 'geom'], sensitivity: true });
    assert.equal(j.status, 202, j.text);
    for (let k = 0; ; k++) {
      const g = await s.get(`/api/v1/index-uncertainty/${j.json.id}`);
      if (g.json.status === 'running' && g.json.progress >= 1) break;   // drawing the runs is over: they are under way
      assert.ok(g.json.status === 'queued' || g.json.status === 'running', g.json.status);
      assert.ok(k < 1200, 'the job starts');
      await new Promise((ok) => setTimeout(ok, 50));
    }
    const started = Date.now();
    await own.stop();
    assert.ok(Date.now() - started < 5000, `the server does not wait for the whole analysis: ${Date.now() - started} ms\n${own.logs()}`);
    const row = dbExec(fresh.url, `SELECT status, progress, result IS NULL FROM index_uncertainty WHERE id = ${j.json.id}`);
    assert.match(row, /^queued\|0\|(1|t)$/);
  } finally {
    await own.stop();
    fresh.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a job a crashed server left running is run again when the server starts', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nq57-unc-crash-'));
  const fresh = freshDatabase(dir);
  let own = await startServer({ db: fresh.url });
  try {
    let { s, runId } = await indexOn(own);
    const j = await s.post(`/api/v1/index-runs/${runId}/uncertainty`, { runs: 200, seed: 3 });
    assert.equal(j.status, 202, j.text);
    const doneJob = async () => {
      for (let k = 0; ; k++) {
        const g = await s.get(`/api/v1/index-uncertainty/${j.json.id}`);
        if (g.json.status === 'done') return g.json;
        assert.ok(g.json.status !== 'failed' && k < 600, JSON.stringify(g.json));
        await new Promise((ok) => setTimeout(ok, 100));
      }
    };
    const first = await doneJob();
    await own.stop('SIGKILL');
    // What a crash in the middle of the job leaves behind.
    dbExec(fresh.url, `UPDATE index_uncertainty SET status = 'running', progress = 40, result = NULL, finished_at = NULL WHERE id = ${j.json.id}`);
    own = await startServer({ db: fresh.url });
    s = await signIn(own, 'bcd');
    const again = await doneJob();
    assert.deepEqual(again.result, first.result, 'the same seed gives the same result the second time');
  } finally {
    await own.stop();
    fresh.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
