/* err: thread-local last error. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local int last_code;
static _Thread_local char last_msg[512];

int err_set(int code, const char *fmt, ...)
{
	/* Formatted aside first: callers may pass err_msg() as an argument
	 * to wrap the previous message ("migration 0002: %s"). */
	char buf[sizeof(last_msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	memcpy(last_msg, buf, sizeof(buf));
	last_code = code;
	return code;
}

const char *err_msg(void) { return last_msg; }
int err_code(void) { return last_code; }

void err_clear(void)
{
	last_code = 0;
	last_msg[0] = '\0';
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
	default: return "internal";
	}
}
