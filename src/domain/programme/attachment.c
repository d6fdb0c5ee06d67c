/* attachment: sniffing, storing by SHA-256, linking, finding. */
#include "domain/programme/attachment.h"
#include "domain/people/audit.h"
#include "util/err.h"
#include "util/str.h"
#include "util/time.h"
#include "util/utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAME_MAX_BYTES 200
#define PATH_BYTES 4096

static bool ends_with(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);
	return n > e && strcasecmp(name + n - e, ext) == 0;
}

const char *attachment_sniff(const char *p, size_t len, const char *name)
{
	if (len == 0) {
		err_set(ERR_INVALID, "the file is empty");
		return NULL;
	}
	if (len >= 5 && memcmp(p, "%PDF-", 5) == 0)
		return "application/pdf";
	if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (len >= 3 && memcmp(p, "\xff\xd8\xff", 3) == 0)
		return "image/jpeg";
	if (len >= 4 && memcmp(p, "PK\x03\x04", 4) == 0) {
		/* Office Open XML is a zip whose parts live under [Content_Types].xml. */
		if (memmem(p, len < 4096 ? len : 4096, "[Content_Types].xml", 19)) {
			if (ends_with(name, ".docx"))
				return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
			return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
		}
		err_set(ERR_INVALID, "'%s' is a zip archive, not an Excel or Word file", name);
		return NULL;
	}
	if (!memchr(p, '\0', len) && utf8_valid(p, len)) {
		const char *start = p + (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0);
		while (start < p + len && (*start == ' ' || *start == '\n' || *start == '\r' || *start == '\t'))
			start++;
		if (start < p + len && *start == '<') {
			err_set(ERR_INVALID, "'%s' looks like HTML or XML, which is not accepted as evidence", name);
			return NULL;
		}
		return ends_with(name, ".csv") ? "text/csv; charset=utf-8" : "text/plain; charset=utf-8";
	}
	err_set(ERR_INVALID, "'%s' is not a PDF, PNG, JPEG, Excel, Word, CSV or text file", name);
	return NULL;
}

int attachment_record(const char **unit_path, bool *is_public, db_conn *db, arena *a, const char *entity,
	int64_t entity_id)
{
	const char *sql;
	db_stmt *s;
	*unit_path = NULL;
	*is_public = false;
	if (strcmp(entity, "indicator_value") == 0)
		sql = "SELECT u.path, (v.status = 'approved' AND i.public = 1) FROM indicator_value v "
		      "JOIN unit u ON u.id = v.unit_id JOIN indicator i ON i.id = v.indicator_id WHERE v.id = ?";
	else if (strcmp(entity, "task_report") == 0)
		sql = "SELECT u.path, 0 FROM task_report r JOIN unit u ON u.id = r.unit_id WHERE r.id = ?";
	else if (strcmp(entity, "agreement") == 0)   /* the file of an agreement, public unless a draft */
		sql = "SELECT '/', CASE WHEN status = 'draft' THEN 0 ELSE 1 END FROM agreement WHERE id = ?";
	else if (strcmp(entity, "organisation_logo") == 0)   /* public with the organisation's profile */
		sql = "SELECT '/', CASE WHEN published = 1 AND status <> 'merged' THEN 1 ELSE 0 END FROM organisation WHERE id = ?";
	else
		return err_set(ERR_INVALID, "'entity' must be indicator_value, task_report, agreement or organisation_logo");
	int rc = db_prepare(&s, db, sql);
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, entity_id);
	if ((rc = db_step(s)) == DB_ROW) {
		*unit_path = arena_strdup(a, db_column_text(s, 0));
		*is_public = db_column_int64(s, 1) != 0;
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (*unit_path)
		return 0;
	if (strcmp(entity, "agreement") == 0)
		return err_set(ERR_NOTFOUND, "no agreement with id %lld", (long long)entity_id);
	if (strcmp(entity, "organisation_logo") == 0)
		return err_set(ERR_NOTFOUND, "no organisation with id %lld", (long long)entity_id);
	return strcmp(entity, "task_report") == 0 ? err_set(ERR_NOTFOUND, "no task report with id %lld", (long long)entity_id)
						  : err_set(ERR_NOTFOUND, "no indicator value with id %lld", (long long)entity_id);
}

/* DATA_DIR/attachments/ab/<hash>; ERR_INVALID if the data dir's path is
 * too long for it. */
static int stored_path(char out[PATH_BYTES], const char *data_dir, const char *hash)
{
	int n = snprintf(out, PATH_BYTES, "%s/attachments/%.2s/%s", data_dir, hash, hash);
	return n > 0 && n < PATH_BYTES ? 0 : err_set(ERR_INVALID, "the data directory's path is too long");
}

/* The disk, or the owner's share of it, is full. */
static bool no_space(int e) { return e == ENOSPC || e == EDQUOT; }

static int mkdir_p(const char *dir)
{
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0750) < 0 && errno != EEXIST)
			return err_set(no_space(errno) ? ERR_NOSPACE : ERR_GENERIC, "cannot create %s: %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0750) < 0 && errno != EEXIST)
		return err_set(no_space(errno) ? ERR_NOSPACE : ERR_GENERIC, "cannot create %s: %s", buf, strerror(errno));
	return 0;
}

/* Writes the bytes to a temporary file beside the target and renames it:
 * a reader never sees half a file; storing the same bytes twice is
 * harmless. */
static int store(const char path[PATH_BYTES], const char *p, size_t len)
{
	char dir[PATH_BYTES], tmp[PATH_BYTES + 32];
	memcpy(dir, path, PATH_BYTES);
	*strrchr(dir, '/') = '\0';
	int rc = mkdir_p(dir);
	if (rc < 0)
		return rc;
	struct stat st;
	if (stat(path, &st) == 0 && (size_t)st.st_size == len)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		return err_set(no_space(errno) ? ERR_NOSPACE : ERR_GENERIC, "cannot write %s: %s", tmp, strerror(errno));
	size_t done = 0;
	int e = 0;
	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e = n < 0 ? errno : ENOSPC;   /* a write of nothing: the disk is full */
			break;
		}
		done += (size_t)n;
	}
	if (!e && fsync(fd) < 0)
		e = errno;
	if (close(fd) < 0 && !e)
		e = errno;
	if (!e && rename(tmp, path) < 0)
		e = errno;
	if (e) {
		unlink(tmp);
		return err_set(no_space(e) ? ERR_NOSPACE : ERR_GENERIC, "cannot store the file under %s: %s", dir, strerror(e));
	}
	return 0;
}

int attachment_store(char hash[65], const char *data_dir, const char *p, size_t len)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	char path[PATH_BYTES];
	int rc;
	crypto_hash_sha256(digest, (const unsigned char *)p, len);
	sodium_bin2hex(hash, 65, digest, sizeof(digest));
	if ((rc = stored_path(path, data_dir, hash)) < 0)
		return rc;
	return store(path, p, len);
}

int attachment_stored_path(const char **out, arena *a, const char *data_dir, const char *hash)
{
	char path[PATH_BYTES];
	int rc;
	if (strlen(hash) != 64 || strspn(hash, "0123456789abcdef") != 64)
		return err_set(ERR_INVALID, "not a stored file's hash");
	if ((rc = stored_path(path, data_dir, hash)) < 0)
		return rc;
	*out = arena_strdup(a, path);
	return *out ? 0 : err_set(ERR_NOMEM, "out of memory");
}

static json_t *row_json(db_stmt *s)
{
	return json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)db_column_int64(s, 0), "name", db_column_text(s, 1),
		"type", db_column_text(s, 2), "size", (json_int_t)db_column_int64(s, 3), "created_at", db_column_text(s, 4));
}

/* An SVG drawing: UTF-8 text whose first element, after an XML
 * declaration, comments or a doctype, is <svg. */
static bool is_svg(const char *p, size_t len)
{
	if (memchr(p, '\0', len) || !utf8_valid(p, len))
		return false;
	const char *at = p + (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0), *end = p + len;
	while (at < end) {
		while (at < end && (*at == ' ' || *at == '\n' || *at == '\r' || *at == '\t'))
			at++;
		if (end - at >= 4 && (memcmp(at, "<svg", 4) == 0 || memcmp(at, "<SVG", 4) == 0))
			return end - at == 4 || strchr(" \t\r\n>/", at[4]) != NULL;
		if (end - at < 2 || at[0] != '<' || (at[1] != '?' && at[1] != '!'))
			return false;
		const char *close = memchr(at, '>', (size_t)(end - at));   /* skip <?xml ...?>, <!-- ... -->, <!DOCTYPE ...> */
		if (!close)
			return false;
		at = close + 1;
	}
	return false;
}

/* The image type of a logo: PNG, JPEG, WebP or SVG, decided from the
 * bytes; NULL (ERR_INVALID set) for anything else or over LOGO_MAX_BYTES. */
#define LOGO_MAX_BYTES (1024 * 1024)
static const char *logo_sniff(const char *p, size_t len, const char *name)
{
	if (len == 0) {
		err_set(ERR_INVALID, "the file is empty");
		return NULL;
	}
	if (len > LOGO_MAX_BYTES) {
		err_set(ERR_INVALID, "'%s' is larger than %s, the most a logo may be", name, "1 MiB");
		return NULL;
	}
	if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (len >= 3 && memcmp(p, "\xff\xd8\xff", 3) == 0)
		return "image/jpeg";
	if (len >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return "image/webp";
	if (is_svg(p, len))
		return "image/svg+xml";
	err_set(ERR_INVALID, "'%s' is not a PNG, JPEG, WebP or SVG image", name);
	return NULL;
}

/* Makes attachment id the logo of organisation org_id, in the caller's
 * transaction, with the organisation's audit entry. */
static int set_logo(db_conn *db, const principal *who, int64_t org_id, int64_t id)
{
	db_stmt *s;
	json_t *before = NULL;
	char *name = NULL;
	bool merged = false;
	int rc = db_prepare(&s, db, "SELECT logo_id, name, status FROM organisation WHERE id = ?");
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, org_id);
	if ((rc = db_step(s)) == DB_ROW) {
		before = json_pack("{s:o}", "logo_id", db_column_is_null(s, 0) ? json_null() : json_integer(db_column_int64(s, 0)));
		name = strdup(db_column_text(s, 1));
		merged = strcmp(db_column_text(s, 2), "merged") == 0;
	}
	db_finalize(s);
	if (rc < 0 || !before || !name) {
		json_decref(before);
		free(name);
		return rc < 0 ? rc : err_set(ERR_NOTFOUND, "no organisation with id %lld", (long long)org_id);
	}
	if (merged) {
		rc = err_set(ERR_CONFLICT, "%s was merged into another organisation and does not change", name);
		json_decref(before);
		free(name);
		return rc;
	}
	free(name);
	char now[TIME_ISO_SIZE];
	time_now_iso(now);
	if ((rc = db_run(db, NULL, "UPDATE organisation SET logo_id = ?, updated_at = ? WHERE id = ?", "iti", id, now, org_id)) < 0) {
		json_decref(before);
		return rc;
	}
	return audit_append_id(db, who, "update", "organisation", org_id, before,
		json_pack("{s:I}", "logo_id", (json_int_t)id));
}

int attachment_add(json_t **out, db_conn *db, const principal *who, const char *data_dir, const char *entity,
	int64_t entity_id, const char *name, const char *p, size_t len)
{
	char hash[65], now[TIME_ISO_SIZE], id_text[24];
	int64_t id = 0;
	int rc;
	*out = NULL;
	if (!name || !*name || strlen(name) > NAME_MAX_BYTES || !utf8_valid(name, strlen(name)) || strpbrk(name, "/\\\r\n"))
		return err_set(ERR_INVALID, "'name' must be a file name of 1 to %d bytes without slashes", NAME_MAX_BYTES);
	bool logo = strcmp(entity, "organisation_logo") == 0;
	const char *type = logo ? logo_sniff(p, len, name) : attachment_sniff(p, len, name);
	if (!type)
		return ERR_INVALID;
	if ((rc = attachment_store(hash, data_dir, p, len)) < 0)
		return rc;
	time_now_iso(now);
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = db_run(db, &id,
		     "INSERT INTO attachment (sha256, name, type, size, entity, entity_id, uploaded_by, created_at) "
		     "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		     "tttitiit", hash, name, type, (int64_t)len, entity, entity_id, who->person_id, now)) < 0)
		goto fail;
	*out = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:I}", "id", (json_int_t)id, "name", name, "type", type, "size",
		(json_int_t)len, "sha256", hash, "entity", entity, "entity_id", (json_int_t)entity_id);
	snprintf(id_text, sizeof(id_text), "%lld", (long long)id);
	if ((rc = audit_append_json(db, who, "upload", "attachment", id_text, NULL, *out)) < 0 ||
	    (logo && (rc = set_logo(db, who, entity_id, id)) < 0))
		goto fail;
	return db_commit(db);
fail:
	json_decref(*out);
	*out = NULL;
	db_rollback(db);
	return rc;
}

int attachment_find(attachment_file *out, db_conn *db, arena *a, const char *data_dir, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT entity, entity_id, name, type, size, sha256 FROM attachment WHERE id = ?");
	memset(out, 0, sizeof(*out));
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW) {
		char path[PATH_BYTES];
		out->entity = arena_strdup(a, db_column_text(s, 0));
		out->entity_id = db_column_int64(s, 1);
		out->name = arena_strdup(a, db_column_text(s, 2));
		out->type = arena_strdup(a, db_column_text(s, 3));
		out->size = db_column_int64(s, 4);
		if (stored_path(path, data_dir, db_column_text(s, 5)) == 0)
			out->path = arena_strdup(a, path);
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	return out->path ? 0 : err_set(ERR_NOTFOUND, "no attachment with id %lld", (long long)id);
}

int attachment_list(json_t **out, db_conn *db, const char *entity, int64_t entity_id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT id, name, type, size, created_at FROM attachment WHERE entity = ? AND entity_id = ? "
				    "ORDER BY id");
	*out = NULL;
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, entity);
	db_bind_int64(s, 2, entity_id);
	json_t *list = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(list, row_json(s));
	db_finalize(s);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}
