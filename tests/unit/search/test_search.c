/* Tests for search/: Vietnamese text written in NFC, NFD and old-style
 * tone placement found alike, folded queries, the exact diacritics ranked
 * first, typos, prefixes, phrases, facet counts against a brute-force
 * count, highlighting, live changes and readers beside a writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"
#include "util/err.h"

enum { F_TITLE, F_SUMMARY, F_DESC };
enum { X_SECTOR, X_TRL, X_TRANSFER };

static search_index *new_index(void)
{
	search_schema s = {
		.n_text = 3,
		.text = { { "title", 3, true }, { "summary", 2, true }, { "description", 1, false } },
		.n_facets = 3,
		.facet = { "sector", "trl", "transfer_type" },
	};
	search_index *ix = search_index_new(&s);
	assert_non_null(ix);
	return ix;
}

static void put(search_index *ix, int64_t id, const char *title, const char *summary)
{
	search_doc d = { .text = { title, summary, NULL } };
	assert_int_equal(search_put(ix, id, &d), 0);
}

/* The ids found for text, best first, as "1,3,2". */
static const char *ids(search_index *ix, const char *text, bool prefix, bool typos)
{
	static char buf[512];
	search_request rq = { .text = text, .prefix = prefix, .typos = typos, .limit = 50 };
	search_result *r;
	assert_int_equal(search_query(&r, ix, &rq), 0);
	buf[0] = '\0';
	for (int i = 0; i < r->n_hits; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%lld", i ? "," : "",
			 (long long)r->hits[i].doc_id);
	assert_int_equal(r->total, r->n_hits);
	search_result_free(r);
	return buf;
}

/* "hòa" in NFC, in NFD and in the old placement "hoà", as UTF-8 bytes. */
#define HOA_NFC "h\xc3\xb2" "a"              /* h ò a */
#define HOA_NFD "ho\xcc\x80" "a"             /* h o U+0300 a */
#define HOA_OLD "ho\xc3\xa0"                 /* h o à */
#define THUY_OLD "Thu\xe1\xbb\xb7"           /* Thuỷ */

static void test_search__nfc_nfd_old_tone(void **state)
{
	(void)state;
	search_index *ix = new_index();
	put(ix, 1, "Hòa bình và phát triển", NULL);
	put(ix, 2, HOA_NFD " bình và phát triển", NULL);
	put(ix, 3, HOA_OLD " bình và phát triển", NULL);
	put(ix, 4, THUY_OLD " lợi nội đồng", NULL);
	put(ix, 5, "Hóa học xanh", NULL);
	/* Each way of writing the query finds all three, scored alike. */
	const char *forms[] = { HOA_NFC " bình", HOA_NFD " bình", HOA_OLD " bình" };
	for (int i = 0; i < 3; i++) {
		search_request rq = { .text = forms[i] };
		search_result *r;
		assert_int_equal(search_query(&r, ix, &rq), 0);
		assert_int_equal(r->total, 3);
		assert_true(r->hits[0].score == r->hits[2].score);
		assert_string_equal(r->terms[0].folded, "hoa");
		assert_string_equal(r->terms[0].text, "hòa");
		search_result_free(r);
	}
	/* "hòa" typed exactly ranks the three above "hóa" that only folds alike. */
	assert_string_equal(ids(ix, "hoà", false, false), "3,2,1,5");
	assert_string_equal(ids(ix, "thủy lợi", false, false), "4");
	assert_string_equal(ids(ix, "THUY LOI", false, false), "4");
	search_index_free(ix);
}

static void test_search__folded(void **state)
{
	(void)state;
	search_index *ix = new_index();
	put(ix, 1, "Đào tạo nguồn nhân lực số", "Chương trình đào tạo kỹ sư");
	put(ix, 2, "Dao cắt laser", "Tạo hình kim loại");
	put(ix, 3, "Nuôi trồng thủy sản", NULL);
	/* All syllables must match: 2 has "dao" and "tao" in other fields. */
	assert_string_equal(ids(ix, "dao tao", false, false), "1,2");
	assert_string_equal(ids(ix, "DAO TAO nhan luc", false, false), "1");
	assert_string_equal(ids(ix, "đào tạo", false, false), "1,2");
	assert_string_equal(ids(ix, "thuy san", false, false), "3");
	assert_string_equal(ids(ix, "dao tao vu tru", false, false), "");
	search_index_free(ix);
}

static void test_search__exact_diacritics_first(void **state)
{
	(void)state;
	search_index *ix = new_index();
	put(ix, 1, "Đại dương xanh", "Bảo vệ biển");
	put(ix, 2, "Con đường mới", "Bảo vệ biển");
	put(ix, 3, "Dưỡng chất cây", NULL);
	put(ix, 4, "Đương đầu thách thức", NULL);
	/* Every fold of duong matches; the one written as typed comes first. */
	assert_int_equal(ids(ix, "đường", false, false)[0], '2');
	assert_int_equal(strlen(ids(ix, "đường", false, false)), 7);
	assert_int_equal(ids(ix, "dương", false, false)[0], '1');
	assert_int_equal(ids(ix, "dưỡng", false, false)[0], '3');
	assert_int_equal(ids(ix, "đương", false, false)[0], '4');
	/* Without diacritics nothing is preferred: the shortest title first. */
	assert_int_equal(ids(ix, "duong", false, false)[0], '3');
	/* The bonus never hides a folded match: dương is still found for đường. */
	assert_non_null(strchr(ids(ix, "đường bảo vệ", false, false), '1'));
	search_index_free(ix);
}

static void test_search__typo(void **state)
{
	(void)state;
	search_index *ix = new_index();
	put(ix, 1, "Nông nghiệp công nghệ cao", NULL);
	put(ix, 2, "Nhiếp ảnh nông thôn", NULL);
	put(ix, 3, "Công nghiệp hỗ trợ", NULL);
	assert_string_equal(ids(ix, "nong nhiep", false, false), "2");
	/* One edit away: nhiep -> nghiep (nhiếp, as typed, is found too). */
	const char *r = ids(ix, "nong nhiep", false, true);
	assert_true(strcmp(r, "1,2") == 0 || strcmp(r, "2,1") == 0);
	/* Typed right, the exact word comes before its one-edit neighbour. */
	assert_string_equal(ids(ix, "nông nghiệp", false, true), "1,2");
	assert_string_equal(ids(ix, "nông nghiệp", false, false), "1");
	/* Short syllables take no typo: "nog" is not "nong". */
	assert_string_equal(ids(ix, "nog", false, true), "");
	search_index_free(ix);
}

static void test_search__prefix(void **state)
{
	(void)state;
	search_index *ix = new_index();
	put(ix, 1, "Ứng dụng công nghệ sinh học", NULL);
	put(ix, 2, "Công nghiệp hỗ trợ", NULL);
	put(ix, 3, "Công ty khởi sự", NULL);
	assert_string_equal(ids(ix, "công ngh", false, false), "");
	const char *r = ids(ix, "công ngh", true, false);
	assert_true(strcmp(r, "1,2") == 0 || strcmp(r, "2,1") == 0);
	assert_string_equal(ids(ix, "công nghệ", true, false), "1");
	r = ids(ix, "cong ng", true, false);
	assert_true(strcmp(r, "1,2") == 0 || strcmp(r, "2,1") == 0);
	/* A finished word (a space after it) is not a prefix any more. */
	assert_string_equal(ids(ix, "công ngh ", true, false), "");
	search_index_free(ix);
}

static void test_search__phrase_and_pairs(void **state)
{
	(void)state;
	search_index *ix = new_index();
	put(ix, 1, "Chuyển giao công nghệ xử lý nước", NULL);
	put(ix, 2, "Nghệ thuật truyền thống cho cộng đồng công nhân", NULL);
	put(ix, 3, "Công, nghệ", NULL);
	/* Both have the syllables; the adjacent pair ranks first. */
	assert_string_equal(ids(ix, "cong nghe", false, false), "1,3,2");
	assert_string_equal(ids(ix, "\"cong nghe\"", false, false), "1");
	assert_string_equal(ids(ix, "\"công nghệ xử lý\" nước", false, false), "1");
	assert_string_equal(ids(ix, "\"nghe cong\"", false, false), "");
	/* An unmatched quote is read as a space. */
	assert_string_equal(ids(ix, "\"cong nghe", false, false), "1,3,2");
	search_result *r;
	search_request rq = { .text = "\"công nghệ\" nước" };
	assert_int_equal(search_query(&r, ix, &rq), 0);
	assert_int_equal(r->n_terms, 2);
	assert_true(r->terms[0].phrase);
	assert_string_equal(r->terms[0].text, "công nghệ");
	assert_string_equal(r->terms[0].folded, "cong nghe");
	assert_false(r->terms[1].phrase);
	assert_int_equal(r->hits[0].matched, 3);
	search_result_free(r);
	search_index_free(ix);
}

/* ---- facets against a brute-force count ---- */

#define N_DOCS 2500   /* enough for common words to be kept as bitsets too */
static const char *sectors[] = { "ai", "bio", "energy", "agri", "materials" };
static const char *trls[] = { "1", "2", "3", "4", "5", "6", "7", "8", "9" };
static const char *transfers[] = { "assignment", "licence", "exclusive", "service" };
static const char *words[] = { "công nghệ", "nông nghiệp", "vật liệu", "năng lượng", "sinh học",
			       "trí tuệ", "nhân tạo", "xử lý", "nước thải", "cảm biến" };

typedef struct fdoc {
	int sector, trl;
	unsigned transfer;    /* bit set over transfers */
	unsigned words;       /* bit set over words */
} fdoc;

static bool fdoc_has(const fdoc *d, int facet, int v)
{
	switch (facet) {
	case X_SECTOR: return d->sector == v;
	case X_TRL: return d->trl == v;
	default: return (d->transfer >> v) & 1;
	}
}

static const char *facet_value(int facet, int v)
{
	return facet == X_SECTOR ? sectors[v] : facet == X_TRL ? trls[v] : transfers[v];
}

static int facet_size(int facet)
{
	return facet == X_SECTOR ? 5 : facet == X_TRL ? 9 : 4;
}

/* The words of a set, as a query. */
static const char *words_text(unsigned set)
{
	static char buf[256];
	buf[0] = '\0';
	for (int w = 0; w < 10; w++)
		if ((set >> w) & 1)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", *buf ? " " : "",
				 words[w]);
	return buf;
}

/* The documents with every word of set (any of them with any), filtered:
 * for each facet, a bit set of the values wanted (0: no filter). */
static void check_facets(search_index *ix, const fdoc *docs, unsigned set, bool any,
			 const unsigned want[3])
{
	search_filter filters[3];
	const char *vals[3][9];
	int nf = 0;
	for (int f = 0; f < 3; f++) {
		if (!want[f])
			continue;
		int n = 0;
		for (int v = 0; v < facet_size(f); v++)
			if ((want[f] >> v) & 1)
				vals[f][n++] = facet_value(f, v);
		filters[nf++] = (search_filter){ f, vals[f], n };
	}
	search_request rq = { .text = words_text(set), .filters = filters, .any = any,
			      .n_filters = nf, .facets = true, .limit = 5 };
	search_result *r;
	assert_int_equal(search_query(&r, ix, &rq), 0);
	int64_t total = 0;
	int64_t counts[3][9] = { { 0 } };
	for (int i = 0; i < N_DOCS; i++) {
		const fdoc *d = &docs[i];
		if (any ? !(d->words & set) : (d->words & set) != set)
			continue;
		unsigned fail = 0;
		for (int f = 0; f < 3; f++) {
			if (!want[f])
				continue;
			bool ok = false;
			for (int v = 0; v < facet_size(f); v++)
				ok |= ((want[f] >> v) & 1) && fdoc_has(d, f, v);
			if (!ok)
				fail |= 1u << f;
		}
		total += fail == 0;
		for (int f = 0; f < 3; f++)
			if (!(fail & ~(1u << f)))
				for (int v = 0; v < facet_size(f); v++)
					counts[f][v] += fdoc_has(d, f, v);
	}
	assert_int_equal(r->total, total);
	assert_int_equal(r->n_facets, 3);
	for (int f = 0; f < 3; f++) {
		const search_facet_counts *fc = &r->facets[f];
		for (int v = 0; v < facet_size(f); v++) {
			int64_t got = -1;
			for (int k = 0; k < fc->n_values; k++)
				if (strcmp(fc->values[k].value, facet_value(f, v)) == 0)
					got = fc->values[k].count;
			bool chosen = (want[f] >> v) & 1;
			if (counts[f][v] == 0 && !chosen)
				assert_int_equal(got, -1);
			else
				assert_int_equal(got, counts[f][v]);
		}
		for (int k = 1; k < fc->n_values; k++)
			assert_true(fc->values[k - 1].count >= fc->values[k].count);
	}
	search_result_free(r);
}

static void test_search__facets_brute_force(void **state)
{
	(void)state;
	search_index *ix = new_index();
	fdoc *docs = calloc(N_DOCS, sizeof(*docs));
	unsigned seed = 7;
	for (int i = 0; i < N_DOCS; i++) {
		fdoc *d = &docs[i];
		d->sector = (int)(rand_r(&seed) % 5);
		d->trl = (int)(rand_r(&seed) % 9);
		d->transfer = (unsigned)(rand_r(&seed) % 16);
		d->words = (unsigned)(rand_r(&seed) % 1024) | (1u << (i % 10));
		char title[512] = "";
		for (int w = 0; w < 10; w++)
			if ((d->words >> w) & 1)
				snprintf(title + strlen(title), sizeof(title) - strlen(title), "%s, ",
					 words[w]);
		const char *sv[] = { sectors[d->sector] }, *tv[] = { trls[d->trl] }, *xv[4];
		int nx = 0;
		for (int v = 0; v < 4; v++)
			if ((d->transfer >> v) & 1)
				xv[nx++] = transfers[v];
		search_doc doc = { .text = { title }, .facet = { sv, tv, xv },
				   .n_facet = { 1, 1, nx } };
		assert_int_equal(search_put(ix, 1000 + i, &doc), 0);
	}
	const unsigned cases[][3] = {
		{ 0, 0, 0 }, { 1, 0, 0 }, { 3, 0, 0 }, { 0, 0x1f0, 0 }, { 5, 0x0f, 0 },
		{ 0, 0, 1 }, { 0, 0, 6 }, { 2, 0x100, 9 }, { 0x1f, 0x1ff, 0xf },
	};
	/* No text, one word, two or three words (every one, or any). */
	const unsigned sets[] = { 0, 1, 1u << 5, 3, 1u << 2 | 1u << 7, 7, 1u << 4 | 1u << 8 | 1u << 9 };
	for (size_t w = 0; w < sizeof(sets) / sizeof(sets[0]); w++)
		for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
			check_facets(ix, docs, sets[w], false, cases[c]);
			if (sets[w] & (sets[w] - 1))
				check_facets(ix, docs, sets[w], true, cases[c]);
		}
	/* A value no document has is still listed when filtered on, with 0. */
	const char *nothing[] = { "quantum" };
	search_filter fl = { X_SECTOR, nothing, 1 };
	search_request rq = { .filters = &fl, .n_filters = 1, .facets = true };
	search_result *r;
	assert_int_equal(search_query(&r, ix, &rq), 0);
	assert_int_equal(r->total, 0);
	bool listed = false;
	for (int k = 0; k < r->facets[X_SECTOR].n_values; k++)
		listed |= strcmp(r->facets[X_SECTOR].values[k].value, "quantum") == 0 &&
			  r->facets[X_SECTOR].values[k].count == 0;
	assert_true(listed);
	search_result_free(r);
	/* Browsing without text: newest id first. */
	search_request br = { .limit = 3 };
	assert_int_equal(search_query(&r, ix, &br), 0);
	assert_int_equal(r->total, N_DOCS);
	assert_int_equal(r->hits[0].doc_id, 1000 + N_DOCS - 1);
	assert_int_equal(r->hits[2].doc_id, 1000 + N_DOCS - 3);
	search_result_free(r);
	free(docs);
	search_index_free(ix);
}

/* ---- highlighting ---- */

/* "Ứng dụng công nghệ" with "công" and "nghệ" written in NFD. */
#define TITLE_NFD "\xe1\xbb\xa8ng d\xe1\xbb\xa5ng co\xcc\x82ng nghe\xcc\xa3\xcc\x82 m\xe1\xbb\x9bi"

static void test_search__highlight(void **state)
{
	(void)state;
	search_index *ix = new_index();
	put(ix, 1, TITLE_NFD, "Đào tạo nghề cho lao động nông thôn");
	search_request rq = { .text = "cong nghe", .highlight = 1u << F_TITLE | 1u << F_SUMMARY };
	search_result *r;
	assert_int_equal(search_query(&r, ix, &rq), 0);
	assert_int_equal(r->n_hits, 1);
	const search_hit *h = &r->hits[0];
	assert_int_equal(h->n_snippets, 2);
	const search_snippet *s = &h->snippets[0];
	assert_int_equal(s->field, F_TITLE);
	assert_string_equal(s->text, TITLE_NFD);
	assert_int_equal(s->n_spans, 2);
	assert_memory_equal(s->text + s->spans[0].start, "co\xcc\x82ng", s->spans[0].len);
	assert_int_equal(s->spans[0].len, strlen("co\xcc\x82ng"));
	assert_memory_equal(s->text + s->spans[1].start, "nghe\xcc\xa3\xcc\x82", s->spans[1].len);
	assert_int_equal(s->spans[1].len, strlen("nghe\xcc\xa3\xcc\x82"));
	/* The summary has "nghề": it folds to nghe as well and is marked. */
	s = &h->snippets[1];
	assert_int_equal(s->n_spans, 1);
	assert_memory_equal(s->text + s->spans[0].start, "nghề", strlen("nghề"));
	search_result_free(r);

	/* A long text is cut around the first match, at syllables. */
	char longer[4096] = "";
	for (int i = 0; i < 40; i++)
		strcat(longer, "Mở đầu dài dòng ");
	strcat(longer, "với đường sắt đô thị Hà Nội và thêm phần cuối ");
	for (int i = 0; i < 40; i++)
		strcat(longer, "kết thúc ");
	put(ix, 2, longer, NULL);
	search_request lq = { .text = "đường sắt", .highlight = 1u << F_TITLE, .snippet_bytes = 80 };
	assert_int_equal(search_query(&r, ix, &lq), 0);
	assert_int_equal(r->n_hits, 1);
	s = &r->hits[0].snippets[0];
	assert_true(s->len <= 80);
	assert_true(s->cut_start && s->cut_end);
	assert_int_equal(s->n_spans, 2);
	assert_memory_equal(s->text + s->spans[0].start, "đường", strlen("đường"));
	assert_memory_equal(s->text + s->spans[1].start, "sắt", strlen("sắt"));
	assert_true(s->text[0] != ' ' && (unsigned char)s->text[0] < 0x80);
	search_result_free(r);
	search_index_free(ix);
}

/* ---- live changes ---- */

static void test_search__replace_remove(void **state)
{
	(void)state;
	search_index *ix = new_index();
	put(ix, 1, "Cảm biến độ ẩm đất", NULL);
	put(ix, 2, "Cảm biến chất lượng không khí", NULL);
	assert_int_equal(search_index_count(ix), 2);
	assert_string_equal(ids(ix, "cam bien", false, false), "1,2");
	put(ix, 1, "Máy bay không người lái phun thuốc", NULL);
	assert_int_equal(search_index_count(ix), 2);
	assert_string_equal(ids(ix, "cam bien", false, false), "2");
	assert_string_equal(ids(ix, "may bay", false, false), "1");
	assert_int_equal(search_remove(ix, 2), 0);
	assert_string_equal(ids(ix, "cam bien", false, false), "");
	assert_string_equal(ids(ix, "khong", false, false), "1");
	assert_int_equal(search_remove(ix, 2), ERR_NOTFOUND);
	assert_int_equal(search_index_count(ix), 1);
	/* Many replacements: the index keeps one live copy and sweeps the rest. */
	for (int i = 0; i < 3000; i++) {
		char t[64];
		snprintf(t, sizeof(t), "Phiên bản %d của cảm biến", i);
		put(ix, 3 + i % 7, t, NULL);
	}
	assert_int_equal(search_index_count(ix), 8);
	assert_string_equal(ids(ix, "phien ban 2999", false, false), "6");
	assert_string_equal(ids(ix, "cam bien", false, false), "9,8,7,6,5,4,3");
	search_index_free(ix);
}

static void test_search__bad_input(void **state)
{
	(void)state;
	search_index *ix = new_index();
	search_doc d = { .text = { "ok \xff bad" } };
	assert_int_equal(search_put(ix, 1, &d), ERR_INVALID);
	assert_int_equal(search_index_count(ix), 0);
	search_result *r;
	search_request rq = { .text = "\xc3" };
	assert_int_equal(search_query(&r, ix, &rq), ERR_INVALID);
	assert_null(r);
	search_filter fl = { 7, NULL, 0 };
	search_request fq = { .filters = &fl, .n_filters = 1 };
	assert_int_equal(search_query(&r, ix, &fq), ERR_INVALID);
	search_request nq = { .limit = -1 };
	assert_int_equal(search_query(&r, ix, &nq), ERR_INVALID);
	search_schema bad = { .n_text = 0 };
	assert_null(search_index_new(&bad));
	search_index_free(ix);
}

static void test_search__tokenise(void **state)
{
	(void)state;
	search_tokens *t;
	const char *s = "Khoẻ mạnh, HOÀ bình-" HOA_NFD;
	assert_int_equal(search_tokenise(&t, s, strlen(s)), 0);
	assert_int_equal(t->n, 5);
	assert_string_equal(t->v[0].exact, "khỏe");
	assert_string_equal(t->v[0].folded, "khoe");
	assert_int_equal(t->v[0].start, 0);
	assert_memory_equal(s + t->v[1].start, "mạnh", t->v[1].len);
	assert_string_equal(t->v[2].exact, "hòa");
	assert_string_equal(t->v[4].exact, "hòa");
	assert_string_equal(t->v[4].folded, "hoa");
	search_tokens_free(t);
}

/* ---- readers beside a writer ---- */

typedef struct shared {
	search_index *ix;
	volatile int stop;
	int queries;
} shared;

static void *reader(void *arg)
{
	shared *sh = arg;
	int n = 0;
	while (!sh->stop) {
		search_request rq = { .text = n % 2 ? "cam bien" : "phien ban", .facets = true,
				      .highlight = 1, .prefix = true, .typos = true };
		search_result *r;
		if (search_query(&r, sh->ix, &rq) == 0) {
			/* Every hit is a whole document: its title matches. */
			for (int i = 0; i < r->n_hits; i++)
				if (r->hits[i].n_snippets != 1 || r->hits[i].snippets[0].n_spans < 1)
					abort();
			search_result_free(r);
		}
		n++;
	}
	__atomic_add_fetch(&sh->queries, n, __ATOMIC_RELAXED);
	return NULL;
}

static void test_search__concurrent(void **state)
{
	(void)state;
	shared sh = { .ix = new_index() };
	pthread_t th[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, reader, &sh);
	const char *sv[] = { "ai" };
	for (int i = 0; i < 1500; i++) {
		char t[64];
		snprintf(t, sizeof(t), i % 2 ? "Phiên bản %d" : "Cảm biến số %d", i);
		search_doc d = { .text = { t, "mô tả" }, .facet = { sv }, .n_facet = { 1 } };
		assert_int_equal(search_put(sh.ix, i % 200, &d), 0);
		if (i % 7 == 0)
			search_remove(sh.ix, (i * 13) % 200);
	}
	sh.stop = 1;
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	assert_true(sh.queries > 0);
	assert_true(search_index_count(sh.ix) <= 200);
	search_index_free(sh.ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search__nfc_nfd_old_tone),
		cmocka_unit_test(test_search__folded),
		cmocka_unit_test(test_search__exact_diacritics_first),
		cmocka_unit_test(test_search__typo),
		cmocka_unit_test(test_search__prefix),
		cmocka_unit_test(test_search__phrase_and_pairs),
		cmocka_unit_test(test_search__facets_brute_force),
		cmocka_unit_test(test_search__highlight),
		cmocka_unit_test(test_search__replace_remove),
		cmocka_unit_test(test_search__bad_input),
		cmocka_unit_test(test_search__tokenise),
		cmocka_unit_test(test_search__concurrent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
