/* store.c - choosing a backend and checking arguments once for all of them; see store.h. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "store_backend.h"
#include "symbol.h"
#include "timefmt.h"

int store_open(struct store **out, const struct store_options *options, struct cra_error *err)
{
	const char *uri = options ? options->db_uri : NULL;
	const char *dir = options ? options->data_dir : NULL;
	if (!uri || !*uri)
		uri = getenv("CRA_DB");
	if (!dir || !*dir)
		dir = getenv("CRA_DATA");
	if (!dir || !*dir)
		dir = "./data";
	struct store *s = calloc(1, sizeof *s);
	if (!s)
		return cra_fail(err, EX_OSERR, "out of memory");
	int r = (uri && *uri) ? store_pg_open(s, uri, err) : store_csv_open(s, dir, err);
	if (r) {
		free(s);
		return r;
	}
	*out = s;
	return 0;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	s->ops->close(s);
	free(s);
}

const char *store_describe(const struct store *s) { return s->description; }

static int check_symbol(const char *symbol, struct cra_error *err)
{
	if (!symbol_valid(symbol))
		return cra_fail(err, EX_USAGE,
				"invalid symbol '%.40s': symbols are 2 to 20 capital letters or digits",
				symbol);
	return 0;
}

int store_load(struct store *s, const char *symbol, const struct interval *iv, int64_t from,
	       int64_t to, struct candles *out, bool *exists, struct cra_error *err)
{
	bool dummy;
	int r = check_symbol(symbol, err);
	return r ? r : s->ops->load(s, symbol, iv, from, to, out, exists ? exists : &dummy, err);
}

int store_merge(struct store *s, const char *symbol, const struct interval *iv,
		const struct candles *add, struct merge_stats *stats, struct cra_error *err)
{
	int r = check_symbol(symbol, err);
	if (r)
		return r;
	for (size_t i = 0; i < add->n; i++)
		if (!interval_aligned(iv, add->open_time[i])) {
			char when[TIME_BUF];
			time_format_iso(add->open_time[i], when);
			return cra_fail(err, EX_DATAERR,
					"%s %s: candle at %s is not on a %s boundary (is the interval right?)",
					symbol, iv->name, when, iv->name);
		}
	if ((r = candles_validate(add, symbol, err)))
		return r;
	struct merge_stats unused;
	return s->ops->merge(s, symbol, iv, add, stats ? stats : &unused, err);
}

int store_latest(struct store *s, const char *symbol, const struct interval *iv,
		 int64_t *open_time, bool *exists, struct cra_error *err)
{
	int r = check_symbol(symbol, err);
	return r ? r : s->ops->latest(s, symbol, iv, open_time, exists, err);
}

int store_list(struct store *s, struct series_info **list, size_t *n, struct cra_error *err)
{
	return s->ops->list(s, list, n, err);
}

static int compare_series(const void *pa, const void *pb)
{
	const struct series_info *a = pa, *b = pb;
	int c = strcmp(a->symbol, b->symbol);
	if (c)
		return c;
	struct interval ia = { 0 }, ib = { 0 };
	interval_parse(a->interval, &ia);
	interval_parse(b->interval, &ib);
	return (ia.ms > ib.ms) - (ia.ms < ib.ms);
}

void series_info_sort(struct series_info *list, size_t n)
{
	qsort(list, n, sizeof *list, compare_series);
}
