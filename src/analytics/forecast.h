/* forecast: where an indicator is heading, and the chance that it reaches
 * its target. A series of values y at times t (years as decimals: the end
 * of 2025Q1 is about 2025.25) is fitted by a least-squares line or by
 * damped-trend exponential smoothing, whichever predicted the series'
 * own points better one step ahead; the forecast at the target time is a
 * normal distribution, and its probability of reaching the target gives
 * the status colour. Pure: no allocation, no global state. */
#ifndef NQ57_FORECAST_H
#define NQ57_FORECAST_H

#define FORECAST_MAX_POINTS 512

typedef enum forecast_method { FORECAST_NONE, FORECAST_LINEAR, FORECAST_DAMPED } forecast_method;

/* Higher is better, lower is better, reach exactly (within 2.5%). */
typedef enum forecast_direction { FORECAST_UP, FORECAST_DOWN, FORECAST_EXACT } forecast_direction;

typedef enum forecast_colour { FORECAST_GREY, FORECAST_GREEN, FORECAST_YELLOW, FORECAST_RED } forecast_colour;

/* Least squares y = ybar + slope * (t - tbar). */
typedef struct forecast_linear {
	double tbar, ybar, slope;
	double sxx;         /* sum of (t - tbar)^2 */
	double s;           /* residual sd, sqrt(SSE / (n - 2)) */
} forecast_linear;

/* Additive damped trend, ETS(A,Ad,N), on equally spaced points. */
typedef struct forecast_damped {
	double alpha, beta, phi;
	double level, trend;   /* the state after the last point */
	double sigma;          /* sd of the one-step errors */
	double t_last, step;   /* time of the last point, spacing of the points */
} forecast_damped;

typedef struct forecast_model {
	forecast_method method;
	int n;                   /* points fitted */
	forecast_linear linear;  /* set when n >= 3 */
	forecast_damped damped;  /* set when n >= 5 and the points are equally spaced */
	/* Mean squared one-step-ahead errors that chose between the two
	 * (points 4..n, each predicted from those before it); NaN when no
	 * choice was made. */
	double mse_linear, mse_damped;
} forecast_model;

/* Fits t[0..n), y[0..n): t strictly increasing and finite, y finite,
 * n at most FORECAST_MAX_POINTS, else ERR_INVALID naming the point.
 * n < 3: FORECAST_NONE. n 3..4, or points not equally spaced (a gap more
 * than 10% off the mean gap): FORECAST_LINEAR. n >= 5 and equally spaced:
 * whichever of linear and damped has the smaller mse above; ties go to
 * linear. Returns 0. */
int forecast_fit(forecast_model *m, const double *t, const double *y, int n);

/* Point forecast and standard error of prediction at time t (at or after
 * the first point). The damped trend forecasts whole steps after the last
 * point, h = round((t - t_last) / step); at or before the last point it
 * gives the current level with se = sigma. NaN, NaN for FORECAST_NONE. */
void forecast_predict(const forecast_model *m, double t, double *value, double *se);

/* Keeps a forecast within an indicator's hard bounds [lo, hi] (NaN: no
 * bound on that side): *value and, when not NULL, the ends of its band
 * *low and *high. A percentage never forecasts 192 %. */
void forecast_clip(double *value, double *low, double *high, double lo, double hi);

/* P(reaching target) when the outcome is N(value, se^2): UP P(Y >= target),
 * DOWN P(Y <= target), EXACT P(|Y - target| <= 0.025 |target|) (0.025 when
 * the target is 0). A zero or tiny se (below 1e-9 max(1, |target|,
 * |value|)) gives 1 or 0, counting |value - target| <= 1e-9 max(1,
 * |target|) as reached. NaN when value or target is not finite, or se is
 * NaN or negative. */
double forecast_probability(double value, double se, double target, forecast_direction d);

/* GREEN at P >= 0.7, YELLOW at 0.3 <= P < 0.7, RED below, GREY for NaN. */
forecast_colour forecast_colour_of(double probability);

/* "none", "linear", "damped". */
const char *forecast_method_name(forecast_method m);
/* "grey", "green", "yellow", "red"; and "xám", "xanh", "vàng", "đỏ". */
const char *forecast_colour_name(forecast_colour c);
const char *forecast_colour_vi(forecast_colour c);

#endif
