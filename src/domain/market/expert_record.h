/* expert_record: what the S&T map and the registry know of the expert of
 * an expert listing — the works the expert wrote, and the projects,
 * patents, contracts, agreements and commercialisations of the expert's
 * organisation — each with what its page needs. */
#ifndef NQ57_EXPERT_RECORD_H
#define NQ57_EXPERT_RECORD_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"

#define EXPERT_RECORD_MAX 50   /* rows of each list, newest first */

/* {"listing": {id, title, expert_name, orcid}, "organisation": {id, name}
 * | null, "works_by": "orcid" | "name" | null, "works": [{id, title, year,
 * venue, cited_by_count, author}], "projects": [{id, code, title, funder,
 * started_on, ends_on, lead}], "patents": [{id, kind, number, title,
 * granted_on}], "contracts": [{id, number, kind, title, signed_on, seller
 * {id?, name}, buyer {id?, name}}], "agreements": [{id, code, kind, title,
 * signed_on, status}], "commercialisations": [{id, title, status,
 * announced_on, partner {id, name} | null}], "totals": {works, projects,
 * patents, contracts, agreements, commercialisations}} for expert listing
 * id as who may read it (ERR_NOTFOUND otherwise; ERR_INVALID for a listing
 * of another kind). Works are matched by the listing's ORCID iD when it
 * has one, else by the expert's name (folded, in any order, academic
 * titles such as "PGS.TS." left out) among the authors affiliated with the
 * expert's organisation; the other lists are the organisation's (as lead
 * or partner of a project, seller or buyer of a contract, party to an
 * agreement, owner of a commercialised technology). Contract values are
 * left out. */
int expert_record_get(json_t **out, db_conn *db, const principal *who, int64_t id);

/* The key a person's name is compared by: folded (utf8.h vn_fold), split
 * at spaces and punctuation, academic titles dropped, the words sorted
 * and joined by one space. "PGS.TS. Nguyễn Thị Lan" and "Lan Nguyen Thi"
 * give "lan nguyen thi". malloc'd, the caller frees. */
int expert__name_key(char **out, const char *name);

#endif
