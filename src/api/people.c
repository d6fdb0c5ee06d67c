/* people: the people and role grants API (placeholder until built). */
#include "api/api.h"
#include "util/err.h"

static int not_yet(void) { return err_set(ERR_GENERIC, "people are not available yet"); }
int api_people_list(http_req *req) { (void)req; return not_yet(); }
int api_people_create(http_req *req) { (void)req; return not_yet(); }
int api_people_get(http_req *req) { (void)req; return not_yet(); }
int api_people_update(http_req *req) { (void)req; return not_yet(); }
int api_people_grant(http_req *req) { (void)req; return not_yet(); }
int api_people_revoke(http_req *req) { (void)req; return not_yet(); }
