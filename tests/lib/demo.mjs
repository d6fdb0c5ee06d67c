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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { binary, freshDatabase, startServer } from './server.mjs';
import { addUser } from './auth.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const DEMO_PEOPLE = [
  { login: 'bcd', name: 'Văn phòng Ban Chỉ đạo', role: 'steering', unit: '01' },
  { login: 'quantri', name: 'Quản trị hệ thống', role: 'admin', unit: '01' },
  { login: 'syt', name: 'Nguyễn Văn Minh', role: 'officer', unit: 'HN-SYT' },
  { login: 'hoankiem', name: 'Trần Thị Hoa', role: 'officer', unit: '00070' },
  { login: 'xem', name: 'Lê Quang Xem', role: 'viewer', unit: '01' },
];

// Seeds a fresh database with the demo and the people above, then starts
// the server on it. Returns startServer's object; stop() also drops the
// database.
export async function startDemoServer({ args = [], env = {} } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'nq57-demo-'));
  const fresh = freshDatabase(dir);
  const seed = spawnSync('bash', [path.join(root, 'scripts', 'demo-seed.sh'), binary, fresh.url],
    { encoding: 'utf8', env: { ...process.env, NQ57_PWHASH: 'fast' } });
  if (seed.status !== 0) throw new Error(`demo-seed failed:\n${seed.stdout}\n${seed.stderr}`);
  const srv = { db: fresh.url };
  for (const p of DEMO_PEOPLE) await addUser(srv, p.login, p);
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
