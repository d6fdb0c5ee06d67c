// The catalogue of server messages (web/i18n/*.js `messages`): every
// template the C code can answer a person with has a Vietnamese and an
// English text, each {n} in them stands for a conversion the template has,
// and typical bad requests answer with a template the catalogue knows — so
// the Vietnamese UI never shows an English server sentence.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errSetTemplates, conversions } from '../lib/templates.mjs';
import { startDemoServer } from '../lib/demo.mjs';
import { signIn, client } from '../lib/auth.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// web/i18n.js reads localStorage only when asked for the language; the
// catalogue itself loads in node as it is.
const { MESSAGES } = await import(path.join(root, 'web', 'i18n.js'));
const { sayMessage } = await import(path.join(root, 'web', 'api.js'));

// What a person can meet through the API or the UI. src/cli is the command
// line only.
const DIRS = ['src/domain', 'src/api', 'src/http', 'src/util', 'src/analytics', 'src/db'];

// Codes that always answer 500, whose template the server never sends (the
// UI says error.code.internal).
const INTERNAL_CODES = new Set(['ERR_GENERIC', 'ERR_NOMEM', '-1']);

// Templates left out on purpose, and why. A template here answers with the
// sentence of its error code (web/i18n/errors.js error.code.*) in the UI.
const LEFT_OUT = {
  // A wrapper of another text (a database's own message, a worker's copied
  // message): the text is not ours to translate; the code's sentence is said.
  '%s': 'wrapper',
  // Operators only: starting the server, its database, its mail relay, its
  // log; never an answer to a request.
  'listen address \'%s\' is not a numeric IP address': 'operator',
  'cannot create socket: %s': 'operator',
  'address %s:%d is already in use': 'operator',
  'cannot listen on %s:%d: %s': 'operator',
  'cannot start the HTTP server on %s:%d': 'operator',
  'cannot create response': 'operator',
  'cannot queue response': 'operator',
  'log level \'%s\' is not one of debug, info, warn, error, off': 'operator',
  'database URL is empty (use sqlite:PATH or postgresql://...)': 'operator',
  'database URL \'sqlite:\' has no file path': 'operator',
  'database URL scheme \'%.*s\' is not supported (use sqlite:PATH or postgresql://...)': 'operator',
  '%s PostgreSQL at %s:%s: %s': 'operator',
  'database is unavailable: %s': 'operator (503: the code\'s sentence is said)',
  'database is busy: %s': 'operator (503: the code\'s sentence is said)',
  'lost the connection to PostgreSQL': 'operator (503: the code\'s sentence is said)',
  'database is full: %s': 'operator (507: a plain sentence is said instead)',
  'cannot create %s: %s': 'operator (507 or 500: the path stays in the log)',
  'cannot write %s: %s': 'operator (507 or 500: the path stays in the log)',
  'cannot store the file under %s: %s': 'operator (507 or 500: the path stays in the log)',
  'cannot open SQLite database \'%s\': %s': 'operator',
  'cannot use SQLite database \'%s\': %s': 'operator',
  'database schema version %d is newer than this nq57 knows (%d); upgrade nq57': 'operator',
  'migration %d for %s is missing from this build': 'operator',
  'migration %s: %s': 'operator',
  'parameter %d is out of range (the statement has %d)': 'programmer error',
  'mail server %s: unknown host': 'operator (reminder relay)',
  'mail server %s:%d cannot be reached': 'operator (reminder relay)',
  'the mail server did not answer in time': 'operator (reminder relay)',
  'the mail server sent a line too long': 'operator (reminder relay)',
  'the mail server closed the connection': 'operator (reminder relay)',
  'the mail server answered: %s': 'operator (reminder relay)',
  'an address is too long': 'operator (reminder relay)',
  'the sender\'s address \'%s\' is not an email address': 'operator (reminder relay)',
  '\'%s\' is not an email address': 'operator (reminder relay)',
  'the database does not answer: %s': 'operator (health check, 503)',
  'utf8proc: %s': 'library message',
  'period label needs %d bytes, the buffer has %zu': 'programmer error',
  'rollup_resume: the query is too long': 'programmer error',
  'cannot start the background worker': 'operator',
  'out of memory': 'internal (its code is a variable that holds ERR_NOMEM)',
  // Writing files the server makes (reports), never reading uploads.
  'more than 65535 entries need ZIP64': 'writer only',
  'a ZIP entry name must have 1 to 65535 bytes': 'writer only',
  '%s is too large for a ZIP without ZIP64': 'writer only',
  'the file is too large for a ZIP without ZIP64': 'writer only',
  'the sheet has more than %d rows or %d columns': 'writer only',
};

const found = errSetTemplates(root, DIRS);
const meetable = found.filter((t) => !INTERNAL_CODES.has(t.code) && !(t.template in LEFT_OUT));

test('the C sources have err_set templates to check (the extractor reads them)', () => {
  assert.ok(found.length > 300, `only ${found.length} err_set calls found`);
  const some = new Set(found.map((t) => t.template));
  for (const t of ["'%s' is required", "period '%s': quarter must be 1 to 4", '%s may not report for this unit'])
    assert.ok(some.has(t), `the extractor misses ${JSON.stringify(t)}`);
});

test('every template a person can meet has a Vietnamese and an English text', () => {
  const missing = new Map();
  for (const t of meetable) {
    const entry = MESSAGES[t.template];
    const lacks = ['vi', 'en'].filter((l) => !entry || typeof entry[l] !== 'string' || !entry[l].trim());
    if (lacks.length && !missing.has(t.template))
      missing.set(t.template, `${JSON.stringify(t.template)} (${t.file}:${t.line}) lacks ${lacks.join(' and ')}`);
  }
  assert.deepEqual([...missing.values()], [], `${missing.size} templates lack catalogue entries:\n${[...missing.values()].join('\n')}`);
});

test('every {n} in a catalogue entry stands for one of its template\'s conversions', () => {
  const bad = [];
  for (const [template, entry] of Object.entries(MESSAGES)) {
    const n = conversions(template);
    for (const lang of ['vi', 'en']) {
      for (const m of (entry[lang] || '').matchAll(/\{(\d+)\}/g))
        if (Number(m[1]) >= n) bad.push(`${JSON.stringify(template)} ${lang}: {${m[1]}} but ${n} conversion(s)`);
    }
  }
  assert.deepEqual(bad, []);
});

test('the Vietnamese texts are Vietnamese: written with its letters, not the English text again', () => {
  const same = [];
  for (const [template, entry] of Object.entries(MESSAGES)) {
    if (!entry.vi || !entry.en) continue;
    const letters = entry.vi.replace(/\{\d+\}/g, '');
    // Every Vietnamese sentence of more than a word or two has a letter
    // with a diacritic (ă â đ ê ô ơ ư or a tone mark).
    if (letters.trim().split(/\s+/).length > 2 && !/[^\x00-\x7f]/.test(letters)) same.push(template);
  }
  assert.deepEqual(same, [], 'Vietnamese entries without a single Vietnamese letter');
});

// ----------------------------------------------------------------- answers

let srv, hoankiem, steering;
before(async () => {
  srv = await startDemoServer();
  hoankiem = await signIn(srv, 'hoankiem');
  steering = await signIn(srv, 'bcd');
});
after(async () => { await srv?.stop(); });

// The error of an answer, said in vi and en from the catalogue; asserts
// the catalogue knows the template at every level.
function said(res) {
  const err = res.json && res.json.error;
  assert.ok(err, `an error answer: ${res.status} ${res.text}`);
  assert.ok(err.template, `the error carries its template: ${res.text}`);
  const unknown = [];
  const walk = (m) => {
    if (!(m.template in MESSAGES)) unknown.push(m.template);
    for (const p of m.params || []) if (p && typeof p === 'object') walk(p);
  };
  walk(err);
  assert.deepEqual(unknown, [], `templates the catalogue does not know in ${res.text}`);
  return { vi: sayMessage(err, 'vi'), en: sayMessage(err, 'en'), err };
}

test('a period typed in words is understood, and its label is given', async () => {
  const res = await hoankiem.get(`/api/v1/periods/${encodeURIComponent('quý III năm 2026')}`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.code, '2026Q3');
  assert.equal(res.json.label_vi, 'Quý III/2026');
  const r = await hoankiem.post('/api/v1/periods/resolve', { codes: ['6 tháng 2025', 'Tháng 9/2025', '9 tháng 2025'] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.periods.map((p) => [p.code, p.label_vi]),
    [['2025S1', '6 tháng đầu năm 2025'], ['202509', 'Tháng 9/2025'], ['2025M9', '9 tháng năm 2025']]);
});

test('a bad period is refused in Vietnamese, quoting it as typed', async () => {
  const res = await hoankiem.get(`/api/v1/periods/${encodeURIComponent('Quý 5 năm 2026')}`);
  assert.equal(res.status, 422, res.text);
  assert.match(res.json.error.message, /'Quý 5 năm 2026'/, 'the message keeps the letters typed');
  const s = said(res);
  assert.equal(s.vi, "Kỳ báo cáo 'Quý 5 năm 2026' không hợp lệ: quý phải từ 1 đến 4 (I đến IV).");
  assert.match(s.en, /quarter must be 1 to 4/);
});

test('a bad period inside a value is said with its field', async () => {
  const res = await hoankiem.put('/api/v1/values', { indicator_code: 'GRDP', unit_code: '00070', period: 'Quý 3', value: 1 });
  assert.equal(res.status, 422, res.text);
  const s = said(res);
  assert.match(s.vi, /^Kỳ báo cáo 'Quý 3' không hợp lệ/);
  assert.match(s.vi, /Quý 3\/2025/, 'the refusal says which forms are accepted');
});

test('a missing value, a forbidden report, an unknown id and bad JSON answer with templates the catalogue knows', async () => {
  const missing = await hoankiem.put('/api/v1/values', { indicator_code: 'GRDP', unit_code: '00070', period: '2025Q3' });
  assert.equal(missing.status, 422, missing.text);
  assert.equal(said(missing).vi, "Thiếu trường bắt buộc 'Giá trị'.");

  const forbidden = await hoankiem.put('/api/v1/values', { indicator_code: 'GRDP', unit_code: 'HN-SYT', period: '2025Q3', value: 1 });
  assert.equal(forbidden.status, 403, forbidden.text);
  const f = said(forbidden);
  assert.equal(f.vi, 'Tài khoản hoankiem không được báo cáo cho đơn vị này.');
  assert.equal(f.en, 'hoankiem may not report for this unit.');

  const unknown = await steering.get('/api/v1/dashboard/indicators/9999');
  assert.equal(unknown.status, 404, unknown.text);
  assert.equal(said(unknown).vi, 'Không tìm thấy chỉ tiêu có mã số 9999.');

  const res = await fetch(`${srv.url}/api/v1/periods/resolve`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie: hoankiem.cookie, 'x-csrf-token': hoankiem.csrf }, body: '{"codes": [',
  });
  const bad = { status: res.status, json: await res.json() };
  bad.text = JSON.stringify(bad.json);
  assert.equal(bad.status, 400, bad.text);
  assert.match(said(bad).vi, /^Dữ liệu gửi lên không phải JSON hợp lệ \(dòng 1, cột \d+\)/);

  const anon = await client(srv).put('/api/v1/values', { indicator_code: 'GRDP', unit_code: '00070', period: '2025Q3', value: 1 });
  assert.equal(anon.status, 401, anon.text);
  assert.equal(said(anon).vi, 'Cần đăng nhập để báo cáo.');
});

test('a return without a reason is said in Vietnamese', async () => {
  const v = await hoankiem.put('/api/v1/values', { indicator_code: 'GRDP', unit_code: '00070', period: '2025Q4', value: 5 });
  assert.equal(v.status, 200, v.text);
  assert.equal((await hoankiem.post(`/api/v1/values/${v.json.id}/submit`)).status, 200);
  const res = await steering.post(`/api/v1/values/${v.json.id}/return`, { reason: '' });
  assert.equal(res.status, 422, res.text);
  assert.equal(said(res).vi, 'Cần ghi lý do trả lại số liệu.');
  const none = await steering.post(`/api/v1/values/${v.json.id}/return`, {});
  assert.equal(none.status, 422, none.text);
  assert.match(said(none).vi, /^(Cần ghi lý do trả lại số liệu|Thiếu trường bắt buộc 'Lý do')\.$/);
});

test('resolving bad period codes lists each with its template', async () => {
  const res = await hoankiem.post('/api/v1/periods/resolve', { codes: ['2025Q3', 'Quý 5/2026', 7] });
  assert.equal(res.status, 422, res.text);
  said(res);
  const d = res.json.error.details;
  assert.equal(d.length, 2);
  assert.equal(sayMessage(d[0], 'vi'), "Kỳ báo cáo 'Quý 5/2026' không hợp lệ: quý phải từ 1 đến 4 (I đến IV).");
  assert.equal(d[0].index, 1);
  assert.ok(sayMessage(d[1], 'vi'), `the second detail is said too: ${JSON.stringify(d[1])}`);
});
