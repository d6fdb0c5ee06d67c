/* domain/market/market_search: the listings search index (to be written). */
typedef int nq57_stub_market_search;
