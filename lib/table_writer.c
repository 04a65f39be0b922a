/* table_writer.c - buffered table output; see table_writer.h. */
#include "table_writer.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "number.h"

void tw_init(struct table_writer *w, int fd, char delimiter)
{
	w->fd = fd;
	w->delimiter = delimiter ? delimiter : ',';
	w->line_flush = false;
	w->row_started = false;
	w->write_errno = 0;
	w->len = 0;
}

static void drain(struct table_writer *w)
{
	size_t off = 0;
	while (off < w->len && !w->write_errno) {
		ssize_t n = write(w->fd, w->buf + off, w->len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			w->write_errno = errno;
			break;
		}
		off += (size_t)n;
	}
	w->len = 0;
}

static void put(struct table_writer *w, const char *s, size_t n)
{
	while (n > 0) {
		if (w->len == sizeof w->buf)
			drain(w);
		size_t room = sizeof w->buf - w->len, k = n < room ? n : room;
		memcpy(w->buf + w->len, s, k);
		w->len += k;
		s += k;
		n -= k;
	}
}

static void separate(struct table_writer *w)
{
	if (w->row_started)
		put(w, &w->delimiter, 1);
	w->row_started = true;
}

void tw_strn(struct table_writer *w, const char *s, size_t n)
{
	separate(w);
	bool needs_quotes = false;
	for (size_t i = 0; i < n && !needs_quotes; i++)
		needs_quotes = s[i] == w->delimiter || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (!needs_quotes) {
		put(w, s, n);
		return;
	}
	put(w, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		put(w, s + i, 1);
		if (s[i] == '"')
			put(w, "\"", 1);
	}
	put(w, "\"", 1);
}

void tw_str(struct table_writer *w, const char *s) { tw_strn(w, s, strlen(s)); }

void tw_double(struct table_writer *w, double v)
{
	separate(w);
	if (isnan(v))
		return;
	char tmp[NUMBER_BUF];
	put(w, tmp, (size_t)number_format_double(v, tmp));
}

void tw_int(struct table_writer *w, int64_t v)
{
	separate(w);
	char tmp[NUMBER_BUF];
	put(w, tmp, (size_t)number_format_int64(v, tmp));
}

void tw_empty(struct table_writer *w) { separate(w); }

void tw_end_row(struct table_writer *w)
{
	put(w, "\n", 1);
	w->row_started = false;
	if (w->line_flush)
		drain(w);
}

int tw_flush(struct table_writer *w, const char *what, struct cra_error *err)
{
	drain(w);
	if (w->write_errno)
		return cra_fail(err, EX_IOERR, "%s: write error: %s", what, strerror(w->write_errno));
	return 0;
}
