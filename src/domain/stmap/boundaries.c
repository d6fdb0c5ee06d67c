/* domain/stmap/boundaries: unit boundaries (to be written). */
typedef int nq57_stub_boundaries;
