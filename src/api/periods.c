/* periods: GET /api/v1/periods/{code} and POST /api/v1/periods/resolve —
 * what a period code means (kind, first and last day, labels), so that
 * every client shows periods the same way. */
#include "api/api.h"
#include "util/err.h"
#include "util/json.h"
#include "util/period.h"

#include <string.h>

#define RESOLVE_MAX_CODES 500

static json_t *period_json(const period *p)
{
	char code[16], start[11], end[11], vi[PERIOD_LABEL_MAX], en[64];
	period_format(p, code);
	date_format_iso(period_start(p), start);
	date_format_iso(period_end(p), end);
	period_format_vi(p, vi);
	period_label_en(p, en, sizeof(en));
	return json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:s}", "code", code, "kind", period_kind_name(p->kind),
		"year", p->year, "start", start, "end", end, "label_vi", vi, "label_en", en);
}

int api_periods_get(http_req *req)
{
	period p;
	strv code = req->params[0];
	int rc = period_parse(&p, code.p, code.len);
	if (rc < 0)
		return rc;
	return api_respond_json(req, 200, period_json(&p));
}

/* Body {"codes": ["2025Q3", ...]}: every code resolved, or 422 listing
 * every bad one with its index. */
int api_periods_resolve(http_req *req)
{
	json_t *body, *codes, *out = NULL, *bad = NULL;
	int rc = api_body_object(&body, req);
	if (rc < 0)
		return rc;
	codes = json_object_get(body, "codes");
	if (!json_is_array(codes)) {
		rc = err_set(ERR_INVALID, "'codes' must be an array of period codes");
		goto done;
	}
	if (json_array_size(codes) > RESOLVE_MAX_CODES) {
		rc = err_set(ERR_INVALID, "at most %d codes per request", RESOLVE_MAX_CODES);
		goto done;
	}
	out = json_array();
	bad = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(codes, i, v) {
		period p;
		const char *s = json_string_value(v);
		if (!s) {
			err_set(ERR_INVALID, "not a string");
			json_array_append_new(bad, json_err_detail(json_pack("{s:i}", "index", (int)i)));
			continue;
		}
		if (period_parse(&p, s, strlen(s)) < 0)
			json_array_append_new(bad, json_err_detail(json_pack("{s:i}", "index", (int)i)));
		else
			json_array_append_new(out, period_json(&p));
	}
	if (json_array_size(bad) > 0) {
		err_set(ERR_INVALID, "%zu of %zu period codes are not valid", json_array_size(bad), json_array_size(codes));
		rc = api_respond_error(req, ERR_INVALID, bad);
		bad = NULL;
		goto done;
	}
	rc = api_respond_json(req, 200, json_pack("{s:o, s:i}", "periods", out, "total", (int)json_array_size(out)));
	out = NULL;
done:
	json_decref(out);
	json_decref(bad);
	json_decref(body);
	return rc;
}
