// Deadline reminders: the daily job lists, per unit, what falls due in the
// next days and what is overdue; people see their units' reminders as
// notifications; with a mail relay configured each unit's people get one
// message (checked against a local SMTP listener in this test). Running
// the job twice the same day adds nothing and sends nothing more.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, runCli } from '../lib/server.mjs';
import { runCliInput, importUnits, signIn, PASSWORD } from '../lib/auth.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'nq57-remind-'));
const clockFile = path.join(dir, 'now');
const setClock = (iso) => writeFileSync(clockFile, `${iso}\n`);

// A minimal SMTP server: records each message's envelope and data.
function smtpListener() {
  const messages = [];
  const server = net.createServer((sock) => {
    let buf = '', inData = false, msg = null;
    sock.write('220 test ESMTP\r\n');
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          msg.data = buf.slice(0, end);
          buf = buf.slice(end + 5);
          inData = false;
          messages.push(msg);
          sock.write('250 OK queued\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        if (/^EHLO/i.test(line)) sock.write('250-test\r\n250 8BITMIME\r\n');
        else if (/^MAIL FROM:/i.test(line)) { msg = { from: line.slice(10), to: [] }; sock.write('250 OK\r\n'); }
        else if (/^RCPT TO:/i.test(line)) { msg.to.push(line.slice(8)); sock.write('250 OK\r\n'); }
        else if (/^DATA/i.test(line)) { inData = true; sock.write('354 go on\r\n'); }
        else if (/^QUIT/i.test(line)) { sock.end('221 bye\r\n'); return; }
        else sock.write('500 what\r\n');
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, messages, port: server.address().port })));
}

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
  assert.doesNotMatch(m.data, /NV-XA/, 'not due within 7 days');
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
