/* domain/market/matching: matching with reasons, saved searches (to be written). */
typedef int nq57_stub_matching;
