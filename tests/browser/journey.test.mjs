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
    await p.getByLabel('Kỳ báo cáo (ví dụ 2025Q3, 2025M9, 2025)').fill('2025Q3');
    await p.getByLabel('Giá trị').fill('1.234');
    await p.getByLabel('Minh chứng (PDF, ảnh, Excel, Word)').setInputFiles(pdf);
    await p.getByRole('button', { name: 'Gửi phê duyệt' }).click();
    await p.getByRole('status').filter({ hasText: 'Đã gửi số liệu chờ phê duyệt' }).waitFor();
    await p.locator('table.values').getByText('Chờ phê duyệt').waitFor();
  } finally {
    await officer.ctx.close();
  }
  assert.equal(dbExec(server.db, "SELECT value || '|' || status FROM indicator_value"), '1234.0|submitted');
  assert.equal(dbExec(server.db, "SELECT name || '|' || type FROM attachment"), 'Danh sách doanh nghiệp.pdf|application/pdf');

  const steering = await signedInPage('bcd', problems);
  try {
    const p = steering.page;
    const row = p.locator('table.values tbody tr', { hasText: 'DN-KHCN' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Phê duyệt' }).click();
    await p.getByText('Không có số liệu nào.').waitFor();
  } finally {
    await steering.ctx.close();
  }

  const again = await signedInPage('can-bo', problems);
  try {
    await again.page.locator('table.values').getByText('Đã phê duyệt').waitFor();
    assert.match(await again.page.locator('table.values tbody tr').first().innerText(), /1\.234/);
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
