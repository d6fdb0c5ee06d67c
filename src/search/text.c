/* search/text: Vietnamese text normalisation and terms (to be written). */
typedef int nq57_stub_text;
