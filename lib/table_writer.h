/* table_writer.h - buffered CSV/TSV output with shortest round-trip numbers.
 *
 * Cells are appended left to right and a row is ended with tw_end_row().  A text cell is
 * quoted when it holds the delimiter, a quote or a line break.  NaN is written as an empty
 * cell: in craipto an empty cell means "undefined" (a missing optional value, an indicator's
 * leading rows).  Write errors are sticky: check tw_finish() once at the end.
 */
#ifndef CRA_TABLE_WRITER_H
#define CRA_TABLE_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct table_writer {
	int fd;
	char delimiter;
	bool line_flush;  /* write out every row at once (live pipelines) */
	bool row_started;
	int write_errno;  /* first write error, 0 if none */
	size_t len;
	char buf[1 << 16];
};

void tw_init(struct table_writer *w, int fd, char delimiter);

void tw_str(struct table_writer *w, const char *s);
void tw_strn(struct table_writer *w, const char *s, size_t n);
void tw_double(struct table_writer *w, double v);
void tw_int(struct table_writer *w, int64_t v);
void tw_empty(struct table_writer *w);
void tw_end_row(struct table_writer *w);

/* Writes out the buffer; returns 0 or 74 (EX_IOERR) with err naming `what` (a file name). */
int tw_flush(struct table_writer *w, const char *what, struct cra_error *err);

#endif
