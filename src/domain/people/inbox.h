/* inbox: what each person should know about their units' work, derived
 * from the tables where it happened, at the moment the inbox is read:
 *   value_returned, value_approved   a value of a unit in the person's
 *                                    officer or administrator subtree was
 *                                    returned (with the reason) or approved;
 *   report_returned, report_approved a completion request or progress
 *                                    report of a task such a unit leads or
 *                                    supports was returned or approved;
 *   comment                          someone else commented on such a task;
 *   extension_decided                a deadline extension of such a task
 *                                    was approved or refused;
 *   task_due_soon, task_overdue      today's reminders (domain/reminder.h)
 *                                    for such a task;
 *   approvals_waiting                for the steering office: values and
 *                                    completion requests waiting in its
 *                                    subtree, as one item;
 *   market_match                     a listing of the technology market
 *                                    that one of the person's saved
 *                                    searches finds was published
 *                                    (domain/market/matching.h);
 *   market_published, market_returned,
 *   market_engagement                a listing the person owns was
 *                                    published or returned (with the
 *                                    reason), or someone expressed
 *                                    interest, proposed or asked on it
 *                                    (domain/market/notice.h).
 * Reviews, comments and decisions count for INBOX_WINDOW_DAYS days; what
 * the person did themselves is left out. Each item has a key that names
 * it for good ("value-returned:<value id>:<history id>"); only the read
 * marks and the mailed marks are stored (migration 0014). */
#ifndef NQ57_INBOX_H
#define NQ57_INBOX_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"
#include "domain/programme/reminder.h"

#define INBOX_WINDOW_DAYS 90
#define INBOX_MAIL_DAYS 7          /* older items are not mailed */
#define INBOX_KEYS_MAX 1000        /* keys one request may mark read */

/* Every item of who since `since` (ISO time; reminders and waiting
 * approvals are current whatever their age), newest first: a new array
 * owned by the caller. Each item is {key, kind, at, read (false), link,
 * unit {id, code, name}, reason?, by?, ...} with the fields of its kind
 * (indicator, period, value; task, report_kind, progress; text;
 * decision, proposed_deadline; deadline; values, reports, count). */
int inbox__collect(json_t **out, db_conn *db, const principal *who, const char *since);
/* The item keys that sql selects for a person (every '?' is the person's
 * id), as the keys of a new object *out. */
int inbox__key_set(json_t **out, db_conn *db, const char *sql, int64_t person_id);

/* {"items": [...], "unread", "total", "limit", "offset"} for who (signed
 * in), the read ones marked. */
int inbox_list(json_t **out, db_conn *db, const principal *who, int64_t limit, int64_t offset);

/* Marks read the items of who named in keys (a JSON array of strings;
 * keys that are not who's items are ignored), or all of them when keys is
 * NULL. Marking twice changes nothing. *marked counts the new marks and
 * *unread what stays unread. ERR_INVALID for a bad keys array. */
int inbox_mark_read(int *marked, int *unread, db_conn *db, const principal *who, const json_t *keys);

/* A short text that changes whenever an item may have appeared for
 * someone (a review, a comment, a decision, a reminder, a submission):
 * the mailer runs only when it has changed. */
#define INBOX_MARK_SIZE 200
int inbox_mark(char out[INBOX_MARK_SIZE], db_conn *db);

/* Mails every active person with an address the items of the last
 * INBOX_MAIL_DAYS days that are neither read nor mailed yet, one message
 * per person in Vietnamese. Reminders are left to reminder_send, which
 * mails them per unit. Each item is claimed in inbox_mail before the
 * message goes and given back if the relay refuses it. *sent counts the
 * messages. */
int inbox_send(int *sent, db_conn *db, const reminder_mail *mail);

#endif
