// Inputs that fuzzing (fuzz/) found to break the server, replayed over
// HTTP against the real binary: each must be answered, and the server must
// go on answering afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, sanitizerReports } from '../lib/server.mjs';
import { addUser, importUnits, signIn } from '../lib/auth.mjs';

let srv, bcd, officer;

before(async () => {
  srv = await startServer();
  await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n'
    + '00070,Phường Hoàn Kiếm,01,commune\n');
  await addUser(srv, 'bcd', { role: 'steering', unit: '01' });
  await addUser(srv, 'hoankiem', { role: 'officer', unit: '00070' });
  bcd = await signIn(srv, 'bcd');
  officer = await signIn(srv, 'hoankiem');
  const r = await bcd.post('/api/v1/indicators', { code: 'DVC', name_vi: 'Dịch vụ công trực tuyến', measure: '%',
    direction: 'up', aggregation: 'mean' });
  assert.equal(r.status, 201, r.text);
});

after(async () => {
  if (srv) await srv.stop();
});

// fuzz/regressions/request/value-of-period-9999Q4: the deadline of a
// period at the end of the calendar failed an assertion, which stopped
// the whole server for everyone.
test('a value for the last quarter of year 9999 is answered and the server stays up', async () => {
  const r = await officer.put('/api/v1/values', { indicator_code: 'DVC', unit_code: '00070', period: '9999Q4',
    value: 1 });
  assert.ok(r.status < 500, `${r.status} ${r.text}`);
  const list = await officer.get('/api/v1/values?period=9999Q4');
  assert.equal(list.status, 200, list.text);
  for (const v of list.json.values) assert.equal(v.deadline, '9999-12-31');
  const health = await officer.get('/api/v1/health');
  assert.equal(health.status, 200);
  assert.deepEqual(sanitizerReports(srv.logs()), []);
});

// fuzz/regressions/request/json-escape-before-non-ascii-500: a backslash
// before a non-ASCII character in a JSON body; the parser's message cut
// the character in two, the error answer could not be built and the
// client got a plain-text 500.
test('a JSON body with a backslash before a Vietnamese letter gets the error shape, not a 500', async () => {
  const body = Buffer.concat([Buffer.from('{"code": "\\'), Buffer.from('ư', 'utf8'), Buffer.from('"}')]);
  const r = await bcd.post('/api/v1/units', new Uint8Array(body), { 'content-type': 'application/json' });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.message, /invalid JSON at line 1/);
  assert.equal(Buffer.from(r.json.error.message, 'utf8').toString('utf8'), r.json.error.message);
  assert.equal((await bcd.get('/api/v1/health')).status, 200);
  assert.deepEqual(sanitizerReports(srv.logs()), []);
});

// fuzz/regressions/request/long-vietnamese-path-500: the 404 message of a
// long path was cut at its length limit inside a Vietnamese letter; the
// answer could not be built and the client got a plain-text 500.
test('a long unknown path in Vietnamese gets a 404 in the error shape, not a 500', async () => {
  const words = encodeURIComponent('ữ').repeat(300);   // three bytes each: two of three cuts fall inside one
  for (let cut = 0; cut < 3; cut++) {
    const r = await bcd.patch(`/api/v1/khong-co/${'x'.repeat(cut)}${words}`, {});
    assert.equal(r.status, 404, r.text);
    assert.match(r.json.error.message, /^no such resource: \/api\/v1\/khong-co\//);
  }
  assert.equal((await bcd.get('/api/v1/health')).status, 200);
  assert.deepEqual(sanitizerReports(srv.logs()), []);
});
