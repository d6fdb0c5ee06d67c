// The technology market's whole journey in the browser, at 1366 and 390
// px: a firm posts a problem, the operator publishes it, an expert finds it
// by searching without diacritics and proposes; the firm sees the proposal
// and the offers matched to its problem with their reasons; the expert's
// saved search tells the inbox about a new offer the operator publishes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DESKTOP, PHONE, SHOTS, onDemoWithBrowser, overflow, pageAs, shot } from '../lib/browser.mjs';
import { addUser, signIn } from '../lib/auth.mjs';

let server, browser;
onDemoWithBrowser((s, b) => { server = s; browser = b; });

const PROPOSAL = 'Chúng tôi đề xuất chế phẩm vi sinh ủ rơm rạ tại ruộng, thử nghiệm 10 ha trong vụ xuân';

test('a problem posted by a firm is found without diacritics, proposed on and matched; a saved search notifies', async () => {
  await addUser(server, 'xanh.mai', { name: 'Vũ Thị Mai' });
  await addUser(server, 'chuyengia', { name: 'TS. Đặng Văn Rơm' });
  const bcd = await signIn(server, 'bcd');
  const orgs = (await bcd.get('/api/v1/organisations?limit=200')).json.organisations;
  const firmOrg = orgs.find((o) => /Cảm biến Nông nghiệp Xanh/.test(o.name));
  const uni = orgs.find((o) => o.kind === 'university');
  assert.ok(firmOrg && uni, 'the demo has the firm and a university');
  assert.equal((await bcd.post(`/api/v1/organisations/${firmOrg.id}/editors`, { login: 'xanh.mai' })).status, 200);
  // an offer already on the market that the problem should meet
  const offer = await bcd.post('/api/v1/market/listings', { kind: 'offer', title: 'Chế phẩm vi sinh phân hủy rơm rạ thành phân bón hữu cơ',
    summary: 'Ủ rơm rạ tại ruộng trong 3 tuần, thay đốt rơm', sector: 'biotech', trl: 7, organisation_id: uni.id });
  assert.equal(offer.status, 201, offer.text);
  await bcd.post(`/api/v1/market/listings/${offer.json.id}/submit`);
  assert.equal((await bcd.post(`/api/v1/market/listings/${offer.json.id}/publish`)).status, 200);

  for (const [width, viewport] of [['1366', DESKTOP], ['390', PHONE]]) {
    const title = `Tái chế rơm rạ thành phân bón hữu cơ cho hợp tác xã (${width})`;

    // the firm drafts its problem and submits it
    const firm = await pageAs(browser, server, 'xanh.mai', { viewport });
    await firm.page.goto(`${server.url}/#/cho-cong-nghe/moi/problem`);
    await firm.page.locator('#listing-title').fill(title);
    await firm.page.locator('#listing-summary').fill('Hợp tác xã cần xử lý rơm rạ sau thu hoạch, không đốt, làm phân bón hữu cơ');
    await firm.page.locator('#listing-description').fill('300 ha lúa; rơm rạ đang bị đốt ngoài đồng gây khói bụi.');
    await firm.page.locator('#listing-organisation_id').selectOption(String(firmOrg.id));
    await firm.page.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await firm.page.locator('h1', { hasText: title }).waitFor();
    await firm.page.getByRole('button', { name: 'Gửi duyệt' }).click();
    await firm.page.locator('.badge', { hasText: 'Chờ duyệt' }).waitFor();
    const id = firm.page.url().match(/cho-cong-nghe\/(\d+)/)[1];

    // the operator publishes it from the queue
    const op = await pageAs(browser, server, 'bcd', { viewport });
    await op.page.goto(`${server.url}/#/cho-cong-nghe/duyet`);
    const card = op.page.locator('.review-item', { hasText: title });
    await card.getByRole('button', { name: 'Duyệt đăng' }).click();
    await card.waitFor({ state: 'detached' });

    // the expert searches without diacritics, saves a search, opens the problem and proposes
    const expert = await pageAs(browser, server, 'chuyengia', { viewport });
    if (width === '1366') {
      await expert.page.goto(`${server.url}/#/cho-cong-nghe`);
      await expert.page.locator('#mm-q').fill('phan bon huu co');
      await expert.page.locator('.mm-hit', { hasText: 'Chế phẩm vi sinh phân hủy rơm rạ' }).waitFor();
      await expert.page.locator('.mm-saved > summary').click();
      await expert.page.locator('#mm-save-name').fill('Phân bón hữu cơ');
      await expert.page.getByRole('button', { name: 'Lưu tìm kiếm này' }).click();
      await expert.page.locator('.mm-saved-list li', { hasText: 'Phân bón hữu cơ' }).waitFor();
      // a facet narrows the offers: a chip with its count, pressed
      // (the facets are read once the page shows every offer again)
      const offers = (await bcd.get('/api/v1/market/search?kind=offer&limit=1')).json.total;
      await expert.page.locator('#mm-q').fill('');
      await expert.page.locator('.mm-total', { hasText: new RegExp(`^${offers} kết quả$`) }).waitFor();
      const chip = expert.page.locator('.mm-facet', { hasText: 'Mức sẵn sàng công nghệ' }).locator('.chip', { hasText: 'TRL 7' });
      const count = Number((await chip.locator('.mm-count').innerText()).replace(/\D/g, ''));
      await chip.click();
      await expert.page.locator('.mm-total', { hasText: new RegExp(`^${count} kết quả$`) }).waitFor();
      assert.equal(await chip.getAttribute('aria-pressed'), 'true');
      assert.ok((await expert.page.locator('.mm-hit .badge', { hasText: /^TRL / }).allInnerTexts()).every((b) => b === 'TRL 7'));
      await shot(expert.page, 'market-offers-trl7-1366');
    }
    await expert.page.goto(`${server.url}/#/cho-cong-nghe/bai-toan`);
    await expert.page.locator('#mm-q').fill('tai che rom ra');
    const hit = expert.page.locator('.mm-hit', { hasText: `(${width})` });
    // the matched words are marked as the listing writes them
    await hit.locator('mark', { hasText: 'rơm' }).first().waitFor();
    await expert.page.locator('.mm-total', { hasText: /^[12] kết quả$/ }).waitFor();
    assert.equal(await overflow(expert.page), 0, `the search fits ${width} px`);
    await shot(expert.page, `market-search-${width}`);
    await hit.getByRole('link', { name: new RegExp(`\\(${width}\\)`) }).click();
    await expert.page.locator('h1', { hasText: title }).waitFor();
    await expert.page.locator('#engage-message').fill(PROPOSAL);
    await expert.page.locator('.market-engage button[type=submit]').click();
    await expert.page.getByText('Đã gửi').waitFor();
    assert.deepEqual(expert.problems, []);

    // the firm sees the proposal and the matched offers with their reasons
    await firm.page.reload();   // still on its page since submitting it
    await firm.page.locator('.market-panel', { hasText: PROPOSAL }).waitFor();
    const match = firm.page.locator('.mm-match', { hasText: 'Chế phẩm vi sinh phân hủy rơm rạ' });
    await match.waitFor();
    assert.equal(await firm.page.locator('.mm-match').first().innerText().then((s) => s.includes('Chế phẩm vi sinh phân hủy rơm rạ')), true,
      'the intended offer comes first');
    assert.match(await match.locator('.mm-reasons').innerText(), /Cùng nội dung: .*rơm rạ/);
    assert.match(await match.locator('.mm-reasons').innerText(), /Cùng lĩnh vực|TRL/);
    await firm.page.locator('.mm-scoring > summary').click();
    assert.match(await firm.page.locator('.mm-scoring').innerText(), /điểm cho mỗi cặp âm tiết liền nhau/);
    assert.equal(await overflow(firm.page), 0, `the listing page fits ${width} px`);
    await shot(firm.page, `market-matches-${width}`);
    await firm.page.locator('.mm-matches').screenshot({ path: path.join(SHOTS, `market-matches-panel-${width}.png`) });
    assert.deepEqual(firm.problems, []);
    await firm.ctx.close();

    // the operator publishes a new offer; the expert's saved search tells the inbox
    const fresh = `Máy ép viên phân bón hữu cơ từ rơm rạ (${width})`;
    const draft = await bcd.post('/api/v1/market/listings', { kind: 'offer', title: fresh, summary: 'Ép viên phân bón hữu cơ tại hợp tác xã',
      sector: 'automation', trl: 8, organisation_id: uni.id });
    assert.equal((await bcd.post(`/api/v1/market/listings/${draft.json.id}/submit`)).status, 200);
    await op.page.reload();   // the queue, read again
    const next = op.page.locator('.review-item', { hasText: fresh });
    await next.getByRole('button', { name: 'Duyệt đăng' }).click();
    await next.waitFor({ state: 'detached' });
    assert.deepEqual(op.problems, []);
    await op.ctx.close();

    await expert.page.goto(`${server.url}/#/hop-thu`);
    const item = expert.page.locator('.inbox-item', { hasText: fresh });
    await item.waitFor();
    assert.match(await item.innerText(), /Chợ công nghệ: tin mới phù hợp với tìm kiếm "Phân bón hữu cơ"/);
    assert.equal(await overflow(expert.page), 0, `the inbox fits ${width} px`);
    await shot(expert.page, `market-inbox-${width}`);
    await item.getByRole('link', { name: fresh }).click();
    await expert.page.locator('h1', { hasText: fresh }).waitFor();
    assert.deepEqual(expert.problems, []);
    await expert.ctx.close();
  }
});
