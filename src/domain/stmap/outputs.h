/* outputs: the research outputs of the S&T map as read by the API —
 * publications with their authors and affiliations, the review of
 * institutions no registry organisation was matched to, the counts of
 * every kind of output — and the patents, projects, technology-transfer
 * contracts and spin-offs with their CSV/XLSX templates
 * (outputs_exchange.c). The OpenAlex import is openalex.h. */
#ifndef NQ57_STMAP_OUTPUTS_H
#define NQ57_STMAP_OUTPUTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"

/* Moves output_generation inside the caller's write transaction: every
 * change of the outputs calls it, so that what others computed from them
 * (indicators, maps, networks) is known to be stale. */
int outputs_generation_bump(db_conn *db);
int outputs_generation(int64_t *out, db_conn *db);

/* ----------------------------------------------------------------- works */

typedef struct work_filter {
	int64_t organisation_id;   /* 0: any */
	const char *unit_path;     /* the communes of the organisations: a subtree; NULL: any */
	int year_from, year_to;    /* 0: open */
	const char *field;         /* a field id ('17'); NULL: any */
	const char *q;             /* words of the title, diacritics ignored */
	int64_t limit, offset;
} work_filter;

/* {"works": [...], "total": N, "fields": [{id, name, works}]} newest first;
 * each work names the registry organisations it was matched to; "fields"
 * counts the works of the filter without its field. */
int outputs_works_list(json_t **out, db_conn *db, const work_filter *f);
/* One work with its authors in order, each with its affiliations and the
 * organisation each was matched to. ERR_NOTFOUND. */
int outputs_work_get(json_t **out, db_conn *db, int64_t id);

/* {"works", "patents", "utility_solutions", "projects", "contracts",
 * "spinoffs", "unmatched_institutions", "generation"}. */
int outputs_summary(json_t **out, db_conn *db);

/* ------------------------------------------------ institutions to review */

/* The institutions of affiliations no organisation was matched to, with
 * how many works name each, most first: {"institutions": [{key,
 * institution_id, ror, name, country_code, type, works}], "total": N}.
 * key is 'openalex:I..', 'ror:..' or 'name:<folded name>'. country and q
 * (part of the name) may be NULL. */
int outputs_institutions(json_t **out, db_conn *db, const char *country, const char *q, int64_t limit,
	int64_t offset);
/* Links the institution key to organisation_id: every affiliation of it
 * follows (match 'manual') and the link is remembered for the next
 * imports. *n_out: affiliations linked. ERR_INVALID for a bad key or an
 * organisation that does not exist, ERR_NOTFOUND for a key no work names. */
int outputs_institution_link(int64_t *n_out, db_conn *db, const principal *who, const char *key, int64_t organisation_id);
/* Forgets a link: its affiliations are unmatched again. ERR_NOTFOUND. */
int outputs_institution_unlink(db_conn *db, const principal *who, const char *key);

/* ------------------------------------------- patents, projects, contracts */

typedef enum output_kind { OUT_PATENT, OUT_PROJECT, OUT_CONTRACT, OUT_SPINOFF, N_OUTPUT_KINDS } output_kind;

/* "patents", "projects", "contracts", "spinoffs": the name of a kind in
 * paths and answers; -1 when name is none of them. */
const char *output_kind_name(output_kind k);
int output_kind_from(const char *name);

typedef struct output_filter {
	int64_t organisation_id;   /* owner, lead or partner, seller or buyer, parent */
	const char *unit_path;
	const char *kind;          /* patents: patent/utility_solution; contracts: their kind */
	int year_from, year_to;    /* of the grant, start, signature, foundation */
	const char *q;
	bool signed_in;            /* contract values are shown to signed-in people only */
	int64_t limit, offset;
} output_filter;

/* {"<kind>": [...], "total": N}. */
int outputs_list(json_t **out, db_conn *db, output_kind k, const output_filter *f);
/* One record. ERR_NOTFOUND. */
int outputs_get(json_t **out, db_conn *db, output_kind k, int64_t id, bool signed_in);

typedef struct outputs_import_result {
	int total, created, updated, unchanged;
	json_t *bad;   /* one detail per wrong row (line, column, message), owned by the caller */
} outputs_import_result;

/* Imports a CSV text or an .xlsx workbook in the template's columns (a
 * known number, code or name is updated): every wrong row named by line
 * and column, nothing saved when one is wrong (ERR_INVALID), nothing saved
 * on a dry run; demo marks the records created as invented for the demo. */
int outputs_import(outputs_import_result *r, db_conn *db, const principal *who, output_kind k, const char *data,
	size_t len, bool dry_run, bool demo);
/* Every record in the template's columns, as CSV or (xlsx) a workbook;
 * re-importing it changes nothing. With header_only, the empty template.
 * *out is malloc'd. */
int outputs_export(char **out, size_t *len, db_conn *db, output_kind k, bool xlsx, bool header_only, bool signed_in);

#endif
