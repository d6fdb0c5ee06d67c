// The collaboration network of the demo (#/mang-hop-tac) at 1366 and 390 px:
// it draws (one circle per organisation, one line per link, clusters in
// colour, labels); the search highlights an organisation; a click on a node
// opens the organisation's profile; the VOSviewer map and network files it
// exports, imported again, draw the same network (same nodes and links).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { client } from '../lib/auth.mjs';
import { onDemoWithBrowser, pageAs, shot, overflow, PHONE, DESKTOP } from '../lib/browser.mjs';

let server, browser;
onDemoWithBrowser((s, b) => { server = s; browser = b; });

// What the drawing shows: node ids with their colours, and links as sorted id pairs.
async function drawn(page) {
  return page.evaluate(() => {
    const nodes = [...document.querySelectorAll('svg.net-svg circle.net-node')].map((c) => ({ id: Number(c.dataset.id), fill: c.getAttribute('fill') }));
    const at = new Map([...document.querySelectorAll('svg.net-svg circle.net-node')].map((c) => [`${c.getAttribute('cx')},${c.getAttribute('cy')}`, Number(c.dataset.id)]));
    const links = [...document.querySelectorAll('svg.net-svg line.net-link')].map((l) => {
      const a = at.get(`${l.getAttribute('x1')},${l.getAttribute('y1')}`), b = at.get(`${l.getAttribute('x2')},${l.getAttribute('y2')}`);
      return a < b ? `${a}-${b}` : `${b}-${a}`;
    }).sort();
    return { nodes, links, labels: document.querySelectorAll('svg.net-svg text.net-label').length };
  });
}

for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`${name}: the demo's network draws, highlights a search, opens a profile, and its VOSviewer files re-import to the same network`, async () => {
    const api = (await client(server).get('/api/v1/collaboration')).json;
    const { ctx, page, problems } = await pageAs(browser, server, 'bcd', { viewport });
    try {
      await page.goto(`${server.url}/#/mang-hop-tac`);
      await page.locator('svg.net-svg circle.net-node').first().waitFor();
      const first = await drawn(page);
      assert.equal(first.nodes.length, api.nodes.length);
      assert.equal(first.links.length, api.links.length);
      assert.ok(new Set(first.nodes.map((n) => n.fill)).size >= Math.min(2, api.clusters), 'clusters are coloured');
      assert.ok(first.labels > 0, 'no labels');
      await page.getByText(new RegExp(`${api.nodes.length} tổ chức, ${api.links.length} liên kết`)).waitFor();
      assert.equal(await overflow(page), 0, 'the page is wider than the screen');
      await shot(page, `stmap-network-${name}`);

      // search highlights one organisation
      await page.locator('#net-search').fill('bach khoa');
      await page.getByText('Đã tô đậm 1 tổ chức').waitFor();
      const hust = api.nodes.find((n) => n.label === 'Đại học Bách khoa Hà Nội');
      assert.equal(await page.locator(`circle.net-node[data-id="${hust.id}"]`).getAttribute('stroke'), '#000');
      await shot(page, `stmap-network-search-${name}`);

      // zoom in and back
      await page.getByRole('button', { name: 'Phóng to' }).click();
      assert.match(await page.locator('svg.net-svg > g').getAttribute('transform'), /scale\(1\.5\)/);
      await page.getByRole('button', { name: 'Về khung ban đầu' }).click();
      await page.locator('#net-search').fill('');

      // export both files, then draw them again from the import form
      const dir = mkdtempSync(path.join(tmpdir(), 'nq57-net-'));
      const files = {};
      for (const which of ['map', 'network']) {
        const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`a.net-export-${which}`).click()]);
        files[which] = path.join(dir, `${which}.txt`);
        writeFileSync(files[which], readFileSync(await download.path()));
      }
      assert.equal(readFileSync(files.map, 'utf8').trim().split('\n').length, api.nodes.length + 1);
      await page.locator('#net-map').setInputFiles(files.map);
      await page.locator('#net-network').setInputFiles(files.network);
      await page.getByRole('button', { name: 'Vẽ từ tệp' }).click();
      await page.getByText('Đang xem mạng lưới từ tệp map.txt').waitFor();
      const again = await drawn(page);
      assert.deepEqual(again.nodes.map((n) => n.id).sort((a, b) => a - b), first.nodes.map((n) => n.id).sort((a, b) => a - b));
      assert.deepEqual(again.links, first.links, 'the re-imported network has other links');
      assert.deepEqual(again.nodes, first.nodes, 'the re-imported network is drawn otherwise');
      await shot(page, `stmap-network-imported-${name}`);
      await page.getByRole('button', { name: 'Quay lại mạng lưới từ dữ liệu' }).click();

      // a click on an organisation opens its profile
      await page.locator(`a.net-org[href="#/to-chuc/${hust.organisation_id}"]`).click();
      await page.waitForURL(new RegExp(`#/to-chuc/${hust.organisation_id}$`));
      await page.getByRole('heading', { name: 'Đại học Bách khoa Hà Nội' }).first().waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await ctx.close();
    }
  });
}

test('anonymous visitors see the network but no import form; a count of publications opens them', async () => {
  const { ctx, page, problems } = await pageAs(browser, server, null);
  try {
    await page.goto(`${server.url}/#/mang-hop-tac`);
    await page.locator('svg.net-svg circle.net-node').first().waitFor();
    assert.equal(await page.locator('#net-network').count(), 0);
    assert.ok(await page.locator('a.net-export-map').count() === 1);
    // an organisation's number of publications opens the list of them, as many
    const row = page.locator('table.net-table tbody tr', { hasText: 'Đại học Bách khoa Hà Nội' });
    const count = (await row.locator('td.num').first().innerText()).trim();
    await row.locator('td.num a[href^="#/cong-bo?to-chuc="]').click();
    await page.getByText(`${count} kết quả`, { exact: true }).waitFor();
    // the network of some years: the count opens the publications of those years
    await page.goBack();
    await page.locator('svg.net-svg circle.net-node').first().waitFor();
    // (typed one after the other: the network reloading for the first year
    // must not wipe the second)
    await page.getByLabel('Từ năm').pressSequentially('2020');
    await page.getByLabel('Đến năm').pressSequentially('2022', { delay: 50 });
    const link = page.locator('table.net-table tbody tr', { hasText: 'Đại học Bách khoa Hà Nội' })
      .locator('td.num a[href*="tu-nam=2020&den-nam=2022"]');
    await link.waitFor();
    const some = (await link.innerText()).trim();
    await link.click();
    await page.getByText(`${some} kết quả`, { exact: true }).waitFor();
    assert.equal(await page.getByLabel('Từ năm').inputValue(), '2020');
    assert.equal(await page.getByLabel('Đến năm').inputValue(), '2022');
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});
