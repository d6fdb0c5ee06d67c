/* sheet: any list the API answers with, as an .xlsx workbook — GET with
 * ?format=xlsx[&lang=en]. The first array of objects in the answer
 * becomes the sheet, as an office expects it: a title, the filter and the
 * moment of the data in the first lines, then a frozen, filterable header
 * of Vietnamese (or English) column titles, an STT column counting the
 * rows, one row per object and one column per field in the order fields
 * first appear (database ids left out); a nested object gives one column
 * per field of its own ("lead_unit.name"), an array of names or codes one
 * cell joining them. Codes are said in words (tăng/giảm, the official
 * task status words, xanh/vàng/đỏ/xám, periods), dates are date cells and
 * numbers are rounded and formatted. */
#include "api/api.h"
#include "util/err.h"
#include "util/period.h"
#include "util/str.h"
#include "util/time.h"
#include "util/xlsx.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHEET_MAX_COLUMNS 60

/* ------------------------------------------------------------- words */

/* Field titles: key, Vietnamese, English. */
static const char *const titles[][3] = {
	{ "code", "Mã", "Code" }, { "name", "Tên", "Name" }, { "name_vi", "Tên", "Name" },
	{ "name_en", "Tên tiếng Anh", "English name" }, { "title", "Tiêu đề", "Title" }, { "kind", "Loại", "Kind" },
	{ "status", "Trạng thái", "Status" }, { "status_label", "Trạng thái", "Status" }, { "deadline", "Hạn", "Deadline" },
	{ "as_of", "Tình trạng tại ngày", "Status on" },
	{ "year", "Năm", "Year" }, { "doi", "DOI", "DOI" }, { "venue", "Tạp chí, nguồn", "Venue" }, { "field", "Lĩnh vực", "Field" },
	{ "cited_by_count", "Số trích dẫn", "Citations" }, { "fwci", "FWCI", "FWCI" }, { "is_oa", "Truy cập mở", "Open access" },
	{ "is_top10", "Top 10% trích dẫn", "Top 10% cited" }, { "organisations", "Tổ chức", "Organisations" },
	{ "progress", "Tiến độ (%)", "Progress (%)" }, { "measure", "Đơn vị tính", "Measure" },
	{ "direction", "Chiều tốt", "Better when" }, { "aggregation", "Cách tổng hợp", "Aggregation" },
	{ "weight_code", "Chỉ tiêu làm trọng số", "Weighted by" }, { "formula", "Công thức", "Formula" },
	{ "baseline_value", "Giá trị gốc", "Baseline" }, { "baseline_year", "Năm gốc", "Baseline year" },
	{ "period", "Kỳ báo cáo", "Period" }, { "value", "Giá trị", "Value" }, { "note", "Ghi chú", "Note" },
	{ "unit_code", "Mã đơn vị", "Unit code" }, { "unit_name", "Tên đơn vị", "Unit" },
	{ "indicator_code", "Mã chỉ tiêu", "Indicator code" }, { "indicator_name", "Tên chỉ tiêu", "Indicator" },
	{ "number", "Số hiệu", "Number" }, { "issued_on", "Ngày ban hành", "Issued on" },
	{ "issuer", "Cơ quan ban hành", "Issued by" }, { "product", "Sản phẩm", "Product" },
	{ "lead_unit", "Đơn vị chủ trì", "Lead unit" }, { "supporting_units", "Đơn vị phối hợp", "Supporting units" },
	{ "document", "Văn bản", "Document" }, { "objective", "Mục tiêu", "Objective" },
	{ "objective_code", "Mã mục tiêu", "Objective code" }, { "owner_unit_code", "Đơn vị phụ trách", "Owner unit" },
	{ "parent_code", "Mã đơn vị cấp trên", "Parent unit code" }, { "path", "Đường dẫn", "Path" },
	{ "login", "Tên đăng nhập", "Login" }, { "full_name", "Họ và tên", "Full name" }, { "email", "Thư điện tử", "E-mail" },
	{ "late", "Nộp muộn", "Late" }, { "submitted_at", "Ngày gửi", "Submitted at" },
	{ "updated_at", "Cập nhật lúc", "Updated at" }, { "created_at", "Tạo lúc", "Created at" },
	{ "reason", "Lý do trả lại", "Reason returned" }, { "lead_unit_code", "Mã đơn vị chủ trì", "Lead unit code" },
	{ "lead_unit_name", "Đơn vị chủ trì", "Lead unit" }, { "document_number", "Số hiệu văn bản", "Document number" },
	{ "completion_waiting", "Chờ duyệt hoàn thành", "Completion awaiting approval" },
	{ "starts_on", "Bắt đầu từ", "Starts on" }, { "due_days", "Hạn sau kỳ (ngày)", "Due days after the period" },
	{ "period_deadline", "Hạn của kỳ", "Deadline of the period" }, { "recurrence", "Lặp lại", "Recurrence" },
	{ "derived", "Chỉ tiêu tính toán", "Derived" }, { "actual", "Thực hiện", "Actual" },
	{ "reporters", "Số đơn vị có số liệu", "Units reporting" }, { "target", "Mục tiêu", "Target" },
	{ "expected", "Số đơn vị phải báo cáo", "Units expected to report" },
	{ "approved", "Số đơn vị đã được duyệt", "Units approved" }, { "reported", "Số đơn vị đã báo cáo", "Units reported" },
	{ "on_time", "Số đơn vị báo cáo đúng hạn", "Units reporting on time" },
	{ "threshold", "Ngưỡng đầy đủ để công bố (%)", "Completeness needed to publish (%)" },
	{ "partial", "Kỳ đang tổng hợp", "Period being gathered" }, { "complete", "Đủ số liệu", "Complete" },
	{ "completeness_threshold", "Ngưỡng đầy đủ để công bố (%)", "Completeness needed to publish (%)" },
	{ "period_in_progress", "Kỳ đang tổng hợp", "Period being gathered" },
	{ "target_period", "Kỳ mục tiêu", "Target period" }, { "percent_of_target", "% so với mục tiêu", "% of target" },
	{ "achieved", "Đã đạt", "Achieved" }, { "forecast", "Dự báo tại kỳ mục tiêu", "Forecast at the target period" },
	{ "probability", "Xác suất đạt mục tiêu", "Probability of reaching the target" },
	{ "method", "Phương pháp đánh giá", "Method" }, { "colour", "Đánh giá", "Rating" }, { "colour_vi", "Đánh giá", "Rating" },
	{ "trend", "Diễn biến", "Trend" }, { "latest", "Số liệu mới nhất", "Latest" }, { "low", "Cận dưới", "Low" },
	{ "high", "Cận trên", "High" }, { "assigned", "Được giao", "Assigned" },
	{ "done_on_time", "Hoàn thành đúng hạn", "Done on time" }, { "done_late", "Hoàn thành quá hạn", "Done late" },
	{ "open", "Đang thực hiện", "Open" }, { "overdue", "Quá hạn", "Overdue" },
	{ "share_on_time", "Tỷ lệ đúng hạn", "Share on time" }, { "rank", "Xếp hạng", "Rank" },
	{ "active", "Đang hoạt động", "Active" }, { "public", "Công khai", "Public" },
	{ "report_kinds", "Loại đơn vị báo cáo", "Reported by" }, { "role", "Vai trò", "Role" },
	{ "action", "Thao tác", "Action" }, { "entity", "Đối tượng", "Entity" }, { "at", "Thời điểm", "At" },
	{ "by", "Người thực hiện", "By" }, { "person", "Người thực hiện", "By" }, { "seq", "Số thứ tự nhật ký", "Entry" },
	{ "score", "Điểm", "Score" }, { "unit", "Đơn vị", "Unit" }, { "indicator", "Chỉ tiêu", "Indicator" },
	{ "year", "Năm", "Year" }, { "locked", "Bị khóa", "Locked" }, { "role_label", "Vai trò", "Role" },
	{ "unit_role", "Vai trò của đơn vị", "Unit's role" }, { "previous_value", "Giá trị kỳ trước", "Previous value" },
	{ "group_code", "Mã nhóm nhiệm vụ", "Task group code" }, { "group_title", "Nhóm nhiệm vụ", "Task group" },
	{ "my_role", "Vai trò của đơn vị tôi", "My unit's role" }, { "evidence", "Minh chứng", "Evidence" },
	{ "last_return", "Lần trả lại gần nhất", "Last returned" }, { "before", "Trước", "Before" }, { "after", "Sau", "After" },
	{ "unit_id", "Mã số đơn vị", "Unit id" }, { "indicator_id", "Mã số chỉ tiêu", "Indicator id" },
	{ "document_id", "Mã số văn bản", "Document id" }, { "q", "Tìm kiếm", "Search" }, { "mine", "Của đơn vị tôi", "My units" },
	{ "children", "Gồm đơn vị trực thuộc", "With the units under it" }, { "from", "Từ", "From" }, { "to", "Đến", "To" },
	{ "hash", "Mã băm", "Hash" }, { "actor", "Người thực hiện", "By" }, { "depth", "Cấp", "Level" },
	{ "n_children", "Số đơn vị trực thuộc", "Units under it" }, { "basis_number", "Văn bản căn cứ", "Based on" }, { "prev_hash", "Mã băm trước", "Previous hash" }, { "entity_id", "Mã đối tượng", "Entity id" },
	/* the monthly use of a network's shared resources, by sector */
	{ "month", "Tháng", "Month" }, { "hours_used", "Số giờ sử dụng", "Hours used" }, { "bookings", "Lượt sử dụng", "Bookings used" },
	{ "firms", "Số doanh nghiệp được phục vụ", "Firms served" }, { "hours_by_sector", "Số giờ", "Hours" },
	{ "firms_by_sector", "Số doanh nghiệp", "Firms" }, { "ai", "Trí tuệ nhân tạo", "Artificial intelligence" },
	{ "big_data", "Dữ liệu lớn", "Big data" }, { "iot", "Internet vạn vật", "Internet of things" }, { "blockchain", "Chuỗi khối", "Blockchain" },
	{ "biotech", "Công nghệ sinh học, y sinh", "Biotechnology and biomedicine" },
	{ "materials_energy", "Vật liệu mới, năng lượng sạch", "New materials and clean energy" },
	{ "automation", "Tự động hóa, robot", "Automation and robotics" }, { "cybersecurity", "An ninh mạng", "Cybersecurity" },
	{ "none", "Chưa rõ lĩnh vực", "Sector not given" },
	/* bibliometric indicators (stmap/indicators) */
	{ "short_name", "Tên viết tắt", "Short name" }, { "n_organisations", "Số tổ chức", "Organisations" },
	{ "counting", "Cách đếm", "Counting" }, { "p", "P – Số công bố", "P – Publications" },
	{ "tcs", "TCS – Tổng trích dẫn", "TCS – Total citations" }, { "mcs", "MCS – Trích dẫn bình quân", "MCS – Mean citations" },
	{ "tncs", "TNCS – Tổng trích dẫn chuẩn hóa", "TNCS – Total normalised citations" },
	{ "mncs", "MNCS – Trích dẫn chuẩn hóa bình quân", "MNCS – Mean normalised citations" },
	{ "p_top1", "P(top 1%)", "P(top 1%)" }, { "pp_top1", "PP(top 1%)", "PP(top 1%)" },
	{ "p_top10", "P(top 10%)", "P(top 10%)" }, { "pp_top10", "PP(top 10%)", "PP(top 10%)" },
	{ "p_top50", "P(top 50%)", "P(top 50%)" }, { "pp_top50", "PP(top 50%)", "PP(top 50%)" },
	{ "p_collab", "P(hợp tác)", "P(collab)" }, { "pp_collab", "PP(hợp tác)", "PP(collab)" },
	{ "p_int_collab", "P(hợp tác quốc tế)", "P(int collab)" }, { "pp_int_collab", "PP(hợp tác quốc tế)", "PP(int collab)" },
	{ "p_industry", "P(với doanh nghiệp)", "P(industry)" }, { "pp_industry", "PP(với doanh nghiệp)", "PP(industry)" },
	{ "p_short_dist", "P(<100 km)", "P(<100 km)" }, { "pp_short_dist", "PP(<100 km)", "PP(<100 km)" },
	{ "p_long_dist", "P(>5000 km)", "P(>5000 km)" }, { "pp_long_dist", "PP(>5000 km)", "PP(>5000 km)" },
	{ "mgcd", "MGCD – Khoảng cách hợp tác bình quân (km)", "MGCD – Mean collaboration distance (km)" },
	{ "p_dist_known", "Số công bố biết khoảng cách", "Publications with a known distance" },
	{ "h_index", "Chỉ số h", "h-index" }, { "mcs_lo", "MCS – cận dưới", "MCS – low" }, { "mcs_hi", "MCS – cận trên", "MCS – high" },
	{ "mncs_lo", "MNCS – cận dưới", "MNCS – low" }, { "mncs_hi", "MNCS – cận trên", "MNCS – high" },
	{ "pp_top1_lo", "PP(top 1%) – cận dưới", "PP(top 1%) – low" }, { "pp_top1_hi", "PP(top 1%) – cận trên", "PP(top 1%) – high" },
	{ "pp_top10_lo", "PP(top 10%) – cận dưới", "PP(top 10%) – low" }, { "pp_top10_hi", "PP(top 10%) – cận trên", "PP(top 10%) – high" },
	{ "pp_top50_lo", "PP(top 50%) – cận dưới", "PP(top 50%) – low" }, { "pp_top50_hi", "PP(top 50%) – cận trên", "PP(top 50%) – high" },
	{ "pp_collab_lo", "PP(hợp tác) – cận dưới", "PP(collab) – low" }, { "pp_collab_hi", "PP(hợp tác) – cận trên", "PP(collab) – high" },
	{ "pp_int_collab_lo", "PP(hợp tác quốc tế) – cận dưới", "PP(int collab) – low" },
	{ "pp_int_collab_hi", "PP(hợp tác quốc tế) – cận trên", "PP(int collab) – high" },
	{ "patents", "Bằng độc quyền sáng chế", "Patents" }, { "utility_solutions", "Giải pháp hữu ích", "Utility solutions" },
	{ "projects", "Đề tài, dự án", "Projects" }, { "funding", "Kinh phí đề tài chủ trì (đồng)", "Funding of projects led (VND)" },
	{ "contracts", "Hợp đồng chuyển giao công nghệ", "Technology-transfer contracts" },
	{ "contract_value", "Giá trị hợp đồng (đồng)", "Contract value (VND)" }, { "spinoffs", "Doanh nghiệp spin-off", "Spin-offs" },
};

/* List names as sheet names and titles. */
static const char *const sheet_names[][3] = {
	{ "indicators", "Chỉ tiêu", "Indicators" }, { "tasks", "Nhiệm vụ", "Tasks" }, { "units", "Đơn vị", "Units" },
	{ "values", "Số liệu chỉ tiêu", "Indicator values" }, { "entries", "Nhật ký hệ thống", "Audit trail" },
	{ "audit", "Nhật ký hệ thống", "Audit trail" }, { "series", "Chuỗi số liệu", "Series" },
	{ "documents", "Văn bản", "Documents" }, { "people", "Người dùng", "People" },
	{ "by_unit", "Theo đơn vị", "By unit" }, { "rows", "Bảng số liệu", "Table" }, { "ranking", "Xếp hạng", "Ranking" },
	{ "scores", "Điểm số", "Scores" }, { "runs", "Các lần tính", "Runs" }, { "items", "Danh mục", "Items" },
	{ "objectives", "Mục tiêu", "Objectives" }, { "reports", "Báo cáo", "Reports" }, { "units_ranked", "Xếp hạng đơn vị", "Unit ranking" },
	{ "by_member", "Sử dụng tài nguyên dùng chung", "Use of shared resources" },
};

/* Answers named by their route rather than their list. */
static const char *const path_names[][3] = {
	{ "/api/v1/dashboard", "Tổng quan", "Overview" }, { "/api/v1/index-runs", "Kết quả chỉ số", "Index results" },
	{ "/api/v1/index-uncertainty", "Phân tích bất định", "Uncertainty analysis" },
	{ "/api/v1/stmap/indicators", "Chỉ số năng suất và tác động khoa học", "Bibliometric indicators" },
	{ "/api/v1/stmap/organisations/", "Chỉ số khoa học của tổ chức", "Bibliometric indicators of an organisation" },
};

/* Codes said in words: code, Vietnamese, English. */
static const char *const words[][3] = {
	{ "up", "Tăng", "Up" }, { "down", "Giảm", "Down" }, { "exact", "Đúng mức", "Exact" },
	{ "sum", "Cộng tổng", "Sum" }, { "mean", "Trung bình", "Mean" }, { "weighted_mean", "Trung bình có trọng số", "Weighted mean" },
	{ "min", "Nhỏ nhất", "Minimum" }, { "max", "Lớn nhất", "Maximum" }, { "none", "Không tổng hợp", "None" },
	{ "green", "Xanh", "Green" }, { "yellow", "Vàng", "Yellow" }, { "red", "Đỏ", "Red" }, { "grey", "Xám", "Grey" },
	{ "done_on_time", "Hoàn thành đúng hạn", "Done on time" }, { "done_late", "Hoàn thành quá hạn", "Done late" },
	{ "open_overdue", "Chưa hoàn thành – quá hạn", "Open, overdue" }, { "open_due_soon", "Sắp đến hạn", "Due soon" },
	{ "open_in_time", "Chưa hoàn thành – trong hạn", "Open, in time" },
	{ "draft", "Nháp", "Draft" }, { "submitted", "Đã gửi", "Submitted" }, { "approved", "Đã duyệt", "Approved" },
	{ "returned", "Bị trả lại", "Returned" }, { "pending", "Chờ duyệt", "Pending" }, { "refused", "Không duyệt", "Refused" },
	{ "yearly", "Hằng năm", "Yearly" }, { "quarterly", "Hằng quý", "Quarterly" }, { "monthly", "Hằng tháng", "Monthly" },
	{ "province", "Tỉnh, thành phố", "Province or city" }, { "department", "Sở, ban, ngành", "Department" },
	{ "agency", "Cơ quan", "Agency" }, { "commune", "Phường, xã", "Commune or ward" },
	{ "university", "Trường đại học", "University" }, { "enterprise", "Doanh nghiệp", "Enterprise" },
	{ "innovation_centre", "Trung tâm đổi mới sáng tạo", "Innovation centre" }, { "other", "Khác", "Other" },
	{ "resolution", "Nghị quyết", "Resolution" }, { "plan", "Kế hoạch", "Plan" }, { "decision", "Quyết định", "Decision" },
	{ "task_group", "Nhóm nhiệm vụ", "Task group" },
	{ "steering", "Văn phòng Ban Chỉ đạo", "Steering office" }, { "admin", "Quản trị", "Administrator" },
	{ "officer", "Cán bộ đơn vị", "Unit officer" }, { "viewer", "Người xem", "Viewer" },
	{ "create", "Tạo mới", "Create" }, { "update", "Cập nhật", "Update" }, { "delete", "Xóa", "Delete" },
	{ "import", "Nhập từ tệp", "Import" }, { "submit", "Gửi duyệt", "Submit" }, { "approve", "Duyệt", "Approve" },
	{ "return", "Trả lại", "Return" }, { "targets", "Đặt mục tiêu", "Set targets" },
	{ "reporting", "Đặt cấp báo cáo", "Set reporting level" }, { "login", "Đăng nhập", "Sign in" },
	{ "signin", "Đăng nhập", "Sign in" }, { "signout", "Đăng xuất", "Sign out" }, { "lock", "Khóa", "Lock" },
	{ "unlock", "Mở khóa", "Unlock" }, { "grant", "Cấp quyền", "Grant" }, { "revoke", "Thu hồi quyền", "Revoke" },
	{ "password", "Đặt mật khẩu", "Set password" }, { "comment", "Ý kiến", "Comment" },
	{ "indicator", "Chỉ tiêu", "Indicator" }, { "indicator_value", "Số liệu chỉ tiêu", "Indicator value" },
	{ "task", "Nhiệm vụ", "Task" }, { "task_report", "Báo cáo nhiệm vụ", "Task report" }, { "unit", "Đơn vị", "Unit" },
	{ "person", "Người dùng", "Person" }, { "document", "Văn bản", "Document" },
	{ "lead", "Chủ trì", "Lead" }, { "support", "Phối hợp", "Supporting" }, { "forecast", "Dự báo", "Forecast" },
	{ "achieved", "Đã đạt", "Achieved" }, { "no_data", "Chưa có số liệu", "No data" },
};

/* Fields whose text is a code said in words. */
static const char *const code_fields[] = { "direction", "aggregation", "colour", "status", "recurrence", "kind", "role",
	"action", "entity", "method", "unit_role", "my_role", NULL };
/* Objects shown whole in one cell ("key: value; ..."): their fields
 * differ from row to row. */
static const char *const whole_objects[] = { "before", "after", "details", NULL };
/* Fields whose text is a period code. */
static const char *const period_fields[] = { "period", "target_period", "previous_period", "baseline_period", NULL };

static bool in(const char *const *list, const char *key)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(list[i], key) == 0)
			return true;
	return false;
}

static const char *lookup(const char *const table[][3], size_t n, const char *key, bool en)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i][0], key) == 0)
			return table[i][en ? 2 : 1];
	return NULL;
}
#define LOOKUP(table, key, en) lookup(table, sizeof(table) / sizeof(table[0]), key, en)

/* ------------------------------------------------------------ columns */

typedef struct sheet_columns {
	char *key[SHEET_MAX_COLUMNS];     /* "field" or "field.sub" */
	char *title[SHEET_MAX_COLUMNS];
	int n;
} sheet_columns;

/* Database ids mean nothing to an office, what the person may do is for
 * the UI, and labels of a period repeat it: left out. */
static bool is_id(const char *key)
{
	size_t n = strlen(key);
	return strcmp(key, "id") == 0 || (n > 3 && strcmp(key + n - 3, "_id") == 0 && strcmp(key, "entity_id") != 0) ||
		strcmp(key, "data_seq") == 0 || strcmp(key, "can") == 0 || (n > 9 && strcmp(key + n - 9, "_label_vi") == 0) ||
		(n > 9 && strcmp(key + n - 9, "_label_en") == 0);
}

static void add_column(sheet_columns *c, const char *key, const char *sub, bool en)
{
	char k[160];
	snprintf(k, sizeof(k), sub ? "%s.%s" : "%s", key, sub);
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->key[i], k) == 0)
			return;
	if (c->n == SHEET_MAX_COLUMNS)
		return;
	const char *t = LOOKUP(titles, key, en), *ts = sub ? LOOKUP(titles, sub, en) : NULL;
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

/* True if item has key's words already ("status" beside "status_label"
 * or "colour" beside "colour_vi"): the code column is left out. */
static bool said_elsewhere(const json_t *item, const char *key)
{
	char k[160];
	snprintf(k, sizeof(k), "%s_label", key);
	if (json_object_get(item, k))
		return true;
	snprintf(k, sizeof(k), "%s_vi", key);
	return json_object_get(item, k) && strcmp(key, "name") != 0;
}

static void collect_columns(sheet_columns *c, const json_t *items, bool en)
{
	size_t i;
	json_t *item;
	json_array_foreach(items, i, item) {
		const char *key;
		json_t *v;
		json_object_foreach((json_t *)item, key, v) {
			if (is_id(key) || said_elsewhere(item, key))
				continue;
			if (json_is_object(v) && !in(whole_objects, key)) {
				const char *sub;
				json_t *sv;
				json_object_foreach(v, sub, sv)
					if (!json_is_object(sv) && !json_is_array(sv) && !is_id(sub))
						add_column(c, key, sub, en);
			} else {
				add_column(c, key, NULL, en);
			}
		}
	}
}

/* ------------------------------------------------------------- cells */

/* An array as one cell: its scalars, or its objects' name/code/title. */
static void join_array(str *s, const json_t *a, const char *key, bool en)
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
		if (json_is_string(x)) {
			const char *w = strcmp(key, "report_kinds") == 0 ? LOOKUP(words, json_string_value(x), en) : NULL;
			str_append(s, w ? w : json_string_value(x));
		} else {
			str_appendf(s, "%g", json_number_value(x));
		}
	}
}

/* An object as one cell: its scalar fields, "key: value; ...". */
static void join_object(str *s, const json_t *o)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)o, k, v) {
		if (json_is_object(v) || json_is_array(v) || json_is_null(v))
			continue;
		if (s->len)
			str_append(s, "; ");
		str_appendf(s, "%s: ", k);
		if (json_is_string(v))
			str_append(s, json_string_value(v));
		else if (json_is_boolean(v))
			str_append(s, json_is_true(v) ? "true" : "false");
		else
			str_appendf(s, "%.12g", json_number_value(v));
	}
}

static bool all_digits(const char *p, int n)
{
	for (int i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	return true;
}

/* A string cell: a date or a moment as a date cell, a code or a period
 * in words, else the text. */
static void text_cell(xlsx_writer *w, const char *key, const char *v, bool en)
{
	size_t n = strlen(v);
	const char *field = strrchr(key, '.') ? strrchr(key, '.') + 1 : key;
	if (n >= 10 && all_digits(v, 4) && v[4] == '-' && all_digits(v + 5, 2) && v[7] == '-' && all_digits(v + 8, 2)) {
		time_t t;
		if (n == 10) {
			xlsx_date(w, atoi(v), atoi(v + 5), atoi(v + 8));
			return;
		}
		if (v[10] == 'T' && time_parse_iso(&t, v)) {
			xlsx_moment(w, t);
			return;
		}
	}
	if (in(code_fields, field)) {
		const char *word = LOOKUP(words, v, en);
		xlsx_text(w, word ? word : v);
		return;
	}
	if (in(period_fields, field)) {
		period p;
		char label[PERIOD_LABEL_MAX];
		if (period_parse(&p, v, n) == 0) {
			if (en)
				period_label_en(&p, label, sizeof(label));
			else
				period_format_vi(&p, label);
			xlsx_text(w, label);
			return;
		}
	}
	xlsx_text(w, v);
}

static void number_cell(xlsx_writer *w, const char *key, double v)
{
	const char *field = strrchr(key, '.') ? strrchr(key, '.') + 1 : key;
	if (strstr(field, "year") || strcmp(field, "rank") == 0 || strcmp(field, "seq") == 0)
		xlsx_number(w, v);
	else if ((strcmp(field, "share_on_time") == 0 || strcmp(field, "probability") == 0) && v >= 0 && v <= 1)
		xlsx_number_as(w, round(v * 10000) / 10000, XLSX_PERCENT);   /* to 0.01% */
	else
		xlsx_amount(w, v);
}

static void write_cell(xlsx_writer *w, const char *key, const json_t *v, bool en)
{
	if (json_is_integer(v) || json_is_real(v)) {
		number_cell(w, key, json_number_value(v));
	} else if (json_is_string(v)) {
		text_cell(w, key, json_string_value(v), en);
	} else if (json_is_boolean(v)) {
		xlsx_text(w, json_is_true(v) ? (en ? "yes" : "có") : (en ? "no" : "không"));
	} else if (json_is_array(v) || json_is_object(v)) {
		str s = STR_INIT;
		if (json_is_array(v))
			join_array(&s, v, key, en);
		else
			join_object(&s, v);
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

/* ------------------------------------------------------------ the API */

bool api_wants_sheet(http_req *req)
{
	const char *f = http_req_query(req, "format");
	return f && strcmp(f, "xlsx") == 0 && strcmp(req->method, "GET") == 0;
}

bool api_wants_english(http_req *req)
{
	const char *l = http_req_query(req, "lang");
	return l && strcmp(l, "en") == 0;
}

/* Query arguments that shape the answer rather than filter it. */
static const char *const not_filters[] = { "format", "lang", "limit", "offset", "sort", "_", NULL };

void api_sheet_filter(str *out, http_req *req, bool en)
{
	const char *keys[16], *values[16];
	int n = http_req_query_pairs(req, keys, values, 16);
	for (int i = 0; i < n; i++) {
		if (in(not_filters, keys[i]) || !*values[i])
			continue;
		const char *t = LOOKUP(titles, keys[i], en);
		const char *word = in(code_fields, keys[i]) ? LOOKUP(words, values[i], en) : NULL;
		char label[PERIOD_LABEL_MAX];
		period p;
		date_ymd day;
		if (strcmp(keys[i], "as_of") == 0 && date_parse(&day, values[i], strlen(values[i])) == 0) {
			date_format_vi(day, label);
			word = label;
		}
		if (!word && in(period_fields, keys[i]) && period_parse(&p, values[i], strlen(values[i])) == 0) {
			if (en)
				period_label_en(&p, label, sizeof(label));
			else
				period_format_vi(&p, label);
			word = label;
		}
		if (out->len)
			str_append(out, "; ");
		str_appendf(out, "%s: %s", t ? t : keys[i], word ? word : values[i]);
	}
}

int api_respond_sheet(http_req *req, const json_t *answer)
{
	const char *name = NULL, *key;
	const json_t *items = NULL;
	json_t *v;
	bool en = api_wants_english(req);
	json_object_foreach((json_t *)answer, key, v)
		if (!items && json_is_array(v)) {
			items = v;
			name = key;
		}
	if (!items)
		return err_set(ERR_INVALID, "this answer is not a list; format=xlsx is for lists");
	const char *sheet = LOOKUP(sheet_names, name, en);
	for (size_t k = 0; k < sizeof(path_names) / sizeof(path_names[0]); k++)
		if (strncmp(req->path, path_names[k][0], strlen(path_names[k][0])) == 0)
			sheet = path_names[k][en ? 2 : 1];
	sheet_columns c = { .n = 0 };
	collect_columns(&c, items, en);
	const char **head = calloc((size_t)c.n + 1, sizeof(*head));
	if (!head) {
		columns_free(&c);
		return err_set(ERR_NOMEM, "out of memory");
	}
	head[0] = en ? "No." : "STT";
	for (int k = 0; k < c.n; k++)
		head[k + 1] = c.title[k];
	xlsx_writer w;
	str filter = STR_INIT;
	char line[1200], when[64];
	const char *as_of = json_string_value(json_object_get(answer, "as_of"));
	time_t at;
	if (!as_of || !time_parse_iso(&at, as_of))
		at = time_now();
	struct tm tm;
	time_vn_tm(&tm, at);
	snprintf(when, sizeof(when), "%02d/%02d/%04d %02d:%02d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900, tm.tm_hour,
		tm.tm_min);
	api_sheet_filter(&filter, req, en);
	xlsx_writer_init(&w, sheet ? sheet : name);
	xlsx_title(&w, sheet ? sheet : name);
	snprintf(line, sizeof(line), en ? "Filter: %s" : "Bộ lọc: %s",
		filter.len ? filter.ptr : en ? "none (everything you may see)" : "không (mọi dữ liệu được xem)");
	xlsx_note(&w, line);
	snprintf(line, sizeof(line), en ? "Data as of %s (Viet Nam time) · %zu rows" : "Số liệu tại thời điểm %s · %zu dòng",
		when, json_array_size(items));
	xlsx_note(&w, line);
	str_free(&filter);
	xlsx_header(&w, head, c.n + 1);
	xlsx_filter(&w);
	free(head);
	size_t i;
	json_t *item;
	json_array_foreach(items, i, item) {
		xlsx_row(&w);
		xlsx_number_as(&w, (double)(i + 1), XLSX_INTEGER);
		for (int k = 0; k < c.n; k++)
			write_cell(&w, c.key[k], cell_value(item, c.key[k]), en);
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
