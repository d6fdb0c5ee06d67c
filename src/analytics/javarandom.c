/* analytics/javarandom: java.util.Random as a seeded random source (to be written). */
typedef int nq57_stub_javarandom;
