/* map_points: the organisations of a unit's subtree, as points of a map. */
#include "domain/stmap/map_points.h"
#include "util/err.h"

#include <stdio.h>
#include <string.h>

#define MAP_POINTS_MAX 20000

/* The unit's subtree as the range [lo, hi) of paths. */
static int subtree(char *lo, char *hi, size_t size, db_conn *db, int64_t unit_id, bool public_only)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT path, public, active FROM unit WHERE id = ?");
	if (rc < 0)
		return rc;
	if ((rc = db_bind_int64(s, 1, unit_id)) == 0 && (rc = db_step(s)) == DB_ROW &&
	    (!public_only || (db_column_int64(s, 1) && db_column_int64(s, 2)))) {
		snprintf(lo, size, "%s", db_column_text(s, 0));
		snprintf(hi, size, "%s", db_column_text(s, 0));
		size_t n = strlen(hi);
		if (n)
			hi[n - 1] = '0';   /* the character after '/' */
		rc = 0;
	} else if (rc >= 0) {
		rc = err_set(ERR_NOTFOUND, "no unit with id %lld", (long long)unit_id);
	}
	db_finalize(s);
	return rc;
}

static json_t *real_or_null(db_stmt *s, int i)
{
	return db_column_is_null(s, i) ? json_null() : json_real(db_column_double(s, i));
}

int map_points_list(json_t **out, db_conn *db, int64_t unit_id, const char *kind, bool public_only)
{
	char lo[512], hi[512];
	db_stmt *s;
	int rc;
	if ((rc = subtree(lo, hi, sizeof(lo), db, unit_id, public_only)) < 0)
		return rc;
	rc = db_prepare(&s, db, "SELECT o.id, o.name, o.short_name, o.kind, o.unit_id, o.lat, o.lon, o.employees "
				"FROM organisation o JOIN unit u ON u.id = o.unit_id WHERE u.path >= ? AND u.path < ? "
				"AND o.status IN ('active', 'inactive') AND (o.published = 1 OR ? = 0) AND (? = '' OR o.kind = ?) "
				"ORDER BY o.name, o.id");
	if (rc < 0)
		return rc;
	json_t *list = json_array();
	if ((rc = db_bind_text(s, 1, lo)) < 0 || (rc = db_bind_text(s, 2, hi)) < 0 ||
	    (rc = db_bind_int64(s, 3, public_only)) < 0 || (rc = db_bind_text(s, 4, kind ? kind : "")) < 0 ||
	    (rc = db_bind_text(s, 5, kind ? kind : "")) < 0)
		goto done;
	while ((rc = db_step(s)) == DB_ROW && json_array_size(list) < MAP_POINTS_MAX) {
		json_t *o = json_pack("{s:I, s:s, s:s?, s:s, s:I, s:o, s:o, s:o}", "id", (json_int_t)db_column_int64(s, 0),
			"name", db_column_text(s, 1), "short_name", db_column_text(s, 2), "kind", db_column_text(s, 3),
			"unit_id", (json_int_t)db_column_int64(s, 4), "lat", real_or_null(s, 5), "lon", real_or_null(s, 6),
			"employees", db_column_is_null(s, 7) ? json_null() : json_integer(db_column_int64(s, 7)));
		json_array_append_new(list, o);
	}
	if (rc >= 0)
		rc = 0;
done:
	db_finalize(s);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o, s:i}", "organisations", list, "total", (int)json_array_size(list));
	return 0;
}
