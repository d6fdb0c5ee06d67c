// The reporting journey in Chromium: a commune officer signs in, enters a
// value with an evidence file and submits it; the steering office approves
// it; the officer then sees it approved.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, dbExec } from '../lib/server.mjs';
import { addUser, importUnits, signIn, PASSWORD } from '../lib/auth.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server, browser;
before(async () => {
  server = await startServer();
  await importUnits(server, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n00004,Phường Ba Đình,01,commune\n');
  await addUser(server, 'bcd', { name: 'Văn phòng Ban Chỉ đạo', role: 'steering', unit: '01' });
  await addUser(server, 'can-bo', { name: 'Phạm Thu Hà', role: 'officer', unit: '00004' });
  const steering = await signIn(server, 'bcd');
  const task = await steering.post('/api/v1/tasks', { code: 'NV-BD-1', title: 'Số hóa hồ sơ một cửa', lead_unit_code: '00004', deadline: '2099-12-31' });
  assert.equal(task.status, 201, task.text);
  const r = await steering.post('/api/v1/indicators', { code: 'DN-KHCN', name_vi: 'Số doanh nghiệp khoa học và công nghệ', measure: 'doanh nghiệp', direction: 'up', aggregation: 'sum' });
  assert.equal(r.status, 201, r.text);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedInPage(login, problems) {
  const ctx = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${server.url}/#/dang-nhap`);
  await page.getByLabel('Tên đăng nhập').fill(login);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.locator('.who-name').waitFor();
  await page.getByRole('navigation').getByRole('link', { name: 'Việc của đơn vị tôi' }).click();
  return { ctx, page };
}

test('an officer reports a value with evidence, the steering office approves it', async () => {
  const problems = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'nq57-evidence-'));
  const pdf = path.join(dir, 'Danh sách doanh nghiệp.pdf');
  writeFileSync(pdf, '%PDF-1.4\n% danh sach doanh nghiep KH&CN\n%%EOF\n');

  const officer = await signedInPage('can-bo', problems);
  try {
    const p = officer.page;
    await p.getByLabel('Chỉ tiêu').selectOption('DN-KHCN');
    // the period is picked in words from the list
    await p.locator('form.enter-value').getByLabel('Kỳ báo cáo').selectOption({ label: 'Quý III/2025' });
    await p.getByLabel('Giá trị').fill('1.234');
    await p.getByLabel('Minh chứng (PDF, ảnh, Excel, Word)').setInputFiles(pdf);
    await p.getByRole('button', { name: 'Gửi phê duyệt' }).click();
    await p.getByRole('status').filter({ hasText: 'Đã gửi số liệu chờ phê duyệt' }).waitFor();
    await p.locator('.my-values .value-item').getByText('Chờ phê duyệt').waitFor();
  } finally {
    await officer.ctx.close();
  }
  assert.equal(dbExec(server.db, "SELECT value || '|' || status FROM indicator_value"), '1234.0|submitted');
  assert.equal(dbExec(server.db, "SELECT name || '|' || type FROM attachment"), 'Danh sách doanh nghiệp.pdf|application/pdf');

  const steering = await signedInPage('bcd', problems);
  try {
    const p = steering.page;
    await p.getByRole('navigation').getByRole('link', { name: /Phê duyệt/ }).click();
    const row = p.locator('.review-item', { hasText: 'DN-KHCN' });
    await row.getByRole('link', { name: 'Danh sách doanh nghiệp.pdf' }).waitFor();
    await row.getByRole('button', { name: 'Phê duyệt' }).click();
    await p.getByRole('dialog').getByRole('button', { name: 'Xác nhận phê duyệt' }).click();
    await p.locator('.approvals-values').getByText('Không có số liệu nào.').waitFor();
  } finally {
    await steering.ctx.close();
  }

  const again = await signedInPage('can-bo', problems);
  try {
    await again.page.locator('.my-values .value-item').getByText('Đã phê duyệt').waitFor();
    assert.match(await again.page.locator('.my-values .value-item').first().innerText(), /1\.234/);
  } finally {
    await again.ctx.close();
  }
  assert.deepEqual(problems, []);
});

test('an officer reports progress on the unit\'s task from "Việc của đơn vị tôi"', async () => {
  const problems = [];
  const officer = await signedInPage('can-bo', problems);
  try {
    const p = officer.page;
    const row = p.locator('table.my-tasks tbody tr', { hasText: 'NV-BD-1' });
    await row.waitFor();
    await row.getByLabel('Tiến độ (%) của NV-BD-1').fill('60');
    await row.getByRole('button', { name: 'Báo cáo tiến độ' }).click();
    await p.locator('table.my-tasks tbody tr', { hasText: 'NV-BD-1' }).getByLabel('Tiến độ (%) của NV-BD-1').waitFor();
    for (let i = 0; i < 50 && dbExec(server.db, 'SELECT COUNT(*) FROM task_report') === '0'; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(dbExec(server.db, "SELECT progress || '|' || kind FROM task_report"), '60|progress');
  } finally {
    await officer.ctx.close();
  }
  assert.deepEqual(problems, []);
});

test('a completion request with evidence: the steering office sees the file, approves, and the task shows as done', async () => {
  const problems = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'nq57-evidence-'));
  const pdf = path.join(dir, 'Biên bản nghiệm thu.pdf');
  writeFileSync(pdf, '%PDF-1.4\n% bien ban nghiem thu\n%%EOF\n');
  const officer = await signedInPage('can-bo', problems);
  try {
    const row = officer.page.locator('table.my-tasks tbody tr', { hasText: 'NV-BD-1' });
    await row.getByLabel('Đề nghị hoàn thành').check();
    await row.getByLabel('Minh chứng cho báo cáo của NV-BD-1').setInputFiles(pdf);
    await row.getByRole('button', { name: 'Báo cáo tiến độ' }).click();
    await officer.page.locator('table.my-tasks tbody tr', { hasText: 'NV-BD-1' }).getByText('Đang chờ phê duyệt hoàn thành').waitFor();
  } finally {
    await officer.ctx.close();
  }
  assert.equal(dbExec(server.db, "SELECT a.name FROM attachment a JOIN task_report r ON r.id = a.entity_id WHERE a.entity = 'task_report' AND r.kind = 'completion'"),
    'Biên bản nghiệm thu.pdf');

  const steering = await signedInPage('bcd', problems);
  try {
    const p = steering.page;
    await p.getByRole('navigation').getByRole('link', { name: /Phê duyệt/ }).click();
    const row = p.locator('.completions .review-item', { hasText: 'NV-BD-1' });
    await row.getByRole('link', { name: 'Biên bản nghiệm thu.pdf' }).waitFor();
    await row.getByRole('button', { name: 'Phê duyệt' }).click();
    await p.getByRole('dialog').getByRole('button', { name: 'Xác nhận phê duyệt' }).click();
    await p.locator('.completions').getByText('Không có đề nghị nào chờ duyệt.').waitFor();
    await p.getByRole('navigation').getByRole('link', { name: 'Nhiệm vụ' }).click();
    await p.locator('table.tasks tbody tr', { hasText: 'NV-BD-1' }).getByText('Hoàn thành đúng hạn').waitFor();
  } finally {
    await steering.ctx.close();
  }
  assert.deepEqual(problems, []);
});

test('Excel: the officer downloads the unit\'s sheet, a bad cell is shown and nothing saved, the fixed sheet saves; lists export', async () => {
  const { readSheet, writeSheet } = await import('../lib/xlsx.mjs');
  const { readFileSync } = await import('node:fs');
  const problems = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'nq57-xlsx-'));
  const officer = await signedInPage('can-bo', problems);
  try {
    const p = officer.page;
    const card = p.locator('.excel-exchange');
    // the period is picked in words, never typed as a code
    await card.getByLabel('Kỳ báo cáo').selectOption({ label: 'Quý IV/2025' });
    const [download] = await Promise.all([p.waitForEvent('download'), card.getByRole('link', { name: 'Tải mẫu Excel' }).click()]);
    const file = path.join(dir, download.suggestedFilename());
    await download.saveAs(file);
    assert.match(file, /\.xlsx$/);
    const sheet = readSheet(readFileSync(file));
    // the header below a title and two lines of notes; the value in its column
    const head = sheet.rows[3], at = (title) => head.indexOf(title);
    assert.deepEqual([at('Mã chỉ tiêu'), at('Mã đơn vị'), at('Kỳ báo cáo')].map((k) => sheet.rows[4][k]), ['DN-KHCN', '00004', 'Quý IV/2025']);
    const row = (value) => sheet.rows[4].map((x, k) => (k === at('Giá trị') ? value : x));

    const bad = path.join(dir, 'bad.xlsx');
    writeFileSync(bad, writeSheet([head, row('12,5')]));
    await card.getByLabel('Tải lên tệp đã điền').setInputFiles(bad);
    const problem = card.locator('table.problems tbody tr');
    await problem.first().waitFor();
    assert.deepEqual((await problem.first().locator('td').allInnerTexts()).slice(0, 2), ['2', String.fromCharCode(65 + at('Giá trị'))]);
    assert.equal(dbExec(server.db, "SELECT COUNT(*) FROM indicator_value WHERE period = '2025Q4'"), '0');

    const good = path.join(dir, 'good.xlsx');
    writeFileSync(good, writeSheet([head, row(17)]));
    await card.getByLabel('Tải lên tệp đã điền').setInputFiles(good);
    // read back and shown before anything is saved
    await card.locator('table.excel-rows tbody tr').first().waitFor();
    assert.equal(dbExec(server.db, "SELECT COUNT(*) FROM indicator_value WHERE period = '2025Q4'"), '0');
    await card.getByRole('button', { name: 'Lưu 1 số liệu' }).click();
    await card.getByRole('status').filter({ hasText: 'Đã lưu: 1 số liệu mới' }).waitFor();
    assert.equal(dbExec(server.db, "SELECT CAST(value AS INTEGER) || '|' || status FROM indicator_value WHERE period = '2025Q4'"), '17|draft');

    await p.getByRole('navigation').getByRole('link', { name: 'Nhiệm vụ' }).click();
    await p.locator('table.tasks tbody tr').first().waitFor();
    const [list] = await Promise.all([p.waitForEvent('download'), p.getByRole('link', { name: 'Xuất Excel' }).click()]);
    const listFile = path.join(dir, list.suggestedFilename());
    await list.saveAs(listFile);
    const tasks = readSheet(readFileSync(listFile));
    assert.equal(tasks.name, 'Nhiệm vụ');
    assert.ok(tasks.rows.some((r) => r.includes('NV-BD-1')));
  } finally {
    await officer.ctx.close();
  }
  // The refused upload is logged by the browser as a failed request; nothing else may be.
  assert.deepEqual(problems.filter((m) => !/status of 422/.test(m)), []);
});
