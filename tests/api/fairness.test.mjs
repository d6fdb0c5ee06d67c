// Cheap requests do not queue behind expensive ones: while 48 clients keep
// the dashboard busy, health, a signed-in read and an officer's save are
// answered many times faster than the dashboards (before, all of them
// waited in the same two threads and took as long as a dashboard). The
// figures against the design's goals come from bench/fairness.sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoServer } from '../lib/demo.mjs';
import { signIn } from '../lib/auth.mjs';

const DASHBOARD_CLIENTS = 48;
const SECONDS = 6;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function p90(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(0.9 * s.length))];
}

test('health, reads and saves are not held up by saturated dashboards', { timeout: 90000 }, async () => {
  const server = await startDemoServer();
  try {
    const steering = await signIn(server, 'bcd');
    const officer = await signIn(server, 'hoankiem');
    assert.equal((await steering.get('/api/v1/dashboard')).status, 200);
    const until = Date.now() + SECONDS * 1000;
    const dash = [];
    const loops = Array.from({ length: DASHBOARD_CLIENTS }, async () => {
      while (Date.now() < until) {
        const t0 = performance.now();
        const r = await steering.get('/api/v1/dashboard');
        assert.equal(r.status, 200);
        dash.push(performance.now() - t0);
      }
    });
    await new Promise((r) => setTimeout(r, 1000));   // let the queue fill
    const cheap = { health: [], read: [], save: [] };
    let n = 0;
    while (Date.now() < until - 500) {
      let t0 = performance.now();
      assert.equal((await fetch(`${server.url}/api/v1/health`)).status, 200);
      cheap.health.push(performance.now() - t0);
      t0 = performance.now();
      const me = await officer.get('/api/v1/session');
      assert.equal(me.status, 200);
      cheap.read.push(performance.now() - t0);
      t0 = performance.now();
      const saved = await officer.put('/api/v1/values',
        { indicator_code: 'GRDP', unit_code: '00070', period: '2026Q4', value: 100 + (n++ % 50) });
      assert.equal(saved.status, 200, saved.text);
      cheap.save.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(loops);
    const dashMedian = median(dash);
    const seen = Object.fromEntries(Object.entries(cheap).map(([k, v]) => [k, Math.round(p90(v))]));
    const report = JSON.stringify({ dashboard_median_ms: Math.round(dashMedian), cheap_p90_ms: seen });
    // The dashboards queue (48 clients for a few threads), so each waits
    // for many others; the cheap requests must not wait with them.
    assert.ok(dashMedian > 200, `the dashboards were not saturated: ${report}`);
    assert.ok(cheap.health.length >= 5, report);
    assert.ok(seen.health * 5 < dashMedian, `health waited with the dashboards: ${report}`);
    assert.ok(seen.read * 5 < dashMedian, `a signed-in read waited with the dashboards: ${report}`);
    assert.ok(seen.save * 3 < dashMedian, `a save waited with the dashboards: ${report}`);
  } finally {
    await server.stop();
  }
});
