// The Excel report component (web/views/programme/values/exchange.js) in Chromium,
// on the demo data, mounted on its own in the signed-in page: a commune
// officer picks the period in words, downloads the unit's sheet, fills two
// cells, uploads it and sees the rows before anything is saved; confirms,
// and exactly those are saved. A bad cell is listed in Vietnamese and
// nothing is saved. A viewer is offered nothing. It fits a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDemoServer } from '../lib/demo.mjs';
import { dbExec } from '../lib/server.mjs';
import { launchBrowser, pageAs, shot, overflow, PHONE, SHOTS } from '../lib/browser.mjs';
import { readSheet, unzip, zip } from '../lib/xlsx.mjs';

let server, browser, dir;
before(async () => {
  server = await startDemoServer();
  browser = await launchBrowser();
  dir = mkdtempSync(path.join(tmpdir(), 'nq57-excel-ui-'));
});
after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// the values typed for the unit and period (not those computed from the registry)
const countOf = (unit, period) => Number(dbExec(server.db, `SELECT COUNT(*) FROM indicator_value v JOIN unit u ON u.id = v.unit_id
  JOIN indicator i ON i.id = v.indicator_id WHERE u.code = '${unit}' AND v.period = '${period}' AND i.registry IS NULL`));

// Renders the component at the top of the page, as the person signed in.
async function mount(page) {
  await page.evaluate(async () => {
    const { html, render } = await import('/ui.js');
    const { ExcelExchange } = await import('/views/programme/values/exchange.js');
    const { translator, loadLang } = await import('/i18n.js');
    const { apiSend } = await import('/api.js');
    const me = await apiSend('GET', '/api/v1/session');
    const session = { me, send: (m, p, b, o = {}) => apiSend(m, p, b, { ...o, csrf: me.csrf_token }) };
    const host = document.createElement('div');
    host.id = 'excel-host';
    host.className = 'app-main';
    document.body.prepend(host);
    render(html`<${ExcelExchange} t=${translator(loadLang())} session=${session} />`, host);
  });
  return page.locator('#excel-host');
}

// The value cells of the given sheet rows, filled: { row: value }.
function fill(buf, cells) {
  const files = unzip(buf);
  let xml = files.get('xl/worksheets/sheet1.xml').toString();
  for (const [row, value] of Object.entries(cells))
    xml = xml.replace(new RegExp(`<c r="H${row}"( s="\\d+")?/>`), (_, s) => `<c r="H${row}"${s || ''}${typeof value === 'number' ? `><v>${value}</v>` : ` t="inlineStr"><is><t>${value}</t></is>`}</c>`);
  files.set('xl/worksheets/sheet1.xml', Buffer.from(xml));
  return zip([...files.entries()]);
}

test('a commune officer downloads the sheet for a period in words, uploads it filled, sees the rows, then saves exactly those', async () => {
  for (const viewport of [undefined, PHONE]) {
    const phone = viewport === PHONE;
    const period = phone ? '2025' : '2026Q4', words = phone ? 'Năm 2025' : 'Quý IV/2026';
    const { ctx, page, problems } = await pageAs(browser, server, 'hoankiem', viewport ? { viewport } : {});
    try {
      const card = await mount(page);
      await card.getByRole('heading', { name: 'Báo cáo số liệu bằng Excel' }).waitFor();
      assert.match(await card.innerText(), /Phường Hoàn Kiếm/, 'the unit is named');
      const select = card.getByLabel('Kỳ báo cáo');
      assert.ok((await select.locator('option').allInnerTexts()).includes('Quý III/2026'), 'periods in words');
      await select.selectOption({ label: words });
      const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('link', { name: 'Tải mẫu Excel' }).click()]);
      const file = path.join(dir, `mau-${period}.xlsx`);
      await download.saveAs(file);
      assert.equal(download.suggestedFilename(), `mau-bao-cao-00070-${period}.xlsx`);
      const sheet = readSheet(readFileSync(file));
      assert.match(sheet.rows[0][0], new RegExp(words.replace('/', '\\/')));

      const bad = path.join(dir, `bad-${period}.xlsx`);
      writeFileSync(bad, fill(readFileSync(file), { 5: 'mười' }));
      await card.getByLabel('Tải lên tệp đã điền').setInputFiles(bad);
      const problem = card.locator('table.problems tbody tr');
      await problem.first().waitFor();
      const [row, column, message] = await problem.first().locator('td').allInnerTexts();
      assert.deepEqual([row, column], ['5', 'H'], 'the cell is named');
      assert.match(message, /'mười'/);
      assert.doesNotMatch(message, /is not a number/, 'said in Vietnamese');
      assert.equal(countOf('00070', period), 0);

      const good = path.join(dir, `good-${period}.xlsx`);
      writeFileSync(good, fill(readFileSync(file), { 5: 12.5, 7: 40 }));
      await card.getByLabel('Tải lên tệp đã điền').setInputFiles(good);
      const preview = card.locator('.excel-preview');
      await preview.waitFor();
      assert.match(await preview.getByRole('status').innerText(), /2 số liệu sẽ được lưu.*ô để trống được bỏ qua/);
      const rows = preview.locator('tbody tr');
      assert.equal(await rows.count(), 2);
      assert.match(await rows.first().innerText(), new RegExp(`${sheet.rows[4][1]}[\\s\\S]*${words.replace('/', '\\/')}[\\s\\S]*12,5[\\s\\S]*Thêm mới`));
      assert.equal(countOf('00070', period), 0, 'nothing saved before the person confirms');
      if (phone) assert.ok(await overflow(page) <= 0, 'no sideways scrolling at 390 px');
      await shot(page, `excel-preview-${phone ? 'phone' : 'desktop'}`);
      await card.screenshot({ path: path.join(SHOTS, `excel-card-${phone ? 'phone' : 'desktop'}.png`) });

      await preview.getByRole('button', { name: 'Lưu 2 số liệu' }).click();
      await card.getByRole('status').filter({ hasText: 'Đã lưu: 2 số liệu mới' }).waitFor();
      assert.equal(countOf('00070', period), 2);
      assert.deepEqual(problems.filter((m) => !/status of 422/.test(m)), []);
    } finally {
      await ctx.close();
    }
  }
});

test('a viewer is offered no Excel report', async () => {
  const { ctx, page } = await pageAs(browser, server, 'xem');
  try {
    const host = await mount(page);
    assert.equal((await host.innerHTML()).trim(), '');
  } finally {
    await ctx.close();
  }
});
