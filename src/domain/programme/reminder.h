/* reminder: the daily deadline reminders. For day D, each task whose
 * status on D (task_list, the one clock of every screen) is sắp đến hạn
 * or quá hạn leaves one reminder for its lead unit (due_soon or overdue); the same
 * task, unit and day never twice, so running again is harmless. People
 * see their units' reminders as notifications; where a mail server is
 * configured, each unit's people with an email address get one message
 * listing them. */
#ifndef NQ57_REMINDER_H
#define NQ57_REMINDER_H

#include <jansson.h>

#include "db/db.h"
#include "domain/people/authz.h"
#include "util/period.h"

/* Records the reminders of day; *created counts the new ones. */
int reminder_run(int *created, db_conn *db, date_ymd day);

/* The newest day's reminders for the units who reaches (all for those
 * who see everything): {"day", "reminders": [{unit_code, unit_name,
 * task_id, task_code, title, kind, deadline}]}. */
int reminder_list(json_t **out, db_conn *db, const principal *who);

typedef struct reminder_mail {
	const char *host;       /* the SMTP server: host name or address */
	int port;
	const char *from;       /* the sender's address */
} reminder_mail;

/* Sends the reminders of day not yet emailed, one message per unit to
 * the people granted a role on it who have an email address, and marks
 * them emailed. *sent counts the messages. */
int reminder_send(int *sent, db_conn *db, const reminder_mail *mail, date_ymd day);

#endif
