// The web shell in a real Chromium: title, navigation, the server status line,
// the language switch, hash routes, the phone layout, and no console errors
// or CSP violations on the way.
//
//   NQ57_BUILD_DIR=build node --test tests/browser/
//
// NQ57_BASE_URL=http://127.0.0.1:PORT points it at a server already running
// instead of starting build/nq57.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { binary, buildDir, startServer } from '../lib/server.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const NAV_VI = ['Tổng quan', 'Chỉ tiêu', 'Nhiệm vụ', 'Văn bản', 'Đơn vị', 'Báo cáo', 'Chỉ số đổi mới sáng tạo', 'Hệ sinh thái', 'Bản đồ KH&CN', 'Chợ công nghệ'];
const NAV_EN = ['Overview', 'Indicators', 'Tasks', 'Documents', 'Units', 'Reports', 'Innovation index', 'Ecosystem', 'S&T map', 'Technology market'];

let server = null;
let baseUrl;
let browser;
let context;
let page;
// Everything the page complained about, across all tests that use `page`.
const problems = [];

// Records console errors, uncaught exceptions, failed requests and error
// responses of PAGE into PROBLEMS.
function watch(p, into) {
  p.on('console', (msg) => { if (msg.type() === 'error') into.push(`console: ${msg.text()}`); });
  p.on('pageerror', (err) => into.push(`exception: ${err.message}`));
  p.on('requestfailed', (req) => into.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  p.on('response', (res) => { if (res.status() >= 400) into.push(`HTTP ${res.status()}: ${res.url()}`); });
}

// CSP violations also fire an event in the page; collect them from the start.
const CSP_WATCH = () => {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
  });
};

async function newPage(ctx, into) {
  const p = await ctx.newPage();
  watch(p, into);
  return p;
}

async function navTexts(p) {
  return p.getByRole('navigation').getByRole('link').allInnerTexts();
}

before(async () => {
  if (process.env.NQ57_BASE_URL) {
    baseUrl = process.env.NQ57_BASE_URL.replace(/\/$/, '');
  } else {
    if (!existsSync(binary)) throw new Error(`${binary} not found: build it first (make build), or set NQ57_BUILD_DIR`);
    if (!existsSync(path.join(buildDir, 'web', 'index.html'))) throw new Error(`${buildDir}/web/index.html not found: the build did not assemble the web assets (npm ci, then make build)`);
    server = await startServer();
    baseUrl = server.url;
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
  context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 800 } });
  await context.addInitScript(CSP_WATCH);
  page = await newPage(context, problems);
  await page.goto(`${baseUrl}/`);
});

after(async () => {
  await browser?.close();
  if (server) await server.stop();
});

describe('web shell', () => {
  test('is served with a CSP that forbids inline script', async () => {
    const res = await fetch(`${baseUrl}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') || '', /^text\/html/);
    const csp = res.headers.get('content-security-policy') || '';
    assert.match(csp, /script-src 'self'(;|$)/, `CSP was: ${csp}`);
  });

  test('has the Vietnamese title and language', async () => {
    assert.equal(await page.title(), 'nq57 — Theo dõi thực hiện Nghị quyết 57-NQ/TW');
    assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
  });

  test('renders the navigation in Vietnamese with the overview current', async () => {
    await page.getByRole('button', { name: 'EN' }).waitFor(); // the live app, not the static frame
    assert.deepEqual(await navTexts(page), NAV_VI);
    const current = page.getByRole('navigation').locator('a[aria-current="page"]');
    assert.equal(await current.innerText(), 'Tổng quan');
    await page.getByRole('heading', { level: 1, name: 'Tổng quan' }).waitFor();
  });

  test('shows the server status from /api/v1/health', async () => {
    const health = await (await fetch(`${baseUrl}/api/v1/health`)).json();
    assert.equal(health.status, 'ok');
    const expected = `Máy chủ hoạt động · phiên bản ${health.version} · CSDL ${health.database} · lược đồ ${health.schema_version}`;
    const status = page.locator('#server-status');
    await status.filter({ hasText: 'Máy chủ hoạt động' }).waitFor();
    assert.equal(await status.innerText(), expected);
  });

  test('a hash route highlights its navigation item', async () => {
    await page.getByRole('link', { name: 'Chỉ tiêu', exact: true }).first().click();
    await page.waitForURL(/#\/chi-tieu$/);
    const current = page.getByRole('navigation').locator('a[aria-current="page"]');
    assert.equal(await current.innerText(), 'Chỉ tiêu');
    assert.equal(await current.getAttribute('class'), 'active');
    await page.getByLabel('Tìm chỉ tiêu').waitFor();

    await page.goto(`${baseUrl}/#/bao-cao`);
    await page.getByRole('heading', { level: 1, name: 'Báo cáo' }).waitFor();
    await page.getByText('Đăng nhập để lập và xem báo cáo.').waitFor();
    assert.equal(await current.innerText(), 'Báo cáo');

    await page.goto(`${baseUrl}/#/khong-co`);
    await page.getByRole('heading', { name: 'Không tìm thấy trang' }).waitFor();
    assert.equal(await current.count(), 0);
  });

  test('switching to EN changes the navigation and is remembered', async () => {
    await page.goto(`${baseUrl}/#/nhiem-vu`);
    await page.getByRole('button', { name: 'EN' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Overview' }).waitFor();
    assert.deepEqual(await navTexts(page), NAV_EN);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await page.getByRole('button', { name: 'EN' }).getAttribute('aria-pressed'), 'true');
    await page.locator('#server-status').filter({ hasText: 'Server is up' }).waitFor();

    await page.reload();
    await page.getByRole('navigation').getByRole('link', { name: 'Overview' }).waitFor();
    assert.equal(await page.getByRole('navigation').locator('a[aria-current="page"]').innerText(), 'Tasks');

    await page.getByRole('button', { name: 'VI' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Tổng quan' }).waitFor();
    assert.deepEqual(await navTexts(page), NAV_VI);
    assert.equal(await page.title(), 'nq57 — Theo dõi thực hiện Nghị quyết 57-NQ/TW');
  });

  test('on a phone the navigation is a bar above the content', async () => {
    const phone = await browser.newContext({ locale: 'vi-VN', viewport: { width: 390, height: 780 }, isMobile: true, hasTouch: true });
    await phone.addInitScript(CSP_WATCH);
    const p = await newPage(phone, problems);
    try {
      await p.goto(`${baseUrl}/`);
      await p.getByRole('button', { name: 'EN' }).waitFor();
      const nav = await p.getByRole('navigation').boundingBox();
      const main = await p.locator('main').boundingBox();
      assert.ok(nav.y + nav.height <= main.y + 1, 'navigation sits above the main area');
      assert.ok(nav.width >= 380, `navigation spans the width (${nav.width}px)`);
      // every entry in sight: the menu wraps rather than hiding entries off to the side
      const rights = await p.getByRole('navigation').getByRole('link').evaluateAll((as) => as.map((a) => a.getBoundingClientRect().right));
      assert.ok(rights.length >= 7 && rights.every((r) => r <= 390), `every menu entry within the screen (${rights.join(', ')})`);
      const scrollWidth = await p.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scrollWidth <= 390, `no sideways scrolling of the page (${scrollWidth}px)`);
      problems.push(...(await p.evaluate(() => window.__cspViolations)).map((v) => `CSP (phone): ${v}`));
    } finally {
      await phone.close();
    }
  });

  test('says in Vietnamese when the server cannot be reached', async () => {
    // A separate page whose health request fails on purpose; its console
    // error for the 503 is expected and kept out of `problems`.
    const ctx = await browser.newContext({ locale: 'vi-VN' });
    const p = await ctx.newPage();
    await p.route('**/api/v1/health', (route) => route.fulfill({
      status: 503, contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'unavailable', message: 'database is down' } }),
    }));
    try {
      await p.goto(`${baseUrl}/`);
      const status = p.locator('#server-status');
      await status.filter({ hasText: 'Không kết nối được máy chủ' }).waitFor();
      assert.equal(await status.innerText(), 'Không kết nối được máy chủ: HTTP 503');
    } finally {
      await ctx.close();
    }
  });

  test('no console errors, failed requests or CSP violations', async () => {
    problems.push(...(await page.evaluate(() => window.__cspViolations)).map((v) => `CSP: ${v}`));
    assert.deepEqual(problems, []);
  });
});
