/* boundaries: loading unit outlines from a GeoJSON FeatureCollection,
 * plain or gzip-compressed, matched to units by their code. Every feature
 * is checked before anything is written; the matched ones are then saved
 * in one transaction with one audit entry. */
#include "domain/stmap/boundaries.h"
#include "domain/people/audit.h"
#include "util/err.h"
#include "util/json.h"
#include "util/str.h"
#include "util/time.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* ------------------------------------------------------------ the file */

static bool is_gzip(const char *data, size_t len)
{
	return len >= 2 && (unsigned char)data[0] == 0x1f && (unsigned char)data[1] == 0x8b;
}

/* Inflates gzip data into *out (malloc'd, NUL-terminated). */
static int gunzip(char **out, size_t *out_len, const char *data, size_t len)
{
	z_stream z;
	str s = STR_INIT;
	char buf[65536];
	int zr = Z_OK;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 32) != Z_OK)
		return err_set(ERR_NOMEM, "out of memory");
	z.next_in = (unsigned char *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	while (zr != Z_STREAM_END) {
		z.next_out = (unsigned char *)buf;
		z.avail_out = sizeof(buf);
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END)
			break;
		str_appendn(&s, buf, sizeof(buf) - z.avail_out);
		if (s.len > BOUNDARIES_MAX_BYTES || (zr == Z_OK && z.avail_in == 0 && z.avail_out != 0))
			break;
	}
	inflateEnd(&z);
	if (zr != Z_STREAM_END) {
		bool too_large = s.len > BOUNDARIES_MAX_BYTES;
		str_free(&s);
		if (too_large)
			return err_set(ERR_TOOLARGE, "the file is larger than %u MiB once uncompressed", BOUNDARIES_MAX_BYTES >> 20);
		return err_set(ERR_INVALID, "the file is gzip data that cannot be read");
	}
	if (str_oom(&s)) {
		str_free(&s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	*out_len = s.len;
	*out = str_detach(&s);
	return *out ? 0 : err_set(ERR_INVALID, "the file is empty");
}

/* ------------------------------------------------------------ geometry */

typedef struct bbox {
	double min_lon, min_lat, max_lon, max_lat;
} bbox;

/* One checked feature, its geometry serialised with 5 decimals. */
typedef struct feature {
	const char *code, *name;   /* borrowed from the parsed file */
	int64_t unit_id;           /* 0: no unit has the code */
	char *geometry;
	bbox box;
} feature;

/* Appends x with at most 5 decimals, trailing zeros dropped (~1 m). */
static void append_coord(str *s, double x)
{
	long long v = llround(x * 1e5);
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%s%lld", v < 0 ? "-" : "", llabs(v) / 100000);
	long long frac = llabs(v) % 100000;
	if (frac) {
		int digits = 5;
		while (frac % 10 == 0) {
			frac /= 10;
			digits--;
		}
		snprintf(buf + n, sizeof(buf) - (size_t)n, ".%0*lld", digits, frac);
	}
	str_append(s, buf);
}

static bool position_ok(const json_t *p, double *lon, double *lat)
{
	if (!json_is_array(p) || json_array_size(p) < 2 || !json_is_number(json_array_get(p, 0)) ||
	    !json_is_number(json_array_get(p, 1)))
		return false;
	*lon = json_number_value(json_array_get(p, 0));
	*lat = json_number_value(json_array_get(p, 1));
	return isfinite(*lon) && isfinite(*lat) && *lon >= -180 && *lon <= 180 && *lat >= -90 && *lat <= 90;
}

/* Serialises one polygon (an array of linear rings) onto s; ring_no counts
 * the rings of the whole geometry for the messages. */
static int append_polygon(str *s, bbox *box, const json_t *rings, int index, const char *code, int *ring_no)
{
	size_t i, j;
	const json_t *ring, *p;
	if (!json_is_array(rings) || json_array_size(rings) == 0)
		return err_set(ERR_INVALID, "features[%d] (%s): a polygon must be an array of rings", index, code);
	str_appendc(s, '[');
	json_array_foreach(rings, i, ring) {
		double lon0 = 0, lat0 = 0, lon = 0, lat = 0;
		++*ring_no;
		if (!json_is_array(ring) || json_array_size(ring) < 4)
			return err_set(ERR_INVALID, "features[%d] (%s): ring %d has fewer than 4 positions", index, code, *ring_no);
		str_append(s, i ? ",[" : "[");
		json_array_foreach(ring, j, p) {
			if (!position_ok(p, &lon, &lat))
				return err_set(ERR_INVALID, "features[%d] (%s): position %zu of ring %d is not a longitude and latitude",
					index, code, j + 1, *ring_no);
			if (j == 0) {
				lon0 = lon;
				lat0 = lat;
			}
			lon = (double)llround(lon * 1e5) / 1e5;   /* the box of what is kept */
			lat = (double)llround(lat * 1e5) / 1e5;
			box->min_lon = fmin(box->min_lon, lon);
			box->max_lon = fmax(box->max_lon, lon);
			box->min_lat = fmin(box->min_lat, lat);
			box->max_lat = fmax(box->max_lat, lat);
			str_append(s, j ? ",[" : "[");
			append_coord(s, lon);
			str_appendc(s, ',');
			append_coord(s, lat);
			str_appendc(s, ']');
		}
		if (lon != (double)llround(lon0 * 1e5) / 1e5 || lat != (double)llround(lat0 * 1e5) / 1e5)
			return err_set(ERR_INVALID, "features[%d] (%s): ring %d is not closed", index, code, *ring_no);
		str_appendc(s, ']');
	}
	str_appendc(s, ']');
	return 0;
}

/* Checks and serialises a Polygon or MultiPolygon geometry. */
static int geometry_read(feature *f, const json_t *g, int index)
{
	const char *type = json_string_value(json_object_get(g, "type"));
	const json_t *coords = json_object_get(g, "coordinates"), *poly;
	str s = STR_INIT;
	int rc = 0, rings = 0;
	size_t i;
	f->box = (bbox){ 180, 90, -180, -90 };
	if (!json_is_object(g) || !type || (strcmp(type, "Polygon") && strcmp(type, "MultiPolygon")))
		return err_set(ERR_INVALID, "features[%d] (%s): the geometry must be a Polygon or a MultiPolygon", index, f->code);
	str_appendf(&s, "{\"type\":\"%s\",\"coordinates\":", type);
	if (strcmp(type, "Polygon") == 0) {
		rc = append_polygon(&s, &f->box, coords, index, f->code, &rings);
	} else if (!json_is_array(coords) || json_array_size(coords) == 0) {
		rc = err_set(ERR_INVALID, "features[%d] (%s): a MultiPolygon needs at least one polygon", index, f->code);
	} else {
		str_appendc(&s, '[');
		json_array_foreach(coords, i, poly) {
			if (i)
				str_appendc(&s, ',');
			if ((rc = append_polygon(&s, &f->box, poly, index, f->code, &rings)) < 0)
				break;
		}
		str_appendc(&s, ']');
	}
	str_appendc(&s, '}');
	if (rc == 0 && str_oom(&s))
		rc = err_set(ERR_NOMEM, "out of memory");
	if (rc == 0)
		f->geometry = str_detach(&s);
	str_free(&s);
	return rc;
}

/* ------------------------------------------------------------ matching */

typedef struct unit_code {
	const char *code;
	int64_t id;
} unit_code;

static int by_code(const void *a, const void *b)
{
	return strcmp(((const unit_code *)a)->code, ((const unit_code *)b)->code);
}

typedef struct code_table {
	unit_code *rows;
	size_t n;
	str text;   /* the codes, NUL-separated */
} code_table;

static void code_table_free(code_table *t)
{
	free(t->rows);
	str_free(&t->text);
}

/* Every unit's code, sorted for lookups. */
static int code_table_load(code_table *t, db_conn *db)
{
	db_stmt *s;
	size_t cap = 0, *offsets = NULL;
	int rc = db_prepare(&s, db, "SELECT id, code FROM unit WHERE code IS NOT NULL AND code <> ''");
	memset(t, 0, sizeof(*t));
	if (rc < 0)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (t->n == cap) {
			cap = cap ? cap * 2 : 256;
			unit_code *rows = realloc(t->rows, cap * sizeof(*rows));
			size_t *offs = realloc(offsets, cap * sizeof(*offs));
			if (rows)
				t->rows = rows;
			if (offs)
				offsets = offs;
			if (!rows || !offs) {
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
		}
		t->rows[t->n].id = db_column_int64(s, 0);
		offsets[t->n++] = t->text.len;
		str_append(&t->text, db_column_text(s, 1));
		str_appendc(&t->text, '\0');
	}
	db_finalize(s);
	if (rc == 0 && str_oom(&t->text))
		rc = err_set(ERR_NOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < t->n; i++)
		t->rows[i].code = t->text.ptr + offsets[i];
	free(offsets);
	if (rc == 0 && t->n)
		qsort(t->rows, t->n, sizeof(*t->rows), by_code);
	return rc;
}

static int64_t code_table_find(const code_table *t, const char *code)
{
	unit_code key = { code, 0 }, *hit = t->n ? bsearch(&key, t->rows, t->n, sizeof(*t->rows), by_code) : NULL;
	return hit ? hit->id : 0;
}

/* ------------------------------------------------------------ the load */

static void problem(boundaries_result *r, int index, const char *code)
{
	json_t *p = json_pack("{s:i}", "index", index);
	if (code)
		json_object_set_new(p, "code", json_string(code));
	json_array_append_new(r->problems, json_err_detail(p));
}

/* Reads one feature into f; a problem is listed on r when it is bad. */
static int feature_read(feature *f, boundaries_result *r, const json_t *ft, int index)
{
	const json_t *props = json_object_get(ft, "properties");
	const char *type = json_string_value(json_object_get(ft, "type"));
	int rc;
	memset(f, 0, sizeof(*f));
	if (!json_is_object(ft) || !type || strcmp(type, "Feature")) {
		rc = err_set(ERR_INVALID, "features[%d] is not a GeoJSON Feature", index);
		problem(r, index, NULL);
		return rc;
	}
	f->code = json_string_value(json_object_get(props, "code"));
	f->name = json_string_value(json_object_get(props, "name"));
	if (!f->code || !*f->code) {
		rc = err_set(ERR_INVALID, "features[%d] has no code property (the unit code, as text)", index);
		problem(r, index, NULL);
		return rc;
	}
	if ((rc = geometry_read(f, json_object_get(ft, "geometry"), index)) < 0 && rc != ERR_NOMEM)
		problem(r, index, f->code);
	return rc;
}

static int save(db_conn *db, const principal *who, const feature *fs, int n, const char *source, const boundaries_result *r)
{
	char now[TIME_ISO_SIZE];
	db_stmt *s;
	json_t *codes = json_array();
	int rc = db_prepare(&s, db, "INSERT INTO unit_boundary (unit_id, geometry, min_lon, min_lat, max_lon, max_lat, source, loaded_at) "
				    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (unit_id) DO UPDATE SET geometry = excluded.geometry, "
				    "min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon, "
				    "max_lat = excluded.max_lat, source = excluded.source, loaded_at = excluded.loaded_at");
	if (rc < 0) {
		json_decref(codes);
		return rc;
	}
	time_now_iso(now);
	for (int i = 0; rc == 0 && i < n; i++) {
		const feature *f = &fs[i];
		if (!f->unit_id)
			continue;
		json_array_append_new(codes, json_string(f->code));
		if ((rc = db_bind_int64(s, 1, f->unit_id)) < 0 || (rc = db_bind_text_static(s, 2, f->geometry)) < 0 ||
		    (rc = db_bind_double(s, 3, f->box.min_lon)) < 0 || (rc = db_bind_double(s, 4, f->box.min_lat)) < 0 ||
		    (rc = db_bind_double(s, 5, f->box.max_lon)) < 0 || (rc = db_bind_double(s, 6, f->box.max_lat)) < 0 ||
		    (rc = db_bind_text(s, 7, source)) < 0 || (rc = db_bind_text(s, 8, now)) < 0)
			break;
		if ((rc = db_step(s)) >= 0)
			rc = db_reset(s);
	}
	db_finalize(s);
	if (rc == 0)
		rc = db_run(db, NULL, "UPDATE unit_boundary_generation SET n = n + 1 WHERE id = 1", "");
	if (rc == 0) {
		json_t *after = json_pack("{s:s, s:i, s:i, s:o}", "source", source, "matched", r->matched, "unmatched",
			r->unmatched, "units", codes);
		codes = NULL;
		rc = audit_append_json(db, who, "import", "unit_boundary", NULL, NULL, after);
		json_decref(after);
	}
	json_decref(codes);
	return rc;
}

void boundaries_result_free(boundaries_result *r)
{
	json_decref(r->unmatched_list);
	json_decref(r->problems);
	r->unmatched_list = r->problems = NULL;
}

/* Checks every feature, matching the good ones to units. */
static int features_read(feature *fs, boundaries_result *r, const json_t *features, const code_table *units)
{
	size_t i;
	const json_t *ft;
	json_array_foreach(features, i, ft) {
		feature *f = &fs[i];
		int frc = feature_read(f, r, ft, (int)i);
		if (frc == ERR_NOMEM)
			return frc;
		if (frc < 0)
			continue;
		for (size_t k = 0; k < i; k++)
			if (fs[k].code && strcmp(fs[k].code, f->code) == 0) {
				err_set(ERR_INVALID, "features[%d] (%s): the code is already the code of features[%zu]", (int)i, f->code, k);
				problem(r, (int)i, f->code);
				frc = ERR_INVALID;
				break;
			}
		if (frc < 0 || json_array_size(r->problems))
			continue;
		if ((f->unit_id = code_table_find(units, f->code)))
			r->matched++;
		else
			json_array_append_new(r->unmatched_list,
				json_pack("{s:i, s:s, s:s?}", "index", (int)i, "code", f->code, "name", f->name));
	}
	r->unmatched = (int)json_array_size(r->unmatched_list);
	return 0;
}

int boundaries_load(boundaries_result *r, db_conn *db, const principal *who, const char *data, size_t len,
	const char *source, bool dry_run)
{
	char *inflated = NULL;
	json_t *root = NULL;
	feature *fs = NULL;
	code_table units = { 0 };
	int rc;
	memset(r, 0, sizeof(*r));
	r->dry_run = dry_run;
	r->unmatched_list = json_array();
	r->problems = json_array();
	if (is_gzip(data, len)) {
		if ((rc = gunzip(&inflated, &len, data, len)) < 0)
			return rc;
		data = inflated;
	}
	if ((rc = json_parse(&root, data, len)) < 0)
		goto done;
	const json_t *features = json_object_get(root, "features");
	const char *type = json_string_value(json_object_get(root, "type"));
	if (!json_is_object(root) || !type || strcmp(type, "FeatureCollection") || !json_is_array(features)) {
		rc = err_set(ERR_INVALID, "the file is not a GeoJSON FeatureCollection");
		goto done;
	}
	r->total = (int)json_array_size(features);
	if (r->total == 0) {
		rc = err_set(ERR_INVALID, "the file has no features");
		goto done;
	}
	if (!(fs = calloc((size_t)r->total, sizeof(*fs)))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((rc = code_table_load(&units, db)) < 0 || (rc = features_read(fs, r, features, &units)) < 0)
		goto done;
	if (json_array_size(r->problems)) {
		size_t n = json_array_size(r->problems);
		rc = err_set(ERR_INVALID, "%zu features of the file are not right; nothing was saved", n);
		goto done;
	}
	if (!dry_run && r->matched && (rc = db_begin_write(db)) == 0) {
		if ((rc = save(db, who, fs, r->total, source ? source : "", r)) < 0)
			db_rollback(db);
		else
			rc = db_commit(db);
	}
done:
	for (int i = 0; fs && i < r->total; i++)
		free(fs[i].geometry);
	free(fs);
	code_table_free(&units);
	json_decref(root);
	free(inflated);
	return rc;
}
