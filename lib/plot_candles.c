/* plot_candles.c - `cra-plot candles`: candlesticks, volume, overlays, RSI and MACD panels.
 *
 * Overlays come from the table when it already has their columns (cra-features' output, whose
 * first rows may have been computed from history the table does not hold) and are computed
 * with the feature library otherwise, over every candle read, so that the rows drawn (--last,
 * --from) have the values a computation over the whole series gives. */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feature_matrix.h"
#include "gaps.h"

/* Beyond this many candles a candlestick is narrower than a pixel or two: the close is drawn
 * as a line over the high-low range instead. */
#define MAX_CANDLESTICKS 400

enum overlay_place { ON_PRICE, ON_RSI, ON_MACD, NOWHERE };

struct overlay {
	char name[FEATURE_NAME_MAX];
	enum feature_kind kind;
	int output;        /* which output of its indicator */
	size_t item;       /* which indicator of the spec: its outputs share a colour */
	enum overlay_place place;
	const double *v;   /* c->n values */
	int column;        /* gnuplot column in $candles */
};

static enum overlay_place place_of(enum feature_kind kind, int output, int *ok)
{
	*ok = 1;
	switch (kind) {
	case FK_SMA: case FK_EMA: case FK_VWAP: case FK_VWAPD:
		return ON_PRICE;
	case FK_BB:
		return output < 3 ? ON_PRICE : NOWHERE; /* the bands, not %B and the width */
	case FK_FIB:
		return output < 5 ? ON_PRICE : NOWHERE; /* the levels, not fib_pos */
	case FK_RSI:
		return ON_RSI;
	case FK_MACD:
		return ON_MACD;
	default:
		*ok = 0;
		return NOWHERE;
	}
}

struct candle_chart {
	struct plot_table table; /* the input, when read from a file */
	struct candles c;
	struct interval iv;
	struct feature_matrix computed;
	struct overlay ov[FEATURE_SPEC_MAX * FEATURE_MAX_OUTPUTS];
	size_t nov;
	double *from_table;      /* overlay columns read from the table, c.n each */
	const struct feature_spec *spec; /* the overlays asked for */
};

static void chart_free(struct candle_chart *ch)
{
	plot_table_free(&ch->table);
	candles_free(&ch->c);
	feature_matrix_free(&ch->computed);
	free(ch->from_table);
}

static const double *matrix_column(const struct feature_matrix *m, const char *name)
{
	for (size_t j = 0; j < m->ncols; j++)
		if (!strcmp(m->name[j], name))
			return m->col[j];
	return NULL;
}

/* Lists the overlays, reads those the table has, computes the rest. */
static int gather_overlays(const struct plot_request *req, struct candle_chart *ch,
			   struct cra_error *err)
{
	static struct feature_spec missing;
	feature_spec_init(&missing);
	size_t ntable = 0;
	for (size_t i = 0; i < req->overlays.n; i++) {
		const struct feature_item *item = &req->overlays.item[i];
		bool all_there = ch->table.ncols > 0;
		for (int j = 0; j < FEATURE_MAX_OUTPUTS; j++) {
			if (!(item->outputs & (1u << j)))
				continue;
			int ok;
			struct overlay *o = &ch->ov[ch->nov];
			o->kind = item->kind;
			o->output = j;
			o->item = i;
			o->place = place_of(item->kind, j, &ok);
			if (!ok)
				return cra_fail(err, EX_USAGE, "%s is not drawn on a candle chart (overlays: "
						"sma ema bb vwap fib; panels: rsi macd)",
						feature_kinds[item->kind].name);
			if (o->place == NOWHERE)
				continue;
			feature_item_column(item, j, o->name);
			int col = ch->table.ncols ? plot_table_find(&ch->table, o->name) : -1;
			o->column = col; /* for now: the table's column, -1 when computed */
			if (col < 0)
				all_there = false;
			ch->nov++;
		}
		if (!all_there)
			missing.item[missing.n++] = *item;
	}
	for (size_t k = 0; k < ch->nov; k++)
		ntable += ch->ov[k].column >= 0;
	if (ntable && !(ch->from_table = malloc(ntable * ch->c.n * sizeof *ch->from_table)))
		return cra_fail(err, EX_OSERR, "out of memory");
	if (missing.n && features_compute(&missing, &ch->c, ch->iv.name ? &ch->iv : NULL,
					  &ch->computed, err))
		return err->status;
	for (size_t k = 0, t = 0; k < ch->nov; k++) {
		struct overlay *o = &ch->ov[k];
		const double *m = missing.n ? matrix_column(&ch->computed, o->name) : NULL;
		if (o->column >= 0 && !m) {
			double *dst = ch->from_table + t++ * ch->c.n;
			int r = plot_table_numbers(&ch->table, o->column, NULL, 0, true, dst, err);
			if (r)
				return r;
			o->v = dst;
		} else {
			o->v = m;
		}
	}
	return 0;
}

static int load(const struct plot_request *req, struct candle_chart *ch, struct cra_error *err)
{
	int r;
	if (req->symbol) {
		size_t history = feature_spec_history(&req->overlays, NULL);
		r = plot_load_candles(req, NULL, history == SIZE_MAX ? 0 : history, &ch->c, &ch->iv, err);
	} else {
		r = plot_table_load(req->input, &ch->table, err);
		if (!r)
			r = plot_table_candles(&ch->table, &ch->c, err);
		if (!r && candles_guess_interval(&ch->c, &ch->iv))
			memset(&ch->iv, 0, sizeof ch->iv);
	}
	return r ? r : gather_overlays(req, ch, err);
}

/* The rows drawn, k candles a point: a bucket opens at its first candle's open time with its
 * open, closes with its last candle's close, spans their high and low, sums their volume, and
 * shows each overlay's value at its last candle (the value when the bucket closed). */
static void write_data(struct plot_script *s, struct candle_chart *ch, size_t b, size_t e,
		       size_t k)
{
	const struct candles *c = &ch->c;
	ps_printf(s, "# open_time open high low close volume");
	for (size_t j = 0; j < ch->nov; j++) {
		ch->ov[j].column = 7 + (int)j;
		ps_printf(s, " %s", ch->ov[j].name);
	}
	if (k > 1)
		ps_printf(s, "\n# each row: %zu candles", k);
	ps_eol(s);
	ps_block_begin(s, "candles");
	for (size_t i = b; i < e; i += k) {
		size_t last = i + k < e ? i + k - 1 : e - 1;
		double high = c->v[CF_HIGH][i], low = c->v[CF_LOW][i], volume = 0;
		for (size_t r = i; r <= last; r++) {
			high = c->v[CF_HIGH][r] > high ? c->v[CF_HIGH][r] : high;
			low = c->v[CF_LOW][r] < low ? c->v[CF_LOW][r] : low;
			volume += c->v[CF_VOLUME][r];
		}
		ps_printf(s, "%lld", (long long)c->open_time[i]);
		const double row[] = { c->v[CF_OPEN][i], high, low, c->v[CF_CLOSE][last], volume };
		for (int f = 0; f < CANDLE_NREQUIRED; f++) {
			ps_sep(s);
			ps_number(s, row[f]);
		}
		for (size_t j = 0; j < ch->nov; j++) {
			ps_sep(s);
			ps_number(s, ch->ov[j].v[last]);
		}
		ps_eol(s);
	}
	ps_block_end(s);
}

static const struct overlay *find_output(const struct candle_chart *ch, size_t from,
					 enum feature_kind kind, int output)
{
	for (size_t k = from; k < ch->nov; k++)
		if (ch->ov[k].kind == kind && ch->ov[k].output == output)
			return &ch->ov[k];
	return NULL;
}

static void price_panel(struct plot_script *s, const struct candle_chart *ch, size_t b, size_t e,
			size_t k, const struct plot_target *t)
{
	double lo, hi, ignored;
	plot_minmax(ch->c.v[CF_LOW] + b, e - b, &lo, &ignored);
	plot_minmax(ch->c.v[CF_HIGH] + b, e - b, &ignored, &hi);
	ps_yrange_guard(s, "y", lo, hi);
	/* Headroom above the highest candle for the legend. */
	ps_printf(s, "set ylabel 'price'\nset offsets 0, 0, graph 0.18, 0\n");
	bool sticks = (e - b) / k <= MAX_CANDLESTICKS && t->term != PLOT_TERM_DUMB;
	bool fills = t->term != PLOT_TERM_DUMB;
	ps_printf(s, "plot \\\n");
	/* Bollinger Bands first, so that the band lies under the candles. */
	for (size_t j = 0; fills && j < ch->nov; j++) {
		const struct overlay *o = &ch->ov[j];
		const struct overlay *lower = o->kind == FK_BB && o->output == 0
						      ? find_output(ch, j, FK_BB, 2) : NULL;
		if (!lower)
			continue;
		char name[64];
		feature_item_format(&ch->spec->item[o->item], name, sizeof name);
		ps_printf(s, "  $candles using ($1/1000):%d:%d with filledcurves fc rgb '%s' "
			  "fs transparent solid 0.08 noborder title ", o->column, lower->column,
			  plot_series_color[o->item % PLOT_NSERIES]);
		ps_quote(s, name);
		ps_printf(s, ", \\\n");
	}
	if (sticks) {
		ps_printf(s, "  $candles using ($1/1000):($5>=$2?$2:NaN):4:3:5 with candlesticks "
			  "lc rgb '%s' fs solid 1.0 border lc rgb '%s' title 'rising', \\\n"
			  "  $candles using ($1/1000):($5<$2?$2:NaN):4:3:5 with candlesticks "
			  "lc rgb '%s' fs solid 1.0 border lc rgb '%s' title 'falling'",
			  PLOT_UP, PLOT_UP, PLOT_DOWN, PLOT_DOWN);
	} else {
		if (fills)
			ps_printf(s, "  $candles using ($1/1000):4:3 with filledcurves fc rgb '%s' "
				  "fs transparent solid 0.25 noborder title 'high-low', \\\n", PLOT_NEUTRAL);
		ps_printf(s, "  $candles using ($1/1000):5 with lines lc rgb '%s' lw 1.2 title 'close'",
			  PLOT_PRICE);
	}
	for (size_t j = 0; j < ch->nov; j++) {
		const struct overlay *o = &ch->ov[j];
		if (o->place != ON_PRICE)
			continue;
		/* One legend entry per indicator: a band's edges and the Fibonacci levels after the
		 * first go untitled. */
		bool band_edge = o->kind == FK_BB && o->output != 1;
		bool titled = !(band_edge && fills) && !(o->kind == FK_FIB && o->output > 0);
		const char *dash = o->kind == FK_FIB ? "dt 3 lw 1" : band_edge ? "dt 2 lw 1" : "lw 1.5";
		ps_printf(s, ", \\\n  $candles using ($1/1000):%d with lines lc rgb '%s' %s ",
			  o->column, plot_series_color[o->item % PLOT_NSERIES], dash);
		if (!titled) {
			ps_printf(s, "notitle");
			continue;
		}
		char name[64];
		if (o->kind == FK_FIB) {
			feature_item_format(&ch->spec->item[o->item], name, sizeof name);
			strcat(name, " levels");
		}
		ps_printf(s, "title ");
		ps_quote(s, o->kind == FK_FIB ? name : o->name);
	}
	ps_eol(s);
}

static void volume_panel(struct plot_script *s, const struct candle_chart *ch, size_t b,
			 size_t e, size_t k, double width_s)
{
	/* The tallest bar: the largest bucket's volume. */
	double top = 0;
	for (size_t i = b; i < e; i += k) {
		double v = 0;
		for (size_t r = i; r < e && r < i + k; r++)
			v += ch->c.v[CF_VOLUME][r];
		top = v > top ? v : top;
	}
	ps_tics(s, "y", 0, top, 3);
	ps_printf(s, "set yrange [0:");
	ps_number(s, top > 0 ? top * 1.05 : 1); /* no volume at all: still a range */
	ps_printf(s, "]\nset ylabel 'volume'\nset format y '%%.0s%%c'\n"
		  "set boxwidth %.6g absolute\n"
		  "plot $candles using ($1/1000):6:($5>=$2?0x%s:0x%s) with boxes lc rgb variable "
		  "fs solid 0.6 noborder notitle\n"
		  "set format y '%%g'\nset ytics autofreq\n", width_s, &PLOT_UP[1], &PLOT_DOWN[1]);
}

static void rsi_panel(struct plot_script *s, const struct candle_chart *ch)
{
	ps_printf(s, "set ylabel 'RSI'\nset yrange [0:100]\nset ytics (30, 50, 70)\nplot \\\n"
		  "  70 with lines lc rgb '%s' dt 2 notitle, 30 with lines lc rgb '%s' dt 2 notitle",
		  PLOT_DOWN, PLOT_UP);
	for (size_t k = 0; k < ch->nov; k++)
		if (ch->ov[k].place == ON_RSI) {
			ps_printf(s, ", \\\n  $candles using ($1/1000):%d with lines lc rgb '%s' lw 1.2 title ",
				  ch->ov[k].column, plot_series_color[ch->ov[k].item % PLOT_NSERIES]);
			ps_quote(s, ch->ov[k].name);
		}
	ps_printf(s, "\nset ytics autofreq\nset autoscale y\n");
}

static void macd_panel(struct plot_script *s, const struct candle_chart *ch, size_t b, size_t e,
		       double width_s)
{
	double lo = 0, hi = 0;
	for (size_t j = 0; j < ch->nov; j++)
		if (ch->ov[j].place == ON_MACD) {
			double l, h;
			plot_minmax(ch->ov[j].v + b, e - b, &l, &h);
			lo = l < lo ? l : lo;
			hi = h > hi ? h : hi;
		}
	ps_tics(s, "y", lo, hi, 4);
	ps_printf(s, "set ylabel 'MACD'\nset autoscale y\nset boxwidth %.6g absolute\n"
		  "plot 0 with lines lc rgb '#b0b0b0' notitle", width_s);
	for (size_t k = 0; k < ch->nov; k++) {
		const struct overlay *o = &ch->ov[k];
		if (o->place != ON_MACD)
			continue;
		if (o->output == 2)
			ps_printf(s, ", \\\n  $candles using ($1/1000):%d:($%d>=0?0x%s:0x%s) with boxes "
				  "lc rgb variable fs solid 0.5 noborder title ", o->column, o->column,
				  &PLOT_UP[1], &PLOT_DOWN[1]);
		else
			ps_printf(s, ", \\\n  $candles using ($1/1000):%d with lines lc rgb '%s' lw 1.2 title ",
				  o->column, o->output == 0 ? "#1f77b4" : "#ff7f0e");
		ps_quote(s, o->name);
	}
	ps_eol(s);
}

/* Each overlay must have something to draw in the rows shown: gnuplot would only warn. */
static int check_defined(const struct candle_chart *ch, size_t b, size_t e, struct cra_error *err)
{
	for (size_t k = 0; k < ch->nov; k++) {
		double lo, hi;
		plot_minmax(ch->ov[k].v + b, e - b, &lo, &hi);
		if (isnan(lo))
			return cra_fail(err, EX_DATAERR, "%s has no value in the %zu candles drawn: it "
					"needs more candles before them", ch->ov[k].name, e - b);
	}
	return 0;
}

int plot_candles(const struct plot_request *req, struct plot_script *s, struct cra_error *err)
{
	static struct candle_chart ch;
	memset(&ch, 0, sizeof ch);
	candles_init(&ch.c);
	feature_matrix_init(&ch.computed);
	int r = load(req, &ch, err);
	size_t b = 0, e = 0;
	if (!r) {
		plot_window(ch.c.open_time, ch.c.n, req->from, req->to, req->last, &b, &e);
		if (b == e)
			r = cra_fail(err, EX_DATAERR, "no candle to draw%s",
				     req->from != INT64_MIN || req->to != INT64_MAX
				     ? " between --from and --to" : "");
	}
	if (!r)
		r = check_defined(&ch, b, e, err);
	if (r) {
		chart_free(&ch);
		return r;
	}
	bool rsi = false, macd = false;
	for (size_t k = 0; k < ch.nov; k++) {
		rsi |= ch.ov[k].place == ON_RSI;
		macd |= ch.ov[k].place == ON_MACD;
	}
	/* The width of a candle: 70% of the interval, or of the smallest step in the rows. */
	int64_t step = ch.iv.name ? ch.iv.ms : 0;
	for (size_t i = b + 1; !step && i < e; i++)
		if (!step || ch.c.open_time[i] - ch.c.open_time[i - 1] < step)
			step = ch.c.open_time[i] - ch.c.open_time[i - 1];
	double width_s = step ? 0.7 * (double)step / 1000.0 : 3600 * 0.7;

	ch.spec = &req->overlays;
	size_t k = plot_stride(e - b, &req->target);
	write_data(s, &ch, b, e, k);
	char title[256], what[160], t0[32], t1[32];
	plot_time_text(ch.c.open_time[b], t0, sizeof t0);
	plot_time_text(ch.c.open_time[e - 1], t1, sizeof t1);
	snprintf(what, sizeof what, "%s .. %s UTC", t0, t1);
	plot_title(req, what, req->symbol ? NULL : ch.table.name, title, sizeof title);

	ps_style(s, &req->target);
	ps_time_axis(s, &req->target, ch.c.open_time[b], ch.c.open_time[e - 1]);
	width_s *= (double)k;
	if (k > 1)
		ps_printf(s, "xlab = 'time (UTC); a point: %zu candles'\n", k);
	ps_printf(s, "set boxwidth %.6g absolute\n", width_s);
	struct plot_panels p = { 0 };
	p.weight[p.n++] = 5;
	if (!req->no_volume)
		p.weight[p.n++] = 1.3;
	if (rsi)
		p.weight[p.n++] = 1.6;
	if (macd)
		p.weight[p.n++] = 1.6;
	ps_panels_begin(s, &p, title, &req->target);
	int panel = 0;
	ps_panel(s, &p, panel++);
	price_panel(s, &ch, b, e, k, &req->target);
	ps_printf(s, "set offsets 0, 0, 0, 0\nunset key\n");
	if (!req->no_volume) {
		ps_panel(s, &p, panel++);
		volume_panel(s, &ch, b, e, k, width_s);
	}
	ps_printf(s, "set key top left\n");
	if (rsi) {
		ps_panel(s, &p, panel++);
		rsi_panel(s, &ch);
	}
	if (macd) {
		ps_panel(s, &p, panel++);
		macd_panel(s, &ch, b, e, width_s);
	}
	ps_panels_end(s);
	if (k > 1)
		ps_printf(s, "# drawn as %zu points of %zu candles\n", (e - b + k - 1) / k, k);
	chart_free(&ch);
	return 0;
}
