/* analytics/network: weighted networks and their normalisation (to be written). */
typedef int nq57_stub_network;
