/* analytics/vosviewer: VOSviewer map and network files (to be written). */
typedef int nq57_stub_vosviewer;
