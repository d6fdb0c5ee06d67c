/* organisation: the organisations of the innovation ecosystem registry
 * (universities, institutes, enterprises, start-ups, innovation centres,
 * funds, agencies, foreign partners) with their official identifiers,
 * commune, sectors and people; Vietnamese search over names and aliases;
 * duplicates and their merge; the organisation editors and the profile
 * changes they propose for review; CSV and XLSX exchange. */
#ifndef NQ57_ORGANISATION_H
#define NQ57_ORGANISATION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"

/* "university", "institute", "enterprise", "st_enterprise", "startup",
 * "innovation_centre", "fund", "agency", "foreign_partner"; NULL-terminated. */
extern const char *const organisation_kinds[];

/* ------------------------------------------------------------ identifiers */

/* Whether code is a Vietnamese tax code (mã số thuế) as the tax office
 * issues them: ten digits N1..N10 where N1N2 (the province) is not 00,
 * N3..N9 is not 0000000 and N10 = 10 - (31·N1 + 29·N2 + 23·N3 + 19·N4 +
 * 17·N5 + 13·N6 + 7·N7 + 5·N8 + 3·N9) mod 11 (a remainder of 0 gives 10:
 * no such code is issued), optionally followed by "-" and a branch number
 * 001..999. */
bool organisation_tax_code_valid(const char *code);
/* Whether id is a bare ROR id: "0", six characters of Crockford's base 32
 * (lower case, without i, l, o, u) and two check digits, ISO 7064 mod
 * 97-10 of the number the first seven characters spell. */
bool organisation_ror_valid(const char *id);

/* ------------------------------------------------------------------ reads */

typedef struct organisation_filter {
	const char *q;           /* folded match on name, short name, aliases */
	const char *kind;        /* NULL: any */
	const char *sector;      /* a sector code; NULL: any */
	const char *status;      /* NULL: every status but merged */
	int64_t unit_id;         /* the unit's subtree; 0: anywhere */
	bool public_only;        /* anonymous: published organisations only */
	int64_t limit, offset;
} organisation_filter;

/* {"organisations": [...], "total": N, "facets": {"kind": {kind: n}}}: the
 * organisations matching f, with q (folded: marks, đ, NFD and old-style
 * tone placement do not matter) ranked by the exact name first, then an
 * exact short name or alias, names starting with q, short names or
 * aliases starting with q, then a word of any starting with q, each by
 * name; without q by name. The facet counts by kind are those of the
 * matches without the kind filter. Rows hold no contacts. Searches an
 * in-memory copy of the organisations (organisation_index.c) that is read
 * again after any change. ERR_INVALID for an unknown kind or status,
 * ERR_NOTFOUND for an unknown unit. */
int organisation_list(json_t **out, db_conn *db, const organisation_filter *f);

/* One organisation with "unit" ({id, code, name, path} or null),
 * "aliases", "sectors", "people" ({name, role, email, phone}), "networks"
 * it belongs to ({id, code, name, role, joined_on}) and, for a merged one,
 * "merged_into". who decides what more it shows: for anonymous callers
 * (person_id 0 and not the command line) no email or phone, neither the
 * organisation's nor its people's, and ERR_NOTFOUND for an unpublished or
 * merged organisation; for registry writers "editors" ({id, login, name})
 * and for them and the organisation's editors "change", the latest
 * proposed change (pending or decided, with its reason). ERR_NOTFOUND. */
int organisation_get(json_t **out, db_conn *db, const principal *who, int64_t id);

/* {"entries": [...], "total"}: the audit entries of the organisation,
 * newest first. */
int organisation_history(json_t **out, db_conn *db, int64_t id, int64_t limit, int64_t offset);

/* {"duplicates": [{reason, a, b}], "total"}: pairs of organisations that are
 * not merged and share a tax code, ROR or OpenAlex id (reason "tax_code",
 * "ror", "openalex_id") or a folded name in the same commune ("name"); a
 * and b are {id, name, kind, tax_code, unit_id, unit_code, unit_name}. */
int organisation_duplicates(json_t **out, db_conn *db);

/* ----------------------------------------------------------------- writes */

/* Adds an organisation from JSON {kind, name, short_name?, aliases?: [..],
 * tax_code?, ror?, openalex_id?, unit_id? | unit_code?, address?, lat?,
 * lon?, sectors?: [codes], size?, employees?, founded_on?, status?,
 * website?, email?, phone?, description?, people?: [{name, role, email?,
 * phone?}], published?, demo?}, inside the caller's open write
 * transaction (loaders add many in one), audited. Names are stored in NFC
 * with the current tone placement; the ROR and OpenAlex ids are accepted
 * with their https://ror.org/ and https://openalex.org/ forms and stored
 * bare. ERR_INVALID naming the field; ERR_CONFLICT for a tax code, ROR or
 * OpenAlex id another organisation has. */
int organisation_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);
/* The same in its own transaction. */
int organisation_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);

/* Changes the fields present in `in` (PATCH: null clears a field; aliases
 * and people, when present, replace the lists). A registry writer's change
 * is applied at once and audited with the record before and after
 * (*out_change_id = 0). An organisation editor's change is checked, then
 * kept as the organisation's one pending proposal (a second one before
 * the review replaces the fields it names) for a registry writer to review,
 * and the record does not change (*out_change_id = the proposal). An
 * editor may not propose "published" or "status" (ERR_FORBIDDEN naming
 * the field); anyone else gets ERR_FORBIDDEN. ERR_NOTFOUND, ERR_INVALID,
 * ERR_CONFLICT as organisation_insert. */
int organisation_update(int64_t *out_change_id, db_conn *db, const principal *who, int64_t id, const json_t *in);

/* {"changes": [...newest first]}: the proposals for organisation id, each
 * {id, status, fields, proposed_by, proposed_by_name, proposed_at,
 * decided_by_name, decided_at, reason}. */
int organisation_changes(json_t **out, db_conn *db, int64_t id);
/* Approves the pending proposal change_id of organisation id: applies its
 * fields as a registry writer's update would (audited) and marks it
 * approved. ERR_NOTFOUND; ERR_CONFLICT when it is not pending; the
 * errors of organisation_update when its fields no longer fit. */
int organisation_change_approve(db_conn *db, const principal *who, int64_t id, int64_t change_id);
/* Refuses it with a reason (required: ERR_INVALID), audited. */
int organisation_change_refuse(db_conn *db, const principal *who, int64_t id, int64_t change_id, const char *reason);

/* Merges duplicate_id into kept_id in one transaction: the duplicate's
 * name, short name and aliases become aliases of the kept one, which
 * takes the identifiers it lacks; its people, editors, network
 * memberships, resources, bookings, agreement parties and problems, fund
 * memberships, investments, support programmes and recipients and
 * commercialisation projects move to the kept one; the duplicate becomes
 * status 'merged' with merged_into; organisation_merge keeps the duplicate
 * as it was; both are audited. ERR_NOTFOUND; ERR_INVALID for the same id
 * twice or an organisation already merged. */
int organisation_merge(db_conn *db, const principal *who, int64_t kept_id, int64_t duplicate_id);

/* {"editors": [{id, login, name, since}]} of organisation id. */
int organisation_editors(json_t **out, db_conn *db, int64_t id);
/* Makes person_id an editor of organisation id (nothing when they are one
 * already), audited. ERR_NOTFOUND for either. */
int organisation_editor_add(db_conn *db, const principal *who, int64_t id, int64_t person_id);
/* Removes that editor, audited. ERR_NOTFOUND when they are not one. */
int organisation_editor_remove(db_conn *db, const principal *who, int64_t id, int64_t person_id);

/* --------------------------------------------------------------- exchange */

typedef struct organisation_import_result {
	int created, updated, unchanged, total;
	json_t *rows;            /* [{line, action, id?, name}]: what each row does */
	json_t *problems;        /* [{line, column, field, message, ...}] when ERR_INVALID */
} organisation_import_result;

/* Imports organisations from CSV (UTF-8, a header row of field names or
 * their Vietnamese titles, as organisation_export writes) or from the
 * first sheet of an .xlsx workbook (told apart by its content), in one
 * transaction: every row or none. A row updates the organisation with its
 * tax code, else its ROR, else its OpenAlex id, else its folded name in
 * its commune, and adds one otherwise; a row that would change nothing is
 * counted unchanged. Columns absent from the header are left as they are;
 * an empty cell clears its field. With dry_run nothing is saved. Every bad
 * row is listed in r->problems with its line, column and field
 * (ERR_INVALID). The caller frees r->rows and r->problems. */
int organisation_import(organisation_import_result *r, db_conn *db, const principal *who, const char *data,
	size_t len, bool dry_run);

/* CSV of every organisation that is not merged (header: the field names),
 * which organisation_import reads back unchanged; malloc'd, caller frees. */
int organisation_export(char **out, size_t *len, db_conn *db);

#endif
