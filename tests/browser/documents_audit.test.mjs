// On the demo data, in Chromium: the steering office goes from 57-NQ/TW to
// the city plan and to one of its tasks in three clicks; an administrator
// sets a new password for the viewer after a confirmation (and has no lock
// button on their own row), reads it in Nhật ký as a difference with the
// chain intact; the viewer then must change the password before anything
// else. At 1366 and 390 px, nothing wider than the screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onDemoWithBrowser, pageAs, shot, overflow, DESKTOP, PHONE } from '../lib/browser.mjs';

const TEMP = 'mật khẩu tạm thời 2026';
const MINE = 'mật khẩu mới của xem 2026';
let server, browser;
onDemoWithBrowser((s, b) => { server = s; browser = b; });

const hashOf = (page) => page.evaluate(() => location.hash);

for (const [size, viewport] of [['1366', DESKTOP], ['390', PHONE]]) {
  test(`bcd goes 57-NQ/TW → 43/KH-UBND → a task in three clicks (${size} px)`, async () => {
    const { ctx, page, problems } = await pageAs(browser, server, 'bcd', { viewport });
    try {
      await page.getByRole('navigation').getByRole('link', { name: 'Văn bản', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Văn bản' }).waitFor();
      // The tree shows the resolution with the government's programme under it.
      await page.locator('.doc-roots > .doc-node').first().getByText('03/NQ-CP').waitFor();
      await page.locator('.doc-progress').first().waitFor();
      assert.equal(await overflow(page), 0, 'the tree fits');
      await shot(page, `documents-tree-${size}`);

      await page.getByRole('link', { name: '57-NQ/TW', exact: true }).first().click();              // 1
      await page.getByRole('heading', { level: 1, name: '57-NQ/TW' }).waitFor();
      await page.getByRole('link', { name: '43/KH-UBND', exact: true }).click();                     // 2
      await page.getByRole('heading', { level: 1, name: '43/KH-UBND' }).waitFor();
      assert.match(await hashOf(page), /^#\/van-ban\/\d+$/);
      // Its chain, issuer and date, and progress per task group with the numbers.
      await page.getByRole('navigation', { name: 'Căn cứ' }).getByRole('link', { name: '03/NQ-CP' }).waitFor();
      await page.getByText('Ban hành ngày 14/02/2025 · UBND thành phố Hà Nội').waitFor();
      const group = page.locator('#nhom-NV1');
      await group.getByRole('heading', { name: /NV1 — Hoàn thiện thể chế/ }).waitFor();
      await group.locator('.stack[role=img]').waitFor();
      const legend = await group.locator('.stack-legend').innerText();
      assert.match(legend, /\d+ nhiệm vụ/);
      assert.match(legend, /(Hoàn thành|Chưa hoàn thành|Sắp đến hạn)[^:]*: \d+/);
      await page.locator('#nhom-MT1').getByRole('link', { name: /GRDP/ }).first().waitFor();
      assert.equal(await overflow(page), 0, 'the plan fits');
      await shot(page, `document-plan-${size}`);

      const task = group.locator('a.task-code').first();
      const code = await task.innerText();
      await task.click();                                                                             // 3
      await page.waitForFunction((c) => location.hash === `#/nhiem-vu/${c}`, code);
      assert.deepEqual(problems, []);
    } finally {
      await ctx.close();
    }
  });
}

test('quantri sets a new password for xem after a confirmation; no lock button on the own row', async () => {
  const { ctx, page, problems } = await pageAs(browser, server, 'quantri', { viewport: DESKTOP });
  try {
    await page.getByRole('navigation').getByRole('link', { name: 'Người dùng' }).click();
    const own = page.locator('tr[data-login=quantri]');
    await own.waitFor();
    assert.equal(await own.locator('button.lock').count(), 0, 'no lock on one\'s own row');
    assert.equal(await own.locator('button.reset').count(), 0, 'no reset on one\'s own row');
    assert.equal(await own.locator('button.revoke').count(), 0, 'no revoking one\'s own administrator role');

    const row = page.locator('tr[data-login=xem]');
    // Locking asks first; cancelling changes nothing.
    await row.locator('button.lock').click();
    await row.getByText('Khóa tài khoản xem?', { exact: false }).waitFor();
    await row.getByRole('button', { name: 'Hủy' }).click();
    assert.equal(await row.getByText('Đang hoạt động').count(), 1);

    await row.locator('button.reset').click();
    await row.getByText('Đặt mật khẩu mới cho xem?', { exact: false }).waitFor();
    await row.getByLabel('Mật khẩu mới (ít nhất 10 ký tự)').fill(TEMP);
    await row.getByRole('button', { name: 'Xác nhận' }).click();
    await page.locator('tr[data-login=xem]').getByText('Phải đổi mật khẩu').waitFor();
    assert.equal(await overflow(page), 0);
    await shot(page, 'people-reset-1366');
    await page.setViewportSize(PHONE);
    assert.equal(await overflow(page), 0, 'the people page fits a phone');
    await shot(page, 'people-reset-390');

    // Nhật ký: the chain is intact and the reset reads as a difference.
    await page.setViewportSize(DESKTOP);
    await page.getByRole('navigation').getByRole('link', { name: 'Nhật ký' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nhật ký' }).waitFor();
    await page.getByText(/Chuỗi toàn vẹn: [\d.]+ bản ghi đã kiểm tra/).waitFor();
    await page.locator('#audit-person option', { hasText: '(quantri)' }).waitFor({ state: 'attached' });
    await page.locator('#audit-person').selectOption({ label: 'Quản trị hệ thống (quantri)' });
    const entry = page.locator('.audit-entry', { hasText: 'Đặt lại mật khẩu' }).first();
    await entry.waitFor();
    // the list is reloaded for the filter: wait until it is, then count
    await page.waitForFunction(() => {
      const all = [...document.querySelectorAll('.audit-entry')];
      return all.length > 0 && all.every((e) => /quantri/.test(e.querySelector('.audit-actor')?.textContent || ''));
    }, null, { timeout: 10000 }).catch(() => {});
    assert.equal(await page.locator('.audit-entry').filter({ hasNot: page.locator('.audit-actor', { hasText: 'quantri' }) }).count(), 0,
      'only quantri\'s entries');
    const diff = entry.locator('.diff-row', { hasText: 'Phải đổi mật khẩu' });
    await diff.locator('del').waitFor();
    assert.match(await diff.innerText(), /không\s*→\s*có/);
    assert.equal(await overflow(page), 0);
    await shot(page, 'audit-1366');
    await page.setViewportSize(PHONE);
    assert.equal(await overflow(page), 0, 'the audit page fits a phone');
    await shot(page, 'audit-390');
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});

test('xem signs in with the new password and must change it before anything else', async () => {
  const ctx = await browser.newContext({ locale: 'vi-VN', viewport: PHONE });
  const page = await ctx.newPage();
  try {
    await page.goto(`${server.url}/#/dang-nhap`);
    await page.locator('#signin-login').fill('xem');
    await page.locator('#signin-password').fill(TEMP);
    await page.locator('form button[type=submit]').click();
    await page.getByRole('heading', { level: 1, name: 'Đổi mật khẩu' }).waitFor();
    await page.getByText('Quản trị viên đã đặt mật khẩu mới cho bạn').waitFor();
    assert.equal(await page.locator('.app-nav').count(), 0, 'no menu until it is changed');
    // Going elsewhere still shows only the form.
    await page.goto(`${server.url}/#/tong-quan`);
    await page.getByRole('heading', { level: 1, name: 'Đổi mật khẩu' }).waitFor();
    assert.equal(await overflow(page), 0);
    await shot(page, 'must-change-390');

    await page.getByLabel('Mật khẩu hiện tại').fill(TEMP);
    await page.getByLabel('Mật khẩu mới (ít nhất 10 ký tự)').fill(MINE);
    await page.getByLabel('Nhập lại mật khẩu mới').fill(MINE);
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await page.locator('.app-nav').waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Văn bản' }).waitFor();
    assert.equal(await page.getByRole('navigation').getByRole('link', { name: 'Nhật ký' }).count(), 0, 'a viewer has no Nhật ký');
  } finally {
    await ctx.close();
  }
});
