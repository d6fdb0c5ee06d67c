// A slow-client attack for the connection tests, run as its own process
// (spawned with a high open-file limit): opens COUNT connections to
// HOST:PORT from the local address FROM and sends each one a byte of an
// endless request header every second, as a slowloris attack does. Prints
// one JSON line when every connection is open or refused ("ready"), and one
// when every connection has been closed by the server or MAX_SECONDS have
// passed ("done"), with how long each one lasted.
//
//   node tests/lib/slow_clients.mjs HOST PORT COUNT FROM MAX_SECONDS
import net from 'node:net';

const [host, portText, countText, from, maxText] = process.argv.slice(2);
const port = Number(portText), count = Number(countText), maxSeconds = Number(maxText);
const started = Date.now();
const sockets = [];
let connected = 0, failed = 0, closed = 0, settled = 0;
const lifetimes = [];   // ms from connect to the server's close
const request = 'GET /api/v1/health HTTP/1.1\r\nHost: nq57\r\nX-Slow: ';

function settle() {
  if (++settled === count) report('ready');
}

function open(i) {
  const s = net.connect({ host, port, localAddress: from });
  const state = { s, at: 0, sent: 0, open: false, done: false };
  sockets[i] = state;
  s.setNoDelay(true);
  s.on('connect', () => { state.at = Date.now(); state.open = true; connected++; settle(); });
  const end = () => {
    if (state.done) return;
    state.done = true;
    if (state.open) {
      state.open = false;
      closed++;
      lifetimes.push(Date.now() - state.at);
    } else {
      failed++;
      settle();
    }
    if (closed + failed === count) finish();
  };
  s.on('error', end);
  s.on('close', end);
  s.on('end', () => s.destroy());
  s.on('data', () => {});
}

function report(what) {
  const sorted = [...lifetimes].sort((a, b) => a - b);
  const pick = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0);
  process.stdout.write(`${JSON.stringify({
    what, seconds: (Date.now() - started) / 1000, count, connected, failed, closed,
    still_open: sockets.filter((x) => x && x.open).length,
    lived_over_1s: lifetimes.filter((t) => t > 1000).length,
    lifetime_ms: { p50: pick(0.5), max: sorted.length ? sorted[sorted.length - 1] : 0 },
  })}\n`);
}

let finished = false;
function finish() {
  if (finished) return;
  finished = true;
  clearInterval(trickle);
  report('done');
  for (const x of sockets) if (x) x.s.destroy();
  process.exit(0);
}

// One byte a second on every open connection.
const trickle = setInterval(() => {
  for (const x of sockets) {
    if (!x || !x.open) continue;
    const b = x.sent < request.length ? request[x.sent] : 'a';
    x.sent++;
    x.s.write(b);
  }
}, 1000);

// Connections go out in batches so the attack itself does not stall.
let next = 0;
const batch = setInterval(() => {
  for (let k = 0; k < 250 && next < count; k++) open(next++);
  if (next >= count) clearInterval(batch);
}, 20);
setTimeout(finish, maxSeconds * 1000);
