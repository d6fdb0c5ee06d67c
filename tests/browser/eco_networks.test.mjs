// A start-up, without signing in, finds the network's shared lab on the
// network's public page and asks for two hours; the lab's provider (an
// editor of the lab's organisation) approves the request and records the
// hours used; the monthly usage report counts them. Anonymous visitors see
// no approve button. At 1366 and 390 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbExec } from '../lib/server.mjs';
import { addUser, importUnits, signIn } from '../lib/auth.mjs';
import { launchBrowser, pageAs, shot, overflow, PHONE } from '../lib/browser.mjs';

let server, browser, labId;
const pad2 = (n) => String(n).padStart(2, '0');
const inDays = (n) => {
  const d = new Date(Date.now() + n * 86400e3);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
};
const DAY = inDays(3);
const MONTH = DAY.slice(0, 7);
const LAB_ORG = 'Trung tâm Đổi mới sáng tạo Bách khoa';

before(async () => {
  server = await startServer();
  await importUnits(server, 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n');
  await addUser(server, 'bcd', { name: 'Văn phòng Ban Chỉ đạo', role: 'steering', unit: '01' });
  await addUser(server, 'labbk', { name: 'Phạm Thu Trang' });
  const org = (kind, name, folded) => Number(dbExec(server.db, `INSERT INTO organisation (kind, name, name_folded, created_at, updated_at) VALUES ('${kind}', '${name}', '${folded}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id`));
  const bk = org('innovation_centre', LAB_ORG, 'trung tam doi moi sang tao bach khoa');
  const cung = org('innovation_centre', 'Cung Thanh niên Hà Nội', 'cung thanh nien ha noi');
  dbExec(server.db, `INSERT INTO organisation_editor (person_id, organisation_id, created_at) SELECT id, ${bk}, '2026-01-01T00:00:00Z' FROM person WHERE login = 'labbk'`);
  const bcd = await signIn(server, 'bcd');
  assert.equal((await bcd.post('/api/v1/networks', { code: 'hihub', name: 'Mạng lưới đổi mới sáng tạo Hà Nội (HiHUB)', description: 'Các trung tâm đổi mới sáng tạo của thành phố chia sẻ không gian, phòng thí nghiệm và dịch vụ cho doanh nghiệp đổi mới sáng tạo.', launched_on: '2025-12-25', coordinator_id: bk })).status, 201);
  for (const id of [bk, cung]) assert.equal((await bcd.post('/api/v1/networks/hihub/members', { organisation_id: id, joined_on: '2025-12-25' })).status, 201);
  const lab = await signIn(server, 'labbk');
  const r = await lab.post('/api/v1/resources', { organisation_id: bk, network_code: 'hihub', kind: 'lab', name: 'Phòng thí nghiệm IoT và hệ thống nhúng', capacity: 6, capacity_unit: 'người', price_model: 'subsidised', price: '100.000 đ/giờ', conditions: 'Doanh nghiệp khởi nghiệp được mạng lưới hỗ trợ', opens: '08:00', closes: '17:00' });
  assert.equal(r.status, 201);
  labId = r.json.id;
  assert.equal((await bcd.post('/api/v1/resources', { organisation_id: cung, network_code: 'hihub', kind: 'space', name: 'Không gian làm việc chung', capacity: 40, capacity_unit: 'chỗ ngồi', price_model: 'free' })).status, 201);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a start-up requests the lab, the provider approves and records use, the usage report counts it', async () => {
  // 1. a start-up, not signed in, on the public page of the network
  const guest = await pageAs(browser, server, null);
  try {
    const p = guest.page;
    await p.goto(`${server.url}/#/mang-luoi`);
    await p.getByRole('link', { name: 'Mạng lưới đổi mới sáng tạo Hà Nội (HiHUB)' }).click();
    await p.getByRole('heading', { level: 1, name: /HiHUB/ }).waitFor();
    await p.getByRole('link', { name: LAB_ORG }).first().waitFor();
    const card = p.locator('.resource-card', { hasText: 'Phòng thí nghiệm IoT' });
    assert.match(await card.innerText(), /Hỗ trợ một phần chi phí: 100\.000 đ\/giờ/);
    assert.match(await card.innerText(), /Đặt theo giờ, từ 08:00 đến 17:00/);
    await shot(p, 'eco-network-public-1366');
    await card.getByRole('button', { name: 'Gửi yêu cầu sử dụng' }).click();
    await card.getByLabel('Tên doanh nghiệp, tổ chức').fill('Công ty CP Công nghệ Sao Khuê');
    await card.getByLabel('Người liên hệ').fill('Nguyễn Minh Anh');
    await card.getByLabel('Thư điện tử').fill('anh@saokhue.vn');
    await card.getByLabel('Ngày', { exact: true }).fill(DAY);
    await card.getByLabel('Từ giờ').selectOption('09:00');
    await card.getByLabel('Đến giờ').selectOption('11:00');
    await card.getByLabel('Mục đích sử dụng').fill('Đo thử mạch cảm biến chất lượng không khí');
    await card.getByRole('button', { name: 'Gửi yêu cầu', exact: true }).click();
    await card.getByText('Đã gửi yêu cầu').waitFor();
    assert.match(await card.innerText(), /Mã yêu cầu của bạn: YC-\d+/);
    await shot(p, 'eco-network-request-sent-1366');

    // the calendar shows the hours as waiting, without the firm's name; no approve button
    await p.goto(`${server.url}/#/tai-nguyen/${labId}`);
    await p.getByRole('heading', { level: 1, name: 'Phòng thí nghiệm IoT và hệ thống nhúng' }).waitFor();
    const next = p.getByRole('button', { name: 'Tuần sau' });
    // (each week's calendar is read once it has loaded, not while the last one still shows)
    for (let i = 0; i < 2 && !(await p.locator('td.cal-pending').count()); i++) {
      const loaded = p.waitForResponse((r) => r.url().includes('/calendar?'));
      await next.click();
      await loaded;
      await p.waitForTimeout(100);
    }
    await p.locator('td.cal-pending').first().waitFor();
    assert.equal(await p.locator('td.cal-pending').count(), 2);
    assert.doesNotMatch(await p.locator('main').innerText(), /Sao Khuê/);
    assert.equal(await p.getByRole('button', { name: 'Duyệt' }).count(), 0);
    assert.deepEqual(guest.problems, []);
  } finally {
    await guest.ctx.close();
  }

  // 2. the lab's provider approves and records the hours used
  const provider = await pageAs(browser, server, 'labbk');
  try {
    const p = provider.page;
    await p.goto(`${server.url}/#/tai-nguyen/${labId}`);
    const item = p.locator('.request-item', { hasText: 'Công ty CP Công nghệ Sao Khuê' });
    await item.waitFor();
    assert.match(await item.innerText(), /Chờ duyệt/);
    assert.match(await item.innerText(), /anh@saokhue\.vn/);
    await item.getByRole('button', { name: 'Duyệt' }).click();
    await p.locator('.request-item', { hasText: 'Đã duyệt' }).waitFor();
    const approved = p.locator('.request-item', { hasText: 'Sao Khuê' });
    await approved.getByRole('button', { name: 'Ghi nhận sử dụng' }).click();
    await approved.getByLabel('Số giờ sử dụng thực tế').fill('1.5');
    await approved.getByRole('button', { name: 'Lưu' }).click();
    await p.locator('.request-item', { hasText: 'Đã sử dụng' }).waitFor();
    assert.match(await p.locator('.request-item').first().innerText(), /đã dùng 1,5 giờ/);
    await shot(p, 'eco-resource-provider-1366');

    // 3. the usage report of the month counts it
    await p.goto(`${server.url}/#/mang-luoi/hihub/su-dung?thang=${MONTH}`);
    const row = p.locator('.usage-table tbody tr', { hasText: LAB_ORG });
    await row.waitFor();
    const cells = await row.locator('td').allInnerTexts();
    assert.deepEqual(cells.slice(0, 3), ['1,5', '1', '1'], 'hours, bookings, firms');
    assert.match(await p.locator('.usage-table tfoot').innerText(), /1,5/);
    const excel = await p.getByRole('link', { name: 'Tải Excel' }).getAttribute('href');
    assert.equal(excel, `/api/v1/networks/hihub/usage?month=${MONTH}&format=xlsx`);
    await shot(p, 'eco-usage-1366');
    assert.deepEqual(provider.problems, []);
  } finally {
    await provider.ctx.close();
  }
});

test('the network, resource and usage pages fit 390 px', async () => {
  for (const [login, hash, name] of [[null, '#/mang-luoi/hihub', 'eco-network-public'], ['labbk', `#/tai-nguyen/${labId}`, 'eco-resource-provider'],
    ['labbk', `#/mang-luoi/hihub/su-dung?thang=${MONTH}`, 'eco-usage']]) {
    const s = await pageAs(browser, server, login, { viewport: PHONE });
    try {
      await s.page.goto(`${server.url}/${hash}`);
      await s.page.locator('h1').filter({ hasText: /HiHUB|Phòng thí nghiệm|Sử dụng/ }).waitFor();
      if (name === 'eco-network-public') {
        await s.page.locator('.resource-card').first().getByRole('button', { name: 'Gửi yêu cầu sử dụng' }).click();
        await s.page.locator('.request-form').waitFor();
      }
      if (name === 'eco-usage') await s.page.locator('.usage-table').waitFor();
      if (name === 'eco-resource-provider') await s.page.locator('.request-item').first().waitFor();
      await shot(s.page, `${name}-390`);
      assert.equal(await overflow(s.page), 0, `${name} overflows at 390 px`);
      assert.deepEqual(s.problems, []);
    } finally {
      await s.ctx.close();
    }
  }
});
