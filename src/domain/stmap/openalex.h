/* openalex: OpenAlex works read from JSON Lines — the current schema
 * (primary_topic, citation_normalized_percentile, fwci) and the 2022 one
 * (host_venue, concepts) — into work, work_author, work_affiliation and
 * work_reference, each affiliation matched to a registry organisation by
 * OpenAlex id, ROR, a remembered link, then folded name. */
#ifndef NQ57_STMAP_OPENALEX_H
#define NQ57_STMAP_OPENALEX_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "db/db.h"
#include "domain/people/authz.h"

typedef struct openalex_options {
	bool dry_run;   /* read and check everything, save nothing */
	bool demo;      /* the works are invented for the demo */
} openalex_options;

typedef struct openalex_result {
	int64_t works;          /* lines holding a work */
	int64_t created, updated;
	int64_t authors, affiliations;
	int64_t by_openalex, by_ror, by_manual, by_name;   /* affiliations matched, by route */
	int64_t unmatched;      /* affiliations left for review */
} openalex_result;

/* Reads one work per line (empty lines skipped) and saves all of them in
 * one transaction; a work already imported (same OpenAlex id) is replaced,
 * never duplicated. A malformed line saves nothing and returns
 * ERR_INVALID "line N: ...". Database errors pass up as they are. */
int openalex_import_file(openalex_result *r, db_conn *db, const principal *who, FILE *f, const openalex_options *o);
/* The same over p[0..len) (an uploaded file). */
int openalex_import_text(openalex_result *r, db_conn *db, const principal *who, const char *p, size_t len,
	const openalex_options *o);

/* The last path segment of an OpenAlex, ROR or ORCID URL
 * ("https://openalex.org/I94518387" -> "I94518387"); s itself otherwise.
 * Borrowed from s. */
const char *openalex_short_id(const char *s);

#endif
