/* csv: a small RFC 4180 reader over a buffer, and field quoting. */
#include "util/csv.h"
#include "util/err.h"

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
		if (rc < 0)
			return rc;
	}
	if (str_oom(&r->buf))
		return err_set(ERR_NOMEM, "out of memory");
	for (int i = 0; i < rec->n; i++)
		rec->f[i] = r->buf.ptr + offs[i];
	return 1;
}

void csv_append_field(str *s, const char *v)
{
	if (!v)
		return;
	if (!strpbrk(v, ",\"\r\n")) {
		str_append(s, v);
		return;
	}
	str_appendc(s, '"');
	for (const char *p = v; *p; p++) {
		if (*p == '"')
			str_appendc(s, '"');
		str_appendc(s, *p);
	}
	str_appendc(s, '"');
}
