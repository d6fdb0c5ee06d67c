// The inbox in Chromium on the demo data: the steering office returns a
// value of Phường Hoàn Kiếm with a reason; the commune's officer lands on
// its own work, the bell counts the new item, the inbox shows the reason
// and the unit and opens the value; "mark all read" empties the bell. A
// viewer lands on the overview and has no "Việc của đơn vị tôi" in the
// menu. At 1366 and 390 px without sideways overflow.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoServer } from '../lib/demo.mjs';
import { signIn } from '../lib/auth.mjs';
import path from 'node:path';
import { launchBrowser, pageAs, shot, overflow, DESKTOP, PHONE, SHOTS } from '../lib/browser.mjs';

const REASON = 'Số liệu chưa khớp báo cáo quý, đề nghị kiểm tra lại';
let server, browser, value;

before(async () => {
  server = await startDemoServer();
  browser = await launchBrowser();
  // a draft of Hoàn Kiếm sent, then returned by the steering office
  const hk = await signIn(server, 'hoankiem');
  const drafts = (await hk.get('/api/v1/values?status=draft&limit=500')).json.values.filter((v) => v.unit_code === '00070');
  assert.ok(drafts.length > 0, 'the demo has drafts of Hoàn Kiếm');
  value = drafts[0];
  assert.equal((await hk.post(`/api/v1/values/${value.id}/submit`)).status, 200);
  const bcd = await signIn(server, 'bcd');
  const ret = await bcd.post(`/api/v1/values/${value.id}/return`, { reason: REASON });
  assert.equal(ret.status, 200, ret.text);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const menu = (page) => page.locator('nav.app-nav a');

for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`an officer lands on its work, sees the return in the inbox and opens the value (${name})`, async () => {
    const { ctx, page, problems } = await pageAs(browser, server, 'hoankiem', { viewport });
    try {
      await page.waitForURL(/#\/viec-cua-toi$/);
      await page.getByRole('heading', { level: 1, name: 'Việc của đơn vị tôi' }).waitFor();
      const bell = page.locator('header .bell');
      await bell.locator('.bell-count').waitFor();
      assert.ok(Number(await bell.locator('.bell-count').textContent()) >= 1, 'the bell counts the unread items');
      assert.match(await bell.getAttribute('aria-label'), /thông báo chưa đọc/);
      assert.ok(await menu(page).filter({ hasText: 'Hộp thư' }).count() === 1, 'the menu has the inbox');

      await bell.click();
      await page.waitForURL(/#\/hop-thu$/);
      await page.getByRole('heading', { level: 1, name: 'Hộp thư' }).waitFor();
      const item = page.locator('.inbox-item', { hasText: 'Số liệu bị trả lại' }).filter({ hasText: value.indicator_code });
      await item.waitFor();
      // unread until the desktop run opens it
      if (name === 'desktop') assert.match(await item.getAttribute('class'), /\bunread\b/);
      assert.match(await item.locator('.inbox-reason').textContent(), new RegExp(`Lý do:\\s*${REASON}`));
      assert.equal(await item.getByRole('link', { name: 'Phường Hoàn Kiếm' }).getAttribute('href'), `#/tong-quan/don-vi/${value.unit_id}`);
      await shot(page, `inbox-hoankiem-${name}`);
      assert.equal(await overflow(page), 0, 'no sideways overflow');

      // the link opens the value in "Việc của đơn vị tôi", with the reason
      await item.getByRole('link', { name: new RegExp(`^Số liệu: ${value.indicator_code}`) }).click();
      await page.waitForURL(new RegExp(`#/viec-cua-toi\\?value=${value.id}$`));
      const row = page.locator(`[data-id="${value.id}"]`);
      await row.waitFor();
      assert.match(await row.textContent(), new RegExp(REASON));
      // ... marked, and open to be fixed and sent again
      assert.match(await row.getAttribute('class'), /value-item-focus/);
      await row.locator('form.fix-value').waitFor();
      await row.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SHOTS, `inbox-opened-value-${name}.png`) });
      assert.equal(await overflow(page), 0);

      if (name === 'phone') {
        // opening it marked it read; "mark all read" clears the rest and the bell
        await page.goto(`${server.url}/#/hop-thu`);
        await page.locator('.inbox-item').first().waitFor();
        assert.equal(await page.locator('.inbox-item.unread', { hasText: REASON }).count(), 0, 'the opened item is read');
        const all = page.getByRole('button', { name: 'Đánh dấu tất cả đã đọc' });
        if (await all.count()) await all.click();
        await page.locator('.inbox-item.unread').first().waitFor({ state: 'detached' });
        await page.locator('header .bell .bell-count').waitFor({ state: 'detached' });
        assert.equal(await page.getByRole('button', { name: 'Đánh dấu tất cả đã đọc' }).count(), 0);
        await shot(page, 'inbox-read-phone');
        assert.equal(await overflow(page), 0);
      }
      assert.deepEqual(problems, []);
    } finally {
      await ctx.close();
    }
  });
}

for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`a viewer lands on the overview, without "Việc của đơn vị tôi" (${name})`, async () => {
    const { ctx, page, problems } = await pageAs(browser, server, 'xem', { viewport });
    try {
      await page.getByRole('heading', { level: 1, name: 'Tổng quan' }).waitFor();
      assert.match(page.url(), /#\/$/);
      await menu(page).filter({ hasText: 'Hộp thư' }).waitFor();
      assert.equal(await menu(page).filter({ hasText: 'Việc của đơn vị tôi' }).count(), 0);
      await page.goto(`${server.url}/#/hop-thu`);
      await page.getByText('Chưa có thông báo nào.').waitFor();
      await shot(page, `inbox-viewer-${name}`);
      assert.equal(await overflow(page), 0);
      assert.deepEqual(problems, []);
    } finally {
      await ctx.close();
    }
  });
}

test('the steering office lands on the overview; its inbox counts what waits for approval', async () => {
  const { ctx, page, problems } = await pageAs(browser, server, 'bcd', { viewport: DESKTOP });
  try {
    await page.getByRole('heading', { level: 1, name: 'Tổng quan' }).waitFor();
    assert.match(page.url(), /#\/$/);
    await page.goto(`${server.url}/#/hop-thu`);
    const waiting = page.locator('.inbox-item', { hasText: 'đang chờ phê duyệt' });
    await waiting.waitFor();
    assert.equal(await waiting.getByRole('link').first().getAttribute('href'), '#/phe-duyet');
    await shot(page, 'inbox-steering-desktop');
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});

test('the inbox in English', async () => {
  const { ctx, page, problems } = await pageAs(browser, server, 'hoankiem', { viewport: PHONE, lang: 'en' });
  try {
    await page.goto(`${server.url}/#/hop-thu`);
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    const item = page.locator('.inbox-item', { hasText: 'Value returned' }).filter({ hasText: value.indicator_code });
    await item.waitFor();
    assert.match(await item.textContent(), /Reason:\s*Số liệu chưa khớp/);
    assert.match(await item.textContent(), /Q3 2026|Q\d \d{4}/);
    await shot(page, 'inbox-hoankiem-en-phone');
    assert.equal(await overflow(page), 0);
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});
