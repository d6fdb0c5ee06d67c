/* nq57 network analyse: Leiden clustering and the VOS layout of a network
 * read from VOSviewer files, written back as a VOSviewer map with the
 * quality values printed. */
#include "analytics/javarandom.h"
#include "analytics/leiden.h"
#include "analytics/network.h"
#include "analytics/vos_layout.h"
#include "analytics/vosviewer.h"
#include "cli/cli.h"
#include "util/err.h"
#include "util/str.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
	O_MAP, O_NORM, O_QUALITY, O_RES, O_RANDOMNESS, O_ITER, O_SEED, O_RANDOM, O_LAYOUT_ONLY, O_CLUSTERS_ONLY,
	O_OUT, O_STARTS, O_ATTRACTION, O_REPULSION, O_LAYOUT_ITER, O_FAST
};
static const char *const own[] = { "map", "normalisation", "quality", "resolution", "randomness", "iterations", "seed",
	                               "random", "layout-only!", "clusters-only!", "out", "starts", "attraction", "repulsion",
	                               "layout-iterations", "fast!", NULL };

static int read_all(char **out, size_t *len, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(ERR_NOTFOUND, "cannot open '%s': %s", path, strerror(errno));
	str s = { 0 };
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		str_appendn(&s, buf, n);
	int bad = ferror(f);
	fclose(f);
	if (bad || str_oom(&s)) {
		str_free(&s);
		return err_set(ERR_GENERIC, "cannot read '%s'", path);
	}
	*len = s.len;
	*out = s.ptr ? str_detach(&s) : strdup("");
	return 0;
}

static double clock_seconds(clockid_t id)
{
	struct timespec t;
	clock_gettime(id, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Wall and CPU time: on a shared machine the CPU time is the steadier. */
static double now(void)
{
	return clock_seconds(CLOCK_MONOTONIC);
}

static double cpu_now(void)
{
	return clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

static int num_opt(const char *v, double lo, double hi, double *out, const char *name)
{
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (end == v || *end || errno || !(d >= lo && d <= hi))
		return err_set(ERR_INVALID, "--%s '%s' is not a number from %g to %g", name, v, lo, hi);
	*out = d;
	return 0;
}

typedef struct analyse_opts {
	network_normalisation norm;
	bool modularity, layout, clusters;
	leiden_options leiden;
	vos_layout_options vos;
	rng_kind random;
	int64_t seed;
} analyse_opts;

static int parse_opts(analyse_opts *o, const cli_args *a)
{
	int rc, k;
	double d = 0;
	memset(o, 0, sizeof(*o));
	o->norm = NORMALISE_ASSOCIATION;
	o->layout = o->clusters = true;
	leiden_defaults(&o->leiden);
	o->leiden.n_iterations = 10;
	vos_layout_defaults(&o->vos);
	o->random = RNG_JAVA;
	if (a->vals[O_NORM] && (k = network_normalisation_parse(a->vals[O_NORM])) < 0)
		return err_set(ERR_INVALID, "--normalisation '%s' is not none, association or fractionalization", a->vals[O_NORM]);
	else if (a->vals[O_NORM])
		o->norm = (network_normalisation)k;
	if (a->vals[O_QUALITY]) {
		if (!strcmp(a->vals[O_QUALITY], "modularity"))
			o->modularity = true;
		else if (strcmp(a->vals[O_QUALITY], "cpm"))
			return err_set(ERR_INVALID, "--quality '%s' is not cpm or modularity", a->vals[O_QUALITY]);
	}
	if (a->vals[O_RES] && (rc = num_opt(a->vals[O_RES], 0, 1e12, &o->leiden.resolution, "resolution")) < 0)
		return rc;
	if (a->vals[O_RANDOMNESS] && (rc = num_opt(a->vals[O_RANDOMNESS], 1e-12, 1e6, &o->leiden.randomness, "randomness")) < 0)
		return rc;
	if (a->vals[O_ITER]) {
		if ((rc = num_opt(a->vals[O_ITER], 0, 1e6, &d, "iterations")) < 0)
			return rc;
		o->leiden.n_iterations = (int)d;
	}
	if (a->vals[O_STARTS]) {
		if ((rc = num_opt(a->vals[O_STARTS], 1, 1e6, &d, "starts")) < 0)
			return rc;
		o->leiden.n_random_starts = (int)d;
	}
	if (a->vals[O_SEED]) {
		if ((rc = num_opt(a->vals[O_SEED], -9e15, 9e15, &d, "seed")) < 0)
			return rc;
		o->seed = (int64_t)d;
	}
	if (a->vals[O_RANDOM]) {
		if ((k = rng_kind_parse(a->vals[O_RANDOM])) < 0)
			return err_set(ERR_INVALID, "--random '%s' is not java or fast", a->vals[O_RANDOM]);
		o->random = (rng_kind)k;
	}
	if (a->vals[O_ATTRACTION]) {
		if ((rc = num_opt(a->vals[O_ATTRACTION], -10, 10, &d, "attraction")) < 0)
			return rc;
		o->vos.attraction = (int)d;
	}
	if (a->vals[O_REPULSION]) {
		if ((rc = num_opt(a->vals[O_REPULSION], -10, 10, &d, "repulsion")) < 0)
			return rc;
		o->vos.repulsion = (int)d;
	}
	if (a->vals[O_LAYOUT_ITER]) {
		if ((rc = num_opt(a->vals[O_LAYOUT_ITER], 0, 1e7, &d, "layout-iterations")) < 0)
			return rc;
		o->vos.max_iterations = (int)d;
	}
	if (a->vals[O_FAST])
		o->vos.exact = false;
	if (a->vals[O_LAYOUT_ONLY] && a->vals[O_CLUSTERS_ONLY])
		return err_set(ERR_INVALID, "--layout-only and --clusters-only exclude each other");
	if (a->vals[O_LAYOUT_ONLY])
		o->clusters = false;
	if (a->vals[O_CLUSTERS_ONLY])
		o->layout = false;
	return 0;
}

static int analyse(const cli_args *a)
{
	analyse_opts o;
	vos_map map;
	vos_links links = { 0 };
	network raw = { 0 }, net = { 0 };
	char *text = NULL;
	size_t len;
	int32_t *clusters = NULL;
	double *x = NULL, *y = NULL;
	str out = { 0 };
	int rc;
	vos_map_init(&map);
	if ((rc = parse_opts(&o, a)) < 0)
		goto done;
	if (a->vals[O_MAP]) {
		if ((rc = read_all(&text, &len, a->vals[O_MAP])) < 0 || (rc = vosviewer_read_map(&map, text, len)) < 0)
			goto done;
		free(text);
		text = NULL;
	}
	if ((rc = read_all(&text, &len, a->pos[1])) < 0 || (rc = vosviewer_read_network(&links, &map, text, len)) < 0)
		goto done;
	if ((rc = vosviewer_to_network(&raw, &map, &links)) < 0 || (rc = network_normalise(&net, &raw, o.norm)) < 0)
		goto done;
	int n = net.n_nodes;
	rng r;
	rng_seed(&r, o.random, o.seed);
	clusters = malloc(sizeof(int32_t) * (size_t)(n ? n : 1));
	x = malloc(sizeof(double) * (size_t)(n ? n : 1));
	y = malloc(sizeof(double) * (size_t)(n ? n : 1));
	if (!clusters || !x || !y) {
		rc = err_set(ERR_NOMEM, "out of memory for %d nodes", n);
		goto done;
	}
	double t0 = now(), t1 = t0, t2, c0 = cpu_now(), c1 = c0, c2, quality = NAN, layout_quality = NAN;
	int n_clusters = 0;
	if (o.clusters) {
		if (o.modularity) {
			/* Modularity: node weights are the link strengths, the
			 * resolution scaled by the total. */
			network_strengths(&net, net.node_weights);
			o.leiden.resolution = leiden_modularity_resolution(&net, o.leiden.resolution);
		}
		if ((rc = leiden_cluster(clusters, &n_clusters, &quality, &net, &o.leiden, &r)) < 0)
			goto done;
		for (int i = 0; i < n; i++)
			net.node_weights[i] = 1;
		t1 = now();
		c1 = cpu_now();
		map.has_cluster = true;
		for (int i = 0; i < n; i++)
			map.items[i].cluster = clusters[i] + 1;
	}
	if (o.layout) {
		if ((rc = vos_layout_find(x, y, &net, &o.vos, &r)) < 0)
			goto done;
		vos_layout_standardize(x, y, n, true);
		layout_quality = vos_layout_quality(x, y, &net, &o.vos);
		map.has_xy = true;
		for (int i = 0; i < n; i++) {
			map.items[i].x = round(x[i] * 1e6) / 1e6;
			map.items[i].y = round(y[i] * 1e6) / 1e6;
		}
	}
	t2 = now();
	c2 = cpu_now();
	vosviewer_write_map(&out, &map);
	if (str_oom(&out)) {
		rc = err_set(ERR_NOMEM, "out of memory writing the map");
		goto done;
	}
	FILE *fig = stdout;
	if (a->vals[O_OUT]) {
		FILE *f = fopen(a->vals[O_OUT], "wb");
		if (!f || fwrite(out.ptr, 1, out.len, f) != out.len || fclose(f) != 0) {
			rc = err_set(ERR_GENERIC, "cannot write '%s'", a->vals[O_OUT]);
			goto done;
		}
	} else {
		fwrite(out.ptr, 1, out.len, stdout);
		fig = stderr;
	}
	fprintf(fig, "nodes\t%d\nlinks\t%lld\n", n, (long long)(net.n_entries / 2));
	if (o.clusters)
		fprintf(fig, "clusters\t%d\nclustering_quality\t%.17g\nclustering_seconds\t%.6f\nclustering_cpu_seconds\t%.6f\n",
			n_clusters, quality, t1 - t0, c1 - c0);
	if (o.layout)
		fprintf(fig, "layout_quality\t%.17g\nlayout_seconds\t%.6f\nlayout_cpu_seconds\t%.6f\n", layout_quality, t2 - t1, c2 - c1);
	rc = 0;
done:
	free(text);
	free(clusters);
	free(x);
	free(y);
	str_free(&out);
	network_free(&raw);
	network_free(&net);
	vos_links_free(&links);
	vos_map_free(&map);
	return rc;
}

int cmd_network(int argc, char **argv)
{
	cli_args a;
	if (cli_wants_help(argc, argv, cli_find("network")))
		return 0;
	if (cli_parse(&a, argc, argv, own) < 0)
		return cli_fail("%s", err_msg());
	if (a.n_pos != 2 || strcmp(a.pos[0], "analyse"))
		return cli_fail("usage: nq57 network analyse NETWORK.txt [options] (see nq57 network --help)");
	if (analyse(&a) < 0)
		return cli_fail("%s", err_msg());
	return 0;
}
