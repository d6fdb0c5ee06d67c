/* network: a weighted undirected network in compressed sparse row form,
 * the input of Leiden clustering (analytics/leiden.h) and the VOS layout
 * (analytics/vos_layout.h).
 *
 * Each link is stored twice, once from each end: the neighbours of node i
 * are neighbors[first[i] .. first[i+1]) with their weights in the same
 * positions of edge_weights. Built from an edge list, every node's
 * neighbours are in increasing order; a reduced (aggregate) network keeps
 * them in the order they were met. Self links are never stored: their
 * total weight is kept in self_link_weight (a reduced network gathers the
 * links inside each cluster there). Node weights are the sizes of the
 * nodes in the quality functions (1, or a node's total link strength).
 *
 * The operations follow CWTS networkanalysis (Waltman, van Eck, Traag)
 * step by step, so that results equal the reference to the last bit. */
#ifndef NQ57_NETWORK_H
#define NQ57_NETWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct network {
	int n_nodes;
	int64_t n_entries;       /* entries in neighbors: twice the links */
	double *node_weights;    /* n_nodes */
	int64_t *first;          /* n_nodes + 1 */
	int32_t *neighbors;      /* n_entries */
	double *edge_weights;    /* n_entries */
	double self_link_weight;
} network;

typedef struct network_edge {
	int32_t a, b;
	double weight;
} network_edge;

/* How node weights are set when a network is built. */
typedef enum network_node_weights {
	NODE_WEIGHTS_ONE,        /* every node weighs 1 */
	NODE_WEIGHTS_STRENGTH,   /* total weight of the node's links */
} network_node_weights;

typedef enum network_normalisation {
	NORMALISE_NONE,
	NORMALISE_ASSOCIATION,       /* a_ij / (n_i n_j / sum n) */
	NORMALISE_FRACTIONALIZATION, /* a_ij / (2 / (N / n_i + N / n_j)) */
} network_normalisation;

/* Builds *out from n_edges links between nodes 0..n_nodes-1, in any order,
 * each listed once (a link listed again, in either direction, adds its
 * weight to the first); self links are dropped. ERR_INVALID names the
 * first link with a node outside the range or a weight that is negative
 * or not finite; ERR_NOMEM. *out owns its arrays (network_free). */
int network_build(network *out, int n_nodes, const network_edge *edges, size_t n_edges, network_node_weights nw);

/* Frees the arrays of n (the struct itself is the caller's). */
void network_free(network *n);

/* A copy of in with its edge weights normalised as asked and every node
 * weight 1 (NORMALISE_NONE: the same weights, node weights 1). The
 * normalisations use in's node weights, so build in with
 * NODE_WEIGHTS_STRENGTH for the usual meaning. ERR_NOMEM. */
int network_normalise(network *out, const network *in, network_normalisation kind);

/* The aggregate network of a clustering (clusters[i] in 0..n_clusters-1):
 * node c weighs the sum of its nodes' weights, the link between c and d
 * the sum of the links between their nodes; links inside a cluster go to
 * self_link_weight. ERR_NOMEM. */
int network_reduce(network *out, const network *in, const int32_t *clusters, int n_clusters);

/* Total weight of the links, each counted once, self links excluded. */
double network_total_edge_weight(const network *n);
double network_total_node_weight(const network *n);
/* out[i] = total weight of node i's links. */
void network_strengths(const network *n, double *out);

/* "none", "association", "fractionalization" to the kind; -1 otherwise. */
int network_normalisation_parse(const char *name);

#endif
