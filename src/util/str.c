/* str: growable buffers and views. */
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

strv strv_from(const char *s) { return (strv){ s, s ? strlen(s) : 0 }; }

bool strv_eq(strv a, strv b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool strv_eq_cstr(strv a, const char *s) { return strv_eq(a, strv_from(s)); }

bool strv_starts_with(strv a, const char *prefix)
{
	size_t n = strlen(prefix);
	return a.len >= n && memcmp(a.p, prefix, n) == 0;
}

static bool str_grow(str *s, size_t extra)
{
	if (s->oom)
		return false;
	if (s->len + extra + 1 <= s->cap)
		return true;
	size_t cap = s->cap ? s->cap : 64;
	while (cap < s->len + extra + 1) {
		if (cap > ((size_t)-1) / 2) {
			s->oom = true;
			return false;
		}
		cap *= 2;
	}
	char *p = realloc(s->ptr, cap);
	if (!p) {
		s->oom = true;
		return false;
	}
	s->ptr = p;
	s->cap = cap;
	return true;
}

void str_appendn(str *s, const char *p, size_t n)
{
	if (!str_grow(s, n))
		return;
	if (n)
		memcpy(s->ptr + s->len, p, n);
	s->len += n;
	s->ptr[s->len] = '\0';
}

void str_append(str *s, const char *z) { str_appendn(s, z, strlen(z)); }
void str_appendc(str *s, char c) { str_appendn(s, &c, 1); }

void str_vappendf(str *s, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	char small[256];
	int n = vsnprintf(small, sizeof(small), fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		s->oom = true;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		str_appendn(s, small, (size_t)n);
		return;
	}
	if (!str_grow(s, (size_t)n))
		return;
	vsnprintf(s->ptr + s->len, (size_t)n + 1, fmt, ap);
	s->len += (size_t)n;
}

void str_appendf(str *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	str_vappendf(s, fmt, ap);
	va_end(ap);
}

void str_append_json(str *s, const char *z)
{
	str_append_jsonn(s, z, strlen(z));
}

void str_append_jsonn(str *s, const char *z, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	str_appendc(s, '"');
	const char *run = z, *end = z + n;
	for (const unsigned char *p = (const unsigned char *)z; p < (const unsigned char *)end; p++) {
		const char *esc = NULL;
		char u[7];
		switch (*p) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			if (*p < 0x20) {
				memcpy(u, "\\u00", 4);
				u[4] = hex[*p >> 4];
				u[5] = hex[*p & 15];
				u[6] = '\0';
				esc = u;
			}
		}
		if (esc) {
			str_appendn(s, run, (size_t)((const char *)p - run));
			str_append(s, esc);
			run = (const char *)p + 1;
		}
	}
	str_appendn(s, run, (size_t)(end - run));
	str_appendc(s, '"');
}

void str_clear(str *s)
{
	s->len = 0;
	if (s->ptr)
		s->ptr[0] = '\0';
}

const char *str_cstr(str *s)
{
	if (s->oom)
		return NULL;
	return s->ptr ? s->ptr : "";
}

bool str_oom(const str *s) { return s->oom; }

char *str_detach(str *s)
{
	char *p = s->oom ? NULL : s->ptr;
	if (s->oom)
		free(s->ptr);
	else if (!p)
		p = calloc(1, 1);
	*s = STR_INIT;
	return p;
}

void str_free(str *s)
{
	free(s->ptr);
	*s = STR_INIT;
}
