// The market's notices and an expert's record in the browser, at 1366 and
// 390 px: a firm's person finds in the inbox that the operator returned
// their problem (with the reason) and that a university proposed on it,
// each linked to the listing; an expert's page shows the works of the S&T
// map and the organisation's record, each linked to its page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DESKTOP, PHONE, onDemoWithBrowser, overflow, pageAs, shot } from '../lib/browser.mjs';
import { addUser, signIn } from '../lib/auth.mjs';

let server, browser;
onDemoWithBrowser((s, b) => { server = s; browser = b; });

test('the owners of a problem read in their inbox that it was returned and that someone proposed on it', async () => {
  const bcd = await signIn(server, 'bcd');
  const orgs = (await bcd.get('/api/v1/organisations?limit=200')).json.organisations;
  const firmOrg = orgs.find((o) => o.kind === 'enterprise');
  const uni = orgs.find((o) => o.kind === 'university');
  await addUser(server, 'chuyennong', { name: 'Hoàng Thị Nhung' });
  await addUser(server, 'giangvien', { name: 'Lý Văn Sơn' });
  assert.equal((await bcd.post(`/api/v1/organisations/${firmOrg.id}/editors`, { login: 'chuyennong' })).status, 200);
  assert.equal((await bcd.post(`/api/v1/organisations/${uni.id}/editors`, { login: 'giangvien' })).status, 200);
  const firm = await signIn(server, 'chuyennong');
  const lecturer = await signIn(server, 'giangvien');
  const title = 'Bảo quản vải thiều sau thu hoạch';
  let r = await firm.post('/api/v1/market/listings', { kind: 'problem', title, summary: 'Kéo dài thời gian bảo quản vải tươi để xuất khẩu',
    sector: 'biotech', organisation_id: firmOrg.id });
  const id = r.json.id;
  assert.equal((await firm.post(`/api/v1/market/listings/${id}/submit`)).status, 200);
  assert.equal((await bcd.post(`/api/v1/market/listings/${id}/return`, { reason: 'Ghi rõ sản lượng cần bảo quản mỗi vụ' })).status, 200);
  assert.equal((await firm.post(`/api/v1/market/listings/${id}/submit`)).status, 200);
  assert.equal((await bcd.post(`/api/v1/market/listings/${id}/publish`)).status, 200);
  r = await lecturer.post(`/api/v1/market/listings/${id}/engagements`, { message: 'Chúng tôi có màng phủ sinh học kéo dài bảo quản', organisation_id: uni.id });
  assert.equal(r.status, 201, r.text);

  for (const [width, viewport] of [['1366', DESKTOP], ['390', PHONE]]) {
    const { ctx, page, problems } = await pageAs(browser, server, 'chuyennong', { viewport });
    await page.goto(`${server.url}/#/hop-thu`);
    const returned = page.locator('.inbox-item', { hasText: 'Tin trên chợ công nghệ bị trả lại' });
    await returned.waitFor();
    assert.match(await returned.innerText(), /Lý do:\s*Ghi rõ sản lượng cần bảo quản mỗi vụ/);
    await page.locator('.inbox-item', { hasText: 'Tin trên chợ công nghệ đã được công bố' }).waitFor();
    const proposal = page.locator('.inbox-item', { hasText: 'Đề xuất mới cho bài toán của anh/chị' });
    assert.match(await proposal.innerText(), new RegExp(uni.name));
    assert.equal(await proposal.locator(`a[href="#/to-chuc/${uni.id}"]`).count(), 1, 'the proposing organisation is a link');
    assert.match(await page.locator('main').innerText(), /chợ công nghệ/, 'the intro mentions the market');
    assert.equal(await overflow(page), 0, `the inbox fits ${width} px`);
    await shot(page, `market-notices-inbox-${width}`);
    await proposal.getByRole('link', { name: title }).click();
    await page.locator('h1', { hasText: title }).waitFor();
    assert.ok(page.url().endsWith(`#/cho-cong-nghe/${id}`));
    assert.deepEqual(problems, []);
    await ctx.close();
  }
});

test("an expert's page shows the expert's works and the organisation's record, each a link to its page", async () => {
  const bcd = await signIn(server, 'bcd');
  // an author of the demo's works whose institution is in the registry
  const works = (await bcd.get('/api/v1/outputs/works?limit=50')).json.works;
  let author, org;
  for (const w of works) {
    const full = (await bcd.get(`/api/v1/outputs/works/${w.id}`)).json;
    const a = full.authors.find((x) => x.name && x.affiliations.some((f) => f.organisation_id));
    if (a) {
      author = a.name;
      org = a.affiliations.find((f) => f.organisation_id).organisation_id;
      break;
    }
  }
  assert.ok(author, 'the demo has a matched author');
  let r = await bcd.post('/api/v1/market/listings', { kind: 'expert', title: `Chuyên gia ${author}`, summary: 'Tư vấn nghiên cứu và chuyển giao',
    expert_name: `TS. ${author}`, organisation_id: org });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  assert.equal((await bcd.post(`/api/v1/market/listings/${id}/submit`)).status, 200);
  assert.equal((await bcd.post(`/api/v1/market/listings/${id}/publish`)).status, 200);
  const rec = (await bcd.get(`/api/v1/market/listings/${id}/record`)).json;
  assert.ok(rec.works.length > 0, 'the author wrote works');

  for (const [width, viewport] of [['1366', DESKTOP], ['390', PHONE]]) {
    const { ctx, page, problems } = await pageAs(browser, server, null, { viewport });
    await page.goto(`${server.url}/#/cho-cong-nghe/${id}`);
    const card = page.locator('.market-record');
    await card.getByRole('heading', { name: 'Hồ sơ khoa học' }).waitFor();
    await card.locator(`a[href="#/cong-bo/bai/${rec.works[0].id}"]`).waitFor();
    assert.equal(await card.locator(`a[href="#/to-chuc/${org}"]`).count() > 0, true, 'the organisation is a link');
    for (const p of rec.projects.slice(0, 3)) assert.equal(await card.getByRole('link', { name: p.code }).count() > 0, true, `project ${p.code} is a link`);
    for (const a of rec.agreements.slice(0, 3)) assert.equal(await card.locator(`a[href="#/thoa-thuan/${encodeURIComponent(a.code)}"]`).count(), 1);
    assert.equal(await overflow(page), 0, `the expert's page fits ${width} px`);
    await shot(page, `market-expert-record-${width}`);
    await card.locator(`a[href="#/cong-bo/bai/${rec.works[0].id}"]`).click();
    await page.locator('h1', { hasText: rec.works[0].title.slice(0, 30) }).waitFor();
    assert.deepEqual(problems, []);
    await ctx.close();
  }
});
