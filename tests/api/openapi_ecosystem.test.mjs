// The ecosystem registry's routes against the OpenAPI description: every
// route the capability adds to the table (read from src/api/ecosystem/*.h
// now, so a route added later without a walk fails here) is described, and
// a walk over the demo's registry (the HiHUB network, its resources and
// bookings, the MOUs, the fund alliance LM-VC-HN, the support programme
// HIHUB-KN-DH) reaches a success and an error of each, every answer fitting
// the schema of its status. The few routes that cannot answer an error are
// named in NOT_WALKED. tests/api/openapi.test.mjs walks the other routes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoServer } from '../lib/demo.mjs';
import { client, signIn } from '../lib/auth.mjs';
import { dbExec } from '../lib/server.mjs';
import { check, responseSchema } from '../lib/schema.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const routesOf = (file) => [...readFileSync(path.join(root, file), 'utf8')
  .matchAll(/\{\s*"(GET|POST|PUT|PATCH|DELETE)",\s*"(\/api\/v1\/[^"]*)",\s*\w+,/g)].map(([, m, p]) => `${m} ${p}`);
const ECOSYSTEM = readdirSync(path.join(root, 'src/api/ecosystem')).filter((f) => f.endsWith('.h')).sort()
  .flatMap((f) => routesOf(`src/api/ecosystem/${f}`));

// Routes the walk cannot reach both ways, and why.
const NOT_WALKED = {
  'GET /api/v1/sectors': 'no error answer: public, without parameters',
  'GET /api/v1/networks': 'no error answer: public, without parameters',
  'GET /api/v1/agreements/export': 'no error answer: public, without parameters',
};

// Monday 7 December 2026, 08:00 in Hà Nội: the bookings below are ahead.
const dir = mkdtempSync(path.join(tmpdir(), 'nq57-openapi-eco-'));
const clockFile = path.join(dir, 'now');
writeFileSync(clockFile, '2026-12-07T01:00:00Z\n');

let srv, doc, steering, admin, officer, viewer, anon;
before(async () => {
  srv = await startDemoServer({ env: { NQ57_TEST_CLOCK_FILE: clockFile } });
  [steering, admin, officer, viewer] = await Promise.all(['bcd', 'quantri', 'hoankiem', 'xem'].map((l) => signIn(srv, l)));
  anon = client(srv);
  doc = (await anon.get('/api/v1/openapi.json')).json;
});
after(async () => {
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('every route of the ecosystem registry is described, with its method and path', () => {
  assert.ok(ECOSYSTEM.length >= 60, `read ${ECOSYSTEM.length} routes from src/api/ecosystem/*.h`);
  const described = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
  assert.deepEqual(ECOSYSTEM.filter((r) => !described.includes(r)), [], 'routes without a description');
  for (const r of Object.keys(NOT_WALKED)) assert.ok(ECOSYSTEM.includes(r), `${r} in NOT_WALKED is not a route of the registry`);
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
  if (!ECOSYSTEM.includes(key)) problems.push(`${key}: not a route of src/api/ecosystem/*.h`);
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
const bad = async (...a) => { const r = await call(...a); if (r.status < 400 || r.status >= 500) problems.push(`${a[1]} ${a[3]} should fail: ${r.status} ${r.text.slice(0, 200)}`); return r; };
const csv = { 'content-type': 'text/csv' };

test('a walk of the registry: every answer fits its description', async () => {
  const sql = (s) => dbExec(srv.db, s);
  const id = (s) => Number(sql(s));
  const city = id("SELECT id FROM unit WHERE code = '01'");
  const E = encodeURIComponent;

  // sectors and the records behind a registry figure
  await ok(anon, 'GET', '/api/v1/sectors', '/api/v1/sectors');
  await ok(steering, 'POST', '/api/v1/sectors', '/api/v1/sectors', { code: 'space_tech', name_vi: 'Công nghệ vũ trụ', name_en: 'Space technology' });
  await bad(viewer, 'POST', '/api/v1/sectors', '/api/v1/sectors', { code: 'space_tech', name_vi: 'Công nghệ vũ trụ' });
  await bad(admin, 'POST', '/api/v1/sectors', '/api/v1/sectors', { code: 'Công nghệ', name_vi: 'x' });
  const stInd = id("SELECT id FROM indicator WHERE code = 'HST-DN-KHCN'");
  await ok(anon, 'GET', '/api/v1/indicators/{id}/registry', `/api/v1/indicators/${stInd}/registry?unit_id=${city}&period=2026`);
  await bad(anon, 'GET', '/api/v1/indicators/{id}/registry', `/api/v1/indicators/999999/registry?unit_id=${city}&period=2026`);
  await bad(steering, 'GET', '/api/v1/indicators/{id}/registry', `/api/v1/indicators/${stInd}/registry?period=2026`);

  // organisations
  const O = '/api/v1/organisations';
  await ok(anon, 'GET', O, `${O}?q=${E('dai hoc bach khoa')}`);
  await bad(anon, 'GET', O, `${O}?limit=0`);
  const made = await ok(steering, 'POST', O, O, { kind: 'startup', name: 'Công ty Cổ phần Bản đồ Mở Thăng Long', unit_code: '00070', sectors: ['ai'], email: 'lienhe@bandomo.example' });
  await bad(anon, 'POST', O, O, { kind: 'startup', name: 'Không đăng nhập' });
  await bad(steering, 'POST', O, O, { kind: 'startup', name: 'Mã số thuế sai', tax_code: '0100047517' });
  const org = made.json.id;
  const twin = (await ok(admin, 'POST', O, O, { kind: 'startup', name: 'CÔNG TY CỔ PHẦN BẢN ĐỒ MỞ THĂNG LONG', unit_code: '00070' })).json.id;
  await ok(steering, 'GET', `${O}/duplicates`, `${O}/duplicates`);
  await bad(viewer, 'GET', `${O}/duplicates`, `${O}/duplicates`);
  await ok(steering, 'POST', `${O}/import`, `${O}/import?dry_run=1`, 'kind,name,unit_code,sectors\nstartup,Công ty TNHH Dữ liệu Hồ Gươm,00070,big_data\n', csv);
  await ok(steering, 'POST', `${O}/import`, `${O}/import`, 'kind,name,unit_code,sectors\nstartup,Công ty TNHH Dữ liệu Hồ Gươm,00070,big_data\n', csv);
  await bad(steering, 'POST', `${O}/import`, `${O}/import`, 'kind,name,unit_code,sectors\nstartup,Công ty Lĩnh Vực Lạ,00070,space\nstartup,,00070,\n', csv);
  await bad(officer, 'POST', `${O}/import`, `${O}/import`, 'kind,name\nstartup,Không được phép\n', csv);
  await ok(viewer, 'GET', `${O}/export`, `${O}/export`);
  await bad(anon, 'GET', `${O}/export`, `${O}/export`);
  await ok(anon, 'GET', `${O}/{id}`, `${O}/${org}`);
  await ok(steering, 'GET', `${O}/{id}`, `${O}/${org}`);
  await bad(anon, 'GET', `${O}/{id}`, `${O}/999999`);
  await ok(steering, 'PATCH', `${O}/{id}`, `${O}/${org}`, { employees: 12, founded_on: '2024-05-01' });
  await bad(viewer, 'PATCH', `${O}/{id}`, `${O}/${org}`, { employees: 13 });
  await bad(steering, 'PATCH', `${O}/{id}`, `${O}/999999`, { employees: 13 });
  await ok(steering, 'GET', `${O}/{id}/history`, `${O}/${org}/history`);
  await bad(viewer, 'GET', `${O}/{id}/history`, `${O}/${org}/history`);
  await ok(steering, 'POST', `${O}/{id}/merge`, `${O}/${org}/merge`, { duplicate_id: twin });
  await bad(steering, 'POST', `${O}/{id}/merge`, `${O}/${org}/merge`, { duplicate_id: twin });
  // an editor of the organisation: hoankiem, whose changes wait for review
  await ok(steering, 'POST', `${O}/{id}/editors`, `${O}/${org}/editors`, { login: 'hoankiem' });
  await bad(steering, 'POST', `${O}/{id}/editors`, `${O}/${org}/editors`, { login: 'khong-co-ai' });
  await ok(steering, 'GET', `${O}/{id}/editors`, `${O}/${org}/editors`);
  await bad(viewer, 'GET', `${O}/{id}/editors`, `${O}/${org}/editors`);
  await ok(officer, 'GET', `${O}/{id}`, `${O}/${org}`);
  const proposed = await ok(officer, 'PATCH', `${O}/{id}`, `${O}/${org}`, { employees: 15 });
  await ok(officer, 'GET', `${O}/{id}/changes`, `${O}/${org}/changes`);
  await bad(viewer, 'GET', `${O}/{id}/changes`, `${O}/${org}/changes`);
  const change = proposed.json.change?.id;
  await bad(officer, 'POST', `${O}/{id}/changes/{change_id}/approve`, `${O}/${org}/changes/${change}/approve`);
  await ok(steering, 'POST', `${O}/{id}/changes/{change_id}/approve`, `${O}/${org}/changes/${change}/approve`);
  await bad(steering, 'POST', `${O}/{id}/changes/{change_id}/approve`, `${O}/${org}/changes/${change}/approve`);
  const second = (await ok(officer, 'PATCH', `${O}/{id}`, `${O}/${org}`, { short_name: 'BĐM' })).json.change?.id;
  await bad(steering, 'POST', `${O}/{id}/changes/{change_id}/refuse`, `${O}/${org}/changes/${second}/refuse`, {});
  await ok(steering, 'POST', `${O}/{id}/changes/{change_id}/refuse`, `${O}/${org}/changes/${second}/refuse`, { reason: 'Tên viết tắt chưa đăng ký' });
  const hkId = id("SELECT id FROM person WHERE login = 'hoankiem'");
  await ok(steering, 'DELETE', `${O}/{id}/editors/{person_id}`, `${O}/${org}/editors/${hkId}`);
  await bad(steering, 'DELETE', `${O}/{id}/editors/{person_id}`, `${O}/${org}/editors/999999`);

  // networks, members, resources, bookings
  const N = '/api/v1/networks';
  await ok(anon, 'GET', N, N);
  await ok(steering, 'GET', N, N);
  const hihub = (await ok(anon, 'GET', `${N}/{code}`, `${N}/HIHUB`)).json;
  await ok(steering, 'GET', `${N}/{code}`, `${N}/HIHUB`);
  await bad(anon, 'GET', `${N}/{code}`, `${N}/KHONG-CO`);
  await ok(steering, 'POST', N, N, { code: 'MANG-THU', name: 'Mạng lưới thử', launched_on: '2026-12-01', coordinator_id: org });
  await bad(steering, 'POST', N, N, { code: 'MANG-THU', name: 'Lần hai' });
  await bad(anon, 'POST', N, N, { code: 'X', name: 'X' });
  await ok(steering, 'PATCH', `${N}/{code}`, `${N}/MANG-THU`, { description: 'Mạng lưới dùng để thử' });
  await bad(viewer, 'PATCH', `${N}/{code}`, `${N}/MANG-THU`, { description: 'x' });
  await ok(steering, 'POST', `${N}/{code}/members`, `${N}/HIHUB/members`, { organisation_id: org, role: 'member', joined_on: '2026-12-01' });
  await bad(steering, 'POST', `${N}/{code}/members`, `${N}/HIHUB/members`, { organisation_id: 999999 });
  await ok(steering, 'POST', `${N}/{code}/members`, `${N}/MANG-THU/members`, { organisation_id: org });
  await ok(steering, 'DELETE', `${N}/{code}/members/{organisation_id}`, `${N}/MANG-THU/members/${org}`);
  await bad(steering, 'DELETE', `${N}/{code}/members/{organisation_id}`, `${N}/MANG-THU/members/${org}`);
  await ok(viewer, 'GET', `${N}/{code}/usage`, `${N}/HIHUB/usage?month=2026-11`);
  await bad(anon, 'GET', `${N}/{code}/usage`, `${N}/HIHUB/usage?month=2026-11`);
  await bad(viewer, 'GET', `${N}/{code}/usage`, `${N}/HIHUB/usage?month=2026-13`);

  const R = '/api/v1/resources';
  await ok(anon, 'GET', R, `${R}?network=HIHUB&q=${E('phong thi nghiem')}`);
  await ok(steering, 'GET', R, `${R}?network=HIHUB`);
  await bad(anon, 'GET', R, `${R}?limit=0`);
  const hust = hihub.members.find((m) => m.name === 'Đại học Bách khoa Hà Nội')?.organisation_id;
  const room = await ok(steering, 'POST', R, R, { organisation_id: org, network_code: 'HIHUB', kind: 'space', name: 'Phòng họp nhóm', capacity: 1, price_model: 'free', opens: '08:00', closes: '17:00' });
  await bad(anon, 'POST', R, R, { organisation_id: org, kind: 'space', name: 'X', price_model: 'free' });
  await bad(steering, 'POST', R, R, { organisation_id: org, kind: 'boat', name: 'X', price_model: 'free' });
  await ok(anon, 'GET', `${R}/export`, `${R}/export?network=HIHUB`);
  await bad(anon, 'GET', `${R}/export`, `${R}/export?limit=0`);
  const resCsv = `organisation_id,network_code,kind,name,booking,capacity,price_model,price\n${hust},HIHUB,equipment,Máy đo phổ thử,slot,1,paid,100.000 đ/giờ\n`;
  await ok(steering, 'POST', `${R}/import`, `${R}/import?dry_run=1`, resCsv, csv);
  await ok(steering, 'POST', `${R}/import`, `${R}/import`, resCsv, csv);
  await bad(steering, 'POST', `${R}/import`, `${R}/import`, `organisation_id,network_code,kind,name,booking,capacity,price_model,price\n${hust},HIHUB,boat,Thuyền,slot,1,paid,\n`, csv);
  await bad(viewer, 'POST', `${R}/import`, `${R}/import`, resCsv, csv);
  const rid = room.json.id;
  await ok(anon, 'GET', `${R}/{id}`, `${R}/${rid}`);
  await bad(anon, 'GET', `${R}/{id}`, `${R}/999999`);
  await ok(steering, 'PATCH', `${R}/{id}`, `${R}/${rid}`, { conditions: 'Đăng ký trước một ngày' });
  await bad(viewer, 'PATCH', `${R}/{id}`, `${R}/${rid}`, { conditions: 'x' });
  await bad(steering, 'PATCH', `${R}/{id}`, `${R}/${rid}`, { price_model: 'cheap' });
  await ok(anon, 'GET', `${R}/{id}/calendar`, `${R}/${rid}/calendar?from=2026-12-14&to=2026-12-20`);
  await ok(steering, 'GET', `${R}/{id}/calendar`, `${R}/${rid}/calendar?from=2026-12-14&to=2026-12-20`);
  await bad(anon, 'GET', `${R}/{id}/calendar`, `${R}/${rid}/calendar?from=2026-12-14&to=2027-06-01`);
  await bad(anon, 'GET', `${R}/{id}/calendar`, `${R}/999999/calendar`);
  const ask = (extra) => ({ requester_name: 'Công ty CP Công nghệ Sao Khuê', contact_name: 'Nguyễn Minh Anh', contact_email: 'anh@saokhue.example', sector: 'iot', purpose: 'Họp nhóm dự án', ...extra });
  const booked = [];
  for (const [from, to] of [['09:00', '11:00'], ['13:00', '14:00'], ['14:00', '15:00'], ['15:00', '16:00']])
    booked.push((await ok(anon, 'POST', `${R}/{id}/bookings`, `${R}/${rid}/bookings`, ask({ day: '2026-12-15', from, to }))).json.id);
  await bad(anon, 'POST', `${R}/{id}/bookings`, `${R}/${rid}/bookings`, ask({ day: '2026-12-15', from: '10:00', to: '12:00' }));
  await bad(anon, 'POST', `${R}/{id}/bookings`, `${R}/${rid}/bookings`, ask({ day: '2026-12-01', from: '09:00', to: '10:00' }));
  await bad(anon, 'POST', `${R}/{id}/bookings`, `${R}/999999/bookings`, ask({ day: '2026-12-15', from: '09:00', to: '10:00' }));
  await ok(steering, 'GET', '/api/v1/bookings', '/api/v1/bookings?status=requested');
  await bad(viewer, 'GET', '/api/v1/bookings', '/api/v1/bookings');
  await bad(anon, 'GET', '/api/v1/bookings', '/api/v1/bookings');
  const B = '/api/v1/bookings/{id}';
  const [first, refused, cancelled, waiting] = booked;
  await bad(steering, 'POST', `${B}/usage`, `/api/v1/bookings/${first}/usage`, { used_hours: 1 });
  await ok(steering, 'POST', `${B}/approve`, `/api/v1/bookings/${first}/approve`, {});
  await bad(steering, 'POST', `${B}/approve`, `/api/v1/bookings/${first}/approve`, {});
  await bad(viewer, 'POST', `${B}/approve`, `/api/v1/bookings/${waiting}/approve`, {});
  await ok(steering, 'POST', `${B}/usage`, `/api/v1/bookings/${first}/usage`, { used_hours: 1.5 });
  await bad(steering, 'POST', `${B}/usage`, `/api/v1/bookings/${first}/usage`, { used_hours: 5 });
  await bad(steering, 'POST', `${B}/refuse`, `/api/v1/bookings/${refused}/refuse`, {});
  await ok(steering, 'POST', `${B}/refuse`, `/api/v1/bookings/${refused}/refuse`, { reason: 'Phòng đang sửa chữa' });
  await ok(steering, 'POST', `${B}/cancel`, `/api/v1/bookings/${cancelled}/cancel`, { reason: 'Doanh nghiệp đổi lịch' });
  await bad(steering, 'POST', `${B}/cancel`, `/api/v1/bookings/${cancelled}/cancel`, {});
  await bad(viewer, 'POST', `${B}/cancel`, `/api/v1/bookings/${waiting}/cancel`, {});

  // agreements, their actions and problems
  const A = '/api/v1/agreements';
  await ok(anon, 'GET', A, `${A}?q=${E('singapore')}`);
  await ok(viewer, 'GET', A, `${A}?focus=innovation`);
  await bad(anon, 'GET', A, `${A}?limit=0`);
  await ok(steering, 'POST', A, A, { code: 'MOU-THU-2026', kind: 'mou', title: 'Biên bản ghi nhớ thử', signed_on: '2026-12-01', ends_on: '2029-12-01', focus: ['innovation'], parties: [{ organisation_id: org, role: 'signatory' }] });
  await bad(steering, 'POST', A, A, { code: 'MOU-THU-2026', kind: 'mou', title: 'Lần hai' });
  await bad(officer, 'POST', A, A, { code: 'MOU-X', kind: 'mou', title: 'Không được phép' });
  await ok(anon, 'GET', `${A}/export`, `${A}/export`);
  const agrCsv = 'code,kind,title,signed_on,ends_on,focus,status,parties,description\nMOU-NHAP-2026,mou,Ghi nhớ nhập từ tệp,2026-12-02,,innovation,active,Đại học Bách khoa Hà Nội,\n';
  await ok(steering, 'POST', `${A}/import`, `${A}/import?dry_run=1`, agrCsv, csv);
  await ok(steering, 'POST', `${A}/import`, `${A}/import`, agrCsv, csv);
  await bad(steering, 'POST', `${A}/import`, `${A}/import`, 'code,kind,title,signed_on,ends_on,focus,status,parties,description\nMOU-SAI,hiep_uoc,Loại sai,2026-01-02,,,,,\n', csv);
  await bad(viewer, 'POST', `${A}/import`, `${A}/import`, agrCsv, csv);
  await ok(anon, 'GET', `${A}/{code}`, `${A}/MOU-NUS-2025`);
  await ok(steering, 'GET', `${A}/{code}`, `${A}/MOU-NUS-2025`);
  await bad(anon, 'GET', `${A}/{code}`, `${A}/KHONG-CO`);
  await ok(steering, 'PATCH', `${A}/{code}`, `${A}/MOU-THU-2026`, { description: 'Hợp tác thử nghiệm' });
  await bad(steering, 'PATCH', `${A}/{code}`, `${A}/MOU-THU-2026`, { kind: 'treaty' });
  const linked = await ok(steering, 'POST', `${A}/{code}/actions`, `${A}/MOU-THU-2026/actions`, { task_code: 'NV-005' });
  await bad(steering, 'POST', `${A}/{code}/actions`, `${A}/MOU-THU-2026/actions`, { task_code: 'NV-005' });
  await ok(steering, 'POST', `${A}/{code}/actions`, `${A}/MOU-THU-2026/actions`, { task: { title: 'Tổ chức hội thảo đổi mới sáng tạo', lead_unit_code: 'HN-SYT', deadline: '2027-06-30' } });
  const taskId = linked.json.actions?.find((a) => a.code === 'NV-005')?.task_id;
  await ok(steering, 'DELETE', `${A}/{code}/actions/{task_id}`, `${A}/MOU-THU-2026/actions/${taskId}`);
  await bad(steering, 'DELETE', `${A}/{code}/actions/{task_id}`, `${A}/MOU-THU-2026/actions/${taskId}`);
  const withProblem = await ok(steering, 'POST', `${A}/{code}/problems`, `${A}/MOU-THU-2026/problems`, { title: 'Bản đồ số cho quy hoạch phường', organisation_id: org });
  await bad(steering, 'POST', `${A}/{code}/problems`, `${A}/MOU-THU-2026/problems`, { title: '' });
  const problem = withProblem.json.problems?.[0]?.id;
  await ok(steering, 'PATCH', `${A}/{code}/problems/{id}`, `${A}/MOU-THU-2026/problems/${problem}`, { status: 'commissioned' });
  await bad(steering, 'PATCH', `${A}/{code}/problems/{id}`, `${A}/MOU-THU-2026/problems/${problem}`, { status: 'forgotten' });
  await ok(steering, 'GET', `${A}/{code}`, `${A}/MOU-THU-2026`);

  // funds, investments, support programmes, commercialisation
  const F = '/api/v1/funds';
  await ok(anon, 'GET', F, F);
  await ok(viewer, 'GET', F, `${F}?kind=alliance`);
  await bad(anon, 'GET', F, `${F}?limit=0`);
  await ok(steering, 'POST', F, F, { code: 'QUY-THU', name: 'Quỹ thử nghiệm', kind: 'fund', launched_on: '2026-12-01', committed_vnd: 50e9 });
  await bad(steering, 'POST', F, F, { code: 'QUY-THU', name: 'Lần hai', kind: 'fund' });
  await ok(anon, 'GET', `${F}/{code}`, `${F}/LM-VC-HN`);
  await ok(steering, 'GET', `${F}/{code}`, `${F}/LM-VC-HN`);
  await bad(anon, 'GET', `${F}/{code}`, `${F}/KHONG-CO`);
  await ok(steering, 'PATCH', `${F}/{code}`, `${F}/QUY-THU`, { disbursed_vnd: 2e9 });
  await bad(viewer, 'PATCH', `${F}/{code}`, `${F}/QUY-THU`, { disbursed_vnd: 3e9 });
  const I = '/api/v1/investments';
  await ok(viewer, 'GET', I, `${I}?fund=LM-VC-HN`);
  await bad(anon, 'GET', I, I);
  await ok(steering, 'POST', I, I, { fund_code: 'QUY-THU', startup_id: org, amount_vnd: 2e9, invested_on: '2026-12-03', round: 'seed', instrument: 'equity' });
  await bad(steering, 'POST', I, I, { fund_code: 'QUY-THU', startup_id: org, amount_vnd: 2e9, invested_on: '2026-12-03', round: 'series_z' });
  await ok(viewer, 'GET', `${I}/export`, `${I}/export`);
  await bad(anon, 'GET', `${I}/export`, `${I}/export`);
  const invCsv = `fund_code,investor,startup,amount_vnd,invested_on,round,instrument,note\nQUY-THU,,${org},1000000000,2026-12-04,seed,equity,\n`;
  await ok(steering, 'POST', `${I}/import`, `${I}/import?dry_run=1`, invCsv, csv);
  await ok(steering, 'POST', `${I}/import`, `${I}/import`, invCsv, csv);
  await bad(steering, 'POST', `${I}/import`, `${I}/import`, `fund_code,investor,startup,amount_vnd,invested_on,round,instrument,note\nKHONG-CO,,${org},1000,2026-12-04,,,\n`, csv);
  const S = '/api/v1/support-programmes';
  await ok(viewer, 'GET', S, S);
  await bad(anon, 'GET', S, S);
  await ok(steering, 'POST', S, S, { code: 'HT-THU', name: 'Chương trình hỗ trợ thử', provider_id: org, starts_on: '2026-12-01', recipients: [{ organisation_id: org, support: 'Cố vấn', since: '2026-12-02' }] });
  await bad(steering, 'POST', S, S, { code: 'HT-THU', name: 'Lần hai' });
  await ok(viewer, 'GET', `${S}/{code}`, `${S}/HIHUB-KN-DH`);
  await bad(viewer, 'GET', `${S}/{code}`, `${S}/KHONG-CO`);
  await ok(steering, 'POST', `${S}/{code}/recipients`, `${S}/HIHUB-KN-DH/recipients`, { organisation_id: org, support: 'Không gian làm việc', since: '2026-12-05' });
  await bad(steering, 'POST', `${S}/{code}/recipients`, `${S}/HIHUB-KN-DH/recipients`, { organisation_id: org });
  const C = '/api/v1/commercialisations';
  await ok(viewer, 'GET', C, C);
  await bad(anon, 'GET', C, C);
  await ok(steering, 'POST', C, C, { title: 'Thương mại hóa nền tảng bản đồ số', organisation_id: hust, partner_id: org, announced_on: '2026-12-01', value_vnd: 3e9 });
  await bad(steering, 'POST', C, C, { title: 'Trạng thái lạ', status: 'sold' });

  assert.deepEqual(problems, [], 'answers that do not fit the description');
  const missing = ECOSYSTEM.filter((r) => {
    const s = seen.get(r);
    return !s || !s.ok || (!s.err && !NOT_WALKED[r]);
  });
  assert.deepEqual(missing, [], 'routes the walk did not reach both ways (add them to the walk, or to NOT_WALKED with the reason)');
});
