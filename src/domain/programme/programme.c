/* programme: one transaction over the per-item inserts. */
#include "domain/programme/programme.h"
#include "domain/programme/document.h"
#include "domain/programme/indicator.h"
#include "domain/programme/task.h"
#include "util/err.h"

#include <stdint.h>

typedef int (*insert_fn)(int64_t *out_id, db_conn *db, const principal *who, const json_t *in);

static int load_list(int *count, db_conn *db, const principal *who, const json_t *in, const char *key, insert_fn insert)
{
	const json_t *list = json_object_get(in, key);
	if (!list)
		return 0;
	if (!json_is_array(list))
		return err_set(ERR_INVALID, "'%s' must be an array", key);
	size_t i;
	json_t *item;
	json_array_foreach(list, i, item) {
		int64_t id;
		int rc = insert(&id, db, who, item);
		if (rc < 0)
			return err_set(rc, "%s[%zu]: %s", key, i, err_msg());
		(*count)++;
	}
	return 0;
}

int programme_load(programme_counts *out, db_conn *db, const principal *who, const json_t *in)
{
	int rc;
	*out = (programme_counts){ 0 };
	if ((rc = json_is_object(in) ? 0 : err_set(ERR_INVALID, "the programme must be a JSON object")) < 0 ||
	    (rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = load_list(&out->documents, db, who, in, "documents", document_insert)) < 0 ||
	    (rc = load_list(&out->indicators, db, who, in, "indicators", indicator_insert)) < 0 ||
	    (rc = load_list(&out->tasks, db, who, in, "tasks", task_insert)) < 0) {
		db_rollback(db);
		*out = (programme_counts){ 0 };
		return rc;
	}
	return db_commit(db);
}
