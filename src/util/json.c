/* json: strict parsing with positions, typed getters with clear errors. */
#include "util/json.h"
#include "util/err.h"


int json_parse(json_t **out, const char *p, size_t len)
{
	json_error_t e;
	*out = NULL;
	if (len == 0)
		return err_set(ERR_MALFORMED, "invalid JSON: the body is empty");
	json_t *v = json_loadb(p, len, JSON_REJECT_DUPLICATES, &e);
	if (!v)
		return err_set(ERR_MALFORMED, "invalid JSON at line %d, column %d: %s", e.line, e.column, e.text);
	*out = v;
	return 0;
}

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE: case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

int json_require_object(const json_t *root, const char *what)
{
	if (!json_is_object(root))
		return err_set(ERR_INVALID, "%s must be a JSON object, not %s", what, json_kind(root));
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
		return err_set(ERR_INVALID, "'%s' must be a string, not %s", key, json_kind(v));
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
		return err_set(ERR_INVALID, "'%s' must be an integer, not %s", key, json_kind(v));
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
		return err_set(ERR_INVALID, "'%s' must be a number, not %s", key, json_kind(v));
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
		return err_set(ERR_INVALID, "'%s' must be true or false, not %s", key, json_kind(v));
	*out = json_is_true(v);
	*present = 1;
	return 0;
}

static int dump_cb(const char *buf, size_t size, void *data)
{
	str_appendn((str *)data, buf, size);
	return 0;
}

void json_append(str *s, const json_t *v)
{
	if (json_dump_callback(v, dump_cb, s, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) != 0)
		s->oom = true;
}
