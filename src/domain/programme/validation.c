/* validation: loading, setting and applying indicator value rules. */
#include "domain/programme/validation.h"
#include "domain/programme/validation_internal.h"
#include "analytics/expr.h"
#include "domain/people/audit.h"
#include "util/err.h"
#include "util/json.h"
#include "util/period.h"
#include "util/str.h"
#include "util/time.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_BYTES 200

static const char *const kind_names[] = { "bounds", "jump", "compare" };
static const char *const ops[] = { "<=", ">=", "<", ">", "=", "!=" };
#define N_OPS (sizeof(ops) / sizeof(ops[0]))

/* ------------------------------------------------------------ numbers */

/* A number as people write it in a message: no exponent, at most four
 * decimals, no trailing zeros. */
static void num(char out[40], double x)
{
	if (fabs(x) >= 1e15 || x != x) {
		snprintf(out, 40, "%g", x);
		return;
	}
	snprintf(out, 40, "%.4f", x);
	char *dot = strchr(out, '.');
	if (dot) {
		char *end = out + strlen(out) - 1;
		while (end > dot && *end == '0')
			*end-- = '\0';
		if (end == dot)
			*end = '\0';
	}
	if (strcmp(out, "-0") == 0)
		strcpy(out, "0");
}

/* x followed by the measure ("-5 %", "12 tỷ đồng"). */
static void num_measure(char out[160], double x, const char *measure)
{
	char n[40];
	num(n, x);
	if (measure && *measure)
		snprintf(out, 160, "%s %.100s", n, measure);
	else
		snprintf(out, 160, "%s", n);
}

/* ------------------------------------------------------------ defaults */

static bool is_percentage(const char *m)
{
	return m && m[0] == '%' && (m[1] == '\0' || m[1] == ' ');
}

static bool is_rate(const char *m)
{
	return m && (strstr(m, "/năm") || strstr(m, "/year"));
}

/* The defaults of an indicator whose rules were never set. */
static int defaults_of(vrule *r, const indicator_info *I)
{
	int n = 0;
	if (is_percentage(I->measure)) {
		r[n++] = (vrule){ .kind = RULE_BOUNDS, .hard = true, .min = 0, .max = 100, .percent = NAN,
			.name_vi = "Tỷ lệ phần trăm từ 0 đến 100", .name_en = "A percentage lies between 0 and 100" };
	} else if (I->measure && *I->measure && !is_rate(I->measure)) {
		r[n++] = (vrule){ .kind = RULE_BOUNDS, .hard = true, .min = 0, .max = NAN, .percent = NAN,
			.name_vi = "Không âm", .name_en = "Not negative" };
	}
	r[n++] = (vrule){ .kind = RULE_JUMP, .hard = false, .min = NAN, .max = NAN, .percent = VALIDATION_DEFAULT_JUMP,
		.name_vi = "Thay đổi so với kỳ trước không quá ±50 %", .name_en = "Change from the previous period within ±50 %" };
	return n;
}

/* ------------------------------------------------------------ loading */

static int indicator_load(indicator_info *I, db_conn *db, arena *a, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT id, code, measure, rules_set, formula FROM indicator WHERE id = ?");
	memset(I, 0, sizeof(*I));
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW) {
		I->id = db_column_int64(s, 0);
		I->code = arena_strdup(a, db_column_text(s, 1));
		I->measure = db_column_is_null(s, 2) ? NULL : arena_strdup(a, db_column_text(s, 2));
		I->rules_set = db_column_int64(s, 3) != 0;
		I->derived = !db_column_is_null(s, 4);
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	return I->id ? 0 : err_set(ERR_NOTFOUND, "no indicator with id %lld", (long long)id);
}

const char *validation__text_or_null(arena *a, db_stmt *s, int i)
{
	return db_column_is_null(s, i) ? NULL : arena_strdup(a, db_column_text(s, i));
}

static double real_or_nan(db_stmt *s, int i)
{
	return db_column_is_null(s, i) ? NAN : db_column_double(s, i);
}

static bool names_var(const expr *e, const char *code)
{
	for (int i = 0; e && i < e->n_vars; i++)
		if (strcmp(e->vars[i], code) == 0)
			return true;
	return false;
}

#define RULE_COLUMNS \
	"SELECT r.id, r.kind, r.hard, r.unit_id, r.min_value, r.max_value, r.jump_percent, r.left_expr, r.op, " \
	"r.right_expr, r.name_vi, r.name_en, u.code, u.name FROM indicator_rule r LEFT JOIN unit u ON u.id = r.unit_id "

/* Appends the rows of s to r[*n..RULES_MAX); a compare rule is compiled,
 * and kept only when it names code (if code is not NULL). */
static int rules_read(vrule *r, int *n, db_stmt *s, arena *a, const char *code)
{
	int rc;
	while ((rc = db_step(s)) == DB_ROW && *n < RULES_MAX) {
		vrule x = { .id = db_column_int64(s, 0), .hard = db_column_int64(s, 2) != 0,
			.unit_id = db_column_is_null(s, 3) ? 0 : db_column_int64(s, 3), .min = real_or_nan(s, 4),
			.max = real_or_nan(s, 5), .percent = real_or_nan(s, 6), .left = validation__text_or_null(a, s, 7),
			.op = validation__text_or_null(a, s, 8), .right = validation__text_or_null(a, s, 9), .name_vi = validation__text_or_null(a, s, 10),
			.name_en = validation__text_or_null(a, s, 11), .unit_code = validation__text_or_null(a, s, 12), .unit_name = validation__text_or_null(a, s, 13) };
		const char *kind = db_column_text(s, 1);
		x.kind = strcmp(kind, "jump") == 0 ? RULE_JUMP : strcmp(kind, "compare") == 0 ? RULE_COMPARE : RULE_BOUNDS;
		if (x.kind == RULE_COMPARE) {
			x.le = arena_alloc(a, sizeof(expr));
			x.re = arena_alloc(a, sizeof(expr));
			if (!x.le || !x.re)
				return err_set(ERR_NOMEM, "out of memory");
			if (!x.left || !x.right || !x.op || expr_compile(x.le, x.left) < 0 || expr_compile(x.re, x.right) < 0) {
				err_clear();
				continue;
			}
			if (code && !names_var(x.le, code) && !names_var(x.re, code))
				continue;
		}
		r[(*n)++] = x;
	}
	return rc < 0 ? rc : 0;
}

/* I's own rules (or its defaults), then, with others, the compare rules
 * of other indicators that name I. */
int validation__rules_load(vrule *r, int *n, db_conn *db, arena *a, const indicator_info *I, bool others)
{
	db_stmt *s;
	int rc;
	*n = 0;
	if (!I->rules_set) {
		*n = defaults_of(r, I);
	} else {
		if ((rc = db_prepare(&s, db, RULE_COLUMNS "WHERE r.indicator_id = ? ORDER BY r.position")) < 0)
			return rc;
		db_bind_int64(s, 1, I->id);
		rc = rules_read(r, n, s, a, NULL);
		db_finalize(s);
		if (rc < 0)
			return rc;
	}
	if (!others)
		return 0;
	if ((rc = db_prepare(&s, db, RULE_COLUMNS "JOIN indicator i ON i.id = r.indicator_id WHERE r.kind = 'compare' "
					 "AND r.indicator_id <> ? AND i.rules_set = 1 AND (r.left_expr LIKE ? OR r.right_expr LIKE ?) "
					 "ORDER BY r.indicator_id, r.position")) < 0)
		return rc;
	char *like = arena_alloc(a, strlen(I->code) + 3);
	if (!like) {
		db_finalize(s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	sprintf(like, "%%%s%%", I->code);
	db_bind_int64(s, 1, I->id);
	db_bind_text(s, 2, like);
	db_bind_text(s, 3, like);
	rc = rules_read(r, n, s, a, I->code);
	db_finalize(s);
	return rc;
}

/* ------------------------------------------------------------ checking */


static int figure(double *out, vctx *c, const char *code, const char *period)
{
	if (strcmp(code, c->I->code) == 0 && strcmp(period, c->period) == 0) {
		*out = c->value;
		return 0;
	}
	return c->get(out, c, code, period);
}

static int db_get(double *out, vctx *c, const char *code, const char *period)
{
	int rc;
	*out = NAN;
	db_reset(c->by_code);
	db_bind_text(c->by_code, 1, code);
	db_bind_int64(c->by_code, 2, c->unit_id);
	db_bind_text(c->by_code, 3, period);
	if ((rc = db_step(c->by_code)) == DB_ROW)
		*out = db_column_double(c->by_code, 0);
	return rc < 0 ? rc : 0;
}

static int formula_value(double *out, vctx *c, const expr *e)
{
	double vals[EXPR_MAX_VARS];
	int rc;
	for (int i = 0; i < e->n_vars; i++) {
		if ((rc = figure(&vals[i], c, e->vars[i], c->period)) < 0)
			return rc;
		if (!isfinite(vals[i])) {
			*out = NAN;
			return 0;
		}
	}
	if (expr_eval(out, e, vals) < 0) {
		err_clear();
		*out = NAN;
	}
	return 0;
}

static bool holds(double l, const char *op, double r)
{
	double eps = 1e-9 * fmax(1, fmax(fabs(l), fabs(r)));
	if (strcmp(op, "<=") == 0)
		return l <= r + eps;
	if (strcmp(op, ">=") == 0)
		return l >= r - eps;
	if (strcmp(op, "<") == 0)
		return l < r;
	if (strcmp(op, ">") == 0)
		return l > r;
	if (strcmp(op, "=") == 0)
		return fabs(l - r) <= eps;
	return fabs(l - r) > eps;
}

static const char *rule_name(const vrule *r) { return r->name_vi ? r->name_vi : ""; }

static int check_bounds(bool *broken, const vctx *c, const vrule *r)
{
	char v[160], lo[160], hi[160];
	if (r->unit_id && r->unit_id != c->unit_id)
		return 0;
	bool below = isfinite(r->min) && c->value < r->min, above = isfinite(r->max) && c->value > r->max;
	if (!below && !above)
		return 0;
	*broken = true;
	num_measure(v, c->value, c->I->measure);
	num_measure(lo, r->min, c->I->measure);
	num_measure(hi, r->max, c->I->measure);
	if (isfinite(r->min) && isfinite(r->max)) {
		num(lo, r->min);
		return err_set(ERR_INVALID, "the value %s is outside the bounds %s–%s of indicator %s (rule '%s')", v, lo, hi,
			c->I->code, rule_name(r));
	}
	return below ? err_set(ERR_INVALID, "the value %s is below the minimum %s of indicator %s (rule '%s')", v, lo,
			       c->I->code, rule_name(r))
		     : err_set(ERR_INVALID, "the value %s is above the maximum %s of indicator %s (rule '%s')", v, hi,
			       c->I->code, rule_name(r));
}

static int check_jump(bool *broken, vctx *c, const vrule *r)
{
	period p, prev;
	char code[16], label[PERIOD_LABEL_MAX], v[160], before[160], change[48], limit[40];
	double was;
	int rc;
	if (!isfinite(r->percent) || period_parse(&p, c->period, strlen(c->period)) < 0) {
		err_clear();
		return 0;
	}
	prev = period_prev(&p);
	if (!period_valid(&prev))
		return 0;
	period_format(&prev, code);
	if ((rc = c->get(&was, c, c->I->code, code)) < 0)
		return rc;
	if (!isfinite(was) || was == 0)
		return 0;
	double pct = (c->value - was) / fabs(was) * 100;
	if (fabs(pct) <= r->percent + 1e-9)
		return 0;
	*broken = true;
	period_format_vi(&prev, label);
	num_measure(v, c->value, c->I->measure);
	num_measure(before, was, c->I->measure);
	char digits[40];
	num(digits, round(pct * 10) / 10);   /* a change said to one decimal */
	snprintf(change, sizeof(change), "%s%s", pct < 0 ? "" : "+", digits);
	num(limit, r->percent);
	return err_set(ERR_INVALID, "the value %s changes by %s%% from %s in %s, beyond ±%s%% (rule '%s')", v,
		change, before, label, limit, rule_name(r));
}

static int check_compare(bool *broken, vctx *c, const vrule *r)
{
	double l, rv;
	char ls[40], rs[40];
	int rc;
	if ((rc = formula_value(&l, c, r->le)) < 0 || (rc = formula_value(&rv, c, r->re)) < 0)
		return rc;
	if (!isfinite(l) || !isfinite(rv) || holds(l, r->op, rv))
		return 0;
	*broken = true;
	num(ls, l);
	num(rs, rv);
	return err_set(ERR_INVALID, "rule '%s': %s %s %s does not hold (%s against %s)", rule_name(r), r->left, r->op,
		r->right, ls, rs);
}

/* Whether c breaks r; when it does, the error is set to say how. Fails
 * only on a database error. */
int validation__rule_check(bool *broken, vctx *c, const vrule *r)
{
	int rc;
	*broken = false;
	rc = r->kind == RULE_BOUNDS ? check_bounds(broken, c, r)
		: r->kind == RULE_JUMP ? check_jump(broken, c, r) : check_compare(broken, c, r);
	return *broken ? 0 : rc;
}

/* The violation just set, as {rule, kind, hard, name_vi, name_en,
 * template, params, message}. */
json_t *validation__violation(const vrule *r)
{
	json_t *v = json_err_describe();
	if (!v)
		v = json_object();
	json_object_set_new(v, "message", json_string(err_msg()));
	json_object_set_new(v, "rule", r->id ? json_integer(r->id) : json_null());
	json_object_set_new(v, "kind", json_string(kind_names[r->kind]));
	json_object_set_new(v, "hard", json_boolean(r->hard));
	json_object_set_new(v, "name_vi", json_string(r->name_vi ? r->name_vi : ""));
	json_object_set_new(v, "name_en", json_string(r->name_en ? r->name_en : ""));
	return v;
}

/* Checks c against r[0..n): the violations appended to hard and soft. */
static int check_all(vctx *c, const vrule *r, int n, json_t *hard, json_t *soft)
{
	int rc;
	for (int i = 0; i < n; i++) {
		bool broken;
		if ((rc = validation__rule_check(&broken, c, &r[i])) < 0)
			return rc;
		if (broken)
			json_array_append_new(r[i].hard ? hard : soft, validation__violation(&r[i]));
	}
	err_clear();
	return 0;
}

/* The context and rules of a check of value at k (arena a). */
static int check_prepare(vctx *c, indicator_info *I, vrule *r, int *n, db_conn *db, arena *a, const value_key *k, double value)
{
	int rc;
	if ((rc = indicator_load(I, db, a, k->indicator_id)) < 0 || (rc = validation__rules_load(r, n, db, a, I, true)) < 0)
		return rc;
	*c = (vctx){ .I = I, .unit_id = k->unit_id, .period = k->period, .value = value, .get = db_get };
	return db_prepare(&c->by_code, db, "SELECT v.value FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id "
					   "WHERE i.code = ? AND v.unit_id = ? AND v.period = ? AND v.value IS NOT NULL");
}

int validation_check(json_t **out, db_conn *db, const value_key *k, double value)
{
	arena a;
	indicator_info I;
	vrule r[RULES_MAX];
	vctx c = { 0 };
	int n, rc;
	json_t *hard = json_array(), *soft = json_array();
	*out = NULL;
	arena_init(&a, 4096);
	if ((rc = check_prepare(&c, &I, r, &n, db, &a, k, value)) == 0 && (rc = check_all(&c, r, n, hard, soft)) == 0)
		*out = json_pack("{s:b, s:O, s:O}", "ok", json_array_size(hard) == 0, "hard", hard, "soft", soft);
	db_finalize(c.by_code);
	arena_free(&a);
	json_decref(hard);
	json_decref(soft);
	if (rc == 0 && !*out)
		rc = err_set(ERR_NOMEM, "out of memory");
	return rc;
}

static bool blank(const char *s)
{
	while (s && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++;
	return !s || !*s;
}

int validation_enforce(char **flags, db_conn *db, const value_key *k, double value, const char *note)
{
	arena a;
	indicator_info I;
	vrule r[RULES_MAX];
	vctx c = { 0 };
	int n, rc;
	json_t *soft = json_array();
	*flags = NULL;
	arena_init(&a, 4096);
	if ((rc = check_prepare(&c, &I, r, &n, db, &a, k, value)) < 0)
		goto done;
	/* hard rules first: the first broken one is the answer */
	for (int i = 0; i < n; i++) {
		bool broken;
		if (!r[i].hard)
			continue;
		if ((rc = validation__rule_check(&broken, &c, &r[i])) < 0)
			goto done;
		if (broken) {
			rc = ERR_INVALID;
			goto done;
		}
	}
	int first_soft = -1;
	for (int i = 0; i < n; i++) {
		bool broken;
		if (r[i].hard)
			continue;
		if ((rc = validation__rule_check(&broken, &c, &r[i])) < 0)
			goto done;
		if (broken) {
			json_array_append_new(soft, validation__violation(&r[i]));
			if (first_soft < 0)
				first_soft = i;
		}
	}
	err_clear();
	if (first_soft >= 0 && blank(note)) {
		bool broken;
		if ((rc = validation__rule_check(&broken, &c, &r[first_soft])) == 0)
			rc = err_set(ERR_INVALID, "explain the value in the note: %s", err_msg());
		goto done;
	}
	if (json_array_size(soft) > 0 && !(*flags = json_dumps(soft, JSON_COMPACT)))
		rc = err_set(ERR_NOMEM, "out of memory");
done:
	db_finalize(c.by_code);
	arena_free(&a);
	json_decref(soft);
	return rc;
}

/* ------------------------------------------------------------ bounds */

int validation_bounds_each(db_conn *db, void (*fn)(void *ctx, int64_t indicator_id, double lo, double hi), void *ctx)
{
	db_stmt *s;
	int rc = db_prepare(&s, db,
		"SELECT i.id, i.measure, i.rules_set, r.min_value, r.max_value FROM indicator i LEFT JOIN indicator_rule r "
		"ON r.indicator_id = i.id AND r.kind = 'bounds' AND r.hard = 1 AND r.unit_id IS NULL ORDER BY i.id");
	if (rc < 0)
		return rc;
	int64_t id = 0;
	double lo = NAN, hi = NAN;
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t next = db_column_int64(s, 0);
		if (next != id) {
			if (id)
				fn(ctx, id, lo, hi);
			id = next;
			lo = hi = NAN;
			if (!db_column_int64(s, 2)) {
				/* the defaults of the measure */
				indicator_info I = { .id = id, .measure = db_column_text(s, 1) };
				vrule d[2];
				int n = defaults_of(d, &I);
				for (int k = 0; k < n; k++)
					if (d[k].kind == RULE_BOUNDS) {
						lo = d[k].min;
						hi = d[k].max;
					}
				continue;
			}
		}
		double min = real_or_nan(s, 3), max = real_or_nan(s, 4);
		if (isfinite(min))
			lo = isfinite(lo) ? fmax(lo, min) : min;
		if (isfinite(max))
			hi = isfinite(hi) ? fmin(hi, max) : max;
	}
	if (rc >= 0 && id)
		fn(ctx, id, lo, hi);
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------ reading and setting */

static json_t *number_or_null(double x) { return isfinite(x) ? json_real(x) : json_null(); }

static json_t *rule_json(const vrule *r)
{
	json_t *o = json_pack("{s:o, s:s, s:b, s:s, s:s}", "id", r->id ? json_integer(r->id) : json_null(), "kind",
		kind_names[r->kind], "hard", r->hard, "name_vi", r->name_vi ? r->name_vi : "", "name_en",
		r->name_en ? r->name_en : "");
	if (r->kind == RULE_BOUNDS) {
		json_object_set_new(o, "min", number_or_null(r->min));
		json_object_set_new(o, "max", number_or_null(r->max));
		json_object_set_new(o, "unit_code", r->unit_code ? json_string(r->unit_code) : json_null());
		json_object_set_new(o, "unit_name", r->unit_name ? json_string(r->unit_name) : json_null());
	} else if (r->kind == RULE_JUMP) {
		json_object_set_new(o, "percent", number_or_null(r->percent));
	} else {
		json_object_set_new(o, "left", json_string(r->left));
		json_object_set_new(o, "op", json_string(r->op));
		json_object_set_new(o, "right", json_string(r->right));
	}
	return o;
}

int validation_rules_get(json_t **out, db_conn *db, int64_t indicator_id)
{
	arena a;
	indicator_info I;
	vrule r[RULES_MAX];
	int n, rc;
	*out = NULL;
	arena_init(&a, 4096);
	if ((rc = indicator_load(&I, db, &a, indicator_id)) == 0 && (rc = validation__rules_load(r, &n, db, &a, &I, false)) == 0) {
		json_t *list = json_array();
		for (int i = 0; i < n; i++)
			json_array_append_new(list, rule_json(&r[i]));
		*out = json_pack("{s:I, s:s, s:s?, s:b, s:o}", "indicator_id", (json_int_t)I.id, "code", I.code, "measure",
			I.measure, "defaults", !I.rules_set, "rules", list);
		if (!*out)
			rc = err_set(ERR_NOMEM, "out of memory");
	}
	arena_free(&a);
	return rc;
}

/* An indicator code of a compare rule's formula must exist. */
static int operands_exist(db_conn *db, const expr *e, int i)
{
	for (int v = 0; v < e->n_vars; v++) {
		int64_t id = 0;
		int rc = db_run(db, &id, "SELECT id FROM indicator WHERE code = ?", "t", e->vars[v]);
		if (rc < 0)
			return rc;
		if (!id)
			return err_set(ERR_INVALID, "rule %d: no indicator with code '%s'", i, e->vars[v]);
	}
	return 0;
}

static int name_read(const char **out, const json_t *o, const char *key, int i)
{
	int rc = json_get_string(out, o, key, 0);
	if (rc < 0)
		return rc;
	if (*out && strlen(*out) > NAME_MAX_BYTES)
		return err_set(ERR_INVALID, "rule %d: '%s' is longer than %d bytes", i, key, NAME_MAX_BYTES);
	if (*out && !**out)
		*out = NULL;
	return 0;
}

/* Reads and checks rule number i (from 1) of the list and inserts it. */
static int rule_insert(db_conn *db, arena *a, int64_t indicator_id, const json_t *o, int i)
{
	const char *kind, *unit_code = NULL, *left = NULL, *op = NULL, *right = NULL, *name_vi, *name_en;
	double min = NAN, max = NAN, percent = NAN;
	int present, hard = 1, rc;
	int64_t unit_id = 0;
	char made_vi[200], made_en[200], a1[40], a2[40];
	if (!json_is_object(o))
		return err_set(ERR_INVALID, "rule %d must be an object", i);
	if ((rc = json_get_string(&kind, o, "kind", 1)) < 0 || (rc = json_get_bool(&hard, &present, o, "hard", 0)) < 0 ||
	    (rc = name_read(&name_vi, o, "name_vi", i)) < 0 || (rc = name_read(&name_en, o, "name_en", i)) < 0)
		return rc;
	if (!present)
		hard = 1;
	if (strcmp(kind, "bounds") == 0) {
		if ((rc = json_get_number(&min, &present, o, "min", 0)) < 0)
			return rc;
		if (!present)
			min = NAN;
		if ((rc = json_get_number(&max, &present, o, "max", 0)) < 0)
			return rc;
		if (!present)
			max = NAN;
		if (!isfinite(min) && !isfinite(max))
			return err_set(ERR_INVALID, "rule %d: bounds need 'min', 'max' or both", i);
		if (isfinite(min) && isfinite(max) && min > max)
			return err_set(ERR_INVALID, "rule %d: 'min' is above 'max'", i);
		if ((rc = json_get_string(&unit_code, o, "unit_code", 0)) < 0)
			return rc;
		if (unit_code && *unit_code) {
			if ((rc = db_run(db, &unit_id, "SELECT id FROM unit WHERE code = ?", "t", unit_code)) < 0)
				return rc;
			if (!unit_id)
				return err_set(ERR_INVALID, "rule %d: no unit with code '%s'", i, unit_code);
		}
		num(a1, min);
		num(a2, max);
		if (isfinite(min) && isfinite(max)) {
			snprintf(made_vi, sizeof(made_vi), "Giá trị từ %s đến %s", a1, a2);
			snprintf(made_en, sizeof(made_en), "Value between %s and %s", a1, a2);
		} else {
			snprintf(made_vi, sizeof(made_vi), isfinite(min) ? "Giá trị không nhỏ hơn %s" : "Giá trị không lớn hơn %s",
				isfinite(min) ? a1 : a2);
			snprintf(made_en, sizeof(made_en), isfinite(min) ? "Value at least %s" : "Value at most %s",
				isfinite(min) ? a1 : a2);
		}
	} else if (strcmp(kind, "jump") == 0) {
		if ((rc = json_get_number(&percent, &present, o, "percent", 0)) < 0)
			return rc;
		if (!present)
			percent = VALIDATION_DEFAULT_JUMP;
		if (!(percent > 0) || percent > 1e6)
			return err_set(ERR_INVALID, "rule %d: 'percent' must be above 0", i);
		num(a1, percent);
		snprintf(made_vi, sizeof(made_vi), "Thay đổi so với kỳ trước không quá ±%s %%", a1);
		snprintf(made_en, sizeof(made_en), "Change from the previous period within ±%s %%", a1);
	} else if (strcmp(kind, "compare") == 0) {
		expr *le = arena_alloc(a, sizeof(expr)), *re = arena_alloc(a, sizeof(expr));
		if (!le || !re)
			return err_set(ERR_NOMEM, "out of memory");
		if ((rc = json_get_string(&left, o, "left", 1)) < 0 || (rc = json_get_string(&op, o, "op", 1)) < 0 ||
		    (rc = json_get_string(&right, o, "right", 1)) < 0)
			return rc;
		size_t k = 0;
		while (k < N_OPS && strcmp(ops[k], op) != 0)
			k++;
		if (k == N_OPS)
			return err_set(ERR_INVALID, "rule %d: '%.8s' is not one of <, <=, =, >=, >, !=", i, op);
		if (expr_compile(le, left) < 0)
			return err_set(ERR_INVALID, "rule %d, left side: %s", i, err_msg());
		if (expr_compile(re, right) < 0)
			return err_set(ERR_INVALID, "rule %d, right side: %s", i, err_msg());
		if ((rc = operands_exist(db, le, i)) < 0 || (rc = operands_exist(db, re, i)) < 0)
			return rc;
		snprintf(made_vi, sizeof(made_vi), "%.90s %s %.90s", left, op, right);
		snprintf(made_en, sizeof(made_en), "%.90s %s %.90s", left, op, right);
	} else {
		return err_set(ERR_INVALID, "rule %d: kind '%.20s' is not one of bounds, jump, compare", i, kind);
	}
	if (!name_vi)
		name_vi = made_vi;
	if (!name_en)
		name_en = name_vi == made_vi ? made_en : name_vi;
	db_stmt *s;
	if ((rc = db_prepare(&s, db, "INSERT INTO indicator_rule (indicator_id, position, kind, hard, unit_id, min_value, "
				     "max_value, jump_percent, left_expr, op, right_expr, name_vi, name_en) "
				     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) < 0)
		return rc;
	double reals[3] = { min, max, percent };
	db_bind_int64(s, 1, indicator_id);
	db_bind_int64(s, 2, i);
	db_bind_text(s, 3, kind);
	db_bind_int64(s, 4, hard != 0);
	if (unit_id)
		db_bind_int64(s, 5, unit_id);
	else
		db_bind_null(s, 5);
	for (int k = 0; k < 3; k++) {
		if (isfinite(reals[k]))
			db_bind_double(s, 6 + k, reals[k]);
		else
			db_bind_null(s, 6 + k);
	}
	db_bind_text(s, 9, left);
	db_bind_text(s, 10, op);
	db_bind_text(s, 11, right);
	db_bind_text(s, 12, name_vi);
	db_bind_text(s, 13, name_en);
	rc = db_step(s);
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

int validation_rules_set(db_conn *db, const principal *who, int64_t indicator_id, const json_t *in)
{
	json_t *before = NULL, *after = NULL;
	const json_t *list;
	char id_text[24], now[TIME_ISO_SIZE];
	arena a;
	int rc;
	if ((rc = json_require_object(in, "the rules")) < 0)
		return rc;
	list = json_object_get(in, "rules");
	if (!list || (!json_is_null(list) && !json_is_array(list)))
		return err_set(ERR_INVALID, "'rules' must be a list of rules, or null for the defaults");
	if (json_is_array(list) && json_array_size(list) > RULES_MAX / 2)
		return err_set(ERR_INVALID, "'rules': at most %d rules", RULES_MAX / 2);
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	arena_init(&a, 4096);
	time_now_iso(now);
	if ((rc = validation_rules_get(&before, db, indicator_id)) < 0 ||
	    (rc = db_run(db, NULL, "DELETE FROM indicator_rule WHERE indicator_id = ?", "i", indicator_id)) < 0)
		goto fail;
	size_t i;
	const json_t *o;
	json_array_foreach(list, i, o) {
		if ((rc = rule_insert(db, &a, indicator_id, o, (int)i + 1)) < 0)
			goto fail;
	}
	if ((rc = db_run(db, NULL, "UPDATE indicator SET rules_set = ?, updated_at = ? WHERE id = ?", "iti",
		     (int64_t)json_is_array(list), now, indicator_id)) < 0 ||
	    (rc = validation_rules_get(&after, db, indicator_id)) < 0)
		goto fail;
	snprintf(id_text, sizeof(id_text), "%lld", (long long)indicator_id);
	if ((rc = audit_append_json(db, who, "rules", "indicator", id_text, before, after)) < 0)
		goto fail;
	rc = db_commit(db);
	goto done;
fail:
	err_keep();
	db_rollback(db);
	err_restore();
done:
	json_decref(before);
	json_decref(after);
	arena_free(&a);
	return rc;
}

/* ------------------------------------------------------------ imports */

/* The hard bounds of each indicator met so far, loaded once. */
typedef struct cached_rules {
	indicator_info I;
	vrule *rules;
	int n;
} cached_rules;

struct validation_cache {
	arena a;
	cached_rules *list;
	int n, cap, last;
};

int validation_cache_new(validation_cache **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return err_set(ERR_NOMEM, "out of memory");
	arena_init(&(*out)->a, 8192);
	return 0;
}

void validation_cache_free(validation_cache *c)
{
	if (!c)
		return;
	free(c->list);
	arena_free(&c->a);
	free(c);
}

static int cache_find(cached_rules **out, validation_cache *c, db_conn *db, int64_t indicator_id)
{
	if (c->n > 0 && c->list[c->last].I.id == indicator_id) {
		*out = &c->list[c->last];
		return 0;
	}
	for (int i = 0; i < c->n; i++)
		if (c->list[i].I.id == indicator_id) {
			c->last = i;
			*out = &c->list[i];
			return 0;
		}
	if (c->n == c->cap) {
		int cap = c->cap ? 2 * c->cap : 16;
		cached_rules *more = realloc(c->list, (size_t)cap * sizeof(*more));
		if (!more)
			return err_set(ERR_NOMEM, "out of memory");
		c->list = more;
		c->cap = cap;
	}
	cached_rules *x = &c->list[c->n];
	vrule all[RULES_MAX];
	int n_all, rc;
	if ((rc = indicator_load(&x->I, db, &c->a, indicator_id)) < 0 || (rc = validation__rules_load(all, &n_all, db, &c->a, &x->I, false)) < 0)
		return rc;
	x->rules = arena_alloc(&c->a, RULES_MAX * sizeof(*x->rules));
	if (!x->rules)
		return err_set(ERR_NOMEM, "out of memory");
	x->n = 0;
	for (int i = 0; i < n_all; i++)
		if (all[i].kind == RULE_BOUNDS && all[i].hard)
			x->rules[x->n++] = all[i];
	c->last = c->n++;
	*out = x;
	return 0;
}

int validation_cache_bounds(validation_cache *c, db_conn *db, int64_t indicator_id, int64_t unit_id, double value)
{
	cached_rules *x;
	int rc;
	if ((rc = cache_find(&x, c, db, indicator_id)) < 0)
		return rc;
	vctx ctx = { .I = &x->I, .unit_id = unit_id, .value = value };
	for (int i = 0; i < x->n; i++) {
		bool broken = false;
		rc = check_bounds(&broken, &ctx, &x->rules[i]);
		if (broken)
			return rc;
	}
	return 0;
}
