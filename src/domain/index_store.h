/* index_store: composite index definitions kept in every version, and
 * runs of them kept with their input so each can be reproduced: over an
 * uploaded table, or over the programme's approved values for a period
 * and a set of units (say every phường/xã of the city), where each
 * indicator node names a programme indicator and its figure for a unit
 * is the live roll-up over the unit's subtree (domain/rollup.h). */
#ifndef NQ57_INDEX_STORE_H
#define NQ57_INDEX_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/authz.h"
#include "domain/rollup.h"

/* Checks the definition (index_spec_parse) and stores it as the next
 * version of its code. *out: {id, code, version, name}. */
int index_store_save(json_t **out, db_conn *db, const principal *who, const json_t *definition);
/* {"indices": [{code, version, name, created_at}]}: each code's newest version. */
int index_store_list(json_t **out, db_conn *db);
/* {id, code, version, name, created_at, definition, versions: [n...]};
 * version 0: the newest. ERR_NOTFOUND. */
int index_store_get(json_t **out, db_conn *db, const char *code, int version);

/* Runs the newest version of code over a CSV table. *out: the run. */
int index_run_table(json_t **out, db_conn *db, const principal *who, const char *code, const char *csv, size_t len);

/* Runs it over the programme: the units of kind `kind` (NULL: the direct
 * children) under unit_id (0: the only root), figures for period; each
 * unit's rank in the previous period of the same kind comes along when
 * that period has figures. */
int index_run_programme(json_t **out, rollup_cache *cache, db_conn *db, const principal *who, const char *code,
	const char *period, int64_t unit_id, const char *kind);

/* A run: {id, code, version, source, period, unit_id, status, error,
 * created_at, results}. ERR_NOTFOUND. */
int index_run_get(json_t **out, db_conn *db, int64_t id);
/* {"runs": [...]} of code, newest first, without results. */
int index_run_list(json_t **out, db_conn *db, const char *code);
/* The CSV a run was computed on (malloc'd). */
int index_run_input(char **out, db_conn *db, int64_t id);

#endif
