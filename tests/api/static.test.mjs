// The web UI's files: types, caching, and nothing outside the web directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from '../lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

// fetch() normalises "..", so traversal attempts go over a raw socket.
function rawGet(path) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(srv.port, '127.0.0.1', () => {
      sock.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    sock.on('data', (d) => { data += d; });
    sock.on('end', () => resolve(data));
    sock.on('error', reject);
  });
}

test('/ serves the Vietnamese shell page as HTML', async () => {
  const res = await fetch(`${srv.url}/`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
  const html = await res.text();
  assert.match(html, /<html lang="vi"/);
  assert.match(html, /<script type="module" src="\/app\.js"><\/script>/);
  assert.doesNotMatch(html, /<script>(?!<)/, 'no inline script');
});

test('scripts, styles and vendored libraries have their types', async () => {
  for (const [path, type] of [['/app.js', 'text/javascript; charset=utf-8'], ['/app.css', 'text/css; charset=utf-8']]) {
    const res = await fetch(`${srv.url}${path}`);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('content-type'), type, path);
    assert.equal(res.headers.get('cache-control'), 'no-cache', path);
    await res.arrayBuffer();
  }
  // app.js reaches the vendored libraries through ./ui.js.
  const ui = await (await fetch(`${srv.url}/ui.js`)).text();
  const app = await (await fetch(`${srv.url}/app.js`)).text();
  assert.match(app, /from '\.\/ui\.js'/);
  const m = ui.match(/from '\.(\/vendor\/[^']+\.js)'/);
  assert.ok(m, 'ui.js imports a vendored module');
  const vendor = [null, m[1]];
  const res = await fetch(`${srv.url}${vendor[1]}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('cache-control'), /max-age=\d+/);
  await res.arrayBuffer();
});

test('an unchanged file is revalidated with 304', async () => {
  const first = await fetch(`${srv.url}/app.js`);
  await first.arrayBuffer();
  const etag = first.headers.get('etag');
  assert.ok(etag);
  const again = await fetch(`${srv.url}/app.js`, { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal((await again.arrayBuffer()).byteLength, 0);
});

test('paths outside the web directory are never served', async () => {
  for (const p of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/vendor/../../../etc/passwd',
    '/..%2f..%2f..%2fetc%2fpasswd', '/./index.html', '/%00', '/..\\..\\etc\\passwd']) {
    const reply = await rawGet(p);
    assert.match(reply, /^HTTP\/1\.1 (404|400)/, p);
    assert.doesNotMatch(reply, /root:/, p);
  }
});

test('a missing file is 404 and a write to a page is 405', async () => {
  const res = await fetch(`${srv.url}/khong-co.js`);
  assert.equal(res.status, 404);
  await res.arrayBuffer();
  const post = await fetch(`${srv.url}/index.html`, { method: 'POST', body: 'x' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET, HEAD');
  await post.arrayBuffer();
});

test('HEAD gives the headers without a body', async () => {
  const res = await fetch(`${srv.url}/app.css`, { method: 'HEAD' });
  assert.equal(res.status, 200);
  assert.equal((await res.arrayBuffer()).byteLength, 0);
  assert.ok(Number(res.headers.get('content-length')) > 0);
});
