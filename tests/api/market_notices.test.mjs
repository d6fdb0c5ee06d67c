// What the market tells the owners of a listing (its creator and the
// editors of its organisation): the operator published or returned it
// (with the reason), someone proposed on it or showed interest — in their
// inbox, linked to the listing, and by mail; never to the person who did
// it nor to anyone else. And an expert listing's record: the expert's
// works in the S&T map (by ORCID iD, else by name within the expert's
// organisation) and the organisation's projects, patents, contracts,
// agreements and commercialisations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbExec } from '../lib/server.mjs';
import { addUser, importUnits, signIn, client, runCliInput, PASSWORD } from '../lib/auth.mjs';
import { smtpListener } from '../lib/smtp.mjs';

let srv, smtp, bcd, firm, colleague, other, anon;
const NOW = '2026-03-01T00:00:00Z';

function addOrganisation(id, kind, name, folded) {
  dbExec(srv.db, `INSERT INTO organisation (id, kind, name, name_folded, created_at, updated_at) VALUES (${id}, '${kind}', '${name}', '${folded}', '${NOW}', '${NOW}')`);
}
const editor = (login, org) => dbExec(srv.db, `INSERT INTO organisation_editor (person_id, organisation_id, created_at) SELECT id, ${org}, '${NOW}' FROM person WHERE login = '${login}'`);

before(async () => {
  smtp = await smtpListener();
  srv = await startServer({ env: { NQ57_SMTP: `127.0.0.1:${smtp.port}`, NQ57_MAIL_FROM: 'cho@hanoi.gov.vn' } });
  await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n');
  await addUser(srv, 'bcd', { name: 'Văn phòng Ban Chỉ đạo', role: 'steering', unit: '01' });
  for (const [login, name, email] of [['firm', 'Phạm Thu Hà', 'ha@nongsan.example.vn'], ['colleague', 'Vũ Đức Anh', 'anh@nongsan.example.vn'],
    ['other', 'Đỗ Minh Khoa', 'khoa@bk.example.vn']]) {
    const r = await runCliInput(['user', 'add', login, '--name', name, '--email', email, '--db', srv.db], `${PASSWORD}\n`);
    assert.equal(r.code, 0, r.stderr);
  }
  addOrganisation(7001, 'enterprise', 'Công ty Nông sản Thái Bình', 'cong ty nong san thai binh');
  addOrganisation(7002, 'university', 'Trường Đại học Bách khoa Hà Nội', 'truong dai hoc bach khoa ha noi');
  addOrganisation(7003, 'institute', 'Viện Công nghệ Môi trường', 'vien cong nghe moi truong');
  editor('firm', 7001);
  editor('colleague', 7001);
  editor('other', 7002);
  [bcd, firm, colleague, other] = await Promise.all(['bcd', 'firm', 'colleague', 'other'].map((l) => signIn(srv, l)));
  anon = client(srv);
});
after(async () => {
  await srv?.stop();
  smtp?.server.close();
});

const MARKET_KINDS = ['market_published', 'market_returned', 'market_engagement'];
const notices = async (who) => (await who.get('/api/v1/inbox?limit=200')).json.items.filter((i) => MARKET_KINDS.includes(i.kind));

// The decoded text of every message mailed to address so far.
function mailText(address) {
  return smtp.messages.filter((m) => m.to.includes(`<${address}>`)).map((m) => (/Content-Transfer-Encoding: base64/i.test(m.data)
    ? Buffer.from(m.data.split('\r\n\r\n').slice(1).join('').replace(/\s+/g, ''), 'base64').toString('utf8') : m.data)).join('\n');
}
async function mailUntil(address, re) {
  for (let i = 0; i < 200 && !re.test(mailText(address)); i++) await new Promise((res) => setTimeout(res, 100));
  return mailText(address);
}

test('owners hear of the review of their listing and of proposals on it, in the inbox and by mail; nobody else does', async () => {
  let r = await firm.post('/api/v1/market/listings', { kind: 'problem', title: 'Xử lý rơm rạ sau thu hoạch', summary: 'Cần chế phẩm phân hủy rơm rạ tại ruộng',
    sector: 'biotech', organisation_id: 7001 });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  assert.equal((await firm.post(`/api/v1/market/listings/${id}/submit`)).status, 200);
  assert.deepEqual(await notices(firm), [], 'a submission is no news to its owners');
  r = await bcd.post(`/api/v1/market/listings/${id}/return`, { reason: 'Bổ sung kinh phí dự kiến' });
  assert.equal(r.status, 200, r.text);

  for (const who of [firm, colleague]) {
    const items = await notices(who);
    assert.equal(items.length, 1, JSON.stringify(items));
    const [item] = items;
    assert.equal(item.kind, 'market_returned');
    assert.equal(item.reason, 'Bổ sung kinh phí dự kiến');
    assert.equal(item.by, 'Văn phòng Ban Chỉ đạo');
    assert.equal(item.link, `#/cho-cong-nghe/${id}`);
    assert.deepEqual(item.listing, { id, kind: 'problem', title: 'Xử lý rơm rạ sau thu hoạch', organisation: { id: 7001, name: 'Công ty Nông sản Thái Bình' } });
    assert.equal(item.read, false);
  }
  assert.deepEqual(await notices(other), [], 'not an owner');
  assert.deepEqual(await notices(bcd), [], 'the operator did it');

  assert.equal((await firm.post(`/api/v1/market/listings/${id}/submit`)).status, 200);
  assert.equal((await bcd.post(`/api/v1/market/listings/${id}/publish`)).status, 200);
  let items = await notices(colleague);
  assert.deepEqual(items.map((i) => i.kind).sort(), ['market_published', 'market_returned']);
  assert.equal(items.find((i) => i.kind === 'market_published').reason, undefined);

  // a proposal without consent names the organisation only; with it, the sender
  r = await other.post(`/api/v1/market/listings/${id}/engagements`, { message: 'Chúng tôi có chế phẩm vi sinh phù hợp', organisation_id: 7002 });
  assert.equal(r.status, 201, r.text);
  const quiet = r.json.id;
  r = await other.post(`/api/v1/market/listings/${id}/engagements`, { message: 'Xin gửi thêm tài liệu kỹ thuật', contact_shared: true });
  assert.equal(r.status, 201, r.text);
  const open = r.json.id;
  items = await notices(firm);
  const byKey = Object.fromEntries(items.map((i) => [i.key, i]));
  assert.equal(byKey[`market-engagement:${quiet}`].engagement.kind, 'proposal');
  assert.deepEqual(byKey[`market-engagement:${quiet}`].from, { id: 7002, name: 'Trường Đại học Bách khoa Hà Nội' });
  assert.equal(byKey[`market-engagement:${quiet}`].by, undefined, 'no consent, no name');
  assert.equal(byKey[`market-engagement:${open}`].by, 'Đỗ Minh Khoa');
  assert.equal(byKey[`market-engagement:${open}`].link, `#/cho-cong-nghe/${id}`);
  assert.deepEqual(await notices(other), [], 'the sender is not told of their own proposal');

  // read marks are each owner's own
  const key = items.find((i) => i.kind === 'market_returned').key;
  assert.equal((await firm.post('/api/v1/inbox/read', { keys: [key] })).status, 200);
  assert.equal((await notices(firm)).find((i) => i.key === key).read, true);
  assert.equal((await notices(colleague)).find((i) => i.key === key).read, false);

  const text = await mailUntil('anh@nongsan.example.vn', /Đề xuất mới[\s\S]*Đề xuất mới/);
  assert.match(text, /«Xử lý rơm rạ sau thu hoạch» bị trả lại\. Lý do: Bổ sung kinh phí dự kiến/);
  assert.match(text, /«Xử lý rơm rạ sau thu hoạch» đã được công bố/);
  assert.match(text, /Đề xuất mới về tin «Xử lý rơm rạ sau thu hoạch» từ Trường Đại học Bách khoa Hà Nội/);
  assert.doesNotMatch(mailText('khoa@bk.example.vn'), /Xử lý rơm rạ/, 'the sender gets no mail of it');
});

// The S&T map and the registry around organisation 7002.
function addRecord() {
  const works = [
    [801, 'Màng sinh học xử lý nước thải chăn nuôi', 2024, 'Nguyễn Văn Thủy', null, 7002],
    [802, 'Membrane bioreactors for swine wastewater', 2025, 'Thuy Van Nguyen', null, 7002],
    [803, 'Nước thải làng nghề', 2023, 'Nguyễn Văn Thủy', null, 7003],          // a namesake elsewhere
    [804, 'Xử lý bùn thải', 2022, 'Nguyễn Văn Thuận', null, 7002],             // another person
    [805, 'Constructed wetlands in the Red River delta', 2021, 'V. T. Nguyen', '0000-0002-1825-0097', 7003],
  ];
  const sql = [];
  for (const [id, title, year, author, orcid, org] of works) {
    sql.push(`INSERT INTO work (id, title, title_folded, year, venue, cited_by_count, n_authors, source, updated_at) VALUES (${id}, '${title}', '${title.toLowerCase()}', ${year}, 'Tạp chí Khoa học', ${id - 800}, 1, 'sheet', '${NOW}')`);
    sql.push(`INSERT INTO work_author (work_id, position, name, orcid) VALUES (${id}, 0, '${author}', ${orcid ? `'${orcid}'` : 'NULL'})`);
    sql.push(`INSERT INTO work_affiliation (id, work_id, position, name, name_folded, organisation_id, match) VALUES (${id}, ${id}, 0, 'x', 'x', ${org}, 'manual')`);
  }
  sql.push(`INSERT INTO project (id, code, title, title_folded, funder, organisation_id, started_on, updated_at) VALUES (901, 'DA-01', 'Màng MBR cho trang trại', 'mang mbr', 'Bộ KH&CN', 7002, '2024-01-01', '${NOW}'), (902, 'DA-02', 'Cảm biến COD', 'cam bien cod', NULL, 7003, '2025-01-01', '${NOW}'), (903, 'DA-03', 'Dự án khác', 'du an khac', NULL, 7003, '2025-06-01', '${NOW}')`);
  sql.push('INSERT INTO project_partner (project_id, organisation_id) VALUES (902, 7002)');
  sql.push(`INSERT INTO patent (id, kind, number, title, title_folded, organisation_id, owner_name, granted_on, updated_at) VALUES (911, 'patent', '1-0012345', 'Bể phản ứng màng', 'be phan ung mang', 7002, 'Trường Đại học Bách khoa Hà Nội', '2025-05-05', '${NOW}'), (912, 'utility_solution', '2-0000999', 'Khác', 'khac', 7003, 'Viện', NULL, '${NOW}')`);
  sql.push(`INSERT INTO contract (id, number, kind, title, title_folded, seller_id, seller_name, buyer_id, buyer_name, value, signed_on, updated_at) VALUES (921, 'HĐ-01/2025', 'licence', 'Li-xăng công nghệ MBR', 'li xang', 7002, 'ĐH Bách khoa', NULL, 'Hợp tác xã Xanh', 900000000, '2025-08-01', '${NOW}')`);
  sql.push(`INSERT INTO agreement (id, code, kind, title, title_folded, signed_on, created_at, updated_at) VALUES (931, 'MOU-BK-TB', 'mou', 'Hợp tác Bách khoa – Thái Bình', 'hop tac', '2025-03-01', '${NOW}', '${NOW}')`);
  sql.push('INSERT INTO agreement_party (agreement_id, organisation_id) VALUES (931, 7002), (931, 7001)');
  sql.push(`INSERT INTO commercialisation (id, title, organisation_id, partner_id, announced_on, status, created_at) VALUES (941, 'Thương mại hóa màng MBR', 7002, 7001, '2026-01-10', 'in_progress', '${NOW}')`);
  dbExec(srv.db, sql.join('; '));
}

test("an expert listing shows the expert's works and the organisation's record, each with its id for a link", async () => {
  addRecord();
  let r = await other.post('/api/v1/market/listings', { kind: 'expert', title: 'Chuyên gia màng sinh học', summary: 'Xử lý nước thải chăn nuôi',
    expert_name: 'PGS.TS. Nguyễn Văn Thủy', organisation_id: 7002 });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  assert.equal((await anon.get(`/api/v1/market/listings/${id}/record`)).status, 404, 'a draft is not public');
  assert.equal((await other.post(`/api/v1/market/listings/${id}/submit`)).status, 200);
  assert.equal((await bcd.post(`/api/v1/market/listings/${id}/publish`)).status, 200);

  r = await anon.get(`/api/v1/market/listings/${id}/record`);
  assert.equal(r.status, 200, r.text);
  const rec = r.json;
  assert.equal(rec.works_by, 'name');
  assert.deepEqual(rec.works.map((w) => w.id), [802, 801], 'both spellings at the organisation, newest first; not the namesake elsewhere nor Thuận');
  assert.deepEqual(rec.organisation, { id: 7002, name: 'Trường Đại học Bách khoa Hà Nội' });
  assert.deepEqual(rec.projects.map((p) => [p.code, p.lead]), [['DA-02', false], ['DA-01', true]]);
  assert.deepEqual(rec.patents.map((p) => p.number), ['1-0012345']);
  assert.deepEqual(rec.contracts.map((c) => [c.number, c.seller, c.buyer]),
    [['HĐ-01/2025', { id: 7002, name: 'Trường Đại học Bách khoa Hà Nội' }, { name: 'Hợp tác xã Xanh' }]]);
  assert.equal(rec.contracts[0].value, undefined, 'no contract value in a public record');
  assert.deepEqual(rec.agreements.map((a) => a.code), ['MOU-BK-TB']);
  assert.deepEqual(rec.commercialisations.map((c) => [c.id, c.partner]), [[941, { id: 7001, name: 'Công ty Nông sản Thái Bình' }]]);
  assert.deepEqual(rec.totals, { works: 2, projects: 2, patents: 1, contracts: 1, agreements: 1, commercialisations: 1 });

  // an ORCID iD decides which works are the expert's
  r = await other.patch(`/api/v1/market/listings/${id}`, { orcid: '0000-0002-1825-0098' });
  assert.equal(r.status, 422);
  assert.match(r.json.error.message, /orcid/);
  r = await other.patch(`/api/v1/market/listings/${id}`, { orcid: 'https://orcid.org/0000-0002-1825-0097' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.orcid, '0000-0002-1825-0097');
  rec.works = (await anon.get(`/api/v1/market/listings/${id}/record`)).json.works;
  assert.deepEqual(rec.works.map((w) => [w.id, w.author]), [[805, 'V. T. Nguyen']]);

  r = await other.post('/api/v1/market/listings', { kind: 'offer', title: 'Màng MBR', organisation_id: 7002 });
  assert.equal((await other.get(`/api/v1/market/listings/${r.json.id}/record`)).status, 422, 'only experts have a record');
  assert.equal((await other.post('/api/v1/market/listings', { kind: 'offer', title: 'Màng', orcid: '0000-0002-1825-0097' })).status, 422);
});
