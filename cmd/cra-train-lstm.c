/* cra-train-lstm - an LSTM or CNN-LSTM network on a candle series: one network for every
 * horizon, in one bundle, and the validation report beside the naive forecast.
 *
 * Reads candles (the store, a file or standard input, lib/train_input.h) and hands them to
 * the training job (lib/lstm_model.h), which builds the windows, splits the rows
 * chronologically, trains, reports and fills the bundle; writes the report to standard output
 * and the bundle to -o. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "diag.h"
#include "lstm_model.h"
#include "options.h"
#include "output.h"
#include "progress.h"
#include "timefmt.h"
#include "train_input.h"

static const struct program_info info = {
	"cra-train-lstm",
	"cra-train-lstm -s SYMBOL -i INTERVAL [-f SPEC] [-t KIND[:H]] [-H H,...] [options]\n"
	"       cra-train-lstm [-s SYMBOL] [-i INTERVAL] [options] FILE|-",
	"Trains a recurrent network - stacked LSTM layers, optionally behind a causal 1-D\n"
	"convolution (--conv: a CNN-LSTM) - on windows of W candles of standardised features to\n"
	"forecast the log return (default), the price or the regime (bear/neutral/bull) H candles\n"
	"ahead, one output per horizon, on the first 1 - F of the candles.  Stops when the loss on\n"
	"the first half of the last F has not fallen for --patience epochs, keeps the best epoch's\n"
	"weights, and reports on the second half beside the naive forecast (no change; for regimes,\n"
	"the training majority class).  Writes the report (horizon,metric,model,naive,ratio) to\n"
	"standard output and the model bundle to -o, by default\n"
	"$CRA_MODELS/SYMBOL-INTERVAL-lstm.bundle (-cnn-lstm with --conv).  Without -f: "
	FEATURE_SPEC_DEFAULT ".",
	"  cra-train-lstm -s BTCUSDT -i 1h\n"
	"  cra-train-lstm -s BTCUSDT -i 1h -H 1,4 -w 48 --hidden 64,32 -e 30 -o btc.bundle\n"
	"  cra-train-lstm -s ETHUSDT -i 1h -t regime:4h --conv 5:32 --dropout 0.1\n"
	"  cra-fetch --dump BTCUSDT -i 4h | cra-train-lstm -s BTCUSDT -i 4h - > report.csv",
};

struct settings {
	struct str_list features, operands;
	const char *symbol, *interval, *target, *horizons, *from, *to, *db, *output, *hidden, *conv,
		*init;
	long long window, layers, epochs, batch, patience, seed, threads;
	double lr, lr_decay, clip, dropout, valid_frac;
	bool tsv, quiet, verbose;
};

/* "N" or "N,N,..." hidden sizes, one per layer (one size: every layer). */
static void parse_layers(const struct settings *s, struct lstm_config *arch)
{
	struct str_list hs = { 0 };
	str_list_split(&hs, s->hidden);
	if (hs.n < 1 || hs.n > LSTM_MAX_LAYERS)
		opt_usage_error("--hidden: give 1 to %d sizes, got '%s'", LSTM_MAX_LAYERS, s->hidden);
	arch->nlayers = s->layers ? (int)s->layers : hs.n > 1 ? (int)hs.n : 2;
	if (hs.n > 1 && (size_t)arch->nlayers != hs.n)
		opt_usage_error("--hidden gives %zu sizes for %d layers", hs.n, arch->nlayers);
	for (int l = 0; l < arch->nlayers; l++) {
		char *end;
		const char *text = hs.items[hs.n > 1 ? (size_t)l : 0];
		errno = 0;
		long v = strtol(text, &end, 10);
		if (errno || end == text || *end || v < 1 || v > LSTM_MAX_HIDDEN)
			opt_usage_error("--hidden: '%s' is not a size from 1 to %d", text, LSTM_MAX_HIDDEN);
		arch->hidden[l] = (int)v;
	}
	str_list_free_items(&hs);
	if (!s->conv)
		return;
	int k, f, used = 0;
	if (sscanf(s->conv, "%d:%d%n", &k, &f, &used) != 2 || s->conv[used] || k < 1 || k > 1000 ||
	    f < 1 || f > LSTM_MAX_HIDDEN)
		opt_usage_error("--conv: expected KERNEL:FILTERS (5:32), kernel 1 to 1000, filters 1 "
				"to %d; got '%s'", LSTM_MAX_HIDDEN, s->conv);
	arch->conv_kernel = k;
	arch->conv_filters = f;
}

struct train_progress {
	struct progress bar;
	char label[32];
	int epoch;
};

static void on_progress(void *ctx, const struct lstm_progress *p)
{
	struct train_progress *tp = ctx;
	char suffix[96];
	if (p->epoch != tp->epoch) {
		tp->epoch = p->epoch;
		snprintf(tp->label, sizeof tp->label, "epoch %d/%d", p->epoch + 1, p->epochs);
		progress_start(&tp->bar, tp->label, p->total);
	}
	int n = snprintf(suffix, sizeof suffix, "loss %.4f", p->loss);
	if (!isnan(p->valid_loss))
		snprintf(suffix + n, sizeof suffix - (size_t)n, ", validation %.4f", p->valid_loss);
	n = (int)strlen(suffix);
	snprintf(suffix + n, sizeof suffix - (size_t)n, ", %.0f windows/s", p->samples_per_s);
	progress_update(&tp->bar, p->done, suffix);
	if (p->end) {
		progress_finish(&tp->bar);
		diag_debug("epoch %d: loss %.6g, validation %.6g, %.0f windows/s", p->epoch + 1,
			   p->loss, p->valid_loss, p->samples_per_s);
	}
}

static void note_result(const struct lstm_report *rep, const char *output)
{
	char a[TIME_BUF], b[TIME_BUF];
	time_format_iso(rep->train_from, a);
	time_format_iso(rep->train_to, b);
	diag_note("trained on %zu windows (%s .. %s), %d epochs, %.0f windows/s, %.1f s", rep->ntrain,
		  a, b, rep->fit.epochs_run, rep->fit.samples_per_s, rep->fit.seconds);
	if (rep->nstop) {
		time_format_iso(rep->stop_from, a);
		time_format_iso(rep->stop_to, b);
		diag_note("stopped on %zu windows (%s .. %s): best epoch %d, loss %.6g", rep->nstop, a, b,
			  rep->fit.best_epoch + 1, rep->fit.best_valid_loss);
	}
	time_format_iso(rep->report_from, a);
	time_format_iso(rep->report_to, b);
	diag_note("report on %zu windows (%s .. %s) that took no part in training%s", rep->nreport,
		  a, b, rep->nstop ? " or in stopping it" : "");
	diag_note("model written to %s", output);
}

int main(int argc, char **argv)
{
	diag_init(argv[0]);
	struct lstm_train_params defaults;
	lstm_train_params_default(&defaults);
	struct settings s = {
		.target = "return:1", .hidden = "64", .window = 48, .epochs = defaults.epochs,
		.batch = defaults.batch, .patience = defaults.patience, .seed = (long long)defaults.seed,
		.lr = defaults.lr, .lr_decay = defaults.lr_decay, .clip = defaults.clip,
		.dropout = defaults.dropout, .valid_frac = 0.2,
	};
	const struct opt opts[] = {
		{ "symbol", 's', OPT_STRING, &s.symbol, "SYMBOL", "the series: read from the store, or the name of FILE's series", 0, 0 },
		{ "interval", 'i', OPT_STRING, &s.interval, "INTERVAL", "the candles' interval (for FILE: default guessed)", 0, 0 },
		{ "from", 0, OPT_STRING, &s.from, "TIME", "use candles from this open time on", 0, 0 },
		{ "to", 0, OPT_STRING, &s.to, "TIME", "use candles before this open time", 0, 0 },
		{ "db", 0, OPT_STRING, &s.db, "URI", "PostgreSQL store (default: $CRA_DB, else $CRA_DATA or ./data)", 0, 0 },
		{ "features", 'f', OPT_LIST, &s.features, "SPEC,...", "features, as cra-features -f (lags:N adds lagged copies)", 0, 0 },
		{ "target", 't', OPT_STRING, &s.target, "KIND[:H]", "return (log return, default), price, or regime[:H[:K[:W]]]", 0, 0 },
		{ "horizons", 'H', OPT_STRING, &s.horizons, "H,...", "one output per horizon, in candles or durations (1,4 or 1h,4h)", 0, 0 },
		{ "window", 'w', OPT_INT, &s.window, "W", "candles per input window (default 48)", 1, 100000 },
		{ "layers", 'l', OPT_INT, &s.layers, "N", "LSTM layers, 1 to 4 (default 2, or as many as --hidden sizes)", 1, LSTM_MAX_LAYERS },
		{ "hidden", 0, OPT_STRING, &s.hidden, "N[,N...]", "units per LSTM layer, one size or one per layer (default 64)", 0, 0 },
		{ "conv", 'c', OPT_STRING, &s.conv, "K:F", "a causal convolution of kernel K, F filters, ReLU in front (CNN-LSTM)", 0, 0 },
		{ "dropout", 0, OPT_DOUBLE, &s.dropout, "P", "dropout between LSTM layers in training (default 0)", 0, 0.95 },
		{ "epochs", 'e', OPT_INT, &s.epochs, "N", "epochs at most (default 50)", 1, 100000 },
		{ "batch", 'b', OPT_INT, &s.batch, "N", "windows per mini-batch (default 64)", 1, 65536 },
		{ "lr", 0, OPT_DOUBLE, &s.lr, "RATE", "Adam's learning rate (default 0.001)", 1e-9, 10 },
		{ "lr-decay", 0, OPT_DOUBLE, &s.lr_decay, "D", "multiply the learning rate by D after every epoch (default 1)", 1e-6, 1 },
		{ "clip", 0, OPT_DOUBLE, &s.clip, "NORM", "clip the gradient's global norm to NORM; 0: never (default 1)", 0, 1e9 },
		{ "patience", 'p', OPT_INT, &s.patience, "N", "stop after N epochs without a lower validation loss; 0: never (default 5)", 0, 100000 },
		{ "valid-frac", 0, OPT_DOUBLE, &s.valid_frac, "F", "the last F of the candles validate (default 0.2)", 0.01, 0.9 },
		{ "init", 0, OPT_STRING, &s.init, "BUNDLE", "start from this model's weights (same features, targets, window, layers) to retrain it", 0, 0 },
		{ "seed", 0, OPT_INT, &s.seed, "N", "random seed for weights, shuffles and dropout (default 1)", 0, 2147483647 },
		{ "threads", 'j', OPT_INT, &s.threads, "N", "threads (default: every core); the model does not depend on it", 0, LSTM_MAX_THREADS },
		{ "output", 'o', OPT_STRING, &s.output, "BUNDLE", "write the model here (default $CRA_MODELS/SYMBOL-INTERVAL-lstm.bundle)", 0, 0 },
		{ "tsv", 0, OPT_FLAG, &s.tsv, NULL, "write the report as TSV", 0, 0 },
		{ "quiet", 'q', OPT_FLAG, &s.quiet, NULL, "no notes or progress on standard error", 0, 0 },
		{ "verbose", 'v', OPT_FLAG, &s.verbose, NULL, "more notes on standard error (every epoch)", 0, 0 },
		OPT_END,
	};
	opt_parse(&info, opts, argc, argv, &s.operands);
	diag_set_quiet(s.quiet);
	diag_set_verbose(s.verbose);
	if (s.operands.n > 1)
		opt_usage_error("one candle file at most, got %zu", s.operands.n);
	if (!s.operands.n && !s.symbol)
		opt_usage_error("give --symbol and -i (the store) or a candle FILE ('-' for standard input)");

	struct cra_error err = { 0 };
	static struct feature_spec spec;
	feature_spec_init(&spec);
	for (size_t i = 0; i < s.features.n; i++)
		if (feature_spec_add(&spec, s.features.items[i], &err))
			diag_die_error(&err);
	if (!s.features.n && feature_spec_add(&spec, FEATURE_SPEC_DEFAULT, &err))
		diag_die_error(&err);
	struct lstm_job job = { .spec = &spec, .window = (int)s.window, .valid_frac = s.valid_frac };
	parse_layers(&s, &job.arch);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	job.train = defaults;
	job.train.epochs = (int)s.epochs;
	job.train.batch = (int)s.batch;
	job.train.patience = (int)s.patience;
	job.train.threads = s.threads ? (int)s.threads : cores < 1 ? 1 : cores > 64 ? 64 : (int)cores;
	job.train.lr = s.lr;
	job.train.lr_decay = s.lr_decay;
	job.train.clip = s.clip;
	job.train.dropout = s.dropout;
	job.train.seed = (uint64_t)s.seed;

	struct train_input in = { s.symbol, s.interval, s.operands.n ? s.operands.items[0] : NULL,
				  s.from, s.to, s.db };
	char symbol[SYMBOL_MAX + 1];
	struct candles c;
	struct interval iv;
	static struct target_spec ts;
	if (train_input_load(&in, &c, &iv, symbol, &err) ||
	    train_targets(s.target, s.horizons, &iv, &ts, &err))
		diag_die_error(&err);
	char output[4096];
	if (s.output)
		snprintf(output, sizeof output, "%s", s.output);
	else if (bundle_default_path(symbol, iv.name, job.arch.conv_kernel ? CNN_LSTM_KIND : LSTM_KIND,
				     output, sizeof output, &err))
		diag_die_error(&err);
	job.targets = &ts;
	job.symbol = symbol;
	job.interval = iv.name;
	static struct lstm_model init;
	if (s.init) {
		if (lstm_model_load(&init, s.init, &err))
			diag_die_error(&err);
		job.init = &init;
	}
	struct train_progress tp = { .epoch = -1 };
	job.progress = on_progress;
	job.ctx = &tp;

	struct bundle b;
	static struct lstm_model m;
	static struct lstm_report rep;
	bundle_init(&b);
	int r = lstm_train_job(&c, &iv, &job, &m, &b, &rep, &err);
	progress_finish(&tp.bar);
	if (r)
		diag_die_error(&err);

	/* The bundle first: a report on standard output means the model exists. */
	struct output out;
	if (bundle_save(&b, output, &err) || output_open(&out, "-", s.tsv, &err))
		diag_die_error(&err);
	lstm_report_write(&out.w, &rep);
	if (output_close(&out, &err))
		diag_die_error(&err);
	note_result(&rep, output);
	lstm_report_free(&rep);
	lstm_model_free(&m);
	lstm_model_free(&init);
	bundle_free(&b);
	candles_free(&c);
	str_list_free(&s.features);
	str_list_free(&s.operands);
	return 0;
}
