/* search/query: queries, ranking, facets (to be written). */
typedef int nq57_stub_query;
