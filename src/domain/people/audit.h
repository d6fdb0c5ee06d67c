/* audit: the append-only, hash-chained record of every write. An entry is
 * appended in the same transaction as the change it records; its hash is
 * SHA-256 over the previous entry's hash and this entry's fields, so a row
 * changed or removed later breaks the chain at that row. */
#ifndef NQ57_AUDIT_H
#define NQ57_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"

#define AUDIT_HASH_HEX 65   /* 64 hex digits and NUL */

/* Appends one entry inside the caller's open write transaction (db_begin_write).
 * who may be NULL (the system). before/after are JSON texts or NULL. */
int audit_append(db_conn *db, const principal *who, const char *action, const char *entity,
	const char *entity_id, const char *before, const char *after);

/* Same with JSON values (not stolen; NULL allowed). */
int audit_append_json(db_conn *db, const principal *who, const char *action, const char *entity,
	const char *entity_id, const json_t *before, const json_t *after);

/* Same for an entity with a numeric id; before and after are stolen. */
int audit_append_id(db_conn *db, const principal *who, const char *action, const char *entity, int64_t id,
	json_t *before, json_t *after);

typedef struct audit_report {
	int64_t n_checked;   /* entries that matched */
	int64_t bad_seq;     /* first entry that does not match, 0 if none */
	char why[160];       /* what is wrong with it */
	const char *why_code;   /* the same as "missing", "prev_hash" or "hash" */
	int64_t head_seq;    /* the last entry written (0: none) */
	char head[AUDIT_HASH_HEX];   /* its hash, the chain's head */
} audit_report;

/* Walks the chain from the first entry and reads its head. Returns 0 with
 * r->bad_seq set when an entry does not match (a database error returns its code). */
int audit_verify(db_conn *db, audit_report *r);

typedef struct audit_filter {
	const char *entity;      /* NULL: any */
	const char *entity_id;
	int64_t person_id;       /* 0: anyone */
	const char *from, *to;   /* ISO timestamps, inclusive; NULL: open */
	int64_t limit, offset;
} audit_filter;

/* {"entries": [...newest first...], "total": N} for the filter. */
int audit_list(json_t **out, db_conn *db, const audit_filter *f);

#endif
