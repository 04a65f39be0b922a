/* forecast_recursive.c - recursive multi-step forecasts; see forecast_recursive.h. */
#include "forecast_recursive.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "feature_spec.h"

int forecast_model_recursive(const struct forecast_model *m, const struct candles *c,
			     const struct interval *iv, size_t origin, int steps, double *out,
			     struct cra_error *err)
{
	int k = forecast_model_horizon(m, 1);
	if (k < 0 || forecast_model_regime(m))
		return cra_fail(err, EX_USAGE, "%s: recursive forecasts need a model of horizon 1 "
				"that forecasts prices or returns", m->path);
	size_t history = feature_spec_history(m->spec, iv);
	size_t need = history == SIZE_MAX ? SIZE_MAX : history + forecast_model_history(m, iv) + 1;
	size_t lo = need == SIZE_MAX || origin + 1 <= need ? 0 : origin + 1 - need;
	struct candles path;
	candles_init(&path);
	if (candles_slice(c, c->open_time[lo], c->open_time[origin] + 1, &path) ||
	    candles_reserve(&path, path.n + (size_t)steps))
		return cra_fail(err, EX_OSERR, "out of memory");
	double *f = malloc((size_t)m->nout * sizeof *f), total = 0;
	int r = f ? 0 : cra_fail(err, EX_OSERR, "out of memory");
	for (int s = 0; s < steps && !r; s++) {
		size_t last = path.n - 1;
		if ((r = forecast_model_predict(m, &path, iv, &last, 1, f, err)))
			break;
		total += f[k];
		out[s] = total;
		if (s + 1 == steps)
			break;
		double v[CANDLE_NFIELDS], open = path.v[CF_CLOSE][last], close = open * exp(f[k]);
		for (int j = 0; j < CANDLE_NFIELDS; j++)
			v[j] = NAN;
		v[CF_OPEN] = open;
		v[CF_CLOSE] = close;
		v[CF_HIGH] = fmax(open, close);
		v[CF_LOW] = fmin(open, close);
		v[CF_VOLUME] = path.v[CF_VOLUME][last];
		if (candles_push(&path, interval_next(iv, path.open_time[last]), v))
			r = cra_fail(err, EX_OSERR, "out of memory");
	}
	free(f);
	candles_free(&path);
	return r;
}
