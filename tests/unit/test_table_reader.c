/* The CSV/TSV reader on the awkward inputs real files have. */
#include "check.h"
#include "table_reader.h"
#include "testfiles.h"

static const char *dir;

/* Reads a whole file and returns its records joined as "a|b|c;" for easy comparison. */
static char *read_all(const char *text, size_t len, bool no_header, int *status, char *header)
{
	char *path = write_file(dir, "t.csv", text, len);
	struct table_reader *tr;
	struct cra_error err = { 0 };
	struct table_reader_options o = { .no_header = no_header, .delimiter = 0 };
	static char out[1 << 16];
	out[0] = '\0';
	*status = table_open(&tr, path, &o, &err);
	free(path);
	if (*status)
		return out;
	if (header) {
		header[0] = '\0';
		for (size_t i = 0; i < table_ncols(tr); i++)
			strcat(strcat(header, table_column_name(tr, i)), "|");
	}
	int r;
	while ((r = table_next(tr, &err)) == 1) {
		for (size_t i = 0; i < table_nfields(tr); i++) {
			size_t n;
			const char *f = table_field(tr, i, &n);
			strncat(out, f, n);
			strcat(out, i + 1 < table_nfields(tr) ? "|" : ";");
		}
	}
	*status = r < 0 ? -r : 0;
	table_close(tr);
	return out;
}

#define READ(text, header, status) read_all(text, sizeof(text) - 1, false, status, header)

int main(void)
{
	dir = test_dir("table_reader");
	int st;
	char header[256];

	CHECK_STR(READ("a,b\n1,2\n3,4\n", header, &st), "1|2;3|4;");
	CHECK_STR(header, "a|b|");
	/* CRLF, no final newline, blank lines (including trailing ones), BOM */
	CHECK_STR(READ("a,b\r\n1,2\r\n\r\n3,4", header, &st), "1|2;3|4;");
	CHECK_STR(READ("\xEF\xBB\xBFopen_time,close\n1,2\n\n\n", header, &st), "1|2;");
	CHECK_STR(header, "open_time|close|");
	/* quoted fields: delimiters, quotes, newlines inside */
	CHECK_STR(READ("a,b\n\"x,y\",\"say \"\"hi\"\"\"\n\"multi\nline\",z\n", header, &st),
		  "x,y|say \"hi\";multi\nline|z;");
	CHECK_STR(READ("a,b\n\"\",\n", header, &st), "|;");
	/* TSV detected from the header; commas inside TSV cells are data */
	CHECK_STR(READ("a\tb\n1,5\t2\n", header, &st), "1,5|2;");
	CHECK_STR(header, "a|b|");
	/* header names are trimmed, lookup ignores case */
	READ(" Open_Time , Close\n1,2\n", header, &st);
	CHECK_STR(header, "Open_Time|Close|");

	/* errors */
	READ("a,b\n\"open,2\n", header, &st);
	CHECK_INT(st, EX_DATAERR);
	READ("", header, &st);
	CHECK_INT(st, EX_DATAERR);
	READ("\n\n", header, &st);
	CHECK_INT(st, EX_DATAERR);
	struct table_reader *tr;
	struct cra_error err = { 0 };
	CHECK_INT(table_open(&tr, "/nonexistent/x.csv", NULL, &err), EX_NOINPUT);
	CHECK(strstr(err.msg, "/nonexistent/x.csv") != NULL);

	/* A huge line is refused with its line number, not buffered without end. */
	size_t big = TABLE_MAX_RECORD + 100;
	char *huge = malloc(big + 16);
	memcpy(huge, "a,b\n1,2\n", 8);
	memset(huge + 8, 'x', big);
	char *p = write_file(dir, "huge.csv", huge, big + 8);
	CHECK_INT(table_open(&tr, p, NULL, &err), 0);
	CHECK_INT(table_next(tr, &err), 1);
	CHECK_INT(table_next(tr, &err), -EX_DATAERR);
	CHECK(strstr(err.msg, ":3:") != NULL);
	table_close(tr);
	free(p);
	free(huge);

	/* Many records crossing buffer refills, with line numbers kept right; table_find. */
	size_t rows = 200000, cap = rows * 40 + 64, len = 0;
	char *text = malloc(cap);
	len += (size_t)sprintf(text, "open_time,open,note\n");
	for (size_t i = 0; i < rows; i++)
		len += (size_t)sprintf(text + len, "%zu,%zu.5,\"q,%zu\"\n", i, i * 3, i % 7);
	p = write_file(dir, "many.csv", text, len);
	CHECK_INT(table_open(&tr, p, NULL, &err), 0);
	CHECK_INT(table_find(tr, "OPEN"), 1);
	CHECK_INT(table_find(tr, "missing"), -1);
	size_t n = 0;
	int ok = 1;
	while (table_next(tr, &err) == 1) {
		size_t flen;
		const char *f = table_field(tr, 2, &flen);
		char expect[32];
		int elen = sprintf(expect, "q,%zu", n % 7);
		ok &= flen == (size_t)elen && !memcmp(f, expect, flen);
		ok &= table_line(tr) == n + 2;
		n++;
	}
	CHECK(ok);
	CHECK_INT(n, rows);
	table_close(tr);
	free(p);
	free(text);

	/* no_header + table_unread + table_use_record_as_header */
	p = WRITE_TEXT(dir, "nh.csv", "1,2\n3,4\n");
	struct table_reader_options nh = { .no_header = true, .delimiter = 0 };
	CHECK_INT(table_open(&tr, p, &nh, &err), 0);
	CHECK_INT(table_next(tr, &err), 1);
	table_unread(tr);
	CHECK_INT(table_next(tr, &err), 1);
	size_t flen;
	const char *f0 = table_field(tr, 0, &flen);
	CHECK(flen == 1 && f0[0] == '1');
	CHECK_INT(table_use_record_as_header(tr, &err), 0);
	CHECK_INT(table_find(tr, "2"), 1);
	CHECK_INT(table_next(tr, &err), 1);
	f0 = table_field(tr, 1, &flen);
	CHECK(flen == 1 && f0[0] == '4');
	CHECK(table_field(tr, 2, &flen) == NULL);
	CHECK_INT(table_next(tr, &err), 0);
	table_close(tr);
	free(p);
	return check_finish();
}
