#!/usr/bin/python3
"""bench/index: the data and the numpy reference for bench/index.sh.

  reference.py generate DIR          values.csv and tree.csv (deterministic)
  reference.py run DIR CASE RUNS OUT  the Monte Carlo in numpy; prints seconds

The data: 3,321 units x 52 indicators in 7 pillars under one index (the
shape of Viet Nam's Provincial Innovation Index at commune level), values
correlated within pillars, some skewed, some lower-is-better, about 4 %
missing. The reference is a straightforward vectorised numpy version of
what index_mc does (no imputation or treatment), vectorised over units and
over runs (BATCH runs at a time):
  normalise each indicator (direction applied first): min-max onto 0..100,
  or z-score (sample sd); for a geometric mean an indicator whose lowest
  value is 0 or below is shifted by 1 - that minimum, then logged;
  weights uniform in nominal x (1 +- 0.25), one column per run; per pillar
  the weighted mean of the indicators present, X0 @ W / M @ W (units x
  runs); the index the weighted mean of the pillars present (geometric:
  the same over logs); ranks along each run (highest 1, ties share the
  smallest) with np.argsort; per unit the 50th, 5th and 95th percentile
  of its ranks (np.percentile, "linear" = R's type 7).
CASE: nominal (nominal weights, min-max, arithmetic: one evaluation),
weights (weights +-25 %), full (also min-max/z-score and
arithmetic/geometric at both levels, drawn with equal chances).
OUT gets one line per unit: "nominal" the nominal rank; otherwise median,
p05 and p95. Prints wall and CPU seconds from the data loaded to the
statistics.
"""
import math
import os
import random
import sys
import time

UNITS = 3321
PILLARS = [8, 7, 8, 7, 7, 8, 7]   # 52 indicators
SPREAD = 0.25
BATCH = 250                       # runs scored together (units x BATCH matrices)


def generate(out):
    rnd = random.Random(57)
    n_ind = sum(PILLARS)
    os.makedirs(out, exist_ok=True)
    # tree: Index -> P1..P7 -> I01..I52, indicators in column order
    pillar_of, direction, weight, kind = [], [], [], []
    for p, k in enumerate(PILLARS):
        for _ in range(k):
            i = len(pillar_of)
            pillar_of.append(p)
            direction.append(-1 if i % 6 == 5 else 1)
            weight.append(2.0 if i % 5 == 0 else 0.5 if i % 7 == 3 else 1.0)
            kind.append(i % 4)   # 0 normal, 1 log-normal (skewed), 2 share 0..100, 3 count
    with open(os.path.join(out, "tree.csv"), "w") as f:
        f.write("code,parent,weight,direction\nIndex,,1,\n")
        for p in range(len(PILLARS)):
            f.write("P%d,Index,1,\n" % (p + 1))
        for i in range(n_ind):
            f.write("I%02d,P%d,%g,%d\n" % (i + 1, pillar_of[i] + 1, weight[i], direction[i]))
    with open(os.path.join(out, "values.csv"), "w") as f:
        f.write("unit," + ",".join("I%02d" % (i + 1) for i in range(n_ind)) + "\n")
        for u in range(UNITS):
            g = rnd.gauss(0, 1)
            lat = [0.6 * g + 0.8 * rnd.gauss(0, 1) for _ in PILLARS]
            row = []
            for i in range(n_ind):
                z = 0.7 * lat[pillar_of[i]] + 0.7 * rnd.gauss(0, 1)
                if kind[i] == 0:
                    v = 50 + 15 * z
                elif kind[i] == 1:
                    v = math.exp(1.5 + 0.9 * z)
                elif kind[i] == 2:
                    v = 100 / (1 + math.exp(-z))
                else:
                    v = float(round(math.exp(2 + 0.5 * z)))
                row.append("" if rnd.random() < 0.04 else "%.10g" % v)
            f.write("C%04d,%s\n" % (u + 1, ",".join(row)))


def load(d):
    import numpy as np
    tree = [line.rstrip("\n").split(",") for line in open(os.path.join(d, "tree.csv"))][1:]
    pillars = [t[0] for t in tree if t[1] == "Index"]
    pw = np.array([float(t[2]) for t in tree if t[1] == "Index"])
    ind = [t for t in tree if t[1] in pillars]
    pillar_of = np.array([pillars.index(t[1]) for t in ind])
    w = np.array([float(t[2]) for t in ind])
    dirs = np.array([float(t[3]) for t in ind])
    with open(os.path.join(d, "values.csv")) as f:
        header = f.readline().rstrip("\n").split(",")[1:]
        assert header == [t[0] for t in ind], "values.csv columns are not tree.csv's indicators"
        rows = [[float(v) if v else math.nan for v in line.rstrip("\n").split(",")[1:]] for line in f]
    return np.array(rows), dirs, w, pillar_of, pw


def main():
    if sys.argv[1] == "generate":
        generate(sys.argv[2])
        return
    import numpy as np
    d, case, runs, out = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    X, dirs, w_nom, pillar_of, pw_nom = load(d)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    n_units, n_ind = X.shape
    n_p = len(pw_nom)
    cols = [np.flatnonzero(pillar_of == p) for p in range(n_p)]

    def normalise(method):
        V = X * dirs
        if method == "minmax":
            lo, hi = np.nanmin(V, axis=0), np.nanmax(V, axis=0)
            N = (V - lo) / (hi - lo) * 100.0 + 0.0
        else:
            N = (V - np.nanmean(V, axis=0)) / np.nanstd(V, axis=0, ddof=1)
        M = ~np.isnan(N)
        mn = np.nanmin(N, axis=0)
        LP = np.log(np.where(M, N + np.where(mn <= 0, 1 - mn, 0.0), 1.0))   # geometric: shifted, logged
        x0, lp0, m = np.where(M, N, 0.0), np.where(M, LP, 0.0), M.astype(float)
        # per pillar, contiguous: values (0 missing), their logs, present (1/0)
        return [(x0[:, c].copy(), lp0[:, c].copy(), m[:, c].copy()) for c in cols]

    def scores(nm, geom, W, PW):
        """Index scores (geometric: their logs), units x runs, for weights W (indicators x runs)."""
        num = np.zeros((n_units, W.shape[1]))
        den = np.zeros((n_units, W.shape[1]))
        with np.errstate(invalid="ignore", divide="ignore"):
            for p, c in enumerate(cols):
                x0, lp0, m = nm[p]
                P = ((lp0 if geom else x0) @ W[c]) / (m @ W[c])   # a geometric pillar: its log
                pm = ~np.isnan(P)
                num += np.where(pm, P, 0.0) * PW[p]
                den += pm * PW[p]
            return np.ascontiguousarray((num / den).T)   # runs x units

    def ranks(S):
        """Ranks along each row (a run): highest 1, ties share the smallest."""
        neg = -S
        o = np.argsort(neg, axis=1)
        sv = np.take_along_axis(neg, o, axis=1)
        first = np.ones(sv.shape, dtype=bool)
        first[:, 1:] = sv[:, 1:] != sv[:, :-1]
        pos = np.where(first, np.arange(n_units)[None, :], 0)
        np.maximum.accumulate(pos, axis=1, out=pos)
        r = np.empty_like(pos)
        np.put_along_axis(r, o, pos + 1, axis=1)
        return r

    norms = [normalise(m) for m in (["minmax", "zscore"] if case == "full" else ["minmax"])]
    if case == "nominal":
        S = scores(norms[0], False, w_nom[:, None], pw_nom[:, None])
        assert not np.isnan(S).any()
        r = ranks(S)[0]
        secs, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        with open(out, "w") as f:
            f.write("".join("%d\n" % x for x in r))
        print("%.4f %.4f" % (secs, cpu))
        return
    rng = np.random.default_rng(57)
    W = w_nom[:, None] * (1 + SPREAD * (2 * rng.random((n_ind, runs)) - 1))
    PW = pw_nom[:, None] * (1 + SPREAD * (2 * rng.random((n_p, runs)) - 1))
    full = case == "full"
    norm_of = rng.integers(0, 2, runs) if full else np.zeros(runs, dtype=int)
    geom_of = rng.integers(0, 2, runs) if full else np.zeros(runs, dtype=int)
    R = np.empty((runs, n_units), dtype=np.int64)
    for k in range(len(norms)):
        for geom in (0, 1):
            sel = np.flatnonzero((norm_of == k) & (geom_of == geom))
            for b in range(0, len(sel), BATCH):
                j = sel[b:b + BATCH]
                S = scores(norms[k], geom == 1, W[:, j], PW[:, j])
                assert not np.isnan(S).any()
                R[j] = ranks(S)
    q = np.percentile(R, [50, 5, 95], axis=0)
    secs, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    with open(out, "w") as f:
        f.write("".join("%g %g %g\n" % (q[0, u], q[1, u], q[2, u]) for u in range(n_units)))
    print("%.4f %.4f" % (secs, cpu))


if __name__ == "__main__":
    main()
