/* vos_layout: the VOS layout of a network (van Eck & Waltman), found by
 * gradient descent as CWTS networkanalysis does it: from random starting
 * coordinates in [-1, 1]^2, each node in a fixed random order steps
 * against the gradient of attraction (linked nodes, by link weight) and
 * repulsion (all pairs, by the product of node weights); the step grows
 * after `required_improvements` improving sweeps in a row and shrinks
 * after any sweep that does not improve, until max_iterations or the step
 * falls below min_step_size. Lower quality values are better.
 *
 * Coordinates are two arrays x[n], y[n]. With RNG_JAVA and the same seed
 * the layout equals the reference's. */
#ifndef NQ57_VOS_LAYOUT_H
#define NQ57_VOS_LAYOUT_H

#include <stdbool.h>

#include "analytics/javarandom.h"
#include "analytics/network.h"

typedef struct vos_layout_options {
	int attraction;                /* default 2 */
	int repulsion;                 /* default 1; attraction > repulsion */
	double edge_weight_increment;  /* added to every pair's attraction; default 0 */
	int max_iterations;            /* default 1000 */
	double initial_step_size;      /* default 1 */
	double min_step_size;          /* default 0.001 */
	double step_size_reduction;    /* default 0.75 (the step is divided by it to grow) */
	int required_improvements;     /* default 5 */
	/* true (default): every sum in the reference's order, so that the
	 * layout equals CWTS networkanalysis's bit for bit. false: attraction
	 * 2 and repulsion 1 computed with reassociated vector sums and a
	 * refined reciprocal square root, several times faster; each step
	 * agrees to about 1e-12, but the descent then ends elsewhere within
	 * its stopping tolerance (a different layout of about the same
	 * quality, not a worse one as a rule). */
	bool exact;
} vos_layout_options;

void vos_layout_defaults(vos_layout_options *o);

/* Random starting coordinates: x[i], y[i] = 2 U - 1, drawn in node order. */
void vos_layout_random(double *x, double *y, int n, rng *r);

/* Improves the layout x, y of net in place (the node order is drawn from
 * r first). ERR_INVALID for bad options, ERR_NOMEM. */
int vos_layout_improve(double *x, double *y, const network *net, const vos_layout_options *o, rng *r);

/* vos_layout_random then vos_layout_improve. */
int vos_layout_find(double *x, double *y, const network *net, const vos_layout_options *o, rng *r);

/* The VOS quality function: sum over links of a_ij d_ij^attraction /
 * attraction minus sum over all pairs of n_i n_j d_ij^repulsion /
 * repulsion (logarithms where a parameter is 0). */
double vos_layout_quality(const double *x, const double *y, const network *net, const vos_layout_options *o);

/* Centres the layout, rotates it so that the horizontal axis has the most
 * variance, flips each axis so that its median is not positive and, if
 * distances is true, scales it so that the mean distance between nodes is
 * 1. */
void vos_layout_standardize(double *x, double *y, int n, bool distances);

#endif
