/* api/market/listings: routes added to api.c's table by API_LISTINGS_ROUTES. */
#ifndef NQ57_API_MARKET_LISTINGS_H
#define NQ57_API_MARKET_LISTINGS_H

#include "api/api.h"

#define API_LISTINGS_ROUTES

#endif
