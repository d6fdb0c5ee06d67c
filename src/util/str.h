/* str: a growable byte buffer with sticky out-of-memory (check str_oom
 * once at the end), and strv, a read-only view that is not NUL-terminated. */
#ifndef NQ57_STR_H
#define NQ57_STR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct strv {
	const char *p;
	size_t len;
} strv;

#define STRV(lit) ((strv){ (lit), sizeof(lit) - 1 })
strv strv_from(const char *s);
bool strv_eq(strv a, strv b);
bool strv_eq_cstr(strv a, const char *s);
bool strv_starts_with(strv a, const char *prefix);

typedef struct str {
	char *ptr;   /* always NUL-terminated once anything was appended */
	size_t len, cap;
	bool oom;
} str;

#define STR_INIT ((str){ NULL, 0, 0, false })

void str_append(str *s, const char *z);
void str_appendn(str *s, const char *p, size_t n);
void str_appendc(str *s, char c);
void str_appendf(str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void str_vappendf(str *s, const char *fmt, va_list ap);
/* Appends z as the contents of a JSON string, with quotes. */
void str_append_json(str *s, const char *z);
/* The same for the n bytes at z (which may hold NUL). */
void str_append_jsonn(str *s, const char *z, size_t n);
void str_clear(str *s);
/* Returns the buffer ("" if empty), never NULL unless out of memory. */
const char *str_cstr(str *s);
bool str_oom(const str *s);
/* Hands the malloc'd buffer to the caller (free it) and empties s. */
char *str_detach(str *s);
void str_free(str *s);

#endif
