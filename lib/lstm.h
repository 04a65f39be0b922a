/* lstm.h - a stacked LSTM network, with an optional causal 1-D convolution in front (the
 * CNN-LSTM) and a dense head: forward and backward passes over a mini-batch on flat float32
 * arrays, the matrix products done by OpenBLAS's sgemm.
 *
 * Every sequence is time-major, [T][B][width]: step t of window b is row t*B + b of a T*B-row
 * matrix, so that a whole sequence is one matrix (one sgemm projects every step's input at
 * once) and each step's rows are contiguous (one sgemm per step for the recurrence).
 *
 *   input    x[t][b][i]            T steps of B windows of I features
 *   conv     u[t][b][f] = relu(cb[f] + sum_k sum_i x[t-K+1+k][b][i] cw[k][i][f])
 *                                  causal: x is 0 before t = 0; stride 1; F filters
 *   layer l  v = u (or x) for the first layer, else the layer below's h, with dropout in
 *            training (each value zeroed with probability p, else scaled by 1/(1-p))
 *            a[t] = v[t] Wx + h[t-1] Wh + b               [B x 4H], gates in order i f g o
 *            i = sig(a_i)  f = sig(a_f)  g = tanh(a_g)  o = sig(a_o)
 *            c[t] = f c[t-1] + i g      h[t] = o tanh(c[t])      (h[-1] = c[-1] = 0)
 *   head     y[b] = h_L[T-1][b] Wd + bd                   [B x nout]
 *   loss     regression: the mean over windows and outputs of (y - target)^2
 *            classes: outputs in groups of nclass, each group a softmax over its classes,
 *            the mean over windows and groups of -log p[label]
 *
 * The weights are one block of floats (struct lstm); everything a pass over a batch needs -
 * activations kept for backpropagation through time, gradients, scratch - is one block per
 * worker (struct lstm_work), allocated once for the largest batch and window.  Several works
 * can run passes over different batches of one network at the same time.
 */
#ifndef CRA_LSTM_H
#define CRA_LSTM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define LSTM_MAX_LAYERS 4
#define LSTM_MAX_HIDDEN 4096
#define LSTM_MAX_TENSORS (2 + 3 * LSTM_MAX_LAYERS + 2)

/* The architecture: all a saved network needs besides its weights. */
struct lstm_config {
	int ninput;                   /* I: features per step */
	int conv_kernel;              /* K: 0 for no convolution front end */
	int conv_filters;             /* F */
	int nlayers;                  /* 1 .. LSTM_MAX_LAYERS */
	int hidden[LSTM_MAX_LAYERS];  /* H of each layer, bottom first */
	int noutput;                  /* outputs of the head */
	int nclass;                   /* 0: regression; else noutput is a multiple of nclass */
};

/* Views of one block of floats laid out as the network's weights (or their gradients). */
struct lstm_tensors {
	float *conv_w;                /* [K][I][F] */
	float *conv_b;                /* [F] */
	float *wx[LSTM_MAX_LAYERS];   /* [in][4H], in = I, F or the layer below's H */
	float *wh[LSTM_MAX_LAYERS];   /* [H][4H] */
	float *b[LSTM_MAX_LAYERS];    /* [4H] */
	float *dense_w;               /* [H_last][nout] */
	float *dense_b;               /* [nout] */
};

/* One weight tensor's place in the block, for checks, tests and the file format. */
struct lstm_tensor_info {
	char name[16];                /* "conv.w", "lstm0.wx", ..., "dense.b" */
	size_t offset, rows, cols;    /* floats; a vector has rows 1 */
};

struct lstm {
	struct lstm_config cfg;
	size_t nparams;
	float *params;                /* every weight, in the order of lstm_tensor_list */
	struct lstm_tensors w;        /* views into params */
};

/* Checks an architecture; 64 (EX_USAGE) naming what is out of range. */
int lstm_config_check(const struct lstm_config *cfg, struct cra_error *err);

/* The input width of layer l (I, F, or the layer below's H). */
int lstm_layer_input(const struct lstm_config *cfg, int l);

/* Fills list (room for LSTM_MAX_TENSORS) and *n; returns the number of floats in all. */
size_t lstm_tensor_list(const struct lstm_config *cfg, struct lstm_tensor_info *list, int *n);

/* Points t into block, laid out as cfg's weights. */
void lstm_tensors_point(const struct lstm_config *cfg, float *block, struct lstm_tensors *t);

/* Allocates a network with zero weights; 64 for a bad architecture, 71 (EX_OSERR) out of
 * memory. */
int lstm_init(struct lstm *net, const struct lstm_config *cfg, struct cra_error *err);
void lstm_free(struct lstm *net);

/* Random initial weights from seed, PyTorch's ranges: LSTM weights uniform in +-1/sqrt(H),
 * convolution and head weights and biases uniform in +-1/sqrt(fan in).  LSTM biases are 0
 * except the forget gate's, 1, so that early in training the cells remember (Jozefowicz et
 * al., 2015). */
void lstm_randomize(struct lstm *net, uint64_t seed);

struct lstm_work {
	int max_batch, max_steps;
	float *arena;                 /* every buffer below, one block */
	float *grad;                  /* gradients of the last backward, laid out as params */
	struct lstm_tensors g;        /* views into grad */
	float *input;                 /* [T][B][I]: the caller writes the windows here */
	float *conv;                  /* [T][B][F] relu outputs */
	float *drop[LSTM_MAX_LAYERS]; /* [T][B][in] layer l >= 1's input after dropout */
	float *mask[LSTM_MAX_LAYERS]; /* [T][B][in] its dropout multipliers: 0 or 1/(1-p) */
	float *gates[LSTM_MAX_LAYERS];/* [T][B][4H] i f g o after their nonlinearities */
	float *c[LSTM_MAX_LAYERS];    /* [T][B][H] cell state */
	float *tc[LSTM_MAX_LAYERS];   /* [T][B][H] tanh(c) */
	float *h[LSTM_MAX_LAYERS];    /* [T][B][H] hidden state, the layer's output */
	float *out;                   /* [B][nout] the head's outputs (logits for classes) */
	float *prob;                  /* [B][nout] softmax probabilities (classes only) */
	float *dout;                  /* [B][nout] d loss / d out, set by a loss function */
	float *dseq[2];               /* [T][B][widest] d loss / d a layer's output and input */
	float *dgates;                /* [T][B][4H] d loss / d pre-activations */
	float *dh, *dc;               /* [B][H] carried from step t+1 back to step t */
	float *ones;                  /* [T*B] ones: column sums as one sgemv */
	int batch, steps;             /* of the last forward pass */
	bool dropped;                 /* whether it used dropout */
};

int lstm_work_init(struct lstm_work *w, const struct lstm *net, int max_batch, int max_steps,
		   struct cra_error *err);
void lstm_work_free(struct lstm_work *w);

/* Forward pass over w->input, B windows of T steps (B <= max_batch, T <= max_steps).  With
 * dropout > 0 and rng non-NULL (training), masks are drawn from *rng; else none.
 * Fills w->out (and w->prob for classes). */
void lstm_forward(const struct lstm *net, struct lstm_work *w, int B, int T, float dropout,
		  uint64_t *rng);

/* Loss of the last forward pass against target ([B][nout] values for regression, [B][groups]
 * class indices 0..nclass-1 for classes).  Returns the sum over the B windows of each one's
 * loss, and sets w->dout to scale times that sum's gradient (scale = 1/(windows in the whole
 * mini-batch) makes it the gradient of the mini-batch's mean loss). */
double lstm_loss(const struct lstm *net, struct lstm_work *w, const float *target, float scale);

/* Backward pass: w->grad = d loss / d weights, through the head, every step of every layer
 * (backpropagation through time over the whole window) and the convolution. */
void lstm_backward(const struct lstm *net, struct lstm_work *w);

/* splitmix64: the one random number generator of the networks (initial weights, dropout,
 * shuffling), so that a seed fixes everything. */
static inline uint64_t lstm_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1), 24 random bits. */
static inline float lstm_rand_float(uint64_t *state)
{
	return (float)(lstm_rand(state) >> 40) * (1.0f / 16777216.0f);
}

#endif
