// The task page: one task by id or code with everything its page shows;
// "my tasks" with the unit's role; a supporting unit's contribution with
// evidence; comments; deadline extension requests approved (the deadline
// and the status move, the history keeps both dates) or refused; and who
// may write each of these, with nothing changed on a refusal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, dbExec } from '../lib/server.mjs';
import { addUser, importUnits, signIn, client } from '../lib/auth.mjs';

const clockFile = path.join(mkdtempSync(path.join(tmpdir(), 'nq57-clock-')), 'now');
const setClock = (iso) => writeFileSync(clockFile, `${iso}\n`);

// The city; a department that leads; a commune that supports; and, for
// "other subtree", a second department and commune with a task of their own.
const UNITS = [
  'code,name,parent_code,kind',
  'HN,Thành phố Hà Nội,,province',
  'HN-SYT,Sở Y tế,HN,department',
  '00070,Phường Hoàn Kiếm,HN,commune',
  'HN-SCT,Sở Công Thương,HN,department',
  '00008,Phường Ngọc Hà,HN,commune',
].join('\n') + '\n';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

let srv;
const as = {};
async function signInAll() {
  for (const login of Object.keys(as)) as[login] = await signIn(srv, login);
}

before(async () => {
  setClock('2026-03-01T08:00:00Z');
  srv = await startServer({ env: { NQ57_TEST_CLOCK_FILE: clockFile } });
  await importUnits(srv, UNITS);
  const people = {
    bcd: ['steering', 'HN'], quantri: ['admin', 'HN'], xem: ['viewer', 'HN'],
    syt: ['officer', 'HN-SYT'], hoankiem: ['officer', '00070'], sct: ['officer', 'HN-SCT'], ngocha: ['officer', '00008'],
  };
  for (const [login, [role, unit]] of Object.entries(people)) {
    await addUser(srv, login, { name: `Người ${login}`, role, unit });
    as[login] = null;
  }
  await signInAll();
  const doc = await as.bcd.post('/api/v1/documents', { number: '43/KH-UBND', kind: 'plan', issued_on: '2025-02-14', title: 'Kế hoạch 43' });
  assert.equal(doc.status, 201, doc.text);
  for (const [code, lead, support, deadline] of [['NV-005', 'HN-SYT', ['00070'], '2026-06-30'], ['NV-009', 'HN-SCT', ['00008'], '2026-09-30'],
    ['NV-010', 'HN-SCT', ['HN-SYT'], '2026-12-31']]) {
    const t = await as.bcd.post('/api/v1/tasks', { code, title: `Nhiệm vụ ${code}`, document_number: '43/KH-UBND', lead_unit_code: lead,
      supporting_unit_codes: support, product: 'Báo cáo', deadline });
    assert.equal(t.status, 201, t.text);
  }
});
after(async () => { await srv?.stop(); });

const count = (table) => Number(dbExec(srv.db, `SELECT COUNT(*) FROM ${table}`));
const deadlineOf = (code) => dbExec(srv.db, `SELECT deadline FROM task WHERE code = '${code}'`);
// What a refused write must leave alone.
const snapshot = () => ({ comments: count('task_comment'), extensions: count('task_extension'), audit: count('audit'),
  deadlines: dbExec(srv.db, 'SELECT code, deadline FROM task ORDER BY code'),
  decided: dbExec(srv.db, "SELECT COUNT(*) FROM task_extension WHERE status <> 'submitted'") });

test('a task is opened by its code with its document, units, dates, role and what the caller may do', async () => {
  const byCode = await as.syt.get('/api/v1/tasks/NV-005');
  assert.equal(byCode.status, 200, byCode.text);
  const t = byCode.json;
  const byId = await as.syt.get(`/api/v1/tasks/${t.id}`);
  assert.equal(byId.json.code, 'NV-005');
  assert.equal(t.document_number, '43/KH-UBND');
  assert.equal(typeof t.document_id, 'number');
  assert.deepEqual(t.lead_unit, { id: t.lead_unit_id, code: 'HN-SYT', name: 'Sở Y tế' });
  assert.deepEqual(t.supporting_units.map((u) => u.name), ['Phường Hoàn Kiếm']);
  assert.equal(t.deadline, '2026-06-30');
  assert.equal(t.original_deadline, '2026-06-30');
  assert.equal(t.my_role, 'lead');
  assert.deepEqual(t.can, { report_lead: true, report_support: [], request_completion: true, review: false, comment: true,
    request_extension: true, decide_extension: false });
  assert.deepEqual(t.comments, []);
  assert.deepEqual(t.extensions, []);
  assert.deepEqual(t.contributions.map((c) => [c.unit.code, c.report]), [['00070', null]]);

  const support = (await as.hoankiem.get('/api/v1/tasks/NV-005')).json;
  assert.equal(support.my_role, 'support');
  assert.deepEqual(support.can.report_support, ['00070']);
  assert.equal(support.can.report_lead, false);
  assert.equal(support.can.request_extension, false);
  assert.equal(support.can.comment, true);

  const steering = (await as.bcd.get('/api/v1/tasks/NV-005')).json;
  assert.equal(steering.my_role, null);
  assert.equal(steering.can.comment, true);
  assert.equal(steering.can.report_lead, false);

  const viewer = (await as.xem.get('/api/v1/tasks/NV-005')).json;
  assert.equal(viewer.my_role, null);
  assert.ok(Object.entries(viewer.can).every(([, v]) => v === false || (Array.isArray(v) && v.length === 0)), JSON.stringify(viewer.can));

  assert.equal((await client(srv).get('/api/v1/tasks/NV-005')).status, 401);
  const missing = await as.syt.get('/api/v1/tasks/NV-999');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.template, "no task with code '%s'");
});

test('mine=1 lists the tasks of my units with my role; every item names its units', async () => {
  const sytTasks = (await as.syt.get('/api/v1/tasks?mine=1')).json;
  assert.deepEqual(sytTasks.tasks.map((t) => [t.code, t.my_role]), [['NV-005', 'lead'], ['NV-010', 'support']]);
  const ngocha = (await as.ngocha.get('/api/v1/tasks?mine=1')).json;
  assert.deepEqual(ngocha.tasks.map((t) => [t.code, t.my_role]), [['NV-009', 'support']]);
  assert.equal(ngocha.total, 1);
  // Without mine=1 every task, each with its lead and supporting units' names.
  const all = (await as.ngocha.get('/api/v1/tasks')).json;
  assert.equal(all.total, 3);
  const nv10 = all.tasks.find((t) => t.code === 'NV-010');
  assert.equal(nv10.lead_unit_name, 'Sở Công Thương');
  assert.deepEqual(nv10.supporting_units.map((u) => u.name), ['Sở Y tế']);
  assert.equal(nv10.my_role, null);
  // A viewer has no unit role, so no tasks of its own.
  assert.equal((await as.xem.get('/api/v1/tasks?mine=1')).json.total, 0);
});

test('a supporting unit reports its contribution with evidence; the lead and the steering office see it', async () => {
  // Sent as the form of the supporting unit sends it, with its unit_code ...
  const r = await as.hoankiem.post('/api/v1/tasks/NV-005/reports', { progress: 60, text: 'Đã khảo sát 12 cơ sở', unit_code: '00070' });
  assert.equal(r.status, 201, r.text);
  const report = r.json.reports.at(-1);
  assert.equal(report.unit_name, 'Phường Hoàn Kiếm');
  assert.equal(report.role, 'support');
  const up = await as.hoankiem.post(`/api/v1/attachments?entity=task_report&entity_id=${report.id}&name=${encodeURIComponent('khảo sát.pdf')}`,
    PDF, { 'content-type': 'application/octet-stream' });
  assert.equal(up.status, 201, up.text);
  // ... and without one: the unit it may report for is taken.
  const plain = await as.hoankiem.post('/api/v1/tasks/NV-005/reports', { progress: 70, text: 'Bổ sung' });
  assert.equal(plain.status, 201, plain.text);
  assert.equal(plain.json.reports.at(-1).unit_code, '00070');
  // The supporting unit's own percentage is its contribution, not the task's progress.
  assert.equal(plain.json.progress, 0);
  // It may not ask for completion.
  assert.equal((await as.hoankiem.post('/api/v1/tasks/NV-005/reports', { progress: 100, complete: true })).status, 422);

  for (const who of ['syt', 'bcd']) {
    const page = (await as[who].get('/api/v1/tasks/NV-005')).json;
    const c = page.contributions.find((x) => x.unit.code === '00070');
    assert.equal(c.report.progress, 70, who);
    assert.equal(c.report.text, 'Bổ sung');
    const first = page.reports.find((x) => x.id === report.id);
    assert.deepEqual(first.evidence.map((e) => [e.name, e.type, e.size]), [['khảo sát.pdf', 'application/pdf', PDF.length]]);
    assert.deepEqual(page.progress_history, []);
    // The lead unit reads its supporting unit's evidence, as the steering office does.
    assert.equal(first.can_download, true, who);
    const file = await as[who].get(`/api/v1/attachments/${first.evidence[0].id}`);
    assert.equal(file.status, 200, `${who}: ${file.text}`);
    assert.deepEqual(file.bytes, PDF);
  }
  // A unit that is neither the reporting unit nor the lead may not.
  const evidence = (await as.bcd.get('/api/v1/tasks/NV-005')).json.reports.find((x) => x.id === report.id).evidence[0];
  assert.equal((await as.ngocha.get(`/api/v1/attachments/${evidence.id}`)).status, 403);
  assert.equal((await as.ngocha.get('/api/v1/tasks/NV-005')).json.reports.find((x) => x.id === report.id).can_download, false);
  const lead = await as.syt.post('/api/v1/tasks/NV-005/reports', { progress: 40, text: 'Đã thu thập dữ liệu' });
  assert.equal(lead.json.progress, 40);
  assert.deepEqual(lead.json.progress_history.map((h) => h.progress), [40]);
});

test('completion returned with a reason, resubmitted and approved; the page says who reviewed and why', async () => {
  const req1 = await as.syt.post('/api/v1/tasks/NV-005/reports', { progress: 100, text: 'Đã xong', complete: true });
  assert.equal(req1.status, 201, req1.text);
  assert.equal(req1.json.can.request_completion, false);
  assert.equal((await as.bcd.get('/api/v1/tasks/NV-005')).json.can.review, true);
  const rid = req1.json.reports.at(-1).id;
  const back = await as.bcd.post(`/api/v1/tasks/NV-005/reports/${rid}/return`, { reason: 'Thiếu bản đồ' });
  assert.equal(back.status, 200, back.text);
  const returned = (await as.syt.get('/api/v1/tasks/NV-005')).json.reports.find((x) => x.id === rid);
  assert.equal(returned.status, 'returned');
  assert.equal(returned.reason, 'Thiếu bản đồ');
  assert.equal(returned.reviewed_by, 'bcd');
  assert.equal(returned.reviewed_by_name, 'Người bcd');
  assert.match(returned.reviewed_at, /^2026-03-01/);
  assert.equal((await as.syt.get('/api/v1/tasks/NV-005')).json.can.request_completion, true);
});

test('comments from the task units and the steering office, in order, audited', async () => {
  const c1 = await as.hoankiem.post('/api/v1/tasks/NV-005/comments', { text: 'Xin hướng dẫn mẫu báo cáo?' });
  assert.equal(c1.status, 201, c1.text);
  const c2 = await as.bcd.post('/api/v1/tasks/NV-005/comments', { text: '  Dùng mẫu số 2.  ' });
  assert.equal(c2.status, 201, c2.text);
  const list = c2.json.comments;
  assert.deepEqual(list.map((c) => [c.person.login, c.unit?.name ?? null, c.text]),
    [['hoankiem', 'Phường Hoàn Kiếm', 'Xin hướng dẫn mẫu báo cáo?'], ['bcd', null, 'Dùng mẫu số 2.']]);
  const empty = await as.syt.post('/api/v1/tasks/NV-005/comments', { text: '   ' });
  assert.equal(empty.status, 422);
  assert.equal(empty.json.error.template, "'text': write the comment");
  const audit = dbExec(srv.db, "SELECT action, entity FROM audit WHERE entity = 'task_comment' ORDER BY seq");
  assert.equal(audit, 'comment|task_comment\ncomment|task_comment');
});

test('an extension approved moves the deadline and the status; refused keeps it; the history keeps both dates', async () => {
  // NV-009 is due 30/09/2026; on 20/09 with little done it is due soon.
  setClock('2026-09-20T08:00:00Z');
  await signInAll();
  assert.equal((await as.sct.get('/api/v1/tasks/NV-009')).json.status, 'open_due_soon');
  const bad = await as.sct.post('/api/v1/tasks/NV-009/extensions', { proposed_deadline: '2026-09-01', reason: 'Chậm vốn' });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.template, "'proposed_deadline' %s must be later than the deadline %s");
  const noReason = await as.sct.post('/api/v1/tasks/NV-009/extensions', { proposed_deadline: '2026-12-31', reason: ' ' });
  assert.equal(noReason.status, 422);

  const ask = await as.sct.post('/api/v1/tasks/NV-009/extensions', { proposed_deadline: '2026-12-31', reason: 'Chờ phân bổ vốn' });
  assert.equal(ask.status, 201, ask.text);
  assert.equal(ask.json.extension_waiting, true);
  assert.equal(ask.json.can.request_extension, false);
  const eid = ask.json.extensions[0].id;
  assert.equal((await as.sct.post('/api/v1/tasks/NV-009/extensions', { proposed_deadline: '2027-01-31', reason: 'Lần hai' })).status, 409,
    'one request waits at a time');
  assert.equal((await as.bcd.get('/api/v1/tasks/NV-009')).json.can.decide_extension, true);

  const ok = await as.bcd.post(`/api/v1/tasks/NV-009/extensions/${eid}/approve`);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.deadline, '2026-12-31');
  assert.equal(ok.json.original_deadline, '2026-09-30');
  assert.equal(ok.json.status, 'open_in_time');
  assert.deepEqual(ok.json.extensions.map((e) => [e.status, e.previous_deadline, e.proposed_deadline, e.decided_by.login]),
    [['approved', '2026-09-30', '2026-12-31', 'bcd']]);
  assert.equal(ok.json.can.decide_extension, false);
  assert.equal((await as.bcd.post(`/api/v1/tasks/NV-009/extensions/${eid}/approve`)).status, 409, 'decided once');
  assert.equal((await as.sct.get('/api/v1/tasks?mine=1')).json.tasks.find((t) => t.code === 'NV-009').deadline, '2026-12-31');

  // A second request, refused: the deadline stays; both rows remain.
  const again = await as.sct.post('/api/v1/tasks/NV-009/extensions', { proposed_deadline: '2027-03-31', reason: 'Thêm hạng mục' });
  const eid2 = again.json.extensions.at(-1).id;
  assert.equal((await as.bcd.post(`/api/v1/tasks/NV-009/extensions/${eid2}/refuse`, {})).status, 422, 'a refusal says why');
  const no = await as.bcd.post(`/api/v1/tasks/NV-009/extensions/${eid2}/refuse`, { reason: 'Không có căn cứ' });
  assert.equal(no.status, 200, no.text);
  assert.equal(no.json.deadline, '2026-12-31');
  assert.equal(no.json.original_deadline, '2026-09-30');
  assert.deepEqual(no.json.extensions.map((e) => [e.status, e.decision_reason]), [['approved', null], ['refused', 'Không có căn cứ']]);
  const trail = dbExec(srv.db, "SELECT action FROM audit WHERE entity IN ('task_extension', 'task') AND action LIKE '%exten%' ORDER BY seq");
  assert.equal(trail, 'request_extension\napprove_extension\nextend_deadline\nrequest_extension\nrefuse_extension');
  setClock('2026-03-01T08:00:00Z');
  await signInAll();
});

// ------------------------------------------------------------ the matrix

// Each role granted on its own subtree (NV-005's units: Sở Y tế leads,
// Phường Hoàn Kiếm supports) and acting on a task of another subtree (NV-009).
test('authorisation of every new write: 4 roles × own/other subtree + anonymous; nothing changes on refusal', async () => {
  await addUser(srv, 'm-admin', { role: 'admin', unit: 'HN-SYT' });
  await addUser(srv, 'm-steering', { role: 'steering', unit: 'HN-SYT' });
  await addUser(srv, 'm-officer', { role: 'officer', unit: 'HN-SYT' });
  await addUser(srv, 'm-viewer', { role: 'viewer', unit: 'HN-SYT' });
  const who = { admin: await signIn(srv, 'm-admin'), steering: await signIn(srv, 'm-steering'), officer: await signIn(srv, 'm-officer'),
    viewer: await signIn(srv, 'm-viewer'), anonymous: client(srv) };
  // A fresh waiting extension of the task, asked by its lead unit's officer.
  const lead = { own: { code: 'NV-005', as: as.syt }, other: { code: 'NV-009', as: as.sct } };
  let n = 0;
  const later = () => `${2030 + ++n}-01-01`;
  const waiting = async (side) => {
    const t = (await as.bcd.get(`/api/v1/tasks/${lead[side].code}`)).json;
    const open = t.extensions.find((e) => e.status === 'submitted');
    if (open) return open.id;
    const r = await lead[side].as.post(`/api/v1/tasks/${lead[side].code}/extensions`,
      { proposed_deadline: later(), reason: 'Cần thêm thời gian' });
    assert.equal(r.status, 201, r.text);
    return r.json.extensions.at(-1).id;
  };
  const writes = {
    comment: { expect: { admin: [201, 403], steering: [201, 403], officer: [201, 403], viewer: [403, 403] },
      send: (c, code) => c.post(`/api/v1/tasks/${code}/comments`, { text: 'Ý kiến' }) },
    request_extension: { expect: { admin: [201, 403], steering: [403, 403], officer: [201, 403], viewer: [403, 403] },
      before: async (side) => {
        // none waiting, so that an allowed request succeeds
        const t = (await as.bcd.get(`/api/v1/tasks/${lead[side].code}`)).json;
        const open = t.extensions.find((e) => e.status === 'submitted');
        if (open) assert.equal((await as.bcd.post(`/api/v1/tasks/${lead[side].code}/extensions/${open.id}/refuse`, { reason: 'x' })).status, 200);
      },
      send: (c, code) => c.post(`/api/v1/tasks/${code}/extensions`, { proposed_deadline: later(), reason: 'Lý do' }) },
    approve_extension: { expect: { admin: [200, 403], steering: [200, 403], officer: [403, 403], viewer: [403, 403] },
      before: waiting, send: (c, code, eid) => c.post(`/api/v1/tasks/${code}/extensions/${eid}/approve`) },
    refuse_extension: { expect: { admin: [200, 403], steering: [200, 403], officer: [403, 403], viewer: [403, 403] },
      before: waiting, send: (c, code, eid) => c.post(`/api/v1/tasks/${code}/extensions/${eid}/refuse`, { reason: 'Không' }) },
  };
  for (const [name, w] of Object.entries(writes)) {
    for (const role of [...Object.keys(w.expect), 'anonymous']) {
      for (const [i, side] of ['own', 'other'].entries()) {
        const eid = w.before ? await w.before(side) : undefined;
        const want = role === 'anonymous' ? 401 : w.expect[role][i];
        const before = snapshot();
        const r = await w.send(who[role], lead[side].code, eid);
        assert.equal(r.status, want, `${name} by ${role} on ${side}: ${r.text}`);
        if (want >= 400) assert.deepEqual(snapshot(), before, `${name} by ${role} on ${side} changed something`);
        else assert.notDeepEqual(snapshot(), before, `${name} by ${role} on ${side} changed nothing`);
      }
    }
  }
  // A supporting unit's officer comments; an officer of an unrelated unit does not.
  assert.equal((await as.hoankiem.post('/api/v1/tasks/NV-005/comments', { text: 'Phối hợp' })).status, 201);
  const before = snapshot();
  assert.equal((await as.ngocha.post('/api/v1/tasks/NV-005/comments', { text: 'Không liên quan' })).status, 403);
  assert.equal((await as.hoankiem.post('/api/v1/tasks/NV-005/extensions', { proposed_deadline: '2029-01-01', reason: 'x' })).status, 403,
    'a supporting unit does not ask for the lead unit\'s deadline');
  assert.deepEqual(snapshot(), before);
});
