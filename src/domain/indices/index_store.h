/* index_store: composite index definitions kept in every version, and
 * runs of them kept with their input so each can be reproduced: over an
 * uploaded table, or over the programme's approved values for a period
 * and a set of units (say every phường/xã of the city), where each
 * indicator node names a programme indicator and its figure for a unit
 * is the live roll-up over the unit's subtree (domain/rollup.h). */
#ifndef NQ57_INDEX_STORE_H
#define NQ57_INDEX_STORE_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"
#include "domain/dashboards/rollup.h"

/* Checks the definition (index_spec_parse) and stores it as the next
 * version of its code. *out: {id, code, version, name}. */
int index_store_save(json_t **out, db_conn *db, const principal *who, const json_t *definition);
/* {"indices": [{code, version, name, created_at}]}: each code's newest version. */
int index_store_list(json_t **out, db_conn *db);
/* {id, code, version, name, created_at, definition, versions: [n...]};
 * version 0: the newest. ERR_NOTFOUND. */
int index_store_get(json_t **out, db_conn *db, const char *code, int version);

/* Runs are computed by the server's background worker, never in the
 * request that asks for them: the request checks what it is given and
 * queues the run (status queued -> running -> done, failed or cancelled,
 * with progress in percent). A person has at most INDEX_RUN_MAX_ACTIVE
 * runs queued or running; one more is ERR_TOOMANY. */
#define INDEX_RUN_MAX_BYTES (16 * 1024 * 1024)   /* an uploaded table; and INDEX_TABLE_MAX_UNITS rows */
#define INDEX_RUN_MAX_ACTIVE 2

/* Queues the newest version of code over a CSV table, read and checked
 * first (index_table_read: every cell, the columns, at most
 * INDEX_TABLE_MAX_UNITS units): ERR_INVALID naming the culprit,
 * ERR_TOOLARGE past the limits, ERR_TOOMANY past the quota; nothing is
 * kept then. *out_id: the queued run. */
int index_run_table(int64_t *out_id, db_conn *db, const principal *who, const char *code, const char *csv, size_t len);

/* Queues it over the programme: the units of kind `kind` (NULL: the
 * direct children) under unit_id (0: the only root), figures for period
 * as the live roll-ups give them now (kept as the run's input); each
 * unit's rank in the previous period of the same kind comes along when
 * that period has figures. */
int index_run_programme(int64_t *out_id, rollup_cache *cache, db_conn *db, const principal *who, const char *code,
	const char *period, int64_t unit_id, const char *kind);

/* Cancels a queued or running run that who started: ERR_NOTFOUND,
 * ERR_FORBIDDEN for someone else's, ERR_CONFLICT for one that finished. */
int index_run_cancel(db_conn *db, const principal *who, int64_t id);

/* Computes the oldest queued run, or one whose server stopped before it
 * finished (its lease lapsed; job_lease.h), if any (*ran tells), updating
 * its progress; a run that fails is marked failed with the error, one
 * cancelled meanwhile keeps no result, one stopped by *cancel (the server
 * stopping) goes back to the queue. Only a database failure is returned. */
int index_run_run_next(bool *ran, db_conn *db, const atomic_bool *cancel);

/* A run: {id, code, version, source, period, unit_id, unit_kind, status,
 * progress, error (a failed run's message), error_detail (the same as
 * {template, params}), created_at, finished_at, created_by, data_seq,
 * results (null until done)}. ERR_NOTFOUND. */
int index_run_get(json_t **out, db_conn *db, int64_t id);
/* {"runs": [...]} of code, newest first, without results. */
int index_run_list(json_t **out, db_conn *db, const char *code);
/* The CSV a run was computed on (malloc'd). */
int index_run_input(char **out, db_conn *db, int64_t id);

#endif
