/* rollup_memo: results computed from a view kept with the version of what
 * they came from (rollup.h): whole results (tiles) under a key, and
 * roll-up series by indicator, unit and period. */
#include "domain/dashboards/rollup.h"
#include "domain/dashboards/rollup_cache.h"
#include "util/err.h"

#include <math.h>
#include <stdlib.h>

/* The entry that last changed k's approved values, or its inputs' (its
 * weight's, its formula's): of period pi, or of any period when pi < 0. */
static int64_t inputs_version(const rollup_view *v, int k, int pi, int depth)
{
	const rollup_indicator *I = &v->indicators[k];
	int64_t version = pi < 0 ? I->values_seq : I->reload_seq;
	if (pi >= 0 && pi < I->n_columns && I->column_seq[pi] > version)
		version = I->column_seq[pi];
	if (depth > 16)
		return v->seq;   /* formulas are acyclic; a guard all the same */
	if (I->weight >= 0) {
		int64_t w = inputs_version(v, I->weight, pi, depth + 1);
		version = w > version ? w : version;
	}
	for (int i = 0; I->derived && i < I->formula.n_vars; i++)
		if (I->operand[i] >= 0) {
			int64_t o = inputs_version(v, I->operand[i], pi, depth + 1);
			version = o > version ? o : version;
		}
	return version;
}

int64_t rollup_figure_version(const rollup_view *v, int k, int pi)
{
	int64_t version = inputs_version(v, k, pi, 0);
	return version > v->structure_seq ? version : v->structure_seq;
}

int64_t rollup_indicator_version(const rollup_view *v, int k)
{
	int64_t version = inputs_version(v, k, -1, 0);
	return version > v->structure_seq ? version : v->structure_seq;
}

json_t *rollup_memo_get(const rollup_view *v, const char *key, int64_t version)
{
	rollup_cache *c = v->cache;
	json_t *found = NULL;
	pthread_mutex_lock(&c->memo_lock);
	json_t *kept = json_object_get(c->memo, key);
	if (kept && json_integer_value(json_array_get(kept, 0)) == version)
		found = json_incref(json_array_get(kept, 1));
	pthread_mutex_unlock(&c->memo_lock);
	return found;
}

void rollup_memo_put(const rollup_view *v, const char *key, int64_t version, json_t *value)
{
	rollup_cache *c = v->cache;
	pthread_mutex_lock(&c->memo_lock);
	json_t *kept = json_object_get(c->memo, key);
	if (!kept || json_integer_value(json_array_get(kept, 0)) < version) {
		if (!kept && json_object_size(c->memo) >= MEMO_MAX)
			json_object_clear(c->memo);
		json_object_set_new(c->memo, key, json_pack("[IO]", (json_int_t)version, value));
	}
	pthread_mutex_unlock(&c->memo_lock);
}

json_t *rollup_memo_text_get(const rollup_view *v, const char *key, int64_t version)
{
	rollup_cache *c = v->cache;
	json_t *found = NULL;
	pthread_mutex_lock(&c->memo_lock);
	json_t *kept = json_object_get(c->text_memo, key);
	if (kept && json_integer_value(json_array_get(kept, 0)) == version)
		found = json_incref(json_array_get(kept, 1));
	pthread_mutex_unlock(&c->memo_lock);
	return found;
}

void rollup_memo_text_put(const rollup_view *v, const char *key, int64_t version, json_t *text)
{
	rollup_cache *c = v->cache;
	size_t len = json_string_length(text);
	if (len > TEXT_MEMO_BYTES / 4)
		return;
	pthread_mutex_lock(&c->memo_lock);
	json_t *kept = json_object_get(c->text_memo, key);
	if (!kept || json_integer_value(json_array_get(kept, 0)) < version) {
		if (kept)
			c->text_bytes -= json_string_length(json_array_get(kept, 1));
		else
			json_array_append_new(c->text_keys, json_string(key));
		json_object_set_new(c->text_memo, key, json_pack("[IO]", (json_int_t)version, text));
		c->text_bytes += len;
		/* the oldest go first; the one just kept stays */
		while (c->text_bytes > TEXT_MEMO_BYTES && json_array_size(c->text_keys) > 1) {
			const char *old = json_string_value(json_array_get(c->text_keys, 0));
			json_t *gone = json_object_get(c->text_memo, old);
			if (gone) {
				c->text_bytes -= json_string_length(json_array_get(gone, 1));
				json_object_del(c->text_memo, old);
			}
			json_array_remove(c->text_keys, 0);
		}
	}
	pthread_mutex_unlock(&c->memo_lock);
}

/* ---------------------------------------------------------------- series */

void rollup_series_clear(rollup_cache *c)
{
	for (int b = 0; b < SERIES_BUCKETS; b++)
		while (c->series[b]) {
			series_memo *m = c->series[b];
			c->series[b] = m->next;
			free(m->version);
			free(m->value);
			free(m->reporters);
			free(m->approved);
			free(m->expected);
			free(m);
		}
	c->n_series = 0;
}

static series_memo **series_find(rollup_cache *c, int64_t indicator_id, int64_t unit_id)
{
	uint64_t h = ((uint64_t)indicator_id * 0x9E3779B97F4A7C15u) ^ ((uint64_t)unit_id * 0xC2B2AE3D27D4EB4Fu);
	series_memo **at = &c->series[(h >> 32) % SERIES_BUCKETS];
	while (*at && ((*at)->indicator_id != indicator_id || (*at)->unit_id != unit_id))
		at = &(*at)->next;
	return at;
}

/* Room for n periods in m (new periods hold nothing). */
static int series_grow(series_memo *m, int n)
{
	if (n <= m->n)
		return 0;
	int64_t *version = realloc(m->version, (size_t)n * sizeof(*version));
	if (version)
		m->version = version;
	double *value = realloc(m->value, (size_t)n * sizeof(*value));
	if (value)
		m->value = value;
	int *reporters = realloc(m->reporters, (size_t)n * sizeof(*reporters));
	if (reporters)
		m->reporters = reporters;
	int *approved = realloc(m->approved, (size_t)n * sizeof(*approved));
	if (approved)
		m->approved = approved;
	int *expected = realloc(m->expected, (size_t)n * sizeof(*expected));
	if (expected)
		m->expected = expected;
	if (!version || !value || !reporters || !approved || !expected)
		return err_set(ERR_NOMEM, "out of memory");
	for (int i = m->n; i < n; i++)
		m->version[i] = -1;
	m->n = n;
	return 0;
}

/* Keeps the figures computed (wanted[pi] and not found[pi]) unless a newer
 * view has kept newer ones. */
static void series_keep(const rollup_view *v, int64_t indicator_id, int64_t unit_id, const int64_t *version,
	const bool *computed, const double *value, const int *reporters, const int *approved, const int *expected)
{
	rollup_cache *c = v->cache;
	pthread_mutex_lock(&c->memo_lock);
	series_memo **at = series_find(c, indicator_id, unit_id);
	if (!*at) {
		if (c->n_series >= SERIES_MAX) {
			rollup_series_clear(c);
			at = series_find(c, indicator_id, unit_id);
		}
		if ((*at = calloc(1, sizeof(**at)))) {
			(*at)->indicator_id = indicator_id;
			(*at)->unit_id = unit_id;
			c->n_series++;
		}
	}
	series_memo *m = *at;
	if (m && series_grow(m, v->n_periods) == 0)
		for (int pi = 0; pi < v->n_periods; pi++)
			if (computed[pi] && version[pi] >= m->version[pi]) {
				m->version[pi] = version[pi];
				m->value[pi] = value[pi];
				m->reporters[pi] = reporters[pi];
				m->approved[pi] = approved[pi];
				m->expected[pi] = expected[pi];
			}
	pthread_mutex_unlock(&c->memo_lock);
}

/* When the expected reporters of k (or of its inputs) were last counted. */
static int64_t expected_version(const rollup_view *v, int k, int depth)
{
	const rollup_indicator *I = &v->indicators[k];
	int64_t version = I->expected_seq;
	for (int i = 0; depth <= FORMULA_DEPTH_MAX && I->derived && i < I->formula.n_vars; i++)
		if (I->operand[i] >= 0) {
			int64_t o = expected_version(v, I->operand[i], depth + 1);
			version = o > version ? o : version;
		}
	return version;
}

int rollup_series(const rollup_view *v, int k, int slot, long until, double *value, int *reporters, int *approved,
	int *expected)
{
	int n = v->n_periods ? v->n_periods : 1;
	int64_t *version = malloc((size_t)n * sizeof(*version));
	bool *computed = calloc((size_t)n, sizeof(*computed));
	if (!version || !computed) {
		free(version);
		free(computed);
		return err_set(ERR_NOMEM, "out of memory");
	}
	int64_t indicator_id = v->indicators[k].id, unit_id = slot >= 0 ? v->units[slot].id : 0;
	int64_t counted = expected_version(v, k, 0);
	for (int pi = 0; pi < v->n_periods; pi++) {
		value[pi] = NAN;
		reporters[pi] = approved[pi] = expected[pi] = 0;
		version[pi] = v->periods[pi].last_day <= until ? rollup_figure_version(v, k, pi) : -1;
		if (version[pi] >= 0 && counted > version[pi])
			version[pi] = counted;
	}
	rollup_cache *c = v->cache;
	pthread_mutex_lock(&c->memo_lock);
	series_memo *m = *series_find(c, indicator_id, unit_id);
	for (int pi = 0; pi < v->n_periods; pi++)
		computed[pi] = version[pi] >= 0 && !(m && pi < m->n && m->version[pi] == version[pi]);
	for (int pi = 0; m && pi < v->n_periods && pi < m->n; pi++)
		if (version[pi] >= 0 && !computed[pi]) {
			value[pi] = m->value[pi];
			reporters[pi] = m->reporters[pi];
			approved[pi] = m->approved[pi];
			expected[pi] = m->expected[pi];
		}
	pthread_mutex_unlock(&c->memo_lock);
	bool any = false;
	for (int pi = 0; pi < v->n_periods; pi++)
		if (computed[pi]) {
			value[pi] = rollup_value(v, k, slot, pi, &reporters[pi]);
			if (!isnan(value[pi]))
				approved[pi] = rollup_completeness(v, k, slot, pi, &expected[pi]);
			any = true;
		}
	if (any)
		series_keep(v, indicator_id, unit_id, version, computed, value, reporters, approved, expected);
	free(version);
	free(computed);
	return 0;
}
