#!/usr/bin/python3
"""The pandas + xgboost peer of cra-train-xgb's whole job: read the candle CSV, compute the
default features (logret:1, volz:20, rsi:14, macd.hist:12:26:9, bb.pctb:20:2) with TA-Lib's
conventions, the target (the log return one candle ahead, undefined across a gap), the same
chronological split (the last 20% of the candles validate; training rows whose target reaches
into validation are left out), train the same XGBoost model (hist, 300 rounds, depth 6, eta
0.05, no subsampling, 256 bins, base score the mean training label, 2 threads unless told
otherwise), predict the
validation rows and save the model.

  bench_xgb.py job CANDLES [ROUNDS [THREADS]]  the job; prints the seconds of its phases, as
        bench_xgb.c does: read_csv, data set (features, target, split), training + prediction
        + saving the model, and the whole (after the interpreter started and imported)
  bench_xgb.py check CANDLES CRA_FEATURES BUNDLE [CRA_EXPLAIN]
        features against cra-features' output (to 1e-9), then this job's model against the
        bundle's (cra-train-xgb, same parameters): predictions on the validation rows to 1e-6,
        and whether the two saved models are the same bytes; with CRA_EXPLAIN (cra-explain's
        table for those rows) also cra-explain's own predictions.

Run with Debian's /usr/bin/python3 (python3-pandas, python3-xgboost)."""
import json
import os
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_features import ema, ema_from, read, rolling_std_two_pass, wilder  # noqa: E402  same conventions

HOUR_MS = 3600000
COLUMNS = ["logret_1", "volz_20", "rsi_14", "macd_hist_12_26_9", "bb_pctb_20_2"]


def default_features(df):
    """The five default columns, vectorised; formulas as in bench_features.features()."""
    c, v = df.close, df.volume
    f = {}
    f["logret_1"] = np.log(c / c.shift(1))
    # standard deviations by two passes over each window: pandas' rolling std loses digits
    m, s = v.rolling(20).mean(), rolling_std_two_pass(v, 20, 0)
    f["volz_20"] = ((v - m) / s).where(s > 1e-12 * m.abs(), 0.0).where(m.notna())
    d = c.diff()
    g, ls = wilder(d.clip(lower=0), 14), wilder((-d).clip(lower=0), 14)
    tot = g + ls
    f["rsi_14"] = np.where(tot > 0, 100 * g / np.where(tot > 0, tot, 1), np.where(np.isnan(tot), np.nan, 50.0))
    slow = ema_from(c, 26, 25, c.iloc[:26].mean())
    fast = ema_from(c, 12, 25, c.iloc[14:26].mean())
    line = pd.Series(fast - slow)
    sig = np.full(len(c), np.nan)
    sig[25:] = ema(line.iloc[25:].reset_index(drop=True), 9)
    line = line.to_numpy().copy()
    line[:33] = np.nan
    f["macd_hist_12_26_9"] = line - sig
    mid = c.rolling(20).mean()
    sd = rolling_std_two_pass(c, 20, 0)
    sd = sd.where(~(sd <= 1e-12 * mid.abs()), 0.0)
    up, lo = mid + 2 * sd, mid - 2 * sd
    f["bb_pctb_20_2"] = ((c - lo) / (up - lo)).where(sd > 0, 0.5).where(mid.notna())
    return pd.DataFrame({k: np.asarray(f[k], dtype=float) for k in COLUMNS})


def dataset(df):
    """Features, target and the embargoed 80/20 split, as lib/dataset.c makes them."""
    x = default_features(df)
    t, c = df.open_time.to_numpy(), df.close.to_numpy()
    y = np.full(len(df), np.nan)
    ok = (t[1:] - t[:-1]) == HOUR_MS  # the next candle exactly one interval later
    y[:-1] = np.where(ok, np.log(c[1:] / c[:-1]), np.nan)
    n = len(df)
    split = n - int(n * 0.2)
    usable = x.notna().all(axis=1).to_numpy() & ~np.isnan(y)
    rows = np.arange(n)
    train = rows[usable & (rows + 1 < split)]
    valid = rows[usable & (rows >= split)]
    return x.to_numpy(), y, train, valid


def train(x, y, rows, rounds, threads=2):
    ytr = y[rows].astype(np.float32)
    base = 0.0
    for v in ytr.tolist():  # the mean as cra-train-xgb takes it: float32 labels summed in order
        base += v
    params = {"tree_method": "hist", "objective": "reg:squarederror", "max_depth": 6, "eta": 0.05,
              "subsample": 1.0, "colsample_bytree": 1.0, "max_bin": 256, "seed": 0, "nthread": threads,
              "base_score": base / len(ytr), "verbosity": 0}
    dtrain = xgb.DMatrix(x[rows], label=ytr, nthread=threads)
    return xgb.train(params, dtrain, num_boost_round=rounds)


def job(path, rounds, times=None, threads=2):
    t0 = time.perf_counter()
    df = read(path)
    t1 = time.perf_counter()
    x, y, tr, va = dataset(df)
    t2 = time.perf_counter()
    bst = train(x, y, tr, rounds, threads)
    pred = bst.predict(xgb.DMatrix(x[va], nthread=threads))
    c = df.close.to_numpy()
    rmse = np.sqrt(np.mean((c[va] * np.exp(pred.astype(np.float64)) - c[va + 1]) ** 2))
    raw = bytes(bst.save_raw("json"))
    t3 = time.perf_counter()
    if times is not None:
        times.extend([t1 - t0, t2 - t1, t3 - t2, t3 - t0])
    return bst, x, va, pred, rmse, raw


def bundle_payload(path):
    data = open(path, "rb").read()
    _, body = data.split(b"\n", 1)
    text, payload = body.split(b"\n", 1)
    meta = json.loads(text)
    return payload[:meta["payloads"][0]["length"]], meta


def check(path, cra_features, bundle, cra_explain=None):
    df = read(path)
    ours = default_features(df)
    cra = pd.read_csv(cra_features)
    worst = 0.0
    for name in COLUMNS:
        a, b = cra[name].to_numpy(), ours[name].to_numpy()
        if not np.array_equal(np.isnan(a), np.isnan(b)):
            print("%-18s undefined rows differ" % name)
            return 1
        ok = ~np.isnan(b)
        w = (np.abs(a[ok] - b[ok]) / np.maximum(np.abs(b[ok]), 1.0)).max()
        print("feature %-18s max |cra - pandas| / max(|pandas|, 1) = %.1e" % (name, w))
        worst = max(worst, w)
    if worst > 1e-9:
        print("features DISAGREE")
        return 1
    bst, x, va, pred, rmse, raw = job(path, 300)
    payload, meta = bundle_payload(bundle)
    theirs = xgb.Booster(model_file=bytearray(payload))
    theirs.set_param({"nthread": 2})
    pred_cra = theirs.predict(xgb.DMatrix(x[va], nthread=2))
    d = np.abs(pred - pred_cra).max()
    print("predictions on %d validation rows: max |cra-train-xgb's model - xgboost.train's| = %.1e" % (len(va), d))
    # xgb.train records best_iteration and best_ntree_limit even without early stopping;
    # without them the two saved models should be the same bytes.
    bst.set_attr(best_iteration=None, best_ntree_limit=None)
    raw = bytes(bst.save_raw("json"))
    print("saved models (JSON), xgb.train's attributes best_iteration/best_ntree_limit removed: %s "
          "(%d and %d bytes)" % ("the same bytes" if raw == payload else "DIFFERENT bytes", len(payload), len(raw)))
    print("validation RMSE in price units: python %.6f, cra-train-xgb %.6f" %
          (rmse, meta["metrics"]["horizons"][0]["model"]["rmse"]))
    bad = d > 1e-6
    if cra_explain:
        e = pd.read_csv(cra_explain)
        t = df.open_time.to_numpy()[va]
        e = e[e.open_time.isin(t)]  # cra-explain also explains the newest candle, which has no target
        if not np.array_equal(e.open_time.to_numpy(), t):
            print("cra-explain's rows are not the validation rows")
            return 1
        d2 = np.abs(e.prediction.to_numpy() - pred).max()
        print("cra-explain's predictions (from its own features) vs xgboost.train's: max difference %.1e" % d2)
        bad = bad or d2 > 1e-6
    print("agree" if not bad else "DISAGREE")
    return 1 if bad else 0


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    if sys.argv[1] == "job":
        times = []
        job(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 300, times,
            int(sys.argv[4]) if len(sys.argv) > 4 else 2)
        print("%.4f %.4f %.4f %.4f" % tuple(times))
    elif sys.argv[1] == "check" and len(sys.argv) >= 5:
        sys.exit(check(*sys.argv[2:6]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
