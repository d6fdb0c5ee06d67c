// The Leiden-style indicators of the S&T map (both databases): the real
// OpenAlex works of ../shared/data/bibliometrics/openalex imported through
// the outputs' import, six of their institutions registered as
// organisations of Hà Nội so that the import matches them, and each
// organisation's publication count, full and fractional, equal to an
// independent count from work_institutions.tsv; communes, fields, years,
// an organisation's page, the workbook, and what the public sees.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoServer } from '../lib/demo.mjs';
import { signIn, client } from '../lib/auth.mjs';
import { readSheet } from '../lib/xlsx.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dataDir = path.join(root, '..', 'shared', 'data', 'bibliometrics', 'openalex');
const present = existsSync(path.join(dataDir, 'works.jsonl')) && existsSync(path.join(dataDir, 'work_institutions.tsv'));
const skip = present ? false : 'needs ../shared/data/bibliometrics/openalex (works.jsonl, work_institutions.tsv)';

// The Leiden Ranking's document types, as the indicators count them.
const COUNTED = new Set(['article', 'review', 'book-chapter']);

let srv, bcd, anon, orgs = [], expected;

// Reads the TSV into authorships: consecutive rows of one work, author
// position and author id are one authorship, unless an institution comes
// back (then it is the next authorship of the same person).
function independentCounts() {
  const lines = readFileSync(path.join(dataDir, 'work_institutions.tsv'), 'utf8').trim().split(/\r?\n/);
  const head = lines[0].split('\t');
  const col = (name) => head.indexOf(name);
  const rows = lines.slice(1).map((l) => l.split('\t'));
  const authorships = [];
  let prev = null;
  for (const r of rows) {
    const key = [r[col('work_id')], r[col('author_position')], r[col('author_id')]].join('|');
    const inst = r[col('institution_id')].replace('https://openalex.org/', '');
    const cur = authorships[authorships.length - 1];
    if (key !== prev || (inst && cur.insts.includes(inst))) {
      authorships.push({ work: r[col('work_id')], type: r[col('type')], n: Number(r[col('n_authors')]),
        cites: Number(r[col('cited_by_count')]), insts: [] });
      prev = key;
    }
    if (inst) authorships[authorships.length - 1].insts.push(inst);
  }
  const counts = new Map();   // institution -> { works: Set, frac, tcs }
  for (const a of authorships) {
    if (!COUNTED.has(a.type)) continue;
    for (const i of a.insts) {
      if (!counts.has(i)) counts.set(i, { works: new Map(), frac: 0 });
      const c = counts.get(i);
      c.works.set(a.work, a.cites);
      c.frac += 1 / (a.n * a.insts.length);
    }
  }
  return counts;
}

before(async () => {
  if (skip) return;
  // works.jsonl is 6 MB: more than the default body limit of a request
  srv = await startDemoServer({ env: { NQ57_MAX_BODY: '16M' } });
  bcd = await signIn(srv, 'bcd');
  anon = client(srv);
  expected = independentCounts();
  // the six institutions with the most counted works
  const top = [...expected.entries()].sort((a, b) => b[1].works.size - a[1].works.size || (a[0] < b[0] ? -1 : 1)).slice(0, 6);
  const communes = ['00070', '00070', '00004', '00004', '00008', '00008'];
  for (const [i, [inst]] of top.entries()) {
    const r = await bcd.post('/api/v1/organisations', { kind: i === 5 ? 'enterprise' : 'university',
      name: `Tổ chức nghiên cứu thử ${i + 1}`, short_name: `TC${i + 1}`, openalex_id: inst, unit_code: communes[i],
      lat: 21.02 + i * 0.01, lon: 105.85, published: i !== 4 });
    assert.equal(r.status, 201, r.text);
    orgs.push({ id: r.json.id, inst, unit: communes[i], published: i !== 4 });
  }
  const jsonl = readFileSync(path.join(dataDir, 'works.jsonl'), 'utf8');
  const imp = await bcd.post('/api/v1/outputs/works/import', jsonl, { 'content-type': 'application/x-ndjson' });
  assert.equal(imp.status, 200, imp.text);
  assert.equal(imp.json.works, 340);
});
after(async () => { await srv?.stop(); });

async function table(who, query) {
  const r = await who.get(`/api/v1/stmap/indicators?${query}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

test('per-organisation counts, full and fractional, equal an independent count from the TSV', { skip }, async () => {
  const full = await table(bcd, 'by=organisation&counting=full');
  const frac = await table(bcd, 'by=organisation&counting=fractional');
  for (const o of orgs) {
    const want = expected.get(o.inst);
    const f = full.rows.find((r) => r.organisation_id === o.id);
    const g = frac.rows.find((r) => r.organisation_id === o.id);
    assert.ok(f && g, `organisation ${o.inst} has a row`);
    assert.equal(f.p, want.works.size, `${o.inst}: full P`);
    assert.ok(Math.abs(g.p - want.frac) < 1e-9, `${o.inst}: fractional P ${g.p}, TSV ${want.frac}`);
    const tcs = [...want.works.values()].reduce((s, c) => s + c, 0);
    assert.equal(f.tcs, tcs, `${o.inst}: citations`);
    assert.ok(Math.abs(f.mcs - tcs / want.works.size) < 1e-9);
    assert.ok(g.p <= f.p, 'a fractional count never exceeds the full one');
    // stability intervals around the point values
    for (const k of ['mcs', 'mncs', 'pp_top10']) {
      assert.ok(f[`${k}_lo`] <= f[k] + 1e-12 && f[k] <= f[`${k}_hi`] + 1e-12, `${o.inst}: ${k} in its interval`);
    }
    assert.ok(f.h_index >= 1 && f.h_index <= f.p);
    assert.equal(f.unit_code, o.unit);
  }
  // most publications first
  for (let i = 1; i < full.rows.length; i++) assert.ok(full.rows[i - 1].p >= full.rows[i].p);
});

test('communes add up their organisations, once per work in full counting', { skip }, async () => {
  const orgRows = (await table(bcd, 'by=organisation&counting=fractional')).rows;
  const communes = (await table(bcd, 'by=commune&counting=fractional')).rows;
  const full = (await table(bcd, 'by=commune&counting=full')).rows;
  for (const code of ['00070', '00004', '00008']) {
    const c = communes.find((r) => r.unit_code === code);
    assert.ok(c && c.unit_id && c.unit_name, `commune ${code} has a row with its unit`);
    const mine = orgRows.filter((r) => r.unit_code === code);
    assert.equal(c.n_organisations, mine.length);
    const sum = mine.reduce((s, r) => s + r.p, 0);
    assert.ok(Math.abs(c.p - sum) < 1e-9, `fractional P of ${code} is the sum of its organisations'`);
    const fc = full.find((r) => r.unit_code === code);
    const works = new Set(orgs.filter((o) => o.unit === code).flatMap((o) => [...expected.get(o.inst).works.keys()]));
    assert.equal(fc.p, works.size, `full P of ${code} counts each work once`);
  }
});

test('years and fields split the same works; a period keeps its years', { skip }, async () => {
  const o = orgs[0];
  const total = (await table(bcd, `by=organisation&counting=full&organisation_id=${o.id}`)).rows[0];
  const years = await table(bcd, `by=year&counting=full&organisation_id=${o.id}`);
  assert.equal(years.rows.reduce((s, r) => s + r.p, 0), total.p);
  for (let i = 1; i < years.rows.length; i++) assert.ok(years.rows[i - 1].year < years.rows[i].year);
  const fields = await table(bcd, `by=field&counting=full&organisation_id=${o.id}`);
  assert.ok(fields.rows.every((r) => r.field_id && r.field));
  assert.ok(fields.rows.reduce((s, r) => s + r.p, 0) <= total.p);
  const y = years.rows[0].year;
  const one = await table(bcd, `by=organisation&counting=full&organisation_id=${o.id}&from=${y}&to=${y}`);
  assert.equal(one.rows[0].p, years.rows[0].p);
  const field = fields.rows[0];
  const byField = await table(bcd, `by=organisation&counting=full&organisation_id=${o.id}&field=${field.field_id}`);
  assert.equal(byField.rows[0].p, field.p);
});

test('an organisation page gives its years in both countings', { skip }, async () => {
  const o = orgs[0];
  const r = await anon.get(`/api/v1/stmap/organisations/${o.id}/indicators`);
  assert.equal(r.status, 200, r.text);
  const want = expected.get(o.inst);
  assert.equal(r.json.organisation.organisation_id, o.id);
  assert.equal(r.json.total.full.p, want.works.size);
  assert.ok(Math.abs(r.json.total.fractional.p - want.frac) < 1e-9);
  assert.equal(r.json.years.reduce((s, y) => s + y.full.p, 0), want.works.size);
  assert.ok(r.json.total.full.mncs_lo <= r.json.total.full.mncs && r.json.total.full.mncs <= r.json.total.full.mncs_hi);
  assert.equal(typeof r.json.outputs.patents, 'number');
  assert.ok(!('contract_value' in r.json.outputs), 'contract values are for signed-in people');
  const signed = await bcd.get(`/api/v1/stmap/organisations/${o.id}/indicators`);
  assert.ok('contract_value' in signed.json.outputs);
  assert.equal((await anon.get('/api/v1/stmap/organisations/999999/indicators')).status, 404);
});

test('the public sees published organisations only; bad parameters are named', { skip }, async () => {
  const hidden = orgs.find((o) => !o.published);
  const pub = await table(anon, 'by=organisation');
  assert.ok(!pub.rows.some((r) => r.organisation_id === hidden.id), 'an unpublished organisation is not shown to the public');
  assert.ok(pub.rows.some((r) => r.organisation_id === orgs[0].id));
  assert.ok(!pub.rows.some((r) => 'contract_value' in r));
  assert.equal((await anon.get(`/api/v1/stmap/organisations/${hidden.id}/indicators`)).status, 404);
  const signed = await table(bcd, 'by=organisation');
  assert.ok(signed.rows.some((r) => r.organisation_id === hidden.id));
  const bad = await anon.get('/api/v1/stmap/indicators?by=galaxy');
  assert.equal(bad.status, 422);
  assert.match(bad.json.error.message, /galaxy/);
  assert.equal((await anon.get('/api/v1/stmap/indicators?counting=half')).status, 422);
  assert.equal((await anon.get('/api/v1/stmap/indicators?from=2020&to=2010')).status, 422);
  assert.equal((await anon.get('/api/v1/stmap/indicators?kind=castle')).status, 422);
  const kind = await table(bcd, 'by=organisation&kind=enterprise');
  assert.deepEqual(kind.rows.map((r) => r.kind), kind.rows.map(() => 'enterprise'));
});

test('every table comes as a workbook with Vietnamese column titles', { skip }, async () => {
  for (const by of ['organisation', 'commune', 'field', 'year']) {
    const json = await table(bcd, `by=${by}&counting=full`);
    const r = await bcd.get(`/api/v1/stmap/indicators?by=${by}&counting=full&format=xlsx`);
    assert.equal(r.status, 200, `${by}: ${r.text.slice(0, 200)}`);
    assert.match(r.headers.get('content-type'), /spreadsheetml/);
    const { rows } = readSheet(r.bytes);
    const head = rows.findIndex((row) => row.includes('P – Số công bố'));
    assert.ok(head >= 0, `${by}: a header row with the indicators' titles`);
    assert.ok(rows[head].includes('MNCS – Trích dẫn chuẩn hóa bình quân'));
    assert.equal(rows.length - head - 1, json.rows.length, `${by}: one line per row`);
  }
  const page = await bcd.get(`/api/v1/stmap/organisations/${orgs[0].id}/indicators?format=xlsx`);
  assert.equal(page.status, 200);
  const { rows } = readSheet(page.bytes);
  const head = rows.findIndex((row) => row.includes('Cách đếm'));
  assert.ok(head >= 0 && rows[head].includes('PP(top 10%) – cận trên'), 'a year and counting per line, intervals included');
});

test('a programme indicator computed from the registry counts the publications of a unit\'s subtree', { skip }, async () => {
  const r = await bcd.post('/api/v1/indicators', { code: 'KHCN-CB', name_vi: 'Số công bố khoa học (đếm phân số)', direction: 'up',
    aggregation: 'sum', registry: { entity: 'publication', measure: 'count', mode: 'flow', from: 2000 } });
  assert.equal(r.status, 201, r.text);
  const bad = await bcd.post('/api/v1/indicators', { code: 'KHCN-X', name_vi: 'Thử', direction: 'up', aggregation: 'sum',
    registry: { entity: 'publication', measure: 'count', mode: 'stock' } });
  assert.equal(bad.status, 422);
  const city = (await bcd.get('/api/v1/units?limit=500')).json.units.find((u) => u.code === '01');
  const years = (await table(bcd, 'by=year&counting=fractional')).rows.filter((y) => y.year >= 2000)
    .sort((a, b) => b.p - a.p).slice(0, 3).map((y) => y.year);
  const got = await bcd.get(`/api/v1/rollup?indicator=KHCN-CB&unit_id=${city.id}&periods=${years.join(',')}`);
  assert.equal(got.status, 200, got.text);
  const value = Object.fromEntries(got.json.values.map((v) => [v.period, v.value]));
  for (const y of years) {
    const communes = (await table(bcd, `by=commune&counting=fractional&from=${y}&to=${y}`)).rows;
    const want = communes.reduce((s, c) => s + c.p, 0);
    assert.ok(want > 0 && Math.abs((value[String(y)] ?? 0) - want) < 1e-6, `${y}: roll-up ${value[String(y)]}, table ${want}`);
  }
  const commune = (await table(bcd, `by=commune&counting=fractional&from=${years[0]}&to=${years[0]}`)).rows[0];
  const rec = await bcd.get(`/api/v1/indicators/${r.json.id}/registry?unit_id=${commune.unit_id}&period=${years[0]}`);
  assert.equal(rec.status, 200, rec.text);
  assert.ok(Math.abs(rec.json.value - commune.p) < 1e-6, 'the records behind the figure add up to it');
  assert.equal(rec.json.records.length, commune.n_organisations);
});

test('new works change the figures at once', { skip }, async () => {
  const o = orgs[1];
  const before = (await table(bcd, `by=organisation&counting=full&organisation_id=${o.id}`)).rows[0].p;
  const work = { id: 'https://openalex.org/W9999999991', title: 'Một công trình thử nghiệm', publication_year: 2024,
    type: 'article', cited_by_count: 3,
    authorships: [{ author_position: 'first', author: { id: 'https://openalex.org/A1', display_name: 'Nguyễn Văn A' },
      institutions: [{ id: `https://openalex.org/${o.inst}`, display_name: 'Thử', country_code: 'VN', type: 'education' }] }] };
  // the programme indicator counting publications (made by the test above)
  // follows the import in the same transaction
  const city = (await bcd.get('/api/v1/units?limit=500')).json.units.find((u) => u.code === '01');
  const rollup = async () => (await bcd.get(`/api/v1/rollup?indicator=KHCN-CB&unit_id=${city.id}&periods=2024`)).json.values
    .find((v) => v.period === '2024')?.value ?? 0;
  const inCity = (await bcd.get(`/api/v1/organisations/${o.id}`)).json.unit_id != null;
  const programmeBefore = await rollup();
  const imp = await bcd.post('/api/v1/outputs/works/import', `${JSON.stringify(work)}\n`, { 'content-type': 'application/x-ndjson' });
  assert.equal(imp.status, 200, imp.text);
  const now = (await table(bcd, `by=organisation&counting=full&organisation_id=${o.id}`)).rows[0].p;
  assert.equal(now, before + 1);
  if (inCity) assert.ok(Math.abs(await rollup() - programmeBefore - 1) < 1e-9, 'the city\'s programme figure of 2024 grew by the new work');
});
