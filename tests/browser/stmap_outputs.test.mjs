// Research outputs in Chromium on the demo data: the steering office
// imports an OpenAlex file (checked first, then saved), finds an
// institution of it on the review list, links it to an organisation, and
// the publication's page then links that author to the organisation's
// profile; a patent file with a bad row shows the row and column. A viewer
// sees the lists and a publication without any import form or link action,
// and follows a field to its publications.
// At 1366 and 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onDemoWithBrowser, pageAs, shot, overflow, PHONE } from '../lib/browser.mjs';

let server, browser;
onDemoWithBrowser((s, b) => { server = s; browser = b; });

const INSTITUTION = 'Trường Đại học Thủy lợi';
const TITLE = 'Ngập lụt đô thị Hà Nội: mô hình dự báo thử nghiệm';
const works = [
  { id: 'https://openalex.org/W990000000001', title: TITLE, publication_year: 2025, type: 'article', language: 'vi',
    primary_topic: { field: { id: 'https://openalex.org/fields/23', display_name: 'Environmental Science' } },
    cited_by_count: 3, open_access: { is_oa: true, oa_status: 'gold' },
    authorships: [
      { author: { display_name: 'Phạm Thị Thử' }, institutions: [{ display_name: INSTITUTION, country_code: 'VN', type: 'education' }], countries: ['VN'], is_corresponding: true },
      { author: { display_name: 'Ngô Văn Nghiệm' }, institutions: [{ id: 'https://openalex.org/I94518387', display_name: 'Hanoi University of Science and Technology', country_code: 'VN', type: 'education' }], countries: ['VN'] },
    ] },
  { id: 'https://openalex.org/W990000000002', title: 'Cảm biến mực nước giá rẻ cho cảnh báo ngập', publication_year: 2024,
    authorships: [{ author: { display_name: 'Phạm Thị Thử' }, institutions: [{ display_name: INSTITUTION, country_code: 'VN', type: 'education' }] }] },
];
const JSONL = Buffer.from(works.map((w) => JSON.stringify(w)).join('\n'));

test('the steering office imports publications, links an unmatched institution and sees the author linked to the organisation', async () => {
  const { ctx, page, problems } = await pageAs(browser, server, 'bcd');
  try {
    await page.goto(`${server.url}/#/cong-bo`);
    await page.getByRole('heading', { level: 1, name: 'Kết quả KH&CN' }).waitFor();
    await page.locator('table.outputs-table tbody tr').first().waitFor();
    // the tabs carry their counts once the summary has loaded
    const tabs = page.getByRole('navigation', { name: 'Loại kết quả' });
    await tabs.getByText(/Công bố \(\d+\)/).waitFor();

    // the import: checked first, then saved
    await page.locator('#out-file-works').setInputFiles({ name: 'cong-bo.jsonl', mimeType: 'application/x-ndjson', buffer: JSONL });
    await page.getByRole('button', { name: 'Kiểm tra' }).click();
    await page.getByText(/Tệp có 2 công bố: 2 mới, 0 cập nhật; 1 liên kết khớp với tổ chức, 2 chưa khớp/).waitFor();
    await page.getByRole('button', { name: 'Nhập', exact: true }).click();
    await page.getByText('Đã nhập 2 công bố (2 mới, 0 cập nhật).').waitFor();
    await shot(page, 'stmap-outputs-1366');

    // the review list: the new institution, linked to HUST
    await tabs.getByRole('link', { name: /Cơ quan chưa khớp/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Cơ quan chưa khớp với tổ chức' }).waitFor();
    const row = page.locator('table.review-table tbody tr', { hasText: INSTITUTION });
    await row.waitFor();
    assert.match(await row.innerText(), /\b2\b/, 'two publications name it');
    assert.match(await row.innerText(), /Giáo dục/, 'its kind in Vietnamese');
    await row.getByRole('button', { name: `Gắn với tổ chức: ${INSTITUTION}` }).click();
    await row.getByLabel('Tìm tổ chức').fill('bach khoa ha noi');
    await row.getByRole('button', { name: 'Gắn với Đại học Bách khoa Hà Nội' }).click();
    await page.getByText(`Đã gắn ${INSTITUTION} với Đại học Bách khoa Hà Nội: 2 liên kết tác giả đi theo.`).waitFor();
    await page.locator('table.review-table tbody tr', { hasText: INSTITUTION }).waitFor({ state: 'detached' });
    await shot(page, 'stmap-outputs-review-1366');

    // the publication: found without diacritics, its author linked to HUST's profile
    await page.goto(`${server.url}/#/cong-bo`);
    await page.getByLabel('Tìm theo tên').fill('ngap lut do thi');
    await page.getByRole('link', { name: TITLE }).click();
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    const author = page.locator('table.work-authors tbody tr', { hasText: 'Phạm Thị Thử' });
    const org = author.getByRole('link', { name: 'Đại học Bách khoa Hà Nội' });
    assert.match(await org.getAttribute('href'), /^#\/to-chuc\/\d+$/);
    await shot(page, 'stmap-outputs-work-1366');

    // a patent file with a bad row: the row and the column are named, nothing saved
    await page.goto(`${server.url}/#/cong-bo/sang-che`);
    await page.locator('table.outputs-table tbody tr').first().waitFor();
    const before = await page.getByRole('status').first().innerText();
    const csv = 'number,kind,title,owner\n1-0099999,patent,Thiết bị thử,Không có tổ chức này\n';
    await page.locator('#out-file-patents').setInputFiles({ name: 'sang-che.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Kiểm tra' }).click();
    const bad = page.locator('table.bad-rows tbody tr');
    await bad.first().waitFor();
    assert.match(await bad.first().innerText(), /2\s+owner\s+Không có tổ chức nào tên/);
    assert.equal(await page.getByRole('status').first().innerText(), before);
    await shot(page, 'stmap-outputs-patents-1366');
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});

test('a viewer sees the outputs and a publication without forms; the pages fit 390 px', async () => {
  const { ctx, page, problems } = await pageAs(browser, server, 'xem', { viewport: PHONE });
  try {
    await page.goto(`${server.url}/#/cong-bo`);
    await page.getByRole('heading', { level: 1, name: 'Kết quả KH&CN' }).waitFor();
    await page.locator('table.outputs-table tbody tr').first().waitFor();
    assert.equal(await page.locator('input[type=file]').count(), 0, 'no import form');
    assert.equal(await overflow(page), 0);
    await shot(page, 'stmap-outputs-390');
    // a field is a link to the publications of that field
    const fieldLink = page.locator('table.outputs-table tbody tr a[href^="#/cong-bo?linh-vuc="]').first();
    const fieldName = (await fieldLink.innerText()).trim();
    await fieldLink.click();
    await page.waitForFunction((name) => [...document.querySelectorAll('table.outputs-table tbody tr td:nth-child(3)')]
      .every((td) => td.textContent.trim() === name), fieldName);
    assert.notEqual(await page.getByLabel(/^Lĩnh vực/).inputValue(), '', 'the field is chosen in the filter');
    await page.goto(`${server.url}/#/cong-bo`);
    await page.locator('table.outputs-table tbody tr').first().waitFor();
    // a publication with its authors
    await page.locator('table.outputs-table tbody tr a[href^="#/cong-bo/bai/"]').first().click();
    await page.locator('table.work-authors tbody tr').first().waitFor();
    assert.equal(await page.locator('dl.facts a[href^="#/cong-bo?linh-vuc="]').count(), 1, 'its field is a link');
    assert.equal(await overflow(page), 0);
    await shot(page, 'stmap-outputs-work-390');
    // the contracts: values for signed-in readers
    await page.goto(`${server.url}/#/cong-bo/hop-dong`);
    await page.locator('table.outputs-table tbody tr').first().waitFor();
    assert.match(await page.locator('table.outputs-table tbody tr').first().innerText(), /\d{1,3}(\.\d{3})+/);
    assert.equal(await overflow(page), 0);
    // the review list without link actions
    await page.goto(`${server.url}/#/cong-bo/chua-khop`);
    await page.locator('table.review-table tbody tr').first().waitFor();
    assert.equal(await page.getByRole('button', { name: /Gắn với tổ chức/ }).count(), 0);
    assert.equal(await overflow(page), 0);
    await shot(page, 'stmap-outputs-review-390');
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});
