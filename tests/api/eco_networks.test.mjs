// Networks of innovation centres and their shared resources: networks and
// members kept by the steering office, resources offered by the editors of
// the member organisations, requests from the public form (one winner when
// many ask for the same hour), the provider's decisions and recorded use,
// the calendar (no names for the public), the monthly usage report against
// a plain SQL count, CSV exchange of resources, and who may do what.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, dbExec } from '../lib/server.mjs';
import { addUser, importUnits, signIn, client } from '../lib/auth.mjs';
import { readSheet, writeSheet } from '../lib/xlsx.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'nq57-networks-'));
const clockFile = path.join(dir, 'now');
// Monday 2 November 2026, 08:00 in Hà Nội.
writeFileSync(clockFile, '2026-11-02T01:00:00Z\n');

let srv, anon, bcd, viewer, officer, lab, cung;
const orgs = {};
const sql = (q) => dbExec(srv.db, q);
const count = (q) => Number(sql(q));
const audits = (entity) => count(`SELECT COUNT(*) FROM audit WHERE entity = '${entity}'`);

function addOrganisation(kind, name, folded) {
  return Number(sql(`INSERT INTO organisation (kind, name, name_folded, created_at, updated_at) VALUES ('${kind}', '${name}', '${folded}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id`));
}
function makeEditor(login, orgId) {
  sql(`INSERT INTO organisation_editor (person_id, organisation_id, created_at) SELECT id, ${orgId}, '2026-01-01T00:00:00Z' FROM person WHERE login = '${login}'`);
}

before(async () => {
  srv = await startServer({ env: { NQ57_TEST_CLOCK_FILE: clockFile } });
  await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n');
  await addUser(srv, 'bcd', { role: 'steering', unit: '01' });
  await addUser(srv, 'xem', { role: 'viewer', unit: '01' });
  await addUser(srv, 'canbo', { role: 'officer', unit: '01' });
  await addUser(srv, 'lab');
  await addUser(srv, 'cung');
  orgs.bk = addOrganisation('innovation_centre', 'Trung tâm Đổi mới sáng tạo Bách khoa', 'trung tam doi moi sang tao bach khoa');
  orgs.cung = addOrganisation('innovation_centre', 'Cung Thanh niên Hà Nội', 'cung thanh nien ha noi');
  orgs.startup = addOrganisation('startup', 'Công ty CP Công nghệ Sao Khuê', 'cong ty cp cong nghe sao khue');
  makeEditor('lab', orgs.bk);
  makeEditor('cung', orgs.cung);
  anon = client(srv);
  bcd = await signIn(srv, 'bcd');
  viewer = await signIn(srv, 'xem');
  officer = await signIn(srv, 'canbo');
  lab = await signIn(srv, 'lab');
  cung = await signIn(srv, 'cung');
});
after(async () => {
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

let labId, hostingId;
const request = (extra) => ({ requester_name: 'Công ty CP Công nghệ Sao Khuê', contact_name: 'Nguyễn Minh Anh', contact_email: 'anh@saokhue.vn', sector: 'iot', purpose: 'Đo thử mạch cảm biến', ...extra });

test('the steering office keeps networks and members; others may not; every change is audited', async () => {
  for (const who of [anon, viewer, officer, lab]) {
    const r = await who.post('/api/v1/networks', { code: 'x', name: 'X' });
    assert.equal(r.status, who === anon ? 401 : 403, JSON.stringify(r.json));
  }
  let r = await bcd.post('/api/v1/networks', { code: 'hihub', name: 'Mạng lưới HiHUB', launched_on: '2025-12-25', coordinator_id: orgs.bk });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal(r.json.coordinator.name, 'Trung tâm Đổi mới sáng tạo Bách khoa');
  assert.equal((await bcd.post('/api/v1/networks', { code: 'hihub', name: 'Lần hai' })).status, 409);
  assert.equal((await bcd.post('/api/v1/networks', { code: 'noi-bo', name: 'Mạng lưới nội bộ', public: false })).status, 201);
  assert.equal((await bcd.post('/api/v1/networks', { code: 'bad code', name: 'X' })).status, 422);

  for (const [org, role] of [[orgs.bk, 'coordinator'], [orgs.cung, 'member']]) {
    r = await bcd.post('/api/v1/networks/hihub/members', { organisation_id: org, role, joined_on: '2025-12-25' });
    assert.equal(r.status, 201, JSON.stringify(r.json));
  }
  assert.equal((await lab.post('/api/v1/networks/hihub/members', { organisation_id: orgs.startup })).status, 403);
  assert.equal((await bcd.post('/api/v1/networks/hihub/members', { organisation_id: 999999 })).status, 422);
  r = await bcd.patch('/api/v1/networks/hihub', { name: 'Mạng lưới đổi mới sáng tạo Hà Nội (HiHUB)' });
  assert.equal(r.status, 200);
  assert.equal(r.json.name, 'Mạng lưới đổi mới sáng tạo Hà Nội (HiHUB)');

  // the public sees the public network and its members, not the other one
  const list = await anon.get('/api/v1/networks');
  assert.deepEqual(list.json.networks.map((n) => n.code), ['hihub']);
  const page = await anon.get('/api/v1/networks/hihub');
  assert.deepEqual(page.json.members.map((m) => m.name).sort(), ['Cung Thanh niên Hà Nội', 'Trung tâm Đổi mới sáng tạo Bách khoa']);
  assert.equal(page.json.n_members, 2);
  assert.equal((await anon.get('/api/v1/networks/noi-bo')).status, 404);
  assert.equal((await bcd.get('/api/v1/networks/noi-bo')).status, 200);

  // a member added and removed leaves its trace in the audit trail
  assert.equal((await bcd.post('/api/v1/networks/hihub/members', { organisation_id: orgs.startup })).status, 201);
  assert.equal((await bcd.del(`/api/v1/networks/hihub/members/${orgs.startup}`)).status, 200);
  assert.equal((await bcd.del(`/api/v1/networks/hihub/members/${orgs.startup}`)).status, 404);
  assert.equal(audits('network'), 3, 'two networks created, one renamed');
  assert.equal(audits('network_member'), 4);
  assert.equal(count(`SELECT COUNT(*) FROM network_member WHERE organisation_id = ${orgs.startup}`), 0);
});

test('an organisation editor offers its own resources only', async () => {
  let r = await lab.post('/api/v1/resources', { organisation_id: orgs.bk, network_code: 'hihub', kind: 'lab', name: 'Phòng thí nghiệm IoT', capacity: 6, capacity_unit: 'chỗ', price_model: 'subsidised', price: '100.000 đ/giờ', conditions: 'Doanh nghiệp khởi nghiệp của mạng lưới', opens: '08:00', closes: '17:00' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  labId = r.json.id;
  assert.equal(r.json.booking, 'slot', 'a lab is booked by the hour');
  const before = count('SELECT COUNT(*) FROM resource');
  r = await lab.post('/api/v1/resources', { organisation_id: orgs.cung, network_code: 'hihub', kind: 'space', name: 'Không gian làm việc chung', price_model: 'free' });
  assert.equal(r.status, 403, 'another organisation');
  r = await bcd.post('/api/v1/resources', { organisation_id: orgs.startup, network_code: 'hihub', kind: 'space', name: 'Phòng họp', price_model: 'free' });
  assert.equal(r.status, 422, 'not a member of the network');
  assert.match(r.json.error.message, /not a member/);
  for (const bad of [{ kind: 'boat' }, { price_model: 'cheap' }, { opens: '08:30' }, { opens: '18:00', closes: '09:00' }, { capacity: 0 }]) {
    r = await lab.post('/api/v1/resources', { organisation_id: orgs.bk, kind: 'lab', name: 'X', price_model: 'free', ...bad });
    assert.equal(r.status, 422, JSON.stringify(bad));
  }
  assert.equal((await viewer.post('/api/v1/resources', { organisation_id: orgs.bk, kind: 'lab', name: 'X', price_model: 'free' })).status, 403);
  assert.equal((await anon.post('/api/v1/resources', { organisation_id: orgs.bk, kind: 'lab', name: 'X', price_model: 'free' })).status, 401);
  assert.equal(count('SELECT COUNT(*) FROM resource'), before, 'nothing refused was saved');

  r = await cung.post('/api/v1/resources', { organisation_id: orgs.cung, network_code: 'hihub', kind: 'hosting', name: 'Lưu trú miễn phí cho khởi nghiệp', capacity: 2, price_model: 'free' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  hostingId = r.json.id;
  assert.equal(r.json.booking, 'period');

  // the editor of another organisation cannot change the lab
  r = await cung.patch(`/api/v1/resources/${labId}`, { price: '0 đ' });
  assert.equal(r.status, 403);
  r = await lab.patch(`/api/v1/resources/${labId}`, { price: '80.000 đ/giờ' });
  assert.equal(r.status, 200);
  assert.equal(r.json.price, '80.000 đ/giờ');
  assert.equal(sql(`SELECT price FROM resource WHERE id = ${labId}`), '80.000 đ/giờ');
  assert.equal(audits('resource'), 3);
  const entry = JSON.parse(sql(`SELECT after FROM audit WHERE entity = 'resource' AND action = 'update'`));
  assert.equal(entry.price, '80.000 đ/giờ');

  // the public finds them by network, kind and words without marks
  r = await anon.get('/api/v1/resources?network=hihub&kind=lab&q=phong thi nghiem');
  assert.deepEqual(r.json.resources.map((x) => x.name), ['Phòng thí nghiệm IoT']);
  assert.equal((await anon.get('/api/v1/networks/hihub')).json.resources.length, 2);
});

test('a request from the public form, approved, refused with a reason, used', async () => {
  let r = await anon.post(`/api/v1/resources/${labId}/bookings`, request({ day: '2026-11-10', from: '09:00', to: '11:00' }));
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const first = r.json;
  assert.match(first.reference, /^YC-\d+$/);
  assert.equal(first.status, 'requested');
  assert.equal(first.hours, 2);
  assert.equal(count(`SELECT COUNT(*) FROM booking_slot WHERE booking_id = ${first.id}`), 2);

  // the provider sees it with the contact; others do not
  r = await lab.get('/api/v1/bookings?status=requested');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.bookings.map((b) => [b.id, b.contact_email]), [[first.id, 'anh@saokhue.vn']]);
  assert.equal((await cung.get('/api/v1/bookings')).json.total, 0);
  assert.equal((await viewer.get('/api/v1/bookings')).status, 403);
  assert.equal((await anon.get('/api/v1/bookings')).status, 401);

  // only the provider decides
  assert.equal((await anon.post(`/api/v1/bookings/${first.id}/approve`, {})).status, 401);
  for (const who of [cung, viewer, officer]) assert.equal((await who.post(`/api/v1/bookings/${first.id}/approve`, {})).status, 403);
  assert.equal(sql(`SELECT status FROM booking WHERE id = ${first.id}`), 'requested', 'nothing changed');
  r = await lab.post(`/api/v1/bookings/${first.id}/approve`, {});
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.status, 'approved');
  assert.equal((await lab.post(`/api/v1/bookings/${first.id}/approve`, {})).status, 409);

  // a refusal needs a reason and frees the hours
  r = await anon.post(`/api/v1/resources/${labId}/bookings`, request({ requester_name: 'Công ty TNHH Rô-bốt Việt', day: '2026-11-11', from: '13:00', to: '15:00', sector: 'automation' }));
  assert.equal(r.status, 201);
  const second = r.json;
  assert.equal((await lab.post(`/api/v1/bookings/${second.id}/refuse`, {})).status, 422);
  r = await lab.post(`/api/v1/bookings/${second.id}/refuse`, { reason: 'Thiết bị đang bảo trì' });
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'refused');
  assert.equal(r.json.reason, 'Thiết bị đang bảo trì');
  assert.equal(count(`SELECT COUNT(*) FROM booking_slot WHERE booking_id = ${second.id}`), 0);
  r = await anon.post(`/api/v1/resources/${labId}/bookings`, request({ day: '2026-11-11', from: '13:00', to: '15:00' }));
  assert.equal(r.status, 201, 'the refused hours are free again');

  // use is recorded on approved bookings
  assert.equal((await lab.post(`/api/v1/bookings/${r.json.id}/usage`, { used_hours: 1 })).status, 409);
  assert.equal((await cung.post(`/api/v1/bookings/${first.id}/usage`, { used_hours: 2 })).status, 403);
  assert.equal((await lab.post(`/api/v1/bookings/${first.id}/usage`, { used_hours: 5 })).status, 422);
  r = await lab.post(`/api/v1/bookings/${first.id}/usage`, { used_hours: 1.5 });
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'used');
  assert.equal(r.json.used_hours, 1.5);
  const actions = sql(`SELECT action FROM audit WHERE entity = 'booking' AND entity_id = '${first.id}' ORDER BY seq`).split('\n');
  assert.deepEqual(actions, ['create', 'approve', 'usage']);
});

test('requests must fit the resource, the clock and give a contact', async () => {
  const cases = [
    [{ day: '2026-11-01', from: '09:00', to: '10:00' }, /in the past/],
    [{ day: '2026-11-02', from: '07:00', to: '09:00' }, /from 08:00 to 17:00/],
    [{ day: '2026-11-12', from: '08:00', to: '17:00' }, /at most 8 hours/],
    [{ day: '2026-11-12', from: '09:30', to: '10:30' }, /whole hours/],
    [{ day: '2026-11-12', from: '11:00', to: '10:00' }, /must be after/],
    [{ day: '2026-11-12', from: '09:00', to: '10:00', contact_email: null }, /e-mail or phone/],
    [{ day: '2026-11-12', from: '09:00', to: '10:00', contact_email: 'khong-phai-email' }, /not an e-mail/],
    [{ day: '2026-11-12', from: '09:00', to: '10:00', sector: 'fishing' }, /no sector/],
    [{ first_day: '2026-11-12', last_day: '2026-11-13' }, /needs 'day'/],
  ];
  for (const [extra, message] of cases) {
    const r = await anon.post(`/api/v1/resources/${labId}/bookings`, request(extra));
    assert.equal(r.status, 422, JSON.stringify(extra));
    assert.match(r.json.error.message, message);
  }
  assert.equal((await anon.post('/api/v1/resources/999999/bookings', request({ day: '2026-11-12', from: '09:00', to: '10:00' }))).status, 404);
  // a signed-in session still sends its CSRF token on this public route
  const noCsrf = client(srv, { cookie: lab.cookie });
  assert.equal((await noCsrf.post(`/api/v1/resources/${labId}/bookings`, request({ day: '2026-11-12', from: '09:00', to: '10:00' }))).status, 403);
  const r = await lab.post(`/api/v1/resources/${labId}/bookings`, request({ day: '2026-11-12', from: '09:00', to: '10:00' }));
  assert.equal(r.status, 201);
  assert.equal(r.json.public_request, false);
});

test('fifty requests for the same hours at once: exactly one wins', async () => {
  const asks = Array.from({ length: 50 }, (_, i) => anon.post(`/api/v1/resources/${labId}/bookings`,
    request({ requester_name: `Doanh nghiệp số ${i + 1}`, day: '2026-11-16', from: '10:00', to: '12:00' })));
  const answers = await Promise.all(asks);
  const statuses = answers.map((a) => a.status);
  assert.equal(statuses.filter((s) => s === 201).length, 1, statuses.join(','));
  assert.equal(statuses.filter((s) => s === 409).length, 49, statuses.join(','));
  const lost = answers.find((a) => a.status === 409);
  assert.match(lost.json.error.message, /is taken/);
  const winner = answers.find((a) => a.status === 201).json;
  assert.equal(count(`SELECT COUNT(*) FROM booking WHERE resource_id = ${labId} AND starts_at = '2026-11-16T10:00'`), 1);
  assert.equal(sql(`SELECT slot FROM booking_slot WHERE resource_id = ${labId} AND slot LIKE '2026-11-16%' ORDER BY slot`), '2026-11-16T10\n2026-11-16T11');
  assert.equal(count(`SELECT COUNT(*) FROM booking_slot WHERE booking_id = ${winner.id}`), 2);

  // overlapping hours conflict too; adjacent ones do not
  assert.equal((await anon.post(`/api/v1/resources/${labId}/bookings`, request({ day: '2026-11-16', from: '11:00', to: '13:00' }))).status, 409);
  assert.equal((await anon.post(`/api/v1/resources/${labId}/bookings`, request({ day: '2026-11-16', from: '09:00', to: '11:00' }))).status, 409);
  assert.equal((await anon.post(`/api/v1/resources/${labId}/bookings`, request({ day: '2026-11-16', from: '12:00', to: '13:00' }))).status, 201);
  assert.equal(count(`SELECT COUNT(*) FROM booking WHERE resource_id = ${labId} AND starts_at LIKE '2026-11-16%'`), 2);
});

test('a period resource for two firms at a time: the third concurrent request for the same days fails', async () => {
  const asks = ['Alpha', 'Beta', 'Gamma'].map((n) => anon.post(`/api/v1/resources/${hostingId}/bookings`,
    request({ requester_name: `Công ty ${n}`, first_day: '2026-11-20', last_day: '2026-11-26' })));
  const statuses = (await Promise.all(asks)).map((a) => a.status).sort();
  assert.deepEqual(statuses, [201, 201, 409]);
  assert.equal(count(`SELECT COUNT(*) FROM booking_slot WHERE resource_id = ${hostingId}`), 14, 'two firms, seven days each');
  // a day outside the full range still has room
  const r = await anon.post(`/api/v1/resources/${hostingId}/bookings`, request({ first_day: '2026-11-27', last_day: '2026-11-30' }));
  assert.equal(r.status, 201);
  assert.equal(r.json.days, 4);
  const cal = await anon.get(`/api/v1/resources/${hostingId}/calendar?from=2026-11-20&to=2026-11-27`);
  assert.deepEqual(cal.json.days.map((d) => d.taken), [2, 2, 2, 2, 2, 2, 2, 1]);
});

test('the calendar shows the public when the lab is busy, not who booked it', async () => {
  const pub = await anon.get(`/api/v1/resources/${labId}/calendar?from=2026-11-09&to=2026-11-15`);
  assert.equal(pub.status, 200);
  assert.ok(pub.json.busy.length >= 3);
  assert.ok(pub.json.busy.some((b) => b.starts_at === '2026-11-10T09:00' && b.ends_at === '2026-11-10T11:00'));
  assert.equal(pub.json.bookings, undefined);
  assert.doesNotMatch(pub.text, /Sao Khuê|saokhue|Minh Anh/);
  const own = await lab.get(`/api/v1/resources/${labId}/calendar?from=2026-11-09&to=2026-11-15`);
  assert.ok(own.json.bookings.some((b) => b.contact_email === 'anh@saokhue.vn'));
  assert.equal((await anon.get(`/api/v1/resources/${labId}/calendar?from=2026-11-09&to=2027-03-01`)).status, 422);
});

test('the monthly usage report counts exactly the used bookings of the month', async () => {
  // more use in November, one in December, one approved but not used
  const book = async (extra) => {
    const r = await anon.post(`/api/v1/resources/${labId}/bookings`, request(extra));
    assert.equal(r.status, 201, JSON.stringify(r.json));
    return r.json.id;
  };
  const a = await book({ requester_name: 'Công ty Gamma', sector: 'ai', day: '2026-11-18', from: '08:00', to: '12:00' });
  const b = await book({ requester_name: 'Công ty Gamma', sector: 'ai', day: '2026-11-19', from: '08:00', to: '10:00' });
  const c = await book({ requester_name: 'Công ty Delta', sector: null, day: '2026-11-24', from: '14:00', to: '16:00' });
  const d = await book({ requester_name: 'Công ty Delta', day: '2026-12-01', from: '14:00', to: '16:00' });
  const e = await book({ requester_name: 'Công ty Epsilon', day: '2026-11-25', from: '14:00', to: '16:00' });
  for (const id of [a, b, c, d, e]) assert.equal((await lab.post(`/api/v1/bookings/${id}/approve`)).status, 200);
  for (const [id, hours] of [[a, 4], [b, 2], [c, 1], [d, 2]]) assert.equal((await lab.post(`/api/v1/bookings/${id}/usage`, { used_hours: hours })).status, 200);

  assert.equal((await anon.get('/api/v1/networks/hihub/usage?month=2026-11')).status, 401);
  assert.equal((await viewer.get('/api/v1/networks/hihub/usage?month=2026-13')).status, 422);
  const r = await viewer.get('/api/v1/networks/hihub/usage?month=2026-11');
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const where = `FROM booking b JOIN resource r ON r.id = b.resource_id JOIN network n ON n.id = r.network_id WHERE n.code = 'hihub' AND b.status = 'used' AND b.starts_at >= '2026-11-01' AND b.starts_at < '2026-12-01'`;
  const [n, hours, firms] = sql(`SELECT COUNT(*), SUM(b.used_hours), COUNT(DISTINCT b.requester_key) ${where}`).split('|').map(Number);
  assert.equal(n, 4);
  assert.equal(r.json.total.bookings, n);
  assert.equal(r.json.total.hours_used, hours);
  assert.equal(r.json.total.firms, firms);
  assert.equal(firms, 3, 'Sao Khuê, Gamma, Delta');
  const bk = r.json.by_member.find((m) => m.organisation_id === orgs.bk);
  assert.equal(bk.hours_used, 8.5);
  assert.equal(bk.bookings, 4);
  assert.equal(bk.firms, 3);
  assert.equal(bk.hours_by_sector.ai, 6);
  assert.equal(bk.hours_by_sector.iot, 1.5);
  assert.equal(bk.hours_by_sector.none, 1);
  assert.equal(bk.firms_by_sector.ai, 1);
  const cungRow = r.json.by_member.find((m) => m.organisation_id === orgs.cung);
  assert.equal(cungRow.bookings, 0, 'a member without use is listed with zeros');

  const dec = await viewer.get('/api/v1/networks/hihub/usage?month=2026-12');
  assert.equal(dec.json.total.bookings, 1);
  assert.equal(dec.json.total.hours_used, 2);

  const x = await viewer.get('/api/v1/networks/hihub/usage?month=2026-11&format=xlsx');
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  const { rows } = readSheet(x.bytes);
  assert.ok(rows.some((row) => row.includes('Trung tâm Đổi mới sáng tạo Bách khoa') && row.includes('8.5')), JSON.stringify(rows));
  const header = rows.find((row) => row.includes('Số giờ sử dụng'));
  assert.ok(header && header.includes('Số doanh nghiệp được phục vụ') && header.includes('Số giờ – Trí tuệ nhân tạo'), JSON.stringify(rows));
});

test('resources go out and come back as CSV; a bad file is named row by row and changes nothing', async () => {
  let r = await anon.get('/api/v1/resources/export?network=hihub');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/csv/);
  const lines = r.text.trim().split('\r\n');
  assert.equal(lines[0], 'id,organisation_id,organisation_name,network_code,kind,name,booking,capacity,capacity_unit,conditions,price_model,price,opens,closes,active,description');
  assert.equal(lines.length, 3);

  // the file as it came back, unchanged: every row is an update
  const imp = (who, text, q = '') => who.post(`/api/v1/resources/import${q}`, text, { 'content-type': 'text/csv' });
  r = await imp(bcd, r.text);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.deepEqual([r.json.created, r.json.updated], [0, 2]);

  const before = sql('SELECT id, name, price FROM resource ORDER BY id');
  const bad = [
    'organisation_id,network_code,kind,name,booking,capacity,price_model,price',
    `${orgs.bk},hihub,equipment,Máy in 3D,slot,1,paid,200.000 đ/giờ`,
    `${orgs.bk},hihub,boat,Thuyền,slot,1,paid,`,
    `${orgs.startup},hihub,space,Phòng họp,slot,10,free,`,
    `abc,hihub,space,Phòng họp,slot,10,free,`,
  ].join('\n');
  r = await imp(bcd, bad);
  assert.equal(r.status, 422);
  assert.deepEqual(r.json.error.details.map((x) => x.line), [3, 4, 5]);
  assert.match(r.json.error.details[0].message, /kind/);
  assert.match(r.json.error.details[1].message, /not a member/);
  assert.equal(sql('SELECT id, name, price FROM resource ORDER BY id'), before, 'nothing saved');

  // an editor imports rows of its own organisation only
  r = await imp(cung, bad.split('\n').slice(0, 2).join('\n'));
  assert.equal(r.status, 422);
  assert.match(r.json.error.details[0].message, /may not change/);
  assert.equal((await imp(viewer, bad)).status, 403);

  const good = bad.split('\n').slice(0, 2).join('\n');
  r = await imp(lab, good, '?dry_run=1');
  assert.deepEqual([r.status, r.json.created, r.json.dry_run], [200, 1, true]);
  assert.equal(sql('SELECT id, name, price FROM resource ORDER BY id'), before, 'a dry run saves nothing');
  r = await imp(lab, good);
  assert.deepEqual([r.status, r.json.created], [200, 1]);
  assert.equal(count("SELECT COUNT(*) FROM resource WHERE name = 'Máy in 3D' AND price = '200.000 đ/giờ'"), 1);
});

test('resources also come in as an .xlsx workbook; a bad one names its sheet rows and saves nothing', async () => {
  const head = ['organisation_id', 'network_code', 'kind', 'name', 'booking', 'capacity', 'price_model', 'price', 'description'];
  const imp = (who, rows) => who.post('/api/v1/resources/import', writeSheet(rows),
    { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  // numbers typed as numbers; the empty cells at the end of a row are not stored
  let r = await imp(lab, [head, [orgs.bk, 'hihub', 'equipment', 'Máy hiện sóng số 4 kênh', 'slot', 2, 'paid', '150.000 đ/giờ']]);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.deepEqual([r.json.created, r.json.updated], [1, 0]);
  const saved = (await anon.get('/api/v1/resources?network=hihub&limit=100')).json.resources.find((x) => x.name === 'Máy hiện sóng số 4 kênh');
  assert.ok(saved, 'the resource is listed');
  assert.deepEqual([saved.organisation_id, saved.kind, saved.booking, saved.capacity, saved.price], [orgs.bk, 'equipment', 'slot', 2, '150.000 đ/giờ']);

  const before = sql('SELECT id, name, price FROM resource ORDER BY id');
  r = await imp(bcd, [
    head,
    [orgs.bk, 'hihub', 'equipment', 'Máy cắt laser', 'slot', 1, 'paid'],
    [],
    [orgs.bk, 'hihub', 'boat', 'Thuyền', 'slot', 1, 'paid'],
    [orgs.bk, 'hihub', 'space', 'Phòng họp', 'slot', 'mười', 'free'],
  ]);
  assert.equal(r.status, 422, JSON.stringify(r.json));
  assert.deepEqual(r.json.error.details.map((x) => x.line), [4, 5]);
  assert.match(r.json.error.details[0].message, /kind/);
  assert.match(r.json.error.details[1].message, /capacity/);
  assert.equal(sql('SELECT id, name, price FROM resource ORDER BY id'), before, 'nothing saved');
});
