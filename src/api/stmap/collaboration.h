/* api/stmap/collaboration: routes added to api.c's table by API_COLLABORATION_ROUTES. */
#ifndef NQ57_API_STMAP_COLLABORATION_H
#define NQ57_API_STMAP_COLLABORATION_H

#include "api/api.h"

#define API_COLLABORATION_ROUTES

#endif
