/* exchange_sheet: the Excel sheets offices fill in and receive — a unit's
 * template for a period (only what its kind of unit reports, with last
 * period's value and the target beside the empty cell) and the values
 * exported, both read back by exchange_xlsx_import. */
#include "domain/programme/exchange.h"
#include "domain/programme/value.h"
#include "util/err.h"
#include "util/period.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xlsx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- words */

static const char *status_word(const char *status, bool en)
{
	static const char *const words[][3] = { { "draft", "Nháp", "Draft" }, { "submitted", "Đã gửi", "Submitted" },
		{ "approved", "Đã duyệt", "Approved" }, { "returned", "Bị trả lại", "Returned" } };
	for (size_t i = 0; status && i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(status, words[i][0]) == 0)
			return words[i][en ? 2 : 1];
	return en ? "Not entered" : "Chưa nhập";
}

/* A period code in words ("Quý III/2026", "Q3 2026"); the code itself if
 * it is not one. */
static void period_words(char out[PERIOD_LABEL_MAX], const char *code, bool en)
{
	period p;
	snprintf(out, PERIOD_LABEL_MAX, "%s", code ? code : "");
	if (!code || period_parse(&p, code, strlen(code)) < 0)
		return;
	if (en)
		period_label_en(&p, out, PERIOD_LABEL_MAX);
	else
		period_format_vi(&p, out);
}

/* "YYYY-MM-DD…" as a date cell; anything else as text. */
static void date_cell(xlsx_writer *w, const char *iso)
{
	int y, m, d;
	if (iso && sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) == 3)
		xlsx_date(w, y, m, d);
	else
		xlsx_text(w, iso);
}

/* An ISO moment ("2026-12-06T22:30:00Z") as a date-and-time cell. */
static void moment_cell(xlsx_writer *w, const char *iso)
{
	time_t t;
	if (iso && time_parse_iso(&t, iso))
		xlsx_moment(w, t);
	else
		xlsx_text(w, iso);
}

static void number_or_blank(xlsx_writer *w, const json_t *v)
{
	if (json_is_number(v))
		xlsx_amount(w, json_number_value(v));
	else
		xlsx_text(w, NULL);
}

static const char *sget(const json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

/* "dd/mm/yyyy hh:mm" in Viet Nam's time. */
static void moment_words(char out[64], time_t t)
{
	struct tm tm;
	time_vn_tm(&tm, t);
	snprintf(out, 64, "%02d/%02d/%04d %02d:%02d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

/* The lines above a header: the filter and the moment of the data. */
static void meta_lines(xlsx_writer *w, const exchange_sheet_meta *meta)
{
	bool en = meta && meta->en;
	char when[64], line[600];
	moment_words(when, meta && meta->at ? meta->at : time_now());
	snprintf(line, sizeof(line), en ? "Filter: %s" : "Bộ lọc: %s",
		meta && meta->filter && *meta->filter ? meta->filter : en ? "none (everything you may see)" : "không (mọi số liệu được xem)");
	xlsx_note(w, line);
	snprintf(line, sizeof(line), en ? "Data as of %s (Viet Nam time)" : "Số liệu tại thời điểm %s", when);
	xlsx_note(w, line);
}

/* ------------------------------------------------------------ export */

int exchange_xlsx_write(char **out, size_t *len, const json_t *list, const exchange_sheet_meta *meta)
{
	static const char *const head_vi[] = { "STT", "Mã chỉ tiêu", "Mã đơn vị", "Kỳ báo cáo", "Giá trị", "Ghi chú",
		"Tên chỉ tiêu", "Đơn vị tính", "Tên đơn vị", "Kỳ", "Hạn nộp", "Trạng thái", "Cập nhật lúc" };
	static const char *const head_en[] = { "No.", "Indicator code", "Unit code", "Period", "Value", "Note",
		"Indicator", "Measure", "Unit", "Period in words", "Deadline", "Status", "Updated at" };
	bool en = meta && meta->en;
	xlsx_writer w;
	size_t i;
	json_t *v;
	xlsx_writer_init(&w, en ? "Indicator values" : "Số liệu chỉ tiêu");
	xlsx_title(&w, en ? "Indicator values" : "Số liệu chỉ tiêu");
	meta_lines(&w, meta);
	xlsx_header(&w, en ? head_en : head_vi, 13);
	xlsx_filter(&w);
	json_array_foreach(json_object_get(list, "values"), i, v) {
		char words[PERIOD_LABEL_MAX];
		xlsx_row(&w);
		xlsx_number_as(&w, (double)(i + 1), XLSX_INTEGER);
		xlsx_text(&w, sget(v, "indicator_code"));
		xlsx_text(&w, sget(v, "unit_code"));
		xlsx_text(&w, sget(v, "period"));
		number_or_blank(&w, json_object_get(v, "value"));
		xlsx_text(&w, sget(v, "note"));
		xlsx_text(&w, sget(v, "indicator_name"));
		xlsx_text(&w, sget(v, "measure"));
		xlsx_text(&w, sget(v, "unit_name"));
		period_words(words, sget(v, "period"), en);
		xlsx_text(&w, words);
		date_cell(&w, sget(v, "deadline"));
		xlsx_text(&w, status_word(sget(v, "status"), en));
		moment_cell(&w, sget(v, "updated_at"));
	}
	return xlsx_finish(&w, out, len);
}

/* ---------------------------------------------------------- template */

/* True if the stored list of kinds ("commune,department"; NULL: every
 * kind) holds kind. */
static bool kind_reports(const char *kinds, const char *kind)
{
	if (!kinds || !*kinds)
		return true;
	size_t n = strlen(kind);
	for (const char *p = kinds; *p;) {
		size_t k = strcspn(p, ",");
		if (k == n && strncmp(p, kind, n) == 0)
			return true;
		p += k + (p[k] == ',');
	}
	return false;
}

static long day_number(date_ymd d) { return (long)d.y * 10000 + d.m * 100 + d.d; }

/* The unit's target for an indicator that applies to p: the first one
 * ending on or after p's end, else the latest. */
static int target_for(json_t *row, db_conn *db, int64_t indicator_id, int64_t unit_id, const period *p)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT period, value FROM indicator_target WHERE indicator_id = ? AND unit_id = ?");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, indicator_id);
	db_bind_int64(s, 2, unit_id);
	long end = day_number(period_end(p)), best_after = 0, best_before = 0;
	char after[16] = "", before[16] = "";
	double v_after = 0, v_before = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		const char *code = db_column_text(s, 0);
		period tp;
		if (!code || period_parse(&tp, code, strlen(code)) < 0)
			continue;
		long e = day_number(period_end(&tp));
		if (e >= end && (!best_after || e < best_after)) {
			best_after = e;
			v_after = db_column_double(s, 1);
			period_format(&tp, after);
		} else if (e < end && e > best_before) {
			best_before = e;
			v_before = db_column_double(s, 1);
			period_format(&tp, before);
		}
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	bool any = best_after || best_before;
	json_object_set_new(row, "target", any ? json_real(best_after ? v_after : v_before) : json_null());
	json_object_set_new(row, "target_period", any ? json_string(best_after ? after : before) : json_null());
	return 0;
}

static int template_deadline(char out[11], db_conn *db, const period *p)
{
	int64_t set = 0, days = VALUE_DEFAULT_DEADLINE_DAYS;
	int rc;
	if ((rc = db_run(db, &set, "SELECT COUNT(*) FROM setting WHERE key = 'report_deadline_days'", "")) < 0 ||
	    (set && (rc = db_run(db, &days, "SELECT value FROM setting WHERE key = 'report_deadline_days'", "")) < 0))
		return rc;
	date_format_iso(period_deadline(p, (int)days), out);
	return 0;
}

/* The indicators the unit reports, with this period's value and last
 * period's; ind_rows gets their ids, in order. */
static int template_rows(json_t *list, db_conn *db, const json_t *unit, const char *code, const char *prev,
	const char *deadline, const period *p)
{
	int64_t unit_id = json_integer_value(json_object_get(unit, "id"));
	const char *kind = sget(unit, "kind");
	db_stmt *s;
	int rc = db_prepare(&s, db,
		"SELECT i.id, i.code, i.name_vi, i.name_en, i.measure, i.report_kinds, v.value, v.note, v.status, v.deadline, "
		"pv.value, pv.status FROM indicator i "
		"LEFT JOIN indicator_value v ON v.indicator_id = i.id AND v.unit_id = ? AND v.period = ? "
		"LEFT JOIN indicator_value pv ON pv.indicator_id = i.id AND pv.unit_id = ? AND pv.period = ? "
		"WHERE i.formula IS NULL AND i.registry IS NULL ORDER BY i.code");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, unit_id);
	db_bind_text(s, 2, code);
	db_bind_int64(s, 3, unit_id);
	db_bind_text(s, 4, prev);
	json_t *ids = json_array();
	while ((rc = db_step(s)) == DB_ROW) {
		if (!kind_reports(db_column_text(s, 5), kind ? kind : ""))
			continue;
		json_t *o = json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:s, s:s}", "indicator_code", db_column_text(s, 1),
			"indicator_name", db_column_text(s, 2), "indicator_name_en", db_column_text(s, 3), "measure",
			db_column_text(s, 4), "unit_code", sget(unit, "code"), "unit_name", sget(unit, "name"), "period", code);
		json_object_set_new(o, "value", db_column_is_null(s, 6) ? json_null() : json_real(db_column_double(s, 6)));
		json_object_set_new(o, "note", db_column_text(s, 7) ? json_string(db_column_text(s, 7)) : json_null());
		json_object_set_new(o, "status", db_column_text(s, 8) ? json_string(db_column_text(s, 8)) : json_null());
		json_object_set_new(o, "deadline", json_string(db_column_text(s, 9) ? db_column_text(s, 9) : deadline));
		json_object_set_new(o, "previous_value", db_column_is_null(s, 10) ? json_null() : json_real(db_column_double(s, 10)));
		json_object_set_new(o, "previous_status", db_column_text(s, 11) ? json_string(db_column_text(s, 11)) : json_null());
		json_array_append_new(list, o);
		json_array_append_new(ids, json_integer(db_column_int64(s, 0)));
	}
	db_finalize(s);
	size_t i;
	json_t *id;
	json_array_foreach(ids, i, id)
		if (rc >= 0 && (rc = target_for(json_array_get(list, i), db, json_integer_value(id), unit_id, p)) < 0)
			break;
	json_decref(ids);
	return rc < 0 ? rc : 0;
}

int exchange_template(json_t **out, db_conn *db, int64_t unit_id, const char *period_text)
{
	period p, pp;
	char code[16], prev[16], deadline[11], vi[PERIOD_LABEL_MAX], en[PERIOD_LABEL_MAX], prev_vi[PERIOD_LABEL_MAX],
		prev_en[PERIOD_LABEL_MAX];
	db_stmt *s;
	int rc;
	*out = NULL;
	if ((rc = period_parse(&p, period_text, strlen(period_text))) < 0 || (rc = template_deadline(deadline, db, &p)) < 0)
		return rc;
	pp = period_prev(&p);
	period_format(&p, code);
	period_format(&pp, prev);
	period_format_vi(&p, vi);
	period_format_vi(&pp, prev_vi);
	period_label_en(&p, en, sizeof(en));
	period_label_en(&pp, prev_en, sizeof(prev_en));
	if ((rc = db_prepare(&s, db, "SELECT code, name, kind FROM unit WHERE id = ?")) < 0)
		return rc;
	db_bind_int64(s, 1, unit_id);
	json_t *unit = NULL;
	if ((rc = db_step(s)) == DB_ROW)
		unit = json_pack("{s:I, s:s?, s:s, s:s}", "id", (json_int_t)unit_id, "code", db_column_text(s, 0), "name",
			db_column_text(s, 1), "kind", db_column_text(s, 2));
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!unit)
		return err_set(ERR_NOTFOUND, "no unit with id %lld", (long long)unit_id);
	if (!sget(unit, "code")) {
		json_decref(unit);
		return err_set(ERR_INVALID, "unit %lld has no code; a template needs one", (long long)unit_id);
	}
	json_t *list = json_array();
	if ((rc = template_rows(list, db, unit, code, prev, deadline, &p)) < 0) {
		json_decref(unit);
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "unit", unit, "period", code, "period_label", vi,
		"period_label_en", en, "previous_period", prev, "previous_label", prev_vi, "previous_label_en", prev_en,
		"deadline", deadline, "values", list);
	return 0;
}

/* "15/10/2026" from "2026-10-15". */
static void day_words(char out[16], const char *iso)
{
	int y, m, d;
	if (iso && sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) == 3)
		snprintf(out, 16, "%02d/%02d/%04d", d, m, y);
	else
		snprintf(out, 16, "%s", iso ? iso : "");
}

enum { T_VALUE_COL = 7, T_COLS = 12 };

int exchange_template_xlsx(char **out, size_t *len, const json_t *tpl, const exchange_sheet_meta *meta)
{
	bool en = meta && meta->en;
	const json_t *unit = json_object_get(tpl, "unit"), *values = json_object_get(tpl, "values");
	const char *label = sget(tpl, en ? "period_label_en" : "period_label");
	char line[700], prev_head[120], deadline[16], when[64];
	const char *head_vi[T_COLS] = { "STT", "Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị tính", prev_head, "Mục tiêu",
		"Kỳ mục tiêu", "Giá trị", "Ghi chú", "Trạng thái", "Mã đơn vị", "Kỳ báo cáo" };
	const char *head_en[T_COLS] = { "No.", "Indicator code", "Indicator", "Measure", prev_head, "Target",
		"Target period", "Value", "Note", "Status", "Unit code", "Period" };
	snprintf(prev_head, sizeof(prev_head), en ? "Previous period (%s)" : "Kỳ trước (%s)",
		sget(tpl, en ? "previous_label_en" : "previous_label"));
	day_words(deadline, sget(tpl, "deadline"));
	moment_words(when, meta && meta->at ? meta->at : time_now());
	xlsx_writer w;
	xlsx_writer_init(&w, label);
	snprintf(line, sizeof(line), en ? "Indicator report — %s — %s" : "Báo cáo số liệu chỉ tiêu %s — %s", label,
		sget(unit, "name"));
	xlsx_title(&w, line);
	snprintf(line, sizeof(line), en ? "Unit: %s (code %s) · Period: %s · Deadline: %s · Made %s"
					: "Đơn vị: %s (mã %s) · Kỳ báo cáo: %s · Hạn nộp: %s · Lập lúc %s",
		sget(unit, "name"), sget(unit, "code"), label, deadline, when);
	xlsx_note(&w, line);
	xlsx_note(&w, en ? "Type each figure in the Value column (shaded cells); leave a cell empty if there is nothing to "
			   "report. Do not change the code columns."
			 : "Nhập số liệu vào cột «Giá trị» (ô tô màu); để trống nếu chưa có số liệu để báo cáo. "
			   "Không sửa các cột mã.");
	xlsx_header(&w, en ? head_en : head_vi, T_COLS);
	int first = w.row + 1;
	size_t i;
	json_t *v;
	json_array_foreach(values, i, v) {
		char words[PERIOD_LABEL_MAX];
		const json_t *val = json_object_get(v, "value");
		xlsx_row(&w);
		xlsx_number_as(&w, (double)(i + 1), XLSX_INTEGER);
		xlsx_text(&w, sget(v, "indicator_code"));
		xlsx_text(&w, en && sget(v, "indicator_name_en") ? sget(v, "indicator_name_en") : sget(v, "indicator_name"));
		xlsx_text(&w, sget(v, "measure"));
		number_or_blank(&w, json_object_get(v, "previous_value"));
		number_or_blank(&w, json_object_get(v, "target"));
		period_words(words, sget(v, "target_period"), en);
		xlsx_text(&w, words);
		xlsx_input_number(&w, json_is_number(val) ? json_number_value(val) : NAN);
		xlsx_input_text(&w, sget(v, "note"));
		xlsx_text(&w, status_word(sget(v, "status"), en));
		xlsx_text(&w, sget(v, "unit_code"));
		xlsx_text(&w, en ? sget(v, "period") : label);
	}
	if (json_array_size(values))
		xlsx_check_decimal(&w, T_VALUE_COL, first, w.row);
	xlsx_col_width(&w, 2, 50);
	xlsx_col_width(&w, 8, 30);
	return xlsx_finish(&w, out, len);
}
