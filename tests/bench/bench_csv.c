/* bench_csv - how fast libcra reads a candle table.
 *
 *   bench_csv FILE ROUNDS
 *
 * Prints, for each round, the seconds taken by (a) the table reader alone, splitting every
 * record into fields, and (b) candles_load: fields, exact number parsing, validation of every
 * row, into column arrays - what every program does with its input.  tests/bench/bench_csv.sh
 * runs it beside pandas.read_csv.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "candles_io.h"
#include "table_reader.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_csv FILE ROUNDS\n");
		return 64;
	}
	int rounds = atoi(argv[2]);
	struct cra_error err = { 0 };
	for (int r = 0; r < rounds; r++) {
		double t0 = now();
		struct table_reader *tr;
		if (table_open(&tr, argv[1], NULL, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		size_t rows = 0, fields = 0;
		int k;
		while ((k = table_next(tr, &err)) == 1) {
			rows++;
			fields += table_nfields(tr);
		}
		table_close(tr);
		double t1 = now();
		struct candles c;
		candles_init(&c);
		if (candles_load(argv[1], &c, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		double t2 = now();
		printf("split %.6f load %.6f rows %zu fields %zu\n", t1 - t0, t2 - t1, c.n, fields);
		candles_free(&c);
	}
	return 0;
}
