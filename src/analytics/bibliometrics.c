/* bibliometrics: Leiden-style indicators over arrays of publications and
 * their affiliations (see bibliometrics.h for the definitions). */
#include "analytics/bibliometrics.h"
#include "util/err.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---- checks ---- */

int biblio_check(const biblio_input *in)
{
	if (in->n_orgs < 0)
		return err_set(ERR_INVALID, "organisation count %d is negative", (int)in->n_orgs);
	for (size_t p = 0; p < in->n_pubs; p++) {
		const biblio_pub *b = &in->pubs[p];
		if (b->n_authors < 1)
			return err_set(ERR_INVALID, "publication %zu has no author", p);
		if (!(b->citations >= 0) || !isfinite(b->citations))
			return err_set(ERR_INVALID, "publication %zu has citations %g", p, b->citations);
		if ((size_t)b->first + b->n > in->n_affils || (size_t)b->first + b->n < b->first)
			return err_set(ERR_INVALID, "publication %zu has affiliations beyond the input", p);
		int32_t prev = -1;
		for (uint32_t k = 0; k < b->n; k++) {
			const biblio_affil *a = &in->affils[b->first + k];
			if (a->author < 0 || a->author >= b->n_authors)
				return err_set(ERR_INVALID, "publication %zu has an affiliation of author %d of %d",
					p, (int)a->author, (int)b->n_authors);
			if (a->author < prev)
				return err_set(ERR_INVALID, "publication %zu lists author %d apart from the others",
					p, (int)a->author);
			prev = a->author;
			if (a->org < -1 || a->org >= in->n_orgs)
				return err_set(ERR_INVALID, "publication %zu names organisation %d of %d",
					p, (int)a->org, (int)in->n_orgs);
		}
	}
	return 0;
}

int biblio_counting_parse(const char *name)
{
	if (name && strcmp(name, "full") == 0)
		return BIBLIO_FULL;
	if (name && strcmp(name, "fractional") == 0)
		return BIBLIO_FRACTIONAL;
	return -1;
}

const char *biblio_counting_name(biblio_counting c)
{
	return c == BIBLIO_FRACTIONAL ? "fractional" : "full";
}

double biblio_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	const double r = M_PI / 180;
	double dlat = (lat2 - lat1) * r, dlon = (lon2 - lon1) * r;
	double s1 = sin(dlat / 2), s2 = sin(dlon / 2);
	double h = s1 * s1 + cos(lat1 * r) * cos(lat2 * r) * s2 * s2;
	if (h > 1)
		h = 1;
	return 2 * 6371.0 * asin(sqrt(h));
}

/* Runs the statements for each affiliation k of publication b with its
 * share: the author's 1 / n_authors split over the author's affiliations. */
#define FOR_EACH_SHARE(in, b, k, share, ...) \
	do { \
		uint32_t k_ = 0; \
		while (k_ < (b)->n) { \
			uint32_t end_ = k_ + 1; \
			int32_t au_ = (in)->affils[(b)->first + k_].author; \
			while (end_ < (b)->n && (in)->affils[(b)->first + end_].author == au_) \
				end_++; \
			double share = 1.0 / ((double)(b)->n_authors * (end_ - k_)); \
			for (uint32_t k = k_; k < end_; k++) { __VA_ARGS__ } \
			k_ = end_; \
		} \
	} while (0)

void biblio_pub_org_weights(const biblio_input *in, size_t p,
	void (*fn)(void *ctx, int32_t org, double weight), void *ctx)
{
	const biblio_pub *b = &in->pubs[p];
	/* a publication has few organisations: merge them by a linear scan */
	int32_t orgs[64];
	double w[64];
	int n = 0;
	FOR_EACH_SHARE(in, b, k, share, {
		int32_t o = in->affils[b->first + k].org;
		if (o >= 0) {
			int i = 0;
			while (i < n && orgs[i] != o)
				i++;
			if (i == n) {
				if (n == 64) {
					for (int j = 0; j < n; j++)
						fn(ctx, orgs[j], w[j]);
					n = 0;
					i = 0;
				}
				orgs[n] = o;
				w[n++] = 0;
			}
			w[i] += share;
		}
	});
	for (int j = 0; j < n; j++)
		fn(ctx, orgs[j], w[j]);
}

/* ---- per publication: collaboration and distance ---- */

typedef struct place {
	int32_t inst;
	double lat, lon;
} place;

static int place_cmp(const void *a, const void *b)
{
	const place *x = a, *y = b;
	return (x->inst > y->inst) - (x->inst < y->inst);
}

/* Collaboration flags and GCD of publication b; scratch holds b->n places. */
static void pub_collab(biblio_pubstat *s, const biblio_input *in, const biblio_pub *b, place *scratch)
{
	int n_inst = 0, all_located = 1;
	const char *country = NULL;
	s->industry = false;
	s->int_collab = false;
	for (uint32_t k = 0; k < b->n; k++) {
		const biblio_affil *a = &in->affils[b->first + k];
		if (a->industry)
			s->industry = true;
		if (a->country[0]) {
			if (!country)
				country = a->country;
			else if (strncmp(country, a->country, 2) != 0)
				s->int_collab = true;
		}
		if (a->inst < 0)
			continue;
		scratch[n_inst].inst = a->inst;
		scratch[n_inst].lat = a->lat;
		scratch[n_inst].lon = a->lon;
		n_inst++;
	}
	if (n_inst > 1)
		qsort(scratch, (size_t)n_inst, sizeof *scratch, place_cmp);
	int m = 0;
	for (int i = 0; i < n_inst; i++) {
		if (m > 0 && scratch[m - 1].inst == scratch[i].inst) {
			if (isnan(scratch[m - 1].lat) && !isnan(scratch[i].lat))
				scratch[m - 1] = scratch[i];
			continue;
		}
		scratch[m++] = scratch[i];
	}
	for (int i = 0; i < m; i++)
		if (isnan(scratch[i].lat) || isnan(scratch[i].lon))
			all_located = 0;
	s->collab = m > 1 || s->int_collab;
	if (m <= 1 && !s->int_collab)
		s->gcd = 0;
	else if (!all_located || m < 2)
		s->gcd = NAN;
	else {
		double d = 0;
		for (int i = 0; i < m; i++)
			for (int j = i + 1; j < m; j++) {
				double x = biblio_distance_km(scratch[i].lat, scratch[i].lon, scratch[j].lat, scratch[j].lon);
				if (x > d)
					d = x;
			}
		s->gcd = d;
	}
}

/* ---- per publication: normalisation and top classes ---- */

typedef struct ranked {
	int32_t field, year;
	double citations;
	size_t pub;
} ranked;

static int ranked_cmp(const void *a, const void *b)
{
	const ranked *x = a, *y = b;
	if (x->field != y->field)
		return x->field < y->field ? -1 : 1;
	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	if (x->citations != y->citations)
		return x->citations > y->citations ? -1 : 1;
	return (x->pub > y->pub) - (x->pub < y->pub);
}

static const double top_share[BIBLIO_N_TOP] = { 0.01, 0.10, 0.50 };

/* NCS and top values of the field and year r[0 .. n), sorted by
 * citations descending. */
static void normalise_class(biblio_pubstat *out, const ranked *r, size_t n)
{
	double v = 0, vc = 0;
	for (size_t i = 0; i < n; i++) {
		v += out[r[i].pub].weight;
		vc += out[r[i].pub].weight * r[i].citations;
	}
	double mean = v > 0 ? vc / v : 0;
	double above = 0;
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		double tie = 0;
		while (j < n && r[j].citations == r[i].citations)
			tie += out[r[j++].pub].weight;
		double t[BIBLIO_N_TOP];
		for (int x = 0; x < BIBLIO_N_TOP; x++) {
			double need = top_share[x] * v - above;
			if (tie <= 0)
				t[x] = need > 0 ? 1 : 0;
			else
				t[x] = need <= 0 ? 0 : need >= tie ? 1 : need / tie;
		}
		for (size_t k = i; k < j; k++) {
			biblio_pubstat *s = &out[r[k].pub];
			s->ncs = mean > 0 ? r[k].citations / mean : 1;
			memcpy(s->top, t, sizeof t);
		}
		above += tie;
		i = j;
	}
}

int biblio_prepare(biblio_pubstat *out, const biblio_input *in, biblio_counting counting)
{
	int rc;
	if ((rc = biblio_check(in)) < 0)
		return rc;
	size_t n_counted = 0;
	uint32_t max_n = 0;
	for (size_t p = 0; p < in->n_pubs; p++) {
		n_counted += in->pubs[p].counted;
		if (in->pubs[p].n > max_n)
			max_n = in->pubs[p].n;
	}
	ranked *r = malloc((n_counted ? n_counted : 1) * sizeof *r);
	place *scratch = malloc((max_n ? max_n : 1) * sizeof *scratch);
	if (!r || !scratch) {
		free(r);
		free(scratch);
		return err_set(ERR_NOMEM, "out of memory for %zu publications", in->n_pubs);
	}
	size_t m = 0;
	for (size_t p = 0; p < in->n_pubs; p++) {
		const biblio_pub *b = &in->pubs[p];
		biblio_pubstat *s = &out[p];
		memset(s, 0, sizeof *s);
		if (!b->counted)
			continue;
		if (counting == BIBLIO_FULL)
			s->weight = 1;
		else {
			double w = 0;
			FOR_EACH_SHARE(in, b, k, share, { (void)k; w += share; });
			s->weight = w;
		}
		pub_collab(s, in, b, scratch);
		r[m++] = (ranked){ b->field, b->year, b->citations, p };
	}
	qsort(r, m, sizeof *r, ranked_cmp);
	size_t i = 0;
	while (i < m) {
		size_t j = i + 1;
		while (j < m && r[j].field == r[i].field && r[j].year == r[i].year)
			j++;
		normalise_class(out, r + i, j - i);
		i = j;
	}
	free(r);
	free(scratch);
	return 0;
}

/* ---- grouping: the cells' publications and weights ---- */

typedef struct contrib {
	uint32_t cell;
	uint32_t pub;
	double weight;
} contrib;

typedef struct vec {
	contrib *v;
	size_t n, cap;
} vec;

static int vec_push(vec *x, contrib c)
{
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 1024;
		contrib *v = realloc(x->v, cap * sizeof *v);
		if (!v)
			return err_set(ERR_NOMEM, "out of memory for %zu contributions", cap);
		x->v = v;
		x->cap = cap;
	}
	x->v[x->n++] = c;
	return 0;
}

typedef struct rowshare {
	int32_t row, org;
	double w;
} rowshare;

static int rowshare_cmp(const void *a, const void *b)
{
	const rowshare *x = a, *y = b;
	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	return (x->org > y->org) - (x->org < y->org);
}

/* The cells' contributions in cell order (CSR: start[cell] .. start[cell
 * + 1]) and, when seen is not NULL, seen[org * n_cols + col] set for
 * every organisation with a publication in a column. */
static int group(contrib **out, size_t *start, uint8_t *seen, const biblio_input *in,
	const biblio_pubstat *st, const biblio_grouping *g, biblio_counting counting)
{
	size_t n_cells = (size_t)g->n_rows * (size_t)g->n_cols;
	uint32_t max_n = 0;
	for (size_t p = 0; p < in->n_pubs; p++)
		if (in->pubs[p].n > max_n)
			max_n = in->pubs[p].n;
	rowshare *rs = malloc((max_n ? max_n : 1) * sizeof *rs);
	vec all = { 0 };
	int rc = 0;
	if (!rs) {
		rc = err_set(ERR_NOMEM, "out of memory for %u affiliations", max_n);
		goto done;
	}
	for (size_t p = 0; p < in->n_pubs && rc == 0; p++) {
		const biblio_pub *b = &in->pubs[p];
		int32_t col = g->pub_col ? g->pub_col[p] : 0;
		if (!b->counted || col < 0 || st[p].weight <= 0)
			continue;
		size_t n = 0;
		FOR_EACH_SHARE(in, b, k, share, {
			int32_t o = in->affils[b->first + k].org;
			int32_t row = o < 0 ? -1 : g->org_row ? g->org_row[o] : o;
			if (row >= 0)
				rs[n++] = (rowshare){ row, o, share };
		});
		if (n > 1)
			qsort(rs, n, sizeof *rs, rowshare_cmp);
		size_t i = 0;
		while (i < n && rc == 0) {
			double w = 0;
			size_t j = i;
			for (; j < n && rs[j].row == rs[i].row; j++) {
				w += rs[j].w;
				if (seen)
					seen[(size_t)rs[j].org * (size_t)g->n_cols + (size_t)col] = 1;
			}
			contrib c = { (uint32_t)((size_t)rs[i].row * (size_t)g->n_cols + (size_t)col), (uint32_t)p,
				counting == BIBLIO_FULL ? 1 : w };
			rc = vec_push(&all, c);
			i = j;
		}
	}
	if (rc < 0)
		goto done;
	memset(start, 0, (n_cells + 1) * sizeof *start);
	for (size_t i = 0; i < all.n; i++)
		start[all.v[i].cell + 1]++;
	for (size_t c = 0; c < n_cells; c++)
		start[c + 1] += start[c];
	contrib *sorted = malloc((all.n ? all.n : 1) * sizeof *sorted);
	size_t *fill = malloc((n_cells ? n_cells : 1) * sizeof *fill);
	if (!sorted || !fill) {
		free(sorted);
		free(fill);
		rc = err_set(ERR_NOMEM, "out of memory for %zu contributions", all.n);
		goto done;
	}
	memcpy(fill, start, n_cells * sizeof *fill);
	for (size_t i = 0; i < all.n; i++)
		sorted[fill[all.v[i].cell]++] = all.v[i];
	free(fill);
	*out = sorted;
done:
	free(rs);
	free(all.v);
	return rc;
}

/* ---- random numbers: splitmix64 seeds xoshiro256** ---- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t xoshiro(uint64_t s[4])
{
	uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

static void stream_seed(uint64_t s[4], uint64_t seed, uint64_t key)
{
	uint64_t x = seed, y = key ^ 0x5851f42d4c957f2dULL;
	x = splitmix64(&x) ^ splitmix64(&y);
	for (int i = 0; i < 4; i++)
		s[i] = splitmix64(&x);
}

/* ---- per cell ---- */

/* The k-th smallest of x[0 .. n) (quickselect; reorders x). */
static double select_kth(double *x, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		double pivot = x[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;
		while (i <= j) {
			while (x[i] < pivot)
				i++;
			while (x[j] > pivot)
				j--;
			if (i <= j) {
				double t = x[i];
				x[i] = x[j];
				x[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return x[k];
	}
	return x[k];
}

/* The 2.5th and 97.5th percentiles of x[0 .. n) (R's type 7: linear
 * between the order statistics around (n - 1) q), reordering x. Two
 * selections: the one above the low percentile (everything before it is
 * then smaller, so the one below is their maximum), and in the part after
 * it the one below the high percentile (the one above is the minimum of
 * what follows). */
static int double_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void percentiles(double *lo, double *hi, double *x, size_t n)
{
	double h = (double)(n - 1) * 0.025, g = (double)(n - 1) * 0.975;
	size_t f = (size_t)floor(h), k = (size_t)floor(g);
	if (n < 40) {   /* few resamples: sorting is simpler */
		qsort(x, n, sizeof *x, double_cmp);
		*lo = f + 1 < n ? x[f] + (h - (double)f) * (x[f + 1] - x[f]) : x[f];
		*hi = k + 1 < n ? x[k] + (g - (double)k) * (x[k + 1] - x[k]) : x[k];
		return;
	}
	/* from 40 on, f + 1 <= k < n - 1 */
	double above = select_kth(x, n, f + 1), below = x[0];
	for (size_t i = 1; i <= f; i++)
		if (x[i] > below)
			below = x[i];
	*lo = below + (h - (double)f) * (above - below);
	double at = k == f + 1 ? above : select_kth(x + f + 2, n - f - 2, k - f - 2);
	double next = at;
	if (k + 1 < n) {
		next = x[k + 1];
		for (size_t i = k + 2; i < n; i++)
			if (x[i] < next)
				next = x[i];
	}
	*hi = at + (g - (double)k) * (next - at);
}

typedef struct citew {
	double c, w;
} citew;

static int citew_cmp(const void *a, const void *b)
{
	const citew *x = a, *y = b;
	return (x->c < y->c) - (x->c > y->c);
}

enum { V_W, V_C, V_NCS, V_T1, V_T10, V_T50, V_COLLAB, V_INT, V_N };

typedef struct scratch {
	citew *cw;
	double (*rows)[V_N];
	double *boot;      /* n_boot x BIBLIO_N_CI */
} scratch;

typedef struct job {
	biblio_result *out;
	const biblio_input *in;
	const biblio_pubstat *st;
	const biblio_grouping *g;
	const biblio_options *o;
	const contrib *c;
	const size_t *start;
	size_t n_cells;
	size_t max_cell;
	atomic_size_t next;
	atomic_int rc;
} job;

static void cell_bootstrap(biblio_result *r, const job *jb, size_t cell, const scratch *sc, size_t n)
{
	int B = jb->o->n_boot;
	int32_t row = (int32_t)(cell / (size_t)jb->g->n_cols), col = (int32_t)(cell % (size_t)jb->g->n_cols);
	uint64_t key = jb->g->row_key ? jb->g->row_key[row] : (uint64_t)row;
	uint64_t s[4];
	stream_seed(s, jb->o->seed, key * 0x100000001b3ULL + (uint64_t)col);
	double (*rows)[V_N] = sc->rows;
	for (int b = 0; b < B; b++) {
		double sum[V_N] = { 0 };
		size_t i = 0;
		while (i < n) {
			uint64_t x = xoshiro(s);
			size_t a = (size_t)(((x >> 32) * (uint64_t)n) >> 32);
			size_t c = (size_t)(((x & 0xffffffffULL) * (uint64_t)n) >> 32);
			for (int v = 0; v < V_N; v++)
				sum[v] += rows[a][v];
			if (++i < n) {
				for (int v = 0; v < V_N; v++)
					sum[v] += rows[c][v];
				i++;
			}
		}
		double *o = sc->boot + (size_t)b * BIBLIO_N_CI;
		o[BIBLIO_CI_MCS] = sum[V_C] / sum[V_W];
		o[BIBLIO_CI_MNCS] = sum[V_NCS] / sum[V_W];
		o[BIBLIO_CI_PP_TOP1] = sum[V_T1] / sum[V_W];
		o[BIBLIO_CI_PP_TOP10] = sum[V_T10] / sum[V_W];
		o[BIBLIO_CI_PP_TOP50] = sum[V_T50] / sum[V_W];
		o[BIBLIO_CI_PP_COLLAB] = sum[V_COLLAB] / sum[V_W];
		o[BIBLIO_CI_PP_INT_COLLAB] = sum[V_INT] / sum[V_W];
	}
	double *col_v = sc->boot + (size_t)B * BIBLIO_N_CI;
	for (int k = 0; k < BIBLIO_N_CI; k++) {
		for (int b = 0; b < B; b++)
			col_v[b] = sc->boot[(size_t)b * BIBLIO_N_CI + k];
		percentiles(&r->ci[k].lo, &r->ci[k].hi, col_v, (size_t)B);
	}
}

static void cell_compute(biblio_result *r, const job *jb, size_t cell, const scratch *sc)
{
	const contrib *c = jb->c + jb->start[cell];
	size_t n = jb->start[cell + 1] - jb->start[cell];
	double gw = 0, gs = 0;
	memset(r, 0, sizeof *r);
	for (size_t i = 0; i < n; i++) {
		const biblio_pubstat *s = &jb->st[c[i].pub];
		double f = c[i].weight, cit = jb->in->pubs[c[i].pub].citations;
		r->p += f;
		r->tcs += f * cit;
		r->tncs += f * s->ncs;
		for (int x = 0; x < BIBLIO_N_TOP; x++)
			r->p_top[x] += f * s->top[x];
		if (s->collab)
			r->p_collab += f;
		if (s->int_collab)
			r->p_int_collab += f;
		if (s->industry)
			r->p_industry += f;
		if (!isnan(s->gcd)) {
			gw += f;
			gs += f * s->gcd;
			if (s->collab && s->gcd <= 100)
				r->p_short_dist += f;
			if (s->collab && s->gcd >= 5000)
				r->p_long_dist += f;
		}
		sc->cw[i] = (citew){ cit, f };
		double *row = sc->rows[i];
		row[V_W] = f;
		row[V_C] = f * cit;
		row[V_NCS] = f * s->ncs;
		row[V_T1] = f * s->top[BIBLIO_TOP1];
		row[V_T10] = f * s->top[BIBLIO_TOP10];
		row[V_T50] = f * s->top[BIBLIO_TOP50];
		row[V_COLLAB] = s->collab ? f : 0;
		row[V_INT] = s->int_collab ? f : 0;
	}
	double p = r->p, nan = NAN;
	r->mcs = p > 0 ? r->tcs / p : nan;
	r->mncs = p > 0 ? r->tncs / p : nan;
	for (int x = 0; x < BIBLIO_N_TOP; x++)
		r->pp_top[x] = p > 0 ? r->p_top[x] / p : nan;
	r->pp_collab = p > 0 ? r->p_collab / p : nan;
	r->pp_int_collab = p > 0 ? r->p_int_collab / p : nan;
	r->pp_industry = p > 0 ? r->p_industry / p : nan;
	r->pp_short_dist = p > 0 ? r->p_short_dist / p : nan;
	r->pp_long_dist = p > 0 ? r->p_long_dist / p : nan;
	r->mgcd = gw > 0 ? gs / gw : nan;
	r->p_dist_known = gw;
	if (n > 1)
		qsort(sc->cw, n, sizeof *sc->cw, citew_cmp);
	double W = 0, h = 0;
	for (size_t i = 0; i < n; i++) {
		W += sc->cw[i].w;
		double m = sc->cw[i].c < W ? sc->cw[i].c : W;
		if (m > h)
			h = m;
	}
	r->h_index = h;
	for (int k = 0; k < BIBLIO_N_CI; k++)
		r->ci[k].lo = r->ci[k].hi = nan;
	if (n > 0 && jb->o->n_boot > 0)
		cell_bootstrap(r, jb, cell, sc, n);
}

static void *worker(void *arg)
{
	job *jb = arg;
	scratch sc = { 0 };
	size_t m = jb->max_cell ? jb->max_cell : 1;
	sc.cw = malloc(m * sizeof *sc.cw);
	sc.rows = malloc(m * sizeof *sc.rows);
	sc.boot = malloc(((size_t)jb->o->n_boot * (BIBLIO_N_CI + 1) + 1) * sizeof *sc.boot);
	if (!sc.cw || !sc.rows || !sc.boot)
		atomic_store(&jb->rc, ERR_NOMEM);
	else
		for (;;) {
			size_t cell = atomic_fetch_add(&jb->next, 1);
			if (cell >= jb->n_cells || atomic_load(&jb->rc) != 0)
				break;
			cell_compute(&jb->out[cell], jb, cell, &sc);
		}
	free(sc.cw);
	free(sc.rows);
	free(sc.boot);
	return NULL;
}

int biblio_compute(biblio_result *out, const biblio_input *in, const biblio_pubstat *st,
	const biblio_grouping *g, const biblio_options *o)
{
	if (g->n_cols < 1 || g->n_rows < 0 || (!g->org_row && g->n_rows != in->n_orgs))
		return err_set(ERR_INVALID, "a grouping of %d rows and %d columns does not fit %d organisations",
			(int)g->n_rows, (int)g->n_cols, (int)in->n_orgs);
	if (o->n_boot < 0 || o->n_boot > BIBLIO_MAX_BOOT)
		return err_set(ERR_INVALID, "%d resamples is not between 0 and %d", o->n_boot, BIBLIO_MAX_BOOT);
	size_t n_cells = (size_t)g->n_rows * (size_t)g->n_cols;
	if (n_cells >= UINT32_MAX || in->n_pubs >= UINT32_MAX)
		return err_set(ERR_INVALID, "%zu cells over %zu publications is too many", n_cells, in->n_pubs);
	if (g->org_row)
		for (int32_t k = 0; k < in->n_orgs; k++)
			if (g->org_row[k] < -1 || g->org_row[k] >= g->n_rows)
				return err_set(ERR_INVALID, "organisation %d is given row %d of %d", (int)k,
					(int)g->org_row[k], (int)g->n_rows);
	if (g->pub_col)
		for (size_t p = 0; p < in->n_pubs; p++)
			if (g->pub_col[p] < -1 || g->pub_col[p] >= g->n_cols)
				return err_set(ERR_INVALID, "publication %zu is given column %d of %d", p,
					(int)g->pub_col[p], (int)g->n_cols);
	size_t n_seen = (size_t)in->n_orgs * (size_t)g->n_cols;
	size_t *start = malloc((n_cells + 1) * sizeof *start);
	uint8_t *seen = calloc(n_seen ? n_seen : 1, 1);
	contrib *c = NULL;
	int rc;
	if (!start || !seen) {
		rc = err_set(ERR_NOMEM, "out of memory for %zu cells", n_cells);
		goto done;
	}
	if ((rc = group(&c, start, seen, in, st, g, o->counting)) < 0)
		goto done;
	job jb = { .out = out, .in = in, .st = st, .g = g, .o = o, .c = c, .start = start, .n_cells = n_cells };
	atomic_init(&jb.next, 0);
	atomic_init(&jb.rc, 0);
	for (size_t k = 0; k < n_cells; k++)
		if (start[k + 1] - start[k] > jb.max_cell)
			jb.max_cell = start[k + 1] - start[k];
	int n_threads = o->n_threads < 1 ? 1 : o->n_threads > BIBLIO_MAX_THREADS ? BIBLIO_MAX_THREADS : o->n_threads;
	if ((size_t)n_threads > n_cells)
		n_threads = n_cells ? (int)n_cells : 1;
	pthread_t tid[BIBLIO_MAX_THREADS];
	int started = 0;
	for (int i = 1; i < n_threads; i++) {
		if (pthread_create(&tid[i], NULL, worker, &jb) != 0)
			break;
		started = i;
	}
	worker(&jb);
	for (int i = 1; i <= started; i++)
		pthread_join(tid[i], NULL);
	if ((rc = atomic_load(&jb.rc)) < 0) {
		rc = err_set(ERR_NOMEM, "out of memory for a cell of %zu publications", jb.max_cell);
		goto done;
	}
	for (int32_t k = 0; k < in->n_orgs; k++) {
		int32_t row = g->org_row ? g->org_row[k] : k;
		if (row < 0)
			continue;
		for (int32_t col = 0; col < g->n_cols; col++)
			if (seen[(size_t)k * (size_t)g->n_cols + (size_t)col])
				out[(size_t)row * (size_t)g->n_cols + (size_t)col].n_orgs++;
	}
done:
	free(start);
	free(seen);
	free(c);
	return rc;
}
