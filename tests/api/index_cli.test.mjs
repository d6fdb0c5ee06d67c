// nq57 index run: an index definition written in our JSON format from the
// ASEM reference metadata, run over the raw ASEM data on the command line,
// reproduces the published aggregates and ranks; bad definitions are
// refused with a message naming the culprit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, binary } from '../lib/server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ASEM = path.join(root, '..', 'shared', 'data', 'index-validation', 'asem');
const haveAsem = existsSync(path.join(ASEM, 'ASEM_COIN6_Raw.csv'));
const dir = mkdtempSync(path.join(tmpdir(), 'nq57-index-'));

// Quoted CSV as these files write it: rows of fields.
function parseCsv(text) {
  return text.trim().split(/\r?\n/).map((line) => {
    const out = [];
    let cur = '', quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false; else cur += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') { out.push(cur); cur = ''; } else cur += c;
    }
    out.push(cur);
    return out;
  });
}
const table = (file) => {
  const [head, ...rows] = parseCsv(readFileSync(path.join(ASEM, file), 'utf8'));
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
};

// The definition, from IndMeta and AggMeta, in our format.
function asemDefinition() {
  const inds = table('ASEM_COIN6_IndMeta.csv'), aggs = table('ASEM_COIN6_AggMeta.csv');
  const parentOf = new Map();
  for (const i of inds) { parentOf.set(i.Agg1, i.Agg2); parentOf.set(i.Agg2, i.Agg3); }
  const nodes = [];
  for (const a of aggs.sort((x, y) => Number(y.AgLevel) - Number(x.AgLevel)))
    nodes.push({ code: a.Code, name: a.Name, weight: Number(a.Weight), ...(parentOf.get(a.Code) ? { parent: parentOf.get(a.Code) } : {}) });
  for (const i of inds)
    nodes.push({ code: i.IndCode, name: i.IndName, parent: i.Agg1, indicator: true, weight: Number(i.IndWeight), direction: Number(i.Direction),
      ...(i.Denominator && i.Denominator !== 'NA' ? { denominator: i.Denominator } : {}) });
  const units = table('ASEM_COIN6_Raw.csv').length;
  return {
    code: 'ASEM', name: 'Sustainable Connectivity', group_column: 'Group_EurAsia', nodes,
    options: { imputation: 'group_mean', treatment: { winmax: Math.ceil(units / 10), skew_max: 2, kurt_max: 3.5 },
      normalisation: { method: 'minmax', lo: 0, hi: 100 }, levels: [1, 2, 3].map(() => ({ aggregation: 'arithmetic' })), rank_digits: 2 },
  };
}

async function run(def, data, extra = []) {
  const defFile = path.join(dir, `def-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(defFile, JSON.stringify(def));
  return runCli(['index', 'run', defFile, data, ...extra]);
}

test('the ASEM index from its raw data reproduces every published aggregate and rank', { skip: haveAsem ? false : 'needs ../shared/data/index-validation/asem' }, async () => {
  const r = await run(asemDefinition(), path.join(ASEM, 'ASEM_COIN6_Raw.csv'),
    ['--denominators', path.join(ASEM, 'ASEM_COIN6_Denominators.csv'), '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const want = new Map(table('ASEM_COIN6_Aggregated.csv').map((u) => [u.UnitCode, u]));
  const ranks = new Map(table('ASEM_COIN6_Results_AggregatesRank.csv').map((u) => [u.UnitCode, u]));
  const aggCodes = out.aggregates.map((a) => a.code);
  assert.equal(aggCodes.length, 11);
  let checked = 0;
  for (const u of out.units) {
    for (const a of aggCodes) {
      const ref = Number(want.get(u.code)[a]);
      assert.ok(Math.abs(u.scores[a] - ref) <= 1e-9, `${u.code} ${a}: ${u.scores[a]} vs ${ref}`);
      assert.equal(u.ranks[a], Number(ranks.get(u.code)[a]), `${u.code} ${a} rank`);
      checked++;
    }
  }
  assert.equal(checked, 51 * 11);
  assert.equal(out.units[0].code, 'CHE', 'best first');
  // the CSV form holds the same numbers
  const csv = await run(asemDefinition(), path.join(ASEM, 'ASEM_COIN6_Raw.csv'), ['--denominators', path.join(ASEM, 'ASEM_COIN6_Denominators.csv')]);
  assert.equal(csv.code, 0, csv.stderr);
  const lines = csv.stdout.trim().split('\n');
  assert.equal(lines.length, 52);
  assert.match(lines[1], /^CHE,Switzerland,[\d.]+,1,/);
});

test('bad definitions and data are refused, naming the culprit', async () => {
  const data = path.join(dir, 'data.csv');
  writeFileSync(data, 'unit_code,unit_name,A,B\nX1,Xã 1,1,2\nX2,Xã 2,3,\nX3,Xã 3,5,6\n');
  const base = () => ({ code: 'T', nodes: [{ code: 'IDX' }, { code: 'P', parent: 'IDX' },
    { code: 'A', parent: 'P', indicator: true }, { code: 'B', parent: 'P', indicator: true }] });
  const ok = await run(base(), data);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^unit_code,unit_name,IDX_score,IDX_rank,P_score,P_rank\nX3,Xã 3,100,1,100,1\n/);
  const cases = [
    [(d) => { d.nodes[0].parent = 'P'; }, /cycle|root/i],
    [(d) => { d.nodes[2].weight = 'nặng'; }, /node 'A'.*weight/],
    [(d) => { d.nodes.push({ code: 'C', parent: 'P', indicator: true }); }, /indicator 'C' is missing from the data/],
    [(d) => { d.nodes[3].parent = 'NOPE'; }, /NOPE/],
    [(d) => { d.options = { normalisation: 'log' }; }, /options\.normalisation\.method/],
  ];
  for (const [change, message] of cases) {
    const d = base();
    change(d);
    const r = await run(d, data);
    assert.equal(r.code, 1, `${JSON.stringify(d)} should fail`);
    assert.match(r.stderr, message);
  }
  const empty = path.join(dir, 'empty.csv');
  writeFileSync(empty, 'unit_code,A,B\nX1,,2\nX2,,3\n');
  const r = await run(base(), empty);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /'A'/, 'all values missing: names the indicator');
});

test('definitions are strict: a misspelt key, zero weights or too few levels are refused naming the path', async () => {
  const data = path.join(dir, 'strict.csv');
  writeFileSync(data, 'unit_code,unit_name,A,B,C\nX1,Xã 1,1,2,3\nX2,Xã 2,3,4,5\nX3,Xã 3,5,6,9\n');
  const base = () => ({ code: 'S', _note: 'keys that begin with _ are notes', nodes: [{ code: 'IDX' }, { code: 'P', parent: 'IDX' }, { code: 'Q', parent: 'IDX' },
    { code: 'A', parent: 'P', indicator: true }, { code: 'B', parent: 'P', indicator: true }, { code: 'C', parent: 'Q', indicator: true }] });
  const ok = await run(base(), data);
  assert.equal(ok.code, 0, ok.stderr);
  const cases = [
    [(d) => { d.nodes[3].goalpost = [0, 10]; }, /'nodes\[3\]\.goalpost' is not a field of an index definition/],
    [(d) => { d.options = { normalization: { method: 'zscore' } }; }, /'options\.normalization' is not a field/],
    [(d) => { d.options = { normalisation: { method: 'minmax', hi: 10, capped: true } }; }, /'options\.normalisation\.capped' is not a field/],
    [(d) => { d.options = { treatment: { winmax: 1, kurtosis: 3 } }; }, /'options\.treatment\.kurtosis' is not a field/],
    [(d) => { d.options = { levels: [{ aggregation: 'geometric', weight: 1 }, {}] }; }, /'options\.levels\[0\]\.weight' is not a field/],
    [(d) => { d.tree = d.nodes; }, /'tree' is not a field of an index definition/],
    [(d) => { d.nodes[1].direction = -1; }, /'nodes\[1\]\.direction' belongs to an indicator/],
    [(d) => { d.nodes[3].weight = 0; d.nodes[4].weight = 0; }, /'nodes\[1\]': every child of 'P' has weight 0/],
    [(d) => { d.options = { levels: [{ aggregation: 'geometric' }] }; }, /'options\.levels' gives 1 levels; the tree has 2/],
    [(d) => { d.nodes[3].indicator = 'yes'; }, /'nodes\[3\]\.indicator' must be true or false/],
    [(d) => { d.nodes[2].parent = 7; }, /'nodes\[2\]\.parent' must be text/],
  ];
  for (const [change, message] of cases) {
    const d = base();
    change(d);
    const r = await run(d, data);
    assert.equal(r.code, 1, `${JSON.stringify(d)} should fail`);
    assert.match(r.stderr, message);
  }
  // one weight 0 beside others is a choice, not a mistake
  const d = base();
  d.nodes[3].weight = 0;
  assert.equal((await run(d, data)).code, 0);
});

test('a unit given on two rows is refused naming both lines', async () => {
  const data = path.join(dir, 'dup.csv');
  writeFileSync(data, 'unit_code,unit_name,A,B\nX1,Xã 1,1,2\nX2,Xã 2,3,4\nX3,Xã 3,5,6\nX2,Xã 2 (lần hai),7,8\n');
  const r = await run({ code: 'T', nodes: [{ code: 'IDX' }, { code: 'P', parent: 'IDX' },
    { code: 'A', parent: 'P', indicator: true }, { code: 'B', parent: 'P', indicator: true }] }, data);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /line 5: unit 'X2' is already on line 3/);
});

test('text in a number cell is refused naming its line and column, with no memory error', async () => {
  const def = { code: 'T', nodes: [{ code: 'IDX' }, { code: 'P', parent: 'IDX' },
    { code: 'A', parent: 'P', indicator: true }, { code: 'Bé', parent: 'P', indicator: true }] };
  // a long row first: the reader's buffer grows, and what pointed into it
  // before (the header's names) would be freed memory
  const long = 'Phường '.repeat(800);
  for (const cell of ['0.24x', '"0,24"', '24%', 'n/a']) {
    const data = path.join(dir, `text-${cell.replace(/\W/g, '')}.csv`);
    writeFileSync(data, `unit_code,unit_name,A,Bé\nX1,${long},1,2\nX2,Xã 2,3,4\nX3,Xã 3,5,${cell}\n`);
    const r = await run(def, data);
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /AddressSanitizer|runtime error/, 'no sanitizer report');
    assert.match(r.stderr, new RegExp(`line 4, column 'Bé': '${cell.replace(/"/g, '').replace('.', '\\.')}' is not a number`));
  }
});

test('nq57 index run writes nothing but its result on standard output', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'nq57-index-cwd-'));
  writeFileSync(path.join(work, 'def.json'), JSON.stringify({ code: 'T', nodes: [{ code: 'IDX' }, { code: 'P', parent: 'IDX' },
    { code: 'A', parent: 'P', indicator: true }] }));
  writeFileSync(path.join(work, 'data.csv'), 'unit_code,A\nX1,1\nX2,2\n');
  const env = { ...process.env };
  delete env.NQ57_DB;
  delete env.NQ57_DATA_DIR;
  const r = spawnSync(binary, ['index', 'run', 'def.json', 'data.csv'], { cwd: work, env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^unit_code,unit_name,IDX_score/);
  assert.deepEqual(readdirSync(work).sort(), ['data.csv', 'def.json'], 'no var/ or database left behind');
});
