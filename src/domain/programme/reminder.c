/* reminder: the daily deadline reminders (reminder.h). */
#include "domain/programme/reminder.h"
#include "domain/programme/task.h"
#include "util/err.h"
#include "util/smtp.h"
#include "util/str.h"
#include "util/time.h"

#include <stdlib.h>
#include <string.h>

/* The deadline that decides a task's status (its occurrence's, for a
 * recurring task); NULL when it has none. */
static const char *deciding_deadline(const json_t *t)
{
	const char *d = json_string_value(json_object_get(t, "period_deadline"));
	return d ? d : json_string_value(json_object_get(t, "deadline"));
}

/* By the task's status on the day, so that the bell and every count agree. */
static const char *kind_of(const json_t *t)
{
	const char *status = json_string_value(json_object_get(t, "status"));
	if (!status || !deciding_deadline(t))
		return NULL;
	return strcmp(status, "open_overdue") == 0 ? "overdue" : strcmp(status, "open_due_soon") == 0 ? "due_soon" : NULL;
}

int reminder_run(int *created, db_conn *db, date_ymd day)
{
	task_filter f = { 0 };
	json_t *list, *t;
	char iso[11];
	size_t i;
	int rc;
	*created = 0;
	date_format_iso(day, iso);
	if ((rc = task_list(&list, db, &f, day, 1000000, 0)) < 0)
		return rc;
	if ((rc = db_begin_write(db)) < 0) {
		json_decref(list);
		return rc;
	}
	json_array_foreach(json_object_get(list, "tasks"), i, t) {
		const char *kind = kind_of(t);
		if (!kind)
			continue;
		if ((rc = db_run(db, NULL,
			     "INSERT INTO reminder (day, unit_id, task_id, kind, deadline, title) VALUES (?, ?, ?, ?, ?, ?) "
			     "ON CONFLICT (day, unit_id, task_id) DO NOTHING", "tiitt" "t", iso,
			     (int64_t)json_integer_value(json_object_get(t, "lead_unit_id")),
			     (int64_t)json_integer_value(json_object_get(t, "id")), kind, deciding_deadline(t),
			     json_string_value(json_object_get(t, "title")))) < 0)
			break;
		*created += (int)db_changes(db);
	}
	json_decref(list);
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

#define REMINDER_SELECT \
	"SELECT r.day, u.code, u.name, r.task_id, t.code, r.title, r.kind, r.deadline, u.path FROM reminder r " \
	"JOIN unit u ON u.id = r.unit_id JOIN task t ON t.id = r.task_id " \
	"WHERE r.day = (SELECT MAX(day) FROM reminder) ORDER BY r.kind DESC, r.deadline, u.name, t.code"

int reminder_list(json_t **out, db_conn *db, const principal *who)
{
	db_stmt *s;
	int rc;
	json_t *list = json_array();
	const char *day = NULL;
	char day_buf[11] = "";
	if ((rc = db_prepare(&s, db, REMINDER_SELECT)) < 0) {
		json_decref(list);
		return rc;
	}
	bool all = authz_sees_all(who);
	while ((rc = db_step(s)) == DB_ROW) {
		bool mine = all;
		for (int g = 0; !mine && g < who->n_grants; g++)
			mine = authz_path_within(who->grants[g].unit_path, db_column_text(s, 8));
		if (!mine)
			continue;
		snprintf(day_buf, sizeof(day_buf), "%s", db_column_text(s, 0));
		day = day_buf;
		json_array_append_new(list, json_pack("{s:s?, s:s, s:I, s:s, s:s, s:s, s:s?}", "unit_code", db_column_text(s, 1),
			"unit_name", db_column_text(s, 2), "task_id", (json_int_t)db_column_int64(s, 3), "task_code",
			db_column_text(s, 4), "title", db_column_text(s, 5), "kind", db_column_text(s, 6), "deadline",
			db_column_text(s, 7)));
	}
	db_finalize(s);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:s?, s:o}", "day", day, "reminders", list);
	return 0;
}

/* ------------------------------------------------------------------ mail */

typedef struct unit_mail {
	int64_t unit_id;
	char *name;
	str body;
	int n;
} unit_mail;

/* "31/12/2025" */
static void vi_date(char out[11], const char *iso)
{
	date_ymd d;
	if (iso && date_parse(&d, iso, strlen(iso)) == 0)
		date_format_vi(d, out);
	else
		snprintf(out, 11, "–");
}

/* The addresses of the people granted a role on unit_id. */
static int recipients(char ***out, int *n, db_conn *db, int64_t unit_id)
{
	db_stmt *s;
	int rc, cap = 0;
	*out = NULL;
	*n = 0;
	if ((rc = db_prepare(&s, db, "SELECT DISTINCT p.email FROM role_grant g JOIN person p ON p.id = g.person_id "
				     "WHERE g.unit_id = ? AND p.email IS NOT NULL AND p.email <> '' AND p.active = 1 ORDER BY p.email")) < 0)
		return rc;
	db_bind_int64(s, 1, unit_id);
	while ((rc = db_step(s)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			char **grown = realloc(*out, (size_t)cap * sizeof(char *));
			if (!grown) {
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
			*out = grown;
		}
		(*out)[(*n)++] = strdup(db_column_text(s, 0));
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static void free_list(char **list, int n)
{
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* Claims the unit's unsent reminders of day (so that two senders never
 * both send them), mails them, and gives them back if the mail fails. */
static int mail_unit(int *sent, db_conn *db, const reminder_mail *mail, const char *day, unit_mail *u)
{
	char now[TIME_ISO_SIZE], **to;
	int n, rc;
	time_now_iso(now);
	if ((rc = db_run(db, NULL, "UPDATE reminder SET emailed_at = ? WHERE day = ? AND unit_id = ? AND emailed_at IS NULL", "tti",
		     now, day, u->unit_id)) < 0)
		return rc;
	if (db_changes(db) == 0)
		return 0;   /* another sender has them */
	if ((rc = recipients(&to, &n, db, u->unit_id)) < 0)
		return rc;
	if (n > 0) {
		char subject[300], when[11];
		vi_date(when, day);
		snprintf(subject, sizeof(subject), "[nq57] %s: %d nhiệm vụ sắp đến hạn hoặc quá hạn (%s)", u->name, u->n, when);
		if ((rc = smtp_send(mail->host, mail->port, mail->from, (const char *const *)to, n, subject, str_cstr(&u->body))) == 0)
			(*sent)++;
		else {
			char why[512];
			snprintf(why, sizeof(why), "%s", err_msg());
			db_run(db, NULL, "UPDATE reminder SET emailed_at = NULL WHERE day = ? AND unit_id = ? AND emailed_at = ?", "tit", day,
				u->unit_id, now);
			err_set(rc, "%s", why);
		}
	}
	free_list(to, n);
	return rc;
}

int reminder_send(int *sent, db_conn *db, const reminder_mail *mail, date_ymd day)
{
	db_stmt *s;
	char iso[11];
	int rc;
	*sent = 0;
	date_format_iso(day, iso);
	if ((rc = db_prepare(&s, db, "SELECT r.unit_id, u.name, t.code, r.title, r.kind, r.deadline FROM reminder r "
				     "JOIN unit u ON u.id = r.unit_id JOIN task t ON t.id = r.task_id "
				     "WHERE r.day = ? AND r.emailed_at IS NULL ORDER BY r.unit_id, r.kind DESC, r.deadline, t.code")) < 0)
		return rc;
	db_bind_text(s, 1, iso);
	/* collect per unit first: the mail goes out after the statement ends */
	unit_mail *units = NULL;
	int n = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t unit_id = db_column_int64(s, 0);
		if (n == 0 || units[n - 1].unit_id != unit_id) {
			unit_mail *grown = realloc(units, (size_t)(n + 1) * sizeof(*units));
			if (!grown) {
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
			units = grown;
			units[n] = (unit_mail){ .unit_id = unit_id, .name = strdup(db_column_text(s, 1)) };
			str_appendf(&units[n].body, "Kính gửi %s,\n\nTheo dõi thực hiện Nghị quyết 57-NQ/TW, ngày %s:\n\n",
				db_column_text(s, 1), iso);
			n++;
		}
		char when[11];
		vi_date(when, db_column_text(s, 5));
		unit_mail *m = &units[n - 1];
		str_appendf(&m->body, "- %s %s: %s (hạn %s)\n", strcmp(db_column_text(s, 4), "overdue") == 0 ? "[QUÁ HẠN]" : "[SẮP ĐẾN HẠN]",
			db_column_text(s, 2), db_column_text(s, 3), when);
		m->n++;
	}
	db_finalize(s);
	for (int i = 0; i < n; i++) {
		str_append(&units[i].body, "\nĐây là thư tự động của hệ thống nq57.\n");
		if (rc >= 0)
			rc = mail_unit(sent, db, mail, iso, &units[i]);
		free(units[i].name);
		str_free(&units[i].body);
	}
	free(units);
	return rc < 0 ? rc : 0;
}
