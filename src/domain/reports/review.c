/* review: the report's content, built from the dashboards (review.h). */
#include "domain/reports/review.h"
#include "domain/dashboards/dashboard.h"
#include "domain/ecosystem/agreement.h"
#include "domain/programme/task.h"
#include "util/err.h"
#include "util/str.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NATIONAL_NAME "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
#define NATIONAL_MOTTO "Độc lập - Tự do - Hạnh phúc"

static const char *const status_codes[] = { "done_on_time", "done_late", "open_overdue", "open_due_soon", "open_in_time" };

/* ---------------------------------------------------------------- content */

static int find_document(json_t **out, db_conn *db, const char *number)
{
	db_stmt *s;
	int rc;
	if (!number || !*number)
		return err_set(ERR_INVALID, "'document': give the document's number, e.g. 43/KH-UBND");
	if ((rc = db_prepare(&s, db, "SELECT id, number, kind, title, issuer, issued_on FROM document WHERE number = ?")) < 0)
		return rc;
	db_bind_text(s, 1, number);
	if ((rc = db_step(s)) == DB_ROW)
		*out = json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?}", "id", (json_int_t)db_column_int64(s, 0), "number",
			db_column_text(s, 1), "kind", db_column_text(s, 2), "title", db_column_text(s, 3), "issuer",
			db_column_text(s, 4), "issued_on", db_column_text(s, 5));
	db_finalize(s);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : err_set(ERR_NOTFOUND, "no document numbered '%s'", number);
}

/* "Thành phố Hà Nội" -> "Hà Nội": the place in "Hà Nội, ngày ...". */
static char *place_name(db_conn *db)
{
	db_stmt *s;
	char *place = NULL;
	if (db_prepare(&s, db, "SELECT name FROM unit WHERE parent_id IS NULL ORDER BY id LIMIT 1") < 0)
		return NULL;
	if (db_step(s) == DB_ROW && db_column_text(s, 0)) {
		const char *name = db_column_text(s, 0);
		static const char *const prefixes[] = { "Thành phố ", "Tỉnh ", NULL };
		for (int i = 0; prefixes[i]; i++)
			if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
				name += strlen(prefixes[i]);
		place = strdup(name);
	}
	db_finalize(s);
	return place;
}

/* Uppercase of the issuer for the header block; ASCII and the common
 * Vietnamese lower-case letters are mapped, others kept. */
static void upper_vi(str *out, const char *s)
{
	static const char *const pairs[][2] = {
		{ "à", "À" }, { "á", "Á" }, { "ả", "Ả" }, { "ã", "Ã" }, { "ạ", "Ạ" }, { "ă", "Ă" }, { "ằ", "Ằ" }, { "ắ", "Ắ" },
		{ "ẳ", "Ẳ" }, { "ẵ", "Ẵ" }, { "ặ", "Ặ" }, { "â", "Â" }, { "ầ", "Ầ" }, { "ấ", "Ấ" }, { "ẩ", "Ẩ" }, { "ẫ", "Ẫ" },
		{ "ậ", "Ậ" }, { "đ", "Đ" }, { "è", "È" }, { "é", "É" }, { "ẻ", "Ẻ" }, { "ẽ", "Ẽ" }, { "ẹ", "Ẹ" }, { "ê", "Ê" },
		{ "ề", "Ề" }, { "ế", "Ế" }, { "ể", "Ể" }, { "ễ", "Ễ" }, { "ệ", "Ệ" }, { "ì", "Ì" }, { "í", "Í" }, { "ỉ", "Ỉ" },
		{ "ĩ", "Ĩ" }, { "ị", "Ị" }, { "ò", "Ò" }, { "ó", "Ó" }, { "ỏ", "Ỏ" }, { "õ", "Õ" }, { "ọ", "Ọ" }, { "ô", "Ô" },
		{ "ồ", "Ồ" }, { "ố", "Ố" }, { "ổ", "Ổ" }, { "ỗ", "Ỗ" }, { "ộ", "Ộ" }, { "ơ", "Ơ" }, { "ờ", "Ờ" }, { "ớ", "Ớ" },
		{ "ở", "Ở" }, { "ỡ", "Ỡ" }, { "ợ", "Ợ" }, { "ù", "Ù" }, { "ú", "Ú" }, { "ủ", "Ủ" }, { "ũ", "Ũ" }, { "ụ", "Ụ" },
		{ "ư", "Ư" }, { "ừ", "Ừ" }, { "ứ", "Ứ" }, { "ử", "Ử" }, { "ữ", "Ữ" }, { "ự", "Ự" }, { "ỳ", "Ỳ" }, { "ý", "Ý" },
		{ "ỷ", "Ỷ" }, { "ỹ", "Ỹ" }, { "ỵ", "Ỵ" },
	};
	while (*s) {
		if ((unsigned char)*s < 0x80) {
			str_appendc(out, (char)((*s >= 'a' && *s <= 'z') ? *s - 32 : *s));
			s++;
			continue;
		}
		size_t i, n = sizeof(pairs) / sizeof(pairs[0]);
		for (i = 0; i < n; i++) {
			size_t len = strlen(pairs[i][0]);
			if (strncmp(s, pairs[i][0], len) == 0) {
				str_append(out, pairs[i][1]);
				s += len;
				break;
			}
		}
		if (i == n) {
			size_t len = 1;
			while ((s[len] & 0xC0) == 0x80)
				len++;
			str_appendn(out, s, len);
			s += len;
		}
	}
}

static json_t *header_json(const json_t *doc, const char *place, const char *period_label, bool final)
{
	const char *issuer = json_string_value(json_object_get(doc, "issuer"));
	str up = { 0 }, sub = { 0 }, date = { 0 };
	upper_vi(&up, issuer && *issuer ? issuer : "Ban Chỉ đạo");
	str_appendf(&sub, "%s %s thực hiện %s số %s", final ? "Tổng kết" : "Sơ kết", period_label,
		json_string_value(json_object_get(doc, "kind")) && strcmp(json_string_value(json_object_get(doc, "kind")), "plan") == 0
			? "Kế hoạch" : "văn bản",
		json_string_value(json_object_get(doc, "number")));
	str_appendf(&date, "%s, ngày … tháng … năm …", place ? place : "……");
	json_t *h = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "national", NATIONAL_NAME, "motto", NATIONAL_MOTTO, "issuer",
		str_cstr(&up), "number", "Số: …/BC-…", "place_date", str_cstr(&date), "title", "BÁO CÁO", "subtitle",
		str_cstr(&sub));
	json_object_set(h, "document_title", json_object_get(doc, "title"));
	str_free(&up);
	str_free(&sub);
	str_free(&date);
	return h;
}

static json_t *summary_json(const json_t *ov)
{
	const json_t *counts = json_object_get(ov, "task_counts");
	json_int_t total = json_integer_value(json_object_get(ov, "task_total"));
	json_t *tasks = json_object(), *inds = json_object();
	json_object_set_new(tasks, "total", json_integer(total));
	for (size_t i = 0; i < sizeof(status_codes) / sizeof(status_codes[0]); i++) {
		json_int_t n = json_integer_value(json_object_get(counts, status_codes[i]));
		json_object_set_new(tasks, status_codes[i],
			json_pack("{s:I, s:o}", "count", n, "share", total > 0 ? json_real((double)n / (double)total) : json_null()));
	}
	const json_t *tiles = json_object_get(ov, "indicators"), *t;
	size_t i;
	int achieved = 0;
	json_array_foreach(tiles, i, t)
		achieved += json_is_true(json_object_get(t, "achieved"));
	json_object_set_new(inds, "total", json_integer((json_int_t)json_array_size(tiles)));
	json_object_set_new(inds, "achieved", json_integer(achieved));
	json_object_set(inds, "by_colour", json_object_get(ov, "indicator_colours"));
	return json_pack("{s:o, s:o}", "tasks", tasks, "indicators", inds);
}

/* Whether any tile has a figure of a period within P. */
static bool has_figures_in(const json_t *tiles, const period *P)
{
	const json_t *t;
	size_t i;
	json_array_foreach(tiles, i, t) {
		const char *code = json_string_value(json_object_get(t, "period"));
		period p;
		if (code && period_parse(&p, code, strlen(code)) == 0 && period_contains(P, &p))
			return true;
	}
	return false;
}

static int group_cmp(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	const char *gx = json_string_value(json_object_get(x, "group_code")), *gy = json_string_value(json_object_get(y, "group_code"));
	if (!gx != !gy)
		return gx ? -1 : 1;   /* tasks without a group last */
	int c = gx ? strcmp(gx, gy) : 0;
	if (c)
		return c;
	const char *ux = json_string_value(json_object_get(x, "lead_unit_name")), *uy = json_string_value(json_object_get(y, "lead_unit_name"));
	if ((c = strcmp(ux ? ux : "", uy ? uy : "")))
		return c;
	return strcmp(json_string_value(json_object_get(x, "code")), json_string_value(json_object_get(y, "code")));
}

/* The tasks by group, then lead unit, then code:
 * [{group_code, group_title, units: [{unit_code, unit_name, tasks}]}]. */
static json_t *task_groups(const json_t *tasks)
{
	size_t n = json_array_size(tasks);
	json_t **rows = malloc((n ? n : 1) * sizeof(*rows)), *groups = json_array();
	if (!rows)
		return groups;
	for (size_t i = 0; i < n; i++)
		rows[i] = json_array_get(tasks, i);
	qsort(rows, n, sizeof(*rows), group_cmp);
	json_t *group = NULL, *unit = NULL;
	for (size_t i = 0; i < n; i++) {
		json_t *t = rows[i];
		const json_t *g = json_object_get(t, "group_code"), *u = json_object_get(t, "lead_unit_code");
		if (!group || !json_equal(json_object_get(group, "group_code"), g)) {
			group = json_pack("{s:O, s:O, s:[]}", "group_code", g ? (json_t *)g : json_null(), "group_title",
				json_object_get(t, "group_title") ? json_object_get(t, "group_title") : json_null(), "units");
			if (json_is_null(json_object_get(group, "group_title")))
				json_object_set_new(group, "group_title", json_string("Nhiệm vụ khác"));
			json_array_append_new(groups, group);
			unit = NULL;
		}
		if (!unit || !json_equal(json_object_get(unit, "unit_code"), u)) {
			unit = json_pack("{s:O, s:O, s:[]}", "unit_code", u ? (json_t *)u : json_null(), "unit_name",
				json_object_get(t, "lead_unit_name"), "tasks");
			json_array_append_new(json_object_get(group, "units"), unit);
		}
		json_array_append_new(json_object_get(unit, "tasks"),
			json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "code", json_object_get(t, "code"), "title",
				json_object_get(t, "title"), "product", json_object_get(t, "product") ? json_object_get(t, "product") : json_null(),
				"deadline", json_object_get(t, "deadline") ? json_object_get(t, "deadline") : json_null(), "progress",
				json_object_get(t, "progress"), "status", json_object_get(t, "status"), "status_label",
				json_object_get(t, "status_label")));
	}
	free(rows);
	return groups;
}

static json_t *overdue_list(const json_t *tasks)
{
	json_t *list = json_array(), *t;
	size_t i;
	json_array_foreach(tasks, i, t) {
		const char *s = json_string_value(json_object_get(t, "status"));
		if (s && strcmp(s, "open_overdue") == 0)
			json_array_append_new(list, json_pack("{s:O, s:O, s:O, s:O, s:O, s:O}", "code", json_object_get(t, "code"), "title",
				json_object_get(t, "title"), "lead_unit_name", json_object_get(t, "lead_unit_name"), "deadline",
				json_object_get(t, "period_deadline") ? json_object_get(t, "period_deadline") :
				json_object_get(t, "deadline") ? json_object_get(t, "deadline") : json_null(),
				"progress", json_object_get(t, "progress"), "status_label", json_object_get(t, "status_label")));
	}
	return list;
}

/* Indicators judged đỏ, with the unit that answers for each. */
static int off_track(json_t **out, db_conn *db, const json_t *tiles)
{
	json_t *list = json_array(), *t;
	size_t i;
	int rc = 0;
	json_array_foreach(tiles, i, t) {
		const char *colour = json_string_value(json_object_get(t, "colour"));
		if (!colour || strcmp(colour, "red") != 0)
			continue;
		db_stmt *s;
		if ((rc = db_prepare(&s, db, "SELECT u.name FROM indicator i JOIN unit u ON u.id = i.owner_unit_id WHERE i.id = ?")) < 0)
			break;
		db_bind_int64(s, 1, json_integer_value(json_object_get(t, "indicator_id")));
		rc = db_step(s);
		json_t *row = json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:s?}", "code", json_object_get(t, "code"), "name_vi",
			json_object_get(t, "name_vi"), "actual", json_object_get(t, "actual"), "target", json_object_get(t, "target"),
			"target_period", json_object_get(t, "target_period"), "probability", json_object_get(t, "probability"),
			"responsible", rc == DB_ROW ? db_column_text(s, 0) : NULL);
		db_finalize(s);
		if (rc < 0) {
			json_decref(row);
			break;
		}
		rc = 0;
		json_array_append_new(list, row);
	}
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}

int review_build(json_t **out, rollup_cache *cache, db_conn *db, const review_query *q)
{
	json_t *doc = NULL, *ov = NULL, *list = NULL, *off = NULL, *agreements = NULL;
	char label[64];
	period P;
	int rc;
	if (!q->period || !*q->period)
		return err_set(ERR_INVALID, "'period': give the period the report covers, e.g. 2025 or 2025S1");
	if ((rc = period_parse(&P, q->period, strlen(q->period))) < 0)
		return err_set(ERR_INVALID, "'period': %s", err_msg());
	period_label_vi(&P, label, sizeof(label));
	if (label[0] >= 'A' && label[0] <= 'Z')
		label[0] = (char)(label[0] + 32);   /* "năm 2025", "quý III/2025" within a sentence */
	if ((rc = find_document(&doc, db, q->document)) < 0)
		return rc;
	char code[16];
	period_format(&P, code);
	dashboard_query dq = { .document_id = json_integer_value(json_object_get(doc, "id")), .period = code,
		.all_indicators = true, .today = q->today };
	if ((rc = dashboard_overview(&ov, cache, db, &dq, true)) < 0)
		goto done;
	const char *as_of_text = json_string_value(json_object_get(ov, "tasks_as_of"));
	date_ymd as_of;
	if (!as_of_text || date_parse(&as_of, as_of_text, strlen(as_of_text)) < 0)
		as_of = q->today;
	task_filter f = { .document_id = dq.document_id };
	if ((rc = task_list(&list, db, &f, as_of, 100000, 0)) < 0 ||
	    (rc = off_track(&off, db, json_object_get(ov, "indicators"))) < 0 ||
	    (rc = agreement_review(&agreements, db, period_start(&P), period_end(&P), as_of)) < 0)
		goto done;
	char *place = place_name(db);
	json_t *r = json_object(), *notes = json_array();
	json_object_set_new(r, "header", header_json(doc, place, label, q->final));
	free(place);
	json_object_set(r, "document", doc);
	json_object_set_new(r, "period", json_string(code));
	json_object_set_new(r, "period_label", json_string(label));
	json_object_set_new(r, "final", json_boolean(q->final));
	json_object_set(r, "as_of", json_object_get(ov, "as_of"));
	json_object_set(r, "data_seq", json_object_get(ov, "data_seq"));
	json_object_set(r, "tasks_as_of", json_object_get(ov, "tasks_as_of"));
	json_object_set_new(r, "summary", summary_json(ov));
	json_object_set(r, "indicators", json_object_get(ov, "indicators"));
	json_object_set_new(r, "task_groups", task_groups(json_object_get(list, "tasks")));
	json_object_set(r, "units", json_object_get(ov, "ranking"));
	json_object_set_new(r, "overdue", overdue_list(json_object_get(list, "tasks")));
	json_object_set_new(r, "off_track", off);
	off = NULL;
	json_object_set_new(r, "agreements", agreements);
	agreements = NULL;
	if (!has_figures_in(json_object_get(ov, "indicators"), &P))
		json_array_append_new(notes, json_sprintf("Không có số liệu chỉ tiêu được phê duyệt trong kỳ báo cáo (%s).", label));
	if (json_integer_value(json_object_get(ov, "task_total")) == 0)
		json_array_append_new(notes, json_sprintf("Văn bản số %s chưa có nhiệm vụ nào được giao.",
					      json_string_value(json_object_get(doc, "number"))));
	json_object_set_new(r, "notes", notes);
	*out = r;
done:
	json_decref(doc);
	json_decref(ov);
	json_decref(list);
	json_decref(off);
	json_decref(agreements);
	return rc;
}
