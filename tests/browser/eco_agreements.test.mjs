// Agreements in Chromium on the demo data: the steering office finds an MOU
// by typing its title without diacritics, opens it, links NV-005 as a
// committed action (the row shows the task's status), opens the task from
// the agreement page (the task page names the agreement back), and makes
// the review report, whose printable page lists the agreement with its
// action. A viewer sees the same agreement without any form; the pages
// fit 390 px. At 1366 and 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { onDemoWithBrowser, pageAs, shot, overflow, PHONE, SHOTS } from '../lib/browser.mjs';
import { signIn } from '../lib/auth.mjs';

let server, browser;
onDemoWithBrowser((s, b) => { server = s; browser = b; });

const CODE = 'MOU-BKHCN-HN';
const TITLE = 'Biên bản ghi nhớ hợp tác về khoa học, công nghệ và đổi mới sáng tạo giữa Bộ Khoa học và Công nghệ và Thành phố Hà Nội';

// The MOU and its two parties, made once through the API before the first journey.
let made = null;
const setup = () => (made ||= makeAgreement());
async function makeAgreement() {
  const bcd = await signIn(server, 'bcd');
  const parties = [];
  for (const [kind, name] of [['agency', 'Bộ Khoa học và Công nghệ (thử nghiệm)'], ['agency', 'UBND Thành phố Hà Nội (thử nghiệm)']]) {
    const r = await bcd.post('/api/v1/organisations', { kind, name });
    assert.equal(r.status, 201, r.text);
    parties.push({ organisation_id: r.json.id, role: 'signatory' });
  }
  const r = await bcd.post('/api/v1/agreements', { code: CODE, kind: 'mou', title: TITLE, signed_on: '2025-03-01', ends_on: '2030-12-31',
    focus: ['st_development', 'innovation', 'digital_transformation'], parties });
  assert.equal(r.status, 201, r.text);
}

test('the steering office links an MOU action to a task, opens the task, and sees both in the review report', async () => {
  await setup();
  const { ctx, page, problems } = await pageAs(browser, server, 'bcd');
  try {
    await page.goto(`${server.url}/#/thoa-thuan`);
    await page.getByRole('heading', { level: 1, name: 'Thỏa thuận hợp tác' }).waitFor();
    await page.getByLabel('Tìm kiếm').fill('bo khoa hoc va cong nghe');
    const row = page.locator('table.agreements tbody tr', { hasText: CODE });
    await row.waitFor();
    assert.match(await row.innerText(), /Đang hiệu lực/);
    await row.getByRole('link', { name: CODE }).click();
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await page.getByText('Chưa có nhiệm vụ triển khai thỏa thuận.').waitFor();
    // the parties link to their organisations' pages
    const party = page.getByRole('link', { name: 'Bộ Khoa học và Công nghệ (thử nghiệm)' });
    assert.match(await party.getAttribute('href'), /^#\/to-chuc\/\d+$/);

    await page.getByLabel('Gắn nhiệm vụ đã có (mã nhiệm vụ)').fill('NV-005');
    await page.getByRole('button', { name: 'Gắn nhiệm vụ' }).click();
    const action = page.locator('table.agr-actions tbody tr', { hasText: 'NV-005' });
    await action.waitFor();
    const task = await (await signIn(server, 'xem')).get('/api/v1/tasks/NV-005');
    assert.ok(task.json.status_label, 'the task has a status');
    assert.ok((await action.innerText()).includes(task.json.status_label), `${await action.innerText()} shows ${task.json.status_label}`);
    await page.getByText('Đã gắn nhiệm vụ vào thỏa thuận.').waitFor();
    await shot(page, 'eco-agreement-1366');

    // the task from the agreement page, naming the agreement back
    await action.getByRole('link', { name: 'NV-005' }).click();
    await page.getByRole('heading', { level: 1, name: /bản đồ số về năng lực/ }).waitFor();
    const back = page.getByRole('link', { name: CODE });
    await back.waitFor();
    assert.equal(await back.getAttribute('href'), `#/thoa-thuan/${CODE}`);
    await shot(page, 'eco-agreement-task-1366');

    // the review report lists the agreement and its action
    await page.getByRole('navigation').getByRole('link', { name: 'Báo cáo' }).click();
    await page.getByRole('button', { name: 'Lập báo cáo' }).click();
    const job = page.locator('table.reports tbody tr').first();
    const printLink = job.getByRole('link', { name: 'Bản in (HTML)' });
    // the job runs in the background; it names why when it fails
    await job.locator('a:has-text("Bản in (HTML)"), .form-error').first().waitFor({ timeout: 60000 });
    assert.equal(await job.locator('.form-error').count(), 0, await job.innerText());
    const [report] = await Promise.all([ctx.waitForEvent('page'), printLink.click()]);
    await report.waitForLoadState();
    const text = await report.locator('body').innerText();
    assert.ok(text.includes('VI. THỎA THUẬN HỢP TÁC'), 'the section is there');
    assert.ok(text.includes(`${TITLE} (${CODE})`), 'the agreement is there');
    const section = text.slice(text.indexOf('VI. THỎA THUẬN HỢP TÁC'));
    assert.ok(section.includes('NV-005') && section.includes(task.json.status_label), 'its action with the task status');
    await report.evaluate(() => [...document.querySelectorAll('h1, h2, h3')].find((h) => h.textContent.includes('THỎA THUẬN HỢP TÁC'))?.scrollIntoView());
    await report.screenshot({ path: path.join(SHOTS, 'eco-agreement-report-1366.png') });
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});

test('a viewer sees the agreement without forms; the pages fit 390 px', async () => {
  await setup();
  const { ctx, page, problems } = await pageAs(browser, server, 'xem', { viewport: PHONE });
  try {
    await page.goto(`${server.url}/#/thoa-thuan/${CODE}`);
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await page.locator('table.agr-actions tbody tr', { hasText: 'NV-005' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Gắn nhiệm vụ' }).count(), 0, 'no form for a viewer');
    assert.equal(await page.getByText('Ghi nhận bài toán').count(), 0);
    await shot(page, 'eco-agreement-viewer-390');
    assert.equal(await overflow(page), 0, 'the agreement page at 390 px');
    await page.goto(`${server.url}/#/thoa-thuan`);
    await page.locator('table.agreements tbody tr', { hasText: CODE }).waitFor();
    assert.equal(await overflow(page), 0, 'the list at 390 px');
    await shot(page, 'eco-agreements-390');
    await page.goto(`${server.url}/#/quy`);
    await page.getByRole('heading', { level: 1, name: 'Quỹ và đầu tư' }).waitFor();
    await page.getByRole('heading', { name: 'Các khoản đầu tư' }).waitFor();
    assert.equal(await overflow(page), 0, 'the funds page at 390 px');
    await shot(page, 'eco-funds-390');
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});

test('the steering office at 390 px: the forms fit too', async () => {
  await setup();
  const { ctx, page, problems } = await pageAs(browser, server, 'bcd', { viewport: PHONE });
  try {
    await page.goto(`${server.url}/#/thoa-thuan/${CODE}`);
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await page.getByRole('button', { name: 'Gắn nhiệm vụ' }).waitFor();
    assert.equal(await overflow(page), 0);
    await shot(page, 'eco-agreement-steering-390');
    await page.goto(`${server.url}/#/quy`);
    await page.getByText('Thêm quỹ').waitFor();
    assert.equal(await overflow(page), 0);
    await shot(page, 'eco-funds-steering-390');
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});
