/* review_render: the report's content walked once (render) into a sink
 * per format: the printable HTML page, the DOCX, the XLSX. The sections
 * and tables are the same in every format. */
#include "domain/reports/review.h"
#include "domain/reports/review_sink.h"
#include "util/err.h"
#include "util/str.h"
#include "util/time.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------- numbers */

/* 1234567.891 -> "1.234.567,89" (at most `decimals`, trailing zeros cut). */
void review_format_number(char *out, size_t n, double v, int decimals)
{
	char raw[64], *dot;
	if (!isfinite(v)) {
		snprintf(out, n, "–");
		return;
	}
	snprintf(raw, sizeof(raw), "%.*f", decimals, fabs(v));
	if ((dot = strchr(raw, '.'))) {
		char *end = raw + strlen(raw) - 1;
		while (end > dot && *end == '0')
			*end-- = '\0';
		if (end == dot)
			*dot = '\0';
	}
	size_t int_len = dot && *dot ? (size_t)(dot - raw) : strlen(raw);
	str s = { 0 };
	if (v < 0 && strcmp(raw, "0") != 0)
		str_appendc(&s, '-');
	for (size_t i = 0; i < int_len; i++) {
		if (i > 0 && (int_len - i) % 3 == 0)
			str_appendc(&s, '.');
		str_appendc(&s, raw[i]);
	}
	if (dot && *dot) {
		str_appendc(&s, ',');
		str_append(&s, dot + 1);
	}
	snprintf(out, n, "%s", str_cstr(&s));
	str_free(&s);
}

static double num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *text(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

/* "31/12/2025" from "2025-12-31". */
static void date_vi(char out[16], const char *iso)
{
	if (iso && strlen(iso) >= 10)
		snprintf(out, 16, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
	else
		snprintf(out, 16, "–");
}

/* -------------------------------------------------------------- cells */

static void cell_text(const review_sink *k, const char *t) { k->cell(k->ctx, t, NAN, CELL_TEXT); }

static void cell_number(const review_sink *k, double v, int decimals)
{
	char buf[64];
	review_format_number(buf, sizeof(buf), v, decimals);
	k->cell(k->ctx, buf, v, decimals == 0 ? CELL_INT : CELL_DECIMAL);
}

static void cell_share(const review_sink *k, double share)
{
	char buf[64], pct[72];
	review_format_number(buf, sizeof(buf), share * 100, 1);
	snprintf(pct, sizeof(pct), "%s%%", buf);
	k->cell(k->ctx, isfinite(share) ? pct : "–", share, CELL_PERCENT);
}

static void cell_index(const review_sink *k, int i) { cell_number(k, i, 0); }

/* "Tỷ trọng kinh tế số (KTS-TT)", unless the name already shows the code. */
static void name_with_code(char *out, size_t n, const json_t *o)
{
	char code[64];
	snprintf(code, sizeof(code), "(%s)", text(o, "code"));
	if (strstr(text(o, "name_vi"), code))
		snprintf(out, n, "%s", text(o, "name_vi"));
	else
		snprintf(out, n, "%s %s", text(o, "name_vi"), code);
}

/* ------------------------------------------------------------ sections */

static const char *const status_codes[] = { "done_on_time", "done_late", "open_overdue", "open_due_soon", "open_in_time" };
static const char *const status_words[] = { "Hoàn thành đúng hạn", "Hoàn thành quá hạn", "Chưa hoàn thành – quá hạn",
	"Sắp đến hạn", "Chưa hoàn thành – trong hạn" };
static const char *const colour_codes[] = { "green", "yellow", "red", "grey" };
static const char *const colour_words[] = { "Đúng tiến độ (xanh)", "Có nguy cơ không đạt (vàng)", "Chậm tiến độ, không đạt (đỏ)",
	"Chưa đủ dữ liệu đánh giá (xám)" };

static void header_block(const review_sink *k, const json_t *r)
{
	const json_t *h = json_object_get(r, "header");
	k->header(k->ctx, h);
	char line[256];
	k->para(k->ctx, text(h, "title"), PARA_TITLE);
	k->para(k->ctx, text(h, "subtitle"), PARA_SUBTITLE);
	k->para(k->ctx, text(h, "document_title"), PARA_CENTER_ITALIC);
	time_t at;
	char line_time[96] = "–";
	if (time_parse_iso(&at, text(r, "as_of"))) {
		struct tm tm;
		time_vn_tm(&tm, at);
		snprintf(line_time, sizeof(line_time), "%02d:%02d ngày %02d/%02d/%04d", tm.tm_hour, tm.tm_min, tm.tm_mday, tm.tm_mon + 1,
			tm.tm_year + 1900);
	}
	snprintf(line, sizeof(line), "(Số liệu tính đến %s)", line_time);
	k->para(k->ctx, line, PARA_CENTER_ITALIC);
	const json_t *notes = json_object_get(r, "notes"), *n;
	size_t i;
	json_array_foreach(notes, i, n)
		k->para(k->ctx, json_string_value(n), PARA_NOTE);
}

static void summary_section(const review_sink *k, const json_t *r)
{
	const json_t *s = json_object_get(r, "summary"), *tasks = json_object_get(s, "tasks"), *inds = json_object_get(s, "indicators");
	char line[512], total[32], achieved[32], nind[32];
	k->heading(k->ctx, 1, "I. TỔNG QUAN KẾT QUẢ THỰC HIỆN");
	review_format_number(total, sizeof(total), num(tasks, "total"), 0);
	review_format_number(nind, sizeof(nind), num(inds, "total"), 0);
	review_format_number(achieved, sizeof(achieved), num(inds, "achieved"), 0);
	snprintf(line, sizeof(line), "Tổng số nhiệm vụ được giao: %s. Tổng số chỉ tiêu theo dõi: %s, trong đó %s chỉ tiêu đã đạt mục tiêu.",
		total, nind, achieved);
	k->para(k->ctx, line, PARA_BODY);
	k->heading(k->ctx, 2, "1. Tình hình thực hiện nhiệm vụ");
	static const char *const head[] = { "TT", "Tình trạng", "Số nhiệm vụ", "Tỷ lệ" };
	static const double widths[] = { 8, 52, 20, 20 };
	k->table_begin(k->ctx, "Tổng hợp nhiệm vụ", 4, head, widths);
	for (int i = 0; i < 5; i++) {
		const json_t *c = json_object_get(tasks, status_codes[i]);
		cell_index(k, i + 1);
		cell_text(k, status_words[i]);
		cell_number(k, num(c, "count"), 0);
		cell_share(k, num(c, "share"));
		k->row_end(k->ctx);
	}
	k->table_end(k->ctx);
	if (k->chart) {
		double values[5];
		for (int i = 0; i < 5; i++)
			values[i] = num(json_object_get(tasks, status_codes[i]), "count");
		k->chart(k->ctx, "Nhiệm vụ theo tình trạng", status_words, values, 5);
	}
	k->heading(k->ctx, 2, "2. Tình hình thực hiện chỉ tiêu");
	static const char *const head2[] = { "TT", "Đánh giá", "Số chỉ tiêu", "Tỷ lệ" };
	k->table_begin(k->ctx, "Tổng hợp chỉ tiêu", 4, head2, widths);
	const json_t *by = json_object_get(inds, "by_colour");
	double n_ind = num(inds, "total"), values[4];
	for (int i = 0; i < 4; i++) {
		values[i] = num(by, colour_codes[i]);
		cell_index(k, i + 1);
		cell_text(k, colour_words[i]);
		cell_number(k, values[i], 0);
		cell_share(k, n_ind > 0 ? values[i] / n_ind : NAN);
		k->row_end(k->ctx);
	}
	k->table_end(k->ctx);
	if (k->chart)
		k->chart(k->ctx, "Chỉ tiêu theo mức đánh giá", colour_words, values, 4);
}

static const char *trend_word(const json_t *tile)
{
	const json_t *trend = json_object_get(tile, "trend");
	size_t n = json_array_size(trend);
	if (n < 2)
		return "–";
	double a = num(json_array_get(trend, n - 2), "value"), b = num(json_array_get(trend, n - 1), "value");
	if (!isfinite(a) || !isfinite(b))
		return "–";
	return b > a ? "Tăng" : b < a ? "Giảm" : "Không đổi";
}

/* The newer periods still being gathered: their figures are not in the
 * table, which keeps the last complete period. */
static void partial_notes(const review_sink *k, const json_t *list)
{
	const json_t *t;
	size_t i;
	json_array_foreach(list, i, t) {
		const json_t *p = json_object_get(t, "partial");
		char buf[320], v[32];
		period per;
		char label[PERIOD_LABEL_MAX];
		if (!json_is_object(p))
			continue;
		const char *code = text(p, "period");
		if (period_parse(&per, code, strlen(code)) == 0)
			period_format_vi(&per, label);
		else
			snprintf(label, sizeof(label), "%s", code);
		review_format_number(v, sizeof(v), num(p, "value"), 2);
		snprintf(buf, sizeof(buf), "Chỉ tiêu %s: %s đang tổng hợp, mới có %.0f/%.0f đơn vị được duyệt (số tạm tính %s, chưa công bố).",
			text(t, "code"), label, num(p, "approved"), num(p, "expected"), v);
		k->para(k->ctx, buf, PARA_BODY);
	}
}

static void indicator_section(const review_sink *k, const json_t *r)
{
	static const char *const head[] = { "TT", "Chỉ tiêu", "Đơn vị tính", "Giá trị gốc", "Mục tiêu", "Thực hiện", "% mục tiêu",
		"Đánh giá", "Xu hướng" };
	static const double widths[] = { 5, 25, 8, 8, 13, 14, 9, 9, 9 };
	const json_t *list = json_object_get(r, "indicators"), *t;
	size_t i;
	char buf[160], v[32];
	k->heading(k->ctx, 1, "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU");
	if (json_array_size(list) == 0) {
		k->para(k->ctx, "Văn bản không có chỉ tiêu được theo dõi.", PARA_BODY);
		return;
	}
	k->table_begin(k->ctx, "Chỉ tiêu", 9, head, widths);
	json_array_foreach(list, i, t) {
		cell_index(k, (int)i + 1);
		name_with_code(buf, sizeof(buf), t);
		cell_text(k, buf);
		cell_text(k, text(t, "measure"));
		cell_number(k, num(t, "baseline_value"), 2);
		if (isfinite(num(t, "target"))) {
			review_format_number(v, sizeof(v), num(t, "target"), 2);
			snprintf(buf, sizeof(buf), "%s (%s)", v, text(t, "target_period"));
			k->cell(k->ctx, buf, num(t, "target"), CELL_DECIMAL);
		} else
			cell_text(k, "–");
		if (isfinite(num(t, "actual"))) {
			review_format_number(v, sizeof(v), num(t, "actual"), 2);
			/* how many of the units that must report are in the figure */
			if (num(t, "expected") > 1)
				snprintf(buf, sizeof(buf), "%s (%s; %.0f/%.0f đơn vị)", v, text(t, "period"), num(t, "approved"),
					num(t, "expected"));
			else
				snprintf(buf, sizeof(buf), "%s (%s)", v, text(t, "period"));
			k->cell(k->ctx, buf, num(t, "actual"), CELL_DECIMAL);
		} else
			cell_text(k, "–");
		cell_share(k, num(t, "percent_of_target") / 100);
		cell_text(k, text(t, "colour_vi"));
		cell_text(k, trend_word(t));
		k->row_end(k->ctx);
	}
	k->table_end(k->ctx);
	partial_notes(k, list);
}

static void task_section(const review_sink *k, const json_t *r)
{
	static const char *const head[] = { "TT", "Mã", "Nhiệm vụ", "Đơn vị chủ trì", "Sản phẩm", "Thời hạn", "Tiến độ", "Tình trạng" };
	static const double widths[] = { 5, 9, 28, 14, 14, 10, 8, 12 };
	const json_t *groups = json_object_get(r, "task_groups"), *g;
	size_t gi;
	int row = 0;
	char deadline[16], heading[320];
	k->heading(k->ctx, 1, "III. KẾT QUẢ THỰC HIỆN NHIỆM VỤ");
	if (json_array_size(groups) == 0) {
		k->para(k->ctx, "Văn bản chưa có nhiệm vụ nào được giao.", PARA_BODY);
		return;
	}
	json_array_foreach(groups, gi, g) {
		snprintf(heading, sizeof(heading), "%zu. %s", gi + 1, text(g, "group_title"));
		k->heading(k->ctx, 2, heading);
		k->table_begin(k->ctx, gi == 0 ? "Nhiệm vụ" : NULL, 8, head, widths);
		const json_t *units = json_object_get(g, "units"), *u;
		size_t ui;
		json_array_foreach(units, ui, u) {
			const json_t *tasks = json_object_get(u, "tasks"), *t;
			size_t ti;
			json_array_foreach(tasks, ti, t) {
				cell_index(k, ++row);
				cell_text(k, text(t, "code"));
				cell_text(k, text(t, "title"));
				cell_text(k, text(u, "unit_name"));
				cell_text(k, text(t, "product"));
				date_vi(deadline, json_string_value(json_object_get(t, "deadline")));
				cell_text(k, deadline);
				cell_share(k, num(t, "progress") / 100);
				cell_text(k, text(t, "status_label"));
				k->row_end(k->ctx);
			}
		}
		k->table_end(k->ctx);
	}
}

static void unit_section(const review_sink *k, const json_t *r)
{
	static const char *const head[] = { "TT", "Đơn vị", "Được giao", "Hoàn thành đúng hạn", "Hoàn thành quá hạn", "Đang thực hiện",
		"Quá hạn", "Tỷ lệ đúng hạn" };
	static const double widths[] = { 5, 31, 9, 11, 11, 11, 10, 12 };
	const json_t *units = json_object_get(r, "units"), *u;
	size_t i;
	k->heading(k->ctx, 1, "IV. KẾT QUẢ THEO ĐƠN VỊ");
	if (json_array_size(units) == 0) {
		k->para(k->ctx, "Chưa có đơn vị nào được giao nhiệm vụ.", PARA_BODY);
		return;
	}
	k->table_begin(k->ctx, "Đơn vị", 8, head, widths);
	json_array_foreach(units, i, u) {
		cell_index(k, (int)i + 1);
		cell_text(k, text(u, "unit_name"));
		cell_number(k, num(u, "assigned"), 0);
		cell_number(k, num(u, "done_on_time"), 0);
		cell_number(k, num(u, "done_late"), 0);
		cell_number(k, num(u, "open"), 0);
		cell_number(k, num(u, "overdue"), 0);
		cell_share(k, num(u, "share_on_time"));
		k->row_end(k->ctx);
	}
	k->table_end(k->ctx);
}

static void late_section(const review_sink *k, const json_t *r)
{
	static const char *const head[] = { "TT", "Mã", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn", "Tiến độ" };
	static const double widths[] = { 6, 10, 44, 20, 10, 10 };
	static const char *const head2[] = { "TT", "Chỉ tiêu", "Mục tiêu", "Thực hiện", "Xác suất đạt", "Đơn vị chịu trách nhiệm" };
	static const double widths2[] = { 6, 38, 12, 12, 12, 20 };
	const json_t *overdue = json_object_get(r, "overdue"), *off = json_object_get(r, "off_track"), *x;
	size_t i;
	char deadline[16], buf[200];
	k->heading(k->ctx, 1, "V. NHIỆM VỤ QUÁ HẠN VÀ CHỈ TIÊU CHẬM TIẾN ĐỘ");
	k->heading(k->ctx, 2, "1. Nhiệm vụ quá hạn");
	if (json_array_size(overdue) == 0)
		k->para(k->ctx, "Không có nhiệm vụ quá hạn.", PARA_BODY);
	else {
		k->table_begin(k->ctx, "Nhiệm vụ quá hạn", 6, head, widths);
		json_array_foreach(overdue, i, x) {
			cell_index(k, (int)i + 1);
			cell_text(k, text(x, "code"));
			cell_text(k, text(x, "title"));
			cell_text(k, text(x, "lead_unit_name"));
			date_vi(deadline, json_string_value(json_object_get(x, "deadline")));
			cell_text(k, deadline);
			cell_share(k, num(x, "progress") / 100);
			k->row_end(k->ctx);
		}
		k->table_end(k->ctx);
	}
	k->heading(k->ctx, 2, "2. Chỉ tiêu chậm tiến độ, không đạt");
	if (json_array_size(off) == 0) {
		k->para(k->ctx, "Không có chỉ tiêu chậm tiến độ.", PARA_BODY);
		return;
	}
	k->table_begin(k->ctx, "Chỉ tiêu chậm tiến độ", 6, head2, widths2);
	json_array_foreach(off, i, x) {
		cell_index(k, (int)i + 1);
		name_with_code(buf, sizeof(buf), x);
		cell_text(k, buf);
		cell_number(k, num(x, "target"), 2);
		cell_number(k, num(x, "actual"), 2);
		cell_share(k, num(x, "probability"));
		cell_text(k, json_is_string(json_object_get(x, "responsible")) ? text(x, "responsible") : "–");
		k->row_end(k->ctx);
	}
	k->table_end(k->ctx);
}

/* The focus areas of agreements in words; other codes are shown as they are. */
static const char *focus_word(const char *code)
{
	static const char *const codes[] = { "training", "st_development", "innovation", "digital_transformation", "other", NULL };
	static const char *const words[] = { "đào tạo", "phát triển khoa học và công nghệ", "đổi mới sáng tạo",
		"chuyển đổi số", "lĩnh vực khác" };
	for (int i = 0; codes[i]; i++)
		if (strcmp(code, codes[i]) == 0)
			return words[i];
	return code;
}

/* One paragraph: parties, term and focus areas of agreement a. */
static void agreement_facts(const review_sink *k, const json_t *a)
{
	str s = STR_INIT;
	const json_t *x;
	size_t i;
	char d[16];
	str_append(&s, "Các bên: ");
	json_array_foreach(json_object_get(a, "parties"), i, x)
		str_appendf(&s, "%s%s", i ? "; " : "", text(x, "name"));
	if (json_array_size(json_object_get(a, "parties")) == 0)
		str_append(&s, "–");
	if (json_is_string(json_object_get(a, "signed_on"))) {
		date_vi(d, text(a, "signed_on"));
		str_appendf(&s, ". Ký ngày %s", d);
	}
	if (json_is_string(json_object_get(a, "ends_on"))) {
		date_vi(d, text(a, "ends_on"));
		str_appendf(&s, ", có hiệu lực đến ngày %s", d);
	}
	json_array_foreach(json_object_get(a, "focus"), i, x)
		str_appendf(&s, "%s%s", i ? ", " : ". Lĩnh vực hợp tác: ", focus_word(json_string_value(x)));
	str_append(&s, ".");
	k->para(k->ctx, str_cstr(&s), PARA_BODY);
	str_free(&s);
}

static void agreement_section(const review_sink *k, const json_t *r)
{
	static const char *const head[] = { "TT", "Mã", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn", "Tiến độ", "Tình trạng" };
	static const double widths[] = { 5, 11, 34, 18, 10, 8, 14 };
	const json_t *list = json_object_get(r, "agreements"), *a, *t;
	size_t i, j;
	bool first_table = true;
	char heading[1200], deadline[16];
	k->heading(k->ctx, 1, "VI. THỎA THUẬN HỢP TÁC");
	if (json_array_size(list) == 0) {
		k->para(k->ctx, "Không có thỏa thuận hợp tác nào có hiệu lực trong kỳ báo cáo.", PARA_BODY);
		return;
	}
	json_array_foreach(list, i, a) {
		snprintf(heading, sizeof(heading), "%zu. %s (%s)", i + 1, text(a, "title"), text(a, "code"));
		k->heading(k->ctx, 2, heading);
		agreement_facts(k, a);
		const json_t *actions = json_object_get(a, "actions");
		if (json_array_size(actions) == 0) {
			k->para(k->ctx, "Chưa có nhiệm vụ triển khai thỏa thuận.", PARA_BODY);
			continue;
		}
		k->table_begin(k->ctx, first_table ? "Thỏa thuận" : NULL, 7, head, widths);
		first_table = false;
		json_array_foreach(actions, j, t) {
			cell_index(k, (int)j + 1);
			cell_text(k, text(t, "code"));
			cell_text(k, text(t, "title"));
			cell_text(k, text(json_object_get(t, "lead_unit"), "name"));
			date_vi(deadline, json_string_value(json_object_get(t, "deadline")));
			cell_text(k, deadline);
			cell_share(k, num(t, "progress") / 100);
			cell_text(k, text(t, "status_label"));
			k->row_end(k->ctx);
		}
		k->table_end(k->ctx);
	}
}

void review_render(const review_sink *k, const json_t *r)
{
	header_block(k, r);
	summary_section(k, r);
	indicator_section(k, r);
	task_section(k, r);
	unit_section(k, r);
	late_section(k, r);
	agreement_section(k, r);
	k->para(k->ctx, "Nơi nhận: Như trên; Lưu: VT.", PARA_SMALL);
	k->para(k->ctx, "TM. BAN CHỈ ĐẠO", PARA_SIGNATURE);
}
