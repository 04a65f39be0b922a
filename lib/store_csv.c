/* store_csv.c - the embedded default store: one candle table per series in a directory.
 *
 * $DIR/SYMBOL-INTERVAL.csv holds the series, sorted, without duplicates.  A merge takes an
 * exclusive flock on $DIR/.SYMBOL-INTERVAL.lock, reads the file, merges in memory and, only
 * if something changed, writes the whole file anew through atomic_file (temp + fsync +
 * rename).  Readers take no lock: rename makes every version they can open complete.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "candles_io.h"
#include "file_lock.h"
#include "store_backend.h"
#include "symbol.h"

struct csv_store {
	char *dir;
};

static char *series_path(const struct store *s, const char *prefix, const char *symbol,
			 const struct interval *iv, const char *suffix)
{
	const struct csv_store *cs = s->backend;
	char *path;
	if (asprintf(&path, "%s/%s%s-%s%s", cs->dir, prefix, symbol, iv->name, suffix) < 0)
		return NULL;
	return path;
}

/* Reads the stored file; a missing file is an empty series. */
static int read_series(const char *path, struct candles *out, bool *exists, struct cra_error *err)
{
	candles_clear(out);
	if (access(path, F_OK) != 0) {
		*exists = false;
		return 0;
	}
	*exists = true;
	int r = candles_load(path, out, err);
	if (r)
		cra_error_prefix(err, "stored series is damaged: ");
	return r;
}

static int csv_load(struct store *s, const char *symbol, const struct interval *iv, int64_t from,
		    int64_t to, struct candles *out, bool *exists, struct cra_error *err)
{
	char *path = series_path(s, "", symbol, iv, ".csv");
	if (!path)
		return cra_fail(err, EX_OSERR, "out of memory");
	struct candles all;
	candles_init(&all);
	int r = read_series(path, &all, exists, err);
	free(path);
	if (!r && (from != INT64_MIN || to != INT64_MAX)) {
		if (candles_slice(&all, from, to, out))
			r = cra_fail(err, EX_OSERR, "out of memory");
		candles_free(&all);
		return r;
	}
	candles_free(out);
	*out = all;
	return r;
}

static int write_series(const char *path, const struct candles *c, struct cra_error *err)
{
	struct atomic_file af;
	int r = atomic_file_open(&af, path, err);
	if (r)
		return r;
	struct table_writer *w = malloc(sizeof *w);
	if (!w) {
		atomic_file_abort(&af);
		return cra_fail(err, EX_OSERR, "out of memory");
	}
	tw_init(w, af.fd, ',');
	candles_write(w, c);
	r = tw_flush(w, path, err);
	free(w);
	if (r) {
		atomic_file_abort(&af);
		return r;
	}
	return atomic_file_commit(&af, err);
}

static int csv_merge(struct store *s, const char *symbol, const struct interval *iv,
		     const struct candles *add, struct merge_stats *stats, struct cra_error *err)
{
	char *path = series_path(s, "", symbol, iv, ".csv");
	char *lock_path = series_path(s, ".", symbol, iv, ".lock");
	int lock_fd = -1, r = 0;
	struct candles stored;
	candles_init(&stored);
	if (!path || !lock_path) {
		r = cra_fail(err, EX_OSERR, "out of memory");
		goto out;
	}
	if ((r = file_lock_acquire(lock_path, &lock_fd, err)))
		goto out;
	atomic_file_sweep_stale(path); /* we hold the lock: any temp file is a dead writer's */
	bool exists;
	if ((r = read_series(path, &stored, &exists, err)))
		goto out;
	if (candles_merge(&stored, add, stats)) {
		r = cra_fail(err, EX_OSERR, "out of memory");
		goto out;
	}
	if (!exists || stats->added || stats->enriched)
		r = write_series(path, &stored, err);
out:
	file_lock_release(lock_fd);
	candles_free(&stored);
	free(path);
	free(lock_path);
	return r;
}

/* The last line of a file, read from its end, without loading the series. */
static int csv_latest(struct store *s, const char *symbol, const struct interval *iv,
		      int64_t *open_time, bool *exists, struct cra_error *err)
{
	struct candles c;
	candles_init(&c);
	int r = csv_load(s, symbol, iv, INT64_MIN, INT64_MAX, &c, exists, err);
	if (!r) {
		*exists = c.n > 0;
		if (c.n)
			*open_time = c.open_time[c.n - 1];
	}
	candles_free(&c);
	return r;
}

/* SYMBOL-INTERVAL.csv -> symbol and interval, or false for any other file name. */
static bool parse_series_name(const char *name, struct series_info *info)
{
	const char *dash = strrchr(name, '-'), *dot = strrchr(name, '.');
	if (!dash || !dot || dot < dash || strcmp(dot, ".csv"))
		return false;
	size_t slen = (size_t)(dash - name), ilen = (size_t)(dot - dash - 1);
	if (slen >= sizeof info->symbol || ilen >= sizeof info->interval)
		return false;
	memcpy(info->symbol, name, slen);
	info->symbol[slen] = '\0';
	memcpy(info->interval, dash + 1, ilen);
	info->interval[ilen] = '\0';
	struct interval iv;
	return symbol_valid(info->symbol) && interval_parse(info->interval, &iv) == 0;
}

static int csv_list(struct store *s, struct series_info **list, size_t *n, struct cra_error *err)
{
	const struct csv_store *cs = s->backend;
	*list = NULL;
	*n = 0;
	DIR *d = opendir(cs->dir);
	if (!d)
		return cra_fail(err, EX_NOINPUT, "%s: %s", cs->dir, strerror(errno));
	size_t cap = 0;
	int r = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		struct series_info info = { 0 };
		if (!parse_series_name(e->d_name, &info))
			continue;
		struct interval iv;
		interval_parse(info.interval, &iv);
		struct candles c;
		candles_init(&c);
		bool exists;
		r = csv_load(s, info.symbol, &iv, INT64_MIN, INT64_MAX, &c, &exists, err);
		if (!r && c.n) {
			info.rows = c.n;
			info.first = c.open_time[0];
			info.last = c.open_time[c.n - 1];
		}
		candles_free(&c);
		if (r)
			break;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			struct series_info *grown = realloc(*list, cap * sizeof *grown);
			if (!grown) {
				r = cra_fail(err, EX_OSERR, "out of memory");
				break;
			}
			*list = grown;
		}
		(*list)[(*n)++] = info;
	}
	closedir(d);
	if (r) {
		free(*list);
		*list = NULL;
		*n = 0;
		return r;
	}
	series_info_sort(*list, *n);
	return 0;
}

static void csv_close(struct store *s)
{
	struct csv_store *cs = s->backend;
	free(cs->dir);
	free(cs);
}

static const struct store_ops csv_ops = {
	.load = csv_load,
	.merge = csv_merge,
	.latest = csv_latest,
	.list = csv_list,
	.close = csv_close,
};

int store_csv_open(struct store *s, const char *dir, struct cra_error *err)
{
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return cra_fail(err, EX_CANTCREAT, "%s: cannot create data directory: %s", dir,
				strerror(errno));
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return cra_fail(err, EX_CANTCREAT, "%s: not a directory", dir);
	struct csv_store *cs = calloc(1, sizeof *cs);
	if (!cs || !(cs->dir = strdup(dir))) {
		free(cs);
		return cra_fail(err, EX_OSERR, "out of memory");
	}
	s->ops = &csv_ops;
	s->backend = cs;
	snprintf(s->description, sizeof s->description, "data directory %s", dir);
	return 0;
}
