/* api/stmap/maps (to be written). */
typedef int nq57_stub_maps;
