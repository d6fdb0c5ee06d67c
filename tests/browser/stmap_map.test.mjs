// The S&T map on the demo data with every commune of Hà Nội: the demo's
// units plus the communes it lacks (taken from the shipped boundaries) and
// the boundaries loaded from data/boundaries. With every request to
// another host aborted, #/ban-do draws the 126 communes coloured by an
// indicator the communes report; a click on a commune opens its figures;
// the SVG export is a file with the 126 communes; #/ban-do?don-vi=<id>
// opens on a commune; the indicator's dashboard page draws the same map.
// At 1366 and 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { importUnits, signIn } from '../lib/auth.mjs';
import { onDemoWithBrowser, pageAs, shot, overflow, PHONE, DESKTOP } from '../lib/browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const communesGz = readFileSync(path.join(root, 'data', 'boundaries', 'communes-2025.geojson.gz'));
const hanoi = JSON.parse(gunzipSync(communesGz).toString('utf8')).features.filter((f) => f.properties.province_code === '01');

let server, browser, ready;
onDemoWithBrowser((s, b) => { server = s; browser = b; });

// The communes the demo lacks, then the boundaries again so that they have theirs.
async function allCommunes() {
  if (ready) return ready;
  ready = (async () => {
    const quantri = await signIn(server, 'quantri');
    const have = new Set((await quantri.get('/api/v1/units?kind=commune&limit=1000')).json.units.map((u) => u.code));
    const rows = hanoi.filter((f) => !have.has(f.properties.code)).map((f) => `${f.properties.code},${f.properties.name},01,commune`);
    await importUnits(server, ['code,name,parent_code,kind', ...rows].join('\n'));
    const r = await quantri.post('/api/v1/units/boundaries?source=communes-2025.geojson.gz', communesGz, { 'content-type': 'application/gzip' });
    assert.equal(r.json.matched, 126);
    const indicators = (await quantri.get('/api/v1/indicators?limit=1000')).json.indicators;
    return { quantri, indicator: indicators.find((i) => (i.report_kinds || []).includes('commune')) };
  })();
  return ready;
}

// Aborts every request to a host other than the test server's, and lists them.
async function offline(page) {
  const elsewhere = [];
  const own = new URL(server.url).host;
  await page.route('**/*', (route) => {
    if (new URL(route.request().url()).host === own) return route.continue();
    elsewhere.push(route.request().url());
    return route.abort();
  });
  return elsewhere;
}

// Clicks a point inside the commune's shape, as a person would.
async function clickCommune(page, code) {
  const at = await page.evaluate((c) => {
    const el = document.querySelector(`path.map-unit[data-code="${c}"]`);
    el.scrollIntoView({ block: 'center' });
    const box = el.getBBox();
    const svg = el.ownerSVGElement;
    const m = el.getScreenCTM();
    for (let i = 1; i < 20; i++) {
      for (let j = 1; j < 20; j++) {
        const p = svg.createSVGPoint();
        p.x = box.x + (box.width * i) / 20;
        p.y = box.y + (box.height * j) / 20;
        if (!el.isPointInFill(p)) continue;
        const s = p.matrixTransform(m);
        if (document.elementFromPoint(s.x, s.y) === el) return { x: s.x, y: s.y };
      }
    }
    return null;
  }, code);
  assert.ok(at, `a point of commune ${code} can be clicked`);
  await page.mouse.click(at.x, at.y);
}

test('the commune choropleth of Hà Nội draws offline, opens a commune\'s figures and exports an SVG', async () => {
  const { indicator } = await allCommunes();
  for (const viewport of [DESKTOP, PHONE]) {
    const { ctx, page, problems } = await pageAs(browser, server, 'bcd', { viewport });
    try {
      const elsewhere = await offline(page);
      await page.goto(`${server.url}/#/ban-do`);
      await page.getByRole('heading', { level: 1, name: 'Bản đồ KH&CN' }).waitFor();
      await page.waitForFunction(() => document.querySelectorAll('.map-svg path.map-unit').length === 126);
      assert.match(await page.locator('.map-controls select').first().inputValue(), new RegExp(`^ind:${indicator.id}$`));
      await page.waitForFunction(() => [...document.querySelectorAll('path.map-unit')].some((p) => p.getAttribute('fill') !== '#e4e4e4'));
      assert.match(await page.locator('.map-legend').innerText(), /Không có số liệu \(\d+\)/);
      // Xã Hoài Đức reports the indicator in the demo
      await clickCommune(page, '09832');
      const panel = page.locator('.map-panel');
      await panel.getByRole('heading', { name: 'Xã Hoài Đức' }).waitFor();
      assert.match(await panel.innerText(), new RegExp(indicator.code));
      assert.match(await panel.innerText(), /Số đơn vị báo cáo đã duyệt\s*1\/1/);
      assert.match(page.url(), /#\/ban-do\?don-vi=\d+$/);
      assert.equal(await overflow(page), 0, 'the map page fits the width');
      await shot(page, `stmap-map-${viewport.width}`);

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải SVG' }).click()]);
      assert.match(download.suggestedFilename(), /^ban-do-.*\.svg$/);
      const svg = readFileSync(await download.path(), 'utf8');
      assert.match(svg, /^<\?xml[^>]*>\s*<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.equal((svg.match(/<path [^>]*class="map-unit"/g) || []).length, 126);
      assert.match(svg, /Không có số liệu/, 'the legend is in the export');
      assert.deepEqual(elsewhere, [], 'requests to other hosts');
      assert.deepEqual(problems, []);
    } finally {
      await ctx.close();
    }
  }
});

test('a link to a commune opens the map on it, and an indicator\'s dashboard page draws its map', async () => {
  const { quantri, indicator } = await allCommunes();
  const unit = (await quantri.get('/api/v1/units?q=00070&limit=1')).json.units[0];
  const { ctx, page, problems } = await pageAs(browser, server, null, { viewport: PHONE });
  try {
    const elsewhere = await offline(page);
    await page.goto(`${server.url}/#/ban-do?don-vi=${unit.id}`);
    await page.locator('.map-panel').getByRole('heading', { name: 'Phường Hoàn Kiếm' }).waitFor();
    assert.equal(await page.locator('.map-svg path.map-unit').count(), 126);
    assert.equal(await page.locator('.map-panel').getByRole('link', { name: 'Trang số liệu của đơn vị' }).count(), 0,
      'an anonymous visitor is not offered the unit dashboard that needs signing in');
    await page.goto(`${server.url}/#/tong-quan/chi-tieu/${indicator.id}`);
    await page.getByRole('heading', { name: /Bản đồ theo đơn vị trực thuộc/ }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('.map-svg path.map-unit').length === 126);
    assert.equal(await overflow(page), 0);
    await shot(page, 'stmap-dashboard-map-390');
    assert.deepEqual(elsewhere, []);
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});

test('an indicator the communes do not report says so on the map, with the city\'s figure and how many units it comes from', async () => {
  const { quantri } = await allCommunes();
  const indicators = (await quantri.get('/api/v1/indicators?limit=1000')).json.indicators;
  const grdp = indicators.find((i) => i.code === 'GRDP');
  const ecosystemCount = indicators.find((i) => i.code === 'HST-DN-KHCN');
  const { ctx, page, problems } = await pageAs(browser, server, 'xem', { viewport: PHONE });
  try {
    await page.goto(`${server.url}/#/ban-do?chi-tieu=${grdp.id}`);
    const notice = page.locator('.map-no-unit-values');
    await notice.waitFor();
    assert.match(await notice.innerText(),
      /^Không phường, xã nào trên bản đồ có số liệu của chỉ tiêu này trong kỳ Quý [IV]+\/\d{4}\. Số liệu của Thành phố Hà Nội: [\d.]+(,\d+)? tỷ đồng \(từ 1\/1 đơn vị báo cáo đã duyệt\)\.$/);
    assert.match(await notice.getByRole('link').getAttribute('href'), new RegExp(`^#/tong-quan/chi-tieu/${grdp.id}\\?ky=\\d{4}Q\\d$`));
    assert.match(await page.locator('.map-legend').innerText(), /Không có số liệu \(126\)/);
    assert.equal(await overflow(page), 0);
    // a layer the communes report has no such notice
    await page.locator('.map-controls select').first().selectOption(`ind:${ecosystemCount.id}`);
    await page.waitForFunction(() => [...document.querySelectorAll('path.map-unit')].some((p) => p.getAttribute('fill') !== '#e4e4e4'));
    assert.equal(await notice.count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});

test('the classes of the legend: quantiles, equal intervals and natural breaks', async () => {
  const { ctx, page } = await pageAs(browser, server, null, { viewport: DESKTOP });
  try {
    const got = await page.evaluate(async () => {
      const m = await import('/views/stmap/map.js');
      const x = [1, 2, 3, 10, 11, 12, 50, 51, 52];
      return {
        jenks: m.jenksBreaks(x, 3), equal: m.equalBreaks([0, 3, 10], 5), quantile: m.quantileBreaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5),
        fewValues: m.jenksBreaks([0, 0, 1, 1, 0], 5), classes: [1, 3, 3.5, 12, 52, null].map((v) => m.classOf([1, 3, 12, 52], v)),
      };
    });
    assert.deepEqual(got.jenks, [1, 3, 12, 52], 'natural breaks split the three groups');
    assert.deepEqual(got.equal, [0, 2, 4, 6, 8, 10]);
    assert.deepEqual(got.quantile, [1, 2, 4, 6, 8, 10]);
    assert.deepEqual(got.fewValues, [0, 0, 1], 'a class for each of two values');
    assert.deepEqual(got.classes, [0, 0, 1, 1, 2, -1]);
  } finally {
    await ctx.close();
  }
});
