/* api/stmap/indicators (to be written). */
typedef int nq57_stub_indicators;
