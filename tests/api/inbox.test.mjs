// Every person's inbox: a value or completion request returned with a
// reason reaches the officers of the unit (and of the task's units), not
// another commune's; approvals, reminders and the steering office's
// waiting approvals are items too; read marks are per person and
// idempotent; each item is mailed once (checked against a local SMTP
// listener, as the reminders test does).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, dbExec, runCli } from '../lib/server.mjs';
import { runCliInput, importUnits, signIn, client, PASSWORD } from '../lib/auth.mjs';
import { smtpListener } from '../lib/smtp.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'nq57-inbox-'));
const clockFile = path.join(dir, 'now');
writeFileSync(clockFile, '2026-06-20T08:00:00Z\n');


const subjectOf = (m) => Buffer.from(m.data.match(/^Subject: =\?UTF-8\?B\?([^?]+)\?=/m)[1], 'base64').toString('utf8');
// The body, decoded if the relay client encoded it.
function bodyOf(m) {
  const [head, ...rest] = m.data.split('\r\n\r\n');
  const body = rest.join('\r\n\r\n');
  return /Content-Transfer-Encoding: base64/i.test(head) ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : body;
}
const inboxMail = (smtp, to) => smtp.messages.filter((m) => m.to.includes(`<${to}>`) && /hộp thư/.test(subjectOf(m)));
const waitFor = async (cond) => { for (let i = 0; i < 150 && !cond(); i++) await new Promise((res) => setTimeout(res, 100)); };

const PEOPLE = [
  ['bcd', 'steering', '01', 'bcd@hanoi.gov.vn'],
  ['quantri', 'admin', '01', ''],
  ['syt', 'officer', 'HN-SYT', 'syt@hanoi.gov.vn'],
  ['badinh', 'officer', '00004', 'bd@hanoi.gov.vn'],
  ['ngocha', 'officer', '00008', 'nh@hanoi.gov.vn'],
  ['xem', 'viewer', '01', 'xem@hanoi.gov.vn'],
];

let srv, smtp;
const as = {};
const ids = {};
before(async () => {
  smtp = await smtpListener();
  srv = await startServer({ env: { NQ57_TEST_CLOCK_FILE: clockFile, NQ57_SMTP: `127.0.0.1:${smtp.port}`, NQ57_MAIL_FROM: 'nq57@hanoi.gov.vn' } });
  await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\nHN-SYT,Sở Y tế,01,department\n'
    + '00004,Phường Ba Đình,01,commune\n00008,Phường Ngọc Hà,01,commune\n');
  for (const [login, role, unit, email] of PEOPLE) {
    const args = ['user', 'add', login, '--name', `Cán bộ ${login}`, '--role', role, '--unit', unit, '--db', srv.db];
    if (email) args.push('--email', email);
    const r = await runCliInput(args, `${PASSWORD}\n`, { NQ57_PWHASH: 'fast', NQ57_TEST_CLOCK_FILE: clockFile });
    assert.equal(r.code, 0, r.stderr);
  }
  for (const [login] of PEOPLE) as[login] = await signIn(srv, login);
  const ind = await as.bcd.post('/api/v1/indicators', { code: 'DVC', name_vi: 'Dịch vụ công trực tuyến toàn trình', measure: '%', direction: 'up', aggregation: 'mean' });
  assert.equal(ind.status, 201, ind.text);
  for (const t of [
    { code: 'NV-YT', title: 'Bệnh án điện tử', lead_unit_code: 'HN-SYT', supporting_unit_codes: ['00004'], deadline: '2026-12-31' },
    { code: 'NV-NH', title: 'Tập huấn kỹ năng số', lead_unit_code: '00008', deadline: '2026-06-10' },
  ]) {
    const r = await as.bcd.post('/api/v1/tasks', t);
    assert.equal(r.status, 201, r.text);
    ids[t.code] = r.json.id;
  }
  for (const [login, unit] of [['badinh', '00004'], ['ngocha', '00008']]) {
    const v = await as[login].put('/api/v1/values', { indicator_code: 'DVC', unit_code: unit, period: '2026Q1', value: 80 });
    assert.equal(v.status, 200, v.text);
    ids[unit] = v.json.id;
    assert.equal((await as[login].post(`/api/v1/values/${v.json.id}/submit`)).status, 200);
  }
});
after(async () => {
  await srv?.stop();
  smtp?.server.close();
});

const inbox = async (who) => {
  const r = await as[who].get('/api/v1/inbox');
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const readRows = (login) => dbExec(srv.db, `SELECT COUNT(*) FROM inbox_read r JOIN person p ON p.id = r.person_id WHERE p.login = '${login}'`);

test('the steering office sees the waiting approvals as one item', async () => {
  const box = await inbox('bcd');
  const waiting = box.items.filter((i) => i.kind === 'approvals_waiting');
  assert.equal(waiting.length, 1);
  assert.equal(waiting[0].values, 2);
  assert.equal(waiting[0].reports, 0);
  assert.equal(waiting[0].link, '#/phe-duyet');
  assert.equal(waiting[0].read, false);
});

test('a value returned with a reason reaches its unit\'s officer, not another commune\'s', async () => {
  const ret = await as.bcd.post(`/api/v1/values/${ids['00004']}/return`, { reason: 'Thiếu minh chứng quý 1' });
  assert.equal(ret.status, 200, ret.text);
  assert.equal((await as.bcd.post(`/api/v1/values/${ids['00008']}/approve`)).status, 200);

  const bd = await inbox('badinh');
  const returned = bd.items.find((i) => i.kind === 'value_returned');
  assert.ok(returned, JSON.stringify(bd.items));
  assert.equal(returned.reason, 'Thiếu minh chứng quý 1');
  assert.equal(returned.unit.code, '00004');
  assert.equal(returned.unit.name, 'Phường Ba Đình');
  assert.equal(returned.indicator.code, 'DVC');
  assert.equal(returned.period.vi, 'Quý I/2026');
  assert.equal(returned.by, 'Cán bộ bcd');
  assert.equal(returned.link, `#/viec-cua-toi?value=${ids['00004']}`);
  assert.match(returned.key, new RegExp(`^value-returned:${ids['00004']}:\\d+$`));
  assert.equal(bd.items.filter((i) => i.kind === 'value_approved').length, 0, "Ngọc Hà's approval is not Ba Đình's");
  assert.equal(bd.unread, bd.items.length);

  const nh = await inbox('ngocha');
  assert.deepEqual(nh.items.filter((i) => i.kind.startsWith('value_')).map((i) => [i.kind, i.unit.code]), [['value_approved', '00008']]);
  assert.equal(nh.items.find((i) => i.kind === 'value_approved').reason, undefined);
  // the administrator of the city reaches both; a viewer nothing; the one
  // who returned it is not told of what they did themselves
  const admin = await inbox('quantri');
  assert.deepEqual(admin.items.filter((i) => i.kind.startsWith('value_')).map((i) => i.kind).sort(), ['value_approved', 'value_returned']);
  assert.deepEqual((await inbox('xem')).items, []);
  assert.equal((await inbox('bcd')).items.filter((i) => i.kind.startsWith('value_')).length, 0);
});

test('a completion request returned reaches the lead and supporting units with the reason', async () => {
  const req = await as.syt.post(`/api/v1/tasks/${ids['NV-YT']}/reports`, { progress: 100, complete: true, text: 'Đã triển khai' });
  assert.equal(req.status, 201, req.text);
  const reportId = req.json.reports[req.json.reports.length - 1].id;
  const waiting = (await inbox('bcd')).items.find((i) => i.kind === 'approvals_waiting');
  assert.equal(waiting.reports, 1, 'the completion request waits too');
  const ret = await as.bcd.post(`/api/v1/tasks/${ids['NV-YT']}/reports/${reportId}/return`, { reason: 'Chưa có biên bản nghiệm thu' });
  assert.equal(ret.status, 200, ret.text);
  for (const who of ['syt', 'badinh']) {
    const item = (await inbox(who)).items.find((i) => i.kind === 'report_returned');
    assert.ok(item, `${who} is told`);
    assert.equal(item.reason, 'Chưa có biên bản nghiệm thu');
    assert.equal(item.task.code, 'NV-YT');
    assert.equal(item.report_kind, 'completion');
    assert.equal(item.unit.name, 'Sở Y tế');
    assert.equal(item.link, '#/nhiem-vu/NV-YT');
  }
  assert.equal((await inbox('ngocha')).items.filter((i) => i.kind.startsWith('report_')).length, 0, 'Ngọc Hà has no part in NV-YT');
});

test('comments on a task and extension decisions reach its units, not the one who wrote', async () => {
  const task = ids['NV-YT'];
  assert.equal((await as.bcd.post(`/api/v1/tasks/${task}/comments`, { text: 'Đề nghị bổ sung số liệu bệnh án' })).status, 201);
  assert.equal((await as.syt.post(`/api/v1/tasks/${task}/comments`, { text: 'Sở Y tế đã bổ sung' })).status, 201);
  const comments = async (who) => (await inbox(who)).items.filter((i) => i.kind === 'comment').map((i) => [i.by, i.text, i.task.code, i.link]);
  assert.deepEqual(await comments('syt'), [['Cán bộ bcd', 'Đề nghị bổ sung số liệu bệnh án', 'NV-YT', '#/nhiem-vu/NV-YT']]);
  assert.deepEqual((await comments('badinh')).map((c) => c[1]).sort(), ['Sở Y tế đã bổ sung', 'Đề nghị bổ sung số liệu bệnh án']);
  assert.deepEqual(await comments('ngocha'), []);

  const asked = await as.syt.post(`/api/v1/tasks/${task}/extensions`, { proposed_deadline: '2027-03-31', reason: 'Chờ kinh phí' });
  assert.equal(asked.status, 201, asked.text);
  const eid = asked.json.extensions[asked.json.extensions.length - 1].id;
  const refused = await as.bcd.post(`/api/v1/tasks/${task}/extensions/${eid}/refuse`, { reason: 'Không đủ căn cứ gia hạn' });
  assert.equal(refused.status, 200, refused.text);
  for (const who of ['syt', 'badinh']) {
    const item = (await inbox(who)).items.find((i) => i.kind === 'extension_decided');
    assert.ok(item, who);
    assert.equal(item.decision, 'refused');
    assert.equal(item.reason, 'Không đủ căn cứ gia hạn');
    assert.equal(item.proposed_deadline, '2027-03-31');
    assert.equal(item.key, `extension-decided:${eid}`);
  }
  assert.equal((await inbox('ngocha')).items.filter((i) => i.kind === 'extension_decided').length, 0);
});

test('each new item is mailed once, in Vietnamese, to the people it concerns', async () => {
  const mailTo = (to) => inboxMail(smtp, to).map(bodyOf).join('\n');
  await waitFor(() => /GIA HẠN/.test(mailTo('bd@hanoi.gov.vn')) && /NV-YT/.test(mailTo('syt@hanoi.gov.vn')) && /DVC/.test(mailTo('nh@hanoi.gov.vn')));
  const toBd = inboxMail(smtp, 'bd@hanoi.gov.vn').map(bodyOf).join('\n');
  assert.equal((toBd.match(/\[BỊ TRẢ LẠI\] Số liệu DVC/g) || []).length, 1, toBd);
  assert.match(toBd, /Số liệu DVC – Dịch vụ công trực tuyến toàn trình, Quý I\/2026, Phường Ba Đình\. Lý do: Thiếu minh chứng quý 1/);
  assert.match(toBd, /Kính gửi Cán bộ badinh/);
  assert.doesNotMatch(toBd, /Ngọc Hà/);
  assert.match(toBd, /\[BỊ TRẢ LẠI\] Đề nghị hoàn thành nhiệm vụ NV-YT: Bệnh án điện tử \(Sở Y tế\)\. Lý do: Chưa có biên bản nghiệm thu/);
  assert.match(mailTo('syt@hanoi.gov.vn'), /Lý do: Chưa có biên bản nghiệm thu/);
  assert.match(toBd, /\[Ý KIẾN\] Cán bộ bcd về nhiệm vụ NV-YT: Đề nghị bổ sung số liệu bệnh án/);
  assert.match(toBd, /\[GIA HẠN\] Đề nghị gia hạn nhiệm vụ NV-YT đến ngày 31\/03\/2027 không được chấp thuận\. Lý do: Không đủ căn cứ gia hạn/);
  const toNh = inboxMail(smtp, 'nh@hanoi.gov.vn').map(bodyOf).join('\n');
  assert.match(toNh, /\[ĐÃ DUYỆT\] Số liệu DVC/);
  assert.doesNotMatch(toNh, /NV-NH/, 'reminders go by the reminder mail, not twice');
  assert.equal(inboxMail(smtp, 'xem@hanoi.gov.vn').length, 0, 'a viewer has no items');
});

test("today's reminders are items of the task's units", async () => {
  // the worker ran the day's reminders before the tasks existed: run them again
  const r = await runCli(['remind', '--db', srv.db], { env: { NQ57_TEST_CLOCK_FILE: clockFile } });
  assert.equal(r.code, 0, r.stderr);
  const nh = await inbox('ngocha');
  const overdue = nh.items.find((x) => x.kind === 'task_overdue');
  assert.ok(overdue, JSON.stringify(nh.items));
  assert.equal(overdue.task.code, 'NV-NH');
  assert.equal(overdue.deadline, '2026-06-10');
  assert.equal(overdue.key, `task-overdue:${ids['NV-NH']}:2026-06-10`);
  assert.equal((await inbox('badinh')).items.filter((x) => x.kind === 'task_overdue').length, 0);
});

test('read marks: per item or all, idempotent, and only one\'s own', async () => {
  const bd = await inbox('badinh');
  assert.ok(bd.unread >= 2);
  const key = bd.items.find((i) => i.kind === 'value_returned').key;
  const first = await as.badinh.post('/api/v1/inbox/read', { keys: [key] });
  assert.equal(first.status, 200, first.text);
  assert.deepEqual(first.json, { marked: 1, unread: bd.unread - 1 });
  const again = await as.badinh.post('/api/v1/inbox/read', { keys: [key] });
  assert.deepEqual(again.json, { marked: 0, unread: bd.unread - 1 }, 'marking twice changes nothing');
  const after = await inbox('badinh');
  assert.equal(after.items.find((i) => i.key === key).read, true);
  assert.equal(after.unread, bd.unread - 1);

  // a key that is not the caller's item is ignored: Ngọc Hà cannot mark Ba Đình's
  const rowsNh = readRows('ngocha');
  const other = await as.ngocha.post('/api/v1/inbox/read', { keys: [bd.items.find((i) => i.kind === 'report_returned').key] });
  assert.equal(other.status, 200);
  assert.equal(other.json.marked, 0);
  assert.equal(readRows('ngocha'), rowsNh);
  assert.equal((await inbox('badinh')).unread, bd.unread - 1, "nothing changed in Ba Đình's inbox");

  const bad = await as.badinh.post('/api/v1/inbox/read', { keys: 'tất cả' });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.template, "'keys' must be a list of at most %d item keys");
  assert.equal((await as.badinh.post('/api/v1/inbox/read', {})).status, 422);

  const all = await as.badinh.post('/api/v1/inbox/read', { all: true });
  assert.equal(all.status, 200);
  assert.equal(all.json.unread, 0);
  assert.equal((await inbox('badinh')).items.every((i) => i.read), true);
});

test('authorisation: anonymous 401; every role marks only its own items', async () => {
  const anon = client(srv);
  const before = dbExec(srv.db, 'SELECT COUNT(*) FROM inbox_read');
  const list = await anon.get('/api/v1/inbox');
  assert.equal(list.status, 401);
  assert.equal(list.json.error.template, 'sign in to see your inbox');
  assert.equal((await anon.post('/api/v1/inbox/read', { all: true })).status, 401);
  assert.equal(dbExec(srv.db, 'SELECT COUNT(*) FROM inbox_read'), before, 'nothing stored on refusal');
  // without the CSRF token a session cannot mark
  const noCsrf = client(srv, { cookie: as.ngocha.cookie });
  assert.equal((await noCsrf.post('/api/v1/inbox/read', { all: true })).status, 403);
  assert.equal(dbExec(srv.db, 'SELECT COUNT(*) FROM inbox_read'), before);

  // steering, admin, officer of another subtree and viewer: each marks its
  // own, and the others' marks stay as they were
  for (const who of ['bcd', 'quantri', 'ngocha', 'xem']) {
    const mine = await inbox(who);
    const othersBefore = Object.fromEntries(PEOPLE.filter(([l]) => l !== who).map(([l]) => [l, readRows(l)]));
    const r = await as[who].post('/api/v1/inbox/read', { all: true });
    assert.equal(r.status, 200, `${who}: ${r.text}`);
    assert.equal(r.json.marked, mine.unread, who);
    assert.equal(r.json.unread, 0);
    for (const [l, n] of Object.entries(othersBefore)) assert.equal(readRows(l), n, `${who} changed ${l}'s marks`);
  }
});

test('a new item is mailed alone: what was mailed is not sent again', async () => {
  // something new: only the new item goes, the old ones are not sent again
  const n = inboxMail(smtp, 'bd@hanoi.gov.vn').length;
  const req = await as.syt.post(`/api/v1/tasks/${ids['NV-YT']}/reports`, { progress: 100, complete: true, text: 'Bổ sung biên bản' });
  assert.equal(req.status, 201, req.text);
  const rid = req.json.reports[req.json.reports.length - 1].id;
  assert.equal((await as.bcd.post(`/api/v1/tasks/${ids['NV-YT']}/reports/${rid}/approve`)).status, 200);
  await waitFor(() => inboxMail(smtp, 'bd@hanoi.gov.vn').length > n);
  const fresh = inboxMail(smtp, 'bd@hanoi.gov.vn').slice(n).map(bodyOf).join('\n');
  assert.match(fresh, /\[ĐÃ DUYỆT\] Đề nghị hoàn thành nhiệm vụ NV-YT: Bệnh án điện tử \(Sở Y tế\)/);
  assert.doesNotMatch(fresh, /Số liệu DVC/, 'the value was mailed already');
  const all = inboxMail(smtp, 'bd@hanoi.gov.vn').map(bodyOf).join('\n');
  assert.equal((all.match(/\[BỊ TRẢ LẠI\] Đề nghị hoàn thành nhiệm vụ NV-YT/g) || []).length, 1);
  const mailed = dbExec(srv.db, "SELECT COUNT(*) FROM inbox_mail m JOIN person p ON p.id = m.person_id WHERE p.login = 'badinh'");
  assert.equal(Number(mailed), 6, 'value returned, completion returned, two comments, extension refused, completion approved');
});

test('a message the relay refuses gives its items back, to be sent later', async () => {
  // a relay that refuses every sender
  const refusing = net.createServer((sock) => {
    sock.write('220 test ESMTP\r\n');
    sock.on('data', (d) => {
      for (const line of d.toString('utf8').split('\r\n').filter(Boolean)) {
        if (/^EHLO/i.test(line)) sock.write('250 test\r\n');
        else if (/^QUIT/i.test(line)) sock.end('221 bye\r\n');
        else sock.write('554 refused\r\n');
      }
    });
  });
  await new Promise((res) => refusing.listen(0, '127.0.0.1', res));
  const s = await startServer({ env: { NQ57_SMTP: `127.0.0.1:${refusing.address().port}`, NQ57_MAIL_FROM: 'nq57@hanoi.gov.vn' } });
  try {
    await importUnits(s, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n00004,Phường Ba Đình,01,commune\n');
    for (const [login, role, unit] of [['bcd', 'steering', '01'], ['badinh', 'officer', '00004']]) {
      const r = await runCliInput(['user', 'add', login, '--name', login, '--role', role, '--unit', unit, '--email', `${login}@hanoi.gov.vn`,
        '--db', s.db], `${PASSWORD}\n`, { NQ57_PWHASH: 'fast' });
      assert.equal(r.code, 0, r.stderr);
    }
    const bcd = await signIn(s, 'bcd');
    const officer = await signIn(s, 'badinh');
    assert.equal((await bcd.post('/api/v1/indicators', { code: 'DVC', name_vi: 'Dịch vụ công', direction: 'up', aggregation: 'mean' })).status, 201);
    const v = await officer.put('/api/v1/values', { indicator_code: 'DVC', unit_code: '00004', period: '2026Q1', value: 70 });
    assert.equal((await officer.post(`/api/v1/values/${v.json.id}/submit`)).status, 200);
    assert.equal((await bcd.post(`/api/v1/values/${v.json.id}/return`, { reason: 'Thiếu minh chứng' })).status, 200);
    await waitFor(() => /worker: inbox mail:/.test(s.logs()));
    assert.match(s.logs(), /worker: inbox mail:/, 'the worker tried and the relay refused');
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(dbExec(s.db, 'SELECT COUNT(*) FROM inbox_mail'), '0', 'nothing stays claimed');
    assert.equal((await officer.get('/api/v1/inbox')).json.unread, 1, 'the item waits in the inbox');
  } finally {
    await s.stop();
    refusing.close();
  }
});
