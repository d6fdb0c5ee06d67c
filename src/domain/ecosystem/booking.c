/* booking: requests of shared resources, their decisions and usage, the
 * calendar of a resource and the monthly usage report of a network. */
#include "domain/ecosystem/booking.h"
#include "domain/ecosystem/registry.h"
#include "domain/ecosystem/network.h"
#include "domain/people/audit.h"
#include "util/err.h"
#include "util/json.h"
#include "util/period.h"
#include "util/str.h"
#include "util/time.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const statuses[] = { "requested", "approved", "refused", "cancelled", "used", NULL };

static bool in_list(const char *const *list, const char *v)
{
	for (int i = 0; v && list[i]; i++)
		if (strcmp(list[i], v) == 0)
			return true;
	return false;
}

/* Today and now in Viet Nam: "YYYY-MM-DD" and "YYYY-MM-DDTHH:MM". */
static date_ymd vn_today(char now[32])
{
	struct tm tm;
	time_vn_tm(&tm, time_now());
	snprintf(now, 32, "%04d-%02d-%02dT%02d:%02d", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100, tm.tm_mday % 100,
		tm.tm_hour % 100, tm.tm_min % 100);
	return (date_ymd){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
}

/* "HH:00" as an hour 0..24, or -1. */
static int hour_of(const char *v)
{
	if (!v || strlen(v) != 5 || v[2] != ':' || v[0] < '0' || v[0] > '2' || v[1] < '0' || v[1] > '9' || strcmp(v + 3, "00") != 0)
		return -1;
	int h = (v[0] - '0') * 10 + (v[1] - '0');
	return h <= 24 ? h : -1;
}

/* The hours (slot) or days (period) between starts_at and ends_at. */
static long booked_amount(const char *starts, const char *ends, bool period)
{
	date_ymd a, b;
	if (date_parse(&a, starts, 10) < 0 || date_parse(&b, ends, 10) < 0)
		return 0;
	long days = date_to_days(b) - date_to_days(a);
	if (period)
		return days;
	return days * 24 + (strlen(ends) >= 13 ? atoi(ends + 11) : 0) - (strlen(starts) >= 13 ? atoi(starts + 11) : 0);
}

/* ----------------------------------------------------------------- reads */

#define BK_SELECT \
	"SELECT b.id, b.resource_id, r.name, r.kind, r.booking, r.organisation_id, o.name, b.organisation_id, " \
	"b.requester_name, b.contact_name, b.contact_email, b.contact_phone, b.sector, b.purpose, b.starts_at, b.ends_at, " \
	"b.status, b.reason, b.used_hours, b.requested_at, b.decided_at, n.code, b.requested_by " \
	"FROM booking b JOIN resource r ON r.id = b.resource_id JOIN organisation o ON o.id = r.organisation_id " \
	"LEFT JOIN network n ON n.id = r.network_id"

static json_t *bk_row(db_stmt *s)
{
	bool period = strcmp(db_column_text(s, 4), "period") == 0;
	int64_t id = db_column_int64(s, 0);
	char ref[32];
	snprintf(ref, sizeof(ref), "YC-%06lld", (long long)id);
	json_t *res = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s?}", "id", (json_int_t)db_column_int64(s, 1), "name",
		db_column_text(s, 2), "kind", db_column_text(s, 3), "booking", db_column_text(s, 4), "organisation_id",
		(json_int_t)db_column_int64(s, 5), "organisation_name", db_column_text(s, 6), "network_code",
		db_column_text(s, 21));
	long amount = booked_amount(db_column_text(s, 14), db_column_text(s, 15), period);
	return json_pack("{s:I, s:s, s:o, s:o, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s, s:s, s:o, s:o, s:s, s:s?, s:o, s:s, s:s?, s:b}",
		"id", (json_int_t)id, "reference", ref, "resource", res, "organisation_id",
		db_column_is_null(s, 7) ? json_null() : json_integer(db_column_int64(s, 7)), "requester_name",
		db_column_text(s, 8), "contact_name", db_column_text(s, 9), "contact_email", db_column_text(s, 10),
		"contact_phone", db_column_text(s, 11), "sector", db_column_text(s, 12), "purpose", db_column_text(s, 13),
		"starts_at", db_column_text(s, 14), "ends_at", db_column_text(s, 15), "hours",
		period ? json_null() : json_integer(amount), "days", period ? json_integer(amount) : json_null(), "status",
		db_column_text(s, 16), "reason", db_column_text(s, 17), "used_hours",
		db_column_is_null(s, 18) ? json_null() : json_real(db_column_double(s, 18)), "requested_at",
		db_column_text(s, 19), "decided_at", db_column_text(s, 20), "public_request", db_column_is_null(s, 22));
}

int booking_get(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, BK_SELECT " WHERE b.id = ?");
	*out = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW)
		*out = bk_row(s);
	db_finalize(s);
	if (rc < 0)
		return rc;
	return *out ? 0 : err_set(ERR_NOTFOUND, "no booking with id %lld", (long long)id);
}

int booking_list(json_t **out, db_conn *db, const principal *who, const booking_filter *f)
{
	str where = STR_INIT, sql = STR_INIT;
	bool all = authz_registry_writer(who);
	int64_t total = 0;
	db_stmt *s;
	int rc = 0;
	*out = NULL;
	if (f->status && !in_list(statuses, f->status))
		return err_set(ERR_INVALID, "'status' must be one of requested, approved, refused, cancelled, used");
	str_append(&where, " WHERE 1 = 1");
	if (f->status)
		str_append(&where, " AND b.status = ?");
	if (f->resource_id)
		str_append(&where, " AND b.resource_id = ?");
	if (f->network)
		str_append(&where, " AND n.code = ?");
	if (!all) {
		str_append(&where, " AND r.organisation_id IN (0");
		for (int i = 0; i < who->n_orgs; i++)
			str_appendf(&where, ", %lld", (long long)who->orgs[i]);
		str_append(&where, ")");
	}
	for (int pass = 0; pass < 2 && rc >= 0; pass++) {
		str_clear(&sql);
		if (pass == 0)
			str_appendf(&sql, "SELECT COUNT(*) FROM booking b JOIN resource r ON r.id = b.resource_id "
					  "LEFT JOIN network n ON n.id = r.network_id%s", str_cstr(&where));
		else
			str_appendf(&sql, BK_SELECT "%s ORDER BY b.requested_at DESC, b.id DESC LIMIT ? OFFSET ?", str_cstr(&where));
		if ((rc = db_prepare(&s, db, str_cstr(&sql))) < 0)
			break;
		int i = 1;
		if (f->status)
			db_bind_text(s, i++, f->status);
		if (f->resource_id)
			db_bind_int64(s, i++, f->resource_id);
		if (f->network)
			db_bind_text(s, i++, f->network);
		if (pass == 0) {
			if ((rc = db_step(s)) == DB_ROW)
				total = db_column_int64(s, 0);
		} else {
			db_bind_int64(s, i++, f->limit);
			db_bind_int64(s, i, f->offset);
			json_t *list = json_array();
			while ((rc = db_step(s)) == DB_ROW)
				json_array_append_new(list, bk_row(s));
			if (rc >= 0)
				*out = json_pack("{s:o, s:I}", "bookings", list, "total", (json_int_t)total);
			else
				json_decref(list);
		}
		db_finalize(s);
	}
	str_free(&where);
	str_free(&sql);
	return rc < 0 ? rc : 0;
}

/* -------------------------------------------------------------- requests */

typedef struct res_info {
	int64_t org;
	bool period, active, offered;
	int64_t capacity;
	int opens, closes;
} res_info;

static int res_info_load(res_info *r, db_conn *db, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db,
		"SELECT r.organisation_id, r.booking, COALESCE(r.capacity, 1), r.opens, r.closes, r.active, COALESCE(n.public, 1) "
		"FROM resource r LEFT JOIN network n ON n.id = r.network_id WHERE r.id = ?");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	memset(r, 0, sizeof(*r));
	if ((rc = db_step(s)) == DB_ROW) {
		r->org = db_column_int64(s, 0);
		r->period = strcmp(db_column_text(s, 1), "period") == 0;
		r->capacity = db_column_int64(s, 2);
		r->opens = hour_of(db_column_text(s, 3));
		r->closes = hour_of(db_column_text(s, 4));
		r->active = db_column_int64(s, 5) != 0;
		r->offered = r->active && db_column_int64(s, 6) != 0;
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	return r->org ? 0 : err_set(ERR_NOTFOUND, "no resource with id %lld", (long long)id);
}

typedef struct req_fields {
	const char *requester_name, *contact_name, *contact_email, *contact_phone, *sector, *purpose;
	const char *day, *from, *to, *first_day, *last_day, *status;
	long long organisation_id;
	int has_org, has_used;
	double used_hours;
	char starts_at[40], ends_at[40];
} req_fields;

static int text_field(const char **out, const json_t *in, const char *key, bool required, size_t max)
{
	int rc = json_is_null(json_object_get(in, key)) ? (*out = NULL, 0) : json_get_string(out, in, key, 0);
	if (rc < 0)
		return rc;
	if (*out && !**out)
		*out = NULL;
	if (!*out && required)
		return err_set(ERR_INVALID, "'%s' is required", key);
	if (*out && strlen(*out) > max)
		return err_set(ERR_INVALID, "'%s' is longer than %zu characters", key, max);
	return 0;
}

static int check_contact(const req_fields *f)
{
	if (!f->contact_email && !f->contact_phone)
		return err_set(ERR_INVALID, "give a contact e-mail or phone number");
	if (f->contact_email) {
		const char *at = strchr(f->contact_email, '@');
		if (!at || at == f->contact_email || !strchr(at, '.') || strpbrk(f->contact_email, " \t\r\n,;<>"))
			return err_set(ERR_INVALID, "'%s' is not an e-mail address", f->contact_email);
	}
	if (f->contact_phone) {
		int digits = 0;
		for (const char *p = f->contact_phone; *p; p++) {
			if (*p >= '0' && *p <= '9')
				digits++;
			else if (!strchr(" +-.()", *p))
				return err_set(ERR_INVALID, "'%s' is not a phone number", f->contact_phone);
		}
		if (digits < 8 || digits > 15)
			return err_set(ERR_INVALID, "'%s' is not a phone number", f->contact_phone);
	}
	return 0;
}

static int read_request(req_fields *f, const json_t *in)
{
	int rc, present = 0;
	memset(f, 0, sizeof(*f));
	if ((rc = json_require_object(in, "the request")) < 0 ||
	    (rc = text_field(&f->requester_name, in, "requester_name", true, 200)) < 0 ||
	    (rc = text_field(&f->contact_name, in, "contact_name", true, 120)) < 0 ||
	    (rc = text_field(&f->contact_email, in, "contact_email", false, 200)) < 0 ||
	    (rc = text_field(&f->contact_phone, in, "contact_phone", false, 30)) < 0 ||
	    (rc = text_field(&f->sector, in, "sector", false, 40)) < 0 ||
	    (rc = text_field(&f->purpose, in, "purpose", false, 2000)) < 0 ||
	    (rc = text_field(&f->day, in, "day", false, 10)) < 0 || (rc = text_field(&f->from, in, "from", false, 5)) < 0 ||
	    (rc = text_field(&f->to, in, "to", false, 5)) < 0 || (rc = text_field(&f->first_day, in, "first_day", false, 10)) < 0 ||
	    (rc = text_field(&f->last_day, in, "last_day", false, 10)) < 0 ||
	    (rc = text_field(&f->status, in, "status", false, 20)) < 0 ||
	    (!json_is_null(json_object_get(in, "organisation_id")) &&
	     (rc = json_get_int(&f->organisation_id, &f->has_org, in, "organisation_id", 0)) < 0) ||
	    (!json_is_null(json_object_get(in, "used_hours")) &&
	     (rc = json_get_number(&f->used_hours, &f->has_used, in, "used_hours", 0)) < 0))
		return rc;
	(void)present;
	return check_contact(f);
}

/* Sets starts_at and ends_at from the day and hours (slot) or the days
 * (period), checked against the resource and, unless loading, today. */
static int request_time(req_fields *f, const res_info *r, bool loading)
{
	char now[32], today_iso[11];
	date_ymd today = vn_today(now), a, b;
	date_format_iso(today, today_iso);
	if (!r->period) {
		if (!f->day || !f->from || !f->to)
			return err_set(ERR_INVALID, "a request by the hour needs 'day', 'from' and 'to'");
		if (date_parse(&a, f->day, strlen(f->day)) < 0)
			return err_set(ERR_INVALID, "'day': %s", err_msg());
		int h0 = hour_of(f->from), h1 = hour_of(f->to);
		if (h0 < 0 || h1 < 0)
			return err_set(ERR_INVALID, "'from' and 'to' must be whole hours such as 09:00, not '%s' and '%s'", f->from, f->to);
		if (h1 <= h0)
			return err_set(ERR_INVALID, "'to' %s must be after 'from' %s", f->to, f->from);
		if (h0 < r->opens || h1 > r->closes)
			return err_set(ERR_INVALID, "the resource can be booked from %02d:00 to %02d:00 only", r->opens, r->closes);
		if (h1 - h0 > BOOKING_MAX_HOURS)
			return err_set(ERR_INVALID, "one request may hold at most %d hours", BOOKING_MAX_HOURS);
		snprintf(f->starts_at, sizeof(f->starts_at), "%.10sT%02d:00", f->day, h0);
		if (h1 == 24) {
			char next[11];
			date_format_iso(date_from_days(date_to_days(a) + 1), next);
			snprintf(f->ends_at, sizeof(f->ends_at), "%sT00:00", next);
		} else {
			snprintf(f->ends_at, sizeof(f->ends_at), "%.10sT%02d:00", f->day, h1);
		}
		b = a;
		if (!loading && strcmp(f->starts_at, now) < 0)
			return err_set(ERR_INVALID, "%s at %s is in the past", f->day, f->from);
	} else {
		if (!f->first_day || !f->last_day)
			return err_set(ERR_INVALID, "a request by the day needs 'first_day' and 'last_day'");
		if (date_parse(&a, f->first_day, strlen(f->first_day)) < 0)
			return err_set(ERR_INVALID, "'first_day': %s", err_msg());
		if (date_parse(&b, f->last_day, strlen(f->last_day)) < 0)
			return err_set(ERR_INVALID, "'last_day': %s", err_msg());
		long days = date_to_days(b) - date_to_days(a) + 1;
		if (days < 1)
			return err_set(ERR_INVALID, "'last_day' %s is before 'first_day' %s", f->last_day, f->first_day);
		if (days > BOOKING_MAX_DAYS)
			return err_set(ERR_INVALID, "one request may hold at most %d days", BOOKING_MAX_DAYS);
		date_format_iso(a, f->starts_at);
		date_format_iso(date_from_days(date_to_days(b) + 1), f->ends_at);
		if (!loading && date_to_days(a) < date_to_days(today))
			return err_set(ERR_INVALID, "%s is in the past", f->first_day);
	}
	if (!loading && date_to_days(a) > date_to_days(today) + BOOKING_MAX_AHEAD_DAYS)
		return err_set(ERR_INVALID, "requests are taken at most %d days ahead", BOOKING_MAX_AHEAD_DAYS);
	return 0;
}

/* Takes the hours (slot) or a place on each day (period) for booking id.
 * The primary key of booking_slot decides: a row another request holds is
 * not inserted, and the request fails with ERR_CONFLICT. */
static int hold_slots(db_conn *db, int64_t resource_id, const res_info *r, const req_fields *f, int64_t id)
{
	static const char *const sql = "INSERT INTO booking_slot (resource_id, slot, place, booking_id) VALUES (?, ?, ?, ?) "
				       "ON CONFLICT DO NOTHING";
	db_stmt *s;
	date_ymd a, b;
	char slot[20];
	int rc = db_prepare(&s, db, sql);
	if (rc < 0)
		return rc;
	date_parse(&a, f->starts_at, 10);
	date_parse(&b, f->ends_at, 10);
	if (!r->period) {
		long hours = booked_amount(f->starts_at, f->ends_at, false);
		int h0 = atoi(f->starts_at + 11);
		for (long k = 0; k < hours && rc >= 0; k++) {
			date_format_iso(date_from_days(date_to_days(a) + (h0 + k) / 24), slot);
			snprintf(slot + 10, sizeof(slot) - 10, "T%02ld", (h0 + k) % 24);
			db_reset(s);
			db_bind_int64(s, 1, resource_id);
			db_bind_text(s, 2, slot);
			db_bind_int64(s, 3, 0);
			db_bind_int64(s, 4, id);
			if ((rc = db_step(s)) >= 0 && db_changes(db) == 0)
				rc = err_set(ERR_CONFLICT, "the time from %s to %s is taken; choose another time", f->starts_at,
					f->ends_at);
		}
	} else {
		for (long d = date_to_days(a); d < date_to_days(b) && rc >= 0; d++) {
			bool held = false;
			date_format_iso(date_from_days(d), slot);
			for (int64_t place = 0; place < r->capacity && !held && rc >= 0; place++) {
				db_reset(s);
				db_bind_int64(s, 1, resource_id);
				db_bind_text(s, 2, slot);
				db_bind_int64(s, 3, place);
				db_bind_int64(s, 4, id);
				if ((rc = db_step(s)) >= 0)
					held = db_changes(db) == 1;
			}
			if (rc >= 0 && !held)
				rc = err_set(ERR_CONFLICT, "all %lld places are taken on %s; choose other days", (long long)r->capacity,
					slot);
		}
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static int insert_request(int64_t *out_id, db_conn *db, const principal *who, int64_t resource_id, const json_t *in,
	bool loading)
{
	req_fields f;
	res_info r;
	char at[TIME_ISO_SIZE], *key = NULL;
	int rc;
	if ((rc = read_request(&f, in)) < 0 || (rc = res_info_load(&r, db, resource_id)) < 0)
		return rc;
	if (!loading && !r.offered)
		return err_set(ERR_NOTFOUND, "resource %lld is not offered for booking", (long long)resource_id);
	if ((rc = request_time(&f, &r, loading)) < 0)
		return rc;
	if (f.sector) {
		int64_t n = 0;
		if ((rc = db_run(db, &n, "SELECT COUNT(*) FROM sector WHERE code = ?", "t", f.sector)) < 0)
			return rc;
		if (!n)
			return err_set(ERR_INVALID, "'sector': no sector with code '%s'", f.sector);
	}
	if (f.has_org) {
		int64_t n = 0;
		if ((rc = db_run(db, &n, "SELECT COUNT(*) FROM organisation WHERE id = ?", "i", (int64_t)f.organisation_id)) < 0)
			return rc;
		if (!n)
			return err_set(ERR_INVALID, "no organisation with id %lld", f.organisation_id);
	}
	const char *status = "requested";
	if (loading && f.status) {
		if (!in_list(statuses, f.status))
			return err_set(ERR_INVALID, "'status' must be one of requested, approved, refused, cancelled, used");
		status = f.status;
	}
	if (f.has_org) {
		char buf[32];
		snprintf(buf, sizeof(buf), "o%lld", f.organisation_id);
		key = strdup(buf);
	} else if ((rc = vn_fold(&key, f.requester_name, strlen(f.requester_name))) < 0) {
		return rc;
	}
	time_now_iso(at);
	db_stmt *s;
	if ((rc = db_prepare(&s, db,
		     "INSERT INTO booking (resource_id, organisation_id, requester_name, requester_key, contact_name, "
		     "contact_email, contact_phone, sector, purpose, starts_at, ends_at, status, used_hours, requested_by, "
		     "requested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) == 0) {
		db_bind_int64(s, 1, resource_id);
		if (f.has_org)
			db_bind_int64(s, 2, f.organisation_id);
		else
			db_bind_null(s, 2);
		db_bind_text(s, 3, f.requester_name);
		db_bind_text(s, 4, key);
		db_bind_text(s, 5, f.contact_name);
		db_bind_text(s, 6, f.contact_email);
		db_bind_text(s, 7, f.contact_phone);
		db_bind_text(s, 8, f.sector);
		db_bind_text(s, 9, f.purpose);
		db_bind_text(s, 10, f.starts_at);
		db_bind_text(s, 11, f.ends_at);
		db_bind_text(s, 12, status);
		if (loading && f.has_used)
			db_bind_double(s, 13, f.used_hours);
		else
			db_bind_null(s, 13);
		if (who && who->person_id)
			db_bind_int64(s, 14, who->person_id);
		else
			db_bind_null(s, 14);
		db_bind_text(s, 15, at);
		if ((rc = db_step(s)) == DB_ROW)
			*out_id = db_column_int64(s, 0);
		db_finalize(s);
	}
	free(key);
	if (rc < 0)
		return rc;
	bool holds = strcmp(status, "requested") == 0 || strcmp(status, "approved") == 0 || strcmp(status, "used") == 0;
	if (holds && (rc = hold_slots(db, resource_id, &r, &f, *out_id)) < 0)
		return rc;
	json_t *after;
	if ((rc = booking_get(&after, db, *out_id)) < 0)
		return rc;
	return audit_append_id(db, who, "create", "booking", *out_id, NULL, after);
}

int booking_insert(int64_t *out_id, db_conn *db, const principal *who, int64_t resource_id, const json_t *in)
{
	return insert_request(out_id, db, who, resource_id, in, true);
}

int booking_request(int64_t *out_id, db_conn *db, const principal *who, int64_t resource_id, const json_t *in)
{
	int rc = db_begin_write(db);
	if (rc < 0)
		return rc;
	if ((rc = insert_request(out_id, db, who, resource_id, in, false)) < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/* ------------------------------------------------------------- decisions */

typedef struct bk_state {
	char status[16];
	int64_t org, requested_by;
	bool period;
	char starts_at[40], ends_at[40];
} bk_state;

static int state_load(bk_state *st, db_conn *db, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db,
		"SELECT b.status, r.organisation_id, b.requested_by, r.booking, b.starts_at, b.ends_at FROM booking b "
		"JOIN resource r ON r.id = b.resource_id WHERE b.id = ?");
	if (rc < 0)
		return rc;
	memset(st, 0, sizeof(*st));
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW) {
		snprintf(st->status, sizeof(st->status), "%s", db_column_text(s, 0));
		st->org = db_column_int64(s, 1);
		st->requested_by = db_column_is_null(s, 2) ? 0 : db_column_int64(s, 2);
		st->period = strcmp(db_column_text(s, 3), "period") == 0;
		snprintf(st->starts_at, sizeof(st->starts_at), "%s", db_column_text(s, 4));
		snprintf(st->ends_at, sizeof(st->ends_at), "%s", db_column_text(s, 5));
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	return st->org ? 0 : err_set(ERR_NOTFOUND, "no booking with id %lld", (long long)id);
}

static const char *const decision_names[] = { "approve", "refuse", "cancel" };
static const char *const decision_status[] = { "approved", "refused", "cancelled" };

static int decide_in(db_conn *db, const principal *who, int64_t id, booking_decision d, const char *reason)
{
	bk_state st;
	char now[TIME_ISO_SIZE];
	json_t *before;
	int rc;
	if ((rc = state_load(&st, db, id)) < 0)
		return rc;
	bool provider = authz_edits_organisation(who, st.org);
	bool requester = d == BOOKING_CANCEL && who->person_id && who->person_id == st.requested_by;
	if (!provider && !requester)
		return d == BOOKING_CANCEL
			? err_set(ERR_FORBIDDEN, "only the provider of the resource or the person who asked may cancel booking %lld",
				  (long long)id)
			: err_set(ERR_FORBIDDEN, "only the provider of the resource decides on booking %lld", (long long)id);
	bool allowed = strcmp(st.status, "requested") == 0 || (d == BOOKING_CANCEL && strcmp(st.status, "approved") == 0);
	if (!allowed)
		return d == BOOKING_CANCEL
			? err_set(ERR_CONFLICT, "booking %lld is neither waiting nor approved; it cannot be cancelled", (long long)id)
			: err_set(ERR_CONFLICT, "booking %lld is no longer waiting for a decision", (long long)id);
	if ((rc = booking_get(&before, db, id)) < 0)
		return rc;
	time_now_iso(now);
	if (who->person_id)
		rc = db_run(db, NULL, "UPDATE booking SET status = ?, reason = ?, decided_by = ?, decided_at = ? "
				      "WHERE id = ? AND status = ?", "ttitit", decision_status[d], reason, who->person_id, now, id,
			st.status);
	else
		rc = db_run(db, NULL, "UPDATE booking SET status = ?, reason = ?, decided_by = NULL, decided_at = ? "
				      "WHERE id = ? AND status = ?", "tttit", decision_status[d], reason, now, id, st.status);
	if (rc == 0 && db_changes(db) == 0)
		rc = err_set(ERR_CONFLICT, "booking %lld was changed meanwhile; reload it", (long long)id);
	if (rc == 0 && d != BOOKING_APPROVE)
		rc = db_run(db, NULL, "DELETE FROM booking_slot WHERE booking_id = ?", "i", id);
	json_t *after = NULL;
	if (rc < 0 || (rc = booking_get(&after, db, id)) < 0) {
		json_decref(before);
		return rc;
	}
	return audit_append_id(db, who, decision_names[d], "booking", id, before, after);
}

int booking_decide(db_conn *db, const principal *who, int64_t id, booking_decision d, const char *reason)
{
	if (reason && !*reason)
		reason = NULL;
	if (d == BOOKING_REFUSE && !reason)
		return err_set(ERR_INVALID, "say why the request is refused ('reason')");
	if (reason && strlen(reason) > 2000)
		return err_set(ERR_INVALID, "'reason' is longer than %d characters", 2000);
	int rc = db_begin_write(db);
	if (rc < 0)
		return rc;
	/* cancelling a used booking takes its hours out of the figures */
	if ((rc = decide_in(db, who, id, d, reason)) < 0 || (rc = registry_refresh_for(db, "booking")) < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

static int usage_in(db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	bk_state st;
	double hours = 0;
	int present = 0, rc;
	json_t *before;
	if ((rc = json_require_object(in, "the usage")) < 0 ||
	    (!json_is_null(json_object_get(in, "used_hours")) && (rc = json_get_number(&hours, &present, in, "used_hours", 0)) < 0) ||
	    (rc = state_load(&st, db, id)) < 0)
		return rc;
	if (!authz_edits_organisation(who, st.org))
		return err_set(ERR_FORBIDDEN, "only the provider of the resource may record the use of booking %lld", (long long)id);
	if (strcmp(st.status, "approved") != 0 && strcmp(st.status, "used") != 0)
		return err_set(ERR_CONFLICT, "booking %lld is not approved; use is recorded for approved bookings", (long long)id);
	long booked = booked_amount(st.starts_at, st.ends_at, st.period);
	double max = st.period ? booked * 24.0 : (double)booked;
	if (!present)
		hours = st.period ? 0 : (double)booked;
	if (!(hours >= 0 && hours <= max))
		return err_set(ERR_INVALID, "'used_hours' must be from 0 to %g, the hours booked", max);
	if ((rc = booking_get(&before, db, id)) < 0)
		return rc;
	if ((rc = db_run(db, NULL, "UPDATE booking SET status = 'used', used_hours = ? WHERE id = ?", "di", hours, id)) < 0) {
		json_decref(before);
		return rc;
	}
	json_t *after;
	if ((rc = booking_get(&after, db, id)) < 0) {
		json_decref(before);
		return rc;
	}
	return audit_append_id(db, who, "usage", "booking", id, before, after);
}

int booking_record_usage(db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	int rc = db_begin_write(db);
	if (rc < 0)
		return rc;
	if ((rc = usage_in(db, who, id, in)) < 0 || (rc = registry_refresh_for(db, "booking")) < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/* -------------------------------------------------------------- calendar */

#define CALENDAR_MAX_DAYS 62

int booking_calendar(json_t **out, db_conn *db, int64_t resource_id, const char *from, const char *to, bool provider)
{
	char now[32], from_iso[11], to_iso[11], end_iso[11];
	date_ymd a = vn_today(now), b;
	res_info r;
	db_stmt *s;
	int rc;
	*out = NULL;
	if (from && *from && date_parse(&a, from, strlen(from)) < 0)
		return err_set(ERR_INVALID, "'from': %s", err_msg());
	b = date_from_days(date_to_days(a) + 6);
	if (to && *to && date_parse(&b, to, strlen(to)) < 0)
		return err_set(ERR_INVALID, "'to': %s", err_msg());
	if (date_to_days(b) < date_to_days(a) || date_to_days(b) - date_to_days(a) >= CALENDAR_MAX_DAYS)
		return err_set(ERR_INVALID, "the calendar shows 1 to %d days: from %s to %s is not that", CALENDAR_MAX_DAYS,
			from ? from : "", to ? to : "");
	if ((rc = res_info_load(&r, db, resource_id)) < 0)
		return rc;
	if (!provider && !r.offered)
		return err_set(ERR_NOTFOUND, "no resource with id %lld", (long long)resource_id);
	date_format_iso(a, from_iso);
	date_format_iso(b, to_iso);
	date_format_iso(date_from_days(date_to_days(b) + 1), end_iso);
	if ((rc = db_prepare(&s, db, BK_SELECT " WHERE b.resource_id = ? AND b.starts_at < ? AND b.ends_at > ? AND "
					       "b.status IN ('requested', 'approved', 'used') ORDER BY b.starts_at, b.id")) < 0)
		return rc;
	db_bind_int64(s, 1, resource_id);
	db_bind_text(s, 2, end_iso);
	db_bind_text(s, 3, from_iso);
	json_t *busy = json_array(), *bookings = json_array();
	while ((rc = db_step(s)) == DB_ROW) {
		json_array_append_new(busy, json_pack("{s:s, s:s, s:s}", "starts_at", db_column_text(s, 14), "ends_at",
			db_column_text(s, 15), "status", db_column_text(s, 16)));
		if (provider)
			json_array_append_new(bookings, bk_row(s));
	}
	db_finalize(s);
	json_t *days = json_array();
	if (rc >= 0 && r.period && (rc = db_prepare(&s, db, "SELECT slot, COUNT(*) FROM booking_slot WHERE resource_id = ? AND "
							     "slot >= ? AND slot < ? GROUP BY slot ORDER BY slot")) == 0) {
		db_bind_int64(s, 1, resource_id);
		db_bind_text(s, 2, from_iso);
		db_bind_text(s, 3, end_iso);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(days, json_pack("{s:s, s:I}", "day", db_column_text(s, 0), "taken",
				(json_int_t)db_column_int64(s, 1)));
		db_finalize(s);
	}
	if (rc < 0) {
		json_decref(busy);
		json_decref(bookings);
		json_decref(days);
		return rc;
	}
	char opens[16], closes[16];
	snprintf(opens, sizeof(opens), "%02d:00", r.opens % 100);
	snprintf(closes, sizeof(closes), "%02d:00", r.closes % 100);
	*out = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:o, s:o}", "resource_id", (json_int_t)resource_id, "booking",
		r.period ? "period" : "slot", "capacity", (json_int_t)r.capacity, "opens", opens, "closes", closes, "from",
		from_iso, "to", to_iso, "busy", busy, "days", days);
	if (provider)
		json_object_set_new(*out, "bookings", bookings);
	else
		json_decref(bookings);
	return 0;
}

/* ----------------------------------------------------------- usage report */

static json_t *member_row(json_t *rows, json_t *by_org, int64_t org, const char *name, json_t *sectors)
{
	char key[24];
	snprintf(key, sizeof(key), "%lld", (long long)org);
	json_t *row = json_object_get(by_org, key);
	if (row)
		return row;
	json_t *hours = json_object(), *firms = json_object();
	size_t i;
	json_t *sec;
	json_array_foreach(sectors, i, sec) {
		json_object_set_new(hours, json_string_value(json_object_get(sec, "code")), json_real(0));
		json_object_set_new(firms, json_string_value(json_object_get(sec, "code")), json_integer(0));
	}
	row = json_pack("{s:I, s:s, s:o, s:I, s:I, s:o, s:o}", "organisation_id", (json_int_t)org, "name", name ? name : "",
		"hours_used", json_real(0), "bookings", (json_int_t)0, "firms", (json_int_t)0, "hours_by_sector", hours,
		"firms_by_sector", firms);
	json_array_append_new(rows, row);
	json_object_set(by_org, key, row);
	return row;
}

static int usage_sectors(json_t **out, db_conn *db)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT code, name_vi, name_en FROM sector ORDER BY position, code");
	*out = json_array();
	if (rc < 0)
		return rc;
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(*out, json_pack("{s:s, s:s, s:s}", "code", db_column_text(s, 0), "name_vi",
			db_column_text(s, 1), "name_en", db_column_text(s, 2)));
	db_finalize(s);
	json_array_append_new(*out, json_pack("{s:s, s:s, s:s}", "code", "none", "name_vi", "Chưa rõ lĩnh vực", "name_en",
		"Sector not given"));
	return rc < 0 ? rc : 0;
}

/* Names of the organisations that served in the month without being
 * members of it. */
static int usage_names(json_t *rows, db_conn *db)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		if (*json_string_value(json_object_get(row, "name")))
			continue;
		db_stmt *s;
		int rc = db_prepare(&s, db, "SELECT name FROM organisation WHERE id = ?");
		if (rc < 0)
			return rc;
		db_bind_int64(s, 1, json_integer_value(json_object_get(row, "organisation_id")));
		if ((rc = db_step(s)) == DB_ROW)
			json_object_set_new(row, "name", json_string(db_column_text(s, 0)));
		db_finalize(s);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static void add_real(json_t *o, const char *key, double v)
{
	json_object_set_new(o, key, json_real(json_real_value(json_object_get(o, key)) + v));
}

static void add_int(json_t *o, const char *key, int64_t v)
{
	json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + v));
}

/* One used booking of the month: its organisation, firm and sector as
 * offsets into a buffer of their texts. */
typedef struct usage_row {
	int64_t org;
	size_t key, sector;
	double hours;
} usage_row;

static int cmp_usage(const void *a, const void *b, void *texts)
{
	const usage_row *x = a, *y = b;
	const char *t = texts;
	int c;
	if (x->org != y->org)
		return x->org < y->org ? -1 : 1;
	if ((c = strcmp(t + x->key, t + y->key)) != 0)
		return c;
	return strcmp(t + x->sector, t + y->sector);
}

static int cmp_key(const void *a, const void *b, void *texts)
{
	const char *t = texts;
	return strcmp(t + ((const usage_row *)a)->key, t + ((const usage_row *)b)->key);
}

/* The used bookings of the month, read once from the index of (resource,
 * start) and counted here: sorted by organisation, firm and sector, the
 * firms of an organisation and of a sector are counted as the rows go by,
 * and the network's distinct firms from the rows sorted by firm. Plain
 * SQL needs three passes with COUNT(DISTINCT) for the same figures. */
static int usage_scan(int64_t *out_firms, json_t *rows, json_t *by_org, json_t *sectors, db_conn *db, int64_t net,
	const char *from, const char *to)
{
	db_stmt *s;
	usage_row *u = NULL;
	size_t n = 0, cap = 0;
	str texts = STR_INIT;
	int rc = db_prepare(&s, db,
		"SELECT r.organisation_id, b.requester_key, COALESCE(b.sector, 'none'), COALESCE(b.used_hours, 0) FROM resource r "
		"JOIN booking b ON b.resource_id = r.id WHERE r.network_id = ? AND b.starts_at >= ? AND b.starts_at < ? "
		"AND b.status = 'used'");
	*out_firms = 0;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, net);
	db_bind_text(s, 2, from);
	db_bind_text(s, 3, to);
	while ((rc = db_step(s)) == DB_ROW) {
		if (n == cap) {
			usage_row *more = realloc(u, (cap = cap ? cap * 2 : 4096) * sizeof(*u));
			if (!more) {
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
			u = more;
		}
		u[n].org = db_column_int64(s, 0);
		u[n].key = texts.len;
		str_append(&texts, db_column_text(s, 1));
		str_appendc(&texts, '\0');
		u[n].sector = texts.len;
		str_append(&texts, db_column_text(s, 2));
		str_appendc(&texts, '\0');
		u[n].hours = db_column_double(s, 3);
		n++;
	}
	db_finalize(s);
	if (rc >= 0 && str_oom(&texts))
		rc = err_set(ERR_NOMEM, "out of memory");
	if (rc >= 0 && n) {
		const char *t = texts.ptr;
		qsort_r(u, n, sizeof(*u), cmp_usage, texts.ptr);
		json_t *row = NULL;
		for (size_t i = 0; i < n; i++) {
			const usage_row *p = i ? &u[i - 1] : NULL, *c = &u[i];
			bool new_org = !p || p->org != c->org, new_key = new_org || strcmp(t + p->key, t + c->key) != 0;
			if (new_org)
				row = member_row(rows, by_org, c->org, NULL, sectors);
			if (new_key)
				add_int(row, "firms", 1);
			if (new_key || strcmp(t + p->sector, t + c->sector) != 0)
				add_int(json_object_get(row, "firms_by_sector"), t + c->sector, 1);
			add_real(row, "hours_used", c->hours);
			add_int(row, "bookings", 1);
			add_real(json_object_get(row, "hours_by_sector"), t + c->sector, c->hours);
		}
		qsort_r(u, n, sizeof(*u), cmp_key, texts.ptr);
		*out_firms = 1;
		for (size_t i = 1; i < n; i++)
			*out_firms += strcmp(t + u[i - 1].key, t + u[i].key) != 0;
	}
	free(u);
	str_free(&texts);
	return rc < 0 ? rc : 0;
}

int booking_usage_report(json_t **out, db_conn *db, const char *network_code, const char *month, bool see_private)
{
	char from[24], to[24], now[32];
	int64_t net = 0;
	json_t *sectors = NULL, *rows = NULL, *by_org = NULL;
	db_stmt *s = NULL;
	int rc, y, m;
	*out = NULL;
	date_ymd today = vn_today(now);
	if (!month || !*month) {
		y = today.y;
		m = today.m;
	} else if (strlen(month) != 7 || sscanf(month, "%4d-%2d", &y, &m) != 2 || month[4] != '-' || m < 1 || m > 12 || y < 1900) {
		return err_set(ERR_INVALID, "'month' must be a month such as 2026-11, not '%s'", month);
	}
	snprintf(from, sizeof(from), "%04d-%02d-01", y % 10000, m % 100);
	snprintf(to, sizeof(to), "%04d-%02d-01", (m == 12 ? y + 1 : y) % 10000, (m == 12 ? 1 : m + 1) % 100);
	json_t *net_json = NULL;
	rows = json_array();
	by_org = json_object();
	if ((rc = network_id_of(&net, db, network_code, see_private)) < 0)
		goto done;
	if (!net) {
		rc = err_set(ERR_NOTFOUND, "no network with code '%s'", network_code);
		goto done;
	}
	if ((rc = usage_sectors(&sectors, db)) < 0)
		goto done;
	/* the members of the month, then whoever served in it */
	if ((rc = db_prepare(&s, db, "SELECT m.organisation_id, o.name FROM network_member m JOIN organisation o ON "
				     "o.id = m.organisation_id WHERE m.network_id = ? AND (m.joined_on IS NULL OR m.joined_on < ?) "
				     "AND (m.left_on IS NULL OR m.left_on >= ?) ORDER BY o.name")) < 0)
		goto done;
	db_bind_int64(s, 1, net);
	db_bind_text(s, 2, to);
	db_bind_text(s, 3, from);
	while ((rc = db_step(s)) == DB_ROW)
		member_row(rows, by_org, db_column_int64(s, 0), db_column_text(s, 1), sectors);
	db_finalize(s);
	s = NULL;
	if (rc < 0)
		goto done;
	int64_t firms = 0, bookings = 0;
	double hours = 0;
	if ((rc = usage_scan(&firms, rows, by_org, sectors, db, net, from, to)) < 0)
		goto done;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		double h = json_round_significant(json_real_value(json_object_get(row, "hours_used")), 12);
		json_object_set_new(row, "hours_used", json_real(h));
		const char *sec;
		json_t *v;
		json_object_foreach(json_object_get(row, "hours_by_sector"), sec, v)
			json_real_set(v, json_round_significant(json_real_value(v), 12));
		hours += h;
		bookings += json_integer_value(json_object_get(row, "bookings"));
	}
	if ((rc = usage_names(rows, db)) < 0 || (rc = network_get(&net_json, db, network_code, see_private, false)) < 0)
		goto done;
	char month_text[8];
	snprintf(month_text, sizeof(month_text), "%.7s", from);
	*out = json_pack("{s:{s:s, s:O}, s:s, s:s, s:s, s:O, s:{s:f, s:I, s:I}, s:O}", "network", "code", network_code, "name",
		json_object_get(net_json, "name"), "month", month_text, "from", from, "to", to, "by_member", rows, "total",
		"hours_used", json_round_significant(hours, 12), "bookings", (json_int_t)bookings, "firms", (json_int_t)firms,
		"sectors", sectors);
done:
	if (s)
		db_finalize(s);
	json_decref(net_json);
	json_decref(sectors);
	json_decref(rows);
	json_decref(by_org);
	return rc < 0 ? rc : 0;
}
