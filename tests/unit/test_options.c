/* The shared option parser: long and short forms, values attached or separate, operands
 * anywhere, "--", ranges; and usage errors exit 64 with the option named. */
#include <sys/wait.h>

#include "check.h"
#include "diag.h"
#include "options.h"

static bool flag_a, flag_b;
static const char *name;
static long long count = 7;
static double ratio = 0.5;
static struct str_list files;

static const struct opt opts[] = {
	{ "alpha", 'a', OPT_FLAG, &flag_a, NULL, "a flag", 0, 0 },
	{ "beta", 'b', OPT_FLAG, &flag_b, NULL, "another", 0, 0 },
	{ "name", 'n', OPT_STRING, &name, "NAME", "a string", 0, 0 },
	{ "count", 'c', OPT_INT, &count, "N", "an integer in [1, 100]", 1, 100 },
	{ "ratio", 0, OPT_DOUBLE, &ratio, "F", "a number in [0, 1]", 0, 1 },
	{ "file", 'f', OPT_LIST, &files, "FILE", "repeatable", 0, 0 },
	OPT_END,
};
static const struct program_info info = { "test", "test [options]", "Tests.", NULL };

static void reset(void)
{
	flag_a = flag_b = false;
	name = NULL;
	count = 7;
	ratio = 0.5;
	str_list_free(&files);
}

static void parse(int argc, char **argv, struct str_list *operands)
{
	reset();
	opt_parse(&info, opts, argc, argv, operands);
}

/* Runs the parser in a child and returns its exit status and what it wrote to stderr. */
static int parse_in_child(int argc, char **argv, char *err, size_t size)
{
	int pipefd[2];
	if (pipe(pipefd))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 2);
		dup2(pipefd[1], 1);
		struct str_list ops = { 0 };
		parse(argc, argv, &ops);
		_exit(0);
	}
	close(pipefd[1]);
	ssize_t n = read(pipefd[0], err, size - 1);
	err[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#define ARGV(...) (char *[]){ "test", __VA_ARGS__, NULL }
#define ARGC(...) ((int)(sizeof((char *[]){ "test", __VA_ARGS__ }) / sizeof(char *)))

int main(void)
{
	diag_init("test");
	struct str_list ops = { 0 };
	parse(ARGC("x.csv", "-a", "--name=btc", "y.csv", "-c", "42", "--ratio", "0.25"),
	      ARGV("x.csv", "-a", "--name=btc", "y.csv", "-c", "42", "--ratio", "0.25"), &ops);
	CHECK(flag_a && !flag_b);
	CHECK_STR(name, "btc");
	CHECK_INT(count, 42);
	CHECK_NEAR(ratio, 0.25, 0);
	CHECK_INT(ops.n, 2);
	CHECK_STR(ops.items[1], "y.csv");
	str_list_free(&ops);

	/* bundled flags, attached short values, unambiguous prefixes, "--" and "-" */
	parse(ARGC("-ab", "-c9", "--na", "eth", "-f", "a", "--file=b", "--", "-c", "-"),
	      ARGV("-ab", "-c9", "--na", "eth", "-f", "a", "--file=b", "--", "-c", "-"), &ops);
	CHECK(flag_a && flag_b);
	CHECK_INT(count, 9);
	CHECK_STR(name, "eth");
	CHECK_INT(files.n, 2);
	CHECK_STR(files.items[1], "b");
	CHECK_INT(ops.n, 2);
	CHECK_STR(ops.items[0], "-c");
	CHECK_STR(ops.items[1], "-");
	str_list_free(&ops);

	struct str_list parts = { 0 };
	str_list_split(&parts, "1,4,,24");
	CHECK_INT(parts.n, 3);
	CHECK_STR(parts.items[2], "24");
	str_list_free_items(&parts);

	/* Usage errors: exit 64, the option named, a pointer to --help. */
	char err[1024];
	CHECK_INT(parse_in_child(ARGC("--bogus"), ARGV("--bogus"), err, sizeof err), 64);
	CHECK(strstr(err, "test: unknown option '--bogus'") && strstr(err, "Try 'test --help'"));
	CHECK_INT(parse_in_child(ARGC("-c", "101"), ARGV("-c", "101"), err, sizeof err), 64);
	CHECK(strstr(err, "-c: 101 is out of range [1, 100]"));
	CHECK_INT(parse_in_child(ARGC("--count=abc"), ARGV("--count=abc"), err, sizeof err), 64);
	CHECK(strstr(err, "--count: expected an integer, got 'abc'"));
	CHECK_INT(parse_in_child(ARGC("--ratio", "nan"), ARGV("--ratio", "nan"), err, sizeof err), 64);
	CHECK(strstr(err, "--ratio: expected a number, got 'nan'"));
	CHECK_INT(parse_in_child(ARGC("--name"), ARGV("--name"), err, sizeof err), 64);
	CHECK(strstr(err, "--name needs a value (NAME)"));
	CHECK_INT(parse_in_child(ARGC("--alpha=1"), ARGV("--alpha=1"), err, sizeof err), 64);
	CHECK(strstr(err, "--alpha takes no value"));
	CHECK_INT(parse_in_child(ARGC("-z"), ARGV("-z"), err, sizeof err), 64);
	CHECK_INT(parse_in_child(ARGC("--help"), ARGV("--help"), err, sizeof err), 0);
	CHECK(strstr(err, "usage: test [options]") && strstr(err, "--count N"));
	CHECK_INT(parse_in_child(ARGC("--version"), ARGV("--version"), err, sizeof err), 0);
	CHECK(strstr(err, "test (craipto) "));
	reset();
	return check_finish();
}
