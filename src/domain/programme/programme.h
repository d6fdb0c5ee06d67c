/* programme: loading a whole programme — documents, indicators, tasks —
 * from one JSON file in one transaction (the demo, or a province's plan
 * prepared by its steering office):
 *   {"documents": [...], "indicators": [...], "tasks": [...]}
 * each item in the shape the API's POST takes. */
#ifndef NQ57_PROGRAMME_H
#define NQ57_PROGRAMME_H

#include <jansson.h>

#include "db/db.h"
#include "domain/people/authz.h"

typedef struct programme_counts {
	int documents, indicators, tasks;
} programme_counts;

/* All or nothing: the first bad item is named ("tasks[12]: ...") and
 * nothing is saved. */
int programme_load(programme_counts *out, db_conn *db, const principal *who, const json_t *in);

#endif
