/* person: adding and changing people and their role grants, each change in
 * one transaction with its audit entry. */
#include "domain/people/person.h"
#include "domain/people/audit.h"
#include "domain/people/password.h"
#include "util/err.h"
#include "util/str.h"
#include "util/time.h"
#include "util/utf8.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOGIN_MIN 3
#define LOGIN_MAX 64
#define NAME_MAX_BYTES 200

/* ----------------------------------------------------------------- lookups */

static int lookup_text(const char **out, db_conn *db, arena *a, const char *sql, int64_t id, int64_t id2)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, sql);
	*out = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if (id2)
		db_bind_int64(s, 2, id2);
	if ((rc = db_step(s)) == DB_ROW)
		*out = arena_strdup(a, db_column_text(s, 0));
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

int grant_unit_path(const char **out, db_conn *db, arena *a, int64_t person_id, int64_t grant_id)
{
	int rc = lookup_text(out, db, a,
		"SELECT u.path FROM role_grant g JOIN unit u ON u.id = g.unit_id WHERE g.person_id = ? AND g.id = ?",
		person_id, grant_id);
	if (rc == 0 && !*out)
		return err_set(ERR_NOTFOUND, "person %lld has no grant %lld", (long long)person_id, (long long)grant_id);
	return rc;
}

static int id_by_text(int64_t *out, db_conn *db, const char *sql, const char *v)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, sql);
	*out = 0;
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, v);
	if ((rc = db_step(s)) == DB_ROW)
		*out = db_column_int64(s, 0);
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

int person_id_by_login(int64_t *out, db_conn *db, const char *login)
{
	int rc = id_by_text(out, db, "SELECT id FROM person WHERE login = ?", login);
	if (rc == 0 && !*out)
		return err_set(ERR_NOTFOUND, "no person with login '%s'", login);
	return rc;
}

int person_grant_paths(const char ***out, int *n, db_conn *db, arena *a, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db,
		"SELECT u.path FROM role_grant g JOIN unit u ON u.id = g.unit_id WHERE g.person_id = ?");
	*out = NULL;
	*n = 0;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	const char **paths = NULL;
	int cap = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (*n == cap) {
			int ncap = cap ? cap * 2 : 8;
			const char **p2 = arena_alloc(a, sizeof(char *) * (size_t)ncap);
			if (!p2) {
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
			if (*n)
				memcpy(p2, paths, sizeof(char *) * (size_t)*n);
			paths = p2;
			cap = ncap;
		}
		paths[(*n)++] = arena_strdup(a, db_column_text(s, 0));
	}
	db_finalize(s);
	*out = paths;
	return rc < 0 ? rc : 0;
}

/* --------------------------------------------------------------- as JSON */

static json_t *grants_json(db_conn *db, int64_t id, int *rc)
{
	db_stmt *s;
	json_t *list = json_array();
	if ((*rc = db_prepare(&s, db,
		      "SELECT g.id, g.role, u.id, u.code, u.name FROM role_grant g JOIN unit u ON u.id = g.unit_id "
		      "WHERE g.person_id = ? ORDER BY u.path, g.role")) < 0)
		return list;
	db_bind_int64(s, 1, id);
	while ((*rc = db_step(s)) == DB_ROW)
		json_array_append_new(list, json_pack("{s:I, s:s, s:I, s:s?, s:s}", "id",
			(json_int_t)db_column_int64(s, 0), "role", db_column_text(s, 1), "unit_id",
			(json_int_t)db_column_int64(s, 2), "unit_code", db_column_text(s, 3), "unit_name",
			db_column_text(s, 4)));
	db_finalize(s);
	return list;
}

#define PERSON_COLUMNS "id, login, name, email, active, created_at, must_change_password"

static json_t *person_row_json(db_stmt *s)
{
	return json_pack("{s:I, s:s, s:s, s:s?, s:b, s:s, s:b}", "id", (json_int_t)db_column_int64(s, 0), "login",
		db_column_text(s, 1), "name", db_column_text(s, 2), "email", db_column_text(s, 3), "active",
		db_column_int64(s, 4) != 0, "created_at", db_column_text(s, 5), "must_change_password",
		db_column_int64(s, 6) != 0);
}

int person_get(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT " PERSON_COLUMNS " FROM person WHERE id = ?");
	*out = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW)
		*out = person_row_json(s);
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!*out)
		return err_set(ERR_NOTFOUND, "no person with id %lld", (long long)id);
	json_object_set_new(*out, "grants", grants_json(db, id, &rc));
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

static void list_where(str *q, const char *pattern, int64_t unit_id)
{
	str_append(q, " WHERE 1=1");
	if (pattern)
		str_append(q, " AND (login LIKE ? OR LOWER(name) LIKE ?)");
	if (unit_id)
		str_append(q, " AND id IN (SELECT person_id FROM role_grant WHERE unit_id = ?)");
}

static int list_bind(db_stmt *s, const char *pattern, int64_t unit_id)
{
	int i = 1;
	if (pattern) {
		db_bind_text(s, i++, pattern);
		db_bind_text(s, i++, pattern);
	}
	if (unit_id)
		db_bind_int64(s, i++, unit_id);
	return i;
}

static int list_query(db_stmt **out, db_conn *db, const char *select, const char *pattern, int64_t unit_id,
	const char *tail)
{
	str q = STR_INIT;
	str_append(&q, select);
	list_where(&q, pattern, unit_id);
	str_append(&q, tail);
	int rc = str_oom(&q) ? err_set(ERR_NOMEM, "out of memory") : db_prepare(out, db, q.ptr);
	str_free(&q);
	return rc;
}

int person_list(json_t **out, db_conn *db, const char *q, int64_t unit_id, int64_t limit, int64_t offset)
{
	char *pattern = NULL;
	db_stmt *s;
	int64_t total = 0;
	int rc;
	*out = NULL;
	if (q && *q) {
		char *low = NULL;
		if ((rc = vn_lower(&low, q, strlen(q))) < 0)
			return rc;
		pattern = malloc(strlen(low) + 3);
		if (pattern)
			sprintf(pattern, "%%%s%%", low);
		free(low);
		if (!pattern)
			return err_set(ERR_NOMEM, "out of memory");
	}
	if ((rc = list_query(&s, db, "SELECT COUNT(*) FROM person", pattern, unit_id, "")) < 0)
		goto done;
	list_bind(s, pattern, unit_id);
	if ((rc = db_step(s)) == DB_ROW)
		total = db_column_int64(s, 0);
	db_finalize(s);
	if (rc < 0 || (rc = list_query(&s, db, "SELECT " PERSON_COLUMNS " FROM person", pattern, unit_id,
			       " ORDER BY login LIMIT ? OFFSET ?")) < 0)
		goto done;
	int i = list_bind(s, pattern, unit_id);
	db_bind_int64(s, i, limit);
	db_bind_int64(s, i + 1, offset);
	json_t *people = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(people, person_row_json(s));
	db_finalize(s);
	size_t k;
	json_t *p;
	json_array_foreach(people, k, p) {
		if (rc < 0)
			break;
		json_object_set_new(p, "grants", grants_json(db, json_integer_value(json_object_get(p, "id")), &rc));
	}
	if (rc < 0) {
		json_decref(people);
		goto done;
	}
	*out = json_pack("{s:o, s:I}", "people", people, "total", (json_int_t)total);
	rc = 0;
done:
	free(pattern);
	return rc;
}

/* ---------------------------------------------------------------- checks */

static int check_login(char out[LOGIN_MAX + 1], const char *login)
{
	size_t n = login ? strlen(login) : 0;
	if (n < LOGIN_MIN || n > LOGIN_MAX)
		return err_set(ERR_INVALID, "a login has %d to %d characters", LOGIN_MIN, LOGIN_MAX);
	for (size_t i = 0; i < n; i++) {
		char c = (char)tolower((unsigned char)login[i]);
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return err_set(ERR_INVALID, "login '%.64s' may hold only letters a-z, digits, '.', '_' and '-'", login);
		out[i] = c;
	}
	out[n] = '\0';
	return 0;
}

/* NFC copy of a required name (caller frees). */
static int check_name(char **out, const char *name)
{
	*out = NULL;
	if (!name)
		return err_set(ERR_INVALID, "a person needs a name");
	int rc = utf8_nfc(out, name, strlen(name));
	if (rc < 0)
		return rc;
	size_t n = strlen(*out);
	if (n == 0 || n > NAME_MAX_BYTES || strspn(*out, " \t") == n) {
		free(*out);
		*out = NULL;
		return err_set(ERR_INVALID, "a person's name must have 1 to %d bytes", NAME_MAX_BYTES);
	}
	return 0;
}

static int check_email(const char *email)
{
	if (email && *email && (strlen(email) > 200 || !strchr(email, '@') || strpbrk(email, " \t\r\n")))
		return err_set(ERR_INVALID, "'%.200s' is not an e-mail address", email);
	return 0;
}

/* ----------------------------------------------------------------- writes */

static int exec_id_texts(db_conn *db, const char *sql, const char *a, const char *b, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, sql);
	if (rc < 0)
		return rc;
	int i = 1;
	if (a)
		db_bind_text(s, i++, a);
	if (b)
		db_bind_text(s, i++, b);
	db_bind_int64(s, i, id);
	rc = db_step(s);
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static int audit_person(db_conn *db, const principal *who, const char *action, int64_t id, json_t *before,
	json_t *after)
{
	char id_text[24];
	snprintf(id_text, sizeof(id_text), "%lld", (long long)id);
	int rc = audit_append_json(db, who, action, "person", id_text, before, after);
	json_decref(before);
	json_decref(after);
	return rc;
}

static int insert_grant(int64_t *out, db_conn *db, int64_t person_id, const char *role, int64_t unit_id)
{
	char now[TIME_ISO_SIZE];
	db_stmt *s;
	if (role_parse(role) < 0)
		return err_set(ERR_INVALID, "role '%.40s' is not one of admin, steering, officer, viewer", role ? role : "");
	int rc = db_prepare(&s, db, "SELECT COUNT(*) FROM unit WHERE id = ?");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, unit_id);
	int64_t found = 0;
	if ((rc = db_step(s)) == DB_ROW)
		found = db_column_int64(s, 0);
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!found)
		return err_set(ERR_INVALID, "no unit with id %lld", (long long)unit_id);
	time_now_iso(now);
	if ((rc = db_prepare(&s, db, "INSERT INTO role_grant (person_id, role, unit_id, created_at) "
				     "VALUES (?, ?, ?, ?) RETURNING id")) < 0)
		return rc;
	db_bind_int64(s, 1, person_id);
	db_bind_text(s, 2, role);
	db_bind_int64(s, 3, unit_id);
	db_bind_text(s, 4, now);
	if ((rc = db_step(s)) == DB_ROW && out)
		*out = db_column_int64(s, 0);
	db_finalize(s);
	if (rc == ERR_CONFLICT)
		return err_set(ERR_CONFLICT, "the person already holds role '%s' on unit %lld", role, (long long)unit_id);
	return rc < 0 ? rc : 0;
}

static int insert_person(int64_t *out, db_conn *db, const char *login, const char *name, const char *email,
	const char *hash)
{
	char now[TIME_ISO_SIZE];
	db_stmt *s;
	time_now_iso(now);
	int rc = db_prepare(&s, db, "INSERT INTO person (login, name, email, password_hash, active, created_at, "
				    "updated_at) VALUES (?, ?, ?, ?, 1, ?, ?) RETURNING id");
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, login);
	db_bind_text(s, 2, name);
	db_bind_text(s, 3, email && *email ? email : NULL);
	db_bind_text(s, 4, hash);
	db_bind_text(s, 5, now);
	db_bind_text(s, 6, now);
	if ((rc = db_step(s)) == DB_ROW)
		*out = db_column_int64(s, 0);
	db_finalize(s);
	if (rc == ERR_CONFLICT)
		return err_set(ERR_CONFLICT, "login '%s' is taken", login);
	return rc < 0 ? rc : 0;
}

int person_add(int64_t *out_id, db_conn *db, const principal *who, const person_new *p)
{
	char login[LOGIN_MAX + 1], hash[PASSWORD_HASH_SIZE];
	char *name = NULL;
	int rc;
	if ((rc = check_login(login, p->login)) < 0 || (rc = check_email(p->email)) < 0 ||
	    (rc = check_name(&name, p->name)) < 0)
		return rc;
	if (!p->password || (rc = password_check_rule(p->password)) < 0 || (rc = password_hash(hash, p->password)) < 0) {
		free(name);
		return p->password ? rc : err_set(ERR_INVALID, "a person needs a password");
	}
	if ((rc = db_begin_write(db)) < 0)
		goto done;
	if ((rc = insert_person(out_id, db, login, name, p->email, hash)) < 0)
		goto fail;
	for (int i = 0; i < p->n_grants; i++)
		if ((rc = insert_grant(NULL, db, *out_id, p->grants[i].role, p->grants[i].unit_id)) < 0)
			goto fail;
	json_t *after;
	if ((rc = person_get(&after, db, *out_id)) < 0 || (rc = audit_person(db, who, "create", *out_id, NULL, after)) < 0)
		goto fail;
	rc = db_commit(db);
	goto done;
fail:
	db_rollback(db);
done:
	free(name);
	return rc;
}

static int revoke_access(db_conn *db, int64_t id, bool tokens)
{
	char now[TIME_ISO_SIZE];
	int rc;
	time_now_iso(now);
	rc = exec_id_texts(db, "UPDATE session SET revoked_at = ? WHERE revoked_at IS NULL AND person_id = ?", now, NULL, id);
	if (rc == 0 && tokens)
		rc = exec_id_texts(db, "UPDATE api_token SET revoked_at = ? WHERE revoked_at IS NULL AND person_id = ?",
			now, NULL, id);
	return rc;
}

static int apply_change(db_conn *db, int64_t id, const person_change *c, const char *name, const char *hash)
{
	char now[TIME_ISO_SIZE];
	int rc = 0;
	time_now_iso(now);
	if (name && (rc = exec_id_texts(db, "UPDATE person SET name = ?, updated_at = ? WHERE id = ?", name, now, id)) < 0)
		return rc;
	if (c->email && *c->email &&
	    (rc = exec_id_texts(db, "UPDATE person SET email = ?, updated_at = ? WHERE id = ?", c->email, now, id)) < 0)
		return rc;
	if (c->email && !*c->email &&
	    (rc = exec_id_texts(db, "UPDATE person SET email = NULL, updated_at = ? WHERE id = ?", now, NULL, id)) < 0)
		return rc;
	if (c->active >= 0 &&
	    (rc = exec_id_texts(db, c->active ? "UPDATE person SET active = 1, updated_at = ? WHERE id = ?"
					      : "UPDATE person SET active = 0, updated_at = ? WHERE id = ?",
		     now, NULL, id)) < 0)
		return rc;
	if (c->active == 0 && (rc = revoke_access(db, id, true)) < 0)
		return rc;
	if (hash && ((rc = exec_id_texts(db, "UPDATE person SET password_hash = ?, updated_at = ? WHERE id = ?",
			      hash, now, id)) < 0 ||
		     (rc = revoke_access(db, id, false)) < 0))
		return rc;
	return 0;
}

int person_update(db_conn *db, const principal *who, int64_t id, const person_change *c)
{
	char hash[PASSWORD_HASH_SIZE];
	char *name = NULL;
	json_t *before = NULL, *after = NULL;
	int rc;
	if (c->active == 0 && who->person_id == id)
		return err_set(ERR_CONFLICT, "you cannot lock your own account");
	if ((c->name && (rc = check_name(&name, c->name)) < 0) || (rc = check_email(c->email)) < 0)
		return rc;
	if (c->password && ((rc = password_check_rule(c->password)) < 0 || (rc = password_hash(hash, c->password)) < 0))
		goto done;
	if ((rc = db_begin_write(db)) < 0)
		goto done;
	/* A password someone else sets is theirs to know: the person changes
	 * it at the next sign-in (an operator's, on the command line, not). */
	bool forced = c->password && who->person_id && who->person_id != id;
	if ((rc = person_get(&before, db, id)) < 0 || (rc = apply_change(db, id, c, name, c->password ? hash : NULL)) < 0 ||
	    (forced && (rc = exec_id_texts(db, "UPDATE person SET must_change_password = 1 WHERE id = ?", NULL, NULL, id)) < 0) ||
	    (rc = person_get(&after, db, id)) < 0)
		goto fail;
	if (c->password)
		json_object_set_new(after, "password", json_string("changed"));
	rc = audit_person(db, who, c->active == 0 ? "disable" : c->active == 1 ? "enable" : "update", id, before, after);
	before = after = NULL;
	if (rc < 0)
		goto fail;
	rc = db_commit(db);
	goto done;
fail:
	db_rollback(db);
done:
	json_decref(before);
	json_decref(after);
	free(name);
	return rc;
}

int person_grant(int64_t *out_grant_id, db_conn *db, const principal *who, int64_t id, const char *role,
	int64_t unit_id)
{
	json_t *before = NULL, *after = NULL;
	int rc;
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = person_get(&before, db, id)) < 0 || (rc = insert_grant(out_grant_id, db, id, role, unit_id)) < 0 ||
	    (rc = person_get(&after, db, id)) < 0)
		goto fail;
	rc = audit_person(db, who, "grant", id, before, after);
	before = after = NULL;
	if (rc < 0)
		goto fail;
	return db_commit(db);
fail:
	json_decref(before);
	json_decref(after);
	db_rollback(db);
	return rc;
}

/* True if grant_id is an administrator grant of who's own: an
 * administrator does not take that role from themself (another does). */
static int removes_own_admin(bool *out, db_conn *db, const principal *who, int64_t id, int64_t grant_id)
{
	db_stmt *s;
	*out = false;
	if (who->person_id != id)
		return 0;
	int rc = db_prepare(&s, db, "SELECT COUNT(*) FROM role_grant WHERE person_id = ? AND role = 'admin' AND id = ?");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, grant_id);
	int64_t found = 0;
	if ((rc = db_step(s)) == DB_ROW)
		found = db_column_int64(s, 0);
	db_finalize(s);
	*out = found > 0;
	return rc < 0 ? rc : 0;
}

static int delete_grant(db_conn *db, int64_t id, int64_t grant_id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "DELETE FROM role_grant WHERE person_id = ? AND id = ?");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, grant_id);
	rc = db_step(s);
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (db_changes(db) == 0)
		return err_set(ERR_NOTFOUND, "person %lld has no grant %lld", (long long)id, (long long)grant_id);
	return 0;
}

int person_revoke(db_conn *db, const principal *who, int64_t id, int64_t grant_id)
{
	json_t *before = NULL, *after = NULL;
	bool own;
	int rc;
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = person_get(&before, db, id)) < 0 || (rc = removes_own_admin(&own, db, who, id, grant_id)) < 0)
		goto fail;
	if (own) {
		rc = err_set(ERR_CONFLICT, "you cannot remove your own administrator role");
		goto fail;
	}
	if ((rc = delete_grant(db, id, grant_id)) < 0 || (rc = person_get(&after, db, id)) < 0)
		goto fail;
	rc = audit_person(db, who, "revoke", id, before, after);
	before = after = NULL;
	if (rc < 0)
		goto fail;
	return db_commit(db);
fail:
	json_decref(before);
	json_decref(after);
	db_rollback(db);
	return rc;
}

int person_set_password(db_conn *db, const principal *who, int64_t id, const char *password)
{
	char hash[PASSWORD_HASH_SIZE], now[TIME_ISO_SIZE];
	json_t *before = NULL, *after = NULL;
	int rc;
	if (who->person_id == id)
		return err_set(ERR_CONFLICT, "you cannot reset your own password; change it with your current one");
	if (!password)
		return err_set(ERR_INVALID, "a person needs a password");
	if ((rc = password_check_rule(password)) < 0 || (rc = password_hash(hash, password)) < 0)
		return rc;
	time_now_iso(now);
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = person_get(&before, db, id)) < 0 ||
	    (rc = exec_id_texts(db, "UPDATE person SET password_hash = ?, must_change_password = 1, updated_at = ? "
				    "WHERE id = ?", hash, now, id)) < 0 ||
	    (rc = revoke_access(db, id, false)) < 0 || (rc = person_get(&after, db, id)) < 0)
		goto fail;
	json_object_set_new(after, "password", json_string("reset"));
	rc = audit_person(db, who, "password_reset", id, before, after);
	before = after = NULL;
	if (rc < 0)
		goto fail;
	return db_commit(db);
fail:
	json_decref(before);
	json_decref(after);
	db_rollback(db);
	return rc;
}
