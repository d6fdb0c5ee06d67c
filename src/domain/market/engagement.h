/* engagement: what happens around a published listing — a firm's interest
 * in an offer, an expert's proposal on a problem, a question to an expert
 * (a structured message whose sender's contact reaches the owners only
 * with consent), IN-PART-style feedback on offers, the deals recorded —
 * what owners see of it, and the operator's statistics of the market. */
#ifndef NQ57_ENGAGEMENT_H
#define NQ57_ENGAGEMENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"

/* "too_early", "benefit_unclear", "route_to_market_unclear",
 * "description_unclear", "other"; NULL-terminated. */
extern const char *const feedback_reasons[];

/* Sends an engagement on published listing id from JSON {message,
 * purpose?, organisation_id? (one the sender edits), contact_shared?,
 * contact_name?, contact_email?, contact_phone?}: its kind follows the
 * listing's (interest in an offer, proposal on a problem, question to an
 * expert). With contact_shared the contact given (else the sender's name
 * and e-mail) is kept for the owners; without it nothing of the person is.
 * Signed-in people who do not own the listing (ERR_UNAUTHORIZED,
 * ERR_FORBIDDEN); ERR_NOTFOUND when the listing is not published,
 * ERR_CONFLICT when it has expired. Audited. */
int engagement_create(int64_t *out_id, db_conn *db, const principal *who, int64_t id, const json_t *in);

/* The owners' panel of listing id: {"views": {total, days: [{day, n}]
 * (the last 30)}, "engagements": [{id, kind, message, purpose,
 * organisation {id, name} | null, contact_shared, contact {name, email,
 * phone} | null, status, created_at}], "feedback": {counts {reason: n},
 * items [{id, reasons, text, organisation, created_at}]}, "deals": [...]}
 * for owners and the operator (ERR_FORBIDDEN, ERR_UNAUTHORIZED). */
int engagement_panel(json_t **out, db_conn *db, const principal *who, int64_t id);

/* Marks engagement eid of listing id read, accepted or declined: owners
 * and the operator. Audited. */
int engagement_answer(db_conn *db, const principal *who, int64_t id, int64_t eid, const char *status);

/* {"engagements": [...]}: what who has sent, newest first, each with the
 * listing {id, kind, title}. */
int engagement_mine(json_t **out, db_conn *db, const principal *who);

/* Feedback on published offer id from JSON {reasons: [codes], text?
 * (required with "other"), organisation_id?}: signed-in people who do not
 * own it. Audited. */
int feedback_create(int64_t *out_id, db_conn *db, const principal *who, int64_t id, const json_t *in);

/* Records a deal on listing id from JSON {partner_id? | partner_name,
 * transfer_type?, value_vnd?, signed_on, note?, engagement_id?}: owners
 * and the operator. Audited. */
int deal_create(int64_t *out_id, db_conn *db, const principal *who, int64_t id, const json_t *in);

/* The operator's statistics: {"by_kind", "by_status", "by_sector",
 * "by_trl": {key: n} over every listing but withdrawn ones (by_status
 * over all, a published listing past its expiry counted as "expired"), "published": {by_kind, by_sector, by_trl} over the
 * published listings not expired (those the search shows), "engagements": n, "views": n, "first_contact_days":
 * {median, listings} (days from publication to the first engagement of
 * each published listing that has one; median null without any),
 * "deals": {count, value_vnd}}. */
int market_stats(json_t **out, db_conn *db);

/* The statistics as an .xlsx workbook (malloc'd *out, the caller frees):
 * a sheet per table (by kind, status, sector and TRL, each count beside
 * the published listings the search shows) and one of engagement and
 * deals, in Vietnamese or (en) English. */
int market_stats_xlsx(char **out, size_t *len, db_conn *db, bool en);

#endif
