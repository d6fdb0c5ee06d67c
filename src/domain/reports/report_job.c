/* report_job: queue, run and serve review reports (report_job.h). */
#include "domain/reports/report_job.h"
#include "domain/programme/attachment.h"
#include "domain/job_lease.h"
#include "domain/reports/review.h"
#include "domain/programme/task.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int report_job_create(int64_t *out_id, db_conn *db, const principal *who, const char *document, const char *period_code,
	bool final, const char *tasks_as_of)
{
	int64_t doc = 0;
	char now[TIME_ISO_SIZE], code[16], day_text[11];
	const char *day = NULL;
	period p;
	int rc;
	if (tasks_as_of && *tasks_as_of) {
		date_ymd d;
		if ((rc = task_as_of(&d, tasks_as_of)) < 0)
			return rc;
		date_format_iso(d, day_text);
		day = day_text;
	}
	if (!document || !*document)
		return err_set(ERR_INVALID, "'document': give the document's number, e.g. 43/KH-UBND");
	if (!period_code || period_parse(&p, period_code, strlen(period_code)) < 0)
		return period_code ? err_set(ERR_INVALID, "'period': %s", err_msg())
				   : err_set(ERR_INVALID, "'period': give the period the report covers, e.g. 2025");
	period_format(&p, code);
	if ((rc = db_run(db, &doc, "SELECT id FROM document WHERE number = ?", "t", document)) < 0)
		return rc;
	if (!doc)
		return err_set(ERR_NOTFOUND, "no document numbered '%s'", document);
	time_now_iso(now);
	if (who->person_id)
		rc = db_run(db, out_id,
			"INSERT INTO report_job (kind, document_id, period, final, status, progress, requested_by, created_at, "
			"tasks_as_of) VALUES ('review', ?, ?, ?, 'queued', 0, ?, ?, ?) RETURNING id", "itiitt", doc, code,
			(int64_t)final, who->person_id, now, day);
	else
		rc = db_run(db, out_id,
			"INSERT INTO report_job (kind, document_id, period, final, status, progress, requested_by, created_at, "
			"tasks_as_of) VALUES ('review', ?, ?, ?, 'queued', 0, NULL, ?, ?) RETURNING id", "ititt", doc, code,
			(int64_t)final, now, day);
	return rc;
}

#define JOB_SELECT \
	"SELECT j.id, j.kind, d.number, j.period, j.final, j.status, j.progress, j.error, j.data_seq, j.as_of, " \
	"j.created_at, j.finished_at, j.document_id, j.tasks_as_of FROM report_job j JOIN document d ON d.id = j.document_id"

static json_t *job_row(db_stmt *s)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:b, s:s, s:i, s:s?, s:s?, s:s, s:s?}", "id", (json_int_t)db_column_int64(s, 0),
		"kind", db_column_text(s, 1), "document_number", db_column_text(s, 2), "period", db_column_text(s, 3), "final",
		db_column_int64(s, 4) != 0, "status", db_column_text(s, 5), "progress", (int)db_column_int64(s, 6), "error",
		db_column_text(s, 7), "as_of", db_column_text(s, 9), "created_at", db_column_text(s, 10), "finished_at",
		db_column_text(s, 11));
	json_object_set_new(o, "data_seq", db_column_is_null(s, 8) ? json_null() : json_integer(db_column_int64(s, 8)));
	json_object_set_new(o, "document_id", json_integer(db_column_int64(s, 12)));
	json_object_set_new(o, "tasks_as_of", db_column_is_null(s, 13) ? json_null() : json_string(db_column_text(s, 13)));
	return o;
}

static int add_files(json_t *job, db_conn *db)
{
	db_stmt *s;
	int rc;
	json_t *files = json_array();
	json_object_set_new(job, "files", files);
	if ((rc = db_prepare(&s, db, "SELECT format, name, size FROM report_file WHERE job_id = ? ORDER BY format")) < 0)
		return rc;
	db_bind_int64(s, 1, json_integer_value(json_object_get(job, "id")));
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(files, json_pack("{s:s, s:s, s:I}", "format", db_column_text(s, 0), "name",
			db_column_text(s, 1), "size", (json_int_t)db_column_int64(s, 2)));
	db_finalize(s);
	return rc;
}

int report_job_get(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	int rc;
	if ((rc = db_prepare(&s, db, JOB_SELECT " WHERE j.id = ?")) < 0)
		return rc;
	db_bind_int64(s, 1, id);
	json_t *job = (rc = db_step(s)) == DB_ROW ? job_row(s) : NULL;
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!job)
		return err_set(ERR_NOTFOUND, "no report with id %lld", (long long)id);
	if ((rc = add_files(job, db)) < 0) {
		json_decref(job);
		return rc;
	}
	*out = job;
	return 0;
}

int report_job_list(json_t **out, db_conn *db, int64_t limit, int64_t offset)
{
	db_stmt *s;
	int64_t total = 0;
	int rc;
	if ((rc = db_run(db, &total, "SELECT COUNT(*) FROM report_job", "")) < 0 ||
	    (rc = db_prepare(&s, db, JOB_SELECT " ORDER BY j.id DESC LIMIT ? OFFSET ?")) < 0)
		return rc;
	db_bind_int64(s, 1, limit);
	db_bind_int64(s, 2, offset);
	json_t *list = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(list, job_row(s));
	db_finalize(s);
	size_t i;
	json_t *job;
	json_array_foreach(list, i, job)
		if (rc >= 0 && (rc = add_files(job, db)) < 0)
			break;
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o, s:I}", "reports", list, "total", (json_int_t)total);
	return 0;
}

/* ------------------------------------------------------------------ runs */

/* The job's writes name this server as its owner (job_lease.h): once the
 * lease lapsed and another server took the job, they change nothing and
 * the job's run ends with ERR_CONFLICT. */
static int set_progress(db_conn *db, int64_t id, int progress)
{
	return job_lease_progress(db, &job_queue_report, id, progress);
}

/* rc of a write of job id WHERE JOB_LEASE_HELD: ERR_CONFLICT when it
 * found the job no longer held. */
static int held(db_conn *db, int64_t id, int rc)
{
	if (rc == 0 && db_changes(db) == 0)
		rc = err_set(ERR_CONFLICT, "report %lld is no longer held by this server", (long long)id);
	return rc;
}

static int fail_job(db_conn *db, int64_t id, const char *why)
{
	char now[TIME_ISO_SIZE];
	time_now_iso(now);
	return held(db, id, db_run(db, NULL, "UPDATE report_job SET status = 'failed', error = ?, finished_at = ?, "
		"lease_until = NULL WHERE " JOB_LEASE_HELD, "ttit", why, now, id, job_lease_owner()));
}

static int store_format(db_conn *db, const char *data_dir, int64_t id, const json_t *report, const char *stem,
	const review_format *f)
{
	char *data, hash[65], name[256];
	size_t len;
	int rc;
	if ((rc = f->render(&data, &len, report)) < 0)
		return rc;
	rc = attachment_store(hash, data_dir, data, len);
	free(data);
	if (rc < 0)
		return rc;
	snprintf(name, sizeof(name), "%s.%s", stem, f->ext);
	/* a file kept by an earlier attempt of the job is replaced */
	if ((rc = job_lease_progress(db, &job_queue_report, id, -1)) < 0)
		return rc;
	return db_run(db, NULL, "INSERT INTO report_file (job_id, format, name, size, sha256) VALUES (?, ?, ?, ?, ?) "
				"ON CONFLICT (job_id, format) DO UPDATE SET name = excluded.name, size = excluded.size, "
				"sha256 = excluded.sha256", "ittit", id, f->ext, name, (int64_t)len, hash);
}

/* Keeps the content the files are rendered from, with its data state. */
static int save_content(db_conn *db, int64_t id, const char *content, const json_t *report)
{
	return held(db, id, db_run(db, NULL, "UPDATE report_job SET content = ?, data_seq = ?, as_of = ?, tasks_as_of = ?, "
		"progress = 40 WHERE " JOB_LEASE_HELD, "tittit", content,
		(int64_t)json_integer_value(json_object_get(report, "data_seq")), json_string_value(json_object_get(report, "as_of")),
		json_string_value(json_object_get(report, "tasks_as_of")), id, job_lease_owner()));
}

/* Builds, renders and stores job id; the job's row records the result. */
static int run_job(db_conn *db, rollup_cache *cache, const char *data_dir, int64_t id, date_ymd today)
{
	db_stmt *s;
	json_t *report = NULL;
	char number[128] = "", code[16] = "", day[11] = "";
	bool final = false;
	int rc;
	if ((rc = db_prepare(&s, db, "SELECT d.number, j.period, j.final, j.tasks_as_of FROM report_job j "
				     "JOIN document d ON d.id = j.document_id WHERE j.id = ?")) < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW) {
		snprintf(number, sizeof(number), "%s", db_column_text(s, 0));
		snprintf(code, sizeof(code), "%s", db_column_text(s, 1));
		final = db_column_int64(s, 2) != 0;
		if (!db_column_is_null(s, 3))
			snprintf(day, sizeof(day), "%s", db_column_text(s, 3));
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (*day && (rc = task_as_of(&today, day)) < 0)
		return fail_job(db, id, err_msg());
	review_query q = { .document = number, .period = code, .final = final, .today = today };
	if ((rc = review_build(&report, cache, db, &q)) < 0)
		return fail_job(db, id, err_msg());
	char *content = json_dumps(report, JSON_COMPACT | JSON_SORT_KEYS), *stem = review_file_stem(report);
	if (!content || !stem)
		rc = fail_job(db, id, "out of memory");
	else if ((rc = save_content(db, id, content, report)) == 0) {
		for (int k = 0; rc == 0 && k < review_n_formats; k++) {
			if ((rc = store_format(db, data_dir, id, report, stem, &review_formats[k])) < 0) {
				if (rc != ERR_UNAVAILABLE && rc != ERR_CONFLICT)
					rc = fail_job(db, id, err_msg());
				break;
			}
			rc = set_progress(db, id, 40 + 60 * (k + 1) / review_n_formats);
		}
		char now[TIME_ISO_SIZE];
		time_now_iso(now);
		if (rc == 0)
			rc = held(db, id, db_run(db, NULL, "UPDATE report_job SET status = 'done', progress = 100, finished_at = ?, "
						     "lease_until = NULL WHERE " JOB_LEASE_HELD, "tit", now, id, job_lease_owner()));
	}
	free(content);
	free(stem);
	json_decref(report);
	return rc;
}

int report_job_run_next(bool *ran, db_conn *db, rollup_cache *cache, const char *data_dir, date_ymd today)
{
	int64_t id;
	int rc;
	*ran = false;
	if ((rc = job_lease_claim(&id, db, &job_queue_report)) < 0 || !id)
		return rc;
	*ran = true;
	if ((rc = run_job(db, cache, data_dir, id, today)) == ERR_CONFLICT) {
		log_warn("report %lld: %s; its new owner finishes it", (long long)id, err_msg());
		rc = 0;
	}
	return rc;
}

int report_job_file(const char **path, const char **name, const char **type, db_conn *db, arena *a, const char *data_dir,
	int64_t id, const char *format)
{
	db_stmt *s;
	int rc;
	const char *hash = NULL;
	*type = NULL;
	for (int k = 0; k < review_n_formats; k++)
		if (format && strcmp(format, review_formats[k].ext) == 0)
			*type = review_formats[k].mime;
	if (!*type)
		return err_set(ERR_NOTFOUND, "no such format '%s'", format ? format : "");
	if ((rc = db_prepare(&s, db, "SELECT name, sha256 FROM report_file WHERE job_id = ? AND format = ?")) < 0)
		return rc;
	db_bind_int64(s, 1, id);
	db_bind_text(s, 2, format);
	if ((rc = db_step(s)) == DB_ROW) {
		*name = arena_strdup(a, db_column_text(s, 0));
		hash = arena_strdup(a, db_column_text(s, 1));
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!hash)
		return err_set(ERR_NOTFOUND, "report %lld has no %s file (yet)", (long long)id, format);
	return attachment_stored_path(path, a, data_dir, hash);
}

int report_job_content(char **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	int rc;
	*out = NULL;
	if ((rc = db_prepare(&s, db, "SELECT content FROM report_job WHERE id = ? AND status = 'done'")) < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW && db_column_text(s, 0) && !(*out = strdup(db_column_text(s, 0))))
		rc = err_set(ERR_NOMEM, "out of memory");
	db_finalize(s);
	if (rc < 0)
		return rc;
	return *out ? 0 : err_set(ERR_NOTFOUND, "report %lld is not finished", (long long)id);
}
