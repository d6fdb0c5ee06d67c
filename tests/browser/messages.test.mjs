// Server messages in the reader's language: a commune officer's bad inputs
// on the demo data — a value outside its indicator's bounds in the form, a
// period written "Quý 5/2026" by another client, a value sent without its
// number, a report for another unit — are said in Vietnamese with the
// letters typed kept whole, and in English after switching to EN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onDemoWithBrowser, pageAs, shot, overflow, DESKTOP, PHONE } from '../lib/browser.mjs';

// A sentence of the server's English: only ASCII letters, several words.
const ENGLISH = /\b(is required|may not|must be|no such|not found|is not a|expected|every value|say why|sign in to|quarter|period)\b/i;

let server, browser;
onDemoWithBrowser((s, b) => { server = s; browser = b; });

// Fills the value form of "Việc của đơn vị tôi" for 5G coverage (a
// percentage) with value and sends it; returns the text of the form's error.
async function sendValue(page, value) {
  await page.goto(`${server.url}/#/viec-cua-toi`);
  await page.reload();   // a fresh form, without the previous answer
  const form = page.locator('form.enter-value');
  await form.waitFor();
  const indicator = form.locator('#v-indicator');
  await indicator.locator('option[value="5G-PHU"]').waitFor({ state: 'attached' });
  await indicator.selectOption('5G-PHU');
  await form.locator('#v-value').fill(value);
  await form.locator('button[type=submit]').click();
  // the answer to the sending, below the button (the check as typed may
  // show its own alert above it)
  const error = form.locator('.form-error').last();
  await form.locator('button[type=submit] ~ .form-error').waitFor();
  return (await error.textContent()).trim();
}

// A value of 5G coverage for Phường Hoàn Kiếm with period written as given.
const withPeriod = (period) => ({ indicator_code: '5G-PHU', unit_code: '00070', period, value: 12 });

// Sends a request from the page through the UI's own web/api.js, as a view
// does, and returns what the view would show: the ApiError's message.
function refusalOf(page, method, path, body) {
  return page.evaluate(async ([m, p, b]) => {
    const me = await (await fetch('/api/v1/session')).json();
    const { apiSend } = await import('/api.js');
    try {
      await apiSend(m, p, b, { csrf: me.csrf_token });
      return null;
    } catch (e) {
      return e.message;
    }
  }, [method, path, body]);
}

for (const viewport of [DESKTOP, PHONE]) {
  test(`a commune officer's bad inputs are said in Vietnamese (${viewport.width} px)`, async () => {
    const { ctx, page, problems } = await pageAs(browser, server, 'hoankiem', { viewport });
    try {
      const bound = await sendValue(page, '-5');
      assert.match(bound, /^Giá trị -5 % nằm ngoài giới hạn 0–100 % của chỉ tiêu 5G-PHU/);
      await shot(page, `messages-bound-${viewport.width}`);
      assert.ok(await overflow(page) <= 0, 'the message fits the screen');

      const bad = await refusalOf(page, 'PUT', '/api/v1/values', withPeriod('Quý 5/2026'));
      assert.equal(bad, "Kỳ báo cáo 'Quý 5/2026' không hợp lệ: quý phải từ 1 đến 4 (I đến IV).");
      assert.doesNotMatch(bad, /\?\?/, 'the letters typed are kept whole');

      const words = await refusalOf(page, 'PUT', '/api/v1/values', withPeriod('quý ba 2026'));
      assert.match(words, /^Kỳ báo cáo 'quý ba 2026' không hợp lệ\. Hãy viết như: Quý 3\/2025/);
      assert.doesNotMatch(words, ENGLISH);

      const missing = await refusalOf(page, 'PUT', '/api/v1/values', { indicator_code: 'GRDP', unit_code: '00070', period: '2025Q3' });
      assert.equal(missing, "Thiếu trường bắt buộc 'Giá trị'.");

      const other = await refusalOf(page, 'PUT', '/api/v1/values', { indicator_code: 'GRDP', unit_code: 'HN-SYT', period: '2025Q3', value: 1 });
      assert.equal(other, 'Tài khoản hoankiem không được báo cáo cho đơn vị này.');

      const unknown = await refusalOf(page, 'GET', '/api/v1/dashboard/indicators/9999');
      assert.equal(unknown, 'Không tìm thấy chỉ tiêu có mã số 9999.');
      for (const text of [missing, other, unknown]) assert.doesNotMatch(text, ENGLISH);
      assert.deepEqual(problems, []);
    } finally {
      await ctx.close();
    }
  });
}

test('switching to EN says the same refusals in English', async () => {
  const { ctx, page, problems } = await pageAs(browser, server, 'hoankiem');
  try {
    assert.match(await sendValue(page, '-5'), /^Giá trị -5 % nằm ngoài giới hạn/);
    await page.locator('.lang-switch button[lang=en]').click();
    await page.locator('html[lang=en]').waitFor();
    assert.doesNotMatch(await sendValue(page, '-5'), /Giá trị|giới hạn/);
    await shot(page, 'messages-bound-en');
    const bad = await refusalOf(page, 'PUT', '/api/v1/values', withPeriod('Quý 5/2026'));
    assert.match(bad, /Period 'Quý 5\/2026': quarter must be 1 to 4\.$/);
    const other = await refusalOf(page, 'PUT', '/api/v1/values', { indicator_code: 'GRDP', unit_code: 'HN-SYT', period: '2025Q3', value: 1 });
    assert.equal(other, 'hoankiem may not report for this unit.');
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});
