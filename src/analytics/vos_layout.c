/* vos_layout: gradient descent for the VOS layout (see vos_layout.h). */
#include "analytics/vos_layout.h"

#include "util/err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void vos_layout_defaults(vos_layout_options *o)
{
	o->attraction = 2;
	o->repulsion = 1;
	o->edge_weight_increment = 0;
	o->max_iterations = 1000;
	o->initial_step_size = 1;
	o->min_step_size = 0.001;
	o->step_size_reduction = 0.75;
	o->required_improvements = 5;
	o->exact = true;
}

/* base^exponent by repeated multiplication, as the reference does. */
static inline double int_pow(double base, int exponent)
{
	double p;
	if (exponent > 0) {
		p = base;
		for (int i = 1; i < exponent; i++)
			p *= base;
	} else if (exponent < 0) {
		p = 1 / base;
		for (int i = -1; i > exponent; i--)
			p /= base;
	} else
		p = 1;
	return p;
}

void vos_layout_random(double *x, double *y, int n, rng *r)
{
	for (int i = 0; i < n; i++) {
		x[i] = 2 * rng_next_double(r) - 1;
		y[i] = 2 * rng_next_double(r) - 1;
	}
}

static void permutation(int32_t *p, int n, rng *r)
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

/* The gradient of node k's attraction to its neighbours, and their part
 * of the quality value for neighbours not yet visited. */
static void attraction_sweep(int k, const double *x, const double *y, const network *net, const double *unvisited, int att,
                             double *g1, double *g2, double *q)
{
	const double *ew = net->edge_weights;
	const int32_t *nb = net->neighbors;
	double gx = *g1, gy = *g2, qv = *q;
	for (int64_t e = net->first[k]; e < net->first[k + 1]; e++) {
		int l = nb[e];
		double d1 = x[k] - x[l], d2 = y[k] - y[l];
		double sq = d1 * d1 + d2 * d2, dist = sqrt(sq);
		double a = int_pow(dist, att);
		if (sq > 0) {
			double b = ew[e] * a / sq;
			gx += b * d1;
			gy += b * d2;
		}
		if (unvisited[l] != 0) {
			if (att != 0)
				qv += ew[e] * a / att;
			else
				qv += ew[e] * log(dist);
		}
	}
	*g1 = gx;
	*g2 = gy;
	*q = qv;
}

/* The gradient of node k's repulsion (and edge weight increment) from all
 * other nodes, and its part of the quality value for pairs whose other
 * node is not yet visited (unvisited[l] is 1 or 0). */
static void repulsion_sweep(int k, const double *x, const double *y, const double *nw, const double *unvisited, int n,
                            const vos_layout_options *o, double *g1, double *g2, double *q)
{
	double xk = x[k], yk = y[k], wk = nw[k];
	double gx = *g1, gy = *g2, qv = *q;   /* continued in the same order */
	int rep = o->repulsion, att = o->attraction;
	double inc = o->edge_weight_increment;
	for (int l = 0; l < n; l++) {
		if (l == k)
			continue;
		double d1 = xk - x[l], d2 = yk - y[l];
		double sq = d1 * d1 + d2 * d2, dist = sqrt(sq);
		double a = int_pow(dist, rep), ww = wk * nw[l];
		if (sq > 0) {
			double b = ww * a / sq;
			gx -= b * d1;
			gy -= b * d2;
		}
		if (unvisited[l] != 0) {
			if (rep != 0)
				qv -= ww * a / rep;
			else
				qv -= ww * log(dist);
		}
		if (inc > 0) {
			a = int_pow(dist, att);
			if (sq > 0) {
				double b = inc * a / sq;
				gx += b * d1;
				gy += b * d2;
			}
			if (unvisited[l] != 0) {
				if (att != 0)
					qv += inc * a / att;
				else
					qv += inc * log(dist);
			}
		}
	}
	*g1 = gx;
	*g2 = gy;
	*q = qv;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_KERNEL 1

/* True for +-1, 2, 4, ... 1024: 1 / e is exact and x / e == x * (1 / e). */
static inline bool is_pow2(int e)
{
	int a = e < 0 ? -e : e;
	return a > 0 && a <= 1024 && (a & (a - 1)) == 0;
}

/* The four lanes of v, low first, kept in registers (a store and four
 * loads would wait on store forwarding). */
#define LANES(v, a)                                                                 \
	do {                                                                            \
		__m128d lo_ = _mm256_castpd256_pd128(v), hi_ = _mm256_extractf128_pd(v, 1); \
		(a)[0] = _mm_cvtsd_f64(lo_);                                                \
		(a)[1] = _mm_cvtsd_f64(_mm_unpackhi_pd(lo_, lo_));                          \
		(a)[2] = _mm_cvtsd_f64(hi_);                                                \
		(a)[3] = _mm_cvtsd_f64(_mm_unpackhi_pd(hi_, hi_));                          \
	} while (0)

__attribute__((target("avx2"))) static inline __m256d pow_v(__m256d base, int exponent)
{
	__m256d p;
	if (exponent > 0) {
		p = base;
		for (int i = 1; i < exponent; i++)
			p = _mm256_mul_pd(p, base);
	} else if (exponent < 0) {
		p = _mm256_div_pd(_mm256_set1_pd(1.0), base);
		for (int i = -1; i > exponent; i--)
			p = _mm256_div_pd(p, base);
	} else
		p = _mm256_set1_pd(1.0);
	return p;
}

/* repulsion_sweep for repulsion != 0 and no edge weight increment, four
 * pairs at a time. Each pair's terms are computed lane by lane with the
 * same correctly rounded operations as the scalar code (no fused
 * multiply-add: the target has none), and added to the sums one by one in
 * node order, so the result is bit for bit the scalar one. */
__attribute__((target("avx2"))) static void repulsion_sweep_avx2(int k, const double *x, const double *y,
                                                                  const double *nw, const double *unvisited, int n,
                                                                  int rep, double *g1, double *g2, double *q)
{
	double gx = *g1, gy = *g2, qv = *q;
	const __m256d xk = _mm256_set1_pd(x[k]), yk = _mm256_set1_pd(y[k]), wk = _mm256_set1_pd(nw[k]);
	/* Dividing by a power of two is multiplying by its inverse, exactly:
	 * it spares the divider, the loop's bottleneck. */
	const bool pow2 = is_pow2(rep);
	const __m256d zero = _mm256_setzero_pd(), rv = _mm256_set1_pd(pow2 ? 1.0 / rep : (double)rep);
	const __m256d lane = _mm256_set_pd(3, 2, 1, 0);
	double tx[4], ty[4], tq[4];
	int l = 0;
	for (; l + 4 <= n; l += 4) {
		__m256d d1 = _mm256_sub_pd(xk, _mm256_loadu_pd(x + l));
		__m256d d2 = _mm256_sub_pd(yk, _mm256_loadu_pd(y + l));
		__m256d sq = _mm256_add_pd(_mm256_mul_pd(d1, d1), _mm256_mul_pd(d2, d2));
		__m256d a = pow_v(_mm256_sqrt_pd(sq), rep);
		__m256d ww = _mm256_mul_pd(wk, _mm256_loadu_pd(nw + l));
		__m256d wa = _mm256_mul_pd(ww, a);
		__m256d b = _mm256_and_pd(_mm256_div_pd(wa, sq), _mm256_cmp_pd(sq, zero, _CMP_GT_OQ));
		__m256d self = _mm256_cmp_pd(_mm256_add_pd(_mm256_set1_pd((double)l), lane), _mm256_set1_pd((double)k), _CMP_EQ_OQ);
		__m256d keep = _mm256_andnot_pd(self, _mm256_cmp_pd(_mm256_loadu_pd(unvisited + l), zero, _CMP_NEQ_UQ));
		LANES(_mm256_mul_pd(b, d1), tx);
		LANES(_mm256_mul_pd(b, d2), ty);
		LANES(_mm256_and_pd(pow2 ? _mm256_mul_pd(wa, rv) : _mm256_div_pd(wa, rv), keep), tq);
		for (int i = 0; i < 4; i++) {
			gx -= tx[i];
			gy -= ty[i];
			qv -= tq[i];
		}
	}
	for (; l < n; l++) {
		if (l == k)
			continue;
		double d1 = x[k] - x[l], d2 = y[k] - y[l];
		double sq = d1 * d1 + d2 * d2, a = int_pow(sqrt(sq), rep), ww = nw[k] * nw[l];
		if (sq > 0) {
			double b = ww * a / sq;
			gx -= b * d1;
			gy -= b * d2;
		}
		if (unvisited[l] != 0)
			qv -= ww * a / rep;
	}
	*g1 = gx;
	*g2 = gy;
	*q = qv;
}

/* The fast form of repulsion_sweep for repulsion 1 (the default) and no
 * edge weight increment: 1/d from the processor's reciprocal square root
 * refined by two Newton steps (relative error about 1e-13), four partial
 * sums per quantity. Not bit for bit the reference: the sums are
 * reassociated. */
__attribute__((target("avx2,fma"))) static void repulsion_sweep_fast(int k, const double *x, const double *y,
                                                                      const double *nw, const double *unvisited, int n,
                                                                      double *g1, double *g2, double *q)
{
	const __m256d xk = _mm256_set1_pd(x[k]), yk = _mm256_set1_pd(y[k]), wk = _mm256_set1_pd(nw[k]);
	const __m256d zero = _mm256_setzero_pd(), half = _mm256_set1_pd(0.5), three_halves = _mm256_set1_pd(1.5);
	__m256d gx = zero, gy = zero, qv = zero;
	int l = 0;
	for (; l + 4 <= n; l += 4) {
		__m256d d1 = _mm256_sub_pd(xk, _mm256_loadu_pd(x + l));
		__m256d d2 = _mm256_sub_pd(yk, _mm256_loadu_pd(y + l));
		__m256d sq = _mm256_fmadd_pd(d1, d1, _mm256_mul_pd(d2, d2));
		__m256d r = _mm256_cvtps_pd(_mm_rsqrt_ps(_mm256_cvtpd_ps(sq)));
		__m256d hs = _mm256_mul_pd(half, sq);
		r = _mm256_mul_pd(r, _mm256_fnmadd_pd(hs, _mm256_mul_pd(r, r), three_halves));
		r = _mm256_mul_pd(r, _mm256_fnmadd_pd(hs, _mm256_mul_pd(r, r), three_halves));
		__m256d pos = _mm256_cmp_pd(sq, zero, _CMP_GT_OQ);
		__m256d ww = _mm256_mul_pd(wk, _mm256_loadu_pd(nw + l));
		__m256d b = _mm256_and_pd(_mm256_mul_pd(ww, r), pos);
		gx = _mm256_fnmadd_pd(b, d1, gx);
		gy = _mm256_fnmadd_pd(b, d2, gy);
		/* ww * d = ww * sq / d; the node itself has sq = 0 and adds 0 */
		__m256d keep = _mm256_and_pd(pos, _mm256_cmp_pd(_mm256_loadu_pd(unvisited + l), zero, _CMP_NEQ_UQ));
		qv = _mm256_sub_pd(qv, _mm256_and_pd(_mm256_mul_pd(_mm256_mul_pd(ww, sq), r), keep));
	}
	double sx[4], sy[4], sqv[4];
	_mm256_storeu_pd(sx, gx);
	_mm256_storeu_pd(sy, gy);
	_mm256_storeu_pd(sqv, qv);
	double ax = (sx[0] + sx[1]) + (sx[2] + sx[3]), ay = (sy[0] + sy[1]) + (sy[2] + sy[3]);
	double aq = (sqv[0] + sqv[1]) + (sqv[2] + sqv[3]);
	for (; l < n; l++) {
		if (l == k)
			continue;
		double d1 = x[k] - x[l], d2 = y[k] - y[l], sqd = d1 * d1 + d2 * d2, dist = sqrt(sqd), ww = nw[k] * nw[l];
		if (sqd > 0) {
			ax -= ww / dist * d1;
			ay -= ww / dist * d2;
		}
		if (unvisited[l] != 0)
			aq -= ww * dist;
	}
	*g1 += ax;
	*g2 += ay;
	*q += aq;
}

/* attraction_sweep for attraction != 0, four links at a time, bit for bit
 * (see repulsion_sweep_avx2). */
__attribute__((target("avx2"))) static void attraction_sweep_avx2(int k, const double *x, const double *y,
                                                                   const network *net, const double *unvisited, int att,
                                                                   double *g1, double *g2, double *q)
{
	const double *ew = net->edge_weights;
	const int32_t *nb = net->neighbors;
	double gx = *g1, gy = *g2, qv = *q;
	const __m256d xk = _mm256_set1_pd(x[k]), yk = _mm256_set1_pd(y[k]), zero = _mm256_setzero_pd();
	const bool pow2 = is_pow2(att);
	const __m256d av = _mm256_set1_pd(pow2 ? 1.0 / att : (double)att);
	double tx[4], ty[4], tq[4];
	int64_t e = net->first[k], end = net->first[k + 1];
	for (; e + 4 <= end; e += 4) {
		__m128i idx = _mm_loadu_si128((const __m128i *)(nb + e));
		__m256d d1 = _mm256_sub_pd(xk, _mm256_i32gather_pd(x, idx, 8));
		__m256d d2 = _mm256_sub_pd(yk, _mm256_i32gather_pd(y, idx, 8));
		__m256d sq = _mm256_add_pd(_mm256_mul_pd(d1, d1), _mm256_mul_pd(d2, d2));
		__m256d a = pow_v(_mm256_sqrt_pd(sq), att);
		__m256d wa = _mm256_mul_pd(_mm256_loadu_pd(ew + e), a);
		__m256d b = _mm256_and_pd(_mm256_div_pd(wa, sq), _mm256_cmp_pd(sq, zero, _CMP_GT_OQ));
		__m256d keep = _mm256_cmp_pd(_mm256_i32gather_pd(unvisited, idx, 8), zero, _CMP_NEQ_UQ);
		LANES(_mm256_mul_pd(b, d1), tx);
		LANES(_mm256_mul_pd(b, d2), ty);
		LANES(_mm256_and_pd(pow2 ? _mm256_mul_pd(wa, av) : _mm256_div_pd(wa, av), keep), tq);
		for (int i = 0; i < 4; i++) {
			gx += tx[i];
			gy += ty[i];
			qv += tq[i];
		}
	}
	for (; e < end; e++) {
		int l = nb[e];
		double d1 = x[k] - x[l], d2 = y[k] - y[l];
		double sq = d1 * d1 + d2 * d2, a = int_pow(sqrt(sq), att);
		if (sq > 0) {
			double b = ew[e] * a / sq;
			gx += b * d1;
			gy += b * d2;
		}
		if (unvisited[l] != 0)
			qv += ew[e] * a / att;
	}
	*g1 = gx;
	*g2 = gy;
	*q = qv;
}

/* The fast form for attraction 2: a d^2 / d^2 is a, and the quality term
 * a d^2 / 2 needs no square root. */
__attribute__((target("avx2,fma"))) static void attraction_sweep_fast(int k, const double *x, const double *y,
                                                                       const network *net, const double *unvisited,
                                                                       double *g1, double *g2, double *q)
{
	const double *ew = net->edge_weights;
	const int32_t *nb = net->neighbors;
	const __m256d xk = _mm256_set1_pd(x[k]), yk = _mm256_set1_pd(y[k]), zero = _mm256_setzero_pd();
	__m256d gx = zero, gy = zero, qv = zero;
	int64_t e = net->first[k], end = net->first[k + 1];
	for (; e + 4 <= end; e += 4) {
		__m128i idx = _mm_loadu_si128((const __m128i *)(nb + e));
		__m256d d1 = _mm256_sub_pd(xk, _mm256_i32gather_pd(x, idx, 8));
		__m256d d2 = _mm256_sub_pd(yk, _mm256_i32gather_pd(y, idx, 8));
		__m256d w = _mm256_loadu_pd(ew + e);
		gx = _mm256_fmadd_pd(w, d1, gx);
		gy = _mm256_fmadd_pd(w, d2, gy);
		__m256d sq = _mm256_fmadd_pd(d1, d1, _mm256_mul_pd(d2, d2));
		__m256d keep = _mm256_cmp_pd(_mm256_i32gather_pd(unvisited, idx, 8), zero, _CMP_NEQ_UQ);
		qv = _mm256_add_pd(qv, _mm256_and_pd(_mm256_mul_pd(w, sq), keep));
	}
	double sx[4], sy[4], sqv[4];
	_mm256_storeu_pd(sx, gx);
	_mm256_storeu_pd(sy, gy);
	_mm256_storeu_pd(sqv, qv);
	double ax = (sx[0] + sx[1]) + (sx[2] + sx[3]), ay = (sy[0] + sy[1]) + (sy[2] + sy[3]);
	double aq = (sqv[0] + sqv[1]) + (sqv[2] + sqv[3]);
	for (; e < end; e++) {
		int l = nb[e];
		double d1 = x[k] - x[l], d2 = y[k] - y[l];
		ax += ew[e] * d1;
		ay += ew[e] * d2;
		if (unvisited[l] != 0)
			aq += ew[e] * (d1 * d1 + d2 * d2);
	}
	*g1 += ax;
	*g2 += ay;
	*q += aq / 2;
}

/* out[j] = the distance from (xi, yi) to node j, for j < n: the scalar
 * code's operations lane by lane, so bit for bit the same. */
__attribute__((target("avx2"))) static void distances_avx2(double *out, double xi, double yi, const double *x, const double *y, int n)
{
	const __m256d xv = _mm256_set1_pd(xi), yv = _mm256_set1_pd(yi);
	int j = 0;
	for (; j + 4 <= n; j += 4) {
		__m256d d1 = _mm256_sub_pd(xv, _mm256_loadu_pd(x + j)), d2 = _mm256_sub_pd(yv, _mm256_loadu_pd(y + j));
		_mm256_storeu_pd(out + j, _mm256_sqrt_pd(_mm256_add_pd(_mm256_mul_pd(d1, d1), _mm256_mul_pd(d2, d2))));
	}
	for (; j < n; j++) {
		double d1 = xi - x[j], d2 = yi - y[j];
		out[j] = sqrt(d1 * d1 + d2 * d2);
	}
}
#endif

static void distances(double *out, double xi, double yi, const double *x, const double *y, int n)
{
#ifdef HAVE_AVX2_KERNEL
	if (__builtin_cpu_supports("avx2")) {
		distances_avx2(out, xi, yi, x, y, n);
		return;
	}
#endif
	for (int j = 0; j < n; j++) {
		double d1 = xi - x[j], d2 = yi - y[j];
		out[j] = sqrt(d1 * d1 + d2 * d2);
	}
}

int vos_layout_improve(double *x, double *y, const network *net, const vos_layout_options *o, rng *r)
{
	int n = net->n_nodes;
	if (o->attraction <= o->repulsion || !(o->step_size_reduction > 0 && o->step_size_reduction < 1) ||
	    !(o->min_step_size > 0) || !(o->initial_step_size > 0) || o->required_improvements < 1 || o->max_iterations < 0)
		return err_set(ERR_INVALID, "layout needs attraction above repulsion, a step reduction between 0 and 1 and positive step sizes");
	int32_t *order = malloc(sizeof(int32_t) * (size_t)(n ? n : 1));
	double *unvisited = malloc(sizeof(double) * (size_t)(n ? n : 1));
	if (!order || !unvisited) {
		free(order);
		free(unvisited);
		return err_set(ERR_NOMEM, "out of memory laying out %d nodes", n);
	}
	permutation(order, n, r);
	const double *nw = net->node_weights;
	int att = o->attraction;
	double step = o->initial_step_size, quality = INFINITY;
	int n_improvements = 0;
#ifdef HAVE_AVX2_KERNEL
	bool use_avx2 = o->repulsion != 0 && !(o->edge_weight_increment > 0) && __builtin_cpu_supports("avx2");
	bool use_fast = !o->exact && use_avx2 && o->repulsion == 1 && __builtin_cpu_supports("fma");
	bool use_avx2_att = att != 0 && __builtin_cpu_supports("avx2");
	bool use_fast_att = !o->exact && use_avx2_att && att == 2 && __builtin_cpu_supports("fma");
#endif
	for (int it = 0; it < o->max_iterations && step >= o->min_step_size; it++) {
		double old_quality = quality;
		quality = 0;
		for (int i = 0; i < n; i++)
			unvisited[i] = 1;
		for (int j = 0; j < n; j++) {
			int k = order[j];
			double g1 = 0, g2 = 0;
#ifdef HAVE_AVX2_KERNEL
			if (use_fast_att)
				attraction_sweep_fast(k, x, y, net, unvisited, &g1, &g2, &quality);
			else if (use_avx2_att)
				attraction_sweep_avx2(k, x, y, net, unvisited, att, &g1, &g2, &quality);
			else
#endif
				attraction_sweep(k, x, y, net, unvisited, att, &g1, &g2, &quality);
#ifdef HAVE_AVX2_KERNEL
			if (use_fast)
				repulsion_sweep_fast(k, x, y, nw, unvisited, n, &g1, &g2, &quality);
			else if (use_avx2)
				repulsion_sweep_avx2(k, x, y, nw, unvisited, n, o->repulsion, &g1, &g2, &quality);
			else
#endif
				repulsion_sweep(k, x, y, nw, unvisited, n, o, &g1, &g2, &quality);
			double len = sqrt(g1 * g1 + g2 * g2);
			if (len > 0) {   /* a lone node has no gradient: it stays */
				x[k] -= step * g1 / len;
				y[k] -= step * g2 / len;
			}
			unvisited[k] = 0;
		}
		if (quality < old_quality) {
			if (++n_improvements >= o->required_improvements) {
				step /= o->step_size_reduction;
				n_improvements = 0;
			}
		} else {
			step *= o->step_size_reduction;
			n_improvements = 0;
		}
	}
	free(order);
	free(unvisited);
	return 0;
}

int vos_layout_find(double *x, double *y, const network *net, const vos_layout_options *o, rng *r)
{
	vos_layout_random(x, y, net->n_nodes, r);
	return vos_layout_improve(x, y, net, o, r);
}

double vos_layout_quality(const double *x, const double *y, const network *net, const vos_layout_options *o)
{
	double q = 0;
	int n = net->n_nodes, att = o->attraction, rep = o->repulsion;
	for (int i = 0; i < n; i++)
		for (int64_t e = net->first[i]; e < net->first[i + 1]; e++) {
			int j = net->neighbors[e];
			if (j >= i)
				continue;
			double d1 = x[i] - x[j], d2 = y[i] - y[j], dist = sqrt(d1 * d1 + d2 * d2);
			if (att != 0)
				q += net->edge_weights[e] * int_pow(dist, att) / att;
			else
				q += net->edge_weights[e] * log(dist);
		}
	double *dist_to = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
	if (!dist_to)
		return NAN;
	for (int i = 0; i < n; i++) {
		distances(dist_to, x[i], y[i], x, y, i);
		for (int j = 0; j < i; j++) {
			double dist = dist_to[j];
			double ww = net->node_weights[i] * net->node_weights[j];
			if (rep != 0)
				q -= ww * int_pow(dist, rep) / rep;
			else
				q -= ww * log(dist);
			if (o->edge_weight_increment > 0) {
				if (att != 0)
					q += o->edge_weight_increment * int_pow(dist, att) / att;
				else
					q += o->edge_weight_increment * log(dist);
			}
		}
	}
	free(dist_to);
	return q;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(const double *v, int n, double *scratch)
{
	memcpy(scratch, v, sizeof(double) * (size_t)n);
	qsort(scratch, (size_t)n, sizeof(double), dbl_cmp);
	return n % 2 ? scratch[(n - 1) / 2] : (scratch[n / 2 - 1] + scratch[n / 2]) / 2;
}

void vos_layout_standardize(double *x, double *y, int n, bool dilate)
{
	if (n <= 0)
		return;
	double mx = 0, my = 0;
	for (int i = 0; i < n; i++)
		mx += x[i];
	mx /= n;
	for (int i = 0; i < n; i++)
		my += y[i];
	my /= n;
	for (int i = 0; i < n; i++) {
		x[i] -= mx;
		y[i] -= my;
	}
	double v1 = 0, v2 = 0, cov = 0;
	for (int i = 0; i < n; i++) {
		v1 += x[i] * x[i];
		v2 += y[i] * y[i];
		cov += x[i] * y[i];
	}
	v1 /= n;
	v2 /= n;
	cov /= n;
	double disc = v1 * v1 + v2 * v2 - 2 * v1 * v2 + 4 * cov * cov;
	double e1 = (v1 + v2 - sqrt(disc)) / 2, e2 = (v1 + v2 + sqrt(disc)) / 2;
	double a11 = v1 + cov - e1, a12 = v2 + cov - e1;
	double len = sqrt(a11 * a11 + a12 * a12);
	a11 /= len;
	a12 /= len;
	double a21 = v1 + cov - e2, a22 = v2 + cov - e2;
	len = sqrt(a21 * a21 + a22 * a22);
	a21 /= len;
	a22 /= len;
	for (int i = 0; i < n; i++) {
		double o1 = x[i], o2 = y[i];
		x[i] = a11 * o1 + a12 * o2;
		y[i] = a21 * o1 + a22 * o2;
	}
	double *scratch = malloc(sizeof(double) * (size_t)n);
	if (scratch) {
		if (median(x, n, scratch) > 0)
			for (int i = 0; i < n; i++)
				x[i] = -x[i];
		if (median(y, n, scratch) > 0)
			for (int i = 0; i < n; i++)
				y[i] = -y[i];
		free(scratch);
	}
	double *dist_to = dilate && n > 1 ? malloc(sizeof(double) * (size_t)n) : NULL;
	if (dist_to) {
		double avg = 0;
		for (int i = 0; i < n; i++) {
			distances(dist_to, x[i], y[i], x, y, i);
			for (int j = 0; j < i; j++)
				avg += dist_to[j];
		}
		free(dist_to);
		avg /= (double)((int64_t)n * (n - 1) / 2);
		for (int i = 0; i < n; i++) {
			x[i] /= avg;
			y[i] /= avg;
		}
	}
}
