// Signing in from tests: people are added with `nq57 user add` against the
// server's database (as an operator would), units with `nq57 unit import`,
// and a signed-in client sends the session cookie and the CSRF token.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { binary } from './server.mjs';

export const PASSWORD = 'mật khẩu đủ dài 2025';

// Runs `nq57 args...` with stdin text; resolves { code, stdout, stderr }.
export function runCliInput(args, input = '', env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env: { ...process.env, NQ57_PWHASH: 'fast', ...env } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

async function cliOk(args, input) {
  const r = await runCliInput(args, input);
  if (r.code !== 0) throw new Error(`nq57 ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r;
}

// Imports units from CSV text into srv's database.
export async function importUnits(srv, csv) {
  const dir = mkdtempSync(path.join(tmpdir(), 'nq57-units-'));
  const file = path.join(dir, 'units.csv');
  writeFileSync(file, csv);
  try {
    return await cliOk(['unit', 'import', file, '--db', srv.db]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Adds a person; role and unit (a unit code) are optional.
export async function addUser(srv, login, { name = login, role, unit, password = PASSWORD } = {}) {
  const args = ['user', 'add', login, '--name', name, '--db', srv.db];
  if (role) args.push('--role', role, '--unit', unit);
  await cliOk(args, `${password}\n`);
}

// Signs in through the API; returns a client whose requests carry the
// cookie and, for writes, the CSRF token.
export async function signIn(srv, login, password = PASSWORD) {
  const res = await fetch(`${srv.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password }),
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`sign-in of ${login}: ${res.status} ${JSON.stringify(body)}`);
  const cookie = (res.headers.get('set-cookie') || '').split(';')[0];
  return client(srv, { cookie, csrf: body.csrf_token, me: body });
}

// A client with a cookie and CSRF token (either may be left out to test refusals)
// or with a bearer token.
export function client(srv, { cookie, csrf, bearer, me } = {}) {
  const call = async (method, p, body, headers = {}) => {
    const h = { ...headers };
    if (cookie) h.cookie = cookie;
    if (csrf && method !== 'GET') h['x-csrf-token'] = csrf;
    if (bearer) h.authorization = `Bearer ${bearer}`;
    let payload = body;
    if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      h['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(`${srv.url}${p}`, { method, headers: h, body: payload });
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    if (process.env.NQ57_OPENAPI_CHECK === '1') {
      const wrong = (await import('./openapi_check.mjs')).answerProblems(method, p, res.status, res.headers.get('content-type'), json);
      if (wrong.length) throw new Error(`the answer does not fit the OpenAPI description:\n${wrong.join('\n')}`);
    }
    return { status: res.status, headers: res.headers, json, text, bytes };
  };
  return {
    cookie, csrf, bearer, me,
    get: (p, h) => call('GET', p, undefined, h),
    post: (p, b, h) => call('POST', p, b, h),
    patch: (p, b, h) => call('PATCH', p, b, h),
    put: (p, b, h) => call('PUT', p, b, h),
    del: (p, h) => call('DELETE', p, undefined, h),
  };
}
