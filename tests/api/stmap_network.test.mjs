// Collaboration networks of the S&T map on the demo data: co-authorship,
// joint projects and agreements between organisations, clustered and laid
// out the same way every time; what anonymous readers see; the VOSviewer
// map and network files, which re-import to the same network; bad files
// named by their line; bad parameters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoServer } from '../lib/demo.mjs';
import { runCli } from '../lib/server.mjs';
import { signIn, client } from '../lib/auth.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NETWORKS = path.join(root, '..', 'shared', 'data', 'bibliometrics', 'networks');

let srv, steering, anon;
before(async () => {
  srv = await startDemoServer();
  steering = await signIn(srv, 'bcd');
  anon = client(srv);
});
after(async () => { await srv?.stop(); });

const key = (a, b) => (a < b ? `${a}-${b}` : `${b}-${a}`);

// The figures of each node agree with its links; clusters are numbered
// from 1 by decreasing size; every coordinate is a number.
function checkConsistent(net) {
  const degree = new Map(), strength = new Map();
  for (const l of net.links) {
    for (const id of [l.source, l.target]) {
      degree.set(id, (degree.get(id) || 0) + 1);
      strength.set(id, (strength.get(id) || 0) + l.strength);
    }
  }
  const ids = new Set(net.nodes.map((n) => n.id));
  for (const l of net.links) assert.ok(ids.has(l.source) && ids.has(l.target), `link ${l.source}-${l.target} to a missing node`);
  for (const n of net.nodes) {
    assert.equal(n.links, degree.get(n.id), `${n.label}: links`);
    assert.equal(n.strength, strength.get(n.id), `${n.label}: total link strength`);
    assert.ok(Number.isFinite(n.x) && Number.isFinite(n.y), `${n.label}: coordinates`);
  }
  const sizes = [];
  for (const n of net.nodes) sizes[n.cluster - 1] = (sizes[n.cluster - 1] || 0) + 1;
  assert.equal(sizes.length, net.clusters);
  for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i] <= sizes[i - 1], `cluster ${i + 1} is larger than cluster ${i}`);
}

test('the co-authorship network of the demo: organisations, links and clusters that agree, the same picture every time', async () => {
  const r = await anon.get('/api/v1/collaboration');
  assert.equal(r.status, 200, r.text);
  const net = r.json;
  assert.equal(net.kind, 'coauthorship');
  assert.equal(net.weight_name, 'Documents');
  assert.ok(net.nodes.length >= 3, `only ${net.nodes.length} organisations`);
  assert.ok(net.links.length >= 2);
  assert.ok(net.clusters >= 1 && net.clusters <= net.nodes.length);
  checkConsistent(net);
  const hust = net.nodes.find((n) => n.label === 'Đại học Bách khoa Hà Nội');
  assert.ok(hust, 'HUST is in the network');
  assert.equal(hust.organisation_id, hust.id);
  assert.ok(hust.weight >= hust.links, 'HUST has at least as many works as partners');
  const again = await anon.get('/api/v1/collaboration');
  assert.deepEqual(again.json, net, 'the same data gave another picture');
});

test('joint projects and agreements are networks of their own', async () => {
  for (const [kind, weight] of [['projects', 'Projects'], ['agreements', 'Agreements']]) {
    const r = await steering.get(`/api/v1/collaboration?kind=${kind}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.kind, kind);
    assert.equal(r.json.weight_name, weight);
    assert.ok(r.json.links.length >= 1, `no ${kind} links`);
    checkConsistent(r.json);
  }
  // a project with a lead and two partners links all three
  const p = (await steering.get('/api/v1/collaboration?kind=projects')).json;
  const id = (name) => p.nodes.find((n) => n.label === name)?.id;
  const hust = id('Đại học Bách khoa Hà Nội'), vnu = id('Đại học Quốc gia Hà Nội');
  assert.ok(hust && vnu, 'HUST and VNU share a project in the demo');
  assert.ok(p.links.some((l) => key(l.source, l.target) === key(hust, vnu)));
});

test('years, normalisation and resolution change the network; bad ones are refused', async () => {
  const all = (await anon.get('/api/v1/collaboration?kind=projects')).json;
  const early = (await anon.get('/api/v1/collaboration?kind=projects&to=2021')).json;
  assert.ok(early.links.length < all.links.length, 'projects started up to 2021 are fewer');
  assert.equal(early.to, 2021);
  const fine = (await anon.get('/api/v1/collaboration?resolution=5')).json;
  const coarse = (await anon.get('/api/v1/collaboration?resolution=0.01')).json;
  assert.ok(fine.clusters > coarse.clusters, `resolution 5 gave ${fine.clusters} clusters, 0.01 gave ${coarse.clusters}`);
  const frac = (await anon.get('/api/v1/collaboration?normalisation=fractionalization')).json;
  assert.equal(frac.normalisation, 'fractionalization');
  for (const [query, template] of [
    ['kind=people', "kind '%s' is not coauthorship, projects or agreements"],
    ['normalisation=log', "normalisation '%s' is not none, association or fractionalization"],
    ['resolution=much', "resolution '%s' is not a number from 0 to 1000000"],
    ['from=2024&to=2020', 'the years from %d to %d are in the wrong order'],
  ]) {
    const r = await anon.get(`/api/v1/collaboration?${query}`);
    assert.equal(r.status, 422, query);
    assert.equal(r.json.error.template, template);
  }
});

test('anonymous readers do not see an organisation that is not published; signed-in people do', async () => {
  const net = (await steering.get('/api/v1/collaboration')).json;
  const hidden = net.nodes.find((n) => n.label !== 'Đại học Bách khoa Hà Nội');
  const r = await steering.patch(`/api/v1/organisations/${hidden.organisation_id}`, { published: false });
  assert.equal(r.status, 200, r.text);
  try {
    const seen = (await anon.get('/api/v1/collaboration')).json;
    assert.ok(!seen.nodes.some((n) => n.id === hidden.id), `${hidden.label} is shown to anonymous readers`);
    assert.ok(!seen.links.some((l) => l.source === hidden.id || l.target === hidden.id));
    const file = await anon.get('/api/v1/collaboration/vosviewer?file=network');
    assert.ok(!file.text.split('\n').some((line) => line.split('\t').slice(0, 2).includes(String(hidden.id))));
    assert.ok((await steering.get('/api/v1/collaboration')).json.nodes.some((n) => n.id === hidden.id));
  } finally {
    await steering.patch(`/api/v1/organisations/${hidden.organisation_id}`, { published: true });
  }
});

test('the VOSviewer map and network files re-import to the same network', async () => {
  const net = (await anon.get('/api/v1/collaboration')).json;
  const map = await anon.get('/api/v1/collaboration/vosviewer?file=map');
  const network = await anon.get('/api/v1/collaboration/vosviewer?file=network');
  assert.equal(map.status, 200);
  assert.match(map.headers.get('content-type'), /^text\/plain/);
  assert.match(map.headers.get('content-disposition'), /^attachment; filename.*mang-hop-tac-coauthorship-map\.txt/);
  const lines = map.text.trim().split('\n');
  assert.equal(lines[0], 'id\tlabel\tx\ty\tcluster\tweight<Links>\tweight<Total link strength>\tweight<Documents>');
  assert.equal(lines.length, net.nodes.length + 1);
  assert.equal(network.text.trim().split('\n').length, net.links.length);

  const back = await steering.post('/api/v1/collaboration/import', { map: map.text, network: network.text });
  assert.equal(back.status, 200, back.text);
  const strip = (n) => ({ id: n.id, label: n.label, x: n.x, y: n.y, cluster: n.cluster, weight: n.weight, links: n.links, strength: n.strength });
  assert.deepEqual(back.json.nodes.map(strip), net.nodes.map(strip));
  assert.deepEqual(back.json.links, net.links);
  assert.equal(back.json.clusters, net.clusters);
  assert.ok(back.json.nodes.every((n) => n.organisation_id === undefined), 'imported items are not organisations');

  // the network file alone: items from its ids, clusters and layout computed
  const alone = await steering.post('/api/v1/collaboration/import', { network: network.text });
  assert.equal(alone.status, 200, alone.text);
  assert.deepEqual(alone.json.nodes.map((n) => n.id).sort((a, b) => a - b), net.nodes.map((n) => n.id).sort((a, b) => a - b));
  assert.equal(alone.json.links.length, net.links.length);
  checkConsistent(alone.json);
});

test('a bad line of a VOSviewer file is named, and only signed-in people import', async () => {
  const bad = await steering.post('/api/v1/collaboration/import', { network: '1\t2\t3\n2\tB\t1\n' });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.template, "network line %d: id '%s' is not a positive integer");
  assert.deepEqual(bad.json.error.params, ['2', 'B']);
  const unknown = await steering.post('/api/v1/collaboration/import', { map: 'id\tlabel\n1\tA\n2\tB\n', network: '1\t2\n1\t7\t2\n' });
  assert.equal(unknown.status, 422);
  assert.equal(unknown.json.error.template, 'network line %d: id %lld is not in the map');
  const noNumber = await steering.post('/api/v1/collaboration/import', { map: 'id\tlabel\tx\n1\tA\tleft\n', network: '' });
  assert.equal(noNumber.status, 422);
  assert.equal(noNumber.json.error.template, "map line %d: '%s' is not a number");
  assert.equal((await steering.post('/api/v1/collaboration/import', { map: 'id\n1\n' })).status, 422);
  const r = await anon.post('/api/v1/collaboration/import', { network: '1\t2\t3\n' });
  assert.equal(r.status, 401);
});

test('the organisations of a network as a workbook', async () => {
  const r = await anon.get('/api/v1/collaboration?format=xlsx');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  assert.equal(r.bytes.subarray(0, 2).toString(), 'PK');
});

test('nq57 network analyse: two triangles joined by a link make two clusters, written as a VOSviewer map', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nq57-net-cli-'));
  writeFileSync(path.join(dir, 'net.txt'), '1\t2\t1\n2\t3\t1\n1\t3\t1\n4\t5\t1\n5\t6\t1\n4\t6\t1\n3\t4\t1\n');
  const out = path.join(dir, 'map.txt');
  const r = await runCli(['network', 'analyse', path.join(dir, 'net.txt'), '--normalisation', 'none', '--quality', 'modularity', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^clusters\t2$/m);
  assert.match(r.stdout, /^clustering_quality\t0\.357142857142857/m);   // 5/14
  const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split('\t'));
  assert.deepEqual(rows[0].slice(0, 5), ['id', 'label', 'x', 'y', 'cluster']);
  const cluster = Object.fromEntries(rows.slice(1).map((c) => [c[0], c[4]]));
  assert.ok(cluster[1] === cluster[2] && cluster[2] === cluster[3] && cluster[4] === cluster[5] && cluster[5] === cluster[6]);
  assert.notEqual(cluster[1], cluster[4]);

  writeFileSync(path.join(dir, 'bad.txt'), '1\t2\t1\n2\tx\t1\n');
  const bad = await runCli(['network', 'analyse', path.join(dir, 'bad.txt')]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /network line 2: id 'x' is not a positive integer/);
});

test('nq57 network analyse gives the Leiden Ranking network the clusters of VOSviewer\'s engine', { skip: !existsSync(NETWORKS) && `needs ${NETWORKS}` }, async () => {
  // networkanalysis-ts with java.util.Random(0), 10 iterations, resolution 1,
  // association strength, on the same file: 10 clusters, CPM quality
  // 0.506442868717869 (bench/network/reference.mjs prints them).
  const r = await runCli(['network', 'analyse', path.join(NETWORKS, 'Leiden_Ranking_2015_university_collaboration_network.txt'),
    '--clusters-only', '--out', path.join(mkdtempSync(path.join(tmpdir(), 'nq57-net-lr-')), 'map.txt')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^clusters\t10$/m);
  assert.match(r.stdout, /^clustering_quality\t0\.5064428687178690/m);
});
