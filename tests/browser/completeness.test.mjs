// Reporting completeness in Chromium on the demo data: after the steering
// office approves Phường Hoàn Kiếm's 5G coverage for 2026Q3, the overview
// keeps Quý II/2026 as the city's figure and says "1/34" for the quarter
// being gathered, its provisional figure marked; the indicator page lists
// who has reported and who has not; on a phone nothing scrolls sideways;
// once every commune is approved the headline moves to Quý III/2026.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDemoServer } from '../lib/demo.mjs';
import { signIn } from '../lib/auth.mjs';
import { dbExec, runCli } from '../lib/server.mjs';
import { DESKTOP, PHONE, launchBrowser, overflow, pageAs, shot } from '../lib/browser.mjs';

let server, browser, bcd, hoankiem, fiveG;
const dir = mkdtempSync(path.join(tmpdir(), 'nq57-complete-ui-'));
const tileOf = (data, code) => data.indicators.find((x) => x.code === code);
const card = (page, name) => page.locator('article.tile', { has: page.getByRole('heading', { name, exact: true }) });

before(async () => {
  server = await startDemoServer();
  browser = await launchBrowser();
  bcd = await signIn(server, 'bcd');
  hoankiem = await signIn(server, 'hoankiem');
  fiveG = tileOf((await bcd.get('/api/v1/dashboard')).json, '5G-PHU');
  const saved = await hoankiem.put('/api/v1/values', { indicator_code: '5G-PHU', unit_code: '00070', period: '2026Q3', value: 91.5 });
  assert.equal(saved.status, 200, saved.text);
  assert.equal((await hoankiem.post(`/api/v1/values/${saved.json.id}/submit`)).status, 200);
  assert.equal((await bcd.post(`/api/v1/values/${saved.json.id}/approve`)).status, 200);
});
after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("one ward's approval: the city tile stays on Quý II/2026 and shows 1/34 as being gathered", async () => {
  const { ctx, page, problems } = await pageAs(browser, server, 'bcd', { viewport: DESKTOP });
  try {
    await page.goto(`${server.url}/#/tong-quan`);
    const tile = card(page, fiveG.name_vi);
    await tile.waitFor();
    await page.locator('.dash-period', { hasText: 'Quý II/2026' }).waitFor();
    assert.match(await page.locator('.in-progress').innerText(), /Quý III\/2026 đang tổng hợp/);
    const text = await tile.innerText();
    assert.match(text, /\(Quý II\/2026\)/, 'the headline is the last complete quarter');
    assert.match(text, /Từ 34\/34 đơn vị đã được duyệt/);
    assert.match(text, /Tạm tính/);
    assert.match(text, /Đang tổng hợp Quý III\/2026: 1\/34 đơn vị/);
    assert.match(text, /Số tạm tính, chưa công bố: 91,5 %/);
    assert.ok(!/91,5 %\s*\(Quý III/.test(text), 'the provisional figure is never shown as the headline');
    await shot(page, 'completeness-overview-1366');

    // the indicator page: who has reported, for the quarter being gathered
    await tile.getByRole('link', { name: 'Xem mức độ đầy đủ' }).click();
    const section = page.locator('section.completeness');
    await section.getByRole('heading', { name: 'Mức độ đầy đủ của báo cáo' }).waitFor();
    assert.equal(await section.getByLabel('Kỳ báo cáo').inputValue(), '2026Q3');
    const total = section.locator('tfoot tr');
    await total.waitFor();
    assert.deepEqual((await total.locator('td').allInnerTexts()).slice(1, 4), ['34', '1', '1']);
    await section.getByRole('heading', { name: 'Đơn vị chưa báo cáo (33)' }).waitFor();
    assert.equal(await section.locator('.missing-units li').count(), 33);
    assert.equal(await section.locator('.missing-units').getByRole('link', { name: 'Phường Hoàn Kiếm', exact: true }).count(), 0);
    const hk = section.locator('tbody tr', { has: page.getByRole('link', { name: 'Phường Hoàn Kiếm', exact: true }) });
    assert.deepEqual((await hk.locator('td').allInnerTexts()).slice(1), ['1', '1', '1', '0', '100%']);
    // the breakdown by unit says its one period, in words
    await page.getByRole('heading', { name: 'Theo đơn vị (Quý II/2026)' }).waitFor();
    // another period picked in words
    await section.getByLabel('Kỳ báo cáo').selectOption({ label: 'Quý II/2026' });
    await section.locator('tfoot td', { hasText: '100%' }).first().waitFor();
    await shot(page, 'completeness-indicator-1366');
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});

test('on a phone the tile and the reporting table fit the screen', async () => {
  const { ctx, page, problems } = await pageAs(browser, server, 'bcd', { viewport: PHONE });
  try {
    await page.goto(`${server.url}/#/tong-quan`);
    await card(page, fiveG.name_vi).locator('.tile-partial').waitFor();
    assert.equal(await overflow(page), 0);
    await shot(page, 'completeness-overview-390');
    await page.goto(`${server.url}/#/tong-quan/chi-tieu/${fiveG.indicator_id}?ky=2026Q3`);
    await page.locator('section.completeness tfoot tr').waitFor();
    assert.equal(await overflow(page), 0);
    await shot(page, 'completeness-indicator-390');
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});

test('when every commune is approved the headline moves to Quý III/2026', async () => {
  const rest = dbExec(server.db, "SELECT code FROM unit WHERE kind = 'commune' AND code <> '00070' ORDER BY code").split('\n');
  const file = path.join(dir, 'q3.csv');
  writeFileSync(file, `indicator_code,unit_code,period,value\n${rest.map((c) => `5G-PHU,${c},2026Q3,88`).join('\n')}\n`);
  const r = await runCli(['values', 'import', file, '--approved', '--db', server.db]);
  assert.equal(r.code, 0, r.stderr);
  const { ctx, page, problems } = await pageAs(browser, server, 'bcd', { viewport: DESKTOP });
  try {
    await page.goto(`${server.url}/#/tong-quan`);
    const tile = card(page, fiveG.name_vi);
    await tile.locator('.tile-actual', { hasText: 'Quý III/2026' }).waitFor();
    assert.equal(await tile.locator('.tile-partial').count(), 0);
    const api = tileOf((await bcd.get('/api/v1/dashboard')).json, '5G-PHU');
    assert.deepEqual([api.period, api.approved, api.expected], ['2026Q3', 34, 34]);
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});
