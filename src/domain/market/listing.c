/* listing: the market's listings, their fields read and checked from one
 * table, who sees which of them, and the review (submit, publish, return,
 * withdraw); every change audited and stamped with a new generation. */
#include "domain/market/listing.h"
#include "domain/market/listing_internal.h"
#include "domain/market/market_search.h"
#include "domain/people/audit.h"
#include "domain/programme/attachment.h"
#include "domain/programme/task.h"
#include "util/err.h"
#include "util/json.h"
#include "util/log.h"
#include "util/period.h"
#include "util/str.h"
#include "util/time.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const listing_kinds[] = { "offer", "problem", "expert", NULL };
const char *const listing_statuses[] = { "draft", "submitted", "published", "returned", "withdrawn", NULL };
const char *const listing_transfer_types[] = { "full_assignment", "partial_assignment", "exclusive_licence",
	"non_exclusive_licence", "sublicence", "licence_with_service", NULL };
static const char *const ip_statuses[] = { "none", "pending", "patent", "utility_solution", "industrial_design",
	"copyright", "plant_variety", "trade_secret", NULL };
static const char *const price_models[] = { "negotiable", "fixed", "royalty", "free", NULL };
static const char *const confidentialities[] = { "public", "summary_only", "private", NULL };
static const char *const states[] = { "draft", "submitted", "published", "returned", "withdrawn", "expired", "all", NULL };

#define TEXT_MAX 20000

const listing_field listing__fields[] = {
	{ "title", "title", "Tên", LF_TEXT, LK_ALL, LR_PUBLIC, 500, NULL, NULL },
	{ "summary", "summary", "Tóm tắt", LF_TEXT, LK_ALL, LR_PUBLIC, 2000, NULL, NULL },
	{ "description", "description", "Mô tả", LF_TEXT, LK_ALL, LR_CONFIDENTIAL, TEXT_MAX, NULL, NULL },
	{ "sector", "sector", "Lĩnh vực", LF_SECTOR, LK_ALL, LR_PUBLIC, 0, NULL, NULL },
	{ "organisation_id", "organisation_id", "Tổ chức", LF_ORG, LK_ALL, LR_PUBLIC, 0, NULL, NULL },
	{ "contact_name", "contact_name", "Người liên hệ", LF_TEXT, LK_ALL, LR_PRIVATE, 200, NULL, NULL },
	{ "contact_email", "contact_email", "Thư điện tử", LF_EMAIL, LK_ALL, LR_PRIVATE, 200, NULL, NULL },
	{ "contact_phone", "contact_phone", "Điện thoại", LF_PHONE, LK_ALL, LR_PRIVATE, 40, NULL, NULL },
	{ "trl", "trl", "Mức độ sẵn sàng (TRL)", LF_INT, LK_OFFER, LR_PUBLIC, 9, NULL, NULL },
	{ "ip_status", "ip_status", "Tình trạng sở hữu trí tuệ", LF_ENUM, LK_OFFER, LR_PUBLIC, 0, ip_statuses, NULL },
	{ "ip_numbers", "ip_numbers", "Số bằng", LF_TEXT, LK_OFFER, LR_PUBLIC, 500, NULL, NULL },
	{ "transfer_types", "transfer_types", "Hình thức chuyển giao", LF_SET, LK_OFFER, LR_PUBLIC, 0,
		listing_transfer_types, "" },
	{ "price_model", "price_model", "Hình thức giá", LF_ENUM, LK_OFFER, LR_PUBLIC, 0, price_models, NULL },
	{ "price", "price", "Giá", LF_TEXT, LK_OFFER, LR_PUBLIC, 200, NULL, NULL },
	{ "context", "context", "Bối cảnh", LF_TEXT, LK_PROBLEM, LR_CONFIDENTIAL, TEXT_MAX, NULL, NULL },
	{ "expected_result", "expected_result", "Kết quả mong đợi", LF_TEXT, LK_PROBLEM, LR_CONFIDENTIAL, TEXT_MAX, NULL,
		NULL },
	{ "budget_min", "budget_min", "Kinh phí từ", LF_REAL, LK_PROBLEM, LR_PUBLIC, 0, NULL, NULL },
	{ "budget_max", "budget_max", "Kinh phí đến", LF_REAL, LK_PROBLEM, LR_PUBLIC, 0, NULL, NULL },
	{ "deadline", "deadline", "Hạn giải quyết", LF_DATE, LK_PROBLEM, LR_PUBLIC, 0, NULL, NULL },
	{ "constraints", "constraints_text", "Ràng buộc", LF_TEXT, LK_PROBLEM, LR_CONFIDENTIAL, TEXT_MAX, NULL, NULL },
	{ "confidentiality", "confidentiality", "Mức công khai", LF_ENUM, LK_ALL, LR_PUBLIC, 0, confidentialities,
		"public" },
	{ "expert_name", "expert_name", "Chuyên gia", LF_TEXT, LK_EXPERT, LR_PUBLIC, 200, NULL, NULL },
	{ "expert_person_id", "expert_person_id", "Mã người dùng của chuyên gia", LF_PERSON, LK_EXPERT, LR_PRIVATE, 0,
		NULL, NULL },
	{ "expert_fields", "expert_fields", "Lĩnh vực chuyên môn", LF_TEXT, LK_EXPERT, LR_PUBLIC, 2000, NULL, NULL },
	{ "expert_record", "expert_record", "Dự án và kết quả", LF_TEXT, LK_EXPERT, LR_PUBLIC, TEXT_MAX, NULL, NULL },
	{ "expires_on", "expires_on", "Hiển thị đến", LF_DATE, LK_ALL, LR_PUBLIC, 0, NULL, NULL },
	{ "demo", "demo", "Dữ liệu mẫu", LF_BOOL, LK_ALL, LR_PRIVATE, 0, NULL, "0" },
	{ "orcid", "orcid", "ORCID", LF_ORCID, LK_EXPERT, LR_PUBLIC, 0, NULL, NULL },
};
const int listing__n_fields = (int)(sizeof(listing__fields) / sizeof(listing__fields[0]));
_Static_assert(sizeof(listing__fields) / sizeof(listing__fields[0]) <= LISTING_MAX_FIELDS, "room for every field");

static bool in_list(const char *const *list, const char *v)
{
	for (int i = 0; v && list[i]; i++)
		if (strcmp(list[i], v) == 0)
			return true;
	return false;
}

/* "a, b, c" of a list, for messages. */
static void list_words(str *out, const char *const *list)
{
	for (int i = 0; list[i]; i++)
		str_appendf(out, "%s%s", i ? ", " : "", list[i]);
}

static int one_of(const char *field, const char *const *list)
{
	str words = STR_INIT;
	list_words(&words, list);
	int rc = err_set(ERR_INVALID, "'%s' must be one of %s", field, str_cstr(&words));
	str_free(&words);
	return rc;
}

int listing__kind_bit(const char *kind)
{
	for (int i = 0; listing_kinds[i]; i++)
		if (kind && strcmp(kind, listing_kinds[i]) == 0)
			return 1 << i;
	return 0;
}

bool listing_operator(const principal *who)
{
	return authz_registry_writer(who);
}

static void today_iso(char out[11])
{
	date_format_iso(task_today(), out);
}

/* ------------------------------------------------------------ field values */

void listing__values_free(listing_value *vals)
{
	for (int i = 0; i < listing__n_fields; i++)
		free(vals[i].owned);
}

bool listing__email_like(const char *v)
{
	const char *at = strchr(v, '@');
	return at && at != v && strchr(at + 1, '.') && !strchr(at + 1, '@') && !strpbrk(v, " \t\r\n<>,;");
}

bool listing__phone_like(const char *v)
{
	int digits = 0;
	for (const char *p = v; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr(" +-.()", *p))
			return false;
	}
	return digits >= 8 && digits <= 15;
}

int listing__dates_check(const listing_value *vals, int *bad, const json_t *before)
{
	static const int dated[] = { F_DEADLINE, F_EXPIRES_ON };
	char today[11];
	today_iso(today);
	for (size_t k = 0; k < sizeof(dated) / sizeof(dated[0]); k++) {
		const listing_value *v = &vals[dated[k]];
		const char *name = listing__fields[dated[k]].name;
		const char *was = before ? json_string_value(json_object_get(before, name)) : NULL;
		if (!v->present || v->null || !v->text || strcmp(v->text, today) >= 0 || (was && strcmp(was, v->text) == 0))
			continue;
		*bad = dated[k];
		return err_set(ERR_INVALID, "'%s': the date %s has passed", name, v->text);
	}
	return 0;
}

/* An array of codes (or "a;b" / "a,b") of list, as "a,b" in list order. */
static int read_set(char **out, const listing_field *f, const json_t *v)
{
	bool on[16] = { false };
	int n = 0;
	while (f->values[n])
		n++;
	if (!json_is_array(v))
		return err_set(ERR_INVALID, "'%s' must be an array of codes", f->name);
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x) {
		const char *code = json_string_value(x);
		int k = 0;
		while (code && k < n && strcmp(f->values[k], code) != 0)
			k++;
		if (!code || k == n)
			return one_of(f->name, f->values);
		on[k] = true;
	}
	str s = STR_INIT;
	for (int k = 0; k < n; k++)
		if (on[k])
			str_appendf(&s, "%s%s", s.len ? "," : "", f->values[k]);
	if (str_oom(&s)) {
		str_free(&s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	*out = str_detach(&s);
	if (!*out)
		*out = strdup("");
	return *out ? 0 : err_set(ERR_NOMEM, "out of memory");
}

/* 0 when sql (a COUNT over key) finds something, else ERR_INVALID with
 * the message for field. */
static int exists(db_conn *db, const char *sql, const char *types, const void *key, const char *field, const char *message)
{
	int64_t n = 0;
	int rc = types[0] == 't' ? db_run(db, &n, sql, "t", (const char *)key) : db_run(db, &n, sql, "i", *(const int64_t *)key);
	if (rc == 0 && !n)
		return err_set(ERR_INVALID, message, field);
	return rc;
}

/* An ORCID iD: four groups of four digits, the last character a digit or X
 * that is the ISO 7064 MOD 11-2 check of the fifteen digits before it. */
static bool orcid_valid(const char *v)
{
	int total = 0, n = 0;
	if (strlen(v) != 19)
		return false;
	for (int i = 0; i < 19; i++) {
		if (i % 5 == 4) {
			if (v[i] != '-')
				return false;
			continue;
		}
		if (++n == 16)
			break;
		if (v[i] < '0' || v[i] > '9')
			return false;
		total = (total + (v[i] - '0')) * 2;
	}
	int check = (12 - total % 11) % 11;
	return v[18] == (check == 10 ? 'X' : '0' + check);
}

#define ORCID_PREFIX "https://orcid.org/"

#define NO_SECTOR "'%s': no such sector"
#define NO_ORGANISATION "'%s': no such organisation"
#define NO_PERSON "'%s': no such person"

static int read_value(listing_value *v, db_conn *db, const listing_field *f, const json_t *x)
{
	v->present = true;
	if (json_is_null(x)) {
		v->null = true;
		return 0;
	}
	switch (f->type) {
	case LF_TEXT:
	case LF_EMAIL:
	case LF_DATE:
	case LF_ENUM:
	case LF_SECTOR:
	case LF_ORCID:
	case LF_PHONE:
		if (!json_is_string(x))
			return err_set(ERR_INVALID, "'%s' must be a string", f->name);
		v->text = json_string_value(x);
		if (!*v->text && strcmp(f->name, "title") != 0) {
			v->null = true;   /* an empty text clears the field */
			return 0;
		}
		break;
	case LF_INT:
	case LF_ORG:
	case LF_PERSON:
		if (!json_is_integer(x))
			return err_set(ERR_INVALID, "'%s' must be a whole number", f->name);
		v->i = json_integer_value(x);
		break;
	case LF_REAL:
		if (!json_is_number(x) || !isfinite(json_number_value(x)) || json_number_value(x) < 0)
			return err_set(ERR_INVALID, "'%s' must be a number of 0 or more", f->name);
		v->d = json_number_value(x);
		return 0;
	case LF_BOOL:
		if (!json_is_boolean(x))
			return err_set(ERR_INVALID, "'%s' must be true or false", f->name);
		v->i = json_is_true(x);
		return 0;
	case LF_SET:
		return read_set(&v->owned, f, x);
	}
	switch (f->type) {
	case LF_TEXT:
		if (!*v->text || strlen(v->text) > (size_t)f->max)
			return err_set(ERR_INVALID, "'%s' must have 1 to %d bytes", f->name, f->max);
		return 0;
	case LF_EMAIL:
		if (strlen(v->text) > (size_t)f->max || !listing__email_like(v->text))
			return err_set(ERR_INVALID, "'%s' is not an e-mail address", f->name);
		return 0;
	case LF_PHONE:
		if (strlen(v->text) > (size_t)f->max || !listing__phone_like(v->text))
			return err_set(ERR_INVALID, "'%s' is not a phone number", f->name);
		return 0;
	case LF_DATE: {
		date_ymd d;
		return date_parse(&d, v->text, strlen(v->text)) < 0
			? err_set(ERR_INVALID, "'%s' must be a date YYYY-MM-DD", f->name) : 0;
	}
	case LF_ENUM:
		return in_list(f->values, v->text) ? 0 : one_of(f->name, f->values);
	case LF_ORCID:
		if (strncmp(v->text, ORCID_PREFIX, strlen(ORCID_PREFIX)) == 0)
			v->text += strlen(ORCID_PREFIX);
		return orcid_valid(v->text) ? 0 : err_set(ERR_INVALID, "'%s' is not an ORCID iD", f->name);
	case LF_SECTOR:
		return exists(db, "SELECT COUNT(*) FROM sector WHERE code = ?", "t", v->text, f->name, NO_SECTOR);
	case LF_INT:
		if (v->i < 1 || v->i > f->max)
			return err_set(ERR_INVALID, "'%s' must be a whole number from 1 to %d", f->name, f->max);
		return 0;
	case LF_ORG:
		return exists(db, "SELECT COUNT(*) FROM organisation WHERE id = ? AND status <> 'merged'", "i", &v->i, f->name,
			NO_ORGANISATION);
	case LF_PERSON:
		return exists(db, "SELECT COUNT(*) FROM person WHERE id = ?", "i", &v->i, f->name, NO_PERSON);
	default:
		return 0;
	}
}

int listing__values_read(listing_value *vals, int *bad, db_conn *db, const json_t *in, const char *kind, bool creating)
{
	int rc, bit = listing__kind_bit(kind);
	memset(vals, 0, sizeof(*vals) * (size_t)listing__n_fields);
	*bad = -1;
	if ((rc = json_require_object(in, "the listing")) < 0)
		return rc;
	for (int i = 0; i < listing__n_fields; i++) {
		const listing_field *f = &listing__fields[i];
		const json_t *x = json_object_get(in, f->name);
		if (!x)
			continue;
		*bad = i;
		if ((rc = read_value(&vals[i], db, f, x)) < 0)
			return rc;
		if (!vals[i].null && !(f->kinds & bit))
			return err_set(ERR_INVALID, "'%s' does not apply to a listing of kind %s", f->name, kind);
		if (i == F_CONFIDENTIALITY && !vals[i].null && bit != LK_PROBLEM && strcmp(vals[i].text, "public") != 0)
			return err_set(ERR_INVALID, "'%s' does not apply to a listing of kind %s", f->name, kind);
	}
	*bad = F_TITLE;
	if (creating && (!vals[F_TITLE].present || vals[F_TITLE].null))
		return err_set(ERR_INVALID, "'%s' is required", "title");
	*bad = F_BUDGET_MAX;
	if (vals[F_BUDGET_MIN].present && vals[F_BUDGET_MAX].present && !vals[F_BUDGET_MIN].null && !vals[F_BUDGET_MAX].null && vals[F_BUDGET_MAX].d < vals[F_BUDGET_MIN].d)
		return err_set(ERR_INVALID, "'budget_max' is less than 'budget_min'");
	*bad = -1;
	return 0;
}

/* Binds vals[i] at position k of s. */
static void bind_value(db_stmt *s, int k, const listing_field *f, const listing_value *v)
{
	if (v->null) {
		if (f->when_null && f->type == LF_BOOL)
			db_bind_int64(s, k, 0);
		else if (f->when_null)
			db_bind_text(s, k, f->when_null);
		else
			db_bind_null(s, k);
		return;
	}
	switch (f->type) {
	case LF_INT:
	case LF_ORG:
	case LF_PERSON:
	case LF_BOOL:
		db_bind_int64(s, k, v->i);
		break;
	case LF_REAL:
		db_bind_double(s, k, v->d);
		break;
	case LF_SET:
		db_bind_text(s, k, v->owned);
		break;
	default:
		db_bind_text(s, k, v->text);
	}
}

/* One UPDATE of every present field of listing id. */
static int write_values(db_conn *db, int64_t id, const listing_value *vals)
{
	str sql = STR_INIT;
	db_stmt *s;
	int n = 0, rc;
	str_append(&sql, "UPDATE listing SET ");
	for (int i = 0; i < listing__n_fields; i++)
		if (vals[i].present)
			str_appendf(&sql, "%s%s = ?", n++ ? ", " : "", listing__fields[i].column);
	str_append(&sql, " WHERE id = ?");
	if (!n) {
		str_free(&sql);
		return 0;
	}
	if ((rc = db_prepare(&s, db, str_cstr(&sql))) == 0) {
		int k = 1;
		for (int i = 0; i < listing__n_fields; i++)
			if (vals[i].present)
				bind_value(s, k++, &listing__fields[i], &vals[i]);
		db_bind_int64(s, k, id);
		rc = db_step(s);
		db_finalize(s);
	}
	str_free(&sql);
	return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------------ reads */

/* A whole number as an integer, anything else as a real. */
static json_t *number_json(double d)
{
	if (d == floor(d) && fabs(d) < 9e15)
		return json_integer((json_int_t)d);
	return json_real(d);
}

/* The JSON of a stored column of field f. */
static json_t *column_json(db_stmt *s, int i, const listing_field *f)
{
	if (db_column_is_null(s, i))
		return f->type == LF_SET ? json_array() : json_null();
	switch (f->type) {
	case LF_INT:
	case LF_ORG:
	case LF_PERSON:
		return json_integer(db_column_int64(s, i));
	case LF_REAL:
		return number_json(db_column_double(s, i));
	case LF_BOOL:
		return json_boolean(db_column_int64(s, i) != 0);
	case LF_SET:
		return json_csv_list(db_column_text(s, i));
	default:
		return json_string(db_column_text(s, i));
	}
}

/* The JSON a value would be stored as (for telling changes apart). */
static json_t *value_json(const listing_field *f, const listing_value *v)
{
	if (v->null)
		return f->type == LF_SET ? json_array() : f->when_null ? (f->type == LF_BOOL ? json_false() : json_string(f->when_null)) : json_null();
	switch (f->type) {
	case LF_INT:
	case LF_ORG:
	case LF_PERSON:
		return json_integer(v->i);
	case LF_REAL:
		return number_json(v->d);
	case LF_BOOL:
		return json_boolean(v->i != 0);
	case LF_SET:
		return json_csv_list(v->owned);
	default:
		return json_string(v->text);
	}
}

#define N_HEAD 13   /* the columns before the fields */

static void select_sql(str *sql)
{
	str_append(sql, "SELECT l.id, l.kind, l.status, l.created_by, p.name, o.name, l.return_reason, l.submitted_at, "
			"l.reviewed_at, l.published_at, l.generation, l.created_at, l.updated_at");
	for (int i = 0; i < listing__n_fields; i++)
		str_appendf(sql, ", l.%s", listing__fields[i].column);
	str_append(sql, " FROM listing l LEFT JOIN person p ON p.id = l.created_by "
			"LEFT JOIN organisation o ON o.id = l.organisation_id");
}

/* A row of select_sql as the whole record (every field). */
static json_t *row_json(db_stmt *s, const char *today)
{
	const char *status = db_column_text(s, 2);
	const char *expires = db_column_text(s, N_HEAD + F_EXPIRES_ON);
	bool expired = strcmp(status, "published") == 0 && expires && strcmp(expires, today) < 0;
	json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)db_column_int64(s, 0), "kind", db_column_text(s, 1),
		"status", status, "state", expired ? "expired" : status);
	for (int i = 0; i < listing__n_fields; i++)
		json_object_set_new(o, listing__fields[i].name, column_json(s, N_HEAD + i, &listing__fields[i]));
	json_object_set_new(o, "organisation", db_column_is_null(s, N_HEAD + F_ORG) ? json_null()
		: json_pack("{s:I, s:s?}", "id", (json_int_t)db_column_int64(s, N_HEAD + F_ORG), "name", db_column_text(s, 5)));
	json_object_set_new(o, "created_by", db_column_is_null(s, 3) ? json_null()
		: json_pack("{s:I, s:s?}", "id", (json_int_t)db_column_int64(s, 3), "name", db_column_text(s, 4)));
	static const char *const tail[] = { "return_reason", "submitted_at", "reviewed_at", "published_at" };
	for (int k = 0; k < 4; k++)
		json_object_set_new(o, tail[k], db_column_is_null(s, 6 + k) ? json_null() : json_string(db_column_text(s, 6 + k)));
	json_object_set_new(o, "generation", json_integer(db_column_int64(s, 10)));
	json_object_set_new(o, "created_at", json_string(db_column_text(s, 11)));
	json_object_set_new(o, "updated_at", json_string(db_column_text(s, 12)));
	return o;
}

int listing__load(json_t **out, db_conn *db, int64_t id)
{
	char today[11];
	str sql = STR_INIT;
	db_stmt *s;
	today_iso(today);
	*out = NULL;
	select_sql(&sql);
	str_append(&sql, " WHERE l.id = ?");
	int rc = db_prepare(&s, db, str_cstr(&sql));
	str_free(&sql);
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW)
		*out = row_json(s, today);
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static listing_role role_for(const principal *who, const json_t *rec)
{
	if (listing_operator(who))
		return LISTING_OPERATOR;
	if (!who->person_id)
		return LISTING_READER;
	const json_t *by = json_object_get(rec, "created_by");
	if (by && json_integer_value(json_object_get(by, "id")) == who->person_id)
		return LISTING_OWNER;
	json_int_t org = json_integer_value(json_object_get(rec, "organisation_id"));
	return org && authz_edits_organisation(who, org) ? LISTING_OWNER : LISTING_READER;
}

static const char *role_name_of(listing_role r)
{
	return r == LISTING_OPERATOR ? "operator" : r == LISTING_OWNER ? "owner" : "reader";
}

/* Strips from rec what a reader may not see; false when they may not see
 * it at all. */
static bool for_reader(json_t *rec, bool anonymous)
{
	const char *conf = json_string_value(json_object_get(rec, "confidentiality"));
	bool problem = strcmp(json_string_value(json_object_get(rec, "kind")), "problem") == 0;
	bool hide = problem && conf && ((anonymous && strcmp(conf, "public") != 0) || strcmp(conf, "private") == 0);
	if (anonymous && problem && conf && strcmp(conf, "private") == 0)
		return false;
	for (int i = 0; i < listing__n_fields; i++) {
		const listing_field *f = &listing__fields[i];
		if (f->reach == LR_PRIVATE || (hide && f->reach == LR_CONFIDENTIAL))
			json_object_del(rec, f->name);
	}
	static const char *const internal[] = { "created_by", "return_reason", "submitted_at", "reviewed_at", "generation" };
	for (size_t k = 0; k < sizeof(internal) / sizeof(internal[0]); k++)
		json_object_del(rec, internal[k]);
	json_object_set_new(rec, "details_hidden", json_boolean(hide));
	return true;
}

int listing_role_of(listing_role *out, const char **status, const char **kind, db_conn *db, const principal *who,
	int64_t id)
{
	json_t *rec;
	int rc = listing__load(&rec, db, id);
	if (rc < 0)
		return rc;
	if (!rec)
		return err_set(ERR_NOTFOUND, "no listing with id %lld", (long long)id);
	*out = role_for(who, rec);
	const char *st = json_string_value(json_object_get(rec, "state"));
	const char *k = json_string_value(json_object_get(rec, "kind"));
	for (int i = 0; status && states[i]; i++)
		if (strcmp(states[i], st) == 0)
			*status = states[i];
	for (int i = 0; kind && listing_kinds[i]; i++)
		if (strcmp(listing_kinds[i], k) == 0)
			*kind = listing_kinds[i];
	json_decref(rec);
	return 0;
}

static int count_view(db_conn *db, int64_t id)
{
	char day[11];
	today_iso(day);
	return db_run(db, NULL, "INSERT INTO listing_view (listing_id, day, n) VALUES (?, ?, 1) "
				"ON CONFLICT (listing_id, day) DO UPDATE SET n = listing_view.n + 1", "it", id, day);
}

int listing_get(json_t **out, db_conn *db, const principal *who, int64_t id, bool count)
{
	json_t *rec, *files;
	int rc = listing__load(&rec, db, id);
	*out = NULL;
	if (rc < 0)
		return rc;
	if (!rec)
		return err_set(ERR_NOTFOUND, "no listing with id %lld", (long long)id);
	listing_role role = role_for(who, rec);
	const char *state = json_string_value(json_object_get(rec, "state"));
	if (role == LISTING_READER) {
		bool shown = strcmp(state, "published") == 0 || strcmp(state, "expired") == 0;
		if (!shown || !for_reader(rec, !who->person_id && !who->cli)) {
			json_decref(rec);
			return err_set(ERR_NOTFOUND, "no listing with id %lld", (long long)id);
		}
		if (count && strcmp(state, "published") == 0 && (rc = count_view(db, id)) < 0) {
			json_decref(rec);
			return rc;
		}
	}
	if ((rc = attachment_list(&files, db, "listing", id)) < 0) {
		json_decref(rec);
		return rc;
	}
	/* each file's role (file or image) */
	size_t i;
	json_t *f;
	json_array_foreach(files, i, f) {
		int64_t image = 0;
		if ((rc = db_run(db, &image, "SELECT COUNT(*) FROM listing_attachment WHERE listing_id = ? AND attachment_id = ? "
					    "AND role = 'image'", "ii", id, (int64_t)json_integer_value(json_object_get(f, "id")))) < 0)
			break;
		json_object_set_new(f, "role", json_string(image ? "image" : "file"));
	}
	json_object_set_new(rec, "files", files);
	json_object_set_new(rec, "role", json_string(role_name_of(role)));
	if (rc < 0) {
		json_decref(rec);
		return rc;
	}
	*out = rec;
	return 0;
}

int listing_generation(int64_t *out, db_conn *db)
{
	return db_run(db, out, "SELECT n FROM listing_generation WHERE id = 1", "");
}

/* The filter's WHERE clause and its parameters, in order. */
typedef struct list_query {
	str where;
	const char *texts[8];
	int64_t ints[8];
	char kinds[16];   /* 't' or 'i' for each parameter */
	int n, nt, ni;
} list_query;

static void param_text(list_query *q, const char *v)
{
	q->texts[q->nt++] = v;
	q->kinds[q->n++] = 't';
}

static void param_int(list_query *q, int64_t v)
{
	if (q->ni < 8) {
		q->ints[q->ni++] = v;
		q->kinds[q->n++] = 'i';
	}
}

static void bind_query(db_stmt *s, const list_query *q)
{
	int t = 0, i = 0;
	for (int k = 0; k < q->n; k++) {
		if (q->kinds[k] == 't')
			db_bind_text(s, k + 1, q->texts[t++]);
		else
			db_bind_int64(s, k + 1, q->ints[i++]);
	}
}

#define STATE_SQL "(CASE WHEN l.status = 'published' AND l.expires_on IS NOT NULL AND l.expires_on < ? THEN 'expired' ELSE l.status END)"

static int build_where(list_query *q, const principal *who, const listing_filter *f, const char *today)
{
	bool op = listing_operator(who);
	const char *state = f->status;
	str_append(&q->where, " WHERE 1 = 1");
	if (f->mine) {
		if (!who->person_id && !who->cli)
			return err_set(ERR_UNAUTHORIZED, "sign in to see your listings");
		/* created by them, or of an organisation they edit */
		str_append(&q->where, " AND (l.created_by = ? OR l.organisation_id IN "
				      "(SELECT organisation_id FROM organisation_editor WHERE person_id = ?))");
		param_int(q, who->person_id);
		param_int(q, who->person_id);
	} else if (!op || !state) {
		state = "published";
	}
	if (!f->mine && !op && (!who->person_id && !who->cli))
		str_append(&q->where, " AND NOT (l.kind = 'problem' AND l.confidentiality = 'private')");
	if (state && strcmp(state, "all") != 0) {
		str_append(&q->where, " AND " STATE_SQL " = ?");
		param_text(q, today);
		param_text(q, state);
	}
	if (f->kind) {
		str_append(&q->where, " AND l.kind = ?");
		param_text(q, f->kind);
	}
	if (f->sector) {
		str_append(&q->where, " AND l.sector = ?");
		param_text(q, f->sector);
	}
	if (f->trl) {
		str_append(&q->where, " AND l.trl = ?");
		param_int(q, f->trl);
	}
	if (f->organisation_id) {
		str_append(&q->where, " AND l.organisation_id = ?");
		param_int(q, f->organisation_id);
	}
	return 0;
}

/* Sets rec's "submitted_by" {id, name} | null: the person of its last submission. */
static int submitter_add(json_t *rec, db_conn *db)
{
	char key[24];
	db_stmt *s;
	snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(json_object_get(rec, "id")));
	int rc = db_prepare(&s, db, "SELECT p.id, p.name FROM audit a JOIN person p ON p.id = a.person_id WHERE a.entity = "
				   "'listing' AND a.entity_id = ? AND a.action = 'submit' ORDER BY a.seq DESC LIMIT 1");
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, key);
	json_t *by = json_null();
	if ((rc = db_step(s)) == DB_ROW) {
		json_decref(by);
		by = json_pack("{s:I, s:s?}", "id", (json_int_t)db_column_int64(s, 0), "name", db_column_text(s, 1));
	}
	db_finalize(s);
	json_object_set_new(rec, "submitted_by", by);
	return rc < 0 ? rc : DB_DONE;
}

int listing_list(json_t **out, db_conn *db, const principal *who, const listing_filter *f)
{
	char today[11];
	list_query q = { .where = STR_INIT };
	str sql = STR_INIT;
	int64_t total = 0;
	db_stmt *s;
	json_t *list = NULL;
	int rc;
	*out = NULL;
	today_iso(today);
	if (f->kind && !in_list(listing_kinds, f->kind))
		return one_of("kind", listing_kinds);
	if (f->status && !in_list(states, f->status))
		return one_of("status", states);
	if (f->trl && (f->trl < 1 || f->trl > 9))
		return err_set(ERR_INVALID, "'%s' must be a whole number from 1 to %d", "trl", 9);
	if (f->sector && (rc = exists(db, "SELECT COUNT(*) FROM sector WHERE code = ?", "t", f->sector, "sector", NO_SECTOR)) < 0)
		return rc;
	if ((rc = build_where(&q, who, f, today)) < 0)
		goto done;
	str_append(&sql, "SELECT COUNT(*) FROM listing l");
	str_append(&sql, str_cstr(&q.where));
	if ((rc = db_prepare(&s, db, str_cstr(&sql))) < 0)
		goto done;
	bind_query(s, &q);
	if ((rc = db_step(s)) == DB_ROW)
		total = db_column_int64(s, 0);
	db_finalize(s);
	if (rc < 0)
		goto done;
	str_clear(&sql);
	select_sql(&sql);
	str_append(&sql, str_cstr(&q.where));
	str_appendf(&sql, " ORDER BY l.updated_at DESC, l.id DESC LIMIT %lld OFFSET %lld", (long long)f->limit,
		(long long)f->offset);
	if ((rc = db_prepare(&s, db, str_cstr(&sql))) < 0)
		goto done;
	bind_query(s, &q);
	list = json_array();
	while ((rc = db_step(s)) == DB_ROW) {
		json_t *rec = row_json(s, today);
		listing_role role = role_for(who, rec);
		if (role == LISTING_READER && !for_reader(rec, !who->person_id && !who->cli)) {
			json_decref(rec);
			continue;
		}
		static const char *const long_fields[] = { "description", "context", "expected_result", "constraints",
			"expert_record" };
		for (size_t k = 0; k < sizeof(long_fields) / sizeof(long_fields[0]); k++)
			json_object_del(rec, long_fields[k]);
		json_object_set_new(rec, "role", json_string(role_name_of(role)));
		json_array_append_new(list, rec);
	}
	db_finalize(s);
	/* the review queue says who submitted each listing */
	for (size_t k = 0; rc == DB_DONE && k < json_array_size(list); k++) {
		json_t *rec = json_array_get(list, k);
		if (strcmp(json_string_value(json_object_get(rec, "role")), "operator") == 0 &&
		    strcmp(json_string_value(json_object_get(rec, "status")), "submitted") == 0)
			rc = submitter_add(rec, db);
	}
done:
	str_free(&sql);
	str_free(&q.where);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o, s:I}", "listings", list, "total", (json_int_t)total);
	return 0;
}

/* ----------------------------------------------------------------- writes */

int listing__touch(db_conn *db, int64_t id)
{
	char now[TIME_ISO_SIZE];
	int64_t gen = 0;
	int rc;
	time_now_iso(now);
	if ((rc = db_run(db, NULL, "UPDATE listing_generation SET n = n + 1 WHERE id = 1", "")) < 0 ||
	    (rc = db_run(db, &gen, "SELECT n FROM listing_generation WHERE id = 1", "")) < 0)
		return rc;
	return db_run(db, NULL, "UPDATE listing SET generation = ?, updated_at = ? WHERE id = ?", "iti", gen, now, id);
}

static int audit_listing(db_conn *db, const principal *who, const char *action, int64_t id, json_t *before)
{
	json_t *after;
	int rc = listing__load(&after, db, id);
	if (rc < 0) {
		json_decref(before);
		return rc;
	}
	return audit_append_id(db, who, action, "listing", id, before, after);
}

/* Runs a write's result rc (of a call inside the transaction begun
 * before it) to its end: committed when it succeeded, rolled back (its
 * error kept) otherwise; then this process's search index reads the
 * change. A failure of the index is only logged: its next query catches
 * up by the generation anyway. */
static int finish(db_conn *db, int rc)
{
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	if ((rc = db_commit(db)) < 0)
		return rc;
	if (market_search_changed(db, 0) < 0)
		log_warn("the market's search index did not read a change: %s", err_msg());
	return 0;
}

int listing_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in, const char *status)
{
	listing_value vals[LISTING_MAX_FIELDS];
	const char *kind = NULL;
	char now[TIME_ISO_SIZE];
	int bad, rc;
	if (!who->person_id && !who->cli)
		return err_set(ERR_UNAUTHORIZED, "sign in to create a listing");
	if ((rc = json_require_object(in, "the listing")) < 0 || (rc = json_get_string(&kind, in, "kind", 1)) < 0)
		return rc;
	if (!in_list(listing_kinds, kind))
		return one_of("kind", listing_kinds);
	if ((rc = listing__values_read(vals, &bad, db, in, kind, true)) < 0 ||
	    (rc = listing__dates_check(vals, &bad, NULL)) < 0)
		goto done;
	if (vals[F_ORG].present && !vals[F_ORG].null && !authz_edits_organisation(who, vals[F_ORG].i)) {
		rc = err_set(ERR_FORBIDDEN, "you may not create listings for organisation %lld", (long long)vals[F_ORG].i);
		goto done;
	}
	time_now_iso(now);
	if ((rc = db_run(db, out_id, "INSERT INTO listing (kind, status, title, created_by, created_at, updated_at) "
				    "VALUES (?, ?, ?, NULLIF(?, 0), ?, ?) RETURNING id", "tttitt", kind, status, vals[F_TITLE].text,
		     who->person_id, now, now)) < 0)
		goto done;
	if ((rc = write_values(db, *out_id, vals)) < 0 || (rc = listing__touch(db, *out_id)) < 0)
		goto done;
	if (strcmp(status, "published") == 0) {
		char day[11];
		date_ymd t = task_today();
		date_format_iso(date_from_days(date_to_days(t) + LISTING_DEFAULT_DAYS), day);
		if ((rc = db_run(db, NULL, "UPDATE listing SET published_at = ?, reviewed_at = ?, "
					   "expires_on = COALESCE(expires_on, ?) WHERE id = ?", "ttti", now, now, day, *out_id)) < 0)
			goto done;
	}
	rc = audit_listing(db, who, "create", *out_id, NULL);
done:
	listing__values_free(vals);
	return rc;
}

int listing_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	int rc = db_begin_write(db);
	return rc < 0 ? rc : finish(db, listing_insert(out_id, db, who, in, "draft"));
}

int listing_update_in(bool *changed, db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	listing_value vals[LISTING_MAX_FIELDS];
	json_t *before;
	int bad, rc = listing__load(&before, db, id);
	*changed = false;
	if (rc < 0)
		return rc;
	if (!before)
		return err_set(ERR_NOTFOUND, "no listing with id %lld", (long long)id);
	listing_role role = role_for(who, before);
	const char *kind = json_string_value(json_object_get(before, "kind"));
	const char *given_kind = json_string_value(json_object_get(in, "kind"));
	memset(vals, 0, sizeof(vals));
	if (role == LISTING_READER) {
		rc = who->person_id || who->cli ? err_set(ERR_FORBIDDEN, "only its owners and the market operator change a listing")
			: err_set(ERR_UNAUTHORIZED, "sign in to change a listing");
		goto done;
	}
	if (given_kind && strcmp(given_kind, kind) != 0) {
		rc = err_set(ERR_INVALID, "a listing's kind does not change");
		goto done;
	}
	if ((rc = listing__values_read(vals, &bad, db, in, kind, false)) < 0 ||
	    (rc = listing__dates_check(vals, &bad, before)) < 0)
		goto done;
	if (vals[F_TITLE].present && vals[F_TITLE].null) {
		rc = err_set(ERR_INVALID, "'%s' is required", "title");
		goto done;
	}
	if (role != LISTING_OPERATOR && vals[F_ORG].present && !vals[F_ORG].null && !authz_edits_organisation(who, vals[F_ORG].i)) {
		rc = err_set(ERR_FORBIDDEN, "you may not create listings for organisation %lld", (long long)vals[F_ORG].i);
		goto done;
	}
	/* only what differs is written */
	for (int i = 0; i < listing__n_fields; i++) {
		if (!vals[i].present)
			continue;
		json_t *now = value_json(&listing__fields[i], &vals[i]);
		if (json_equal(now, json_object_get(before, listing__fields[i].name)))
			vals[i].present = false;
		else
			*changed = true;
		json_decref(now);
	}
	if (!*changed)
		goto done;
	if (strcmp(json_string_value(json_object_get(before, "status")), "withdrawn") == 0) {
		rc = err_set(ERR_CONFLICT, "the listing is withdrawn");
		goto done;
	}
	if ((rc = write_values(db, id, vals)) < 0 || (rc = listing__touch(db, id)) < 0)
		goto done;
	rc = audit_listing(db, who, "update", id, before);
	before = NULL;
done:
	json_decref(before);
	listing__values_free(vals);
	return rc;
}

int listing_update(db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	bool changed;
	int rc = db_begin_write(db);
	return rc < 0 ? rc : finish(db, listing_update_in(&changed, db, who, id, in));
}

/* ------------------------------------------------------------- the review */

enum review { R_SUBMIT, R_PUBLISH, R_RETURN, R_WITHDRAW };

static const char *const review_actions[] = { "submit", "publish", "return", "withdraw" };

static int review_allowed(listing_role role, const principal *who, enum review r)
{
	bool operator_only = r == R_PUBLISH || r == R_RETURN;
	if (role == LISTING_READER || (operator_only && role != LISTING_OPERATOR)) {
		if (!who->person_id && !who->cli)
			return err_set(ERR_UNAUTHORIZED, "sign in to change a listing");
		return operator_only ? err_set(ERR_FORBIDDEN, "only the market operator publishes or returns a listing")
			: err_set(ERR_FORBIDDEN, "only its owners submit or withdraw a listing");
	}
	return 0;
}

static int need_field(const json_t *rec, const char *field)
{
	const json_t *v = json_object_get(rec, field);
	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
		return err_set(ERR_INVALID, "'%s' is required before the listing is submitted", field);
	return 0;
}

static int review_in(db_conn *db, const principal *who, int64_t id, enum review r, const char *reason)
{
	char now[TIME_ISO_SIZE];
	json_t *before;
	int rc = listing__load(&before, db, id);
	if (rc < 0)
		return rc;
	if (!before)
		return err_set(ERR_NOTFOUND, "no listing with id %lld", (long long)id);
	listing_role role = role_for(who, before);
	const char *status = json_string_value(json_object_get(before, "status"));
	const char *kind = json_string_value(json_object_get(before, "kind"));
	time_now_iso(now);
	if ((rc = review_allowed(role, who, r)) < 0)
		goto done;
	bool ok = r == R_SUBMIT ? strcmp(status, "draft") == 0 || strcmp(status, "returned") == 0
		: r == R_PUBLISH ? strcmp(status, "submitted") == 0
		: r == R_RETURN ? strcmp(status, "submitted") == 0 || strcmp(status, "published") == 0
		: strcmp(status, "withdrawn") != 0;
	if (!ok) {
		rc = err_set(ERR_CONFLICT, "the listing's status (%s) does not allow this", status);
		goto done;
	}
	switch (r) {
	case R_SUBMIT:
		if ((rc = need_field(before, "summary")) < 0 ||
		    (strcmp(kind, "offer") == 0 && (rc = need_field(before, "trl")) < 0) ||
		    (strcmp(kind, "expert") == 0 && (rc = need_field(before, "expert_name")) < 0))
			goto done;
		rc = db_run(db, NULL, "UPDATE listing SET status = 'submitted', submitted_at = ? WHERE id = ?", "ti", now, id);
		break;
	case R_PUBLISH: {
		char today[11], until[11];
		today_iso(today);
		date_format_iso(date_from_days(date_to_days(task_today()) + LISTING_DEFAULT_DAYS), until);
		const char *exp = json_string_value(json_object_get(before, "expires_on"));
		const char *deadline = json_string_value(json_object_get(before, "deadline"));
		/* a date that passed while the listing waited is the owners' to
		 * set again (or the operator's, who may edit it): never guessed */
		if (exp && strcmp(exp, today) < 0) {
			rc = err_set(ERR_INVALID, "'%s': the date %s has passed; set a later one before publishing", "expires_on", exp);
			goto done;
		}
		if (deadline && strcmp(deadline, today) < 0) {
			rc = err_set(ERR_INVALID, "'%s': the date %s has passed; set a later one before publishing", "deadline",
				deadline);
			goto done;
		}
		rc = db_run(db, NULL, "UPDATE listing SET status = 'published', return_reason = NULL, reviewed_by = NULLIF(?, 0), "
				      "reviewed_at = ?, published_at = COALESCE(published_at, ?), expires_on = ? WHERE id = ?",
			"ittti", who->person_id, now, now, exp ? exp : until, id);
		break;
	}
	case R_RETURN:
		if (!reason || !*reason || strlen(reason) > 2000) {
			rc = err_set(ERR_INVALID, "'%s' must have 1 to %d bytes", "reason", 2000);
			goto done;
		}
		rc = db_run(db, NULL, "UPDATE listing SET status = 'returned', return_reason = ?, reviewed_by = NULLIF(?, 0), "
				      "reviewed_at = ? WHERE id = ?", "titi", reason, who->person_id, now, id);
		break;
	case R_WITHDRAW:
		rc = db_run(db, NULL, "UPDATE listing SET status = 'withdrawn' WHERE id = ?", "i", id);
		break;
	}
	if (rc < 0 || (rc = listing__touch(db, id)) < 0)
		goto done;
	/* what the owners' inbox tells them (notice.h) */
	if ((r == R_PUBLISH || r == R_RETURN) &&
	    (rc = db_run(db, NULL, "INSERT INTO listing_review (listing_id, decision, reason, reviewed_by, reviewed_at) "
				   "VALUES (?, ?, ?, NULLIF(?, 0), ?)", "ittit", id, r == R_PUBLISH ? "published" : "returned",
		     r == R_RETURN ? reason : NULL, who->person_id, now)) < 0)
		goto done;
	rc = audit_listing(db, who, review_actions[r], id, before);
	before = NULL;
done:
	json_decref(before);
	return rc;
}

int listing_submit(db_conn *db, const principal *who, int64_t id)
{
	int rc = db_begin_write(db);
	return rc < 0 ? rc : finish(db, review_in(db, who, id, R_SUBMIT, NULL));
}

int listing_publish(db_conn *db, const principal *who, int64_t id)
{
	int rc = db_begin_write(db);
	return rc < 0 ? rc : finish(db, review_in(db, who, id, R_PUBLISH, NULL));
}

int listing_return(db_conn *db, const principal *who, int64_t id, const char *reason)
{
	int rc = db_begin_write(db);
	return rc < 0 ? rc : finish(db, review_in(db, who, id, R_RETURN, reason));
}

int listing_withdraw(db_conn *db, const principal *who, int64_t id)
{
	int rc = db_begin_write(db);
	return rc < 0 ? rc : finish(db, review_in(db, who, id, R_WITHDRAW, NULL));
}

/* ------------------------------------------------------------------ files */

int listing_file_add(json_t **out, db_conn *db, const principal *who, const char *data_dir, int64_t id,
	const char *role, const char *name, const char *p, size_t len)
{
	listing_role r;
	int rc;
	*out = NULL;
	if (!role)
		role = "file";
	if (strcmp(role, "file") != 0 && strcmp(role, "image") != 0)
		return err_set(ERR_INVALID, "'%s' must be one of %s", "role", "file, image");
	if ((rc = listing_role_of(&r, NULL, NULL, db, who, id)) < 0)
		return rc;
	if (r == LISTING_READER)
		return who->person_id ? err_set(ERR_FORBIDDEN, "only its owners and the market operator change a listing")
			: err_set(ERR_UNAUTHORIZED, "sign in to change a listing");
	if (strcmp(role, "image") == 0) {
		const char *type = attachment_sniff(p, len, name);
		if (!type)
			return ERR_INVALID;
		if (strcmp(type, "image/png") != 0 && strcmp(type, "image/jpeg") != 0)
			return err_set(ERR_INVALID, "an image must be a PNG or JPEG file");
	}
	/* attachment_add stores the file and its record in a transaction of
	 * its own; the link to the listing follows in a second one (a record
	 * left without its link is listed with the listing as a file) */
	if ((rc = attachment_add(out, db, who, data_dir, "listing", id, name, p, len)) < 0)
		return rc;
	int64_t file_id = json_integer_value(json_object_get(*out, "id"));
	if ((rc = db_begin_write(db)) == 0) {
		if ((rc = db_run(db, NULL, "INSERT INTO listing_attachment (listing_id, attachment_id, role, position) "
					   "VALUES (?, ?, ?, ?)", "iiti", id, file_id, role, file_id)) == 0 &&
		    (rc = listing__touch(db, id)) == 0)
			rc = audit_append_id(db, who, "add_file", "listing", id, NULL,
				json_pack("{s:I, s:s, s:s}", "attachment_id", (json_int_t)file_id, "name", name, "role", role));
		rc = finish(db, rc);
	}
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	json_object_set_new(*out, "role", json_string(role));
	return 0;
}

int listing_file_check(db_conn *db, int64_t id, int64_t file_id)
{
	int64_t n = 0;
	int rc = db_run(db, &n, "SELECT COUNT(*) FROM listing_attachment WHERE listing_id = ? AND attachment_id = ?", "ii", id,
		file_id);
	if (rc == 0 && !n)
		return err_set(ERR_NOTFOUND, "no file %lld on this listing", (long long)file_id);
	return rc;
}
