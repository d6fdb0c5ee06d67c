// GET /api/v1/health and the headers every response carries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, onPostgres } from '../lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

test('health reports version, database kind, schema version and uptime', async () => {
  const res = await fetch(`${srv.url}/api/v1/health`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const body = await res.json();
  assert.equal(body.status, 'ok');
  assert.match(body.version, /^\d+\.\d+\.\d+$/);
  assert.equal(body.database, onPostgres ? 'postgresql' : 'sqlite');
  assert.ok(Number.isInteger(body.schema_version) && body.schema_version >= 1, 'schema applied at start');
  assert.ok(Number.isInteger(body.uptime_seconds) && body.uptime_seconds >= 0);
});

test('every response carries a request id and the security headers', async () => {
  for (const path of ['/api/v1/health', '/api/v1/nope', '/']) {
    const res = await fetch(`${srv.url}${path}`);
    await res.arrayBuffer();
    assert.match(res.headers.get('x-request-id') || '', /^[0-9a-f]{16}$/, path);
    const csp = res.headers.get('content-security-policy') || '';
    assert.match(csp, /script-src 'self'/, path);
    assert.doesNotMatch(csp, /unsafe-inline/, path);
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    assert.ok(res.headers.get('referrer-policy'), path);
  }
});

test('request ids differ between requests and appear in the access log', async () => {
  const ids = new Set();
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${srv.url}/api/v1/health`);
    await res.arrayBuffer();
    ids.add(res.headers.get('x-request-id'));
  }
  assert.equal(ids.size, 5);
  const last = [...ids].pop();
  // The access line is written when the request completes.
  for (let i = 0; i < 50 && !srv.logs().includes(`req=${last}`); i++) await new Promise((r) => setTimeout(r, 20));
  assert.match(srv.logs(), new RegExp(`access req=${last} GET /api/v1/health 200 `));
});

test('API answers are not cached by browsers', async () => {
  const res = await fetch(`${srv.url}/api/v1/health`);
  await res.arrayBuffer();
  assert.equal(res.headers.get('cache-control'), 'no-store');
});

test('?db=1 asks the database itself', async () => {
  const res = await fetch(`${srv.url}/api/v1/health?db=1`);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.ok(body.schema_version >= 1);
});
