/* exchange: validating and saving value rows; CSV and DHIS2 readers and
 * writers. */
#include "domain/programme/exchange.h"
#include "domain/programme/validation.h"
#include "domain/dashboards/rollup.h"
#include "domain/people/audit.h"
#include "domain/programme/value.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/json.h"
#include "util/period.h"
#include "util/str.h"
#include "util/time.h"
#include "util/utf8.h"
#include "util/xlsx.h"

#include <sodium.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const field_names[EX_FIELDS] = { "indicator_code", "unit_code", "period", "value", "note" };

static void problem(json_t *list, const exchange_row *row, const exchange_source *src, int field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Lists the last error as the problem of row's field: its message, and
 * its template and parameters for clients that say it in their language. */
static void problem_last(json_t *list, const exchange_row *row, const exchange_source *src, int field)
{
	json_t *p = json_pack("{s:i, s:s}", "row", row->row, "field", src->names[field]);
	if (src->letters[field])
		json_object_set_new(p, "column", json_string(src->letters[field]));
	json_array_append_new(list, json_err_detail(p));
}

static void problem(json_t *list, const exchange_row *row, const exchange_source *src, int field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_setv(ERR_INVALID, fmt, ap);
	va_end(ap);
	problem_last(list, row, src, field);
}

/* Plain decimal numbers only ("1234.5", "-3", "0.25"): "1.234,5" or
 * "12,5" are refused rather than guessed at. */
static bool parse_number(double *out, const char *s)
{
	const char *p = s;
	if (*p == '-' || *p == '+')
		p++;
	size_t digits = strspn(p, "0123456789");
	if (digits == 0)
		return false;
	p += digits;
	if (*p == '.') {
		size_t frac = strspn(p + 1, "0123456789");
		if (frac == 0)
			return false;
		p += 1 + frac;
	}
	if (*p)
		return false;
	*out = strtod(s, NULL);
	return isfinite(*out);
}

typedef struct checked {
	value_key key;
	double value;
	const char *deadline;   /* the period's, YYYY-MM-DD */
	char *note;             /* NFC, owned; NULL when the row has none */
} checked;

static bool is_ascii(const char *s)
{
	while (*s && !(*s & 0x80))
		s++;
	return !*s;
}

static const char *cell(const exchange_row *row, int f) { return row->f[f] ? row->f[f] : ""; }

/* ------------------------------------------------------------ lookups */

/* A small open-addressing map from codes to what the import needs to
 * know about them, loaded once per import instead of a query per row. */
typedef struct code_entry {
	char *code;
	int64_t id;
	int flag;               /* indicator: 1 derived, 2 from the registry; unit: may report (-1 unknown) */
	char *path;
} code_entry;

typedef struct code_map {
	code_entry *slots;
	size_t cap;
} code_map;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static code_entry *map_slot(code_map *m, const char *code)
{
	size_t i = hash_str(code) & (m->cap - 1);
	while (m->slots[i].code && strcmp(m->slots[i].code, code) != 0)
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

static const code_entry *map_get(code_map *m, const char *code)
{
	code_entry *e = map_slot(m, code);
	return e->code ? e : NULL;
}

static void map_free(code_map *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->slots[i].code);
		free(m->slots[i].path);
	}
	free(m->slots);
}

/* Loads "SELECT code, id, flag, path" rows into m. */
static int map_load(code_map *m, db_conn *db, const char *count_sql, const char *sql)
{
	int64_t n = 0;
	int rc = db_run(db, &n, count_sql, "");
	if (rc < 0)
		return rc;
	m->cap = 16;
	while (m->cap < (size_t)n * 2 + 16)
		m->cap *= 2;
	if (!(m->slots = calloc(m->cap, sizeof(code_entry))))
		return err_set(ERR_NOMEM, "out of memory");
	db_stmt *s;
	if ((rc = db_prepare(&s, db, sql)) < 0)
		return rc;
	int64_t loaded = 0;
	while ((rc = db_step(s)) == DB_ROW && loaded < n) {
		const char *code = db_column_text(s, 0);
		if (!code)
			continue;
		code_entry *e = map_slot(m, code);
		if (e->code)
			continue;
		e->code = strdup(code);
		e->id = db_column_int64(s, 1);
		e->flag = (int)db_column_int64(s, 2);
		e->path = db_column_text(s, 3) ? strdup(db_column_text(s, 3)) : NULL;
		loaded++;
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* A period as a file writes it, with its code and deadline: a file has
 * few, and parsing and formatting them again took a tenth of a row's
 * checks. */
typedef struct period_seen {
	char text[16], code[16], deadline[11];
} period_seen;

#define PERIODS_KEPT 32

typedef struct lookups {
	code_map indicators, units;
	int64_t deadline_days;
	period_seen periods[PERIODS_KEPT + 1];   /* the last one for periods past the first PERIODS_KEPT */
	int n_periods;
} lookups;

static int deadline_days(int64_t *out, db_conn *db)
{
	int64_t set = 0;
	int rc;
	*out = VALUE_DEFAULT_DEADLINE_DAYS;
	if ((rc = db_run(db, &set, "SELECT COUNT(*) FROM setting WHERE key = 'report_deadline_days'", "")) < 0 ||
	    (set && (rc = db_run(db, out, "SELECT value FROM setting WHERE key = 'report_deadline_days'", "")) < 0))
		return rc;
	return 0;
}

static int lookups_load(lookups *l, db_conn *db)
{
	int rc;
	memset(l, 0, sizeof(*l));
	if ((rc = deadline_days(&l->deadline_days, db)) < 0)
		return rc;
	if ((rc = map_load(&l->indicators, db, "SELECT COUNT(*) FROM indicator",
		     "SELECT code, id, CASE WHEN formula IS NOT NULL THEN 1 WHEN registry IS NOT NULL THEN 2 ELSE 0 END, NULL FROM indicator")) < 0)
		return rc;
	return map_load(&l->units, db, "SELECT COUNT(*) FROM unit WHERE code IS NOT NULL",
		"SELECT code, id, -1, path FROM unit WHERE code IS NOT NULL");
}

/* The period written text, from those seen or parsed now; NULL with the
 * error set when it is not one. */
static const period_seen *period_of(lookups *l, const char *text)
{
	size_t n = strlen(text);
	for (int i = 0; i < l->n_periods; i++)
		if (strcmp(l->periods[i].text, text) == 0)
			return &l->periods[i];
	period p;
	if (period_parse(&p, text, n) < 0)
		return NULL;
	bool keep = l->n_periods < PERIODS_KEPT && n < sizeof(l->periods[0].text);
	period_seen *ps = &l->periods[keep ? l->n_periods++ : PERIODS_KEPT];
	snprintf(ps->text, sizeof(ps->text), "%s", keep ? text : "");
	period_format(&p, ps->code);
	date_format_iso(period_deadline(&p, (int)l->deadline_days), ps->deadline);
	return ps;
}

static void lookups_free(lookups *l)
{
	map_free(&l->indicators);
	map_free(&l->units);
}

/* ------------------------------------------------------------ checking */

/* Checks one row's cells against the lookups; false with problems listed. */
static bool check_row(checked *c, lookups *l, const principal *who, const exchange_row *row,
	const exchange_source *src, json_t *problems, int *forbidden)
{
	bool ok = true;
	memset(c, 0, sizeof(*c));
	const char *ind = cell(row, EX_INDICATOR), *unit = cell(row, EX_UNIT), *per = cell(row, EX_PERIOD), *val = cell(row, EX_VALUE);
	const code_entry *ie = map_get(&l->indicators, ind);
	if (!ie) {
		problem(problems, row, src, EX_INDICATOR, "no indicator with code '%.60s'", ind);
		ok = false;
	} else if (ie->flag == 2) {
		problem(problems, row, src, EX_INDICATOR, "%s is computed from the ecosystem registry; it takes no values", ind);
		ok = false;
	} else if (ie->flag) {
		problem(problems, row, src, EX_INDICATOR, "%s is computed from its formula; it takes no values", ind);
		ok = false;
	} else {
		c->key.indicator_id = ie->id;
	}
	code_entry *ue = map_slot(&l->units, unit);
	if (!ue->code) {
		problem(problems, row, src, EX_UNIT, "no unit with code '%.60s'", unit);
		ok = false;
	} else {
		if (ue->flag < 0)
			ue->flag = authz_check(who, ACT_REPORT_WRITE, ue->path) == 0;
		if (!ue->flag) {
			problem(problems, row, src, EX_UNIT, "you may not report for unit %s", unit);
			(*forbidden)++;
			ok = false;
		}
		c->key.unit_id = ue->id;
	}
	const period_seen *ps = period_of(l, per);
	if (!ps) {
		problem_last(problems, row, src, EX_PERIOD);
		ok = false;
	} else {
		memcpy(c->key.period, ps->code, sizeof(ps->code));
		c->deadline = ps->deadline;
	}
	if (!parse_number(&c->value, val)) {
		problem(problems, row, src, EX_VALUE, "'%.40s' is not a number (digits with a dot for decimals, e.g. 1234.5)", val);
		ok = false;
	}
	const char *note = row->f[EX_NOTE];
	if (note && strlen(note) > 4000) {
		problem(problems, row, src, EX_NOTE, "the note is longer than 4000 bytes");
		ok = false;
	} else if (note && *note) {
		/* stored as every other text is: NFC, so the same words typed
		 * on another keyboard compare and fold alike */
		int rc = is_ascii(note) ? ((c->note = strdup(note)) ? 0 : err_set(ERR_NOMEM, "out of memory"))
				       : utf8_nfc(&c->note, note, strlen(note));
		if (rc < 0) {
			problem_last(problems, row, src, EX_NOTE);
			ok = false;
		}
	}
	return ok;
}

/* ------------------------------------------------------------ importing */

/* An import streams its rows: each is checked against cached lookups and
 * the good ones go into a temporary table keyed by indicator, unit and
 * period (which also finds a key given twice), inside one write
 * transaction. At the end one join counts the keys that already have a
 * value and those submitted or approved, and then the whole table is saved
 * with one upsert — set-at-a-time, so memory stays flat however long the
 * file is. Any problem, or a dry run, rolls everything back. */
struct exchange_import {
	db_conn *db;
	const principal *who;
	exchange_source src;
	exchange_options opt;
	lookups l;
	json_t *problems;
	int n_problems, rows, staged, unchanged, skipped;
	int forbidden;                  /* problems that are units out of the person's reach */
	db_stmt *stage, *first_row;
	bool stage_kept;                /* SQLite: the stage outlives the transaction that filled it */
	crypto_hash_sha256_state digest;
	validation_cache *rules;        /* hard bounds of the indicators met */
};

#define MAX_LISTED_PROBLEMS 10000

/* On SQLite, for the length of an import: a 16 MB page cache, the stage in
 * a temporary file (not memory, which would grow with the file) with a 4
 * MB cache, and no foreign-key checks on the bulk inserts — every id in
 * the stage comes from lookups, checked again inside the write transaction
 * that saves it (stage_to_write), so they cannot dangle. Foreign keys can
 * only be switched outside a transaction; exchange_import_free switches
 * them back on.
 *
 * SQLite has one writer at a time: the file is read, checked and staged in
 * a read transaction (the stage is a temporary table, which takes no lock
 * on the database), and the write lock is taken only to save the stage,
 * so other people's saves wait for the save of the stage, not for the
 * reading of the file. PostgreSQL stages inside its write transaction. */
static const char *const sqlite_bulk_on =
	"PRAGMA foreign_keys = OFF; PRAGMA cache_size = -16384; PRAGMA temp_store = FILE; PRAGMA temp.cache_size = -4096";
static const char *const sqlite_bulk_off = "PRAGMA foreign_keys = ON";

static const char *const stage_sqlite =
	"CREATE TEMP TABLE import_stage (indicator_id INTEGER NOT NULL, unit_id INTEGER NOT NULL, period TEXT NOT NULL, "
	"value REAL NOT NULL, note TEXT, deadline TEXT NOT NULL, row INTEGER NOT NULL, "
	"PRIMARY KEY (indicator_id, unit_id, period)) WITHOUT ROWID";
static const char *const stage_pg =
	"CREATE TEMP TABLE import_stage (indicator_id BIGINT NOT NULL, unit_id BIGINT NOT NULL, period TEXT NOT NULL, "
	"value DOUBLE PRECISION NOT NULL, note TEXT, deadline TEXT NOT NULL, row INTEGER NOT NULL, "
	"PRIMARY KEY (indicator_id, unit_id, period)) ON COMMIT DROP";


void exchange_import_free(exchange_import *im)
{
	if (!im)
		return;
	db_finalize(im->stage);
	db_finalize(im->first_row);
	lookups_free(&im->l);
	validation_cache_free(im->rules);
	json_decref(im->problems);
	db_rollback(im->db);
	if (im->stage_kept)   /* a temporary table only: no write lock, no wait */
		db_exec(im->db, "BEGIN; DROP TABLE IF EXISTS temp.import_stage; COMMIT");
	if (db_conn_kind(im->db) == DB_SQLITE)
		db_exec(im->db, sqlite_bulk_off);
	free(im);
}

int exchange_import_begin(exchange_import **out, db_conn *db, const principal *who, const exchange_source *src,
	const exchange_options *opt)
{
	int rc;
	exchange_import *im = calloc(1, sizeof(*im));
	*out = NULL;
	if (!im || !(im->problems = json_array())) {
		free(im);
		return err_set(ERR_NOMEM, "out of memory");
	}
	im->db = db;
	im->who = who;
	im->src = *src;
	if (opt)
		im->opt = *opt;
	crypto_hash_sha256_init(&im->digest);
	bool sqlite = db_conn_kind(db) == DB_SQLITE;
	if ((sqlite && (rc = db_exec(db, sqlite_bulk_on)) < 0) || (rc = sqlite ? db_begin(db) : db_begin_write(db)) < 0 ||
	    (rc = lookups_load(&im->l, db)) < 0 ||
	    (rc = validation_cache_new(&im->rules)) < 0 ||
	    (rc = db_exec(db, sqlite ? stage_sqlite : stage_pg)) < 0 ||
	    (rc = db_prepare(&im->stage, db,
		     "INSERT INTO import_stage (indicator_id, unit_id, period, value, note, deadline, row) "
		     "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) < 0 ||
	    (rc = db_prepare(&im->first_row, db,
		     "SELECT row FROM import_stage WHERE indicator_id = ? AND unit_id = ? AND period = ?")) < 0) {
		exchange_import_free(im);
		return rc;
	}
	*out = im;
	return 0;
}

static void add_problem_count(exchange_import *im, size_t before)
{
	im->n_problems += (int)(json_array_size(im->problems) - before);
	while (json_array_size(im->problems) > MAX_LISTED_PROBLEMS)
		json_array_remove(im->problems, json_array_size(im->problems) - 1);
}

/* The import's digest covers each saved row as indicator id, unit id (8
 * bytes each, little-endian), the period code with its NUL and the value's
 * 8 IEEE-754 bytes, little-endian. */
static void digest_row(crypto_hash_sha256_state *d, const checked *c)
{
	unsigned char b[8 + 8 + 16 + 8];
	size_t n = 0, plen = strlen(c->key.period) + 1;
	uint64_t bits;
	memcpy(&bits, &c->value, 8);
	for (int i = 0; i < 8; i++)
		b[n++] = (unsigned char)((uint64_t)c->key.indicator_id >> (8 * i));
	for (int i = 0; i < 8; i++)
		b[n++] = (unsigned char)((uint64_t)c->key.unit_id >> (8 * i));
	memcpy(b + n, c->key.period, plen);
	n += plen;
	for (int i = 0; i < 8; i++)
		b[n++] = (unsigned char)(bits >> (8 * i));
	crypto_hash_sha256_update(d, b, n);
}

/* Puts a checked row into the stage; a key already there is a problem
 * naming the row that had it first. */
static int stage_row(exchange_import *im, const checked *c, const exchange_row *row)
{
	const char *note = c->note;
	db_stmt *s = im->stage;
	int rc;
	db_reset(s);
	db_bind_int64(s, 1, c->key.indicator_id);
	db_bind_int64(s, 2, c->key.unit_id);
	db_bind_text_static(s, 3, c->key.period);
	db_bind_double(s, 4, c->value);
	db_bind_text_static(s, 5, note);
	db_bind_text_static(s, 6, c->deadline);
	db_bind_int64(s, 7, row->row);
	if ((rc = db_step(s)) < 0)
		return rc;
	if (db_changes(im->db) == 1) {
		im->staged++;
		digest_row(&im->digest, c);
		return 0;
	}
	s = im->first_row;
	db_reset(s);
	db_bind_int64(s, 1, c->key.indicator_id);
	db_bind_int64(s, 2, c->key.unit_id);
	db_bind_text_static(s, 3, c->key.period);
	if ((rc = db_step(s)) < 0)
		return rc;
	problem(im->problems, row, &im->src, EX_PERIOD, "the same indicator, unit and period as row %lld",
		(long long)(rc == DB_ROW ? db_column_int64(s, 0) : 0));
	return 0;
}

static bool blank(const char *v)
{
	while (v && (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n'))
		v++;
	return !v || !*v;
}

int exchange_import_row(exchange_import *im, const exchange_row *row)
{
	checked c;
	size_t before = json_array_size(im->problems);
	int rc = 0;
	if (im->opt.skip_blank && blank(row->f[EX_VALUE])) {
		im->skipped++;
		return 0;
	}
	im->rows++;
	if (check_row(&c, &im->l, im->who, row, &im->src, im->problems, &im->forbidden)) {
		/* a hard bound refuses the row like any other problem */
		rc = validation_cache_bounds(im->rules, im->db, c.key.indicator_id, c.key.unit_id, c.value);
		if (rc == ERR_INVALID) {
			problem_last(im->problems, row, &im->src, EX_VALUE);
			rc = 0;
		} else if (rc == 0) {
			rc = stage_row(im, &c, row);
		}
	}
	free(c.note);
	add_problem_count(im, before);
	return rc;
}

/* Counts the staged keys that already have a value, and those of them
 * submitted or approved, in one pass; most imports find none and skip the
 * passes that would act on them. */
static int count_existing(exchange_import *im, int64_t *existing, int64_t *locked)
{
	db_stmt *s;
	int rc = db_prepare(&s, im->db,
		"SELECT COUNT(*), COALESCE(SUM(CASE WHEN v.status IN ('submitted', 'approved') THEN 1 ELSE 0 END), 0) "
		"FROM import_stage s JOIN indicator_value v "
		"ON v.indicator_id = s.indicator_id AND v.unit_id = s.unit_id AND v.period = s.period");
	if (rc < 0)
		return rc;
	if ((rc = db_step(s)) == DB_ROW) {
		*existing = db_column_int64(s, 0);
		*locked = db_column_int64(s, 1);
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* Values in the stage that were submitted or approved: a row that repeats
 * one unchanged (a sheet downloaded and sent back) is left out and
 * counted as ignored; a row that would change one is a problem. */
static int check_locked(exchange_import *im)
{
	db_stmt *s;
	size_t before = json_array_size(im->problems);
	int rc = db_run(im->db, NULL,
		"DELETE FROM import_stage WHERE EXISTS (SELECT 1 FROM indicator_value v WHERE "
		"v.indicator_id = import_stage.indicator_id AND v.unit_id = import_stage.unit_id AND "
		"v.period = import_stage.period AND v.status IN ('submitted', 'approved') AND v.value = import_stage.value AND "
		"COALESCE(v.note, '') = COALESCE(import_stage.note, ''))", "");
	if (rc < 0)
		return rc;
	im->unchanged = (int)db_changes(im->db);
	im->staged -= im->unchanged;
	rc = db_prepare(&s, im->db,
		"SELECT s.row, i.code, u.code, s.period FROM import_stage s "
		"JOIN indicator_value v ON v.indicator_id = s.indicator_id AND v.unit_id = s.unit_id AND v.period = s.period "
		"JOIN indicator i ON i.id = s.indicator_id JOIN unit u ON u.id = s.unit_id "
		"WHERE v.status IN ('submitted', 'approved') ORDER BY s.row");
	if (rc < 0)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		exchange_row row = { .row = (int)db_column_int64(s, 0) };
		problem(im->problems, &row, &im->src, EX_VALUE,
			"the value of %s for %s in %s is submitted or approved and cannot change", db_column_text(s, 1),
			db_column_text(s, 2), db_column_text(s, 3));
	}
	db_finalize(s);
	add_problem_count(im, before);
	return rc < 0 ? rc : 0;
}

/* Applies the strategy to the stage, of whose keys existing have a value:
 * CREATE leaves existing values alone, UPDATE leaves keys without a value
 * alone; those rows are counted as ignored. */
static int apply_strategy(exchange_import *im, exchange_result *r, int existing)
{
	int rc;
	r->created = im->staged - existing;
	r->updated = existing;
	const char *drop = NULL;
	if (im->opt.strategy == EX_CREATE) {
		drop = "DELETE FROM import_stage WHERE EXISTS (SELECT 1 FROM indicator_value v WHERE "
		       "v.indicator_id = import_stage.indicator_id AND v.unit_id = import_stage.unit_id AND v.period = import_stage.period)";
		r->ignored = r->updated;
		r->updated = 0;
	} else if (im->opt.strategy == EX_UPDATE) {
		drop = "DELETE FROM import_stage WHERE NOT EXISTS (SELECT 1 FROM indicator_value v WHERE "
		       "v.indicator_id = import_stage.indicator_id AND v.unit_id = import_stage.unit_id AND v.period = import_stage.period)";
		r->ignored = r->created;
		r->created = 0;
	}
	if (drop && r->ignored > 0 && (rc = db_run(im->db, NULL, drop, "")) < 0)
		return rc;
	im->staged -= r->ignored;
	return 0;
}

/* Saves the stage with one upsert. Each value's history row is the state
 * the import gives it, kept in the value row itself until the value next
 * changes (history_pending, migration 0012), so a bulk load writes each
 * value once. One audit entry for the import holds the counts and a
 * SHA-256 over the rows. */
static int save_stage(exchange_import *im, exchange_result *r)
{
	char now[TIME_ISO_SIZE];
	int64_t person = im->who->person_id;
	int rc;
	time_now_iso(now);
	/* Drafts; or, for official figures loaded as approved, approved
	 * values submitted now. */
	static const char *const upsert =
		"INSERT INTO indicator_value (indicator_id, unit_id, period, value, note, status, deadline, submitted_at, "
		"updated_at, updated_by, history_pending) "
		"SELECT indicator_id, unit_id, period, value, note, ?, deadline, ?, ?, ?, 1 FROM import_stage WHERE true "
		"ON CONFLICT (indicator_id, unit_id, period) DO UPDATE SET value = excluded.value, note = excluded.note, "
		"status = excluded.status, reason = NULL, submitted_at = excluded.submitted_at, updated_by = excluded.updated_by, "
		"updated_at = excluded.updated_at, history_pending = 1 WHERE indicator_value.status IN ('draft', 'returned')";
	const char *status = im->opt.approved ? "approved" : "draft", *submitted = im->opt.approved ? now : NULL;
	/* approved figures: one log entry per indicator rather than per value */
	if (im->opt.approved && (rc = rollup_pause(im->db)) < 0)
		return rc;
	rc = person ? db_run(im->db, NULL, upsert, "ttti", status, submitted, now, person)
		    : db_run(im->db, NULL, upsert, "tttn", status, submitted, now);
	if (rc < 0)
		return rc;
	if (db_changes(im->db) != im->staged)
		return err_set(ERR_CONFLICT, "a value in the file was submitted meanwhile; nothing was saved, try again");
	if (im->opt.approved && (rc = rollup_resume(im->db, "SELECT DISTINCT indicator_id AS id FROM import_stage")) < 0)
		return rc;
	unsigned char digest[crypto_hash_sha256_BYTES];
	char hex[65];
	crypto_hash_sha256_final(&im->digest, digest);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	json_t *summary = json_pack("{s:i, s:i, s:i, s:i, s:s}", "rows", im->rows, "created", r->created, "updated",
		r->updated, "ignored", r->ignored, "rows_sha256", hex);
	rc = audit_append_json(im->db, im->who, "import", "indicator_value", NULL, NULL, summary);
	json_decref(summary);
	return rc;
}

/* A dry run's answer, row by row: what each row of the file would save
 * (created or updated, with the value it replaces). */
static int preview_rows(exchange_import *im, exchange_result *r)
{
	db_stmt *s;
	int rc = db_prepare(&s, im->db,
		"SELECT s.row, i.code, i.name_vi, i.measure, u.code, u.name, s.period, s.value, s.note, v.value, v.status "
		"FROM import_stage s JOIN indicator i ON i.id = s.indicator_id JOIN unit u ON u.id = s.unit_id "
		"LEFT JOIN indicator_value v ON v.indicator_id = s.indicator_id AND v.unit_id = s.unit_id AND v.period = s.period "
		"ORDER BY s.row");
	if (rc < 0)
		return rc;
	json_t *rows = json_array();
	while ((rc = db_step(s)) == DB_ROW) {
		json_t *o = json_pack("{s:I, s:s, s:s, s:s?, s:s, s:s, s:s, s:f, s:s?, s:s}", "row",
			(json_int_t)db_column_int64(s, 0), "indicator_code", db_column_text(s, 1), "indicator_name",
			db_column_text(s, 2), "measure", db_column_text(s, 3), "unit_code", db_column_text(s, 4), "unit_name",
			db_column_text(s, 5), "period", db_column_text(s, 6), "value", db_column_double(s, 7), "note",
			db_column_text(s, 8), "action", db_column_is_null(s, 10) ? "create" : "update");
		json_object_set_new(o, "previous_value", db_column_is_null(s, 9) ? json_null() : json_real(db_column_double(s, 9)));
		json_object_set_new(o, "previous_status", db_column_text(s, 10) ? json_string(db_column_text(s, 10)) : json_null());
		json_array_append_new(rows, o);
	}
	db_finalize(s);
	if (rc < 0) {
		json_decref(rows);
		return rc;
	}
	r->rows = rows;
	return 0;
}

/* SQLite: ends the read transaction the stage was filled in and takes the
 * write lock (waiting for the writers before it), then checks that every
 * indicator and unit the stage names still exists. */
static int stage_to_write(exchange_import *im)
{
	int64_t gone = 0;
	int rc;
	db_finalize(im->stage);
	db_finalize(im->first_row);
	im->stage = im->first_row = NULL;
	if ((rc = db_commit(im->db)) < 0)
		return rc;
	im->stage_kept = true;
	if ((rc = db_begin_write(im->db)) < 0 ||
	    (rc = db_run(im->db, &gone, "SELECT COUNT(*) FROM import_stage s WHERE "
					"NOT EXISTS (SELECT 1 FROM indicator i WHERE i.id = s.indicator_id) OR "
					"NOT EXISTS (SELECT 1 FROM unit u WHERE u.id = s.unit_id)", "")) < 0)
		return rc;
	if (gone)
		return err_set(ERR_CONFLICT, "an indicator or unit of the file was removed meanwhile; nothing was saved, try again");
	return 0;
}

int exchange_import_end(exchange_import *im, exchange_result *r)
{
	int rc = 0;
	memset(r, 0, sizeof(*r));
	r->total = im->rows;
	r->skipped = im->skipped;
	int64_t existing = 0, locked = 0;
	if (im->n_problems == 0 && !im->opt.dry_run && db_conn_kind(im->db) == DB_SQLITE && (rc = stage_to_write(im)) < 0)
		goto done;
	if (im->n_problems == 0 && ((rc = count_existing(im, &existing, &locked)) < 0 || (locked > 0 && (rc = check_locked(im)) < 0)))
		goto done;
	if (im->n_problems > 0) {
		r->problems = json_incref(im->problems);
		if (im->n_problems > MAX_LISTED_PROBLEMS)
			rc = err_set(ERR_INVALID, "%d problems in the data (the first %d are listed); nothing was saved",
				im->n_problems, MAX_LISTED_PROBLEMS);
		else if (im->forbidden == im->n_problems)
			rc = err_set(ERR_FORBIDDEN, "you may not report for the units of this file; nothing was saved");
		else
			rc = err_set(ERR_INVALID, "%d problem(s) in the data; nothing was saved", im->n_problems);
		goto done;
	}
	if ((rc = apply_strategy(im, r, (int)(existing - im->unchanged))) < 0)
		goto done;
	r->ignored += im->unchanged;
	if (im->opt.dry_run) {
		rc = im->opt.preview ? preview_rows(im, r) : 0;
		goto done;
	}
	db_finalize(im->stage);
	db_finalize(im->first_row);
	im->stage = im->first_row = NULL;
	if ((rc = save_stage(im, r)) < 0 ||
	    (db_conn_kind(im->db) == DB_SQLITE && (rc = db_exec(im->db, "DROP TABLE import_stage")) < 0))
		goto done;
	if ((rc = db_commit(im->db)) == 0)
		im->stage_kept = false;
done:
	if (rc < 0 && rc != ERR_INVALID)
		r->created = r->updated = r->ignored = 0;
	exchange_import_free(im);
	return rc;
}

int exchange_import_rows(exchange_result *r, db_conn *db, const principal *who, const exchange_row *rows, int n,
	const exchange_source *src, const exchange_options *opt)
{
	exchange_import *im;
	int rc = exchange_import_begin(&im, db, who, src, opt);
	if (rc < 0) {
		memset(r, 0, sizeof(*r));
		return rc;
	}
	for (int i = 0; i < n && rc == 0; i++)
		rc = exchange_import_row(im, &rows[i]);
	if (rc < 0) {
		exchange_import_free(im);
		memset(r, 0, sizeof(*r));
		return rc;
	}
	return exchange_import_end(im, r);
}

/* ------------------------------------------------------------------ CSV */

void exchange_rows_free(exchange_rows *r)
{
	free(r->rows);
	memset(r, 0, sizeof(*r));
}

static const char *const column_letters[] = { "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N",
	"O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z" };

/* The Vietnamese column titles our sheets carry; a header cell matches a
 * field by its code or its title, ignoring case and diacritics. */
static const char *const field_titles[EX_FIELDS] = { "Mã chỉ tiêu", "Mã đơn vị", "Kỳ báo cáo", "Giá trị", "Ghi chú" };
/* and as our English sheets title them */
static const char *const field_titles_en[EX_FIELDS] = { "Indicator code", "Unit code", "Period", "Value", "Note" };

static bool header_is(const char *cell, const char *title)
{
	char *a = NULL, *b = NULL;
	bool same = vn_fold(&a, cell, strlen(cell)) == 0 && vn_fold(&b, title, strlen(title)) == 0 && strcmp(a, b) == 0;
	free(a);
	free(b);
	return same;
}

/* Maps the header row to the fields named names (a title, when given, is
 * another accepted name); note is optional. */
static int map_header(exchange_columns *cols, const csv_record *rec, const char *const names[EX_FIELDS],
	const char *const titles[EX_FIELDS])
{
	for (int f = 0; f < EX_FIELDS; f++) {
		cols->col[f] = -1;
		for (int i = 0; i < rec->n && cols->col[f] < 0; i++)
			if (strcasecmp(rec->f[i], names[f]) == 0 ||
			    (titles && (header_is(rec->f[i], titles[f]) || header_is(rec->f[i], field_titles_en[f]))))
				cols->col[f] = i;
		cols->src.names[f] = names[f];
		cols->src.letters[f] = cols->col[f] >= 0 && cols->col[f] < 26 ? column_letters[cols->col[f]] : NULL;
		if (cols->col[f] < 0 && f != EX_NOTE)
			return titles
				? err_set(ERR_INVALID, "row %d: the header needs the column %s (%s); the columns are %s, %s, %s, %s "
						       "and optionally %s", rec->line, names[f], titles[f], names[0], names[1], names[2],
					  names[3], names[4])
				: err_set(ERR_INVALID, "row %d: the header needs the column %s; the columns are %s, %s, %s, %s "
						       "and optionally %s", rec->line, names[f], names[0], names[1], names[2], names[3],
					  names[4]);
	}
	return 0;
}

int exchange_header(exchange_columns *cols, const csv_record *rec)
{
	return map_header(cols, rec, field_names, field_titles);
}

void exchange_record_row(exchange_row *row, const exchange_columns *cols, const csv_record *rec)
{
	row->row = rec->line;
	for (int f = 0; f < EX_FIELDS; f++)
		row->f[f] = cols->col[f] >= 0 && cols->col[f] < rec->n ? rec->f[cols->col[f]] : "";
}

static void fmt_value(char out[40], const json_t *v)
{
	if (json_is_number(v))
		snprintf(out, 40, "%.15g", json_number_value(v));
	else
		out[0] = '\0';
}

static int csv_import(exchange_result *r, db_conn *db, const principal *who, const char *csv, size_t len,
	const exchange_options *opt, const char *const names[EX_FIELDS], const char *const titles[EX_FIELDS])
{
	csv_reader rd;
	csv_record rec;
	exchange_columns cols;
	exchange_import *im = NULL;
	int rc;
	memset(r, 0, sizeof(*r));
	csv_init(&rd, csv, len);
	if ((rc = csv_read(&rd, &rec)) <= 0) {
		csv_free(&rd);
		return rc < 0 ? rc : err_set(ERR_INVALID, "the file is empty (a header row is needed)");
	}
	if ((rc = map_header(&cols, &rec, names, titles)) < 0 ||
	    (rc = exchange_import_begin(&im, db, who, &cols.src, opt)) < 0) {
		csv_free(&rd);
		return rc;
	}
	size_t released = 0;
	int width = rec.n;
	while ((rc = csv_read(&rd, &rec)) == 1) {
		exchange_row row;
		if ((rc = csv_check_width(&rec, width)) < 0)
			break;
		exchange_record_row(&row, &cols, &rec);
		if ((rc = exchange_import_row(im, &row)) < 0)
			break;
		if (opt && opt->release)
			opt->release(opt->release_ctx, csv, (size_t)(rd.p - csv), &released);
	}
	csv_free(&rd);
	if (rc < 0) {
		exchange_import_free(im);
		return rc;
	}
	return exchange_import_end(im, r);
}

int exchange_csv_import(exchange_result *r, db_conn *db, const principal *who, const char *csv, size_t len,
	const exchange_options *opt)
{
	return csv_import(r, db, who, csv, len, opt, field_names, field_titles);
}

int exchange_dhis2_csv_write(char **out, size_t *len, const json_t *list)
{
	str s = STR_INIT;
	size_t i;
	json_t *v;
	str_append(&s, "dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,followup,deleted\r\n");
	json_array_foreach(json_object_get(list, "values"), i, v) {
		char num[40];
		fmt_value(num, json_object_get(v, "value"));
		csv_append_field(&s, json_string_value(json_object_get(v, "indicator_code")));
		str_appendc(&s, ',');
		csv_append_field(&s, json_string_value(json_object_get(v, "period")));
		str_appendc(&s, ',');
		csv_append_field(&s, json_string_value(json_object_get(v, "unit_code")));
		str_appendf(&s, ",,,%s,", num);
		csv_append_field(&s, json_string_value(json_object_get(v, "stored_by")));
		str_appendc(&s, ',');
		csv_append_field(&s, json_string_value(json_object_get(v, "updated_at")));
		str_appendc(&s, ',');
		csv_append_field(&s, json_string_value(json_object_get(v, "note")));
		str_append(&s, ",false,false\r\n");
	}
	if (str_oom(&s)) {
		str_free(&s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	*len = s.len;
	*out = str_detach(&s);
	return 0;
}

/* ----------------------------------------------------------------- XLSX */

/* How far down a sheet its header row may be. */
#define SHEET_HEADER_WITHIN 12

typedef struct sheet_import {
	exchange_columns cols;
	exchange_import *im;
	const principal *who;
	db_conn *db;
	const exchange_options *opt;
	int width;                      /* the header row's last column */
} sheet_import;

static int sheet_row(void *ctx, const csv_record *rec)
{
	sheet_import *si = ctx;
	int rc;
	if (!si->im) {
		/* title and note lines may stand above the header */
		if ((rc = exchange_header(&si->cols, rec)) < 0)
			return rec->line < SHEET_HEADER_WITHIN ? 0 : rc;
		si->width = rec->n;
		return exchange_import_begin(&si->im, si->db, si->who, &si->cols.src, si->opt);
	}
	/* a row's last filled cell past the header's: blank cells are not
	 * stored in a sheet, so only more cells than the header can be told */
	if (rec->n > si->width)
		return csv_check_width(rec, si->width);
	exchange_row row;
	exchange_record_row(&row, &si->cols, rec);
	return exchange_import_row(si->im, &row);
}

int exchange_xlsx_import(exchange_result *r, db_conn *db, const principal *who, const void *data, size_t len,
	const exchange_options *opt)
{
	sheet_import si = { .who = who, .db = db, .opt = opt };
	memset(r, 0, sizeof(*r));
	int rc = xlsx_read(data, len, sheet_row, &si);
	if (rc < 0) {
		exchange_import_free(si.im);
		return rc;
	}
	if (!si.im)
		return err_set(ERR_INVALID, "the sheet has no header row (Mã chỉ tiêu, Mã đơn vị, Kỳ báo cáo, Giá trị) in its first %d rows",
			SHEET_HEADER_WITHIN);
	return exchange_import_end(si.im, r);
}

bool exchange_is_xlsx(const void *data, size_t len)
{
	return len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

int exchange_csv_write(char **out, size_t *len, const json_t *list)
{
	str s = STR_INIT;
	size_t i;
	json_t *v;
	str_append(&s, "indicator_code,unit_code,period,value,note\r\n");
	json_array_foreach(json_object_get(list, "values"), i, v) {
		char num[40];
		fmt_value(num, json_object_get(v, "value"));
		csv_append_field(&s, json_string_value(json_object_get(v, "indicator_code")));
		str_appendc(&s, ',');
		csv_append_field(&s, json_string_value(json_object_get(v, "unit_code")));
		str_appendc(&s, ',');
		csv_append_field(&s, json_string_value(json_object_get(v, "period")));
		str_appendf(&s, ",%s,", num);
		csv_append_field(&s, json_string_value(json_object_get(v, "note")));
		str_append(&s, "\r\n");
	}
	if (str_oom(&s)) {
		str_free(&s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	*len = s.len;
	*out = str_detach(&s);
	return 0;
}

/* ---------------------------------------------------------------- DHIS2 */

int exchange_dhis2_read(exchange_rows *out, const json_t *in)
{
	static const char *const names[EX_FIELDS] = { "dataElement", "orgUnit", "period", "value", "comment" };
	memset(out, 0, sizeof(*out));
	for (int f = 0; f < EX_FIELDS; f++)
		out->src.names[f] = names[f];
	const json_t *list = json_object_get(in, "dataValues");
	if (!json_is_object(in) || !json_is_array(list))
		return err_set(ERR_INVALID, "a dataValueSet is an object with a 'dataValues' array");
	const char *def_period = json_string_value(json_object_get(in, "period"));
	const char *def_unit = json_string_value(json_object_get(in, "orgUnit"));
	out->n = (int)json_array_size(list);
	out->rows = calloc((size_t)(out->n ? out->n : 1), sizeof(exchange_row));
	if (!out->rows)
		return err_set(ERR_NOMEM, "out of memory");
	size_t i;
	json_t *dv;
	json_array_foreach(list, i, dv) {
		exchange_row *r = &out->rows[i];
		r->row = (int)i;
		r->f[EX_INDICATOR] = json_string_value(json_object_get(dv, "dataElement"));
		r->f[EX_UNIT] = json_string_value(json_object_get(dv, "orgUnit"));
		r->f[EX_PERIOD] = json_string_value(json_object_get(dv, "period"));
		r->f[EX_VALUE] = json_string_value(json_object_get(dv, "value"));
		r->f[EX_NOTE] = json_string_value(json_object_get(dv, "comment"));
		if (!r->f[EX_UNIT])
			r->f[EX_UNIT] = def_unit;
		if (!r->f[EX_PERIOD])
			r->f[EX_PERIOD] = def_period;
	}
	return 0;
}
