/* Tests analytics/index against a published reference build: the ASEM
 * Sustainable Connectivity index, COINr's example (51 countries, 49
 * indicators, 8 pillars, 2 sub-indices, the Index), every stage of which
 * is in ../shared/data/index-validation/asem beside the repository (see
 * its README). The index is built from the reference's own metadata
 * (IndMeta, AggMeta, Weights, Denominators), evaluated from the raw data,
 * and every stage is compared: Denominated, Imputed (group means by
 * Group_EurAsia), Treated with TreatSummary and TreatFlags, Normalised,
 * Aggregated (indicators and aggregates), the published ranks and rounded
 * scores. The reference CSVs print 15 significant digits; values must
 * agree within 1e-9.
 *
 * The folder is found from the repository root, NQ57_SOURCE_ROOT (set by
 * tests/unit/meson.build; "." when unset, as when run from the root).
 * Without the folder every test reports itself skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analytics/index.h"
#include "util/csv.h"
#include "util/err.h"

#define ASEM_DIR "../shared/data/index-validation/asem"
#define TOL 1e-9
#define MAX_COLS 256
#define MAX_UNITS 64
#define MAX_GROUPS 16
#define DIR_MAX 1024

/* A CSV file: the header and then the rows, every field a malloc'd string. */
typedef struct table {
	int n_rows, n_cols;   /* n_rows without the header */
	char **cells;         /* (n_rows + 1) x n_cols */
} table;

static const char *cell(const table *t, int row, int col) { return t->cells[(size_t)(row + 1) * t->n_cols + col]; }

static int table_col(const table *t, const char *name)
{
	for (int c = 0; c < t->n_cols; c++)
		if (strcmp(t->cells[c], name) == 0)
			return c;
	return -1;
}

static int must_col(const table *t, const char *name, const char *file)
{
	int c = table_col(t, name);
	if (c < 0)
		fail_msg("%s: no column %s", file, name);
	return c;
}

/* The row whose first field is key. */
static int table_row(const table *t, const char *key)
{
	for (int r = 0; r < t->n_rows; r++)
		if (strcmp(cell(t, r, 0), key) == 0)
			return r;
	return -1;
}

/* An empty field is missing. */
static double cell_num(const table *t, int row, int col)
{
	const char *s = cell(t, row, col);
	if (!*s)
		return NAN;
	char *end;
	double v = strtod(s, &end);
	if (*end)
		fail_msg("row %d column %s: '%s' is not a number", row + 2, t->cells[col], s);
	return v;
}

static void table_free(table *t)
{
	for (size_t i = 0; i < (size_t)(t->n_rows + 1) * t->n_cols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

static char *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	str s = STR_INIT;
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		str_appendn(&s, buf, n);
	fclose(f);
	*len = s.len;
	return str_detach(&s);
}

/* The end of the record starting at p: the first line end outside quotes. */
static const char *record_end(const char *p, const char *end)
{
	bool quoted = false;
	for (; p < end; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (*p == '\n' && !quoted)
			break;
	}
	return p;
}

/* Parses p[0..len) (a piece of a record) with util/csv, appending its
 * fields to out[*n]. */
static void parse_piece(const char *p, size_t len, char **out, int *n, int line)
{
	if (len == 0) {   /* one empty field, which csv_read would skip as a blank line */
		out[(*n)++] = strdup("");
		return;
	}
	csv_reader r;
	csv_init(&r, p, len);
	csv_record rec;
	if (csv_read(&r, &rec) != 1)
		fail_msg("line %d: %s", line, err_msg());
	for (int i = 0; i < rec.n; i++) {
		if (*n == MAX_COLS)
			fail_msg("line %d: more than %d fields", line, MAX_COLS);
		out[(*n)++] = strdup(rec.f[i]);
	}
	csv_free(&r);
}

/* One record. util/csv reads at most CSV_MAX_FIELDS fields a record and
 * ASEM_COIN6_Aggregated.csv has 67, so the record is cut at commas
 * outside quotes into pieces of at most CSV_MAX_FIELDS fields, and
 * csv_read parses each piece (quotes, doubled quotes). */
static int read_record(const char *p, const char *end, char **out, int line)
{
	int n = 0, fields = 0;
	bool quoted = false;
	const char *piece = p;
	if (end > p && end[-1] == '\r')
		end--;
	for (const char *q = p; q <= end; q++) {
		if (q < end && *q == '"') {
			quoted = !quoted;
			continue;
		}
		if (q < end && (*q != ',' || quoted))
			continue;
		/* a field ends at q */
		if (++fields == CSV_MAX_FIELDS || q == end) {
			parse_piece(piece, (size_t)(q - piece), out, &n, line);
			piece = q + 1;
			fields = 0;
		}
	}
	return n;
}

static void table_load(table *t, const char *dir, const char *name)
{
	char path[DIR_MAX + 128];   /* dir is at most DIR_MAX */
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	size_t len = 0;
	char *text = read_whole(path, &len);
	if (!text)
		fail_msg("cannot read %s", path);
	memset(t, 0, sizeof(*t));
	const char *p = text, *end = text + len;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	int cap = 0, line = 1;
	while (p < end) {
		const char *e = record_end(p, end);
		if (e > p && !(e == p + 1 && *p == '\r')) {
			char *f[MAX_COLS];
			int n = read_record(p, e, f, line);
			if (t->n_cols == 0)
				t->n_cols = n;
			if (n != t->n_cols)
				fail_msg("%s line %d: %d fields, the header has %d", name, line, n, t->n_cols);
			if ((t->n_rows + 1) * t->n_cols > cap) {
				cap = cap ? 2 * cap : 64 * t->n_cols;
				t->cells = realloc(t->cells, (size_t)cap * sizeof(char *));
				assert_non_null(t->cells);
			}
			memcpy(t->cells + (size_t)t->n_rows * t->n_cols, f, (size_t)n * sizeof(char *));
			t->n_rows++;   /* counting the header until the end */
		}
		for (const char *q = p; q < e; q++)
			line += *q == '\n';
		line++;
		p = e + 1;
	}
	free(text);
	if (t->n_rows == 0)
		fail_msg("%s is empty", name);
	t->n_rows--;   /* the header */
}

/* ---- the reference data, the index built from it, and the result ---- */

enum { T_RAW, T_IND, T_AGG, T_WEIGHTS, T_DEN, T_DENOMINATED, T_IMPUTED, T_TREATED, T_SUMMARY, T_FLAGS,
	T_NORMALISED, T_AGGREGATED, T_RANKS, T_SCORES, N_TABLES };

static const char *const files[N_TABLES] = {
	"ASEM_COIN6_Raw.csv", "ASEM_COIN6_IndMeta.csv", "ASEM_COIN6_AggMeta.csv", "ASEM_COIN6_Weights.csv",
	"ASEM_COIN6_Denominators.csv", "ASEM_COIN6_Denominated.csv", "ASEM_COIN6_Imputed.csv",
	"ASEM_COIN6_Treated.csv", "ASEM_COIN6_TreatSummary.csv", "ASEM_COIN6_TreatFlags.csv",
	"ASEM_COIN6_Normalised.csv", "ASEM_COIN6_Aggregated.csv", "ASEM_COIN6_Results_AggregatesRank.csv",
	"ASEM_COIN6_Results_AggregatesScore_rounded.csv",
};

typedef struct asem {
	bool absent;
	table t[N_TABLES];
	index_def def;
	double *values, *den;
	int groups[MAX_UNITS];
	const char *units[MAX_UNITS];
	int n_units;
	index_options opt;
	index_result r;
} asem;

static double weight_of(const table *w, int level, const char *code)
{
	int lc = must_col(w, "AgLevel", "Weights"), cc = must_col(w, "Code", "Weights"),
	    wc = must_col(w, "Weight", "Weights");
	for (int r = 0; r < w->n_rows; r++)
		if (atoi(cell(w, r, lc)) == level && strcmp(cell(w, r, cc), code) == 0)
			return cell_num(w, r, wc);
	fail_msg("Weights: no weight for %s at level %d", code, level);
	return NAN;
}

/* Aggregates from AggMeta (a code at AgLevel L is a value of IndMeta's
 * Agg<L-1>, its parent the value beside it in Agg<L>, none above the
 * top), then the indicators of IndMeta under their Agg1. */
static void build_def(asem *a)
{
	const table *ind = &a->t[T_IND], *agg = &a->t[T_AGG], *w = &a->t[T_WEIGHTS], *den = &a->t[T_DEN];
	index_def *d = &a->def;
	index_def_init(d);
	int lc = must_col(agg, "AgLevel", "AggMeta"), cc = must_col(agg, "Code", "AggMeta");
	for (int r = 0; r < agg->n_rows; r++) {
		int level = atoi(cell(agg, r, lc));
		const char *code = cell(agg, r, cc);
		char own[16], up[16];
		snprintf(own, sizeof(own), "Agg%d", level - 1);
		snprintf(up, sizeof(up), "Agg%d", level);
		int oc = must_col(ind, own, "IndMeta"), uc = table_col(ind, up);
		const char *parent = NULL;
		for (int i = 0; i < ind->n_rows && uc >= 0; i++)
			if (strcmp(cell(ind, i, oc), code) == 0) {
				if (parent && strcmp(parent, cell(ind, i, uc)) != 0)
					fail_msg("IndMeta: %s has parents %s and %s", code, parent, cell(ind, i, uc));
				parent = cell(ind, i, uc);
			}
		if (index_def_aggregate(d, code, parent, weight_of(w, level, code)) != 0)
			fail_msg("%s", err_msg());
	}
	int ic = must_col(ind, "IndCode", "IndMeta"), dc = must_col(ind, "Direction", "IndMeta"),
	    pc = must_col(ind, "Agg1", "IndMeta"), nc = must_col(ind, "Denominator", "IndMeta"),
	    tc = must_col(ind, "Target", "IndMeta");
	for (int i = 0; i < ind->n_rows; i++) {
		const char *code = cell(ind, i, ic);
		if (index_def_indicator(d, code, cell(ind, i, pc), weight_of(w, 1, code), atoi(cell(ind, i, dc))) != 0)
			fail_msg("%s", err_msg());
		index_node *n = &d->nodes[index_def_find(d, code)];
		n->target = cell_num(ind, i, tc);
		if (*cell(ind, i, nc))   /* columns 7.. of Denominators are the denominators */
			n->denominator = must_col(den, cell(ind, i, nc), "Denominators") - 7;
	}
}

/* Units in Raw's order; values by indicator code; denominators by unit
 * code; groups numbered in order of appearance. */
static void build_input(asem *a, index_input *in)
{
	const table *raw = &a->t[T_RAW], *den = &a->t[T_DEN];
	const index_def *d = &a->def;
	a->n_units = raw->n_rows;
	assert_true(a->n_units <= MAX_UNITS);
	assert_string_equal(den->cells[7], "Den_Area");
	int n_den = den->n_cols - 7, gc = must_col(raw, "Group_EurAsia", "Raw");
	a->values = malloc(sizeof(double) * (size_t)(a->n_units * d->n_indicators));
	a->den = malloc(sizeof(double) * (size_t)(a->n_units * n_den));
	const char *groups[MAX_GROUPS];
	int n_groups = 0;
	for (int u = 0; u < a->n_units; u++) {
		a->units[u] = cell(raw, u, 0);
		for (int i = 0; i < d->n_nodes; i++)
			if (d->nodes[i].indicator)
				a->values[u * d->n_indicators + d->nodes[i].column] =
					cell_num(raw, u, must_col(raw, d->nodes[i].code, "Raw"));
		int dr = table_row(den, a->units[u]);
		if (dr < 0)
			fail_msg("Denominators: no row for %s", a->units[u]);
		for (int k = 0; k < n_den; k++)
			a->den[u * n_den + k] = cell_num(den, dr, 7 + k);
		int g = 0;
		while (g < n_groups && strcmp(groups[g], cell(raw, u, gc)) != 0)
			g++;
		if (g == n_groups) {
			assert_true(n_groups < MAX_GROUPS);
			groups[n_groups++] = cell(raw, u, gc);
		}
		a->groups[u] = g;
	}
	*in = (index_input){ .n_units = a->n_units, .values = a->values, .denominators = a->den,
		.n_denominators = n_den, .groups = a->groups, .unit_codes = a->units };
}

/* COINr's build_ASEM(): group means by Group_EurAsia, winsorising up to
 * ceil(units / 10) = 6 distinct values (TreatSpec "Default, winmax = 6"),
 * min-max 0..100, arithmetic means; the published table ranks scores
 * rounded to 2 decimals. */
static void set_options(asem *a)
{
	a->opt = index_options_default();
	a->opt.impute = INDEX_IMPUTE_GROUP_MEAN;
	a->opt.treat.winmax = (a->n_units + 9) / 10;
	a->opt.rank_digits = 2;
	char spec[64];
	snprintf(spec, sizeof(spec), "Default, winmax = %d", a->opt.treat.winmax);
	const table *s = &a->t[T_SUMMARY];
	assert_string_equal(cell(s, 0, must_col(s, "TreatSpec", "TreatSummary")), spec);
}

static int setup(void **state)
{
	static asem a;
	memset(&a, 0, sizeof(a));
	*state = &a;
	const char *root = getenv("NQ57_SOURCE_ROOT");
	char dir[DIR_MAX], probe[DIR_MAX + 128];
	snprintf(dir, sizeof(dir), "%s/%s", root && *root ? root : ".", ASEM_DIR);
	snprintf(probe, sizeof(probe), "%s/%s", dir, files[T_RAW]);
	if (access(probe, R_OK) != 0) {
		printf("test_index_asem: skipped, needs %s\n", ASEM_DIR);
		a.absent = true;
		return 0;
	}
	for (int i = 0; i < N_TABLES; i++)
		table_load(&a.t[i], dir, files[i]);
	build_def(&a);
	index_input in;
	build_input(&a, &in);
	set_options(&a);
	if (index_evaluate(&a.r, &a.def, &in, &a.opt) != 0) {
		print_error("evaluate: %s\n", err_msg());
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	asem *a = *state;
	index_result_free(&a->r);
	index_def_free(&a->def);
	free(a->values);
	free(a->den);
	for (int i = 0; i < N_TABLES; i++)
		table_free(&a->t[i]);
	return 0;
}

static asem *data(void **state)
{
	asem *a = *state;
	if (a->absent)
		skip();
	return a;
}

/* The unit's row in the reference table. */
static int unit_row(const table *t, const char *unit, const char *file)
{
	int r = table_row(t, unit);
	if (r < 0)
		fail_msg("%s: no row for %s", file, unit);
	return r;
}

/* Compares one of our matrices (n_units x cols, column col_of(node)) with
 * the reference table's columns named by nodes; prints the largest
 * difference; fails on the first value off by more than TOL or missing
 * on one side only. Returns how many values were compared. */
static int compare_nodes(const asem *a, const table *t, const char *file, bool aggregates, const double *m,
	int cols)
{
	double worst = 0;
	int compared = 0;
	for (int i = 0; i < a->def.n_nodes; i++) {
		const index_node *n = &a->def.nodes[i];
		if (n->indicator == aggregates)
			continue;
		int c = must_col(t, n->code, file);
		for (int u = 0; u < a->n_units; u++) {
			double want = cell_num(t, unit_row(t, a->units[u], file), c), got = m[u * cols + n->column];
			if (isnan(want) != isnan(got))
				fail_msg("%s %s %s: %.17g, reference %.17g", file, a->units[u], n->code, got, want);
			if (!isnan(want)) {
				if (!(fabs(got - want) <= TOL))
					fail_msg("%s %s %s: %.17g, reference %.17g (off by %.3g)", file, a->units[u], n->code,
						got, want, fabs(got - want));
				worst = fmax(worst, fabs(got - want));
			}
			compared++;
		}
	}
	print_message("%s: %d values, the largest difference %.3g\n", file, compared, worst);
	return compared;
}

static int missing_count(const double *m, int n)
{
	int k = 0;
	for (int i = 0; i < n; i++)
		k += isnan(m[i]);
	return k;
}

static void test_index_asem__denominated(void **state)
{
	asem *a = data(state);
	assert_int_equal(a->def.n_indicators, 49);
	assert_int_equal(a->def.n_aggregates, 11);
	assert_int_equal(a->n_units, 51);
	assert_int_equal(a->t[T_DENOMINATED].n_rows, a->n_units);
	compare_nodes(a, &a->t[T_DENOMINATED], "Denominated", false, a->r.denominated, 49);
	/* 63 missing in the raw data, and 2 more where a unit's denominator
	 * is missing and two indicators divide by it */
	assert_int_equal(missing_count(a->values, 51 * 49), 63);
	assert_int_equal(missing_count(a->r.denominated, 51 * 49), 65);
}

static void test_index_asem__imputed(void **state)
{
	asem *a = data(state);
	compare_nodes(a, &a->t[T_IMPUTED], "Imputed", false, a->r.imputed, 49);
	assert_int_equal(missing_count(a->r.imputed, 51 * 49), 0);
}

/* Treated values; TreatSummary's Low and High (points changed) and
 * Treatment ("Winsorised N points": distinct values); TreatFlags. */
static void test_index_asem__treated(void **state)
{
	asem *a = data(state);
	compare_nodes(a, &a->t[T_TREATED], "Treated", false, a->r.treated, 49);
	const table *s = &a->t[T_SUMMARY], *f = &a->t[T_FLAGS];
	int lc = must_col(s, "Low", "TreatSummary"), hc = must_col(s, "High", "TreatSummary"),
	    tc = must_col(s, "Treatment", "TreatSummary");
	int treated = 0, points = 0;
	for (int i = 0; i < a->def.n_nodes; i++) {
		const index_node *n = &a->def.nodes[i];
		if (!n->indicator)
			continue;
		const index_treat_info *info = &a->r.treat[n->column];
		int row = unit_row(s, n->code, "TreatSummary");
		char text[64];
		if (info->winsorised)
			snprintf(text, sizeof(text), "Winsorised %d points", info->winsorised);
		else
			snprintf(text, sizeof(text), "None");
		if (info->low != atoi(cell(s, row, lc)) || info->high != atoi(cell(s, row, hc))
			|| strcmp(text, cell(s, row, tc)) != 0 || info->logged)
			fail_msg("TreatSummary %s: low %d high %d \"%s\"%s, reference low %s high %s \"%s\"", n->code,
				info->low, info->high, text, info->logged ? " logged" : "", cell(s, row, lc), cell(s, row, hc),
				cell(s, row, tc));
		treated += info->winsorised > 0;
		points += info->low + info->high;
		int fc = must_col(f, n->code, "TreatFlags");
		for (int u = 0; u < a->n_units; u++) {
			unsigned char flag = a->r.flags[u * 49 + n->column];
			const char *want = cell(f, unit_row(f, a->units[u], "TreatFlags"), fc);
			const char *got = flag == INDEX_FLAG_HIGH ? "WHigh" : flag == INDEX_FLAG_LOW ? "WLow" : "No";
			if (strcmp(got, want) != 0)
				fail_msg("TreatFlags %s %s: %s, reference %s", a->units[u], n->code, got, want);
		}
	}
	print_message("TreatSummary: %d indicators winsorised, %d points, none logged\n", treated, points);
	assert_int_equal(treated, 15);
}

static void test_index_asem__normalised(void **state)
{
	asem *a = data(state);
	compare_nodes(a, &a->t[T_NORMALISED], "Normalised", false, a->r.normalised, 49);
}

/* Every column of Aggregated after the unit's own: the 49 normalised
 * indicators and the 11 aggregates. */
static void test_index_asem__aggregated(void **state)
{
	asem *a = data(state);
	const table *t = &a->t[T_AGGREGATED];
	assert_int_equal(t->n_cols, 7 + 49 + 11);
	int n = compare_nodes(a, t, "Aggregated (indicators)", false, a->r.normalised, 49);
	n += compare_nodes(a, t, "Aggregated (aggregates)", true, a->r.scores, 11);
	assert_int_equal(n, 51 * (49 + 11));
}

/* The published ranks: scores rounded to 2 decimals, ties at the
 * smallest rank. Unrounded, two would differ: Russia's Economic and
 * Financial (Con) 6.61598 is 48th behind Japan's 6.61894, both 6.62 and
 * 47th in the table; Portugal's Institutional 77.5655 behind
 * Luxembourg's 77.5750, both 77.57 and 3rd. */
static void test_index_asem__ranks(void **state)
{
	asem *a = data(state);
	const table *t = &a->t[T_RANKS];
	int compared = 0, unrounded_differ = 0, rank[MAX_UNITS];
	double col[MAX_UNITS];
	for (int c = 2; c < t->n_cols; c++) {
		int i = index_def_find(&a->def, t->cells[c]);
		if (i < 0 || a->def.nodes[i].indicator)
			fail_msg("Results_AggregatesRank: %s is not an aggregate", t->cells[c]);
		int k = a->def.nodes[i].column;
		for (int u = 0; u < a->n_units; u++)
			col[u] = a->r.scores[u * 11 + k];
		assert_int_equal(index_rank(rank, col, a->n_units, -1), 0);
		for (int u = 0; u < a->n_units; u++) {
			int want = atoi(cell(t, unit_row(t, a->units[u], "Results_AggregatesRank"), c));
			if (a->r.ranks[u * 11 + k] != want)
				fail_msg("Results_AggregatesRank %s %s: %d, reference %d", a->units[u], t->cells[c],
					a->r.ranks[u * 11 + k], want);
			unrounded_differ += rank[u] != want;
			compared++;
		}
	}
	print_message("Results_AggregatesRank: %d ranks equal (%d would differ unrounded)\n", compared,
		unrounded_differ);
	assert_int_equal(compared, 51 * 11);
	assert_int_equal(unrounded_differ, 2);
}

/* The published scores are ours rounded to 2 decimals; Rank is the
 * Index's rank. */
static void test_index_asem__published_scores(void **state)
{
	asem *a = data(state);
	const table *t = &a->t[T_SCORES];
	int rc = must_col(t, "Rank", "Results_AggregatesScore_rounded"), compared = 0;
	int ix = a->def.nodes[index_def_find(&a->def, "Index")].column;
	for (int r = 0; r < t->n_rows; r++) {
		int u = 0;
		while (u < a->n_units && strcmp(a->units[u], cell(t, r, 0)) != 0)
			u++;
		assert_true(u < a->n_units);
		assert_int_equal(a->r.ranks[u * 11 + ix], atoi(cell(t, r, rc)));
		for (int c = rc + 1; c < t->n_cols; c++) {
			int i = index_def_find(&a->def, t->cells[c]);
			assert_true(i >= 0);
			double got = index_round(a->r.scores[u * 11 + a->def.nodes[i].column], 2);
			if (!(fabs(got - cell_num(t, r, c)) <= TOL))
				fail_msg("Results_AggregatesScore_rounded %s %s: %.2f, reference %s", a->units[u], t->cells[c],
					got, cell(t, r, c));
			compared++;
		}
	}
	print_message("Results_AggregatesScore_rounded: %d scores equal at 2 decimals, and the Index ranks\n", compared);
	assert_int_equal(compared, 51 * 11);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_asem__denominated),
		cmocka_unit_test(test_index_asem__imputed),
		cmocka_unit_test(test_index_asem__treated),
		cmocka_unit_test(test_index_asem__normalised),
		cmocka_unit_test(test_index_asem__aggregated),
		cmocka_unit_test(test_index_asem__ranks),
		cmocka_unit_test(test_index_asem__published_scores),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
