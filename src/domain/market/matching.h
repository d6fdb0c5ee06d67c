/* matching: what the market puts beside a listing — for a problem the
 * offers and experts that may solve it, for an offer or an expert the
 * problems they may solve — each with the reasons of its place; and the
 * saved searches of signed-in people, whose new matches reach their inbox
 * (and their mail, through inbox_send). */
#ifndef NQ57_MATCHING_H
#define NQ57_MATCHING_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"

/* The points each reason adds (the score is their sum, 95 at most):
 *   terms      MATCH_WORD_POINTS per pair of adjacent syllables of the
 *              listing's text the other one has too ("xử lý", "nước
 *              thải", compared without marks), MATCH_TERM_POINTS per other
 *              syllable they share (as written; common words, and words
 *              nearly every listing uses such as "công nghệ", left out),
 *              at most MATCH_TERMS_MAX; a listing that shares no pair and
 *              fewer than three syllables is no match at all;
 *   sector     MATCH_SECTOR_POINTS when both are of the same sector;
 *   trl        between a problem and an offer: MATCH_TRL_POINTS when the
 *              offer's TRL reaches the stage the problem expects (its own
 *              TRL when given, else MATCH_TRL_EXPECTED: ready to pilot),
 *              MATCH_TRL_NEAR_POINTS one or two levels below;
 *   record     the other side's organisation: 2 per patent or utility
 *              solution, spin-off and commercialisation project, 1 per
 *              research project and agreement, 1 per 5 publications (the
 *              S&T map and the registry), at most MATCH_RECORD_MAX;
 *   contracts  MATCH_CONTRACT_POINTS per technology contract (S&T map)
 *              or deal on the market of that organisation, at most
 *              MATCH_CONTRACTS_MAX.
 * Ties go to the better text match. */
#define MATCH_WORD_POINTS 4
#define MATCH_TERM_POINTS 2
#define MATCH_TERMS_MAX 40
#define MATCH_SECTOR_POINTS 20
#define MATCH_TRL_POINTS 15
#define MATCH_TRL_NEAR_POINTS 8
#define MATCH_TRL_EXPECTED 6
#define MATCH_RECORD_MAX 10
#define MATCH_CONTRACT_POINTS 5
#define MATCH_CONTRACTS_MAX 10

/* {"listing": {id, kind, title}, "matches": [{...the listing's public
 * fields (market_search__rows), "score", "reasons": [{"code": "terms",
 * "points", "terms": [...]}, {"code": "sector", "points", "sector"},
 * {"code": "trl", "points", "trl", "expected"}, {"code": "record",
 * "points", "publications", "patents", "projects", "spinoffs",
 * "agreements", "commercialisations"}, {"code": "contracts", "points",
 * "contracts", "deals"}]}], "points": {the MATCH_* values}} for listing
 * id, best first, at most limit. Only published listings are matched; the
 * listing itself must be one who may read (ERR_NOTFOUND otherwise), and a
 * problem whose details are hidden from who is matched on its title and
 * summary alone. */
int matching_for_listing(json_t **out, db_conn *db, const principal *who, int64_t id, int limit);

/* --------------------------------------------------------- saved searches */

#define SAVED_SEARCHES_MAX 50   /* per person */

/* {"saved_searches": [{id, name, q, kind, sector, trl, organisation_id,
 * unit_id, transfer_type, notify, created_at, total}]}: who's own, newest
 * first; total counts the listings matching now. */
int saved_search_list(json_t **out, db_conn *db, const principal *who);
/* Saves {name?, q?, kind?, sector?, trl?, organisation_id?, unit_id?,
 * transfer_type?, notify?} (filters as market_search takes them) for who
 * (signed in: ERR_UNAUTHORIZED otherwise). ERR_INVALID for a bad filter
 * or past SAVED_SEARCHES_MAX. Audited. */
int saved_search_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);
/* One of who's saved searches as listed; ERR_NOTFOUND for another's. */
int saved_search_get(json_t **out, db_conn *db, const principal *who, int64_t id);
/* Deletes one of who's saved searches (ERR_NOTFOUND otherwise). Audited. */
int saved_search_delete(db_conn *db, const principal *who, int64_t id);

/* Appends to items who's inbox items of kind "market_match": each listing
 * first published since `since` (ISO time) and after the saved search was
 * made that one of who's saved searches (with notify) finds, once per
 * listing whatever the number of searches finding it, who's own listings
 * left out. Key "market-match:<listing id>"; {key, kind, at, read, link,
 * listing {id, kind, title, organisation}, search {id, name, q}}. */
int matching_inbox_items(json_t *items, db_conn *db, const principal *who, const char *since);

#endif
