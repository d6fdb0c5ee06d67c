// The OpenAPI 3.1 description at /api/v1/openapi.json: every route of the
// route table (read from src/api/api.c now, so a new route without its
// description fails here) is described with its method and path, and the
// API's answers fit the schemas it gives — checked over a walk of the API
// on the demo data that reaches a success and an error of every route
// (the routes of the table; the few it cannot reach both ways are named
// in NOT_WALKED). NQ57_OPENAPI_CHECK=1 runs the same check over the
// answers of any other API suite (tests/lib/openapi_check.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoServer } from '../lib/demo.mjs';
import { client, signIn, PASSWORD } from '../lib/auth.mjs';
import { check, responseSchema } from '../lib/schema.mjs';
import { waitRun } from '../lib/index_runs.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const routesOf = (file) => [...readFileSync(path.join(root, file), 'utf8')
  .matchAll(/\{\s*"(GET|POST|PUT|PATCH|DELETE)",\s*"(\/api\/v1\/[^"]*)",\s*\w+,/g)].map(([, m, p]) => `${m} ${p}`);
// api.c's table, and the routes of the capabilities it expands from their
// headers (src/api/ecosystem/*.h: API_*_ROUTES), which
// tests/api/openapi_ecosystem.test.mjs walks.
const ECOSYSTEM = ['ecosystem', 'stmap', 'market'].filter((d) => existsSync(path.join(root, 'src/api', d)))
  .flatMap((d) => readdirSync(path.join(root, 'src/api', d)).filter((f) => f.endsWith('.h')).map((f) => `src/api/${d}/${f}`))
  .flatMap((f) => routesOf(f));
const routeTable = [...routesOf('src/api/api.c'), ...ECOSYSTEM];

// Routes the walk cannot reach both ways, and why.
const NOT_WALKED = {
  'GET /api/v1/health': 'no error answer: it answers 503 only when the database is down',
  'GET /api/v1/openapi.json': 'no error answer: a constant document',
  'GET /api/v1/documents/tree': 'no error answer: public, without parameters',
  'GET /api/v1/units/export': 'no error answer: anyone may export the public units',
};

let srv, doc, steering, admin, officer, viewer, anon;
before(async () => {
  srv = await startDemoServer();
  [steering, admin, officer, viewer] = await Promise.all(['bcd', 'quantri', 'syt', 'xem'].map((l) => signIn(srv, l)));
  anon = client(srv);
  doc = (await anon.get('/api/v1/openapi.json')).json;
});
after(async () => { await srv?.stop(); });

test('every route of the route table is described, with its method and path, and nothing else', () => {
  assert.ok(routeTable.length > 80, `read ${routeTable.length} routes from api.c`);
  assert.equal(doc.openapi, '3.1.0');
  const described = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
  assert.deepEqual(routeTable.filter((r) => !described.includes(r)), [], 'routes without a description');
  assert.deepEqual(described.filter((r) => !routeTable.includes(r)), [], 'descriptions of routes that do not exist');
  for (const [p, ops] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(ops)) {
      assert.ok(op.summary && op['x-summary-vi'] && op.tags?.length, `${m} ${p}: summary and tag`);
      const params = [...p.matchAll(/\{(\w+)\}/g)].map((x) => x[1]);
      assert.deepEqual((op.parameters || []).filter((x) => x.in === 'path').map((x) => x.name), params, `${m} ${p}: path parameters`);
      assert.ok(op.responses.default || op.responses['500'], `${m} ${p}: the error shape`);
    }
  }
  assert.ok(doc.components.schemas.Error && doc.components.schemas.ErrorBody.properties.template, 'the one error shape, with template and params');
});

// ---------------------------------------------------------------- the walk

const seen = new Map();   // "METHOD /template" -> { ok, err }
const problems = [];

// Sends method to url as route (the table's path) and checks the answer
// against the description: its status is described, and a JSON answer
// fits the schema.
async function call(c, method, route, url, body, headers) {
  const r = await ({ GET: c.get, POST: c.post, PUT: c.put, PATCH: c.patch, DELETE: c.del }[method])(url, ...(method === 'GET' || method === 'DELETE' ? [headers] : [body, headers]));
  const key = `${method} ${route}`;
  const op = doc.paths[route]?.[method.toLowerCase()];
  if (!op) problems.push(`${key}: not described`);
  else if (!op.responses[String(r.status)]) problems.push(`${key}: status ${r.status} is not described (${r.text.slice(0, 120)})`);
  const type = (r.headers.get('content-type') || '').split(';')[0];
  if (type === 'application/json' && op) {
    const schema = responseSchema(doc, method, route, r.status);
    if (!schema) problems.push(`${key}: no JSON schema for ${r.status}`);
    else for (const p of check(doc, schema, r.json)) problems.push(`${key} ${r.status}: ${p}`);
  }
  const s = seen.get(key) || { ok: 0, err: 0 };
  if (r.status < 400) s.ok++; else s.err++;
  seen.set(key, s);
  return r;
}
// A step expected to succeed, or to fail; one that does not is listed.
const ok = async (...a) => { const r = await call(...a); if (r.status >= 300) problems.push(`${a[1]} ${a[3]}: ${r.status} ${r.text.slice(0, 200)}`); return r; };
const bad = async (...a) => { const r = await call(...a); if (r.status < 400) problems.push(`${a[1]} ${a[3]} should fail: ${r.status}`); return r; };
const csv = { 'content-type': 'text/csv' };
const sql = (s) => dbExecOn(s);
let dbExecOn;

test('a walk of the API: every answer fits its description', async () => {
  dbExecOn = (await import('../lib/server.mjs')).dbExec.bind(null, srv.db);
  const id = (s) => Number(sql(s));
  // system
  await ok(anon, 'GET', '/api/v1/health', '/api/v1/health?db=1');
  await ok(anon, 'GET', '/api/v1/openapi.json', '/api/v1/openapi.json');
  await ok(anon, 'GET', '/api/v1/periods/{code}', '/api/v1/periods/2026Q3');
  await bad(anon, 'GET', '/api/v1/periods/{code}', '/api/v1/periods/2026Q9');
  await ok(anon, 'POST', '/api/v1/periods/resolve', '/api/v1/periods/resolve', { codes: ['Quý 3/2026', '2026S1'] });
  await bad(anon, 'POST', '/api/v1/periods/resolve', '/api/v1/periods/resolve', { codes: ['Quý 5/2026'] });
  // session and tokens
  await ok(steering, 'GET', '/api/v1/session', '/api/v1/session');
  await bad(anon, 'GET', '/api/v1/session', '/api/v1/session');
  await ok(anon, 'POST', '/api/v1/session', '/api/v1/session', { login: 'xem', password: PASSWORD });
  await bad(anon, 'POST', '/api/v1/session', '/api/v1/session', { login: 'xem', password: 'sai mật khẩu' });
  const leaving = await signIn(srv, 'xem');
  await bad(client(srv, { cookie: leaving.cookie }), 'DELETE', '/api/v1/session', '/api/v1/session');
  await ok(leaving, 'DELETE', '/api/v1/session', '/api/v1/session');
  await bad(viewer, 'POST', '/api/v1/session/password', '/api/v1/session/password', { current_password: 'sai', new_password: 'một mật khẩu mới đủ dài 2026' });
  await ok(viewer, 'POST', '/api/v1/session/password', '/api/v1/session/password', { current_password: PASSWORD, new_password: PASSWORD });
  viewer = await signIn(srv, 'xem');
  await ok(admin, 'GET', '/api/v1/tokens', '/api/v1/tokens');
  await bad(anon, 'GET', '/api/v1/tokens', '/api/v1/tokens');
  const token = await ok(admin, 'POST', '/api/v1/tokens', '/api/v1/tokens', { name: 'kho dữ liệu', expires_in_days: 30 });
  await bad(admin, 'POST', '/api/v1/tokens', '/api/v1/tokens', {});
  await ok(admin, 'DELETE', '/api/v1/tokens/{id}', `/api/v1/tokens/${token.json.id}`);
  await bad(admin, 'DELETE', '/api/v1/tokens/{id}', '/api/v1/tokens/999999');
  // audit
  await ok(admin, 'GET', '/api/v1/audit', '/api/v1/audit?limit=5');
  await bad(officer, 'GET', '/api/v1/audit', '/api/v1/audit');
  await ok(admin, 'GET', '/api/v1/audit/verify', '/api/v1/audit/verify');
  await bad(anon, 'GET', '/api/v1/audit/verify', '/api/v1/audit/verify');
  // units
  const root = id("SELECT id FROM unit WHERE code = '01'");
  await ok(anon, 'GET', '/api/v1/units', `/api/v1/units?parent_id=${root}&limit=5`);
  await bad(anon, 'GET', '/api/v1/units', '/api/v1/units?limit=0');
  const unit = await ok(admin, 'POST', '/api/v1/units', '/api/v1/units', { code: 'OA-1', name: 'Đơn vị thử', kind: 'other', parent_code: '01' });
  await bad(admin, 'POST', '/api/v1/units', '/api/v1/units', { code: 'OA-1', name: 'Đơn vị thử', kind: 'other', parent_code: '01' });
  await ok(admin, 'GET', '/api/v1/units/export', '/api/v1/units/export');
  await ok(admin, 'POST', '/api/v1/units/import', '/api/v1/units/import', 'code,name,parent_code,kind\nOA-2,Đơn vị thử 2,01,other\n', csv);
  await bad(admin, 'POST', '/api/v1/units/import', '/api/v1/units/import', 'code,name,parent_code,kind\nOA-3,,KHONG-CO,other\n', csv);
  await ok(anon, 'GET', '/api/v1/units/{id}', `/api/v1/units/${unit.json.id}`);
  await bad(anon, 'GET', '/api/v1/units/{id}', '/api/v1/units/999999');
  await ok(admin, 'PATCH', '/api/v1/units/{id}', `/api/v1/units/${unit.json.id}`, { name: 'Đơn vị thử (đổi tên)' });
  await bad(admin, 'PATCH', '/api/v1/units/{id}', '/api/v1/units/999999', { name: 'x' });
  // people
  await ok(admin, 'GET', '/api/v1/people', '/api/v1/people?limit=3');
  await bad(anon, 'GET', '/api/v1/people', '/api/v1/people');
  const person = await ok(admin, 'POST', '/api/v1/people', '/api/v1/people', { login: 'thu-nghiem', name: 'Người thử', password: PASSWORD });
  await bad(admin, 'POST', '/api/v1/people', '/api/v1/people', { login: 'thu-nghiem', name: 'Người thử', password: PASSWORD });
  const pid = person.json.id;
  await ok(admin, 'GET', '/api/v1/people/{id}', `/api/v1/people/${pid}`);
  await bad(admin, 'GET', '/api/v1/people/{id}', '/api/v1/people/999999');
  await ok(admin, 'PATCH', '/api/v1/people/{id}', `/api/v1/people/${pid}`, { email: 'thu@hanoi.gov.vn' });
  await bad(admin, 'PATCH', '/api/v1/people/{id}', '/api/v1/people/999999', { email: 'x@y.vn' });
  const granted = await ok(admin, 'POST', '/api/v1/people/{id}/grants', `/api/v1/people/${pid}/grants`, { role: 'viewer', unit_id: root });
  await bad(admin, 'POST', '/api/v1/people/{id}/grants', `/api/v1/people/${pid}/grants`, { role: 'king', unit_id: root });
  const gid = (granted.json.grants || []).find((g) => g.role === 'viewer')?.id ?? id(`SELECT id FROM role_grant WHERE person_id = ${pid}`);
  await ok(admin, 'DELETE', '/api/v1/people/{id}/grants/{grant_id}', `/api/v1/people/${pid}/grants/${gid}`);
  await bad(admin, 'DELETE', '/api/v1/people/{id}/grants/{grant_id}', `/api/v1/people/${pid}/grants/999999`);
  await ok(admin, 'POST', '/api/v1/people/{id}/password', `/api/v1/people/${pid}/password`, { password: 'mật khẩu tạm thời đủ dài 1' });
  await bad(admin, 'POST', '/api/v1/people/{id}/password', '/api/v1/people/999999/password', { password: 'mật khẩu tạm thời đủ dài 1' });
  // documents
  await ok(anon, 'GET', '/api/v1/documents', '/api/v1/documents?limit=2');
  await bad(anon, 'GET', '/api/v1/documents', '/api/v1/documents?limit=0');
  const d = await ok(steering, 'POST', '/api/v1/documents', '/api/v1/documents', { number: '99/KH-TEST', kind: 'plan', title: 'Kế hoạch thử', basis_number: '57-NQ/TW' });
  await bad(steering, 'POST', '/api/v1/documents', '/api/v1/documents', { number: '99/KH-TEST', kind: 'plan', title: 'Kế hoạch thử' });
  await ok(anon, 'GET', '/api/v1/documents/tree', '/api/v1/documents/tree');
  await ok(anon, 'GET', '/api/v1/documents/{id}', `/api/v1/documents/${d.json.id}`);
  await bad(anon, 'GET', '/api/v1/documents/{id}', '/api/v1/documents/999999');
  await ok(steering, 'PATCH', '/api/v1/documents/{id}', `/api/v1/documents/${d.json.id}`, { title: 'Kế hoạch thử (sửa)' });
  await bad(officer, 'PATCH', '/api/v1/documents/{id}', `/api/v1/documents/${d.json.id}`, { title: 'x' });
  // indicators
  await ok(anon, 'GET', '/api/v1/indicators', '/api/v1/indicators?limit=3');
  await bad(anon, 'GET', '/api/v1/indicators', '/api/v1/indicators?limit=0');
  const ind = await ok(steering, 'POST', '/api/v1/indicators', '/api/v1/indicators', { code: 'TEST-1', name_vi: 'Chỉ tiêu thử', direction: 'up', aggregation: 'sum' });
  await bad(steering, 'POST', '/api/v1/indicators', '/api/v1/indicators', { code: 'TEST-2', name_vi: 'Chỉ tiêu thử', direction: 'sideways', aggregation: 'sum' });
  await ok(anon, 'GET', '/api/v1/indicators/{id}', `/api/v1/indicators/${ind.json.id}`);
  await bad(anon, 'GET', '/api/v1/indicators/{id}', '/api/v1/indicators/999999');
  await ok(steering, 'PUT', '/api/v1/indicators/{id}/targets', `/api/v1/indicators/${ind.json.id}/targets`, [{ period: '2026', value: 10, unit_code: '01' }]);
  await bad(steering, 'PUT', '/api/v1/indicators/{id}/targets', `/api/v1/indicators/${ind.json.id}/targets`, [{ period: '2026Q9', value: 10 }]);
  await ok(steering, 'PUT', '/api/v1/indicators/{id}/reporting', `/api/v1/indicators/${ind.json.id}/reporting`, { report_kinds: ['department'] });
  await bad(officer, 'PUT', '/api/v1/indicators/{id}/reporting', `/api/v1/indicators/${ind.json.id}/reporting`, { report_kinds: ['department'] });
  await ok(viewer, 'GET', '/api/v1/indicators/{id}/rules', `/api/v1/indicators/${ind.json.id}/rules`);
  await bad(viewer, 'GET', '/api/v1/indicators/{id}/rules', '/api/v1/indicators/999999/rules');
  await ok(steering, 'PUT', '/api/v1/indicators/{id}/rules', `/api/v1/indicators/${ind.json.id}/rules`, { rules: [{ kind: 'bounds', hard: true, min: 0, max: 1000 }] });
  await bad(steering, 'PUT', '/api/v1/indicators/{id}/rules', `/api/v1/indicators/${ind.json.id}/rules`, { rules: [{ kind: 'weather' }] });
  // values
  await ok(anon, 'GET', '/api/v1/values', '/api/v1/values?limit=3');
  await bad(anon, 'GET', '/api/v1/values', '/api/v1/values?limit=0');
  const v1 = await ok(officer, 'PUT', '/api/v1/values', '/api/v1/values', { indicator_code: 'TEST-1', unit_code: 'HN-SYT', period: '2026Q3', value: 5 });
  await bad(viewer, 'PUT', '/api/v1/values', '/api/v1/values', { indicator_code: 'TEST-1', unit_code: 'HN-SYT', period: '2026Q3', value: 5 });
  await ok(officer, 'POST', '/api/v1/values/check', '/api/v1/values/check', { indicator_code: 'TEST-1', unit_code: 'HN-SYT', period: '2026Q3', value: 5000 });
  await bad(anon, 'POST', '/api/v1/values/check', '/api/v1/values/check', { indicator_code: 'TEST-1', unit_code: 'HN-SYT', period: '2026Q3', value: 5 });
  await ok(steering, 'GET', '/api/v1/validation', '/api/v1/validation?limit=5');
  await bad(officer, 'GET', '/api/v1/validation', '/api/v1/validation');
  await ok(officer, 'GET', '/api/v1/values/grid', `/api/v1/values/grid?unit_id=${id("SELECT id FROM unit WHERE code = 'HN-SYT'")}&period=2026Q3`);
  await bad(officer, 'GET', '/api/v1/values/grid', '/api/v1/values/grid');
  await ok(officer, 'GET', '/api/v1/values/export', '/api/v1/values/export?period=2026Q3');
  await bad(officer, 'GET', '/api/v1/values/export', '/api/v1/values/export?format=pdf');
  const syt = id("SELECT id FROM unit WHERE code = 'HN-SYT'");
  await ok(officer, 'GET', '/api/v1/values/template', `/api/v1/values/template?unit_id=${syt}&period=2026Q4`);
  await bad(officer, 'GET', '/api/v1/values/template', '/api/v1/values/template');
  await ok(officer, 'POST', '/api/v1/values/import', '/api/v1/values/import', 'indicator_code,unit_code,period,value,note\nTEST-1,HN-SYT,2026Q4,6,\n', csv);
  await bad(officer, 'POST', '/api/v1/values/import', '/api/v1/values/import', 'indicator_code,unit_code,period,value,note\nTEST-1,HN-SYT,2026Q4,sáu,\n', csv);
  await ok(officer, 'GET', '/api/v1/dataValueSets', '/api/v1/dataValueSets?dataElement=TEST-1&orgUnit=HN-SYT');
  await bad(officer, 'GET', '/api/v1/dataValueSets', '/api/v1/dataValueSets?orgUnit=KHONG-CO');
  await ok(officer, 'POST', '/api/v1/dataValueSets', '/api/v1/dataValueSets', { orgUnit: 'HN-SYT', dataValues: [{ dataElement: 'TEST-1', period: '2026Q2', value: '4' }] });
  await bad(officer, 'POST', '/api/v1/dataValueSets', '/api/v1/dataValueSets', { orgUnit: 'HN-SYT', dataValues: [{ dataElement: 'TEST-1', period: '2026Q2', value: 'bốn' }] });
  await ok(officer, 'GET', '/api/v1/dataValueSets.json', '/api/v1/dataValueSets.json?dataElement=TEST-1');
  await bad(officer, 'GET', '/api/v1/dataValueSets.json', '/api/v1/dataValueSets.json?period=2026W1');
  await ok(officer, 'GET', '/api/v1/dataValueSets.csv', '/api/v1/dataValueSets.csv?dataElement=TEST-1');
  await bad(officer, 'GET', '/api/v1/dataValueSets.csv', '/api/v1/dataValueSets.csv?idScheme=OTHER');
  await ok(officer, 'POST', '/api/v1/dataValueSets.json', '/api/v1/dataValueSets.json?dryRun=true', { orgUnit: 'HN-SYT', dataValues: [{ dataElement: 'TEST-1', period: '2026Q1', value: '3' }] });
  await bad(officer, 'POST', '/api/v1/dataValueSets.json', '/api/v1/dataValueSets.json', { orgUnit: 'HN-SYT', dataValues: [{ dataElement: 'KHONG-CO', period: '2026Q1', value: '3' }] });
  await ok(officer, 'POST', '/api/v1/dataValueSets.csv', '/api/v1/dataValueSets.csv?dryRun=true', 'dataelement,period,orgunit,catoptcombo,attroptcombo,value\nTEST-1,2026Q1,HN-SYT,,,3\n', { 'content-type': 'text/plain' });
  await bad(officer, 'POST', '/api/v1/dataValueSets.csv', '/api/v1/dataValueSets.csv', 'dataelement,period,value\nTEST-1,2026Q1,3\n', { 'content-type': 'text/plain' });
  await ok(officer, 'POST', '/api/v1/values/submit', '/api/v1/values/submit', { unit_code: 'HN-SYT', period: '2026Q4' });
  await bad(anon, 'POST', '/api/v1/values/submit', '/api/v1/values/submit', { unit_code: 'HN-SYT', period: '2026Q4' });
  await ok(officer, 'GET', '/api/v1/values/{id}', `/api/v1/values/${v1.json.id}`);
  await bad(officer, 'GET', '/api/v1/values/{id}', '/api/v1/values/999999');
  await ok(officer, 'POST', '/api/v1/values/{id}/submit', `/api/v1/values/${v1.json.id}/submit`);
  await bad(officer, 'POST', '/api/v1/values/{id}/submit', `/api/v1/values/${v1.json.id}/submit`);
  await ok(steering, 'GET', '/api/v1/approvals', '/api/v1/approvals');
  await bad(anon, 'GET', '/api/v1/approvals', '/api/v1/approvals');
  await ok(steering, 'GET', '/api/v1/approvals/count', '/api/v1/approvals/count');
  await bad(anon, 'GET', '/api/v1/approvals/count', '/api/v1/approvals/count');
  await bad(steering, 'POST', '/api/v1/values/{id}/return', `/api/v1/values/${v1.json.id}/return`, {});
  await ok(steering, 'POST', '/api/v1/values/{id}/return', `/api/v1/values/${v1.json.id}/return`, { reason: 'Thiếu minh chứng' });
  await ok(officer, 'POST', '/api/v1/values/{id}/submit', `/api/v1/values/${v1.json.id}/submit`);
  await ok(steering, 'POST', '/api/v1/values/{id}/approve', `/api/v1/values/${v1.json.id}/approve`);
  await bad(steering, 'POST', '/api/v1/values/{id}/approve', `/api/v1/values/${v1.json.id}/approve`);
  const q4 = id("SELECT v.id FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id WHERE i.code = 'TEST-1' AND v.period = '2026Q4'");
  await ok(steering, 'POST', '/api/v1/values/approve', '/api/v1/values/approve', { ids: [q4] });
  await bad(steering, 'POST', '/api/v1/values/approve', '/api/v1/values/approve', { ids: ['một'] });
  // evidence
  const q2 = id("SELECT v.id FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id WHERE i.code = 'TEST-1' AND v.period = '2026Q2'");
  const att = await ok(officer, 'POST', '/api/v1/attachments', `/api/v1/attachments?entity=indicator_value&entity_id=${q2}&name=bien-ban.txt`, 'Biên bản nghiệm thu', { 'content-type': 'text/plain' });
  await bad(officer, 'POST', '/api/v1/attachments', '/api/v1/attachments?entity=indicator_value', 'x', { 'content-type': 'text/plain' });
  await ok(officer, 'GET', '/api/v1/attachments/{id}', `/api/v1/attachments/${att.json.id}`);
  await bad(officer, 'GET', '/api/v1/attachments/{id}', '/api/v1/attachments/999999');
  // dashboards, reminders, inbox
  await ok(anon, 'GET', '/api/v1/rollup', '/api/v1/rollup?indicator=5G-PHU&periods=2025Q1,2025Q2');
  await bad(anon, 'GET', '/api/v1/rollup', '/api/v1/rollup');
  await ok(anon, 'GET', '/api/v1/dashboard', '/api/v1/dashboard');
  await bad(anon, 'GET', '/api/v1/dashboard', '/api/v1/dashboard?unit_id=999999');
  const five = id("SELECT id FROM indicator WHERE code = '5G-PHU'");
  await ok(anon, 'GET', '/api/v1/dashboard/indicators/{id}', `/api/v1/dashboard/indicators/${five}`);
  await bad(anon, 'GET', '/api/v1/dashboard/indicators/{id}', '/api/v1/dashboard/indicators/999999');
  await ok(steering, 'GET', '/api/v1/dashboard/units/{id}', `/api/v1/dashboard/units/${root}`);
  await bad(steering, 'GET', '/api/v1/dashboard/units/{id}', '/api/v1/dashboard/units/999999');
  await ok(steering, 'GET', '/api/v1/completeness', '/api/v1/completeness?indicator=5G-PHU&period=2026Q2');
  await bad(steering, 'GET', '/api/v1/completeness', '/api/v1/completeness');
  await ok(steering, 'GET', '/api/v1/reminders', '/api/v1/reminders');
  await bad(anon, 'GET', '/api/v1/reminders', '/api/v1/reminders');
  await ok(steering, 'GET', '/api/v1/inbox', '/api/v1/inbox');
  await bad(anon, 'GET', '/api/v1/inbox', '/api/v1/inbox');
  await ok(steering, 'POST', '/api/v1/inbox/read', '/api/v1/inbox/read', { all: true });
  await bad(anon, 'POST', '/api/v1/inbox/read', '/api/v1/inbox/read', { all: true });
  // indices
  await ok(steering, 'GET', '/api/v1/indices', '/api/v1/indices');
  await bad(anon, 'GET', '/api/v1/indices', '/api/v1/indices');
  const def = await ok(steering, 'GET', '/api/v1/indices/{code}/definition', '/api/v1/indices/DMST-XA/definition');
  await bad(steering, 'GET', '/api/v1/indices/{code}/definition', '/api/v1/indices/KHONG-CO/definition');
  await ok(steering, 'POST', '/api/v1/indices', '/api/v1/indices', def.json);
  await bad(steering, 'POST', '/api/v1/indices', '/api/v1/indices', { code: 'X' });
  await ok(steering, 'GET', '/api/v1/indices/{code}', '/api/v1/indices/DMST-XA');
  await bad(steering, 'GET', '/api/v1/indices/{code}', '/api/v1/indices/KHONG-CO');
  const run = await ok(steering, 'POST', '/api/v1/indices/{code}/runs', '/api/v1/indices/DMST-XA/runs', { period: '2025Q4', kind: 'commune' });
  await bad(steering, 'POST', '/api/v1/indices/{code}/runs', '/api/v1/indices/KHONG-CO/runs', { period: '2025', kind: 'commune' });
  await ok(steering, 'GET', '/api/v1/indices/{code}/runs', '/api/v1/indices/DMST-XA/runs');
  await bad(anon, 'GET', '/api/v1/indices/{code}/runs', '/api/v1/indices/DMST-XA/runs');
  const runId = run.json.id ?? run.json.run?.id;
  await waitRun(steering, runId);
  // a run the worker is computing (it never takes one marked running), to cancel
  sql(`INSERT INTO index_run (definition_id, source, input, status, progress, created_by, created_at) SELECT definition_id, source, input, 'running', 10, created_by, created_at FROM index_run WHERE id = ${runId}`);
  const busy = id('SELECT MAX(id) FROM index_run');
  await ok(steering, 'POST', '/api/v1/index-runs/{id}/cancel', `/api/v1/index-runs/${busy}/cancel`);
  await bad(steering, 'POST', '/api/v1/index-runs/{id}/cancel', `/api/v1/index-runs/${busy}/cancel`);
  await ok(steering, 'GET', '/api/v1/index-runs/{id}', `/api/v1/index-runs/${runId}`);
  await bad(steering, 'GET', '/api/v1/index-runs/{id}', '/api/v1/index-runs/999999');
  await ok(steering, 'GET', '/api/v1/index-runs/{id}/input', `/api/v1/index-runs/${runId}/input`);
  await bad(steering, 'GET', '/api/v1/index-runs/{id}/input', '/api/v1/index-runs/999999/input');
  const unc = await ok(steering, 'POST', '/api/v1/index-runs/{id}/uncertainty', `/api/v1/index-runs/${runId}/uncertainty`, { runs: 20, seed: 7 });
  await bad(steering, 'POST', '/api/v1/index-runs/{id}/uncertainty', '/api/v1/index-runs/999999/uncertainty', { runs: 20 });
  await ok(steering, 'GET', '/api/v1/index-runs/{id}/uncertainty', `/api/v1/index-runs/${runId}/uncertainty`);
  await bad(steering, 'GET', '/api/v1/index-runs/{id}/uncertainty', '/api/v1/index-runs/999999/uncertainty');
  await ok(steering, 'GET', '/api/v1/index-uncertainty/{id}', `/api/v1/index-uncertainty/${unc.json.id}`);
  await bad(steering, 'GET', '/api/v1/index-uncertainty/{id}', '/api/v1/index-uncertainty/999999');
  // reports
  const rep = await ok(steering, 'POST', '/api/v1/reports', '/api/v1/reports', { document: '43/KH-UBND', period: '2025' });
  await bad(steering, 'POST', '/api/v1/reports', '/api/v1/reports', { document: 'KHONG-CO', period: '2025' });
  await ok(steering, 'GET', '/api/v1/reports', '/api/v1/reports');
  await bad(anon, 'GET', '/api/v1/reports', '/api/v1/reports');
  let state;
  for (let i = 0; i < 100; i++) {
    state = await ok(steering, 'GET', '/api/v1/reports/{id}', `/api/v1/reports/${rep.json.id}`);
    if (/done|failed/.test(state.json.status)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await bad(steering, 'GET', '/api/v1/reports/{id}', '/api/v1/reports/999999');
  await ok(steering, 'GET', '/api/v1/reports/{id}/{format}', `/api/v1/reports/${rep.json.id}/json`);
  await bad(steering, 'GET', '/api/v1/reports/{id}/{format}', `/api/v1/reports/${rep.json.id}/pdf`);
  // tasks
  await ok(viewer, 'GET', '/api/v1/tasks', '/api/v1/tasks?limit=3');
  await bad(anon, 'GET', '/api/v1/tasks', '/api/v1/tasks');
  const task = await ok(steering, 'POST', '/api/v1/tasks', '/api/v1/tasks', { code: 'NV-TEST', title: 'Nhiệm vụ thử', lead_unit_code: 'HN-SYT', deadline: '2027-06-30' });
  await bad(steering, 'POST', '/api/v1/tasks', '/api/v1/tasks', { code: 'NV-TEST', title: 'Nhiệm vụ thử', lead_unit_code: 'HN-SYT', deadline: '2027-06-30' });
  const tid = task.json.id;
  await ok(viewer, 'GET', '/api/v1/tasks/{id}', `/api/v1/tasks/${tid}`);
  await bad(viewer, 'GET', '/api/v1/tasks/{id}', '/api/v1/tasks/999999');
  await ok(officer, 'POST', '/api/v1/tasks/{id}/comments', `/api/v1/tasks/${tid}/comments`, { text: 'Xin ý kiến về phạm vi' });
  await bad(officer, 'POST', '/api/v1/tasks/{id}/comments', `/api/v1/tasks/${tid}/comments`, { text: '' });
  await ok(officer, 'POST', '/api/v1/tasks/{id}/extensions', `/api/v1/tasks/${tid}/extensions`, { proposed_deadline: '2027-12-31', reason: 'Chờ kinh phí' });
  await bad(officer, 'POST', '/api/v1/tasks/{id}/extensions', `/api/v1/tasks/${tid}/extensions`, { proposed_deadline: '31/12/2027', reason: 'x' });
  const eid = () => id(`SELECT MAX(id) FROM task_extension WHERE task_id = ${tid}`);
  await ok(steering, 'POST', '/api/v1/tasks/{id}/extensions/{extension_id}/refuse', `/api/v1/tasks/${tid}/extensions/${eid()}/refuse`, { reason: 'Chưa đủ căn cứ' });
  await bad(steering, 'POST', '/api/v1/tasks/{id}/extensions/{extension_id}/refuse', `/api/v1/tasks/${tid}/extensions/${eid()}/refuse`, { reason: 'lần hai' });
  await ok(officer, 'POST', '/api/v1/tasks/{id}/extensions', `/api/v1/tasks/${tid}/extensions`, { proposed_deadline: '2027-09-30', reason: 'Bổ sung căn cứ' });
  await ok(steering, 'POST', '/api/v1/tasks/{id}/extensions/{extension_id}/approve', `/api/v1/tasks/${tid}/extensions/${eid()}/approve`, {});
  await bad(steering, 'POST', '/api/v1/tasks/{id}/extensions/{extension_id}/approve', `/api/v1/tasks/${tid}/extensions/${eid()}/approve`, {});

  await ok(officer, 'POST', '/api/v1/tasks/{id}/reports', `/api/v1/tasks/${tid}/reports`, { progress: 100, text: 'Đã xong', complete: true });
  await bad(officer, 'POST', '/api/v1/tasks/{id}/reports', `/api/v1/tasks/${tid}/reports`, { progress: 140 });
  const rid = () => id(`SELECT MAX(id) FROM task_report WHERE task_id = ${tid}`);
  await ok(steering, 'POST', '/api/v1/tasks/{id}/reports/{report_id}/return', `/api/v1/tasks/${tid}/reports/${rid()}/return`, { reason: 'Bổ sung minh chứng' });
  await bad(steering, 'POST', '/api/v1/tasks/{id}/reports/{report_id}/return', `/api/v1/tasks/${tid}/reports/${rid()}/return`, { reason: 'lần hai' });
  await ok(officer, 'POST', '/api/v1/tasks/{id}/reports', `/api/v1/tasks/${tid}/reports`, { progress: 100, text: 'Đã bổ sung', complete: true });
  await ok(steering, 'POST', '/api/v1/tasks/{id}/reports/{report_id}/approve', `/api/v1/tasks/${tid}/reports/${rid()}/approve`);
  await bad(steering, 'POST', '/api/v1/tasks/{id}/reports/{report_id}/approve', `/api/v1/tasks/${tid}/reports/999999/approve`);
  assert.deepEqual(problems, [], 'answers that do not fit the description');
  const missing = routeTable.filter((r) => !ECOSYSTEM.includes(r)).filter((r) => {
    const s = seen.get(r);
    return !s || !s.ok || (!s.err && !NOT_WALKED[r]);
  });
  assert.deepEqual(missing, [], 'routes the walk did not reach both ways (add them to the walk, or to NOT_WALKED with the reason)');
});

test('the schema checker refuses what does not fit', () => {
  const value = { ...Object.fromEntries(Object.keys(doc.components.schemas.Value.properties).map((k) => [k, null])) };
  const problemsOf = (v) => check(doc, { $ref: '#/components/schemas/Value' }, v);
  assert.ok(problemsOf(value).some((p) => /\$\.id: null is not integer/.test(p)));
  const good = { id: 1, indicator_id: 2, indicator_code: 'GRDP', indicator_name: 'GRDP', unit_id: 3, unit_code: '01', unit_name: 'Hà Nội',
    period: '2026Q3', value: 1.5, note: null, status: 'draft', reason: null, deadline: '2026-10-15', submitted_at: null, late: false,
    updated_at: '2026-10-01T00:00:00Z', measure: null };
  assert.deepEqual(problemsOf(good), []);
  assert.deepEqual(problemsOf({ ...good, status: 'done' }), ['$.status: "done" is not one of draft, submitted, approved, returned']);
  const { id, ...noId } = good;
  assert.ok(id);
  assert.deepEqual(problemsOf(noId), ['$: id is missing']);
  const err = { error: { code: 'invalid', message: 'x', template: 'x %s', params: [{ template: 'y', params: [] }, 7], details: [], request_id: 'r' } };
  assert.deepEqual(check(doc, { $ref: '#/components/schemas/Error' }, err), ['$.error.params[1]: fits 0 of oneOf, not exactly one']);
});
