// The data-entry grid of one unit and period (GET /api/v1/values/grid) on
// the demo: one row per indicator the unit reports (by its kind), last
// period's value, the target (the city's where the ward has none, named),
// the value of the period with its status and note; editable only for
// those who report for the unit, read-only for the others who may read it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoServer } from '../lib/demo.mjs';
import { signIn } from '../lib/auth.mjs';

let srv, hk, unit, city;
before(async () => {
  srv = await startDemoServer();
  hk = await signIn(srv, 'hoankiem');
  const units = (await hk.get('/api/v1/units?limit=10000')).json.units;
  unit = units.find((u) => u.code === '00070');
  city = units.find((u) => u.code === '01');
});
after(async () => { await srv?.stop(); });

const grid = (c, period, unitId = unit.id) => c.get(`/api/v1/values/grid?unit_id=${unitId}&period=${encodeURIComponent(period)}`);

test('the rows are the indicators the ward reports, with last period\'s value and the target', async () => {
  const r = await grid(hk, '2026Q4');
  assert.equal(r.status, 200, r.text);
  const g = r.json;
  assert.equal(g.period, '2026Q4');
  assert.equal(g.period_label, 'Quý IV/2026');
  assert.equal(g.previous_period, '2026Q3');
  assert.equal(g.unit.code, '00070');
  assert.equal(g.can_edit, true);
  // what the ward must report: every indicator that is not computed (by a
  // formula or from the ecosystem registry) and
  // whose report_kinds are unset or name the ward's kind
  const indicators = (await hk.get('/api/v1/indicators?limit=1000')).json.indicators;
  const expected = indicators.filter((i) => !i.derived && !i.registry && (!i.report_kinds || i.report_kinds.includes(unit.kind)))
    .map((i) => i.code).sort();
  assert.deepEqual(g.rows.map((x) => x.indicator_code).sort(), expected);
  assert.ok(!g.rows.some((x) => x.indicator_code === 'GRDP'), 'GRDP is reported by the province only');
  // last period's value: the ward's 2026Q3 figures as the values list has them
  const q3 = (await hk.get(`/api/v1/values?unit_id=${unit.id}&period=2026Q3&limit=1000`)).json.values;
  assert.ok(q3.length >= 2, 'the demo has the ward\'s 2026Q3 figures');
  for (const row of g.rows) {
    const v = q3.find((x) => x.indicator_code === row.indicator_code);
    assert.equal(row.previous_value, v ? v.value : null, row.indicator_code);
    assert.equal(row.previous_period, '2026Q3');
    assert.equal(row.value, null, 'nothing entered for 2026Q4 yet');
    assert.equal(row.status, null);
    assert.equal(row.can_edit, true);
    assert.ok(row.indicator_id > 0);
  }
  // the target: the ward has none, so the city's, named
  const g5 = g.rows.find((x) => x.indicator_code === '5G-PHU');
  assert.equal(g5.target, 100);
  assert.equal(g5.target_period, '2030');
  assert.equal(g5.target_label, 'Năm 2030');
  assert.deepEqual(g5.target_unit, { id: city.id, name: city.name });
  const nl = g.rows.find((x) => x.indicator_code === 'NL-RD');
  assert.deepEqual([nl.target, nl.target_period], [14, '2030'], 'the first target ending on or after the period, not the past 2025 one');
});

test('a period in words is the same period; a bad one or no unit is refused', async () => {
  const r = await grid(hk, 'Quý IV/2026');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.period, '2026Q4');
  const y = await grid(hk, 'Năm 2025');
  assert.equal(y.json.period, '2025');
  assert.equal(y.json.previous_period, '2024');
  const bad = await grid(hk, 'Quý V/2026');
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.template, "'period': %s");
  const none = await hk.get('/api/v1/values/grid?period=2026Q4');
  assert.equal(none.status, 422);
  assert.equal((await hk.get(`/api/v1/values/grid?unit_id=${unit.id}`)).status, 422);
  assert.equal((await hk.get('/api/v1/values/grid?unit_id=999999&period=2026Q4')).status, 404);
});

test('a saved draft shows in its row; after the grid is sent the rows are submitted and closed', async () => {
  const before = (await grid(hk, '2026Q4')).json;
  const row = before.rows.find((x) => x.indicator_code === '5G-PHU');
  const put = await hk.put('/api/v1/values', { indicator_id: row.indicator_id, unit_id: unit.id, period: '2026Q4', value: 93, note: 'đo tháng 12' });
  assert.equal(put.status, 200, put.text);
  const mid = (await grid(hk, '2026Q4')).json.rows.find((x) => x.indicator_code === '5G-PHU');
  assert.equal(mid.value, 93);
  assert.equal(mid.status, 'draft');
  assert.equal(mid.note, 'đo tháng 12');
  assert.equal(mid.value_id, put.json.id);
  assert.equal(mid.can_edit, true);
  const sent = await hk.post('/api/v1/values/submit', { unit_id: unit.id, period: '2026Q4' });
  assert.equal(sent.status, 200, sent.text);
  const after = (await grid(hk, '2026Q4')).json.rows.find((x) => x.indicator_code === '5G-PHU');
  assert.equal(after.status, 'submitted');
  assert.equal(after.can_edit, false, 'a submitted value waits for review');
});

test('authorisation: another unit\'s officer 403, readers read-only, anonymous 401', async () => {
  const cases = [['syt', 403], ['xem', 200], ['bcd', 200], ['quantri', 200]];
  for (const [login, status] of cases) {
    const c = await signIn(srv, login);
    const r = await grid(c, '2026Q4');
    assert.equal(r.status, status, `${login}: ${r.text}`);
    if (status !== 200) continue;
    const editable = login === 'quantri';   // an administrator reports within its subtree
    assert.equal(r.json.rows.some((x) => x.can_edit), editable, login);
    if (!editable) assert.equal(r.json.can_edit, false, login);
  }
  const other = (await hk.get('/api/v1/units?limit=10000')).json.units.find((u) => u.kind === 'commune' && u.code !== '00070');
  assert.equal((await grid(hk, '2026Q4', other.id)).status, 403, 'the ward\'s officer may not open another ward');
  assert.equal((await fetch(`${srv.url}/api/v1/values/grid?unit_id=${unit.id}&period=2026Q4`)).status, 401);
});
