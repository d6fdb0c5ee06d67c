// Chromium for the browser journeys: launched headless with the flags this
// machine needs, and pages signed in as one person at a given width, which
// record every console error, uncaught exception and failed request.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { PASSWORD } from './auth.mjs';
import { startDemoServer } from './demo.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const DESKTOP = { width: 1366, height: 900 };
export const PHONE = { width: 390, height: 844 };

// Where screenshots go (NQ57_SHOTS, else a folder under the system's tmp)
// so that a person can look at them after the run.
export const SHOTS = process.env.NQ57_SHOTS || path.join(tmpdir(), 'nq57-shots');

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
}

// Records what the page complained about into `problems`. Responses with an
// error status are left out: a refusal the page shows is not a fault.
export function watch(page, problems) {
  page.on('console', (m) => { if (m.type() === 'error' && !/status of (4\d\d)/.test(m.text())) problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
  page.on('requestfailed', (r) => { if (!/ERR_ABORTED/.test(r.failure()?.errorText || '')) problems.push(`request failed: ${r.url()}`); });
}

// A new context and page at viewport (DESKTOP, PHONE), in lang; signed in
// as login (with PASSWORD) unless login is null. Returns { ctx, page,
// problems }; the page is left on the person's landing page.
export async function pageAs(browser, server, login, { viewport = DESKTOP, lang = 'vi' } = {}) {
  const ctx = await browser.newContext({ locale: lang === 'vi' ? 'vi-VN' : 'en-GB', viewport });
  // The language to start in; a switch made on the page lasts across reloads.
  await ctx.addInitScript((l) => {
    try { if (!localStorage.getItem('nq57.lang')) localStorage.setItem('nq57.lang', l); } catch { /* none */ }
  }, lang);
  const page = await ctx.newPage();
  const problems = [];
  watch(page, problems);
  if (login) {
    await page.goto(`${server.url}/#/dang-nhap`);
    await page.locator('#signin-login, input[autocomplete=username]').first().fill(login);
    await page.locator('input[type=password]').first().fill(PASSWORD);
    await page.locator('form button[type=submit]').first().click();
    await page.locator('.who-name').waitFor();
  } else {
    await page.goto(`${server.url}/#/`);
  }
  return { ctx, page, problems };
}

// Saves a screenshot of the whole page as SHOTS/name.png.
export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

// The page's width beyond the viewport, in CSS pixels (0 when nothing
// overflows sideways).
export async function overflow(page) {
  return page.evaluate(() => document.scrollingElement.scrollWidth - innerWidth);
}

// For a test file on the demo data: starts the demo server (./demo.mjs)
// and Chromium before its tests and stops both after them; `set(server,
// browser)` hands them to the file.
export function onDemoWithBrowser(set) {
  let server, browser;
  before(async () => {
    server = await startDemoServer();
    browser = await launchBrowser();
    set(server, browser);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
}
