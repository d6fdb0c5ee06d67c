#!/usr/bin/env node
// Generates the data of bench/bibliometrics.sh in OUT_DIR, seeded (the same
// files every run): WORKS publications in OpenAlex's JSON Lines shape
// (works.jsonl; about 3 authorships each, an institution per authorship,
// some with two), a registry of ORGS organisations carrying the OpenAlex
// ids of part of the institutions (registry.json, for `nq57 registry
// load`), and the same works flattened to CSV rows in the columns of
// nq57's tables work, work_author and work_affiliation, as the import
// stores them (work.csv, work_author.csv, work_affiliation.csv) for the
// sqlite3 shell's .import. Invented: no record is real.
//   node bench/bibliometrics/gen.mjs OUT_DIR [WORKS] [ORGS]
import { openSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [out, worksArg, orgsArg] = process.argv.slice(2);
if (!out) {
  console.error('usage: node bench/bibliometrics/gen.mjs OUT_DIR [WORKS] [ORGS]');
  process.exit(2);
}
const N = Number(worksArg || 1000000);
const ORGS = Number(orgsArg || 1000);
const INSTITUTIONS = ORGS * 5;

let seed = 2015;
function random() {   // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const between = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));

const COUNTRIES = ['VN', 'VN', 'VN', 'US', 'GB', 'JP', 'KR', 'SG', 'FR', 'DE', 'CN', 'AU'];
const TYPES = ['education', 'education', 'facility', 'company', 'government', 'healthcare', 'nonprofit'];
const institutions = Array.from({ length: INSTITUTIONS }, (_, i) => ({
  id: `I${1000000 + i}`, name: `Institution ${i} of Science and Technology`, country: COUNTRIES[i % COUNTRIES.length],
  type: TYPES[i % TYPES.length], ror: i % 3 === 0 ? `0${(100000 + i).toString(36).slice(-6)}${String(i % 100).padStart(2, '0')}` : '',
  org: i % 5 === 0 ? i / 5 + 1 : 0,   // every fifth is a registry organisation (ids in load order)
}));
writeFileSync(path.join(out, 'registry.json'), JSON.stringify({ organisations: institutions.filter((x) => x.org).map((x) => ({
  key: `o${x.org}`, kind: 'university', name: x.name, openalex_id: x.id })) }));

const FIELDS = [['17', 'Computer Science'], ['22', 'Engineering'], ['25', 'Materials Science'], ['27', 'Medicine'], ['23', 'Environmental Science'],
  ['31', 'Physics and Astronomy'], ['16', 'Chemistry'], ['26', 'Mathematics'], ['11', 'Agricultural and Biological Sciences'], ['13', 'Biochemistry, Genetics and Molecular Biology']];
const WORDS = ['learning', 'networks', 'materials', 'sensors', 'models', 'analysis', 'water', 'energy', 'health', 'data', 'control', 'design'];

const files = Object.fromEntries(['works.jsonl', 'work.csv', 'work_author.csv', 'work_affiliation.csv'].map((f) => [f, { fd: openSync(path.join(out, f), 'w'), buf: [] }]));
const put = (f, line) => {
  const o = files[f];
  o.buf.push(line);
  if (o.buf.length >= 4096) { writeSync(o.fd, `${o.buf.join('\n')}\n`); o.buf = []; }
};
const csv = (v) => (v === null || v === undefined ? '' : typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v));
const row = (cells) => cells.map(csv).join(',');
const NOW = '2026-12-07T00:00:00Z';

let affId = 0, nAuthors = 0;
for (let w = 1; w <= N; w++) {
  const [fid, fname] = FIELDS[w % FIELDS.length];
  const year = 2015 + (w % 11);
  const title = `On ${WORDS[w % 12]} and ${WORDS[(w * 7) % 12]} ${w}`;
  const pct = random();
  const oa = pct < 0.4;
  const n = between(1, 5);
  const authorships = [];
  for (let k = 0; k < n; k++) {
    const insts = [institutions[Math.floor(random() ** 2 * INSTITUTIONS)]];
    if (random() < 0.1) insts.push(institutions[Math.floor(random() * INSTITUTIONS)]);
    const uniq = insts.filter((x, j) => insts.indexOf(x) === j);
    const aid = `A${5000000 + ((w * 31 + k) % 2000000)}`;
    authorships.push({ author_position: k === 0 ? 'first' : k === n - 1 ? 'last' : 'middle',
      author: { id: `https://openalex.org/${aid}`, display_name: `Author ${aid}`, orcid: null },
      institutions: uniq.map((x) => ({ id: `https://openalex.org/${x.id}`, display_name: x.name, ror: x.ror ? `https://ror.org/${x.ror}` : null, country_code: x.country, type: x.type })),
      countries: [...new Set(uniq.map((x) => x.country))], is_corresponding: k === 0 });
    put('work_author.csv', row([w, k, `Author ${aid}`, '', aid, [...new Set(uniq.map((x) => x.country))].join(','), k === 0 ? 1 : 0]));
    nAuthors++;
    for (const x of uniq)
      put('work_affiliation.csv', row([++affId, w, k, x.id, x.ror || null, x.name, x.name.toLowerCase(), x.country, x.type, x.org || null, x.org ? 'openalex' : null]));
  }
  const fwci = Math.round(pct * pct * 400) / 100;
  const cited = Math.floor(pct * pct * 60);
  const work = { id: `https://openalex.org/W${100000000 + w}`, doi: `https://doi.org/10.5555/bench.${w}`, title, publication_year: year,
    type: 'article', language: 'en', primary_location: { source: { display_name: `Journal ${w % 500}` } },
    open_access: { is_oa: oa, oa_status: oa ? 'gold' : 'closed' }, authorships,
    primary_topic: { subfield: { id: `https://openalex.org/subfields/${fid}01`, display_name: `${fname} (general)` },
      field: { id: `https://openalex.org/fields/${fid}`, display_name: fname }, domain: { id: 'https://openalex.org/domains/3', display_name: 'Physical Sciences' } },
    cited_by_count: cited, fwci, citation_normalized_percentile: { value: pct, is_in_top_1_percent: pct >= 0.99, is_in_top_10_percent: pct >= 0.9 },
    referenced_works_count: between(5, 60) };
  put('works.jsonl', JSON.stringify(work));
  put('work.csv', row([w, `W${100000000 + w}`, `10.5555/bench.${w}`, title, title.toLowerCase(), year, 'article', 'en', `Journal ${w % 500}`,
    fid, fname, `${fid}01`, `${fname} (general)`, '3', 'Physical Sciences', oa ? 1 : 0, oa ? 'gold' : 'closed', cited, fwci, pct,
    pct >= 0.9 ? 1 : 0, pct >= 0.99 ? 1 : 0, work.referenced_works_count, n, 'openalex', null, 0, NOW]));
}
for (const o of Object.values(files)) {
  if (o.buf.length) writeSync(o.fd, `${o.buf.join('\n')}\n`);
  closeSync(o.fd);
}
console.log(`${N} works, ${nAuthors} authorships, ${affId} affiliations, ${ORGS} organisations`);
