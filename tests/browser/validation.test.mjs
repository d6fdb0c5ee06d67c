// Validation rules in Chromium on the demo data: Phường Hoàn Kiếm's
// officer types −5 for its 5G coverage and is told, in Vietnamese, that
// the value breaks the 0–100 % rule — as they type and again when they
// send, with nothing saved; a drop to 20 % is a jump that asks for a note
// before it can be sent; the steering office sees the flag on the card in
// Phê duyệt and the value in Kiểm tra số liệu. At 1366 and 390 px,
// nothing scrolls sideways.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoServer } from '../lib/demo.mjs';
import { signIn } from '../lib/auth.mjs';
import { DESKTOP, PHONE, launchBrowser, overflow, pageAs, shot } from '../lib/browser.mjs';

let server, browser, hoankiem, draftId;
const BOUNDS = 'Giá trị -5 % nằm ngoài giới hạn 0–100 % của chỉ tiêu 5G-PHU (quy tắc “Tỷ lệ phần trăm từ 0 đến 100”).';

before(async () => {
  server = await startDemoServer();
  browser = await launchBrowser();
  hoankiem = await signIn(server, 'hoankiem');
  const drafts = (await hoankiem.get('/api/v1/values?mine=1&period=2026Q3&status=draft')).json.values;
  draftId = drafts.find((v) => v.indicator_code === '5G-PHU' && v.unit_code === '00070')?.id;
  assert.ok(draftId, 'the demo has Hoàn Kiếm’s 5G draft for Quý III/2026');
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// Hoàn Kiếm's 5G draft of Quý III/2026, opened for editing.
async function openDraft(page) {
  await page.goto(`${server.url}/#/viec-cua-toi`);
  const row = page.locator('.value-group', { hasText: 'Quý III/2026' }).locator('.value-item', { hasText: '5G-PHU' });
  await row.getByRole('button', { name: 'Sửa 5G-PHU' }).click();
  return row.locator('form.fix-value');
}

const stored = async () => (await hoankiem.get(`/api/v1/values/${draftId}`)).json;

test('−5 % is refused in Vietnamese as it is typed and when it is sent; nothing is saved (390 px)', async () => {
  const { ctx, page, problems } = await pageAs(browser, server, 'hoankiem', { viewport: PHONE });
  try {
    const before = await stored();
    const form = await openDraft(page);
    await form.getByLabel(/^Giá trị/).fill('-5');
    await form.locator('.rule-check .rule-hard', { hasText: BOUNDS }).waitFor();
    await form.getByRole('button', { name: 'Chỉ lưu nháp' }).click();
    await form.getByRole('alert').filter({ hasText: BOUNDS }).waitFor();
    const after = await stored();
    assert.equal(after.value, before.value, 'the refused value is not saved');
    assert.equal(after.status, 'draft');
    await shot(page, 'validation-refused-390');
    assert.equal(await overflow(page), 0, 'nothing scrolls sideways');
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});

test('a drop to 20 % asks for a note before it is sent, and is sent with one (1366 px)', async () => {
  const { ctx, page, problems } = await pageAs(browser, server, 'hoankiem', { viewport: DESKTOP });
  try {
    const form = await openDraft(page);
    await form.getByLabel(/^Giá trị/).fill('-5');
    await form.locator('.rule-check .rule-hard', { hasText: BOUNDS }).waitFor();
    await shot(page, 'validation-refused-1366');
    await form.getByLabel(/^Giá trị/).fill('20');
    const soft = form.locator('.rule-check .rule-soft-line');
    await soft.waitFor();
    assert.match(await soft.innerText(), /Giá trị 20 % thay đổi -\d+(\.\d+)?% so với .* % của Quý II\/2026, vượt ngưỡng ±50%/);
    await form.getByText('hãy ghi chú giải thích trước khi lưu').waitFor();
    const note = form.getByLabel('Ghi chú');
    await note.fill(''); // the demo draft's own note would explain it
    await form.getByRole('button', { name: 'Lưu và gửi' }).click();
    assert.equal(await note.evaluate((e) => e.validity.valueMissing), true, 'the note is asked for');
    assert.equal((await stored()).status, 'draft', 'not sent without a note');
    await shot(page, 'validation-jump-1366');
    await note.fill('Nhà mạng tắt 12 trạm BTS để nâng cấp lên 5G SA trong quý');
    await form.getByRole('button', { name: 'Lưu và gửi' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã gửi 5G-PHU' }).waitFor();
    const sent = await stored();
    assert.equal(sent.status, 'submitted');
    assert.equal(sent.value, 20);
    assert.equal(sent.flags.length, 1);
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});

test('the steering office sees the flag in Phê duyệt and the value in Kiểm tra số liệu (1366 and 390 px)', async () => {
  for (const [viewport, width] of [[DESKTOP, 1366], [PHONE, 390]]) {
    const { ctx, page, problems } = await pageAs(browser, server, 'bcd', { viewport });
    try {
      await page.goto(`${server.url}/#/phe-duyet`);
      const card = page.locator('.review-item', { hasText: '5G-PHU' }).filter({ hasText: 'Phường Hoàn Kiếm' });
      const flags = card.locator('.rule-flags');
      await flags.waitFor();
      const text = await flags.innerText();
      assert.match(text, /Cảnh báo kiểm tra số liệu/);
      assert.match(text, /Giá trị 20 % thay đổi -\d+(\.\d+)?% so với/);
      assert.match(await card.innerText(), /Nhà mạng tắt 12 trạm BTS/, 'the note that explains it is beside the flag');
      await card.scrollIntoViewIfNeeded();
      await shot(page, `validation-approvals-${width}`);
      assert.equal(await overflow(page), 0, `${width}: nothing scrolls sideways in Phê duyệt`);

      await page.getByRole('navigation').getByRole('link', { name: 'Kiểm tra số liệu' }).click();
      await page.getByRole('heading', { name: 'Kiểm tra số liệu', level: 1 }).waitFor();
      const finding = page.locator('.finding', { hasText: 'Phường Hoàn Kiếm' }).filter({ hasText: '5G-PHU' })
        .filter({ hasText: 'Quý III/2026' });
      await finding.first().waitFor();
      assert.match(await finding.first().innerText(), /Cảnh báo[\s\S]*20 %[\s\S]*vượt ngưỡng ±50%/);
      await shot(page, `validation-analysis-${width}`);
      assert.equal(await overflow(page), 0, `${width}: nothing scrolls sideways in Kiểm tra số liệu`);
      assert.deepEqual(problems, []);
    } finally {
      await ctx.close();
    }
  }
  // officers see neither the page's entry nor its findings
  const { ctx, page } = await pageAs(browser, server, 'hoankiem', { viewport: DESKTOP });
  try {
    await page.goto(`${server.url}/#/kiem-tra`);
    await page.getByText('Chỉ Văn phòng Ban Chỉ đạo và quản trị viên xem được').waitFor();
    assert.equal(await page.getByRole('navigation').getByRole('link', { name: 'Kiểm tra số liệu' }).count(), 0);
  } finally {
    await ctx.close();
  }
});

test('the steering office sets an indicator’s rules on Kiểm tra số liệu (1366 and 390 px)', async () => {
  const bcd = await signIn(server, 'bcd');
  const id = (await bcd.get('/api/v1/indicators?q=DN-KHCN')).json.indicators.find((i) => i.code === 'DN-KHCN').id;
  for (const [viewport, width] of [[DESKTOP, 1366], [PHONE, 390]]) {
    const { ctx, page, problems } = await pageAs(browser, server, 'bcd', { viewport });
    try {
      await page.goto(`${server.url}/#/kiem-tra`);
      const editor = page.locator('section.rules-editor');
      await editor.getByLabel('Chỉ tiêu').selectOption('DN-KHCN');
      if (width === 1366) {
        await editor.getByText('Đang dùng quy tắc mặc định theo đơn vị tính (doanh nghiệp).').waitFor();
        const jump = editor.getByRole('listitem', { name: 'Quy tắc 2' });
        assert.match(await jump.innerText(), /Biến động so với kỳ trước/);
        await jump.getByLabel('Ngưỡng thay đổi (±%)').fill('30');
        await editor.getByLabel('Loại quy tắc cần thêm').selectOption('compare');
        await editor.getByRole('button', { name: 'Thêm quy tắc' }).click();
        const cmp = editor.getByRole('listitem', { name: 'Quy tắc 3' });
        await cmp.getByLabel('Vế trái').fill('{DN-KHCN}');
        await cmp.getByLabel('Vế phải').fill('{RD-TT} * 1000');
        await cmp.getByLabel('Tên quy tắc (tiếng Việt)').fill('Doanh nghiệp KH&CN trong giới hạn hợp lý');
        await editor.getByRole('button', { name: 'Lưu quy tắc' }).click();
        await editor.getByRole('status').filter({ hasText: 'Đã lưu quy tắc kiểm tra của DN-KHCN.' }).waitFor();
        const rules = (await bcd.get(`/api/v1/indicators/${id}/rules`)).json;
        assert.equal(rules.defaults, false);
        assert.deepEqual(rules.rules.map((r) => [r.kind, r.hard, r.percent ?? r.min ?? r.left]),
          [['bounds', true, 0], ['jump', false, 30], ['compare', false, '{DN-KHCN}']]);
        assert.equal(rules.rules[2].name_vi, 'Doanh nghiệp KH&CN trong giới hạn hợp lý');
      } else {
        await editor.getByText('Chỉ tiêu có quy tắc riêng.').waitFor();
        await editor.getByRole('listitem', { name: 'Quy tắc 3' }).scrollIntoViewIfNeeded();
      }
      await shot(page, `validation-rules-${width}`);
      assert.equal(await overflow(page), 0, `${width}: nothing scrolls sideways`);
      assert.deepEqual(problems, []);
    } finally {
      await ctx.close();
    }
  }
});
