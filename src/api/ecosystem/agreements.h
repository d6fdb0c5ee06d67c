/* api/ecosystem/agreements: handlers, and the routes they answer (added to
 * api.c's table by API_AGREEMENTS_ROUTES). */
#ifndef NQ57_API_AGREEMENTS_H
#define NQ57_API_AGREEMENTS_H

#include "api/api.h"

#define API_AGREEMENTS_ROUTES

#endif
