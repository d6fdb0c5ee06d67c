/* xlsx: the spreadsheet writer. Cells are collected per sheet, then the
 * workbook is written by libxlsxwriter into a temporary file and read
 * back (libxlsxwriter 1.1.4 writes files only). The names Excel accepts
 * and their uniqueness are ours, so a name never fails a workbook. (The
 * first-sheet reader: xlsx_read.c.) */
#include "util/xlsx.h"
#include "util/err.h"
#include "util/utf8.h"
#include "util/time.h"
#include "util/zip.h"

#include <xlsxwriter.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define XLSX_MAX_COLS 16384
#define XLSX_MAX_ROWS 1048576
#define SHEET_NAME_MAX 31
#define FIT_MIN 6.0
#define FIT_MAX 60.0

enum cell_kind { CELL_TEXT, CELL_NUMBER, CELL_DATE, CELL_BLANK };

/* Cell styles; each becomes one lxw_format of the workbook. */
enum cell_style {
	S_PLAIN, S_HEADER, S_INTEGER, S_DECIMAL, S_PERCENT, S_SMALL, S_TITLE, S_NOTE, S_DATE, S_MOMENT, S_INPUT_NUMBER,
	S_INPUT_TEXT, S_COUNT
};

/* ---- names Excel accepts ---- */

/* Cuts s to at most max characters, counted in UTF-16 units as Excel
 * counts them; s holds valid UTF-8. */
static void cut_units(str *s, int max)
{
	const unsigned char *p = (const unsigned char *)s->ptr;
	size_t at = 0;
	int units = 0;
	while (p && at < s->len) {
		uint32_t cp;
		size_t k = xml_utf8_next(p + at, s->len - at, &cp);
		int w = cp >= 0x10000 ? 2 : 1;
		if (!k || units + w > max)
			break;
		units += w;
		at += k;
	}
	if (p && at < s->len) {
		s->len = at;
		s->ptr[at] = '\0';
	}
}

/* Appends the sheet name Excel accepts: no []:*?/\ or control characters
 * (spaces instead), no apostrophe at either end, at most 31 characters;
 * "Sheet1" when nothing is left. */
static void sheet_name(str *out, const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t n = strlen(name), start = out->len;
	while (n) {
		uint32_t cp;
		size_t k = xml_utf8_next(p, n, &cp);
		if (k && xml_char_ok(cp)) {
			if (cp < 0x20 || (cp < 0x80 && strchr("[]:*?/\\", (int)cp)))
				str_appendc(out, ' ');
			else
				str_appendn(out, (const char *)p, k);
		}
		k = k ? k : 1;
		p += k;
		n -= k;
	}
	cut_units(out, SHEET_NAME_MAX);
	if (out->len > start && !out->oom) {
		if (out->ptr[start] == '\'')
			out->ptr[start] = ' ';
		if (out->ptr[out->len - 1] == '\'')
			out->ptr[out->len - 1] = ' ';
	}
	if (out->len == start)
		str_append(out, "Sheet1");
}

/* True if key (a lower-cased name) is taken by keys[0..n) or reserved
 * ("History" is Excel's). */
static bool name_taken(char *const *keys, int n, const char *key)
{
	if (strcmp(key, "history") == 0)
		return true;
	for (int i = 0; i < n; i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
}

/* Names unique within the book as Excel compares them (ignoring case): a
 * name already taken gets " (2)", " (3)", ..., cut (and trimmed) to stay
 * within 31 characters. names[i] gets the name of sheets[i]. */
static int unique_names(const xlsx_writer *sheets, int n, str *names)
{
	char **keys = calloc((size_t)(n ? n : 1), sizeof(*keys));
	int rc = keys ? 0 : err_set(ERR_NOMEM, "out of memory");
	for (int i = 0; !rc && i < n; i++) {
		const str *name = &sheets[i].name;
		for (int k = 1; !rc && !keys[i]; k++) {
			char suffix[16] = "";
			if (k > 1)
				snprintf(suffix, sizeof(suffix), " (%d)", k);
			str_clear(&names[i]);
			str_appendn(&names[i], name->ptr ? name->ptr : "", name->len);
			cut_units(&names[i], SHEET_NAME_MAX - (int)strlen(suffix));
			while (k > 1 && names[i].len > 1 && names[i].ptr[names[i].len - 1] == ' ')
				names[i].ptr[--names[i].len] = '\0';
			str_append(&names[i], suffix);
			char *key = NULL;
			if (str_oom(&names[i]))
				rc = err_set(ERR_NOMEM, "out of memory");
			else
				rc = vn_lower(&key, names[i].ptr, names[i].len);
			if (!rc && name_taken(keys, i, key))
				free(key);
			else
				keys[i] = key;
		}
	}
	for (int i = 0; keys && i < n; i++)
		free(keys[i]);
	free(keys);
	return rc;
}

/* ---- collecting cells ---- */

void xlsx_writer_init(xlsx_writer *w, const char *name)
{
	memset(w, 0, sizeof(*w));
	sheet_name(&w->name, name ? name : "");
}

void xlsx_writer_free(xlsx_writer *w)
{
	str_free(&w->name);
	str_free(&w->texts);
	free(w->cells);
	free(w->widths);
	free(w->checks);
	w->cells = NULL;
	w->widths = NULL;
	w->checks = NULL;
	w->n_cells = w->cap_cells = 0;
	w->nwidths = w->n_checks = 0;
}

void xlsx_row(xlsx_writer *w)
{
	if (w->err)
		return;
	if (w->row >= XLSX_MAX_ROWS) {
		w->err = ERR_INVALID;
		return;
	}
	w->row++;
	w->col = 0;
}

/* The next cell of the current row (a row is started if none is); NULL
 * when it cannot be kept. */
static xlsx_cell *cell_next(xlsx_writer *w, enum cell_kind kind, int style)
{
	if (!w->row)
		xlsx_row(w);
	if (w->err)
		return NULL;
	if (w->col >= XLSX_MAX_COLS) {
		w->err = ERR_INVALID;
		return NULL;
	}
	if (w->n_cells == w->cap_cells) {
		size_t cap = w->cap_cells ? w->cap_cells * 2 : 64;
		xlsx_cell *p = realloc(w->cells, cap * sizeof(*p));
		if (!p) {
			w->err = ERR_NOMEM;
			return NULL;
		}
		w->cells = p;
		w->cap_cells = cap;
	}
	xlsx_cell *c = &w->cells[w->n_cells++];
	*c = (xlsx_cell){ .row = w->row - 1, .col = w->col++, .kind = (unsigned char)kind, .style = (unsigned char)style };
	return c;
}

static void skip_cell(xlsx_writer *w)
{
	if (!w->row)
		xlsx_row(w);
	if (!w->err)
		w->col++;
}

/* Keeps v, without the characters XML 1.0 does not allow and without
 * carriage returns (which Excel would show as _x000D_), in w->texts. */
static void text_cell(xlsx_writer *w, const char *v, int style)
{
	if (!v || !*v) {
		if (style == S_INPUT_TEXT)
			cell_next(w, CELL_BLANK, style);
		else
			skip_cell(w);
		return;
	}
	xlsx_cell *c = cell_next(w, CELL_TEXT, style);
	if (!c)
		return;
	c->text = w->texts.len;
	const unsigned char *p = (const unsigned char *)v;
	size_t n = strlen(v);
	while (n) {
		uint32_t cp;
		size_t k = xml_utf8_next(p, n, &cp);
		if (k && xml_char_ok(cp) && cp != '\r')   /* a line break in a cell is \n alone */
			str_appendn(&w->texts, (const char *)p, k);
		k = k ? k : 1;
		p += k;
		n -= k;
	}
	str_appendc(&w->texts, '\0');
	if (str_oom(&w->texts))
		w->err = ERR_NOMEM;
}

void xlsx_text(xlsx_writer *w, const char *v) { text_cell(w, v, S_PLAIN); }

void xlsx_number(xlsx_writer *w, double v) { xlsx_number_as(w, v, XLSX_GENERAL); }

void xlsx_number_as(xlsx_writer *w, double v, xlsx_format f)
{
	static const int styles[] = { S_PLAIN, S_INTEGER, S_DECIMAL, S_PERCENT };
	if (!isfinite(v)) {
		skip_cell(w);
		return;
	}
	xlsx_cell *c = cell_next(w, CELL_NUMBER, f >= XLSX_GENERAL && f <= XLSX_PERCENT ? styles[f] : S_PLAIN);
	if (c)
		c->num = v;
}

void xlsx_amount(xlsx_writer *w, double v)
{
	if (!isfinite(v)) {
		skip_cell(w);
		return;
	}
	double a = fabs(v);
	if (a < 5e-10)
		v = a = 0;
	int style = fabs(v - round(v)) < 5e-10 ? S_INTEGER : a >= 1 ? S_DECIMAL : S_SMALL;
	if (style == S_INTEGER)
		v = round(v);
	else if (a >= 1)   /* no binary noise in the cell: 4 decimals, */
		v = round(v * 1e4) / 1e4;
	else {             /* or 6 significant digits below 1 */
		char buf[40];
		snprintf(buf, sizeof(buf), "%.6g", v);
		v = strtod(buf, NULL);
	}
	xlsx_cell *c = cell_next(w, CELL_NUMBER, style);
	if (c)
		c->num = v;
}

/* Days from 1970-01-01 (proleptic Gregorian), H. Hinnant's algorithm. */
static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool day_exists(int y, int m, int d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1)
		return false;
	int max = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	return d <= max;
}

/* Excel's serial of 1970-01-01 is 25569 (its 1900 system). */
#define EXCEL_EPOCH_1970 25569.0

void xlsx_date(xlsx_writer *w, int y, int m, int d)
{
	if (!day_exists(y, m, d)) {
		skip_cell(w);
		return;
	}
	xlsx_cell *c = cell_next(w, CELL_DATE, S_DATE);
	if (c)
		c->num = EXCEL_EPOCH_1970 + (double)days_from_civil(y, m, d);
}

void xlsx_moment(xlsx_writer *w, time_t t)
{
	xlsx_cell *c = cell_next(w, CELL_DATE, S_MOMENT);
	if (c)
		c->num = EXCEL_EPOCH_1970 + (double)(t + TIME_VN_OFFSET_SECONDS) / 86400.0;
}

void xlsx_input_number(xlsx_writer *w, double v)
{
	xlsx_cell *c = cell_next(w, isfinite(v) ? CELL_NUMBER : CELL_BLANK, S_INPUT_NUMBER);
	if (c)
		c->num = isfinite(v) ? v : 0;
}

void xlsx_input_text(xlsx_writer *w, const char *v) { text_cell(w, v, S_INPUT_TEXT); }

void xlsx_check_decimal(xlsx_writer *w, int col, int first_row, int last_row)
{
	if (w->err || col < 0 || col >= XLSX_MAX_COLS || first_row < 1 || last_row < first_row || last_row > XLSX_MAX_ROWS)
		return;
	xlsx_range *p = realloc(w->checks, (size_t)(w->n_checks + 1) * sizeof(*p));
	if (!p) {
		w->err = ERR_NOMEM;
		return;
	}
	w->checks = p;
	w->checks[w->n_checks++] = (xlsx_range){ col, first_row - 1, last_row - 1 };
}

void xlsx_title(xlsx_writer *w, const char *text)
{
	xlsx_row(w);
	text_cell(w, text, S_TITLE);
}

void xlsx_note(xlsx_writer *w, const char *text)
{
	xlsx_row(w);
	text_cell(w, text, S_NOTE);
}

void xlsx_header(xlsx_writer *w, const char *const *names, int n)
{
	xlsx_row(w);
	if (w->err)
		return;
	w->header_row = w->row;
	w->header_cols = n;
	for (int i = 0; i < n; i++)
		text_cell(w, names[i], S_HEADER);
}

void xlsx_filter(xlsx_writer *w) { w->autofilter = true; }

void xlsx_col_width(xlsx_writer *w, int col, double width)
{
	if (w->err || col < 0 || col >= XLSX_MAX_COLS || !(width >= 0))
		return;
	if (width > 255)
		width = 255;
	if (col >= w->nwidths) {
		double *p = realloc(w->widths, (size_t)(col + 1) * sizeof(*p));
		if (!p) {
			w->err = ERR_NOMEM;
			return;
		}
		for (int i = w->nwidths; i <= col; i++)
			p[i] = 0;
		w->widths = p;
		w->nwidths = col + 1;
	}
	w->widths[col] = width;
}

void xlsx_page(xlsx_writer *w, xlsx_orientation o)
{
	w->portrait = o == XLSX_PORTRAIT;
}

/* ---- writing the workbook ---- */

/* The formats of the styles, created once per workbook. */
static void make_formats(lxw_workbook *wb, lxw_format *f[S_COUNT])
{
	for (int i = 0; i < S_COUNT; i++)
		f[i] = NULL;
	f[S_HEADER] = workbook_add_format(wb);
	format_set_bold(f[S_HEADER]);
	format_set_text_wrap(f[S_HEADER]);
	format_set_align(f[S_HEADER], LXW_ALIGN_VERTICAL_CENTER);
	format_set_bg_color(f[S_HEADER], 0xDDEBF7);
	format_set_border(f[S_HEADER], LXW_BORDER_THIN);
	f[S_INTEGER] = workbook_add_format(wb);
	format_set_num_format(f[S_INTEGER], "#,##0");
	f[S_DECIMAL] = workbook_add_format(wb);
	format_set_num_format(f[S_DECIMAL], "#,##0.00");
	f[S_PERCENT] = workbook_add_format(wb);
	format_set_num_format(f[S_PERCENT], "0.0%");
	f[S_SMALL] = workbook_add_format(wb);
	format_set_num_format(f[S_SMALL], "0.0##");
	f[S_TITLE] = workbook_add_format(wb);
	format_set_bold(f[S_TITLE]);
	format_set_font_size(f[S_TITLE], 14);
	f[S_NOTE] = workbook_add_format(wb);
	format_set_italic(f[S_NOTE]);
	format_set_font_color(f[S_NOTE], 0x404040);
	f[S_DATE] = workbook_add_format(wb);
	format_set_num_format(f[S_DATE], "dd/mm/yyyy");
	format_set_align(f[S_DATE], LXW_ALIGN_LEFT);
	f[S_MOMENT] = workbook_add_format(wb);
	format_set_num_format(f[S_MOMENT], "dd/mm/yyyy hh:mm");
	format_set_align(f[S_MOMENT], LXW_ALIGN_LEFT);
	f[S_INPUT_NUMBER] = workbook_add_format(wb);
	format_set_bg_color(f[S_INPUT_NUMBER], 0xFFF2CC);
	format_set_border(f[S_INPUT_NUMBER], LXW_BORDER_THIN);
	format_set_unlocked(f[S_INPUT_NUMBER]);
	f[S_INPUT_TEXT] = workbook_add_format(wb);
	format_set_bg_color(f[S_INPUT_TEXT], 0xFFF2CC);
	format_set_border(f[S_INPUT_TEXT], LXW_BORDER_THIN);
	format_set_text_wrap(f[S_INPUT_TEXT]);
	format_set_unlocked(f[S_INPUT_TEXT]);
}

/* How wide a cell's contents show, in characters. */
static double cell_width(const xlsx_writer *w, const xlsx_cell *c)
{
	if (c->style == S_TITLE || c->style == S_NOTE)
		return 0;
	if (c->kind == CELL_DATE)
		return c->style == S_MOMENT ? 17 : 11;
	if (c->kind == CELL_NUMBER) {
		char buf[48];
		snprintf(buf, sizeof(buf), c->style == S_PLAIN ? "%.15g" : "%.2f", c->num);
		double n = (double)strlen(buf);
		return n + n / 3 + 1;   /* the thousands separators */
	}
	if (c->kind != CELL_TEXT)
		return 0;
	const unsigned char *p = (const unsigned char *)w->texts.ptr + c->text;
	double n = 0;
	for (; *p; p++)
		n += (*p & 0xC0) != 0x80;   /* characters, not bytes */
	return c->style == S_HEADER ? (n > 24 ? 24 : n) + 2 : n + 1;
}

/* The widths set, and the others fitted to their contents (6 to 60). */
static void set_widths(lxw_worksheet *ws, const xlsx_writer *w)
{
	int ncols = 0;
	for (size_t i = 0; i < w->n_cells; i++)
		if (w->cells[i].col + 1 > ncols)
			ncols = w->cells[i].col + 1;
	if (w->nwidths > ncols)
		ncols = w->nwidths;
	double *fit = calloc((size_t)(ncols ? ncols : 1), sizeof(double));
	if (!fit)
		return;
	for (size_t i = 0; i < w->n_cells; i++) {
		double cw = cell_width(w, &w->cells[i]);
		if (cw > fit[w->cells[i].col])
			fit[w->cells[i].col] = cw;
	}
	for (int col = 0; col < ncols; col++) {
		double width = col < w->nwidths && w->widths[col] > 0 ? w->widths[col] : 0;
		if (!width && fit[col] > 0)
			width = fit[col] < FIT_MIN ? FIT_MIN : fit[col] > FIT_MAX ? FIT_MAX : fit[col];
		if (width > 0)
			worksheet_set_column(ws, (lxw_col_t)col, (lxw_col_t)col, width, NULL);
	}
	free(fit);
}

static void add_checks(lxw_worksheet *ws, const xlsx_writer *w)
{
	for (int i = 0; i < w->n_checks; i++) {
		lxw_data_validation v = {
			.validate = LXW_VALIDATION_TYPE_DECIMAL,
			.criteria = LXW_VALIDATION_CRITERIA_BETWEEN,
			.minimum_number = -1e15,
			.maximum_number = 1e15,
			.input_title = "Nhập số",
			.input_message = "Nhập một số (để trống nếu chưa báo cáo).",
			.error_title = "Không phải là số",
			.error_message = "Ô này chỉ nhận một số, ví dụ 1234,5.",
		};
		const xlsx_range *r = &w->checks[i];
		worksheet_data_validation_range(ws, (lxw_row_t)r->first_row, (lxw_col_t)r->col, (lxw_row_t)r->last_row,
			(lxw_col_t)r->col, &v);
	}
}

/* One sheet's cells and settings. */
static int write_sheet(lxw_worksheet *ws, const xlsx_writer *w, lxw_format *f[S_COUNT])
{
	int last_row = 0, last_col = 0;
	for (size_t i = 0; i < w->n_cells; i++) {
		const xlsx_cell *c = &w->cells[i];
		lxw_format *fmt = f[c->style];
		lxw_error e = LXW_NO_ERROR;
		if (c->kind == CELL_TEXT)
			e = worksheet_write_string(ws, (lxw_row_t)c->row, (lxw_col_t)c->col, w->texts.ptr + c->text, fmt);
		else if (c->kind == CELL_BLANK)
			e = worksheet_write_blank(ws, (lxw_row_t)c->row, (lxw_col_t)c->col, fmt);
		else
			e = worksheet_write_number(ws, (lxw_row_t)c->row, (lxw_col_t)c->col, c->num, fmt);
		if (e != LXW_NO_ERROR)
			return err_set(ERR_GENERIC, "the sheet could not be written: %s", lxw_strerror(e));
		if (c->row > last_row)
			last_row = c->row;
		if (c->col > last_col)
			last_col = c->col;
	}
	set_widths(ws, w);
	add_checks(ws, w);
	if (w->header_row) {
		lxw_row_t h = (lxw_row_t)(w->header_row - 1);
		worksheet_freeze_panes(ws, h + 1, 0);
		worksheet_repeat_rows(ws, h, h);
		if (w->autofilter && w->header_cols > 0)
			worksheet_autofilter(ws, h, 0, (lxw_row_t)(last_row > (int)h ? last_row : (int)h),
				(lxw_col_t)(w->header_cols - 1));
	}
	worksheet_set_paper(ws, 9);
	if (w->portrait)
		worksheet_set_portrait(ws);
	else
		worksheet_set_landscape(ws);
	worksheet_set_margins(ws, 0.5, 0.5, 0.75, 0.75);
	worksheet_fit_to_pages(ws, 1, 0);
	return 0;
}

/* Reads the file at path into *out. */
static int slurp(char **out, size_t *len, const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct stat st;
	if (!fp || fstat(fileno(fp), &st) < 0) {
		if (fp)
			fclose(fp);
		return err_set(ERR_GENERIC, "the workbook could not be read back: %s", strerror(errno));
	}
	char *buf = malloc((size_t)st.st_size + 1);
	size_t got = buf ? fread(buf, 1, (size_t)st.st_size, fp) : 0;
	fclose(fp);
	if (!buf)
		return err_set(ERR_NOMEM, "out of memory");
	if (got != (size_t)st.st_size) {
		free(buf);
		return err_set(ERR_GENERIC, "the workbook could not be read back");
	}
	*out = buf;
	*len = got;
	return 0;
}

/* A fixed creation time keeps the bytes the same for the same calls. */
#define BOOK_CREATED ((time_t)1767225600)   /* 2026-01-01 */

static int write_book(const xlsx_writer *sheets, int n, const str *names, const char *path)
{
	/* the cells come row by row: libxlsxwriter need not hold them */
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb)
		return err_set(ERR_GENERIC, "the workbook could not be created");
	lxw_doc_properties props = { .created = BOOK_CREATED };
	workbook_set_properties(wb, &props);
	lxw_format *f[S_COUNT];
	make_formats(wb, f);
	int rc = 0;
	for (int i = 0; !rc && i < n; i++) {
		lxw_worksheet *ws = workbook_add_worksheet(wb, names[i].ptr);
		rc = ws ? write_sheet(ws, &sheets[i], f) : err_set(ERR_GENERIC, "the sheet '%s' could not be added", names[i].ptr);
	}
	lxw_error e = workbook_close(wb);
	if (!rc && e != LXW_NO_ERROR)
		rc = err_set(ERR_GENERIC, "the workbook could not be written: %s", lxw_strerror(e));
	return rc;
}

static int build_book(const xlsx_writer *sheets, int n, char **out, size_t *len)
{
	str *names = calloc((size_t)(n ? n : 1), sizeof(str));
	int rc = names ? unique_names(sheets, n, names) : err_set(ERR_NOMEM, "out of memory");
	char path[256];
	const char *tmp = getenv("TMPDIR");
	snprintf(path, sizeof(path), "%s/nq57-xlsx-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = rc ? -1 : mkstemp(path);
	if (!rc && fd < 0)
		rc = err_set(ERR_GENERIC, "no temporary file for the workbook: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	if (!rc && (rc = write_book(sheets, n, names, path)) == 0)
		rc = slurp(out, len, path);
	if (fd >= 0)
		unlink(path);
	for (int i = 0; names && i < n; i++)
		str_free(&names[i]);
	free(names);
	return rc;
}

/* The first error of the sheets, with its message. */
static int sheets_error(xlsx_writer *sheets, int n)
{
	for (int i = 0; i < n; i++) {
		int rc = sheets[i].err;
		if (!rc && (str_oom(&sheets[i].name) || str_oom(&sheets[i].texts)))
			rc = ERR_NOMEM;
		if (rc == ERR_INVALID)
			return err_set(rc, "the sheet has more than %d rows or %d columns", XLSX_MAX_ROWS, XLSX_MAX_COLS);
		if (rc)
			return err_set(rc, "out of memory");
	}
	return 0;
}

int xlsx_book_finish(xlsx_writer *sheets, int n, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	int rc = sheets_error(sheets, n);
	if (!rc)
		rc = build_book(sheets, n, out, len);
	for (int i = 0; i < n; i++)
		xlsx_writer_free(&sheets[i]);
	return rc;
}

int xlsx_finish(xlsx_writer *w, char **out, size_t *len)
{
	return xlsx_book_finish(w, 1, out, len);
}
