/* search/index: the in-memory index: dictionaries of folded syllables and
 * of two-syllable terms with their posting lists, per-document field
 * lengths, facet values and stored text. Written under the write lock,
 * read by queries under the read lock (query.c). */
#include "search/search_internal.h"
#include "util/err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SX_EMPTY UINT32_MAX
#define SX_SWEEP_BUDGET (1u << 16)   /* postings visited per write while sweeping */
#define SX_DENSE_MIN 1024            /* postings before a list may get a bitset */

/* ---- hashing ---- */

static uint64_t sx__hash_bytes(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

static uint64_t sx__hash_u64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static int sx__hash_init(sx_hash *h, uint32_t cells)
{
	h->cell = malloc((size_t)cells * sizeof(uint32_t));
	if (!h->cell)
		return err_set(ERR_NOMEM, "out of memory");
	memset(h->cell, 0xff, (size_t)cells * sizeof(uint32_t));
	h->mask = cells - 1;
	h->n = 0;
	return 0;
}

/* Grows h when more than half full; hash_of(id) gives an id's hash. */
static int sx__hash_grow(sx_hash *h, const search_index *ix,
			 uint64_t (*hash_of)(const search_index *, uint32_t))
{
	if ((h->n + 1) * 2 <= h->mask + 1)
		return 0;
	uint32_t cells = (h->mask + 1) * 2;
	uint32_t *c = malloc((size_t)cells * sizeof(uint32_t));
	if (!c)
		return err_set(ERR_NOMEM, "out of memory");
	memset(c, 0xff, (size_t)cells * sizeof(uint32_t));
	for (uint32_t i = 0; i <= h->mask; i++) {
		uint32_t id = h->cell[i];
		if (id == SX_EMPTY)
			continue;
		uint32_t j = (uint32_t)hash_of(ix, id) & (cells - 1);
		while (c[j] != SX_EMPTY)
			j = (j + 1) & (cells - 1);
		c[j] = id;
	}
	free(h->cell);
	h->cell = c;
	h->mask = cells - 1;
	return 0;
}

static uint64_t sx__fold_hash(const search_index *ix, uint32_t id)
{
	return sx__hash_bytes(ix->pool + ix->folds[id].str, ix->folds[id].len);
}

/* ---- strings ---- */

static int sx__pool_add(uint32_t *out, search_index *ix, const char *s, size_t n)
{
	if (ix->pool_len + n + 1 > UINT32_MAX)
		return err_set(ERR_TOOLARGE, "search index text is too large");
	if (ix->pool_len + n + 1 > ix->pool_cap) {
		size_t cap = ix->pool_cap ? ix->pool_cap : 4096;
		while (cap < ix->pool_len + n + 1)
			cap *= 2;
		char *p = realloc(ix->pool, cap);
		if (!p)
			return err_set(ERR_NOMEM, "out of memory");
		ix->pool = p;
		ix->pool_cap = cap;
	}
	memcpy(ix->pool + ix->pool_len, s, n);
	ix->pool[ix->pool_len + n] = '\0';
	*out = (uint32_t)ix->pool_len;
	ix->pool_len += n + 1;
	return 0;
}

/* Grows an array of elem-sized items to hold n + 1. */
static int sx__grow(void **v, uint32_t *cap, uint32_t n, size_t elem)
{
	if (n < *cap)
		return 0;
	uint32_t c = *cap ? *cap * 2 : 16;
	void *p = realloc(*v, (size_t)c * elem);
	if (!p)
		return err_set(ERR_NOMEM, "out of memory");
	*v = p;
	*cap = c;
	return 0;
}

/* ---- dictionaries ---- */

uint32_t sx_fold_find(const search_index *ix, const char *fold, size_t len)
{
	uint32_t i = (uint32_t)sx__hash_bytes(fold, len) & ix->fold_dict.mask;
	for (;;) {
		uint32_t id = ix->fold_dict.cell[i];
		if (id == SX_EMPTY)
			return SX_EMPTY;
		const sx_fold *f = &ix->folds[id];
		if (f->len == len && memcmp(ix->pool + f->str, fold, len) == 0)
			return id;
		i = (i + 1) & ix->fold_dict.mask;
	}
}

static int sx__fold_add(uint32_t *out, search_index *ix, const char *fold, size_t len)
{
	uint32_t id = sx_fold_find(ix, fold, len);
	if (id != SX_EMPTY) {
		*out = id;
		return 0;
	}
	int rc;
	if ((rc = sx__grow((void **)&ix->folds, &ix->cap_folds, ix->n_folds, sizeof(sx_fold))) < 0)
		return rc;
	sx_fold *f = &ix->folds[ix->n_folds];
	*f = (sx_fold){ 0 };
	if ((rc = sx__pool_add(&f->str, ix, fold, len)) < 0)
		return rc;
	f->len = (uint16_t)len;
	if ((rc = sx__hash_grow(&ix->fold_dict, ix, sx__fold_hash)) < 0)
		return rc;
	id = ix->n_folds++;
	uint32_t i = (uint32_t)sx__hash_bytes(fold, len) & ix->fold_dict.mask;
	while (ix->fold_dict.cell[i] != SX_EMPTY)
		i = (i + 1) & ix->fold_dict.mask;
	ix->fold_dict.cell[i] = id;
	ix->fold_dict.n++;
	*out = id;
	return 0;
}

int sx_fold_variant(const search_index *ix, uint32_t fold, const char *exact)
{
	const sx_fold *f = &ix->folds[fold];
	for (int v = 0; v < f->n_exact; v++)
		if (strcmp(ix->pool + f->exact[v], exact) == 0)
			return v;
	return f->n_exact == SX_VARIANTS ? SX_VARIANTS : -1;
}

/* The variant bit of an exact form, adding the form while there is room. */
static int sx__variant_add(uint16_t *out, search_index *ix, uint32_t fold, const char *exact,
			   size_t len)
{
	int v = sx_fold_variant(ix, fold, exact);
	if (v < 0) {
		sx_fold *f = &ix->folds[fold];
		if (!f->exact && !(f->exact = malloc(SX_VARIANTS * sizeof(uint32_t))))
			return err_set(ERR_NOMEM, "out of memory");
		uint32_t off;
		int rc = sx__pool_add(&off, ix, exact, len);
		if (rc < 0)
			return rc;
		f = &ix->folds[fold];
		v = f->n_exact++;
		f->exact[v] = off;
	}
	*out = (uint16_t)(1u << v);
	return 0;
}

uint32_t sx_pair_find(const search_index *ix, uint32_t a, uint32_t b)
{
	uint64_t key = (uint64_t)a << 32 | b;
	uint32_t i = (uint32_t)sx__hash_u64(key) & ix->pair_mask;
	for (;;) {
		const sx_pcell *c = &ix->pair_cell[i];
		if (c->id == SX_EMPTY || c->key == key)
			return c->id;
		i = (i + 1) & ix->pair_mask;
	}
}

static sx_pcell *sx__pair_cells(uint32_t cells)
{
	sx_pcell *c = malloc((size_t)cells * sizeof(sx_pcell));
	if (c)
		for (uint32_t i = 0; i < cells; i++)
			c[i].id = SX_EMPTY;
	return c;
}

static int sx__pair_add(uint32_t *out, search_index *ix, uint32_t a, uint32_t b)
{
	uint32_t id = sx_pair_find(ix, a, b);
	if (id != SX_EMPTY) {
		*out = id;
		return 0;
	}
	int rc;
	if ((rc = sx__grow((void **)&ix->pairs, &ix->cap_pairs, ix->n_pairs, sizeof(sx_pair))) < 0)
		return rc;
	if ((ix->n_pairs + 1) * 2 > ix->pair_mask + 1) {
		uint32_t cells = (ix->pair_mask + 1) * 2;
		sx_pcell *c = sx__pair_cells(cells);
		if (!c)
			return err_set(ERR_NOMEM, "out of memory");
		for (uint32_t i = 0; i <= ix->pair_mask; i++) {
			if (ix->pair_cell[i].id == SX_EMPTY)
				continue;
			uint32_t j = (uint32_t)sx__hash_u64(ix->pair_cell[i].key) & (cells - 1);
			while (c[j].id != SX_EMPTY)
				j = (j + 1) & (cells - 1);
			c[j] = ix->pair_cell[i];
		}
		free(ix->pair_cell);
		ix->pair_cell = c;
		ix->pair_mask = cells - 1;
	}
	uint64_t key = (uint64_t)a << 32 | b;
	id = ix->n_pairs++;
	ix->pairs[id] = (sx_pair){ .key = key };
	uint32_t i = (uint32_t)sx__hash_u64(key) & ix->pair_mask;
	while (ix->pair_cell[i].id != SX_EMPTY)
		i = (i + 1) & ix->pair_mask;
	ix->pair_cell[i] = (sx_pcell){ key, id };
	*out = id;
	return 0;
}

static uint64_t sx__facet_hash_of(const search_index *ix, const sx_facet *fc, uint32_t id)
{
	const char *s = ix->pool + fc->str[id];
	return sx__hash_bytes(s, strlen(s));
}

uint32_t sx_facet_value_find(const search_index *ix, int facet, const char *value)
{
	const sx_facet *fc = &ix->facets[facet];
	uint32_t i = (uint32_t)sx__hash_bytes(value, strlen(value)) & fc->dict.mask;
	for (;;) {
		uint32_t id = fc->dict.cell[i];
		if (id == SX_EMPTY || strcmp(ix->pool + fc->str[id], value) == 0)
			return id;
		i = (i + 1) & fc->dict.mask;
	}
}

static int sx__facet_value_add(uint32_t *out, search_index *ix, int facet, const char *value)
{
	sx_facet *fc = &ix->facets[facet];
	uint32_t id = sx_facet_value_find(ix, facet, value);
	if (id != SX_EMPTY) {
		*out = id;
		return 0;
	}
	int rc;
	if ((rc = sx__grow((void **)&fc->str, &fc->cap_values, fc->n_values, sizeof(uint32_t))) < 0)
		return rc;
	if ((rc = sx__pool_add(&fc->str[fc->n_values], ix, value, strlen(value))) < 0)
		return rc;
	if ((fc->dict.n + 1) * 2 > fc->dict.mask + 1) {
		uint32_t cells = (fc->dict.mask + 1) * 2;
		uint32_t *c = malloc((size_t)cells * sizeof(uint32_t));
		if (!c)
			return err_set(ERR_NOMEM, "out of memory");
		memset(c, 0xff, (size_t)cells * sizeof(uint32_t));
		for (uint32_t v = 0; v < fc->n_values; v++) {
			uint32_t j = (uint32_t)sx__facet_hash_of(ix, fc, v) & (cells - 1);
			while (c[j] != SX_EMPTY)
				j = (j + 1) & (cells - 1);
			c[j] = v;
		}
		free(fc->dict.cell);
		fc->dict.cell = c;
		fc->dict.mask = cells - 1;
	}
	id = fc->n_values++;
	uint32_t i = (uint32_t)sx__hash_bytes(value, strlen(value)) & fc->dict.mask;
	while (fc->dict.cell[i] != SX_EMPTY)
		i = (i + 1) & fc->dict.mask;
	fc->dict.cell[i] = id;
	fc->dict.n++;
	*out = id;
	return 0;
}

/* ---- document ids -> live slots ---- */

static uint32_t sx__id_find(const search_index *ix, int64_t doc_id, uint32_t *cell)
{
	uint32_t i = (uint32_t)sx__hash_u64((uint64_t)doc_id) & ix->id_mask;
	for (;;) {
		uint32_t slot = ix->id_cell[i];
		if (slot == SX_EMPTY || ix->doc_id[slot] == doc_id) {
			*cell = i;
			return slot;
		}
		i = (i + 1) & ix->id_mask;
	}
}

/* Backward-shift deletion keeps linear probing chains whole. */
static void sx__id_delete(search_index *ix, uint32_t i)
{
	uint32_t j = i;
	for (;;) {
		ix->id_cell[i] = SX_EMPTY;
		for (;;) {
			j = (j + 1) & ix->id_mask;
			uint32_t slot = ix->id_cell[j];
			if (slot == SX_EMPTY)
				return;
			uint32_t home = (uint32_t)sx__hash_u64((uint64_t)ix->doc_id[slot]) & ix->id_mask;
			/* Move slot back to i unless its home lies cyclically in (i, j]. */
			if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
				continue;
			ix->id_cell[i] = slot;
			i = j;
			break;
		}
	}
}

static int sx__id_insert(search_index *ix, uint32_t slot)
{
	if ((ix->n_live + 1) * 2 > ix->id_mask + 1) {
		uint32_t cells = (ix->id_mask + 1) * 2;
		uint32_t *c = malloc((size_t)cells * sizeof(uint32_t));
		if (!c)
			return err_set(ERR_NOMEM, "out of memory");
		memset(c, 0xff, (size_t)cells * sizeof(uint32_t));
		for (uint32_t i = 0; i <= ix->id_mask; i++) {
			uint32_t s = ix->id_cell[i];
			if (s == SX_EMPTY)
				continue;
			uint32_t j = (uint32_t)sx__hash_u64((uint64_t)ix->doc_id[s]) & (cells - 1);
			while (c[j] != SX_EMPTY)
				j = (j + 1) & (cells - 1);
			c[j] = s;
		}
		free(ix->id_cell);
		ix->id_cell = c;
		ix->id_mask = cells - 1;
	}
	uint32_t cell;
	sx__id_find(ix, ix->doc_id[slot], &cell);
	ix->id_cell[cell] = slot;
	return 0;
}

/* ---- index ---- */

search_index *search_index_new(const search_schema *schema)
{
	if (schema->n_text < 1 || schema->n_text > SEARCH_MAX_TEXT ||
	    schema->n_facets < 0 || schema->n_facets > SEARCH_MAX_FACETS) {
		err_set(ERR_INVALID, "a search schema has 1 to %d text fields and at most %d facets",
			SEARCH_MAX_TEXT, SEARCH_MAX_FACETS);
		return NULL;
	}
	for (int f = 0; f < schema->n_text; f++)
		if (!(schema->text[f].weight > 0)) {
			err_set(ERR_INVALID, "search field '%s' needs a positive weight",
				schema->text[f].name ? schema->text[f].name : "");
			return NULL;
		}
	search_index *ix = calloc(1, sizeof(*ix));
	if (!ix) {
		err_set(ERR_NOMEM, "out of memory");
		return NULL;
	}
	ix->schema = *schema;
	pthread_rwlockattr_t attr;
	pthread_rwlockattr_init(&attr);
	/* A steady stream of queries must not keep a live update waiting. */
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&ix->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	int rc = sx__hash_init(&ix->fold_dict, 1024);
	if (rc == 0 && !(ix->pair_cell = sx__pair_cells(1024)))
		rc = err_set(ERR_NOMEM, "out of memory");
	ix->pair_mask = 1023;
	for (int f = 0; rc == 0 && f < schema->n_facets; f++)
		rc = sx__hash_init(&ix->facets[f].dict, 16);
	if (rc == 0) {
		ix->id_cell = malloc(1024 * sizeof(uint32_t));
		if (!ix->id_cell)
			rc = err_set(ERR_NOMEM, "out of memory");
		else
			memset(ix->id_cell, 0xff, 1024 * sizeof(uint32_t));
		ix->id_mask = 1023;
	}
	if (rc < 0) {
		search_index_free(ix);
		return NULL;
	}
	return ix;
}

static void sx__plist_free(sx_plist *p)
{
	free(p->slot);
	free(p->tf);
	free(p->imp);
	free(p->var);
	free(p->bits);
}

void search_index_free(search_index *ix)
{
	if (!ix)
		return;
	for (uint32_t i = 0; i < ix->n_folds; i++) {
		free(ix->folds[i].exact);
		sx__plist_free(&ix->folds[i].pl);
	}
	for (uint32_t i = 0; i < ix->n_pairs; i++)
		sx__plist_free(&ix->pairs[i].pl);
	free(ix->folds);
	free(ix->pairs);
	free(ix->fold_dict.cell);
	free(ix->pair_cell);
	for (int f = 0; f < SEARCH_MAX_TEXT; f++) {
		if (ix->stored[f])
			for (uint32_t s = 0; s < ix->n_slots; s++)
				free(ix->stored[f][s]);
		free(ix->stored[f]);
	}
	for (int f = 0; f < SEARCH_MAX_FACETS; f++) {
		free(ix->facets[f].dict.cell);
		free(ix->facets[f].str);
	}
	free(ix->flen);
	free(ix->frow);
	free(ix->multi);
	free(ix->doc_id);
	free(ix->dead);
	free(ix->id_cell);
	free(ix->pool);
	sx_text_free(&ix->scratch);
	pthread_rwlock_destroy(&ix->lock);
	free(ix);
}

int64_t search_index_count(search_index *ix)
{
	pthread_rwlock_rdlock(&ix->lock);
	int64_t n = ix->n_live;
	pthread_rwlock_unlock(&ix->lock);
	return n;
}

static size_t sx__plist_bytes(const search_index *ix, const sx_plist *p)
{
	if (p->bits)
		return (size_t)p->cap * (sizeof(uint32_t) * 2 + sizeof(uint16_t) +
					 (p->var ? sizeof(uint16_t) : 0)) + ix->cap_slots / 8;
	return (size_t)p->cap * (sizeof(uint32_t) * 2 + sizeof(uint16_t) +
				 (p->var ? sizeof(uint16_t) : 0));
}

size_t search_index_memory(search_index *ix)
{
	pthread_rwlock_rdlock(&ix->lock);
	size_t b = sizeof(*ix) + ix->pool_cap;
	b += (size_t)ix->cap_folds * sizeof(sx_fold) + (size_t)ix->cap_pairs * sizeof(sx_pair);
	b += ((size_t)ix->fold_dict.mask + ix->id_mask + 2) * sizeof(uint32_t);
	b += ((size_t)ix->pair_mask + 1) * sizeof(sx_pcell);
	for (uint32_t i = 0; i < ix->n_folds; i++)
		b += sx__plist_bytes(ix, &ix->folds[i].pl) + (ix->folds[i].exact ? SX_VARIANTS * 4 : 0);
	for (uint32_t i = 0; i < ix->n_pairs; i++)
		b += sx__plist_bytes(ix, &ix->pairs[i].pl);
	b += (size_t)ix->cap_slots * (sizeof(int64_t) + 1);
	b += (size_t)ix->cap_slots * (ix->schema.n_text * sizeof(uint16_t) +
				      ix->schema.n_facets * sizeof(uint32_t));
	b += ix->cap_multi * sizeof(uint32_t);
	for (int f = 0; f < ix->schema.n_text; f++) {
		if (ix->stored[f]) {
			b += (size_t)ix->cap_slots * sizeof(char *);
			for (uint32_t s = 0; s < ix->n_slots; s++)
				if (ix->stored[f][s])
					b += strlen(ix->stored[f][s]) + 1;
		}
	}
	for (int f = 0; f < ix->schema.n_facets; f++) {
		const sx_facet *fc = &ix->facets[f];
		b += (size_t)(fc->dict.mask + 1 + fc->cap_values) * sizeof(uint32_t);
	}
	pthread_rwlock_unlock(&ix->lock);
	return b;
}

/* ---- writing ---- */

/* The impact of a term counted tf (4 bits a field) in a slot. */
static uint16_t sx__impact(const search_index *ix, uint32_t slot, uint32_t tf)
{
	double x = 0;
	while (tf) {
		int f = __builtin_ctz(tf) / 4;
		uint32_t c = (tf >> (4 * f)) & 15u;
		tf &= ~(15u << (4 * f));
		double avg = ix->avg_used[f] > 0 ? ix->avg_used[f] : 1;
		x += ix->schema.text[f].weight * c / (1 - SX_B + SX_B * sx_field_len(ix, slot, f) / avg);
	}
	return (uint16_t)(x / (x + SX_K1) * SX_IMPACT_MAX + 0.5);
}

static int sx__plist_append(search_index *ix, sx_plist *p, uint32_t slot, uint32_t tf,
			    uint16_t var, bool with_var)
{
	if (p->n == p->cap) {
		uint32_t cap = p->cap ? p->cap + p->cap / 2 + 2 : 2;
		uint32_t *s = realloc(p->slot, (size_t)cap * sizeof(uint32_t));
		if (s)
			p->slot = s;
		uint32_t *t = s ? realloc(p->tf, (size_t)cap * sizeof(uint32_t)) : NULL;
		if (t)
			p->tf = t;
		uint16_t *m = t ? realloc(p->imp, (size_t)cap * sizeof(uint16_t)) : NULL;
		if (m)
			p->imp = m;
		uint16_t *v = NULL;
		if (m && with_var && (v = realloc(p->var, (size_t)cap * sizeof(uint16_t))))
			p->var = v;
		if (!s || !t || !m || (with_var && !v))
			return err_set(ERR_NOMEM, "out of memory");
		p->cap = cap;
	}
	p->slot[p->n] = slot;
	p->tf[p->n] = tf;
	p->imp[p->n] = sx__impact(ix, slot, tf);
	if (!p->bits && p->n >= SX_DENSE_MIN && p->n >= ix->n_slots / 16) {
		/* Common enough to keep as a bitset too (a failure only costs speed). */
		if ((p->bits = calloc(ix->cap_slots / 64, sizeof(uint64_t))))
			for (uint32_t k = 0; k < p->n; k++)
				p->bits[p->slot[k] >> 6] |= 1ULL << (p->slot[k] & 63);
	}
	if (p->bits)
		p->bits[slot >> 6] |= 1ULL << (slot & 63);
	if (with_var)
		p->var[p->n] = var;
	p->n++;
	return 0;
}

/* Removes the postings of dead slots from one list, and works the
 * impacts out again when the average lengths have moved. */
static void sx__plist_sweep(const search_index *ix, sx_plist *p)
{
	uint32_t w = 0;
	for (uint32_t r = 0; r < p->n; r++) {
		if (sx_is_dead(ix, p->slot[r])) {
			if (p->bits)
				p->bits[p->slot[r] >> 6] &= ~(1ULL << (p->slot[r] & 63));
			continue;
		}
		p->slot[w] = p->slot[r];
		p->tf[w] = p->tf[r];
		p->imp[w] = ix->reimpact ? sx__impact(ix, p->slot[r], p->tf[r]) : p->imp[r];
		if (p->var)
			p->var[w] = p->var[r];
		w++;
	}
	p->n = w;
}

/* Starts a new impact cycle when an average field length has moved by
 * more than 5 % from the one impacts were worked out with. */
static void sx__drift_check(search_index *ix)
{
	if (!ix->n_live)
		return;
	bool moved = false;
	for (int f = 0; f < ix->schema.n_text; f++) {
		double avg = ix->len_sum[f] / ix->n_live;
		moved |= fabs(avg - ix->avg_used[f]) > 0.05 * ix->avg_used[f] ||
			 (ix->avg_used[f] == 0 && avg > 0);
	}
	if (!moved)
		return;
	for (int f = 0; f < ix->schema.n_text; f++)
		ix->avg_used[f] = ix->len_sum[f] / ix->n_live;
	/* The cycle starts over: it covers every death so far as well. */
	ix->reimpact = true;
	ix->sweep_next = 0;
	ix->n_dead_cycle = 0;
}

/* Sweeps lists until the budget is spent; a whole cycle over every list
 * after the last death (or drift) leaves none of its postings (and no
 * impact of the old lengths). */
static void sx__sweep_step(search_index *ix)
{
	if (!ix->n_dead_unswept && !ix->reimpact)
		return;
	uint32_t budget = SX_SWEEP_BUDGET;
	uint32_t total = ix->n_folds + ix->n_pairs;
	while (budget > 0) {
		if (ix->sweep_next >= total) {
			ix->sweep_next = 0;
			ix->n_dead_unswept = ix->n_dead_cycle;
			ix->n_dead_cycle = 0;
			ix->reimpact = false;
			return;
		}
		uint32_t i = ix->sweep_next++;
		sx_plist *p = i < ix->n_folds ? &ix->folds[i].pl : &ix->pairs[i - ix->n_folds].pl;
		budget = p->n >= budget ? 0 : budget - p->n - 1;
		sx__plist_sweep(ix, p);
	}
}

static void sx__kill(search_index *ix, uint32_t slot)
{
	ix->dead[slot >> 6] |= 1ULL << (slot & 63);
	for (int f = 0; f < ix->schema.n_text; f++) {
		ix->len_sum[f] -= sx_field_len(ix, slot, f);
		if (ix->stored[f]) {
			free(ix->stored[f][slot]);
			ix->stored[f][slot] = NULL;
		}
	}
	ix->n_live--;
	/* A cycle already under way may have passed lists this slot is in:
	 * it needs the next cycle too. */
	if (ix->n_dead_unswept)
		ix->n_dead_cycle++;
	ix->n_dead_unswept++;
}

int search_remove(search_index *ix, int64_t doc_id)
{
	pthread_rwlock_wrlock(&ix->lock);
	uint32_t cell;
	uint32_t slot = sx__id_find(ix, doc_id, &cell);
	int rc = 0;
	if (slot == SX_EMPTY) {
		rc = err_set(ERR_NOTFOUND, "no search document %lld", (long long)doc_id);
	} else {
		sx__id_delete(ix, cell);
		sx__kill(ix, slot);
		sx__sweep_step(ix);
	}
	pthread_rwlock_unlock(&ix->lock);
	return rc;
}

static int sx__slots_reserve(search_index *ix)
{
	if (ix->n_slots < ix->cap_slots)
		return 0;
	if (ix->n_slots >= SX_EMPTY - 1)
		return err_set(ERR_TOOLARGE, "the search index is full");
	uint32_t cap = ix->cap_slots ? ix->cap_slots * 2 : 1024;
	int64_t *d = realloc(ix->doc_id, (size_t)cap * sizeof(int64_t));
	if (!d)
		return err_set(ERR_NOMEM, "out of memory");
	ix->doc_id = d;
	uint64_t *dead = realloc(ix->dead, (size_t)(cap / 64) * sizeof(uint64_t));
	if (!dead)
		return err_set(ERR_NOMEM, "out of memory");
	memset(dead + ix->cap_slots / 64, 0, (size_t)((cap - ix->cap_slots) / 64) * sizeof(uint64_t));
	ix->dead = dead;
	uint16_t *l = realloc(ix->flen, (size_t)cap * (size_t)ix->schema.n_text * sizeof(uint16_t));
	if (!l)
		return err_set(ERR_NOMEM, "out of memory");
	ix->flen = l;
	if (ix->schema.n_facets) {
		uint32_t *r = realloc(ix->frow,
				      (size_t)cap * (size_t)ix->schema.n_facets * sizeof(uint32_t));
		if (!r)
			return err_set(ERR_NOMEM, "out of memory");
		ix->frow = r;
	}
	for (int f = 0; f < ix->schema.n_text; f++) {
		if (ix->schema.text[f].stored) {
			char **s = realloc(ix->stored[f], (size_t)cap * sizeof(char *));
			if (!s)
				return err_set(ERR_NOMEM, "out of memory");
			ix->stored[f] = s;
		}
	}
	/* Dense lists' bitsets grow with the slots; one that cannot is dropped. */
	for (uint32_t i = 0; i < ix->n_folds + ix->n_pairs; i++) {
		sx_plist *p = i < ix->n_folds ? &ix->folds[i].pl : &ix->pairs[i - ix->n_folds].pl;
		if (!p->bits)
			continue;
		uint64_t *b = realloc(p->bits, (size_t)(cap / 64) * sizeof(uint64_t));
		if (!b) {
			free(p->bits);
			p->bits = NULL;
			continue;
		}
		memset(b + ix->cap_slots / 64, 0, (size_t)((cap - ix->cap_slots) / 64) * sizeof(uint64_t));
		p->bits = b;
	}
	ix->cap_slots = cap;
	return 0;
}

/* One syllable or pair of a document, before aggregation. */
typedef struct sx_occ {
	uint32_t term;
	uint32_t tf;                /* 4 bits a field */
	uint16_t var;
} sx_occ;

/* Adds the counts of b into a, each field saturating at 15. */
static uint32_t sx__tf_add(uint32_t a, uint32_t b)
{
	for (uint32_t sh = 0; b; sh += 4, b >>= 4) {
		uint32_t c = ((a >> sh) & 15u) + (b & 15u);
		a = (a & ~(15u << sh)) | ((c > 15 ? 15 : c) << sh);
	}
	return a;
}

/* Appends the postings of slot for occurrences occ[0..n), first merged
 * in place by term through a small hash table (no sort: postings of one
 * document go to different lists in any order). */
static int sx__post(search_index *ix, uint32_t slot, sx_occ *occ, size_t n, bool folds)
{
	uint32_t stack[1024], cells = 64;
	while (cells < 2 * n)
		cells *= 2;
	uint32_t *cell = cells <= 1024 ? stack : malloc((size_t)cells * sizeof(uint32_t));
	if (!cell)
		return err_set(ERR_NOMEM, "out of memory");
	memset(cell, 0xff, (size_t)cells * sizeof(uint32_t));
	size_t u = 0;
	for (size_t i = 0; i < n; i++) {
		sx_occ o = occ[i];
		uint32_t h = (uint32_t)sx__hash_u64(o.term) & (cells - 1);
		while (cell[h] != SX_EMPTY && occ[cell[h]].term != o.term)
			h = (h + 1) & (cells - 1);
		if (cell[h] == SX_EMPTY) {
			cell[h] = (uint32_t)u;
			occ[u++] = o;
		} else {
			sx_occ *a = &occ[cell[h]];
			a->tf = sx__tf_add(a->tf, o.tf);
			a->var |= o.var;
		}
	}
	if (cell != stack)
		free(cell);
	for (size_t i = 0; i < u; i++) {
		sx_plist *p = folds ? &ix->folds[occ[i].term].pl : &ix->pairs[occ[i].term].pl;
		int rc = sx__plist_append(ix, p, slot, occ[i].tf, occ[i].var, folds);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Everything put needs to do under the lock, from the analysed fields. */
static int sx__put_locked(search_index *ix, int64_t doc_id, const search_doc *doc,
			  sx_text *fields, char **stored, sx_occ **occ_buf, size_t *occ_cap)
{
	int rc;
	size_t n_syll = 0;
	for (int f = 0; f < ix->schema.n_text; f++)
		n_syll += (size_t)fields[f].n;
	if (*occ_cap < 2 * n_syll + 1) {
		sx_occ *o = realloc(*occ_buf, (2 * n_syll + 1) * sizeof(sx_occ));
		if (!o)
			return err_set(ERR_NOMEM, "out of memory");
		*occ_buf = o;
		*occ_cap = 2 * n_syll + 1;
	}
	sx_occ *syl = *occ_buf, *pair = *occ_buf + n_syll;
	size_t n_pair = 0, k = 0;
	for (int f = 0; f < ix->schema.n_text; f++) {
		const sx_text *t = &fields[f];
		uint32_t prev = SX_EMPTY;
		for (int i = 0; i < t->n; i++, k++) {
			uint32_t id = 0;
			if ((rc = sx__fold_add(&id, ix, sx_tok_fold(t, i), t->tok[i].fold_len)) < 0)
				return rc;
			uint16_t var = 0;
			if ((rc = sx__variant_add(&var, ix, id, sx_tok_exact(t, i), t->tok[i].exact_len)) < 0)
				return rc;
			syl[k] = (sx_occ){ id, 1u << (4 * f), var };
			if (prev != SX_EMPTY && t->tok[i].adjacent) {
				uint32_t pid = 0;
				if ((rc = sx__pair_add(&pid, ix, prev, id)) < 0)
					return rc;
				pair[n_pair++] = (sx_occ){ pid, 1u << (4 * f), 0 };
			}
			prev = id;
		}
	}
	if ((rc = sx__slots_reserve(ix)) < 0)
		return rc;
	uint32_t slot = ix->n_slots;
	/* Facet values first: the only step left that can fail half-way
	 * (leaving at most unused values in multi). */
	uint32_t row[SEARCH_MAX_FACETS];
	for (int f = 0; f < ix->schema.n_facets; f++) {
		uint32_t vids[64], n = 0;
		for (int i = 0; i < doc->n_facet[f] && n < 64; i++) {
			if (!doc->facet[f][i])
				continue;
			uint32_t vid = 0;
			if ((rc = sx__facet_value_add(&vid, ix, f, doc->facet[f][i])) < 0)
				return rc;
			bool seen = false;
			for (uint32_t k = 0; k < n; k++)
				seen |= vids[k] == vid;
			if (!seen)
				vids[n++] = vid;
		}
		if (n <= 1) {
			row[f] = n ? vids[0] : SX_NONE;
			continue;
		}
		if (ix->n_multi + n + 1 >= SX_MULTI)
			return err_set(ERR_TOOLARGE, "the search index is full");
		if (ix->n_multi + n + 1 > ix->cap_multi) {
			uint64_t cap = ix->cap_multi ? ix->cap_multi * 2 : 4096;
			uint32_t *m = realloc(ix->multi, (size_t)cap * sizeof(uint32_t));
			if (!m)
				return err_set(ERR_NOMEM, "out of memory");
			ix->multi = m;
			ix->cap_multi = cap;
		}
		row[f] = SX_MULTI | (uint32_t)ix->n_multi;
		ix->multi[ix->n_multi++] = n;
		memcpy(ix->multi + ix->n_multi, vids, n * sizeof(uint32_t));
		ix->n_multi += n;
	}
	/* The postings: a failure here leaves postings of a slot that is then
	 * marked dead, so no query sees them. */
	ix->doc_id[slot] = doc_id;
	for (int f = 0; f < ix->schema.n_text; f++) {
		uint32_t n = (uint32_t)fields[f].n;
		uint16_t len = (uint16_t)(n > UINT16_MAX ? UINT16_MAX : n);
		ix->flen[(size_t)slot * (size_t)ix->schema.n_text + (size_t)f] = len;
		ix->len_sum[f] += len;
		if (ix->stored[f]) {
			ix->stored[f][slot] = stored[f];
			stored[f] = NULL;    /* the index owns it now */
		}
	}
	if (ix->schema.n_facets)
		memcpy(ix->frow + (size_t)slot * (size_t)ix->schema.n_facets, row,
		       (size_t)ix->schema.n_facets * sizeof(uint32_t));
	ix->n_slots++;
	ix->n_live++;
	sx__drift_check(ix);
	rc = sx__post(ix, slot, syl, n_syll, true);
	if (rc == 0)
		rc = sx__post(ix, slot, pair, n_pair, false);
	if (rc < 0) {
		sx__kill(ix, slot);
		return rc;
	}
	uint32_t cell;
	uint32_t old = sx__id_find(ix, doc_id, &cell);
	if (old != SX_EMPTY) {
		sx__id_delete(ix, cell);
		sx__kill(ix, old);
	}
	if ((rc = sx__id_insert(ix, slot)) < 0) {
		sx__kill(ix, slot);
		return rc;
	}
	sx__sweep_step(ix);
	return 0;
}

int search_put(search_index *ix, int64_t doc_id, const search_doc *doc)
{
	int rc = 0;
	int n_text = ix->schema.n_text;
	sx_text fields[SEARCH_MAX_TEXT] = { 0 };
	char *stored[SEARCH_MAX_TEXT] = { 0 };
	sx_occ *occ = NULL;
	size_t occ_cap = 0;
	/* Analysis and copies outside the lock: readers wait only for the
	 * dictionary and posting updates. */
	for (int f = 0; f < n_text; f++) {
		const char *z = doc->text[f] ? doc->text[f] : "";
		size_t len = strlen(z);
		if ((rc = sx_analyse(&fields[f], z, len)) < 0)
			goto done;
		if (ix->schema.text[f].stored && !(stored[f] = strdup(z))) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto done;
		}
	}
	pthread_rwlock_wrlock(&ix->lock);
	rc = sx__put_locked(ix, doc_id, doc, fields, stored, &occ, &occ_cap);
	pthread_rwlock_unlock(&ix->lock);
done:
	for (int f = 0; f < n_text; f++) {
		sx_text_free(&fields[f]);
		free(stored[f]);
	}
	free(occ);
	return rc;
}
