/* leiden: Leiden clustering with CPM (see leiden.h). Every step visits
 * nodes, neighbours and clusters in the order of the reference algorithm
 * and draws the same random numbers at the same moments. */
#include "analytics/leiden.h"

#include "util/err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void leiden_defaults(leiden_options *o)
{
	o->resolution = 1;
	o->randomness = 0.01;
	o->n_iterations = 1;
	o->n_random_starts = 1;
}

/* Scratch arrays for one level of the recursion (n = its node count). */
typedef struct leiden_ws {
	double *d1, *d2, *d3, *d4;
	int32_t *i1, *i2, *i3, *i4, *i5, *i6;
	uint8_t *b1;
} leiden_ws;

static void ws_free(leiden_ws *w)
{
	free(w->d1);
	free(w->d2);
	free(w->d3);
	free(w->d4);
	free(w->i1);
	free(w->i2);
	free(w->i3);
	free(w->i4);
	free(w->i5);
	free(w->i6);
	free(w->b1);
}

static int ws_alloc(leiden_ws *w, int n)
{
	size_t m = (size_t)(n > 0 ? n : 1) + 1;
	w->d1 = malloc(m * sizeof(double));
	w->d2 = malloc(m * sizeof(double));
	w->d3 = calloc(m, sizeof(double));
	w->d4 = malloc(m * sizeof(double));
	w->i1 = malloc(m * sizeof(int32_t));
	w->i2 = malloc(m * sizeof(int32_t));
	w->i3 = malloc(m * sizeof(int32_t));
	w->i4 = malloc(m * sizeof(int32_t));
	w->i5 = malloc(m * sizeof(int32_t));
	w->i6 = malloc(m * sizeof(int32_t));
	w->b1 = malloc(m);
	if (!w->d1 || !w->d2 || !w->d3 || !w->d4 || !w->i1 || !w->i2 || !w->i3 || !w->i4 || !w->i5 || !w->i6 || !w->b1) {
		ws_free(w);
		return err_set(ERR_NOMEM, "out of memory clustering %d nodes", n);
	}
	return 0;
}

static void random_permutation(int32_t *p, int n, rng *r)
{
	for (int i = 0; i < n; i++)
		p[i] = i;
	for (int i = 0; i < n; i++) {
		int j = rng_next_int(r, n);
		int32_t k = p[i];
		p[i] = p[j];
		p[j] = k;
	}
}

/* exp(x) as (1 + x/256)^256, as the reference computes it. */
static inline double fast_exp(double x)
{
	if (x < -256.0)
		return 0;
	x = 1.0 + x / 256.0;
	for (int i = 0; i < 8; i++)
		x *= x;
	return x;
}

/* Renumbers non-empty clusters 0.. in the order of their old numbers.
 * map has room for *n_clusters entries. */
static void remove_empty_clusters(int32_t *clusters, int n, int *n_clusters, int32_t *map)
{
	memset(map, 0xff, sizeof(int32_t) * (size_t)*n_clusters);
	for (int i = 0; i < n; i++)
		map[clusters[i]] = 0;
	int k = 0;
	for (int c = 0; c < *n_clusters; c++)
		if (map[c] == 0)
			map[c] = k++;
	for (int i = 0; i < n; i++)
		clusters[i] = map[clusters[i]];
	*n_clusters = k;
}

/* ---- fast local moving ------------------------------------------------ */

static int local_moving(const network *net, int32_t *clusters, int *n_clusters, double res, rng *r, leiden_ws *w)
{
	int n = net->n_nodes;
	if (n <= 1)
		return 0;
	double *cw = w->d1, *ewpc = w->d3;
	int32_t *n_per = w->i1, *unused = w->i2, *order = w->i3, *nbc = w->i4;
	uint8_t *stable = w->b1;
	const double *nw = net->node_weights, *ew = net->edge_weights;
	const int32_t *nb = net->neighbors;
	const int64_t *first = net->first;
	int update = 0;

	memset(cw, 0, sizeof(double) * (size_t)n);
	memset(n_per, 0, sizeof(int32_t) * (size_t)n);
	for (int i = 0; i < n; i++) {
		cw[clusters[i]] += nw[i];
		n_per[clusters[i]]++;
	}
	int n_unused = 0;
	for (int i = n - 1; i >= 0; i--)
		if (n_per[i] == 0)
			unused[n_unused++] = i;
	random_permutation(order, n, r);
	memset(stable, 0, (size_t)n);
	int n_unstable = n, i = 0;
	do {
		int j = order[i], cur = clusters[j];
		double wj = nw[j];
		cw[cur] -= wj;
		if (--n_per[cur] == 0)
			unused[n_unused++] = cur;
		nbc[0] = unused[n_unused - 1];
		int n_nbc = 1;
		for (int64_t k = first[j]; k < first[j + 1]; k++) {
			int l = clusters[nb[k]];
			nbc[n_nbc] = l;            /* kept only if first seen */
			n_nbc += ewpc[l] == 0;
			ewpc[l] += ew[k];
		}
		int best = cur;
		double max_inc = ewpc[cur] - wj * cw[cur] * res;
		for (int k = 0; k < n_nbc; k++) {
			int l = nbc[k];
			double inc = ewpc[l] - wj * cw[l] * res;
			if (inc > max_inc) {
				best = l;
				max_inc = inc;
			}
			ewpc[l] = 0;
		}
		ewpc[cur] = 0;
		cw[best] += wj;
		n_per[best]++;
		if (best == unused[n_unused - 1])
			n_unused--;
		stable[j] = 1;
		n_unstable--;
		if (best != cur) {
			clusters[j] = best;
			if (best >= *n_clusters)
				*n_clusters = best + 1;
			for (int64_t k = first[j]; k < first[j + 1]; k++) {
				int v = nb[k];
				if (stable[v] && clusters[v] != best) {
					stable[v] = 0;
					n_unstable++;
					order[i + n_unstable < n ? i + n_unstable : i + n_unstable - n] = v;
				}
			}
			update = 1;
		}
		i = i < n - 1 ? i + 1 : 0;
	} while (n_unstable > 0);
	if (update)
		remove_empty_clusters(clusters, n, n_clusters, w->i5);
	return update;
}

/* ---- refinement by local merging -------------------------------------- */

/* The subnetwork a cluster induces, as the refinement reads it: node k
 * (0..m-1) is nodes[k] of the parent network and its neighbours inside
 * the cluster are nb[first[k] .. first[k+1]) (positions 0..m-1), in the
 * parent's order, with their weights in w. */
typedef struct subnet {
	int m;
	const int32_t *nodes;
	const int64_t *first;
	const int32_t *nb;
	const double *w;
} subnet;

/* Splits a cluster, given as its subnetwork, into well-connected
 * sub-clusters: sub[k] for node k, *n_sub of them. */
static void local_merging(const network *net, const subnet *s, int32_t *sub, int *n_sub, const leiden_options *o, rng *r,
                          leiden_ws *w)
{
	int m = s->m;
	for (int k = 0; k < m; k++)
		sub[k] = k;
	*n_sub = m;
	if (m <= 1)
		return;
	double *cw = w->d1, *ext = w->d2, *ewpc = w->d3, *cum = w->d4;
	int32_t *order = w->i3, *nbc = w->i4;
	uint8_t *nonsingle = w->b1;
	const double *nw = net->node_weights, *ew = s->w;
	const int32_t *nb = s->nb, *nodes = s->nodes;
	const int64_t *first = s->first;
	double res = o->resolution, total = 0;

	for (int k = 0; k < m; k++) {
		total += nw[nodes[k]];
		cw[k] = nw[nodes[k]];
		double t = 0;
		for (int64_t e = first[k]; e < first[k + 1]; e++)
			t += ew[e];
		ext[k] = t;
		nonsingle[k] = 0;
	}
	random_permutation(order, m, r);
	int update = 0;
	for (int i = 0; i < m; i++) {
		int j = order[i];
		double wj = nw[nodes[j]];
		if (nonsingle[j] || !(ext[j] >= cw[j] * (total - cw[j]) * res))
			continue;
		cw[j] = 0;
		ext[j] = 0;
		nbc[0] = j;
		int n_nbc = 1;
		for (int64_t e = first[j]; e < first[j + 1]; e++) {
			int l = sub[nb[e]];
			nbc[n_nbc] = l;
			n_nbc += ewpc[l] == 0;
			ewpc[l] += ew[e];
		}
		int best = j;
		double max_inc = 0, tot = 0;
		for (int k = 0; k < n_nbc; k++) {
			int l = nbc[k];
			if (ext[l] >= cw[l] * (total - cw[l]) * res) {
				double inc = ewpc[l] - wj * cw[l] * res;
				if (inc > max_inc) {
					best = l;
					max_inc = inc;
				}
				if (inc >= 0)
					tot += fast_exp(inc / o->randomness);
			}
			cum[k] = tot;
			ewpc[l] = 0;
		}
		int chosen;
		if (tot < INFINITY) {
			double x = tot * rng_next_double(r);
			int lo = -1, hi = n_nbc + 1;
			while (lo < hi - 1) {
				int mid = (lo + hi) / 2;
				if (cum[mid] >= x)
					hi = mid;
				else
					lo = mid;
			}
			chosen = nbc[hi];
		} else
			chosen = best;
		cw[chosen] += wj;
		for (int64_t e = first[j]; e < first[j + 1]; e++) {
			if (sub[nb[e]] == chosen)
				ext[chosen] -= ew[e];
			else
				ext[chosen] += ew[e];
		}
		if (chosen != j) {
			sub[j] = chosen;
			nonsingle[chosen] = 1;
			update = 1;
		}
	}
	if (update)
		remove_empty_clusters(sub, m, n_sub, w->i5);
}

/* ---- one iteration, recursively over aggregate networks ---------------- */

/* The refinement's subnetwork lists, kept from one iteration (and level)
 * to the next: large fresh blocks cost a page fault per page touched. */
typedef struct leiden_scratch {
	int32_t *nb;
	double *w;
	int64_t cap;
} leiden_scratch;

static int scratch_reserve(leiden_scratch *sc, int64_t n)
{
	if (n <= sc->cap)
		return 0;
	free(sc->nb);
	free(sc->w);
	sc->nb = malloc(sizeof(int32_t) * (size_t)(n ? n : 1));
	sc->w = malloc(sizeof(double) * (size_t)(n ? n : 1));
	sc->cap = sc->nb && sc->w ? n : 0;
	return sc->cap == n ? 0 : err_set(ERR_NOMEM, "out of memory clustering a network of %lld links", (long long)n / 2);
}

static int leiden_iteration(const network *net, int32_t *clusters, int *n_clusters, const leiden_options *o, rng *r,
                            leiden_scratch *sc)
{
	int n = net->n_nodes, rc;
	leiden_ws w = { 0 };
	int32_t *start = NULL, *nodes = NULL, *refined = NULL, *sub = NULL, *loc = NULL, *reduced_clusters = NULL, *snb;
	int64_t *sfirst = NULL;
	double *sw;
	network reduced = { 0 };
	if ((rc = ws_alloc(&w, n)) < 0)
		return rc;
	int update = local_moving(net, clusters, n_clusters, o->resolution, r, &w);
	if (*n_clusters >= n) {
		rc = update;
		goto done;
	}
	int nc = *n_clusters;
	size_t sz = (size_t)n + 1;
	start = calloc((size_t)nc + 1, sizeof(int32_t));
	nodes = malloc(sz * sizeof(int32_t));
	refined = malloc(sz * sizeof(int32_t));
	sub = malloc(sz * sizeof(int32_t));
	loc = malloc(sz * sizeof(int32_t));
	if (!start || !nodes || !refined || !sub || !loc) {
		rc = err_set(ERR_NOMEM, "out of memory clustering %d nodes", n);
		goto done;
	}
	for (int i = 0; i < n; i++)
		start[clusters[i] + 1]++;
	for (int c = 0; c < nc; c++)
		start[c + 1] += start[c];
	for (int i = 0; i < n; i++)
		nodes[start[clusters[i]]++] = i;
	for (int c = nc; c > 0; c--)
		start[c] = start[c - 1];
	start[0] = 0;

	/* Every cluster's subnetwork at once, in cluster order: the links of
	 * node nodes[p] that stay inside its cluster, kept by a branch-free
	 * compaction (about half the links of a typical node leave it). */
	if ((rc = scratch_reserve(sc, net->n_entries)) < 0)
		goto done;
	snb = sc->nb;
	sw = sc->w;
	sfirst = malloc(sizeof(int64_t) * sz);
	if (!sfirst) {
		rc = err_set(ERR_NOMEM, "out of memory clustering %d nodes", n);
		goto done;
	}
	for (int c = 0; c < nc; c++)
		for (int p = start[c]; p < start[c + 1]; p++)
			loc[nodes[p]] = p - start[c];
	int64_t q = 0;
	for (int p = 0; p < n; p++) {
		int g = nodes[p], c = clusters[g];
		sfirst[p] = q;
		for (int64_t e = net->first[g]; e < net->first[g + 1]; e++) {
			int v = net->neighbors[e];
			snb[q] = loc[v];
			sw[q] = net->edge_weights[e];
			q += clusters[v] == c;
		}
	}
	sfirst[n] = q;
	int n_refined = 0;
	for (int c = 0; c < nc; c++) {
		int n_sub;
		subnet s = { start[c + 1] - start[c], nodes + start[c], sfirst + start[c], snb, sw };
		local_merging(net, &s, sub, &n_sub, o, r, &w);
		for (int k = 0; k < s.m; k++)
			refined[s.nodes[k]] = n_refined + sub[k];
		n_refined += n_sub;
	}
	free(sfirst);
	sfirst = NULL;
	int n_reduced_clusters;
	if (n_refined < n) {
		if ((rc = network_reduce(&reduced, net, refined, n_refined)) < 0)
			goto done;
		reduced_clusters = malloc(sizeof(int32_t) * (size_t)(n_refined ? n_refined : 1));
		if (!reduced_clusters) {
			rc = err_set(ERR_NOMEM, "out of memory clustering %d nodes", n);
			goto done;
		}
		for (int i = 0; i < n; i++)
			reduced_clusters[refined[i]] = clusters[i];
		n_reduced_clusters = nc;
		memcpy(clusters, refined, sizeof(int32_t) * (size_t)n);
		*n_clusters = n_refined;
	} else {
		if ((rc = network_reduce(&reduced, net, clusters, nc)) < 0)
			goto done;
		reduced_clusters = malloc(sizeof(int32_t) * (size_t)(nc ? nc : 1));
		if (!reduced_clusters) {
			rc = err_set(ERR_NOMEM, "out of memory clustering %d nodes", n);
			goto done;
		}
		for (int c = 0; c < nc; c++)
			reduced_clusters[c] = c;
		n_reduced_clusters = nc;
	}
	ws_free(&w);
	memset(&w, 0, sizeof(w));
	free(start);
	free(nodes);
	free(sub);
	free(loc);
	free(refined);
	start = nodes = sub = loc = refined = NULL;
	if ((rc = leiden_iteration(&reduced, reduced_clusters, &n_reduced_clusters, o, r, sc)) < 0)
		goto done;
	update |= rc;
	for (int i = 0; i < n; i++)
		clusters[i] = reduced_clusters[clusters[i]];
	*n_clusters = n_reduced_clusters;
	rc = update;
done:
	ws_free(&w);
	free(start);
	free(nodes);
	free(refined);
	free(sub);
	free(loc);
	free(reduced_clusters);
	free(sfirst);
	network_free(&reduced);
	return rc;
}

int leiden_improve(int32_t *clusters, int *n_clusters, const network *net, const leiden_options *o, rng *r)
{
	leiden_scratch sc = { 0 };
	int update = 0, rc = 0;
	if (o->n_iterations > 0) {
		for (int i = 0; i < o->n_iterations && rc >= 0; i++)
			if ((rc = leiden_iteration(net, clusters, n_clusters, o, r, &sc)) > 0)
				update = 1;
	} else {
		while ((rc = leiden_iteration(net, clusters, n_clusters, o, r, &sc)) > 0)
			update = 1;
	}
	free(sc.nb);
	free(sc.w);
	return rc < 0 ? rc : update;
}

double leiden_quality(const network *net, const int32_t *clusters, int n_clusters, double resolution)
{
	double q = 0;
	for (int i = 0; i < net->n_nodes; i++) {
		int c = clusters[i];
		for (int64_t k = net->first[i]; k < net->first[i + 1]; k++)
			if (clusters[net->neighbors[k]] == c)
				q += net->edge_weights[k];
	}
	q += net->self_link_weight;
	double *cw = calloc((size_t)(n_clusters > 0 ? n_clusters : 1), sizeof(double));
	if (!cw)
		return NAN;
	for (int i = 0; i < net->n_nodes; i++)
		cw[clusters[i]] += net->node_weights[i];
	for (int c = 0; c < n_clusters; c++)
		q -= cw[c] * cw[c] * resolution;
	free(cw);
	return q / (2 * network_total_edge_weight(net) + net->self_link_weight);
}

double leiden_modularity_resolution(const network *net, double resolution)
{
	return resolution / (2 * network_total_edge_weight(net) + net->self_link_weight);
}

typedef struct cluster_rank {
	int cluster;
	double weight;
} cluster_rank;

static int rank_cmp(const void *a, const void *b)
{
	const cluster_rank *x = a, *y = b;
	if (x->weight != y->weight)
		return x->weight < y->weight ? 1 : -1;
	return (x->cluster > y->cluster) - (x->cluster < y->cluster);
}

void leiden_order_clusters(int32_t *clusters, int n_nodes, int *n_clusters, const double *weights)
{
	int nc = *n_clusters;
	if (nc <= 0)
		return;
	cluster_rank *rank = calloc((size_t)nc, sizeof(*rank));
	int32_t *map = calloc((size_t)nc, sizeof(int32_t));
	if (!rank || !map) {
		free(rank);
		free(map);
		return;
	}
	for (int c = 0; c < nc; c++)
		rank[c].cluster = c;
	for (int i = 0; i < n_nodes; i++)
		rank[clusters[i]].weight += weights ? weights[i] : 1;
	qsort(rank, (size_t)nc, sizeof(*rank), rank_cmp);
	int i = 0;
	do {
		map[rank[i].cluster] = i;
		i++;
	} while (i < nc && rank[i].weight > 0);
	*n_clusters = i;
	for (int k = 0; k < n_nodes; k++)
		clusters[k] = map[clusters[k]];
	free(rank);
	free(map);
}

int leiden_cluster(int32_t *clusters, int *n_clusters, double *quality, const network *net, const leiden_options *o, rng *r)
{
	if (!(o->randomness > 0) || !isfinite(o->resolution) || o->n_iterations < 0 || o->n_random_starts < 1)
		return err_set(ERR_INVALID, "clustering needs a randomness above 0, a finite resolution, iterations >= 0 and at least one start");
	int n = net->n_nodes, rc = 0;
	int32_t *trial = malloc(sizeof(int32_t) * (size_t)(n ? n : 1));
	if (!trial)
		return err_set(ERR_NOMEM, "out of memory clustering %d nodes", n);
	double best_q = -INFINITY;
	for (int s = 0; s < o->n_random_starts; s++) {
		int nc = n;
		for (int i = 0; i < n; i++)
			trial[i] = i;
		if ((rc = leiden_improve(trial, &nc, net, o, r)) < 0)
			break;
		rc = 0;
		double q = leiden_quality(net, trial, nc, o->resolution);
		if (s == 0 || q > best_q) {
			best_q = q;
			memcpy(clusters, trial, sizeof(int32_t) * (size_t)n);
			*n_clusters = nc;
		}
	}
	free(trial);
	if (rc < 0)
		return rc;
	leiden_order_clusters(clusters, n, n_clusters, NULL);
	if (quality)
		*quality = leiden_quality(net, clusters, *n_clusters, o->resolution);
	return 0;
}
