/* feature_matrix.h - feature matrices computed from candles, for models and for cra-features.
 *
 * features_compute() turns a candle series and a feature specification (feature_spec.h) into a
 * matrix: named columns of n doubles each, column-major in one block, NaN where a value is
 * undefined (an indicator's leading rows).  Row t uses candles 0..t only: features never look
 * ahead (targets, which must, live in targets.h).  m->warmup is the number of leading rows in
 * which some column is undefined; trainers drop them.
 *
 * Indicators run over the rows as given: a gap in the candles (missing candles) is not filled,
 * so a window spans more time than its length says, and a return across a gap covers the gap.
 * gaps_find() (gaps.h) finds the gaps so that programs can report them.
 *
 * Rebuilding the newest rows at prediction time: load at least feature_spec_history() rows
 * before the first row wanted and compute over that trailing window.  The rows wanted then
 * equal those of a computation over the full history (exactly, or to 1e-12 of the seed's
 * difference for exponential smoothers); obv needs the full history.
 */
#ifndef CRA_FEATURE_MATRIX_H
#define CRA_FEATURE_MATRIX_H

#include <stddef.h>
#include <stdint.h>

#include "candles.h"
#include "error.h"
#include "feature_spec.h"
#include "interval.h"

struct feature_matrix {
	size_t nrows, ncols;
	char **name;    /* ncols column names */
	double **col;   /* col[j][t]: column j at row t; NaN = undefined */
	double *data;   /* the one block the columns point into */
	size_t warmup;  /* leading rows in which some column is undefined */
	size_t tail;    /* trailing rows in which some column is undefined (targets) */
	size_t mapped;  /* private: bytes of data when mmap'ed (large matrices), else 0 */
};

void feature_matrix_init(struct feature_matrix *m);
void feature_matrix_free(struct feature_matrix *m);

/* Allocates nrows x ncols (values unset, names NULL).  0 or EX_OSERR. */
int feature_matrix_alloc(struct feature_matrix *m, size_t nrows, size_t ncols,
			 struct cra_error *err);

/* Sets column j's name (copied).  0 or EX_OSERR. */
int feature_matrix_set_name(struct feature_matrix *m, size_t j, const char *name,
			    struct cra_error *err);

/* Recomputes m->warmup and m->tail by scanning the columns. */
void feature_matrix_count_undefined(struct feature_matrix *m);

/* Candles needed so that at least one row has every feature defined: lookback + 1. */
size_t features_min_rows(const struct feature_spec *spec, const struct interval *iv);

/* Computes the spec's columns over c (out initialised by the call, free it after).  iv, the
 * candles' interval, may be NULL when unknown.  Fails with 65 (EX_DATAERR) when c has fewer rows
 * than features_min_rows(), naming the spec's longest item and the rows needed. */
int features_compute(const struct feature_spec *spec, const struct candles *c,
		     const struct interval *iv, struct feature_matrix *out, struct cra_error *err);

#endif
