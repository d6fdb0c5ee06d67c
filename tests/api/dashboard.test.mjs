// Dashboards on hand-made series with known answers: a straight line that
// hits its target is xanh, the same line against a higher target đỏ, a
// flat series far below its target đỏ, one point xám; a target whose year
// is over is judged on the figure itself; a series that flattens is
// forecast with the damped trend. The overview's task counts equal the
// task list's, units are ranked by the share of tasks done on time, the
// indicator page carries its forecast band and breakdown, and every page
// says when its numbers are from and exports to Excel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, runCli, dbExec } from '../lib/server.mjs';
import { addUser, importUnits, signIn } from '../lib/auth.mjs';
import { readSheet } from '../lib/xlsx.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'nq57-dash-'));
const clockFile = path.join(dir, 'now');
writeFileSync(clockFile, '2025-03-01T08:00:00Z\n');

const SERIES = {
  LINE: { target: 100, values: { 2021: 10, 2022: 20, 2023: 30, 2024: 40 } },
  MISS: { target: 101, values: { 2021: 10, 2022: 20, 2023: 30, 2024: 40 } },
  FLAT: { target: 50, values: { 2019: 5, 2020: 5, 2021: 5, 2022: 5, 2023: 5, 2024: 5 } },
  ONE: { target: 10, values: { 2024: 7 } },
  NOTGT: { values: { 2021: 1, 2022: 2, 2023: 3 } },
  BEND: { target: 60, values: { 2016: 10, 2017: 20, 2018: 28, 2019: 33, 2020: 36, 2021: 37.5, 2022: 38.2, 2023: 38.6, 2024: 38.8 } },
  PAST: { target: 4, target_period: '2023', direction: 'down', values: { 2021: 9, 2022: 7, 2023: 5, 2024: 3 } },
};

let srv, steering, officer, anonymous;
const unitId = (code) => Number(dbExec(srv.db, `SELECT id FROM unit WHERE code = '${code}'`));
const csv = (rows) => `indicator_code,unit_code,period,value\n${rows.map((r) => r.join(',')).join('\n')}\n`;

before(async () => {
  srv = await startServer({ env: { NQ57_TEST_CLOCK_FILE: clockFile } });
  await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n00004,Phường Ba Đình,01,commune\n00008,Phường Ngọc Hà,01,commune\n');
  await addUser(srv, 'bcd', { role: 'steering', unit: '01' });
  await addUser(srv, 'can-bo-bd', { role: 'officer', unit: '00004' });
  steering = await signIn(srv, 'bcd');
  officer = await signIn(srv, 'can-bo-bd');
  anonymous = { get: async (p) => { const r = await fetch(`${srv.url}${p}`); return { status: r.status, json: await r.json() }; } };
  const doc = await steering.post('/api/v1/documents', { number: '43/KH-UBND', kind: 'plan', title: 'Kế hoạch thực hiện Nghị quyết 57', issued_on: '2025-01-01',
    objectives: [{ code: 'MT1', kind: 'objective', title: 'Mục tiêu 1' }] });
  assert.equal(doc.status, 201, doc.text);
  const objective = doc.json.objectives[0].id;
  for (const [code, s] of Object.entries(SERIES)) {
    const r = await steering.post('/api/v1/indicators', { code, name_vi: `Chỉ tiêu ${code}`, direction: s.direction || 'up', aggregation: 'none',
      objective_id: objective, targets: s.target ? [{ unit_code: '01', period: s.target_period || '2030', value: s.target }] : [] });
    assert.equal(r.status, 201, r.text);
  }
  let r = await steering.post('/api/v1/indicators', { code: 'DN', name_vi: 'Doanh nghiệp KH&CN', direction: 'up', aggregation: 'sum', public: false });
  assert.equal(r.status, 201, r.text);
  const rows = Object.entries(SERIES).flatMap(([code, s]) => Object.entries(s.values).map(([p, v]) => [code, '01', p, v]));
  rows.push(['DN', '00004', '2024', 12], ['DN', '00008', '2024', 30], ['DN', '00004', '2023', 10]);
  writeFileSync(path.join(dir, 'v.csv'), csv(rows));
  r = await runCli(['values', 'import', path.join(dir, 'v.csv'), '--approved', '--db', srv.db]);
  assert.equal(r.code, 0, r.stderr);
  // tasks: one overdue, one done on time, one in time, led by the communes
  for (const t of [{ code: 'NV1', lead_unit_code: '00004', deadline: '2025-02-01' },
    { code: 'NV2', lead_unit_code: '00004', deadline: '2025-12-31' },
    { code: 'NV3', lead_unit_code: '00008', deadline: '2025-06-30' },
    { code: 'NV4', lead_unit_code: '00008', deadline: '2025-03-10' }]) {
    r = await steering.post('/api/v1/tasks', { ...t, title: `Nhiệm vụ ${t.code}`, document_number: '43/KH-UBND' });
    assert.equal(r.status, 201, r.text);
  }
  const nv3 = (await steering.get('/api/v1/tasks?q=NV3')).json.tasks[0];
  const officer8 = await (async () => { await addUser(srv, 'can-bo-nh', { role: 'officer', unit: '00008' }); return signIn(srv, 'can-bo-nh'); })();
  r = await officer8.post(`/api/v1/tasks/${nv3.id}/reports`, { progress: 100, text: 'Xong', complete: true });
  assert.equal(r.status, 201, r.text);
  const report = r.json.reports.find((x) => x.kind === 'completion');
  assert.equal((await steering.post(`/api/v1/tasks/${nv3.id}/reports/${report.id}/approve`)).status, 200);
});
after(async () => { await srv?.stop(); });

const tilesOf = (d) => Object.fromEntries(d.indicators.map((t) => [t.code, t]));

test('colours from hand-made series: on track, off track, flat, one point, no target, target year over', async () => {
  const r = await steering.get('/api/v1/dashboard?period=2024');
  assert.equal(r.status, 200, r.text);
  const t = tilesOf(r.json);
  assert.equal(t.LINE.colour, 'green');
  assert.equal(t.LINE.colour_vi, 'xanh');
  assert.equal(t.LINE.method, 'linear');
  assert.ok(Math.abs(t.LINE.forecast - 100) < 1e-6, `${t.LINE.forecast}`);
  assert.equal(t.LINE.probability, 1);
  assert.equal(t.LINE.actual, 40);
  assert.equal(t.LINE.target, 100);
  assert.equal(t.LINE.target_period, '2030');
  assert.equal(t.LINE.percent_of_target, 40);
  assert.equal(t.MISS.colour, 'red', 'the same line misses a higher target');
  assert.equal(t.FLAT.colour, 'red');
  assert.ok(t.FLAT.probability < 0.3);
  assert.equal(t.ONE.colour, 'grey');
  assert.equal(t.ONE.colour_vi, 'xám');
  assert.equal(t.NOTGT.colour, 'grey', 'no target, nothing to judge');
  assert.equal(t.PAST.method, 'actual');
  assert.equal(t.PAST.colour, 'red', 'lower is better: 5 at the end of 2023 missed the target 4');
  assert.equal(t.BEND.method, 'damped', 'a series that flattens is forecast with the damped trend');
  assert.ok(t.BEND.forecast < 45, `damped forecast ${t.BEND.forecast} stays near the plateau`);
  assert.deepEqual(r.json.indicator_colours, {
    green: 1, yellow: Object.values(t).filter((x) => x.colour === 'yellow').length,
    red: Object.values(t).filter((x) => x.colour === 'red').length, grey: Object.values(t).filter((x) => x.colour === 'grey').length,
  });
  assert.match(r.json.as_of, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(r.json.period, '2024');
  assert.equal(r.json.unit.code, '01');
});

test('an earlier period gives the figures of that period', async () => {
  const t = tilesOf((await steering.get('/api/v1/dashboard?period=2022')).json);
  assert.equal(t.LINE.actual, 20);
  assert.equal(t.LINE.period, '2022');
  assert.equal(t.ONE.actual, null);
  assert.equal(t.PAST.method, 'none', 'in 2022 the 2023 target is still ahead');
});

test("the overview's task counts equal the task list's, and units are ranked by tasks done on time", async () => {
  const d = (await steering.get('/api/v1/dashboard?period=2025Q1')).json;
  const list = (await steering.get('/api/v1/tasks?as_of=2025-03-01')).json;
  assert.deepEqual(d.task_counts, list.counts);
  assert.equal(d.task_total, 4);
  assert.equal(d.tasks_as_of, '2025-03-01', 'the tasks are as of today');
  const past = (await steering.get('/api/v1/dashboard?period=2024')).json;
  assert.equal(past.tasks_as_of, '2025-03-01', "a past period's figures do not move the tasks' day: still today");
  assert.deepEqual(past.task_counts, list.counts);
  const end2024 = (await steering.get('/api/v1/dashboard?period=2024&as_of=2024-12-31')).json;
  assert.equal(end2024.tasks_as_of, '2024-12-31', 'the day asked for');
  assert.deepEqual(end2024.task_counts, (await steering.get('/api/v1/tasks?as_of=2024-12-31')).json.counts);
  assert.equal((await steering.get('/api/v1/dashboard?as_of=31/12/2024')).status, 422, 'as_of is a date');
  assert.equal(tilesOf(d).LINE.actual, 40, 'the latest figure up to the period');
  assert.deepEqual(d.overdue.map((x) => x.code), ['NV1']);
  assert.deepEqual(d.due_soon.map((x) => x.code), ['NV4']);
  assert.equal(d.overdue[0].colour, 'red');
  assert.deepEqual(d.ranking.map((x) => [x.rank, x.unit_code, x.assigned, x.done_on_time, x.share_on_time]),
    [[1, '00008', 2, 1, 0.5], [2, '00004', 2, 0, 0]]);
  const docs = (await steering.get('/api/v1/documents')).json.documents;
  const other = (await steering.get(`/api/v1/dashboard?document_id=${docs[0].id + 1000}`)).json;
  assert.equal(other.indicators.length, 0, 'no indicator belongs to another document');
  assert.equal(other.task_total, 0);
});

test('visitors see public indicators and no tasks', async () => {
  const d = await anonymous.get('/api/v1/dashboard?period=2024');
  assert.equal(d.status, 200);
  assert.ok(!('task_counts' in d.json));
  assert.ok(!tilesOf(d.json).DN, 'a non-public indicator is for signed-in people');
  assert.ok(tilesOf((await steering.get('/api/v1/dashboard?period=2024')).json).DN);
  assert.equal((await anonymous.get(`/api/v1/dashboard/units/${unitId('00004')}`)).status, 401);
});

test('the indicator page: series, targets, forecast band to the target, breakdown and map by unit code', async () => {
  const id = Number(dbExec(srv.db, "SELECT id FROM indicator WHERE code = 'LINE'"));
  const d = (await steering.get(`/api/v1/dashboard/indicators/${id}`)).json;
  assert.equal(d.kind, 'year');
  assert.deepEqual(d.series.map((s) => [s.period, s.value]), [['2021', 10], ['2022', 20], ['2023', 30], ['2024', 40]]);
  assert.deepEqual(d.targets, [{ period: '2030', value: 100 }]);
  assert.equal(d.forecast.method, 'linear');
  assert.deepEqual(d.forecast.points.map((p) => p.period), ['2025', '2026', '2027', '2028', '2029', '2030']);
  const last = d.forecast.points.at(-1);
  assert.ok(Math.abs(last.value - 100) < 1e-6 && last.low <= last.value && last.high >= last.value);
  const dn = Number(dbExec(srv.db, "SELECT id FROM indicator WHERE code = 'DN'"));
  const p = (await steering.get(`/api/v1/dashboard/indicators/${dn}`)).json;
  assert.deepEqual(p.series.map((s) => [s.period, s.value, s.reporters]), [['2023', 10, 1], ['2024', 42, 2]]);
  const by = Object.fromEntries(p.breakdown.map((b) => [b.code, b.values]));
  assert.deepEqual(by, { '00004': [10, 12], '00008': [null, 30] });
  assert.deepEqual(p.map, { period: '2024', values: { '00004': 12, '00008': 30 } });
  assert.equal((await anonymous.get(`/api/v1/dashboard/indicators/${dn}`)).status, 404, 'not public');
  const unit = (await steering.get(`/api/v1/dashboard/indicators/${dn}?unit_id=${unitId('00008')}`)).json;
  assert.deepEqual(unit.series.map((s) => s.value), [null, 30]);
});

test("a unit's scorecard: its figures and its tasks", async () => {
  const r = await officer.get(`/api/v1/dashboard/units/${unitId('00004')}?period=2025Q1`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.indicators.map((t) => [t.code, t.actual]), [['DN', 12]]);
  assert.deepEqual(r.json.tasks.map((t) => t.code).sort(), ['NV1', 'NV2']);
  assert.equal(r.json.task_counts.open_overdue, 1);
  assert.deepEqual(r.json.overdue.map((t) => t.code), ['NV1']);
});

test('an approval shows on the next request, with a later data_seq', async () => {
  const before = (await steering.get('/api/v1/dashboard?period=2025')).json;
  const saved = await officer.put('/api/v1/values', { indicator_code: 'DN', unit_code: '00004', period: '2025', value: 20,
    note: 'Thêm 8 doanh nghiệp được công nhận trong năm' });
  assert.equal(saved.status, 200, saved.text);
  assert.equal((await officer.post(`/api/v1/values/${saved.json.id}/submit`)).status, 200);
  assert.equal(tilesOf((await steering.get('/api/v1/dashboard?period=2025')).json).DN.actual, tilesOf(before).DN.actual);
  assert.equal((await steering.post(`/api/v1/values/${saved.json.id}/approve`)).status, 200);
  // one of the two communes: the city's headline stays on the last
  // complete period, the new one is shown as partial (1 of 2)
  const after = (await steering.get('/api/v1/dashboard?period=2025')).json;
  assert.equal(tilesOf(after).DN.actual, 42);
  assert.equal(tilesOf(after).DN.period, '2024');
  assert.deepEqual(tilesOf(after).DN.partial, { period: '2025', value: 20, reporters: 1, approved: 1, expected: 2 });
  assert.ok(after.data_seq > before.data_seq);
  // the commune's own scorecard is complete at its level
  const own = (await steering.get(`/api/v1/dashboard/units/${unitId('00004')}?period=2025`)).json;
  assert.deepEqual([tilesOf(own).DN.actual, tilesOf(own).DN.period, tilesOf(own).DN.expected], [20, '2025', 1]);
});


test("a derived tile follows its input's approval and its own new targets", async () => {
  let r = await steering.post('/api/v1/indicators', { code: 'DN2', name_vi: 'Doanh nghiệp KH&CN (gấp đôi)', direction: 'up', aggregation: 'none',
    formula: 'DN * 2', public: false });
  assert.equal(r.status, 201, r.text);
  const derivedId = r.json.id;
  const first = tilesOf((await steering.get('/api/v1/dashboard?period=2025')).json);
  const dn = first.DN.actual;
  assert.equal(first.DN2.actual, dn * 2);
  assert.equal(first.DN2.target, null);
  const officer8 = await signIn(srv, 'can-bo-nh');
  const saved = await officer8.put('/api/v1/values', { indicator_code: 'DN', unit_code: '00008', period: '2025', value: 5,
    note: 'Sáp nhập doanh nghiệp' }); // a jump from 30 needs a note (validation rules)
  assert.equal(saved.status, 200, saved.text);
  assert.equal((await officer8.post(`/api/v1/values/${saved.json.id}/submit`)).status, 200);
  assert.equal((await steering.post(`/api/v1/values/${saved.json.id}/approve`)).status, 200);
  const second = tilesOf((await steering.get('/api/v1/dashboard?period=2025')).json);
  assert.notEqual(second.DN.actual, dn);
  assert.equal(second.DN2.actual, second.DN.actual * 2);
  assert.deepEqual(second.LINE, first.LINE);
  r = await steering.put(`/api/v1/indicators/${derivedId}/targets`, [{ unit_code: '01', period: '2030', value: 500 }]);
  assert.equal(r.status, 200, r.text);
  const third = tilesOf((await steering.get('/api/v1/dashboard?period=2025')).json);
  assert.equal(third.DN2.target, 500);
  assert.equal(third.DN2.target_period, '2030');
});
test('the overview exports to Excel with the same numbers', async () => {
  const d = (await steering.get('/api/v1/dashboard?period=2024')).json;
  const x = await steering.get('/api/v1/dashboard?period=2024&format=xlsx');
  assert.equal(x.status, 200);
  const rows = readSheet(x.bytes).rows.slice(3);   // below a title, the filter and the moment
  const head = rows[0];
  const codeAt = head.indexOf('Mã'), actualAt = head.indexOf('Thực hiện'), colourAt = head.indexOf('Đánh giá');
  assert.ok(codeAt >= 0 && actualAt >= 0 && colourAt >= 0, `headers: ${head}`);
  for (const t of d.indicators) {
    const row = rows.find((r) => r[codeAt] === t.code);
    assert.ok(row, t.code);
    assert.equal(row[actualAt] === '' ? null : Number(row[actualAt]), t.actual, t.code);
    assert.equal(row[colourAt], t.colour_vi, t.code);
  }
});

test('bad parameters are refused clearly', async () => {
  const r = await steering.get('/api/v1/dashboard?period=2024Q9');
  assert.equal(r.status, 422);
  assert.match(r.json.error.message, /2024Q9/);
  assert.equal((await steering.get('/api/v1/dashboard?unit_id=999999')).status, 404);
  assert.equal((await steering.get('/api/v1/dashboard/indicators/999999')).status, 404);
  assert.equal((await steering.get(`/api/v1/dashboard/indicators/1?kind=decade`)).status, 422);
});
