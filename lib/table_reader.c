/* table_reader.c - streaming CSV/TSV records over one growing buffer; see table_reader.h. */
#include "table_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define READ_CHUNK (1 << 18)

struct field_span {
	size_t start, len; /* offsets into buf */
	bool quoted;       /* needs "" -> " unescaping once the record is complete */
};

struct table_reader {
	int fd;
	bool own_fd, eof;
	char *name;
	char delimiter;

	char *buf;           /* bytes [pos, end) not yet consumed */
	size_t cap, pos, end;

	struct field_span *fields;
	size_t nfields, fields_cap;

	size_t line;         /* line number of the next unread byte */
	size_t record_line;  /* line where the current record starts */

	char **header;
	size_t ncols;
	bool replay; /* table_next returns the current record again */
};

static int grow_fields(struct table_reader *tr)
{
	size_t cap = tr->fields_cap ? 2 * tr->fields_cap : 32;
	struct field_span *f = realloc(tr->fields, cap * sizeof *f);
	if (!f)
		return -1;
	tr->fields = f;
	tr->fields_cap = cap;
	return 0;
}

/* Moves unconsumed bytes to the front, grows the buffer when it is full, and reads more.
 * Returns bytes read, 0 at end of input, -1 on error (errno set). */
static ssize_t refill(struct table_reader *tr)
{
	if (tr->eof)
		return 0;
	if (tr->pos > 0) {
		memmove(tr->buf, tr->buf + tr->pos, tr->end - tr->pos);
		tr->end -= tr->pos;
		tr->pos = 0;
	}
	if (tr->cap - tr->end < READ_CHUNK / 2) {
		size_t cap = tr->cap * 2;
		char *b = realloc(tr->buf, cap + 1);
		if (!b) {
			errno = ENOMEM;
			return -1;
		}
		tr->buf = b;
		tr->cap = cap;
	}
	ssize_t n;
	do
		n = read(tr->fd, tr->buf + tr->end, tr->cap - tr->end);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		tr->end += (size_t)n;
	else if (n == 0)
		tr->eof = true;
	return n;
}

/* The first position in b[i, end) holding the delimiter or a newline, or end.  Eight bytes
 * at a time: a byte of w equals c exactly where w ^ c*0x0101.. has a zero byte, and
 * (v - 0x01..) & ~v & 0x80.. marks zero bytes (the lowest mark is always a true one). */
static size_t field_end(const char *b, size_t i, size_t end, char delim)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	const uint64_t d = ones * (uint8_t)delim, nl = ones * (uint8_t)'\n';
	while (end - i >= 8) {
		uint64_t w;
		memcpy(&w, b + i, sizeof w);
		uint64_t x = w ^ d, y = w ^ nl;
		uint64_t hits = ((x - ones) & ~x & highs) | ((y - ones) & ~y & highs);
		if (hits)
			return i + (size_t)(__builtin_ctzll(hits) / 8);
		i += 8;
	}
	while (i < end && b[i] != delim && b[i] != '\n')
		i++;
	return i;
}

enum scan_result { SCAN_RECORD, SCAN_NEED_MORE, SCAN_BAD_QUOTE };

/* Splits one record starting at tr->pos into fields.  A record ends at an unquoted newline,
 * or at the end of the input.  On SCAN_NEED_MORE nothing is consumed. */
static enum scan_result scan_record(struct table_reader *tr, size_t *record_end, size_t *lines)
{
	const char *b = tr->buf;
	const char delim = tr->delimiter;
	size_t i = tr->pos, end = tr->end;
	size_t newlines = 0;
	tr->nfields = 0;
	for (;;) {
		if (tr->nfields == tr->fields_cap && grow_fields(tr))
			return SCAN_NEED_MORE;
		struct field_span *f = &tr->fields[tr->nfields++];
		f->quoted = false;
		if (i < end && b[i] == '"') {
			/* Quoted field: up to the closing quote that is not doubled. */
			size_t j = i + 1;
			for (;;) {
				const char *q = memchr(b + j, '"', end - j);
				if (!q)
					return tr->eof ? SCAN_BAD_QUOTE : SCAN_NEED_MORE;
				j = (size_t)(q - b);
				if (j + 1 < end && b[j + 1] == '"') {
					j += 2;
					continue;
				}
				if (j + 1 == end && !tr->eof)
					return SCAN_NEED_MORE; /* cannot tell "" from " yet */
				break;
			}
			for (size_t k = i + 1; k < j; k++)
				newlines += b[k] == '\n';
			f->start = i + 1;
			f->len = j - i - 1;
			f->quoted = true;
			i = j + 1;
			/* Anything between the closing quote and the delimiter is kept literally. */
			while (i < end && b[i] != delim && b[i] != '\n')
				i++;
			if (i > j + 1) {
				f->len = i - f->start;
				f->quoted = false;
			}
		} else {
			size_t j = field_end(b, i, end, delim);
			f->start = i;
			f->len = j - i;
			i = j;
		}
		if (i == end) {
			if (!tr->eof)
				return SCAN_NEED_MORE;
			*record_end = end;
			break;
		}
		if (b[i] == '\n') {
			newlines++;
			*record_end = i + 1;
			break;
		}
		i++; /* past the delimiter */
	}
	/* A CR before the LF belongs to the line end, not the last field. */
	struct field_span *last = &tr->fields[tr->nfields - 1];
	if (last->len > 0 && b[last->start + last->len - 1] == '\r' && !last->quoted)
		last->len--;
	*lines = newlines;
	return SCAN_RECORD;
}

static void unescape_quoted(struct table_reader *tr)
{
	for (size_t k = 0; k < tr->nfields; k++) {
		struct field_span *f = &tr->fields[k];
		if (!f->quoted)
			continue;
		char *s = tr->buf + f->start;
		size_t w = 0;
		for (size_t r = 0; r < f->len; r++, w++) {
			s[w] = s[r];
			if (s[r] == '"')
				r++; /* "" -> " */
		}
		f->len = w;
	}
}

static bool record_is_blank(const struct table_reader *tr)
{
	return tr->nfields == 1 && tr->fields[0].len == 0 && !tr->fields[0].quoted;
}

void table_unread(struct table_reader *tr) { tr->replay = true; }

int table_next(struct table_reader *tr, struct cra_error *err)
{
	if (tr->replay) {
		tr->replay = false;
		return 1;
	}
	for (;;) {
		if (tr->pos == tr->end) { /* nothing buffered: the input has ended, or read more */
			ssize_t n = tr->eof ? 0 : refill(tr);
			if (n < 0)
				return -cra_fail(err, EX_IOERR, "%s: read error: %s", tr->name,
						 strerror(errno));
			if (n == 0)
				return 0;
			continue;
		}
		size_t record_end = 0, lines = 0;
		enum scan_result r = scan_record(tr, &record_end, &lines);
		if (r == SCAN_BAD_QUOTE)
			return -cra_fail(err, EX_DATAERR, "%s:%zu: unterminated quoted field", tr->name,
					 tr->line);
		if (r == SCAN_NEED_MORE) {
			if (tr->end - tr->pos > TABLE_MAX_RECORD)
				return -cra_fail(err, EX_DATAERR,
						 "%s:%zu: record longer than %d bytes (is this a table?)",
						 tr->name, tr->line, TABLE_MAX_RECORD);
			if (refill(tr) < 0)
				return -cra_fail(err, EX_IOERR, "%s: read error: %s", tr->name,
						 strerror(errno));
			continue;
		}
		tr->record_line = tr->line;
		tr->line += lines;
		tr->pos = record_end;
		if (record_is_blank(tr))
			continue;
		unescape_quoted(tr);
		return 1;
	}
}

static char detect_delimiter(const char *b, size_t n)
{
	size_t commas = 0, tabs = 0;
	bool quoted = false;
	for (size_t i = 0; i < n && (quoted || b[i] != '\n'); i++) {
		if (b[i] == '"')
			quoted = !quoted;
		else if (!quoted)
			commas += b[i] == ',', tabs += b[i] == '\t';
	}
	return tabs > commas ? '\t' : ',';
}

static char *trimmed_copy(const char *s, size_t len)
{
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return strndup(s, len);
}

int table_open_fd(struct table_reader **out, int fd, const char *name,
		  const struct table_reader_options *options, struct cra_error *err)
{
	struct table_reader *tr = calloc(1, sizeof *tr);
	if (!tr)
		return cra_fail(err, EX_OSERR, "out of memory");
	tr->fd = fd;
	tr->name = strdup(name);
	tr->cap = READ_CHUNK;
	tr->buf = malloc(tr->cap + 1);
	tr->line = 1;
	if (!tr->name || !tr->buf) {
		table_close(tr);
		return cra_fail(err, EX_OSERR, "out of memory");
	}
	/* Read until the first line is complete (or the input ends) to detect the delimiter. */
	while (!tr->eof && !memchr(tr->buf, '\n', tr->end) && tr->end < TABLE_MAX_RECORD) {
		if (refill(tr) < 0) {
			int e = errno;
			table_close(tr);
			return cra_fail(err, EX_IOERR, "%s: read error: %s", name, strerror(e));
		}
	}
	if (tr->end >= 3 && !memcmp(tr->buf, "\xEF\xBB\xBF", 3))
		tr->pos = 3; /* UTF-8 byte order mark */
	tr->delimiter = options && options->delimiter ? options->delimiter
		      : detect_delimiter(tr->buf + tr->pos, tr->end - tr->pos);
	if (!(options && options->no_header)) {
		int r = table_next(tr, err);
		if (r <= 0) {
			table_close(tr);
			return r < 0 ? -r : cra_fail(err, EX_DATAERR, "%s: empty input (no header line)", name);
		}
		if ((r = table_use_record_as_header(tr, err))) {
			table_close(tr);
			return r;
		}
	}
	*out = tr;
	return 0;
}

int table_open(struct table_reader **out, const char *path,
	       const struct table_reader_options *options, struct cra_error *err)
{
	if (!strcmp(path, "-"))
		return table_open_fd(out, STDIN_FILENO, "<stdin>", options, err);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cra_fail(err, errno == ENOENT ? EX_NOINPUT : EX_NOINPUT, "%s: %s", path,
				strerror(errno));
	int r = table_open_fd(out, fd, path, options, err);
	if (r) {
		close(fd);
		return r;
	}
	(*out)->own_fd = true;
	return 0;
}

void table_close(struct table_reader *tr)
{
	if (!tr)
		return;
	if (tr->own_fd)
		close(tr->fd);
	for (size_t i = 0; tr->header && i < tr->ncols; i++)
		free(tr->header[i]);
	free(tr->header);
	free(tr->fields);
	free(tr->buf);
	free(tr->name);
	free(tr);
}

int table_use_record_as_header(struct table_reader *tr, struct cra_error *err)
{
	for (size_t i = 0; tr->header && i < tr->ncols; i++)
		free(tr->header[i]);
	free(tr->header);
	tr->ncols = tr->nfields;
	tr->header = calloc(tr->ncols, sizeof *tr->header);
	if (!tr->header)
		return cra_fail(err, EX_OSERR, "out of memory");
	for (size_t i = 0; i < tr->ncols; i++) {
		size_t len;
		const char *f = table_field(tr, i, &len);
		if (!(tr->header[i] = trimmed_copy(f, len)))
			return cra_fail(err, EX_OSERR, "out of memory");
	}
	return 0;
}

size_t table_nfields(const struct table_reader *tr) { return tr->nfields; }

const char *table_field(const struct table_reader *tr, size_t i, size_t *len)
{
	if (i >= tr->nfields)
		return NULL;
	*len = tr->fields[i].len;
	return tr->buf + tr->fields[i].start;
}

size_t table_ncols(const struct table_reader *tr) { return tr->ncols; }

const char *table_column_name(const struct table_reader *tr, size_t i)
{
	return i < tr->ncols ? tr->header[i] : NULL;
}

int table_find(const struct table_reader *tr, const char *name)
{
	for (size_t i = 0; i < tr->ncols; i++)
		if (!strcasecmp(tr->header[i], name))
			return (int)i;
	return -1;
}

const char *table_name(const struct table_reader *tr) { return tr->name; }
size_t table_line(const struct table_reader *tr) { return tr->record_line; }
char table_delimiter(const struct table_reader *tr) { return tr->delimiter; }
