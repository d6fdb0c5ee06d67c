/* err: the one error convention. Functions return 0 on success and a
 * negative ERR_* code on failure; the message is set once, where the
 * failure is found, and read by whoever reports it. */
#ifndef NQ57_ERR_H
#define NQ57_ERR_H

#include <stdarg.h>

enum {
	ERR_OK = 0,
	ERR_GENERIC = -1,     /* anything unexpected: I/O, database, OOM */
	ERR_NOTFOUND = -2,
	ERR_INVALID = -3,     /* well-formed input that breaks a rule */
	ERR_CONFLICT = -4,
	ERR_FORBIDDEN = -5,
	ERR_UNAUTHORIZED = -6,
	ERR_TOOLARGE = -7,
	ERR_UNAVAILABLE = -8, /* a dependency (database) cannot be reached */
	ERR_NOMEM = -9,
	ERR_METHOD = -10,     /* HTTP method not allowed on a known resource */
	ERR_MALFORMED = -11,  /* input that cannot be parsed at all (bad JSON) */
	ERR_TOOMANY = -12,    /* too many attempts: wait and try again (429) */
	ERR_NOSPACE = -13     /* the disk (or the database's) is full (507) */
};

/* Records code and message for this thread; returns code so callers can
 * write `return err_set(ERR_INVALID, "...")`. */
int err_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same with a va_list, for functions that take a format themselves
 * (one bad row of an import: its template is their format). */
int err_setv(int code, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* The message of the last err_set on this thread ("" if none). */
const char *err_msg(void);
/* The code of the last err_set on this thread (0 if none). */
int err_code(void);
void err_clear(void);

/* Keeps the last error (message, template and parameters) aside, and puts
 * it back: for clean-up that may itself fail but must report the error
 * that made it run, such as a rollback. One kept error per thread. */
void err_keep(void);
void err_restore(void);

/* The last error as a template and its parameters, for clients that say
 * it in their own language (the API's "template" and "params"). Level 0 is
 * the outer error; when one of its parameters was the previous error's
 * message (a caller wrapping it, "line %d: %s"), err_nested_param(0) is
 * that parameter's index and level 1 is that error, and so on. Templates
 * are the format strings callers gave err_set; every parameter is the text
 * of one conversion. Borrowed until the next err_set on this thread. */
#define ERR_MAX_PARAMS 6
#define ERR_PARAM_MAX 256
#define ERR_MAX_DEPTH 4
int err_depth(void);
const char *err_template(int level);
int err_n_params(int level);
const char *err_param(int level, int i);
int err_nested_param(int level);   /* -1: none */
/* A short stable name for a code: "invalid", "not_found", ... */
const char *err_name(int code);

#endif
