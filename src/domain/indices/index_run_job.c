/* index_run_job: the server's worker computes queued index runs
 * (index_store.h): claims the oldest, evaluates it over its stored table,
 * keeps the results or the error. */
#include "domain/indices/index_spec.h"
#include "domain/indices/index_store.h"
#include "domain/job_lease.h"
#include "util/err.h"
#include "util/json.h"
#include "util/log.h"
#include "util/period.h"
#include "util/time.h"

#include <stdlib.h>
#include <string.h>

typedef struct run_job {
	db_conn *db;
	int64_t id;
	const atomic_bool *cancel;
	char *definition, *input, *previous_input, *period;
} run_job;

static void job_free(run_job *j)
{
	free(j->definition);
	free(j->input);
	free(j->previous_input);
	free(j->period);
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static int load_job(run_job *j)
{
	db_stmt *s;
	int rc;
	if ((rc = db_prepare(&s, j->db, "SELECT d.definition, r.input, r.previous_input, r.period FROM index_run r "
					"JOIN index_definition d ON d.id = r.definition_id WHERE r.id = ?")) < 0)
		return rc;
	db_bind_int64(s, 1, j->id);
	if ((rc = db_step(s)) == DB_ROW) {
		j->definition = strdup(db_column_text(s, 0));
		j->input = strdup(db_column_text(s, 1));
		j->previous_input = dup_or_null(db_column_text(s, 2));
		j->period = dup_or_null(db_column_text(s, 3));
		if (!j->definition || !j->input)
			rc = err_set(ERR_NOMEM, "out of memory");
	}
	db_finalize(s);
	if (rc >= 0 && !j->definition)
		rc = err_set(ERR_NOTFOUND, "no index run with id %lld", (long long)j->id);
	return rc < 0 ? rc : 0;
}

/* Writes the progress; then whether to go on: ERR_CONFLICT when the run
 * was cancelled meanwhile (or the server is stopping). A failed write
 * only costs the progress bar. */
static int step(run_job *j, int percent)
{
	if (j->cancel && atomic_load(j->cancel))
		return err_set(ERR_CONFLICT, "the server is stopping");
	/* the write also renews the run's lease; it changes nothing once the
	 * run was cancelled or another server took it over (job_lease.h) */
	int rc = job_lease_progress(j->db, &job_queue_index_run, j->id, percent);
	if (rc == ERR_CONFLICT)
		return err_set(ERR_CONFLICT, "index run %lld was cancelled", (long long)j->id);
	if (rc < 0)
		log_warn("index run %lld: progress not saved: %s", (long long)j->id, err_msg());
	return 0;
}

/* Computes spec over the CSV table; *results: index_results_json. */
static int compute(json_t **results, run_job *j, const index_spec *spec, const char *csv, int from, int to)
{
	index_table t;
	index_result r;
	int rc;
	if ((rc = index_table_read(&t, spec, csv, strlen(csv), NULL, 0)) < 0)
		return rc;
	if ((rc = step(j, from + (to - from) / 3)) == 0 &&
	    (rc = index_evaluate(&r, (index_def *)&spec->def, &t.input, &spec->options)) == 0) {
		if ((rc = step(j, from + 2 * (to - from) / 3)) == 0 && !(*results = index_results_json(spec, &t, &r)))
			rc = err_set(ERR_NOMEM, "out of memory");
		index_result_free(&r);
	}
	index_table_free(&t);
	return rc;
}

/* Adds each unit's previous ranks and the change (positive: moved up). */
static void add_previous(json_t *now, const json_t *before)
{
	json_t *by_code = json_object(), *u, *p;
	size_t i;
	json_array_foreach(json_object_get(before, "units"), i, p)
		json_object_set(by_code, json_string_value(json_object_get(p, "code")), p);
	json_array_foreach(json_object_get(now, "units"), i, u) {
		const json_t *match = json_object_get(by_code, json_string_value(json_object_get(u, "code")));
		if (!match)
			continue;
		json_t *prev = json_deep_copy(json_object_get(match, "ranks")), *change = json_object(), *r;
		const char *agg;
		json_object_foreach(json_object_get(u, "ranks"), agg, r) {
			const json_t *old = json_object_get(prev, agg);
			json_object_set_new(change, agg, json_is_integer(r) && json_is_integer(old)
				? json_integer(json_integer_value(old) - json_integer_value(r)) : json_null());
		}
		json_object_set_new(u, "previous_ranks", prev);
		json_object_set_new(u, "rank_change", change);
	}
	json_decref(by_code);
}

/* The run's results as JSON text. */
static int evaluate(char **out, run_job *j)
{
	json_error_t e;
	json_t *def = json_loads(j->definition, 0, &e), *results = NULL, *previous = NULL;
	index_spec spec;
	int rc;
	*out = NULL;
	if (!def)
		return err_set(ERR_GENERIC, "index run %lld: its stored definition is not JSON: %s", (long long)j->id, e.text);
	rc = index_spec_parse(&spec, def);
	json_decref(def);
	if (rc < 0)
		return rc;
	if ((rc = compute(&results, j, &spec, j->input, 0, j->previous_input ? 60 : 90)) == 0 && j->previous_input) {
		/* the previous period may have no figures: then no rank changes */
		if (compute(&previous, j, &spec, j->previous_input, 60, 90) == 0)
			add_previous(results, previous);
		else if (err_code() == ERR_CONFLICT)
			rc = ERR_CONFLICT;
		period p, prev;
		char code_prev[16] = "";
		if (j->period && period_parse(&p, j->period, strlen(j->period)) == 0) {
			prev = period_prev(&p);
			period_format(&prev, code_prev);
		}
		json_object_set_new(results, "previous_period", previous && *code_prev ? json_string(code_prev) : json_null());
	}
	if (rc == 0 && !(*out = json_dumps(results, JSON_COMPACT)))
		rc = err_set(ERR_NOMEM, "out of memory");
	json_decref(results);
	json_decref(previous);
	index_spec_free(&spec);
	return rc;
}

int index_run_run_next(bool *ran, db_conn *db, const atomic_bool *cancel)
{
	run_job j = { .db = db, .cancel = cancel };
	char now[TIME_ISO_SIZE], *results = NULL;
	int rc;
	*ran = false;
	if ((rc = job_lease_claim(&j.id, db, &job_queue_index_run)) < 0 || !j.id)
		return rc;
	*ran = true;
	if ((rc = load_job(&j)) < 0)
		goto done;
	int computed = evaluate(&results, &j);
	time_now_iso(now);
	if (computed == 0)
		rc = db_run(db, NULL, "UPDATE index_run SET status = 'done', progress = 100, results = ?, error = NULL, finished_at = ?, "
				      "lease_until = NULL WHERE " JOB_LEASE_HELD, "ttit", results, now, j.id, job_lease_owner());
	else if (cancel && atomic_load(cancel))   /* the server is stopping: run it again next time */
		rc = job_lease_release(db, &job_queue_index_run, j.id);
	else if (computed == ERR_CONFLICT)
		rc = 0;   /* cancelled: it stays so */
	else {
		/* the English text, and {template, params} for the reader's language */
		json_t *said = json_err_describe();
		char *detail = said ? json_dumps(said, JSON_COMPACT) : NULL, *message = strdup(err_msg());
		rc = db_run(db, NULL, "UPDATE index_run SET status = 'failed', error = ?, error_detail = ?, results = NULL, finished_at = ?, "
				      "lease_until = NULL WHERE " JOB_LEASE_HELD, "tttit", message ? message : "", detail, now, j.id,
			job_lease_owner());
		json_decref(said);
		free(detail);
		free(message);
	}
done:
	job_free(&j);
	free(results);
	return rc < 0 ? rc : 0;
}
