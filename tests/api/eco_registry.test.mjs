// Indicators computed from the ecosystem registry, on the demo (both
// databases): "số doanh nghiệp KH&CN" by commune equals a plain SQL count at
// every level and period, moves on the dashboard when an organisation is
// added or dissolved, shows the records behind each figure, cannot be typed
// in, and appears in the review report; the registry's sectors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoServer } from '../lib/demo.mjs';
import { signIn } from '../lib/auth.mjs';
import { dbExec } from '../lib/server.mjs';

let srv, bcd, hk, xem, city, units, indicator;
const YEARS = ['2025', '2026'];

before(async () => {
  srv = await startDemoServer();
  [bcd, hk, xem] = await Promise.all(['bcd', 'hoankiem', 'xem'].map((l) => signIn(srv, l)));
  units = (await bcd.get('/api/v1/units?limit=500')).json.units;
  city = units.find((u) => u.code === '01');
  indicator = (await bcd.get('/api/v1/indicators?q=HST-DN-KHCN')).json.indicators.find((i) => i.code === 'HST-DN-KHCN');
});
after(async () => { await srv?.stop(); });

// The plain count: S&T enterprises of the subtree existing at the end of the year.
function sqlCount(path, year) {
  return Number(dbExec(srv.db, `SELECT COUNT(*) FROM organisation o JOIN unit u ON u.id = o.unit_id
    WHERE o.kind = 'st_enterprise' AND o.status <> 'merged' AND u.path LIKE '${path}%'
    AND COALESCE(o.founded_on, SUBSTR(o.created_at, 1, 10)) <= '${year}-12-31'
    AND (o.ended_on IS NULL OR o.ended_on > '${year}-12-31')`));
}

async function rolled(code, unitId, periods = YEARS) {
  const r = await bcd.get(`/api/v1/rollup?indicator=${code}&unit_id=${unitId}&periods=${periods.join(',')}`);
  assert.equal(r.status, 200, r.text);
  return Object.fromEntries(r.json.values.map((v) => [v.period, v.value]));
}

async function compareEverywhere(label) {
  let checked = 0, nonzero = 0;
  for (const u of units.filter((x) => x.code === '01' || x.kind === 'commune')) {
    const got = await rolled('HST-DN-KHCN', u.id);
    for (const y of YEARS) {
      const want = sqlCount(u.path, y);
      assert.equal(got[y] ?? 0, want, `${label}: ${u.code} ${u.name} ${y}`);
      checked++;
      if (want) nonzero++;
    }
  }
  assert.ok(checked >= 60 && nonzero >= 6, `${checked} figures compared, ${nonzero} not zero`);
}

test('the registry indicator equals a plain SQL count at every level and period', async () => {
  assert.ok(indicator, 'the demo defines HST-DN-KHCN');
  assert.equal(indicator.registry.entity, 'organisation');
  assert.ok(sqlCount(city.path, '2026') >= 5, 'the demo has S&T enterprises');
  await compareEverywhere('demo');
});

test('adding an S&T enterprise moves the dashboard, dissolving it moves it back', async () => {
  const hkUnit = units.find((u) => u.code === '00070');
  const before2026 = await rolled('HST-DN-KHCN', city.id);
  const page0 = (await bcd.get(`/api/v1/dashboard/indicators/${indicator.id}?unit_id=${city.id}`)).json;
  const made = await bcd.post('/api/v1/organisations', { kind: 'st_enterprise', name: 'Công ty TNHH Kiểm thử Hoàn Kiếm', unit_code: '00070', founded_on: '2026-03-01', sectors: ['ai'] });
  assert.equal(made.status, 201, made.text);
  const after = await rolled('HST-DN-KHCN', city.id);
  assert.equal(after['2026'], before2026['2026'] + 1, 'the city counts it in 2026');
  assert.equal(after['2025'], before2026['2025'], 'not in 2025, before it was founded');
  assert.equal((await rolled('HST-DN-KHCN', hkUnit.id))['2026'], sqlCount(hkUnit.path, '2026'));
  const page1 = (await bcd.get(`/api/v1/dashboard/indicators/${indicator.id}?unit_id=${city.id}`)).json;
  const at = (p, y) => p.series.find((s) => s.period === y)?.value;
  assert.equal(at(page1, '2026'), at(page0, '2026') + 1, 'the indicator page shows it on the next request');
  // the records behind the city's figure, for anyone (the indicator is public)
  const rec = await fetch(`${srv.url}/api/v1/indicators/${indicator.id}/registry?unit_id=${city.id}&period=2026`).then((r) => r.json());
  assert.equal(rec.total, after['2026']);
  assert.ok(rec.records.some((x) => x.organisation_id === made.json.id && x.unit_code === '00070'), JSON.stringify(rec.records));
  // dissolved in June 2026: it no longer counts at the end of 2026
  const gone = await bcd.patch(`/api/v1/organisations/${made.json.id}`, { status: 'dissolved', ended_on: '2026-06-30' });
  assert.ok(gone.status === 200, gone.text);
  assert.equal((await rolled('HST-DN-KHCN', city.id))['2026'], before2026['2026']);
  await compareEverywhere('after the changes');
});

test('a figure computed from the registry cannot be typed in', async () => {
  const r = await hk.put('/api/v1/values', { indicator_code: 'HST-DN-KHCN', unit_code: '00070', period: '2026', value: 9 });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.template, "'indicator': this indicator is computed from the ecosystem registry, not reported");
  const grid = await hk.get(`/api/v1/values/grid?unit_id=${units.find((u) => u.code === '00070').id}&period=2026`);
  assert.equal(grid.status, 200, grid.text);
  assert.ok(!JSON.stringify(grid.json).includes('HST-DN-KHCN'), 'the grid does not offer it');
});

test('a bad registry spec is refused with the field named; viewers may not define one', async () => {
  const base = { code: 'HST-X', name_vi: 'Thử', direction: 'up', aggregation: 'sum' };
  let r = await bcd.post('/api/v1/indicators', { ...base, registry: { entity: 'people', measure: 'count' } });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.template, "'registry': the entity must be organisation, investment, booking or publication");
  r = await bcd.post('/api/v1/indicators', { ...base, registry: { entity: 'organisation', measure: 'count', filter: { kind: ['bakery'] } } });
  assert.equal(r.status, 422, r.text);
  r = await bcd.post('/api/v1/indicators', { ...base, aggregation: 'mean', registry: { entity: 'organisation', measure: 'count' } });
  assert.equal(r.status, 422, r.text);
  assert.equal((await xem.post('/api/v1/indicators', { ...base, registry: { entity: 'organisation', measure: 'count' } })).status, 403);
  assert.equal(dbExec(srv.db, "SELECT COUNT(*) FROM indicator WHERE code = 'HST-X'"), '0');
});

test('investments add up in tỷ đồng at the start-up\'s commune, and a new one moves the figure', async () => {
  const check = async (label) => {
    const got = await rolled('HST-VON-DT', city.id);
    for (const y of YEARS) {
      const want = Number(dbExec(srv.db, `SELECT COALESCE(SUM(amount_vnd), 0) FROM investment WHERE invested_on BETWEEN '${y}-01-01' AND '${y}-12-31'`)) / 1e9;
      assert.ok(Math.abs((got[y] ?? 0) - want) < 1e-9, `${label} ${y}: ${got[y]} vs ${want}`);
    }
    return got;
  };
  const before = await check('demo');
  const startup = Number(dbExec(srv.db, "SELECT id FROM organisation WHERE kind = 'startup' AND unit_id IS NOT NULL ORDER BY id LIMIT 1"));
  const r = await bcd.post('/api/v1/investments', { fund_code: 'LM-VC-HN', startup_id: startup, amount_vnd: 2500000000, invested_on: '2026-09-30', round: 'seed', instrument: 'equity' });
  assert.equal(r.status, 201, r.text);
  const after = await check('after an investment');
  assert.ok(Math.abs(after['2026'] - before['2026'] - 2.5) < 1e-9, `${before['2026']} -> ${after['2026']}`);
});

test('the review report shows the indicator computed from the registry', async () => {
  const r = await bcd.post('/api/v1/reports', { document: '43/KH-UBND', period: '2026' });
  assert.equal(r.status, 202, r.text);
  let job;
  for (let i = 0; i < 400; i++) {
    job = (await bcd.get(`/api/v1/reports/${r.json.id}`)).json;
    if (job.status === 'done' || job.status === 'failed') break;
    await new Promise((res) => setTimeout(res, 50));
  }
  assert.equal(job.status, 'done', job.error);
  const content = (await bcd.get(`/api/v1/reports/${job.id}/json`)).json;
  const row = content.indicators.find((x) => x.code === 'HST-DN-KHCN');
  assert.ok(row, 'listed in the report');
  assert.equal(row.actual, sqlCount(city.path, '2026'));
});

test('sectors: the eight strategic technologies for anyone; added by the steering office only', async () => {
  const list = await fetch(`${srv.url}/api/v1/sectors`).then((r) => r.json());
  assert.deepEqual(list.sectors.filter((s) => s.strategic).map((s) => s.code),
    ['ai', 'big_data', 'iot', 'blockchain', 'biotech', 'materials_energy', 'automation', 'cybersecurity']);
  assert.equal((await xem.post('/api/v1/sectors', { code: 'space', name_vi: 'Công nghệ vũ trụ' })).status, 403);
  assert.equal((await hk.post('/api/v1/sectors', { code: 'space', name_vi: 'Công nghệ vũ trụ' })).status, 403);
  const ok = await bcd.post('/api/v1/sectors', { code: 'space', name_vi: 'Công nghệ vũ trụ', name_en: 'Space technology' });
  assert.equal(ok.status, 200, ok.text);
  assert.ok(ok.json.sectors.some((s) => s.code === 'space' && !s.strategic));
  const bad = await bcd.post('/api/v1/sectors', { code: 'Công nghệ', name_vi: 'x' });
  assert.equal(bad.status, 422, bad.text);
});

test('hours of shared resources used move the figure when the provider records them', async () => {
  const lab = (await bcd.get('/api/v1/resources?network=HIHUB&kind=lab')).json.resources
    .find((r) => r.name === 'Phòng thí nghiệm dùng chung IoT và hệ thống nhúng');
  assert.ok(lab, 'the demo lab');
  const day = new Date(Date.now() + 7 * 3600e3 + 24 * 3600e3).toISOString().slice(0, 10);
  const year = day.slice(0, 4);
  const before = (await rolled('HST-GIO-TN', city.id, [year]))[year] ?? 0;
  const req = await fetch(`${srv.url}/api/v1/resources/${lab.id}/bookings`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ requester_name: 'Công ty TNHH Thử nghiệm', contact_name: 'Nguyễn Văn A', contact_email: 'a@example.vn', sector: 'iot', day, from: '09:00', to: '12:00' }),
  });
  assert.equal(req.status, 201, await req.clone().text());
  const { id } = await req.json();
  assert.equal((await bcd.post(`/api/v1/bookings/${id}/approve`, {})).status, 200);
  assert.equal((await rolled('HST-GIO-TN', city.id, [year]))[year] ?? 0, before, 'approved is not used yet');
  const used = await bcd.post(`/api/v1/bookings/${id}/usage`, { used_hours: 2.5 });
  assert.equal(used.status, 200, used.text);
  assert.equal((await rolled('HST-GIO-TN', city.id, [year]))[year], before + 2.5);
  const want = Number(dbExec(srv.db, `SELECT SUM(used_hours) FROM booking WHERE status = 'used' AND starts_at LIKE '${year}%'`));
  assert.equal(before + 2.5, want);
});
