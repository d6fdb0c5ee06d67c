// The task cycle on a test clock: assign → progress → completion request →
// return → request again → approve, with the derived status words around
// the deadline and who may do what.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, dbExec, runCli } from '../lib/server.mjs';
import { addUser, importUnits, signIn, client } from '../lib/auth.mjs';

const clockFile = path.join(mkdtempSync(path.join(tmpdir(), 'nq57-clock-')), 'now');
const setClock = (iso) => writeFileSync(clockFile, `${iso}\n`);

let srv;
const as = {};
async function signInAll() {
  for (const login of ['bcd', 'skhcn', 'bdinh', 'nha']) as[login] = await signIn(srv, login);
}

before(async () => {
  setClock('2025-11-01T08:00:00Z');
  srv = await startServer({ env: { NQ57_TEST_CLOCK_FILE: clockFile } });
  await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\nHN-SKHCN,Sở Khoa học và Công nghệ,01,department\n00004,Phường Ba Đình,01,commune\n00008,Phường Ngọc Hà,01,commune\n');
  await addUser(srv, 'bcd', { role: 'steering', unit: '01' });
  await addUser(srv, 'skhcn', { role: 'officer', unit: 'HN-SKHCN' });
  await addUser(srv, 'bdinh', { role: 'officer', unit: '00004' });
  await addUser(srv, 'nha', { role: 'officer', unit: '00008' });
  await signInAll();
  const doc = await as.bcd.post('/api/v1/documents', { number: '43/KH-UBND', kind: 'plan', issued_on: '2025-02-14', title: 'Kế hoạch thực hiện Nghị quyết 57-NQ/TW' });
  assert.equal(doc.status, 201, doc.text);
});
after(async () => { await srv?.stop(); });

test('assign, report, request completion, return, request again, approve — late', async () => {
  const t = await as.bcd.post('/api/v1/tasks', { code: 'NV-01', title: 'Xây dựng bản đồ số khoa học và công nghệ', document_number: '43/KH-UBND',
    lead_unit_code: 'HN-SKHCN', supporting_unit_codes: ['00004'], product: 'Bản đồ số', deadline: '2025-12-31' });
  assert.equal(t.status, 201, t.text);
  assert.equal(t.json.status, 'open_in_time');
  assert.equal(t.json.status_label, 'Chưa hoàn thành – trong hạn');
  assert.deepEqual(t.json.supporting_units.map((u) => u.code), ['00004']);
  const id = t.json.id;

  const p1 = await as.skhcn.post(`/api/v1/tasks/${id}/reports`, { progress: 40, text: 'Đã thu thập dữ liệu' });
  assert.equal(p1.status, 201, p1.text);
  assert.equal(p1.json.progress, 40);
  // A supporting unit reports progress for itself, but cannot request completion.
  assert.equal((await as.bdinh.post(`/api/v1/tasks/${id}/reports`, { progress: 50, unit_code: '00004' })).status, 201);
  assert.equal((await as.bdinh.post(`/api/v1/tasks/${id}/reports`, { progress: 100, unit_code: '00004', complete: true })).status, 422);
  // Another commune is not part of the task.
  assert.equal((await as.nha.post(`/api/v1/tasks/${id}/reports`, { progress: 10 })).status, 403);

  // Two weeks before the deadline with half the work left: due soon.
  setClock('2025-12-20T08:00:00Z');
  await signInAll();
  const soon = await as.bcd.get(`/api/v1/tasks/${id}`);
  assert.equal(soon.json.status, 'open_due_soon');
  assert.equal(soon.json.status_label, 'Sắp đến hạn');

  const req1 = await as.skhcn.post(`/api/v1/tasks/${id}/reports`, { progress: 100, text: 'Đã hoàn thành', complete: true });
  assert.equal(req1.status, 201, req1.text);
  assert.equal(req1.json.completion_waiting, true);
  const rid1 = req1.json.reports.at(-1).id;
  assert.equal((await as.skhcn.post(`/api/v1/tasks/${id}/reports/${rid1}/approve`)).status, 403, 'officers do not approve');
  assert.equal((await as.bcd.post(`/api/v1/tasks/${id}/reports/${rid1}/return`, {})).status, 422, 'a reason is needed');
  const back = await as.bcd.post(`/api/v1/tasks/${id}/reports/${rid1}/return`, { reason: 'Thiếu sản phẩm' });
  assert.equal(back.status, 200, back.text);
  assert.equal(back.json.reports.at(-1).status, 'returned');

  // Past the deadline: overdue, then completed late.
  setClock('2026-01-05T08:00:00Z');
  await signInAll();
  assert.equal((await as.bcd.get(`/api/v1/tasks/${id}`)).json.status, 'open_overdue');
  const req2 = await as.skhcn.post(`/api/v1/tasks/${id}/reports`, { progress: 100, text: 'Đã bổ sung bản đồ', complete: true });
  const rid2 = req2.json.reports.at(-1).id;
  const ok = await as.bcd.post(`/api/v1/tasks/${id}/reports/${rid2}/approve`);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.status, 'done_late');
  assert.equal(ok.json.status_label, 'Hoàn thành quá hạn');
  // On a day before the deadline the same task was still open.
  assert.equal((await as.bcd.get(`/api/v1/tasks/${id}?as_of=2025-11-15`)).json.status, 'open_in_time');
  assert.equal((await as.skhcn.post(`/api/v1/tasks/${id}/reports`, { progress: 100 })).status, 409, 'closed');
  const v = await runCli(['audit', 'verify', '--db', srv.db]);
  assert.equal(v.code, 0, v.stderr);
});

test('done on time, lists filtered by derived status with counts, search without diacritics', async () => {
  setClock('2026-01-10T08:00:00Z');
  await signInAll();
  const t = await as.bcd.post('/api/v1/tasks', { code: 'NV-02', title: 'Đào tạo cán bộ chuyển đổi số', lead_unit_code: '00008', deadline: '2026-03-31' });
  assert.equal(t.status, 201, t.text);
  const r = await as.nha.post(`/api/v1/tasks/${t.json.id}/reports`, { progress: 100, complete: true });
  await as.bcd.post(`/api/v1/tasks/${t.json.id}/reports/${r.json.reports.at(-1).id}/approve`);
  await as.bcd.post('/api/v1/tasks', { code: 'NV-03', title: 'Hạ tầng 5G', lead_unit_code: '00004', deadline: '2025-12-01' });
  const all = await as.bdinh.get('/api/v1/tasks');
  assert.equal(all.status, 200);
  assert.deepEqual(all.json.counts, { done_on_time: 1, done_late: 1, open_overdue: 1, open_due_soon: 0, open_in_time: 0 });
  const overdue = await as.bdinh.get('/api/v1/tasks?status=open_overdue');
  assert.deepEqual(overdue.json.tasks.map((x) => x.code), ['NV-03']);
  const found = await as.bdinh.get('/api/v1/tasks?q=dao%20tao%20can%20bo');
  assert.deepEqual(found.json.tasks.map((x) => x.code), ['NV-02']);
  const mine = await as.bdinh.get(`/api/v1/tasks?unit_id=${dbExec(srv.db, "SELECT id FROM unit WHERE code = '00004'")}`);
  assert.deepEqual(mine.json.tasks.map((x) => x.code).sort(), ['NV-01', 'NV-03'], 'lead or supporting');
  assert.equal((await as.bdinh.get('/api/v1/tasks?status=late')).status, 422);
  assert.equal((await client(srv).get('/api/v1/tasks')).status, 401);
});

test('only those who may assign over the lead unit create tasks', async () => {
  const before = dbExec(srv.db, 'SELECT COUNT(*) FROM task');
  assert.equal((await as.bdinh.post('/api/v1/tasks', { code: 'X1', title: 'x', lead_unit_code: '00004' })).status, 403);
  assert.equal((await client(srv).post('/api/v1/tasks', { code: 'X1', title: 'x', lead_unit_code: '00004' })).status, 401);
  assert.equal((await as.bcd.post('/api/v1/tasks', { code: 'X1', title: 'x', lead_unit_code: 'KHONG' })).status, 422);
  assert.equal((await as.bcd.post('/api/v1/tasks', { code: 'X1', title: 'x', lead_unit_code: '00004', deadline: '31/12/2025' })).status, 422);
  assert.equal((await as.bcd.post('/api/v1/tasks', { code: 'NV-01', title: 'x', lead_unit_code: '00004' })).status, 409);
  assert.equal(dbExec(srv.db, 'SELECT COUNT(*) FROM task'), before);
});

test('a quarterly task: each quarter is an occurrence due 15 days after it ends, reported and approved on its own', async () => {
  setClock('2026-02-01T08:00:00Z');
  await signInAll();
  assert.equal((await as.bcd.post('/api/v1/tasks', { code: 'NV-Q0', title: 'x', lead_unit_code: 'HN-SKHCN', recurrence: 'quarterly' })).status, 422,
    'a recurring task needs the day it starts');
  assert.equal((await as.bcd.post('/api/v1/tasks', { code: 'NV-Q0', title: 'x', lead_unit_code: 'HN-SKHCN', recurrence: 'monthly', starts_on: '2026-01-01' })).status, 422);
  const t = await as.bcd.post('/api/v1/tasks', { code: 'NV-Q1', title: 'Báo cáo định kỳ hằng quý về đổi mới sáng tạo', lead_unit_code: 'HN-SKHCN',
    recurrence: 'quarterly', starts_on: '2026-01-01', due_days: 15 });
  assert.equal(t.status, 201, t.text);
  assert.deepEqual([t.json.period, t.json.period_deadline, t.json.status], ['2026Q1', '2026-04-15', 'open_in_time']);
  const id = t.json.id;

  setClock('2026-04-05T08:00:00Z');   // Q1 is over, its report due in ten days
  await signInAll();
  let now = await as.bcd.get(`/api/v1/tasks/${id}`);
  assert.deepEqual([now.json.period, now.json.status], ['2026Q1', 'open_due_soon']);
  assert.equal((await as.skhcn.post(`/api/v1/tasks/${id}/reports`, { progress: 50, period: '2026Q3' })).status, 422, 'a quarter that has not started');
  assert.equal((await as.skhcn.post(`/api/v1/tasks/${id}/reports`, { progress: 50, period: '2026' })).status, 422, 'not a quarter');
  const req = await as.skhcn.post(`/api/v1/tasks/${id}/reports`, { progress: 100, text: 'Báo cáo quý I', complete: true });
  assert.equal(req.status, 201, req.text);
  const rid = req.json.reports.at(-1).id;
  assert.equal(req.json.reports.at(-1).period, '2026Q1');
  assert.equal((await as.bcd.post(`/api/v1/tasks/${id}/reports/${rid}/approve`)).status, 200);
  now = await as.bcd.get(`/api/v1/tasks/${id}`);
  assert.deepEqual([now.json.period, now.json.period_deadline, now.json.status], ['2026Q2', '2026-07-15', 'open_in_time'],
    'Q1 done on time; the running quarter decides');

  setClock('2026-07-20T08:00:00Z');   // Q2's report is five days late
  await signInAll();
  now = await as.bcd.get(`/api/v1/tasks/${id}`);
  assert.deepEqual([now.json.period, now.json.status], ['2026Q2', 'open_overdue']);
  const overdue = await as.bcd.get('/api/v1/tasks?status=open_overdue');
  assert.ok(overdue.json.tasks.some((x) => x.code === 'NV-Q1'));
  // Q2 completed late: Q3 decides, and Q2's approval is kept.
  const late = await as.skhcn.post(`/api/v1/tasks/${id}/reports`, { progress: 100, complete: true, period: '2026Q2' });
  assert.equal(late.status, 201, late.text);
  assert.equal((await as.bcd.post(`/api/v1/tasks/${id}/reports/${late.json.reports.at(-1).id}/approve`)).status, 200);
  now = await as.bcd.get(`/api/v1/tasks/${id}`);
  assert.deepEqual([now.json.period, now.json.status], ['2026Q3', 'open_in_time']);
  assert.equal((await as.skhcn.post(`/api/v1/tasks/${id}/reports`, { progress: 10, period: '2026Q1' })).status, 409, 'an approved quarter takes no more reports');
});

test('task lists filter by document, the deciding deadline and waiting completion requests; sorted by that deadline', async () => {
  const all = (await as.bcd.get('/api/v1/tasks?limit=100')).json.tasks;
  const due = (x) => x.period_deadline || x.deadline || '9999';
  assert.deepEqual(all.map(due), [...all.map(due)].sort(), 'ordered by the deadline that decides the status');
  const docId = dbExec(srv.db, "SELECT id FROM document WHERE number = '43/KH-UBND'");
  const byDoc = await as.bcd.get(`/api/v1/tasks?document_id=${docId}`);
  assert.deepEqual(byDoc.json.tasks.map((x) => x.code).sort(), all.filter((x) => x.document_number === '43/KH-UBND').map((x) => x.code).sort());
  assert.ok(byDoc.json.total > 0);
  const window = await as.bcd.get('/api/v1/tasks?due_from=2026-07-01&due_to=2026-12-31');
  assert.ok(window.json.tasks.length > 0);
  assert.ok(window.json.tasks.every((x) => due(x) >= '2026-07-01' && due(x) <= '2026-12-31'), JSON.stringify(window.json.tasks.map(due)));
  assert.equal(window.json.total, all.filter((x) => due(x) >= '2026-07-01' && due(x) <= '2026-12-31').length);
  assert.equal((await as.bcd.get('/api/v1/tasks?due_from=31/12/2026')).status, 422);
  const waiting = await as.bcd.get('/api/v1/tasks?waiting=1');
  assert.deepEqual(waiting.json.tasks.map((x) => x.code), all.filter((x) => x.completion_waiting).map((x) => x.code));
});
