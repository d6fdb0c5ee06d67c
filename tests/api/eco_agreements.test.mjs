// Agreements, funds, investments, support programmes and commercialisation
// projects of the ecosystem registry: the steering office records an MOU
// with its parties, links its committed actions to tasks of the programme
// (the task's page names the agreement, the agreement shows the task's
// status, the review report lists both), records problems partners bring,
// funds with their members and investments; CSV in and out with every bad
// row named; who may read and write.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, runCli, dbExec } from '../lib/server.mjs';
import { addUser, importUnits, signIn } from '../lib/auth.mjs';
import { writeSheet } from '../lib/xlsx.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'nq57-eco-agr-'));
const clockFile = path.join(dir, 'now');
writeFileSync(clockFile, '2026-01-20T08:00:00Z\n');

let srv, bcd, quantri, xem, hoankiem;
const ORG = {};

// Organisations are another part of the registry: put straight into the table.
function addOrganisation(id, kind, name, folded) {
  dbExec(srv.db, `INSERT INTO organisation (id, kind, name, name_folded, created_at, updated_at) VALUES (${id}, '${kind}', '${name}', '${folded}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`);
  return id;
}

before(async () => {
  srv = await startServer({ env: { NQ57_TEST_CLOCK_FILE: clockFile } });
  await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\nHN-SKHCN,Sở Khoa học và Công nghệ,01,department\n00070,Phường Hoàn Kiếm,01,commune\n');
  await addUser(srv, 'bcd', { role: 'steering', unit: '01' });
  await addUser(srv, 'quantri', { role: 'admin', unit: '01' });
  await addUser(srv, 'xem', { role: 'viewer', unit: '01' });
  await addUser(srv, 'hoankiem', { role: 'officer', unit: '00070' });
  [bcd, quantri, xem, hoankiem] = await Promise.all(['bcd', 'quantri', 'xem', 'hoankiem'].map((l) => signIn(srv, l)));
  const programme = {
    documents: [{ number: '43/KH-UBND', kind: 'plan', title: 'Kế hoạch thực hiện Nghị quyết 57-NQ/TW', issued_on: '2025-01-10', issuer: 'UBND Thành phố Hà Nội' }],
    tasks: [
      { code: 'NV-1', title: 'Xây dựng mạng lưới đổi mới sáng tạo', document_number: '43/KH-UBND', lead_unit_code: 'HN-SKHCN', deadline: '2025-06-30' },
      { code: 'NV-2', title: 'Đào tạo nhân lực chuyển đổi số', document_number: '43/KH-UBND', lead_unit_code: '00070', deadline: '2026-12-31' },
    ],
  };
  writeFileSync(path.join(dir, 'p.json'), JSON.stringify(programme));
  const r = await runCli(['programme', 'load', path.join(dir, 'p.json'), '--db', srv.db]);
  assert.equal(r.code, 0, r.stderr);
  ORG.vnu = addOrganisation(9001, 'university', 'Đại học Quốc gia Hà Nội', 'dai hoc quoc gia ha noi');
  ORG.thaibinh = addOrganisation(9002, 'agency', 'UBND tỉnh Thái Bình', 'ubnd tinh thai binh');
  ORG.bkhcn = addOrganisation(9003, 'agency', 'Bộ Khoa học và Công nghệ', 'bo khoa hoc va cong nghe');
  ORG.firm = addOrganisation(9004, 'enterprise', 'Công ty Nông sản Thái Bình', 'cong ty nong san thai binh');
  ORG.fund = addOrganisation(9005, 'fund', 'Quỹ Đầu tư Mạo hiểm Hà Nội', 'quy dau tu mao hiem ha noi');
  ORG.vc2 = addOrganisation(9006, 'fund', 'Quỹ Khởi nghiệp Sáng tạo', 'quy khoi nghiep sang tao');
  ORG.startup = addOrganisation(9007, 'startup', 'Công ty Cổ phần Công nghệ Ánh Dương', 'cong ty co phan cong nghe anh duong');
  ORG.hihub = addOrganisation(9008, 'innovation_centre', 'Trung tâm Đổi mới sáng tạo Hà Nội', 'trung tam doi moi sang tao ha noi');
});
after(async () => {
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const VNU_TB = {
  code: 'HT-VNU-TB', kind: 'cooperation', title: 'Thỏa thuận hợp tác giữa Đại học Quốc gia Hà Nội và tỉnh Thái Bình',
  signed_on: '2025-03-15', ends_on: '2030-03-15', focus: ['training', 'st_development', 'innovation', 'digital_transformation'],
  parties: [{ organisation_id: 9001, role: 'signatory' }, { organisation_id: 9002, role: 'signatory' }],
};

test('an agreement is created, found without diacritics, changed, and every change is in the audit trail', async () => {
  let r = await bcd.post('/api/v1/agreements', VNU_TB);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.status, 'active');
  assert.deepEqual(r.json.parties.map((p) => p.name), ['Đại học Quốc gia Hà Nội', 'UBND tỉnh Thái Bình'], 'by name, Vietnamese order');
  assert.deepEqual(r.json.focus, VNU_TB.focus);
  const id = r.json.id;
  // the same code twice
  r = await bcd.post('/api/v1/agreements', VNU_TB);
  assert.equal(r.status, 409);
  // search: folded, and NFD input finds the NFC title
  for (const q of ['thai binh', 'THÁI BÌNH', 'Tha\u0301i Bi\u0300nh', 'dai hoc quoc gia']) {
    r = await xem.get(`/api/v1/agreements?q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.agreements.map((a) => a.code), ['HT-VNU-TB'], q);
  }
  assert.equal((await xem.get('/api/v1/agreements?q=seoul')).json.total, 0);
  assert.equal((await xem.get(`/api/v1/agreements?organisation_id=${ORG.thaibinh}`)).json.total, 1);
  assert.equal((await xem.get('/api/v1/agreements?focus=training')).json.total, 1);
  assert.equal((await xem.get('/api/v1/agreements?focus=digital_transformation')).json.total, 1);
  assert.equal((await xem.get('/api/v1/agreements?focus=digitalXtransformation')).json.total, 0, "'_' is not a wildcard");
  assert.equal((await xem.get('/api/v1/agreements?focus=health')).json.total, 0);
  // edit
  r = await bcd.patch('/api/v1/agreements/HT-VNU-TB', { title: 'Thỏa thuận hợp tác toàn diện ĐHQGHN – Thái Bình', parties: [{ organisation_id: ORG.vnu }, { organisation_id: ORG.thaibinh }, { organisation_id: ORG.firm, role: 'partner' }] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.title, 'Thỏa thuận hợp tác toàn diện ĐHQGHN – Thái Bình');
  assert.equal(r.json.parties.length, 3);
  r = await bcd.patch('/api/v1/agreements/HT-VNU-TB', { ends_on: '2024-01-01' });
  assert.equal(r.status, 422, 'a term ending before the signature');
  assert.match(r.json.error.message, /ends_on/);
  r = await bcd.patch('/api/v1/agreements/HT-VNU-TB', { kind: 'treaty' });
  assert.equal(r.status, 422);
  const audit = (await bcd.get(`/api/v1/audit?entity=agreement&entity_id=${id}`)).json;
  assert.deepEqual(audit.entries.map((e) => e.action), ['update', 'create'], 'the refused changes left nothing');
  assert.equal(audit.entries[0].before.title, VNU_TB.title);
  assert.equal(audit.entries[0].after.title, 'Thỏa thuận hợp tác toàn diện ĐHQGHN – Thái Bình');
});

test('an agreement whose term has passed reads as expired, by the day in Viet Nam', async () => {
  let r = await bcd.post('/api/v1/agreements', { code: 'MOU-CU', kind: 'mou', title: 'Ghi nhớ đã hết hạn', signed_on: '2023-01-10', ends_on: '2026-01-19', parties: [{ organisation_id: ORG.bkhcn }] });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.status, 'expired');
  r = await bcd.post('/api/v1/agreements', { code: 'MOU-HOMNAY', kind: 'mou', title: 'Ghi nhớ hết hạn hôm nay', signed_on: '2023-01-10', ends_on: '2026-01-20' });
  assert.equal(r.json.status, 'active', 'the last day of its term is still in force');
  const expired = (await xem.get('/api/v1/agreements?status=expired')).json;
  assert.deepEqual(expired.agreements.map((a) => a.code), ['MOU-CU']);
  r = await bcd.post('/api/v1/agreements', { code: 'MOU-NHAP', kind: 'mou', title: 'Dự thảo ghi nhớ', status: 'draft' });
  assert.equal(r.json.status, 'draft');
  // anonymous readers: agreements in force or expired, without actions or problems
  const anon = await (await fetch(`${srv.url}/api/v1/agreements`)).json();
  assert.ok(!anon.agreements.some((a) => a.code === 'MOU-NHAP'));
  assert.ok(anon.agreements.some((a) => a.code === 'MOU-CU'));
  assert.equal((await fetch(`${srv.url}/api/v1/agreements/MOU-NHAP`)).status, 404);
  const one = await (await fetch(`${srv.url}/api/v1/agreements/MOU-CU`)).json();
  assert.equal(one.actions, undefined);
  assert.equal((await xem.get('/api/v1/agreements/MOU-NHAP')).status, 200, 'signed in: drafts too');
});

test('an action linked to a task shows the task status, and the task page names the agreement', async () => {
  let r = await bcd.post('/api/v1/agreements/HT-VNU-TB/actions', { task_code: 'NV-1' });
  assert.equal(r.status, 201, r.text);
  const task = (await xem.get('/api/v1/tasks/NV-1')).json;
  assert.deepEqual(r.json.actions.map((a) => [a.code, a.status, a.status_label]), [['NV-1', task.status, task.status_label]]);
  assert.equal(task.status_label, 'Chưa hoàn thành – quá hạn', 'due 30/06/2025, not reported');
  assert.deepEqual(task.agreements.map((a) => a.code), ['HT-VNU-TB']);
  r = await bcd.post('/api/v1/agreements/HT-VNU-TB/actions', { task_code: 'NV-1' });
  assert.equal(r.status, 409, 'linked twice');
  r = await bcd.post('/api/v1/agreements/HT-VNU-TB/actions', { task_code: 'NV-404' });
  assert.equal(r.status, 422);
  // a new task created for the agreement: coded after it, in the task list
  r = await bcd.post('/api/v1/agreements/HT-VNU-TB/actions', { task: { title: 'Đào tạo 200 cán bộ về đổi mới sáng tạo', lead_unit_code: 'HN-SKHCN', deadline: '2026-09-30', document_number: '43/KH-UBND' } });
  assert.equal(r.status, 201, r.text);
  const created = r.json.actions.find((a) => a.title === 'Đào tạo 200 cán bộ về đổi mới sáng tạo');
  assert.equal(created.code, 'HT-VNU-TB-HD1');
  assert.equal(created.status_label, 'Chưa hoàn thành – trong hạn');
  const tasks = (await xem.get('/api/v1/tasks?q=dao tao 200')).json;
  assert.deepEqual(tasks.tasks.map((t) => t.code), ['HT-VNU-TB-HD1']);
  r = await bcd.post('/api/v1/agreements/HT-VNU-TB/actions', { task: { title: 'Không có đơn vị chủ trì' } });
  assert.equal(r.status, 422);
  assert.equal((await xem.get('/api/v1/tasks')).json.total, 3, 'the refused task was not created');
  // unlink: the task stays
  r = await bcd.post('/api/v1/agreements/HT-VNU-TB/actions', { task_code: 'NV-2' });
  assert.equal(r.json.actions.length, 3);
  const nv2 = r.json.actions.find((a) => a.code === 'NV-2');
  r = await bcd.del(`/api/v1/agreements/HT-VNU-TB/actions/${nv2.task_id}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.actions.map((a) => a.code).sort(), ['HT-VNU-TB-HD1', 'NV-1']);
  assert.equal((await xem.get('/api/v1/tasks/NV-2')).status, 200);
  assert.deepEqual((await xem.get('/api/v1/tasks/NV-2')).json.agreements, []);
});

test('problems partners bring are recorded and followed', async () => {
  let r = await bcd.post('/api/v1/agreements/HT-VNU-TB/problems', { title: 'Truy xuất nguồn gốc nông sản', organisation_id: ORG.firm, description: 'Doanh nghiệp cần giải pháp truy xuất nguồn gốc' });
  assert.equal(r.status, 201, r.text);
  const p = r.json.problems[0];
  assert.equal(p.status, 'open');
  assert.equal(p.organisation.name, 'Công ty Nông sản Thái Bình');
  r = await bcd.patch(`/api/v1/agreements/HT-VNU-TB/problems/${p.id}`, { status: 'commissioned' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.problems[0].status, 'commissioned');
  r = await bcd.patch(`/api/v1/agreements/HT-VNU-TB/problems/${p.id}`, { status: 'forgotten' });
  assert.equal(r.status, 422);
  r = await bcd.post('/api/v1/agreements/HT-VNU-TB/problems', { title: '' });
  assert.equal(r.status, 422);
  assert.equal((await bcd.patch('/api/v1/agreements/MOU-CU/problems/' + p.id, { status: 'solved' })).status, 404, 'a problem of another agreement');
});

test('the signed document is uploaded by the registry writers and downloaded by anyone while in force', async () => {
  const pdf = new TextEncoder().encode('%PDF-1.4\n% thoa thuan\n%%EOF\n');
  const id = (await xem.get('/api/v1/agreements/HT-VNU-TB')).json.id;
  const up = (who) => who.post(`/api/v1/attachments?entity=agreement&entity_id=${id}&name=${encodeURIComponent('Thỏa thuận ĐHQGHN.pdf')}`, pdf,
    { 'content-type': 'application/octet-stream' });
  assert.equal((await up(xem)).status, 403);
  assert.equal((await up(hoankiem)).status, 403);
  const r = await up(bcd);
  assert.equal(r.status, 201, r.text);
  const a = (await xem.get('/api/v1/agreements/HT-VNU-TB')).json;
  assert.equal(a.file.name, 'Thỏa thuận ĐHQGHN.pdf');
  const res = await fetch(`${srv.url}/api/v1/attachments/${a.file.id}`);
  assert.equal(res.status, 200, 'an agreement in force is public, its file too');
  assert.equal(Buffer.from(await res.arrayBuffer()).toString(), '%PDF-1.4\n% thoa thuan\n%%EOF\n');
  const draft = (await xem.get('/api/v1/agreements/MOU-NHAP')).json.id;
  const d = await bcd.post(`/api/v1/attachments?entity=agreement&entity_id=${draft}&name=du-thao.pdf`, pdf, { 'content-type': 'application/octet-stream' });
  assert.equal(d.status, 201, d.text);
  assert.equal((await fetch(`${srv.url}/api/v1/attachments/${d.json.id}`)).status, 401, "a draft's file is not public");
  assert.equal((await xem.get(`/api/v1/attachments/${d.json.id}`)).status, 200, 'but anyone signed in reads it');
});

test('funds and alliances with members and totals; investments; support programmes; commercialisation', async () => {
  let r = await bcd.post('/api/v1/funds', { code: 'LM-QDMST', name: 'Liên minh quỹ đầu tư mạo hiểm Hà Nội', kind: 'alliance', launched_on: '2025-12-25', committed_vnd: 1200e9,
    members: [{ organisation_id: ORG.fund, committed_vnd: 500e9, joined_on: '2025-12-25' }, { organisation_id: ORG.vc2, committed_vnd: 300e9 }] });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.committed_vnd, 1200e9);
  assert.equal(r.json.members_committed_vnd, 800e9);
  assert.equal(r.json.disbursed_vnd, 0);
  r = await bcd.post('/api/v1/funds', { code: 'LM-QDMST', name: 'Lần nữa', kind: 'fund' });
  assert.equal(r.status, 409);
  r = await bcd.post('/api/v1/funds', { code: 'Q-X', name: 'Quỹ', kind: 'fund', committed_vnd: -5 });
  assert.equal(r.status, 422);
  r = await bcd.post('/api/v1/investments', { fund_code: 'LM-QDMST', startup_id: ORG.startup, amount_vnd: 15e9, invested_on: '2026-01-10', round: 'seed', instrument: 'equity' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.startup.name, 'Công ty Cổ phần Công nghệ Ánh Dương');
  r = await bcd.post('/api/v1/investments', { investor_id: ORG.vc2, startup_id: ORG.startup, amount_vnd: 5e9, invested_on: '2026-01-12', round: 'series_z' });
  assert.equal(r.status, 422);
  r = await bcd.post('/api/v1/investments', { startup_id: ORG.startup, amount_vnd: 5e9, invested_on: '2026-01-12' });
  assert.equal(r.status, 422, 'from nobody');
  r = await bcd.get('/api/v1/funds/LM-QDMST');
  assert.equal(r.json.invested_vnd, 15e9);
  assert.equal(r.json.disbursed_vnd, 15e9);
  assert.equal(r.json.investments.length, 1);
  r = await bcd.patch('/api/v1/funds/LM-QDMST', { disbursed_vnd: 20e9, members: [{ organisation_id: ORG.fund, committed_vnd: 600e9 }] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.disbursed_vnd, 20e9);
  assert.equal(r.json.members_committed_vnd, 600e9);
  const fid = r.json.id;
  const audit = (await bcd.get(`/api/v1/audit?entity=fund&entity_id=${fid}`)).json;
  assert.deepEqual(audit.entries.map((e) => e.action), ['update', 'create']);
  // anonymous readers: the totals, not each member's amount nor the investments
  const anon = await (await fetch(`${srv.url}/api/v1/funds/LM-QDMST`)).json();
  assert.equal(anon.committed_vnd, 1200e9);
  assert.equal(anon.members[0].committed_vnd, undefined);
  assert.equal(anon.investments, undefined);
  assert.equal((await fetch(`${srv.url}/api/v1/investments`)).status, 401);
  // support programme and its recipients
  r = await bcd.post('/api/v1/support-programmes', { code: 'HIHUB-KN', name: 'HiHUB hỗ trợ khởi nghiệp đại học', provider_id: ORG.hihub, starts_on: '2025-12-25',
    recipients: [{ organisation_id: ORG.startup, support: 'Không gian làm việc miễn phí', since: '2026-01-05' }] });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.recipients.length, 1);
  r = await bcd.post('/api/v1/support-programmes/HIHUB-KN/recipients', { organisation_id: ORG.firm, support: 'Dịch vụ kế toán', since: '2026-01-15' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.recipients.map((x) => x.name), ['Công ty Cổ phần Công nghệ Ánh Dương', 'Công ty Nông sản Thái Bình']);
  assert.equal((await bcd.post('/api/v1/support-programmes/HIHUB-KN/recipients', { organisation_id: ORG.firm })).status, 409);
  assert.equal((await xem.get('/api/v1/support-programmes')).json.support_programmes[0].n_recipients, 2);
  // commercialisation
  r = await bcd.post('/api/v1/commercialisations', { title: 'Thương mại hóa vật liệu nano xử lý nước', organisation_id: ORG.vnu, partner_id: ORG.firm, announced_on: '2025-12-25', value_vnd: 12e9 });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.status, 'announced');
  assert.equal((await bcd.post('/api/v1/commercialisations', { title: 'X', status: 'sold' })).status, 422);
  assert.equal((await xem.get('/api/v1/commercialisations')).json.total, 1);
});

test('agreements: CSV export and import round trip; a bad file names its rows and saves nothing', async () => {
  const csv = 'code,kind,title,signed_on,ends_on,focus,status,parties,description\n'
    + 'MOU-NUS,mou,Ghi nhớ hợp tác với Đại học Quốc gia Singapore,2025-12-25,2028-12-25,training;innovation,active,Đại học Quốc gia Hà Nội,Đào tạo và nghiên cứu\n'
    + 'MOU-SEOUL,mou,"Ghi nhớ với Trung tâm đổi mới sáng tạo Seoul, Hàn Quốc",2025-12-25,,innovation,,dai hoc quoc gia ha noi; 9008,\n';
  const before = (await xem.get('/api/v1/agreements')).json.total;
  let r = await bcd.post('/api/v1/agreements/import?dry_run=1', csv, { 'content-type': 'text/csv' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.created, r.json.updated, r.json.dry_run], [2, 0, true]);
  assert.equal((await xem.get('/api/v1/agreements')).json.total, before, 'a dry run saves nothing');
  r = await bcd.post('/api/v1/agreements/import', csv, { 'content-type': 'text/csv' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, 2);
  const seoul = (await xem.get('/api/v1/agreements/MOU-SEOUL')).json;
  assert.equal(seoul.title, 'Ghi nhớ với Trung tâm đổi mới sáng tạo Seoul, Hàn Quốc');
  assert.deepEqual(seoul.parties.map((p) => p.organisation_id).sort(), [ORG.vnu, ORG.hihub]);
  // export, then import the export: everything updated, nothing new, nothing changed
  const exp = await xem.get('/api/v1/agreements/export');
  assert.equal(exp.status, 200);
  assert.match(exp.headers.get('content-type'), /^text\/csv/);
  assert.ok(exp.text.includes('MOU-NUS,mou,Ghi nhớ hợp tác với Đại học Quốc gia Singapore,2025-12-25,2028-12-25,training;innovation,active,Đại học Quốc gia Hà Nội,Đào tạo và nghiên cứu'), exp.text);
  const total = (await xem.get('/api/v1/agreements')).json.total;
  const snapshot = (await xem.get('/api/v1/agreements?limit=1000')).json.agreements.map(({ updated_at, ...a }) => a);   // eslint-disable-line no-unused-vars
  r = await bcd.post('/api/v1/agreements/import', exp.text, { 'content-type': 'text/csv' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.created, r.json.updated], [0, total]);
  const again = (await xem.get('/api/v1/agreements?limit=1000')).json.agreements.map(({ updated_at, ...a }) => a);   // eslint-disable-line no-unused-vars
  // parties keep their roles ("name | role" in the file)
  const row = (a) => [a.code, a.title, a.status, a.focus, a.signed_on, a.ends_on, a.parties.map((p) => [p.organisation_id, p.role])];
  assert.deepEqual(again.map(row), snapshot.map(row));
  assert.ok(snapshot.some((a) => a.parties.some((p) => p.role !== 'party')), 'the file has a party with another role');
  // a bad file: rows 3 and 4 named, the good row 2 not saved
  const bad = 'code,kind,title,signed_on,ends_on,focus,status,parties,description\n'
    + 'MOU-MOI,mou,Ghi nhớ mới,2026-01-02,,,,,\n'
    + 'MOU-SAI,hiep_uoc,Loại sai,2026-01-02,,,,,\n'
    + 'MOU-SAI2,mou,Bên không có,31/12/2025,,,,Công ty Không Tồn Tại,\n';
  r = await bcd.post('/api/v1/agreements/import', bad, { 'content-type': 'text/csv' });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.error.details.map((d) => d.line), [3, 4]);
  assert.match(r.json.error.details[0].message, /kind/);
  assert.match(r.json.error.details[1].message, /signed_on|Công ty Không Tồn Tại/);
  assert.equal((await xem.get('/api/v1/agreements/MOU-MOI')).status, 404, 'nothing saved');
});

test('investments: CSV export and import round trip; a bad file names its rows and saves nothing', async () => {
  const csv = 'fund_code,investor,startup,amount_vnd,invested_on,round,instrument,note\n'
    + 'LM-QDMST,,Công ty Cổ phần Công nghệ Ánh Dương,2500000000,2026-01-15,series_a,equity,Vòng A\n'
    + ',Quỹ Khởi nghiệp Sáng tạo,9007,700000000,2026-01-16,seed,convertible,\n';
  const before = (await xem.get('/api/v1/investments')).json;
  let r = await bcd.post('/api/v1/investments/import?dry_run=1', csv, { 'content-type': 'text/csv' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, 2);
  assert.equal((await xem.get('/api/v1/investments')).json.total, before.total);
  r = await bcd.post('/api/v1/investments/import', csv, { 'content-type': 'text/csv' });
  assert.equal(r.status, 200, r.text);
  const now = (await xem.get('/api/v1/investments')).json;
  assert.equal(now.total, before.total + 2);
  assert.equal(now.amount_vnd, before.amount_vnd + 3.2e9);
  const exp = await xem.get('/api/v1/investments/export');
  assert.equal(exp.status, 200);
  const lines = exp.text.trim().split(/\r?\n/);
  assert.equal(lines.length, now.total + 1);
  assert.ok(lines.includes(',Quỹ Khởi nghiệp Sáng tạo,Công ty Cổ phần Công nghệ Ánh Dương,700000000,2026-01-16,seed,convertible,'), exp.text);
  // the export imports as the same investments again
  r = await bcd.post('/api/v1/investments/import?dry_run=1', exp.text, { 'content-type': 'text/csv' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, now.total);
  const bad = 'fund_code,investor,startup,amount_vnd,invested_on,round,instrument,note\n'
    + 'LM-QDMST,,9007,1000,2026-01-17,,,\n'
    + 'KHONG-CO,,9007,1000,2026-01-17,,,\n'
    + 'LM-QDMST,,9007,"1.000.000",2026-01-17,,,\n'
    + 'LM-QDMST,,Ai Đó,1000,2026-01-17,,,\n';
  r = await bcd.post('/api/v1/investments/import', bad, { 'content-type': 'text/csv' });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.error.details.map((d) => d.line), [3, 4, 5]);
  assert.equal((await xem.get('/api/v1/investments')).json.total, now.total, 'nothing saved');
});

const XLSX = { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };

test('agreements and investments also come in as .xlsx workbooks; a bad one names its sheet rows and saves nothing', async () => {
  const head = ['code', 'kind', 'title', 'signed_on', 'ends_on', 'focus', 'status', 'parties', 'description'];
  // the last cells left empty, as a spreadsheet stores them: no cell at all
  let r = await bcd.post('/api/v1/agreements/import', writeSheet([
    head,
    ['MOU-KAIST', 'cooperation', 'Thỏa thuận hợp tác với Viện KAIST, Hàn Quốc', '2026-01-05', '2029-01-05', 'innovation;training', 'active', 'Đại học Quốc gia Hà Nội'],
  ]), XLSX);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.created, r.json.updated], [1, 0]);
  const kaist = (await xem.get('/api/v1/agreements/MOU-KAIST')).json;
  assert.equal(kaist.title, 'Thỏa thuận hợp tác với Viện KAIST, Hàn Quốc');
  assert.deepEqual([kaist.kind, kaist.signed_on, kaist.ends_on, kaist.status], ['cooperation', '2026-01-05', '2029-01-05', 'active']);
  assert.deepEqual(kaist.parties.map((p) => p.organisation_id), [ORG.vnu]);

  // row 3 left blank is skipped; row 4 is named by its sheet row
  r = await bcd.post('/api/v1/agreements/import', writeSheet([
    head,
    ['MOU-MOI-X', 'mou', 'Ghi nhớ mới', '2026-01-06'],
    [],
    ['MOU-SAI-X', 'hiep_uoc', 'Loại sai', '2026-01-06'],
  ]), XLSX);
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.error.details.map((d) => d.line), [4]);
  assert.match(r.json.error.details[0].message, /kind/);
  assert.equal((await xem.get('/api/v1/agreements/MOU-MOI-X')).status, 404, 'nothing saved');

  const before = (await xem.get('/api/v1/investments')).json;
  const invHead = ['fund_code', 'investor', 'startup', 'amount_vnd', 'invested_on', 'round', 'instrument', 'note'];
  // ids and amounts typed as numbers in the sheet
  r = await bcd.post('/api/v1/investments/import', writeSheet([
    invHead,
    ['LM-QDMST', '', ORG.startup, 1500000000, '2026-01-18', 'seed', 'equity'],
    ['', 'Quỹ Khởi nghiệp Sáng tạo', 'Công ty Cổ phần Công nghệ Ánh Dương', 250000000, '2026-01-19'],
  ]), XLSX);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, 2);
  const now = (await xem.get('/api/v1/investments')).json;
  assert.equal(now.total, before.total + 2);
  assert.equal(now.amount_vnd, before.amount_vnd + 1.75e9);
  const seed = now.investments.find((i) => i.invested_on === '2026-01-18');
  assert.equal(seed.amount_vnd, 1500000000);
  assert.equal(seed.startup.name, 'Công ty Cổ phần Công nghệ Ánh Dương');

  r = await bcd.post('/api/v1/investments/import', writeSheet([
    invHead,
    ['LM-QDMST', '', ORG.startup, 1000, '2026-01-20'],
    ['KHONG-CO', '', ORG.startup, 1000, '2026-01-20'],
    ['LM-QDMST', '', 'Ai Đó', 1000, '2026-01-20'],
  ]), XLSX);
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.error.details.map((d) => d.line), [3, 4]);
  assert.equal((await xem.get('/api/v1/investments')).json.total, now.total, 'nothing saved');

  // a file that only looks like a workbook is refused as a whole
  r = await bcd.post('/api/v1/investments/import', Buffer.from('PK\x03\x04 not a workbook'), XLSX);
  assert.equal(r.status, 422, r.text);
  assert.equal((await xem.get('/api/v1/investments')).json.total, now.total);
});

test('who may write: registry writers only; others are refused and nothing changes', async () => {
  const anon = { post: (p, b) => fetch(`${srv.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) }) };
  const count = async () => (await xem.get('/api/v1/agreements')).json.total;
  const n = await count();
  const body = { code: 'MOU-X', kind: 'mou', title: 'Không được phép' };
  assert.equal((await anon.post('/api/v1/agreements', body)).status, 401);
  for (const who of [xem, hoankiem]) {
    assert.equal((await who.post('/api/v1/agreements', body)).status, 403);
    assert.equal((await who.patch('/api/v1/agreements/HT-VNU-TB', { title: 'Sửa trộm' })).status, 403);
    assert.equal((await who.post('/api/v1/agreements/HT-VNU-TB/actions', { task_code: 'NV-2' })).status, 403);
    assert.equal((await who.post('/api/v1/agreements/HT-VNU-TB/problems', { title: 'X' })).status, 403);
    assert.equal((await who.post('/api/v1/funds', { code: 'Q-X', name: 'X', kind: 'fund' })).status, 403);
    assert.equal((await who.post('/api/v1/investments', { investor_id: ORG.vc2, startup_id: ORG.startup, amount_vnd: 1, invested_on: '2026-01-01' })).status, 403);
    assert.equal((await who.post('/api/v1/support-programmes', { code: 'SP-X', name: 'X' })).status, 403);
    assert.equal((await who.post('/api/v1/commercialisations', { title: 'X' })).status, 403);
    assert.equal((await who.post('/api/v1/agreements/import', 'code,kind,title\nMOU-Y,mou,Y\n', { 'content-type': 'text/csv' })).status, 403);
  }
  assert.equal(await count(), n);
  const a = (await xem.get('/api/v1/agreements/HT-VNU-TB')).json;
  assert.equal(a.title, 'Thỏa thuận hợp tác toàn diện ĐHQGHN – Thái Bình');
  assert.equal(a.actions.length, 2);
  assert.equal(a.problems.length, 1);
  assert.equal((await xem.get('/api/v1/funds')).json.total, 1);
  assert.equal((await xem.get('/api/v1/commercialisations')).json.total, 1);
  // the administrator writes too
  const r = await quantri.post('/api/v1/agreements', { code: 'MOU-QT', kind: 'other', title: 'Thỏa thuận do quản trị thêm' });
  assert.equal(r.status, 201, r.text);
  assert.equal(await count(), n + 1);
});

test('the review report lists the agreements in force with their actions and the task status', async () => {
  let r = await bcd.post('/api/v1/reports', { document: '43/KH-UBND', period: '2025' });
  assert.equal(r.status, 202, r.text);
  let job;
  for (let i = 0; i < 200; i++) {
    job = (await bcd.get(`/api/v1/reports/${r.json.id}`)).json;
    if (job.status === 'done' || job.status === 'failed') break;
    await new Promise((res) => setTimeout(res, 50));
  }
  assert.equal(job.status, 'done', job.error);
  const content = (await bcd.get(`/api/v1/reports/${job.id}/json`)).json;
  const codes = content.agreements.map((a) => a.code);
  assert.ok(codes.includes('HT-VNU-TB'), codes.join());
  assert.ok(codes.includes('MOU-NUS') && codes.includes('MOU-CU'), 'in force during 2025, expired since');
  assert.ok(!codes.includes('MOU-NHAP'), 'not a draft');
  const vnu = content.agreements.find((a) => a.code === 'HT-VNU-TB');
  const nv1 = vnu.actions.find((a) => a.code === 'NV-1');
  assert.equal(nv1.status_label, 'Chưa hoàn thành – quá hạn');
  const html = (await bcd.get(`/api/v1/reports/${job.id}/html`)).text;
  assert.ok(html.includes('VI. THỎA THUẬN HỢP TÁC'));
  assert.ok(html.includes('Thỏa thuận hợp tác toàn diện ĐHQGHN – Thái Bình (HT-VNU-TB)'));
  assert.ok(html.includes('Xây dựng mạng lưới đổi mới sáng tạo'));
  assert.ok(html.includes('Lĩnh vực hợp tác: đào tạo, phát triển khoa học và công nghệ, đổi mới sáng tạo, chuyển đổi số'));
});
