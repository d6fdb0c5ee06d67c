// Values in and out: our CSV template and DHIS2 dataValueSets. One bad
// cell saves nothing and is named by row and column; a good file
// round-trips export → import → export unchanged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbExec } from '../lib/server.mjs';
import { addUser, importUnits, signIn } from '../lib/auth.mjs';
import { readSheet, writeSheet } from '../lib/xlsx.mjs';

let srv, officer, steering;
before(async () => {
  srv = await startServer();
  await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n00004,Phường Ba Đình,01,commune\n00008,Phường Ngọc Hà,01,commune\n');
  await addUser(srv, 'bcd', { role: 'steering', unit: '01' });
  await addUser(srv, 'can-bo-bd', { role: 'officer', unit: '00004' });
  steering = await signIn(srv, 'bcd');
  officer = await signIn(srv, 'can-bo-bd');
  for (const [code, formula] of [['DN-KHCN'], ['NL-RD'], ['GRDP'], ['TL', 'NL-RD.x']]) {
    const body = { code, name_vi: `Chỉ tiêu ${code}`, direction: 'up', aggregation: 'sum' };
    if (formula) body.formula = '{NL-RD} / GRDP';
    assert.equal((await steering.post('/api/v1/indicators', body)).status, 201);
  }
});
after(async () => { await srv?.stop(); });

const csvPost = (c, text, q = '') => c.post(`/api/v1/values/import${q}`, text, { 'content-type': 'text/csv' });
const count = () => dbExec(srv.db, 'SELECT COUNT(*) FROM indicator_value');
// Import entries over every value's history as the API shows it.
async function importEntries(c) {
  let n = 0;
  for (const id of dbExec(srv.db, 'SELECT id FROM indicator_value').split('\n').filter(Boolean))
    n += (await c.get(`/api/v1/values/${id}`)).json.history.filter((h) => h.action === 'import').length;
  return n;
}

test('one bad cell of each kind saves nothing and is named by row and column', async () => {
  const text = [
    'indicator_code,unit_code,period,value,note',
    'DN-KHCN,00004,2025Q3,12,',
    'NL-RD,00004,2025Q3,"12,5",dấu phẩy',
    'NL-RD,99999,2025Q3,3,',
    'NL-RD,00004,2025Q5,3,',
    'TL,00004,2025Q3,0.5,',
    'GRDP,00008,2025Q3,1000,',
  ].join('\n');
  const r = await csvPost(officer, text);
  assert.equal(r.status, 422, r.text);
  const got = r.json.error.details.map((p) => `${p.row}:${p.column}:${p.field}`);
  assert.deepEqual(got, ['3:D:value', '4:B:unit_code', '5:C:period', '6:A:indicator_code', '7:B:unit_code']);
  assert.match(r.json.error.details[0].message, /'12,5' is not a number/);
  assert.match(r.json.error.details[4].message, /may not report for unit 00008/);
  assert.equal(count(), '0');
});

test('a good file round-trips: export → import → export gives the same contents', async () => {
  const text = 'indicator_code,unit_code,period,value,note\r\nDN-KHCN,00004,2025Q3,12,\r\nNL-RD,00004,2025Q3,13.25,"Ghi chú, có dấu phẩy"\r\nNL-RD,00004,2025M9,-4,\r\n';
  const dry = await csvPost(officer, text, '?dry_run=1');
  assert.deepEqual([dry.json.created, dry.json.updated, dry.json.dry_run], [3, 0, true], 'a dry run counts what would be saved');
  assert.equal(count(), '0', 'a dry run saves nothing');
  const r = await csvPost(officer, text);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.created, r.json.updated, r.json.total], [3, 0, 3]);
  const audit = await steering.get('/api/v1/audit?entity=indicator_value');
  const entry = audit.json.entries.find((e) => e.action === 'import');
  assert.ok(entry, 'one audit entry for the import');
  assert.equal(entry.after.rows, 3);
  assert.match(entry.after.rows_sha256, /^[0-9a-f]{64}$/);
  assert.equal(await importEntries(officer), 3);
  const first = await officer.get('/api/v1/values/export?period=2025Q3');
  assert.equal(first.status, 200);
  assert.match(first.headers.get('content-type'), /^text\/csv/);
  const all = (await officer.get('/api/v1/values/export')).text;
  const again = await csvPost(officer, all);
  assert.equal(again.status, 200, again.text);
  assert.equal((await officer.get('/api/v1/values/export')).text, all);
  assert.equal(await importEntries(officer), 6, 'one history entry per value imported');
  const mixed = await csvPost(officer, 'indicator_code,unit_code,period,value\nNL-RD,00004,2025Q3,14.5\nNL-RD,00004,2025M8,7\n');
  assert.deepEqual([mixed.json.created, mixed.json.updated], [1, 1], mixed.text);
  for (const [p, v] of [['2025Q3', 14.5], ['2025M8', 7]]) {
    const vid = dbExec(srv.db, `SELECT v.id FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id WHERE i.code = 'NL-RD' AND v.period = '${p}'`);
    const h = (await officer.get(`/api/v1/values/${vid}`)).json.history;
    assert.deepEqual(h.map((x) => [x.action, x.status, x.value]).at(-1), ['import', 'draft', v], `history of ${p}`);
    assert.equal(h.filter((x) => x.action === 'import').length, p === '2025Q3' ? 3 : 1, `import entries of ${p}`);
  }
  const restored = await csvPost(officer, all);
  assert.equal(restored.status, 200, restored.text);
  assert.match(all, /NL-RD,00004,2025Q3,13.25,"Ghi chú, có dấu phẩy"/);
  // Submitted values cannot be overwritten by a file.
  const id = dbExec(srv.db, "SELECT v.id FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id WHERE i.code = 'DN-KHCN'");
  assert.equal((await officer.post(`/api/v1/values/${id}/submit`)).status, 200);
  const locked = await csvPost(officer, 'indicator_code,unit_code,period,value\nDN-KHCN,00004,2025Q3,99\n');
  assert.equal(locked.status, 422);
  assert.match(locked.json.error.details[0].message, /submitted or approved and cannot change/);
  // Sent back unchanged, a submitted value is passed over, not refused.
  const same = await csvPost(officer, 'indicator_code,unit_code,period,value\nDN-KHCN,00004,2025Q3,12\n');
  assert.equal(same.status, 200, same.text);
  assert.equal(dbExec(srv.db, `SELECT status FROM indicator_value WHERE id = ${id}`), 'submitted');
});

test('an imported value keeps every step in its history: import, save, submit, return, import again, approve', async () => {
  const put = (v) => officer.put('/api/v1/values', { indicator_code: 'GRDP', unit_code: '00004', period: '2027Q1', value: v });
  assert.equal((await csvPost(officer, 'indicator_code,unit_code,period,value,note\nGRDP,00004,2027Q1,100,từ tệp\n')).status, 200);
  const id = dbExec(srv.db, "SELECT v.id FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id WHERE i.code = 'GRDP' AND v.period = '2027Q1'");
  const steps = async () => (await officer.get(`/api/v1/values/${id}`)).json.history.map((h) => [h.action, h.status, h.value, h.by]);
  assert.deepEqual(await steps(), [['import', 'draft', 100, 'can-bo-bd']]);
  assert.equal((await put(101)).status, 200);
  assert.equal((await officer.post(`/api/v1/values/${id}/submit`)).status, 200);
  assert.equal((await steering.post(`/api/v1/values/${id}/return`, { reason: 'thiếu minh chứng' })).status, 200);
  assert.equal((await csvPost(officer, 'indicator_code,unit_code,period,value\nGRDP,00004,2027Q1,102\n')).status, 200);
  assert.equal((await officer.post(`/api/v1/values/${id}/submit`)).status, 200);
  assert.equal((await steering.post(`/api/v1/values/${id}/approve`)).status, 200);
  assert.deepEqual(await steps(), [
    ['import', 'draft', 100, 'can-bo-bd'], ['save', 'draft', 101, 'can-bo-bd'], ['submit', 'submitted', 101, 'can-bo-bd'],
    ['return', 'returned', 101, 'bcd'], ['import', 'draft', 102, 'can-bo-bd'], ['submit', 'submitted', 102, 'can-bo-bd'],
    ['approve', 'approved', 102, 'bcd'],
  ]);
  const h = (await officer.get(`/api/v1/values/${id}`)).json.history;
  assert.equal(h[3].reason, 'thiếu minh chứng');
  assert.ok(h.every((x, i) => i === 0 || x.at >= h[i - 1].at), 'in time order');
});

test('each imported value gets its own period\'s deadline, the same as a value saved by hand', async () => {
  const text = 'indicator_code,unit_code,period,value\nDN-KHCN,00004,2028Q2,1\nDN-KHCN,00004,2028,2\nNL-RD,00004,2028Q2,3\nNL-RD,00004,2028M9,4\n';
  assert.equal((await csvPost(officer, text)).status, 200);
  const byHand = await officer.put('/api/v1/values', { indicator_code: 'GRDP', unit_code: '00004', period: '2028Q2', value: 5 });
  assert.equal(byHand.status, 200, byHand.text);
  const got = dbExec(srv.db, "SELECT i.code || ' ' || v.period || ' ' || v.deadline FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id WHERE v.period LIKE '2028%' ORDER BY i.code, v.period");
  assert.deepEqual(got.split('\n'), ['DN-KHCN 2028 2029-01-15', 'DN-KHCN 2028Q2 2028-07-15', 'GRDP 2028Q2 2028-07-15', 'NL-RD 2028M9 2028-10-15', 'NL-RD 2028Q2 2028-07-15']);
});

test('a DHIS2 dataValueSets payload imports with codes as identifiers', async () => {
  const payload = {
    dataSet: 'NQ57', period: '2025Q4', orgUnit: '00004',
    dataValues: [
      { dataElement: 'DN-KHCN', value: '15', comment: 'Quý IV' },
      { dataElement: 'NL-RD', period: '202512', orgUnit: '00004', value: '14.5' },
    ],
  };
  const dry = await officer.post('/api/v1/dataValueSets?dryRun=true&importStrategy=CREATE_AND_UPDATE', payload);
  assert.equal(dry.status, 200, dry.text);
  assert.equal(dry.json.status, 'SUCCESS');
  assert.equal(dbExec(srv.db, "SELECT COUNT(*) FROM indicator_value WHERE period IN ('2025Q4', '202512')"), '0');
  const r = await officer.post('/api/v1/dataValueSets', payload);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.importCount, { imported: 2, updated: 0, ignored: 0, deleted: 0 });
  const out = await officer.get('/api/v1/dataValueSets?period=202512');
  assert.deepEqual(out.json.dataValues.map((d) => [d.dataElement, d.orgUnit, d.period, d.value]), [['NL-RD', '00004', '202512', '14.5']]);
  const bad = await officer.post('/api/v1/dataValueSets', { dataValues: [{ dataElement: 'KHONG', period: '2025', orgUnit: '00004', value: 'abc' }] });
  // DHIS2's own answer to conflicts: 409 with an import summary of status ERROR.
  assert.equal(bad.status, 409);
  assert.equal(bad.json.status, 'ERROR');
  assert.deepEqual(bad.json.conflicts.map((c) => c.property), ['dataElement', 'value']);
  assert.equal((await officer.post('/api/v1/dataValueSets?importStrategy=MERGE', payload)).status, 422);
});

test('DHIS2 importStrategy: CREATE leaves existing values alone, UPDATE leaves new keys alone', async () => {
  const value = (period) => dbExec(srv.db, `SELECT CAST(v.value AS INTEGER) FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id WHERE i.code = 'GRDP' AND v.period = '${period}'`);
  const set = (dataValues, strategy) => officer.post(`/api/v1/dataValueSets?importStrategy=${strategy}`, { orgUnit: '00004', dataValues });
  assert.equal((await set([{ dataElement: 'GRDP', period: '2024', value: '100' }], 'CREATE_AND_UPDATE')).status, 200);
  const created = await set([{ dataElement: 'GRDP', period: '2024', value: '111' }, { dataElement: 'GRDP', period: '2023', value: '90' }], 'CREATE');
  assert.equal(created.status, 200, created.text);
  assert.deepEqual(created.json.importCount, { imported: 1, updated: 0, ignored: 1, deleted: 0 });
  assert.deepEqual([value('2024'), value('2023')], ['100', '90']);
  const updated = await set([{ dataElement: 'GRDP', period: '2024', value: '120' }, { dataElement: 'GRDP', period: '2022', value: '80' }], 'UPDATE');
  assert.deepEqual(updated.json.importCount, { imported: 0, updated: 1, ignored: 1, deleted: 0 });
  assert.deepEqual([value('2024'), value('2022')], ['120', '']);
});

test('the same key twice names the row that had it first; nothing is saved', async () => {
  const before = count();
  const r = await csvPost(officer, 'indicator_code,unit_code,period,value\nGRDP,00004,2021,1\nGRDP,00004,2020,2\nGRDP,00004,2021,3\n');
  assert.equal(r.status, 422);
  assert.deepEqual(r.json.error.details.map((p) => [p.row, p.column]), [[4, 'C']]);
  assert.match(r.json.error.details[0].message, /as row 2/);
  assert.equal(count(), before);
});

// ---------------------------------------------------------------- XLSX

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const xlsxPost = (c, buf, q = '') => c.post(`/api/v1/values/import${q}`, buf, { 'content-type': XLSX });
const unitId = (code) => dbExec(srv.db, `SELECT id FROM unit WHERE code = '${code}'`);

test('the XLSX template lists what the unit reports, pre-filled; filled in and uploaded, it saves', async () => {
  const t = await officer.get(`/api/v1/values/template?unit_id=${unitId('00004')}&period=2026Q1`);
  assert.equal(t.status, 200, t.text);
  assert.equal(t.headers.get('content-type'), XLSX);
  const sheet = readSheet(t.bytes);
  // a title and two lines of notes above the header (see excel.test.mjs)
  const head = sheet.rows[3], col = (title) => head.indexOf(title);
  assert.deepEqual(['Mã chỉ tiêu', 'Mã đơn vị', 'Kỳ báo cáo', 'Giá trị', 'Ghi chú', 'Trạng thái'].map(col).every((i) => i >= 0), true, head.join(','));
  const keys = sheet.rows.slice(4).map((r) => [r[col('Mã chỉ tiêu')], r[col('Mã đơn vị')], r[col('Kỳ báo cáo')]].join('|'));
  assert.deepEqual(keys, ['DN-KHCN|00004|Quý I/2026', 'GRDP|00004|Quý I/2026', 'NL-RD|00004|Quý I/2026'], 'every indicator that takes values, none derived');
  assert.equal(sheet.rows[4][col('Trạng thái')], 'Chưa nhập');
  assert.equal((await officer.get(`/api/v1/values/template?unit_id=${unitId('00008')}&period=2026Q1`)).status, 403,
    'another unit\'s template is not for this officer');
  // The officer fills it in as Excel would save it (shared strings, numbers).
  const filled = [...sheet.rows.slice(0, 4), ...sheet.rows.slice(4).map((r, i) => r.map((x, k) =>
    (k === col('Giá trị') ? 10 + i : k === col('Ghi chú') ? (i === 0 ? 'Theo báo cáo quý' : '') : x)))];
  const r = await xlsxPost(officer, writeSheet(filled));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.created, r.json.total], [3, 3]);
  const again = readSheet((await officer.get(`/api/v1/values/template?unit_id=${unitId('00004')}&period=2026Q1&format=xlsx`)).bytes);
  assert.deepEqual(again.rows.slice(4).map((x) => [x[col('Giá trị')], x[col('Trạng thái')]]), [['10', 'Nháp'], ['11', 'Nháp'], ['12', 'Nháp']]);
  assert.equal(again.rows[4][col('Ghi chú')], 'Theo báo cáo quý');
});

test('an XLSX upload with one bad cell saves nothing and names the cell', async () => {
  const head = ['Mã chỉ tiêu', 'Mã đơn vị', 'Kỳ báo cáo', 'Giá trị', 'Ghi chú'];
  const good = ['GRDP', '00004', '2026Q2', 5, ''];
  const cases = [
    [['GRDP', '00004', '2026Q2', '12,5', ''], '2:D', /'12,5' is not a number/],
    [['GRDP', 'KHONG-CO', '2026Q2', 5, ''], '2:B', /no unit with code/],
    [['GRDP', '00004', '2026Q9', 5, ''], '2:C', /period/],
    [['TL', '00004', '2026Q2', 5, ''], '2:A', /computed from its formula/],
  ];
  const before = count();
  for (const [bad, where, message] of cases) {
    const r = await xlsxPost(officer, writeSheet([head, bad, ['NL-RD', '00004', '2026Q2', 7, '']]));
    assert.equal(r.status, 422, r.text);
    assert.deepEqual(r.json.error.details.map((p) => `${p.row}:${p.column}`), [where]);
    assert.match(r.json.error.details[0].message, message);
  }
  assert.equal(count(), before, 'nothing saved');
  const damaged = writeSheet([head, good]).subarray(0, 200);
  const d = await xlsxPost(officer, damaged);
  assert.equal(d.status, 422);
  assert.match(d.json.error.message, /xlsx|damaged/i);
  assert.equal(count(), before);
});

test('XLSX round trip: export → import → export gives the same sheet', async () => {
  const first = await officer.get('/api/v1/values/export?format=xlsx');
  assert.equal(first.status, 200);
  assert.match(first.headers.get('content-disposition'), /values\.xlsx/);
  assert.ok(readSheet(first.bytes).rows.length > 3);
  const r = await xlsxPost(officer, first.bytes);
  assert.equal(r.status, 200, r.text);
  const second = await officer.get('/api/v1/values/export?format=xlsx');
  // the same rows below the line that says when the data was taken, but
  // for when each draft was last saved
  const rows = (buf) => { const r = readSheet(buf).rows.slice(3), at = r[0].indexOf('Cập nhật lúc'); return r.map((x) => x.filter((_, k) => k !== at)); };
  assert.deepEqual(rows(second.bytes), rows(first.bytes));
});

test('any list exports as XLSX with Vietnamese column titles and every row', async () => {
  const json = await steering.get('/api/v1/indicators');
  const r = await steering.get('/api/v1/indicators?format=xlsx');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), XLSX);
  const sheet = readSheet(r.bytes);
  assert.equal(sheet.name, 'Chỉ tiêu');
  const head = sheet.rows[3];   // below a title, the filter and the moment
  assert.ok(head.includes('Mã') && head.includes('Tên'), head.join(','));
  assert.equal(sheet.rows.length - 4, json.json.total);
  const codeCol = head.indexOf('Mã');
  assert.deepEqual(sheet.rows.slice(4).map((x) => x[codeCol]).sort(), json.json.indicators.map((i) => i.code).sort());
  const units = readSheet((await steering.get('/api/v1/units?format=xlsx')).bytes);
  assert.ok(units.rows.some((x) => x.includes('Phường Ba Đình')));
});

test('DHIS2 dataValueSets in CSV: export, then import of DHIS2\'s own columns with dryRun, and a bad cell named', async () => {
  const out = await officer.get('/api/v1/dataValueSets?format=csv&period=202512');
  assert.equal(out.status, 200);
  assert.match(out.headers.get('content-type'), /^application\/csv/);
  const lines = out.text.trim().split('\r\n');
  assert.equal(lines[0], 'dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,followup,deleted');
  assert.match(lines[1], /^NL-RD,202512,00004,,,14\.5,can-bo-bd,\d{4}-/, 'storedby: who saved it last, as DHIS2 writes it');
  const csv = 'dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,followup\n'
    + 'GRDP,2019,00004,,,55,admin,2019-12-31,Số liệu năm 2019,false\nDN-KHCN,2019,00004,,,8,,,,false\n';
  const post = (body, q = '') => officer.post(`/api/v1/dataValueSets${q}`, body, { 'content-type': 'application/csv' });
  const dry = await post(csv, '?dryRun=true');
  assert.equal(dry.status, 200, dry.text);
  assert.deepEqual(dry.json.importCount, { imported: 2, updated: 0, ignored: 0, deleted: 0 });
  assert.equal(dbExec(srv.db, "SELECT COUNT(*) FROM indicator_value WHERE period = '2019'"), '0');
  const r = await post(csv);
  assert.equal(r.status, 200, r.text);
  assert.equal(dbExec(srv.db, "SELECT note FROM indicator_value WHERE period = '2019' AND note IS NOT NULL"), 'Số liệu năm 2019');
  const bad = await post('dataelement,period,orgunit,catoptcombo,attroptcombo,value\nGRDP,2018,00004,,,5%\n');
  assert.equal(bad.status, 409);
  assert.deepEqual(bad.json.conflicts.map((c) => [c.row, c.property, c.object]), [[2, 'value', '5%']]);
});
