// Matching on the market over HTTP: for the demo's hand-made problems the
// intended offer comes first with its reasons; a problem's matches ranked
// by the transparent score (shared words, sector, TRL fit, the
// organisation's record and contracts); an offer's problems; what may be
// matched by whom; saved searches that notify once per new listing in the
// inbox and by mail, listed and deleted by their owner only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoServer } from '../lib/demo.mjs';
import { client, runCliInput, PASSWORD, signIn } from '../lib/auth.mjs';
import { smtpListener } from '../lib/smtp.mjs';

let srv, smtp, anon, bcd, firm, other;
const ids = {};
const orgs = {};

async function create(who, body) {
  const c = await who.post('/api/v1/market/listings', body);
  assert.equal(c.status, 201, c.text);
  return c.json.id;
}
async function publish(body, who = bcd) {
  const id = await create(who, body);
  assert.equal((await who.post(`/api/v1/market/listings/${id}/submit`)).status, 200);
  const p = await bcd.post(`/api/v1/market/listings/${id}/publish`);
  assert.equal(p.status, 200, p.text);
  return id;
}
const matches = (id, who = anon) => who.get(`/api/v1/market/listings/${id}/matches`);
const reason = (m, code) => m.reasons.find((r) => r.code === code);

before(async () => {
  smtp = await smtpListener();
  srv = await startDemoServer({ env: { NQ57_SMTP: `127.0.0.1:${smtp.port}`, NQ57_MAIL_FROM: 'cho@hanoi.gov.vn' } });
  anon = client(srv);
  bcd = await signIn(srv, 'bcd');
  for (const [login, name, email] of [['firm.lan', 'Lê Thị Lan', 'lan@xanh.vn'], ['firm.khac', 'Đỗ Văn Khác', '']]) {
    const args = ['user', 'add', login, '--name', name, '--db', srv.db];
    if (email) args.push('--email', email);
    const r = await runCliInput(args, `${PASSWORD}\n`);
    assert.equal(r.code, 0, r.stderr);
  }
  const list = (await bcd.get('/api/v1/organisations?limit=200')).json.organisations;
  orgs.uni = list.find((o) => o.kind === 'university');
  orgs.institute = list.find((o) => o.kind === 'institute') || list.filter((o) => o.kind === 'university')[1];
  orgs.firm = list.find((o) => o.kind === 'enterprise' || o.kind === 'startup');
  assert.equal((await bcd.post(`/api/v1/organisations/${orgs.firm.id}/editors`, { login: 'firm.lan' })).status, 200);
  firm = await signIn(srv, 'firm.lan');
  other = await signIn(srv, 'firm.khac');

  ids.problem = await publish({ kind: 'problem', title: 'Xử lý nước thải chăn nuôi lợn bằng màng sinh học',
    summary: 'Trang trại cần hệ thống màng sinh học xử lý nước thải chăn nuôi đạt quy chuẩn xả thải',
    description: 'Quy mô 2.000 con lợn; ưu tiên vận hành đơn giản', sector: 'biotech', organisation_id: orgs.firm.id }, firm);
  ids.mbr = await publish({ kind: 'offer', title: 'Công nghệ màng sinh học MBR xử lý nước thải chăn nuôi',
    summary: 'Bể phản ứng màng sinh học cho trang trại lợn, nước thải sau xử lý đạt quy chuẩn', sector: 'biotech', trl: 7,
    organisation_id: orgs.uni.id, transfer_types: ['licence_with_service'] });
  ids.sensor = await publish({ kind: 'offer', title: 'Cảm biến đo chất lượng nước thải',
    summary: 'Đo pH và COD nước thải theo thời gian thực', sector: 'iot', trl: 5, organisation_id: orgs.institute.id });
  ids.library = await publish({ kind: 'offer', title: 'Phần mềm quản lý thư viện số', summary: 'Mượn trả sách trực tuyến',
    sector: 'ai', trl: 9, organisation_id: orgs.institute.id });
  ids.expert = await publish({ kind: 'expert', title: 'PGS.TS chuyên gia xử lý nước thải sinh học', expert_name: 'Nguyễn Văn Thủy',
    summary: 'Hai mươi năm nghiên cứu màng sinh học và xử lý nước thải chăn nuôi', sector: 'biotech', organisation_id: orgs.uni.id });
});
after(async () => {
  await srv?.stop();
  smtp?.server.close();
});

test('the hand-made problems of the demo find their intended offer first, with the reasons', async () => {
  const pairs = [
    ['Truy xuất nguồn gốc nông sản bằng mã QR cho hợp tác xã', 'Nền tảng truy xuất nguồn gốc nông sản trên chuỗi khối'],
    ['Phát hiện sớm bệnh đạo ôn trên lúa bằng ảnh chụp', 'Nhận dạng bệnh hại lúa từ ảnh điện thoại bằng trí tuệ nhân tạo'],
    ['Giám sát rò rỉ đường ống cấp nước', 'Hệ thống cảm biến IoT phát hiện rò rỉ đường ống nước sạch'],
    ['Mã hóa nguồn gen cây trồng nông nghiệp bản địa', 'Bộ kit mã vạch ADN nhận dạng giống cây trồng'],
    ['Xử lý nước thải và môi trường làng nghề chế biến nông sản', 'Hệ thống xử lý nước thải hữu cơ phân tán bằng màng sinh học'],
  ];
  for (const [problem, offer] of pairs) {
    const p = (await anon.get(`/api/v1/market/search?${new URLSearchParams({ q: `"${problem}"`, kind: 'problem' })}`)).json.hits[0];
    assert.ok(p, `the demo has the problem "${problem}"`);
    const r = await matches(p.id);
    assert.equal(r.status, 200, r.text);
    const first = r.json.matches[0];
    assert.equal(first.title, offer, `${problem}: ${r.json.matches.map((m) => `${m.title} ${m.score}`).join('; ')}`);
    assert.ok(reason(first, 'terms').terms.length >= 2, JSON.stringify(first.reasons));
    assert.equal(first.score, first.reasons.reduce((s, x) => s + x.points, 0));
  }
});

test('a problem\'s offers and experts are ranked by the points of their reasons', async () => {
  const r = await matches(ids.problem);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.listing.kind, 'problem');
  const order = r.json.matches.map((m) => m.id);
  assert.equal(order[0], ids.mbr, JSON.stringify(r.json.matches.map((m) => [m.title, m.score])));
  assert.ok(order.includes(ids.expert), 'an expert is matched too');
  assert.ok(order.indexOf(ids.sensor) > order.indexOf(ids.mbr));
  assert.ok(!order.includes(ids.library), `nothing shared: not matched ${JSON.stringify(r.json.matches.find((m) => m.id === ids.library)?.reasons)}`);
  assert.ok(r.json.matches.every((m) => m.kind !== 'problem'));
  const mbr = r.json.matches[0];
  assert.ok(reason(mbr, 'terms').terms.some((w) => /màng sinh học|màng|sinh học/.test(w)), JSON.stringify(mbr.reasons));
  assert.ok(reason(mbr, 'terms').terms.some((w) => /nước thải/.test(w)));
  assert.ok(!reason(mbr, 'terms').terms.some((w) => ['và', 'bằng', 'cho'].includes(w)), 'common words say nothing');
  const said = reason(mbr, 'terms').terms;
  assert.ok(said.every((w, i) => said.every((o, j) => i === j || !` ${o} `.includes(` ${w} `))), `each shared run said once: ${said}`);
  assert.deepEqual(reason(mbr, 'sector'), { code: 'sector', points: r.json.points.sector, sector: 'biotech' });
  assert.deepEqual(reason(mbr, 'trl'), { code: 'trl', points: r.json.points.trl, trl: 7, expected: 6 });
  const sensor = r.json.matches.find((m) => m.id === ids.sensor);
  assert.equal(reason(sensor, 'sector'), undefined);
  assert.equal(reason(sensor, 'trl').points, r.json.points.trl_near);
  for (const m of r.json.matches) assert.equal(m.score, m.reasons.reduce((s, x) => s + x.points, 0));
  assert.ok(r.json.matches.every((m, i, all) => i === 0 || all[i - 1].score >= m.score));
});

test('an offer finds the problems it may solve; a deal of its organisation counts', async () => {
  const r = await matches(ids.mbr);
  assert.equal(r.json.matches[0].id, ids.problem);
  assert.ok(r.json.matches.every((m) => m.kind === 'problem'));
  const sensor = async () => (await matches(ids.problem)).json.matches.find((m) => m.id === ids.sensor);
  const before = reason(await sensor(), 'contracts') || { contracts: 0, deals: 0 };
  const deal = await bcd.post(`/api/v1/market/listings/${ids.sensor}/deals`, { partner_name: 'Công ty Môi trường Đông Anh', signed_on: '2026-10-01', value_vnd: 300000000 });
  assert.equal(deal.status, 201, deal.text);
  const after = reason(await sensor(), 'contracts');
  assert.equal(after.deals, before.deals + 1);
  assert.equal(after.contracts, before.contracts);
  assert.equal(after.points, Math.min(10, 5 * (after.contracts + after.deals)));
});

test('a draft is matched for its owners only; hidden details of a problem stay out of a reader\'s matches', async () => {
  const draft = await create(firm, { kind: 'problem', title: 'Màng MBR cho nước thải chăn nuôi lợn', summary: 'Đang soạn', sector: 'biotech', organisation_id: orgs.firm.id });
  assert.equal((await matches(draft)).status, 404);
  assert.equal((await matches(draft, other)).status, 404);
  const own = await matches(draft, firm);
  assert.equal(own.status, 200, own.text);
  assert.equal(own.json.matches[0].id, ids.mbr);
  const hidden = await publish({ kind: 'problem', title: 'Bài toán của hợp tác xã', summary: 'Tóm tắt công khai',
    description: 'Màng MBR xử lý nước thải chăn nuôi lợn', sector: 'biotech', confidentiality: 'summary_only', organisation_id: orgs.firm.id }, firm);
  const seen = await matches(hidden);
  assert.equal(seen.status, 200);
  assert.ok(!seen.json.matches.some((m) => m.id === ids.mbr), 'the hidden description is not matched for a reader');
  const owner = await matches(hidden, firm);
  assert.equal(owner.json.matches[0].id, ids.mbr);
  assert.equal((await matches(999999)).status, 404);
});

const inbox = async (who) => (await who.get('/api/v1/inbox?limit=200')).json.items.filter((i) => i.kind === 'market_match');

test('saved searches notify once per new listing that matches, in the inbox and by mail', async () => {
  assert.equal((await anon.post('/api/v1/market/saved-searches', { q: 'x' })).status, 401);
  const bad = await firm.post('/api/v1/market/saved-searches', { q: 'x', trl: '12' });
  assert.equal(bad.status, 422);
  assert.match(bad.json.error.message, /trl/);
  const already = (await anon.get('/api/v1/market/search?q=nuoc%20thai&kind=offer')).json.total;
  const a = await firm.post('/api/v1/market/saved-searches', { name: 'Nước thải', q: 'nuoc thai', kind: 'offer' });
  assert.equal(a.status, 201, a.text);
  assert.ok(already >= 2);
  assert.equal(a.json.total, already, 'finds the offers already published');
  const b = await firm.post('/api/v1/market/saved-searches', { q: 'màng sinh học', sector: 'biotech' });
  assert.equal(b.status, 201, b.text);
  assert.deepEqual(await inbox(firm), [], 'what was published before is not news');

  const fresh = await publish({ kind: 'offer', title: 'Chế phẩm vi sinh khử mùi nước thải chuồng trại', summary: 'Dùng màng sinh học cố định vi sinh',
    sector: 'biotech', trl: 8, organisation_id: orgs.uni.id });
  await publish({ kind: 'offer', title: 'Robot hàn ống thép', summary: 'Hàn tự động', sector: 'automation', trl: 7, organisation_id: orgs.uni.id });
  await publish({ kind: 'problem', title: 'Nước thải mạ điện cần xử lý', summary: 'Một bài toán, không phải chào bán', sector: 'biotech', organisation_id: orgs.firm.id }, firm);
  const items = await inbox(firm);
  assert.equal(items.length, 1, JSON.stringify(items));
  assert.equal(items[0].listing.id, fresh);
  assert.equal(items[0].link, `#/cho-cong-nghe/${fresh}`);
  assert.equal(items[0].key, `market-match:${fresh}`);
  assert.equal(items[0].read, false);
  assert.deepEqual(await inbox(other), [], 'another person saved nothing');
  assert.deepEqual(await inbox(bcd), [], 'the operator saved nothing');

  // the messages that tell of a saved search's match (the firm is also
  // told of its own problem's publication, in another line)
  const decode = (data) => (/Content-Transfer-Encoding: base64/i.test(data)
    ? Buffer.from(data.split('\r\n\r\n').slice(1).join('').replace(/\s+/g, ''), 'base64').toString('utf8') : data);
  const mail = async () => {
    for (let i = 0; i < 150; i++) {
      const m = smtp.messages.filter((x) => x.to.includes('<lan@xanh.vn>')).map((x) => decode(x.data))
        .filter((body) => /tìm kiếm đã lưu/.test(body));
      if (m.length) return m;
      await new Promise((res) => setTimeout(res, 100));
    }
    return [];
  };
  const sent = await mail();
  assert.equal(sent.length, 1);
  const body = sent[0];
  assert.match(body, /CHỢ CÔNG NGHỆ/);
  assert.match(body, /Chế phẩm vi sinh khử mùi/);

  const read = await firm.post('/api/v1/inbox/read', { keys: [`market-match:${fresh}`] });
  assert.equal(read.status, 200);
  assert.equal((await inbox(firm))[0].read, true);
});

test('saved searches are their owner\'s: listed with what they find, deleted, never another\'s', async () => {
  const list = await firm.get('/api/v1/market/saved-searches');
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.saved_searches.map((s) => s.name || s.q), ['màng sinh học', 'Nước thải'], 'newest first');
  const first = list.json.saved_searches.find((s) => s.name === 'Nước thải');
  assert.equal(first.q, 'nuoc thai');
  assert.equal(first.kind, 'offer');
  assert.equal(first.total, (await anon.get('/api/v1/market/search?q=nuoc%20thai&kind=offer')).json.total);
  assert.equal((await other.get(`/api/v1/market/saved-searches/${first.id}`)).status, 404);
  assert.equal((await other.del(`/api/v1/market/saved-searches/${first.id}`)).status, 404);
  assert.deepEqual((await other.get('/api/v1/market/saved-searches')).json.saved_searches, []);
  assert.equal((await anon.get('/api/v1/market/saved-searches')).status, 401);
  const del = await firm.del(`/api/v1/market/saved-searches/${first.id}`);
  assert.equal(del.status, 200);
  assert.ok(!del.json.saved_searches.some((s) => s.id === first.id));
  assert.equal((await firm.get(`/api/v1/market/saved-searches/${first.id}`)).status, 404);
  const audit = await bcd.get('/api/v1/audit?entity=saved_search');
  if (audit.status === 200) assert.ok(audit.json.entries.some((e) => e.action === 'delete'));
});
