/* search: a Vietnamese full-text search engine held in memory, for the
 * technology market's listings. Pure: no database, no HTTP; the caller
 * puts documents in (at start from its tables, then on every published
 * change) and asks queries.
 *
 * Text is analysed into syllables (Vietnamese words are space-separated
 * syllables). Each syllable is matched by its folded form (lower case,
 * tone marks and other diacritics dropped, đ -> d: "Đường" -> "duong"),
 * so NFC, NFD and old-style tone placement ("hoà" / "hòa") all match alike,
 * and a syllable typed with diacritics scores higher where the document
 * has the same diacritics ("đường" ranks đường above dương, which still
 * matches). Two adjacent syllables also form a word term, so "công nghệ"
 * as a word ranks above the two syllables far apart. Ranking is BM25F over
 * the weighted text fields.
 *
 * Queries: every syllable must match (AND), unless the request asks for
 * any; "double quotes" make a phrase (each two adjacent syllables of it
 * adjacent in one field of the document, folded); the last syllable may
 * be a prefix while typing ("công ngh"); a syllable of 5 or more folded
 * letters may also match at one edit ("nhiep" -> "nghiep"). Prefixes and
 * typos stand for at most the 8 most frequent syllables they could be.
 * Filters keep documents whose facet field has one of the values given;
 * facet counts are computed as shops do: the count of each value of facet
 * F is over the documents that match the text and every filter on the
 * OTHER facets (so choosing a sector keeps the other sectors' counts
 * visible).
 *
 * Thread safety: one index may be queried from many threads at once while
 * one thread writes; a put or remove is visible to the next query started
 * after it returns. */
#ifndef NQ57_SEARCH_H
#define NQ57_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEARCH_MAX_TEXT 8      /* text fields in a schema */
#define SEARCH_MAX_FACETS 8    /* facet fields in a schema */
#define SEARCH_MAX_TERMS 64    /* syllables a query uses; more are ignored */

typedef struct search_index search_index;

/* ---- schema ---- */

/* Text fields are numbered by their position in text[]; facet fields by
 * their position in facet[]. Names are for messages only. */
typedef struct search_text_field {
	const char *name;      /* "title" */
	double weight;         /* BM25F weight, > 0 (title 3, summary 2, description 1) */
	bool stored;           /* keep the text for snippets (search_request.highlight) */
} search_text_field;

typedef struct search_schema {
	int n_text;                                   /* 1..SEARCH_MAX_TEXT */
	search_text_field text[SEARCH_MAX_TEXT];
	int n_facets;                                 /* 0..SEARCH_MAX_FACETS */
	const char *facet[SEARCH_MAX_FACETS];         /* "sector", "trl", "kind", ... */
} search_schema;

/* A new empty index for the schema (copied). Returns NULL and sets the
 * error (ERR_INVALID for a bad schema, ERR_NOMEM). */
search_index *search_index_new(const search_schema *schema);
void search_index_free(search_index *ix);

/* Documents held now. */
int64_t search_index_count(search_index *ix);

/* Bytes of memory the index holds (approximate: its own arrays). */
size_t search_index_memory(search_index *ix);

/* ---- documents ---- */

typedef struct search_doc {
	/* text[i] is the UTF-8 text of text field i, NUL-terminated, in any
	 * normalisation; NULL for none. */
	const char *text[SEARCH_MAX_TEXT];
	/* facet[i][0..n_facet[i]) are the values of facet field i (exact
	 * strings, compared byte for byte: "1", "ai", "org:42"; a value given
	 * twice counts once; the first 64 are kept). */
	const char *const *facet[SEARCH_MAX_FACETS];
	int n_facet[SEARCH_MAX_FACETS];
} search_doc;

/* Inserts the document under doc_id, replacing the one held under that
 * id. Copies what it needs. Returns 0, ERR_INVALID (text that is not
 * UTF-8; the index is unchanged) or ERR_NOMEM. A replaced or removed
 * document's postings are swept away over the following writes; its
 * per-document bookkeeping (tens of bytes) stays until the index is built
 * anew (as at each start). */
int search_put(search_index *ix, int64_t doc_id, const search_doc *doc);

/* Removes the document; ERR_NOTFOUND if none is held under doc_id. */
int search_remove(search_index *ix, int64_t doc_id);

/* ---- queries ---- */

typedef struct search_filter {
	int facet;                       /* facet field number */
	const char *const *values;       /* match any of these */
	int n_values;
} search_filter;

typedef struct search_request {
	/* As typed, UTF-8, any normalisation. NULL, "" or only punctuation:
	 * every document passing the filters, newest doc_id first, score 0. */
	const char *text;
	const search_filter *filters;    /* AND across filters */
	int n_filters;
	int offset, limit;               /* hits wanted; limit 0 -> 20, at most 1000 */
	bool prefix;                     /* the last syllable (not in quotes) may be a prefix */
	bool typos;                      /* one edit on syllables of >= 5 folded letters
	                                    (not the one used as a prefix), tried when the
	                                    syllables as typed match fewer documents than
	                                    offset + limit */
	bool any;                        /* a document needs only one syllable, not all
	                                    (for matching a long text; phrases still all) */
	bool facets;                     /* compute facet counts */
	unsigned highlight;              /* bit i: snippets of stored text field i */
	int snippet_bytes;               /* longest snippet; 0 -> 240; whole field if shorter */
} search_request;

/* Byte range [start, start + len) of a matched syllable. */
typedef struct search_span {
	uint32_t start, len;
} search_span;

/* A window of the stored text of one field, as it was put (its own
 * diacritics and normalisation), cut at syllable boundaries, with the
 * matched syllables as spans into text. The caller marks them up. */
typedef struct search_snippet {
	int field;
	const char *text;                /* NUL-terminated */
	size_t len;
	bool cut_start, cut_end;         /* text was cut before / after the window */
	search_span *spans;
	int n_spans;
} search_snippet;

typedef struct search_hit {
	int64_t doc_id;
	double score;
	/* Bit t set: query term t (search_result.terms) matched this document. */
	uint64_t matched;
	search_snippet *snippets;        /* one per field asked and stored, in field order */
	int n_snippets;
} search_hit;

typedef struct search_facet_value {
	const char *value;
	int64_t count;
} search_facet_value;

/* Counts of one facet field, largest first (ties by value), values with
 * count 0 left out, except values being filtered on, which are always
 * listed. */
typedef struct search_facet_counts {
	int facet;
	search_facet_value *values;
	int n_values;
} search_facet_counts;

/* One syllable or phrase of the query as analysed. */
typedef struct search_term {
	const char *text;                /* NFC lower case, tone placement normalised:
	                                    "đường", "công nghệ", "hòa" for "Hoà" */
	const char *folded;              /* "duong", "cong nghe" */
	bool phrase;                     /* from double quotes */
	bool prefix;                     /* matched as a prefix */
} search_term;

typedef struct search_result {
	int64_t total;                   /* documents matching text and every filter */
	search_hit *hits;
	int n_hits;
	search_facet_counts *facets;     /* one per facet field when asked, in field order */
	int n_facets;
	search_term *terms;
	int n_terms;
} search_result;

/* Answers the request. *out is owned by the caller (search_result_free),
 * everything in it lives as long as it. Returns 0, ERR_INVALID (text
 * that is not UTF-8, a filter on a facet the schema lacks, a negative
 * offset or limit) or ERR_NOMEM. A query that matches nothing is not an
 * error: total 0. */
int search_query(search_result **out, search_index *ix, const search_request *req);
void search_result_free(search_result *r);

/* ---- text analysis, for callers that compare texts (matching) ---- */

typedef struct search_token {
	const char *exact;               /* NFC lower case, tone placement normalised: "hòa" */
	const char *folded;              /* "hoa" */
	uint32_t start, len;             /* bytes of the syllable in the text given */
} search_token;

typedef struct search_tokens {
	search_token *v;
	int n;
} search_tokens;

/* The syllables of text[0..len) in order, as the index sees them. *out is
 * the caller's (search_tokens_free). Returns 0, ERR_INVALID (not UTF-8)
 * or ERR_NOMEM. */
int search_tokenise(search_tokens **out, const char *text, size_t len);
void search_tokens_free(search_tokens *t);

#endif
