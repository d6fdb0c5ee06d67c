// The soak's load: CONNECTIONS clients in parallel for SECONDS, each
// sending a mix of reads (health, session, small lists, the dashboard) and
// draft saves of indicator values, one request at a time over a kept-alive
// connection. Every save uses a key (indicator, unit, month) of its own, so
// a save answered 2xx can be checked against the database at the end.
// Connection errors and 5xx during the restarts are counted, then the
// client pauses briefly and goes on.
//
//   node bench/soak/load.mjs URL SECONDS CONNECTIONS ACKED_FILE
//
// Signs in as soak-writer-1..4 (officers of unit 01) and soak-reader
// (steering); writes one line per acknowledged save to ACKED_FILE
// (indicator_code,unit_code,period,value) and one line of figures per
// minute (and at the end) to standard output.
import http from 'node:http';
import { writeFileSync } from 'node:fs';

const [url, secondsArg, connArg, ackedFile] = process.argv.slice(2);
const SECONDS = Number(secondsArg), CONNECTIONS = Number(connArg);
const PASSWORD = process.env.SOAK_PASSWORD;
const REPORT_EVERY = Number(process.env.SOAK_REPORT_EVERY || 60) * 1000;
const WRITE_SHARE = 0.25;
const FIRST_YEAR = 2040;   // saves use months from here on: no demo value there

const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS, maxFreeSockets: CONNECTIONS });

function request(method, path, { body, headers = {} } = {}) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const h = { ...headers };
    if (payload !== undefined) { h['content-type'] = 'application/json'; h['content-length'] = Buffer.byteLength(payload); }
    const req = http.request({ host: target.hostname, port: target.port, method, path, headers: h, agent, timeout: 30000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers,
        ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      res.on('error', () => resolve({ status: 0, text: 'response error', ms: 0 }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, text: e.code || e.message, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

async function signIn(login) {
  for (let attempt = 0; ; attempt++) {
    const r = await request('POST', '/api/v1/session', { body: { login, password: PASSWORD } });
    if (r.status === 200) {
      const cookie = String(r.headers['set-cookie'] || '').split(';')[0];
      return { cookie, csrf: JSON.parse(r.text).csrf_token };
    }
    if (attempt > 20) throw new Error(`sign-in of ${login}: ${r.status} ${r.text}`);
    await new Promise((ok) => setTimeout(ok, 500));
  }
}

const writers = [];
for (let i = 1; i <= 4; i++) writers.push(await signIn(`soak-writer-${i}`));
const reader = await signIn('soak-reader');
const auth = (s) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });

const list = async (path, key) => JSON.parse((await request('GET', path, { headers: auth(reader) })).text)[key];
const units = (await list('/api/v1/units?limit=500', 'units')).map((u) => u.code);
const indicators = (await list('/api/v1/indicators?limit=500', 'indicators')).filter((i) => !i.formula).map((i) => i.code);

// The n-th save's key and value.
function saveOf(n) {
  const i = indicators[n % indicators.length];
  const u = units[Math.floor(n / indicators.length) % units.length];
  const m = Math.floor(n / (indicators.length * units.length));
  const period = `${FIRST_YEAR + Math.floor(m / 12)}${String(m % 12 + 1).padStart(2, '0')}`;
  return { indicator_code: i, unit_code: u, period, value: (n % 97) + 0.25, note: `soak ${n}` };
}

const READS = ['/api/v1/health', '/api/v1/session', '/api/v1/values?limit=20', '/api/v1/tasks?limit=20', '/api/v1/indicators?limit=20',
  '/api/v1/dashboard?period=2025'];

const acked = [];
let nextSave = 0, stop = false;
const window = { reads: 0, writes: 0, statuses: {}, readMs: [], writeMs: [] };
const total = { reads: 0, writes: 0, acked: 0, statuses: {} };

function note(kind, r) {
  window[kind]++;
  total[kind]++;
  const key = r.status === 0 ? `conn:${r.text}` : String(r.status);
  window.statuses[key] = (window.statuses[key] || 0) + 1;
  total.statuses[key] = (total.statuses[key] || 0) + 1;
  if (r.status >= 200 && r.status < 300) (kind === 'reads' ? window.readMs : window.writeMs).push(r.ms);
}

async function client(k) {
  let n = k;
  while (!stop) {
    n = (n * 1103515245 + 12345) & 0x7fffffff;
    let r;
    if ((n % 1000) / 1000 < WRITE_SHARE) {
      const id = nextSave++;
      const save = saveOf(id);
      r = await request('PUT', '/api/v1/values', { body: save, headers: auth(writers[id % writers.length]) });
      note('writes', r);
      if (r.status >= 200 && r.status < 300) {
        acked.push(`${save.indicator_code},${save.unit_code},${save.period},${save.value}`);
        total.acked++;
      }
    } else {
      r = await request('GET', READS[n % READS.length], { headers: auth(reader) });
      note('reads', r);
    }
    if (r.status === 0 || r.status >= 500) await new Promise((ok) => setTimeout(ok, 100));
  }
}

const pct = (a, p) => {
  if (!a.length) return 0;
  a.sort((x, y) => x - y);
  return a[Math.min(a.length - 1, Math.floor(a.length * p))].toFixed(1);
};
const t0 = Date.now();
function report(label) {
  const secs = (Date.now() - t0) / 1000;
  const st = Object.entries(window.statuses).map(([k, v]) => `${k}:${v}`).join(' ');
  console.log(`${label} t=${secs.toFixed(0)}s reads=${window.reads} writes=${window.writes} ` +
    `read_p50=${pct(window.readMs, 0.5)}ms read_p99=${pct(window.readMs, 0.99)}ms ` +
    `write_p50=${pct(window.writeMs, 0.5)}ms write_p99=${pct(window.writeMs, 0.99)}ms statuses ${st}`);
  Object.assign(window, { reads: 0, writes: 0, statuses: {}, readMs: [], writeMs: [] });
}
const timer = setInterval(() => report('load'), REPORT_EVERY);
setTimeout(() => { stop = true; }, SECONDS * 1000);
await Promise.all(Array.from({ length: CONNECTIONS }, (_, k) => client(k + 1)));
clearInterval(timer);
report('load');
writeFileSync(ackedFile, acked.join('\n') + (acked.length ? '\n' : ''));
const st = Object.entries(total.statuses).map(([k, v]) => `${k}:${v}`).join(' ');
console.log(`total reads=${total.reads} writes=${total.writes} acked=${total.acked} ` +
  `rate=${((total.reads + total.writes) / ((Date.now() - t0) / 1000)).toFixed(0)}/s statuses ${st}`);
agent.destroy();
