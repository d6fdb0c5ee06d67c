/* api/stmap/indicators: routes added to api.c's table by API_STMAP_INDICATORS_ROUTES. */
#ifndef NQ57_API_STMAP_INDICATORS_H
#define NQ57_API_STMAP_INDICATORS_H

#include "api/api.h"

#define API_STMAP_INDICATORS_ROUTES

#endif
