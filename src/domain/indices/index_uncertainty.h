/* index_uncertainty: how far an index run's ranking can be trusted. A job
 * re-evaluates a stored run (its definition version over its stored input
 * table) many times with the assumptions drawn at random
 * (analytics/index_mc.h): weights within +-spread, and the alternatives
 * given for normalisation, aggregation and imputation. Per unit: the
 * nominal rank and the median, 5th and 95th percentile of its rank; with
 * a sensitivity analysis, per varied assumption the first-order (Si) and
 * total (STi) sensitivity indices of the mean rank shift.
 *
 * The spec, as the API takes it (every field optional):
 *   {"seed": 1, "runs": 1000, "spread": 0.25,
 *    "normalisations": ["minmax", "zscore"],     (index_spec.h's method names)
 *    "aggregations": ["arithmetic", "geometric"],   (also arith, geom, harm;
 *                                                    one mean at every level)
 *    "imputations": ["none", "mean", "group_mean"],
 *    "sensitivity": false}
 * Jobs are queued by a request and run by the server's worker
 * (domain/worker.h); the same spec over the same run gives the same
 * result, byte for byte. */
#ifndef NQ57_INDEX_UNCERTAINTY_H
#define NQ57_INDEX_UNCERTAINTY_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "analytics/index_mc.h"
#include "db/db.h"
#include "domain/people/authz.h"
#include "domain/indices/index_spec.h"

/* Reads a spec for the index def: *out ready for index_mc_run (no
 * threads, no progress), *canonical (may be NULL) the spec with every
 * default filled in, as stored. ERR_INVALID naming the field: an unknown
 * field, runs outside 1..INDEX_MC_MAX_RUNS, a spread outside 0..1, a seed
 * that is not a whole number from 0, an unknown method name or one given
 * twice, more than INDEX_MC_MAX_ALTS alternatives, a group mean for an
 * index without groups, a sensitivity analysis with nothing that varies. */
int index_uncertainty_spec(index_mc_spec *out, json_t **canonical, const json_t *in, const index_spec *def);

/* Runs the analysis of def over table t with mc (its progress and cancel
 * as given). *out: {index, name, aggregate, seed, runs, samples,
 * evaluations, mean_shift, variance, units: [{code, name, nominal, median,
 * p05, p95, mean}], sensitivity: [{factor, si, sti}] or null}, units by
 * nominal rank (unranked last) then code; a value that does not exist is
 * null. Errors as index_mc_run. */
int index_uncertainty_compute(json_t **out, const index_spec *def, const index_table *t, const index_mc_spec *mc);

/* Queues an analysis of index run run_id with the spec body (see above).
 * ERR_NOTFOUND for an unknown run; ERR_INVALID as index_uncertainty_spec
 * (nothing is stored then). */
int index_uncertainty_create(int64_t *out_id, db_conn *db, const principal *who, int64_t run_id, const json_t *body);

/* {id, run_id, code, version, spec, status, progress, error, created_at,
 * finished_at, result (when done, else null)}. ERR_NOTFOUND. */
int index_uncertainty_get(json_t **out, db_conn *db, int64_t id);
/* {"jobs": [...]} of one run, newest first, without their results. */
int index_uncertainty_list(json_t **out, db_conn *db, int64_t run_id);

/* Claims the oldest queued job, or one whose server stopped before it
 * finished (job_lease.h), and runs it, if any (*ran tells), on up to
 * threads threads, updating its progress. A job that fails is marked failed with
 * the error and keeps no result; one stopped by cancel goes back to the
 * queue. Only a database failure is returned. */
int index_uncertainty_run_next(bool *ran, db_conn *db, int threads, const atomic_bool *cancel);

#endif
