/* index_uncertainty: the spec, the result and the jobs of uncertainty
 * analyses of index runs (index_uncertainty.h). */
#include "domain/indices/index_uncertainty.h"
#include "domain/people/audit.h"
#include "domain/job_lease.h"
#include "util/err.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ spec */

/* Method names, in the order of their enums (index.h). */
static const char *const norm_names[] = { "minmax", "zscore", "rank", "target", "goalposts", "none" };
static const char *const agg_names[] = { "arithmetic", "geometric", "harmonic" };
static const char *const agg_short[] = { "arith", "geom", "harm" };
static const char *const impute_names[] = { "none", "group_mean", "mean" };

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int name_index(const char *name, const char *const *names, const char *const *aliases, int n)
{
	for (int i = 0; name && i < n; i++)
		if (strcmp(name, names[i]) == 0 || (aliases && strcmp(name, aliases[i]) == 0))
			return i;
	return -1;
}

/* A list of method names into their enum values; *canonical gets their
 * full names. ERR_INVALID naming field. */
static int method_list(int *out, int *n_out, json_t **canonical, const json_t *v, const char *field, const char *const *names,
	const char *const *aliases, int n_names)
{
	size_t i;
	const json_t *x;
	*n_out = 0;
	*canonical = json_array();
	if (!v || json_is_null(v))
		return 0;
	str list = { 0 };
	for (int k = 0; k < n_names; k++)
		str_appendf(&list, "%s%s", k ? ", " : "", names[k]);
	int rc = 0;
	if (!json_is_array(v))
		rc = err_set(ERR_INVALID, "'%s' must be a list of method names (%s)", field, str_cstr(&list));
	else if (json_array_size(v) > INDEX_MC_MAX_ALTS)
		rc = err_set(ERR_INVALID, "'%s': at most %d alternatives", field, INDEX_MC_MAX_ALTS);
	json_array_foreach(v, i, x) {
		if (rc < 0)
			break;
		int m = name_index(json_string_value(x), names, aliases, n_names);
		if (m < 0) {
			rc = err_set(ERR_INVALID, "'%s': '%s' is not a method; use %s", field,
				json_is_string(x) ? json_string_value(x) : "(not a name)", str_cstr(&list));
			break;
		}
		for (int k = 0; k < *n_out; k++)
			if (out[k] == m)
				rc = err_set(ERR_INVALID, "'%s': '%s' is given twice", field, names[m]);
		out[(*n_out)++] = m;
		json_array_append_new(*canonical, json_string(names[m]));
	}
	str_free(&list);
	if (rc < 0) {
		json_decref(*canonical);
		*canonical = NULL;
	}
	return rc;
}

static int whole_number(long long *out, const json_t *o, const char *key, long long lo, long long hi)
{
	const json_t *v = json_object_get(o, key);
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return err_set(ERR_INVALID, "'%s' must be a whole number from %lld to %lld", key, lo, hi);
	*out = json_integer_value(v);
	return 0;
}

static int check_fields(const json_t *in)
{
	static const char *const known[] = { "seed", "runs", "spread", "normalisations", "aggregations", "imputations",
		"sensitivity" };
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)in, key, v) {
		if (name_index(key, known, NULL, N_OF(known)) < 0)
			return err_set(ERR_INVALID, "'%s' is not a field of an uncertainty analysis (seed, runs, spread, "
						    "normalisations, aggregations, imputations, sensitivity)", key);
	}
	return 0;
}

int index_uncertainty_spec(index_mc_spec *out, json_t **canonical, const json_t *in, const index_spec *def)
{
	index_mc_spec s = index_mc_spec_default();
	long long seed = (long long)s.seed, runs = s.runs;
	int norms[INDEX_MC_MAX_ALTS], aggs[INDEX_MC_MAX_ALTS], imputes[INDEX_MC_MAX_ALTS];
	json_t *c_norms = NULL, *c_aggs = NULL, *c_imputes = NULL;
	int rc;
	if (in && !json_is_object(in))
		return err_set(ERR_INVALID, "an uncertainty analysis is an object of seed, runs, spread, ...");
	if (!in)
		in = json_object();
	else
		json_incref((json_t *)in);
	const json_t *spread = json_object_get(in, "spread"), *sens = json_object_get(in, "sensitivity");
	if ((rc = check_fields(in)) < 0 || (rc = whole_number(&seed, in, "seed", 0, INT64_MAX)) < 0 ||
	    (rc = whole_number(&runs, in, "runs", 1, INDEX_MC_MAX_RUNS)) < 0)
		goto done;
	if (spread && (!json_is_number(spread) || !(json_number_value(spread) >= 0 && json_number_value(spread) <= 1))) {
		rc = err_set(ERR_INVALID, "'spread' must be a number from 0 to 1 (weights vary within +-spread x the weight)");
		goto done;
	}
	if (sens && !json_is_boolean(sens)) {
		rc = err_set(ERR_INVALID, "'sensitivity' must be true or false");
		goto done;
	}
	if ((rc = method_list(norms, &s.n_norms, &c_norms, json_object_get(in, "normalisations"), "normalisations", norm_names, NULL,
		     N_OF(norm_names))) < 0 ||
	    (rc = method_list(aggs, &s.n_aggs, &c_aggs, json_object_get(in, "aggregations"), "aggregations", agg_names, agg_short,
		     N_OF(agg_names))) < 0 ||
	    (rc = method_list(imputes, &s.n_imputes, &c_imputes, json_object_get(in, "imputations"), "imputations", impute_names,
		     NULL, N_OF(impute_names))) < 0)
		goto done;
	s.seed = (uint64_t)seed;
	s.runs = (int)runs;
	s.weight_spread = spread ? json_number_value(spread) : s.weight_spread;
	s.sensitivity = json_is_true(sens);
	for (int i = 0; i < s.n_norms; i++) {
		s.norms[i] = def->options.norm;   /* the definition's scale and cap */
		s.norms[i].method = (index_norm)norms[i];
	}
	for (int i = 0; i < s.n_aggs; i++)
		for (int l = 0; l <= INDEX_MAX_LEVELS; l++)
			s.aggs[i].level[l] = (index_agg)aggs[i];
	for (int i = 0; i < s.n_imputes; i++) {
		s.imputes[i] = (index_impute)imputes[i];
		if (s.imputes[i] == INDEX_IMPUTE_GROUP_MEAN && !def->group_column) {
			rc = err_set(ERR_INVALID, "'imputations': group_mean needs a group_column in the index definition");
			goto done;
		}
	}
	if (s.sensitivity && !(s.weight_spread > 0 || s.n_norms > 1 || s.n_aggs > 1 || s.n_imputes > 1)) {
		rc = err_set(ERR_INVALID, "'sensitivity': nothing varies; give a spread above 0 or two alternatives of a method");
		goto done;
	}
	if (canonical &&
	    !(*canonical = json_pack("{s:I, s:i, s:f, s:O, s:O, s:O, s:b}", "seed", (json_int_t)seed, "runs", s.runs, "spread",
		      s.weight_spread, "normalisations", c_norms, "aggregations", c_aggs, "imputations", c_imputes, "sensitivity",
		      s.sensitivity)))
		rc = err_set(ERR_NOMEM, "out of memory");
	else
		*out = s;
done:
	json_decref(c_norms);
	json_decref(c_aggs);
	json_decref(c_imputes);
	json_decref((json_t *)in);
	return rc;
}

/* ---------------------------------------------------------------- result */

static json_t *number_or_null(double x) { return isfinite(x) ? json_real(x) : json_null(); }

typedef struct unit_key {
	int nominal;         /* 0: no score */
	const char *code;
	int unit;
} unit_key;

static int unit_key_cmp(const void *a, const void *b)
{
	const unit_key *x = a, *y = b;
	if ((x->nominal == 0) != (y->nominal == 0))
		return x->nominal == 0 ? 1 : -1;
	if (x->nominal != y->nominal)
		return x->nominal < y->nominal ? -1 : 1;
	return strcmp(x->code, y->code);
}

static json_t *result_json(const index_spec *def, const index_table *t, const index_mc_spec *mc, const index_mc_result *r)
{
	const char *root = "";
	for (int i = 0; i < def->def.n_nodes; i++)
		if (!def->def.nodes[i].indicator && def->def.nodes[i].parent_node < 0)
			root = def->def.nodes[i].code;
	unit_key *keys = malloc((size_t)(r->n_units ? r->n_units : 1) * sizeof(*keys));
	if (!keys)
		return NULL;
	size_t cols = (size_t)r->n_columns, col = (size_t)r->root_column;
	for (int u = 0; u < r->n_units; u++)
		keys[u] = (unit_key){ .nominal = r->nominal[(size_t)u * cols + col], .code = t->codes[u], .unit = u };
	qsort(keys, (size_t)r->n_units, sizeof(*keys), unit_key_cmp);
	json_t *units = json_array();
	for (int k = 0; k < r->n_units; k++) {
		size_t at = (size_t)keys[k].unit * cols + col;
		json_t *u = json_pack("{s:s, s:s}", "code", t->codes[keys[k].unit], "name", t->names[keys[k].unit]);
		json_object_set_new(u, "nominal", keys[k].nominal ? json_integer(keys[k].nominal) : json_null());
		json_object_set_new(u, "median", number_or_null(r->median[at]));
		json_object_set_new(u, "p05", number_or_null(r->p05[at]));
		json_object_set_new(u, "p95", number_or_null(r->p95[at]));
		json_object_set_new(u, "mean", number_or_null(r->mean[at]));
		json_array_append_new(units, u);
	}
	free(keys);
	json_t *sens = json_null();
	if (mc->sensitivity) {
		sens = json_array();
		for (int f = 0; f < r->n_factors; f++)
			json_array_append_new(sens, json_pack("{s:s, s:o, s:o}", "factor", index_mc_factor_name(r->factor[f]), "si",
				number_or_null(r->si[f]), "sti", number_or_null(r->sti[f])));
	}
	return json_pack("{s:s, s:s, s:s, s:I, s:i, s:i, s:i, s:o, s:o, s:o, s:o}", "index", def->code, "name", def->name,
		"aggregate", root, "seed", (json_int_t)mc->seed, "runs", mc->runs, "samples", r->samples, "evaluations",
		r->evaluations, "mean_shift", number_or_null(r->mean_shift), "variance",
		mc->sensitivity ? number_or_null(r->variance) : json_null(), "units", units, "sensitivity", sens);
}

int index_uncertainty_compute(json_t **out, const index_spec *def, const index_table *t, const index_mc_spec *mc)
{
	index_mc_result r;
	int rc = index_mc_run(&r, (index_def *)&def->def, &t->input, &def->options, mc);
	if (rc < 0)
		return rc;
	*out = result_json(def, t, mc, &r);
	index_mc_result_free(&r);
	return *out ? 0 : err_set(ERR_NOMEM, "out of memory");
}

/* ------------------------------------------------------------------ jobs */

/* The definition run_id was computed with, parsed. ERR_NOTFOUND. */
static int run_definition(index_spec *out, db_conn *db, int64_t run_id)
{
	db_stmt *s;
	json_t *def = NULL;
	json_error_t e;
	int rc;
	if ((rc = db_prepare(&s, db, "SELECT d.definition FROM index_run r JOIN index_definition d ON d.id = r.definition_id "
				     "WHERE r.id = ?")) < 0)
		return rc;
	db_bind_int64(s, 1, run_id);
	bool found = (rc = db_step(s)) == DB_ROW;
	if (found && !(def = json_loads(db_column_text(s, 0), 0, &e)))
		rc = err_set(ERR_GENERIC, "index run %lld: its stored definition is not JSON: %s", (long long)run_id, e.text);
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!found)
		return err_set(ERR_NOTFOUND, "no index run with id %lld", (long long)run_id);
	rc = index_spec_parse(out, def);
	json_decref(def);
	return rc;
}

int index_uncertainty_create(int64_t *out_id, db_conn *db, const principal *who, int64_t run_id, const json_t *body)
{
	index_spec def;
	index_mc_spec mc;
	json_t *spec = NULL;
	char now[TIME_ISO_SIZE], *text = NULL;
	db_stmt *s = NULL;
	int rc;
	if ((rc = run_definition(&def, db, run_id)) < 0)
		return rc;
	rc = index_uncertainty_spec(&mc, &spec, body, &def);
	index_spec_free(&def);
	if (rc < 0)
		return rc;
	if (!(text = json_dumps(spec, JSON_COMPACT))) {
		json_decref(spec);
		return err_set(ERR_NOMEM, "out of memory");
	}
	time_now_iso(now);
	if ((rc = db_begin_write(db)) < 0)
		goto done;
	if ((rc = db_prepare(&s, db, "INSERT INTO index_uncertainty (run_id, spec, status, progress, created_by, created_at) "
				     "VALUES (?, ?, 'queued', 0, ?, ?) RETURNING id")) < 0)
		goto fail;
	db_bind_int64(s, 1, run_id);
	db_bind_text(s, 2, text);
	if (who->person_id)
		db_bind_int64(s, 3, who->person_id);
	else
		db_bind_null(s, 3);
	db_bind_text(s, 4, now);
	if ((rc = db_step(s)) == DB_ROW)
		*out_id = db_column_int64(s, 0);
	db_finalize(s);
	if (rc < 0)
		goto fail;
	char id_text[24];
	snprintf(id_text, sizeof(id_text), "%lld", (long long)*out_id);
	json_object_set_new(spec, "run_id", json_integer(run_id));
	if ((rc = audit_append_json(db, who, "create", "index_uncertainty", id_text, NULL, spec)) < 0 || (rc = db_commit(db)) < 0)
		goto fail;
	goto done;
fail:
	db_rollback(db);
done:
	free(text);
	json_decref(spec);
	return rc < 0 ? rc : 0;
}

#define JOB_SELECT \
	"SELECT u.id, u.run_id, d.code, d.version, u.spec, u.status, u.progress, u.error, u.created_at, u.finished_at, u.result " \
	"FROM index_uncertainty u JOIN index_run r ON r.id = u.run_id JOIN index_definition d ON d.id = r.definition_id"

static json_t *parsed(const char *text)
{
	json_error_t e;
	json_t *v = text ? json_loads(text, 0, &e) : NULL;
	return v ? v : json_null();
}

static json_t *job_json(db_stmt *s, bool with_result)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:I, s:o, s:s, s:i, s:s?, s:s, s:s?}", "id", (json_int_t)db_column_int64(s, 0),
		"run_id", (json_int_t)db_column_int64(s, 1), "code", db_column_text(s, 2), "version",
		(json_int_t)db_column_int64(s, 3), "spec", parsed(db_column_text(s, 4)), "status", db_column_text(s, 5), "progress",
		(int)db_column_int64(s, 6), "error", db_column_text(s, 7), "created_at", db_column_text(s, 8), "finished_at",
		db_column_text(s, 9));
	if (o && with_result)
		json_object_set_new(o, "result", parsed(db_column_text(s, 10)));
	return o;
}

int index_uncertainty_get(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	int rc;
	if ((rc = db_prepare(&s, db, JOB_SELECT " WHERE u.id = ?")) < 0)
		return rc;
	db_bind_int64(s, 1, id);
	json_t *job = (rc = db_step(s)) == DB_ROW ? job_json(s, true) : NULL;
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!job)
		return err_set(ERR_NOTFOUND, "no uncertainty analysis with id %lld", (long long)id);
	*out = job;
	return 0;
}

int index_uncertainty_list(json_t **out, db_conn *db, int64_t run_id)
{
	db_stmt *s;
	int64_t found = 0;
	int rc;
	if ((rc = db_run(db, &found, "SELECT COUNT(*) FROM index_run WHERE id = ?", "i", run_id)) < 0)
		return rc;
	if (!found)
		return err_set(ERR_NOTFOUND, "no index run with id %lld", (long long)run_id);
	if ((rc = db_prepare(&s, db, JOB_SELECT " WHERE u.run_id = ? ORDER BY u.id DESC LIMIT 100")) < 0)
		return rc;
	db_bind_int64(s, 1, run_id);
	json_t *list = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(list, job_json(s, false));
	db_finalize(s);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o}", "jobs", list);
	return 0;
}

typedef struct job_progress {
	db_conn *db;
	int64_t id;
	int percent;        /* the last one written */
} job_progress;

/* index_mc's progress callback, on the job's thread: writes the percent
 * when it has moved (index_mc calls about every 1 %), which renews the
 * job's lease. 100 waits for the result to be stored. A failed write only
 * costs the progress bar; a job another server took meanwhile is finished
 * by that server (finish() then changes nothing). */
static void on_progress(void *ctx, double done)
{
	job_progress *p = ctx;
	int percent = (int)(done * 100);
	if (percent > 99)
		percent = 99;
	if (percent <= p->percent)
		return;
	p->percent = percent;
	if (job_lease_progress(p->db, &job_queue_uncertainty, p->id, percent) < 0)
		log_warn("index uncertainty %lld: progress not saved: %s", (long long)p->id, err_msg());
}

static int finish(db_conn *db, int64_t id, const char *result, const char *error)
{
	char now[TIME_ISO_SIZE];
	time_now_iso(now);
	int rc = result ? db_run(db, NULL, "UPDATE index_uncertainty SET status = 'done', progress = 100, result = ?, error = NULL, "
					   "finished_at = ?, lease_until = NULL WHERE " JOB_LEASE_HELD, "ttit", result, now, id,
				 job_lease_owner())
			: db_run(db, NULL, "UPDATE index_uncertainty SET status = 'failed', error = ?, result = NULL, finished_at = ?, "
					   "lease_until = NULL WHERE " JOB_LEASE_HELD, "ttit", error, now, id, job_lease_owner());
	if (rc == 0 && db_changes(db) == 0)
		log_warn("index uncertainty %lld: taken over by another server; its result is theirs", (long long)id);
	return rc;
}

/* The job's spec, its run's input and the definition it was run with. */
static int load_job(char **spec, char **input, char **definition, db_conn *db, int64_t id)
{
	db_stmt *s;
	int rc;
	*spec = *input = *definition = NULL;
	if ((rc = db_prepare(&s, db, "SELECT u.spec, r.input, d.definition FROM index_uncertainty u JOIN index_run r ON r.id = u.run_id "
				     "JOIN index_definition d ON d.id = r.definition_id WHERE u.id = ?")) < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW) {
		*spec = strdup(db_column_text(s, 0));
		*input = strdup(db_column_text(s, 1));
		*definition = strdup(db_column_text(s, 2));
		if (!*spec || !*input || !*definition)
			rc = err_set(ERR_NOMEM, "out of memory");
	}
	db_finalize(s);
	if (rc >= 0 && !*spec)
		rc = err_set(ERR_NOTFOUND, "no uncertainty analysis with id %lld", (long long)id);
	return rc < 0 ? rc : 0;
}

/* Evaluates job id from its texts; *result its JSON text. */
static int evaluate(char **result, int64_t id, const char *spec_text, const char *input, const char *def_text, db_conn *db,
	int threads, const atomic_bool *cancel)
{
	json_error_t e;
	json_t *def_json = json_loads(def_text, 0, &e), *spec_json = json_loads(spec_text, 0, &e), *res = NULL;
	index_spec def;
	index_table table;
	index_mc_spec mc;
	int rc;
	*result = NULL;
	if (!def_json || !spec_json) {
		json_decref(def_json);
		json_decref(spec_json);
		return err_set(ERR_GENERIC, "the stored definition or spec is not JSON");
	}
	rc = index_spec_parse(&def, def_json);
	json_decref(def_json);
	if (rc < 0) {
		json_decref(spec_json);
		return rc;
	}
	if ((rc = index_uncertainty_spec(&mc, NULL, spec_json, &def)) == 0 &&
	    (rc = index_table_read(&table, &def, input, strlen(input), NULL, 0)) == 0) {
		job_progress p = { .db = db, .id = id, .percent = 0 };
		mc.threads = threads > INDEX_MC_MAX_THREADS ? INDEX_MC_MAX_THREADS : threads;
		mc.progress = on_progress;
		mc.progress_ctx = &p;
		mc.cancel = cancel;
		if ((rc = index_uncertainty_compute(&res, &def, &table, &mc)) == 0 &&
		    !(*result = json_dumps(res, JSON_COMPACT)))
			rc = err_set(ERR_NOMEM, "out of memory");
		json_decref(res);
		index_table_free(&table);
	}
	json_decref(spec_json);
	index_spec_free(&def);
	return rc;
}

int index_uncertainty_run_next(bool *ran, db_conn *db, int threads, const atomic_bool *cancel)
{
	char *spec = NULL, *input = NULL, *definition = NULL, *result = NULL;
	int64_t id;
	int rc;
	*ran = false;
	if ((rc = job_lease_claim(&id, db, &job_queue_uncertainty)) < 0 || !id)
		return rc;
	*ran = true;
	if ((rc = load_job(&spec, &input, &definition, db, id)) < 0)
		goto done;
	if (evaluate(&result, id, spec, input, definition, db, threads, cancel) == 0)
		rc = finish(db, id, result, NULL);
	else if (cancel && atomic_load(cancel))   /* the server is stopping: run it again next time */
		rc = job_lease_release(db, &job_queue_uncertainty, id);
	else
		rc = finish(db, id, NULL, err_msg());
done:
	free(spec);
	free(input);
	free(definition);
	free(result);
	return rc;
}
