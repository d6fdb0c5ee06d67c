/* domain/stmap/collaboration: collaboration networks (to be written). */
typedef int nq57_stub_collaboration;
