/* inbox_mail: each person's new inbox items by e-mail, once per item
 * (inbox.h). */
#include "domain/people/inbox.h"
#include "domain/people/session.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/period.h"
#include "util/smtp.h"
#include "util/str.h"
#include "util/time.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_SHOWN 300   /* bytes of a comment quoted in a message */

/* The largest id (or a count) of each source: a new review, comment,
 * decision, reminder or submission changes one of them. */
int inbox_mark(char out[INBOX_MARK_SIZE], db_conn *db)
{
	static const char *const parts[] = {
		"SELECT COALESCE(MAX(id), 0) FROM indicator_value_history",
		"SELECT COALESCE(MAX(id), 0) FROM task_report",
		"SELECT COUNT(*) FROM task_report WHERE status IN ('returned', 'approved')",
		"SELECT COALESCE(MAX(id), 0) FROM reminder",
		"SELECT COALESCE(MAX(id), 0) FROM task_comment",
		"SELECT COUNT(*) FROM task_extension WHERE status IN ('approved', 'refused')",
		"SELECT n FROM listing_generation WHERE id = 1",
		"SELECT COALESCE(MAX(id), 0) FROM saved_search",
		"SELECT COALESCE(MAX(id), 0) FROM listing_review",
		"SELECT COALESCE(MAX(id), 0) FROM engagement",
	};
	str s = STR_INIT;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof(parts) / sizeof(parts[0]); i++) {
		int64_t v = 0;
		if ((rc = db_run(db, &v, parts[i], "")) == 0)
			str_appendf(&s, "%lld/", (long long)v);
	}
	snprintf(out, INBOX_MARK_SIZE, "%s", rc < 0 || str_oom(&s) ? "" : str_cstr(&s));
	str_free(&s);
	return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------ the message */

static const char *field(const json_t *item, const char *name)
{
	const char *v = json_string_value(json_object_get(item, name));
	return v ? v : "";
}

static const char *sub(const json_t *item, const char *obj, const char *name)
{
	const char *v = json_string_value(json_object_get(json_object_get(item, obj), name));
	return v ? v : "";
}

/* "31/12/2025" from "2025-12-31"; the text itself if it is no date. */
static void vi_date(char out[11], const char *iso)
{
	date_ymd d;
	if (date_parse(&d, iso, strlen(iso)) == 0)
		date_format_vi(d, out);
	else
		snprintf(out, 11, "%s", iso);
}

/* text, cut at TEXT_SHOWN bytes on a character boundary. */
static void append_quoted(str *s, const char *text)
{
	size_t n = strlen(text);
	if (n <= TEXT_SHOWN) {
		str_append(s, text);
		return;
	}
	n = TEXT_SHOWN;
	while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
		n--;
	str_appendn(s, text, n);
	str_append(s, "…");
}

/* One line of the message, in Vietnamese. */
static void append_item(str *s, const json_t *item)
{
	const char *kind = field(item, "kind"), *reason = field(item, "reason");
	char when[11];
	if (strncmp(kind, "value_", 6) == 0) {
		bool returned = strcmp(kind, "value_returned") == 0;
		const char *period = sub(item, "period", "vi");
		str_appendf(s, "- [%s] Số liệu %s – %s, %s, %s", returned ? "BỊ TRẢ LẠI" : "ĐÃ DUYỆT", sub(item, "indicator", "code"),
			sub(item, "indicator", "name"), *period ? period : sub(item, "period", "code"), sub(item, "unit", "name"));
	} else if (strncmp(kind, "report_", 7) == 0) {
		bool returned = strcmp(kind, "report_returned") == 0, completion = strcmp(field(item, "report_kind"), "completion") == 0;
		str_appendf(s, "- [%s] %s nhiệm vụ %s: %s (%s)", returned ? "BỊ TRẢ LẠI" : "ĐÃ DUYỆT",
			completion ? "Đề nghị hoàn thành" : "Báo cáo tiến độ", sub(item, "task", "code"), sub(item, "task", "title"),
			sub(item, "unit", "name"));
	} else if (strcmp(kind, "comment") == 0) {
		str_appendf(s, "- [Ý KIẾN] %s về nhiệm vụ %s: ", field(item, "by"), sub(item, "task", "code"));
		append_quoted(s, field(item, "text"));
	} else if (strcmp(kind, "extension_decided") == 0) {
		vi_date(when, field(item, "proposed_deadline"));
		str_appendf(s, "- [GIA HẠN] Đề nghị gia hạn nhiệm vụ %s đến ngày %s %s", sub(item, "task", "code"), when,
			strcmp(field(item, "decision"), "approved") == 0 ? "đã được chấp thuận" : "không được chấp thuận");
	} else if (strcmp(kind, "approvals_waiting") == 0) {
		str_appendf(s, "- [CHỜ DUYỆT] %lld số liệu và %lld đề nghị hoàn thành nhiệm vụ đang chờ phê duyệt",
			(long long)json_integer_value(json_object_get(item, "values")),
			(long long)json_integer_value(json_object_get(item, "reports")));
	} else if (strcmp(kind, "market_match") == 0) {
		const char *q = sub(item, "search", "q"), *name = sub(item, "search", "name");
		str_appendf(s, "- [CHỢ CÔNG NGHỆ] Tin mới phù hợp với tìm kiếm đã lưu «%s»: %s", *name ? name : q,
			sub(item, "listing", "title"));
	} else if (strcmp(kind, "market_published") == 0 || strcmp(kind, "market_returned") == 0) {
		str_appendf(s, "- [CHỢ CÔNG NGHỆ] Tin «%s» %s", sub(item, "listing", "title"),
			strcmp(kind, "market_published") == 0 ? "đã được công bố" : "bị trả lại");
	} else if (strcmp(kind, "market_engagement") == 0) {
		const char *ek = sub(item, "engagement", "kind"), *from = sub(item, "from", "name");
		str_appendf(s, "- [CHỢ CÔNG NGHỆ] %s về tin «%s»%s%s",
			strcmp(ek, "interest") == 0 ? "Quan tâm mới" : strcmp(ek, "proposal") == 0 ? "Đề xuất mới" : "Câu hỏi mới",
			sub(item, "listing", "title"), *from ? " từ " : "", from);
	} else {
		str_appendf(s, "- %s", kind);
	}
	if (*reason)
		str_appendf(s, ". Lý do: %s", reason);
	str_append(s, "\n");
}

/* ------------------------------------------------------------ sending */

typedef struct person_addr {
	int64_t id;
	char *email;
	char *name;
} person_addr;

static void people_free(person_addr *list, int n)
{
	for (int i = 0; i < n; i++) {
		free(list[i].email);
		free(list[i].name);
	}
	free(list);
}

/* The active people with an address and a grant, a saved search, a
 * listing or an organisation they edit that brings items. */
static int people_to_mail(person_addr **out, int *n, db_conn *db)
{
	db_stmt *s;
	int rc, cap = 0;
	*out = NULL;
	*n = 0;
	if ((rc = db_prepare(&s, db, "SELECT p.id, p.email, p.name FROM person p WHERE p.active = 1 AND p.email IS NOT NULL "
				     "AND p.email <> '' AND (EXISTS (SELECT 1 FROM role_grant g WHERE g.person_id = p.id "
				     "AND g.role IN ('officer', 'admin', 'steering')) "
				     "OR EXISTS (SELECT 1 FROM saved_search s WHERE s.person_id = p.id AND s.notify = 1) "
				     "OR EXISTS (SELECT 1 FROM listing l WHERE l.created_by = p.id) "
				     "OR EXISTS (SELECT 1 FROM organisation_editor e WHERE e.person_id = p.id)) ORDER BY p.id")) < 0)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			person_addr *grown = realloc(*out, (size_t)cap * sizeof(**out));
			if (!grown) {
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
			*out = grown;
		}
		(*out)[(*n)++] = (person_addr){ .id = db_column_int64(s, 0), .email = strdup(db_column_text(s, 1)),
			.name = strdup(db_column_text(s, 2)) };
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* The keys person id has read or been mailed, as the keys of an object. */
static int known_keys(json_t **out, db_conn *db, int64_t id)
{
	return inbox__key_set(out, db, "SELECT item_key FROM inbox_read WHERE person_id = ? "
				       "UNION SELECT item_key FROM inbox_mail WHERE person_id = ?", id);
}

/* Whether item goes by mail: reminders are mailed per unit by
 * reminder_send, and old items not at all. */
static bool mailable(const json_t *item, const char *since)
{
	const char *kind = field(item, "kind");
	return strncmp(kind, "task_", 5) != 0 && strcmp(field(item, "at"), since) >= 0;
}

/* Claims the person's new items (another sender that got there first
 * keeps them) and writes the message body; *claimed gets the keys. */
static int claim(json_t **claimed, str *body, db_conn *db, const person_addr *p, json_t *items, const char *since,
	const char *now)
{
	json_t *known = NULL, *item;
	size_t i;
	int rc;
	if ((rc = known_keys(&known, db, p->id)) < 0)
		return rc;
	*claimed = json_array();
	if ((rc = db_begin_write(db)) == 0) {
		json_array_foreach(items, i, item) {
			const char *key = field(item, "key");
			if (!mailable(item, since) || json_object_get(known, key))
				continue;
			if ((rc = db_run(db, NULL, "INSERT INTO inbox_mail (person_id, item_key, sent_at) VALUES (?, ?, ?) "
						   "ON CONFLICT (person_id, item_key) DO NOTHING", "itt", p->id, key, now)) < 0)
				break;
			if (db_changes(db) == 0)
				continue;
			json_array_append_new(*claimed, json_string(key));
			append_item(body, item);
		}
		if (rc < 0)
			db_rollback(db);
		else
			rc = db_commit(db);
	}
	json_decref(known);
	return rc;
}

/* Gives the claimed keys back after the relay refused the message. */
static void unclaim(db_conn *db, int64_t person_id, const json_t *claimed, const char *now)
{
	size_t i;
	json_t *k;
	json_array_foreach(claimed, i, k)
		db_run(db, NULL, "DELETE FROM inbox_mail WHERE person_id = ? AND item_key = ? AND sent_at = ?", "itt", person_id,
			json_string_value(k), now);
}

static int mail_person(int *sent, db_conn *db, const reminder_mail *mail, const person_addr *p, const char *since)
{
	arena a;
	principal who;
	json_t *items = NULL, *claimed = NULL;
	str body = STR_INIT;
	char now[TIME_ISO_SIZE];
	int rc;
	arena_init(&a, 4096);
	time_now_iso(now);
	if ((rc = principal_load(&who, db, &a, p->id)) < 0 || (rc = inbox__collect(&items, db, &who, since)) < 0)
		goto done;
	str_appendf(&body, "Kính gửi %s,\n\nHộp thư nq57 (theo dõi thực hiện Nghị quyết 57-NQ/TW) có thông báo mới:\n\n", p->name);
	if ((rc = claim(&claimed, &body, db, p, items, since, now)) < 0 || json_array_size(claimed) == 0)
		goto done;
	str_append(&body, "\nXem chi tiết tại mục Hộp thư của nq57.\nĐây là thư tự động của hệ thống nq57.\n");
	char subject[160];
	snprintf(subject, sizeof(subject), "[nq57] %zu thông báo mới trong hộp thư", json_array_size(claimed));
	const char *to[1] = { p->email };
	if (str_oom(&body))
		rc = err_set(ERR_NOMEM, "out of memory");
	else if ((rc = smtp_send(mail->host, mail->port, mail->from, to, 1, subject, str_cstr(&body))) == 0)
		(*sent)++;
	if (rc < 0) {
		char why[512];
		snprintf(why, sizeof(why), "%s", err_msg());
		unclaim(db, p->id, claimed, now);
		err_set(rc, "%s", why);
	}
done:
	json_decref(items);
	json_decref(claimed);
	str_free(&body);
	arena_free(&a);
	return rc;
}

int inbox_send(int *sent, db_conn *db, const reminder_mail *mail)
{
	person_addr *people;
	char since[TIME_ISO_SIZE];
	int n, rc;
	*sent = 0;
	time_iso_from_now(since, -(long)INBOX_MAIL_DAYS * 86400L);
	if ((rc = people_to_mail(&people, &n, db)) < 0) {
		people_free(people, n);
		return rc;
	}
	for (int i = 0; rc == 0 && i < n; i++)
		rc = mail_person(sent, db, mail, &people[i], since);
	people_free(people, n);
	return rc;
}
