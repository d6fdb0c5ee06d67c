// DHIS2's dataValueSets as a DHIS2 client uses it, on the demo data: the
// query parameters pick exactly the values asked for, and an import
// answers with DHIS2's import summary, honouring importStrategy, dryRun
// and atomicMode. Payloads follow the shapes of DHIS2's Web API
// documentation (JSON dataValueSet with dataValues, and its CSV columns).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dbExec } from '../lib/server.mjs';
import { startDemoServer } from '../lib/demo.mjs';
import { addUser, client, importUnits, signIn } from '../lib/auth.mjs';

let srv, steering, admin, syt, hoankiem, viewer, badinh, anon;
before(async () => {
  srv = await startDemoServer();
  // A unit inside Phường Ba Đình, so that its subtree is more than itself,
  // and an officer of Ba Đình.
  await importUnits(srv, 'code,name,parent_code,kind\n00004-TDP1,Tổ dân phố số 1 Ba Đình,00004,other\n');
  await addUser(srv, 'badinh', { role: 'officer', unit: '00004' });
  [steering, admin, syt, hoankiem, viewer, badinh] = await Promise.all(
    ['bcd', 'quantri', 'syt', 'hoankiem', 'xem', 'badinh'].map((l) => signIn(srv, l)));
  anon = client(srv);
  const r = await badinh.put('/api/v1/values', { indicator_code: '5G-PHU', unit_code: '00004-TDP1', period: '2026Q3', value: 91 });
  assert.equal(r.status, 200, r.text);
});
after(async () => { await srv?.stop(); });

const q = (s) => `/api/v1/dataValueSets?${s}`;
const keys = (r) => r.json.dataValues.map((d) => `${d.dataElement}|${d.orgUnit}|${d.period}`);
const sql = (s) => dbExec(srv.db, s);
// Every value as indicator, unit, period, value, status: equal before and
// after a refused request means nothing changed.
const snapshot = () => sql("SELECT i.code || '|' || u.code || '|' || v.period || '|' || CAST(v.value AS TEXT) || '|' || v.status "
  + 'FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id JOIN unit u ON u.id = v.unit_id ORDER BY v.id');
// "98 draft", or '' when there is no such value.
const valueOf = (ind, unit, period) => {
  const row = sql(`SELECT v.value || '|' || v.status FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id `
    + `JOIN unit u ON u.id = v.unit_id WHERE i.code = '${ind}' AND u.code = '${unit}' AND v.period = '${period}'`);
  if (!row) return '';
  const [v, status] = row.split('|');
  return `${Number(v)} ${status}`;
};

// ---------------------------------------------------------------- reading

test('dataElement, period and orgUnit pick only that unit\'s value; children=true its subtree', async () => {
  const one = await steering.get(q('dataElement=5G-PHU&period=2026Q3&orgUnit=00004'));
  assert.equal(one.status, 200, one.text);
  assert.deepEqual(keys(one), ['5G-PHU|00004|2026Q3']);
  assert.equal(one.json.dataValues[0].value, '98');
  const sub = await steering.get(q('dataElement=5G-PHU&period=2026Q3&orgUnit=00004&children=true'));
  assert.deepEqual(keys(sub), ['5G-PHU|00004|2026Q3', '5G-PHU|00004-TDP1|2026Q3']);
  const all = await steering.get(q('dataElement=5G-PHU&period=2026Q3'));
  assert.equal(all.json.dataValues.length, 35, 'every commune and the new unit without orgUnit');
  const city = await steering.get(q('dataElement=5G-PHU&period=2026Q3&orgUnit=01'));
  assert.deepEqual(keys(city), [], 'the city itself reports no 5G-PHU; its communes are its children');
  const cityAll = await steering.get(q('dataElement=5G-PHU&period=2026Q3&orgUnit=01&children=true'));
  assert.equal(cityAll.json.dataValues.length, 35);
  // Repeated parameters: two units, two periods.
  const two = await steering.get(q('dataElement=5G-PHU&orgUnit=00004&orgUnit=00070&period=2026Q2&period=2026Q3'));
  assert.deepEqual(keys(two).sort(), ['5G-PHU|00004|2026Q2', '5G-PHU|00004|2026Q3', '5G-PHU|00070|2026Q2', '5G-PHU|00070|2026Q3']);
  // The same in DHIS2's CSV.
  const csv = await steering.get(q('dataElement=5G-PHU&period=2026Q3&orgUnit=00004&format=csv'));
  assert.match(csv.headers.get('content-type'), /^application\/csv/);
  const lines = csv.text.trim().split('\r\n');
  assert.equal(lines.length, 2, csv.text);
  assert.match(lines[1], /^5G-PHU,2026Q3,00004,,,98,/);
  // DHIS2 clients also name the format in the path.
  const dotCsv = await steering.get('/api/v1/dataValueSets.csv?dataElement=5G-PHU&period=2026Q3&orgUnit=00004');
  assert.equal(dotCsv.text, csv.text);
  const dotJson = await steering.get('/api/v1/dataValueSets.json?dataElement=5G-PHU&period=2026Q3&orgUnit=00004');
  assert.deepEqual(dotJson.json, one.json);
});

test('idScheme NAME and UID name data elements and units in both directions', async () => {
  const ids = sql("SELECT (SELECT id FROM indicator WHERE code = '5G-PHU') || ' ' || (SELECT id FROM unit WHERE code = '00004')").split(' ');
  const name = sql("SELECT name_vi FROM indicator WHERE code = '5G-PHU'");
  const byName = await steering.get(q(`idScheme=NAME&dataElement=${encodeURIComponent(name)}&orgUnit=${encodeURIComponent('Phường Ba Đình')}&period=2026Q3`));
  assert.equal(byName.status, 200, byName.text);
  assert.deepEqual(keys(byName), [`${name}|Phường Ba Đình|2026Q3`]);
  const byUid = await steering.get(q(`idScheme=UID&dataElement=${ids[0]}&orgUnit=${ids[1]}&period=2026Q3`));
  assert.deepEqual(keys(byUid), [`${ids[0]}|${ids[1]}|2026Q3`]);
  // Schemes apart: data elements by code, units by id.
  const mixed = await steering.get(q(`orgUnitIdScheme=ID&dataElement=5G-PHU&orgUnit=${ids[1]}&period=2026Q3`));
  assert.deepEqual(keys(mixed), [`5G-PHU|${ids[1]}|2026Q3`]);
  const unknown = await steering.get(q('dataElement=KHONG-CO&period=2026Q3'));
  assert.equal(unknown.status, 422);
  assert.equal(unknown.json.error.template, "dataElement '%.60s' is not known (dataElementIdScheme %s)");
  assert.equal((await steering.get(q('idScheme=ATTRIBUTE'))).status, 422);
});

test('dataSet, startDate/endDate and lastUpdated narrow the values like DHIS2', async () => {
  const set = await steering.get(q('dataSet=MT3&orgUnit=00004&period=2026Q3'));
  assert.deepEqual(keys(set), ['5G-PHU|00004|2026Q3'], 'objective MT3 holds 5G-PHU only');
  const plan = await steering.get(q(`dataSet=${encodeURIComponent('43/KH-UBND')}&orgUnit=00004&period=2026Q3`));
  assert.ok(plan.json.dataValues.length >= 1 && plan.json.dataValues.every((d) => d.orgUnit === '00004' && d.period === '2026Q3'));
  assert.equal((await steering.get(q('dataSet=KHONG-CO'))).status, 422);
  const span = await steering.get(q('dataElement=5G-PHU&orgUnit=00004&startDate=2025-04-01&endDate=2025-12-31'));
  assert.deepEqual(keys(span), ['5G-PHU|00004|2025Q2', '5G-PHU|00004|2025Q3', '5G-PHU|00004|2025Q4']);
  const dhis2Ids = await steering.get(q('dataElement=5G-PHU&orgUnit=00004&period=2025&period=202509'));
  assert.deepEqual(keys(dhis2Ids), [], 'a yearly and a monthly period id are read; the demo has no such values');
  const future = await steering.get(q('dataElement=5G-PHU&orgUnit=00004&lastUpdated=2999-01-01'));
  assert.deepEqual(keys(future), []);
  const past = await steering.get(q('dataElement=5G-PHU&orgUnit=00004&lastUpdated=2000-01-01&includeDeleted=true'));
  assert.equal(past.json.dataValues.length, 7);
  assert.match(past.json.dataValues[0].lastUpdated, /^\d{4}-\d\d-\d\dT/);
  assert.equal((await steering.get(q('period=2026W3'))).status, 422);
  assert.equal((await steering.get(q('startDate=30/09/2026'))).status, 422);
});

test('each reader sees only what it may read, as GET /api/v1/values', async () => {
  const ask = q('dataElement=5G-PHU&orgUnit=00004&children=true');
  const mine = await badinh.get(ask);
  assert.equal(mine.json.dataValues.length, 8, 'the unit\'s officer: drafts and approved values of its subtree');
  const other = await hoankiem.get(ask);
  assert.ok(other.json.dataValues.length > 0 && other.json.dataValues.every((d) => d.status === 'approved'),
    'another commune\'s officer: approved values only');
  const nobody = await anon.get(ask);
  assert.deepEqual(nobody.json.dataValues.map((d) => d.status).filter((s) => s !== 'approved'), []);
});

// ---------------------------------------------------------------- writing

// The dataValueSet of DHIS2's documentation: set-level period and orgUnit,
// data values with dataElement, categoryOptionCombo, value and comment.
const documented = (values, extra = {}) => ({ dataSet: 'MT3', completeDate: '2026-10-05', period: '2026Q4', orgUnit: '00004', ...extra, dataValues: values });

test('an import answers with DHIS2\'s summary: counts, importOptions, status SUCCESS', async () => {
  const before = snapshot();
  const payload = documented([
    { dataElement: '5G-PHU', categoryOptionCombo: 'HllvX50cXC0', value: '99', comment: 'Quý IV' },
    { dataElement: '5G-PHU', period: '2026Q3', value: '97' },
  ]);
  const dry = await badinh.post('/api/v1/dataValueSets?dryRun=true', payload);
  assert.equal(dry.status, 200, dry.text);
  assert.equal(dry.json.status, 'SUCCESS');
  assert.equal(dry.json.responseType, 'ImportSummary');
  assert.deepEqual(dry.json.importCount, { imported: 1, updated: 1, ignored: 0, deleted: 0 });
  assert.equal(dry.json.importOptions.dryRun, true);
  assert.equal(dry.json.importOptions.importStrategy, 'CREATE_AND_UPDATE');
  assert.equal(snapshot(), before, 'a dry run saves nothing');
  const r = await badinh.post('/api/v1/dataValueSets', payload);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.status, r.json.importCount, r.json.conflicts], ['SUCCESS', { imported: 1, updated: 1, ignored: 0, deleted: 0 }, []]);
  assert.equal(valueOf('5G-PHU', '00004', '2026Q4'), '99 draft');
  assert.equal(valueOf('5G-PHU', '00004', '2026Q3'), '97 draft');
});

const lockedPayload = () => documented([
  { dataElement: '5G-PHU', period: '2025Q3', value: '70', comment: 'sửa số đã duyệt' },   // approved: locked
  { dataElement: '5G-PHU', period: '2026Q3', value: '96' },                                  // a draft: updated
  { dataElement: 'NL-RD', period: '2026Q4', value: '1.5' },                                  // new
]);

test('atomicMode ALL (the default): one locked value, 409 ERROR, nothing saved', async () => {
  const before = snapshot();
  const r = await badinh.post('/api/v1/dataValueSets', lockedPayload());
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.status, 'ERROR');
  assert.deepEqual(r.json.importCount, { imported: 0, updated: 0, ignored: 3, deleted: 0 });
  assert.equal(r.json.conflicts.length, 1);
  assert.deepEqual([r.json.conflicts[0].object, r.json.conflicts[0].property, r.json.conflicts[0].indexes], ['70', 'value', [0]]);
  assert.match(r.json.conflicts[0].value, /submitted or approved/);
  assert.ok(r.json.conflicts[0].errorCode.startsWith('E76'));
  assert.equal(snapshot(), before);
});

test('atomicMode NONE: the good rows are imported, the locked one is listed as a conflict', async () => {
  const dry = await badinh.post('/api/v1/dataValueSets?atomicMode=NONE&dryRun=true', lockedPayload());
  const before = snapshot();
  assert.equal(dry.status, 200, dry.text);
  assert.deepEqual(dry.json.importCount, { imported: 1, updated: 1, ignored: 1, deleted: 0 });
  assert.equal(snapshot(), before, 'a dry run saves nothing, in NONE mode too');
  const r = await badinh.post('/api/v1/dataValueSets?atomicMode=NONE', lockedPayload());
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'WARNING');
  assert.equal(r.json.importOptions.atomicMode, 'NONE');
  assert.deepEqual(r.json.importCount, { imported: 1, updated: 1, ignored: 1, deleted: 0 });
  assert.deepEqual(r.json.conflicts.map((c) => [c.object, c.property, c.indexes[0]]), [['70', 'value', 0]]);
  assert.equal(valueOf('5G-PHU', '00004', '2025Q3'), '68 approved', 'the approved value is untouched');
  assert.equal(valueOf('5G-PHU', '00004', '2026Q3'), '96 draft');
  assert.equal(valueOf('NL-RD', '00004', '2026Q4'), '1.5 draft');
});

test('atomicMode NONE in DHIS2\'s CSV: a bad cell and a unit out of reach are conflicts, the rest imports', async () => {
  const csv = 'dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,followup\n'
    + 'DN-KHCN,2026Q4,00004,,,12,badinh,2026-10-01,Theo báo cáo,false\n'
    + 'DN-KHCN,2026Q4,00070,,,5,badinh,2026-10-01,,false\n'
    + 'NSLD,2026Q4,00004,,,abc,,,,false\n';
  const r = await badinh.post('/api/v1/dataValueSets.csv?atomicMode=NONE', csv, { 'content-type': 'text/plain' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'WARNING');
  assert.deepEqual(r.json.importCount, { imported: 1, updated: 0, ignored: 2, deleted: 0 });
  assert.deepEqual(r.json.conflicts.map((c) => [c.row, c.property, c.object]), [[3, 'orgUnit', '00070'], [4, 'value', 'abc']]);
  assert.equal(valueOf('DN-KHCN', '00004', '2026Q4'), '12 draft');
  assert.equal(valueOf('DN-KHCN', '00070', '2026Q4'), '');
});

test('importStrategy DELETE removes drafts; an approved value is a conflict', async () => {
  await badinh.post('/api/v1/dataValueSets', documented([{ dataElement: 'OCOP-SHTT', value: '3' }]));
  assert.equal(valueOf('OCOP-SHTT', '00004', '2026Q4'), '3 draft');
  const before = snapshot();
  const refused = await badinh.post('/api/v1/dataValueSets?importStrategy=DELETE', documented([
    { dataElement: 'OCOP-SHTT', value: '3' }, { dataElement: '5G-PHU', period: '2025Q1', value: '59' }]));
  assert.equal(refused.status, 409, refused.text);
  assert.equal(refused.json.conflicts[0].errorCode, 'E7641');
  assert.equal(snapshot(), before, 'atomicMode ALL: nothing deleted');
  const dry = await badinh.post('/api/v1/dataValueSets?importStrategy=DELETE&dryRun=true', documented([{ dataElement: 'OCOP-SHTT', value: '3' }]));
  assert.deepEqual(dry.json.importCount, { imported: 0, updated: 0, ignored: 0, deleted: 1 });
  assert.equal(snapshot(), before);
  const r = await badinh.post('/api/v1/dataValueSets?importStrategy=DELETE', documented([
    { dataElement: 'OCOP-SHTT', value: '3' }, { dataElement: 'OCOP-SHTT', period: '2019Q1', value: '1' }]));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.importCount, { imported: 0, updated: 0, ignored: 1, deleted: 1 });
  assert.equal(valueOf('OCOP-SHTT', '00004', '2026Q4'), '');
  const audit = await admin.get('/api/v1/audit?entity=indicator_value');
  assert.ok(audit.json.entries.some((e) => e.action === 'delete'), 'the deletion is in the audit trail');
});

test('an import by id (idScheme=UID) reads ids as DHIS2 UIDs, and numbers as values', async () => {
  const ids = sql("SELECT (SELECT id FROM indicator WHERE code = 'NN-CNC') || ' ' || (SELECT id FROM unit WHERE code = '00004')").split(' ');
  // A value sent as a JSON number is read as its text.
  const r = await badinh.post('/api/v1/dataValueSets?idScheme=UID', { dataValues: [{ dataElement: ids[0], orgUnit: ids[1], period: '2026Q4', value: 4 }] });
  assert.equal(r.status, 200, r.text);
  assert.equal(valueOf('NN-CNC', '00004', '2026Q4'), '4 draft');
});

test('requests that cannot be read keep our own error shape', async () => {
  const bad = await badinh.post('/api/v1/dataValueSets', '{"dataValues": [', { 'content-type': 'application/json' });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.template);
  const strat = await badinh.post('/api/v1/dataValueSets?atomicMode=SOME', documented([]));
  assert.equal(strat.status, 422);
  assert.equal(strat.json.error.template, 'atomicMode %.40s is not offered (ALL, NONE)');
});

// Who may import: steering office, administrator, officer (own and
// another unit), viewer, nobody. A refusal changes nothing.
test('authorisation matrix of POST /api/v1/dataValueSets', async () => {
  const cases = [
    ['steering', steering, '00004', 403], ['admin (own subtree)', admin, '00004', 200],
    ['officer (own unit)', syt, 'HN-SYT', 200], ['officer (other unit)', syt, '00004', 409],
    ['officer (other unit) hoankiem', hoankiem, '00004', 409],
    ['viewer', viewer, '00004', 403], ['anonymous', anon, '00004', 401],
  ];
  let n = 0;
  for (const [who, c, unit, status] of cases) {
    const period = `2030Q${(n++ % 4) + 1}`;
    const before = snapshot();
    const r = await c.post('/api/v1/dataValueSets', { dataValues: [{ dataElement: 'DT-KHCN', orgUnit: unit, period, value: '1' }] });
    assert.equal(r.status, status, `${who}: ${r.text}`);
    if (status === 200) assert.equal(valueOf('DT-KHCN', unit, period), '1 draft', who);
    else assert.equal(snapshot(), before, `${who}: nothing changed`);
    if (status === 409) assert.equal(r.json.conflicts[0].property, 'orgUnit');
    const del = await c.post('/api/v1/dataValueSets?importStrategy=DELETE', { dataValues: [{ dataElement: 'DT-KHCN', orgUnit: unit, period: '2031Q1', value: '1' }] });
    assert.equal(del.status, status, `${who} DELETE: ${del.text}`);
  }
});
