/* vosviewer: VOSviewer map and network files (see vosviewer.h). */
#include "analytics/vosviewer.h"

#include "util/err.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vos_map_init(vos_map *m)
{
	memset(m, 0, sizeof(*m));
}

void vos_map_free(vos_map *m)
{
	if (!m)
		return;
	for (int i = 0; i < m->n_items; i++)
		free(m->items[i].label);
	free(m->items);
	for (int i = 0; i < m->n_weights; i++)
		free(m->weight_names[i]);
	for (int i = 0; i < m->n_scores; i++)
		free(m->score_names[i]);
	free(m->hash_ids);
	free(m->hash_idx);
	memset(m, 0, sizeof(*m));
}

void vos_links_free(vos_links *l)
{
	free(l->edges);
	memset(l, 0, sizeof(*l));
}

static size_t hash_id(int64_t id, size_t cap)
{
	uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ULL;
	return (size_t)(h >> 17) & (cap - 1);
}

int vos_map_find(const vos_map *m, int64_t id)
{
	if (!m->hash_cap)
		return -1;
	for (size_t h = hash_id(id, m->hash_cap);; h = (h + 1) & (m->hash_cap - 1)) {
		if (m->hash_ids[h] == 0)
			return -1;
		if (m->hash_ids[h] == id)
			return m->hash_idx[h];
	}
}

static int hash_grow(vos_map *m)
{
	size_t cap = m->hash_cap ? m->hash_cap * 2 : 64;
	int64_t *ids = calloc(cap, sizeof(int64_t));
	int32_t *idx = malloc(cap * sizeof(int32_t));
	if (!ids || !idx) {
		free(ids);
		free(idx);
		return err_set(ERR_NOMEM, "out of memory for %d map items", m->n_items);
	}
	for (int i = 0; i < m->n_items; i++) {
		size_t h = hash_id(m->items[i].id, cap);
		while (ids[h])
			h = (h + 1) & (cap - 1);
		ids[h] = m->items[i].id;
		idx[h] = i;
	}
	free(m->hash_ids);
	free(m->hash_idx);
	m->hash_ids = ids;
	m->hash_idx = idx;
	m->hash_cap = cap;
	return 0;
}

int vos_map_add(vos_map *m, int64_t id, const char *label, int *index)
{
	int rc;
	if (id <= 0)
		return err_set(ERR_INVALID, "item id %lld is not a positive integer", (long long)id);
	if (vos_map_find(m, id) >= 0)
		return err_set(ERR_INVALID, "item id %lld appears twice", (long long)id);
	if (m->n_items == m->cap_items) {
		int cap = m->cap_items ? m->cap_items * 2 : 64;
		vos_item *p = realloc(m->items, sizeof(vos_item) * (size_t)cap);
		if (!p)
			return err_set(ERR_NOMEM, "out of memory for %d map items", cap);
		m->items = p;
		m->cap_items = cap;
	}
	if ((size_t)(m->n_items + 1) * 2 > m->hash_cap && (rc = hash_grow(m)) < 0)
		return rc;
	vos_item *it = &m->items[m->n_items];
	memset(it, 0, sizeof(*it));
	it->id = id;
	it->label = strdup(label ? label : "");
	if (!it->label)
		return err_set(ERR_NOMEM, "out of memory for a map item");
	size_t h = hash_id(id, m->hash_cap);
	while (m->hash_ids[h])
		h = (h + 1) & (m->hash_cap - 1);
	m->hash_ids[h] = id;
	m->hash_idx[h] = m->n_items;
	if (index)
		*index = m->n_items;
	m->n_items++;
	return 0;
}

static int add_name(char **names, int *n, const char *name, int *index)
{
	if (!(names[*n] = strdup(name)))
		return err_set(ERR_NOMEM, "out of memory for a map column");
	if (index)
		*index = *n;
	(*n)++;
	return 0;
}

int vos_map_add_weight(vos_map *m, const char *name, int *index)
{
	if (m->n_weights >= VOS_MAX_ATTRS)
		return err_set(ERR_INVALID, "a map has at most %d weight columns", VOS_MAX_ATTRS);
	return add_name(m->weight_names, &m->n_weights, name, index);
}

int vos_map_add_score(vos_map *m, const char *name, int *index)
{
	if (m->n_scores >= VOS_MAX_ATTRS)
		return err_set(ERR_INVALID, "a map has at most %d score columns", VOS_MAX_ATTRS);
	return add_name(m->score_names, &m->n_scores, name, index);
}

int vos_links_add(vos_links *l, int a, int b, double strength)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		network_edge *p = realloc(l->edges, cap * sizeof(*p));
		if (!p)
			return err_set(ERR_NOMEM, "out of memory for %zu links", cap);
		l->edges = p;
		l->cap = cap;
	}
	l->edges[l->n++] = (network_edge){ a, b, strength };
	return 0;
}

/* ---- reading ------------------------------------------------------------ */

#define MAX_FIELDS 64
#define FIELD_MAX 4096

typedef struct line_reader {
	const char *p, *end;
	int line_no;
} line_reader;

/* The next non-empty line split at tabs into fields (NUL-terminated copies
 * in buf, quotes around a whole field removed). Returns the field count,
 * 0 at the end, -1 for a line that does not fit in buf. */
static int next_line(line_reader *r, char *buf, size_t bufsize, char **fields, int max_fields)
{
	while (r->p < r->end) {
		const char *s = r->p, *e = memchr(s, '\n', (size_t)(r->end - s));
		if (!e)
			e = r->end;
		r->p = e < r->end ? e + 1 : e;
		r->line_no++;
		if (e > s && e[-1] == '\r')
			e--;
		if (r->line_no == 1 && e - s >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
			s += 3;
		if (e == s)
			continue;
		size_t len = (size_t)(e - s);
		if (len >= bufsize)
			return -1;
		memcpy(buf, s, len);
		buf[len] = 0;
		int n = 0;
		char *f = buf;
		for (;;) {
			char *tab = strchr(f, '\t');
			if (tab)
				*tab = 0;
			size_t fl = strlen(f);
			if (fl >= 2 && f[0] == '"' && f[fl - 1] == '"') {
				f[fl - 1] = 0;
				f++;
			}
			if (n < max_fields)
				fields[n++] = f;
			if (!tab)
				break;
			f = tab + 1;
		}
		return n;
	}
	return 0;
}

static bool parse_double(const char *s, double *out)
{
	char *end;
	errno = 0;
	while (*s == ' ')
		s++;
	double v = strtod(s, &end);
	while (*end == ' ')
		end++;
	if (end == s || *end || errno == ERANGE || !isfinite(v))
		return false;
	*out = v;
	return true;
}

static bool parse_id(const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	while (*s == ' ')
		s++;
	long long v = strtoll(s, &end, 10);
	while (*end == ' ')
		end++;
	if (end == s || *end || errno == ERANGE || v <= 0)
		return false;
	*out = v;
	return true;
}

enum { COL_IGNORE, COL_ID, COL_LABEL, COL_X, COL_Y, COL_CLUSTER, COL_WEIGHT, COL_SCORE };

static int lower_eq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

/* "weight<Links>" -> "Links" in name; true if s has that shape. */
static bool bracketed(const char *s, const char *prefix, char *name, size_t size)
{
	size_t pl = strlen(prefix), sl = strlen(s);
	if (sl < pl + 2 || strncasecmp(s, prefix, pl) || s[pl] != '<' || s[sl - 1] != '>')
		return false;
	size_t nl = sl - pl - 2;
	if (nl >= size)
		nl = size - 1;
	memcpy(name, s + pl + 1, nl);
	name[nl] = 0;
	return true;
}

int vosviewer_read_map(vos_map *m, const char *text, size_t len)
{
	char buf[FIELD_MAX * 4];
	char *f[MAX_FIELDS];
	int kind[MAX_FIELDS], slot[MAX_FIELDS];
	line_reader r = { text, text + len, 0 };
	int rc, n = next_line(&r, buf, sizeof(buf), f, MAX_FIELDS);
	if (n < 0)
		return err_set(ERR_INVALID, "map line %d is longer than %d bytes", r.line_no, (int)sizeof(buf) - 1);
	if (n == 0)
		return err_set(ERR_INVALID, "map line %d: the header is missing", 1);
	int n_cols = n;
	bool has_id = false;
	for (int i = 0; i < n; i++) {
		char name[256];
		kind[i] = COL_IGNORE;
		slot[i] = -1;
		if (lower_eq(f[i], "id"))
			kind[i] = COL_ID, has_id = true;
		else if (lower_eq(f[i], "label"))
			kind[i] = COL_LABEL, m->has_label = true;
		else if (lower_eq(f[i], "x"))
			kind[i] = COL_X, m->has_xy = true;
		else if (lower_eq(f[i], "y"))
			kind[i] = COL_Y;
		else if (lower_eq(f[i], "cluster"))
			kind[i] = COL_CLUSTER, m->has_cluster = true;
		else if (bracketed(f[i], "weight", name, sizeof(name))) {
			kind[i] = COL_WEIGHT;
			if ((rc = vos_map_add_weight(m, name, &slot[i])) < 0)
				return rc;
		} else if (bracketed(f[i], "score", name, sizeof(name))) {
			kind[i] = COL_SCORE;
			if ((rc = vos_map_add_score(m, name, &slot[i])) < 0)
				return rc;
		}
	}
	if (!has_id)
		return err_set(ERR_INVALID, "map line %d: the header has no id column", r.line_no);
	while ((n = next_line(&r, buf, sizeof(buf), f, MAX_FIELDS)) != 0) {
		int line = r.line_no, idx;
		if (n < 0)
			return err_set(ERR_INVALID, "map line %d is longer than %d bytes", line, (int)sizeof(buf) - 1);
		int64_t id = 0;
		for (int i = 0; i < n_cols && i < n; i++)
			if (kind[i] == COL_ID && !parse_id(f[i], &id))
				return err_set(ERR_INVALID, "map line %d: id '%s' is not a positive integer", line, f[i]);
		if (id == 0)
			return err_set(ERR_INVALID, "map line %d: the id is missing", line);
		if (vos_map_find(m, id) >= 0)
			return err_set(ERR_INVALID, "map line %d: id %lld appears twice", line, (long long)id);
		if ((rc = vos_map_add(m, id, NULL, &idx)) < 0)
			return rc;
		vos_item *it = &m->items[idx];
		for (int i = 0; i < n_cols && i < n; i++) {
			double v = 0;
			if (kind[i] == COL_IGNORE || kind[i] == COL_ID)
				continue;
			if (kind[i] == COL_LABEL) {
				char *l = strdup(f[i]);
				if (!l)
					return err_set(ERR_NOMEM, "out of memory for a map item");
				free(it->label);
				it->label = l;
				continue;
			}
			if (!*f[i] && kind[i] != COL_X && kind[i] != COL_Y)
				continue;
			if (!parse_double(f[i], &v))
				return err_set(ERR_INVALID, "map line %d: '%s' is not a number", line, f[i]);
			switch (kind[i]) {
			case COL_X: it->x = v; break;
			case COL_Y: it->y = v; break;
			case COL_CLUSTER:
				if (v < 0 || v != floor(v) || v > 1e9)
					return err_set(ERR_INVALID, "map line %d: cluster '%s' is not a whole number", line, f[i]);
				it->cluster = (int)v;
				break;
			case COL_WEIGHT: it->weights[slot[i]] = v; break;
			case COL_SCORE: it->scores[slot[i]] = v; break;
			}
		}
	}
	return 0;
}

int vosviewer_read_network(vos_links *out, vos_map *m, const char *text, size_t len)
{
	char buf[1024];
	char *f[4];
	line_reader r = { text, text + len, 0 };
	bool fixed = m->n_items > 0;
	int n, rc;
	while ((n = next_line(&r, buf, sizeof(buf), f, 4)) != 0) {
		int line = r.line_no, idx[2];
		double s = 1;
		if (n < 0)
			return err_set(ERR_INVALID, "network line %d is longer than %d bytes", line, (int)sizeof(buf) - 1);
		if (n < 2 || n > 3)
			return err_set(ERR_INVALID, "network line %d: expected id1, id2 and a strength separated by tabs", line);
		for (int k = 0; k < 2; k++) {
			int64_t id;
			if (!parse_id(f[k], &id))
				return err_set(ERR_INVALID, "network line %d: id '%s' is not a positive integer", line, f[k]);
			idx[k] = vos_map_find(m, id);
			if (idx[k] < 0) {
				if (fixed)
					return err_set(ERR_INVALID, "network line %d: id %lld is not in the map", line, (long long)id);
				if ((rc = vos_map_add(m, id, NULL, &idx[k])) < 0)
					return rc;
			}
		}
		if (n == 3 && (!parse_double(f[2], &s) || s < 0))
			return err_set(ERR_INVALID, "network line %d: strength '%s' is not a number of 0 or more", line, f[2]);
		if ((rc = vos_links_add(out, idx[0], idx[1], s)) < 0)
			return rc;
	}
	return 0;
}

/* ---- writing ------------------------------------------------------------ */

/* Shortest of %.15g..%.17g that reads back to the same double. */
static void append_num(str *out, double v)
{
	char b[40];
	for (int p = 15; p <= 17; p++) {
		snprintf(b, sizeof(b), "%.*g", p, v);
		if (strtod(b, NULL) == v)
			break;
	}
	str_append(out, b);
}

static void append_text(str *out, const char *s)
{
	for (; *s; s++)
		str_appendc(out, (*s == '\t' || *s == '\n' || *s == '\r') ? ' ' : *s);
}

void vosviewer_write_map(str *out, const vos_map *m)
{
	str_append(out, "id\tlabel");
	if (m->has_xy)
		str_append(out, "\tx\ty");
	if (m->has_cluster)
		str_append(out, "\tcluster");
	for (int k = 0; k < m->n_weights; k++) {
		str_append(out, "\tweight<");
		append_text(out, m->weight_names[k]);
		str_appendc(out, '>');
	}
	for (int k = 0; k < m->n_scores; k++) {
		str_append(out, "\tscore<");
		append_text(out, m->score_names[k]);
		str_appendc(out, '>');
	}
	str_appendc(out, '\n');
	for (int i = 0; i < m->n_items; i++) {
		const vos_item *it = &m->items[i];
		str_appendf(out, "%lld\t", (long long)it->id);
		append_text(out, it->label);
		if (m->has_xy) {
			str_appendc(out, '\t');
			append_num(out, it->x);
			str_appendc(out, '\t');
			append_num(out, it->y);
		}
		if (m->has_cluster)
			str_appendf(out, "\t%d", it->cluster);
		for (int k = 0; k < m->n_weights; k++) {
			str_appendc(out, '\t');
			append_num(out, it->weights[k]);
		}
		for (int k = 0; k < m->n_scores; k++) {
			str_appendc(out, '\t');
			append_num(out, it->scores[k]);
		}
		str_appendc(out, '\n');
	}
}

void vosviewer_write_network(str *out, const vos_map *m, const vos_links *l)
{
	for (size_t k = 0; k < l->n; k++) {
		const network_edge *e = &l->edges[k];
		str_appendf(out, "%lld\t%lld\t", (long long)m->items[e->a].id, (long long)m->items[e->b].id);
		append_num(out, e->weight);
		str_appendc(out, '\n');
	}
}

int vosviewer_to_network(network *out, const vos_map *m, const vos_links *l)
{
	return network_build(out, m->n_items, l->edges, l->n, NODE_WEIGHTS_STRENGTH);
}
