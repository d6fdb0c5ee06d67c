// Reporting completeness on the demo data. One ward's approval for a new
// quarter (Phường Hoàn Kiếm's 5G coverage for 2026Q3) must not become the
// city's headline: the tile stays on the last complete quarter and shows
// the new one as partial, "1 of 34 communes"; the overview's period does
// not jump; when enough communes are approved (the indicator's threshold)
// the headline moves. The reporting-rate view agrees with a count by plain
// SQL, and the threshold is set only by those who define indicators.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDemoServer } from '../lib/demo.mjs';
import { client, signIn } from '../lib/auth.mjs';
import { dbExec, runCli } from '../lib/server.mjs';
import { readSheet } from '../lib/xlsx.mjs';

let srv, bcd, quantri, syt, hoankiem, xem, anonymous, fiveG;
const dir = mkdtempSync(path.join(tmpdir(), 'nq57-complete-'));
const sql = (q) => dbExec(srv.db, q);
const tile = (page, code) => page.indicators.find((t) => t.code === code);
const communes = () => sql("SELECT code FROM unit WHERE kind = 'commune' AND active = 1 ORDER BY code").split('\n');

// The counts of the reporting-rate view, by plain SQL over the communes
// (the kind that reports 5G coverage) under unit `under`.
function countBySql(period, under = '01') {
  const path = sql(`SELECT path FROM unit WHERE code = '${under}'`);
  const base = `FROM unit u JOIN indicator_value v ON v.unit_id = u.id AND v.indicator_id = ${fiveG.indicator_id} AND v.period = '${period}'
    WHERE u.kind = 'commune' AND u.active = 1 AND u.path LIKE '${path}%'`;
  return {
    expected: Number(sql(`SELECT COUNT(*) FROM unit u WHERE u.kind = 'commune' AND u.active = 1 AND u.path LIKE '${path}%'`)),
    reported: Number(sql(`SELECT COUNT(*) ${base} AND v.status IN ('submitted', 'approved')`)),
    approved: Number(sql(`SELECT COUNT(*) ${base} AND v.status = 'approved'`)),
    on_time: Number(sql(`SELECT COUNT(*) ${base} AND v.status IN ('submitted', 'approved') AND v.late = 0`)),
  };
}

async function approveQ3(login, unitCode, value) {
  const who = login === 'hoankiem' ? hoankiem : await signIn(srv, login);
  const saved = await who.put('/api/v1/values', { indicator_code: '5G-PHU', unit_code: unitCode, period: '2026Q3', value });
  assert.equal(saved.status, 200, saved.text);
  assert.equal((await who.post(`/api/v1/values/${saved.json.id}/submit`)).status, 200);
  const ok = await bcd.post(`/api/v1/values/${saved.json.id}/approve`);
  assert.equal(ok.status, 200, ok.text);
}

before(async () => {
  srv = await startDemoServer();
  [bcd, quantri, syt, hoankiem, xem] = await Promise.all(['bcd', 'quantri', 'syt', 'hoankiem', 'xem'].map((l) => signIn(srv, l)));
  anonymous = client(srv);
  fiveG = tile((await bcd.get('/api/v1/dashboard')).json, '5G-PHU');
});
after(async () => {
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('before: the city tile is the complete 2026Q2 figure from all 34 communes', async () => {
  const o = (await bcd.get('/api/v1/dashboard')).json;
  assert.equal(o.period, '2026Q2');
  const t = tile(o, '5G-PHU');
  assert.equal(communes().length, 34);
  assert.deepEqual([t.period, t.reporters, t.approved, t.expected, t.partial], ['2026Q2', 34, 34, 34, null]);
});

test("Hoàn Kiếm's approval for 2026Q3 leaves the city headline on 2026Q2 and shows 1/34 as partial", async () => {
  const before = tile((await bcd.get('/api/v1/dashboard')).json, '5G-PHU');
  await approveQ3('hoankiem', '00070', 91.5);
  const o = (await bcd.get('/api/v1/dashboard')).json;
  assert.equal(o.period, '2026Q2', "the overview's period does not jump to the quarter one ward reported");
  assert.equal(o.period_in_progress, '2026Q3');
  const t = tile(o, '5G-PHU');
  assert.equal(t.period, '2026Q2');
  assert.equal(t.actual, before.actual, 'the headline is unchanged');
  assert.deepEqual(t.partial, { period: '2026Q3', value: 91.5, reporters: 1, approved: 1, expected: 34 });
  // the indicator page: the same tile, the series marks 2026Q3 partial,
  // and the breakdown by unit uses one period and says which
  const page = (await bcd.get(`/api/v1/dashboard/indicators/${fiveG.indicator_id}`)).json;
  assert.deepEqual([page.tile.period, page.tile.partial.approved], ['2026Q2', 1]);
  const q3 = page.series.find((s) => s.period === '2026Q3');
  assert.deepEqual([q3.value, q3.complete, q3.approved, q3.expected], [91.5, false, 1, 34]);
  assert.equal(page.series.find((s) => s.period === '2026Q2').complete, true);
  assert.equal(page.map.period, '2026Q2');
  const hk = page.breakdown.find((b) => b.code === '00070');
  assert.equal(hk.latest, hk.values[page.series.findIndex((s) => s.period === '2026Q2')], "Hoàn Kiếm's bar is its 2026Q2 value");
  // the forecast is fitted on complete quarters only: it starts after 2026Q2
  if (page.forecast.points.length) assert.equal(page.forecast.points[0].period, '2026Q3');
  // the ward's own scorecard: complete at its own level
  const hkId = sql("SELECT id FROM unit WHERE code = '00070'");
  const card = (await hoankiem.get(`/api/v1/dashboard/units/${hkId}`)).json;
  const own = tile(card, '5G-PHU');
  assert.deepEqual([own.period, own.actual, own.approved, own.expected], ['2026Q3', 91.5, 1, 1]);
  // the Excel export of the overview carries reporters, expected and the partial period
  const x = await bcd.get('/api/v1/dashboard?format=xlsx');
  assert.equal(x.status, 200);
  const rows = readSheet(x.bytes).rows.slice(3);
  const head = rows[0], at = (title) => head.indexOf(title);
  const row = rows.find((r) => r[at('Mã')] === '5G-PHU');
  assert.deepEqual([row[at('Số đơn vị có số liệu')], row[at('Số đơn vị phải báo cáo')], row[at('Kỳ đang tổng hợp – Số đơn vị đã được duyệt')]],
    ['34', '34', '1'], `headers: ${head}`);
  // an asked-for period shows what is known of it, marked partial
  const asked = tile((await bcd.get('/api/v1/dashboard?period=2026Q3')).json, '5G-PHU');
  assert.deepEqual([asked.period, asked.partial.period, asked.partial.expected], ['2026Q2', '2026Q3', 34]);
});

test('the raw roll-up says how many of the expected reporters are in each figure', async () => {
  const r = await bcd.get('/api/v1/rollup?indicator=5G-PHU&periods=2026Q2,2026Q3');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.values.map((v) => [v.period, v.reporters, v.expected, v.complete]),
    [['2026Q2', 34, 34, true], ['2026Q3', 1, 34, false]]);
});

test('the reporting-rate view agrees with a count by plain SQL', async () => {
  // another ward submits on time without approval: reported, not approved
  // (Hoàn Kiếm's value came after the deadline: late)
  const ba = sql("SELECT code FROM unit WHERE kind = 'commune' AND code <> '00070' ORDER BY code LIMIT 1");
  const id = sql(`SELECT v.id FROM indicator_value v JOIN unit u ON u.id = v.unit_id WHERE u.code = '${ba}' AND v.period = '2026Q3' AND v.indicator_id = ${fiveG.indicator_id}`);
  sql(`UPDATE indicator_value SET status = 'submitted', late = 0 WHERE id = ${id}`);
  for (const period of ['2026Q2', '2026Q3']) {
    const r = await bcd.get(`/api/v1/completeness?indicator=5G-PHU&period=${period}`);
    assert.equal(r.status, 200, r.text);
    const want = countBySql(period);
    const { expected, reported, approved, on_time } = r.json.total;
    assert.deepEqual({ expected, reported, approved, on_time }, want, period);
    assert.equal(r.json.label_vi, period === '2026Q3' ? 'Quý III/2026' : 'Quý II/2026');
    const sum = (k) => r.json.children.reduce((a, c) => a + c[k], 0);
    assert.deepEqual([sum('expected'), sum('reported'), sum('approved')], [want.expected, want.reported, want.approved]);
  }
  const q3 = (await bcd.get('/api/v1/completeness?indicator=5G-PHU&period=2026Q3')).json;
  assert.deepEqual([q3.total.reported, q3.total.approved, q3.total.on_time], [2, 1, 1]);
  assert.equal(q3.missing.length, 32);
  assert.ok(!q3.missing.some((u) => u.code === '00070' || u.code === ba));
  assert.ok(Math.abs(q3.total.rate - 200 / 34) < 1e-9);
  // a commune's own subtree; a department expects nobody
  const hkId = sql("SELECT id FROM unit WHERE code = '00070'");
  const own = (await hoankiem.get(`/api/v1/completeness?indicator=5G-PHU&period=2026Q3&unit_id=${hkId}`)).json;
  assert.deepEqual([own.total.expected, own.total.approved], [1, 1]);
  // who may read it: signed-in people; not anonymous; bad questions named
  assert.equal((await anonymous.get('/api/v1/completeness?indicator=5G-PHU&period=2026Q3')).status, 401);
  assert.equal((await xem.get('/api/v1/completeness?indicator=5G-PHU')).json.period, '2026Q3', 'the latest approved period by default');
  const bad = await bcd.get('/api/v1/completeness?indicator=5G-PHU&period=2026Q9');
  assert.equal(bad.status, 422);
  assert.equal((await bcd.get('/api/v1/completeness?indicator=KHONG-CO')).status, 404);
  sql(`UPDATE indicator_value SET status = 'draft', late = 0 WHERE id = ${id}`);
});

test('the threshold: 90 % of the communes approved moves the headline to 2026Q3', async () => {
  const put = (who, body) => who.put(`/api/v1/indicators/${fiveG.indicator_id}/reporting`, body);
  const stored = () => sql(`SELECT completeness_threshold || '|' || COALESCE(report_kinds, '-') FROM indicator WHERE id = ${fiveG.indicator_id}`);
  const was = stored();
  // authorisation: only steering and administrators; nothing changes on refusal
  for (const [who, status] of [[syt, 403], [hoankiem, 403], [xem, 403], [anonymous, 401]]) {
    assert.equal((await put(who, { completeness_threshold: 50 })).status, status);
    assert.equal(stored(), was);
  }
  const bad = await put(bcd, { completeness_threshold: 0 });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.template, "'completeness_threshold' is a percentage above 0 and at most 100");
  assert.equal(stored(), was);
  let r = await put(quantri, { completeness_threshold: 95 });
  assert.equal(r.status, 200, r.text);
  r = await put(bcd, { completeness_threshold: 90 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.completeness_threshold, 90);
  assert.equal(r.json.report_kinds, null, 'the reporting kinds are left as they were');
  // approve 30 of 34 (88 %) by an import: still partial
  const rest = communes().filter((c) => c !== '00070');
  const file = path.join(dir, 'q3.csv');
  writeFileSync(file, `indicator_code,unit_code,period,value\n${rest.slice(0, 29).map((c, i) => `5G-PHU,${c},2026Q3,${80 + (i % 10)}`).join('\n')}\n`);
  let cli = await runCli(['values', 'import', file, '--approved', '--db', srv.db]);
  assert.equal(cli.code, 0, cli.stderr);
  let t = tile((await bcd.get('/api/v1/dashboard')).json, '5G-PHU');
  assert.deepEqual([t.period, t.partial?.approved, t.partial?.expected], ['2026Q2', 30, 34]);
  // the 31st (91 %): the headline moves, from 31 of 34
  writeFileSync(file, `indicator_code,unit_code,period,value\n5G-PHU,${rest[29]},2026Q3,90\n`);
  cli = await runCli(['values', 'import', file, '--approved', '--db', srv.db]);
  assert.equal(cli.code, 0, cli.stderr);
  const o = (await bcd.get('/api/v1/dashboard')).json;
  t = tile(o, '5G-PHU');
  assert.deepEqual([t.period, t.reporters, t.approved, t.expected, t.partial], ['2026Q3', 31, 31, 34, null]);
});

test("a city's own figure covers its communes: expected stays the communes, all covered", async () => {
  const file = path.join(dir, 'q4.csv');
  writeFileSync(file, 'indicator_code,unit_code,period,value\n5G-PHU,01,2026Q4,95\n');
  const cli = await runCli(['values', 'import', file, '--approved', '--db', srv.db]);
  assert.equal(cli.code, 0, cli.stderr);
  const row = async () => (await bcd.get('/api/v1/rollup?indicator=5G-PHU&periods=2026Q4')).json.values[0];
  // no report_kinds: the kinds that report it are now the city's and the communes'
  assert.deepEqual(await row(), { period: '2026Q4', value: 95, reporters: 1, approved: 34, expected: 34, complete: true, target: null });
  const r = await bcd.put(`/api/v1/indicators/${fiveG.indicator_id}/reporting`, { report_kinds: ['province', 'commune'] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.completeness_threshold, 90, 'the threshold is left as it was');
  assert.deepEqual([(await row()).approved, (await row()).expected], [34, 34]);
});
