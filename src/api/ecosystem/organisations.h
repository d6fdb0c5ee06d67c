/* api/ecosystem/organisations: handlers, and the routes they answer (added to
 * api.c's table by API_ORGANISATIONS_ROUTES). */
#ifndef NQ57_API_ORGANISATIONS_H
#define NQ57_API_ORGANISATIONS_H

#include "api/api.h"

#define API_ORGANISATIONS_ROUTES

#endif
