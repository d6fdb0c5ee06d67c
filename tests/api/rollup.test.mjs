// Live roll-ups checked against an independent computation from the raw
// values: sums, means, minima, maxima, weighted means, a unit's own
// figure, a derived indicator, missing values, drafts that must not
// count, a unit's own figure winning over its children's, a unit that
// moves to another parent, and an approval that shows on the next request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, runCli } from '../lib/server.mjs';
import { addUser, importUnits, signIn } from '../lib/auth.mjs';

const PERIODS = ['2025Q1', '2025Q2', '2025Q3', '2025Q4'];
const INDICATORS = [
  { code: 'POP', aggregation: 'sum' },
  { code: 'GDP', aggregation: 'sum' },
  { code: 'INC', aggregation: 'weighted_mean', weight_code: 'POP' },
  { code: 'RATE', aggregation: 'mean' },
  { code: 'LOW', aggregation: 'min' },
  { code: 'HIGH', aggregation: 'max' },
  { code: 'OWN', aggregation: 'none' },
  { code: 'SHARE', aggregation: 'none', formula: '{GDP} / POP * 1000' },
];
// city 01 → clusters K1, K2 → communes; C7 directly under the city
const TREE = [['01', ''], ['K1', '01'], ['K2', '01'], ['C1', 'K1'], ['C2', 'K1'], ['C3', 'K1'], ['C4', 'K2'], ['C5', 'K2'],
  ['C6', 'K2'], ['C7', '01']];

// A small deterministic generator, so that a failure can be replayed.
let seed = 57;
const random = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };

const approved = new Map();   // `${ind}|${unit}|${period}` -> value
const key = (i, u, p) => `${i}|${u}|${p}`;
let parentOf = new Map(TREE.map(([u, p]) => [u, p]));

function childrenOf(u) { return TREE.map(([c]) => c).filter((c) => parentOf.get(c) === u); }

// The rule, written from its description: a unit's own figure, else its
// children's top-most figures.
function reporters(ind, u, p) {
  if (approved.has(key(ind, u, p))) return [u];
  return childrenOf(u).flatMap((c) => reporters(ind, c, p));
}

function expected(code, u, p) {
  const def = INDICATORS.find((i) => i.code === code);
  if (def.formula) {
    const gdp = expected('GDP', u, p), pop = expected('POP', u, p);
    return gdp === null || pop === null || pop === 0 ? null : gdp / pop * 1000;
  }
  if (def.aggregation === 'none') return approved.has(key(code, u, p)) ? approved.get(key(code, u, p)) : null;
  const rs = reporters(code, u, p);
  if (def.aggregation === 'weighted_mean') {
    let num = 0, den = 0;
    for (const r of rs) {
      const w = expected(def.weight_code, r, p);
      if (w === null) continue;
      num += w * approved.get(key(code, r, p));
      den += w;
    }
    return den === 0 ? null : num / den;
  }
  const xs = rs.map((r) => approved.get(key(code, r, p)));
  if (xs.length === 0) return null;
  if (def.aggregation === 'sum') return xs.reduce((a, b) => a + b, 0);
  if (def.aggregation === 'mean') return xs.reduce((a, b) => a + b, 0) / xs.length;
  if (def.aggregation === 'min') return Math.min(...xs);
  return Math.max(...xs);
}

let srv, steering, officer, admin, ids;
const dir = mkdtempSync(path.join(tmpdir(), 'nq57-rollup-'));

async function importCsv(rows, extra = []) {
  const file = path.join(dir, `v${Math.floor(random() * 1e9)}.csv`);
  writeFileSync(file, `indicator_code,unit_code,period,value\n${rows.map((r) => r.join(',')).join('\n')}\n`);
  const r = await runCli(['values', 'import', file, '--db', srv.db, ...extra]);
  assert.equal(r.code, 0, r.stderr);
}

before(async () => {
  srv = await startServer();
  await importUnits(srv, `code,name,parent_code,kind\n${TREE.map(([c, p]) => `${c},Đơn vị ${c},${p},${c.startsWith('C') ? 'commune' : c === '01' ? 'province' : 'other'}`).join('\n')}\n`);
  await addUser(srv, 'bcd', { role: 'steering', unit: '01' });
  await addUser(srv, 'cb-c7', { role: 'officer', unit: 'C7' });
  await addUser(srv, 'quan-tri', { role: 'admin', unit: '01' });
  admin = await signIn(srv, 'quan-tri');
  steering = await signIn(srv, 'bcd');
  officer = await signIn(srv, 'cb-c7');
  for (const i of INDICATORS) {
    const r = await steering.post('/api/v1/indicators', { name_vi: `Chỉ tiêu ${i.code}`, direction: 'up', ...i });
    assert.equal(r.status, 201, r.text);
  }
  ids = Object.fromEntries((await steering.get('/api/v1/indicators?limit=100')).json.indicators.map((i) => [i.code, i.id]));
  const rows = [], drafts = [];
  for (const p of PERIODS) {
    for (const [u] of TREE) {
      const commune = u.startsWith('C');
      for (const { code, formula } of INDICATORS) {
        if (formula) continue;
        // communes report most figures; K2 reports its own POP and RATE
        // in two quarters; the city its own GDP once
        const own = (u === 'K2' && (code === 'POP' || code === 'RATE') && (p === '2025Q2' || p === '2025Q4')) ||
          (u === '01' && code === 'GDP' && p === '2025Q4') || (code === 'OWN' && !commune);
        if (!commune && !own) continue;
        const value = code === 'POP' ? 1000 + Math.floor(random() * 9000) : Math.round(random() * 10000) / 100;
        if (commune && random() < 0.15) { drafts.push([code, u, p, value]); continue; }
        rows.push([code, u, p, value]);
        approved.set(key(code, u, p), value);
      }
    }
  }
  await importCsv(rows, ['--approved']);
  await importCsv(drafts);
});
after(async () => { await srv?.stop(); });

async function compareAll(label) {
  let checked = 0;
  for (const { code } of INDICATORS) {
    for (const [u] of [...TREE, ['']]) {
      const unitId = u ? (await steering.get(`/api/v1/units?q=${u}`)).json.units.find((x) => x.code === u).id : 0;
      const r = await steering.get(`/api/v1/rollup?indicator=${code}&periods=${PERIODS.join(',')}${unitId ? `&unit_id=${unitId}` : ''}`);
      assert.equal(r.status, 200, r.text);
      for (const row of r.json.values) {
        // no unit: every root together, which here is the city
        const want = expected(code, u || '01', row.period);
        if (want === null) assert.equal(row.value, null, `${label}: ${code} ${u || 'all'} ${row.period}`);
        else assert.ok(Math.abs(row.value - want) <= 1e-9 * Math.max(1, Math.abs(want)),
          `${label}: ${code} ${u || 'all'} ${row.period}: got ${row.value}, want ${want}`);
        checked++;
      }
      // the dashboard's indicator page keeps series between requests: it
      // must show the same figures after every change
      const page = await steering.get(`/api/v1/dashboard/indicators/${ids[code]}${unitId ? `?unit_id=${unitId}` : ''}`);
      assert.equal(page.status, 200, page.text);
      const shown = new Map(page.json.series.map((x) => [x.period, x.value]));
      for (const p of PERIODS) {
        const want = expected(code, u || '01', p);
        if (want === null) assert.ok(!shown.has(p) || shown.get(p) === null, `${label}: page ${code} ${u || 'all'} ${p}`);
        else assert.ok(Math.abs(shown.get(p) - want) <= 1e-9 * Math.max(1, Math.abs(want)),
          `${label}: page ${code} ${u || 'all'} ${p}: got ${shown.get(p)}, want ${want}`);
      }
    }
  }
  assert.equal(checked, INDICATORS.length * (TREE.length + 1) * PERIODS.length);
}

test('every indicator, unit and quarter equals the roll-up computed from the raw values', async () => {
  assert.ok(approved.size > 150, `approved values: ${approved.size}`);
  await compareAll('loaded');
});

test('the breakdown by child lists each child with its own roll-up', async () => {
  const city = (await steering.get('/api/v1/units?q=01')).json.units.find((x) => x.code === '01');
  const r = await steering.get(`/api/v1/rollup?indicator=GDP&unit_id=${city.id}&periods=2025Q3,2025Q4&by=children`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.children.map((c) => c.code).sort(), ['C7', 'K1', 'K2']);
  for (const c of r.json.children)
    c.values.forEach((v, i) => assert.ok(Math.abs((v ?? NaN) - (expected('GDP', c.code, ['2025Q3', '2025Q4'][i]) ?? NaN)) < 1e-9 ||
      (v === null && expected('GDP', c.code, ['2025Q3', '2025Q4'][i]) === null), `${c.code} ${i}`));
  const q4 = r.json.values[1].value;
  assert.equal(q4, approved.get(key('GDP', '01', '2025Q4')), "the city's own figure wins over its communes'");
  assert.equal(r.json.values[1].reporters, 1);
});

test('a unit moved to another parent counts under its new parent on the next request', async () => {
  const units = (await steering.get('/api/v1/units?limit=100')).json.units;
  const c3 = units.find((x) => x.code === 'C3'), k2 = units.find((x) => x.code === 'K2');
  const before = (await steering.get(`/api/v1/rollup?indicator=POP&unit_id=${k2.id}&periods=2025Q1`)).json.values[0].value;
  const moved = await admin.patch(`/api/v1/units/${c3.id}`, { parent_id: k2.id });
  assert.equal(moved.status, 200, moved.text);
  parentOf.set('C3', 'K2');
  const after = (await steering.get(`/api/v1/rollup?indicator=POP&unit_id=${k2.id}&periods=2025Q1`)).json.values[0].value;
  assert.notEqual(after, before);
  await compareAll('after the move');
});

test('an approval shows in the roll-up on the next request, a draft never does', async () => {
  const c7 = (await steering.get('/api/v1/units?q=C7')).json.units.find((x) => x.code === 'C7');
  const missing = PERIODS.find((p) => !approved.has(key('RATE', 'C7', p)));
  const period = missing ?? '2026Q1';
  const q = `/api/v1/rollup?indicator=RATE&periods=${period}`;
  const before = (await steering.get(q)).json.values[0];
  const saved = await officer.put('/api/v1/values', { indicator_code: 'RATE', unit_code: 'C7', period, value: 9999,
    note: 'Giá trị thử nghiệm' }); // a jump needs a note (validation rules)
  assert.equal(saved.status, 200, saved.text);
  assert.deepEqual((await steering.get(q)).json.values[0], before, 'a draft does not count');
  assert.equal((await officer.post(`/api/v1/values/${saved.json.id}/submit`)).status, 200);
  assert.deepEqual((await steering.get(q)).json.values[0], before, 'a submitted value does not count');
  assert.equal((await steering.post(`/api/v1/values/${saved.json.id}/approve`)).status, 200);
  approved.set(key('RATE', 'C7', period), 9999);
  const after = (await steering.get(q)).json.values[0];
  assert.equal(after.reporters, before.reporters + 1);
  assert.ok(Math.abs(after.value - expected('RATE', '01', period)) < 1e-9, `${after.value}`);
  assert.equal((await steering.get(`/api/v1/rollup?indicator=RATE&unit_id=${c7.id}&periods=${period}`)).json.values[0].value, 9999);
  await compareAll('after the approval');
});

test('bad questions get clear answers', async () => {
  assert.equal((await steering.get('/api/v1/rollup?indicator=NOPE&periods=2025Q1')).status, 404);
  const r = await steering.get('/api/v1/rollup?indicator=GDP&periods=2025Q5');
  assert.equal(r.status, 422);
  assert.match(r.json.error.message, /2025Q5/);
  assert.equal((await steering.get('/api/v1/rollup?indicator=GDP')).status, 422, 'periods are required');
  const range = await steering.get('/api/v1/rollup?indicator=GDP&from=2025Q2&to=2025Q4');
  assert.deepEqual(range.json.values.map((v) => v.period), ['2025Q2', '2025Q3', '2025Q4']);
  assert.equal((await steering.get('/api/v1/rollup?indicator=GDP&periods=2025Q1&unit_id=999999')).status, 404);
});
