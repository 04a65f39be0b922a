/* table_reader.h - a streaming CSV/TSV reader.
 *
 * Reads records one at a time from a file or standard input ("-") through one growing buffer,
 * without copying fields: table_field() points into the buffer and stays valid until the next
 * table_next().  Handles RFC 4180 quoting (quoted delimiters, newlines and "" escapes), CRLF
 * line ends, blank lines (skipped, including a blank trailing line) and a UTF-8 byte order
 * mark.  The delimiter, comma or tab, is detected from the first line unless given.
 * Columns are found by header name (case-insensitive, surrounding blanks ignored), never by
 * position.
 */
#ifndef CRA_TABLE_READER_H
#define CRA_TABLE_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* A record longer than this is refused as malformed input rather than buffered without end. */
#define TABLE_MAX_RECORD (1 << 20)

struct table_reader_options {
	bool no_header;  /* the first line is data (Binance dump files) */
	char delimiter;  /* ',' or '\t'; 0 detects it from the first line */
};

struct table_reader;

/* Opens path ("-" for standard input).  Reads the header unless no_header.  Fails with 66
 * (EX_NOINPUT) if the file cannot be opened, 65 if it is empty or its header is malformed. */
int table_open(struct table_reader **out, const char *path,
	       const struct table_reader_options *options, struct cra_error *err);

/* Same, over an open descriptor (not closed by table_close); name is used in messages. */
int table_open_fd(struct table_reader **out, int fd, const char *name,
		  const struct table_reader_options *options, struct cra_error *err);

void table_close(struct table_reader *tr);

/* Advances to the next record: returns 1 when there is one, 0 at the end of the input, and
 * a negative sysexits status (with err filled) on malformed input or a read error. */
int table_next(struct table_reader *tr, struct cra_error *err);

/* Makes the next table_next() return the current record again (once). */
void table_unread(struct table_reader *tr);

size_t table_nfields(const struct table_reader *tr);
/* Field i of the current record (unquoted), or NULL when the record has fewer fields. */
const char *table_field(const struct table_reader *tr, size_t i, size_t *len);

/* The header: its column count, names, and the index of a column or -1. */
size_t table_ncols(const struct table_reader *tr);
const char *table_column_name(const struct table_reader *tr, size_t i);
int table_find(const struct table_reader *tr, const char *name);

/* Makes the current record the header (for readers opened with no_header that find, on
 * looking at the first record, that it names columns).  Returns 0 or 71 out of memory. */
int table_use_record_as_header(struct table_reader *tr, struct cra_error *err);

const char *table_name(const struct table_reader *tr); /* as given, "-" shown as "<stdin>" */
size_t table_line(const struct table_reader *tr);      /* line where the current record starts */
char table_delimiter(const struct table_reader *tr);

#endif
