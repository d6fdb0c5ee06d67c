/* search/index: the in-memory index (to be written). */
typedef int nq57_stub_index;
