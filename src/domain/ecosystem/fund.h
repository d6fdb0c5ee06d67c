/* fund: the money side of the registry. Funds and alliances of funds
 * (members with the capital each committed; committed and disbursed
 * totals), investments (a fund or an investor into a start-up), support
 * programmes with their recipients (who got what, since when) and
 * commercialisation projects. Amounts are in VND. Every write appends its
 * audit entry in the same transaction; the *_insert functions run inside
 * the caller's open write transaction (the demo loader), the others in
 * their own. */
#ifndef NQ57_FUND_H
#define NQ57_FUND_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"

/* ----------------------------------------------------------------- funds */

/* {code, name, kind (fund, alliance), organisation_id?, launched_on?,
 * committed_vnd?, disbursed_vnd?, description?, members?:
 * [{organisation_id, committed_vnd?, joined_on?}], demo?}. ERR_INVALID
 * naming the field, ERR_CONFLICT for a code in use. */
int fund_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);
int fund_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);
/* Changes any field but the code; members given replace the members. */
int fund_update(db_conn *db, const principal *who, int64_t id, const json_t *in);
int fund_id_by_code(int64_t *out, db_conn *db, const char *code);
/* A fund with "members" [{organisation_id, name, kind, committed_vnd,
 * joined_on}] and totals: "members_committed_vnd" (the members' sum),
 * "invested_vnd" (its investments' sum) and "disbursed_vnd" (as recorded,
 * else the investments' sum); with details its "investments". A public
 * view leaves out each member's amount. ERR_NOTFOUND. */
int fund_get(json_t **out, db_conn *db, int64_t id, bool details, bool public_view);
/* {"funds": [...], "total"}: fund_get of each, without investments. */
int fund_list(json_t **out, db_conn *db, const char *q, const char *kind, bool public_view, int64_t limit, int64_t offset);

/* ----------------------------------------------------------- investments */

/* {startup_id, amount_vnd, invested_on, fund_id? | fund_code?,
 * investor_id?, round?, instrument?, note?, demo?}: a fund or an investor
 * (or both) into a start-up. */
int investment_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);
int investment_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);
int investment_get(json_t **out, db_conn *db, int64_t id);
typedef struct investment_filter {
	int64_t fund_id, startup_id, investor_id;
	const char *from, *to;   /* invested_on, inclusive, YYYY-MM-DD */
} investment_filter;
/* {"investments": [...], "total", "amount_vnd"} newest first. */
int investment_list(json_t **out, db_conn *db, const investment_filter *f, int64_t limit, int64_t offset);

/* CSV: fund_code, investor, startup, amount_vnd, invested_on, round,
 * instrument, note (investor and startup: an organisation's id or name).
 * Every row is a new investment; every bad row is named in r->bad and
 * nothing is saved if any is; dry_run saves nothing. The import also takes
 * an .xlsx workbook of these columns (lines are then its sheet rows). */
typedef struct investment_import_result {
	int created, total;
	json_t *bad;   /* owned by the caller */
} investment_import_result;
int investment_import(investment_import_result *r, db_conn *db, const principal *who, const char *csv, size_t len,
	bool dry_run);
int investment_export(char **out, size_t *len, db_conn *db);

/* ---------------------------------------------------- support programmes */

/* {code, name, provider_id?, network_id?, description?, starts_on?,
 * ends_on?, recipients?: [{organisation_id, support?, since?}], demo?} */
int support_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);
int support_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);
int support_id_by_code(int64_t *out, db_conn *db, const char *code);
/* A programme with its provider, network and "recipients". ERR_NOTFOUND. */
int support_get(json_t **out, db_conn *db, int64_t id);
/* {"support_programmes": [...], "total"}, each with "n_recipients". */
int support_list(json_t **out, db_conn *db, int64_t limit, int64_t offset);
/* Adds a recipient {organisation_id, support?, since?}; ERR_CONFLICT when
 * the organisation is one already. */
int support_recipient_add(db_conn *db, const principal *who, int64_t id, const json_t *in);

/* ------------------------------------------------------ commercialisation */

/* {title, organisation_id?, partner_id?, announced_on?, status?
 * (announced, in_progress, on_market, stopped), value_vnd?, description?,
 * demo?} */
int commercialisation_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);
int commercialisation_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);
int commercialisation_get(json_t **out, db_conn *db, int64_t id);
/* {"commercialisations": [...], "total"} newest announced first. */
int commercialisation_list(json_t **out, db_conn *db, const char *status, int64_t limit, int64_t offset);

#endif
