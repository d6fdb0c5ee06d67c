// The bibliometric indicators page on the demo with the real OpenAlex
// works of ../shared/data, two of whose institutions are registered: a visitor, not signed in, sees the
// table by organisation with stability intervals, switches to full
// counting and to communes (names link to the map), sorts by MNCS, and
// opens one organisation's trend by year. At 1366 and 390 px. A research
// office analyst compares the two registered organisations side by side, in
// English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoServer } from '../lib/demo.mjs';
import { signIn } from '../lib/auth.mjs';
import { launchBrowser, pageAs, shot, overflow, DESKTOP, PHONE } from '../lib/browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const works = path.join(root, '..', 'shared', 'data', 'bibliometrics', 'openalex', 'works.jsonl');
const skip = existsSync(works) ? false : 'needs ../shared/data/bibliometrics/openalex/works.jsonl';

let server, browser, orgId, otherId, quietId;

before(async () => {
  if (skip) return;
  server = await startDemoServer({ env: { NQ57_MAX_BODY: '16M' } });
  const bcd = await signIn(server, 'bcd');
  const made = [];
  for (const [inst, name, short, unit] of [['I1334329717', 'Viện Nghiên cứu Khoa học Dữ liệu Hà Nội', 'VKHDL', '00070'],
    ['I4210120569', 'Trường Đại học Công nghệ Thử nghiệm', 'ĐHCNTN', '00004']]) {
    const r = await bcd.post('/api/v1/organisations', { kind: 'university', name, short_name: short, openalex_id: inst, unit_code: unit, lat: 21.03, lon: 105.85 });
    assert.equal(r.status, 201, r.text);
    made.push(r.json.id);
  }
  [orgId, otherId] = made;
  const quiet = await bcd.post('/api/v1/organisations', { kind: 'institute', name: 'Viện Thử nghiệm Chưa Công bố', short_name: 'VTNCCB', unit_code: '00070' });
  assert.equal(quiet.status, 201, quiet.text);
  quietId = quiet.json.id;
  const imp = await bcd.post('/api/v1/outputs/works/import', readFileSync(works, 'utf8'), { 'content-type': 'application/x-ndjson' });
  assert.equal(imp.status, 200, imp.text);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`a visitor reads the indicators, switches counting and rows, opens an organisation (${label})`, { skip }, async () => {
    const { ctx, page, problems } = await pageAs(browser, server, null, { viewport });
    try {
      await page.goto(`${server.url}/#/chi-so-khcn`);
      const table = page.locator('table.sti-table');
      await table.waitFor();
      const mine = table.locator('tbody tr', { hasText: 'VKHDL' });
      await mine.locator(`a[href="#/chi-so-khcn/to-chuc/${orgId}"]`).waitFor();
      // an interval under MCS, and the glossary explaining the abbreviations
      assert.match(await mine.locator('td.num small').first().innerText(), /\d.*–.*\d/);
      assert.match(await page.locator('.glossary').innerText(), /MNCS/);
      await shot(page, `stmap-indicators-${label}`);
      assert.equal(await overflow(page), 0, 'the page fits its width');

      // full counting: the number of publications is a whole number
      const pCell = () => table.locator('tbody tr', { hasText: 'VKHDL' }).locator('td.num').first();
      const fractional = await pCell().innerText();
      await page.getByLabel('Toàn phần').check();
      await page.waitForFunction((f) => {
        const row = [...document.querySelectorAll('table.sti-table tbody tr')].find((r) => r.textContent.includes('VKHDL'));
        return row && row.querySelector('td.num').textContent.trim() !== f;
      }, fractional);
      assert.match(await pCell().innerText(), /^\d+$/);

      // sort by MNCS (descending, then ascending)
      await table.getByRole('button', { name: /MNCS/ }).click();
      assert.equal(await table.locator('th[aria-sort=descending]').count(), 1);

      // communes link to the map
      await page.getByLabel('Xem theo').selectOption('commune');
      await page.locator('table.sti-table tbody tr a[href^="#/ban-do?don-vi="]').first().waitFor();
      assert.match(await page.locator('table.sti-table').innerText(), /Hoàn Kiếm/);

      // fields link to their publications
      await page.getByLabel('Xem theo').selectOption('field');
      await page.locator('table.sti-table tbody tr a[href^="#/cong-bo?linh-vuc="]').first().waitFor();
      await page.getByLabel('Xem theo').selectOption('commune');
      await page.locator('table.sti-table tbody tr a[href^="#/ban-do?don-vi="]').first().waitFor();

      // the workbook link names the same table
      assert.match(await page.getByRole('link', { name: 'Tải bảng tính Excel' }).first().getAttribute('href'), /by=commune.*format=xlsx/);

      // one organisation's page with its trend
      await page.goto(`${server.url}/#/chi-so-khcn/to-chuc/${orgId}`);
      await page.locator('h1', { hasText: 'Viện Nghiên cứu Khoa học Dữ liệu Hà Nội' }).waitFor();
      await page.locator('.chart canvas, .chart svg').first().waitFor();
      assert.ok(await page.locator('table.sti-years tbody tr').count() >= 1);
      assert.equal(await page.locator(`a[href="#/to-chuc/${orgId}"]`).count(), 1, 'the profile is a link');
      await shot(page, `stmap-indicators-org-${label}`);
      assert.equal(await overflow(page), 0, 'the organisation page fits its width');
      assert.deepEqual(problems, []);
    } finally {
      await ctx.close();
    }
  });
}

for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`an analyst compares two organisations side by side, in English (${label})`, { skip }, async () => {
    const { ctx, page, problems } = await pageAs(browser, server, null, { viewport, lang: 'en' });
    try {
      await page.goto(`${server.url}/#/chi-so-khcn`);
      await page.getByRole('link', { name: 'Compare organisations' }).click();
      await page.getByText('Choose at least two organisations to compare.').waitFor();
      await page.getByRole('checkbox', { name: 'VKHDL' }).check();
      await page.getByRole('checkbox', { name: 'ĐHCNTN' }).check();
      const table = page.locator('table.sti-compare');
      await table.waitFor();
      // one column per organisation, each a link to its own page
      assert.equal(await table.locator(`thead a[href="#/chi-so-khcn/to-chuc/${orgId}"]`).count(), 1);
      assert.equal(await table.locator(`thead a[href="#/chi-so-khcn/to-chuc/${otherId}"]`).count(), 1);
      assert.equal(await table.locator('tbody tr').first().locator('td').count(), 2);
      assert.match(await table.locator('tbody tr').first().locator('th').innerText(), /publications/i);
      await page.locator('.chart canvas, .chart svg').first().waitFor();
      assert.match(page.url(), new RegExp(`to-chuc=${orgId},${otherId}`), 'the comparison can be bookmarked');
      // full counting: whole numbers of publications
      await page.getByLabel('Full').check();
      await page.waitForFunction(() => /^\d+$/.test(document.querySelector('table.sti-compare tbody td.num')?.textContent.trim()));
      await shot(page, `stmap-indicators-compare-${label}`);
      assert.equal(await overflow(page), 0, 'the comparison fits its width');

      // a comparison opened by its link with an organisation without publications: chosen, and can be left out
      await page.goto(`${server.url}/#/chi-so-khcn/so-sanh?to-chuc=${orgId},${quietId}`);
      await table.locator(`thead a[href="#/chi-so-khcn/to-chuc/${quietId}"]`).waitFor();
      const quiet = page.getByRole('checkbox', { name: 'VTNCCB' });
      assert.equal(await quiet.isChecked(), true);
      await quiet.uncheck();
      await page.getByText('Choose at least two organisations to compare.').waitFor();
      assert.equal(await table.count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await ctx.close();
    }
  });
}
