/* Tests for domain/task: the derived status in the official words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/programme/task.h"
#include "util/err.h"

#define D(y, m, d) ((date_ymd){ (y), (m), (d) })

static task_facts due(date_ymd deadline, int progress)
{
	return (task_facts){ .has_deadline = true, .deadline = deadline, .progress = progress };
}

static void test_task__open_tasks_around_the_deadline(void **state)
{
	(void)state;
	task_facts f = due(D(2025, 12, 31), 30);
	assert_int_equal(task_status_derive(&f, D(2025, 11, 1), 14), TASK_OPEN_IN_TIME);
	assert_int_equal(task_status_derive(&f, D(2025, 12, 17), 14), TASK_OPEN_DUE_SOON);
	assert_int_equal(task_status_derive(&f, D(2025, 12, 16), 14), TASK_OPEN_IN_TIME);
	assert_int_equal(task_status_derive(&f, D(2025, 12, 31), 14), TASK_OPEN_DUE_SOON);   /* the last day is still in time */
	assert_int_equal(task_status_derive(&f, D(2026, 1, 1), 14), TASK_OPEN_OVERDUE);
	f.progress = 90;   /* nearly done: not flagged */
	assert_int_equal(task_status_derive(&f, D(2025, 12, 20), 14), TASK_OPEN_IN_TIME);
	task_facts none = { .progress = 0 };
	assert_int_equal(task_status_derive(&none, D(2030, 1, 1), 14), TASK_OPEN_IN_TIME);
}

static void test_task__done_on_time_or_late_by_the_request_day(void **state)
{
	(void)state;
	task_facts f = due(D(2025, 6, 30), 100);
	f.completed = true;
	f.completed_on = D(2025, 6, 30);
	assert_int_equal(task_status_derive(&f, D(2025, 8, 1), 14), TASK_DONE_ON_TIME);
	f.completed_on = D(2025, 7, 1);
	assert_int_equal(task_status_derive(&f, D(2025, 8, 1), 14), TASK_DONE_LATE);
	task_facts open_ended = { .completed = true, .completed_on = D(2030, 1, 1) };
	assert_int_equal(task_status_derive(&open_ended, D(2030, 1, 2), 14), TASK_DONE_ON_TIME);
}

/* Colours: a task assigned on 1 January and due on 31 December, seen on
 * 2 July (half the time gone). */
static void test_task__colour_from_progress_against_time(void **state)
{
	(void)state;
	date_ymd start = { 2025, 1, 1 }, mid = { 2025, 7, 2 };
	task_facts f = { .has_deadline = true, .deadline = { 2025, 12, 31 } };
	assert_int_equal(task_colour(TASK_OPEN_IN_TIME, 45, start, &f, mid), FORECAST_GREEN);    /* 5 points behind */
	assert_int_equal(task_colour(TASK_OPEN_IN_TIME, 30, start, &f, mid), FORECAST_YELLOW);   /* 20 behind */
	assert_int_equal(task_colour(TASK_OPEN_IN_TIME, 10, start, &f, mid), FORECAST_RED);      /* 40 behind */
	assert_int_equal(task_colour(TASK_OPEN_IN_TIME, 100, start, &f, start), FORECAST_GREEN);
	assert_int_equal(task_colour(TASK_OPEN_DUE_SOON, 95, start, &f, (date_ymd){ 2025, 12, 25 }), FORECAST_YELLOW);
	assert_int_equal(task_colour(TASK_OPEN_OVERDUE, 99, start, &f, (date_ymd){ 2026, 1, 5 }), FORECAST_RED);
	assert_int_equal(task_colour(TASK_DONE_ON_TIME, 100, start, &f, mid), FORECAST_GREEN);
	assert_int_equal(task_colour(TASK_DONE_LATE, 100, start, &f, mid), FORECAST_YELLOW);
	task_facts none = { 0 };
	assert_int_equal(task_colour(TASK_OPEN_IN_TIME, 0, start, &none, mid), FORECAST_GREY);
}

static void test_task__official_words(void **state)
{
	(void)state;
	assert_string_equal(task_status_label_vi(TASK_DONE_ON_TIME), "Hoàn thành đúng hạn");
	assert_string_equal(task_status_label_vi(TASK_DONE_LATE), "Hoàn thành quá hạn");
	assert_string_equal(task_status_label_vi(TASK_OPEN_OVERDUE), "Chưa hoàn thành – quá hạn");
	assert_string_equal(task_status_label_vi(TASK_OPEN_IN_TIME), "Chưa hoàn thành – trong hạn");
	assert_string_equal(task_status_label_vi(TASK_OPEN_DUE_SOON), "Sắp đến hạn");
	assert_int_equal(task_status_parse("open_overdue"), TASK_OPEN_OVERDUE);
	assert_int_equal(task_status_parse("overdue"), -1);
}

static void test_task__quarterly_occurrences_and_the_deciding_one(void **state)
{
	(void)state;
	period ps[16];
	/* A duty from 2025-08-10: occurrences 2025Q3 .. the quarter of as_of. */
	int n = task_occurrences(ps, 16, PERIOD_QUARTER, D(2025, 8, 10), NULL, D(2026, 2, 1));
	assert_int_equal(n, 3);
	assert_int_equal(ps[0].year, 2025);
	assert_int_equal(ps[0].n, 3);
	assert_int_equal(ps[2].year, 2026);
	assert_int_equal(ps[2].n, 1);
	/* Before the duty starts there is still its first occurrence. */
	assert_int_equal(task_occurrences(ps, 16, PERIOD_QUARTER, D(2025, 8, 10), NULL, D(2025, 1, 1)), 1);
	/* The task's deadline ends the occurrences. */
	date_ymd end = D(2025, 12, 31);
	assert_int_equal(task_occurrences(ps, 16, PERIOD_QUARTER, D(2025, 8, 10), &end, D(2027, 6, 1)), 2);
	assert_int_equal(task_occurrences(ps, 16, PERIOD_YEAR, D(2025, 3, 1), NULL, D(2027, 6, 1)), 3);

	task_occurrence occ[3] = {
		{ .due = D(2025, 10, 15), .completed = true, .completed_on = D(2025, 10, 10) },
		{ .due = D(2026, 1, 15) },
		{ .due = D(2026, 4, 15) },
	};
	/* Q4 2025 is not done: it decides, before and after its due day. */
	assert_int_equal(task_deciding_occurrence(occ, 3), 1);
	task_facts f = { .has_deadline = true, .deadline = occ[1].due, .progress = 20 };
	assert_int_equal(task_status_derive(&f, D(2026, 1, 10), 14), TASK_OPEN_DUE_SOON);
	assert_int_equal(task_status_derive(&f, D(2026, 2, 1), 14), TASK_OPEN_OVERDUE);
	occ[1].completed = true;   /* then the running quarter decides */
	assert_int_equal(task_deciding_occurrence(occ, 3), 2);
	occ[2].completed = true;   /* all done: the latest */
	assert_int_equal(task_deciding_occurrence(occ, 3), 2);
}

static void test_task__one_day_for_every_status(void **state)
{
	(void)state;
	date_ymd day, today = task_today();
	assert_int_equal(task_as_of(&day, NULL), 0);
	assert_memory_equal(&day, &today, sizeof(day));
	assert_int_equal(task_as_of(&day, ""), 0);
	assert_memory_equal(&day, &today, sizeof(day));
	assert_int_equal(task_as_of(&day, "2026-06-30"), 0);
	assert_int_equal(day.y, 2026);
	assert_int_equal(day.m, 6);
	assert_int_equal(day.d, 30);
	assert_int_equal(task_as_of(&day, "30/06/2026"), ERR_INVALID);
	assert_int_equal(task_as_of(&day, "2026-02-30"), ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_task__open_tasks_around_the_deadline),
		cmocka_unit_test(test_task__done_on_time_or_late_by_the_request_day),
		cmocka_unit_test(test_task__official_words),
		cmocka_unit_test(test_task__colour_from_progress_against_time),
		cmocka_unit_test(test_task__quarterly_occurrences_and_the_deciding_one),
		cmocka_unit_test(test_task__one_day_for_every_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
