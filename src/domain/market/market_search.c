/* market_search: the published listings in a search/search.h index, kept
 * live (market_search.h), and the search answer with its facets and
 * highlights. The index holds what anyone may read: published listings
 * that have not expired, a summary_only problem without its description,
 * and no private problem at all. */
#include "domain/market/market_search.h"
#include "domain/market/listing.h"
#include "search/search.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/json.h"
#include "util/period.h"
#include "util/str.h"
#include "util/time.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_TITLE, F_SUMMARY, F_DESCRIPTION, N_TEXT };
/* "unit" holds every unit above the owner organisation's (a subtree
 * filter), "day" the day of first publication (saved searches). */
enum { FACET_KIND, FACET_SECTOR, FACET_TRL, FACET_ORG, FACET_COMMUNE, FACET_TRANSFER, FACET_UNIT, FACET_DAY, N_FACETS };
static const char *const facet_names[N_FACETS] = { "kind", "sector", "trl", "organisation", "commune", "transfer_type",
	"unit", "day" };
#define FACETS_SHOWN 6          /* the first six are answered */
#define FACET_VALUES_MAX 30     /* values answered for organisation and commune */
#define MAX_VALUES 32           /* of one filter */
#define MAX_PATH 16             /* units above an organisation */
#define MAX_DAYS 400            /* of a published_since filter */

/* One build of the index; queries hold a reference while they use it, so
 * that a rebuild (the day turned, organisations moved) can replace it. */
typedef struct held {
	int refs;
	search_index *ix;
	int64_t generation;      /* listing_generation read into it */
	int64_t org_generation;  /* organisation_generation when built */
	char day[11];            /* the day (Viet Nam) it was built for */
} held;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static held *current;

/* ------------------------------------------------------------- loading */

#define ROW_SQL \
	"SELECT l.id, l.kind, l.status, l.title, l.summary, l.description, l.sector, l.trl, l.organisation_id, " \
	"l.transfer_types, l.confidentiality, l.published_at, l.expires_on, o.unit_id, u.path, l.context, " \
	"l.expected_result, l.expert_name, l.expert_fields, l.expert_record FROM listing l " \
	"LEFT JOIN organisation o ON o.id = l.organisation_id LEFT JOIN unit u ON u.id = o.unit_id "

static void today_vn(char out[11])
{
	struct tm tm;
	time_vn_tm(&tm, time_now());
	date_format_iso((date_ymd){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday }, out);
}

static const char *text_of(db_stmt *s, int col)
{
	const char *t = db_column_text(s, col);
	return t ? t : "";
}

/* Whether the row may be found by anyone. */
static bool public_row(db_stmt *s, const char *today)
{
	const char *expires = db_column_text(s, 12);
	if (strcmp(text_of(s, 2), "published") != 0 || (expires && strcmp(expires, today) < 0))
		return false;
	return !(strcmp(text_of(s, 1), "problem") == 0 && strcmp(text_of(s, 10), "private") == 0);
}

/* Splits list at sep in place into out (at most max values). */
static int split(const char **out, int max, char *list, char sep)
{
	int n = 0;
	for (char *p = list; *p && n < max;) {
		char *end = strchr(p, sep);
		if (end)
			*end = '\0';
		if (*p)
			out[n++] = p;
		if (!end)
			break;
		p = end + 1;
	}
	return n;
}

static void append_part(str *s, db_stmt *s_row, int col)
{
	const char *t = db_column_text(s_row, col);
	if (t && *t) {
		if (s->len)
			str_append(s, "\n");
		str_append(s, t);
	}
}

/* Puts the listing of the current row into ix, or removes it when it may
 * not be found. */
static int put_row(search_index *ix, db_stmt *s, const char *today)
{
	int64_t id = db_column_int64(s, 0);
	if (!public_row(s, today)) {
		if (search_remove(ix, id) == ERR_NOTFOUND)
			err_clear();
		return 0;
	}
	char trl[4] = "", org[24] = "", commune[24] = "", day[11] = "", transfers[256], path[256];
	const char *kind = text_of(s, 1), *sector = text_of(s, 6);
	const char *v_transfer[8], *v_unit[MAX_PATH];
	search_doc doc = { 0 };
	str description = STR_INIT;
	bool summary_only = strcmp(kind, "problem") == 0 && strcmp(text_of(s, 10), "summary_only") == 0;
	doc.text[F_TITLE] = text_of(s, 3);
	doc.text[F_SUMMARY] = db_column_text(s, 4);
	/* the description, context, expected result and an expert's name,
	 * fields and record, as one text */
	static const int description_cols[] = { 5, 15, 16, 17, 18, 19 };
	for (size_t i = 0; !summary_only && i < sizeof(description_cols) / sizeof(description_cols[0]); i++)
		append_part(&description, s, description_cols[i]);
	doc.text[F_DESCRIPTION] = description.len ? str_cstr(&description) : NULL;
	if (!db_column_is_null(s, 7))
		snprintf(trl, sizeof(trl), "%lld", (long long)db_column_int64(s, 7));
	if (!db_column_is_null(s, 8))
		snprintf(org, sizeof(org), "%lld", (long long)db_column_int64(s, 8));
	if (!db_column_is_null(s, 13))
		snprintf(commune, sizeof(commune), "%lld", (long long)db_column_int64(s, 13));
	snprintf(day, sizeof(day), "%.10s", text_of(s, 11));
	snprintf(transfers, sizeof(transfers), "%s", text_of(s, 9));
	snprintf(path, sizeof(path), "%s", text_of(s, 14));
	const char *one[N_FACETS] = { kind, sector, trl, org, commune, NULL, NULL, day };
	for (int f = 0; f < N_FACETS; f++)
		if (one[f] && *one[f]) {
			doc.facet[f] = &one[f];
			doc.n_facet[f] = 1;
		}
	doc.facet[FACET_TRANSFER] = v_transfer;
	doc.n_facet[FACET_TRANSFER] = split(v_transfer, 8, transfers, ',');
	doc.facet[FACET_UNIT] = v_unit;
	doc.n_facet[FACET_UNIT] = split(v_unit, MAX_PATH, path, '/');
	int rc = str_oom(&description) ? err_set(ERR_NOMEM, "out of memory") : search_put(ix, id, &doc);
	str_free(&description);
	return rc;
}

/* Puts every row of sql (one text parameter when param is not NULL, else
 * one integer) into ix. */
static int load_rows(search_index *ix, db_conn *db, const char *sql, const char *param, int64_t n, const char *today)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, sql);
	if (rc < 0)
		return rc;
	if (param)
		db_bind_text(s, 1, param);
	else
		db_bind_int64(s, 1, n);
	while ((rc = db_step(s)) == DB_ROW)
		if ((rc = put_row(ix, s, today)) < 0)
			break;
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static search_index *index_new(void)
{
	search_schema schema = { .n_text = N_TEXT, .n_facets = N_FACETS };
	schema.text[F_TITLE] = (search_text_field){ "title", 3.0, true };
	schema.text[F_SUMMARY] = (search_text_field){ "summary", 2.0, true };
	schema.text[F_DESCRIPTION] = (search_text_field){ "description", 1.0, false };
	for (int f = 0; f < N_FACETS; f++)
		schema.facet[f] = facet_names[f];
	return search_index_new(&schema);
}

static void held_release(held *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&lock);
	bool last = --h->refs == 0;
	pthread_mutex_unlock(&lock);
	if (last) {
		search_index_free(h->ix);
		free(h);
	}
}

static int generations(int64_t *listings, int64_t *organisations, db_conn *db)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT (SELECT n FROM listing_generation WHERE id = 1), "
				    "(SELECT n FROM organisation_generation WHERE id = 1)");
	if (rc < 0)
		return rc;
	if ((rc = db_step(s)) == DB_ROW) {
		*listings = db_column_int64(s, 0);
		*organisations = db_column_int64(s, 1);
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* The whole index read again (called with lock held). */
static int rebuild(db_conn *db, int64_t gen, int64_t org_gen, const char *today)
{
	held *h = calloc(1, sizeof(*h));
	int rc;
	if (!h || !(h->ix = index_new())) {
		free(h);
		return err_set(ERR_NOMEM, "out of memory");
	}
	if ((rc = load_rows(h->ix, db, ROW_SQL "WHERE l.status = 'published' AND (l.expires_on IS NULL OR l.expires_on >= ?) "
				       "ORDER BY l.id", today, 0, today)) < 0) {
		search_index_free(h->ix);
		free(h);
		return rc;
	}
	h->refs = 1;   /* the cache's own */
	h->generation = gen;
	h->org_generation = org_gen;
	snprintf(h->day, sizeof(h->day), "%s", today);
	if (current && --current->refs == 0) {
		search_index_free(current->ix);
		free(current);
	}
	current = h;
	return 0;
}

/* The current index, caught up with every listing change committed
 * before the call; the caller releases it (held_release). */
static int held_acquire(held **out, db_conn *db)
{
	int64_t gen = 0, org_gen = 0;
	char today[11];
	int rc;
	*out = NULL;
	today_vn(today);
	if ((rc = generations(&gen, &org_gen, db)) < 0)
		return rc;
	pthread_mutex_lock(&lock);
	if (!current || strcmp(current->day, today) != 0 || current->org_generation != org_gen)
		rc = rebuild(db, gen, org_gen, today);
	else if (gen > current->generation &&
		 (rc = load_rows(current->ix, db, ROW_SQL "WHERE l.generation > ? ORDER BY l.id", NULL, current->generation,
			  today)) == 0)
		current->generation = gen;
	if (rc == 0) {
		current->refs++;
		*out = current;
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

int market_search_changed(db_conn *db, int64_t listing_id)
{
	held *h;
	(void)listing_id;   /* read with every other change since the last one */
	int rc = held_acquire(&h, db);
	held_release(h);
	return rc;
}

/* ------------------------------------------------------------- filters */

typedef struct filters {
	search_filter v[N_FACETS];
	int n;
	const char *values[N_FACETS][MAX_VALUES];
	char unit[24];
	const char *unit_value;
	const char *days;        /* the day filter's values live here */
} filters;

static bool one_of(const char *const *list, const char *v)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(list[i], v) == 0)
			return true;
	return false;
}

static bool positive_integer(const char *v, int max_digits)
{
	size_t n = strlen(v);
	if (n == 0 || (int)n > max_digits || v[0] == '0')
		return false;
	return strspn(v, "0123456789") == n;
}

/* Checks value of the filter named name. */
static int check_value(int facet, const char *value)
{
	static const char *const trls[] = { "1", "2", "3", "4", "5", "6", "7", "8", "9", NULL };
	switch (facet) {
	case FACET_KIND:
		if (!one_of(listing_kinds, value))
			return err_set(ERR_INVALID, "'%s': '%s' is not one of %s", "kind", value, "offer, problem, expert");
		break;
	case FACET_TRL:
		if (!one_of(trls, value))
			return err_set(ERR_INVALID, "'%s': '%s' is not one of %s", "trl", value, "1, 2, 3, 4, 5, 6, 7, 8, 9");
		break;
	case FACET_ORG:
		if (!positive_integer(value, 18))
			return err_set(ERR_INVALID, "'%s': '%s' is not an id", "organisation_id", value);
		break;
	case FACET_TRANSFER:
		if (!one_of(listing_transfer_types, value))
			return err_set(ERR_INVALID, "'%s': '%s' is not one of %s", "transfer_type", value,
				"full_assignment, partial_assignment, exclusive_licence, non_exclusive_licence, sublicence, "
				"licence_with_service");
		break;
	default:
		break;
	}
	return 0;
}

/* Adds the filter on facet from a comma-separated list (copied into a). */
static int add_filter(filters *f, arena *a, int facet, const char *list)
{
	if (!list || !*list)
		return 0;
	char *copy = arena_strdup(a, list);
	if (!copy)
		return err_set(ERR_NOMEM, "out of memory");
	int n = split(f->values[facet], MAX_VALUES, copy, ','), rc;
	for (int i = 0; i < n; i++) {
		/* "offer, expert" as typed by hand */
		while (*f->values[facet][i] == ' ')
			f->values[facet][i]++;
		if ((rc = check_value(facet, f->values[facet][i])) < 0)
			return rc;
	}
	if (n > 0)
		f->v[f->n++] = (search_filter){ facet, f->values[facet], n };
	return 0;
}

/* Every day from since (YYYY-MM-DD) to today (UTC, as published_at), at
 * most MAX_DAYS of them; 1 when since is after today (nothing matches). */
static int add_days(filters *f, arena *a, const char *since)
{
	date_ymd from, to;
	char now[TIME_ISO_SIZE];
	time_now_iso(now);
	if (date_parse(&from, since, strnlen(since, 10)) < 0 || date_parse(&to, now, 10) < 0)
		return -1;   /* the caller's own dates: set by date_parse */
	long first = date_to_days(from), last = date_to_days(to);
	if (last < first)
		return 1;
	if (last - first >= MAX_DAYS)
		first = last - MAX_DAYS + 1;
	int n = (int)(last - first + 1);
	const char **values = arena_alloc(a, (size_t)n * sizeof(*values));
	char *days = arena_alloc(a, (size_t)n * 11);
	if (!values || !days)
		return err_set(ERR_NOMEM, "out of memory");
	for (int i = 0; i < n; i++) {
		date_format_iso(date_from_days(first + i), days + 11 * i);
		values[i] = days + 11 * i;
	}
	f->v[f->n++] = (search_filter){ FACET_DAY, values, n };
	return 0;
}

static int filters_read(filters *f, arena *a, const market_query *q)
{
	int rc;
	memset(f, 0, sizeof(*f));
	if ((rc = add_filter(f, a, FACET_KIND, q->kind)) < 0 || (rc = add_filter(f, a, FACET_SECTOR, q->sector)) < 0 ||
	    (rc = add_filter(f, a, FACET_TRL, q->trl)) < 0 || (rc = add_filter(f, a, FACET_ORG, q->organisation_id)) < 0 ||
	    (rc = add_filter(f, a, FACET_TRANSFER, q->transfer_type)) < 0)
		return rc;
	if (q->unit_id > 0) {
		snprintf(f->unit, sizeof(f->unit), "%lld", (long long)q->unit_id);
		f->unit_value = f->unit;
		f->v[f->n++] = (search_filter){ FACET_UNIT, &f->unit_value, 1 };
	}
	return 0;
}

int market_query_check(const market_query *q)
{
	filters f;
	arena a;
	arena_init(&a, 512);
	int rc = filters_read(&f, &a, q);
	arena_free(&a);
	return rc;
}

/* ------------------------------------------------------------- answers */

/* The snippet as alternating plain and matched texts. */
static json_t *parts_of(const search_snippet *sn)
{
	json_t *parts = json_array();
	str plain = STR_INIT;
	size_t at = 0;
	if (sn->cut_start)
		str_append(&plain, "… ");
	for (int i = 0; i < sn->n_spans; i++) {
		const search_span *sp = &sn->spans[i];
		if (sp->start < at || sp->start + sp->len > sn->len)
			continue;
		str_appendn(&plain, sn->text + at, sp->start - at);
		json_array_append_new(parts, json_stringn(plain.ptr ? plain.ptr : "", plain.len));
		json_array_append_new(parts, json_stringn(sn->text + sp->start, sp->len));
		str_clear(&plain);
		at = sp->start + sp->len;
	}
	str_appendn(&plain, sn->text + at, sn->len - at);
	if (sn->cut_end)
		str_append(&plain, " …");
	json_array_append_new(parts, json_stringn(plain.ptr ? plain.ptr : "", plain.len));
	str_free(&plain);
	return parts;
}

static json_t *text_or_null(db_stmt *s, int col)
{
	const char *t = db_column_text(s, col);
	return t ? json_string(t) : json_null();
}

static json_t *list_of(const char *csv)
{
	json_t *out = json_array();
	char copy[256];
	const char *v[8];
	snprintf(copy, sizeof(copy), "%s", csv ? csv : "");
	int n = split(v, 8, copy, ',');
	for (int i = 0; i < n; i++)
		json_array_append_new(out, json_string(v[i]));
	return out;
}

#define HIT_SQL \
	"SELECT l.id, l.kind, l.title, l.summary, l.sector, l.trl, l.transfer_types, l.organisation_id, o.name, " \
	"u.id, u.code, u.name, l.published_at, l.expires_on, l.expert_name, l.price_model, l.deadline, " \
	"l.confidentiality FROM listing l LEFT JOIN organisation o ON o.id = l.organisation_id " \
	"LEFT JOIN unit u ON u.id = o.unit_id WHERE l.id IN ("

static json_t *hit_row(db_stmt *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_column_int64(s, 0)));
	json_object_set_new(o, "kind", json_string(text_of(s, 1)));
	json_object_set_new(o, "title", json_string(text_of(s, 2)));
	json_object_set_new(o, "summary", text_or_null(s, 3));
	json_object_set_new(o, "sector", text_or_null(s, 4));
	json_object_set_new(o, "trl", db_column_is_null(s, 5) ? json_null() : json_integer(db_column_int64(s, 5)));
	json_object_set_new(o, "transfer_types", list_of(db_column_text(s, 6)));
	json_object_set_new(o, "organisation", db_column_is_null(s, 7) ? json_null()
		: json_pack("{s:I, s:s}", "id", (json_int_t)db_column_int64(s, 7), "name", text_of(s, 8)));
	json_object_set_new(o, "unit", db_column_is_null(s, 9) ? json_null()
		: json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_column_int64(s, 9), "code", text_of(s, 10), "name",
			text_of(s, 11)));
	json_object_set_new(o, "published_at", text_or_null(s, 12));
	json_object_set_new(o, "expires_on", text_or_null(s, 13));
	json_object_set_new(o, "expert_name", text_or_null(s, 14));
	json_object_set_new(o, "price_model", text_or_null(s, 15));
	json_object_set_new(o, "deadline", text_or_null(s, 16));
	json_object_set_new(o, "confidentiality", text_or_null(s, 17));
	return o;
}

int market_search__rows(json_t **slots, db_conn *db, const int64_t *ids, int n)
{
	str sql = STR_INIT;
	db_stmt *s;
	int rc;
	if (n == 0)
		return 0;
	str_append(&sql, HIT_SQL);
	for (int i = 0; i < n; i++)
		str_append(&sql, i ? ", ?" : "?");
	str_append(&sql, ")");
	rc = str_oom(&sql) ? err_set(ERR_NOMEM, "out of memory") : db_prepare(&s, db, sql.ptr);
	str_free(&sql);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++)
		db_bind_int64(s, i + 1, ids[i]);
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t id = db_column_int64(s, 0);
		for (int i = 0; i < n; i++)
			if (ids[i] == id && !slots[i]) {
				slots[i] = hit_row(s);
				break;
			}
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static int hits_json(json_t *out, db_conn *db, const search_result *r)
{
	int64_t *ids = calloc((size_t)r->n_hits + 1, sizeof(*ids));
	json_t **slots = calloc((size_t)r->n_hits + 1, sizeof(*slots));
	int rc = 0;
	if (!ids || !slots)
		rc = err_set(ERR_NOMEM, "out of memory");
	for (int i = 0; rc == 0 && i < r->n_hits; i++)
		ids[i] = r->hits[i].doc_id;
	if (rc == 0)
		rc = market_search__rows(slots, db, ids, r->n_hits);
	for (int i = 0; rc == 0 && i < r->n_hits; i++) {
		if (!slots[i])
			continue;
		const search_hit *h = &r->hits[i];
		json_t *highlight = json_object();
		for (int k = 0; k < h->n_snippets; k++)
			json_object_set_new(highlight, h->snippets[k].field == F_TITLE ? "title" : "summary",
				parts_of(&h->snippets[k]));
		json_object_set_new(slots[i], "score", json_real(json_round_significant(h->score, 4)));
		json_object_set_new(slots[i], "highlight", highlight);
		json_array_append_new(out, slots[i]);
		slots[i] = NULL;
	}
	for (int i = 0; slots && i < r->n_hits; i++)
		json_decref(slots[i]);
	free(ids);
	free(slots);
	return rc;
}

/* Names of the facet values: sectors, organisations, units. */
static int name_values(json_t *values, db_conn *db, const char *sql, bool by_id)
{
	size_t i;
	json_t *v;
	db_stmt *s;
	int rc = db_prepare(&s, db, sql);
	if (rc < 0)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		const char *key = db_column_text(s, 0);
		char id[24];
		if (by_id) {
			snprintf(id, sizeof(id), "%lld", (long long)db_column_int64(s, 0));
			key = id;
		}
		json_array_foreach(values, i, v) {
			if (strcmp(json_string_value(json_object_get(v, "value")), key) != 0)
				continue;
			json_object_set_new(v, "name", json_string(text_of(s, 1)));
			if (db_column_count(s) > 2)
				json_object_set_new(v, by_id ? "code" : "name_en", json_string(text_of(s, 2)));
		}
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static int facets_json(json_t *out, db_conn *db, const search_result *r)
{
	int rc = 0;
	for (int k = 0; rc == 0 && k < r->n_facets; k++) {
		const search_facet_counts *fc = &r->facets[k];
		if (fc->facet >= FACETS_SHOWN)
			continue;
		bool capped = fc->facet == FACET_ORG || fc->facet == FACET_COMMUNE;
		json_t *values = json_array();
		str ids = STR_INIT;
		for (int i = 0; i < fc->n_values && (!capped || i < FACET_VALUES_MAX); i++) {
			json_array_append_new(values, json_pack("{s:s, s:I}", "value", fc->values[i].value, "count",
				(json_int_t)fc->values[i].count));
			if (capped && positive_integer(fc->values[i].value, 18))
				str_appendf(&ids, "%s%s", ids.len ? ", " : "", fc->values[i].value);
		}
		json_object_set_new(out, facet_names[fc->facet], values);
		char sql[2200];
		if (fc->facet == FACET_SECTOR)
			rc = name_values(values, db, "SELECT code, name_vi, name_en FROM sector", false);
		else if (capped && ids.len && ids.len < 1600 && !str_oom(&ids)) {
			/* ids are digits only, checked above */
			snprintf(sql, sizeof(sql), fc->facet == FACET_ORG ? "SELECT id, name FROM organisation WHERE id IN (%s)"
				: "SELECT id, name, code FROM unit WHERE id IN (%s)", str_cstr(&ids));
			rc = name_values(values, db, sql, true);
		}
		str_free(&ids);
	}
	return rc;
}

static json_t *terms_json(const search_result *r)
{
	json_t *terms = json_array();
	for (int i = 0; i < r->n_terms; i++)
		json_array_append_new(terms, json_pack("{s:s, s:s, s:b, s:b}", "text", r->terms[i].text, "folded",
			r->terms[i].folded, "phrase", r->terms[i].phrase, "prefix", r->terms[i].prefix));
	return terms;
}

int market_search(json_t **out, db_conn *db, const market_query *q)
{
	filters f;
	arena a;
	held *h = NULL;
	search_result *r = NULL;
	json_t *answer = NULL;
	int rc;
	*out = NULL;
	arena_init(&a, 1024);
	if ((rc = filters_read(&f, &a, q)) < 0 || (rc = held_acquire(&h, db)) < 0)
		goto done;
	search_request req = { .text = q->q, .filters = f.v, .n_filters = f.n, .offset = (int)q->offset,
		.limit = (int)q->limit, .prefix = true, .typos = true, .facets = true,
		.highlight = (1u << F_TITLE) | (1u << F_SUMMARY), .snippet_bytes = 240 };
	if ((rc = search_query(&r, h->ix, &req)) < 0)
		goto done;
	if (r->total == 0 && q->q && *q->q) {
		/* the last syllable as typed, not a prefix: it may then have a typo */
		search_result_free(r);
		r = NULL;
		req.prefix = false;
		if ((rc = search_query(&r, h->ix, &req)) < 0)
			goto done;
	}
	answer = json_pack("{s:I, s:I, s:I, s:[], s:{}, s:o}", "total", (json_int_t)r->total, "offset",
		(json_int_t)q->offset, "limit", (json_int_t)q->limit, "hits", "facets", "terms", terms_json(r));
	if (!answer) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((rc = hits_json(json_object_get(answer, "hits"), db, r)) < 0 ||
	    (rc = facets_json(json_object_get(answer, "facets"), db, r)) < 0)
		goto done;
	*out = answer;
	answer = NULL;
done:
	search_result_free(r);
	held_release(h);
	json_decref(answer);
	arena_free(&a);
	return rc;
}

/* ------------------------------------------------- for matching.c */

int market_search_ids(market_found_list *out, db_conn *db, const char *text, const market_query *q, bool any,
	const char *published_since, int limit)
{
	filters f;
	arena a;
	held *h = NULL;
	search_result *r = NULL;
	int rc;
	memset(out, 0, sizeof(*out));
	arena_init(&a, 1024);
	if ((rc = filters_read(&f, &a, q)) < 0 || (published_since && (rc = add_days(&f, &a, published_since)) != 0) ||
	    (rc = held_acquire(&h, db)) < 0) {
		rc = rc > 0 ? 0 : rc;   /* published after today: nothing */
		goto done;
	}
	search_request req = { .text = text, .filters = f.v, .n_filters = f.n, .limit = limit, .any = any,
		.typos = !any };
	if ((rc = search_query(&r, h->ix, &req)) < 0)
		goto done;
	if (!(out->v = calloc((size_t)r->n_hits + 1, sizeof(*out->v)))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto done;
	}
	for (int i = 0; i < r->n_hits; i++) {
		market_found *m = &out->v[out->n++];
		m->id = r->hits[i].doc_id;
		m->score = r->hits[i].score;
		for (int t = 0; t < r->n_terms && t < 64 && m->n_terms < 16; t++)
			if (r->hits[i].matched & ((uint64_t)1 << t))
				m->terms[m->n_terms++] = r->terms[t].text;
	}
	out->total = r->total;
	out->owner_ = r;
	r = NULL;
done:
	search_result_free(r);
	held_release(h);
	arena_free(&a);
	return rc;
}

void market_found_free(market_found_list *list)
{
	if (!list)
		return;
	free(list->v);
	search_result_free(list->owner_);
	memset(list, 0, sizeof(*list));
}
