// Times GET requests one after another on one kept-alive connection and
// prints, per path, the median, p95 and p99 in milliseconds after a warm-up.
//   node probe.mjs BASE_URL COOKIE COUNT PATH...
// Each line: "p50 p95 p99 status bytes PATH".
const [base, cookie, countText, ...paths] = process.argv.slice(2);
const count = Number(countText) || 50;

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

for (const path of paths) {
  const url = `${base}${path}`;
  const headers = cookie ? { cookie } : {};
  let status = 0, bytes = 0;
  for (let i = 0; i < 3; i++) await (await fetch(url, { headers })).arrayBuffer();
  const times = [];
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    const res = await fetch(url, { headers });
    const body = await res.arrayBuffer();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    status = res.status;
    bytes = body.byteLength;
  }
  times.sort((a, b) => a - b);
  console.log(`${pct(times, 50).toFixed(2)} ${pct(times, 95).toFixed(2)} ${pct(times, 99).toFixed(2)} ${status} ${bytes} ${path}`);
}
