// The technology market in the browser, at 1366 and 390 px: a firm's person
// drafts a problem (bài toán đặt hàng) and submits it, the steering office
// publishes it from its review queue, and an anonymous reader finds it
// among the problems and reads it without its contacts; the demo's offers,
// problems and experts are there to browse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DESKTOP, PHONE, onDemoWithBrowser, overflow, pageAs, shot } from '../lib/browser.mjs';
import { addUser, signIn } from '../lib/auth.mjs';

let server, browser;
onDemoWithBrowser((s, b) => { server = s; browser = b; });

const TITLE = 'Giảm mặn cho đồng ruộng ven biển Thái Bình';
const EMAIL = 'lien.he@nongnghiepxanh.example.vn';

test('a firm posts a problem, the operator publishes it, anyone reads it without its contacts', async () => {
  // a firm's person: an editor of the firm's organisation in the registry
  await addUser(server, 'nongnghiepxanh', { name: 'Vũ Thị Mai' });
  const bcd = await signIn(server, 'bcd');
  const orgs = await bcd.get(`/api/v1/organisations?q=${encodeURIComponent('cam bien nong nghiep xanh')}`);
  const org = orgs.json.organisations[0];
  assert.ok(org, 'the demo has the firm');
  assert.equal((await bcd.post(`/api/v1/organisations/${org.id}/editors`, { login: 'nongnghiepxanh' })).status, 200);

  for (const [width, viewport] of [['1366', DESKTOP], ['390', PHONE]]) {
    const title = `${TITLE} (${width})`;
    // the firm drafts and submits
    const firm = await pageAs(browser, server, 'nongnghiepxanh', { viewport });
    await firm.page.goto(`${server.url}/#/cho-cong-nghe/cua-toi`);
    await firm.page.getByRole('link', { name: 'Đăng bài toán đặt hàng' }).click();
    await firm.page.locator('#listing-title').fill(title);
    await firm.page.locator('#listing-summary').fill('Cần giải pháp giảm độ mặn đất cho 300 ha lúa ven biển');
    await firm.page.locator('#listing-description').fill('Nước mặn xâm nhập sâu vào mùa khô; cần công nghệ cải tạo đất và giống chịu mặn.');
    await firm.page.locator('#listing-organisation_id').selectOption(String(org.id));
    await firm.page.locator('#listing-confidentiality').selectOption('summary_only');
    await firm.page.locator('#listing-contact_email').fill(EMAIL);
    assert.equal(await overflow(firm.page), 0, `the form fits ${width} px`);
    await shot(firm.page, `market-form-${width}`);
    await firm.page.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await firm.page.locator('h1', { hasText: title }).waitFor();
    await firm.page.locator('.badge', { hasText: 'Bản nháp' }).waitFor();
    await firm.page.getByRole('button', { name: 'Gửi duyệt' }).click();
    await firm.page.locator('.badge', { hasText: 'Chờ duyệt' }).waitFor();
    assert.ok(await firm.page.getByText(EMAIL).isVisible(), 'the owner sees the contact');
    assert.equal(await firm.page.getByRole('button', { name: 'Duyệt đăng' }).count(), 0, 'no publish button for the firm');
    await shot(firm.page, `market-submitted-${width}`);
    const id = firm.page.url().match(/cho-cong-nghe\/(\d+)/)[1];
    assert.deepEqual(firm.problems, []);
    await firm.ctx.close();

    // the operator publishes it from the queue
    const op = await pageAs(browser, server, 'bcd', { viewport });
    await op.page.goto(`${server.url}/#/cho-cong-nghe/duyet`);
    const card = op.page.locator('.review-item', { hasText: title });
    await card.waitFor();
    assert.equal(await overflow(op.page), 0, `the queue fits ${width} px`);
    await shot(op.page, `market-queue-${width}`);
    await card.getByRole('button', { name: 'Duyệt đăng' }).click();
    await card.waitFor({ state: 'detached' });
    assert.deepEqual(op.problems, []);
    await op.ctx.close();

    // anyone finds it among the problems, without the contact and the details
    const anon = await pageAs(browser, server, null, { viewport });
    await anon.page.goto(`${server.url}/#/cho-cong-nghe/bai-toan`);
    await anon.page.getByRole('link', { name: title }).first().click();
    await anon.page.locator('h1', { hasText: title }).waitFor();
    await anon.page.locator('.badge', { hasText: 'Đã đăng' }).waitFor();
    const text = await anon.page.locator('main').innerText();
    assert.ok(!text.includes(EMAIL), 'no contact for anonymous readers');
    assert.ok(!text.includes('Nước mặn xâm nhập'), 'a summary_only problem hides its description');
    assert.ok(text.includes('Cảm biến Nông nghiệp Xanh'), 'the organisation is named');
    assert.equal(await anon.page.locator(`a[href="#/to-chuc/${org.id}"]`).count() > 0, true, 'and linked');
    assert.equal(await anon.page.locator('.market-engage').count(), 0, 'no proposal form before signing in');
    assert.equal(await anon.page.getByRole('link', { name: 'Đăng nhập để gửi đề xuất giải quyết bài toán này.' }).getAttribute('href'), '#/dang-nhap',
      'but the way to sign in');
    assert.equal(await overflow(anon.page), 0, `the page fits ${width} px`);
    await shot(anon.page, `market-public-${width}`);
    assert.ok(anon.page.url().endsWith(`/${id}`));
    assert.deepEqual(anon.problems, []);
    await anon.ctx.close();
  }
});

test("the demo's offers, problems and experts can be browsed, and every tab fits a phone", async () => {
  const { ctx, page, problems } = await pageAs(browser, server, null, { viewport: PHONE });
  for (const [tab, sample] of [['', 'Bộ kit mã vạch ADN'], ['bai-toan', 'Mã hóa nguồn gen cây trồng'], ['chuyen-gia', 'chuyên gia di truyền']]) {
    await page.goto(`${server.url}/#/cho-cong-nghe${tab ? `/${tab}` : ''}`);
    await page.getByRole('link', { name: new RegExp(sample) }).first().waitFor();
    assert.equal(await overflow(page), 0, `#/cho-cong-nghe/${tab} fits 390 px`);
  }
  await shot(page, 'market-experts-390');
  // the invitation to sign in is the way to do it, on the lists and on a form opened before signing in
  await page.goto(`${server.url}/#/cho-cong-nghe/moi/problem`);
  assert.equal(await page.locator('#listing-title').count(), 0, 'no form before signing in');
  await page.getByRole('link', { name: 'Đăng nhập để đăng tin, gửi quan tâm hoặc đề xuất.' }).click();
  await page.locator('#signin-login, input[autocomplete=username]').first().waitFor();
  await page.goto(`${server.url}/#/cho-cong-nghe/bai-toan`);
  await page.getByRole('link', { name: 'Đăng nhập để đăng tin, gửi quan tâm hoặc đề xuất.' }).click();
  await page.locator('#signin-login, input[autocomplete=username]').first().waitFor();
  assert.deepEqual(problems, []);
  await ctx.close();
});

test("the operator's statistics, and a catalogue with a bad cell shown by line and column, fit a phone", async () => {
  const { ctx, page, problems } = await pageAs(browser, server, 'bcd', { viewport: PHONE });
  await page.goto(`${server.url}/#/cho-cong-nghe/thong-ke`);
  await page.getByRole('heading', { name: 'Công nghệ theo TRL' }).waitFor();
  assert.equal(await overflow(page), 0);
  await shot(page, 'market-stats-390');
  await page.goto(`${server.url}/#/cho-cong-nghe/nhap`);
  await page.locator('#market-import-file').setInputFiles({
    name: 'hoi-cho.csv', mimeType: 'text/csv',
    buffer: Buffer.from('kind,title,sector,trl\noffer,Máy gieo hạt tự động,automation,12\n'),
  });
  await page.getByRole('button', { name: 'Kiểm tra' }).click();
  const bad = page.locator('.bad-rows tbody tr');
  await bad.first().waitFor();
  // the field is named as the form labels it, not by its API name
  assert.match(await bad.first().innerText(), /2\s+D \(trl\)\s+'Mức độ sẵn sàng công nghệ \(TRL\)' phải là số nguyên từ 1 đến 9/);
  assert.equal(await overflow(page), 0);
  await shot(page, 'market-import-390');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('a draft submitted without its summary names the missing field as the form does, in either language', async () => {
  await addUser(server, 'thieu.tomtat', { name: 'Phạm Văn Tóm' });
  const owner = await signIn(server, 'thieu.tomtat');
  const draft = await owner.post('/api/v1/market/listings', { kind: 'offer', title: 'Máy sấy lạnh nông sản' });
  assert.equal(draft.status, 201, draft.text);
  for (const [lang, button, said] of [['vi', 'Gửi duyệt', "Cần điền 'Tóm tắt' trước khi gửi duyệt."],
    ['en', 'Submit for review', "'Summary' is required before the listing is submitted."]]) {
    const { ctx, page, problems } = await pageAs(browser, server, 'thieu.tomtat', { viewport: PHONE, lang });
    await page.goto(`${server.url}/#/cho-cong-nghe/${draft.json.id}`);
    await page.getByRole('button', { name: button }).click();
    const alert = page.locator('[role=alert]').filter({ hasText: /trước khi gửi duyệt|before the listing is submitted/ });
    await alert.waitFor();
    assert.equal((await alert.innerText()).trim(), said);
    assert.deepEqual(problems, []);
    await ctx.close();
  }
  assert.equal((await owner.get(`/api/v1/market/listings/${draft.json.id}`)).json.status, 'draft', 'nothing changed');

  // the operator's statistics count that offer without a TRL in words, not as "TRL none"
  const { ctx, page } = await pageAs(browser, server, 'bcd', { viewport: PHONE });
  await page.goto(`${server.url}/#/cho-cong-nghe/thong-ke`);
  const byTrl = page.locator('.card', { has: page.getByRole('heading', { name: 'Công nghệ theo TRL' }) });
  await byTrl.locator('tr').first().waitFor();
  assert.match(await byTrl.innerText(), /Chưa ghi\s+\d+/);
  assert.doesNotMatch(await page.locator('main').innerText(), /none/);
  await ctx.close();
});

test("in English a match's reasons count in the singular when there is one", async () => {
  const list = await (await fetch(`${server.url}/api/v1/market/listings?kind=problem&limit=100`)).json();
  const problem = list.listings.find((l) => l.title === 'Giám sát rò rỉ đường ống cấp nước');
  assert.ok(problem, 'the demo has the problem');
  const { ctx, page, problems } = await pageAs(browser, server, null, { viewport: PHONE, lang: 'en' });
  await page.goto(`${server.url}/#/cho-cong-nghe/${problem.id}`);
  const match = page.locator('.mm-match', { hasText: 'Hệ thống cảm biến IoT phát hiện rò rỉ' });
  await match.waitFor();
  assert.match(await match.locator('.mm-reasons').innerText(), /The organisation's record: 1 research project, 9 publications/);
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('a budget or a deal value written in words is refused by the field\'s name, and nothing is saved', async () => {
  await addUser(server, 'gia.tri', { name: 'Hoàng Thị Giá' });
  const owner = await signIn(server, 'gia.tri');
  const bcd = await signIn(server, 'bcd');
  const mine = async () => (await owner.get('/api/v1/market/listings?mine=1&limit=100')).json.total;
  const { ctx, page, problems } = await pageAs(browser, server, 'gia.tri', { viewport: PHONE });
  await page.goto(`${server.url}/#/cho-cong-nghe/moi/problem`);
  await page.locator('#listing-title').fill('Kinh phí ghi bằng chữ');
  await page.locator('#listing-budget_max').fill('hai tỷ');
  await page.getByRole('button', { name: 'Lưu bản nháp' }).click();
  await page.locator('[role=alert]', { hasText: "'Kinh phí đến (đồng)' phải là số không âm." }).waitFor();
  assert.match(page.url(), /#\/cho-cong-nghe\/moi\/problem$/);
  assert.equal(await mine(), 0, 'no draft was saved');

  // its model code is one long word, which must not widen the page
  const offer = await owner.post('/api/v1/market/listings', { kind: 'offer', title: 'Máy sấy lạnh nông sản SLNS2026HTXDONGHUNGTHAIBINHBOMNHIET5KWINVERTER',
    summary: 'Sấy lạnh giữ màu; tài liệu tại https://maysay.example.vn/tai-lieu/huong-dan-su-dung-may-say-lanh-nong-san-quy-mo-ho.pdf', trl: 6 });
  await owner.post(`/api/v1/market/listings/${offer.json.id}/submit`);
  assert.equal((await bcd.post(`/api/v1/market/listings/${offer.json.id}/publish`)).status, 200);
  await page.goto(`${server.url}/#/cho-cong-nghe/${offer.json.id}`);
  await page.locator('#deal-partner').waitFor();
  assert.equal(await overflow(page), 0, 'the listing with a long code fits 390 px');
  await page.locator('#deal-partner').fill('Hợp tác xã Đông Hưng');
  await page.locator('#deal-value').fill('hai tỷ');
  await page.locator('#deal-signed').fill('2026-11-20');
  await page.getByRole('button', { name: 'Ghi nhận' }).click();
  await page.locator('[role=alert]', { hasText: "Trường 'Giá trị (đồng)' phải là số." }).waitFor();
  const panel = await owner.get(`/api/v1/market/listings/${offer.json.id}/engagements`);
  assert.equal(panel.json.deals.length, 0, 'no deal was recorded');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test("each count of the operator's statistics opens the search of those listings, and the back button undoes a filter", async () => {
  const bcd = await signIn(server, 'bcd');
  const stats = (await bcd.get('/api/v1/market/stats')).json;
  const sectors = (await bcd.get('/api/v1/sectors')).json.sectors;
  const [code, n] = Object.entries(stats.published.by_sector).filter(([k]) => k !== 'none').sort((a, b) => b[1] - a[1])[0];
  const name = sectors.find((s) => s.code === code).name_vi;
  const { ctx, page, problems } = await pageAs(browser, server, 'bcd', { viewport: DESKTOP });
  await page.goto(`${server.url}/#/cho-cong-nghe/thong-ke`);
  const card = page.locator('.card', { has: page.getByRole('heading', { name: 'Theo lĩnh vực' }) });
  const row = card.locator('tr', { has: page.getByRole('rowheader', { name, exact: true }) });
  await row.getByRole('link', { name: String(n), exact: true }).click();
  await page.waitForURL(new RegExp(`#/cho-cong-nghe/tim-kiem\\?linh-vuc=${code}$`));
  await page.locator('.mm-total', { hasText: new RegExp(`^${n} kết quả$`) }).waitFor();
  const chip = page.locator('.mm-facet', { hasText: 'Lĩnh vực' }).locator('button[aria-pressed="true"]');
  assert.match(await chip.innerText(), new RegExp(name));
  await shot(page, 'market-stats-search-1366');
  // a further filter, then back: the search as the link opened it
  const kinds = page.locator('.mm-facet', { hasText: 'Loại tin' }).locator('button[aria-pressed="false"]');
  if (await kinds.count()) {
    await kinds.first().click();
    await page.waitForURL(/loai=/);
    await page.goBack();
    await page.waitForURL(new RegExp(`#/cho-cong-nghe/tim-kiem\\?linh-vuc=${code}$`));
    await page.locator('.mm-total', { hasText: new RegExp(`^${n} kết quả$`) }).waitFor();
  }
  await page.goBack();
  await page.getByRole('heading', { name: 'Theo lĩnh vực' }).waitFor();
  // offers by TRL open the offers' search with that TRL; a link typed by hand works the same
  const [trl, m] = Object.entries(stats.published.by_trl).filter(([k]) => k !== 'none')[0];
  await page.locator('.card', { has: page.getByRole('heading', { name: 'Công nghệ theo TRL' }) })
    .locator('tr', { has: page.getByRole('rowheader', { name: `TRL ${trl}`, exact: true }) }).getByRole('link', { name: String(m), exact: true }).click();
  await page.waitForURL(new RegExp(`#/cho-cong-nghe\\?trl=${trl}$`));
  await page.locator('.mm-total', { hasText: new RegExp(`^${m} kết quả$`) }).waitFor();
  await page.goto(`${server.url}/#/cho-cong-nghe/bai-toan?q=nguon%20gen`);
  await page.getByRole('link', { name: /Mã hóa nguồn gen cây trồng/ }).first().waitFor();
  assert.equal(await page.locator('#mm-q').inputValue(), 'nguon gen');
  // the statistics as a workbook
  await page.goto(`${server.url}/#/cho-cong-nghe/thong-ke`);
  assert.equal(await page.getByRole('link', { name: 'Tải bảng thống kê (Excel)' }).getAttribute('href'), '/api/v1/market/stats?format=xlsx');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('the review queue says who submitted a listing and for which organisation', async () => {
  await addUser(server, 'nguoi.gui', { name: 'Đặng Thị Gửi' });
  const bcd = await signIn(server, 'bcd');
  const org = (await bcd.get(`/api/v1/organisations?q=${encodeURIComponent('cam bien nong nghiep xanh')}`)).json.organisations[0];
  assert.equal((await bcd.post(`/api/v1/organisations/${org.id}/editors`, { login: 'nguoi.gui' })).status, 200);
  const firm = await signIn(server, 'nguoi.gui');
  const made = await firm.post('/api/v1/market/listings', { kind: 'problem', title: 'Truy xuất nguồn gốc rau an toàn', summary: 'Tem QR cho 50 hợp tác xã', organisation_id: org.id });
  assert.equal(made.status, 201, made.text);
  assert.equal((await firm.post(`/api/v1/market/listings/${made.json.id}/submit`)).status, 200);
  const { ctx, page, problems } = await pageAs(browser, server, 'bcd', { viewport: PHONE });
  await page.goto(`${server.url}/#/cho-cong-nghe/duyet`);
  const card = page.locator('.review-item', { hasText: 'Truy xuất nguồn gốc rau an toàn' });
  await card.waitFor();
  assert.match(await card.locator('.review-by').innerText(), /Gửi duyệt bởi Đặng Thị Gửi cho tổ chức/);
  assert.equal(await card.locator('.review-by').getByRole('link', { name: org.name }).getAttribute('href'), `#/to-chuc/${org.id}`);
  assert.equal(await overflow(page), 0);
  await shot(page, 'market-queue-submitter-390');
  assert.deepEqual(problems, []);
  await ctx.close();
  await firm.post(`/api/v1/market/listings/${made.json.id}/withdraw`);
});
