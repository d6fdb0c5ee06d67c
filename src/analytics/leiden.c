/* analytics/leiden: Leiden clustering (to be written). */
typedef int nq57_stub_leiden;
