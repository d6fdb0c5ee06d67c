/* Tests for cli/config: listen addresses, sizes, flags and environment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cli/config.h"
#include "util/err.h"

static void test_config__listen_addresses(void **state)
{
	(void)state;
	char host[64];
	int port;
	assert_int_equal(config_parse_listen(host, sizeof(host), &port, "127.0.0.1:8057"), 0);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 8057);
	assert_int_equal(config_parse_listen(host, sizeof(host), &port, "[::1]:0"), 0);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 0);
	assert_int_equal(config_parse_listen(host, sizeof(host), &port, "localhost:80"), 0);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(config_parse_listen(host, sizeof(host), &port, "127.0.0.1"), ERR_INVALID);
	assert_int_equal(config_parse_listen(host, sizeof(host), &port, ":80"), ERR_INVALID);
	assert_int_equal(config_parse_listen(host, sizeof(host), &port, "1.2.3.4:65536"), ERR_INVALID);
	assert_int_equal(config_parse_listen(host, sizeof(host), &port, "1.2.3.4:8x"), ERR_INVALID);
}

static void test_config__sizes(void **state)
{
	(void)state;
	size_t n;
	assert_int_equal(config_parse_size(&n, "1048576"), 0);
	assert_int_equal(n, 1048576);
	assert_int_equal(config_parse_size(&n, "64k"), 0);
	assert_int_equal(n, 65536);
	assert_int_equal(config_parse_size(&n, "2M"), 0);
	assert_int_equal(n, 2097152);
	assert_int_equal(config_parse_size(&n, "0"), ERR_INVALID);
	assert_int_equal(config_parse_size(&n, "-1"), ERR_INVALID);
	assert_int_equal(config_parse_size(&n, "1G"), ERR_INVALID);
	assert_int_equal(config_parse_size(&n, ""), ERR_INVALID);
}

static void test_config__flags_override_environment(void **state)
{
	(void)state;
	nq57_config c;
	setenv("NQ57_DB", "sqlite:/tmp/env.db", 1);
	setenv("NQ57_LISTEN", "127.0.0.1:9000", 1);
	assert_int_equal(config_load_env(&c), 0);
	assert_string_equal(c.db_url, "sqlite:/tmp/env.db");
	char *argv[] = { "serve", "--listen", "127.0.0.1:9001", "--max-body=2k", NULL };
	static const char *const allowed[] = { "listen", "max-body", NULL };
	assert_int_equal(config_parse_args(&c, 4, argv, allowed), 0);
	assert_string_equal(c.listen, "127.0.0.1:9001");
	assert_int_equal(c.max_body, 2048);
	assert_string_equal(c.db_url, "sqlite:/tmp/env.db");
	char *bad[] = { "serve", "--db", "x", NULL };
	assert_int_equal(config_parse_args(&c, 3, bad, allowed), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "unknown option --db"));
	char *missing[] = { "serve", "--listen", NULL };
	assert_int_equal(config_parse_args(&c, 2, missing, allowed), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "needs a value"));
	unsetenv("NQ57_DB");
	unsetenv("NQ57_LISTEN");
	setenv("NQ57_MAX_BODY", "lots", 1);
	assert_int_equal(config_load_env(&c), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "NQ57_MAX_BODY"));
	unsetenv("NQ57_MAX_BODY");
}

static void test_config__connection_limits(void **state)
{
	(void)state;
	nq57_config c;
	assert_int_equal(config_load_env(&c), 0);
	assert_int_equal(c.max_connections, 2048);
	assert_int_equal(c.max_per_address, 256);
	assert_int_equal(c.header_timeout, 10);
	setenv("NQ57_MAX_PER_ADDRESS", "0", 1);
	assert_int_equal(config_load_env(&c), 0);
	assert_int_equal(c.max_per_address, 0);   /* behind a proxy: off */
	unsetenv("NQ57_MAX_PER_ADDRESS");
	char *argv[] = { "serve", "--max-connections", "100", "--header-timeout=3", "--workers", "4", NULL };
	static const char *const allowed[] = { "max-connections", "header-timeout", "workers", NULL };
	assert_int_equal(config_parse_args(&c, 6, argv, allowed), 0);
	assert_int_equal(c.max_connections, 100);
	assert_int_equal(c.header_timeout, 3);
	assert_int_equal(c.workers, 4);
	char *bad[] = { "serve", "--header-timeout", "0", NULL };
	assert_int_equal(config_parse_args(&c, 3, bad, allowed), ERR_INVALID);
	assert_string_equal(err_msg(), "header-timeout '0' must be a whole number from 1 to 3600");
	setenv("NQ57_MAX_CONNECTIONS", "many", 1);
	assert_int_equal(config_load_env(&c), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "NQ57_MAX_CONNECTIONS"));
	unsetenv("NQ57_MAX_CONNECTIONS");
}

static void test_config__database_urls(void **state)
{
	(void)state;
	nq57_config c;
	assert_int_equal(config_load_env(&c), 0);
	c.db_url = "postgresql://u@127.0.0.1:5432/nq57";
	assert_int_equal(config_check_db(&c), 0);
	assert_int_equal(c.db_kind, DB_POSTGRES);
	c.db_url = "sqlite::memory:";
	assert_int_equal(config_check_db(&c), 0);
	assert_int_equal(c.db_kind, DB_SQLITE);
	c.db_url = "mysql://x";
	assert_int_equal(config_check_db(&c), ERR_INVALID);
	assert_string_equal(err_msg(), "database URL scheme 'mysql' is not supported (use sqlite:PATH or postgresql://...)");
	c.db_url = "sqlite:";
	assert_int_equal(config_check_db(&c), ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config__listen_addresses),
		cmocka_unit_test(test_config__sizes),
		cmocka_unit_test(test_config__flags_override_environment),
		cmocka_unit_test(test_config__connection_limits),
		cmocka_unit_test(test_config__database_urls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
