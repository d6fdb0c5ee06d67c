/* api/stmap/maps: routes added to api.c's table by API_MAPS_ROUTES. */
#ifndef NQ57_API_STMAP_MAPS_H
#define NQ57_API_STMAP_MAPS_H

#include "api/api.h"

#define API_MAPS_ROUTES

#endif
