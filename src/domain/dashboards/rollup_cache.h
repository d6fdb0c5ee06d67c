/* rollup_cache: the cache behind domain/rollup.h, shared by rollup.c (the
 * copy of the approved values and the roll-ups) and rollup_memo.c (results
 * kept with the version of what they came from). Private to the two. */
#ifndef NQ57_ROLLUP_CACHE_H
#define NQ57_ROLLUP_CACHE_H

#include "domain/dashboards/rollup.h"

#include <pthread.h>

typedef struct id_slot {
	int64_t id;
	int slot;
} id_slot;

/* The roll-ups of one indicator over one unit (0: the whole tree), by
 * period, with their completeness, each with the version of what it came
 * from. */
typedef struct series_memo {
	int64_t indicator_id, unit_id;
	int n;                     /* periods held */
	int64_t *version;          /* -1: nothing held */
	double *value;
	int *reporters;
	int *approved, *expected;  /* rollup_completeness, 0 when no figure */
	struct series_memo *next;
} series_memo;

#define SERIES_BUCKETS 1024
#define SERIES_MAX 20000

struct rollup_cache {
	pthread_rwlock_t lock;
	bool loaded;
	int64_t seq;
	int64_t structure_seq;     /* the last entry that changed units, indicators, targets or periods */
	int n_units;
	rollup_unit *units;
	int *ends;                 /* units[slot].end, packed for the roll-ups' walks */
	id_slot *unit_index;       /* by id */
	int n_indicators;
	rollup_indicator *indicators;
	int n_periods, cap_periods;
	rollup_period *periods;
	int *period_order;         /* by first day, then last day */
	int *period_by_code;       /* by code */
	pthread_mutex_t memo_lock;
	json_t *memo;              /* key -> [version, result] */
	json_t *text_memo;         /* key -> [version, text]; under memo_lock */
	json_t *text_keys;         /* its keys, oldest first */
	size_t text_bytes;         /* the length of its texts */
	series_memo *series[SERIES_BUCKETS];   /* by indicator and unit; under memo_lock */
	int n_series;
	/* Background reloads (rollup_cache_background): while loading, the
	 * loader thread is the only writer and readers are served the copy
	 * as it was, marked as updating. */
	char *loader_url;
	bool loading;              /* under lock */
	bool loader_started;       /* loader needs joining */
	pthread_t loader;
	int64_t load_failed_at;    /* seconds since 1970 of the last failure, 0 */
	long wait_ms;              /* how long a request waits for a load it finds started */
	pthread_mutex_t wait_lock;
	pthread_cond_t wait_cond;  /* signalled when a load ends (monotonic clock) */
	bool waiting_load;         /* under wait_lock: a load runs and may still be waited for */
	struct timespec wait_until;/* under wait_lock: the end of that wait */
};

#define MEMO_MAX 20000
#define TEXT_MEMO_BYTES (64u << 20)

/* How deep a derived indicator's formula may nest others. */
#define FORMULA_DEPTH_MAX 16

/* Look-ups shared by rollup.c (the copy) and rollup_query.c (the
 * roll-ups): a slot by id in a sorted index, an indicator's index by id
 * or code, a period's index by code; -1 when absent. */
int rollup__find_id_slot(const id_slot *index, int n, int64_t id);
int rollup__indicator_at(const rollup_indicator *inds, int n, int64_t id);
int rollup__period_find(const rollup_cache *c, const char *code);
int rollup__code_index(const rollup_indicator *inds, int n, const char *code);

/* A data_change entry as rollup.c reads it. */
typedef struct change {
	int64_t seq, indicator_id, unit_id;
	char kind;          /* 'v' a value, 'V' an indicator's values, 'u' a unit, 'i' an indicator or its targets */
	char period[16];
	double value;       /* NaN: withdrawn */
} change;

/* An indicator's approved values read apart from the cache by the
 * background loader, with the entry that asked for them. */
typedef struct rollup_fresh {
	bool wanted;
	int64_t seq;
	int n;              /* entries of columns */
	double **columns;   /* [period][slot] */
} rollup_fresh;

/* Shared by rollup.c (applying entries) and rollup_reload.c (the
 * background loader), under the write lock unless said: the entries after
 * c->seq (c->seq read without the lock); units and indicators reloaded
 * when list[0..n) changed them; the value entries applied in order
 * (skipping what loaded already holds); c->seq and the expected reporters
 * brought up to seq; a period's index, added when new. */
int rollup__changes_read(change **out, int *n_out, rollup_cache *c, db_conn *db);
int rollup__structure_apply(bool *changed, rollup_cache *c, db_conn *db, const change *list, int n);
int rollup__values_apply(rollup_cache *c, db_conn *db, const change *list, int n, const rollup_fresh *loaded);
int rollup__applied(rollup_cache *c, int64_t seq, bool structure);
int rollup__period_intern(int *out, rollup_cache *c, const char *code);
/* Starts the loader (under the lock); false when it cannot. Waits for a
 * load that started less than wait_ms ago (without the lock). */
bool rollup__loader_start(rollup_cache *c);
void rollup__loader_wait(rollup_cache *c);

/* Forgets every kept series (under memo_lock, or with the cache unused). */
void rollup_series_clear(rollup_cache *c);

#endif
