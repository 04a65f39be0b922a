/* lstm_format.h - a network's architecture and weights as bytes: our own versioned binary
 * format, stored as the payload "lstm-weights" of a model bundle (bundle.h).
 *
 *   offset  bytes      what (integers and floats little-endian, whatever the host)
 *   0       8          magic "CRALSTM\0"
 *   8       4          u32 format version, LSTM_FORMAT_VERSION
 *   12      4          u32 ninput
 *   16      4          u32 conv_kernel (0: no convolution)
 *   20      4          u32 conv_filters
 *   24      4          u32 nlayers
 *   28      16         u32 hidden[4], 0 past nlayers
 *   44      4          u32 noutput
 *   48      4          u32 nclass (0: regression)
 *   52      8          u64 n, the number of weights
 *   60      4n         float32 weights, tensor after tensor in lstm_tensor_list's order, each
 *                      row-major (conv.w [K][I][F], lstmL.wx [in][4H], lstmL.wh [H][4H] with
 *                      gates i f g o, lstmL.b [4H], dense.w [H][nout], dense.b [nout])
 *   60+4n   32         SHA-256 of every byte before it
 *
 * Decoding checks the magic, the version (a newer one is refused with a clear message), the
 * architecture, that n is what the architecture needs, the length, the checksum and that every
 * weight is finite; any failure is 65 (EX_DATAERR).
 */
#ifndef CRA_LSTM_FORMAT_H
#define CRA_LSTM_FORMAT_H

#include <stddef.h>

#include "error.h"
#include "lstm.h"

#define LSTM_FORMAT_VERSION 1
#define LSTM_FORMAT_MAGIC "CRALSTM" /* and its NUL: 8 bytes */
#define LSTM_FORMAT_HEADER 60
#define LSTM_PAYLOAD_NAME "lstm-weights"

/* Encodes net into *data (malloc'ed, *len bytes).  0 or 71 (EX_OSERR). */
int lstm_format_encode(const struct lstm *net, unsigned char **data, size_t *len,
		       struct cra_error *err);

/* Decodes len bytes into net (initialised by the call; lstm_free it).  what names the bytes
 * in messages ("model.bundle"). */
int lstm_format_decode(const unsigned char *data, size_t len, const char *what, struct lstm *net,
		       struct cra_error *err);

#endif
