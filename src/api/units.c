/* units: the organisation units API (placeholder until built). */
#include "api/api.h"
#include "util/err.h"

static int not_yet(void) { return err_set(ERR_GENERIC, "units are not available yet"); }
int api_units_list(http_req *req) { (void)req; return not_yet(); }
int api_units_create(http_req *req) { (void)req; return not_yet(); }
int api_units_get(http_req *req) { (void)req; return not_yet(); }
int api_units_update(http_req *req) { (void)req; return not_yet(); }
int api_units_import(http_req *req) { (void)req; return not_yet(); }
int api_units_export(http_req *req) { (void)req; return not_yet(); }
