/* domain/stmap/indicators: bibliometric indicators from the outputs (to be written). */
typedef int nq57_stub_indicators;
