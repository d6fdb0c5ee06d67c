// The leaders' overview in Chromium on the demo data (as `make run` seeds
// it): it renders with the API's numbers formatted the Vietnamese way, a
// period filter changes them, an approval made in another tab shows on
// reload, the Excel export holds the same numbers, an indicator page and a
// unit scorecard open, and a phone-sized screen does not scroll sideways.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, binary, dbExec } from '../lib/server.mjs';
import { signIn } from '../lib/auth.mjs';
import { readSheet } from '../lib/xlsx.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DEMO_PASSWORD = 'nq57-demo-2025';
const vi = (x, digits = 2) => new Intl.NumberFormat('vi-VN', { maximumFractionDigits: digits }).format(x);

let server, browser, admin;
before(async () => {
  server = await startServer();
  execFileSync(path.join(root, 'scripts/demo-seed.sh'), [binary, server.db], { cwd: root, stdio: 'pipe', env: { ...process.env, NQ57_PWHASH: 'fast' } });
  admin = await signIn(server, 'demo', DEMO_PASSWORD);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedIn(problems, viewport = { width: 1280, height: 900 }) {
  const ctx = await browser.newContext({ locale: 'vi-VN', viewport, acceptDownloads: true });
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${server.url}/#/dang-nhap`);
  await page.getByLabel('Tên đăng nhập').fill('demo');
  await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.locator('.who-name').waitFor();
  await page.goto(`${server.url}/#/tong-quan`);
  return { ctx, page };
}

const tile = (page, name) => page.locator('article.tile', { has: page.getByRole('heading', { name, exact: true }) });
const tileOf = (data, code) => data.indicators.find((x) => x.code === code);

test('the overview shows the API numbers, a filter changes them, the export holds them', async () => {
  const problems = [];
  const { ctx, page } = await signedIn(problems);
  try {
    const api = (await admin.get('/api/v1/dashboard')).json;
    const grdp = tileOf(api, 'GRDP');
    const card = tile(page, grdp.name_vi);
    await card.waitFor();
    assert.match(await card.innerText(), new RegExp(vi(grdp.actual).replace(/\./g, '\\.')));
    assert.match(await page.locator('.as-of').innerText(), /^Số liệu tính đến \d\d:\d\d:\d\d \d\d\/\d\d\/\d{4}$/);
    assert.equal(await page.locator('article.tile').count(), api.indicators.length);

    await page.getByLabel('Kỳ', { exact: true }).selectOption('2025Q2');
    const older = tileOf((await admin.get('/api/v1/dashboard?period=2025Q2')).json, 'GRDP');
    assert.notEqual(older.actual, grdp.actual);
    await card.getByText(vi(older.actual)).waitFor();
    await page.locator('.dash-period', { hasText: 'Quý II/2025' }).waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Xuất Excel' }).first().click()]);
    const rows = readSheet(readFileSync(await download.path())).rows.slice(3);   // below a title, the filter and the moment
    const code = rows[0].indexOf('Mã'), actual = rows[0].indexOf('Thực hiện');
    assert.ok(code >= 0 && actual >= 0, rows[0].join(','));
    assert.equal(Number(rows.find((r) => r[code] === 'GRDP')[actual]), older.actual, 'the sheet has the filtered numbers');
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});

test('an approval made in another tab shows on reload', async () => {
  const problems = [];
  const { ctx, page } = await signedIn(problems);
  try {
    const before = (await admin.get('/api/v1/dashboard')).json;
    const dn = tileOf(before, 'DN-KHCN');
    assert.equal(before.period, '2026Q2', 'the 2026Q3 figures are still drafts');
    const card = tile(page, dn.name_vi);
    await card.getByText(vi(dn.actual)).waitFor();
    // In a second tab the steering office approves one ward's 2026Q3 figure.
    const id = Number(dbExec(server.db, "SELECT v.id FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id "
      + "WHERE i.code = 'DN-KHCN' AND v.period = '2026Q3' AND v.status = 'draft' ORDER BY v.id LIMIT 1"));
    assert.equal((await admin.post(`/api/v1/values/${id}/submit`)).status, 200);
    const other = await ctx.newPage();
    await other.goto(`${server.url}/#/phe-duyet`);
    const item = other.locator('.review-item', { hasText: 'DN-KHCN' });
    await item.first().waitFor();
    await item.first().getByRole('button', { name: 'Phê duyệt' }).click();
    await other.getByRole('dialog').getByRole('button', { name: 'Xác nhận phê duyệt' }).click();
    await item.first().waitFor({ state: 'detached' });
    const value = Number(dbExec(server.db, `SELECT value FROM indicator_value WHERE id = ${id}`));
    await page.reload();
    // one ward of 34 is not the city's figure: the headline stays on
    // 2026Q2 and the new quarter shows as being gathered, provisional
    await page.locator('.in-progress', { hasText: 'Quý III/2026' }).waitFor();
    await page.locator('.dash-period', { hasText: 'Quý II/2026' }).waitFor();
    await tile(page, dn.name_vi).locator('.tile-partial', { hasText: vi(value) }).waitFor();
    const after = tileOf((await admin.get('/api/v1/dashboard')).json, 'DN-KHCN');
    assert.deepEqual([after.actual, after.partial.value, after.partial.approved], [dn.actual, value, 1]);
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});

test('an indicator page and a unit scorecard open from the overview', async () => {
  const problems = [];
  const { ctx, page } = await signedIn(problems);
  try {
    const api = (await admin.get('/api/v1/dashboard?period=2026Q2')).json;
    const share = tileOf(api, 'KTS-TT');
    await page.getByRole('link', { name: share.name_vi, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Chỉ tiêu' }).waitFor();
    await page.locator('.view-dashboard canvas').first().waitFor();
    assert.match(await page.locator('.view-dashboard').innerText(), /Dự báo theo xu hướng (tuyến tính|tắt dần)/);
    // the series' range is picked in words, never typed as a code
    const [ranged] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/v1/dashboard/indicators/') && r.url().includes('from=2026Q1')),
      page.getByLabel('Từ kỳ').selectOption({ label: 'Quý I/2026' }),
    ]);
    assert.equal(ranged.status(), 200);
    assert.ok((await ranged.json()).series.every((p) => p.period >= '2026Q1'), 'the series starts at the period picked');
    await page.goto(`${server.url}/#/tong-quan`);
    const unit = api.ranking[0];
    await page.getByRole('link', { name: unit.unit_name, exact: true }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Thẻ điểm đơn vị' }).waitFor();
    await page.getByRole('heading', { name: new RegExp(`^${unit.unit_name}`) }).waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});

test('on a phone the overview fits the screen', async () => {
  const problems = [];
  const { ctx, page } = await signedIn(problems, { width: 390, height: 844 });
  try {
    await page.locator('article.tile').first().waitFor();
    const [scroll, inner] = await page.evaluate(() => [document.scrollingElement.scrollWidth, innerWidth]);
    assert.ok(scroll <= inner + 1, `page is ${scroll}px wide on a ${inner}px screen`);
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});

test('hovering the charts shows their tooltips without breaking the CSP', async () => {
  // ECharts' HTML tooltips carry style="..." attributes, which the CSP
  // refuses with a console error each; the dashboards draw them on the canvas.
  const problems = [];
  const { ctx, page } = await signedIn(problems);
  try {
    const hover = async (chart) => {
      await chart.waitFor();
      await page.waitForTimeout(300);
      const box = await chart.boundingBox();
      for (const x of [0.3, 0.5, 0.7]) {
        await page.mouse.move(box.x + box.width * x, box.y + box.height / 2);
        await page.waitForTimeout(150);
      }
    };
    await page.locator('article.tile').first().waitFor();
    await hover(page.locator('article.tile .sparkline').first());
    await hover(page.locator('.view-dashboard section.card .chart').first());
    const five = tileOf((await admin.get('/api/v1/dashboard')).json, '5G-PHU');
    await page.goto(`${server.url}/#/tong-quan/chi-tieu/${five.indicator_id}`);
    await page.locator('.view-dashboard .chart canvas').first().waitFor();
    await hover(page.locator('.view-dashboard .chart').first());
    await hover(page.locator('.view-dashboard .chart.tall'));
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});
