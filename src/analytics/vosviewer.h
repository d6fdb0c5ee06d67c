/* vosviewer: VOSviewer map and network files, read and written.
 *
 * A map file is tab-separated with a header naming its columns: id,
 * label, x, y, cluster, weight<Name> and score<Name> columns (any order;
 * only id is required; other columns such as description or url are
 * ignored). A network file has one link per line: id1, id2 and an
 * optional strength (1 when absent), tab-separated, no header. Ids are
 * positive integers. Lines may end in CRLF; a UTF-8 BOM is skipped.
 *
 * Reading fails on the first bad line with ERR_INVALID and a message
 * naming the file kind and the line number ("network line 7: ..."); a
 * network read after a map refers to the map's items, and an id the map
 * lacks is an error; without a map, items are created in the order their
 * ids first appear. Written files re-read to the same items and links
 * (numbers are written with as few digits as read back exactly). */
#ifndef NQ57_VOSVIEWER_H
#define NQ57_VOSVIEWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analytics/network.h"
#include "util/str.h"

#define VOS_MAX_ATTRS 16

typedef struct vos_item {
	int64_t id;
	char *label;          /* owned; "" when the map has none */
	double x, y;
	int cluster;          /* 1-based as in VOSviewer; 0: none */
	double weights[VOS_MAX_ATTRS];
	double scores[VOS_MAX_ATTRS];
} vos_item;

typedef struct vos_map {
	int n_items, cap_items;
	vos_item *items;
	bool has_label, has_xy, has_cluster;
	int n_weights, n_scores;
	char *weight_names[VOS_MAX_ATTRS];  /* "Links", "Total link strength", ... */
	char *score_names[VOS_MAX_ATTRS];
	/* id -> index, open addressing (private) */
	int64_t *hash_ids;
	int32_t *hash_idx;
	size_t hash_cap;
} vos_map;

typedef struct vos_links {
	size_t n, cap;
	network_edge *edges;   /* a, b: item indices; weight: strength */
} vos_links;

void vos_map_init(vos_map *m);
void vos_map_free(vos_map *m);
void vos_links_free(vos_links *l);

/* Adds an item (label copied, may be NULL); its index in *index. ERR_INVALID
 * if the id is not positive or already there, ERR_NOMEM. */
int vos_map_add(vos_map *m, int64_t id, const char *label, int *index);
/* Index of the item with that id, or -1. */
int vos_map_find(const vos_map *m, int64_t id);
/* Adds a weight or score column; its position in *index. */
int vos_map_add_weight(vos_map *m, const char *name, int *index);
int vos_map_add_score(vos_map *m, const char *name, int *index);

/* Reads a map file into m (initialised, empty). */
int vosviewer_read_map(vos_map *m, const char *text, size_t len);
/* Reads a network file: links between m's items (see above). */
int vosviewer_read_network(vos_links *out, vos_map *m, const char *text, size_t len);

/* Writes the map file: id, label, then x, y and cluster when the map has
 * them, then its weight and score columns. */
void vosviewer_write_map(str *out, const vos_map *m);
/* Writes one line per link, in the order given. */
void vosviewer_write_network(str *out, const vos_map *m, const vos_links *l);

/* The network of the items and links, node weights = link strengths. */
int vosviewer_to_network(network *out, const vos_map *m, const vos_links *l);

/* Appends a link (item indices). */
int vos_links_add(vos_links *l, int a, int b, double strength);

#endif
