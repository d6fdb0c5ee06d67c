/* api/ecosystem/registry: handlers, and the routes they answer (added to
 * api.c's table by API_REGISTRY_ROUTES). */
#ifndef NQ57_API_REGISTRY_H
#define NQ57_API_REGISTRY_H

#include "api/api.h"

#define API_REGISTRY_ROUTES

#endif
