// Units: importing the official lists as they are, bad files changing
// nothing, search with and without diacritics, moves keeping history,
// export and re-import, and who may write.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, dbExec, runCli } from '../lib/server.mjs';
import { addUser, importUnits, signIn, client } from '../lib/auth.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = path.resolve(root, '..', 'shared', 'data', 'vn-admin-2025');
const haveShared = existsSync(path.join(shared, 'communes.csv'));

let srv, admin, communeAdmin;
const unitCount = () => Number(dbExec(srv.db, 'SELECT COUNT(*) FROM unit'));
const idOf = (code) => Number(dbExec(srv.db, `SELECT id FROM unit WHERE code = '${code}'`));

before(async () => {
  srv = await startServer();
  await importUnits(srv, [
    'code,name,parent_code,kind',
    'HN,Thành phố Hà Nội,,province',
    'HN-KHCN,Sở Khoa học và Công nghệ,HN,department',
    'HN-TTDMST,Trung tâm Đổi mới sáng tạo Hà Nội,HN-KHCN,innovation_centre',
    'P-BD,Phường Ba Đình,HN,commune',
    'P-NH,Phường Ngọc Hà,HN,commune',
    'P-DD,Phường Đống Đa,HN,commune',
  ].join('\n'));
  await addUser(srv, 'admin', { role: 'admin', unit: 'HN' });
  await addUser(srv, 'bd-admin', { role: 'admin', unit: 'P-BD' });
  admin = await signIn(srv, 'admin');
  communeAdmin = await signIn(srv, 'bd-admin');
});
after(async () => { await srv?.stop(); });

test('the official province and commune lists import as they are', { skip: haveShared ? false : 'needs ../shared/data' }, async () => {
  const s = await startServer();
  try {
    for (const f of ['provinces.csv', 'communes.csv']) {
      const r = await runCli(['unit', 'import', path.join(shared, f), '--db', s.db]);
      assert.equal(r.code, 0, r.stderr);
    }
    const roots = await client(s).get('/api/v1/units?parent_id=root&limit=100');
    assert.equal(roots.json.total, 34);
    const hn = roots.json.units.find((u) => u.code === '01');
    assert.equal(hn.name, 'Thành phố Hà Nội');
    assert.equal(hn.kind, 'province');
    assert.equal(hn.n_children, 126);
    const communes = await client(s).get('/api/v1/units?kind=commune&limit=1');
    assert.equal(communes.json.total, 3321);
    const under = await client(s).get(`/api/v1/units?under=${hn.id}&limit=1`);
    assert.equal(under.json.total, 127, 'the city and its 126 communes');
    const expected = readFileSync(path.join(shared, 'communes.csv'), 'utf8').split('\n').filter((l) => l.endsWith(',01') || l.endsWith(',01\r')).length;
    assert.equal(expected, 126);
  } finally {
    await s.stop();
  }
});

test('a file with bad rows changes nothing and names every bad line', async () => {
  const before = unitCount();
  const csv = [
    'code,name,parent_code,kind',
    'X-1,Đơn vị tốt,HN,other',
    'X-2,Đơn vị lạc,KHONG-CO,other',
    'X-3,,HN,other',
    'X-1,Đơn vị trùng mã,HN,other',
    'X-4,Đơn vị tốt khác,HN,other',
  ].join('\n');
  const r = await admin.post('/api/v1/units/import', csv, { 'content-type': 'text/csv' });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.error.details.map((d) => d.line), [3, 4, 5]);
  assert.match(r.json.error.details[0].message, /KHONG-CO/);
  assert.match(r.json.error.details[1].message, /empty/);
  assert.match(r.json.error.details[2].message, /line 2/);
  assert.equal(unitCount(), before);
  // The same through the command line: every line on stderr, exit 1.
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const dir = mkdtempSync(path.join(srv.dir, 'csv-'));
  writeFileSync(path.join(dir, 'bad.csv'), csv);
  const cli = await runCli(['unit', 'import', path.join(dir, 'bad.csv'), '--db', srv.db]);
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, /bad\.csv:3: parent code 'KHONG-CO'/);
  assert.match(cli.stderr, /bad\.csv:4: the name is empty/);
  assert.match(cli.stderr, /bad\.csv:5: code 'X-1' is also on line 2/);
  assert.equal(unitCount(), before);
});

test('search finds names with or without diacritics, and codes', async () => {
  for (const q of ['ha noi', 'Hà Nội', 'HÀ NỘI', 'Ha\u0300 Nô\u0323i']) {
    const r = await client(srv).get(`/api/v1/units?q=${encodeURIComponent(q)}`);
    assert.ok(r.json.units.some((u) => u.name === 'Thành phố Hà Nội'), q);
  }
  const dd = await client(srv).get('/api/v1/units?q=dong%20da');
  assert.deepEqual(dd.json.units.map((u) => u.code), ['P-DD'], 'đ folds to d');
  const code = await client(srv).get('/api/v1/units?q=hn-kh');
  assert.deepEqual(code.json.units.map((u) => u.code), ['HN-KHCN']);
});

test('moving a unit moves its subtree and keeps its history; not under itself', async () => {
  const centre = idOf('HN-TTDMST');
  const r = await admin.patch(`/api/v1/units/${centre}`, { parent_id: idOf('P-NH') });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.parent_code, 'P-NH');
  assert.deepEqual(r.json.ancestors.map((a) => a.code), ['HN', 'P-NH']);
  assert.equal(r.json.history.length, 2);
  assert.equal(r.json.history[0].parent_code, 'HN-KHCN');
  assert.ok(r.json.history[0].valid_to, 'the old place is closed');
  assert.equal(r.json.history[1].valid_to, null);
  const under = await admin.get(`/api/v1/units?under=${idOf('P-NH')}`);
  assert.ok(under.json.units.some((u) => u.code === 'HN-TTDMST'));
  const notUnder = await admin.get(`/api/v1/units?under=${idOf('HN-KHCN')}`);
  assert.ok(!notUnder.json.units.some((u) => u.code === 'HN-TTDMST'));
  const loop = await admin.patch(`/api/v1/units/${idOf('P-NH')}`, { parent_id: centre });
  assert.equal(loop.status, 422, loop.text);
  assert.match(loop.json.error.message, /under itself/);
  const audit = await admin.get(`/api/v1/audit?entity=unit&entity_id=${centre}`);
  assert.equal(audit.json.entries[0].action, 'move');
  assert.equal(audit.json.entries[0].before.parent_code, 'HN-KHCN');
  assert.equal(audit.json.entries[0].after.parent_code, 'P-NH');
});

test('export then import changes nothing', async () => {
  const res = await fetch(`${srv.url}/api/v1/units/export`, { headers: { cookie: admin.cookie } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/csv/);
  assert.match(res.headers.get('content-disposition'), /units\.csv/);
  const csv = await res.text();
  assert.match(csv, /^code,name,kind,parent_code,active,public\r\n/);
  const auditBefore = dbExec(srv.db, 'SELECT COUNT(*) FROM audit');
  const r = await admin.post('/api/v1/units/import', csv, { 'content-type': 'text/csv' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.created, r.json.updated], [0, 0]);
  assert.equal(dbExec(srv.db, 'SELECT COUNT(*) FROM audit'), auditBefore);
});

test('creating units: an administrator within its subtree only; anonymous not at all', async () => {
  const mine = await communeAdmin.post('/api/v1/units', { code: 'BD-TDP1', name: 'Tổ dân phố số 1', kind: 'other', parent_code: 'P-BD' });
  assert.equal(mine.status, 201, mine.text);
  assert.equal(mine.json.depth, 2);
  const before = unitCount();
  const theirs = await communeAdmin.post('/api/v1/units', { code: 'NH-TDP1', name: 'Tổ dân phố số 1', kind: 'other', parent_code: 'P-NH' });
  assert.equal(theirs.status, 403);
  const aRoot = await admin.post('/api/v1/units', { code: 'HCM', name: 'Thành phố Hồ Chí Minh', kind: 'province' });
  assert.equal(aRoot.status, 403, 'new roots come from the command line');
  const anon = await client(srv).post('/api/v1/units', { code: 'Z', name: 'Z', kind: 'other', parent_code: 'HN' });
  assert.equal(anon.status, 401);
  const dup = await admin.post('/api/v1/units', { code: 'P-NH', name: 'Trùng mã', kind: 'commune', parent_code: 'HN' });
  assert.equal(dup.status, 409);
  const badKind = await admin.post('/api/v1/units', { code: 'K1', name: 'Loại lạ', kind: 'castle', parent_code: 'HN' });
  assert.equal(badKind.status, 422);
  assert.equal(unitCount(), before);
});

test('anonymous callers see public, active units only', async () => {
  assert.equal((await admin.patch(`/api/v1/units/${idOf('P-DD')}`, { public: false })).status, 200);
  const anon = await client(srv).get('/api/v1/units?limit=1000');
  assert.ok(!anon.json.units.some((u) => u.code === 'P-DD'));
  assert.equal((await client(srv).get(`/api/v1/units/${idOf('P-DD')}`)).status, 404);
  const signed = await admin.get('/api/v1/units?limit=1000');
  assert.ok(signed.json.units.some((u) => u.code === 'P-DD' && u.public === false));
  assert.equal((await admin.patch(`/api/v1/units/${idOf('P-DD')}`, { public: true })).status, 200);
});
