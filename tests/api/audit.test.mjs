// The audit trail: every write is recorded with a hash chain that
// `nq57 audit verify` checks; it lists for administrators and the steering
// office only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbExec, runCli } from '../lib/server.mjs';
import { addUser, importUnits, signIn, client } from '../lib/auth.mjs';

const UNITS = 'code,name,parent_code,kind\nHN,Thành phố Hà Nội,,province\nHN-KHCN,Sở Khoa học và Công nghệ,HN,department\n';

test('an untouched trail verifies; changing one row makes verify fail and name it', async () => {
  const srv = await startServer();
  try {
    await importUnits(srv, UNITS);
    await addUser(srv, 'lan', { role: 'admin', unit: 'HN' });
    const lan = await signIn(srv, 'lan');
    for (const name of ['một', 'hai', 'ba']) assert.equal((await lan.post('/api/v1/tokens', { name })).status, 201);
    const n = Number(dbExec(srv.db, 'SELECT COUNT(*) FROM audit'));
    assert.ok(n >= 5, `entries recorded: ${n}`);
    const ok = await runCli(['audit', 'verify', '--db', srv.db]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`intact: ${n} entries`));

    const target = Number(dbExec(srv.db, "SELECT MIN(seq) FROM audit WHERE entity = 'api_token'"));
    dbExec(srv.db, `UPDATE audit SET after = '{"name":"đã sửa","prefix":"nq57_xxxxxxx"}' WHERE seq = ${target}`);
    const bad = await runCli(['audit', 'verify', '--db', srv.db]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, new RegExp(`^nq57: error: audit entry ${target} does not match`));

    // Restoring the text restores the chain; removing a row breaks it after that row.
    const copy = dbExec(srv.db, `SELECT seq FROM audit WHERE seq > ${target} ORDER BY seq LIMIT 1`);
    dbExec(srv.db, `DELETE FROM audit WHERE seq = ${target}`);
    const gap = await runCli(['audit', 'verify', '--db', srv.db]);
    assert.equal(gap.code, 1);
    assert.match(gap.stderr, new RegExp(`audit entry ${copy} does not match`));
  } finally {
    await srv.stop();
  }
});

test('the trail lists with filters for administrators and the steering office only', async () => {
  const srv = await startServer();
  try {
    await importUnits(srv, UNITS);
    await addUser(srv, 'lan', { role: 'admin', unit: 'HN' });
    await addUser(srv, 'bcd', { role: 'steering', unit: 'HN' });
    await addUser(srv, 'minh', { role: 'officer', unit: 'HN-KHCN' });
    const lan = await signIn(srv, 'lan');
    const made = await lan.post('/api/v1/tokens', { name: 'đồng bộ' });
    assert.equal(made.status, 201);
    const steering = await signIn(srv, 'bcd');
    const list = await steering.get(`/api/v1/audit?entity=api_token&entity_id=${made.json.id}`);
    assert.equal(list.status, 200);
    assert.equal(list.json.total, 1);
    const e = list.json.entries[0];
    assert.equal(e.actor, 'lan');
    assert.equal(e.action, 'create');
    assert.equal(e.after.name, 'đồng bộ');
    assert.match(e.hash, /^[0-9a-f]{64}$/);
    assert.match(e.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const byPerson = await steering.get(`/api/v1/audit?person_id=${lan.me.person.id}`);
    assert.ok(byPerson.json.entries.length >= 2 && byPerson.json.entries.every((x) => x.person_id === lan.me.person.id));
    const future = await steering.get('/api/v1/audit?from=2999-01-01');
    assert.equal(future.json.total, 0);
    const today = new Date().toISOString().slice(0, 10);
    assert.ok((await steering.get(`/api/v1/audit?from=${today}&to=${today}`)).json.total >= 3);
    assert.equal((await steering.get('/api/v1/audit?from=hôm-qua')).status, 422);
    const minh = await signIn(srv, 'minh');
    assert.equal((await minh.get('/api/v1/audit')).status, 403);
    assert.equal((await client(srv).get('/api/v1/audit')).status, 401);
  } finally {
    await srv.stop();
  }
});
