/* organisation_internal: what organisation.c shares with
 * organisation_exchange.c, and nothing else includes: the validated,
 * normalised fields of one organisation and their writing. */
#ifndef NQ57_ORGANISATION_INTERNAL_H
#define NQ57_ORGANISATION_INTERNAL_H

#include "domain/ecosystem/organisation.h"

/* The fields in the order of the CSV columns. */
enum {
	ORG_F_KIND, ORG_F_NAME, ORG_F_SHORT_NAME, ORG_F_ALIASES, ORG_F_TAX_CODE, ORG_F_ROR, ORG_F_OPENALEX,
	ORG_F_UNIT, ORG_F_ADDRESS, ORG_F_LAT, ORG_F_LON, ORG_F_SECTORS, ORG_F_SIZE, ORG_F_EMPLOYEES,
	ORG_F_FOUNDED_ON, ORG_F_STATUS, ORG_F_ENDED_ON, ORG_F_WEBSITE, ORG_F_EMAIL, ORG_F_PHONE, ORG_F_DESCRIPTION,
	ORG_F_PUBLISHED, ORG_F_PEOPLE, ORG_F_DEMO, ORG_F_COUNT
};

/* A field's JSON name ("unit_id" for ORG_F_UNIT). */
const char *organisation__field_name(int field);

typedef struct organisation__fields {
	bool has[ORG_F_COUNT];       /* present in the input */
	bool null[ORG_F_COUNT];      /* present as null (cleared) */
	char *text[ORG_F_COUNT];     /* text fields, normalised; sectors "a,b" */
	double num[ORG_F_COUNT];     /* lat, lon */
	int64_t integer[ORG_F_COUNT];   /* unit id, employees, published, demo */
	char *folded;                /* vn_fold of the name */
	json_t *aliases;             /* array of strings */
	json_t *people;              /* array of {name, role, email, phone} */
} organisation__fields;

/* Reads and checks the fields of `in` (unit_code resolved to its id). On
 * ERR_INVALID *bad_field (may be NULL) is the field at fault (ORG_F_*),
 * else -1. The caller frees f with organisation__fields_free, also after a
 * failure. */
int organisation__fields_read(organisation__fields *f, int *bad_field, db_conn *db, const json_t *in, bool creating);
void organisation__fields_free(organisation__fields *f);
/* ERR_CONFLICT when another organisation that is not merged (not id) has
 * one of f's identifiers; *bad_field as above. */
int organisation__fields_unique(int *bad_field, db_conn *db, int64_t id, const organisation__fields *f);
/* Whether writing f over organisation id would change anything. */
int organisation__fields_differ(bool *out, db_conn *db, int64_t id, const organisation__fields *f);
/* Adds (insert) or changes (apply) an organisation inside the caller's
 * open write transaction, audited; f was read with creating true for an
 * insert. */
int organisation__fields_insert(int64_t *out_id, db_conn *db, const principal *who, const organisation__fields *f);
int organisation__fields_apply(db_conn *db, const principal *who, int64_t id, const organisation__fields *f);

/* Marks that the organisations changed (organisation_generation), inside
 * the caller's write transaction: the search index reads them again. */
int organisation__changed(db_conn *db);
/* The whole record of organisation id (contacts included), for audit
 * entries and comparisons. */
int organisation__record(json_t **out, db_conn *db, int64_t id);
/* A copy of s without surrounding white space (the caller frees it). */
char *organisation__trimmed(const char *s);
/* A column's text as JSON (null for NULL); "a,b" as ["a", "b"]. */
json_t *organisation__text_or_null(db_stmt *s, int i);
json_t *organisation__sector_list(const char *codes);

#endif
