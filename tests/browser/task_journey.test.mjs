// The task page on the demo data, each person in their own browser: the
// supporting commune finds NV-005 in Nhiệm vụ, sees it is "phối hợp" and
// reports its contribution with a PDF; Sở Y tế (lead) sees it, asks for a
// later deadline, which the steering office approves (the page shows both
// dates), then requests completion; the steering office returns it with a
// reason; Sở Y tế sees the reason, fixes and resubmits; the steering office
// approves after a confirmation and the task reads "Hoàn thành đúng hạn".
// A viewer and an anonymous visitor see no form. At 1366 and 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onDemoWithBrowser, pageAs, shot, overflow, DESKTOP, PHONE } from '../lib/browser.mjs';

let server, browser;
onDemoWithBrowser((s, b) => { server = s; browser = b; });

const TASK = '#/nhiem-vu/NV-005';

// Opens the task page as login at a width; returns { ctx, page, problems }.
async function onTask(login, viewport = DESKTOP) {
  const s = await pageAs(browser, server, login, { viewport });
  await s.page.goto(`${server.url}/${TASK}`);
  await s.page.getByRole('heading', { level: 1, name: /bản đồ số về năng lực/ }).waitFor();
  return s;
}

async function phoneCheck(login, name) {
  const s = await onTask(login, PHONE);
  try {
    await shot(s.page, `${name}-390`);
    assert.equal(await overflow(s.page), 0, `${name} at 390 px overflows`);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.ctx.close();
  }
}

test('supporting unit → lead → steering office: contribution, extension, return, resubmit, approval', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nq57-task-'));
  const pdf = path.join(dir, 'Bảng khảo sát Hoàn Kiếm.pdf');
  writeFileSync(pdf, '%PDF-1.4\n% khao sat co so\n%%EOF\n');

  // Phường Hoàn Kiếm finds its task in Nhiệm vụ: it supports.
  const hk = await pageAs(browser, server, 'hoankiem');
  try {
    const p = hk.page;
    await p.getByRole('navigation').getByRole('link', { name: 'Nhiệm vụ' }).click();
    await p.getByLabel('Chỉ nhiệm vụ của đơn vị tôi').check();
    const row = p.locator('table.tasks tbody tr', { hasText: 'NV-005' });
    await row.waitFor();
    // Only the tasks its unit leads or supports remain, each with its role.
    await p.getByText('12 nhiệm vụ').waitFor();
    const rows = await p.locator('table.tasks tbody tr').allInnerTexts();
    assert.ok(rows.every((r) => /chủ trì|phối hợp/.test(r)), rows.join('\n'));
    assert.match(await row.innerText(), /phối hợp/);
    await row.getByRole('link', { name: 'NV-005' }).click();
    await p.getByText('Đơn vị của bạn: phối hợp').waitFor();
    assert.equal(await p.getByRole('heading', { name: 'Báo cáo tiến độ (đơn vị chủ trì)' }).count(), 0, 'no lead form for a supporting unit');
    await p.getByText('Báo cáo cho: Phường Hoàn Kiếm').waitFor();
    await p.getByLabel('Tiến độ phần việc của đơn vị (%)').fill('60');
    await p.getByLabel('Nội dung').first().fill('Đã khảo sát 12 cơ sở y tế trên địa bàn phường');
    await p.getByLabel('Tệp minh chứng (PDF, ảnh, Excel, Word)').setInputFiles(pdf);
    await p.getByRole('button', { name: 'Gửi báo cáo' }).click();
    await p.getByText('Đã gửi báo cáo.').waitFor();
    const contribution = p.locator('.contributions li', { hasText: 'Phường Hoàn Kiếm' });
    await contribution.getByRole('link', { name: /Bảng khảo sát Hoàn Kiếm\.pdf/ }).waitFor();
    assert.match(await contribution.innerText(), /60%/);
    await shot(p, 'task-hoankiem-1366');
    assert.equal(await overflow(p), 0);
    assert.deepEqual(hk.problems, []);
  } finally {
    await hk.ctx.close();
  }
  await phoneCheck('hoankiem', 'task-hoankiem');

  // Sở Y tế sees the contribution and asks for a later deadline.
  const syt = await onTask('syt');
  try {
    const p = syt.page;
    await p.getByText('Đơn vị của bạn: chủ trì').waitFor();
    const contribution = p.locator('.contributions li', { hasText: 'Phường Hoàn Kiếm' });
    assert.match(await contribution.innerText(), /Đã khảo sát 12 cơ sở y tế/);
    assert.match(await contribution.innerText(), /Bảng khảo sát Hoàn Kiếm\.pdf/);
    await p.getByLabel('Thời hạn đề nghị').fill('2027-03-31');
    await p.getByLabel('Lý do', { exact: true }).fill('Chờ số liệu quý IV từ các phường');
    await p.getByRole('button', { name: 'Gửi đề nghị gia hạn' }).click();
    await p.getByText('Đã gửi đề nghị gia hạn.').waitFor();
    await p.locator('.extensions li', { hasText: 'Chờ quyết định' }).waitFor();
    assert.equal(await p.getByRole('button', { name: 'Đồng ý gia hạn' }).count(), 0, 'the lead unit does not decide');
  } finally {
    await syt.ctx.close();
  }

  // The steering office approves the extension after confirming it.
  const bcd = await onTask('bcd');
  try {
    const p = bcd.page;
    assert.equal(await p.getByRole('button', { name: 'Gửi báo cáo' }).count(), 0);
    await p.getByRole('button', { name: 'Đồng ý gia hạn' }).click();
    await p.getByText('Xác nhận gia hạn đến 31/03/2027?').waitFor();
    await p.getByRole('button', { name: 'Xác nhận' }).click();
    await p.getByText('Đã đồng ý gia hạn.').waitFor();
    const deadline = p.locator('.facts dd.deadline');
    assert.match(await deadline.innerText(), /31\/03\/2027/);
    assert.match(await deadline.innerText(), /thời hạn ban đầu 31\/12\/2026/);
    assert.match(await p.locator('.extensions li').first().innerText(), /Đã đồng ý[\s\S]*Từ 31\/12\/2026 đến 31\/03\/2027/);
    assert.match(await p.locator('.task-code-line').innerText(), /Chưa hoàn thành – trong hạn/);
    assert.deepEqual(bcd.problems, []);
  } finally {
    await bcd.ctx.close();
  }

  // Sở Y tế requests completion.
  const syt2 = await onTask('syt');
  try {
    const p = syt2.page;
    await p.getByLabel('Tiến độ nhiệm vụ (%)').fill('90');
    await p.getByLabel('Đề nghị công nhận hoàn thành (tiến độ 100%)').check();
    await p.getByLabel('Nội dung').first().fill('Đã hoàn thành bản đồ số');
    await p.getByRole('button', { name: 'Gửi đề nghị hoàn thành' }).click();
    await p.getByText('Đã gửi đề nghị công nhận hoàn thành.').waitFor();
    await p.getByText('Đang chờ công nhận hoàn thành').waitFor();
  } finally {
    await syt2.ctx.close();
  }

  // The steering office returns it with a reason.
  const bcd2 = await onTask('bcd');
  try {
    const p = bcd2.page;
    await p.getByRole('heading', { name: 'Đề nghị công nhận hoàn thành đang chờ phê duyệt' }).waitFor();
    await p.getByLabel('Lý do trả lại (bắt buộc)').fill('Thiếu báo cáo tổng hợp của các đơn vị phối hợp');
    await p.getByRole('button', { name: 'Trả lại' }).click();
    await p.getByText('Đã trả lại đề nghị.').waitFor();
  } finally {
    await bcd2.ctx.close();
  }

  // Sở Y tế sees the reason at the top of the page, fixes and resubmits.
  const syt3 = await onTask('syt');
  try {
    const p = syt3.page;
    const notice = p.locator('.returned-top');
    await notice.waitFor();
    assert.match(await notice.innerText(), /Thiếu báo cáo tổng hợp của các đơn vị phối hợp/);
    await shot(p, 'task-syt-returned-1366');
    await p.getByLabel('Đề nghị công nhận hoàn thành (tiến độ 100%)').check();
    await p.getByLabel('Nội dung').first().fill('Đã bổ sung báo cáo tổng hợp');
    await p.getByRole('button', { name: 'Gửi đề nghị hoàn thành' }).click();
    await p.getByText('Đã gửi đề nghị công nhận hoàn thành.').waitFor();
    assert.equal(await p.locator('.returned-top').count(), 0);
    assert.deepEqual(syt3.problems, []);
  } finally {
    await syt3.ctx.close();
  }
  await phoneCheck('syt', 'task-syt');
  await phoneCheck('bcd', 'task-bcd');

  // The steering office approves after a confirmation: done on time.
  const bcd3 = await onTask('bcd');
  try {
    const p = bcd3.page;
    await p.getByRole('button', { name: 'Phê duyệt hoàn thành' }).click();
    await p.getByText('Xác nhận công nhận hoàn thành nhiệm vụ NV-005?').waitFor();
    await p.getByRole('button', { name: 'Xác nhận' }).click();
    await p.getByText('Đã công nhận hoàn thành.').waitFor();
    assert.match(await p.locator('.task-code-line').innerText(), /Hoàn thành đúng hạn/);
    assert.match(await p.locator('.task-reports').innerText(), /Thiếu báo cáo tổng hợp/, 'the history keeps the returned request');
    await shot(p, 'task-bcd-done-1366');
    assert.equal(await overflow(p), 0);
    assert.deepEqual(bcd3.problems, []);
  } finally {
    await bcd3.ctx.close();
  }
});

test('a viewer and an anonymous visitor are shown no form', async () => {
  for (const viewport of [DESKTOP, PHONE]) {
    const xem = await onTask('xem', viewport);
    try {
      const p = xem.page;
      await p.locator('.facts').waitFor();
      assert.equal(await p.locator('main form').count(), 0);
      assert.equal(await p.locator('main button').count(), 0);
      assert.equal(await overflow(p), 0);
      await shot(p, `task-xem-${viewport.width}`);
      assert.deepEqual(xem.problems, []);
    } finally {
      await xem.ctx.close();
    }
    const anon = await pageAs(browser, server, null, { viewport });
    try {
      const p = anon.page;
      await p.goto(`${server.url}/${TASK}`);
      await p.getByText('Đăng nhập để xem nhiệm vụ.').waitFor();
      assert.equal(await p.locator('main form').count(), 0);
      assert.equal(await overflow(p), 0);
    } finally {
      await anon.ctx.close();
    }
  }
});
