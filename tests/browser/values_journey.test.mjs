// Values on the demo data, in Chromium: a commune officer submits all its
// drafts of a quarter at once; the steering office reviews them in "Phê
// duyệt" with the previous value and the target, returns one with a reason
// and approves the rest after a confirmation; the officer sees the reason
// on the row, fixes the value and sends it again; the steering office
// approves it and the unit's page shows the approved figure. A viewer is
// shown no form and no approve button. At 1366 and 390 px wide.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dbExec } from '../lib/server.mjs';
import { signIn } from '../lib/auth.mjs';
import { onDemoWithBrowser, pageAs, shot, overflow, PHONE, DESKTOP } from '../lib/browser.mjs';

let server, browser;
onDemoWithBrowser((s, b) => { server = s; browser = b; });

const HK = "(SELECT id FROM unit WHERE code = '00070')";
const statuses = () => dbExec(server.db, `SELECT i.code, v.status FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id
  WHERE v.unit_id = ${HK} AND v.period = '2026Q3' ORDER BY i.code`);

async function open(page, route) {
  await page.goto(`${server.url}/${route}`);
  await page.locator('h1').first().waitFor();
}

test('drafts sent at once, one returned with a reason, fixed and sent again, approved, shown on the unit\'s page', async () => {
  const all = [];
  // 1. the commune officer sends both 2026Q3 drafts (phone)
  const hk = await pageAs(browser, server, 'hoankiem', { viewport: PHONE });
  try {
    const p = hk.page;
    await open(p, '#/viec-cua-toi');
    const group = p.locator('.value-group', { hasText: 'Quý III/2026' });
    await group.getByRole('button', { name: /Gửi tất cả nháp của kỳ/ }).click();
    const dialog = p.getByRole('dialog');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /5G-PHU/);
    assert.match(await dialog.innerText(), /DN-KHCN/);
    await shot(p, 'values-send-all-390');
    assert.equal(await overflow(p), 0);
    await dialog.getByRole('button', { name: 'Gửi tất cả' }).click();
    await p.getByRole('status').filter({ hasText: 'Đã gửi 2 số liệu' }).waitFor();
    assert.equal(statuses(), '5G-PHU|submitted\nDN-KHCN|submitted');
    all.push(...hk.problems);
  } finally {
    await hk.ctx.close();
  }

  // 2. the steering office: previous value and target, return one, approve the rest
  const bcd = await pageAs(browser, server, 'bcd', { viewport: DESKTOP });
  try {
    const p = bcd.page;
    await p.getByRole('navigation').getByRole('link', { name: /Phê duyệt/ }).click();
    const g5 = p.locator('.review-item', { hasText: '5G-PHU' }).filter({ hasText: 'Phường Hoàn Kiếm' });
    await g5.waitFor();
    const text = await g5.innerText();
    assert.match(text, /Quý II\/2026: 87 %/, 'the previous quarter\'s value');
    assert.match(text, /Năm 2030 \(Thành phố Hà Nội\): 100 %/, 'the city\'s target');
    assert.match(text, /78 → 87 → 87/, 'the unit\'s trend ends with the value under review');
    await shot(p, 'values-queue-1366');
    assert.equal(await overflow(p), 0);
    await g5.getByRole('button', { name: 'Trả lại' }).click();
    const dialog = p.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Trả lại' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Hãy nhập lý do' }).waitFor();
    await dialog.getByLabel('Lý do trả lại').fill('Tỷ lệ không đổi so với quý II, đề nghị kiểm tra lại với nhà mạng');
    await dialog.getByRole('button', { name: 'Trả lại' }).click();
    await g5.waitFor({ state: 'detached' });

    const dn = p.locator('.review-item', { hasText: 'DN-KHCN' }).filter({ hasText: 'Phường Hoàn Kiếm' });
    await dn.getByRole('checkbox').check();
    await p.getByRole('button', { name: 'Phê duyệt các mục đã chọn (1)' }).click();
    const confirm = p.getByRole('dialog');
    assert.match(await confirm.innerText(), /DN-KHCN — Phường Hoàn Kiếm — Quý III\/2026: 5 doanh nghiệp/);
    await confirm.getByRole('button', { name: 'Xác nhận phê duyệt' }).click();
    await p.getByRole('status').filter({ hasText: 'Đã phê duyệt 1 số liệu' }).waitFor();
    assert.equal(statuses(), '5G-PHU|returned\nDN-KHCN|approved');
    all.push(...bcd.problems);
  } finally {
    await bcd.ctx.close();
  }

  // 3. the officer sees the reason, fixes the value and sends it again
  const again = await pageAs(browser, server, 'hoankiem', { viewport: PHONE });
  try {
    const p = again.page;
    await open(p, '#/viec-cua-toi');
    const row = p.locator('.value-item', { hasText: '5G-PHU' }).filter({ hasText: 'Bị trả lại' });
    await row.getByText('Tỷ lệ không đổi so với quý II, đề nghị kiểm tra lại với nhà mạng').waitFor();
    assert.match(await row.innerText(), /Văn phòng Ban Chỉ đạo/, 'who returned it');
    await row.getByRole('button', { name: 'Sửa và gửi lại 5G-PHU' }).click();
    const form = row.locator('form.fix-value');
    await form.getByRole('list', { name: 'Lịch sử số liệu' }).getByText(/Trả lại/).waitFor();
    await form.getByLabel(/Giá trị/).fill('91');
    await form.getByLabel('Ghi chú').fill('Đã đối chiếu với số liệu của nhà mạng tháng 9');
    await shot(p, 'values-fix-390');
    assert.equal(await overflow(p), 0);
    await form.getByRole('button', { name: 'Gửi lại' }).click();
    await p.getByRole('status').filter({ hasText: 'Đã gửi lại 5G-PHU' }).waitFor();
    assert.equal(statuses(), '5G-PHU|submitted\nDN-KHCN|approved');
    all.push(...again.problems);
  } finally {
    await again.ctx.close();
  }

  // 4. approved after a confirmation; the unit's page shows it (phone)
  const last = await pageAs(browser, server, 'bcd', { viewport: PHONE });
  try {
    const p = last.page;
    await open(p, '#/phe-duyet');
    const g5 = p.locator('.review-item', { hasText: '5G-PHU' }).filter({ hasText: 'Phường Hoàn Kiếm' });
    assert.match(await g5.innerText(), /Tỷ lệ không đổi so với quý II/, 'the earlier return is shown');
    assert.match(await g5.innerText(), /Đã đối chiếu với số liệu của nhà mạng tháng 9/);
    await shot(p, 'values-queue-390');
    assert.equal(await overflow(p), 0);
    await g5.getByRole('button', { name: 'Phê duyệt' }).click();
    await p.getByRole('dialog').getByRole('button', { name: 'Xác nhận phê duyệt' }).click();
    await g5.waitFor({ state: 'detached' });
    assert.equal(statuses(), '5G-PHU|approved\nDN-KHCN|approved');
    const unit = dbExec(server.db, "SELECT id FROM unit WHERE code = '00070'");
    await open(p, `#/tong-quan/don-vi/${unit}`);
    const tile = p.locator('article.tile', { hasText: 'Tỷ lệ phủ sóng 5G' });
    await tile.locator('.tile-actual', { hasText: 'Quý III/2026' }).waitFor();
    assert.equal((await tile.locator('.tile-actual .value').innerText()).trim(), '91', 'the approved figure of the quarter');
    await shot(p, 'values-unit-page-390');
    all.push(...last.problems);
  } finally {
    await last.ctx.close();
  }
  assert.deepEqual(all, []);
});

test('approving a selection in which one value was returned meanwhile: the refusal is named in Vietnamese, nothing is approved', async () => {
  const admin = await signIn(server, 'quantri');
  const sent = await admin.post('/api/v1/values/submit', { unit_code: '00008', period: '2026Q3' });
  assert.equal(sent.status, 200, sent.text);
  const [first, second] = sent.json.values;
  const ngh = () => dbExec(server.db, `SELECT i.code, v.status FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id
    WHERE v.unit_id = (SELECT id FROM unit WHERE code = '00008') AND v.period = '2026Q3' ORDER BY i.code`);
  const bcd = await pageAs(browser, server, 'bcd', { viewport: PHONE });
  try {
    const p = bcd.page;
    await open(p, '#/phe-duyet');
    for (const v of [first, second]) {
      await p.locator('.review-item', { hasText: v.indicator_code }).filter({ hasText: 'Phường Ngọc Hà' }).getByRole('checkbox').check();
    }
    await p.getByRole('button', { name: 'Phê duyệt các mục đã chọn (2)' }).click();
    // meanwhile another reviewer returns one of them
    const other = await signIn(server, 'bcd');
    assert.equal((await other.post(`/api/v1/values/${second.id}/return`, { reason: 'Thiếu minh chứng' })).status, 200);
    const dialog = p.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Xác nhận phê duyệt' }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    const said = await alert.innerText();
    assert.match(said, /1 trong 2 số liệu không phê duyệt được; chưa số liệu nào được phê duyệt\./);
    assert.match(said, new RegExp(`${second.indicator_code} — Phường Ngọc Hà: Số liệu đang ở trạng thái bị trả lại`));
    assert.doesNotMatch(said, /cannot|returned/);
    await shot(p, 'values-refused-390');
    assert.equal(await overflow(p), 0);
    assert.equal(ngh(), [first, second].map((v) => `${v.indicator_code}|${v === first ? 'submitted' : 'returned'}`).sort().join('\n'));
    await dialog.getByRole('button', { name: 'Hủy' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.deepEqual(bcd.problems.filter((m) => !/status of 409/.test(m)), []);
  } finally {
    await bcd.ctx.close();
  }
});

test('a draft is sent from its own row', async () => {
  const hk = await signIn(server, 'hoankiem');
  const saved = await hk.put('/api/v1/values', { indicator_code: 'DN-KHCN', unit_code: '00070', period: '2026Q4', value: 7 });
  assert.equal(saved.status, 200, saved.text);
  const { ctx, page: p, problems } = await pageAs(browser, server, 'hoankiem', { viewport: DESKTOP });
  try {
    await open(p, '#/viec-cua-toi');
    const row = p.locator('.value-group', { hasText: 'Quý IV/2026' }).locator('.value-item', { hasText: 'DN-KHCN' });
    await row.getByText('Nháp').waitFor();
    await row.getByRole('button', { name: 'Gửi DN-KHCN' }).click();
    await p.getByRole('status').filter({ hasText: 'Đã gửi DN-KHCN chờ phê duyệt' }).waitFor();
    await p.locator('.value-group', { hasText: 'Quý IV/2026' }).getByText('Chờ phê duyệt').waitFor();
    assert.equal(dbExec(server.db, `SELECT status FROM indicator_value WHERE id = ${saved.json.id}`), 'submitted');
    assert.equal(await p.locator('.value-group', { hasText: 'Quý IV/2026' }).getByRole('button', { name: /Gửi/ }).count(), 0,
      'nothing left to send in that period');
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});

test('a viewer is shown no value form and no approve button; the menu has no "Phê duyệt" for it', async () => {
  const xem = await pageAs(browser, server, 'xem', { viewport: PHONE });
  try {
    const p = xem.page;
    await open(p, '#/viec-cua-toi');
    await p.getByText('Tài khoản của bạn chỉ có quyền xem').waitFor();
    assert.equal(await p.locator('form').count(), 0);
    assert.equal(await p.getByRole('button', { name: /Phê duyệt|Gửi/ }).count(), 0);
    assert.equal(await p.getByRole('navigation').getByRole('link', { name: /Phê duyệt/ }).count(), 0);
    await open(p, '#/phe-duyet');
    await p.getByText('Chỉ Văn phòng Ban Chỉ đạo và quản trị viên phê duyệt số liệu.').waitFor();
    assert.equal(await p.getByRole('button', { name: /Phê duyệt/ }).count(), 0);
    assert.equal(await overflow(p), 0);
    assert.deepEqual(xem.problems, []);
  } finally {
    await xem.ctx.close();
  }
});

test('My work and Phê duyệt fit a phone for every person, in Vietnamese and English', async () => {
  for (const login of ['bcd', 'quantri', 'syt', 'hoankiem', 'xem']) {
    for (const lang of ['vi', 'en']) {
      const { ctx, page, problems } = await pageAs(browser, server, login, { viewport: PHONE, lang });
      try {
        for (const route of ['#/viec-cua-toi', '#/phe-duyet']) {
          await open(page, route);
          await page.waitForLoadState('networkidle');
          await page.waitForFunction(() => !/Đang tải…|Loading…/.test(document.body.innerText));
          if (route === '#/phe-duyet' && ['bcd', 'quantri'].includes(login)) await page.locator('.approvals-values').waitFor();
          assert.equal(await overflow(page), 0, `${login} ${lang} ${route}`);
        }
        if (login === 'bcd') await shot(page, `values-queue-390-${lang}`);
        assert.deepEqual(problems, [], `${login} ${lang}`);
      } finally {
        await ctx.close();
      }
    }
  }
});
