/* plot_script.h - writing gnuplot scripts: text, quoting, inline data, terminals, panels.
 *
 * A script is self-contained: its data travels inside it as datablocks ($candles << EOD ...
 * EOD), so `cra-plot KIND --script > x.gp` can be kept, edited and run later by gnuplot alone.
 * Text from the data (model and feature names, titles) is quoted here, so a name holding a
 * quote cannot end a string early, and terminals are set with "noenhanced" so that an
 * underscore in "rsi_14" is not taken for a subscript.
 *
 * Numbers in datablocks are written in shortest round-trip form; an undefined value (NaN) is
 * written as NaN, which gnuplot skips and which breaks a line, so an indicator's leading rows
 * are left blank rather than drawn at zero.
 */
#ifndef CRA_PLOT_SCRIPT_H
#define CRA_PLOT_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* What gnuplot draws on. */
enum plot_term {
	PLOT_TERM_NONE,  /* --script without -o or --term: leave gnuplot's own default */
	PLOT_TERM_PNG,   /* pngcairo */
	PLOT_TERM_SVG,
	PLOT_TERM_PDF,   /* pdfcairo */
	PLOT_TERM_DUMB,  /* text, for a terminal */
};

struct plot_target {
	enum plot_term term;
	int width, height;   /* pixels (characters for dumb; pdf at 96 pixels an inch) */
	const char *output;  /* the file to write; NULL: standard output */
};

#define PLOT_DEFAULT_WIDTH 1200
#define PLOT_DEFAULT_HEIGHT 800
#define PLOT_DUMB_WIDTH 120
#define PLOT_DUMB_HEIGHT 40

/* The terminal named "png", "svg", "pdf" or "dumb", or the one a file name's extension
 * implies; -1 when neither. */
int plot_term_parse(const char *name);
int plot_term_from_path(const char *path);
const char *plot_term_name(enum plot_term term);

struct plot_script {
	char *buf;
	size_t len, cap;
	bool oom;  /* an append failed: the script is incomplete (checked by plot_script_done) */
};

void plot_script_init(struct plot_script *s);
void plot_script_free(struct plot_script *s);
/* 0, or 71 (EX_OSERR) when an append ran out of memory. */
int plot_script_done(const struct plot_script *s, struct cra_error *err);

void ps_printf(struct plot_script *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ps_append(struct plot_script *s, const char *text, size_t len);
/* A gnuplot single-quoted string: 'it''s' (backslashes stay literal). */
void ps_quote(struct plot_script *s, const char *text);
/* A number as data or in a command: shortest round trip, "NaN" when not finite. */
void ps_number(struct plot_script *s, double v);
/* A text cell in a datablock: double-quoted, with any double quote, tab or newline in it
 * replaced by a blank (datablock strings have no escapes). */
void ps_data_text(struct plot_script *s, const char *text);

/* A datablock: ps_block_begin(s, "candles") writes "$candles << EOD"; rows are written with
 * ps_number/ps_data_text separated by ps_sep and ended by ps_eol; ps_block_end writes EOD. */
void ps_block_begin(struct plot_script *s, const char *name);
void ps_sep(struct plot_script *s);
void ps_eol(struct plot_script *s);
void ps_block_end(struct plot_script *s);

/* The terminal and output lines for target, with output_path written in "set output" (NULL:
 * no such line, gnuplot writes to its standard output). */
void ps_terminal(struct plot_script *s, const struct plot_target *target,
		 const char *output_path);

/* The craipto look: colours, grid, key, fonts.  Call after ps_terminal. */
void ps_style(struct plot_script *s, const struct plot_target *target);

/* Colours shared by every chart. */
#define PLOT_UP "#26a69a"      /* rising candles, buys, bull */
#define PLOT_DOWN "#ef5350"    /* falling candles, sells, bear */
#define PLOT_NEUTRAL "#9e9e9e"
#define PLOT_PRICE "#263238"   /* actual prices */
#define PLOT_NSERIES 8
extern const char *const plot_series_color[PLOT_NSERIES]; /* models, overlays, features */

/* Vertical panels of a multiplot sharing one x axis: panel i of n gets weight[i] of the
 * height.  ps_panels_begin writes "set multiplot" with the title; ps_panel positions panel
 * i (0 at the top) and hides the x tic labels of every panel but the bottom one. */
struct plot_panels {
	int n;
	double weight[8];
	double top, bottom; /* screen fractions left for the panels */
};
void ps_panels_begin(struct plot_script *s, struct plot_panels *p, const char *title,
		     const struct plot_target *target);
void ps_panel(struct plot_script *s, const struct plot_panels *p, int i);
void ps_panels_end(struct plot_script *s);

/* A time x axis over [t0, t1] (ms), labelled in UTC with a format suited to the span (and
 * shorter on a text terminal, whose tic labels must fit in a few characters).  Data give the
 * x value as ($1/1000): seconds since the epoch, gnuplot's time unit.  The label is the
 * gnuplot variable xlab, which a kind may change before its panels. */
void ps_time_axis(struct plot_script *s, const struct plot_target *target, int64_t t0,
		  int64_t t1);

/* Tics on axis ("y") for values in [lo, hi] every 1, 2 or 5 times a power of ten, at most
 * about max_tics of them: gnuplot's own choice crowds a short panel. */
void ps_tics(struct plot_script *s, const char *axis, double lo, double hi, int max_tics);

/* A y range for values in [lo, hi] when they are all equal: gnuplot refuses an empty range
 * ("Can't plot with an empty y range"), so a flat series gets a small margin around it.
 * Otherwise leaves the range to gnuplot (writes "set autoscale y"). */
void ps_yrange_guard(struct plot_script *s, const char *axis, double lo, double hi);

/* min and max of the finite values of v[0..n) (NaN, NaN when there are none). */
void plot_minmax(const double *v, size_t n, double *lo, double *hi);

#endif
