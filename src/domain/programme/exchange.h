/* exchange: indicator values in and out of other formats — our CSV
 * template (indicator_code, unit_code, period, value, note) and DHIS2's
 * dataValueSets with codes as identifiers. An import validates every row
 * first; with any problem nothing is saved and every problem is listed
 * with its row and column. */
#ifndef NQ57_EXCHANGE_H
#define NQ57_EXCHANGE_H

#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#include "db/db.h"
#include "domain/people/authz.h"
#include "util/csv.h"

enum { EX_INDICATOR, EX_UNIT, EX_PERIOD, EX_VALUE, EX_NOTE, EX_FIELDS };

typedef struct exchange_row {
	int row;                        /* file line (CSV) or array index (JSON) */
	const char *f[EX_FIELDS];       /* borrowed; NULL or "" when absent */
} exchange_row;

typedef struct exchange_result {
	int created, updated, ignored, total;
	int skipped;                    /* rows without a value (not reported), with skip_blank */
	json_t *rows;                   /* a dry run's rows as they would be saved (preview); caller decrefs */
	json_t *problems;               /* [{row, column, field, message}] on ERR_INVALID; caller decrefs */
} exchange_result;

/* Column names as the source calls them (for messages), and letters
 * ("A".."Z") where the source is a sheet, else NULL. */
typedef struct exchange_source {
	const char *names[EX_FIELDS];
	const char *letters[EX_FIELDS];
} exchange_source;

/* DHIS2's importStrategy: CREATE_AND_UPDATE (the default), CREATE (keys
 * that have a value are ignored), UPDATE (keys without one are ignored). */
typedef enum exchange_strategy { EX_CREATE_AND_UPDATE, EX_CREATE, EX_UPDATE } exchange_strategy;

typedef struct exchange_options {
	bool dry_run;                   /* check and count, save nothing */
	bool approved;                  /* save as approved (official figures loaded by the operator), not drafts */
	bool skip_blank;                /* a row without a value is not reported: skipped, not a problem */
	bool preview;                   /* a dry run lists its rows in the result's rows */
	exchange_strategy strategy;
	/* Called after each CSV row with how far the reader is into the text,
	 * so a caller that mapped a file can let go of the pages behind it;
	 * *released is the caller's own bookmark. NULL for none. */
	void (*release)(void *ctx, const char *text, size_t done, size_t *released);
	void *release_ctx;
} exchange_options;

/* A streaming import: begin, one call per row, end. Every row is checked
 * (who must be allowed to report for each unit; ERR_FORBIDDEN is reported
 * as a problem of the unit cell) and the good ones are staged inside one
 * write transaction; end saves them all as drafts, or nothing when any
 * row had a problem (ERR_INVALID with r->problems, row order, at most
 * 10,000 listed) or opt->dry_run. import_row fails only on a database
 * error; then call exchange_import_free. end frees the import. */
typedef struct exchange_import exchange_import;
int exchange_import_begin(exchange_import **out, db_conn *db, const principal *who, const exchange_source *src,
	const exchange_options *opt);
int exchange_import_row(exchange_import *im, const exchange_row *row);
int exchange_import_end(exchange_import *im, exchange_result *r);
void exchange_import_free(exchange_import *im);     /* rolls back; NULL is fine */

/* The above over an array of rows. */
int exchange_import_rows(exchange_result *r, db_conn *db, const principal *who, const exchange_row *rows, int n,
	const exchange_source *src, const exchange_options *opt);

/* Our template's header row: which column holds each field. ERR_INVALID
 * naming a missing column (note is optional). */
typedef struct exchange_columns {
	int col[EX_FIELDS];
	exchange_source src;
} exchange_columns;
int exchange_header(exchange_columns *cols, const csv_record *rec);
/* A data record as a row (pointing into rec). */
void exchange_record_row(exchange_row *row, const exchange_columns *cols, const csv_record *rec);

/* Imports our CSV template (a header row, then one value per row). */
int exchange_csv_import(exchange_result *r, db_conn *db, const principal *who, const char *csv, size_t len,
	const exchange_options *opt);

/* Imports the first sheet of an .xlsx laid out like our template (the
 * header row, within the sheet's first 12 rows below any title and note
 * lines, may use the codes or the Vietnamese or English titles, in any
 * order; other columns are ignored). */
int exchange_xlsx_import(exchange_result *r, db_conn *db, const principal *who, const void *data, size_t len,
	const exchange_options *opt);
/* True when data starts like a ZIP file (an .xlsx). */
bool exchange_is_xlsx(const void *data, size_t len);
/* How a sheet is written: in English rather than Vietnamese, the filter
 * in words (NULL: none) and the moment of the data (0: now). */
typedef struct exchange_sheet_meta {
	bool en;
	const char *filter;
	time_t at;
} exchange_sheet_meta;
/* The values of list ({"values": [...]}) as a sheet that imports back: a
 * title, the filter and the moment, then STT, the five fields, the
 * indicator's name and measure, the unit's name, the period in words, the
 * deadline (a date), the status in words and when it was last updated.
 * meta may be NULL. */
int exchange_xlsx_write(char **out, size_t *len, const json_t *list, const exchange_sheet_meta *meta);
/* What a unit reports for a period: the indicators its kind of unit
 * reports (report_kinds) that take values, with the unit's value, note,
 * status and deadline where there is one, last period's value and the
 * unit's target — {"unit", "period", "period_label"(_en),
 * "previous_period", "previous_label"(_en), "deadline", "values": [...]}
 * with values in value_list's shape. ERR_NOTFOUND for no such unit. */
int exchange_template(json_t **out, db_conn *db, int64_t unit_id, const char *period);
/* The template as the sheet a unit fills in: one sheet named by the
 * period, a title with the unit and the period in words, the indicator's
 * name, measure, last period's value and target beside the shaded value
 * cell (a decimal number only) and a note cell. */
int exchange_template_xlsx(char **out, size_t *len, const json_t *tpl, const exchange_sheet_meta *meta);

/* DHIS2's CSV form of dataValueSets (dataelement, period, orgunit,
 * catoptcombo, attroptcombo, value, storedby, lastupdated, comment,
 * followup, deleted), written whole; domain/dhis2.h reads it. */
int exchange_dhis2_csv_write(char **out, size_t *len, const json_t *list);

/* DHIS2 rows, borrowing from the JSON they were read from. */
typedef struct exchange_rows {
	exchange_row *rows;
	int n;
	exchange_source src;
} exchange_rows;
/* Reads DHIS2 {"dataValues": [{dataElement, period, orgUnit, value,
 * comment}], "period"?, "orgUnit"?} (borrowing from in). */
int exchange_dhis2_read(exchange_rows *out, const json_t *in);
void exchange_rows_free(exchange_rows *r);

/* Our CSV of the values in list ({"values": [...]} from value_list). */
int exchange_csv_write(char **out, size_t *len, const json_t *list);

#endif
