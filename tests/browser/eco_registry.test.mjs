// The ecosystem's landing page and the indicators computed from the
// registry, on the demo in Chromium: the steering office opens "Hệ sinh
// thái", sees what the registry holds and "Số doanh nghiệp KH&CN" with the
// city's figure and how many units it comes from, opens the records behind
// it (each a link to the organisation), and finds the same records on the
// indicator's dashboard page with a note that the figure is computed. An
// anonymous visitor sees the same figures on a phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onDemoWithBrowser, pageAs, shot, overflow, DESKTOP, PHONE } from '../lib/browser.mjs';
import { dbExec } from '../lib/server.mjs';

let server, browser;
onDemoWithBrowser((s, b) => { server = s; browser = b; });

const YEAR = String(new Date(Date.now() + 7 * 3600e3).getUTCFullYear());

function stCount(year = YEAR) {
  return Number(dbExec(server.db, `SELECT COUNT(*) FROM organisation WHERE kind = 'st_enterprise' AND status <> 'merged'
    AND COALESCE(founded_on, SUBSTR(created_at, 1, 10)) <= '${year}-12-31' AND (ended_on IS NULL OR ended_on > '${year}-12-31')`));
}

// the steering office at 1366 px, an anonymous visitor on a phone
for (const [size, viewport, login] of [['1366', DESKTOP, 'bcd'], ['390', PHONE, null]]) {
  {
    test(`${login || 'anonymous'}: the ecosystem page, a computed figure and the records behind it (${size} px)`, async () => {
      const { ctx, page, problems } = await pageAs(browser, server, login, { viewport });
      try {
        await page.getByRole('navigation').getByRole('link', { name: 'Hệ sinh thái', exact: true }).click();
        await page.getByRole('heading', { level: 1, name: 'Hệ sinh thái đổi mới sáng tạo' }).waitFor();
        // what the registry holds, each a link to its list
        const orgs = page.locator('a.eco-count', { hasText: 'Tổ chức' });
        await orgs.waitFor();
        await page.waitForFunction(() => [...document.querySelectorAll('.eco-count-n')].every((n) => n.textContent !== '…'));
        assert.equal(await orgs.getAttribute('href'), '#/to-chuc');
        const orgTotal = Number(dbExec(server.db, "SELECT COUNT(*) FROM organisation WHERE status <> 'merged'"));
        assert.equal((await orgs.locator('.eco-count-n').textContent()).replace(/\D/g, ''), String(orgTotal));
        // the computed indicator with the city's figure of this year
        const row = page.getByRole('row', { name: /HST-DN-KHCN/ });
        await row.waitFor();
        await row.getByText(/tổng hợp từ \d+ đơn vị/).waitFor();
        const want = stCount();
        assert.match(await row.textContent(), new RegExp(`\\b${want} doanh nghiệp`));
        assert.equal(await overflow(page), 0, 'the landing page fits');
        await shot(page, `eco-landing-${login || 'anon'}-${size}`);
        // the records behind it: as many as the figure, each a link to the organisation
        await row.getByRole('link', { name: 'Xem hồ sơ' }).click();
        await page.getByRole('heading', { level: 1, name: 'Hồ sơ đứng sau số liệu' }).waitFor();
        await page.getByRole('heading', { name: `${want} hồ sơ được tính cho năm ${YEAR}` }).waitFor();
        const links = page.locator('.registry-records tbody a[href^="#/to-chuc/"]');
        assert.equal(await links.count(), want);
        assert.ok((await links.allTextContents()).includes('Công ty Cổ phần Robot Công nghiệp Lĩnh Nam'));
        assert.equal(await overflow(page), 0, 'the records fit');
        await shot(page, `eco-records-${login || 'anon'}-${size}`);
        // the indicator's dashboard page says the figure is computed and lists the same records
        await page.getByRole('link', { name: /Số doanh nghiệp khoa học và công nghệ \(theo cơ sở dữ liệu/ }).click();
        await page.getByText('Số liệu tính tự động từ cơ sở dữ liệu hệ sinh thái').waitFor();
        const heading = await page.locator('.registry-records h3').textContent();
        const [, n, year] = heading.match(/^(\d+) hồ sơ được tính cho năm (\d{4})$/);
        assert.equal(Number(n), stCount(year), heading);
        assert.equal(await page.locator('.registry-records tbody a[href^="#/to-chuc/"]').count(), Number(n));
        // the same year as the headline tile
        await page.locator('.tiles.single').getByText(`Năm ${year}`).first().waitFor();
        assert.equal(await overflow(page), 0, 'the indicator page fits');
        await shot(page, `eco-indicator-${login || 'anon'}-${size}`);
        assert.deepEqual(problems, []);
      } finally {
        await ctx.close();
      }
    });
  }
}
