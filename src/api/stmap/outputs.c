/* api/stmap/outputs (to be written). */
typedef int nq57_stub_outputs;
