/* err: thread-local last error, kept both as its English message and as
 * the template and parameters it was made from, so that a client can say
 * it in its own language from the catalogue (web/i18n/). */
#include "util/err.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* One error: its template (a format string of static storage, as every
 * caller passes a literal) and each conversion's text. nested_param is the
 * index of a parameter that was the previous error's message (callers wrap
 * it: "line %d: %s"); that error is the next level. */
typedef struct err_level {
	const char *tmpl;
	int n_params;
	int nested_param;   /* -1: none */
	char params[ERR_MAX_PARAMS][ERR_PARAM_MAX];
} err_level;

static _Thread_local int last_code;
static _Thread_local char last_msg[512];
static _Thread_local err_level levels[ERR_MAX_DEPTH];
static _Thread_local int n_levels;

/* Copies one conversion spec (from '%' to its conversion letter) of fmt
 * into spec and returns its length, or 0 if it is not one we know. */
static size_t spec_of(char *spec, size_t cap, const char *fmt)
{
	size_t n = 1;
	while (fmt[n] && strchr("-+ #0123456789.*hlzjtL", fmt[n]))
		n++;
	if (!fmt[n] || !strchr("diouxXeEfFgGaAcsp%", fmt[n]) || n + 2 > cap)
		return 0;
	memcpy(spec, fmt, n + 1);
	spec[n + 1] = '\0';
	return n + 1;
}

/* Formats the argument of one spec into out, taking it from ap. Returns
 * whether the argument was the previous error's message. */
static int take_param(char *out, size_t cap, const char *spec, size_t len, va_list *ap)
{
	int stars[2], n_stars = 0;
	for (const char *p = spec; *p; p++)
		if (*p == '*' && n_stars < 2)
			stars[n_stars++] = va_arg(*ap, int);
	char conv = spec[len - 1];
	const char *mods = spec + len - 1;
	while (mods > spec && strchr("hlzjtL", mods[-1]))
		mods--;
	size_t n_mods = (size_t)(spec + len - 1 - mods);
#define FMT(arg) (n_stars == 2 ? snprintf(out, cap, spec, stars[0], stars[1], arg) \
	: n_stars == 1 ? snprintf(out, cap, spec, stars[0], arg) : snprintf(out, cap, spec, arg))
	if (conv == 's') {
		const char *s = va_arg(*ap, const char *);
		FMT(s ? s : "(null)");
		return s == last_msg;
	}
	if (conv == 'c') {
		FMT(va_arg(*ap, int));
	} else if (conv == 'p') {
		FMT(va_arg(*ap, void *));
	} else if (strchr("eEfFgGaA", conv)) {
		if (n_mods == 1 && *mods == 'L')
			FMT(va_arg(*ap, long double));
		else
			FMT(va_arg(*ap, double));
	} else if (n_mods == 2 && mods[0] == 'l') {
		FMT(va_arg(*ap, long long));
	} else if (n_mods == 1 && mods[0] == 'l') {
		FMT(va_arg(*ap, long));
	} else if (n_mods == 1 && mods[0] == 'z') {
		FMT(va_arg(*ap, size_t));
	} else if (n_mods == 1 && mods[0] == 'j') {
		FMT(va_arg(*ap, intmax_t));
	} else if (n_mods == 1 && mods[0] == 't') {
		FMT(va_arg(*ap, ptrdiff_t));
	} else {
		FMT(va_arg(*ap, int));   /* int, and h / hh (promoted to int) */
	}
#undef FMT
	return 0;
}

/* Drops a UTF-8 sequence that truncation cut short at the end of s. */
static void trim_partial_utf8(char *s)
{
	size_t n = strlen(s), i = n;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0 || (unsigned char)s[i - 1] < 0xC0)
		return;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
	if (n - (i - 1) < want)
		s[i - 1] = '\0';
}

/* Records fmt's parameters as the new outer level (the previous error
 * moves one level down when it is one of them). */
static void record_levels(const char *fmt, va_list ap)
{
	err_level cur = { .tmpl = fmt, .nested_param = -1 };
	va_list aq;
	va_copy(aq, ap);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		char spec[32];
		size_t len = spec_of(spec, sizeof(spec), p);
		if (len == 0 || spec[len - 1] == '%') {
			p += len ? len - 1 : 0;
			continue;
		}
		char scratch[ERR_PARAM_MAX];
		char *out = cur.n_params < ERR_MAX_PARAMS ? cur.params[cur.n_params] : scratch;
		if (take_param(out, ERR_PARAM_MAX, spec, len, &aq) && cur.nested_param < 0 && cur.n_params < ERR_MAX_PARAMS)
			cur.nested_param = cur.n_params;
		trim_partial_utf8(out);
		if (cur.n_params < ERR_MAX_PARAMS)
			cur.n_params++;
		p += len - 1;
	}
	va_end(aq);
	if (cur.nested_param >= 0 && n_levels > 0) {
		int keep = n_levels < ERR_MAX_DEPTH - 1 ? n_levels : ERR_MAX_DEPTH - 1;
		memmove(&levels[1], &levels[0], (size_t)keep * sizeof(levels[0]));
		n_levels = keep + 1;
	} else {
		cur.nested_param = -1;
		n_levels = 1;
	}
	levels[0] = cur;
}

int err_setv(int code, const char *fmt, va_list ap)
{
	/* Formatted aside first: callers may pass err_msg() as an argument
	 * to wrap the previous message ("migration 0002: %s"). */
	char buf[sizeof(last_msg)];
	va_list aq;
	va_copy(aq, ap);
	record_levels(fmt, aq);
	va_end(aq);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	trim_partial_utf8(buf);   /* a long message may be cut inside a character */
	memcpy(last_msg, buf, sizeof(buf));
	last_code = code;
	return code;
}

int err_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = err_setv(code, fmt, ap);
	va_end(ap);
	return rc;
}

const char *err_msg(void) { return last_msg; }
int err_code(void) { return last_code; }

int err_depth(void) { return n_levels; }

const char *err_template(int level)
{
	return level >= 0 && level < n_levels ? levels[level].tmpl : NULL;
}

int err_n_params(int level)
{
	return level >= 0 && level < n_levels ? levels[level].n_params : 0;
}

const char *err_param(int level, int i)
{
	if (level < 0 || level >= n_levels || i < 0 || i >= levels[level].n_params)
		return NULL;
	return levels[level].params[i];
}

int err_nested_param(int level)
{
	return level >= 0 && level + 1 < n_levels ? levels[level].nested_param : -1;
}

static _Thread_local struct {
	int code, n_levels;
	char msg[sizeof(last_msg)];
	err_level levels[ERR_MAX_DEPTH];
} kept;

void err_keep(void)
{
	kept.code = last_code;
	kept.n_levels = n_levels;
	memcpy(kept.msg, last_msg, sizeof(kept.msg));
	memcpy(kept.levels, levels, sizeof(kept.levels));
}

void err_restore(void)
{
	last_code = kept.code;
	n_levels = kept.n_levels;
	memcpy(last_msg, kept.msg, sizeof(last_msg));
	memcpy(levels, kept.levels, sizeof(levels));
}

void err_clear(void)
{
	last_code = 0;
	last_msg[0] = '\0';
	n_levels = 0;
}

const char *err_name(int code)
{
	switch (code) {
	case ERR_OK: return "ok";
	case ERR_NOTFOUND: return "not_found";
	case ERR_INVALID: return "invalid";
	case ERR_CONFLICT: return "conflict";
	case ERR_FORBIDDEN: return "forbidden";
	case ERR_UNAUTHORIZED: return "unauthorized";
	case ERR_TOOLARGE: return "too_large";
	case ERR_UNAVAILABLE: return "unavailable";
	case ERR_NOMEM: return "out_of_memory";
	case ERR_METHOD: return "method_not_allowed";
	case ERR_MALFORMED: return "malformed";
	case ERR_TOOMANY: return "too_many_requests";
	case ERR_NOSPACE: return "insufficient_storage";
	default: return "internal";
	}
}
