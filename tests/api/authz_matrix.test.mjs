// The authorisation matrix: every role, acting on its own subtree and on
// another, against every write endpoint, gets the expected allow or deny —
// and a denied write changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbExec } from '../lib/server.mjs';
import { addUser, importUnits, signIn, client } from '../lib/auth.mjs';

// The city; its department; two communes. Everyone is granted on commune A:
// "own" targets lie under A, "other" targets under B.
const UNITS = [
  'code,name,parent_code,kind',
  'HN,Thành phố Hà Nội,,province',
  'HN-KHCN,Sở Khoa học và Công nghệ,HN,department',
  'A,Phường Ba Đình,HN,commune',
  'B,Phường Ngọc Hà,HN,commune',
  'A1,Tổ dân phố 1 Ba Đình,A,other',
  'B1,Tổ dân phố 1 Ngọc Hà,B,other',
].join('\n') + '\n';

const ROLES = ['admin', 'steering', 'officer', 'viewer'];
let srv;
const ids = {};
const sessions = {};

before(async () => {
  srv = await startServer();
  await importUnits(srv, UNITS);
  for (const row of dbExec(srv.db, 'SELECT code, id FROM unit').split('\n')) {
    const [code, id] = row.split('|');
    ids[code] = Number(id);
  }
  for (const r of ROLES) {
    await addUser(srv, `u-${r}`, { role: r, unit: 'A' });
    sessions[r] = await signIn(srv, `u-${r}`);
  }
  // People to act upon: one holding a grant under each commune.
  await addUser(srv, 'staff-a', { role: 'viewer', unit: 'A1' });
  await addUser(srv, 'staff-b', { role: 'viewer', unit: 'B1' });
  // The city's administrator prepares records to act upon.
  await addUser(srv, 'root-admin', { role: 'admin', unit: 'HN' });
  root = await signIn(srv, 'root-admin');
  const ind = await root.post('/api/v1/indicators', { code: 'M-1', name_vi: 'Chỉ tiêu thử', direction: 'up', aggregation: 'sum' });
  assert.equal(ind.status, 201, ind.text);
  for (const side of ['A', 'B']) {
    const t = await root.post('/api/v1/tasks', { code: `T-${side}`, title: `Nhiệm vụ của ${side}`, lead_unit_code: `${side}1` });
    assert.equal(t.status, 201, t.text);
    taskIds[side] = t.json.id;
  }
});

let root;
const taskIds = {};
let period = 1990;

// A value of unit `${side}1` in a fresh period, saved (and submitted) by the city administrator.
async function freshValue(side, submit) {
  const res = await fetch(`${srv.url}/api/v1/values`, {
    method: 'PUT', headers: { cookie: root.cookie, 'x-csrf-token': root.csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ indicator_code: 'M-1', unit_code: `${side}1`, period: String(++period), value: 1 }),
  });
  const v = await res.json();
  assert.equal(res.status, 200, JSON.stringify(v));
  if (submit) assert.equal((await root.post(`/api/v1/values/${v.id}/submit`)).status, 200);
  return v.id;
}
after(async () => { await srv?.stop(); });

const personId = (login) => Number(dbExec(srv.db, `SELECT id FROM person WHERE login = '${login}'`));
const grantId = (login) => Number(dbExec(srv.db, `SELECT g.id FROM role_grant g JOIN person p ON p.id = g.person_id WHERE p.login = '${login}' ORDER BY g.id LIMIT 1`));
let serial = 0;

// Each write endpoint: how to call it on a target in `side` ('A' or 'B'),
// and which roles may. `check` returns a fingerprint of what the call would
// change, compared before and after a refused call.
const endpoints = [
  {
    name: 'POST /api/v1/units (create under)',
    allowed: ['admin'],
    call: (c, side) => c.post('/api/v1/units', { code: `N${++serial}`, name: `Đơn vị mới ${serial}`, kind: 'other', parent_id: ids[`${side}1`] }),
    check: () => dbExec(srv.db, 'SELECT COUNT(*) FROM unit'),
  },
  {
    name: 'PATCH /api/v1/units/{id} (rename)',
    allowed: ['admin'],
    call: (c, side) => c.patch(`/api/v1/units/${ids[`${side}1`]}`, { name: `Tổ dân phố đổi tên ${++serial}` }),
    check: () => dbExec(srv.db, 'SELECT name FROM unit ORDER BY id'),
  },
  {
    name: 'POST /api/v1/units/import',
    allowed: ['admin'],
    call: (c, side) => c.post('/api/v1/units/import', `code,name,parent_code,kind\nI${++serial},Đơn vị nhập ${serial},${side}1,other\n`, { 'content-type': 'text/csv' }),
    check: () => dbExec(srv.db, 'SELECT COUNT(*) FROM unit'),
  },
  {
    name: 'POST /api/v1/people/{id}/grants',
    allowed: ['admin'],
    call: (c, side) => c.post(`/api/v1/people/${personId(`staff-${side.toLowerCase()}`)}/grants`, { role: 'officer', unit_id: ids[`${side}1`] }),
    check: () => dbExec(srv.db, 'SELECT COUNT(*) FROM role_grant'),
  },
  {
    name: 'PATCH /api/v1/people/{id}',
    allowed: ['admin'],
    call: (c, side) => c.patch(`/api/v1/people/${personId(`staff-${side.toLowerCase()}`)}`, { name: `Cán bộ ${++serial}` }),
    check: () => dbExec(srv.db, 'SELECT name FROM person ORDER BY id'),
  },
  {
    name: 'DELETE /api/v1/people/{id}/grants/{grant_id}',
    allowed: ['admin'],
    // Give the person a spare grant first (as the command line), then try to remove it.
    prepare: async (side) => {
      const login = `staff-${side.toLowerCase()}`;
      const spare = dbExec(srv.db, `SELECT COUNT(*) FROM role_grant g JOIN person p ON p.id = g.person_id WHERE p.login = '${login}'`);
      if (Number(spare) < 2) await addGrant(login, side);
    },
    call: (c, side) => {
      const login = `staff-${side.toLowerCase()}`;
      return c.del(`/api/v1/people/${personId(login)}/grants/${grantId(login)}`);
    },
    check: () => dbExec(srv.db, 'SELECT COUNT(*) FROM role_grant'),
  },
  {
    name: 'POST /api/v1/indicators (owned by the unit)',
    allowed: ['admin', 'steering'],
    call: (c, side) => c.post('/api/v1/indicators', { code: `I-${++serial}`, name_vi: 'Chỉ tiêu mới', direction: 'up', aggregation: 'sum', owner_unit_id: ids[`${side}1`] }),
    check: () => dbExec(srv.db, 'SELECT COUNT(*) FROM indicator'),
  },
  {
    name: 'PUT /api/v1/values (report for the unit)',
    allowed: ['admin', 'officer'],
    call: (c, side) => c.put('/api/v1/values', { indicator_code: 'M-1', unit_code: `${side}1`, period: String(2100 + ++serial), value: 5 }),
    check: () => dbExec(srv.db, 'SELECT COUNT(*) FROM indicator_value'),
  },
  {
    name: 'POST /api/v1/values/{id}/submit',
    allowed: ['admin', 'officer'],
    prepare: async (side) => { pending[side] = await freshValue(side, false); },
    call: (c, side) => c.post(`/api/v1/values/${pending[side]}/submit`),
    check: () => dbExec(srv.db, 'SELECT status FROM indicator_value ORDER BY id'),
  },
  {
    name: 'POST /api/v1/values/{id}/approve',
    allowed: ['admin', 'steering'],
    prepare: async (side) => { pending[side] = await freshValue(side, true); },
    call: (c, side) => c.post(`/api/v1/values/${pending[side]}/approve`),
    check: () => dbExec(srv.db, 'SELECT status FROM indicator_value ORDER BY id'),
  },
  {
    name: 'POST /api/v1/values/{id}/return',
    allowed: ['admin', 'steering'],
    prepare: async (side) => { pending[side] = await freshValue(side, true); },
    call: (c, side) => c.post(`/api/v1/values/${pending[side]}/return`, { reason: 'Thiếu minh chứng' }),
    check: () => dbExec(srv.db, 'SELECT status FROM indicator_value ORDER BY id'),
  },
  {
    name: 'POST /api/v1/attachments (evidence for a value)',
    allowed: ['admin', 'officer'],
    prepare: async (side) => { pending[side] = await freshValue(side, false); },
    call: (c, side) => c.post(`/api/v1/attachments?entity=indicator_value&entity_id=${pending[side]}&name=bang.csv`, 'ma,gia_tri\nA1,1\n', { 'content-type': 'text/csv' }),
    check: () => dbExec(srv.db, 'SELECT COUNT(*) FROM attachment'),
  },
  {
    name: 'POST /api/v1/tasks (led by the unit)',
    allowed: ['admin', 'steering'],
    call: (c, side) => c.post('/api/v1/tasks', { code: `NV-${++serial}`, title: 'Nhiệm vụ mới', lead_unit_code: `${side}1` }),
    check: () => dbExec(srv.db, 'SELECT COUNT(*) FROM task'),
  },
  {
    name: 'POST /api/v1/tasks/{id}/reports (progress of the unit\'s task)',
    allowed: ['admin', 'officer'],
    call: (c, side) => c.post(`/api/v1/tasks/${taskIds[side]}/reports`, { progress: 10 + (++serial % 50) }),
    check: () => dbExec(srv.db, 'SELECT COUNT(*) FROM task_report'),
  },
];
const pending = {};

async function addGrant(login, side) {
  const { runCliInput } = await import('../lib/auth.mjs');
  const r = await runCliInput(['user', 'grant', login, '--role', 'viewer', '--unit', side, '--db', srv.db]);
  assert.equal(r.code, 0, r.stderr);
}

for (const ep of endpoints) {
  for (const role of ROLES) {
    for (const side of ['A', 'B']) {
      const expectAllow = ep.allowed.includes(role) && side === 'A';
      test(`${ep.name}: ${role} on ${side === 'A' ? 'own' : 'other'} subtree is ${expectAllow ? 'allowed' : 'denied'}`, async () => {
        if (ep.prepare) await ep.prepare(side);
        const beforeAudit = dbExec(srv.db, 'SELECT COUNT(*) FROM audit');
        const before = await ep.check();
        const res = await ep.call(sessions[role], side);
        if (expectAllow) {
          assert.ok(res.status >= 200 && res.status < 300, `${res.status} ${res.text}`);
          assert.ok(Number(dbExec(srv.db, 'SELECT COUNT(*) FROM audit')) > Number(beforeAudit), 'audited');
        } else {
          assert.equal(res.status, 403, `${res.status} ${res.text}`);
          assert.equal(res.json?.error?.code, 'forbidden');
          assert.deepEqual(await ep.check(), before, 'nothing changed');
        }
      });
    }
  }
  test(`${ep.name}: anonymous is 401`, async () => {
    if (ep.prepare) await ep.prepare('A');
    const before = await ep.check();
    const res = await ep.call(client(srv), 'A');
    assert.equal(res.status, 401, `${res.status} ${res.text}`);
    assert.deepEqual(await ep.check(), before);
  });
}

test('POST /api/v1/documents: the steering office and administrators define the programme', async () => {
  for (const role of ROLES) {
    const before = dbExec(srv.db, 'SELECT COUNT(*) FROM document');
    const res = await sessions[role].post('/api/v1/documents', { number: `${role}/KH`, kind: 'plan', title: 'Kế hoạch' });
    if (role === 'admin' || role === 'steering') assert.equal(res.status, 201, `${role}: ${res.text}`);
    else {
      assert.equal(res.status, 403, `${role}: ${res.text}`);
      assert.equal(dbExec(srv.db, 'SELECT COUNT(*) FROM document'), before);
    }
  }
});

test('POST /api/v1/people: only administrators add people', async () => {
  for (const role of ROLES) {
    const before = dbExec(srv.db, 'SELECT COUNT(*) FROM person');
    const res = await sessions[role].post('/api/v1/people', { login: `moi-${role}`, name: 'Người mới', password: 'mật khẩu đủ dài 2025' });
    if (role === 'admin') assert.equal(res.status, 201, res.text);
    else {
      assert.equal(res.status, 403, `${role}: ${res.text}`);
      assert.equal(dbExec(srv.db, 'SELECT COUNT(*) FROM person'), before);
    }
  }
});

test('own-account writes (tokens, password, sign-out) are open to every signed-in role', async () => {
  for (const role of ROLES) {
    const c = sessions[role];
    const t = await c.post('/api/v1/tokens', { name: `của ${role}` });
    assert.equal(t.status, 201, `${role}: ${t.text}`);
    assert.equal((await c.del(`/api/v1/tokens/${t.json.id}`)).status, 200);
  }
});
