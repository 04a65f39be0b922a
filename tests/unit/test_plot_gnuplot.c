/* test_plot_gnuplot.c - running gnuplot strictly: a warning fails as an error does (70), with
 * gnuplot's words; a picture is written whole or not at all; standard output gets the
 * picture only on success; no gnuplot on PATH is 69. */
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "plot_gnuplot.h"
#include "testfiles.h"

static struct plot_script body(const char *text)
{
	struct plot_script s;
	plot_script_init(&s);
	ps_printf(&s, "%s", text);
	return s;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* Files in dir whose name starts with prefix (left-over temporary files). */
static int count_prefixed(const char *dir, const char *prefix)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -c '^%s' > '%s/count'", dir, prefix, dir);
	if (system(cmd) < 0)
		return -1;
	char path[600];
	snprintf(path, sizeof path, "%s/count", dir);
	FILE *f = fopen(path, "r");
	int n = -1;
	if (f && fscanf(f, "%d", &n) != 1)
		n = -1;
	if (f)
		fclose(f);
	return n;
}

static void test_file(const char *dir)
{
	char path[600];
	snprintf(path, sizeof path, "%s/chart.png", dir);
	struct plot_target t = { PLOT_TERM_PNG, 320, 200, path };
	struct cra_error err = { 0 };
	struct plot_script ok = body("$d << EOD\n1 1\n2 4\nEOD\nplot $d using 1:2 with lines\n");
	CHECK_INT(plot_render(&t, &ok, &err), 0);
	FILE *f = fopen(path, "rb");
	unsigned char h[24] = { 0 };
	CHECK(f && fread(h, 1, 24, f) == 24);
	if (f)
		fclose(f);
	CHECK(!memcmp(h + 1, "PNG", 3));
	CHECK_INT((h[16] << 24 | h[17] << 16 | h[18] << 8 | h[19]), 320);
	CHECK_INT((h[20] << 24 | h[21] << 16 | h[22] << 8 | h[23]), 200);

	/* A warning: gnuplot draws, but a series is missing - refused, the old file stays. */
	struct plot_script warn = body("set xrange [0:10]\n$d << EOD\n1 abc\nEOD\n"
				       "plot x, $d using 1:2\n");
	struct stat before, after;
	stat(path, &before);
	CHECK_INT(plot_render(&t, &warn, &err), EX_SOFTWARE);
	CHECK(strstr(err.msg, "gnuplot failed (a warning): "));
	CHECK(strstr(err.msg, "warning: Skipping data file with no valid points"));
	stat(path, &after);
	CHECK(before.st_ino == after.st_ino && before.st_size == after.st_size);
	CHECK_INT(count_prefixed(dir, ".chart.png.tmp"), 0);

	/* An error: gnuplot stops with a status. */
	struct plot_script bad = body("plot $nosuchblock using 1:2\n");
	snprintf(path, sizeof path, "%s/never.svg", dir);
	t.term = PLOT_TERM_SVG;
	CHECK_INT(plot_render(&t, &bad, &err), EX_SOFTWARE);
	CHECK(strstr(err.msg, "gnuplot failed (exit 1)"));
	CHECK(!exists(path));
	CHECK_INT(count_prefixed(dir, ".never.svg.tmp"), 0);

	/* A directory that is not there. */
	snprintf(path, sizeof path, "%s/no/such/dir/x.png", dir);
	t.term = PLOT_TERM_PNG;
	CHECK_INT(plot_render(&t, &ok, &err), EX_CANTCREAT);
	plot_script_free(&ok);
	plot_script_free(&warn);
	plot_script_free(&bad);
}

static void test_stdout_and_missing(const char *dir)
{
	/* gnuplot's standard output comes back whole. */
	struct cra_error err = { 0 };
	const char *script = "set terminal dumb size 40,12\nplot x*x title 'parabola'\n";
	char *out = NULL;
	size_t len = 0;
	CHECK_INT(plot_run_gnuplot(script, strlen(script), &out, &len, &err), 0);
	CHECK(out && len > 40 * 10 && memmem(out, len, "parabola", 8));
	free(out);
	/* A large script (a big datablock) goes through the pipe without a deadlock. */
	struct plot_script big;
	plot_script_init(&big);
	ps_printf(&big, "set terminal dumb size 40,12\n$d << EOD\n");
	for (int i = 0; i < 200000; i++)
		ps_printf(&big, "%d %d\n", i, i % 97);
	ps_printf(&big, "EOD\nplot $d using 1:2 with lines\n");
	CHECK_INT(plot_run_gnuplot(big.buf, big.len, NULL, NULL, &err), 0);
	plot_script_free(&big);

	/* No gnuplot: 69, saying so. */
	char *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	setenv("PATH", dir, 1);
	CHECK_INT(plot_run_gnuplot(script, strlen(script), NULL, NULL, &err), EX_UNAVAILABLE);
	CHECK(strstr(err.msg, "cannot run gnuplot"));
	if (path)
		setenv("PATH", path, 1);
	free(path);
}

int main(void)
{
	const char *dir = test_dir("plot_gnuplot");
	test_file(dir);
	test_stdout_and_missing(dir);
	return check_finish();
}
