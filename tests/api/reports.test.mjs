// Review reports as background jobs: the steering office asks, the job
// runs with progress, its files download again later, and every number in
// the report equals the dashboard API's for the same data state. A period
// without figures and a document without tasks say so plainly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, runCli, dbExec } from '../lib/server.mjs';
import { addUser, importUnits, signIn } from '../lib/auth.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'nq57-reports-'));
const clockFile = path.join(dir, 'now');
writeFileSync(clockFile, '2026-01-20T08:00:00Z\n');

let srv, steering, officer;

before(async () => {
  srv = await startServer({ env: { NQ57_TEST_CLOCK_FILE: clockFile } });
  await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n00004,Phường Ba Đình,01,commune\n00008,Phường Ngọc Hà,01,commune\n');
  await addUser(srv, 'bcd', { role: 'steering', unit: '01' });
  await addUser(srv, 'can-bo-bd', { role: 'officer', unit: '00004' });
  steering = await signIn(srv, 'bcd');
  officer = await signIn(srv, 'can-bo-bd');
  const programme = {
    documents: [
      { number: '43/KH-UBND', kind: 'plan', title: 'Kế hoạch thực hiện Nghị quyết 57-NQ/TW', issued_on: '2025-01-10', issuer: 'UBND Thành phố Hà Nội',
        objectives: [{ code: 'MT1', title: 'Khoa học và công nghệ' }, { code: 'NV1', kind: 'task_group', title: 'Hoàn thiện thể chế' },
          { code: 'NV2', kind: 'task_group', title: 'Phát triển hạ tầng số' }] },
      { number: '99/KH-UBND', kind: 'plan', title: 'Kế hoạch chưa giao nhiệm vụ', issued_on: '2025-06-01' },
    ],
    indicators: [
      { code: 'DN', name_vi: 'Doanh nghiệp khoa học và công nghệ', measure: 'doanh nghiệp', direction: 'up', aggregation: 'sum',
        document_number: '43/KH-UBND', objective_code: 'MT1', owner_unit_code: '01', targets: [{ unit_code: '01', period: '2030', value: 500 }] },
      { code: 'TL', name_vi: 'Tỷ lệ thủ tục trực tuyến toàn trình', measure: '%', direction: 'up', aggregation: 'mean',
        document_number: '43/KH-UBND', objective_code: 'MT1', targets: [{ unit_code: '01', period: '2025', value: 80 }] },
    ],
    tasks: [
      { code: 'NV-1', title: 'Ban hành quy chế thử nghiệm có kiểm soát', document_number: '43/KH-UBND', objective_code: 'NV1', lead_unit_code: '00004', deadline: '2025-06-30', product: 'Quy chế' },
      { code: 'NV-2', title: 'Phủ sóng 5G các phường', document_number: '43/KH-UBND', objective_code: 'NV2', lead_unit_code: '00008', deadline: '2026-12-31', product: 'Hạ tầng 5G' },
      { code: 'NV-3', title: 'Số hóa hồ sơ một cửa', document_number: '43/KH-UBND', objective_code: 'NV2', lead_unit_code: '00004', deadline: '2025-12-31' },
    ],
  };
  writeFileSync(path.join(dir, 'p.json'), JSON.stringify(programme));
  let r = await runCli(['programme', 'load', path.join(dir, 'p.json'), '--db', srv.db]);
  assert.equal(r.code, 0, r.stderr);
  const rows = [];
  for (const [q, a, b] of [['2025Q1', 100, 120], ['2025Q2', 110, 125], ['2025Q3', 118, 131], ['2025Q4', 121, 140]]) {
    rows.push(['DN', '00004', q, a], ['DN', '00008', q, b], ['TL', '00004', q, a / 2], ['TL', '00008', q, b / 2]);
  }
  writeFileSync(path.join(dir, 'v.csv'), `indicator_code,unit_code,period,value\n${rows.map((x) => x.join(',')).join('\n')}\n`);
  r = await runCli(['values', 'import', path.join(dir, 'v.csv'), '--approved', '--db', srv.db]);
  assert.equal(r.code, 0, r.stderr);
});
after(async () => { await srv?.stop(); });

async function finished(id) {
  for (let i = 0; i < 200; i++) {
    const r = await steering.get(`/api/v1/reports/${id}`);
    assert.equal(r.status, 200, r.text);
    if (r.json.status === 'done' || r.json.status === 'failed') return r.json;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`report ${id} did not finish`);
}

async function report(body) {
  const r = await steering.post('/api/v1/reports', body);
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.status, 'queued');
  const job = await finished(r.json.id);
  assert.equal(job.status, 'done', job.error);
  assert.equal(job.progress, 100);
  const content = (await steering.get(`/api/v1/reports/${job.id}/json`)).json;
  return { job, content };
}

test('every number in the report equals the dashboard API for the same data state', async () => {
  const { job, content } = await report({ document: '43/KH-UBND', period: '2025' });
  const docId = content.document.id;
  const dash = (await steering.get(`/api/v1/dashboard?document_id=${docId}&period=2025`)).json;
  assert.equal(dash.data_seq, content.data_seq, 'no change between the two');
  assert.equal(job.data_seq, content.data_seq);
  for (const s of ['done_on_time', 'done_late', 'open_overdue', 'open_due_soon', 'open_in_time'])
    assert.equal(content.summary.tasks[s].count, dash.task_counts[s], s);
  assert.equal(content.summary.tasks.total, dash.task_total);
  assert.deepEqual(content.summary.indicators.by_colour, dash.indicator_colours);
  const fields = ['actual', 'target', 'target_period', 'percent_of_target', 'probability', 'colour', 'period'];
  assert.equal(content.indicators.length, dash.indicators.length);
  for (const t of dash.indicators) {
    const mine = content.indicators.find((x) => x.code === t.code);
    for (const f of fields) assert.deepEqual(mine[f], t[f], `${t.code}.${f}`);
  }
  assert.deepEqual(content.units, dash.ranking);
  // the figures themselves, from the raw values: DN summed over both wards in 2025Q4
  assert.equal(content.indicators.find((x) => x.code === 'DN').actual, 121 + 140);
  assert.equal(content.indicators.find((x) => x.code === 'TL').actual, (121 / 2 + 140 / 2) / 2);
  // tasks by group, then lead unit
  assert.deepEqual(content.task_groups.map((g) => [g.group_code, g.units.flatMap((u) => u.tasks.map((t) => t.code))]),
    [['NV1', ['NV-1']], ['NV2', ['NV-3', 'NV-2']]]);
  assert.equal(content.tasks_as_of, '2026-01-20', 'tasks as they stand today, as on every screen');
  assert.deepEqual(content.overdue.map((t) => t.code), ['NV-1', 'NV-3'], 'on 20/01/2026 NV-3 (due 31/12/2025) is late too');
  assert.equal(content.header.national, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
  assert.equal(content.header.issuer, 'UBND THÀNH PHỐ HÀ NỘI');
  assert.match(content.header.place_date, /^Hà Nội, ngày … tháng … năm …$/);
  assert.deepEqual(content.notes, []);
});

test('the files download again later, the HTML page with the header and the numbers', async () => {
  const { job } = await report({ document: '43/KH-UBND', period: '2025' });
  assert.ok(job.files.some((f) => f.format === 'html' && f.name === 'bao-cao-43-KH-UBND-2025.html'), JSON.stringify(job.files));
  const res = await fetch(`${srv.url}/api/v1/reports/${job.id}/html`, { headers: { cookie: steering.cookie } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assert.match(res.headers.get('content-security-policy'), /style-src 'unsafe-inline'/);
  const html = await res.text();
  assert.ok(html.includes('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'));
  assert.ok(html.includes('Độc lập - Tự do - Hạnh phúc'));
  assert.ok(html.includes('>261 (2025Q4; 2/2 đơn vị)<'), 'the DN figure, formatted, with how many of its units reported');
  const list = (await steering.get('/api/v1/reports')).json;
  assert.ok(list.reports.length >= 2 && list.reports[0].id === job.id, 'newest first');
});

test('no figures in the period, no tasks in the document: said plainly, not a failure', async () => {
  const a = await report({ document: '43/KH-UBND', period: '2023' });
  assert.deepEqual(a.content.notes, ['Không có số liệu chỉ tiêu được phê duyệt trong kỳ báo cáo (năm 2023).']);
  const b = await report({ document: '99/KH-UBND', period: '2025' });
  assert.ok(b.content.notes.includes('Văn bản số 99/KH-UBND chưa có nhiệm vụ nào được giao.'), JSON.stringify(b.content.notes));
  assert.equal(b.content.summary.tasks.total, 0);
});

test('who may ask and read; bad requests', async () => {
  assert.equal((await officer.post('/api/v1/reports', { document: '43/KH-UBND', period: '2025' })).status, 403);
  assert.equal((await fetch(`${srv.url}/api/v1/reports`)).status, 401);
  assert.equal((await steering.post('/api/v1/reports', { document: 'X/Y', period: '2025' })).status, 404);
  const bad = await steering.post('/api/v1/reports', { document: '43/KH-UBND', period: '2025Q7' });
  assert.equal(bad.status, 422);
  assert.match(bad.json.error.message, /2025Q7/);
  assert.equal((await steering.get('/api/v1/reports/999999')).status, 404);
});

test('nq57 report review writes the same report as files', async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'nq57-report-cli-'));
  const r = await runCli(['report', 'review', '--document', '43/KH-UBND', '--period', '2025', '--out', out, '--format', 'html,json', '--db', srv.db],
    { env: { NQ57_TEST_CLOCK_FILE: clockFile } });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').map((f) => path.basename(f)), ['bao-cao-43-KH-UBND-2025.html', 'bao-cao-43-KH-UBND-2025.json']);
});

test('a job a crashed server left running is run again by the next server, its files stored again', async () => {
  const { job } = await report({ document: '43/KH-UBND', period: '2025' });
  // What a crash after the HTML file was stored leaves behind.
  dbExec(srv.db, `UPDATE report_job SET status = 'running', progress = 40, finished_at = NULL WHERE id = ${job.id}`);
  assert.equal((await steering.get(`/api/v1/reports/${job.id}`)).json.status, 'running');
  const next = await startServer({ db: srv.db, env: { NQ57_TEST_CLOCK_FILE: clockFile } });
  try {
    const again = await finished(job.id);
    assert.equal(again.status, 'done', again.error);
    assert.deepEqual(again.files.map((f) => [f.format, f.size]), job.files.map((f) => [f.format, f.size]));
  } finally {
    await next.stop();
  }
});
