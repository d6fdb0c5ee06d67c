/* Tests for http/router and the static path check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http/router.h"
#include "http/static.h"
#include "util/err.h"

static int h_list(http_req *req) { (void)req; return 1; }
static int h_get(http_req *req) { (void)req; return 2; }
static int h_post(http_req *req) { (void)req; return 3; }

static const http_route table[] = {
	{ "GET", "/api/v1/units", h_list, 0 },
	{ "GET", "/api/v1/units/{id}", h_get, 0 },
	{ "POST", "/api/v1/units", h_post, 0 },
	{ "PUT", "/api/v1/units/{id}/parent/{pid}", h_post, 0 },
	{ "POST", "/api/v1/units/import", h_post, 0 },
};

static int match(const http_route **r, http_req *req, const char *method, const char *path, char *allow)
{
	memset(req, 0, sizeof(*req));
	req->method = method;
	req->path = path;
	return http_route_match(r, table, sizeof(table) / sizeof(table[0]), req, allow, 64);
}

static void test_router__literal_and_parameter_routes(void **state)
{
	(void)state;
	const http_route *r;
	http_req req;
	char allow[64];
	assert_int_equal(match(&r, &req, "GET", "/api/v1/units", allow), 0);
	assert_ptr_equal(r->handler, h_list);
	assert_int_equal(match(&r, &req, "GET", "/api/v1/units/HN-001", allow), 0);
	assert_ptr_equal(r->handler, h_get);
	assert_int_equal(req.n_params, 1);
	assert_true(strv_eq_cstr(req.params[0], "HN-001"));
	assert_int_equal(match(&r, &req, "PUT", "/api/v1/units/7/parent/9", allow), 0);
	assert_int_equal(req.n_params, 2);
	assert_true(strv_eq_cstr(req.params[1], "9"));
}

static void test_router__head_is_get(void **state)
{
	(void)state;
	const http_route *r;
	http_req req;
	char allow[64];
	assert_int_equal(match(&r, &req, "HEAD", "/api/v1/units", allow), 0);
	assert_ptr_equal(r->handler, h_list);
}

static void test_router__unknown_path_and_wrong_method(void **state)
{
	(void)state;
	const http_route *r;
	http_req req;
	char allow[64];
	assert_int_equal(match(&r, &req, "GET", "/api/v1/unit", allow), ERR_NOTFOUND);
	assert_int_equal(match(&r, &req, "GET", "/api/v1/units/", allow), ERR_NOTFOUND);
	assert_int_equal(match(&r, &req, "GET", "/api/v1/units/7/extra", allow), ERR_NOTFOUND);
	assert_int_equal(match(&r, &req, "GET", "/api/v1/units//parent/9", allow), ERR_NOTFOUND);
	assert_int_equal(match(&r, &req, "DELETE", "/api/v1/units", allow), ERR_METHOD);
	assert_string_equal(allow, "GET, POST");
	assert_int_equal(match(&r, &req, "DELETE", "/api/v1/units/3", allow), ERR_METHOD);
	assert_string_equal(allow, "GET");
}

/* A literal segment owns its path: GET /units/import is not unit "import". */
static void test_router__literal_segment_beats_parameter(void **state)
{
	(void)state;
	const http_route *r;
	http_req req;
	char allow[64];
	assert_int_equal(match(&r, &req, "POST", "/api/v1/units/import", allow), 0);
	assert_ptr_equal(r, &table[4]);
	assert_int_equal(req.n_params, 0);
	assert_int_equal(match(&r, &req, "GET", "/api/v1/units/import", allow), ERR_METHOD);
	assert_string_equal(allow, "POST");
	assert_int_equal(match(&r, &req, "GET", "/api/v1/units/importx", allow), 0);
	assert_ptr_equal(r, &table[1]);
}

static void test_static__path_check(void **state)
{
	(void)state;
	assert_int_equal(http_static_path_check("/index.html"), 0);
	assert_int_equal(http_static_path_check("/vendor/echarts.esm.min.js"), 0);
	assert_int_equal(http_static_path_check("/a..b/c...js"), 0);
	assert_int_equal(http_static_path_check("/../etc/passwd"), ERR_NOTFOUND);
	assert_int_equal(http_static_path_check("/vendor/../../x"), ERR_NOTFOUND);
	assert_int_equal(http_static_path_check("/vendor/.."), ERR_NOTFOUND);
	assert_int_equal(http_static_path_check("/./index.html"), ERR_NOTFOUND);
	assert_int_equal(http_static_path_check("/a\\..\\b"), ERR_NOTFOUND);
	assert_int_equal(http_static_path_check("/a\nb"), ERR_NOTFOUND);
	assert_int_equal(http_static_path_check("index.html"), ERR_NOTFOUND);
}

static void test_static__content_types(void **state)
{
	(void)state;
	assert_string_equal(http_static_content_type("/app.js"), "text/javascript; charset=utf-8");
	assert_string_equal(http_static_content_type("/A.CSS"), "text/css; charset=utf-8");
	assert_string_equal(http_static_content_type("/index.html"), "text/html; charset=utf-8");
	assert_string_equal(http_static_content_type("/v.1/README"), "application/octet-stream");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_router__literal_and_parameter_routes),
		cmocka_unit_test(test_router__head_is_get),
		cmocka_unit_test(test_router__unknown_path_and_wrong_method),
		cmocka_unit_test(test_router__literal_segment_beats_parameter),
		cmocka_unit_test(test_static__path_check),
		cmocka_unit_test(test_static__content_types),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
