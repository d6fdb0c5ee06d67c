// A server on the demo data (scripts/demo-seed.sh: Hà Nội's units, the
// programme, about 200 tasks, values of 2025–2026), with one person of each
// role, for the journeys that must work on what a new user sees first:
//   bcd       steering office, city (01)
//   quantri   administrator, city (01)
//   syt       officer of Sở Y tế (HN-SYT): leads NV-005
//   hoankiem  officer of Phường Hoàn Kiếm (00070): supports NV-005
//   xem       viewer, city (01)
// All with the password PASSWORD of ./auth.mjs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { binary, databaseFrom, freshDatabase, onPostgres, startServer } from './server.mjs';
import { PASSWORD } from './auth.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const DEMO_PEOPLE = [
  { login: 'bcd', name: 'Văn phòng Ban Chỉ đạo', role: 'steering', unit: '01' },
  { login: 'quantri', name: 'Quản trị hệ thống', role: 'admin', unit: '01' },
  { login: 'syt', name: 'Nguyễn Văn Minh', role: 'officer', unit: 'HN-SYT' },
  { login: 'hoankiem', name: 'Trần Thị Hoa', role: 'officer', unit: '00070' },
  { login: 'xem', name: 'Lê Quang Xem', role: 'viewer', unit: '01' },
];

// The demo is seeded once per binary, demo files, database and day into a
// template that every test copies (seeding takes seconds under the
// sanitizers, and some forty test files start a demo server). Test files
// run in parallel processes: the first to take the lock (a directory)
// seeds, the others wait for its "ready" file.
function templateKey() {
  const h = createHash('sha256');
  const demoDir = path.join(root, 'scripts', 'demo');
  const boundaries = path.join(root, 'data', 'boundaries');
  const files = [binary, path.join(root, 'scripts', 'demo-seed.sh'), fileURLToPath(import.meta.url),
    ...readdirSync(demoDir).map((f) => path.join(demoDir, f)),
    ...(existsSync(boundaries) ? readdirSync(boundaries).map((f) => path.join(boundaries, f)) : [])];
  for (const f of files) {
    const st = statSync(f);
    h.update(`${f} ${st.size} ${st.mtimeMs}\n`);
  }
  h.update(`${process.env.NQ57_TEST_DB || 'sqlite'} ${new Date().toISOString().slice(0, 10)}`);
  return h.digest('hex').slice(0, 16);
}

function seedTemplate(dir) {
  const fresh = onPostgres ? freshDatabase(dir) : { url: `sqlite:${path.join(dir, 'nq57.db')}` };
  const seed = spawnSync('bash', [path.join(root, 'scripts', 'demo-seed.sh'), binary, fresh.url],
    { encoding: 'utf8', env: { ...process.env, NQ57_PWHASH: 'fast' } });
  if (seed.status !== 0) throw new Error(`demo-seed failed:\n${seed.stdout}\n${seed.stderr}`);
  for (const p of DEMO_PEOPLE) {
    const args = ['user', 'add', p.login, '--name', p.name, '--role', p.role, '--unit', p.unit, '--db', fresh.url];
    const r = spawnSync(binary, args, { input: `${PASSWORD}\n`, encoding: 'utf8', env: { ...process.env, NQ57_PWHASH: 'fast' } });
    if (r.status !== 0) throw new Error(`nq57 ${args.join(' ')}: ${r.stderr}`);
  }
  return fresh.url;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

async function demoTemplate() {
  const key = templateKey();
  const dir = path.join(tmpdir(), `nq57-demo-template-${key}`);
  const ready = path.join(dir, 'ready'), failed = path.join(dir, 'failed'), owner = path.join(dir, 'pid');
  for (;;) {
    let mine = false;
    try {
      mkdirSync(dir);
      mine = true;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    if (mine) {
      writeFileSync(owner, String(process.pid));
      try {
        writeFileSync(`${ready}.tmp`, seedTemplate(dir));
        writeFileSync(ready, readFileSync(`${ready}.tmp`));
      } catch (e) {
        writeFileSync(failed, String(e.message));
        throw e;
      }
    }
    // Wait for the seeding process; if it died without finishing (a run
    // interrupted), its lock is removed and the seeding taken over.
    for (;;) {
      if (existsSync(ready)) return readFileSync(ready, 'utf8');
      if (existsSync(failed)) throw new Error(readFileSync(failed, 'utf8'));
      const pid = existsSync(owner) ? Number(readFileSync(owner, 'utf8')) : 0;
      if (pid && !alive(pid)) {
        rmSync(dir, { recursive: true, force: true });
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

// A copy of the seeded demo with the people above, and the server started
// on it. Returns startServer's object; stop() also drops the database.
export async function startDemoServer({ args = [], env = {} } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'nq57-demo-'));
  const fresh = databaseFrom(await demoTemplate(), dir);
  const server = await startServer({ db: fresh.url, args, env });
  const stop = server.stop.bind(server);
  server.stop = async (signal) => {
    try {
      return await stop(signal);
    } finally {
      fresh.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return server;
}
