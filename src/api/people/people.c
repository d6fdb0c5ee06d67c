/* people: /api/v1/people — people and their role grants, for
 * administrators (writes) and the steering office (reads). */
#include "api/api.h"
#include "domain/people/person.h"
#include "domain/people/unit.h"
#include "util/err.h"
#include "util/json.h"

#include <string.h>

#define GRANTS_MAX 50

/* Changing a person who holds grants needs ACT_PERSON_WRITE over every
 * unit they hold one on (an administrator of one commune cannot disable
 * the city's steering officer); a person with none, any administrator. */
static int require_over_person(http_req *req, db_conn *db, int64_t id)
{
	const char **paths;
	int n, rc;
	json_t *exists;
	if ((rc = api_require(req, ACT_PERSON_WRITE, NULL)) < 0)
		return rc;
	if ((rc = person_get(&exists, db, id)) < 0)
		return rc;
	json_decref(exists);
	if ((rc = person_grant_paths(&paths, &n, db, &req->a, id)) < 0)
		return rc;
	for (int i = 0; i < n; i++)
		if ((rc = api_require(req, ACT_PERSON_WRITE, paths[i])) < 0)
			return rc;
	return 0;
}

static int respond_person(http_req *req, db_conn *db, int status, int64_t id)
{
	json_t *out;
	int rc = person_get(&out, db, id);
	return rc < 0 ? rc : api_respond_json(req, status, out);
}

int api_people_list(http_req *req)
{
	int64_t unit_id, limit, offset;
	db_conn *db;
	json_t *out;
	int rc;
	if ((rc = api_require(req, ACT_PERSON_READ, NULL)) < 0 ||
	    (rc = api_query_int64(&unit_id, req, "unit_id", 0, 0, INT64_MAX)) < 0 ||
	    (rc = api_query_int64(&limit, req, "limit", 100, 1, 1000)) < 0 ||
	    (rc = api_query_int64(&offset, req, "offset", 0, 0, INT64_MAX)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = person_list(&out, db, http_req_query(req, "q"), unit_id, limit, offset)) < 0)
		return rc;
	return api_respond_json(req, 200, out);
}

int api_people_get(http_req *req)
{
	int64_t id;
	db_conn *db;
	int rc;
	if ((rc = api_require(req, ACT_PERSON_READ, NULL)) < 0 || (rc = api_param_id(&id, req, 0)) < 0 ||
	    (rc = api_db(&db, req)) < 0)
		return rc;
	return respond_person(req, db, 200, id);
}

/* Reads "grants": [{"role", "unit_id"}] and checks the caller may grant
 * on each unit. */
static int read_grants(struct person_grant_new *out, int *n, http_req *req, db_conn *db, const json_t *body)
{
	const json_t *list = json_object_get(body, "grants");
	*n = 0;
	if (!list)
		return 0;
	if (!json_is_array(list) || json_array_size(list) > GRANTS_MAX)
		return err_set(ERR_INVALID, "'grants' must be an array of at most %d {role, unit_id}", GRANTS_MAX);
	size_t i;
	json_t *g;
	json_array_foreach(list, i, g) {
		const char *role, *path;
		long long unit_id;
		int present, rc;
		if (!json_is_object(g))
			return err_set(ERR_INVALID, "grants[%zu] must be an object {role, unit_id}", i);
		if ((rc = json_get_string(&role, g, "role", 1)) < 0 || (rc = json_get_int(&unit_id, &present, g, "unit_id", 1)) < 0)
			return rc;
		if ((rc = unit_path(&path, db, &req->a, unit_id)) < 0)
			return rc == ERR_NOTFOUND ? err_set(ERR_INVALID, "grants[%zu]: %s", i, err_msg()) : rc;
		if ((rc = api_require(req, ACT_PERSON_WRITE, path)) < 0)
			return rc;
		out[(*n)++] = (struct person_grant_new){ role, unit_id };
	}
	return 0;
}

int api_people_create(http_req *req)
{
	json_t *body = NULL;
	struct person_grant_new grants[GRANTS_MAX];
	person_new p = { .grants = grants };
	db_conn *db;
	int64_t id;
	int rc;
	if ((rc = api_require(req, ACT_PERSON_WRITE, NULL)) < 0 || (rc = api_body_object(&body, req)) < 0)
		return rc;
	if ((rc = json_get_string(&p.login, body, "login", 1)) < 0 || (rc = json_get_string(&p.name, body, "name", 1)) < 0 ||
	    (rc = json_get_string(&p.email, body, "email", 0)) < 0 ||
	    (rc = json_get_string(&p.password, body, "password", 1)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = read_grants(grants, &p.n_grants, req, db, body)) < 0)
		goto done;
	const principal *who;
	if ((rc = api_principal(&who, req)) < 0 || (rc = person_add(&id, db, who, &p)) < 0)
		goto done;
	rc = respond_person(req, db, 201, id);
done:
	json_decref(body);
	return rc;
}

int api_people_update(http_req *req)
{
	json_t *body = NULL;
	person_change c = { .active = -1 };
	const principal *who;
	db_conn *db;
	int64_t id;
	int active, present, rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = require_over_person(req, db, id)) < 0 || (rc = api_body_object(&body, req)) < 0)
		return rc;
	if ((rc = json_get_string(&c.name, body, "name", 0)) < 0 || (rc = json_get_string(&c.email, body, "email", 0)) < 0 ||
	    (rc = json_get_string(&c.password, body, "password", 0)) < 0 ||
	    (rc = json_get_bool(&active, &present, body, "active", 0)) < 0)
		goto done;
	if (present)
		c.active = active ? 1 : 0;
	if ((rc = api_principal(&who, req)) < 0 || (rc = person_update(db, who, id, &c)) < 0)
		goto done;
	rc = respond_person(req, db, 200, id);
done:
	json_decref(body);
	return rc;
}

int api_people_grant(http_req *req)
{
	json_t *body = NULL;
	const principal *who;
	const char *role, *path;
	long long unit_id;
	int64_t id, grant_id;
	int present, rc;
	db_conn *db;
	if ((rc = api_require(req, ACT_PERSON_WRITE, NULL)) < 0 || (rc = api_param_id(&id, req, 0)) < 0 ||
	    (rc = api_db(&db, req)) < 0 || (rc = api_body_object(&body, req)) < 0)
		return rc;
	if ((rc = json_get_string(&role, body, "role", 1)) < 0 || (rc = json_get_int(&unit_id, &present, body, "unit_id", 1)) < 0)
		goto done;
	if ((rc = unit_path(&path, db, &req->a, unit_id)) < 0) {
		rc = rc == ERR_NOTFOUND ? err_set(ERR_INVALID, "%s", err_msg()) : rc;
		goto done;
	}
	if ((rc = api_require(req, ACT_PERSON_WRITE, path)) < 0 || (rc = api_principal(&who, req)) < 0 ||
	    (rc = person_grant(&grant_id, db, who, id, role, unit_id)) < 0)
		goto done;
	rc = respond_person(req, db, 201, id);
done:
	json_decref(body);
	return rc;
}

int api_people_revoke(http_req *req)
{
	const principal *who;
	const char *path;
	int64_t id, grant_id;
	db_conn *db;
	int rc;
	if ((rc = api_require(req, ACT_PERSON_WRITE, NULL)) < 0 || (rc = api_param_id(&id, req, 0)) < 0 ||
	    (rc = api_param_id(&grant_id, req, 1)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = grant_unit_path(&path, db, &req->a, id, grant_id)) < 0 ||
	    (rc = api_require(req, ACT_PERSON_WRITE, path)) < 0 || (rc = api_principal(&who, req)) < 0 ||
	    (rc = person_revoke(db, who, id, grant_id)) < 0)
		return rc;
	return respond_person(req, db, 200, id);
}

/* POST /api/v1/people/{id}/password {password}: an administrator over the
 * person's units sets a password the person must change at the next
 * sign-in. */
int api_people_password(http_req *req)
{
	json_t *body = NULL;
	const principal *who;
	const char *password;
	db_conn *db;
	int64_t id;
	int rc;
	if ((rc = api_param_id(&id, req, 0)) < 0 || (rc = api_db(&db, req)) < 0 ||
	    (rc = require_over_person(req, db, id)) < 0 || (rc = api_body_object(&body, req)) < 0)
		return rc;
	if ((rc = json_get_string(&password, body, "password", 1)) == 0 && (rc = api_principal(&who, req)) == 0 &&
	    (rc = person_set_password(db, who, id, password)) == 0)
		rc = respond_person(req, db, 200, id);
	json_decref(body);
	return rc;
}
