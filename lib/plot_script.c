/* plot_script.c - gnuplot script text, datablocks, terminals and panels; see plot_script.h. */
#include "plot_script.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "number.h"

const char *const plot_series_color[PLOT_NSERIES] = {
	"#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#2ca02c",
};

static const struct {
	const char *name;
	enum plot_term term;
} term_names[] = {
	{ "png", PLOT_TERM_PNG },
	{ "svg", PLOT_TERM_SVG },
	{ "pdf", PLOT_TERM_PDF },
	{ "dumb", PLOT_TERM_DUMB },
};
#define NTERMS (sizeof term_names / sizeof term_names[0])

int plot_term_parse(const char *name)
{
	for (size_t i = 0; i < NTERMS; i++)
		if (!strcasecmp(name, term_names[i].name))
			return (int)term_names[i].term;
	return -1;
}

int plot_term_from_path(const char *path)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	if (!dot || (slash && dot < slash) || !strcasecmp(dot + 1, "dumb"))
		return -1;
	if (!strcasecmp(dot + 1, "txt"))
		return PLOT_TERM_DUMB;
	return plot_term_parse(dot + 1);
}

const char *plot_term_name(enum plot_term term)
{
	for (size_t i = 0; i < NTERMS; i++)
		if (term_names[i].term == term)
			return term_names[i].name;
	return "default";
}

void plot_script_init(struct plot_script *s) { memset(s, 0, sizeof *s); }

void plot_script_free(struct plot_script *s)
{
	free(s->buf);
	plot_script_init(s);
}

int plot_script_done(const struct plot_script *s, struct cra_error *err)
{
	return s->oom ? cra_fail(err, EX_OSERR, "out of memory writing the gnuplot script") : 0;
}

static bool reserve(struct plot_script *s, size_t more)
{
	if (s->oom)
		return false;
	if (s->cap - s->len > more)
		return true;
	size_t cap = s->cap ? s->cap : 1 << 16;
	while (cap - s->len <= more)
		cap *= 2;
	char *p = realloc(s->buf, cap);
	if (!p) {
		s->oom = true;
		return false;
	}
	s->buf = p;
	s->cap = cap;
	return true;
}

void ps_append(struct plot_script *s, const char *text, size_t len)
{
	if (!reserve(s, len))
		return;
	memcpy(s->buf + s->len, text, len);
	s->len += len;
	s->buf[s->len] = '\0';
}

void ps_printf(struct plot_script *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(s, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(s->buf + s->len, s->cap - s->len, fmt, ap);
	va_end(ap);
	s->len += (size_t)n;
}

void ps_quote(struct plot_script *s, const char *text)
{
	ps_append(s, "'", 1);
	for (const char *p = text; *p; p++) {
		if (*p == '\n' || *p == '\r')
			ps_append(s, " ", 1); /* a line break would end the command */
		else if (*p == '\'')
			ps_append(s, "''", 2);
		else
			ps_append(s, p, 1);
	}
	ps_append(s, "'", 1);
}

void ps_number(struct plot_script *s, double v)
{
	if (!isfinite(v)) {
		ps_append(s, "NaN", 3);
		return;
	}
	char buf[NUMBER_BUF];
	int n = number_format_double(v, buf);
	ps_append(s, buf, (size_t)n);
}

void ps_data_text(struct plot_script *s, const char *text)
{
	ps_append(s, "\"", 1);
	for (const char *p = text; *p; p++)
		ps_append(s, (*p == '"' || *p == '\t' || *p == '\n' || *p == '\r') ? " " : p, 1);
	ps_append(s, "\"", 1);
}

void ps_block_begin(struct plot_script *s, const char *name) { ps_printf(s, "$%s << EOD\n", name); }
void ps_sep(struct plot_script *s) { ps_append(s, " ", 1); }
void ps_eol(struct plot_script *s) { ps_append(s, "\n", 1); }
void ps_block_end(struct plot_script *s) { ps_append(s, "EOD\n", 4); }

void ps_terminal(struct plot_script *s, const struct plot_target *t, const char *output_path)
{
	switch (t->term) {
	case PLOT_TERM_PNG:
		ps_printf(s, "set terminal pngcairo size %d,%d noenhanced font 'sans,10' "
			  "background '#ffffff'\n", t->width, t->height);
		break;
	case PLOT_TERM_SVG:
		/* fixed: the width and height attributes say the size asked for; no "mouse", so
		 * the file holds no JavaScript. */
		ps_printf(s, "set terminal svg size %d,%d fixed noenhanced font 'sans,10' "
			  "background '#ffffff'\n", t->width, t->height);
		break;
	case PLOT_TERM_PDF:
		ps_printf(s, "set terminal pdfcairo size %.4gin,%.4gin noenhanced font 'sans,8'\n",
			  t->width / 96.0, t->height / 96.0);
		break;
	case PLOT_TERM_DUMB:
		ps_printf(s, "set terminal dumb size %d,%d noenhanced\n", t->width, t->height);
		break;
	case PLOT_TERM_NONE:
		break;
	}
	if (output_path) {
		ps_append(s, "set output ", 11);
		ps_quote(s, output_path);
		ps_eol(s);
	}
}

void ps_style(struct plot_script *s, const struct plot_target *t)
{
	ps_printf(s, "set encoding utf8\n"
		  "set datafile separator whitespace\n"
		  "set border 3 lc rgb '#606060'\n"
		  "set tics nomirror out scale 0.5\n"
		  "%s"
		  "set key top left horizontal maxcols 6 noreverse samplen 2 spacing 1.1 %s\n",
		  t->term == PLOT_TERM_DUMB ? "unset grid\n" : "set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1\n",
		  t->term == PLOT_TERM_DUMB ? "" : "opaque box lc rgb '#d0d0d0'");
}

void ps_panels_begin(struct plot_script *s, struct plot_panels *p, const char *title,
		     const struct plot_target *t)
{
	(void)t;
	p->top = title && *title ? 0.93 : 0.98;
	p->bottom = 0.08;
	ps_append(s, "set multiplot", 13);
	if (title && *title) {
		ps_append(s, " title ", 7);
		ps_quote(s, title);
	}
	ps_eol(s);
	ps_printf(s, "set lmargin at screen 0.09\nset rmargin at screen 0.96\n");
}

void ps_panel(struct plot_script *s, const struct plot_panels *p, int i)
{
	double total = 0, above = 0;
	for (int k = 0; k < p->n; k++) {
		total += p->weight[k];
		if (k < i)
			above += p->weight[k];
	}
	double h = p->top - p->bottom, gap = 0.012;
	double y1 = p->top - h * above / total, y0 = y1 - h * p->weight[i] / total;
	ps_printf(s, "set tmargin at screen %.4f\nset bmargin at screen %.4f\n",
		  i == 0 ? y1 : y1 - gap / 2, i == p->n - 1 ? y0 : y0 + gap / 2);
	if (i == p->n - 1)
		ps_printf(s, "set format x xfmt timedate\nset xlabel xlab\n");
	else
		ps_printf(s, "set format x ''\nunset xlabel\n");
}

void ps_panels_end(struct plot_script *s) { ps_printf(s, "unset multiplot\n"); }

void ps_time_axis(struct plot_script *s, const struct plot_target *t, int64_t t0, int64_t t1)
{
	double span = (double)(t1 - t0) / 1000.0, pad = span * 0.01;
	const char *fmt;
	if (t->term == PLOT_TERM_DUMB)
		fmt = span <= 2 * 86400.0 ? "%H:%M" : span <= 240 * 86400.0 ? "%m-%d" : "%Y-%m";
	else
		fmt = span <= 7 * 86400.0 ? "%m-%d %H:%M" : span <= 240 * 86400.0 ? "%Y-%m-%d" : "%Y-%m";
	if (pad <= 0)
		pad = 3600; /* one point: an hour either side */
	if (t->term == PLOT_TERM_DUMB) {
		/* gnuplot spaces time tics as for a picture: on a text terminal the labels would
		 * collide or repeat ("12-27 12-27"), so the step is chosen to fit about one label
		 * in 14 characters, from steps that suit the format. */
		static const double step[] = { 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400,
					       7 * 86400, 14 * 86400, 30 * 86400, 91 * 86400,
					       182 * 86400, 365 * 86400 };
		double most = t->width / 14.0;
		size_t i = 0;
		while (i + 1 < sizeof step / sizeof step[0] &&
		       (span / step[i] > most || (span > 2 * 86400.0 && step[i] < 86400)))
			i++;
		ps_printf(s, "set xtics %.0f\n", step[i]);
	}
	ps_printf(s, "set xdata time\nxfmt = '%s'\nset format x xfmt timedate\n"
		  "xlab = 'time (UTC)'\nset xlabel xlab\n", fmt);
	ps_append(s, "set xrange [", 12);
	ps_number(s, (double)t0 / 1000.0 - pad);
	ps_append(s, ":", 1);
	ps_number(s, (double)t1 / 1000.0 + pad);
	ps_append(s, "]\n", 2);
}

void ps_tics(struct plot_script *s, const char *axis, double lo, double hi, int max_tics)
{
	double span = hi - lo;
	if (!(span > 0) || !isfinite(span) || max_tics < 1) {
		ps_printf(s, "set %stics autofreq\n", axis);
		return;
	}
	double step = pow(10, floor(log10(span / max_tics)));
	static const double mult[] = { 1, 2, 5, 10 };
	for (size_t i = 0; i < 4; i++)
		if (span / (step * mult[i]) <= max_tics) {
			step *= mult[i];
			break;
		}
	ps_printf(s, "set %stics ", axis);
	ps_number(s, step);
	ps_eol(s);
}

void ps_yrange_guard(struct plot_script *s, const char *axis, double lo, double hi)
{
	if (!(lo == hi)) {
		ps_printf(s, "set autoscale %s\n", axis);
		return;
	}
	double m = fabs(lo) * 0.01 + (lo == 0 ? 1 : 0);
	ps_printf(s, "set %srange [", axis);
	ps_number(s, lo - m);
	ps_append(s, ":", 1);
	ps_number(s, hi + m);
	ps_append(s, "]\n", 2);
}

void plot_minmax(const double *v, size_t n, double *lo, double *hi)
{
	*lo = *hi = NAN;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(v[i]))
			continue;
		if (!(v[i] >= *lo))
			*lo = v[i];
		if (!(v[i] <= *hi))
			*hi = v[i];
	}
}
