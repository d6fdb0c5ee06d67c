/* sheet: any list the API answers with, as an .xlsx workbook — GET with
 * ?format=xlsx. The first array of objects in the answer becomes the
 * sheet: one row per object, one column per field in the order fields
 * first appear; a nested object gives one column per field of its own
 * ("lead_unit.name"), an array of names or codes one cell joining them.
 * Known fields get Vietnamese titles. */
#include "api/api.h"
#include "util/err.h"
#include "util/str.h"
#include "util/xlsx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHEET_MAX_COLUMNS 60

static const char *const titles[][2] = {
	{ "id", "Số thứ tự" }, { "code", "Mã" }, { "name", "Tên" }, { "name_vi", "Tên" }, { "name_en", "Tên tiếng Anh" },
	{ "title", "Tiêu đề" }, { "kind", "Loại" }, { "status", "Mã trạng thái" }, { "status_label", "Trạng thái" },
	{ "deadline", "Hạn" }, { "progress", "Tiến độ (%)" }, { "measure", "Đơn vị tính" }, { "direction", "Chiều" },
	{ "aggregation", "Cách tổng hợp" }, { "formula", "Công thức" }, { "baseline_value", "Giá trị gốc" },
	{ "baseline_year", "Năm gốc" }, { "period", "Kỳ báo cáo" }, { "value", "Giá trị" }, { "note", "Ghi chú" },
	{ "unit_code", "Mã đơn vị" }, { "unit_name", "Tên đơn vị" }, { "indicator_code", "Mã chỉ tiêu" },
	{ "indicator_name", "Tên chỉ tiêu" }, { "number", "Số hiệu" }, { "issued_on", "Ngày ban hành" },
	{ "issuer", "Cơ quan ban hành" }, { "product", "Sản phẩm" }, { "lead_unit", "Đơn vị chủ trì" },
	{ "supporting_units", "Đơn vị phối hợp" }, { "document", "Văn bản" }, { "objective", "Mục tiêu" },
	{ "parent_code", "Mã đơn vị cấp trên" }, { "path", "Đường dẫn" }, { "login", "Tên đăng nhập" },
	{ "full_name", "Họ và tên" }, { "email", "Thư điện tử" }, { "late", "Nộp muộn" }, { "submitted_at", "Ngày gửi" },
	{ "updated_at", "Cập nhật lúc" }, { "created_at", "Tạo lúc" }, { "reason", "Lý do trả lại" },
	{ "lead_unit_id", "Số thứ tự đơn vị chủ trì" }, { "lead_unit_code", "Mã đơn vị chủ trì" },
	{ "lead_unit_name", "Đơn vị chủ trì" }, { "document_number", "Số hiệu văn bản" },
	{ "completion_waiting", "Chờ duyệt hoàn thành" }, { "starts_on", "Bắt đầu từ" }, { "due_days", "Hạn sau kỳ (ngày)" },
	{ "period_deadline", "Hạn của kỳ" }, { "indicator_id", "Số thứ tự chỉ tiêu" }, { "unit_id", "Số thứ tự đơn vị" },
	{ "recurrence", "Lặp lại" }, { "derived", "Chỉ tiêu tính toán" }, { "actual", "Thực hiện" },
	{ "reporters", "Số đơn vị có số liệu" }, { "target", "Mục tiêu" }, { "target_period", "Kỳ mục tiêu" },
	{ "percent_of_target", "% so với mục tiêu" }, { "achieved", "Đã đạt" }, { "forecast", "Dự báo tại kỳ mục tiêu" },
	{ "probability", "Xác suất đạt mục tiêu" }, { "method", "Phương pháp đánh giá" }, { "colour", "Mã màu" },
	{ "colour_vi", "Đánh giá" }, { "trend", "Diễn biến" }, { "latest", "Số liệu mới nhất" }, { "low", "Cận dưới" },
	{ "high", "Cận trên" }, { "assigned", "Được giao" }, { "done_on_time", "Hoàn thành đúng hạn" },
	{ "done_late", "Hoàn thành quá hạn" }, { "open", "Đang thực hiện" }, { "overdue", "Quá hạn" },
	{ "share_on_time", "Tỷ lệ đúng hạn" }, { "rank", "Xếp hạng" }, { "active", "Đang hoạt động" }, { "public", "Công khai" },
};

static const char *title_of(const char *key)
{
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (strcmp(titles[i][0], key) == 0)
			return titles[i][1];
	return NULL;
}

typedef struct sheet_columns {
	char *key[SHEET_MAX_COLUMNS];     /* "field" or "field.sub" */
	char *title[SHEET_MAX_COLUMNS];
	int n;
} sheet_columns;

static void add_column(sheet_columns *c, const char *key, const char *sub)
{
	char k[160];
	snprintf(k, sizeof(k), sub ? "%s.%s" : "%s", key, sub);
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->key[i], k) == 0)
			return;
	if (c->n == SHEET_MAX_COLUMNS)
		return;
	const char *t = title_of(key), *ts = sub ? title_of(sub) : NULL;
	char title[200];
	if (sub)
		snprintf(title, sizeof(title), "%s – %s", t ? t : key, ts ? ts : sub);
	else
		snprintf(title, sizeof(title), "%s", t ? t : key);
	c->key[c->n] = strdup(k);
	c->title[c->n] = strdup(title);
	c->n++;
}

static void columns_free(sheet_columns *c)
{
	for (int i = 0; i < c->n; i++) {
		free(c->key[i]);
		free(c->title[i]);
	}
}

static void collect_columns(sheet_columns *c, const json_t *items)
{
	size_t i;
	json_t *item;
	json_array_foreach(items, i, item) {
		const char *key;
		json_t *v;
		json_object_foreach((json_t *)item, key, v) {
			if (json_is_object(v)) {
				const char *sub;
				json_t *sv;
				json_object_foreach(v, sub, sv)
					if (!json_is_object(sv) && !json_is_array(sv))
						add_column(c, key, sub);
			} else {
				add_column(c, key, NULL);
			}
		}
	}
}

/* An array as one cell: its scalars, or its objects' name/code/title. */
static void join_array(str *s, const json_t *a)
{
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) {
		const json_t *x = v;
		if (json_is_object(v)) {
			x = json_object_get(v, "name");
			if (!x)
				x = json_object_get(v, "code");
			if (!x)
				x = json_object_get(v, "title");
		}
		if (!json_is_string(x) && !json_is_number(x))
			continue;
		if (s->len)
			str_append(s, "; ");
		if (json_is_string(x))
			str_append(s, json_string_value(x));
		else
			str_appendf(s, "%g", json_number_value(x));
	}
}

static void write_cell(xlsx_writer *w, const json_t *v)
{
	if (json_is_integer(v) || json_is_real(v)) {
		xlsx_number(w, json_number_value(v));
	} else if (json_is_string(v)) {
		xlsx_text(w, json_string_value(v));
	} else if (json_is_boolean(v)) {
		xlsx_text(w, json_is_true(v) ? "có" : "không");
	} else if (json_is_array(v)) {
		str s = STR_INIT;
		join_array(&s, v);
		xlsx_text(w, s.ptr);
		str_free(&s);
	} else {
		xlsx_text(w, NULL);
	}
}

static const json_t *cell_value(const json_t *item, const char *key)
{
	const char *dot = strchr(key, '.');
	if (!dot)
		return json_object_get(item, key);
	char head[160];
	snprintf(head, sizeof(head), "%.*s", (int)(dot - key), key);
	return json_object_get(json_object_get(item, head), dot + 1);
}

bool api_wants_sheet(http_req *req)
{
	const char *f = http_req_query(req, "format");
	return f && strcmp(f, "xlsx") == 0 && strcmp(req->method, "GET") == 0;
}

int api_respond_sheet(http_req *req, const json_t *answer)
{
	const char *name = NULL, *key;
	const json_t *items = NULL;
	json_t *v;
	json_object_foreach((json_t *)answer, key, v)
		if (!items && json_is_array(v)) {
			items = v;
			name = key;
		}
	if (!items)
		return err_set(ERR_INVALID, "this answer is not a list; format=xlsx is for lists");
	sheet_columns c = { .n = 0 };
	collect_columns(&c, items);
	xlsx_writer w;
	xlsx_writer_init(&w, name);
	xlsx_header(&w, (const char *const *)c.title, c.n);
	size_t i;
	json_t *item;
	json_array_foreach(items, i, item) {
		xlsx_row(&w);
		for (int k = 0; k < c.n; k++)
			write_cell(&w, cell_value(item, c.key[k]));
	}
	columns_free(&c);
	char *data, disposition[120];
	size_t len;
	int rc = xlsx_finish(&w, &data, &len);
	if (rc < 0)
		return rc;
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"%.60s.xlsx\"", name);
	http_req_add_header(req, "Content-Disposition", disposition);
	http_req_add_header(req, "Cache-Control", "no-store");
	rc = http_respond(req, 200, API_XLSX_TYPE, data, len);
	free(data);
	return rc;
}
