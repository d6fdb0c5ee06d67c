/* boundaries_map: the map answers, one FeatureCollection of a unit's
 * children with their boundaries, serialised (and gzip-compressed) once
 * and kept in each server's memory: the 126 communes of Hà Nội are about
 * 250 KB of GeoJSON that no request should rebuild. An answer is made
 * again when the freshness key moves: the boundaries' generation (every
 * load) or the units' last change and count (a rename, a move, a new
 * unit), read with one query per request, so every server on a shared
 * database follows the others' loads. */
#include "domain/stmap/boundaries.h"
#include "util/err.h"
#include "util/json.h"
#include "util/str.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAP_SLOTS 32

struct map_entry {
	int refs;                /* the cache's own, and one per answer */
	int64_t parent_id;
	bool public_only;
	char key[160];
	char *json, *gz;
	size_t len, gz_len;
	char etag[48];
	int n_features;
	uint64_t used;
};

static pthread_mutex_t map_lock = PTHREAD_MUTEX_INITIALIZER;
static struct map_entry *slots[MAP_SLOTS];
static uint64_t ticks;

static void entry_unref(struct map_entry *e)
{
	if (!e || --e->refs > 0)
		return;
	free(e->json);
	free(e->gz);
	free(e);
}

static int fresh_key(char *out, size_t size, db_conn *db)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT (SELECT n FROM unit_boundary_generation WHERE id = 1), "
				    "(SELECT MAX(updated_at) FROM unit), (SELECT COUNT(*) FROM unit)");
	if (rc < 0)
		return rc;
	if ((rc = db_step(s)) == DB_ROW)
		snprintf(out, size, "%lld/%s/%lld", (long long)db_column_int64(s, 0),
			db_column_text(s, 1) ? db_column_text(s, 1) : "", (long long)db_column_int64(s, 2));
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------ building */

static void append_props(str *s, db_stmt *st)
{
	str_appendf(s, "{\"id\":%lld,\"code\":", (long long)db_column_int64(st, 0));
	if (db_column_text(st, 1))
		str_append_json(s, db_column_text(st, 1));
	else
		str_append(s, "null");
	str_append(s, ",\"name\":");
	str_append_json(s, db_column_text(st, 2));
	str_append(s, ",\"kind\":");
	str_append_json(s, db_column_text(st, 3));
	str_appendc(s, '}');
}

/* The parent's own feature, or ERR_NOTFOUND. */
static int append_parent(str *s, db_conn *db, int64_t parent_id, bool public_only)
{
	db_stmt *st;
	int rc = db_prepare(&st, db, "SELECT u.id, u.code, u.name, u.kind, b.geometry, u.public, u.active FROM unit u "
				     "LEFT JOIN unit_boundary b ON b.unit_id = u.id WHERE u.id = ?");
	if (rc < 0)
		return rc;
	if ((rc = db_bind_int64(st, 1, parent_id)) == 0 && (rc = db_step(st)) == DB_ROW &&
	    (!public_only || (db_column_int64(st, 5) && db_column_int64(st, 6)))) {
		str_appendf(s, "\"parent\":{\"type\":\"Feature\",\"id\":%lld,\"properties\":", (long long)parent_id);
		append_props(s, st);
		str_append(s, ",\"geometry\":");
		str_append(s, db_column_text(st, 4) ? db_column_text(st, 4) : "null");
		str_append(s, "},");
		rc = 0;
	} else if (rc >= 0) {
		rc = err_set(ERR_NOTFOUND, "no unit with id %lld", (long long)parent_id);
	}
	db_finalize(st);
	return rc;
}

static int append_children(str *s, int *n, db_conn *db, int64_t parent_id, bool public_only)
{
	db_stmt *st;
	double box[4] = { 180, 90, -180, -90 };
	str features = STR_INIT;
	int rc = db_prepare(&st, db, parent_id ?
		"SELECT u.id, u.code, u.name, u.kind, b.geometry, b.min_lon, b.min_lat, b.max_lon, b.max_lat "
		"FROM unit u JOIN unit_boundary b ON b.unit_id = u.id WHERE u.parent_id = ? AND u.active = 1 "
		"AND (u.public = 1 OR ? = 0) ORDER BY u.code, u.id" :
		"SELECT u.id, u.code, u.name, u.kind, b.geometry, b.min_lon, b.min_lat, b.max_lon, b.max_lat "
		"FROM unit u JOIN unit_boundary b ON b.unit_id = u.id WHERE u.parent_id IS NULL AND ? = 0 AND u.active = 1 "
		"AND (u.public = 1 OR ? = 0) ORDER BY u.code, u.id");
	if (rc < 0)
		return rc;
	if ((rc = db_bind_int64(st, 1, parent_id)) < 0 || (rc = db_bind_int64(st, 2, public_only)) < 0) {
		db_finalize(st);
		return rc;
	}
	*n = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		str_appendf(&features, "%s{\"type\":\"Feature\",\"id\":%lld,\"properties\":", *n ? "," : "",
			(long long)db_column_int64(st, 0));
		append_props(&features, st);
		str_append(&features, ",\"geometry\":");
		str_append(&features, db_column_text(st, 4));
		str_appendc(&features, '}');
		for (int k = 0; k < 4; k++) {
			double v = db_column_double(st, 5 + k);
			box[k] = k < 2 ? (v < box[k] ? v : box[k]) : (v > box[k] ? v : box[k]);
		}
		++*n;
	}
	db_finalize(st);
	if (rc < 0) {
		str_free(&features);
		return rc;
	}
	if (*n) {
		str_append(s, "\"bbox\":[");
		for (int k = 0; k < 4; k++) {
			if (k)
				str_appendc(s, ',');
			json_append_number(s, box[k]);
		}
		str_append(s, "],");
	}
	str_append(s, "\"features\":[");
	if (features.len)
		str_appendn(s, features.ptr, features.len);
	str_appendc(s, ']');
	str_free(&features);
	return 0;
}

static int gzip_body(struct map_entry *e)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return err_set(ERR_NOMEM, "out of memory");
	uLong cap = deflateBound(&z, (uLong)e->len);
	if (!(e->gz = malloc(cap))) {
		deflateEnd(&z);
		return err_set(ERR_NOMEM, "out of memory");
	}
	z.next_in = (unsigned char *)e->json;
	z.avail_in = (uInt)e->len;
	z.next_out = (unsigned char *)e->gz;
	z.avail_out = (uInt)cap;
	int zr = deflate(&z, Z_FINISH);
	e->gz_len = z.total_out;
	deflateEnd(&z);
	return zr == Z_STREAM_END ? 0 : err_set(ERR_GENERIC, "cannot compress the map");
}

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

static int entry_build(struct map_entry **out, db_conn *db, int64_t parent_id, bool public_only, const char *key)
{
	str s = STR_INIT;
	struct map_entry *e = calloc(1, sizeof(*e));
	int rc;
	if (!e)
		return err_set(ERR_NOMEM, "out of memory");
	e->parent_id = parent_id;
	e->public_only = public_only;
	snprintf(e->key, sizeof(e->key), "%s", key);
	str_append(&s, "{\"type\":\"FeatureCollection\",");
	if (parent_id)
		rc = append_parent(&s, db, parent_id, public_only);
	else
		rc = (str_append(&s, "\"parent\":null,"), 0);
	if (rc == 0)
		rc = append_children(&s, &e->n_features, db, parent_id, public_only);
	str_appendc(&s, '}');
	if (rc == 0 && str_oom(&s))
		rc = err_set(ERR_NOMEM, "out of memory");
	if (rc == 0) {
		e->len = s.len;
		e->json = str_detach(&s);
		snprintf(e->etag, sizeof(e->etag), "\"u%lld%s-%016llx\"", (long long)parent_id, public_only ? "p" : "",
			(unsigned long long)fnv1a(e->json, e->len));
		rc = gzip_body(e);
	}
	str_free(&s);
	if (rc < 0) {
		e->refs = 1;
		entry_unref(e);
		return rc;
	}
	*out = e;
	return 0;
}

/* ------------------------------------------------------------ the cache */

static struct map_entry **slot_of(int64_t parent_id, bool public_only)
{
	for (int i = 0; i < MAP_SLOTS; i++)
		if (slots[i] && slots[i]->parent_id == parent_id && slots[i]->public_only == public_only)
			return &slots[i];
	return NULL;
}

/* The slot for a new entry: an empty one, else the least recently used. */
static struct map_entry **slot_free(void)
{
	struct map_entry **lru = &slots[0];
	for (int i = 0; i < MAP_SLOTS; i++) {
		if (!slots[i])
			return &slots[i];
		if (slots[i]->used < (*lru)->used)
			lru = &slots[i];
	}
	return lru;
}

static void answer(boundaries_map *out, struct map_entry *e, bool gzip)
{
	e->refs++;
	e->used = ++ticks;
	out->entry = e;
	out->gzipped = gzip;
	out->body = gzip ? e->gz : e->json;
	out->len = gzip ? e->gz_len : e->len;
	out->etag = e->etag;
	out->n_features = e->n_features;
}

int boundaries_map_get(boundaries_map *out, db_conn *db, int64_t parent_id, bool public_only, bool gzip)
{
	char key[160];
	struct map_entry *built = NULL, **slot;
	int rc;
	memset(out, 0, sizeof(*out));
	if ((rc = fresh_key(key, sizeof(key), db)) < 0)
		return rc;
	pthread_mutex_lock(&map_lock);
	slot = slot_of(parent_id, public_only);
	if (slot && strcmp((*slot)->key, key) == 0) {
		answer(out, *slot, gzip);
		pthread_mutex_unlock(&map_lock);
		return 0;
	}
	pthread_mutex_unlock(&map_lock);
	if ((rc = entry_build(&built, db, parent_id, public_only, key)) < 0)
		return rc;
	pthread_mutex_lock(&map_lock);
	if (!(slot = slot_of(parent_id, public_only)))
		slot = slot_free();
	if (*slot && (*slot)->parent_id == parent_id && (*slot)->public_only == public_only && strcmp((*slot)->key, key) == 0) {
		answer(out, *slot, gzip);   /* another request made it meanwhile */
		built->refs = 1;
		entry_unref(built);
	} else {
		entry_unref(*slot);
		built->refs = 1;
		*slot = built;
		answer(out, built, gzip);
	}
	pthread_mutex_unlock(&map_lock);
	return 0;
}

void boundaries_map_release(boundaries_map *m)
{
	if (!m->entry)
		return;
	pthread_mutex_lock(&map_lock);
	entry_unref(m->entry);
	pthread_mutex_unlock(&map_lock);
	m->entry = NULL;
}
