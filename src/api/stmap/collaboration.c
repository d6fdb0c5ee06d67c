/* api/stmap/collaboration (to be written). */
typedef int nq57_stub_collaboration;
