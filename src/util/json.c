/* json: strict parsing with positions, typed getters with clear errors. */
#include "util/json.h"
#include "util/err.h"
#include "util/utf8.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Replaces each byte of s that does not belong to a whole UTF-8
 * character with '?': the parser's message quotes the bytes around an
 * error, and may cut a character in two. */
static void text_make_utf8(char *s)
{
	for (size_t i = 0; s[i];) {
		unsigned char c = (unsigned char)s[i];
		size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
		size_t have = 0;
		while (have < n && s[i + have])
			have++;
		if (n > 0 && have == n && utf8_valid(s + i, n))
			i += n;
		else
			s[i++] = '?';
	}
}

int json_parse(json_t **out, const char *p, size_t len)
{
	json_error_t e;
	*out = NULL;
	if (len == 0)
		return err_set(ERR_MALFORMED, "invalid JSON: the body is empty");
	json_t *v = json_loadb(p, len, JSON_REJECT_DUPLICATES, &e);
	if (!v) {
		text_make_utf8(e.text);
		return err_set(ERR_MALFORMED, "invalid JSON at line %d, column %d: %s", e.line, e.column, e.text);
	}
	int rc = json_nfc(v);
	if (rc < 0) {
		json_decref(v);
		return rc;
	}
	*out = v;
	return 0;
}

static bool json__ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] & 0x80)
			return false;
	return true;
}

int json_nfc(json_t *v)
{
	int rc = 0;
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);
		char *nfc;
		if (json__ascii(s, n))
			return 0;
		if ((rc = utf8_nfc(&nfc, s, n)) < 0)
			return rc;
		if (strcmp(nfc, s) != 0 && json_string_set(v, nfc) < 0)
			rc = err_set(ERR_NOMEM, "out of memory");
		free(nfc);
	} else if (json_is_array(v)) {
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item)
			if ((rc = json_nfc(item)) < 0)
				break;
	} else if (json_is_object(v)) {
		const char *key;
		json_t *item;
		json_object_foreach(v, key, item)
			if ((rc = json_nfc(item)) < 0)
				break;
	}
	return rc;
}

int json_require_object(const json_t *root, const char *what)
{
	if (!json_is_object(root))
		return err_set(ERR_INVALID, "%s must be a JSON object", what);
	return 0;
}

static int get_member(const json_t **out, const json_t *obj, const char *key, int required)
{
	const json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return err_set(ERR_INVALID, "'%s' is required", key);
		return 0;
	}
	*out = v;
	return 1;
}

int json_get_string(const char **out, const json_t *obj, const char *key, int required)
{
	const json_t *v;
	int rc = get_member(&v, obj, key, required);
	*out = NULL;
	if (rc <= 0)
		return rc;
	if (!json_is_string(v))
		return err_set(ERR_INVALID, "'%s' must be a string", key);
	*out = json_string_value(v);
	return 0;
}

int json_get_int(long long *out, int *present, const json_t *obj, const char *key, int required)
{
	const json_t *v;
	int rc = get_member(&v, obj, key, required);
	*present = 0;
	if (rc <= 0)
		return rc;
	if (!json_is_integer(v))
		return err_set(ERR_INVALID, "'%s' must be a whole number", key);
	*out = json_integer_value(v);
	*present = 1;
	return 0;
}

int json_get_number(double *out, int *present, const json_t *obj, const char *key, int required)
{
	const json_t *v;
	int rc = get_member(&v, obj, key, required);
	*present = 0;
	if (rc <= 0)
		return rc;
	if (!json_is_number(v))
		return err_set(ERR_INVALID, "'%s' must be a number", key);
	*out = json_number_value(v);
	*present = 1;
	return 0;
}

int json_get_bool(int *out, int *present, const json_t *obj, const char *key, int required)
{
	const json_t *v;
	int rc = get_member(&v, obj, key, required);
	*present = 0;
	if (rc <= 0)
		return rc;
	if (!json_is_boolean(v))
		return err_set(ERR_INVALID, "'%s' must be true or false", key);
	*out = json_is_true(v);
	*present = 1;
	return 0;
}

/* 10^k for k = 0..22, each exact in a double. */
static const double POW10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
	1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };

/* x as the shortest decimal with at most 22 digits after the point and
 * at most 15 significant ones that reads back as x, into buf (at least 48
 * bytes); 0 when there is none. x scaled by the largest 10^k that keeps
 * it below 10^15 and rounded is, within 0.11, the digits of any such
 * decimal followed by zeros; dropping the zeros gives the shortest. m /
 * 10^k with m and 10^k exact doubles is the double nearest the decimal m x
 * 10^-k, which is what a reader makes of it, so the final test is exact. */
static int real_short(char *buf, double x)
{
	double a = fabs(x);
	if (!(a < 1e15))
		return 0;
	int k = 22;
	while (k > 0 && a * POW10[k] >= 1e15)
		k--;
	double m = nearbyint(a * POW10[k]);
	if (!(m < 1e15))
		return 0;
	unsigned long long digits = (unsigned long long)m;
	while (k > 0 && digits % 10 == 0) {
		digits /= 10;
		k--;
	}
	if ((double)digits / POW10[k] != a)
		return 0;
	char tmp[40];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + digits % 10);
		digits /= 10;
	} while (digits > 0 || n <= k);   /* a digit before the point */
	int len = 0;
	if (signbit(x))
		buf[len++] = '-';
	while (n > k)
		buf[len++] = tmp[--n];
	buf[len++] = '.';
	if (k == 0)
		buf[len++] = '0';
	while (n > 0)
		buf[len++] = tmp[--n];
	return len;
}

double json_round_significant(double x, int digits)
{
	if (!isfinite(x) || x == 0 || digits < 1 || digits > 15)
		return x;
	double a = fabs(x);
	if (!(a >= 1e-10 && a < 1e15))
		return x;   /* large or tiny: as it is */
	int e = 0;      /* 10^e <= a < 10^(e+1), without a logarithm */
	if (a >= 1)
		while (e < 14 && a >= POW10[e + 1])
			e++;
	else
		for (e = -1; e > -10 && a * POW10[-e] < 1;)
			e--;
	int k = digits - 1 - e;
	if (k < 0 || k > 22)
		return x;
	double m = nearbyint(x * POW10[k]);
	return fabs(m) < 1e15 ? m / POW10[k] : x;
}

static void append_real(str *s, double x)
{
	char buf[64];
	int n = real_short(buf, x);
	if (n == 0) {
		/* 17 significant digits read back exactly; a real keeps a point */
		n = snprintf(buf, sizeof(buf), "%.17g", x);
		if (n > 0 && !strpbrk(buf, ".eEni") && n + 2 < (int)sizeof(buf)) {
			memcpy(buf + n, ".0", 3);
			n += 2;
		}
	}
	str_appendn(s, buf, (size_t)(n > 0 ? n : 0));
}

void json_append_number(str *s, double x)
{
	if (isfinite(x))
		append_real(s, x);
	else
		str_append(s, "null");
}

static void append_value(str *s, const json_t *v, int depth)
{
	char buf[24];
	const char *key;
	const json_t *item;
	size_t i;
	if (depth > 2048) {   /* jansson refuses deeper documents too */
		s->oom = true;
		return;
	}
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		bool first = true;
		str_appendc(s, '{');
		json_object_foreach((json_t *)v, key, item) {
			if (!first)
				str_appendc(s, ',');
			first = false;
			str_append_json(s, key);
			str_appendc(s, ':');
			append_value(s, item, depth + 1);
		}
		str_appendc(s, '}');
		break;
	}
	case JSON_ARRAY:
		str_appendc(s, '[');
		json_array_foreach(v, i, item) {
			if (i > 0)
				str_appendc(s, ',');
			append_value(s, item, depth + 1);
		}
		str_appendc(s, ']');
		break;
	case JSON_STRING:
		str_append_jsonn(s, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		str_append(s, buf);
		break;
	case JSON_REAL:
		append_real(s, json_real_value(v));
		break;
	case JSON_TRUE:
		str_append(s, "true");
		break;
	case JSON_FALSE:
		str_append(s, "false");
		break;
	case JSON_NULL:
		str_append(s, "null");
		break;
	}
}

/* Compact, members in the order they were set (as jansson keeps them);
 * reals in the shortest form that reads back exactly when it has at most
 * 6 decimals (0.1, not 0.10000000000000001), else with 17 digits. */
void json_append(str *s, const json_t *v)
{
	if (v)
		append_value(s, v, 0);
	else
		s->oom = true;
}

static json_t *err_level_json(int level)
{
	const char *tmpl = err_template(level);
	if (!tmpl)
		return NULL;
	json_t *params = json_array();
	int nested = err_nested_param(level);
	for (int i = 0; i < err_n_params(level); i++) {
		json_t *inner = i == nested ? err_level_json(level + 1) : NULL;
		json_array_append_new(params, inner ? inner : json_string(err_param(level, i)));
	}
	return json_pack("{s:s, s:o}", "template", tmpl, "params", params);
}

json_t *json_err_describe(void)
{
	return err_depth() > 0 ? err_level_json(0) : NULL;
}

json_t *json_err_detail(json_t *detail)
{
	if (!detail)
		return NULL;
	json_object_set_new(detail, "message", json_string(err_msg()));
	json_t *said = json_err_describe();
	if (said)
		json_object_update_new(detail, said);
	return detail;
}

json_t *json_csv_list(const char *csv)
{
	json_t *a = json_array();
	while (csv && *csv) {
		const char *end = strchr(csv, ',');
		size_t n = end ? (size_t)(end - csv) : strlen(csv);
		if (n)
			json_array_append_new(a, json_stringn(csv, n));
		csv = end ? end + 1 : NULL;
	}
	return a;
}
