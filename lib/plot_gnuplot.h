/* plot_gnuplot.h - running gnuplot on a script, strictly.
 *
 * gnuplot is run as a program (found on PATH) with the script on its standard input.  It is
 * strict about what it says: gnuplot stops at an error, but only warns - and still writes a
 * picture - when, say, a series had no valid point; a chart missing a series is a wrong chart,
 * so any line on gnuplot's standard error fails the run, with gnuplot's words in the message.
 *
 * The picture appears whole or not at all: a file is drawn under a temporary name in its own
 * directory and renamed over the target only when gnuplot succeeded (atomic_file.h); a picture
 * for standard output is collected in memory and written out only then.
 *
 * Statuses: 69 (EX_UNAVAILABLE) when gnuplot cannot be started, 70 (EX_SOFTWARE) when it
 * reported an error or a warning or drew nothing (the script is ours: rejected input has been
 * refused before, with 65), 73 when the output cannot be created, 74 on a write error.
 */
#ifndef CRA_PLOT_GNUPLOT_H
#define CRA_PLOT_GNUPLOT_H

#include "error.h"
#include "plot_script.h"

/* Draws body (a script without terminal and output lines) on target. */
int plot_render(const struct plot_target *target, const struct plot_script *body,
		struct cra_error *err);

/* Runs gnuplot on the complete script; what gnuplot writes on its standard output is
 * returned in *out (malloc'ed, *out_len bytes; may be NULL when out is NULL: discarded). */
int plot_run_gnuplot(const char *script, size_t len, char **out, size_t *out_len,
		     struct cra_error *err);

#endif
