/* organisation: the registry's organisations — the record and its history,
 * changes (direct or proposed by an organisation editor and reviewed) and
 * the editors. The fields and their checks are in organisation_fields.c,
 * duplicates and merges in organisation_merge.c. */
#include "domain/ecosystem/organisation.h"
#include "domain/ecosystem/organisation_internal.h"
#include "domain/ecosystem/registry.h"
#include "domain/people/audit.h"
#include "domain/people/unit.h"
#include "util/err.h"
#include "util/json.h"
#include "util/period.h"
#include "util/str.h"
#include "util/time.h"
#include "util/utf8.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ the record */

#define ORG_COLUMNS \
	"o.id, o.kind, o.name, o.short_name, o.tax_code, o.ror, o.openalex_id, o.unit_id, u.code, u.name, u.path, " \
	"o.address, o.lat, o.lon, o.sectors, o.size, o.employees, o.founded_on, o.status, o.ended_on, o.merged_into, " \
	"o.website, o.email, o.phone, o.description, o.published, o.demo, o.created_at, o.updated_at"

/* The record of the current row (ORG_COLUMNS), contacts included. */
static json_t *org_row(db_stmt *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_column_int64(s, 0)));
	json_object_set_new(o, "kind", json_string(db_column_text(s, 1)));
	json_object_set_new(o, "name", json_string(db_column_text(s, 2)));
	json_object_set_new(o, "short_name", organisation__text_or_null(s, 3));
	json_object_set_new(o, "tax_code", organisation__text_or_null(s, 4));
	json_object_set_new(o, "ror", organisation__text_or_null(s, 5));
	json_object_set_new(o, "openalex_id", organisation__text_or_null(s, 6));
	json_object_set_new(o, "unit_id", db_column_is_null(s, 7) ? json_null() : json_integer(db_column_int64(s, 7)));
	json_object_set_new(o, "unit_code", organisation__text_or_null(s, 8));
	json_object_set_new(o, "unit_name", organisation__text_or_null(s, 9));
	json_object_set_new(o, "unit_path", organisation__text_or_null(s, 10));
	json_object_set_new(o, "address", organisation__text_or_null(s, 11));
	json_object_set_new(o, "lat", db_column_is_null(s, 12) ? json_null() : json_real(db_column_double(s, 12)));
	json_object_set_new(o, "lon", db_column_is_null(s, 13) ? json_null() : json_real(db_column_double(s, 13)));
	json_object_set_new(o, "sectors", organisation__sector_list(db_column_text(s, 14)));
	json_object_set_new(o, "size", organisation__text_or_null(s, 15));
	json_object_set_new(o, "employees", db_column_is_null(s, 16) ? json_null() : json_integer(db_column_int64(s, 16)));
	json_object_set_new(o, "founded_on", organisation__text_or_null(s, 17));
	json_object_set_new(o, "status", json_string(db_column_text(s, 18)));
	json_object_set_new(o, "ended_on", organisation__text_or_null(s, 19));
	json_object_set_new(o, "merged_into", db_column_is_null(s, 20) ? json_null() : json_integer(db_column_int64(s, 20)));
	json_object_set_new(o, "website", organisation__text_or_null(s, 21));
	json_object_set_new(o, "email", organisation__text_or_null(s, 22));
	json_object_set_new(o, "phone", organisation__text_or_null(s, 23));
	json_object_set_new(o, "description", organisation__text_or_null(s, 24));
	json_object_set_new(o, "published", json_boolean(db_column_int64(s, 25)));
	json_object_set_new(o, "demo", json_boolean(db_column_int64(s, 26)));
	json_object_set_new(o, "created_at", json_string(db_column_text(s, 27)));
	json_object_set_new(o, "updated_at", json_string(db_column_text(s, 28)));
	return o;
}

static int add_aliases(json_t *o, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *list = json_array();
	int rc = db_prepare(&s, db, "SELECT alias FROM organisation_alias WHERE organisation_id = ? ORDER BY alias");
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, json_string(db_column_text(s, 0)));
		db_finalize(s);
	}
	json_object_set_new(o, "aliases", list);
	return rc < 0 ? rc : 0;
}

static int add_people(json_t *o, db_conn *db, int64_t id, bool contacts)
{
	db_stmt *s;
	json_t *list = json_array();
	int rc = db_prepare(&s, db, "SELECT name, role, email, phone FROM organisation_person WHERE organisation_id = ? ORDER BY id");
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW) {
			json_t *p = json_pack("{s:s, s:s}", "name", db_column_text(s, 0), "role", db_column_text(s, 1));
			if (contacts) {
				json_object_set_new(p, "email", organisation__text_or_null(s, 2));
				json_object_set_new(p, "phone", organisation__text_or_null(s, 3));
			}
			json_array_append_new(list, p);
		}
		db_finalize(s);
	}
	json_object_set_new(o, "people", list);
	return rc < 0 ? rc : 0;
}

/* The stored record of organisation id (contacts included, as the audit
 * keeps it): its row, aliases and people. ERR_NOTFOUND. */
int organisation__record(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT " ORG_COLUMNS " FROM organisation o LEFT JOIN unit u ON u.id = o.unit_id WHERE o.id = ?");
	*out = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW)
		*out = org_row(s);
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!*out)
		return err_set(ERR_NOTFOUND, "no organisation with id %lld", (long long)id);
	if ((rc = add_aliases(*out, db, id)) < 0 || (rc = add_people(*out, db, id, true)) < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static int add_networks(json_t *o, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *list = json_array();
	int rc = db_prepare(&s, db, "SELECT n.id, n.code, n.name, m.role, m.joined_on FROM network_member m "
				     "JOIN network n ON n.id = m.network_id WHERE m.organisation_id = ? AND m.left_on IS NULL "
				     "ORDER BY n.name");
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)db_column_int64(s, 0),
				"code", db_column_text(s, 1), "name", db_column_text(s, 2), "role", db_column_text(s, 3),
				"joined_on", organisation__text_or_null(s, 4)));
		db_finalize(s);
	}
	json_object_set_new(o, "networks", list);
	return rc < 0 ? rc : 0;
}

#define CHANGE_SELECT \
	"SELECT c.id, c.status, c.fields, c.proposed_by, p.name, c.proposed_at, d.name, c.decided_at, c.reason " \
	"FROM organisation_change c JOIN person p ON p.id = c.proposed_by LEFT JOIN person d ON d.id = c.decided_by "

static json_t *change_row(db_stmt *s)
{
	json_t *fields = NULL;
	const char *text = db_column_text(s, 2);
	if (json_parse(&fields, text, strlen(text)) < 0)
		fields = json_object();
	return json_pack("{s:I, s:s, s:o, s:I, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)db_column_int64(s, 0), "status",
		db_column_text(s, 1), "fields", fields, "proposed_by", (json_int_t)db_column_int64(s, 3), "proposed_by_name",
		db_column_text(s, 4), "proposed_at", db_column_text(s, 5), "decided_by_name", organisation__text_or_null(s, 6), "decided_at",
		organisation__text_or_null(s, 7), "reason", organisation__text_or_null(s, 8));
}

int organisation_changes(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *list = json_array();
	int rc = db_prepare(&s, db, CHANGE_SELECT "WHERE c.organisation_id = ? ORDER BY c.id DESC");
	*out = NULL;
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, change_row(s));
		db_finalize(s);
	}
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o}", "changes", list);
	return 0;
}

int organisation_editors(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *list = json_array();
	int rc = db_prepare(&s, db, "SELECT p.id, p.login, p.name, e.created_at FROM organisation_editor e "
				     "JOIN person p ON p.id = e.person_id WHERE e.organisation_id = ? ORDER BY p.name, p.id");
	*out = NULL;
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)db_column_int64(s, 0),
				"login", db_column_text(s, 1), "name", db_column_text(s, 2), "since", db_column_text(s, 3)));
		db_finalize(s);
	}
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o}", "editors", list);
	return 0;
}

int organisation_get(json_t **out, db_conn *db, const principal *who, int64_t id)
{
	bool anonymous = !who || (!who->person_id && !who->cli);
	json_t *o, *more;
	int rc = organisation__record(&o, db, id);
	*out = NULL;
	if (rc < 0)
		return rc;
	if (anonymous && (!json_is_true(json_object_get(o, "published")) ||
			  strcmp(json_string_value(json_object_get(o, "status")), "merged") == 0)) {
		json_decref(o);
		return err_set(ERR_NOTFOUND, "no organisation with id %lld", (long long)id);
	}
	if (anonymous) {
		json_object_del(o, "email");
		json_object_del(o, "phone");
		if ((rc = add_people(o, db, id, false)) < 0)
			goto fail;
	}
	json_object_set_new(o, "unit", json_is_null(json_object_get(o, "unit_id")) ? json_null() :
		json_pack("{s:O, s:O, s:O, s:O}", "id", json_object_get(o, "unit_id"), "code", json_object_get(o, "unit_code"),
			"name", json_object_get(o, "unit_name"), "path", json_object_get(o, "unit_path")));
	json_object_del(o, "unit_path");   /* said once, in "unit" */
	if ((rc = add_networks(o, db, id)) < 0)
		goto fail;
	if (who && authz_registry_writer(who)) {
		if ((rc = organisation_editors(&more, db, id)) < 0)
			goto fail;
		json_object_set(o, "editors", json_object_get(more, "editors"));
		json_decref(more);
	}
	if (who && !anonymous && authz_edits_organisation(who, id)) {
		if ((rc = organisation_changes(&more, db, id)) < 0)
			goto fail;
		json_t *latest = json_array_get(json_object_get(more, "changes"), 0);
		json_object_set(o, "change", latest ? latest : json_null());
		json_decref(more);
	}
	int64_t logo = 0;   /* the logo is seen by whoever sees the profile */
	char url[64];
	if ((rc = db_run(db, &logo, "SELECT logo_id FROM organisation WHERE id = ? AND logo_id IS NOT NULL", "i", id)) < 0)
		goto fail;
	snprintf(url, sizeof(url), "/api/v1/attachments/%lld", (long long)logo);
	json_object_set_new(o, "logo", logo ? json_pack("{s:I, s:s}", "id", (json_int_t)logo, "url", url) : json_null());
	json_object_set_new(o, "can_edit", json_boolean(who && !anonymous && authz_edits_organisation(who, id)));
	*out = o;
	return 0;
fail:
	json_decref(o);
	return rc;
}

int organisation_history(json_t **out, db_conn *db, int64_t id, int64_t limit, int64_t offset)
{
	char id_text[24];
	int64_t exists = 0;
	int rc;
	*out = NULL;
	if ((rc = db_run(db, &exists, "SELECT COUNT(*) FROM organisation WHERE id = ?", "i", id)) < 0)
		return rc;
	if (!exists)
		return err_set(ERR_NOTFOUND, "no organisation with id %lld", (long long)id);
	snprintf(id_text, sizeof(id_text), "%lld", (long long)id);
	audit_filter f = { .entity = "organisation", .entity_id = id_text, .limit = limit, .offset = offset };
	return audit_list(out, db, &f);
}

int organisation_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	organisation__fields f;
	int rc = organisation__fields_read(&f, NULL, db, in, true);
	if (rc == 0)
		rc = organisation__fields_insert(out_id, db, who, &f);
	organisation__fields_free(&f);
	return rc;
}

int organisation_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	int rc = db_begin_write(db);
	if (rc < 0)
		return rc;
	if ((rc = organisation_insert(out_id, db, who, in)) < 0 || (rc = registry_refresh(db)) < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/* Keeps an editor's change as the organisation's pending proposal. */
static int propose(int64_t *out_change_id, db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	char now[TIME_ISO_SIZE];
	db_stmt *s;
	json_t *fields = NULL;
	int64_t pending = 0;
	int rc;
	time_now_iso(now);
	if ((rc = db_prepare(&s, db, "SELECT id, fields FROM organisation_change WHERE organisation_id = ? AND status = 'submitted'")) < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW) {
		const char *text = db_column_text(s, 1);
		pending = db_column_int64(s, 0);
		if (json_parse(&fields, text, strlen(text)) < 0)
			fields = NULL;
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!fields)
		fields = json_object();
	json_object_update(fields, (json_t *)in);
	char *text = json_dumps(fields, JSON_COMPACT);
	if (!text) {
		json_decref(fields);
		return err_set(ERR_NOMEM, "out of memory");
	}
	if (pending) {
		rc = db_run(db, NULL, "UPDATE organisation_change SET fields = ?, proposed_by = ?, proposed_at = ? WHERE id = ?",
			"titi", text, who->person_id, now, pending);
		*out_change_id = pending;
	} else {
		rc = db_run(db, out_change_id, "INSERT INTO organisation_change (organisation_id, proposed_by, proposed_at, "
					       "fields, status) VALUES (?, ?, ?, ?, 'submitted') RETURNING id",
			"iitt", id, who->person_id, now, text);
	}
	free(text);
	if (rc == 0)
		rc = audit_append_id(db, who, "propose_change", "organisation", id, NULL,
			json_pack("{s:I, s:o}", "change_id", (json_int_t)*out_change_id, "fields", fields));
	else
		json_decref(fields);
	return rc;
}

int organisation_update(int64_t *out_change_id, db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	organisation__fields f;
	int64_t exists = 0;
	int rc;
	*out_change_id = 0;
	if ((rc = db_run(db, &exists, "SELECT COUNT(*) FROM organisation WHERE id = ?", "i", id)) < 0)
		return rc;
	if (!exists)
		return err_set(ERR_NOTFOUND, "no organisation with id %lld", (long long)id);
	bool writer = authz_registry_writer(who);
	if (!writer && !authz_edits_organisation(who, id))
		return err_set(ERR_FORBIDDEN, "%s may not change this organisation", who->login ? who->login : "anonymous");
	if (!writer) {
		static const char *const kept[] = { "published", "status", "ended_on", "demo", NULL };
		for (int i = 0; kept[i]; i++)
			if (json_object_get(in, kept[i]))
				return err_set(ERR_FORBIDDEN, "'%s' is set by the steering office, not by an organisation's editor", kept[i]);
	}
	if ((rc = organisation__fields_read(&f, NULL, db, in, false)) < 0 ||
	    (rc = organisation__fields_unique(NULL, db, id, &f)) < 0 || (rc = db_begin_write(db)) < 0) {
		organisation__fields_free(&f);
		return rc;
	}
	rc = writer ? organisation__fields_apply(db, who, id, &f) : propose(out_change_id, db, who, id, in);
	if (rc == 0 && writer)
		rc = registry_refresh(db);
	organisation__fields_free(&f);
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/* Loads the proposal change_id of organisation id, which must be pending:
 * its fields (caller decrefs). */
static int pending_change(json_t **fields, db_conn *db, int64_t id, int64_t change_id)
{
	db_stmt *s;
	char status[16] = "";
	int rc = db_prepare(&s, db, "SELECT status, fields FROM organisation_change WHERE id = ? AND organisation_id = ?");
	*fields = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, change_id);
	db_bind_int64(s, 2, id);
	if ((rc = db_step(s)) == DB_ROW) {
		const char *text = db_column_text(s, 1);
		snprintf(status, sizeof(status), "%s", db_column_text(s, 0));
		if (json_parse(fields, text, strlen(text)) < 0)
			*fields = json_object();
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_set(ERR_NOTFOUND, "organisation %lld has no proposed change %lld", (long long)id, (long long)change_id);
	if (strcmp(status, "submitted") != 0) {
		json_decref(*fields);
		*fields = NULL;
		return err_set(ERR_CONFLICT, "this proposed change was decided already");
	}
	return 0;
}

static int decide(db_conn *db, const principal *who, int64_t id, int64_t change_id, const char *reason)
{
	char now[TIME_ISO_SIZE];
	json_t *fields;
	organisation__fields f = { 0 };
	int rc;
	time_now_iso(now);
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = pending_change(&fields, db, id, change_id)) < 0)
		goto fail;
	if (!reason && ((rc = organisation__fields_read(&f, NULL, db, fields, false)) < 0 ||
			(rc = organisation__fields_apply(db, who, id, &f)) < 0 || (rc = registry_refresh(db)) < 0))
		goto fail;
	if ((rc = db_run(db, NULL, "UPDATE organisation_change SET status = ?, decided_at = ?, reason = ? WHERE id = ?", "ttti",
		     reason ? "refused" : "approved", now, reason, change_id)) < 0 ||
	    (who->person_id && (rc = db_run(db, NULL, "UPDATE organisation_change SET decided_by = ? WHERE id = ?", "ii",
					who->person_id, change_id)) < 0))
		goto fail;
	rc = audit_append_id(db, who, reason ? "refuse_change" : "approve_change", "organisation", id, NULL,
		json_pack("{s:I, s:O, s:s?}", "change_id", (json_int_t)change_id, "fields", fields, "reason", reason));
	if (rc < 0)
		goto fail;
	json_decref(fields);
	organisation__fields_free(&f);
	return db_commit(db);
fail:
	db_rollback(db);
	json_decref(fields);
	organisation__fields_free(&f);
	return rc;
}

int organisation_change_approve(db_conn *db, const principal *who, int64_t id, int64_t change_id)
{
	return decide(db, who, id, change_id, NULL);
}

int organisation_change_refuse(db_conn *db, const principal *who, int64_t id, int64_t change_id, const char *reason)
{
	char *why = reason ? organisation__trimmed(reason) : NULL;
	if (!why || !*why) {
		free(why);
		return err_set(ERR_INVALID, "say why the change is refused ('reason')");
	}
	int rc = decide(db, who, id, change_id, why);
	free(why);
	return rc;
}

/* ---------------------------------------------------------------- editors */

int organisation_editor_add(db_conn *db, const principal *who, int64_t id, int64_t person_id)
{
	char now[TIME_ISO_SIZE];
	int64_t org = 0, person = 0, already = 0;
	int rc;
	time_now_iso(now);
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = db_run(db, &org, "SELECT COUNT(*) FROM organisation WHERE id = ? AND status <> 'merged'", "i", id)) < 0 ||
	    (rc = db_run(db, &person, "SELECT COUNT(*) FROM person WHERE id = ?", "i", person_id)) < 0 ||
	    (rc = db_run(db, &already, "SELECT COUNT(*) FROM organisation_editor WHERE person_id = ? AND organisation_id = ?",
		     "ii", person_id, id)) < 0)
		goto fail;
	if (!org) {
		rc = err_set(ERR_NOTFOUND, "no organisation with id %lld", (long long)id);
		goto fail;
	}
	if (!person) {
		rc = err_set(ERR_NOTFOUND, "no person with id %lld", (long long)person_id);
		goto fail;
	}
	if (!already &&
	    ((rc = db_run(db, NULL, "INSERT INTO organisation_editor (person_id, organisation_id, created_at) VALUES (?, ?, ?)",
		      "iit", person_id, id, now)) < 0 ||
	     (rc = audit_append_id(db, who, "editor_add", "organisation", id, NULL,
		      json_pack("{s:I}", "person_id", (json_int_t)person_id))) < 0))
		goto fail;
	return db_commit(db);
fail:
	db_rollback(db);
	return rc;
}

int organisation_editor_remove(db_conn *db, const principal *who, int64_t id, int64_t person_id)
{
	int rc;
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = db_run(db, NULL, "DELETE FROM organisation_editor WHERE person_id = ? AND organisation_id = ?", "ii",
		     person_id, id)) < 0)
		goto fail;
	if (db_changes(db) == 0) {
		rc = err_set(ERR_NOTFOUND, "person %lld does not edit organisation %lld", (long long)person_id, (long long)id);
		goto fail;
	}
	if ((rc = audit_append_id(db, who, "editor_remove", "organisation", id,
		     json_pack("{s:I}", "person_id", (json_int_t)person_id), NULL)) < 0)
		goto fail;
	return db_commit(db);
fail:
	db_rollback(db);
	return rc;
}

