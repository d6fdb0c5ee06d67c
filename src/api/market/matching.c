/* api/market/matching (to be written). */
typedef int nq57_stub_matching;
