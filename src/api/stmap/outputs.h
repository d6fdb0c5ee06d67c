/* api/stmap/outputs: routes added to api.c's table by API_OUTPUTS_ROUTES. */
#ifndef NQ57_API_STMAP_OUTPUTS_H
#define NQ57_API_STMAP_OUTPUTS_H

#include "api/api.h"

#define API_OUTPUTS_ROUTES

#endif
