/* agreement_internal: what agreement.c (the records) shares with
 * agreement_exchange.c (CSV and workbook import, CSV export); included by
 * those two files only. */
#ifndef NQ57_AGREEMENT_INTERNAL_H
#define NQ57_AGREEMENT_INTERNAL_H

#include "domain/ecosystem/agreement.h"

typedef struct agreement_fields {
	const char *code, *kind, *title, *signed_on, *ends_on, *status, *description;
	const json_t *focus, *parties;
	int demo, has_demo;
} agreement_fields;

/* Reads and checks an agreement's fields from JSON (creating: code, kind
 * and title are required). Strings are borrowed from in. ERR_INVALID. */
int agreement__read_fields(agreement_fields *f, const json_t *in, bool creating);
/* 0 when organisation id exists (not merged), else ERR_INVALID naming field. */
int agreement__organisation_exists(db_conn *db, int64_t id, const char *field);
/* Changes agreement id inside the caller's write transaction, audited. */
int agreement__update_in(db_conn *db, const principal *who, int64_t id, const agreement_fields *f);

#endif
