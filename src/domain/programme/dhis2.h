/* dhis2: indicator values as DHIS2's dataValueSets resource reads and
 * takes them — its query parameters (data set, data elements, org units
 * and their subtree, periods, dates, identifier schemes), its import
 * options (strategy including DELETE, dry run, atomic mode) and the
 * import summary it answers with. Rows are checked and saved by
 * domain/exchange.c; this module picks rows and says what happened. */
#ifndef NQ57_DHIS2_H
#define NQ57_DHIS2_H

#include <jansson.h>
#include <stdbool.h>

#include "db/db.h"
#include "domain/people/authz.h"
#include "domain/programme/exchange.h"
#include "util/arena.h"

/* Which property names a data element or org unit: its code (our
 * default), its id (DHIS2's UID or ID) or its name. */
typedef enum dhis2_scheme { DHIS2_CODE, DHIS2_UID, DHIS2_NAME } dhis2_scheme;

/* Reads "CODE", "UID", "ID" or "NAME" (any case) into *out; NULL or ""
 * keeps *out. ERR_INVALID naming param otherwise. */
int dhis2_scheme_parse(dhis2_scheme *out, const char *text, const char *param);

typedef struct dhis2_query {
	const char **data_sets;         /* document numbers or objective codes */
	int n_data_sets;
	const char **data_elements;
	int n_data_elements;
	const char **org_units;
	int n_org_units;
	bool children;                  /* the org units' whole subtrees */
	const char **periods;           /* any code period_parse reads */
	int n_periods;
	const char *start_date, *end_date;   /* YYYY-MM-DD: periods lying within */
	const char *last_updated;       /* values changed at or after (ISO date or time) */
	const char *status;             /* ours: draft, submitted, approved, returned */
	dhis2_scheme de_scheme, ou_scheme;
	const principal *who;           /* what it may read, as GET /api/v1/values */
} dhis2_query;

/* The values matching q that q->who may read, in value_list's shape
 * {"values": [...]} (indicator_code and unit_code hold the identifiers of
 * q's schemes; storedBy holds the login of the last change). ERR_INVALID
 * naming an unknown data set, data element or org unit, a bad period or
 * date. */
int dhis2_values(json_t **out, db_conn *db, const dhis2_query *q);

/* DHIS2's JSON for such a list: {"dataValues": [{dataElement, period,
 * orgUnit, value, storedBy, lastUpdated, comment, followup, status}]}. */
json_t *dhis2_value_set(const json_t *list);

/* Reads DHIS2's CSV (a header naming dataelement, period, orgunit, value
 * and optionally comment, in any order and case; other columns ignored)
 * into rows whose text lives in a. ERR_INVALID for a missing column. */
int dhis2_csv_rows(exchange_rows *out, arena *a, const char *csv, size_t len);

typedef struct dhis2_import_options {
	exchange_options ex;            /* dry_run, strategy */
	bool delete;                    /* importStrategy=DELETE: drafts only */
	bool atomic_none;               /* atomicMode=NONE: save the good rows */
	dhis2_scheme de_scheme, ou_scheme;
} dhis2_import_options;

typedef struct dhis2_summary {
	int imported, updated, ignored, deleted;
	bool error;                     /* nothing was saved because of conflicts (atomicMode ALL) */
	json_t *conflicts;              /* [{object, value, errorCode, property, indexes, row, template, params}]; caller decrefs */
} dhis2_summary;

/* Imports (or deletes) rows as DHIS2 would: a row that cannot be saved is
 * a conflict; with atomicMode ALL one conflict saves nothing, with NONE
 * the other rows are saved. Rows' identifiers are read in the options'
 * schemes (rows are rewritten to codes, in a). Returns 0 with the summary
 * filled, or a negative code for a failure that is no row's fault. */
int dhis2_import(dhis2_summary *out, db_conn *db, arena *a, const principal *who, exchange_rows *rows,
	const dhis2_import_options *opt);

#endif
