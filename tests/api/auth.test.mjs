// Signing in and out, the session cookie and its CSRF token, sign-in
// throttling, password changes and API tokens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbExec } from '../lib/server.mjs';
import { addUser, importUnits, signIn, client, PASSWORD } from '../lib/auth.mjs';

const UNITS = 'code,name,parent_code,kind\nHN,Thành phố Hà Nội,,province\nHN-KHCN,Sở Khoa học và Công nghệ,HN,department\n';

async function serverWithPeople() {
  const srv = await startServer();
  await importUnits(srv, UNITS);
  await addUser(srv, 'lan', { name: 'Nguyễn Thị Lan', role: 'admin', unit: 'HN' });
  await addUser(srv, 'minh', { name: 'Trần Văn Minh', role: 'viewer', unit: 'HN-KHCN' });
  return srv;
}

function signInRaw(srv, login, password, headers = {}) {
  return fetch(`${srv.url}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ login, password }),
  });
}

const tokenCount = (srv) => Number(dbExec(srv.db, 'SELECT COUNT(*) FROM api_token'));
const auditCount = (srv) => Number(dbExec(srv.db, 'SELECT COUNT(*) FROM audit'));

test('signing in sets an HttpOnly SameSite=Strict cookie and tells who is signed in', async () => {
  const srv = await serverWithPeople();
  try {
    const res = await signInRaw(srv, 'lan', PASSWORD);
    assert.equal(res.status, 200);
    const cookie = res.headers.get('set-cookie');
    assert.match(cookie, /^nq57_session=[A-Za-z0-9_-]{43};/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Path=\//);
    assert.doesNotMatch(cookie, /Secure/, 'plain HTTP: no Secure flag');
    const body = await res.json();
    assert.equal(body.person.name, 'Nguyễn Thị Lan');
    assert.deepEqual(body.grants.map((g) => [g.role, g.unit_code]), [['admin', 'HN']]);
    assert.match(body.csrf_token, /^[A-Za-z0-9_-]{43}$/);
    // The session is what the server stores only as a hash.
    const secret = cookie.split(';')[0].split('=')[1];
    assert.equal(Number(dbExec(srv.db, `SELECT COUNT(*) FROM session WHERE token_hash = '${secret}'`)), 0);
    const me = await client(srv, { cookie: cookie.split(';')[0] }).get('/api/v1/session');
    assert.equal(me.status, 200);
    assert.equal(me.json.person.login, 'lan');
    assert.equal(me.json.csrf_token, body.csrf_token);
    // Behind a TLS proxy the cookie is Secure.
    const tls = await signInRaw(srv, 'lan', PASSWORD, { 'x-forwarded-proto': 'https' });
    assert.match(tls.headers.get('set-cookie'), /; Secure/);
  } finally {
    await srv.stop();
  }
});

test('a wrong password and an unknown login get the same 401', async () => {
  const srv = await serverWithPeople();
  try {
    const a = await signInRaw(srv, 'lan', 'sai mật khẩu rồi');
    const b = await signInRaw(srv, 'khong-co-ai', 'sai mật khẩu rồi');
    assert.equal(a.status, 401);
    assert.equal(b.status, 401);
    assert.equal((await a.json()).error.message, (await b.json()).error.message);
    assert.equal(a.headers.get('set-cookie'), null);
    assert.equal((await fetch(`${srv.url}/api/v1/session`)).status, 401);
  } finally {
    await srv.stop();
  }
});

test('five failed sign-ins in a row slow the account and the address down', async () => {
  const srv = await serverWithPeople();
  try {
    for (let i = 0; i < 5; i++) assert.equal((await signInRaw(srv, 'lan', `sai ${i} lần nữa`)).status, 401);
    const blocked = await signInRaw(srv, 'lan', PASSWORD);
    assert.equal(blocked.status, 429, 'even the right password waits');
    assert.ok(Number(blocked.headers.get('retry-after')) >= 1);
    assert.equal((await blocked.json()).error.code, 'too_many_requests');
    // The same address trying another account waits too.
    assert.equal((await signInRaw(srv, 'minh', PASSWORD)).status, 429);
    // When the wait is over, the right password works and clears the count.
    dbExec(srv.db, "UPDATE signin_failure SET blocked_until = '2000-01-01T00:00:00Z'");
    assert.equal((await signInRaw(srv, 'lan', PASSWORD)).status, 200);
    assert.equal(Number(dbExec(srv.db, 'SELECT COUNT(*) FROM signin_failure')), 0);
  } finally {
    await srv.stop();
  }
});

test('a write with the cookie but without the CSRF token is refused and changes nothing', async () => {
  const srv = await serverWithPeople();
  try {
    const lan = await signIn(srv, 'lan');
    const before = auditCount(srv);
    const noCsrf = client(srv, { cookie: lan.cookie });
    const r1 = await noCsrf.post('/api/v1/tokens', { name: 'kho dữ liệu' });
    assert.equal(r1.status, 403);
    assert.match(r1.json.error.message, /X-CSRF-Token/);
    const wrong = client(srv, { cookie: lan.cookie, csrf: 'x'.repeat(43) });
    assert.equal((await wrong.post('/api/v1/tokens', { name: 'kho dữ liệu' })).status, 403);
    assert.equal((await noCsrf.del('/api/v1/session')).status, 403, 'not even sign-out');
    assert.equal(tokenCount(srv), 0);
    assert.equal(auditCount(srv), before);
    const ok = await lan.post('/api/v1/tokens', { name: 'kho dữ liệu' });
    assert.equal(ok.status, 201);
    assert.equal(tokenCount(srv), 1);
  } finally {
    await srv.stop();
  }
});

test('API tokens: shown once, work without CSRF, listed by prefix, refused once revoked', async () => {
  const srv = await serverWithPeople();
  try {
    const lan = await signIn(srv, 'lan');
    const made = await lan.post('/api/v1/tokens', { name: 'Hệ thống báo cáo', expires_in_days: 30 });
    assert.equal(made.status, 201);
    const token = made.json.token;
    assert.match(token, /^nq57_[A-Za-z0-9_-]{43}$/);
    const machine = client(srv, { bearer: token });
    const me = await machine.get('/api/v1/session');
    assert.equal(me.status, 200);
    assert.equal(me.json.person.login, 'lan');
    const second = await machine.post('/api/v1/tokens', { name: 'thứ hai' });
    assert.equal(second.status, 201, 'a bearer token needs no CSRF token');
    const list = await lan.get('/api/v1/tokens');
    assert.equal(list.json.tokens.length, 2);
    assert.ok(list.json.tokens.every((t) => !('token' in t) && token.startsWith(t.prefix) || t.name === 'thứ hai'));
    assert.equal((await lan.del(`/api/v1/tokens/${made.json.id}`)).status, 200);
    assert.equal((await machine.get('/api/v1/session')).status, 401);
    assert.equal((await machine.post('/api/v1/tokens', { name: 'sau khi thu hồi' })).status, 401);
    assert.equal(tokenCount(srv), 2);
    // Someone else's token cannot be revoked by id.
    const minh = await signIn(srv, 'minh');
    assert.equal((await minh.del(`/api/v1/tokens/${second.json.id}`)).status, 404);
    // An expired token is refused.
    dbExec(srv.db, `UPDATE api_token SET expires_at = '2000-01-01T00:00:00Z' WHERE id = ${second.json.id}`);
    assert.equal((await client(srv, { bearer: second.json.token }).get('/api/v1/tokens')).status, 401);
  } finally {
    await srv.stop();
  }
});

test('signing out, an expired session and a disabled person are refused with 401', async () => {
  const srv = await serverWithPeople();
  try {
    const a = await signIn(srv, 'lan');
    assert.equal((await a.del('/api/v1/session')).status, 200);
    assert.equal((await a.get('/api/v1/session')).status, 401);
    assert.equal((await a.post('/api/v1/tokens', { name: 'x' })).status, 401);

    const b = await signIn(srv, 'lan');
    dbExec(srv.db, "UPDATE session SET expires_at = '2000-01-01T00:00:00Z' WHERE revoked_at IS NULL");
    assert.equal((await b.get('/api/v1/session')).status, 401);
    assert.equal((await b.post('/api/v1/tokens', { name: 'x' })).status, 401);

    const c = await signIn(srv, 'minh');
    dbExec(srv.db, "UPDATE person SET active = 0 WHERE login = 'minh'");
    assert.equal((await c.post('/api/v1/tokens', { name: 'x' })).status, 401);
    assert.equal((await signInRaw(srv, 'minh', PASSWORD)).status, 401);
    assert.equal(tokenCount(srv), 0);
  } finally {
    await srv.stop();
  }
});

test('changing the password checks the current one and ends the other sessions', async () => {
  const srv = await serverWithPeople();
  try {
    const here = await signIn(srv, 'lan');
    const elsewhere = await signIn(srv, 'lan');
    const fresh = 'một mật khẩu mới hơn';
    assert.equal((await here.post('/api/v1/session/password', { current_password: 'không đúng đâu', new_password: fresh })).status, 403);
    const weak = await here.post('/api/v1/session/password', { current_password: PASSWORD, new_password: 'ngắn' });
    assert.equal(weak.status, 422);
    assert.equal((await here.post('/api/v1/session/password', { current_password: PASSWORD, new_password: fresh })).status, 200);
    assert.equal((await here.get('/api/v1/session')).status, 200, 'this session stays');
    assert.equal((await elsewhere.get('/api/v1/session')).status, 401, 'the other one ends');
    assert.equal((await signInRaw(srv, 'lan', PASSWORD)).status, 401);
    assert.equal((await signInRaw(srv, 'lan', fresh)).status, 200);
    const entries = await here.get('/api/v1/audit?entity=person&limit=50');
    const pw = entries.json.entries.find((e) => e.action === 'password');
    assert.ok(pw, 'the change is in the audit trail');
    assert.doesNotMatch(JSON.stringify(pw), /argon2/);
  } finally {
    await srv.stop();
  }
});
