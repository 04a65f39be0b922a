/* fuzz_table_reader.c - the CSV/TSV reader (table_reader.h) on arbitrary bytes.
 *
 * The first byte chooses the options: bit 0 no header, bits 1-2 the delimiter (detected, comma,
 * tab), bit 3 whether each record is read twice through table_unread.  The rest is the table.
 * Every field of every record is read byte by byte (AddressSanitizer checks each stays inside
 * the buffer), and what the header promises is checked.
 */
#include "fuzz.h"
#include "table_reader.h"

/* Every header name is found by table_find, at its own column or an earlier one of the same
 * name (names compare case-insensitively, the first wins). */
static void check_header(const struct table_reader *tr)
{
	for (size_t i = 0; i < table_ncols(tr); i++) {
		const char *name = table_column_name(tr, i);
		FUZZ_CHECK(name != NULL);
		int c = table_find(tr, name);
		FUZZ_CHECK(c >= 0 && (size_t)c <= i);
	}
	FUZZ_CHECK(table_column_name(tr, table_ncols(tr)) == NULL);
}

/* Touches every byte of every field; returns a sum so the reads are not optimised away. */
static unsigned touch_record(const struct table_reader *tr)
{
	unsigned sum = 0;
	size_t n = table_nfields(tr), len;
	FUZZ_CHECK(n >= 1);
	for (size_t i = 0; i < n; i++) {
		const char *f = table_field(tr, i, &len);
		FUZZ_CHECK(f != NULL);
		for (size_t k = 0; k < len; k++)
			sum += (unsigned char)f[k];
	}
	FUZZ_CHECK(table_field(tr, n, &len) == NULL);
	return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const char delimiters[4] = { 0, ',', '\t', 0 };
	struct table_reader_options o = { .no_header = data[0] & 1,
					  .delimiter = delimiters[(data[0] >> 1) & 3] };
	bool unread = data[0] & 8;
	struct fuzz_file *f = fuzz_file_set(0, data + 1, size - 1);
	struct table_reader *tr;
	struct cra_error err = { 0 };
	if (table_open_fd(&tr, f->fd, "fuzz", &o, &err)) {
		FUZZ_CHECK(err.status != 0 && err.msg[0]);
		return 0;
	}
	FUZZ_CHECK(table_delimiter(tr) == ',' || table_delimiter(tr) == '\t');
	check_header(tr);
	size_t last_line = 0;
	int r;
	while ((r = table_next(tr, &err)) == 1) {
		FUZZ_CHECK(table_line(tr) >= last_line && table_line(tr) >= 1);
		last_line = table_line(tr);
		unsigned sum = touch_record(tr);
		if (unread) {
			table_unread(tr);
			FUZZ_CHECK(table_next(tr, &err) == 1 && table_line(tr) == last_line);
			FUZZ_CHECK(touch_record(tr) == sum);
		}
		if (o.no_header && last_line == 1 && table_use_record_as_header(tr, &err) == 0)
			check_header(tr);
	}
	FUZZ_CHECK(r == 0 || (r < 0 && err.status == -r && err.msg[0]));
	table_close(tr);
	return 0;
}
