/* analytics/bibliometrics: Leiden-style indicators (to be written). */
typedef int nq57_stub_bibliometrics;
