/* Tests for analytics/javarandom, network, leiden, vos_layout and
 * vosviewer: hand-checked tiny graphs, java.util.Random's own first values,
 * and the test cases of CWTS networkanalysis from
 * ../shared/data/bibliometrics/networks beside the repository (those
 * report themselves skipped when the data is absent). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analytics/javarandom.h"
#include "analytics/leiden.h"
#include "analytics/network.h"
#include "analytics/vos_layout.h"
#include "analytics/vosviewer.h"
#include "util/err.h"
#include "util/str.h"

#define NETWORKS_DIR "../shared/data/bibliometrics/networks"

/* The data beside the repository, looked for from NQ57_SOURCE_ROOT, from
 * this file's path less tests/unit/analytics/test_network.c (meson
 * compiles it by a path relative to the build directory, where tests run),
 * and from the working directory and its parent. */
static const char *data_dir(void)
{
	static char dir[4096];
	char src[2048];
	snprintf(src, sizeof(src), "%s", __FILE__);
	char *cut = strstr(src, "tests/unit/analytics/");
	if (cut)
		*cut = 0;
	const char *env = getenv("NQ57_SOURCE_ROOT");
	const char *roots[] = { env && *env ? env : NULL, cut && *src ? src : NULL, ".", ".." };
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		if (!roots[i])
			continue;
		size_t len = strlen(roots[i]);
		snprintf(dir, sizeof(dir), "%s%s%s", roots[i], len && roots[i][len - 1] == '/' ? "" : "/", NETWORKS_DIR);
		char probe[4200];
		snprintf(probe, sizeof(probe), "%s/expected_results.json", dir);
		if (access(probe, R_OK) == 0)
			return dir;
	}
	return NULL;
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return p;
}

#define SKIP_WITHOUT_DATA(name)                                              \
	const char *dir = data_dir();                                            \
	if (!dir) {                                                              \
		printf("%s: skipped, needs %s\n", name, NETWORKS_DIR);               \
		skip();                                                              \
	}

/* Reads "a<TAB>b[<TAB>w]" lines into edges; returns their count. */
static size_t read_tsv(const char *dir, const char *name, network_edge *edges, size_t max)
{
	size_t len, n = 0;
	char *text = slurp(dir, name, &len), *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int a, b;
		double w = 1;
		if (sscanf(line, "%d\t%d\t%lf", &a, &b, &w) < 2)
			continue;
		assert_true(n < max);
		edges[n++] = (network_edge){ a, b, w };
	}
	free(text);
	return n;
}

static json_t *expected(const char *dir)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/expected_results.json", dir);
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);
	if (!j)
		fail_msg("expected_results.json: %s", e.text);
	return j;
}

/* ---- java.util.Random -------------------------------------------------- */

/* The values java.util.Random(seed) gives for nextInt(), nextInt(),
 * nextInt(10), nextInt(1000), nextInt(16), nextDouble(), nextDouble(), as
 * the JDK prints them. */
static void test_network__java_random_first_values(void **state)
{
	(void)state;
	struct { int64_t seed; int32_t i1, i2, b10, b1000, b16; double d1, d2; } want[] = {
		{ 0, -1155484576, -723955400, 9, 447, 10, 0.3090505681997092, 0.11700660880722513 },
		{ 42, -1170105035, 234785527, 8, 884, 4, 0.9420735430282128, 0.7077105889551186 },
	};
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		rng r;
		rng_seed(&r, RNG_JAVA, want[k].seed);
		assert_int_equal(rng_next_bits(&r, 32), want[k].i1);
		assert_int_equal(rng_next_bits(&r, 32), want[k].i2);
		assert_int_equal(rng_next_int(&r, 10), want[k].b10);
		assert_int_equal(rng_next_int(&r, 1000), want[k].b1000);
		assert_int_equal(rng_next_int(&r, 16), want[k].b16);
		assert_true(rng_next_double(&r) == want[k].d1);
		assert_true(rng_next_double(&r) == want[k].d2);
	}
	/* new Random(0).nextDouble(), the JDK's best-known value. */
	rng r;
	rng_seed(&r, RNG_JAVA, 0);
	assert_true(rng_next_double(&r) == 0.730967787376657);
}

static void test_network__fast_random_is_seeded(void **state)
{
	(void)state;
	rng a, b, c;
	rng_seed(&a, RNG_FAST, 7);
	rng_seed(&b, RNG_FAST, 7);
	rng_seed(&c, RNG_FAST, 8);
	int same = 0, in_range = 1;
	for (int i = 0; i < 1000; i++) {
		int32_t x = rng_next_int(&a, 37);
		assert_int_equal(x, rng_next_int(&b, 37));
		same += x == rng_next_int(&c, 37);
		double d = rng_next_double(&a);
		rng_next_double(&b);
		in_range &= d >= 0 && d < 1 && x >= 0 && x < 37;
	}
	assert_true(in_range);
	assert_true(same < 100);
}

/* ---- networks --------------------------------------------------------- */

static void test_network__build_sums_duplicates_drops_self_links(void **state)
{
	(void)state;
	network_edge e[] = { { 0, 1, 1 }, { 2, 1, 2 }, { 1, 0, 3 }, { 2, 2, 5 }, { 1, 2, 0.5 } };
	network n;
	assert_int_equal(network_build(&n, 3, e, 5, NODE_WEIGHTS_STRENGTH), 0);
	assert_int_equal(n.n_entries, 4);
	/* node 1: neighbours 0 (1 + 3) and 2 (2 + 0.5), in increasing order */
	assert_int_equal(n.first[1], 1);
	assert_int_equal(n.neighbors[1], 0);
	assert_true(n.edge_weights[1] == 4);
	assert_int_equal(n.neighbors[2], 2);
	assert_true(n.edge_weights[2] == 2.5);
	assert_true(n.node_weights[1] == 6.5);
	assert_true(network_total_edge_weight(&n) == 6.5);
	network_free(&n);

	network_edge bad[] = { { 0, 1, 1 }, { 0, 3, 1 } };
	assert_int_equal(network_build(&n, 3, bad, 2, NODE_WEIGHTS_ONE), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "link 2"));
}

/* 0 -2- 1 -4- 2: strengths 2, 6, 4, total 12. Association strength:
 * 2 / (2*6/12) = 2 and 4 / (6*4/12) = 2; fractionalization (N = 3):
 * 2 / (2 / (3/2 + 3/6)) = 2 and 4 / (2 / (3/6 + 3/4)) = 2.5. */
static void test_network__normalisation_by_hand(void **state)
{
	(void)state;
	network_edge e[] = { { 0, 1, 2 }, { 1, 2, 4 } };
	network n, a, f;
	assert_int_equal(network_build(&n, 3, e, 2, NODE_WEIGHTS_STRENGTH), 0);
	assert_int_equal(network_normalise(&a, &n, NORMALISE_ASSOCIATION), 0);
	assert_int_equal(network_normalise(&f, &n, NORMALISE_FRACTIONALIZATION), 0);
	assert_true(fabs(a.edge_weights[0] - 2) < 1e-15 && fabs(a.edge_weights[3] - 2) < 1e-15);
	assert_true(fabs(network_total_edge_weight(&a) - 4) < 1e-15);
	assert_true(fabs(f.edge_weights[0] - 2) < 1e-15 && fabs(f.edge_weights[3] - 2.5) < 1e-15);
	assert_true(fabs(network_total_edge_weight(&f) - 4.5) < 1e-15);
	assert_true(a.node_weights[1] == 1 && f.node_weights[2] == 1);
	network_free(&n);
	network_free(&a);
	network_free(&f);
}

/* Two triangles joined by one link split into the two triangles, with
 * modularity and with CPM, whichever random source. */
static void test_network__two_triangles_two_clusters(void **state)
{
	(void)state;
	network_edge e[] = { { 0, 1, 1 }, { 1, 2, 1 }, { 0, 2, 1 }, { 3, 4, 1 }, { 4, 5, 1 }, { 3, 5, 1 }, { 2, 3, 1 } };
	network n;
	assert_int_equal(network_build(&n, 6, e, 7, NODE_WEIGHTS_STRENGTH), 0);
	for (int kind = RNG_JAVA; kind <= RNG_FAST; kind++)
		for (int seed = 0; seed < 5; seed++) {
			rng r;
			rng_seed(&r, (rng_kind)kind, seed);
			leiden_options o;
			leiden_defaults(&o);
			o.resolution = leiden_modularity_resolution(&n, 1);
			o.n_iterations = 0;
			int32_t c[6];
			int nc;
			double q;
			assert_int_equal(leiden_cluster(c, &nc, &q, &n, &o, &r), 0);
			assert_int_equal(nc, 2);
			assert_true(c[0] == c[1] && c[1] == c[2] && c[3] == c[4] && c[4] == c[5] && c[0] != c[3]);
			/* modularity 2 * (6/14 - (7/14)^2) = 5/14 */
			assert_true(fabs(q - 5.0 / 14) < 1e-12);
		}
	network_free(&n);
}

static void test_network__clustering_reproduces_reference(void **state)
{
	(void)state;
	SKIP_WITHOUT_DATA("test_network__clustering_reproduces_reference");
	json_t *ex = expected(dir), *cases = json_object_get(json_object_get(ex, "clustering_test"), "cases"), *c;
	network_edge e[64];
	size_t n_e = read_tsv(dir, "clustering_test_network.tsv", e, 64);
	network net;
	assert_int_equal(network_build(&net, 8, e, n_e, NODE_WEIGHTS_ONE), 0);
	size_t i;
	int checked = 0;
	json_array_foreach(cases, i, c) {
		json_t *want = json_object_get(c, "expected_clusters");
		if (!want)
			continue;
		leiden_options o;
		leiden_defaults(&o);
		o.resolution = json_number_value(json_object_get(c, "resolution"));
		o.randomness = json_number_value(json_object_get(c, "randomness"));
		rng r;
		rng_seed(&r, RNG_JAVA, 0);
		int32_t cl[8];
		int nc;
		double q;
		assert_int_equal(leiden_cluster(cl, &nc, &q, &net, &o, &r), 0);
		for (int k = 0; k < 8; k++)
			assert_int_equal(cl[k], json_integer_value(json_array_get(want, (size_t)k)));
		assert_true(fabs(q - json_number_value(json_object_get(c, "expected_quality"))) < 1e-10);
		checked++;
	}
	assert_int_equal(checked, 2);
	/* testReducedNetworkQualityValue: the same quality on the aggregate */
	int32_t cl[8] = { 1, 1, 1, 0, 0, 0, 0, 0 }, single[2] = { 0, 1 };
	network red;
	assert_int_equal(network_reduce(&red, &net, cl, 2), 0);
	double q1 = leiden_quality(&net, cl, 2, 1), q2 = leiden_quality(&red, single, 2, 1);
	assert_true(fabs(q1 - q2) < 1e-10);
	assert_true(fabs(q1 - -1.0) < 1e-10);
	network_free(&red);
	network_free(&net);
	json_decref(ex);
}

static void layout_network(const char *dir, network *net)
{
	network_edge e[64];
	size_t n_e = read_tsv(dir, "layout_test_network_weighted.tsv", e, 64);
	assert_int_equal(network_build(net, 10, e, n_e, NODE_WEIGHTS_STRENGTH), 0);
}

static void test_network__normalisation_reproduces_reference(void **state)
{
	(void)state;
	SKIP_WITHOUT_DATA("test_network__normalisation_reproduces_reference");
	json_t *ex = expected(dir), *lt = json_object_get(ex, "layout_test");
	network net, a, f;
	layout_network(dir, &net);
	assert_true(fabs(network_total_edge_weight(&net) - json_number_value(json_object_get(lt, "expected_total_edge_weight"))) < 1e-10);
	assert_int_equal(network_normalise(&a, &net, NORMALISE_ASSOCIATION), 0);
	assert_int_equal(network_normalise(&f, &net, NORMALISE_FRACTIONALIZATION), 0);
	assert_true(fabs(network_total_edge_weight(&a) - 59.01145827229578) < 1e-10);
	assert_true(fabs(network_total_edge_weight(&a) -
	                 json_number_value(json_object_get(lt, "expected_total_edge_weight_association_strength_normalized"))) < 1e-10);
	assert_true(fabs(network_total_edge_weight(&f) - 50) < 1e-10);
	network_free(&net);
	network_free(&a);
	network_free(&f);
	json_decref(ex);
}

static void test_network__layout_reproduces_reference(void **state)
{
	(void)state;
	SKIP_WITHOUT_DATA("test_network__layout_reproduces_reference");
	json_t *ex = expected(dir), *gd = json_object_get(json_object_get(ex, "layout_test"), "gradient_descent_vos");
	network net, a;
	layout_network(dir, &net);
	assert_int_equal(network_normalise(&a, &net, NORMALISE_ASSOCIATION), 0);
	vos_layout_options o;
	vos_layout_defaults(&o);
	o.attraction = (int)json_integer_value(json_object_get(gd, "attraction"));
	o.repulsion = (int)json_integer_value(json_object_get(gd, "repulsion"));
	rng r;
	rng_seed(&r, RNG_JAVA, 0);
	double x[10], y[10];
	assert_int_equal(vos_layout_find(x, y, &a, &o, &r), 0);
	vos_layout_standardize(x, y, 10, true);
	json_t *xy = json_object_get(gd, "expected_xy");
	for (int i = 0; i < 10; i++) {
		double ex_x = json_number_value(json_array_get(json_array_get(xy, (size_t)i), 0));
		double ex_y = json_number_value(json_array_get(json_array_get(xy, (size_t)i), 1));
		if (fabs(x[i] - ex_x) > 1e-8 || fabs(y[i] - ex_y) > 1e-8)
			fail_msg("node %d at (%.9f, %.9f), expected (%.9f, %.9f)", i, x[i], y[i], ex_x, ex_y);
	}
	double q = vos_layout_quality(x, y, &a, &o);
	assert_true(fabs(q - json_number_value(json_object_get(gd, "expected_quality"))) < 1e-10);
	assert_true(fabs(q - 55.06823414047805) < 1e-10);

	/* The fast form takes steps equal to about 1e-12, but the descent stops
	 * once its step is below min_step_size (0.001): it ends near the same
	 * layout (here within 0.05), with a quality no worse than 0.1 % (here
	 * 55.051, slightly better). */
	o.exact = false;
	rng_seed(&r, RNG_JAVA, 0);
	double fx[10], fy[10];
	assert_int_equal(vos_layout_find(fx, fy, &a, &o, &r), 0);
	vos_layout_standardize(fx, fy, 10, true);
	for (int i = 0; i < 10; i++)
		if (!(fabs(fx[i] - x[i]) < 0.05 && fabs(fy[i] - y[i]) < 0.05))
			fail_msg("fast: node %d at (%.12f, %.12f), exact (%.12f, %.12f)", i, fx[i], fy[i], x[i], y[i]);
	double fq = vos_layout_quality(fx, fy, &a, &o);
	if (!(fq < q + 1e-3 * fabs(q)))
		fail_msg("fast: quality %.12f, exact %.12f", fq, q);
	network_free(&net);
	network_free(&a);
	json_decref(ex);
}

/* ---- VOSviewer files --------------------------------------------------- */

static const char MAP[] =
	"id\tlabel\tx\ty\tcluster\tweight<Links>\tweight<Total link strength>\tscore<Avg. pub. year>\n"
	"1\tĐại học Bách khoa Hà Nội\t0.5\t-0.25\t1\t2\t3.5\t2021.5\n"
	"2\tVNU\t-0.125\t0.75\t2\t1\t1\t2020\n"
	"3\t\"VAST\"\t0\t0\t1\t1\t2.5\t2019\n";
static const char NET[] = "1\t2\t1\n1\t3\t2.5\r\n";

static void test_network__vosviewer_round_trip(void **state)
{
	(void)state;
	vos_map m, m2;
	vos_links l = { 0 }, l2 = { 0 };
	vos_map_init(&m);
	vos_map_init(&m2);
	assert_int_equal(vosviewer_read_map(&m, MAP, strlen(MAP)), 0);
	assert_int_equal(vosviewer_read_network(&l, &m, NET, strlen(NET)), 0);
	assert_int_equal(m.n_items, 3);
	assert_string_equal(m.items[0].label, "Đại học Bách khoa Hà Nội");
	assert_string_equal(m.items[2].label, "VAST");
	assert_int_equal(m.n_weights, 2);
	assert_string_equal(m.weight_names[1], "Total link strength");
	assert_int_equal(l.n, 2);
	str a = { 0 }, b = { 0 };
	vosviewer_write_map(&a, &m);
	vosviewer_write_network(&b, &m, &l);
	assert_int_equal(vosviewer_read_map(&m2, a.ptr, a.len), 0);
	assert_int_equal(vosviewer_read_network(&l2, &m2, b.ptr, b.len), 0);
	assert_int_equal(m2.n_items, 3);
	for (int i = 0; i < 3; i++) {
		assert_true(m2.items[i].id == m.items[i].id);
		assert_string_equal(m2.items[i].label, m.items[i].label);
		assert_true(m2.items[i].x == m.items[i].x && m2.items[i].y == m.items[i].y);
		assert_int_equal(m2.items[i].cluster, m.items[i].cluster);
		assert_true(m2.items[i].weights[1] == m.items[i].weights[1]);
		assert_true(m2.items[i].scores[0] == m.items[i].scores[0]);
	}
	assert_int_equal(l2.n, 2);
	for (size_t k = 0; k < 2; k++)
		assert_true(l2.edges[k].a == l.edges[k].a && l2.edges[k].b == l.edges[k].b && l2.edges[k].weight == l.edges[k].weight);
	network n;
	assert_int_equal(vosviewer_to_network(&n, &m2, &l2), 0);
	assert_true(network_total_edge_weight(&n) == 3.5);
	network_free(&n);
	str_free(&a);
	str_free(&b);
	vos_links_free(&l);
	vos_links_free(&l2);
	vos_map_free(&m);
	vos_map_free(&m2);
}

static void test_network__vosviewer_bad_lines_named(void **state)
{
	(void)state;
	vos_map m;
	vos_links l = { 0 };
	vos_map_init(&m);
	const char *net = "1\t2\t3\n\n1\tx\t2\n";
	assert_int_equal(vosviewer_read_network(&l, &m, net, strlen(net)), ERR_INVALID);
	assert_string_equal(err_msg(), "network line 3: id 'x' is not a positive integer");
	vos_links_free(&l);
	vos_map_free(&m);

	vos_map_init(&m);
	const char *map = "id\tlabel\tx\ty\n1\ta\t0.5\t1\n2\tb\tleft\t1\n";
	assert_int_equal(vosviewer_read_map(&m, map, strlen(map)), ERR_INVALID);
	assert_string_equal(err_msg(), "map line 3: 'left' is not a number");
	vos_map_free(&m);

	char *long_line = malloc(3000);
	memset(long_line, '1', 2999);
	long_line[2999] = 0;
	vos_map_init(&m);
	assert_int_equal(vosviewer_read_network(&l, &m, long_line, strlen(long_line)), ERR_INVALID);
	assert_string_equal(err_msg(), "network line 1 is longer than 1023 bytes");
	free(long_line);
	vos_links_free(&l);
	vos_map_free(&m);

	vos_map_init(&m);
	assert_int_equal(vosviewer_read_map(&m, MAP, strlen(MAP)), 0);
	const char *unknown = "1\t2\n2\t9\t1\n";
	assert_int_equal(vosviewer_read_network(&l, &m, unknown, strlen(unknown)), ERR_INVALID);
	assert_string_equal(err_msg(), "network line 2: id 9 is not in the map");
	vos_links_free(&l);
	vos_map_free(&m);
}

/* The real Leiden Ranking map and network read, cluster and lay out. */
static void test_network__leiden_ranking_files(void **state)
{
	(void)state;
	SKIP_WITHOUT_DATA("test_network__leiden_ranking_files");
	size_t ml, nl;
	char *mt = slurp(dir, "Leiden_Ranking_2015_university_collaboration_map.txt", &ml);
	char *nt = slurp(dir, "Leiden_Ranking_2015_university_collaboration_network.txt", &nl);
	vos_map m;
	vos_links l = { 0 };
	vos_map_init(&m);
	assert_int_equal(vosviewer_read_map(&m, mt, ml), 0);
	assert_int_equal(vosviewer_read_network(&l, &m, nt, nl), 0);
	assert_int_equal(m.n_items, 750);
	assert_int_equal(l.n, 151644);   /* one line per link */
	network n, a;
	assert_int_equal(vosviewer_to_network(&n, &m, &l), 0);
	assert_int_equal(network_normalise(&a, &n, NORMALISE_ASSOCIATION), 0);
	leiden_options o;
	leiden_defaults(&o);
	o.n_iterations = 0;
	rng r;
	rng_seed(&r, RNG_FAST, 1);
	int32_t *c = malloc(sizeof(int32_t) * 750);
	int nc;
	double q;
	assert_int_equal(leiden_cluster(c, &nc, &q, &a, &o, &r), 0);
	assert_true(nc > 1 && nc < 750);
	assert_true(q > 0);
	free(c);
	network_free(&n);
	network_free(&a);
	vos_links_free(&l);
	vos_map_free(&m);
	free(mt);
	free(nt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_network__java_random_first_values),
		cmocka_unit_test(test_network__fast_random_is_seeded),
		cmocka_unit_test(test_network__build_sums_duplicates_drops_self_links),
		cmocka_unit_test(test_network__normalisation_by_hand),
		cmocka_unit_test(test_network__two_triangles_two_clusters),
		cmocka_unit_test(test_network__clustering_reproduces_reference),
		cmocka_unit_test(test_network__normalisation_reproduces_reference),
		cmocka_unit_test(test_network__layout_reproduces_reference),
		cmocka_unit_test(test_network__vosviewer_round_trip),
		cmocka_unit_test(test_network__vosviewer_bad_lines_named),
		cmocka_unit_test(test_network__leiden_ranking_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
