/* log: one line per event on stderr, level-checked, with file:line and the
 * request id of the current thread's request when there is one.
 * Never log secrets, passwords or tokens. */
#ifndef NQ57_LOG_H
#define NQ57_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF };

extern enum log_level log_threshold;

/* Parses "debug", "info", "warn", "error", "off"; returns 0 or ERR_INVALID. */
int log_level_parse(enum log_level *out, const char *s);
/* The request id shown on this thread's lines; NULL clears it. The string
 * must outlive its use (it is borrowed). */
void log_set_request_id(const char *id);
/* Writes the current UTC time as 2026-01-31T08:00:00.000Z; returns its length. */
int log_timestamp(char *buf, unsigned long size);
/* Writes one preformatted line (a newline is added) in a single write. */
void log_write_line(const char *line, unsigned long len);

void log__emit(enum log_level level, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define LOG__AT(lv, ...) \
	do { if ((lv) >= log_threshold) log__emit((lv), __FILE__, __LINE__, __VA_ARGS__); } while (0)
#define log_debug(...) LOG__AT(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  LOG__AT(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  LOG__AT(LOG_WARN, __VA_ARGS__)
#define log_error(...) LOG__AT(LOG_ERROR, __VA_ARGS__)

#endif
