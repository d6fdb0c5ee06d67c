/* listing: the technology market's listings — technology offers, problems
 * to solve (bài toán đặt hàng) and experts — with their review: a draft of
 * its owners (the person who created it and the editors of its owner
 * organisation) is submitted, then published or returned with a reason by
 * the market operator (a registry writer: the steering office, Sở KH&CN);
 * owners withdraw it; a published listing past its expires_on is expired.
 * Every change is audited and moves listing_generation (migration 0025),
 * which the search index follows. Interest, proposals, feedback and deals
 * are in engagement.h; CSV and workbook exchange in listing_exchange.c. */
#ifndef NQ57_LISTING_H
#define NQ57_LISTING_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"

/* "offer", "problem", "expert"; NULL-terminated. */
extern const char *const listing_kinds[];
/* "draft", "submitted", "published", "returned", "withdrawn". */
extern const char *const listing_statuses[];
/* full_assignment, partial_assignment, exclusive_licence,
 * non_exclusive_licence, sublicence, licence_with_service. */
extern const char *const listing_transfer_types[];

/* How long a listing stays published when its owner gave no expires_on. */
#define LISTING_DEFAULT_DAYS 365

/* Who a principal is to a listing. */
typedef enum listing_role {
	LISTING_READER,      /* anyone else, signed in or not */
	LISTING_OWNER,       /* its creator or an editor of its organisation */
	LISTING_OPERATOR     /* the market operator (a registry writer) */
} listing_role;

/* The market operator: authz_registry_writer. */
bool listing_operator(const principal *who);

/* ------------------------------------------------------------------ reads */

typedef struct listing_filter {
	const char *kind, *status, *sector;
	int trl;                 /* 0: any */
	int64_t organisation_id; /* 0: any */
	bool mine;               /* the caller's own listings, any status */
	int64_t limit, offset;
} listing_filter;

/* {"listings": [...], "total"}: newest change first. Anonymous callers and
 * readers see published listings that have not expired (a private
 * problem only when signed in); with mine, the listings the caller owns in
 * any status (f->status narrows); the operator sees any status it asks for
 * (published without one). Rows carry the public fields, the organisation
 * {id, name} and "state" (the status, or "expired"). ERR_INVALID for an
 * unknown kind, status or sector, a TRL outside 1..9. */
int listing_list(json_t **out, db_conn *db, const principal *who, const listing_filter *f);

/* One listing as who may see it: owners and the operator get every field
 * (contacts, return reason, files) and "role"; others get a published
 * listing only, without contacts, and a summary_only problem without its
 * description, context, expected result and constraints for anonymous
 * callers (and a private one for any reader). ERR_NOTFOUND otherwise.
 * count_view: a view by a reader is counted for today (Viet Nam time). */
int listing_get(json_t **out, db_conn *db, const principal *who, int64_t id, bool count_view);

/* Who is to listing id (ERR_NOTFOUND), and its status and kind (static
 * strings) when the pointers are not NULL. */
int listing_role_of(listing_role *out, const char **status, const char **kind, db_conn *db, const principal *who,
	int64_t id);

/* The current value of listing_generation. */
int listing_generation(int64_t *out, db_conn *db);

/* ----------------------------------------------------------------- writes */

/* Creates a draft from JSON {kind, title, summary?, description?, sector?,
 * organisation_id?, contact_name?, contact_email?, contact_phone?; offers:
 * trl?, ip_status?, ip_numbers?, transfer_types?: [..], price_model?,
 * price?; problems: context?, expected_result?, budget_min?, budget_max?,
 * deadline?, constraints?, confidentiality?; experts: expert_name?,
 * expert_person_id?, expert_fields?, expert_record?; expires_on?, demo?}.
 * Any signed-in person may create one for no organisation or for one they
 * edit (ERR_FORBIDDEN otherwise; ERR_UNAUTHORIZED anonymous). Audited.
 * ERR_INVALID naming the field. */
int listing_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);
/* The same inside the caller's write transaction, with the status given
 * (an import of a fair's catalogue by the operator may publish at once). */
int listing_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in, const char *status);

/* Changes the fields present in in (null clears one; kind does not
 * change): owners and the operator, on a listing that is not withdrawn
 * (ERR_CONFLICT). The status stays: an edit of a published listing keeps
 * it published, audited with the record before and after. */
int listing_update(db_conn *db, const principal *who, int64_t id, const json_t *in);
/* The same inside the caller's write transaction; *changed says whether
 * any field differed (nothing is written or audited otherwise). */
int listing_update_in(bool *changed, db_conn *db, const principal *who, int64_t id, const json_t *in);

/* The review. submit: an owner, from draft or returned (a title and
 * summary needed; an offer's TRL, an expert's name); publish: the
 * operator, from submitted (expires_on set LISTING_DEFAULT_DAYS ahead
 * when absent or past); return: the operator, from submitted or published,
 * with a reason (required); withdraw: an owner or the operator, from any
 * status but withdrawn. ERR_CONFLICT for a change the status does not
 * allow, ERR_FORBIDDEN for one the caller may not make. Audited. */
int listing_submit(db_conn *db, const principal *who, int64_t id);
int listing_publish(db_conn *db, const principal *who, int64_t id);
int listing_return(db_conn *db, const principal *who, int64_t id, const char *reason);
int listing_withdraw(db_conn *db, const principal *who, int64_t id);

/* Adds a file or an image (role "file" or "image") to listing id: an owner
 * or the operator. *out: the attachment. */
int listing_file_add(json_t **out, db_conn *db, const principal *who, const char *data_dir, int64_t id,
	const char *role, const char *name, const char *p, size_t len);
/* Whether attachment file_id belongs to listing id: ERR_NOTFOUND if not. */
int listing_file_check(db_conn *db, int64_t id, int64_t file_id);

/* --------------------------------------------------------------- exchange */

typedef struct listing_import_result {
	int created, updated, unchanged, total;
	json_t *rows;            /* [{line, action, id, title}]: what each row does */
	json_t *problems;        /* [{line, column, title, field?, message, ...}] when ERR_INVALID */
} listing_import_result;

/* Imports listings (a fair's catalogue) from CSV or the first sheet of an
 * .xlsx workbook (told apart by its content) with a header row of field
 * names or their Vietnamese titles, as listing_export writes them, in one
 * transaction: every row or none. A row with an id updates that listing
 * (its status stays; a row that changes nothing is counted unchanged, an
 * empty cell clears its field), one without adds a listing of its kind in
 * its status (draft, submitted or published; published when empty).
 * organisation_id takes an id or an organisation's name; transfer_types
 * codes separated by ';'. The operator's only (ERR_FORBIDDEN). Every bad
 * cell is listed in r->problems by line and column; then nothing is saved
 * (ERR_INVALID). With dry_run nothing is saved either. The caller frees
 * r->rows and r->problems. */
int listing_import(listing_import_result *r, db_conn *db, const principal *who, const char *data, size_t len,
	bool dry_run);

/* Every listing as CSV (xlsx false) or an .xlsx workbook of text cells,
 * the header being the field names; listing_import reads either back to
 * no change. malloc'd, the caller frees. */
int listing_export(char **out, size_t *len, db_conn *db, bool xlsx);

/* ------------------------------------------------------------- internal */

/* Moves listing_generation and stamps listing id with it (inside the
 * caller's write transaction). */
int listing__touch(db_conn *db, int64_t id);
/* The whole record of listing id as the audit trail keeps it; NULL in
 * *out when there is none. */
int listing__load(json_t **out, db_conn *db, int64_t id);

#endif
