// A document's page (GET /api/v1/documents/{id}) and the documents' tree
// (GET /api/v1/documents/tree) on the demo programme: the chain 57-NQ/TW →
// 03/NQ-CP → 43/KH-UBND, the plan's task groups with their tasks and
// indicators, and progress counts that are the task list's own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoServer } from '../lib/demo.mjs';
import { signIn, client } from '../lib/auth.mjs';

const STATUSES = ['done_on_time', 'done_late', 'open_in_time', 'open_due_soon', 'open_overdue'];
let srv, bcd, anon, docs;

before(async () => {
  srv = await startDemoServer();
  bcd = await signIn(srv, 'bcd');
  anon = client(srv);
  const list = await anon.get('/api/v1/documents?limit=1000');
  assert.equal(list.status, 200, list.text);
  docs = Object.fromEntries(list.json.documents.map((d) => [d.number, d.id]));
});
after(async () => { await srv?.stop(); });

const sum = (counts) => STATUSES.reduce((n, s) => n + counts[s], 0);

test('the tree runs from 57-NQ/TW down to the city plans, each with its progress', async () => {
  const res = await anon.get('/api/v1/documents/tree');
  assert.equal(res.status, 200, res.text);
  const root = res.json.roots.find((d) => d.number === '57-NQ/TW');
  assert.ok(root, 'the resolution is a root');
  assert.equal(res.json.roots.some((d) => d.number === '43/KH-UBND'), false, 'the plan is not a root');
  const gov = root.children.find((d) => d.number === '03/NQ-CP');
  assert.deepEqual(gov.children.map((d) => d.number), ['43/KH-UBND']);
  assert.deepEqual(root.children.find((d) => d.number === '71/NQ-CP').children.map((d) => d.number), ['139/KH-UBND']);
  const plan = gov.children[0];
  const tasks = await bcd.get(`/api/v1/tasks?document_id=${docs['43/KH-UBND']}&limit=1`);
  assert.equal(plan.tasks_total, tasks.json.total);
  assert.ok(plan.tasks_total > 0);
  assert.deepEqual(plan.counts, tasks.json.counts);
  assert.equal(root.tasks_total, 0, 'the resolution has no tasks of its own');
});

test('the plan: its chain, groups with tasks and indicators, counts equal to the task list', async () => {
  const id = docs['43/KH-UBND'];
  const res = await bcd.get(`/api/v1/documents/${id}`);
  assert.equal(res.status, 200, res.text);
  const doc = res.json;
  assert.equal(doc.number, '43/KH-UBND');
  assert.equal(doc.kind, 'plan');
  assert.equal(doc.issued_on, '2025-02-14');
  assert.equal(doc.issuer, 'UBND thành phố Hà Nội');
  assert.deepEqual(doc.chain.map((d) => d.number), ['57-NQ/TW', '03/NQ-CP']);
  const codes = doc.groups.map((g) => g.code);
  for (const c of ['MT1', 'MT2', 'MT3', 'NV1', 'NV2', 'NV3', 'NV4', 'NV5']) assert.ok(codes.includes(c), `group ${c}`);

  const list = await bcd.get(`/api/v1/tasks?document_id=${id}&limit=10000`);
  assert.equal(list.status, 200, list.text);
  assert.equal(doc.tasks_total, list.json.total);
  assert.deepEqual(doc.counts, list.json.counts);

  // Every listed task sits in exactly one group, with the same status and lead unit.
  const byCode = new Map(list.json.tasks.map((t) => [t.code, t]));
  const seen = new Set();
  let grouped = 0;
  for (const g of doc.groups) {
    assert.equal(g.tasks.length, g.tasks_total);
    assert.equal(sum(g.counts), g.tasks_total, `counts of ${g.code} add up`);
    for (const s of STATUSES) assert.equal(g.counts[s], g.tasks.filter((t) => t.status === s).length, `${g.code} ${s}`);
    for (const t of g.tasks) {
      const listed = byCode.get(t.code);
      assert.ok(listed, `${t.code} is in the task list`);
      assert.equal(seen.has(t.code), false, `${t.code} in one group only`);
      seen.add(t.code);
      assert.equal(t.status, listed.status);
      assert.equal(t.lead_unit_name, listed.lead_unit_name);
      assert.equal(t.group_code ?? g.code, listed.group_code ?? g.code);
      assert.equal(listed.group_code ?? null, g.code);
    }
    grouped += g.tasks_total;
  }
  assert.equal(grouped, list.json.total);
  // The demo puts every plan task in one of NV1..NV5.
  assert.ok(doc.groups.filter((g) => /^NV/.test(g.code)).every((g) => g.kind === 'task_group'));
  assert.ok(doc.groups.filter((g) => /^NV/.test(g.code)).reduce((n, g) => n + g.tasks_total, 0) === list.json.total);

  // Indicators of the plan hang under its objectives.
  const inds = doc.groups.flatMap((g) => g.indicators.map((i) => [g.code, i.code]));
  assert.ok(inds.length > 0);
  assert.ok(inds.some(([g, c]) => g === 'MT1' && c === 'GRDP'), 'GRDP under MT1');
});

test('counts follow the day they are derived on, as the task list does', async () => {
  const id = docs['43/KH-UBND'];
  const later = await bcd.get(`/api/v1/documents/${id}?as_of=2031-01-01`);
  const list = await bcd.get(`/api/v1/tasks?document_id=${id}&as_of=2031-01-01&limit=1`);
  assert.equal(later.status, 200, later.text);
  assert.deepEqual(later.json.counts, list.json.counts);
  const now = await bcd.get(`/api/v1/documents/${id}`);
  assert.ok(later.json.counts.open_overdue >= now.json.counts.open_overdue);
  assert.equal(later.json.counts.open_in_time + later.json.counts.open_due_soon, 0, 'by 2031 nothing open is in time');
  const bad = await bcd.get(`/api/v1/documents/${id}?as_of=31/12/2030`);
  assert.equal(bad.status, 422);
});

test('the resolution lists the documents implementing it with their progress', async () => {
  const res = await anon.get(`/api/v1/documents/${docs['57-NQ/TW']}`);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json.chain, []);
  const below = res.json.implemented_by.map((d) => d.number).sort();
  assert.deepEqual(below, ['03/NQ-CP', '71/NQ-CP']);
  for (const d of res.json.implemented_by) assert.ok(d.counts && typeof d.tasks_total === 'number');
  assert.deepEqual(res.json.groups.map((g) => g.code), ['MT2030', 'MT2045']);
});

test('a visitor sees the progress of a plan but not its task list; an unknown document is 404', async () => {
  const id = docs['43/KH-UBND'];
  const res = await anon.get(`/api/v1/documents/${id}`);
  assert.equal(res.status, 200, res.text);
  const signed = await bcd.get(`/api/v1/documents/${id}`);
  assert.deepEqual(res.json.counts, signed.json.counts);
  assert.ok(res.json.groups.every((g) => g.tasks.length === 0));
  assert.equal(res.json.groups.reduce((n, g) => n + g.tasks_total, 0), signed.json.tasks_total);
  const missing = await anon.get('/api/v1/documents/999999');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.template, 'no document with id %lld');
});
