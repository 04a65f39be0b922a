#!/usr/bin/python3
"""The pandas peer of cra-features --all: the same indicators, parameters and TA-Lib
conventions (EMA seeded with the SMA, Wilder smoothing seeded with the mean of the first
period, population sd in the Bollinger Bands, the same undefined leading rows), written with
vectorised pandas/numpy (ewm, rolling), no Python loops over rows.

  bench_features.py compute CANDLES [REPS]   time the computation (CSV read not timed): prints
                                             the first run (cold) and the median of REPS more
  bench_features.py e2e CANDLES              time read_csv + computation + to_csv (/dev/null)
  bench_features.py check CANDLES CRA_OUT    compare every column with cra-features' output

Run with Debian's /usr/bin/python3 (python3-pandas)."""
import sys
import time

import numpy as np
import pandas as pd

DAY_MS = 86400000


def ema_from(x, p, start, seed):
    """EMA with k = 2/(p+1) over x[start:], starting from seed at row start."""
    out = np.full(len(x), np.nan)
    y = x.iloc[start:].copy()
    y.iloc[0] = seed
    out[start:] = y.ewm(alpha=2.0 / (p + 1), adjust=False).mean().to_numpy()
    return out


def ema(x, p):
    return ema_from(x, p, p - 1, x.iloc[:p].mean())


def wilder(x, p):
    """Wilder's smoothing of x[1:], seeded at row p with the mean of x[1..p]."""
    out = np.full(len(x), np.nan)
    y = x.iloc[p:].copy()
    y.iloc[0] = x.iloc[1:p + 1].mean()
    out[p:] = y.ewm(alpha=1.0 / p, adjust=False).mean().to_numpy()
    return out


def rolling_std(x, p, ddof):
    """pandas' own rolling standard deviation: the fast one that pandas users call."""
    return x.rolling(p).std(ddof=ddof)


def rolling_std_two_pass(x, p, ddof):
    """The exact-as-doubles-allow reference: numpy's two-pass std of every window."""
    out = np.full(len(x), np.nan)
    win = np.lib.stride_tricks.sliding_window_view(x.to_numpy(), p)
    ok = ~np.isnan(win).any(axis=1)
    out[p - 1:][ok] = win[ok].std(axis=1, ddof=ddof)
    return pd.Series(out, index=x.index)


def features(df, std=rolling_std):
    o, h, l, c, v, t = df.open, df.high, df.low, df.close, df.volume, df.open_time
    f = {}
    f["sma_20"] = c.rolling(20).mean()
    f["ema_20"] = ema(c, 20)
    d = c.diff()
    g = wilder(d.clip(lower=0), 14)
    ls = wilder((-d).clip(lower=0), 14)
    tot = g + ls
    f["rsi_14"] = np.where(tot > 0, 100 * g / np.where(tot > 0, tot, 1), np.where(np.isnan(tot), np.nan, 50.0))
    # MACD 12/26/9: both EMAs start at row 25, the fast one seeded with the mean of x[14..25].
    slow = ema_from(c, 26, 25, c.iloc[:26].mean())
    fast = ema_from(c, 12, 25, c.iloc[14:26].mean())
    line = pd.Series(fast - slow)
    sig = np.full(len(c), np.nan)
    sig[25:] = ema(line.iloc[25:].reset_index(drop=True), 9)
    line = line.to_numpy().copy()
    line[:33] = np.nan
    f["macd_12_26_9"] = line
    f["macd_signal_12_26_9"] = sig
    f["macd_hist_12_26_9"] = line - sig
    mid = c.rolling(20).mean()
    sd = std(c, 20, 0)
    sd = sd.where(~(sd <= 1e-12 * mid.abs()), 0.0)
    up, lo = mid + 2 * sd, mid - 2 * sd
    f["bb_upper_20_2"], f["bb_middle_20_2"], f["bb_lower_20_2"] = up, mid, lo
    f["bb_pctb_20_2"] = ((c - lo) / (up - lo)).where(sd > 0, 0.5).where(mid.notna())
    f["bb_width_20_2"] = (up - lo) / mid
    pc = c.shift(1)
    tr = pd.concat([h - l, (h - pc).abs(), (l - pc).abs()], axis=1).max(axis=1, skipna=False)
    f["atr_14"] = wilder(tr, 14)
    step = np.sign(d.to_numpy())
    step[0] = 0
    f["obv"] = v.iloc[0] + np.cumsum(step * v.to_numpy()) - step[0] * v.iloc[0]
    hh, ll = h.rolling(14).max(), l.rolling(14).min()
    k = (100 * (c - ll) / (hh - ll)).where(hh > ll, 50.0).where(hh.notna())
    dd = k.rolling(3).mean()
    k[:15] = np.nan
    f["stoch_k_14_3"], f["stoch_d_14_3"] = k, dd
    tp = (h + l + c) / 3.0
    pv = tp * v
    traded = (v > 0).astype(float).rolling(20).sum()
    f["vwap_20"] = (pv.rolling(20).sum() / v.rolling(20).sum()).where(traded > 0, tp.rolling(20).mean())
    day = t // DAY_MS
    grp = pd.concat([pv, v, tp], axis=1, keys=["pv", "v", "tp"]).groupby(day.to_numpy())
    cum = grp.cumsum()
    cnt = grp.cumcount() + 1
    vwapd = (cum.pv / cum.v).where(cum.v > 0, cum.tp / cnt)
    if t.iloc[0] % DAY_MS:
        vwapd[day == day.iloc[0]] = np.nan
    f["vwapd"] = vwapd
    f["vol_20"] = std(np.log(c / c.shift(1)), 20, 1)
    f["ret_1"] = c / c.shift(1) - 1
    f["logret_1"] = np.log(c / c.shift(1))
    hh, ll = h.rolling(100).max(), l.rolling(100).min()
    rng = hh - ll
    for r, name in ((0.236, "236"), (0.382, "382"), (0.5, "500"), (0.618, "618"), (0.786, "786")):
        f["fib_%s_100" % name] = hh - r * rng
    f["fib_pos_100"] = ((c - ll) / rng).where(rng > 0, 0.5).where(rng.notna())
    m = v.rolling(20).mean()
    s = std(v, 20, 0)
    f["volz_20"] = ((v - m) / s).where(s > 1e-12 * m.abs(), 0.0).where(m.notna())
    return pd.DataFrame({name: np.asarray(col, dtype=float) for name, col in f.items()})


def read(path):
    return pd.read_csv(path, dtype={"open_time": np.int64})


def main():
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "compute":
        df = read(path)
        reps = 1 + (int(sys.argv[3]) if len(sys.argv) > 3 else 3)
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            features(df)
            times.append(time.perf_counter() - t0)
        warm = sorted(times[1:])[(reps - 1) // 2] if reps > 1 else times[0]
        print("%.6f %.6f" % (times[0], warm))
    elif mode == "e2e":
        t0 = time.perf_counter()
        df = read(path)
        out = pd.concat([df, features(df)], axis=1)
        out.to_csv("/dev/null", index=False)
        print("%.6f" % (time.perf_counter() - t0))
    elif mode == "check":
        # Every column of cra-features against the same set computed here, with the rolling
        # standard deviations taken by two passes over each window (pandas' rolling std loses
        # digits on prices: its error is shown beside).
        df = read(path)
        ref, fast = features(df, rolling_std_two_pass), features(df)
        cra = pd.read_csv(sys.argv[3])
        worst_all = 0.0

        def rel(a, b):
            ok = ~np.isnan(b)
            r = np.abs(a[ok] - b[ok]) / np.maximum(np.abs(b[ok]), 1.0)
            return r.max() if r.size else 0.0

        for name in ref.columns:
            a, b, p = cra[name].to_numpy(), ref[name].to_numpy(), fast[name].to_numpy()
            if not np.array_equal(np.isnan(a), np.isnan(b)):
                print("%-20s undefined rows differ (cra %d, reference %d)" % (name, np.isnan(a).sum(), np.isnan(b).sum()))
                worst_all = np.inf
                continue
            worst = rel(a, b)
            worst_all = max(worst_all, worst)
            note = "   (pandas' rolling std: %.1e)" % rel(p, b) if rel(p, b) > 1e-9 else ""
            print("%-20s %6d undefined  max |cra - pandas| / max(|pandas|, 1) = %.1e%s" % (name, np.isnan(a).sum(), worst, note))
        print("worst %.1e: %s" % (worst_all, "agree" if worst_all < 1e-9 else "DISAGREE"))
        sys.exit(0 if worst_all < 1e-9 else 1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
