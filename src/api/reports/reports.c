/* reports: /api/v1/reports — review reports made as background jobs.
 * Whoever may assign work (the steering office) asks for one; signed-in
 * people follow its progress and download its files. */
#include "api/api.h"
#include "domain/programme/reminder.h"
#include "domain/reports/report_job.h"
#include "domain/worker.h"
#include "util/err.h"
#include "util/json.h"

#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int signed_in(http_req *req)
{
	const principal *who;
	int rc = api_principal(&who, req);
	if (rc == 0 && !who->person_id)
		rc = err_set(ERR_UNAUTHORIZED, "sign in to see reports");
	return rc;
}

int api_reports_create(http_req *req)
{
	const api_app *app = req->app;
	const principal *who;
	const char *document = NULL, *period = NULL, *as_of = NULL;
	int final = 0, present;
	json_t *body = NULL, *out;
	db_conn *db;
	int64_t id;
	int rc;
	if ((rc = api_require(req, ACT_ASSIGN, NULL)) < 0 || (rc = api_principal(&who, req)) < 0 ||
	    (rc = api_db(&db, req)) < 0 || (rc = api_body_object(&body, req)) < 0)
		return rc;
	if ((rc = json_get_string(&document, body, "document", 1)) == 0 && (rc = json_get_string(&period, body, "period", 1)) == 0 &&
	    (rc = json_get_bool(&final, &present, body, "final", 0)) == 0 && (rc = json_get_string(&as_of, body, "as_of", 0)) == 0 &&
	    (rc = report_job_create(&id, db, who, document, period, final != 0, as_of)) == 0 && (rc = report_job_get(&out, db, id)) == 0) {
		worker_wake(app->worker);
		rc = api_respond_json(req, 202, out);
	}
	json_decref(body);
	return rc;
}

int api_reports_list(http_req *req)
{
	int64_t limit, offset;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = signed_in(req)) < 0 || (rc = api_query_int64(&limit, req, "limit", 50, 1, 1000)) < 0 ||
	    (rc = api_query_int64(&offset, req, "offset", 0, 0, INT64_MAX)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = report_job_list(&out, db, limit, offset)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_reports_get(http_req *req)
{
	int64_t id;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = signed_in(req)) < 0 || (rc = api_param_id(&id, req, 0)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = report_job_get(&out, db, id)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

/* GET /api/v1/reports/{id}/json: the content the files were made from. */
static int content(http_req *req, db_conn *db, int64_t id)
{
	char *text;
	int rc = report_job_content(&text, db, id);
	if (rc < 0)
		return rc;
	rc = api_respond_raw(req, 200, text, strlen(text));
	free(text);
	return rc;
}

int api_reports_file(http_req *req)
{
	const api_app *app = req->app;
	const char *path, *name, *type;
	int64_t id;
	db_conn *db;
	int rc;
	if ((rc = signed_in(req)) < 0 || (rc = api_param_id(&id, req, 0)) < 0 || (rc = api_db(&db, req)) < 0)
		return rc;
	if (strcmp(api_param_text(req, 1), "json") == 0)
		return content(req, db, id);
	if ((rc = report_job_file(&path, &name, &type, db, &req->a, app->data_dir, id, api_param_text(req, 1))) < 0)
		return rc;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return err_set(ERR_GENERIC, "the stored file of report %lld is missing: %s", (long long)id, strerror(errno));
	}
	bool html = strncmp(type, "text/html", 9) == 0;
	/* the printable page opens in the browser, with its own inline style only */
	http_req_add_header(req, "Content-Disposition", api_disposition(req, name, html));
	if (html)
		http_req_add_header(req, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
	http_req_add_header(req, "Cache-Control", "private, no-store");
	return http_respond_fd(req, 200, type, fd, (uint64_t)st.st_size);
}

/* GET /api/v1/reminders: the newest reminders for the units the signed-in
 * person reaches (notifications). */
int api_reminders_list(http_req *req)
{
	const principal *who;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = signed_in(req)) < 0 || (rc = api_principal(&who, req)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = reminder_list(&out, db, who)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}
