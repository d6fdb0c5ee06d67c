/* stmap/indicators: the in-memory copy of the works that indicators.c
 * computes from, read by indicators_load.c. Private to those two files. */
#ifndef NQ57_STMAP_INDICATORS_INTERNAL_H
#define NQ57_STMAP_INDICATORS_INTERNAL_H

#include "analytics/bibliometrics.h"
#include "db/db.h"
#include "util/arena.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct ind_org {
	int64_t id;
	const char *name, *short_name, *kind, *sectors;
	int32_t commune;      /* index in units, -1 without one */
	bool published;
	double lat, lon;
} ind_org;

typedef struct ind_unit {
	int64_t id;
	const char *code, *name, *path;
} ind_unit;

typedef struct ind_snapshot {
	int refs;
	char key[160];             /* what the freshness query answered */
	biblio_input in;           /* pubs and affils below; orgs as organisations */
	biblio_pub *pubs;
	biblio_affil *affils;
	int64_t *work_ids;
	ind_org *orgs;             /* by id */
	ind_unit *units;           /* by id */
	int32_t n_units;
	const char **field_ids, **field_names;
	int32_t n_fields;
	int year_min, year_max;    /* of the counted works; 0 without any */
	size_t n_counted;
	biblio_pubstat *st[2];     /* per counting */
	arena mem;
} ind_snapshot;

/* The current snapshot, read again when the outputs or the organisations
 * changed; released with ind_snapshot_release. */
int ind_snapshot_acquire(ind_snapshot **out, db_conn *db);
void ind_snapshot_release(ind_snapshot *snap);

/* A snapshot read now and owned by the caller (ind_snapshot_free): for
 * the benchmark, which times the reading. */
int ind_snapshot_load(ind_snapshot **out, db_conn *db);
void ind_snapshot_free(ind_snapshot *snap);

/* The index of organisation id, or -1. */
int32_t ind_org_index(const ind_snapshot *snap, int64_t id);

#endif
