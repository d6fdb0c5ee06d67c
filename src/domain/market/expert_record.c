/* expert_record: an expert listing's record from the S&T map and the
 * registry (expert_record.h). */
#include "domain/market/expert_record.h"
#include "domain/market/listing.h"
#include "util/err.h"
#include "util/str.h"
#include "util/utf8.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Titles written before a Vietnamese name, folded. */
static const char *const academic_titles[] = { "gs", "pgs", "ts", "tskh", "ths", "ks", "bs", "cn", "ncs", "kts",
	"ds", "prof", "dr", "mr", "ms", "mrs", NULL };

static bool is_title(const char *w, size_t n)
{
	for (int i = 0; academic_titles[i]; i++)
		if (strlen(academic_titles[i]) == n && memcmp(academic_titles[i], w, n) == 0)
			return true;
	return false;
}

static int word_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int expert__name_key(char **out, const char *name)
{
	char *folded = NULL, *words[32];
	int n = 0, rc;
	*out = NULL;
	if ((rc = vn_fold(&folded, name, strlen(name))) < 0)
		return rc;
	/* words: runs of letters and digits; folding left only ASCII in them */
	for (char *p = folded; *p && n < (int)(sizeof(words) / sizeof(words[0]));) {
		while (*p && !isalnum((unsigned char)*p))
			*p++ = '\0';
		char *w = p;
		while (*p && isalnum((unsigned char)*p))
			p++;
		if (p > w && !is_title(w, (size_t)(p - w)))
			words[n++] = w;
		if (*p)
			*p++ = '\0';
	}
	qsort(words, (size_t)n, sizeof(words[0]), word_cmp);
	str key = STR_INIT;
	for (int i = 0; i < n; i++)
		str_appendf(&key, "%s%s", i ? " " : "", words[i]);
	free(folded);
	if (str_oom(&key)) {
		str_free(&key);
		return err_set(ERR_NOMEM, "out of memory");
	}
	*out = str_detach(&key);
	if (!*out)
		*out = strdup("");
	return *out ? 0 : err_set(ERR_NOMEM, "out of memory");
}

/* ------------------------------------------------------------ reading rows */

static json_t *col_json(db_stmt *s, int i, char type)
{
	if (db_column_is_null(s, i))
		return json_null();
	switch (type) {
	case 'i':
		return json_integer(db_column_int64(s, i));
	case 'b':
		return json_boolean(db_column_int64(s, i) != 0);
	case 'o':   /* {id, name} of an organisation from columns i, i + 1 */
		return json_pack("{s:I, s:s}", "id", (json_int_t)db_column_int64(s, i), "name", db_column_text(s, i + 1));
	default:
		return json_string(db_column_text(s, i));
	}
}

/* Appends to list (at most EXPERT_RECORD_MAX) and counts in *total the
 * rows sql gives for org (bound at every '?'): row i is an object with
 * names[k] = column k read as types[k] ('t' text, 'i' integer, 'o' an
 * organisation's id and name from two columns, '-' the second of those). */
static int org_rows(json_t *list, int64_t *total, db_conn *db, const char *sql, int64_t org, const char *const *names,
	const char *types)
{
	db_stmt *s;
	int rc, n = 0;
	*total = 0;
	if ((rc = db_prepare(&s, db, sql)) < 0)
		return rc;
	for (const char *q = strchr(sql, '?'); q; q = strchr(q + 1, '?'))
		db_bind_int64(s, ++n, org);
	while ((rc = db_step(s)) == DB_ROW) {
		if (++*total > EXPERT_RECORD_MAX)
			continue;
		json_t *o = json_object();
		for (int k = 0; types[k]; k++)
			if (types[k] != '-')
				json_object_set_new(o, names[k], col_json(s, k, types[k]));
		json_array_append_new(list, o);
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* A party of a contract: {id, name} when registered, else {name} as the
 * contract wrote it. */
static void contract_party(json_t *row, const char *field, const char *name_field)
{
	if (!json_is_object(json_object_get(row, field)))
		json_object_set_new(row, field, json_pack("{s:O}", "name", json_object_get(row, name_field)));
	json_object_del(row, name_field);
}

/* ------------------------------------------------------------------ works */

#define WORK_COLUMNS "w.id, w.title, w.year, w.venue, w.cited_by_count, a.name"

static json_t *work_json(db_stmt *s)
{
	return json_pack("{s:I, s:s, s:o, s:o, s:I, s:o}", "id", (json_int_t)db_column_int64(s, 0), "title",
		db_column_text(s, 1), "year", col_json(s, 2, 'i'), "venue", col_json(s, 3, 't'), "cited_by_count",
		(json_int_t)db_column_int64(s, 4), "author", col_json(s, 5, 't'));
}

/* The works whose author has orcid. */
static int works_by_orcid(json_t *works, int64_t *total, db_conn *db, const char *orcid)
{
	db_stmt *s;
	int rc;
	*total = 0;
	if ((rc = db_prepare(&s, db, "SELECT " WORK_COLUMNS " FROM work_author a JOIN work w ON w.id = a.work_id "
				     "WHERE a.orcid = ? ORDER BY w.year DESC, w.id DESC")) < 0)
		return rc;
	db_bind_text(s, 1, orcid);
	int64_t last = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (db_column_int64(s, 0) == last)   /* listed twice as an author */
			continue;
		last = db_column_int64(s, 0);
		if (++*total <= EXPERT_RECORD_MAX)
			json_array_append_new(works, work_json(s));
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* The works of org's authors whose name has the key of name. */
static int works_by_name(json_t *works, int64_t *total, db_conn *db, int64_t org, const char *name)
{
	char *want = NULL;
	db_stmt *s;
	int rc;
	*total = 0;
	if ((rc = expert__name_key(&want, name)) < 0)
		return rc;
	if (!*want) {
		free(want);
		return 0;
	}
	if ((rc = db_prepare(&s, db, "SELECT DISTINCT " WORK_COLUMNS " FROM work_affiliation f "
				     "JOIN work_author a ON a.work_id = f.work_id AND a.position = f.position "
				     "JOIN work w ON w.id = f.work_id WHERE f.organisation_id = ? AND a.name IS NOT NULL "
				     "ORDER BY w.year DESC, w.id DESC")) < 0) {
		free(want);
		return rc;
	}
	db_bind_int64(s, 1, org);
	int64_t last = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		char *key = NULL;
		if ((rc = expert__name_key(&key, db_column_text(s, 5))) < 0)
			break;
		bool same = strcmp(key, want) == 0 && db_column_int64(s, 0) != last;
		free(key);
		if (!same)
			continue;
		last = db_column_int64(s, 0);
		if (++*total <= EXPERT_RECORD_MAX)
			json_array_append_new(works, work_json(s));
	}
	db_finalize(s);
	free(want);
	return rc < 0 ? rc : 0;
}

/* -------------------------------------------------- the organisation's */

static const char PROJECTS_SQL[] =
	"SELECT p.id, p.code, p.title, p.funder, p.started_on, p.ends_on, "
	"CASE WHEN p.organisation_id = ? THEN 1 ELSE 0 END FROM project p WHERE p.organisation_id = ? "
	"OR EXISTS (SELECT 1 FROM project_partner pp WHERE pp.project_id = p.id AND pp.organisation_id = ?) "
	"ORDER BY p.started_on DESC, p.id DESC";
static const char *const project_names[] = { "id", "code", "title", "funder", "started_on", "ends_on", "lead" };

static const char PATENTS_SQL[] =
	"SELECT id, kind, number, title, granted_on FROM patent WHERE organisation_id = ? "
	"ORDER BY granted_on DESC, id DESC";
static const char *const patent_names[] = { "id", "kind", "number", "title", "granted_on" };

static const char CONTRACTS_SQL[] =
	"SELECT c.id, c.number, c.kind, c.title, c.signed_on, c.seller_id, s.name, c.buyer_id, b.name, c.seller_name, "
	"c.buyer_name FROM contract c LEFT JOIN organisation s ON s.id = c.seller_id "
	"LEFT JOIN organisation b ON b.id = c.buyer_id WHERE c.seller_id = ? OR c.buyer_id = ? "
	"ORDER BY c.signed_on DESC, c.id DESC";
static const char *const contract_names[] = { "id", "number", "kind", "title", "signed_on", "seller", "", "buyer", "",
	"seller_name", "buyer_name" };

static const char AGREEMENTS_SQL[] =
	"SELECT a.id, a.code, a.kind, a.title, a.signed_on, a.status FROM agreement a "
	"JOIN agreement_party ap ON ap.agreement_id = a.id WHERE ap.organisation_id = ? "
	"ORDER BY a.signed_on DESC, a.id DESC";
static const char *const agreement_names[] = { "id", "code", "kind", "title", "signed_on", "status" };

static const char COMMERCIALISATIONS_SQL[] =
	"SELECT c.id, c.title, c.status, c.announced_on, c.partner_id, p.name FROM commercialisation c "
	"LEFT JOIN organisation p ON p.id = c.partner_id WHERE c.organisation_id = ? "
	"ORDER BY c.announced_on DESC, c.id DESC";
static const char *const commercialisation_names[] = { "id", "title", "status", "announced_on", "partner", "" };

/* One list of the organisation's into rec[name] and totals[name]. */
static int org_list(json_t *rec, db_conn *db, const char *name, const char *sql, int64_t org, const char *const *names,
	const char *types)
{
	json_t *list = json_array();
	int64_t total = 0;
	int rc = org > 0 ? org_rows(list, &total, db, sql, org, names, types) : 0;
	json_object_set_new(rec, name, list);
	json_object_set_new(json_object_get(rec, "totals"), name, json_integer(total));
	return rc;
}

int expert_record_get(json_t **out, db_conn *db, const principal *who, int64_t id)
{
	json_t *listing = NULL, *rec = NULL;
	int64_t n_works = 0;
	int rc;
	*out = NULL;
	if ((rc = listing_get(&listing, db, who, id, false)) < 0)
		return rc;
	if (strcmp(json_string_value(json_object_get(listing, "kind")), "expert") != 0) {
		rc = err_set(ERR_INVALID, "listing %lld is not an expert's", (long long)id);
		goto done;
	}
	json_t *org_id = json_object_get(listing, "organisation_id");
	int64_t org = json_is_integer(org_id) ? json_integer_value(org_id) : 0;
	const char *orcid = json_string_value(json_object_get(listing, "orcid"));
	const char *name = json_string_value(json_object_get(listing, "expert_name"));
	rec = json_pack("{s:{s:I, s:O?, s:O?, s:O?}, s:n, s:n, s:[], s:{}}", "listing", "id", (json_int_t)id, "title",
		json_object_get(listing, "title"), "expert_name", json_object_get(listing, "expert_name"), "orcid",
		json_object_get(listing, "orcid"), "organisation", "works_by", "works", "totals");
	if (!rec) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto done;
	}
	if (org > 0) {
		db_stmt *s;
		if ((rc = db_prepare(&s, db, "SELECT id, name FROM organisation WHERE id = ?")) < 0)
			goto done;
		db_bind_int64(s, 1, org);
		if ((rc = db_step(s)) == DB_ROW)
			json_object_set_new(rec, "organisation", col_json(s, 0, 'o'));
		db_finalize(s);
		if (rc < 0)
			goto done;
	}
	json_t *works = json_object_get(rec, "works");
	if (orcid && *orcid) {
		json_object_set_new(rec, "works_by", json_string("orcid"));
		rc = works_by_orcid(works, &n_works, db, orcid);
	} else if (org > 0 && name && *name) {
		json_object_set_new(rec, "works_by", json_string("name"));
		rc = works_by_name(works, &n_works, db, org, name);
	}
	if (rc < 0)
		goto done;
	json_object_set_new(json_object_get(rec, "totals"), "works", json_integer(n_works));
	if ((rc = org_list(rec, db, "projects", PROJECTS_SQL, org, project_names, "itttttb")) < 0 ||
	    (rc = org_list(rec, db, "patents", PATENTS_SQL, org, patent_names, "itttt")) < 0 ||
	    (rc = org_list(rec, db, "contracts", CONTRACTS_SQL, org, contract_names, "itttto-o-tt")) < 0 ||
	    (rc = org_list(rec, db, "agreements", AGREEMENTS_SQL, org, agreement_names, "ittttt")) < 0 ||
	    (rc = org_list(rec, db, "commercialisations", COMMERCIALISATIONS_SQL, org, commercialisation_names,
		     "ittto-")) < 0)
		goto done;
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(rec, "contracts"), i, c) {
		contract_party(c, "seller", "seller_name");
		contract_party(c, "buyer", "buyer_name");
	}
	*out = rec;
	rec = NULL;
done:
	json_decref(listing);
	json_decref(rec);
	return rc < 0 ? rc : 0;
}
