/* csv: a small RFC 4180 reader over a buffer, and field quoting. */
#include "util/csv.h"
#include "util/err.h"
#include "util/utf8.h"

#include <string.h>

void csv_init(csv_reader *r, const char *p, size_t len)
{
	memset(r, 0, sizeof(*r));
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		p += 3;
		len -= 3;
	}
	r->p = p;
	r->end = p + len;
	r->line = 1;
}

void csv_free(csv_reader *r) { str_free(&r->buf); }

/* Reads one field into r->buf; *last is set at the end of the record. */
static int read_field(csv_reader *r, bool *last, int start_line)
{
	const char *p = r->p;
	*last = false;
	if (p < r->end && *p == '"') {
		p++;
		for (;;) {
			if (p >= r->end)
				return err_set(ERR_INVALID, "line %d: a quoted field is not closed", start_line);
			if (*p == '"') {
				if (p + 1 < r->end && p[1] == '"') {
					str_appendc(&r->buf, '"');
					p += 2;
					continue;
				}
				p++;
				break;
			}
			if (*p == '\n')
				r->line++;
			str_appendc(&r->buf, *p++);
		}
		if (p < r->end && *p != ',' && *p != '\n' && *p != '\r')
			return err_set(ERR_INVALID, "line %d: text after a closing quote", r->line);
	} else {
		const char *q = p;
		while (q < r->end && *q != ',' && *q != '\n' && *q != '\r')
			q++;
		if (memchr(p, '"', (size_t)(q - p)))
			return err_set(ERR_INVALID, "line %d: a quote inside an unquoted field", r->line);
		str_appendn(&r->buf, p, (size_t)(q - p));
		p = q;
	}
	str_appendc(&r->buf, '\0');
	if (p >= r->end) {
		*last = true;
	} else if (*p == ',') {
		p++;
	} else {
		if (*p == '\r')
			p++;
		if (p < r->end && *p == '\n')
			p++;
		r->line++;
		*last = true;
	}
	r->p = p;
	return 0;
}

/* The field just read, from off to its terminating NUL, must be text: a
 * NUL byte inside would cut it short wherever it is used, and bytes that
 * are not UTF-8 would be stored and then lost on the way out. */
static int check_field(csv_reader *r, size_t off, int line, int column)
{
	if (str_oom(&r->buf))
		return err_set(ERR_NOMEM, "out of memory");
	const char *f = r->buf.ptr + off;
	size_t n = r->buf.len - 1 - off;
	if (memchr(f, '\0', n))
		return err_set(ERR_INVALID, "line %d, column %d: the file holds a NUL byte, which is not text", line, column);
	if (!utf8_valid(f, n))
		return err_set(ERR_INVALID, "line %d, column %d: the text is not valid UTF-8 (save the file as CSV UTF-8)",
			line, column);
	return 0;
}

int csv_check_width(const csv_record *rec, int n_header)
{
	if (rec->n == n_header)
		return 0;
	return err_set(ERR_INVALID, "line %d has %d fields but the header has %d (a decimal comma, or a comma in an "
				    "unquoted text?)", rec->line, rec->n, n_header);
}

int csv_read(csv_reader *r, csv_record *rec)
{
	/* skip blank lines */
	while (r->p < r->end && (*r->p == '\n' || *r->p == '\r')) {
		if (*r->p == '\n')
			r->line++;
		r->p++;
	}
	if (r->p >= r->end)
		return 0;
	str_clear(&r->buf);
	rec->line = r->line;
	rec->n = 0;
	size_t offs[CSV_MAX_FIELDS];
	bool last = false;
	while (!last) {
		if (rec->n == CSV_MAX_FIELDS)
			return err_set(ERR_INVALID, "line %d: more than %d fields", rec->line, CSV_MAX_FIELDS);
		offs[rec->n++] = r->buf.len;
		int rc = read_field(r, &last, rec->line);
		if (rc < 0 || (rc = check_field(r, offs[rec->n - 1], rec->line, rec->n)) < 0)
			return rc;
	}
	if (str_oom(&r->buf))
		return err_set(ERR_NOMEM, "out of memory");
	for (int i = 0; i < rec->n; i++)
		rec->f[i] = r->buf.ptr + offs[i];
	return 1;
}

/* A plain decimal number ("-5", "+3.25", "1e-3"): written as it is even
 * though it begins with a sign. */
static bool plain_number(const char *v)
{
	const char *p = v + (*v == '-' || *v == '+');
	size_t digits = strspn(p, "0123456789");
	p += digits;
	if (*p == '.') {
		size_t frac = strspn(p + 1, "0123456789");
		digits += frac;
		p += 1 + frac;
	}
	if (digits == 0)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		p += *p == '-' || *p == '+';
		size_t exp = strspn(p, "0123456789");
		if (exp == 0)
			return false;
		p += exp;
	}
	return *p == '\0';
}

bool csv_cell_is_formula(const char *v)
{
	return v && *v && strchr("=+-@\t\r", *v) && !plain_number(v);
}

void csv_append_field(str *s, const char *v)
{
	if (!v)
		return;
	bool formula = csv_cell_is_formula(v);
	if (!formula && !strpbrk(v, ",\"\r\n")) {
		str_append(s, v);
		return;
	}
	str_appendc(s, '"');
	if (formula)
		str_appendc(s, '\'');
	for (const char *p = v; *p; p++) {
		if (*p == '"')
			str_appendc(s, '"');
		str_appendc(s, *p);
	}
	str_appendc(s, '"');
}
