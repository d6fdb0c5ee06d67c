// A bulk import being loaded, as the steering office sees it: while the
// server loads an import of approved values in the background (held back
// here by NQ57_TEST_RELOAD_DELAY_MS), the overview and an indicator page
// open at once with the figures from before it and say so in Vietnamese;
// once loaded, a reload shows the imported figure and no notice. At 1366
// and 390 px, nothing scrolls sideways.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDemoServer } from '../lib/demo.mjs';
import { signIn } from '../lib/auth.mjs';
import { runCli } from '../lib/server.mjs';
import { DESKTOP, PHONE, SHOTS, launchBrowser, overflow, pageAs, shot } from '../lib/browser.mjs';

const NOTICE = /Đang cập nhật số liệu vừa nhập/;
let server, browser, fiveG;
const dir = mkdtempSync(path.join(tmpdir(), 'nq57-updating-ui-'));

before(async () => {
  server = await startDemoServer({ env: { NQ57_TEST_RELOAD_DELAY_MS: '15000', NQ57_RELOAD_WAIT_MS: '100' } });
  browser = await launchBrowser();
  const bcd = await signIn(server, 'bcd');
  fiveG = (await bcd.get('/api/v1/dashboard')).json.indicators.find((x) => x.code === '5G-PHU');
});
after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function importApproved(period, value) {
  const file = path.join(dir, `${period}.csv`);
  writeFileSync(file, `indicator_code,unit_code,period,value\n5G-PHU,00070,${period},${value}\n`);
  const r = await runCli(['values', 'import', file, '--approved', '--db', server.db]);
  assert.equal(r.code, 0, r.stderr);
}

for (const [viewport, width] of [[DESKTOP, 1366], [PHONE, 390]]) {
  test(`while an import loads, the pages say their figures are from before it (${width} px)`, async () => {
    const period = width === 1366 ? '2034' : '2035';
    const { ctx, page, problems } = await pageAs(browser, server, 'bcd', { viewport });
    try {
      await importApproved(period, '88.25');
      await page.goto(`${server.url}/#/tong-quan`);
      await page.reload();
      const notice = page.locator('.notice.updating');
      await notice.waitFor();
      const bcd = await signIn(server, 'bcd');
      assert.equal((await bcd.get('/api/v1/dashboard')).json.updating, true, 'the overview opened while the import was still loading');
      assert.match(await notice.innerText(), NOTICE);
      assert.equal(await overflow(page), 0);
      await shot(page, `updating-overview-${width}`);
      await page.screenshot({ path: path.join(SHOTS, `updating-overview-${width}-top.png`) });
      await page.goto(`${server.url}/#/tong-quan/chi-tieu/${fiveG.indicator_id}`);
      await page.locator('.notice.updating').waitFor();
      await shot(page, `updating-indicator-${width}`);
      // loaded: the notice is gone after a reload
      for (let i = 0; i < 200 && (await bcd.get('/api/v1/dashboard')).json.updating; i++)
        await new Promise((res) => setTimeout(res, 200));
      await page.reload();
      await page.locator('.as-of').first().waitFor();
      assert.equal(await page.locator('.notice.updating').count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await ctx.close();
    }
  });
}
