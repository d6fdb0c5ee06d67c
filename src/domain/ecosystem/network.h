/* network: networks of innovation centres (HiHUB), their members and the
 * shared resources members offer (spaces, labs, equipment, hosting,
 * services). Writes are one transaction each with their audit entry; the
 * *_insert functions run inside the caller's transaction (the demo loader). */
#ifndef NQ57_NETWORK_H
#define NQ57_NETWORK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"

/* -------------------------------------------------------------- networks */

/* Adds a network from {code, name, description?, coordinator_id?,
 * launched_on?, public?} inside the caller's write transaction. ERR_INVALID
 * naming the field, ERR_CONFLICT for a code taken. */
int network_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);
/* The same in a transaction of its own. */
int network_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);
/* Changes the fields given (code excepted). ERR_NOTFOUND. */
int network_update(db_conn *db, const principal *who, const char *code, const json_t *in);
/* The network, with its members and active resources when whole.
 * Non-public networks are ERR_NOTFOUND unless see_private. *out is owned
 * by the caller. */
int network_get(json_t **out, db_conn *db, const char *code, bool see_private, bool whole);
/* {"networks": [...], "total": N}: public networks, and the others with see_private. */
int network_list(json_t **out, db_conn *db, bool see_private);
/* The id of the network code (0 when absent or not public and !see_private). */
int network_id_of(int64_t *out, db_conn *db, const char *code, bool see_private);

/* Adds organisation {organisation_id, role?, joined_on?, left_on?} to the
 * network, or changes its membership when it is a member already. */
int network_member_put(db_conn *db, const principal *who, const char *code, const json_t *in);
/* Removes the organisation from the network. ERR_NOTFOUND. */
int network_member_remove(db_conn *db, const principal *who, const char *code, int64_t organisation_id);

/* ------------------------------------------------------------- resources */

/* Adds a resource from {organisation_id, network_code?, kind, name,
 * booking, capacity?, capacity_unit?, conditions?, price_model, price?,
 * opens?, closes?, description?, active?} inside the caller's transaction.
 * With a network, the organisation must be one of its members. */
int resource_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);
int resource_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);
int resource_update(db_conn *db, const principal *who, int64_t id, const json_t *in);
/* The resource; an inactive one is ERR_NOTFOUND unless see_inactive. */
int resource_get(json_t **out, db_conn *db, int64_t id, bool see_inactive);
/* The organisation offering resource id, or ERR_NOTFOUND. */
int resource_owner(int64_t *out_org, db_conn *db, int64_t id);

typedef struct resource_filter {
	const char *network;        /* network code, or NULL */
	int64_t organisation_id;    /* 0: any */
	const char *kind;           /* NULL: any */
	const char *q;              /* words of the name */
	bool see_inactive;
	bool see_private;           /* resources of non-public networks */
	int64_t limit, offset;
} resource_filter;

/* {"resources": [...], "total": N}. ERR_INVALID for an unknown kind. */
int resource_list(json_t **out, db_conn *db, const resource_filter *f);

/* Resources as CSV with the columns import reads (and the organisation's
 * name, which import ignores). *out is malloc'd. */
int resource_export(char **out, size_t *out_len, db_conn *db, const resource_filter *f);

typedef struct resource_import_result {
	int created, updated, total;
	json_t *bad;   /* [{line, message, template, params}], owned by the caller */
} resource_import_result;

/* Imports resources from CSV or an .xlsx workbook (util/table.h; a bad
 * row is named by its sheet row there): a row with an id changes that resource,
 * one without adds one. All or nothing: any bad row (every one named in
 * r->bad) is ERR_INVALID and nothing is saved; dry_run checks and saves
 * nothing. Rows of organisations who may not change are bad rows. */
int resource_import(resource_import_result *r, db_conn *db, const principal *who, const char *csv, size_t len,
	bool dry_run);

#endif
