#!/usr/bin/env python3
"""mock_binance.py - a local stand-in for Binance's public REST API, for cra-fetch's tests.

Serves candle tables (open_time,open,high,low,close,volume; one SYMBOL.csv per symbol, 1h)
as Binance does, following its documented behaviour:

  GET /api/v3/time                 {"serverTime": ms}                            weight 1
  GET /api/v3/klines               12-field arrays, prices as strings;           weight 2
                                   startTime/endTime inclusive, limit 1..1000
                                   (default 500); only endTime: the last `limit`
                                   before it; neither: the most recent
  GET /api/v3/ticker/price         symbol= / symbols=[..] / all                  weight 2 / 4
  GET /api/v3/ticker/bookTicker    same selection                                weight 2 / 4
  GET /fapi/v1/fundingRate         every 8 h, limit 1..1000 (default 100)        weight 1
  GET /fapi/v1/time

The fields Binance has and our tables lack are made up deterministically (close_time =
open_time + interval - 1, quote volume, trades, taker volumes).  Intervals that are whole
multiples of 1h (2h 4h 6h 8h 12h 1d) are aggregated from the 1h data.  The server's clock
starts at --now and runs at --time-scale; /mock/advance?ms=N moves it on.  Nothing that
opens after the clock exists; the candle containing the clock is unfinished and is served
with partial values (so a client that stores it stores something wrong); past the end of
the data an unfinished candle is made up (unless --no-open-candle).

Rate limits as Binance applies them: every response carries X-MBX-USED-WEIGHT-1M (weight used
in the server's current minute, per API family /api and /fapi); going over --weight-limit
answers 429 with Retry-After; a request sent before a Retry-After has passed is answered 418
(an IP ban) for --ban-seconds.

Fault injection (for tests):
  --fault ENDPOINT:N:KIND   the N-th request (1-based) to ENDPOINT (any, time, klines,
                            ticker, book, funding) fails with KIND; repeatable.  KIND:
                            429 418 500 502 503 html (503 maintenance page) html200
                            truncate (connection closed mid-body) cut (a shorter body,
                            consistent Content-Length) reset (closed, no answer) slow
                            (--slow-seconds late) hang (no answer for --hang-seconds)
                            apierror (400 -1121) badjson (200, JSON of the wrong shape)
                            badcandle (the second kline's low above its high)
  --fail-rate P             each request fails with 500, 502, 503 or html with probability P
  --truncate-rate P         each request's body is truncated or cut with probability P
  --drop SYMBOL,FROM,TO     candles of SYMBOL opening in [FROM, TO) do not exist
  --seed N                  the random faults' seed
  --latency S               every answer is S seconds late (a distant exchange: a download
                            of many pages lasts long enough to be interrupted mid-way)

Every request is logged to --log as a tab-separated line:
  real_ms server_ms client_port path query status weight used_weight fault
(real_ms: milliseconds since the server started, on a monotonic clock; status '-' when no
answer was sent).  The chosen port is written to --port-file.

--expect SYMBOL prints the candle table a fault-free client should store (closed 1h candles
at --now, all 11 columns as Binance sends them) and exits.
"""

import argparse
import bisect
import csv
import json
import math
import os
import random
import socket
import sys
import threading
import time
from datetime import datetime, timezone
from decimal import Decimal, ROUND_HALF_EVEN
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HOUR = 3600 * 1000
EIGHT_DP = Decimal("0.00000001")
INTERVALS = {"1m": 60000, "3m": 180000, "5m": 300000, "15m": 900000, "30m": 1800000,
             "1h": HOUR, "2h": 2 * HOUR, "4h": 4 * HOUR, "6h": 6 * HOUR, "8h": 8 * HOUR,
             "12h": 12 * HOUR, "1d": 24 * HOUR, "3d": 72 * HOUR, "1w": 168 * HOUR,
             "1M": 720 * HOUR}
MAINTENANCE_PAGE = (b"<!DOCTYPE html><html><head><title>Binance.US is under maintenance</title>"
                    b"</head><body><h1>We'll be back soon</h1><p>System maintenance in "
                    b"progress.</p></body></html>")
BAD_GATEWAY_PAGE = (b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>"
                    b"502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>")


def parse_time(text):
    if text.lstrip("-").isdigit():
        return int(text)
    t = text.replace("Z", "+00:00")
    if len(t) == 10:
        t += "T00:00:00+00:00"
    d = datetime.fromisoformat(t)
    if d.tzinfo is None:
        d = d.replace(tzinfo=timezone.utc)
    return int(d.timestamp() * 1000)


def q8(d):
    return format(d.quantize(EIGHT_DP, rounding=ROUND_HALF_EVEN), "f")


class Series:
    """One symbol's 1h candles, as decimal strings exactly as in the file."""

    def __init__(self, path):
        self.times, self.rows = [], []
        with open(path, newline="") as f:
            r = csv.reader(f)
            head = next(r)
            col = {name: i for i, name in enumerate(head)}
            for row in r:
                self.times.append(int(row[col["open_time"]]))
                self.rows.append(tuple(row[col[k]] for k in ("open", "high", "low", "close", "volume")))
        self.drops = []

    def dropped(self, t):
        return any(a <= t < b for a, b in self.drops)


def kline_fields(t, iv_ms, o, h, l, c, v):
    """Binance's 12 fields from ours; the extra ones made up deterministically."""
    do, dc, dv = Decimal(o), Decimal(c), Decimal(v)
    qv = (dv * (do + dc) / 2).quantize(EIGHT_DP)
    trades = int(dv * 7) % 100000 + 1
    return [t, o, h, l, c, v, t + iv_ms - 1, q8(qv), trades, q8(dv * Decimal("0.45")),
            q8(qv * Decimal("0.45")), "0"]


class Market:
    def __init__(self, args):
        self.args = args
        self.series = {}
        for name in sorted(os.listdir(args.data)):
            sym = name[:-4].split("-")[0]
            if name.endswith(".csv") and args.expect in (None, sym):
                self.series[sym] = Series(os.path.join(args.data, name))
        for spec in args.drop:
            sym, a, b = spec.split(",")
            if sym in self.series:
                self.series[sym].drops.append((parse_time(a), parse_time(b)))
        self.lock = threading.Lock()
        self.start_mono = time.monotonic()
        self.base_now = parse_time(args.now) if args.now else int(time.time() * 1000)
        self.advanced = 0
        self.rng = random.Random(args.seed)
        self.counts = {}
        self.faults = {}
        for spec in args.fault:
            self.add_fault(spec)
        self.windows = {}        # family -> (minute, used)
        self.backoff_until = {}  # family -> monotonic s before which a request means a ban
        self.banned_until = {}   # family -> monotonic s
        self.log = open(args.log, "a", buffering=1) if args.log else None
        self.cache = {}

    def add_fault(self, spec):
        ep, n, kind = spec.split(":")
        self.faults.setdefault(ep, {})[int(n)] = kind

    def real_ms(self):
        return (time.monotonic() - self.start_mono) * 1000

    def now(self):
        return int(self.base_now + self.real_ms() * self.args.time_scale + self.advanced)

    # --- candles ---------------------------------------------------------------------------

    def hourly(self, sym, now, lo, hi):
        """(t, o, h, l, c, v) of the 1h candles with lo <= t <= hi that exist at now."""
        s = self.series[sym]
        i = bisect.bisect_left(s.times, lo)
        while i < len(s.times) and s.times[i] <= hi and s.times[i] <= now:
            t = s.times[i]
            if not s.dropped(t):
                yield (t,) + s.rows[i]
            i += 1

    def candles(self, sym, iv_ms, now, lo, hi, first=None):
        """Kline field lists for open times in [lo, hi] that exist at now, ascending; only the
        first `first` of them when given."""
        s = self.series[sym]
        if iv_ms < HOUR or iv_ms % HOUR or iv_ms > 24 * HOUR:
            return []
        lo = -(-lo // iv_ms) * iv_ms
        out = []
        groups = {}
        for row in self.hourly(sym, now, lo, hi + iv_ms - 1):
            key = row[0] // iv_ms * iv_ms
            if first is not None and key not in groups and len(groups) == first:
                break
            groups.setdefault(key, []).append(row)
        for t in sorted(groups):
            if t > hi:
                break
            g = groups[t]
            closed = t + iv_ms - 1 < now
            if iv_ms == HOUR and closed:
                key = (sym, t)
                k = self.cache.get(key)
                if k is None:
                    k = self.cache[key] = kline_fields(t, HOUR, *g[0][1:6])
                out.append(k)
                continue
            o = g[0][1]
            c = g[-1][4]
            h = max(g, key=lambda r: Decimal(r[2]))[2]
            l = min(g, key=lambda r: Decimal(r[3]))[3]
            v = q8(sum(Decimal(r[5]) for r in g))
            if not closed:
                # Unfinished: the price has moved only part of the way, volume is partial.
                frac = Decimal(now - t) / Decimal(iv_ms)
                do, dc = Decimal(o), Decimal(c)
                pc = do + (dc - do) * frac
                c = q8(pc)
                h = q8(max(do, pc))
                l = q8(min(do, pc))
                v = q8(Decimal(v) * frac)
            out.append(kline_fields(t, iv_ms, o, h, l, c, v))
        if (not self.args.no_open_candle and s.times and iv_ms == HOUR):
            t = now // HOUR * HOUR
            last = s.times[-1]
            if t > last and lo <= t <= hi and not s.dropped(t):
                c = s.rows[-1][3]
                out.append(kline_fields(t, HOUR, c, c, c, c, "0.50000000"))
        return out

    def price(self, sym, now):
        k = self.candles(sym, HOUR, now, now - 48 * HOUR, now)
        return Decimal(k[-1][4]) if k else Decimal(self.series[sym].rows[-1][3])

    def funding(self, sym, now, lo, hi):
        s = self.series[sym]
        if not s.times:
            return []
        step = 8 * HOUR
        first = -(-max(lo, s.times[0]) // step) * step
        end = min(hi, now, s.times[-1])
        out = []
        t = first
        while t <= end:
            k = t // step
            rate = Decimal(k % 17 - 5) * Decimal("0.00001")
            i = bisect.bisect_left(s.times, t)
            mark = s.rows[i][3] if i < len(s.times) and s.times[i] == t and k % 11 else ""
            out.append({"symbol": sym, "fundingTime": t, "fundingRate": q8(rate),
                        "markPrice": mark})
            t += step
        return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mock-binance/1.0"

    def log_message(self, fmt, *a):
        pass

    def send_body(self, status, body, ctype="application/json;charset=UTF-8", headers=None,
                  fault=""):
        if isinstance(body, (dict, list)):
            body = json.dumps(body, separators=(",", ":")).encode()
        m = self.market
        if fault == "slow":
            time.sleep(m.args.slow_seconds)
        if m.args.latency:
            time.sleep(m.args.latency)
        # Logged before the answer leaves: a test that reads the log as soon as the client is
        # done must find every request in it.
        if getattr(self, "pending_log", None):
            self.pending_log(str(status))
            self.pending_log = None
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        if fault == "cut":
            body = body[: len(body) // 2]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if fault == "truncate":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.wfile.write(body)

    def do_GET(self):
        m = self.market
        u = urlsplit(self.path)
        q = {k: v[-1] for k, v in parse_qs(u.query, keep_blank_values=True).items()}
        if u.path.startswith("/mock/"):
            return self.control(u.path, q)
        family = "fapi" if u.path.startswith("/fapi/") else "api"
        endpoint = {"/api/v3/time": "time", "/fapi/v1/time": "time", "/api/v3/klines": "klines",
                    "/api/v3/ticker/price": "ticker", "/api/v3/ticker/bookTicker": "book",
                    "/fapi/v1/fundingRate": "funding"}.get(u.path, "other")
        weight = {"time": 1, "klines": 2, "funding": 1, "other": 1}.get(endpoint)
        if weight is None:
            weight = 2 if "symbol" in q else 4
        with m.lock:
            now = m.now()
            real = m.real_ms()
            mono = time.monotonic()
            for key in ("any", endpoint):
                m.counts[key] = m.counts.get(key, 0) + 1
            fault = m.faults.get(endpoint, {}).get(m.counts[endpoint]) or \
                m.faults.get("any", {}).get(m.counts["any"]) or ""
            if not fault and m.args.fail_rate and m.rng.random() < m.args.fail_rate:
                fault = m.rng.choice(["500", "502", "503", "html"])
            if not fault and m.args.truncate_rate and m.rng.random() < m.args.truncate_rate:
                fault = m.rng.choice(["truncate", "cut"])
            minute = now // 60000
            wmin, used = m.windows.get(family, (minute, 0))
            if wmin != minute:
                used = 0
            used += weight
            m.windows[family] = (minute, used)
            status_override = None
            if mono < m.banned_until.get(family, 0):
                status_override = "418"
            elif mono < m.backoff_until.get(family, 0):
                # Sent before Retry-After passed: Binance bans the address.
                status_override = "418"
                m.banned_until[family] = mono + m.args.ban_seconds
            elif used > m.args.weight_limit:
                status_override = "429-limit"
            if status_override:
                fault = status_override
            if fault in ("429", "429-limit"):
                ra = m.args.retry_after
                if fault == "429-limit":
                    ra = max(1, math.ceil((60000 - now % 60000) / 1000 / m.args.time_scale))
                m.backoff_until[family] = mono + ra
            if fault == "418" and not status_override:
                m.banned_until[family] = mono + m.args.ban_seconds
        headers = {"X-MBX-USED-WEIGHT-1M": used}

        def log(status):
            if m.log:
                m.log.write("%.1f\t%d\t%d\t%s\t%s\t%s\t%d\t%d\t%s\n" % (
                    real, now, self.client_address[1], u.path, u.query, status, weight, used,
                    fault or "-"))

        if fault in ("reset", "hang"):
            log("-")
            self.pending_log = None
        else:
            self.pending_log = log
        self.answer(u.path, q, now, fault, headers)

    def answer(self, path, q, now, fault, headers):
        m = self.market
        if fault in ("reset", "hang"):
            if fault == "hang":
                end = time.monotonic() + m.args.hang_seconds
                while time.monotonic() < end and not m.stopping:
                    time.sleep(0.05)
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return "-"
        if fault in ("429", "429-limit"):
            ra = m.args.retry_after if fault == "429" else \
                max(1, math.ceil((60000 - now % 60000) / 1000 / m.args.time_scale))
            headers["Retry-After"] = ra
            self.send_body(429, {"code": -1003, "msg": "Too many requests; current limit of IP "
                                 "is %d requests per minute." % m.args.weight_limit}, headers=headers)
            return "429"
        if fault == "418":
            headers["Retry-After"] = m.args.ban_seconds
            self.send_body(418, {"code": -1003, "msg": "Way too many requests; IP banned until "
                                 "%d." % (now + m.args.ban_seconds * 1000)}, headers=headers)
            return "418"
        if fault == "500":
            self.send_body(500, {"code": -1000, "msg": "An unknown error occured while "
                                 "processing the request."}, headers=headers)
            return "500"
        if fault == "502":
            self.send_body(502, BAD_GATEWAY_PAGE, "text/html", headers)
            return "502"
        if fault == "503":
            self.send_body(503, {"code": -1001, "msg": "Internal error; unable to process your "
                                 "request. Please try again."}, headers=headers)
            return "503"
        if fault == "html":
            self.send_body(503, MAINTENANCE_PAGE, "text/html", headers)
            return "503"
        if fault == "html200":
            self.send_body(200, MAINTENANCE_PAGE, "text/html", headers)
            return "200"
        if fault == "apierror":
            self.send_body(400, {"code": -1121, "msg": "Invalid symbol."}, headers=headers)
            return "400"
        if fault == "badjson":
            self.send_body(200, {"unexpected": True}, headers=headers)
            return "200"
        status, body = self.route(path, q, now)
        if fault == "badcandle" and status == 200 and isinstance(body, list) and len(body) > 1:
            body = [list(k) for k in body]
            body[1][2] = body[1][3]                       # high = low ...
            body[1][3] = q8(Decimal(body[1][2]) + 1)      # ... and low above it
        self.send_body(status, body, headers=headers, fault=fault)
        return str(status)

    def route(self, path, q, now):
        m = self.market

        def err(code, msg):
            return 400, {"code": code, "msg": msg}

        def symbol_list():
            if "symbol" in q:
                syms = [q["symbol"]]
            elif "symbols" in q:
                try:
                    syms = json.loads(q["symbols"])
                except ValueError:
                    return None
            else:
                syms = sorted(m.series)
            return syms

        def int_param(name, default=None):
            if name not in q:
                return default
            try:
                return int(q[name])
            except ValueError:
                raise ValueError(name)

        try:
            if path in ("/api/v3/time", "/fapi/v1/time"):
                return 200, {"serverTime": now}
            if path == "/api/v3/ping":
                return 200, {}
            if path == "/api/v3/klines":
                sym = q.get("symbol", "")
                if not sym:
                    return err(-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, "
                               "or malformed.")
                if q.get("interval") not in INTERVALS:
                    return err(-1120, "Invalid interval.")
                if sym not in m.series:
                    return err(-1121, "Invalid symbol.")
                limit = int_param("limit", 500)
                if not 1 <= limit <= 1000:
                    return err(-1130, "Data sent for parameter 'limit' is not valid.")
                iv = INTERVALS[q["interval"]]
                start, end = int_param("startTime"), int_param("endTime")
                if start is not None and end is not None and start > end:
                    return err(-1023, "Start time is greater than end time.")
                ks = m.candles(sym, iv, now, start if start is not None else -2**62,
                               end if end is not None else 2**62,
                               limit if start is not None else None)
                ks = ks[:limit] if start is not None else ks[-limit:]
                return 200, ks
            if path in ("/api/v3/ticker/price", "/api/v3/ticker/bookTicker"):
                syms = symbol_list()
                if syms is None:
                    return err(-1100, "Illegal characters found in parameter 'symbols'.")
                for s in syms:
                    if s not in m.series:
                        return err(-1121, "Invalid symbol.")
                out = []
                for s in syms:
                    p = m.price(s, now)
                    if path.endswith("price"):
                        out.append({"symbol": s, "price": q8(p)})
                    else:
                        out.append({"symbol": s, "bidPrice": q8(p - Decimal("0.01")),
                                    "bidQty": q8(Decimal(now % 997) / 100 + 1),
                                    "askPrice": q8(p + Decimal("0.01")),
                                    "askQty": q8(Decimal(now % 991) / 100 + 2)})
                return 200, out[0] if "symbol" in q else out
            if path == "/fapi/v1/fundingRate":
                sym = q.get("symbol", "")
                if sym not in m.series:
                    return err(-1121, "Invalid symbol.")
                limit = int_param("limit", 100)
                if not 1 <= limit <= 1000:
                    return err(-1130, "Data sent for parameter 'limit' is not valid.")
                start, end = int_param("startTime"), int_param("endTime")
                rates = m.funding(sym, now, start if start is not None else -2**62,
                                  end if end is not None else 2**62)
                return 200, rates[:limit] if start is not None else rates[-limit:]
        except ValueError as e:
            return err(-1100, "Illegal characters found in parameter '%s'." % e)
        return 404, {"code": -1, "msg": "Not found"}  # Binance answers an HTML 404; JSON is fine

    def control(self, path, q):
        m = self.market
        self.pending_log = None
        with m.lock:
            if path == "/mock/advance":
                m.advanced += int(q.get("ms", "0"))
            elif path == "/mock/set":
                if "now" in q:
                    m.advanced += parse_time(q["now"]) - m.now()
            elif path == "/mock/fault":
                m.add_fault(q["spec"])
            body = {"serverTime": m.now(), "counts": m.counts}
        self.send_body(200, body)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True, help="directory of SYMBOL.csv 1h candle tables")
    ap.add_argument("--now", help="the server's clock at start (ms or ISO 8601)")
    ap.add_argument("--time-scale", type=float, default=1.0)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fault", action="append", default=[])
    ap.add_argument("--fail-rate", type=float, default=0)
    ap.add_argument("--truncate-rate", type=float, default=0)
    ap.add_argument("--drop", action="append", default=[])
    ap.add_argument("--retry-after", type=int, default=1)
    ap.add_argument("--ban-seconds", type=int, default=120)
    ap.add_argument("--weight-limit", type=int, default=1200)
    ap.add_argument("--slow-seconds", type=float, default=1.5)
    ap.add_argument("--latency", type=float, default=0)
    ap.add_argument("--hang-seconds", type=float, default=30)
    ap.add_argument("--no-open-candle", action="store_true")
    ap.add_argument("--expect", metavar="SYMBOL")
    args = ap.parse_args()
    market = Market(args)
    if args.expect:
        now = market.base_now
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(["open_time", "open", "high", "low", "close", "volume", "close_time",
                    "quote_volume", "trades", "taker_buy_base", "taker_buy_quote"])
        for k in market.candles(args.expect, HOUR, now, -2**62, 2**62):
            if k[6] < now:
                w.writerow(k[:11])
        return
    market.stopping = False
    Handler.market = market
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.port_file)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        market.stopping = True


if __name__ == "__main__":
    main()
