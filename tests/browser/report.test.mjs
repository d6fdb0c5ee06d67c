// The review report's files open and read right: the printable page is
// rendered to PDF by Chromium, the DOCX and the XLSX are converted to PDF
// by LibreOffice (headless, which fails on a file it would have to
// repair), and the text extracted from each PDF holds the national header
// spelled correctly and the report's numbers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, runCli } from '../lib/server.mjs';
import { addUser, importUnits, signIn } from '../lib/auth.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const haveSoffice = existsSync('/usr/bin/soffice');
const havePdftotext = existsSync('/usr/bin/pdftotext');

const dir = mkdtempSync(path.join(tmpdir(), 'nq57-report-files-'));
let srv, browser, steering, job, content;

async function download(format) {
  const res = await fetch(`${srv.url}/api/v1/reports/${job.id}/${format}`, { headers: { cookie: steering.cookie } });
  assert.equal(res.status, 200, `${format}: ${res.status}`);
  const file = path.join(dir, `bao-cao.${format}`);
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  return file;
}

const pdfText = (pdf) => execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });

// LibreOffice prints nothing useful on a damaged file but produces no PDF.
function sofficeToPdf(file) {
  const profile = mkdtempSync(path.join(tmpdir(), 'nq57-lo-'));
  execFileSync('soffice', [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, file],
    { stdio: 'pipe', timeout: 120000 });
  const pdf = file.replace(/\.\w+$/, '.pdf');
  assert.ok(existsSync(pdf), `LibreOffice converted ${path.basename(file)}`);
  return pdf;
}

function assertReads(text, what) {
  const flat = text.replace(/\s+/g, ' ');
  assert.ok(flat.includes('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'), `${what}: national name in ${flat.slice(0, 300)}`);
  assert.ok(flat.includes('Độc lập - Tự do - Hạnh phúc'), `${what}: motto`);
  assert.ok(flat.includes('Sơ kết năm 2025 thực hiện Kế hoạch số 43/KH-UBND'), `${what}: subtitle`);
  assert.ok(flat.includes('261'), `${what}: the DN figure 261`);
  assert.ok(flat.includes('Ban hành quy chế thử nghiệm'), `${what}: a task`);
  const total = String(content.summary.tasks.total);
  assert.ok(new RegExp(`\\b${total}\\b`).test(flat), `${what}: the task total ${total}`);
}

before(async () => {
  srv = await startServer();
  await importUnits(srv, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n00004,Phường Ba Đình,01,commune\n00008,Phường Ngọc Hà,01,commune\n');
  await addUser(srv, 'bcd', { role: 'steering', unit: '01' });
  steering = await signIn(srv, 'bcd');
  const programme = {
    documents: [{ number: '43/KH-UBND', kind: 'plan', title: 'Kế hoạch thực hiện Nghị quyết 57-NQ/TW', issued_on: '2025-01-10',
      issuer: 'UBND Thành phố Hà Nội', objectives: [{ code: 'MT1', title: 'Khoa học và công nghệ' },
        { code: 'NV1', kind: 'task_group', title: 'Hoàn thiện thể chế' }] }],
    indicators: [{ code: 'DN', name_vi: 'Doanh nghiệp khoa học và công nghệ', measure: 'doanh nghiệp', direction: 'up', aggregation: 'sum',
      document_number: '43/KH-UBND', objective_code: 'MT1', targets: [{ unit_code: '01', period: '2030', value: 500 }] }],
    tasks: [{ code: 'NV-1', title: 'Ban hành quy chế thử nghiệm có kiểm soát', document_number: '43/KH-UBND', objective_code: 'NV1',
      lead_unit_code: '00004', deadline: '2025-06-30', product: 'Quy chế' }],
  };
  writeFileSync(path.join(dir, 'p.json'), JSON.stringify(programme));
  let r = await runCli(['programme', 'load', path.join(dir, 'p.json'), '--db', srv.db]);
  assert.equal(r.code, 0, r.stderr);
  writeFileSync(path.join(dir, 'v.csv'), 'indicator_code,unit_code,period,value\nDN,00004,2025Q4,121\nDN,00008,2025Q4,140\nDN,00004,2025Q3,118\nDN,00008,2025Q3,131\n');
  r = await runCli(['values', 'import', path.join(dir, 'v.csv'), '--approved', '--db', srv.db]);
  assert.equal(r.code, 0, r.stderr);
  const q = await steering.post('/api/v1/reports', { document: '43/KH-UBND', period: '2025' });
  assert.equal(q.status, 202, q.text);
  for (let i = 0; i < 200; i++) {
    job = (await steering.get(`/api/v1/reports/${q.json.id}`)).json;
    if (job.status !== 'queued' && job.status !== 'running') break;
    await new Promise((res) => setTimeout(res, 50));
  }
  assert.equal(job.status, 'done', job.error);
  content = (await steering.get(`/api/v1/reports/${job.id}/json`)).json;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('the printable page prints to A4 PDF in Chromium with the header and the numbers', { skip: havePdftotext ? false : 'needs pdftotext (poppler-utils)' }, async () => {
  const html = readFileSync(await download('html'), 'utf8');
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.setContent(html, { waitUntil: 'load' });
  const pdf = path.join(dir, 'page.pdf');
  await page.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true });
  await page.close();
  assert.deepEqual(problems, []);
  assertReads(pdfText(pdf), 'printable page');
});

for (const format of ['docx', 'xlsx']) {
  test(`the ${format.toUpperCase()} opens in LibreOffice without repair and reads right`, {
    skip: !haveSoffice || !havePdftotext ? 'needs soffice and pdftotext (libreoffice-*-nogui, poppler-utils)' : false,
  }, async () => {
    assert.ok(job.files.some((f) => f.format === format), `the job made a ${format}: ${JSON.stringify(job.files)}`);
    assertReads(pdfText(sofficeToPdf(await download(format))), format);
  });
}
