# bench_drift.py - the SciPy/numpy peer of bench_drift.c: the same three statistics on the
# same two samples, each the usual way a Python user computes it.
#   python3 bench_drift.py A.f64 B.f64 ROUNDS
import sys, time
import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon

def drift(a, b):
    ks = stats.ks_2samp(a, b)                        # method='auto' (asymptotic here)
    lo, hi = min(a.min(), b.min()), max(a.max(), b.max())
    ha, _ = np.histogram(a, bins=20, range=(lo, hi))
    hb, _ = np.histogram(b, bins=20, range=(lo, hi))
    js = jensenshannon(ha / len(a), hb / len(b), base=2) ** 2
    e = np.quantile(a, np.arange(1, 10) / 10)        # PSI at the baseline's deciles
    sa = np.maximum(np.bincount(np.searchsorted(e, a, side='right'), minlength=10) / len(a), 1e-4)
    sb = np.maximum(np.bincount(np.searchsorted(e, b, side='right'), minlength=10) / len(b), 1e-4)
    psi = np.sum((sb - sa) * np.log(sb / sa))
    return ks.statistic, ks.pvalue, js, psi

a = np.fromfile(sys.argv[1], dtype='<f8')
b = np.fromfile(sys.argv[2], dtype='<f8')
rounds = int(sys.argv[3])
for k in range(rounds):
    t0 = time.perf_counter()
    d, p, js, psi = drift(a, b)
    t1 = time.perf_counter()
    print(f"theirs {t1 - t0:.6f}")
print(f"stats ks {d!r} p {p!r} js {js!r} psi {psi!r}")
