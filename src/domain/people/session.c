/* session: sign-in with throttling, cookie sessions, API tokens, and the
 * principal (person and grants) behind them. Secrets are stored only as
 * SHA-256 hashes. */
#include "domain/people/session.h"
#include "domain/people/audit.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- helpers */

static int step_done(db_stmt *s)
{
	int rc = db_step(s);
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* Runs sql with text parameters (NULL binds NULL); for writes. */
static int exec_texts(db_conn *db, const char *sql, int n, const char *const *v)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, sql);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++)
		if ((rc = db_bind_text(s, i + 1, v[i])) < 0) {
			db_finalize(s);
			return rc;
		}
	return step_done(s);
}

static void lower_copy(char *out, size_t size, const char *s)
{
	size_t i = 0;
	for (; s[i] && i + 1 < size; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
}

/* -------------------------------------------------------------- throttling */

/* Seconds until key may try again (0: now). */
static int throttle_wait(long *out, db_conn *db, const char *key)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT blocked_until FROM signin_failure WHERE key = ?");
	*out = 0;
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, key);
	if ((rc = db_step(s)) == DB_ROW && !db_column_is_null(s, 0)) {
		time_t until;
		if (time_parse_iso(&until, db_column_text(s, 0)) && until > time_now())
			*out = (long)(until - time_now());
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static long wait_after(int64_t failures)
{
	if (failures < SIGNIN_FREE_FAILURES)
		return 0;
	long wait = SIGNIN_FIRST_WAIT_SECONDS;
	for (int64_t i = SIGNIN_FREE_FAILURES; i < failures && wait < SIGNIN_MAX_WAIT_SECONDS; i++)
		wait *= 2;
	return wait < SIGNIN_MAX_WAIT_SECONDS ? wait : SIGNIN_MAX_WAIT_SECONDS;
}

static int throttle_fail(db_conn *db, const char *key)
{
	db_stmt *s;
	int64_t failures = 0;
	int rc = db_prepare(&s, db, "SELECT failures FROM signin_failure WHERE key = ?");
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, key);
	if ((rc = db_step(s)) == DB_ROW)
		failures = db_column_int64(s, 0);
	db_finalize(s);
	if (rc < 0)
		return rc;
	failures++;
	char now[TIME_ISO_SIZE], until[TIME_ISO_SIZE], n[24];
	long wait = wait_after(failures);
	time_now_iso(now);
	time_iso_from_now(until, wait);
	snprintf(n, sizeof(n), "%lld", (long long)failures);
	const char *v[] = { key, n, now, wait ? until : NULL };
	if ((rc = exec_texts(db, "DELETE FROM signin_failure WHERE key = ?", 1, v)) < 0)
		return rc;
	return exec_texts(db, "INSERT INTO signin_failure (key, failures, last_failed_at, blocked_until) "
			      "VALUES (?, ?, ?, ?)", 4, v);
}

static int throttle_clear(db_conn *db, const char *key)
{
	const char *v[] = { key };
	return exec_texts(db, "DELETE FROM signin_failure WHERE key = ?", 1, v);
}

/* ------------------------------------------------------------------ sign-in */

typedef struct person_row {
	int64_t id;
	bool active;
	char login[72];
	char hash[PASSWORD_HASH_SIZE];
} person_row;

static int person_by_login(person_row *out, db_conn *db, const char *login)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT id, active, login, password_hash FROM person WHERE login = ?");
	memset(out, 0, sizeof(*out));
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, login);
	if ((rc = db_step(s)) == DB_ROW) {
		out->id = db_column_int64(s, 0);
		out->active = db_column_int64(s, 1) != 0;
		snprintf(out->login, sizeof(out->login), "%s", db_column_text(s, 2));
		snprintf(out->hash, sizeof(out->hash), "%s", db_column_text(s, 3) ? db_column_text(s, 3) : "");
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static int record_failure(db_conn *db, const char *login_key, const char *addr_key, const person_row *p)
{
	int rc;
	principal who = { .person_id = p->id, .login = p->id ? p->login : NULL };
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = throttle_fail(db, login_key)) < 0 || (rc = throttle_fail(db, addr_key)) < 0 ||
	    (rc = audit_append(db, p->id ? &who : NULL, "signin_failed", "person", p->id ? p->login : NULL,
		     NULL, NULL)) < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

static int open_session(signin_result *r, db_conn *db, const person_row *p, const char *login_key,
	const char *addr_key, const char *address)
{
	char hash[SECRET_HASH_SIZE], now[TIME_ISO_SIZE], until[TIME_ISO_SIZE], id[24];
	int rc;
	secret_new(r->token);
	secret_new(r->csrf);
	secret_hash(hash, r->token);
	time_now_iso(now);
	time_iso_from_now(until, SESSION_TTL_SECONDS);
	snprintf(id, sizeof(id), "%lld", (long long)p->id);
	const char *v[] = { hash, id, r->csrf, now, until, address };
	principal who = { .person_id = p->id, .login = p->login };
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = throttle_clear(db, login_key)) < 0 || (rc = throttle_clear(db, addr_key)) < 0 ||
	    (rc = exec_texts(db, "INSERT INTO session (token_hash, person_id, csrf_token, created_at, expires_at, "
				 "address) VALUES (?, ?, ?, ?, ?, ?)", 6, v)) < 0 ||
	    (rc = audit_append(db, &who, "signin", "person", id, NULL, NULL)) < 0) {
		db_rollback(db);
		return rc;
	}
	r->person_id = p->id;
	return db_commit(db);
}

int session_signin(signin_result *r, db_conn *db, const char *login, const char *password, const char *address)
{
	char name[72], login_key[80], addr_key[80];
	long wait_login, wait_addr;
	person_row p;
	int rc;
	memset(r, 0, sizeof(*r));
	lower_copy(name, sizeof(name), login);
	snprintf(login_key, sizeof(login_key), "login:%s", name);
	snprintf(addr_key, sizeof(addr_key), "addr:%s", address ? address : "");
	if ((rc = throttle_wait(&wait_login, db, login_key)) < 0 || (rc = throttle_wait(&wait_addr, db, addr_key)) < 0)
		return rc;
	if (wait_login || wait_addr) {
		r->retry_after = wait_login > wait_addr ? wait_login : wait_addr;
		return err_set(ERR_TOOMANY, "too many failed sign-ins; try again in %ld seconds", r->retry_after);
	}
	if ((rc = person_by_login(&p, db, name)) < 0)
		return rc;
	/* The password is checked outside any transaction: Argon2id takes a
	 * tenth of a second that other writers should not wait for. */
	bool ok;
	if (p.id && p.hash[0])
		ok = password_verify(p.hash, password);
	else {
		password_verify_dummy(password);
		ok = false;
	}
	if (!ok || !p.active) {
		if ((rc = record_failure(db, login_key, addr_key, &p)) < 0)
			return rc;
		return err_set(ERR_UNAUTHORIZED, "the login or password is wrong, or the account is disabled");
	}
	return open_session(r, db, &p, login_key, addr_key, address);
}

/* ---------------------------------------------------------------- principal */

/* The organisations whose profile the person edits (organisation_editor). */
static int load_organisations(principal *p, db_conn *db, arena *a)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT organisation_id FROM organisation_editor WHERE person_id = ? ORDER BY 1");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, p->person_id);
	int cap = 0, n = 0;
	int64_t *ids = NULL;
	while ((rc = db_step(s)) == DB_ROW) {
		if (n == cap) {
			int ncap = cap ? cap * 2 : 4;
			int64_t *more = arena_alloc(a, sizeof(int64_t) * (size_t)ncap);
			if (!more) {
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
			if (n)
				memcpy(more, ids, sizeof(int64_t) * (size_t)n);
			ids = more;
			cap = ncap;
		}
		ids[n++] = db_column_int64(s, 0);
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	p->orgs = ids;
	p->n_orgs = n;
	return 0;
}

static int load_grants(principal *p, db_conn *db, arena *a)
{
	db_stmt *s;
	int rc = db_prepare(&s, db,
		"SELECT g.role, g.unit_id, u.path FROM role_grant g JOIN unit u ON u.id = g.unit_id "
		"WHERE g.person_id = ? ORDER BY u.path, g.role");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, p->person_id);
	int cap = 0, n = 0;
	grant *gs = NULL;
	while ((rc = db_step(s)) == DB_ROW) {
		int role_i = role_parse(db_column_text(s, 0));
		if (role_i < 0)
			continue;
		if (n == cap) {
			int ncap = cap ? cap * 2 : 8;
			grant *g2 = arena_alloc(a, sizeof(grant) * (size_t)ncap);
			if (!g2) {
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
			if (n)
				memcpy(g2, gs, sizeof(grant) * (size_t)n);
			gs = g2;
			cap = ncap;
		}
		gs[n++] = (grant){ .role = (role)role_i, .unit_id = db_column_int64(s, 1),
			.unit_path = arena_strdup(a, db_column_text(s, 2)) };
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	p->grants = gs;
	p->n_grants = n;
	return load_organisations(p, db, a);
}

int principal_load(principal *p, db_conn *db, arena *a, int64_t person_id)
{
	db_stmt *s;
	memset(p, 0, sizeof(*p));
	int rc = db_prepare(&s, db, "SELECT login, name, active, must_change_password FROM person WHERE id = ?");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, person_id);
	bool active = false;
	if ((rc = db_step(s)) == DB_ROW) {
		p->person_id = person_id;
		p->login = arena_strdup(a, db_column_text(s, 0));
		p->name = arena_strdup(a, db_column_text(s, 1));
		/* Until a password an administrator set is changed, its holder
		 * acts with no role: they may only change it (or sign out). */
		active = db_column_int64(s, 2) != 0 && db_column_int64(s, 3) == 0;
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!p->person_id)
		return err_set(ERR_NOTFOUND, "no person with id %lld", (long long)person_id);
	return active ? load_grants(p, db, a) : 0;
}

/* Loads the person behind a live secret found by sql (one parameter: the
 * hash; columns: person_id, then extra text). Anonymous when none. */
static int resolve_secret(principal *p, const char **extra, db_conn *db, arena *a, const char *sql,
	const char *secret)
{
	char hash[SECRET_HASH_SIZE], now[TIME_ISO_SIZE];
	db_stmt *s;
	int64_t person_id = 0;
	memset(p, 0, sizeof(*p));
	secret_hash(hash, secret);
	time_now_iso(now);
	int rc = db_prepare(&s, db, sql);
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, hash);
	db_bind_text(s, 2, now);
	if ((rc = db_step(s)) == DB_ROW) {
		person_id = db_column_int64(s, 0);
		if (extra)
			*extra = arena_strdup(a, db_column_text(s, 1));
	}
	db_finalize(s);
	if (rc < 0 || !person_id)
		return rc < 0 ? rc : 0;
	return principal_load(p, db, a, person_id);
}

int session_resolve(principal *p, const char **csrf, db_conn *db, arena *a, const char *token)
{
	*csrf = NULL;
	return resolve_secret(p, csrf, db, a,
		"SELECT s.person_id, s.csrf_token FROM session s JOIN person p ON p.id = s.person_id "
		"WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND p.active = 1",
		token);
}

int token_resolve(principal *p, db_conn *db, arena *a, const char *token)
{
	if (strncmp(token, TOKEN_PREFIX, strlen(TOKEN_PREFIX)) != 0) {
		memset(p, 0, sizeof(*p));
		return 0;
	}
	int rc = resolve_secret(p, NULL, db, a,
		"SELECT t.person_id FROM api_token t JOIN person p ON p.id = t.person_id "
		"WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?) "
		"AND p.active = 1",
		token);
	if (rc == 0 && p->person_id)
		p->via_token = true;
	return rc;
}

int principal_json(json_t **out, db_conn *db, const principal *p)
{
	db_stmt *s;
	int rc = db_prepare(&s, db,
		"SELECT g.role, u.id, u.code, u.name FROM role_grant g JOIN unit u ON u.id = g.unit_id "
		"WHERE g.person_id = ? ORDER BY u.path, g.role");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, p->person_id);
	json_t *grants = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(grants, json_pack("{s:s, s:I, s:s?, s:s}", "role", db_column_text(s, 0),
			"unit_id", (json_int_t)db_column_int64(s, 1), "unit_code", db_column_text(s, 2),
			"unit_name", db_column_text(s, 3)));
	db_finalize(s);
	if (rc < 0) {
		json_decref(grants);
		return rc;
	}
	int64_t must_change = 0;
	if ((rc = db_run(db, &must_change, "SELECT must_change_password FROM person WHERE id = ?", "i", p->person_id)) < 0) {
		json_decref(grants);
		return rc;
	}
	json_t *person = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)p->person_id, "login", p->login,
		"name", p->name ? p->name : p->login);
	json_t *orgs = json_array();
	for (int i = 0; i < p->n_orgs; i++)
		json_array_append_new(orgs, json_integer(p->orgs[i]));
	*out = json_pack("{s:o, s:o, s:o, s:b, s:b}", "person", person, "grants", grants, "organisations", orgs,
		"registry_writer", authz_registry_writer(p), "must_change_password", must_change != 0);
	return *out ? 0 : err_set(ERR_NOMEM, "out of memory");
}

/* ------------------------------------------------------ sign-out, password */

int session_signout(db_conn *db, const principal *who, const char *token)
{
	char hash[SECRET_HASH_SIZE], now[TIME_ISO_SIZE], id[24];
	int rc;
	secret_hash(hash, token);
	time_now_iso(now);
	snprintf(id, sizeof(id), "%lld", (long long)who->person_id);
	const char *v[] = { now, hash };
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = exec_texts(db, "UPDATE session SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
		     2, v)) < 0 ||
	    (db_changes(db) > 0 && (rc = audit_append(db, who, "signout", "person", id, NULL, NULL)) < 0)) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

int session_change_password(db_conn *db, const principal *who, const char *current, const char *next,
	const char *keep_token)
{
	char stored[PASSWORD_HASH_SIZE] = "", fresh[PASSWORD_HASH_SIZE], keep[SECRET_HASH_SIZE] = "";
	char now[TIME_ISO_SIZE], id[24];
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT password_hash FROM person WHERE id = ?");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, who->person_id);
	if ((rc = db_step(s)) == DB_ROW && db_column_text(s, 0))
		snprintf(stored, sizeof(stored), "%s", db_column_text(s, 0));
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!password_verify(stored, current))
		return err_set(ERR_FORBIDDEN, "the current password is wrong");
	if ((rc = password_check_rule(next)) < 0 || (rc = password_hash(fresh, next)) < 0)
		return rc;
	if (keep_token)
		secret_hash(keep, keep_token);
	time_now_iso(now);
	snprintf(id, sizeof(id), "%lld", (long long)who->person_id);
	const char *upd[] = { fresh, now, id };
	const char *rev[] = { now, id, keep };
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = exec_texts(db, "UPDATE person SET password_hash = ?, must_change_password = 0, updated_at = ? "
				 "WHERE id = ?", 3, upd)) < 0 ||
	    (rc = exec_texts(db, "UPDATE session SET revoked_at = ? WHERE person_id = ? AND token_hash <> ? "
				 "AND revoked_at IS NULL", 3, rev)) < 0 ||
	    (rc = audit_append(db, who, "password", "person", id, NULL, "{\"password\":\"changed\"}")) < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/* ------------------------------------------------------------------ tokens */

static json_t *token_row_json(db_stmt *s)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:s?}", "id", (json_int_t)db_column_int64(s, 0),
		"name", db_column_text(s, 1), "prefix", db_column_text(s, 2), "created_at", db_column_text(s, 3),
		"expires_at", db_column_text(s, 4), "last_used_at", db_column_text(s, 5),
		"revoked_at", db_column_text(s, 6));
}

int token_list(json_t **out, db_conn *db, const principal *who)
{
	db_stmt *s;
	int rc = db_prepare(&s, db,
		"SELECT id, name, prefix, created_at, expires_at, last_used_at, revoked_at FROM api_token "
		"WHERE person_id = ? ORDER BY id DESC");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, who->person_id);
	json_t *list = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(list, token_row_json(s));
	db_finalize(s);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o}", "tokens", list);
	return 0;
}

static int insert_token(int64_t *id, db_conn *db, const principal *who, const char *name, const char *hash,
	const char *prefix, const char *now, const char *expires)
{
	db_stmt *s;
	int rc = db_prepare(&s, db,
		"INSERT INTO api_token (person_id, name, token_hash, prefix, created_at, expires_at) "
		"VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, who->person_id);
	db_bind_text(s, 2, name);
	db_bind_text(s, 3, hash);
	db_bind_text(s, 4, prefix);
	db_bind_text(s, 5, now);
	db_bind_text(s, 6, expires);
	if ((rc = db_step(s)) == DB_ROW)
		*id = db_column_int64(s, 0);
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

int token_create(json_t **out, db_conn *db, const principal *who, const char *name, int days)
{
	char secret[SECRET_SIZE], token[SECRET_SIZE + 8], hash[SECRET_HASH_SIZE], prefix[16];
	char now[TIME_ISO_SIZE], expires[TIME_ISO_SIZE], id_text[24];
	int64_t id = 0;
	int rc;
	if (!name || !*name || strlen(name) > 100)
		return err_set(ERR_INVALID, "a token needs a name of 1 to 100 bytes");
	if (days < 0 || days > 3660)
		return err_set(ERR_INVALID, "expires_in_days must be from 0 (never) to 3660");
	secret_new(secret);
	snprintf(token, sizeof(token), "%s%s", TOKEN_PREFIX, secret);
	secret_hash(hash, token);
	snprintf(prefix, sizeof(prefix), "%.12s", token);
	time_now_iso(now);
	time_iso_from_now(expires, (long)days * 86400);
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = insert_token(&id, db, who, name, hash, prefix, now, days ? expires : NULL)) == 0) {
		snprintf(id_text, sizeof(id_text), "%lld", (long long)id);
		json_t *after = json_pack("{s:s, s:s}", "name", name, "prefix", prefix);
		rc = audit_append_json(db, who, "create", "api_token", id_text, NULL, after);
		json_decref(after);
	}
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	if ((rc = db_commit(db)) < 0)
		return rc;
	*out = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?}", "id", (json_int_t)id, "name", name, "token", token,
		"prefix", prefix, "created_at", now, "expires_at", days ? expires : NULL);
	return 0;
}

int token_revoke(db_conn *db, const principal *who, int64_t id)
{
	char now[TIME_ISO_SIZE], id_text[24], person[24];
	int rc;
	time_now_iso(now);
	snprintf(id_text, sizeof(id_text), "%lld", (long long)id);
	snprintf(person, sizeof(person), "%lld", (long long)who->person_id);
	const char *v[] = { now, id_text, person };
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = exec_texts(db, "UPDATE api_token SET revoked_at = ? WHERE id = ? AND person_id = ? "
				 "AND revoked_at IS NULL", 3, v)) < 0)
		goto fail;
	if (db_changes(db) == 0) {
		rc = err_set(ERR_NOTFOUND, "you have no live API token with id %lld", (long long)id);
		goto fail;
	}
	if ((rc = audit_append(db, who, "revoke", "api_token", id_text, NULL, NULL)) < 0)
		goto fail;
	return db_commit(db);
fail:
	db_rollback(db);
	return rc;
}
