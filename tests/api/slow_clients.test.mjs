// Slow clients and connection limits: 5,000 connections that send a header
// byte a second (slowloris) neither keep other clients out (answers in
// under 2 s) nor stay open past the header deadline; behind a reverse proxy
// (no per-address limit) they are cut as soon as the server is full; and a
// client arriving at the connection limit gets a 503 in the API's error
// shape, not silence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoServer } from '../lib/demo.mjs';
import { startServer } from '../lib/server.mjs';
import { signIn } from '../lib/auth.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const attacker = path.join(here, '..', 'lib', 'slow_clients.mjs');
const SLOW = 5000;
// The attack comes from another loopback address than the test's clients,
// as it would from another machine.
const ATTACK_FROM = '127.0.0.2';

// Starts the attack in its own process with room for its sockets; resolves
// { ready, done } promises of its two reports.
function attack(server, seconds) {
  const child = spawn('bash', ['-c', 'ulimit -n 20000 2>/dev/null || ulimit -n 12000; exec node "$@"', 'sh',
    attacker, '127.0.0.1', String(server.port), String(SLOW), ATTACK_FROM, String(seconds)],
  { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const waiters = {};
  const reports = {
    ready: new Promise((resolve) => { waiters.ready = resolve; }),
    done: new Promise((resolve) => { waiters.done = resolve; }),
  };
  child.stdout.on('data', (d) => {
    out += d;
    for (;;) {
      const nl = out.indexOf('\n');
      if (nl < 0) break;
      const r = JSON.parse(out.slice(0, nl));
      out = out.slice(nl + 1);
      waiters[r.what](r);
    }
  });
  child.on('exit', () => { waiters.ready({ what: 'ready', exited: true }); waiters.done({ what: 'done', exited: true }); });
  return { ...reports, kill: () => child.kill('SIGKILL') };
}

async function timed(fn) {
  const t0 = performance.now();
  const r = await fn();
  return { r, ms: performance.now() - t0 };
}

test('5,000 slow connections from one address neither keep others out nor outlive the header deadline', { timeout: 60000 }, async () => {
  const server = await startDemoServer();
  let a;
  try {
    const officer = await signIn(server, 'hoankiem');
    a = attack(server, 25);
    const ready = await a.ready;
    assert.equal(ready.count, SLOW);
    // While the attack holds its connections, the others are served at once.
    for (let i = 0; i < 5; i++) {
      const h = await timed(() => fetch(`${server.url}/api/v1/health`));
      assert.equal(h.r.status, 200);
      assert.ok(h.ms < 2000, `health took ${h.ms.toFixed(0)} ms during the attack`);
      const s = await timed(() => officer.get('/api/v1/session'));
      assert.equal(s.r.status, 200);
      assert.equal(s.r.json.person.login, 'hoankiem');
      assert.ok(s.ms < 2000, `a signed-in read took ${s.ms.toFixed(0)} ms during the attack`);
      const t = await timed(() => officer.get('/api/v1/tasks?limit=5'));
      assert.equal(t.r.status, 200);
      assert.ok(t.ms < 2000, `a task list took ${t.ms.toFixed(0)} ms during the attack`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const done = await a.done;
    // Every slow connection was closed by the server: the ones over the
    // per-address limit at once, the others by the 10 s header deadline.
    assert.equal(done.still_open, 0, JSON.stringify(done));
    assert.ok(done.lifetime_ms.max < 13000, `a slow connection lived ${done.lifetime_ms.max} ms`);
    assert.ok(done.lived_over_1s <= 256, `${done.lived_over_1s} slow connections were held (per-address limit 256)`);
    assert.ok(done.lived_over_1s > 0, 'the slow connections within the limit were accepted');
    assert.match(server.logs(), /closed \d+ connections that did not send their request in time/);
  } finally {
    a?.kill();
    await server.stop();
  }
});

test('behind a proxy (no per-address limit) slow connections are cut once the server is full', { timeout: 60000 }, async () => {
  const server = await startServer({ args: ['--max-per-address', '0', '--max-connections', '1000'] });
  let a;
  try {
    a = attack(server, 40);
    await a.ready;
    // A client gets an answer: health, or while the server is full a 503
    // that says so in the error shape; at worst it waits in the kernel's
    // queue for the next 2 s cut (the bound leaves room for a busy machine).
    for (let i = 0; i < 5; i++) {
      const h = await timed(() => fetch(`${server.url}/api/v1/health`));
      const body = await h.r.json();
      assert.ok(h.ms < 5000, `health took ${h.ms.toFixed(0)} ms during the attack`);
      if (h.r.status !== 200) {
        assert.equal(h.r.status, 503);
        assert.equal(body.error.template, 'the server has too many open connections; try again in a moment');
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const done = await a.done;
    assert.equal(done.still_open, 0, JSON.stringify(done));
    // Above the limit a connection gets 2 s to send its headers, not 10:
    // the server works through the 5,000 in batches of about 1,100, each
    // waiting in the kernel's queue for the batch before (10 s each would
    // take about 50 s and keep half of them open more than 20 s).
    assert.ok(done.lifetime_ms.p50 < 8000, `half the slow connections lived ${done.lifetime_ms.p50} ms or more`);
    assert.ok(done.seconds < 30, `the attack held the server ${done.seconds} s`);
    const after = await fetch(`${server.url}/api/v1/health`);
    assert.equal(after.status, 200);
  } finally {
    a?.kill();
    await server.stop();
  }
});

// Sends one request on a raw connection and resolves the answer's head and
// body once the body (Content-Length) is in; the connection stays open.
function rawRequest(port, p) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    s.on('error', reject);
    s.on('data', (d) => {
      buf += d;
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.slice(0, end);
      const len = Number((head.match(/content-length: *(\d+)/i) || [])[1] || 0);
      if (buf.length >= end + 4 + len) resolve({ socket: s, head, body: buf.slice(end + 4, end + 4 + len) });
    });
    s.write(`GET ${p} HTTP/1.1\r\nHost: nq57\r\n\r\n`);
  });
}

test('a client arriving at the connection limit gets a 503 with the error shape', { timeout: 30000 }, async () => {
  const server = await startServer({ args: ['--max-connections', '16'] });
  const held = [];
  try {
    for (let i = 0; i < 16; i++) {
      const r = await rawRequest(server.port, '/api/v1/health');
      assert.match(r.head, /^HTTP\/1\.1 200/);
      held.push(r.socket);
    }
    const over = await rawRequest(server.port, '/api/v1/health');
    held.push(over.socket);
    assert.match(over.head, /^HTTP\/1\.1 503/);
    assert.match(over.head, /\r\nRetry-After: 1/i);
    const body = JSON.parse(over.body);
    assert.equal(body.error.code, 'unavailable');
    assert.equal(body.error.template, 'the server has too many open connections; try again in a moment');
  } finally {
    for (const s of held) s.destroy();
    await server.stop();
  }
});
