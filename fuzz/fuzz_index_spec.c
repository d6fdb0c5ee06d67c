/* Composite index definitions and their tables (domain/index_spec.c), as
 * POST /api/v1/indices and `nq57 index run` read them: the input is the
 * definition's JSON, a NUL byte, the table's CSV, optionally a NUL byte
 * and a CSV of denominators. What is accepted is evaluated
 * (analytics/index.c) and written as results, as a run does. */
#include "fuzz.h"
#include "analytics/index.h"
#include "domain/indices/index_spec.h"
#include "util/err.h"
#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *block;
	const char *part[3];
	size_t len[3];
	int n = fuzz_split(&block, part, len, 3, data, size);
	json_t *def;
	index_spec spec;
	index_table table;
	int rc = json_parse(&def, part[0], len[0]);
	FUZZ_CHECK(rc == 0 || rc == ERR_MALFORMED);
	if (rc < 0)
		goto done;
	rc = index_spec_parse(&spec, def);
	FUZZ_CHECK(rc == 0 || rc == ERR_INVALID);
	FUZZ_CHECK(rc == 0 || err_msg()[0] != '\0');
	if (rc < 0)
		goto done_def;
	rc = index_table_read(&table, &spec, part[1], len[1], n > 2 ? part[2] : NULL, len[2]);
	FUZZ_CHECK(rc == 0 || rc == ERR_INVALID);
	if (rc == 0) {
		index_result result;
		FUZZ_CHECK(table.n_units >= 0);
		for (int i = 0; i < table.n_units; i++)
			FUZZ_CHECK(table.codes[i] != NULL);
		rc = index_evaluate(&result, &spec.def, &table.input, &spec.options);
		FUZZ_CHECK(rc == 0 || rc == ERR_INVALID);
		if (rc == 0) {
			json_t *out = index_results_json(&spec, &table, &result);
			FUZZ_CHECK(out != NULL);
			json_decref(out);
			index_result_free(&result);
		}
		index_table_free(&table);
	}
	index_spec_free(&spec);
done_def:
	json_decref(def);
done:
	free(block);
	return 0;
}
