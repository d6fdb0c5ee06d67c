/* notice: the market's notices to the owners of a listing (notice.h). */
#include "domain/market/notice.h"
#include "util/err.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define NOTICES_MAX 500   /* items of one kind at most */

/* The listings l who owns: two parameters, who's person id twice. */
#define OWNED_BY_ME "(l.created_by = ? OR EXISTS (SELECT 1 FROM organisation_editor e " \
	"WHERE e.organisation_id = l.organisation_id AND e.person_id = ?))"

/* The listing's columns every notice ends with. */
#define LISTING_COLUMNS "l.id, l.kind, l.title, o.id, o.name"
#define LISTING_JOIN "LEFT JOIN organisation o ON o.id = l.organisation_id "

static const char REVIEW_SQL[] =
	"SELECT r.id, r.decision, r.reason, r.reviewed_at, p.name, " LISTING_COLUMNS " FROM listing_review r "
	"JOIN listing l ON l.id = r.listing_id LEFT JOIN person p ON p.id = r.reviewed_by " LISTING_JOIN
	"WHERE r.reviewed_at >= ? AND (r.reviewed_by IS NULL OR r.reviewed_by <> ?) AND " OWNED_BY_ME
	" ORDER BY r.reviewed_at DESC, r.id DESC";

static const char ENGAGEMENT_SQL[] =
	"SELECT e.id, e.kind, e.created_at, e.contact_shared, e.contact_name, p.name, so.id, so.name, " LISTING_COLUMNS
	" FROM engagement e JOIN listing l ON l.id = e.listing_id JOIN person p ON p.id = e.person_id "
	"LEFT JOIN organisation so ON so.id = e.organisation_id " LISTING_JOIN
	"WHERE e.created_at >= ? AND e.person_id <> ? AND " OWNED_BY_ME " ORDER BY e.created_at DESC, e.id DESC";

static const char *text_of(db_stmt *s, int col)
{
	const char *v = db_column_text(s, col);
	return v ? v : "";
}

static json_t *text_or_null(db_stmt *s, int col)
{
	return db_column_is_null(s, col) ? json_null() : json_string(db_column_text(s, col));
}

/* {id, name} of the organisation in columns col, col + 1; null when none. */
static json_t *org_json(db_stmt *s, int col)
{
	if (db_column_is_null(s, col))
		return json_null();
	return json_pack("{s:I, s:s}", "id", (json_int_t)db_column_int64(s, col), "name", text_of(s, col + 1));
}

/* The item's common part, from LISTING_COLUMNS starting at col. */
static json_t *item_new(db_stmt *s, int col, const char *key, const char *kind, const char *at)
{
	char link[48];
	snprintf(link, sizeof(link), "#/cho-cong-nghe/%lld", (long long)db_column_int64(s, col));
	json_t *listing = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_column_int64(s, col), "kind",
		text_of(s, col + 1), "title", text_of(s, col + 2));
	if (listing && !db_column_is_null(s, col + 3))
		json_object_set_new(listing, "organisation", org_json(s, col + 3));
	return json_pack("{s:s, s:s, s:s, s:b, s:s, s:o}", "key", key, "kind", kind, "at", at, "read", 0, "link", link,
		"listing", listing);
}

/* Runs sql (since, then who's id three times) and appends what row makes
 * of each row. */
static int source(json_t *items, db_conn *db, const principal *who, const char *since, const char *sql,
	json_t *(*row)(db_stmt *s))
{
	db_stmt *s;
	int rc, n = 0;
	if ((rc = db_prepare(&s, db, sql)) < 0)
		return rc;
	db_bind_text(s, 1, since ? since : "");
	for (int k = 2; k <= 4; k++)
		db_bind_int64(s, k, who->person_id);
	while (n < NOTICES_MAX && (rc = db_step(s)) == DB_ROW) {
		json_t *item = row(s);
		if (!item) {
			rc = err_set(ERR_NOMEM, "out of memory");
			break;
		}
		json_array_append_new(items, item);
		n++;
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static json_t *review_row(db_stmt *s)
{
	char key[48];
	bool published = strcmp(text_of(s, 1), "published") == 0;
	snprintf(key, sizeof(key), "market-review:%lld", (long long)db_column_int64(s, 0));
	json_t *item = item_new(s, 5, key, published ? "market_published" : "market_returned", text_of(s, 3));
	if (item && !db_column_is_null(s, 2))
		json_object_set_new(item, "reason", json_string(db_column_text(s, 2)));
	if (item && !db_column_is_null(s, 4))
		json_object_set_new(item, "by", json_string(db_column_text(s, 4)));
	return item;
}

static json_t *engagement_row(db_stmt *s)
{
	char key[48];
	snprintf(key, sizeof(key), "market-engagement:%lld", (long long)db_column_int64(s, 0));
	json_t *item = item_new(s, 8, key, "market_engagement", text_of(s, 2));
	if (!item)
		return NULL;
	json_object_set_new(item, "engagement",
		json_pack("{s:I, s:s}", "id", (json_int_t)db_column_int64(s, 0), "kind", text_of(s, 1)));
	json_object_set_new(item, "from", org_json(s, 6));
	/* the sender's name only with their consent, as the listing page shows it */
	if (db_column_int64(s, 3))
		json_object_set_new(item, "by", db_column_is_null(s, 4) ? text_or_null(s, 5) : text_or_null(s, 4));
	return item;
}

int notice_inbox_items(json_t *items, db_conn *db, const principal *who, const char *since)
{
	int rc;
	if (!who->person_id)
		return 0;
	if ((rc = source(items, db, who, since, REVIEW_SQL, review_row)) < 0)
		return rc;
	return source(items, db, who, since, ENGAGEMENT_SQL, engagement_row);
}
