// Composite indices through the API: definitions kept in versions, a run
// over the programme's approved values for a period and the city's
// phường/xã (scores checked against min-max and means computed here from
// the raw values, with each unit's rank change since the previous
// period), a run over an uploaded table, the input kept for
// reproduction, and the ranking as a workbook.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, runCli } from '../lib/server.mjs';
import { addUser, importUnits, signIn } from '../lib/auth.mjs';
import { readSheet } from '../lib/xlsx.mjs';
import { runIndex } from '../lib/index_runs.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'nq57-indices-'));
const COMMUNES = ['00004', '00008', '00025', '00070'];
const A = { 2024: [10, 20, 30, 40], 2025: [50, 20, 30, 10] };   // higher is better
const B = { 2024: [5, 5, 1, 3], 2025: [2, 8, 4, 6] };           // lower is better
const DEF = {
  code: 'CSDMST-XA', name: 'Chỉ số đổi mới sáng tạo cấp xã',
  nodes: [{ code: 'CS', name: 'Chỉ số' }, { code: 'TC1', name: 'Trụ cột 1', parent: 'CS' },
    { code: 'A', parent: 'TC1', indicator: true, weight: 1 }, { code: 'B', parent: 'TC1', indicator: true, weight: 1, direction: -1 }],
  options: { normalisation: { method: 'minmax', lo: 0, hi: 100 } },
};

let srv, steering, officer;
before(async () => {
  srv = await startServer();
  await importUnits(srv, `code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\nHN-SKHCN,Sở Khoa học và Công nghệ,01,department\n${COMMUNES.map((c) => `${c},Phường ${c},01,commune`).join('\n')}\n`);
  await addUser(srv, 'bcd', { role: 'steering', unit: '01' });
  await addUser(srv, 'can-bo', { role: 'officer', unit: '00004' });
  steering = await signIn(srv, 'bcd');
  officer = await signIn(srv, 'can-bo');
  for (const code of ['A', 'B'])
    assert.equal((await steering.post('/api/v1/indicators', { code, name_vi: `Chỉ tiêu ${code}`, direction: 'up', aggregation: 'sum' })).status, 201);
  const rows = [];
  for (const year of [2024, 2025]) COMMUNES.forEach((c, i) => rows.push(['A', c, year, A[year][i]], ['B', c, year, B[year][i]]));
  writeFileSync(path.join(dir, 'v.csv'), `indicator_code,unit_code,period,value\n${rows.map((r) => r.join(',')).join('\n')}\n`);
  const r = await runCli(['values', 'import', path.join(dir, 'v.csv'), '--approved', '--db', srv.db]);
  assert.equal(r.code, 0, r.stderr);
});
after(async () => { await srv?.stop(); });

// The expected scores, from the raw values.
function expected(year) {
  const mm = (xs, dir) => { const lo = Math.min(...xs), hi = Math.max(...xs); return xs.map((x) => 100 * (dir > 0 ? x - lo : hi - x) / (hi - lo)); };
  const a = mm(A[year], 1), b = mm(B[year], -1);
  const scores = COMMUNES.map((_, i) => (a[i] + b[i]) / 2);
  const ranks = scores.map((s) => 1 + scores.filter((t) => t > s).length);
  return { scores, ranks };
}

test('definitions are kept in versions; bad ones are refused naming the culprit', async () => {
  const v1 = await steering.post('/api/v1/indices', DEF);
  assert.equal(v1.status, 201, v1.text);
  assert.equal(v1.json.version, 1);
  const v2 = await steering.post('/api/v1/indices', { ...DEF, name: 'Chỉ số ĐMST cấp xã (sửa)' });
  assert.equal(v2.json.version, 2);
  const got = (await steering.get(`/api/v1/indices/${DEF.code}`)).json;
  assert.equal(got.version, 2);
  assert.deepEqual(got.versions, [1, 2]);
  assert.equal((await steering.get(`/api/v1/indices/${DEF.code}?version=1`)).json.definition.name, DEF.name);
  const exported = (await steering.get(`/api/v1/indices/${DEF.code}/definition?version=1`)).json;
  assert.deepEqual(exported, DEF, 'exported as uploaded, ready to edit and upload again');
  assert.deepEqual((await steering.get('/api/v1/indices')).json.indices.map((i) => [i.code, i.version]), [[DEF.code, 2]]);
  const bad = await steering.post('/api/v1/indices', { ...DEF, nodes: [...DEF.nodes, { code: 'C', parent: 'KHONG-CO', indicator: true }] });
  assert.equal(bad.status, 422);
  assert.match(bad.json.error.message, /KHONG-CO/);
  const weight = await steering.post('/api/v1/indices', { ...DEF, nodes: DEF.nodes.map((n) => (n.code === 'A' ? { ...n, weight: 'x' } : n)) });
  assert.match(weight.json.error.message, /node 'A'.*weight/);
  assert.equal((await officer.post('/api/v1/indices', DEF)).status, 403);
});

test("a run over the programme's approved values ranks the phường/xã, with the change since the previous year", async () => {
  const r = { json: await runIndex(steering, DEF.code, { period: '2025', kind: 'commune' }) };
  assert.equal(r.json.status, 'done', r.json.error);
  const res = r.json.results;
  assert.equal(r.json.source, 'programme');
  assert.equal(res.previous_period, '2024');
  const now = expected(2025), before = expected(2024);
  assert.equal(res.units.length, 4, 'the department is not a commune');
  for (const u of res.units) {
    const i = COMMUNES.indexOf(u.code);
    assert.ok(Math.abs(u.scores.CS - now.scores[i]) < 1e-9, `${u.code}: ${u.scores.CS} vs ${now.scores[i]}`);
    assert.equal(u.ranks.CS, now.ranks[i]);
    assert.equal(u.previous_ranks.CS, before.ranks[i]);
    assert.equal(u.rank_change.CS, before.ranks[i] - now.ranks[i]);
  }
  assert.deepEqual(res.units.map((u) => u.ranks.CS), [...res.units.map((u) => u.ranks.CS)].sort((x, y) => x - y), 'best first');
  const input = await fetch(`${srv.url}/api/v1/index-runs/${r.json.id}/input`, { headers: { cookie: steering.cookie } });
  const csv = await input.text();
  assert.match(csv, /^unit_code,unit_name,A,B\n/);
  assert.ok(csv.includes('00004,Phường 00004,50,2\n'), csv);
  const x = await steering.get(`/api/v1/index-runs/${r.json.id}?format=xlsx`);
  const sheet = readSheet(x.bytes);
  // a title, the filter and the moment, then the header after STT
  const rows = sheet.rows.slice(3).map((r) => r.slice(1));
  assert.deepEqual(rows[0].slice(0, 4), ['Mã', 'Tên', 'CS (điểm)', 'CS (hạng)']);
  assert.equal(rows.length, 5);
  assert.equal(Number(rows[1][3]), 1);
  assert.deepEqual((await steering.get(`/api/v1/indices/${DEF.code}/runs`)).json.runs.map((x) => x.id), [r.json.id]);
});

test('a run over an uploaded table; a table without an indicator is refused', async () => {
  const table = 'unit_code,unit_name,A,B\nX1,Xã 1,1,9\nX2,Xã 2,5,5\nX3,Xã 3,9,1\n';
  const r = { json: await runIndex(steering, DEF.code, table, { 'content-type': 'text/csv' }) };
  assert.equal(r.json.status, 'done', r.json.error);
  assert.deepEqual(r.json.results.units.map((u) => [u.code, u.scores.CS, u.ranks.CS]), [['X3', 100, 1], ['X2', 50, 2], ['X1', 0, 3]]);
  const bad = await steering.post(`/api/v1/indices/${DEF.code}/runs`, 'unit_code,A\nX1,1\nX2,2\n', { 'content-type': 'text/csv' });
  assert.equal(bad.status, 422);
  assert.match(bad.json.error.message, /indicator 'B' is missing from the data/);
  assert.equal((await steering.post(`/api/v1/indices/${DEF.code}/runs`, { period: '2025', kind: 'university' })).status, 422);
  assert.equal((await steering.post('/api/v1/indices/KHONG-CO/runs', { period: '2025' })).status, 404);
});
