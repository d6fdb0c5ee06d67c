/* agreement: MOUs and cooperation agreements of the registry (thỏa thuận
 * hợp tác): their parties (organisations with a role), focus areas, term,
 * document file, the actions committed under them (tasks of the programme,
 * so they are tracked and reported like any task) and the problems the
 * partners bring. The status "expired" is derived on read: an active
 * agreement whose ends_on has passed, by the day in Viet Nam. */
#ifndef NQ57_AGREEMENT_H
#define NQ57_AGREEMENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"
#include "util/period.h"

/* "mou", "cooperation", "contract", "other"; NULL-terminated. */
extern const char *const agreement_kinds[];
/* "draft", "active", "expired", "ended" (what a reader may filter on). */
extern const char *const agreement_statuses[];
/* "open", "commissioned", "solved", "dropped". */
extern const char *const agreement_problem_statuses[];

/* Creates an agreement from JSON {code, kind, title, signed_on?, ends_on?,
 * focus?: [codes], status? (draft, active, ended), description?, file_id?,
 * parties?: [{organisation_id, role?}], demo?} inside the caller's open
 * write transaction, with its audit entry. ERR_INVALID naming the field;
 * ERR_CONFLICT for a code in use. */
int agreement_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);
/* The same in its own transaction. */
int agreement_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);
/* Changes any field but the code (parties given replace the parties). */
int agreement_update(db_conn *db, const principal *who, int64_t id, const json_t *in);
/* The agreement with this code, or ERR_NOTFOUND. */
int agreement_id_by_code(int64_t *out, db_conn *db, const char *code);

/* One agreement on day today: its fields, "status" derived, "parties"
 * [{organisation_id, name, kind, role}], "file" ({id, name, type, size}
 * or null); with details also "actions" (the linked tasks as the task
 * list shows them, their derived status as of today) and "problems".
 * public_only: ERR_NOTFOUND unless active or expired. ERR_NOTFOUND. */
int agreement_get(json_t **out, db_conn *db, int64_t id, date_ymd today, bool details, bool public_only);

typedef struct agreement_filter {
	const char *q;            /* code or title, diacritics ignored */
	const char *kind;
	const char *status;       /* the derived status */
	int64_t organisation_id;  /* a party */
	const char *focus;        /* one focus area */
	bool public_only;         /* active and expired only */
} agreement_filter;

/* {"agreements": [...], "total"} newest signed first, each with parties
 * and "n_actions", "n_problems". */
int agreement_list(json_t **out, db_conn *db, const agreement_filter *f, date_ymd today, int64_t limit, int64_t offset);

/* Links task task_id as a committed action of agreement id. ERR_INVALID
 * for an unknown task, ERR_CONFLICT when it is linked already. */
int agreement_action_link(db_conn *db, const principal *who, int64_t id, int64_t task_id);
/* Creates a task from JSON as the tasks API does (task_insert: code?,
 * title, lead_unit_code | lead_unit_id, deadline?, product?...) and links
 * it, in one transaction; without a code the task is coded after the
 * agreement ("<code>-HD1", "-HD2"...). */
int agreement_action_create(int64_t *out_task_id, db_conn *db, const principal *who, int64_t id, const json_t *task);
/* Unlinks the task (the task itself stays). ERR_NOTFOUND. */
int agreement_action_unlink(db_conn *db, const principal *who, int64_t id, int64_t task_id);

/* A problem brought by a partner: {title, description?, organisation_id?
 * (who brought it), status?}. */
int agreement_problem_add(int64_t *out_id, db_conn *db, const principal *who, int64_t id, const json_t *in);
/* The same inside the caller's open write transaction (for loaders). */
int agreement_problem_insert(int64_t *out_id, db_conn *db, const principal *who, int64_t id, const json_t *in);
/* Changes a problem's title, description, organisation or status. */
int agreement_problem_update(db_conn *db, const principal *who, int64_t id, int64_t problem_id, const json_t *in);

/* [{code, title, kind, status}]: the agreements task_id is an action of
 * (for the task's page). */
int agreement_of_task(json_t **out, db_conn *db, int64_t task_id, date_ymd today);

/* The agreements in force at some time within [from, to] (signed by to,
 * not ended before from, not drafts), each with parties, focus and
 * actions with their task status as of as_of: the review report's
 * section. */
int agreement_review(json_t **out, db_conn *db, date_ymd from, date_ymd to, date_ymd as_of);

/* CSV exchange. Columns: code, kind, title, signed_on, ends_on, focus
 * (codes separated by ';'), status, parties (organisation names or ids
 * separated by ';'), description. An existing code is updated, a new one
 * created; every bad row is named (r->bad: [{line, message, template,
 * params}]) and nothing is saved if any is; dry_run saves nothing. The
 * import also takes an .xlsx workbook of these columns (lines are then its
 * sheet rows). */
typedef struct agreement_import_result {
	int created, updated, total;
	json_t *bad;   /* owned by the caller */
} agreement_import_result;
int agreement_import(agreement_import_result *r, db_conn *db, const principal *who, const char *csv, size_t len,
	bool dry_run);
/* The agreements as that CSV (malloc'd), public ones only if public_only. */
int agreement_export(char **out, size_t *len, db_conn *db, bool public_only, date_ymd today);

#endif
