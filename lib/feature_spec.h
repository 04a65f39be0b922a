/* feature_spec.h - which features to compute, as a value and as a string.
 *
 * A feature specification is a list of indicators with their parameters, plus a number of lags.
 * Its text form is what users type (`cra-features --ind rsi:14,bb:20:2`) and what model bundles
 * store so that a model rebuilds exactly its training features at prediction time:
 *
 *   spec   = item *( "," item )            blanks around items are ignored
 *   item   = name [ "." output ] *( ":" param )  |  "lags:" N
 *
 * e.g. "sma:50,rsi,macd.hist:12:26:9,bb:20:2.5,lags:3".  Omitted trailing parameters take their
 * defaults; an output selector (".hist") keeps one output of a multi-output indicator.  Names are
 * case-insensitive.  The canonical form (feature_spec_format) writes every parameter, lower-case
 * names, numbers in shortest round-trip form, items in order of first appearance with repeated
 * items merged, and "lags:N" last (when N > 0).  Parsing the canonical form gives the same spec
 * and formatting it again the same text, so bundles can store and compare it.
 *
 * Column names are the output's name and the parameters joined by '_' ("rsi_14",
 * "macd_signal_12_26_9", "bb_upper_20_2", "obv"), then for lags "<column>_lag<k>".
 */
#ifndef CRA_FEATURE_SPEC_H
#define CRA_FEATURE_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "interval.h"

enum feature_kind {
	FK_SMA,
	FK_EMA,
	FK_RSI,
	FK_MACD,
	FK_BB,
	FK_ATR,
	FK_OBV,
	FK_STOCH,
	FK_VWAP,
	FK_VWAPD,
	FK_VOL,
	FK_RET,
	FK_LOGRET,
	FK_FIB,
	FK_VOLZ,
	FEATURE_NKINDS,
};

#define FEATURE_MAX_PARAMS 3
#define FEATURE_MAX_OUTPUTS 6
#define FEATURE_SPEC_MAX 128 /* items in one spec */
#define FEATURE_MAX_LAGS 1000
#define FEATURE_NAME_MAX 64  /* longest column name, with its NUL */

struct feature_param {
	const char *name; /* "period" */
	double def, min, max;
	bool integer;
};

struct feature_output {
	const char *selector; /* after the '.': "hist" */
	const char *column;   /* column name before the parameters: "macd_hist" */
};

struct feature_kind_info {
	const char *name;     /* "macd" */
	const char *summary;  /* one line for --list */
	int nparams;
	struct feature_param param[FEATURE_MAX_PARAMS];
	int noutputs;
	struct feature_output output[FEATURE_MAX_OUTPUTS];
};

extern const struct feature_kind_info feature_kinds[FEATURE_NKINDS];

struct feature_item {
	enum feature_kind kind;
	double param[FEATURE_MAX_PARAMS]; /* every parameter, defaults filled in */
	unsigned outputs;                 /* bit j set: output j is computed */
};

struct feature_spec {
	size_t n;
	int lags; /* lagged copies t-1..t-lags of every column */
	struct feature_item item[FEATURE_SPEC_MAX];
};

/* The default set when none is asked for (what the LSTM trains on), and --all: every
 * indicator with its default parameters. */
#define FEATURE_SPEC_DEFAULT "logret:1,volz:20,rsi:14,macd.hist:12:26:9,bb.pctb:20:2"
#define FEATURE_SPEC_ALL                                                                   \
	"sma:20,ema:20,rsi:14,macd:12:26:9,bb:20:2,atr:14,obv,stoch:14:3,vwap:20,vwapd,vol:20," \
	"ret:1,logret:1,fib:100,volz:20"

void feature_spec_init(struct feature_spec *spec);

/* Parses text into spec (initialised first).  Fails with 64 (EX_USAGE) naming the item at
 * fault: an unknown indicator or output, a parameter that is not a number, not an integer or
 * out of its range, too many parameters. */
int feature_spec_parse(const char *text, struct feature_spec *spec, struct cra_error *err);

/* Parses text and merges its items into spec (an item equal to one already there adds its
 * outputs to it); "lags:N" replaces spec->lags. */
int feature_spec_add(struct feature_spec *spec, const char *text, struct cra_error *err);

/* Writes the canonical text into buf (size bytes, NUL-terminated, truncated if too small) and
 * returns its full length, as snprintf does. */
size_t feature_spec_format(const struct feature_spec *spec, char *buf, size_t size);

/* The canonical text of one item with all its outputs selected ("macd:12:26:9"). */
size_t feature_item_format(const struct feature_item *item, char *buf, size_t size);

/* Columns the spec produces: selected outputs, then (lags+1) times that for the lags. */
size_t feature_spec_ncols(const struct feature_spec *spec);

/* Name of output j of item ("bb_pctb_20_2") into buf (FEATURE_NAME_MAX bytes). */
void feature_item_column(const struct feature_item *item, int output, char *buf);

/* Leading rows an item, or the whole spec (with its lags), leaves undefined.  vwapd's first
 * day depends on the data: this counts the worst case, a day of candles of interval iv less
 * one (0 when iv is NULL or at least a day). */
size_t feature_item_lookback(const struct feature_item *item, const struct interval *iv);
size_t feature_spec_lookback(const struct feature_spec *spec, const struct interval *iv);

/* Rows of history before the newest row that a computation over a trailing window needs so
 * that its newest row equals a computation over the full history: exactly for windowed
 * indicators; for the exponentially smoothed ones (EMA, MACD, RSI, ATR) to within 1e-12 of
 * the difference between the two seeds (the seed's weight (1-alpha)^m has decayed below 1e-12).
 * SIZE_MAX when the spec has obv, whose level depends on the first row of the series.  With
 * iv NULL, vwapd assumes 1m candles (a day is 1440 rows). */
size_t feature_spec_history(const struct feature_spec *spec, const struct interval *iv);

/* The kind named name (case-insensitive, len bytes), or -1. */
int feature_kind_find(const char *name, size_t len);

#endif
