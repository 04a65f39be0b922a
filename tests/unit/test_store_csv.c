/* The CSV data directory store: merging, idempotence, locking against concurrent writers,
 * and crash safety of the atomic rewrite. */
#include <signal.h>
#include <sys/wait.h>

#include "atomic_file.h"
#include "candles_io.h"
#include "check.h"
#include "store.h"
#include "testfiles.h"
#include "timefmt.h"

#define H MS_PER_HOUR
static const int64_t T0 = 1617566400000LL;

/* Hourly candles for hours [from, to), values derived from the hour so any two writers agree. */
static void make_series(struct candles *c, int from, int to)
{
	candles_clear(c);
	for (int k = from; k < to; k++) {
		double p = 100 + k % 17;
		double row[CANDLE_NFIELDS] = { p, p + 2, p - 1, p + 1, k, NAN, NAN, NAN, NAN, NAN };
		candles_push(c, T0 + k * H, row);
	}
}

static struct store *open_dir(const char *d)
{
	struct store *s;
	struct cra_error err = { 0 };
	struct store_options o = { .data_dir = d, .db_uri = "" };
	if (store_open(&s, &o, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		exit(1);
	}
	return s;
}

int main(void)
{
	const char *dir = test_dir("store_csv");
	char data[600];
	snprintf(data, sizeof data, "%s/data", dir);
	unsetenv("CRA_DB");
	struct store *s = open_dir(data); /* creates the directory */
	struct interval h1;
	interval_parse("1h", &h1);
	struct cra_error err = { 0 };
	struct candles a, b, back;
	candles_init(&a);
	candles_init(&b);
	candles_init(&back);

	bool exists = true;
	CHECK_INT(store_load(s, "BTCUSDT", &h1, INT64_MIN, INT64_MAX, &back, &exists, &err), 0);
	CHECK(!exists && back.n == 0);

	make_series(&a, 0, 100);
	struct merge_stats st;
	CHECK_INT(store_merge(s, "BTCUSDT", &h1, &a, &st, &err), 0);
	CHECK_INT(st.added, 100);
	CHECK_INT(store_merge(s, "BTCUSDT", &h1, &a, &st, &err), 0);
	CHECK_INT(st.added, 0);
	CHECK_INT(st.present, 100);
	make_series(&b, 50, 150);
	CHECK_INT(store_merge(s, "BTCUSDT", &h1, &b, &st, &err), 0);
	CHECK_INT(st.added, 50);
	CHECK_INT(st.present, 50);
	CHECK_INT(store_load(s, "BTCUSDT", &h1, INT64_MIN, INT64_MAX, &back, &exists, &err), 0);
	make_series(&a, 0, 150);
	CHECK(exists && candles_equal(&back, &a));
	CHECK_INT(store_load(s, "BTCUSDT", &h1, T0 + 10 * H, T0 + 20 * H, &back, &exists, &err), 0);
	CHECK_INT(back.n, 10);
	CHECK_INT(back.open_time[0], T0 + 10 * H);
	int64_t latest = 0;
	CHECK_INT(store_latest(s, "BTCUSDT", &h1, &latest, &exists, &err), 0);
	CHECK(exists && latest == T0 + 149 * H);

	/* Refusals: bad symbols never reach a file name; misaligned or invalid candles. */
	CHECK_INT(store_merge(s, "../etc", &h1, &a, &st, &err), EX_USAGE);
	CHECK_INT(store_merge(s, "btcusdt", &h1, &a, &st, &err), EX_USAGE);
	make_series(&b, 0, 2);
	b.open_time[1] += 1;
	CHECK_INT(store_merge(s, "ETHUSDT", &h1, &b, &st, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "not on a 1h boundary"));
	make_series(&b, 0, 2);
	b.v[CF_HIGH][0] = 1;
	CHECK_INT(store_merge(s, "ETHUSDT", &h1, &b, &st, &err), EX_DATAERR);
	char eth[700];
	snprintf(eth, sizeof eth, "%s/ETHUSDT-1h.csv", data);
	CHECK(access(eth, F_OK) != 0); /* nothing was written */

	/* list */
	make_series(&b, 0, 5);
	struct interval d1;
	interval_parse("1d", &d1);
	b.open_time[0] = T0 - 20 * H; /* 2021-04-04T00:00Z */
	for (int k = 1; k < 5; k++)
		b.open_time[k] = b.open_time[0] + k * 24 * H;
	CHECK_INT(store_merge(s, "BTCUSDT", &d1, &b, &st, &err), 0);
	CHECK_INT(store_merge(s, "ADAUSDT", &h1, &a, &st, &err), 0);
	struct series_info *list;
	size_t n;
	CHECK_INT(store_list(s, &list, &n, &err), 0);
	CHECK_INT(n, 3);
	CHECK_STR(list[0].symbol, "ADAUSDT");
	CHECK_STR(list[1].interval, "1h");
	CHECK_STR(list[2].interval, "1d");
	CHECK_INT(list[1].rows, 150);
	CHECK_INT(list[1].first, T0);
	free(list);

	/* A damaged stored file is reported, not overwritten. */
	char path[700];
	snprintf(path, sizeof path, "%s/ADAUSDT-1h.csv", data);
	FILE *f = fopen(path, "a");
	fputs("garbage,row\n", f);
	fclose(f);
	CHECK_INT(store_merge(s, "ADAUSDT", &h1, &a, &st, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "damaged") && strstr(err.msg, "ADAUSDT-1h.csv:152"));

	/* Concurrency: 4 processes each merge 20 overlapping slices of the same series at once;
	 * the lock makes the result the exact union, with no duplicates and no lost rows. */
	for (int p = 0; p < 4; p++) {
		if (fork() == 0) {
			struct store *cs = open_dir(data);
			struct candles slice;
			candles_init(&slice);
			for (int k = 0; k < 20; k++) {
				make_series(&slice, p * 37 + k * 11, p * 37 + k * 11 + 60);
				if (store_merge(cs, "XRPUSDT", &h1, &slice, NULL, &err)) {
					fprintf(stderr, "child: %s\n", err.msg);
					_exit(1);
				}
			}
			candles_free(&slice);
			store_close(cs);
			store_close(s); /* the parent's store, copied by fork: freed so memcheck
					 * finds nothing lost in the child (it holds no descriptor) */
			_exit(0);
		}
	}
	int all_ok = 1, status;
	while (wait(&status) > 0)
		all_ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
	CHECK(all_ok);
	CHECK_INT(store_load(s, "XRPUSDT", &h1, INT64_MIN, INT64_MAX, &back, &exists, &err), 0);
	make_series(&a, 0, 3 * 37 + 19 * 11 + 60);
	CHECK(candles_equal(&back, &a));

	/* A writer killed mid-write (SIGKILL) leaves the old file intact and a temp file that the
	 * next writer sweeps. */
	snprintf(path, sizeof path, "%s/XRPUSDT-1h.csv", data);
	pid_t child = fork();
	if (child == 0) {
		struct atomic_file af;
		if (atomic_file_open(&af, path, &err))
			_exit(1);
		if (write(af.fd, "open_time,open\n1,", 17) != 17)
			_exit(1);
		store_close(s); /* as above: memcheck checks for leaks even at the SIGKILL */
		raise(SIGKILL);
	}
	waitpid(child, &status, 0);
	CHECK(WIFSIGNALED(status));
	char cmd[800];
	snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -c '^.XRPUSDT-1h.csv.tmp-' >/dev/null", data);
	CHECK_INT(system(cmd), 0); /* the dead writer's temp file is there ... */
	CHECK_INT(store_load(s, "XRPUSDT", &h1, INT64_MIN, INT64_MAX, &back, &exists, &err), 0);
	CHECK(candles_equal(&back, &a)); /* ... and the series is untouched */
	make_series(&b, 0, 400);
	CHECK_INT(store_merge(s, "XRPUSDT", &h1, &b, &st, &err), 0);
	CHECK_INT(system(cmd) == 0, 0); /* swept under the lock */

	/* An aborted atomic file leaves nothing; a committed one appears whole. */
	char other[700];
	snprintf(other, sizeof other, "%s/out.csv", dir);
	struct atomic_file af;
	CHECK_INT(atomic_file_open(&af, other, &err), 0);
	CHECK(write(af.fd, "x\n", 2) == 2);
	atomic_file_abort(&af);
	CHECK(access(other, F_OK) != 0);
	CHECK_INT(atomic_file_open(&af, other, &err), 0);
	CHECK(write(af.fd, "x\n", 2) == 2);
	CHECK(access(other, F_OK) != 0);
	CHECK_INT(atomic_file_commit(&af, &err), 0);
	CHECK(access(other, F_OK) == 0);
	CHECK_INT(atomic_file_open(&af, "/nonexistent/dir/x", &err), EX_CANTCREAT);

	store_close(s);
	candles_free(&a);
	candles_free(&b);
	candles_free(&back);
	return check_finish();
}
