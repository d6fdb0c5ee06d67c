/* log: formatting and the single write per line. */
#include "util/log.h"
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum log_level log_threshold = LOG_INFO;
static _Thread_local const char *request_id;

int log_level_parse(enum log_level *out, const char *s)
{
	static const char *names[] = { "debug", "info", "warn", "error", "off" };
	for (int i = 0; i < 5; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	return err_set(ERR_INVALID, "log level '%s' is not one of debug, info, warn, error, off", s);
}

void log_set_request_id(const char *id) { request_id = id; }

void log_write_line(const char *line, unsigned long len)
{
	char buf[4096];
	if (len + 1 <= sizeof(buf)) {
		memcpy(buf, line, len);
		buf[len] = '\n';
		ssize_t r = write(STDERR_FILENO, buf, len + 1);
		(void)r;
		return;
	}
	ssize_t r = write(STDERR_FILENO, line, len);
	r = write(STDERR_FILENO, "\n", 1);
	(void)r;
}

int log_timestamp(char *buf, unsigned long size)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	return snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

void log__emit(enum log_level level, const char *file, int line, const char *fmt, ...)
{
	static const char *tags[] = { "debug", "info", "warn", "error" };
	char buf[2048], at[40];
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	log_timestamp(at, sizeof(at));
	int n = snprintf(buf, sizeof(buf), "%s %s %s:%d%s%s ", at, tags[level], base, line,
		request_id ? " req=" : "", request_id ? request_id : "");
	if (n < 0 || (size_t)n >= sizeof(buf))
		n = 0;
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + (m > 0 ? (size_t)m : 0);
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	log_write_line(buf, len);
}
