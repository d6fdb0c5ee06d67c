// Evidence files: the type comes from the content, files are stored once by
// SHA-256, and only those who may see the record download them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startServer, dbExec } from '../lib/server.mjs';
import { addUser, importUnits, signIn, client } from '../lib/auth.mjs';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n% minh chứng\n'), Buffer.alloc(2000, 0x20), Buffer.from('\n%%EOF\n')]);

let srv, steering, officer, other, valueId;
before(async () => {
  srv = await startServer({ args: ['--max-upload', '64k'] });
  await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n00004,Phường Ba Đình,01,commune\n00008,Phường Ngọc Hà,01,commune\n');
  await addUser(srv, 'bcd', { role: 'steering', unit: '01' });
  await addUser(srv, 'can-bo-bd', { role: 'officer', unit: '00004' });
  await addUser(srv, 'can-bo-nh', { role: 'officer', unit: '00008' });
  steering = await signIn(srv, 'bcd');
  officer = await signIn(srv, 'can-bo-bd');
  other = await signIn(srv, 'can-bo-nh');
  assert.equal((await steering.post('/api/v1/indicators', { code: 'DN-DMST', name_vi: 'Doanh nghiệp đổi mới sáng tạo', direction: 'up', aggregation: 'sum' })).status, 201);
  const res = await fetch(`${srv.url}/api/v1/values`, {
    method: 'PUT', headers: { cookie: officer.cookie, 'x-csrf-token': officer.csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ indicator_code: 'DN-DMST', unit_code: '00004', period: '2025', value: 12 }),
  });
  valueId = (await res.json()).id;
});
after(async () => { await srv?.stop(); });

const upload = (c, name, bytes, id = valueId) => c.post(
  `/api/v1/attachments?entity=indicator_value&entity_id=${id}&name=${encodeURIComponent(name)}`, bytes, { 'content-type': 'application/octet-stream' });

test('a PDF is stored by its SHA-256 and listed with the value', async () => {
  const r = await upload(officer, 'Báo cáo quý.pdf', PDF);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.type, 'application/pdf');
  assert.equal(r.json.size, PDF.length);
  const hash = createHash('sha256').update(PDF).digest('hex');
  assert.equal(r.json.sha256, hash);
  assert.ok(existsSync(path.join(srv.dir, 'data', 'attachments', hash.slice(0, 2), hash)));
  const v = await officer.get(`/api/v1/values/${valueId}`);
  assert.deepEqual(v.json.evidence.map((e) => e.name), ['Báo cáo quý.pdf']);
  const again = await upload(officer, 'ban-sao.pdf', PDF);
  assert.equal(again.status, 201, 'the same bytes twice are fine');
});

test('the type is decided by the content, not the name', async () => {
  const before = dbExec(srv.db, 'SELECT COUNT(*) FROM attachment');
  const cases = [
    ['chuong-trinh.pdf', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0])],
    ['trang.txt', Buffer.from('<html><script>alert(1)</script></html>')],
    ['rong.pdf', Buffer.alloc(0)],
    ['nen.xlsx', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100)])],
  ];
  for (const [name, bytes] of cases) {
    const r = await upload(officer, name, bytes);
    assert.equal(r.status, 422, `${name}: ${r.text}`);
  }
  const csv = await upload(officer, 'so-lieu.csv', Buffer.from('ma,gia_tri\n00004,12\n'));
  assert.equal(csv.json.type, 'text/csv; charset=utf-8');
  assert.equal(Number(dbExec(srv.db, 'SELECT COUNT(*) FROM attachment')), Number(before) + 1);
});

test('an oversized file is refused with 413 and nothing is kept', async () => {
  const before = dbExec(srv.db, 'SELECT COUNT(*) FROM attachment');
  const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(70 * 1024, 0x20)]);
  const r = await upload(officer, 'lon.pdf', big);
  assert.equal(r.status, 413);
  assert.equal(dbExec(srv.db, 'SELECT COUNT(*) FROM attachment'), before);
});

test('only those who may see the record download its evidence', async () => {
  const list = (await officer.get(`/api/v1/values/${valueId}`)).json.evidence;
  const id = list[0].id;
  assert.equal((await upload(other, 'cua-toi.pdf', PDF)).status, 403, 'not for another unit');
  assert.equal((await other.get(`/api/v1/attachments/${id}`)).status, 403, 'a draft of another unit');
  assert.equal((await client(srv).get(`/api/v1/attachments/${id}`)).status, 401);
  const res = await fetch(`${srv.url}/api/v1/attachments/${id}`, { headers: { cookie: steering.cookie } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  assert.match(res.headers.get('content-disposition'), /^attachment; filename\*=UTF-8''B%C3%A1o%20c%C3%A1o%20qu%C3%BD\.pdf$/);
  assert.ok(Buffer.from(await res.arrayBuffer()).equals(PDF));
  // Once approved (and the indicator public), anyone may download it.
  assert.equal((await officer.post(`/api/v1/values/${valueId}/submit`)).status, 200);
  assert.equal((await steering.post(`/api/v1/values/${valueId}/approve`)).status, 200);
  const pub = await fetch(`${srv.url}/api/v1/attachments/${id}`);
  assert.equal(pub.status, 200);
  await pub.arrayBuffer();
});
