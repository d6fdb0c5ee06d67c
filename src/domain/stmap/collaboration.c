/* collaboration: networks of organisations from the outputs, projects and
 * agreements of the registry (see collaboration.h). */
#include "domain/stmap/collaboration.h"

#include "analytics/javarandom.h"
#include "analytics/leiden.h"
#include "analytics/vos_layout.h"
#include "analytics/vosviewer.h"
#include "util/err.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Seed of every analysis: the same data always gives the same picture. */
#define COLLAB_SEED 0

static const char *const kind_names[] = { "coauthorship", "projects", "agreements" };
/* The weight column of each kind's map, as VOSviewer names its counts. */
static const char *const weight_names[] = { "Documents", "Projects", "Agreements" };

void collab_query_defaults(collab_query *q)
{
	memset(q, 0, sizeof(*q));
	q->kind = COLLAB_COAUTHORSHIP;
	q->normalisation = NORMALISE_ASSOCIATION;
	q->resolution = 1;
}

int collab_kind_parse(const char *name)
{
	for (int k = 0; k < 3; k++)
		if (!strcmp(name, kind_names[k]))
			return k;
	return -1;
}

const char *collab_kind_name(collab_kind k)
{
	return kind_names[k];
}

/* ---- reading the groups -------------------------------------------------- */

/* One organisation of one group (a work, a project, an agreement). */
typedef struct member {
	int64_t group, org;
	char *name, *short_name;   /* short_name NULL when the organisation has none */
} member;

typedef struct members {
	member *v;
	size_t n, cap;
} members;

static void members_free(members *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].short_name);
	}
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static const char *const group_sql[] = {
	"SELECT DISTINCT a.work_id, o.id, o.name, o.short_name FROM work_affiliation a JOIN work w ON w.id = a.work_id "
	"JOIN organisation o ON o.id = a.organisation_id "
	"WHERE (? = 0 OR w.year >= ?) AND (? = 0 OR w.year <= ?) AND o.status <> 'merged' AND (? = 0 OR o.published = 1) "
	"ORDER BY 1, 2",
	"SELECT x.g, o.id, o.name, o.short_name FROM (SELECT p.id AS g, p.organisation_id AS org, p.started_on AS d FROM project p "
	"WHERE p.organisation_id IS NOT NULL UNION SELECT pp.project_id, pp.organisation_id, p.started_on "
	"FROM project_partner pp JOIN project p ON p.id = pp.project_id) x JOIN organisation o ON o.id = x.org "
	"WHERE (? = 0 OR x.d >= ?) AND (? = 0 OR x.d < ?) AND o.status <> 'merged' AND (? = 0 OR o.published = 1) "
	"ORDER BY 1, 2",
	"SELECT ap.agreement_id, o.id, o.name, o.short_name FROM agreement_party ap JOIN agreement a ON a.id = ap.agreement_id "
	"JOIN organisation o ON o.id = ap.organisation_id "
	"WHERE (? = 0 OR a.signed_on >= ?) AND (? = 0 OR a.signed_on < ?) AND o.status <> 'merged' "
	"AND (? = 0 OR (o.published = 1 AND a.status IN ('active', 'expired'))) ORDER BY 1, 2",
};

static int read_members(members *out, db_conn *db, const collab_query *q)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, group_sql[q->kind]);
	if (rc < 0)
		return rc;
	/* Works compare years; projects and agreements compare ISO dates
	 * with the first day of the year and of the year after. */
	char from[32], to[32];
	snprintf(from, sizeof(from), "%04d-01-01", q->year_from);
	snprintf(to, sizeof(to), "%04d-01-01", q->year_to + 1);
	if ((rc = db_bind_int64(s, 1, q->year_from)) < 0 || (rc = db_bind_int64(s, 3, q->year_to)) < 0 ||
	    (rc = db_bind_int64(s, 5, q->public_only)) < 0)
		goto done;
	if (q->kind == COLLAB_COAUTHORSHIP)
		rc = db_bind_int64(s, 2, q->year_from) < 0 ? -1 : db_bind_int64(s, 4, q->year_to);
	else
		rc = db_bind_text(s, 2, from) < 0 ? -1 : db_bind_text(s, 4, to);
	if (rc < 0)
		goto done;
	while ((rc = db_step(s)) == DB_ROW) {
		if (out->n == out->cap) {
			size_t cap = out->cap ? out->cap * 2 : 256;
			member *v = realloc(out->v, cap * sizeof(*v));
			if (!v) {
				rc = err_set(ERR_NOMEM, "out of memory");
				goto done;
			}
			out->v = v;
			out->cap = cap;
		}
		const char *name = db_column_text(s, 2), *short_name = db_column_text(s, 3);
		member *m = &out->v[out->n];
		m->group = db_column_int64(s, 0);
		m->org = db_column_int64(s, 1);
		m->name = strdup(name ? name : "");
		m->short_name = short_name && *short_name ? strdup(short_name) : NULL;
		out->n++;
		if (!m->name || (short_name && *short_name && !m->short_name)) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto done;
		}
	}
	if (rc >= 0)
		rc = 0;
done:
	db_finalize(s);
	return rc;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int index_of(const int64_t *ids, size_t n, int64_t id)
{
	const int64_t *p = bsearch(&id, ids, n, sizeof(int64_t), cmp_i64);
	return p ? (int)(p - ids) : -1;
}

/* The map (items: linked organisations in id order, weights Links, Total
 * link strength and the kind's count) and its links, from the groups. */
static int build_map(vos_map *map, vos_links *links, const char ***shorts, const members *m, collab_kind kind)
{
	int rc = 0;
	int64_t *orgs = malloc(sizeof(int64_t) * (m->n ? m->n : 1)), *pairs = NULL;
	size_t n_orgs = 0, n_pairs = 0, cap_pairs = 0;
	int *count = NULL, *linked = NULL;
	if (!orgs)
		return err_set(ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < m->n; i++)
		orgs[n_orgs++] = m->v[i].org;
	qsort(orgs, n_orgs, sizeof(int64_t), cmp_i64);
	size_t u = 0;
	for (size_t i = 0; i < n_orgs; i++)
		if (!u || orgs[u - 1] != orgs[i])
			orgs[u++] = orgs[i];
	n_orgs = u;
	count = calloc(n_orgs ? n_orgs : 1, sizeof(int));
	linked = calloc(n_orgs ? n_orgs : 1, sizeof(int));
	*shorts = calloc(n_orgs ? n_orgs : 1, sizeof(char *));
	if (!count || !linked || !*shorts) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto done;
	}
	/* Each group's members are consecutive and in organisation order:
	 * every pair a < b of a group is one co-occurrence. */
	for (size_t i = 0, j; i < m->n; i = j) {
		for (j = i; j < m->n && m->v[j].group == m->v[i].group; j++)
			count[index_of(orgs, n_orgs, m->v[j].org)]++;
		for (size_t a = i; a < j; a++)
			for (size_t b = a + 1; b < j; b++) {
				if (n_pairs == cap_pairs) {
					size_t cap = cap_pairs ? cap_pairs * 2 : 256;
					int64_t *p = realloc(pairs, cap * sizeof(int64_t));
					if (!p) {
						rc = err_set(ERR_NOMEM, "out of memory");
						goto done;
					}
					pairs = p;
					cap_pairs = cap;
				}
				int64_t x = index_of(orgs, n_orgs, m->v[a].org), y = index_of(orgs, n_orgs, m->v[b].org);
				pairs[n_pairs++] = x * (int64_t)n_orgs + y;
			}
	}
	qsort(pairs, n_pairs, sizeof(int64_t), cmp_i64);
	for (size_t i = 0; i < n_pairs; i++) {
		linked[pairs[i] / (int64_t)n_orgs] = 1;
		linked[pairs[i] % (int64_t)n_orgs] = 1;
	}
	int w_links, w_strength, w_count;
	if ((rc = vos_map_add_weight(map, "Links", &w_links)) < 0 || (rc = vos_map_add_weight(map, "Total link strength", &w_strength)) < 0 ||
	    (rc = vos_map_add_weight(map, weight_names[kind], &w_count)) < 0)
		goto done;
	map->has_label = true;
	/* item index of each organisation, or -1 when it has no link */
	for (size_t i = 0; i < n_orgs; i++) {
		if (!linked[i]) {
			linked[i] = -1;
			continue;
		}
		const char *name = "", *short_name = NULL;
		for (size_t k = 0; k < m->n; k++)
			if (m->v[k].org == orgs[i]) {
				name = m->v[k].name;
				short_name = m->v[k].short_name;
				break;
			}
		if ((rc = vos_map_add(map, orgs[i], name, &linked[i])) < 0)
			goto done;
		(*shorts)[linked[i]] = short_name;
		map->items[linked[i]].weights[w_count] = count[i];
	}
	if (map->n_items > COLLAB_MAX_NODES) {
		rc = err_set(ERR_TOOLARGE, "a network of %d organisations is more than %d can be drawn", map->n_items, COLLAB_MAX_NODES);
		goto done;
	}
	for (size_t i = 0, j; i < n_pairs; i = j) {
		for (j = i; j < n_pairs && pairs[j] == pairs[i]; j++)
			;
		int a = linked[pairs[i] / (int64_t)n_orgs], b = linked[pairs[i] % (int64_t)n_orgs];
		if ((rc = vos_links_add(links, a, b, (double)(j - i))) < 0)
			goto done;
		map->items[a].weights[w_links]++;
		map->items[b].weights[w_links]++;
		map->items[a].weights[w_strength] += (double)(j - i);
		map->items[b].weights[w_strength] += (double)(j - i);
	}
done:
	free(orgs);
	free(pairs);
	free(count);
	free(linked);
	return rc;
}

/* ---- analysis ---------------------------------------------------------------- */

typedef struct analysis {
	int n_clusters;
	double quality, layout_quality;
} analysis;

/* Clusters (1-based) and coordinates for the map's items, computing what
 * the map lacks: Leiden on the normalised network (CPM, 10 iterations),
 * the VOS layout (exact below 1,000 nodes, the fast form above), both from
 * one seeded java.util.Random. */
static int analyse(analysis *out, vos_map *map, const vos_links *links, const collab_query *q)
{
	network raw = { 0 }, net = { 0 };
	int n = map->n_items, rc;
	int32_t *clusters = malloc(sizeof(int32_t) * (size_t)(n ? n : 1));
	double *x = malloc(sizeof(double) * (size_t)(n ? n : 1)), *y = malloc(sizeof(double) * (size_t)(n ? n : 1));
	memset(out, 0, sizeof(*out));
	out->quality = out->layout_quality = NAN;
	if (!clusters || !x || !y) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((rc = vosviewer_to_network(&raw, map, links)) < 0 || (rc = network_normalise(&net, &raw, q->normalisation)) < 0)
		goto done;
	rng r;
	rng_seed(&r, RNG_JAVA, COLLAB_SEED);
	if (!map->has_cluster) {
		leiden_options lo;
		leiden_defaults(&lo);
		lo.resolution = q->resolution;
		lo.n_iterations = 10;
		if ((rc = leiden_cluster(clusters, &out->n_clusters, &out->quality, &net, &lo, &r)) < 0)
			goto done;
		for (int i = 0; i < n; i++)
			map->items[i].cluster = clusters[i] + 1;
		map->has_cluster = true;
	} else {
		for (int i = 0; i < n; i++) {
			clusters[i] = map->items[i].cluster > 0 ? map->items[i].cluster - 1 : 0;
			if (clusters[i] + 1 > out->n_clusters)
				out->n_clusters = clusters[i] + 1;
		}
		out->quality = leiden_quality(&net, clusters, out->n_clusters, q->resolution);
	}
	vos_layout_options vo;
	vos_layout_defaults(&vo);
	vo.exact = n < 1000;
	if (!map->has_xy) {
		if ((rc = vos_layout_find(x, y, &net, &vo, &r)) < 0)
			goto done;
		vos_layout_standardize(x, y, n, true);
		for (int i = 0; i < n; i++) {
			map->items[i].x = round(x[i] * 1e4) / 1e4;
			map->items[i].y = round(y[i] * 1e4) / 1e4;
		}
		map->has_xy = true;
	}
	for (int i = 0; i < n; i++) {
		x[i] = map->items[i].x;
		y[i] = map->items[i].y;
	}
	out->layout_quality = n > 1 ? vos_layout_quality(x, y, &net, &vo) : 0;
	rc = 0;
done:
	free(clusters);
	free(x);
	free(y);
	network_free(&raw);
	network_free(&net);
	return rc;
}

static json_t *number_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* The answer of collab_network and collab_import. */
static json_t *to_json(const vos_map *map, const vos_links *links, const analysis *a, const collab_query *q, const char *const *shorts)
{
	static const char *const norm_names[] = { "none", "association", "fractionalization" };
	/* weight: the kind's count, else the first column that is not one of
	 * VOSviewer's own two, else the total link strength */
	int w_main = -1, w_links = -1, w_strength = -1;
	for (int k = 0; k < map->n_weights; k++) {
		if (!strcmp(map->weight_names[k], "Links"))
			w_links = k;
		else if (!strcmp(map->weight_names[k], "Total link strength"))
			w_strength = k;
		else if (w_main < 0)
			w_main = k;
	}
	double *links_of = calloc((size_t)(map->n_items ? map->n_items : 1), sizeof(double));
	double *strength_of = calloc((size_t)(map->n_items ? map->n_items : 1), sizeof(double));
	json_t *nodes = json_array(), *ls = json_array();
	for (size_t k = 0; k < links->n; k++) {
		const network_edge *e = &links->edges[k];
		if (links_of && strength_of && e->a != e->b) {
			links_of[e->a]++;
			links_of[e->b]++;
			strength_of[e->a] += e->weight;
			strength_of[e->b] += e->weight;
		}
		json_array_append_new(ls, json_pack("{s:I, s:I, s:f}", "source", (json_int_t)map->items[e->a].id, "target",
						    (json_int_t)map->items[e->b].id, "strength", e->weight));
	}
	for (int i = 0; i < map->n_items; i++) {
		const vos_item *it = &map->items[i];
		double nl = w_links >= 0 ? it->weights[w_links] : links_of ? links_of[i] : 0;
		double st = w_strength >= 0 ? it->weights[w_strength] : strength_of ? strength_of[i] : 0;
		json_t *o = json_pack("{s:I, s:s, s:f, s:f, s:i, s:f, s:f, s:f}", "id", (json_int_t)it->id, "label", it->label,
				      "x", it->x, "y", it->y, "cluster", it->cluster, "weight", w_main >= 0 ? it->weights[w_main] : st,
				      "links", nl, "strength", st);
		if (shorts) {
			json_object_set_new(o, "organisation_id", json_integer((json_int_t)it->id));
			if (shorts[i])
				json_object_set_new(o, "short_label", json_string(shorts[i]));
		}
		json_array_append_new(nodes, o);
	}
	free(links_of);
	free(strength_of);
	return json_pack("{s:s, s:o, s:o, s:s, s:f, s:s, s:o, s:o, s:i, s:{s:o, s:o}}", "kind", kind_names[q->kind], "from",
			 q->year_from ? json_integer(q->year_from) : json_null(), "to",
			 q->year_to ? json_integer(q->year_to) : json_null(), "normalisation", norm_names[q->normalisation],
			 "resolution", q->resolution, "weight_name", w_main >= 0 ? map->weight_names[w_main] : "Total link strength",
			 "nodes", nodes, "links", ls, "clusters", a->n_clusters, "quality", "clustering",
			 number_or_null(a->quality), "layout", number_or_null(a->layout_quality));
}

/* ---- the three entry points ------------------------------------------- */

/* The registry's network, analysed; *shorts (the items' short names,
 * borrowed from *m) is the caller's to free, with m. */
static int registry_map(vos_map *map, vos_links *links, const char ***shorts, members *m, analysis *a, db_conn *db,
                        const collab_query *q)
{
	int rc;
	*shorts = NULL;
	if ((rc = read_members(m, db, q)) == 0 && (rc = build_map(map, links, shorts, m, q->kind)) == 0)
		rc = analyse(a, map, links, q);
	return rc;
}

int collab_network(json_t **out, db_conn *db, const collab_query *q)
{
	vos_map map;
	vos_links links = { 0 };
	analysis a;
	members m = { 0 };
	const char **shorts;
	vos_map_init(&map);
	int rc = registry_map(&map, &links, &shorts, &m, &a, db, q);
	if (rc == 0 && !(*out = to_json(&map, &links, &a, q, shorts)))
		rc = err_set(ERR_NOMEM, "out of memory");
	free(shorts);
	members_free(&m);
	vos_links_free(&links);
	vos_map_free(&map);
	return rc;
}

int collab_vosviewer(str *map_out, str *net_out, db_conn *db, const collab_query *q)
{
	vos_map map;
	vos_links links = { 0 };
	analysis a;
	members m = { 0 };
	const char **shorts;
	vos_map_init(&map);
	int rc = registry_map(&map, &links, &shorts, &m, &a, db, q);
	free(shorts);
	members_free(&m);
	if (rc == 0) {
		if (map_out)
			vosviewer_write_map(map_out, &map);
		if (net_out)
			vosviewer_write_network(net_out, &map, &links);
	}
	vos_links_free(&links);
	vos_map_free(&map);
	return rc;
}

int collab_import(json_t **out, const char *map_text, size_t map_len, const char *net_text, size_t net_len, const collab_query *q)
{
	vos_map map;
	vos_links links = { 0 };
	analysis a;
	int rc = 0;
	vos_map_init(&map);
	if (map_len && (rc = vosviewer_read_map(&map, map_text, map_len)) < 0)
		goto done;
	if ((rc = vosviewer_read_network(&links, &map, net_text, net_len)) < 0)
		goto done;
	if (map.n_items > COLLAB_MAX_NODES || links.n > COLLAB_MAX_LINKS) {
		rc = err_set(ERR_TOOLARGE, "a network of %d items and %zu links is more than can be drawn (%d items, %d links)",
			     map.n_items, links.n, COLLAB_MAX_NODES, COLLAB_MAX_LINKS);
		goto done;
	}
	if ((rc = analyse(&a, &map, &links, q)) < 0)
		goto done;
	if (!(*out = to_json(&map, &links, &a, q, NULL)))
		rc = err_set(ERR_NOMEM, "out of memory");
done:
	vos_links_free(&links);
	vos_map_free(&map);
	return rc;
}
