/* expr: a recursive-descent compiler to postfix and a stack evaluator. */
#include "analytics/expr.h"
#include "util/err.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EXPR_MAX_DEPTH 64

typedef struct parser {
	const char *text, *p;
	expr *e;
	int depth;
} parser;

static int col(const parser *ps) { return (int)(ps->p - ps->text) + 1; }

static void skip_space(parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
}

/* What the parser expected where it failed; each its own message. */
typedef enum expect {
	EXPECT_CLOSE,     /* ')' */
	EXPECT_NUMBER,
	EXPECT_BRACE,     /* '}' closing an indicator code */
	EXPECT_OPERAND    /* a number, an indicator code or '(' */
} expect;

static int fail(const parser *ps, expect e)
{
	int c = col(ps);
	const char *p = ps->p;
	switch (e) {
	case EXPECT_CLOSE:
		return *p ? err_set(ERR_INVALID, "formula column %d: expected ')', found '%.1s'", c, p)
			  : err_set(ERR_INVALID, "formula column %d: expected ')', found the end", c);
	case EXPECT_NUMBER:
		return *p ? err_set(ERR_INVALID, "formula column %d: expected a number, found '%.1s'", c, p)
			  : err_set(ERR_INVALID, "formula column %d: expected a number, found the end", c);
	case EXPECT_BRACE:
		return *p ? err_set(ERR_INVALID, "formula column %d: expected '}' to close the indicator code, found '%.1s'", c, p)
			  : err_set(ERR_INVALID, "formula column %d: expected '}' to close the indicator code, found the end", c);
	case EXPECT_OPERAND:
		break;
	}
	return *p ? err_set(ERR_INVALID, "formula column %d: expected a number, an indicator code or '(', found '%.1s'", c, p)
		  : err_set(ERR_INVALID, "formula column %d: expected a number, an indicator code or '(', found the end", c);
}

static int emit(parser *ps, expr_op op)
{
	if (ps->e->n_ops == EXPR_MAX_OPS)
		return err_set(ERR_INVALID, "formula is longer than %d steps", EXPR_MAX_OPS);
	ps->e->ops[ps->e->n_ops++] = op;
	return 0;
}

static int var_index(parser *ps, const char *name, size_t n)
{
	expr *e = ps->e;
	if (n == 0 || n >= EXPR_MAX_NAME)
		return err_set(ERR_INVALID, "formula column %d: an indicator code has 1 to %d characters", col(ps),
			EXPR_MAX_NAME - 1);
	for (int i = 0; i < e->n_vars; i++)
		if (strlen(e->vars[i]) == n && memcmp(e->vars[i], name, n) == 0)
			return i;
	if (e->n_vars == EXPR_MAX_VARS)
		return err_set(ERR_INVALID, "formula names more than %d indicators", EXPR_MAX_VARS);
	memcpy(e->vars[e->n_vars], name, n);
	e->vars[e->n_vars][n] = '\0';
	return e->n_vars++;
}

static int parse_sum(parser *ps);

static int parse_operand(parser *ps)
{
	skip_space(ps);
	const char *start = ps->p;
	if (*ps->p == '(' || *ps->p == '-') {
		if (++ps->depth > EXPR_MAX_DEPTH)
			return err_set(ERR_INVALID, "formula column %d: nested deeper than %d levels", col(ps), EXPR_MAX_DEPTH);
	}
	if (*ps->p == '(') {
		ps->p++;
		int rc = parse_sum(ps);
		ps->depth--;
		if (rc < 0)
			return rc;
		skip_space(ps);
		if (*ps->p != ')')
			return fail(ps, EXPECT_CLOSE);
		ps->p++;
		return 0;
	}
	if (*ps->p == '-') {
		ps->p++;
		int rc = parse_operand(ps);
		ps->depth--;
		return rc < 0 ? rc : emit(ps, (expr_op){ .kind = '~' });
	}
	if (isdigit((unsigned char)*ps->p) || (*ps->p == '.' && isdigit((unsigned char)ps->p[1]))) {
		char *end;
		double v = strtod(ps->p, &end);
		if (end == ps->p || !isfinite(v))
			return fail(ps, EXPECT_NUMBER);
		ps->p = end;
		return emit(ps, (expr_op){ .kind = 'n', .number = v });
	}
	if (*ps->p == '{') {
		const char *close = strchr(ps->p, '}');
		if (!close)
			return fail(ps, EXPECT_BRACE);
		int v = var_index(ps, ps->p + 1, (size_t)(close - ps->p - 1));
		if (v < 0)
			return v;
		ps->p = close + 1;
		return emit(ps, (expr_op){ .kind = 'v', .var = v });
	}
	if (isalpha((unsigned char)*ps->p) || *ps->p == '_') {
		while (isalnum((unsigned char)*ps->p) || *ps->p == '_' || *ps->p == '.')
			ps->p++;
		int v = var_index(ps, start, (size_t)(ps->p - start));
		return v < 0 ? v : emit(ps, (expr_op){ .kind = 'v', .var = v });
	}
	return fail(ps, EXPECT_OPERAND);
}

static int parse_product(parser *ps)
{
	int rc = parse_operand(ps);
	for (;;) {
		if (rc < 0)
			return rc;
		skip_space(ps);
		char op = *ps->p;
		if (op != '*' && op != '/')
			return 0;
		ps->p++;
		if ((rc = parse_operand(ps)) == 0)
			rc = emit(ps, (expr_op){ .kind = op });
	}
}

static int parse_sum(parser *ps)
{
	int rc = parse_product(ps);
	for (;;) {
		if (rc < 0)
			return rc;
		skip_space(ps);
		char op = *ps->p;
		if (op != '+' && op != '-')
			return 0;
		ps->p++;
		if ((rc = parse_product(ps)) == 0)
			rc = emit(ps, (expr_op){ .kind = op });
	}
}

int expr_compile(expr *out, const char *text)
{
	parser ps = { .text = text, .p = text, .e = out };
	memset(out, 0, sizeof(*out));
	int rc = parse_sum(&ps);
	if (rc < 0)
		return rc;
	skip_space(&ps);
	if (*ps.p)
		return err_set(ERR_INVALID, "formula column %d: expected an operator (+ - * /) or the end, found '%.1s'", col(&ps), ps.p);
	return 0;
}

int expr_eval(double *out, const expr *e, const double *values)
{
	double stack[EXPR_MAX_OPS];
	int top = 0;
	for (int i = 0; i < e->n_ops; i++) {
		const expr_op *op = &e->ops[i];
		switch (op->kind) {
		case 'n': stack[top++] = op->number; break;
		case 'v':
			if (isnan(values[op->var]))
				return err_set(ERR_INVALID, "no value for %s", e->vars[op->var]);
			stack[top++] = values[op->var];
			break;
		case '~': stack[top - 1] = -stack[top - 1]; break;
		default: {
			double b = stack[--top], a = stack[top - 1];
			if (op->kind == '/' && b == 0)
				return err_set(ERR_INVALID, "division by zero");
			stack[top - 1] = op->kind == '+' ? a + b : op->kind == '-' ? a - b : op->kind == '*' ? a * b : a / b;
		}
		}
	}
	*out = stack[0];
	return 0;
}
