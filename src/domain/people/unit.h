/* unit: the organisation units — a forest of the city (or provinces), its
 * departments, agencies, communes, universities, enterprises and
 * innovation centres. Each unit keeps its materialised path "/1/5/27/",
 * so a subtree is one range scan (path >= '/1/5/' AND path < '/1/50');
 * a move rewrites the subtree's paths and keeps the parent history. */
#ifndef NQ57_UNIT_H
#define NQ57_UNIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"
#include "util/arena.h"

/* "province", "department", ...; NULL-terminated. */
extern const char *const unit_kinds[];
bool unit_kind_valid(const char *kind);

typedef struct unit_filter {
	const char *q;           /* code prefix or folded name substring */
	int64_t under;           /* subtree of this unit (itself included); 0: all */
	int64_t parent_id;       /* children of this unit; 0: any; -1: roots */
	const char *kind;
	int active;              /* -1 any, 0, 1 */
	bool public_only;        /* anonymous callers: public and active only */
	int64_t limit, offset;
} unit_filter;

/* {"units": [...], "total": N} ordered by path. */
int unit_list(json_t **out, db_conn *db, const unit_filter *f);
/* One unit with "ancestors" (root first) and "history". ERR_NOTFOUND. */
int unit_get(json_t **out, db_conn *db, int64_t id, bool public_only);
/* The id of the unit with this code, 0 if there is none. */
int unit_id_by_code(int64_t *out, db_conn *db, const char *code);
/* The path of unit id (arena a). ERR_NOTFOUND. */
int unit_path(const char **out, db_conn *db, arena *a, int64_t id);
/* The same, and whether anyone may read the unit (public and active). */
int unit_path_open(const char **out, bool *open, db_conn *db, arena *a, int64_t id);
/* The unit named by code (when not NULL) or else by id: its id (0 when
 * there is none), path and code (arena a). */
int unit_find(int64_t *id, const char **path, const char **code_out, db_conn *db, arena *a, const char *code, int64_t by_id);

typedef struct unit_fields {
	const char *code;        /* NULL: none / unchanged; "" clears on update */
	const char *name;
	const char *kind;
	int64_t parent_id;       /* create: 0 for a root; update: 0 unchanged */
	int active;              /* -1 default/unchanged */
	int is_public;           /* -1 default/unchanged */
} unit_fields;

/* Creates a unit; the caller has checked ACT_UNIT_WRITE on the parent. */
int unit_create(int64_t *out_id, db_conn *db, const principal *who, const unit_fields *f);
/* Changes a unit, moving it (and its subtree) when parent_id differs;
 * the caller has checked ACT_UNIT_WRITE on the unit and the new parent.
 * ERR_INVALID for a move under itself or its descendant. */
int unit_update(db_conn *db, const principal *who, int64_t id, const unit_fields *f);

typedef struct unit_import_result {
	int created, updated, total;
	json_t *bad;             /* [{line, message}] when ERR_INVALID; caller decrefs */
} unit_import_result;

/* Imports CSV text (see nq57 unit --help) in one transaction: every row or
 * none. Each row's place must be within who's ACT_UNIT_WRITE reach
 * (ERR_FORBIDDEN naming the line). ERR_INVALID with r->bad listing every
 * bad row. */
int unit_import(unit_import_result *r, db_conn *db, const principal *who, const char *csv, size_t len);

/* CSV of the units (public ones only if public_only), header
 * code,name,kind,parent_code,active,public; malloc'd, caller frees. */
int unit_export(char **out, size_t *len, db_conn *db, bool public_only);

#endif
