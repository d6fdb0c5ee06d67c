/* domain/market/listing_exchange: listings import and export (to be written). */
typedef int nq57_stub_listing_exchange;
