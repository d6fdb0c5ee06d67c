/* leiden: Leiden clustering of a network (Traag, Waltman & van Eck 2019)
 * with the CPM quality function, as CWTS networkanalysis runs it: fast
 * local moving of nodes (a queue over a random permutation), refinement of
 * each cluster by randomised local merging, aggregation on the refined
 * clusters, recursively, for a number of iterations.
 *
 * Modularity is CPM on a network whose node weights are the nodes' link
 * strengths, with the resolution divided by 2m + self links: see
 * leiden_modularity_resolution. With the RNG_JAVA source and the same seed
 * the clusters equal the reference implementation's. */
#ifndef NQ57_LEIDEN_H
#define NQ57_LEIDEN_H

#include "analytics/javarandom.h"
#include "analytics/network.h"

typedef struct leiden_options {
	double resolution;   /* CPM resolution (already scaled for modularity) */
	double randomness;   /* of the refinement's choices, > 0; default 0.01 */
	int n_iterations;    /* > 0: that many; 0: until nothing improves */
	int n_random_starts; /* the best of this many runs (>= 1) */
} leiden_options;

/* resolution 1, randomness 0.01, 1 iteration, 1 start. */
void leiden_defaults(leiden_options *o);

/* Clusters net. clusters (n_nodes) receives each node's cluster, numbered
 * by decreasing size (number of nodes, ties by first appearance), and
 * *n_clusters their count; *quality (may be NULL) the CPM quality at the
 * options' resolution. Each start draws from r in turn. ERR_INVALID for
 * bad options; ERR_NOMEM. */
int leiden_cluster(int32_t *clusters, int *n_clusters, double *quality, const network *net, const leiden_options *o, rng *r);

/* One or more iterations improving an existing clustering in place
 * (clusters in 0..*n_clusters-1); returns 1 if it changed, 0 if not, or a
 * negative ERR_*. The numbering afterwards is the algorithm's own. */
int leiden_improve(int32_t *clusters, int *n_clusters, const network *net, const leiden_options *o, rng *r);

/* CPM quality: (sum of link weights inside clusters, both directions, +
 * self links - resolution * sum over clusters of (node weight)^2) / (2m +
 * self links). */
double leiden_quality(const network *net, const int32_t *clusters, int n_clusters, double resolution);

/* The CPM resolution that gives modularity at `resolution` on a network
 * whose node weights are link strengths: resolution / (2m + self links). */
double leiden_modularity_resolution(const network *net, double resolution);

/* Renumbers clusters by decreasing total weight (weights NULL: number of
 * nodes), ties keeping their order, dropping empty clusters. */
void leiden_order_clusters(int32_t *clusters, int n_nodes, int *n_clusters, const double *weights);

#endif
