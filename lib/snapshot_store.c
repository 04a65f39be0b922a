/* snapshot_store.c - price, book and funding series in CSV files or PostgreSQL; see
 * snapshot_store.h.
 *
 * The three tables share one shape - a time, for prices a symbol, and a few numbers - so one
 * description (struct layout) drives reading, appending and merging for all of them.
 */
#include "snapshot_store.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "file_lock.h"
#include "number.h"
#include "symbol.h"
#include "table_reader.h"
#include "table_writer.h"

#define MAX_VALUES 5

/* A table: its CSV columns after time (and symbol), its SQL name and columns. */
struct layout {
	const char *sql_table;
	bool has_symbol_column; /* in the CSV file (tickers.csv holds every symbol) */
	size_t nvalues;
	const char *columns[MAX_VALUES];
	size_t nrequired;       /* the first nrequired values may not be empty */
};

static const struct layout prices_layout = {
	"ticker_prices", true, 1, { "price" }, 1,
};
static const struct layout book_layout = {
	"book_tickers", false, 5, { "bid_price", "bid_qty", "ask_price", "ask_qty", "spread" }, 5,
};
static const struct layout funding_layout = {
	"funding_rates", false, 2, { "funding_rate", "mark_price" }, 1,
};

/* Rows of one table in memory. */
struct rows {
	size_t n, cap;
	int64_t *time;
	char (*symbol)[24];
	double *v; /* n x MAX_VALUES */
};

static void rows_free(struct rows *r)
{
	free(r->time);
	free(r->symbol);
	free(r->v);
	memset(r, 0, sizeof *r);
}

static int rows_push(struct rows *r, int64_t t, const char *symbol, const double *v, size_t nv)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 256;
		int64_t *nt = realloc(r->time, cap * sizeof *nt);
		if (nt)
			r->time = nt;
		char(*ns)[24] = realloc(r->symbol, cap * sizeof *ns);
		if (ns)
			r->symbol = ns;
		double *nvv = realloc(r->v, cap * MAX_VALUES * sizeof *nvv);
		if (nvv)
			r->v = nvv;
		if (!nt || !ns || !nvv)
			return -1;
		r->cap = cap;
	}
	r->time[r->n] = t;
	snprintf(r->symbol[r->n], sizeof r->symbol[0], "%s", symbol ? symbol : "");
	for (size_t k = 0; k < MAX_VALUES; k++)
		r->v[r->n * MAX_VALUES + k] = k < nv ? v[k] : NAN;
	r->n++;
	return 0;
}

struct snapshot_store {
	char *dir;  /* CSV directory, or NULL */
	PGconn *pg; /* or a database */
	char description[256];
};

const char *snapshot_store_describe(const struct snapshot_store *s) { return s->description; }

/* --- CSV files ---------------------------------------------------------------------- */

static char *file_path(const struct snapshot_store *s, const char *prefix, const char *name)
{
	char *p;
	return asprintf(&p, "%s/%s%s", s->dir, prefix, name) < 0 ? NULL : p;
}

/* Reads a whole snapshot table; a missing file is no rows. */
static int csv_read(const char *path, const struct layout *L, struct rows *out,
		    struct cra_error *err)
{
	if (access(path, F_OK) != 0)
		return 0;
	struct table_reader *tr;
	int r = table_open(&tr, path, NULL, err);
	if (r)
		return r;
	int tcol = table_find(tr, "time"), scol = L->has_symbol_column ? table_find(tr, "symbol") : -1;
	int col[MAX_VALUES];
	for (size_t k = 0; k < L->nvalues; k++)
		col[k] = table_find(tr, L->columns[k]);
	if (tcol < 0 || (L->has_symbol_column && scol < 0) || col[0] < 0) {
		table_close(tr);
		return cra_fail(err, EX_DATAERR, "%s:1: expected the columns time%s,%s...", path,
				L->has_symbol_column ? ",symbol" : "", L->columns[0]);
	}
	while ((r = table_next(tr, err)) == 1) {
		size_t len;
		const char *f = table_field(tr, (size_t)tcol, &len);
		int64_t t;
		double v[MAX_VALUES];
		bool ok = f && number_parse_int64(f, len, &t) == 0;
		for (size_t k = 0; ok && k < L->nvalues; k++) {
			v[k] = NAN;
			if (col[k] < 0)
				continue;
			f = table_field(tr, (size_t)col[k], &len);
			if (f && len == 0 && k >= L->nrequired)
				continue;
			ok = f && number_parse_double(f, len, &v[k]) == 0;
		}
		char sym[24] = "";
		if (ok && scol >= 0) {
			f = table_field(tr, (size_t)scol, &len);
			ok = f && len < sizeof sym;
			if (ok) {
				memcpy(sym, f, len);
				sym[len] = '\0';
			}
		}
		if (!ok) {
			r = cra_fail(err, EX_DATAERR, "%s:%zu: unreadable row", path, table_line(tr));
			break;
		}
		if (rows_push(out, t, sym, v, L->nvalues)) {
			r = cra_fail(err, EX_OSERR, "out of memory");
			break;
		}
	}
	table_close(tr);
	return r < 0 ? -r : r;
}

static void write_header(struct table_writer *w, const struct layout *L)
{
	tw_str(w, "time");
	if (L->has_symbol_column)
		tw_str(w, "symbol");
	for (size_t k = 0; k < L->nvalues; k++)
		tw_str(w, L->columns[k]);
	tw_end_row(w);
}

static void write_row(struct table_writer *w, const struct layout *L, const struct rows *r,
		      size_t i)
{
	tw_int(w, r->time[i]);
	if (L->has_symbol_column)
		tw_str(w, r->symbol[i]);
	for (size_t k = 0; k < L->nvalues; k++)
		tw_double(w, r->v[i * MAX_VALUES + k]); /* NaN: an empty cell */
}

/* Copies the whole of `from` to fd, remembering the time at the start of its last line. */
static int copy_and_find_last_time(int from, int fd, const char *path, int64_t *last_time,
				   struct cra_error *err)
{
	char buf[1 << 16], line[256];
	size_t line_len = 0;
	bool at_line_start = true;
	size_t lines = 0;
	*last_time = INT64_MIN;
	for (;;) {
		ssize_t n = read(from, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cra_fail(err, EX_IOERR, "%s: %s", path, strerror(errno));
		if (n == 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			if (at_line_start) {
				line_len = 0;
				at_line_start = false;
			}
			if (buf[i] == '\n') {
				line[line_len < sizeof line ? line_len : sizeof line - 1] = '\0';
				int64_t t;
				const char *comma = strpbrk(line, ",\t");
				size_t tl = comma ? (size_t)(comma - line) : strlen(line);
				if (lines++ > 0 && number_parse_int64(line, tl, &t) == 0) {
					*last_time = t;
				}
				at_line_start = true;
			} else if (line_len < sizeof line - 1) {
				line[line_len++] = buf[i];
			}
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return cra_fail(err, EX_IOERR, "%s: write error: %s", path, strerror(errno));
			off += w;
		}
	}
	if (!at_line_start) /* a last line without its newline (edited by hand): end it */
		if (write(fd, "\n", 1) != 1)
			return cra_fail(err, EX_IOERR, "%s: write error: %s", path, strerror(errno));
	if (lines == 0)
		return cra_fail(err, EX_DATAERR, "%s: empty file (no header)", path);
	return 0;
}

/* Appends the rows newer than the file's last one: copy + new rows + rename, under the lock,
 * so that readers see the old file or the new one. */
static int csv_append(struct snapshot_store *s, const char *name, const struct layout *L,
		      const struct rows *add, size_t *added, struct cra_error *err)
{
	*added = 0;
	char *path = file_path(s, "", name), *lock = file_path(s, ".", name);
	char *lock_path = NULL;
	int lock_fd = -1, from = -1, r = 0;
	struct table_writer *w = malloc(sizeof *w);
	struct atomic_file af = { .fd = -1 };
	bool af_open = false;
	if (!path || !lock || !w || asprintf(&lock_path, "%s.lock", lock) < 0) {
		r = cra_fail(err, EX_OSERR, "out of memory");
		goto out;
	}
	if ((r = file_lock_acquire(lock_path, &lock_fd, err)))
		goto out;
	atomic_file_sweep_stale(path);
	if ((r = atomic_file_open(&af, path, err)))
		goto out;
	af_open = true;
	int64_t last = INT64_MIN;
	from = open(path, O_RDONLY | O_CLOEXEC);
	tw_init(w, af.fd, ',');
	if (from >= 0) {
		if ((r = copy_and_find_last_time(from, af.fd, path, &last, err)))
			goto out;
		if (lseek(af.fd, 0, SEEK_END) < 0) {
			r = cra_fail(err, EX_IOERR, "%s: %s", path, strerror(errno));
			goto out;
		}
	} else if (errno != ENOENT) {
		r = cra_fail(err, EX_NOINPUT, "%s: %s", path, strerror(errno));
		goto out;
	} else {
		write_header(w, L);
	}
	for (size_t i = 0; i < add->n; i++) {
		if (add->time[i] <= last)
			continue; /* already recorded: snapshots are appended in time order */
		write_row(w, L, add, i);
		tw_end_row(w);
		(*added)++;
	}
	if (*added == 0 && from >= 0)
		goto out; /* nothing new: leave the file alone */
	if ((r = tw_flush(w, path, err)))
		goto out;
	r = atomic_file_commit(&af, err);
	af_open = false;
out:
	if (af_open)
		atomic_file_abort(&af);
	if (from >= 0)
		close(from);
	file_lock_release(lock_fd);
	free(w);
	free(path);
	free(lock);
	free(lock_path);
	if (r)
		*added = 0;
	return r;
}

/* Merges rows (increasing in time) into a small file keyed by time, rewriting it atomically. */
static int csv_merge(struct snapshot_store *s, const char *name, const struct layout *L,
		     const struct rows *add, size_t *added, struct cra_error *err)
{
	*added = 0;
	char *path = file_path(s, "", name), *lock = file_path(s, ".", name), *lock_path = NULL;
	struct rows old = { 0 }, merged = { 0 };
	struct table_writer *w = malloc(sizeof *w);
	int lock_fd = -1, r = 0;
	if (!path || !lock || !w || asprintf(&lock_path, "%s.lock", lock) < 0) {
		r = cra_fail(err, EX_OSERR, "out of memory");
		goto out;
	}
	if ((r = file_lock_acquire(lock_path, &lock_fd, err)))
		goto out;
	atomic_file_sweep_stale(path);
	bool existed = access(path, F_OK) == 0;
	if ((r = csv_read(path, L, &old, err)))
		goto out;
	size_t i = 0, j = 0;
	while (i < old.n || j < add->n) {
		const struct rows *src;
		size_t k;
		if (j == add->n || (i < old.n && old.time[i] <= add->time[j])) {
			if (j < add->n && old.time[i] == add->time[j])
				j++; /* the stored row wins */
			src = &old, k = i++;
		} else {
			src = add, k = j++;
			(*added)++;
		}
		if (rows_push(&merged, src->time[k], src->symbol[k], src->v + k * MAX_VALUES,
			      MAX_VALUES)) {
			r = cra_fail(err, EX_OSERR, "out of memory");
			goto out;
		}
	}
	if (existed && *added == 0)
		goto out;
	struct atomic_file af;
	if ((r = atomic_file_open(&af, path, err)))
		goto out;
	tw_init(w, af.fd, ',');
	write_header(w, L);
	for (size_t k = 0; k < merged.n; k++) {
		write_row(w, L, &merged, k);
		tw_end_row(w);
	}
	if ((r = tw_flush(w, path, err))) {
		atomic_file_abort(&af);
		goto out;
	}
	r = atomic_file_commit(&af, err);
out:
	file_lock_release(lock_fd);
	rows_free(&old);
	rows_free(&merged);
	free(w);
	free(path);
	free(lock);
	free(lock_path);
	if (r)
		*added = 0;
	return r;
}

/* --- PostgreSQL ------------------------------------------------------------------------- */

static void ignore_notice(void *arg, const char *message)
{
	(void)arg, (void)message; /* "relation already exists, skipping": the library is quiet */
}

static int pg_fail(struct snapshot_store *s, PGresult *res, const char *what,
		   struct cra_error *err)
{
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(s->pg);
	char clean[512];
	snprintf(clean, sizeof clean, "%s", msg && *msg ? msg : "unknown error");
	size_t n = strlen(clean);
	while (n && (clean[n - 1] == '\n' || clean[n - 1] == ' '))
		clean[--n] = '\0';
	int status = PQstatus(s->pg) == CONNECTION_OK ? EX_SOFTWARE : EX_UNAVAILABLE;
	PQclear(res);
	return cra_fail(err, status, "PostgreSQL: %s: %s", what, clean);
}

static int pg_exec(struct snapshot_store *s, const char *sql, const char *what,
		   struct cra_error *err)
{
	PGresult *res = PQexec(s->pg, sql);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return pg_fail(s, res, what, err);
	PQclear(res);
	return 0;
}

static const char *const create_sql =
	"BEGIN;"
	"SELECT pg_advisory_xact_lock(7346102);" /* concurrent CREATE IF NOT EXISTS can clash */
	"CREATE TABLE IF NOT EXISTS ticker_prices (symbol text NOT NULL, time bigint NOT NULL, "
	"price double precision NOT NULL, PRIMARY KEY (symbol, time));"
	"CREATE TABLE IF NOT EXISTS book_tickers (symbol text NOT NULL, time bigint NOT NULL, "
	"bid_price double precision NOT NULL, bid_qty double precision NOT NULL, "
	"ask_price double precision NOT NULL, ask_qty double precision NOT NULL, "
	"spread double precision NOT NULL, PRIMARY KEY (symbol, time));"
	"CREATE TABLE IF NOT EXISTS funding_rates (symbol text NOT NULL, time bigint NOT NULL, "
	"funding_rate double precision NOT NULL, mark_price double precision, "
	"PRIMARY KEY (symbol, time));"
	"COMMIT;";

/* "host:port/db" for messages: never the password. */
static void pg_describe(struct snapshot_store *s)
{
	snprintf(s->description, sizeof s->description, "PostgreSQL %s:%s/%s", PQhost(s->pg),
		 PQport(s->pg), PQdb(s->pg));
}

static int pg_open(struct snapshot_store *s, const char *uri, struct cra_error *err)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		if (attempt)
			sleep(1);
		PQfinish(s->pg);
		s->pg = PQconnectdb(uri);
		if (s->pg && PQstatus(s->pg) == CONNECTION_OK)
			break;
	}
	if (!s->pg || PQstatus(s->pg) != CONNECTION_OK) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", s->pg ? PQerrorMessage(s->pg) : "out of memory");
		size_t n = strlen(msg);
		while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			msg[--n] = '\0';
		return cra_fail(err, EX_UNAVAILABLE, "cannot connect to PostgreSQL: %s", msg);
	}
	PQsetNoticeProcessor(s->pg, ignore_notice, NULL);
	pg_describe(s);
	int r = pg_exec(s, create_sql, "creating the snapshot tables", err);
	if (r)
		pg_exec(s, "ROLLBACK", "rollback", NULL);
	return r;
}

static void copy_number(char **p, double v)
{
	if (isnan(v)) {
		memcpy(*p, "\\N", 2);
		*p += 2;
	} else {
		*p += number_format_double(v, *p);
	}
}

/* One transaction: COPY the rows into a temporary table, then insert those not present. */
static int pg_insert(struct snapshot_store *s, const struct layout *L, const char *symbol,
		     const struct rows *add, size_t *added, struct cra_error *err)
{
	*added = 0;
	if (add->n == 0)
		return 0;
	char sql[512], cols[256] = "symbol, time";
	for (size_t k = 0; k < L->nvalues; k++) {
		size_t n = strlen(cols);
		snprintf(cols + n, sizeof cols - n, ", %s", L->columns[k]);
	}
	int r;
	if ((r = pg_exec(s, "BEGIN", "BEGIN", err)))
		return r;
	snprintf(sql, sizeof sql, "CREATE TEMP TABLE snapshot_in (LIKE %s) ON COMMIT DROP",
		 L->sql_table);
	if ((r = pg_exec(s, sql, "creating a temporary table", err)))
		goto fail;
	snprintf(sql, sizeof sql, "COPY snapshot_in (%s) FROM STDIN", cols);
	PGresult *res = PQexec(s->pg, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		r = pg_fail(s, res, "COPY", err);
		goto fail;
	}
	PQclear(res);
	for (size_t i = 0; i < add->n; i++) {
		char line[64 + (MAX_VALUES + 1) * NUMBER_BUF], *p = line;
		p += snprintf(p, 64, "%s\t%lld", symbol ? symbol : add->symbol[i],
			      (long long)add->time[i]);
		for (size_t k = 0; k < L->nvalues; k++) {
			*p++ = '\t';
			copy_number(&p, add->v[i * MAX_VALUES + k]);
		}
		*p++ = '\n';
		if (PQputCopyData(s->pg, line, (int)(p - line)) != 1) {
			r = pg_fail(s, NULL, "COPY", err);
			goto fail;
		}
	}
	if (PQputCopyEnd(s->pg, NULL) != 1) {
		r = pg_fail(s, NULL, "COPY", err);
		goto fail;
	}
	res = PQgetResult(s->pg);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		r = pg_fail(s, res, "COPY", err);
		while ((res = PQgetResult(s->pg)))
			PQclear(res);
		goto fail;
	}
	PQclear(res);
	while ((res = PQgetResult(s->pg)))
		PQclear(res);
	snprintf(sql, sizeof sql, "INSERT INTO %s SELECT * FROM snapshot_in ORDER BY symbol, time "
		 "ON CONFLICT DO NOTHING", L->sql_table);
	res = PQexec(s->pg, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		r = pg_fail(s, res, "INSERT", err);
		goto fail;
	}
	size_t n = (size_t)strtoull(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	if ((r = pg_exec(s, "COMMIT", "COMMIT", err)))
		goto fail;
	*added = n;
	return 0;
fail:
	pg_exec(s, "ROLLBACK", "ROLLBACK", NULL);
	return r;
}

static int pg_load(struct snapshot_store *s, const struct layout *L, const char *symbol,
		   int64_t from, int64_t to, struct rows *out, struct cra_error *err)
{
	char sql[512], cols[256] = "symbol, time";
	for (size_t k = 0; k < L->nvalues; k++) {
		size_t n = strlen(cols);
		snprintf(cols + n, sizeof cols - n, ", %s", L->columns[k]);
	}
	char a[32], b[32];
	snprintf(a, sizeof a, "%lld", (long long)from);
	snprintf(b, sizeof b, "%lld", (long long)to);
	const char *params[3] = { a, b, symbol };
	snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE time >= $1 AND time < $2%s "
		 "ORDER BY time, symbol", cols, L->sql_table, symbol ? " AND symbol = $3" : "");
	PGresult *res = PQexecParams(s->pg, sql, symbol ? 3 : 2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(s, res, "SELECT", err);
	int r = 0;
	for (int i = 0; i < PQntuples(res) && !r; i++) {
		double v[MAX_VALUES];
		int64_t t = 0;
		const char *tv = PQgetvalue(res, i, 1);
		bool ok = number_parse_int64(tv, strlen(tv), &t) == 0;
		for (size_t k = 0; k < L->nvalues; k++) {
			const char *x = PQgetvalue(res, i, (int)k + 2);
			v[k] = NAN;
			if (!PQgetisnull(res, i, (int)k + 2))
				ok = ok && number_parse_double(x, strlen(x), &v[k]) == 0;
		}
		if (!ok)
			r = cra_fail(err, EX_DATAERR, "PostgreSQL: %s: unreadable row", L->sql_table);
		else if (rows_push(out, t, PQgetvalue(res, i, 0), v, L->nvalues))
			r = cra_fail(err, EX_OSERR, "out of memory");
	}
	PQclear(res);
	return r;
}

/* --- the interface -------------------------------------------------------------------- */

int snapshot_store_open(struct snapshot_store **out, const struct store_options *options,
			struct cra_error *err)
{
	const char *uri = options ? options->db_uri : NULL;
	const char *dir = options ? options->data_dir : NULL;
	if (!uri || !*uri)
		uri = getenv("CRA_DB");
	if (!dir || !*dir)
		dir = getenv("CRA_DATA");
	if (!dir || !*dir)
		dir = "./data";
	struct snapshot_store *s = calloc(1, sizeof *s);
	if (!s)
		return cra_fail(err, EX_OSERR, "out of memory");
	int r = 0;
	if (uri && *uri) {
		r = pg_open(s, uri, err);
	} else {
		struct stat st;
		if (mkdir(dir, 0777) != 0 && errno != EEXIST)
			r = cra_fail(err, EX_CANTCREAT, "%s: cannot create data directory: %s", dir,
				     strerror(errno));
		else if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
			r = cra_fail(err, EX_CANTCREAT, "%s: not a directory", dir);
		else if (!(s->dir = strdup(dir)))
			r = cra_fail(err, EX_OSERR, "out of memory");
		snprintf(s->description, sizeof s->description, "data directory %s", dir);
	}
	if (r) {
		snapshot_store_close(s);
		return r;
	}
	*out = s;
	return 0;
}

void snapshot_store_close(struct snapshot_store *s)
{
	if (!s)
		return;
	PQfinish(s->pg);
	free(s->dir);
	free(s);
}

static int check_symbol(const char *symbol, struct cra_error *err)
{
	if (symbol && !symbol_valid(symbol))
		return cra_fail(err, EX_USAGE, "invalid symbol '%.40s'", symbol);
	return 0;
}

int snapshot_add_prices(struct snapshot_store *s, int64_t time, const struct price_tick *t,
			size_t n, size_t *added, struct cra_error *err)
{
	struct rows add = { 0 };
	int r = 0;
	for (size_t i = 0; i < n && !r; i++) {
		if ((r = check_symbol(t[i].symbol, err)))
			break;
		if (rows_push(&add, time, t[i].symbol, &t[i].price, 1))
			r = cra_fail(err, EX_OSERR, "out of memory");
	}
	if (!r)
		r = s->pg ? pg_insert(s, &prices_layout, NULL, &add, added, err)
			  : csv_append(s, "tickers.csv", &prices_layout, &add, added, err);
	rows_free(&add);
	return r;
}

int snapshot_add_book(struct snapshot_store *s, int64_t time, const struct book_tick *t,
		      size_t n, size_t *added, struct cra_error *err)
{
	int r = 0;
	*added = 0;
	for (size_t i = 0; i < n && !r; i++) {
		if ((r = check_symbol(t[i].symbol, err)))
			break;
		struct rows add = { 0 };
		double v[5] = { t[i].bid_price, t[i].bid_qty, t[i].ask_price, t[i].ask_qty,
				t[i].ask_price - t[i].bid_price };
		size_t one = 0;
		if (rows_push(&add, time, t[i].symbol, v, 5)) {
			r = cra_fail(err, EX_OSERR, "out of memory");
		} else if (s->pg) {
			r = pg_insert(s, &book_layout, t[i].symbol, &add, &one, err);
		} else {
			char name[64];
			snprintf(name, sizeof name, "book-%s.csv", t[i].symbol);
			r = csv_append(s, name, &book_layout, &add, &one, err);
		}
		*added += one;
		rows_free(&add);
	}
	return r;
}

int snapshot_add_funding(struct snapshot_store *s, const char *symbol,
			 const struct funding_rate *f, size_t n, size_t *added,
			 struct cra_error *err)
{
	int r = check_symbol(symbol, err);
	if (r)
		return r;
	struct rows add = { 0 };
	for (size_t i = 0; i < n && !r; i++) {
		if (i > 0 && f[i].time <= f[i - 1].time)
			r = cra_fail(err, EX_DATAERR, "%s: funding times must increase", symbol);
		double v[2] = { f[i].rate, f[i].mark_price };
		if (!r && rows_push(&add, f[i].time, symbol, v, 2))
			r = cra_fail(err, EX_OSERR, "out of memory");
	}
	if (!r) {
		if (s->pg) {
			r = pg_insert(s, &funding_layout, symbol, &add, added, err);
		} else {
			char name[64];
			snprintf(name, sizeof name, "funding-%s.csv", symbol);
			r = csv_merge(s, name, &funding_layout, &add, added, err);
		}
	}
	rows_free(&add);
	return r;
}

static int load_rows(struct snapshot_store *s, const struct layout *L, const char *file,
		     const char *symbol, int64_t from, int64_t to, struct rows *out,
		     struct cra_error *err)
{
	int r = check_symbol(symbol, err);
	if (r)
		return r;
	if (s->pg)
		return pg_load(s, L, symbol, from, to, out, err);
	char *path = file_path(s, "", file);
	if (!path)
		return cra_fail(err, EX_OSERR, "out of memory");
	struct rows all = { 0 };
	r = csv_read(path, L, &all, err);
	free(path);
	for (size_t i = 0; i < all.n && !r; i++) {
		if (all.time[i] < from || all.time[i] >= to)
			continue;
		if (L->has_symbol_column && symbol && strcmp(all.symbol[i], symbol))
			continue;
		if (rows_push(out, all.time[i], L->has_symbol_column ? all.symbol[i] : symbol,
			      all.v + i * MAX_VALUES, MAX_VALUES))
			r = cra_fail(err, EX_OSERR, "out of memory");
	}
	rows_free(&all);
	return r;
}

int snapshot_latest_funding(struct snapshot_store *s, const char *symbol, int64_t *time,
			    bool *exists, struct cra_error *err)
{
	struct rows r = { 0 };
	char file[64];
	snprintf(file, sizeof file, "funding-%s.csv", symbol);
	int st = load_rows(s, &funding_layout, file, symbol, INT64_MIN, INT64_MAX, &r, err);
	*exists = !st && r.n > 0;
	if (*exists)
		*time = r.time[r.n - 1];
	rows_free(&r);
	return st;
}

int snapshot_load_prices(struct snapshot_store *s, const char *symbol, int64_t from,
			 int64_t to, struct price_snapshot **out, size_t *n,
			 struct cra_error *err)
{
	struct rows r = { 0 };
	int st = load_rows(s, &prices_layout, "tickers.csv", symbol, from, to, &r, err);
	*out = NULL;
	*n = 0;
	if (!st && !(*out = calloc(r.n ? r.n : 1, sizeof **out)))
		st = cra_fail(err, EX_OSERR, "out of memory");
	for (size_t i = 0; !st && i < r.n; i++) {
		(*out)[i].time = r.time[i];
		memcpy((*out)[i].symbol, r.symbol[i], sizeof r.symbol[i]);
		(*out)[i].price = r.v[i * MAX_VALUES];
	}
	if (!st)
		*n = r.n;
	rows_free(&r);
	return st;
}

int snapshot_load_book(struct snapshot_store *s, const char *symbol, int64_t from, int64_t to,
		       struct book_snapshot **out, size_t *n, struct cra_error *err)
{
	struct rows r = { 0 };
	char file[64];
	snprintf(file, sizeof file, "book-%s.csv", symbol);
	int st = load_rows(s, &book_layout, file, symbol, from, to, &r, err);
	*out = NULL;
	*n = 0;
	if (!st && !(*out = calloc(r.n ? r.n : 1, sizeof **out)))
		st = cra_fail(err, EX_OSERR, "out of memory");
	for (size_t i = 0; !st && i < r.n; i++) {
		struct book_snapshot *b = &(*out)[i];
		const double *v = r.v + i * MAX_VALUES;
		b->time = r.time[i];
		memcpy(b->symbol, r.symbol[i], sizeof r.symbol[i]);
		b->bid_price = v[0], b->bid_qty = v[1], b->ask_price = v[2], b->ask_qty = v[3];
	}
	if (!st)
		*n = r.n;
	rows_free(&r);
	return st;
}

int snapshot_load_funding(struct snapshot_store *s, const char *symbol, int64_t from,
			  int64_t to, struct funding_rate **out, size_t *n, struct cra_error *err)
{
	struct rows r = { 0 };
	char file[64];
	snprintf(file, sizeof file, "funding-%s.csv", symbol);
	int st = load_rows(s, &funding_layout, file, symbol, from, to, &r, err);
	*out = NULL;
	*n = 0;
	if (!st && !(*out = calloc(r.n ? r.n : 1, sizeof **out)))
		st = cra_fail(err, EX_OSERR, "out of memory");
	for (size_t i = 0; !st && i < r.n; i++) {
		(*out)[i].time = r.time[i];
		(*out)[i].rate = r.v[i * MAX_VALUES];
		(*out)[i].mark_price = r.v[i * MAX_VALUES + 1];
	}
	if (!st)
		*n = r.n;
	rows_free(&r);
	return st;
}

/* --- tables on an output ------------------------------------------------------------------ */

void snapshot_write_header(struct table_writer *w, enum snapshot_kind kind, bool symbol_column)
{
	const struct layout *L = kind == SNAPSHOT_PRICES ? &prices_layout
			       : kind == SNAPSHOT_BOOK ? &book_layout : &funding_layout;
	if (kind == SNAPSHOT_FUNDING && symbol_column)
		tw_str(w, "symbol");
	tw_str(w, "time");
	if (kind != SNAPSHOT_FUNDING)
		tw_str(w, "symbol");
	for (size_t k = 0; k < L->nvalues; k++)
		tw_str(w, L->columns[k]);
	tw_end_row(w);
}

void snapshot_write_prices(struct table_writer *w, int64_t time, const struct price_tick *t,
			   size_t n)
{
	for (size_t i = 0; i < n; i++) {
		tw_int(w, time);
		tw_str(w, t[i].symbol);
		tw_double(w, t[i].price);
		tw_end_row(w);
	}
}

void snapshot_write_book(struct table_writer *w, int64_t time, const struct book_tick *t,
			 size_t n)
{
	for (size_t i = 0; i < n; i++) {
		tw_int(w, time);
		tw_str(w, t[i].symbol);
		tw_double(w, t[i].bid_price);
		tw_double(w, t[i].bid_qty);
		tw_double(w, t[i].ask_price);
		tw_double(w, t[i].ask_qty);
		tw_double(w, t[i].ask_price - t[i].bid_price);
		tw_end_row(w);
	}
}

void snapshot_write_funding(struct table_writer *w, const char *symbol,
			    const struct funding_rate *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (symbol)
			tw_str(w, symbol);
		tw_int(w, f[i].time);
		tw_double(w, f[i].rate);
		tw_double(w, f[i].mark_price);
		tw_end_row(w);
	}
}

int snapshot_dump(struct snapshot_store *s, enum snapshot_kind kind, const char *const *symbols,
		  size_t n, int64_t from, int64_t to, struct table_writer *w, struct cra_error *err)
{
	snapshot_write_header(w, kind, n > 1);
	int r = 0;
	for (size_t k = 0; k < (n ? n : 1) && !r; k++) {
		const char *symbol = n ? symbols[k] : NULL;
		if (kind == SNAPSHOT_PRICES) {
			struct price_snapshot *p;
			size_t m;
			if ((r = snapshot_load_prices(s, symbol, from, to, &p, &m, err)))
				break;
			for (size_t i = 0; i < m; i++) {
				struct price_tick t;
				memcpy(t.symbol, p[i].symbol, sizeof t.symbol);
				t.price = p[i].price;
				snapshot_write_prices(w, p[i].time, &t, 1);
			}
			free(p);
		} else if (kind == SNAPSHOT_BOOK) {
			if (!symbol)
				return cra_fail(err, EX_USAGE, "book snapshots are stored per symbol: name one");
			struct book_snapshot *p;
			size_t m;
			if ((r = snapshot_load_book(s, symbol, from, to, &p, &m, err)))
				break;
			for (size_t i = 0; i < m; i++) {
				struct book_tick t;
				memcpy(t.symbol, p[i].symbol, sizeof t.symbol);
				t.bid_price = p[i].bid_price, t.bid_qty = p[i].bid_qty;
				t.ask_price = p[i].ask_price, t.ask_qty = p[i].ask_qty;
				snapshot_write_book(w, p[i].time, &t, 1);
			}
			free(p);
		} else {
			if (!symbol)
				return cra_fail(err, EX_USAGE, "funding rates are stored per symbol: name one");
			struct funding_rate *f;
			size_t m;
			if ((r = snapshot_load_funding(s, symbol, from, to, &f, &m, err)))
				break;
			snapshot_write_funding(w, n > 1 ? symbol : NULL, f, m);
			free(f);
		}
	}
	return r;
}
