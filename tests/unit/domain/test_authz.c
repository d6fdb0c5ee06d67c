/* Tests for domain/authz: the role × action policy and the subtree rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/people/authz.h"
#include "util/err.h"

/* The city /1/, its department /1/2/ and two communes /1/3/ and /1/4/. */
#define CITY "/1/"
#define DEPT "/1/2/"
#define COMMUNE_A "/1/3/"
#define COMMUNE_B "/1/4/"

static principal one(role r, const char *path, grant *g)
{
	*g = (grant){ .role = r, .unit_id = 1, .unit_path = path };
	return (principal){ .person_id = 7, .login = "lan", .n_grants = 1, .grants = g };
}

static void test_authz__anonymous_is_unauthorized(void **state)
{
	(void)state;
	principal nobody = { 0 };
	assert_int_equal(authz_check(&nobody, ACT_UNIT_READ, CITY), ERR_UNAUTHORIZED);
	assert_int_equal(authz_check(&nobody, ACT_AUDIT_READ, NULL), ERR_UNAUTHORIZED);
}

static void test_authz__admin_reaches_its_subtree_only(void **state)
{
	(void)state;
	grant g;
	principal p = one(ROLE_ADMIN, COMMUNE_A, &g);
	assert_int_equal(authz_check(&p, ACT_UNIT_WRITE, COMMUNE_A), 0);
	assert_int_equal(authz_check(&p, ACT_UNIT_WRITE, "/1/3/9/"), 0);
	assert_int_equal(authz_check(&p, ACT_UNIT_WRITE, COMMUNE_B), ERR_FORBIDDEN);
	assert_int_equal(authz_check(&p, ACT_UNIT_WRITE, CITY), ERR_FORBIDDEN);
	assert_int_equal(authz_check(&p, ACT_PERSON_WRITE, COMMUNE_B), ERR_FORBIDDEN);
	assert_non_null(strstr(err_msg(), "lan"));
	/* "/1/3/" is not a prefix match for "/1/31/" */
	assert_int_equal(authz_check(&p, ACT_UNIT_WRITE, "/1/31/"), ERR_FORBIDDEN);
	/* roots are made on the command line only */
	assert_int_equal(authz_check(&p, ACT_UNIT_WRITE, "/"), ERR_FORBIDDEN);
}

static void test_authz__steering_sees_all_and_approves_in_its_subtree(void **state)
{
	(void)state;
	grant g;
	principal p = one(ROLE_STEERING, DEPT, &g);
	assert_int_equal(authz_check(&p, ACT_UNIT_READ, COMMUNE_B), 0);
	assert_int_equal(authz_check(&p, ACT_AUDIT_READ, NULL), 0);
	assert_int_equal(authz_check(&p, ACT_APPROVE, DEPT), 0);
	assert_int_equal(authz_check(&p, ACT_APPROVE, COMMUNE_B), ERR_FORBIDDEN);
	assert_int_equal(authz_check(&p, ACT_UNIT_WRITE, DEPT), ERR_FORBIDDEN);
	assert_int_equal(authz_check(&p, ACT_PERSON_WRITE, NULL), ERR_FORBIDDEN);
	assert_true(authz_sees_all(&p));
}

static void test_authz__officer_reports_for_its_subtree(void **state)
{
	(void)state;
	grant g;
	principal p = one(ROLE_OFFICER, COMMUNE_A, &g);
	assert_int_equal(authz_check(&p, ACT_REPORT_WRITE, COMMUNE_A), 0);
	assert_int_equal(authz_check(&p, ACT_REPORT_WRITE, COMMUNE_B), ERR_FORBIDDEN);
	assert_int_equal(authz_check(&p, ACT_APPROVE, COMMUNE_A), ERR_FORBIDDEN);
	assert_int_equal(authz_check(&p, ACT_AUDIT_READ, NULL), ERR_FORBIDDEN);
	assert_false(authz_sees_all(&p));
}

static void test_authz__viewer_only_reads(void **state)
{
	(void)state;
	grant g;
	principal p = one(ROLE_VIEWER, CITY, &g);
	assert_int_equal(authz_check(&p, ACT_UNIT_READ, COMMUNE_B), 0);
	for (int a = 0; a < ACT_COUNT; a++)
		if (a != ACT_UNIT_READ)
			assert_int_equal(authz_check(&p, (action)a, COMMUNE_B), ERR_FORBIDDEN);
}

static void test_authz__several_grants_add_up_and_cli_may_do_all(void **state)
{
	(void)state;
	grant gs[2] = { { ROLE_VIEWER, 1, CITY }, { ROLE_ADMIN, 4, COMMUNE_B } };
	principal p = { .person_id = 7, .login = "lan", .n_grants = 2, .grants = gs };
	assert_int_equal(authz_check(&p, ACT_UNIT_WRITE, COMMUNE_B), 0);
	assert_int_equal(authz_check(&p, ACT_UNIT_WRITE, COMMUNE_A), ERR_FORBIDDEN);
	assert_int_equal(authz_check(&p, ACT_UNIT_READ, COMMUNE_A), 0);
	principal cli = { .cli = true, .login = "cli:root" };
	assert_int_equal(authz_check(&cli, ACT_UNIT_WRITE, "/"), 0);
}

static void test_authz__role_names(void **state)
{
	(void)state;
	assert_int_equal(role_parse("admin"), ROLE_ADMIN);
	assert_int_equal(role_parse("steering"), ROLE_STEERING);
	assert_int_equal(role_parse("Admin"), -1);
	assert_int_equal(role_parse(NULL), -1);
	assert_string_equal(role_name(ROLE_OFFICER), "officer");
	assert_true(authz_path_within("/1/", "/1/2/3/"));
	assert_false(authz_path_within("/1/2/", "/1/"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_authz__anonymous_is_unauthorized),
		cmocka_unit_test(test_authz__admin_reaches_its_subtree_only),
		cmocka_unit_test(test_authz__steering_sees_all_and_approves_in_its_subtree),
		cmocka_unit_test(test_authz__officer_reports_for_its_subtree),
		cmocka_unit_test(test_authz__viewer_only_reads),
		cmocka_unit_test(test_authz__several_grants_add_up_and_cli_may_do_all),
		cmocka_unit_test(test_authz__role_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
