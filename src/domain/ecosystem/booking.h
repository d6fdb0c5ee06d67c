/* booking: requests and bookings of shared resources, their calendar and
 * the monthly usage report of a network. A request holds its hours (slot
 * resources: one booking_slot row per hour) or its days (period
 * resources: one row per day in the first free place) in the transaction
 * that records it, so the primary key of booking_slot decides which of two
 * requests for the same time wins. Refusal and cancellation free them. */
#ifndef NQ57_BOOKING_H
#define NQ57_BOOKING_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"

/* At most this many hours in one request of a slot resource, days of a
 * period resource, and days ahead a request may start. */
#define BOOKING_MAX_HOURS 8
#define BOOKING_MAX_DAYS 366
#define BOOKING_MAX_AHEAD_DAYS 366

/* Requests resource_id for {requester_name, contact_name, contact_email?,
 * contact_phone? (one of them), sector?, purpose?, organisation_id?} and
 * {day, from, to} ("2026-11-20", "09:00", "11:00": whole hours within the
 * opening hours, not in the past) for a slot resource or {first_day,
 * last_day} for a period resource. who may be anonymous (the public form).
 * ERR_CONFLICT when the time is taken, ERR_NOTFOUND for a resource that
 * is not offered, ERR_INVALID naming the field. */
int booking_request(int64_t *out_id, db_conn *db, const principal *who, int64_t resource_id, const json_t *in);
/* The same inside the caller's transaction, for loaders: the time may be
 * in the past and {status, used_hours} may be given. */
int booking_insert(int64_t *out_id, db_conn *db, const principal *who, int64_t resource_id, const json_t *in);

/* The booking with its resource. */
int booking_get(json_t **out, db_conn *db, int64_t id);

typedef enum booking_decision { BOOKING_APPROVE, BOOKING_REFUSE, BOOKING_CANCEL } booking_decision;
/* Approves or refuses a request, or cancels a request or an approved
 * booking. The provider (authz_edits_organisation of the resource's
 * organisation) decides; the person who requested may cancel. A refusal
 * needs a reason. ERR_FORBIDDEN, ERR_CONFLICT when the status does not
 * allow it. */
int booking_decide(db_conn *db, const principal *who, int64_t id, booking_decision d, const char *reason);
/* Records {used_hours?} of an approved (or used) booking: it becomes
 * 'used'. Slot bookings default to the hours booked. */
int booking_record_usage(db_conn *db, const principal *who, int64_t id, const json_t *in);

typedef struct booking_filter {
	const char *status;        /* NULL: any */
	int64_t resource_id;       /* 0: any */
	const char *network;       /* network code or NULL */
	int64_t limit, offset;
} booking_filter;

/* {"bookings": [...], "total": N}: the requests for resources who
 * provides (all for the registry's writers), newest first. */
int booking_list(json_t **out, db_conn *db, const principal *who, const booking_filter *f);

/* A resource's calendar between the days from and to (inclusive, at most
 * 62 days): "busy" intervals without names and, for the provider,
 * "bookings" with everything. */
int booking_calendar(json_t **out, db_conn *db, int64_t resource_id, const char *from, const char *to, bool provider);

/* The usage of a network's resources in month "YYYY-MM", per member
 * organisation: hours used, bookings used, distinct firms served, hours
 * and firms by sector, and the network's totals. */
int booking_usage_report(json_t **out, db_conn *db, const char *network_code, const char *month, bool see_private);

#endif
