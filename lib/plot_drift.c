/* plot_drift.c - `cra-plot drift`: baseline and recent histograms of each feature, with the
 * drift statistics in the legend.
 *
 * Reads cra-drift --histograms' table, feature,bin_lo,bin_hi,baseline_frac,recent_frac (the
 * share of each window's values in [bin_lo, bin_hi)), and with --stats cra-drift's per-feature
 * table, feature,n_baseline,n_recent,ks,ks_p,js,psi,drift[,fired], of which it shows what is
 * there (drift: yes/no or 1/0; fired: which tests found it, "ks_p+psi").
 * One panel per feature (--feature picks some), the two histograms overlaid. */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_PANELS 25

enum { H_FEATURE, H_LO, H_HI, H_BASE, H_RECENT, NH };
static const char *const hist_cols[NH] = { "feature", "bin_lo", "bin_hi", "baseline_frac",
					   "recent_frac" };

/* The statistics shown, in legend order, as "<label> <value>". */
static const struct {
	const char *column, *label;
} stat_cols[] = {
	{ "ks", "KS" }, { "ks_p", NULL }, { "js", "JS" }, { "psi", "PSI" },
};
#define NSTATS (sizeof stat_cols / sizeof stat_cols[0])

static bool is_listed(const char *list, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == len && !strncmp(p, name, n))
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

/* Whether a drift cell says the feature drifted: cra-drift writes 1/0; yes/true/drift are
 * taken too. */
static bool drifted(const char *cell)
{
	return !strcmp(cell, "1") || !strcasecmp(cell, "yes") || !strcasecmp(cell, "true") ||
	       !strcasecmp(cell, "drift") || !strcasecmp(cell, "drifted");
}

/* The legend lines of one feature from the stats table (none when it is not there). */
static int stats_legend(const struct plot_table *st, const char *feature, struct plot_script *s,
			bool *drift, char *fired, char *nbase, char *nrecent, struct cra_error *err)
{
	*drift = false;
	fired[0] = '\0';
	nbase[0] = nrecent[0] = '\0';
	int fcol = plot_table_find(st, "feature");
	size_t r = 0;
	while (r < st->nrows && strcmp(plot_table_text(st, r, fcol), feature))
		r++;
	if (r == st->nrows)
		return 0;
	char line[160] = "";
	size_t len = 0;
	for (size_t k = 0; k < NSTATS; k++) {
		int c = plot_table_find(st, stat_cols[k].column);
		if (c < 0)
			continue;
		double v;
		int rc = plot_table_numbers(st, c, &r, 1, true, &v, err);
		if (rc)
			return rc;
		if (isnan(v))
			continue;
		/* KS with its p-value in brackets: "KS 0.12 (p 0.003), JS 0.04, PSI 0.2". */
		if (!strcmp(stat_cols[k].column, "ks_p"))
			len += (size_t)snprintf(line + len, sizeof line - len, " (p %.2g)", v);
		else
			len += (size_t)snprintf(line + len, sizeof line - len, "%s%s %.3g",
						len ? ", " : "", stat_cols[k].label, v);
		if (len >= sizeof line)
			len = sizeof line - 1;
	}
	int dcol = plot_table_find(st, "drift");
	*drift = dcol >= 0 && drifted(plot_table_text(st, r, dcol));
	int fcol_fired = plot_table_find(st, "fired"); /* which tests said so: "ks_p+psi" */
	if (*drift && fcol_fired >= 0 && *plot_table_text(st, r, fcol_fired))
		snprintf(fired, 48, " (%.40s)", plot_table_text(st, r, fcol_fired));
	int nb = plot_table_find(st, "n_baseline"), nr = plot_table_find(st, "n_recent");
	if (nb >= 0)
		snprintf(nbase, 32, " (n %s)", plot_table_text(st, r, nb));
	if (nr >= 0)
		snprintf(nrecent, 32, " (n %s)", plot_table_text(st, r, nr));
	if (len) {
		ps_printf(s, ", \\\n  keyentry with lines lt nodraw title ");
		ps_quote(s, line);
	}
	return 0;
}

int plot_drift(const struct plot_request *req, struct plot_script *s, struct cra_error *err)
{
	struct plot_table t, st;
	plot_table_init(&st);
	int r = plot_table_load(req->input, &t, err);
	if (r)
		return r;
	const char *why = "cra-drift --histograms' table: feature,bin_lo,bin_hi,baseline_frac,"
			  "recent_frac";
	int col[NH];
	for (int j = 0; j < NH && !r; j++)
		r = plot_table_need(&t, hist_cols[j], why, &col[j], err);
	if (!r && req->stats) {
		int fcol;
		r = plot_table_load(req->stats, &st, err);
		if (!r)
			r = plot_table_need(&st, "feature", "cra-drift's table: feature,n_baseline,"
					    "n_recent,ks,ks_p,js,psi,drift", &fcol, err);
	}
	size_t n = t.nrows, nf = 0, npanels = 0;
	const char **features = NULL;
	double *v = malloc(4 * n * sizeof *v); /* lo, hi, baseline, recent */
	if (!r && !v)
		r = cra_fail(err, EX_OSERR, "out of memory");
	for (int j = 0; j < 4 && !r; j++)
		r = plot_table_numbers(&t, col[H_LO + j], NULL, 0, false, v + (size_t)j * n, err);
	for (size_t i = 0; !r && i < n; i++) {
		if (!(v[i] < v[n + i]))
			r = plot_table_fail(&t, i, err, "field 'bin_hi' is not above bin_lo");
		else if (v[2 * n + i] < 0 || v[3 * n + i] < 0)
			r = plot_table_fail(&t, i, err, "field '%s' is negative",
					    v[2 * n + i] < 0 ? "baseline_frac" : "recent_frac");
	}
	if (!r)
		r = plot_table_distinct(&t, col[H_FEATURE], &features, &nf, err);
	/* --feature: each one named must be in the table. */
	for (const char *p = req->features; !r && p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p), k = 0;
		while (k < nf && (strlen(features[k]) != len || strncmp(features[k], p, len)))
			k++;
		if (k == nf)
			r = cra_fail(err, EX_DATAERR, "%s: no histogram of feature '%.*s'", t.name,
				     (int)len, p);
		p = comma ? comma + 1 : NULL;
	}
	for (size_t k = 0; !r && k < nf; k++)
		if (!req->features || is_listed(req->features, features[k]))
			features[npanels++] = features[k];
	if (!r && npanels > MAX_PANELS)
		r = cra_fail(err, EX_DATAERR, "%s: %zu features are too many for one chart (%d at "
			     "most): pick some with --feature A,B", t.name, npanels, MAX_PANELS);
	if (r)
		goto done;

	for (size_t k = 0; k < npanels; k++) {
		ps_printf(s, "# %s: bin_lo bin_hi baseline_frac recent_frac\n$h%zu << EOD\n",
			  features[k], k);
		for (size_t i = 0; i < n; i++) {
			if (strcmp(plot_table_text(&t, i, col[H_FEATURE]), features[k]))
				continue;
			for (int j = 0; j < 4; j++) {
				ps_number(s, v[(size_t)j * n + i]);
				ps_append(s, j < 3 ? " " : "\n", 1);
			}
		}
		ps_block_end(s);
	}
	char title[256];
	plot_title(req, "drift: baseline (blue) vs recent (orange) distributions", t.name, title,
		   sizeof title);
	ps_style(s, &req->target);
	size_t cols = (size_t)ceil(sqrt((double)npanels)), rows = (npanels + cols - 1) / cols;
	bool fills = req->target.term != PLOT_TERM_DUMB;
	ps_printf(s, "set style fill %s\n"
		  "set key top left vertical spacing 1\nset ytics format '%%.2g'\n",
		  fills ? "transparent solid 0.45 noborder" : "empty");
	ps_printf(s, "set multiplot layout %zu,%zu title ", rows, cols);
	ps_quote(s, title);
	ps_eol(s);
	for (size_t k = 0; k < npanels; k++) {
		bool drift = false;
		char nbase[32] = "", nrecent[32] = "", fired[48] = "";
		struct plot_script legend;
		plot_script_init(&legend);
		if (req->stats && (r = stats_legend(&st, features[k], &legend, &drift, fired, nbase,
						    nrecent, err))) {
			plot_script_free(&legend);
			goto done;
		}
		char panel_title[FEATURE_NAME_MAX + 128];
		snprintf(panel_title, sizeof panel_title, "%.*s%s%s", FEATURE_NAME_MAX, features[k],
			 drift ? ": DRIFT" : "", fired);
		/* The tallest bar sets the range (all-zero shares would leave gnuplot an empty one). */
		double top = 0;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(plot_table_text(&t, i, col[H_FEATURE]), features[k]))
				top = fmax(top, fmax(v[2 * n + i], v[3 * n + i]));
		ps_printf(s, "set yrange [0:"); /* room above the bars for the legend's 3 lines */
		ps_number(s, top > 0 ? top * 1.45 : 1);
		ps_printf(s, "]\nset title tc rgb '%s' ", drift ? PLOT_DOWN : PLOT_PRICE);
		ps_quote(s, panel_title);
		char base[64], recent[64];
		snprintf(base, sizeof base, "baseline%s", nbase);
		snprintf(recent, sizeof recent, "recent%s", nrecent);
		ps_printf(s, "\nplot $h%zu using (($1+$2)/2):3:($2-$1) with boxes fc rgb '%s' title ",
			  k, plot_series_color[0]);
		ps_quote(s, base);
		ps_printf(s, ", \\\n  $h%zu using (($1+$2)/2):4:($2-$1) with boxes fc rgb '%s' title ",
			  k, plot_series_color[1]);
		ps_quote(s, recent);
		ps_append(s, legend.buf ? legend.buf : "", legend.len);
		ps_eol(s);
		plot_script_free(&legend);
	}
	ps_printf(s, "unset multiplot\n");
done:
	free(v);
	free(features);
	plot_table_free(&t);
	plot_table_free(&st);
	return r;
}
