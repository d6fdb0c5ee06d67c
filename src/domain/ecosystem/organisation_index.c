/* organisation_index: the search over organisations, from an in-memory
 * copy of what a search reads (folded name, short name and aliases, kind,
 * status, sectors, unit path) that each server keeps and reads again when
 * the organisations or the units changed. A search scans the copy once,
 * matching, counting by kind and keeping the best rows in one pass — a
 * few milliseconds for 100,000 organisations whatever the query, where
 * SQL over a folded-key index needed 50–400 ms for common words such as
 * "cong ty" — and reads only the page's rows from the database. */
#include "domain/ecosystem/organisation.h"
#include "domain/ecosystem/organisation_internal.h"
#include "domain/people/unit.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/str.h"
#include "util/utf8.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const statuses[] = { "active", "inactive", "dissolved", "merged", NULL };
enum { STATUS_MERGED = 3, N_KINDS = 9 };

typedef struct entry {
	int64_t id;
	const char *name;        /* folded name */
	const char *lower;       /* the name in lower case, marks kept */
	const char *keys;        /* folded short name and aliases, each NUL-terminated, then "" */
	const char *sectors;     /* ",ai,iot," */
	uint64_t sector_bits;    /* a bit per code of the snapshot's codes */
	const char *path;        /* the unit's path, "" when none */
	unsigned char kind, status;
	bool published;
} entry;

/* One reading of the organisations; searches hold a reference while they
 * scan it, so a newer one can replace it meanwhile. */
typedef struct snapshot {
	int refs;
	char key[160];           /* what the freshness query answered */
	entry *entries;
	size_t n;
	char *codes[64];         /* the sector codes met, bit i for codes[i] */
	int n_codes;
	bool codes_full;         /* more codes than bits: filter by text */
	arena mem;
} snapshot;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static snapshot *current;

int organisation__changed(db_conn *db)
{
	return db_run(db, NULL, "UPDATE organisation_generation SET n = n + 1 WHERE id = 1", "");
}

static int index_of(const char *const *list, const char *v)
{
	for (int i = 0; v && list[i]; i++)
		if (strcmp(list[i], v) == 0)
			return i;
	return 0;
}

/* The freshness key: changes made through this module move the
 * generation; rows added by other means move the last id; a unit moved
 * changes the units' last update. */
static int fresh_key(char *out, size_t size, db_conn *db)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT (SELECT n FROM organisation_generation WHERE id = 1), "
				    "(SELECT MAX(id) FROM organisation), (SELECT MAX(updated_at) FROM unit), "
				    "(SELECT COUNT(*) FROM unit)");
	if (rc < 0)
		return rc;
	if ((rc = db_step(s)) == DB_ROW)
		snprintf(out, size, "%lld/%lld/%s/%lld", (long long)db_column_int64(s, 0), (long long)db_column_int64(s, 1),
			db_column_text(s, 2) ? db_column_text(s, 2) : "", (long long)db_column_int64(s, 3));
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static void snapshot_free(snapshot *snap)
{
	if (!snap)
		return;
	for (int i = 0; i < snap->n_codes; i++)
		free(snap->codes[i]);
	free(snap->entries);
	arena_free(&snap->mem);
	free(snap);
}

/* Writes the keys list of e (short name, then aliases) into the arena. */
static int set_keys(snapshot *snap, entry *e, const str *keys)
{
	char *k = arena_alloc(&snap->mem, keys->len + 1);
	if (!k)
		return err_set(ERR_NOMEM, "out of memory");
	if (keys->len)
		memcpy(k, keys->ptr, keys->len);
	k[keys->len] = '\0';
	e->keys = k;
	return 0;
}

/* A copy of an NFC name in lower case, for the letters Vietnamese writes
 * (ASCII, Latin-1, Ă Đ Ĩ Ũ Ơ Ư and the precomposed U+1EA0..U+1EF9): each
 * keeps its length in UTF-8, so the copy is changed in place. vn_lower
 * does the same for every letter but costs more than the rest of a
 * reading of 100,000 names; a letter it leaves alone here only weighs in
 * the order of names that match alike. */
static char *lower_copy(arena *a, const char *name)
{
	char *s = arena_strdup(a, name);
	unsigned char *p = (unsigned char *)s;
	while (p && *p) {
		if (*p < 0x80) {
			if (*p >= 'A' && *p <= 'Z')
				*p += 32;
			p++;
		} else if ((*p & 0xE0) == 0xC0 && p[1]) {
			unsigned cp = ((unsigned)(*p & 0x1F) << 6) | (p[1] & 0x3F);
			if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) || cp == 0x102 || cp == 0x110 || cp == 0x128 ||
			    cp == 0x168 || cp == 0x1A0 || cp == 0x1AF)
				cp += cp >= 0xC0 && cp <= 0xDE ? 0x20 : 1;
			p[0] = (unsigned char)(0xC0 | (cp >> 6));
			p[1] = (unsigned char)(0x80 | (cp & 0x3F));
			p += 2;
		} else if ((*p & 0xF0) == 0xE0 && p[1] && p[2]) {
			unsigned cp = ((unsigned)(*p & 0x0F) << 12) | ((unsigned)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
			if (cp >= 0x1EA0 && cp <= 0x1EF9 && cp % 2 == 0) {
				cp++;
				p[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
				p[2] = (unsigned char)(0x80 | (cp & 0x3F));
			}
			p += 3;
		} else {
			p++;
		}
	}
	return s;
}

/* The bit of a sector code, added to the snapshot's codes when new; -1
 * when there are more codes than bits. */
static int code_bit(snapshot *snap, const char *code, size_t len, bool add)
{
	for (int i = 0; i < snap->n_codes; i++)
		if (strlen(snap->codes[i]) == len && memcmp(snap->codes[i], code, len) == 0)
			return i;
	if (!add)
		return -1;   /* a search: the snapshot is read-only */
	if (snap->n_codes == 64) {
		snap->codes_full = true;
		return -1;
	}
	if (!(snap->codes[snap->n_codes] = strndup(code, len)))
		return -1;
	return snap->n_codes++;
}

/* The bits of ",a,b," */
static uint64_t sector_bits(snapshot *snap, const char *list)
{
	uint64_t bits = 0;
	for (const char *p = list + 1; *p; ) {
		const char *end = strchr(p, ',');
		if (!end)
			break;
		int bit = end > p ? code_bit(snap, p, (size_t)(end - p), true) : -1;
		if (bit >= 0)
			bits |= (uint64_t)1 << bit;
		p = end + 1;
	}
	return bits;
}

static int load_entries(snapshot *snap, db_conn *db)
{
	db_stmt *s;
	size_t cap = 0;
	int rc = db_prepare(&s, db, "SELECT o.id, o.kind, o.status, o.published, o.sectors, o.name_folded, o.short_name, u.path, o.name "
				    "FROM organisation o LEFT JOIN unit u ON u.id = o.unit_id ORDER BY o.id");
	if (rc < 0)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (snap->n == cap) {
			cap = cap ? cap * 2 : 1024;
			entry *grown = realloc(snap->entries, cap * sizeof(entry));
			if (!grown) {
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
			snap->entries = grown;
		}
		entry *e = &snap->entries[snap->n++];
		char sectors[600];
		snprintf(sectors, sizeof(sectors), ",%s,", db_column_text(s, 4) ? db_column_text(s, 4) : "");
		e->id = db_column_int64(s, 0);
		e->kind = (unsigned char)index_of(organisation_kinds, db_column_text(s, 1));
		e->status = (unsigned char)index_of(statuses, db_column_text(s, 2));
		e->published = db_column_int64(s, 3) != 0;
		e->sectors = arena_strdup(&snap->mem, sectors);
		e->sector_bits = sector_bits(snap, sectors);
		e->name = arena_strdup(&snap->mem, db_column_text(s, 5));
		e->lower = lower_copy(&snap->mem, db_column_text(s, 8));
		e->path = arena_strdup(&snap->mem, db_column_text(s, 7) ? db_column_text(s, 7) : "");
		/* the short name folded, as the first of the keys; aliases follow */
		str keys = STR_INIT;
		if (db_column_text(s, 6)) {
			char *folded = NULL;
			const char *t = db_column_text(s, 6);
			if (vn_fold(&folded, t, strlen(t)) == 0 && *folded)
				str_appendn(&keys, folded, strlen(folded) + 1);
			free(folded);
		}
		rc = set_keys(snap, e, &keys);
		str_free(&keys);
		if (rc < 0 || !e->sectors || !e->name || !e->lower || !e->path) {
			rc = rc < 0 ? rc : err_set(ERR_NOMEM, "out of memory");
			break;
		}
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static entry *find_entry(snapshot *snap, int64_t id)
{
	size_t lo = 0, hi = snap->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (snap->entries[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < snap->n && snap->entries[lo].id == id ? &snap->entries[lo] : NULL;
}

/* The order of the results within a rank: by name, then id. The copy is
 * kept in this order, so a scan meets the matches of each rank already
 * sorted and keeps the first ones it meets. */
static int entry_cmp(const void *pa, const void *pb)
{
	const entry *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);
	if (c)
		return c;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Five ranks of match (rank_of), each split in two when the query has
 * marks: names holding the query as typed ("đường") before the others
 * that only fold alike ("dương", "đương"). */
enum { N_RANKS = 10 };

/* Adds the aliases of each organisation after its short name. */
static int load_aliases(snapshot *snap, db_conn *db)
{
	db_stmt *s;
	str keys = STR_INIT;
	entry *at = NULL;
	int rc = db_prepare(&s, db, "SELECT organisation_id, alias_folded FROM organisation_alias ORDER BY organisation_id");
	if (rc < 0)
		return rc;
	for (;;) {
		rc = db_step(s);
		int64_t id = rc == DB_ROW ? db_column_int64(s, 0) : 0;
		if (at && (rc != DB_ROW || id != at->id)) {
			if ((rc = set_keys(snap, at, &keys)) < 0)
				break;
			rc = id ? DB_ROW : DB_DONE;
			at = NULL;
		}
		if (rc != DB_ROW)
			break;
		if (!at && (at = find_entry(snap, id))) {
			str_clear(&keys);
			for (const char *k = at->keys; *k; k += strlen(k) + 1)
				str_appendn(&keys, k, strlen(k) + 1);
		}
		if (at)
			str_appendn(&keys, db_column_text(s, 1), strlen(db_column_text(s, 1)) + 1);
	}
	db_finalize(s);
	str_free(&keys);
	return rc < 0 ? rc : 0;
}

/* Copies each entry's texts next to each other in the entries' order, so
 * that a scan reads memory in sequence (after the sort by name, texts
 * read in id order were scattered: a cache miss for each). */
static int repack(snapshot *snap)
{
	arena packed;
	arena_init(&packed, 1 << 20);
	for (size_t i = 0; i < snap->n; i++) {
		entry *e = &snap->entries[i];
		size_t keys = 0;
		while (e->keys[keys])
			keys += strlen(e->keys + keys) + 1;
		size_t n_name = strlen(e->name) + 1, n_sectors = strlen(e->sectors) + 1, n_path = strlen(e->path) + 1;
		size_t n_lower = strlen(e->lower) + 1;
		char *p = arena_alloc(&packed, n_name + keys + 1 + n_sectors + n_path + n_lower);
		if (!p) {
			arena_free(&packed);
			return err_set(ERR_NOMEM, "out of memory");
		}
		memcpy(p, e->name, n_name);
		e->name = p;
		p += n_name;
		memcpy(p, e->keys, keys + 1);
		e->keys = p;
		p += keys + 1;
		memcpy(p, e->sectors, n_sectors);
		e->sectors = p;
		p += n_sectors;
		memcpy(p, e->path, n_path);
		e->path = p;
		p += n_path;
		memcpy(p, e->lower, n_lower);
		e->lower = p;
	}
	arena_free(&snap->mem);
	snap->mem = packed;
	return 0;
}

/* The current snapshot, read again when it is stale; the caller releases
 * it with snapshot_release. */
static int snapshot_acquire(snapshot **out, db_conn *db)
{
	char key[160] = "";
	int rc;
	*out = NULL;
	if ((rc = fresh_key(key, sizeof(key), db)) < 0)
		return rc;
	pthread_mutex_lock(&cache_lock);
	if (!current || strcmp(current->key, key) != 0) {
		snapshot *snap = calloc(1, sizeof(*snap));
		if (!snap) {
			pthread_mutex_unlock(&cache_lock);
			return err_set(ERR_NOMEM, "out of memory");
		}
		arena_init(&snap->mem, 1 << 16);
		snprintf(snap->key, sizeof(snap->key), "%s", key);
		if ((rc = load_entries(snap, db)) < 0 || (rc = load_aliases(snap, db)) < 0) {
			pthread_mutex_unlock(&cache_lock);
			snapshot_free(snap);
			return rc;
		}
		qsort(snap->entries, snap->n, sizeof(entry), entry_cmp);
		if ((rc = repack(snap)) < 0) {
			pthread_mutex_unlock(&cache_lock);
			snapshot_free(snap);
			return rc;
		}
		snap->refs = 1;   /* the cache's own reference */
		if (current && --current->refs == 0)
			snapshot_free(current);
		current = snap;
	}
	current->refs++;
	*out = current;
	pthread_mutex_unlock(&cache_lock);
	return 0;
}

static void snapshot_release(snapshot *snap)
{
	pthread_mutex_lock(&cache_lock);
	bool last = --snap->refs == 0;
	pthread_mutex_unlock(&cache_lock);
	if (last)
		snapshot_free(snap);
}

/* ------------------------------------------------------------- matching */

/* Whether q (n bytes) starts a word of s: compared only where s holds
 * q's first byte (strstr's set-up for every name costs more than this). */
static bool word_prefix(const char *s, const char *q, size_t n)
{
	for (const char *p = s; (p = strchr(p, q[0])); p++)
		if ((p == s || ((unsigned char)p[-1] < 0x80 && !isalnum((unsigned char)p[-1]))) && strncmp(p, q, n) == 0)
			return true;
	return false;
}

/* 0 the exact name, 1 an exact short name or alias, 2 the start of the
 * name, 3 the start of another key, 4 the start of a word; -1 no match. */
static int rank_of(const entry *e, const char *q, size_t n)
{
	int best = -1;
	if (strncmp(e->name, q, n) == 0) {
		if (!e->name[n])
			return 0;
		best = 2;
	}
	for (const char *k = e->keys; *k; k += strlen(k) + 1)
		if (strncmp(k, q, n) == 0) {
			if (!k[n])
				return 1;
			if (best < 0)
				best = 3;
		}
	if (best < 0 && word_prefix(e->name, q, n))
		best = 4;
	for (const char *k = e->keys; best < 0 && *k; k += strlen(k) + 1)
		if (word_prefix(k, q, n))
			best = 4;
	return best;
}

/* ----------------------------------------------------------------- rows */

#define LIST_COLUMNS \
	"o.id, o.kind, o.name, o.short_name, o.tax_code, o.unit_id, u.code, u.name, o.sectors, o.size, o.employees, " \
	"o.founded_on, o.status, o.published, o.website"

static json_t *list_row(db_stmt *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_column_int64(s, 0)));
	json_object_set_new(o, "kind", json_string(db_column_text(s, 1)));
	json_object_set_new(o, "name", json_string(db_column_text(s, 2)));
	json_object_set_new(o, "short_name", organisation__text_or_null(s, 3));
	json_object_set_new(o, "tax_code", organisation__text_or_null(s, 4));
	json_object_set_new(o, "unit_id", db_column_is_null(s, 5) ? json_null() : json_integer(db_column_int64(s, 5)));
	json_object_set_new(o, "unit_code", organisation__text_or_null(s, 6));
	json_object_set_new(o, "unit_name", organisation__text_or_null(s, 7));
	json_object_set_new(o, "sectors", organisation__sector_list(db_column_text(s, 8)));
	json_object_set_new(o, "size", organisation__text_or_null(s, 9));
	json_object_set_new(o, "employees", db_column_is_null(s, 10) ? json_null() : json_integer(db_column_int64(s, 10)));
	json_object_set_new(o, "founded_on", organisation__text_or_null(s, 11));
	json_object_set_new(o, "status", json_string(db_column_text(s, 12)));
	json_object_set_new(o, "published", json_boolean(db_column_int64(s, 13)));
	json_object_set_new(o, "website", organisation__text_or_null(s, 14));
	return o;
}

/* The rows of ids[0..n), in that order. */
static int page_rows(json_t *rows, db_conn *db, const int64_t *ids, size_t n)
{
	str sql = STR_INIT;
	db_stmt *s;
	int rc;
	if (n == 0)
		return 0;
	json_t **slot = calloc(n, sizeof(*slot));
	if (!slot)
		return err_set(ERR_NOMEM, "out of memory");
	str_append(&sql, "SELECT " LIST_COLUMNS " FROM organisation o LEFT JOIN unit u ON u.id = o.unit_id WHERE o.id IN (");
	for (size_t i = 0; i < n; i++)
		str_append(&sql, i ? ", ?" : "?");
	str_append(&sql, ")");
	if (str_oom(&sql))
		rc = err_set(ERR_NOMEM, "out of memory");
	else
		rc = db_prepare(&s, db, sql.ptr);
	str_free(&sql);
	if (rc == 0) {
		for (size_t i = 0; i < n; i++)
			db_bind_int64(s, (int)i + 1, ids[i]);
		while ((rc = db_step(s)) == DB_ROW) {
			int64_t id = db_column_int64(s, 0);
			for (size_t i = 0; i < n; i++)
				if (ids[i] == id && !slot[i]) {
					slot[i] = list_row(s);
					break;
				}
		}
		db_finalize(s);
	}
	for (size_t i = 0; i < n; i++)
		if (slot[i])
			json_array_append_new(rows, slot[i]);
	free(slot);
	return rc < 0 ? rc : 0;
}

/* ---------------------------------------------------------------- search */

typedef struct criteria {
	const char *q;           /* folded; NULL: every organisation */
	size_t q_len;
	const char *marked;      /* in lower case with its marks, when it has any */
	int kind;                /* -1: any */
	int status;              /* -1: every one but merged */
	const char *sector;      /* ",code,"; NULL: any */
	uint64_t sector_bit;     /* its bit in the snapshot; 0: filter by text */
	const char *path;        /* a subtree's path; NULL: anywhere */
	size_t path_len;
	bool public_only;
} criteria;

/* Whether e passes every filter but the kind (the facets count kinds). */
static bool passes(const entry *e, const criteria *c)
{
	if (c->status >= 0 ? e->status != c->status : e->status == STATUS_MERGED)
		return false;
	if (c->public_only && (!e->published || e->status == STATUS_MERGED))
		return false;
	if (c->sector && (c->sector_bit ? !(e->sector_bits & c->sector_bit) : !strstr(e->sectors, c->sector)))
		return false;
	if (c->path && strncmp(e->path, c->path, c->path_len) != 0)
		return false;
	return true;
}

static int read_criteria(criteria *c, char **folded, char **marked, char **sector, arena *a, db_conn *db,
	const organisation_filter *f)
{
	int rc;
	memset(c, 0, sizeof(*c));
	c->kind = c->status = -1;
	c->public_only = f->public_only;
	if (f->q && *f->q) {
		if ((rc = vn_fold(folded, f->q, strlen(f->q))) < 0)
			return rc;
		if (**folded) {
			c->q = *folded;
			c->q_len = strlen(*folded);
		}
		char *current = NULL;
		if (c->q && (rc = vn_tone_normalise(&current, f->q, strlen(f->q))) == 0)
			rc = vn_lower(marked, current, strlen(current));
		free(current);
		if (rc < 0)
			return rc;
		if (c->q && strcmp(*marked, *folded) != 0)
			c->marked = *marked;
	}
	if (f->kind && *f->kind) {
		for (int i = 0; organisation_kinds[i]; i++)
			if (strcmp(organisation_kinds[i], f->kind) == 0)
				c->kind = i;
		if (c->kind < 0)
			return err_set(ERR_INVALID, "'%s' must be one of %s", "kind",
				"university, institute, enterprise, st_enterprise, startup, innovation_centre, fund, agency, foreign_partner");
	}
	if (f->status && *f->status) {
		for (int i = 0; statuses[i]; i++)
			if (strcmp(statuses[i], f->status) == 0)
				c->status = i;
		if (c->status < 0)
			return err_set(ERR_INVALID, "'%s' must be one of %s", "status", "active, inactive, dissolved, merged");
	}
	if (f->sector && *f->sector) {
		if (!(*sector = malloc(strlen(f->sector) + 3)))
			return err_set(ERR_NOMEM, "out of memory");
		sprintf(*sector, ",%s,", f->sector);
		c->sector = *sector;
	}
	if (f->unit_id) {
		if ((rc = unit_path(&c->path, db, a, f->unit_id)) < 0)
			return rc;
		c->path_len = strlen(c->path);
	}
	return 0;
}

int organisation_list(json_t **out, db_conn *db, const organisation_filter *f)
{
	criteria c;
	char *folded = NULL, *marked = NULL, *sector = NULL;
	snapshot *snap = NULL;
	int64_t counts[N_KINDS] = { 0 }, total = 0;
	arena a;
	const entry **kept[N_RANKS] = { NULL };
	size_t n_kept[N_RANKS] = { 0 }, k = 0, n_ids = 0;
	int64_t *ids = NULL;
	json_t *rows = NULL;
	int rc;
	*out = NULL;
	arena_init(&a, 1024);
	if ((rc = read_criteria(&c, &folded, &marked, &sector, &a, db, f)) < 0 || (rc = snapshot_acquire(&snap, db)) < 0)
		goto done;
	if (c.sector) {
		int bit = code_bit(snap, c.sector + 1, strlen(c.sector) - 2, false);
		if (bit >= 0)
			c.sector_bit = (uint64_t)1 << bit;
		else if (!snap->codes_full)
			c.sector = "\n";   /* a code no organisation has: nothing matches */
	}
	/* the first k matches of each rank, in the copy's (name) order */
	k = (uint64_t)f->offset >= snap->n || (uint64_t)f->limit >= snap->n - (uint64_t)f->offset
		? snap->n : (size_t)(f->offset + f->limit);
	for (int r = 0; r < N_RANKS; r++)
		if (k && !(kept[r] = malloc(k * sizeof(*kept[r])))) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto done;
		}
	for (size_t i = 0; i < snap->n; i++) {
		const entry *e = &snap->entries[i];
		int rank = 0;
		if (!passes(e, &c) || (c.q && (rank = rank_of(e, c.q, c.q_len)) < 0))
			continue;
		rank = 2 * rank + (c.marked && !strstr(e->lower, c.marked));
		counts[e->kind]++;
		if (c.kind >= 0 && e->kind != c.kind)
			continue;
		total++;
		if (n_kept[rank] < k)
			kept[rank][n_kept[rank]++] = e;
	}
	if (k && !(ids = malloc(k * sizeof(*ids)))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto done;
	}
	for (size_t r = 0, seen = 0; r < N_RANKS; r++)
		for (size_t i = 0; i < n_kept[r] && seen < k; i++, seen++)
			if (seen >= (size_t)f->offset)
				ids[n_ids++] = kept[r][i]->id;
	rows = json_array();
	if ((rc = page_rows(rows, db, ids, n_ids)) < 0)
		goto done;
	json_t *kinds = json_object();
	for (int kind = 0; kind < N_KINDS; kind++)
		if (counts[kind])
			json_object_set_new(kinds, organisation_kinds[kind], json_integer(counts[kind]));
	*out = json_pack("{s:o, s:I, s:{s:o}}", "organisations", rows, "total", (json_int_t)total, "facets", "kind", kinds);
	rows = NULL;
done:
	if (snap)
		snapshot_release(snap);
	json_decref(rows);
	free(ids);
	for (int r = 0; r < N_RANKS; r++)
		free(kept[r]);
	free(folded);
	free(marked);
	free(sector);
	arena_free(&a);
	return rc < 0 ? rc : 0;
}
