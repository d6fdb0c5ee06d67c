/* domain/stmap/openalex: OpenAlex works import (to be written). */
typedef int nq57_stub_openalex;
