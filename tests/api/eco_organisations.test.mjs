// The registry's organisations over HTTP, on the demo data: identifiers
// checked (tax code with its check digit, ROR, OpenAlex), Vietnamese
// search whatever form the input takes, the profile each caller may see,
// changes applied or proposed by an organisation editor and reviewed,
// history, duplicates and their merge, CSV/XLSX import and export with
// every bad row named, and who may do what.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoServer } from '../lib/demo.mjs';
import { addUser, client, signIn } from '../lib/auth.mjs';
import { dbExec } from '../lib/server.mjs';
import { writeSheet } from '../lib/xlsx.mjs';

let srv, anon, bcd, quantri, xem, hoankiem, editor;
const ids = {};

before(async () => {
  srv = await startDemoServer();
  anon = client(srv);
  [bcd, quantri, xem, hoankiem] = await Promise.all(['bcd', 'quantri', 'xem', 'hoankiem'].map((l) => signIn(srv, l)));
  await addUser(srv, 'ptit.editor', { name: 'Phạm Thu Biên tập' });
  editor = await signIn(srv, 'ptit.editor');
});
after(async () => { await srv?.stop(); });

const create = (who, body) => who.post('/api/v1/organisations', body);
const search = (who, query) => who.get(`/api/v1/organisations?${new URLSearchParams(query)}`);
const names = (r) => r.json.organisations.map((o) => o.name);

test('the steering office adds an organisation with its identifiers in their stored form', async () => {
  const r = await create(bcd, {
    kind: 'university', name: 'Học viện Công nghệ Bưu chính Viễn thông', short_name: 'PTIT', aliases: ['Posts and Telecommunications Institute of Technology'],
    tax_code: '0100233488', ror: 'https://ror.org/05dxps055', openalex_id: 'https://openalex.org/I4210127456',
    unit_code: '00256', address: 'Số 122 Hoàng Quốc Việt', lat: 21.0065, lon: 105.8431, sectors: ['ai', 'automation', 'ai'],
    website: 'ptit.edu.vn', email: 'office@ptit.edu.vn', phone: '+84 24 3869 2222', founded_on: '1956-03-06',
    people: [{ name: 'Nguyễn Văn Liên hệ', role: 'Đầu mối hợp tác', email: 'lienhe@ptit.edu.vn', phone: '0912 345 678' }],
  });
  assert.equal(r.status, 201, r.text);
  ids.ptit = r.json.id;
  assert.equal(r.json.ror, '05dxps055');
  assert.equal(r.json.openalex_id, 'I4210127456');
  assert.equal(r.json.website, 'https://ptit.edu.vn');
  assert.deepEqual(r.json.sectors, ['ai', 'automation']);
  assert.equal(r.json.unit.code, '00256');
  assert.equal(r.json.unit_name, 'Phường Hai Bà Trưng');
  assert.deepEqual(r.json.aliases, ['Posts and Telecommunications Institute of Technology']);
  assert.equal(r.json.people[0].email, 'lienhe@ptit.edu.vn');
});

test('tax codes are checked with their check digit; ROR and OpenAlex ids by their form', async () => {
  // 010004751 + check digit 6 is the example of the tax office's rule.
  const good = ['0100047516', '0100109106', '0100109106-001'];
  const bad = ['0100047517', '0100109106-000', '010010910', '01001091061', '0000000000', '01-0010910', '0100109106-01'];
  for (const [i, code] of good.entries()) {
    const r = await create(bcd, { kind: 'enterprise', name: `Doanh nghiệp thử mã số ${i}`, tax_code: code });
    assert.equal(r.status, 201, `${code}: ${r.text}`);
    assert.equal(r.json.tax_code, code);
  }
  for (const code of bad) {
    const r = await create(bcd, { kind: 'enterprise', name: 'Doanh nghiệp mã sai', tax_code: code });
    assert.equal(r.status, 422, code);
    assert.match(r.json.error.message, /'tax_code'/);
  }
  const taken = await create(bcd, { kind: 'enterprise', name: 'Trùng mã số thuế', tax_code: '0100109106' });
  assert.equal(taken.status, 409);
  assert.match(taken.json.error.message, /Doanh nghiệp thử mã số 1/);
  const ror = await create(bcd, { kind: 'institute', name: 'Viện có ROR sai', ror: '05dxps056' });
  assert.equal(ror.status, 422);
  assert.match(ror.json.error.message, /'ror'/);
  const oa = await create(bcd, { kind: 'institute', name: 'Viện có OpenAlex sai', openalex_id: 'W123' });
  assert.equal(oa.status, 422);
  assert.match(oa.json.error.message, /'openalex_id'/);
  const far = await create(bcd, { kind: 'startup', name: 'Ở ngoài Việt Nam', lat: 48.85, lon: 2.35 });
  assert.equal(far.status, 422);
  assert.match(far.json.error.message, /'lat'/);
  const dept = await create(bcd, { kind: 'agency', name: 'Đơn vị không phải xã', unit_code: 'HN-SYT' });
  assert.equal(dept.status, 422);
  const sector = await create(bcd, { kind: 'startup', name: 'Lĩnh vực lạ', sectors: ['space'] });
  assert.equal(sector.status, 422);
  assert.match(sector.json.error.message, /space/);
});

test('search folds marks, đ, NFD and old-style tone placement, and ranks exact, then prefix, then a word inside', async () => {
  for (const [key, body] of Object.entries({
    uet: { kind: 'university', name: 'Trường Đại học Công nghệ', aliases: ['UET'], unit_code: '00004', sectors: ['ai'] },
    hoalac: { kind: 'innovation_centre', name: 'Trung tâm Đổi mới sáng tạo Hòa Lạc', unit_code: '00070', sectors: ['iot'] },
    vien: { kind: 'institute', name: 'Viện Công nghệ', unit_code: '00070' },
    vienit: { kind: 'institute', name: 'Viện Công nghệ Thông tin', unit_code: '00070' },
    phanvien: { kind: 'institute', name: 'Phân viện Viện Công nghệ Sinh học', unit_code: '00004', sectors: ['biotech'] },
    bks: { kind: 'startup', name: 'Công ty Cổ phần Công nghệ Trúc Bạch', unit_code: '00256', sectors: ['ai', 'big_data'], published: false },
    lab: { kind: 'innovation_centre', name: 'Trúc Bạch Lab', unit_code: '00004' },
    duonglang: { kind: 'innovation_centre', name: 'Trung tâm Đường Láng', unit_code: '00004' },
    duonglieu: { kind: 'innovation_centre', name: 'Trung tâm Dương Liễu', unit_code: '00004' },
  })) {
    const r = await create(bcd, body);
    assert.equal(r.status, 201, r.text);
    ids[key] = r.json.id;
  }
  // The demo's Đại học Bách khoa Hà Nội, whatever form the query takes.
  for (const q of ['dai hoc bach khoa', 'Đại học Bách khoa'.normalize('NFD'), 'ĐẠI HỌC BÁCH KHOA', 'hust']) {
    const r = await search(bcd, { q });
    assert.equal(r.status, 200);
    assert.equal(r.json.organisations[0]?.name, 'Đại học Bách khoa Hà Nội', q);
  }
  for (const q of ['hoà lạc', 'hoa lac', 'Hòa Lạc'.normalize('NFD')]) {
    assert.deepEqual(names(await search(bcd, { q })), ['Trung tâm Đổi mới sáng tạo Hòa Lạc'], q);
  }
  // Folded alike, but a query typed with marks puts its own word first.
  assert.deepEqual(names(await search(bcd, { q: 'trung tam duong' })), ['Trung tâm Đường Láng', 'Trung tâm Dương Liễu']);
  assert.deepEqual(names(await search(bcd, { q: 'Trung tâm Dương' })), ['Trung tâm Dương Liễu', 'Trung tâm Đường Láng']);
  assert.deepEqual(names(await search(bcd, { q: 'trung tâm đường' })), ['Trung tâm Đường Láng', 'Trung tâm Dương Liễu']);
  assert.deepEqual(names(await search(bcd, { q: 'uet' })), ['Trường Đại học Công nghệ']);
  assert.deepEqual(names(await search(bcd, { q: 'ptit' })), ['Học viện Công nghệ Bưu chính Viễn thông']);
  assert.deepEqual(names(await search(bcd, { q: 'vien cong nghe' })),
    ['Viện Công nghệ', 'Viện Công nghệ Thông tin', 'Học viện Công nghệ Bưu chính Viễn thông', 'Phân viện Viện Công nghệ Sinh học']);
  const bk = await search(bcd, { q: 'truc bach' });
  assert.deepEqual(names(bk), ['Trúc Bạch Lab', 'Công ty Cổ phần Công nghệ Trúc Bạch']);
  assert.equal(bk.json.total, 2);
  assert.deepEqual(bk.json.facets.kind, { innovation_centre: 1, startup: 1 });
  // Filters: kind (the facets still count every kind), sector, a unit's subtree.
  const one = await search(bcd, { q: 'truc bach', kind: 'startup' });
  assert.deepEqual(names(one), ['Công ty Cổ phần Công nghệ Trúc Bạch']);
  assert.equal(one.json.total, 1);
  assert.deepEqual(one.json.facets.kind, { innovation_centre: 1, startup: 1 });
  assert.deepEqual(names(await search(bcd, { q: 'truc bach', sector: 'big_data' })), ['Công ty Cổ phần Công nghệ Trúc Bạch']);
  assert.deepEqual(names(await search(bcd, { unit: '00004', kind: 'institute' })), ['Phân viện Viện Công nghệ Sinh học']);
  const inUnit = names(await search(bcd, { unit: '00256', q: 'cong nghe' }));
  assert.ok(inUnit.includes('Công ty Cổ phần Công nghệ Trúc Bạch') && inUnit.includes('Học viện Công nghệ Bưu chính Viễn thông'));
  assert.ok(!inUnit.includes('Viện Công nghệ'), 'an organisation of another commune');
  const sheet = await bcd.get('/api/v1/organisations?q=vien+cong+nghe&format=xlsx');
  assert.equal(sheet.status, 200);
  assert.match(sheet.headers.get('content-type'), /spreadsheetml/);
  const city = await search(bcd, { unit: '01', limit: 2 });
  assert.equal(city.json.organisations.length, 2);
  const far = await search(bcd, { unit: '01', offset: '9223372036854775807' });
  assert.equal(far.status, 200);
  assert.deepEqual([far.json.organisations.length, far.json.total], [0, city.json.total]);
  assert.ok(city.json.total >= 7);
  // Anonymous callers see published organisations only.
  assert.deepEqual(names(await search(anon, { q: 'truc bach' })), ['Trúc Bạch Lab']);
});

test('the public profile has no contacts; signed-in people of any role read them', async () => {
  const pub = await anon.get(`/api/v1/organisations/${ids.ptit}`);
  assert.equal(pub.status, 200);
  assert.equal(pub.json.email, undefined);
  assert.equal(pub.json.phone, undefined);
  assert.deepEqual(pub.json.people, [{ name: 'Nguyễn Văn Liên hệ', role: 'Đầu mối hợp tác' }]);
  assert.equal(pub.json.can_edit, false);
  assert.equal((await anon.get(`/api/v1/organisations/${ids.bks}`)).status, 404);
  for (const who of [xem, hoankiem]) {
    const r = await who.get(`/api/v1/organisations/${ids.ptit}`);
    assert.equal(r.json.email, 'office@ptit.edu.vn');
    assert.equal(r.json.people[0].phone, '0912 345 678');
    assert.equal(r.json.editors, undefined);
    assert.equal(r.json.can_edit, false);
  }
  assert.equal((await xem.get(`/api/v1/organisations/${ids.bks}`)).status, 200);
});

test('a registry writer\'s change applies at once and the history keeps before and after', async () => {
  const r = await bcd.patch(`/api/v1/organisations/${ids.ptit}`, { employees: 4200, description: 'Học viện đào tạo và nghiên cứu về bưu chính, viễn thông và công nghệ thông tin.' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.employees, 4200);
  const cleared = await quantri.patch(`/api/v1/organisations/${ids.ptit}`, { phone: null });
  assert.equal(cleared.json.phone, null);
  const h = await bcd.get(`/api/v1/organisations/${ids.ptit}/history`);
  assert.equal(h.status, 200);
  const actions = h.json.entries.map((e) => e.action);
  assert.deepEqual(actions, ['update', 'update', 'create']);
  const change = h.json.entries[1];
  assert.equal(change.before.employees, null);
  assert.equal(change.after.employees, 4200);
  assert.equal(h.json.entries[0].before.phone, '+84 24 3869 2222');
  assert.equal((await xem.get(`/api/v1/organisations/${ids.ptit}/history`)).status, 403);
  assert.equal((await anon.get(`/api/v1/organisations/${ids.ptit}/history`)).status, 401);
});

test('who may write: anonymous 401; viewer and officer 403; steering and admin yes', async () => {
  const body = { kind: 'startup', name: 'Khởi nghiệp thử quyền' };
  assert.equal((await create(anon, body)).status, 401);
  assert.equal((await anon.patch(`/api/v1/organisations/${ids.ptit}`, { employees: 1 })).status, 401);
  for (const who of [xem, hoankiem, editor]) {
    assert.equal((await create(who, body)).status, 403);
    assert.equal((await who.patch(`/api/v1/organisations/${ids.uet}`, { employees: 1 })).status, 403);
    assert.equal((await who.post(`/api/v1/organisations/${ids.ptit}/merge`, { duplicate_id: ids.uet })).status, 403);
    assert.equal((await who.get('/api/v1/organisations/duplicates')).status, 403);
    assert.equal((await who.post(`/api/v1/organisations/${ids.ptit}/editors`, { login: 'xem' })).status, 403);
  }
  const r = await create(quantri, body);
  assert.equal(r.status, 201);
  const after = await bcd.get(`/api/v1/organisations/${ids.uet}`);
  assert.equal(after.json.employees, null);
});

test('an organisation editor proposes changes to their own profile only; the steering office approves or refuses', async () => {
  const add = await bcd.post(`/api/v1/organisations/${ids.ptit}/editors`, { login: 'ptit.editor' });
  assert.equal(add.status, 200, add.text);
  assert.deepEqual(add.json.editors.map((e) => e.login), ['ptit.editor']);
  const me = await editor.get('/api/v1/session');
  assert.deepEqual(me.json.organisations, [ids.ptit]);

  const proposed = await editor.patch(`/api/v1/organisations/${ids.ptit}`, { employees: 5000, address: 'Số 122 Hoàng Quốc Việt, Cầu Giấy' });
  assert.equal(proposed.status, 200, proposed.text);
  assert.equal(proposed.json.change.status, 'submitted');
  assert.equal(proposed.json.employees, 4200, 'the record waits for the review');
  assert.equal(proposed.json.can_edit, true);
  // A second proposal before the review joins the first.
  const again = await editor.patch(`/api/v1/organisations/${ids.ptit}`, { website: 'https://www.ptit.edu.vn' });
  assert.equal(again.json.change.id, proposed.json.change.id);
  assert.deepEqual(Object.keys(again.json.change.fields).sort(), ['address', 'employees', 'website']);
  assert.equal((await editor.patch(`/api/v1/organisations/${ids.ptit}`, { published: false })).status, 403);
  assert.equal((await editor.patch(`/api/v1/organisations/${ids.ptit}`, { tax_code: '0100233489' })).status, 422);
  assert.equal((await editor.patch(`/api/v1/organisations/${ids.ptit}`, { tax_code: '0100109106' })).status, 409, 'another firm\'s tax code');
  // Another organisation: refused, and nothing changed.
  const other = await editor.patch(`/api/v1/organisations/${ids.uet}`, { employees: 7 });
  assert.equal(other.status, 403);
  assert.equal((await editor.get(`/api/v1/organisations/${ids.uet}/changes`)).status, 403);
  assert.equal((await bcd.get(`/api/v1/organisations/${ids.uet}/changes`)).json.changes.length, 0);

  const changeId = proposed.json.change.id;
  assert.equal((await editor.post(`/api/v1/organisations/${ids.ptit}/changes/${changeId}/approve`)).status, 403);
  const ok = await bcd.post(`/api/v1/organisations/${ids.ptit}/changes/${changeId}/approve`);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.employees, 5000);
  assert.equal(ok.json.website, 'https://www.ptit.edu.vn');
  assert.equal(ok.json.change.status, 'approved');
  assert.equal((await bcd.post(`/api/v1/organisations/${ids.ptit}/changes/${changeId}/approve`)).status, 409);

  const second = await editor.patch(`/api/v1/organisations/${ids.ptit}`, { short_name: 'HVBC' });
  const id2 = second.json.change.id;
  assert.notEqual(id2, changeId);
  assert.equal((await bcd.post(`/api/v1/organisations/${ids.ptit}/changes/${id2}/refuse`, {})).status, 422);
  const no = await bcd.post(`/api/v1/organisations/${ids.ptit}/changes/${id2}/refuse`, { reason: 'Tên viết tắt chính thức là PTIT' });
  assert.equal(no.status, 200);
  const seen = await editor.get(`/api/v1/organisations/${ids.ptit}`);
  assert.equal(seen.json.short_name, 'PTIT');
  assert.equal(seen.json.change.status, 'refused');
  assert.equal(seen.json.change.reason, 'Tên viết tắt chính thức là PTIT');
  const list = await editor.get(`/api/v1/organisations/${ids.ptit}/changes`);
  assert.deepEqual(list.json.changes.map((c) => c.status), ['refused', 'approved']);

  const h = await bcd.get(`/api/v1/organisations/${ids.ptit}/history`);
  const actions = h.json.entries.map((e) => e.action);
  for (const a of ['editor_add', 'propose_change', 'approve_change', 'refuse_change']) assert.ok(actions.includes(a), a);
  const applied = h.json.entries.find((e) => e.action === 'update' && e.after.employees === 5000);
  assert.equal(applied.before.employees, 4200);
});

test('duplicates by folded name in one commune are found, and a merge moves everything to the kept one', async () => {
  const kept = await create(bcd, { kind: 'enterprise', name: 'Công ty TNHH Giải pháp Số An Phát', unit_code: '00070', sectors: ['cybersecurity'] });
  const dup = await create(bcd, {
    kind: 'enterprise', name: 'CÔNG TY TNHH GIẢI PHÁP SỐ AN PHÁT', unit_code: '00070', tax_code: '0100047516-002', aliases: ['An Phát Digital'],
    people: [{ name: 'Đỗ Văn Phát', role: 'Giám đốc', email: 'phat@anphat.vn' }],
  });
  const elsewhere = await create(bcd, { kind: 'enterprise', name: 'Công ty TNHH Giải pháp Số An Phát', unit_code: '00004' });
  assert.equal(dup.status, 201, dup.text);
  const [k, d] = [kept.json.id, dup.json.id];
  await bcd.post(`/api/v1/organisations/${d}/editors`, { login: 'hoankiem' });
  const now = '2026-01-05T00:00:00Z';
  dbExec(srv.db, `INSERT INTO network (code, name, name_folded, created_at, updated_at) VALUES ('thu-gop', 'Mạng thử gộp', 'mang thu gop', '${now}', '${now}');
    INSERT INTO network_member (network_id, organisation_id, role) SELECT id, ${d}, 'member' FROM network WHERE code = 'thu-gop';
    INSERT INTO resource (organisation_id, kind, name, name_folded, booking, price_model, created_at, updated_at) VALUES (${d}, 'lab', 'Phòng lab thử', 'phong lab thu', 'slot', 'free', '${now}', '${now}');`);

  const dups = await bcd.get('/api/v1/organisations/duplicates');
  assert.equal(dups.status, 200);
  const pair = dups.json.duplicates.find((p) => p.a.id === k && p.b.id === d);
  assert.equal(pair?.reason, 'name');
  assert.ok(!dups.json.duplicates.some((p) => [p.a.id, p.b.id].includes(elsewhere.json.id)), 'another commune is another firm');

  const m = await bcd.post(`/api/v1/organisations/${k}/merge`, { duplicate_id: d });
  assert.equal(m.status, 200, m.text);
  assert.ok(m.json.aliases.includes('CÔNG TY TNHH GIẢI PHÁP SỐ AN PHÁT'));
  assert.ok(m.json.aliases.includes('An Phát Digital'));
  assert.equal(m.json.tax_code, '0100047516-002', 'the identifier the kept one lacked');
  assert.deepEqual(m.json.people.map((p) => p.name), ['Đỗ Văn Phát']);
  assert.deepEqual(m.json.networks.map((n) => n.code), ['thu-gop']);
  assert.deepEqual(m.json.editors.map((e) => e.login), ['hoankiem']);
  assert.equal(dbExec(srv.db, `SELECT organisation_id FROM resource WHERE name = 'Phòng lab thử'`), String(k));

  const gone = await bcd.get(`/api/v1/organisations/${d}`);
  assert.equal(gone.json.status, 'merged');
  assert.equal(gone.json.merged_into, k);
  assert.equal((await anon.get(`/api/v1/organisations/${d}`)).status, 404);
  assert.ok(!(await bcd.get('/api/v1/organisations/duplicates')).json.duplicates.some((p) => p.b.id === d));
  assert.deepEqual(names(await search(bcd, { q: 'an phat digital' })), ['Công ty TNHH Giải pháp Số An Phát']);
  assert.equal((await bcd.post(`/api/v1/organisations/${k}/merge`, { duplicate_id: d })).status, 422);
  const hd = await bcd.get(`/api/v1/organisations/${d}/history`);
  assert.equal(hd.json.entries[0].action, 'merge');
  assert.equal(hd.json.entries[0].before.status, 'active');
  assert.equal(dbExec(srv.db, `SELECT COUNT(*) FROM organisation_merge WHERE kept_id = ${k} AND merged_id = ${d}`), '1');
});

test('export, then import of the export changes nothing; a changed file previews then saves', async () => {
  assert.equal((await anon.get('/api/v1/organisations/export')).status, 401);
  const ex = await xem.get('/api/v1/organisations/export');
  assert.equal(ex.status, 200);
  assert.match(ex.headers.get('content-type'), /text\/csv/);
  const lines = ex.text.trim().split('\r\n');
  assert.match(lines[0], /^kind,name,short_name,aliases,tax_code,ror,openalex_id,unit_code,/);
  const ptitLine = lines.find((l) => l.includes('Học viện Công nghệ Bưu chính Viễn thông'));
  assert.match(ptitLine, /0100233488/);
  assert.match(ptitLine, /05dxps055/);
  const n = lines.length - 1;

  const csv = { 'content-type': 'text/csv' };
  assert.equal((await hoankiem.post('/api/v1/organisations/import', ex.text, csv)).status, 403);
  const same = await bcd.post('/api/v1/organisations/import', ex.text, csv);
  assert.equal(same.status, 200, same.text);
  assert.deepEqual([same.json.created, same.json.updated, same.json.unchanged, same.json.total], [0, 0, n, n]);

  const changed = ex.text.replace('Viện Công nghệ Thông tin,', 'Viện Công nghệ Thông tin,VCNTT')
    + 'startup,Công ty Cổ phần Robot Sông Hồng,,,,,,00070,,,,automation;ai,small,12,2024-05-01,active,,,,,1\r\n';
  const preview = await bcd.post('/api/v1/organisations/import?dry_run=1', changed, csv);
  assert.equal(preview.status, 200, preview.text);
  assert.equal(preview.json.dry_run, true);
  assert.deepEqual([preview.json.created, preview.json.updated], [1, 1]);
  assert.deepEqual(preview.json.rows.filter((r) => r.action !== 'unchanged').map((r) => [r.action, r.name]),
    [['update', 'Viện Công nghệ Thông tin'], ['create', 'Công ty Cổ phần Robot Sông Hồng']]);
  assert.equal((await search(bcd, { q: 'robot song hong' })).json.total, 0, 'a preview saves nothing');
  const saved = await bcd.post('/api/v1/organisations/import', changed, csv);
  assert.deepEqual([saved.json.created, saved.json.updated], [1, 1]);
  const robot = await search(bcd, { q: 'robot song hong' });
  assert.equal(robot.json.organisations[0].unit_code, '00070');
  assert.deepEqual(robot.json.organisations[0].sectors, ['automation', 'ai']);
  assert.equal((await bcd.get(`/api/v1/organisations/${ids.vienit}`)).json.short_name, 'VCNTT');
});

test('a bad file names every bad row and column and saves nothing; Vietnamese titles and XLSX are read', async () => {
  const before = (await search(bcd, { limit: 1 })).json.total;
  const bad = 'Tên,Loại hình,Mã số thuế,Mã xã/phường,Lĩnh vực\r\n'
    + 'Công ty Tốt,startup,,00070,ai\r\n'
    + 'Công ty Mã Sai,enterprise,0100109107,00070,\r\n'
    + 'Công ty Lĩnh Vực Lạ,startup,,00070,space\r\n'
    + ',startup,,00070,\r\n'
    + 'Công ty Xã Lạ,startup,,99999,\r\n';
  const r = await bcd.post('/api/v1/organisations/import', bad, { 'content-type': 'text/csv' });
  assert.equal(r.status, 422, r.text);
  const where = r.json.error.details.map((p) => [p.line, p.column, p.field ?? null]);
  assert.deepEqual(where, [[3, 'C', 'tax_code'], [4, 'E', 'sectors'], [5, 'A', 'name'], [6, 'D', 'unit_code']]);
  assert.match(r.json.error.details[0].message, /0100109107/);
  assert.equal((await search(bcd, { limit: 1 })).json.total, before, 'nothing saved');

  const sheet = writeSheet([
    ['Tên', 'Loại hình', 'Mã số thuế', 'Mã xã/phường', 'Số lao động'],
    ['Công ty Cổ phần Dữ liệu Tràng An', 'st_enterprise', 100109106, '00070', 35],
  ]);
  const x = await bcd.post('/api/v1/organisations/import', sheet, { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  assert.equal(x.status, 200, x.text);
  // The tax code lost its leading zero as a number: it is the existing firm's.
  assert.deepEqual([x.json.created, x.json.updated], [0, 1]);
  const firm = (await search(bcd, { q: 'du lieu trang an' })).json.organisations[0];
  assert.equal(firm.tax_code, '0100109106');
  assert.equal(firm.name, 'Công ty Cổ phần Dữ liệu Tràng An');
  assert.equal(firm.employees, 35);
});

// The smallest PNG: one transparent pixel.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d49444154789c6360000002000005000157b3d4a00000000049454e44ae426082', 'hex');
const logoUp = (who, id, bytes, name = 'logo.png') => who.post(
  `/api/v1/attachments?entity=organisation_logo&entity_id=${id}&name=${encodeURIComponent(name)}`, new Uint8Array(bytes),
  { 'content-type': 'application/octet-stream' });

test('an organisation editor sets its logo at once; anyone downloads it from the public profile as an image', async () => {
  const org = await create(bcd, { kind: 'startup', name: 'Công ty Khởi nghiệp Biểu trưng', unit_code: '00070' });
  assert.equal(org.status, 201, org.text);
  const id = org.json.id;
  await addUser(srv, 'logo.editor', { name: 'Lê Thị Biểu Trưng' });
  const me = await signIn(srv, 'logo.editor');
  assert.equal((await bcd.post(`/api/v1/organisations/${id}/editors`, { login: 'logo.editor' })).status, 200);
  assert.equal((await anon.get(`/api/v1/organisations/${id}`)).json.logo, null);
  const r = await logoUp(me, id, PNG, 'Biểu trưng.png');
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.type, 'image/png');
  const profile = (await anon.get(`/api/v1/organisations/${id}`)).json;
  assert.equal(profile.logo.id, r.json.id);
  assert.equal(profile.change ?? null, null, 'no change waits for review');
  const res = await fetch(`${srv.url}${profile.logo.url}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);
  const h = (await bcd.get(`/api/v1/organisations/${id}/history`)).json.entries;
  assert.equal(h[0].action, 'update');
  assert.equal(h[0].before.logo_id, null);
  assert.equal(h[0].after.logo_id, r.json.id);
  assert.match(h[0].actor, /logo.editor/);

  // an unpublished profile's logo is for those signed in only
  assert.equal((await bcd.patch(`/api/v1/organisations/${id}`, { published: false })).status, 200);
  assert.equal((await fetch(`${srv.url}${profile.logo.url}`)).status, 401);
  assert.equal((await xem.get(profile.logo.url)).status, 200);
});

test('others may not set a logo, and a file that is not an image is refused, whatever its name', async () => {
  const id = (await create(bcd, { kind: 'enterprise', name: 'Công ty Biểu trưng Được bảo vệ' })).json.id;
  await addUser(srv, 'other.editor', { name: 'Trần Văn Khác' });
  const other = await signIn(srv, 'other.editor');
  assert.equal((await bcd.post(`/api/v1/organisations/${ids.ptit}/editors`, { login: 'other.editor' })).status, 200);
  assert.equal((await logoUp(anon, id, PNG)).status, 401);
  for (const who of [other, xem, hoankiem]) assert.equal((await logoUp(who, id, PNG)).status, 403);
  const text = await logoUp(bcd, id, Buffer.from('Đây không phải là ảnh\n'), 'gia-anh.png');
  assert.equal(text.status, 422);
  assert.match(text.json.error.message, /PNG, JPEG, WebP or SVG/);
  const big = await logoUp(bcd, id, Buffer.concat([PNG, Buffer.alloc(1024 * 1024)]), 'lon.png');
  assert.equal(big.status, 422);
  const page = await fetch(`${srv.url}/api/v1/organisations/${id}`);
  assert.equal((await page.json()).logo, null, 'nothing changed');
  const h = (await bcd.get(`/api/v1/organisations/${id}/history`)).json.entries;
  assert.deepEqual(h.map((e) => e.action), ['create']);
  const svg = await logoUp(quantri, id, Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'logo.svg');
  assert.equal(svg.status, 201, svg.text);
  const res = await fetch(`${srv.url}/api/v1/attachments/${svg.json.id}`);
  assert.equal(res.headers.get('content-type'), 'image/svg+xml');
  assert.match(res.headers.get('content-security-policy'), /default-src 'none'.*sandbox/, 'a drawing opened alone runs no script');
});
