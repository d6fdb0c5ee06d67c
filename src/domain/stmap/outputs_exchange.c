/* domain/stmap/outputs_exchange: CSV/XLSX of outputs (to be written). */
typedef int nq57_stub_outputs_exchange;
