// A seeded collaboration-like network for bench/network.sh: NODES nodes in
// communities of COMMUNITY nodes, LINKS distinct links, half inside a
// community and half anywhere, weights 1-5; written as a VOSviewer network
// file (id1, id2, strength) to standard output.
//
//   node bench/network/generate.mjs NODES LINKS COMMUNITY SEED > network.txt
const [nodes, links, community, seed] = process.argv.slice(2).map(Number);
let s = BigInt(seed) || 1n;
const mask = (1n << 64n) - 1n;
// xorshift64*, in BigInt for a portable seeded stream; 32-bit results.
function next() {
	s ^= s >> 12n; s ^= (s << 25n) & mask; s ^= s >> 27n;
	return Number(((s * 2685821657736338717n) & mask) >> 32n);
}
const seen = new Set();
const out = [];
while (seen.size < links) {
	const a = next() % nodes;
	let b;
	if (next() % 2 === 0) {
		const base = a - (a % community);
		b = base + (next() % Math.min(community, nodes - base));
	} else b = next() % nodes;
	if (a === b) continue;
	const key = a < b ? a * nodes + b : b * nodes + a;
	if (seen.has(key)) continue;
	seen.add(key);
	out.push(`${a + 1}\t${b + 1}\t${1 + (next() % 5)}`);
	if (out.length >= 100000) { process.stdout.write(out.join('\n') + '\n'); out.length = 0; }
}
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
