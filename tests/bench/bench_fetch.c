/* bench_fetch - the client-side cost of a kline page, without a network or a store.
 *
 *   bench_fetch PAGE.json ROUNDS
 *
 * PAGE.json is one /api/v3/klines answer (1000 klines, as the mock or Binance sends them).
 * Each round parses it 200 times with binance_parse_klines (jansson's tree, then exact decimal
 * parsing of every price string into the column arrays) and prints the seconds and candles
 * per second.  tests/bench/bench_fetch.sh runs it beside the end-to-end downloads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "binance.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_fetch PAGE.json ROUNDS\n");
		return 64;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 66;
	}
	static char page[1 << 22];
	size_t len = fread(page, 1, sizeof page, f);
	fclose(f);
	int rounds = atoi(argv[2]);
	struct candles c;
	candles_init(&c);
	struct cra_error err = { 0 };
	for (int r = 0; r < rounds; r++) {
		double t0 = now();
		size_t candles = 0;
		for (int k = 0; k < 200; k++) {
			if (binance_parse_klines(page, len, &c, &err)) {
				fprintf(stderr, "%s\n", err.msg);
				return 65;
			}
			candles += c.n;
		}
		double t = now() - t0;
		printf("parse %.6f candles %zu rate %.0f bytes %zu\n", t, candles, candles / t, len * 200);
	}
	candles_free(&c);
	return 0;
}
