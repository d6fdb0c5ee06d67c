/* market_search: the text search over the market's published listings,
 * an in-memory index (search/search.h) that each server builds from the
 * database at first use and keeps live: a change made by this process is
 * read the moment its writer calls market_search_changed, and a change
 * made by another server is read by the next query, which sees
 * listing_generation move (migration 0025). Listings past their
 * expires_on are left out; the index is read again when the day turns. */
#ifndef NQ57_MARKET_SEARCH_H
#define NQ57_MARKET_SEARCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

/* A query as the API takes it. Each filter is a comma-separated list of
 * values, any of which passes ("offer,expert", "7,8,9"); NULL or "" for
 * none. unit_id keeps listings whose owner organisation lies in that
 * unit's subtree (0: anywhere). */
typedef struct market_query {
	const char *q;
	const char *kind, *sector, *trl, *organisation_id, *transfer_type;
	int64_t unit_id;
	int64_t offset, limit;
} market_query;

/* {"total", "offset", "limit", "hits": [...], "facets": {...}, "terms": [...]}
 * for q over the published listings: each hit with the listing's public
 * fields and "highlight": {"title": [...], "summary": [...]} where each
 * array alternates plain and matched text ("plain", "matched", "plain",
 * ...; its first item is plain, possibly ""), so that a page marks the
 * matches up without reading HTML from what was typed. The facets count
 * each value over the listings matching the text and the filters of the
 * other facets: kind, sector, trl, organisation, commune, transfer_type,
 * each [{"value", "count", "name"?}] largest first. ERR_INVALID for a bad
 * filter value. *out is the caller's. */
int market_search(json_t **out, db_conn *db, const market_query *q);

/* ERR_INVALID naming the first bad filter value of q, else 0. */
int market_query_check(const market_query *q);

/* Reads listing_id again into this process's index (and any other
 * listing changed meanwhile): each listing write calls it after its
 * commit. Returns 0 or an error the writer may log and ignore: the next
 * query catches up by the generation anyway. */
int market_search_changed(db_conn *db, int64_t listing_id);

/* --- for matching and saved searches (matching.c) --- */

/* One listing found by market_search_ids, with the query's syllables it
 * shares (terms[0..n_terms), NFC as typed, lower case). */
typedef struct market_found {
	int64_t id;
	double score;
	const char *terms[16];
	int n_terms;
} market_found;

typedef struct market_found_list {
	market_found *v;
	int n;
	int64_t total;
	void *owner_;            /* what the texts live in */
} market_found_list;

/* The listings matching text and q's filters (q->q is ignored), best
 * first, at most limit. any: a listing needs one syllable of text only
 * (matching a long text); else all, as a search box does. published_since
 * (YYYY-MM-DD, NULL for any day) keeps listings first published on that
 * day or later. *out is the caller's (market_found_free). */
int market_search_ids(market_found_list *out, db_conn *db, const char *text, const market_query *q, bool any,
	const char *published_since, int limit);
void market_found_free(market_found_list *list);

/* The public fields of listings ids[0..n) as a search hit shows them
 * (id, kind, title, summary, sector, trl, transfer_types, organisation,
 * unit, published_at, ...), into slots[0..n) in that order; a slot stays
 * NULL for an id that is gone. The objects are the caller's. */
int market_search__rows(json_t **slots, db_conn *db, const int64_t *ids, int n);

#endif
