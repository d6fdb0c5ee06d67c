/* notice: what the owners of a listing (its creator and the editors of its
 * organisation) hear of it in their inbox (domain/people/inbox.h) and by
 * mail: the operator published or returned it (with the reason), someone
 * expressed interest, proposed or asked a question on it. */
#ifndef NQ57_NOTICE_H
#define NQ57_NOTICE_H

#include <jansson.h>

#include "db/db.h"
#include "domain/people/authz.h"

/* Appends to items who's market notices since `since` (ISO time), what who
 * did themselves left out:
 *   market_published, market_returned
 *       key "market-review:<review id>", reason (a return's), by (the
 *       operator's name);
 *   market_engagement
 *       key "market-engagement:<engagement id>", engagement {id, kind:
 *       interest | proposal | question}, from {id, name} (the sender's
 *       organisation, or null), by (the sender's name, only when they
 *       shared their contact).
 * Each is {key, kind, at, read (false), link, listing {id, kind, title,
 * organisation {id, name}?}, ...}. */
int notice_inbox_items(json_t *items, db_conn *db, const principal *who, const char *since);

#endif
