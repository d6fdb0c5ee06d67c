// The market's search over HTTP on the demo data: Vietnamese typed in
// NFC, NFD or the old tone placement finds the same listings; a query
// without diacritics finds them, one with diacritics ranks its own word
// first; typos, prefixes while typing, highlights as safe parts; facet
// counts equal to SQL counts over the same published listings; a change
// visible to the next query, in this server and in another one on the
// same database; nothing unpublished, expired or private found.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoServer } from '../lib/demo.mjs';
import { client, signIn } from '../lib/auth.mjs';
import { dbExec, startServer } from '../lib/server.mjs';

let srv, anon, bcd;
const ids = {};
const orgs = {};

// Created by the operator for an organisation, submitted and published.
async function publish(body) {
  const c = await bcd.post('/api/v1/market/listings', body);
  assert.equal(c.status, 201, c.text);
  assert.equal((await bcd.post(`/api/v1/market/listings/${c.json.id}/submit`)).status, 200);
  const p = await bcd.post(`/api/v1/market/listings/${c.json.id}/publish`);
  assert.equal(p.status, 200, p.text);
  return c.json.id;
}

const search = (query, who = anon) => who.get(`/api/v1/market/search?${new URLSearchParams(query)}`);
const titles = (r) => r.json.hits.map((h) => h.title);

before(async () => {
  srv = await startDemoServer();
  anon = client(srv);
  bcd = await signIn(srv, 'bcd');
  const list = (await bcd.get('/api/v1/organisations?limit=100')).json.organisations;
  orgs.uni = list.find((o) => o.kind === 'university');
  orgs.firm = list.find((o) => o.kind === 'enterprise' || o.kind === 'startup');
  assert.ok(orgs.uni && orgs.firm, 'the demo registry has a university and a firm');
  // written in NFD on purpose
  ids.training = await publish({ kind: 'offer', title: 'Chương trình đào tạo kỹ sư nông nghiệp số'.normalize('NFD'),
    summary: 'Khoá đào tạo ngắn hạn về nông nghiệp thông minh cho hợp tác xã', sector: 'ai', trl: 8,
    organisation_id: orgs.uni.id, transfer_types: ['licence_with_service'] });
  ids.road = await publish({ kind: 'offer', title: 'Cảm biến giám sát mặt đường giao thông', summary: 'Phát hiện ổ gà trên đường phố',
    sector: 'iot', trl: 6, organisation_id: orgs.uni.id, transfer_types: ['exclusive_licence', 'non_exclusive_licence'] });
  ids.anode = await publish({ kind: 'offer', title: 'Vật liệu dương cực cho pin thế hệ mới', summary: 'Pin lithium bền hơn',
    sector: 'materials_energy', trl: 4, organisation_id: orgs.firm.id, transfer_types: ['full_assignment'] });
  // old-style tone placement: "hoà", "thuỷ"
  ids.water = await publish({ kind: 'problem', title: 'Xử lý nước thải làng nghề Hoà Sơn', summary: 'Cần giải pháp thuỷ lợi và lọc nước thải',
    sector: 'biotech', organisation_id: orgs.firm.id });
  ids.secret = await publish({ kind: 'problem', title: 'Bài toán mật về nước thải kim loại', summary: 'Không công bố',
    sector: 'biotech', organisation_id: orgs.firm.id, confidentiality: 'private' });
  const draft = await bcd.post('/api/v1/market/listings', { kind: 'offer', title: 'Bản nháp đào tạo nông nghiệp', summary: 'Chưa gửi',
    organisation_id: orgs.uni.id, trl: 3 });
  assert.equal(draft.status, 201, draft.text);
  ids.draft = draft.json.id;
});
after(async () => { await srv?.stop(); });

test('a query without diacritics finds the words written with them, in NFC, NFD or the old tone placement', async () => {
  const r = await search({ q: 'dao tao ky su' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.hits[0]?.id, ids.training, JSON.stringify(titles(r)));
  for (const q of ['đào tạo kỹ sư', 'đào tạo kỹ sư'.normalize('NFD'), 'ĐÀO TẠO KỸ SƯ']) {
    const again = await search({ q });
    assert.equal(again.json.hits[0].id, ids.training, q);
  }
  // "hòa" (new placement) finds "Hoà" (old); "thủy" finds "thuỷ"
  for (const q of ['hòa sơn', 'hoà sơn', 'thủy lợi', 'thuỷ lợi'.normalize('NFD')]) {
    const w = await search({ q });
    assert.deepEqual(w.json.hits.map((h) => h.id), [ids.water], q);
  }
});

test('"đường" ranks đường above dương, which it still finds', async () => {
  const r = await search({ q: 'đường' });
  const order = r.json.hits.map((h) => h.id);
  assert.ok(order.includes(ids.anode), 'dương still matches');
  assert.ok(order.indexOf(ids.road) < order.indexOf(ids.anode), JSON.stringify(titles(r)));
  const plain = await search({ q: 'duong' });
  assert.ok(plain.json.hits.some((h) => h.id === ids.road) && plain.json.hits.some((h) => h.id === ids.anode));
});

test('a typo on a long syllable and a prefix while typing still find the listing', async () => {
  const typo = await search({ q: 'nong nhiep' });
  assert.ok(typo.json.hits.some((h) => h.id === ids.training), JSON.stringify(titles(typo)));
  const prefix = await search({ q: 'mặt đườ' });
  assert.equal(prefix.json.hits[0]?.id, ids.road, JSON.stringify(titles(prefix)));
  const nothing = await search({ q: 'zzzz qqqq' });
  assert.equal(nothing.json.total, 0);
});

test('matches are highlighted as plain and matched parts, in the listing\'s own writing', async () => {
  const r = await search({ q: 'ổ gà' });
  const hit = r.json.hits.find((h) => h.id === ids.road);
  assert.ok(hit, JSON.stringify(titles(r)));
  const parts = hit.highlight.summary;
  assert.equal(parts.join(''), 'Phát hiện ổ gà trên đường phố');
  assert.deepEqual(parts.filter((_, i) => i % 2 === 1), ['ổ', 'gà']);
  // typed text comes back as text, never as markup
  const t = await search({ q: '<b>đào</b>' });
  assert.ok(!JSON.stringify(t.json.hits.map((h) => h.highlight)).includes('<b>'));
});

test('only what anyone may read is found: no draft, no private problem, no contact', async () => {
  const r = await search({ q: 'nước thải' });
  assert.ok(r.json.hits.some((h) => h.id === ids.water));
  assert.ok(!r.json.hits.some((h) => h.id === ids.secret));
  assert.equal((await search({ q: 'kim loại' })).json.hits.filter((h) => h.id === ids.secret).length, 0);
  const d = await search({ q: 'bản nháp' });
  assert.equal(d.json.total, 0);
  assert.ok(!/contact|@/.test(JSON.stringify((await search({ q: '' })).json.hits)));
});

// The VN day, as listings expire.
const todayVn = () => new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
const sqlCounts = (column, where) => {
  const rows = dbExec(srv.db, `SELECT ${column}, COUNT(*) FROM listing WHERE status = 'published' AND (expires_on IS NULL OR expires_on >= '${todayVn()}') `
    + `AND NOT (kind = 'problem' AND confidentiality = 'private') ${where} AND ${column} IS NOT NULL GROUP BY ${column}`);
  return Object.fromEntries(rows.split('\n').filter(Boolean).map((l) => { const [k, n] = l.split('|'); return [k, Number(n)]; }));
};
const facetCounts = (list) => Object.fromEntries(list.map((v) => [v.value, v.count]));

test('facet counts equal the SQL counts over the same published listings', async () => {
  const all = await search({ limit: 5 });
  assert.deepEqual(facetCounts(all.json.facets.kind), sqlCounts('kind', ''));
  assert.deepEqual(facetCounts(all.json.facets.sector), sqlCounts('sector', ''));
  assert.deepEqual(facetCounts(all.json.facets.trl), sqlCounts('trl', ''));
  assert.equal(all.json.total, Object.values(sqlCounts('kind', '')).reduce((a, b) => a + b, 0));
  // a filter narrows the other facets; its own facet keeps every value
  const offers = await search({ kind: 'offer' });
  assert.deepEqual(facetCounts(offers.json.facets.sector), sqlCounts('sector', "AND kind = 'offer'"));
  assert.deepEqual(facetCounts(offers.json.facets.kind), sqlCounts('kind', ''));
  const sectors = await search({ sector: 'ai,iot', kind: 'offer' });
  assert.equal(sectors.json.total, dbExec(srv.db, "SELECT COUNT(*) FROM listing WHERE status = 'published' AND kind = 'offer' "
    + `AND sector IN ('ai', 'iot') AND (expires_on IS NULL OR expires_on >= '${todayVn()}')`) * 1);
  assert.ok(sectors.json.facets.sector.find((v) => v.value === 'ai').name);
  const orgFacet = offers.json.facets.organisation.find((v) => v.value === String(orgs.uni.id));
  assert.equal(orgFacet.name, orgs.uni.name);
  const licences = await search({ transfer_type: 'exclusive_licence' });
  assert.ok(licences.json.hits.some((h) => h.id === ids.road));
  assert.ok(licences.json.hits.every((h) => h.transfer_types.includes('exclusive_licence')));
});

test('a commune or the city as unit_id keeps the listings of organisations within it', async () => {
  const unitId = orgs.uni.unit_id;
  if (!unitId) return;
  const r = await search({ unit_id: unitId, q: 'đào tạo' });
  assert.ok(r.json.hits.some((h) => h.id === ids.training));
  const city = JSON.parse((await anon.get('/api/v1/units?code=01')).text || '{}').units?.[0];
  if (city) assert.ok((await search({ unit_id: city.id, q: 'đào tạo' })).json.hits.some((h) => h.id === ids.training));
});

test('bad filters are named', async () => {
  for (const [query, name] of [[{ kind: 'offer,bogus' }, 'kind'], [{ trl: '10' }, 'trl'], [{ organisation_id: 'x' }, 'organisation_id'],
    [{ transfer_type: 'rent' }, 'transfer_type'], [{ limit: '0' }, 'limit']]) {
    const r = await search(query);
    assert.equal(r.status, 422, JSON.stringify(query));
    assert.match(r.json.error.message, new RegExp(name));
  }
  const bytes = await anon.get('/api/v1/market/search?q=%FF%FE');
  assert.ok(bytes.status === 400 || bytes.status === 422, `bytes that are not UTF-8: ${bytes.status}`);
});

test('a change is seen by the next query, in this server and in another on the same database', async () => {
  const other = await startServer({ db: srv.db });
  try {
    const otherAnon = client(other);
    const Q = 'robot han ong thep';
    assert.equal((await search({ q: Q }, otherAnon)).json.total, 0);
    const id = await publish({ kind: 'offer', title: 'Robot hàn ống thép tự động', summary: 'Cánh tay robot hàn ống thép cho xưởng cơ khí',
      sector: 'automation', trl: 7, organisation_id: orgs.firm.id });
    assert.deepEqual((await search({ q: Q })).json.hits.map((h) => h.id), [id]);
    assert.deepEqual((await search({ q: Q }, otherAnon)).json.hits.map((h) => h.id), [id]);
    const edit = await bcd.patch(`/api/v1/market/listings/${id}`, { title: 'Robot sơn ống thép tự động', summary: 'Cánh tay robot sơn tĩnh điện' });
    assert.equal(edit.status, 200, edit.text);
    assert.equal((await search({ q: Q })).json.total, 0, 'the old words are gone');
    assert.deepEqual((await search({ q: 'robot son ong thep' }, otherAnon)).json.hits.map((h) => h.id), [id]);
    assert.equal((await bcd.post(`/api/v1/market/listings/${id}/withdraw`)).status, 200);
    assert.equal((await search({ q: 'robot son ong thep' })).json.total, 0);
    assert.equal((await search({ q: 'robot son ong thep' }, otherAnon)).json.total, 0);
  } finally {
    await other.stop();
  }
});
