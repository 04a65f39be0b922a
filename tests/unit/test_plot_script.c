/* test_plot_script.c - gnuplot script text: quoting that cannot end a string early, data cells,
 * numbers, terminals by name and extension, tic steps, and the empty-range guard. */
#include <math.h>

#include "check.h"
#include "plot_script.h"

static void test_quoting(void)
{
	struct plot_script s;
	plot_script_init(&s);
	ps_quote(&s, "it's a\nname");
	CHECK_STR(s.buf, "'it''s a name'");
	plot_script_free(&s);
	ps_data_text(&s, "a \"b\"\tc");
	CHECK_STR(s.buf, "\"a  b  c\"");
	plot_script_free(&s);
	ps_number(&s, 0.1);
	ps_sep(&s);
	ps_number(&s, NAN);
	ps_sep(&s);
	ps_number(&s, -INFINITY);
	ps_sep(&s);
	ps_number(&s, 1617566400000.0);
	CHECK_STR(s.buf, "0.1 NaN NaN 1617566400000");
	plot_script_free(&s);
	ps_block_begin(&s, "d");
	ps_number(&s, 1);
	ps_eol(&s);
	ps_block_end(&s);
	CHECK_STR(s.buf, "$d << EOD\n1\nEOD\n");
	CHECK_INT(plot_script_done(&s, NULL), 0);
	plot_script_free(&s);
}

static void test_terms(void)
{
	CHECK_INT(plot_term_parse("SVG"), PLOT_TERM_SVG);
	CHECK_INT(plot_term_parse("dumb"), PLOT_TERM_DUMB);
	CHECK_INT(plot_term_parse("jpeg"), -1);
	CHECK_INT(plot_term_from_path("out/chart.PNG"), PLOT_TERM_PNG);
	CHECK_INT(plot_term_from_path("chart.pdf"), PLOT_TERM_PDF);
	CHECK_INT(plot_term_from_path("chart.txt"), PLOT_TERM_DUMB);
	CHECK_INT(plot_term_from_path("dir.svg/chart"), -1);
	CHECK_INT(plot_term_from_path("chart"), -1);

	struct plot_script s;
	plot_script_init(&s);
	struct plot_target t = { PLOT_TERM_SVG, 640, 480, NULL };
	ps_terminal(&s, &t, "/tmp/o'k.svg");
	CHECK(strstr(s.buf, "set terminal svg size 640,480 fixed noenhanced"));
	CHECK(strstr(s.buf, "set output '/tmp/o''k.svg'\n"));
	plot_script_free(&s);
	t.term = PLOT_TERM_NONE;
	ps_terminal(&s, &t, NULL);
	CHECK_INT(s.len, 0); /* --script without a terminal: gnuplot's own */
	plot_script_free(&s);
}

static void test_axes(void)
{
	struct plot_script s;
	plot_script_init(&s);
	ps_tics(&s, "y", 0, 4300, 3);
	CHECK_STR(s.buf, "set ytics 2000\n"); /* 1, 2 or 5 times a power of ten, at most ~3 tics */
	plot_script_free(&s);
	ps_tics(&s, "y", -0.07, 0.02, 4);
	CHECK_STR(s.buf, "set ytics 0.05\n");
	plot_script_free(&s);
	ps_tics(&s, "y", 5, 5, 4);
	CHECK_STR(s.buf, "set ytics autofreq\n");
	plot_script_free(&s);
	/* A flat series gets a range around it; gnuplot refuses an empty one. */
	ps_yrange_guard(&s, "y", 200, 200);
	CHECK_STR(s.buf, "set yrange [198:202]\n");
	plot_script_free(&s);
	ps_yrange_guard(&s, "y", 0, 0);
	CHECK_STR(s.buf, "set yrange [-1:1]\n");
	plot_script_free(&s);
	ps_yrange_guard(&s, "y", 1, 2);
	CHECK_STR(s.buf, "set autoscale y\n");
	plot_script_free(&s);

	double v[] = { NAN, 3, -1, NAN, 7 }, lo, hi;
	plot_minmax(v, 5, &lo, &hi);
	CHECK_NEAR(lo, -1, 0);
	CHECK_NEAR(hi, 7, 0);
	plot_minmax(v, 1, &lo, &hi);
	CHECK(isnan(lo) && isnan(hi));

	/* Time axes: labels in UTC, the format by span; text terminals get a fixed tic step. */
	struct plot_target png = { PLOT_TERM_PNG, 1200, 800, NULL };
	struct plot_target dumb = { PLOT_TERM_DUMB, 120, 40, NULL };
	ps_time_axis(&s, &png, 1700000000000, 1700000000000 + 3 * 86400000LL);
	CHECK(strstr(s.buf, "xfmt = '%m-%d %H:%M'"));
	CHECK(!strstr(s.buf, "set xtics"));
	plot_script_free(&s);
	ps_time_axis(&s, &dumb, 1700000000000, 1700000000000 + 4 * 86400000LL);
	CHECK(strstr(s.buf, "xfmt = '%m-%d'"));
	CHECK(strstr(s.buf, "set xtics 86400\n"));
	plot_script_free(&s);
}

int main(void)
{
	test_quoting();
	test_terms();
	test_axes();
	return check_finish();
}
