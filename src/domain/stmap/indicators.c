/* stmap/indicators: bibliometric indicators of organisations, communes,
 * fields and years from the works held in memory (indicators_load.c),
 * with the other outputs of the same organisations alongside. */
#include "domain/stmap/indicators.h"
#include "domain/stmap/indicators_internal.h"
#include "util/err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N_THREADS 2

static const char *const by_names[] = { "organisation", "commune", "field", "year" };
static const char *const org_kinds[] = { "university", "institute", "enterprise", "st_enterprise", "startup",
	"innovation_centre", "fund", "agency", "foreign_partner", NULL };

int stmap_by_parse(const char *name)
{
	for (int i = 0; name && i < 4; i++)
		if (strcmp(name, by_names[i]) == 0)
			return i;
	return -1;
}

const char *stmap_by_name(stmap_by by)
{
	return by_names[by];
}

/* ---- results as JSON ---- */

static json_t *num(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

static const char *const ci_names[BIBLIO_N_CI] = { "mcs", "mncs", "pp_top1", "pp_top10", "pp_top50", "pp_collab",
	"pp_int_collab" };

/* The indicators of r into obj (intervals when with_ci). */
static void put_result(json_t *obj, const biblio_result *r, bool with_ci)
{
	static const char *const top[BIBLIO_N_TOP][2] = { { "p_top1", "pp_top1" }, { "p_top10", "pp_top10" },
		{ "p_top50", "pp_top50" } };
	json_object_set_new(obj, "p", num(r->p));
	json_object_set_new(obj, "tcs", num(r->tcs));
	json_object_set_new(obj, "mcs", num(r->mcs));
	json_object_set_new(obj, "tncs", num(r->tncs));
	json_object_set_new(obj, "mncs", num(r->mncs));
	for (int x = 0; x < BIBLIO_N_TOP; x++) {
		json_object_set_new(obj, top[x][0], num(r->p_top[x]));
		json_object_set_new(obj, top[x][1], num(r->pp_top[x]));
	}
	json_object_set_new(obj, "p_collab", num(r->p_collab));
	json_object_set_new(obj, "pp_collab", num(r->pp_collab));
	json_object_set_new(obj, "p_int_collab", num(r->p_int_collab));
	json_object_set_new(obj, "pp_int_collab", num(r->pp_int_collab));
	json_object_set_new(obj, "p_industry", num(r->p_industry));
	json_object_set_new(obj, "pp_industry", num(r->pp_industry));
	json_object_set_new(obj, "p_short_dist", num(r->p_short_dist));
	json_object_set_new(obj, "pp_short_dist", num(r->pp_short_dist));
	json_object_set_new(obj, "p_long_dist", num(r->p_long_dist));
	json_object_set_new(obj, "pp_long_dist", num(r->pp_long_dist));
	json_object_set_new(obj, "mgcd", num(r->mgcd));
	json_object_set_new(obj, "p_dist_known", num(r->p_dist_known));
	json_object_set_new(obj, "h_index", num(r->h_index));
	if (!with_ci)
		return;
	char key[40];
	for (int k = 0; k < BIBLIO_N_CI; k++) {
		snprintf(key, sizeof key, "%s_lo", ci_names[k]);
		json_object_set_new(obj, key, num(r->ci[k].lo));
		snprintf(key, sizeof key, "%s_hi", ci_names[k]);
		json_object_set_new(obj, key, num(r->ci[k].hi));
	}
}

static json_t *text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static void put_unit(json_t *obj, const ind_snapshot *snap, int32_t u)
{
	json_object_set_new(obj, "unit_id", u >= 0 ? json_integer(snap->units[u].id) : json_null());
	json_object_set_new(obj, "unit_code", u >= 0 ? text_or_null(snap->units[u].code) : json_null());
	json_object_set_new(obj, "unit_name", u >= 0 ? text_or_null(snap->units[u].name) : json_null());
}

static void put_org(json_t *obj, const ind_snapshot *snap, const ind_org *o)
{
	json_object_set_new(obj, "organisation_id", json_integer(o->id));
	json_object_set_new(obj, "name", text_or_null(o->name));
	json_object_set_new(obj, "short_name", text_or_null(o->short_name));
	json_object_set_new(obj, "kind", text_or_null(o->kind));
	put_unit(obj, snap, o->commune);
}

/* ---- the other outputs of organisations ---- */

enum { OUT_PATENTS, OUT_UTILITY, OUT_PROJECTS, OUT_FUNDING, OUT_CONTRACTS, OUT_VALUE, OUT_SPINOFFS, N_OUT };
static const char *const out_names[N_OUT] = { "patents", "utility_solutions", "projects", "funding", "contracts",
	"contract_value", "spinoffs" };

/* Per organisation id, what each output adds in the years [from, to]. */
static const char *const out_sql[N_OUT] = {
	"SELECT organisation_id, COUNT(*) FROM patent WHERE kind = 'patent' AND organisation_id IS NOT NULL "
	"AND CAST(SUBSTR(COALESCE(granted_on, filed_on), 1, 4) AS INTEGER) BETWEEN ? AND ? GROUP BY organisation_id",
	"SELECT organisation_id, COUNT(*) FROM patent WHERE kind = 'utility_solution' AND organisation_id IS NOT NULL "
	"AND CAST(SUBSTR(COALESCE(granted_on, filed_on), 1, 4) AS INTEGER) BETWEEN ? AND ? GROUP BY organisation_id",
	"SELECT x.organisation_id, COUNT(*) FROM (SELECT organisation_id, started_on FROM project "
	"WHERE organisation_id IS NOT NULL UNION ALL SELECT pp.organisation_id, p.started_on FROM project_partner pp "
	"JOIN project p ON p.id = pp.project_id) x "
	"WHERE CAST(SUBSTR(x.started_on, 1, 4) AS INTEGER) BETWEEN ? AND ? GROUP BY x.organisation_id",
	"SELECT organisation_id, SUM(budget) FROM project WHERE organisation_id IS NOT NULL AND budget IS NOT NULL "
	"AND CAST(SUBSTR(started_on, 1, 4) AS INTEGER) BETWEEN ? AND ? GROUP BY organisation_id",
	"SELECT seller_id, COUNT(*) FROM contract WHERE seller_id IS NOT NULL "
	"AND CAST(SUBSTR(signed_on, 1, 4) AS INTEGER) BETWEEN ? AND ? GROUP BY seller_id",
	"SELECT seller_id, SUM(value) FROM contract WHERE seller_id IS NOT NULL AND value IS NOT NULL "
	"AND CAST(SUBSTR(signed_on, 1, 4) AS INTEGER) BETWEEN ? AND ? GROUP BY seller_id",
	"SELECT parent_id, COUNT(*) FROM spinoff "
	"WHERE CAST(SUBSTR(founded_on, 1, 4) AS INTEGER) BETWEEN ? AND ? GROUP BY parent_id",
};

/* out[org index * N_OUT + k]: the outputs of every organisation of the
 * snapshot in the years [from, to]; NaN where nothing is known. */
static int outputs_read(double **out, db_conn *db, const ind_snapshot *snap, int from, int to)
{
	size_t n = (size_t)snap->in.n_orgs * N_OUT;
	double *v = malloc((n ? n : 1) * sizeof *v);
	if (!v)
		return err_set(ERR_NOMEM, "out of memory for %zu outputs", n);
	for (size_t i = 0; i < n; i++)
		v[i] = (i % N_OUT == OUT_FUNDING || i % N_OUT == OUT_VALUE) ? NAN : 0;
	int rc = 0;
	for (int k = 0; k < N_OUT && rc == 0; k++) {
		db_stmt *s;
		if ((rc = db_prepare(&s, db, out_sql[k])) < 0)
			break;
		if ((rc = db_bind_int64(s, 1, from)) == 0 && (rc = db_bind_int64(s, 2, to)) == 0)
			while ((rc = db_step(s)) == DB_ROW) {
				int32_t o = ind_org_index(snap, db_column_int64(s, 0));
				if (o >= 0 && !db_column_is_null(s, 1))
					v[(size_t)o * N_OUT + (size_t)k] = db_column_double(s, 1);
			}
		db_finalize(s);
		if (rc > 0)
			rc = 0;
	}
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	return 0;
}

/* Adds organisation o's outputs into sum (NaN stays NaN until a value
 * comes). */
static void outputs_add(double *sum, const double *v, int32_t o)
{
	for (int k = 0; k < N_OUT; k++) {
		double x = v[(size_t)o * N_OUT + (size_t)k];
		if (isnan(x))
			continue;
		sum[k] = isnan(sum[k]) ? x : sum[k] + x;
	}
}

static void put_outputs(json_t *obj, const double *sum, bool signed_in)
{
	for (int k = 0; k < N_OUT; k++) {
		if (k == OUT_VALUE && !signed_in)
			continue;
		json_object_set_new(obj, out_names[k], num(sum[k]));
	}
}

/* ---- the table ---- */

typedef struct row_ref {
	int32_t cell;
	double p;
} row_ref;

static int row_cmp(const void *a, const void *b)
{
	const row_ref *x = a, *y = b;
	if (x->p != y->p)
		return x->p > y->p ? -1 : 1;
	return (x->cell > y->cell) - (x->cell < y->cell);
}

static int check_query(const stmap_ind_query *q)
{
	if (q->year_from && q->year_to && q->year_to < q->year_from)
		return err_set(ERR_INVALID, "the period ends in %d before it starts in %d", q->year_to, q->year_from);
	if (q->kind) {
		int i = 0;
		while (org_kinds[i] && strcmp(org_kinds[i], q->kind) != 0)
			i++;
		if (!org_kinds[i])
			return err_set(ERR_INVALID, "'%s' is not a kind of organisation", q->kind);
	}
	return 0;
}

/* Whether organisation o is in the query. */
static bool org_wanted(const ind_org *o, const stmap_ind_query *q)
{
	if (!o->published && !q->unpublished)
		return false;
	if (q->kind && (!o->kind || strcmp(o->kind, q->kind) != 0))
		return false;
	return !q->organisation_id || o->id == q->organisation_id;
}

/* The field index of id, -2 when no work has that field. */
static int32_t field_index(const ind_snapshot *snap, const char *id)
{
	for (int32_t f = 0; f < snap->n_fields; f++)
		if (strcmp(snap->field_ids[f], id) == 0)
			return f;
	return -2;
}

typedef struct table_plan {
	int32_t *org_row, *pub_col;
	uint64_t *row_key;
	int32_t n_rows, n_cols;
	int from, to;
} table_plan;

static void plan_free(table_plan *t)
{
	free(t->org_row);
	free(t->pub_col);
	free(t->row_key);
}

static int plan_make(table_plan *t, const ind_snapshot *snap, const stmap_ind_query *q)
{
	int32_t n_orgs = snap->in.n_orgs;
	size_t n_pubs = snap->in.n_pubs;
	memset(t, 0, sizeof *t);
	t->from = q->year_from ? q->year_from : snap->year_min;
	t->to = q->year_to ? q->year_to : snap->year_max;
	t->org_row = malloc((n_orgs ? (size_t)n_orgs : 1) * sizeof *t->org_row);
	t->pub_col = malloc((n_pubs ? n_pubs : 1) * sizeof *t->pub_col);
	size_t n_keys = q->by == STMAP_BY_COMMUNE ? (size_t)snap->n_units : (size_t)n_orgs;
	t->row_key = malloc((n_keys ? n_keys : 1) * sizeof *t->row_key);
	if (!t->org_row || !t->pub_col || !t->row_key)
		return err_set(ERR_NOMEM, "out of memory for %zu works", n_pubs);
	int32_t field = q->field ? field_index(snap, q->field) : -1;
	for (int32_t k = 0; k < n_orgs; k++) {
		const ind_org *o = &snap->orgs[k];
		int32_t row = -1;
		if (org_wanted(o, q))
			switch (q->by) {
			case STMAP_BY_ORGANISATION: row = k; break;
			case STMAP_BY_COMMUNE: row = o->commune; break;
			default: row = 0; break;
			}
		t->org_row[k] = row;
	}
	switch (q->by) {
	case STMAP_BY_ORGANISATION:
		t->n_rows = n_orgs;
		for (int32_t k = 0; k < n_orgs; k++)
			t->row_key[k] = (uint64_t)snap->orgs[k].id;
		break;
	case STMAP_BY_COMMUNE:
		t->n_rows = snap->n_units;
		for (int32_t u = 0; u < snap->n_units; u++)
			t->row_key[u] = (uint64_t)snap->units[u].id;
		break;
	default:
		t->n_rows = 1;
		t->row_key[0] = 0;
		break;
	}
	t->n_cols = q->by == STMAP_BY_FIELD ? (snap->n_fields > 0 ? snap->n_fields : 1)
		: q->by == STMAP_BY_YEAR ? (t->to >= t->from && t->from ? t->to - t->from + 1 : 1) : 1;
	for (size_t p = 0; p < n_pubs; p++) {
		const biblio_pub *b = &snap->pubs[p];
		int32_t col = -1;
		if (b->counted && b->year >= t->from && b->year <= t->to && (field == -1 || b->field == field))
			col = q->by == STMAP_BY_FIELD ? b->field : q->by == STMAP_BY_YEAR ? b->year - t->from : 0;
		t->pub_col[p] = col;
	}
	return 0;
}

/* The row object of cell c of the plan. */
static json_t *table_row(const ind_snapshot *snap, const table_plan *t, const stmap_ind_query *q, const biblio_result *r,
	int32_t c, const double *outputs)
{
	json_t *row = json_object();
	int32_t row_i = c / t->n_cols, col = c % t->n_cols;
	double sum[N_OUT];
	for (int k = 0; k < N_OUT; k++)
		sum[k] = (k == OUT_FUNDING || k == OUT_VALUE) ? NAN : 0;
	switch (q->by) {
	case STMAP_BY_ORGANISATION:
		put_org(row, snap, &snap->orgs[row_i]);
		if (outputs)
			outputs_add(sum, outputs, row_i);
		break;
	case STMAP_BY_COMMUNE:
		put_unit(row, snap, row_i);
		json_object_set_new(row, "n_organisations", json_integer(r->n_orgs));
		if (outputs)
			for (int32_t k = 0; k < snap->in.n_orgs; k++)
				if (t->org_row[k] == row_i)
					outputs_add(sum, outputs, k);
		break;
	case STMAP_BY_FIELD:
		json_object_set_new(row, "field_id", json_string(snap->field_ids[col]));
		json_object_set_new(row, "field", text_or_null(snap->field_names[col]));
		json_object_set_new(row, "n_organisations", json_integer(r->n_orgs));
		break;
	case STMAP_BY_YEAR:
		json_object_set_new(row, "year", json_integer(t->from + col));
		json_object_set_new(row, "n_organisations", json_integer(r->n_orgs));
		break;
	}
	put_result(row, r, q->n_boot > 0);
	if (outputs)
		put_outputs(row, sum, q->signed_in);
	return row;
}

static int table_compute(json_t **out, db_conn *db, const ind_snapshot *snap, const stmap_ind_query *q)
{
	table_plan t;
	biblio_result *res = NULL;
	row_ref *refs = NULL;
	double *outputs = NULL;
	int rc;
	if ((rc = plan_make(&t, snap, q)) < 0)
		goto done;
	size_t n_cells = (size_t)t.n_rows * (size_t)t.n_cols;
	res = malloc((n_cells ? n_cells : 1) * sizeof *res);
	refs = malloc((n_cells ? n_cells : 1) * sizeof *refs);
	if (!res || !refs) {
		rc = err_set(ERR_NOMEM, "out of memory for %zu rows", n_cells);
		goto done;
	}
	biblio_grouping g = { .org_row = t.org_row, .n_rows = t.n_rows, .pub_col = t.pub_col, .n_cols = t.n_cols,
		.row_key = t.row_key };
	biblio_options o = { .counting = q->counting, .n_boot = q->n_boot, .seed = STMAP_BOOT_SEED, .n_threads = N_THREADS };
	if ((rc = biblio_compute(res, &snap->in, snap->st[q->counting], &g, &o)) < 0)
		goto done;
	if ((q->by == STMAP_BY_ORGANISATION || q->by == STMAP_BY_COMMUNE) && db
		&& (rc = outputs_read(&outputs, db, snap, t.from, t.to)) < 0)
		goto done;
	size_t n = 0;
	for (size_t c = 0; c < n_cells; c++)
		if (res[c].p > 0)
			refs[n++] = (row_ref){ (int32_t)c, res[c].p };
	if (q->by != STMAP_BY_YEAR)
		qsort(refs, n, sizeof *refs, row_cmp);
	json_t *rows = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(rows, table_row(snap, &t, q, &res[refs[i].cell], refs[i].cell, outputs));
	json_t *ans = json_object();
	json_object_set_new(ans, "by", json_string(stmap_by_name(q->by)));
	json_object_set_new(ans, "counting", json_string(biblio_counting_name(q->counting)));
	json_object_set_new(ans, "from", t.from ? json_integer(t.from) : json_null());
	json_object_set_new(ans, "to", t.to ? json_integer(t.to) : json_null());
	json_object_set_new(ans, "works", json_integer((json_int_t)snap->n_counted));
	json_object_set_new(ans, "rows", rows);
	*out = ans;
done:
	plan_free(&t);
	free(res);
	free(refs);
	free(outputs);
	return rc;
}

int stmap_indicators_table(json_t **out, db_conn *db, const stmap_ind_query *q)
{
	ind_snapshot *snap;
	int rc;
	if ((rc = check_query(q)) < 0 || (rc = ind_snapshot_acquire(&snap, db)) < 0)
		return rc;
	rc = table_compute(out, db, snap, q);
	ind_snapshot_release(snap);
	return rc;
}

/* ---- one organisation ---- */

static int org_page(json_t **out, db_conn *db, const ind_snapshot *snap, int32_t k, bool signed_in)
{
	const ind_org *o = &snap->orgs[k];
	int from = snap->year_min, to = snap->year_max;
	int32_t n_years = from ? to - from + 1 : 1;
	int32_t *row = malloc((size_t)(snap->in.n_orgs ? snap->in.n_orgs : 1) * sizeof *row);
	int32_t *col = malloc((snap->in.n_pubs ? snap->in.n_pubs : 1) * sizeof *col);
	int32_t *all = malloc((snap->in.n_pubs ? snap->in.n_pubs : 1) * sizeof *all);
	biblio_result *by_year[2] = { malloc((size_t)n_years * sizeof(biblio_result)),
		malloc((size_t)n_years * sizeof(biblio_result)) };
	biblio_result total[2];
	double *outputs = NULL;
	int rc = 0;
	if (!row || !col || !all || !by_year[0] || !by_year[1]) {
		rc = err_set(ERR_NOMEM, "out of memory for %zu works", snap->in.n_pubs);
		goto done;
	}
	for (int32_t i = 0; i < snap->in.n_orgs; i++)
		row[i] = i == k ? 0 : -1;
	for (size_t p = 0; p < snap->in.n_pubs; p++) {
		const biblio_pub *b = &snap->pubs[p];
		col[p] = b->counted && from ? b->year - from : -1;
		all[p] = b->counted ? 0 : -1;
	}
	uint64_t key = (uint64_t)o->id;
	for (int c = 0; c < 2 && rc == 0; c++) {
		biblio_options opt = { .counting = (biblio_counting)c, .n_boot = STMAP_BOOT, .seed = STMAP_BOOT_SEED,
			.n_threads = N_THREADS };
		biblio_grouping gy = { .org_row = row, .n_rows = 1, .pub_col = col, .n_cols = n_years, .row_key = &key };
		biblio_grouping gt = { .org_row = row, .n_rows = 1, .pub_col = all, .n_cols = 1, .row_key = &key };
		if ((rc = biblio_compute(by_year[c], &snap->in, snap->st[c], &gy, &opt)) == 0)
			rc = biblio_compute(&total[c], &snap->in, snap->st[c], &gt, &opt);
	}
	if (rc < 0 || (rc = outputs_read(&outputs, db, snap, 0, 9999)) < 0)
		goto done;
	json_t *ans = json_object(), *org = json_object(), *tot = json_object(), *years = json_array(), *flat = json_array();
	put_org(org, snap, o);
	json_object_set_new(ans, "organisation", org);
	const char *cn[2] = { "full", "fractional" };
	/* the same figures flat, one row per year and counting: the workbook */
	for (int32_t y = 0; y < n_years; y++)
		for (int c = 0; c < 2 && by_year[0][y].p > 0; c++) {
			json_t *x = json_object();
			json_object_set_new(x, "year", json_integer(from + y));
			json_object_set_new(x, "counting", json_string(cn[c]));
			put_result(x, &by_year[c][y], true);
			json_array_append_new(flat, x);
		}
	json_object_set_new(ans, "rows", flat);
	for (int c = 0; c < 2; c++) {
		json_t *x = json_object();
		put_result(x, &total[c], true);
		json_object_set_new(tot, cn[c], x);
	}
	json_object_set_new(ans, "total", tot);
	for (int32_t y = 0; y < n_years; y++) {
		if (!(by_year[0][y].p > 0))
			continue;
		json_t *item = json_object();
		json_object_set_new(item, "year", json_integer(from + y));
		for (int c = 0; c < 2; c++) {
			json_t *x = json_object();
			put_result(x, &by_year[c][y], true);
			json_object_set_new(item, cn[c], x);
		}
		json_array_append_new(years, item);
	}
	json_object_set_new(ans, "years", years);
	double sum[N_OUT];
	for (int j = 0; j < N_OUT; j++)
		sum[j] = (j == OUT_FUNDING || j == OUT_VALUE) ? NAN : 0;
	outputs_add(sum, outputs, k);
	json_t *outs = json_object();
	put_outputs(outs, sum, signed_in);
	json_object_set_new(ans, "outputs", outs);
	*out = ans;
done:
	free(row);
	free(col);
	free(all);
	free(by_year[0]);
	free(by_year[1]);
	free(outputs);
	return rc;
}

int stmap_indicators_organisation(json_t **out, db_conn *db, int64_t id, bool signed_in, bool unpublished)
{
	ind_snapshot *snap;
	int rc;
	if ((rc = ind_snapshot_acquire(&snap, db)) < 0)
		return rc;
	int32_t k = ind_org_index(snap, id);
	if (k < 0 || (!snap->orgs[k].published && !unpublished))
		rc = err_set(ERR_NOTFOUND, "organisation %lld does not exist", (long long)id);
	else
		rc = org_page(out, db, snap, k, signed_in);
	ind_snapshot_release(snap);
	return rc;
}

/* ---- programme indicators ---- */

struct stmap_pub_units {
	ind_snapshot *snap;
};

int stmap_pub_units_load(stmap_pub_units **out, db_conn *db)
{
	stmap_pub_units *u = calloc(1, sizeof *u);
	int rc;
	if (!u)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = ind_snapshot_load(&u->snap, db)) < 0) {
		free(u);
		return rc;
	}
	*out = u;
	return 0;
}

void stmap_pub_units_free(stmap_pub_units *u)
{
	if (!u)
		return;
	ind_snapshot_free(u->snap);
	free(u);
}

static bool pub_filter_passes(const ind_org *o, const stmap_pub_filter *f)
{
	if (f && f->n_kinds) {
		int i = 0;
		while (i < f->n_kinds && !(o->kind && strcmp(o->kind, f->kinds[i]) == 0))
			i++;
		if (i == f->n_kinds)
			return false;
	}
	if (f && f->sector) {
		size_t n = strlen(f->sector);
		const char *s = o->sectors ? o->sectors : "";
		bool found = false;
		for (const char *p = s; *p && !found; p = strchr(p, ',') ? strchr(p, ',') + 1 : p + strlen(p))
			found = strncmp(p, f->sector, n) == 0 && (p[n] == ',' || p[n] == 0);
		if (!found)
			return false;
	}
	return true;
}

int stmap_pub_units_year(const stmap_pub_units *u, int year, bool top10, const stmap_pub_filter *f,
	int (*fn)(void *ctx, const stmap_pub_figure *fig), void *ctx)
{
	const ind_snapshot *snap = u->snap;
	size_t n = (size_t)snap->in.n_orgs;
	int32_t *col = malloc((snap->in.n_pubs ? snap->in.n_pubs : 1) * sizeof *col);
	biblio_result *res = malloc((n ? n : 1) * sizeof *res);
	int rc = 0;
	if (!col || !res) {
		rc = err_set(ERR_NOMEM, "out of memory for %zu works", snap->in.n_pubs);
		goto done;
	}
	for (size_t p = 0; p < snap->in.n_pubs; p++)
		col[p] = snap->pubs[p].counted && snap->pubs[p].year == year ? 0 : -1;
	biblio_grouping g = { .n_rows = snap->in.n_orgs, .pub_col = col, .n_cols = 1 };
	biblio_options o = { .counting = BIBLIO_FRACTIONAL };
	if ((rc = biblio_compute(res, &snap->in, snap->st[BIBLIO_FRACTIONAL], &g, &o)) < 0)
		goto done;
	for (size_t k = 0; k < n && rc == 0; k++) {
		const ind_org *org = &snap->orgs[k];
		double v = top10 ? res[k].p_top[BIBLIO_TOP10] : res[k].p;
		if (!(v > 0) || org->commune < 0 || !pub_filter_passes(org, f))
			continue;
		const ind_unit *un = &snap->units[org->commune];
		stmap_pub_figure fig = { .organisation_id = org->id, .unit_id = un->id, .name = org->name, .kind = org->kind,
			.unit_code = un->code, .unit_name = un->name, .unit_path = un->path, .value = v };
		rc = fn(ctx, &fig);
	}
done:
	free(col);
	free(res);
	return rc;
}

/* ---- the benchmark ---- */

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) * 1e-9;
}

int stmap_indicators_time(stmap_ind_timing *out, db_conn *db, int n_boot, int n_threads)
{
	ind_snapshot *snap;
	struct timespec t0;
	int rc;
	memset(out, 0, sizeof *out);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = ind_snapshot_load(&snap, db)) < 0)
		return rc;
	/* the load includes preparing both countings: time one of them again
	 * to tell them apart */
	out->load_s = seconds_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = biblio_prepare(snap->st[BIBLIO_FULL], &snap->in, BIBLIO_FULL)) < 0
		|| (rc = biblio_prepare(snap->st[BIBLIO_FRACTIONAL], &snap->in, BIBLIO_FRACTIONAL)) < 0)
		goto done;
	out->prepare_s = seconds_since(&t0);
	out->load_s -= out->prepare_s;
	out->works = (int64_t)snap->in.n_pubs;
	out->affiliations = (int64_t)snap->in.n_affils;
	out->organisations = snap->in.n_orgs;
	size_t n = (size_t)snap->in.n_orgs;
	biblio_result *res = malloc((n ? n : 1) * sizeof *res);
	if (!res) {
		rc = err_set(ERR_NOMEM, "out of memory for %zu organisations", n);
		goto done;
	}
	biblio_grouping g = { .n_rows = snap->in.n_orgs, .n_cols = 1 };
	for (int c = 0; c < 2 && rc == 0; c++) {
		biblio_options o = { .counting = (biblio_counting)c, .n_boot = n_boot, .seed = STMAP_BOOT_SEED,
			.n_threads = n_threads };
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if ((rc = biblio_compute(res, &snap->in, snap->st[c], &g, &o)) < 0)
			break;
		*(c == 0 ? &out->full_s : &out->fractional_s) = seconds_since(&t0);
	}
	for (size_t k = 0; k < n; k++)
		out->rows += res[k].p > 0;
	free(res);
done:
	ind_snapshot_free(snap);
	return rc;
}
