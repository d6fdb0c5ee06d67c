/* openalex: the import of OpenAlex works in JSON Lines. One transaction,
 * statements prepared once, the registry's identifiers held in memory so
 * that matching an affiliation costs no query. */
#include "domain/stmap/openalex.h"
#include "domain/people/audit.h"
#include "domain/stmap/outputs.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/str.h"
#include "util/time.h"
#include "util/utf8.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ string map */

/* Open addressing from a text key (copied into the arena) to an id;
 * 0 means absent, -1 an ambiguous name. */
typedef struct smap_slot {
	const char *key;
	uint64_t hash;
	int64_t val;
} smap_slot;

typedef struct smap {
	smap_slot *slots;
	size_t cap, n;
} smap;

static uint64_t smap_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static smap_slot *smap_find(const smap *m, const char *key, uint64_t h)
{
	size_t i = h & (m->cap - 1);
	while (m->slots[i].key && (m->slots[i].hash != h || strcmp(m->slots[i].key, key) != 0))
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

static int smap_grow(smap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 256;
	smap_slot *old = m->slots, *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return err_set(ERR_NOMEM, "out of memory");
	size_t old_cap = m->cap;
	m->slots = slots;
	m->cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].key)
			*smap_find(m, old[i].key, old[i].hash) = old[i];
	free(old);
	return 0;
}

static int64_t smap_get(const smap *m, const char *key)
{
	if (!m->n || !key)
		return 0;
	return smap_find(m, key, smap_hash(key))->val;
}

/* Sets key to val; with ambiguous, a key already holding another value
 * becomes -1. */
static int smap_put(smap *m, arena *a, const char *key, int64_t val, bool ambiguous)
{
	int rc;
	if ((m->n + 1) * 4 > m->cap * 3 && (rc = smap_grow(m)) < 0)
		return rc;
	uint64_t h = smap_hash(key);
	smap_slot *s = smap_find(m, key, h);
	if (s->key) {
		s->val = ambiguous && s->val != val ? -1 : val;
		return 0;
	}
	if (!(s->key = arena_strdup(a, key)))
		return err_set(ERR_NOMEM, "out of memory");
	s->hash = h;
	s->val = val;
	m->n++;
	return 0;
}

static void smap_free(smap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

/* ----------------------------------------------------------------- state */

enum {
	S_WORK_INSERT, S_WORK_UPDATE, S_DEL_AUTHORS, S_DEL_AFFILIATIONS, S_DEL_REFERENCES, S_AUTHOR, S_AFFILIATION,
	S_REFERENCE, N_STMTS
};

#define WORK_COLUMNS \
	"openalex_id, doi, title, title_folded, year, type, language, venue, field_id, field, subfield_id, subfield, " \
	"domain_id, domain, is_oa, oa_status, cited_by_count, fwci, percentile, is_top10, is_top1, " \
	"referenced_works_count, n_authors, demo, updated_at"
#define N_WORK_COLUMNS 25

static const char *const stmt_sql[N_STMTS] = {
	[S_WORK_INSERT] = "INSERT INTO work (" WORK_COLUMNS ", source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
			  "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'openalex') RETURNING id",
	[S_WORK_UPDATE] = "UPDATE work SET openalex_id = ?, doi = ?, title = ?, title_folded = ?, year = ?, type = ?, "
			  "language = ?, venue = ?, field_id = ?, field = ?, subfield_id = ?, subfield = ?, domain_id = ?, "
			  "domain = ?, is_oa = ?, oa_status = ?, cited_by_count = ?, fwci = ?, percentile = ?, "
			  "is_top10 = ?, is_top1 = ?, referenced_works_count = ?, n_authors = ?, demo = ?, "
			  "updated_at = ?, source = 'openalex' WHERE id = ?",
	[S_DEL_AUTHORS] = "DELETE FROM work_author WHERE work_id = ?",
	[S_DEL_AFFILIATIONS] = "DELETE FROM work_affiliation WHERE work_id = ?",
	[S_DEL_REFERENCES] = "DELETE FROM work_reference WHERE work_id = ?",
	[S_AUTHOR] = "INSERT INTO work_author (work_id, position, name, orcid, author_id, countries, is_corresponding) "
		     "VALUES (?, ?, ?, ?, ?, ?, ?)",
	[S_AFFILIATION] = "INSERT INTO work_affiliation (work_id, position, institution_id, ror, name, name_folded, "
			  "country_code, type, organisation_id, match) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[S_REFERENCE] = "INSERT INTO work_reference (work_id, referenced) VALUES (?, ?) ON CONFLICT DO NOTHING",
};

typedef struct importer {
	db_conn *db;
	const openalex_options *opt;
	openalex_result *r;
	arena a;                 /* keys of the maps, folded names */
	smap by_openalex, by_ror, by_name, by_link, works, folded;
	db_stmt *s[N_STMTS];
	char now[TIME_ISO_SIZE];
	str buf;                 /* scratch for joined countries and keys */
	str deferred;            /* CREATE INDEX statements to run at the end */
} importer;

/* ------------------------------------------------------------- the maps */

static int load_pairs(importer *im, smap *m, const char *sql, bool ambiguous)
{
	db_stmt *s;
	int rc = db_prepare(&s, im->db, sql);
	if (rc < 0)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		const char *key = db_column_text(s, 1);
		if (key && *key && (rc = smap_put(m, &im->a, key, db_column_int64(s, 0), ambiguous)) < 0)
			break;
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* The registry's organisations by identifier and folded name (a name two
 * organisations share matches neither), the links writers made, and the
 * works already imported by OpenAlex id. */
static int load_maps(importer *im)
{
	int rc;
	if ((rc = load_pairs(im, &im->by_openalex, "SELECT id, openalex_id FROM organisation WHERE status <> 'merged'",
		     false)) < 0 ||
	    (rc = load_pairs(im, &im->by_ror, "SELECT id, ror FROM organisation WHERE status <> 'merged'", false)) < 0 ||
	    (rc = load_pairs(im, &im->by_name, "SELECT id, name_folded FROM organisation WHERE status <> 'merged'",
		     true)) < 0 ||
	    (rc = load_pairs(im, &im->by_name, "SELECT a.organisation_id, a.alias_folded FROM organisation_alias a "
		     "JOIN organisation o ON o.id = a.organisation_id WHERE o.status <> 'merged'", true)) < 0 ||
	    (rc = load_pairs(im, &im->by_link, "SELECT organisation_id, key FROM institution_link", false)) < 0)
		return rc;
	return load_pairs(im, &im->works, "SELECT id, openalex_id FROM work WHERE openalex_id IS NOT NULL", false);
}

/* -------------------------------------------------------------- helpers */

const char *openalex_short_id(const char *s)
{
	if (!s || strncmp(s, "http", 4) != 0)
		return s;
	const char *slash = strrchr(s, '/');
	return slash && slash[1] ? slash + 1 : s;
}

static const char *text_of(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v && *v ? v : NULL;
}

static int bind_text(db_stmt *s, int i, const char *v)
{
	return v ? db_bind_text_static(s, i, v) : db_bind_null(s, i);
}

/* A JSON boolean as 0/1, NULL when absent or null. */
static int bind_bool(db_stmt *s, int i, const json_t *v)
{
	return json_is_boolean(v) ? db_bind_int64(s, i, json_is_true(v)) : db_bind_null(s, i);
}

static int bind_number(db_stmt *s, int i, const json_t *v)
{
	if (json_is_number(v))
		return db_bind_double(s, i, json_number_value(v));
	if (json_is_string(v)) {   /* the 2022 schema writes some scores as text */
		char *end;
		double d = strtod(json_string_value(v), &end);
		if (end != json_string_value(v) && !*end)
			return db_bind_double(s, i, d);
	}
	return db_bind_null(s, i);
}

static bool ascii_only(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* Text as stored: NFC (ASCII is already). *owned is set when a copy was
 * made, for the caller to free after the statement ran. */
static int nfc_text(const char **out, char **owned, const char *v)
{
	*owned = NULL;
	*out = v;
	if (!v || ascii_only(v))
		return 0;
	int rc = utf8_nfc(owned, v, strlen(v));
	if (rc == 0)
		*out = *owned;
	return rc;
}

/* vn_fold(name), kept in the arena: institution names repeat. */
static int folded_name(const char **out, importer *im, const char *name)
{
	if (!im->folded.n || !smap_get(&im->folded, name)) {
		char *f = NULL;
		int rc = vn_fold(&f, name, strlen(name));
		if (rc < 0)
			return rc;
		char *kept = arena_strdup(&im->a, f);
		free(f);
		if (!kept || (rc = smap_put(&im->folded, &im->a, name, (int64_t)(intptr_t)kept, false)) < 0)
			return kept ? rc : err_set(ERR_NOMEM, "out of memory");
	}
	*out = (const char *)(intptr_t)smap_get(&im->folded, name);
	return 0;
}

static int64_t link_of(importer *im, const char *prefix, const char *v)
{
	if (!v || !im->by_link.n)
		return 0;
	str_clear(&im->buf);
	str_append(&im->buf, prefix);
	str_append(&im->buf, v);
	return str_oom(&im->buf) ? 0 : smap_get(&im->by_link, str_cstr(&im->buf));
}

/* The organisation an institution is, and by which route (NULL: none). */
static int64_t match_institution(const char **how, importer *im, const char *inst, const char *ror, const char *folded)
{
	int64_t id;
	if ((id = smap_get(&im->by_openalex, inst)) > 0) {
		*how = "openalex";
		im->r->by_openalex++;
	} else if ((id = smap_get(&im->by_ror, ror)) > 0) {
		*how = "ror";
		im->r->by_ror++;
	} else if ((id = link_of(im, "openalex:", inst)) > 0 || (!inst && (id = link_of(im, "ror:", ror)) > 0) ||
		   (!inst && !ror && (id = link_of(im, "name:", folded)) > 0)) {   /* an institution's key, as the review list gives it */
		*how = "manual";
		im->r->by_manual++;
	} else if ((id = smap_get(&im->by_name, folded)) > 0) {
		*how = "name";
		im->r->by_name++;
	} else {
		*how = NULL;
		im->r->unmatched++;
		return 0;
	}
	return id;
}

static int step_done(db_stmt *s)
{
	int rc = db_step(s);
	int rr = db_reset(s);
	return rc < 0 ? rc : rr;
}

/* --------------------------------------------------------------- fields */

typedef struct work_fields {
	const char *field_id, *field, *subfield_id, *subfield, *domain_id, *domain;
	const json_t *percentile, *top10, *top1;
} work_fields;

/* The field of a work: its primary topic's, or in the 2022 schema its
 * level-0 concept with the highest score. */
static void read_field(work_fields *f, const json_t *w)
{
	memset(f, 0, sizeof(*f));
	const json_t *topic = json_object_get(w, "primary_topic");
	if (json_is_object(topic)) {
		const json_t *x;
		if ((x = json_object_get(topic, "field")) != NULL) {
			f->field_id = openalex_short_id(text_of(x, "id"));
			f->field = text_of(x, "display_name");
		}
		if ((x = json_object_get(topic, "subfield")) != NULL) {
			f->subfield_id = openalex_short_id(text_of(x, "id"));
			f->subfield = text_of(x, "display_name");
		}
		if ((x = json_object_get(topic, "domain")) != NULL) {
			f->domain_id = openalex_short_id(text_of(x, "id"));
			f->domain = text_of(x, "display_name");
		}
	} else {
		size_t i;
		const json_t *c;
		double best = -1;
		json_array_foreach(json_object_get(w, "concepts"), i, c) {
			const json_t *sc = json_object_get(c, "score");
			double score = json_is_number(sc) ? json_number_value(sc)
				: json_is_string(sc) ? strtod(json_string_value(sc), NULL) : 0;
			if (json_integer_value(json_object_get(c, "level")) == 0 && score > best) {
				best = score;
				f->field_id = openalex_short_id(text_of(c, "id"));
				f->field = text_of(c, "display_name");
			}
		}
	}
	const json_t *cnp = json_object_get(w, "citation_normalized_percentile");
	if (json_is_object(cnp)) {
		f->percentile = json_object_get(cnp, "value");
		f->top10 = json_object_get(cnp, "is_in_top_10_percent");
		f->top1 = json_object_get(cnp, "is_in_top_1_percent");
	}
}

/* ------------------------------------------------------------ one work */

static int save_work_row(int64_t *id, importer *im, const json_t *w, const char *oa_id)
{
	work_fields f;
	char *title_nfc = NULL, *folded = NULL, *doi = NULL;
	const char *title;
	int rc;
	read_field(&f, w);
	const char *raw_title = text_of(w, "title");
	if (!raw_title)
		raw_title = text_of(w, "display_name");
	if ((rc = nfc_text(&title, &title_nfc, raw_title ? raw_title : "")) < 0 ||
	    (rc = vn_fold(&folded, title, strlen(title))) < 0)
		goto done;
	const char *raw_doi = text_of(w, "doi");
	if (raw_doi) {
		if (strncmp(raw_doi, "https://doi.org/", 16) == 0)
			raw_doi += 16;
		if (!(doi = strdup(raw_doi))) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto done;
		}
		for (char *p = doi; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	}
	const json_t *loc = json_object_get(w, "primary_location");
	const json_t *venue = json_is_object(loc) ? json_object_get(loc, "source") : json_object_get(w, "host_venue");
	const json_t *oa = json_object_get(w, "open_access");
	const json_t *refs = json_object_get(w, "referenced_works");
	const json_t *n_refs = json_object_get(w, "referenced_works_count");
	const json_t *year = json_object_get(w, "publication_year");
	db_stmt *s = im->s[*id ? S_WORK_UPDATE : S_WORK_INSERT];
	int k = 1;
	bind_text(s, k++, oa_id);
	bind_text(s, k++, doi);
	bind_text(s, k++, title);
	bind_text(s, k++, folded);
	json_is_integer(year) ? db_bind_int64(s, k++, json_integer_value(year)) : db_bind_null(s, k++);
	bind_text(s, k++, text_of(w, "type"));
	bind_text(s, k++, text_of(w, "language"));
	bind_text(s, k++, json_is_object(venue) ? text_of(venue, "display_name") : NULL);
	bind_text(s, k++, f.field_id);
	bind_text(s, k++, f.field);
	bind_text(s, k++, f.subfield_id);
	bind_text(s, k++, f.subfield);
	bind_text(s, k++, f.domain_id);
	bind_text(s, k++, f.domain);
	bind_bool(s, k++, json_object_get(oa, "is_oa"));
	bind_text(s, k++, json_is_object(oa) ? text_of(oa, "oa_status") : NULL);
	db_bind_int64(s, k++, json_integer_value(json_object_get(w, "cited_by_count")));
	bind_number(s, k++, json_object_get(w, "fwci"));
	bind_number(s, k++, f.percentile);
	bind_bool(s, k++, f.top10);
	bind_bool(s, k++, f.top1);
	db_bind_int64(s, k++, json_is_integer(n_refs) ? json_integer_value(n_refs) : (json_int_t)json_array_size(refs));
	db_bind_int64(s, k++, (int64_t)json_array_size(json_object_get(w, "authorships")));
	db_bind_int64(s, k++, im->opt->demo);
	bind_text(s, k++, im->now);
	if (*id) {
		db_bind_int64(s, k, *id);
		if ((rc = step_done(s)) < 0)
			goto done;
		for (int d = S_DEL_AUTHORS; d <= S_DEL_REFERENCES; d++) {
			db_bind_int64(im->s[d], 1, *id);
			if ((rc = step_done(im->s[d])) < 0)
				goto done;
		}
		im->r->updated++;
	} else {
		if ((rc = db_step(s)) == DB_ROW)
			*id = db_column_int64(s, 0);
		int rr = db_reset(s);
		if (rc >= 0)
			rc = rr;
		if (rc >= 0 && (rc = smap_put(&im->works, &im->a, oa_id, *id, false)) == 0)
			im->r->created++;
	}
done:
	free(title_nfc);
	free(folded);
	free(doi);
	return rc < 0 ? rc : 0;
}

static int save_affiliation(importer *im, int64_t work_id, int position, const json_t *inst)
{
	const char *id = openalex_short_id(text_of(inst, "id")), *ror = openalex_short_id(text_of(inst, "ror"));
	const char *name = NULL, *folded = NULL, *how;
	char *name_nfc = NULL;
	const char *raw = text_of(inst, "display_name");
	int rc;
	if ((rc = nfc_text(&name, &name_nfc, raw ? raw : id ? id : "")) < 0 || (rc = folded_name(&folded, im, name)) < 0) {
		free(name_nfc);
		return rc;
	}
	int64_t org = match_institution(&how, im, id, ror, folded);
	db_stmt *s = im->s[S_AFFILIATION];
	db_bind_int64(s, 1, work_id);
	db_bind_int64(s, 2, position);
	bind_text(s, 3, id);
	bind_text(s, 4, ror);
	bind_text(s, 5, name);
	bind_text(s, 6, folded);
	bind_text(s, 7, text_of(inst, "country_code"));
	bind_text(s, 8, text_of(inst, "type"));
	org ? db_bind_int64(s, 9, org) : db_bind_null(s, 9);
	bind_text(s, 10, how);
	rc = step_done(s);
	free(name_nfc);
	im->r->affiliations++;
	return rc;
}

static int save_author(importer *im, int64_t work_id, int position, const json_t *a)
{
	const json_t *author = json_object_get(a, "author");
	const char *name_raw = json_is_object(author) ? text_of(author, "display_name") : NULL;
	const char *name;
	char *name_nfc = NULL;
	size_t i;
	const json_t *v;
	int rc;
	if (!name_raw)
		name_raw = text_of(a, "raw_author_name");
	if ((rc = nfc_text(&name, &name_nfc, name_raw)) < 0)
		return rc;
	str_clear(&im->buf);
	json_array_foreach(json_object_get(a, "countries"), i, v) {
		if (i)
			str_appendc(&im->buf, ',');
		str_append(&im->buf, json_is_string(v) ? json_string_value(v) : "");
	}
	if (str_oom(&im->buf)) {
		free(name_nfc);
		return err_set(ERR_NOMEM, "out of memory");
	}
	db_stmt *s = im->s[S_AUTHOR];
	db_bind_int64(s, 1, work_id);
	db_bind_int64(s, 2, position);
	bind_text(s, 3, name);
	bind_text(s, 4, json_is_object(author) ? openalex_short_id(text_of(author, "orcid")) : NULL);
	bind_text(s, 5, json_is_object(author) ? openalex_short_id(text_of(author, "id")) : NULL);
	db_bind_text(s, 6, str_cstr(&im->buf));
	db_bind_int64(s, 7, json_is_true(json_object_get(a, "is_corresponding")));
	rc = step_done(s);
	free(name_nfc);
	if (rc < 0)
		return rc;
	im->r->authors++;
	json_array_foreach(json_object_get(a, "institutions"), i, v)
		if (json_is_object(v) && (rc = save_affiliation(im, work_id, position, v)) < 0)
			return rc;
	return 0;
}

/* What is wrong with a work's shape, or NULL. */
static const char *shape_problem(const json_t *w)
{
	if (!json_is_object(w))
		return "not a JSON object";
	if (!json_is_string(json_object_get(w, "id")))
		return "'id'";
	const json_t *a = json_object_get(w, "authorships");
	if (a && !json_is_array(a))
		return "'authorships'";
	const json_t *y = json_object_get(w, "publication_year");
	if (y && !json_is_null(y) && !json_is_integer(y))
		return "'publication_year'";
	const json_t *r = json_object_get(w, "referenced_works");
	if (r && !json_is_null(r) && !json_is_array(r))
		return "'referenced_works'";
	return NULL;
}

static int import_line(importer *im, const char *p, size_t len, int line)
{
	json_error_t jerr;
	int rc = 0;
	while (len && (p[len - 1] == '\r' || p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (!len)
		return 0;
	json_t *w = json_loadb(p, len, 0, &jerr);
	if (!w)
		return err_set(ERR_INVALID, "line %d, column %d: invalid JSON (%s)", line, jerr.column, jerr.text);
	const char *bad = shape_problem(w);
	if (bad) {
		json_decref(w);
		return strcmp(bad, "not a JSON object") == 0
			? err_set(ERR_INVALID, "line %d: a work must be a JSON object", line)
			: err_set(ERR_INVALID, "line %d: %s is missing or of the wrong type", line, bad);
	}
	const char *oa_id = openalex_short_id(json_string_value(json_object_get(w, "id")));
	int64_t id = smap_get(&im->works, oa_id);
	im->r->works++;
	if ((rc = save_work_row(&id, im, w, oa_id)) < 0)
		goto done;
	size_t i;
	const json_t *v;
	json_array_foreach(json_object_get(w, "authorships"), i, v)
		if (json_is_object(v) && (rc = save_author(im, id, (int)i, v)) < 0)
			goto done;
	json_array_foreach(json_object_get(w, "referenced_works"), i, v) {
		if (!json_is_string(v))
			continue;
		db_bind_int64(im->s[S_REFERENCE], 1, id);
		bind_text(im->s[S_REFERENCE], 2, openalex_short_id(json_string_value(v)));
		if ((rc = step_done(im->s[S_REFERENCE])) < 0)
			goto done;
	}
done:
	json_decref(w);
	return rc;
}

/* ------------------------------------------------------ begin and finish */

/* A first load into empty tables on SQLite builds the secondary indexes of
 * the works once at the end, from sorted keys, rather than row by row in
 * random order (3-4x cheaper for a million works); inside the import's
 * transaction, so a failed import puts them back as they were. */
static int defer_indexes(importer *im)
{
	int64_t any = 0;
	db_stmt *s;
	int rc;
	if (db_conn_kind(im->db) != DB_SQLITE ||
	    (rc = db_run(im->db, &any, "SELECT COUNT(*) FROM (SELECT 1 FROM work LIMIT 1) x", "")) < 0 || any)
		return 0;
	if ((rc = db_prepare(&s, im->db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
					 "AND tbl_name IN ('work', 'work_affiliation')")) < 0)
		return rc;
	str drop = STR_INIT;
	while ((rc = db_step(s)) == DB_ROW) {
		str_appendf(&drop, "DROP INDEX \"%s\";", db_column_text(s, 0));
		str_appendf(&im->deferred, "%s;", db_column_text(s, 1));
	}
	db_finalize(s);
	if (rc == 0 && drop.len)
		rc = str_oom(&drop) || str_oom(&im->deferred) ? err_set(ERR_NOMEM, "out of memory") : db_exec(im->db, drop.ptr);
	str_free(&drop);
	return rc;
}

static void importer_free(importer *im)
{
	for (int i = 0; i < N_STMTS; i++)
		if (im->s[i])
			db_finalize(im->s[i]);
	smap_free(&im->by_openalex);
	smap_free(&im->by_ror);
	smap_free(&im->by_name);
	smap_free(&im->by_link);
	smap_free(&im->works);
	smap_free(&im->folded);
	str_free(&im->buf);
	str_free(&im->deferred);
	arena_free(&im->a);
}

static int importer_begin(importer *im, openalex_result *r, db_conn *db, const openalex_options *o)
{
	static const openalex_options defaults = { 0 };
	int rc;
	memset(im, 0, sizeof(*im));
	memset(r, 0, sizeof(*r));
	im->db = db;
	im->r = r;
	im->opt = o ? o : &defaults;
	arena_init(&im->a, 64 * 1024);
	im->buf = STR_INIT;
	im->deferred = STR_INIT;
	time_now_iso(im->now);
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = load_maps(im)) < 0 || (rc = defer_indexes(im)) < 0)
		return rc;
	for (int i = 0; i < N_STMTS; i++)
		if ((rc = db_prepare(&im->s[i], db, stmt_sql[i])) < 0)
			return rc;
	return 0;
}

static int importer_finish(importer *im, const principal *who, int rc)
{
	if (rc == 0 && im->r->works == 0)
		rc = err_set(ERR_INVALID, "the file holds no work (one OpenAlex work per line is expected)");
	if (rc == 0 && im->deferred.len)
		rc = db_exec(im->db, im->deferred.ptr);
	if (rc == 0 && !im->opt->dry_run) {
		json_t *after = json_pack("{s:I, s:I, s:I, s:I, s:I}", "works", (json_int_t)im->r->works, "created",
			(json_int_t)im->r->created, "updated", (json_int_t)im->r->updated, "affiliations",
			(json_int_t)im->r->affiliations, "unmatched", (json_int_t)im->r->unmatched);
		if ((rc = outputs_generation_bump(im->db)) == 0)
			rc = audit_append_json(im->db, who, "import", "work", "openalex", NULL, after);
		json_decref(after);
	}
	importer_free(im);
	if (rc < 0 || im->opt->dry_run) {
		db_rollback(im->db);
		return rc;
	}
	return db_commit(im->db);
}

int openalex_import_text(openalex_result *r, db_conn *db, const principal *who, const char *p, size_t len,
	const openalex_options *o)
{
	importer im;
	int rc = importer_begin(&im, r, db, o), line = 0;
	const char *end = p + len;
	while (rc == 0 && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		rc = import_line(&im, p, (size_t)(stop - p), ++line);
		p = nl ? nl + 1 : end;
	}
	return importer_finish(&im, who, rc);
}

int openalex_import_file(openalex_result *r, db_conn *db, const principal *who, FILE *f, const openalex_options *o)
{
	importer im;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = importer_begin(&im, r, db, o), line = 0;
	while (rc == 0 && (n = getline(&buf, &cap, f)) >= 0) {
		size_t len = (size_t)n;
		if (len && buf[len - 1] == '\n')
			len--;
		rc = import_line(&im, buf, len, ++line);
	}
	if (rc == 0 && ferror(f))
		rc = err_set(ERR_GENERIC, "the file could not be read after line %d", line);
	free(buf);
	return importer_finish(&im, who, rc);
}
