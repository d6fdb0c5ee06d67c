// `nq57 user` on the command line: adding people, passwords from standard
// input, disabling and granting, with one-line errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbExec } from '../lib/server.mjs';
import { importUnits, runCliInput, signIn, PASSWORD } from '../lib/auth.mjs';

test('nq57 user add, passwd, disable, enable, grant and list', async () => {
  const srv = await startServer();
  const user = (args, input = '') => runCliInput(['user', ...args, '--db', srv.db], input);
  try {
    await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n00004,Phường Ba Đình,01,commune\n');
    let r = await user(['add', 'Lan.Nguyen', '--name', 'Nguyễn Thị Lan', '--role', 'admin', '--unit', '01'], `${PASSWORD}\n`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /added person 'lan\.nguyen' \(id \d+\) as admin of 01/);
    assert.equal(dbExec(srv.db, "SELECT COUNT(*) FROM person WHERE login = 'lan.nguyen' AND password_hash LIKE '$argon2id$%'"), '1');

    const fails = async (args, input, pattern) => {
      const f = await user(args, input);
      assert.equal(f.code, 1, `${args.join(' ')}: ${f.stdout}`);
      const lines = f.stderr.trim().split('\n');
      assert.equal(lines.length, 1, f.stderr);
      assert.match(lines[0], pattern);
    };
    await fails(['add', 'lan.nguyen', '--name', 'X'], `${PASSWORD}\n`, /^nq57: error: login 'lan\.nguyen' is taken$/);
    await fails(['add', 'hoa', '--name', 'Hoa'], 'ngắn\n', /at least 10 characters/);
    await fails(['add', 'hoa', '--name', 'Hoa', '--role', 'king', '--unit', '01'], `${PASSWORD}\n`, /role 'king'/);
    await fails(['add', 'hoa', '--name', 'Hoa', '--role', 'viewer', '--unit', '99999'], `${PASSWORD}\n`, /no unit with code '99999'/);
    await fails(['add', 'có dấu', '--name', 'Hoa'], `${PASSWORD}\n`, /may hold only/);
    await fails(['disable', 'ai-do'], '', /no person with login 'ai-do'/);
    await fails(['frobnicate'], '', /unknown 'nq57 user frobnicate'/);
    assert.equal(dbExec(srv.db, 'SELECT COUNT(*) FROM person'), '1', 'nothing half-saved');

    const lan = await signIn(srv, 'lan.nguyen');
    r = await user(['passwd', 'lan.nguyen'], 'một mật khẩu mới hẳn\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await lan.get('/api/v1/session')).status, 401, 'a new password ends the sessions');
    await signIn(srv, 'lan.nguyen', 'một mật khẩu mới hẳn');

    r = await user(['grant', 'lan.nguyen', '--role', 'viewer', '--unit', '00004']);
    assert.equal(r.code, 0, r.stderr);
    r = await user(['disable', 'lan.nguyen']);
    assert.equal(r.code, 0, r.stderr);
    await assert.rejects(signIn(srv, 'lan.nguyen', 'một mật khẩu mới hẳn'), /401/);
    r = await user(['enable', 'lan.nguyen']);
    assert.equal(r.code, 0, r.stderr);
    r = await user(['list']);
    assert.match(r.stdout, /lan\.nguyen\s+Nguyễn Thị Lan\s+active admin@01 viewer@00004/);
    const audit = dbExec(srv.db, "SELECT action FROM audit WHERE entity = 'person' AND actor LIKE 'cli:%' ORDER BY seq").split('\n');
    assert.deepEqual(audit, ['create', 'update', 'grant', 'disable', 'enable']);
  } finally {
    await srv.stop();
  }
});
