/* expr: formulas of derived indicators, e.g.
 *   {KTS_GIATRI} / {GRDP} * 100
 * Numbers (decimal point '.'), + - * / with the usual precedence, unary
 * minus, parentheses, and operands that name other indicators: a bare
 * name [A-Za-z_][A-Za-z0-9_.]* or any code in braces ({CT-01}). Compiled
 * once to a postfix program, then evaluated for many units and periods. */
#ifndef NQ57_EXPR_H
#define NQ57_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#define EXPR_MAX_OPS 256
#define EXPR_MAX_VARS 32
#define EXPR_MAX_NAME 64

typedef struct expr_op {
	char kind;          /* 'n' number, 'v' variable, '+', '-', '*', '/', '~' (negate) */
	double number;
	int var;            /* index into vars[] */
} expr_op;

typedef struct expr {
	int n_ops;
	expr_op ops[EXPR_MAX_OPS];
	int n_vars;
	char vars[EXPR_MAX_VARS][EXPR_MAX_NAME];   /* distinct operand names, in order of appearance */
} expr;

/* Compiles text. ERR_INVALID with the column (from 1) and what was
 * expected: "formula column 9: expected an operand after '/'". */
int expr_compile(expr *out, const char *text);

/* Evaluates with values[i] for vars[i]. Returns 0 with *out, or
 * ERR_INVALID for a division by zero or a missing operand (NaN). */
int expr_eval(double *out, const expr *e, const double *values);

#endif
