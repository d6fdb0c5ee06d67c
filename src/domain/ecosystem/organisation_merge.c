/* organisation_merge: duplicates of the registry (same identifier, or the
 * same folded name in the same commune) and the merge of one into another,
 * every reference moved in one transaction. */
#include "domain/ecosystem/organisation.h"
#include "domain/ecosystem/organisation_internal.h"
#include "domain/ecosystem/registry.h"
#include "domain/stmap/outputs.h"
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

static json_t *dup_side(db_stmt *s, int at)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o}", "id", (json_int_t)db_column_int64(s, at), "name",
		db_column_text(s, at + 1), "kind", db_column_text(s, at + 2), "tax_code", organisation__text_or_null(s, at + 3), "unit_id",
		db_column_is_null(s, at + 4) ? json_null() : json_integer(db_column_int64(s, at + 4)), "unit_code",
		organisation__text_or_null(s, at + 5), "unit_name", organisation__text_or_null(s, at + 6));
}

int organisation_duplicates(json_t **out, db_conn *db)
{
	static const struct {
		const char *reason, *on;
	} rules[] = {
		{ "tax_code", "b.tax_code = a.tax_code" },
		{ "ror", "b.ror = a.ror" },
		{ "openalex_id", "b.openalex_id = a.openalex_id" },
		{ "name", "b.name_folded = a.name_folded AND COALESCE(b.unit_id, 0) = COALESCE(a.unit_id, 0)" },
	};
	json_t *list = json_array();
	int rc = 0;
	*out = NULL;
	for (size_t r = 0; r < sizeof(rules) / sizeof(rules[0]) && rc >= 0; r++) {
		char sql[1024];
		db_stmt *s;
		snprintf(sql, sizeof(sql),
			"SELECT a.id, a.name, a.kind, a.tax_code, a.unit_id, ua.code, ua.name, "
			"b.id, b.name, b.kind, b.tax_code, b.unit_id, ub.code, ub.name "
			"FROM organisation a JOIN organisation b ON %s AND b.id > a.id "
			"LEFT JOIN unit ua ON ua.id = a.unit_id LEFT JOIN unit ub ON ub.id = b.unit_id "
			"WHERE a.status <> 'merged' AND b.status <> 'merged' ORDER BY a.name_folded, a.id, b.id LIMIT 1000",
			rules[r].on);
		if ((rc = db_prepare(&s, db, sql)) < 0)
			break;
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, json_pack("{s:s, s:o, s:o}", "reason", rules[r].reason, "a", dup_side(s, 0),
				"b", dup_side(s, 7)));
		db_finalize(s);
	}
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o, s:I}", "duplicates", list, "total", (json_int_t)json_array_size(list));
	return 0;
}

/* Moves the rows of a table keyed by (other, organisation) from dup to
 * kept where kept has none for the same other, and drops the rest. */
static int move_keyed(db_conn *db, const char *table, const char *other, int64_t kept, int64_t dup)
{
	char sql[512];
	int rc;
	snprintf(sql, sizeof(sql), "UPDATE %s SET organisation_id = ? WHERE organisation_id = ? AND %s NOT IN "
				   "(SELECT %s FROM %s WHERE organisation_id = ?)", table, other, other, table);
	if ((rc = db_run(db, NULL, sql, "iii", kept, dup, kept)) < 0)
		return rc;
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE organisation_id = ?", table);
	return db_run(db, NULL, sql, "i", dup);
}

/* Every reference to dup in the rest of the registry, pointed at kept. */
static int move_references(db_conn *db, int64_t kept, int64_t dup)
{
	static const char *const updates[] = {
		"UPDATE organisation_person SET organisation_id = ? WHERE organisation_id = ?",
		"UPDATE resource SET organisation_id = ? WHERE organisation_id = ?",
		"UPDATE booking SET organisation_id = ? WHERE organisation_id = ?",
		"UPDATE agreement_problem SET organisation_id = ? WHERE organisation_id = ?",
		"UPDATE network SET coordinator_id = ? WHERE coordinator_id = ?",
		"UPDATE fund SET organisation_id = ? WHERE organisation_id = ?",
		"UPDATE investment SET investor_id = ? WHERE investor_id = ?",
		"UPDATE investment SET startup_id = ? WHERE startup_id = ?",
		"UPDATE support_programme SET provider_id = ? WHERE provider_id = ?",
		"UPDATE commercialisation SET organisation_id = ? WHERE organisation_id = ?",
		"UPDATE commercialisation SET partner_id = ? WHERE partner_id = ?",
		/* the S&T map's outputs (0023) */
		"UPDATE work_affiliation SET organisation_id = ? WHERE organisation_id = ?",
		"UPDATE institution_link SET organisation_id = ? WHERE organisation_id = ?",
		"UPDATE patent SET organisation_id = ? WHERE organisation_id = ?",
		"UPDATE project SET organisation_id = ? WHERE organisation_id = ?",
		"UPDATE contract SET seller_id = ? WHERE seller_id = ?",
		"UPDATE contract SET buyer_id = ? WHERE buyer_id = ?",
		"UPDATE spinoff SET parent_id = ? WHERE parent_id = ?",
		"UPDATE spinoff SET organisation_id = ? WHERE organisation_id = ?",
		/* the technology market (0025) */
		"UPDATE listing SET organisation_id = ? WHERE organisation_id = ?",
		"UPDATE engagement SET organisation_id = ? WHERE organisation_id = ?",
		"UPDATE feedback SET organisation_id = ? WHERE organisation_id = ?",
		"UPDATE deal SET partner_id = ? WHERE partner_id = ?",
	};
	static const char *const keyed[][2] = {
		{ "organisation_editor", "person_id" },
		{ "network_member", "network_id" },
		{ "agreement_party", "agreement_id" },
		{ "fund_member", "fund_id" },
		{ "support_recipient", "programme_id" },
		{ "project_partner", "project_id" },
	};
	int rc = 0;
	for (size_t i = 0; i < sizeof(updates) / sizeof(updates[0]) && rc >= 0; i++)
		rc = db_run(db, NULL, updates[i], "ii", kept, dup);
	for (size_t i = 0; i < sizeof(keyed) / sizeof(keyed[0]) && rc >= 0; i++)
		rc = move_keyed(db, keyed[i][0], keyed[i][1], kept, dup);
	return rc;
}

/* The duplicate's names and aliases as aliases of kept (those that are
 * not kept's name already). */
static int move_names(db_conn *db, const json_t *kept, const json_t *dup)
{
	json_t *names = json_array();
	size_t i;
	json_t *a;
	int rc = 0;
	int64_t kept_id = json_integer_value(json_object_get(kept, "id"));
	json_array_append(names, json_object_get(dup, "name"));
	if (json_is_string(json_object_get(dup, "short_name")))
		json_array_append(names, json_object_get(dup, "short_name"));
	json_array_extend(names, json_object_get(dup, "aliases"));
	json_array_foreach(names, i, a) {
		const char *alias = json_string_value(a);
		char *folded = NULL;
		int64_t have = 0;
		if (strcmp(alias, json_string_value(json_object_get(kept, "name"))) == 0)
			continue;
		if ((rc = db_run(db, &have, "SELECT COUNT(*) FROM organisation_alias WHERE organisation_id = ? AND alias = ?", "it",
			     kept_id, alias)) < 0)
			break;
		if (have)
			continue;
		if ((rc = vn_fold(&folded, alias, strlen(alias))) == 0)
			rc = db_run(db, NULL, "INSERT INTO organisation_alias (organisation_id, alias, alias_folded) VALUES (?, ?, ?)",
				"itt", kept_id, alias, folded);
		free(folded);
		if (rc < 0)
			break;
	}
	json_decref(names);
	return rc;
}

/* The identifiers kept lacks, taken from the duplicate (now merged). */
static int take_identifiers(db_conn *db, const json_t *kept, const json_t *dup)
{
	static const char *const columns[] = { "tax_code", "ror", "openalex_id" };
	char sql[128];
	int rc = 0;
	for (int i = 0; i < 3 && rc >= 0; i++) {
		json_t *mine = json_object_get(kept, columns[i]), *theirs = json_object_get(dup, columns[i]);
		if (!json_is_null(mine) || !json_is_string(theirs))
			continue;
		snprintf(sql, sizeof(sql), "UPDATE organisation SET %s = ? WHERE id = ?", columns[i]);
		rc = db_run(db, NULL, sql, "ti", json_string_value(theirs), json_integer_value(json_object_get(kept, "id")));
	}
	return rc;
}

/* What other modules keep in memory from the moved rows is read again:
 * the outputs' figures (output_generation) and the market's search index
 * (the listings now owned by the kept organisation get the next
 * listing_generation, as listing__touch does for one). */
static int tell_caches(db_conn *db, int64_t kept)
{
	int64_t gen = 0;
	int rc;
	if ((rc = outputs_generation_bump(db)) < 0 ||
	    (rc = db_run(db, NULL, "UPDATE listing_generation SET n = n + 1 WHERE id = 1", "")) < 0 ||
	    (rc = db_run(db, &gen, "SELECT n FROM listing_generation WHERE id = 1", "")) < 0)
		return rc;
	return db_run(db, NULL, "UPDATE listing SET generation = ? WHERE organisation_id = ?", "ii", gen, kept);
}

int organisation_merge(db_conn *db, const principal *who, int64_t kept_id, int64_t duplicate_id)
{
	char now[TIME_ISO_SIZE];
	json_t *kept = NULL, *dup = NULL, *kept_after = NULL, *dup_after = NULL;
	char *dup_text = NULL;
	int rc;
	if (kept_id == duplicate_id)
		return err_set(ERR_INVALID, "an organisation cannot be merged into itself");
	time_now_iso(now);
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = organisation__record(&kept, db, kept_id)) < 0 || (rc = organisation__record(&dup, db, duplicate_id)) < 0)
		goto fail;
	if (strcmp(json_string_value(json_object_get(kept, "status")), "merged") == 0 ||
	    strcmp(json_string_value(json_object_get(dup, "status")), "merged") == 0) {
		rc = err_set(ERR_INVALID, "%s was merged already", strcmp(json_string_value(json_object_get(kept, "status")), "merged") == 0
			? json_string_value(json_object_get(kept, "name")) : json_string_value(json_object_get(dup, "name")));
		goto fail;
	}
	if (!(dup_text = json_dumps(dup, JSON_COMPACT))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto fail;
	}
	char today[11];
	snprintf(today, sizeof(today), "%.10s", now);
	if ((rc = db_run(db, NULL, "UPDATE organisation SET status = 'merged', merged_into = ?, ended_on = ?, updated_at = ? "
				   "WHERE id = ?", "itti", kept_id, today, now, duplicate_id)) < 0 ||
	    (rc = move_names(db, kept, dup)) < 0 || (rc = move_references(db, kept_id, duplicate_id)) < 0 ||
	    (rc = tell_caches(db, kept_id)) < 0 ||
	    (rc = take_identifiers(db, kept, dup)) < 0 ||
	    (rc = db_run(db, NULL, "UPDATE organisation SET updated_at = ? WHERE id = ?", "ti", now, kept_id)) < 0 ||
	    (rc = db_run(db, NULL, "DELETE FROM organisation_alias WHERE organisation_id = ?", "i", duplicate_id)) < 0 ||
	    (rc = organisation__changed(db)) < 0 ||
	    (rc = db_run(db, NULL, "INSERT INTO organisation_merge (kept_id, merged_id, merged_at, before) VALUES (?, ?, ?, ?)",
		     "iitt", kept_id, duplicate_id, now, dup_text)) < 0 ||
	    (who && who->person_id && (rc = db_run(db, NULL, "UPDATE organisation_merge SET merged_by = ? WHERE merged_id = ? "
							      "AND merged_at = ?", "iit", who->person_id, duplicate_id, now)) < 0))
		goto fail;
	if ((rc = organisation__record(&kept_after, db, kept_id)) < 0 || (rc = organisation__record(&dup_after, db, duplicate_id)) < 0)
		goto fail;
	rc = audit_append_id(db, who, "merge", "organisation", duplicate_id, dup, dup_after);
	dup = dup_after = NULL;
	if (rc < 0)
		goto fail;
	rc = audit_append_id(db, who, "merge_into", "organisation", kept_id, kept, kept_after);
	kept = kept_after = NULL;
	if (rc < 0 || (rc = registry_refresh(db)) < 0)
		goto fail;
	free(dup_text);
	return db_commit(db);
fail:
	db_rollback(db);
	json_decref(kept);
	json_decref(dup);
	json_decref(kept_after);
	json_decref(dup_after);
	free(dup_text);
	return rc;
}
