/* test_feature_spec.c - the feature specification grammar, its canonical form (which model
 * bundles store), column names, warm-up and history, and its errors. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "feature_spec.h"

static const char *canon(const char *text)
{
	static char buf[4096];
	struct feature_spec spec;
	struct cra_error err = { 0 };
	if (feature_spec_parse(text, &spec, &err)) {
		snprintf(buf, sizeof buf, "error %d: %s", err.status, err.msg);
		return buf;
	}
	feature_spec_format(&spec, buf, sizeof buf);
	return buf;
}

static void test_canonical(void)
{
	CHECK_STR(canon("rsi:14"), "rsi:14");
	CHECK_STR(canon("rsi"), "rsi:14");
	CHECK_STR(canon(" RSI , Sma:50 "), "rsi:14,sma:50");
	CHECK_STR(canon("macd"), "macd:12:26:9");
	CHECK_STR(canon("macd:5"), "macd:5:26:9");
	CHECK_STR(canon("bb:20:2.50"), "bb:20:2.5");
	CHECK_STR(canon("bb:20:2e0"), "bb:20:2");
	CHECK_STR(canon("obv,vwapd"), "obv,vwapd");
	CHECK_STR(canon("macd.hist"), "macd.hist:12:26:9");
	/* Repeats merge into the first; selections add up, all of them is the whole item. */
	CHECK_STR(canon("rsi:14,sma:20,rsi"), "rsi:14,sma:20");
	CHECK_STR(canon("bb.width,rsi,bb.pctb"), "bb.pctb:20:2,bb.width:20:2,rsi:14");
	CHECK_STR(canon("stoch.k,stoch.d"), "stoch:14:3");
	CHECK_STR(canon("macd.hist,macd"), "macd:12:26:9");
	CHECK_STR(canon("lags:3,rsi"), "rsi:14,lags:3");
	CHECK_STR(canon("rsi,lags:0"), "rsi:14");
	CHECK_STR(canon(",rsi,,"), "rsi:14");
	CHECK_STR(canon(""), "");
	CHECK_STR(canon(FEATURE_SPEC_DEFAULT), FEATURE_SPEC_DEFAULT);
	CHECK_STR(canon(FEATURE_SPEC_ALL), FEATURE_SPEC_ALL);

	/* format(parse(s)) is a fixed point: formatting the canonical text again changes nothing. */
	const char *samples[] = { "BB.PCTB:30:1.5, macd.signal:8:21:5, fib.pos:50, lags:2",
				  "vol:30,ret:4,logret,volz:50,atr:7,ema:9,vwap:10" };
	for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
		char once[4096];
		snprintf(once, sizeof once, "%s", canon(samples[i]));
		CHECK_STR(canon(once), once);
	}
}

static void test_columns(void)
{
	struct feature_spec spec;
	struct cra_error err = { 0 };
	CHECK_INT(feature_spec_parse("rsi,macd,bb:20:2.5,obv,fib.pos:50,stoch,lags:2", &spec, &err), 0);
	/* 1 + 3 + 5 + 1 + 1 + 2 base columns, times 3 with two lags */
	CHECK_INT(feature_spec_ncols(&spec), 13 * 3);
	char name[FEATURE_NAME_MAX];
	feature_item_column(&spec.item[0], 0, name);
	CHECK_STR(name, "rsi_14");
	feature_item_column(&spec.item[1], 0, name);
	CHECK_STR(name, "macd_12_26_9");
	feature_item_column(&spec.item[1], 1, name);
	CHECK_STR(name, "macd_signal_12_26_9");
	feature_item_column(&spec.item[1], 2, name);
	CHECK_STR(name, "macd_hist_12_26_9");
	feature_item_column(&spec.item[2], 0, name);
	CHECK_STR(name, "bb_upper_20_2.5");
	feature_item_column(&spec.item[2], 3, name);
	CHECK_STR(name, "bb_pctb_20_2.5");
	feature_item_column(&spec.item[3], 0, name);
	CHECK_STR(name, "obv");
	feature_item_column(&spec.item[4], 5, name);
	CHECK_STR(name, "fib_pos_50");
	CHECK_INT(spec.item[4].outputs, 1u << 5);
	feature_item_column(&spec.item[5], 1, name);
	CHECK_STR(name, "stoch_d_14_3");
}

static int parse_error(const char *text, const char *needle)
{
	struct feature_spec spec;
	struct cra_error err = { 0 };
	int r = feature_spec_parse(text, &spec, &err);
	if (needle && !strstr(err.msg, needle)) {
		fprintf(stderr, "'%s': message '%s' lacks '%s'\n", text, err.msg, needle);
		return -1;
	}
	return r;
}

static void test_errors(void)
{
	CHECK_INT(parse_error("foo:3", "unknown indicator 'foo' in feature 'foo:3'"), EX_USAGE);
	CHECK_INT(parse_error("rsi:14,foo", "foo"), EX_USAGE);
	CHECK_INT(parse_error("rsi:0", "bad feature 'rsi:0': period must be from 2 to 100000"), EX_USAGE);
	CHECK_INT(parse_error("rsi:1", "period"), EX_USAGE);
	CHECK_INT(parse_error("bb:20:-1", "bad feature 'bb:20:-1': k must be from"), EX_USAGE);
	CHECK_INT(parse_error("bb:20:0", "k must be"), EX_USAGE);
	CHECK_INT(parse_error("rsi:14.5", "whole number"), EX_USAGE);
	CHECK_INT(parse_error("rsi:abc", "must be a number, got 'abc'"), EX_USAGE);
	CHECK_INT(parse_error("rsi:", "must be a number"), EX_USAGE);
	CHECK_INT(parse_error("rsi:nan", "must be a number"), EX_USAGE);
	CHECK_INT(parse_error("rsi:14:3", "rsi takes at most 1 parameter (rsi:period)"), EX_USAGE);
	CHECK_INT(parse_error("obv:3", "obv takes no parameters"), EX_USAGE);
	CHECK_INT(parse_error("macd:26:12", "fast period must be shorter"), EX_USAGE);
	CHECK_INT(parse_error("macd.foo", "macd has the outputs line, signal, hist"), EX_USAGE);
	CHECK_INT(parse_error("rsi.k", "nothing to select"), EX_USAGE);
	CHECK_INT(parse_error("lags", "lags needs a count"), EX_USAGE);
	CHECK_INT(parse_error("lags:-1", "lags must be from 0 to 1000"), EX_USAGE);
	CHECK_INT(parse_error("sma:100001", "period must be from 2 to 100000"), EX_USAGE);
}

static void test_lookback_history(void)
{
	struct feature_spec spec;
	struct cra_error err = { 0 };
	struct interval h1;
	interval_parse("1h", &h1);
	CHECK_INT(feature_spec_parse(FEATURE_SPEC_DEFAULT, &spec, &err), 0);
	CHECK_INT(feature_spec_lookback(&spec, &h1), 33); /* macd 12/26/9 */
	spec.lags = 5;
	CHECK_INT(feature_spec_lookback(&spec, &h1), 38);
	CHECK_INT(feature_spec_parse("fib:100,rsi", &spec, &err), 0);
	CHECK_INT(feature_spec_lookback(&spec, NULL), 99);
	CHECK_INT(feature_spec_parse("vwapd", &spec, &err), 0);
	CHECK_INT(feature_spec_lookback(&spec, &h1), 23);
	CHECK_INT(feature_spec_lookback(&spec, NULL), 0);

	/* History: windowed indicators need exactly their lookback; EMA(20) needs its seed's
	 * weight (19/21)^m below 1e-12: m = 277. */
	CHECK_INT(feature_spec_parse("sma:20,fib:100", &spec, &err), 0);
	CHECK_INT(feature_spec_history(&spec, &h1), 99);
	CHECK_INT(feature_spec_parse("ema:20", &spec, &err), 0);
	CHECK_INT(feature_spec_history(&spec, &h1), 19 + 277);
	CHECK_INT(feature_spec_parse("rsi,obv", &spec, &err), 0);
	CHECK(feature_spec_history(&spec, &h1) == SIZE_MAX);
}

int main(void)
{
	test_canonical();
	test_columns();
	test_errors();
	test_lookback_history();
	return check_finish();
}
