/* engagement: interest, proposals and questions on published listings,
 * feedback on offers, deals, the owners' panel and the operator's
 * statistics. */
#include "domain/market/engagement.h"
#include "domain/market/listing.h"
#include "domain/market/listing_internal.h"
#include "domain/people/audit.h"
#include "domain/programme/task.h"
#include "util/err.h"
#include "util/json.h"
#include "util/period.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xlsx.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const feedback_reasons[] = { "too_early", "benefit_unclear", "route_to_market_unclear", "description_unclear",
	"other", NULL };

#define MESSAGE_MAX 5000

static int text_field(const char **out, const json_t *in, const char *key, bool required, size_t max)
{
	int rc = json_get_string(out, in, key, required);
	if (rc < 0)
		return rc;
	if (*out && !**out && !required)
		*out = NULL;
	if ((*out || required) && (!*out || !**out || strlen(*out) > max))
		return err_set(ERR_INVALID, "'%s' must have 1 to %d bytes", key, (int)max);
	return 0;
}

/* 0 when who may act on listing id as one who does not own it: signed in,
 * not an owner, the listing published (and not expired). */
static int reader_of_published(const char **kind, db_conn *db, const principal *who, int64_t id)
{
	listing_role role;
	const char *state = NULL;
	int rc;
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to take part in the market");
	if ((rc = listing_role_of(&role, &state, kind, db, who, id)) < 0)
		return rc;
	if (role == LISTING_READER && strcmp(state, "published") != 0 && strcmp(state, "expired") != 0)
		return err_set(ERR_NOTFOUND, "no listing with id %lld", (long long)id);
	if (role != LISTING_READER && strcmp(state, "published") != 0 && strcmp(state, "expired") != 0)
		return err_set(ERR_CONFLICT, "the listing is not published");
	if (role == LISTING_OWNER)
		return err_set(ERR_FORBIDDEN, "the owners of a listing do not answer it themselves");
	if (strcmp(state, "expired") == 0)
		return err_set(ERR_CONFLICT, "the listing has expired");
	return 0;
}

/* An organisation the sender names: one they edit. */
static int sender_org(int64_t *out, const principal *who, const json_t *in)
{
	long long org = 0;
	int present = 0, rc;
	*out = 0;
	if (json_is_null(json_object_get(in, "organisation_id")))
		return 0;
	if ((rc = json_get_int(&org, &present, in, "organisation_id", 0)) < 0)
		return rc;
	if (present && !authz_edits_organisation(who, org))
		return err_set(ERR_FORBIDDEN, "you do not act for organisation %lld", org);
	*out = present ? org : 0;
	return 0;
}

static int create_in(int64_t *out_id, db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	const char *kind = NULL, *message, *purpose, *name = NULL, *email = NULL, *phone = NULL;
	char now[TIME_ISO_SIZE];
	int shared = 0, present = 0, rc;
	int64_t org;
	if ((rc = reader_of_published(&kind, db, who, id)) < 0)
		return rc;
	if ((rc = json_require_object(in, "the message")) < 0 ||
	    (rc = text_field(&message, in, "message", true, MESSAGE_MAX)) < 0 ||
	    (rc = text_field(&purpose, in, "purpose", false, MESSAGE_MAX)) < 0 ||
	    (rc = json_get_bool(&shared, &present, in, "contact_shared", 0)) < 0 || (rc = sender_org(&org, who, in)) < 0)
		return rc;
	if (shared && ((rc = text_field(&name, in, "contact_name", false, 200)) < 0 ||
		       (rc = text_field(&email, in, "contact_email", false, 200)) < 0 ||
		       (rc = text_field(&phone, in, "contact_phone", false, 40)) < 0))
		return rc;
	if (shared && email && !listing__email_like(email))
		return err_set(ERR_INVALID, "'%s' is not an e-mail address", "contact_email");
	if (shared && phone && !listing__phone_like(phone))
		return err_set(ERR_INVALID, "'%s' is not a phone number", "contact_phone");
	const char *ekind = strcmp(kind, "offer") == 0 ? "interest" : strcmp(kind, "problem") == 0 ? "proposal" : "question";
	time_now_iso(now);
	if ((rc = db_run(db, out_id, "INSERT INTO engagement (listing_id, kind, person_id, organisation_id, message, purpose, "
				    "contact_shared, created_at) VALUES (?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?) RETURNING id",
		     "itiittit", id, ekind, who->person_id, org, message, purpose, (int64_t)(shared ? 1 : 0), now)) < 0)
		return rc;
	if (shared) {
		/* what was given, else the sender's own name and e-mail */
		rc = db_run(db, NULL, "UPDATE engagement SET contact_name = COALESCE(?, (SELECT name FROM person WHERE id = ?)), "
				      "contact_email = COALESCE(?, (SELECT email FROM person WHERE id = ?)), contact_phone = ? "
				      "WHERE id = ?", "tititi", name, who->person_id, email, who->person_id, phone, *out_id);
		if (rc < 0)
			return rc;
	}
	return audit_append_id(db, who, "engage", "listing", id, NULL,
		json_pack("{s:I, s:s, s:I, s:b}", "engagement_id", (json_int_t)*out_id, "kind", ekind, "organisation_id",
			(json_int_t)org, "contact_shared", shared != 0));
}

int engagement_create(int64_t *out_id, db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	DB_IN_WRITE(db, create_in(out_id, db, who, id, in));
}

/* ---------------------------------------------------------- owners' panel */

static int owner_of(db_conn *db, const principal *who, int64_t id)
{
	listing_role role;
	int rc = listing_role_of(&role, NULL, NULL, db, who, id);
	if (rc < 0)
		return rc;
	if (role == LISTING_READER) {
		if (!who->person_id && !who->cli)
			return err_set(ERR_UNAUTHORIZED, "sign in to see what a listing received");
		return err_set(ERR_FORBIDDEN, "only its owners and the market operator see what a listing received");
	}
	return 0;
}

static json_t *org_json(db_stmt *s, int i)
{
	return db_column_is_null(s, i) ? json_null()
		: json_pack("{s:I, s:s?}", "id", (json_int_t)db_column_int64(s, i), "name", db_column_text(s, i + 1));
}

static json_t *text_or_null(db_stmt *s, int i)
{
	return db_column_is_null(s, i) ? json_null() : json_string(db_column_text(s, i));
}

static int views_of(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	int64_t total = 0;
	json_t *days = json_array();
	int rc = db_run(db, &total, "SELECT COALESCE(SUM(n), 0) FROM listing_view WHERE listing_id = ?", "i", id);
	if (rc == 0 && (rc = db_prepare(&s, db, "SELECT day, n FROM listing_view WHERE listing_id = ? ORDER BY day DESC LIMIT 30")) == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_insert_new(days, 0, json_pack("{s:s, s:I}", "day", db_column_text(s, 0), "n",
				(json_int_t)db_column_int64(s, 1)));
		db_finalize(s);
	}
	if (rc < 0) {
		json_decref(days);
		return rc;
	}
	*out = json_pack("{s:I, s:o}", "total", (json_int_t)total, "days", days);
	return 0;
}

static int engagements_of(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *list = json_array();
	int rc = db_prepare(&s, db, "SELECT e.id, e.kind, e.message, e.purpose, e.organisation_id, o.name, e.contact_shared, "
				    "e.contact_name, e.contact_email, e.contact_phone, e.status, e.created_at FROM engagement e "
				    "LEFT JOIN organisation o ON o.id = e.organisation_id WHERE e.listing_id = ? ORDER BY e.id DESC");
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW) {
			bool shared = db_column_int64(s, 6) != 0;
			json_t *e = json_pack("{s:I, s:s, s:s, s:o, s:o, s:b, s:s, s:s}", "id", (json_int_t)db_column_int64(s, 0),
				"kind", db_column_text(s, 1), "message", db_column_text(s, 2), "purpose", text_or_null(s, 3),
				"organisation", org_json(s, 4), "contact_shared", shared, "status", db_column_text(s, 10),
				"created_at", db_column_text(s, 11));
			json_object_set_new(e, "contact", shared ? json_pack("{s:o, s:o, s:o}", "name", text_or_null(s, 7), "email",
				text_or_null(s, 8), "phone", text_or_null(s, 9)) : json_null());
			json_array_append_new(list, e);
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

static int feedback_of(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *items = json_array(), *counts = json_object();
	for (int i = 0; feedback_reasons[i]; i++)
		json_object_set_new(counts, feedback_reasons[i], json_integer(0));
	int rc = db_prepare(&s, db, "SELECT f.id, f.reasons, f.text, f.organisation_id, o.name, f.created_at FROM feedback f "
				    "LEFT JOIN organisation o ON o.id = f.organisation_id WHERE f.listing_id = ? ORDER BY f.id DESC");
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW) {
			json_t *reasons = json_csv_list(db_column_text(s, 1));
			size_t i;
			json_t *r;
			json_array_foreach(reasons, i, r) {
				const char *k = json_string_value(r);
				json_object_set_new(counts, k, json_integer(json_integer_value(json_object_get(counts, k)) + 1));
			}
			json_array_append_new(items, json_pack("{s:I, s:o, s:o, s:o, s:s}", "id", (json_int_t)db_column_int64(s, 0),
				"reasons", reasons, "text", text_or_null(s, 2), "organisation", org_json(s, 3), "created_at",
				db_column_text(s, 5)));
		}
		db_finalize(s);
	}
	if (rc < 0) {
		json_decref(items);
		json_decref(counts);
		return rc;
	}
	*out = json_pack("{s:o, s:o}", "counts", counts, "items", items);
	return 0;
}

static json_t *number_or_null(db_stmt *s, int i)
{
	if (db_column_is_null(s, i))
		return json_null();
	double d = db_column_double(s, i);
	return d == floor(d) && fabs(d) < 9e15 ? json_integer((json_int_t)d) : json_real(d);
}

static int deals_of(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *list = json_array();
	int rc = db_prepare(&s, db, "SELECT d.id, d.partner_id, d.partner_name, d.transfer_type, d.value_vnd, d.signed_on, "
				    "d.note, d.engagement_id, p.name, d.created_at FROM deal d LEFT JOIN person p ON p.id = d.recorded_by "
				    "WHERE d.listing_id = ? ORDER BY d.signed_on DESC, d.id DESC");
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, json_pack("{s:I, s:o, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:s}", "id",
				(json_int_t)db_column_int64(s, 0), "partner_id",
				db_column_is_null(s, 1) ? json_null() : json_integer(db_column_int64(s, 1)), "partner_name",
				db_column_text(s, 2), "transfer_type", text_or_null(s, 3), "value_vnd", number_or_null(s, 4),
				"signed_on", db_column_text(s, 5), "note", text_or_null(s, 6), "engagement_id",
				db_column_is_null(s, 7) ? json_null() : json_integer(db_column_int64(s, 7)), "recorded_by",
				text_or_null(s, 8), "created_at", db_column_text(s, 9)));
		db_finalize(s);
	}
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}

int engagement_panel(json_t **out, db_conn *db, const principal *who, int64_t id)
{
	json_t *views = NULL, *engagements = NULL, *feedback = NULL, *deals = NULL;
	int rc;
	*out = NULL;
	if ((rc = owner_of(db, who, id)) < 0 || (rc = views_of(&views, db, id)) < 0 ||
	    (rc = engagements_of(&engagements, db, id)) < 0 || (rc = feedback_of(&feedback, db, id)) < 0 ||
	    (rc = deals_of(&deals, db, id)) < 0) {
		json_decref(views);
		json_decref(engagements);
		json_decref(feedback);
		return rc;
	}
	*out = json_pack("{s:o, s:o, s:o, s:o}", "views", views, "engagements", engagements, "feedback", feedback, "deals", deals);
	return 0;
}

static int answer_in(db_conn *db, const principal *who, int64_t id, int64_t eid, const char *status)
{
	int rc;
	if ((rc = owner_of(db, who, id)) < 0)
		return rc;
	if (!status || (strcmp(status, "read") != 0 && strcmp(status, "accepted") != 0 && strcmp(status, "declined") != 0))
		return err_set(ERR_INVALID, "'%s' must be one of %s", "status", "read, accepted, declined");
	char now[TIME_ISO_SIZE];
	time_now_iso(now);
	if ((rc = db_run(db, NULL, "UPDATE engagement SET status = ?, answered_at = ? WHERE id = ? AND listing_id = ?", "ttii",
		     status, now, eid, id)) < 0)
		return rc;
	if (db_changes(db) == 0)
		return err_set(ERR_NOTFOUND, "no message %lld on this listing", (long long)eid);
	return audit_append_id(db, who, "answer", "listing", id, NULL,
		json_pack("{s:I, s:s}", "engagement_id", (json_int_t)eid, "status", status));
}

int engagement_answer(db_conn *db, const principal *who, int64_t id, int64_t eid, const char *status)
{
	DB_IN_WRITE(db, answer_in(db, who, id, eid, status));
}

int engagement_mine(json_t **out, db_conn *db, const principal *who)
{
	db_stmt *s;
	json_t *list = json_array();
	if (!who->person_id) {
		json_decref(list);
		return err_set(ERR_UNAUTHORIZED, "sign in to see your messages");
	}
	int rc = db_prepare(&s, db, "SELECT e.id, e.kind, e.message, e.status, e.created_at, l.id, l.kind, l.title, "
				    "e.contact_shared FROM engagement e JOIN listing l ON l.id = e.listing_id WHERE e.person_id = ? "
				    "ORDER BY e.id DESC LIMIT 500");
	if (rc == 0) {
		db_bind_int64(s, 1, who->person_id);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:{s:I, s:s, s:s}}", "id",
				(json_int_t)db_column_int64(s, 0), "kind", db_column_text(s, 1), "message", db_column_text(s, 2),
				"status", db_column_text(s, 3), "created_at", db_column_text(s, 4), "contact_shared",
				db_column_int64(s, 8) != 0, "listing", "id", (json_int_t)db_column_int64(s, 5), "kind",
				db_column_text(s, 6), "title", db_column_text(s, 7)));
		db_finalize(s);
	}
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o}", "engagements", list);
	return 0;
}

/* --------------------------------------------------------------- feedback */

static int feedback_in(int64_t *out_id, db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	const char *kind = NULL, *text;
	bool on[8] = { false };
	char now[TIME_ISO_SIZE];
	int64_t org;
	int rc;
	if ((rc = reader_of_published(&kind, db, who, id)) < 0)
		return rc;
	if (strcmp(kind, "offer") != 0)
		return err_set(ERR_INVALID, "feedback is given on technology offers only");
	if ((rc = json_require_object(in, "the feedback")) < 0 ||
	    (rc = text_field(&text, in, "text", false, MESSAGE_MAX)) < 0 || (rc = sender_org(&org, who, in)) < 0)
		return rc;
	const json_t *reasons = json_object_get(in, "reasons");
	if (!json_is_array(reasons) || !json_array_size(reasons))
		return err_set(ERR_INVALID, "'%s' must be a list of one or more of %s", "reasons",
			"too_early, benefit_unclear, route_to_market_unclear, description_unclear, other");
	size_t i;
	json_t *r;
	json_array_foreach(reasons, i, r) {
		int k = 0;
		while (feedback_reasons[k] && (!json_is_string(r) || strcmp(feedback_reasons[k], json_string_value(r)) != 0))
			k++;
		if (!feedback_reasons[k])
			return err_set(ERR_INVALID, "'%s' must be a list of one or more of %s", "reasons",
				"too_early, benefit_unclear, route_to_market_unclear, description_unclear, other");
		on[k] = true;
	}
	if (on[4] && !text)
		return err_set(ERR_INVALID, "say in 'text' what the other reason is");
	str codes = STR_INIT;
	for (int k = 0; feedback_reasons[k]; k++)
		if (on[k])
			str_appendf(&codes, "%s%s", codes.len ? "," : "", feedback_reasons[k]);
	time_now_iso(now);
	rc = db_run(db, out_id, "INSERT INTO feedback (listing_id, person_id, organisation_id, reasons, text, created_at) "
				"VALUES (?, ?, NULLIF(?, 0), ?, ?, ?) RETURNING id", "iiittt", id, who->person_id, org,
		str_cstr(&codes), text, now);
	if (rc == 0)
		rc = audit_append_id(db, who, "feedback", "listing", id, NULL,
			json_pack("{s:I, s:s}", "feedback_id", (json_int_t)*out_id, "reasons", str_cstr(&codes)));
	str_free(&codes);
	return rc;
}

int feedback_create(int64_t *out_id, db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	DB_IN_WRITE(db, feedback_in(out_id, db, who, id, in));
}

/* ------------------------------------------------------------------ deals */

static int deal_in(int64_t *out_id, db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	const char *name = NULL, *type = NULL, *signed_on = NULL, *note = NULL;
	long long partner = 0, eng = 0;
	int has_partner = 0, has_eng = 0, has_value = 0, rc;
	double value = 0;
	char now[TIME_ISO_SIZE];
	date_ymd d;
	if ((rc = owner_of(db, who, id)) < 0)
		return rc;
	if ((rc = json_require_object(in, "the deal")) < 0 || (rc = text_field(&name, in, "partner_name", false, 500)) < 0 ||
	    (rc = text_field(&type, in, "transfer_type", false, 40)) < 0 ||
	    (rc = text_field(&signed_on, in, "signed_on", true, 10)) < 0 || (rc = text_field(&note, in, "note", false, 5000)) < 0 ||
	    (rc = json_get_int(&partner, &has_partner, in, "partner_id", 0)) < 0 ||
	    (rc = json_get_int(&eng, &has_eng, in, "engagement_id", 0)) < 0 ||
	    (rc = json_get_number(&value, &has_value, in, "value_vnd", 0)) < 0)
		return rc;
	if (date_parse(&d, signed_on, strlen(signed_on)) < 0)
		return err_set(ERR_INVALID, "'%s' must be a date YYYY-MM-DD", "signed_on");
	if (has_value && (!isfinite(value) || value < 0))
		return err_set(ERR_INVALID, "'%s' must be a number of 0 or more", "value_vnd");
	if (type) {
		int k = 0;
		while (listing_transfer_types[k] && strcmp(listing_transfer_types[k], type) != 0)
			k++;
		if (!listing_transfer_types[k])
			return err_set(ERR_INVALID, "'%s' must be one of %s", "transfer_type",
				"full_assignment, partial_assignment, exclusive_licence, non_exclusive_licence, sublicence, licence_with_service");
	}
	int64_t n = 0;
	if (has_partner) {
		if ((rc = db_run(db, &n, "SELECT COUNT(*) FROM organisation WHERE id = ?", "i", (int64_t)partner)) < 0)
			return rc;
		if (!n)
			return err_set(ERR_INVALID, "'%s': no such organisation", "partner_id");
	} else if (!name) {
		return err_set(ERR_INVALID, "'%s' is required", "partner_name");
	}
	if (has_eng) {
		if ((rc = db_run(db, &n, "SELECT COUNT(*) FROM engagement WHERE id = ? AND listing_id = ?", "ii", (int64_t)eng, id)) < 0)
			return rc;
		if (!n)
			return err_set(ERR_INVALID, "'%s': no message %lld on this listing", "engagement_id", eng);
	}
	time_now_iso(now);
	if ((rc = db_run(db, out_id, "INSERT INTO deal (listing_id, engagement_id, partner_id, partner_name, transfer_type, "
				    "value_vnd, signed_on, note, recorded_by, created_at) VALUES (?, NULLIF(?, 0), NULLIF(?, 0), "
				    "COALESCE(?, (SELECT name FROM organisation WHERE id = ?)), ?, ?, ?, ?, NULLIF(?, 0), ?) RETURNING id",
		     "iiitittttit", id, (int64_t)eng, (int64_t)partner, name, (int64_t)partner, type, NULL, signed_on, note,
		     who->person_id, now)) < 0)
		return rc;
	if (has_value && (rc = db_run(db, NULL, "UPDATE deal SET value_vnd = ? WHERE id = ?", "di", value, *out_id)) < 0)
		return rc;
	return audit_append_id(db, who, "deal", "listing", id, NULL,
		json_pack("{s:I, s:s, s:o}", "deal_id", (json_int_t)*out_id, "signed_on", signed_on, "value_vnd",
			has_value ? json_real(value) : json_null()));
}

int deal_create(int64_t *out_id, db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	DB_IN_WRITE(db, deal_in(out_id, db, who, id, in));
}

/* ------------------------------------------------------------- statistics */

/* {key: n} of sql's rows (key, n); today, when given, is its one parameter. */
static int count_by(json_t **out, db_conn *db, const char *sql, const char *today)
{
	db_stmt *s;
	json_t *o = json_object();
	int rc = db_prepare(&s, db, sql);
	if (rc == 0 && today)
		db_bind_text(s, 1, today);
	if (rc == 0) {
		while ((rc = db_step(s)) == DB_ROW)
			json_object_set_new(o, db_column_is_null(s, 0) ? "none" : db_column_text(s, 0),
				json_integer(db_column_int64(s, 1)));
		db_finalize(s);
	}
	if (rc < 0) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int first_contact(json_t **out, db_conn *db)
{
	db_stmt *s;
	double *days = NULL;
	size_t n = 0, cap = 0;
	int rc = db_prepare(&s, db, "SELECT l.published_at, MIN(e.created_at) FROM listing l JOIN engagement e ON e.listing_id = l.id "
				    "WHERE l.published_at IS NOT NULL GROUP BY l.id, l.published_at");
	if (rc < 0)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		time_t a, b;
		if (!time_parse_iso(&a, db_column_text(s, 0)) || !time_parse_iso(&b, db_column_text(s, 1)))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			double *grown = realloc(days, cap * sizeof(*days));
			if (!grown) {
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
			days = grown;
		}
		days[n++] = b > a ? (double)(b - a) / 86400.0 : 0;
	}
	db_finalize(s);
	if (rc < 0) {
		free(days);
		return rc;
	}
	json_t *median = json_null();
	if (n) {
		qsort(days, n, sizeof(*days), cmp_double);
		double m = n % 2 ? days[n / 2] : (days[n / 2 - 1] + days[n / 2]) / 2;
		median = json_real(json_round_significant(m, 3));
	}
	free(days);
	*out = json_pack("{s:o, s:I}", "median", median, "listings", (json_int_t)n);
	return 0;
}

/* What the market's search shows: published and not expired (today is
 * the parameter). */
#define SHOWN_SQL "status = 'published' AND (expires_on IS NULL OR expires_on >= ?)"

int market_stats(json_t **out, db_conn *db)
{
	json_t *kind = NULL, *status = NULL, *sector = NULL, *trl = NULL, *contact = NULL;
	json_t *p_kind = NULL, *p_sector = NULL, *p_trl = NULL;
	int64_t engagements = 0, views = 0, deals = 0;
	double value = 0;
	char today[11];
	db_stmt *s;
	int rc;
	*out = NULL;
	date_format_iso(task_today(), today);
	if ((rc = count_by(&kind, db, "SELECT kind, COUNT(*) FROM listing WHERE status <> 'withdrawn' GROUP BY kind", NULL)) < 0 ||
	    (rc = count_by(&status, db, "SELECT CASE WHEN status = 'published' AND expires_on < ? THEN 'expired' ELSE status END, "
					"COUNT(*) FROM listing GROUP BY 1", today)) < 0 ||
	    (rc = count_by(&sector, db, "SELECT sector, COUNT(*) FROM listing WHERE status <> 'withdrawn' GROUP BY sector", NULL)) < 0 ||
	    (rc = count_by(&trl, db, "SELECT CAST(trl AS TEXT), COUNT(*) FROM listing WHERE status <> 'withdrawn' AND kind = 'offer' "
				     "GROUP BY trl", NULL)) < 0 ||
	    (rc = count_by(&p_kind, db, "SELECT kind, COUNT(*) FROM listing WHERE " SHOWN_SQL " GROUP BY kind", today)) < 0 ||
	    (rc = count_by(&p_sector, db, "SELECT sector, COUNT(*) FROM listing WHERE " SHOWN_SQL " GROUP BY sector", today)) < 0 ||
	    (rc = count_by(&p_trl, db, "SELECT CAST(trl AS TEXT), COUNT(*) FROM listing WHERE " SHOWN_SQL " AND kind = 'offer' "
				       "GROUP BY trl", today)) < 0 ||
	    (rc = first_contact(&contact, db)) < 0 ||
	    (rc = db_run(db, &engagements, "SELECT COUNT(*) FROM engagement", "")) < 0 ||
	    (rc = db_run(db, &views, "SELECT COALESCE(SUM(n), 0) FROM listing_view", "")) < 0 ||
	    (rc = db_run(db, &deals, "SELECT COUNT(*) FROM deal", "")) < 0)
		goto fail;
	if ((rc = db_prepare(&s, db, "SELECT COALESCE(SUM(value_vnd), 0) FROM deal")) < 0)
		goto fail;
	if ((rc = db_step(s)) == DB_ROW)
		value = db_column_double(s, 0);
	db_finalize(s);
	if (rc < 0)
		goto fail;
	*out = json_pack("{s:o, s:o, s:o, s:o, s:{s:o, s:o, s:o}, s:I, s:I, s:o, s:{s:I, s:o}}", "by_kind", kind,
		"by_status", status, "by_sector", sector, "by_trl", trl, "published", "by_kind", p_kind, "by_sector", p_sector,
		"by_trl", p_trl, "engagements", (json_int_t)engagements, "views", (json_int_t)views,
		"first_contact_days", contact, "deals", "count", (json_int_t)deals, "value_vnd",
		value == floor(value) && value < 9e15 ? json_integer((json_int_t)value) : json_real(value));
	return 0;
fail:
	json_decref(kind);
	json_decref(status);
	json_decref(sector);
	json_decref(trl);
	json_decref(p_kind);
	json_decref(p_sector);
	json_decref(p_trl);
	json_decref(contact);
	return rc;
}

/* ------------------------------------------------------------ workbook */

/* Words of the codes in the statistics: code, Vietnamese, English. */
static const char *const stat_words[][3] = {
	{ "offer", "Chào bán công nghệ", "Technology offers" }, { "problem", "Bài toán đặt hàng", "Problems to solve" },
	{ "expert", "Chuyên gia", "Experts" }, { "draft", "Nháp", "Draft" }, { "submitted", "Chờ duyệt", "Awaiting review" },
	{ "published", "Đã đăng", "Published" }, { "returned", "Bị trả lại", "Returned" }, { "withdrawn", "Đã rút", "Withdrawn" },
	{ "expired", "Hết hạn", "Expired" },
	{ "none", "Chưa ghi", "Not given" },
};

static const char *stat_word(const char *code, bool en)
{
	for (size_t i = 0; i < sizeof(stat_words) / sizeof(stat_words[0]); i++)
		if (strcmp(stat_words[i][0], code) == 0)
			return stat_words[i][en ? 2 : 1];
	return code;
}

/* A sector's name in the reader's language (the code if unknown). */
static int sector_label(str *out, db_conn *db, const char *code, bool en)
{
	db_stmt *s;
	str_clear(out);
	if (strcmp(code, "none") == 0) {
		str_append(out, stat_word(code, en));
		return 0;
	}
	int rc = db_prepare(&s, db, en ? "SELECT name_en FROM sector WHERE code = ?" : "SELECT name_vi FROM sector WHERE code = ?");
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, code);
	if ((rc = db_step(s)) == DB_ROW && db_column_text(s, 0))
		str_append(out, db_column_text(s, 0));
	else
		str_append(out, code);
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

enum stat_table { ST_KIND, ST_STATUS, ST_SECTOR, ST_TRL };

/* One sheet of counts: a row per key of counts, with the published
 * listings beside (published may be NULL: the column is left out). */
static int stat_sheet(xlsx_writer *w, db_conn *db, enum stat_table what, const json_t *counts, const json_t *published,
		      const char *when, bool en)
{
	static const char *const names[][2] = { { "Theo loại tin", "By kind" }, { "Theo trạng thái", "By status" },
		{ "Theo lĩnh vực", "By sector" }, { "Theo mức TRL", "By TRL" } };
	static const char *const firsts[][2] = { { "Loại tin", "Kind" }, { "Trạng thái", "Status" },
		{ "Lĩnh vực", "Sector" }, { "Mức độ sẵn sàng công nghệ", "Technology readiness" } };
	const char *head[3] = { firsts[what][en], en ? "Listings (all but withdrawn)" : "Số tin (trừ tin đã rút)",
		en ? "Published, shown by the search" : "Đang đăng (tìm thấy trên chợ)" };
	if (what == ST_STATUS)
		head[1] = en ? "Listings" : "Số tin";
	char line[200];
	str label = STR_INIT;
	int rc = 0;
	xlsx_writer_init(w, names[what][en]);
	snprintf(line, sizeof(line), en ? "Technology market – listings %s" : "Chợ công nghệ – số tin %s",
		en ? names[what][1] : names[what][0]);
	xlsx_title(w, line);
	snprintf(line, sizeof(line), en ? "Data as of %s (Viet Nam time)" : "Số liệu tại thời điểm %s", when);
	xlsx_note(w, line);
	xlsx_header(w, head, published ? 3 : 2);
	xlsx_filter(w);
	const char *key;
	json_t *n;
	json_object_foreach((json_t *)counts, key, n) {
		xlsx_row(w);
		if (what == ST_SECTOR) {
			if ((rc = sector_label(&label, db, key, en)) < 0)
				break;
			xlsx_text(w, str_cstr(&label));
		} else if (what == ST_TRL && strcmp(key, "none") != 0) {
			snprintf(line, sizeof(line), "TRL %s", key);
			xlsx_text(w, line);
		} else {
			xlsx_text(w, stat_word(key, en));
		}
		xlsx_number_as(w, (double)json_integer_value(n), XLSX_INTEGER);
		if (published)
			xlsx_number_as(w, (double)json_integer_value(json_object_get(published, key)), XLSX_INTEGER);
	}
	str_free(&label);
	return rc;
}

int market_stats_xlsx(char **out, size_t *len, db_conn *db, bool en)
{
	json_t *st;
	xlsx_writer sheets[5];
	int n = 0, rc;
	char when[64];
	*out = NULL;
	if ((rc = market_stats(&st, db)) < 0)
		return rc;
	struct tm tm;
	time_vn_tm(&tm, time_now());
	snprintf(when, sizeof(when), "%02d/%02d/%04d %02d:%02d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900, tm.tm_hour,
		tm.tm_min);
	const json_t *pub = json_object_get(st, "published");
	static const char *const keys[] = { "by_kind", "by_status", "by_sector", "by_trl" };
	for (int k = ST_KIND; k <= ST_TRL && rc == 0; k++)
		rc = stat_sheet(&sheets[n++], db, (enum stat_table)k, json_object_get(st, keys[k]),
			k == ST_STATUS ? NULL : json_object_get(pub, keys[k]), when, en);
	if (rc == 0) {
		xlsx_writer *w = &sheets[n++];
		const char *head[2] = { en ? "Figure" : "Chỉ số", en ? "Value" : "Giá trị" };
		const json_t *fc = json_object_get(st, "first_contact_days"), *deals = json_object_get(st, "deals");
		xlsx_writer_init(w, en ? "Engagement and deals" : "Tương tác và giao dịch");
		xlsx_title(w, en ? "Technology market – engagement and deals" : "Chợ công nghệ – tương tác và giao dịch");
		xlsx_header(w, head, 2);
		xlsx_row(w);
		xlsx_text(w, en ? "Interest, proposals and questions" : "Lượt quan tâm, đề xuất, câu hỏi");
		xlsx_number_as(w, (double)json_integer_value(json_object_get(st, "engagements")), XLSX_INTEGER);
		xlsx_row(w);
		xlsx_text(w, en ? "Views of listings" : "Lượt xem tin");
		xlsx_number_as(w, (double)json_integer_value(json_object_get(st, "views")), XLSX_INTEGER);
		xlsx_row(w);
		xlsx_text(w, en ? "Median days to the first contact" : "Số ngày trung vị đến lần liên hệ đầu tiên");
		if (json_is_number(json_object_get(fc, "median")))
			xlsx_amount(w, json_number_value(json_object_get(fc, "median")));
		else
			xlsx_text(w, "");
		xlsx_row(w);
		xlsx_text(w, en ? "Deals recorded" : "Số giao dịch đã ghi nhận");
		xlsx_number_as(w, (double)json_integer_value(json_object_get(deals, "count")), XLSX_INTEGER);
		xlsx_row(w);
		xlsx_text(w, en ? "Value of the deals (VND)" : "Giá trị giao dịch (đồng)");
		xlsx_amount(w, json_number_value(json_object_get(deals, "value_vnd")));
	}
	json_decref(st);
	if (rc < 0) {
		for (int k = 0; k < n; k++)
			xlsx_writer_free(&sheets[k]);
		return rc;
	}
	return xlsx_book_finish(sheets, n, out, len);
}
