/* stmap/indicators_load: the works, their affiliations and the
 * organisations read into memory for the indicators, once per change of
 * the outputs or of the organisations. */
#include "domain/stmap/indicators_internal.h"
#include "util/err.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static ind_snapshot *current;

/* The Leiden Ranking's document types (and the Crossref name of an
 * article that the 2022 schema uses). */
static const char *const counted_types[] = { "article", "review", "book-chapter", "journal-article", NULL };

static bool counted_type(const char *t)
{
	for (int i = 0; t && counted_types[i]; i++)
		if (strcmp(t, counted_types[i]) == 0)
			return true;
	return false;
}

/* ------------------------------------------------ a map of text to index */

typedef struct strmap {
	const char **keys;
	int32_t *vals;
	size_t cap, n;
} strmap;

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int strmap_grow(strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 256;
	const char **keys = calloc(cap, sizeof *keys);
	int32_t *vals = calloc(cap, sizeof *vals);
	if (!keys || !vals) {
		free(keys);
		free(vals);
		return err_set(ERR_NOMEM, "out of memory for %zu institutions", cap);
	}
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i]) {
			size_t j = fnv1a(m->keys[i]) & (cap - 1);
			while (keys[j])
				j = (j + 1) & (cap - 1);
			keys[j] = m->keys[i];
			vals[j] = m->vals[i];
		}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
	return 0;
}

/* The index of key, adding it with index m->n (the text copied into mem)
 * when new; *added tells which. */
static int strmap_index(int32_t *out, bool *added, strmap *m, arena *mem, const char *key)
{
	int rc;
	if ((m->n + 1) * 2 > m->cap && (rc = strmap_grow(m)) < 0)
		return rc;
	size_t j = fnv1a(key) & (m->cap - 1);
	while (m->keys[j]) {
		if (strcmp(m->keys[j], key) == 0) {
			*out = m->vals[j];
			*added = false;
			return 0;
		}
		j = (j + 1) & (m->cap - 1);
	}
	char *k = arena_strdup(mem, key);
	if (!k)
		return err_set(ERR_NOMEM, "out of memory");
	m->keys[j] = k;
	m->vals[j] = (int32_t)m->n;
	*out = (int32_t)m->n++;
	*added = true;
	return 0;
}

static void strmap_free(strmap *m)
{
	free(m->keys);
	free(m->vals);
}

/* ------------------------------------------------------------- reading */

static const char *dup_or_null(arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 1024;
	while (c < need)
		c *= 2;
	void *q = realloc(*p, c * size);
	if (!q)
		return err_set(ERR_NOMEM, "out of memory for %zu rows", c);
	*p = q;
	*cap = c;
	return 0;
}

static int unit_cmp(const void *a, const void *b)
{
	const ind_unit *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static int load_orgs(ind_snapshot *snap, db_conn *db)
{
	db_stmt *s;
	size_t cap = 0, n = 0;
	int rc = db_prepare(&s, db, "SELECT id, name, short_name, kind, unit_id, published, lat, lon, sectors FROM organisation "
				    "WHERE status <> 'merged' ORDER BY id");
	if (rc < 0)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if ((rc = grow((void **)&snap->orgs, &cap, n + 1, sizeof *snap->orgs)) < 0)
			break;
		ind_org *o = &snap->orgs[n++];
		o->id = db_column_int64(s, 0);
		o->name = dup_or_null(&snap->mem, db_column_text(s, 1));
		o->short_name = dup_or_null(&snap->mem, db_column_text(s, 2));
		o->kind = dup_or_null(&snap->mem, db_column_text(s, 3));
		/* the unit's id until the units are read */
		o->commune = db_column_is_null(s, 4) ? -1 : (int32_t)db_column_int64(s, 4);
		o->published = db_column_int64(s, 5) != 0;
		o->lat = db_column_is_null(s, 6) ? NAN : db_column_double(s, 6);
		o->lon = db_column_is_null(s, 7) ? NAN : db_column_double(s, 7);
		o->sectors = dup_or_null(&snap->mem, db_column_text(s, 8));
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	snap->in.n_orgs = (int32_t)n;
	cap = 0;
	size_t nu = 0;
	rc = db_prepare(&s, db, "SELECT id, code, name, path FROM unit WHERE id IN "
				"(SELECT unit_id FROM organisation WHERE unit_id IS NOT NULL) ORDER BY id");
	if (rc < 0)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if ((rc = grow((void **)&snap->units, &cap, nu + 1, sizeof *snap->units)) < 0)
			break;
		ind_unit *u = &snap->units[nu++];
		u->id = db_column_int64(s, 0);
		u->code = dup_or_null(&snap->mem, db_column_text(s, 1));
		u->name = dup_or_null(&snap->mem, db_column_text(s, 2));
		u->path = dup_or_null(&snap->mem, db_column_text(s, 3));
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	snap->n_units = (int32_t)nu;
	for (size_t i = 0; i < n; i++) {
		ind_org *o = &snap->orgs[i];
		if (o->commune < 0)
			continue;
		ind_unit key = { .id = o->commune };
		ind_unit *u = nu ? bsearch(&key, snap->units, nu, sizeof key, unit_cmp) : NULL;
		o->commune = u ? (int32_t)(u - snap->units) : -1;
	}
	return 0;
}

int32_t ind_org_index(const ind_snapshot *snap, int64_t id)
{
	int32_t lo = 0, hi = snap->in.n_orgs - 1;
	while (lo <= hi) {
		int32_t mid = lo + (hi - lo) / 2;
		if (snap->orgs[mid].id == id)
			return mid;
		if (snap->orgs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static int load_works(ind_snapshot *snap, db_conn *db, strmap *fields)
{
	db_stmt *s;
	size_t cap = 0, cap_ids = 0, n = 0, cap_names = 0;
	int rc = db_prepare(&s, db, "SELECT id, year, type, field_id, field, cited_by_count, n_authors FROM work ORDER BY id");
	if (rc < 0)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if ((rc = grow((void **)&snap->pubs, &cap, n + 1, sizeof *snap->pubs)) < 0
			|| (rc = grow((void **)&snap->work_ids, &cap_ids, n + 1, sizeof *snap->work_ids)) < 0)
			break;
		biblio_pub *p = &snap->pubs[n];
		snap->work_ids[n++] = db_column_int64(s, 0);
		memset(p, 0, sizeof *p);
		p->year = db_column_is_null(s, 1) ? 0 : (int32_t)db_column_int64(s, 1);
		p->counted = !db_column_is_null(s, 1) && counted_type(db_column_text(s, 2));
		p->field = -1;
		const char *fid = db_column_text(s, 3);
		if (fid && *fid) {
			bool added;
			if ((rc = strmap_index(&p->field, &added, fields, &snap->mem, fid)) < 0)
				break;
			if (added) {
				size_t need = (size_t)p->field + 1;
				if ((rc = grow((void **)&snap->field_ids, &cap_names, need, sizeof(char *))) < 0)
					break;
				snap->field_names = realloc(snap->field_names, cap_names * sizeof(char *));
				if (!snap->field_names) {
					rc = err_set(ERR_NOMEM, "out of memory for %zu fields", need);
					break;
				}
				snap->field_ids[p->field] = arena_strdup(&snap->mem, fid);
				const char *fname = db_column_text(s, 4);
				snap->field_names[p->field] = arena_strdup(&snap->mem, fname ? fname : fid);
				snap->n_fields = (int32_t)need;
			}
		}
		double c = db_column_double(s, 5);
		p->citations = c > 0 ? c : 0;
		p->n_authors = (int32_t)db_column_int64(s, 6);
	}
	db_finalize(s);
	snap->in.n_pubs = n;
	return rc < 0 ? rc : 0;
}

static bool industry_kind(const char *kind)
{
	return kind && (strcmp(kind, "enterprise") == 0 || strcmp(kind, "st_enterprise") == 0 || strcmp(kind, "startup") == 0);
}

/* The affiliations in work order; institutions are told apart by OpenAlex
 * id, then ROR, then folded name, and a matched one is its organisation. */
static int load_affils(ind_snapshot *snap, db_conn *db)
{
	db_stmt *s;
	strmap inst = { 0 };
	size_t cap = 0, n = 0, w = 0;
	char key[600];
	int rc = db_prepare(&s, db, "SELECT work_id, position, institution_id, ror, name_folded, country_code, type, "
				    "organisation_id FROM work_affiliation ORDER BY work_id, position, id");
	if (rc < 0)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t wid = db_column_int64(s, 0);
		while (w < snap->in.n_pubs && snap->work_ids[w] < wid)
			w++;
		if (w == snap->in.n_pubs || snap->work_ids[w] != wid)
			continue;
		if ((rc = grow((void **)&snap->affils, &cap, n + 1, sizeof *snap->affils)) < 0)
			break;
		biblio_pub *p = &snap->pubs[w];
		if (p->n == 0)
			p->first = (uint32_t)n;
		p->n++;
		biblio_affil *a = &snap->affils[n++];
		memset(a, 0, sizeof *a);
		a->author = (int32_t)db_column_int64(s, 1);
		if (a->author < 0)
			a->author = 0;
		if (a->author >= p->n_authors)
			p->n_authors = a->author + 1;
		a->org = db_column_is_null(s, 7) ? -1 : ind_org_index(snap, db_column_int64(s, 7));
		const char *cc = db_column_text(s, 5), *type = db_column_text(s, 6);
		a->lat = a->lon = NAN;
		if (a->org >= 0) {
			const ind_org *o = &snap->orgs[a->org];
			a->inst = a->org;
			a->lat = o->lat;
			a->lon = o->lon;
			a->industry = industry_kind(o->kind);
			if (!cc && o->kind && strcmp(o->kind, "foreign_partner") != 0)
				cc = "VN";
		} else {
			const char *id = db_column_text(s, 2), *ror = db_column_text(s, 3), *name = db_column_text(s, 4);
			if (id && *id)
				snprintf(key, sizeof key, "openalex:%s", id);
			else if (ror && *ror)
				snprintf(key, sizeof key, "ror:%s", ror);
			else
				snprintf(key, sizeof key, "name:%s", name ? name : "");
			bool added;
			int32_t k;
			if ((rc = strmap_index(&k, &added, &inst, &snap->mem, key)) < 0)
				break;
			a->inst = snap->in.n_orgs + k;
		}
		if (type && strcmp(type, "company") == 0)
			a->industry = true;
		if (cc) {
			a->country[0] = cc[0];
			a->country[1] = cc[0] ? cc[1] : 0;
		}
	}
	db_finalize(s);
	strmap_free(&inst);
	snap->in.n_affils = n;
	return rc < 0 ? rc : 0;
}

static int prepare_both(ind_snapshot *snap)
{
	int rc;
	snap->in.pubs = snap->pubs;
	snap->in.affils = snap->affils;
	for (size_t p = 0; p < snap->in.n_pubs; p++) {
		biblio_pub *b = &snap->pubs[p];
		if (b->n_authors < 1)
			b->n_authors = 1;
		if (!b->counted)
			continue;
		snap->n_counted++;
		if (!snap->year_min || b->year < snap->year_min)
			snap->year_min = b->year;
		if (b->year > snap->year_max)
			snap->year_max = b->year;
	}
	for (int c = 0; c < 2; c++) {
		snap->st[c] = malloc((snap->in.n_pubs ? snap->in.n_pubs : 1) * sizeof **snap->st);
		if (!snap->st[c])
			return err_set(ERR_NOMEM, "out of memory for %zu works", snap->in.n_pubs);
		if ((rc = biblio_prepare(snap->st[c], &snap->in, c == 0 ? BIBLIO_FULL : BIBLIO_FRACTIONAL)) < 0)
			return rc;
	}
	return 0;
}

void ind_snapshot_free(ind_snapshot *snap)
{
	if (!snap)
		return;
	free(snap->pubs);
	free(snap->affils);
	free(snap->work_ids);
	free(snap->orgs);
	free(snap->units);
	free(snap->field_ids);
	free(snap->field_names);
	free(snap->st[0]);
	free(snap->st[1]);
	arena_free(&snap->mem);
	free(snap);
}

/* What moves when the works or the organisations change. */
static int fresh_key(char *out, size_t size, db_conn *db)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT (SELECT n FROM output_generation WHERE id = 1), "
				    "(SELECT n FROM organisation_generation WHERE id = 1), (SELECT MAX(id) FROM organisation), "
				    "(SELECT COUNT(*) FROM work), (SELECT MAX(id) FROM work_affiliation), "
				    "(SELECT MAX(updated_at) FROM unit)");
	if (rc < 0)
		return rc;
	if ((rc = db_step(s)) == DB_ROW)
		snprintf(out, size, "%lld/%lld/%lld/%lld/%lld/%s", (long long)db_column_int64(s, 0),
			(long long)db_column_int64(s, 1), (long long)db_column_int64(s, 2), (long long)db_column_int64(s, 3),
			(long long)db_column_int64(s, 4), db_column_text(s, 5) ? db_column_text(s, 5) : "");
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static int snapshot_read(ind_snapshot **out, db_conn *db, const char *key)
{
	ind_snapshot *snap = calloc(1, sizeof *snap);
	strmap fields = { 0 };
	int rc;
	if (!snap)
		return err_set(ERR_NOMEM, "out of memory");
	arena_init(&snap->mem, 1 << 16);
	snprintf(snap->key, sizeof snap->key, "%s", key);
	if ((rc = load_orgs(snap, db)) < 0 || (rc = load_works(snap, db, &fields)) < 0 || (rc = load_affils(snap, db)) < 0
		|| (rc = prepare_both(snap)) < 0) {
		strmap_free(&fields);
		ind_snapshot_free(snap);
		return rc;
	}
	strmap_free(&fields);
	*out = snap;
	return 0;
}

int ind_snapshot_load(ind_snapshot **out, db_conn *db)
{
	return snapshot_read(out, db, "");
}

int ind_snapshot_acquire(ind_snapshot **out, db_conn *db)
{
	char key[160] = "";
	int rc;
	*out = NULL;
	if ((rc = fresh_key(key, sizeof key, db)) < 0)
		return rc;
	pthread_mutex_lock(&cache_lock);
	if (!current || strcmp(current->key, key) != 0) {
		ind_snapshot *snap;
		if ((rc = snapshot_read(&snap, db, key)) < 0) {
			pthread_mutex_unlock(&cache_lock);
			return rc;
		}
		snap->refs = 1;   /* the cache's own reference */
		if (current && --current->refs == 0)
			ind_snapshot_free(current);
		current = snap;
	}
	current->refs++;
	*out = current;
	pthread_mutex_unlock(&cache_lock);
	return 0;
}

void ind_snapshot_release(ind_snapshot *snap)
{
	pthread_mutex_lock(&cache_lock);
	bool last = --snap->refs == 0;
	pthread_mutex_unlock(&cache_lock);
	if (last)
		ind_snapshot_free(snap);
}
