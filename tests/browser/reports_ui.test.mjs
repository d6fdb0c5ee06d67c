// The reports and indices pages in Chromium: the steering office sees its
// reminders (the bell and the list), asks for a review report of the
// tasks as of a day it picks, watches it
// finish and downloads the DOCX; then ranks the phường/xã on an index,
// opens a unit's profile and runs an uncertainty analysis of the ranking
// (progress, then the rank-interval chart and table). No console errors
// along the way.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, runCli } from '../lib/server.mjs';
import { addUser, importUnits, signIn, PASSWORD } from '../lib/auth.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const dir = mkdtempSync(path.join(tmpdir(), 'nq57-reports-ui-'));
const clockFile = path.join(dir, 'now');
writeFileSync(clockFile, '2026-01-20T02:00:00Z\n');
const COMMUNES = ['00004', '00008', '00025'];

let server, browser;
before(async () => {
  server = await startServer({ env: { NQ57_TEST_CLOCK_FILE: clockFile } });
  await importUnits(server, `code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n${COMMUNES.map((c, i) => `${c},Phường Số ${i + 1},01,commune`).join('\n')}\n`);
  await addUser(server, 'bcd', { name: 'Văn phòng Ban Chỉ đạo', role: 'steering', unit: '01' });
  const programme = {
    documents: [{ number: '43/KH-UBND', kind: 'plan', title: 'Kế hoạch thực hiện Nghị quyết 57-NQ/TW', issued_on: '2025-01-10',
      issuer: 'UBND Thành phố Hà Nội', objectives: [{ code: 'MT1', title: 'Khoa học và công nghệ' }] }],
    indicators: [{ code: 'A', name_vi: 'Doanh nghiệp khoa học và công nghệ', direction: 'up', aggregation: 'sum', document_number: '43/KH-UBND', objective_code: 'MT1' },
      { code: 'B', name_vi: 'Thủ tục trực tuyến', direction: 'up', aggregation: 'mean', document_number: '43/KH-UBND', objective_code: 'MT1' }],
    tasks: [{ code: 'NV-1', title: 'Ban hành quy chế thử nghiệm', document_number: '43/KH-UBND', lead_unit_code: '00004', deadline: '2026-01-10' },
      { code: 'NV-2', title: 'Phủ sóng 5G', document_number: '43/KH-UBND', lead_unit_code: '00008', deadline: '2026-01-25' }],
  };
  writeFileSync(path.join(dir, 'p.json'), JSON.stringify(programme));
  let r = await runCli(['programme', 'load', path.join(dir, 'p.json'), '--db', server.db]);
  assert.equal(r.code, 0, r.stderr);
  const B25 = [90, 70, 80], B24 = [50, 60, 40];
  const rows = COMMUNES.flatMap((c, i) => [['A', c, '2025', 10 + i * 5], ['B', c, '2025', B25[i]], ['A', c, '2024', 20 - i * 5], ['B', c, '2024', B24[i]]]);
  writeFileSync(path.join(dir, 'v.csv'), `indicator_code,unit_code,period,value\n${rows.map((x) => x.join(',')).join('\n')}\n`);
  r = await runCli(['values', 'import', path.join(dir, 'v.csv'), '--approved', '--db', server.db]);
  assert.equal(r.code, 0, r.stderr);
  r = await runCli(['remind', '--db', server.db], { env: { NQ57_TEST_CLOCK_FILE: clockFile } });
  assert.equal(r.code, 0, r.stderr);
  const steering = await signIn(server, 'bcd');
  const idx = await steering.post('/api/v1/indices', { code: 'CS-XA', name: 'Chỉ số cấp xã', nodes: [{ code: 'CS', name: 'Chỉ số' },
    { code: 'TC1', name: 'Trụ cột 1', parent: 'CS' }, { code: 'A', parent: 'TC1', indicator: true, name: 'Doanh nghiệp' },
    { code: 'B', parent: 'TC1', indicator: true, name: 'Trực tuyến' }] });
  assert.equal(idx.status, 201, idx.text);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedIn(problems) {
  const ctx = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${server.url}/#/dang-nhap`);
  await page.getByLabel('Tên đăng nhập').fill('bcd');
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.locator('.who-name').waitFor();
  return { ctx, page };
}

test('reminders, a review report made and downloaded', async () => {
  const problems = [];
  const { ctx, page } = await signedIn(problems);
  try {
    await page.getByRole('navigation').getByRole('link', { name: 'Báo cáo' }).click();
    await page.getByRole('heading', { name: /Nhắc việc/ }).waitFor();
    const reminders = page.locator('.reminder');
    await reminders.first().waitFor();
    assert.equal(await reminders.count(), 2);
    assert.match(await reminders.first().innerText(), /Quá hạn\s*NV-1 Ban hành quy chế thử nghiệm/);
    assert.equal(await reminders.first().getByRole('link', { name: 'NV-1' }).getAttribute('href'), '#/nhiem-vu/NV-1');
    await page.getByLabel('Kỳ báo cáo').selectOption({ label: 'Năm 2025' });   // picked in words
    await page.getByLabel('Tình trạng nhiệm vụ tính đến ngày').fill('2025-12-31');
    await page.getByRole('button', { name: 'Lập báo cáo' }).click();
    const row = page.locator('table.reports tbody tr').first();
    await row.getByRole('link', { name: 'Word (DOCX)' }).waitFor({ timeout: 20000 });
    assert.match(await row.innerText(), /43\/KH-UBND/);
    assert.match(await row.innerText(), /Năm 2025[^]*Nhiệm vụ tính đến 31\/12\/2025/, 'the period in words and the day the tasks are counted for');
    assert.match(await row.innerText(), /Đã xong\s*Số liệu tính đến/);
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: 'Word (DOCX)' }).click()]);
    assert.equal(download.suggestedFilename(), 'bao-cao-43-KH-UBND-2025.docx');
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 2).toString(), 'PK');
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});

// Opens the index page, ranks period 2025 and waits for the table; its rows.
// The server computes the run in the background: the page follows it
// (queued, then running with its progress) until the ranking shows.
async function rank2025(page) {
  await page.getByRole('navigation').getByRole('link', { name: 'Chỉ số đổi mới sáng tạo' }).click();
  await page.getByLabel('Kỳ', { exact: true }).selectOption({ label: 'Năm 2025' });
  const started = page.waitForResponse((r) => /\/api\/v1\/indices\/[^/]+\/runs$/.test(r.url()) && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Tính và xếp hạng' }).click();
  const run = await (await started).json();
  assert.ok(['queued', 'running', 'done'].includes(run.status), JSON.stringify(run));
  // the ranking shown is this run's once it is done, and no status is left
  await page.waitForFunction((id) => !document.querySelector('.run-status')
    && document.querySelector(`.ranking a[href^="/api/v1/index-runs/${id}?format=xlsx"]`), run.id);
  const rows = page.locator('.ranking tbody tr');
  await rows.first().waitFor();
  return rows;
}

test('an index ranks the phường/xã, a unit profile opens', async () => {
  const problems = [];
  const { ctx, page } = await signedIn(problems);
  try {
    const rows = await rank2025(page);
    assert.equal(await rows.count(), 3);
    // 2025: A 10, 15, 20 → 0, 50, 100; B 90, 70, 80 → 100, 0, 50; means 50, 25, 75
    // 2024: A 20, 15, 10 → 100, 50, 0; B 50, 60, 40 → 50, 100, 0; means 75, 75, 0
    assert.match(await rows.nth(0).innerText(), /^1\s+Phường Số 3\s+75\s+75\s+▲ 2/);
    assert.match(await rows.nth(1).innerText(), /^2\s+Phường Số 1\s+50\s+50\s+▼ 1/);
    assert.match(await rows.nth(2).innerText(), /^3\s+Phường Số 2\s+25\s+25\s+▼ 2/);
    assert.match(await page.locator('.ranking').innerText(), /Thay đổi thứ hạng so với kỳ 2024/);
    await rows.nth(2).getByRole('button').click();
    await page.getByRole('heading', { name: /^Hồ sơ Phường/ }).waitFor();
    assert.match(await page.locator('.profile').innerText(), /Chỉ tiêu mạnh nhất/);
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});

test("an uncertainty analysis of the ranking draws the rank intervals and the sensitivities", async () => {
  const problems = [];
  const { ctx, page } = await signedIn(problems);
  try {
    await rank2025(page);
    const panel = page.locator('section.uncertainty');
    await panel.getByRole('heading', { name: 'Phân tích độ bất định' }).waitFor();
    await panel.getByLabel('Số lần chạy').fill('400');
    await panel.getByLabel('Hạt giống ngẫu nhiên').fill('5');
    await panel.getByLabel('Min-max').check();
    await panel.getByLabel('Z-score').check();
    await panel.getByLabel('Trung bình nhân').check();
    await panel.getByLabel('Trung bình cộng').check();
    await panel.getByLabel(/Phân tích độ nhạy/).check();
    await panel.getByRole('button', { name: 'Bắt đầu phân tích' }).click();
    const rows = panel.locator('.uncertainty-table tbody tr');
    await rows.first().waitFor({ timeout: 30000 });
    assert.equal(await rows.count(), 3);
    // by nominal rank, as the ranking above: Phường Số 3, 1, 2
    assert.match(await rows.nth(0).innerText(), /^Phường Số 3\s+1\s+[\d,]+\s+[\d,]+ – [\d,]+$/);
    assert.match(await rows.nth(2).innerText(), /^Phường Số 2\s+3\s/);
    await panel.locator('[role="img"][aria-label="Biểu đồ khoảng thứ hạng"] canvas').first().waitFor();
    const factors = await panel.locator('.sensitivity-table tbody tr td:first-child').allInnerTexts();
    assert.deepEqual(factors, ['Trọng số', 'Chuẩn hoá', 'Tổng hợp']);
    assert.match(await panel.innerText(), /400 lần chạy \(800 mẫu\), hạt giống 5/);
    if (process.env.NQ57_SCREENSHOT) await panel.screenshot({ path: process.env.NQ57_SCREENSHOT });
    // the analysis stays with the run: shown again after a reload, read from the server
    await page.reload();
    await panel.locator('.uncertainty-table tbody tr').first().waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});
