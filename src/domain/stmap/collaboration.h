/* collaboration: networks of collaboration between the registry's
 * organisations — co-authored works (work_affiliation), joint research
 * projects (a project's lead and partners) and agreements (their parties)
 * — clustered with the Leiden algorithm and laid out with the VOS layout
 * of analytics/, seeded so that the same data always gives the same
 * picture; exported and imported as VOSviewer map and network files.
 *
 * A link's strength is the number of works (projects, agreements) two
 * organisations share (full counting); a node's weight the number its
 * organisation has among those counted. Organisations without any link
 * are left out. Imported files are analysed and answered, never stored. */
#ifndef NQ57_STMAP_COLLABORATION_H
#define NQ57_STMAP_COLLABORATION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "analytics/network.h"
#include "db/db.h"
#include "util/str.h"

typedef enum collab_kind { COLLAB_COAUTHORSHIP, COLLAB_PROJECTS, COLLAB_AGREEMENTS } collab_kind;

typedef struct collab_query {
	collab_kind kind;
	int year_from, year_to;         /* 0: open; works by year, projects by start, agreements by signing */
	network_normalisation normalisation;
	double resolution;              /* CPM resolution on the normalised network */
	bool public_only;               /* published organisations; agreements in force or expired */
} collab_query;

/* Co-authorship, association strength, resolution 1, all years, all. */
void collab_query_defaults(collab_query *q);

/* "coauthorship", "projects", "agreements" to the kind; -1 otherwise. */
int collab_kind_parse(const char *name);
const char *collab_kind_name(collab_kind k);

/* {kind, from, to, normalisation, resolution, weight_name, nodes: [{id,
 * organisation_id, label, short_label (absent when none), x, y, cluster,
 * weight, links, strength}],
 * links: [{source, target, strength}], clusters, quality: {clustering,
 * layout}} with clusters numbered from 1 by decreasing size and nodes in
 * id order. ERR_TOOLARGE beyond COLLAB_MAX_NODES. */
int collab_network(json_t **out, db_conn *db, const collab_query *q);

/* The same network as VOSviewer files (map: id, label, x, y, cluster and
 * weights; network: id1, id2, strength), appended to map and net. */
int collab_vosviewer(str *map, str *net, db_conn *db, const collab_query *q);

/* A network from VOSviewer files (map may be empty: items then come from
 * the network file), answered like collab_network without
 * organisation_id: clusters and coordinates the map has are kept, the
 * missing ones computed. ERR_INVALID naming the bad line, ERR_TOOLARGE. */
int collab_import(json_t **out, const char *map, size_t map_len, const char *net, size_t net_len, const collab_query *q);

#define COLLAB_MAX_NODES 5000
#define COLLAB_MAX_LINKS 500000

#endif
