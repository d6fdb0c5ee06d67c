/* forecast: least squares, damped-trend smoothing by grid search, the
 * choice between them by expanding-window one-step errors, and normal
 * probabilities via erfc. */
#include "analytics/forecast.h"
#include "util/err.h"

#include <math.h>
#include <stdbool.h>

#define DAMPED_MIN_POINTS 5
#define SPACING_TOLERANCE 0.1   /* calendar months (28..31 days) still count as equally spaced */
#define TIE_MARGIN 1e-9         /* damped must beat linear by this relative margin */
#define EXACT_TOLERANCE 0.025
#define VARIANCE_TERMS 2000     /* phi^2000 < 1e-17: later terms of the variance are all equal */
#define ALPHAS 19               /* the damped grid: alpha 0.05..0.95 by 0.05, */
#define BETAS 10                /* beta 0.1..1 of alpha by 0.1, */
#define PHIS 10                 /* phi 0.80..0.98 by 0.02 */

static double sq(double x) { return x * x; }

typedef struct damped_params {
	double alpha, beta, phi;
} damped_params;

static int check_series(const double *t, const double *y, int n)
{
	if (n < 0 || n > FORECAST_MAX_POINTS)
		return err_set(ERR_INVALID, "forecast: %d points, expected 0 to %d", n, FORECAST_MAX_POINTS);
	if (n > 0 && (!t || !y))
		return err_set(ERR_INVALID, "forecast: no times or values for %d points", n);
	for (int i = 0; i < n; i++) {
		if (!isfinite(t[i]))
			return err_set(ERR_INVALID, "forecast point %d: the time is not a finite number", i + 1);
		if (!isfinite(y[i]))
			return err_set(ERR_INVALID, "forecast point %d: the value is not a finite number", i + 1);
		if (i > 0 && !(t[i] > t[i - 1]))
			return err_set(ERR_INVALID, "forecast point %d: time %g is not after %g", i + 1, t[i], t[i - 1]);
	}
	return 0;
}

/* True if every gap is within SPACING_TOLERANCE of the mean gap, *step. */
static bool equally_spaced(const double *t, int n, double *step)
{
	*step = (t[n - 1] - t[0]) / (n - 1);
	for (int i = 1; i < n; i++)
		if (fabs(t[i] - t[i - 1] - *step) > SPACING_TOLERANCE * *step)
			return false;
	return true;
}

/* Ordinary least squares, centred so that years near 2025 lose nothing. */
static void linear_fit(forecast_linear *l, const double *t, const double *y, int n)
{
	double st = 0, sy = 0;
	for (int i = 0; i < n; i++) {
		st += t[i];
		sy += y[i];
	}
	l->tbar = st / n;
	l->ybar = sy / n;
	double sxx = 0, sxy = 0;
	for (int i = 0; i < n; i++) {
		sxx += sq(t[i] - l->tbar);
		sxy += (t[i] - l->tbar) * (y[i] - l->ybar);
	}
	l->sxx = sxx;
	l->slope = sxy / sxx;
	double sse = 0;
	for (int i = 0; i < n; i++)
		sse += sq(y[i] - (l->ybar + l->slope * (t[i] - l->tbar)));
	l->s = n > 2 ? sqrt(sse / (n - 2)) : 0;
}

static double linear_value(const forecast_linear *l, double t) { return l->ybar + l->slope * (t - l->tbar); }

static damped_params grid_params(int ai, int bi, int pi)
{
	double alpha = (ai + 1) * 0.05;
	return (damped_params){ alpha, alpha * (bi + 1) / 10.0, 0.80 + pi * 0.02 };
}

/* One step of the smoothing: the error of y against the forecast from
 * the state (l, b), then the state after y. */
static double damped_step(damped_params p, double y, double *l, double *b)
{
	double e = y - (*l + p.phi * *b);
	*l += p.phi * *b + p.alpha * e;
	*b = p.phi * *b + p.beta * e;
	return e;
}

/* The smoothing starts after the second point with level y1 and trend
 * y1 - y0, so the errors are those of points 3..n: no point both sets
 * the start and is predicted. Each grid candidate runs once over y[0..n);
 * smoothing y[0..k) is the first steps of smoothing y[0..n), so the one
 * pass fits every prefix: for k = 3..n it finds the candidate with the
 * smallest SSE on y[0..k) (the first in grid order among equals) and, for
 * k < n, puts that fit's forecast of y[k] in pred[k]. Returns the
 * candidate for k = n. */
static damped_params damped_search(const double *y, int n, double *pred)
{
	double best_sse[FORECAST_MAX_POINTS + 1];
	damped_params best = grid_params(0, 0, 0);
	for (int c = 0; c < ALPHAS * BETAS * PHIS; c++) {
		damped_params p = grid_params(c / (BETAS * PHIS), c / PHIS % BETAS, c % PHIS);
		double l = y[1], b = y[1] - y[0], sse = 0;
		for (int k = 3; k <= n; k++) {
			sse += sq(damped_step(p, y[k - 1], &l, &b));   /* now the fit of y[0..k) */
			/* the SSE only grows with k and best_sse[j] <= best_sse[n]
			 * for j <= n: a candidate at or above the best of the whole
			 * series wins no longer prefix (winning needs less) */
			if (c > 0 && sse >= best_sse[n])
				break;
			if (c == 0 || sse < best_sse[k]) {
				best_sse[k] = fmin(sse, INFINITY);   /* NaN from an overflow never wins */
				if (k < n)
					pred[k] = l + p.phi * b;
				else
					best = p;
			}
		}
	}
	return best;
}

/* Fits y[0..n), n >= 3, equally spaced by step, y[n - 1] at t_last;
 * pred[3..n) as damped_search leaves it. */
static void damped_fit(forecast_damped *d, const double *y, int n, double t_last, double step, double *pred)
{
	damped_params p = damped_search(y, n, pred);
	double l = y[1], b = y[1] - y[0], sse = 0;
	for (int i = 2; i < n; i++)
		sse += sq(damped_step(p, y[i], &l, &b));
	int df = n - 2 - 3;   /* n - 2 errors, less the three parameters */
	*d = (forecast_damped){ .alpha = p.alpha, .beta = p.beta, .phi = p.phi, .level = l, .trend = b,
		.sigma = sqrt(sse / (df > 1 ? df : 1)), .t_last = t_last, .step = step };
}

/* phi + phi^2 + ... + phi^h. */
static double damped_sum(double phi, double h) { return phi * (1 - pow(phi, h)) / (1 - phi); }

/* 1 + sum over j = 1..h-1 of (alpha + beta phi_j)^2, phi_j = damped_sum(phi, j). */
static double damped_variance_factor(const forecast_damped *d, double h)
{
	double sum = 1, phi_j = 0, phi_pow = 1;
	double terms = h - 1 < VARIANCE_TERMS ? h - 1 : VARIANCE_TERMS;
	for (int j = 1; j <= terms; j++) {
		phi_pow *= d->phi;
		phi_j += phi_pow;
		sum += sq(d->alpha + d->beta * phi_j);
	}
	if (h - 1 > VARIANCE_TERMS) {
		double c = d->alpha + d->beta * d->phi / (1 - d->phi);
		sum += (h - 1 - VARIANCE_TERMS) * sq(c);
	}
	return sum;
}

static void damped_predict(const forecast_damped *d, double t, double *value, double *se)
{
	double h = round((t - d->t_last) / d->step);
	if (!(h >= 1)) {   /* at or before the last point */
		*value = d->level;
		*se = d->sigma;
		return;
	}
	*value = d->level + damped_sum(d->phi, h) * d->trend;
	*se = d->sigma * sqrt(damped_variance_factor(d, h));
}

/* Predicts y[k] from y[0..k) and t[0..k) for k = 3..n-1 by both methods
 * (the damped forecasts are pred[k] from damped_fit); the means of the
 * squared errors. */
static void one_step_errors(const double *t, const double *y, int n, const double *pred, double *mse_linear,
	double *mse_damped)
{
	double sl = 0, sd = 0;
	for (int k = 3; k < n; k++) {
		forecast_linear l;
		linear_fit(&l, t, y, k);
		sl += sq(y[k] - linear_value(&l, t[k]));
		sd += sq(y[k] - pred[k]);
	}
	*mse_linear = sl / (n - 3);
	*mse_damped = sd / (n - 3);
}

int forecast_fit(forecast_model *m, const double *t, const double *y, int n)
{
	*m = (forecast_model){ .method = FORECAST_NONE, .mse_linear = NAN, .mse_damped = NAN };
	int rc = check_series(t, y, n);
	if (rc < 0)
		return rc;
	m->n = n;
	if (n < 3)
		return 0;
	linear_fit(&m->linear, t, y, n);
	m->method = FORECAST_LINEAR;
	double step;
	if (n < DAMPED_MIN_POINTS || !equally_spaced(t, n, &step))
		return 0;
	double pred[FORECAST_MAX_POINTS];
	damped_fit(&m->damped, y, n, t[n - 1], step, pred);
	one_step_errors(t, y, n, pred, &m->mse_linear, &m->mse_damped);
	if (m->mse_damped < m->mse_linear * (1 - TIE_MARGIN))
		m->method = FORECAST_DAMPED;
	return 0;
}

void forecast_predict(const forecast_model *m, double t, double *value, double *se)
{
	*value = *se = NAN;
	if (isnan(t))
		return;
	if (m->method == FORECAST_LINEAR) {
		const forecast_linear *l = &m->linear;
		double dt = t - l->tbar;
		*value = linear_value(l, t);
		*se = l->s * sqrt(1 + 1.0 / m->n + dt * dt / l->sxx);
	} else if (m->method == FORECAST_DAMPED) {
		damped_predict(&m->damped, t, value, se);
	}
}

/* P(Z >= z) for a standard normal Z. */
static double upper_tail(double z) { return 0.5 * erfc(z * M_SQRT1_2); }

/* P(lo <= Z <= hi), from the tails so that neither end loses digits. */
static double between(double lo, double hi)
{
	if (lo > 0)
		return upper_tail(lo) - upper_tail(hi);
	if (hi < 0)
		return upper_tail(-hi) - upper_tail(-lo);
	return 1 - upper_tail(-lo) - upper_tail(hi);
}

static double exact_tolerance(double target) { return target == 0 ? EXACT_TOLERANCE : EXACT_TOLERANCE * fabs(target); }

/* The outcome when it is certain to be value. */
static double certain(double value, double target, forecast_direction d)
{
	bool near = fabs(value - target) <= 1e-9 * fmax(1, fabs(target));
	switch (d) {
	case FORECAST_UP: return near || value >= target ? 1 : 0;
	case FORECAST_DOWN: return near || value <= target ? 1 : 0;
	case FORECAST_EXACT: return near || fabs(value - target) <= exact_tolerance(target) ? 1 : 0;
	}
	return NAN;
}

double forecast_probability(double value, double se, double target, forecast_direction d)
{
	if (!isfinite(value) || !isfinite(target) || isnan(se) || se < 0)
		return NAN;
	if (se < 1e-9 * fmax(1, fmax(fabs(target), fabs(value))))
		return certain(value, target, d);
	double tol = exact_tolerance(target);
	switch (d) {
	case FORECAST_UP: return upper_tail((target - value) / se);
	case FORECAST_DOWN: return upper_tail((value - target) / se);
	case FORECAST_EXACT: return between((target - tol - value) / se, (target + tol - value) / se);
	}
	return NAN;
}

forecast_colour forecast_colour_of(double probability)
{
	if (isnan(probability))
		return FORECAST_GREY;
	return probability >= 0.7 ? FORECAST_GREEN : probability >= 0.3 ? FORECAST_YELLOW : FORECAST_RED;
}

const char *forecast_method_name(forecast_method m)
{
	switch (m) {
	case FORECAST_NONE: return "none";
	case FORECAST_LINEAR: return "linear";
	case FORECAST_DAMPED: return "damped";
	}
	return "unknown";
}

const char *forecast_colour_name(forecast_colour c)
{
	switch (c) {
	case FORECAST_GREY: return "grey";
	case FORECAST_GREEN: return "green";
	case FORECAST_YELLOW: return "yellow";
	case FORECAST_RED: return "red";
	}
	return "unknown";
}

const char *forecast_colour_vi(forecast_colour c)
{
	switch (c) {
	case FORECAST_GREY: return "xám";
	case FORECAST_GREEN: return "xanh";
	case FORECAST_YELLOW: return "vàng";
	case FORECAST_RED: return "đỏ";
	}
	return "không rõ";
}

static double clip_one(double x, double lo, double hi)
{
	if (isfinite(lo) && x < lo)
		return lo;
	if (isfinite(hi) && x > hi)
		return hi;
	return x;
}

void forecast_clip(double *value, double *low, double *high, double lo, double hi)
{
	*value = clip_one(*value, lo, hi);
	if (low)
		*low = clip_one(*low, lo, hi);
	if (high)
		*high = clip_one(*high, lo, hi);
}
