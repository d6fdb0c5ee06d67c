// The data-entry grid on the demo, in Chromium: Phường Hoàn Kiếm's officer
// opens it from "Việc của đơn vị tôi", picks "Quý IV/2026" from the list
// (no code typed), sees last period's value and the target beside each
// cell, types values — a rule flag appears where the server's rules say
// so — adds a comment, and sends the grid once: the values are submitted.
// At 1366 and 390 px wide. And the overview's and the task list's tasks
// are of today unless another day is picked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dbExec } from '../lib/server.mjs';
import { onDemoWithBrowser, pageAs, shot, overflow, PHONE, DESKTOP } from '../lib/browser.mjs';

let server, browser;
onDemoWithBrowser((s, b) => { server = s; browser = b; });

const q4 = () => dbExec(server.db, `SELECT i.code, v.value, v.status, COALESCE(v.note, '') FROM indicator_value v
  JOIN indicator i ON i.id = v.indicator_id WHERE v.unit_id = (SELECT id FROM unit WHERE code = '00070') AND v.period = '2026Q4'
  ORDER BY i.code`);

const row = (p, code) => p.locator('tr.grid-row', { has: p.locator(`a:text-is("${code}")`) });

test('an officer fills Quý IV/2026 in the grid, sees the rules as they type, and sends it once', async () => {
  const hk = await pageAs(browser, server, 'hoankiem', { viewport: DESKTOP });
  try {
    const p = hk.page;
    await p.goto(`${server.url}/#/viec-cua-toi`);
    await p.getByRole('link', { name: /Nhập số liệu theo kỳ/ }).click();
    await p.locator('h1', { hasText: 'Nhập số liệu theo kỳ' }).waitFor();
    assert.match(p.url(), /#\/nhap-lieu$/);
    const period = p.locator('.grid-pick').getByLabel('Kỳ báo cáo');
    const offered = await period.locator('option').allInnerTexts();
    assert.ok(offered.includes('Quý III/2025') && offered.includes('6 tháng đầu năm 2025') && offered.includes('Năm 2025'),
      `periods in words: ${offered.join(', ')}`);
    assert.ok(!offered.some((x) => /^\d{4}(Q|S)\d$/.test(x)), 'no period code is shown');
    await period.selectOption({ label: 'Quý IV/2026' });
    await p.locator('h2', { hasText: 'Quý IV/2026' }).waitFor();
    assert.match(await p.locator('thead').innerText(), /Kỳ trước \(Quý III\/2026\)/);

    // last period's value and the target beside the cell
    const g5 = row(p, '5G-PHU');
    const cells = await g5.locator('td').allInnerTexts();
    assert.match(cells[0], /^87 %/, 'last period: 87 %');
    assert.match(cells[1], /100 %/);
    assert.match(cells[1], /Năm 2030/);

    // a hard rule as one types
    const value = g5.getByLabel('Giá trị chỉ tiêu 5G-PHU');
    await value.fill('-5');
    const flag = g5.locator('.grid-flag.hard');
    await flag.waitFor();
    assert.match(await flag.innerText(), /Không hợp lệ/);
    assert.match(await flag.innerText(), /5G-PHU/);
    await shot(p, 'grid-flag-1366');
    await value.fill('93');
    await flag.waitFor({ state: 'detached' });
    await value.blur();
    await g5.getByText('Đã lưu nháp').waitFor();

    // a jump that needs a comment, then the comment
    const dn = row(p, 'DN-KHCN');
    const dnValue = dn.getByLabel('Giá trị chỉ tiêu DN-KHCN');
    await dnValue.fill('30');
    await dn.locator('.grid-flag.soft').waitFor();
    assert.match(await dn.locator('.grid-flag.soft').innerText(), /Cần giải thích/);
    const note = dn.getByLabel('Ghi chú chỉ tiêu DN-KHCN');
    await note.fill('Thêm 24 doanh nghiệp được cấp chứng nhận trong quý');
    await note.blur();
    await dn.getByText('Đã lưu nháp').waitFor();
    assert.equal(await overflow(p), 0);
    await shot(p, 'grid-filled-1366');

    // one "Gửi" for the grid
    await p.getByRole('button', { name: 'Gửi', exact: true }).click();
    await p.getByRole('status').filter({ hasText: 'Đã gửi 2 số liệu của Quý IV/2026' }).waitFor();
    const saved = q4().split('\n').map((l) => l.split('|')).map(([c, v, st, n]) => [c, Number(v), st, n]);
    assert.deepEqual(saved, [['5G-PHU', 93, 'submitted', ''],
      ['DN-KHCN', 30, 'submitted', 'Thêm 24 doanh nghiệp được cấp chứng nhận trong quý']]);
    await g5.getByText('Chờ phê duyệt').waitFor();
    assert.equal(await g5.getByLabel('Giá trị chỉ tiêu 5G-PHU').count(), 0, 'a submitted value is no longer a field');
    assert.deepEqual(hk.problems, []);
  } finally {
    await hk.ctx.close();
  }
});

test('the grid on a phone: every row readable, nothing wider than the screen', async () => {
  const hk = await pageAs(browser, server, 'hoankiem', { viewport: PHONE });
  try {
    const p = hk.page;
    await p.goto(`${server.url}/#/nhap-lieu`);
    await p.locator('.grid-pick').getByLabel('Kỳ báo cáo').selectOption({ label: 'Năm 2026' });
    await p.locator('h2', { hasText: 'Năm 2026' }).waitFor();
    await row(p, '5G-PHU').waitFor();
    await row(p, 'NL-RD').getByLabel('Giá trị chỉ tiêu NL-RD').fill('12,5');
    assert.equal(await overflow(p), 0);
    await shot(p, 'grid-390');
    assert.deepEqual(hk.problems, []);
  } finally {
    await hk.ctx.close();
  }
});

test('a viewer sees the grid read-only, with no field and no button', async () => {
  const xem = await pageAs(browser, server, 'xem', { viewport: DESKTOP });
  try {
    const p = xem.page;
    await p.goto(`${server.url}/#/nhap-lieu`);
    await p.locator('h2', { hasText: 'Thành phố Hà Nội' }).waitFor();
    assert.match(await p.locator('.card p.muted').first().innerText(), /chỉ xem/);
    assert.equal(await p.locator('.grid-input').count(), 0);
    assert.equal(await p.getByRole('button', { name: 'Gửi', exact: true }).count(), 0);
  } finally {
    await xem.ctx.close();
  }
});

test("the overview's tasks are of today, whatever the figures' period", async () => {
  const bcd = await pageAs(browser, server, 'bcd', { viewport: DESKTOP });
  try {
    const p = bcd.page;
    await p.goto(`${server.url}/#/tong-quan`);
    // today in Viet Nam (UTC+7), as dd/mm/yyyy
    const today = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10).split('-').reverse().join('/');
    await p.getByText(`Tình trạng tại ngày ${today}`).waitFor();
    await p.getByLabel(/Tình trạng tại ngày/).fill('2026-06-30');
    await p.getByText('Tình trạng tại ngày 30/06/2026').waitFor();
    // the task list says the same day, and another day can be picked
    await p.goto(`${server.url}/#/nhiem-vu`);
    await p.getByText(`tình trạng tại ngày ${today}`).waitFor();
    await p.getByLabel(/Tình trạng tại ngày/).fill('2026-06-30');
    await p.getByText('tình trạng tại ngày 30/06/2026').waitFor();
    const api = await p.evaluate(async () => (await (await fetch('/api/v1/tasks?as_of=2026-06-30&limit=1')).json()).counts);
    const chip = await p.locator('.chip.status-open_overdue').innerText();
    assert.equal(chip, `Chưa hoàn thành – quá hạn (${api.open_overdue})`);
    assert.equal(await overflow(p), 0);
  } finally {
    await bcd.ctx.close();
  }
});
