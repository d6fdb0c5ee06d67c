/* search/query: a query's syllables and phrases expanded to index terms
 * (exact fold, prefix, one edit), the matching documents by intersecting
 * posting lists, filters and facet counts in one pass, BM25F scores and
 * the top k by a heap, then snippets for the hits. */
#include "search/search_internal.h"
#include "util/err.h"
#include "util/utf8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SX_EMPTY UINT32_MAX
#define SX_MAX_EXPAND 16        /* index terms one typed syllable may stand for */
#define SX_CANDIDATES 8         /* of which prefix or one-edit completions, the most
                                   frequent (Typesense's max_candidates is 4) */
#define SX_MAX_PHRASE 16        /* syllables of one phrase */
#define SX_EXACT_BONUS 2.0      /* the diacritics typed, found as typed */
#define SX_PREFIX_WEIGHT 0.8
#define SX_TYPO_WEIGHT 0.5
#define SX_PAIR_WEIGHT 1.0

/* ---- the result's memory: chunks freed together ---- */

typedef struct sx_chunk {
	struct sx_chunk *next;
	size_t used, cap;
	max_align_t data[];
} sx_chunk;

typedef struct sx_result {
	search_result pub;           /* first: search_result_free casts back */
	sx_chunk *chunks;
	bool oom;
} sx_result;

static void *sx__alloc(sx_result *r, size_t n)
{
	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	sx_chunk *c = r->chunks;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > 16384 ? n : 16384;
		c = malloc(sizeof(sx_chunk) + cap);
		if (!c) {
			r->oom = true;
			return NULL;
		}
		c->cap = cap;
		c->used = 0;
		c->next = r->chunks;
		r->chunks = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

static char *sx__strndup(sx_result *r, const char *s, size_t n)
{
	char *p = sx__alloc(r, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

void search_result_free(search_result *pub)
{
	if (!pub)
		return;
	sx_result *r = (sx_result *)pub;
	for (sx_chunk *c = r->chunks, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(r);
}

/* ---- the query as index terms ---- */

typedef struct sx_expand {
	uint32_t term;               /* fold id, or pair id in a phrase */
	float weight;
	int variant;                 /* exact form's bit to reward, -1 none */
} sx_expand;

typedef struct sx_group {
	bool phrase;                 /* terms are pairs, all required */
	bool quoted;
	bool prefix;
	int n_exp;
	sx_expand exp[SX_MAX_EXPAND];
	int seg;                     /* segment of the query it came from */
	int tok;                     /* its first syllable in that segment */
	int n_tok;
	/* documents: sorted slots, owned or borrowed from a posting list, or
	 * a bitset of at most n_docs */
	const uint32_t *docs;
	uint32_t n_docs;
	uint32_t *owned;
	uint64_t *bits;              /* owned bitset of a union */
	const uint64_t *dense;       /* the group as a bitset, if it has one */
} sx_group;

typedef struct sx_query {
	sx_text seg[SEARCH_MAX_TERMS];
	int n_seg;
	sx_group *g;
	int n_g;
	/* pairs of adjacent typed syllables, scored as a bonus */
	sx_expand pair[SEARCH_MAX_TERMS * 4];
	int n_pair;
} sx_query;

static void sx__query_free(sx_query *q)
{
	for (int i = 0; i < q->n_seg; i++)
		sx_text_free(&q->seg[i]);
	for (int i = 0; q->g && i < q->n_g; i++) {
		free(q->g[i].owned);
		free(q->g[i].bits);
	}
	free(q->g);
}

static const sx_plist *sx__group_plist(const search_index *ix, const sx_group *g, int e)
{
	return g->phrase ? &ix->pairs[g->exp[e].term].pl : &ix->folds[g->exp[e].term].pl;
}

/* True if a and b (folded, ASCII-or-UTF-8 bytes) are one edit apart:
 * an insertion, a deletion or a substitution of one byte. */
static bool sx__one_edit(const char *a, size_t la, const char *b, size_t lb)
{
	if (la == lb) {
		int diff = 0;
		for (size_t i = 0; i < la; i++)
			if (a[i] != b[i] && ++diff > 1)
				return false;
		return diff == 1;
	}
	if (la + 1 == lb)
		return sx__one_edit(b, lb, a, la);
	if (la != lb + 1)
		return false;
	size_t i = 0;
	while (i < lb && a[i] == b[i])
		i++;
	return memcmp(a + i + 1, b + i, lb - i) == 0;
}

typedef struct sx_cand {
	uint32_t term;
	uint32_t df;
} sx_cand;

static int sx__cand_cmp(const void *a, const void *b)
{
	const sx_cand *x = a, *y = b;
	return x->df > y->df ? -1 : x->df < y->df ? 1 : (x->term > y->term) - (x->term < y->term);
}

/* Adds to g the most frequent folds that start with (prefix) or are one
 * edit from (typo) the folded syllable. */
static int sx__expand_scan(sx_group *g, const search_index *ix, const char *fold, size_t len,
			   uint32_t exact_id, bool prefix, float weight)
{
	size_t cap = 256, n = 0;
	sx_cand *c = malloc(cap * sizeof(*c));
	if (!c)
		return err_set(ERR_NOMEM, "out of memory");
	for (uint32_t id = 0; id < ix->n_folds; id++) {
		const sx_fold *f = &ix->folds[id];
		if (id == exact_id || f->pl.n == 0)
			continue;
		const char *s = ix->pool + f->str;
		bool hit = prefix ? (f->len > len && memcmp(s, fold, len) == 0)
				  : ((size_t)f->len + 1 >= len && f->len <= len + 1 &&
				     sx__one_edit(fold, len, s, f->len));
		if (!hit)
			continue;
		if (n == cap) {
			sx_cand *m = realloc(c, 2 * cap * sizeof(*c));
			if (!m) {
				free(c);
				return err_set(ERR_NOMEM, "out of memory");
			}
			c = m;
			cap *= 2;
		}
		c[n++] = (sx_cand){ id, f->pl.n };
	}
	qsort(c, n, sizeof(*c), sx__cand_cmp);
	for (size_t i = 0; i < n && i < SX_CANDIDATES && g->n_exp < SX_MAX_EXPAND; i++)
		g->exp[g->n_exp++] = (sx_expand){ c[i].term, weight, -1 };
	free(c);
	return 0;
}

/* A typed syllable: its fold, then prefix or one-edit folds. */
static int sx__group_syllable(sx_group *g, const search_index *ix, const sx_text *t, int i,
			      bool prefix, bool typos)
{
	const char *fold = sx_tok_fold(t, i);
	size_t len = t->tok[i].fold_len;
	uint32_t id = sx_fold_find(ix, fold, len);
	if (id != SX_EMPTY) {
		int v = t->tok[i].marked ? sx_fold_variant(ix, id, sx_tok_exact(t, i)) : -1;
		g->exp[g->n_exp++] = (sx_expand){ id, 1.0f, v };
	}
	if (prefix)
		return sx__expand_scan(g, ix, fold, len, id, true, (float)SX_PREFIX_WEIGHT);
	if (typos && len >= 5)
		return sx__expand_scan(g, ix, fold, len, id, false, (float)SX_TYPO_WEIGHT);
	return 0;
}

/* A phrase: each pair of adjacent syllables must be an indexed pair. */
static void sx__group_phrase(sx_group *g, const search_index *ix, const sx_text *t, int from,
			     int n)
{
	for (int i = from; i + 1 < from + n; i++) {
		uint32_t a = sx_fold_find(ix, sx_tok_fold(t, i), t->tok[i].fold_len);
		uint32_t b = sx_fold_find(ix, sx_tok_fold(t, i + 1), t->tok[i + 1].fold_len);
		uint32_t p = (a == SX_EMPTY || b == SX_EMPTY) ? SX_EMPTY : sx_pair_find(ix, a, b);
		if (p == SX_EMPTY) {
			g->n_exp = 0;    /* a pair never seen: the phrase matches nothing */
			return;
		}
		g->exp[g->n_exp++] = (sx_expand){ p, 1.0f, -1 };
	}
}

/* The pairs of two adjacent typed syllables (with their expansions). */
static void sx__query_pairs(sx_query *q, const search_index *ix, const sx_group *a,
			    const sx_group *b)
{
	for (int i = 0; i < a->n_exp; i++)
		for (int j = 0; j < b->n_exp; j++) {
			if (q->n_pair == (int)(sizeof(q->pair) / sizeof(q->pair[0])))
				return;
			uint32_t p = sx_pair_find(ix, a->exp[i].term, b->exp[j].term);
			if (p != SX_EMPTY)
				q->pair[q->n_pair++] = (sx_expand){ p,
					(float)SX_PAIR_WEIGHT * a->exp[i].weight * b->exp[j].weight, -1 };
		}
}

/* Splits the text at double quotes and analyses each part into groups. */
static int sx__query_parse(sx_query *q, const search_index *ix, const search_request *req,
			   bool typos)
{
	const char *text = req->text ? req->text : "";
	size_t len = strlen(text);
	if (!utf8_valid(text, len))
		return err_set(ERR_INVALID, "text is not valid UTF-8");
	size_t n_quotes = 0;
	for (size_t i = 0; i < len; i++)
		n_quotes += text[i] == '"';
	q->g = calloc(SEARCH_MAX_TERMS, sizeof(sx_group));
	if (!q->g)
		return err_set(ERR_NOMEM, "out of memory");
	const char *p = text;
	bool quoted = false;
	int rc;
	while (q->n_seg < SEARCH_MAX_TERMS) {
		const char *end = memchr(p, '"', (size_t)(text + len - p));
		/* An unmatched quote reads as a space. */
		bool closes = end && (quoted || n_quotes >= 2);
		if (!end)
			end = text + len;
		int s = q->n_seg++;
		sx_text *t = &q->seg[s];
		if ((rc = sx_analyse(t, p, (size_t)(end - p))) < 0)
			return rc;
		bool last_seg = end == text + len;
		if (quoted && t->n >= 2) {
			sx_group *g = &q->g[q->n_g++];
			g->phrase = true;
			g->quoted = true;
			g->seg = s;
			g->n_tok = t->n < SX_MAX_PHRASE ? t->n : SX_MAX_PHRASE;
			sx__group_phrase(g, ix, t, 0, g->n_tok);
		} else {
			for (int i = 0; i < t->n && q->n_g < SEARCH_MAX_TERMS; i++) {
				sx_group *g = &q->g[q->n_g++];
				g->seg = s;
				g->tok = i;
				g->n_tok = 1;
				g->quoted = quoted;
				/* Only while the syllable is still being typed: nothing after it. */
				g->prefix = !quoted && req->prefix && last_seg && i == t->n - 1 &&
					    t->tok[i].start + t->tok[i].len == (size_t)(end - p);
				if ((rc = sx__group_syllable(g, ix, t, i, g->prefix,
							     typos && !quoted)) < 0)
					return rc;
				if (i > 0 && !quoted && t->tok[i].adjacent)
					sx__query_pairs(q, ix, g - 1, g);
			}
		}
		if (last_seg)
			break;
		if (closes) {
			quoted = !quoted;
			n_quotes--;
		}
		p = end + 1;
	}
	return 0;
}

/* ---- posting list operations ---- */

/* First index i >= lo with a[i] >= key (n if none), by galloping. */
static uint32_t sx__gallop(const uint32_t *a, uint32_t n, uint32_t lo, uint32_t key)
{
	if (lo >= n || a[lo] >= key)
		return lo;
	uint32_t step = 1, hi = lo + 1;
	while (hi < n && a[hi] < key) {
		lo = hi;
		step *= 2;
		hi = lo + step;
	}
	if (hi > n)
		hi = n;
	/* a[lo] < key, answer in (lo, hi] */
	while (lo + 1 < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (a[mid] < key)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

/* Keeps in a[0..n) the slots that are also in b; returns how many.
 * Lists of like sizes are merged, a much longer b is galloped through. */
static uint32_t sx__intersect(uint32_t *a, uint32_t n, const uint32_t *b, uint32_t nb)
{
	uint32_t w = 0, j = 0;
	if (nb / 16 < n) {
		for (uint32_t i = 0; i < n && j < nb; i++) {
			while (j < nb && b[j] < a[i])
				j++;
			if (j < nb && b[j] == a[i])
				a[w++] = a[i];
		}
		return w;
	}
	for (uint32_t i = 0; i < n && j < nb; i++) {
		j = sx__gallop(b, nb, j, a[i]);
		if (j < nb && b[j] == a[i])
			a[w++] = a[i];
	}
	return w;
}

/* The slots set in bits, in order, malloc'd. */
static int sx__bits_list(uint32_t **out, uint32_t *n_out, const uint64_t *bits, size_t words,
			 size_t most)
{
	uint32_t *v = malloc((most ? most : 1) * sizeof(uint32_t));
	if (!v)
		return err_set(ERR_NOMEM, "out of memory");
	uint32_t n = 0;
	for (size_t w = 0; w < words; w++)
		for (uint64_t x = bits[w]; x; x &= x - 1)
			v[n++] = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(x));
	*out = v;
	*n_out = n;
	return 0;
}

static size_t sx__words(const search_index *ix)
{
	return ((size_t)ix->n_slots + 63) / 64;
}

/* The documents of a group: a phrase needs all its pairs (a sorted list),
 * a syllable any of its expansions (the posting list itself, or a bitset
 * of the union of several). */
static int sx__group_docs(sx_group *g, const search_index *ix)
{
	if (g->n_exp == 0)
		return 0;
	if (g->n_exp == 1) {
		const sx_plist *pl = sx__group_plist(ix, g, 0);
		g->docs = pl->slot;
		g->n_docs = pl->n;
		g->dense = pl->bits;
		return 0;
	}
	if (g->phrase) {
		int best = 0;
		for (int e = 1; e < g->n_exp; e++)
			if (sx__group_plist(ix, g, e)->n < sx__group_plist(ix, g, best)->n)
				best = e;
		const sx_plist *pl = sx__group_plist(ix, g, best);
		if (!(g->owned = malloc(((size_t)pl->n + 1) * sizeof(uint32_t))))
			return err_set(ERR_NOMEM, "out of memory");
		memcpy(g->owned, pl->slot, (size_t)pl->n * sizeof(uint32_t));
		uint32_t n = pl->n;
		for (int e = 0; e < g->n_exp && n > 0; e++)
			if (e != best) {
				const sx_plist *o = sx__group_plist(ix, g, e);
				n = sx__intersect(g->owned, n, o->slot, o->n);
			}
		g->docs = g->owned;
		g->n_docs = n;
		return 0;
	}
	size_t words = sx__words(ix), total = 0;
	if (!(g->bits = calloc(words ? words : 1, sizeof(uint64_t))))
		return err_set(ERR_NOMEM, "out of memory");
	for (int e = 0; e < g->n_exp; e++) {
		const sx_plist *pl = sx__group_plist(ix, g, e);
		if (pl->bits)
			for (size_t w = 0; w < words; w++)
				g->bits[w] |= pl->bits[w];
		else
			for (uint32_t k = 0; k < pl->n; k++)
				g->bits[pl->slot[k] >> 6] |= 1ULL << (pl->slot[k] & 63);
		total += pl->n;
	}
	g->dense = g->bits;
	g->n_docs = total > UINT32_MAX ? UINT32_MAX : (uint32_t)total;   /* at most */
	return 0;
}

static int sx__group_size_cmp(const void *a, const void *b)
{
	const sx_group *const *x = a, *const *y = b;
	return ((*x)->n_docs > (*y)->n_docs) - ((*x)->n_docs < (*y)->n_docs);
}

/* Keeps in c[0..n) the slots set in bits. */
static uint32_t sx__keep_bits(uint32_t *c, uint32_t n, const uint64_t *bits)
{
	uint32_t w = 0;
	for (uint32_t i = 0; i < n; i++)
		if ((bits[c[i] >> 6] >> (c[i] & 63)) & 1)
			c[w++] = c[i];
	return w;
}

/* The candidates: documents of every group (or of any, req->any), or
 * NULL with *all set for a query without syllables. */
static int sx__candidates(uint32_t **out, uint32_t *n_out, bool *all, sx_query *q,
			  const search_index *ix, bool any)
{
	*out = NULL;
	*n_out = 0;
	*all = q->n_g == 0;
	if (*all)
		return 0;
	int rc;
	size_t words = sx__words(ix);
	for (int i = 0; i < q->n_g; i++)
		if ((rc = sx__group_docs(&q->g[i], ix)) < 0)
			return rc;
	if (any) {
		uint64_t *bits = calloc(words ? words : 1, sizeof(uint64_t));
		if (!bits)
			return err_set(ERR_NOMEM, "out of memory");
		size_t most = 0;
		for (int i = 0; i < q->n_g; i++) {
			const sx_group *g = &q->g[i];
			if (g->dense)
				for (size_t w = 0; w < words; w++)
					bits[w] |= g->dense[w];
			else
				for (uint32_t k = 0; k < g->n_docs; k++)
					bits[g->docs[k] >> 6] |= 1ULL << (g->docs[k] & 63);
			most += g->n_docs;
		}
		rc = sx__bits_list(out, n_out, bits, words, most < ix->n_slots ? most : ix->n_slots);
		free(bits);
		return rc;
	}
	sx_group *order[SEARCH_MAX_TERMS];
	for (int i = 0; i < q->n_g; i++)
		order[i] = &q->g[i];
	qsort(order, (size_t)q->n_g, sizeof(order[0]), sx__group_size_cmp);
	uint32_t n = order[0]->n_docs, *c = NULL;
	int from = 1;
	if (order[0]->dense) {
		/* All groups common: AND the bitsets, then list what is left. */
		uint64_t *bits = malloc((words ? words : 1) * sizeof(uint64_t));
		if (!bits)
			return err_set(ERR_NOMEM, "out of memory");
		memcpy(bits, order[0]->dense, words * sizeof(uint64_t));
		for (; from < q->n_g && order[from]->dense; from++)
			for (size_t w = 0; w < words; w++)
				bits[w] &= order[from]->dense[w];
		rc = sx__bits_list(&c, &n, bits, words, n < ix->n_slots ? n : ix->n_slots);
		free(bits);
		if (rc < 0)
			return rc;
	} else {
		if (!(c = malloc(((size_t)n + 1) * sizeof(uint32_t))))
			return err_set(ERR_NOMEM, "out of memory");
		if (n)
			memcpy(c, order[0]->docs, (size_t)n * sizeof(uint32_t));
	}
	for (int i = from; i < q->n_g && n > 0; i++)
		n = order[i]->dense ? sx__keep_bits(c, n, order[i]->dense)
				    : sx__intersect(c, n, order[i]->docs, order[i]->n_docs);
	*out = c;
	*n_out = n;
	return 0;
}

/* ---- filters and facet counts ---- */

typedef struct sx_filters {
	int n;
	int facet[SEARCH_MAX_FACETS * 4];
	uint8_t *want[SEARCH_MAX_FACETS * 4];    /* by value id */
	uint32_t *counts[SEARCH_MAX_FACETS];     /* by value id, when counting */
	bool count;
} sx_filters;

static void sx__filters_free(sx_filters *fs)
{
	for (int i = 0; i < fs->n; i++)
		free(fs->want[i]);
	for (int f = 0; f < SEARCH_MAX_FACETS; f++)
		free(fs->counts[f]);
}

static int sx__filters_init(sx_filters *fs, const search_index *ix, const search_request *req)
{
	int max = (int)(sizeof(fs->facet) / sizeof(fs->facet[0]));
	if (req->n_filters < 0 || (req->n_filters > 0 && !req->filters) || req->n_filters > max)
		return err_set(ERR_INVALID, "a search takes at most %d filters", max);
	for (int i = 0; i < req->n_filters; i++) {
		const search_filter *sf = &req->filters[i];
		if (sf->facet < 0 || sf->facet >= ix->schema.n_facets)
			return err_set(ERR_INVALID, "search filter on facet %d, which the index lacks",
				       sf->facet);
		const sx_facet *fc = &ix->facets[sf->facet];
		uint8_t *w = calloc((size_t)fc->n_values + 1, 1);
		if (!w)
			return err_set(ERR_NOMEM, "out of memory");
		fs->facet[fs->n] = sf->facet;
		fs->want[fs->n++] = w;
		for (int k = 0; k < sf->n_values; k++) {
			uint32_t v = sf->values[k] ? sx_facet_value_find(ix, sf->facet, sf->values[k])
						   : SX_EMPTY;
			if (v != SX_EMPTY)
				w[v] = 1;
		}
	}
	fs->count = req->facets;
	for (int f = 0; fs->count && f < ix->schema.n_facets; f++)
		if (!(fs->counts[f] = calloc((size_t)ix->facets[f].n_values + 1, sizeof(uint32_t))))
			return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

/* Facets (as a bit set) whose filters the slot fails. */
static uint32_t sx__filters_fail(const sx_filters *fs, const search_index *ix, uint32_t slot)
{
	uint32_t fail = 0;
	for (int i = 0; i < fs->n; i++) {
		uint32_t n;
		const uint32_t *v = sx_facet_values(ix, slot, fs->facet[i], &n);
		bool ok = false;
		for (uint32_t k = 0; k < n && !ok; k++)
			ok = fs->want[i][v[k]];
		if (!ok)
			fail |= 1u << fs->facet[i];
	}
	return fail;
}

/* Keeps in cand the live slots that pass the filters and counts facets:
 * a facet's values over the slots failing no filter on another facet. */
static uint32_t sx__filter_count(uint32_t *cand, uint32_t n, bool all, sx_filters *fs,
				 const search_index *ix)
{
	uint32_t w = 0, end = all ? ix->n_slots : n;
	int n_facets = ix->schema.n_facets;
	size_t nf = (size_t)n_facets;
	for (uint32_t i = 0; i < end; i++) {
		uint32_t slot = all ? i : cand[i];
		/* Slots far apart: each row is a cache miss unless asked early. */
		if (!all && i + 16 < end && nf)
			__builtin_prefetch(ix->frow + (size_t)cand[i + 16] * nf);
		if (sx_is_dead(ix, slot))
			continue;
		uint32_t fail = fs->n ? sx__filters_fail(fs, ix, slot) : 0;
		if (fail == 0)
			cand[w++] = slot;
		if (!fs->count || (fail & (fail - 1)))
			continue;
		for (int f = 0; f < n_facets; f++) {
			if (fail & ~(1u << f))
				continue;
			uint32_t nv;
			const uint32_t *v = sx_facet_values(ix, slot, f, &nv);
			for (uint32_t k = 0; k < nv; k++)
				fs->counts[f][v[k]]++;
		}
	}
	return w;
}

/* ---- scores ---- */

typedef struct sx_scorer {
	const search_index *ix;
	double n_docs;
} sx_scorer;

static void sx__scorer_init(sx_scorer *sc, const search_index *ix)
{
	sc->ix = ix;
	sc->n_docs = ix->n_live > 0 ? ix->n_live : 1;
}

/* BM25's idf, times (k1 + 1) / SX_IMPACT_MAX to turn impacts into scores. */
static double sx__idf(const sx_scorer *sc, uint32_t df)
{
	double d = df < sc->n_docs ? df : sc->n_docs;
	return log(1 + (sc->n_docs - d + 0.5) / (d + 0.5)) * (SX_K1 + 1) / SX_IMPACT_MAX;
}

/* Adds one index term's scores to the passing slots p[0..n), few of them:
 * galloping through the posting list. */
static void sx__score_sparse(const sx_scorer *sc, const sx_plist *pl, const sx_expand *e,
			     const uint32_t *p, uint32_t n, float *score)
{
	float base = (float)(e->weight * sx__idf(sc, pl->n));
	uint16_t want = e->variant >= 0 ? (uint16_t)(1u << e->variant) : 0;
	uint32_t j = 0, k = 0;
	while (j < n && k < pl->n) {
		if (pl->slot[k] < p[j]) {
			k = sx__gallop(pl->slot, pl->n, k, p[j]);
		} else if (pl->slot[k] > p[j]) {
			j = sx__gallop(p, n, j, pl->slot[k]);
		} else {
			float s = base * pl->imp[k];
			if (want && pl->var && (pl->var[k] & want))
				s *= (float)SX_EXACT_BONUS;
			score[j] += s;
			j++;
			k++;
		}
	}
}

/* The same when many slots pass: the whole list, kept where the slot's
 * bit is set, into scores by slot. */
static void sx__score_dense(const sx_scorer *sc, const sx_plist *pl, const sx_expand *e,
			    const uint64_t *bits, float *score)
{
	float base = (float)(e->weight * sx__idf(sc, pl->n));
	uint16_t want = e->variant >= 0 ? (uint16_t)(1u << e->variant) : 0;
	for (uint32_t k = 0; k < pl->n; k++) {
		uint32_t slot = pl->slot[k];
		if (!((bits[slot >> 6] >> (slot & 63)) & 1))
			continue;
		float s = base * pl->imp[k];
		if (want && pl->var && (pl->var[k] & want))
			s *= (float)SX_EXACT_BONUS;
		score[slot] += s;
	}
}

static bool sx__plist_has(const sx_plist *pl, uint32_t slot)
{
	uint32_t i = sx__gallop(pl->slot, pl->n, 0, slot);
	return i < pl->n && pl->slot[i] == slot;
}

/* Which groups a hit matched: bit i for group i. */
static uint64_t sx__matched(const sx_query *q, const search_index *ix, uint32_t slot)
{
	uint64_t m = 0;
	for (int i = 0; i < q->n_g; i++) {
		const sx_group *g = &q->g[i];
		bool all = g->phrase && g->n_exp > 0, any = false;
		for (int e = 0; e < g->n_exp; e++) {
			bool has = sx__plist_has(sx__group_plist(ix, g, e), slot);
			all &= has;
			any |= has;
		}
		if (g->phrase ? all : any)
			m |= 1ULL << i;
	}
	return m;
}

/* Scores of the passing slots p[0..n) into score[0..n). */
static int sx__score(float *score, const sx_query *q, const search_index *ix, const uint32_t *p,
		     uint32_t n)
{
	sx_scorer sc;
	sx__scorer_init(&sc, ix);
	bool dense = n > ix->n_slots / 32;
	uint64_t *bits = NULL;
	float *by_slot = NULL;
	if (dense) {
		bits = calloc(sx__words(ix) + 1, sizeof(uint64_t));
		by_slot = calloc((size_t)ix->n_slots + 1, sizeof(float));
		if (!bits || !by_slot) {
			free(bits);
			free(by_slot);
			return err_set(ERR_NOMEM, "out of memory");
		}
		for (uint32_t i = 0; i < n; i++)
			bits[p[i] >> 6] |= 1ULL << (p[i] & 63);
	}
	for (int i = 0; i < q->n_g + 1; i++) {
		const sx_expand *exp = i < q->n_g ? q->g[i].exp : q->pair;
		int n_exp = i < q->n_g ? q->g[i].n_exp : q->n_pair;
		for (int e = 0; e < n_exp; e++) {
			const sx_plist *pl = i < q->n_g ? sx__group_plist(ix, &q->g[i], e)
						       : &ix->pairs[exp[e].term].pl;
			/* A list much longer than the slots passing is galloped through. */
			if (dense && pl->n / 8 < n)
				sx__score_dense(&sc, pl, &exp[e], bits, by_slot);
			else
				sx__score_sparse(&sc, pl, &exp[e], p, n, score);
		}
	}
	if (dense)
		for (uint32_t i = 0; i < n; i++)
			score[i] += by_slot[p[i]];
	free(bits);
	free(by_slot);
	return 0;
}

/* ---- top k ---- */

typedef struct sx_top {
	float score;
	int64_t doc_id;
	uint32_t i;                  /* index in the passing slots */
} sx_top;

/* a ranks below b */
static bool sx__below(const sx_top *a, const sx_top *b)
{
	return a->score < b->score || (a->score == b->score && a->doc_id < b->doc_id);
}

static void sx__heap_sift(sx_top *h, uint32_t n, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, m = i;
		if (l < n && sx__below(&h[l], &h[m]))
			m = l;
		if (l + 1 < n && sx__below(&h[l + 1], &h[m]))
			m = l + 1;
		if (m == i)
			return;
		sx_top t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static int sx__top_cmp(const void *a, const void *b)
{
	const sx_top *x = a, *y = b;
	return sx__below(x, y) ? 1 : sx__below(y, x) ? -1 : 0;
}

/* The k best of the passing slots, best first, in h (k entries room). */
static uint32_t sx__top_k(sx_top *h, uint32_t k, const search_index *ix, const uint32_t *p,
			  uint32_t n, const float *score)
{
	uint32_t m = 0;
	for (uint32_t i = 0; i < n && k > 0; i++) {
		/* The id (a cache miss) only for a score that could enter. */
		float sc = score ? score[i] : 0;
		if (m == k && sc < h[0].score)
			continue;
		sx_top t = { sc, ix->doc_id[p[i]], i };
		if (m < k) {
			h[m++] = t;
			if (m == k)
				for (uint32_t j = k / 2 + 1; j-- > 0;)
					sx__heap_sift(h, m, j);
		} else if (sx__below(&h[0], &t)) {
			h[0] = t;
			sx__heap_sift(h, m, 0);
		}
	}
	qsort(h, m, sizeof(*h), sx__top_cmp);
	return m;
}

/* ---- snippets ---- */

/* True if the folded syllable is one the query matched. */
static bool sx__is_hit(const sx_query *q, const search_index *ix, const char *fold,
		       size_t len)
{
	uint32_t id = sx_fold_find(ix, fold, len);
	if (id == SX_EMPTY)
		return false;
	for (int i = 0; i < q->n_g; i++) {
		const sx_group *g = &q->g[i];
		if (g->phrase) {
			for (int e = 0; e < g->n_exp; e++) {
				uint64_t key = ix->pairs[g->exp[e].term].key;
				if ((uint32_t)(key >> 32) == id || (uint32_t)key == id)
					return true;
			}
			continue;
		}
		for (int e = 0; e < g->n_exp; e++)
			if (g->exp[e].term == id)
				return true;
	}
	return false;
}

/* The window of a stored text around its first matched syllable. */
static int sx__snippet(search_snippet *out, sx_result *r, const sx_query *q,
		       const search_index *ix, sx_text *t, const char *text, size_t max)
{
	int rc = sx_analyse(t, text, strlen(text));
	if (rc < 0)
		return rc;
	size_t len = strlen(text), from = 0, to = len;
	int first = -1, n_hits = 0;
	for (int i = 0; i < t->n; i++)
		if (sx__is_hit(q, ix, sx_tok_fold(t, i), t->tok[i].fold_len)) {
			if (first < 0)
				first = i;
			n_hits++;
		}
	if (len > max) {
		/* Start a few syllables before the first match, end at a syllable. */
		int a = first < 0 ? 0 : first;
		while (a > 0 && t->tok[first < 0 ? 0 : first].start - t->tok[a - 1].start < max / 4)
			a--;
		from = t->n ? t->tok[a].start : 0;
		if (a == 0)
			from = 0;
		to = from;
		for (int i = a; i < t->n && t->tok[i].start + t->tok[i].len - from <= max; i++)
			to = t->tok[i].start + t->tok[i].len;
		if (to == from)
			to = from + (len - from < max ? len - from : max);
		while (to > from && to < len && ((unsigned char)text[to] & 0xC0) == 0x80)
			to--;
	}
	out->text = sx__strndup(r, text + from, to - from);
	out->len = to - from;
	out->cut_start = from > 0;
	out->cut_end = to < len;
	out->spans = n_hits ? sx__alloc(r, (size_t)n_hits * sizeof(search_span)) : NULL;
	for (int i = first < 0 ? t->n : first; i < t->n; i++) {
		const sx_tok *k = &t->tok[i];
		if (k->start < from || k->start + k->len > to ||
		    !sx__is_hit(q, ix, sx_tok_fold(t, i), k->fold_len) || !out->spans)
			continue;
		out->spans[out->n_spans++] = (search_span){ (uint32_t)(k->start - from), k->len };
	}
	return 0;
}

/* ---- the answer ---- */

static int sx__facet_value_cmp(const void *a, const void *b)
{
	const search_facet_value *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->value, y->value);
}

static void sx__result_facets(sx_result *r, const sx_filters *fs, const search_index *ix,
			      const search_request *req)
{
	int n_facets = ix->schema.n_facets;
	search_result *pub = &r->pub;
	pub->facets = sx__alloc(r, (size_t)(n_facets ? n_facets : 1) * sizeof(search_facet_counts));
	if (!pub->facets)
		return;
	pub->n_facets = n_facets;
	for (int f = 0; f < n_facets; f++) {
		const sx_facet *fc = &ix->facets[f];
		search_facet_counts *out = &pub->facets[f];
		out->facet = f;
		size_t room = fc->n_values;
		for (int i = 0; i < req->n_filters; i++)
			if (req->filters[i].facet == f)
				room += (size_t)req->filters[i].n_values;
		out->values = sx__alloc(r, (room ? room : 1) * sizeof(search_facet_value));
		if (!out->values)
			return;
		for (uint32_t v = 0; v < fc->n_values; v++) {
			bool chosen = false;
			for (int i = 0; i < fs->n; i++)
				chosen |= fs->facet[i] == f && fs->want[i][v];
			if (fs->counts[f][v] || chosen)
				out->values[out->n_values++] =
					(search_facet_value){ ix->pool + fc->str[v], fs->counts[f][v] };
		}
		/* Values filtered on that no document has: listed with 0. */
		for (int i = 0; i < req->n_filters; i++) {
			if (req->filters[i].facet != f)
				continue;
			for (int k = 0; k < req->filters[i].n_values; k++) {
				const char *z = req->filters[i].values[k];
				if (z && sx_facet_value_find(ix, f, z) == SX_EMPTY)
					out->values[out->n_values++] = (search_facet_value){ z, 0 };
			}
		}
		/* Values point into the index: copy them into the result. */
		for (int k = 0; k < out->n_values; k++)
			out->values[k].value = sx__strndup(r, out->values[k].value,
							   strlen(out->values[k].value));
		qsort(out->values, (size_t)out->n_values, sizeof(search_facet_value),
		      sx__facet_value_cmp);
	}
}

static void sx__result_terms(sx_result *r, const sx_query *q)
{
	search_result *pub = &r->pub;
	pub->terms = sx__alloc(r, (size_t)(q->n_g ? q->n_g : 1) * sizeof(search_term));
	if (!pub->terms)
		return;
	for (int i = 0; i < q->n_g; i++) {
		const sx_group *g = &q->g[i];
		const sx_text *t = &q->seg[g->seg];
		search_term *out = &pub->terms[pub->n_terms++];
		size_t n = 0;
		for (int k = 0; k < g->n_tok; k++)
			n += (size_t)t->tok[g->tok + k].exact_len + 1;
		char *f = sx__alloc(r, n + 1), *e = sx__alloc(r, n + 1);
		if (!f || !e)
			return;
		for (int k = 0; k < g->n_tok; k++) {
			if (k) {
				strcat(f, " ");
				strcat(e, " ");
			}
			strcat(f, sx_tok_fold(t, g->tok + k));
			strcat(e, sx_tok_exact(t, g->tok + k));
		}
		/* The exact forms are decomposed: compose them for reading. */
		char *nfc = sx_compose(e, strlen(e));
		if (!nfc) {
			r->oom = true;
			return;
		}
		out->text = sx__strndup(r, nfc, strlen(nfc));
		free(nfc);
		out->folded = f;
		out->phrase = g->quoted;
		out->prefix = g->prefix;
	}
}

static int sx__check_request(const search_request *req)
{
	if (req->offset < 0 || req->limit < 0)
		return err_set(ERR_INVALID, "a search's offset and limit cannot be negative");
	if (req->offset > 100000)
		return err_set(ERR_INVALID, "a search's offset is at most %d", 100000);
	return 0;
}

/* Everything under the read lock. */
static int sx__query_locked(sx_result *r, const search_index *ix, const search_request *req)
{
	sx_query q = { 0 };
	sx_filters fs = { 0 };
	uint32_t *p = NULL, n = 0;
	float *score = NULL;
	sx_top *top = NULL;
	sx_text snip = { 0 };
	bool all;
	int rc;
	uint32_t limit = req->limit == 0 ? 20 : req->limit > 1000 ? 1000 : (uint32_t)req->limit;
	uint32_t k = (uint32_t)req->offset + limit;
	if ((rc = sx__query_parse(&q, ix, req, false)) < 0 ||
	    (rc = sx__filters_init(&fs, ix, req)) < 0 ||
	    (rc = sx__candidates(&p, &n, &all, &q, ix, req->any)) < 0)
		goto done;
	/* Typos only when the syllables as typed find less than a page. */
	if (req->typos && n < k && !all) {
		sx__query_free(&q);
		memset(&q, 0, sizeof(q));
		free(p);
		p = NULL;
		if ((rc = sx__query_parse(&q, ix, req, true)) < 0 ||
		    (rc = sx__candidates(&p, &n, &all, &q, ix, req->any)) < 0)
			goto done;
	}
	if (all && !(p = malloc(((size_t)ix->n_slots + 1) * sizeof(uint32_t)))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto done;
	}
	n = sx__filter_count(p, n, all, &fs, ix);
	r->pub.total = n;
	if (!(top = malloc((size_t)k * sizeof(*top)))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto done;
	}
	if (!all) {
		if (!(score = calloc((size_t)n + 1, sizeof(float)))) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto done;
		}
		if ((rc = sx__score(score, &q, ix, p, n)) < 0)
			goto done;
	}
	uint32_t m = sx__top_k(top, k, ix, p, n, score);
	uint32_t first = (uint32_t)req->offset < m ? (uint32_t)req->offset : m;

	search_result *pub = &r->pub;
	pub->hits = sx__alloc(r, (size_t)(m - first + 1) * sizeof(search_hit));
	if (!pub->hits)
		goto done;
	size_t max = req->snippet_bytes > 0 ? (size_t)req->snippet_bytes : 240;
	for (uint32_t i = first; i < m; i++) {
		search_hit *h = &pub->hits[pub->n_hits++];
		uint32_t slot = p[top[i].i];
		h->doc_id = top[i].doc_id;
		h->score = top[i].score;
		h->matched = all ? 0 : sx__matched(&q, ix, slot);
		if (!req->highlight)
			continue;
		h->snippets = sx__alloc(r, SEARCH_MAX_TEXT * sizeof(search_snippet));
		if (!h->snippets)
			goto done;
		for (int f = 0; f < ix->schema.n_text; f++) {
			if (!(req->highlight & (1u << f)) || !ix->stored[f] || !ix->stored[f][slot])
				continue;
			search_snippet *s = &h->snippets[h->n_snippets++];
			s->field = f;
			if ((rc = sx__snippet(s, r, &q, ix, &snip, ix->stored[f][slot], max)) < 0)
				goto done;
		}
	}
	if (req->facets)
		sx__result_facets(r, &fs, ix, req);
	sx__result_terms(r, &q);
done:
	if (rc == 0 && r->oom)
		rc = err_set(ERR_NOMEM, "out of memory");
	sx__query_free(&q);
	sx__filters_free(&fs);
	sx_text_free(&snip);
	free(p);
	free(score);
	free(top);
	return rc;
}

int search_query(search_result **out, search_index *ix, const search_request *req)
{
	*out = NULL;
	int rc = sx__check_request(req);
	if (rc < 0)
		return rc;
	sx_result *r = calloc(1, sizeof(*r));
	if (!r)
		return err_set(ERR_NOMEM, "out of memory");
	pthread_rwlock_rdlock(&ix->lock);
	rc = sx__query_locked(r, ix, req);
	pthread_rwlock_unlock(&ix->lock);
	if (rc < 0) {
		search_result_free(&r->pub);
		return rc;
	}
	*out = &r->pub;
	return 0;
}
