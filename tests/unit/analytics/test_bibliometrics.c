/* Tests for analytics/bibliometrics: small sets of publications whose
 * indicators are worked out by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "analytics/bibliometrics.h"
#include "util/err.h"

#define EPS 1e-9
#define KM_PER_DEG (6371.0 * M_PI / 180)

/* ---- the main fixture ----
 * Organisations A (0) at (0, 0) and B (1) at (0, 0.5), both in VN; a
 * foreign institution F in the US at (0, 60) and a VN company C at (0, 1),
 * neither of them an organisation of ours. Distances along the equator are
 * R * (difference of longitude in radians): A-B 0.5 deg = 55.597 km, A-C
 * 1 deg = 111.195 km, A-F 60 deg = 6671.70 km.
 *
 *   pub  authors (affiliations)                 citations
 *   P0   a0 A; a1 B                               10
 *   P1   a0 A; a1 A and B; a2 F                    4
 *   P2   a0 A                                      4
 *   P3   a0 B; a1 none                             0
 *   P4   a0 A; a1 C                                2
 *   P5   a0 A (a document type not counted)      100
 * All in field 0, year 2020.
 *
 * Fractional weights (1 / authors, split over the author's affiliations):
 *   P0 A 1/2, B 1/2            total 1
 *   P1 A 1/3 + 1/6 = 1/2, B 1/6, F 1/3     total 1
 *   P2 A 1                     total 1
 *   P3 B 1/2                   total 1/2 (a1 has no affiliation)
 *   P4 A 1/2, C 1/2            total 1
 *
 * Normalisation, full counting: mean = (10 + 4 + 4 + 0 + 2) / 5 = 4; NCS
 * P0 2.5, P1 1, P2 1, P3 0, P4 0.5. Top 10 %: 0.1 x 5 = 0.5 publications;
 * P0 alone is cited most and gets 0.5. Top 1 %: P0 0.05. Top 50 %: 2.5;
 * P0 1; P1 and P2 tied at 4 share the remaining 1.5: 0.75 each; P4, P3 0.
 *
 * Fractional counting: V = 1 + 1 + 1 + 0.5 + 1 = 4.5, sum of weight x
 * citations = 20, mean 20 / 4.5 = 4.444; NCS P0 2.25, P1 0.9, P2 0.9, P3 0,
 * P4 0.45. Top 10 %: 0.45 of P0's weight 1: 0.45. Top 1 %: 0.045. Top
 * 50 %: 2.25; P0 1; P1, P2 (weight 2 tied) share 1.25: 0.625 each.
 *
 * Collaboration: P0 (A, B) collab, 55.6 km (within 100 km); P1 (A, B, F)
 * collab and international, GCD = A-F 6671.7 km (over 5000 km); P2, P3
 * one institution, GCD 0; P4 (A, C) collab with industry, 111.2 km. */
enum { ORG_A, ORG_B };
enum { INST_A = 1, INST_B = 2, INST_F = 100, INST_C = 200 };

static biblio_affil aff(int32_t author, int32_t org, int32_t inst, const char *cc, bool industry, double lon)
{
	biblio_affil a = { .author = author, .org = org, .inst = inst, .industry = industry, .lat = 0, .lon = lon };
	size_t len = strlen(cc);
	memcpy(a.country, cc, len < sizeof a.country - 1 ? len : sizeof a.country - 1);
	return a;
}

static biblio_affil affils[32];
static biblio_pub pubs[8];

static biblio_input fixture(void)
{
	size_t n = 0, p = 0;
#define PUB(n_au, cit, is_counted) \
	(pubs[p] = (biblio_pub){ .year = 2020, .field = 0, .citations = cit, .counted = is_counted, \
		.n_authors = n_au, .first = (uint32_t)n }, p++)
#define AFF(...) (affils[n++] = aff(__VA_ARGS__), pubs[p - 1].n++)
	PUB(2, 10, true);
	AFF(0, ORG_A, INST_A, "VN", false, 0);
	AFF(1, ORG_B, INST_B, "VN", false, 0.5);
	PUB(3, 4, true);
	AFF(0, ORG_A, INST_A, "VN", false, 0);
	AFF(1, ORG_A, INST_A, "VN", false, 0);
	AFF(1, ORG_B, INST_B, "VN", false, 0.5);
	AFF(2, -1, INST_F, "US", false, 60);
	PUB(1, 4, true);
	AFF(0, ORG_A, INST_A, "VN", false, 0);
	PUB(2, 0, true);
	AFF(0, ORG_B, INST_B, "VN", false, 0.5);
	PUB(2, 2, true);
	AFF(0, ORG_A, INST_A, "VN", false, 0);
	AFF(1, -1, INST_C, "VN", true, 1);
	PUB(1, 100, false);
	AFF(0, ORG_A, INST_A, "VN", false, 0);
#undef PUB
#undef AFF
	return (biblio_input){ .pubs = pubs, .n_pubs = p, .affils = affils, .n_affils = n, .n_orgs = 2 };
}

static void prepare(biblio_pubstat *st, const biblio_input *in, biblio_counting c)
{
	if (biblio_prepare(st, in, c) != 0)
		fail_msg("prepare: %s", err_msg());
}

static void compute(biblio_result *out, const biblio_input *in, const biblio_pubstat *st,
	const biblio_grouping *g, biblio_counting c, int n_boot, int threads)
{
	biblio_options o = { .counting = c, .n_boot = n_boot, .seed = 57, .n_threads = threads };
	if (biblio_compute(out, in, st, g, &o) != 0)
		fail_msg("compute: %s", err_msg());
}

static void test_bibliometrics__prepare_full(void **state)
{
	(void)state;
	biblio_input in = fixture();
	biblio_pubstat st[8];
	prepare(st, &in, BIBLIO_FULL);
	const double ncs[] = { 2.5, 1, 1, 0, 0.5 }, t10[] = { 0.5, 0, 0, 0, 0 }, t50[] = { 1, 0.75, 0.75, 0, 0 };
	for (int p = 0; p < 5; p++) {
		assert_float_equal(st[p].weight, 1, EPS);
		assert_float_equal(st[p].ncs, ncs[p], EPS);
		assert_float_equal(st[p].top[BIBLIO_TOP10], t10[p], EPS);
		assert_float_equal(st[p].top[BIBLIO_TOP50], t50[p], EPS);
	}
	assert_float_equal(st[0].top[BIBLIO_TOP1], 0.05, EPS);
	/* the publication not counted brings nothing */
	assert_float_equal(st[5].weight, 0, EPS);
	assert_true(st[0].collab && !st[0].int_collab && !st[0].industry);
	assert_float_equal(st[0].gcd, 0.5 * KM_PER_DEG, 1e-6);
	assert_true(st[1].collab && st[1].int_collab);
	assert_float_equal(st[1].gcd, 60 * KM_PER_DEG, 1e-6);
	assert_true(!st[2].collab && st[2].gcd == 0);
	assert_true(st[4].collab && st[4].industry && !st[4].int_collab);
	assert_float_equal(st[4].gcd, KM_PER_DEG, 1e-6);
}

static void test_bibliometrics__prepare_fractional(void **state)
{
	(void)state;
	biblio_input in = fixture();
	biblio_pubstat st[8];
	prepare(st, &in, BIBLIO_FRACTIONAL);
	const double w[] = { 1, 1, 1, 0.5, 1 }, ncs[] = { 2.25, 0.9, 0.9, 0, 0.45 };
	const double t50[] = { 1, 0.625, 0.625, 0, 0 };
	for (int p = 0; p < 5; p++) {
		assert_float_equal(st[p].weight, w[p], EPS);
		assert_float_equal(st[p].ncs, ncs[p], EPS);
		assert_float_equal(st[p].top[BIBLIO_TOP50], t50[p], EPS);
	}
	assert_float_equal(st[0].top[BIBLIO_TOP10], 0.45, EPS);
	assert_float_equal(st[0].top[BIBLIO_TOP1], 0.045, EPS);
}

typedef struct got {
	double w[2];
} got;

static void collect(void *ctx, int32_t org, double weight)
{
	((got *)ctx)->w[org] += weight;
}

static void test_bibliometrics__fractional_shares(void **state)
{
	(void)state;
	biblio_input in = fixture();
	/* P1: A has a0's 1/3 and half of a1's 1/3; B the other half, 1/6; F's
	 * 1/3 belongs to no organisation of ours */
	got g = { { 0, 0 } };
	biblio_pub_org_weights(&in, 1, collect, &g);
	assert_float_equal(g.w[ORG_A], 0.5, EPS);
	assert_float_equal(g.w[ORG_B], 1.0 / 6, EPS);
}

/* Organisation A in full counting: P0, P1, P2, P4 (P5 is not counted).
 *   P = 4, TCS = 10 + 4 + 4 + 2 = 20, MCS = 5
 *   TNCS = 2.5 + 1 + 1 + 0.5 = 5, MNCS = 1.25
 *   P(top 10 %) = 0.5, PP = 0.125; P(top 1 %) = 0.05, PP = 0.0125
 *   P(top 50 %) = 1 + 0.75 + 0.75 + 0 = 2.5, PP = 0.625
 *   P(collab) = P0, P1, P4 = 3 (0.75); int collab P1 (0.25); industry P4
 *   (0.25); within 100 km P0 (0.25); over 5000 km P1 (0.25)
 *   MGCD = (55.597 + 6671.70 + 0 + 111.195) / 4
 *   h-index: citations 10, 4, 4, 2 -> 3
 * Organisation B: P0, P1, P3: P = 3, TCS 14, TNCS 3.5, P(top 10 %) 0.5,
 *   collab 2, int collab 1, h-index 10, 4, 0 -> 2. */
static void test_bibliometrics__organisations_full(void **state)
{
	(void)state;
	biblio_input in = fixture();
	biblio_pubstat st[8];
	prepare(st, &in, BIBLIO_FULL);
	biblio_grouping g = { .n_rows = 2, .n_cols = 1 };
	biblio_result r[2];
	compute(r, &in, st, &g, BIBLIO_FULL, 0, 1);
	const biblio_result *a = &r[ORG_A], *b = &r[ORG_B];
	assert_int_equal(a->n_orgs, 1);
	assert_float_equal(a->p, 4, EPS);
	assert_float_equal(a->tcs, 20, EPS);
	assert_float_equal(a->mcs, 5, EPS);
	assert_float_equal(a->tncs, 5, EPS);
	assert_float_equal(a->mncs, 1.25, EPS);
	assert_float_equal(a->p_top[BIBLIO_TOP10], 0.5, EPS);
	assert_float_equal(a->pp_top[BIBLIO_TOP10], 0.125, EPS);
	assert_float_equal(a->pp_top[BIBLIO_TOP1], 0.0125, EPS);
	assert_float_equal(a->p_top[BIBLIO_TOP50], 2.5, EPS);
	assert_float_equal(a->pp_top[BIBLIO_TOP50], 0.625, EPS);
	assert_float_equal(a->p_collab, 3, EPS);
	assert_float_equal(a->pp_collab, 0.75, EPS);
	assert_float_equal(a->pp_int_collab, 0.25, EPS);
	assert_float_equal(a->pp_industry, 0.25, EPS);
	assert_float_equal(a->p_short_dist, 1, EPS);
	assert_float_equal(a->p_long_dist, 1, EPS);
	assert_float_equal(a->pp_long_dist, 0.25, EPS);
	assert_float_equal(a->mgcd, (0.5 + 60 + 0 + 1) * KM_PER_DEG / 4, 1e-6);
	assert_float_equal(a->h_index, 3, EPS);
	assert_true(isnan(a->ci[BIBLIO_CI_MNCS].lo));
	assert_float_equal(b->p, 3, EPS);
	assert_float_equal(b->mcs, 14.0 / 3, EPS);
	assert_float_equal(b->mncs, 3.5 / 3, EPS);
	assert_float_equal(b->pp_top[BIBLIO_TOP10], 0.5 / 3, EPS);
	assert_float_equal(b->p_collab, 2, EPS);
	assert_float_equal(b->p_int_collab, 1, EPS);
	assert_float_equal(b->p_industry, 0, EPS);
	assert_float_equal(b->h_index, 2, EPS);
}

/* Organisation A in fractional counting: weights P0 1/2, P1 1/2, P2 1,
 * P4 1/2.
 *   P = 2.5, TCS = 5 + 2 + 4 + 1 = 12, MCS = 4.8
 *   TNCS = 0.5 x 2.25 + 0.5 x 0.9 + 0.9 + 0.5 x 0.45 = 2.7, MNCS = 1.08
 *   P(top 10 %) = 0.5 x 0.45 = 0.225, PP = 0.09; P(top 1 %) 0.0225, PP 0.009
 *   P(top 50 %) = 0.5 + 0.5 x 0.625 + 0.625 = 1.4375, PP = 0.575
 *   P(collab) = 1.5 (0.6), int collab 0.5 (0.2), industry 0.5 (0.2),
 *   within 100 km 0.5, over 5000 km 0.5
 *   MGCD = (0.5 x 55.597 + 0.5 x 6671.70 + 0.5 x 111.195) / 2.5
 *   h-index: (10, 1/2) W 0.5; (4, 1/2) W 1; (4, 1) W 2; (2, 1/2) W 2.5:
 *   max of min(c, W) = 2
 * Organisation B: P0 1/2, P1 1/6, P3 1/2: P = 7/6, TCS = 5 + 2/3 = 17/3,
 *   MCS = 34/7; TNCS = 1.125 + 0.15 = 1.275, MNCS = 1.275 / (7/6). */
static void test_bibliometrics__organisations_fractional(void **state)
{
	(void)state;
	biblio_input in = fixture();
	biblio_pubstat st[8];
	prepare(st, &in, BIBLIO_FRACTIONAL);
	biblio_grouping g = { .n_rows = 2, .n_cols = 1 };
	biblio_result r[2];
	compute(r, &in, st, &g, BIBLIO_FRACTIONAL, 0, 1);
	const biblio_result *a = &r[ORG_A], *b = &r[ORG_B];
	assert_float_equal(a->p, 2.5, EPS);
	assert_float_equal(a->tcs, 12, EPS);
	assert_float_equal(a->mcs, 4.8, EPS);
	assert_float_equal(a->tncs, 2.7, EPS);
	assert_float_equal(a->mncs, 1.08, EPS);
	assert_float_equal(a->p_top[BIBLIO_TOP10], 0.225, EPS);
	assert_float_equal(a->pp_top[BIBLIO_TOP10], 0.09, EPS);
	assert_float_equal(a->pp_top[BIBLIO_TOP1], 0.009, EPS);
	assert_float_equal(a->pp_top[BIBLIO_TOP50], 0.575, EPS);
	assert_float_equal(a->p_collab, 1.5, EPS);
	assert_float_equal(a->pp_int_collab, 0.2, EPS);
	assert_float_equal(a->pp_industry, 0.2, EPS);
	assert_float_equal(a->p_short_dist, 0.5, EPS);
	assert_float_equal(a->p_long_dist, 0.5, EPS);
	assert_float_equal(a->mgcd, 0.5 * (0.5 + 60 + 1) * KM_PER_DEG / 2.5, 1e-6);
	assert_float_equal(a->h_index, 2, EPS);
	assert_float_equal(b->p, 7.0 / 6, EPS);
	assert_float_equal(b->mcs, 34.0 / 7, EPS);
	assert_float_equal(b->mncs, 1.275 / (7.0 / 6), EPS);
}

/* A and B in one commune: full counting counts P0 .. P4 once each (P =
 * 5, TCS 20, MNCS 1: the whole world); fractional sums the weights of
 * both: P0 1, P1 2/3, P2 1, P3 1/2, P4 1/2 = 11/3. With P4 left out of
 * the column (a period), A alone has P0, P1, P2: P = 3. */
static void test_bibliometrics__groups(void **state)
{
	(void)state;
	biblio_input in = fixture();
	biblio_pubstat st[8];
	biblio_result r[2];
	const int32_t commune[] = { 0, 0 };
	biblio_grouping g = { .org_row = commune, .n_rows = 1, .n_cols = 1 };
	prepare(st, &in, BIBLIO_FULL);
	compute(r, &in, st, &g, BIBLIO_FULL, 0, 1);
	assert_int_equal(r[0].n_orgs, 2);
	assert_float_equal(r[0].p, 5, EPS);
	assert_float_equal(r[0].tcs, 20, EPS);
	assert_float_equal(r[0].mncs, 1, EPS);
	assert_float_equal(r[0].pp_top[BIBLIO_TOP10], 0.1, EPS);
	prepare(st, &in, BIBLIO_FRACTIONAL);
	compute(r, &in, st, &g, BIBLIO_FRACTIONAL, 0, 1);
	assert_float_equal(r[0].p, 11.0 / 3, EPS);
	const int32_t period[] = { 0, 0, 0, 0, -1, 0 };
	biblio_grouping by_org = { .n_rows = 2, .pub_col = period, .n_cols = 1 };
	prepare(st, &in, BIBLIO_FULL);
	compute(r, &in, st, &by_org, BIBLIO_FULL, 0, 1);
	assert_float_equal(r[ORG_A].p, 3, EPS);
	assert_float_equal(r[ORG_A].pp_industry, 0, EPS);
	/* two columns: P4 in the second */
	const int32_t years[] = { 0, 0, 0, 0, 1, 0 };
	biblio_result rr[4];
	biblio_grouping by_year = { .n_rows = 2, .pub_col = years, .n_cols = 2 };
	compute(rr, &in, st, &by_year, BIBLIO_FULL, 0, 1);
	assert_float_equal(rr[ORG_A * 2 + 1].p, 1, EPS);
	assert_int_equal(rr[ORG_B * 2 + 1].n_orgs, 0);
	assert_true(isnan(rr[ORG_B * 2 + 1].mncs));
}

/* Ten publications of field 0 and year 2021, one each of A:
 * citations 5, 5, 5, 1, 1, 1, 1, 1, 0, 0 (mean 2).
 * Full counting: top 10 % is 1 publication; the three tied at 5 share it:
 * 1/3 each. Top 1 %: 0.1 / 3 each. Top 50 %: 5; the three at 5 are in (3),
 * the five at 1 share the remaining 2: 0.4 each; the two at 0 are out.
 * A: P(top 10 %) = 1, PP = 0.1; P(top 50 %) = 3 + 5 x 0.4 = 5.
 * Fractional counting, the first publication having a second author
 * without affiliation (weight 1/2): V = 9.5; top 10 % is 0.95; the tied
 * weight 0.5 + 1 + 1 = 2.5, so each gets 0.95 / 2.5 = 0.38, and the
 * weighted sum 0.38 x 2.5 is exactly 0.95. */
static void test_bibliometrics__top_threshold_ties(void **state)
{
	(void)state;
	static biblio_pub tp[10];
	static biblio_affil ta[10];
	const double cit[] = { 5, 5, 5, 1, 1, 1, 1, 1, 0, 0 };
	for (int i = 0; i < 10; i++) {
		ta[i] = aff(0, ORG_A, INST_A, "VN", false, 0);
		tp[i] = (biblio_pub){ .year = 2021, .field = 0, .citations = cit[i], .counted = true,
			.n_authors = i == 0 ? 2 : 1, .first = (uint32_t)i, .n = 1 };
	}
	biblio_input in = { .pubs = tp, .n_pubs = 10, .affils = ta, .n_affils = 10, .n_orgs = 1 };
	biblio_pubstat st[10];
	prepare(st, &in, BIBLIO_FULL);
	for (int i = 0; i < 3; i++) {
		assert_float_equal(st[i].top[BIBLIO_TOP10], 1.0 / 3, EPS);
		assert_float_equal(st[i].top[BIBLIO_TOP1], 0.1 / 3, EPS);
		assert_float_equal(st[i].top[BIBLIO_TOP50], 1, EPS);
	}
	for (int i = 3; i < 8; i++) {
		assert_float_equal(st[i].top[BIBLIO_TOP10], 0, EPS);
		assert_float_equal(st[i].top[BIBLIO_TOP50], 0.4, EPS);
	}
	assert_float_equal(st[9].top[BIBLIO_TOP50], 0, EPS);
	biblio_grouping g = { .n_rows = 1, .n_cols = 1 };
	biblio_result r;
	compute(&r, &in, st, &g, BIBLIO_FULL, 0, 1);
	assert_float_equal(r.p_top[BIBLIO_TOP10], 1, EPS);
	assert_float_equal(r.pp_top[BIBLIO_TOP10], 0.1, EPS);
	assert_float_equal(r.p_top[BIBLIO_TOP50], 5, EPS);
	assert_float_equal(r.mncs, 1, EPS);
	prepare(st, &in, BIBLIO_FRACTIONAL);
	double sum = 0;
	for (int i = 0; i < 3; i++) {
		assert_float_equal(st[i].top[BIBLIO_TOP10], 0.38, EPS);
		sum += st[i].weight * st[i].top[BIBLIO_TOP10];
	}
	assert_float_equal(sum, 0.95, EPS);
}

/* Every publication has NCS 1 when nothing in its field and year is
 * cited. */
static void test_bibliometrics__uncited_field(void **state)
{
	(void)state;
	biblio_pub tp[2];
	biblio_affil ta[2];
	for (int i = 0; i < 2; i++) {
		ta[i] = aff(0, 0, INST_A, "VN", false, 0);
		tp[i] = (biblio_pub){ .year = 2021, .field = 3, .citations = 0, .counted = true, .n_authors = 1,
			.first = (uint32_t)i, .n = 1 };
	}
	biblio_input in = { .pubs = tp, .n_pubs = 2, .affils = ta, .n_affils = 2, .n_orgs = 1 };
	biblio_pubstat st[2];
	prepare(st, &in, BIBLIO_FULL);
	assert_float_equal(st[0].ncs, 1, EPS);
	assert_float_equal(st[1].top[BIBLIO_TOP10], 0.1, EPS);
}

static void test_bibliometrics__unknown_distance(void **state)
{
	(void)state;
	biblio_input in = fixture();
	/* F without coordinates: P1's distance is unknown, A's MGCD is over
	 * P0, P2, P4: (55.597 + 0 + 111.195) / 3, and P1 is in neither
	 * distance class */
	affils[5].lat = NAN;
	biblio_pubstat st[8];
	prepare(st, &in, BIBLIO_FULL);
	assert_true(isnan(st[1].gcd));
	biblio_grouping g = { .n_rows = 2, .n_cols = 1 };
	biblio_result r[2];
	compute(r, &in, st, &g, BIBLIO_FULL, 0, 1);
	assert_float_equal(r[ORG_A].mgcd, 1.5 * KM_PER_DEG / 3, 1e-6);
	assert_float_equal(r[ORG_A].p_dist_known, 3, EPS);
	assert_float_equal(r[ORG_A].p_long_dist, 0, EPS);
	assert_float_equal(r[ORG_A].pp_long_dist, 0, EPS);
}

/* Intervals: the same seed gives the same bounds on one thread or two,
 * with or without the other organisation; the bounds hold the point
 * value; a cell of one publication can only resample itself. */
static void test_bibliometrics__bootstrap(void **state)
{
	(void)state;
	biblio_input in = fixture();
	biblio_pubstat st[8];
	prepare(st, &in, BIBLIO_FRACTIONAL);
	biblio_grouping g = { .n_rows = 2, .n_cols = 1 };
	biblio_result r1[2], r2[2], r3[1];
	compute(r1, &in, st, &g, BIBLIO_FRACTIONAL, 1000, 1);
	compute(r2, &in, st, &g, BIBLIO_FRACTIONAL, 1000, 2);
	const int32_t only_a[] = { 0, -1 };
	const uint64_t key_a[] = { ORG_A };
	biblio_grouping ga = { .org_row = only_a, .n_rows = 1, .n_cols = 1, .row_key = key_a };
	compute(r3, &in, st, &ga, BIBLIO_FRACTIONAL, 1000, 1);
	for (int k = 0; k < BIBLIO_N_CI; k++) {
		assert_true(r1[ORG_A].ci[k].lo == r2[ORG_A].ci[k].lo);
		assert_true(r1[ORG_A].ci[k].hi == r2[ORG_A].ci[k].hi);
		assert_true(r1[ORG_B].ci[k].hi == r2[ORG_B].ci[k].hi);
		assert_true(r1[ORG_A].ci[k].lo == r3[0].ci[k].lo);
		assert_true(r1[ORG_A].ci[k].lo <= r1[ORG_A].ci[k].hi);
	}
	const biblio_result *a = &r1[ORG_A];
	assert_true(a->ci[BIBLIO_CI_MCS].lo <= a->mcs && a->mcs <= a->ci[BIBLIO_CI_MCS].hi);
	assert_true(a->ci[BIBLIO_CI_MNCS].lo <= a->mncs && a->mncs <= a->ci[BIBLIO_CI_MNCS].hi);
	assert_true(a->ci[BIBLIO_CI_PP_TOP10].lo <= a->pp_top[BIBLIO_TOP10]
		&& a->pp_top[BIBLIO_TOP10] <= a->ci[BIBLIO_CI_PP_TOP10].hi);
	/* four publications with different citations: the interval is not a point */
	assert_true(a->ci[BIBLIO_CI_MCS].lo < a->ci[BIBLIO_CI_MCS].hi);
	/* the MCS of a resample lies between the smallest and the largest
	 * citations of A's publications, 2 and 10 */
	assert_true(a->ci[BIBLIO_CI_MCS].lo >= 2 && a->ci[BIBLIO_CI_MCS].hi <= 10);
	/* another seed, other bounds */
	biblio_options o = { .counting = BIBLIO_FRACTIONAL, .n_boot = 1000, .seed = 58 };
	assert_int_equal(biblio_compute(r2, &in, st, &g, &o), 0);
	assert_true(r2[ORG_A].ci[BIBLIO_CI_MCS].lo != a->ci[BIBLIO_CI_MCS].lo
		|| r2[ORG_A].ci[BIBLIO_CI_MCS].hi != a->ci[BIBLIO_CI_MCS].hi);
	/* one publication: P2 alone in a column */
	const int32_t col[] = { -1, -1, 0, -1, -1, -1 };
	biblio_grouping one = { .n_rows = 2, .pub_col = col, .n_cols = 1 };
	compute(r1, &in, st, &one, BIBLIO_FRACTIONAL, 200, 1);
	assert_float_equal(r1[ORG_A].ci[BIBLIO_CI_MNCS].lo, 0.9, EPS);
	assert_float_equal(r1[ORG_A].ci[BIBLIO_CI_MNCS].hi, 0.9, EPS);
}

static void test_bibliometrics__bad_input(void **state)
{
	(void)state;
	biblio_input in = fixture();
	biblio_pubstat st[8];
	affils[0].author = 5;
	assert_int_equal(biblio_prepare(st, &in, BIBLIO_FULL), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "publication 0"));
	in = fixture();
	affils[3].author = 0; /* P1: a0, a1, a0 */
	affils[4].author = 0;
	affils[2].author = 1;
	assert_int_equal(biblio_prepare(st, &in, BIBLIO_FULL), ERR_INVALID);
	in = fixture();
	prepare(st, &in, BIBLIO_FULL);
	const int32_t rows[] = { 0, 3 };
	biblio_grouping g = { .org_row = rows, .n_rows = 2, .n_cols = 1 };
	biblio_options o = { .counting = BIBLIO_FULL };
	biblio_result r[2];
	assert_int_equal(biblio_compute(r, &in, st, &g, &o), ERR_INVALID);
	assert_int_equal(biblio_counting_parse("fractional"), BIBLIO_FRACTIONAL);
	assert_int_equal(biblio_counting_parse("half"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bibliometrics__prepare_full),
		cmocka_unit_test(test_bibliometrics__prepare_fractional),
		cmocka_unit_test(test_bibliometrics__fractional_shares),
		cmocka_unit_test(test_bibliometrics__organisations_full),
		cmocka_unit_test(test_bibliometrics__organisations_fractional),
		cmocka_unit_test(test_bibliometrics__groups),
		cmocka_unit_test(test_bibliometrics__top_threshold_ties),
		cmocka_unit_test(test_bibliometrics__uncited_field),
		cmocka_unit_test(test_bibliometrics__unknown_distance),
		cmocka_unit_test(test_bibliometrics__bootstrap),
		cmocka_unit_test(test_bibliometrics__bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
