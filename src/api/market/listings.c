/* api/market/listings (to be written). */
typedef int nq57_stub_listings;
