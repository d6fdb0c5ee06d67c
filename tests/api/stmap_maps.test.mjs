// The maps' boundaries: loading the shipped GeoJSON (data/boundaries) matched
// by unit code — a dry run listing the features of units that do not exist,
// a bad feature named by its index with nothing saved, who may load — and
// the units map: Hà Nội's 126 communes as GeoJSON, public units only for
// anonymous readers, answered again with 304 for its ETag.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { startServer, runCli } from '../lib/server.mjs';
import { addUser, importUnits, signIn, client } from '../lib/auth.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const COMMUNES = path.join(root, 'data', 'boundaries', 'communes-2025.geojson.gz');
const communesGz = readFileSync(COMMUNES);
const communes = JSON.parse(gunzipSync(communesGz).toString('utf8'));
const hanoi = communes.features.filter((f) => f.properties.province_code === '01');
const HIDDEN = '00004';   // Phường Ba Đình, made not public in this fixture

let srv, admin, steering, viewer, anon, cityId;

before(async () => {
  srv = await startServer();
  const rows = hanoi.map((f) => `${f.properties.code},${f.properties.name},01,commune,1,${f.properties.code === HIDDEN ? 0 : 1}`);
  await importUnits(srv, ['code,name,parent_code,kind,active,public', '01,Thành phố Hà Nội,,province,1,1', ...rows].join('\n'));
  await addUser(srv, 'quantri', { role: 'admin', unit: '01' });
  await addUser(srv, 'bcd', { role: 'steering', unit: '01' });
  await addUser(srv, 'xem', { role: 'viewer', unit: '01' });
  admin = await signIn(srv, 'quantri');
  steering = await signIn(srv, 'bcd');
  viewer = await signIn(srv, 'xem');
  anon = client(srv);
  cityId = (await admin.get('/api/v1/units?q=01&limit=1')).json.units[0].id;
});

after(async () => { await srv?.stop(); });

const GZ = { 'content-type': 'application/gzip' };
const mapOf = (who, parent = cityId, headers) => who.get(`/api/v1/map/units?parent=${parent}`, headers);

test('a dry run matches the 126 communes of Hà Nội, lists the other features and saves nothing', async () => {
  const r = await admin.post('/api/v1/units/boundaries?dry_run=1', communesGz, GZ);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.dry_run, true);
  assert.equal(r.json.total, 3321);
  assert.equal(r.json.matched, 126);
  assert.equal(r.json.unmatched, 3321 - 126);
  assert.equal(r.json.unmatched_features.length, 3321 - 126);
  const other = communes.features.findIndex((f) => f.properties.province_code !== '01');
  assert.deepEqual(r.json.unmatched_features.find((u) => u.index === other),
    { index: other, code: communes.features[other].properties.code, name: communes.features[other].properties.name });
  const m = await mapOf(admin);
  assert.equal(m.status, 200);
  assert.equal(m.json.features.length, 0, 'a dry run saved boundaries');
});

test('loading draws the 126 communes, with names, codes and the city around them', async () => {
  const r = await admin.post('/api/v1/units/boundaries?source=communes-2025.geojson.gz', communesGz, GZ);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.matched, r.json.dry_run], [126, false]);
  const m = await mapOf(admin);
  assert.equal(m.status, 200);
  assert.equal(m.json.type, 'FeatureCollection');
  assert.equal(m.json.features.length, 126);
  assert.equal(m.headers.get('content-encoding'), 'gzip', 'the map is sent compressed to a client that takes gzip');
  const hk = m.json.features.find((f) => f.properties.code === '00070');
  assert.equal(hk.properties.name, 'Phường Hoàn Kiếm');
  assert.equal(hk.properties.kind, 'commune');
  assert.equal(hk.id, hk.properties.id);
  assert.match(hk.geometry.type, /^(Multi)?Polygon$/);
  assert.equal(m.json.parent.properties.code, '01');
  const [w, s, e, n] = m.json.bbox;
  assert.ok(w > 105 && e < 106.1 && s > 20.5 && n < 21.5, `Hà Nội's box: ${m.json.bbox}`);
  const audit = await admin.get('/api/v1/audit?entity=unit_boundary');
  assert.equal(audit.json.entries[0].after.matched, 126);
});

test('anonymous readers see public units only, and a unit that does not exist is 404', async () => {
  const signedIn = await mapOf(viewer);
  const open = await mapOf(anon);
  assert.equal(open.status, 200);
  assert.ok(signedIn.json.features.some((f) => f.properties.code === HIDDEN));
  assert.equal(open.json.features.length, 125);
  assert.ok(!open.json.features.some((f) => f.properties.code === HIDDEN));
  assert.notEqual(open.headers.get('etag'), signedIn.headers.get('etag'));
  assert.equal((await anon.get('/api/v1/map/units?parent=999999')).status, 404);
  assert.equal((await anon.get('/api/v1/map/units?parent=abc')).status, 422);
});

test('the same map is answered 304 for its ETag until boundaries are loaded again', async () => {
  const first = await mapOf(anon);
  const etag = first.headers.get('etag');
  assert.ok(etag);
  const again = await mapOf(anon, cityId, { 'if-none-match': etag });
  assert.equal(again.status, 304);
  assert.equal(again.text, '');
  const one = { type: 'FeatureCollection', features: [{ ...hanoi.find((f) => f.properties.code === '00070') }] };
  one.features[0].geometry = { type: 'Polygon', coordinates: [[[105.84, 21.02], [105.86, 21.02], [105.86, 21.04], [105.84, 21.02]]] };
  const r = await steering.post('/api/v1/units/boundaries', JSON.stringify(one), { 'content-type': 'application/geo+json' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.matched, 1);
  const changed = await mapOf(anon, cityId, { 'if-none-match': etag });
  assert.equal(changed.status, 200);
  assert.notEqual(changed.headers.get('etag'), etag);
  assert.deepEqual(changed.json.features.find((f) => f.properties.code === '00070').geometry, one.features[0].geometry);
});

test('a bad feature is named by its index and nothing of the file is saved', async () => {
  const before = (await mapOf(admin)).json.features.find((f) => f.properties.code === '00082').geometry;
  const good = hanoi.find((f) => f.properties.code === '00082');
  const file = {
    type: 'FeatureCollection',
    features: [
      { ...good, geometry: { type: 'Polygon', coordinates: [[[105.8, 21.0], [105.81, 21.0], [105.81, 21.01], [105.8, 21.0]]] } },
      { type: 'Feature', properties: { name: 'Không có mã' }, geometry: good.geometry },
      { type: 'Feature', properties: { code: '00070' }, geometry: { type: 'Polygon', coordinates: [[[105.8, 21.0], [105.81, 21.0], [105.81, 21.01], [105.8, 21.02]]] } },
    ],
  };
  const r = await admin.post('/api/v1/units/boundaries', JSON.stringify(file), { 'content-type': 'application/geo+json' });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.error.details.map((d) => d.index), [1, 2]);
  assert.equal(r.json.error.details[0].template, 'features[%d] has no code property (the unit code, as text)');
  assert.equal(r.json.error.details[1].template, 'features[%d] (%s): ring %d is not closed');
  assert.deepEqual(r.json.error.details[1].params, ['2', '00070', '1']);
  const after = (await mapOf(admin)).json.features.find((f) => f.properties.code === '00082').geometry;
  assert.deepEqual(after, before, 'the good feature of a bad file was saved');
  const notGeo = await admin.post('/api/v1/units/boundaries', '{"type":"Feature"}', { 'content-type': 'application/json' });
  assert.equal(notGeo.status, 422);
  assert.equal(notGeo.json.error.template, 'the file is not a GeoJSON FeatureCollection');
});

test('only the steering office and administrators load boundaries', async () => {
  const body = JSON.stringify({ type: 'FeatureCollection', features: [hanoi[0]] });
  const h = { 'content-type': 'application/geo+json' };
  assert.equal((await anon.post('/api/v1/units/boundaries?dry_run=1', body, h)).status, 401);
  assert.equal((await viewer.post('/api/v1/units/boundaries?dry_run=1', body, h)).status, 403);
  assert.equal((await steering.post('/api/v1/units/boundaries?dry_run=1', body, h)).status, 200);
});

test('nq57 unit boundaries prints the counts and each unmatched feature', async () => {
  const r = await runCli(['unit', 'boundaries', path.join(root, 'data', 'boundaries', 'provinces-2025.geojson.gz'), '--dry-run', '--db', srv.db]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^34 features: 1 matched to units \(dry run: nothing saved\), 33 without a unit$/m);
  assert.match(r.stdout, /unmatched: features\[\d+\] code 79 {2}Thành phố Hồ Chí Minh/);
  assert.equal(r.stdout.split('\n').filter((l) => l.includes('unmatched:')).length, 33);
});

test('the organisations of the map: coordinates when known, published ones only for anonymous readers', async () => {
  const a = await admin.post('/api/v1/organisations', { kind: 'startup', name: 'Công ty Cổ phần Bản Đồ Số', unit_code: '00070', lat: 21.0285, lon: 105.8542, employees: 12 });
  assert.equal(a.status, 201, a.text);
  const b = await admin.post('/api/v1/organisations', { kind: 'institute', name: 'Viện Nghiên cứu Chưa Công Bố', unit_code: '00082', published: false });
  assert.equal(b.status, 201, b.text);
  const all = await admin.get(`/api/v1/map/organisations?unit=${cityId}`);
  assert.equal(all.status, 200);
  const byId = new Map(all.json.organisations.map((o) => [o.id, o]));
  assert.deepEqual([byId.get(a.json.id).lat, byId.get(a.json.id).lon, byId.get(a.json.id).employees], [21.0285, 105.8542, 12]);
  assert.equal(byId.get(b.json.id).lat, null);
  const open = await anon.get(`/api/v1/map/organisations?unit=${cityId}`);
  assert.deepEqual(open.json.organisations.map((o) => o.id), [a.json.id]);
  const institutes = await admin.get(`/api/v1/map/organisations?unit=${cityId}&kind=institute`);
  assert.deepEqual(institutes.json.organisations.map((o) => o.id), [b.json.id]);
  assert.equal((await anon.get(`/api/v1/map/organisations?unit=${cityId}&kind=castle`)).status, 422);
  assert.equal((await anon.get('/api/v1/map/organisations')).status, 422);
});
