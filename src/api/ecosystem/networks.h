/* api/ecosystem/networks: handlers, and the routes they answer (added to
 * api.c's table by API_NETWORKS_ROUTES). */
#ifndef NQ57_API_NETWORKS_H
#define NQ57_API_NETWORKS_H

#include "api/api.h"

#define API_NETWORKS_ROUTES

#endif
