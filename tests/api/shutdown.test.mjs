// SIGINT and SIGTERM stop the server cleanly; a request in flight finishes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from '../lib/server.mjs';

for (const signal of ['SIGTERM', 'SIGINT']) {
  test(`${signal} stops the server with exit code 0`, async () => {
    const srv = await startServer();
    const res = await fetch(`${srv.url}/api/v1/health`);
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const { code, signal: killedBy } = await srv.stop(signal);
    assert.equal(killedBy, null);
    assert.equal(code, 0);
    assert.match(srv.logs(), /stopped/);
  });
}

test('a request in flight at SIGTERM still gets its answer', async () => {
  const srv = await startServer();
  const body = JSON.stringify({ codes: ['2025Q1', '2025Q2'] });
  const half = Math.floor(body.length / 2);
  const sock = net.connect(srv.port, '127.0.0.1');
  await new Promise((r) => sock.on('connect', r));
  let reply = '';
  sock.on('data', (d) => { reply += d; });
  const ended = new Promise((r) => sock.on('close', r));
  // Send the headers and half the body, then ask the server to stop.
  sock.write(`POST /api/v1/periods/resolve HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, half)}`);
  await new Promise((r) => setTimeout(r, 200));
  const stopping = srv.stop('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  // New connections are refused while the old one finishes.
  const refused = await fetch(`${srv.url}/api/v1/health`).then(() => false, () => true);
  assert.ok(refused, 'no new connections during shutdown');
  sock.write(body.slice(half));
  await ended;
  assert.match(reply, /^HTTP\/1\.1 200/);
  assert.match(reply, /"total":2/);
  const { code } = await stopping;
  assert.equal(code, 0);
});
