/* Candle validation, merging, slicing, gaps and resampling on small hand-checked series. */
#include "candles.h"
#include "check.h"
#include "gaps.h"
#include "resample.h"
#include "timefmt.h"

#define H MS_PER_HOUR

static void push(struct candles *c, int64_t t, double o, double h, double l, double cl, double v)
{
	double row[CANDLE_NFIELDS] = { o, h, l, cl, v, NAN, NAN, NAN, NAN, NAN };
	CHECK(candles_push(c, t, row) == 0);
}

static const char *problem(double o, double h, double l, double c, double v)
{
	double row[CANDLE_NFIELDS] = { o, h, l, c, v, NAN, NAN, NAN, NAN, NAN };
	const char *why;
	return candle_row_problem(row, 0, &why);
}

int main(void)
{
	/* Row checks name the field at fault. */
	CHECK(problem(10, 12, 9, 11, 5) == NULL);
	CHECK(problem(10, 10, 10, 10, 0) == NULL); /* a flat candle with no volume is valid */
	CHECK_STR(problem(10, 10.5, 9, 11, 5), "high");
	CHECK_STR(problem(10, 12, 10.5, 11, 5), "low");
	CHECK_STR(problem(10, 12, 9, 11, -1), "volume");
	CHECK_STR(problem(NAN, 12, 9, 11, 1), "open");
	CHECK_STR(problem(10, INFINITY, 9, 11, 1), "high");
	CHECK_STR(problem(-10, 12, -11, 11, 1), "open"); /* the first negative field */
	CHECK_STR(problem(0, 12, 0, 11, 1), "open");

	struct candles a, b;
	candles_init(&a);
	candles_init(&b);
	int64_t t0 = 1617566400000LL; /* 2021-04-04T20:00Z */
	push(&a, t0, 10, 12, 9, 11, 1);
	push(&a, t0 + H, 11, 13, 10, 12, 2);
	push(&a, t0 + 2 * H, 12, 14, 11, 13, 3);
	struct cra_error err = { 0 };
	CHECK_INT(candles_validate(&a, "a", &err), 0);
	a.open_time[2] = t0 + H;
	CHECK_INT(candles_validate(&a, "a", &err), EX_DATAERR);
	CHECK(strstr(err.msg, "row 3") && strstr(err.msg, "duplicates"));
	a.open_time[2] = t0;
	CHECK_INT(candles_validate(&a, "a", &err), EX_DATAERR);
	CHECK(strstr(err.msg, "earlier"));
	a.open_time[2] = t0 + 2 * H;

	/* Merge: b overlaps a's last row (same values), has one conflict and two new rows. */
	push(&b, t0 - H, 9, 10, 8, 10, 1);          /* new, before */
	push(&b, t0 + H, 11, 13, 10, 12.5, 2);      /* conflict: close differs */
	push(&b, t0 + 2 * H, 12, 14, 11, 13, 3);    /* present */
	push(&b, t0 + 4 * H, 13, 15, 12, 14, 4);    /* new, after a gap */
	struct merge_stats st;
	CHECK_INT(candles_merge(&a, &b, &st), 0);
	CHECK_INT(st.added, 2);
	CHECK_INT(st.present, 1);
	CHECK_INT(st.conflicts, 1);
	CHECK_INT(a.n, 5);
	CHECK_INT(candles_validate(&a, "merged", &err), 0);
	CHECK_NEAR(a.v[CF_CLOSE][2], 12, 0); /* the stored value won */
	CHECK_INT(a.open_time[0], t0 - H);
	CHECK_INT(a.open_time[4], t0 + 4 * H);
	/* Merging again changes nothing. */
	CHECK_INT(candles_merge(&a, &b, &st), 0);
	CHECK_INT(st.added, 0);
	CHECK_INT(a.n, 5);

	/* Enrichment: a row gains optional values it lacked, counted as such, not a conflict. */
	struct candles e;
	candles_init(&e);
	e.optional_mask = 1u << CF_TRADES;
	double row[CANDLE_NFIELDS] = { 10, 12, 9, 11, 1, NAN, NAN, 42, NAN, NAN };
	candles_push(&e, t0, row);
	CHECK_INT(candles_merge(&a, &e, &st), 0);
	CHECK_INT(st.enriched, 1);
	CHECK(a.optional_mask & (1u << CF_TRADES));
	CHECK_NEAR(a.v[CF_TRADES][1], 42, 0);
	CHECK(isnan(a.v[CF_TRADES][0]));

	/* Slicing and the lower bound. */
	struct candles s;
	candles_init(&s);
	CHECK_INT(candles_slice(&a, t0, t0 + 3 * H, &s), 0);
	CHECK_INT(s.n, 3);
	CHECK_INT(candles_lower_bound(&a, t0 + 3 * H), 4);
	CHECK(!candles_equal(&a, &s));
	CHECK_INT(candles_slice(&a, INT64_MIN, INT64_MAX, &s), 0);
	CHECK(candles_equal(&a, &s));

	/* Gaps: a holds t0-1h, t0, t0+1h, t0+2h, t0+4h: one gap of one candle after t0+2h. */
	struct interval h1, h4, d1;
	interval_parse("1h", &h1);
	interval_parse("4h", &h4);
	interval_parse("1d", &d1);
	struct gap_report g = gaps_find(&a, &h1);
	CHECK_INT(g.gaps, 1);
	CHECK_INT(g.missing, 1);
	CHECK_INT(g.largest_after, t0 + 2 * H);

	/* Resampling 1h -> 4h over 2021-04-05 00:00 .. 08:00 (8 hourly candles, the 6th missing),
	 * plus a leading 23:00 candle whose 4h bucket (20:00-24:00) is only partly covered. */
	struct candles hourly, four;
	candles_init(&hourly);
	candles_init(&four);
	int64_t day = 1617580800000LL; /* 2021-04-05T00:00Z */
	push(&hourly, day - H, 5, 6, 4, 5, 1);
	for (int k = 0; k < 8; k++)
		if (k != 5)
			push(&hourly, day + k * H, 10 + k, 20 + k, 1 + k, 11 + k, 1.5);
	struct resample_report rr;
	CHECK_INT(candles_resample(&hourly, &h1, &h4, &four, &rr, &err), 0);
	CHECK_INT(four.n, 2);
	CHECK_INT(rr.partial_dropped, 1);
	CHECK_INT(rr.with_gaps, 1);
	CHECK_INT(four.open_time[0], day);
	CHECK_NEAR(four.v[CF_OPEN][0], 10, 0);
	CHECK_NEAR(four.v[CF_HIGH][0], 23, 0);
	CHECK_NEAR(four.v[CF_LOW][0], 1, 0);
	CHECK_NEAR(four.v[CF_CLOSE][0], 14, 0);
	CHECK_NEAR(four.v[CF_VOLUME][0], 6, 0);
	CHECK_NEAR(four.v[CF_CLOSE_TIME][0], (double)(day + 4 * H - 1), 0);
	CHECK_NEAR(four.v[CF_OPEN][1], 14, 0);
	CHECK_NEAR(four.v[CF_CLOSE][1], 18, 0); /* the last candle, 07:00 */
	CHECK_NEAR(four.v[CF_VOLUME][1], 4.5, 0);
	/* 4h into 1d: the only day is partial, so nothing comes out. */
	struct candles daily;
	candles_init(&daily);
	CHECK_INT(candles_resample(&four, &h4, &d1, &daily, &rr, &err), 0);
	CHECK_INT(daily.n, 0);
	/* Finer, or not dividing: refused. */
	CHECK_INT(candles_resample(&four, &h4, &h1, &daily, &rr, &err), EX_USAGE);
	struct interval h3;
	interval_parse("3m", &h3);
	interval_parse("1m", &h1);
	struct interval m5;
	interval_parse("5m", &m5);
	CHECK_INT(candles_resample(&four, &h3, &m5, &daily, &rr, &err), EX_USAGE);

	candles_free(&a);
	candles_free(&b);
	candles_free(&e);
	candles_free(&s);
	candles_free(&hourly);
	candles_free(&four);
	candles_free(&daily);
	return check_finish();
}
