/* exchange: indicator values in and out of other formats — our CSV
 * template (indicator_code, unit_code, period, value, note) and DHIS2's
 * dataValueSets with codes as identifiers. An import validates every row
 * first; with any problem nothing is saved and every problem is listed
 * with its row and column. */
#ifndef NQ57_EXCHANGE_H
#define NQ57_EXCHANGE_H

#include <jansson.h>
#include <stdbool.h>

#include "db/db.h"
#include "domain/authz.h"

enum { EX_INDICATOR, EX_UNIT, EX_PERIOD, EX_VALUE, EX_NOTE, EX_FIELDS };

typedef struct exchange_row {
	int row;                        /* file line (CSV) or array index (JSON) */
	const char *f[EX_FIELDS];       /* borrowed; NULL or "" when absent */
} exchange_row;

typedef struct exchange_result {
	int created, updated, total;
	json_t *problems;               /* [{row, column, field, message}] on ERR_INVALID; caller decrefs */
} exchange_result;

/* Column names as the source calls them (for messages), and letters
 * ("A".."E") where the source is a sheet, else NULL. */
typedef struct exchange_source {
	const char *names[EX_FIELDS];
	const char *letters[EX_FIELDS];
} exchange_source;

/* Validates all rows (who must be allowed to report for each unit), then
 * saves them as drafts in one transaction unless dry_run. ERR_INVALID with
 * r->problems; ERR_FORBIDDEN is reported as a problem of the unit cell. */
int exchange_import(exchange_result *r, db_conn *db, const principal *who, const exchange_row *rows, int n,
	const exchange_source *src, bool dry_run);

/* Reads our CSV into rows (pointing into *keep, which the caller frees
 * with exchange_rows_free). ERR_INVALID for a missing column. */
typedef struct exchange_rows {
	exchange_row *rows;
	int n;
	char *text;
	exchange_source src;
} exchange_rows;
int exchange_csv_read(exchange_rows *out, const char *csv, size_t len);
/* Reads DHIS2 {"dataValues": [{dataElement, period, orgUnit, value,
 * comment}], "period"?, "orgUnit"?} (borrowing from in). */
int exchange_dhis2_read(exchange_rows *out, const json_t *in);
void exchange_rows_free(exchange_rows *r);

/* Our CSV of the values in list ({"values": [...]} from value_list). */
int exchange_csv_write(char **out, size_t *len, const json_t *list);
/* DHIS2 {"dataValues": [...]} of the same. */
json_t *exchange_dhis2_write(const json_t *list);

#endif
