// Signing in and out through the page, the person in the frame, the units
// page (tree, search, import with a bad row) and the people page, in a
// real Chromium, with no console errors or CSP violations on the way.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, dbExec } from '../lib/server.mjs';
import { addUser, importUnits, PASSWORD } from '../lib/auth.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const UNITS = [
  'code,name,parent_code,kind',
  '01,Thành phố Hà Nội,,province',
  'HN-SKHCN,Sở Khoa học và Công nghệ,01,department',
  '00070,Phường Hoàn Kiếm,01,commune',
  '00004,Phường Ba Đình,01,commune',
].join('\n');

let server, browser;

before(async () => {
  server = await startServer();
  await importUnits(server, UNITS);
  await addUser(server, 'lan', { name: 'Nguyễn Thị Lan', role: 'admin', unit: '01' });
  await addUser(server, 'minh', { name: 'Trần Văn Minh', role: 'viewer', unit: '00070' });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// A fresh browser context per test: its own cookies and storage.
async function open(problems, hash = '') {
  const ctx = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 900 } });
  await ctx.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective));
  });
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
  await page.goto(`${server.url}/${hash}`);
  return { ctx, page };
}

async function signInThroughForm(page, login, password) {
  // A full load of the sign-in page (not only a hash change), then its form.
  await page.goto('about:blank');
  await page.goto(`${server.url}/#/dang-nhap`);
  await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
  await page.getByLabel('Tên đăng nhập').fill(login);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

async function noProblems(page, problems, allowed = []) {
  const csp = await page.evaluate(() => window.__csp);
  const real = problems.filter((p) => !allowed.some((a) => p.includes(a)));
  assert.deepEqual([...real, ...csp.map((c) => `CSP ${c}`)], []);
}

describe('signing in', () => {
  test('the form signs in, the frame shows the name and units, signing out ends it', async () => {
    const problems = [];
    const { ctx, page } = await open(problems);
    try {
      await page.getByRole('link', { name: 'Đăng nhập' }).waitFor();
      await signInThroughForm(page, 'lan', PASSWORD);
      await page.locator('.who-name', { hasText: 'Nguyễn Thị Lan' }).waitFor();
      assert.match(await page.locator('.who-units').innerText(), /Thành phố Hà Nội/);
      // A reload keeps the session (the cookie), and the name comes back.
      await page.reload();
      await page.locator('.who-name', { hasText: 'Nguyễn Thị Lan' }).waitFor();
      await page.getByRole('button', { name: 'Đăng xuất' }).click();
      await page.getByRole('link', { name: 'Đăng nhập' }).waitFor();
      assert.equal(Number(dbExec(server.db, "SELECT COUNT(*) FROM session WHERE revoked_at IS NULL AND person_id = (SELECT id FROM person WHERE login = 'lan')")), 0);
      await noProblems(page, problems);
    } finally {
      await ctx.close();
    }
  });

  test('a wrong password says so in Vietnamese', async () => {
    const problems = [];
    const { ctx, page } = await open(problems);
    try {
      await signInThroughForm(page, 'lan', 'không phải mật khẩu');
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.innerText(), /Sai tên đăng nhập hoặc mật khẩu/);
      assert.equal(await page.locator('.who-name').count(), 0);
      await noProblems(page, problems, ['401']);
    } finally {
      await ctx.close();
    }
  });
});

describe('units page', () => {
  test('shows the tree, opens a node, and finds "ha noi" without diacritics', async () => {
    const problems = [];
    const { ctx, page } = await open(problems, '#/don-vi');
    try {
      const tree = page.getByRole('tree');
      await tree.getByText('Thành phố Hà Nội').waitFor();
      await page.getByRole('button', { name: 'Mở Thành phố Hà Nội' }).click();
      await tree.getByText('Phường Ba Đình').waitFor();
      await tree.getByText('Sở Khoa học và Công nghệ').waitFor();
      await page.getByLabel('Tìm đơn vị').fill('ha noi');
      await page.locator('.search-results').getByText('Thành phố Hà Nội').waitFor();
      await page.getByLabel('Tìm đơn vị').fill('hoan kiem');
      await page.locator('.search-results').getByText('Phường Hoàn Kiếm').waitFor();
      await noProblems(page, problems);
    } finally {
      await ctx.close();
    }
  });

  test('an import with a bad row lists its line and imports nothing', async () => {
    const problems = [];
    const { ctx, page } = await open(problems);
    const dir = mkdtempSync(path.join(tmpdir(), 'nq57-csv-'));
    const file = path.join(dir, 'don-vi.csv');
    writeFileSync(file, 'code,name,parent_code,kind\nHN-SYT,Sở Y tế,01,department\nHN-X,Đơn vị lạc,KHONG-CO,other\n');
    try {
      await signInThroughForm(page, 'lan', PASSWORD);
      await page.locator('.who-name').waitFor();
      await page.goto(`${server.url}/#/don-vi`);
      const before = dbExec(server.db, 'SELECT COUNT(*) FROM unit');
      await page.getByLabel('Tệp CSV').setInputFiles(file);
      await page.getByRole('button', { name: 'Nhập', exact: true }).click();
      const row = page.locator('.bad-rows tbody tr');
      await row.first().waitFor();
      assert.equal(await row.count(), 1);
      assert.equal(await row.locator('td').first().innerText(), '3');
      assert.match(await row.locator('td').nth(1).innerText(), /KHONG-CO/);
      assert.equal(dbExec(server.db, 'SELECT COUNT(*) FROM unit'), before);
      await noProblems(page, problems, ['422']);
    } finally {
      await ctx.close();
    }
  });
});

describe('people page', () => {
  test('is not offered to a viewer', async () => {
    const problems = [];
    const { ctx, page } = await open(problems);
    try {
      await signInThroughForm(page, 'minh', PASSWORD);
      await page.locator('.who-name', { hasText: 'Trần Văn Minh' }).waitFor();
      assert.equal(await page.getByRole('navigation').getByRole('link', { name: 'Người dùng' }).count(), 0);
      await noProblems(page, problems);
    } finally {
      await ctx.close();
    }
  });

  test('an administrator adds a person who can then sign in', async () => {
    const problems = [];
    const { ctx, page } = await open(problems);
    try {
      await signInThroughForm(page, 'lan', PASSWORD);
      await page.getByRole('navigation').getByRole('link', { name: 'Người dùng' }).click();
      await page.locator('table.people').getByRole('cell', { name: 'minh', exact: true }).waitFor();
      await page.getByLabel('Tên đăng nhập').fill('hoa');
      await page.getByLabel('Họ và tên').fill('Lê Thị Hoa');
      await page.getByLabel('Mật khẩu (ít nhất 10 ký tự)').fill('mật khẩu của Hoa 2025');
      await page.getByLabel('Vai trò').selectOption('officer');
      await page.locator('#p-unit').fill('ba dinh');
      await page.getByRole('button', { name: 'Phường Ba Đình (00004)' }).click();
      await page.getByRole('button', { name: 'Thêm', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Đã thêm hoa' }).waitFor();
      await page.locator('table.people').getByText('Lê Thị Hoa').waitFor();
      await noProblems(page, problems);
    } finally {
      await ctx.close();
    }
    const r = await fetch(`${server.url}/api/v1/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'hoa', password: 'mật khẩu của Hoa 2025' }),
    });
    assert.equal(r.status, 200);
    const me = await r.json();
    assert.deepEqual(me.grants.map((g) => [g.role, g.unit_code]), [['officer', '00004']]);
  });
});
