/* Import formats: Binance dumps (ms and µs), candle tables, exchange exports. */
#include "candle_import.h"
#include "check.h"
#include "testfiles.h"

static const char *dir;

static int import(const char *name, const char *text, const char *symbol, const char *interval,
		  bool skip_bad, struct import_result *res, struct cra_error *err)
{
	char *path = write_file(dir, name, text, strlen(text));
	struct import_options o = { symbol, interval, skip_bad };
	int r = candle_import(path, &o, res, err);
	free(path);
	return r;
}

int main(void)
{
	dir = test_dir("candle_import");
	struct import_result r;
	struct cra_error err = { 0 };

	char sym[24], iv[8];
	import_names_from_path("/x/BTCUSDT-1h-2023-01.csv", sym, sizeof sym, iv, sizeof iv);
	CHECK_STR(sym, "BTCUSDT");
	CHECK_STR(iv, "1h");
	import_names_from_path("Binance_ETHUSDT_1d.csv", sym, sizeof sym, iv, sizeof iv);
	CHECK_STR(sym, "ETHUSDT");
	CHECK_STR(iv, "1d");
	import_names_from_path("data/2023/export.csv", sym, sizeof sym, iv, sizeof iv);
	CHECK_STR(sym, "");
	CHECK_STR(iv, "");

	/* A Binance monthly dump: headerless, 12 columns, milliseconds. */
	CHECK_INT(import("BTCUSDT-1h-2023-01.csv",
			 "1672531200000,16541.77000000,16545.70000000,16508.39000000,16529.67000000,"
			 "4364.83570000,1672534799999,72146151.35220000,106309,2217.87087000,"
			 "36658649.15770000,0\n"
			 "1672534800000,16529.59000000,16556.80000000,16525.78000000,16551.47000000,"
			 "3590.06939000,1672538399999,59379945.05770000,96264,1818.26212000,"
			 "30079063.09580000,0\n",
			 NULL, NULL, false, &r, &err), 0);
	CHECK_INT(r.format, IMPORT_BINANCE_DUMP);
	CHECK_STR(r.symbol, "BTCUSDT");
	CHECK_STR(r.iv.name, "1h");
	CHECK_INT(r.candles.n, 2);
	CHECK_INT(r.candles.open_time[1], 1672534800000LL);
	CHECK_NEAR(r.candles.v[CF_CLOSE][0], 16529.67, 0);
	CHECK_NEAR(r.candles.v[CF_TRADES][1], 96264, 0);
	CHECK_NEAR(r.candles.v[CF_CLOSE_TIME][0], 1672534799999.0, 0);
	CHECK_NEAR(r.candles.v[CF_TAKER_BUY_QUOTE][1], 30079063.0958, 1e-7);
	CHECK_INT(r.candles.optional_mask, CANDLE_OPTIONAL_ALL);
	candles_free(&r.candles);

	/* A 2025 spot dump: microseconds in open_time and close_time. */
	CHECK_INT(import("BTCUSDT-1h-2025-01-01.csv",
			 "1735689600000000,93576.00,94509.42,93489.03,94401.14,755.99,1735693199999999,"
			 "71103499.47,110412,413.39,38880574.09,0\n",
			 NULL, NULL, false, &r, &err), 0);
	CHECK_INT(r.candles.open_time[0], 1735689600000LL);
	CHECK_NEAR(r.candles.v[CF_CLOSE_TIME][0], 1735693199999.0, 0);
	candles_free(&r.candles);

	/* The most negative time a cell can hold is microseconds by its size, so before 1970:
	 * refused, where its negation overflowed (seen writing tests/fuzz/fuzz_candles), the time was
	 * taken for seconds and became 0 after a second overflow. */
	CHECK_INT(import("BTCUSDT-1h-min.csv", "-9223372036854775808,1,1,1,1,1\n", NULL, NULL, false,
			 &r, &err), EX_DATAERR);
	CHECK(strstr(err.msg, ":1: field 'open_time' is before 1970"));

	/* A dump with a header (futures files), Binance's own column names. */
	CHECK_INT(import("ETHUSDT-4h.csv",
			 "open_time,open,high,low,close,volume,close_time,quote_volume,count,"
			 "taker_buy_volume,taker_buy_quote_volume,ignore\n"
			 "1672531200000,1196.1,1199,1193,1195,100,1672545599999,119500,50,40,47800,0\n",
			 NULL, NULL, false, &r, &err), 0);
	CHECK_INT(r.format, IMPORT_CANDLE_TABLE);
	CHECK_NEAR(r.candles.v[CF_TRADES][0], 50, 0);
	CHECK_NEAR(r.candles.v[CF_TAKER_BUY_BASE][0], 40, 0);
	CHECK_STR(r.iv.name, "4h");
	candles_free(&r.candles);

	/* An exchange export, newest first, ISO dates, "Adj Close", interval from the data. */
	CHECK_INT(import("btc-daily.csv",
			 "Date,Open,High,Low,Close,Adj Close,Volume\n"
			 "2023-01-03,16675,16760,16623,16680,16680,1500\n"
			 "2023-01-02,16618,16759,16551,16675,16675,1400\n"
			 "2023-01-01,16542,16628,16500,16618,16618,1300\n",
			 "BTCUSDT", NULL, false, &r, &err), 0);
	CHECK_INT(r.format, IMPORT_EXPORT);
	CHECK(r.interval_from_data);
	CHECK_STR(r.iv.name, "1d");
	CHECK_INT(r.report.reversed, 1);
	CHECK_INT(r.candles.open_time[0], 1672531200000LL);
	CHECK_NEAR(r.candles.v[CF_OPEN][0], 16542, 0);
	CHECK_NEAR(r.candles.v[CF_CLOSE][2], 16680, 0);
	candles_free(&r.candles);

	/* A data-vendor export: unix seconds, "Volume BTC" first, semicolons absent, TSV. */
	CHECK_INT(import("Binance_BTCUSDT_1h.tsv",
			 "unix\tdate\tsymbol\topen\thigh\tlow\tclose\tVolume BTC\tVolume USDT\ttradecount\n"
			 "1672531200\t2023-01-01 00:00:00\tBTC/USDT\t16541.77\t16545.7\t16508.39\t16529.67\t4364.8357\t72146151.35\t106309\n",
			 NULL, NULL, false, &r, &err), 0);
	CHECK_INT(r.candles.open_time[0], 1672531200000LL);
	CHECK_NEAR(r.candles.v[CF_VOLUME][0], 4364.8357, 0);
	CHECK_NEAR(r.candles.v[CF_TRADES][0], 106309, 0);
	candles_free(&r.candles);

	/* Bad rows: the first fails the import with file:line and the field ... */
	const char *bad = "open_time,open,high,low,close,volume\n"
			  "1672531200000,10,12,9,11,1\n"
			  "1672534800000,10,abc,9,11,1\n"
			  "1672538400000,10,12,9,11,-5\n"
			  "1672538400000,10,12,9,11,5\n"
			  "1672542000000,10,12,9,11,5\n";
	CHECK_INT(import("XRPUSDT-1h.csv", bad, NULL, NULL, false, &r, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "XRPUSDT-1h.csv:3: field 'high': expected a number, got 'abc'"));
	/* ... and with skip_bad the good rows come through, the bad ones are counted. */
	CHECK_INT(import("XRPUSDT-1h.csv", bad, NULL, NULL, true, &r, &err), 0);
	CHECK_INT(r.candles.n, 3);
	CHECK_INT(r.report.skipped, 2);
	CHECK(strstr(r.report.first_skip[0], ":3:"));
	CHECK(strstr(r.report.first_skip[1], ":4: field 'volume' is negative"));
	candles_free(&r.candles);
	/* out-of-order rows in our own format are an error, not silently sorted */
	CHECK_INT(import("XRPUSDT-1h.csv",
			 "open_time,open,high,low,close,volume\n"
			 "1672534800000,10,12,9,11,1\n1672531200000,10,12,9,11,1\n",
			 NULL, NULL, false, &r, &err), EX_DATAERR);
	CHECK(strstr(err.msg, ":3: field 'open_time' is out of order"));

	/* What the file is must be told when neither the name nor the flags say. */
	CHECK_INT(import("export.csv", "open_time,open,high,low,close,volume\n1,1,1,1,1,1\n", NULL,
			 "1h", false, &r, &err), EX_USAGE);
	CHECK(strstr(err.msg, "--symbol"));
	CHECK_INT(import("export.csv", "open_time,open,high,low,close,volume\n1,1,1,1,1,1\n",
			 "BTCUSDT", NULL, false, &r, &err), EX_USAGE);
	CHECK(strstr(err.msg, "--interval"));
	CHECK_INT(import("export.csv", "open_time,open,high,low,close,volume\n1,1,1,1,1,1\n",
			 "btc;drop", "1h", false, &r, &err), EX_USAGE);
	CHECK_INT(import("export.csv", "when,open,high,low,close,volume\n1,1,1,1,1,1\n",
			 "BTCUSDT", "1h", false, &r, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "no time column"));
	CHECK_INT(import("export.csv", "1,2,3\n", "BTCUSDT", "1h", false, &r, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "Binance kline dump"));
	return check_finish();
}
