/* bench/index driver: reads bench/index's values.csv and tree.csv, runs
 * index_mc (libnq57) and prints "seconds cpu-seconds checksum mean-shift"
 * (the checksum: FNV-1a of the median ranks' bits); writes one line per
 * unit to OUT: the nominal rank (case nominal) or median, p05
 * and p95. Built by bench/index.sh against $BUILD/src/libnq57.a.
 *
 *   driver DIR CASE RUNS SEED THREADS OUT
 *
 * CASE: nominal (nominal weights, min-max 0..100, arithmetic means: one
 * run), weights (weights +-25 %), full (weights, min-max or z-score,
 * arithmetic or geometric at both levels), full-sa (full with the
 * sensitivity analysis: RUNS x 5 runs; also prints Si and STi). */
#include "analytics/index_mc.h"
#include "util/err.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LINE_MAX_LEN 65536
#define MAX_COLS 1024

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "bench/index driver: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

/* Splits line at commas in place (no quoting: the generator writes none). */
static int split(char *line, char **f, int max)
{
	int n = 0;
	line[strcspn(line, "\r\n")] = 0;
	for (char *p = line; n < max;) {
		f[n++] = p;
		char *c = strchr(p, ',');
		if (!c)
			break;
		*c = 0;
		p = c + 1;
	}
	return n;
}

static FILE *open_in(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	if (!f)
		die("cannot open %s", path);
	return f;
}

static double now(clockid_t clock)
{
	struct timespec t;
	clock_gettime(clock, &t);
	return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	if (argc != 7)
		die("usage: driver DIR CASE RUNS SEED THREADS OUT%s", "");
	const char *dir = argv[1], *kase = argv[2], *out = argv[6];
	static char line[LINE_MAX_LEN];
	char *f[MAX_COLS];

	index_def d;
	index_def_init(&d);
	FILE *t = open_in(dir, "tree.csv");
	if (!fgets(line, sizeof(line), t))
		die("%s/tree.csv is empty", dir);
	while (fgets(line, sizeof(line), t)) {
		if (split(line, f, MAX_COLS) < 4)
			die("tree.csv: a short line: %s", line);
		int rc = f[3][0] ? index_def_indicator(&d, f[0], f[1], atof(f[2]), atoi(f[3]))
		                 : index_def_aggregate(&d, f[0], f[1], atof(f[2]));
		if (rc < 0)
			die("tree.csv: %s", err_msg());
	}
	fclose(t);

	FILE *v = open_in(dir, "values.csv");
	if (!fgets(line, sizeof(line), v))
		die("%s/values.csv is empty", dir);
	int cols = split(line, f, MAX_COLS) - 1;
	if (cols != d.n_indicators)
		die("values.csv: not the indicators of tree.csv%s", "");
	int cap = 4096, n = 0;
	double *values = malloc((size_t)cap * cols * sizeof(double));
	while (values && fgets(line, sizeof(line), v)) {
		if (n == cap)
			values = realloc(values, (size_t)(cap *= 2) * cols * sizeof(double));
		if (!values || split(line, f, MAX_COLS) != cols + 1)
			die("values.csv: a bad line%s", "");
		for (int i = 0; i < cols; i++)
			values[(size_t)n * cols + i] = f[i + 1][0] ? strtod(f[i + 1], NULL) : NAN;
		n++;
	}
	fclose(v);
	index_input in = { .n_units = n, .values = values };

	index_options o = index_options_default();
	index_mc_spec s = index_mc_spec_default();
	s.runs = atoi(argv[3]);
	s.seed = strtoull(argv[4], NULL, 10);
	s.threads = atoi(argv[5]);
	bool nominal = strcmp(kase, "nominal") == 0;
	if (nominal) {
		s.runs = 1;
		s.weight_spread = 0;
	} else if (strcmp(kase, "full") == 0 || strcmp(kase, "full-sa") == 0) {
		s.n_norms = 2;
		s.norms[0] = o.norm;
		s.norms[1] = (index_norm_spec){ .method = INDEX_NORM_ZSCORE };
		s.n_aggs = 2;
		for (int l = 0; l <= INDEX_MAX_LEVELS; l++) {
			s.aggs[0].level[l] = INDEX_AGG_ARITH;
			s.aggs[1].level[l] = INDEX_AGG_GEOM;
		}
		s.sensitivity = strcmp(kase, "full-sa") == 0;
	} else if (strcmp(kase, "weights") != 0) {
		die("unknown case %s", kase);
	}

	index_mc_result r;
	double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
	if (index_mc_run(&r, &d, &in, &o, &s) < 0)
		die("index_mc_run: %s", err_msg());
	double secs = now(CLOCK_MONOTONIC) - t0, cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;

	FILE *w = fopen(out, "w");
	if (!w)
		die("cannot write %s", out);
	uint64_t h = 1469598103934665603ULL;   /* FNV-1a of the medians' bits */
	for (int u = 0; u < n; u++) {
		if (nominal)
			fprintf(w, "%d\n", r.nominal[u]);
		else
			fprintf(w, "%g %g %g\n", r.median[u], r.p05[u], r.p95[u]);
		const unsigned char *b = (const unsigned char *)&r.median[u];
		for (size_t i = 0; i < sizeof(double); i++)
			h = (h ^ b[i]) * 1099511628211ULL;
	}
	fclose(w);
	printf("%.4f %.4f %016llx %.4f", secs, cpu, (unsigned long long)h, r.mean_shift);
	for (int i = 0; i < r.n_factors && s.sensitivity; i++)
		printf(" %s:%.3f/%.3f", index_mc_factor_name(r.factor[i]), r.si[i], r.sti[i]);
	printf("\n");
	index_mc_result_free(&r);
	index_def_free(&d);
	free(values);
	return 0;
}
