// Files in and out store exactly what they should: CSV exports that a
// spreadsheet opens as text, never as formulas; imports that refuse NUL
// bytes, bytes that are not UTF-8 and rows of the wrong width, and store
// text in NFC; integers checked before they are narrowed; answers that
// never show the database's host or port; a full disk answered 507 with
// nothing half-stored; request paths with NUL or non-UTF-8 bytes answered
// in the one JSON error shape.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, dbExec, onPostgres, runCli } from '../lib/server.mjs';
import { addUser, importUnits, signIn, client } from '../lib/auth.mjs';
import { unzip, writeSheet } from '../lib/xlsx.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let srv, officer, steering, admin;
before(async () => {
  srv = await startServer();
  await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n00004,Phường Ba Đình,01,commune\n00008,Phường Ngọc Hà,01,commune\n');
  await addUser(srv, 'bcd', { role: 'steering', unit: '01' });
  await addUser(srv, 'quantri', { role: 'admin', unit: '01' });
  await addUser(srv, 'can-bo-bd', { role: 'officer', unit: '00004' });
  steering = await signIn(srv, 'bcd');
  admin = await signIn(srv, 'quantri');
  officer = await signIn(srv, 'can-bo-bd');
  for (const code of ['GRDP', 'DN-KHCN']) {
    const r = await steering.post('/api/v1/indicators', { code, name_vi: `Chỉ tiêu ${code}`, direction: 'up', aggregation: 'sum' });
    assert.equal(r.status, 201, r.text);
  }
});
after(async () => { await srv?.stop(); });

const csvPost = (c, url, body, type = 'text/csv') => c.post(url, body, { 'content-type': type });
const values = () => Number(dbExec(srv.db, 'SELECT COUNT(*) FROM indicator_value'));
const NFD = 'Ha\u0300 N\u00f4\u0323i ghi chu\u0301';   // "Hà Nội ghi chú" typed decomposed
const NFC = NFD.normalize('NFC');

// ------------------------------------------------------------ exports

const FORMULAS = ['=HYPERLINK("http://x","y")', '+SUM(A1:A9)', '-2+3', '@cmd', '\tTAB', '\rCR=1'];

test('CSV exports write text cells that begin with = + - @ tab or CR as text, and numbers as numbers', async () => {
  const periods = ['2030Q1', '2030Q2', '2030Q3', '2030Q4', '203011', '203012'];
  const rows = FORMULAS.map((note, i) => `GRDP,00004,${periods[i]},${i === 0 ? -5 : i},"${note.replace(/"/g, '""')}"`);
  const r = await csvPost(officer, '/api/v1/values/import', ['indicator_code,unit_code,period,value,note', ...rows].join('\n'));
  assert.equal(r.status, 200, r.text);

  const quoted = (v) => `"'${v.replace(/"/g, '""')}"`;
  const ours = await officer.get('/api/v1/values/export?format=csv');
  assert.equal(ours.status, 200, ours.text);
  for (const f of FORMULAS)
    assert.ok(ours.text.includes(quoted(f)), `values export neutralises ${JSON.stringify(f)}:\n${ours.text}`);
  assert.match(ours.text, /^GRDP,00004,2030Q1,-5,/m, 'a negative value stays a number');
  assert.doesNotMatch(ours.text, /(^|,)[=+@]/m, 'no cell starts a formula');

  const dhis2 = await officer.get(`/api/v1/dataValueSets?format=csv&${periods.map((p) => `period=${p}`).join('&')}`);
  assert.equal(dhis2.status, 200, dhis2.text);
  for (const f of FORMULAS)
    assert.ok(dhis2.text.includes(quoted(f)), `dataValueSets CSV neutralises ${JSON.stringify(f)}:\n${dhis2.text}`);
  assert.match(dhis2.text, /^GRDP,2030Q1,00004,,,-5,/m, 'a negative value stays a number');

  // XLSX keeps the same notes as inline text, with no formula anywhere
  const xlsx = await officer.get('/api/v1/values/export?format=xlsx');
  assert.equal(xlsx.status, 200);
  const sheet = unzip(xlsx.bytes).get('xl/worksheets/sheet1.xml').toString('utf8');
  assert.doesNotMatch(sheet, /<f[ >]/, 'no formula element');
  assert.match(sheet, /t="inlineStr"><is><t[^>]*>=HYPERLINK\((&quot;|")http:\/\/x/, 'the note is an inline string');

  // units: the anonymous export
  const u = await admin.post('/api/v1/units', { code: '00010', name: '=HYPERLINK("http://x","Phường")', kind: 'commune', parent_code: '01' });
  assert.equal(u.status, 201, u.text);
  const anon = await client(srv).get('/api/v1/units/export');
  assert.equal(anon.status, 200, anon.text);
  assert.ok(anon.text.includes(`00010,"'=HYPERLINK(""http://x"",""Phường"")",commune,01,1,1`), anon.text);
});

// ------------------------------------------------------------ imports

test('a NUL byte or bytes that are not UTF-8 in a values file are refused with line and column; nothing is saved', async () => {
  const before = values();
  const head = Buffer.from('indicator_code,unit_code,period,value,note\nDN-KHCN,00004,2031Q1,1,tốt\n');
  const nul = Buffer.concat([head, Buffer.from('GRDP\0junk,00004,2031Q1,5,\n')]);
  let r = await csvPost(officer, '/api/v1/values/import', nul);
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.template, 'line %d, column %d: the file holds a NUL byte, which is not text');
  assert.deepEqual(r.json.error.params, ['3', '1']);

  const bad = Buffer.concat([head, Buffer.from('GRDP,00004,2031Q2,5,ghi '), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
  r = await csvPost(officer, '/api/v1/values/import', bad);
  assert.equal(r.status, 422, r.text);
  assert.match(r.json.error.message, /^line 3, column 5: the text is not valid UTF-8/);

  const wide = Buffer.concat([head, Buffer.from('GRDP,00004,2034Q1,1,5,x\n')]);
  r = await csvPost(officer, '/api/v1/values/import', wide);
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.message.split(' (')[0], 'line 3 has 6 fields but the header has 5');
  const narrow = Buffer.concat([head, Buffer.from('GRDP,00004,2034Q1\n')]);
  r = await csvPost(officer, '/api/v1/values/import', narrow);
  assert.equal(r.status, 422, r.text);
  assert.match(r.json.error.message, /^line 3 has 3 fields but the header has 5/);
  assert.equal(values(), before, 'a refused file saves nothing, not even its good first row');

  // DHIS2's CSV goes through the same reader
  const dcsv = Buffer.concat([Buffer.from('dataelement,period,orgunit,value,comment\nGRDP,2031Q3,00004,1,ok\nGRDP,2031Q4,00004,2,x'),
    Buffer.from([0]), Buffer.from('y\n')]);
  r = await csvPost(officer, '/api/v1/dataValueSets', dcsv, 'application/csv');
  assert.equal(r.status, 422, r.text);
  assert.match(r.json.error.message, /^line 3, column 5: the file holds a NUL byte/);
  r = await csvPost(officer, '/api/v1/dataValueSets', 'dataelement,period,orgunit,value\nGRDP,2031Q3,00004,1,5\n', 'application/csv');
  assert.equal(r.status, 422, r.text);
  assert.match(r.json.error.message, /^line 2 has 5 fields but the header has 4/);
  assert.equal(values(), before);

  // XLSX: a cell past the header's last column
  const sheet = writeSheet([['indicator_code', 'unit_code', 'period', 'value', 'note'], ['GRDP', '00004', '2031Q1', 1, 'ok'],
    ['GRDP', '00004', '2031Q2', 1, '5', 'x']]);
  r = await csvPost(officer, '/api/v1/values/import', sheet, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.equal(r.status, 422, r.text);
  assert.match(r.json.error.message, /^line 3 has 6 fields but the header has 5/);
  assert.equal(values(), before);
});

test('a units file with a NUL byte, non-UTF-8 bytes or a row of the wrong width changes nothing and names the line', async () => {
  const units = () => dbExec(srv.db, 'SELECT COUNT(*) FROM unit');
  const before = units();
  const head = 'code,name,parent_code,kind\n00020,Phường Một,01,commune\n';
  let r = await csvPost(admin, '/api/v1/units/import', Buffer.concat([Buffer.from(`${head}00021,Safe`), Buffer.from([0]), Buffer.from('<script>,01,commune\n')]));
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.error.details.map((d) => [d.line, d.template]), [[3, 'line %d, column %d: the file holds a NUL byte, which is not text']]);
  r = await csvPost(admin, '/api/v1/units/import', Buffer.concat([Buffer.from(`${head}00021,Ph`), Buffer.from([0xff]), Buffer.from(',01,commune\n')]));
  assert.equal(r.status, 422, r.text);
  assert.match(r.json.error.details[0].message, /^line 3, column 2: the text is not valid UTF-8/);
  r = await csvPost(admin, '/api/v1/units/import', `${head}00021,Phường Hai,01,commune,x\n00022,Phường Ba,01\n`);
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.error.details.map((d) => d.line), [3, 4]);
  assert.equal(units(), before);
  assert.equal(dbExec(srv.db, "SELECT COUNT(*) FROM unit WHERE code IN ('00020', '00021', '00022')"), '0');
});

test('notes are stored in NFC from every entry: CSV, XLSX, DHIS2 JSON and CSV, and the JSON API', async () => {
  const note = (period) => dbExec(srv.db, `SELECT note FROM indicator_value WHERE period = '${period}'`);
  let r = await csvPost(officer, '/api/v1/values/import', `indicator_code,unit_code,period,value,note\nGRDP,00004,2032Q1,1,${NFD}\n`);
  assert.equal(r.status, 200, r.text);
  r = await csvPost(officer, '/api/v1/values/import', writeSheet([['indicator_code', 'unit_code', 'period', 'value', 'note'], ['GRDP', '00004', '2032Q2', 1, NFD]]),
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.equal(r.status, 200, r.text);
  r = await officer.post('/api/v1/dataValueSets', { dataValues: [{ dataElement: 'GRDP', orgUnit: '00004', period: '2032Q3', value: '1', comment: NFD }] });
  assert.equal(r.status, 200, r.text);
  r = await csvPost(officer, '/api/v1/dataValueSets', `dataelement,period,orgunit,value,comment\nGRDP,2032Q4,00004,1,${NFD}\n`, 'application/csv');
  assert.equal(r.status, 200, r.text);
  r = await officer.put('/api/v1/values', { indicator_code: 'GRDP', unit_code: '00004', period: '2033Q1', value: 1, note: NFD });
  assert.equal(r.status, 200, r.text);
  for (const p of ['2032Q1', '2032Q2', '2032Q3', '2032Q4', '2033Q1'])
    assert.equal(note(p), NFC, `the note of ${p} is NFC`);
});

test('a programme file loads its texts in NFC: issuer, objectives, task products', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nq57-prog-'));
  const file = path.join(dir, 'programme.json');
  writeFileSync(file, JSON.stringify({
    documents: [{ number: '7/KH-NFC', kind: 'plan', issued_on: '2025-03-01', issuer: NFD, title: NFD, objectives: [{ code: 'MT-NFC', title: NFD }] }],
    tasks: [{ code: 'NV-NFC', title: NFD, document_number: '7/KH-NFC', lead_unit_code: '00004', product: NFD, deadline: '2030-12-31' }],
  }));
  try {
    const r = await runCli(['programme', 'load', file, '--db', srv.db]);
    assert.equal(r.code, 0, r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(dbExec(srv.db, "SELECT issuer FROM document WHERE number = '7/KH-NFC'"), NFC);
  assert.equal(dbExec(srv.db, "SELECT title FROM objective WHERE code = 'MT-NFC'"), NFC);
  assert.equal(dbExec(srv.db, "SELECT product FROM task WHERE code = 'NV-NFC'"), NFC);
});

// ------------------------------------------------------------ integers

test('task progress outside 0–100 or not a whole number is refused, never wrapped', async () => {
  const doc = await steering.post('/api/v1/documents', { number: '9/KH-IO', kind: 'plan', issued_on: '2025-02-14', title: 'Kế hoạch thử' });
  assert.equal(doc.status, 201, doc.text);
  const t = await steering.post('/api/v1/tasks', { code: 'NV-IO', title: 'Nhiệm vụ thử', document_number: '9/KH-IO', lead_unit_code: '00004', deadline: '2030-12-31' });
  assert.equal(t.status, 201, t.text);
  const id = t.json.id;
  for (const progress of [4294967346, 2 ** 40, -4294967246, 101, -1]) {
    const r = await officer.post(`/api/v1/tasks/${id}/reports`, { progress });
    assert.equal(r.status, 422, `${progress}: ${r.text}`);
    assert.equal(r.json.error.template, "'progress' must be a percentage from 0 to 100");
  }
  for (const progress of [50.5, '50', 1e300]) {
    const r = await officer.post(`/api/v1/tasks/${id}/reports`, { progress });
    assert.equal(r.status, 422, `${progress}: ${r.text}`);
  }
  assert.equal(dbExec(srv.db, `SELECT COUNT(*) FROM task_report WHERE task_id = ${id}`), '0', 'nothing was stored');
  const ok = await officer.post(`/api/v1/tasks/${id}/reports`, { progress: 50 });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.progress, 50);
});

// ------------------------------------------------------------ paths

test('a path with an encoded NUL or bytes that are not UTF-8 answers the JSON error shape', async () => {
  for (const p of ['/api/v1/periods/%00', '/api/v1/periods/2025%00Q1', '/api/v1/periods/%FF', '/api/v1/periods/%C3%28', '/api/v1/units?q=%FF',
    '/api/v1/values?period=2025%00junk']) {
    const res = await fetch(`${srv.url}${p}`);
    assert.equal(res.status, 400, p);
    assert.match(res.headers.get('content-type'), /^application\/json/, p);
    const body = await res.json();
    assert.equal(body.error.code, 'malformed', p);
    assert.ok(body.error.template && body.error.request_id, p);
  }
});

// ------------------------------------------------------------ 503

// It starts and stops a PostgreSQL of its own, so it runs once: in the
// SQLite pass of the suite.
const noOwnPostgres = (!existsSync('/usr/lib/postgresql') && 'no PostgreSQL') || (onPostgres && 'runs in the SQLite pass');
test('with PostgreSQL stopped, a 503 names neither host, port nor the connection', { skip: noOwnPostgres }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nq57-pg-'));
  const start = spawnSync('bash', [path.join(root, 'tests', 'pg.sh'), 'start', dir], { encoding: 'utf8' });
  assert.equal(start.status, 0, start.stderr);
  const url = start.stdout.trim();
  const port = new URL(url).port;
  let server;
  try {
    server = await startServer({ db: url });
    assert.equal((await fetch(`${server.url}/api/v1/health?db=1`)).status, 200);
    spawnSync('bash', [path.join(root, 'tests', 'pg.sh'), 'stop', dir]);
    for (const p of ['/api/v1/health?db=1', '/api/v1/units', '/api/v1/documents']) {
      const res = await fetch(`${server.url}${p}`);
      const text = await res.text();
      assert.equal(res.status, 503, `${p}: ${text}`);
      assert.doesNotMatch(text, /host|port|connect|postgres|127\.0\.0\.1|socket|server at/i, `${p}: ${text}`);
      assert.ok(!text.includes(port), `${p} names the port: ${text}`);
      assert.equal(JSON.parse(text).error.code, 'unavailable');
    }
    assert.match(server.logs(), new RegExp(port), 'the operator still finds the cause in the log');
  } finally {
    await server?.stop();
    spawnSync('bash', [path.join(root, 'tests', 'pg.sh'), 'stop', dir]);
  }
});

// ------------------------------------------------------------ full disk

// A small tmpfs for the data directory (and, on SQLite, the database); the
// test is skipped where mounting is not allowed.
function mountSmall(mb) {
  const dir = mkdtempSync(path.join(tmpdir(), 'nq57-full-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return { dir, free: () => { const s = statfsSync(dir); return s.bavail * s.bsize; },
    unmount() { spawnSync('umount', [dir]); rmSync(dir, { recursive: true, force: true }); } };
}

// Fills the file system but keep bytes.
function fill(m, keep) {
  const size = m.free() - keep;
  if (size > 0) writeFileSync(path.join(m.dir, 'filler'), Buffer.alloc(size));
}

test('a full disk answers 507 with a clear message, and nothing is half-stored', async (t) => {
  const m = mountSmall(24);
  if (!m) return t.skip('mounting a tmpfs is not allowed here');
  let server;
  try {
    const db = onPostgres ? undefined : `sqlite:${path.join(m.dir, 'nq57.db')}`;
    server = await startServer({ db, args: ['--data-dir', path.join(m.dir, 'data')] });
    await importUnits(server, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n00004,Phường Ba Đình,01,commune\n');
    await addUser(server, 'bcd', { role: 'steering', unit: '01' });
    await addUser(server, 'bdinh', { role: 'officer', unit: '00004' });
    const boss = await signIn(server, 'bcd'), me = await signIn(server, 'bdinh');
    assert.equal((await boss.post('/api/v1/indicators', { code: 'GRDP', name_vi: 'GRDP', direction: 'up', aggregation: 'sum' })).status, 201);
    const v = await me.put('/api/v1/values', { indicator_code: 'GRDP', unit_code: '00004', period: '2025Q1', value: 1 });
    assert.equal(v.status, 200, v.text);
    const count = (sql) => dbExec(server.db, sql);

    // evidence larger than the space left
    fill(m, 2 * 1024 * 1024);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3 * 1024 * 1024, 0x20)]);
    const up = await me.post(`/api/v1/attachments?entity=indicator_value&entity_id=${v.json.id}&name=bang-chung.pdf`, pdf,
      { 'content-type': 'application/octet-stream' });
    assert.equal(up.status, 507, up.text);
    assert.equal(up.json.error.code, 'insufficient_storage');
    assert.equal(up.json.error.template, "the server's disk is full; nothing was saved, tell the administrator");
    assert.doesNotMatch(up.text, new RegExp(m.dir), 'no file-system path in the answer');
    assert.equal(count('SELECT COUNT(*) FROM attachment'), '0');
    const left = (d) => (existsSync(d) ? readdirSync(d, { recursive: true }).filter((f) => /\.tmp$/.test(f)) : []);
    assert.deepEqual(left(path.join(m.dir, 'data', 'attachments')), [], 'no half-written file is left');

    if (!onPostgres) {
      // a values import whose rows do not fit in what is left of the database's disk
      fill(m, 0);
      rmSync(path.join(m.dir, 'filler'));
      fill(m, 256 * 1024);
      const rows = ['indicator_code,unit_code,period,value,note'];
      for (let i = 0; i < 4000; i++) rows.push(`GRDP,00004,${2000 + Math.floor(i / 12)}${String((i % 12) + 1).padStart(2, '0')},${i},${'ghi chú '.repeat(60)}`);
      const imp = await me.post('/api/v1/values/import', rows.join('\n'), { 'content-type': 'text/csv' });
      assert.equal(imp.status, 507, imp.text.slice(0, 400));
      assert.equal(imp.json.error.code, 'insufficient_storage');
      assert.equal(count('SELECT COUNT(*) FROM indicator_value'), '1', 'nothing of the file was saved');
    }

    // room again: the same upload is stored
    rmSync(path.join(m.dir, 'filler'));
    const again = await me.post(`/api/v1/attachments?entity=indicator_value&entity_id=${v.json.id}&name=bang-chung.pdf`, pdf,
      { 'content-type': 'application/octet-stream' });
    assert.equal(again.status, 201, again.text);
    assert.match(server.logs(), /No space left on device|database or disk is full|is full/, 'the cause is in the log');
  } finally {
    await server?.stop();
    m.unmount();
  }
});
