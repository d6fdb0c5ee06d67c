/* attachments: /api/v1/attachments — evidence files. Upload the raw bytes
 * with ?entity=indicator_value|task_report&entity_id=N&name=FILE (whoever
 * may report for the record's unit), ?entity=agreement (the registry's
 * writers) or ?entity=organisation_logo&entity_id=ORG (the organisation's
 * editors and the registry's writers); download by id (anyone for a public
 * record, else those who may read its unit). */
#include "api/api.h"
#include "domain/programme/task.h"
#include "domain/programme/attachment.h"
#include "util/err.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int api_attachments_upload(http_req *req)
{
	const api_app *app = req->app;
	const char *entity = http_req_query(req, "entity"), *name = http_req_query(req, "name"), *path;
	const principal *who;
	int64_t entity_id;
	bool is_public;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_principal(&who, req)) < 0)
		return rc;
	if (!who->person_id)
		return err_set(ERR_UNAUTHORIZED, "sign in to upload evidence");
	if (!entity || !name)
		return err_set(ERR_INVALID, "give ?entity=indicator_value|task_report&entity_id=N&name=FILE");
	if ((rc = api_query_int64(&entity_id, req, "entity_id", 0, 1, INT64_MAX)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = attachment_record(&path, &is_public, db, &req->a, entity, entity_id)) < 0)
		return rc == ERR_NOTFOUND ? err_set(ERR_INVALID, "%s", err_msg()) : rc;
	/* an agreement's file is the registry writers' to add; a logo its
	 * organisation's editors' too */
	bool agreement = strcmp(entity, "agreement") == 0, logo = strcmp(entity, "organisation_logo") == 0;
	if (logo && !authz_edits_organisation(who, entity_id) && (rc = api_require(req, ACT_REGISTRY_WRITE, NULL)) < 0)
		return rc;
	if ((rc = logo ? 0 : agreement ? api_require(req, ACT_REGISTRY_WRITE, NULL) : api_require(req, ACT_REPORT_WRITE, path)) < 0 ||
	    (rc = attachment_add(&out, db, who, app->data_dir, entity, entity_id, name, req->body.ptr ? req->body.ptr : "",
		     req->body.len)) < 0)
		return rc;
	return api_respond_json(req, 201, out);
}

/* filename*=UTF-8''... (RFC 5987) so Vietnamese names survive. */

int api_attachments_get(http_req *req)
{
	const api_app *app = req->app;
	const principal *who;
	const char *path;
	attachment_file f;
	bool is_public;
	int64_t id;
	db_conn *db;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = api_principal(&who, req)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = attachment_find(&f, db, &req->a, app->data_dir, id)) < 0 ||
	    (rc = attachment_record(&path, &is_public, db, &req->a, f.entity, f.entity_id)) < 0)
		return rc;
	/* a draft agreement's file, an unpublished organisation's logo: anyone
	 * signed in, as the agreement or the profile itself */
	bool svg = strcmp(f.type, "image/svg+xml") == 0;
	bool agreement_reader = (strcmp(f.entity, "agreement") == 0 || strcmp(f.entity, "organisation_logo") == 0) && who->person_id;
	if (!is_public && !agreement_reader && !authz_sees_all(who) && (rc = api_require(req, ACT_UNIT_READ, path)) < 0) {
		/* A supporting unit's evidence is also its task's lead unit's. */
		const char *lead;
		if (strcmp(f.entity, "task_report") != 0 || task_report_lead_path(&lead, db, &req->a, f.entity_id) < 0 ||
		    api_require(req, ACT_UNIT_READ, lead) < 0)
			return api_require(req, ACT_UNIT_READ, path);
	}
	int fd = open(f.path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return err_set(ERR_GENERIC, "the stored file of attachment %lld is missing: %s", (long long)id, strerror(errno));
	}
	/* ?inline=1: a PDF or an image shown inside the review page (same
	 * origin only); anything else is always downloaded. */
	const char *in = http_req_query(req, "inline");
	bool show = in && strcmp(in, "1") == 0 &&
		(strcmp(f.type, "application/pdf") == 0 || strcmp(f.type, "image/png") == 0 || strcmp(f.type, "image/jpeg") == 0);
	http_req_add_header(req, "Content-Disposition", api_disposition(req, f.name, show));
	if (show) {
		http_req_add_header(req, "X-Frame-Options", "SAMEORIGIN");
		http_req_add_header(req, "Content-Security-Policy", "default-src 'none'; img-src 'self'; frame-ancestors 'self'");
	}
	if (svg)   /* a drawing opened by itself runs no script and loads nothing */
		http_req_add_header(req, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
	http_req_add_header(req, "Cache-Control", "private, no-store");
	return http_respond_fd(req, 200, f.type, fd, (uint64_t)st.st_size);
}
