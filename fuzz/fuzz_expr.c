/* The formula language (analytics/expr.c): any text compiles or is
 * refused with ERR_INVALID; a compiled program stays within its limits
 * and evaluates to a number or ERR_INVALID for any operand values. */
#include "fuzz.h"
#include "analytics/expr.h"
#include "util/err.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	static expr e;   /* about 10 KB: kept off the stack */
	int rc = expr_compile(&e, text);
	FUZZ_CHECK(rc == 0 || rc == ERR_INVALID);
	if (rc == 0) {
		double values[EXPR_MAX_VARS], out;
		FUZZ_CHECK(e.n_ops >= 1 && e.n_ops <= EXPR_MAX_OPS);
		FUZZ_CHECK(e.n_vars >= 0 && e.n_vars <= EXPR_MAX_VARS);
		for (int i = 0; i < e.n_ops; i++)
			if (e.ops[i].kind == 'v')
				FUZZ_CHECK(e.ops[i].var >= 0 && e.ops[i].var < e.n_vars);
		for (int i = 0; i < e.n_vars; i++) {
			FUZZ_CHECK(memchr(e.vars[i], '\0', EXPR_MAX_NAME) != NULL);
			values[i] = i + 1.5;
		}
		rc = expr_eval(&out, &e, values);
		FUZZ_CHECK(rc == 0 || rc == ERR_INVALID);
		for (int i = 0; i < e.n_vars; i++)
			values[i] = i % 3 == 0 ? 0 : i % 3 == 1 ? NAN : -1e308;
		rc = expr_eval(&out, &e, values);
		FUZZ_CHECK(rc == 0 || rc == ERR_INVALID);
	}
	free(text);
	return 0;
}
