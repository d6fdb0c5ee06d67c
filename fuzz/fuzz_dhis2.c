/* DHIS2 dataValueSets payloads as POST /api/v1/dataValueSets reads them
 * before any row is checked against the database: JSON through the
 * strict body parser (util/json.c) into rows (domain/exchange.c), and
 * DHIS2's CSV (domain/dhis2.c). The first input byte chooses: even JSON,
 * odd CSV. Rows come back with every field a string or absent, or the
 * payload is refused with a message. */
#include "fuzz.h"
#include "domain/programme/dhis2.h"
#include "domain/programme/exchange.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/json.h"

static void check_rows(const exchange_rows *rows)
{
	FUZZ_CHECK(rows->n >= 0);
	for (int i = 0; i < rows->n; i++)
		for (int f = 0; f < EX_FIELDS; f++)
			if (rows->rows[i].f[f])
				(void)strlen(rows->rows[i].f[f]);
	for (int f = 0; f < EX_FIELDS; f++)
		FUZZ_CHECK(rows->src.names[f] != NULL);
}

static void read_json(const char *p, size_t len)
{
	json_t *in;
	exchange_rows rows;
	int rc = json_parse(&in, p, len);
	FUZZ_CHECK(rc == 0 || rc == ERR_MALFORMED);
	if (rc < 0)
		return;
	rc = exchange_dhis2_read(&rows, in);
	FUZZ_CHECK(rc == 0 || rc == ERR_INVALID);
	if (rc == 0) {
		FUZZ_CHECK((size_t)rows.n == json_array_size(json_object_get(in, "dataValues")));
		check_rows(&rows);
	}
	exchange_rows_free(&rows);
	json_decref(in);
}

static void read_csv(const char *p, size_t len)
{
	arena a;
	exchange_rows rows;
	arena_init(&a, 4096);
	int rc = dhis2_csv_rows(&rows, &a, p, len);
	FUZZ_CHECK(rc == 0 || rc == ERR_INVALID);
	FUZZ_CHECK(rc == 0 || err_msg()[0] != '\0');
	if (rc == 0) {
		check_rows(&rows);
		exchange_rows_free(&rows);
	}
	arena_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	/* a copy of exactly the payload, so that reading past it is caught */
	char *p = malloc(size - 1 ? size - 1 : 1);
	if (!p)
		abort();
	memcpy(p, data + 1, size - 1);
	if (data[0] & 1)
		read_csv(p, size - 1);
	else
		read_json(p, size - 1);
	free(p);
	return 0;
}
