/* dashboard: overview, indicator page, unit scorecard and raw roll-ups,
 * built from one rollup_view per request (see dashboard.h). */
#include "domain/dashboards/dashboard.h"
#include "domain/dashboards/dashboard_internal.h"
#include "analytics/forecast.h"
#include "domain/programme/indicator.h"
#include "domain/programme/task.h"
#include "util/err.h"
#include "util/json.h"
#include "util/time.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TREND_POINTS 8
#define BAND_STEPS_MAX 120
#define BAND_Z 1.2815515655446004   /* 80 % two-sided */

/* ------------------------------------------------------------------ helpers */

/* A figure for the answer: 12 significant digits (a roll-up's binary
 * noise dropped; json_round_significant), null when there is none. */
static json_t *number_or_null(double x)
{
	return isfinite(x) ? json_real(json_round_significant(x, 12)) : json_null();
}

/* A period's end as a year with decimals on an even calendar (the end of
 * 2025Q1 is 2025.25, of 2025 is 2026), so that periods of one kind are
 * equally spaced. */
static double years_of(const rollup_period *rp)
{
	const period *p = &rp->p;
	switch (p->kind) {
	case PERIOD_YEAR: return p->year + 1.0;
	case PERIOD_HALF: return p->year + p->n / 2.0;
	case PERIOD_QUARTER: return p->year + p->n / 4.0;
	default: return p->year + p->n / 12.0;
	}
}

static int make_period(rollup_period *out, const char *code)
{
	int rc;
	memset(out, 0, sizeof(*out));
	if ((rc = period_parse(&out->p, code, strlen(code))) < 0)
		return err_set(ERR_INVALID, "'period': %s", err_msg());
	period_format(&out->p, out->code);
	out->first_day = date_to_days(period_start(&out->p));
	out->last_day = date_to_days(period_end(&out->p));
	return 0;
}

static bool has_column(const rollup_view *v, int pi)
{
	for (int k = 0; k < v->n_indicators; k++)
		if (pi < v->indicators[k].n_columns && v->indicators[k].columns[pi])
			return true;
	return false;
}

/* Whether an indicator the page shows has a complete figure over slot
 * for period pi. */
static bool complete_figure(const rollup_view *v, int slot, int pi, const dashboard_query *q)
{
	for (int k = 0; k < v->n_indicators; k++) {
		const rollup_indicator *I = &v->indicators[k];
		int expected, approved;
		if (!(q->all_indicators || I->public) || (q->document_id && I->document_id != q->document_id) ||
		    isnan(rollup_value(v, k, slot, pi, NULL)))
			continue;
		approved = rollup_completeness(v, k, slot, pi, &expected);
		if (rollup_complete(v, k, approved, expected))
			return true;
	}
	return false;
}

/* The selected period: q->period, else the latest one in which some
 * indicator has a complete figure over slot (else the latest with
 * figures); *newest: the latest with figures when it is newer (periods
 * still being gathered), else NULL. */
static int resolve_period(rollup_period *out, const rollup_period **newest, const rollup_view *v, int slot,
	const dashboard_query *q, bool *none)
{
	const char *code = q->period;
	int first = -1;
	*none = false;
	*newest = NULL;
	if (code && *code)
		return make_period(out, code);
	for (int k = v->n_periods - 1; k >= 0; k--) {
		int pi = v->period_order[k];
		if (v->periods[pi].p.kind == PERIOD_CUMULATIVE || !has_column(v, pi))
			continue;
		if (first < 0)
			first = pi;
		if (complete_figure(v, slot, pi, q)) {
			*out = v->periods[pi];
			if (first != pi && v->periods[first].last_day > out->last_day)
				*newest = &v->periods[first];
			return 0;
		}
	}
	if (first >= 0) {
		*out = v->periods[first];
		return 0;
	}
	*none = true;
	memset(out, 0, sizeof(*out));
	return 0;
}

/* The unit's slot: unit_id, else the only root, else -1 (all roots). */
static int resolve_unit(int *slot, const rollup_view *v, int64_t unit_id)
{
	if (!unit_id) {
		*slot = v->n_units > 0 && v->units[0].end == v->n_units ? 0 : -1;
		return 0;
	}
	if ((*slot = rollup_unit_slot(v, unit_id)) < 0)
		return err_set(ERR_NOTFOUND, "no unit with id %lld", (long long)unit_id);
	return 0;
}

static json_t *unit_json(const rollup_view *v, int slot)
{
	if (slot < 0)
		return json_pack("{s:n, s:n, s:s, s:s}", "id", "code", "name", "Tất cả đơn vị", "kind", "all");
	const rollup_unit *u = &v->units[slot];
	return json_pack("{s:I, s:s?, s:s, s:s}", "id", (json_int_t)u->id, "code", u->code, "name", u->name, "kind", u->kind);
}

static void stamp(json_t *o, const rollup_view *v)
{
	char now[TIME_ISO_SIZE];
	time_now_iso(now);
	json_object_set_new(o, "as_of", json_string(now));
	json_object_set_new(o, "data_seq", json_integer(v->seq));
	if (v->updating)   /* the figures are those before a bulk change being loaded */
		json_object_set_new(o, "updating", json_true());
}

static forecast_direction direction_of(rollup_direction d)
{
	return d == DIR_DOWN ? FORECAST_DOWN : d == DIR_EXACT ? FORECAST_EXACT : FORECAST_UP;
}

static bool reached(double actual, double target, rollup_direction d)
{
	if (d == DIR_DOWN)
		return actual <= target;
	if (d == DIR_EXACT)
		return fabs(actual - target) <= 0.025 * (target != 0 ? fabs(target) : 1);
	return actual >= target;
}

static double percent_of_target(double actual, double target, rollup_direction d)
{
	if (!isfinite(actual) || !isfinite(target))
		return NAN;
	if (d == DIR_DOWN)
		return actual != 0 ? target / actual * 100 : NAN;
	if (d == DIR_EXACT)
		return target != 0 ? 100 * (1 - fabs(actual - target) / fabs(target)) : NAN;
	return target != 0 ? actual / target * 100 : NAN;
}

static bool visible(const rollup_indicator *I, const dashboard_query *q)
{
	return (q->all_indicators || I->public) && (!q->document_id || I->document_id == q->document_id);
}

/* ---------------------------------------------------------------- series */

/* The roll-up for every known period ending by `until` (NaN otherwise),
 * with its completeness. value holds complete figures only (the headline,
 * the trend and the forecast use nothing else); raw holds every figure. */
typedef struct series {
	double *value;   /* [n_periods] */
	double *raw;
	int *reporters;
	int *approved;   /* expected reporters covered by approved values */
	int *expected;
} series;

static void series_free(series *s)
{
	free(s->value);
	free(s->raw);
	free(s->reporters);
	free(s->approved);
	free(s->expected);
}

static int series_fill(series *s, const rollup_view *v, int ind, int slot, long until)
{
	size_t n = (size_t)(v->n_periods ? v->n_periods : 1);
	s->value = malloc(n * sizeof(double));
	s->raw = malloc(n * sizeof(double));
	s->reporters = calloc(n, sizeof(int));
	s->approved = calloc(n, sizeof(int));
	s->expected = calloc(n, sizeof(int));
	if (!s->value || !s->raw || !s->reporters || !s->approved || !s->expected) {
		series_free(s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	int rc = rollup_series(v, ind, slot, until, s->value, s->reporters, s->approved, s->expected);
	if (rc < 0) {
		series_free(s);
		return rc;
	}
	for (int pi = 0; pi < v->n_periods; pi++) {
		s->raw[pi] = s->value[pi];
		if (!isnan(s->value[pi]) && !rollup_complete(v, ind, s->approved[pi], s->expected[pi]))
			s->value[pi] = NAN;
	}
	return 0;
}

/* The latest period with a figure not yet complete enough, ending after
 * the headline's (actual) and by `until`; -1 if none. */
static int latest_partial(const rollup_view *v, const series *s, int actual, long until)
{
	int best = -1;
	for (int pi = 0; pi < v->n_periods; pi++) {
		const rollup_period *p = &v->periods[pi];
		if (isnan(s->raw[pi]) || !isnan(s->value[pi]) || p->last_day > until || p->p.kind == PERIOD_CUMULATIVE ||
		    (actual >= 0 && p->last_day <= v->periods[actual].last_day))
			continue;
		if (best < 0 || p->last_day > v->periods[best].last_day)
			best = pi;
	}
	return best;
}

static json_t *partial_json(const rollup_view *v, const series *s, int pi)
{
	if (pi < 0)
		return json_null();
	return json_pack("{s:s, s:f, s:i, s:i, s:i}", "period", v->periods[pi].code, "value", s->raw[pi], "reporters",
		s->reporters[pi], "approved", s->approved[pi], "expected", s->expected[pi]);
}

/* The period kind with the most figures (cumulative periods excluded);
 * ties go to the longer kind. -1 when there are none. */
static int busiest_kind(const rollup_view *v, const double *value)
{
	int count[PERIOD_CUMULATIVE] = { 0 }, best = -1;
	for (int pi = 0; pi < v->n_periods; pi++)
		if (!isnan(value[pi]) && v->periods[pi].p.kind < PERIOD_CUMULATIVE)
			count[v->periods[pi].p.kind]++;
	for (int k = 0; k < PERIOD_CUMULATIVE; k++)
		if (count[k] > 0 && (best < 0 || count[k] > count[best]))
			best = k;
	return best;
}

/* Points of one kind in time order: period indices into idx[]. */
static int kind_points(int *idx, const rollup_view *v, const series *s, int kind)
{
	int n = 0;
	for (int k = 0; k < v->n_periods; k++) {
		int pi = v->period_order[k];
		if (v->periods[pi].p.kind == (period_kind)kind && !isnan(s->value[pi]) && n < FORECAST_MAX_POINTS)
			idx[n++] = pi;
	}
	return n;
}

/* The latest figure ending by `until`: same kind as `prefer` first on a
 * tie of end days, then the longer period. -1 if none. */
static int latest_figure(const rollup_view *v, const series *s, long until, int prefer)
{
	int best = -1;
	for (int pi = 0; pi < v->n_periods; pi++) {
		const rollup_period *p = &v->periods[pi];
		if (isnan(s->value[pi]) || p->last_day > until || p->p.kind == PERIOD_CUMULATIVE)
			continue;
		if (best < 0 || p->last_day > v->periods[best].last_day)
			best = pi;
		else if (p->last_day == v->periods[best].last_day) {
			bool same = (int)p->p.kind == prefer, best_same = (int)v->periods[best].p.kind == prefer;
			if ((same && !best_same) || (same == best_same && p->first_day < v->periods[best].first_day))
				best = pi;
		}
	}
	return best;
}

/* The unit's target to judge against: the first ending at or after day
 * `from`, else the last one. -1 if the unit has none. */
static int pick_target(const rollup_view *v, int ind, int slot, long from)
{
	const rollup_indicator *I = &v->indicators[ind];
	if (slot < 0)
		slot = v->n_units > 0 && v->units[0].end == v->n_units ? 0 : -1;
	if (slot < 0)
		return -1;
	int next = -1, last = -1;
	for (int t = 0; t < I->n_targets; t++) {
		if (I->targets[t].unit_id != v->units[slot].id)
			continue;
		const rollup_period *p = &v->periods[I->targets[t].period];
		if (p->last_day >= from && (next < 0 || p->last_day < v->periods[I->targets[next].period].last_day))
			next = t;
		if (last < 0 || p->last_day > v->periods[I->targets[last].period].last_day)
			last = t;
	}
	return next >= 0 ? next : last;
}

/* ------------------------------------------------------------------ tiles */

typedef struct judgement {
	forecast_model model;
	bool fitted;
	double forecast, se, probability;
	const char *method;
} judgement;

/* The forecast of the series' points of one kind. A page fits the same
 * points twice (its tile's judgement and its band): the thread's last fit
 * is reused when the points are the same. */
static int fit_kind(forecast_model *m, const rollup_view *v, const series *s, int kind)
{
	static _Thread_local int idx[FORECAST_MAX_POINTS];
	static _Thread_local struct {
		int n, rc;
		double t[FORECAST_MAX_POINTS], y[FORECAST_MAX_POINTS];
		forecast_model model;
	} last = { .n = -1 };
	double t[FORECAST_MAX_POINTS], y[FORECAST_MAX_POINTS];
	int n = kind >= 0 ? kind_points(idx, v, s, kind) : 0;
	for (int i = 0; i < n; i++) {
		t[i] = years_of(&v->periods[idx[i]]);
		y[i] = s->value[idx[i]];
	}
	if (n == last.n && memcmp(t, last.t, (size_t)n * sizeof(double)) == 0 &&
	    memcmp(y, last.y, (size_t)n * sizeof(double)) == 0) {
		*m = last.model;
		return last.rc;
	}
	int rc = forecast_fit(m, t, y, n);
	last.n = n;
	last.rc = rc;
	memcpy(last.t, t, (size_t)n * sizeof(double));
	memcpy(last.y, y, (size_t)n * sizeof(double));
	last.model = *m;
	return rc;
}

static int judge(judgement *j, const rollup_view *v, int ind, const series *s, int actual, const rollup_target *target,
	long until)
{
	const rollup_indicator *I = &v->indicators[ind];
	int rc;
	memset(j, 0, sizeof(*j));
	j->forecast = j->se = j->probability = NAN;
	j->method = "none";
	if (!target || actual < 0)
		return 0;
	const rollup_period *tp = &v->periods[target->period];
	if (tp->last_day <= until) {
		/* the target's period is over: the figure at its end decides */
		int at = latest_figure(v, s, tp->last_day, tp->p.kind);
		if (at >= 0) {
			j->probability = reached(s->value[at], target->value, I->direction) ? 1 : 0;
			j->method = "actual";
		}
		return 0;
	}
	if ((rc = fit_kind(&j->model, v, s, busiest_kind(v, s->value))) < 0)
		return rc;
	j->fitted = j->model.method != FORECAST_NONE;
	j->method = forecast_method_name(j->model.method);
	if (!j->fitted)
		return 0;
	forecast_predict(&j->model, years_of(tp), &j->forecast, &j->se);
	j->probability = forecast_probability(j->forecast, j->se, target->value, direction_of(I->direction));
	/* the chance is the unbounded forecast's; the figure shown stays within the hard bounds */
	forecast_clip(&j->forecast, NULL, NULL, I->bound_min, I->bound_max);
	return 0;
}

static json_t *trend_json(const rollup_view *v, const series *s)
{
	static _Thread_local int idx[FORECAST_MAX_POINTS];
	json_t *a = json_array();
	int n = kind_points(idx, v, s, busiest_kind(v, s->value));
	for (int i = n > TREND_POINTS ? n - TREND_POINTS : 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:f}", "period", v->periods[idx[i]].code, "value", s->value[idx[i]]));
	return a;
}

static json_t *indicator_head(const rollup_indicator *I)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:s, s:s, s:b}", "indicator_id", (json_int_t)I->id, "code", I->code,
		"name_vi", I->name_vi, "name_en", I->name_en, "measure", I->measure, "direction",
		indicator_directions[I->direction], "aggregation", indicator_aggregations[I->aggregation], "derived", I->derived);
	json_object_set_new(o, "baseline_value", number_or_null(I->baseline_value));
	json_object_set_new(o, "baseline_year", I->baseline_year ? json_integer(I->baseline_year) : json_null());
	return o;
}

static int tile_compute(json_t **out, const rollup_view *v, int ind, int slot, const rollup_period *P, bool newer);

/* One indicator's tile for the unit in slot as of period P (newer: also
 * the periods after P still being gathered); kept in the memo while the
 * figures it shows are unchanged. */
static int tile(json_t **out, const rollup_view *v, int ind, int slot, const rollup_period *P, bool newer)
{
	char key[96];
	int rc;
	int64_t version = rollup_indicator_version(v, ind);
	snprintf(key, sizeof(key), "tile|%lld|%d|%s|%d", (long long)v->indicators[ind].id, slot, P->code, newer);
	if ((*out = rollup_memo_get(v, key, version)))
		return 0;
	if ((rc = tile_compute(out, v, ind, slot, P, newer)) < 0)
		return rc;
	rollup_memo_put(v, key, version, *out);
	return 0;
}

static int tile_compute(json_t **out, const rollup_view *v, int ind, int slot, const rollup_period *P, bool newer)
{
	const rollup_indicator *I = &v->indicators[ind];
	series s;
	judgement j;
	int rc;
	long until = newer ? LONG_MAX : P->last_day;
	if ((rc = series_fill(&s, v, ind, slot, until)) < 0)
		return rc;
	int actual = latest_figure(v, &s, P->last_day, P->p.kind);
	int partial = latest_partial(v, &s, actual, until);
	int t = pick_target(v, ind, slot, actual >= 0 ? v->periods[actual].last_day : P->last_day);
	const rollup_target *target = t >= 0 ? &I->targets[t] : NULL;
	if ((rc = judge(&j, v, ind, &s, actual, target, P->last_day)) < 0) {
		series_free(&s);
		return rc;
	}
	double a = actual >= 0 ? s.value[actual] : NAN, tv = target ? target->value : NAN;
	forecast_colour colour = forecast_colour_of(j.probability);
	json_t *o = indicator_head(I);
	json_object_set_new(o, "period", actual >= 0 ? json_string(v->periods[actual].code) : json_null());
	json_object_set_new(o, "actual", number_or_null(a));
	json_object_set_new(o, "reporters", json_integer(actual >= 0 ? s.reporters[actual] : 0));
	json_object_set_new(o, "approved", json_integer(actual >= 0 ? s.approved[actual] : 0));
	json_object_set_new(o, "expected", json_integer(actual >= 0 ? s.expected[actual] : 0));
	json_object_set_new(o, "threshold", json_real(I->threshold));
	json_object_set_new(o, "partial", partial_json(v, &s, partial));
	json_object_set_new(o, "target", number_or_null(tv));
	json_object_set_new(o, "target_period", target ? json_string(v->periods[target->period].code) : json_null());
	json_object_set_new(o, "percent_of_target", number_or_null(percent_of_target(a, tv, I->direction)));
	json_object_set_new(o, "achieved", isfinite(a) && isfinite(tv) ? json_boolean(reached(a, tv, I->direction)) : json_null());
	json_object_set_new(o, "forecast", number_or_null(j.forecast));
	json_object_set_new(o, "probability", number_or_null(j.probability));
	json_object_set_new(o, "method", json_string(j.method));
	json_object_set_new(o, "colour", json_string(forecast_colour_name(colour)));
	json_object_set_new(o, "colour_vi", json_string(forecast_colour_vi(colour)));
	json_object_set_new(o, "trend", trend_json(v, &s));
	series_free(&s);
	*out = o;
	return 0;
}

static int tiles(json_t **out, const rollup_view *v, int slot, const rollup_period *P, bool newer, const dashboard_query *q)
{
	json_t *list = json_array(), *t;
	int rc;
	for (int k = 0; k < v->n_indicators; k++) {
		if (!visible(&v->indicators[k], q))
			continue;
		if ((rc = tile(&t, v, k, slot, P, newer)) < 0) {
			json_decref(list);
			return rc;
		}
		json_array_append_new(list, t);
	}
	*out = list;
	return 0;
}

static json_t *colour_counts(const json_t *list)
{
	json_t *c = json_pack("{s:i, s:i, s:i, s:i}", "green", 0, "yellow", 0, "red", 0, "grey", 0);
	size_t i;
	json_t *t;
	json_array_foreach(list, i, t) {
		const char *name = json_string_value(json_object_get(t, "colour"));
		json_t *n = name ? json_object_get(c, name) : NULL;
		if (n)
			json_integer_set(n, json_integer_value(n) + 1);
	}
	return c;
}

/* --------------------------------------------------------------- answers */

typedef struct page {
	rollup_view v;
	int slot;
	rollup_period P;
	bool no_period;
	bool latest;                   /* P was not asked for: tiles also show newer partial figures */
	const rollup_period *newest;   /* a newer period still being gathered, or NULL */
} page;

static int page_open(page *pg, rollup_cache *cache, db_conn *db, const dashboard_query *q)
{
	int rc;
	if ((rc = rollup_open(&pg->v, cache, db)) < 0)
		return rc;
	pg->latest = !q->period || !*q->period;
	if ((rc = resolve_unit(&pg->slot, &pg->v, q->unit_id)) < 0 ||
	    (rc = resolve_period(&pg->P, &pg->newest, &pg->v, pg->slot, q, &pg->no_period)) < 0)
		rollup_close(&pg->v);
	return rc;
}

static json_t *page_head(const page *pg)
{
	json_t *o = json_object();
	stamp(o, &pg->v);
	json_object_set_new(o, "unit", unit_json(&pg->v, pg->slot));
	json_object_set_new(o, "period", pg->no_period ? json_null() : json_string(pg->P.code));
	json_object_set_new(o, "period_in_progress", pg->newest ? json_string(pg->newest->code) : json_null());
	return o;
}

/* The page's head and its indicator tiles (only those with a figure or a
 * target when concerned_only), with the colours counted; *day: the day
 * the tasks are judged on. */
static int tiles_page(json_t **out, date_ymd *day, rollup_cache *cache, db_conn *db, const dashboard_query *q, bool concerned_only)
{
	page pg;
	json_t *list;
	int rc;
	if ((rc = page_open(&pg, cache, db, q)) < 0)
		return rc;
	json_t *o = page_head(&pg);
	if (pg.no_period)
		list = json_array();
	else if ((rc = tiles(&list, &pg.v, pg.slot, &pg.P, pg.latest, q)) < 0) {
		rollup_close(&pg.v);
		json_decref(o);
		return rc;
	}
	rollup_close(&pg.v);
	for (size_t i = json_array_size(list); concerned_only && i-- > 0;) {
		json_t *t = json_array_get(list, i);
		if (json_is_null(json_object_get(t, "actual")) && json_is_null(json_object_get(t, "target")))
			json_array_remove(list, i);
	}
	json_object_set_new(o, "indicators", list);
	json_object_set_new(o, "indicator_colours", colour_counts(list));
	*day = q->today;   /* one clock: the figures' period never moves the tasks' day */
	*out = o;
	return 0;
}

int dashboard_overview(json_t **out, rollup_cache *cache, db_conn *db, const dashboard_query *q, bool tasks_visible)
{
	json_t *o;
	date_ymd day;
	int rc;
	if ((rc = tiles_page(&o, &day, cache, db, q, false)) < 0)
		return rc;
	if (tasks_visible && (rc = dashboard__task_part(o, db, q, q->unit_id, day, true, false)) < 0) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

int dashboard_unit(json_t **out, rollup_cache *cache, db_conn *db, const dashboard_query *q)
{
	json_t *o;
	date_ymd day;
	int rc;
	if (!q->unit_id)
		return err_set(ERR_INVALID, "'unit_id' is required");
	/* a scorecard shows what concerns the unit: figures or targets */
	if ((rc = tiles_page(&o, &day, cache, db, q, true)) < 0)
		return rc;
	if ((rc = dashboard__task_part(o, db, q, q->unit_id, day, false, true)) < 0) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

/* Whether any unit reported ind (or, when derived, each of its inputs)
 * for period pi. */
static bool has_figures(const rollup_view *v, int ind, int pi, int depth)
{
	const rollup_indicator *I = &v->indicators[ind];
	if (!I->derived)
		return pi < I->n_columns && I->columns[pi];
	for (int k = 0; k < I->formula.n_vars; k++)
		if (depth > 16 || I->operand[k] < 0 || !has_figures(v, I->operand[k], pi, depth + 1))
			return false;
	return true;
}

/* Periods of `kind` within [from, to] that have a figure for ind at any
 * unit, in time order. */
static int page_periods(int *idx, const rollup_view *v, int ind, int kind, const rollup_period *from, const rollup_period *to)
{
	int n = 0;
	for (int k = 0; k < v->n_periods; k++) {
		int pi = v->period_order[k];
		const rollup_period *p = &v->periods[pi];
		if ((int)p->p.kind != kind || (from && p->last_day < from->first_day) || (to && p->first_day > to->last_day))
			continue;
		if (has_figures(v, ind, pi, 0) && n < FORECAST_MAX_POINTS)
			idx[n++] = pi;
	}
	return n;
}

static int parse_kind(const char *name)
{
	for (int k = PERIOD_YEAR; k <= PERIOD_CUMULATIVE; k++)
		if (name && strcmp(name, period_kind_name((period_kind)k)) == 0)
			return k;
	return -1;
}

/* The children of slot (the roots for -1). */
static int children_of(int *out, const rollup_view *v, int slot)
{
	int n = 0, a = slot < 0 ? 0 : slot + 1, b = slot < 0 ? v->n_units : v->units[slot].end;
	for (int pos = a; pos < b; pos = v->units[pos].end)
		out[n++] = pos;
	return n;
}

/* A figure as the answers give it (number_or_null), written to s. */
static void figure_text(str *s, double x)
{
	json_append_number(s, isfinite(x) ? json_round_significant(x, 12) : NAN);
}

/* Each child's figures for the periods idx[0..n) and, as "latest", its
 * figure for the one period at (every child the same period; -1: none),
 * with how many of its expected reporters it covers: a JSON array
 * written to out (a province's page holds thousands of figures), and
 * each child's latest figure by code into by_code. */
static void breakdown_text(str *out, json_t *by_code, const rollup_view *v, int ind, int slot, const int *idx, int n, int at)
{
	int *kids = malloc((size_t)(v->n_units ? v->n_units : 1) * sizeof(int));
	int nk = kids ? children_of(kids, v, slot) : 0;
	bool first = true;
	if (!kids)
		out->oom = true;
	str_appendc(out, '[');
	for (int c = 0; c < nk; c++) {
		const rollup_unit *u = &v->units[kids[c]];
		int reporters = 0, expected = 0, approved = 0;
		double latest = at >= 0 ? rollup_value(v, ind, kids[c], at, &reporters) : NAN;
		if (at >= 0)
			approved = rollup_completeness(v, ind, kids[c], at, &expected);
		if (!u->active && isnan(latest))
			continue;
		str_append(out, first ? "{\"unit_id\":" : ",{\"unit_id\":");
		first = false;
		str_appendf(out, "%lld,\"code\":", (long long)u->id);
		if (u->code)
			str_append_json(out, u->code);
		else
			str_append(out, "null");
		str_append(out, ",\"name\":");
		str_append_json(out, u->name);
		str_append(out, ",\"kind\":");
		str_append_json(out, u->kind);
		str_append(out, ",\"latest\":");
		figure_text(out, latest);
		str_appendf(out, ",\"reporters\":%d,\"approved\":%d,\"expected\":%d,\"values\":[", reporters, approved, expected);
		for (int i = 0; i < n; i++) {
			if (i > 0)
				str_appendc(out, ',');
			figure_text(out, rollup_value(v, ind, kids[c], idx[i], NULL));
		}
		str_append(out, "]}");
		if (by_code && u->code && at >= 0)
			json_object_set_new(by_code, u->code, number_or_null(latest));
	}
	str_appendc(out, ']');
	free(kids);
}

/* The same as a JSON array. */
static json_t *breakdown(const rollup_view *v, int ind, int slot, const int *idx, int n, int at)
{
	str s = STR_INIT;
	json_t *list = NULL;
	breakdown_text(&s, NULL, v, ind, slot, idx, n, at);
	if (str_oom(&s) || json_parse(&list, s.ptr, s.len) < 0)
		list = json_array();
	str_free(&s);
	return list;
}

/* The forecast from the last figure to the unit's last target, step by
 * step in the series' kind, with an 80 % band. */
static json_t *band(const rollup_view *v, int ind, int slot, const series *s, int kind, const int *idx, int n)
{
	forecast_model m;
	json_t *o = json_object(), *points = json_array();
	int last_target = pick_target(v, ind, slot, LONG_MAX);
	if (n == 0 || fit_kind(&m, v, s, kind) < 0 || m.method == FORECAST_NONE || last_target < 0) {
		json_object_set_new(o, "method", json_string("none"));
		json_object_set_new(o, "points", points);
		return o;
	}
	long until = v->periods[v->indicators[ind].targets[last_target].period].last_day;
	period p = v->periods[idx[n - 1]].p;
	for (int step = 0; step < BAND_STEPS_MAX; step++) {
		p = period_next(&p);
		rollup_period rp;
		char code[16];
		period_format(&p, code);
		if (make_period(&rp, code) < 0 || rp.first_day > until)
			break;
		double value, se;
		forecast_predict(&m, years_of(&rp), &value, &se);
		double low = value - BAND_Z * se, high = value + BAND_Z * se;
		forecast_clip(&value, &low, &high, v->indicators[ind].bound_min, v->indicators[ind].bound_max);
		json_array_append_new(points, json_pack("{s:s, s:o, s:o, s:o}", "period", rp.code, "value", number_or_null(value),
			"low", number_or_null(low), "high", number_or_null(high)));
	}
	json_object_set_new(o, "method", json_string(forecast_method_name(m.method)));
	json_object_set_new(o, "points", points);
	return o;
}

static json_t *targets_json(const rollup_view *v, int ind, int slot)
{
	const rollup_indicator *I = &v->indicators[ind];
	json_t *list = json_array();
	if (slot < 0)
		slot = v->n_units > 0 && v->units[0].end == v->n_units ? 0 : -1;
	for (int t = 0; slot >= 0 && t < I->n_targets; t++)
		if (I->targets[t].unit_id == v->units[slot].id)
			json_array_append_new(list, json_pack("{s:s, s:f}", "period", v->periods[I->targets[t].period].code, "value",
				I->targets[t].value));
	return list;
}

/* The page after its head into o, but for the breakdown by child unit,
 * written as a JSON array to children. */
static int indicator_page(json_t *o, str *children, const rollup_view *v, int ind, int slot, const rollup_period *P,
	bool no_period, bool latest, const dashboard_query *q)
{
	static _Thread_local int idx[FORECAST_MAX_POINTS];
	rollup_period from, to;
	series s;
	int rc, kind = parse_kind(q->kind);
	if (q->kind && kind < 0)
		return err_set(ERR_INVALID, "'kind': one of year, half, quarter, month, cumulative");
	if ((q->from && (rc = make_period(&from, q->from)) < 0) || (q->to && (rc = make_period(&to, q->to)) < 0))
		return rc;
	if ((rc = series_fill(&s, v, ind, slot, LONG_MAX)) < 0)
		return rc;
	if (kind < 0 && (kind = busiest_kind(v, s.raw)) < 0)
		kind = PERIOD_YEAR;
	int n = page_periods(idx, v, ind, kind, q->from ? &from : NULL, q->to ? &to : NULL);
	json_t *rows = json_array();
	for (int i = 0; i < n; i++) {
		int pi = idx[i];
		int expected = 0, approved = isnan(s.raw[pi]) ? rollup_completeness(v, ind, slot, pi, &expected) : s.approved[pi];
		if (!isnan(s.raw[pi]))
			expected = s.expected[pi];
		json_array_append_new(rows, json_pack("{s:s, s:o, s:i, s:i, s:i, s:b, s:o}", "period", v->periods[pi].code,
			"value", number_or_null(s.raw[pi]), "reporters", s.reporters[pi], "approved", approved, "expected", expected,
			"complete", !isnan(s.value[pi]), "target", number_or_null(rollup_target_value(v, ind, slot, pi))));
	}
	json_object_set_new(o, "kind", json_string(period_kind_name((period_kind)kind)));
	json_object_set_new(o, "series", rows);
	json_object_set_new(o, "targets", targets_json(v, ind, slot));
	/* the band starts from the last complete figure */
	int n_complete = n;
	while (n_complete > 0 && isnan(s.value[idx[n_complete - 1]]))
		n_complete--;
	json_object_set_new(o, "forecast", band(v, ind, slot, &s, kind, idx, n_complete));
	series_free(&s);
	/* the breakdown by unit shows one period: the headline's, else the
	 * page's last */
	json_t *t = NULL;
	int at = n > 0 ? idx[n - 1] : -1;
	if (!no_period) {
		if ((rc = tile(&t, v, ind, slot, P, latest)) < 0)
			return rc;
		const char *code = json_string_value(json_object_get(t, "period"));
		if (code)
			at = rollup_period_index(v, code);
		json_object_set_new(o, "tile", t);
	}
	json_t *by_code = json_object();
	breakdown_text(children, by_code, v, ind, slot, idx, n, at);
	json_object_set_new(o, "map", json_pack("{s:o, s:o}", "period", at >= 0 ? json_string(v->periods[at].code) : json_null(),
		"values", by_code));
	return 0;
}

/* The indicator page after its head as JSON text without the braces,
 * kept under the page's key while the indicator's figures are unchanged. */
static int page_body(json_t **text, const page *pg, int ind, const dashboard_query *q)
{
	char key[256];
	int rc, n = snprintf(key, sizeof(key), "page|%lld|%d|%s|%s|%s|%s|%d|%d",
		(long long)pg->v.indicators[ind].id, pg->slot, q->kind ? q->kind : "", q->from ? q->from : "", q->to ? q->to : "",
		pg->no_period ? "" : pg->P.code, pg->latest, pg->no_period);
	bool keep = n > 0 && (size_t)n < sizeof(key);
	int64_t version = rollup_indicator_version(&pg->v, ind);
	if (keep && (*text = rollup_memo_text_get(&pg->v, key, version)))
		return 0;
	json_t *o = json_object();
	str children = STR_INIT, s = STR_INIT;
	if ((rc = indicator_page(o, &children, &pg->v, ind, pg->slot, &pg->P, pg->no_period, pg->latest, q)) < 0) {
		json_decref(o);
		str_free(&children);
		return rc;
	}
	json_append(&s, o);
	json_decref(o);
	if (s.len >= 2) {   /* {...} less its braces, then the breakdown */
		memmove(s.ptr, s.ptr + 1, s.len - 2);
		s.len -= 2;
		str_append(&s, s.len > 0 ? ",\"breakdown\":" : "\"breakdown\":");
		str_appendn(&s, children.ptr, children.len);
	}
	bool oom = str_oom(&s) || str_oom(&children) || s.len < 2;
	str_free(&children);
	if (oom) {
		str_free(&s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	*text = json_stringn(s.ptr, s.len);
	str_free(&s);
	if (!*text)
		return err_set(ERR_NOMEM, "out of memory");
	if (keep)
		rollup_memo_text_put(&pg->v, key, version, *text);
	return 0;
}

int dashboard_indicator_text(str *out, rollup_cache *cache, db_conn *db, int64_t indicator_id, const dashboard_query *q)
{
	page pg;
	json_t *body = NULL;
	int rc;
	if ((rc = page_open(&pg, cache, db, q)) < 0)
		return rc;
	int ind = rollup_indicator_index(&pg.v, indicator_id);
	if (ind < 0 || !visible(&pg.v.indicators[ind], &(dashboard_query){ .all_indicators = q->all_indicators })) {
		rollup_close(&pg.v);
		return err_set(ERR_NOTFOUND, "no indicator with id %lld", (long long)indicator_id);
	}
	json_t *head = page_head(&pg);
	json_object_set_new(head, "indicator", indicator_head(&pg.v.indicators[ind]));
	rc = page_body(&body, &pg, ind, q);
	rollup_close(&pg.v);
	if (rc == 0) {
		size_t at = out->len;
		json_append(out, head);
		if (json_string_length(body) > 0 && out->len > at + 1) {
			out->len--;   /* the head's closing brace */
			str_appendc(out, ',');
			str_appendn(out, json_string_value(body), json_string_length(body));
			str_appendc(out, '}');
		}
		if (str_oom(out))
			rc = err_set(ERR_NOMEM, "out of memory");
	}
	json_decref(head);
	json_decref(body);
	return rc;
}

int dashboard_indicator(json_t **out, rollup_cache *cache, db_conn *db, int64_t indicator_id, const dashboard_query *q)
{
	str s = STR_INIT;
	int rc = dashboard_indicator_text(&s, cache, db, indicator_id, q);
	if (rc == 0)
		rc = json_parse(out, s.ptr, s.len);
	str_free(&s);
	return rc;
}

/* ---------------------------------------------------------------- roll-up */

/* The periods asked for: a comma-separated list, or from..to stepping
 * in from's kind. Unknown periods still get a row (with no figure). */
static int wanted_periods(rollup_period *out, int max, const char *list, const char *from, const char *to)
{
	int n = 0, rc;
	if (list && *list) {
		for (const char *p = list; *p && n < max;) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);
			char code[16];
			if (len == 0 || len >= sizeof(code))
				return err_set(ERR_INVALID, "'periods': '%.*s' is not a period", (int)len, p);
			memcpy(code, p, len);
			code[len] = '\0';
			if ((rc = make_period(&out[n++], code)) < 0)
				return rc;
			p += len + (comma ? 1 : 0);
		}
		return n;
	}
	if (!from || !to)
		return err_set(ERR_INVALID, "give 'periods' (a list) or 'from' and 'to'");
	rollup_period a, b;
	if ((rc = make_period(&a, from)) < 0 || (rc = make_period(&b, to)) < 0)
		return rc;
	if (a.p.kind != b.p.kind)
		return err_set(ERR_INVALID, "'from' and 'to' must be periods of the same kind");
	for (period p = a.p; n < max; p = period_next(&p)) {
		char code[16];
		period_format(&p, code);
		if ((rc = make_period(&out[n], code)) < 0)
			return rc;
		if (out[n].first_day > b.last_day)
			break;
		n++;
	}
	return n;
}

int dashboard_rollup(json_t **out, rollup_cache *cache, db_conn *db, int64_t indicator_id, const dashboard_query *q,
	const char *periods, bool by_children)
{
	static _Thread_local rollup_period wanted[FORECAST_MAX_POINTS];
	static _Thread_local int idx[FORECAST_MAX_POINTS];
	page pg;
	int rc, n = wanted_periods(wanted, FORECAST_MAX_POINTS, periods, q->from, q->to);
	if (n < 0)
		return n;
	if ((rc = page_open(&pg, cache, db, &(dashboard_query){ .unit_id = q->unit_id, .period = wanted[0].code })) < 0)
		return rc;
	const rollup_view *v = &pg.v;
	int ind = rollup_indicator_index(v, indicator_id);
	if (ind < 0 || !visible(&v->indicators[ind], &(dashboard_query){ .all_indicators = q->all_indicators })) {
		rollup_close(&pg.v);
		return err_set(ERR_NOTFOUND, "no indicator with id %lld", (long long)indicator_id);
	}
	json_t *o = page_head(&pg), *rows = json_array();
	json_object_del(o, "period");
	json_object_set_new(o, "indicator", indicator_head(&v->indicators[ind]));
	for (int i = 0; i < n; i++) {
		int reporters = 0, expected = 0;
		idx[i] = rollup_period_index(v, wanted[i].code);
		double x = rollup_value(v, ind, pg.slot, idx[i], &reporters);
		int approved = idx[i] >= 0 ? rollup_completeness(v, ind, pg.slot, idx[i], &expected) : 0;
		json_array_append_new(rows, json_pack("{s:s, s:o, s:i, s:i, s:i, s:b, s:o}", "period", wanted[i].code, "value",
			number_or_null(x), "reporters", reporters, "approved", approved, "expected", expected, "complete",
			!isnan(x) && rollup_complete(v, ind, approved, expected), "target",
			number_or_null(rollup_target_value(v, ind, pg.slot, idx[i]))));
	}
	json_object_set_new(o, "values", rows);
	if (by_children)
		json_object_set_new(o, "children", breakdown(v, ind, pg.slot, idx, n, n > 0 ? idx[n - 1] : -1));
	rollup_close(&pg.v);
	*out = o;
	return 0;
}
