// What administrators do to accounts: set a new password that the person
// must change at the next sign-in (POST /api/v1/people/{id}/password),
// lock and unlock, revoke roles — never on their own account — with every
// change audited; and GET /api/v1/audit/verify.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbExec } from '../lib/server.mjs';
import { addUser, importUnits, signIn, client, PASSWORD } from '../lib/auth.mjs';

const UNITS = [
  'code,name,parent_code,kind',
  'HN,Thành phố Hà Nội,,province',
  'A,Phường Ba Đình,HN,commune',
  'B,Phường Ngọc Hà,HN,commune',
  'A1,Tổ dân phố 1 Ba Đình,A,other',
  'B1,Tổ dân phố 1 Ngọc Hà,B,other',
].join('\n') + '\n';

const ROLES = ['admin', 'steering', 'officer', 'viewer'];
const TEMP = 'mật khẩu tạm thời 2026';
const FRESH = 'mật khẩu riêng của tôi 2026';
let srv, root;
const sessions = {};

before(async () => {
  srv = await startServer();
  await importUnits(srv, UNITS);
  for (const r of ROLES) {
    await addUser(srv, `u-${r}`, { role: r, unit: 'A' });
    sessions[r] = await signIn(srv, `u-${r}`);
  }
  await addUser(srv, 'staff-a', { role: 'viewer', unit: 'A1' });
  await addUser(srv, 'staff-b', { role: 'viewer', unit: 'B1' });
  await addUser(srv, 'canbo', { name: 'Cán bộ Tổ 1', role: 'officer', unit: 'A1' });
  await addUser(srv, 'audited', { role: 'viewer', unit: 'A1' });
  await addUser(srv, 'root-admin', { role: 'admin', unit: 'HN' });
  root = await signIn(srv, 'root-admin');
  const ind = await root.post('/api/v1/indicators', { code: 'M-1', name_vi: 'Chỉ tiêu thử', direction: 'up', aggregation: 'sum' });
  assert.equal(ind.status, 201, ind.text);
});
after(async () => { await srv?.stop(); });

const personId = (login) => Number(dbExec(srv.db, `SELECT id FROM person WHERE login = '${login}'`));
const passwords = () => dbExec(srv.db, 'SELECT login, password_hash, must_change_password, active FROM person ORDER BY id');
let period = 1990;
const saveValue = (c) => c.put('/api/v1/values', { indicator_code: 'M-1', unit_code: 'A1', period: String(++period), value: 3 });

test('a password set by an administrator must be changed at the next sign-in, and changing it clears that', async () => {
  const id = personId('canbo');
  const old = await signIn(srv, 'canbo');
  assert.equal(old.me.must_change_password, false);
  assert.equal((await saveValue(old)).status, 200, 'an officer saves values of the unit');

  const res = await root.post(`/api/v1/people/${id}/password`, { password: TEMP });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.must_change_password, true);
  assert.equal(res.json.login, 'canbo');
  assert.equal(JSON.stringify(res.json).includes('argon'), false, 'no hash in the answer');
  assert.equal((await old.get('/api/v1/session')).status, 401, 'the old session ended');
  await assert.rejects(signIn(srv, 'canbo', PASSWORD), /401/, 'the old password no longer works');

  const fresh = await signIn(srv, 'canbo', TEMP);
  assert.equal(fresh.me.must_change_password, true, 'the sign-in answer says so');
  const session = await fresh.get('/api/v1/session');
  assert.equal(session.json.must_change_password, true, 'the session says so');
  // Until then the person acts with no role.
  const before = dbExec(srv.db, 'SELECT COUNT(*) FROM indicator_value');
  const refused = await saveValue(fresh);
  assert.equal(refused.status, 403, refused.text);
  assert.equal(dbExec(srv.db, 'SELECT COUNT(*) FROM indicator_value'), before);

  const wrong = await fresh.post('/api/v1/session/password', { current_password: 'không phải mật khẩu', new_password: FRESH });
  assert.equal(wrong.status, 403);
  assert.equal(dbExec(srv.db, `SELECT must_change_password FROM person WHERE id = ${id}`), '1');
  const changed = await fresh.post('/api/v1/session/password', { current_password: TEMP, new_password: FRESH });
  assert.equal(changed.status, 200, changed.text);
  assert.equal((await fresh.get('/api/v1/session')).json.must_change_password, false);
  assert.equal(dbExec(srv.db, `SELECT must_change_password FROM person WHERE id = ${id}`), '0');
  assert.equal((await saveValue(fresh)).status, 200, 'the role is back');
  const again = await signIn(srv, 'canbo', FRESH);
  assert.equal(again.me.must_change_password, false);
});

test('a password set through PATCH by someone else must be changed too; one\'s own need not', async () => {
  const id = personId('staff-b');
  const res = await root.patch(`/api/v1/people/${id}`, { password: TEMP });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.must_change_password, true);
  const own = await root.patch(`/api/v1/people/${personId('root-admin')}`, { password: PASSWORD });
  assert.equal(own.status, 200, own.text);
  assert.equal(own.json.must_change_password, false);
  root = await signIn(srv, 'root-admin');
});

test('a password the rule refuses is not set', async () => {
  const before = passwords();
  const res = await root.post(`/api/v1/people/${personId('staff-a')}/password`, { password: 'ngắn' });
  assert.equal(res.status, 422, res.text);
  const missing = await root.post(`/api/v1/people/${personId('staff-a')}/password`, {});
  assert.equal(missing.status, 422, missing.text);
  assert.equal(passwords(), before);
});

test('never one\'s own account: no locking, no revoking one\'s administrator role, no reset', async () => {
  const me = personId('root-admin');
  const grants = () => dbExec(srv.db, `SELECT id, role, unit_id FROM role_grant WHERE person_id = ${me} ORDER BY id`);
  const before = { p: passwords(), g: grants(), audit: dbExec(srv.db, 'SELECT COUNT(*) FROM audit') };
  const lock = await root.patch(`/api/v1/people/${me}`, { active: false });
  assert.equal(lock.status, 409, lock.text);
  assert.equal(lock.json.error.template, 'you cannot lock your own account');
  const grant = dbExec(srv.db, `SELECT id FROM role_grant WHERE person_id = ${me} AND role = 'admin'`);
  const revoke = await root.del(`/api/v1/people/${me}/grants/${grant}`);
  assert.equal(revoke.status, 409, revoke.text);
  assert.equal(revoke.json.error.template, 'you cannot remove your own administrator role');
  const reset = await root.post(`/api/v1/people/${me}/password`, { password: TEMP });
  assert.equal(reset.status, 409, reset.text);
  assert.equal(reset.json.error.template, 'you cannot reset your own password; change it with your current one');
  assert.deepEqual({ p: passwords(), g: grants(), audit: dbExec(srv.db, 'SELECT COUNT(*) FROM audit') }, before, 'nothing changed');
  assert.equal((await root.get('/api/v1/session')).status, 200, 'still signed in');

  // Another administrator may lock the first, and take their role away.
  const other = await signIn(srv, 'u-admin');
  const staff = personId('staff-a');
  const extra = await root.post(`/api/v1/people/${staff}/grants`, { role: 'admin', unit_id: Number(dbExec(srv.db, "SELECT id FROM unit WHERE code = 'A1'")) });
  assert.equal(extra.status, 201, extra.text);
  const theirs = extra.json.grants.find((g) => g.role === 'admin');
  const gone = await other.del(`/api/v1/people/${staff}/grants/${theirs.id}`);
  assert.equal(gone.status, 200, gone.text);
  assert.equal(gone.json.grants.some((g) => g.role === 'admin'), false);
});

test('locking ends signing in; unlocking restores it', async () => {
  const id = personId('staff-a');
  const res = await root.patch(`/api/v1/people/${id}`, { active: false });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.active, false);
  await assert.rejects(signIn(srv, 'staff-a'), /401|403/);
  const back = await root.patch(`/api/v1/people/${id}`, { active: true });
  assert.equal(back.status, 200, back.text);
  assert.ok(await signIn(srv, 'staff-a'));
});

test('resets and locks are audited without the password, and the chain verifies', async () => {
  const id = personId('audited');
  const res = await root.post(`/api/v1/people/${id}/password`, { password: TEMP });
  assert.equal(res.status, 200, res.text);
  const trail = await root.get(`/api/v1/audit?entity=person&entity_id=${id}`);
  assert.equal(trail.status, 200, trail.text);
  const entry = trail.json.entries[0];
  assert.equal(entry.action, 'password_reset');
  assert.equal(entry.actor, 'root-admin');
  assert.equal(entry.before.must_change_password, false);
  assert.equal(entry.after.must_change_password, true);
  assert.equal(entry.after.password, 'reset');
  assert.equal(trail.text.includes(TEMP), false);
  assert.equal(trail.text.includes('argon'), false);

  const lock = await root.patch(`/api/v1/people/${id}`, { active: false });
  assert.equal(lock.status, 200);
  const locked = await root.get(`/api/v1/audit?entity=person&entity_id=${id}&limit=1`);
  assert.equal(locked.json.entries[0].action, 'disable');
  assert.equal(locked.json.entries[0].before.active, true);
  assert.equal(locked.json.entries[0].after.active, false);
  await root.patch(`/api/v1/people/${id}`, { active: true });

  const verify = await root.get('/api/v1/audit/verify');
  assert.equal(verify.status, 200, verify.text);
  const last = dbExec(srv.db, 'SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').split('|');
  assert.equal(verify.json.ok, true);
  assert.equal(verify.json.first_bad, null);
  assert.equal(verify.json.entries, Number(last[0]));
  assert.equal(verify.json.head_seq, Number(last[0]));
  assert.equal(verify.json.head, last[1]);
});

// ---------------------------------------------------------------- authorisation

const writes = [
  {
    name: 'POST /api/v1/people/{id}/password',
    call: (c, side) => c.post(`/api/v1/people/${personId(`staff-${side.toLowerCase()}`)}/password`, { password: TEMP }),
  },
  {
    name: 'PATCH /api/v1/people/{id} (lock)',
    call: (c, side) => c.patch(`/api/v1/people/${personId(`staff-${side.toLowerCase()}`)}`, { active: false }),
  },
];

for (const w of writes) {
  for (const role of ROLES) {
    for (const side of ['A', 'B']) {
      const allow = role === 'admin' && side === 'A';
      test(`${w.name}: ${role} on ${side === 'A' ? 'own' : 'other'} subtree is ${allow ? 'allowed' : 'denied'}`, async () => {
        const before = passwords();
        const audit = Number(dbExec(srv.db, 'SELECT COUNT(*) FROM audit'));
        const res = await w.call(sessions[role], side);
        if (allow) {
          assert.equal(res.status, 200, res.text);
          assert.ok(Number(dbExec(srv.db, 'SELECT COUNT(*) FROM audit')) > audit, 'audited');
          await root.patch(`/api/v1/people/${personId('staff-a')}`, { active: true });
        } else {
          assert.equal(res.status, 403, res.text);
          assert.equal(res.json.error.code, 'forbidden');
          assert.equal(passwords(), before, 'nothing changed');
          assert.equal(Number(dbExec(srv.db, 'SELECT COUNT(*) FROM audit')), audit);
        }
      });
    }
  }
  test(`${w.name}: anonymous is 401`, async () => {
    const before = passwords();
    const res = await w.call(client(srv), 'A');
    assert.equal(res.status, 401, res.text);
    assert.equal(passwords(), before);
  });
}

test('GET /api/v1/audit/verify: administrators and the steering office only', async () => {
  assert.equal((await sessions.steering.get('/api/v1/audit/verify')).status, 200);
  assert.equal((await sessions.officer.get('/api/v1/audit/verify')).status, 403);
  assert.equal((await sessions.viewer.get('/api/v1/audit/verify')).status, 403);
  assert.equal((await client(srv).get('/api/v1/audit/verify')).status, 401);
});

// Last: it breaks the chain.
test('GET /api/v1/audit/verify names the first entry changed after it was written', async () => {
  dbExec(srv.db, "UPDATE audit SET actor = 'ai-do' WHERE seq = 3");
  const res = await root.get('/api/v1/audit/verify');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.ok, false);
  assert.equal(res.json.first_bad.seq, 3);
  assert.equal(res.json.first_bad.why, 'hash');
  assert.equal(res.json.entries, 2);
});
