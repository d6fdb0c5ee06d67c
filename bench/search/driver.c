/* bench/search/driver: the Vietnamese search engine (src/search/) against
 * SQLite FTS5 bm25() over the same listings folded, in one run.
 *
 *   driver VI_TEXT_DIR N_DOCS N_QUERIES FTS_QUERIES DB_FILE
 *
 * Listings are generated from the real sentences of VI_TEXT_DIR (title: the
 * start of one sentence, summary: one sentence, description: two), a fifth
 * written in NFD and a fifth with old-style tone placement ("hoà"), with
 * facet values (sector, TRL, kind, organisation, commune, transfer types).
 * Queries are 2-3 adjacent syllables of random sentences, half typed with
 * diacritics and half without, classed by how many listings they match:
 * common (>= 1 %) and rare (< 0.1 %). Every query of nq57 asks for facet
 * counts, highlights title and summary, lets the last syllable be a prefix
 * and allows one typo; half also filter on a sector. FTS5 answers the plain
 * ranked top 20 (MATCH, ORDER BY bm25 LIMIT 20), less work than ours.
 * FTS_QUERIES 0 leaves FTS5 out (for profiling).
 * With N_DOCS <= 20000 the driver checks instead: totals and facet counts
 * of exact queries equal SQL's counts over the same rows. */
#include "search/search.h"
#include "util/utf8.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <utf8proc.h>

static void die(const char *what)
{
	fprintf(stderr, "bench/search: %s\n", what);
	exit(1);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of this thread: the machine is shared, so wall time alone
 * measures the neighbours as well. */
static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long peak_rss_mb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss / 1024;
}

static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = (*s += 0x9e3779b97f4a7c15ULL);
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint32_t rng_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(rng_next(s) % n);
}

/* ---- the sentences ---- */

static char **sent;
static int n_sent;

static void load_sentences(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/viwiki_sentences.txt", dir);
	FILE *f = fopen(path, "r");
	if (!f)
		die("cannot open viwiki_sentences.txt");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int room = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n < 20)
			continue;
		if (n_sent == room) {
			room = room ? room * 2 : 4096;
			sent = realloc(sent, (size_t)room * sizeof(*sent));
		}
		sent[n_sent++] = strdup(line);
	}
	free(line);
	fclose(f);
	if (n_sent < 100)
		die("too few sentences");
}

/* The first k words of s, without a trailing comma or full stop. */
static void first_words(char *out, size_t cap, const char *s, int k)
{
	size_t n = 0;
	int words = 0;
	for (const char *p = s; *p && n + 1 < cap; p++) {
		if (*p == ' ' && ++words == k)
			break;
		out[n++] = *p;
	}
	while (n > 0 && strchr(",.;:", out[n - 1]))
		n--;
	out[n] = '\0';
}

/* ---- writing variants ---- */

static bool is_tone(int32_t c)
{
	return c == 0x300 || c == 0x301 || c == 0x303 || c == 0x309 || c == 0x323;
}

static bool is_letter(int32_t c)
{
	utf8proc_category_t k = utf8proc_category(c);
	return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO) ||
	       (k >= UTF8PROC_CATEGORY_MN && k <= UTF8PROC_CATEGORY_ME);
}

/* NFD of s, or with old=true NFC with the tone of a final oa/oe/uy moved
 * to the second vowel ("hòa" -> "hoà"). malloc'd. */
static char *variant(const char *s, bool old)
{
	utf8proc_int32_t *cps = NULL;
	utf8proc_ssize_t n = utf8proc_decompose((const utf8proc_uint8_t *)s, -1, NULL, 0,
		UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE);
	if (n < 0)
		die("utf8proc");
	cps = malloc(((size_t)n + 1) * sizeof(*cps));
	utf8proc_decompose((const utf8proc_uint8_t *)s, -1, cps, n,
		UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE);
	if (old)
		for (utf8proc_ssize_t i = 0; i + 2 < n; i++) {
			int32_t a = cps[i] | 0x20, t = cps[i + 1], b = cps[i + 2] | 0x20;
			bool end = i + 3 >= n || !is_letter(cps[i + 3]);
			if (end && is_tone(t) && ((a == 'o' && (b == 'a' || b == 'e')) ||
						  (a == 'u' && b == 'y')) &&
			    !(a == 'u' && i > 0 && (cps[i - 1] | 0x20) == 'q')) {
				cps[i + 1] = cps[i + 2];
				cps[i + 2] = t;
			}
		}
	utf8proc_ssize_t m = utf8proc_reencode(cps, n, old ? UTF8PROC_COMPOSE : 0);
	if (m < 0)
		die("utf8proc");
	return (char *)cps;
}

/* ---- listings ---- */

static const char *const sectors[] = {
	"ai", "semiconductors", "biotech", "new-materials", "energy", "agritech", "environment",
	"health", "digital", "automation", "space", "quantum"
};
static const char *const kinds[] = { "offer", "problem", "expert" };
static const char *const transfers[] = {
	"assignment-full", "assignment-partial", "licence-exclusive", "licence-non-exclusive",
	"sub-licence", "licence-with-service"
};
static const char *const trls[] = { "1", "2", "3", "4", "5", "6", "7", "8", "9" };
#define N_ORGS 2000
#define N_COMMUNES 126
static char org_name[N_ORGS][12], commune_name[N_COMMUNES][8];

typedef struct listing {
	char title[512], summary[4096], desc[8192];
	char *text[3];        /* the three as written (NFC, NFD or old style) */
	const char *sector, *trl, *kind, *org, *commune;
	const char *transfer[3];
	int n_transfer;
} listing;

static void listing_free(listing *l)
{
	for (int i = 0; i < 3; i++)
		if (l->text[i] != l->title && l->text[i] != l->summary && l->text[i] != l->desc)
			free(l->text[i]);
}

/* Listing i, the same every time it is asked for. */
static void listing_make(listing *l, uint64_t i)
{
	uint64_t s = i * 7919 + 57;
	first_words(l->title, sizeof(l->title), sent[rng_below(&s, (uint32_t)n_sent)],
		    6 + (int)rng_below(&s, 7));
	snprintf(l->summary, sizeof(l->summary), "%s", sent[rng_below(&s, (uint32_t)n_sent)]);
	snprintf(l->desc, sizeof(l->desc), "%s %s", sent[rng_below(&s, (uint32_t)n_sent)],
		 sent[rng_below(&s, (uint32_t)n_sent)]);
	uint32_t how = rng_below(&s, 5);
	char *plain[3] = { l->title, l->summary, l->desc };
	for (int k = 0; k < 3; k++)
		l->text[k] = how == 0 ? variant(plain[k], false) : how == 1 ? variant(plain[k], true)
									 : plain[k];
	/* Skewed facets: a few sectors and organisations hold most listings. */
	uint32_t r = rng_below(&s, 1000);
	l->sector = sectors[r < 300 ? 0 : r < 500 ? 4 : r < 650 ? 8 : rng_below(&s, 12)];
	l->trl = trls[rng_below(&s, 9)];
	l->kind = kinds[rng_below(&s, 10) < 6 ? 0 : rng_below(&s, 3)];
	uint32_t o = rng_below(&s, N_ORGS);
	l->org = org_name[rng_below(&s, 2) ? o % 50 : o];
	l->commune = commune_name[rng_below(&s, N_COMMUNES)];
	l->n_transfer = (int)rng_below(&s, 4);
	for (int k = 0; k < l->n_transfer; k++)
		l->transfer[k] = transfers[rng_below(&s, 6)];
}

static void listing_doc(search_doc *d, const listing *l, const char *const *facet[6])
{
	*d = (search_doc){ .text = { l->text[0], l->text[1], l->text[2] } };
	for (int f = 0; f < 6; f++)
		d->facet[f] = facet[f];
	d->n_facet[0] = d->n_facet[1] = d->n_facet[2] = d->n_facet[3] = d->n_facet[4] = 1;
	d->n_facet[5] = l->n_transfer;
}

static double build_cpu_ms;

static search_index *build_index(uint64_t n, double *ms)
{
	search_schema sc = {
		.n_text = 3,
		.text = { { "title", 3, true }, { "summary", 2, true }, { "description", 1, false } },
		.n_facets = 6,
		.facet = { "sector", "trl", "kind", "organisation", "commune", "transfer_type" },
	};
	search_index *ix = search_index_new(&sc);
	if (!ix)
		die("search_index_new");
	listing l;
	double gen = 0, t0 = now_ms(), c0 = cpu_ms(), cgen = 0;
	for (uint64_t i = 0; i < n; i++) {
		double g0 = now_ms(), h0 = cpu_ms();
		listing_make(&l, i);
		gen += now_ms() - g0;
		cgen += cpu_ms() - h0;
		const char *const sv[] = { l.sector }, *tv[] = { l.trl }, *kv[] = { l.kind },
				  *ov[] = { l.org }, *cv[] = { l.commune };
		const char *const *facet[6] = { sv, tv, kv, ov, cv, l.transfer };
		search_doc d;
		listing_doc(&d, &l, facet);
		if (search_put(ix, (int64_t)i + 1, &d) < 0)
			die("search_put");
		listing_free(&l);
	}
	*ms = now_ms() - t0 - gen;
	build_cpu_ms = cpu_ms() - c0 - cgen;
	return ix;
}

/* ---- SQLite FTS5 over the folded text ---- */

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "bench/search: %s: %s\n", sql, msg);
		exit(1);
	}
}

static char *fold(const char *s)
{
	char *out = NULL;
	if (vn_fold(&out, s, strlen(s)) < 0)
		die("vn_fold");
	return out;
}

static sqlite3 *build_fts(const char *file, uint64_t n, double *ms)
{
	sqlite3 *db;
	remove(file);
	if (sqlite3_open(file, &db) != SQLITE_OK)
		die("cannot open the SQLite file");
	exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;"
		 "CREATE VIRTUAL TABLE listing USING fts5(title, summary, description);"
		 "CREATE TABLE facet(id INTEGER PRIMARY KEY, sector TEXT, trl TEXT, kind TEXT,"
		 " organisation TEXT, commune TEXT);"
		 "CREATE TABLE transfer(id INTEGER, type TEXT)");
	sqlite3_stmt *ins, *fac, *tr;
	sqlite3_prepare_v2(db, "INSERT INTO listing(rowid, title, summary, description) VALUES (?,?,?,?)",
			   -1, &ins, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO facet VALUES (?,?,?,?,?,?)", -1, &fac, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO transfer VALUES (?,?)", -1, &tr, NULL);
	double t0 = now_ms(), gen = 0;
	exec(db, "BEGIN");
	listing l;
	for (uint64_t i = 0; i < n; i++) {
		double g0 = now_ms();
		listing_make(&l, i);
		char *f[3] = { fold(l.text[0]), fold(l.text[1]), fold(l.text[2]) };
		gen += now_ms() - g0;
		sqlite3_bind_int64(ins, 1, (int64_t)i + 1);
		for (int k = 0; k < 3; k++)
			sqlite3_bind_text(ins, 2 + k, f[k], -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			die(sqlite3_errmsg(db));
		sqlite3_reset(ins);
		sqlite3_bind_int64(fac, 1, (int64_t)i + 1);
		const char *v[] = { l.sector, l.trl, l.kind, l.org, l.commune };
		for (int k = 0; k < 5; k++)
			sqlite3_bind_text(fac, 2 + k, v[k], -1, SQLITE_STATIC);
		sqlite3_step(fac);
		sqlite3_reset(fac);
		for (int k = 0; k < l.n_transfer; k++) {
			sqlite3_bind_int64(tr, 1, (int64_t)i + 1);
			sqlite3_bind_text(tr, 2, l.transfer[k], -1, SQLITE_STATIC);
			sqlite3_step(tr);
			sqlite3_reset(tr);
		}
		for (int k = 0; k < 3; k++)
			free(f[k]);
		listing_free(&l);
	}
	exec(db, "COMMIT");
	sqlite3_finalize(ins);
	sqlite3_finalize(fac);
	sqlite3_finalize(tr);
	*ms = now_ms() - t0 - gen;
	return db;
}

/* The FTS5 query of a folded text: every syllable quoted, all required. */
static void fts_match(char *out, size_t cap, const char *folded)
{
	size_t n = 0;
	out[0] = '\0';
	const char *p = folded;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		if (e > p)
			n += (size_t)snprintf(out + n, cap - n, "%s\"%.*s\"", n ? " " : "", (int)(e - p), p);
		p = e;
	}
}

/* ---- queries ---- */

typedef struct query {
	char text[160];
	char folded[160];
	int64_t total;
	const char *sector;   /* filter, or NULL */
} query;

/* 2-3 adjacent syllables (letters only) of a random sentence. */
static bool query_make(query *q, uint64_t *s)
{
	const char *z = sent[rng_below(s, (uint32_t)n_sent)];
	int k = 2 + (int)rng_below(s, 2);
	/* The runs of words without digits or punctuation, the first of k or more. */
	char words[64][48];
	int n = 0;
	for (const char *p = z; *p && n < k + 4;) {
		while (*p == ' ')
			p++;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		size_t len = (size_t)(e - p);
		bool ok = len > 0 && len < 48;
		for (size_t i = 0; ok && i < len; i++)
			ok = (unsigned char)p[i] >= 0x80 || (p[i] >= 'a' && p[i] <= 'z') ||
			     (p[i] >= 'A' && p[i] <= 'Z');
		if (ok) {
			memcpy(words[n], p, len);
			words[n++][len] = '\0';
		} else if (n >= k) {
			break;
		} else {
			n = 0;
		}
		p = e;
	}
	if (n < k)
		return false;
	int at = (int)rng_below(s, (uint32_t)(n - k + 1));
	q->text[0] = '\0';
	for (int i = 0; i < k; i++)
		snprintf(q->text + strlen(q->text), sizeof(q->text) - strlen(q->text), "%s%s",
			 i ? " " : "", words[at + i]);
	char *f = fold(q->text);
	snprintf(q->folded, sizeof(q->folded), "%s", f);
	free(f);
	if (rng_below(s, 2))
		snprintf(q->text, sizeof(q->text), "%s", q->folded);
	q->sector = rng_below(s, 2) ? sectors[rng_below(s, 3) == 0 ? 4 : 0] : NULL;
	return true;
}

static double last_cpu;   /* CPU ms of the last run_* */

static double run_nq57(search_index *ix, const query *q, bool full, int64_t *total)
{
	const char *sv[] = { q->sector };
	search_filter fl = { 0, sv, 1 };
	search_request rq = { .text = q->text, .limit = 20, .facets = full, .prefix = full,
			      .typos = full, .highlight = full ? 3 : 0,
			      .filters = q->sector && full ? &fl : NULL,
			      .n_filters = q->sector && full ? 1 : 0 };
	search_result *r;
	double c0 = cpu_ms(), t0 = now_ms();
	if (search_query(&r, ix, &rq) < 0)
		die("search_query");
	double ms = now_ms() - t0;
	last_cpu = cpu_ms() - c0;
	*total = r->total;
	search_result_free(r);
	return ms;
}

static double run_fts(sqlite3 *db, sqlite3_stmt *st, const query *q)
{
	char m[400];
	fts_match(m, sizeof(m), q->folded);
	double c0 = cpu_ms(), t0 = now_ms();
	sqlite3_bind_text(st, 1, m, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW)
		;
	sqlite3_reset(st);
	(void)db;
	last_cpu = cpu_ms() - c0;
	return now_ms() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double pct(double *v, int n, double p)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	int i = (int)(p * (n - 1) + 0.5);
	return v[i];
}

/* ---- check mode: counts against SQL ---- */

static int check(search_index *ix, sqlite3 *db, int n_queries)
{
	sqlite3_stmt *cnt, *grp;
	sqlite3_prepare_v2(db, "SELECT count(*) FROM listing WHERE listing MATCH ?", -1, &cnt, NULL);
	sqlite3_prepare_v2(db, "SELECT f.sector, count(*) FROM listing JOIN facet f ON f.id = listing.rowid"
			   " WHERE listing MATCH ? GROUP BY f.sector", -1, &grp, NULL);
	uint64_t s = 99;
	int bad = 0, done = 0;
	while (done < n_queries) {
		query q;
		if (!query_make(&q, &s))
			continue;
		done++;
		search_request rq = { .text = q.text, .facets = true };
		search_result *r;
		if (search_query(&r, ix, &rq) < 0)
			die("search_query");
		char m[400];
		fts_match(m, sizeof(m), q.folded);
		sqlite3_bind_text(cnt, 1, m, -1, SQLITE_TRANSIENT);
		sqlite3_step(cnt);
		int64_t want = sqlite3_column_int64(cnt, 0);
		sqlite3_reset(cnt);
		if (want != r->total) {
			printf("  differs: \"%s\": nq57 %lld, SQL %lld\n", q.text, (long long)r->total,
			       (long long)want);
			bad++;
		}
		sqlite3_bind_text(grp, 1, m, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(grp) == SQLITE_ROW) {
			const char *v = (const char *)sqlite3_column_text(grp, 0);
			int64_t c = sqlite3_column_int64(grp, 1), got = 0;
			for (int k = 0; k < r->facets[0].n_values; k++)
				if (strcmp(r->facets[0].values[k].value, v) == 0)
					got = r->facets[0].values[k].count;
			if (got != c) {
				printf("  differs: \"%s\" sector %s: nq57 %lld, SQL %lld\n", q.text, v,
				       (long long)got, (long long)c);
				bad++;
			}
		}
		sqlite3_reset(grp);
		search_result_free(r);
	}
	sqlite3_finalize(cnt);
	sqlite3_finalize(grp);
	printf("check: %d queries, totals and sector counts against SQL: %s\n", n_queries,
	       bad ? "DIFFER" : "equal");
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc != 6)
		die("usage: driver VI_TEXT_DIR N_DOCS N_QUERIES FTS_QUERIES DB_FILE");
	uint64_t n_docs = strtoull(argv[2], NULL, 10);
	int n_queries = atoi(argv[3]), fts_queries = atoi(argv[4]);
	load_sentences(argv[1]);
	for (int i = 0; i < N_ORGS; i++)
		snprintf(org_name[i], sizeof(org_name[i]), "org:%d", i + 1);
	for (int i = 0; i < N_COMMUNES; i++)
		snprintf(commune_name[i], sizeof(commune_name[i]), "%05d", 4 + 3 * i);

	long rss0 = peak_rss_mb();
	double build_ms;
	search_index *ix = build_index(n_docs, &build_ms);
	long rss1 = peak_rss_mb();
	printf("nq57 index: %llu listings (%d sentences) in %.1f s (%.1f s CPU, %.0f listings/s), "
	       "%.0f MB held, peak RSS +%ld MB\n", (unsigned long long)n_docs, n_sent, build_ms / 1e3,
	       build_cpu_ms / 1e3, n_docs / (build_ms / 1e3), search_index_memory(ix) / 1048576.0,
	       rss1 - rss0);
	fflush(stdout);

	double fts_ms;
	sqlite3 *db = NULL;
	if (fts_queries > 0) {
		db = build_fts(argv[5], n_docs, &fts_ms);
		printf("SQLite %s FTS5 table: built in %.1f s\n", sqlite3_libversion(), fts_ms / 1e3);
		fflush(stdout);
	}
	if (n_docs <= 20000 && db) {
		int rc = check(ix, db, n_queries);
		sqlite3_close(db);
		search_index_free(ix);
		return rc;
	}

	/* Queries, classed by the matches of the exact query. */
	query *common = calloc((size_t)n_queries, sizeof(query));
	query *rare = calloc((size_t)n_queries, sizeof(query));
	int n_common = 0, n_rare = 0, tried = 0;
	uint64_t s = 2026;
	while ((n_common < n_queries || n_rare < n_queries) && tried < 200 * n_queries) {
		query q;
		if (!query_make(&q, &s))
			continue;
		tried++;
		int64_t total;
		run_nq57(ix, &q, false, &total);
		q.total = total;
		if (total >= (int64_t)n_docs / 100 && n_common < n_queries)
			common[n_common++] = q;
		else if (total > 0 && total < (int64_t)n_docs / 1000 && n_rare < n_queries)
			rare[n_rare++] = q;
	}
	printf("queries: %d common (>= 1 %% of listings), %d rare (< 0.1 %%), from %d drawn\n",
	       n_common, n_rare, tried);

	sqlite3_stmt *st = NULL;
	if (db)
		sqlite3_prepare_v2(db, "SELECT rowid FROM listing WHERE listing MATCH ?"
			   " ORDER BY bm25(listing, 3.0, 2.0, 1.0) LIMIT 20", -1, &st, NULL);
	printf("%-7s %-6s %6s | %8s %8s %8s %8s | %8s %8s %8s\n", "queries", "engine", "n",
	       "p50 ms", "p95 ms", "p99 ms", "max ms", "cpu p50", "cpu p95", "cpu p99");
	double p95[2][2], c95[2][2];
	for (int c = 0; c < 2; c++) {
		query *qs = c ? rare : common;
		int nq = c ? n_rare : n_common;
		double *t = malloc((size_t)(nq + 1) * sizeof(double));
		double *u = malloc((size_t)(nq + 1) * sizeof(double));
		for (int e = 0; e < 2; e++) {
			int nr = e == 0 ? nq : nq < fts_queries ? nq : fts_queries;
			if (e == 1 && !db)
				break;
			for (int i = 0; i < nr; i++) {
				int64_t total;
				t[i] = e == 0 ? run_nq57(ix, &qs[i], true, &total) : run_fts(db, st, &qs[i]);
				u[i] = last_cpu;
				/* VERBOSE=1: the slow ones, to see what the tail is made of */
				if (e == 0 && getenv("VERBOSE") && u[i] > 10)
					printf("  %.1f ms cpu \"%s\"%s%s: %lld of %lld\n", u[i], qs[i].text,
					       qs[i].sector ? " sector " : "", qs[i].sector ? qs[i].sector : "",
					       (long long)total, (long long)qs[i].total);
			}
			double p50 = pct(t, nr, 0.5);
			p95[c][e] = pct(t, nr, 0.95);
			double p99 = pct(t, nr, 0.99), mx = t[nr - 1];
			double u50 = pct(u, nr, 0.5);
			c95[c][e] = pct(u, nr, 0.95);
			printf("%-7s %-6s %6d | %8.2f %8.2f %8.2f %8.2f | %8.2f %8.2f %8.2f\n",
			       c ? "rare" : "common", e ? "fts5" : "nq57", nr, p50, p95[c][e], p99, mx, u50,
			       c95[c][e], pct(u, nr, 0.99));
			fflush(stdout);
		}
		free(t);
		free(u);
	}
	if (db)
		printf("p95 FTS5 / nq57: common %.1fx, rare %.1fx (goal >= 10x); in CPU time %.1fx, %.1fx\n",
		       p95[0][1] / p95[0][0], p95[1][1] / p95[1][0], c95[0][1] / c95[0][0],
		       c95[1][1] / c95[1][0]);
	sqlite3_finalize(st);

	/* A live update: a new listing, then the next query finds it. */
	const char *title = "Cảm biến zyxwvu đo độ mặn cho ruộng lúa";
	const char *const sv[] = { "agritech" };
	search_doc d = { .text = { title, "Thiết bị mới", "" }, .facet = { sv }, .n_facet = { 1 } };
	double t0 = now_ms();
	if (search_put(ix, (int64_t)n_docs + 1, &d) < 0)
		die("search_put");
	double put_ms = now_ms() - t0;
	query lq = { .text = "zyxwvu do man", .folded = "zyxwvu do man" };
	int64_t total;
	double q_ms = run_nq57(ix, &lq, true, &total);
	printf("live update: put %.2f ms, next query %.2f ms, found: %s (goal < 100 ms)\n", put_ms, q_ms,
	       total == 1 ? "yes" : "NO");
	printf("peak RSS %ld MB\n", peak_rss_mb());
	sqlite3_close(db);
	search_index_free(ix);
	free(common);
	free(rare);
	return total == 1 ? 0 : 1;
}
