// Deadline reminders: the daily job lists, per unit, what falls due in the
// next days and what is overdue; people see their units' reminders as
// notifications; with a mail relay configured each unit's people get one
// message (checked against a local SMTP listener in this test). Running
// the job twice the same day adds nothing and sends nothing more.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, runCli } from '../lib/server.mjs';
import { runCliInput, importUnits, signIn, PASSWORD } from '../lib/auth.mjs';
import { smtpListener } from '../lib/smtp.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'nq57-remind-'));
const clockFile = path.join(dir, 'now');
const setClock = (iso) => writeFileSync(clockFile, `${iso}\n`);


let srv, smtp, officer;
before(async () => {
  smtp = await smtpListener();
  setClock('2025-06-20T08:00:00Z');
  srv = await startServer({ env: { NQ57_TEST_CLOCK_FILE: clockFile, NQ57_SMTP: `127.0.0.1:${smtp.port}`, NQ57_MAIL_FROM: 'nq57@ubnd.hanoi.gov.vn' } });
  await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n00004,Phường Ba Đình,01,commune\n00008,Phường Ngọc Hà,01,commune\n');
  for (const [login, unit, email] of [['can-bo-bd', '00004', 'bd@hanoi.gov.vn'], ['can-bo-nh', '00008', ''], ['bcd', '01', 'bcd@hanoi.gov.vn']]) {
    const args = ['user', 'add', login, '--name', login, '--role', login === 'bcd' ? 'steering' : 'officer', '--unit', unit, '--db', srv.db];
    if (email) args.push('--email', email);
    const r = await runCliInput(args, `${PASSWORD}\n`, { NQ57_PWHASH: 'fast' });
    assert.equal(r.code, 0, r.stderr);
  }
  const steering = await signIn(srv, 'bcd');
  for (const t of [
    { code: 'NV-QH', lead_unit_code: '00004', deadline: '2025-06-10', title: 'Báo cáo chuyển đổi số' },
    { code: 'NV-SAP', lead_unit_code: '00004', deadline: '2025-06-25', title: 'Số hóa hồ sơ một cửa' },
    { code: 'NV-XA', lead_unit_code: '00004', deadline: '2025-12-31', title: 'Phủ sóng 5G' },
    { code: 'NV-NH', lead_unit_code: '00008', deadline: '2025-06-22', title: 'Tập huấn kỹ năng số' },
  ]) assert.equal((await steering.post('/api/v1/tasks', t)).status, 201);
  officer = await signIn(srv, 'can-bo-bd');
});
after(async () => {
  await srv?.stop();
  smtp?.server.close();
});

const waitFor = async (cond) => { for (let i = 0; i < 100 && !cond(); i++) await new Promise((res) => setTimeout(res, 100)); };

test('the daily job records what is due soon and overdue, per unit, once; the server mails them', async () => {
  const env = { NQ57_TEST_CLOCK_FILE: clockFile };
  const first = await runCli(['remind', '--db', srv.db], { env });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^3 reminder\(s\) recorded, 0 message\(s\) sent/, 'this run has no mail relay');
  const again = await runCli(['remind', '--db', srv.db], { env });
  assert.match(again.stdout, /^0 reminder\(s\) recorded/);
  await waitFor(() => smtp.messages.length >= 1);
  await new Promise((res) => setTimeout(res, 300));
  assert.equal(smtp.messages.length, 1, 'one message: Ngọc Hà has nobody with an address');
  const m = smtp.messages[0];
  assert.deepEqual(m.to, ['<bd@hanoi.gov.vn>']);
  assert.equal(m.from, '<nq57@ubnd.hanoi.gov.vn>');
  const subject = Buffer.from(m.data.match(/^Subject: =\?UTF-8\?B\?([^?]+)\?=/m)[1], 'base64').toString('utf8');
  assert.equal(subject, '[nq57] Phường Ba Đình: 2 nhiệm vụ sắp đến hạn hoặc quá hạn (20/06/2025)');
  assert.match(m.data, /\[QUÁ HẠN\] NV-QH: Báo cáo chuyển đổi số \(hạn 10\/06\/2025\)/);
  assert.match(m.data, /\[SẮP ĐẾN HẠN\] NV-SAP: Số hóa hồ sơ một cửa \(hạn 25\/06\/2025\)/);
  assert.doesNotMatch(m.data, /NV-XA/, 'not due within the warning window (14 days)');
});

test('people see their own units\' reminders as notifications', async () => {
  const r = await officer.get('/api/v1/reminders');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.day, '2025-06-20');
  assert.deepEqual(r.json.reminders.map((x) => [x.task_code, x.kind]), [['NV-QH', 'overdue'], ['NV-SAP', 'due_soon']]);
  assert.equal((await fetch(`${srv.url}/api/v1/reminders`)).status, 401);
});

test('the server does it by itself on the next day', async () => {
  setClock('2025-06-21T07:00:00Z');
  officer = await signIn(srv, 'can-bo-bd');
  let day;
  for (let i = 0; i < 100 && day !== '2025-06-21'; i++) {
    await new Promise((res) => setTimeout(res, 100));
    day = (await officer.get('/api/v1/reminders')).json.day;
  }
  assert.equal(day, '2025-06-21', "the worker ran the day's reminders");
  await waitFor(() => smtp.messages.length >= 2);
  assert.equal(smtp.messages.length, 2, 'and mailed them');
});
