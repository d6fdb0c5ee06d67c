// The reference side of bench/network.sh: networkanalysis-ts (VOSviewer's
// own engine in TypeScript) on Node, run the way `nq57 network analyse`
// runs: the network file's ids numbered in order of first appearance, node
// weights = link strengths, association-strength normalisation, Leiden
// (CPM) from singletons, then the gradient-descent VOS layout from random
// coordinates, standardised; both from one java.util.Random(seed).
//
//   node bench/network/reference.mjs NETWORK.txt RESOLUTION ITERATIONS RANDOMNESS SEED LAYOUT_ITERATIONS
//
// Prints the same tab-separated figures as the nq57 command (clusters,
// clustering_quality, clustering_seconds, layout_quality, layout_seconds);
// the times (wall and CPU) cover the algorithms only, not reading the file.
import { readFileSync } from 'node:fs';
import JavaRandom from 'java-random';
import { Clustering, GradientDescentVOSLayoutAlgorithm, LeidenAlgorithm, Network } from 'networkanalysis-ts';

const [file, resolution, iterations, randomness, seed, layoutIterations] = process.argv.slice(2);
const ids = new Map();
const from = [], to = [], weights = [];
for (const line of readFileSync(file, 'utf8').split('\n')) {
	if (!line.trim()) continue;
	const [a, b, w] = line.split('\t');
	for (const id of [a, b]) if (!ids.has(id)) ids.set(id, ids.size);
	from.push(ids.get(a));
	to.push(ids.get(b));
	weights.push(w === undefined ? 1 : Number(w));
}
const nNodes = ids.size;
const raw = new Network({ nNodes, setNodeWeightsToTotalEdgeWeights: true, edges: [from, to], edgeWeights: weights, sortedEdges: false, checkIntegrity: false });
const network = raw.createNormalizedNetworkUsingAssociationStrength();
const random = new JavaRandom(Number(seed));
const log = console.log;

const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
let t0 = performance.now(), c0 = cpu();
console.log = () => {};
const leiden = new LeidenAlgorithm();
leiden.initializeBasedOnResolutionAndNIterationsAndRandomnessAndRandom(Number(resolution), Number(iterations), Number(randomness), random);
const clustering = new Clustering({ nNodes });
leiden.improveClustering(network, clustering);
const quality = leiden.calcQuality(network, clustering);
clustering.orderClustersByNNodes();
let t1 = performance.now(), c1 = cpu();

const vos = new GradientDescentVOSLayoutAlgorithm();
vos.initializeBasedOnAttractionAndRepulsionAndEdgeWeightIncrementAndMaxNIterationsAndInitialStepSizeAndMinStepSizeAndStepSizeReductionAndRequiredNQualityValueImprovementsAndRandom(
	2, 1, 0, Number(layoutIterations), 1, 0.001, 0.75, 5, random);
const layout = vos.findLayout(network);
layout.standardize(true);
const layoutQuality = vos.calcQuality(network, layout);
let t2 = performance.now(), c2 = cpu();
console.log = log;

console.log(`nodes\t${nNodes}\nlinks\t${network.getNEdges()}`);
console.log(`clusters\t${clustering.getNClusters()}\nclustering_quality\t${quality}\nclustering_seconds\t${((t1 - t0) / 1000).toFixed(6)}`);
console.log(`clustering_cpu_seconds\t${(c1 - c0).toFixed(6)}`);
console.log(`layout_quality\t${layoutQuality}\nlayout_seconds\t${((t2 - t1) / 1000).toFixed(6)}`);
console.log(`layout_cpu_seconds\t${(c2 - c1).toFixed(6)}`);
