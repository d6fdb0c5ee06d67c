/* registry: sectors, and indicators computed from the registry (see
 * registry.h for what a figure means). */
#include "domain/ecosystem/registry.h"
#include "domain/people/audit.h"
#include "domain/programme/task.h"
#include "domain/stmap/indicators.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/json.h"
#include "util/str.h"
#include "util/time.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KINDS_MAX 9
/* The note of every figure computed from the registry (values are stored
 * in the language of the programme). */
#define REGISTRY_NOTE "Tính từ cơ sở dữ liệu hệ sinh thái"
#define YEARS_MAX 50

typedef enum entity { ENT_ORGANISATION, ENT_INVESTMENT, ENT_BOOKING, ENT_PUBLICATION, N_ENTITIES } entity;

typedef struct spec {
	entity ent;
	bool sum, stock;
	int n_kinds;
	const char *kinds[KINDS_MAX];
	const char *sector;
	int from;
	double scale;
} spec;

static const char *const entity_names[] = { "organisation", "investment", "booking", "publication" };
static const char *const org_kinds[] = { "university", "institute", "enterprise", "st_enterprise", "startup",
	"innovation_centre", "fund", "agency", "foreign_partner" };

/* What each entity counts: its tables, the unit and date of a record, what
 * a sum adds up, and the records always left out. */
typedef struct entity_sql {
	const char *from, *date, *amount, *base, *id, *name, *order;
} entity_sql;

static const entity_sql entity_sqls[] = {
	[ENT_ORGANISATION] = { "organisation o JOIN unit u ON u.id = o.unit_id",
		"COALESCE(o.founded_on, SUBSTR(o.created_at, 1, 10))", "o.employees", "o.status <> 'merged'", "o.id",
		"o.name", "o.name" },
	[ENT_INVESTMENT] = { "investment x JOIN organisation o ON o.id = x.startup_id JOIN unit u ON u.id = o.unit_id",
		"x.invested_on", "x.amount_vnd", "o.status <> 'merged'", "x.id", "o.name", "x.invested_on, x.id" },
	[ENT_BOOKING] = { "booking x JOIN resource r ON r.id = x.resource_id "
			  "JOIN organisation o ON o.id = r.organisation_id JOIN unit u ON u.id = o.unit_id",
		"SUBSTR(x.starts_at, 1, 10)", "x.used_hours", "x.status = 'used'", "x.id", "r.name", "x.starts_at, x.id" },
	/* publications are counted by stmap/indicators (fractional P, or with
	 * "sum" P(top 10 %)); the SQL only names the units holding organisations */
	[ENT_PUBLICATION] = { "organisation o JOIN unit u ON u.id = o.unit_id", "NULL", "NULL", "o.status <> 'merged'",
		"o.id", "o.name", "o.name" },
};

/* ------------------------------------------------------------------- spec */

static int pick(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

/* Reads spec from its JSON; strings are borrowed from in. */
static int spec_read(spec *sp, const json_t *in)
{
	const char *ent, *measure, *mode;
	long long from = 2025;
	double scale = 1;
	int present, rc;
	memset(sp, 0, sizeof(*sp));
	if ((rc = json_require_object(in, "'registry'")) < 0 || (rc = json_get_string(&ent, in, "entity", 1)) < 0 ||
	    (rc = json_get_string(&measure, in, "measure", 1)) < 0 || (rc = json_get_string(&mode, in, "mode", 0)) < 0 ||
	    (rc = json_get_int(&from, &present, in, "from", 0)) < 0 ||
	    (rc = json_get_number(&scale, &present, in, "scale", 0)) < 0)
		return err_set(ERR_INVALID, "'registry': %s", err_msg());
	int e = pick(entity_names, N_ENTITIES, ent);
	if (e < 0)
		return err_set(ERR_INVALID, "'registry': the entity must be organisation, investment, booking or publication");
	sp->ent = (entity)e;
	if (strcmp(measure, "count") != 0 && strcmp(measure, "sum") != 0)
		return err_set(ERR_INVALID, "'registry': the measure must be count or sum");
	sp->sum = strcmp(measure, "sum") == 0;
	if (mode && strcmp(mode, "stock") != 0 && strcmp(mode, "flow") != 0)
		return err_set(ERR_INVALID, "'registry': the mode must be stock or flow");
	sp->stock = !mode || strcmp(mode, "stock") == 0;
	if (sp->ent == ENT_PUBLICATION) {
		if (mode && sp->stock)
			return err_set(ERR_INVALID, "'registry': publications are counted within a year: the mode must be flow");
		sp->stock = false;
	}
	if (from < 2000 || from > 2100)
		return err_set(ERR_INVALID, "'registry': the first year must be between 2000 and 2100");
	sp->from = (int)from;
	if (!isfinite(scale) || scale <= 0)
		return err_set(ERR_INVALID, "'registry': the scale must be a positive number");
	sp->scale = scale;
	const json_t *filter = json_object_get(in, "filter");
	if (!filter || json_is_null(filter))
		return 0;
	if (!json_is_object(filter))
		return err_set(ERR_INVALID, "'registry': the filter must be an object");
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)filter, key, v) {
		if (strcmp(key, "kind") == 0) {
			size_t i;
			json_t *k;
			if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > KINDS_MAX)
				return err_set(ERR_INVALID, "'registry': the filter's kind lists kinds of organisation");
			json_array_foreach(v, i, k) {
				if (pick(org_kinds, KINDS_MAX, json_string_value(k)) < 0)
					return err_set(ERR_INVALID, "'registry': '%s' is not a kind of organisation",
						json_is_string(k) ? json_string_value(k) : "?");
				sp->kinds[sp->n_kinds++] = json_string_value(k);
			}
		} else if (strcmp(key, "sector") == 0) {
			if (!json_is_string(v) || !*json_string_value(v))
				return err_set(ERR_INVALID, "'registry': the filter's sector is a sector code");
			sp->sector = json_string_value(v);
		} else
			return err_set(ERR_INVALID, "'registry': the filter has no field '%s'", key);
	}
	return 0;
}

int registry_spec_check(char **out, const json_t *in)
{
	spec sp;
	int rc;
	*out = NULL;
	if ((rc = spec_read(&sp, in)) < 0)
		return rc;
	/* only the known fields, in one order */
	const char *allowed[] = { "entity", "measure", "mode", "filter", "from", "scale" };
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)in, key, v) {
		if (pick(allowed, 6, key) < 0)
			return err_set(ERR_INVALID, "'registry' has no field '%s'", key);
	}
	json_t *canon = json_pack("{s:s, s:s, s:s, s:i}", "entity", entity_names[sp.ent], "measure",
		sp.sum ? "sum" : "count", "mode", sp.stock ? "stock" : "flow", "from", sp.from);
	if (!canon)
		return err_set(ERR_NOMEM, "out of memory");
	json_t *filter = json_object();
	if (sp.n_kinds) {
		json_t *k = json_array();
		for (int i = 0; i < sp.n_kinds; i++)
			json_array_append_new(k, json_string(sp.kinds[i]));
		json_object_set_new(filter, "kind", k);
	}
	if (sp.sector)
		json_object_set_new(filter, "sector", json_string(sp.sector));
	json_object_set_new(canon, "filter", filter);
	if (sp.scale != 1)
		json_object_set_new(canon, "scale", json_real(sp.scale));
	*out = json_dumps(canon, JSON_COMPACT);
	json_decref(canon);
	return *out ? 0 : err_set(ERR_NOMEM, "out of memory");
}

/* The WHERE clause of a spec for one year; binds[] gets what each
 * placeholder stands for, in order: 's' the first day, 'e' the last day,
 * 'p' the sector pattern (kinds are inlined: checked above). */
static void spec_where(str *sql, const spec *sp, char binds[8])
{
	const entity_sql *e = &entity_sqls[sp->ent];
	int n = 0;
	str_appendf(sql, " WHERE %s AND %s <= ?", e->base, e->date);
	binds[n++] = 'e';
	if (!sp->stock) {
		str_appendf(sql, " AND %s >= ?", e->date);
		binds[n++] = 's';
	} else if (sp->ent == ENT_ORGANISATION) {
		/* still there at the end of the year */
		str_append(sql, " AND (o.ended_on IS NULL OR o.ended_on > ?) AND (o.status <> 'dissolved' OR "
				"o.ended_on IS NOT NULL)");
		binds[n++] = 'e';
	}
	for (int i = 0; i < sp->n_kinds; i++)
		str_appendf(sql, "%s'%s'%s", i ? ", " : " AND o.kind IN (", sp->kinds[i], i + 1 == sp->n_kinds ? ")" : "");
	if (sp->sector) {
		str_append(sql, " AND (',' || o.sectors || ',') LIKE ?");
		binds[n++] = 'p';
	}
	binds[n] = 0;
}

/* Binds the placeholders spec_where listed, from index 1; returns the next index. */
static int spec_bind(db_stmt *s, const char *binds, const char *start, const char *end, const char *pattern)
{
	int i = 1;
	for (; *binds; binds++, i++)
		db_bind_text(s, i, *binds == 's' ? start : *binds == 'e' ? end : pattern);
	return i;
}

/* ------------------------------------------------------------- computing */

typedef struct direct {
	char *path;
	double value;
} direct;

typedef struct target {
	int64_t unit_id;
	char *path;
	bool reports;   /* of the report kinds: gets a figure even when 0 */
} target;

typedef struct existing {
	int64_t id, unit_id;
	int year;
	double value;
	bool approved, seen;
} existing;

static int cmp_direct(const void *a, const void *b)
{
	return strcmp(((const direct *)a)->path, ((const direct *)b)->path);
}

static int cmp_existing(const void *a, const void *b)
{
	const existing *x = a, *y = b;
	if (x->unit_id != y->unit_id)
		return x->unit_id < y->unit_id ? -1 : 1;
	return (x->year > y->year) - (x->year < y->year);
}

/* The sum of the direct figures of the units in path's subtree. */
static double subtree_sum(const direct *d, size_t n, const char *path)
{
	size_t lo = 0, hi = n, len = strlen(path);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(d[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	double total = 0;
	for (size_t i = lo; i < n && strncmp(d[i].path, path, len) == 0; i++)
		total += d[i].value;
	return total;
}

typedef struct refresh {
	db_conn *db;
	int64_t indicator_id;
	spec sp;
	char *report_kinds;
	direct *d;
	size_t n_d, cap_d;
	target *t;
	size_t n_t, cap_t;
	existing *x;
	size_t n_x, cap_x;
	stmap_pub_units *pubs;   /* the works, read once per refresh */
} refresh;

static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 64;
	void *p = realloc(*arr, ncap * size);
	if (!p)
		return err_set(ERR_NOMEM, "out of memory");
	*arr = p;
	*cap = ncap;
	return 0;
}

static void refresh_clear_year(refresh *r)
{
	for (size_t i = 0; i < r->n_d; i++)
		free(r->d[i].path);
	r->n_d = 0;
}

static int add_publication_figure(void *ctx, const stmap_pub_figure *fig)
{
	refresh *r = ctx;
	int rc;
	if ((rc = grow((void **)&r->d, &r->cap_d, r->n_d, sizeof(direct))) < 0)
		return rc;
	if (!(r->d[r->n_d].path = strdup(fig->unit_path ? fig->unit_path : "")))
		return err_set(ERR_NOMEM, "out of memory");
	r->d[r->n_d++].value = fig->value * r->sp.scale;
	return 0;
}

/* Publications: one direct figure per organisation holding works of year y. */
static int read_direct_publications(refresh *r, int y)
{
	stmap_pub_filter f = { .kinds = r->sp.kinds, .n_kinds = r->sp.n_kinds, .sector = r->sp.sector };
	int rc;
	refresh_clear_year(r);
	if (!r->pubs && (rc = stmap_pub_units_load(&r->pubs, r->db)) < 0)
		return rc;
	if ((rc = stmap_pub_units_year(r->pubs, y, r->sp.sum, &f, add_publication_figure, r)) < 0)
		return rc;
	if (r->n_d)
		qsort(r->d, r->n_d, sizeof(direct), cmp_direct);
	return 0;
}

/* Reads the direct figure of each unit that holds records for year y. */
static int read_direct(refresh *r, int y)
{
	if (r->sp.ent == ENT_PUBLICATION)
		return read_direct_publications(r, y);
	char start[16], end[16], pattern[80] = "";
	snprintf(start, sizeof(start), "%04d-01-01", y);
	snprintf(end, sizeof(end), "%04d-12-31", y);
	if (r->sp.sector)
		snprintf(pattern, sizeof(pattern), "%%,%s,%%", r->sp.sector);
	const entity_sql *e = &entity_sqls[r->sp.ent];
	str sql = STR_INIT;
	char binds[8];
	if (r->sp.sum)
		str_appendf(&sql, "SELECT u.path, SUM(%s) FROM %s", e->amount, e->from);
	else
		str_appendf(&sql, "SELECT u.path, COUNT(*) FROM %s", e->from);
	spec_where(&sql, &r->sp, binds);
	str_append(&sql, " GROUP BY u.path");
	db_stmt *s;
	int rc = db_prepare(&s, r->db, sql.ptr);
	str_free(&sql);
	if (rc < 0)
		return rc;
	spec_bind(s, binds, start, end, pattern);
	refresh_clear_year(r);
	while ((rc = db_step(s)) == DB_ROW) {
		if ((rc = grow((void **)&r->d, &r->cap_d, r->n_d, sizeof(direct))) < 0)
			break;
		double v = db_column_is_null(s, 1) ? 0 : db_column_double(s, 1);
		if (!(r->d[r->n_d].path = strdup(db_column_text(s, 0)))) {
			rc = err_set(ERR_NOMEM, "out of memory");
			break;
		}
		r->d[r->n_d++].value = v * r->sp.scale;
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (r->n_d)
		qsort(r->d, r->n_d, sizeof(direct), cmp_direct);
	return 0;
}

/* The units that get a figure: those of the report kinds, and every unit
 * that holds records itself (whatever the year: a unit whose records all
 * went keeps a figure of 0 rather than a stale one). */
static int read_targets(refresh *r)
{
	str sql = STR_INIT;
	const entity_sql *e = &entity_sqls[r->sp.ent];
	str_append(&sql, "SELECT t.id, t.path, MAX(t.reports) FROM (SELECT u.id, u.path, 1 AS reports FROM unit u WHERE ");
	if (r->report_kinds)
		str_append(&sql, "(',' || ? || ',') LIKE ('%,' || u.kind || ',%')");
	else
		str_append(&sql, "u.kind = 'commune'");
	str_appendf(&sql, " UNION ALL SELECT u.id, u.path, 0 FROM %s WHERE %s) t GROUP BY t.id, t.path", e->from, e->base);
	db_stmt *s;
	int rc = db_prepare(&s, r->db, sql.ptr);
	str_free(&sql);
	if (rc < 0)
		return rc;
	if (r->report_kinds)
		db_bind_text(s, 1, r->report_kinds);
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t id = db_column_int64(s, 0);
		bool reports = db_column_int64(s, 2) != 0;
		if ((rc = grow((void **)&r->t, &r->cap_t, r->n_t, sizeof(target))) < 0)
			break;
		if (!(r->t[r->n_t].path = strdup(db_column_text(s, 1)))) {
			rc = err_set(ERR_NOMEM, "out of memory");
			break;
		}
		r->t[r->n_t].unit_id = id;
		r->t[r->n_t++].reports = reports;
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static int read_existing(refresh *r)
{
	db_stmt *s;
	int rc = db_prepare(&s, r->db, "SELECT id, unit_id, period, value, status FROM indicator_value WHERE indicator_id = ?");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, r->indicator_id);
	while ((rc = db_step(s)) == DB_ROW) {
		const char *period = db_column_text(s, 2);
		if (strlen(period) != 4)
			continue;   /* only years are computed */
		if ((rc = grow((void **)&r->x, &r->cap_x, r->n_x, sizeof(existing))) < 0)
			break;
		r->x[r->n_x++] = (existing){ .id = db_column_int64(s, 0), .unit_id = db_column_int64(s, 1),
			.year = atoi(period), .value = db_column_is_null(s, 3) ? NAN : db_column_double(s, 3),
			.approved = strcmp(db_column_text(s, 4), "approved") == 0 };
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (r->n_x)
		qsort(r->x, r->n_x, sizeof(existing), cmp_existing);
	return 0;
}

static existing *find_existing(refresh *r, int64_t unit_id, int year)
{
	existing key = { .unit_id = unit_id, .year = year };
	if (!r->n_x)
		return NULL;
	return bsearch(&key, r->x, r->n_x, sizeof(existing), cmp_existing);
}

/* Sets the approved figure of unit for year: an insert is a draft that the
 * update approves, so that the data_change triggers log it and the live
 * roll-ups move at once. */
static int write_figure(refresh *r, existing *old, int64_t unit_id, int year, double value)
{
	char now[TIME_ISO_SIZE], period[8], deadline[16];
	time_now_iso(now);
	snprintf(period, sizeof(period), "%04d", year);
	snprintf(deadline, sizeof(deadline), "%04d-12-31", year);
	int64_t id = old ? old->id : 0;
	int rc = 0;
	if (!old)
		rc = db_run(r->db, &id,
			"INSERT INTO indicator_value (indicator_id, unit_id, period, value, note, status, deadline, updated_at) "
			"VALUES (?, ?, ?, NULL, ?, 'draft', ?, ?) RETURNING id",
			"iitttt", r->indicator_id, unit_id, period, REGISTRY_NOTE, deadline, now);
	if (rc == 0)
		rc = db_run(r->db, NULL,
			"UPDATE indicator_value SET value = ?, status = 'approved', reason = NULL, note = ?, "
			"updated_by = NULL, updated_at = ? WHERE id = ?",
			"dtti", value, REGISTRY_NOTE, now, id);
	return rc;
}

/* Whether the unit at path holds records of its own this year. */
static bool holds_records(const direct *d, size_t n, const char *path)
{
	direct key = { .path = (char *)path };
	if (!n)
		return false;
	return bsearch(&key, d, n, sizeof(direct), cmp_direct) != NULL;
}

static int refresh_year(refresh *r, int year)
{
	int rc = read_direct(r, year);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < r->n_t; i++) {
		const target *t = &r->t[i];
		/* a unit of another kind gets a figure only for a year it holds
		 * records itself; a figure it had is removed (left unseen) */
		if (!t->reports && !holds_records(r->d, r->n_d, t->path))
			continue;
		double v = json_round_significant(subtree_sum(r->d, r->n_d, t->path), 12);
		existing *old = find_existing(r, t->unit_id, year);
		if (old)
			old->seen = true;
		if (old && old->approved && old->value == v)
			continue;
		if ((rc = write_figure(r, old, t->unit_id, year, v)) < 0)
			return rc;
	}
	return 0;
}

static void refresh_free(refresh *r)
{
	refresh_clear_year(r);
	free(r->d);
	for (size_t i = 0; i < r->n_t; i++)
		free(r->t[i].path);
	free(r->t);
	free(r->x);
	free(r->report_kinds);
	stmap_pub_units_free(r->pubs);
}

static int this_year(void)
{
	return task_today().y;
}

/* Loads the spec and report kinds of indicator id; *found false when it
 * is not from the registry. */
static int load_indicator(refresh *r, json_t **spec_json, bool *found)
{
	db_stmt *s;
	int rc = db_prepare(&s, r->db, "SELECT registry, report_kinds FROM indicator WHERE id = ?");
	*found = false;
	*spec_json = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, r->indicator_id);
	if ((rc = db_step(s)) == DB_ROW && !db_column_is_null(s, 0)) {
		const char *text = db_column_text(s, 0);
		*spec_json = json_loads(text, 0, NULL);
		if (!db_column_is_null(s, 1) && *db_column_text(s, 1))
			r->report_kinds = strdup(db_column_text(s, 1));
		*found = true;
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (*found && !*spec_json)
		return err_set(ERR_GENERIC, "indicator %lld has a registry spec that is not JSON", (long long)r->indicator_id);
	return 0;
}

int registry_refresh_indicator(db_conn *db, int64_t indicator_id)
{
	refresh r = { .db = db, .indicator_id = indicator_id };
	json_t *spec_json = NULL;
	bool found;
	int rc = load_indicator(&r, &spec_json, &found);
	if (rc == 0 && found && (rc = spec_read(&r.sp, spec_json)) == 0 && (rc = read_targets(&r)) == 0 &&
	    (rc = read_existing(&r)) == 0) {
		int last = this_year();
		for (int y = r.sp.from; rc == 0 && y <= last && y < r.sp.from + YEARS_MAX; y++)
			rc = refresh_year(&r, y);
		/* figures of units that no longer get one (their records moved) */
		for (size_t i = 0; rc == 0 && i < r.n_x; i++)
			if (!r.x[i].seen && r.x[i].year >= r.sp.from && r.x[i].year <= last)
				rc = db_run(db, NULL, "DELETE FROM indicator_value WHERE id = ?", "i", r.x[i].id);
	}
	json_decref(spec_json);
	refresh_free(&r);
	return rc;
}

int registry_refresh_for(db_conn *db, const char *entity)
{
	db_stmt *s;
	int64_t ids[256];
	int n = 0, rc = db_prepare(&s, db, "SELECT id, registry FROM indicator WHERE registry IS NOT NULL ORDER BY id");
	if (rc < 0)
		return rc;
	char want[48] = "";
	if (entity)
		snprintf(want, sizeof(want), "\"entity\":\"%s\"", entity);
	while ((rc = db_step(s)) == DB_ROW && n < 256)
		if (!entity || strstr(db_column_text(s, 1), want))
			ids[n++] = db_column_int64(s, 0);
	db_finalize(s);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++)
		if ((rc = registry_refresh_indicator(db, ids[i])) < 0)
			return rc;
	return 0;
}

int registry_refresh(db_conn *db)
{
	return registry_refresh_for(db, NULL);
}

/* ---------------------------------------------------------------- records */

typedef struct pub_records {
	const char *path;
	size_t path_len;
	double scale;
	int64_t limit, total;
	double value;
	json_t *records;
} pub_records;

static int add_publication_record(void *ctx, const stmap_pub_figure *fig)
{
	pub_records *pr = ctx;
	if (!fig->unit_path || strncmp(fig->unit_path, pr->path, pr->path_len) != 0)
		return 0;
	pr->total++;
	pr->value += fig->value * pr->scale;
	if (pr->total > pr->limit)
		return 0;
	json_t *rec = json_pack("{s:I, s:s?, s:I, s:s?, s:s?, s:s?, s:s?, s:n, s:I, s:f}", "id", (json_int_t)fig->organisation_id,
		"name", fig->name, "organisation_id", (json_int_t)fig->organisation_id, "organisation", fig->name, "kind",
		fig->kind, "unit_code", fig->unit_code, "unit_name", fig->unit_name, "date", "unit_id",
		(json_int_t)fig->unit_id, "amount", fig->value);
	return rec && json_array_append_new(pr->records, rec) == 0 ? 0 : err_set(ERR_NOMEM, "out of memory");
}

/* The organisations of path's subtree with their publications of period:
 * the records behind a publication figure. */
static int publication_records(json_t **out, refresh *r, const char *indicator_code, int64_t unit_id,
	const char *period, const char *path, int64_t limit)
{
	pub_records pr = { .path = path, .path_len = strlen(path), .scale = r->sp.scale, .limit = limit,
		.records = json_array() };
	stmap_pub_filter f = { .kinds = r->sp.kinds, .n_kinds = r->sp.n_kinds, .sector = r->sp.sector };
	int rc;
	if ((rc = stmap_pub_units_load(&r->pubs, r->db)) < 0
		|| (rc = stmap_pub_units_year(r->pubs, atoi(period), r->sp.sum, &f, add_publication_record, &pr)) < 0) {
		json_decref(pr.records);
		return rc;
	}
	*out = json_pack("{s:s, s:I, s:s, s:s, s:s, s:b, s:I, s:f, s:o}", "indicator", indicator_code, "unit_id",
		(json_int_t)unit_id, "period", period, "entity", entity_names[ENT_PUBLICATION], "measure",
		r->sp.sum ? "sum" : "count", "stock", false, "total", (json_int_t)pr.total, "value",
		json_round_significant(pr.value, 12), "records", pr.records);
	return *out ? 0 : err_set(ERR_NOMEM, "out of memory");
}

int registry_records(json_t **out, db_conn *db, const char *indicator_code, int64_t unit_id, const char *period,
	int64_t limit)
{
	refresh r = { .db = db };
	json_t *spec_json = NULL;
	bool found;
	int rc;
	*out = NULL;
	if ((rc = db_run(db, &r.indicator_id, "SELECT id FROM indicator WHERE code = ?", "t", indicator_code)) < 0)
		return rc;
	if (!r.indicator_id)
		return err_set(ERR_NOTFOUND, "no indicator with code '%s'", indicator_code);
	if (!period || strlen(period) != 4 || strspn(period, "0123456789") != 4)
		return err_set(ERR_INVALID, "'period' must be a year");
	if ((rc = load_indicator(&r, &spec_json, &found)) < 0 || !found) {
		refresh_free(&r);
		return rc < 0 ? rc : err_set(ERR_INVALID, "indicator '%s' is not computed from the registry", indicator_code);
	}
	if ((rc = spec_read(&r.sp, spec_json)) < 0)
		goto done;
	char path[512] = "", start[16], end[16], pattern[80] = "";
	int64_t got = 0;
	db_stmt *s;
	if ((rc = db_prepare(&s, db, "SELECT path FROM unit WHERE id = ?")) < 0)
		goto done;
	db_bind_int64(s, 1, unit_id);
	if ((rc = db_step(s)) == DB_ROW)
		snprintf(path, sizeof(path), "%s", db_column_text(s, 0)), got = 1;
	db_finalize(s);
	if (rc < 0)
		goto done;
	if (!got) {
		rc = err_set(ERR_NOTFOUND, "no unit with id %lld", (long long)unit_id);
		goto done;
	}
	if (r.sp.ent == ENT_PUBLICATION) {
		rc = publication_records(out, &r, indicator_code, unit_id, period, path, limit);
		goto done;
	}
	snprintf(start, sizeof(start), "%.4s-01-01", period);
	snprintf(end, sizeof(end), "%.4s-12-31", period);
	if (r.sp.sector)
		snprintf(pattern, sizeof(pattern), "%%,%s,%%", r.sp.sector);
	const entity_sql *e = &entity_sqls[r.sp.ent];
	str sql = STR_INIT;
	char binds[8];
	str_appendf(&sql, "SELECT %s, %s, o.id, o.name, o.kind, u.code, u.name, %s, %s, u.id FROM %s", e->id, e->name,
		e->date, r.sp.sum ? e->amount : "NULL", e->from);
	spec_where(&sql, &r.sp, binds);
	str_appendf(&sql, " AND u.path LIKE ? ORDER BY %s", e->order);
	if ((rc = db_prepare(&s, db, sql.ptr)) < 0) {
		str_free(&sql);
		goto done;
	}
	str_free(&sql);
	char like[520];
	snprintf(like, sizeof(like), "%s%%", path);
	db_bind_text(s, spec_bind(s, binds, start, end, pattern), like);
	json_t *records = json_array();
	int64_t total = 0;
	double value = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		total++;
		double amount = db_column_is_null(s, 7) ? 0 : db_column_double(s, 7);
		value += r.sp.sum ? amount * r.sp.scale : 1;
		if (total > limit)
			continue;
		json_t *rec = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s?, s:s, s:s?}", "id", (json_int_t)db_column_int64(s, 0),
			"name", db_column_text(s, 1), "organisation_id", (json_int_t)db_column_int64(s, 2), "organisation",
			db_column_text(s, 3), "kind", db_column_text(s, 4), "unit_code", db_column_text(s, 5), "unit_name",
			db_column_text(s, 6), "date", db_column_text(s, 7));
		json_object_set_new(rec, "unit_id", json_integer(db_column_int64(s, 9)));
		if (r.sp.sum)
			json_object_set_new(rec, "amount", db_column_is_null(s, 8) ? json_null() : json_real(db_column_double(s, 8)));
		json_array_append_new(records, rec);
	}
	db_finalize(s);
	if (rc < 0) {
		json_decref(records);
		goto done;
	}
	rc = 0;
	*out = json_pack("{s:s, s:I, s:s, s:s, s:s, s:b, s:I, s:f, s:o}", "indicator", indicator_code, "unit_id",
		(json_int_t)unit_id, "period", period, "entity", entity_names[r.sp.ent], "measure", r.sp.sum ? "sum" : "count",
		"stock", r.sp.stock, "total", (json_int_t)total, "value", json_round_significant(value, 12), "records",
		records);
	if (!*out)
		rc = err_set(ERR_NOMEM, "out of memory");
done:
	json_decref(spec_json);
	refresh_free(&r);
	return rc;
}

int registry_indicator_code(const char **code, int64_t *is_public, db_conn *db, arena *a, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT code, public FROM indicator WHERE id = ?");
	*code = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW) {
		*code = arena_strdup(a, db_column_text(s, 0));
		*is_public = db_column_int64(s, 1);
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	return *code ? 0 : err_set(ERR_NOTFOUND, "no indicator with id %lld", (long long)id);
}

/* ---------------------------------------------------------------- sectors */

int registry_sectors(json_t **out, db_conn *db)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT code, name_vi, name_en, strategic, position FROM sector ORDER BY position, code");
	*out = NULL;
	if (rc < 0)
		return rc;
	json_t *list = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b, s:I}", "code", db_column_text(s, 0), "name_vi",
			db_column_text(s, 1), "name_en", db_column_text(s, 2), "strategic", db_column_int64(s, 3) != 0,
			"position", (json_int_t)db_column_int64(s, 4)));
	db_finalize(s);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o}", "sectors", list);
	return 0;
}

int registry_sector_exists(bool *out, db_conn *db, const char *code)
{
	int64_t n = 0;
	int rc = db_run(db, &n, "SELECT COUNT(*) FROM sector WHERE code = ?", "t", code);
	*out = n > 0;
	return rc;
}

int registry_sector_save(db_conn *db, const principal *who, const json_t *in)
{
	const char *code, *name_vi, *name_en;
	long long position = 100;
	int present, rc;
	if ((rc = json_require_object(in, "the sector")) < 0 || (rc = json_get_string(&code, in, "code", 1)) < 0 ||
	    (rc = json_get_string(&name_vi, in, "name_vi", 1)) < 0 || (rc = json_get_string(&name_en, in, "name_en", 0)) < 0 ||
	    (rc = json_get_int(&position, &present, in, "position", 0)) < 0)
		return rc;
	size_t n = strlen(code);
	if (n == 0 || n > 40 || strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_") != n)
		return err_set(ERR_INVALID, "'code' must be 1 to 40 lower-case letters, digits or _");
	if (!*name_vi)
		return err_set(ERR_INVALID, "'name_vi' is empty");
	bool exists;
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = registry_sector_exists(&exists, db, code)) == 0)
		rc = exists ? db_run(db, NULL, "UPDATE sector SET name_vi = ?, name_en = ?, position = ? WHERE code = ?", "ttit",
				      name_vi, name_en ? name_en : name_vi, (int64_t)position, code)
			    : db_run(db, NULL, "INSERT INTO sector (code, name_vi, name_en, strategic, position) VALUES (?, ?, ?, 0, ?)",
				      "ttti", code, name_vi, name_en ? name_en : name_vi, (int64_t)position);
	if (rc == 0)
		rc = audit_append_json(db, who, exists ? "update" : "create", "sector", code, NULL, in);
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}
