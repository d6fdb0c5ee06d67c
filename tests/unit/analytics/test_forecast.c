/* Tests for analytics/forecast: series with answers worked out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "analytics/forecast.h"
#include "util/err.h"

static forecast_model fit(const double *t, const double *y, int n)
{
	forecast_model m;
	if (forecast_fit(&m, t, y, n) != 0)
		fail_msg("fit: %s", err_msg());
	return m;
}

/* Least squares from the raw sums as a textbook writes them, apart from
 * the module's centred sums: the forecast and its se at time at. */
static void ols_by_sums(const double *t, const double *y, int n, double at, double *value, double *se)
{
	double st = 0, sy = 0, stt = 0, sty = 0, syy = 0;
	for (int i = 0; i < n; i++) {
		st += t[i];
		sy += y[i];
		stt += t[i] * t[i];
		sty += t[i] * y[i];
		syy += y[i] * y[i];
	}
	double sxx = stt - st * st / n, sxy = sty - st * sy / n, syy_c = syy - sy * sy / n;
	double b = sxy / sxx, a = (sy - b * st) / n;
	double s2 = (syy_c - b * sxy) / (n - 2);
	double d = at - st / n;
	*value = a + b * at;
	*se = sqrt(s2 * (1 + 1.0 / n + d * d / sxx));
}

static void test_forecast__straight_line_is_certain(void **state)
{
	(void)state;
	const double t[] = { 2021, 2022, 2023, 2024 }, y[] = { 10, 20, 30, 40 };
	forecast_model m = fit(t, y, 4);
	assert_int_equal(m.method, FORECAST_LINEAR);
	double v, se;
	forecast_predict(&m, 2030, &v, &se);
	assert_float_equal(v, 100, 1e-9);
	assert_float_equal(se, 0, 1e-9);
	double p = forecast_probability(v, se, 100, FORECAST_UP);
	assert_true(p == 1);
	assert_int_equal(forecast_colour_of(p), FORECAST_GREEN);
	/* one more than the line reaches: missed for sure, and met for sure
	 * when lower is better */
	p = forecast_probability(v, se, 101, FORECAST_UP);
	assert_true(p == 0);
	assert_int_equal(forecast_colour_of(p), FORECAST_RED);
	p = forecast_probability(v, se, 101, FORECAST_DOWN);
	assert_true(p == 1);
	assert_int_equal(forecast_colour_of(p), FORECAST_GREEN);
}

static void test_forecast__flat_series_misses_a_far_target(void **state)
{
	(void)state;
	const double t[] = { 2019, 2020, 2021, 2022, 2023, 2024 }, y[] = { 5, 5, 5, 5, 5, 5 };
	forecast_model m = fit(t, y, 6);
	assert_int_equal(m.method, FORECAST_LINEAR);   /* both predict it exactly: a tie */
	double v, se;
	forecast_predict(&m, 2030, &v, &se);
	assert_float_equal(v, 5, 1e-9);
	double p = forecast_probability(v, se, 50, FORECAST_UP);
	assert_true(p < 0.3);
	assert_int_equal(forecast_colour_of(p), FORECAST_RED);
}

static void test_forecast__too_few_points(void **state)
{
	(void)state;
	const double t[] = { 2023, 2024 }, y[] = { 7, 9 };
	forecast_model m = fit(t, y, 1);
	assert_int_equal(m.method, FORECAST_NONE);
	double v, se;
	forecast_predict(&m, 2030, &v, &se);
	assert_true(isnan(v) && isnan(se));
	double p = forecast_probability(v, se, 10, FORECAST_UP);
	assert_true(isnan(p));
	assert_int_equal(forecast_colour_of(p), FORECAST_GREY);
	m = fit(t, y, 2);
	assert_int_equal(m.method, FORECAST_NONE);
	assert_int_equal(m.n, 2);
	m = fit(t, y, 0);
	assert_int_equal(m.method, FORECAST_NONE);
}

static void test_forecast__perfect_line_of_eight_picks_linear(void **state)
{
	(void)state;
	/* quarter ends 2023Q1..2024Q4 */
	const double t[] = { 2023.25, 2023.5, 2023.75, 2024, 2024.25, 2024.5, 2024.75, 2025 };
	const double y[] = { 3, 4.5, 6, 7.5, 9, 10.5, 12, 13.5 };
	forecast_model m = fit(t, y, 8);
	assert_int_equal(m.method, FORECAST_LINEAR);
	assert_true(m.mse_linear < 1e-20);
	assert_true(m.mse_damped > m.mse_linear);
	double v, se;
	forecast_predict(&m, 2026, &v, &se);
	assert_float_equal(v, 19.5, 1e-9);
	assert_float_equal(se, 0, 1e-9);
}

/* Rises, then flattens: damped smoothing predicts it better one step
 * ahead, and far out stays near the plateau where a line climbs on. */
static void test_forecast__flattening_series_picks_damped(void **state)
{
	(void)state;
	const double t[] = { 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024 };
	const double y[] = { 10, 20, 28, 33, 36, 37.5, 38.2, 38.6, 38.8 };
	forecast_model m = fit(t, y, 9);
	assert_int_equal(m.method, FORECAST_DAMPED);
	assert_true(m.mse_damped < m.mse_linear);
	assert_float_equal(m.damped.step, 1, 1e-12);
	assert_true(m.damped.phi >= 0.8 && m.damped.phi <= 0.98);
	assert_true(m.damped.beta > 0 && m.damped.beta <= m.damped.alpha && m.damped.alpha < 1);
	double v, se, lv, lse;
	forecast_predict(&m, 2040, &v, &se);
	ols_by_sums(t, y, 9, 2040, &lv, &lse);
	assert_true(v < lv - 30);
	assert_true(v > 38 && v < 45);
	/* uncertainty grows with the horizon */
	double v1, se1;
	forecast_predict(&m, 2025, &v1, &se1);
	assert_true(se1 > 0 && se > se1);
	assert_float_equal(se1, m.damped.sigma, 1e-12);
	/* at or before the last point: the current level */
	forecast_predict(&m, 2024, &v1, &se1);
	assert_float_equal(v1, m.damped.level, 1e-12);
	assert_float_equal(se1, m.damped.sigma, 1e-12);
}

/* Damped smoothing of y[0..k) by the grid of the header, done the long
 * way: level y1 and trend y1 - y0 after the second point, every candidate
 * on its own, the first smallest SSE kept. Its forecast of the next point. */
static double damped_next_by_search(const double *y, int k, double *alpha, double *beta, double *phi)
{
	double best = INFINITY, next = NAN;
	for (int ai = 1; ai <= 19; ai++)
		for (int bi = 1; bi <= 10; bi++)
			for (int pi = 0; pi <= 9; pi++) {
				double a = ai * 0.05, b = a * bi / 10.0, f = 0.80 + pi * 0.02;
				double lev = y[1], tr = y[1] - y[0], sse = 0;
				for (int i = 2; i < k; i++) {
					double e = y[i] - (lev + f * tr);
					lev = lev + f * tr + a * e;
					tr = f * tr + b * e;
					sse += e * e;
				}
				if (sse < best) {
					best = sse;
					next = lev + f * tr;
					*alpha = a;
					*beta = b;
					*phi = f;
				}
			}
	return next;
}

/* The choice is honest: each point from the fourth on is predicted by
 * both methods fitted afresh on the points before it only. */
static void test_forecast__one_step_errors_refit_on_the_past_only(void **state)
{
	(void)state;
	const double t[] = { 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024 };
	const double y[] = { 10, 20, 28, 33, 36, 37.5, 38.2, 38.6, 38.8 };
	forecast_model m = fit(t, y, 9);
	double sl = 0, sd = 0, a, b, f;
	for (int k = 3; k < 9; k++) {
		double v, se;
		ols_by_sums(t, y, k, t[k], &v, &se);
		sl += (y[k] - v) * (y[k] - v);
		double d = damped_next_by_search(y, k, &a, &b, &f);
		sd += (y[k] - d) * (y[k] - d);
	}
	assert_float_equal(m.mse_linear, sl / 6, 1e-9);
	assert_float_equal(m.mse_damped, sd / 6, 1e-9);
	/* and the model kept is the fit on all nine */
	double next = damped_next_by_search(y, 9, &a, &b, &f);
	assert_float_equal(m.damped.alpha, a, 1e-12);
	assert_float_equal(m.damped.beta, b, 1e-12);
	assert_float_equal(m.damped.phi, f, 1e-12);
	double v, se;
	forecast_predict(&m, 2025, &v, &se);
	assert_float_equal(v, next, 1e-9);
}

/* h steps ahead: level + (phi + ... + phi^h) trend, and variance
 * sigma^2 (1 + sum over j < h of (alpha + beta (phi + ... + phi^j))^2),
 * summed here term by term, also past the module's shortcut for long
 * horizons. */
static void test_forecast__damped_horizons(void **state)
{
	(void)state;
	const double t[] = { 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024 };
	const double y[] = { 10, 20, 28, 33, 36, 37.5, 38.2, 38.6, 38.8 };
	forecast_model m = fit(t, y, 9);
	const forecast_damped *d = &m.damped;
	const int hs[] = { 1, 3, 2500 };
	for (int i = 0; i < 3; i++) {
		double phi_j = 0, pw = 1, var = 1, phi_h;
		for (int j = 1; j < hs[i]; j++) {
			pw *= d->phi;
			phi_j += pw;
			var += (d->alpha + d->beta * phi_j) * (d->alpha + d->beta * phi_j);
		}
		phi_h = phi_j + pw * d->phi;
		double v, se;
		forecast_predict(&m, 2024 + hs[i] + 0.3, &v, &se);   /* rounds to h steps */
		assert_float_equal(v, d->level + phi_h * d->trend, 1e-9);
		assert_float_equal(se, d->sigma * sqrt(var), 1e-9 * se);
	}
}

/* t 2021..2024, y 10 21 29 41. Centred t -1.5 -0.5 0.5 1.5: Sxx = 5,
 * ybar = 25.25, Sxy = 50.5, slope 10.1. Fitted 10.1 20.2 30.3 40.4,
 * residuals -0.1 0.8 -1.3 0.6, SSE 2.7, s^2 = 2.7 / 2 = 1.35. At 2026
 * (3.5 after tbar): 25.25 + 35.35 = 60.6, se^2 = 1.35 (1 + 1/4 + 12.25/5)
 * = 4.995, se = 2.2349496638627. Target 61 up:
 * P = Phi((60.6 - 61) / 2.2349496638627) = Phi(-0.178975...) = 0.42897868631041,
 * yellow; target 62: Phi(-0.626414...) = 0.26552226598538, red. */
static void test_forecast__noisy_line_matches_the_hand_computation(void **state)
{
	(void)state;
	const double t[] = { 2021, 2022, 2023, 2024 }, y[] = { 10, 21, 29, 41 };
	forecast_model m = fit(t, y, 4);
	assert_int_equal(m.method, FORECAST_LINEAR);
	double v, se, hv, hse;
	forecast_predict(&m, 2026, &v, &se);
	ols_by_sums(t, y, 4, 2026, &hv, &hse);
	assert_float_equal(v, hv, 1e-9);
	assert_float_equal(se, hse, 1e-9);
	assert_float_equal(v, 60.6, 1e-9);
	assert_float_equal(se, sqrt(4.995), 1e-9);
	double p = forecast_probability(v, se, 61, FORECAST_UP);
	assert_true(p > 0 && p < 1);
	assert_float_equal(p, 0.5 * erfc((61 - hv) / (hse * sqrt(2))), 1e-9);
	assert_float_equal(p, 0.42897868631041, 1e-9);
	assert_int_equal(forecast_colour_of(p), FORECAST_YELLOW);
	p = forecast_probability(v, se, 62, FORECAST_UP);
	assert_float_equal(p, 0.26552226598538, 1e-9);
	assert_int_equal(forecast_colour_of(p), FORECAST_RED);
	/* lower is better: the complement */
	assert_float_equal(forecast_probability(v, se, 62, FORECAST_DOWN), 1 - 0.26552226598538, 1e-9);
}

static void test_forecast__probability_of_an_exact_target(void **state)
{
	(void)state;
	/* within 2.5% of 100, i.e. 97.5..102.5 */
	assert_true(forecast_probability(100, 0, 100, FORECAST_EXACT) == 1);
	assert_true(forecast_probability(102.4, 0, 100, FORECAST_EXACT) == 1);
	assert_true(forecast_probability(97.6, 0, 100, FORECAST_EXACT) == 1);
	assert_true(forecast_probability(102.6, 0, 100, FORECAST_EXACT) == 0);
	assert_true(forecast_probability(-102.6, 0, -100, FORECAST_EXACT) == 0);
	/* one sd either side: erf(1 / sqrt 2) */
	assert_float_equal(forecast_probability(100, 2.5, 100, FORECAST_EXACT), 0.6826894921370859, 1e-12);
	assert_float_equal(forecast_probability(-100, 2.5, -100, FORECAST_EXACT), 0.6826894921370859, 1e-12);
	assert_float_equal(forecast_probability(0, 0.025, 0, FORECAST_EXACT), 0.6826894921370859, 1e-12);
	/* off centre: Phi(-1.5) - Phi(-2.5), and the same from the other side */
	assert_float_equal(forecast_probability(110, 5, 100, FORECAST_EXACT), 0.06059753594308195, 1e-12);
	assert_float_equal(forecast_probability(90, 5, 100, FORECAST_EXACT), 0.06059753594308195, 1e-12);
	/* a target of 0 met exactly, and missed by more than 0.025 */
	assert_true(forecast_probability(0, 0, 0, FORECAST_EXACT) == 1);
	assert_true(forecast_probability(0.03, 0, 0, FORECAST_EXACT) == 0);
}

static void test_forecast__probability_edges(void **state)
{
	(void)state;
	assert_float_equal(forecast_probability(50, 10, 50, FORECAST_UP), 0.5, 1e-15);
	assert_float_equal(forecast_probability(50, 10, 50, FORECAST_DOWN), 0.5, 1e-15);
	/* a rounding error away from the target counts as reached */
	assert_true(forecast_probability(100 - 1e-12, 0, 100, FORECAST_UP) == 1);
	assert_true(forecast_probability(100 + 1e-12, 0, 100, FORECAST_DOWN) == 1);
	/* an se negligible next to the values is no se */
	assert_true(forecast_probability(1e6 - 1, 1e-6, 1e6, FORECAST_UP) == 0);
	assert_true(isnan(forecast_probability(NAN, 1, 10, FORECAST_UP)));
	assert_true(isnan(forecast_probability(10, 1, NAN, FORECAST_DOWN)));
	assert_true(isnan(forecast_probability(10, NAN, 10, FORECAST_EXACT)));
	assert_true(isnan(forecast_probability(10, -1, 10, FORECAST_UP)));
}

static void test_forecast__colours_and_names(void **state)
{
	(void)state;
	assert_int_equal(forecast_colour_of(0.7), FORECAST_GREEN);
	assert_int_equal(forecast_colour_of(1), FORECAST_GREEN);
	assert_int_equal(forecast_colour_of(0.6999), FORECAST_YELLOW);
	assert_int_equal(forecast_colour_of(0.3), FORECAST_YELLOW);
	assert_int_equal(forecast_colour_of(0.2999), FORECAST_RED);
	assert_int_equal(forecast_colour_of(0), FORECAST_RED);
	assert_int_equal(forecast_colour_of(NAN), FORECAST_GREY);
	assert_string_equal(forecast_method_name(FORECAST_NONE), "none");
	assert_string_equal(forecast_method_name(FORECAST_LINEAR), "linear");
	assert_string_equal(forecast_method_name(FORECAST_DAMPED), "damped");
	assert_string_equal(forecast_colour_name(FORECAST_GREY), "grey");
	assert_string_equal(forecast_colour_name(FORECAST_GREEN), "green");
	assert_string_equal(forecast_colour_name(FORECAST_YELLOW), "yellow");
	assert_string_equal(forecast_colour_name(FORECAST_RED), "red");
	assert_string_equal(forecast_colour_vi(FORECAST_GREY), "xám");
	assert_string_equal(forecast_colour_vi(FORECAST_GREEN), "xanh");
	assert_string_equal(forecast_colour_vi(FORECAST_YELLOW), "vàng");
	assert_string_equal(forecast_colour_vi(FORECAST_RED), "đỏ");
}

/* The flattening series again, with a year missing: not equally spaced,
 * so a line, and no one-step comparison. */
static void test_forecast__unequal_spacing_uses_linear(void **state)
{
	(void)state;
	const double t[] = { 2016, 2017, 2018, 2019, 2020, 2022, 2023, 2024 };
	const double y[] = { 10, 20, 28, 33, 36, 38.2, 38.6, 38.8 };
	forecast_model m = fit(t, y, 8);
	assert_int_equal(m.method, FORECAST_LINEAR);
	assert_true(isnan(m.mse_linear) && isnan(m.mse_damped));
	double v, se, hv, hse;
	forecast_predict(&m, 2030, &v, &se);
	ols_by_sums(t, y, 8, 2030, &hv, &hse);
	assert_float_equal(v, hv, 1e-9);
	assert_float_equal(se, hse, 1e-9);
	/* calendar months, 28 to 31 days apart, still count as equally spaced */
	const double months[] = { 2025 + 31 / 365.0, 2025 + 59 / 365.0, 2025 + 90 / 365.0, 2025 + 120 / 365.0,
		2025 + 151 / 365.0 };
	const double sales[] = { 1, 2, 3, 4, 5 };
	m = fit(months, sales, 5);
	assert_false(isnan(m.mse_linear));
}

static void test_forecast__bad_series_refused(void **state)
{
	(void)state;
	forecast_model m;
	const double t[] = { 2020, 2021, 2022, 2023, 2024 };
	const double y_nan[] = { 1, 2, NAN, 4, 5 };
	assert_int_equal(forecast_fit(&m, t, y_nan, 5), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "point 3"));
	assert_int_equal(m.method, FORECAST_NONE);
	const double y_inf[] = { 1, 2, 3, INFINITY, 5 };
	assert_int_equal(forecast_fit(&m, t, y_inf, 5), ERR_INVALID);
	const double y[] = { 1, 2, 3, 4, 5 };
	const double t_back[] = { 2020, 2021, 2023, 2022, 2024 };
	assert_int_equal(forecast_fit(&m, t_back, y, 5), ERR_INVALID);
	assert_non_null(strstr(err_msg(), "point 4"));
	const double t_same[] = { 2020, 2021, 2021, 2022, 2023 };
	assert_int_equal(forecast_fit(&m, t_same, y, 5), ERR_INVALID);
	const double t_nan[] = { 2020, NAN, 2022, 2023, 2024 };
	assert_int_equal(forecast_fit(&m, t_nan, y, 5), ERR_INVALID);
	assert_int_equal(forecast_fit(&m, t, y, -1), ERR_INVALID);
	static double many_t[FORECAST_MAX_POINTS + 1], many_y[FORECAST_MAX_POINTS + 1];
	for (int i = 0; i <= FORECAST_MAX_POINTS; i++) {
		many_t[i] = 2000 + i / 12.0;
		many_y[i] = i % 7;
	}
	assert_int_equal(forecast_fit(&m, many_t, many_y, FORECAST_MAX_POINTS + 1), ERR_INVALID);
	/* the most allowed is fitted */
	assert_int_equal(forecast_fit(&m, many_t, many_y, FORECAST_MAX_POINTS), 0);
	assert_int_not_equal(m.method, FORECAST_NONE);
}

/* A percentage's line heading for 192 % is shown at 100 %, its band within 0..100. */
static void test_forecast__clipped_to_hard_bounds(void **state)
{
	(void)state;
	double t[] = { 2022, 2023, 2024, 2025 }, y[] = { 15, 40, 65, 90 };
	forecast_model m;
	double value, se;
	assert_int_equal(forecast_fit(&m, t, y, 4), 0);
	forecast_predict(&m, 2029, &value, &se);
	assert_true(value > 180);
	double low = value - 1.28 * se, high = value + 1.28 * se;
	forecast_clip(&value, &low, &high, 0, 100);
	assert_true(value == 100 && high == 100 && low <= 100 && low >= 0);
	double v = -7, lo = -9, hi = 3;
	forecast_clip(&v, &lo, &hi, 0, NAN);
	assert_true(v == 0 && lo == 0 && hi == 3);
	v = 250;
	forecast_clip(&v, NULL, NULL, NAN, NAN);
	assert_true(v == 250);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forecast__straight_line_is_certain),
		cmocka_unit_test(test_forecast__flat_series_misses_a_far_target),
		cmocka_unit_test(test_forecast__too_few_points),
		cmocka_unit_test(test_forecast__perfect_line_of_eight_picks_linear),
		cmocka_unit_test(test_forecast__flattening_series_picks_damped),
		cmocka_unit_test(test_forecast__one_step_errors_refit_on_the_past_only),
		cmocka_unit_test(test_forecast__damped_horizons),
		cmocka_unit_test(test_forecast__noisy_line_matches_the_hand_computation),
		cmocka_unit_test(test_forecast__probability_of_an_exact_target),
		cmocka_unit_test(test_forecast__probability_edges),
		cmocka_unit_test(test_forecast__colours_and_names),
		cmocka_unit_test(test_forecast__unequal_spacing_uses_linear),
		cmocka_unit_test(test_forecast__bad_series_refused),
		cmocka_unit_test(test_forecast__clipped_to_hard_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
