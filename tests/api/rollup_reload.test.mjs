// A bulk import of approved values is loaded into the roll-ups in the
// background: while it loads (held back here by NQ57_TEST_RELOAD_DELAY_MS),
// the dashboards answer at once with the figures from before the import,
// marked "updating", instead of waiting for the reload; once loaded they
// show the imported figures and the mark is gone. A small import that
// loads within NQ57_RELOAD_WAIT_MS is seen by the very next request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDemoServer } from '../lib/demo.mjs';
import { signIn } from '../lib/auth.mjs';
import { runCli } from '../lib/server.mjs';

const DELAY_MS = 2500;
const dir = mkdtempSync(path.join(tmpdir(), 'nq57-reload-'));
let srv, bcd;
before(async () => {
  srv = await startDemoServer({ env: { NQ57_TEST_RELOAD_DELAY_MS: String(DELAY_MS), NQ57_RELOAD_WAIT_MS: '100' } });
  bcd = await signIn(srv, 'bcd');
});
after(async () => { await srv?.stop(); });

async function importApproved(rows) {
  const file = path.join(dir, `v${Date.now()}.csv`);
  writeFileSync(file, `indicator_code,unit_code,period,value\n${rows.map((r) => r.join(',')).join('\n')}\n`);
  const r = await runCli(['values', 'import', file, '--approved', '--db', srv.db]);
  assert.equal(r.code, 0, r.stderr);
}

// The hoàn kiếm ward's roll-up of 5G-PHU for period, timed.
async function figure(period) {
  const t0 = performance.now();
  const r = await bcd.get(`/api/v1/rollup?indicator=5G-PHU&periods=${period}&unit_id=11`);
  const ms = performance.now() - t0;
  assert.equal(r.status, 200, r.text);
  const row = r.json.values[0];
  return { ms, updating: r.json.updating === true, value: row?.value ?? null, body: r.json };
}

test('during a slow reload the figures from before the import are served at once, marked as updating; then the new ones', async () => {
  const before = await figure('2031');
  assert.equal(before.value, null, JSON.stringify(before.body));
  assert.equal(before.updating, false);
  await importApproved([['5G-PHU', '00070', '2031', '77.5']]);
  const during = await figure('2031');
  assert.ok(during.ms < DELAY_MS / 2, `answered in ${during.ms.toFixed(0)} ms, not after the ${DELAY_MS} ms reload`);
  assert.equal(during.updating, true, 'the answer says it is being updated');
  assert.equal(during.value, null, 'the figure is the one from before the import');
  const page = (await bcd.get('/api/v1/dashboard')).json;
  assert.equal(page.updating, true, 'the overview says so too');
  let now = during;
  for (let i = 0; i < 100 && (now.updating || now.value === null); i++) {
    await new Promise((res) => setTimeout(res, 100));
    now = await figure('2031');
  }
  assert.equal(now.updating, false);
  assert.equal(now.value, 77.5, 'the imported figure once loaded');
});

test('a save made while a bulk change loads is applied after it, in order', async () => {
  await importApproved([['5G-PHU', '00070', '2032', '60']]);
  const during = await figure('2032');
  assert.equal(during.updating, true);
  await importApproved([['5G-PHU', '00070', '2033', '61']]);
  let a, b;
  for (let i = 0; i < 150; i++) {
    await new Promise((res) => setTimeout(res, 100));
    a = await figure('2032');
    b = await figure('2033');
    if (!a.updating && a.value !== null && b.value !== null) break;
  }
  assert.equal(a.value, 60);
  assert.equal(b.value, 61);
});
