/* Tests for domain/job_lease: a job is claimed once, a live lease is left
 * alone and a lapsed one taken over, a server that lost its job can no
 * longer write to it, and a job that stopped its server too often fails.
 * On a temporary SQLite database with the migrations applied. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/migrate.h"
#include "domain/job_lease.h"
#include "util/err.h"
#include "util/log.h"

typedef struct fixture {
	char path[64];
	db_conn *db;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	int applied, fd;
	char url[80];
	snprintf(f->path, sizeof(f->path), "/tmp/nq57-lease-XXXXXX");
	if (!f || (fd = mkstemp(f->path)) < 0)
		return -1;
	close(fd);
	snprintf(url, sizeof(url), "sqlite:%s", f->path);
	if (db_open(&f->db, url) < 0 || migrate_apply(&applied, f->db) < 0 || db_exec(f->db, "PRAGMA foreign_keys = OFF") < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	char more[80];
	db_close(f->db);
	unlink(f->path);
	snprintf(more, sizeof(more), "%s-wal", f->path);
	unlink(more);
	snprintf(more, sizeof(more), "%s-shm", f->path);
	unlink(more);
	free(f);
	return 0;
}

/* A queued report job (its document need not exist here). */
static int64_t queue(db_conn *db)
{
	int64_t id = 0;
	assert_int_equal(db_run(db, &id, "INSERT INTO report_job (kind, document_id, period, final, status, progress, created_at) "
					 "VALUES ('review', 1, '2025', 0, 'queued', 0, '2026-01-01T00:00:00Z') RETURNING id", ""),
		0);
	return id;
}

static int64_t column(db_conn *db, const char *sql, int64_t id)
{
	int64_t v = 0;
	assert_int_equal(db_run(db, &v, sql, "i", id), 0);
	return v;
}

static void test_job_lease__each_job_is_claimed_once_oldest_first(void **state)
{
	fixture *f = *state;
	int64_t a = queue(f->db), b = queue(f->db), id;
	assert_int_equal(job_lease_claim(&id, f->db, &job_queue_report), 0);
	assert_int_equal(id, a);
	assert_int_equal(job_lease_claim(&id, f->db, &job_queue_report), 0);
	assert_int_equal(id, b);
	assert_int_equal(job_lease_claim(&id, f->db, &job_queue_report), 0);
	assert_int_equal(id, 0);
	assert_int_equal(column(f->db, "SELECT attempts FROM report_job WHERE id = ?", a), 1);
	assert_int_equal(column(f->db, "SELECT progress FROM report_job WHERE id = ?", a), job_queue_report.start_progress);
	assert_true(column(f->db, "SELECT lease_until FROM report_job WHERE id = ?", a) > job_lease_now_ms());
	int64_t mine = 0;
	assert_int_equal(db_run(f->db, &mine, "SELECT COUNT(*) FROM report_job WHERE status = 'running' AND lease_owner = ?", "t",
				 job_lease_owner()), 0);
	assert_int_equal(mine, 2);
}

static void test_job_lease__a_live_lease_is_left_alone_a_lapsed_one_taken_over(void **state)
{
	fixture *f = *state;
	int64_t a = queue(f->db), id;
	assert_int_equal(db_run(f->db, NULL, "UPDATE report_job SET status = 'running', lease_owner = 'elsewhere:1:0', attempts = 1, "
					     "lease_until = ? WHERE id = ?", "ii", job_lease_now_ms() + 60000, a), 0);
	assert_int_equal(job_lease_claim(&id, f->db, &job_queue_report), 0);
	assert_int_equal(id, 0);
	assert_int_equal(db_run(f->db, NULL, "UPDATE report_job SET lease_until = ? WHERE id = ?", "ii", job_lease_now_ms() - 1, a), 0);
	assert_int_equal(job_lease_claim(&id, f->db, &job_queue_report), 0);
	assert_int_equal(id, a);
	assert_int_equal(column(f->db, "SELECT attempts FROM report_job WHERE id = ?", a), 2);
	assert_int_equal(column(f->db, "SELECT COUNT(*) FROM report_job WHERE id = ? AND lease_owner <> 'elsewhere:1:0'", a), 1);
}

static void test_job_lease__a_job_taken_over_refuses_the_old_owner(void **state)
{
	fixture *f = *state;
	int64_t a = queue(f->db), id;
	assert_int_equal(job_lease_claim(&id, f->db, &job_queue_report), 0);
	assert_int_equal(job_lease_progress(f->db, &job_queue_report, a, 30), 0);
	assert_int_equal(column(f->db, "SELECT progress FROM report_job WHERE id = ?", a), 30);
	assert_int_equal(db_run(f->db, NULL, "UPDATE report_job SET lease_owner = 'elsewhere:1:0' WHERE id = ?", "i", a), 0);
	assert_int_equal(job_lease_progress(f->db, &job_queue_report, a, 60), ERR_CONFLICT);
	assert_int_equal(job_lease_release(f->db, &job_queue_report, a), 0);
	assert_int_equal(column(f->db, "SELECT progress FROM report_job WHERE id = ?", a), 30);
	assert_int_equal(column(f->db, "SELECT COUNT(*) FROM report_job WHERE id = ? AND status = 'running'", a), 1);
}

static void test_job_lease__a_released_job_is_queued_without_counting_the_attempt(void **state)
{
	fixture *f = *state;
	int64_t a = queue(f->db), id;
	assert_int_equal(job_lease_claim(&id, f->db, &job_queue_report), 0);
	assert_int_equal(job_lease_release(f->db, &job_queue_report, a), 0);
	assert_int_equal(column(f->db, "SELECT COUNT(*) FROM report_job WHERE id = ? AND status = 'queued' AND attempts = 0 "
				       "AND lease_owner IS NULL", a), 1);
}

static void test_job_lease__a_job_that_stopped_its_servers_too_often_fails(void **state)
{
	fixture *f = *state;
	int64_t a = queue(f->db), b = queue(f->db), id;
	assert_int_equal(db_run(f->db, NULL, "UPDATE report_job SET status = 'running', lease_owner = 'elsewhere:1:0', attempts = ?, "
					     "lease_until = ? WHERE id = ?", "iii", (int64_t)JOB_LEASE_MAX_ATTEMPTS, job_lease_now_ms() - 1, a), 0);
	assert_int_equal(job_lease_claim(&id, f->db, &job_queue_report), 0);
	assert_int_equal(id, b);
	assert_int_equal(column(f->db, "SELECT COUNT(*) FROM report_job WHERE id = ? AND status = 'failed' AND error IS NOT NULL", a), 1);
}

int main(void)
{
	log_threshold = LOG_ERROR;
	job_lease_set_seconds(30);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_job_lease__each_job_is_claimed_once_oldest_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_lease__a_live_lease_is_left_alone_a_lapsed_one_taken_over, setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_lease__a_job_taken_over_refuses_the_old_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_lease__a_released_job_is_queued_without_counting_the_attempt, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_job_lease__a_job_that_stopped_its_servers_too_often_fails, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
