// The API page (#/api) in Chromium, reached from the footer without
// signing in: services grouped by tag with Vietnamese summaries, the DHIS2
// import opening to its parameters, its example body and its answers
// (409 among them); the filter narrows the list; English when the UI is
// English. At 1366 and 390 px without sideways overflow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onDemoWithBrowser, pageAs, shot, overflow, DESKTOP, PHONE } from '../lib/browser.mjs';

let server, browser;
onDemoWithBrowser((s, b) => { server = s; browser = b; });

for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`an integrator reads the API description and the DHIS2 import (${name})`, async () => {
    const { ctx, page, problems } = await pageAs(browser, server, null, { viewport });
    try {
      await page.locator('.app-footer a[href="#/api"]').click();
      await page.getByRole('heading', { level: 1, name: 'API' }).waitFor();
      await page.locator('.api-group').first().waitFor();
      const groups = await page.locator('.api-group h2').allTextContents();
      assert.ok(groups.includes('Trao đổi với DHIS2') && groups.includes('Số liệu, phê duyệt'), groups.join(' | '));
      const total = await page.locator('.api-op').count();
      assert.ok(total > 80, `${total} services listed`);
      assert.match(await page.locator('.view-api [role=status]').textContent(), new RegExp(`${total} dịch vụ`));

      const dhis2 = page.locator('.api-op', { has: page.locator('.api-path', { hasText: /^\/api\/v1\/dataValueSets$/ }) })
        .filter({ has: page.locator('.api-method', { hasText: 'POST' }) });
      assert.equal(await dhis2.locator('.api-summary').textContent(), 'Trao đổi số liệu với DHIS2 (nhập)');
      await dhis2.locator('summary').click();
      const params = await dhis2.locator('.api-params tbody tr td:first-child code').allTextContents();
      assert.ok(['importStrategy', 'atomicMode', 'dryRun'].every((p) => params.includes(p)), params.join(','));
      assert.match(await dhis2.locator('.api-params tbody tr', { hasText: 'atomicMode' }).textContent(), /NONE: lưu các dòng hợp lệ/);
      assert.match(await dhis2.locator('.api-example').first().textContent(), /"dataValues"/);
      assert.match(await dhis2.locator('.api-statuses').textContent(), /409/);
      assert.equal(await overflow(page), 0, 'no sideways overflow with a service open');
      await shot(page, `api-page-${name}`);

      await page.locator('.view-api input[type=search]').fill('dataValueSets');
      assert.equal(await page.locator('.api-op').count(), 6, 'the filter keeps the DHIS2 services (GET and POST, with .json and .csv)');
      assert.match(await page.locator('.view-api [role=status]').textContent(), /6 \/ \d+ dịch vụ/);
      assert.deepEqual(problems, []);
    } finally {
      await ctx.close();
    }
  });
}

test('the API page in English', async () => {
  const { ctx, page, problems } = await pageAs(browser, server, null, { lang: 'en' });
  try {
    await page.goto(`${server.url}/#/api`);
    await page.locator('.api-group').first().waitFor();
    assert.ok((await page.locator('.api-group h2').allTextContents()).includes('DHIS2 exchange'));
    const summaries = await page.locator('.api-summary').allTextContents();
    assert.ok(summaries.includes("Import a DHIS2 dataValueSet (JSON or CSV); answers DHIS2's import summary"));
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});
