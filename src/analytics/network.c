/* network: building, normalising and reducing weighted networks in CSR
 * form (see network.h). */
#include "analytics/network.h"

#include "util/err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void network_free(network *n)
{
	if (!n)
		return;
	free(n->node_weights);
	free(n->first);
	free(n->neighbors);
	free(n->edge_weights);
	memset(n, 0, sizeof(*n));
}

static int network__alloc(network *n, int n_nodes, int64_t n_entries)
{
	memset(n, 0, sizeof(*n));
	n->n_nodes = n_nodes;
	n->n_entries = n_entries;
	n->node_weights = malloc(sizeof(double) * (size_t)(n_nodes > 0 ? n_nodes : 1));
	n->first = calloc((size_t)n_nodes + 1, sizeof(int64_t));
	n->neighbors = malloc(sizeof(int32_t) * (size_t)(n_entries > 0 ? n_entries : 1));
	n->edge_weights = malloc(sizeof(double) * (size_t)(n_entries > 0 ? n_entries : 1));
	if (!n->node_weights || !n->first || !n->neighbors || !n->edge_weights) {
		network_free(n);
		return err_set(ERR_NOMEM, "out of memory for a network of %d nodes", n_nodes);
	}
	return 0;
}

void network_strengths(const network *n, double *out)
{
	for (int i = 0; i < n->n_nodes; i++) {
		double s = 0;
		for (int64_t k = n->first[i]; k < n->first[i + 1]; k++)
			s += n->edge_weights[k];
		out[i] = s;
	}
}

double network_total_edge_weight(const network *n)
{
	double s = 0;
	for (int64_t k = 0; k < n->n_entries; k++)
		s += n->edge_weights[k];
	return s / 2;
}

double network_total_node_weight(const network *n)
{
	double s = 0;
	for (int i = 0; i < n->n_nodes; i++)
		s += n->node_weights[i];
	return s;
}

/* Two passes of a counting sort: entries (u -> v) are first bucketed by v,
 * then appended to u's list bucket by bucket, so that every list comes out
 * ordered by neighbour, with repeated links side by side in input order. */
int network_build(network *out, int n_nodes, const network_edge *edges, size_t n_edges, network_node_weights nw)
{
	int rc;
	if (n_nodes < 0)
		return err_set(ERR_INVALID, "a network cannot have %d nodes", n_nodes);
	int64_t n_entries = 0;
	for (size_t e = 0; e < n_edges; e++) {
		const network_edge *x = &edges[e];
		if (x->a < 0 || x->a >= n_nodes || x->b < 0 || x->b >= n_nodes)
			return err_set(ERR_INVALID, "link %zu joins a node outside 0..%d", e + 1, n_nodes - 1);
		if (!isfinite(x->weight) || x->weight < 0)
			return err_set(ERR_INVALID, "link %zu has a weight that is negative or not a number", e + 1);
		if (x->a != x->b)
			n_entries += 2;
	}
	if ((rc = network__alloc(out, n_nodes, n_entries)) < 0)
		return rc;
	int64_t *by_v = calloc((size_t)n_nodes + 1, sizeof(int64_t));
	int32_t *tmp_u = malloc(sizeof(int32_t) * (size_t)(n_entries ? n_entries : 1));
	double *tmp_w = malloc(sizeof(double) * (size_t)(n_entries ? n_entries : 1));
	int64_t *fill = malloc(sizeof(int64_t) * ((size_t)n_nodes + 1));
	if (!by_v || !tmp_u || !tmp_w || !fill) {
		rc = err_set(ERR_NOMEM, "out of memory for a network of %d nodes", n_nodes);
		goto done;
	}
	for (size_t e = 0; e < n_edges; e++)
		if (edges[e].a != edges[e].b) {
			by_v[edges[e].b + 1]++;
			by_v[edges[e].a + 1]++;
			out->first[edges[e].a + 1]++;
			out->first[edges[e].b + 1]++;
		}
	for (int i = 0; i < n_nodes; i++) {
		by_v[i + 1] += by_v[i];
		out->first[i + 1] += out->first[i];
	}
	memcpy(fill, by_v, sizeof(int64_t) * ((size_t)n_nodes + 1));
	for (size_t e = 0; e < n_edges; e++) {
		const network_edge *x = &edges[e];
		if (x->a == x->b)
			continue;
		tmp_u[fill[x->b]] = x->a;
		tmp_w[fill[x->b]++] = x->weight;
		tmp_u[fill[x->a]] = x->b;
		tmp_w[fill[x->a]++] = x->weight;
	}
	memcpy(fill, out->first, sizeof(int64_t) * ((size_t)n_nodes + 1));
	for (int v = 0; v < n_nodes; v++)
		for (int64_t k = by_v[v]; k < by_v[v + 1]; k++) {
			int32_t u = tmp_u[k];
			out->neighbors[fill[u]] = v;
			out->edge_weights[fill[u]++] = tmp_w[k];
		}
	/* Merge repeated links: equal neighbours are adjacent in each list. */
	int64_t w = 0;
	for (int i = 0; i < n_nodes; i++) {
		int64_t start = w;
		for (int64_t k = out->first[i]; k < out->first[i + 1]; k++) {
			if (w > start && out->neighbors[w - 1] == out->neighbors[k])
				out->edge_weights[w - 1] += out->edge_weights[k];
			else {
				out->neighbors[w] = out->neighbors[k];
				out->edge_weights[w++] = out->edge_weights[k];
			}
		}
		out->first[i] = start;
	}
	out->first[n_nodes] = w;
	out->n_entries = w;
	if (nw == NODE_WEIGHTS_STRENGTH)
		network_strengths(out, out->node_weights);
	else
		for (int i = 0; i < n_nodes; i++)
			out->node_weights[i] = 1;
	rc = 0;
done:
	free(by_v);
	free(tmp_u);
	free(tmp_w);
	free(fill);
	if (rc < 0)
		network_free(out);
	return rc;
}

int network_normalise(network *out, const network *in, network_normalisation kind)
{
	int rc;
	if ((rc = network__alloc(out, in->n_nodes, in->n_entries)) < 0)
		return rc;
	memcpy(out->first, in->first, sizeof(int64_t) * ((size_t)in->n_nodes + 1));
	if (in->n_entries)
		memcpy(out->neighbors, in->neighbors, sizeof(int32_t) * (size_t)in->n_entries);
	double total = network_total_node_weight(in), n = in->n_nodes;
	for (int i = 0; i < in->n_nodes; i++) {
		out->node_weights[i] = 1;
		double wi = in->node_weights[i];
		for (int64_t k = in->first[i]; k < in->first[i + 1]; k++) {
			double wj = in->node_weights[in->neighbors[k]], a = in->edge_weights[k];
			switch (kind) {
			case NORMALISE_ASSOCIATION:
				a = a / ((wi * wj) / total);
				break;
			case NORMALISE_FRACTIONALIZATION:
				a = a / (2 / (n / wi + n / wj));
				break;
			case NORMALISE_NONE:
				break;
			}
			out->edge_weights[k] = a;
		}
	}
	out->self_link_weight = kind == NORMALISE_NONE ? in->self_link_weight : 0;
	return 0;
}

/* Clusters are visited in order and their nodes in increasing order; each
 * cluster's neighbouring clusters are listed in the order first met. */
int network_reduce(network *out, const network *in, const int32_t *clusters, int n_clusters)
{
	int rc = 0;
	int64_t *start = calloc((size_t)n_clusters + 1, sizeof(int64_t));
	int32_t *nodes = malloc(sizeof(int32_t) * (size_t)(in->n_nodes ? in->n_nodes : 1));
	int32_t *nbr = malloc(sizeof(int32_t) * (size_t)(n_clusters ? n_clusters : 1));
	double *acc = calloc((size_t)(n_clusters ? n_clusters : 1), sizeof(double));
	int32_t *tmp_n = malloc(sizeof(int32_t) * (size_t)(in->n_entries ? in->n_entries : 1));
	double *tmp_w = malloc(sizeof(double) * (size_t)(in->n_entries ? in->n_entries : 1));
	memset(out, 0, sizeof(*out));
	if (!start || !nodes || !nbr || !acc || !tmp_n || !tmp_w) {
		rc = err_set(ERR_NOMEM, "out of memory reducing a network of %d nodes", in->n_nodes);
		goto done;
	}
	for (int i = 0; i < in->n_nodes; i++)
		start[clusters[i] + 1]++;
	for (int c = 0; c < n_clusters; c++)
		start[c + 1] += start[c];
	for (int i = 0; i < in->n_nodes; i++)
		nodes[start[clusters[i]]++] = i;
	for (int c = n_clusters; c > 0; c--)
		start[c] = start[c - 1];
	start[0] = 0;

	double *node_w = calloc((size_t)(n_clusters ? n_clusters : 1), sizeof(double));
	int64_t *first = calloc((size_t)n_clusters + 1, sizeof(int64_t));
	if (!node_w || !first) {
		free(node_w);
		free(first);
		rc = err_set(ERR_NOMEM, "out of memory reducing a network of %d nodes", in->n_nodes);
		goto done;
	}
	double self = in->self_link_weight;
	int64_t m = 0;
	for (int c = 0; c < n_clusters; c++) {
		int j = 0;
		for (int64_t p = start[c]; p < start[c + 1]; p++) {
			int l = nodes[p];
			node_w[c] += in->node_weights[l];
			for (int64_t k = in->first[l]; k < in->first[l + 1]; k++) {
				int d = clusters[in->neighbors[k]];
				if (d != c) {
					nbr[j] = d;     /* kept only if first seen */
					j += acc[d] == 0;
					acc[d] += in->edge_weights[k];
				} else
					self += in->edge_weights[k];
			}
		}
		for (int k = 0; k < j; k++) {
			tmp_n[m + k] = nbr[k];
			tmp_w[m + k] = acc[nbr[k]];
			acc[nbr[k]] = 0;
		}
		m += j;
		first[c + 1] = m;
	}
	out->n_nodes = n_clusters;
	out->n_entries = m;
	out->node_weights = node_w;
	out->first = first;
	/* The lists are kept at the input's size: shrinking them would cost a
	 * copy for memory that is freed with the level anyway. */
	out->neighbors = tmp_n;
	out->edge_weights = tmp_w;
	tmp_n = NULL;
	tmp_w = NULL;
	out->self_link_weight = self;
done:
	free(start);
	free(nodes);
	free(nbr);
	free(acc);
	free(tmp_n);
	free(tmp_w);
	return rc;
}

int network_normalisation_parse(const char *name)
{
	if (!strcmp(name, "none"))
		return NORMALISE_NONE;
	if (!strcmp(name, "association") || !strcmp(name, "association-strength"))
		return NORMALISE_ASSOCIATION;
	if (!strcmp(name, "fractionalization") || !strcmp(name, "fractionalisation"))
		return NORMALISE_FRACTIONALIZATION;
	return -1;
}
