// The measuring side of bench/fairness.sh: while other clients saturate
// the server, sends signed-in small reads and officer writes at a steady
// rate (open loop: a slow answer does not delay the next request, so
// waiting is measured, not hidden) and prints their latency percentiles.
//
//   node bench/fairness-probe.mjs URL COOKIE CSRF SECONDS
const [url, cookie, csrf, secondsText] = process.argv.slice(2);
const seconds = Number(secondsText);
const READS_PER_S = 20, WRITES_PER_S = 10;

const kinds = {
  // small signed-in reads: who am I (every page asks), and a page of units
  read: {
    ms: [], errors: 0, n: 0,
    send() {
      const p = this.n++ % 2 ? '/api/v1/session' : '/api/v1/units?limit=5';
      return fetch(`${url}${p}`, { headers: { cookie } });
    },
  },
  write: {
    ms: [], errors: 0, n: 0,
    send() {
      const value = 1000 + (this.n++ % 500);
      return fetch(`${url}/api/v1/values`, {
        method: 'PUT',
        headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
        body: JSON.stringify({ indicator_code: 'GRDP', unit_code: '00070', period: '2026Q4', value }),
      });
    },
  },
};

function shoot(k) {
  const t0 = performance.now();
  return k.send().then(async (res) => {
    await res.arrayBuffer();
    if (res.status !== 200) k.errors++;
    k.ms.push(performance.now() - t0);
  }, () => { k.errors++; });
}

const pending = [];
const timers = [
  setInterval(() => pending.push(shoot(kinds.read)), 1000 / READS_PER_S),
  setInterval(() => pending.push(shoot(kinds.write)), 1000 / WRITES_PER_S),
];
setTimeout(async () => {
  timers.forEach(clearInterval);
  await Promise.all(pending);
  for (const [name, k] of Object.entries(kinds)) {
    const s = [...k.ms].sort((a, b) => a - b);
    const q = (p) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(1) : '-');
    const over = (t) => s.filter((x) => x > t).length;
    console.log(`${name.padEnd(6)} n=${s.length} errors=${k.errors} p50=${q(0.5)} ms p99=${q(0.99)} ms max=${s.length ? s[s.length - 1].toFixed(1) : '-'} ms` +
      ` over_50ms=${over(50)} over_500ms=${over(500)}`);
  }
}, seconds * 1000);
