// Excel as offices use it, on the demo data: a commune's template for a
// period lists only what it reports, with last period's value and the
// target beside the empty cell; filled in LibreOffice and uploaded it is
// previewed row by row, then saves exactly the cells typed; another
// unit's template is refused; every export is in Vietnamese (or English)
// with an STT column, the filter and the moment in its first lines, and
// real date cells.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDemoServer } from '../lib/demo.mjs';
import { client, signIn } from '../lib/auth.mjs';
import { dbExec } from '../lib/server.mjs';
import { readSheet, unzip, zip } from '../lib/xlsx.mjs';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const haveSoffice = existsSync('/usr/bin/soffice');

let srv, bcd, quantri, syt, hoankiem, xem, anon;
before(async () => {
  srv = await startDemoServer();
  [bcd, quantri, syt, hoankiem, xem] = await Promise.all(['bcd', 'quantri', 'syt', 'hoankiem', 'xem'].map((l) => signIn(srv, l)));
  anon = client(srv);
});
after(async () => { await srv?.stop(); });

const sql = (q) => dbExec(srv.db, q);
const unitId = (code) => sql(`SELECT id FROM unit WHERE code = '${code}'`);
const countOf = (unit, period) => Number(sql(`SELECT COUNT(*) FROM indicator_value v JOIN unit u ON u.id = v.unit_id WHERE u.code = '${unit}' AND v.period = '${period}'`));
const upload = (c, buf, q = '') => c.post(`/api/v1/values/import${q}`, buf, { 'content-type': XLSX });

// Where a template's rows start: its header row (the fourth line).
const HEADER = 3;

// The first sheet's XML, and the number format of each styled cell.
function sheetXml(buf) { return unzip(buf).get('xl/worksheets/sheet1.xml').toString(); }
function cellFormats(buf) {
  const files = unzip(buf), styles = files.get('xl/styles.xml').toString();
  const custom = new Map([...styles.matchAll(/<numFmt numFmtId="(\d+)" formatCode="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  const xfs = [...(styles.match(/<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/) || ['', ''])[1].matchAll(/<xf ([^>]*?)\/?>/g)]
    .map((m) => (m[1].match(/numFmtId="(\d+)"/) || [])[1]);
  const out = new Map();
  for (const m of sheetXml(buf).matchAll(/<c r="([A-Z]+\d+)" s="(\d+)"/g)) {
    const id = xfs[Number(m[2])];
    out.set(m[1], custom.get(id) || (id === '14' ? 'dd/mm/yyyy' : id));
  }
  return out;
}
const letter = (i) => String.fromCharCode(65 + i);

// A copy of the workbook with the value cells of the given sheet rows
// (from 1) filled: { row: [value, note] }.
function fill(buf, cells) {
  const files = unzip(buf);
  let xml = files.get('xl/worksheets/sheet1.xml').toString();
  for (const [row, [value, note]] of Object.entries(cells)) {
    xml = xml.replace(new RegExp(`<c r="H${row}"( s="\\d+")?/>`), (_, s) => `<c r="H${row}"${s || ''}><v>${value}</v></c>`);
    if (note) xml = xml.replace(new RegExp(`<c r="I${row}"( s="\\d+")?/>`), (_, s) => `<c r="I${row}"${s || ''} t="inlineStr"><is><t>${note}</t></is></c>`);
  }
  files.set('xl/worksheets/sheet1.xml', Buffer.from(xml));
  return zip([...files.entries()]);
}

// The workbook as LibreOffice saves it after opening it.
function throughLibreOffice(buf) {
  const dir = mkdtempSync(path.join(tmpdir(), 'nq57-excel-'));
  try {
    const input = path.join(dir, 'in', 'mau.xlsx');
    execFileSync('mkdir', ['-p', path.dirname(input)]);
    writeFileSync(input, buf);
    execFileSync('soffice', [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'xlsx',
      '--outdir', dir, input], { stdio: 'pipe', timeout: 120000 });
    return readFileSync(path.join(dir, 'mau.xlsx'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a commune\'s template lists only what it reports, with last period\'s value and its target beside the empty cell', async () => {
  const g = (await bcd.get('/api/v1/indicators?q=5G-PHU')).json.indicators.find((i) => i.code === '5G-PHU');
  const targets = (await bcd.get(`/api/v1/indicators/${g.id}`)).json.targets.map(({ unit_code, period, value }) => ({ unit_code, period, value }));
  assert.equal((await bcd.put(`/api/v1/indicators/${g.id}/targets`, [...targets, { unit_code: '00070', period: '2026', value: 95 }])).status, 200);

  const t = await hoankiem.get(`/api/v1/values/template?unit_id=${unitId('00070')}&period=2026Q4&format=json`);
  assert.equal(t.status, 200, t.text);
  const codes = t.json.values.map((v) => v.indicator_code);
  for (const cityOnly of ['GRDP', 'TFP', 'PII-HANG'])
    assert.ok(!codes.includes(cityOnly), `${cityOnly} is reported by the city only`);
  assert.ok(!codes.includes('KTS-TT'), 'a derived indicator takes no values');
  assert.equal(codes.length, Number(sql("SELECT COUNT(*) FROM indicator WHERE formula IS NULL AND report_kinds IS NULL")));
  const g5 = t.json.values.find((v) => v.indicator_code === '5G-PHU');
  const last = Number(sql(`SELECT value FROM indicator_value WHERE indicator_id = ${g.id} AND unit_id = ${unitId('00070')} AND period = '2026Q3'`));
  assert.deepEqual([g5.previous_value, g5.target, g5.target_period, g5.value], [last, 95, '2026', null]);
  assert.deepEqual([t.json.period_label, t.json.previous_label], ['Quý IV/2026', 'Quý III/2026']);

  const x = await hoankiem.get(`/api/v1/values/template?unit_code=00070&period=${encodeURIComponent('Quý IV/2026')}`);
  assert.equal(x.status, 200, x.text);
  assert.equal(x.headers.get('content-type'), XLSX);
  assert.match(x.headers.get('content-disposition'), /mau-bao-cao-00070-2026Q4\.xlsx/);
  const sheet = readSheet(x.bytes);
  assert.equal(sheet.name, 'Quý IV 2026');
  assert.match(sheet.rows[0][0], /Quý IV\/2026.*Phường Hoàn Kiếm/);
  assert.match(sheet.rows[1][0], /Đơn vị: Phường Hoàn Kiếm \(mã 00070\) · Kỳ báo cáo: Quý IV\/2026 · Hạn nộp: 15\/01\/2027/);
  const head = sheet.rows[HEADER];
  assert.deepEqual(head.slice(0, 9), ['STT', 'Mã chỉ tiêu', 'Tên chỉ tiêu', 'Đơn vị tính', 'Kỳ trước (Quý III/2026)', 'Mục tiêu', 'Kỳ mục tiêu', 'Giá trị', 'Ghi chú']);
  const rows = sheet.rows.slice(HEADER + 1);
  assert.deepEqual(rows.map((r) => r[1]), codes, 'the same indicators as the JSON, in order');
  assert.deepEqual(rows.map((r) => r[0]), codes.map((_, i) => String(i + 1)), 'STT counts the rows');
  const row5g = rows.find((r) => r[1] === '5G-PHU');
  assert.deepEqual([row5g[2], row5g[3], Number(row5g[4]), row5g[5], row5g[6], row5g[7]], ['Tỷ lệ phủ sóng 5G', '%', last, '95', 'Năm 2026', '']);
  const first = HEADER + 2, lastRow = HEADER + 1 + rows.length;
  assert.match(sheetXml(x.bytes), new RegExp(`<dataValidation type="decimal"[^>]*sqref="H${first}:H${lastRow}"`), 'the value cells take a decimal number only');
  assert.match(sheetXml(x.bytes), /<pane ySplit="4"[^>]*state="frozen"/, 'the header stays in view');

  const byId = readSheet((await hoankiem.get(`/api/v1/values/template?unit_id=${unitId('00070')}&period=2026Q4`)).bytes);
  assert.deepEqual(byId.rows.slice(HEADER), sheet.rows.slice(HEADER), 'by unit code and period in words, the same template');
  const en = readSheet((await hoankiem.get(`/api/v1/values/template?unit_code=00070&period=2026Q4&lang=en`)).bytes);
  assert.deepEqual(en.rows[HEADER].slice(0, 8), ['No.', 'Indicator code', 'Indicator', 'Measure', 'Previous period (Q3 2026)', 'Target', 'Target period', 'Value']);
});

test('filled in LibreOffice, three cells are previewed row by row, then exactly those three values are saved', { skip: !haveSoffice && 'needs soffice (libreoffice-calc-nogui)' }, async () => {
  const tpl = (await hoankiem.get('/api/v1/values/template?unit_code=00070&period=2026Q4')).bytes;
  const rows = readSheet(tpl).rows.slice(HEADER + 1);
  const typed = { [HEADER + 2]: [12.5, 'Theo báo cáo của phường'], [HEADER + 4]: [40], [HEADER + 6]: [7] };
  const saved = throughLibreOffice(fill(tpl, typed));
  assert.doesNotMatch(sheetXml(saved), /inlineStr/, 'LibreOffice saved it in its own way (shared strings)');
  assert.equal(countOf('00070', '2026Q4'), 0);

  const dry = await upload(hoankiem, saved, '?dry_run=1');
  assert.equal(dry.status, 200, dry.text);
  assert.deepEqual(dry.json.rows.map((r) => [r.row, r.indicator_code, r.period, r.value, r.action]), [
    [HEADER + 2, rows[0][1], '2026Q4', 12.5, 'create'],
    [HEADER + 4, rows[2][1], '2026Q4', 40, 'create'],
    [HEADER + 6, rows[4][1], '2026Q4', 7, 'create'],
  ]);
  assert.equal(dry.json.rows[0].note, 'Theo báo cáo của phường');
  assert.equal(dry.json.skipped, rows.length - 3, 'empty value cells are not reported: skipped, never errors');
  assert.equal(countOf('00070', '2026Q4'), 0, 'a preview saves nothing');

  const r = await upload(hoankiem, saved);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.created, r.json.updated, r.json.total], [3, 0, 3]);
  assert.equal(countOf('00070', '2026Q4'), 3);
  const got = sql(`SELECT i.code, v.value, v.status FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id
    JOIN unit u ON u.id = v.unit_id WHERE u.code = '00070' AND v.period = '2026Q4' ORDER BY i.code`).split('\n')
    .map((line) => line.split('|')).map(([code, value, status]) => `${code}=${Number(value)}:${status}`);
  assert.deepEqual(got, [`${rows[0][1]}=12.5:draft`, `${rows[2][1]}=40:draft`, `${rows[4][1]}=7:draft`].sort());
});

test('an officer may neither download nor upload the template of a unit outside their reach; nothing is saved', async () => {
  for (const q of [`unit_id=${unitId('00082')}`, 'unit_code=00082', 'unit_code=HN-SYT'])
    assert.equal((await hoankiem.get(`/api/v1/values/template?${q}&period=2026Q4`)).status, 403, q);
  assert.equal((await anon.get('/api/v1/values/template?unit_code=00070&period=2026Q4')).status, 401);
  assert.equal((await xem.get('/api/v1/values/template?unit_code=00070&period=2026Q4')).status, 403);
  const other = await quantri.get('/api/v1/values/template?unit_code=00082&period=2026Q4');
  assert.equal(other.status, 200, 'an administrator of the city may');
  const filled = fill(other.bytes, { [HEADER + 2]: [5] });
  const before = countOf('00082', '2026Q4');
  for (const q of ['', '?dry_run=1']) {
    const r = await upload(hoankiem, filled, q);
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json.error.details[0].field, 'unit_code');
  }
  assert.equal(countOf('00082', '2026Q4'), before);
  assert.equal((await upload(anon, filled)).status, 401);
  assert.equal(countOf('00082', '2026Q4'), before);
});

test('an indicator\'s reporting level: in the API, set only by those who define indicators, refused changes leave it alone', async () => {
  const grdp = (await xem.get('/api/v1/indicators?q=GRDP')).json.indicators.find((i) => i.code === 'GRDP');
  assert.deepEqual(grdp.report_kinds, ['province']);
  const stored = () => sql(`SELECT COALESCE(report_kinds, '-') FROM indicator WHERE id = ${grdp.id}`);
  const audits = () => sql("SELECT COUNT(*) FROM audit WHERE action = 'reporting'");
  const body = { report_kinds: ['province', 'department'] };
  for (const [who, c, status] of [['anonymous', anon, 401], ['viewer', xem, 403], ['officer of a commune', hoankiem, 403],
    ['officer of a department', syt, 403]]) {
    const [s0, a0] = [stored(), audits()];
    const r = await c.put(`/api/v1/indicators/${grdp.id}/reporting`, body);
    assert.equal(r.status, status, `${who}: ${r.text}`);
    assert.deepEqual([stored(), audits()], [s0, a0], `${who}: nothing changed`);
  }
  const r = await bcd.put(`/api/v1/indicators/${grdp.id}/reporting`, body);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.report_kinds, ['province', 'department']);
  assert.equal(stored(), 'province,department');
  assert.ok((await syt.get('/api/v1/values/template?unit_code=HN-SYT&period=2026Q4&format=json')).json.values.some((v) => v.indicator_code === 'GRDP'),
    'a department now reports it');
  const bad = await quantri.put(`/api/v1/indicators/${grdp.id}/reporting`, { report_kinds: ['ward'] });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.template, "'report_kinds': '%.40s' is not a kind of unit");
  assert.equal(stored(), 'province,department');
  assert.equal((await quantri.put(`/api/v1/indicators/${grdp.id}/reporting`, { report_kinds: null })).status, 200, 'an administrator may');
  assert.equal(stored(), '-', 'null: every kind reports it');
  assert.equal((await bcd.put(`/api/v1/indicators/${grdp.id}/reporting`, { report_kinds: ['province'] })).status, 200);
  const created = await bcd.post('/api/v1/indicators', { code: 'XA-TEST', name_vi: 'Chỉ tiêu của xã', direction: 'up', aggregation: 'sum', report_kinds: ['commune'] });
  assert.equal(created.status, 201, created.text);
  assert.deepEqual(created.json.report_kinds, ['commune']);
  assert.equal((await xem.get(`/api/v1/indicators/${created.json.id}`)).json.report_kinds[0], 'commune');
});

// Each export: its path, its Vietnamese sheet name, a column holding a
// date, and words that must appear in place of codes.
const EXPORTS = [
  ['/api/v1/tasks?status=open_overdue', 'Nhiệm vụ', 'Hạn', 'Chưa hoàn thành – quá hạn'],
  ['/api/v1/indicators', 'Chỉ tiêu', null, 'Tăng'],
  ['/api/v1/units', 'Đơn vị', null, 'Phường, xã'],
  ['/api/v1/values?period=2026Q2', 'Số liệu chỉ tiêu', 'Hạn', 'Đã duyệt'],
  ['/api/v1/audit', 'Nhật ký hệ thống', 'Thời điểm', null],
];

test('every list exports in Vietnamese: sheet name, titles, code words, the filter and the moment, STT counting rows, date cells', async () => {
  for (const [url, name, dateCol, word] of EXPORTS) {
    const r = await bcd.get(`${url}${url.includes('?') ? '&' : '?'}format=xlsx`);
    assert.equal(r.status, 200, `${url}: ${r.text}`);
    assert.equal(r.headers.get('content-type'), XLSX);
    const s = readSheet(r.bytes);
    assert.equal(s.name, name, url);
    assert.equal(s.rows[0][0], name);
    assert.match(s.rows[1][0], /^Bộ lọc: /, url);
    assert.match(s.rows[2][0], /^Số liệu tại thời điểm \d\d\/\d\d\/\d{4} \d\d:\d\d/, url);
    const head = s.rows[HEADER], body = s.rows.slice(HEADER + 1);
    assert.equal(head[0], 'STT');
    assert.ok(body.length > 0, url);
    assert.deepEqual(body.map((x) => x[0]), body.map((_, i) => String(i + 1)), `${url}: STT counts rows`);
    for (const h of head) assert.doesNotMatch(h, /^[a-z]+(_[a-z]+)+$/, `${url}: a field name as a title: ${h}`);
    assert.ok(!head.includes('Số thứ tự'), `${url}: no database ids`);
    if (word) assert.ok(body.some((x) => x.includes(word)), `${url}: "${word}" in words`);
    if (dateCol) {
      const col = head.indexOf(dateCol);
      assert.ok(col >= 0, `${url}: ${dateCol} in ${head}`);
      const fmt = cellFormats(r.bytes).get(`${letter(col)}${HEADER + 2}`);
      assert.match(fmt, /^dd\/mm\/yyyy/, `${url}: ${dateCol} is a date cell`);
      assert.match(body[0][col], /^\d+(\.\d+)?$/, `${url}: a date is a number, not text`);
    }
    assert.match(sheetXml(r.bytes), /state="frozen"/, `${url}: frozen header`);
    assert.match(sheetXml(r.bytes), /<autoFilter /, `${url}: filter buttons`);
    assert.match(sheetXml(r.bytes), /<col min="2" max="2" width="[\d.]+" customWidth="1"\/>/, `${url}: fitted widths`);
  }
  const tasks = readSheet((await bcd.get('/api/v1/tasks?status=open_overdue&format=xlsx')).bytes);
  assert.equal(tasks.rows[1][0], 'Bộ lọc: Trạng thái: Chưa hoàn thành – quá hạn', 'the filter in words');
  const values = readSheet((await bcd.get('/api/v1/values?period=2026Q2&format=xlsx')).bytes);
  assert.equal(values.rows[1][0], 'Bộ lọc: Kỳ báo cáo: Quý II/2026');
  assert.ok(values.rows.slice(HEADER + 1).every((x) => x.includes('Quý II/2026')), 'periods in words');
});

test('the dashboard exports with rounded numbers and colours in words; English when the UI is English', async () => {
  const r = await bcd.get('/api/v1/dashboard?format=xlsx');
  assert.equal(r.status, 200, r.text);
  const s = readSheet(r.bytes), formats = cellFormats(r.bytes);
  assert.equal(s.name, 'Tổng quan');
  const numbers = s.rows.slice(HEADER + 1).flatMap((row, i) => row.map((c, k) => [c, formats.get(`${letter(k)}${HEADER + 2 + i}`)]))
    .filter(([c, f]) => /^-?[\d.]+(E-?\d+)?$/i.test(c) && !/^dd/.test(f || ''));
  assert.ok(numbers.length > 10);
  assert.ok(numbers.every(([c]) => !/e-\d/i.test(c)), 'no 4,17e-18');
  // (a cell holds the double nearest the rounded number: 73.6 may be
  // written 73.59999999999999, and shows 73,60)
  for (const [c, f] of numbers) {
    assert.ok(Math.abs(Number(c) * 1e4 - Math.round(Number(c) * 1e4)) < 1e-6 || Math.abs(Number(c)) < 1, `rounded: ${c}`);
    if (!Number.isInteger(Number(c))) assert.match(f || '', /0\.0|0\.00|%/, `${c} is shown in a number format`);
  }
  const cells = s.rows.slice(HEADER + 1).flat();
  assert.ok(cells.some((c) => ['Xanh', 'Vàng', 'Đỏ', 'Xám', 'xanh', 'vàng', 'đỏ', 'xám'].includes(c)), 'colours in words');

  const en = readSheet((await bcd.get('/api/v1/tasks?status=open_overdue&format=xlsx&lang=en')).bytes);
  assert.equal(en.name, 'Tasks');
  assert.equal(en.rows[1][0], 'Filter: Status: Open, overdue');
  assert.match(en.rows[2][0], /^Data as of /);
  assert.deepEqual(en.rows[HEADER].slice(0, 3), ['No.', 'Code', 'Title']);
  const ven = readSheet((await bcd.get('/api/v1/values/export?period=2026Q2&lang=en&format=xlsx')).bytes);
  assert.equal(ven.name, 'Indicator values');
  assert.ok(ven.rows[HEADER].includes('Indicator code'));
});

test('the values export is a sheet that imports back unchanged, with the deadline as a date', async () => {
  const first = await hoankiem.get(`/api/v1/values/export?format=xlsx&period=2026Q2&unit_id=${unitId('00070')}`);
  assert.equal(first.status, 200, first.text);
  const sheet = readSheet(first.bytes);
  assert.equal(sheet.name, 'Số liệu chỉ tiêu');
  const head = sheet.rows[HEADER];
  assert.deepEqual(head.slice(0, 6), ['STT', 'Mã chỉ tiêu', 'Mã đơn vị', 'Kỳ báo cáo', 'Giá trị', 'Ghi chú']);
  const col = head.indexOf('Hạn nộp');
  assert.match(cellFormats(first.bytes).get(`${letter(col)}${HEADER + 2}`), /^dd\/mm\/yyyy/);
  const r = await upload(hoankiem, first.bytes);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, 0);
  const second = readSheet((await hoankiem.get(`/api/v1/values/export?format=xlsx&period=2026Q2&unit_id=${unitId('00070')}`)).bytes);
  assert.deepEqual(second.rows.slice(HEADER), sheet.rows.slice(HEADER));
});
