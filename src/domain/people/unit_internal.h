/* unit_internal: what unit.c and unit_import.c share; not for other
 * modules (unit.h is the interface). */
#ifndef NQ57_UNIT_INTERNAL_H
#define NQ57_UNIT_INTERNAL_H

#include "domain/people/unit.h"

/* A unit's place in the tree. */
typedef struct unit_ref {
	int64_t id;
	char path[300];
	int depth;
} unit_ref;

/* name in NFC with current tone placement, trimmed, into *out (malloc'd);
 * ERR_INVALID if empty or too long. */
int unit_clean_name(char **out, const char *name);
/* ERR_INVALID unless code is a valid unit code. */
int unit_check_code(const char *code);
/* The unit with that id or code; out->id 0 when there is none. */
int unit_ref_by_id(unit_ref *out, db_conn *db, int64_t id);
int unit_ref_by_code(unit_ref *out, db_conn *db, const char *code);
/* Inserts unit f named name under parent (NULL: a root), its path and
 * the opening of its parent history; a code in use is ERR_CONFLICT. */
int unit_insert(int64_t *out, db_conn *db, const unit_fields *f, const char *name, const unit_ref *parent,
	const char *now);
/* Moves u and its subtree under new_parent (NULL: make it a root),
 * keeping the parent history. */
int unit_move(db_conn *db, const unit_ref *u, const unit_ref *new_parent, const char *now);
/* The id of unit id's parent, 0 for a root. */
int unit_current_parent(int64_t *out, db_conn *db, int64_t id);
/* Applies f (named name) to unit id inside the caller's transaction; *moved when it changed parent. */
int unit_update_in_tx(db_conn *db, int64_t id, const unit_fields *f, const char *name, const char *now, bool *moved);

#endif
