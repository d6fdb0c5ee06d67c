// Index runs are jobs: the request that asks for one checks the table and
// queues it (202), the server's background worker computes it with its
// progress, and meanwhile the server keeps answering. Only the steering
// office and administrators start runs, at most two at a time each; the
// one who started a run may cancel it; a table past the limits is refused
// at once, and one that cannot be computed gives a failed run saying why.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbExec } from '../lib/server.mjs';
import { addUser, importUnits, signIn, client } from '../lib/auth.mjs';
import { waitRun } from '../lib/index_runs.mjs';

const DEF = {
  code: 'JOBS', name: 'Chỉ số thử',
  nodes: [{ code: 'CS' }, { code: 'P1', parent: 'CS' }, { code: 'P2', parent: 'CS' },
    { code: 'A', parent: 'P1', indicator: true }, { code: 'B', parent: 'P1', indicator: true, direction: -1 },
    { code: 'C', parent: 'P2', indicator: true }, { code: 'D', parent: 'P2', indicator: true }],
};
const SMALL = 'unit_code,unit_name,A,B,C,D\nX1,Xã 1,1,9,3,4\nX2,Xã 2,5,5,8,2\nX3,Xã 3,9,1,1,7\n';
const CSV = { 'content-type': 'text/csv' };

// n units with pseudo-random figures (the same every time).
function table(n) {
  let x = 12345;
  const next = () => { x = (x * 16807) % 2147483647; return (x / 21474836.47).toFixed(3); };
  const rows = ['unit_code,unit_name,A,B,C,D'];
  for (let u = 0; u < n; u++) rows.push(`U${String(u).padStart(6, '0')},Đơn vị ${u},${next()},${next()},${next()},${next()}`);
  return `${rows.join('\n')}\n`;
}

let srv, steering, steering2, officer, viewer, steeringId;
before(async () => {
  srv = await startServer();
  await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n00070,Phường Hoàn Kiếm,01,commune\n');
  await addUser(srv, 'bcd', { role: 'steering', unit: '01' });
  await addUser(srv, 'bcd2', { role: 'steering', unit: '01' });
  await addUser(srv, 'hoankiem', { role: 'officer', unit: '00070' });
  await addUser(srv, 'xem', { role: 'viewer', unit: '01' });
  steering = await signIn(srv, 'bcd');
  steering2 = await signIn(srv, 'bcd2');
  officer = await signIn(srv, 'hoankiem');
  viewer = await signIn(srv, 'xem');
  steeringId = (await steering.get('/api/v1/session')).json.person.id;
  assert.equal((await steering.post('/api/v1/indices', DEF)).status, 201);
});
after(async () => { await srv?.stop(); });

test('only the steering office and administrators start runs; everyone signed in reads them', async () => {
  for (const who of [viewer, officer]) {
    const r = await who.post(`/api/v1/indices/${DEF.code}/runs`, SMALL, CSV);
    assert.equal(r.status, 403, r.text);
  }
  assert.equal((await client(srv).post(`/api/v1/indices/${DEF.code}/runs`, SMALL, CSV)).status, 401);
  const r = await steering.post(`/api/v1/indices/${DEF.code}/runs`, SMALL, CSV);
  assert.equal(r.status, 202, r.text);
  assert.ok(['queued', 'running', 'done'].includes(r.json.status));
  assert.equal(r.json.created_by, steeringId);
  const done = await waitRun(viewer, r.json.id);
  assert.equal(done.status, 'done', done.error);
  assert.equal(done.progress, 100);
  assert.ok(done.finished_at);
  assert.deepEqual(done.results.units.map((u) => u.code).sort(), ['X1', 'X2', 'X3']);
  assert.equal((await viewer.post(`/api/v1/index-runs/${r.json.id}/cancel`)).status, 403);
});

test('large runs are computed in the background: the server keeps answering and each run shows its progress', async () => {
  const big = table(30000);
  const started = Date.now();
  // two at once: before, each took an HTTP worker for as long as it computed
  const posts = [steering.post(`/api/v1/indices/${DEF.code}/runs`, big, CSV), steering.post(`/api/v1/indices/${DEF.code}/runs`, big, CSV)];
  const health = [];
  for (let i = 0; i < 10; i++) {
    const t0 = Date.now();
    const h = await fetch(`${srv.url}/api/v1/health`, { signal: AbortSignal.timeout(20000) });
    health.push(Date.now() - t0);
    assert.equal(h.status, 200);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const answers = await Promise.all(posts);
  for (const a of answers) assert.equal(a.status, 202, a.text);
  assert.ok(Math.max(...health) < 2000, `health answered in ${health.join(', ')} ms while two runs were asked for`);
  const seen = new Set();
  for (const a of answers) {
    for (;;) {
      const g = await viewer.get(`/api/v1/index-runs/${a.json.id}`);
      seen.add(`${g.json.status}:${g.json.progress}`);
      assert.ok(g.json.progress >= 0 && g.json.progress <= 100);
      if (g.json.status === 'done') {
        assert.equal(g.json.results.units.length, 30000);
        const ranks = g.json.results.units.map((u) => u.ranks.CS);
        assert.deepEqual(ranks.slice(0, 5), [1, 2, 3, 4, 5], 'best first');
        for (let k = 1; k < ranks.length; k++) assert.ok(ranks[k - 1] <= ranks[k], `ordered by rank at ${k}`);
        break;
      }
      assert.ok(['queued', 'running'].includes(g.json.status), g.text.slice(0, 300));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  assert.ok(seen.has('done:100'));
  assert.ok(Date.now() - started < 120000);
});

test('two runs queued or running per person: the third is refused until one is cancelled', async () => {
  // two runs another server is computing (their lease runs far ahead, so
  // no worker takes them over)
  for (let i = 0; i < 2; i++) {
    dbExec(srv.db, `INSERT INTO index_run (definition_id, source, input, status, progress, created_by, created_at, lease_owner, lease_until) `
      + `SELECT id, 'table', 'x', 'running', 40, ${steeringId}, '2026-01-01T00:00:00Z', 'elsewhere:1:0', 99999999999999 `
      + `FROM index_definition WHERE code = '${DEF.code}'`);
  }
  const runs = (await steering.get(`/api/v1/indices/${DEF.code}/runs`)).json.runs.filter((r) => r.status === 'running');
  assert.equal(runs.length, 2);
  const third = await steering.post(`/api/v1/indices/${DEF.code}/runs`, SMALL, CSV);
  assert.equal(third.status, 429, third.text);
  assert.equal(third.json.error.template, 'you already have %d index runs queued or running; wait for one to finish or cancel one');
  assert.deepEqual(third.json.error.params, ['2']);
  // another person's quota is their own
  const other = await steering2.post(`/api/v1/indices/${DEF.code}/runs`, SMALL, CSV);
  assert.equal(other.status, 202, other.text);
  // only the starter cancels
  assert.equal((await steering2.post(`/api/v1/index-runs/${runs[0].id}/cancel`)).status, 403);
  const c = await steering.post(`/api/v1/index-runs/${runs[0].id}/cancel`);
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.status, 'cancelled');
  assert.equal(c.json.results, null);
  assert.equal((await steering.post(`/api/v1/index-runs/${runs[0].id}/cancel`)).status, 409, 'already finished');
  assert.equal((await steering.post('/api/v1/index-runs/999999/cancel')).status, 404);
  const now = await steering.post(`/api/v1/indices/${DEF.code}/runs`, SMALL, CSV);
  assert.equal(now.status, 202, now.text);
  assert.equal((await waitRun(steering, now.json.id)).status, 'done');
  await steering.post(`/api/v1/index-runs/${runs[1].id}/cancel`);
  assert.equal((await waitRun(steering2, other.json.id)).status, 'done');
});

test('a run cancelled while queued or running keeps no result', async () => {
  const r = await steering.post(`/api/v1/indices/${DEF.code}/runs`, table(20000), CSV);
  assert.equal(r.status, 202, r.text);
  const c = await steering.post(`/api/v1/index-runs/${r.json.id}/cancel`);
  const end = await waitRun(steering, r.json.id);
  if (c.status === 200) {
    assert.equal(end.status, 'cancelled');
    assert.equal(end.results, null);
  } else {
    assert.equal(c.status, 409, c.text);   // the worker was quicker
    assert.equal(end.status, 'done');
  }
});

test('a table past the limits is refused at once, naming the limit; nothing is queued', async () => {
  const before = (await steering.get(`/api/v1/indices/${DEF.code}/runs`)).json.runs.length;
  const rows = await steering.post(`/api/v1/indices/${DEF.code}/runs`, table(50001), CSV);
  assert.equal(rows.status, 413, rows.text.slice(0, 300));
  assert.equal(rows.json.error.template, 'line %d: a table has at most %d units');
  assert.deepEqual(rows.json.error.params, ['50002', '50000']);
  const pad = 'x'.repeat(200);
  const wide = `unit_code,unit_name,A,B,C,D\n${Array.from({ length: 80000 }, (_, u) => `U${u},${pad},1,2,3,4`).join('\n')}\n`;
  assert.ok(wide.length > 16 * 1024 * 1024);
  const bytes = await steering.post(`/api/v1/indices/${DEF.code}/runs`, wide, CSV);
  assert.equal(bytes.status, 413, bytes.text.slice(0, 300));
  assert.match(bytes.json.error.message, /at most 16 MB/);
  const bad = await steering.post(`/api/v1/indices/${DEF.code}/runs`, 'unit_code,A,B,C,D\nX1,1,2,3,4\nX2,0.24x,2,3,4\n', CSV);
  assert.equal(bad.status, 422);
  assert.match(bad.json.error.message, /line 3, column 'A': '0\.24x' is not a number/);
  assert.equal((await steering.get(`/api/v1/indices/${DEF.code}/runs`)).json.runs.length, before);
});

test('a table that cannot be computed gives a failed run with the reason and no result', async () => {
  const r = await steering.post(`/api/v1/indices/${DEF.code}/runs`, 'unit_code,A,B,C,D\nX1,1,2,,4\nX2,3,4,,5\n', CSV);
  assert.equal(r.status, 202, r.text);
  const end = await waitRun(steering, r.json.id);
  assert.equal(end.status, 'failed');
  assert.match(end.error, /'C'/);
  assert.deepEqual(end.error_detail, { template: "indicator '%s': every value is missing", params: ['C'] }, 'to be said in the reader\'s language');
  assert.equal(end.results, null);
  assert.ok(end.finished_at);
});
