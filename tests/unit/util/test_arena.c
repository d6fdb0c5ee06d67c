/* Tests for util/arena: alignment, zeroing, big allocations, defers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/arena.h"

static void test_arena__allocations_are_aligned_and_zeroed(void **state)
{
	(void)state;
	arena a;
	arena_init(&a, 256);
	for (size_t n = 1; n < 300; n += 7) {
		unsigned char *p = arena_alloc(&a, n);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(p[i], 0);
		memset(p, 0xab, n);
	}
	arena_free(&a);
}

static void test_arena__big_allocation_keeps_small_ones_intact(void **state)
{
	(void)state;
	arena a;
	arena_init(&a, 128);
	char *small = arena_strdup(&a, "Hà Nội");
	char *big = arena_alloc(&a, 100000);
	assert_non_null(big);
	memset(big, 'x', 100000);
	char *after = arena_strdup(&a, "đường");
	assert_string_equal(small, "Hà Nội");
	assert_string_equal(after, "đường");
	assert_true(a.total >= 100000);
	arena_free(&a);
}

static void test_arena__sprintf_and_strndup(void **state)
{
	(void)state;
	arena a;
	arena_init(&a, 64);
	assert_string_equal(arena_sprintf(&a, "%s/%d", "Quý III", 2025), "Quý III/2025");
	assert_string_equal(arena_strndup(&a, "abcdef", 3), "abc");
	char long_text[1000];
	memset(long_text, 'a', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	assert_int_equal(strlen(arena_sprintf(&a, "%s%s", long_text, long_text)), 1998);
	arena_free(&a);
}

static int order[4], n_order;
static void record(void *p) { order[n_order++] = *(int *)p; }

static void test_arena__defers_run_newest_first_on_reset(void **state)
{
	(void)state;
	arena a;
	static int one = 1, two = 2, three = 3;
	arena_init(&a, 0);
	n_order = 0;
	assert_int_equal(arena_defer(&a, record, &one), 0);
	assert_int_equal(arena_defer(&a, record, &two), 0);
	assert_int_equal(arena_defer(&a, record, &three), 0);
	assert_int_equal(n_order, 0);
	arena_reset(&a);
	assert_int_equal(n_order, 3);
	assert_int_equal(order[0], 3);
	assert_int_equal(order[2], 1);
	/* Usable again after a reset; defers do not run twice. */
	assert_non_null(arena_alloc(&a, 10));
	arena_free(&a);
	assert_int_equal(n_order, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena__allocations_are_aligned_and_zeroed),
		cmocka_unit_test(test_arena__big_allocation_keeps_small_ones_intact),
		cmocka_unit_test(test_arena__sprintf_and_strndup),
		cmocka_unit_test(test_arena__defers_run_newest_first_on_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
