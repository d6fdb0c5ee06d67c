// Values returned, fixed and resubmitted; a unit's drafts of a period
// submitted at once (all or nothing, every refusal named); a selection
// approved at once; the review queue with each value's context (previous
// value, target, the unit's trend, note, evidence); who may do each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbExec } from '../lib/server.mjs';
import { addUser, importUnits, signIn, client } from '../lib/auth.mjs';
import { saveDraft as draft } from '../lib/values.mjs';

let srv, bcd, ba, hk;
const people = {};
const ids = {};

before(async () => {
  srv = await startServer();
  await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n'
    + '00004,Phường Ba Đình,01,commune\n00008,Phường Ngọc Hà,01,commune\n');
  await addUser(srv, 'bcd', { role: 'steering', unit: '01' });
  await addUser(srv, 'badinh', { name: 'Cán bộ Ba Đình', role: 'officer', unit: '00004' });
  await addUser(srv, 'ngocha', { role: 'officer', unit: '00008' });
  // one of each role whose subtree is Ba Đình: its values are "own", Ngọc Hà's "other"
  for (const role of ['steering', 'admin', 'officer', 'viewer']) {
    await addUser(srv, `${role}4`, { role, unit: '00004' });
    people[role] = await signIn(srv, `${role}4`);
  }
  bcd = await signIn(srv, 'bcd');
  ba = await signIn(srv, 'badinh');
  hk = await signIn(srv, 'ngocha');
  const mk = async (b) => {
    const r = await bcd.post('/api/v1/indicators', { direction: 'up', ...b });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  ids.dn = await mk({ code: 'DN-KHCN', name_vi: 'Số doanh nghiệp khoa học và công nghệ', measure: 'doanh nghiệp', aggregation: 'sum',
    targets: [{ unit_code: '01', period: '2025', value: 200 }, { unit_code: '01', period: '2026', value: 260 }] });
  ids.g5 = await mk({ code: '5G-PHU', name_vi: 'Tỷ lệ phủ sóng 5G', measure: '%', aggregation: 'mean',
    targets: [{ unit_code: '01', period: '2030', value: 100 }, { unit_code: '00004', period: '2026Q4', value: 90 }] });
  // Ba Đình's approved history: three quarters of each indicator
  for (const [q, dn, g5] of [['2025Q4', 3, 61], ['2026Q1', 4, 66], ['2026Q2', 5, 70]]) {
    for (const [code, value] of [['DN-KHCN', dn], ['5G-PHU', g5]]) {
      const v = await ba.put('/api/v1/values', { indicator_code: code, unit_code: '00004', period: q, value });
      assert.equal(v.status, 200, v.text);
      assert.equal((await ba.post(`/api/v1/values/${v.json.id}/submit`)).status, 200);
      assert.equal((await bcd.post(`/api/v1/values/${v.json.id}/approve`)).status, 200);
    }
  }
});
after(async () => { await srv?.stop(); });


// What a refused write must leave as it was.
const state = () => [
  dbExec(srv.db, 'SELECT id, status, value FROM indicator_value ORDER BY id'),
  dbExec(srv.db, 'SELECT COUNT(*) FROM indicator_value_history'),
  dbExec(srv.db, 'SELECT COUNT(*) FROM audit'),
].join('\n');

test('a unit submits all its drafts of a period at once, returned ones included; the list says what each person may do', async () => {
  const a = await draft(ba, 'DN-KHCN', '00004', '2026Q3', 6, 'Theo danh sách Sở KH&CN');
  const b = await draft(ba, '5G-PHU', '00004', '2026Q3', 74);
  const up = await ba.post(`/api/v1/attachments?entity=indicator_value&entity_id=${b}&name=${encodeURIComponent('Báo cáo nhà mạng.pdf')}`,
    Buffer.from('%PDF-1.4\n% phu song 5G\n%%EOF\n'), { 'content-type': 'application/octet-stream' });
  assert.equal(up.status, 201, up.text);
  const other = await draft(hk, 'DN-KHCN', '00008', '2026Q3', 2);

  const mine = await ba.get('/api/v1/values?period=2026Q3');
  const row = mine.json.values.find((v) => v.id === a);
  assert.equal(row.unit_name, 'Phường Ba Đình');
  assert.equal(row.indicator_name, 'Số doanh nghiệp khoa học và công nghệ');
  assert.equal(row.measure, 'doanh nghiệp');
  assert.equal(row.note, 'Theo danh sách Sở KH&CN');
  assert.equal(row.period_label_vi, 'Quý III/2026');
  assert.deepEqual(row.can, { edit: true, submit: true, approve: false, return: false });
  assert.equal(mine.json.values.some((v) => v.id === other), false, 'another commune\'s draft is not listed');
  const seen = await bcd.get('/api/v1/values?period=2026Q3');
  assert.deepEqual(seen.json.values.find((v) => v.id === a).can, { edit: false, submit: false, approve: false, return: false },
    'the steering office neither edits nor approves a draft');

  const r = await ba.post('/api/v1/values/submit', { unit_code: '00004', period: '2026Q3' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.count, 2);
  assert.deepEqual(r.json.values.map((v) => v.status), ['submitted', 'submitted']);
  assert.equal(dbExec(srv.db, `SELECT status FROM indicator_value WHERE id = ${other}`), 'draft', 'another unit\'s draft stays');

  // nothing left to submit: said, nothing changed
  const again = await ba.post('/api/v1/values/submit', { unit_code: '00004', period: '2026Q3' });
  assert.equal(again.status, 409, again.text);
  assert.equal(again.json.error.template, "unit '%s' has no draft or returned value for %s");
  assert.deepEqual(again.json.error.params, ['00004', '2026Q3']);

  // returned with a reason: the unit sees the reason, who and when, fixes and resubmits
  const ret = await bcd.post(`/api/v1/values/${b}/return`, { reason: 'Số liệu quý trước là 70%, kiểm tra lại' });
  assert.equal(ret.status, 200, ret.text);
  const after = (await ba.get('/api/v1/values?period=2026Q3')).json.values.find((v) => v.id === b);
  assert.equal(after.status, 'returned');
  assert.equal(after.reason, 'Số liệu quý trước là 70%, kiểm tra lại');
  assert.equal(after.last_return.reason, 'Số liệu quý trước là 70%, kiểm tra lại');
  assert.equal(after.last_return.by, 'bcd');
  assert.match(after.last_return.at, /^\d{4}-\d\d-\d\dT/);
  assert.deepEqual(after.can, { edit: true, submit: true, approve: false, return: false });
  await draft(ba, '5G-PHU', '00004', '2026Q3', 72, 'Đã đối chiếu với nhà mạng');
  const re = await ba.post('/api/v1/values/submit', { unit_id: ba.me.grants[0].unit_id, period: '2026Q3' });
  assert.equal(re.status, 200, re.text);
  assert.deepEqual(re.json.values.map((v) => [v.id, v.value, v.status]), [[b, 72, 'submitted']]);
  const hist = (await ba.get(`/api/v1/values/${b}`)).json.history;
  assert.deepEqual(hist.map((h) => h.action), ['save', 'submit', 'return', 'save', 'submit']);
  assert.ok(hist.some((h) => h.action === 'return' && h.reason === 'Số liệu quý trước là 70%, kiểm tra lại' && h.by_name === 'bcd'));
});

test('a submission with one refused row saves nothing and names that row', async () => {
  const a = await draft(ba, 'DN-KHCN', '00004', '2027Q1', 7);
  const b = await draft(ba, '5G-PHU', '00004', '2027Q1', 75);
  const foreign = await draft(hk, '5G-PHU', '00008', '2027Q1', 50);
  const before = state();
  const r = await ba.post('/api/v1/values/submit', { ids: [a, foreign, b] });
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.error.template, '%zu of %zu values cannot be submitted; none was saved', JSON.stringify(r.json.error));
  assert.deepEqual(r.json.error.params, ['1', '3']);
  assert.equal(r.json.error.details.length, 1);
  const d = r.json.error.details[0];
  assert.deepEqual([d.id, d.indicator_code, d.unit_code, d.unit_name, d.period, d.code], [foreign, '5G-PHU', '00008', 'Phường Ngọc Hà', '2027Q1', 'forbidden']);
  assert.ok(d.template && Array.isArray(d.params), 'each refusal can be said in Vietnamese');
  assert.equal(state(), before);

  // a value that is no longer a draft is named as well, with its own reason
  assert.equal((await ba.post(`/api/v1/values/${a}/submit`)).status, 200);
  const before2 = state();
  const c = await ba.post('/api/v1/values/submit', { ids: [a, b] });
  assert.equal(c.status, 409, c.text);
  assert.deepEqual(c.json.error.details.map((x) => [x.id, x.indicator_code, x.code, x.params[0]]), [[a, 'DN-KHCN', 'conflict', 'submitted']]);
  assert.ok(c.json.error.details[0].template);
  assert.equal(state(), before2);
});

test('the queue carries previous value, target, trend, note and evidence; a selection is approved at once', async () => {
  const q = await bcd.get('/api/v1/approvals');
  assert.equal(q.status, 200, q.text);
  const g5 = q.json.values.find((v) => v.indicator_code === '5G-PHU' && v.period === '2026Q3');
  assert.equal(g5.unit_name, 'Phường Ba Đình');
  assert.equal(g5.value, 72);
  assert.equal(g5.note, 'Đã đối chiếu với nhà mạng');
  assert.deepEqual(g5.previous, { period: '2026Q2', value: 70, status: 'approved' });
  assert.deepEqual(g5.target, { period: '2026Q4', value: 90, unit_id: g5.unit_id, unit_name: 'Phường Ba Đình', own: true });
  assert.deepEqual(g5.trend.map((t) => [t.period, t.value]), [['2025Q4', 61], ['2026Q1', 66], ['2026Q2', 70]]);
  assert.deepEqual(g5.evidence.map((f) => [f.name, f.type]), [['Báo cáo nhà mạng.pdf', 'application/pdf']]);
  // shown inside the review page (same origin only) when asked; else downloaded
  const shown = await bcd.get(`/api/v1/attachments/${g5.evidence[0].id}?inline=1`);
  assert.equal(shown.status, 200);
  assert.match(shown.headers.get('content-disposition'), /^inline;/);
  assert.equal(shown.headers.get('x-frame-options'), 'SAMEORIGIN');
  assert.match(shown.headers.get('content-security-policy'), /frame-ancestors 'self'/);
  const saved = await bcd.get(`/api/v1/attachments/${g5.evidence[0].id}`);
  assert.match(saved.headers.get('content-disposition'), /^attachment;/);
  assert.equal(saved.headers.get('x-frame-options'), 'DENY');
  assert.deepEqual(g5.can, { edit: false, submit: false, approve: true, return: true });
  const dn = q.json.values.find((v) => v.indicator_code === 'DN-KHCN' && v.period === '2026Q3');
  assert.equal(dn.target.unit_name, 'Thành phố Hà Nội', 'without a target of its own, the city\'s');
  assert.deepEqual([dn.target.period, dn.target.value, dn.target.own], ['2026', 260, false]);
  assert.equal(q.json.total, q.json.values.length);

  const count = await bcd.get('/api/v1/approvals/count');
  assert.equal(count.status, 200, count.text);
  assert.equal(count.json.values, q.json.values.length);
  assert.equal(count.json.total, count.json.values + count.json.tasks);

  // the steering office of Ba Đình reviews only Ba Đình's
  const local = await people.steering.get('/api/v1/approvals');
  assert.ok(local.json.values.length > 0);
  assert.ok(local.json.values.every((v) => v.unit_name === 'Phường Ba Đình'));
  assert.equal((await people.steering.get('/api/v1/approvals/count')).json.values, local.json.values.length);
  assert.equal((await ba.get('/api/v1/approvals')).status, 403);
  assert.equal((await client(srv).get('/api/v1/approvals/count')).status, 401);

  // a selection with a draft in it changes nothing and names the draft
  const loose = await draft(hk, '5G-PHU', '00008', '2026Q3', 55);
  const before = state();
  const bad = await bcd.post('/api/v1/values/approve', { ids: [g5.id, loose] });
  assert.equal(bad.status, 409, bad.text);
  assert.deepEqual(bad.json.error.details.map((x) => [x.id, x.unit_name, x.params[0]]), [[loose, 'Phường Ngọc Hà', 'draft']]);
  assert.equal(state(), before);

  const ok = await bcd.post('/api/v1/values/approve', { ids: [g5.id, dn.id] });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.count, 2);
  assert.equal(dbExec(srv.db, `SELECT status FROM indicator_value WHERE id IN (${g5.id}, ${dn.id}) GROUP BY status`), 'approved');
  const roll = await client(srv).get(`/api/v1/values?indicator_id=${ids.g5}&period=2026Q3`);
  assert.equal(roll.status, 200);
});

// Every new write, for each role within its own subtree (Ba Đình) and
// another (Ngọc Hà), and anonymous: the status, and nothing changed on refusal.
test('authorisation: submitting a unit\'s period and approving a selection', async () => {
  const own = await draft(ba, 'DN-KHCN', '00004', '2027Q2', 8);
  const other = await draft(hk, 'DN-KHCN', '00008', '2027Q2', 3);
  const cases = [
    // [who, unit, expected status for submit]
    ['steering', '00004', 403], ['steering', '00008', 403],
    ['admin', '00008', 403], ['officer', '00008', 403],
    ['viewer', '00004', 403], ['viewer', '00008', 403],
  ];
  for (const [role, unit, status] of cases) {
    const before = state();
    const r = await people[role].post('/api/v1/values/submit', { unit_code: unit, period: '2027Q2' });
    assert.equal(r.status, status, `${role} submitting ${unit}: ${r.text}`);
    assert.equal(state(), before, `${role} submitting ${unit} changed nothing`);
    const byId = await people[role].post('/api/v1/values/submit', { ids: [unit === '00004' ? own : other] });
    assert.equal(byId.status, 403, `${role} submitting ${unit} by id: ${byId.text}`);
    assert.equal(state(), before);
  }
  let before = state();
  const anon = await client(srv).post('/api/v1/values/submit', { unit_code: '00004', period: '2027Q2' });
  assert.equal(anon.status, 401);
  assert.equal((await client(srv).post('/api/v1/values/approve', { ids: [own] })).status, 401);
  assert.equal(state(), before);

  // the officer and the administrator of Ba Đình may submit its values
  const o = await people.officer.post('/api/v1/values/submit', { unit_code: '00004', period: '2027Q2' });
  assert.equal(o.status, 200, o.text);
  assert.equal((await hk.post('/api/v1/values/submit', { unit_code: '00008', period: '2027Q2' })).status, 200);
  const own2 = await draft(people.admin, '5G-PHU', '00004', '2027Q2', 77);
  assert.equal((await people.admin.post('/api/v1/values/submit', { ids: [own2] })).status, 200);

  // approving: steering and admin within their subtree; nobody else
  for (const [role, id, status] of [['officer', own, 403], ['viewer', own, 403], ['steering', other, 403], ['admin', other, 403],
    ['officer', other, 403], ['viewer', other, 403]]) {
    before = state();
    const r = await people[role].post('/api/v1/values/approve', { ids: [id] });
    assert.equal(r.status, status, `${role} approving ${id}: ${r.text}`);
    assert.equal(state(), before);
  }
  assert.equal((await people.steering.post('/api/v1/values/approve', { ids: [own] })).status, 200);
  assert.equal((await people.admin.post('/api/v1/values/approve', { ids: [own2] })).status, 200);
  assert.equal(dbExec(srv.db, `SELECT status FROM indicator_value WHERE id = ${other}`), 'submitted');
});
