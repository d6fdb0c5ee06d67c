// The search benchmark's short pass (bench/search.sh, issue 20): 5,000
// listings generated from ../shared/data/vi-text, a fifth in NFD and a
// fifth in old-style tone placement; for 100 queries drawn from the same
// sentences the engine's totals and sector counts equal SQLite's counts
// (FTS5 MATCH over the folded text, GROUP BY sector) over the same rows.
// The full run is 1,000,000 listings (docs/benchmarks.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDir, onPostgres } from '../lib/server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const viText = path.join(root, '..', 'shared', 'data', 'vi-text');
// It uses no database of the suite: it runs once, in the SQLite pass.
const skip = onPostgres ? 'runs once, in the SQLite pass (no database of the suite is used)'
  : existsSync(path.join(viText, 'viwiki_sentences.txt')) ? false : 'needs ../shared/data/vi-text (viwiki_sentences.txt)';

test('search totals and facet counts equal SQL counts over the same generated listings', { skip }, async (t) => {
  const env = { ...process.env, BUILD: buildDir, DOCS: '5000', QUERIES: '100', VI_TEXT: viText };
  const { code, out } = await new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(root, 'bench', 'search.sh')], { env });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => { child.kill('SIGTERM'); reject(new Error(`the benchmark did not end:\n${out}`)); }, 120000);
    child.on('error', reject);
    child.on('close', (c) => { clearTimeout(timer); resolve({ code: c, out }); });
  });
  t.diagnostic(out.split('\n').filter((l) => /^(nq57 index|check)/.test(l)).join(' | '));
  assert.equal(code, 0, out);
  assert.match(out, /nq57 index: 5000 listings/);
  assert.match(out, /check: 100 queries, totals and sector counts against SQL: equal\n/);
  assert.doesNotMatch(out, /differs/);
});
