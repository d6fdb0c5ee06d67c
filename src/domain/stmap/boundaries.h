/* boundaries: the outlines of units (provinces, communes) that the maps
 * draw. A GeoJSON FeatureCollection is loaded by matching each feature's
 * `code` property to a unit's code; the maps then read the children of a
 * unit as a FeatureCollection, made once per change of the boundaries or
 * the units and kept in memory by each server. */
#ifndef NQ57_STMAP_BOUNDARIES_H
#define NQ57_STMAP_BOUNDARIES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"

/* At most this many bytes of GeoJSON once a gzip file is inflated. */
#define BOUNDARIES_MAX_BYTES (256u << 20)

typedef struct boundaries_result {
	int total;               /* features in the file */
	int matched;             /* features whose code is a unit's */
	int unmatched;
	bool dry_run;
	json_t *unmatched_list;  /* [{index, code, name}] of the unmatched features */
	json_t *problems;        /* ERR_INVALID: [{index, code?, message, ...}] */
} boundaries_result;

/* Loads a FeatureCollection (GeoJSON text, or the same gzip-compressed)
 * whose features carry a text property `code`. A feature for a code that
 * no unit has is not an error: it is listed in r->unmatched_list and
 * skipped. A feature without a code, with a geometry other than a valid
 * Polygon or MultiPolygon, or a code met twice is an error naming the
 * feature's index: ERR_INVALID with r->problems listing every bad feature,
 * and nothing is saved. Otherwise, unless dry_run, the boundaries of the
 * matched units are replaced in one transaction (coordinates rounded to 5
 * decimals) with one audit entry naming source. The caller has checked
 * that who may load boundaries; r's lists are owned by the caller
 * (boundaries_result_free). */
int boundaries_load(boundaries_result *r, db_conn *db, const principal *who, const char *data, size_t len,
	const char *source, bool dry_run);
void boundaries_result_free(boundaries_result *r);

/* A map answer: the serialised FeatureCollection of the active children of
 * a unit that have a boundary, each feature with properties id, code,
 * name and kind, ordered by code; with "parent", the unit's own feature
 * (geometry null when it has none) and the "bbox" of the children. Held
 * in each server's memory until the boundaries or the units change. */
typedef struct boundaries_map {
	const char *body;        /* borrowed until boundaries_map_release */
	size_t len;
	bool gzipped;            /* body is the gzip-compressed JSON */
	const char *etag;        /* a quoted entity tag, same lifetime */
	int n_features;
	struct map_entry *entry;
} boundaries_map;

/* The map of the children of parent_id (0: the units without a parent);
 * public_only: only public units (anonymous callers); gzip: the body
 * compressed. ERR_NOTFOUND when parent_id is not a unit (or not a public,
 * active one when public_only). */
int boundaries_map_get(boundaries_map *out, db_conn *db, int64_t parent_id, bool public_only, bool gzip);
void boundaries_map_release(boundaries_map *m);

#endif
