// Every page as every person, on the demo data:
// - at 390 × 844 nothing is wider than the phone's screen;
// - in Vietnamese no page shows an English message from the server;
// - every task code and document number on a page is a link to its page,
//   and every such link opens a page that knows it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoServer } from '../lib/demo.mjs';
import { signIn } from '../lib/auth.mjs';
import { launchBrowser, pageAs, shot, overflow, PHONE, DESKTOP } from '../lib/browser.mjs';

const PEOPLE = [null, 'bcd', 'quantri', 'syt', 'hoankiem', 'xem'];

let server, browser, routes;

// The routes of the UI with real ids from the demo: every menu entry, and
// the pages one reaches from them.
async function demoRoutes() {
  const bcd = await signIn(server, 'bcd');
  const ind = (await bcd.get('/api/v1/indicators?limit=1')).json.indicators[0];
  const unit = (await bcd.get('/api/v1/units?q=Ho%C3%A0n%20Ki%E1%BA%BFm')).json.units[0];
  const doc = (await bcd.get('/api/v1/documents')).json.documents.find((d) => d.number === '43/KH-UBND');
  const org = (await bcd.get('/api/v1/organisations?q=bach%20khoa')).json.organisations[0];
  const lab = (await bcd.get('/api/v1/resources?network=HIHUB&kind=lab')).json.resources[0];
  const computed = (await bcd.get('/api/v1/indicators?q=HST-DN-KHCN')).json.indicators[0];
  const ecosystem = ['#/he-sinh-thai', `#/he-sinh-thai/ho-so/${computed.id}`, '#/to-chuc', `#/to-chuc/${org.id}`, '#/mang-luoi',
    '#/mang-luoi/HIHUB', `#/tai-nguyen/${lab.id}`, '#/mang-luoi/HIHUB/su-dung?thang=2026-11', '#/thoa-thuan',
    '#/thoa-thuan/MOU-NUS-2025', '#/thoa-thuan/HT-DHQG-TB-2025', '#/quy', '#/quy/LM-VC-HN'];
  const listings = (await bcd.get('/api/v1/market/listings?limit=200')).json.listings;
  const listing = (kind) => listings.find((l) => l.kind === kind && l.organisation).id;
  const market = ['#/cho-cong-nghe', '#/cho-cong-nghe/bai-toan', '#/cho-cong-nghe/chuyen-gia', '#/cho-cong-nghe/cua-toi',
    '#/cho-cong-nghe/duyet', '#/cho-cong-nghe/thong-ke', `#/cho-cong-nghe/${listing('offer')}`, `#/cho-cong-nghe/${listing('problem')}`,
    `#/cho-cong-nghe/${listing('expert')}`, `#/cho-cong-nghe/${listing('offer')}/sua`];
  const work = (await bcd.get('/api/v1/outputs/works?limit=1')).json.works[0];
  const stmap = ['#/ban-do', `#/ban-do?don-vi=${unit.id}`, '#/cong-bo', '#/cong-bo/sang-che', '#/cong-bo/de-tai', '#/cong-bo/hop-dong',
    '#/cong-bo/spin-off', `#/cong-bo/bai/${work.id}`, '#/cong-bo/chua-khop', `#/cong-bo?to-chuc=${org.id}`, '#/chi-so-khcn',
    `#/chi-so-khcn/to-chuc/${org.id}`, '#/mang-hop-tac'];
  return [...ecosystem, ...market, ...stmap, '#/', '#/chi-tieu', '#/nhiem-vu', '#/nhiem-vu/NV-005', '#/van-ban', `#/van-ban/${doc.id}`,
    '#/don-vi', '#/bao-cao', '#/chi-so', '#/viec-cua-toi', '#/hop-thu', '#/phe-duyet', '#/nguoi-dung',
    '#/nhat-ky', '#/nhap-lieu', '#/kiem-tra', '#/api', `#/tong-quan/chi-tieu/${ind.id}`, `#/tong-quan/don-vi/${unit.id}`,
    '#/dang-nhap'];
}

before(async () => {
  server = await startDemoServer();
  browser = await launchBrowser();
  routes = await demoRoutes();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// Goes to route and waits until the view has loaded its data (no
// "Đang tải" left, or at most 5 s).
async function visit(page, route) {
  await page.goto(`${server.url}/${route}`);
  await page.locator('main h1').first().waitFor();
  await page.waitForFunction(() => !/Đang tải|Loading/.test(document.querySelector('main')?.innerText || ''), null, { timeout: 5000 }).catch(() => {});
  await page.waitForTimeout(300);
}

const slug = (s) => String(s).replace(/[^a-z0-9]+/gi, '_');

// A sentence the server wrote in English: the words its messages are made
// of, in text that has no Vietnamese letter.
const ENGLISH = /\b(is required|may not|must be|no such|not found|is not a|expected|every value|say why|sign in to)\b/i;

// One visit per page and person checks both: the page fits a 390 px phone
// and, in Vietnamese, shows no English message from the server.
test('no page is wider than a 390 px phone or shows an English message, for anybody', async () => {
  const wide = [], english = [];
  for (const login of PEOPLE) {
    const { ctx, page, problems } = await pageAs(browser, server, login, { viewport: PHONE });
    try {
      for (const route of routes) {
        await visit(page, route);
        const extra = await overflow(page);
        if (extra > 0) {
          wide.push(`${login || 'anonymous'} ${route}: ${390 + extra} px`);
          await shot(page, `wide-${login || 'anon'}-${slug(route)}`);
        }
        const lines = await page.locator('main').innerText();
        for (const line of lines.split('\n'))
          if (ENGLISH.test(line)) english.push(`${login || 'anonymous'} ${route}: ${line.trim()}`);
      }
      assert.deepEqual(problems, [], `${login}: page problems`);
    } finally {
      await ctx.close();
    }
  }
  assert.deepEqual(wide, []);
  assert.deepEqual(english, []);
});

// Task codes (NV-005, NV-D012) and document numbers (57-NQ/TW, 43/KH-UBND)
// in the page's text outside links, form fields and the page's own title;
// `own` is the code of the page itself (a task page need not link to itself).
function unlinkedCodes(own) {
  const CODE = /\b(NV-[0-9A-Z]+|\d+-NQ\/TW|\d+\/(?:NQ-CP|KH-UBND|QĐ-UBND|NQ-HĐND))\b/gu;
  const found = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (el.closest('a, option, select, textarea, h1, label, button, pre, code, .chart, [role=img]')) continue;   // examples in code are not references
    if (getComputedStyle(el).display === 'none') continue;
    for (const m of n.textContent.matchAll(CODE)) if (m[1] !== own) found.push(`${m[1]} in <${el.tagName.toLowerCase()}> "${n.textContent.trim().slice(0, 60)}"`);
  }
  return found;
}

test('every task code and document number on every page is a link to its page', async () => {
  const unlinked = [];
  const targets = new Map();
  for (const login of ['bcd', 'hoankiem']) {
    const { ctx, page } = await pageAs(browser, server, login, { viewport: DESKTOP });
    try {
      for (const route of routes) {
        await visit(page, route);
        const own = route.startsWith('#/nhiem-vu/') ? decodeURIComponent(route.slice('#/nhiem-vu/'.length))
          : route.startsWith('#/van-ban/') ? await page.locator('main h1').first().innerText().then((h) => h.match(/\S+\/\S+/)?.[0] || '') : '';
        for (const u of await page.evaluate(unlinkedCodes, own)) unlinked.push(`${login} ${route}: ${u}`);
        const links = await page.locator('main a[href^="#/nhiem-vu/"], main a[href^="#/van-ban/"]').evaluateAll(
          (as) => as.map((a) => [a.getAttribute('href'), a.textContent.trim()]));
        for (const [href, text] of links) if (!targets.has(href)) targets.set(href, text);
      }
    } finally {
      await ctx.close();
    }
  }
  assert.deepEqual(unlinked.slice(0, 30), [], `${unlinked.length} codes are not links`);
  assert.ok([...targets.keys()].some((h) => h.startsWith('#/nhiem-vu/')), 'the pages link to tasks');
  assert.ok([...targets.keys()].some((h) => h.startsWith('#/van-ban/')), 'the pages link to documents');

  // Each link opens the page of what it names: its heading or first lines
  // carry the code the link showed.
  const { ctx, page } = await pageAs(browser, server, 'bcd', { viewport: DESKTOP });
  const broken = [];
  try {
    const sample = [...targets].filter(([h]) => h.startsWith('#/van-ban/'))
      .concat([...targets].filter(([h]) => h.startsWith('#/nhiem-vu/')).slice(0, 25));
    for (const [href, text] of sample) {
      await visit(page, href);
      const head = await page.locator('main').innerText();
      const code = text.match(/NV-[0-9A-Z]+|\d+[-/][\p{L}-]+(?:\/[\p{L}]+)?/u)?.[0] || text;
      if (/Không tìm thấy/.test(head) || !head.includes(code)) broken.push(`${href} (${text})`);
    }
  } finally {
    await ctx.close();
  }
  assert.deepEqual(broken, []);
});
