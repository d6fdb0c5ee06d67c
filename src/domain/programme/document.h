/* document: the official documents of the programme (số hiệu such as
 * "57-NQ/TW", "71/NQ-CP", "43/KH-UBND"), the document each implements,
 * and their objectives and task groups. */
#ifndef NQ57_DOCUMENT_H
#define NQ57_DOCUMENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"
#include "util/period.h"

/* "resolution", "programme", "plan", "decision", "directive", "regulation",
 * "official_letter", "other"; NULL-terminated. */
extern const char *const document_kinds[];

/* {"documents": [...], "total"} ordered by issue date then number; q
 * matches the number or the folded title. */
int document_list(json_t **out, db_conn *db, const char *q, int64_t limit, int64_t offset);
/* One document with "chain" (the documents it implements, the root
 * first), "implemented_by" and "objectives". ERR_NOTFOUND. */
int document_get(json_t **out, db_conn *db, int64_t id);

/* A document's page on day as_of: document_get's answer with "counts"
 * (tasks by derived status, as task_list counts them for the document)
 * and "tasks_total"; "groups": each objective or task group with its
 * "tasks" (code, title, lead unit, status; empty unless with_tasks),
 * "tasks_total", "indicators" and "counts" (a last group with code null
 * holds tasks of no group); each of "implemented_by" with its "counts".
 * ERR_NOTFOUND. */
int document_page(json_t **out, db_conn *db, int64_t id, date_ymd as_of, bool with_tasks);
/* {"roots": [...]}: every document with its "counts", "tasks_total" and
 * "children" (the documents implementing it), from those that implement
 * nothing. */
int document_tree(json_t **out, db_conn *db, date_ymd as_of);

/* Creates a document from JSON {number, kind, title, issued_on?, issuer?,
 * basis_id? | basis_number?, objectives?: [{code, kind?, title}]}.
 * ERR_INVALID naming the field; ERR_CONFLICT for a number in use. */
int document_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);
/* The same inside the caller's open write transaction (for loaders). */
int document_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);
/* Changes title, kind, issued_on, issuer or basis (no cycles). */
int document_update(db_conn *db, const principal *who, int64_t id, const json_t *in);

#endif
