/* analytics/vos_layout: the VOS layout (to be written). */
typedef int nq57_stub_vos_layout;
