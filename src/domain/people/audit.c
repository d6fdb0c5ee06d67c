/* audit: appending, verifying and listing the hash chain. */
#include "domain/people/audit.h"
#include "util/err.h"
#include "util/str.h"
#include "util/time.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char genesis[AUDIT_HASH_HEX] =
	"0000000000000000000000000000000000000000000000000000000000000000";

typedef struct entry {
	int64_t seq;
	const char *at, *actor, *action, *entity, *entity_id, *before, *after;
	int64_t person_id;
	const char *prev_hash;
} entry;

/* Each field as "<length>:<bytes>" ("-" for NULL), so no two different
 * entries give the same text to hash. */
static void field(crypto_hash_sha256_state *st, const char *v)
{
	char head[24];
	int n = v ? snprintf(head, sizeof(head), "%zu:", strlen(v)) : snprintf(head, sizeof(head), "-");
	crypto_hash_sha256_update(st, (const unsigned char *)head, (unsigned long long)n);
	if (v)
		crypto_hash_sha256_update(st, (const unsigned char *)v, strlen(v));
}

static void entry_hash(char out[AUDIT_HASH_HEX], const entry *e)
{
	crypto_hash_sha256_state st;
	unsigned char digest[crypto_hash_sha256_BYTES];
	char num[24];
	crypto_hash_sha256_init(&st);
	field(&st, e->prev_hash);
	snprintf(num, sizeof(num), "%lld", (long long)e->seq);
	field(&st, num);
	field(&st, e->at);
	snprintf(num, sizeof(num), "%lld", (long long)e->person_id);
	field(&st, e->person_id ? num : NULL);
	field(&st, e->actor);
	field(&st, e->action);
	field(&st, e->entity);
	field(&st, e->entity_id);
	field(&st, e->before);
	field(&st, e->after);
	crypto_hash_sha256_final(&st, digest);
	sodium_bin2hex(out, AUDIT_HASH_HEX, digest, sizeof(digest));
}

static const char *actor_of(const principal *who)
{
	if (!who)
		return "system";
	if (who->login)
		return who->login;
	return who->cli ? "cli" : "anonymous";
}

/* The last entry's seq and hash (0 and the genesis hash when empty). */
static int chain_head(int64_t *seq, char hash[AUDIT_HASH_HEX], db_conn *db)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
	if (rc < 0)
		return rc;
	*seq = 0;
	memcpy(hash, genesis, AUDIT_HASH_HEX);
	if ((rc = db_step(s)) == DB_ROW) {
		*seq = db_column_int64(s, 0);
		snprintf(hash, AUDIT_HASH_HEX, "%s", db_column_text(s, 1) ? db_column_text(s, 1) : "");
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

int audit_append(db_conn *db, const principal *who, const char *action, const char *entity,
	const char *entity_id, const char *before, const char *after)
{
	int rc;
	/* PostgreSQL lets two transactions read the same head; this lock,
	 * held to commit, makes appends take turns. SQLite's write
	 * transaction is exclusive already. */
	if (db_conn_kind(db) == DB_POSTGRES && (rc = db_exec(db, "SELECT pg_advisory_xact_lock(570058)")) < 0)
		return rc;
	int64_t last;
	char prev[AUDIT_HASH_HEX], hash[AUDIT_HASH_HEX], at[TIME_ISO_SIZE];
	if ((rc = chain_head(&last, prev, db)) < 0)
		return rc;
	time_now_iso(at);
	entry e = { .seq = last + 1, .at = at, .actor = actor_of(who), .action = action, .entity = entity,
		.entity_id = entity_id, .before = before, .after = after,
		.person_id = who ? who->person_id : 0, .prev_hash = prev };
	entry_hash(hash, &e);
	db_stmt *s;
	if ((rc = db_prepare(&s, db,
		     "INSERT INTO audit (seq, at, person_id, actor, action, entity, entity_id, before, after, "
		     "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) < 0)
		return rc;
	db_bind_int64(s, 1, e.seq);
	db_bind_text(s, 2, at);
	if (e.person_id)
		db_bind_int64(s, 3, e.person_id);
	else
		db_bind_null(s, 3);
	db_bind_text(s, 4, e.actor);
	db_bind_text(s, 5, action);
	db_bind_text(s, 6, entity);
	db_bind_text(s, 7, entity_id);
	db_bind_text(s, 8, before);
	db_bind_text(s, 9, after);
	db_bind_text(s, 10, prev);
	db_bind_text(s, 11, hash);
	rc = db_step(s);
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

int audit_append_json(db_conn *db, const principal *who, const char *action, const char *entity,
	const char *entity_id, const json_t *before, const json_t *after)
{
	char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *a = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = ((before && !b) || (after && !a)) ? err_set(ERR_NOMEM, "out of memory")
						   : audit_append(db, who, action, entity, entity_id, b, a);
	free(b);
	free(a);
	return rc;
}

int audit_append_id(db_conn *db, const principal *who, const char *action, const char *entity, int64_t id,
	json_t *before, json_t *after)
{
	char text[24];
	snprintf(text, sizeof(text), "%lld", (long long)id);
	int rc = audit_append_json(db, who, action, entity, text, before, after);
	json_decref(before);
	json_decref(after);
	return rc;
}

/* ------------------------------------------------------------------ verify */

static const char *col(db_stmt *s, int i) { return db_column_text(s, i); }

static bool check_entry(audit_report *r, db_stmt *s, int64_t expect_seq, const char *prev)
{
	entry e = { .seq = db_column_int64(s, 0), .at = col(s, 1), .person_id = db_column_int64(s, 2),
		.actor = col(s, 3), .action = col(s, 4), .entity = col(s, 5), .entity_id = col(s, 6),
		.before = col(s, 7), .after = col(s, 8), .prev_hash = col(s, 9) };
	const char *stored = col(s, 10);
	char hash[AUDIT_HASH_HEX];
	r->bad_seq = e.seq;
	if (e.seq != expect_seq) {
		snprintf(r->why, sizeof(r->why), "entry %lld is missing before it", (long long)expect_seq);
		r->why_code = "missing";
		return false;
	}
	if (!e.prev_hash || strcmp(e.prev_hash, prev) != 0) {
		snprintf(r->why, sizeof(r->why), "its previous hash does not match the entry before it");
		r->why_code = "prev_hash";
		return false;
	}
	entry_hash(hash, &e);
	if (!stored || strcmp(hash, stored) != 0) {
		snprintf(r->why, sizeof(r->why), "its contents do not match its hash (changed after it was written)");
		r->why_code = "hash";
		return false;
	}
	r->bad_seq = 0;
	return true;
}

int audit_verify(db_conn *db, audit_report *r)
{
	db_stmt *s;
	char prev[AUDIT_HASH_HEX];
	int rc;
	memset(r, 0, sizeof(*r));
	memcpy(prev, genesis, AUDIT_HASH_HEX);
	if ((rc = db_prepare(&s, db,
		     "SELECT seq, at, person_id, actor, action, entity, entity_id, before, after, prev_hash, hash "
		     "FROM audit ORDER BY seq")) < 0)
		return rc;
	int64_t expect = 1;
	while ((rc = db_step(s)) == DB_ROW) {
		if (!check_entry(r, s, expect, prev))
			break;
		snprintf(prev, sizeof(prev), "%s", col(s, 10));
		r->n_checked++;
		expect++;
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	return chain_head(&r->head_seq, r->head, db);
}

/* -------------------------------------------------------------------- list */

static int bind_filter(db_stmt *s, const audit_filter *f)
{
	int i = 1, rc = 0;
	if (f->entity && (rc = db_bind_text(s, i++, f->entity)) < 0)
		return rc;
	if (f->entity_id && (rc = db_bind_text(s, i++, f->entity_id)) < 0)
		return rc;
	if (f->person_id && (rc = db_bind_int64(s, i++, f->person_id)) < 0)
		return rc;
	if (f->from && (rc = db_bind_text(s, i++, f->from)) < 0)
		return rc;
	if (f->to && (rc = db_bind_text(s, i++, f->to)) < 0)
		return rc;
	return i;
}

static void where_clause(str *q, const audit_filter *f)
{
	str_append(q, " WHERE 1=1");
	if (f->entity)
		str_append(q, " AND entity = ?");
	if (f->entity_id)
		str_append(q, " AND entity_id = ?");
	if (f->person_id)
		str_append(q, " AND person_id = ?");
	if (f->from)
		str_append(q, " AND at >= ?");
	if (f->to)
		str_append(q, " AND at <= ?");
}

static json_t *json_text_or_null(const char *text)
{
	if (!text)
		return json_null();
	json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
	return v ? v : json_string(text);
}

static json_t *row_json(db_stmt *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "seq", json_integer(db_column_int64(s, 0)));
	json_object_set_new(o, "at", json_string(col(s, 1)));
	json_object_set_new(o, "person_id", db_column_is_null(s, 2) ? json_null() : json_integer(db_column_int64(s, 2)));
	json_object_set_new(o, "actor", json_string(col(s, 3)));
	json_object_set_new(o, "action", json_string(col(s, 4)));
	json_object_set_new(o, "entity", json_string(col(s, 5)));
	json_object_set_new(o, "entity_id", col(s, 6) ? json_string(col(s, 6)) : json_null());
	json_object_set_new(o, "before", json_text_or_null(col(s, 7)));
	json_object_set_new(o, "after", json_text_or_null(col(s, 8)));
	json_object_set_new(o, "hash", json_string(col(s, 9)));
	return o;
}

static int count_rows(int64_t *out, db_conn *db, const audit_filter *f)
{
	str q = STR_INIT;
	db_stmt *s;
	str_append(&q, "SELECT COUNT(*) FROM audit");
	where_clause(&q, f);
	int rc = str_oom(&q) ? err_set(ERR_NOMEM, "out of memory") : db_prepare(&s, db, q.ptr);
	str_free(&q);
	if (rc < 0)
		return rc;
	if ((rc = bind_filter(s, f)) > 0 && (rc = db_step(s)) == DB_ROW)
		*out = db_column_int64(s, 0);
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

int audit_list(json_t **out, db_conn *db, const audit_filter *f)
{
	int64_t total = 0;
	int rc;
	*out = NULL;
	if ((rc = count_rows(&total, db, f)) < 0)
		return rc;
	str q = STR_INIT;
	db_stmt *s;
	str_append(&q, "SELECT seq, at, person_id, actor, action, entity, entity_id, before, after, hash FROM audit");
	where_clause(&q, f);
	str_append(&q, " ORDER BY seq DESC LIMIT ? OFFSET ?");
	rc = str_oom(&q) ? err_set(ERR_NOMEM, "out of memory") : db_prepare(&s, db, q.ptr);
	str_free(&q);
	if (rc < 0)
		return rc;
	int i = bind_filter(s, f);
	if (i < 0) {
		db_finalize(s);
		return i;
	}
	db_bind_int64(s, i, f->limit);
	db_bind_int64(s, i + 1, f->offset);
	json_t *entries = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(entries, row_json(s));
	db_finalize(s);
	if (rc < 0) {
		json_decref(entries);
		return rc;
	}
	*out = json_pack("{s:o, s:I}", "entries", entries, "total", (json_int_t)total);
	return *out ? 0 : err_set(ERR_NOMEM, "out of memory");
}
