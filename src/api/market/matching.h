/* api/market/matching: routes added to api.c's table by API_MATCHING_ROUTES. */
#ifndef NQ57_API_MARKET_MATCHING_H
#define NQ57_API_MARKET_MATCHING_H

#include "api/api.h"

#define API_MATCHING_ROUTES

#endif
