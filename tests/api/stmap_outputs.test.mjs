// Research outputs of the S&T map: the steering office imports OpenAlex
// works (the current and the 2022 schema); affiliations are matched to the
// registry by OpenAlex id, ROR and name, and per-organisation counts equal
// an independent count of the flattened rows; re-importing changes
// nothing; a malformed line is named and nothing is saved; an unmatched
// institution is reviewed and linked, and the link outlives the next
// import; patents, projects, contracts and spin-offs come in through their
// templates with every bad cell named and go out to re-import unchanged;
// only registry writers import.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../lib/server.mjs';
import { addUser, importUnits, signIn, client } from '../lib/auth.mjs';
import { readSheet } from '../lib/xlsx.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DATA = path.join(root, '..', 'shared', 'data', 'bibliometrics', 'openalex');
const haveData = existsSync(path.join(DATA, 'works.jsonl'));
const needData = { skip: haveData ? false : 'needs ../shared/data/bibliometrics/openalex' };

let srv, bcd, xem, hoankiem, anon;
const ORG = {};
const short = (url) => (url || '').split('/').pop();

// The flattened rows: institution id -> { ror, name, works: Set }.
function institutions() {
  const lines = readFileSync(path.join(DATA, 'work_institutions.tsv'), 'utf8').trim().split('\n');
  const head = lines[0].split('\t');
  const col = (n) => head.indexOf(n);
  const byId = new Map();
  for (const l of lines.slice(1)) {
    const f = l.split('\t');
    const id = short(f[col('institution_id')]);
    if (!id) continue;
    if (!byId.has(id)) byId.set(id, { id, ror: short(f[col('ror')]), name: f[col('institution_name')].replace(/^"|"$/g, '').replace(/""/g, '"'), works: new Set() });
    byId.get(id).works.add(f[col('work_id')]);
  }
  return [...byId.values()].sort((a, b) => b.works.size - a.works.size || a.id.localeCompare(b.id));
}

async function createOrg(body) {
  const r = await bcd.post('/api/v1/organisations', body);
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}

const works = (q) => xem.get(`/api/v1/outputs/works?${q}`);
const summary = async () => (await anon.get('/api/v1/outputs/summary')).json;
const NDJSON = { 'content-type': 'application/x-ndjson' };
const CSV = { 'content-type': 'text/csv' };

before(async () => {
  srv = await startServer();
  await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n00070,Phường Hoàn Kiếm,01,commune\n00004,Phường Ba Đình,01,commune\n');
  await addUser(srv, 'bcd', { role: 'steering', unit: '01' });
  await addUser(srv, 'xem', { role: 'viewer', unit: '01' });
  await addUser(srv, 'hoankiem', { role: 'officer', unit: '00070' });
  [bcd, xem, hoankiem] = await Promise.all(['bcd', 'xem', 'hoankiem'].map((l) => signIn(srv, l)));
  anon = client(srv);
  ORG.hust = await createOrg({ kind: 'university', name: 'Đại học Bách khoa Hà Nội', unit_code: '00004' });
  ORG.vast = await createOrg({ kind: 'institute', name: 'Viện Hàn lâm Khoa học và Công nghệ Việt Nam', unit_code: '00004' });
  ORG.firm = await createOrg({ kind: 'enterprise', name: 'Công ty Cổ phần Công nghệ Ánh Dương', unit_code: '00070' });
});
after(async () => {
  await srv?.stop();
});

test('works import: affiliations match by OpenAlex id, ROR and name; counts per organisation equal the flattened rows; re-import changes nothing', needData, async () => {
  const inst = institutions();
  const withRor = inst.filter((i) => i.ror);
  const [byId, byRor, byName] = [withRor[0], withRor[1], withRor[2]];
  ORG.byId = await createOrg({ kind: 'university', name: 'Trường Đại học Thử nghiệm A', openalex_id: byId.id, unit_code: '00070' });
  ORG.byRor = await createOrg({ kind: 'university', name: 'Trường Đại học Thử nghiệm B', ror: byRor.ror, unit_code: '00004' });
  ORG.byName = await createOrg({ kind: 'foreign_partner', name: byName.name });
  const text = readFileSync(path.join(DATA, 'works.jsonl'), 'utf8');
  const n = text.trim().split('\n').length;

  // a dry run counts and saves nothing
  let r = await bcd.post('/api/v1/outputs/works/import?dry_run=1', text, NDJSON);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.works, n);
  assert.equal((await summary()).works, 0, 'a dry run saves nothing');

  r = await bcd.post('/api/v1/outputs/works/import', text, NDJSON);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, n);
  assert.ok(r.json.matched.openalex > 0 && r.json.matched.ror > 0 && r.json.matched.name > 0, JSON.stringify(r.json.matched));
  const before = await summary();
  assert.equal(before.works, n);

  for (const [org, i] of [[ORG.byId, byId], [ORG.byRor, byRor], [ORG.byName, byName]]) {
    r = await works(`organisation_id=${org}&limit=1`);
    assert.equal(r.json.total, i.works.size, `works of ${i.name}`);
  }
  // by commune: the organisation matched by OpenAlex id is in Hoàn Kiếm
  r = await works('unit=00070&limit=1');
  assert.equal(r.json.total, byId.works.size);
  r = await works('unit=01&limit=1');
  assert.ok(r.json.total >= byId.works.size + byRor.works.size - 1);
  // a work's page names the matched organisation on its author's affiliation
  r = await works(`organisation_id=${ORG.byId}&limit=1`);
  const page = await anon.get(`/api/v1/outputs/works/${r.json.works[0].id}`);
  assert.equal(page.status, 200);
  const aff = page.json.authors.flatMap((a) => a.affiliations).find((a) => a.organisation_id === ORG.byId);
  assert.equal(aff.match, 'openalex');
  assert.equal(aff.institution_id, byId.id);
  assert.ok(page.json.authors.length > 0 && page.json.title);

  // filters: year, field, title without diacritics
  const all = (await works('limit=1000')).json;
  const year = all.works[0].year;
  r = await works(`year_from=${year}&year_to=${year}&limit=1000`);
  assert.equal(r.json.total, all.works.filter((w) => w.year === year).length);
  const field = all.fields[0];
  r = await works(`field=${field.id}&limit=1`);
  assert.equal(r.json.total, field.works);
  r = await works('q=BIBLIOMETRIX');
  assert.ok(r.json.works.some((w) => /bibliometrix/i.test(w.title)));
  // the list as a workbook, with Vietnamese column titles
  r = await xem.get(`/api/v1/outputs/works?organisation_id=${ORG.byId}&format=xlsx&limit=1000`);
  assert.equal(r.status, 200);
  const sheet = readSheet(r.bytes).rows;
  assert.ok(sheet.some((row) => row.includes('Số trích dẫn')), 'a column of citations');
  assert.equal(sheet.filter((row) => row.some((cell) => String(cell).includes('Trường Đại học Thử nghiệm A'))).length, byId.works.size);

  // the same file again: updated, never duplicated
  r = await bcd.post('/api/v1/outputs/works/import', text, NDJSON);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, 0);
  assert.equal(r.json.updated, n);
  const again = await summary();
  assert.equal(again.works, before.works);
  assert.equal(again.unmatched_institutions, before.unmatched_institutions);
  assert.ok(again.generation > before.generation, 'the generation moves on every import');
  for (const [org, i] of [[ORG.byId, byId], [ORG.byRor, byRor], [ORG.byName, byName]])
    assert.equal((await works(`organisation_id=${org}&limit=1`)).json.total, i.works.size);
});

test('the 2022 schema imports with its concepts as fields; works both files hold are not duplicated', needData, async () => {
  const text = readFileSync(path.join(DATA, 'works-2022-schema.jsonl'), 'utf8');
  const ids = new Set(readFileSync(path.join(DATA, 'works.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).id));
  const lines = text.trim().split('\n').map((l) => JSON.parse(l));
  const fresh = lines.filter((w) => !ids.has(w.id)).length;
  const before = await summary();
  const r = await bcd.post('/api/v1/outputs/works/import', text, NDJSON);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.works, lines.length);
  assert.equal(r.json.created, fresh);
  assert.equal((await summary()).works, before.works + fresh);
  const w = lines.find((x) => !ids.has(x.id));
  const found = (await works(`q=${encodeURIComponent(w.title.slice(0, 30))}`)).json.works.find((x) => x.openalex_id === short(w.id));
  const top = w.concepts.filter((c) => c.level === 0).sort((a, b) => Number(b.score) - Number(a.score))[0];
  assert.equal(found.field, top.display_name);
  assert.equal(found.venue, w.host_venue.display_name);
});

test('a malformed line is named by its number and nothing of the file is saved', needData, async () => {
  const lines = readFileSync(path.join(DATA, 'works.jsonl'), 'utf8').trim().split('\n').slice(0, 5);
  const w = JSON.parse(lines[0]);
  w.id = 'https://openalex.org/W999999999';
  const before = await summary();
  let r = await bcd.post('/api/v1/outputs/works/import', [JSON.stringify(w), lines[1], lines[2], '{"id": "https://openalex.org/W1", "title": ', lines[3]].join('\n'), NDJSON);
  assert.equal(r.status, 422, r.text);
  assert.match(r.json.error.message, /^line 4\b/);
  r = await bcd.post('/api/v1/outputs/works/import', [JSON.stringify(w), '["not", "a", "work"]'].join('\n'), NDJSON);
  assert.equal(r.status, 422);
  assert.match(r.json.error.message, /^line 2\b/);
  const after = await summary();
  assert.deepEqual(after, before, 'nothing saved, the generation unchanged');
  assert.equal((await works('q=W999999999')).json.total, 0);
});

test('the review list: an unmatched institution is linked to an organisation, all its works follow, and the link outlives a re-import', needData, async () => {
  let r = await anon.get('/api/v1/outputs/institutions');
  assert.equal(r.status, 401);
  r = await xem.get('/api/v1/outputs/institutions?limit=5');
  assert.equal(r.status, 200, r.text);
  const top = r.json.institutions[0];
  assert.ok(top.works >= r.json.institutions[1].works, 'most works first');
  const total = r.json.total;
  // only registry writers link
  for (const who of [xem, hoankiem])
    assert.equal((await who.post('/api/v1/outputs/institutions/link', { key: top.key, organisation_id: ORG.vast })).status, 403);
  assert.equal((await anon.post('/api/v1/outputs/institutions/link', { key: top.key, organisation_id: ORG.vast })).status, 401);
  r = await bcd.post('/api/v1/outputs/institutions/link', { key: top.key, organisation_id: 999999 });
  assert.equal(r.status, 422);
  r = await bcd.post('/api/v1/outputs/institutions/link', { key: 'openalex:I0', organisation_id: ORG.vast });
  assert.equal(r.status, 404);

  r = await bcd.post('/api/v1/outputs/institutions/link', { key: top.key, organisation_id: ORG.vast });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.affiliations >= top.works);
  assert.equal((await works(`organisation_id=${ORG.vast}&limit=1`)).json.total, top.works);
  r = await xem.get('/api/v1/outputs/institutions?limit=1000');
  assert.equal(r.json.total, total - 1);
  assert.ok(!r.json.institutions.some((i) => i.key === top.key));

  // the next import keeps the link (it replaces the two works the 2022
  // file also holds, with their institutions as the current schema gives them)
  const text = readFileSync(path.join(DATA, 'works.jsonl'), 'utf8');
  r = await bcd.post('/api/v1/outputs/works/import', text, NDJSON);
  assert.equal(r.status, 200);
  assert.ok(r.json.matched.manual >= top.works);
  assert.equal((await works(`organisation_id=${ORG.vast}&limit=1`)).json.total, top.works);
  const reimported = (await xem.get('/api/v1/outputs/institutions?limit=1')).json.total;

  // unlinking puts it back on the list
  r = await bcd.post('/api/v1/outputs/institutions/unlink', { key: top.key });
  assert.equal(r.status, 200);
  assert.equal((await works(`organisation_id=${ORG.vast}&limit=1`)).json.total, 0);
  r = await xem.get('/api/v1/outputs/institutions?limit=1000');
  assert.equal(r.json.total, reimported + 1);
  assert.equal(r.json.institutions.find((i) => i.key === top.key)?.works, top.works);
});

test('only registry writers import works: anonymous 401, viewer and officer 403, nothing changed', async () => {
  const line = JSON.stringify({ id: 'https://openalex.org/W123456', title: 'Một công bố thử', publication_year: 2025, authorships: [] });
  const before = await summary();
  assert.equal((await anon.post('/api/v1/outputs/works/import', line, NDJSON)).status, 401);
  assert.equal((await xem.post('/api/v1/outputs/works/import', line, NDJSON)).status, 403);
  assert.equal((await hoankiem.post('/api/v1/outputs/works/import', line, NDJSON)).status, 403);
  for (const k of ['patents', 'projects', 'contracts', 'spinoffs'])
    assert.equal((await hoankiem.post(`/api/v1/outputs/${k}/import`, 'x\n', CSV)).status, 403);
  assert.deepEqual(await summary(), before);
});

test('patent template: every bad cell named by line and column, nothing saved; then created, found, exported and re-imported unchanged', async () => {
  const tpl = await anon.get('/api/v1/outputs/patents/export?template=1');
  assert.equal(tpl.status, 200);
  assert.equal(tpl.text.trim(), 'number,kind,title,owner,inventors,ipc,filed_on,granted_on,task');
  const bad = [
    'number,kind,title,owner,inventors,ipc,filed_on,granted_on',
    '1-0001,patent,Vật liệu nano xử lý asen trong nước,Đại học Bách khoa Hà Nội,Nguyễn Văn An; Trần Thị Bình,C02F 1/28,2021-03-01,2023-05-20',
    '1-0002,invention,Quy trình tách chiết,Không có tổ chức này,,,2021-13-01,',
    '2-0003,utility_solution,,Viện Hàn lâm Khoa học và Công nghệ Việt Nam,,,,',
  ].join('\n');
  let r = await bcd.post('/api/v1/outputs/patents/import', bad, CSV);
  assert.equal(r.status, 422, r.text);
  const cells = r.json.error.details.map((d) => `${d.line}:${d.column}`);
  assert.deepEqual(cells.sort(), ['3:filed_on', '3:kind', '3:owner', '4:title']);
  assert.equal((await summary()).patents, 0, 'nothing saved');

  const good = [
    'number,kind,title,owner,inventors,ipc,filed_on,granted_on',
    '1-0001,patent,Vật liệu nano xử lý asen trong nước,Đại học Bách khoa Hà Nội,Nguyễn Văn An; Trần Thị Bình,C02F 1/28,2021-03-01,2023-05-20',
    `1-0002,patent,Quy trình tách chiết hoạt chất,${ORG.vast},,A61K 36/00,01/02/2022,15/06/2024`,
    '2-0003,utility_solution,Thiết bị đo độ mặn,Viện Hàn lâm Khoa học và Công nghệ Việt Nam,,,,2025-01-10',
  ].join('\n');
  r = await bcd.post('/api/v1/outputs/patents/import?dry_run=1', good, CSV);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, 3);
  assert.equal((await summary()).patents, 0, 'a dry run saves nothing');
  r = await bcd.post('/api/v1/outputs/patents/import', good, CSV);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, 3);
  const s = await summary();
  assert.equal(s.patents, 2);
  assert.equal(s.utility_solutions, 1);
  r = await anon.get(`/api/v1/outputs/patents?organisation_id=${ORG.vast}`);
  assert.deepEqual(r.json.patents.map((p) => p.number).sort(), ['1-0002', '2-0003']);
  assert.equal(r.json.patents.find((p) => p.number === '1-0002').granted_on, '2024-06-15', 'dd/mm/yyyy read as a date');
  r = await anon.get('/api/v1/outputs/patents?q=asen&kind=patent');
  assert.deepEqual(r.json.patents.map((p) => p.owner_name), ['Đại học Bách khoa Hà Nội']);
  r = await anon.get('/api/v1/outputs/patents?unit=00004&year_from=2024');
  assert.equal(r.json.total, 2);

  // export (CSV and workbook) re-imports to no change
  const csv = await anon.get('/api/v1/outputs/patents/export');
  assert.equal(csv.status, 200);
  r = await bcd.post('/api/v1/outputs/patents/import', csv.text, CSV);
  assert.deepEqual([r.json.created, r.json.updated, r.json.unchanged], [0, 0, 3], r.text);
  const xlsx = await anon.get('/api/v1/outputs/patents/export?format=xlsx');
  assert.equal(xlsx.status, 200);
  const { rows } = readSheet(xlsx.bytes);
  assert.equal(rows.length, 4);
  assert.deepEqual(rows[0].slice(0, 4), ['number', 'kind', 'title', 'owner']);
  r = await bcd.post('/api/v1/outputs/patents/import', xlsx.bytes, { 'content-type': 'application/octet-stream' });
  assert.deepEqual([r.json.created, r.json.updated, r.json.unchanged], [0, 0, 3], r.text);
  // a changed row updates, by its number
  r = await bcd.post('/api/v1/outputs/patents/import', 'number,kind,title,owner\n2-0003,utility_solution,Thiết bị đo độ mặn nước biển,Viện Hàn lâm Khoa học và Công nghệ Việt Nam\n', CSV);
  assert.deepEqual([r.json.created, r.json.updated], [0, 1]);
});

test('projects with partners, contracts (values for signed-in readers only) and spin-offs through their templates', async () => {
  let r = await bcd.post('/api/v1/outputs/projects/import', [
    'code,title,funder,budget,started_on,ends_on,lead,partners',
    `ĐT-01,Trí tuệ nhân tạo chẩn đoán hình ảnh,Sở KH&CN Hà Nội,1.500.000.000,2025-01-01,2026-12-31,Đại học Bách khoa Hà Nội,Công ty Cổ phần Công nghệ Ánh Dương; ${ORG.vast}`,
    'ĐT-02,Vật liệu mới,Quỹ NAFOSTED,abc,2025-02-01,,Đại học Bách khoa Hà Nội,Không ai',
  ].join('\n'), CSV);
  assert.equal(r.status, 422);
  assert.deepEqual(r.json.error.details.map((d) => `${d.line}:${d.column}`).sort(), ['3:budget', '3:partners']);
  r = await bcd.post('/api/v1/outputs/projects/import', [
    'code,title,funder,budget,started_on,ends_on,lead,partners',
    `ĐT-01,Trí tuệ nhân tạo chẩn đoán hình ảnh,Sở KH&CN Hà Nội,1.500.000.000,2025-01-01,2026-12-31,Đại học Bách khoa Hà Nội,Công ty Cổ phần Công nghệ Ánh Dương; ${ORG.vast}`,
  ].join('\n'), CSV);
  assert.equal(r.status, 200, r.text);
  r = await anon.get(`/api/v1/outputs/projects?organisation_id=${ORG.firm}`);
  assert.equal(r.json.total, 1, 'a partner finds the project');
  const p = r.json.projects[0];
  assert.equal(p.budget, 1500000000);
  assert.deepEqual(p.partners.map((x) => x.id).sort(), [ORG.vast, ORG.firm].sort());
  assert.equal((await anon.get(`/api/v1/outputs/projects/${p.id}`)).json.lead_name, 'Đại học Bách khoa Hà Nội');
  let csv = await anon.get('/api/v1/outputs/projects/export');
  r = await bcd.post('/api/v1/outputs/projects/import', csv.text, CSV);
  assert.deepEqual([r.json.created, r.json.updated, r.json.unchanged], [0, 0, 1], r.text);

  r = await bcd.post('/api/v1/outputs/contracts/import', 'number,kind,title,seller,buyer,value,signed_on\nHĐ-01/2025,transfer,Chuyển giao quy trình xử lý nước,Đại học Bách khoa Hà Nội,Công ty Cổ phần Công nghệ Ánh Dương,800000000,2025-06-10\n', CSV);
  assert.equal(r.status, 200, r.text);
  r = await anon.get('/api/v1/outputs/contracts');
  assert.equal(r.json.contracts[0].buyer_name, 'Công ty Cổ phần Công nghệ Ánh Dương');
  assert.ok(!('value' in r.json.contracts[0]), 'no value for anonymous readers');
  assert.ok(!(await anon.get('/api/v1/outputs/contracts/export')).text.includes('800000000'));
  r = await xem.get('/api/v1/outputs/contracts?unit=00070');
  assert.equal(r.json.contracts[0].value, 800000000, 'signed in: the value; the buyer is in Hoàn Kiếm');
  csv = await xem.get('/api/v1/outputs/contracts/export');
  r = await bcd.post('/api/v1/outputs/contracts/import', csv.text, CSV);
  assert.deepEqual([r.json.created, r.json.updated, r.json.unchanged], [0, 0, 1], r.text);

  r = await bcd.post('/api/v1/outputs/spinoffs/import', 'name,parent,organisation,founded_on,field\nCông ty Cổ phần Công nghệ Ánh Dương,Đại học Bách khoa Hà Nội,Công ty Cổ phần Công nghệ Ánh Dương,2023-09-01,Trí tuệ nhân tạo\n', CSV);
  assert.equal(r.status, 200, r.text);
  r = await anon.get(`/api/v1/outputs/spinoffs?organisation_id=${ORG.hust}`);
  assert.equal(r.json.spinoffs[0].organisation_id, ORG.firm);
  // the same name without diacritics is the same spin-off
  r = await bcd.post('/api/v1/outputs/spinoffs/import', 'name,parent,founded_on\nCONG TY CO PHAN CONG NGHE ANH DUONG,Đại học Bách khoa Hà Nội,2023-09-02\n', CSV);
  assert.deepEqual([r.json.created, r.json.updated], [0, 1], r.text);
  const s = await summary();
  assert.deepEqual([s.projects, s.contracts, s.spinoffs], [1, 1, 1]);
});
