/* fuzz_options.c - the shared option parser (options.h) fed an argv split from arbitrary bytes.
 *
 * The input is the arguments separated by NUL bytes, parsed against a table with an option of
 * every kind (flags, strings, integers and numbers with and without a range, a list), short
 * forms and long names that share prefixes.  opt_parse exits on a usage error and after
 * --help or --version: that is program plumbing, so this program is linked with
 * -Wl,--wrap=exit and the exit jumps back here instead, with the status.  libFuzzer's own
 * calls to exit pass through.  (Its output, the help text and the messages, go to standard
 * output and error: tests/fuzz/run closes both for the fuzzer.)
 *
 * After a parse that does not exit: every operand is an argument given, not an option, unless
 * it came after "--"; values in range; the exit statuses are 0 and 64 only.
 */
#include <math.h>
#include <setjmp.h>
#include <stdbool.h>
#include <sysexits.h>

#include "diag.h"
#include "fuzz.h"
#include "options.h"

#define MAX_ARGS 64

static jmp_buf parse_exit;
static bool parsing;

_Noreturn void __real_exit(int status);
_Noreturn void __wrap_exit(int status);

_Noreturn void __wrap_exit(int status)
{
	if (parsing) {
		parsing = false;
		longjmp(parse_exit, status + 1); /* setjmp's 0 is taken */
	}
	__real_exit(status);
}

static struct values {
	bool quiet, verbose, tsv;
	const char *interval, *from, *train;
	long long trees, depth;
	double eta, ratio;
	struct str_list symbols;
} v;

static const struct opt opts[] = {
	{ "interval", 'i', OPT_STRING, &v.interval, "INTERVAL", "candle interval", 0, 0 },
	{ "from", 'f', OPT_STRING, &v.from, "TIME", "first candle", 0, 0 },
	{ "train", 0, OPT_STRING, &v.train, "FRAC", "training fraction", 0, 0 },
	{ "trees", 'n', OPT_INT, &v.trees, "N", "boosting rounds", 1, 100000 },
	{ "depth", 0, OPT_INT, &v.depth, "N", "tree depth (no range)", 0, 0 },
	{ "eta", 'e', OPT_DOUBLE, &v.eta, "X", "learning rate", 0, 1 },
	{ "ratio", 0, OPT_DOUBLE, &v.ratio, "X", "any finite number", 0, 0 },
	{ "symbol", 's', OPT_LIST, &v.symbols, "SYMBOL", "a symbol (repeatable)", 0, 0 },
	{ "quiet", 'q', OPT_FLAG, &v.quiet, NULL, "say less", 0, 0 },
	{ "verbose", 'v', OPT_FLAG, &v.verbose, NULL, "say more", 0, 0 },
	{ "tsv", 0, OPT_FLAG, &v.tsv, NULL, "tab-separated output", 0, 0 },
	OPT_END,
};

static const struct program_info info = {
	"cra-fuzz", "cra-fuzz [OPTIONS] [FILE...]", "The option parser under a fuzzer.",
	"  cra-fuzz -q -i 1h --trees 10 data.csv",
};

/* Whether s is one of the arguments, and which. */
static int arg_index(char **argv, int argc, const char *s)
{
	for (int i = 1; i < argc; i++)
		if (argv[i] == s)
			return i;
	return -1;
}

static void check_parse(char **argv, int argc, const struct str_list *operands)
{
	int dashdash = argc;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			dashdash = i;
			break;
		}
	for (size_t k = 0; k < operands->n; k++) {
		int i = arg_index(argv, argc, operands->items[k]);
		FUZZ_CHECK(i > 0);
		const char *a = argv[i];
		FUZZ_CHECK(i > dashdash || a[0] != '-' || a[1] == '\0');
	}
	FUZZ_CHECK(v.trees == 0 || (v.trees >= 1 && v.trees <= 100000));
	FUZZ_CHECK(v.eta >= 0 && v.eta <= 1);
	FUZZ_CHECK(isfinite(v.ratio));
	for (size_t k = 0; k < v.symbols.n; k++)
		FUZZ_CHECK(arg_index(argv, argc, v.symbols.items[k]) > 0 ||
			   /* -sBTC and --symbol=BTC point into their argument */
			   v.symbols.items[k][-1] == 's' || v.symbols.items[k][-1] == '=');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool named;
	if (!named) {
		diag_init("cra-fuzz");
		named = true;
	}
	char *buf = fuzz_string(data, size);
	char *argv[MAX_ARGS + 1] = { "cra-fuzz" };
	int argc = 1;
	for (size_t i = 0; i <= size && argc < MAX_ARGS; argc++) {
		argv[argc] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;

	/* Static: a local changed between setjmp and longjmp would be indeterminate after it. */
	static struct str_list operands;
	memset(&v, 0, sizeof v);
	int status = setjmp(parse_exit);
	if (status == 0) {
		parsing = true;
		opt_parse(&info, opts, argc, argv, &operands);
		parsing = false;
		check_parse(argv, argc, &operands);
	} else {
		FUZZ_CHECK(status - 1 == 0 || status - 1 == EX_USAGE);
	}
	str_list_free(&operands);
	str_list_free(&v.symbols);
	free(buf);
	return 0;
}
