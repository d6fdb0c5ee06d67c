/* attachment: evidence files (minh chứng) for indicator values and task
 * reports. A file is stored once under DATA_DIR/attachments/ab/cdef... by
 * its SHA-256; its type is decided from its first bytes, never from its
 * name: PDF, PNG, JPEG, Office Open XML (xlsx, docx), or UTF-8 text (csv,
 * txt). Anything else is refused. An organisation's logo
 * (entity organisation_logo) is a PNG, JPEG, WebP or SVG image of at most
 * 1 MiB; adding one makes it the organisation's logo in the same
 * transaction (audited as an update of the organisation). */
#ifndef NQ57_ATTACHMENT_H
#define NQ57_ATTACHMENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"
#include "util/arena.h"

/* The MIME type of p[0..len) with file name name, or NULL (ERR_INVALID
 * set) when it is not an accepted kind. */
const char *attachment_sniff(const char *p, size_t len, const char *name);

/* The record an attachment belongs to: its unit's path, whether it is
 * public (an approved value of a public indicator). ERR_NOTFOUND. */
int attachment_record(const char **unit_path, bool *is_public, db_conn *db, arena *a, const char *entity,
	int64_t entity_id);

/* Stores p[0..len) (named name) under data_dir and links it to the record
 * in one transaction with its audit entry. *out: the attachment as JSON. */
int attachment_add(json_t **out, db_conn *db, const principal *who, const char *data_dir, const char *entity,
	int64_t entity_id, const char *name, const char *p, size_t len);

/* Where attachment id is: its record and the stored file's path (arena). */
typedef struct attachment_file {
	const char *entity, *name, *type, *path;
	int64_t entity_id, size;
} attachment_file;
int attachment_find(attachment_file *out, db_conn *db, arena *a, const char *data_dir, int64_t id);

/* The content-addressed store beneath attachments, for other stored
 * files (reports): attachment_store writes p[0..len) once under data_dir
 * by its SHA-256 (hash: 64 hex digits + NUL), through a temporary file
 * renamed into place, so a failed write leaves nothing behind: ERR_NOSPACE
 * when the disk (or the owner's quota) is full, the path and the system's
 * reason in the message for the log. attachment_stored_path says where
 * the bytes of a hash are (arena a). */
int attachment_store(char hash[65], const char *data_dir, const char *p, size_t len);
int attachment_stored_path(const char **out, arena *a, const char *data_dir, const char *hash);

/* [{id, name, type, size, created_at}] of a record. */
int attachment_list(json_t **out, db_conn *db, const char *entity, int64_t entity_id);

#endif
