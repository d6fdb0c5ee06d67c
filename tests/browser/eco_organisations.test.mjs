// Organisations on the demo data: the steering office finds Đại học Bách
// khoa Hà Nội by typing without diacritics and opens its profile; the
// organisation's editor proposes a change, the steering office approves
// it and the profile shows it; an anonymous visitor sees the public
// profile without contacts and without an edit button. At 1366 and 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { addUser, signIn } from '../lib/auth.mjs';
import { onDemoWithBrowser, pageAs, shot, overflow, PHONE, DESKTOP } from '../lib/browser.mjs';

let server, browser;
onDemoWithBrowser((s, b) => { server = s; browser = b; });

const HUST = 'Đại học Bách khoa Hà Nội';

async function hustId() {
  const bcd = await signIn(server, 'bcd');
  const r = await bcd.get(`/api/v1/organisations?q=${encodeURIComponent(HUST)}`);
  return { bcd, id: r.json.organisations[0].id };
}

test('the steering office finds an organisation by typing without diacritics', async () => {
  for (const viewport of [DESKTOP, PHONE]) {
    const { ctx, page, problems } = await pageAs(browser, server, 'bcd', { viewport });
    try {
      await page.goto(`${server.url}/#/to-chuc`);
      await page.getByRole('heading', { level: 1, name: 'Tổ chức' }).waitFor();
      await page.getByLabel('Tìm tổ chức').fill('dai hoc bach khoa');
      await page.waitForFunction((name) => document.querySelector('.org-table tbody tr')?.innerText.startsWith(name)
        && /^1 tổ chức/.test(document.querySelector('[role=status]')?.innerText || ''), HUST);
      const link = page.getByRole('link', { name: HUST, exact: true });
      const first = page.locator('.org-table tbody tr').first();
      assert.match(await first.innerText(), /Đại học Bách khoa Hà Nội/);
      assert.match(await first.innerText(), /Đại học, học viện/);
      assert.match(await page.locator('.chips').innerText(), /Đại học, học viện \(1\)/);
      assert.equal(await overflow(page), 0, 'the list fits the width');
      await shot(page, `eco-org-search-${viewport.width}`);
      await link.click();
      await page.getByRole('heading', { level: 1, name: HUST }).waitFor();
      assert.match(await page.locator('.view-organisation').innerText(), /Lịch sử thay đổi/);
      assert.equal(await overflow(page), 0, 'the profile fits the width');
      await shot(page, `eco-org-profile-steering-${viewport.width}`);
      assert.deepEqual(problems, []);
    } finally {
      await ctx.close();
    }
  }
});

test('an editor proposes a change, the steering office approves it, the profile shows it', async () => {
  const { bcd, id } = await hustId();
  await addUser(server, 'bk.bientap', { name: 'Ngô Minh Biên' });
  assert.equal((await bcd.post(`/api/v1/organisations/${id}/editors`, { login: 'bk.bientap' })).status, 200);

  const ed = await pageAs(browser, server, 'bk.bientap', { viewport: PHONE });
  try {
    const p = ed.page;
    await p.goto(`${server.url}/#/to-chuc/${id}`);
    await p.getByRole('heading', { level: 1, name: HUST }).waitFor();
    await p.getByRole('button', { name: 'Đề nghị sửa hồ sơ' }).click();
    await p.getByLabel('Số lao động').fill('4500');
    await p.getByLabel('Trang web').fill('https://hust.edu.vn');
    assert.equal(await p.getByLabel('Công khai hồ sơ').count(), 0, 'publishing is for the steering office');
    await p.getByRole('button', { name: 'Gửi đề nghị' }).click();
    await p.getByText('Đã gửi đề nghị sửa hồ sơ, đang chờ Văn phòng Ban Chỉ đạo duyệt.').first().waitFor();
    assert.doesNotMatch(await p.locator('.facts').first().innerText(), /4\.500/, 'not published before the review');
    assert.equal(await overflow(p), 0);
    await shot(p, 'eco-org-editor-proposed-390');
    assert.deepEqual(ed.problems, []);
  } finally {
    await ed.ctx.close();
  }

  const st = await pageAs(browser, server, 'bcd', { viewport: DESKTOP });
  try {
    const p = st.page;
    await p.goto(`${server.url}/#/to-chuc/${id}`);
    const review = p.locator('.org-review');
    await review.waitFor();
    assert.match(await review.innerText(), /Ngô Minh Biên/);
    assert.match(await review.innerText(), /Số lao động/);
    await shot(p, 'eco-org-review-1366');
    await review.getByRole('button', { name: 'Duyệt và công bố' }).click();
    await p.locator('.org-review').waitFor({ state: 'detached' });
    const facts = p.locator('.facts').first();
    await p.waitForFunction(() => /4\.500/.test(document.querySelector('.facts')?.innerText || ''));
    assert.match(await facts.innerText(), /https:\/\/hust\.edu\.vn/);
    assert.match(await p.locator('.org-history').innerText(), /Duyệt đề nghị/);
    await shot(p, 'eco-org-approved-1366');
    assert.deepEqual(st.problems, []);
  } finally {
    await st.ctx.close();
  }
});

test('an anonymous visitor sees the public profile without contacts', async () => {
  const { bcd, id } = await hustId();
  assert.equal((await bcd.patch(`/api/v1/organisations/${id}`, { email: 'hoptac@hust.edu.vn', phone: '024 3869 4242' })).status, 200);
  for (const viewport of [DESKTOP, PHONE]) {
    const { ctx, page, problems } = await pageAs(browser, server, null, { viewport });
    try {
      await page.goto(`${server.url}/#/to-chuc/${id}`);
      await page.getByRole('heading', { level: 1, name: HUST }).waitFor();
      const text = await page.locator('.view-organisation').innerText();
      assert.match(text, /Thông tin liên hệ chỉ hiển thị khi đăng nhập/);
      assert.doesNotMatch(text, /hoptac@hust\.edu\.vn|3869 4242/);
      assert.doesNotMatch(text, /Lịch sử thay đổi/);
      assert.equal(await page.getByRole('button', { name: /sửa hồ sơ/i }).count(), 0);
      await shot(page, `eco-org-public-${viewport.width}`);
      assert.equal(await overflow(page), 0);
      assert.deepEqual(problems, []);
    } finally {
      await ctx.close();
    }
  }
});

test('the steering office adds an organisation with the form and lands on its profile', async () => {
  const { ctx, page, problems } = await pageAs(browser, server, 'bcd', { viewport: PHONE });
  try {
    await page.goto(`${server.url}/#/to-chuc`);
    await page.getByRole('button', { name: 'Thêm tổ chức' }).click();
    await page.locator('.org-edit').getByLabel('Tên tổ chức').fill('Công ty Cổ phần Thiết bị Y sinh Láng');
    await page.getByLabel('Loại hình', { exact: true }).selectOption('st_enterprise');
    await page.getByLabel('Mã số thuế').fill('0100109107');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('không phải là mã số thuế hợp lệ').waitFor();
    await page.getByLabel('Mã số thuế').fill('0100109106-002');
    await page.locator('.org-edit').getByLabel('Xã, phường').selectOption({ label: 'Phường Láng' });
    await page.getByRole('checkbox', { name: 'Công nghệ sinh học, y sinh' }).check();
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByRole('heading', { level: 1, name: 'Công ty Cổ phần Thiết bị Y sinh Láng' }).waitFor();
    const facts = await page.locator('.view-organisation').innerText();
    assert.match(facts, /Doanh nghiệp khoa học và công nghệ/);
    assert.match(facts, /Phường Láng/);
    assert.match(facts, /0100109106-002/);
    assert.equal(await overflow(page), 0);
    await shot(page, 'eco-org-added-390');
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});

// A 96×48 PNG in two colours, drawn here so the test needs no file.
function bannerPng() {
  const w = 96, h = 48;
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type), data])));
    return Buffer.concat([len, Buffer.from(type), data, crc]);
  };
  const head = Buffer.alloc(13);
  head.writeUInt32BE(w, 0); head.writeUInt32BE(h, 4); head[8] = 8; head[9] = 2;   // 8-bit RGB
  const rows = [];
  for (let y = 0; y < h; y++) {
    rows.push(0);
    for (let x = 0; x < w; x++) rows.push(...(x < w / 2 ? [0xc8, 0x10, 0x2e] : [0xff, 0xcd, 0x00]));
  }
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', head), chunk('IDAT', zlib.deflateSync(Buffer.from(rows))), chunk('IEND', Buffer.alloc(0))]);
}

test('an organisation editor uploads a logo on the profile and sees it at once (390 px)', async () => {
  const { bcd } = await hustId();
  const org = await bcd.post('/api/v1/organisations', { kind: 'startup', name: 'Công ty Khởi nghiệp Sao Đỏ', unit_code: '00070' });
  assert.equal(org.status, 201, org.text);
  await addUser(server, 'saodo.bientap', { name: 'Đỗ Thu Hà' });
  assert.equal((await bcd.post(`/api/v1/organisations/${org.json.id}/editors`, { login: 'saodo.bientap' })).status, 200);
  const dir = await mkdtemp(path.join(tmpdir(), 'nq57-logo-'));
  const file = path.join(dir, 'logo-sao-do.png');
  await writeFile(file, bannerPng());

  const ed = await pageAs(browser, server, 'saodo.bientap', { viewport: PHONE });
  try {
    const p = ed.page;
    await p.goto(`${server.url}/#/to-chuc/${org.json.id}`);
    await p.getByRole('heading', { level: 1, name: 'Công ty Khởi nghiệp Sao Đỏ' }).waitFor();
    assert.equal(await p.getByRole('img', { name: 'Công ty Khởi nghiệp Sao Đỏ' }).count(), 0, 'no logo yet');
    await p.getByLabel('Logo', { exact: true }).setInputFiles(file);
    await p.getByRole('button', { name: 'Tải lên logo' }).click();
    await p.getByRole('status').filter({ hasText: 'Đã cập nhật logo.' }).waitFor();
    const img = p.getByRole('img', { name: 'Công ty Khởi nghiệp Sao Đỏ' });
    await img.waitFor();
    await p.waitForFunction(() => document.querySelector('.org-logo img')?.naturalWidth === 96);
    await p.waitForFunction(() => /Logo/.test(document.querySelector('.org-history tbody tr')?.innerText || ''));
    assert.equal(await overflow(p), 0);
    await shot(p, 'eco-org-logo-390');
    assert.deepEqual(ed.problems, []);
  } finally {
    await ed.ctx.close();
  }
  const anon = await pageAs(browser, server, null, { viewport: PHONE });
  try {
    await anon.page.goto(`${server.url}/#/to-chuc/${org.json.id}`);
    await anon.page.getByRole('img', { name: 'Công ty Khởi nghiệp Sao Đỏ' }).waitFor();
    assert.equal(await anon.page.getByLabel('Logo', { exact: true }).count(), 0, 'no upload field for a visitor');
  } finally {
    await anon.ctx.close();
  }
});
