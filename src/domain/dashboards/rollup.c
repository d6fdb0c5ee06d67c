/* rollup: the in-memory copy of approved values and the roll-ups over it
 * (see rollup.h for the rules). One writer at a time brings the copy up to
 * date under the write lock; readers compute under the read lock. */
#include "domain/dashboards/rollup.h"
#include "domain/programme/validation.h"
#include "domain/dashboards/rollup_cache.h"
#include "domain/programme/indicator.h"
#include "util/err.h"
#include "util/log.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


/* ------------------------------------------------------------- lifecycle */

int rollup_cache_new(rollup_cache **out)
{
	rollup_cache *c = calloc(1, sizeof(*c));
	if (!c)
		return err_set(ERR_NOMEM, "out of memory");
	/* writers first: under a steady stream of readers an update must
	 * still get in (a thread never holds two views at once) */
	pthread_rwlockattr_t attr;
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	int failed = pthread_rwlock_init(&c->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	if (failed) {
		free(c);
		return err_set(ERR_NOMEM, "cannot create a lock");
	}
	if (pthread_mutex_init(&c->memo_lock, NULL) != 0 || !(c->memo = json_object()) || !(c->text_memo = json_object()) ||
	    !(c->text_keys = json_array())) {
		pthread_rwlock_destroy(&c->lock);
		json_decref(c->memo);
		json_decref(c->text_memo);
		free(c);
		return err_set(ERR_NOMEM, "cannot create the memo");
	}
	pthread_condattr_t cattr;
	pthread_condattr_init(&cattr);
	pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	pthread_mutex_init(&c->wait_lock, NULL);
	pthread_cond_init(&c->wait_cond, &cattr);
	pthread_condattr_destroy(&cattr);
	*out = c;
	return 0;
}

static void unit_free(rollup_unit *u)
{
	free(u->code);
	free(u->name);
	free(u->kind);
}

static void units_free(rollup_unit *units, int n)
{
	for (int i = 0; i < n; i++)
		unit_free(&units[i]);
	free(units);
}

static void indicator_free(rollup_indicator *ind)
{
	free(ind->code);
	free(ind->name_vi);
	free(ind->name_en);
	free(ind->measure);
	free(ind->targets);
	for (int p = 0; p < ind->n_columns; p++)
		free(ind->columns[p]);
	free(ind->columns);
	free(ind->column_seq);
	free(ind->report_kinds);
	free(ind->expected_before);
}

void rollup_cache_free(rollup_cache *c)
{
	if (!c)
		return;
	if (c->loader_started)
		pthread_join(c->loader, NULL);
	free(c->loader_url);
	units_free(c->units, c->n_units);
	free(c->unit_index);
	free(c->ends);
	for (int i = 0; i < c->n_indicators; i++)
		indicator_free(&c->indicators[i]);
	free(c->indicators);
	free(c->periods);
	free(c->period_order);
	free(c->period_by_code);
	pthread_rwlock_destroy(&c->lock);
	rollup_series_clear(c);
	pthread_mutex_destroy(&c->memo_lock);
	pthread_mutex_destroy(&c->wait_lock);
	pthread_cond_destroy(&c->wait_cond);
	json_decref(c->memo);
	json_decref(c->text_memo);
	json_decref(c->text_keys);
	free(c);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Makes room for one more element in *items (n used of *cap, each size
 * bytes), doubling from first. */
static int grow_for_one(void **items, int *cap, int n, size_t size, int first)
{
	if (n < *cap)
		return 0;
	int want = *cap ? *cap * 2 : first;
	void *p = realloc(*items, (size_t)want * size);
	if (!p)
		return err_set(ERR_NOMEM, "out of memory");
	*items = p;
	*cap = want;
	return 0;
}

/* ----------------------------------------------------------------- lookups */

int rollup__find_id_slot(const id_slot *index, int n, int64_t id)
{
	int lo = 0, hi = n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (index[mid].id == id)
			return index[mid].slot;
		if (index[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

int rollup__indicator_at(const rollup_indicator *inds, int n, int64_t id)
{
	int lo = 0, hi = n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (inds[mid].id == id)
			return mid;
		if (inds[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* Where code is in period_by_code, or -(insertion point) - 1. */
static int period_search(const rollup_cache *c, const char *code)
{
	int lo = 0, hi = c->n_periods - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		int cmp = strcmp(c->periods[c->period_by_code[mid]].code, code);
		if (cmp == 0)
			return mid;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -lo - 1;
}

int rollup__period_find(const rollup_cache *c, const char *code)
{
	int at = period_search(c, code);
	return at >= 0 ? c->period_by_code[at] : -1;
}

static bool period_before(const rollup_period *a, const rollup_period *b)
{
	return a->first_day != b->first_day ? a->first_day < b->first_day : a->last_day < b->last_day;
}

static int grow_periods(rollup_cache *c)
{
	int cap = c->cap_periods ? c->cap_periods * 2 : 32;
	rollup_period *p = realloc(c->periods, (size_t)cap * sizeof(*p));
	if (!p)
		return err_set(ERR_NOMEM, "out of memory");
	c->periods = p;
	int *order = realloc(c->period_order, (size_t)cap * sizeof(int));
	if (!order)
		return err_set(ERR_NOMEM, "out of memory");
	c->period_order = order;
	int *by_code = realloc(c->period_by_code, (size_t)cap * sizeof(int));
	if (!by_code)
		return err_set(ERR_NOMEM, "out of memory");
	c->period_by_code = by_code;
	c->cap_periods = cap;
	return 0;
}

/* The index of period code, adding it when new. ERR_INVALID for a code
 * that is not a period (such a row is skipped by the callers). */
int rollup__period_intern(int *out, rollup_cache *c, const char *code)
{
	int at = period_search(c, code), rc;
	if (at >= 0) {
		*out = c->period_by_code[at];
		return 0;
	}
	period p;
	if (!code || (rc = period_parse(&p, code, strlen(code))) < 0)
		return ERR_INVALID;
	if (c->n_periods == c->cap_periods && (rc = grow_periods(c)) < 0)
		return rc;
	int i = c->n_periods++;
	rollup_period *np = &c->periods[i];
	period_format(&p, np->code);
	np->p = p;
	np->first_day = date_to_days(period_start(&p));
	np->last_day = date_to_days(period_end(&p));
	int ins = -at - 1;
	memmove(&c->period_by_code[ins + 1], &c->period_by_code[ins], (size_t)(i - ins) * sizeof(int));
	c->period_by_code[ins] = i;
	int pos = i;
	while (pos > 0 && period_before(np, &c->periods[c->period_order[pos - 1]])) {
		c->period_order[pos] = c->period_order[pos - 1];
		pos--;
	}
	c->period_order[pos] = i;
	*out = i;
	return 0;
}

/* ------------------------------------------------------------------ units */

typedef struct unit_row {
	rollup_unit u;
	char *path;
} unit_row;

static int unit_row_cmp(const void *a, const void *b)
{
	return strcmp(((const unit_row *)a)->path, ((const unit_row *)b)->path);
}

static int id_slot_cmp(const void *a, const void *b)
{
	int64_t x = ((const id_slot *)a)->id, y = ((const id_slot *)b)->id;
	return x < y ? -1 : x > y;
}

static bool path_within(const char *outer, const char *inner)
{
	return strncmp(outer, inner, strlen(outer)) == 0;
}

/* Reads the units in tree order into rows (malloc'd; paths owned). */
static int units_read(unit_row **out, int *n_out, db_conn *db)
{
	db_stmt *s;
	int rc, n = 0, cap = 0;
	unit_row *rows = NULL;
	if ((rc = db_prepare(&s, db, "SELECT id, parent_id, code, name, kind, depth, active, public, path FROM unit")) < 0)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if ((rc = grow_for_one((void **)&rows, &cap, n, sizeof(*rows), 256)) < 0)
			break;
		unit_row *r = &rows[n++];
		memset(r, 0, sizeof(*r));
		r->u.id = db_column_int64(s, 0);
		r->u.parent_id = db_column_is_null(s, 1) ? 0 : db_column_int64(s, 1);
		r->u.code = dup_or_null(db_column_text(s, 2));
		r->u.name = dup_or_null(db_column_text(s, 3));
		r->u.kind = dup_or_null(db_column_text(s, 4));
		r->u.depth = (int)db_column_int64(s, 5);
		r->u.active = db_column_int64(s, 6) != 0;
		r->u.public = db_column_int64(s, 7) != 0;
		r->path = dup_or_null(db_column_text(s, 8));
		if (!r->u.name || !r->u.kind || !r->path) {
			rc = err_set(ERR_NOMEM, "out of memory");
			break;
		}
	}
	db_finalize(s);
	if (rc < 0) {
		for (int i = 0; i < n; i++) {
			unit_free(&rows[i].u);
			free(rows[i].path);
		}
		free(rows);
		return rc;
	}
	if (n > 1)
		qsort(rows, (size_t)n, sizeof(*rows), unit_row_cmp);
	*out = rows;
	*n_out = n;
	return 0;
}

/* Slots' subtree ends and parents from the sorted paths. */
static void units_link(unit_row *rows, int n)
{
	int *stack = n ? malloc((size_t)n * sizeof(int)) : NULL, top = 0;
	for (int i = 0; i <= n; i++) {
		while (top > 0 && (i == n || !path_within(rows[stack[top - 1]].path, rows[i].path)))
			rows[stack[--top]].u.end = i;
		if (i == n)
			break;
		rows[i].u.parent = top > 0 ? stack[top - 1] : -1;
		if (stack)
			stack[top++] = i;
	}
	free(stack);
}

/* Moves column from the old slot order to the new one. */
static double *column_remap(const double *old, const rollup_cache *c, const id_slot *new_index, int n_new)
{
	double *col = malloc((size_t)(n_new ? n_new : 1) * sizeof(double));
	if (!col)
		return NULL;
	for (int i = 0; i < n_new; i++)
		col[i] = NAN;
	for (int i = 0; i < c->n_units; i++) {
		if (isnan(old[i]))
			continue;
		int slot = rollup__find_id_slot(new_index, n_new, c->units[i].id);
		if (slot >= 0)
			col[slot] = old[i];
	}
	return col;
}

/* Reloads the units; the columns follow each unit to its new slot. */
static int units_reload(rollup_cache *c, db_conn *db)
{
	unit_row *rows;
	int n, rc;
	if ((rc = units_read(&rows, &n, db)) < 0)
		return rc;
	units_link(rows, n);
	size_t cap = n > 0 ? (size_t)n : 1;
	rollup_unit *units = calloc(cap, sizeof(*units));
	id_slot *index = calloc(cap, sizeof(*index));
	int *ends = calloc(cap, sizeof(*ends));
	if (!units || !index || !ends) {
		free(units);
		free(index);
		free(ends);
		for (int i = 0; i < n; i++) {
			unit_free(&rows[i].u);
			free(rows[i].path);
		}
		free(rows);
		return err_set(ERR_NOMEM, "out of memory");
	}
	for (int i = 0; i < n; i++) {
		units[i] = rows[i].u;
		ends[i] = units[i].end;
		free(rows[i].path);
		index[i] = (id_slot){ units[i].id, i };
	}
	free(rows);
	if (n > 1)
		qsort(index, (size_t)n, sizeof(*index), id_slot_cmp);
	for (int k = 0; k < c->n_indicators; k++) {
		rollup_indicator *ind = &c->indicators[k];
		for (int p = 0; p < ind->n_columns; p++) {
			if (!ind->columns[p])
				continue;
			double *col = column_remap(ind->columns[p], c, index, n);
			if (!col) {
				rc = err_set(ERR_NOMEM, "out of memory");
				continue;
			}
			free(ind->columns[p]);
			ind->columns[p] = col;
		}
	}
	units_free(c->units, c->n_units);
	free(c->unit_index);
	free(c->ends);
	c->units = units;
	c->ends = ends;
	c->unit_index = index;
	c->n_units = n;
	return rc;
}

/* ------------------------------------------------------------- indicators */

static int parse_aggregation(const char *s)
{
	for (int i = 0; indicator_aggregations[i]; i++)
		if (s && strcmp(s, indicator_aggregations[i]) == 0)
			return i;
	return AGG_NONE;
}

static rollup_direction parse_direction(const char *s)
{
	return s && strcmp(s, "down") == 0 ? DIR_DOWN : s && strcmp(s, "exact") == 0 ? DIR_EXACT : DIR_UP;
}

int rollup__code_index(const rollup_indicator *inds, int n, const char *code)
{
	for (int i = 0; code && i < n; i++)
		if (strcmp(inds[i].code, code) == 0)
			return i;
	return -1;
}

/* Hands each indicator (read in order of id) its hard bounds. */
typedef struct bounds_fill {
	rollup_indicator *inds;
	int n, at;
} bounds_fill;

static void bounds_set(void *ctx, int64_t id, double lo, double hi)
{
	bounds_fill *f = ctx;
	while (f->at < f->n && f->inds[f->at].id < id)
		f->at++;
	if (f->at < f->n && f->inds[f->at].id == id) {
		f->inds[f->at].bound_min = lo;
		f->inds[f->at].bound_max = hi;
	}
}

/* Reads the indicators (by id) with their weight codes. */
static int indicators_read(rollup_indicator **out, char ***weights_out, int *n_out, db_conn *db)
{
	db_stmt *s;
	int rc, n = 0, cap = 0, wcap = 0;
	rollup_indicator *inds = NULL;
	char **weights = NULL;
	if ((rc = db_prepare(&s, db,
		     "SELECT i.id, i.code, i.name_vi, i.name_en, i.measure, i.direction, i.aggregation, i.weight_code, "
		     "i.formula, o.document_id, i.baseline_value, i.baseline_year, i.public, i.report_kinds, "
		     "i.completeness_threshold "
		     "FROM indicator i LEFT JOIN objective o ON o.id = i.objective_id ORDER BY i.id")) < 0)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if ((rc = grow_for_one((void **)&inds, &cap, n, sizeof(*inds), 64)) < 0 ||
		    (rc = grow_for_one((void **)&weights, &wcap, n, sizeof(*weights), 64)) < 0)
			break;
		rollup_indicator *ind = &inds[n];
		memset(ind, 0, sizeof(*ind));
		ind->bound_min = ind->bound_max = NAN;
		weights[n++] = dup_or_null(db_column_text(s, 7));
		ind->id = db_column_int64(s, 0);
		ind->code = dup_or_null(db_column_text(s, 1));
		ind->name_vi = dup_or_null(db_column_text(s, 2));
		ind->name_en = dup_or_null(db_column_text(s, 3));
		ind->measure = dup_or_null(db_column_text(s, 4));
		ind->direction = parse_direction(db_column_text(s, 5));
		ind->aggregation = (rollup_aggregation)parse_aggregation(db_column_text(s, 6));
		ind->weight = -1;
		const char *formula = db_column_text(s, 8);
		ind->derived = formula && expr_compile(&ind->formula, formula) == 0;
		ind->document_id = db_column_is_null(s, 9) ? 0 : db_column_int64(s, 9);
		ind->baseline_value = db_column_is_null(s, 10) ? NAN : db_column_double(s, 10);
		ind->baseline_year = (int)db_column_int64(s, 11);
		ind->public = db_column_int64(s, 12) != 0;
		ind->report_kinds = dup_or_null(db_column_text(s, 13));
		ind->threshold = db_column_is_null(s, 14) ? 100 : db_column_double(s, 14);
		if (!ind->code || !ind->name_vi) {
			rc = err_set(ERR_NOMEM, "out of memory");
			break;
		}
	}
	db_finalize(s);
	/* forecasts stay within the hard bounds of the indicator's rules */
	if (rc >= 0) {
		bounds_fill fill = { inds, n, 0 };
		rc = validation_bounds_each(db, bounds_set, &fill);
	}
	if (rc < 0) {
		for (int i = 0; i < n; i++) {
			indicator_free(&inds[i]);
			free(weights[i]);
		}
		free(inds);
		free(weights);
		return rc;
	}
	*out = inds;
	*weights_out = weights;
	*n_out = n;
	return 0;
}

static int targets_read(rollup_cache *c, rollup_indicator *inds, int n, db_conn *db)
{
	db_stmt *s;
	int rc;
	if ((rc = db_prepare(&s, db, "SELECT indicator_id, unit_id, period, value FROM indicator_target")) < 0)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		int k = rollup__indicator_at(inds, n, db_column_int64(s, 0)), pi;
		if (k < 0 || rollup__period_intern(&pi, c, db_column_text(s, 2)) < 0)
			continue;
		rollup_indicator *ind = &inds[k];
		rollup_target *t = realloc(ind->targets, (size_t)(ind->n_targets + 1) * sizeof(*t));
		if (!t) {
			rc = err_set(ERR_NOMEM, "out of memory");
			break;
		}
		ind->targets = t;
		t[ind->n_targets++] = (rollup_target){ db_column_int64(s, 1), pi, db_column_double(s, 3) };
	}
	db_finalize(s);
	return rc;
}

/* Reloads indicators and targets; each keeps its columns. */
static int indicators_reload(rollup_cache *c, db_conn *db)
{
	rollup_indicator *inds;
	char **weights;
	int n, rc;
	if ((rc = indicators_read(&inds, &weights, &n, db)) < 0)
		return rc;
	for (int i = 0; i < n; i++) {
		inds[i].weight = rollup__code_index(inds, n, weights[i]);
		free(weights[i]);
		for (int v = 0; inds[i].derived && v < inds[i].formula.n_vars; v++)
			inds[i].operand[v] = rollup__code_index(inds, n, inds[i].formula.vars[v]);
	}
	free(weights);
	if ((rc = targets_read(c, inds, n, db)) < 0) {
		for (int i = 0; i < n; i++)
			indicator_free(&inds[i]);
		free(inds);
		return rc;
	}
	for (int k = 0; k < c->n_indicators; k++) {
		rollup_indicator *old = &c->indicators[k];
		int at = rollup__indicator_at(inds, n, old->id);
		if (at >= 0) {
			inds[at].columns = old->columns;
			inds[at].column_seq = old->column_seq;
			inds[at].n_columns = old->n_columns;
			old->columns = NULL;
			old->column_seq = NULL;
			old->n_columns = 0;
		}
		indicator_free(old);
	}
	free(c->indicators);
	c->indicators = inds;
	c->n_indicators = n;
	return 0;
}

/* ------------------------------------------------------------------ values */

/* Sets one approved value (NaN: none); seq, when above 0, is the log
 * entry that changed it. */
static int set_value(rollup_cache *c, int64_t indicator_id, int64_t unit_id, const char *code, double value, int64_t seq)
{
	int k = rollup__indicator_at(c->indicators, c->n_indicators, indicator_id);
	int slot = rollup__find_id_slot(c->unit_index, c->n_units, unit_id), pi, rc;
	if (k < 0 || slot < 0)
		return 0;
	if ((rc = rollup__period_intern(&pi, c, code)) < 0)
		return rc == ERR_INVALID ? 0 : rc;
	rollup_indicator *ind = &c->indicators[k];
	if (pi >= ind->n_columns) {
		if (isnan(value))
			return 0;
		double **cols = realloc(ind->columns, (size_t)c->cap_periods * sizeof(*cols));
		if (!cols)
			return err_set(ERR_NOMEM, "out of memory");
		ind->columns = cols;
		int64_t *seqs = realloc(ind->column_seq, (size_t)c->cap_periods * sizeof(*seqs));
		if (!seqs)
			return err_set(ERR_NOMEM, "out of memory");
		ind->column_seq = seqs;
		memset(cols + ind->n_columns, 0, (size_t)(c->cap_periods - ind->n_columns) * sizeof(*cols));
		memset(seqs + ind->n_columns, 0, (size_t)(c->cap_periods - ind->n_columns) * sizeof(*seqs));
		ind->n_columns = c->cap_periods;
	}
	if (!ind->columns[pi]) {
		if (isnan(value))
			return 0;
		if (!(ind->columns[pi] = malloc((size_t)c->n_units * sizeof(double))))
			return err_set(ERR_NOMEM, "out of memory");
		for (int i = 0; i < c->n_units; i++)
			ind->columns[pi][i] = NAN;
	}
	if (seq > 0 && isnan(ind->columns[pi][slot]) != isnan(value))
		ind->presence_seq = seq;
	ind->columns[pi][slot] = value;
	if (seq > 0)
		ind->column_seq[pi] = seq;
	return 0;
}

/* Reloads the approved values of indicator index k. */
static int values_reload(rollup_cache *c, int k, db_conn *db)
{
	rollup_indicator *ind = &c->indicators[k];
	db_stmt *s;
	int rc;
	for (int p = 0; p < ind->n_columns; p++) {
		free(ind->columns[p]);
		ind->columns[p] = NULL;
	}
	if ((rc = db_prepare(&s, db,
		     "SELECT indicator_id, unit_id, period, value FROM indicator_value "
		     "WHERE indicator_id = ? AND status = 'approved'")) < 0)
		return rc;
	db_bind_int64(s, 1, ind->id);
	while ((rc = db_step(s)) == DB_ROW) {
		if (db_column_is_null(s, 3))
			continue;
		if ((rc = set_value(c, db_column_int64(s, 0), db_column_int64(s, 1), db_column_text(s, 2),
			     db_column_double(s, 3), 0)) < 0)
			break;
	}
	db_finalize(s);
	return rc;
}

static void columns_clear(rollup_cache *c)
{
	for (int k = 0; k < c->n_indicators; k++)
		for (int p = 0; p < c->indicators[k].n_columns; p++) {
			free(c->indicators[k].columns[p]);
			c->indicators[k].columns[p] = NULL;
		}
}

static int expected_count(rollup_cache *c);

static int load_all(rollup_cache *c, db_conn *db)
{
	int64_t seq;
	int rc;
	columns_clear(c);
	if ((rc = db_run(db, &seq, "SELECT COALESCE(MAX(seq), 0) FROM data_change", "")) < 0 ||
	    (rc = units_reload(c, db)) < 0 || (rc = indicators_reload(c, db)) < 0)
		return rc;
	/* one indicator at a time: a client that holds a whole result (libpq)
	 * then holds one indicator's rows, not every approved value */
	for (int k = 0; k < c->n_indicators; k++)
		if ((rc = values_reload(c, k, db)) < 0)
			return rc;
	c->seq = c->structure_seq = seq;
	c->loaded = true;
	return expected_count(c);
}

int rollup_pause(db_conn *db)
{
	return db_exec(db, "INSERT INTO data_change_pause (since) VALUES ('bulk')");
}

int rollup_resume(db_conn *db, const char *indicators_sql)
{
	int rc;
	char sql[512];
	if (db_conn_kind(db) == DB_POSTGRES && (rc = db_exec(db, "SELECT pg_advisory_xact_lock(570058)")) < 0)
		return rc;
	if ((size_t)snprintf(sql, sizeof(sql), "INSERT INTO data_change (kind, indicator_id) SELECT 'values', x.id FROM (%s) AS x",
		    indicators_sql) >= sizeof(sql))
		return err_set(ERR_INVALID, "rollup_resume: the query is too long");
	if ((rc = db_exec(db, "DELETE FROM data_change_pause")) < 0)
		return rc;
	return db_run(db, NULL, sql, "");
}

/* ----------------------------------------------------- expected reporters */

#define KINDS_MAX 32

/* Whether kind is one of the comma-separated list. */
static bool kind_listed(const char *list, const char *kind)
{
	size_t n = strlen(kind);
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, kind, n) == 0)
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

/* The units' kinds as small numbers (names in names[], at most
 * KINDS_MAX; a kind beyond that shares the last number). */
static int kinds_number(int *kind_of, const char **names, const rollup_cache *c)
{
	int n = 0;
	for (int i = 0; i < c->n_units; i++) {
		int k = 0;
		while (k < n && strcmp(names[k], c->units[i].kind) != 0)
			k++;
		if (k == n && n < KINDS_MAX)
			names[n++] = c->units[i].kind;
		kind_of[i] = k < KINDS_MAX ? k : KINDS_MAX - 1;
	}
	return n;
}

/* Which kinds are expected to report indicator ind: its report_kinds, or
 * the kinds of the units with an approved value of it. */
static void kinds_expected(bool *out, const rollup_indicator *ind, const int *kind_of, const char **names, int n_kinds,
	int n_units)
{
	for (int k = 0; k < n_kinds; k++)
		out[k] = ind->report_kinds && kind_listed(ind->report_kinds, names[k]);
	if (ind->report_kinds)
		return;
	for (int p = 0; p < ind->n_columns; p++)
		for (int i = 0; ind->columns[p] && i < n_units; i++)
			if (!isnan(ind->columns[p][i]))
				out[kind_of[i]] = true;
}

/* Counts, for every indicator whose units, kinds or (without
 * report_kinds) approved values changed since last counted, the expected
 * reporters before each slot. */
static int expected_count(rollup_cache *c)
{
	int *kind_of = NULL, n_kinds = 0;
	bool *leaf = NULL;
	const char *names[KINDS_MAX];
	bool expected[KINDS_MAX];
	for (int k = 0; k < c->n_indicators; k++) {
		rollup_indicator *ind = &c->indicators[k];
		if (ind->expected_before && ind->expected_seq >= c->structure_seq &&
		    (ind->report_kinds || ind->expected_seq >= ind->presence_seq))
			continue;
		if (!kind_of) {
			kind_of = malloc((size_t)(c->n_units ? c->n_units : 1) * sizeof(int));
			leaf = malloc((size_t)(c->n_units ? c->n_units : 1) * sizeof(bool));
			if (!kind_of || !leaf) {
				free(kind_of);
				free(leaf);
				return err_set(ERR_NOMEM, "out of memory");
			}
			n_kinds = kinds_number(kind_of, names, c);
		}
		int *before = realloc(ind->expected_before, (size_t)(c->n_units + 1) * sizeof(int));
		if (!before) {
			free(kind_of);
			free(leaf);
			return err_set(ERR_NOMEM, "out of memory");
		}
		ind->expected_before = before;
		kinds_expected(expected, ind, kind_of, names, n_kinds, c->n_units);
		/* first every unit of an expected kind; then only those with
		 * none below them: a unit above others that report is covered
		 * by them (or by its own figure, which covers them all) */
		before[0] = 0;
		for (int i = 0; i < c->n_units; i++)
			before[i + 1] = before[i] + (c->units[i].active && expected[kind_of[i]]);
		for (int i = 0; i < c->n_units; i++)
			leaf[i] = before[i + 1] > before[i] && before[c->units[i].end] == before[i + 1];
		for (int i = 0; i < c->n_units; i++)
			before[i + 1] = before[i] + leaf[i];
		ind->expected_seq = c->seq;
	}
	free(kind_of);
	free(leaf);
	return 0;
}

/* ---------------------------------------------------------------- refresh */


/* Reads the entries after c->seq into a malloc'd array. */
int rollup__changes_read(change **out, int *n_out, rollup_cache *c, db_conn *db)
{
	db_stmt *s;
	int rc, n = 0, cap = 0;
	change *list = NULL;
	if ((rc = db_prepare(&s, db,
		     "SELECT seq, kind, indicator_id, unit_id, period, value, approved FROM data_change "
		     "WHERE seq > ? ORDER BY seq")) < 0)
		return rc;
	if ((rc = db_bind_int64(s, 1, c->seq)) < 0)
		goto done;
	while ((rc = db_step(s)) == DB_ROW) {
		if ((rc = grow_for_one((void **)&list, &cap, n, sizeof(*list), 64)) < 0)
			break;
		change *ch = &list[n++];
		const char *kind = db_column_text(s, 1), *code = db_column_text(s, 4);
		ch->seq = db_column_int64(s, 0);
		ch->kind = !kind ? 'i' : strcmp(kind, "value") == 0 ? 'v' : strcmp(kind, "values") == 0 ? 'V' :
			strcmp(kind, "unit") == 0 ? 'u' : 'i';
		ch->indicator_id = db_column_int64(s, 2);
		ch->unit_id = db_column_int64(s, 3);
		snprintf(ch->period, sizeof(ch->period), "%s", code ? code : "");
		ch->value = db_column_int64(s, 6) && !db_column_is_null(s, 5) ? db_column_double(s, 5) : NAN;
	}
done:
	db_finalize(s);
	if (rc < 0) {
		free(list);
		return rc;
	}
	*out = list;
	*n_out = n;
	return 0;
}

/* Reloads the units and the indicators when the entries list[0..n) changed
 * them; *changed tells. */
int rollup__structure_apply(bool *changed, rollup_cache *c, db_conn *db, const change *list, int n)
{
	bool units = false, indicators = false;
	int rc = 0;
	for (int i = 0; i < n; i++) {
		units |= list[i].kind == 'u';
		indicators |= list[i].kind == 'i';
	}
	*changed = units || indicators;
	if (units && (rc = units_reload(c, db)) < 0)
		return rc;
	return indicators ? indicators_reload(c, db) : 0;
}

/* Applies the value entries list[0..n) in the order they were logged. An
 * indicator loaded in the background (loaded[k].wanted) already holds
 * what its entries up to loaded[k].seq say. */
int rollup__values_apply(rollup_cache *c, db_conn *db, const change *list, int n, const rollup_fresh *loaded)
{
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		int k = list[i].kind == 'v' || list[i].kind == 'V' ?
			rollup__indicator_at(c->indicators, c->n_indicators, list[i].indicator_id) : -1;
		if (k < 0)
			continue;
		if (loaded && loaded[k].wanted && list[i].seq <= loaded[k].seq)
			continue;
		if (list[i].kind == 'v' && isnan(list[i].value) && i + 1 < n && list[i + 1].kind == 'v' &&
		    list[i + 1].indicator_id == list[i].indicator_id && list[i + 1].unit_id == list[i].unit_id &&
		    strcmp(list[i + 1].period, list[i].period) == 0)
			continue;   /* an update logs the old value's withdrawal, then the new value */
		if (list[i].kind == 'v')
			rc = set_value(c, list[i].indicator_id, list[i].unit_id, list[i].period, list[i].value, list[i].seq);
		else {
			rc = values_reload(c, k, db);
			c->indicators[k].reload_seq = c->indicators[k].presence_seq = list[i].seq;
		}
		c->indicators[k].values_seq = list[i].seq;
	}
	return rc;
}

/* After entries up to seq were applied: the versions, the expected
 * reporters. */
int rollup__applied(rollup_cache *c, int64_t seq, bool structure)
{
	c->seq = seq;
	if (structure)
		c->structure_seq = seq;
	return expected_count(c);
}


/* Applies the new entries: structure first (units, indicators), then the
 * values in the order they were logged. With a background loader, from
 * the first bulk entry on they are left to it. */
static int changes_apply(rollup_cache *c, db_conn *db)
{
	change *list;
	int n, rc, n_periods = c->n_periods;
	bool structure;
	if ((rc = rollup__changes_read(&list, &n, c, db)) < 0)
		return rc;
	int upto = n;
	for (int i = 0; c->loader_url && i < n && upto == n; i++)
		if (list[i].kind == 'V')
			upto = i;
	if (upto < n && c->load_failed_at && time(NULL) - c->load_failed_at < 5)
		upto = n;   /* the loader failed a moment ago: load here */
	if (upto > 0 && (rc = rollup__structure_apply(&structure, c, db, list, upto)) == 0 &&
	    (rc = rollup__values_apply(c, db, list, upto, NULL)) == 0)
		rc = rollup__applied(c, list[upto - 1].seq, structure || c->n_periods != n_periods);
	if (rc == 0 && upto < n && !rollup__loader_start(c) && (rc = rollup__structure_apply(&structure, c, db, list + upto, n - upto)) == 0 &&
	    (rc = rollup__values_apply(c, db, list + upto, n - upto, NULL)) == 0)
		rc = rollup__applied(c, list[n - 1].seq, structure || c->n_periods != n_periods);
	free(list);
	return rc;
}

/* ---------------------------------------------------------------- opening */

/* The last entry applied; -1 before the first load, -2 while the loader
 * works (its news are its own). */
static int64_t seen_seq(rollup_cache *c)
{
	pthread_rwlock_rdlock(&c->lock);
	int64_t seq = !c->loaded ? -1 : c->loading ? -2 : c->seq;
	pthread_rwlock_unlock(&c->lock);
	return seq;
}

static bool has_news(rollup_cache *c, db_conn *db, int *rc)
{
	int64_t seq = seen_seq(c), found = 0;
	if (seq < 0)
		return seq == -1;
	*rc = db_run(db, &found, "SELECT seq FROM data_change WHERE seq > ? ORDER BY seq LIMIT 1", "i", seq);
	return *rc == 0 && found > 0;
}

int rollup_open(rollup_view *v, rollup_cache *c, db_conn *db)
{
	int rc = 0;
	memset(v, 0, sizeof(*v));
	if (has_news(c, db, &rc)) {
		pthread_rwlock_wrlock(&c->lock);
		if (!c->loading)
			rc = c->loaded ? changes_apply(c, db) : load_all(c, db);
		pthread_rwlock_unlock(&c->lock);
	}
	if (c->loader_url)
		rollup__loader_wait(c);
	if (rc < 0)
		return rc;
	pthread_rwlock_rdlock(&c->lock);
	v->cache = c;
	v->seq = c->seq;
	v->structure_seq = c->structure_seq;
	v->n_units = c->n_units;
	v->units = c->units;
	v->n_indicators = c->n_indicators;
	v->indicators = c->indicators;
	v->n_periods = c->n_periods;
	v->periods = c->periods;
	v->period_order = c->period_order;
	v->updating = c->loading;
	return 0;
}

void rollup_close(rollup_view *v)
{
	if (v->cache)
		pthread_rwlock_unlock(&v->cache->lock);
	v->cache = NULL;
}
