/* lstm_train.h - training a network (lstm.h) on windows cut from a series of rows, and
 * predicting windows.
 *
 * A sample is a candle row r: its input is the window of rows r-W+1 .. r of standardised
 * features, its target the row's target values.  Training: every epoch the training rows are
 * shuffled and cut into mini-batches; each batch is cut into chunks of LSTM_TRAIN_CHUNK
 * windows, which the threads take as they come free, each running the forward and backward
 * pass of a chunk with single-threaded OpenBLAS (a step's matrices are too small to share);
 * the chunks' gradients are summed in chunk order, clipped by global norm, and Adam takes a
 * step at the epoch's learning rate lr * decay^epoch.  After
 * every epoch the loss on the stopping rows is measured (no dropout); training stops after
 * `patience` epochs without a new lowest one, and the weights of the best epoch are restored.
 *
 * Determinism: a seed fixes the initial weights, the shuffles and the dropout masks (drawn
 * per chunk).  A chunk's computation does not depend on the thread that runs it, so the same
 * seed gives bit-identical weights whatever the number of threads.  Predictions likewise:
 * windows go through the network LSTM_PREDICT_BATCH at a time, whichever thread computes them.
 */
#ifndef CRA_LSTM_TRAIN_H
#define CRA_LSTM_TRAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "lstm.h"

#define LSTM_MAX_THREADS 64
#define LSTM_PREDICT_BATCH 64
#define LSTM_TRAIN_CHUNK 16

/* The rows windows are cut from. */
struct lstm_series {
	size_t nrows;
	int nfeat;          /* features per row: the network's ninput */
	const float *x;     /* [nrows][nfeat] standardised features */
	int ntarget;        /* target values per row: noutput, or noutput / nclass for classes */
	const float *y;     /* [nrows][ntarget] standardised targets or class indices (may be NULL
			     * when only predicting) */
	int window;         /* W: rows per window; a sample row r needs r >= W-1 */
};

struct lstm_train_params {
	int epochs;         /* at most */
	int batch;          /* windows per mini-batch */
	int patience;       /* epochs without a lower stopping loss before stopping; 0: never */
	int threads;        /* 1 .. LSTM_MAX_THREADS */
	double lr;          /* Adam's learning rate at epoch 0 */
	double lr_decay;    /* multiplies it after every epoch (1: constant) */
	double clip;        /* global gradient norm at most this; 0: no clipping */
	double dropout;     /* between LSTM layers, in [0, 1) */
	uint64_t seed;
};

/* After every mini-batch, and at the end of every epoch (end set, valid_loss measured). */
struct lstm_progress {
	bool end;                     /* the epoch's last report */
	int epoch, epochs;            /* 0-based epoch, and the most there will be */
	size_t done, total;           /* training windows so far in this epoch, and in all */
	double loss;                  /* mean training loss so far in this epoch */
	double valid_loss;            /* the stopping rows' loss at the end (NaN without them) */
	double samples_per_s;         /* training windows a second so far in this epoch */
	double best_valid_loss;
	int best_epoch;
};
typedef void lstm_progress_fn(void *ctx, const struct lstm_progress *p);

struct lstm_train_result {
	int epochs_run, best_epoch;   /* best_epoch 0-based */
	double best_valid_loss;       /* the loss of the restored weights on the stopping rows */
	double train_loss;            /* the mean training loss of the best epoch (dropout on) */
	double seconds;               /* wall time in all */
	double train_seconds;         /* of it, in training passes (no validation) */
	double samples_per_s;         /* training windows / train_seconds */
};

void lstm_train_params_default(struct lstm_train_params *p);

/* Trains net (already initialised, e.g. by lstm_randomize) on the windows ending at rows
 * train[0..ntrain), stopping early on the windows ending at stop[0..nstop): with stopping rows
 * the weights of the epoch of lowest stopping loss are restored at the end (patience 0: after
 * every epoch has run); without (nstop 0) every epoch runs and the last weights are kept.
 * 64 for bad parameters, 71 out of memory. */
int lstm_train(struct lstm *net, const struct lstm_series *s, const size_t *train,
	       size_t ntrain, const size_t *stop, size_t nstop, const struct lstm_train_params *p,
	       lstm_progress_fn *progress, void *ctx, struct lstm_train_result *res,
	       struct cra_error *err);

/* The network's outputs for the windows ending at rows[0..n): out[n][noutput] (probabilities
 * for classes).  When s->y is given and loss is not NULL, *loss = the mean loss over them. */
int lstm_predict(const struct lstm *net, const struct lstm_series *s, const size_t *rows,
		 size_t n, int threads, float *out, double *loss, struct cra_error *err);

#endif
