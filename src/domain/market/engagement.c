/* domain/market/engagement: interest, proposals, feedback (to be written). */
typedef int nq57_stub_engagement;
