// Writers wait their turn (issue 17, item 7): while the city's data officer
// imports a values file of about 20 MB (some 350,000 values of the demo's
// units and indicators, one transaction), officers keep saving their
// drafts; every save is answered 200 — it may wait for the import, it is
// never refused with "database is locked" — and the import saves the
// whole file. SQLite has one writer at a time, so this is where a save
// used to fail; PostgreSQL locks rows, and there the file is 2 MB so that
// the (slower) import keeps the test short.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoServer } from '../lib/demo.mjs';
import { addUser, signIn } from '../lib/auth.mjs';
import { dbExec, onPostgres } from '../lib/server.mjs';

let srv, bcd, loader, officer;
before(async () => {
  srv = await startDemoServer();
  await addUser(srv, 'nhaplieu', { role: 'officer', unit: '01' });
  bcd = await signIn(srv, 'bcd');
  loader = await signIn(srv, 'nhaplieu');
  officer = await signIn(srv, 'hoankiem');
});
after(async () => { await srv?.stop(); });

// Every unit of the demo for every indicator that takes values, one month
// at a time from 2030 on, until the file is just under the upload limit.
async function bigFile() {
  const units = (await bcd.get('/api/v1/units?limit=500')).json.units.map((u) => u.code);
  const indicators = (await bcd.get('/api/v1/indicators?limit=500')).json.indicators.filter((i) => !i.formula && !i.registry).map((i) => i.code);
  const lines = ['indicator_code,unit_code,period,value,note'];
  let size = lines[0].length + 1, rows = 0;
  const note = 'nhập khối lượng lớn';
  const bytes = onPostgres ? 2e6 : 19.5e6;
  for (let m = 0; size < bytes; m++) {
    const period = `${2030 + Math.floor(m / 12)}${String(m % 12 + 1).padStart(2, '0')}`;
    for (const i of indicators) {
      for (const u of units) {
        const line = `${i},${u},${period},${(rows % 97) + 0.5},${note}`;
        lines.push(line);
        size += Buffer.byteLength(line) + 1;
        rows++;
      }
    }
  }
  return { text: lines.join('\n') + '\n', rows };
}

test('saves made during a 20 MB import wait their turn instead of failing; the import saves the whole file', async (t) => {
  const { text, rows } = await bigFile();
  assert.ok(rows > (onPostgres ? 30000 : 300000), `${rows} rows`);
  const started = Date.now();
  let importDone = 0;
  const importing = loader.post('/api/v1/values/import', text, { 'content-type': 'text/csv' })
    .then((r) => { importDone = Date.now(); return r; });
  // Saves one after the other, from the moment the file is on its way
  // until the import has answered.
  const saves = [];
  for (let k = 0; !importDone; k++) {
    const t0 = Date.now();
    const r = await officer.put('/api/v1/values', { indicator_code: 'DN-KHCN', unit_code: '00070', period: '2027Q1', value: k, note: `lần ${k}` });
    saves.push({ k, status: r.status, text: r.text, t0, ms: Date.now() - t0 });
    if (!importDone) await new Promise((ok) => setTimeout(ok, 100));
  }
  const imported = await importing;
  assert.equal(imported.status, 200, imported.text.slice(0, 500));
  assert.equal(imported.json.created + imported.json.updated, rows, 'every row of the file is saved');
  const refused = saves.filter((s) => s.status !== 200);
  assert.deepEqual(refused.map((s) => `${s.status} ${s.text}`), [], 'no save was refused');
  assert.ok(!saves.some((s) => /locked|busy/i.test(s.text)));
  const during = saves.filter((s) => s.t0 < importDone);
  assert.ok(during.length >= 2, `saves made during the import: ${during.length}`);
  const last = saves[saves.length - 1];
  assert.equal(dbExec(srv.db, "SELECT v.value FROM indicator_value v JOIN unit u ON u.id = v.unit_id JOIN indicator i ON i.id = v.indicator_id " +
    "WHERE u.code = '00070' AND i.code = 'DN-KHCN' AND v.period = '2027Q1'") * 1, last.k, 'the last save is the value kept');
  const slowest = Math.max(...saves.map((s) => s.ms));
  t.diagnostic(`import of ${rows} rows (${(Buffer.byteLength(text) / 1e6).toFixed(1)} MB): ${importDone - started} ms; ` +
    `${saves.length} saves, the slowest ${slowest} ms`);
});
