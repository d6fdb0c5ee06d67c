/* matching: listings matched with their reasons, saved searches and
 * their inbox items (matching.h). Candidates come from the search index
 * (any shared syllable); the score is the transparent sum of matching.h,
 * so that a person reads why an offer comes first. */
#include "domain/market/matching.h"
#include "domain/market/listing.h"
#include "domain/market/market_search.h"
#include "domain/people/audit.h"
#include "search/search.h"
#include "util/err.h"
#include "util/json.h"
#include "util/str.h"
#include "util/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CANDIDATES 60          /* read from the index before scoring */
#define QUERY_SYLLABLES 60     /* of a listing's text, as a query (search.h keeps 64) */
#define INBOX_FOUND_MAX 200    /* listings one saved search brings to the inbox */

/* Syllables too common to say anything about a match (NFC, lower case). */
static const char *const common_words[] = {
	"và", "của", "cho", "các", "những", "với", "trong", "được", "là", "có", "một", "để", "từ", "theo", "về",
	"trên", "tại", "này", "đã", "sẽ", "không", "như", "thì", "mà", "hoặc", "nhiều", "bằng", "đến", "cũng",
	"còn", "khi", "vào", "ra", "làm", "nên", "nếu", "ở", "sự", "việc", "hơn", "rất", "đang", "phải", "đó",
	"nhằm", "qua", "giữa", "mỗi", "cần", "bị", "sau", "trước", "the", "of", "and", "for", "in", "to", "a", "an", "with", "on", NULL
};

static bool common_word(const char *w)
{
	for (int i = 0; common_words[i]; i++)
		if (strcmp(common_words[i], w) == 0)
			return true;
	return false;
}

static const char *text_of(db_stmt *s, int col)
{
	const char *t = db_column_text(s, col);
	return t ? t : "";
}

static int64_t at_most(int64_t v, int64_t max)
{
	return v < max ? v : max;
}

/* ------------------------------------------------------------ shared words */

/* A word of a text: a two-syllable word (key: folded, "xu ly") or an
 * uncommon syllable (key: as written in lower case, "lý"), with the form
 * shown to a person. */
typedef struct vword {
	char *key;
	char *shown;
} vword;

/* The words of a text, each list sorted by key without repeats. */
typedef struct vocab {
	vword *pairs, *syllables;
	int n_pairs, n_syllables;
	char *text;              /* the text, and its syllables in order */
	search_tokens *tokens;
} vocab;

static void vocab_free(vocab *v)
{
	for (int i = 0; i < v->n_pairs; i++) {
		free(v->pairs[i].key);
		free(v->pairs[i].shown);
	}
	for (int i = 0; i < v->n_syllables; i++) {
		free(v->syllables[i].key);
		free(v->syllables[i].shown);
	}
	free(v->pairs);
	free(v->syllables);
	free(v->text);
	search_tokens_free(v->tokens);
	memset(v, 0, sizeof(*v));
}

static int vword_cmp(const void *a, const void *b)
{
	return strcmp(((const vword *)a)->key, ((const vword *)b)->key);
}

/* Sorts list[0..*n) and drops repeated keys. */
static void vocab_sort(vword *list, int *n)
{
	int kept = 0;
	qsort(list, (size_t)*n, sizeof(*list), vword_cmp);
	for (int i = 0; i < *n; i++) {
		if (kept > 0 && strcmp(list[kept - 1].key, list[i].key) == 0) {
			free(list[i].key);
			free(list[i].shown);
			continue;
		}
		list[kept++] = list[i];
	}
	*n = kept;
}

static bool uncommon(const search_token *t)
{
	return !common_word(t->exact) && strspn(t->exact, "0123456789.,") != strlen(t->exact);
}

/* Words nearly every listing of the market uses (folded). */
static const char *const generic_pairs[] = {
	"cong nghe", "giai phap", "he thong", "ung dung", "san pham", "phat trien", "nghien cuu", "doanh nghiep",
	"thuc hien", "su dung", "trien khai", "chuyen giao", NULL
};

static bool generic_pair(const search_token *a, const search_token *b)
{
	char key[128];
	snprintf(key, sizeof(key), "%s %s", a->folded, b->folded);
	for (int i = 0; generic_pairs[i]; i++)
		if (strcmp(generic_pairs[i], key) == 0)
			return true;
	return false;
}

static bool adjacent(const char *text, const search_token *a, const search_token *b);

/* Whether syllable i of text says something of its own: not a common
 * word, not a number, not part of a word every listing uses. */
static bool telling(const char *text, const search_tokens *tk, int i)
{
	const search_token *t = &tk->v[i];
	if (!uncommon(t))
		return false;
	if (i > 0 && adjacent(text, &tk->v[i - 1], t) && generic_pair(&tk->v[i - 1], t))
		return false;
	return !(i + 1 < tk->n && adjacent(text, t, &tk->v[i + 1]) && generic_pair(t, &tk->v[i + 1]));
}

/* Whether only spaces lie between tokens a and b of text (no punctuation:
 * "lúa, ngô" is not a word). */
static bool adjacent(const char *text, const search_token *a, const search_token *b)
{
	for (uint32_t i = a->start + a->len; i < b->start; i++)
		if (text[i] != ' ')
			return false;
	return true;
}

static int vocab_build(vocab *v, const char *text)
{
	search_tokens *tk = NULL;
	int rc = search_tokenise(&tk, text, strlen(text));
	memset(v, 0, sizeof(*v));
	if (rc < 0)
		return rc;
	v->pairs = calloc((size_t)tk->n + 1, sizeof(vword));
	v->syllables = calloc((size_t)tk->n + 1, sizeof(vword));
	if (!v->pairs || !v->syllables)
		rc = err_set(ERR_NOMEM, "out of memory");
	for (int i = 0; rc == 0 && i < tk->n; i++) {
		const search_token *t = &tk->v[i], *next = i + 1 < tk->n ? &tk->v[i + 1] : NULL;
		if (!telling(text, tk, i))
			continue;
		v->syllables[v->n_syllables++] = (vword){ strdup(t->exact), strdup(t->exact) };
		if (next && telling(text, tk, i + 1) && adjacent(text, t, next)) {
			char *key = malloc(strlen(t->folded) + strlen(next->folded) + 2);
			char *shown = malloc(strlen(t->exact) + strlen(next->exact) + 2);
			if (key)
				sprintf(key, "%s %s", t->folded, next->folded);
			if (shown)
				sprintf(shown, "%s %s", t->exact, next->exact);
			v->pairs[v->n_pairs++] = (vword){ key, shown };
		}
	}
	for (int i = 0; rc == 0 && i < v->n_pairs; i++)
		if (!v->pairs[i].key || !v->pairs[i].shown)
			rc = err_set(ERR_NOMEM, "out of memory");
	for (int i = 0; rc == 0 && i < v->n_syllables; i++)
		if (!v->syllables[i].key || !v->syllables[i].shown)
			rc = err_set(ERR_NOMEM, "out of memory");
	v->tokens = tk;
	if (rc == 0 && !(v->text = strdup(text)))
		rc = err_set(ERR_NOMEM, "out of memory");
	if (rc < 0) {
		vocab_free(v);
		return rc;
	}
	vocab_sort(v->pairs, &v->n_pairs);
	vocab_sort(v->syllables, &v->n_syllables);
	return 0;
}

static bool vocab_has(const vword *list, int n, const char *key)
{
	vword probe = { (char *)key, NULL };
	return n > 0 && bsearch(&probe, list, (size_t)n, sizeof(*list), vword_cmp) != NULL;
}

/* Whether tokens i and i + 1 of v form a two-syllable word that c has. */
static bool pair_shared(const vocab *v, int i, const vocab *c)
{
	const search_token *t = &v->tokens->v[i], *next = &v->tokens->v[i + 1];
	char key[256];
	if (!telling(v->text, v->tokens, i) || !telling(v->text, v->tokens, i + 1) || !adjacent(v->text, t, next))
		return false;
	snprintf(key, sizeof(key), "%s %s", t->folded, next->folded);
	return vocab_has(c->pairs, c->n_pairs, key);
}

/* Whether the words of part lie in whole, in order, inside whole ("rơm
 * rạ" in "rơm rạ thành phân bón"). */
static bool words_within(const char *whole, const char *part)
{
	size_t n = strlen(part);
	for (const char *p = strstr(whole, part); p; p = strstr(p + 1, part))
		if ((p == whole || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

/* Adds a run of words to list unless one listed holds it; a listed run it
 * holds gives way to it. */
static void add_run(json_t *list, const char *text)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
		if (words_within(json_string_value(v), text))
			return;
	for (i = json_array_size(list); i-- > 0;)
		if (words_within(text, json_string_value(json_array_get(list, i))))
			json_array_remove(list, i);
	json_array_append_new(list, json_string(text));
}

/* What source and candidate share, for a person to read: each run of the
 * source's syllables whose adjacent pairs the candidate has too, as the
 * source writes it ("phân bón hữu cơ"), then the other shared syllables.
 * *words counts the distinct shared pairs and *syllables the others;
 * *points is what matching.h says they add. */
static json_t *shared_terms(int64_t *points, int *words, int *syllables, const vocab *src, const vocab *c)
{
	json_t *out = json_array(), *covered = json_object();
	int n = src->tokens ? src->tokens->n : 0;
	*words = *syllables = 0;
	for (int i = 0; i < src->n_pairs; i++)
		if (vocab_has(c->pairs, c->n_pairs, src->pairs[i].key))
			(*words)++;
	for (int i = 0; i + 1 < n; i++) {
		if (!pair_shared(src, i, c))
			continue;
		str run = STR_INIT;
		int j = i;
		str_append(&run, src->tokens->v[i].exact);
		json_object_set_new(covered, src->tokens->v[i].exact, json_true());
		while (j + 1 < n && pair_shared(src, j, c)) {
			j++;
			str_appendf(&run, " %s", src->tokens->v[j].exact);
			json_object_set_new(covered, src->tokens->v[j].exact, json_true());
		}
		if (!str_oom(&run))
			add_run(out, str_cstr(&run));
		str_free(&run);
		i = j;
	}
	for (int i = 0; i < src->n_syllables; i++) {
		const char *k = src->syllables[i].key;
		if (json_object_get(covered, k) || !vocab_has(c->syllables, c->n_syllables, k))
			continue;
		json_array_append_new(out, json_string(src->syllables[i].shown));
		(*syllables)++;
	}
	json_decref(covered);
	*points = at_most((int64_t)*words * MATCH_WORD_POINTS + (int64_t)*syllables * MATCH_TERM_POINTS, MATCH_TERMS_MAX);
	return out;
}

/* ------------------------------------------------------------ the source */

typedef struct source {
	int64_t id;
	const char *kind;        /* static */
	char title[512];
	char sector[64];
	int trl;                 /* 0: none */
	int64_t organisation_id;
	str text;                /* what is matched, as a query of syllables */
	vocab words;             /* what is compared with each candidate */
} source;

/* The distinct uncommon syllables of text, in order, as one query. */
static int query_of(str *out, const char *text)
{
	search_tokens *tokens = NULL;
	int rc = search_tokenise(&tokens, text, strlen(text)), n = 0;
	if (rc < 0)
		return rc;
	for (int i = 0; i < tokens->n && n < QUERY_SYLLABLES; i++) {
		const char *w = tokens->v[i].exact;
		bool seen = common_word(w) || strspn(w, "0123456789") == strlen(w);
		for (int j = 0; !seen && j < i; j++)
			seen = strcmp(tokens->v[j].exact, w) == 0;
		if (seen)
			continue;
		str_appendf(out, "%s%s", n ? " " : "", w);
		n++;
	}
	search_tokens_free(tokens);
	return str_oom(out) ? err_set(ERR_NOMEM, "out of memory") : 0;
}

static int source_load(source *src, db_conn *db, const principal *who, int64_t id)
{
	listing_role role;
	const char *status = NULL, *kind = NULL;
	db_stmt *s;
	int rc;
	if ((rc = listing_role_of(&role, &status, &kind, db, who, id)) < 0)
		return rc;
	if (role == LISTING_READER && (!status || strcmp(status, "published") != 0))
		return err_set(ERR_NOTFOUND, "no listing with id %lld", (long long)id);
	src->id = id;
	src->kind = kind;
	if ((rc = db_prepare(&s, db, "SELECT title, summary, description, context, expected_result, expert_fields, "
				     "expert_record, sector, trl, organisation_id, confidentiality FROM listing WHERE id = ?")) < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW) {
		/* a problem's hidden details stay out of what a reader sees matched */
		bool hidden = role == LISTING_READER && strcmp(kind, "problem") == 0 && strcmp(text_of(s, 10), "public") != 0;
		str text = STR_INIT;
		for (int col = 0; col < (hidden ? 2 : 7); col++)
			str_appendf(&text, "%s\n", text_of(s, col));
		snprintf(src->title, sizeof(src->title), "%s", text_of(s, 0));
		snprintf(src->sector, sizeof(src->sector), "%s", text_of(s, 7));
		src->trl = db_column_is_null(s, 8) ? 0 : (int)db_column_int64(s, 8);
		src->organisation_id = db_column_is_null(s, 9) ? 0 : db_column_int64(s, 9);
		if (str_oom(&text))
			rc = err_set(ERR_NOMEM, "out of memory");
		else if ((rc = query_of(&src->text, str_cstr(&text))) == 0)
			rc = vocab_build(&src->words, str_cstr(&text));
		str_free(&text);
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* The words of listings ids[0..n) as anyone may read them (a problem's
 * hidden details left out), into out[0..n) in that order. */
static int candidate_vocabs(vocab *out, db_conn *db, const int64_t *ids, int n)
{
	str sql = STR_INIT;
	db_stmt *s;
	int rc;
	if (n == 0)
		return 0;
	str_append(&sql, "SELECT id, kind, confidentiality, title, summary, description, context, expected_result, "
			 "expert_name, expert_fields, expert_record FROM listing WHERE id IN (");
	for (int i = 0; i < n; i++)
		str_append(&sql, i ? ", ?" : "?");
	str_append(&sql, ")");
	rc = str_oom(&sql) ? err_set(ERR_NOMEM, "out of memory") : db_prepare(&s, db, sql.ptr);
	str_free(&sql);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++)
		db_bind_int64(s, i + 1, ids[i]);
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t id = db_column_int64(s, 0);
		bool hidden = strcmp(text_of(s, 1), "problem") == 0 && strcmp(text_of(s, 2), "public") != 0;
		str text = STR_INIT;
		for (int col = 3; col < (hidden ? 5 : 11); col++)
			str_appendf(&text, "%s\n", text_of(s, col));
		for (int i = 0; rc >= 0 && i < n; i++)
			if (ids[i] == id && !out[i].syllables)
				rc = str_oom(&text) ? err_set(ERR_NOMEM, "out of memory") : vocab_build(&out[i], str_cstr(&text));
		str_free(&text);
		if (rc < 0)
			break;
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------ the reasons */

/* What an organisation has done, from the S&T map and the registry. */
typedef struct record {
	int64_t organisation_id;
	int64_t publications, patents, projects, spinoffs, agreements, commercialisations, contracts, deals;
} record;

static int record_load(record *r, db_conn *db, int64_t org)
{
	db_stmt *s;
	int rc = db_prepare(&s, db,
		"SELECT (SELECT COUNT(DISTINCT work_id) FROM work_affiliation WHERE organisation_id = ?), "
		"(SELECT COUNT(*) FROM patent WHERE organisation_id = ?), "
		"(SELECT COUNT(*) FROM project WHERE organisation_id = ?) + "
		"(SELECT COUNT(*) FROM project_partner WHERE organisation_id = ?), "
		"(SELECT COUNT(*) FROM spinoff WHERE parent_id = ?), "
		"(SELECT COUNT(*) FROM agreement_party WHERE organisation_id = ?), "
		"(SELECT COUNT(*) FROM commercialisation WHERE organisation_id = ? OR partner_id = ?), "
		"(SELECT COUNT(*) FROM contract WHERE seller_id = ? OR buyer_id = ?), "
		"(SELECT COUNT(*) FROM deal d JOIN listing l ON l.id = d.listing_id "
		"WHERE l.organisation_id = ? OR d.partner_id = ?)");
	if (rc < 0)
		return rc;
	for (int i = 1; i <= 12; i++)
		db_bind_int64(s, i, org);
	memset(r, 0, sizeof(*r));
	r->organisation_id = org;
	if ((rc = db_step(s)) == DB_ROW) {
		int64_t *v[] = { &r->publications, &r->patents, &r->projects, &r->spinoffs, &r->agreements,
			&r->commercialisations, &r->contracts, &r->deals };
		for (int i = 0; i < 8; i++)
			*v[i] = db_column_int64(s, i);
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* The TRL points between a problem's expectation and an offer's level. */
static int trl_points(int offer_trl, int expected)
{
	if (offer_trl <= 0)
		return 0;
	if (offer_trl >= expected)
		return MATCH_TRL_POINTS;
	return offer_trl >= expected - 2 ? MATCH_TRL_NEAR_POINTS : 0;
}

static int64_t record_points(const record *r)
{
	return at_most(2 * (r->patents + r->spinoffs + r->commercialisations) + r->projects + r->agreements +
		r->publications / 5, MATCH_RECORD_MAX);
}

typedef struct scored {
	json_t *row;             /* the candidate, with its reasons */
	int64_t points;
	double text_score;
} scored;

/* The reasons of one candidate, added to row; returns its points, or -1
 * when the texts share too little for a match (no two-syllable word and
 * fewer than three syllables). */
static int64_t reasons_add(json_t *row, const source *src, const vocab *cand, const record *rec)
{
	json_t *reasons = json_array();
	int64_t total = 0, p;
	int words, syllables;
	const char *kind = json_string_value(json_object_get(row, "kind"));
	const char *sector = json_string_value(json_object_get(row, "sector"));
	int trl = (int)json_integer_value(json_object_get(row, "trl"));
	json_t *terms = shared_terms(&p, &words, &syllables, &src->words, cand);
	if (words == 0 && syllables < 3) {
		json_decref(terms);
		json_decref(reasons);
		return -1;
	}
	total += p;
	json_array_append_new(reasons, json_pack("{s:s, s:I, s:o}", "code", "terms", "points", (json_int_t)p, "terms", terms));
	if (*src->sector && sector && strcmp(sector, src->sector) == 0) {
		total += MATCH_SECTOR_POINTS;
		json_array_append_new(reasons, json_pack("{s:s, s:i, s:s}", "code", "sector", "points", MATCH_SECTOR_POINTS,
			"sector", sector));
	}
	/* a problem and an offer: the offer's level against the problem's stage */
	bool problem_offer = strcmp(src->kind, "problem") == 0 && strcmp(kind, "offer") == 0;
	bool offer_problem = strcmp(src->kind, "offer") == 0 && strcmp(kind, "problem") == 0;
	if (problem_offer || offer_problem) {
		int offer_trl = problem_offer ? trl : src->trl, wanted = problem_offer ? src->trl : trl;
		int expected = wanted > 0 ? wanted : MATCH_TRL_EXPECTED;
		if ((p = trl_points(offer_trl, expected)) > 0) {
			total += p;
			json_array_append_new(reasons, json_pack("{s:s, s:I, s:i, s:i}", "code", "trl", "points", (json_int_t)p,
				"trl", offer_trl, "expected", expected));
		}
	}
	if (rec && (p = record_points(rec)) > 0) {
		total += p;
		json_array_append_new(reasons, json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "code", "record", "points",
			(json_int_t)p, "publications", (json_int_t)rec->publications, "patents", (json_int_t)rec->patents,
			"projects", (json_int_t)rec->projects, "spinoffs", (json_int_t)rec->spinoffs, "agreements",
			(json_int_t)rec->agreements, "commercialisations", (json_int_t)rec->commercialisations));
	}
	if (rec && rec->contracts + rec->deals > 0) {
		p = at_most((rec->contracts + rec->deals) * MATCH_CONTRACT_POINTS, MATCH_CONTRACTS_MAX);
		total += p;
		json_array_append_new(reasons, json_pack("{s:s, s:I, s:I, s:I}", "code", "contracts", "points", (json_int_t)p,
			"contracts", (json_int_t)rec->contracts, "deals", (json_int_t)rec->deals));
	}
	json_object_set_new(row, "score", json_integer(total));
	json_object_set_new(row, "reasons", reasons);
	return total;
}

static int scored_cmp(const void *pa, const void *pb)
{
	const scored *a = pa, *b = pb;
	if (a->points != b->points)
		return a->points > b->points ? -1 : 1;
	if (a->text_score != b->text_score)
		return a->text_score > b->text_score ? -1 : 1;
	int64_t ia = json_integer_value(json_object_get(a->row, "id")), ib = json_integer_value(json_object_get(b->row, "id"));
	return ia < ib ? -1 : ia > ib;
}

/* The record of org, read once per call into recs[0..*n). */
static int record_of(const record **out, record *recs, int *n, db_conn *db, int64_t org)
{
	*out = NULL;
	if (org <= 0)
		return 0;
	for (int i = 0; i < *n; i++)
		if (recs[i].organisation_id == org) {
			*out = &recs[i];
			return 0;
		}
	int rc = record_load(&recs[*n], db, org);
	if (rc == 0)
		*out = &recs[(*n)++];
	return rc;
}

static json_t *points_json(void)
{
	return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "word", MATCH_WORD_POINTS, "term", MATCH_TERM_POINTS, "terms_max",
		MATCH_TERMS_MAX, "sector", MATCH_SECTOR_POINTS, "trl", MATCH_TRL_POINTS, "trl_near", MATCH_TRL_NEAR_POINTS,
		"trl_expected", MATCH_TRL_EXPECTED, "record_max", MATCH_RECORD_MAX, "contract", MATCH_CONTRACT_POINTS,
		"contracts_max", MATCH_CONTRACTS_MAX);
}

int matching_for_listing(json_t **out, db_conn *db, const principal *who, int64_t id, int limit)
{
	source src = { .text = STR_INIT };
	market_found_list found = { 0 };
	int64_t *ids = NULL;
	json_t **rows = NULL, *matches = NULL;
	scored *list = NULL;
	record *recs = NULL;
	vocab *vocabs = NULL;
	int rc, n = 0, n_recs = 0;
	*out = NULL;
	if ((rc = source_load(&src, db, who, id)) < 0)
		goto done;
	market_query q = { .kind = strcmp(src.kind, "problem") == 0 ? "offer,expert" : "problem" };
	if ((rc = market_search_ids(&found, db, str_cstr(&src.text), &q, true, NULL, CANDIDATES)) < 0)
		goto done;
	ids = calloc((size_t)found.n + 1, sizeof(*ids));
	rows = calloc((size_t)found.n + 1, sizeof(*rows));
	list = calloc((size_t)found.n + 1, sizeof(*list));
	recs = calloc((size_t)found.n + 1, sizeof(*recs));
	if (!ids || !rows || !list || !recs) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto done;
	}
	for (int i = 0; i < found.n; i++)
		ids[i] = found.v[i].id;
	if (!(vocabs = calloc((size_t)found.n + 1, sizeof(*vocabs)))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((rc = market_search__rows(rows, db, ids, found.n)) < 0 || (rc = candidate_vocabs(vocabs, db, ids, found.n)) < 0)
		goto done;
	for (int i = 0; i < found.n; i++) {
		if (!rows[i] || found.v[i].id == src.id)
			continue;
		const record *rec;
		json_t *org = json_object_get(rows[i], "organisation");
		if ((rc = record_of(&rec, recs, &n_recs, db, json_integer_value(json_object_get(org, "id")))) < 0)
			goto done;
		int64_t points = reasons_add(rows[i], &src, &vocabs[i], rec);
		if (points < 0)
			continue;   /* too little in common; freed with rows */
		list[n++] = (scored){ rows[i], points, found.v[i].score };
		rows[i] = NULL;
	}
	qsort(list, (size_t)n, sizeof(*list), scored_cmp);
	matches = json_array();
	for (int i = 0; i < n && i < limit; i++)
		json_array_append(matches, list[i].row);
	*out = json_pack("{s:{s:I, s:s, s:s}, s:o, s:o}", "listing", "id", (json_int_t)src.id, "kind", src.kind, "title",
		src.title, "matches", matches, "points", points_json());
	matches = NULL;
	if (!*out)
		rc = err_set(ERR_NOMEM, "out of memory");
done:
	for (int i = 0; list && i < n; i++)
		json_decref(list[i].row);
	for (int i = 0; rows && i < found.n; i++)
		json_decref(rows[i]);
	json_decref(matches);
	free(ids);
	free(rows);
	free(list);
	free(recs);
	for (int i = 0; vocabs && i < found.n; i++)
		vocab_free(&vocabs[i]);
	free(vocabs);
	market_found_free(&found);
	vocab_free(&src.words);
	str_free(&src.text);
	return rc;
}

/* ------------------------------------------------------------ saved searches */

/* The filters a saved search keeps in its filters column. */
static const char *const filter_names[] = { "sector", "trl", "organisation_id", "transfer_type", NULL };

/* A filter value of in as text: a string, or an integer written out. */
static int filter_text(const char **out, char *buf, size_t size, const json_t *in, const char *name)
{
	const json_t *v = json_object_get(in, name);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
		*out = buf;
		return 0;
	}
	if (!json_is_string(v) || json_string_length(v) > 400)
		return err_set(ERR_INVALID, "'%s' must be a text of at most %d characters", name, 400);
	*out = json_string_value(v);
	return 0;
}

#define SAVED_COLUMNS "id, name, text, kinds, filters, notify, created_at"

/* The saved search of the current row, with its filters parsed. */
static json_t *saved_row(db_stmt *s)
{
	json_t *filters = json_loads(text_of(s, 4), 0, NULL);
	json_t *o = json_pack("{s:I, s:s?, s:s, s:s?, s:b, s:s}", "id", (json_int_t)db_column_int64(s, 0), "name",
		db_column_text(s, 1), "q", text_of(s, 2), "kind", *text_of(s, 3) ? text_of(s, 3) : NULL, "notify",
		db_column_int64(s, 5) != 0, "created_at", text_of(s, 6));
	const char *k;
	json_t *v;
	json_object_foreach(filters, k, v)
		json_object_set(o, k, v);
	json_decref(filters);
	return o;
}

/* The market_query of a saved search as listed (strings borrowed from it). */
static void query_of_saved(market_query *q, const json_t *saved)
{
	memset(q, 0, sizeof(*q));
	q->kind = json_string_value(json_object_get(saved, "kind"));
	q->sector = json_string_value(json_object_get(saved, "sector"));
	q->trl = json_string_value(json_object_get(saved, "trl"));
	q->organisation_id = json_string_value(json_object_get(saved, "organisation_id"));
	q->transfer_type = json_string_value(json_object_get(saved, "transfer_type"));
	q->unit_id = json_integer_value(json_object_get(saved, "unit_id"));
}

static int saved_rows(json_t **out, db_conn *db, const principal *who, int64_t only_id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, only_id ? "SELECT " SAVED_COLUMNS " FROM saved_search WHERE person_id = ? AND id = ?"
					    : "SELECT " SAVED_COLUMNS " FROM saved_search WHERE person_id = ? ORDER BY id DESC");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, who->person_id);
	if (only_id)
		db_bind_int64(s, 2, only_id);
	*out = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(*out, saved_row(s));
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static int signed_in(const principal *who)
{
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to save searches");
	return 0;
}

/* Adds "total", the listings the search finds now. */
static int add_totals(json_t *list, db_conn *db)
{
	size_t i;
	json_t *saved;
	json_array_foreach(list, i, saved) {
		market_query q;
		market_found_list found;
		query_of_saved(&q, saved);
		int rc = market_search_ids(&found, db, json_string_value(json_object_get(saved, "q")), &q, false, NULL, 1);
		if (rc < 0)
			return rc;
		json_object_set_new(saved, "total", json_integer(found.total));
		market_found_free(&found);
	}
	return 0;
}

int saved_search_list(json_t **out, db_conn *db, const principal *who)
{
	json_t *list = NULL;
	int rc;
	*out = NULL;
	if ((rc = signed_in(who)) < 0 || (rc = saved_rows(&list, db, who, 0)) < 0 || (rc = add_totals(list, db)) < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o}", "saved_searches", list);
	return 0;
}

int saved_search_get(json_t **out, db_conn *db, const principal *who, int64_t id)
{
	json_t *list = NULL;
	int rc;
	*out = NULL;
	if ((rc = signed_in(who)) < 0 || (rc = saved_rows(&list, db, who, id)) < 0 || (rc = add_totals(list, db)) < 0) {
		json_decref(list);
		return rc;
	}
	if (json_array_size(list) == 0) {
		json_decref(list);
		return err_set(ERR_NOTFOUND, "no saved search with id %lld", (long long)id);
	}
	*out = json_incref(json_array_get(list, 0));
	json_decref(list);
	return 0;
}

/* The saved search of in, checked: its text, kinds and filters JSON. */
static int saved_read(const char **name, const char **text, const char **kinds, json_t *filters, const json_t *in)
{
	char buf[24], unit_buf[24];
	const char *v;
	market_query q = { 0 };
	long long unit = 0;
	int present, notify, rc;
	if ((rc = json_get_string(name, in, "name", 0)) < 0 ||
	    (rc = json_get_string(text, in, "q", 0)) < 0 || (rc = filter_text(kinds, unit_buf, sizeof(unit_buf), in, "kind")) < 0 ||
	    (rc = json_get_int(&unit, &present, in, "unit_id", 0)) < 0 || (rc = json_get_bool(&notify, &present, in, "notify", 0)) < 0)
		return rc;
	if (*name && strlen(*name) > 200)
		return err_set(ERR_INVALID, "'%s' must be a text of at most %d characters", "name", 200);
	if (*text && strlen(*text) > 400)
		return err_set(ERR_INVALID, "'%s' must be a text of at most %d characters", "q", 400);
	q.kind = *kinds;
	q.unit_id = unit;
	if (unit < 0)
		return err_set(ERR_INVALID, "'%s': '%s' is not an id", "unit_id", "-");
	if (unit > 0)
		json_object_set_new(filters, "unit_id", json_integer(unit));
	for (int i = 0; filter_names[i]; i++) {
		if ((rc = filter_text(&v, buf, sizeof(buf), in, filter_names[i])) < 0)
			return rc;
		if (v && *v)
			json_object_set_new(filters, filter_names[i], json_string(v));
	}
	q.sector = json_string_value(json_object_get(filters, "sector"));
	q.trl = json_string_value(json_object_get(filters, "trl"));
	q.organisation_id = json_string_value(json_object_get(filters, "organisation_id"));
	q.transfer_type = json_string_value(json_object_get(filters, "transfer_type"));
	return market_query_check(&q);
}

int saved_search_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	const char *name = NULL, *text = NULL, *kinds = NULL;
	json_t *filters = json_object(), *saved = NULL;
	char now[TIME_ISO_SIZE];
	int64_t count = 0;
	int notify = 1, present = 0, rc;
	str filters_text = STR_INIT;
	*out_id = 0;
	if ((rc = signed_in(who)) < 0 || (rc = saved_read(&name, &text, &kinds, filters, in)) < 0 ||
	    (rc = json_get_bool(&notify, &present, in, "notify", 0)) < 0)
		goto done;
	if (!present)
		notify = 1;
	json_append(&filters_text, filters);
	time_now_iso(now);
	if ((rc = db_begin_write(db)) < 0)
		goto done;
	if ((rc = db_run(db, &count, "SELECT COUNT(*) FROM saved_search WHERE person_id = ?", "i", who->person_id)) < 0)
		goto rollback;
	if (count >= SAVED_SEARCHES_MAX) {
		rc = err_set(ERR_INVALID, "a person keeps at most %d saved searches", SAVED_SEARCHES_MAX);
		goto rollback;
	}
	/* last_generation: what was already there, for a listing published in
	 * the same second as the search was made (inbox_found) */
	if ((rc = db_run(db, out_id, "INSERT INTO saved_search (person_id, name, text, filters, kinds, notify, created_at, "
				     "last_generation) VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT n FROM listing_generation WHERE id = 1)) "
				     "RETURNING id", "ittttit", who->person_id, name, text ? text : "",
			 str_cstr(&filters_text), kinds ? kinds : "", (int64_t)(notify != 0), now)) < 0)
		goto rollback;
	saved = json_pack("{s:s?, s:s, s:s, s:O, s:b}", "name", name, "q", text ? text : "", "kind", kinds ? kinds : "",
		"filters", filters, "notify", notify);
	if ((rc = audit_append_id(db, who, "create", "saved_search", *out_id, NULL, saved)) < 0)
		goto rollback;
	rc = db_commit(db);
	goto done;
rollback:
	db_rollback(db);
done:
	json_decref(filters);
	str_free(&filters_text);
	return rc;
}

int saved_search_delete(db_conn *db, const principal *who, int64_t id)
{
	json_t *before = NULL;
	int rc;
	if ((rc = saved_search_get(&before, db, who, id)) < 0)
		return rc;
	json_object_del(before, "total");
	if ((rc = db_begin_write(db)) < 0) {
		json_decref(before);
		return rc;
	}
	if ((rc = db_run(db, NULL, "DELETE FROM saved_search WHERE id = ? AND person_id = ?", "ii", id, who->person_id)) < 0 ||
	    (rc = audit_append_id(db, who, "delete", "saved_search", id, before, NULL)) < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/* ------------------------------------------------------------ the inbox */

/* Appends the item of each listing of found first published after both
 * since and the search's creation (in the same second: changed since the
 * search was made), not by who and not yet in items. */
static int inbox_found(json_t *items, db_conn *db, const principal *who, const json_t *saved, const market_found_list *found,
	const char *since)
{
	const char *created = json_string_value(json_object_get(saved, "created_at"));
	str sql = STR_INIT;
	db_stmt *s;
	int rc;
	if (found->n == 0)
		return 0;
	str_append(&sql, "SELECT l.id, l.kind, l.title, l.published_at, o.id, o.name FROM listing l "
			 "LEFT JOIN organisation o ON o.id = l.organisation_id WHERE (l.published_at > ? OR (l.published_at = ? "
			 "AND l.generation > (SELECT last_generation FROM saved_search WHERE id = ?))) AND l.published_at >= ? "
			 "AND (l.created_by IS NULL OR l.created_by <> ?) AND l.id IN (");
	for (int i = 0; i < found->n; i++)
		str_append(&sql, i ? ", ?" : "?");
	str_append(&sql, ")");
	rc = str_oom(&sql) ? err_set(ERR_NOMEM, "out of memory") : db_prepare(&s, db, sql.ptr);
	str_free(&sql);
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, created ? created : "");
	db_bind_text(s, 2, created ? created : "");
	db_bind_int64(s, 3, (int64_t)json_integer_value(json_object_get(saved, "id")));
	db_bind_text(s, 4, since ? since : "");
	db_bind_int64(s, 5, who->person_id);
	for (int i = 0; i < found->n; i++)
		db_bind_int64(s, i + 6, found->v[i].id);
	while ((rc = db_step(s)) == DB_ROW) {
		char key[48], link[48];
		snprintf(key, sizeof(key), "market-match:%lld", (long long)db_column_int64(s, 0));
		snprintf(link, sizeof(link), "#/cho-cong-nghe/%lld", (long long)db_column_int64(s, 0));
		bool known = false;
		size_t i;
		json_t *item;
		json_array_foreach(items, i, item)
			known = known || strcmp(json_string_value(json_object_get(item, "key")), key) == 0;
		if (known)
			continue;
		json_t *org = db_column_is_null(s, 4) ? NULL
			: json_pack("{s:I, s:s}", "id", (json_int_t)db_column_int64(s, 4), "name", text_of(s, 5));
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:b, s:s, s:{s:I, s:s, s:s, s:o?}, s:{s:O, s:O?, s:O}}",
			"key", key, "kind", "market_match", "at", text_of(s, 3), "read", 0, "link", link, "listing", "id",
			(json_int_t)db_column_int64(s, 0), "kind", text_of(s, 1), "title", text_of(s, 2), "organisation", org,
			"search", "id", json_object_get(saved, "id"), "name", json_object_get(saved, "name"), "q",
			json_object_get(saved, "q")));
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

int matching_inbox_items(json_t *items, db_conn *db, const principal *who, const char *since)
{
	json_t *list = NULL, *saved;
	size_t i;
	int rc;
	if (!who->person_id)
		return 0;
	if ((rc = saved_rows(&list, db, who, 0)) < 0)
		goto done;
	json_array_foreach(list, i, saved) {
		if (!json_is_true(json_object_get(saved, "notify")))
			continue;
		const char *created = json_string_value(json_object_get(saved, "created_at"));
		char day[11];
		market_query q;
		market_found_list found;
		/* the later of the window's start and the search's creation */
		snprintf(day, sizeof(day), "%.10s", since && strcmp(since, created) > 0 ? since : created);
		query_of_saved(&q, saved);
		if ((rc = market_search_ids(&found, db, json_string_value(json_object_get(saved, "q")), &q, false, day,
			     INBOX_FOUND_MAX)) < 0)
			goto done;
		rc = inbox_found(items, db, who, saved, &found, since);
		market_found_free(&found);
		if (rc < 0)
			goto done;
	}
done:
	json_decref(list);
	return rc;
}
