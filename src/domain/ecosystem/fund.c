/* fund: funds and alliances, investments (with their CSV exchange),
 * support programmes and commercialisation projects. */
#include "domain/ecosystem/fund.h"
#include "domain/ecosystem/registry.h"
#include "domain/people/audit.h"
#include "util/csv.h"
#include "util/table.h"
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

#define CODE_MAX 40
#define NAME_MAX_BYTES 1000
#define TEXT_MAX 20000
/* 10^18 VND: beyond any real amount, within a double's exact integers' reach */
#define AMOUNT_MAX 1e18

/* ---------------------------------------------------------------- checks */

static int check_code(const char *code)
{
	if (!*code || strlen(code) > CODE_MAX || strpbrk(code, " \t\r\n,\"/?#%"))
		return err_set(ERR_INVALID, "'code' must have 1 to %d characters without spaces, commas, quotes or slashes", CODE_MAX);
	return 0;
}

static int check_text(const char *field, const char *v, size_t max, bool required)
{
	if (v && ((required && !*v) || strlen(v) > max))
		return err_set(ERR_INVALID, "'%s' must have 1 to %zu bytes", field, max);
	return 0;
}

static int check_date(const char *field, const char *v)
{
	date_ymd d;
	if (v && *v && date_parse(&d, v, strlen(v)) < 0)
		return err_set(ERR_INVALID, "'%s': %s", field, err_msg());
	return 0;
}

/* An optional amount in VND: *present 0 when absent or null. */
static int get_amount(double *out, int *present, const json_t *in, const char *field, bool required)
{
	int rc;
	*out = 0;
	*present = 0;
	if (!required && json_is_null(json_object_get(in, field)))
		return 0;
	if ((rc = json_get_number(out, present, in, field, required)) < 0)
		return rc;
	if (*present && (!isfinite(*out) || *out < 0 || *out > AMOUNT_MAX))
		return err_set(ERR_INVALID, "'%s' must be an amount in VND from 0 to 10^18", field);
	return 0;
}

/* An optional organisation id: 0 when absent or null, else it must exist. */
static int get_org(int64_t *out, db_conn *db, const json_t *in, const char *field, bool required)
{
	long long v = 0;
	int present = 0, rc;
	int64_t n = 0;
	*out = 0;
	if (!required && json_is_null(json_object_get(in, field)))
		return 0;
	if ((rc = json_get_int(&v, &present, in, field, required)) < 0)
		return rc;
	if (!present)
		return 0;
	if ((rc = db_run(db, &n, "SELECT COUNT(*) FROM organisation WHERE id = ?", "i", (int64_t)v)) < 0)
		return rc;
	if (!n)
		return err_set(ERR_INVALID, "'%s': no organisation with id %lld", field, v);
	*out = v;
	return 0;
}

static json_t *amount_or_null(db_stmt *s, int i)
{
	return db_column_is_null(s, i) ? json_null() : json_real(db_column_double(s, i));
}

static json_t *text_or_null(db_stmt *s, int i)
{
	return db_column_is_null(s, i) ? json_null() : json_string(db_column_text(s, i));
}

static json_t *org_ref(db_stmt *s, int i)
{
	return db_column_is_null(s, i) ? json_null()
		: json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_column_int64(s, i), "name", db_column_text(s, i + 1),
			  "kind", db_column_text(s, i + 2));
}

static const char *opt(const char *v) { return v && *v ? v : NULL; }

/* Binds an amount or NULL. */
static int set_amount(db_conn *db, const char *sql, int present, double v, int64_t id)
{
	return present ? db_run(db, NULL, sql, "di", v, id) : db_run(db, NULL, sql, "ni", id);
}

/* ----------------------------------------------------------------- funds */

typedef struct fund_fields {
	const char *code, *name, *kind, *launched_on, *description;
	const json_t *members;
	int64_t org;
	double committed, disbursed;
	int has_committed, has_disbursed, demo, has_demo;
	bool org_given, committed_given, disbursed_given;
} fund_fields;

static int read_fund(fund_fields *f, db_conn *db, const json_t *in, bool creating)
{
	int rc;
	memset(f, 0, sizeof(*f));
	f->org_given = json_object_get(in, "organisation_id") != NULL;
	f->committed_given = json_object_get(in, "committed_vnd") != NULL;
	f->disbursed_given = json_object_get(in, "disbursed_vnd") != NULL;
	if ((rc = json_require_object(in, "the fund")) < 0 || (rc = json_get_string(&f->code, in, "code", creating)) < 0 ||
	    (rc = json_get_string(&f->name, in, "name", creating)) < 0 ||
	    (rc = json_get_string(&f->kind, in, "kind", creating)) < 0 ||
	    (rc = json_get_string(&f->launched_on, in, "launched_on", 0)) < 0 ||
	    (rc = json_get_string(&f->description, in, "description", 0)) < 0 ||
	    (rc = json_get_bool(&f->demo, &f->has_demo, in, "demo", 0)) < 0 ||
	    (rc = get_amount(&f->committed, &f->has_committed, in, "committed_vnd", false)) < 0 ||
	    (rc = get_amount(&f->disbursed, &f->has_disbursed, in, "disbursed_vnd", false)) < 0 ||
	    (rc = get_org(&f->org, db, in, "organisation_id", false)) < 0)
		return rc;
	f->members = json_object_get(in, "members");
	if ((f->code && (rc = check_code(f->code)) < 0) || (rc = check_text("name", f->name, NAME_MAX_BYTES, true)) < 0 ||
	    (rc = check_text("description", f->description, TEXT_MAX, false)) < 0 ||
	    (rc = check_date("launched_on", f->launched_on)) < 0)
		return rc;
	if (f->kind && strcmp(f->kind, "fund") != 0 && strcmp(f->kind, "alliance") != 0)
		return err_set(ERR_INVALID, "'kind' must be fund or alliance");
	return 0;
}

static int write_members(db_conn *db, int64_t id, const json_t *list)
{
	size_t i;
	json_t *m;
	int rc;
	if (!json_is_array(list))
		return err_set(ERR_INVALID, "'members' must be an array of {organisation_id, committed_vnd, joined_on}");
	if ((rc = db_run(db, NULL, "DELETE FROM fund_member WHERE fund_id = ?", "i", id)) < 0)
		return rc;
	json_array_foreach(list, i, m) {
		int64_t org, twice = 0;
		double amount;
		int has_amount;
		const char *joined = NULL;
		if (!json_is_object(m))
			return err_set(ERR_INVALID, "members[%zu] must be {organisation_id, committed_vnd, joined_on}", i);
		if ((rc = get_org(&org, db, m, "organisation_id", true)) < 0 ||
		    (rc = get_amount(&amount, &has_amount, m, "committed_vnd", false)) < 0 ||
		    (rc = json_get_string(&joined, m, "joined_on", 0)) < 0 || (rc = check_date("joined_on", joined)) < 0)
			return err_set(ERR_INVALID, "members[%zu]: %s", i, err_msg());
		if ((rc = db_run(db, &twice, "SELECT COUNT(*) FROM fund_member WHERE fund_id = ? AND organisation_id = ?", "ii",
			     id, org)) < 0)
			return rc;
		if (twice)
			return err_set(ERR_INVALID, "members[%zu]: organisation %lld is a member twice", i, (long long)org);
		if ((rc = db_run(db, NULL, "INSERT INTO fund_member (fund_id, organisation_id, joined_on) VALUES (?, ?, ?)", "iit",
			     id, org, opt(joined))) < 0 ||
		    (has_amount && (rc = db_run(db, NULL, "UPDATE fund_member SET committed_vnd = ? WHERE fund_id = ? AND "
							  "organisation_id = ?", "dii", amount, id, org)) < 0))
			return rc;
	}
	return 0;
}

static int fund_members(json_t **out, db_conn *db, int64_t id, bool public_view)
{
	db_stmt *s;
	json_t *list = json_array();
	int rc = db_prepare(&s, db, "SELECT o.id, o.name, o.kind, m.committed_vnd, m.joined_on FROM fund_member m "
				    "JOIN organisation o ON o.id = m.organisation_id WHERE m.fund_id = ? "
				    "ORDER BY m.committed_vnd DESC, o.name");
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW) {
			json_t *m = json_pack("{s:I, s:s, s:s, s:o}", "organisation_id", (json_int_t)db_column_int64(s, 0), "name",
				db_column_text(s, 1), "kind", db_column_text(s, 2), "joined_on", text_or_null(s, 4));
			if (!public_view)
				json_object_set_new(m, "committed_vnd", amount_or_null(s, 3));
			json_array_append_new(list, m);
		}
		db_finalize(s);
	}
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}

#define FUND_SELECT \
	"SELECT f.id, f.code, f.name, f.kind, f.launched_on, f.committed_vnd, f.disbursed_vnd, f.description, f.demo, " \
	"o.id, o.name, o.kind, (SELECT SUM(m.committed_vnd) FROM fund_member m WHERE m.fund_id = f.id), " \
	"(SELECT SUM(i.amount_vnd) FROM investment i WHERE i.fund_id = f.id), " \
	"(SELECT COUNT(*) FROM fund_member m WHERE m.fund_id = f.id) FROM fund f " \
	"LEFT JOIN organisation o ON o.id = f.organisation_id"

static json_t *fund_row(db_stmt *s)
{
	double invested = db_column_is_null(s, 13) ? 0 : db_column_double(s, 13);
	json_t *f = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:b, s:o, s:f, s:I}", "id",
		(json_int_t)db_column_int64(s, 0), "code", db_column_text(s, 1), "name", db_column_text(s, 2), "kind",
		db_column_text(s, 3), "launched_on", text_or_null(s, 4), "committed_vnd", amount_or_null(s, 5), "description",
		text_or_null(s, 7), "demo", db_column_int64(s, 8) != 0, "organisation", org_ref(s, 9), "invested_vnd",
		invested, "n_members", (json_int_t)db_column_int64(s, 14));
	json_object_set_new(f, "members_committed_vnd", amount_or_null(s, 12));
	json_object_set_new(f, "disbursed_vnd", db_column_is_null(s, 6) ? json_real(invested) : json_real(db_column_double(s, 6)));
	return f;
}

int fund_get(json_t **out, db_conn *db, int64_t id, bool details, bool public_view)
{
	db_stmt *s;
	json_t *f = NULL, *x;
	int rc = db_prepare(&s, db, FUND_SELECT " WHERE f.id = ?");
	*out = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW)
		f = fund_row(s);
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!f)
		return err_set(ERR_NOTFOUND, "no fund with id %lld", (long long)id);
	if ((rc = fund_members(&x, db, id, public_view)) < 0)
		goto fail;
	json_object_set_new(f, "members", x);
	if (details && !public_view) {
		investment_filter inv = { .fund_id = id };
		if ((rc = investment_list(&x, db, &inv, 1000, 0)) < 0)
			goto fail;
		json_object_set(f, "investments", json_object_get(x, "investments"));
		json_decref(x);
	}
	*out = f;
	return 0;
fail:
	json_decref(f);
	return rc;
}

int fund_list(json_t **out, db_conn *db, const char *q, const char *kind, bool public_view, int64_t limit, int64_t offset)
{
	char *folded = NULL;
	db_stmt *s;
	int64_t total = 0;
	int rc;
	*out = NULL;
	if (kind && strcmp(kind, "fund") != 0 && strcmp(kind, "alliance") != 0)
		return err_set(ERR_INVALID, "'kind' must be fund or alliance");
	if (q && *q && (rc = vn_fold(&folded, q, strlen(q))) < 0)
		return rc;
	/* few funds: filtered by their folded names here rather than in SQL */
	json_t *all = json_array(), *list = json_array();
	if ((rc = db_prepare(&s, db, FUND_SELECT " ORDER BY f.launched_on DESC, f.code")) == 0) {
		while ((rc = db_step(s)) == DB_ROW) {
			if (kind && strcmp(kind, db_column_text(s, 3)) != 0)
				continue;
			if (folded) {
				char *name;
				if ((rc = vn_fold(&name, db_column_text(s, 2), strlen(db_column_text(s, 2)))) < 0)
					break;
				bool hit = strstr(name, folded) || strcasestr(db_column_text(s, 1), folded);
				free(name);
				if (!hit)
					continue;
			}
			json_array_append_new(all, json_integer(db_column_int64(s, 0)));
		}
		db_finalize(s);
	}
	free(folded);
	total = (int64_t)json_array_size(all);
	for (int64_t i = offset; rc >= 0 && i < total && i - offset < limit; i++) {
		json_t *f;
		if ((rc = fund_get(&f, db, json_integer_value(json_array_get(all, (size_t)i)), false, public_view)) < 0)
			break;
		json_array_append_new(list, f);
	}
	json_decref(all);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o, s:I}", "funds", list, "total", (json_int_t)total);
	return 0;
}

int fund_id_by_code(int64_t *out, db_conn *db, const char *code)
{
	int rc = db_run(db, out, "SELECT id FROM fund WHERE code = ?", "t", code);
	if (rc == 0 && !*out)
		return err_set(ERR_NOTFOUND, "no fund with code '%s'", code);
	return rc;
}

static int audit_fund(db_conn *db, const principal *who, const char *action, int64_t id, json_t *before)
{
	json_t *after;
	int rc = fund_get(&after, db, id, false, false);
	if (rc < 0) {
		json_decref(before);
		return rc;
	}
	return audit_append_id(db, who, action, "fund", id, before, after);
}

/* Writes the optional fields of f to fund id. */
static int fund_write(db_conn *db, int64_t id, const fund_fields *f)
{
	int rc = 0;
	char now[TIME_ISO_SIZE];
	time_now_iso(now);
	if ((f->name && (rc = db_run(db, NULL, "UPDATE fund SET name = ? WHERE id = ?", "ti", f->name, id)) < 0) ||
	    (f->kind && (rc = db_run(db, NULL, "UPDATE fund SET kind = ? WHERE id = ?", "ti", f->kind, id)) < 0) ||
	    (f->launched_on && (rc = db_run(db, NULL, "UPDATE fund SET launched_on = ? WHERE id = ?", "ti", opt(f->launched_on), id)) < 0) ||
	    (f->description && (rc = db_run(db, NULL, "UPDATE fund SET description = ? WHERE id = ?", "ti", opt(f->description), id)) < 0) ||
	    (f->committed_given && (rc = set_amount(db, "UPDATE fund SET committed_vnd = ? WHERE id = ?", f->has_committed,
					    f->committed, id)) < 0) ||
	    (f->disbursed_given && (rc = set_amount(db, "UPDATE fund SET disbursed_vnd = ? WHERE id = ?", f->has_disbursed,
					    f->disbursed, id)) < 0) ||
	    (f->org_given && (rc = f->org ? db_run(db, NULL, "UPDATE fund SET organisation_id = ? WHERE id = ?", "ii", f->org, id)
					  : db_run(db, NULL, "UPDATE fund SET organisation_id = NULL WHERE id = ?", "i", id)) < 0) ||
	    (f->members && (rc = write_members(db, id, f->members)) < 0))
		return rc;
	return db_run(db, NULL, "UPDATE fund SET updated_at = ? WHERE id = ?", "ti", now, id);
}

int fund_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	fund_fields f;
	char now[TIME_ISO_SIZE];
	int64_t used = 0;
	int rc;
	if ((rc = read_fund(&f, db, in, true)) < 0 ||
	    (rc = db_run(db, &used, "SELECT COUNT(*) FROM fund WHERE code = ?", "t", f.code)) < 0)
		return rc;
	if (used)
		return err_set(ERR_CONFLICT, "a fund with code '%s' exists already", f.code);
	time_now_iso(now);
	if ((rc = db_run(db, out_id, "INSERT INTO fund (code, name, kind, demo, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
				    "RETURNING id", "tttitt", f.code, f.name, f.kind, (int64_t)(f.demo ? 1 : 0), now, now)) < 0 ||
	    (rc = fund_write(db, *out_id, &f)) < 0)
		return rc;
	return audit_fund(db, who, "create", *out_id, NULL);
}

int fund_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	DB_IN_WRITE(db, fund_insert(out_id, db, who, in));
}

static int fund_update_in(db_conn *db, const principal *who, int64_t id, const fund_fields *f)
{
	json_t *before;
	int rc = fund_get(&before, db, id, false, false);
	if (rc < 0)
		return rc;
	if ((rc = fund_write(db, id, f)) < 0) {
		json_decref(before);
		return rc;
	}
	return audit_fund(db, who, "update", id, before);
}

int fund_update(db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	fund_fields f;
	int rc;
	if ((rc = read_fund(&f, db, in, false)) < 0)
		return rc;
	if (f.code)
		return err_set(ERR_INVALID, "a fund's code does not change");
	DB_IN_WRITE(db, fund_update_in(db, who, id, &f));
}

/* ----------------------------------------------------------- investments */

static const char *const rounds[] = { "pre_seed", "seed", "series_a", "series_b", "series_c", "grant", "other", NULL };
static const char *const instruments[] = { "equity", "convertible", "loan", "grant", "other", NULL };

static bool in_list(const char *const *list, const char *v)
{
	for (int i = 0; v && list[i]; i++)
		if (strcmp(list[i], v) == 0)
			return true;
	return false;
}

#define INVESTMENT_SELECT \
	"SELECT i.id, i.amount_vnd, i.invested_on, i.round, i.instrument, i.note, i.demo, f.id, f.code, f.name, " \
	"iv.id, iv.name, iv.kind, st.id, st.name, st.kind FROM investment i LEFT JOIN fund f ON f.id = i.fund_id " \
	"LEFT JOIN organisation iv ON iv.id = i.investor_id JOIN organisation st ON st.id = i.startup_id"

static json_t *investment_row(db_stmt *s)
{
	json_t *i = json_pack("{s:I, s:f, s:s, s:o, s:o, s:o, s:b, s:o, s:o}", "id", (json_int_t)db_column_int64(s, 0),
		"amount_vnd", db_column_double(s, 1), "invested_on", db_column_text(s, 2), "round", text_or_null(s, 3),
		"instrument", text_or_null(s, 4), "note", text_or_null(s, 5), "demo", db_column_int64(s, 6) != 0, "investor",
		org_ref(s, 10), "startup", org_ref(s, 13));
	json_object_set_new(i, "fund", db_column_is_null(s, 7) ? json_null()
		: json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_column_int64(s, 7), "code", db_column_text(s, 8), "name",
			  db_column_text(s, 9)));
	return i;
}

int investment_get(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, INVESTMENT_SELECT " WHERE i.id = ?");
	*out = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW)
		*out = investment_row(s);
	db_finalize(s);
	if (rc < 0)
		return rc;
	return *out ? 0 : err_set(ERR_NOTFOUND, "no investment with id %lld", (long long)id);
}

static void investment_where(str *sql, const investment_filter *f)
{
	str_append(sql, " WHERE 1 = 1");
	if (f->fund_id)
		str_append(sql, " AND i.fund_id = ?");
	if (f->startup_id)
		str_append(sql, " AND i.startup_id = ?");
	if (f->investor_id)
		str_append(sql, " AND i.investor_id = ?");
	if (f->from)
		str_append(sql, " AND i.invested_on >= ?");
	if (f->to)
		str_append(sql, " AND i.invested_on <= ?");
}

static int investment_bind(db_stmt *s, const investment_filter *f)
{
	int i = 1;
	if (f->fund_id)
		db_bind_int64(s, i++, f->fund_id);
	if (f->startup_id)
		db_bind_int64(s, i++, f->startup_id);
	if (f->investor_id)
		db_bind_int64(s, i++, f->investor_id);
	if (f->from)
		db_bind_text(s, i++, f->from);
	if (f->to)
		db_bind_text(s, i++, f->to);
	return i;
}

int investment_list(json_t **out, db_conn *db, const investment_filter *f, int64_t limit, int64_t offset)
{
	db_stmt *s;
	int64_t total = 0;
	double sum = 0;
	int rc;
	*out = NULL;
	if ((rc = check_date("from", f->from)) < 0 || (rc = check_date("to", f->to)) < 0)
		return rc;
	str sql = STR_INIT;
	str_append(&sql, "SELECT COUNT(*), SUM(i.amount_vnd) FROM investment i");
	investment_where(&sql, f);
	if ((rc = db_prepare(&s, db, str_cstr(&sql))) == 0) {
		investment_bind(s, f);
		if ((rc = db_step(s)) == DB_ROW) {
			total = db_column_int64(s, 0);
			sum = db_column_is_null(s, 1) ? 0 : db_column_double(s, 1);
		}
		db_finalize(s);
	}
	str_clear(&sql);
	str_append(&sql, INVESTMENT_SELECT);
	investment_where(&sql, f);
	str_append(&sql, " ORDER BY i.invested_on DESC, i.id DESC LIMIT ? OFFSET ?");
	json_t *list = json_array();
	if (rc >= 0 && (rc = db_prepare(&s, db, str_cstr(&sql))) == 0) {
		int i = investment_bind(s, f);
		db_bind_int64(s, i++, limit);
		db_bind_int64(s, i, offset);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, investment_row(s));
		db_finalize(s);
	}
	str_free(&sql);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o, s:I, s:f}", "investments", list, "total", (json_int_t)total, "amount_vnd", sum);
	return 0;
}

int investment_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	const char *invested_on, *round = NULL, *instrument = NULL, *note = NULL, *fund_code = NULL;
	int64_t startup, investor, fund = 0;
	long long fund_id = 0;
	double amount;
	int has_amount, has_fund = 0, demo = 0, has_demo, rc;
	char now[TIME_ISO_SIZE];
	if ((rc = json_require_object(in, "the investment")) < 0 || (rc = get_org(&startup, db, in, "startup_id", true)) < 0 ||
	    (rc = get_org(&investor, db, in, "investor_id", false)) < 0 ||
	    (rc = get_amount(&amount, &has_amount, in, "amount_vnd", true)) < 0 ||
	    (rc = json_get_string(&invested_on, in, "invested_on", 1)) < 0 ||
	    (rc = json_get_string(&round, in, "round", 0)) < 0 || (rc = json_get_string(&instrument, in, "instrument", 0)) < 0 ||
	    (rc = json_get_string(&note, in, "note", 0)) < 0 || (rc = json_get_string(&fund_code, in, "fund_code", 0)) < 0 ||
	    (!json_is_null(json_object_get(in, "fund_id")) && (rc = json_get_int(&fund_id, &has_fund, in, "fund_id", 0)) < 0) ||
	    (rc = json_get_bool(&demo, &has_demo, in, "demo", 0)) < 0)
		return rc;
	if (!*invested_on)
		return err_set(ERR_INVALID, "'invested_on' is empty");
	if ((rc = check_date("invested_on", invested_on)) < 0 || (rc = check_text("note", note, TEXT_MAX, false)) < 0)
		return rc;
	if (opt(round) && !in_list(rounds, round))
		return err_set(ERR_INVALID, "'round' must be one of pre_seed, seed, series_a, series_b, series_c, grant, other");
	if (opt(instrument) && !in_list(instruments, instrument))
		return err_set(ERR_INVALID, "'instrument' must be one of equity, convertible, loan, grant, other");
	if (opt(fund_code)) {
		if ((rc = db_run(db, &fund, "SELECT id FROM fund WHERE code = ?", "t", fund_code)) < 0)
			return rc;
		if (!fund)
			return err_set(ERR_INVALID, "'fund_code': no fund with code '%s'", fund_code);
	} else if (has_fund) {
		int64_t n = 0;
		if ((rc = db_run(db, &n, "SELECT COUNT(*) FROM fund WHERE id = ?", "i", (int64_t)fund_id)) < 0)
			return rc;
		if (!n)
			return err_set(ERR_INVALID, "'fund_id': no fund with id %lld", fund_id);
		fund = fund_id;
	}
	if (!fund && !investor)
		return err_set(ERR_INVALID, "an investment comes from a fund (fund_id or fund_code) or an investor (investor_id)");
	if (investor == startup)
		return err_set(ERR_INVALID, "'investor_id': a start-up does not invest in itself");
	time_now_iso(now);
	if ((rc = db_run(db, out_id, "INSERT INTO investment (startup_id, amount_vnd, invested_on, round, instrument, note, demo, "
				    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", "idttttit", startup, amount,
		     invested_on, opt(round), opt(instrument), opt(note), (int64_t)(demo ? 1 : 0), now)) < 0 ||
	    (fund && (rc = db_run(db, NULL, "UPDATE investment SET fund_id = ? WHERE id = ?", "ii", fund, *out_id)) < 0) ||
	    (investor && (rc = db_run(db, NULL, "UPDATE investment SET investor_id = ? WHERE id = ?", "ii", investor, *out_id)) < 0))
		return rc;
	json_t *after;
	if ((rc = investment_get(&after, db, *out_id)) < 0)
		return rc;
	return audit_append_id(db, who, "create", "investment", *out_id, NULL, after);
}

/* An investment, then the indicators computed from investments. */
static int investment_insert_counted(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	int rc = investment_insert(out_id, db, who, in);
	return rc < 0 ? rc : registry_refresh_for(db, "investment");
}

int investment_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	DB_IN_WRITE(db, investment_insert_counted(out_id, db, who, in));
}

/* ---------------------------------------------------- investments in CSV */

static const char *const inv_columns[] = { "fund_code", "investor", "startup", "amount_vnd", "invested_on", "round",
	"instrument", "note" };
#define N_INV ((int)(sizeof(inv_columns) / sizeof(inv_columns[0])))

/* An organisation named in a cell: its id in digits or its name (case and
 * diacritics ignored, one match only). */
static int org_named(int64_t *out, db_conn *db, const char *column, const char *name)
{
	char *folded = NULL;
	int64_t n = 0;
	int rc;
	*out = 0;
	bool digits = *name != '\0';
	for (const char *p = name; *p && digits; p++)
		digits = isdigit((unsigned char)*p);
	if (digits) {
		if ((rc = db_run(db, out, "SELECT id FROM organisation WHERE id = ?", "i", (int64_t)strtoll(name, NULL, 10))) < 0)
			return rc;
		return *out ? 0 : err_set(ERR_INVALID, "%s: no organisation with id %s", column, name);
	}
	if ((rc = vn_fold(&folded, name, strlen(name))) < 0)
		return rc;
	if ((rc = db_run(db, &n, "SELECT COUNT(*) FROM organisation WHERE name_folded = ? AND status <> 'merged'", "t", folded)) == 0 &&
	    n == 1)
		rc = db_run(db, out, "SELECT id FROM organisation WHERE name_folded = ? AND status <> 'merged'", "t", folded);
	free(folded);
	if (rc < 0)
		return rc;
	if (n == 0)
		return err_set(ERR_INVALID, "%s: no organisation named '%s'", column, name);
	if (n > 1)
		return err_set(ERR_INVALID, "%s: %lld organisations are named '%s'; give the id instead", column, (long long)n, name);
	return 0;
}

static int inv_row_json(json_t **out, db_conn *db, const csv_record *rec, const int *col)
{
	json_t *o = json_object();
	int rc = 0;
	*out = NULL;
	for (int c = 0; c < N_INV && rc == 0; c++) {
		const char *v = col[c] >= 0 && col[c] < rec->n ? rec->f[col[c]] : "";
		if (!*v)
			continue;
		if (c == 1 || c == 2) {
			int64_t org;
			if ((rc = org_named(&org, db, inv_columns[c], v)) == 0)
				json_object_set_new(o, c == 1 ? "investor_id" : "startup_id", json_integer(org));
		} else if (c == 3) {
			char *end;
			double x = strtod(v, &end);
			if (end == v || *end)
				rc = err_set(ERR_INVALID, "amount_vnd: '%s' is not a number (write 1500000000, without separators)", v);
			else
				json_object_set_new(o, "amount_vnd", json_real(x));
		} else {
			json_object_set_new(o, inv_columns[c], json_string(v));
		}
	}
	if (rc == 0 && !json_object_get(o, "startup_id"))
		rc = err_set(ERR_INVALID, "startup: the start-up invested in is missing");
	if (rc == 0 && !json_object_get(o, "amount_vnd"))
		rc = err_set(ERR_INVALID, "amount_vnd: the amount is missing");
	if (rc == 0 && !json_object_get(o, "invested_on"))
		rc = err_set(ERR_INVALID, "invested_on: the date is missing");
	if (rc == 0 && (rc = json_nfc(o)) == 0) {
		*out = o;
		return 0;
	}
	json_decref(o);
	return rc;
}

static int inv_import_rows(investment_import_result *r, db_conn *db, const principal *who, table_reader *rd, int width,
	const int *col)
{
	csv_record rec;
	int rc;
	while ((rc = table_read(rd, &rec)) == 1) {
		json_t *row = NULL;
		int64_t id;
		r->total++;
		if (csv_check_width(&rec, width) < 0)
			rc = ERR_INVALID;
		else if ((rc = inv_row_json(&row, db, &rec, col)) == 0 && (rc = investment_insert(&id, db, who, row)) == 0)
			r->created++;
		json_decref(row);
		if (rc == ERR_INVALID)
			json_array_append_new(r->bad, json_err_detail(json_pack("{s:i}", "line", rec.line)));
		else if (rc < 0)
			return rc;
	}
	return rc < 0 ? rc : 0;
}

int investment_import(investment_import_result *r, db_conn *db, const principal *who, const char *csv, size_t len,
	bool dry_run)
{
	table_reader rd;
	csv_record h;
	int col[N_INV], rc;
	memset(r, 0, sizeof(*r));
	r->bad = json_array();
	if ((rc = table_open(&rd, csv, len)) < 0 || (rc = table_read(&rd, &h)) <= 0) {
		table_free(&rd);
		return rc < 0 ? rc : err_set(ERR_INVALID, "the file is empty (a header row fund_code,investor,startup,... is needed)");
	}
	for (int c = 0; c < N_INV; c++) {
		col[c] = -1;
		for (int i = 0; i < h.n; i++)
			if (strcasecmp(h.f[i], inv_columns[c]) == 0)
				col[c] = i;
	}
	int width = h.n;
	if (col[2] < 0 || col[3] < 0 || col[4] < 0) {
		table_free(&rd);
		return err_set(ERR_INVALID, "line 1: the header needs the columns startup, amount_vnd and invested_on");
	}
	if ((rc = db_begin_write(db)) < 0) {
		table_free(&rd);
		return rc;
	}
	rc = inv_import_rows(r, db, who, &rd, width, col);
	table_free(&rd);
	if (rc == 0 && json_array_size(r->bad))
		rc = err_set(ERR_INVALID, "%zu of %d rows are wrong; nothing was saved", json_array_size(r->bad), r->total);
	if (rc == 0 && !dry_run)
		rc = registry_refresh_for(db, "investment");
	if (rc < 0 || dry_run) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

int investment_export(char **out, size_t *len, db_conn *db)
{
	investment_filter f = { 0 };
	json_t *list, *x;
	size_t i;
	int rc = investment_list(&list, db, &f, INT64_MAX, 0);
	if (rc < 0)
		return rc;
	str s = STR_INIT;
	for (int c = 0; c < N_INV; c++) {
		if (c)
			str_appendc(&s, ',');
		str_append(&s, inv_columns[c]);
	}
	str_append(&s, "\r\n");
	json_array_foreach(json_object_get(list, "investments"), i, x) {
		const json_t *fund = json_object_get(x, "fund"), *inv = json_object_get(x, "investor");
		csv_append_field(&s, fund ? json_string_value(json_object_get(fund, "code")) : "");
		str_appendc(&s, ',');
		csv_append_field(&s, inv ? json_string_value(json_object_get(inv, "name")) : "");
		str_appendc(&s, ',');
		csv_append_field(&s, json_string_value(json_object_get(json_object_get(x, "startup"), "name")));
		str_appendf(&s, ",%.0f,", json_real_value(json_object_get(x, "amount_vnd")));
		csv_append_field(&s, json_string_value(json_object_get(x, "invested_on")));
		for (int c = 5; c < N_INV; c++) {
			const char *v = json_string_value(json_object_get(x, inv_columns[c]));
			str_appendc(&s, ',');
			csv_append_field(&s, v ? v : "");
		}
		str_append(&s, "\r\n");
	}
	json_decref(list);
	if (str_oom(&s)) {
		str_free(&s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	*len = s.len;
	*out = str_detach(&s);
	return 0;
}

/* ---------------------------------------------------- support programmes */

int support_id_by_code(int64_t *out, db_conn *db, const char *code)
{
	int rc = db_run(db, out, "SELECT id FROM support_programme WHERE code = ?", "t", code);
	if (rc == 0 && !*out)
		return err_set(ERR_NOTFOUND, "no support programme with code '%s'", code);
	return rc;
}

#define SUPPORT_SELECT \
	"SELECT p.id, p.code, p.name, p.description, p.starts_on, p.ends_on, p.demo, o.id, o.name, o.kind, n.id, n.code, " \
	"n.name, (SELECT COUNT(*) FROM support_recipient r WHERE r.programme_id = p.id) FROM support_programme p " \
	"LEFT JOIN organisation o ON o.id = p.provider_id LEFT JOIN network n ON n.id = p.network_id"

static json_t *support_row(db_stmt *s)
{
	json_t *p = json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:b, s:o, s:I}", "id", (json_int_t)db_column_int64(s, 0), "code",
		db_column_text(s, 1), "name", db_column_text(s, 2), "description", text_or_null(s, 3), "starts_on",
		text_or_null(s, 4), "ends_on", text_or_null(s, 5), "demo", db_column_int64(s, 6) != 0, "provider",
		org_ref(s, 7), "n_recipients", (json_int_t)db_column_int64(s, 13));
	json_object_set_new(p, "network", db_column_is_null(s, 10) ? json_null()
		: json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_column_int64(s, 10), "code", db_column_text(s, 11), "name",
			  db_column_text(s, 12)));
	return p;
}

int support_get(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *p = NULL, *list;
	int rc = db_prepare(&s, db, SUPPORT_SELECT " WHERE p.id = ?");
	*out = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW)
		p = support_row(s);
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!p)
		return err_set(ERR_NOTFOUND, "no support programme with id %lld", (long long)id);
	list = json_array();
	if ((rc = db_prepare(&s, db, "SELECT o.id, o.name, o.kind, r.support, r.since FROM support_recipient r "
				    "JOIN organisation o ON o.id = r.organisation_id WHERE r.programme_id = ? "
				    "ORDER BY r.since, o.name")) == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:o, s:o}", "organisation_id",
				(json_int_t)db_column_int64(s, 0), "name", db_column_text(s, 1), "kind", db_column_text(s, 2),
				"support", text_or_null(s, 3), "since", text_or_null(s, 4)));
		db_finalize(s);
	}
	json_object_set_new(p, "recipients", list);
	if (rc < 0) {
		json_decref(p);
		return rc;
	}
	*out = p;
	return 0;
}

int support_list(json_t **out, db_conn *db, int64_t limit, int64_t offset)
{
	db_stmt *s;
	int64_t total = 0;
	json_t *list = json_array();
	int rc = db_run(db, &total, "SELECT COUNT(*) FROM support_programme", "");
	*out = NULL;
	if (rc == 0 && (rc = db_prepare(&s, db, SUPPORT_SELECT " ORDER BY p.starts_on DESC, p.code LIMIT ? OFFSET ?")) == 0) {
		db_bind_int64(s, 1, limit);
		db_bind_int64(s, 2, offset);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, support_row(s));
		db_finalize(s);
	}
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o, s:I}", "support_programmes", list, "total", (json_int_t)total);
	return 0;
}

static int recipient_insert(db_conn *db, int64_t id, const json_t *in)
{
	int64_t org, twice = 0;
	const char *support = NULL, *since = NULL;
	int rc;
	if (!json_is_object(in))
		return err_set(ERR_INVALID, "a recipient must be {organisation_id, support, since}");
	if ((rc = get_org(&org, db, in, "organisation_id", true)) < 0 || (rc = json_get_string(&support, in, "support", 0)) < 0 ||
	    (rc = json_get_string(&since, in, "since", 0)) < 0 || (rc = check_date("since", since)) < 0 ||
	    (rc = check_text("support", support, NAME_MAX_BYTES, false)) < 0)
		return rc;
	if ((rc = db_run(db, &twice, "SELECT COUNT(*) FROM support_recipient WHERE programme_id = ? AND organisation_id = ?",
		     "ii", id, org)) < 0)
		return rc;
	if (twice)
		return err_set(ERR_CONFLICT, "organisation %lld is a recipient already", (long long)org);
	return db_run(db, NULL, "INSERT INTO support_recipient (programme_id, organisation_id, support, since) VALUES (?, ?, ?, ?)",
		"iitt", id, org, opt(support), opt(since));
}

int support_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	const char *code, *name, *description = NULL, *starts_on = NULL, *ends_on = NULL;
	int64_t provider, used = 0, network = 0;
	long long network_id = 0;
	int has_network = 0, demo = 0, has_demo, rc;
	char now[TIME_ISO_SIZE];
	if ((rc = json_require_object(in, "the support programme")) < 0 || (rc = json_get_string(&code, in, "code", 1)) < 0 ||
	    (rc = json_get_string(&name, in, "name", 1)) < 0 || (rc = json_get_string(&description, in, "description", 0)) < 0 ||
	    (rc = json_get_string(&starts_on, in, "starts_on", 0)) < 0 || (rc = json_get_string(&ends_on, in, "ends_on", 0)) < 0 ||
	    (rc = get_org(&provider, db, in, "provider_id", false)) < 0 ||
	    (!json_is_null(json_object_get(in, "network_id")) &&
	     (rc = json_get_int(&network_id, &has_network, in, "network_id", 0)) < 0) ||
	    (rc = json_get_bool(&demo, &has_demo, in, "demo", 0)) < 0)
		return rc;
	if ((rc = check_code(code)) < 0 || (rc = check_text("name", name, NAME_MAX_BYTES, true)) < 0 ||
	    (rc = check_text("description", description, TEXT_MAX, false)) < 0 || (rc = check_date("starts_on", starts_on)) < 0 ||
	    (rc = check_date("ends_on", ends_on)) < 0)
		return rc;
	if (has_network) {
		if ((rc = db_run(db, &network, "SELECT id FROM network WHERE id = ?", "i", (int64_t)network_id)) < 0)
			return rc;
		if (!network)
			return err_set(ERR_INVALID, "'network_id': no network with id %lld", network_id);
	}
	if ((rc = db_run(db, &used, "SELECT COUNT(*) FROM support_programme WHERE code = ?", "t", code)) < 0)
		return rc;
	if (used)
		return err_set(ERR_CONFLICT, "a support programme with code '%s' exists already", code);
	time_now_iso(now);
	if ((rc = db_run(db, out_id, "INSERT INTO support_programme (code, name, description, starts_on, ends_on, demo, "
				    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id", "tttttit", code, name,
		     opt(description), opt(starts_on), opt(ends_on), (int64_t)(demo ? 1 : 0), now)) < 0 ||
	    (provider && (rc = db_run(db, NULL, "UPDATE support_programme SET provider_id = ? WHERE id = ?", "ii", provider,
				  *out_id)) < 0) ||
	    (network && (rc = db_run(db, NULL, "UPDATE support_programme SET network_id = ? WHERE id = ?", "ii", network,
				 *out_id)) < 0))
		return rc;
	const json_t *recipients = json_object_get(in, "recipients"), *r;
	size_t i;
	if (recipients && !json_is_array(recipients))
		return err_set(ERR_INVALID, "'recipients' must be an array of {organisation_id, support, since}");
	json_array_foreach(recipients, i, r) {
		if ((rc = recipient_insert(db, *out_id, r)) == ERR_INVALID || rc == ERR_CONFLICT)
			return err_set(ERR_INVALID, "recipients[%zu]: %s", i, err_msg());
		if (rc < 0)
			return rc;
	}
	json_t *after;
	if ((rc = support_get(&after, db, *out_id)) < 0)
		return rc;
	return audit_append_id(db, who, "create", "support_programme", *out_id, NULL, after);
}

int support_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	DB_IN_WRITE(db, support_insert(out_id, db, who, in));
}

static int recipient_add_in(db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	json_t *before, *after;
	int rc;
	if ((rc = support_get(&before, db, id)) < 0)
		return rc;
	if ((rc = recipient_insert(db, id, in)) < 0 || (rc = support_get(&after, db, id)) < 0) {
		json_decref(before);
		return rc;
	}
	return audit_append_id(db, who, "add_recipient", "support_programme", id, before, after);
}

int support_recipient_add(db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	DB_IN_WRITE(db, recipient_add_in(db, who, id, in));
}

/* ------------------------------------------------------ commercialisation */

static const char *const comm_statuses[] = { "announced", "in_progress", "on_market", "stopped", NULL };

#define COMM_SELECT \
	"SELECT c.id, c.title, c.announced_on, c.status, c.value_vnd, c.description, c.demo, o.id, o.name, o.kind, " \
	"p.id, p.name, p.kind FROM commercialisation c LEFT JOIN organisation o ON o.id = c.organisation_id " \
	"LEFT JOIN organisation p ON p.id = c.partner_id"

static json_t *comm_row(db_stmt *s)
{
	return json_pack("{s:I, s:s, s:o, s:s, s:o, s:o, s:b, s:o, s:o}", "id", (json_int_t)db_column_int64(s, 0), "title",
		db_column_text(s, 1), "announced_on", text_or_null(s, 2), "status", db_column_text(s, 3), "value_vnd",
		amount_or_null(s, 4), "description", text_or_null(s, 5), "demo", db_column_int64(s, 6) != 0, "owner",
		org_ref(s, 7), "partner", org_ref(s, 10));
}

int commercialisation_get(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, COMM_SELECT " WHERE c.id = ?");
	*out = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW)
		*out = comm_row(s);
	db_finalize(s);
	if (rc < 0)
		return rc;
	return *out ? 0 : err_set(ERR_NOTFOUND, "no commercialisation project with id %lld", (long long)id);
}

int commercialisation_list(json_t **out, db_conn *db, const char *status, int64_t limit, int64_t offset)
{
	db_stmt *s;
	int64_t total = 0;
	int rc;
	*out = NULL;
	if (status && !in_list(comm_statuses, status))
		return err_set(ERR_INVALID, "'status' must be one of announced, in_progress, on_market, stopped");
	rc = status ? db_run(db, &total, "SELECT COUNT(*) FROM commercialisation WHERE status = ?", "t", status)
		    : db_run(db, &total, "SELECT COUNT(*) FROM commercialisation", "");
	json_t *list = json_array();
	if (rc == 0 && (rc = db_prepare(&s, db, status ? COMM_SELECT " WHERE c.status = ? ORDER BY c.announced_on DESC, c.id DESC LIMIT ? OFFSET ?"
						   : COMM_SELECT " ORDER BY c.announced_on DESC, c.id DESC LIMIT ? OFFSET ?")) == 0) {
		int i = 1;
		if (status)
			db_bind_text(s, i++, status);
		db_bind_int64(s, i++, limit);
		db_bind_int64(s, i, offset);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, comm_row(s));
		db_finalize(s);
	}
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o, s:I}", "commercialisations", list, "total", (json_int_t)total);
	return 0;
}

int commercialisation_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	const char *title, *announced_on = NULL, *status = NULL, *description = NULL;
	int64_t owner, partner;
	double value;
	int has_value, demo = 0, has_demo, rc;
	char now[TIME_ISO_SIZE];
	if ((rc = json_require_object(in, "the commercialisation project")) < 0 ||
	    (rc = json_get_string(&title, in, "title", 1)) < 0 || (rc = json_get_string(&announced_on, in, "announced_on", 0)) < 0 ||
	    (rc = json_get_string(&status, in, "status", 0)) < 0 || (rc = json_get_string(&description, in, "description", 0)) < 0 ||
	    (rc = get_org(&owner, db, in, "organisation_id", false)) < 0 || (rc = get_org(&partner, db, in, "partner_id", false)) < 0 ||
	    (rc = get_amount(&value, &has_value, in, "value_vnd", false)) < 0 ||
	    (rc = json_get_bool(&demo, &has_demo, in, "demo", 0)) < 0)
		return rc;
	if ((rc = check_text("title", title, NAME_MAX_BYTES, true)) < 0 ||
	    (rc = check_text("description", description, TEXT_MAX, false)) < 0 || (rc = check_date("announced_on", announced_on)) < 0)
		return rc;
	if (status && !in_list(comm_statuses, status))
		return err_set(ERR_INVALID, "'status' must be one of announced, in_progress, on_market, stopped");
	time_now_iso(now);
	if ((rc = db_run(db, out_id, "INSERT INTO commercialisation (title, announced_on, status, description, demo, created_at) "
				    "VALUES (?, ?, ?, ?, ?, ?) RETURNING id", "ttttit", title, opt(announced_on),
		     status ? status : "announced", opt(description), (int64_t)(demo ? 1 : 0), now)) < 0 ||
	    (owner && (rc = db_run(db, NULL, "UPDATE commercialisation SET organisation_id = ? WHERE id = ?", "ii", owner, *out_id)) < 0) ||
	    (partner && (rc = db_run(db, NULL, "UPDATE commercialisation SET partner_id = ? WHERE id = ?", "ii", partner, *out_id)) < 0) ||
	    (has_value && (rc = db_run(db, NULL, "UPDATE commercialisation SET value_vnd = ? WHERE id = ?", "di", value, *out_id)) < 0))
		return rc;
	json_t *after;
	if ((rc = commercialisation_get(&after, db, *out_id)) < 0)
		return rc;
	return audit_append_id(db, who, "create", "commercialisation", *out_id, NULL, after);
}

int commercialisation_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	DB_IN_WRITE(db, commercialisation_insert(out_id, db, who, in));
}
