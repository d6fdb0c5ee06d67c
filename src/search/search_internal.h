/* search_internal: what text.c, index.c and query.c share; nothing
 * outside src/search/ includes it. */
#ifndef NQ57_SEARCH_INTERNAL_H
#define NQ57_SEARCH_INTERNAL_H

#include "search/search.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- text analysis (text.c) ---- */

#define SX_MAX_SYLLABLE 48      /* code points kept of one syllable */
#define SX_VARIANTS 15          /* exact forms of one folded syllable told apart;
                                   the rest share bit 15 */

/* One syllable; fold and exact are offsets of NUL-terminated strings in
 * the analysis buffer. exact is decomposed (NFD), lower case, with tone
 * placement normalised: equal for every way of writing the syllable. */
typedef struct sx_tok {
	uint32_t start, len;        /* bytes in the source text */
	uint32_t fold, exact;
	uint16_t fold_len, exact_len;
	bool adjacent;              /* only white space since the previous syllable */
	bool marked;                /* has diacritics (exact differs from fold) */
} sx_tok;

typedef struct sx_text {
	sx_tok *tok;
	int n, cap;
	char *buf;
	size_t len, cap_buf;
} sx_text;

/* Analyses p[0..len) into t (emptied first; its memory is reused).
 * Returns 0, ERR_INVALID (not UTF-8) or ERR_NOMEM. */
int sx_analyse(sx_text *t, const char *p, size_t len);
void sx_text_free(sx_text *t);

static inline const char *sx_tok_fold(const sx_text *t, int i) { return t->buf + t->tok[i].fold; }
static inline const char *sx_tok_exact(const sx_text *t, int i) { return t->buf + t->tok[i].exact; }

/* NFC of an NFD string, malloc'd (NULL when out of memory). */
char *sx_compose(const char *nfd, size_t len);

/* ---- the index (index.c) ---- */

/* BM25F: k1 and b, and the scale of an impact. */
#define SX_K1 1.2
#define SX_B 0.75
#define SX_IMPACT_MAX 65535.0

/* A posting list: sorted slots, with per slot the term's count in each
 * text field (4 bits a field), its impact (BM25F's saturated, length-
 * normalised term frequency, (k1 + 1) is SX_IMPACT_MAX) worked out when
 * written, so queries read no document lengths, and for syllables which
 * exact forms of the folded syllable the document has (bit v: variant v). */
typedef struct sx_plist {
	uint32_t *slot;
	uint32_t *tf;
	uint16_t *imp;
	uint16_t *var;              /* NULL for two-syllable terms */
	uint32_t n, cap;
	/* For a list holding many of the slots, the same slots as a bitset of
	 * cap_slots bits, so that queries AND and OR common terms a word at a
	 * time; dead slots are cleared when swept. */
	uint64_t *bits;
} sx_plist;

/* A folded syllable: its posting list and its exact forms, in order of
 * first appearance (variant v is exact[v]). */
typedef struct sx_fold {
	uint32_t str;               /* offset in the string pool */
	uint16_t len;
	uint16_t n_exact;
	uint32_t *exact;            /* offsets in the string pool, up to SX_VARIANTS */
	sx_plist pl;
} sx_fold;

typedef struct sx_pair {
	uint64_t key;               /* fold id << 32 | fold id */
	sx_plist pl;
} sx_pair;

/* Open addressing, linear probing; value UINT32_MAX is an empty cell. */
typedef struct sx_hash {
	uint32_t *cell;             /* ids */
	uint32_t mask;              /* cells - 1 */
	uint32_t n;
} sx_hash;

typedef struct sx_pcell {
	uint64_t key;
	uint32_t id;                /* UINT32_MAX: empty */
} sx_pcell;

typedef struct sx_facet {
	sx_hash dict;               /* value -> id */
	uint32_t *str;              /* value id -> offset in the string pool */
	uint32_t n_values, cap_values;
} sx_facet;

struct search_index {
	search_schema schema;
	pthread_rwlock_t lock;

	char *pool;                 /* strings, NUL-terminated */
	size_t pool_len, pool_cap;

	sx_fold *folds;
	uint32_t n_folds, cap_folds;
	sx_hash fold_dict;

	sx_pair *pairs;
	uint32_t n_pairs, cap_pairs;
	sx_pcell *pair_cell;        /* key -> pair id; the key kept in the cell
	                               saves a cache miss per lookup */
	uint32_t pair_mask;

	/* Slots are never reused: a replaced or removed document's slot is
	 * dead, and its postings are swept away a few lists at a time. */
	uint32_t n_slots, cap_slots;
	int64_t *doc_id;            /* slot -> doc id */
	uint64_t *dead;             /* bitset */
	/* Per slot, side by side so that one cache line holds a document's:
	 * syllables per text field, and per facet field its value id, or
	 * SX_NONE, or SX_MULTI | the offset in multi of [count, ids...]. */
	uint16_t *flen;                        /* slot * n_text + field */
	uint32_t *frow;                        /* slot * n_facets + facet */
	uint32_t *multi;
	uint64_t n_multi, cap_multi;
	char **stored[SEARCH_MAX_TEXT];        /* stored fields' text, or NULL */
	sx_facet facets[SEARCH_MAX_FACETS];

	/* doc id -> live slot: open addressing over slots. */
	uint32_t *id_cell;
	uint32_t id_mask, n_live;

	double len_sum[SEARCH_MAX_TEXT];       /* over live documents */
	uint32_t n_dead_unswept;               /* dead with postings maybe left */
	uint32_t n_dead_cycle;                 /* of those, dead during this cycle */
	uint32_t sweep_next;                   /* next list to sweep: folds then pairs */
	/* The average field lengths impacts are worked out with: when the
	 * real ones drift away, a sweep works every impact out again. */
	double avg_used[SEARCH_MAX_TEXT];
	bool reimpact;

	sx_text scratch;                       /* the writer's analysis buffer */
};

#define SX_NONE UINT32_MAX
#define SX_MULTI 0x80000000u

static inline uint16_t sx_field_len(const search_index *ix, uint32_t slot, int f)
{
	return ix->flen[(size_t)slot * (size_t)ix->schema.n_text + (size_t)f];
}

/* The value ids of facet f of a slot: *n of them at the pointer. */
static inline const uint32_t *sx_facet_values(const search_index *ix, uint32_t slot, int f,
					      uint32_t *n)
{
	const uint32_t *c = &ix->frow[(size_t)slot * (size_t)ix->schema.n_facets + (size_t)f];
	if (*c == SX_NONE) {
		*n = 0;
		return c;
	}
	if (!(*c & SX_MULTI)) {
		*n = 1;
		return c;
	}
	const uint32_t *m = ix->multi + (*c & ~SX_MULTI);
	*n = m[0];
	return m + 1;
}

static inline bool sx_is_dead(const search_index *ix, uint32_t slot)
{
	return (ix->dead[slot >> 6] >> (slot & 63)) & 1;
}

/* Lookups under the caller's lock; UINT32_MAX when absent. */
uint32_t sx_fold_find(const search_index *ix, const char *fold, size_t len);
uint32_t sx_pair_find(const search_index *ix, uint32_t a, uint32_t b);
uint32_t sx_facet_value_find(const search_index *ix, int facet, const char *value);
/* Variant number of an exact form among the fold's (SX_VARIANTS when not
 * one of the first SX_VARIANTS, -1 when the index never saw it). */
int sx_fold_variant(const search_index *ix, uint32_t fold, const char *exact);

#endif
