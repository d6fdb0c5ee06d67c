// Bad requests get the right status and the one error shape, and the server
// stays up (the harness fails the test on any sanitizer report at stop).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from '../lib/server.mjs';

let srv;
before(async () => { srv = await startServer({ args: ['--max-body', '64k'] }); });
after(async () => { await srv.stop(); });

async function errorOf(res, status) {
  assert.equal(res.status, status);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const body = await res.json();
  assert.equal(typeof body.error, 'object', 'error object');
  assert.equal(typeof body.error.code, 'string');
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0);
  assert.ok(Array.isArray(body.error.details));
  assert.equal(body.error.request_id, res.headers.get('x-request-id'));
  return body.error;
}

const post = (path, body, headers = { 'content-type': 'application/json' }) =>
  fetch(`${srv.url}${path}`, { method: 'POST', headers, body });

test('an unknown API route is 404 not_found', async () => {
  const e = await errorOf(await fetch(`${srv.url}/api/v1/no-such-thing`), 404);
  assert.equal(e.code, 'not_found');
  assert.match(e.message, /no-such-thing/);
});

test('a wrong method is 405 with an Allow header', async () => {
  const res = await fetch(`${srv.url}/api/v1/health`, { method: 'DELETE' });
  assert.equal(res.headers.get('allow'), 'GET');
  const e = await errorOf(res, 405);
  assert.equal(e.code, 'method_not_allowed');
  const res2 = await fetch(`${srv.url}/api/v1/periods/resolve`, { method: 'GET' });
  assert.equal(res2.headers.get('allow'), 'POST');
  await errorOf(res2, 405);
});

test('malformed JSON is 400 with the line and column', async () => {
  const e = await errorOf(await post('/api/v1/periods/resolve', '{"codes": [\n  "2025Q1",\n  oops]}'), 400);
  assert.equal(e.code, 'malformed');
  assert.match(e.message, /line 3, column \d+/);
});

test('an empty body, a non-object and duplicate keys are refused', async () => {
  assert.equal((await errorOf(await post('/api/v1/periods/resolve', ''), 400)).code, 'malformed');
  assert.equal((await errorOf(await post('/api/v1/periods/resolve', '[1,2]'), 422)).code, 'invalid');
  assert.equal((await errorOf(await post('/api/v1/periods/resolve', '{"codes":[],"codes":[]}'), 400)).code, 'malformed');
});

test('a body that is not JSON by its content type is refused', async () => {
  const e = await errorOf(await post('/api/v1/periods/resolve', 'codes=2025', { 'content-type': 'application/x-www-form-urlencoded' }), 422);
  assert.match(e.message, /Content-Type/);
});

test('invalid UTF-8 inside JSON is refused', async () => {
  const bytes = Buffer.concat([Buffer.from('{"codes":["'), Buffer.from([0xc3, 0x28]), Buffer.from('"]}')]);
  await errorOf(await post('/api/v1/periods/resolve', bytes), 400);
});

test('an oversized body is 413, by Content-Length and when streamed', async () => {
  const big = JSON.stringify({ codes: Array(20000).fill('2025Q1') }); // > 64 KiB
  assert.ok(big.length > 64 * 1024);
  const e = await errorOf(await post('/api/v1/periods/resolve', big), 413);
  assert.equal(e.code, 'too_large');
  assert.match(e.message, /65536/);
  // Chunked: no Content-Length, so the limit is enforced while reading.
  const stream = new ReadableStream({
    start(c) { for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode(big.slice(i * 8000, (i + 1) * 8000))); c.close(); },
  });
  const res = await fetch(`${srv.url}/api/v1/periods/resolve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' });
  assert.equal((await errorOf(res, 413)).code, 'too_large');
});

test('a raw request with a huge Content-Length does not hang or crash the server', async () => {
  const reply = await new Promise((resolve, reject) => {
    const sock = net.connect(srv.port, '127.0.0.1', () => {
      sock.write('POST /api/v1/periods/resolve HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999999\r\n\r\n{');
    });
    let data = '';
    sock.on('data', (d) => { data += d; });
    sock.on('end', () => resolve(data));
    sock.on('error', reject);
    setTimeout(() => { sock.destroy(); resolve(data); }, 5000);
  });
  assert.match(reply, /^HTTP\/1\.1 413/);
  const health = await fetch(`${srv.url}/api/v1/health`);
  assert.equal(health.status, 200);
});

test('a period code is explained, and a bad one is 422 naming it', async () => {
  const res = await fetch(`${srv.url}/api/v1/periods/2025Q3`);
  assert.equal(res.status, 200);
  const p = await res.json();
  assert.deepEqual([p.code, p.kind, p.start, p.end], ['2025Q3', 'quarter', '2025-07-01', '2025-09-30']);
  assert.equal(p.label_vi, 'Quý III/2025');
  const e = await errorOf(await fetch(`${srv.url}/api/v1/periods/2025Q5`), 422);
  assert.match(e.message, /2025Q5/);
});

test('resolving codes lists every bad code with its index and resolves the good ones', async () => {
  const ok = await post('/api/v1/periods/resolve', JSON.stringify({ codes: ['2025', '2025M9', '202502'] }));
  assert.equal(ok.status, 200);
  const body = await ok.json();
  assert.equal(body.total, 3);
  assert.equal(body.periods[1].end, '2025-09-30');
  assert.equal(body.periods[1].start, '2025-01-01');
  assert.equal(body.periods[2].end, '2025-02-28');
  const e = await errorOf(await post('/api/v1/periods/resolve', JSON.stringify({ codes: ['2025', 'x', 7, '2025S3'] })), 422);
  assert.deepEqual(e.details.map((d) => d.index), [1, 2, 3]);
});

test('the server still answers after all of the above', async () => {
  const res = await fetch(`${srv.url}/api/v1/health`);
  assert.equal(res.status, 200);
});
