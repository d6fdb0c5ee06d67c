// The programme's documents (the chain NQ57 → 71/NQ-CP → the city plan)
// and indicators: derived formulas checked, targets by period and unit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbExec } from '../lib/server.mjs';
import { addUser, importUnits, signIn, client } from '../lib/auth.mjs';

let srv, steering, officer;
before(async () => {
  srv = await startServer();
  await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\nHN-SKHCN,Sở Khoa học và Công nghệ,01,department\n00004,Phường Ba Đình,01,commune\n');
  await addUser(srv, 'bcd', { role: 'steering', unit: '01' });
  await addUser(srv, 'bd-officer', { role: 'officer', unit: '00004' });
  steering = await signIn(srv, 'bcd');
  officer = await signIn(srv, 'bd-officer');
});
after(async () => { await srv?.stop(); });

test('documents form a chain that can be walked both ways', async () => {
  const nq = await steering.post('/api/v1/documents', { number: '57-NQ/TW', kind: 'resolution', issued_on: '2024-12-22', issuer: 'Bộ Chính trị',
    title: 'Về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia' });
  assert.equal(nq.status, 201, nq.text);
  const cp = await steering.post('/api/v1/documents', { number: '71/NQ-CP', kind: 'resolution', issued_on: '2025-04-01', issuer: 'Chính phủ',
    title: 'Chương trình hành động của Chính phủ thực hiện Nghị quyết 57-NQ/TW', basis_number: '57-NQ/TW' });
  assert.equal(cp.status, 201, cp.text);
  const kh = await steering.post('/api/v1/documents', { number: '139/KH-UBND', kind: 'plan', issued_on: '2025-05-16', issuer: 'UBND thành phố Hà Nội',
    title: 'Kế hoạch thực hiện Nghị quyết 71/NQ-CP', basis_id: cp.json.id,
    objectives: [{ code: 'MT1', title: 'Kinh tế số chiếm tỷ trọng lớn trong GRDP' }, { code: 'NV1', kind: 'task_group', title: 'Hoàn thiện thể chế' }] });
  assert.equal(kh.status, 201, kh.text);
  assert.deepEqual(kh.json.chain.map((d) => d.number), ['57-NQ/TW', '71/NQ-CP']);
  assert.deepEqual(kh.json.objectives.map((o) => [o.code, o.kind]), [['MT1', 'objective'], ['NV1', 'task_group']]);
  const top = await client(srv).get(`/api/v1/documents/${nq.json.id}`);
  assert.equal(top.status, 200, 'documents are public');
  assert.deepEqual(top.json.implemented_by.map((d) => d.number), ['71/NQ-CP']);
  // No loops: 57-NQ/TW cannot implement the plan that implements it.
  const loop = await steering.patch(`/api/v1/documents/${nq.json.id}`, { basis_id: kh.json.id });
  assert.equal(loop.status, 422, loop.text);
  assert.match(loop.json.error.message, /cannot implement itself/);
  const found = await client(srv).get('/api/v1/documents?q=chuong%20trinh%20hanh%20dong');
  assert.deepEqual(found.json.documents.map((d) => d.number), ['71/NQ-CP']);
  const dup = await steering.post('/api/v1/documents', { number: '57-NQ/TW', kind: 'resolution', title: 'x' });
  assert.equal(dup.status, 409);
  const badDate = await steering.post('/api/v1/documents', { number: '1/QĐ', kind: 'decision', title: 'x', issued_on: '2025-02-30' });
  assert.equal(badDate.status, 422);
  assert.match(badDate.json.error.message, /issued_on/);
});

test('a unit officer and anonymous callers cannot define the programme', async () => {
  const before = dbExec(srv.db, 'SELECT COUNT(*) FROM document');
  assert.equal((await officer.post('/api/v1/documents', { number: '2/KH', kind: 'plan', title: 'x' })).status, 403);
  assert.equal((await client(srv).post('/api/v1/documents', { number: '2/KH', kind: 'plan', title: 'x' })).status, 401);
  assert.equal((await officer.post('/api/v1/indicators', { code: 'X', name_vi: 'x', direction: 'up', aggregation: 'sum' })).status, 403);
  assert.equal(dbExec(srv.db, 'SELECT COUNT(*) FROM document'), before);
  assert.equal(dbExec(srv.db, 'SELECT COUNT(*) FROM indicator'), '0');
});

test('indicators: derived formulas name existing indicators, without cycles; targets by period', async () => {
  const mk = (b) => steering.post('/api/v1/indicators', b);
  assert.equal((await mk({ code: 'GRDP', name_vi: 'Tổng sản phẩm trên địa bàn', measure: 'tỷ đồng', direction: 'up', aggregation: 'sum' })).status, 201);
  assert.equal((await mk({ code: 'KTS-GT', name_vi: 'Giá trị kinh tế số', measure: 'tỷ đồng', direction: 'up', aggregation: 'sum' })).status, 201);
  const share = await mk({ code: 'KTS-TT', name_vi: 'Tỷ trọng kinh tế số trong GRDP', name_en: 'Digital economy share of GRDP', measure: '%',
    direction: 'up', aggregation: 'none', formula: '{KTS-GT} / GRDP * 100', baseline_value: 22.5, baseline_year: 2024,
    targets: [{ unit_code: '01', period: '2030', value: 40 }, { unit_code: '01', period: '2045', value: 50 }] });
  assert.equal(share.status, 201, share.text);
  assert.equal(share.json.derived, true);
  assert.deepEqual(share.json.operands, ['KTS-GT', 'GRDP']);
  assert.deepEqual(share.json.targets.map((t) => [t.unit_code, t.period, t.value]), [['01', '2030', 40], ['01', '2045', 50]]);
  assert.equal(share.json.baseline_value, 22.5);

  const bad = async (body, pattern) => {
    const r = await mk({ code: 'BAD', name_vi: 'Chỉ tiêu lỗi', direction: 'up', aggregation: 'sum', ...body });
    assert.equal(r.status, 422, r.text);
    assert.match(r.json.error.message, pattern);
  };
  await bad({ formula: 'GRDP / ' }, /formula.*column 8/);
  await bad({ formula: 'KHONG_CO * 2' }, /no indicator with code 'KHONG_CO'/);
  await bad({ code: 'GRDP2', formula: 'GRDP2 + 1' }, /depend on itself/);
  await bad({ direction: 'sideways' }, /direction/);
  await bad({ aggregation: 'weighted_mean' }, /weight_code/);
  await bad({ targets: [{ unit_code: '01', period: '2025Q5', value: 1 }] }, /targets\[0\].*2025Q5/);
  await bad({ targets: [{ unit_code: 'KHONG', period: '2025', value: 1 }] }, /targets\[0\]: no such unit/);
  assert.equal(dbExec(srv.db, "SELECT COUNT(*) FROM indicator WHERE code IN ('BAD', 'GRDP2')"), '0');

  // Replacing the targets: per unit too, periods in canonical form.
  const res = await fetch(`${srv.url}/api/v1/indicators/${share.json.id}/targets`, {
    method: 'PUT', headers: { cookie: steering.cookie, 'x-csrf-token': steering.csrf, 'content-type': 'application/json' },
    body: JSON.stringify([{ unit_code: '01', period: '2030', value: 40 }, { unit_code: '00004', period: '2025S2', value: 25 }]),
  });
  assert.equal(res.status, 200);
  const after = await client(srv).get(`/api/v1/indicators/${share.json.id}`);
  assert.deepEqual(after.json.targets.map((x) => [x.unit_code, x.period, x.value]), [['01', '2030', 40], ['00004', '2025S2', 25]]);
  const list = await client(srv).get('/api/v1/indicators?q=ty%20trong%20kinh%20te%20so');
  assert.deepEqual(list.json.indicators.map((i) => i.code), ['KTS-TT']);
  const audit = await steering.get(`/api/v1/audit?entity=indicator&entity_id=${share.json.id}`);
  assert.deepEqual(audit.json.entries.map((e) => e.action), ['targets', 'create']);
});

test('nq57 programme load: the demo programme loads whole, and a bad item loads nothing', async () => {
  const { runCli } = await import('../lib/server.mjs');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const path = (await import('node:path')).default;
  const { fileURLToPath } = await import('node:url');
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const s = await startServer();
  try {
    await importUnits(s, (await import('node:fs')).readFileSync(path.join(root, 'scripts', 'demo', 'units.csv'), 'utf8'));
    const ok = await runCli(['programme', 'load', path.join(root, 'scripts', 'demo', 'programme.json'), '--db', s.db]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /5 documents, 15 indicators, 48 tasks loaded/);
    const doc = await client(s).get('/api/v1/documents?q=43/KH-UBND');
    const plan = await client(s).get(`/api/v1/documents/${doc.json.documents[0].id}`);
    assert.deepEqual(plan.json.chain.map((d) => d.number), ['57-NQ/TW', '03/NQ-CP']);
    const dir = mkdtempSync(path.join(s.dir, 'prog-'));
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ documents: [{ number: '1/KH', kind: 'plan', title: 'Mới' }],
      tasks: [{ code: 'T-1', title: 'Tốt', lead_unit_code: '01' }, { code: 'T-2', title: 'Lỗi', lead_unit_code: 'KHONG-CO' }] }));
    const before = dbExec(s.db, 'SELECT COUNT(*) FROM audit');
    const r = await runCli(['programme', 'load', bad, '--db', s.db]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /tasks\[1\]: 'lead_unit_code': nothing with code 'KHONG-CO'; nothing was loaded/);
    assert.equal(dbExec(s.db, "SELECT COUNT(*) FROM document WHERE number = '1/KH'"), '0');
    assert.equal(dbExec(s.db, "SELECT COUNT(*) FROM task WHERE code = 'T-1'"), '0');
    assert.equal(dbExec(s.db, 'SELECT COUNT(*) FROM audit'), before);
  } finally {
    await s.stop();
  }
});

test('the demo seed: units, the programme, about 200 tasks in every status, demo values approved and drafts', async () => {
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = (await import('node:path')).default;
  const { fileURLToPath } = await import('node:url');
  const { binary } = await import('../lib/server.mjs');
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const clock = path.join(mkdtempSync(path.join(tmpdir(), 'nq57-clock-')), 'now');
  writeFileSync(clock, '2026-11-15T12:00:00Z\n');   // the day the demo's histories run to
  const s = await startServer({ env: { NQ57_TEST_CLOCK_FILE: clock } });
  try {
    const seed = spawnSync('bash', [path.join(root, 'scripts', 'demo-seed.sh'), binary, s.db],
      { env: { ...process.env, NQ57_PWHASH: 'fast', NQ57_TEST_CLOCK_FILE: clock }, encoding: 'utf8' });
    assert.equal(seed.status, 0, seed.stderr);
    assert.match(seed.stdout, /200 tasks loaded/);
    const demo = await signIn(s, 'demo', 'nq57-demo-2025');
    const tasks = await demo.get('/api/v1/tasks?limit=1');
    assert.equal(tasks.json.total, 200);
    for (const [status, n] of Object.entries(tasks.json.counts)) assert.ok(n > 0, `some tasks are ${status}: ${JSON.stringify(tasks.json.counts)}`);
    assert.ok(tasks.json.counts.done_on_time > tasks.json.counts.done_late, 'most finished tasks finished on time');
    const recurring = (await demo.get('/api/v1/tasks?q=dinh%20ky&limit=50')).json.tasks;
    assert.equal(recurring.length, 7, 'each department owes a quarterly report');
    assert.ok(recurring.every((t) => t.recurrence === 'quarterly' && /^2026Q[34]$/.test(t.period)), JSON.stringify(recurring.map((t) => t.period)));
    assert.equal(dbExec(s.db, "SELECT COUNT(*) FROM indicator_value WHERE note <> 'Số liệu minh hoạ (demo)' AND note <> 'Tính từ cơ sở dữ liệu hệ sinh thái'"), '0',
      'every typed value is marked as demo data, every computed one says where it comes from');
    assert.equal(dbExec(s.db, "SELECT COUNT(*) FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id WHERE (i.registry IS NULL) = (v.note = 'Tính từ cơ sở dữ liệu hệ sinh thái')"), '0');
    assert.equal(dbExec(s.db, "SELECT COUNT(*) FROM indicator_value WHERE status = 'approved' AND period = '2026Q3'"), '0');
    assert.ok(Number(dbExec(s.db, "SELECT COUNT(*) FROM indicator_value WHERE status = 'approved'")) > 400);
    assert.ok(Number(dbExec(s.db, "SELECT COUNT(*) FROM indicator_value WHERE status = 'draft' AND period = '2026Q3'")) > 50);
    const again = spawnSync('bash', [path.join(root, 'scripts', 'demo-seed.sh'), binary, s.db], { env: { ...process.env, NQ57_PWHASH: 'fast' }, encoding: 'utf8' });
    assert.equal(again.status, 0);
    assert.equal(dbExec(s.db, 'SELECT COUNT(*) FROM task'), '200', 'a second run leaves a seeded database alone');
  } finally {
    await s.stop();
  }
});
