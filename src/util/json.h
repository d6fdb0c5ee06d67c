/* json: helpers around jansson for request bodies and responses. */
#ifndef NQ57_JSON_H
#define NQ57_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "util/str.h"

/* Parses p[0..len) strictly (one value, no duplicate keys, valid UTF-8,
 * no NUL in strings), with its strings in NFC (json_nfc).
 * On failure returns ERR_MALFORMED with "invalid JSON at line L, column C: why".
 * *out is a new reference owned by the caller. */
int json_parse(json_t **out, const char *p, size_t len);
/* Puts every string value of v (not the keys) in NFC, in place, as all
 * text is stored; json_parse does it for what it parses. ERR_NOMEM. */
int json_nfc(json_t *v);

/* Requires root to be an object; returns ERR_INVALID naming what it is. */
int json_require_object(const json_t *root, const char *what);

/* Reads member key of obj as a string. Missing: returns ERR_INVALID if
 * required, else 0 with *out = NULL. Present but not a string: ERR_INVALID
 * naming the key. The string is borrowed from obj. */
int json_get_string(const char **out, const json_t *obj, const char *key, int required);
/* Same for integers (JSON integers only, no fractions). */
int json_get_int(long long *out, int *present, const json_t *obj, const char *key, int required);
/* Same for numbers (integer or real). */
int json_get_number(double *out, int *present, const json_t *obj, const char *key, int required);
/* Same for booleans. */
int json_get_bool(int *out, int *present, const json_t *obj, const char *key, int required);

/* Appends the compact serialisation of v to s (keys in insertion order). */
void json_append(str *s, const json_t *v);

/* Appends x as json_append writes a real; null when x is not finite. */
void json_append_number(str *s, double x);

/* x rounded to digits (1..15) significant decimal digits: the double
 * nearest that decimal, which json_append writes short and fast. Figures
 * computed from many values (sums, means) drop their binary noise this
 * way (116823.66800000002 becomes 116823.668). x itself when it is not
 * finite or has more whole digits than that (no whole unit is dropped). */
double json_round_significant(double x, int digits);

/* The last error (util/err.h) as {"template": "...", "params": [...]}
 * for a client to say in its own language: a parameter that was an inner
 * error's message is itself such an object. NULL when no error is set. */
json_t *json_err_describe(void);

/* Adds the last error to detail, one entry of an error answer's "details"
 * (a bad row of an import): its "message", "template" and "params".
 * Returns detail. */
json_t *json_err_detail(json_t *detail);

/* "a,b" (a list kept in one text column) as ["a", "b"]; empty items
 * are left out, NULL or "" gives []. */
json_t *json_csv_list(const char *csv);

#endif
