// The value cycle on a test clock: save → submit → return → save →
// submit (late) → approve, with who may do each step and who may see it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, dbExec, runCli } from '../lib/server.mjs';
import { addUser, importUnits, signIn, client } from '../lib/auth.mjs';

const clockFile = path.join(mkdtempSync(path.join(tmpdir(), 'nq57-clock-')), 'now');
const setClock = (iso) => writeFileSync(clockFile, `${iso}\n`);

let srv, steering, officerA, officerB, rd, share;
before(async () => {
  setClock('2025-10-05T09:00:00Z');
  srv = await startServer({ env: { NQ57_TEST_CLOCK_FILE: clockFile } });
  await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n00004,Phường Ba Đình,01,commune\n00008,Phường Ngọc Hà,01,commune\n');
  await addUser(srv, 'bcd', { role: 'steering', unit: '01' });
  await addUser(srv, 'can-bo-bd', { role: 'officer', unit: '00004' });
  await addUser(srv, 'can-bo-nh', { role: 'officer', unit: '00008' });
  steering = await signIn(srv, 'bcd');
  officerA = await signIn(srv, 'can-bo-bd');
  officerB = await signIn(srv, 'can-bo-nh');
  rd = (await steering.post('/api/v1/indicators', { code: 'NL-RD', name_vi: 'Nhân lực nghiên cứu và phát triển', measure: 'người/vạn dân', direction: 'up', aggregation: 'mean' })).json;
  await steering.post('/api/v1/indicators', { code: 'DS', name_vi: 'Dân số', measure: 'người', direction: 'exact', aggregation: 'sum' });
  share = (await steering.post('/api/v1/indicators', { code: 'RD-DS', name_vi: 'Tỷ lệ', direction: 'up', aggregation: 'none', formula: '{NL-RD} / DS' })).json;
  assert.equal(share.code, 'RD-DS', JSON.stringify(share));
  assert.equal(rd.code, 'NL-RD');
});
after(async () => { await srv?.stop(); });

async function put(c, body) {
  const res = await fetch(`${srv.url}/api/v1/values`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(c.cookie ? { cookie: c.cookie } : {}), ...(c.csrf ? { 'x-csrf-token': c.csrf } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

test('save, submit, return, save, submit late, approve — with the history kept', async () => {
  const key = { indicator_code: 'NL-RD', unit_code: '00004', period: '2025Q3' };
  const a = await put(officerA, { ...key, value: 12, note: 'Số liệu sơ bộ' });
  assert.equal(a.status, 200, JSON.stringify(a.json));
  assert.equal(a.json.status, 'draft');
  assert.equal(a.json.deadline, '2025-10-15', 'the end of Q3 plus 15 days');
  const id = a.json.id;

  const s1 = await officerA.post(`/api/v1/values/${id}/submit`);
  assert.equal(s1.status, 200, s1.text);
  assert.equal(s1.json.status, 'submitted');
  assert.equal(s1.json.late, false);
  assert.equal(s1.json.submitted_at, '2025-10-05T09:00:00Z');

  const locked = await put(officerA, { ...key, value: 99 });
  assert.equal(locked.status, 409, 'a submitted value does not change');
  assert.equal((await officerA.post(`/api/v1/values/${id}/approve`)).status, 403, 'officers do not approve');
  assert.equal((await steering.post(`/api/v1/values/${id}/return`, {})).status, 422, 'a return needs a reason');
  const r = await steering.post(`/api/v1/values/${id}/return`, { reason: 'Thiếu minh chứng' });
  assert.equal(r.json.status, 'returned');
  assert.equal(r.json.reason, 'Thiếu minh chứng');

  const a2 = await put(officerA, { ...key, value: 13, note: 'Đã bổ sung' });
  assert.equal(a2.json.status, 'draft');
  // Fifteen days on, yesterday's sessions have ended: sign in again.
  setClock('2025-10-20T08:00:00Z');
  assert.equal((await officerA.get('/api/v1/session')).status, 401, 'sessions end after 12 hours');
  officerA = await signIn(srv, 'can-bo-bd');
  steering = await signIn(srv, 'bcd');
  const s2 = await officerA.post(`/api/v1/values/${id}/submit`);
  assert.equal(s2.json.late, true, 'submitted after the deadline');
  const ok = await steering.post(`/api/v1/values/${id}/approve`);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.status, 'approved');
  assert.equal(ok.json.value, 13);
  assert.deepEqual(ok.json.history.map((h) => `${h.action}:${h.status}`),
    ['save:draft', 'submit:submitted', 'return:returned', 'save:draft', 'submit:submitted', 'approve:approved']);
  assert.equal((await steering.post(`/api/v1/values/${id}/approve`)).status, 409, 'approved once');
  const v = await runCli(['audit', 'verify', '--db', srv.db]);
  assert.equal(v.code, 0, v.stderr);
});

test('an officer reports only for its own unit and sees others only once approved', async () => {
  officerB = await signIn(srv, 'can-bo-nh');
  const other = await put(officerA, { indicator_code: 'NL-RD', unit_code: '00008', period: '2025Q3', value: 5 });
  assert.equal(other.status, 403);
  const mine = await put(officerB, { indicator_code: 'NL-RD', unit_code: '00008', period: '2025Q3', value: 5 });
  assert.equal(mine.status, 200);
  assert.equal((await officerA.get(`/api/v1/values/${mine.json.id}`)).status, 403, 'a draft of another unit is private');
  assert.equal((await officerA.post(`/api/v1/values/${mine.json.id}/submit`)).status, 403);
  const seen = await officerA.get('/api/v1/values?period=2025Q3');
  assert.deepEqual(seen.json.values.map((x) => x.unit_code), ['00004'], 'its own approved value only');
  const all = await steering.get('/api/v1/values?period=2025Q3');
  assert.deepEqual(all.json.values.map((x) => [x.unit_code, x.status]), [['00004', 'approved'], ['00008', 'draft']]);
  const anon = await client(srv).get('/api/v1/values?indicator_id=' + rd.id);
  assert.deepEqual(anon.json.values.map((x) => x.status), ['approved']);
});

test('the list of one unit\'s values holds that unit\'s only, of every indicator, by period', async () => {
  assert.equal((await put(officerB, { indicator_code: 'DS', unit_code: '00008', period: '2025Q3', value: 9000 })).status, 200);
  assert.equal((await put(officerB, { indicator_code: 'DS', unit_code: '00008', period: '2025Q4', value: 9100 })).status, 200);
  const unit8 = dbExec(srv.db, "SELECT id FROM unit WHERE code = '00008'");
  const rows = async (q) => (await steering.get(`/api/v1/values?unit_id=${unit8}${q}`)).json.values.map((x) => [x.indicator_code, x.unit_code, x.period]);
  assert.deepEqual(await rows(''), [['DS', '00008', '2025Q3'], ['DS', '00008', '2025Q4'], ['NL-RD', '00008', '2025Q3']]);
  assert.deepEqual(await rows('&period=2025Q3'), [['DS', '00008', '2025Q3'], ['NL-RD', '00008', '2025Q3']]);
  assert.deepEqual(await rows(`&period=2025Q3&indicator_id=${rd.id}`), [['NL-RD', '00008', '2025Q3']]);
});

test('bad keys and derived indicators are refused and save nothing', async () => {
  const before = dbExec(srv.db, 'SELECT COUNT(*) FROM indicator_value');
  const cases = [
    [{ indicator_code: 'RD-DS', unit_code: '00004', period: '2025Q3', value: 1 }, /derived/],
    [{ indicator_code: 'KHONG', unit_code: '00004', period: '2025Q3', value: 1 }, /no such indicator/],
    [{ indicator_code: 'NL-RD', unit_code: '99999', period: '2025Q3', value: 1 }, /no such unit/],
    [{ indicator_code: 'NL-RD', unit_code: '00004', period: '2025Q5', value: 1 }, /2025Q5/],
    [{ indicator_code: 'NL-RD', unit_code: '00004', period: '2025Q2', value: '12,5' }, /value/],
  ];
  for (const [body, pattern] of cases) {
    const r = await put(officerA, body);
    assert.equal(r.status, 422, JSON.stringify(r.json));
    assert.match(r.json.error.message, pattern);
  }
  assert.equal(dbExec(srv.db, 'SELECT COUNT(*) FROM indicator_value'), before);
  void share;
});
