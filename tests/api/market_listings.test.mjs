// The technology market's listings: a firm's person drafts a problem, the
// operator (the steering office) publishes or returns it, anyone reads it
// without its contacts; who may do what (every write refused to the
// anonymous, a viewer and another firm, with nothing changed); interest
// and proposals with and without consent to share the contact; feedback,
// deals and the operator's statistics; expiry; a fair's catalogue
// imported with every bad cell named and exported back to no change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, dbExec, runCli } from '../lib/server.mjs';
import { addUser, importUnits, signIn, client } from '../lib/auth.mjs';
import { readSheet, unzip } from '../lib/xlsx.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'nq57-market-'));
const clockFile = path.join(dir, 'now');
writeFileSync(clockFile, '2026-03-02T10:00:00Z\n');

let srv, bcd, xem, firm, other, anon;
const ORG = {};

function addOrganisation(id, kind, name, folded) {
  dbExec(srv.db, `INSERT INTO organisation (id, kind, name, name_folded, created_at, updated_at) VALUES (${id}, '${kind}', '${name}', '${folded}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`);
  return id;
}

// What a refused write must not have moved.
const stateOf = (id) => dbExec(srv.db, `SELECT status || '|' || title || '|' || generation || '|' || updated_at FROM listing WHERE id = ${id}`);
const countOf = (table) => Number(dbExec(srv.db, `SELECT COUNT(*) FROM ${table}`));

before(async () => {
  srv = await startServer({ env: { NQ57_TEST_CLOCK_FILE: clockFile } });
  await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n00070,Phường Hoàn Kiếm,01,commune\n');
  await addUser(srv, 'bcd', { name: 'Văn phòng Ban Chỉ đạo', role: 'steering', unit: '01' });
  await addUser(srv, 'xem', { role: 'viewer', unit: '01' });
  await addUser(srv, 'firm', { name: 'Phạm Thu Hà' });
  await addUser(srv, 'other', { name: 'Đỗ Minh Khoa' });
  ORG.firm = addOrganisation(7001, 'enterprise', 'Công ty Nông sản Thái Bình', 'cong ty nong san thai binh');
  ORG.lab = addOrganisation(7002, 'university', 'Trường Đại học Bách khoa Hà Nội', 'truong dai hoc bach khoa ha noi');
  dbExec(srv.db, `INSERT INTO organisation_editor (person_id, organisation_id, created_at) SELECT id, 7001, '2026-01-01T00:00:00Z' FROM person WHERE login = 'firm'`);
  dbExec(srv.db, `INSERT INTO organisation_editor (person_id, organisation_id, created_at) SELECT id, 7002, '2026-01-01T00:00:00Z' FROM person WHERE login = 'other'`);
  [bcd, xem, firm, other] = await Promise.all(['bcd', 'xem', 'firm', 'other'].map((l) => signIn(srv, l)));
  anon = client(srv);
});
after(async () => {
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const PROBLEM = {
  kind: 'problem', title: 'Mã hóa nguồn gen cây trồng bản địa', summary: 'Số hóa, mã hóa nguồn gen lúa và cây ăn quả đặc sản của tỉnh',
  description: 'Chi tiết kỹ thuật: giải trình tự, mã vạch ADN, cơ sở dữ liệu nguồn gen.', context: 'Hơn 200 giống bản địa chưa được mô tả',
  sector: 'biotech', organisation_id: 7001, budget_min: 500000000, budget_max: 1500000000, deadline: '2027-06-30',
  contact_name: 'Phạm Thu Hà', contact_email: 'ha@nongsan.example.vn', contact_phone: '0912 345 678',
};

test('a firm drafts a problem, submits it, the operator returns then publishes it; anonymous readers see it without contacts', async () => {
  let r = await firm.post('/api/v1/market/listings', PROBLEM);
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  assert.equal(r.json.status, 'draft');
  assert.equal(r.json.role, 'owner');
  assert.equal(r.json.contact_email, PROBLEM.contact_email);
  assert.equal(r.json.organisation.name, 'Công ty Nông sản Thái Bình');
  // a draft is its owners' and the operator's only
  for (const who of [anon, xem, other]) assert.equal((await who.get(`/api/v1/market/listings/${id}`)).status, 404);
  assert.equal((await bcd.get(`/api/v1/market/listings/${id}`)).json.role, 'operator');
  assert.ok(!(await anon.get('/api/v1/market/listings')).json.listings.some((l) => l.id === id), 'not in the public list');
  const mine = await firm.get('/api/v1/market/listings?mine=1');
  assert.deepEqual(mine.json.listings.map((l) => [l.id, l.state]), [[id, 'draft']]);
  // the operator cannot publish a draft; the owner cannot publish at all
  assert.equal((await bcd.post(`/api/v1/market/listings/${id}/publish`)).status, 409);
  r = await firm.post(`/api/v1/market/listings/${id}/submit`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'submitted');
  assert.equal((await firm.post(`/api/v1/market/listings/${id}/publish`)).status, 403);
  // the review queue
  r = await bcd.get('/api/v1/market/listings?status=submitted');
  assert.deepEqual(r.json.listings.map((l) => l.id), [id]);
  // returned with a reason, which is required
  assert.equal((await bcd.post(`/api/v1/market/listings/${id}/return`, { reason: '' })).status, 422);
  r = await bcd.post(`/api/v1/market/listings/${id}/return`, { reason: 'Bổ sung kết quả mong đợi' });
  assert.equal(r.json.status, 'returned');
  assert.equal((await firm.get(`/api/v1/market/listings/${id}`)).json.return_reason, 'Bổ sung kết quả mong đợi');
  r = await firm.patch(`/api/v1/market/listings/${id}`, { expected_result: 'Bộ mã vạch ADN cho 200 giống', confidentiality: 'summary_only' });
  assert.equal(r.status, 200, r.text);
  assert.equal((await firm.post(`/api/v1/market/listings/${id}/submit`)).json.status, 'submitted');
  r = await bcd.post(`/api/v1/market/listings/${id}/publish`);
  assert.equal(r.json.status, 'published');
  assert.equal(r.json.return_reason, null);
  assert.equal(r.json.expires_on, '2027-03-02', 'a year from publication');
  // anonymous: public fields, never the contacts; summary_only hides the details
  r = await anon.get(`/api/v1/market/listings/${id}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.title, PROBLEM.title);
  assert.equal(r.json.summary, PROBLEM.summary);
  for (const k of ['contact_name', 'contact_email', 'contact_phone', 'created_by', 'description', 'context', 'expected_result'])
    assert.equal(r.json[k], undefined, k);
  assert.ok(!r.text.includes('ha@nongsan') && !r.text.includes('0912'), 'no contact anywhere in the answer');
  assert.equal(r.json.details_hidden, true);
  // a signed-in reader sees the details but not the contacts
  r = await other.get(`/api/v1/market/listings/${id}`);
  assert.equal(r.json.description, PROBLEM.description);
  assert.equal(r.json.contact_email, undefined);
  r = await anon.get('/api/v1/market/listings?kind=problem');
  assert.deepEqual(r.json.listings.map((l) => l.id), [id]);
  assert.ok(!r.text.includes('ha@nongsan'));
  // an owner's edit of a published listing keeps it published, audited
  r = await firm.patch(`/api/v1/market/listings/${id}`, { title: 'Mã hóa nguồn gen cây trồng bản địa Thái Bình' });
  assert.equal(r.json.status, 'published');
  const actions = dbExec(srv.db, `SELECT action FROM audit WHERE entity = 'listing' AND entity_id = '${id}' ORDER BY seq`).split('\n');
  assert.deepEqual(actions, ['create', 'submit', 'return', 'update', 'submit', 'publish', 'update']);
  // views by readers are counted for the owner
  const panel = await firm.get(`/api/v1/market/listings/${id}/engagements`);
  assert.equal(panel.status, 200, panel.text);
  assert.ok(panel.json.views.total >= 2, 'the anonymous and the signed-in reader');
});

test('every write is refused to the anonymous, a viewer and another firm, and nothing changes', async () => {
  const draft = (await firm.post('/api/v1/market/listings', { ...PROBLEM, title: 'Xử lý môi trường làng nghề' })).json.id;
  const pub = (await firm.post('/api/v1/market/listings', { ...PROBLEM, title: 'Xây dựng thương hiệu nông sản' })).json.id;
  await firm.post(`/api/v1/market/listings/${pub}/submit`);
  await bcd.post(`/api/v1/market/listings/${pub}/publish`);
  const writes = (id) => [
    ['patch', `/api/v1/market/listings/${id}`, { title: 'Đổi tên' }],
    ['post', `/api/v1/market/listings/${id}/submit`],
    ['post', `/api/v1/market/listings/${id}/publish`],
    ['post', `/api/v1/market/listings/${id}/return`, { reason: 'Không rõ' }],
    ['post', `/api/v1/market/listings/${id}/withdraw`],
    ['post', `/api/v1/market/listings/${id}/deals`, { partner_name: 'Công ty X', signed_on: '2026-03-01' }],
    ['post', `/api/v1/market/listings/${id}/files?name=a.txt`, 'tài liệu'],
  ];
  const deals = countOf('deal'), files = countOf('attachment');
  for (const id of [draft, pub]) {
    const before = stateOf(id);
    for (const [who, name] of [[anon, 'anonymous'], [xem, 'viewer'], [other, 'other firm']]) {
      for (const [method, url, body] of writes(id)) {
        const r = await who[method](url, body);
        const expected = who === anon ? [401] : id === draft && method === 'patch' ? [403, 404] : [403, 404];
        assert.ok(expected.includes(r.status), `${name} ${method} ${url}: ${r.status} ${r.text}`);
      }
      const panel = await who.get(`/api/v1/market/listings/${id}/engagements`);
      assert.ok([401, 403, 404].includes(panel.status), `${name} sees the owners' panel: ${panel.status}`);
    }
    assert.equal(stateOf(id), before, 'the listing did not change');
  }
  assert.equal(countOf('deal'), deals);
  assert.equal(countOf('attachment'), files);
  // a draft for an organisation one does not edit; the statistics and the exchange are the operator's
  assert.equal((await other.post('/api/v1/market/listings', { ...PROBLEM })).status, 403);
  assert.equal((await anon.post('/api/v1/market/listings', { ...PROBLEM })).status, 401);
  assert.equal((await xem.get('/api/v1/market/stats')).status, 403);
  assert.equal((await firm.get('/api/v1/market/listings/export')).status, 403);
  assert.equal((await other.post('/api/v1/market/listings/import', 'kind,title\noffer,X\n', { 'content-type': 'text/csv' })).status, 403);
  // a viewer may still draft an expert listing of their own
  const r = await xem.post('/api/v1/market/listings', { kind: 'expert', title: 'Chuyên gia chọn tạo giống lúa', expert_name: 'TS. Lê Quang Xem' });
  assert.equal(r.status, 201, r.text);
  assert.equal((await xem.post(`/api/v1/market/listings/${r.json.id}/withdraw`)).json.status, 'withdrawn');
  assert.equal((await xem.patch(`/api/v1/market/listings/${r.json.id}`, { title: 'Khác' })).status, 409);
});

test('interest and proposals reach the owners with the contact only when it was shared; feedback, deals, statistics', async () => {
  const offer = (await other.post('/api/v1/market/listings', {
    kind: 'offer', title: 'Chế phẩm vi sinh xử lý rơm rạ', summary: 'Phân hủy rơm rạ trong 3 tuần, giảm đốt đồng', sector: 'biotech', trl: 7,
    organisation_id: 7002, transfer_types: ['licence_with_service', 'exclusive_licence'], ip_status: 'patent', ip_numbers: '1-0023456',
    contact_email: 'khoa@hust.example.vn',
  })).json;
  assert.deepEqual(offer.transfer_types, ['exclusive_licence', 'licence_with_service'], 'in the order of the list');
  // not published yet: nobody but the owners may engage
  assert.equal((await firm.post(`/api/v1/market/listings/${offer.id}/engagements`, { message: 'Quan tâm' })).status, 404);
  await other.post(`/api/v1/market/listings/${offer.id}/submit`);
  await bcd.post(`/api/v1/market/listings/${offer.id}/publish`);
  // with consent, for the firm's organisation
  let r = await firm.post(`/api/v1/market/listings/${offer.id}/engagements`, {
    message: 'Chúng tôi muốn nhận chuyển giao cho 500 ha lúa', purpose: 'Ứng dụng tại Thái Bình', organisation_id: 7001,
    contact_shared: true, contact_phone: '0988 111 222',
  });
  assert.equal(r.status, 201, r.text);
  // without consent
  r = await xem.post(`/api/v1/market/listings/${offer.id}/engagements`, { message: 'Xin thêm thông tin về chi phí' });
  assert.equal(r.status, 201, r.text);
  // for an organisation one does not act for; by an owner; anonymous; no message
  assert.equal((await xem.post(`/api/v1/market/listings/${offer.id}/engagements`, { message: 'x', organisation_id: 7001 })).status, 403);
  assert.equal((await other.post(`/api/v1/market/listings/${offer.id}/engagements`, { message: 'x' })).status, 403);
  assert.equal((await anon.post(`/api/v1/market/listings/${offer.id}/engagements`, { message: 'x' })).status, 401);
  assert.equal((await firm.post(`/api/v1/market/listings/${offer.id}/engagements`, { message: '' })).status, 422);
  const panel = (await other.get(`/api/v1/market/listings/${offer.id}/engagements`)).json;
  assert.equal(panel.engagements.length, 2);
  const [silent, shared] = panel.engagements;
  assert.equal(shared.kind, 'interest');
  assert.equal(shared.organisation.name, 'Công ty Nông sản Thái Bình');
  assert.deepEqual(shared.contact, { name: 'Phạm Thu Hà', email: null, phone: '0988 111 222' });
  assert.equal(silent.contact, null);
  assert.equal(silent.organisation, null);
  assert.ok(!JSON.stringify(silent).includes('xem'), 'nothing names the sender who did not consent');
  // files: the owners add them, whoever reads the listing downloads them; an image must be one
  r = await other.post(`/api/v1/market/listings/${offer.id}/files?name=${encodeURIComponent('quy trình.txt')}`, 'Quy trình ủ rơm rạ 21 ngày');
  assert.equal(r.status, 201, r.text);
  assert.equal((await other.post(`/api/v1/market/listings/${offer.id}/files?name=a.png&role=image`, 'không phải ảnh')).status, 422);
  const page = await anon.get(`/api/v1/market/listings/${offer.id}`);
  assert.deepEqual(page.json.files.map((f) => [f.name, f.role]), [['quy trình.txt', 'file']]);
  const file = await anon.get(`/api/v1/market/listings/${offer.id}/files/${r.json.id}`);
  assert.equal(file.status, 200);
  assert.equal(file.text, 'Quy trình ủ rơm rạ 21 ngày');
  // the sender's own list
  r = await firm.get('/api/v1/market/engagements');
  assert.ok(r.json.engagements.some((e) => e.listing.id === offer.id && e.kind === 'interest'));
  // the owner answers
  r = await other.patch(`/api/v1/market/listings/${offer.id}/engagements/${shared.id}`, { status: 'accepted' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.engagements.find((e) => e.id === shared.id).status, 'accepted');
  // IN-PART-style feedback on offers only
  assert.equal((await firm.post(`/api/v1/market/listings/${offer.id}/feedback`, { reasons: ['too_early', 'route_to_market_unclear'] })).status, 201);
  assert.equal((await xem.post(`/api/v1/market/listings/${offer.id}/feedback`, { reasons: ['other'] })).status, 422, 'other needs a text');
  assert.equal((await xem.post(`/api/v1/market/listings/${offer.id}/feedback`, { reasons: ['cheap'] })).status, 422);
  const fb = (await other.get(`/api/v1/market/listings/${offer.id}/engagements`)).json.feedback;
  assert.equal(fb.counts.too_early, 1);
  assert.equal(fb.counts.route_to_market_unclear, 1);
  assert.equal(fb.counts.benefit_unclear, 0);
  // a deal, then the operator's statistics
  r = await other.post(`/api/v1/market/listings/${offer.id}/deals`, { partner_id: 7001, transfer_type: 'exclusive_licence', value_vnd: 800000000, signed_on: '2026-03-01', engagement_id: shared.id });
  assert.equal(r.status, 201, r.text);
  assert.equal((await other.post(`/api/v1/market/listings/${offer.id}/deals`, { partner_name: 'X', signed_on: '01/03/2026' })).status, 422);
  const deals = (await other.get(`/api/v1/market/listings/${offer.id}/engagements`)).json.deals;
  assert.equal(deals[0].partner_name, 'Công ty Nông sản Thái Bình');
  const stats = (await bcd.get('/api/v1/market/stats')).json;
  assert.ok(stats.by_kind.offer >= 1 && stats.by_kind.problem >= 1);
  assert.ok(stats.by_trl['7'] >= 1);
  assert.equal(stats.deals.count, 1);
  assert.equal(stats.deals.value_vnd, 800000000);
  assert.ok(stats.first_contact_days.listings >= 1);
  assert.equal(typeof stats.first_contact_days.median, 'number');
});

test('a private problem is hidden from anonymous readers; an expired listing leaves the public list and takes no more interest', async () => {
  const p = (await firm.post('/api/v1/market/listings', { ...PROBLEM, title: 'Đào tạo quản trị doanh nghiệp nông nghiệp', confidentiality: 'private', expires_on: '2026-03-02' })).json.id;
  await firm.post(`/api/v1/market/listings/${p}/submit`);
  let r = await bcd.post(`/api/v1/market/listings/${p}/publish`);
  assert.equal(r.json.expires_on, '2026-03-02', 'the owner\'s own date is kept');
  assert.equal((await anon.get(`/api/v1/market/listings/${p}`)).status, 404);
  assert.ok(!(await anon.get('/api/v1/market/listings')).json.listings.some((l) => l.id === p));
  r = await xem.get(`/api/v1/market/listings/${p}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.description, undefined, 'a private problem\'s details are for its owners');
  writeFileSync(clockFile, '2026-03-02T17:30:00Z\n');
  try {
    r = await xem.get(`/api/v1/market/listings/${p}`);
    assert.equal(r.json.state, 'expired');
    assert.ok(!(await xem.get('/api/v1/market/listings')).json.listings.some((l) => l.id === p));
    assert.equal((await xem.post(`/api/v1/market/listings/${p}/engagements`, { message: 'Đề xuất' })).status, 409);
    r = await bcd.get('/api/v1/market/listings?status=expired');
    assert.ok(r.json.listings.some((l) => l.id === p));
    // the statistics count it as expired, not among the listings the search shows
    const stats = (await bcd.get('/api/v1/market/stats')).json;
    assert.equal(stats.by_status.expired, r.json.total);
    const shown = await xem.get('/api/v1/market/listings?kind=problem&limit=500');
    assert.equal(stats.published.by_kind.problem ?? 0, shown.json.listings.filter((l) => l.state === 'published').length);
  } finally {
    writeFileSync(clockFile, '2026-03-02T10:00:00Z\n');
  }
});

test("a fair's catalogue: every bad cell named by line and column with nothing saved, a dry run, and an export that reads back to no change", async () => {
  const before = countOf('listing');
  const bad = 'kind,title,summary,sector,trl,organisation_id,transfer_types,budget_min\n'
    + 'offer,Máy sấy nông sản năng lượng mặt trời,Sấy 2 tấn/mẻ,materials_energy,7,Trường Đại học Bách khoa Hà Nội,non_exclusive_licence,\n'
    + 'offer,Cảm biến độ ẩm đất,Giá rẻ,iot,12,,,\n'
    + 'gadget,Thiết bị lạ,,,,,,\n'
    + 'problem,Giảm mặn đồng ruộng,,agritech,,,,\n'
    + 'offer,Robot hái chè,,automation,5,Công ty Không Tồn Tại,,\n'
    + 'problem,Phân loại rác,,,,,,nhiều\n';
  let r = await bcd.post('/api/v1/market/listings/import', bad, { 'content-type': 'text/csv' });
  assert.equal(r.status, 422, r.text);
  const where = r.json.error.details.map((d) => `${d.line}${d.column}:${d.field}`);
  assert.deepEqual(where, ['3E:trl', '4A:kind', '5D:sector', '6F:organisation_id', '7H:budget_min']);
  assert.equal(countOf('listing'), before, 'nothing saved');
  // a good file, dry run first
  const good = 'Loại tin,Tên,Tóm tắt,Lĩnh vực,Mức độ sẵn sàng (TRL),Tổ chức,Hình thức chuyển giao\n'
    + 'offer,Máy sấy nông sản năng lượng mặt trời,Sấy 2 tấn/mẻ,materials_energy,7,Trường Đại học Bách khoa Hà Nội,non_exclusive_licence;sublicence\n'
    + 'expert,Chuyên gia mã vạch ADN,Tư vấn giải trình tự,biotech,,7002,\n';
  r = await bcd.post('/api/v1/market/listings/import?dry_run=1', good, { 'content-type': 'text/csv' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.rows.map((x) => x.action), ['create', 'create']);
  assert.equal(countOf('listing'), before);
  r = await bcd.post('/api/v1/market/listings/import', good, { 'content-type': 'text/csv' });
  assert.equal(r.json.created, 2);
  const made = await anon.get(`/api/v1/market/listings/${r.json.rows[0].id}`);
  assert.equal(made.json.state, 'published', 'a catalogue is published as imported');
  assert.deepEqual(made.json.transfer_types, ['non_exclusive_licence', 'sublicence']);
  assert.equal(made.json.organisation.id, 7002);
  // the export, CSV then a workbook, reads back to no change
  const generation = dbExec(srv.db, 'SELECT n FROM listing_generation');
  const csv = await bcd.get('/api/v1/market/listings/export');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  r = await bcd.post('/api/v1/market/listings/import', csv.text, { 'content-type': 'text/csv' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.updated, 0);
  assert.equal(r.json.created, 0);
  assert.equal(r.json.unchanged, countOf('listing'));
  const xlsx = await bcd.get('/api/v1/market/listings/export?format=xlsx');
  assert.equal(xlsx.status, 200);
  r = await bcd.post('/api/v1/market/listings/import', xlsx.bytes, { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.unchanged, countOf('listing'));
  assert.equal(dbExec(srv.db, 'SELECT n FROM listing_generation'), generation, 'nothing was written');
  // an edited cell updates that listing only
  const lines = csv.text.trim().split('\r\n');
  const header = lines[0].split(',');
  const row = lines.find((l) => l.includes('Máy sấy nông sản'));
  const edited = row.replace('Sấy 2 tấn/mẻ', 'Sấy 3 tấn/mẻ');
  r = await bcd.post('/api/v1/market/listings/import', `${header.join(',')}\r\n${edited}\r\n`, { 'content-type': 'text/csv' });
  assert.equal(r.json.updated, 1, r.text);
});

test('the command line imports a catalogue the same way, naming each bad cell', async () => {
  const file = path.join(dir, 'catalogue.csv');
  writeFileSync(file, 'kind,title,sector,trl\noffer,Màng lọc nano,materials_energy,10\nexpert,Chuyên gia IoT,iot,\n');
  const before = countOf('listing');
  let r = await runCli(['market', 'import', file, '--db', srv.db]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /catalogue\.csv:2:D: 'trl' must be a whole number from 1 to 9/);
  assert.equal(countOf('listing'), before);
  writeFileSync(file, 'kind,title,sector\nexpert,Chuyên gia IoT,iot\n');
  r = await runCli(['market', 'import', file, '--db', srv.db]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /1 listings created/);
  assert.equal(countOf('listing'), before + 1);
});

test('a shared contact must be an e-mail address and a phone number, named by field, with nothing saved', async () => {
  const offer = (await other.post('/api/v1/market/listings', { kind: 'offer', title: 'Bẫy côn trùng thông minh', summary: 'Đếm sâu hại tự động', sector: 'iot', trl: 6, organisation_id: 7002 })).json.id;
  await other.post(`/api/v1/market/listings/${offer}/submit`);
  assert.equal((await bcd.post(`/api/v1/market/listings/${offer}/publish`)).status, 200);
  const before = countOf('engagement');
  let r = await firm.post(`/api/v1/market/listings/${offer}/engagements`, { message: 'Quan tâm', contact_shared: true, contact_email: 'bad' });
  assert.equal(r.status, 422, r.text);
  assert.match(r.json.error.message, /'contact_email' is not an e-mail address/);
  r = await firm.post(`/api/v1/market/listings/${offer}/engagements`, { message: 'Quan tâm', contact_shared: true, contact_email: 'ha@nongsan.example.vn', contact_phone: 'gọi tôi' });
  assert.equal(r.status, 422, r.text);
  assert.match(r.json.error.message, /'contact_phone' is not a phone number/);
  assert.equal(countOf('engagement'), before, 'nothing saved');
  // a listing's own contact phone is checked the same way
  r = await firm.post('/api/v1/market/listings', { ...PROBLEM, contact_phone: '12' });
  assert.equal(r.status, 422, r.text);
  assert.match(r.json.error.message, /'contact_phone' is not a phone number/);
  r = await firm.post(`/api/v1/market/listings/${offer}/engagements`, { message: 'Quan tâm', contact_shared: true, contact_email: 'ha@nongsan.example.vn', contact_phone: '+84 912-345-678' });
  assert.equal(r.status, 201, r.text);
});

test('a date that has passed is refused on saving, publishing and importing, naming the field; nothing is replaced silently', async () => {
  const before = countOf('listing');
  for (const field of ['deadline', 'expires_on']) {
    const r = await firm.post('/api/v1/market/listings', { ...PROBLEM, title: 'Hạn đã qua', [field]: '2020-01-01' });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.message, `'${field}': the date 2020-01-01 has passed`);
  }
  assert.equal(countOf('listing'), before, 'nothing saved');
  // a draft whose dates are still ahead; an edit to a past date is refused
  const id = (await firm.post('/api/v1/market/listings', { ...PROBLEM, title: 'Giám sát sâu bệnh bằng ảnh vệ tinh', deadline: '2026-03-02', expires_on: '2026-03-02' })).json.id;
  const state = stateOf(id);
  let r = await firm.patch(`/api/v1/market/listings/${id}`, { deadline: '2026-03-01' });
  assert.equal(r.status, 422, r.text);
  assert.match(r.json.error.message, /'deadline': the date 2026-03-01 has passed/);
  assert.equal(stateOf(id), state);
  assert.equal((await firm.post(`/api/v1/market/listings/${id}/submit`)).status, 200);
  // the review took too long: publishing is refused, nothing changed, until a later date is set
  writeFileSync(clockFile, '2026-03-02T17:30:00Z\n');   // past midnight in Viet Nam
  try {
    r = await bcd.post(`/api/v1/market/listings/${id}/publish`);
    assert.equal(r.status, 422, r.text);
    assert.match(r.json.error.message, /'expires_on': the date 2026-03-02 has passed; set a later one before publishing/);
    r = await bcd.get(`/api/v1/market/listings/${id}`);
    assert.equal(r.json.status, 'submitted');
    assert.equal(r.json.expires_on, '2026-03-02', 'not replaced');
    assert.equal((await bcd.patch(`/api/v1/market/listings/${id}`, { expires_on: '2026-09-30' })).status, 200);
    r = await bcd.post(`/api/v1/market/listings/${id}/publish`);
    assert.equal(r.status, 422, 'the deadline too has passed');
    assert.match(r.json.error.message, /'deadline': the date 2026-03-02 has passed/);
    assert.equal((await bcd.patch(`/api/v1/market/listings/${id}`, { deadline: '2026-08-31' })).status, 200);
    r = await bcd.post(`/api/v1/market/listings/${id}/publish`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.expires_on, '2026-09-30');
    assert.equal(r.json.deadline, '2026-08-31');
  } finally {
    writeFileSync(clockFile, '2026-03-02T10:00:00Z\n');
  }
  // a catalogue with a passed date: the cell named, nothing saved
  const n = countOf('listing');
  r = await bcd.post('/api/v1/market/listings/import', 'kind,title,summary,deadline,expires_on\n'
    + 'problem,Tưới tiết kiệm nước,Cho cây ăn quả,2027-01-31,\n'
    + 'problem,Sấy vải thiều,Giữ màu,2020-01-01,\n'
    + 'offer,Máy gieo hạt,Gieo 2 ha/giờ,,2025-12-31\n', { 'content-type': 'text/csv' });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.error.details.map((d) => `${d.line}${d.column}:${d.field}`), ['3D:deadline', '4E:expires_on']);
  assert.match(r.json.error.details[0].message, /the date 2020-01-01 has passed/);
  assert.equal(countOf('listing'), n);
});

test('the review queue says who submitted each listing and for which organisation', async () => {
  const id = (await firm.post('/api/v1/market/listings', { ...PROBLEM, title: 'Truy xuất nguồn gốc gạo' })).json.id;
  await firm.post(`/api/v1/market/listings/${id}/submit`);
  const r = await bcd.get('/api/v1/market/listings?status=submitted');
  const l = r.json.listings.find((x) => x.id === id);
  assert.equal(l.submitted_by.name, 'Phạm Thu Hà');
  assert.deepEqual(l.organisation, { id: 7001, name: 'Công ty Nông sản Thái Bình' });
  // nobody else learns who submitted it
  assert.equal((await firm.get('/api/v1/market/listings?mine=1')).json.listings.find((x) => x.id === id).submitted_by, undefined);
  await firm.post(`/api/v1/market/listings/${id}/withdraw`);
});

test("the operator's statistics as a workbook: a sheet per table, the counts as the JSON says, the published ones beside", async () => {
  const stats = (await bcd.get('/api/v1/market/stats')).json;
  assert.ok(stats.published.by_kind.offer >= 1);
  assert.ok(stats.published.by_kind.offer <= stats.by_kind.offer);
  const x = await bcd.get('/api/v1/market/stats?format=xlsx');
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  assert.match(x.headers.get('content-disposition'), /thong-ke-cho-cong-nghe\.xlsx/);
  const { name, rows } = readSheet(x.bytes);
  assert.equal(name, 'Theo loại tin');
  const offers = rows.find((row) => row[0] === 'Chào bán công nghệ');
  assert.deepEqual(offers.map(String), ['Chào bán công nghệ', String(stats.by_kind.offer), String(stats.published.by_kind.offer)]);
  const book = unzip(x.bytes).get('xl/workbook.xml').toString();
  for (const sheet of ['Theo trạng thái', 'Theo lĩnh vực', 'Theo mức TRL', 'Tương tác và giao dịch']) assert.ok(book.includes(sheet), sheet);
  const en = readSheet((await bcd.get('/api/v1/market/stats?format=xlsx&lang=en')).bytes);
  assert.equal(en.name, 'By kind');
  assert.equal((await xem.get('/api/v1/market/stats?format=xlsx')).status, 403);
});
