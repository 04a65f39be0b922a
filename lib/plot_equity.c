/* plot_equity.c - `cra-plot equity`: a simulation's equity against buy-and-hold, drawdown
 * below.
 *
 * Reads cra-sim's equity curve, open_time,equity[,buy_hold_equity][,drawdown] (other columns
 * ignored).  Without a drawdown column it is computed from equity: equity / running peak - 1.
 * A drawdown whose values all lie in [-1, 1] is taken for a fraction and drawn in percent.
 * --trades FILE puts cra-sim's buys and sells on the equity line. */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Change from the first to the last finite value, for the legend: "10000 -> 10543 (+5.4%)". */
static void change_text(const double *v, size_t b, size_t e, char *buf, size_t size)
{
	size_t i = b, j = e;
	while (i < e && !isfinite(v[i]))
		i++;
	while (j > i && !isfinite(v[j - 1]))
		j--;
	if (i == j || v[i] == 0) {
		buf[0] = '\0';
		return;
	}
	snprintf(buf, size, ": %.6g -> %.6g (%+.1f%%)", v[i], v[j - 1], 100 * (v[j - 1] / v[i] - 1));
}

int plot_equity(const struct plot_request *req, struct plot_script *s, struct cra_error *err)
{
	struct plot_table t;
	int r = plot_table_load(req->input, &t, err);
	if (r)
		return r;
	const char *why = "cra-sim's equity curve: open_time,equity,buy_hold_equity,drawdown";
	int tcol, ecol, bcol = plot_table_find(&t, "buy_hold_equity"), dcol = plot_table_find(&t, "drawdown");
	r = plot_table_need(&t, "open_time", why, &tcol, err);
	if (!r)
		r = plot_table_need(&t, "equity", why, &ecol, err);
	size_t n = t.nrows;
	int64_t *time = NULL;
	double *eq = malloc(n * sizeof *eq), *bh = malloc(n * sizeof *bh), *dd = malloc(n * sizeof *dd);
	if (!r && (!eq || !bh || !dd))
		r = cra_fail(err, EX_OSERR, "out of memory");
	if (!r)
		r = plot_series_times(&t, tcol, NULL, 0, NULL, &time, err);
	if (!r)
		r = plot_table_numbers(&t, ecol, NULL, 0, false, eq, err);
	if (!r && bcol >= 0)
		r = plot_table_numbers(&t, bcol, NULL, 0, true, bh, err);
	if (!r && dcol >= 0)
		r = plot_table_numbers(&t, dcol, NULL, 0, true, dd, err);
	double lo, hi;
	if (!r && dcol >= 0) {
		plot_minmax(dd, n, &lo, &hi);
		if (isnan(lo))
			dcol = -1; /* an empty column: computed as if absent */
	}
	if (!r && dcol < 0) {
		double peak = -INFINITY;
		for (size_t i = 0; i < n; i++) {
			peak = eq[i] > peak ? eq[i] : peak;
			dd[i] = peak > 0 ? eq[i] / peak - 1 : NAN;
		}
	}
	size_t b = 0, e = 0;
	if (!r) {
		plot_window(time, n, req->from, req->to, req->last, &b, &e);
		if (b == e)
			r = cra_fail(err, EX_DATAERR, "%s: no row between --from and --to", t.name);
	}
	size_t nbuy = 0, nsell = 0;
	if (!r && req->trades)
		r = plot_write_trades(req->trades, time[b], time[e - 1], time + b, eq + b, e - b, s,
				      &nbuy, &nsell, err);
	if (r)
		goto done;

	double dlo, dhi, blo = NAN, bhi = NAN;
	plot_minmax(dd + b, e - b, &dlo, &dhi);
	if (bcol >= 0)
		plot_minmax(bh + b, e - b, &blo, &bhi);
	bool percent = !isnan(dlo) && dlo >= -1 && dhi <= 1;
	double scale = percent ? 100 : 1;
	size_t k = plot_stride(e - b, &req->target);
	/* A point: the last equity of its rows, and their deepest drawdown (a stride must not
	 * hide the worst moment). */
	ps_printf(s, "# open_time equity buy_hold_equity drawdown%s\n$equity << EOD\n",
		  percent ? "(%)" : "");
	for (size_t i = b; i < e; i += k) {
		size_t last = i + k < e ? i + k - 1 : e - 1, worst = i;
		for (size_t j = i; j <= last; j++)
			if (fabs(dd[j]) > fabs(dd[worst]) || isnan(dd[worst]))
				worst = j;
		ps_printf(s, "%lld ", (long long)time[i]);
		ps_number(s, eq[last]);
		ps_sep(s);
		ps_number(s, bcol >= 0 ? bh[last] : NAN);
		ps_sep(s);
		ps_number(s, dd[worst] * scale);
		ps_eol(s);
	}
	ps_block_end(s);

	char title[256], what[160], a[32], z[32], eq_text[96], bh_text[96], dd_text[64];
	plot_time_text(time[b], a, sizeof a);
	plot_time_text(time[e - 1], z, sizeof z);
	snprintf(what, sizeof what, "simulated equity %s .. %s UTC", a, z);
	plot_title(req, what, t.name, title, sizeof title);
	change_text(eq, b, e, eq_text, sizeof eq_text);
	change_text(bh, b, bcol >= 0 ? e : b, bh_text, sizeof bh_text);
	snprintf(dd_text, sizeof dd_text, "drawdown (deepest %.3g%s)",
		 fabs(dlo) > fabs(dhi) ? dlo * scale : dhi * scale, percent ? "%" : "");
	ps_style(s, &req->target);
	ps_time_axis(s, &req->target, time[b], time[e - 1]);
	if (k > 1)
		ps_printf(s, "xlab = 'time (UTC); a point: %zu rows'\n", k);
	struct plot_panels p = { .n = 2, .weight = { 3, 1.3 } };
	ps_panels_begin(s, &p, title, &req->target);
	ps_panel(s, &p, 0);
	double elo, ehi;
	plot_minmax(eq + b, e - b, &elo, &ehi);
	ps_yrange_guard(s, "y", fmin(elo, isnan(blo) ? elo : blo), fmax(ehi, isnan(bhi) ? ehi : bhi));
	ps_printf(s, "set ylabel 'equity'\nset offsets 0, 0, graph 0.08, 0\n"
		  "plot $equity using ($1/1000):2 with lines lw 1.8 lc rgb '%s' title ",
		  plot_series_color[0]);
	char label[128];
	snprintf(label, sizeof label, "strategy%s", eq_text);
	ps_quote(s, label);
	if (!isnan(blo)) {
		snprintf(label, sizeof label, "buy and hold%s", bh_text);
		ps_printf(s, ", \\\n  $equity using ($1/1000):3 with lines lw 1.2 lc rgb '%s' title ",
			  PLOT_NEUTRAL);
		ps_quote(s, label);
	}
	plot_trade_markers(s, nbuy, nsell);
	ps_printf(s, "\nset offsets 0, 0, 0, 0\n");
	ps_panel(s, &p, 1);
	ps_tics(s, "y", fmin(dlo * scale, 0), fmax(dhi * scale, 0), 3);
	ps_yrange_guard(s, "y", fmin(dlo * scale, 0), fmax(dhi * scale, 0));
	ps_printf(s, "set ylabel 'drawdown%s'\nset key bottom left\n"
		  "plot $equity using ($1/1000):4 with filledcurves y=0 fc rgb '%s' fs %s title ",
		  percent ? " %" : "", PLOT_DOWN,
		  req->target.term == PLOT_TERM_DUMB ? "empty" : "transparent solid 0.35 noborder");
	ps_quote(s, dd_text);
	ps_eol(s);
	ps_panels_end(s);
done:
	free(time);
	free(eq);
	free(bh);
	free(dd);
	plot_table_free(&t);
	return r;
}
