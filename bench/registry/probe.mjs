// Times GET requests one after another on one kept-alive connection and
// prints, per path, the median, p95 and p99 in milliseconds after a warm-up.
//   node probe.mjs BASE_URL COOKIE COUNT PATH...
// Each line: "p50 p95 p99 status found PATH", found being the answer's
// "total" (a number, or that of its "total" object's bookings), else "-".
const [base, cookie, countText, ...paths] = process.argv.slice(2);
const count = Number(countText) || 50;

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

for (const path of paths) {
  const url = `${base}${path}`;
  const headers = cookie ? { cookie } : {};
  let status = 0, body = null;
  for (let i = 0; i < 3; i++) await (await fetch(url, { headers })).arrayBuffer();
  const times = [];
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    const res = await fetch(url, { headers });
    body = await res.arrayBuffer();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    status = res.status;
  }
  times.sort((a, b) => a - b);
  let found = '-';
  try {
    const total = JSON.parse(Buffer.from(body).toString('utf8')).total;
    found = typeof total === 'number' ? total : total?.bookings ?? '-';
  } catch { /* not JSON */ }
  console.log(`${pct(times, 50).toFixed(2)} ${pct(times, 95).toFixed(2)} ${pct(times, 99).toFixed(2)} ${status} ${found} ${path}`);
}
