/* network: networks of innovation centres, their members, and the shared
 * resources members offer; CSV exchange of resources. */
#include "domain/ecosystem/network.h"
#include "domain/people/audit.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/json.h"
#include "util/period.h"
#include "util/str.h"
#include "util/table.h"
#include "util/time.h"
#include "util/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const resource_kinds[] = { "space", "lab", "equipment", "hosting", "service", NULL };
static const char *const booking_modes[] = { "slot", "period", NULL };
static const char *const price_models[] = { "free", "subsidised", "paid", NULL };

#define TEXT_MAX 200
#define LONG_TEXT_MAX 4000

static bool in_list(const char *const *list, const char *v)
{
	for (int i = 0; v && list[i]; i++)
		if (strcmp(list[i], v) == 0)
			return true;
	return false;
}

static json_t *int_or_null(db_stmt *s, int col)
{
	return db_column_is_null(s, col) ? json_null() : json_integer(db_column_int64(s, col));
}

/* A LIKE pattern "%folded words%" of q (malloc'd), or NULL for no q. */
static int like_of(char **out, const char *q)
{
	char *folded = NULL;
	int rc;
	*out = NULL;
	if (!q || !*q)
		return 0;
	if ((rc = vn_fold(&folded, q, strlen(q))) < 0)
		return rc;
	size_t n = strlen(folded);
	*out = malloc(n + 3);
	if (!*out) {
		free(folded);
		return err_set(ERR_NOMEM, "out of memory");
	}
	snprintf(*out, n + 3, "%%%s%%", folded);
	free(folded);
	return 0;
}

/* A text field: absent is NULL, "" is NULL too; too long is ERR_INVALID. */
static int get_text(const char **out, const json_t *in, const char *key, bool required, size_t max)
{
	int rc;
	if (json_is_null(json_object_get(in, key))) {
		*out = NULL;
		if (required)
			return err_set(ERR_INVALID, "'%s' is required", key);
		return 0;
	}
	if ((rc = json_get_string(out, in, key, required)) < 0)
		return rc;
	if (*out && strlen(*out) > max)
		return err_set(ERR_INVALID, "'%s' is longer than %zu characters", key, max);
	if (*out && !**out) {
		*out = NULL;
		if (required)
			return err_set(ERR_INVALID, "'%s' is required", key);
	}
	return 0;
}

static int get_date(const char **out, const json_t *in, const char *key)
{
	date_ymd d;
	int rc = get_text(out, in, key, false, 10);
	if (rc < 0)
		return rc;
	if (*out && date_parse(&d, *out, strlen(*out)) < 0)
		return err_set(ERR_INVALID, "'%s': %s", key, err_msg());
	return 0;
}

/* An integer field that may be null: *present tells whether it was given. */
static int get_int_or_null(long long *out, bool *is_null, const json_t *in, const char *key)
{
	int present = 0;
	*out = 0;
	*is_null = json_is_null(json_object_get(in, key)) || !json_object_get(in, key);
	if (*is_null)
		return 0;
	return json_get_int(out, &present, in, key, 0);
}

static int organisation_exists(db_conn *db, int64_t id)
{
	int64_t n = 0;
	int rc = db_run(db, &n, "SELECT COUNT(*) FROM organisation WHERE id = ?", "i", id);
	if (rc < 0)
		return rc;
	return n ? 0 : err_set(ERR_INVALID, "no organisation with id %lld", (long long)id);
}

/* ------------------------------------------------------------ networks */

#define NET_SELECT \
	"SELECT n.id, n.code, n.name, n.description, n.coordinator_id, c.name, n.launched_on, n.public, " \
	"(SELECT COUNT(*) FROM network_member m WHERE m.network_id = n.id AND m.left_on IS NULL), " \
	"(SELECT COUNT(*) FROM resource r WHERE r.network_id = n.id AND r.active = 1) " \
	"FROM network n LEFT JOIN organisation c ON c.id = n.coordinator_id"

static json_t *net_row(db_stmt *s)
{
	json_t *coord = db_column_is_null(s, 4) ? json_null()
					       : json_pack("{s:I, s:s?}", "id", (json_int_t)db_column_int64(s, 4), "name",
						       db_column_text(s, 5));
	return json_pack("{s:I, s:s, s:s, s:s?, s:o, s:s?, s:b, s:I, s:I}", "id", (json_int_t)db_column_int64(s, 0),
		"code", db_column_text(s, 1), "name", db_column_text(s, 2), "description", db_column_text(s, 3),
		"coordinator", coord, "launched_on", db_column_text(s, 6), "public", db_column_int64(s, 7) != 0,
		"n_members", (json_int_t)db_column_int64(s, 8), "n_resources", (json_int_t)db_column_int64(s, 9));
}

int network_list(json_t **out, db_conn *db, bool see_private)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, see_private ? NET_SELECT " ORDER BY n.name" : NET_SELECT " WHERE n.public = 1 ORDER BY n.name");
	*out = NULL;
	if (rc < 0)
		return rc;
	json_t *list = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(list, net_row(s));
	db_finalize(s);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o, s:I}", "networks", list, "total", (json_int_t)json_array_size(list));
	return 0;
}

int network_id_of(int64_t *out, db_conn *db, const char *code, bool see_private)
{
	return db_run(db, out, see_private ? "SELECT id FROM network WHERE code = ?"
					   : "SELECT id FROM network WHERE code = ? AND public = 1", "t", code);
}

static int add_members(json_t *net, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *list = json_array();
	int rc = db_prepare(&s, db,
		"SELECT m.organisation_id, o.name, o.kind, m.role, m.joined_on, m.left_on, "
		"(SELECT COUNT(*) FROM resource r WHERE r.network_id = m.network_id AND r.organisation_id = m.organisation_id "
		"AND r.active = 1) FROM network_member m JOIN organisation o ON o.id = m.organisation_id "
		"WHERE m.network_id = ? ORDER BY m.left_on IS NOT NULL, m.joined_on, o.name");
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:I}", "organisation_id",
				(json_int_t)db_column_int64(s, 0), "name", db_column_text(s, 1), "kind",
				db_column_text(s, 2), "role", db_column_text(s, 3), "joined_on", db_column_text(s, 4),
				"left_on", db_column_text(s, 5), "n_resources", (json_int_t)db_column_int64(s, 6)));
		db_finalize(s);
	}
	json_object_set_new(net, "members", list);
	return rc < 0 ? rc : 0;
}

static int net_by_code(json_t **out, db_conn *db, const char *code, bool see_private)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, NET_SELECT " WHERE n.code = ?");
	*out = NULL;
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, code);
	if ((rc = db_step(s)) == DB_ROW)
		*out = net_row(s);
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (*out && !see_private && !json_is_true(json_object_get(*out, "public"))) {
		json_decref(*out);
		*out = NULL;
	}
	return *out ? 0 : err_set(ERR_NOTFOUND, "no network with code '%s'", code);
}

int network_get(json_t **out, db_conn *db, const char *code, bool see_private, bool whole)
{
	json_t *net, *res;
	int rc = net_by_code(&net, db, code, see_private);
	*out = NULL;
	if (rc < 0 || !whole) {
		*out = net;
		return rc;
	}
	resource_filter f = { .network = code, .see_private = see_private, .limit = 1000 };
	if ((rc = add_members(net, db, json_integer_value(json_object_get(net, "id")))) < 0 ||
	    (rc = resource_list(&res, db, &f)) < 0) {
		json_decref(net);
		return rc;
	}
	json_object_set(net, "resources", json_object_get(res, "resources"));
	json_decref(res);
	*out = net;
	return 0;
}

typedef struct net_fields {
	const char *code, *name, *description, *launched_on;
	long long coordinator_id;
	bool no_coordinator;
	int is_public, has_public;
} net_fields;

static int read_net(net_fields *f, const json_t *in)
{
	int rc;
	memset(f, 0, sizeof(*f));
	if ((rc = json_require_object(in, "the network")) < 0 || (rc = get_text(&f->code, in, "code", true, 40)) < 0 ||
	    (rc = get_text(&f->name, in, "name", true, TEXT_MAX)) < 0 ||
	    (rc = get_text(&f->description, in, "description", false, LONG_TEXT_MAX)) < 0 ||
	    (rc = get_date(&f->launched_on, in, "launched_on")) < 0 ||
	    (rc = get_int_or_null(&f->coordinator_id, &f->no_coordinator, in, "coordinator_id")) < 0 ||
	    (rc = json_get_bool(&f->is_public, &f->has_public, in, "public", 0)) < 0)
		return rc;
	for (const char *p = f->code; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return err_set(ERR_INVALID, "'code' may hold only letters a-z, digits, '-' and '_': '%s'", f->code);
	if (!f->has_public)
		f->is_public = 1;
	return 0;
}

static int audit_net(db_conn *db, const principal *who, const char *action, const char *code, int64_t id, json_t *before)
{
	json_t *after;
	int rc = network_get(&after, db, code, true, true);
	if (rc < 0) {
		json_decref(before);
		return rc;
	}
	json_object_del(after, "resources");
	return audit_append_id(db, who, action, "network", id, before, after);
}

int network_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	net_fields f;
	char now[TIME_ISO_SIZE], *folded = NULL;
	int rc;
	if ((rc = read_net(&f, in)) < 0)
		return rc;
	if (!f.no_coordinator && (rc = organisation_exists(db, f.coordinator_id)) < 0)
		return rc;
	if ((rc = vn_fold(&folded, f.name, strlen(f.name))) < 0)
		return rc;
	time_now_iso(now);
#define NET_INSERT \
	"INSERT INTO network (code, name, name_folded, description, coordinator_id, launched_on, public, created_at, " \
	"updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
	if (f.no_coordinator)
		rc = db_run(db, out_id, NET_INSERT, "ttttntitt", f.code, f.name, folded, f.description, f.launched_on,
			(int64_t)f.is_public, now, now);
	else
		rc = db_run(db, out_id, NET_INSERT, "ttttititt", f.code, f.name, folded, f.description,
			(int64_t)f.coordinator_id, f.launched_on, (int64_t)f.is_public, now, now);
	free(folded);
	if (rc == ERR_CONFLICT)
		return err_set(ERR_CONFLICT, "a network with code '%s' exists already", f.code);
	if (rc < 0)
		return rc;
	return audit_net(db, who, "create", f.code, *out_id, NULL);
}

int network_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	int rc = db_begin_write(db);
	if (rc < 0)
		return rc;
	if ((rc = network_insert(out_id, db, who, in)) < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

int network_update(db_conn *db, const principal *who, const char *code, const json_t *in)
{
	json_t *before = NULL, *merged = NULL;
	char now[TIME_ISO_SIZE], *folded = NULL;
	net_fields f;
	int rc;
	if ((rc = json_require_object(in, "the network")) < 0)
		return rc;
	json_t *new_code = json_object_get(in, "code");
	if (new_code && (!json_is_string(new_code) || strcmp(json_string_value(new_code), code) != 0))
		return err_set(ERR_INVALID, "a network's code does not change");
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = net_by_code(&before, db, code, true)) < 0)
		goto fail;
	int64_t id = json_integer_value(json_object_get(before, "id"));
	merged = json_deep_copy(before);
	json_t *coord = json_object_get(before, "coordinator");
	json_object_set_new(merged, "coordinator_id", json_is_object(coord) ? json_incref(json_object_get(coord, "id")) : json_null());
	json_object_update(merged, (json_t *)in);
	json_object_set_new(merged, "code", json_string(code));
	if ((rc = read_net(&f, merged)) < 0 || (!f.no_coordinator && (rc = organisation_exists(db, f.coordinator_id)) < 0) ||
	    (rc = vn_fold(&folded, f.name, strlen(f.name))) < 0)
		goto fail;
	time_now_iso(now);
	if (f.no_coordinator)
		rc = db_run(db, NULL, "UPDATE network SET name = ?, name_folded = ?, description = ?, coordinator_id = NULL, "
				      "launched_on = ?, public = ?, updated_at = ? WHERE id = ?", "ttttiti", f.name, folded,
			f.description, f.launched_on, (int64_t)f.is_public, now, id);
	else
		rc = db_run(db, NULL, "UPDATE network SET name = ?, name_folded = ?, description = ?, coordinator_id = ?, "
				      "launched_on = ?, public = ?, updated_at = ? WHERE id = ?", "tttititi", f.name, folded,
			f.description, (int64_t)f.coordinator_id, f.launched_on, (int64_t)f.is_public, now, id);
	if (rc < 0)
		goto fail;
	rc = audit_net(db, who, "update", code, id, before);
	before = NULL;
	if (rc < 0)
		goto fail;
	json_decref(merged);
	free(folded);
	return db_commit(db);
fail:
	json_decref(before);
	json_decref(merged);
	free(folded);
	db_rollback(db);
	return rc;
}

/* -------------------------------------------------------------- members */

static json_t *member_json(db_conn *db, int64_t net_id, int64_t org_id)
{
	db_stmt *s;
	json_t *m = NULL;
	if (db_prepare(&s, db, "SELECT role, joined_on, left_on FROM network_member WHERE network_id = ? AND organisation_id = ?") < 0)
		return NULL;
	db_bind_int64(s, 1, net_id);
	db_bind_int64(s, 2, org_id);
	if (db_step(s) == DB_ROW)
		m = json_pack("{s:I, s:s, s:s?, s:s?}", "organisation_id", (json_int_t)org_id, "role", db_column_text(s, 0),
			"joined_on", db_column_text(s, 1), "left_on", db_column_text(s, 2));
	db_finalize(s);
	return m;
}

int network_member_put(db_conn *db, const principal *who, const char *code, const json_t *in)
{
	const char *role, *joined, *left;
	long long org = 0;
	int present = 0, rc;
	int64_t net = 0;
	if ((rc = json_require_object(in, "the member")) < 0 || (rc = json_get_int(&org, &present, in, "organisation_id", 1)) < 0 ||
	    (rc = get_text(&role, in, "role", false, 40)) < 0 || (rc = get_date(&joined, in, "joined_on")) < 0 ||
	    (rc = get_date(&left, in, "left_on")) < 0)
		return rc;
	if (joined && left && strcmp(left, joined) < 0)
		return err_set(ERR_INVALID, "'left_on' %s is before 'joined_on' %s", left, joined);
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = network_id_of(&net, db, code, true)) < 0)
		goto fail;
	if (!net) {
		rc = err_set(ERR_NOTFOUND, "no network with code '%s'", code);
		goto fail;
	}
	if ((rc = organisation_exists(db, org)) < 0)
		goto fail;
	json_t *before = member_json(db, net, org);
	if (before)
		rc = db_run(db, NULL, "UPDATE network_member SET role = ?, joined_on = ?, left_on = ? WHERE network_id = ? AND "
				      "organisation_id = ?", "tttii", role ? role : "member", joined, left, net, (int64_t)org);
	else
		rc = db_run(db, NULL, "INSERT INTO network_member (network_id, organisation_id, role, joined_on, left_on) "
				      "VALUES (?, ?, ?, ?, ?)", "iittt", net, (int64_t)org, role ? role : "member", joined, left);
	if (rc < 0) {
		json_decref(before);
		goto fail;
	}
	json_t *after = member_json(db, net, org);
	json_object_set_new(after, "network", json_string(code));
	if ((rc = audit_append_id(db, who, before ? "update" : "create", "network_member", net, before, after)) < 0)
		goto fail;
	return db_commit(db);
fail:
	db_rollback(db);
	return rc;
}

int network_member_remove(db_conn *db, const principal *who, const char *code, int64_t organisation_id)
{
	int64_t net = 0;
	int rc = db_begin_write(db);
	if (rc < 0)
		return rc;
	if ((rc = network_id_of(&net, db, code, true)) < 0)
		goto fail;
	json_t *before = net ? member_json(db, net, organisation_id) : NULL;
	if (!before) {
		rc = err_set(ERR_NOTFOUND, "organisation %lld is not a member of network '%s'", (long long)organisation_id, code);
		goto fail;
	}
	json_object_set_new(before, "network", json_string(code));
	if ((rc = db_run(db, NULL, "DELETE FROM network_member WHERE network_id = ? AND organisation_id = ?", "ii", net,
		     organisation_id)) < 0) {
		json_decref(before);
		goto fail;
	}
	if ((rc = audit_append_id(db, who, "delete", "network_member", net, before, NULL)) < 0)
		goto fail;
	return db_commit(db);
fail:
	db_rollback(db);
	return rc;
}

/* ------------------------------------------------------------ resources */

#define RES_SELECT \
	"SELECT r.id, r.organisation_id, o.name, o.kind, n.code, n.name, r.kind, r.name, r.description, r.booking, " \
	"r.capacity, r.capacity_unit, r.conditions, r.price_model, r.price, r.opens, r.closes, r.active, " \
	"COALESCE(n.public, 1) " \
	"FROM resource r JOIN organisation o ON o.id = r.organisation_id LEFT JOIN network n ON n.id = r.network_id"

static json_t *res_row(db_stmt *s)
{
	json_t *org = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_column_int64(s, 1), "name", db_column_text(s, 2),
		"kind", db_column_text(s, 3));
	return json_pack("{s:I, s:o, s:I, s:s?, s:s?, s:s, s:s, s:s?, s:s, s:o, s:s?, s:s?, s:s, s:s?, s:s, s:s, s:b}",
		"id", (json_int_t)db_column_int64(s, 0), "organisation", org, "organisation_id",
		(json_int_t)db_column_int64(s, 1), "network_code", db_column_text(s, 4), "network_name", db_column_text(s, 5),
		"kind", db_column_text(s, 6), "name", db_column_text(s, 7), "description", db_column_text(s, 8), "booking",
		db_column_text(s, 9), "capacity", int_or_null(s, 10), "capacity_unit", db_column_text(s, 11), "conditions",
		db_column_text(s, 12), "price_model", db_column_text(s, 13), "price", db_column_text(s, 14), "opens",
		db_column_text(s, 15), "closes", db_column_text(s, 16), "active", db_column_int64(s, 17) != 0);
}

/* The WHERE clause of f, with its parameters bound by bind_filter. */
static void filter_sql(str *sql, const resource_filter *f, const char *like)
{
	str_append(sql, " WHERE 1 = 1");
	if (f->network)
		str_append(sql, " AND n.code = ?");
	if (f->organisation_id)
		str_append(sql, " AND r.organisation_id = ?");
	if (f->kind)
		str_append(sql, " AND r.kind = ?");
	if (like)
		str_append(sql, " AND r.name_folded LIKE ?");
	if (!f->see_inactive)
		str_append(sql, " AND r.active = 1");
	if (!f->see_private)
		str_append(sql, " AND (n.id IS NULL OR n.public = 1)");
}

static int bind_filter(db_stmt *s, const resource_filter *f, const char *like)
{
	int i = 1;
	if (f->network)
		db_bind_text(s, i++, f->network);
	if (f->organisation_id)
		db_bind_int64(s, i++, f->organisation_id);
	if (f->kind)
		db_bind_text(s, i++, f->kind);
	if (like)
		db_bind_text(s, i++, like);
	return i;
}

int resource_list(json_t **out, db_conn *db, const resource_filter *f)
{
	char *like = NULL;
	int64_t total = 0;
	db_stmt *s;
	str sql = STR_INIT;
	int rc;
	*out = NULL;
	if (f->kind && !in_list(resource_kinds, f->kind))
		return err_set(ERR_INVALID, "'kind' must be one of space, lab, equipment, hosting, service");
	if ((rc = like_of(&like, f->q)) < 0)
		return rc;
	str_append(&sql, "SELECT COUNT(*) FROM resource r LEFT JOIN network n ON n.id = r.network_id");
	filter_sql(&sql, f, like);
	if ((rc = db_prepare(&s, db, str_cstr(&sql))) == 0) {
		bind_filter(s, f, like);
		if ((rc = db_step(s)) == DB_ROW)
			total = db_column_int64(s, 0);
		db_finalize(s);
	}
	str_clear(&sql);
	str_append(&sql, RES_SELECT);
	filter_sql(&sql, f, like);
	str_append(&sql, " ORDER BY o.name, r.kind, r.name, r.id LIMIT ? OFFSET ?");
	if (rc >= 0 && (rc = db_prepare(&s, db, str_cstr(&sql))) == 0) {
		int i = bind_filter(s, f, like);
		db_bind_int64(s, i++, f->limit > 0 ? f->limit : 100);
		db_bind_int64(s, i, f->offset);
		json_t *list = json_array();
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, res_row(s));
		db_finalize(s);
		if (rc < 0)
			json_decref(list);
		else
			*out = json_pack("{s:o, s:I}", "resources", list, "total", (json_int_t)total);
	}
	str_free(&sql);
	free(like);
	return rc < 0 ? rc : 0;
}

int resource_get(json_t **out, db_conn *db, int64_t id, bool see_inactive)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, RES_SELECT " WHERE r.id = ?");
	*out = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW)
		*out = res_row(s);
	bool hidden = rc == DB_ROW && (!db_column_int64(s, 17) || !db_column_int64(s, 18));
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (*out && !see_inactive && hidden) {
		json_decref(*out);
		*out = NULL;
	}
	return *out ? 0 : err_set(ERR_NOTFOUND, "no resource with id %lld", (long long)id);
}

int resource_owner(int64_t *out_org, db_conn *db, int64_t id)
{
	int rc = db_run(db, out_org, "SELECT organisation_id FROM resource WHERE id = ?", "i", id);
	if (rc < 0)
		return rc;
	return *out_org ? 0 : err_set(ERR_NOTFOUND, "no resource with id %lld", (long long)id);
}

typedef struct res_fields {
	long long organisation_id, capacity;
	bool no_capacity;
	const char *network_code, *kind, *name, *description, *booking, *capacity_unit, *conditions, *price_model, *price,
		*opens, *closes;
	int active, has_active;
} res_fields;

/* "HH:00", hours 00..24: the opening hours are whole hours. */
static int parse_hour(int *out, const char *v, const char *key)
{
	if (strlen(v) != 5 || v[2] != ':' || v[0] < '0' || v[0] > '2' || v[1] < '0' || v[1] > '9' || strcmp(v + 3, "00") != 0 ||
	    (*out = (v[0] - '0') * 10 + (v[1] - '0')) > 24)
		return err_set(ERR_INVALID, "'%s' must be a whole hour such as 08:00, not '%s'", key, v);
	return 0;
}

static int read_res(res_fields *f, const json_t *in)
{
	int rc, present = 0, h_open, h_close;
	memset(f, 0, sizeof(*f));
	if ((rc = json_require_object(in, "the resource")) < 0 ||
	    (rc = json_get_int(&f->organisation_id, &present, in, "organisation_id", 1)) < 0 ||
	    (rc = get_text(&f->network_code, in, "network_code", false, 40)) < 0 ||
	    (rc = get_text(&f->kind, in, "kind", true, 20)) < 0 || (rc = get_text(&f->name, in, "name", true, TEXT_MAX)) < 0 ||
	    (rc = get_text(&f->description, in, "description", false, LONG_TEXT_MAX)) < 0 ||
	    (rc = get_text(&f->booking, in, "booking", false, 20)) < 0 ||
	    (rc = get_int_or_null(&f->capacity, &f->no_capacity, in, "capacity")) < 0 ||
	    (rc = get_text(&f->capacity_unit, in, "capacity_unit", false, 60)) < 0 ||
	    (rc = get_text(&f->conditions, in, "conditions", false, LONG_TEXT_MAX)) < 0 ||
	    (rc = get_text(&f->price_model, in, "price_model", true, 20)) < 0 ||
	    (rc = get_text(&f->price, in, "price", false, TEXT_MAX)) < 0 || (rc = get_text(&f->opens, in, "opens", false, 5)) < 0 ||
	    (rc = get_text(&f->closes, in, "closes", false, 5)) < 0 ||
	    (rc = json_get_bool(&f->active, &f->has_active, in, "active", 0)) < 0)
		return rc;
	if (!in_list(resource_kinds, f->kind))
		return err_set(ERR_INVALID, "'kind' must be one of space, lab, equipment, hosting, service");
	if (!f->booking)
		f->booking = strcmp(f->kind, "hosting") == 0 || strcmp(f->kind, "service") == 0 ? "period" : "slot";
	if (!in_list(booking_modes, f->booking))
		return err_set(ERR_INVALID, "'booking' must be slot (by the hour) or period (by the day)");
	if (!in_list(price_models, f->price_model))
		return err_set(ERR_INVALID, "'price_model' must be one of free, subsidised, paid");
	if (!f->no_capacity && (f->capacity < 1 || f->capacity > 10000))
		return err_set(ERR_INVALID, "'capacity' must be a whole number from 1 to 10000");
	if (f->no_capacity && strcmp(f->booking, "period") == 0) {
		f->capacity = 1;
		f->no_capacity = false;
	}
	if (!f->opens)
		f->opens = "08:00";
	if (!f->closes)
		f->closes = "17:00";
	if ((rc = parse_hour(&h_open, f->opens, "opens")) < 0 || (rc = parse_hour(&h_close, f->closes, "closes")) < 0)
		return rc;
	if (h_open >= h_close)
		return err_set(ERR_INVALID, "the resource opens at %s and closes at %s: it must close after it opens", f->opens,
			f->closes);
	if (!f->has_active)
		f->active = 1;
	return 0;
}

/* The network the resource is offered in (0: none): the organisation must
 * be one of its members. */
static int res_network(int64_t *out, db_conn *db, const res_fields *f)
{
	int64_t member = 0;
	int rc;
	*out = 0;
	if (!f->network_code)
		return 0;
	if ((rc = network_id_of(out, db, f->network_code, true)) < 0)
		return rc;
	if (!*out)
		return err_set(ERR_INVALID, "no network with code '%s'", f->network_code);
	if ((rc = db_run(db, &member, "SELECT COUNT(*) FROM network_member WHERE network_id = ? AND organisation_id = ?",
		     "ii", *out, (int64_t)f->organisation_id)) < 0)
		return rc;
	if (!member)
		return err_set(ERR_INVALID, "organisation %lld is not a member of network '%s'", f->organisation_id,
			f->network_code);
	return 0;
}

static int res_check(int64_t *net, db_conn *db, const principal *who, const res_fields *f)
{
	int rc;
	if ((rc = organisation_exists(db, f->organisation_id)) < 0)
		return rc;
	if (who && !authz_edits_organisation(who, f->organisation_id))
		return err_set(ERR_FORBIDDEN, "you may not change the resources of organisation %lld", f->organisation_id);
	return res_network(net, db, f);
}

static int res_bind(db_stmt *s, const res_fields *f, int64_t net, const char *folded, const char *now)
{
	int i = 1;
	db_bind_int64(s, i++, f->organisation_id);
	if (net)
		db_bind_int64(s, i++, net);
	else
		db_bind_null(s, i++);
	db_bind_text(s, i++, f->kind);
	db_bind_text(s, i++, f->name);
	db_bind_text(s, i++, folded);
	db_bind_text(s, i++, f->description);
	db_bind_text(s, i++, f->booking);
	if (f->no_capacity)
		db_bind_null(s, i++);
	else
		db_bind_int64(s, i++, f->capacity);
	db_bind_text(s, i++, f->capacity_unit);
	db_bind_text(s, i++, f->conditions);
	db_bind_text(s, i++, f->price_model);
	db_bind_text(s, i++, f->price);
	db_bind_text(s, i++, f->opens);
	db_bind_text(s, i++, f->closes);
	db_bind_int64(s, i++, f->active);
	db_bind_text(s, i++, now);
	return i;
}

static int audit_res(db_conn *db, const principal *who, const char *action, int64_t id, json_t *before)
{
	json_t *after;
	int rc = resource_get(&after, db, id, true);
	if (rc < 0) {
		json_decref(before);
		return rc;
	}
	return audit_append_id(db, who, action, "resource", id, before, after);
}

int resource_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	res_fields f;
	char now[TIME_ISO_SIZE], *folded = NULL;
	int64_t net;
	db_stmt *s;
	int rc;
	if ((rc = read_res(&f, in)) < 0 || (rc = res_check(&net, db, who, &f)) < 0 ||
	    (rc = vn_fold(&folded, f.name, strlen(f.name))) < 0)
		return rc;
	time_now_iso(now);
	rc = db_prepare(&s, db,
		"INSERT INTO resource (organisation_id, network_id, kind, name, name_folded, description, booking, capacity, "
		"capacity_unit, conditions, price_model, price, opens, closes, active, updated_at, created_at) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	if (rc == 0) {
		int i = res_bind(s, &f, net, folded, now);
		db_bind_text(s, i, now);
		if ((rc = db_step(s)) == DB_ROW)
			*out_id = db_column_int64(s, 0);
		db_finalize(s);
	}
	free(folded);
	if (rc < 0)
		return rc;
	return audit_res(db, who, "create", *out_id, NULL);
}

int resource_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	int rc = db_begin_write(db);
	if (rc < 0)
		return rc;
	if ((rc = resource_insert(out_id, db, who, in)) < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/* The resource's fields as read_res reads them, from resource_get's answer. */
static json_t *res_fields_json(const json_t *r)
{
	json_t *f = json_deep_copy(r);
	json_object_del(f, "id");
	json_object_del(f, "organisation");
	json_object_del(f, "network_name");
	return f;
}

/* Changes resource id inside the caller's transaction. */
static int res_change(db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	json_t *before, *merged;
	char now[TIME_ISO_SIZE], *folded = NULL;
	res_fields f;
	int64_t net, held = 0;
	db_stmt *s;
	int rc;
	if ((rc = json_require_object(in, "the resource")) < 0 || (rc = resource_get(&before, db, id, true)) < 0)
		return rc;
	int64_t old_org = json_integer_value(json_object_get(before, "organisation_id"));
	if (who && !authz_edits_organisation(who, old_org)) {
		json_decref(before);
		return err_set(ERR_FORBIDDEN, "you may not change the resources of organisation %lld", (long long)old_org);
	}
	merged = res_fields_json(before);
	json_object_update(merged, (json_t *)in);
	if ((rc = read_res(&f, merged)) < 0 || (rc = res_check(&net, db, who, &f)) < 0 ||
	    (rc = vn_fold(&folded, f.name, strlen(f.name))) < 0)
		goto done;
	if (strcmp(f.booking, json_string_value(json_object_get(before, "booking"))) != 0) {
		if ((rc = db_run(db, &held, "SELECT COUNT(*) FROM booking WHERE resource_id = ?", "i", id)) < 0)
			goto done;
		if (held) {
			rc = strcmp(f.booking, "slot") == 0
				? err_set(ERR_CONFLICT, "resource %lld has bookings: it stays booked by the day", (long long)id)
				: err_set(ERR_CONFLICT, "resource %lld has bookings: it stays booked by the hour", (long long)id);
			goto done;
		}
	}
	time_now_iso(now);
	if ((rc = db_prepare(&s, db,
		     "UPDATE resource SET organisation_id = ?, network_id = ?, kind = ?, name = ?, name_folded = ?, "
		     "description = ?, booking = ?, capacity = ?, capacity_unit = ?, conditions = ?, price_model = ?, price = ?, "
		     "opens = ?, closes = ?, active = ?, updated_at = ? WHERE id = ?")) < 0)
		goto done;
	db_bind_int64(s, res_bind(s, &f, net, folded, now), id);
	rc = db_step(s);
	db_finalize(s);
	if (rc >= 0) {
		rc = audit_res(db, who, "update", id, before);
		before = NULL;
	}
done:
	json_decref(before);
	json_decref(merged);
	free(folded);
	return rc < 0 ? rc : 0;
}

int resource_update(db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	int rc = db_begin_write(db);
	if (rc < 0)
		return rc;
	if ((rc = res_change(db, who, id, in)) < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/* ------------------------------------------------------------- exchange */

static const char *const csv_columns[] = { "id", "organisation_id", "organisation_name", "network_code", "kind", "name",
	"booking", "capacity", "capacity_unit", "conditions", "price_model", "price", "opens", "closes", "active",
	"description", NULL };
#define N_CSV_COLUMNS 16

int resource_export(char **out, size_t *out_len, db_conn *db, const resource_filter *f)
{
	resource_filter all = *f;
	json_t *list;
	int rc;
	*out = NULL;
	all.limit = INT64_MAX / 2;
	all.offset = 0;
	if ((rc = resource_list(&list, db, &all)) < 0)
		return rc;
	str s = STR_INIT;
	for (int c = 0; csv_columns[c]; c++) {
		if (c)
			str_appendc(&s, ',');
		str_append(&s, csv_columns[c]);
	}
	str_append(&s, "\r\n");
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(list, "resources"), i, r) {
		for (int c = 0; csv_columns[c]; c++) {
			json_t *v = c == 2 ? json_object_get(json_object_get(r, "organisation"), "name")
					   : json_object_get(r, csv_columns[c]);
			if (c)
				str_appendc(&s, ',');
			if (json_is_integer(v))
				str_appendf(&s, "%lld", (long long)json_integer_value(v));
			else if (json_is_boolean(v))
				str_append(&s, json_is_true(v) ? "1" : "0");
			else if (json_is_string(v))
				csv_append_field(&s, json_string_value(v));
		}
		str_append(&s, "\r\n");
	}
	json_decref(list);
	if (str_oom(&s)) {
		str_free(&s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	*out_len = s.len;
	*out = str_detach(&s);
	return 0;
}

static void bad_last(resource_import_result *r, int line)
{
	json_array_append_new(r->bad, json_err_detail(json_pack("{s:i}", "line", line)));
}

/* A row as the JSON object that resource_insert/res_change read. */
static int row_object(json_t **out, const csv_record *rec, const int *col)
{
	json_t *o = json_object();
	*out = o;
	for (int c = 0; c < N_CSV_COLUMNS; c++) {
		if (col[c] < 0 || c == 0 || c == 2)
			continue;
		const char *v = rec->f[col[c]];
		char *nfc = NULL, *end;
		if (!*v)
			continue;
		int rc = utf8_nfc(&nfc, v, strlen(v));
		if (rc < 0)
			return err_set(ERR_INVALID, "column %s: %s", csv_columns[c], err_msg());
		if (c == 1 || c == 7) {   /* organisation_id, capacity */
			long long n = strtoll(nfc, &end, 10);
			if (*end || end == nfc) {
				rc = err_set(ERR_INVALID, "column %s: '%s' is not a whole number", csv_columns[c], nfc);
				free(nfc);
				return rc;
			}
			json_object_set_new(o, csv_columns[c], json_integer(n));
		} else if (c == 14) {   /* active */
			bool yes = !strcmp(nfc, "1") || !strcasecmp(nfc, "true") || !strcmp(nfc, "có");
			bool no = !strcmp(nfc, "0") || !strcasecmp(nfc, "false") || !strcmp(nfc, "không");
			if (!yes && !no) {
				rc = err_set(ERR_INVALID, "column %s: '%s' is not 1/0, true/false or có/không", csv_columns[c], nfc);
				free(nfc);
				return rc;
			}
			json_object_set_new(o, "active", json_boolean(yes));
		} else {
			json_object_set_new(o, csv_columns[c], json_string(nfc));
		}
		free(nfc);
	}
	return 0;
}

static int import_header(int *col, const csv_record *h)
{
	for (int c = 0; c < N_CSV_COLUMNS; c++) {
		col[c] = -1;
		for (int i = 0; i < h->n; i++)
			if (strcasecmp(h->f[i], csv_columns[c]) == 0)
				col[c] = i;
	}
	if (col[1] < 0 || col[4] < 0 || col[5] < 0 || col[10] < 0)
		return err_set(ERR_INVALID, "line 1: the header needs the columns organisation_id, kind, name and price_model");
	return 0;
}

/* One row, inside the import's transaction: a bad row is listed in r->bad
 * and returns 0; other errors (the database) are returned. */
static int import_row(resource_import_result *r, db_conn *db, const principal *who, const csv_record *rec, const int *col)
{
	json_t *o;
	int64_t id = 0;
	int rc = row_object(&o, rec, col);
	if (rc == 0 && col[0] >= 0 && *rec->f[col[0]]) {
		char *end;
		id = strtoll(rec->f[col[0]], &end, 10);
		if (*end || id <= 0)
			rc = err_set(ERR_INVALID, "column id: '%s' is not a resource id", rec->f[col[0]]);
	}
	if (rc == 0) {
		if (id)
			rc = res_change(db, who, id, o);
		else
			rc = resource_insert(&id, db, who, o);
	}
	json_decref(o);
	if (rc == ERR_INVALID || rc == ERR_NOTFOUND || rc == ERR_FORBIDDEN || rc == ERR_CONFLICT) {
		bad_last(r, rec->line);
		return 0;
	}
	if (rc < 0)
		return rc;
	if (col[0] >= 0 && *rec->f[col[0]])
		r->updated++;
	else
		r->created++;
	return 0;
}

int resource_import(resource_import_result *r, db_conn *db, const principal *who, const char *csv, size_t len,
	bool dry_run)
{
	table_reader rd;
	csv_record rec;
	int col[N_CSV_COLUMNS], width, rc;
	memset(r, 0, sizeof(*r));
	r->bad = json_array();
	if ((rc = table_open(&rd, csv, len)) < 0 || (rc = table_read(&rd, &rec)) <= 0) {
		table_free(&rd);
		return rc < 0 ? rc : err_set(ERR_INVALID, "the file is empty (a header row organisation_id,kind,name,... is needed)");
	}
	if ((rc = import_header(col, &rec)) < 0) {
		table_free(&rd);
		return rc;
	}
	width = rec.n;
	if ((rc = db_begin_write(db)) < 0) {
		table_free(&rd);
		return rc;
	}
	while ((rc = table_read(&rd, &rec)) == 1) {
		r->total++;
		if (csv_check_width(&rec, width) < 0)
			bad_last(r, rec.line);
		else if ((rc = import_row(r, db, who, &rec, col)) < 0)
			break;
	}
	table_free(&rd);
	if (rc == ERR_INVALID) {   /* a broken quote ends the reading */
		int line = 0;
		sscanf(err_msg(), "line %d", &line);
		bad_last(r, line);
		rc = 0;
	}
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	if (json_array_size(r->bad)) {
		db_rollback(db);
		return err_set(ERR_INVALID, "%zu of %d rows are not right; nothing was saved", json_array_size(r->bad), r->total);
	}
	if (dry_run) {
		db_rollback(db);
		return 0;
	}
	return db_commit(db);
}
