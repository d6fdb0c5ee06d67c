// Validation rules of indicator values: a percentage outside 0–100 is
// refused with the rule named in Vietnamese; a jump beyond ±50 % against
// the previous period is saved only with a note and flagged in the
// approval queue; a rule across indicators ({DN-KHCN} <= {DN}) holds
// whichever side is saved; a check answers without saving; the analysis
// lists the stored values that break the rules; the forecast of a
// percentage never leaves 0–100; and who may set the rules.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startServer, dbExec, runCli } from '../lib/server.mjs';
import { addUser, importUnits, signIn, client } from '../lib/auth.mjs';
import { saveDraft as draft } from '../lib/values.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { sayMessage } = await import(path.join(root, 'web', 'api.js'));

let srv, bcd, ba, nh;
const people = {};
const ids = {};

before(async () => {
  srv = await startServer();
  await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n'
    + '00004,Phường Ba Đình,01,commune\n00008,Phường Ngọc Hà,01,commune\n');
  await addUser(srv, 'bcd', { role: 'steering', unit: '01' });
  await addUser(srv, 'badinh', { role: 'officer', unit: '00004' });
  await addUser(srv, 'ngocha', { role: 'officer', unit: '00008' });
  for (const role of ['steering', 'admin', 'officer', 'viewer']) {
    await addUser(srv, `${role}4`, { role, unit: '00004' });
    people[role] = await signIn(srv, `${role}4`);
  }
  bcd = await signIn(srv, 'bcd');
  ba = await signIn(srv, 'badinh');
  nh = await signIn(srv, 'ngocha');
  const unit = (code) => Number(dbExec(srv.db, `SELECT id FROM unit WHERE code = '${code}'`));
  ids.u4 = unit('00004');
  ids.u8 = unit('00008');
  ids.city = unit('01');
  const mk = async (b) => {
    const r = await bcd.post('/api/v1/indicators', { direction: 'up', aggregation: 'mean', ...b });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  ids.g5 = await mk({ code: '5G-PHU', name_vi: 'Tỷ lệ phủ sóng 5G', measure: '%',
    targets: [{ unit_code: '00004', period: '2030', value: 100 }] });
  ids.dnk = await mk({ code: 'DN-KHCN', name_vi: 'Số doanh nghiệp khoa học và công nghệ', measure: 'doanh nghiệp', aggregation: 'sum' });
  ids.dn = await mk({ code: 'DN', name_vi: 'Số doanh nghiệp', measure: 'doanh nghiệp', aggregation: 'sum' });
  ids.own = await mk({ code: 'BD-RIENG', name_vi: 'Chỉ tiêu riêng của Ba Đình', measure: 'người', owner_unit_id: ids.u4 });
  ids.other = await mk({ code: 'NH-RIENG', name_vi: 'Chỉ tiêu riêng của Ngọc Hà', measure: 'người', owner_unit_id: ids.u8 });
  // Ba Đình's approved 5G coverage, rising steadily
  for (const [q, v] of [['2025Q3', 40], ['2025Q4', 48], ['2026Q1', 56], ['2026Q2', 64]]) {
    const id = await draft(ba, '5G-PHU', '00004', q, v);
    assert.equal((await ba.post(`/api/v1/values/${id}/submit`)).status, 200);
    assert.equal((await bcd.post(`/api/v1/values/${id}/approve`)).status, 200);
  }
});
after(async () => { await srv?.stop(); });


// What a refused write must leave as it was.
const state = () => [
  dbExec(srv.db, 'SELECT id, status, value, flags FROM indicator_value ORDER BY id'),
  dbExec(srv.db, 'SELECT id, indicator_id, kind, name_vi FROM indicator_rule ORDER BY id'),
  dbExec(srv.db, 'SELECT COUNT(*) FROM audit'),
].join('\n');

test('−5 % of a percentage is refused with the rule named in Vietnamese, and nothing is saved', async () => {
  const rules = await ba.get(`/api/v1/indicators/${ids.g5}/rules`);
  assert.equal(rules.status, 200, rules.text);
  assert.equal(rules.json.defaults, true);
  assert.deepEqual(rules.json.rules.map((r) => [r.kind, r.hard, r.min ?? null, r.max ?? null]),
    [['bounds', true, 0, 100], ['jump', false, null, null]]);

  const before = state();
  const r = await ba.put('/api/v1/values', { indicator_code: '5G-PHU', unit_code: '00004', period: '2026Q3', value: -5 });
  assert.equal(r.status, 422, r.text);
  assert.equal(sayMessage(r.json.error, 'vi'),
    'Giá trị -5 % nằm ngoài giới hạn 0–100 % của chỉ tiêu 5G-PHU (quy tắc “Tỷ lệ phần trăm từ 0 đến 100”).');
  assert.match(sayMessage(r.json.error, 'en'), /outside the bounds 0–100 % of indicator 5G-PHU/);
  assert.equal(state(), before, 'nothing saved');
  // an import refuses the row the same way, naming it, and saves nothing
  const imp = await ba.post('/api/v1/values/import', 'indicator_code,unit_code,period,value\n5G-PHU,00004,2026Q3,70\n5G-PHU,00004,2026Q4,-5\n',
    { 'content-type': 'text/csv' });
  assert.equal(imp.status, 422, imp.text);
  assert.deepEqual(imp.json.error.details.map((d) => [d.row, d.field]), [[3, 'value']]);
  assert.match(sayMessage(imp.json.error.details[0], 'vi'), /^Giá trị -5 % nằm ngoài giới hạn 0–100 %/);
  assert.equal(state(), before, 'nothing imported');

  // a count is never negative either
  const dn = await ba.put('/api/v1/values', { indicator_code: 'DN', unit_code: '00004', period: '2026Q3', value: -1 });
  assert.equal(dn.status, 422);
  assert.match(sayMessage(dn.json.error, 'vi'), /nhỏ hơn mức tối thiểu 0 doanh nghiệp của chỉ tiêu DN \(quy tắc “Không âm”\)/);
});

test('a +400 % jump is saved only with a note, flagged, and the flag reaches the approval queue', async () => {
  // Ba Đình had 64 % in 2026Q2; 320 would be a jump but is above 100, so
  // the jump is tried on a count: 10 enterprises, then 50
  const q2 = await draft(ba, 'DN', '00004', '2026Q2', 10);
  assert.equal((await ba.post(`/api/v1/values/${q2}/submit`)).status, 200);
  assert.equal((await bcd.post(`/api/v1/values/${q2}/approve`)).status, 200);

  const check = await ba.post('/api/v1/values/check', { indicator_code: 'DN', unit_code: '00004', period: '2026Q3', value: 50 });
  assert.equal(check.status, 200, check.text);
  assert.equal(check.json.ok, true, 'a soft rule does not refuse');
  assert.equal(check.json.hard.length, 0);
  assert.equal(check.json.soft.length, 1);
  assert.equal(sayMessage(check.json.soft[0], 'vi'),
    'Giá trị 50 doanh nghiệp thay đổi +400% so với 10 doanh nghiệp của Quý II/2026, vượt ngưỡng ±50% (quy tắc “Thay đổi so với kỳ trước không quá ±50 %”).');
  const before = state();
  assert.equal(state(), before, 'a check saves nothing');

  const bare = await ba.put('/api/v1/values', { indicator_code: 'DN', unit_code: '00004', period: '2026Q3', value: 50 });
  assert.equal(bare.status, 422);
  assert.match(sayMessage(bare.json.error, 'vi'), /^Cần ghi chú giải thích giá trị: Giá trị 50 doanh nghiệp thay đổi \+400%/);
  assert.equal(state(), before, 'refused without a note');

  const id = await draft(ba, 'DN', '00004', '2026Q3', 50, 'Thành lập mới 40 doanh nghiệp tại khu công nghệ');
  const saved = (await ba.get(`/api/v1/values/${id}`)).json;
  assert.equal(saved.flags.length, 1);
  assert.equal(saved.flags[0].kind, 'jump');
  assert.equal((await ba.post(`/api/v1/values/${id}/submit`)).status, 200);

  const queue = await bcd.get('/api/v1/approvals');
  const item = queue.json.values.find((v) => v.id === id);
  assert.ok(item, 'waiting for approval');
  assert.equal(item.flags.length, 1);
  assert.equal(item.flags[0].hard, false);
  assert.equal(item.flags[0].name_vi, 'Thay đổi so với kỳ trước không quá ±50 %');
  assert.match(sayMessage(item.flags[0], 'vi'), /thay đổi \+400% so với 10 doanh nghiệp của Quý II\/2026/);
  assert.equal(item.note, 'Thành lập mới 40 doanh nghiệp tại khu công nghệ');

  // a value within the rules carries no flag
  const calm = await draft(ba, '5G-PHU', '00004', '2026Q3', 70);
  assert.deepEqual((await ba.get(`/api/v1/values/${calm}`)).json.flags, []);
});

test('a rule across indicators: {DN-KHCN} <= {DN} holds for the same unit and period, whichever side is saved', async () => {
  const put = await bcd.put(`/api/v1/indicators/${ids.dnk}/rules`, { rules: [
    { kind: 'bounds', min: 0, hard: true },
    { kind: 'compare', left: '{DN-KHCN}', op: '<=', right: '{DN}', hard: true,
      name_vi: 'Doanh nghiệp KH&CN không vượt tổng số doanh nghiệp', name_en: 'S&T enterprises within all enterprises' },
  ] });
  assert.equal(put.status, 200, put.text);
  assert.equal(put.json.defaults, false);
  assert.equal(put.json.rules[1].name_en, 'S&T enterprises within all enterprises');
  assert.equal(put.json.rules[0].name_vi, 'Giá trị không nhỏ hơn 0', 'a rule without a name is named after what it says');

  // Ngọc Hà: 12 enterprises, so 15 S&T enterprises cannot be
  await draft(nh, 'DN', '00008', '2026Q3', 12);
  const before = state();
  const r = await nh.put('/api/v1/values', { indicator_code: 'DN-KHCN', unit_code: '00008', period: '2026Q3', value: 15 });
  assert.equal(r.status, 422, r.text);
  assert.equal(sayMessage(r.json.error, 'vi'),
    'Quy tắc “Doanh nghiệp KH&CN không vượt tổng số doanh nghiệp”: điều kiện {DN-KHCN} <= {DN} không thỏa mãn (15 so với 12).');
  assert.equal(state(), before);
  await draft(nh, 'DN-KHCN', '00008', '2026Q3', 9);
  // lowering the total below the S&T enterprises breaks the same rule
  const low = await nh.put('/api/v1/values', { indicator_code: 'DN', unit_code: '00008', period: '2026Q3', value: 8 });
  assert.equal(low.status, 422, low.text);
  assert.match(sayMessage(low.json.error, 'vi'), /\(9 so với 8\)/);
  // another period or unit is not compared
  await draft(nh, 'DN-KHCN', '00008', '2026Q4', 15);

  // a formula that does not compile, or names no indicator, is refused with the rule's number
  const bad = await bcd.put(`/api/v1/indicators/${ids.dnk}/rules`, { rules: [{ kind: 'compare', left: '{DN-KHCN} *', op: '<=', right: '{DN}' }] });
  assert.equal(bad.status, 422);
  assert.match(sayMessage(bad.json.error, 'vi'), /^Quy tắc 1, vế trái:/);
  const none = await bcd.put(`/api/v1/indicators/${ids.dnk}/rules`, { rules: [{ kind: 'compare', left: '{KHONG-CO}', op: '<=', right: '{DN}' }] });
  assert.equal(none.status, 422);
  assert.equal(sayMessage(none.json.error, 'vi'), "Quy tắc 1: không có chỉ tiêu mã 'KHONG-CO'.");
  assert.equal((await bcd.get(`/api/v1/indicators/${ids.dnk}/rules`)).json.rules.length, 2, 'refused rules change nothing');
});

test('a unit’s own bounds, and the analysis lists stored values that break the rules', async () => {
  // Ba Đình's coverage may not pass 60 %: its stored 64 % and 70 % now break it
  const put = await bcd.put(`/api/v1/indicators/${ids.g5}/rules`, { rules: [
    { kind: 'bounds', min: 0, max: 100, hard: true },
    { kind: 'bounds', max: 60, unit_code: '00004', hard: false, name_vi: 'Ba Đình chưa quá 60 %', name_en: 'Ba Đình not above 60 %' },
    { kind: 'jump', percent: 10, hard: false },
  ] });
  assert.equal(put.status, 200, put.text);
  assert.equal(put.json.rules[1].unit_code, '00004');

  const r = await bcd.get(`/api/v1/validation?unit_id=${ids.city}&from=2026Q1&to=2026Q4`);
  assert.equal(r.status, 200, r.text);
  const seen = r.json.violations.map((v) => [v.indicator_code, v.unit_code, v.period, v.value, v.kind, v.hard]);
  assert.deepEqual(seen.filter((s) => s[0] === '5G-PHU'), [
    ['5G-PHU', '00004', '2026Q1', 56, 'jump', false], // 48 → 56: +16.7 %
    ['5G-PHU', '00004', '2026Q2', 64, 'bounds', false],
    ['5G-PHU', '00004', '2026Q2', 64, 'jump', false], // 56 → 64: +14.3 %
    ['5G-PHU', '00004', '2026Q3', 70, 'bounds', false],
  ]);
  const one = r.json.violations.find((v) => v.period === '2026Q2' && v.kind === 'bounds');
  assert.equal(one.period_label_vi, 'Quý II/2026');
  assert.equal(one.unit_name, 'Phường Ba Đình');
  assert.equal(sayMessage(one, 'vi'), 'Giá trị 64 % lớn hơn mức tối đa 60 % của chỉ tiêu 5G-PHU (quy tắc “Ba Đình chưa quá 60 %”).');
  assert.ok(!seen.some((s) => s[2] === '2025Q4'), 'periods before from are left out');
  assert.equal(r.json.total, r.json.violations.length);

  // Ngọc Hà's subtree has none of Ba Đình's
  const nhOnly = await bcd.get(`/api/v1/validation?unit_id=${ids.u8}`);
  assert.equal(nhOnly.status, 200);
  assert.ok(nhOnly.json.violations.every((v) => v.unit_code === '00008'));
  // steering and admin only
  assert.equal((await ba.get(`/api/v1/validation?unit_id=${ids.u4}`)).status, 403);
  assert.equal((await people.viewer.get(`/api/v1/validation?unit_id=${ids.u4}`)).status, 403);
  assert.equal((await client(srv).get('/api/v1/validation')).status, 401);
  assert.equal((await people.admin.get(`/api/v1/validation?unit_id=${ids.u4}`)).status, 200);
  assert.equal((await people.admin.get(`/api/v1/validation?unit_id=${ids.u8}`)).status, 403, 'admin of Ba Đình only');
  const badPeriod = await bcd.get('/api/v1/validation?from=quy-ba');
  assert.equal(badPeriod.status, 422);
  assert.equal(sayMessage(badPeriod.json.error, 'vi'), "Từ kỳ: 'quy-ba' không phải kỳ báo cáo.");

  // back to the defaults
  const reset = await bcd.put(`/api/v1/indicators/${ids.g5}/rules`, { rules: null });
  assert.equal(reset.status, 200);
  assert.equal(reset.json.defaults, true);
});

test('the forecast of a percentage never leaves 0–100', async () => {
  // a city series rising 25 points a year: a straight line reaches 190 % by 2030
  const id = (await bcd.post('/api/v1/indicators', { code: 'PCT-NHANH', name_vi: 'Tỷ lệ tăng nhanh', measure: '%', direction: 'up',
    aggregation: 'none', targets: [{ unit_code: '01', period: '2030', value: 100 }] })).json.id;
  const dir = mkdtempSync(path.join(tmpdir(), 'nq57-validation-'));
  writeFileSync(path.join(dir, 'v.csv'), 'indicator_code,unit_code,period,value\n'
    + [['2022', 15], ['2023', 40], ['2024', 65], ['2025', 90]].map(([y, v]) => `PCT-NHANH,01,${y},${v}`).join('\n') + '\n');
  const load = await runCli(['values', 'import', path.join(dir, 'v.csv'), '--approved', '--db', srv.db]);
  assert.equal(load.code, 0, load.stderr);
  const d = await bcd.get(`/api/v1/dashboard/indicators/${id}`);
  assert.equal(d.status, 200, d.text);
  assert.ok(d.json.forecast.points.length >= 3, JSON.stringify(d.json.forecast));
  for (const p of d.json.forecast.points) {
    assert.ok(p.value <= 100 && p.high <= 100 && p.low >= 0, `${p.period}: ${p.low} ≤ ${p.value} ≤ ${p.high}`);
  }
  assert.equal(d.json.forecast.points.at(-1).value, 100, 'the line would pass 100 %; the forecast stops there');
  const tile = (await bcd.get('/api/v1/dashboard?period=2025')).json.indicators.find((t) => t.code === 'PCT-NHANH');
  assert.ok(tile.forecast <= 100, `tile forecast ${tile.forecast}`);
  // the indicator's own hard bounds take over as soon as they are set
  assert.equal((await bcd.put(`/api/v1/indicators/${id}/rules`, { rules: [{ kind: 'bounds', min: 0, max: 95 }] })).status, 200);
  const bounded = (await bcd.get(`/api/v1/dashboard/indicators/${id}`)).json.forecast.points;
  assert.equal(bounded.at(-1).value, 95);
  assert.ok(bounded.every((p) => p.high <= 95));
});

test('who may set an indicator’s rules: steering and admin over its owner unit; refusals change nothing', async () => {
  const body = { rules: [{ kind: 'bounds', min: 0, max: 500, hard: true }] };
  const cases = [
    ['steering', 'own', 200], ['steering', 'other', 403],
    ['admin', 'own', 200], ['admin', 'other', 403],
    ['officer', 'own', 403], ['officer', 'other', 403],
    ['viewer', 'own', 403], ['viewer', 'other', 403],
  ];
  for (const [role, whose, status] of cases) {
    const id = whose === 'own' ? ids.own : ids.other;
    const before = state();
    const r = await people[role].put(`/api/v1/indicators/${id}/rules`, body);
    assert.equal(r.status, status, `${role} on ${whose}: ${r.text}`);
    if (status !== 200) assert.equal(state(), before, `${role} on ${whose} changed nothing`);
  }
  for (const id of [ids.own, ids.other]) {
    const before = state();
    assert.equal((await client(srv).put(`/api/v1/indicators/${id}/rules`, body)).status, 401);
    assert.equal(state(), before);
  }
  // the city's steering office sets any indicator's rules; the change is audited
  assert.equal((await bcd.put(`/api/v1/indicators/${ids.other}/rules`, body)).status, 200);
  const audit = dbExec(srv.db, `SELECT action, entity, entity_id FROM audit WHERE action = 'rules' ORDER BY seq DESC LIMIT 1`);
  assert.equal(audit, `rules|indicator|${ids.other}`);
  // reading them needs a sign-in only; a check needs the right to report or review the unit
  assert.equal((await client(srv).get(`/api/v1/indicators/${ids.own}/rules`)).status, 401);
  assert.equal((await people.viewer.get(`/api/v1/indicators/${ids.own}/rules`)).status, 200);
  const chk = { indicator_code: 'BD-RIENG', unit_code: '00008', period: '2026Q3', value: 1 };
  assert.equal((await ba.post('/api/v1/values/check', chk)).status, 403);
  assert.equal((await people.viewer.post('/api/v1/values/check', { ...chk, unit_code: '00004' })).status, 403);
  assert.equal((await bcd.post('/api/v1/values/check', chk)).status, 200);
});
